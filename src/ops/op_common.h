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

/* Round to nearest and clamp to 0..255. */
OVNI_HD uint8_t ovni_u8(float v)
{
    if (!(v > 0.0f)) return 0; /* also NaN */
    if (v >= 255.0f) return 255;
    return (uint8_t)(v + 0.5f);
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
