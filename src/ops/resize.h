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

/* Coverage of output pixel [x, x+1) by the source extent [e0, e1). */
OVNI_HD float resize_cover(const resize_axis *ax, int x)
{
    float lo = (float)x, hi = lo + 1.0f;
    lo = lo > ax->e0 ? lo : ax->e0;
    hi = hi < ax->e1 ? hi : ax->e1;
    return ovni_clampf(hi - lo, 0.0f, 1.0f);
}

OVNI_HD void resize_px(const resize_map *m, int x, int y)
{
    uint8_t *d = ovni_px(m->dst, m->dst_pitch, x, y, m->src.bpp);
    float cov = 1.0f;
    if (m->edge == SAMPLE_EDGE_ZERO) {
        cov = resize_cover(&m->ax[0], x) * resize_cover(&m->ax[1], y);
        if (!(cov > 0.0f)) { /* wholly outside the source: the fill colour */
            sample_px none = {{0.0f, 0.0f, 0.0f}, 0.0f};
            sample_store_over(d, m->src.bpp, none, m->fill);
            return;
        }
    }
    resize_span sx = resize_span_at(&m->ax[0], x, m->src.width);
    resize_span sy = resize_span_at(&m->ax[1], y, m->src.height);
    sample_acc acc;
    sample_acc_init(&acc);
    for (int j = 0; j < sy.n; j++) {
        float wy = resize_span_w(&sy, j);
        if (!(wy > 0.0f)) continue;
        int jj = ovni_clampi(sy.i0 + j, 0, m->src.height - 1);
        for (int i = 0; i < sx.n; i++) {
            float wx = resize_span_w(&sx, i);
            if (!(wx > 0.0f)) continue;
            sample_acc_tap(&acc, &m->src, ovni_clampi(sx.i0 + i, 0, m->src.width - 1), jj, SAMPLE_MUL(wx, wy));
        }
    }
    sample_store_over(d, m->src.bpp, sample_acc_finish(&acc, m->src.bpp, cov), m->fill);
}

#ifndef __CUDACC__
#include "op_internal.h"

/* Host side, shared by crop.c, transform.c and fit.c. */

/* Axis from "output edge 0 is at source `off`, `scale` source pixels per
 * output pixel"; area when scale > 1 (shrinking). e0/e1 from the source
 * size (used by SAMPLE_EDGE_ZERO). Computed in double, stored as float. */
resize_axis resize_axis_make(double scale, double off, int src_size);

/* Checks dst and src for a geometric op: valid frames, same memory and
 * device, same format, one of RGB24/RGBA32 (and GRAY8 if allow_gray). */
int resize_check(const char *op, ovni_frame *dst, const ovni_frame *src, int allow_gray);

/* Fills m's frame fields from dst/src and runs it (GPU or CPU); fill may be
 * NULL (transparent black). */
int resize_run(const char *op, ovni_frame *dst, const ovni_frame *src, resize_map *m, const uint8_t fill[4]);

/* A colour parameter (NULL: all zero) as sample_store_over's background. */
void resize_fill_colour(const uint8_t fill[4], float out[4]);
#endif

#endif
