/* Captions benchmark: time added per 1080p frame by a two-line outlined
 * caption that changes every 500 ms, over a 10 s clip at 30 fps (300
 * frames), on the GPU (device frames; ovni_device_sync at the end) and on the
 * CPU (host frames). Prints ms/frame; the target on an H100 is < 0.3 ms.
 *
 * usage: ass_bench [gpu|cpu|all] [frames]   (default: all 300) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ovni/ovni.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* 20 events of 500 ms: two lines each, outline 3, shadow 2. */
static char *make_script(void)
{
    size_t cap = 16384, len = 0;
    char *s = malloc(cap);
    if (!s) return NULL;
    len += (size_t)snprintf(s + len, cap - len,
        "[Script Info]\nScriptType: v4.00+\nPlayResX: 1920\nPlayResY: 1080\nWrapStyle: 0\n\n[V4+ Styles]\n"
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
        "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
        "MarginL, MarginR, MarginV, Encoding\n"
        "Style: Caption,DejaVu Sans,64,&H00FFFFFF,&H000000FF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,3,2,2,"
        "60,60,60,1\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n");
    for (int i = 0; i < 20; i++) {
        int t0 = i * 500, t1 = t0 + 500;
        len += (size_t)snprintf(s + len, cap - len,
            "Dialogue: 0,0:00:%02d.%02d,0:00:%02d.%02d,Caption,,0,0,0,,Caption number %d of the clip, "
            "with words\\Nand a second line that changes too (%d)\n",
            t0 / 1000, t0 % 1000 / 10, t1 / 1000, t1 % 1000 / 10, i + 1, i * 7 + 3);
    }
    return s;
}

static int run(const char *spec, ovni_format fmt, int frames, const char *script)
{
    ovni_device *dev = NULL;
    if (ovni_device_open(&dev, spec) < 0) {
        printf("ass_bench: %s: not available (%s)\n", spec, ovni_last_error());
        return 0;
    }
    int gpu = ovni_device_is_gpu(dev);
    ovni_frame *f = NULL;
    ovni_ass *a = NULL;
    int ret = ovni_frame_new(dev, fmt, 1920, 1080, gpu ? OVNI_MEMORY_DEVICE : OVNI_MEMORY_HOST, &f);
    if (ret == 0) ret = ovni_ass_open_memory(&a, script, strlen(script), 1920, 1080, NULL);
    /* Font loading and the first layout happen once per handle, not per
     * frame: one render before the clock starts. */
    if (ret == 0) ret = ovni_ass_render(a, 0, f);
    if (ret == 0) ret = ovni_device_sync(dev);
    double t0 = now_ms();
    for (int i = 0; i < frames && ret == 0; i++) ret = ovni_ass_render(a, (int64_t)i * 1000 / 30, f);
    if (ret == 0) ret = ovni_device_sync(dev);
    double ms = now_ms() - t0;
    if (ret < 0) {
        fprintf(stderr, "ass_bench: %s: %s\n", spec, ovni_last_error());
    } else {
        ovni_ass_stats st;
        ovni_ass_get_stats(a, &st);
        printf("ass_bench: %-4s %-6s 1920x1080: %.3f ms/frame (%d frames, %llu libass layouts, %llu packs, %llu uploads, "
               "last %d images, %zu bytes)\n", gpu ? "gpu" : "cpu", ovni_format_name(fmt), ms / frames, frames,
               (unsigned long long)st.layouts, (unsigned long long)st.packs, (unsigned long long)st.uploads, st.last_images, st.last_bytes);
    }
    ovni_ass_close(&a);
    ovni_frame_unref(&f);
    ovni_device_close(&dev);
    return ret;
}

int main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "all";
    int frames = argc > 2 ? atoi(argv[2]) : 300;
    if (frames < 1 || frames > 100000) frames = 300;
    char *script = make_script();
    if (!script) return 1;
    static const ovni_format fmts[] = {OVNI_FORMAT_NV12, OVNI_FORMAT_RGBA32, OVNI_FORMAT_RGB24};
    int ret = 0;
    for (int i = 0; i < 3 && ret == 0; i++) {
        if (strcmp(which, "cpu") && ret == 0) ret = run("gpu", fmts[i], frames, script);
        if (strcmp(which, "gpu") && ret == 0) ret = run("cpu", fmts[i], frames, script);
    }
    free(script);
    return ret < 0 ? 1 : 0;
}
