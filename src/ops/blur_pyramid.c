/* Large-sigma Gaussian blur (see blur_pyramid.h): the shrink factor and the
 * small frame's sigma, the CPU walks, and the dispatch. */
#include <math.h>

#include "blur.h"
#include "blur_pyramid.h"
#include "op_internal.h"

/* log2 of the shrink factor: the largest power of two f <= sigma / 3, so
 * that the small frame's sigma (blur_pyr_sigma) stays near 3 or more; at
 * most BLUR_PYR_MAX_SHIFT. */
static int blur_pyr_shift(double sigma)
{
    int shift = 0;
    while (shift < BLUR_PYR_MAX_SHIFT && 3.0 * (2 << shift) <= sigma) shift++;
    return shift;
}

/* The small frame's sigma: what is left of sigma^2 after the box average
 * of f pixels ((f^2 - 1) / 12) and the bilinear enlargement (f^2 t (1 - t)
 * at an output pixel t of the way between two small centres, averaged over
 * the f output phases), scaled down by f. */
static double blur_pyr_sigma(double sigma, int shift)
{
    const double f = 1 << shift;
    double var_tent = 0;
    for (int p = 0; p < (1 << shift); p++) {
        double u = (2.0 * p - f + 1.0) / (2.0 * f), t = u - floor(u);
        var_tent += f * f * t * (1.0 - t);
    }
    var_tent /= f;
    return sqrt(sigma * sigma - (f * f - 1.0) / 12.0 - var_tent) / f;
}

static void blur_pyr_down_rows(void *ctx, int j0, int j1)
{
    const blur_pyr *p = ctx;
    for (int j = j0; j < j1; j++)
        for (int i = 0; i < p->sw; i++) blur_pyr_down_px(p, i, j);
}

/* The reference walk of step 3: each pixel alone. */
static void blur_pyr_up_naive(const blur_pyr *p)
{
    for (int y = 0; y < p->height; y++)
        for (int x = 0; x < p->width; x++) blur_pyr_up_px(p, x, y);
}

static void blur_pyr_up_walk(void *ctx, int y0, int y1)
{
    const blur_pyr *p = ctx;
    for (int y = y0; y < y1; y++) {
        blur_pyr_rows rows = blur_pyr_up_rows(p, y);
        blur_pyr_up_span(p, &rows, 0, p->width, y);
    }
}

/* BLUR_PYR_DOWN_LANES threads per group of small pixels
 * (blur_pyr_down_groups), a row of blocks per small row. */
static int blur_pyr_down_gpu(ovni_device *dev, const blur_pyr *p, void **args)
{
    int ret = gpu_enter(dev);
    if (ret < 0) return ret;
    const unsigned threads = (unsigned)blur_pyr_down_groups(p) * BLUR_PYR_DOWN_LANES(p->shift);
    ret = gpu_launch(dev, KERNEL_BLUR_PYR_DOWN, (threads + BLUR_PYR_DOWN_THREADS - 1) / BLUR_PYR_DOWN_THREADS,
                     (unsigned)p->sh, BLUR_PYR_DOWN_THREADS, 1, 0, args);
    gpu_leave(dev);
    return ret;
}

int blur_pyramid_into(ovni_frame *dst, const ovni_frame *src, float sigma)
{
    const int shift = blur_pyr_shift(sigma);
    const double sigma_small = blur_pyr_sigma(sigma, shift);
    const int sw = ((src->width + (1 << shift) - 1) >> shift) + 2 * BLUR_PYR_MARGIN;
    const int sh = ((src->height + (1 << shift) - 1) >> shift) + 2 * BLUR_PYR_MARGIN;
    ovni_frame *small = NULL, *blurred = NULL;
    int ret = op_new_frame(dst, src->format, sw, sh, &small);
    if (ret == 0) ret = op_new_frame(dst, src->format, sw, sh, &blurred);
    if (ret < 0) goto done;
    blur_pyr p = {src->data[0], src->pitch[0], small->data[0], small->pitch[0], dst->data[0], dst->pitch[0],
                  src->width, src->height, sw, sh, ovni_format_pixel_bytes(src->format), shift,
                  src->format == OVNI_FORMAT_RGBA32};
    void *args[] = {&p};
    /* On the GPU all three steps are queued on the device's one stream, so
     * each sees the previous one's output and dst may be src. */
    if (op_on_gpu(dst)) ret = blur_pyr_down_gpu(dst->device, &p, args);
    else ovni_parallel_for(dst->device, sh, blur_pyr_down_rows, &p);
    if (ret == 0) ret = blur_exact_into(blurred, small, (float)sigma_small);
    if (ret < 0) goto done;
    p.small = blurred->data[0];
    p.small_pitch = blurred->pitch[0];
    if (op_on_gpu(dst))
        ret = op_launch_2d(dst->device, KERNEL_BLUR_PYR_UP,
                           (src->width + BLUR_PYR_UP_X(p.ch) - 1) / BLUR_PYR_UP_X(p.ch), src->height, args);
    else if (op_reference(dst))
        blur_pyr_up_naive(&p);
    else
        ovni_parallel_for(dst->device, src->height, blur_pyr_up_walk, &p);
done:
    ovni_frame_unref(&small);
    ovni_frame_unref(&blurred);
    return ret;
}
