// Deinterlacing kernel: one thread per sample of a plane; the math is in
// deinterlace.h.
#include "deinterlace.h"

extern "C" __global__ void ovni_deinterlace_kernel(deint_plane p)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= p.width || y >= p.height) return;
    deint_px(&p, x, y);
}
