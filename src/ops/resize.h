/* Axis-aligned resampling, shared by resize, crop, scale/translate and fit:
 * output pixel x (integer) maps to the source interval
 *     [x * scale + off, (x + 1) * scale + off)        (per axis)
 * which is sampled either bilinearly at its centre (enlarging) or by area
 * averaging: every source pixel weighted by its exact overlap with the
 * interval (shrinking), a box filter that does not alias at any factor.
 * With a footprint of exactly one pixel the two give the same weights, so
 * switching filter at scale 1 is seamless (no pop in a zoom animation). */
#ifndef OVNI_OPS_RESIZE_H
#define OVNI_OPS_RESIZE_H

#include <string.h>

#include "sample.h"

typedef struct resize_axis {
    float scale;   /* source pixels per output pixel */
    float off;     /* source position of output edge 0 */
    float bil_off; /* index-space source position of output centre 0: off + scale/2 - 1/2 */
    float e0, e1;  /* SAMPLE_EDGE_ZERO: the source's extent in output pixels */
    int area;      /* 1: area average, 0: bilinear */
} resize_axis;

typedef struct resize_map {
    sample_src src;
    uint8_t *dst;
    size_t dst_pitch;
    int dst_w, dst_h;
    resize_axis ax[2]; /* x, y */
    int edge;          /* SAMPLE_EDGE_CLAMP or SAMPLE_EDGE_ZERO */
    float fill[4];     /* ZERO: the colour outside (straight, alpha 0..1) */
    int wide;          /* footprints of more than RESIZE_WIDE_TAPS: resize_acc_wide (resize_map_wide) */
} resize_map;

/* Taps i0 .. i0+n-1 along one axis: weight w0 for the first, wn for the
 * last, 1 in between (area), or (w0, wn) = (1 - f, f) (bilinear). */
typedef struct resize_span {
    int i0, n;
    float w0, wn;
} resize_span;

OVNI_HD resize_span resize_span_at(const resize_axis *ax, int x, int size)
{
    resize_span s;
    if (!ax->area) {
        float u = sample_bound(SAMPLE_MUL((float)x, ax->scale) + ax->bil_off, size);
        float fu = floorf(u);
        s.i0 = (int)fu, s.n = 2;
        s.wn = u - fu;
        s.w0 = 1.0f - s.wn;
        return s;
    }
    float a = SAMPLE_MUL((float)x, ax->scale) + ax->off;
    float b = a + ax->scale;
    /* Clip the footprint to the plane: border pixels are not over-weighted
     * and the tap count stays bounded whatever the parameters. */
    a = a > 0.0f ? a : 0.0f;
    b = b < (float)size ? b : (float)size;
    if (!(b > a)) { /* footprint outside the plane: its nearest pixel */
        s.i0 = ovni_clampi((int)floorf(sample_bound(a, size)), 0, size - 1);
        s.n = 1, s.w0 = s.wn = 1.0f;
        return s;
    }
    float fa = floorf(a);
    int i1 = (int)ceilf(b) - 1;
    s.i0 = (int)fa;
    if (i1 < s.i0) i1 = s.i0;
    s.n = i1 - s.i0 + 1;
    if (s.n == 1) {
        s.w0 = s.wn = b - a;
    } else {
        s.w0 = fa + 1.0f - a;
        s.wn = b - (float)i1;
    }
    return s;
}

OVNI_HD float resize_span_w(const resize_span *s, int k)
{
    return k == 0 ? s->w0 : k == s->n - 1 ? s->wn : 1.0f;
}

/* Adds source row jj's taps of the span sx to acc, tap i with weight
 * wx_i * wy (wy = 1: wx_i exactly). Zero weights are skipped. */
OVNI_HD void resize_acc_row(const resize_map *m, const resize_span *sx, int jj, float wy, sample_acc *acc)
{
    for (int i = 0; i < sx->n; i++) {
        float wx = resize_span_w(sx, i);
        if (!(wx > 0.0f)) continue;
        sample_acc_tap(acc, &m->src, ovni_clampi(sx->i0 + i, 0, m->src.width - 1), jj, SAMPLE_MUL(wx, wy));
    }
}

/* A map whose footprints may hold more taps than this is summed by
 * resize_acc_wide; on the GPU by its own kernel (ovni_resize_wide), so the
 * everyday kernels do not carry its registers. */
#define RESIZE_WIDE_TAPS 65536

/* The area sum of a large footprint (a strong shrink: 4K to a thumbnail,
 * a frame to its mean colour). One float sum over every tap stops growing
 * once the weights reach 2^24 (6000x6000 to 1x1 gave 212 for a mean of 120)
 * and drifts by a level well before. So each row is summed in float (at
 * most 16384 taps), and the rows are added in fixed point, 2^-16 units in
 * 64-bit integers: integer sums are the same in any order, so the GPU adds
 * the rows of a pixel in parallel (ovni_resize_wide_row) and gets the CPU's
 * bits. Bounds: a row's colour sum is below 16384 x 255 x 255 < 2^30 (RGBA's
 * alpha-weighted), times 2^16, over at most 16384 rows: below 2^60. */
#define RESIZE_WIDE_SUMS 8 /* c[3], raw[3], a, w */
#define RESIZE_WIDE_ONE 65536.0

/* Row j of the footprint sx x sy, in fixed point (zeros for a row of
 * weight 0). */
OVNI_HD void resize_wide_row(const resize_map *m, const resize_span *sx, const resize_span *sy, int j,
                             long long out[RESIZE_WIDE_SUMS])
{
    for (int k = 0; k < RESIZE_WIDE_SUMS; k++) out[k] = 0;
    const float wy = resize_span_w(sy, j);
    if (!(wy > 0.0f)) return;
    sample_acc row;
    sample_acc_init(&row);
    resize_acc_row(m, sx, ovni_clampi(sy->i0 + j, 0, m->src.height - 1), 1.0f, &row);
    const float v[RESIZE_WIDE_SUMS] = {row.c[0], row.c[1], row.c[2], row.raw[0], row.raw[1], row.raw[2], row.a, row.w};
    for (int k = 0; k < RESIZE_WIDE_SUMS; k++) out[k] = llrint((double)wy * v[k] * RESIZE_WIDE_ONE);
}

/* The accumulator of the rows' sums (acc->w = 1: the totals divided by
 * their weight, which sample_acc_finish reads as before). */
OVNI_HD void resize_wide_acc(const long long sum[RESIZE_WIDE_SUMS], sample_acc *acc)
{
    sample_acc_init(acc);
    if (sum[7] <= 0) return;
    const double w = (double)sum[7];
    for (int k = 0; k < 3; k++) acc->c[k] = (float)((double)sum[k] / w), acc->raw[k] = (float)((double)sum[3 + k] / w);
    acc->a = (float)((double)sum[6] / w), acc->w = 1.0f;
}

OVNI_HD void resize_acc_wide(const resize_map *m, const resize_span *sx, const resize_span *sy, sample_acc *acc)
{
    long long sum[RESIZE_WIDE_SUMS] = {0, 0, 0, 0, 0, 0, 0, 0}, row[RESIZE_WIDE_SUMS];
    for (int j = 0; j < sy->n; j++) {
        resize_wide_row(m, sx, sy, j, row);
        for (int k = 0; k < RESIZE_WIDE_SUMS; k++) sum[k] += row[k];
    }
    resize_wide_acc(sum, acc);
}

/* Coverage of output pixel [x, x+1) by the source extent [e0, e1). */
OVNI_HD float resize_cover(const resize_axis *ax, int x)
{
    float lo = (float)x, hi = lo + 1.0f;
    lo = lo > ax->e0 ? lo : ax->e0;
    hi = hi < ax->e1 ? hi : ax->e1;
    return ovni_clampf(hi - lo, 0.0f, 1.0f);
}

/* kx or ky for resize_acc_bounded: the span's own tap count (a run-time
 * loop, zero weights summed all the same). */
#define RESIZE_TAPS_SPAN (-1)

/* Taps of the spans sx x sy with at most kx x ky of them (resize_gray_taps:
 * 2 or 3, constants in the GPU's GRAY8 copies, so the loops are fixed
 * length; or RESIZE_TAPS_SPAN), zero weights summed too: weights are >= 0 and finite and pixels
 * finite, so a zero-weight tap adds exactly +0 to every sum, in the same
 * order as resize_acc_row's, which skips them. A tap k >= n adds nothing:
 * for k = 1 (a one-tap span) it gets weight 0 and reads a clamped pixel
 * inside the plane; k = 2, a third tap that spans at scale <= 2 rarely
 * have, is skipped by a branch. */
OVNI_HD void resize_acc_bounded(const resize_map *m, const resize_span *sx, const resize_span *sy, int kx, int ky,
                                sample_acc *acc)
{
    if (kx == RESIZE_TAPS_SPAN) kx = sx->n;
    if (ky == RESIZE_TAPS_SPAN) ky = sy->n;
    for (int j = 0; j < ky; j++) {
        if (j >= 2 && j >= sy->n) break; /* a third tap only where there is one */
        float wy = j < sy->n ? resize_span_w(sy, j) : 0.0f;
        int jj = ovni_clampi(sy->i0 + j, 0, m->src.height - 1);
        for (int i = 0; i < kx; i++) {
            if (i >= 2 && i >= sx->n) break;
            float wx = i < sx->n ? resize_span_w(sx, i) : 0.0f;
            sample_acc_tap(acc, &m->src, ovni_clampi(sx->i0 + i, 0, m->src.width - 1), jj, SAMPLE_MUL(wx, wy));
        }
    }
}

/* Output pixel (x, y) of a row whose coverage covy (SAMPLE_EDGE_ZERO;
 * else 1) is known, into d; row: the row's vertical span where the walk
 * has it, or NULL: computed here once the pixel is known to be inside.
 * wide: m->wide; kx, ky: 0 (every tap, zero weights skipped), or tap
 * bounds for resize_acc_bounded (not with wide); bpp: m->src.bpp (1 in the
 * GRAY8 walk). Constants in the kernels, so the branches compile away. */
OVNI_HD void resize_px_at(const resize_map *m, int x, int y, const resize_span *row, float covy, int wide, int kx,
                          int ky, int bpp, uint8_t *d)
{
    float cov = 1.0f;
    if (m->edge == SAMPLE_EDGE_ZERO) {
        cov = resize_cover(&m->ax[0], x) * covy;
        if (!(cov > 0.0f)) { /* wholly outside the source: the fill colour */
            sample_px none = {{0.0f, 0.0f, 0.0f}, 0.0f};
            sample_store_over(d, bpp, none, m->fill);
            return;
        }
    }
    resize_span sx = resize_span_at(&m->ax[0], x, m->src.width);
    const resize_span sy = row ? *row : resize_span_at(&m->ax[1], y, m->src.height);
    sample_acc acc;
    sample_acc_init(&acc);
    if (wide) {
        resize_acc_wide(m, &sx, &sy, &acc);
    } else if (kx && ky) {
        resize_acc_bounded(m, &sx, &sy, kx, ky, &acc);
    } else {
        for (int j = 0; j < sy.n; j++) {
            float wy = resize_span_w(&sy, j);
            if (wy > 0.0f) resize_acc_row(m, &sx, ovni_clampi(sy.i0 + j, 0, m->src.height - 1), wy, &acc);
        }
    }
    sample_store_over(d, bpp, sample_acc_finish(&acc, bpp, cov), m->fill);
}

/* Output pixel (x, y): the reference for every resampled pixel. */
OVNI_HD void resize_px_sum(const resize_map *m, int x, int y, int wide)
{
    float covy = m->edge == SAMPLE_EDGE_ZERO ? resize_cover(&m->ax[1], y) : 1.0f;
    resize_px_at(m, x, y, NULL, covy, wide, 0, 0, m->src.bpp, ovni_px(m->dst, m->dst_pitch, x, y, m->src.bpp));
}

/* Output pixel (x, y) of a wide map whose rows' sums are `sum`
 * (resize_wide_row's, added up): resize_px_sum's value. */
OVNI_HD void resize_wide_store(const resize_map *m, int x, int y, const long long sum[RESIZE_WIDE_SUMS])
{
    uint8_t *d = ovni_px(m->dst, m->dst_pitch, x, y, m->src.bpp);
    float cov = 1.0f;
    if (m->edge == SAMPLE_EDGE_ZERO) cov = resize_cover(&m->ax[0], x) * resize_cover(&m->ax[1], y);
    sample_acc acc;
    resize_wide_acc(sum, &acc);
    sample_store_over(d, m->src.bpp, sample_acc_finish(&acc, m->src.bpp, cov), m->fill);
}

/* Whether output pixel (x, y) of an SAMPLE_EDGE_ZERO map lies wholly
 * outside the source (resize_px_at then stores the fill colour). */
OVNI_HD int resize_px_outside(const resize_map *m, int x, int y)
{
    return m->edge == SAMPLE_EDGE_ZERO && !(resize_cover(&m->ax[0], x) * resize_cover(&m->ax[1], y) > 0.0f);
}

/* The GPU's wide walk's per-pixel slots: RESIZE_WIDE_SUMS 64-bit sums and
 * a count of rows added, RESIZE_WIDE_SLOT bytes, `cols` slots a row of a
 * scratch plane. */
#define RESIZE_WIDE_SLOT (8 * (RESIZE_WIDE_SUMS + 1))
typedef struct resize_wide_slots {
    uint8_t *data;
    size_t pitch;
    int cols;
} resize_wide_slots;

OVNI_HD unsigned long long *resize_wide_slot(const resize_wide_slots *s, int i)
{
    return (unsigned long long *)(s->data + (size_t)(i / s->cols) * s->pitch + (size_t)(i % s->cols) * RESIZE_WIDE_SLOT);
}

/* The most rows a footprint of m holds (the GPU's wide walk runs a thread
 * per pixel and row). */
static inline int resize_wide_rows(const resize_map *m)
{
    return m->ax[1].area ? (int)fmin(m->src.height, ceil(m->ax[1].scale) + 1.0) : 2;
}

/* A pixel of a map that is not wide (the GPU kernels but ovni_resize_wide). */
OVNI_HD void resize_px(const resize_map *m, int x, int y) { resize_px_sum(m, x, y, 0); }

/* The GPU's GRAY8 walk (not for wide maps): one thread makes 4 pixels of a
 * row, since a thread per byte spends its issue slots on the per-pixel map
 * for one byte; the row's span and coverage are computed once for the 4.
 * Output pixels 4 gx .. 4 gx + 3 of row y (those inside the row); an
 * aligned group wholly inside is stored as one 32-bit word. m->src.bpp
 * must be 1. */
OVNI_HD void resize_gray_px4(const resize_map *m, int gx, int y, int kx, int ky)
{
    int x0 = 4 * gx;
    if (x0 >= m->dst_w || y >= m->dst_h) return;
    resize_span sy = resize_span_at(&m->ax[1], y, m->src.height);
    float covy = m->edge == SAMPLE_EDGE_ZERO ? resize_cover(&m->ax[1], y) : 1.0f;
    uint8_t *d = ovni_px(m->dst, m->dst_pitch, x0, y, 1);
    int word = x0 + 4 <= m->dst_w && ((uintptr_t)d & 3) == 0;
    uint32_t w = 0;
    for (int k = 0; k < 4 && x0 + k < m->dst_w; k++) {
        uint8_t v;
        resize_px_at(m, x0 + k, y, &sy, covy, 0, kx, ky, 1, &v);
        if (word) w |= (uint32_t)v << (8 * k); /* byte k at d + k: little-endian */
        else d[k] = v;
    }
    if (word) {
#ifdef __CUDA_ARCH__
        *(uint32_t *)d = w;
#else
        memcpy(d, &w, 4); /* the same bytes on a little-endian host */
#endif
    }
}

/* The tap bound resize_gray_px4 may assume along an axis: 2 for bilinear,
 * 3 for area at scale <= 2 (a footprint of at most 2 pixels meets at most
 * 3), RESIZE_TAPS_SPAN (the span's own count) otherwise. */
OVNI_HD int resize_gray_taps(const resize_axis *ax)
{
    return !ax->area ? 2 : ax->scale <= 2.0f ? 3 : RESIZE_TAPS_SPAN;
}

/* Scale 1 on both axes with the bilinear filter: a crop box of whole size
 * at a fractional offset, a translate at s = 1, the common case of an
 * animated pan. Output pixel (x, y) then mixes source pixels x + ix .. +1,
 * y + iy .. +1 with the same four weights everywhere, so they are computed
 * once (resize_subpx_make, normalised to sum 1) instead of per pixel, and a
 * pixel whose four taps lie inside the source (coverage 1) is a weighted sum
 * of four pixels without resize_px's per-tap tests and divisions; the others
 * go through resize_px. Both backends take this path (its sums can differ
 * from resize_px's in the last bit), so they agree as everywhere else. */
/* GPU: GRAY8 output pixels per thread on the scale-1 path (4 or 8), and
 * the pixels a thread of ovni_resize_subpx makes for bpp bytes a pixel
 * (resize.c sizes the grid by it, resize.cu steps by it). */
#define RESIZE_GRAY_PX 8
#define RESIZE_SUBPX_PX(bpp) ((bpp) == 4 ? 2 : (bpp) == 3 ? 4 : RESIZE_GRAY_PX)

typedef struct resize_subpx {
    int ix, iy;
    float w[4]; /* taps (0,0), (1,0), (0,1), (1,1) */
} resize_subpx;

/* The map's set-up, on the host (geometry.c; tests/kernel_emu sets up the
 * maps it gives the kernels with these same functions). */

/* Axis from "output edge 0 is at source `off`, `scale` source pixels per
 * output pixel"; area when scale > 1 (shrinking). e0/e1 from the source
 * size (used by SAMPLE_EDGE_ZERO). Computed in double, stored as float. */
static inline resize_axis resize_axis_make(double scale, double off, int src_size)
{
    resize_axis a;
    a.scale = (float)scale;
    a.off = (float)off;
    a.bil_off = (float)(off + 0.5 * scale - 0.5);
    a.e0 = (float)(-off / scale);
    a.e1 = (float)((src_size - off) / scale);
    a.area = scale > 1.0;
    return a;
}

/* Whether m's footprints (m->ax and m->src set) may hold more than
 * RESIZE_WIDE_TAPS taps: the most along x times the most along y. */
static inline int resize_map_wide(const resize_map *m)
{
    const int size[2] = {m->src.width, m->src.height};
    double taps = 1.0;
    for (int a = 0; a < 2; a++) taps *= m->ax[a].area ? fmin(size[a], ceil(m->ax[a].scale) + 1.0) : 2.0;
    return taps > RESIZE_WIDE_TAPS;
}

/* resize_subpx's weights when m is bilinear at scale 1 on both axes
 * (normalised in double); 0 if it is not. */
static inline int resize_subpx_make(const resize_map *m, resize_subpx *s)
{
    float f[2];
    int i[2];
    for (int a = 0; a < 2; a++) {
        if (m->ax[a].area || m->ax[a].scale != 1.0f) return 0;
        const float fi = floorf(m->ax[a].bil_off);
        i[a] = (int)fi, f[a] = m->ax[a].bil_off - fi;
    }
    s->ix = i[0], s->iy = i[1];
    const double w[4] = {(1.0 - f[0]) * (1.0 - f[1]), f[0] * (1.0 - f[1]), (1.0 - f[0]) * f[1], f[0] * f[1]};
    const double sum = w[0] + w[1] + w[2] + w[3];
    for (int k = 0; k < 4; k++) s->w[k] = (float)(w[k] / sum);
    return 1;
}

/* Pixel p's 4 bytes as floats; on the GPU one 32-bit load where aligned. */
OVNI_HD void resize_load4(const uint8_t *p, float v[4])
{
#ifdef __CUDA_ARCH__
    if (((size_t)p & 3) == 0) {
        const uint32_t u = *(const uint32_t *)p;
        for (int k = 0; k < 4; k++) v[k] = (float)((u >> (8 * k)) & 255u);
        return;
    }
#endif
    for (int k = 0; k < 4; k++) v[k] = (float)p[k];
}

/* Is output pixel (x, y) inside, all four taps in the source? */
OVNI_HD int resize_subpx_inside(const resize_map *m, const resize_subpx *s, int x, int y)
{
    const int sx = x + s->ix, sy = y + s->iy;
    return sx >= 0 && sy >= 0 && sx + 1 < m->src.width && sy + 1 < m->src.height;
}

/* One channel of an inside pixel from its four taps' values, GRAY8 and
 * RGB24 (coverage 1: the background does not show). */
OVNI_HD uint8_t resize_subpx_value(const resize_subpx *s, float t00, float t10, float t01, float t11)
{
    return ovni_u8(s->w[0] * t00 + s->w[1] * t10 + s->w[2] * t01 + s->w[3] * t11);
}

/* An inside pixel's bytes d[0..bpp-1] from its taps t[]. */
OVNI_HD void resize_subpx_mix(const resize_subpx *s, const uint8_t *const t[4], int bpp, uint8_t *d)
{
    for (int k = 0; k < 3; k++) /* a constant bound: unrolled on the GPU */
        if (k < bpp) d[k] = resize_subpx_value(s, t[0][k], t[1][k], t[2][k], t[3][k]);
}

/* An inside RGBA32 pixel's bytes o[] from its taps p[] (floats): colour
 * weighted by alpha, as sample_acc_tap / finish, over the fill colour. */
OVNI_HD void resize_subpx_rgba(const resize_map *m, const resize_subpx *s, const float p[4][4], uint8_t o[4])
{
    float wa[4], a = 0.0f;
    for (int k = 0; k < 4; k++) wa[k] = s->w[k] * p[k][3], a += wa[k];
    sample_px v;
    if (a > 0.0f) {
#ifdef __CUDA_ARCH__
        const float inv = __fdividef(1.0f, a); /* approximate (2 ulp): within checkops' +-1, no slow path */
#else
        const float inv = 1.0f / a;
#endif
        for (int c = 0; c < 3; c++) v.c[c] = (wa[0] * p[0][c] + wa[1] * p[1][c] + wa[2] * p[2][c] + wa[3] * p[3][c]) * inv;
    } else {
        for (int c = 0; c < 3; c++)
            v.c[c] = s->w[0] * p[0][c] + s->w[1] * p[1][c] + s->w[2] * p[2][c] + s->w[3] * p[3][c];
    }
    v.a = a * (1.0f / 255.0f);
    sample_store_over(o, 4, v, m->fill);
}

OVNI_HD void resize_subpx_px(const resize_map *m, const resize_subpx *s, int x, int y)
{
    const int sx = x + s->ix, sy = y + s->iy, bpp = m->src.bpp;
    if (!resize_subpx_inside(m, s, x, y)) {
        resize_px(m, x, y);
        return;
    }
    const uint8_t *r0 = ovni_cpx(m->src.data, m->src.pitch, sx, sy, bpp), *r1 = r0 + m->src.pitch;
    const uint8_t *t[4] = {r0, r0 + bpp, r1, r1 + bpp};
    uint8_t *d = ovni_px(m->dst, m->dst_pitch, x, y, bpp);
    if (bpp != 4) { /* coverage 1: the background does not show */
        resize_subpx_mix(s, t, bpp, d);
        return;
    }
    float p[4][4];
    for (int k = 0; k < 4; k++) resize_load4(t[k], p[k]);
    uint8_t o[4];
    resize_subpx_rgba(m, s, p, o);
#ifdef __CUDA_ARCH__
    if (((size_t)d & 3) == 0) { /* one 32-bit store, not four byte stores */
        *(uint32_t *)d = ovni_pack4(o);
        return;
    }
#endif
    for (int k = 0; k < 4; k++) d[k] = o[k];
}

#endif
