/* Gaussian blur math, shared by blur.c (CPU) and blur.cu (CUDA).
 *
 * Two separable passes with clamp-to-edge borders:
 *   pass V (vertical):   8-bit source -> scratch of 12-bit values (8.4
 *                        fixed point);
 *   pass H (horizontal): scratch -> 8-bit destination.
 *
 * Fixed point, as libass's c_blur.c and the pyramid's shrink and enlarge
 * steps: the taps are integers summing to BLUR_ONE (4096), the values are
 * integers of at most 4080 (a byte times 16). Every product and every
 * partial sum is then an integer below 2^24, which a float holds exactly,
 * so a sum is the same number whatever the order of its terms and whether
 * or not a multiply and an add are fused: the walks may tile, vectorise
 * and fuse as they like and still give the bits of blur_vertical_px and
 * blur_horizontal_px below.
 *
 * RGBA32 is blurred premultiplied (colour * alpha / 255) and divided back at
 * the end, so transparent pixels, whatever colour they hold, do not bleed
 * into opaque ones. */
#ifndef OVNI_OPS_BLUR_H
#define OVNI_OPS_BLUR_H

#include "op_common.h"

/* Taps w[0..radius], radius = ceil(3 sigma) <= BLUR_MAX_RADIUS keeps the
 * struct (2 KiB) within CUDA's 4 KiB of kernel parameters. gaussian_blur
 * runs the exact blur for sigma < BLUR_PYR_MIN_SIGMA (6) and on the
 * constant-time path's small frame (sigma' < 10.7, blur_pyramid.h), so
 * radius <= 33 there; the tests also run it at large sigma on the CPU as
 * the reference for the constant-time path. */
#define BLUR_MAX_RADIUS 511

/* GPU: one kernel runs both passes over a tile of output pixels (blur.cu).
 * Phase 1 blurs the tile's columns, widened by radius on each side,
 * vertically into shared memory, each thread BLUR_VROWS rows of 4 bytes;
 * phase 2 blurs the tile's rows from there, each thread BLUR_HX consecutive
 * pixels. The tile's size is chosen per launch (blur_tile_pick in blur.c). */
#define BLUR_HX 4
#define BLUR_VROWS 4
#define BLUR_FUSED_THREADS 256
/* Blocks an SM keeps resident: the kernels are built for it (64 registers a
 * thread), and blur_tile_pick sizes the grid by it. */
#define BLUR_FUSED_BLOCKS_PER_SM 4
/* gaussian_blur runs the exact blur on the GPU with radius <= 33 (sigma < 6,
 * or the constant-time path's small sigma); blur_gpu refuses more than this. */
#define BLUR_GPU_MAX_RADIUS 64
#define BLUR_FUSED_SHMEM_MAX (48 * 1024) /* what a launch gets without opt-in */

/* The GPU tile's halo for radius r: r rounded up to a multiple of 4, so that
 * every shared row's centre is 16-byte aligned. */
OVNI_HD int blur_halo(int r) { return (r + 3) & ~3; }

typedef struct blur_tile {
    int w;     /* output pixels per tile row, a multiple of 8 * BLUR_HX */
    int rows;  /* output rows per tile, a multiple of BLUR_VROWS */
    int words; /* 1: source rows start 4-byte aligned (32-bit loads) */
} blur_tile;

/* Taps w[0..radius]: integers (held as floats) with
 * w[0] + 2 (w[1] + .. + w[radius]) == BLUR_ONE, so w[k] <= BLUR_ONE / 2 for
 * k >= 1 (blur.c's blur_make_taps). */
#define BLUR_ONE 4096.0f
typedef struct blur_taps {
    int radius;
    float w[BLUR_MAX_RADIUS + 1];
} blur_taps;

/* One pass's planes. The scratch holds the 12-bit pass-V values split over
 * two planes of the source's format (hi: bits 8..11, lo: bits 0..7), so it
 * exists at every frame size the pools allow. */
typedef struct blur_planes {
    const uint8_t *src;
    size_t src_pitch;
    uint8_t *hi, *lo;
    size_t hi_pitch, lo_pitch;
    uint8_t *dst;
    size_t dst_pitch;
    int width, height, ch; /* ch: bytes per pixel (1, 3 or 4) */
    int premul;            /* RGBA32: blur premultiplied colour */
} blur_planes;

/* A source byte as a pass-V value: byte * 16. */
OVNI_HD float blur_value(unsigned s) { return (float)s * 16.0f; }

/* Premultiplied colour as a pass-V value: c * a / 255 * 16, rounded. */
OVNI_HD float blur_premul_value(unsigned c, unsigned a) { return (float)((c * a * 32u + 255u) / 510u); }

/* Channel c of source pixel (x, y) as the value pass V blurs. */
OVNI_HD float blur_load_src(const blur_planes *p, int x, int y, int c)
{
    const uint8_t *s = ovni_cpx(p->src, p->src_pitch, x, y, p->ch);
    return p->premul && c < 3 ? blur_premul_value(s[c], s[3]) : blur_value(s[c]);
}

/* A sum's first term, w[0] * p[0], and one tap pair added to it:
 * acc + w * (a + b). Exact (see above), fused or not. */
OVNI_HD float blur_first(float w, float v) { return w * v; }
OVNI_HD float blur_tap(float acc, float w, float a, float b) { return acc + w * (a + b); }

/* A pass's sum (value * BLUR_ONE, at most 4080 * 4096) back to a value,
 * rounded: the scratch value of pass V; pass H's before the last step. */
OVNI_HD unsigned blur_round(float sum) { return (unsigned)(sum * (1.0f / BLUR_ONE) + 0.5f); }

/* The same as a float (on the GPU without leaving the float unit). */
OVNI_HD float blur_roundf(float sum)
{
#ifdef __CUDA_ARCH__
    return floorf(sum * (1.0f / BLUR_ONE) + 0.5f);
#else
    return (float)blur_round(sum);
#endif
}

OVNI_HD void blur_store_mid(const blur_planes *p, int x, int y, int c, float sum)
{
    const unsigned q = blur_round(sum);
    p->hi[(size_t)y * p->hi_pitch + (size_t)x * p->ch + c] = (uint8_t)(q >> 8);
    p->lo[(size_t)y * p->lo_pitch + (size_t)x * p->ch + c] = (uint8_t)q;
}

/* A scratch value from its high and low bytes. */
OVNI_HD float blur_mid_value(unsigned hi, unsigned lo) { return (float)((hi << 8) | lo); }

OVNI_HD float blur_load_mid(const blur_planes *p, int x, int y, int c)
{
    size_t i = (size_t)x * p->ch + c;
    return blur_mid_value(p->hi[(size_t)y * p->hi_pitch + i], p->lo[(size_t)y * p->lo_pitch + i]);
}

/* Pass V at (x, y), channel c: the column sum for one scratch value. */
OVNI_HD float blur_vertical_px(const blur_planes *p, const blur_taps *t, int x, int y, int c)
{
    float acc = blur_first(t->w[0], blur_load_src(p, x, y, c));
    for (int k = 1; k <= t->radius; k++) {
        const int y0 = ovni_clampi(y - k, 0, p->height - 1), y1 = ovni_clampi(y + k, 0, p->height - 1);
        acc = blur_tap(acc, t->w[k], blur_load_src(p, x, y0, c), blur_load_src(p, x, y1, c));
    }
    return acc;
}

/* Pass H at (x, y), channel c: the row sum over the scratch. */
OVNI_HD float blur_horizontal_px(const blur_planes *p, const blur_taps *t, int x, int y, int c)
{
    float acc = blur_first(t->w[0], blur_load_mid(p, x, y, c));
    for (int k = 1; k <= t->radius; k++) {
        const int x0 = ovni_clampi(x - k, 0, p->width - 1), x1 = ovni_clampi(x + k, 0, p->width - 1);
        acc = blur_tap(acc, t->w[k], blur_load_mid(p, x0, y, c), blur_load_mid(p, x1, y, c));
    }
    return acc;
}

/* The final pixel's bytes d[0..ch-1] from its pass-H sums v[0..ch-1];
 * RGBA divides colour by the blurred alpha (no alpha: colour 0). */
OVNI_HD void blur_pack_dst(const blur_planes *p, const float *v, uint8_t *d)
{
    if (!p->premul) {
        for (int c = 0; c < 4; c++) /* a constant bound: the GPU keeps v in registers */
            if (c < p->ch) d[c] = (uint8_t)((blur_round(v[c]) + 8u) >> 4);
        return;
    }
    const unsigned a = blur_round(v[3]);
    for (int c = 0; c < 3; c++) {
        const unsigned q = a ? (510u * blur_round(v[c]) + a) / (2u * a) : 0u;
        d[c] = (uint8_t)(q < 255u ? q : 255u);
    }
    d[3] = (uint8_t)((a + 8u) >> 4);
}

OVNI_HD void blur_store_dst(const blur_planes *p, int x, int y, const float *v)
{
    blur_pack_dst(p, v, ovni_px(p->dst, p->dst_pitch, x, y, p->ch));
}

#ifndef __CUDACC__
#include "ovni/frame.h"
/* The exact blur with these taps (time grows with sigma), after
 * gaussian_blur's checks; dst matches src, may be src. */
int blur_exact_into(ovni_frame *dst, const ovni_frame *src, float sigma);
#endif

#endif
