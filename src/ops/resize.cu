// Axis-aligned resampling (resize, fractional crop, scale/translate, fit):
// the math is in resize.h.
#include "resize.h"

// Scale 1 on both axes (resize_subpx), with the format a constant so that
// sample.h's format tests compile away. RGBA32: one thread per pixel.
// RGB24: 4 pixels of a row per thread (GRAY8: 8), stored as 32-bit words
// when all four are inside and the address is aligned (bytes a pixel would
// leave the load/store units busier than the arithmetic).
template <int BPP>
__device__ __forceinline__ void resize_subpx_as(const resize_map &m, const resize_subpx &s, int x, int y)
{
    resize_map g = m;
    g.src.bpp = BPP;
    resize_subpx_px(&g, &s, x, y);
}

template <int BPP>
__device__ __forceinline__ void resize_subpx4(const resize_map &m, const resize_subpx &s, int x, int y)
{
    uint8_t *d = ovni_px(m.dst, m.dst_pitch, x, y, BPP);
    if (x + 3 < m.dst_w && resize_subpx_inside(&m, &s, x, y) && resize_subpx_inside(&m, &s, x + 3, y) &&
        ((uintptr_t)d & 3) == 0) {
        const uint8_t *r0 = ovni_cpx(m.src.data, m.src.pitch, x + s.ix, y + s.iy, BPP), *r1 = r0 + m.src.pitch;
        uint8_t px[4][4];
#pragma unroll
        for (int o = 0; o < 4; o++) {
            const uint8_t *t[4] = {r0 + o * BPP, r0 + (o + 1) * BPP, r1 + o * BPP, r1 + (o + 1) * BPP};
            resize_subpx_mix(&s, t, BPP, px[o]);
        }
        ovni_store_px4_words<BPP>((uint32_t *)d, px);
        return;
    }
#pragma unroll
    for (int o = 0; o < 4; o++)
        if (x + o < m.dst_w) resize_subpx_as<BPP>(m, s, x + o, y);
}

extern "C" __global__ void ovni_resize_subpx(resize_map m, resize_subpx s)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    x *= m.src.bpp == 4 ? 1 : m.src.bpp == 3 ? 4 : 8;
    if (x >= m.dst_w || y >= m.dst_h) return;
    if (m.src.bpp == 4) {
        resize_subpx_as<4>(m, s, x, y);
    } else if (m.src.bpp == 3) {
        resize_subpx4<3>(m, s, x, y);
    } else { // GRAY8: 8 pixels, two words
        resize_subpx4<1>(m, s, x, y);
        if (x + 4 < m.dst_w) resize_subpx4<1>(m, s, x + 4, y);
    }
}

// One thread per pixel (RGB24, RGBA32).
extern "C" __global__ void ovni_resize_map(resize_map m)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= m.dst_w || y >= m.dst_h) return;
    resize_px(&m, x, y);
}

// GRAY8 with the edge mode and each axis's tap bound (resize_gray_taps) as
// constants: a copy of the map whose bpp, edge and filters the compiler can
// see, so sample.h's format tests and the edge and filter tests compile
// away, and the tap loops of the common kinds (bilinear, area at scale
// <= 2) are fixed-length and unrolled.
template <int EDGE, int KX, int KY>
__device__ __forceinline__ void resize_gray(const resize_map &m, int gx, int y)
{
    resize_map g = m;
    g.src.bpp = 1, g.edge = EDGE;
    if (KX) g.ax[0].area = KX == 3; // what resize_gray_taps read
    if (KY) g.ax[1].area = KY == 3;
    resize_gray_px4(&g, gx, y, KX, KY);
}

// The kinds that crops, zooms and mild shrinks use (a bound of 2 or 3 taps
// on both axes) each get a copy; the rest (shrinks past 2x) share one with
// run-time loops.
template <int EDGE>
__device__ __forceinline__ void resize_gray_edge(const resize_map &m, int gx, int y)
{
    int kx = resize_gray_taps(&m.ax[0]), ky = resize_gray_taps(&m.ax[1]);
    if (kx == 2 && ky == 2) resize_gray<EDGE, 2, 2>(m, gx, y);
    else if (kx == 2 && ky == 3) resize_gray<EDGE, 2, 3>(m, gx, y);
    else if (kx == 3 && ky == 2) resize_gray<EDGE, 3, 2>(m, gx, y);
    else if (kx == 3 && ky == 3) resize_gray<EDGE, 3, 3>(m, gx, y);
    else resize_gray<EDGE, 0, 0>(m, gx, y);
}

// GRAY8, 4 pixels of a row a thread: a grid of (width + 3) / 4 x height
// threads. One copy of the walk per (edge, kx, ky); the branch to it is
// uniform.
extern "C" __global__ void ovni_resize_gray4(resize_map m)
{
    int gx = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (m.edge == SAMPLE_EDGE_ZERO) resize_gray_edge<SAMPLE_EDGE_ZERO>(m, gx, y);
    else resize_gray_edge<SAMPLE_EDGE_CLAMP>(m, gx, y);
}
