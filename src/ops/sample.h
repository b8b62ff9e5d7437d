/* Bilinear sampling of packed GRAY8/RGB24/RGBA32 planes, shared by every
 * geometric op (CPU walks and CUDA kernels).
 *
 * Conventions
 * - Public positions follow ops.h: pixel (i, j) covers [i, i+1) x [j, j+1),
 *   its centre is at (i + 0.5, j + 0.5). Internally taps are addressed in
 *   "index space" u = x - 0.5, where pixel centres sit on integers.
 * - RGBA is interpolated premultiplied (so the colour of transparent pixels
 *   does not bleed in), then returned straight. When every tap with weight
 *   is fully transparent the straight average is kept, so exact copies stay
 *   exact even where alpha is 0.
 * - Edge modes: SAMPLE_EDGE_CLAMP repeats the border pixels;
 *   SAMPLE_EDGE_ZERO samples colour as clamp but multiplies alpha by the
 *   coverage of the output pixel by the source rectangle, so what lies
 *   outside is transparent (or the fill colour) with an anti-aliased border
 *   and no dark fringe from blending with black.
 * - Coordinates are computed with SAMPLE_MUL so that CUDA does not fuse the
 *   multiply with the following add: CPU and GPU then pick the same taps
 *   and weights bit for bit; only the colour sums may differ by an ulp. */
#ifndef OVNI_OPS_SAMPLE_H
#define OVNI_OPS_SAMPLE_H

#include "op_common.h"

#if defined(__CUDA_ARCH__)
#define SAMPLE_MUL(a, b) __fmul_rn((a), (b))
#elif !defined(SAMPLE_MUL) /* a test may emulate the GPU with its own */
#define SAMPLE_MUL(a, b) ((a) * (b))
#endif

enum { SAMPLE_EDGE_CLAMP = 0, SAMPLE_EDGE_ZERO = 1 };

/* A packed source plane; bpp 1 (GRAY8), 3 (RGB24) or 4 (RGBA32). */
typedef struct sample_src {
    const uint8_t *data;
    size_t pitch;
    int width, height, bpp;
} sample_src;

/* Weighted sum of taps. For RGBA, c[] holds sum(w * a * colour) and a holds
 * sum(w * a) (a in 0..255); raw[] the unpremultiplied sum for the fallback.
 * For other formats c[] is sum(w * colour). w is the sum of weights. */
typedef struct sample_acc {
    float c[3], a, raw[3], w;
} sample_acc;

/* A sampled pixel: straight colour 0..255, alpha 0..1 (includes coverage). */
typedef struct sample_px {
    float c[3], a;
} sample_px;

OVNI_HD void sample_acc_init(sample_acc *acc)
{
    for (int k = 0; k < 3; k++) acc->c[k] = acc->raw[k] = 0.0f;
    acc->a = acc->w = 0.0f;
}

/* Adds tap (i, j), which must lie inside the plane, with weight w. */
OVNI_HD void sample_acc_tap(sample_acc *acc, const sample_src *s, int i, int j, float w)
{
    const uint8_t *p = ovni_cpx(s->data, s->pitch, i, j, s->bpp);
    acc->w += w;
    if (s->bpp == 4) {
        float wa = SAMPLE_MUL(w, (float)p[3]);
        for (int k = 0; k < 3; k++) {
            acc->c[k] += wa * (float)p[k];
            acc->raw[k] += w * (float)p[k];
        }
        acc->a += wa;
    } else if (s->bpp == 3) {
        for (int k = 0; k < 3; k++) acc->c[k] += w * (float)p[k];
    } else {
        acc->c[0] += w * (float)p[0];
    }
}

/* Straight colour and alpha of the sum, alpha scaled by `coverage`. */
OVNI_HD sample_px sample_acc_finish(const sample_acc *acc, int bpp, float coverage)
{
    sample_px v;
    float inv_w = acc->w > 0.0f ? 1.0f / acc->w : 0.0f;
    if (bpp == 4) {
        if (acc->a > 0.0f) {
            float inv_a = 1.0f / acc->a;
            for (int k = 0; k < 3; k++) v.c[k] = acc->c[k] * inv_a;
        } else {
            for (int k = 0; k < 3; k++) v.c[k] = acc->raw[k] * inv_w;
        }
        v.a = acc->a * inv_w * (1.0f / 255.0f) * coverage;
    } else {
        for (int k = 0; k < 3; k++) v.c[k] = acc->c[k] * inv_w;
        v.a = coverage;
    }
    return v;
}

/* Keeps an index-space position where floor() and int conversion are
 * defined (also maps NaN to the edge): beyond the plane clamp sampling
 * gives the border pixel anyway. */
OVNI_HD float sample_bound(float u, int size)
{
    if (!(u > -1.0f)) return -1.0f;
    return u < (float)size ? u : (float)size;
}

/* Bilinear taps at index-space position (u, v), edges clamped. */
OVNI_HD void sample_bilinear_acc(const sample_src *s, float u, float v, sample_acc *acc)
{
    u = sample_bound(u, s->width);
    v = sample_bound(v, s->height);
    float fu = floorf(u), fv = floorf(v);
    float fx = u - fu, fy = v - fv;
    int i0 = (int)fu, j0 = (int)fv;
    int i1 = ovni_clampi(i0 + 1, 0, s->width - 1), j1 = ovni_clampi(j0 + 1, 0, s->height - 1);
    i0 = ovni_clampi(i0, 0, s->width - 1);
    j0 = ovni_clampi(j0, 0, s->height - 1);
    float wx0 = 1.0f - fx, wy0 = 1.0f - fy;
    sample_acc_init(acc);
    /* Zero weights are skipped: whole-pixel positions read one tap. */
    if (wy0 > 0.0f) {
        if (wx0 > 0.0f) sample_acc_tap(acc, s, i0, j0, SAMPLE_MUL(wx0, wy0));
        if (fx > 0.0f) sample_acc_tap(acc, s, i1, j0, SAMPLE_MUL(fx, wy0));
    }
    if (fy > 0.0f) {
        if (wx0 > 0.0f) sample_acc_tap(acc, s, i0, j1, SAMPLE_MUL(wx0, fy));
        if (fx > 0.0f) sample_acc_tap(acc, s, i1, j1, SAMPLE_MUL(fx, fy));
    }
}

/* Coverage along one axis of an output pixel whose centre lands at x
 * (centre convention) in a source of `size` pixels, for a pixel footprint
 * `inv_fw` = 1 / (its extent along the axis in source pixels): a linear
 * ramp 0..1 across the border, 0.5 when the centre sits on it. */
OVNI_HD float sample_cover_1d(float x, int size, float inv_fw)
{
    float d = (float)size - x;
    d = x < d ? x : d;
    return ovni_clampf(SAMPLE_MUL(d, inv_fw) + 0.5f, 0.0f, 1.0f);
}

/* The sampler others may use: position (x, y) in the centre convention,
 * footprint extents 1/inv_fwx, 1/inv_fwy (1 for unscaled sampling) used by
 * SAMPLE_EDGE_ZERO for the anti-aliased border. */
OVNI_HD sample_px sample_at(const sample_src *s, float x, float y, int edge, float inv_fwx, float inv_fwy)
{
    sample_acc acc;
    float cov = 1.0f;
    if (edge == SAMPLE_EDGE_ZERO) {
        cov = sample_cover_1d(x, s->width, inv_fwx) * sample_cover_1d(y, s->height, inv_fwy);
        if (!(cov > 0.0f)) {
            sample_px none = {{0.0f, 0.0f, 0.0f}, 0.0f};
            return none;
        }
    }
    sample_bilinear_acc(s, x - 0.5f, y - 0.5f, &acc);
    return sample_acc_finish(&acc, s->bpp, cov);
}

/* Writes v over a background colour bg (straight colour 0..255, alpha
 * 0..1): RGB and GRAY8 blend with it; RGBA composites "over" (a
 * transparent background leaves v as it is). */
OVNI_HD void sample_store_over(uint8_t *d, int bpp, sample_px v, const float bg[4])
{
    float t = 1.0f - v.a;
    if (bpp != 4) {
        for (int k = 0; k < (bpp == 1 ? 1 : 3); k++) d[k] = ovni_u8(v.c[k] * v.a + bg[k] * t);
        return;
    }
    float bt = bg[3] * t, oa = v.a + bt;
    if (bt > 0.0f && oa > 0.0f) {
        float inv = 1.0f / oa;
        for (int k = 0; k < 3; k++) d[k] = ovni_u8((v.c[k] * v.a + bg[k] * bt) * inv);
    } else {
        for (int k = 0; k < 3; k++) d[k] = ovni_u8(v.c[k]);
    }
    d[3] = ovni_u8(oa * 255.0f);
}

/* Reads pixel p (bpp bytes) as a background for sample_store_over. */
OVNI_HD void sample_load_bg(const uint8_t *p, int bpp, float bg[4])
{
    if (bpp == 1) {
        bg[0] = (float)p[0], bg[1] = bg[2] = 0.0f, bg[3] = 1.0f;
        return;
    }
    for (int k = 0; k < 3; k++) bg[k] = (float)p[k];
    bg[3] = bpp == 4 ? (float)p[3] * (1.0f / 255.0f) : 1.0f;
}

#endif
