/* Overlay and blend math, shared by overlay.c and overlay.cu, and the
 * straight-alpha "over" that fill.h reuses.
 *
 * The source is placed with its top-left corner at (x, y) in destination
 * pixels. Destination pixel (dx, dy) samples the source bilinearly at source
 * index (dx - x, dy - y); taps outside the source have weight 0, so the
 * source's edges cover destination pixels fractionally and a sub-pixel move
 * is smooth. Colours are accumulated premultiplied by their alpha (1 for
 * overlay), so transparent source pixels never bleed their colour. */
#ifndef OVNI_OPS_OVERLAY_H
#define OVNI_OPS_OVERLAY_H

#include "op_common.h"

/* A pixel's bytes as floats (alpha 255 for 3-byte pixels), and back. On the
 * GPU an aligned 4-byte pixel moves as one 32-bit access instead of four
 * byte accesses, which keeps these memory-bound kernels off the load/store
 * issue limit; the values are the same either way. */
OVNI_HD void overlay_load(const uint8_t *s, int bpp, float v[4])
{
#ifdef __CUDA_ARCH__
    if (bpp == 4 && ((size_t)s & 3) == 0) {
        uint32_t u = *(const uint32_t *)s;
        v[0] = (float)(u & 255u), v[1] = (float)((u >> 8) & 255u);
        v[2] = (float)((u >> 16) & 255u), v[3] = (float)(u >> 24);
        return;
    }
#endif
    v[0] = (float)s[0], v[1] = (float)s[1], v[2] = (float)s[2];
    v[3] = bpp == 4 ? (float)s[3] : 255.0f;
}

OVNI_HD void overlay_store(uint8_t *d, int bpp, const uint8_t v[4])
{
#ifdef __CUDA_ARCH__
    if (bpp == 4 && ((size_t)d & 3) == 0) {
        *(uint32_t *)d = ovni_pack4(v);
        return;
    }
#endif
    d[0] = v[0], d[1] = v[1], d[2] = v[2];
    if (bpp == 4) d[3] = v[3];
}

/* Reciprocal of the "over" alpha x (0 < x <= 1 and a few ulp). On the GPU
 * with `approx` it is the hardware's approximate one (MUFU.RCP, within
 * 1 ulp: three instructions where the IEEE 1.0f / x takes about eight and a
 * slow-path branch). The colours it scales are at most about 255, so their
 * error is below 1e-4: a byte moves by at most 1, and only where the exact
 * value lies that close to a rounding boundary (x.5), so integer colours,
 * as in a whole-pixel opaque overlay, stay exact. MUFU.RCP flushes
 * subnormal inputs to 0: scaling by 2^24 before and after keeps every
 * x > 0 in its range, so a tiny alpha whose reciprocal is finite on the CPU
 * is finite here too (and infinite where it is there). */
OVNI_HD float overlay_rcp(float x, int approx)
{
#ifdef __CUDA_ARCH__
    if (approx) {
        float r;
        asm("rcp.approx.ftz.f32 %0, %1;" : "=f"(r) : "f"(x * 16777216.0f));
        return r * 16777216.0f;
    }
#else
    (void)approx;
#endif
    return 1.0f / x;
}

/* Straight-alpha "over" of a source with premultiplied colour pc[] (0..255
 * times as) and alpha as (0 < as <= 1) onto a destination pixel read as v[]
 * (overlay_load's values; RGB24 or RGBA32), bytes written to o[]:
 *   RGB:  c = pc + c_d (1 - as)
 *   RGBA: a = as + a_d (1 - as),  c = (pc + c_d a_d (1 - as)) / a. */
OVNI_HD void overlay_over_v(const float v[4], int dbpp, const float pc[3], float as, int approx, uint8_t o[4])
{
    if (dbpp == 3) {
        float k = 1.0f - as;
        for (int c = 0; c < 3; c++) o[c] = ovni_u8(pc[c] + v[c] * k);
        o[3] = 255;
    } else {
        /* multiplications by a reciprocal: an IEEE division costs the GPU
         * about ten instructions, and these kernels must stay memory-bound */
        float k = v[3] * (1.0f / 255.0f) * (1.0f - as);
        float oa = as + k, inv = overlay_rcp(oa, approx); /* oa >= as > 0 */
        for (int c = 0; c < 3; c++) o[c] = ovni_u8((pc[c] + v[c] * k) * inv);
        o[3] = ovni_u8(oa * 255.0f);
    }
}

/* The same on the pixel at d. A source with as = 0 leaves d exactly as it
 * was. */
OVNI_HD void overlay_over_px(uint8_t *d, int dbpp, const float pc[3], float as)
{
    if (!(as > 0.0f)) return;
    float v[4];
    uint8_t o[4];
    overlay_load(d, dbpp, v);
    overlay_over_v(v, dbpp, pc, as, 0, o);
    overlay_store(d, dbpp, o);
}

typedef struct overlay_params {
    const uint8_t *src;
    size_t src_pitch;
    int src_bpp, src_w, src_h;
    int use_alpha;   /* blend: weight taps by the source's alpha */
    uint8_t *dst;
    size_t dst_pitch;
    int dst_bpp;
    int x0, y0;      /* destination origin of the clipped region launched over */
    int ox, oy;      /* source index of tap 0 is (dx + ox, dy + oy): floor(-x), floor(-y) */
    float w[4];      /* tap weights, the same for every pixel: overlay_weights() */
    float opacity;   /* 0..1 */
} overlay_params;

/* Weights of taps (sx, sy), (sx+1, sy), (sx, sy+1), (sx+1, sy+1) for tap-1
 * weights fx, fy (the sub-pixel parts of -x and -y, in [0, 1]). */
OVNI_HD void overlay_weights(overlay_params *p, float fx, float fy)
{
    float wx[2] = {1.0f - fx, fx}, wy[2] = {1.0f - fy, fy};
    for (int k = 0; k < 4; k++) p->w[k] = wy[k >> 1] * wx[k & 1];
}

#ifdef __CUDA_ARCH__
/* Byte k of u as a float, exactly: 2^23 + byte assembled in the bits by one
 * byte permute, minus 2^23. Two ALU/FMA instructions, like a shift and a
 * conversion, but off the GPU's slower conversion pipe. */
__device__ inline float overlay_byte_f(uint32_t u, int k)
{
    return __uint_as_float(__byte_perm(u, 0x4B000000u, 0x7440u | (unsigned)k)) - 8388608.0f;
}
#endif

/* Pixel at s (bpp 3 or 4) as floats, channels 0..n-1 (n 3 or 4). `words`:
 * the caller knows a 4-byte pixel is 4-byte aligned, so the GPU reads it as
 * one 32-bit word without testing. The values are the bytes either way. */
OVNI_HD void overlay_fetch(const uint8_t *s, int bpp, int n, int words, float v[4])
{
#ifdef __CUDA_ARCH__
    if (bpp == 4 && words) {
        uint32_t u = *(const uint32_t *)s;
        v[0] = overlay_byte_f(u, 0), v[1] = overlay_byte_f(u, 1), v[2] = overlay_byte_f(u, 2);
        if (n == 4) v[3] = overlay_byte_f(u, 3);
        return;
    }
#endif
    v[0] = (float)s[0], v[1] = (float)s[1], v[2] = (float)s[2];
    if (n == 4) v[3] = bpp == 4 ? (float)s[3] : 255.0f;
}

/* Bytes o[0..bpp-1] to d, one 32-bit store for an aligned 4-byte pixel on
 * the GPU (`words` as for overlay_fetch). */
OVNI_HD void overlay_put(uint8_t *d, int bpp, int words, const uint8_t o[4])
{
#ifdef __CUDA_ARCH__
    if (bpp == 4 && words) {
        *(uint32_t *)d = ovni_pack4(o);
        return;
    }
#endif
    d[0] = o[0], d[1] = o[1], d[2] = o[2];
    if (bpp == 4) d[3] = o[3];
}

/* Pixel (rx, ry) of the region. sbpp, dbpp, use_alpha and words are
 * constants in the GPU's specialised kernels (overlay.cu), so their tests
 * compile away. Where all four taps lie inside the source (every pixel but
 * the region's border) they are read directly; on the border a tap outside
 * gets weight 0 and reads the nearest pixel inside instead. Adding a
 * zero-weight tap adds exactly 0, so this is the sum of the inside taps in
 * the same order either way, and the branch is uniform in all but the
 * border's warps. */
OVNI_HD void overlay_px_as(const overlay_params *p, int rx, int ry, int sbpp, int dbpp, int use_alpha, int words)
{
    int dx = p->x0 + rx, dy = p->y0 + ry;
    int sx = dx + p->ox, sy = dy + p->oy;
    float w[4] = {p->w[0], p->w[1], p->w[2], p->w[3]};
    const uint8_t *t0, *t2; /* taps 0 and 2; taps 1 and 3 are at + d1 */
    size_t d1 = (size_t)sbpp;
    if ((unsigned)sx < (unsigned)(p->src_w - 1) && (unsigned)sy < (unsigned)(p->src_h - 1)) {
        t0 = ovni_cpx(p->src, p->src_pitch, sx, sy, sbpp);
        t2 = t0 + p->src_pitch;
    } else {
        int inx0 = (unsigned)sx < (unsigned)p->src_w, inx1 = (unsigned)(sx + 1) < (unsigned)p->src_w;
        int iny0 = (unsigned)sy < (unsigned)p->src_h, iny1 = (unsigned)(sy + 1) < (unsigned)p->src_h;
        w[0] = inx0 && iny0 ? w[0] : 0.0f;
        w[1] = inx1 && iny0 ? w[1] : 0.0f;
        w[2] = inx0 && iny1 ? w[2] : 0.0f;
        w[3] = inx1 && iny1 ? w[3] : 0.0f;
        int x0 = ovni_clampi(sx, 0, p->src_w - 1), x1 = ovni_clampi(sx + 1, 0, p->src_w - 1);
        t0 = ovni_cpx(p->src, p->src_pitch, x0, ovni_clampi(sy, 0, p->src_h - 1), sbpp);
        t2 = ovni_cpx(p->src, p->src_pitch, x0, ovni_clampi(sy + 1, 0, p->src_h - 1), sbpp);
        d1 = (size_t)(x1 - x0) * (size_t)sbpp;
    }
    const uint8_t *t[4] = {t0, t0 + d1, t2, t2 + d1};
    float pc[3] = {0.0f, 0.0f, 0.0f}, a = 0.0f;
    for (int k = 0; k < 4; k++) {
        float s[4];
        overlay_fetch(t[k], sbpp, use_alpha ? 4 : 3, words, s);
        float wk = w[k];
        if (use_alpha) wk = wk * (s[3] * (1.0f / 255.0f));
        pc[0] += wk * s[0];
        pc[1] += wk * s[1];
        pc[2] += wk * s[2];
        a += wk;
    }
    float as = a * p->opacity;
    if (!(as > 0.0f)) return; /* nothing drawn: d stays as it was */
    for (int c = 0; c < 3; c++) pc[c] = pc[c] * p->opacity;
    uint8_t *d = ovni_px(p->dst, p->dst_pitch, dx, dy, dbpp);
    float v[4];
    uint8_t o[4];
    overlay_fetch(d, dbpp, 4, words, v);
    overlay_over_v(v, dbpp, pc, as, 1, o);
    overlay_put(d, dbpp, words, o);
}

/* The same with the parameters' own formats (the CPU walk and the GPU's
 * generic kernel). */
OVNI_HD void overlay_px(const overlay_params *p, int rx, int ry)
{
    overlay_px_as(p, rx, ry, p->src_bpp, p->dst_bpp, p->use_alpha, 0);
}

#endif
