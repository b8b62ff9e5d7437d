// Colour conversion kernels: the per-pixel math is in colour.h.
#include "colour.h"

extern "C" __global__ void ovni_colour_yuv_to_rgb(colour_yuv s, uint8_t *dst, size_t dst_pitch, int bpp)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= s.width || y >= s.height) return;
    colour_yuv_to_rgb_px(&s, x, y, ovni_px(dst, dst_pitch, x, y, bpp), bpp);
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
