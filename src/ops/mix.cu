// Crossfade and colour adjustment kernels: one thread per pixel; the math is
// in mix.h.
#include "mix.h"

extern "C" __global__ void ovni_mix_crossfade_kernel(mix_crossfade_params p)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= p.width || y >= p.height) return;
    mix_crossfade_px(&p, x, y);
}

extern "C" __global__ void ovni_mix_adjust_kernel(mix_adjust_params p)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= p.width || y >= p.height) return;
    mix_adjust_px(&p, x, y);
}
