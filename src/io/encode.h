/* Internal: the video encoders behind the writer (libx264/libx265 through
 * libavcodec on the CPU, NVENC on the GPU) share this small interface, as the
 * decoders share decode.h. The writer owns the muxer; an encoder knows
 * nothing of it.
 *
 * An encoder is opened with an encode_params, fed frames in presentation
 * order on the writer's thread (send), drained at the end (flush), and hands
 * each packet it finishes, in decode order, to `emit`. emit takes the
 * packet's data (it unrefs the packet) and returns 0 to go on or a negative
 * code, which send/flush return. */
#ifndef OVNI_IO_ENCODE_H
#define OVNI_IO_ENCODE_H

#include <stdint.h>

#include <libavcodec/avcodec.h>

#include "../core/frame_internal.h"
#include "ovni/writer.h"

typedef int (*encode_emit_fn)(void *ctx, AVPacket *pkt);

typedef struct encode_params {
    ovni_device *dev;
    const char *path;                   /* for messages */
    const ovni_writer_settings *s;      /* validated; outlives the encoder */
    AVRational time_base;               /* of the pts given to send and of emitted pts/dts */
    int64_t frame_ticks;                /* one frame period in time_base */
    enum AVColorSpace color_space;      /* tags written into the stream */
    enum AVColorRange color_range;
    enum AVColorPrimaries color_primaries;
    enum AVColorTransferCharacteristic color_trc;
    enum AVChromaLocation chroma_location;
    AVRational sar;                     /* sample aspect ratio written (1:1 when untagged) */
    enum AVFieldOrder field_order;      /* AV_FIELD_PROGRESSIVE, or the frames' interlaced order */
    int global_header;                  /* parameter sets out of band (extradata), not in the stream */
    int hvc1;                           /* HEVC tagged 'hvc1' (mp4/mov: Apple players want it) */
    AVCodecParameters *par;             /* filled by a successful open; untouched by a failed one */
    encode_emit_fn emit;
    void *emit_ctx;
} encode_params;

typedef struct encoder encoder;

typedef struct encoder_class {
    const char *name;                   /* "x264", "nvenc" */
    /* Opens a session for p. A failed open leaves nothing behind (the writer
     * may try the next class). */
    int (*open)(encoder **out, const encode_params *p);
    /* Takes ownership of f (host or device NV12) with its output pts. */
    int (*send)(encoder *e, ovni_frame *f, int64_t pts);
    /* End of stream: emits every packet still held. */
    int (*flush)(encoder *e);
    /* Frees everything; fine after a failed send, and on NULL. */
    void (*close)(encoder **e);
} encoder_class;

/* What every encoder's private struct starts with. */
struct encoder {
    const encoder_class *cls;
    const char *name;                   /* "libx264", "libx265", "nvenc": ovni_writer_encoder_name */
    int device_bound;                   /* device frames must be on the encoder's device */
};

extern const encoder_class encoder_x264;   /* encode_x264.c */
extern const encoder_class encoder_nvenc;  /* encode_nvenc.c: fails (not logging) where no session opens */

/* encode.c: x264 preset name of a "p1".."p7" or x264 preset string (NULL if
 * unknown), and the NVENC preset number 1..7 for it. */
const char *encode_preset_x264(const char *preset);
int encode_preset_nvenc(const char *preset);

/* The GOP length: settings.gop, or two seconds of frames (at least 1). */
int encode_gop_length(const ovni_writer_settings *s);

#endif
