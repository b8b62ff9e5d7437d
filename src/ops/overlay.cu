// Overlay and blend kernel; the math is in overlay.h.
#include "overlay.h"

// One thread per column of OVERLAY_GPU_Y region rows. Their taps lie in
// OVERLAY_GPU_Y + 1 rows of 2 source columns, so each source pixel is
// loaded and converted once for the 2 outputs that use it (one pixel per
// thread loaded every tap twice, and the kernel was issue-bound), while a
// warp still reads and writes 32 neighbouring pixels of each row. Each
// output adds its taps in overlay_px's order, so the sums are the same.
extern "C" __global__ void ovni_overlay_region(overlay_params p, int w, int h)
{
    const int rx = blockIdx.x * blockDim.x + threadIdx.x, ry = (blockIdx.y * blockDim.y + threadIdx.y) * OVERLAY_GPU_Y;
    if (rx >= w || ry >= h) return;
    const int dx = p.x0 + rx, dy = p.y0 + ry, sx = dx + p.ox, sy = dy + p.oy;
    const float wx[2] = {1.0f - p.fx, p.fx}, wy[2] = {1.0f - p.fy, p.fy};
    float s[OVERLAY_GPU_Y + 1][2][4];
    bool in[OVERLAY_GPU_Y + 1][2];
#pragma unroll
    for (int j = 0; j <= OVERLAY_GPU_Y; j++)
#pragma unroll
        for (int i = 0; i < 2; i++) {
            const int xx = sx + i, yy = sy + j;
            in[j][i] = wx[i] > 0.0f && xx >= 0 && xx < p.src_w && yy >= 0 && yy < p.src_h;
            if (in[j][i] && (j < OVERLAY_GPU_Y || wy[1] > 0.0f))
                overlay_load(ovni_cpx(p.src, p.src_pitch, xx, yy, p.src_bpp), p.src_bpp, s[j][i]);
        }
#pragma unroll
    for (int o = 0; o < OVERLAY_GPU_Y; o++) {
        if (ry + o >= h) break;
        float pc[3] = {0.0f, 0.0f, 0.0f}, a = 0.0f;
#pragma unroll
        for (int j = 0; j < 2; j++)
#pragma unroll
            for (int i = 0; i < 2; i++)
                if (wy[j] > 0.0f && in[o + j][i]) overlay_add_tap(&p, s[o + j][i], wy[j] * wx[i], pc, &a);
        overlay_finish(&p, dx, dy + o, pc, a);
    }
}
