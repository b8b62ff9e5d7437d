/* Fault injection: fail the k-th allocation, for every k along a short
 * pipeline; each run must either succeed or return a named error, and free
 * everything (the ASan/LSan build checks the freeing). */
#include <string.h>
#include <unistd.h>

#include "../src/core/common.h"
#include "test.h"

/* device -> frames -> convert both ways -> PNG; returns the first error. */
static int pipeline(const char *png)
{
    ovni_device *dev = NULL;
    ovni_frame *rgb = NULL, *nv12 = NULL, *back = NULL;
    int ret = ovni_device_open(&dev, "cpu");
    if (ret == 0) ret = ovni_frame_new(dev, OVNI_FORMAT_RGBA32, 64, 48, OVNI_MEMORY_HOST, &rgb);
    if (ret == 0) {
        test_fill_random(rgb);
        ret = ovni_convert(rgb, OVNI_FORMAT_NV12, &nv12);
    }
    if (ret == 0) ret = ovni_convert(nv12, OVNI_FORMAT_RGB24, &back);
    if (ret == 0) ret = ovni_image_save_png(back, png);
    ovni_frame_unref(&back);
    ovni_frame_unref(&nv12);
    ovni_frame_unref(&rgb);
    ovni_device_close(&dev);
    return ret;
}

int main(void)
{
    char png[] = "/tmp/ovni-faults-XXXXXX.png";
    int fd = mkstemps(png, 4);
    CHECK(fd >= 0);
    close(fd);
    unlink(png);

    /* Count the allocations of one clean run. */
    ovni_fault_arm(1000000);
    CHECK_OK(pipeline(png));
    long total = ovni_fault_arm(0);
    CHECK_MSG(total >= 4, "only %ld allocations counted", total);
    unlink(png);

    for (long k = 1; k <= total; k++) {
        ovni_error_clear();
        ovni_fault_arm(k);
        int ret = pipeline(png);
        ovni_fault_arm(0);
        CHECK_MSG(ret == OVNI_ENOMEM, "allocation %ld of %ld failed but the pipeline returned %d", k, total, ret);
        CHECK_MSG(strlen(ovni_last_error()) > 0, "allocation %ld: no message", k);
        CHECK_MSG(access(png, F_OK) != 0, "allocation %ld: a PNG was left behind", k);
        unlink(png);
    }
    printf("faults: %ld allocation points failed one by one\n", total);
    return test_result("faults");
}
