/* rounded_corners: two pictures whose corners round off over time, blended
 * over a background: on the left circular corners, on the right squircle
 * corners (a smoother curvature, as in iOS icons).
 *
 *   rounded_corners [OUT.mp4] [--cpu]
 *
 * Shows ovni_round_corners: RGB24 or RGBA32 in, RGBA32 out with alpha =
 * coverage of the rounded shape (anti-aliased edge). `smoothing` is the
 * superellipse exponent n of |u|^n + |v|^n = 1 in each corner: 2 is a
 * circle, 4..5 the squircle. radii NULL means one radius for all four. */
#include "common.h"

int main(int argc, char **argv)
{
    char out[4096];
    ovni_device *dev = NULL;
    int ret = ex_start(argc, argv, "rounded_corners", out, sizeof(out), &dev);
    if (ret) return ret;

    const int pw = EX_W * 2 / 5, ph = EX_H / 2; /* each picture: 256 x 180 */
    const float smoothing[2] = {2.0f, 5.0f};    /* left: circle, right: squircle */
    ovni_frame *background = NULL, *picture = NULL, *rounded = NULL, *frame = NULL;
    ovni_writer *w = NULL;
    const char *encoder = "";
    ret = ex_draw(dev, OVNI_FORMAT_RGB24, EX_W, EX_H, 0, &background);
    if (ret == 0) ret = ex_draw(dev, OVNI_FORMAT_RGB24, pw, ph, 1, &picture);
    if (ret == 0) ret = ex_writer(dev, out, EX_W, EX_H, &w);
    if (ret == 0) encoder = ovni_writer_encoder_name(w);

    for (int n = 0; ret == 0 && n < EX_FRAMES; n++) {
        /* radius 0 (square corners) to 80 pixels; a radius beyond half the
         * shorter side (90 here) would be clamped to it */
        float radius = 80.0f * n / (EX_FRAMES - 1);
        ret = ovni_frame_new(dev, OVNI_FORMAT_RGB24, EX_W, EX_H, ex_memory(dev), &frame);
        if (ret == 0) ret = ovni_frame_copy(frame, background);
        for (int i = 0; ret == 0 && i < 2; i++) {
            /* a new RGBA32 frame from the pool: the picture with alpha cut
             * to the rounded shape, then "over" the background */
            ret = ovni_round_corners(picture, radius, NULL, smoothing[i], &rounded);
            float x = i == 0 ? EX_W / 4.0f - pw / 2.0f : EX_W * 3 / 4.0f - pw / 2.0f;
            if (ret == 0) ret = ovni_blend(frame, rounded, x, (EX_H - ph) / 2.0f, 1.0f);
            ovni_frame_unref(&rounded);
        }
        if (ret == 0) ret = ovni_writer_write(w, frame);
        ovni_frame_unref(&frame);
    }
    if (ret == 0) ret = ovni_writer_close(&w);

    if (ret < 0) fprintf(stderr, "rounded_corners: %s\n", ovni_last_error());
    else ex_done("rounded_corners", out, encoder, dev);
    ovni_writer_cancel(&w);
    ovni_frame_unref(&picture);
    ovni_frame_unref(&background);
    ovni_device_close(&dev);
    return ret < 0;
}
