/* Shared by every op's math header: the host/device marker and small pixel
 * helpers. Included by C (CPU walks) and by CUDA (kernels). */
#ifndef OVNI_OPS_OP_COMMON_H
#define OVNI_OPS_OP_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __CUDACC__
#define OVNI_HD static inline __host__ __device__
#else
#include <math.h>
#define OVNI_HD static inline
#endif

#ifdef __CUDACC__
/* The body of a one-thread-per-pixel kernel: the thread at (x, y) of a grid
 * over w x h makes that pixel with PX(&p, x, y) (a math header's per-pixel
 * function); the threads past the edge do nothing. */
template <auto PX, class P> __device__ __forceinline__ void ovni_px_kernel(const P &p, int w, int h)
{
    const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x < w && y < h) PX(&p, x, y);
}
#endif

/* Round to nearest and clamp to 0..255 (NaN gives 0). No early return:
 * on the GPU the clamps compile to two min/max instructions (FMNMX), whose
 * NaN rule (the other operand) gives what the comparison does (NaN > 0 is
 * false: 0), so the GPU needs no branch and gives the CPU's byte for every
 * float. */
OVNI_HD uint8_t ovni_u8(float v)
{
    v = v > 0.0f ? v : 0.0f;
    v = v < 255.0f ? v : 255.0f;
    return (uint8_t)(v + 0.5f);
}

OVNI_HD int ovni_clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }
OVNI_HD float ovni_clampf(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Bytes b[0..3] as one little-endian 32-bit word (byte 0 lowest), for
 * stores of a whole pixel or 4 GRAY8 pixels at once. */
OVNI_HD uint32_t ovni_pack4(const uint8_t b[4])
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Pointer to pixel (x, y) of a packed plane. */
OVNI_HD uint8_t *ovni_px(uint8_t *base, size_t pitch, int x, int y, int bpp)
{
    return base + (size_t)y * pitch + (size_t)x * (size_t)bpp;
}
OVNI_HD const uint8_t *ovni_cpx(const uint8_t *base, size_t pitch, int x, int y, int bpp)
{
    return base + (size_t)y * pitch + (size_t)x * (size_t)bpp;
}

#ifdef __CUDACC__
/* GPU: 4 consecutive pixels of CH bytes, px[o][0..CH-1], are CH 32-bit
 * words; stored as words at d (4-byte aligned), a warp writing neighbouring
 * groups writes whole sectors instead of single bytes spread 4 CH apart.
 * CH is a template constant so every byte's word and shift are fixed and
 * nothing leaves registers. */
template <int CH>
__device__ inline void ovni_store_px4_words(uint32_t *d, const uint8_t px[4][4])
{
    uint32_t w[CH];
#pragma unroll
    for (int k = 0; k < CH; k++) w[k] = 0;
#pragma unroll
    for (int o = 0; o < 4; o++)
#pragma unroll
        for (int c = 0; c < CH; c++) w[(o * CH + c) / 4] |= (uint32_t)px[o][c] << (8 * ((o * CH + c) % 4));
#pragma unroll
    for (int k = 0; k < CH; k++) d[k] = w[k];
}

#endif

#endif
