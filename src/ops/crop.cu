// Crop's whole-pixel fast path (also translate's); the math is in crop.h.
#include "crop.h"

extern "C" __global__ void ovni_crop_shift(crop_shift p)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= p.dst_w || y >= p.dst_h) return;
    crop_shift_px(&p, x, y);
}
