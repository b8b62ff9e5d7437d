/* Chroma key math, shared by chromakey.c and chromakey.cu.
 *
 * Distance: Euclidean in RGB with each channel in 0..1, divided by sqrt(3) so
 * it runs 0..1 (black to white). RGB rather than CbCr because it is what the
 * original tool measured (its thresholds carry over), and because it keys any
 * colour: CbCr cannot tell black, grey and white apart, so a grey or white
 * key would take every neutral pixel with it.
 * Alpha: 0 at d <= transparency_t, 1 at d >= opacity_t, linear in between.
 * Spill: the key's dominant channel is pulled toward the larger of the other
 * two, by spill x closeness (1 - d) of its excess; a pixel whose dominant
 * channel is not the key's is left alone. Spill fades in with the key's
 * lead over its next channel (chromakey.c): none for grey or cyan keys. */
#ifndef OVNI_OPS_CHROMAKEY_H
#define OVNI_OPS_CHROMAKEY_H

#include "overlay.h" /* overlay_load, overlay_store */

/* The key's lead (dominant channel over the next, in levels) from which
 * spill works at full strength; below it, proportionally less. */
#define CHROMAKEY_SPILL_LEAD 32

typedef struct chromakey_params {
    const uint8_t *src;
    size_t src_pitch;
    int src_bpp;          /* 3 or 4: RGBA sources multiply their alpha in */
    uint8_t *dst;         /* RGBA32 */
    size_t dst_pitch;
    int width, height;
    float key[3];         /* 0..255 */
    float scale;          /* 1 / (255 sqrt 3): distance in 0..1 */
    float t0, t1;         /* transparency_t, opacity_t */
    float inv_ramp;       /* 1 / (t1 - t0), 0 when they are equal */
    float spill;          /* 0..1 */
    int dom, o1, o2;      /* the key's dominant channel and the other two */
} chromakey_params;

OVNI_HD void chromakey_px(const chromakey_params *p, int x, int y)
{
    float c[4];
    overlay_load(ovni_cpx(p->src, p->src_pitch, x, y, p->src_bpp), p->src_bpp, c);
    float dr = c[0] - p->key[0], dg = c[1] - p->key[1], db = c[2] - p->key[2];
    float d = sqrtf(dr * dr + dg * dg + db * db) * p->scale;
    float a;
    if (d <= p->t0) a = 0.0f;
    else if (d >= p->t1) a = 1.0f;
    else a = (d - p->t0) * p->inv_ramp;
    if (p->spill > 0.0f) {
        /* Selects, not c[p->dom]: a dynamic index would put c in local memory on the GPU. */
        float c1 = p->o1 == 0 ? c[0] : c[1], c2 = p->o2 == 1 ? c[1] : c[2];
        float cd = p->dom == 0 ? c[0] : p->dom == 1 ? c[1] : c[2];
        float excess = cd - (c1 > c2 ? c1 : c2);
        if (excess > 0.0f) {
            cd -= excess * (p->spill * (1.0f - d));
            if (p->dom == 0) c[0] = cd;
            else if (p->dom == 1) c[1] = cd;
            else c[2] = cd;
        }
    }
    uint8_t o[4] = {ovni_u8(c[0]), ovni_u8(c[1]), ovni_u8(c[2]), ovni_u8(a * c[3])};
    overlay_store(ovni_px(p->dst, p->dst_pitch, x, y, 4), 4, o);
}

#endif
