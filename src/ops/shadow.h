/* Drop-shadow math, shared by shadow.c (CPU) and shadow.cu (CUDA): an
 * anti-aliased rounded rectangle (superellipse corners) as a GRAY8 mask of
 * level alpha * 255, which shadow.c then blurs and colours. */
#ifndef OVNI_OPS_SHADOW_H
#define OVNI_OPS_SHADOW_H

#include "rounded.h" /* rounded_corner_cov: the corner curve, written once */

typedef struct shadow_mask {
    uint8_t *dst;
    size_t pitch;
    int width, height;      /* the mask (shape + margins) */
    float cx, cy, hx, hy;   /* the shape's centre and half sizes, in pixels */
    float radius, exponent, inv_exponent; /* corner radius (<= min(hx, hy)), superellipse n, 1/n */
    float level;            /* alpha * 255 */
} shadow_mask;

/* Coverage of the pixel centred at (px, py) by the rounded rectangle. (qx,
 * qy) is the pixel's offset from the nearest corner's centre toward that
 * corner: where both are positive the corner's curve decides, with
 * round_corners' own coverage (rounded.h: the superellipse |u|^n + |v|^n = r^n,
 * signed distance from its gradient, a one-pixel ramp); elsewhere the
 * nearer straight side does, at its exact distance max(qx, qy) - r. Unlike
 * round_corners, whose straight edges are the frame's, a shadow's sides lie
 * inside the mask, so they get the same ramp. */
OVNI_HD float shadow_rrect_coverage(const shadow_mask *s, float px, float py)
{
    float qx = fabsf(px - s->cx) - (s->hx - s->radius);
    float qy = fabsf(py - s->cy) - (s->hy - s->radius);
    if (qx > 0.0f && qy > 0.0f && s->radius > 0.0f)
        return rounded_corner_cov(qx, qy, s->radius, s->exponent, s->inv_exponent);
    return ovni_clampf(0.5f - ((qx > qy ? qx : qy) - s->radius), 0.0f, 1.0f);
}

OVNI_HD void shadow_mask_px(const shadow_mask *s, int x, int y)
{
    float cov = shadow_rrect_coverage(s, (float)x + 0.5f, (float)y + 0.5f);
    s->dst[(size_t)y * s->pitch + (size_t)x] = ovni_u8(cov * s->level);
}

/* The blurred mask as the alpha of a one-colour RGBA pixel. */
OVNI_HD void shadow_colour_px(const uint8_t *a, uint8_t *d, uint8_t r, uint8_t g, uint8_t b)
{
    d[0] = r, d[1] = g, d[2] = b, d[3] = *a;
}

#endif
