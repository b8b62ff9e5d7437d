/* Flip and orientation math, shared by flip.c and flip.cu: every output
 * pixel is one source pixel (a plain permutation, no resampling). Output
 * pixel (x, y) reads source pixel (u, v) = transpose ? (y, x) : (x, y),
 * mirrored to (sw-1-u) and/or (sh-1-v); the eight combinations are the
 * eight EXIF orientations (ovni_orient), the four without transpose are
 * ovni_flip. */
#ifndef OVNI_OPS_FLIP_H
#define OVNI_OPS_FLIP_H

#include "op_common.h"

typedef struct flip_map {
    const uint8_t *src;
    size_t src_pitch;
    uint8_t *dst;
    size_t dst_pitch;
    int w, h;               /* output size; the source is h x w when transposed */
    int bpp, horizontal, vertical, transpose;
} flip_map;

/* The source pixel of output pixel (x, y). */
OVNI_HD void flip_source(const flip_map *f, int x, int y, int *sx, int *sy)
{
    int u = f->transpose ? y : x, v = f->transpose ? x : y;
    int sw = f->transpose ? f->h : f->w, sh = f->transpose ? f->w : f->h;
    *sx = f->horizontal ? sw - 1 - u : u;
    *sy = f->vertical ? sh - 1 - v : v;
}

OVNI_HD void flip_px(const flip_map *f, int x, int y)
{
    int sx, sy;
    flip_source(f, x, y, &sx, &sy);
    const uint8_t *s = ovni_cpx(f->src, f->src_pitch, sx, sy, f->bpp);
    uint8_t *d = ovni_px(f->dst, f->dst_pitch, x, y, f->bpp);
    for (int k = 0; k < f->bpp; k++) d[k] = s[k];
}

/* EXIF orientation 1..8 as (transpose, horizontal, vertical) of the map
 * above: 1 identity, 2 mirror, 3 turn 180, 4 flip, 5 transpose, 6 turn 90
 * clockwise, 7 transverse, 8 turn 90 counter-clockwise. 0 for 1..8, -1 else. */
OVNI_HD int flip_orientation(int orientation, int *transpose, int *horizontal, int *vertical)
{
    /* t<<2 | h<<1 | v for 1..8: 0, 2, 3, 1, 4, 5, 7, 6, three bits each */
    const uint32_t table = 0u << 3 | 2u << 6 | 3u << 9 | 1u << 12 | 4u << 15 | 5u << 18 | 7u << 21 | 6u << 24;
    if (orientation < 1 || orientation > 8) return -1;
    uint32_t b = table >> (3 * orientation) & 7u;
    *transpose = (int)(b >> 2 & 1u);
    *horizontal = (int)(b >> 1 & 1u);
    *vertical = (int)(b & 1u);
    return 0;
}

#endif
