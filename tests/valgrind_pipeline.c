/* A short CPU pipeline for valgrind memcheck (meson test 'valgrind'): a
 * generated clip read from a file and from memory, ops, captions, a PNG
 * round trip and an x264 write; every handle closed, so any leak or invalid
 * access valgrind reports is a bug. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "media.h"
#include "pipeline.h"
#include "test.h"

static const char script[] =
    "[Script Info]\nScriptType: v4.00+\nPlayResX: 160\nPlayResY: 96\n\n[Events]\n"
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
    "Dialogue: 0,0:00:00.00,0:00:05.00,Default,,0,0,0,,{\\bord2\\fad(100,100)}valgrind\n";

int main(void)
{
    char dir[] = "/tmp/ovni-vg-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char clip[512], out[512], png[512];
    snprintf(clip, sizeof(clip), "%s/clip.mp4", dir);
    snprintf(out, sizeof(out), "%s/out.mp4", dir);
    snprintf(png, sizeof(png), "%s/frame.png", dir);
    media_spec spec = {.path = clip, .width = 160, .height = 96, .fps_num = 25, .fps_den = 1, .frames = 10, .gop = 5};
    CHECK(media_write(&spec, NULL) == 0);
    ovni_log_set_level(OVNI_LOG_WARNING);
    ovni_device *dev = NULL;
    CHECK_OK(ovni_device_open(&dev, "cpu"));

    pipeline_opts o = {.in = clip, .out = out, .frames = 15};
    CHECK_OK(pipeline_run(dev, &o));

    /* the same clip from memory, captions on each frame, one saved as PNG */
    FILE *fp = fopen(clip, "rb");
    uint8_t *bytes = malloc(1 << 20);
    size_t n = fp && bytes ? fread(bytes, 1, 1 << 20, fp) : 0;
    if (fp) fclose(fp);
    ovni_reader *r = NULL;
    ovni_ass *ass = NULL;
    CHECK_OK(ovni_reader_open_memory(&r, dev, bytes, n, NULL));
    CHECK_OK(ovni_ass_open_memory(&ass, script, sizeof(script) - 1, 160, 96, NULL));
    ovni_frame *f = NULL, *rgb = NULL;
    int frames = 0;
    while (r && ass && ovni_reader_read(r, &f) == 0) {
        CHECK_OK(ovni_convert(f, OVNI_FORMAT_RGB24, &rgb));
        CHECK_OK(ovni_ass_render(ass, frames * 40, rgb));
        if (frames++ == 3) CHECK_OK(ovni_image_save_png(rgb, png));
        ovni_frame_unref(&rgb);
        ovni_frame_unref(&f);
    }
    CHECK(frames == 10);
    ovni_ass_close(&ass);
    ovni_reader_close(&r);
    free(bytes);
    ovni_frame *img = NULL;
    CHECK_OK(ovni_image_load(dev, png, OVNI_FORMAT_RGBA32, OVNI_MEMORY_HOST, &img));
    ovni_frame_unref(&img);
    ovni_device_close(&dev);
    unlink(png);
    unlink(out);
    unlink(clip);
    rmdir(dir);
    return test_result("valgrind_pipeline");
}
