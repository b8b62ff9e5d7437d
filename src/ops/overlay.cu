// Overlay and blend kernel: one thread per pixel of the clipped region; the
// math is in overlay.h.
#include "overlay.h"

extern "C" __global__ void ovni_overlay_region(overlay_params p, int w, int h)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    overlay_px(&p, x, y);
}
