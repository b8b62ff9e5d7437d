/* `ovni demo --png DIR`: a test card (colour bars over a moving gradient)
 * taken RGB -> NV12 (the decoder's format) -> RGB through the colour ops on
 * the device, written as PNGs, with the round trip's error and speed. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

static void draw_card(ovni_frame *f, int n)
{
    static const uint8_t bars[7][3] = {{191, 191, 191}, {191, 191, 0}, {0, 191, 191}, {0, 191, 0},
                                       {191, 0, 191},   {191, 0, 0},   {0, 0, 191}};
    for (int y = 0; y < f->height; y++) {
        uint8_t *row = f->data[0] + (size_t)y * f->pitch[0];
        for (int x = 0; x < f->width; x++) {
            uint8_t *p = row + 3 * (size_t)x;
            if (y < f->height * 2 / 3) {
                memcpy(p, bars[x * 7 / f->width], 3);
            } else {
                double t = (double)x / f->width + n * 0.02;
                p[0] = (uint8_t)(127.5 + 127.5 * sin(6.283 * t));
                p[1] = (uint8_t)(255.0 * y / f->height);
                p[2] = (uint8_t)(127.5 + 127.5 * cos(6.283 * t));
            }
        }
    }
}

/* `ovni demo --png DIR`: the colour round trip on a test card, as PNGs. */
int cli_demo_png(const char *outdir, const char *device)
{
    if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "ovni demo: cannot create %s: %s\n", outdir, strerror(errno));
        return 1;
    }
    ovni_device *dev;
    if (cli_open_device(device, &dev)) return 1;
    ovni_device_info info;
    ovni_device_get_info(dev, &info);
    const int w = 1280, h = 720, frames = 30;
    ovni_memory mem = info.is_gpu ? OVNI_MEMORY_DEVICE : OVNI_MEMORY_HOST;
    int rc = 0;
    double max_err = 0, sum_err = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int n = 0; n < frames && !rc; n++) {
        ovni_frame *card = NULL, *in = NULL, *nv12 = NULL, *rgb = NULL, *back = NULL;
        int ret = ovni_frame_new(dev, OVNI_FORMAT_RGB24, w, h, OVNI_MEMORY_HOST, &card);
        if (ret == 0) {
            draw_card(card, n);
            ret = mem == OVNI_MEMORY_DEVICE ? ovni_frame_upload(card, &in) : (in = ovni_frame_ref(card), 0);
        }
        if (ret == 0) ret = ovni_convert(in, OVNI_FORMAT_NV12, &nv12);
        if (ret == 0) ret = ovni_convert(nv12, OVNI_FORMAT_RGB24, &rgb);
        if (ret == 0) ret = mem == OVNI_MEMORY_DEVICE ? ovni_frame_download(rgb, &back) : (back = ovni_frame_ref(rgb), 0);
        if (ret == 0) ret = ovni_frame_wait(back);
        if (ret == 0) {
            for (int y = 0; y < h; y += 7)
                for (int x = 0; x < 3 * w; x += 5) {
                    double e = fabs((double)card->data[0][y * card->pitch[0] + x] - back->data[0][y * back->pitch[0] + x]);
                    sum_err += e;
                    if (e > max_err) max_err = e;
                }
            if (n % 10 == 0) {
                char path[4096];
                snprintf(path, sizeof(path), "%s/frame%03d.png", outdir, n);
                ret = ovni_image_save_png(back, path);
                if (ret == 0) printf("wrote %s\n", path);
            }
        }
        if (ret < 0) {
            fprintf(stderr, "ovni demo: %s\n", ovni_last_error());
            rc = 1;
        }
        ovni_frame_unref(&card);
        ovni_frame_unref(&in);
        ovni_frame_unref(&nv12);
        ovni_frame_unref(&rgb);
        ovni_frame_unref(&back);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    if (!rc)
        printf("demo: %d frames %dx%d, RGB -> NV12 -> RGB on %s, %.1f fps (with drawing and PNG writes); "
               "round-trip error mean %.2f, max %.0f\n",
               frames, w, h, info.name, frames / secs, sum_err / ((double)frames * (h / 7 + 1) * (3 * w / 5 + 1)), max_err);
    ovni_device_close(&dev);
    return rc;
}
