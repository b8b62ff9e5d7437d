// Large-sigma blur's resampling kernels: the math is in blur_pyramid.h;
// blur_pyramid.c launches them around the exact blur of the small frame.
#include "blur_pyramid.h"

// Step 1: blocks of BLUR_PYR_DOWN_THREADS threads, f per small pixel (one
// per row of its f x f block; up to 256 pixels per small pixel at f = 16,
// too many for one thread to read with enough threads in flight), then
// the first thread of each column adds the f row sums.
extern "C" __global__ void ovni_blur_pyr_down(const blur_pyr p)
{
    __shared__ uint32_t rows[BLUR_PYR_DOWN_THREADS][4];
    const int f = 1 << p.shift, per_block = BLUR_PYR_DOWN_THREADS >> p.shift;
    const int t = threadIdx.x, dy = t & (f - 1), col = t >> p.shift;
    const int i = blockIdx.x * per_block + col, j = blockIdx.y;
    uint32_t sum[4] = {0, 0, 0, 0};
    if (i < p.sw) blur_pyr_row_sum(&p, i, j, dy, sum);
    for (int c = 0; c < 4; c++) rows[t][c] = sum[c];
    __syncthreads();
    if (dy != 0 || i >= p.sw) return;
    for (int k = 1; k < f; k++)
        for (int c = 0; c < 4; c++) sum[c] += rows[t + k][c];
    blur_pyr_down_store(&p, i, j, sum);
}

// Step 3: one thread per output pixel; its 4 small pixels are shared with
// its neighbours, so they come from L1.
extern "C" __global__ void ovni_blur_pyr_up(const blur_pyr p)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x < p.width && y < p.height) blur_pyr_up_px(&p, x, y);
}
