/* Perspective warp: the homography (double precision), the quad checks,
 * the CPU walk and dispatch. */
#include <math.h>

#include "geometry.h"
#include "warp.h"

#define WARP_LIMIT 1e6
/* More source pixels than this per quad pixel along an axis: shrink first. */
#define WARP_MIP_FACTOR 2.0

/* 3x3 inverse by the adjugate; returns the determinant (0: singular). */
static double warp_invert(const double a[9], double r[9])
{
    r[0] = a[4] * a[8] - a[5] * a[7];
    r[1] = a[2] * a[7] - a[1] * a[8];
    r[2] = a[1] * a[5] - a[2] * a[4];
    r[3] = a[5] * a[6] - a[3] * a[8];
    r[4] = a[0] * a[8] - a[2] * a[6];
    r[5] = a[2] * a[3] - a[0] * a[5];
    r[6] = a[3] * a[7] - a[4] * a[6];
    r[7] = a[1] * a[6] - a[0] * a[7];
    r[8] = a[0] * a[4] - a[1] * a[3];
    double det = a[0] * r[0] + a[1] * r[3] + a[2] * r[6];
    if (det == 0.0 || !isfinite(det)) return 0.0;
    for (int k = 0; k < 9; k++) r[k] /= det;
    return det;
}

static void warp_mul(const double a[9], const double b[9], double r[9])
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) r[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
}

/* Forward map of the unit square onto the quad q (x0 y0 .. x3 y3 for
 * (0,0), (1,0), (1,1), (0,1)), Heckbert's closed form. 0 if degenerate. */
static int warp_square_to_quad(const double q[8], double m[9])
{
    double sx = q[0] - q[2] + q[4] - q[6], sy = q[1] - q[3] + q[5] - q[7];
    double dx1 = q[2] - q[4], dx2 = q[6] - q[4], dy1 = q[3] - q[5], dy2 = q[7] - q[5];
    double den = dx1 * dy2 - dx2 * dy1;
    if (den == 0.0) return 0;
    double g = (sx * dy2 - dx2 * sy) / den, h = (dx1 * sy - sx * dy1) / den;
    double r[9] = {q[2] - q[0] + g * q[2], q[6] - q[0] + h * q[6], q[0],
                   q[3] - q[1] + g * q[3], q[7] - q[1] + h * q[7], q[1],
                   g, h, 1.0};
    for (int k = 0; k < 9; k++) m[k] = r[k];
    return 1;
}

/* A convex quad, not degenerate, either winding (a mirrored placement). */
static int warp_convex(const double q[8])
{
    int pos = 0, neg = 0;
    double scale = 0;
    for (int k = 0; k < 8; k++) scale = fmax(scale, fabs(q[k]));
    for (int i = 0; i < 4; i++) {
        const double *a = q + 2 * i, *b = q + 2 * ((i + 1) % 4), *c = q + 2 * ((i + 2) % 4);
        double cross = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]);
        if (cross > 1e-9 * (scale * scale + 1)) pos++;
        else if (cross < -1e-9 * (scale * scale + 1)) neg++;
    }
    return pos == 4 || neg == 4;
}

static void warp_rows(void *ctx, int y0, int y1)
{
    const warp_map *m = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < m->w; x++) warp_px(m, x, y);
}

/* The source's size along one axis after halving it (rounding up) while it
 * has more than WARP_MIP_FACTOR pixels per pixel of the quad's edge: a mip
 * level, one of about log2(size) sizes, so an animated quad reuses a few
 * pooled frames instead of adding a pool per frame. */
static int warp_mip_size(int size, double edge)
{
    while (size > 1 && size > WARP_MIP_FACTOR * edge) size = (size + 1) / 2;
    return size;
}

/* The destination pixels to visit: the quad's bounding box, a pixel wider
 * for the soft edge, clipped to dst as {x0, y0, x1, y1}. 0 if empty. */
static int warp_box(const double q[8], const ovni_frame *dst, int box[4])
{
    double bx0 = q[0], bx1 = q[0], by0 = q[1], by1 = q[1];
    for (int k = 1; k < 4; k++) {
        bx0 = fmin(bx0, q[2 * k]), bx1 = fmax(bx1, q[2 * k]);
        by0 = fmin(by0, q[2 * k + 1]), by1 = fmax(by1, q[2 * k + 1]);
    }
    box[0] = (int)fmax(floor(bx0) - 1, 0), box[2] = (int)fmin(ceil(bx1) + 1, dst->width);
    box[1] = (int)fmax(floor(by0) - 1, 0), box[3] = (int)fmin(ceil(by1) + 1, dst->height);
    return box[2] > box[0] && box[3] > box[1];
}

/* Places src on the checked quad q of dst over the pixels of box (from
 * warp_box): the homography and the launch. */
static int warp_run(ovni_frame *dst, const ovni_frame *src, const double q[8], const int box[4], float opacity)
{
    double fwd[9], inv[9], sq[9];
    if (!warp_square_to_quad(q, sq)) return ovni_error(OVNI_EINVAL, "warp: corners give a singular map");
    /* Source edges (0..w, 0..h) -> unit square -> quad, then inverted; the
     * kernel feeds integer pixel indices, so pre-shift by half a pixel. */
    double to_unit[9] = {1.0 / src->width, 0, 0, 0, 1.0 / src->height, 0, 0, 0, 1};
    double half[9] = {1, 0, 0.5, 0, 1, 0.5, 0, 0, 1}, t[9];
    warp_mul(sq, to_unit, fwd);
    if (warp_invert(fwd, t) == 0.0) return ovni_error(OVNI_EINVAL, "warp: corners give a singular map");
    warp_mul(t, half, inv);
    /* Scale to unit size for float precision, with Z > 0 inside the quad. */
    double cxq = 0.25 * (q[0] + q[2] + q[4] + q[6]), cyq = 0.25 * (q[1] + q[3] + q[5] + q[7]);
    double z = inv[6] * (cxq - 0.5) + inv[7] * (cyq - 0.5) + inv[8], norm = 0;
    for (int k = 0; k < 9; k++) norm = fmax(norm, fabs(inv[k]));
    if (!(norm > 0) || z == 0.0) return ovni_error(OVNI_EINVAL, "warp: corners give a singular map");
    norm = z < 0 ? -norm : norm;
    warp_map m = {
        .src = {src->data[0], src->pitch[0], src->width, src->height, ovni_format_pixel_bytes(src->format)},
        .dst = dst->data[0],
        .dst_pitch = dst->pitch[0],
        .dst_bpp = ovni_format_pixel_bytes(dst->format),
        .opacity = opacity,
    };
    for (int k = 0; k < 9; k++) m.hm[k] = (float)(inv[k] / norm);
    m.x0 = box[0], m.y0 = box[1], m.w = box[2] - box[0], m.h = box[3] - box[1];
    if (op_on_gpu(dst)) {
        void *args[] = {&m};
        return op_launch_2d(dst->device, KERNEL_WARP, m.w, m.h, args);
    }
    ovni_parallel_for(dst->device, m.h, warp_rows, &m);
    return 0;
}

int ovni_warp(ovni_frame *dst, const ovni_frame *src, const float corners[8], float opacity)
{
    int ret = op_begin("warp", dst, src);
    if (ret < 0) return ret;
    if (src->format != OVNI_FORMAT_RGB24 && src->format != OVNI_FORMAT_RGBA32)
        return ovni_error(OVNI_EINVAL, "warp: source format %s is not supported (rgb24, rgba32)",
                          ovni_format_name(src->format));
    if (dst->format != OVNI_FORMAT_RGB24 && dst->format != OVNI_FORMAT_RGBA32)
        return ovni_error(OVNI_EINVAL, "warp: destination format %s is not supported (rgb24, rgba32)",
                          ovni_format_name(dst->format));
    if ((ret = op_check_apart("warp", dst, src)) < 0) return ret;
    if (!corners) return ovni_error(OVNI_EINVAL, "warp: corners is NULL");
    static const char *names[8] = {"corners[0] (x0)", "corners[1] (y0)", "corners[2] (x1)", "corners[3] (y1)",
                                   "corners[4] (x2)", "corners[5] (y2)", "corners[6] (x3)", "corners[7] (y3)"};
    double q[8];
    for (int k = 0; k < 8; k++) {
        if ((ret = op_check_float("warp", names[k], corners[k], -WARP_LIMIT, WARP_LIMIT)) < 0) return ret;
        q[k] = corners[k];
    }
    if ((ret = op_check_float("warp", "opacity", opacity, 0.0, 1.0)) < 0) return ret;
    if (!warp_convex(q))
        return ovni_error(OVNI_EINVAL, "warp: corners (%g,%g) (%g,%g) (%g,%g) (%g,%g) do not form a convex quadrilateral",
                          q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7]);
    int box[4];
    if (opacity == 0.0f || !warp_box(q, dst, box)) return 0; /* nothing to draw */
    /* Strong minification: bilinear taps would skip source pixels and
     * alias (a 1-pixel checkerboard on a quad 8x smaller shimmers). Shrink
     * the source first (area filter) by halvings until the quad's longer
     * edge along each source axis has at least half a pixel per source
     * pixel: a mip level chosen where the quad is least minified, so its
     * nearer side stays sharp; the warp then minifies by 2 at most there. */
    const double ex = fmax(hypot(q[2] - q[0], q[3] - q[1]), hypot(q[4] - q[6], q[5] - q[7]));
    const double ey = fmax(hypot(q[6] - q[0], q[7] - q[1]), hypot(q[4] - q[2], q[5] - q[3]));
    const int sw = warp_mip_size(src->width, ex), sh = warp_mip_size(src->height, ey);
    if (sw == src->width && sh == src->height) return warp_run(dst, src, q, box, opacity);
    ovni_frame *small = NULL;
    if ((ret = op_new_frame(src, src->format, sw, sh, &small)) < 0) return ret;
    if ((ret = geometry_resize(small, src)) == 0) ret = warp_run(dst, small, q, box, opacity);
    ovni_frame_unref(&small); /* on the GPU, after the launch is queued: the device's one stream orders them */
    return ret;
}
