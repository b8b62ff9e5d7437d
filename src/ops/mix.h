/* Crossfade and colour adjustment math, shared by mix.c and mix.cu.
 * crossfade: every byte a + (b - a) t (alpha included).
 * adjust, on R, G, B in 0..255 (alpha kept), with L the BT.709 luma
 * 0.2126 R + 0.7152 G + 0.0722 B:
 *   saturation s:  c1 = L + (c - L) s          (0: grey, 1: unchanged)
 *   contrast k:    c2 = 127.5 + (c1 - 127.5) k (around mid-grey)
 *   brightness b:  c3 = c2 + 255 b             (additive)
 * folded on the host into c3 = A c + B L + C with A = k s, B = k (1 - s),
 * C = 127.5 (1 - k) + 255 b, so the identity (s = k = 1, b = 0) is exact. */
#ifndef OVNI_OPS_MIX_H
#define OVNI_OPS_MIX_H

#include "op_common.h"

typedef struct mix_crossfade_params {
    const uint8_t *a, *b;
    uint8_t *dst;
    size_t a_pitch, b_pitch, dst_pitch;
    int bpp, width, height;
    float t;
} mix_crossfade_params;

OVNI_HD void mix_crossfade_px(const mix_crossfade_params *p, int x, int y)
{
    const uint8_t *a = ovni_cpx(p->a, p->a_pitch, x, y, p->bpp), *b = ovni_cpx(p->b, p->b_pitch, x, y, p->bpp);
    uint8_t *d = ovni_px(p->dst, p->dst_pitch, x, y, p->bpp);
    for (int c = 0; c < p->bpp; c++) {
        float va = (float)a[c];
        d[c] = ovni_u8(va + ((float)b[c] - va) * p->t);
    }
}

typedef struct mix_adjust_params {
    uint8_t *dst;
    size_t pitch;
    int bpp, width, height;
    float A, B, C;
} mix_adjust_params;

OVNI_HD void mix_adjust_px(const mix_adjust_params *p, int x, int y)
{
    uint8_t *d = ovni_px(p->dst, p->pitch, x, y, p->bpp);
    float r = (float)d[0], g = (float)d[1], b = (float)d[2];
    float l = p->B * (0.2126f * r + 0.7152f * g + 0.0722f * b) + p->C;
    d[0] = ovni_u8(p->A * r + l);
    d[1] = ovni_u8(p->A * g + l);
    d[2] = ovni_u8(p->A * b + l);
}

#endif
