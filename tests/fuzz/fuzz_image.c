/* Fuzz target: the image loader's open path (ovni_image_load: the guarded
 * open with image demuxers only, the header's size limits, decode and the
 * RGB conversion) on a file written from the input. The first byte picks
 * the extension, so the probe sees .png, .jpg, .bmp, ... and also names that
 * are not images. Any bytes must give a frame or a named error: never a
 * crash, a leak, or an open of another file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavutil/log.h>

#include "ovni/ovni.h"

static ovni_device *dev;
static char dir[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void remove_dir(void) { rmdir(dir); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const exts[] = {"png", "jpg", "bmp", "webp", "tif", "tga", "ppm", "gif", "mp4", "m3u8"};
    if (!dev) {
        ovni_log_set_level(getenv("FUZZ_VERBOSE") ? OVNI_LOG_DEBUG : -1);
        av_log_set_level(getenv("FUZZ_VERBOSE") ? AV_LOG_WARNING : AV_LOG_QUIET);
        if (ovni_device_open(&dev, "cpu") < 0) abort();
        snprintf(dir, sizeof(dir), "/tmp/ovni-fuzz-image-XXXXXX");
        if (!mkdtemp(dir)) abort();
        atexit(remove_dir);
    }
    if (size < 1) return 0;
    char path[128];
    snprintf(path, sizeof(path), "%s/in.%s", dir, exts[data[0] % (sizeof(exts) / sizeof(exts[0]))]);
    FILE *fp = fopen(path, "wb");
    if (!fp) abort();
    if (size > 1 && fwrite(data + 1, 1, size - 1, fp) != size - 1) abort();
    fclose(fp);
    ovni_frame *f = NULL;
    if (ovni_image_load(dev, path, (data[0] & 0x80) ? OVNI_FORMAT_RGBA32 : OVNI_FORMAT_RGB24, OVNI_MEMORY_HOST,
                        &f) == 0)
        ovni_frame_unref(&f);
    unlink(path);
    return 0;
}
