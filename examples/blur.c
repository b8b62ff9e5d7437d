/* blur: a picture drawn in code, blurred with a sigma that grows over time.
 *
 *   blur [OUT.mp4] [--cpu]
 *
 * Shows ovni_gaussian_blur returning a new frame from the device's pool each
 * frame: releasing it after ovni_writer_write hands the buffer back (the
 * writer keeps its own reference until it has encoded the frame), so the
 * loop stops allocating after its first frames. */
#include "common.h"

int main(int argc, char **argv)
{
    char out[4096];
    ovni_device *dev = NULL;
    int ret = ex_start(argc, argv, "blur", out, sizeof(out), &dev);
    if (ret) return ret;

    ovni_frame *picture = NULL, *blurred = NULL;
    ovni_writer *w = NULL;
    const char *encoder = "";
    /* the source, drawn once on the host and uploaded to the GPU if there is one */
    ret = ex_draw(dev, OVNI_FORMAT_RGB24, EX_W, EX_H, 1, &picture);
    if (ret == 0) ret = ex_writer(dev, out, EX_W, EX_H, &w);
    if (ret == 0) encoder = ovni_writer_encoder_name(w);

    for (int n = 0; ret == 0 && n < EX_FRAMES; n++) {
        /* sigma from 0 (below 0.1 the blur is an exact copy) up to 8 pixels,
         * rising quadratically so the start lingers on the sharp picture;
         * the cost per pixel grows with the radius, ceil(3 sigma) */
        float u = (float)n / (EX_FRAMES - 1);
        float sigma = 8.0f * u * u;
        ret = ovni_gaussian_blur(picture, sigma, &blurred);
        /* RGB24 is converted to NV12 by the writer, where the frame lives */
        if (ret == 0) ret = ovni_writer_write(w, blurred);
        ovni_frame_unref(&blurred);
    }
    /* close flushes the encoder and renames the finished file into place */
    if (ret == 0) ret = ovni_writer_close(&w);

    if (ret < 0) fprintf(stderr, "blur: %s\n", ovni_last_error());
    else ex_done("blur", out, encoder, dev);
    ovni_writer_cancel(&w); /* after an error: removes the temporary file; NULL is fine */
    ovni_frame_unref(&picture);
    ovni_device_close(&dev);
    return ret < 0;
}
