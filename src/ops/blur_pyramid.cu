// Large-sigma blur's resampling kernels: the math is in blur_pyramid.h;
// blur_pyramid.c launches them around the exact blur of the small frame.
#include "blur_pyramid.h"

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
    if (i < p.sw) blur_pyr_row_sum(&p, i, j, dy, sum);
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
#pragma unroll
    for (int o = 0; o < BLUR_PYR_UP_X; o++)
        if (x + o < p.width) blur_pyr_up_at(&p, &rows, x + o, y);
}
