/* Internal: the two video decoders behind the reader (libavcodec on the CPU,
 * NVDEC on the GPU) share this small interface, so the reader's thread does
 * demuxing, seeking, looping and frame selection once for both.
 *
 * A decoder is fed packets in decode order on the reader's thread and hands
 * each picture it finishes, in presentation order, to `emit`. emit owns the
 * frame it is given; it returns 0 to go on, or a negative code to stop (the
 * queue was closed or enough frames were delivered: DECODE_STOP), which
 * decode() returns. */
#ifndef OVNI_IO_DECODE_H
#define OVNI_IO_DECODE_H

#include <stdatomic.h>
#include <stdint.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "../core/frame_internal.h"

typedef int (*decode_emit_fn)(void *ctx, ovni_frame *f);

/* What emit returns when no more frames are wanted: decode() passes it on
 * and the reader ends cleanly. Never a decoder's own error. */
#define DECODE_STOP OVNI_ECANCELED

typedef struct decode_params {
    ovni_device *dev;
    const char *path;          /* for messages */
    const AVStream *st;
    ovni_memory memory;        /* where emitted frames live */
    ovni_matrix matrix;        /* tags given to every frame */
    ovni_range range;
    ovni_chroma_loc chroma_loc;
    int threads;               /* CPU decoder threads, 0: one per core */
    decode_emit_fn emit;
    void *emit_ctx;
} decode_params;

typedef struct decoder decoder;
struct decoder {
    const char *name;          /* "libavcodec" or "nvdec" */
    /* Decodes one packet; pkt NULL drains the decoder (end of stream). */
    int (*decode)(decoder *d, const AVPacket *pkt);
    /* Drops everything buffered without emitting it (after a seek). */
    int (*flush)(decoder *d);
    void (*close)(decoder *d);
    atomic_llong corrupt;      /* packets or pictures that failed to decode (read by other threads) */
    int damaged;               /* set before each emit: that picture was decoded with errors (CPU only) */
};

/* Opens the libavcodec decoder for p->st. */
int decoder_cpu_open(decoder **out, const decode_params *p);

/* Opens an NVDEC decoder. OVNI_EUNSUPPORTED when the device, its driver or
 * cuvidGetDecoderCaps says it cannot decode this stream (the message says
 * why); the reader then falls back to the CPU. */
int decoder_nvdec_open(decoder **out, const decode_params *p);

/* Bit depth of a stream's pixels (8 when unknown). */
int decode_stream_bit_depth(const AVCodecParameters *par);

#endif
