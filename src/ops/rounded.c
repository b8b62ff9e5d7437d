/* Rounded corners and masks: parameter checks, and the CPU walk over
 * rounded.h's math. */
#include <stdio.h>

#include "op_internal.h"
#include "rounded.h"

static void rounded_rows(void *ctx, int y0, int y1)
{
    const rounded_params *p = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < p->width; x++) rounded_px(p, x, y);
}

/* Checks radius/radii and smoothing, and fills p's radii (clamped to half
 * the shorter side, as CSS does, so corners never overlap) and exponent. */
static int rounded_setup(const char *op, rounded_params *p, float radius, const float radii[4], float smoothing)
{
    int ret;
    float r[4] = {radius, radius, radius, radius};
    if (radii) {
        for (int i = 0; i < 4; i++) {
            char name[16];
            snprintf(name, sizeof(name), "radii[%d]", i);
            if ((ret = op_check_float(op, name, radii[i], 0.0, OVNI_MAX_DIM)) < 0) return ret;
            r[i] = radii[i];
        }
    } else if ((ret = op_check_float(op, "radius", radius, 0.0, OVNI_MAX_DIM)) < 0) {
        return ret;
    }
    if ((ret = op_check_float(op, "smoothing", smoothing, 1.0, 100.0)) < 0) return ret;
    float half = 0.5f * (float)(p->width < p->height ? p->width : p->height);
    for (int i = 0; i < 4; i++) p->r[i] = r[i] < half ? r[i] : half;
    p->n = smoothing;
    p->inv_n = 1.0f / smoothing;
    return 0;
}

static int rounded_run(ovni_frame *dst, rounded_params *p)
{
    if (op_on_gpu(dst)) {
        void *args[] = {p};
        return op_launch_2d(dst->device, KERNEL_ROUNDED_KERNEL, p->width, p->height, args);
    }
    ovni_parallel_for(dst->device, p->height, rounded_rows, p);
    return 0;
}

int ovni_round_mask_into(ovni_frame *dst, float radius, const float radii[4], float smoothing)
{
    int ret;
    if ((ret = frame_check("round_mask", "destination", dst)) < 0 || (ret = op_begin("round_mask", dst, NULL)) < 0)
        return ret;
    if (dst->format != OVNI_FORMAT_GRAY8 && dst->format != OVNI_FORMAT_RGBA32)
        return ovni_error(OVNI_EINVAL, "round_mask: destination format %s is not supported (gray8 or rgba32)",
                          ovni_format_name(dst->format));
    rounded_params p = {.dst = dst->data[0], .dst_pitch = dst->pitch[0],
                        .dst_bpp = ovni_format_pixel_bytes(dst->format), .width = dst->width, .height = dst->height};
    if ((ret = rounded_setup("round_mask", &p, radius, radii, smoothing)) < 0) return ret;
    return rounded_run(dst, &p);
}

int ovni_round_mask(ovni_device *dev, ovni_memory memory, ovni_format format, int width, int height, float radius,
                    const float radii[4], float smoothing, ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "round_mask: out is NULL");
    *out = NULL;
    if (!dev) return ovni_error(OVNI_EINVAL, "round_mask: device is NULL");
    if (format != OVNI_FORMAT_GRAY8 && format != OVNI_FORMAT_RGBA32)
        return ovni_error(OVNI_EINVAL, "round_mask: format %d is not supported (gray8 or rgba32)", (int)format);
    if (width < 1 || height < 1 || width > OVNI_MAX_DIM || height > OVNI_MAX_DIM)
        return ovni_error(OVNI_EINVAL, "round_mask: size %dx%d is outside 1..%d", width, height, OVNI_MAX_DIM);
    ovni_frame *f;
    int ret = ovni_frame_new(dev, format, width, height, memory, &f);
    if (ret < 0) return ret;
    if ((ret = ovni_round_mask_into(f, radius, radii, smoothing)) < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    *out = f;
    return 0;
}

int ovni_round_corners_into(ovni_frame *dst, const ovni_frame *src, float radius, const float radii[4],
                            float smoothing)
{
    int ret;
    if ((ret = frame_check("round_corners", "destination", dst)) < 0 ||
        (ret = frame_check("round_corners", "source", src)) < 0 || (ret = op_begin("round_corners", dst, src)) < 0)
        return ret;
    if (dst->format != OVNI_FORMAT_RGBA32)
        return ovni_error(OVNI_EINVAL, "round_corners: destination format %s is not supported (rgba32)",
                          ovni_format_name(dst->format));
    if (src->format != OVNI_FORMAT_RGB24 && src->format != OVNI_FORMAT_RGBA32)
        return ovni_error(OVNI_EINVAL, "round_corners: source format %s is not supported (rgb24 or rgba32)",
                          ovni_format_name(src->format));
    if (dst->width != src->width || dst->height != src->height)
        return ovni_error(OVNI_EINVAL, "round_corners: source is %dx%d but destination is %dx%d", src->width,
                          src->height, dst->width, dst->height);
    rounded_params p = {.src = src->data[0], .src_pitch = src->pitch[0],
                        .src_bpp = ovni_format_pixel_bytes(src->format), .dst = dst->data[0],
                        .dst_pitch = dst->pitch[0], .dst_bpp = 4, .width = dst->width, .height = dst->height};
    if ((ret = rounded_setup("round_corners", &p, radius, radii, smoothing)) < 0) return ret;
    ovni_frame_copy_props(dst, src);
    return rounded_run(dst, &p);
}

int ovni_round_corners(const ovni_frame *src, float radius, const float radii[4], float smoothing,
                       ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "round_corners: out is NULL");
    *out = NULL;
    int ret = frame_check("round_corners", "source", src);
    if (ret < 0) return ret;
    ovni_frame *f;
    if ((ret = op_new_frame(src, OVNI_FORMAT_RGBA32, src->width, src->height, &f)) < 0) return ret;
    if ((ret = ovni_round_corners_into(f, src, radius, radii, smoothing)) < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    *out = f;
    return 0;
}
