// Rotation kernel: the math is in rotate.h.
#include "rotate.h"

extern "C" __global__ void ovni_rotate(rotate_map r)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= r.dst_w || y >= r.dst_h) return;
    rotate_px(&r, x, y);
}
