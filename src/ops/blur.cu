// Gaussian blur kernel: the math is in blur.h; blur.c launches it.
// Parameters are __grid_constant__ so the 2 KB of taps are read from the
// constant bank by address, not copied to each thread's local memory.
//
// One kernel runs both passes for a tile of output pixels: phase 1 blurs the
// tile's source columns (widened by the radius each side) vertically into
// shared memory, phase 2 blurs those rows horizontally into the destination,
// so the scratch values never leave the SM. Each value in shared memory is
// the scratch value the CPU walk stores (blur_round). The sums are integers
// held exactly in floats (blur.h), so the fused multiply-adds nvcc makes of
// blur_tap give the CPU's bits.
#include "blur.h"

// 4 source bytes of row y from byte b0 as the values blur_load_src gives.
// WORD: one 32-bit load (b0 4-byte aligned, the 4 bytes inside the row);
// otherwise byte by byte, lanes past the row's n bytes left 0. b0 is a
// multiple of 4, so RGBA32's 4 bytes are one pixel, premultiplied in
// registers.
template <bool WORD, int CH>
__device__ static inline void ovni_blur_lanes(const blur_planes *p, int b0, int y, float v[4])
{
    const uint8_t *s = p->src + (size_t)y * p->src_pitch + b0;
    unsigned b[4];
    if (WORD) {
        const uint32_t w = *(const uint32_t *)s;
#pragma unroll
        for (int j = 0; j < 4; j++) b[j] = (w >> (8 * j)) & 255u; // byte j (little-endian)
    } else {
        const int n = p->width * CH;
#pragma unroll
        for (int j = 0; j < 4; j++) b[j] = b0 + j < n ? s[j] : 0u;
    }
#pragma unroll
    for (int j = 0; j < 4; j++) v[j] = CH == 4 && p->premul && j < 3 ? blur_premul_value(b[j], b[3]) : blur_value(b[j]);
}

// Phase 1 for one thread: bytes b0..b0+3 of output rows y..y+BLUR_VROWS-1,
// the vertical sums acc[o][j]. Output row y+o takes tap pair k from rows
// y+o-k and y+o+k (clamped), so the pairs of all BLUR_VROWS outputs at step k
// are two windows of consecutive source rows; from step k to k+1 each window
// slides by one row, so a step loads 2 rows instead of 2 * BLUR_VROWS. Every
// output is blur_vertical_px's sum.
template <bool WORD, int CH>
__device__ static inline void ovni_blur_columns(const blur_planes *p, const blur_taps *t, int b0, int y,
                                                float acc[BLUR_VROWS][4])
{
    const int last = p->height - 1;
    float lo[BLUR_VROWS][4], hi[BLUR_VROWS][4]; // lo[o]: row y+o-k, hi[o]: row y+o+k
#pragma unroll
    for (int o = 0; o < BLUR_VROWS; o++) {
        ovni_blur_lanes<WORD, CH>(p, b0, y + o < last ? y + o : last, lo[o]);
#pragma unroll
        for (int j = 0; j < 4; j++) hi[o][j] = lo[o][j], acc[o][j] = blur_first(t->w[0], lo[o][j]);
    }
    auto step = [&](int k) {
#pragma unroll
        for (int o = BLUR_VROWS - 1; o > 0; o--)
#pragma unroll
            for (int j = 0; j < 4; j++) lo[o][j] = lo[o - 1][j];
#pragma unroll
        for (int o = 0; o < BLUR_VROWS - 1; o++)
#pragma unroll
            for (int j = 0; j < 4; j++) hi[o][j] = hi[o + 1][j];
        const int ya = y - k, yb = y + BLUR_VROWS - 1 + k;
        ovni_blur_lanes<WORD, CH>(p, b0, ya > 0 ? ya : 0, lo[0]);
        ovni_blur_lanes<WORD, CH>(p, b0, yb < last ? yb : last, hi[BLUR_VROWS - 1]);
        const float w = t->w[k];
#pragma unroll
        for (int o = 0; o < BLUR_VROWS; o++)
#pragma unroll
            for (int j = 0; j < 4; j++) acc[o][j] = blur_tap(acc[o][j], w, lo[o][j], hi[o][j]);
    };
    // Steps in groups of the window's length, so its shifts become register
    // renames, then the 0..3 left over.
    static_assert(BLUR_VROWS == 4, "four steps a group");
    int k = 1;
    for (; k + 3 <= t->radius; k += 4) step(k), step(k + 1), step(k + 2), step(k + 3);
    for (; k <= t->radius; k++) step(k);
}

// Phase 2 for one thread: output pixels xa..xa+BLUR_HX-1 of tile row `row`,
// whose centres are e[0..BLUR_HX-1] of each channel's shared row. At tap pair
// k output o takes e[o - k] and e[o + k], two windows that slide by one
// element per step (as in phase 1). Every output is blur_horizontal_px's
// sum. The values come 4 at a time as
// 16-byte loads: e is 16-byte aligned (the tile's halo is a multiple of 4),
// and neighbouring threads, 4 elements apart, would otherwise hit the same
// shared-memory banks 4 ways per 4-byte load.
template <int CH>
__device__ static inline void ovni_blur_row4(const blur_planes *p, const blur_taps *t, const float *e0, int span,
                                             int xa, int y)
{
    const int r = t->radius;
    float v[BLUR_HX][4];
#pragma unroll
    for (int c = 0; c < CH; c++) {
        const float4 *e = (const float4 *)(e0 + c * span); // e[m]: elements 4m .. 4m + 3
        float acc[BLUR_HX], lo[BLUR_HX], hi[BLUR_HX];       // lo[o] = e[o - k], hi[o] = e[o + k]
        const float4 centre = e[0];
        lo[0] = hi[0] = centre.x, lo[1] = hi[1] = centre.y, lo[2] = hi[2] = centre.z, lo[3] = hi[3] = centre.w;
#pragma unroll
        for (int o = 0; o < BLUR_HX; o++) acc[o] = blur_first(t->w[0], lo[o]);
        auto step = [&](int k, float below, float above) { // below = e[-k], above = e[3 + k]
#pragma unroll
            for (int o = BLUR_HX - 1; o > 0; o--) lo[o] = lo[o - 1];
#pragma unroll
            for (int o = 0; o < BLUR_HX - 1; o++) hi[o] = hi[o + 1];
            lo[0] = below;
            hi[BLUR_HX - 1] = above;
            const float w = t->w[k];
#pragma unroll
            for (int o = 0; o < BLUR_HX; o++) acc[o] = blur_tap(acc[o], w, lo[o], hi[o]);
        };
        // Steps k0 .. k0 + 3 (k0 = 4m + 1) take e[-k] from elements
        // -4m-4 .. -4m-1 and e[3 + k] from 4m+4 .. 4m+7; 0..3 steps left over
        // come from one more such pair (inside the halo).
        static_assert(BLUR_HX == 4, "four steps a group"); // as in phase 1
        int k = 1, m = 0;
        for (; k + 3 <= r; k += 4, m++) {
            const float4 b = e[-m - 1], a = e[m + 1];
            step(k, b.w, a.x), step(k + 1, b.z, a.y), step(k + 2, b.y, a.z), step(k + 3, b.x, a.w);
        }
        if (k <= r) {
            const float4 b = e[-m - 1], a = e[m + 1];
            step(k, b.w, a.x);
            if (k + 1 <= r) step(k + 1, b.z, a.y);
            if (k + 2 <= r) step(k + 2, b.y, a.z);
        }
#pragma unroll
        for (int o = 0; o < BLUR_HX; o++) v[o][c] = acc[o];
    }
    // The BLUR_HX pixels are BLUR_HX * CH consecutive bytes, CH 32-bit words
    // (4-byte aligned when the row is): stored as words, a warp writes whole
    // sectors instead of bytes spread BLUR_HX * CH apart.
    uint8_t *d = ovni_px(p->dst, p->dst_pitch, xa, y, CH);
    if (xa + BLUR_HX <= p->width && ((uintptr_t)d & 3) == 0) {
        static_assert(BLUR_HX == 4, "ovni_store_px4_words stores 4 pixels");
        uint8_t px[BLUR_HX][4];
#pragma unroll
        for (int o = 0; o < BLUR_HX; o++) blur_pack_dst(p, v[o], px[o]);
        ovni_store_px4_words<CH>((uint32_t *)d, px);
        return;
    }
#pragma unroll
    for (int o = 0; o < BLUR_HX; o++)
        if (xa + o < p->width) blur_store_dst(p, xa + o, y, v[o]);
}

// The tile at (blockIdx.x * g.w, blockIdx.y * g.rows). Shared memory holds
// the vertical results of source columns xs .. xs + span - 1 (xs = x0 - R,
// span = g.w + 2R, R = the radius rounded up to a multiple of 4 for phase
// 2's 16-byte loads) for the tile's rows, plane c of tile row `row` at
// tile[(row * CH + c) * span]. Columns outside the frame repeat its edge
// column, as the CPU's clamped row does.
template <int CH>
__device__ static void ovni_blur_tile(const blur_planes *p, const blur_taps *t, const blur_tile *g)
{
    extern __shared__ float tile[];
    const int R = blur_halo(t->radius), span = g->w + 2 * R;
    const int x0 = blockIdx.x * g->w, y0 = blockIdx.y * g->rows, xs = x0 - R;
    const int rows = min(g->rows, p->height - y0);           // tile rows inside the frame
    const int cx0 = max(xs, 0), cx1 = min(xs + span, p->width); // columns inside the frame
    const int n = p->width * CH;

    // Phase 1: 4 bytes x BLUR_VROWS rows per item, over the words holding
    // bytes cx0 * CH .. cx1 * CH - 1; bytes of other columns are dropped.
    const int wa = cx0 * CH / 4, nw = (cx1 * CH + 3) / 4 - wa;
    const int items = nw * ((rows + BLUR_VROWS - 1) / BLUR_VROWS);
    for (int it = threadIdx.x; it < items; it += blockDim.x) {
        const int b0 = 4 * (wa + it % nw), row0 = BLUR_VROWS * (it / nw);
        float acc[BLUR_VROWS][4];
        if (g->words && b0 + 4 <= n) ovni_blur_columns<true, CH>(p, t, b0, y0 + row0, acc);
        else ovni_blur_columns<false, CH>(p, t, b0, y0 + row0, acc);
#pragma unroll
        for (int o = 0; o < BLUR_VROWS; o++) {
            if (row0 + o >= rows) break;
#pragma unroll
            for (int j = 0; j < 4; j++) {
                const int x = (b0 + j) / CH, c = (b0 + j) % CH;
                if (x < cx0 || x >= cx1) continue;
                tile[((row0 + o) * CH + c) * span + x - xs] = blur_roundf(acc[o][j]);
            }
        }
    }
    __syncthreads();
    // Columns left of the frame repeat column 0, right of it column width-1.
    const int left = cx0 - xs, right = cx1 - xs, pads = span - (right - left);
    if (pads > 0) {
        for (int k = threadIdx.x; k < pads * CH * rows; k += blockDim.x) {
            const int i = k % pads, plane = k / pads;
            const int at = i < left ? i : right + (i - left);
            tile[plane * span + at] = tile[plane * span + (at < left ? left : right - 1)];
        }
        __syncthreads();
    }

    // Phase 2: BLUR_HX pixels of one tile row per item.
    const int per_row = g->w / BLUR_HX;
    for (int it = threadIdx.x; it < per_row * rows; it += blockDim.x) {
        const int row = it / per_row, xo = BLUR_HX * (it % per_row);
        if (x0 + xo >= p->width) continue;
        ovni_blur_row4<CH>(p, t, tile + (size_t)row * CH * span + xo + R, span, x0 + xo, y0 + row);
    }
}

extern "C" __global__ void __launch_bounds__(BLUR_FUSED_THREADS, BLUR_FUSED_BLOCKS_PER_SM)
    ovni_blur_gray8(const __grid_constant__ blur_planes p, const __grid_constant__ blur_taps t, const blur_tile g)
{
    ovni_blur_tile<1>(&p, &t, &g);
}

extern "C" __global__ void __launch_bounds__(BLUR_FUSED_THREADS, BLUR_FUSED_BLOCKS_PER_SM)
    ovni_blur_rgb24(const __grid_constant__ blur_planes p, const __grid_constant__ blur_taps t, const blur_tile g)
{
    ovni_blur_tile<3>(&p, &t, &g);
}

extern "C" __global__ void __launch_bounds__(BLUR_FUSED_THREADS, BLUR_FUSED_BLOCKS_PER_SM)
    ovni_blur_rgba32(const __grid_constant__ blur_planes p, const __grid_constant__ blur_taps t, const blur_tile g)
{
    ovni_blur_tile<4>(&p, &t, &g);
}
