/* Fill and fade math, shared by fill.c and fill.cu.
 * fill_rect paints a colour "over" the frame (overlay.h's straight-alpha
 * over) with the colour's alpha times each pixel's coverage by the
 * rectangle: the product of its overlaps with [left, right) and
 * [top, bottom), so fractional edges are smooth and an integer box covers
 * exactly its pixels. fade: c + (k - c) t on R, G and B; alpha is kept.
 * flatten: an RGBA32 picture composited over an opaque colour into RGB24, in
 * integers (the same bytes on every backend). */
#ifndef OVNI_OPS_FILL_H
#define OVNI_OPS_FILL_H

#include "overlay.h"

typedef struct fill_params {
    uint8_t *dst;
    size_t pitch;
    int bpp;
    int x0, y0;                      /* origin of the clipped region launched over */
    float left, top, right, bottom;  /* the rectangle in pixels */
    float colour[3];                 /* 0..255 */
    float alpha;                     /* 0..1 */
} fill_params;

OVNI_HD void fill_rect_px(const fill_params *p, int rx, int ry)
{
    int x = p->x0 + rx, y = p->y0 + ry;
    float fx = (float)x, fy = (float)y;
    float cx = ((fx + 1.0f < p->right) ? fx + 1.0f : p->right) - (fx > p->left ? fx : p->left);
    float cy = ((fy + 1.0f < p->bottom) ? fy + 1.0f : p->bottom) - (fy > p->top ? fy : p->top);
    float a = p->alpha * (cx * cy);
    float pc[3] = {p->colour[0] * a, p->colour[1] * a, p->colour[2] * a};
    overlay_over_px(ovni_px(p->dst, p->pitch, x, y, p->bpp), p->bpp, pc, a);
}

typedef struct fade_params {
    uint8_t *dst;
    size_t pitch;
    int bpp, width, height;
    float colour[3];
    float t;
} fade_params;

OVNI_HD void fade_px(const fade_params *p, int x, int y)
{
    uint8_t *d = ovni_px(p->dst, p->pitch, x, y, p->bpp);
    for (int c = 0; c < 3; c++) {
        float v = (float)d[c];
        d[c] = ovni_u8(v + (p->colour[c] - v) * p->t);
    }
}

typedef struct flatten_params {
    const uint8_t *src;              /* RGBA32 */
    size_t src_pitch;
    int src_w, src_h;
    uint8_t *dst;                    /* RGB24 */
    size_t dst_pitch;
    int dst_w, dst_h;
    unsigned colour[3];              /* the background, 0..255 */
} flatten_params;

/* c = (c_s a + k (255 - a) + 127) / 255, rounded half up: "over" an opaque
 * background with a in 0..255. Output pixels past the source's last column
 * or row take that column or row (padding repeats the edge). */
OVNI_HD void flatten_px(const flatten_params *p, int x, int y)
{
    const uint8_t *s = ovni_cpx(p->src, p->src_pitch, x < p->src_w ? x : p->src_w - 1,
                                y < p->src_h ? y : p->src_h - 1, 4);
    uint8_t *d = ovni_px(p->dst, p->dst_pitch, x, y, 3);
    unsigned a = s[3];
    for (int c = 0; c < 3; c++) d[c] = (uint8_t)((s[c] * a + p->colour[c] * (255u - a) + 127u) / 255u);
}

#endif
