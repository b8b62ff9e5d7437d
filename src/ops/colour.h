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

/* Chroma siting, as ovni_chroma_loc values (int, like the matrix): bit 0
 * set, chroma sample i sits between luma columns 2i and 2i+1 (centred),
 * clear, on column 2i (co-sited: MPEG-2/H.264 "left"); bit 1 set, chroma row
 * j sits on luma row 2j (top), clear, between rows 2j and 2j+1.
 *   0 left, 1 center, 2 topleft, 3 top.
 * Upsampling is bilinear at those positions. Downsampling uses, per axis,
 * the filter whose round trip through that bilinear upsampling is the
 * identity (perfect reconstruction, so an RGB op that changes nothing gives
 * the source back up to rounding and gamut clipping):
 *   co-sited: [-1 2 6 2 -1]/8 on luma 2i-2..2i+2 (LeGall 5/3 analysis),
 *   centred:  [-1 3 3 -1]/4 on luma 2i-1..2i+2.
 * Both reject the alternating (Nyquist) pattern, so no aliasing moire. */
#define COLOUR_LOC_HCENTRE(loc) ((loc) & 1)
#define COLOUR_LOC_VTOP(loc) (((loc) >> 1) & 1)

/* Chroma sample index i0 (and i0 + 1, clamped by the caller) and the
 * weight fx of i0 + 1 for luma index x on one axis. */
OVNI_HD int colour_up_index(int x, int centred, float *f)
{
    if (centred) { /* x/2 - 0.25 */
        *f = (x & 1) ? 0.25f : 0.75f;
        return (x & 1) ? x >> 1 : (x >> 1) - 1;
    }
    *f = (x & 1) ? 0.5f : 0.0f;
    return x >> 1;
}

/* Source planes of a 4:2:0 frame; `wide` selects P010 (16-bit words whose
 * high 10 bits hold the sample) over NV12; `loc` the chroma siting. */
typedef struct colour_yuv {
    const uint8_t *y, *uv;
    size_t y_pitch, uv_pitch;
    int width, height, wide, loc;
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

/* a + (b - a) f, and a itself at f = 0 (the co-sited pixels' weight),
 * so a walk whose weight is a constant 0 compiles to no arithmetic. */
OVNI_HD float colour_lerp(float a, float b, float f)
{
    return f == 0.0f ? a : a + (b - a) * f;
}

/* One chroma value from its samples: t0, t1 on row j0 at columns i0, i1;
 * b0, b1 on row j1; fx the weight of column i1, fy of row j1. Columns are
 * blended down first, then across: pixels side by side share their
 * columns' vertical blends, so in the GPU's 4x2 walk (colour.cu), which
 * calls this per pixel, nvcc computes each column's blend once. A weight of 0 gives t0 exactly, so co-sited pixels
 * take their sample unchanged. */
OVNI_HD float colour_chroma_blend(float t0, float t1, float b0, float b1, float fx, float fy)
{
    return colour_lerp(colour_lerp(t0, b0, fy), colour_lerp(t1, b1, fy), fx);
}

/* Bilinear chroma at luma pixel (x, y) at the frame's siting; samples
 * outside the plane are its edge samples. */
OVNI_HD void colour_chroma_at(const colour_yuv *s, int x, int y, float *u, float *v)
{
    int cw = (s->width + 1) / 2, ch = (s->height + 1) / 2;
    float fx, fy;
    int i = colour_up_index(x, COLOUR_LOC_HCENTRE(s->loc), &fx);
    int j = colour_up_index(y, !COLOUR_LOC_VTOP(s->loc), &fy);
    int i0 = ovni_clampi(i, 0, cw - 1), i1 = ovni_clampi(i + 1, 0, cw - 1);
    int j0 = ovni_clampi(j, 0, ch - 1), j1 = ovni_clampi(j + 1, 0, ch - 1);
    float r[2];
    for (int c = 0; c < 2; c++) {
        float t0 = colour_load_c(s, i0, j0, c);
        float t1 = fx != 0.0f ? colour_load_c(s, i1, j0, c) : t0, b0 = t0, b1 = t1;
        if (fy != 0.0f) {
            b0 = colour_load_c(s, i0, j1, c);
            b1 = fx != 0.0f ? colour_load_c(s, i1, j1, c) : b0;
        }
        r[c] = colour_chroma_blend(t0, t1, b0, b1, fx, fy);
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

/* Block rows per thread of the GPU's RGB -> NV12 walk (colour.cu), which
 * filters each source row once for all of them. */
#define COLOUR_NV12_STRIP 2

typedef struct colour_rgb_to_nv12 {
    const uint8_t *src;
    size_t src_pitch;
    int src_bpp, width, height;
    uint8_t *y, *uv;
    size_t y_pitch, uv_pitch;
    colour_coefs k;
    int loc; /* chroma siting written */
} colour_rgb_to_nv12;

/* The downsampling filter of one axis in eighths: co-sited [-1 2 6 2 -1]
 * on luma 2c-2..2c+2, centred [-2 6 6 -2] on 2c-1..2c+2; returns the tap
 * count (5 or 4). Integer weights, so every sum below is exact and the same
 * whatever order or grouping a walk adds it in. */
OVNI_HD int colour_down_kernel(int centred, int w[5])
{
    if (centred) {
        w[0] = -2, w[1] = 6, w[2] = 6, w[3] = -2;
        return 4;
    }
    w[0] = -1, w[1] = 2, w[2] = 6, w[3] = 2, w[4] = -1;
    return 5;
}

/* Downsampling taps of chroma sample c on one axis of n luma samples:
 * positions (clamped to the edge) and weights in eighths; returns the
 * count. The last centred sample of an odd n has one luma sample of its
 * own: there the weights that invert the upsampling's edge are (-1/2, 3/2)
 * on 2c-1, 2c. */
OVNI_HD int colour_down_taps(int c, int centred, int n, int pos[5], int w[5])
{
    if (centred && 2 * c + 1 >= n) {
        pos[0] = ovni_clampi(2 * c - 1, 0, n - 1), pos[1] = 2 * c;
        w[0] = -4, w[1] = 12;
        return 2;
    }
    const int k = colour_down_kernel(centred, w);
    for (int t = 0; t < k; t++) pos[t] = ovni_clampi(2 * c - (centred ? 1 : 2) + t, 0, n - 1);
    return k;
}

/* One axis's filter over k taps: sum of w[t] v[t], eighths of the value. */
OVNI_HD int colour_down_sum(const int *v, const int *w, int k)
{
    int s = 0;
    for (int t = 0; t < k; t++) s += w[t] * v[t];
    return s;
}

/* Chroma codes from both axes' filtered R, G, B (64 x the value: below
 * 2^16 in magnitude, so the float is exact). */
OVNI_HD void colour_c_codes_sum(const colour_coefs *k, const int s[3], uint8_t *u, uint8_t *v)
{
    colour_c_codes(k, (float)s[0] * (1.0f / 64.0f), (float)s[1] * (1.0f / 64.0f), (float)s[2] * (1.0f / 64.0f), u, v);
}

/* Luma code of pixel (x, y) of the source, written to the Y plane. */
OVNI_HD void colour_rgb_to_nv12_y(const colour_rgb_to_nv12 *p, int x, int y)
{
    const uint8_t *s = ovni_cpx(p->src, p->src_pitch, x, y, p->src_bpp);
    p->y[(size_t)y * p->y_pitch + (size_t)x] = colour_y_code(&p->k, s[0], s[1], s[2]);
}

/* The 2x2 block at chroma position (bx, by): four lumas (fewer at odd
 * right/bottom edges) and one chroma pair filtered at the siting given by
 * hc (COLOUR_LOC_HCENTRE) and vt (COLOUR_LOC_VTOP): constants at every call
 * site, so each siting compiles to its own fixed loops. Each tap row is
 * filtered along x (colour_down_sum), then the rows along y. */
OVNI_HD void colour_rgb_to_nv12_block(const colour_rgb_to_nv12 *p, int bx, int by, int hc, int vt)
{
    for (int dy = 0; dy < 2 && 2 * by + dy < p->height; dy++)
        for (int dx = 0; dx < 2 && 2 * bx + dx < p->width; dx++) colour_rgb_to_nv12_y(p, 2 * bx + dx, 2 * by + dy);
    int xs[5], ys[5], wx[5], wy[5], rows[3][5], s[3];
    const int nx = colour_down_taps(bx, hc, p->width, xs, wx);
    const int ny = colour_down_taps(by, !vt, p->height, ys, wy);
    for (int j = 0; j < ny; j++) {
        int v[3][5];
        for (int i = 0; i < nx; i++) {
            const uint8_t *q = ovni_cpx(p->src, p->src_pitch, xs[i], ys[j], p->src_bpp);
            v[0][i] = q[0], v[1][i] = q[1], v[2][i] = q[2];
        }
        for (int c = 0; c < 3; c++) rows[c][j] = colour_down_sum(v[c], wx, nx);
    }
    for (int c = 0; c < 3; c++) s[c] = colour_down_sum(rows[c], wy, ny);
    uint8_t *uv = p->uv + (size_t)by * p->uv_pitch + 2 * (size_t)bx;
    colour_c_codes_sum(&p->k, s, &uv[0], &uv[1]);
}

/* RGB24 <-> RGBA32 (alpha 255 when added, dropped when removed). */
OVNI_HD void colour_rgb_repack_px(const uint8_t *s, int sbpp, uint8_t *d, int dbpp)
{
    d[0] = s[0], d[1] = s[1], d[2] = s[2];
    if (dbpp == 4) d[3] = sbpp == 4 ? s[3] : 255;
}

#endif
