/* Fill, fade and flatten: parameter checks, clipping, and the CPU walk over
 * fill.h's math. */
#include <math.h>

#include "fill.h"
#include "op_internal.h"

static int fill_check_frame(const char *op, ovni_frame *f)
{
    int ret;
    if ((ret = frame_check(op, "frame", f)) < 0 || (ret = op_begin(op, f, NULL)) < 0) return ret;
    if (f->format != OVNI_FORMAT_RGB24 && f->format != OVNI_FORMAT_RGBA32)
        return ovni_error(OVNI_EINVAL, "%s: frame format %s is not supported (rgb24 or rgba32)", op,
                          ovni_format_name(f->format));
    return 0;
}

typedef struct {
    fill_params p;
    int w;
} fill_job;

static void fill_rows(void *ctx, int y0, int y1)
{
    const fill_job *j = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < j->w; x++) fill_rect_px(&j->p, x, y);
}

/* Pixels [*lo, *hi) of a frame side of n pixels that [a, b) touches. */
static int fill_span(double a, double b, int n, int *lo, int *hi)
{
    if (b <= 0 || a >= n) return 0; /* off the frame: nothing converted to int */
    double l = floor(a), h = ceil(b);
    *lo = l > 0 ? (int)l : 0;
    *hi = h < n ? (int)h : n;
    return *hi > *lo;
}

int ovni_fill_rect(ovni_frame *frame, float x, float y, float width, float height, const uint8_t rgba[4])
{
    int ret = fill_check_frame("fill_rect", frame);
    if (ret < 0) return ret;
    if (!ovni_is_finite(x)) return ovni_error(OVNI_EINVAL, "fill_rect: x=%g is not a finite number", x);
    if (!ovni_is_finite(y)) return ovni_error(OVNI_EINVAL, "fill_rect: y=%g is not a finite number", y);
    if (!ovni_is_finite(width) || width <= 0)
        return ovni_error(OVNI_EINVAL, "fill_rect: width=%g must be a finite number > 0", width);
    if (!ovni_is_finite(height) || height <= 0)
        return ovni_error(OVNI_EINVAL, "fill_rect: height=%g must be a finite number > 0", height);
    if (!rgba) return ovni_error(OVNI_EINVAL, "fill_rect: colour rgba is NULL");
    fill_job j = {.p = {.dst = frame->data[0], .pitch = frame->pitch[0],
                        .bpp = ovni_format_pixel_bytes(frame->format), .left = x, .top = y,
                        .right = (float)((double)x + width), .bottom = (float)((double)y + height),
                        .colour = {rgba[0], rgba[1], rgba[2]}, .alpha = (float)rgba[3] / 255.0f}};
    int x1, y1;
    /* Spans from the float edges the math uses, so both agree on what is touched. */
    if (rgba[3] == 0 || !fill_span(j.p.left, j.p.right, frame->width, &j.p.x0, &x1) ||
        !fill_span(j.p.top, j.p.bottom, frame->height, &j.p.y0, &y1))
        return 0;
    j.w = x1 - j.p.x0;
    int h = y1 - j.p.y0;
    if (op_on_gpu(frame)) {
        void *args[] = {&j.p, &j.w, &h};
        return op_launch_2d(frame->device, KERNEL_FILL_RECT_KERNEL, j.w, h, args);
    }
    ovni_parallel_for(frame->device, h, fill_rows, &j);
    return 0;
}

static void fade_rows(void *ctx, int y0, int y1)
{
    const fade_params *p = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < p->width; x++) fade_px(p, x, y);
}

int ovni_fade(ovni_frame *frame, const uint8_t rgb[3], float t)
{
    int ret = fill_check_frame("fade", frame);
    if (ret < 0) return ret;
    if (!rgb) return ovni_error(OVNI_EINVAL, "fade: colour rgb is NULL");
    if ((ret = op_check_float("fade", "t", t, 0.0, 1.0)) < 0) return ret;
    if (t == 0.0f) return 0;
    fade_params p = {frame->data[0], frame->pitch[0], ovni_format_pixel_bytes(frame->format), frame->width,
                     frame->height, {rgb[0], rgb[1], rgb[2]}, t};
    if (op_on_gpu(frame)) {
        void *args[] = {&p};
        return op_launch_2d(frame->device, KERNEL_FILL_FADE_KERNEL, p.width, p.height, args);
    }
    ovni_parallel_for(frame->device, p.height, fade_rows, &p);
    return 0;
}

static void flatten_rows(void *ctx, int y0, int y1)
{
    const flatten_params *p = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < p->dst_w; x++) flatten_px(p, x, y);
}

int ovni_flatten_into(ovni_frame *dst, const ovni_frame *src, const uint8_t rgb[3])
{
    int ret;
    if ((ret = op_begin("flatten", dst, src)) < 0) return ret;
    if (src->format != OVNI_FORMAT_RGBA32 || dst->format != OVNI_FORMAT_RGB24)
        return ovni_error(OVNI_EINVAL, "flatten: %s -> %s: the source must be rgba32 and the destination rgb24",
                          ovni_format_name(src->format), ovni_format_name(dst->format));
    if (!rgb) return ovni_error(OVNI_EINVAL, "flatten: colour rgb is NULL");
    if ((ret = op_check_apart("flatten", dst, src)) < 0) return ret;
    flatten_params p = {src->data[0], src->pitch[0], src->width, src->height, dst->data[0], dst->pitch[0],
                        dst->width, dst->height, {rgb[0], rgb[1], rgb[2]}};
    if (op_on_gpu(dst)) {
        void *args[] = {&p};
        return op_launch_2d(dst->device, KERNEL_FILL_FLATTEN_KERNEL, p.dst_w, p.dst_h, args);
    }
    ovni_parallel_for(dst->device, p.dst_h, flatten_rows, &p);
    return 0;
}
