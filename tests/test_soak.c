/* Memory soak: the read -> ops -> write pipeline (tests/pipeline.c) looped
 * over a small generated clip; host RSS (/proc/self/statm) after a warm-up
 * and at the end must grow by less than 1 MB. On a GPU device (when
 * ovni_device_open("gpu") works) the same on device memory, from
 * ovni_device_memory() (cuMemGetInfo: all of the GPU, so other processes
 * must be quiet).
 *
 *   test_soak [FRAMES [WIDTHxHEIGHT]]       (or OVNI_SOAK_FRAMES, OVNI_SOAK_SIZE;
 *                                            OVNI_SOAK_GPU_ONLY=1 skips the CPU run)
 *
 * defaults: 10000 frames at 160x90 (CI); the GPU machine runs
 * `test_soak 100000 1920x1080`. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "media.h"
#include "pipeline.h"
#include "test.h"

#define MAX_GROWTH (1024 * 1024)

typedef struct soak {
    ovni_device *dev;
    int64_t warm;            /* frames of warm-up */
    long rss0;               /* bytes after warm-up */
    size_t gpu_free0;
    long rss_peak_growth;
} soak;

static long rss_bytes(void)
{
    long pages = 0, resident = 0;
    FILE *fp = fopen("/proc/self/statm", "r");
    if (fp) {
        if (fscanf(fp, "%ld %ld", &pages, &resident) != 2) resident = 0;
        fclose(fp);
    }
    return resident * sysconf(_SC_PAGESIZE);
}

static void tick(void *ctx, int64_t done)
{
    soak *s = ctx;
    long rss = rss_bytes();
    if (done == s->warm) {
        s->rss0 = rss;
        if (ovni_device_is_gpu(s->dev)) ovni_device_memory(s->dev, &s->gpu_free0, NULL);
    } else if (done > s->warm && rss - s->rss0 > s->rss_peak_growth) {
        s->rss_peak_growth = rss - s->rss0;
    }
}

static void run(const char *spec, const char *clip, const char *out, int64_t frames, int w, int h)
{
    soak s = {0};
    if (ovni_device_open(&s.dev, spec) < 0) {
        SKIP("soak: no %s device (%s): its run not made", spec, ovni_last_error());
        return;
    }
    s.warm = frames / 10 < 500 ? (frames < 1000 ? frames / 2 : 500) : frames / 10;
    int64_t every = s.warm < 100 ? s.warm : 100;
    while (s.warm % every) every--;
    pipeline_opts o = {.in = clip, .out = out, .frames = frames, .out_width = w, .out_height = h,
                       .tick = tick, .tick_ctx = &s, .every = every};
    int ret = pipeline_run(s.dev, &o);
    CHECK_MSG(ret == 0, "the %s pipeline failed: %s", spec, ovni_last_error());
    long rss1 = rss_bytes();
    long growth = rss1 - s.rss0;
    printf("soak: %s: %lld frames at %dx%d: host RSS %.1f MB after %lld frames of warm-up, %.1f MB at the end: "
           "%+.3f MB (peak %+.3f MB)\n", spec, (long long)frames, w, h, s.rss0 / 1048576.0, (long long)s.warm,
           rss1 / 1048576.0, growth / 1048576.0, s.rss_peak_growth / 1048576.0);
    CHECK_MSG(growth < MAX_GROWTH, "host RSS grew by %ld bytes", growth);
    /* the peak, sampled while the reader and writer are open (the end is
     * measured after they are closed, which frees what they held) */
    CHECK_MSG(s.rss_peak_growth < MAX_GROWTH, "host RSS grew by %ld bytes at its peak, while the pipeline ran",
              s.rss_peak_growth);
    if (ovni_device_is_gpu(s.dev)) {
        size_t free1 = 0, total = 0;
        CHECK_OK(ovni_device_memory(s.dev, &free1, &total));
        long long used = (long long)s.gpu_free0 - (long long)free1;
        printf("soak: %s: GPU memory in use grew by %+.3f MB (%.0f MB free of %.0f MB)\n", spec, used / 1048576.0,
               free1 / 1048576.0, total / 1048576.0);
        CHECK_MSG(used < MAX_GROWTH, "GPU memory in use grew by %lld bytes", used);
    }
    ovni_device_stats st;
    ovni_device_get_stats(s.dev, &st);
    printf("soak: %s: %llu host and %llu device frame buffers allocated in all, %llu frames live at the end\n", spec,
           (unsigned long long)st.host_allocs, (unsigned long long)st.device_allocs,
           (unsigned long long)st.frames_live);
    ovni_device_close(&s.dev);
    unlink(out);
}

int main(int argc, char **argv)
{
    const char *fs = argc > 1 ? argv[1] : getenv("OVNI_SOAK_FRAMES");
    const char *ss = argc > 2 ? argv[2] : getenv("OVNI_SOAK_SIZE");
    int64_t frames = fs ? atoll(fs) : 10000;
    int w = 160, h = 90;
    if (ss && (sscanf(ss, "%dx%d", &w, &h) != 2 || w < 16 || h < 16 || (w | h) & 1)) {
        fprintf(stderr, "soak: size \"%s\": expected WIDTHxHEIGHT, even, at least 16x16\n", ss);
        return 2;
    }
    if (frames < 100) {
        fprintf(stderr, "soak: %lld frames: at least 100\n", (long long)frames);
        return 2;
    }
    char dir[] = "/tmp/ovni-soak-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char clip[512], out[512];
    snprintf(clip, sizeof(clip), "%s/clip.mp4", dir);
    /* MPEG-TS: an mp4 or mkv muxer keeps an index entry per frame (or per
     * keyframe) in memory until the end, ~50 bytes a frame in mp4 by design,
     * which would hide or fake the growth measured here */
    snprintf(out, sizeof(out), "%s/out.ts", dir);
    /* 2 s of input, looped; its size is the output's */
    media_spec spec = {.path = clip, .width = w, .height = h, .fps_num = 30, .fps_den = 1, .frames = 60, .gop = 30};
    CHECK(media_write(&spec, NULL) == 0);
    ovni_log_set_level(OVNI_LOG_WARNING);
    /* OVNI_SOAK_GPU_ONLY: the GPU machine's long 1080p run skips the CPU one */
    if (!getenv("OVNI_SOAK_GPU_ONLY")) run("cpu", clip, out, frames, w, h);
    /* the GPU run (skipped without one) */
    if (!getenv("OVNI_SOAK_CPU_ONLY")) run("gpu", clip, out, frames, w, h);
    unlink(clip);
    rmdir(dir);
    return test_result("soak");
}
