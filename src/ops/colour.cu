// Colour conversion kernels: the per-pixel math is in colour.h.
#include "colour.h"

// Four pixels per thread: the math per pixel is colour.h's; the output is
// stored as 32-bit words (3 for RGB24, 4 for RGBA32) where aligned, since
// byte stores at a 3-byte stride coalesce poorly.
extern "C" __global__ void ovni_colour_yuv_to_rgb(colour_yuv s, uint8_t *dst, size_t dst_pitch, int bpp)
{
    int x0 = (blockIdx.x * blockDim.x + threadIdx.x) * 4, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x0 >= s.width || y >= s.height) return;
    int n = s.width - x0 < 4 ? s.width - x0 : 4;
    uint32_t words[4];
    uint8_t *px = (uint8_t *)words;
    for (int i = 0; i < n; i++) colour_yuv_to_rgb_px(&s, x0 + i, y, px + i * bpp, bpp);
    uint8_t *d = ovni_px(dst, dst_pitch, x0, y, bpp);
    if (n == 4 && ((uintptr_t)d & 3) == 0) {
        for (int i = 0; i < bpp; i++) ((uint32_t *)d)[i] = words[i];
    } else {
        for (int i = 0; i < n * bpp; i++) d[i] = px[i];
    }
}

extern "C" __global__ void ovni_colour_rgb_to_nv12(colour_rgb_to_nv12 p)
{
    int bx = blockIdx.x * blockDim.x + threadIdx.x, by = blockIdx.y * blockDim.y + threadIdx.y;
    if (bx >= (p.width + 1) / 2 || by >= (p.height + 1) / 2) return;
    colour_rgb_to_nv12_block(&p, bx, by);
}

extern "C" __global__ void ovni_colour_rgb_repack(const uint8_t *src, size_t src_pitch, int sbpp,
                                                  uint8_t *dst, size_t dst_pitch, int dbpp, int w, int h)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    colour_rgb_repack_px(ovni_cpx(src, src_pitch, x, y, sbpp), sbpp, ovni_px(dst, dst_pitch, x, y, dbpp), dbpp);
}
