// Drop-shadow kernels: the math is in shadow.h; shadow.c launches them and
// blurs the mask between the two with blur.cu's kernels.
#include "shadow.h"

extern "C" __global__ void ovni_shadow_mask(shadow_mask s) { ovni_px_kernel<shadow_mask_px>(s, s.width, s.height); }

extern "C" __global__ void ovni_shadow_colour(const uint8_t *mask, size_t mask_pitch, uint8_t *dst, size_t dst_pitch,
                                              int w, int h, uint8_t r, uint8_t g, uint8_t b)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    shadow_colour_px(ovni_cpx(mask, mask_pitch, x, y, 1), ovni_px(dst, dst_pitch, x, y, 4), r, g, b);
}
