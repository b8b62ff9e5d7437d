/* Internal: parallel decode of one file (settings.segments > 1).
 *
 * The video stream is cut at keyframes (from libavformat's index) into
 * chunks of about one GOP (at least SEG_MIN_FRAMES frames). N workers, each
 * with its own demuxer, decoder and bounded queue, take chunks k, k+N, k+2N…
 * in turn; the reader takes chunk 0's frames from worker 0's queue, chunk 1's
 * from worker 1's, and so on, so frames come out in order while all N
 * decoders run. See docs/reader.md for the design and its memory bound. */
#ifndef OVNI_IO_SEGMENTS_H
#define OVNI_IO_SEGMENTS_H

#include "decode.h"

#define SEG_MIN_FRAMES 30 /* shorter GOPs are merged: a chunk's drain and seek cost less than its frames */
#define SEG_MAX_WORKERS 32

/* Where the chunks start, in the index's own timestamps: the packets' dts
 * for MP4/MOV (its index lists samples in decode order), their pts for
 * Matroska (cues are pts). */
typedef struct seg_plan {
    int64_t *ts;           /* chunk k starts at the keyframe packet whose key time is ts[k] */
    int n;                 /* chunks */
    int first;             /* the first chunk decoded (start_frame) */
    int key_is_dts;        /* key time of a packet: 1 dts, 0 pts */
    int64_t max_frames;    /* frames in the longest chunk (estimated from timestamps) */
    int moved;             /* the plan seeked the demuxer: it must seek back before a sequential read */
} seg_plan;

/* Builds the chunk list from fmt's index of stream si. Returns the number
 * of chunks (0 when the file has no usable keyframe index: not MP4/MOV/
 * Matroska, or no cues); target_pts (INT64_MIN: none) picks plan->first. */
int segments_plan(AVFormatContext *fmt, int si, int64_t target_pts, int64_t frame_dur, seg_plan *plan);
void segments_plan_free(seg_plan *plan);

typedef struct segments_params {
    /* Every worker's decoder, as the reader's: dec.st is the reader's stream
     * (codec parameters and time base), dec.threads each worker's CPU
     * decoder threads; each worker sets emit to its own queue. */
    decode_params dec;
    int nvdec;             /* 1: NVDEC sessions, 0: libavcodec */
    int workers;
    int64_t target_pts;    /* frames before it (less half a frame) are dropped; INT64_MIN: none */
    int64_t frame_dur;
    const AVInputFormat *format; /* the reader's demuxer: the workers open the file with it, no probing */
} segments_params;

typedef struct segments segments;

/* Starts the workers; takes plan->ts (plan is emptied). */
int segments_open(segments **out, const segments_params *p, seg_plan *plan);
/* The next frame in presentation order: 0 with *out, DECODE_STOP at the
 * end, or a worker's error (ovni_error set to its message). */
int segments_read(segments *s, ovni_frame **out);
/* Decoders started, those whose frames the reader has taken, and chunks
 * planned (the reader's thread only). */
void segments_count(const segments *s, int *decoders, int *used, int *chunks);
/* Stops the workers (a worker blocked on its queue returns at once). */
void segments_stop(segments *s);
int64_t segments_corrupt(segments *s);
/* Stops, joins and frees everything; fine on NULL. */
void segments_close(segments *s);

#endif
