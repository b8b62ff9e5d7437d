/* Drop-shadow math, shared by shadow.c (CPU) and shadow.cu (CUDA): an
 * anti-aliased rounded rectangle (superellipse corners) as a GRAY8 mask of
 * level alpha * 255, which shadow.c then blurs and colours. */
#ifndef OVNI_OPS_SHADOW_H
#define OVNI_OPS_SHADOW_H

#include "op_common.h"

typedef struct shadow_mask {
    uint8_t *dst;
    size_t pitch;
    int width, height;      /* the mask (shape + margins) */
    float cx, cy, hx, hy;   /* the shape's centre and half sizes, in pixels */
    float radius, exponent; /* corner radius (<= min(hx, hy)) and superellipse exponent */
    float level;            /* alpha * 255 */
} shadow_mask;

/* Coverage of the pixel centred at (px, py) by the rounded rectangle: in each
 * corner the edge is |u|^n + |v|^n = 1 (u, v in corner radii, n = exponent;
 * 2 is a circle). d approximates the signed distance to the edge (exact on
 * the straight sides and for n = 2), and 0.5 - d ramps over one pixel. The
 * superellipse norm is taken as m (1 + (s/m)^n)^(1/n), m = max, s = min, so
 * large n or far-out pixels cannot overflow. Own name: round_corners keeps
 * its own helper in rounded.h. */
OVNI_HD float shadow_rrect_coverage(const shadow_mask *s, float px, float py)
{
    float qx = fabsf(px - s->cx) - (s->hx - s->radius);
    float qy = fabsf(py - s->cy) - (s->hy - s->radius);
    float d;
    if (qx > 0.0f && qy > 0.0f && s->radius > 0.0f) {
        float a = qx / s->radius, b = qy / s->radius;
        float m = a > b ? a : b, t = a > b ? b : a;
        float norm = m * powf(1.0f + powf(t / m, s->exponent), 1.0f / s->exponent);
        d = s->radius * (norm - 1.0f);
    } else {
        d = (qx > qy ? qx : qy) - s->radius;
    }
    return ovni_clampf(0.5f - d, 0.0f, 1.0f);
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
