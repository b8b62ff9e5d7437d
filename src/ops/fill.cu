// Fill, fade and flatten kernels: one thread per pixel; the math is in fill.h.
#include "fill.h"

extern "C" __global__ void ovni_fill_rect_kernel(fill_params p, int w, int h)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    fill_rect_px(&p, x, y);
}

extern "C" __global__ void ovni_fill_fade_kernel(fade_params p)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= p.width || y >= p.height) return;
    fade_px(&p, x, y);
}

extern "C" __global__ void ovni_fill_flatten_kernel(flatten_params p)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= p.dst_w || y >= p.dst_h) return;
    flatten_px(&p, x, y);
}
