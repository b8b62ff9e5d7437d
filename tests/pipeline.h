/* A short read -> ops -> write pipeline on one device, shared by the fault,
 * soak and valgrind tests: reader (CPU decoder; NVDEC on a GPU device) ->
 * RGB24 -> vignette ->
 * gaussian blur -> resize -> NV12 -> writer (x264 ultrafast). */
#ifndef OVNI_TESTS_PIPELINE_H
#define OVNI_TESTS_PIPELINE_H

#include <stdint.h>

#include "ovni/ovni.h"

typedef struct pipeline_opts {
    const char *in, *out;
    int64_t frames;      /* frames to make (the input is looped); 0: the input once */
    int out_width, out_height; /* 0: the input's size */
    int cancel_after;    /* > 0: ovni_writer_cancel after this many frames, return OVNI_ECANCELED */
    /* called every `every` frames with the count so far (soak measurements) */
    void (*tick)(void *ctx, int64_t done);
    void *tick_ctx;
    int64_t every;
} pipeline_opts;

/* Runs it on dev; returns 0 or the first error (its message set). Frees
 * everything on every path. */
int pipeline_run(ovni_device *dev, const pipeline_opts *o);

#endif
