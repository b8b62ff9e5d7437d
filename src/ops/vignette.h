/* Vignette math, shared by vignette.c (CPU) and vignette.cu (CUDA).
 *
 * For the pixel centred at p, d = |p - centre| / (half the frame's
 * diagonal), so d = 0 at the centre and 1 at the corners;
 *   t = clamp((d - radius) / softness, 0, 1),  s = t^2 (3 - 2t),
 *   factor = 1 - strength * s,
 * and R, G, B are multiplied by factor (alpha is kept). softness 0 is a hard
 * edge at d = radius. Inside the radius factor is exactly 1, so those pixels
 * are unchanged bit for bit. */
#ifndef OVNI_OPS_VIGNETTE_H
#define OVNI_OPS_VIGNETTE_H

#include "op_common.h"

typedef struct vignette_params {
    uint8_t *data;
    size_t pitch;
    int width, height, bpp;
    float cx, cy, inv_half_diag;
    float strength, radius, inv_softness; /* inv_softness 0: hard edge */
} vignette_params;

OVNI_HD float vignette_factor(const vignette_params *v, int x, int y)
{
    float dx = ((float)x + 0.5f - v->cx) * v->inv_half_diag;
    float dy = ((float)y + 0.5f - v->cy) * v->inv_half_diag;
    float d = sqrtf(dx * dx + dy * dy);
    if (d <= v->radius) return 1.0f;
    float s = 1.0f;
    if (v->inv_softness > 0.0f) {
        float t = ovni_clampf((d - v->radius) * v->inv_softness, 0.0f, 1.0f);
        s = t * t * (3.0f - 2.0f * t);
    }
    return 1.0f - v->strength * s;
}

OVNI_HD void vignette_px(const vignette_params *v, int x, int y)
{
    float f = vignette_factor(v, x, y);
    if (f == 1.0f) return;
    uint8_t *p = ovni_px(v->data, v->pitch, x, y, v->bpp);
    p[0] = ovni_u8((float)p[0] * f);
    p[1] = ovni_u8((float)p[1] * f);
    p[2] = ovni_u8((float)p[2] * f);
}

#endif
