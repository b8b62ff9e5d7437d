/* Perspective warp math, shared by warp.c and warp.cu: each destination
 * pixel in the quadrilateral's bounding box maps through the inverse
 * homography (computed on the host in double) to a source position,
 * sampled bilinearly, with coverage from the distance to the source's
 * border measured in destination pixels (via the map's local Jacobian), so
 * the quad's edges are anti-aliased at any scale. The sample is composited
 * "over" the destination pixel, in place. */
#ifndef OVNI_OPS_WARP_H
#define OVNI_OPS_WARP_H

#include "sample.h"

typedef struct warp_map {
    sample_src src;
    uint8_t *dst;
    size_t dst_pitch;
    int dst_bpp;
    int x0, y0, w, h; /* the box of destination pixels the kernel visits */
    /* [X Y Z] = h * [x y 1] for destination pixel (x, y) (integers); the
     * source position (centre convention) is (X / Z, Y / Z). */
    float hm[9];
    float opacity;
} warp_map;

OVNI_HD float warp_abs(float v) { return v < 0.0f ? -v : v; }

OVNI_HD void warp_px(const warp_map *m, int gx, int gy)
{
    int x = m->x0 + gx, y = m->y0 + gy;
    float fx = (float)x, fy = (float)y;
    const float *h = m->hm;
    float X = SAMPLE_MUL(h[0], fx) + SAMPLE_MUL(h[1], fy) + h[2];
    float Y = SAMPLE_MUL(h[3], fx) + SAMPLE_MUL(h[4], fy) + h[5];
    float Z = SAMPLE_MUL(h[6], fx) + SAMPLE_MUL(h[7], fy) + h[8];
    if (!(Z > 1e-12f)) return; /* beyond the horizon of the plane */
    float iz = 1.0f / Z;
    float u = SAMPLE_MUL(X, iz), v = SAMPLE_MUL(Y, iz);
    /* Extent of the destination pixel along each source axis: the rows of
     * the Jacobian d(u, v)/d(x, y), summed in absolute value. */
    float fwu = SAMPLE_MUL(warp_abs(h[0] - SAMPLE_MUL(u, h[6])) + warp_abs(h[1] - SAMPLE_MUL(u, h[7])), iz);
    float fwv = SAMPLE_MUL(warp_abs(h[3] - SAMPLE_MUL(v, h[6])) + warp_abs(h[4] - SAMPLE_MUL(v, h[7])), iz);
    fwu = fwu > 1e-6f ? fwu : 1e-6f;
    fwv = fwv > 1e-6f ? fwv : 1e-6f;
    sample_px s = sample_at(&m->src, u, v, SAMPLE_EDGE_ZERO, 1.0f / fwu, 1.0f / fwv);
    s.a = SAMPLE_MUL(s.a, m->opacity);
    if (!(s.a > 0.0f)) return;
    uint8_t *d = ovni_px(m->dst, m->dst_pitch, x, y, m->dst_bpp);
    float bg[4];
    sample_load_bg(d, m->dst_bpp, bg);
    sample_store_over(d, m->dst_bpp, s, bg);
}

#endif
