// Overlay and blend kernels: one thread per pixel of the clipped region; the
// math is in overlay.h.
#include "overlay.h"

// Any formats, any alignment: the parameters' own bpp and use_alpha.
extern "C" __global__ void ovni_overlay_region(overlay_params p, int w, int h) { ovni_px_kernel<overlay_px>(p, w, h); }

// Specialised: source bpp SB, destination bpp DB and use_alpha UA fixed,
// both planes 4-byte aligned (overlay.c checks), so a 4-byte pixel is one
// 32-bit access and no format or alignment test is left in the code.
template <int SB, int DB, int UA>
__device__ static inline void ovni_overlay_region_as(const overlay_params &p, int w, int h)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    overlay_px_as(&p, x, y, SB, DB, UA, 1);
}

extern "C" __global__ void ovni_overlay_region_3_3_0(overlay_params p, int w, int h) { ovni_overlay_region_as<3, 3, 0>(p, w, h); }
extern "C" __global__ void ovni_overlay_region_3_4_0(overlay_params p, int w, int h) { ovni_overlay_region_as<3, 4, 0>(p, w, h); }
extern "C" __global__ void ovni_overlay_region_4_3_0(overlay_params p, int w, int h) { ovni_overlay_region_as<4, 3, 0>(p, w, h); }
extern "C" __global__ void ovni_overlay_region_4_4_0(overlay_params p, int w, int h) { ovni_overlay_region_as<4, 4, 0>(p, w, h); }
extern "C" __global__ void ovni_overlay_region_4_3_1(overlay_params p, int w, int h) { ovni_overlay_region_as<4, 3, 1>(p, w, h); }
extern "C" __global__ void ovni_overlay_region_4_4_1(overlay_params p, int w, int h) { ovni_overlay_region_as<4, 4, 1>(p, w, h); }
