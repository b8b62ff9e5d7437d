// Chroma key kernel: one thread per pixel; the math is in chromakey.h.
#include "chromakey.h"

extern "C" __global__ void ovni_chromakey_kernel(chromakey_params p)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= p.width || y >= p.height) return;
    chromakey_px(&p, x, y);
}
