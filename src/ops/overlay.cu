// Overlay and blend kernels: one thread per pixel of the clipped region; the
// math is in overlay.h.
#include "overlay.h"

// Any formats, any alignment: the parameters' own bpp and use_alpha.
extern "C" __global__ void ovni_overlay_region(overlay_params p, int w, int h)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    overlay_px(&p, x, y);
}

// Specialised: source bpp, destination bpp and use_alpha fixed, both planes
// 4-byte aligned (overlay.c checks), so a 4-byte pixel is one 32-bit access
// and no format or alignment test is left in the code.
#define OVERLAY_KERNEL(sb, db, ua)                                                                   \
    extern "C" __global__ void ovni_overlay_region_##sb##_##db##_##ua(overlay_params p, int w, int h) \
    {                                                                                                \
        int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;    \
        if (x >= w || y >= h) return;                                                                \
        overlay_px_as(&p, x, y, sb, db, ua, 1);                                                      \
    }

OVERLAY_KERNEL(3, 3, 0)
OVERLAY_KERNEL(3, 4, 0)
OVERLAY_KERNEL(4, 3, 0)
OVERLAY_KERNEL(4, 4, 0)
OVERLAY_KERNEL(4, 3, 1)
OVERLAY_KERNEL(4, 4, 1)
