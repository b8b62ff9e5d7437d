/* Rotation math, shared by rotate.c and rotate.cu: each output pixel centre
 * maps back through the inverse rotation to a source position, sampled
 * bilinearly; the border is anti-aliased by coverage (sample.h, ZERO edge)
 * and composited over the fill colour. */
#ifndef OVNI_OPS_ROTATE_H
#define OVNI_OPS_ROTATE_H

#include "sample.h"

typedef struct rotate_map {
    sample_src src;
    uint8_t *dst;
    size_t dst_pitch;
    int dst_w, dst_h;
    /* Source position (centre convention) of output pixel (x, y):
     * X = m[0] x + m[1] y + t[0], Y = m[2] x + m[3] y + t[1]. */
    float m[4], t[2];
    float inv_fw;  /* 1 / (|cos| + |sin|): a pixel's extent along a source axis */
    float fill[4]; /* background: straight colour, alpha 0..1 */
} rotate_map;

OVNI_HD void rotate_px(const rotate_map *r, int x, int y)
{
    float fx = (float)x, fy = (float)y;
    float X = SAMPLE_MUL(r->m[0], fx) + SAMPLE_MUL(r->m[1], fy) + r->t[0];
    float Y = SAMPLE_MUL(r->m[2], fx) + SAMPLE_MUL(r->m[3], fy) + r->t[1];
    sample_px v = sample_at(&r->src, X, Y, SAMPLE_EDGE_ZERO, r->inv_fw, r->inv_fw);
    sample_store_over(ovni_px(r->dst, r->dst_pitch, x, y, r->src.bpp), r->src.bpp, v, r->fill);
}

#endif
