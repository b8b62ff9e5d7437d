/* Gaussian blur math, shared by blur.c (CPU) and blur.cu (CUDA).
 *
 * Two separable passes with clamp-to-edge borders:
 *   pass V (vertical):   8-bit source -> 8.8 fixed-point scratch (two planes
 *                        of the source's format: high and low bytes);
 *   pass H (horizontal): scratch -> 8-bit destination.
 * The vertical pass goes first so that it reads the cheap 8-bit source with
 * coalesced rows. On the GPU both passes run in one kernel and the scratch
 * values of a tile stay in shared memory (blur.cu); the CPU walk keeps the
 * scratch planes.
 *
 * Each output is w[0]*p[0] + sum_{k=1..r} w[k]*(p[-k] + p[+k]), summed in
 * that order with every multiply and add rounded separately (BLUR_MUL/ADD:
 * the compiler must not fuse them into FMAs), from the same host-computed
 * taps on both backends. The GPU kernel fuses them for GRAY8 and RGB24 (a
 * third fewer instructions; an output may differ by one level) and keeps
 * them apart for RGBA32, whose bits match the CPU's (blur.cu says why).
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

typedef struct blur_taps {
    int radius;
    float w[BLUR_MAX_RADIUS + 1];
} blur_taps;

#ifdef __CUDA_ARCH__
#define BLUR_MUL(a, b) __fmul_rn((a), (b))
#define BLUR_ADD(a, b) __fadd_rn((a), (b))
#define BLUR_DIV(a, b) __fdiv_rn((a), (b))
#else
#define BLUR_MUL(a, b) ((a) * (b))
#define BLUR_ADD(a, b) ((a) + (b))
#define BLUR_DIV(a, b) ((a) / (b))
#endif

/* One pass's planes. The scratch holds value * 256 as a 16-bit number split
 * over two planes of the source's format (hi, lo), so it exists at every
 * frame size the pools allow. */
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

/* Premultiplied colour value: c * (alpha / 255). */
OVNI_HD float blur_premul(float c, float a) { return BLUR_MUL(c, BLUR_MUL(a, 1.0f / 255.0f)); }

/* Channel c of source pixel (x, y) as the float the vertical pass blurs. */
OVNI_HD float blur_load_src(const blur_planes *p, int x, int y, int c)
{
    const uint8_t *s = ovni_cpx(p->src, p->src_pitch, x, y, p->ch);
    float v = (float)s[c];
    if (p->premul && c < 3) v = blur_premul(v, (float)s[3]);
    return v;
}

/* One tap pair added to an accumulator: acc + w * (a + b). */
OVNI_HD float blur_tap(float acc, float w, float a, float b)
{
    return BLUR_ADD(acc, BLUR_MUL(w, BLUR_ADD(a, b)));
}

/* Vertical pass result -> 8.8 fixed point (value * 256, rounded). */
OVNI_HD unsigned blur_quantize(float v)
{
    float f = BLUR_ADD(BLUR_MUL(ovni_clampf(v, 0.0f, 255.0f), 256.0f), 0.5f);
    unsigned q = (unsigned)f;
    return q > 65535u ? 65535u : q;
}

OVNI_HD void blur_store_mid(const blur_planes *p, int x, int y, int c, float v)
{
    unsigned q = blur_quantize(v);
    p->hi[(size_t)y * p->hi_pitch + (size_t)x * p->ch + c] = (uint8_t)(q >> 8);
    p->lo[(size_t)y * p->lo_pitch + (size_t)x * p->ch + c] = (uint8_t)q;
}

/* A scratch value from its high and low bytes. */
OVNI_HD float blur_mid_value(unsigned hi, unsigned lo) { return BLUR_MUL((float)((hi << 8) | lo), 1.0f / 256.0f); }

OVNI_HD float blur_load_mid(const blur_planes *p, int x, int y, int c)
{
    size_t i = (size_t)x * p->ch + c;
    return blur_mid_value(p->hi[(size_t)y * p->hi_pitch + i], p->lo[(size_t)y * p->lo_pitch + i]);
}

/* Vertical pass at (x, y), channel c: the whole column sum for one output. */
OVNI_HD float blur_vertical_px(const blur_planes *p, const blur_taps *t, int x, int y, int c)
{
    float acc = BLUR_MUL(t->w[0], blur_load_src(p, x, y, c));
    for (int k = 1; k <= t->radius; k++) {
        int y0 = y - k < 0 ? 0 : y - k;
        int y1 = y + k >= p->height ? p->height - 1 : y + k;
        acc = blur_tap(acc, t->w[k], blur_load_src(p, x, y0, c), blur_load_src(p, x, y1, c));
    }
    return acc;
}

/* Horizontal sum for the pixel at e[centre] of one channel's row, widened
 * by `radius` clamped samples on each side (e[i] is pixel i - radius). The
 * CPU walk runs the same taps in the same order with the loops swapped. */
OVNI_HD float blur_row_px(const float *e, int centre, const blur_taps *t)
{
    float acc = BLUR_MUL(t->w[0], e[centre]);
    for (int k = 1; k <= t->radius; k++) acc = blur_tap(acc, t->w[k], e[centre - k], e[centre + k]);
    return acc;
}

/* The final pixel's bytes d[0..ch-1] from its horizontal sums v[0..ch-1];
 * RGBA divides colour by the blurred alpha (no alpha: colour 0). */
OVNI_HD void blur_pack_dst(const blur_planes *p, const float *v, uint8_t *d)
{
    if (!p->premul) {
        for (int c = 0; c < 4; c++) /* a constant bound: the GPU keeps v in registers */
            if (c < p->ch) d[c] = ovni_u8(v[c]);
        return;
    }
    float a = v[3];
    for (int c = 0; c < 3; c++) d[c] = a > 0.0f ? ovni_u8(BLUR_DIV(BLUR_MUL(v[c], 255.0f), a)) : 0;
    d[3] = ovni_u8(a);
}

OVNI_HD void blur_store_dst(const blur_planes *p, int x, int y, const float *v)
{
    blur_pack_dst(p, v, ovni_px(p->dst, p->dst_pitch, x, y, p->ch));
}

#ifndef __CUDACC__
#include "ovni/frame.h"
/* The two ways gaussian_blur runs, after its checks (blur.c): exactly, with
 * these taps (time grows with sigma), and from BLUR_PYR_MIN_SIGMA up in
 * constant time per pixel (blur_pyramid.c). dst matches src; may be src. */
int blur_exact_into(ovni_frame *dst, const ovni_frame *src, float sigma);
int blur_pyramid_into(ovni_frame *dst, const ovni_frame *src, float sigma);
#endif

#endif
