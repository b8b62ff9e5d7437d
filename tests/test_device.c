/* Device selection, GPU timing with a CUDA graph, and the CPU worker pool. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/core/common.h"
#include "test.h"

static void mark(void *ctx, int b, int e)
{
    int *hits = ctx;
    for (int i = b; i < e; i++) __atomic_fetch_add(&hits[i], 1, __ATOMIC_RELAXED);
}

/* ovni_device_gpu_time's fn: paints a box on `frame`, or fails on call `fail_at`. */
typedef struct timed_fill {
    ovni_frame *frame;
    int calls, fail_at, sync; /* sync: wait inside fn, which a graph cannot hold */
} timed_fill;

static const uint8_t fill_colour[4] = {200, 40, 90, 255};

static int timed_fill_run(void *ctx)
{
    timed_fill *t = ctx;
    if (++t->calls == t->fail_at) return ovni_error(OVNI_EFORMAT, "timed_fill: failing on purpose");
    if (t->sync) {
        int ret = ovni_device_sync(t->frame->device);
        if (ret < 0) return ret;
    }
    return ovni_fill_rect(t->frame, 3, 2, 17, 9, fill_colour);
}

static void gpu_time_argument_checks(void)
{
    ovni_device *cpu = NULL;
    timed_fill t = {0};
    double ms = 1;
    CHECK_OK(ovni_device_open(&cpu, "cpu"));
    CHECK_ERR(ovni_device_gpu_time(cpu, timed_fill_run, &t, 10, &ms), OVNI_EUNSUPPORTED, "ovni_device_gpu_time");
    CHECK(ms == 0 && t.calls == 0);
    CHECK_ERR(ovni_device_gpu_time(cpu, timed_fill_run, &t, 0, &ms), OVNI_EINVAL, "reps");
    CHECK_ERR(ovni_device_gpu_time(cpu, timed_fill_run, &t, -4, &ms), OVNI_EINVAL, "reps");
    CHECK_ERR(ovni_device_gpu_time(cpu, timed_fill_run, &t, 10001, &ms), OVNI_EINVAL, "reps");
    CHECK_ERR(ovni_device_gpu_time(cpu, NULL, &t, 10, &ms), OVNI_EINVAL, "fn");
    CHECK_ERR(ovni_device_gpu_time(cpu, timed_fill_run, &t, 10, NULL), OVNI_EINVAL, "ms_per_call");
    CHECK_ERR(ovni_device_gpu_time(NULL, timed_fill_run, &t, 10, &ms), OVNI_EINVAL, "device");
    CHECK(t.calls == 0);
    ovni_device_close(&cpu);
}

/* Sets every byte of a frame's rows (host memory) to 0. */
static void zero_rows(ovni_frame *f)
{
    for (int y = 0; y < f->height; y++) memset(f->data[0] + (size_t)y * f->pitch[0], 0, (size_t)f->width * 4);
}

/* A fill box timed on the GPU: a positive time, fn called `reps` times, and
 * the frame holds the fill afterwards although it held zeros before the
 * call: captured work is only recorded, so the replays painted it. */
static void gpu_time_fill(ovni_device *gpu, ovni_frame *zeros, ovni_frame *back, ovni_frame *ref,
                          ovni_frame *dframe)
{
    zero_rows(zeros);
    zero_rows(ref);
    timed_fill t = {dframe, 0, 0, 0};
    CHECK_OK(timed_fill_run(&t)); /* once before, as the contract asks */
    CHECK_OK(ovni_frame_copy(dframe, zeros));
    CHECK_OK(ovni_device_sync(gpu));
    t.calls = 0;
    double ms = -1;
    CHECK_OK(ovni_device_gpu_time(gpu, timed_fill_run, &t, 20, &ms));
    CHECK_MSG(ms > 0 && isfinite(ms), "ms per call %g", ms);
    CHECK_MSG(t.calls == 20, "fn called %d times, wanted 20", t.calls);
    CHECK_OK(ovni_fill_rect(ref, 3, 2, 17, 9, fill_colour));
    CHECK_OK(ovni_frame_copy(back, dframe));
    CHECK_OK(ovni_frame_wait(back));
    int same = 1, painted = 0;
    for (int y = 0; y < ref->height; y++) {
        same &= !memcmp(back->data[0] + (size_t)y * back->pitch[0], ref->data[0] + (size_t)y * ref->pitch[0],
                        (size_t)ref->width * 4);
        painted |= back->data[0][(size_t)y * back->pitch[0] + 4 * 3] == fill_colour[0];
    }
    CHECK_MSG(same && painted, "after the graph's replays the frame is not the fill (same %d, painted %d)",
              same, painted);

    /* fn failing mid-capture: its code, a message naming the function, and a
     * stream out of capture mode (the device still works). */
    t = (timed_fill){dframe, 0, 3, 0};
    CHECK_ERR(ovni_device_gpu_time(gpu, timed_fill_run, &t, 10, &ms), OVNI_EFORMAT, "ovni_device_gpu_time");
    CHECK(ms == 0 && t.calls == 3);
    CHECK(strstr(ovni_last_error(), "on purpose") != NULL);
    CHECK_OK(ovni_device_sync(gpu));
    /* A wait inside fn cannot be captured: an error, never a hang or a time. */
    t = (timed_fill){dframe, 0, 0, 1};
    CHECK_ERR(ovni_device_gpu_time(gpu, timed_fill_run, &t, 10, &ms), OVNI_EGPU, "ovni_device_gpu_time");
    CHECK(ms == 0);
    CHECK_OK(ovni_device_sync(gpu));
    t = (timed_fill){dframe, 0, 0, 0};
    CHECK_OK(ovni_device_gpu_time(gpu, timed_fill_run, &t, 1, &ms));
    CHECK(ms > 0);
}

static void gpu_time_on_gpu(ovni_device *gpu)
{
    ovni_device *cpu = NULL;
    ovni_frame *zeros = NULL, *dframe = NULL, *back = NULL, *ref = NULL;
    CHECK_OK(ovni_device_open(&cpu, "cpu"));
    CHECK_OK(ovni_frame_new(gpu, OVNI_FORMAT_RGBA32, 40, 24, OVNI_MEMORY_HOST, &zeros));
    CHECK_OK(ovni_frame_new(gpu, OVNI_FORMAT_RGBA32, 40, 24, OVNI_MEMORY_HOST, &back));
    CHECK_OK(ovni_frame_new(cpu, OVNI_FORMAT_RGBA32, 40, 24, OVNI_MEMORY_HOST, &ref));
    CHECK_OK(ovni_frame_new(gpu, OVNI_FORMAT_RGBA32, 40, 24, OVNI_MEMORY_DEVICE, &dframe));
    if (zeros && back && ref && dframe) gpu_time_fill(gpu, zeros, back, ref, dframe);
    ovni_frame_unref(&zeros);
    ovni_frame_unref(&back);
    ovni_frame_unref(&ref);
    ovni_frame_unref(&dframe);
    ovni_device_close(&cpu);
}

static void gpu_time_checks(void)
{
    gpu_time_argument_checks();
    ovni_device *gpu = NULL;
    if (ovni_device_open(&gpu, "gpu") < 0) {
        SKIP("device: ovni_device_gpu_time on a GPU not run (%s)", ovni_last_error());
        return;
    }
    gpu_time_on_gpu(gpu);
    ovni_device_close(&gpu);
}

/* Two loops from two threads at once on one device: both finish, every
 * index once, and the second is helped by the pool's workers (it does not
 * run alone because the first is in progress). */
typedef struct pool_probe {
    ovni_device *dev;
    int n;
    int *hits;
    pthread_t seen[64];
    int nseen;
    pthread_mutex_t m;
} pool_probe;

static void probe_rows(void *ctx, int b, int e)
{
    pool_probe *p = ctx;
    pthread_mutex_lock(&p->m);
    int known = 0;
    for (int i = 0; i < p->nseen; i++) known |= pthread_equal(p->seen[i], pthread_self());
    if (!known && p->nseen < 64) p->seen[p->nseen++] = pthread_self();
    pthread_mutex_unlock(&p->m);
    for (int i = b; i < e; i++) {
        __atomic_fetch_add(&p->hits[i], 1, __ATOMIC_RELAXED);
        usleep(200);
    }
}

static void *probe_thread(void *arg)
{
    pool_probe *p = arg;
    ovni_parallel_for(p->dev, p->n, probe_rows, p);
    return NULL;
}

static void pool_checks(void)
{
    ovni_device_settings s;
    ovni_device_default_settings(&s);
    s.spec = "cpu";
    s.cpu_threads = 4;
    ovni_device *dev = NULL;
    CHECK_OK(ovni_device_open_settings(&dev, &s));
    if (!dev) return;
    CHECK(ovni_cpu_threads(dev) == 4);
    ovni_device_info info;
    CHECK_OK(ovni_device_get_info(dev, &info));
    CHECK(info.cpu_threads == 4);
    pool_probe a = {.dev = dev, .n = 400}, b = {.dev = dev, .n = 400};
    a.hits = calloc(400, sizeof(int));
    b.hits = calloc(400, sizeof(int));
    pthread_mutex_init(&a.m, NULL);
    pthread_mutex_init(&b.m, NULL);
    pthread_t ta, tb;
    CHECK(pthread_create(&ta, NULL, probe_thread, &a) == 0);
    CHECK(pthread_create(&tb, NULL, probe_thread, &b) == 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    int ok = 1;
    for (int i = 0; i < 400; i++) ok &= a.hits[i] == 1 && b.hits[i] == 1;
    CHECK_MSG(ok, "concurrent loops visit every index once");
    CHECK_MSG(a.nseen > 1 && b.nseen > 1, "threads per loop: %d and %d (a busy pool left one alone)", a.nseen, b.nseen);
    free(a.hits);
    free(b.hits);
    pthread_mutex_destroy(&a.m);
    pthread_mutex_destroy(&b.m);
    ovni_device_close(&dev);

    s.cpu_threads = 65;
    CHECK(ovni_device_open_settings(&dev, &s) == OVNI_EINVAL && dev == NULL && strstr(ovni_last_error(), "cpu_threads"));
    /* NULL device: inline */
    int hits[10] = {0};
    ovni_parallel_for(NULL, 10, mark, hits);
    CHECK(hits[0] == 1 && hits[9] == 1);
}

/* The device's logger gets the messages of work on that device; the
 * process default does not. */
static int dev_msgs, default_msgs;
static char dev_last[512];

static void dev_logger(void *cookie, int level, const char *msg)
{
    (void)level;
    CHECK(cookie == &dev_msgs);
    dev_msgs++;
    snprintf(dev_last, sizeof(dev_last), "%s", msg);
}

static void default_logger(void *cookie, int level, const char *msg)
{
    (void)cookie, (void)level, (void)msg;
    default_msgs++;
}

static void logger_checks(void)
{
    ovni_device_settings s;
    ovni_device_default_settings(&s);
    s.spec = "cpu";
    s.logger.callback = dev_logger;
    s.logger.cookie = &dev_msgs;
    ovni_device *dev = NULL;
    CHECK_OK(ovni_device_open_settings(&dev, &s));
    if (!dev) return;
    ovni_log_set_level(OVNI_LOG_INFO);
    ovni_log_set_callback(default_logger, NULL);
    char path[64];
    snprintf(path, sizeof(path), "/tmp/ovni-test-device-%d.mp4", (int)getpid());
    ovni_writer_settings ws;
    ovni_writer_default_settings(&ws);
    ws.width = 64;
    ws.height = 64;
    ovni_writer *w = NULL;
    /* on the CPU device the writer says, at info level, that it uses x264 */
    if (ovni_writer_open(&w, dev, path, &ws) == 0) ovni_writer_cancel(&w);
    CHECK_MSG(dev_msgs >= 1 && strstr(dev_last, "libx264"), "device logger: %d messages, last \"%s\"", dev_msgs,
              dev_last);
    CHECK_MSG(default_msgs == 0, "the process default got %d of the device's messages", default_msgs);
    ovni_log_set_callback(NULL, NULL);
    ovni_log_set_level(OVNI_LOG_WARNING);
    unlink(path);
    ovni_device_close(&dev);
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

    gpu_time_checks();

    /* The worker pool visits every index exactly once. */
    ovni_device *pdev = NULL;
    CHECK_OK(ovni_device_open(&pdev, "cpu"));
    for (int n = 0; n < 1000; n += 37) {
        int *hits = calloc((size_t)n + 1, sizeof(int));
        ovni_parallel_for(pdev, n, mark, hits);
        int ok = 1;
        for (int i = 0; i < n; i++) ok &= hits[i] == 1;
        CHECK_MSG(ok, "parallel_for(%d)", n);
        CHECK_MSG(hits[n] == 0, "parallel_for(%d) visited index %d, past the end", n, n);
        free(hits);
    }
    ovni_device_close(&pdev);
    pool_checks();
    logger_checks();
    CHECK(ovni_version()[0] != 0);
    CHECK(ovni_strerror(OVNI_EINVAL)[0] != 0);
    return test_result("device");
}
