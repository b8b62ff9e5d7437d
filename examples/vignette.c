/* vignette: a rainbow gradient sliding sideways, darkened towards the corners
 * by a vignette whose radius breathes.
 *
 *   vignette [OUT.mp4] [--cpu]
 *
 * Shows ovni_crop_into as a sub-pixel pan (a float box of the output's size,
 * mapped onto the output: a pure translation, bilinear) and ovni_vignette in
 * place: with d the distance from the centre over half the diagonal,
 * RGB *= 1 - strength * smoothstep((d - radius) / softness). */
#include "common.h"

/* A 2W x H gradient whose hue repeats every W pixels, so any W-wide window
 * of it at left = 0..W joins up: sliding left from 0 to W loops seamlessly. */
static int draw_gradient(ovni_device *dev, ovni_frame **out)
{
    ovni_frame *host = NULL;
    int ret = ovni_frame_new(dev, OVNI_FORMAT_RGB24, 2 * EX_W, EX_H, OVNI_MEMORY_HOST, &host);
    if (ret < 0) return ret;
    for (int y = 0; y < EX_H; y++) {
        uint8_t *p = host->data[0] + (size_t)y * host->pitch[0];
        for (int x = 0; x < 2 * EX_W; x++, p += 3) {
            double a = 2 * 3.14159265358979 * x / EX_W, v = (double)y / EX_H;
            for (int c = 0; c < 3; c++) /* three phase-shifted waves: a hue wheel, darker at the bottom */
                p[c] = ex_clamp8((127.5 + 110 * cos(a - c * 2.0943951)) * (1 - 0.4 * v));
        }
    }
    if (ex_memory(dev) == OVNI_MEMORY_HOST) {
        *out = host;
        return 0;
    }
    ret = ovni_frame_upload(host, out);
    if (ret == 0) ret = ovni_frame_wait(*out); /* before the host buffer returns to its pool */
    ovni_frame_unref(&host);
    return ret;
}

int main(int argc, char **argv)
{
    char out[4096];
    ovni_device *dev = NULL;
    int ret = ex_start(argc, argv, "vignette", out, sizeof(out), &dev);
    if (ret) return ret;

    ovni_frame *gradient = NULL, *frame = NULL;
    ovni_writer *w = NULL;
    const char *encoder = "";
    ret = draw_gradient(dev, &gradient);
    if (ret == 0) ret = ex_writer(dev, out, EX_W, EX_H, &w);
    if (ret == 0) encoder = ovni_writer_encoder_name(w);

    for (int n = 0; ret == 0 && n < EX_FRAMES; n++) {
        float u = (float)n / EX_FRAMES;
        float left = EX_W * u; /* one whole hue cycle over the clip */
        ret = ovni_frame_new(dev, OVNI_FORMAT_RGB24, EX_W, EX_H, ex_memory(dev), &frame);
        if (ret == 0) ret = ovni_crop_into(frame, gradient, left, 0, left + EX_W, EX_H);
        /* strength 0.8 (corners at 20 %), radius 0.25..0.55 (untouched
         * centre), softness 0.7 (width of the falloff) */
        float radius = 0.4f + 0.15f * sinf(2.0f * 3.14159265f * u);
        if (ret == 0) ret = ovni_vignette(frame, 0.8f, radius, 0.7f);
        if (ret == 0) ret = ovni_writer_write(w, frame);
        ovni_frame_unref(&frame);
    }
    if (ret == 0) ret = ovni_writer_close(&w);

    if (ret < 0) fprintf(stderr, "vignette: %s\n", ovni_last_error());
    else ex_done("vignette", out, encoder, dev);
    ovni_writer_cancel(&w);
    ovni_frame_unref(&gradient);
    ovni_device_close(&dev);
    return ret < 0;
}
