// Caption blending: one launch per frame over the rectangle covering all of
// libass's images. Each block owns a tile; it bins the image table to the
// images touching its tile (order kept) in shared memory, 256 images at a
// time, and each thread composites its pixel (RGB) or 2x2 block (NV12)
// through them in list order, keeping the pixel in registers until the end.
// The math is in ass_blend.h, shared with the CPU walk.
#include "ass_blend.h"

#define ASS_TILE_THREADS 256 // blockDim 32 x 8

// Keeps, in list order, the images of table[base .. base+256) that touch
// the tile; returns how many. Order-preserving compaction: warp ballots,
// then a prefix over the 8 warps.
__device__ static int ass_bin_chunk(const ass_blend_img *table, int n, int base, const ass_blend_frame *f,
                                    int tx0, int ty0, int tx1, int ty1, ass_blend_src *list, int *warp_count)
{
    int tid = threadIdx.y * blockDim.x + threadIdx.x, lane = tid & 31, warp = tid >> 5;
    int i = base + tid;
    ass_blend_src s;
    int keep = 0;
    if (i < n) {
        s = ass_blend_prepare(&table[i], f);
        keep = ass_blend_touches(&s, tx0, ty0, tx1, ty1);
    }
    unsigned ballot = __ballot_sync(0xffffffffu, keep);
    if (lane == 0) warp_count[warp] = __popc(ballot);
    __syncthreads();
    int pos = __popc(ballot & ((1u << lane) - 1u)), total = 0;
    for (int w = 0; w < ASS_TILE_THREADS / 32; w++) {
        if (w < warp) pos += warp_count[w];
        total += warp_count[w];
    }
    if (keep) list[pos] = s;
    __syncthreads();
    return total;
}

extern "C" __global__ void ovni_ass_blend_rgb(ass_blend_frame f, const ass_blend_img *table, const uint8_t *bits, int n)
{
    __shared__ ass_blend_src list[ASS_TILE_THREADS];
    __shared__ int warp_count[ASS_TILE_THREADS / 32];
    int tx0 = f.x0 + blockIdx.x * blockDim.x, ty0 = f.y0 + blockIdx.y * blockDim.y;
    int tx1 = min(tx0 + (int)blockDim.x, f.x1), ty1 = min(ty0 + (int)blockDim.y, f.y1);
    int x = tx0 + threadIdx.x, y = ty0 + threadIdx.y;
    int inside = x < f.x1 && y < f.y1;
    float v[4];
    if (inside) ass_blend_load_rgb(&f, x, y, v);
    for (int base = 0; base < n; base += ASS_TILE_THREADS) {
        int cnt = ass_bin_chunk(table, n, base, &f, tx0, ty0, tx1, ty1, list, warp_count);
        if (inside)
            for (int j = 0; j < cnt; j++) ass_blend_apply_rgb(&f, &list[j], bits, x, y, v);
        __syncthreads(); // list is rewritten by the next chunk
    }
    if (inside) ass_blend_store_rgb(&f, x, y, v);
}

// NV12: f.x0..f.x1 and f.y0..f.y1 are even; a thread owns one 2x2 block.
extern "C" __global__ void ovni_ass_blend_nv12(ass_blend_frame f, const ass_blend_img *table, const uint8_t *bits, int n)
{
    __shared__ ass_blend_src list[ASS_TILE_THREADS];
    __shared__ int warp_count[ASS_TILE_THREADS / 32];
    int bx0 = f.x0 / 2 + blockIdx.x * blockDim.x, by0 = f.y0 / 2 + blockIdx.y * blockDim.y;
    int tx0 = 2 * bx0, ty0 = 2 * by0;
    int tx1 = min(tx0 + 2 * (int)blockDim.x, f.x1), ty1 = min(ty0 + 2 * (int)blockDim.y, f.y1);
    int bx = bx0 + threadIdx.x, by = by0 + threadIdx.y;
    int inside = 2 * bx < f.x1 && 2 * by < f.y1;
    ass_blend_nv12_block b;
    if (inside) ass_blend_load_nv12(&f, bx, by, &b);
    for (int base = 0; base < n; base += ASS_TILE_THREADS) {
        int cnt = ass_bin_chunk(table, n, base, &f, tx0, ty0, tx1, ty1, list, warp_count);
        if (inside)
            for (int j = 0; j < cnt; j++) ass_blend_apply_nv12(&list[j], bits, bx, by, &b);
        __syncthreads();
    }
    if (inside) ass_blend_store_nv12(&f, bx, by, &b);
}
