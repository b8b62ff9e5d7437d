/* Flip math, shared by flip.c and flip.cu: output pixel (x, y) is source
 * pixel (w-1-x or x, h-1-y or y); a plain permutation, no resampling. */
#ifndef OVNI_OPS_FLIP_H
#define OVNI_OPS_FLIP_H

#include "op_common.h"

typedef struct flip_map {
    const uint8_t *src;
    size_t src_pitch;
    uint8_t *dst;
    size_t dst_pitch;
    int w, h, bpp, horizontal, vertical;
} flip_map;

OVNI_HD void flip_px(const flip_map *f, int x, int y)
{
    int sx = f->horizontal ? f->w - 1 - x : x, sy = f->vertical ? f->h - 1 - y : y;
    const uint8_t *s = ovni_cpx(f->src, f->src_pitch, sx, sy, f->bpp);
    uint8_t *d = ovni_px(f->dst, f->dst_pitch, x, y, f->bpp);
    for (int k = 0; k < f->bpp; k++) d[k] = s[k];
}

#endif
