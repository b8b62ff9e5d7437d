/* Fuzz target: the reader on a file in memory (ovni_reader_open_memory: a
 * custom AVIOContext), CPU device and decoder, every frame read. Any bytes
 * must give frames, OVNI_EOF or a named error: never a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>

#include <libavutil/log.h>

#include "ovni/ovni.h"

/* Pictures beyond this are not decoded here: a few bytes may claim a huge
 * frame, and decoding 16384x16384 pictures only makes the fuzzer slow. */
#define FUZZ_MAX_PIXELS (1 << 20)

static ovni_device *dev;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dev) {
        /* quiet (-1: not even errors) unless FUZZ_VERBOSE is set */
        ovni_log_set_level(getenv("FUZZ_VERBOSE") ? OVNI_LOG_DEBUG : -1);
        av_log_set_level(getenv("FUZZ_VERBOSE") ? AV_LOG_WARNING : AV_LOG_QUIET);
        if (ovni_device_open(&dev, "cpu") < 0) abort();
    }
    ovni_reader_settings s;
    ovni_reader_default_settings(&s);
    s.decoder = OVNI_DECODER_CPU;
    s.threads = 1;
    s.queue_depth = 2;
    s.frame_count = 50; /* bounded work per input */
    s.loop = size & 1;  /* loop over short files too: seeking back is part of the reader */
    ovni_reader *r = NULL;
    if (ovni_reader_open_memory(&r, dev, data, size, &s) < 0) return 0;
    const ovni_video_info *info = ovni_reader_info(r);
    if ((int64_t)info->width * info->height <= FUZZ_MAX_PIXELS) {
        ovni_frame *f = NULL;
        while (ovni_reader_read(r, &f) == 0) ovni_frame_unref(&f);
        (void)ovni_reader_corrupt_packets(r);
    }
    ovni_reader_close(&r);
    return 0;
}
