// Perspective warp kernel: the math is in warp.h.
#include "warp.h"

extern "C" __global__ void ovni_warp(warp_map m)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= m.w || y >= m.h) return;
    warp_px(&m, x, y);
}
