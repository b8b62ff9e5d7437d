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
        *(uint32_t *)d = (uint32_t)v[0] | (uint32_t)v[1] << 8 | (uint32_t)v[2] << 16 | (uint32_t)v[3] << 24;
        return;
    }
#endif
    d[0] = v[0], d[1] = v[1], d[2] = v[2];
    if (bpp == 4) d[3] = v[3];
}

/* Straight-alpha "over" of a source with premultiplied colour pc[] (0..255
 * times as) and alpha as (0..1) onto the pixel at d (RGB24 or RGBA32):
 *   RGB:  c = pc + c_d (1 - as)
 *   RGBA: a = as + a_d (1 - as),  c = (pc + c_d a_d (1 - as)) / a.
 * A source with as = 0 leaves d exactly as it was. */
OVNI_HD void overlay_over_px(uint8_t *d, int dbpp, const float pc[3], float as)
{
    if (!(as > 0.0f)) return;
    float v[4];
    uint8_t o[4];
    overlay_load(d, dbpp, v);
    if (dbpp == 3) {
        float k = 1.0f - as;
        for (int c = 0; c < 3; c++) o[c] = ovni_u8(pc[c] + v[c] * k);
        o[3] = 255;
    } else {
        /* multiplications by reciprocals: an IEEE division costs the GPU
         * about ten instructions, and these kernels must stay memory-bound */
        float k = v[3] * (1.0f / 255.0f) * (1.0f - as);
        float oa = as + k, inv = 1.0f / oa; /* oa >= as > 0 */
        for (int c = 0; c < 3; c++) o[c] = ovni_u8((pc[c] + v[c] * k) * inv);
        o[3] = ovni_u8(oa * 255.0f);
    }
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
    float fx, fy;    /* weight of tap 1: -x - ox, -y - oy, in [0, 1) */
    float opacity;   /* 0..1 */
} overlay_params;

/* Pixel (rx, ry) of the region. Taps with zero weight are skipped; fx and fy
 * are the same for every pixel, so the branch is uniform on the GPU. */
OVNI_HD void overlay_px(const overlay_params *p, int rx, int ry)
{
    int dx = p->x0 + rx, dy = p->y0 + ry;
    int sx = dx + p->ox, sy = dy + p->oy;
    float wx[2] = {1.0f - p->fx, p->fx}, wy[2] = {1.0f - p->fy, p->fy};
    float pc[3] = {0.0f, 0.0f, 0.0f}, a = 0.0f;
    for (int j = 0; j < 2; j++) {
        int yy = sy + j;
        if (!(wy[j] > 0.0f) || yy < 0 || yy >= p->src_h) continue;
        for (int i = 0; i < 2; i++) {
            int xx = sx + i;
            if (!(wx[i] > 0.0f) || xx < 0 || xx >= p->src_w) continue;
            float s[4];
            overlay_load(ovni_cpx(p->src, p->src_pitch, xx, yy, p->src_bpp), p->src_bpp, s);
            float w = wy[j] * wx[i];
            if (p->use_alpha) w = w * (s[3] * (1.0f / 255.0f));
            pc[0] += w * s[0];
            pc[1] += w * s[1];
            pc[2] += w * s[2];
            a += w;
        }
    }
    float as = a * p->opacity;
    for (int c = 0; c < 3; c++) pc[c] = pc[c] * p->opacity;
    overlay_over_px(ovni_px(p->dst, p->dst_pitch, dx, dy, p->dst_bpp), p->dst_bpp, pc, as);
}

#endif
