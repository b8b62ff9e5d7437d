/* Rounded-corner math, shared by rounded.c and rounded.cu.
 *
 * Each corner is a quarter superellipse |u/r|^n + |v/r|^n <= 1 around a
 * centre r pixels in from both edges (n = 2: a circle; 4..5: the squircle).
 * Coverage is analytic: the implicit function's value over its gradient's
 * length gives a signed distance in pixels (exact for the circle, first
 * order otherwise), and coverage = clamp(0.5 - distance, 0, 1) at the pixel
 * centre, a 1-pixel ramp. The frame's straight edges are not softened. */
#ifndef OVNI_OPS_ROUNDED_H
#define OVNI_OPS_ROUNDED_H

#include "op_common.h"

typedef struct rounded_params {
    const uint8_t *src;   /* NULL: write a mask */
    size_t src_pitch;
    int src_bpp;          /* 3 or 4 */
    uint8_t *dst;
    size_t dst_pitch;
    int dst_bpp;          /* 1 (GRAY8 mask) or 4 (RGBA32) */
    int width, height;
    float r[4];           /* top-left, top-right, bottom-right, bottom-left; <= half the shorter side */
    float n, inv_n;       /* superellipse exponent and its inverse */
} rounded_params;

/* Coverage of a pixel centre at (u, v) from a corner's centre, measured
 * toward the corner (both > 0 inside the corner's square). */
OVNI_HD float rounded_corner_cov(float u, float v, float r, float n, float inv_n)
{
    if (!(u > 0.0f) || !(v > 0.0f)) return 1.0f;
    /* Normalise by the larger of u, v: the implicit function is homogeneous,
     * so its gradient's direction does not change, and nothing under- or
     * overflows for large n. */
    float m = u > v ? u : v;
    float a = u / m, b = v / m;                 /* the larger is 1 */
    float pa = powf(a, n), pb = powf(b, n);
    float s = pa + pb;                          /* 1..2 */
    float g1 = powf(s, inv_n);
    float qa = pa / a, qb = pb / b;             /* a^(n-1), b^(n-1) */
    float grad = sqrtf(qa * qa + qb * qb) * g1 / s;
    float dist = (m * g1 - r) / grad;
    return ovni_clampf(0.5f - dist, 0.0f, 1.0f);
}

OVNI_HD float rounded_cov(const rounded_params *p, int x, int y)
{
    float cx = (float)x + 0.5f, cy = (float)y + 0.5f;
    float w = (float)p->width, h = (float)p->height;
    float c0 = rounded_corner_cov(p->r[0] - cx, p->r[0] - cy, p->r[0], p->n, p->inv_n);
    float c1 = rounded_corner_cov(cx - (w - p->r[1]), p->r[1] - cy, p->r[1], p->n, p->inv_n);
    float c2 = rounded_corner_cov(cx - (w - p->r[2]), cy - (h - p->r[2]), p->r[2], p->n, p->inv_n);
    float c3 = rounded_corner_cov(p->r[3] - cx, cy - (h - p->r[3]), p->r[3], p->n, p->inv_n);
    float c = c0 < c1 ? c0 : c1;
    c = c < c2 ? c : c2;
    return c < c3 ? c : c3;
}

/* Mask pixel (GRAY8: coverage; RGBA: white with coverage as alpha), or the
 * source pixel with its alpha (255 for RGB) times the coverage. */
OVNI_HD void rounded_px(const rounded_params *p, int x, int y)
{
    float cov = rounded_cov(p, x, y);
    uint8_t *d = ovni_px(p->dst, p->dst_pitch, x, y, p->dst_bpp);
    if (!p->src) {
        uint8_t a = ovni_u8(cov * 255.0f);
        if (p->dst_bpp == 1) {
            d[0] = a;
        } else {
            d[0] = d[1] = d[2] = 255;
            d[3] = a;
        }
        return;
    }
    const uint8_t *s = ovni_cpx(p->src, p->src_pitch, x, y, p->src_bpp);
    float sa = p->src_bpp == 4 ? (float)s[3] : 255.0f;
    d[0] = s[0], d[1] = s[1], d[2] = s[2];
    d[3] = ovni_u8(sa * cov);
}

#endif
