/* Colour conversion math (YUV 4:2:0 <-> RGB), shared by colour.c and
 * colour.cu. RGB is full range 0..255; YUV follows its matrix and range:
 *   Y' = Kr R' + Kg G' + Kb B',  Cb' = (B' - Y') / (2 (1 - Kb)),
 *   Cr' = (R' - Y') / (2 (1 - Kr)),
 * limited range codes: Y = 16 s + 219 s Y', C = 128 s + 224 s C' (s = 2^(bits-8));
 * full range codes:    Y = M Y', C = 2^(bits-1) + M C' (M = 2^bits - 1). */
#ifndef OVNI_OPS_COLOUR_H
#define OVNI_OPS_COLOUR_H

#include "op_common.h"

typedef struct colour_coefs {
    float y_off, c_off;     /* code offsets */
    float y_mul, c_mul;     /* code -> 0..255 scale */
    float rv, gu, gv, bu;   /* YUV -> RGB */
    float kr, kg, kb;       /* RGB -> Y */
    float cb_div, cr_div;   /* 2(1-Kb), 2(1-Kr) */
    float y_range, c_range; /* RGB -> codes: Y' and C' to code units */
} colour_coefs;

/* ovni_matrix and ovni_range values as ints, so this header needs no
 * public header (the CUDA side includes it alone). */
OVNI_HD colour_coefs colour_coefs_make(int matrix, int full_range, int bits)
{
    colour_coefs k;
    float kr = 0.2126f, kb = 0.0722f;           /* BT.709 */
    if (matrix == 0) kr = 0.299f, kb = 0.114f;  /* BT.601 */
    if (matrix == 2) kr = 0.2627f, kb = 0.0593f; /* BT.2020 */
    float s = (float)(1 << (bits - 8));
    float m = (float)((1 << bits) - 1);
    k.kr = kr, k.kb = kb, k.kg = 1.0f - kr - kb;
    k.cb_div = 2.0f * (1.0f - kb);
    k.cr_div = 2.0f * (1.0f - kr);
    k.c_off = 128.0f * s;
    if (full_range) {
        k.y_off = 0.0f;
        k.y_range = m;
        k.c_range = m;
    } else {
        k.y_off = 16.0f * s;
        k.y_range = 219.0f * s;
        k.c_range = 224.0f * s;
    }
    k.y_mul = 255.0f / k.y_range;
    k.c_mul = 255.0f / k.c_range;
    k.rv = k.cr_div;
    k.bu = k.cb_div;
    k.gu = k.cb_div * kb / k.kg;
    k.gv = k.cr_div * kr / k.kg;
    return k;
}

/* Source planes of a 4:2:0 frame; `wide` selects P010 (16-bit words whose
 * high 10 bits hold the sample) over NV12. */
typedef struct colour_yuv {
    const uint8_t *y, *uv;
    size_t y_pitch, uv_pitch;
    int width, height, wide;
    colour_coefs k;
} colour_yuv;

OVNI_HD float colour_load_y(const colour_yuv *s, int x, int y)
{
    if (s->wide) return (float)(((const uint16_t *)(s->y + (size_t)y * s->y_pitch))[x] >> 6);
    return (float)s->y[(size_t)y * s->y_pitch + (size_t)x];
}

/* Chroma pair c (0 = U/Cb, 1 = V/Cr) of chroma sample (cx, cy). */
OVNI_HD float colour_load_c(const colour_yuv *s, int cx, int cy, int c)
{
    if (s->wide) return (float)(((const uint16_t *)(s->uv + (size_t)cy * s->uv_pitch))[2 * cx + c] >> 6);
    return (float)s->uv[(size_t)cy * s->uv_pitch + 2 * (size_t)cx + c];
}

/* One chroma value from its samples: t0, t1 on row j0 at columns i0, i1;
 * b0, b1 on row j1. Odd luma columns blend i0 and i1 half and half; even ones
 * sit on i0 (the blend with weight 0 would give the same value, at twice the
 * loads). Shared by colour_chroma_at and the GPU's 4x2 walk, which loads each
 * sample once for several pixels. */
OVNI_HD float colour_chroma_blend(float t0, float t1, float b0, float b1, int odd, float fy)
{
    float top = t0, bot = b0;
    if (odd) {
        top += (t1 - top) * 0.5f;
        bot += (b1 - bot) * 0.5f;
    }
    return top + (bot - top) * fy;
}

/* Bilinear chroma at luma pixel (x, y) with MPEG-2 siting: chroma sample
 * (i, j) sits at luma position (2i, 2j + 0.5). */
OVNI_HD void colour_chroma_at(const colour_yuv *s, int x, int y, float *u, float *v)
{
    int cw = (s->width + 1) / 2, ch = (s->height + 1) / 2;
    int i0 = x >> 1;
    int i1 = i0 + 1 < cw ? i0 + 1 : cw - 1;
    /* y/2 - 0.25: rows 0,1 of a pair sit at -0.25 and +0.25 of chroma row j. */
    int j0, j1;
    float fy;
    if (y & 1) {
        j0 = y >> 1, fy = 0.25f;
        j1 = j0 + 1 < ch ? j0 + 1 : ch - 1;
    } else {
        j1 = y >> 1, fy = 0.75f;
        j0 = j1 > 0 ? j1 - 1 : 0;
    }
    float r[2];
    for (int c = 0; c < 2; c++) {
        float t0 = colour_load_c(s, i0, j0, c), b0 = colour_load_c(s, i0, j1, c), t1 = t0, b1 = b0;
        if (x & 1) t1 = colour_load_c(s, i1, j0, c), b1 = colour_load_c(s, i1, j1, c);
        r[c] = colour_chroma_blend(t0, t1, b0, b1, x & 1, fy);
    }
    *u = r[0];
    *v = r[1];
}

/* One RGB pixel (full range 0..255, float) from codes Y, U, V. */
OVNI_HD void colour_yuv_to_rgbf(const colour_coefs *k, float Y, float U, float V, float rgb[3])
{
    float yy = (Y - k->y_off) * k->y_mul;
    float cb = (U - k->c_off) * k->c_mul, cr = (V - k->c_off) * k->c_mul;
    rgb[0] = yy + k->rv * cr;
    rgb[1] = yy - k->gu * cb - k->gv * cr;
    rgb[2] = yy + k->bu * cb;
}

/* Writes pixel (x, y) of a YUV frame as RGB24 (bpp 3) or RGBA32 (bpp 4). */
OVNI_HD void colour_yuv_to_rgb_px(const colour_yuv *s, int x, int y, uint8_t *out, int bpp)
{
    float u, v, rgb[3];
    colour_chroma_at(s, x, y, &u, &v);
    colour_yuv_to_rgbf(&s->k, colour_load_y(s, x, y), u, v, rgb);
    out[0] = ovni_u8(rgb[0]);
    out[1] = ovni_u8(rgb[1]);
    out[2] = ovni_u8(rgb[2]);
    if (bpp == 4) out[3] = 255;
}

/* RGB (0..255) -> luma code, and averaged RGB -> chroma codes, 8-bit out. */
OVNI_HD float colour_luma(const colour_coefs *k, float r, float g, float b)
{
    return k->kr * r + k->kg * g + k->kb * b;
}

OVNI_HD uint8_t colour_y_code(const colour_coefs *k, float r, float g, float b)
{
    return ovni_u8(k->y_off + colour_luma(k, r, g, b) * (k->y_range / 255.0f));
}

OVNI_HD void colour_c_codes(const colour_coefs *k, float r, float g, float b, uint8_t *u, uint8_t *v)
{
    float yy = colour_luma(k, r, g, b);
    *u = ovni_u8(k->c_off + (b - yy) / k->cb_div * (k->c_range / 255.0f));
    *v = ovni_u8(k->c_off + (r - yy) / k->cr_div * (k->c_range / 255.0f));
}

typedef struct colour_rgb_to_nv12 {
    const uint8_t *src;
    size_t src_pitch;
    int src_bpp, width, height;
    uint8_t *y, *uv;
    size_t y_pitch, uv_pitch;
    colour_coefs k;
} colour_rgb_to_nv12;

/* The 2x2 block at chroma position (bx, by): four lumas, one averaged
 * chroma pair (fewer pixels at odd right/bottom edges). */
OVNI_HD void colour_rgb_to_nv12_block(const colour_rgb_to_nv12 *p, int bx, int by)
{
    float sr = 0, sg = 0, sb = 0;
    int n = 0;
    for (int dy = 0; dy < 2; dy++) {
        int y = 2 * by + dy;
        if (y >= p->height) break;
        for (int dx = 0; dx < 2; dx++) {
            int x = 2 * bx + dx;
            if (x >= p->width) break;
            const uint8_t *s = ovni_cpx(p->src, p->src_pitch, x, y, p->src_bpp);
            float r = s[0], g = s[1], b = s[2];
            p->y[(size_t)y * p->y_pitch + (size_t)x] = colour_y_code(&p->k, r, g, b);
            sr += r, sg += g, sb += b;
            n++;
        }
    }
    float inv = 1.0f / (float)n;
    uint8_t *uv = p->uv + (size_t)by * p->uv_pitch + 2 * (size_t)bx;
    colour_c_codes(&p->k, sr * inv, sg * inv, sb * inv, &uv[0], &uv[1]);
}

/* RGB24 <-> RGBA32 (alpha 255 when added, dropped when removed). */
OVNI_HD void colour_rgb_repack_px(const uint8_t *s, int sbpp, uint8_t *d, int dbpp)
{
    d[0] = s[0], d[1] = s[1], d[2] = s[2];
    if (dbpp == 4) d[3] = sbpp == 4 ? s[3] : 255;
}

#endif
