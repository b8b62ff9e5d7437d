// Large-sigma blur's resampling kernels: the math is in blur_pyramid.h;
// blur_pyramid.c launches them around the exact blur of the small frame.
#include "blur_pyramid.h"

// blur_pyr_row_sum with 32-bit loads where the f pixels lie inside the row
// and start on a word: 4 pixels of RGB24 (3 words) or GRAY8 (1 word), or 1
// of RGBA32, per group, each byte added to its fixed channel. The sums are
// the same integers; elsewhere (borders, f = 2 on RGB24 or GRAY8) bytes.
__device__ static inline void ovni_blur_pyr_row_sum(const blur_pyr *p, int i, int j, int dy, uint32_t sum[4])
{
    const int f = 1 << p->shift, bytes = f * p->ch;
    int x0;
    const uint8_t *row = blur_pyr_block_row(p, i, j, dy, &x0);
    if (x0 < 0 || x0 + f > p->width || (bytes & 3) || (p->ch == 3 && (bytes % 12)) ||
        ((uintptr_t)(row + (size_t)x0 * p->ch) & 3)) {
        blur_pyr_row_sum(p, i, j, dy, sum);
        return;
    }
    const uint32_t *w = (const uint32_t *)(row + (size_t)x0 * p->ch);
    if (p->ch == 4) { // premultiplied
        for (int k = 0; k < f; k++)
            blur_pyr_add_premul(sum, w[k] & 255u, (w[k] >> 8) & 255u, (w[k] >> 16) & 255u, w[k] >> 24);
    } else if (p->ch == 3) { // 3 words = 4 pixels: bytes r g b r | g b r g | b r g b
        for (int k = 0; k < bytes / 4; k += 3) {
#pragma unroll
            for (int q = 0; q < 3; q++)
#pragma unroll
                for (int b = 0; b < 4; b++) sum[(4 * q + b) % 3] += (w[k + q] >> (8 * b)) & 255u;
        }
    } else {
        for (int k = 0; k < bytes / 4; k++) {
            uint32_t u = w[k];
            sum[0] += (u & 255u) + ((u >> 8) & 255u) + ((u >> 16) & 255u) + (u >> 24);
        }
    }
}

// Step 1: blocks of BLUR_PYR_DOWN_THREADS threads, f per small pixel (one
// per row of its f x f block: up to 256 pixels per small pixel at f = 16,
// too many for one thread with enough threads in flight). Neighbouring
// threads take neighbouring small pixels of the same row, so a warp's loads
// cover one stretch of a source row; thread (col, 0) then adds the f row
// sums of its column.
extern "C" __global__ void ovni_blur_pyr_down(const blur_pyr p)
{
    __shared__ uint32_t rows[BLUR_PYR_DOWN_THREADS][4];
    const int per_block = BLUR_PYR_DOWN_THREADS >> p.shift;
    const int t = threadIdx.x, col = t % per_block, dy = t / per_block;
    const int i = blockIdx.x * per_block + col, j = blockIdx.y;
    uint32_t sum[4] = {0, 0, 0, 0};
    if (i < p.sw) ovni_blur_pyr_row_sum(&p, i, j, dy, sum);
    for (int c = 0; c < 4; c++) rows[t][c] = sum[c];
    __syncthreads();
    if (dy != 0 || i >= p.sw) return;
    for (int k = 1; k < (1 << p.shift); k++)
        for (int c = 0; c < 4; c++) sum[c] += rows[t + k * per_block][c];
    blur_pyr_down_store(&p, i, j, sum);
}

// Step 3: one thread per BLUR_PYR_UP_X consecutive output pixels of a row,
// which share the row's vertical weights; the small pixels they read are
// shared with the neighbours, so they come from L1.
extern "C" __global__ void ovni_blur_pyr_up(const blur_pyr p)
{
    const int x = (blockIdx.x * blockDim.x + threadIdx.x) * BLUR_PYR_UP_X, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= p.width || y >= p.height) return;
    const blur_pyr_rows rows = blur_pyr_up_rows(&p, y);
    uint8_t *d = ovni_px(p.dst, p.dst_pitch, x, y, p.ch);
    if (x + BLUR_PYR_UP_X <= p.width && ((uintptr_t)d & 3) == 0) { // as words (ovni_store_px4)
        static_assert(BLUR_PYR_UP_X == 4, "ovni_store_px4 stores 4 pixels");
        uint8_t px[BLUR_PYR_UP_X][4];
#pragma unroll
        for (int o = 0; o < BLUR_PYR_UP_X; o++) blur_pyr_up_pack(&p, &rows, x + o, px[o]);
        ovni_store_px4((uint32_t *)d, p.ch, px);
        return;
    }
#pragma unroll
    for (int o = 0; o < BLUR_PYR_UP_X; o++)
        if (x + o < p.width) blur_pyr_up_at(&p, &rows, x + o, y);
}
