/* Fuzz target: an ASS/SSA script from memory (ovni_ass_open_memory), drawn
 * at a few times onto small host frames (RGBA and NV12). */
#include <stdint.h>
#include <stdlib.h>

#include "ovni/ovni.h"

static ovni_device *dev;
static ovni_frame *rgba, *nv12;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dev) {
        ovni_log_set_level(getenv("FUZZ_VERBOSE") ? OVNI_LOG_DEBUG : -1);
        if (ovni_device_open(&dev, "cpu") < 0 ||
            ovni_frame_new(dev, OVNI_FORMAT_RGBA32, 64, 36, OVNI_MEMORY_HOST, &rgba) < 0 ||
            ovni_frame_new(dev, OVNI_FORMAT_NV12, 48, 28, OVNI_MEMORY_HOST, &nv12) < 0)
            abort();
    }
    ovni_ass *a = NULL;
    if (ovni_ass_open_memory(&a, data, size, 64, 36, NULL) < 0) return 0;
    static const int64_t times[] = {0, 500, 1500, 4000, 65000, -1000};
    for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
        (void)ovni_ass_render(a, times[i], rgba);
        if (i < 2) (void)ovni_ass_render(a, times[i], nv12); /* another size: a new layout */
    }
    ovni_ass_close(&a);
    return 0;
}
