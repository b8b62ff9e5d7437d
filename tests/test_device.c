/* Device selection and the CPU worker pool. */
#include <stdlib.h>
#include <string.h>

#include "../src/core/common.h"
#include "test.h"

static void mark(void *ctx, int b, int e)
{
    int *hits = ctx;
    for (int i = b; i < e; i++) __atomic_fetch_add(&hits[i], 1, __ATOMIC_RELAXED);
}

int main(void)
{
    ovni_device *dev = NULL;
    ovni_device_info info;

    CHECK_OK(ovni_device_open(&dev, "cpu"));
    CHECK(dev && !ovni_device_is_gpu(dev));
    CHECK_OK(ovni_device_get_info(dev, &info));
    CHECK(!info.is_gpu && info.index == -1 && info.cpu_threads >= 1);
    CHECK(strstr(info.name, "CPU") != NULL);
    CHECK_OK(ovni_device_sync(dev));
    ovni_device_close(&dev);
    CHECK(dev == NULL);
    ovni_device_close(&dev); /* fine on NULL */

    CHECK_ERR(ovni_device_open(&dev, "bogus"), OVNI_EINVAL, "bogus");
    CHECK(dev == NULL);
    CHECK_ERR(ovni_device_open(&dev, "-3"), OVNI_EINVAL, "-3");
    CHECK_ERR(ovni_device_open(NULL, "cpu"), OVNI_EINVAL, "NULL");

    /* OVNI_DEVICE picks the device when the caller says auto. */
    setenv("OVNI_DEVICE", "cpu", 1);
    CHECK_OK(ovni_device_open(&dev, NULL));
    CHECK(dev && !ovni_device_is_gpu(dev));
    ovni_device_close(&dev);
    setenv("OVNI_DEVICE", "nonsense", 1);
    CHECK_ERR(ovni_device_open(&dev, "auto"), OVNI_EINVAL, "nonsense");
    unsetenv("OVNI_DEVICE");

    /* Auto always gives a device: the GPU where there is one, else the CPU. */
    CHECK_OK(ovni_device_open(&dev, NULL));
    CHECK(dev != NULL);
    int have_gpu = ovni_device_is_gpu(dev);
    ovni_device_close(&dev);

    /* Asking for GPU 200 fails with a message naming it, never falls back. */
    int r = ovni_device_open(&dev, "200");
    CHECK(r < 0 && dev == NULL && strstr(ovni_last_error(), "200"));
    if (!have_gpu) {
        r = ovni_device_open(&dev, "gpu");
        CHECK(r < 0 && dev == NULL && strstr(ovni_last_error(), "gpu"));
    }

    /* The worker pool visits every index exactly once. */
    for (int n = 0; n < 1000; n += 37) {
        int *hits = calloc((size_t)n + 1, sizeof(int));
        ovni_parallel_for(n, mark, hits);
        int ok = 1;
        for (int i = 0; i < n; i++) ok &= hits[i] == 1;
        CHECK_MSG(ok, "parallel_for(%d)", n);
        free(hits);
    }
    CHECK(ovni_version()[0] != 0);
    CHECK(ovni_strerror(OVNI_EINVAL)[0] != 0);
    return test_result("device");
}
