// Axis-aligned resampling (resize, fractional crop, scale/translate, fit):
// the math is in resize.h.
#include "resize.h"

// Scale 1 on both axes (resize_subpx), with the format a constant so that
// sample.h's format tests compile away. RGBA32: 2 pixels per thread.
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

// RGBA32, 2 pixels of a row per thread: their taps share a column (6 word
// loads instead of 8) and they are stored as one 64-bit word.
__device__ __forceinline__ void resize_subpx2_rgba(const resize_map &m, const resize_subpx &s, int x, int y)
{
    uint8_t *d = ovni_px(m.dst, m.dst_pitch, x, y, 4);
    const uint8_t *r0 = ovni_cpx(m.src.data, m.src.pitch, x + s.ix, y + s.iy, 4), *r1 = r0 + m.src.pitch;
    if (x + 1 < m.dst_w && resize_subpx_inside(&m, &s, x, y) && resize_subpx_inside(&m, &s, x + 1, y) &&
        (((uintptr_t)d & 7) | ((uintptr_t)r0 & 3) | (m.src.pitch & 3)) == 0) {
        float col[2][3][4]; // row, column 0..2, channel
#pragma unroll
        for (int i = 0; i < 3; i++) {
            const uint32_t u0 = ((const uint32_t *)r0)[i], u1 = ((const uint32_t *)r1)[i];
#pragma unroll
            for (int c = 0; c < 4; c++) col[0][i][c] = (float)((u0 >> (8 * c)) & 255u), col[1][i][c] = (float)((u1 >> (8 * c)) & 255u);
        }
        uint8_t o[2][4];
#pragma unroll
        for (int k = 0; k < 2; k++) {
            float p[4][4];
#pragma unroll
            for (int c = 0; c < 4; c++)
                p[0][c] = col[0][k][c], p[1][c] = col[0][k + 1][c], p[2][c] = col[1][k][c], p[3][c] = col[1][k + 1][c];
            resize_map g = m;
            g.src.bpp = 4;
            resize_subpx_rgba(&g, &s, p, o[k]);
        }
        uint2 w;
        w.x = ovni_pack4(o[0]), w.y = ovni_pack4(o[1]);
        *(uint2 *)d = w;
        return;
    }
    resize_subpx_as<4>(m, s, x, y);
    if (x + 1 < m.dst_w) resize_subpx_as<4>(m, s, x + 1, y);
}

// 4 bytes of a row starting at byte p (any alignment) as one word: two
// aligned loads and a funnel shift.
__device__ __forceinline__ uint32_t resize_word_at(const uint8_t *p)
{
    const uint32_t *a = (const uint32_t *)((uintptr_t)p & ~(uintptr_t)3);
    return __funnelshift_r(a[0], a[1], 8 * (unsigned)((uintptr_t)p & 3));
}

// GRAY8, N (4 or 8) pixels of a row per thread: their taps are N + 1
// consecutive bytes of two source rows, read as words instead of 4N byte
// loads, and the outputs stored as N / 4 words. Where the N are not all
// inside, or the words would reach past the row, pixel by pixel.
template <int N>
__device__ __forceinline__ void resize_subpx_gray(const resize_map &m, const resize_subpx &s, int x, int y)
{
    constexpr int K = (N + 1 + 3) / 4; // words a row
    uint8_t *d = ovni_px(m.dst, m.dst_pitch, x, y, 1);
    const uint8_t *row0 = m.src.data + (size_t)(y + s.iy) * m.src.pitch, *r0 = row0 + x + s.ix;
    if (x + N - 1 < m.dst_w && resize_subpx_inside(&m, &s, x, y) && resize_subpx_inside(&m, &s, x + N - 1, y) &&
        ((uintptr_t)d & 3) == 0 && (((uintptr_t)m.src.data | m.src.pitch) & 3) == 0 &&
        ((uintptr_t)r0 & ~(uintptr_t)3) + 4 * (K + 1) <= (uintptr_t)row0 + (uintptr_t)m.src.width) {
        float v[2][N + 1];
#pragma unroll
        for (int j = 0; j < 2; j++) {
            const uint8_t *r = r0 + (size_t)j * m.src.pitch;
            uint32_t w[K];
#pragma unroll
            for (int k = 0; k < K; k++) w[k] = resize_word_at(r + 4 * k);
#pragma unroll
            for (int i = 0; i <= N; i++) v[j][i] = (float)((w[i / 4] >> (8 * (i % 4))) & 255u);
        }
        uint32_t out[N / 4] = {0};
#pragma unroll
        for (int o = 0; o < N; o++) {
            const uint8_t b = resize_subpx_value(&s, v[0][o], v[0][o + 1], v[1][o], v[1][o + 1]);
            out[o / 4] |= (uint32_t)b << (8 * (o % 4));
        }
#pragma unroll
        for (int k = 0; k < N / 4; k++) ((uint32_t *)d)[k] = out[k];
        return;
    }
#pragma unroll
    for (int o = 0; o < N; o += 4)
        if (x + o < m.dst_w) resize_subpx4<1>(m, s, x + o, y);
}

extern "C" __global__ void ovni_resize_subpx(resize_map m, resize_subpx s)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    x *= RESIZE_SUBPX_PX(m.src.bpp);
    if (x >= m.dst_w || y >= m.dst_h) return;
    if (m.src.bpp == 4) {
        resize_subpx2_rgba(m, s, x, y);
    } else if (m.src.bpp == 3) {
        resize_subpx4<3>(m, s, x, y);
    } else { // GRAY8
        resize_subpx_gray<RESIZE_GRAY_PX>(m, s, x, y);
    }
}

// Maps whose footprints may exceed RESIZE_WIDE_TAPS (strong shrinks, any
// format): a thread per output pixel and footprint row (grid x: pixels in
// raster order, y: rows, resize_wide_rows of them). Each adds its row's
// fixed-point sums to the pixel's slot in `acc` (zeroed before the launch);
// the last of the pixel's rows to arrive stores the pixel. One thread per
// pixel took the whole footprint alone: 7.8 ms for 1080p to 6x4 on the
// H200, 4x the 2-core CPU.
extern "C" __global__ void ovni_resize_wide_row(resize_map m, resize_wide_slots acc)
{
    const int i = blockIdx.x * blockDim.x + threadIdx.x, j = blockIdx.y * blockDim.y + threadIdx.y;
    if (i >= m.dst_w * m.dst_h) return;
    const int x = i % m.dst_w, y = i / m.dst_w;
    if (resize_px_outside(&m, x, y)) {
        if (j == 0) resize_px_sum(&m, x, y, 1); // the fill colour
        return;
    }
    const resize_span sx = resize_span_at(&m.ax[0], x, m.src.width), sy = resize_span_at(&m.ax[1], y, m.src.height);
    if (j >= sy.n) return;
    long long row[RESIZE_WIDE_SUMS];
    resize_wide_row(&m, &sx, &sy, j, row);
    unsigned long long *slot = resize_wide_slot(&acc, i);
    for (int k = 0; k < RESIZE_WIDE_SUMS; k++)
        if (row[k]) atomicAdd(slot + k, (unsigned long long)row[k]);
    __threadfence(); // the sums before the count
    if (atomicAdd((unsigned int *)(slot + RESIZE_WIDE_SUMS), 1u) != (unsigned)sy.n - 1) return;
    __threadfence();
    long long sum[RESIZE_WIDE_SUMS];
    for (int k = 0; k < RESIZE_WIDE_SUMS; k++) sum[k] = (long long)atomicAdd(slot + k, 0ull);
    resize_wide_store(&m, x, y, sum);
}

// One thread per pixel (RGB24, RGBA32).
extern "C" __global__ void ovni_resize_map(resize_map m) { ovni_px_kernel<resize_px>(m, m.dst_w, m.dst_h); }

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
    if (KX > 0) g.ax[0].area = KX == 3; // what resize_gray_taps read
    if (KY > 0) g.ax[1].area = KY == 3;
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
    else resize_gray<EDGE, RESIZE_TAPS_SPAN, RESIZE_TAPS_SPAN>(m, gx, y);
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
