// Vignette kernel: the math is in vignette.h.
#include "vignette.h"

extern "C" __global__ void ovni_vignette_apply(vignette_params v)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= v.width || y >= v.height) return;
    vignette_px(&v, x, y);
}
