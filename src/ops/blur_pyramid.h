/* Large-sigma Gaussian blur in constant time per pixel, shared by
 * blur_pyramid.c (CPU) and blur_pyramid.cu (CUDA).
 *
 * The exact blur (blur.h) costs time proportional to the radius, 3 sigma.
 * From BLUR_PYR_MIN_SIGMA up, gaussian_blur instead
 *   1. shrinks the frame by f = 2, 4, 8 or 16 (sigma / 3 rounded down to a
 *      power of two) with a box average of f x f pixels, plus a ring of
 *      small pixels outside the frame made of its edge pixels;
 *   2. blurs the small frame exactly with sigma' (blur.h), where
 *      (f sigma')^2 = sigma^2 - var(box of f) - var(bilinear over spacing f),
 *      so the three kernels together have the requested variance;
 *   3. enlarges it back bilinearly (small pixel i's centre is at
 *      i f + (f - 1) / 2, clamped at the borders).
 * sigma' stays >= about 2.9, so the small frame's blur is smooth enough that
 * the bilinear step adds no visible grid; steps 1 and 3 read and write the
 * full frame once each, whatever sigma. docs/ops.md gives the measured
 * difference to the exact blur.
 *
 * Steps 1 and 3 are integer arithmetic (f is a power of two: divisions are
 * shifts, but for the premultiplied colour), as is step 2 (blur.h), so both
 * backends give the same bits. RGBA32 is averaged and interpolated
 * premultiplied, as in blur.h. */
#ifndef OVNI_OPS_BLUR_PYRAMID_H
#define OVNI_OPS_BLUR_PYRAMID_H

#include "op_common.h"

#define BLUR_PYR_MIN_SIGMA 6.0f /* f = 2 from here (sigma' ~ 2.9) */
#define BLUR_PYR_MAX_SHIFT 4    /* f <= 16: step 1 sums at most 256 pixels */
#define BLUR_PYR_MARGIN 1       /* small pixels left of and above the frame (see blur_pyr_down_px) */
/* GPU step 1: a thread adds BLUR_PYR_DOWN_ROWS rows of the blocks of
 * BLUR_PYR_DOWN_GROUP consecutive small pixels, a span of
 * max(BLUR_PYR_DOWN_SPAN, f) source pixels per row loaded as words; the
 * f / BLUR_PYR_DOWN_ROWS threads of one block (BLUR_PYR_DOWN_LANES, adjacent
 * lanes of a warp) then add up their sums with warp shuffles. So a thread
 * reads 2 rows of 8 source pixels (16 at f = 16) whatever f, with no
 * shared memory, and enough threads are in flight even at f = 16. */
#define BLUR_PYR_DOWN_THREADS 256 /* threads per CUDA block (whole warps) */
#define BLUR_PYR_DOWN_ROWS 2
#define BLUR_PYR_DOWN_SPAN 8
#define BLUR_PYR_DOWN_GROUP(shift) ((shift) >= 3 ? 1 : BLUR_PYR_DOWN_SPAN >> (shift))
#define BLUR_PYR_DOWN_LANES(shift) ((1 << (shift)) / BLUR_PYR_DOWN_ROWS)
/* GPU step 3: consecutive output pixels per thread (a multiple of 4: stored
 * 4 at a time as words). 8 share the per-thread setup and the small
 * columns' vertical sums; 4 for RGBA32, whose time goes to the three
 * divisions per pixel and whose registers would double. */
#define BLUR_PYR_UP_X(ch) ((ch) == 4 ? 4 : 8)

typedef struct blur_pyr {
    const uint8_t *src;  /* full size (steps 1) */
    size_t src_pitch;
    uint8_t *small;      /* sw x sh, the source's format (step 1 writes, 3 reads) */
    size_t small_pitch;
    uint8_t *dst;        /* full size (step 3) */
    size_t dst_pitch;
    int width, height, sw, sh, ch;
    int shift;           /* f = 1 << shift, 1..BLUR_PYR_MAX_SHIFT */
    int premul;          /* RGBA32 */
} blur_pyr;

/* Step 1 for small pixel (i, j) is the mean of the f x f block at
 * ((i - BLUR_PYR_MARGIN) f, (j - BLUR_PYR_MARGIN) f), coordinates clamped to the frame. With
 * a margin of 1 the small frame's outer ring lies wholly outside the frame, so
 * it holds the frame's edge pixels alone (averaged along the edge), not
 * f x f averages that mix in inner pixels; the small frame's blur repeats
 * that ring outwards, so it sees the same replicated border as the exact
 * blur. (A wider margin would only add copies of the ring.)
 * Integer sums, so the order pixels are added in (a few rows per thread on
 * the GPU, then across threads) does not change the result. */

/* Row dy (0..f-1) of small pixel (i, j)'s block: the source row (clamped
 * to the frame) and, in *x0, the block's first column (may be outside). */
OVNI_HD const uint8_t *blur_pyr_block_row(const blur_pyr *p, int i, int j, int dy, int *x0)
{
    const int f = 1 << p->shift;
    *x0 = (i - BLUR_PYR_MARGIN) * f;
    return p->src + (size_t)ovni_clampi((j - BLUR_PYR_MARGIN) * f + dy, 0, p->height - 1) * p->src_pitch;
}

/* One RGBA32 pixel added premultiplied: colour times alpha, and alpha. */
OVNI_HD void blur_pyr_add_premul(uint32_t sum[4], uint32_t r, uint32_t g, uint32_t b, uint32_t a)
{
    sum[0] += r * a, sum[1] += g * a, sum[2] += b * a, sum[3] += a;
}

/* Adds row dy (0..f-1) of small pixel (i, j)'s block to sum[]: channel
 * values, or for RGBA32 colour times alpha and alpha. */
OVNI_HD void blur_pyr_row_sum(const blur_pyr *p, int i, int j, int dy, uint32_t sum[4])
{
    int x0;
    const uint8_t *row = blur_pyr_block_row(p, i, j, dy, &x0);
    for (int dx = 0; dx < (1 << p->shift); dx++) {
        const uint8_t *s = row + (size_t)ovni_clampi(x0 + dx, 0, p->width - 1) * p->ch;
        if (p->premul) {
            blur_pyr_add_premul(sum, s[0], s[1], s[2], s[3]);
        } else {
            for (int c = 0; c < 4; c++) /* a constant bound: sum[] stays in registers on the GPU */
                if (c < p->ch) sum[c] += s[c];
        }
    }
}

/* Writes small pixel (i, j) from its block's sums. */
OVNI_HD void blur_pyr_down_store(const blur_pyr *p, int i, int j, const uint32_t sum[4])
{
    const int n2 = 2 * p->shift;
    const uint32_t half = (1u << n2) >> 1;
    uint8_t *d = ovni_px(p->small, p->small_pitch, i, j, p->ch);
    if (!p->premul) {
        for (int c = 0; c < 4; c++)
            if (c < p->ch) d[c] = (uint8_t)((sum[c] + half) >> n2);
        return;
    }
    /* colour = sum(c a) / sum(a), rounded; alpha = the plain mean */
    for (int c = 0; c < 3; c++) {
        uint32_t v = sum[3] ? (2 * sum[c] + sum[3]) / (2 * sum[3]) : 0;
        d[c] = (uint8_t)(v > 255 ? 255 : v);
    }
    d[3] = (uint8_t)((sum[3] + half) >> n2);
}

OVNI_HD void blur_pyr_down_px(const blur_pyr *p, int i, int j)
{
    uint32_t sum[4] = {0, 0, 0, 0};
    for (int dy = 0; dy < (1 << p->shift); dy++) blur_pyr_row_sum(p, i, j, dy, sum);
    blur_pyr_down_store(p, i, j, sum);
}

/* GPU step 1 splits each small row into groups of G = BLUR_PYR_DOWN_GROUP
 * small pixels, group g holding pixels G (g - 1) + 1 .. G g: their blocks
 * start at source column (g - 1) G f, a multiple of the span, so inside the
 * frame a thread's span starts on a word (on the row's alignment). Group 0
 * holds the left ring's pixel 0 alone. The number of groups: */
OVNI_HD int blur_pyr_down_groups(const blur_pyr *p)
{
    const int g = BLUR_PYR_DOWN_GROUP(p->shift);
    return (p->sw - 1 + g - 1) / g + 1;
}

/* Step 3 along one axis: output index x (x + BLUR_PYR_MARGIN f from the small
 * frame's edge) sits at small coordinate u = (2x - f + 1) / 2f. Returns the
 * small index floor(u) before clamping, and in *w1 the weight of the next
 * one in units of 1/2f (odd: 1, 3 .. 2f - 1). */
OVNI_HD int blur_pyr_axis_at(int x, int shift, uint32_t *w1)
{
    const int num = 2 * x - (1 << shift) + 1; /* >= 1 - f > -2f */
    const int i = num < 0 ? -1 : num >> (shift + 1);
    *w1 = (uint32_t)(num - i * (2 << shift));
    return i;
}

/* The same with the two small indices clamped to 0..n-1. (With a margin of
 * 1 they never need it for x inside the frame: see blur_pyramid.cu.) */
OVNI_HD void blur_pyr_axis(int x, int shift, int n, int *i0, int *i1, uint32_t *w1)
{
    const int i = blur_pyr_axis_at(x, shift, w1);
    *i0 = ovni_clampi(i, 0, n - 1);
    *i1 = ovni_clampi(i + 1, 0, n - 1);
}

/* Step 3's vertical part for output row y: the two small rows and their
 * weights, shared by the whole row. */
typedef struct blur_pyr_rows {
    const uint8_t *r0, *r1;
    uint32_t w0, w1; /* units of 1/2f */
} blur_pyr_rows;

OVNI_HD blur_pyr_rows blur_pyr_up_rows(const blur_pyr *p, int y)
{
    int y0, y1;
    blur_pyr_rows r;
    blur_pyr_axis(y + (BLUR_PYR_MARGIN << p->shift), p->shift, p->sh, &y0, &y1, &r.w1);
    r.w0 = (2u << p->shift) - r.w1;
    r.r0 = p->small + (size_t)y0 * p->small_pitch;
    r.r1 = p->small + (size_t)y1 * p->small_pitch;
    return r;
}

/* Step 3 is bilinear with weights wx wy in units of 1 / (2f)^2, done as
 * its two halves: first down each small column, then across the two
 * columns. The integer sums are the same as weighting the four pixels
 * directly (the products only regroup), so the GPU, which shares each
 * column's sums between neighbouring outputs as the CPU walk does, gives
 * the same bits.
 * Vertical half for small column i: channel values weighted by rows->w0,
 * w1; for RGBA32 colour times alpha in v[0..2] and alpha in v[3]. */
OVNI_HD void blur_pyr_up_col(const blur_pyr *p, const blur_pyr_rows *rows, int i, uint32_t v[4])
{
    const uint8_t *a = rows->r0 + (size_t)i * p->ch, *b = rows->r1 + (size_t)i * p->ch;
    if (p->premul) {
        const uint32_t wa = rows->w0 * a[3], wb = rows->w1 * b[3]; /* <= 32 * 255 each */
        for (int c = 0; c < 3; c++) v[c] = wa * a[c] + wb * b[c];
        v[3] = wa + wb;
        return;
    }
    for (int c = 0; c < p->ch; c++) /* a constant on the GPU (blur_pyr_fixed): v[] stays in registers */
        v[c] = rows->w0 * a[c] + rows->w1 * b[c];
}

/* Horizontal half: the output pixel into d[0..ch-1] from the column sums v0
 * (left) and v1 (right), wx1 = the right one's weight in units of 1/2f. */
OVNI_HD void blur_pyr_up_mix(const blur_pyr *p, const uint32_t v0[4], const uint32_t v1[4], uint32_t wx1, uint8_t *d)
{
    const uint32_t wx0 = (2u << p->shift) - wx1;
    const int n2 = 2 * p->shift + 2; /* (2f)^2 = 1 << n2 */
    const uint32_t half = 1u << (n2 - 1);
    if (!p->premul) {
        for (int c = 0; c < p->ch; c++) d[c] = (uint8_t)((wx0 * v0[c] + wx1 * v1[c] + half) >> n2);
        return;
    }
    const uint32_t acc_a = wx0 * v0[3] + wx1 * v1[3]; /* weights times alpha: <= 1024 * 255 */
    for (int c = 0; c < 3; c++) {
        uint32_t acc = wx0 * v0[c] + wx1 * v1[c];
        uint32_t v = acc_a ? (2 * acc + acc_a) / (2 * acc_a) : 0;
        d[c] = (uint8_t)(v > 255 ? 255 : v);
    }
    d[3] = (uint8_t)((acc_a + half) >> n2);
}

/* Step 3 for output pixel (x, y) alone. */
OVNI_HD void blur_pyr_up_px(const blur_pyr *p, int x, int y)
{
    const blur_pyr_rows rows = blur_pyr_up_rows(p, y);
    int i0, i1;
    uint32_t w1, v0[4] = {0, 0, 0, 0}, v1[4] = {0, 0, 0, 0};
    blur_pyr_axis(x + (BLUR_PYR_MARGIN << p->shift), p->shift, p->sw, &i0, &i1, &w1);
    blur_pyr_up_col(p, &rows, i0, v0);
    blur_pyr_up_col(p, &rows, i1, v1);
    blur_pyr_up_mix(p, v0, v1, w1, ovni_px(p->dst, p->dst_pitch, x, y, p->ch));
}

/* Step 3 for outputs x0 .. x1 - 1 of row y, whose small rows are `rows`
 * (blur_pyr_up_rows). Outputs between the same two small columns share
 * their vertical sums, and the right column's serve as the next pair's
 * left, so each column is summed once per row. */
OVNI_HD void blur_pyr_up_span(const blur_pyr *p, const blur_pyr_rows *rows, int x0, int x1, int y)
{
    uint8_t *d = ovni_px(p->dst, p->dst_pitch, x0, y, p->ch);
    uint32_t v0[4] = {0, 0, 0, 0}, v1[4] = {0, 0, 0, 0};
    int cur = 0; /* small index (unclamped) whose columns v0, v1 hold */
    for (int x = x0; x < x1; x++, d += p->ch) {
        uint32_t w1;
        const int i = blur_pyr_axis_at(x + (BLUR_PYR_MARGIN << p->shift), p->shift, &w1);
        if (x == x0 || i != cur) {
            if (x != x0 && i == cur + 1)
                for (int c = 0; c < 4; c++) v0[c] = v1[c];
            else
                blur_pyr_up_col(p, rows, ovni_clampi(i, 0, p->sw - 1), v0);
            blur_pyr_up_col(p, rows, ovni_clampi(i + 1, 0, p->sw - 1), v1);
            cur = i;
        }
        blur_pyr_up_mix(p, v0, v1, w1, d);
    }
}

#ifndef __CUDACC__
#include "ovni/frame.h"
/* The constant-time blur from BLUR_PYR_MIN_SIGMA, after gaussian_blur's
 * checks; dst matches src, may be src. */
int blur_pyramid_into(ovni_frame *dst, const ovni_frame *src, float sigma);
#endif

#endif
