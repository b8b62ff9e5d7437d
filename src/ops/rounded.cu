// Rounded corners and masks: one thread per pixel; the math is in rounded.h.
#include "rounded.h"

extern "C" __global__ void ovni_rounded_kernel(rounded_params p)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= p.width || y >= p.height) return;
    rounded_px(&p, x, y);
}
