/* Rotation: parameters (in double), the CPU walk, dispatch. Positive
 * degrees turn the picture counter-clockwise as seen on screen. */
#include <math.h>

#include "geometry.h"
#include "rotate.h"

#define ROTATE_LIMIT 1e6

/* cos and sin of degrees, exact at multiples of 90 so that quarter turns
 * are pixel permutations (four of them give the input back). */
static void rotate_sincos(double degrees, double *c, double *s)
{
    double r = fmod(degrees, 360.0);
    if (r < 0) r += 360.0;
    if (r == 0.0) *c = 1, *s = 0;
    else if (r == 90.0) *c = 0, *s = 1;
    else if (r == 180.0) *c = -1, *s = 0;
    else if (r == 270.0) *c = 0, *s = -1;
    else *c = cos(r * (M_PI / 180.0)), *s = sin(r * (M_PI / 180.0));
}

static void rotate_rows(void *ctx, int y0, int y1)
{
    const rotate_map *r = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < r->dst_w; x++) rotate_px(r, x, y);
}

int ovni_rotate_into(ovni_frame *dst, const ovni_frame *src, float degrees, float cx, float cy, const uint8_t fill[4])
{
    int ret = geometry_check("rotate", dst, src, 1);
    if (ret < 0) return ret;
    if ((ret = op_check_float("rotate", "degrees", degrees, -ROTATE_LIMIT, ROTATE_LIMIT)) < 0) return ret;
    if ((ret = op_check_float("rotate", "cx", cx, -ROTATE_LIMIT, ROTATE_LIMIT)) < 0) return ret;
    if ((ret = op_check_float("rotate", "cy", cy, -ROTATE_LIMIT, ROTATE_LIMIT)) < 0) return ret;
    double c, s;
    rotate_sincos(degrees, &c, &s);
    /* The source is centred on dst; (cx, cy) stays where it lands. */
    double ox = cx + 0.5 * (dst->width - src->width), oy = cy + 0.5 * (dst->height - src->height);
    /* Inverse rotation of (p - o), p = (x + 0.5, y + 0.5), plus (cx, cy). */
    double m[4] = {c, -s, s, c};
    rotate_map r = {
        .src = {src->data[0], src->pitch[0], src->width, src->height, ovni_format_pixel_bytes(src->format)},
        .dst = dst->data[0],
        .dst_pitch = dst->pitch[0],
        .dst_w = dst->width,
        .dst_h = dst->height,
        .inv_fw = (float)(1.0 / (fabs(c) + fabs(s))),
    };
    for (int k = 0; k < 4; k++) r.m[k] = (float)m[k];
    r.t[0] = (float)(cx + m[0] * (0.5 - ox) + m[1] * (0.5 - oy));
    r.t[1] = (float)(cy + m[2] * (0.5 - ox) + m[3] * (0.5 - oy));
    resize_fill_colour(fill, r.fill);
    ovni_frame_copy_props(dst, src);
    if (op_on_gpu(dst)) {
        void *args[] = {&r};
        return op_launch_2d(dst->device, KERNEL_ROTATE, dst->width, dst->height, args);
    }
    ovni_parallel_for(dst->device, dst->height, rotate_rows, &r);
    return 0;
}

int ovni_rotate(const ovni_frame *src, float degrees, float cx, float cy, int expand, const uint8_t fill[4],
                ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "rotate: out is NULL");
    *out = NULL;
    int ret = frame_check("rotate", "source", src);
    if (ret < 0) return ret;
    if ((ret = op_check_float("rotate", "degrees", degrees, -ROTATE_LIMIT, ROTATE_LIMIT)) < 0) return ret;
    int w = src->width, h = src->height;
    if (expand) {
        /* The bounding box of the turned frame (a hair of slack so that
         * rounding in cos/sin does not add a column); rotating about any
         * point and then centring is the same picture, so about the centre. */
        double c, s;
        rotate_sincos(degrees, &c, &s);
        w = (int)ceil(src->width * fabs(c) + src->height * fabs(s) - 1e-3);
        h = (int)ceil(src->width * fabs(s) + src->height * fabs(c) - 1e-3);
        w = w < 1 ? 1 : w;
        h = h < 1 ? 1 : h;
        if (w > OVNI_MAX_DIM || h > OVNI_MAX_DIM)
            return ovni_error(OVNI_EINVAL, "rotate: the expanded frame %dx%d is larger than %d", w, h, OVNI_MAX_DIM);
        cx = 0.5f * src->width;
        cy = 0.5f * src->height;
    }
    ovni_frame *f;
    if ((ret = op_new_frame(src, src->format, w, h, &f)) < 0) return ret;
    if ((ret = ovni_rotate_into(f, src, degrees, cx, cy, fill)) < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    *out = f;
    return 0;
}
