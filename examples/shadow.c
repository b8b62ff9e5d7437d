/* shadow: a picture with rounded corners and a soft drop shadow, moving
 * over a background and "lifting" off it (the shadow falls further and
 * fades as it rises).
 *
 *   shadow [OUT.mp4] [--cpu]
 *
 * Shows ovni_make_shadow: an RGBA32 frame holding a blurred rounded
 * rectangle of one colour, enlarged by the blur's reach m =
 * ovni_shadow_margin(blur) on every side, the shape at (m, m). So the
 * shadow of an object at (x, y), offset by (dx, dy), is blended at
 * (x + dx - m, y + dy - m). Shadow and rounded picture are made once; each
 * frame is two blends, which is cheap even on a CPU (a blur per frame is not). */
#include "common.h"

int main(int argc, char **argv)
{
    char out[4096];
    ovni_device *dev = NULL;
    int ret = ex_start(argc, argv, "shadow", out, sizeof(out), &dev);
    if (ret) return ret;

    const int pw = EX_W * 2 / 5, ph = EX_H * 2 / 5; /* 256 x 144 */
    const float radius = 20.0f, smoothing = 4.0f;   /* squircle corners */
    const float blur = 10.0f;                       /* the shadow's Gaussian sigma */
    const uint8_t black[3] = {0, 0, 0};
    ovni_frame *background = NULL, *picture = NULL, *rounded = NULL, *shadow = NULL, *frame = NULL;
    ovni_writer *w = NULL;
    const char *encoder = "";
    ret = ex_draw(dev, OVNI_FORMAT_RGB24, EX_W, EX_H, 0, &background);
    if (ret == 0) ret = ex_draw(dev, OVNI_FORMAT_RGB24, pw, ph, 1, &picture);
    if (ret == 0) ret = ovni_round_corners(picture, radius, NULL, smoothing, &rounded);
    /* the same shape as the picture, black at 70 % opacity, in the memory the
     * frames use */
    if (ret == 0) ret = ovni_make_shadow(dev, ex_memory(dev), pw, ph, radius, blur, black, 0.7f, smoothing, &shadow);
    int m = ovni_shadow_margin(blur);
    if (ret == 0) ret = ex_writer(dev, out, EX_W, EX_H, &w);
    if (ret == 0) encoder = ovni_writer_encoder_name(w);

    for (int n = 0; ret == 0 && n < EX_FRAMES; n++) {
        float a = 2.0f * 3.14159265f * n / EX_FRAMES;
        /* the picture drifts on an ellipse around the centre */
        float x = (EX_W - pw) / 2.0f + 140.0f * sinf(a), y = (EX_H - ph) / 2.0f + 50.0f * sinf(2 * a);
        /* lift 0..1: the light is up and to the left, so a higher picture
         * casts its shadow further down-right, and fainter */
        float lift = 0.5f - 0.5f * cosf(a);
        float dx = 4.0f + 14.0f * lift, dy = 6.0f + 18.0f * lift;
        ret = ovni_frame_new(dev, OVNI_FORMAT_RGB24, EX_W, EX_H, ex_memory(dev), &frame);
        if (ret == 0) ret = ovni_frame_copy(frame, background);
        /* shadow first, then the picture over it; blend's alpha scales the
         * shadow's own alpha */
        if (ret == 0) ret = ovni_blend(frame, shadow, x + dx - m, y + dy - m, 1.0f - 0.4f * lift);
        if (ret == 0) ret = ovni_blend(frame, rounded, x, y, 1.0f);
        if (ret == 0) ret = ovni_writer_write(w, frame);
        ovni_frame_unref(&frame);
    }
    if (ret == 0) ret = ovni_writer_close(&w);

    if (ret < 0) fprintf(stderr, "shadow: %s\n", ovni_last_error());
    else ex_done("shadow", out, encoder, dev);
    ovni_writer_cancel(&w);
    ovni_frame_unref(&shadow);
    ovni_frame_unref(&rounded);
    ovni_frame_unref(&picture);
    ovni_frame_unref(&background);
    ovni_device_close(&dev);
    return ret < 0;
}
