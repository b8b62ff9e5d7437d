/* ovni: writing video files.
 *
 * A writer encodes frames with NVENC where the GPU has it, else libx264
 * through libavcodec (one info line says so), and muxes them with
 * libavformat into the container named by the file's extension (mp4, mov,
 * mkv, webm, ts), optionally with an audio stream copied from a file. It
 * writes to a temporary file beside the target and renames it on success:
 * on failure or cancel the target is untouched.
 *
 * Encoding and muxing run on the writer's own thread through a bounded
 * queue. Thread safety: one writer is used by one thread at a time. */
#ifndef OVNI_WRITER_H
#define OVNI_WRITER_H

#include <stdint.h>

#include "device.h"
#include "export.h"
#include "frame.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ovni_writer ovni_writer;

typedef enum ovni_codec {
    OVNI_CODEC_H264 = 0,
    OVNI_CODEC_HEVC = 1,
} ovni_codec;

typedef enum ovni_encoder {
    OVNI_ENCODER_AUTO = 0,  /* NVENC if a session opens, else x264 */
    OVNI_ENCODER_NVENC = 1, /* NVENC or an error */
    OVNI_ENCODER_X264 = 2,  /* libx264 (libx265 for HEVC) on the CPU */
} ovni_encoder;

typedef enum ovni_rate_control {
    OVNI_RC_DEFAULT = 0,    /* x264: CRF 23; NVENC: VBR at CQ 23 */
    OVNI_RC_CRF = 1,        /* constant quality (x264 crf / NVENC cq), `quality` */
    OVNI_RC_CQP = 2,        /* constant QP, `quality` */
    OVNI_RC_VBR = 3,        /* `bitrate`, peak `max_bitrate` */
    OVNI_RC_CBR = 4,        /* `bitrate` */
} ovni_rate_control;

typedef enum ovni_audio_mode {
    OVNI_AUDIO_AUTO = 0,    /* copy; re-encode to AAC only if the codec cannot go in the container */
    OVNI_AUDIO_COPY = 1,    /* copy or fail */
    OVNI_AUDIO_AAC = 2,     /* always re-encode to AAC */
    OVNI_AUDIO_OPUS = 3,    /* always re-encode to Opus (libopus) */
} ovni_audio_mode;

/* What the writer does with an odd width or height: H.264 and HEVC code
 * 4:2:0 pictures in whole chroma samples (their cropping, x264's crop-rect and
 * HEVC's conformance window, counts in steps of 2 luma pixels), so no stream
 * displays an odd size. */
typedef enum ovni_even {
    OVNI_EVEN_PAD = 0,      /* one more column/row, repeating the last one (default) */
    OVNI_EVEN_CROP = 1,     /* one column/row less: the last one is dropped (a side of 1 is padded) */
} ovni_even;

typedef struct ovni_writer_settings {
    int width, height;          /* required, 1..8192; an odd side is made even (`even`) */
    ovni_rational fps;          /* required: constant frame rate, e.g. {30000, 1001} */
    ovni_codec codec;
    ovni_encoder encoder;
    const char *preset;         /* "p1".."p7" (mapped to x264 presets, docs/writer.md) or an
                                 * x264 preset name; NULL: "p4" */
    int tune_low_latency;       /* NVENC tuning: 0 high quality, 1 low latency */
    ovni_rate_control rate_control;
    int quality;                /* CRF / CQ / QP value, 0..51 */
    int64_t bitrate, max_bitrate; /* bits per second */
    int gop;                    /* keyframe interval in frames; 0: 2 seconds of frames */
    int bframes;                /* -1: encoder default */
    int faststart;              /* mp4/mov: moov atom at the front */
    int pts_passthrough;        /* use frames' pts (rescaled) instead of n / fps */
    ovni_matrix matrix;         /* colour tags written (and RGB input converted with) */
    ovni_range range;
    const char *audio_path;     /* copy audio from this file; NULL: no audio */
    int audio_stream;           /* stream index in audio_path; -1: the best audio stream */
    double audio_start;         /* seconds into the audio source where output starts */
    ovni_audio_mode audio_mode;
    int queue_depth;            /* frames queued for the encoder thread; default 4 */
    int allow_playlists;        /* audio_path: as ovni_reader_settings.allow_playlists */
    int no_overwrite;           /* 1: fail with OVNI_EIO if the target exists (checked again at the
                                 * final rename, which never replaces a file that appeared since) */
    int audio_sync;             /* 1: audio_start is a time on audio_path's own timeline (the pts,
                                 * in seconds, of the first video frame written, read from the
                                 * same file): the audio keeps its place against the video. A
                                 * later audio start becomes leading silence (re-encoding) or a
                                 * start offset (copying); an earlier one is cut (to the sample
                                 * when re-encoding, to the packet when copying). 0: audio_start
                                 * counts from the audio stream's own start */
    double audio_loop;          /* > 0: the audio starts again every audio_loop seconds of output
                                 * (a looped video's period); 0: plays once */
    int64_t max_memory;         /* bytes the writer may take for frames (width x height x (queue +
                                 * the encoder's lookahead and threads, 64 frames)): more fails at
                                 * open with OVNI_ENOMEM. 0: half of the machine's memory */
    ovni_chroma_loc chroma_loc; /* chroma siting written and tagged (RGB input is
                                 * downsampled to it); default LEFT */
    ovni_even even;             /* odd width/height: pad (default) or crop to even, one info line */
    uint8_t background[3];      /* RGB that RGBA32 frames are composited over (the file has no
                                 * alpha), with one info line; default black */
    uint8_t orientation;        /* ovni_orientation (1..8) written as the stream's display matrix,
                                 * so players turn/mirror the frames when showing them; 0 or 1
                                 * (default): none */
    uint8_t field_order;        /* ovni_field_order of the frames: an interlaced one (TT, BB, TB,
                                 * BT) is tagged on the stream, and x264 codes the frames
                                 * interlaced (each frame's own TT/BB picks its field order); NVENC
                                 * and x265 code progressive pictures with the tag. Default
                                 * PROGRESSIVE */
    struct ovni_reader *audio_reader; /* instead of audio_path: the audio a reader opened with
                                 * audio_feed = 1 read from its input, the same demuxer as the
                                 * video (stdin, FIFOs). Timing as with audio_path (audio_sync,
                                 * audio_start); no audio_loop. The reader may be closed first */
    uint16_t sar_num, sar_den;  /* sample (pixel) aspect ratio written (bitstream VUI and
                                 * container), each 1..65535; 0:0 (default): 1:1 */
    uint8_t primaries;          /* colour primaries tagged (VUI and container), an ISO/IEC 23091-4
                                 * (H.273) code as ovni_video_info.primaries: 1 BT.709, 9 BT.2020,
                                 * ...; 0 (default): the matrix's (BT.709, SMPTE 170M, BT.2020) */
    uint8_t transfer;           /* transfer characteristics tagged, an H.273 code: 1 BT.709, 16 PQ
                                 * (SMPTE ST 2084), 18 HLG, ...; 0 (default): the matrix's
                                 * (BT.709, SMPTE 170M, BT.2020 10-bit) */
    uint8_t reserved[2];
} ovni_writer_settings;

OVNI_API void ovni_writer_default_settings(ovni_writer_settings *s);

/* Removes every temporary output file this process has open (writers and
 * PNG saves in progress), leaving their targets untouched. Async-signal-safe:
 * for a signal handler that then exits at once (a second Ctrl-C). */
OVNI_API void ovni_remove_temp_files(void);

/* Opens an output. Fails (naming the path or setting) on a bad setting, an
 * unknown extension, an unwritable directory, a missing audio file. */
OVNI_API int ovni_writer_open(ovni_writer **out, ovni_device *dev, const char *path,
                              const ovni_writer_settings *s);

/* Queues one frame: NV12 of the output size (P010 is reduced to 8 bits, the
 * encoders coding 8 bits, as `ffmpeg -pix_fmt yuv420p` does, with one info
 * line; RGB24/RGBA32 are converted;
 * RGBA32 is first composited over settings.background, and a frame with an
 * odd side is padded or cropped to even as settings.even says, on the
 * frame's own device), host or device memory. The writer takes its own reference; the caller
 * keeps theirs. Returns an error the encoder thread hit earlier, if any. */
OVNI_API int ovni_writer_write(ovni_writer *w, ovni_frame *frame);

/* The size the writer codes for settings s (the file's size): s's width and
 * height, an odd side made even as s->even says. */
OVNI_API void ovni_writer_coded_size(const ovni_writer_settings *s, int *width, int *height);

/* "nvenc" or "libx264" (known after open). */
OVNI_API const char *ovni_writer_encoder_name(const ovni_writer *w);

/* Flushes, finishes the file, renames it into place and frees everything;
 * returns the final status. *w is set to NULL; fine on NULL. */
OVNI_API int ovni_writer_close(ovni_writer **w);

/* Stops without finishing: the temporary file is removed, the target
 * untouched. *w is set to NULL; fine on NULL. */
OVNI_API void ovni_writer_cancel(ovni_writer **w);

#ifdef __cplusplus
}
#endif
#endif
