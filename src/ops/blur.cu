// Gaussian blur kernels: the math is in blur.h; blur.c launches them.
// Parameters are __grid_constant__ so the 2 KB of taps are read from the
// constant bank by address, not copied to each thread's local memory.
#include "blur.h"

// Vertical pass: one thread per pixel; a warp reads neighbouring pixels of
// each source row, so every tap is a coalesced load (mostly from L1/L2).
extern "C" __global__ void ovni_blur_vertical(const __grid_constant__ blur_planes p,
                                              const __grid_constant__ blur_taps t)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= p.width || y >= p.height) return;
    for (int c = 0; c < p.ch; c++) blur_store_mid(&p, x, y, c, blur_vertical_px(&p, &t, x, y, c));
}

// Vertical pass, 4 bytes per thread where every row is 4-byte aligned: one
// 32-bit load per tap row instead of one per channel. Without
// premultiplication each byte is blurred alone, so the 4 bytes may straddle
// pixels (RGB24, GRAY8); RGBA32's 4 bytes are one pixel, premultiplied in
// registers. Each byte sees the same blur_tap sequence as in
// blur_vertical_px, so the results are the same bits.
__device__ static inline void ovni_blur_unpack4(const blur_planes *p, const uint8_t *s, float v[4])
{
    uint32_t w = *(const uint32_t *)s;
    for (int j = 0; j < 4; j++) v[j] = (float)((w >> (8 * j)) & 255u); // byte j (little-endian)
    if (p->premul)
        for (int j = 0; j < 3; j++) v[j] = blur_premul(v[j], v[3]);
}

// Each thread of ovni_blur_vertical4 computes BLUR_VROWS rows of its 4
// bytes. Output row y+o takes tap pair k from rows y+o-k and y+o+k (clamped),
// so the pairs of all BLUR_VROWS outputs at step k are two windows of
// consecutive source rows; from step k to k+1 each window slides by one row,
// so one thread loads 2 rows per step instead of 2 * BLUR_VROWS. Every output
// still sums w[0]*p[0] and then pairs k = 1..r in order, as blur_vertical_px.
extern "C" __global__ void ovni_blur_vertical4(const __grid_constant__ blur_planes p,
                                               const __grid_constant__ blur_taps t)
{
    int i = 4 * (blockIdx.x * blockDim.x + threadIdx.x), y = (blockIdx.y * blockDim.y + threadIdx.y) * BLUR_VROWS;
    int n = p.width * p.ch, last = p.height - 1;
    if (i >= n || y >= p.height) return;
    if (i + 4 > n) { // a row's last 1..3 bytes (never RGBA32)
        for (int o = 0; o < BLUR_VROWS && y + o < p.height; o++)
            for (int b = i; b < n; b++)
                blur_store_mid(&p, b / p.ch, y + o, b % p.ch, blur_vertical_px(&p, &t, b / p.ch, y + o, b % p.ch));
        return;
    }
    const uint8_t *col = p.src + i;
    // lo[o]: row y+o-k, hi[o]: row y+o+k (each clamped to the frame).
    float acc[BLUR_VROWS][4], lo[BLUR_VROWS][4], hi[BLUR_VROWS][4];
#pragma unroll
    for (int o = 0; o < BLUR_VROWS; o++) {
        ovni_blur_unpack4(&p, col + (size_t)(y + o < last ? y + o : last) * p.src_pitch, lo[o]);
#pragma unroll
        for (int j = 0; j < 4; j++) hi[o][j] = lo[o][j], acc[o][j] = BLUR_MUL(t.w[0], lo[o][j]);
    }
    for (int k = 1; k <= t.radius; k++) {
#pragma unroll
        for (int o = BLUR_VROWS - 1; o > 0; o--)
#pragma unroll
            for (int j = 0; j < 4; j++) lo[o][j] = lo[o - 1][j];
#pragma unroll
        for (int o = 0; o < BLUR_VROWS - 1; o++)
#pragma unroll
            for (int j = 0; j < 4; j++) hi[o][j] = hi[o + 1][j];
        int ya = y - k, yb = y + BLUR_VROWS - 1 + k;
        ovni_blur_unpack4(&p, col + (size_t)(ya > 0 ? ya : 0) * p.src_pitch, lo[0]);
        ovni_blur_unpack4(&p, col + (size_t)(yb < last ? yb : last) * p.src_pitch, hi[BLUR_VROWS - 1]);
        float w = t.w[k];
#pragma unroll
        for (int o = 0; o < BLUR_VROWS; o++)
#pragma unroll
            for (int j = 0; j < 4; j++) acc[o][j] = blur_tap(acc[o][j], w, lo[o][j], hi[o][j]);
    }
#pragma unroll
    for (int o = 0; o < BLUR_VROWS; o++) {
        if (y + o >= p.height) break;
        uint32_t qh = 0, ql = 0;
#pragma unroll
        for (int j = 0; j < 4; j++) {
            unsigned q = blur_quantize(acc[o][j]);
            qh |= (q >> 8) << (8 * j);
            ql |= (q & 255u) << (8 * j);
        }
        *(uint32_t *)(p.hi + (size_t)(y + o) * p.hi_pitch + i) = qh;
        *(uint32_t *)(p.lo + (size_t)(y + o) * p.lo_pitch + i) = ql;
    }
}

// Horizontal pass: a block of BLUR_TILE_W x BLUR_TILE_ROWS outputs loads its
// rows' span [x0 - r, x0 + BLUR_TILE_W + r) once into shared memory, one
// plane per channel so neighbouring threads read neighbouring banks.
extern "C" __global__ void ovni_blur_horizontal(const __grid_constant__ blur_planes p,
                                                const __grid_constant__ blur_taps t)
{
    extern __shared__ float ovni_blur_tile[];
    const int r = t.radius, span = BLUR_TILE_W + 2 * r;
    const int x0 = blockIdx.x * BLUR_TILE_W, y = blockIdx.y * BLUR_TILE_ROWS + threadIdx.y;
    float *rows = ovni_blur_tile + (size_t)threadIdx.y * p.ch * span;
    if (y < p.height)
        for (int i = threadIdx.x; i < span; i += BLUR_TILE_W) {
            int x = ovni_clampi(x0 + i - r, 0, p.width - 1);
            for (int c = 0; c < p.ch; c++) rows[c * span + i] = blur_load_mid(&p, x, y, c);
        }
    __syncthreads();
    int x = x0 + threadIdx.x;
    if (x >= p.width || y >= p.height) return;
    float v[4];
    for (int c = 0; c < p.ch; c++) v[c] = blur_row_px(rows + c * span, threadIdx.x + r, &t);
    blur_store_dst(&p, x, y, v);
}
