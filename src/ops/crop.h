/* Crop's fast path, also taken by translate: when the map from output to
 * source is a whole-pixel shift, each output pixel is one source pixel (or
 * the border / fill colour), a plain copy that runs at memory speed. The
 * general case (a fractional box) goes through resize.h's resampler. */
#ifndef OVNI_OPS_CROP_H
#define OVNI_OPS_CROP_H

#include "op_common.h"

typedef struct crop_shift {
    const uint8_t *src;
    size_t src_pitch;
    int src_w, src_h, bpp;
    uint8_t *dst;
    size_t dst_pitch;
    int dst_w, dst_h;
    int dx, dy;      /* output (x, y) reads source (x + dx, y + dy) */
    int clamp;       /* 1: outside repeats the border; 0: outside is fill */
    uint32_t fill;   /* byte k = channel k (a value, not an array: no local copy on the GPU) */
} crop_shift;

OVNI_HD void crop_shift_px(const crop_shift *p, int x, int y)
{
    uint8_t *d = ovni_px(p->dst, p->dst_pitch, x, y, p->bpp);
    int sx = x + p->dx, sy = y + p->dy;
    int inside = sx >= 0 && sx < p->src_w && sy >= 0 && sy < p->src_h;
    if (!inside && !p->clamp) {
        for (int k = 0; k < p->bpp; k++) d[k] = (uint8_t)(p->fill >> (8 * k));
        return;
    }
    const uint8_t *s = ovni_cpx(p->src, p->src_pitch, ovni_clampi(sx, 0, p->src_w - 1),
                                ovni_clampi(sy, 0, p->src_h - 1), p->bpp);
    for (int k = 0; k < p->bpp; k++) d[k] = s[k];
}

#endif
