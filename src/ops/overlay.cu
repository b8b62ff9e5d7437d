// Overlay and blend kernel; the math is in overlay.h.
#include "overlay.h"

// One thread per OVERLAY_GPU_X consecutive pixels of a region row. Their taps
// lie in OVERLAY_GPU_X + 1 source columns of 2 rows, so each source pixel is
// loaded and converted once for the 2 outputs that use it (one pixel per
// thread loaded every tap twice, and the kernel was issue-bound). Each
// output adds its taps in overlay_px's order, so the sums are the same.
extern "C" __global__ void ovni_overlay_region(overlay_params p, int w, int h)
{
    const int rx = (blockIdx.x * blockDim.x + threadIdx.x) * OVERLAY_GPU_X, ry = blockIdx.y * blockDim.y + threadIdx.y;
    if (rx >= w || ry >= h) return;
    const int dx = p.x0 + rx, dy = p.y0 + ry, sx = dx + p.ox, sy = dy + p.oy;
    const float wx[2] = {1.0f - p.fx, p.fx}, wy[2] = {1.0f - p.fy, p.fy};
    float s[2][OVERLAY_GPU_X + 1][4];
    bool in[2][OVERLAY_GPU_X + 1];
#pragma unroll
    for (int j = 0; j < 2; j++)
#pragma unroll
        for (int i = 0; i <= OVERLAY_GPU_X; i++) {
            const int xx = sx + i, yy = sy + j;
            in[j][i] = wy[j] > 0.0f && yy >= 0 && yy < p.src_h && xx >= 0 && xx < p.src_w;
            if (in[j][i]) overlay_load(ovni_cpx(p.src, p.src_pitch, xx, yy, p.src_bpp), p.src_bpp, s[j][i]);
        }
#pragma unroll
    for (int o = 0; o < OVERLAY_GPU_X; o++) {
        if (rx + o >= w) break;
        float pc[3] = {0.0f, 0.0f, 0.0f}, a = 0.0f;
#pragma unroll
        for (int j = 0; j < 2; j++)
#pragma unroll
            for (int i = 0; i < 2; i++)
                if (in[j][o + i] && wx[i] > 0.0f) overlay_add_tap(&p, s[j][o + i], wy[j] * wx[i], pc, &a);
        overlay_finish(&p, dx + o, dy, pc, a);
    }
}
