/* zoom_pan: a picture moving and zooming (the "Ken Burns" move).
 *
 *   zoom_pan [OUT.mp4] [--cpu]
 *
 * Shows ovni_scale_translate with s, tx and ty animated per frame:
 * out(x, y) = src((x - tx) / s, (y - ty) / s), scale about the top-left
 * corner first, then the translation. Parameters are floats and sampling is
 * bilinear, so a move of a fraction of a pixel per frame is smooth. The same
 * move from the command line:
 *   ovni run pic.png out.mp4 --frames 60 --vf "scale_translate=s='1.6*pow(1.2/1.6,n/59)':..." */
#include "common.h"

int main(int argc, char **argv)
{
    char out[4096];
    ovni_device *dev = NULL;
    int ret = ex_start(argc, argv, "zoom_pan", out, sizeof(out), &dev);
    if (ret) return ret;

    ovni_frame *picture = NULL, *frame = NULL;
    ovni_writer *w = NULL;
    const char *encoder = "";
    ret = ex_draw(dev, OVNI_FORMAT_RGB24, EX_W, EX_H, 1, &picture);
    if (ret == 0) ret = ex_writer(dev, out, EX_W, EX_H, &w);
    if (ret == 0) encoder = ovni_writer_encoder_name(w);

    for (int n = 0; ret == 0 && n < EX_FRAMES; n++) {
        float u = (float)n / (EX_FRAMES - 1);
        /* zoom out from 1.6x to 1.2x geometrically (a constant rate of
         * change of apparent size, which looks even) */
        float s = 1.6f * powf(1.2f / 1.6f, u);
        /* The scaled picture is s W x s H; translations between -(s W - W)
         * and 0 keep the frame covered. Pan from its left edge to its
         * right edge, and from its bottom towards its top. */
        float tx = -(s * EX_W - EX_W) * u;
        float ty = -(s * EX_H - EX_H) * (1.0f - 0.8f * u);
        /* width and height: the output size (0 would mean the source's) */
        ret = ovni_scale_translate(picture, s, tx, ty, EX_W, EX_H, &frame);
        if (ret == 0) ret = ovni_writer_write(w, frame);
        ovni_frame_unref(&frame);
    }
    if (ret == 0) ret = ovni_writer_close(&w);

    if (ret < 0) fprintf(stderr, "zoom_pan: %s\n", ovni_last_error());
    else ex_done("zoom_pan", out, encoder, dev);
    ovni_writer_cancel(&w);
    ovni_frame_unref(&picture);
    ovni_device_close(&dev);
    return ret < 0;
}
