/* rotate: a picture turning about its centre, blended over a background.
 *
 *   rotate [OUT.mp4] [--cpu]
 *
 * Shows ovni_rotate on an RGBA32 source with expand = 1: the output is the
 * turned picture's bounding box, its uncovered corners transparent (fill
 * NULL), its edges anti-aliased; ovni_blend then composites it "over" an
 * opaque background with its per-pixel alpha. */
#include "common.h"

int main(int argc, char **argv)
{
    char out[4096];
    ovni_device *dev = NULL;
    int ret = ex_start(argc, argv, "rotate", out, sizeof(out), &dev);
    if (ret) return ret;

    ovni_frame *background = NULL, *picture = NULL, *turned = NULL, *frame = NULL;
    ovni_writer *w = NULL;
    const char *encoder = "";
    ret = ex_draw(dev, OVNI_FORMAT_RGB24, EX_W, EX_H, 0, &background);
    /* RGBA32 so the corners that the turn uncovers can be transparent */
    if (ret == 0) ret = ex_draw(dev, OVNI_FORMAT_RGBA32, EX_W * 2 / 5, EX_H * 2 / 5, 1, &picture);
    if (ret == 0) ret = ex_writer(dev, out, EX_W, EX_H, &w);
    if (ret == 0) encoder = ovni_writer_encoder_name(w);

    for (int n = 0; ret == 0 && n < EX_FRAMES; n++) {
        /* one full turn, counter-clockwise (positive degrees) */
        float degrees = 360.0f * n / EX_FRAMES;
        /* With expand the size follows the angle and the picture is centred
         * in it, so (cx, cy) do not matter; the pool keeps one buffer per size. */
        ret = ovni_rotate(picture, degrees, 0, 0, 1, NULL, &turned);
        /* a fresh frame per output, because the writer may still be
         * encoding the previous one: pooled, so not an allocation each time */
        if (ret == 0) ret = ovni_frame_new(dev, OVNI_FORMAT_RGB24, EX_W, EX_H, ex_memory(dev), &frame);
        if (ret == 0) ret = ovni_frame_copy(frame, background);
        /* centre the bounding box on the frame; float positions are fine */
        if (ret == 0)
            ret = ovni_blend(frame, turned, (EX_W - turned->width) / 2.0f, (EX_H - turned->height) / 2.0f, 1.0f);
        if (ret == 0) ret = ovni_writer_write(w, frame);
        ovni_frame_unref(&turned);
        ovni_frame_unref(&frame);
    }
    if (ret == 0) ret = ovni_writer_close(&w);

    if (ret < 0) fprintf(stderr, "rotate: %s\n", ovni_last_error());
    else ex_done("rotate", out, encoder, dev);
    ovni_writer_cancel(&w);
    ovni_frame_unref(&picture);
    ovni_frame_unref(&background);
    ovni_device_close(&dev);
    return ret < 0;
}
