// Vignette kernel: the math is in vignette.h.
#include "vignette.h"

// Four pixels per thread: where the 4 pixels' bytes (12 for RGB24, 16 for
// RGBA32) are word-aligned they move as 32-bit words instead of byte
// accesses at a 3- or 4-byte stride, which coalesce poorly. Each colour byte
// gets vignette_px's ovni_u8(byte * factor); alpha and pixels whose factor is
// 1 are written back unchanged (vignette_px skips them; the bytes are equal).
// Unaligned rows and a row's last 1..3 pixels take vignette_px itself.
template <int BPP>
__device__ static inline void ovni_vignette4(const vignette_params &v, int x0, int y)
{
    uint8_t *d = ovni_px(v.data, v.pitch, x0, y, BPP);
    if (v.width - x0 < 4 || ((uintptr_t)d & 3) != 0) {
        for (int x = x0; x < v.width && x < x0 + 4; x++) vignette_px(&v, x, y);
        return;
    }
    float f[4];
    bool any = false;
#pragma unroll
    for (int i = 0; i < 4; i++) f[i] = vignette_factor(&v, x0 + i, y), any |= f[i] != 1.0f;
    if (!any) return; // the common case at small radii: nothing to load or store
    uint32_t *w = (uint32_t *)d;
#pragma unroll
    for (int k = 0; k < BPP; k++) {
        uint32_t in = w[k], out = 0;
#pragma unroll
        for (int b = 0; b < 4; b++) {
            int q = 4 * k + b, c = q % BPP; // byte q is channel c of pixel q / BPP
            uint32_t byte = (in >> (8 * b)) & 255u;
            if (c < 3) byte = ovni_u8((float)byte * f[q / BPP]);
            out |= byte << (8 * b);
        }
        w[k] = out;
    }
}

extern "C" __global__ void ovni_vignette_apply(vignette_params v)
{
    int x0 = (blockIdx.x * blockDim.x + threadIdx.x) * 4, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x0 >= v.width || y >= v.height) return;
    if (v.bpp == 4) ovni_vignette4<4>(v, x0, y);
    else ovni_vignette4<3>(v, x0, y);
}
