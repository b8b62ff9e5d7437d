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

extern "C" __global__ void ovni_blur_vertical4(const __grid_constant__ blur_planes p,
                                               const __grid_constant__ blur_taps t)
{
    int i = 4 * (blockIdx.x * blockDim.x + threadIdx.x), y = blockIdx.y * blockDim.y + threadIdx.y;
    int n = p.width * p.ch;
    if (i >= n || y >= p.height) return;
    if (i + 4 > n) { // a row's last 1..3 bytes (never RGBA32)
        for (int b = i; b < n; b++)
            blur_store_mid(&p, b / p.ch, y, b % p.ch, blur_vertical_px(&p, &t, b / p.ch, y, b % p.ch));
        return;
    }
    const uint8_t *col = p.src + i;
    float acc[4], a[4], b[4];
    ovni_blur_unpack4(&p, col + (size_t)y * p.src_pitch, a);
    for (int j = 0; j < 4; j++) acc[j] = BLUR_MUL(t.w[0], a[j]);
    for (int k = 1; k <= t.radius; k++) {
        int y0 = y - k < 0 ? 0 : y - k, y1 = y + k >= p.height ? p.height - 1 : y + k;
        ovni_blur_unpack4(&p, col + (size_t)y0 * p.src_pitch, a);
        ovni_blur_unpack4(&p, col + (size_t)y1 * p.src_pitch, b);
        for (int j = 0; j < 4; j++) acc[j] = blur_tap(acc[j], t.w[k], a[j], b[j]);
    }
    uint32_t hi = 0, lo = 0;
    for (int j = 0; j < 4; j++) {
        unsigned q = blur_quantize(acc[j]);
        hi |= (q >> 8) << (8 * j);
        lo |= (q & 255u) << (8 * j);
    }
    *(uint32_t *)(p.hi + (size_t)y * p.hi_pitch + i) = hi;
    *(uint32_t *)(p.lo + (size_t)y * p.lo_pitch + i) = lo;
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
