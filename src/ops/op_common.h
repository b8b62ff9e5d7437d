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

/* floor(f) for 0 <= f < 2^23, as (uint32_t)f. On the GPU: the low bits of
 * 2^23 + f rounded down, one full-rate add instead of a 1/8-rate
 * float-to-int conversion (see ovni_uf); the same value. */
OVNI_HD uint32_t ovni_floor_u(float f)
{
#ifdef __CUDA_ARCH__
    return __float_as_uint(__fadd_rd(f, 8388608.0f)) & 0x7FFFFFu;
#else
    return (uint32_t)f;
#endif
}

/* Round to nearest and clamp to 0..255. */
OVNI_HD uint8_t ovni_u8(float v)
{
    if (!(v > 0.0f)) return 0; /* also NaN */
    if (v >= 255.0f) return 255;
    return (uint8_t)ovni_floor_u(v + 0.5f);
}

/* An unsigned value below 2^23 (a byte, a 16-bit sample) as a float. On
 * the GPU int<->float conversions run at 1/8 of the arithmetic rate (sm_75
 * to sm_90) and become the limit of memory-bound kernels that convert every
 * channel; building the float as 2^23 + v and subtracting 2^23 takes two
 * full-rate instructions and gives exactly the same value. */
OVNI_HD float ovni_uf(uint32_t v)
{
#ifdef __CUDA_ARCH__
    return __uint_as_float(0x4B000000u | v) - 8388608.0f;
#else
    return (float)v;
#endif
}

OVNI_HD int ovni_clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }
OVNI_HD float ovni_clampf(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Pointer to pixel (x, y) of a packed plane. */
OVNI_HD uint8_t *ovni_px(uint8_t *base, size_t pitch, int x, int y, int bpp)
{
    return base + (size_t)y * pitch + (size_t)x * (size_t)bpp;
}
OVNI_HD const uint8_t *ovni_cpx(const uint8_t *base, size_t pitch, int x, int y, int bpp)
{
    return base + (size_t)y * pitch + (size_t)x * (size_t)bpp;
}

#endif
