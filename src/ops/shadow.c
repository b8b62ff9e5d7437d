/* Drop shadow: a rounded-rectangle mask (shadow.h), blurred with
 * ovni_gaussian_blur_into, then coloured into RGBA. Runs on the GPU for
 * device memory, else on the CPU. */
#include <math.h>

#include "op_internal.h"
#include "shadow.h"

#define SHADOW_BLUR_MAX 170.0     /* gaussian_blur's sigma range */
#define SHADOW_BLUR_IDENTITY 0.1  /* gaussian_blur leaves the mask as is */

int ovni_shadow_margin(float blur)
{
    int ret = op_check_float("make_shadow", "blur", blur, 0.0, SHADOW_BLUR_MAX);
    if (ret < 0) return ret;
    return blur < SHADOW_BLUR_IDENTITY ? 0 : (int)ceil(3.0 * blur);
}

static void shadow_mask_rows(void *ctx, int y0, int y1)
{
    const shadow_mask *s = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < s->width; x++) shadow_mask_px(s, x, y);
}

typedef struct {
    const ovni_frame *mask;
    ovni_frame *dst;
    uint8_t r, g, b;
} shadow_colour_job;

static void shadow_colour_rows(void *ctx, int y0, int y1)
{
    const shadow_colour_job *j = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < j->dst->width; x++)
            shadow_colour_px(ovni_cpx(j->mask->data[0], j->mask->pitch[0], x, y, 1),
                             ovni_px(j->dst->data[0], j->dst->pitch[0], x, y, 4), j->r, j->g, j->b);
}

static int shadow_render(ovni_frame *mask, ovni_frame *out, const shadow_mask *s, float blur,
                         const uint8_t rgb[3])
{
    int ret;
    if (op_on_gpu(mask)) {
        void *args[] = {(void *)s};
        ret = op_launch_2d(mask->device, KERNEL_SHADOW_MASK, s->width, s->height, args);
    } else {
        ovni_parallel_for(mask->device, s->height, shadow_mask_rows, (void *)s);
        ret = 0;
    }
    if (ret < 0 || (ret = ovni_gaussian_blur_into(mask, mask, blur)) < 0) return ret;
    shadow_colour_job j = {mask, out, rgb[0], rgb[1], rgb[2]};
    if (op_on_gpu(out)) {
        void *args[] = {&mask->data[0], &mask->pitch[0], &out->data[0], &out->pitch[0],
                        &out->width, &out->height, &j.r, &j.g, &j.b};
        return op_launch_2d(out->device, KERNEL_SHADOW_COLOUR, out->width, out->height, args);
    }
    ovni_parallel_for(out->device, out->height, shadow_colour_rows, &j);
    return 0;
}

int ovni_make_shadow(ovni_device *dev, ovni_memory memory, int width, int height, float corner_radius,
                     float blur, const uint8_t rgb[3], float alpha, float smoothing, ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "make_shadow: out is NULL");
    *out = NULL;
    if (!dev) return ovni_error(OVNI_EINVAL, "make_shadow: device is NULL");
    if (!rgb) return ovni_error(OVNI_EINVAL, "make_shadow: rgb is NULL");
    if (width < 1 || height < 1 || width > OVNI_MAX_DIM || height > OVNI_MAX_DIM)
        return ovni_error(OVNI_EINVAL, "make_shadow: width x height = %dx%d is outside 1..%d", width, height,
                          OVNI_MAX_DIM);
    int ret;
    if ((ret = op_check_float("make_shadow", "corner_radius", corner_radius, 0.0, OVNI_MAX_DIM)) < 0 ||
        (ret = op_check_float("make_shadow", "alpha", alpha, 0.0, 1.0)) < 0 ||
        (ret = op_check_float("make_shadow", "smoothing", smoothing, 1.0, 100.0)) < 0)
        return ret;
    int m = ovni_shadow_margin(blur);
    if (m < 0) return m;
    if (width + 2 * m > OVNI_MAX_DIM || height + 2 * m > OVNI_MAX_DIM)
        return ovni_error(OVNI_EINVAL, "make_shadow: the shadow (%dx%d plus a blur margin of %d each side) "
                          "exceeds %d pixels; reduce width, height or blur", width, height, m, OVNI_MAX_DIM);
    int w = width + 2 * m, h = height + 2 * m;
    double rmax = 0.5 * (width < height ? width : height);
    shadow_mask s = {
        .width = w, .height = h,
        .cx = (float)(m + 0.5 * width), .cy = (float)(m + 0.5 * height),
        .hx = (float)(0.5 * width), .hy = (float)(0.5 * height),
        .radius = (float)(corner_radius < rmax ? corner_radius : rmax),
        .exponent = (float)smoothing,
        .inv_exponent = (float)(1.0 / smoothing),
        .level = (float)(alpha * 255.0),
    };
    ovni_frame *mask = NULL, *f = NULL;
    if ((ret = ovni_frame_new(dev, OVNI_FORMAT_GRAY8, w, h, memory, &mask)) < 0) return ret;
    if ((ret = ovni_frame_new(dev, OVNI_FORMAT_RGBA32, w, h, memory, &f)) < 0) {
        ovni_frame_unref(&mask);
        return ret;
    }
    s.dst = mask->data[0];
    s.pitch = mask->pitch[0];
    ret = shadow_render(mask, f, &s, blur, rgb);
    ovni_frame_unref(&mask);
    if (ret < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    *out = f;
    return 0;
}
