/* ovni: reading video files.
 *
 * A reader demuxes a file with libavformat and decodes its best video stream
 * on the GPU's NVDEC where the device and codec allow, else on the CPU with
 * libavcodec. It runs ahead on its own thread through a bounded queue;
 * ovni_reader_read() hands frames out in presentation order.
 *
 * Frames are NV12 (8-bit) or P010 (10-bit), tagged with the stream's matrix,
 * range and chroma location and with their field order, pts in the stream's
 * time base. By default they are turned upright by the stream's display
 * matrix (settings.no_autorotate keeps them as stored).
 *
 * Thread safety: one reader is used by one thread at a time. */
#ifndef OVNI_READER_H
#define OVNI_READER_H

#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "export.h"
#include "frame.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ovni_reader ovni_reader;

typedef enum ovni_decoder {
    OVNI_DECODER_AUTO = 0, /* NVDEC where possible, else libavcodec */
    OVNI_DECODER_NVDEC = 1,/* NVDEC or an error */
    OVNI_DECODER_CPU = 2,  /* libavcodec */
} ovni_decoder;

typedef struct ovni_reader_settings {
    ovni_decoder decoder;
    int output_memory;      /* -1 (default): device memory on a GPU device, else host */
    int64_t start_frame;    /* first frame delivered (frame-accurate), default 0 */
    int64_t frame_count;    /* frames to deliver; 0: to the end */
    int loop;               /* at the end, start again (at start_frame) until frame_count is
                             * reached; forever when frame_count is 0. pts keep increasing */
    int queue_depth;        /* frames decoded ahead; default 4 */
    int threads;            /* CPU decoder threads; 0: one per core */
    int segments;           /* decoders sharing one file (split at keyframes, frames still in
                             * order); 0: auto (NVDEC: one per engine, at most 8; CPU: 1),
                             * 1: sequential, up to 32. Needs a keyframe index (MP4/MOV,
                             * Matroska with cues) and loop off, else reads in one piece.
                             * See docs/reader.md for the memory it takes */
    int allow_playlists;    /* 1: let playlist and concat demuxers (HLS, ffconcat, ...) read the
                             * files they name; 0 (default): such inputs are refused */
    double start_time;      /* seconds from the stream's start (0: use start_frame): the first
                             * frame delivered is the one on screen at that time, the last
                             * whose pts <= start. Reads in one piece (no segments) */
    double duration;        /* seconds: frames starting at or after the first delivered frame's
                             * time + duration (less one tick of the time base, for rounded
                             * timestamps) are not delivered; 0: to the end. With loop, it
                             * counts over all passes */
    int64_t max_memory;     /* bytes the reader may take for frames, estimated from the stream's
                             * header before any allocation (frame size x decoder references,
                             * threads and queue): more fails with OVNI_ENOMEM naming the size.
                             * 0: half of the machine's memory. docs/reliability.md */
    int audio_feed;         /* 1: also keep the packets of the input's audio stream `audio_track`
                             * for a writer (ovni_writer_settings.audio_reader), so an input read
                             * once (stdin, a FIFO) gives its audio from the same demuxer as its
                             * video. Reads in one piece (no segments); no loop. Nothing is kept
                             * when the input has no such stream. 0: not kept */
    int audio_track;        /* the input's Nth audio stream, from 0 (as info.audio[N]) */
    int no_autorotate;      /* 0 (default): frames are turned upright by the stream's
                             * orientation (display matrix: quarter turns and mirrors, exact),
                             * so a frame of an orientation 5..8 file is height x width; 1: frames
                             * as stored (ovni_video_info.orientation says how to show them) */
    uint8_t reserved[20];
} ovni_reader_settings;

#define OVNI_MAX_AUDIO_STREAMS 8

typedef struct ovni_audio_info {
    int stream_index;
    char codec[32];
    int sample_rate, channels;
    double duration;        /* seconds, 0 if unknown (the file's length past its start when the
                             * container stores none for the stream, e.g. Matroska) */
    double start_time;      /* the stream's first timestamp, seconds (edit lists applied) */
} ovni_audio_info;

typedef struct ovni_video_info {
    char container[32];     /* "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", ... */
    int stream_index;
    char codec[32];         /* "h264", "hevc", "vp9", "av1", ... */
    int width, height;
    int bit_depth;
    ovni_rational fps;      /* average frame rate (see docs/reader.md for VFR files) */
    ovni_rational time_base;
    double duration;        /* seconds */
    int64_t frame_count;
    int frame_count_exact;  /* 1: from the container's index; 0: estimated */
    int64_t bit_rate;       /* bits per second, 0 if unknown */
    ovni_matrix matrix;
    ovni_range range;
    int primaries;          /* ISO/IEC 23091-4 code (1 = BT.709, 9 = BT.2020) */
    int transfer;           /* ISO/IEC 23091-4 code */
    int rotation;           /* the display matrix's turn, in degrees CLOCKWISE (0, 90, 180, 270;
                             * rounded to a quarter turn): how far a player turns the stored
                             * picture to show it (ffprobe prints the same matrix as a
                             * counter-clockwise angle: its "rotation of -90.00 degrees" is 90
                             * here). `orientation` says the same with the matrix's mirroring */
    int naudio;
    ovni_audio_info audio[OVNI_MAX_AUDIO_STREAMS];
    char decoder[32];       /* what decodes it: "nvdec" or "libavcodec" (set by a reader) */
    ovni_rational r_frame_rate; /* the container's base rate (the lowest that represents every
                             * timestamp); {0,0} if unknown */
    int vfr;                /* 1: the first packets' durations differ (variable frame rate) */
    double start_time;      /* the video stream's first timestamp, seconds (edit lists applied) */
    ovni_chroma_loc chroma_loc; /* the stream's, or its codec's default when untagged */
    int orientation;        /* ovni_orientation (1..8) of the display matrix: how the stored
                             * frames are turned/mirrored to be shown upright; 1 when the file
                             * has no matrix (or one that is not quarter turns and mirrors) */
    ovni_rational sar;      /* sample (pixel) aspect ratio of the stored frames; 1:1 untagged */
    ovni_field_order field_order; /* the stream's tag (container or parser; decoded frames carry
                             * their own in ovni_frame.field_order, which is what counts) */
    int display_width, display_height; /* the picture as shown: orientation applied, then the
                             * width scaled by the SAR (rounded) */
    uint8_t reserved[36];
} ovni_video_info;

OVNI_API void ovni_reader_default_settings(ovni_reader_settings *s);

/* Reads a file's streams without decoding. Errors name the file and reason. */
OVNI_API int ovni_probe(const char *path, ovni_video_info *info);

/* Opens `path` for reading on dev. `s` may be NULL (defaults). Fails with a
 * message naming the file if it is missing, not a media file, or has no
 * video stream. */
OVNI_API int ovni_reader_open(ovni_reader **out, ovni_device *dev, const char *path,
                              const ovni_reader_settings *s);

/* The same on a file held in memory (`size` bytes, copied: the caller keeps
 * `data`). Messages name it "<memory: N bytes>". A container that refers to
 * other files or URLs (playlists, references) cannot open them from here;
 * settings.segments is taken as 1 (parallel decode reopens the file). */
OVNI_API int ovni_reader_open_memory(ovni_reader **out, ovni_device *dev, const void *data, size_t size,
                                     const ovni_reader_settings *s);

OVNI_API const ovni_video_info *ovni_reader_info(const ovni_reader *r);

/* The next frame (the caller owns the reference), OVNI_EOF at the end, or a
 * negative error (the reader's message says what failed). */
OVNI_API int ovni_reader_read(ovni_reader *r, ovni_frame **out);

/* Packets that failed to decode and were skipped so far. */
OVNI_API int64_t ovni_reader_corrupt_packets(const ovni_reader *r);

/* How a read went so far: parallel decode can be seen taking effect. */
typedef struct ovni_reader_stats {
    int decoders;           /* decoders reading the file: 1 in one piece, > 1 split at
                             * keyframes (settings.segments and a keyframe index) */
    int decoders_used;      /* of them, those whose frames have been delivered */
    int chunks;             /* keyframe intervals the file was split into; 0 in one piece */
    int64_t frames;         /* frames delivered */
    int64_t corrupt_packets;/* as ovni_reader_corrupt_packets() */
    uint8_t reserved[32];
} ovni_reader_stats;

/* Fills *st (zeros for a NULL reader). Call from the thread that reads. */
OVNI_API void ovni_reader_get_stats(const ovni_reader *r, ovni_reader_stats *st);

/* Stops the decode thread and frees everything; sets *r to NULL; fine on NULL. */
OVNI_API void ovni_reader_close(ovni_reader **r);

#ifdef __cplusplus
}
#endif
#endif
