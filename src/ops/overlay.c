/* Overlay and blend: parameter checks, clipping, and the CPU walk over
 * overlay.h's math. Both backends run only over the clipped region. */
#include <math.h>

#include "op_internal.h"
#include "overlay.h"

typedef struct {
    overlay_params p;
    int w;
} overlay_job;

static void overlay_rows(void *ctx, int y0, int y1)
{
    const overlay_job *j = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < j->w; x++) overlay_px(&j->p, x, y);
}

/* The destination columns [*lo, *hi) that taps of a source of length n at
 * position pos reach; *o and *f are the tap-0 offset and tap-1 weight. */
static int overlay_span(double pos, int n, int dst_n, int *lo, int *hi, int *o, float *f)
{
    /* Wholly off: checked in double before anything is converted to int. */
    if (pos >= dst_n || pos + n <= 0) return 0;
    double of = floor(-pos);
    *o = (int)of;
    *f = (float)(-pos - of); /* exact: pos is a float, its fraction fits */
    int a = -*o - (*f > 0.0f ? 1 : 0), b = n - *o;
    *lo = a > 0 ? a : 0;
    *hi = b < dst_n ? b : dst_n;
    return *hi > *lo;
}

/* The kernel for p's formats: a specialised one (overlay.cu) when both
 * planes are 4-byte aligned, the generic one otherwise. */
static gpu_kernel overlay_kernel(const overlay_params *p)
{
    uintptr_t align = (uintptr_t)p->src | (uintptr_t)p->src_pitch | (uintptr_t)p->dst | (uintptr_t)p->dst_pitch;
    if (align & 3) return KERNEL_OVERLAY_REGION;
    if (p->use_alpha) return p->dst_bpp == 4 ? KERNEL_OVERLAY_REGION_4_4_1 : KERNEL_OVERLAY_REGION_4_3_1;
    if (p->src_bpp == 4) return p->dst_bpp == 4 ? KERNEL_OVERLAY_REGION_4_4_0 : KERNEL_OVERLAY_REGION_4_3_0;
    return p->dst_bpp == 4 ? KERNEL_OVERLAY_REGION_3_4_0 : KERNEL_OVERLAY_REGION_3_3_0;
}

static int composite(const char *op, ovni_frame *dst, const ovni_frame *src, float x, float y, float alpha,
                     int use_alpha)
{
    int ret;
    if ((ret = frame_check(op, "destination", dst)) < 0 || (ret = frame_check(op, "source", src)) < 0 ||
        (ret = op_begin(op, dst, src)) < 0)
        return ret;
    if (dst->format != OVNI_FORMAT_RGB24 && dst->format != OVNI_FORMAT_RGBA32)
        return ovni_error(OVNI_EINVAL, "%s: destination format %s is not supported (rgb24 or rgba32)", op,
                          ovni_format_name(dst->format));
    if (use_alpha ? src->format != OVNI_FORMAT_RGBA32
                  : src->format != OVNI_FORMAT_RGB24 && src->format != OVNI_FORMAT_RGBA32)
        return ovni_error(OVNI_EINVAL, "%s: source format %s is not supported (%s)", op,
                          ovni_format_name(src->format), use_alpha ? "rgba32; use overlay for rgb24" : "rgb24 or rgba32");
    if (!ovni_is_finite(x)) return ovni_error(OVNI_EINVAL, "%s: x=%g is not a finite number", op, x);
    if (!ovni_is_finite(y)) return ovni_error(OVNI_EINVAL, "%s: y=%g is not a finite number", op, y);
    if ((ret = op_check_float(op, "alpha", alpha, 0.0, 1.0)) < 0) return ret;
    if ((ret = op_check_apart(op, dst, src)) < 0) return ret;
    overlay_job j = {.p = {src->data[0], src->pitch[0], ovni_format_pixel_bytes(src->format), src->width,
                           src->height, use_alpha, dst->data[0], dst->pitch[0],
                           ovni_format_pixel_bytes(dst->format), 0, 0, 0, 0, {0}, alpha}};
    int x1, y1;
    float fx, fy;
    if (alpha == 0.0f || !overlay_span(x, src->width, dst->width, &j.p.x0, &x1, &j.p.ox, &fx) ||
        !overlay_span(y, src->height, dst->height, &j.p.y0, &y1, &j.p.oy, &fy))
        return 0; /* nothing to draw */
    overlay_weights(&j.p, fx, fy);
    j.w = x1 - j.p.x0;
    int h = y1 - j.p.y0;
    if (op_on_gpu(dst)) {
        void *args[] = {&j.p, &j.w, &h};
        return op_launch_2d(dst->device, overlay_kernel(&j.p), j.w, h, args);
    }
    ovni_parallel_for(dst->device, h, overlay_rows, &j);
    return 0;
}

int ovni_overlay(ovni_frame *dst, const ovni_frame *src, float x, float y, float alpha)
{
    return composite("overlay", dst, src, x, y, alpha, 0);
}

int ovni_blend(ovni_frame *dst, const ovni_frame *src, float x, float y, float alpha)
{
    return composite("blend", dst, src, x, y, alpha, 1);
}
