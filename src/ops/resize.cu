// Axis-aligned resampling (resize, fractional crop, scale/translate, fit):
// the math is in resize.h.
#include "resize.h"

extern "C" __global__ void ovni_resize_map(resize_map m)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= m.dst_w || y >= m.dst_h) return;
    resize_px(&m, x, y);
}
