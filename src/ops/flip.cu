// Flip kernel: the math is in flip.h.
#include "flip.h"

extern "C" __global__ void ovni_flip(flip_map f)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= f.w || y >= f.h) return;
    flip_px(&f, x, y);
}
