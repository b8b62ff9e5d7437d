/* Fault injection: fail the k-th allocation, for every k along a short
 * pipeline; each run must either succeed or return a named error, and free
 * everything (the ASan/LSan build checks the freeing). */
#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../src/core/common.h"
#include "media.h"
#include "pipeline.h"
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

/* Files in dir other than `keep` (a leftover output or temporary file). */
static int stray_files(const char *dir, const char *keep)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, keep)) {
            fprintf(stderr, "  stray file: %s/%s\n", dir, e->d_name);
            n++;
        }
    if (d) closedir(d);
    return n;
}

/* read -> ops -> write on the CPU device with allocation k failed, for every
 * k of a clean run: an error with a message, nothing left on disk. */
static void pipeline_faults(const char *dir, const char *clip)
{
    char out[512];
    snprintf(out, sizeof(out), "%s/out.mp4", dir);
    pipeline_opts o = {.in = clip, .out = out, .frames = 6};
    ovni_device *dev = NULL;
    ovni_fault_arm(1000000);
    int ret = ovni_device_open(&dev, "cpu");
    if (ret == 0) ret = pipeline_run(dev, &o);
    ovni_device_close(&dev);
    long total = ovni_fault_arm(0);
    CHECK_MSG(ret == 0, "the clean pipeline failed: %s", ovni_last_error());
    CHECK_MSG(total >= 20, "only %ld allocations counted along the pipeline", total);
    unlink(out);
    long injected = 0, codes[10] = {0};
    for (long k = 1; k <= total; k++) {
        ovni_error_clear();
        ovni_fault_arm(k);
        ret = ovni_device_open(&dev, "cpu");
        if (ret == 0) ret = pipeline_run(dev, &o);
        ovni_device_close(&dev);
        /* threads allocate in a timing-dependent order: a run may make fewer
         * allocations than the counted one and never reach k */
        if (ovni_fault_arm(0) < k) {
            CHECK_MSG(ret == 0, "allocation %ld was not reached, yet the pipeline failed: %s", k, ovni_last_error());
            unlink(out);
            continue;
        }
        injected++;
        if (ret < 0 && -ret < 10) codes[-ret]++;
        CHECK_MSG(ret < 0, "allocation %ld of %ld failed but the pipeline succeeded", k, total);
        CHECK_MSG(strlen(ovni_last_error()) > 0, "allocation %ld: no message", k);
        CHECK_MSG(stray_files(dir, "clip.mp4") == 0, "allocation %ld: files left behind", k);
    }
    printf("faults: pipeline: %ld of %ld allocation points failed one by one (ENOMEM %ld, other errors %ld)\n",
           injected, total, codes[-OVNI_ENOMEM], injected - codes[-OVNI_ENOMEM]);
}

/* The disk fills up while writing (RLIMIT_FSIZE, SIGXFSZ ignored, so write()
 * fails with EFBIG): an error naming the file, the temporary file removed,
 * the target untouched. The limit is the process's, lowered for this test
 * only (the soft limit goes back up afterwards). */
static void disk_full(const char *dir, const char *clip)
{
    char out[512];
    snprintf(out, sizeof(out), "%s/full.mp4", dir);
    FILE *fp = fopen(out, "w");
    CHECK(fp && fputs("the old file", fp) >= 0);
    if (fp) fclose(fp);
    struct rlimit old;
    CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    struct rlimit low = {16 * 1024, old.rlim_max};
    CHECK(setrlimit(RLIMIT_FSIZE, &low) == 0);
    ovni_device *dev = NULL;
    /* 200 frames of the 160x96 clip at ultrafast: well over 16 KiB */
    pipeline_opts o = {.in = clip, .out = out, .frames = 200};
    ovni_error_clear();
    int ret = ovni_device_open(&dev, "cpu");
    if (ret == 0) ret = pipeline_run(dev, &o);
    ovni_device_close(&dev);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    CHECK_MSG(ret == OVNI_EIO && strstr(ovni_last_error(), "full.mp4"),
              "disk full gave %d: %s", ret, ovni_last_error());
    printf("faults: disk full: %s\n", ovni_last_error());
    char buf[64] = {0};
    fp = fopen(out, "r");
    CHECK(fp && fgets(buf, sizeof(buf), fp) && !strcmp(buf, "the old file"));
    if (fp) fclose(fp);
    unlink(out);
    CHECK(stray_files(dir, "clip.mp4") == 0);
}

/* Cancel after some frames: no target, no temporary file. */
static void cancel(const char *dir, const char *clip)
{
    char out[512];
    snprintf(out, sizeof(out), "%s/cancel.mp4", dir);
    ovni_device *dev = NULL;
    pipeline_opts o = {.in = clip, .out = out, .frames = 40, .cancel_after = 15};
    CHECK_OK(ovni_device_open(&dev, "cpu"));
    CHECK(pipeline_run(dev, &o) == OVNI_ECANCELED);
    ovni_device_close(&dev);
    CHECK(access(out, F_OK) != 0);
    CHECK(stray_files(dir, "clip.mp4") == 0);
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

    /* the pipeline on a generated clip, in a directory of its own */
    char dir[] = "/tmp/ovni-faults-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char clip[512];
    snprintf(clip, sizeof(clip), "%s/clip.mp4", dir);
    media_spec spec = {.path = clip, .width = 160, .height = 96, .fps_num = 25, .fps_den = 1, .frames = 8, .gop = 4};
    CHECK(media_write(&spec, NULL) == 0);
    ovni_log_set_level(OVNI_LOG_ERROR); /* "encoding with libx264" on every run */
    pipeline_faults(dir, clip);
    disk_full(dir, clip);
    cancel(dir, clip);
    unlink(clip);
    rmdir(dir);
    return test_result("faults");
}
