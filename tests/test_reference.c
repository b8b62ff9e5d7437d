/* An independent reference for the compositing and colour ops, in double
 * precision, written from the formulas documented in include/ovni/ops.h and
 * src/ops/colour.h's header comment -- never from the math headers, so a bug
 * shared by the CPU and GPU walks (which both include those headers, as does
 * checkops' naive backend) shows up here.
 *
 *  - overlay / blend at fractional alpha, integer positions, onto RGB24 and
 *    RGBA32 ("over" with straight alpha);
 *  - fill_rect with partial alpha, on an integer box and on a fractional one
 *    (coverage = overlapping area);
 *  - flatten onto an opaque colour (exact: integer math), padded and cropped;
 *  - fade and crossfade at fractional t (RGB24, RGBA32, GRAY8);
 *  - adjust (saturation, contrast, brightness), vignette, chroma key's
 *    alpha ramp (spill off);
 *  - NV12 and P010 -> RGB, and RGB -> NV12, with non-neutral chroma, every
 *    matrix and range. Chroma is flat over each frame, so the result does
 *    not depend on the chroma siting or the up/downsampling filter, yet a
 *    U/V swap, a wrong matrix or a wrong range is off by tens of codes.
 *
 * Results are rounded somewhere inside the ops (the docs do not say where):
 * each value must be within 1 of the reference (2 for P010, whose 10-bit
 * codes are not whole 8-bit values, and for RGB -> NV12, which rounds RGB
 * once before). */
#include <math.h>
#include <string.h>

#include "test.h"

static ovni_device *dev;
static double worst[2]; /* tolerance 1 and 2 */

static uint8_t *px(ovni_frame *f, int x, int y) { return f->data[0] + (size_t)y * f->pitch[0] + (size_t)x * ovni_format_pixel_bytes(f->format); }

/* got within tol of the double ref (rounded); counts the worst miss. */
static int near(int got, double ref, int tol)
{
    double d = fabs(got - ref);
    if (d > worst[tol > 1]) worst[tol > 1] = d;
    return d <= tol;
}

static ovni_frame *frame_copy(const ovni_frame *f)
{
    ovni_frame *c = NULL;
    if (ovni_frame_new(dev, f->format, f->width, f->height, OVNI_MEMORY_HOST, &c) < 0) return NULL;
    for (int y = 0; y < f->height; y++)
        memcpy(c->data[0] + (size_t)y * c->pitch[0], f->data[0] + (size_t)y * f->pitch[0],
               (size_t)f->width * ovni_format_pixel_bytes(f->format));
    return c;
}

/* "Over" of one pixel, straight alpha, from ops.h: d (and da for RGBA32 dst)
 * updated in double; as is the source's effective alpha 0..1. */
static void over(const double cs[3], double as, double d[3], double *ad, int dst_rgba)
{
    if (!dst_rgba) {
        for (int c = 0; c < 3; c++) d[c] = cs[c] * as + d[c] * (1 - as);
        return;
    }
    double a = as + *ad * (1 - as);
    for (int c = 0; c < 3; c++) d[c] = a > 0 ? (cs[c] * as + d[c] * *ad * (1 - as)) / a : d[c];
    *ad = a;
}

/* Compares dst (after the op) with the reference of each pixel computed by
 * ref(x, y, out rgb, out alpha); alpha compared on RGBA32, colour skipped
 * where the reference alpha is below 1/255 (undefined there). */
typedef void (*pixel_ref)(void *ctx, int x, int y, double rgb[3], double *a);

static int compare(const char *what, ovni_frame *got, pixel_ref ref, void *ctx, int tol)
{
    int rgba = got->format == OVNI_FORMAT_RGBA32, bad = 0;
    for (int y = 0; y < got->height; y++)
        for (int x = 0; x < got->width; x++) {
            double rgb[3], a = 1;
            ref(ctx, x, y, rgb, &a);
            uint8_t *p = px(got, x, y);
            int ok = 1;
            if (!rgba || a * 255 >= 1)
                for (int c = 0; c < 3; c++) ok &= near(p[c], rgb[c], tol);
            if (rgba) ok &= near(p[3], a * 255, tol);
            if (!ok && !bad++)
                fprintf(stderr, "%s: pixel (%d,%d) = %d %d %d %d, reference %.2f %.2f %.2f %.2f\n", what, x, y, p[0],
                        p[1], p[2], rgba ? p[3] : 255, rgb[0], rgb[1], rgb[2], a * 255);
        }
    CHECK_MSG(!bad, "%s: %d pixels off the reference by more than %d", what, bad, tol);
    return !bad;
}

/* ---- overlay and blend ---- */

typedef struct comp_ctx {
    const ovni_frame *dst0, *src;
    int ox, oy, blend;
    double alpha;
} comp_ctx;

static void comp_ref(void *vctx, int x, int y, double rgb[3], double *a)
{
    comp_ctx *k = vctx;
    int rgba = k->dst0->format == OVNI_FORMAT_RGBA32;
    const uint8_t *d = px((ovni_frame *)k->dst0, x, y);
    for (int c = 0; c < 3; c++) rgb[c] = d[c];
    *a = rgba ? d[3] / 255.0 : 1;
    int sx = x - k->ox, sy = y - k->oy;
    if (sx < 0 || sy < 0 || sx >= k->src->width || sy >= k->src->height) return;
    const uint8_t *s = px((ovni_frame *)k->src, sx, sy);
    double cs[3] = {s[0], s[1], s[2]};
    /* overlay ignores the source's alpha; blend multiplies it in */
    double as = k->alpha * (k->blend ? s[3] / 255.0 : 1);
    over(cs, as, rgb, a, rgba);
}

static void compositing(void)
{
    static const double alphas[] = {0.25, 0.5, 0.61, 0.9};
    static const ovni_format dsts[] = {OVNI_FORMAT_RGB24, OVNI_FORMAT_RGBA32};
    static const ovni_format srcs[] = {OVNI_FORMAT_RGB24, OVNI_FORMAT_RGBA32};
    for (int blend = 0; blend < 2; blend++)
        for (int di = 0; di < 2; di++)
            for (int si = blend; si < 2; si++) /* blend takes RGBA32 sources only */
                for (int ai = 0; ai < 4; ai++) {
                    ovni_frame *dst = test_new_random(dev, dsts[di], 37, 23);
                    ovni_frame *src = test_new_random(dev, srcs[si], 13, 9);
                    if (!dst || !src) return;
                    ovni_frame *dst0 = frame_copy(dst);
                    comp_ctx k = {dst0, src, 5 + ai, 3 + 2 * ai, blend, alphas[ai]};
                    char what[96];
                    snprintf(what, sizeof(what), "%s %s onto %s at alpha %.2f", blend ? "blend" : "overlay",
                             si ? "RGBA32" : "RGB24", di ? "RGBA32" : "RGB24", alphas[ai]);
                    if (blend)
                        CHECK_OK(ovni_blend(dst, src, (float)k.ox, (float)k.oy, (float)k.alpha));
                    else
                        CHECK_OK(ovni_overlay(dst, src, (float)k.ox, (float)k.oy, (float)k.alpha));
                    compare(what, dst, comp_ref, &k, 1);
                    ovni_frame_unref(&dst);
                    ovni_frame_unref(&dst0);
                    ovni_frame_unref(&src);
                }
    /* partly off the frame (top-left): clipped, same formula */
    ovni_frame *dst = test_new_random(dev, OVNI_FORMAT_RGBA32, 20, 16);
    ovni_frame *src = test_new_random(dev, OVNI_FORMAT_RGBA32, 12, 10);
    if (!dst || !src) return;
    ovni_frame *dst0 = frame_copy(dst);
    comp_ctx k = {dst0, src, -4, -3, 1, 0.7};
    CHECK_OK(ovni_blend(dst, src, -4, -3, 0.7f));
    compare("blend clipped at the top-left", dst, comp_ref, &k, 1);
    ovni_frame_unref(&dst);
    ovni_frame_unref(&dst0);
    ovni_frame_unref(&src);
}

/* ---- fill_rect ---- */

typedef struct fill_ctx {
    const ovni_frame *dst0;
    double x, y, w, h;
    uint8_t rgba[4];
} fill_ctx;

/* The part of pixel [i, i+1) inside [lo, hi). */
static double overlap(int i, double lo, double hi)
{
    double a = lo > i ? lo : i, b = hi < i + 1 ? hi : i + 1;
    return b > a ? b - a : 0;
}

static void fill_ref(void *vctx, int x, int y, double rgb[3], double *a)
{
    fill_ctx *k = vctx;
    int rgba = k->dst0->format == OVNI_FORMAT_RGBA32;
    const uint8_t *d = px((ovni_frame *)k->dst0, x, y);
    for (int c = 0; c < 3; c++) rgb[c] = d[c];
    *a = rgba ? d[3] / 255.0 : 1;
    double cov = overlap(x, k->x, k->x + k->w) * overlap(y, k->y, k->y + k->h);
    if (cov <= 0) return;
    double cs[3] = {k->rgba[0], k->rgba[1], k->rgba[2]};
    over(cs, k->rgba[3] / 255.0 * cov, rgb, a, rgba);
}

static void fills(void)
{
    static const double boxes[][4] = {{3, 2, 17, 9}, {2.25, 1.5, 5.5, 7.25}, {-3.5, 10.75, 12.5, 40}};
    static const uint8_t colours[][4] = {{200, 40, 90, 128}, {10, 250, 60, 51}, {90, 90, 255, 230}};
    for (int fi = 0; fi < 2; fi++)
        for (int b = 0; b < 3; b++) {
            ovni_format fmt = fi ? OVNI_FORMAT_RGBA32 : OVNI_FORMAT_RGB24;
            ovni_frame *f = test_new_random(dev, fmt, 31, 19);
            if (!f) return;
            fill_ctx k = {frame_copy(f), boxes[b][0], boxes[b][1], boxes[b][2], boxes[b][3], {0}};
            memcpy(k.rgba, colours[b], 4);
            CHECK_OK(ovni_fill_rect(f, (float)k.x, (float)k.y, (float)k.w, (float)k.h, k.rgba));
            char what[96];
            snprintf(what, sizeof(what), "fill_rect %s box %g,%g %gx%g alpha %d", fi ? "RGBA32" : "RGB24", k.x, k.y,
                     k.w, k.h, k.rgba[3]);
            compare(what, f, fill_ref, &k, 1);
            ovni_frame_unref((ovni_frame **)&k.dst0);
            ovni_frame_unref(&f);
        }
}

/* ---- flatten: "over" an opaque colour, c_s a + k (1 - a) with a = alpha / 255,
 * rounded to the nearest (never a tie: 255 is odd); a larger output repeats
 * the source's last column and row, a smaller one crops ---- */
static void flattens(void)
{
    static const uint8_t bgs[][3] = {{0, 0, 0}, {255, 255, 255}, {20, 140, 250}};
    static const int sizes[][2] = {{32, 20}, {30, 18}, {31, 19}};
    for (int b = 0; b < 3; b++) {
        ovni_frame *src = test_new_random(dev, OVNI_FORMAT_RGBA32, 31, 19), *dst = NULL;
        if (!src) return;
        /* the ends of the alpha range, which random bytes rarely hit */
        px(src, 0, 0)[3] = 0, px(src, 1, 0)[3] = 255, px(src, 2, 0)[3] = 1, px(src, 3, 0)[3] = 254;
        CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGB24, sizes[b][0], sizes[b][1], OVNI_MEMORY_HOST, &dst));
        if (dst) {
            CHECK_OK(ovni_flatten_into(dst, src, bgs[b]));
            int bad = 0;
            for (int y = 0; y < dst->height; y++)
                for (int x = 0; x < dst->width; x++) {
                    const uint8_t *sp = px(src, x < 31 ? x : 30, y < 19 ? y : 18), *d = px(dst, x, y);
                    double a = sp[3] / 255.0;
                    for (int c = 0; c < 3; c++) {
                        double ref = floor(sp[c] * a + bgs[b][c] * (1 - a) + 0.5);
                        if (d[c] != ref && !bad++)
                            fprintf(stderr, "flatten %dx%d: pixel (%d,%d) channel %d = %d, reference %.0f\n", dst->width,
                                    dst->height, x, y, c, d[c], ref);
                    }
                }
            CHECK_MSG(!bad, "flatten onto %d,%d,%d at %dx%d: %d values off the reference", bgs[b][0], bgs[b][1],
                      bgs[b][2], dst->width, dst->height, bad);
        }
        ovni_frame_unref(&dst);
        ovni_frame_unref(&src);
    }
}

/* ---- fade and crossfade ---- */

typedef struct mix_ctx {
    const ovni_frame *a, *b; /* crossfade: a + (b - a) t; fade: b NULL, colour */
    uint8_t rgb[3];
    double t;
} mix_ctx;

static void mix_ref(void *vctx, int x, int y, double rgb[3], double *a)
{
    mix_ctx *k = vctx;
    const uint8_t *p = px((ovni_frame *)k->a, x, y);
    int rgba = k->a->format == OVNI_FORMAT_RGBA32;
    if (k->b) {
        const uint8_t *q = px((ovni_frame *)k->b, x, y);
        for (int c = 0; c < 3; c++) rgb[c] = p[c] + (q[c] - p[c]) * k->t;
        *a = rgba ? (p[3] + (q[3] - p[3]) * k->t) / 255.0 : 1;
    } else {
        for (int c = 0; c < 3; c++) rgb[c] = p[c] + (k->rgb[c] - p[c]) * k->t;
        *a = rgba ? p[3] / 255.0 : 1; /* alpha kept */
    }
}

static void mixes(void)
{
    static const double ts[] = {0.2, 0.5, 0.77};
    for (int fi = 0; fi < 2; fi++)
        for (int ti = 0; ti < 3; ti++) {
            ovni_format fmt = fi ? OVNI_FORMAT_RGBA32 : OVNI_FORMAT_RGB24;
            char what[64];
            /* fade */
            ovni_frame *f = test_new_random(dev, fmt, 29, 17);
            if (!f) return;
            mix_ctx k = {frame_copy(f), NULL, {30, 200, 120}, ts[ti]};
            CHECK_OK(ovni_fade(f, k.rgb, (float)k.t));
            snprintf(what, sizeof(what), "fade %s t %.2f", fi ? "RGBA32" : "RGB24", k.t);
            compare(what, f, mix_ref, &k, 1);
            ovni_frame_unref((ovni_frame **)&k.a);
            ovni_frame_unref(&f);
            /* crossfade, alpha too */
            ovni_frame *a = test_new_random(dev, fmt, 29, 17), *b = test_new_random(dev, fmt, 29, 17), *o = NULL;
            if (!a || !b) return;
            CHECK_OK(ovni_crossfade(a, b, (float)ts[ti], &o));
            mix_ctx m = {a, b, {0}, ts[ti]};
            snprintf(what, sizeof(what), "crossfade %s t %.2f", fi ? "RGBA32" : "RGB24", m.t);
            /* compare() skips colour where alpha is 0; crossfade's colour
             * is defined there too, so compare it directly as well */
            if (o) compare(what, o, mix_ref, &m, 1);
            int bad = 0;
            for (int y = 0; o && y < o->height; y++)
                for (int x = 0; x < o->width * ovni_format_pixel_bytes(fmt); x++) {
                    int pa = a->data[0][(size_t)y * a->pitch[0] + x], pb = b->data[0][(size_t)y * b->pitch[0] + x];
                    bad += !near(o->data[0][(size_t)y * o->pitch[0] + x], pa + (pb - pa) * m.t, 1);
                }
            CHECK_MSG(!bad, "%s: %d bytes off", what, bad);
            ovni_frame_unref(&o);
            ovni_frame_unref(&a);
            ovni_frame_unref(&b);
        }
    /* GRAY8 crossfade */
    ovni_frame *a = test_new_random(dev, OVNI_FORMAT_GRAY8, 21, 11), *b = test_new_random(dev, OVNI_FORMAT_GRAY8, 21, 11);
    ovni_frame *o = NULL;
    if (!a || !b) return;
    CHECK_OK(ovni_crossfade(a, b, 0.3f, &o));
    int bad = 0;
    for (int y = 0; o && y < o->height; y++)
        for (int x = 0; x < o->width; x++) {
            int pa = a->data[0][(size_t)y * a->pitch[0] + x], pb = b->data[0][(size_t)y * b->pitch[0] + x];
            bad += !near(o->data[0][(size_t)y * o->pitch[0] + x], pa + (pb - pa) * 0.3, 1);
        }
    CHECK_MSG(o && !bad, "crossfade GRAY8: %d pixels off", bad);
    ovni_frame_unref(&o);
    ovni_frame_unref(&a);
    ovni_frame_unref(&b);
}


/* ---- adjust, vignette, chroma key (spill off) ---- */

typedef struct px_ctx {
    const ovni_frame *src;
    double a, b, c;      /* adjust: saturation, contrast, brightness; vignette: strength, radius, softness */
    const uint8_t *key;  /* chroma key: key colour; a, b = transparency_t, opacity_t */
    int kind;            /* 0 adjust, 1 vignette, 2 chroma key */
} px_ctx;

static void px_ref(void *vctx, int x, int y, double rgb[3], double *a)
{
    px_ctx *k = vctx;
    const uint8_t *p = px((ovni_frame *)k->src, x, y);
    int rgba = k->src->format == OVNI_FORMAT_RGBA32;
    *a = rgba ? p[3] / 255.0 : 1;
    if (k->kind == 0) { /* saturation, then contrast, then brightness; rounded and clamped */
        double L = 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
        for (int c = 0; c < 3; c++) {
            double v = L + (p[c] - L) * k->a;
            v = 127.5 + (v - 127.5) * k->b;
            v += 255 * k->c;
            rgb[c] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
    } else if (k->kind == 1) {
        double cx = k->src->width / 2.0, cy = k->src->height / 2.0, half = sqrt(cx * cx + cy * cy);
        double d = sqrt((x + 0.5 - cx) * (x + 0.5 - cx) + (y + 0.5 - cy) * (y + 0.5 - cy)) / half;
        double t = (d - k->b) / k->c;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        double f = 1 - k->a * t * t * (3 - 2 * t);
        for (int c = 0; c < 3; c++) rgb[c] = p[c] * f;
    } else {
        double dr = (p[0] - k->key[0]) / 255.0, dg = (p[1] - k->key[1]) / 255.0, db = (p[2] - k->key[2]) / 255.0;
        double d = sqrt(dr * dr + dg * dg + db * db) / sqrt(3.0);
        double al = d <= k->a ? 0 : d >= k->b ? 1 : (d - k->a) / (k->b - k->a);
        for (int c = 0; c < 3; c++) rgb[c] = p[c];
        *a = al * (rgba ? p[3] / 255.0 : 1);
    }
}

static void pointwise(void)
{
    static const double adj[][3] = {{0.4, 1.0, 0.0}, {1.0, 1.3, 0.0}, {1.0, 1.0, 0.1}, {1.7, 0.8, -0.05}};
    for (int fi = 0; fi < 2; fi++) {
        ovni_format fmt = fi ? OVNI_FORMAT_RGBA32 : OVNI_FORMAT_RGB24;
        char what[96];
        for (int i = 0; i < 4; i++) {
            ovni_frame *f = test_new_random(dev, fmt, 23, 15);
            if (!f) return;
            px_ctx k = {frame_copy(f), adj[i][0], adj[i][1], adj[i][2], NULL, 0};
            CHECK_OK(ovni_adjust(f, (float)k.c, (float)k.b, (float)k.a));
            snprintf(what, sizeof(what), "adjust %s saturation %.2f contrast %.2f brightness %.2f",
                     fi ? "RGBA32" : "RGB24", k.a, k.b, k.c);
            compare(what, f, px_ref, &k, 1);
            ovni_frame_unref((ovni_frame **)&k.src);
            ovni_frame_unref(&f);
        }
        ovni_frame *f = test_new_random(dev, fmt, 41, 27);
        if (!f) return;
        px_ctx v = {frame_copy(f), 0.8, 0.3, 0.6, NULL, 1};
        CHECK_OK(ovni_vignette(f, (float)v.a, (float)v.b, (float)v.c));
        snprintf(what, sizeof(what), "vignette %s strength 0.8 radius 0.3 softness 0.6", fi ? "RGBA32" : "RGB24");
        compare(what, f, px_ref, &v, 1);
        ovni_frame_unref((ovni_frame **)&v.src);
        ovni_frame_unref(&f);
        /* chroma key, no spill: pixels near the key so the ramp is crossed */
        static const uint8_t key[3] = {40, 200, 60};
        ovni_frame *src = test_new_random(dev, fmt, 24, 16), *out = NULL;
        if (!src) return;
        for (int y = 0; y < src->height; y++)
            for (int x = 0; x < src->width; x++) {
                uint8_t *p = px(src, x, y);
                for (int c = 0; c < 3; c++) {
                    int v = key[c] + (int)(test_rand() % 161) - 80;
                    p[c] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
                }
            }
        px_ctx ck = {src, 0.1, 0.3, 0, key, 2};
        CHECK_OK(ovni_chroma_key(src, key, 0.1f, 0.3f, 0.0f, &out));
        snprintf(what, sizeof(what), "chroma_key %s 0.1..0.3", fi ? "RGBA32" : "RGB24");
        if (out) compare(what, out, px_ref, &ck, 1);
        ovni_frame_unref(&out);
        ovni_frame_unref(&src);
    }
}

/* ---- colour: the formulas of colour.h's header comment ---- */

typedef struct matrix_k {
    double kr, kb;
} matrix_k;

static matrix_k kmat(ovni_matrix m)
{
    if (m == OVNI_MATRIX_BT601) return (matrix_k){0.299, 0.114};
    if (m == OVNI_MATRIX_BT2020) return (matrix_k){0.2627, 0.0593};
    return (matrix_k){0.2126, 0.0722};
}

/* Codes (bits deep) -> R'G'B' 0..1. */
static void yuv_to_rgb(ovni_matrix m, int full, int bits, double Y, double U, double V, double rgb[3])
{
    matrix_k k = kmat(m);
    double kg = 1 - k.kr - k.kb, s = 1 << (bits - 8), M = (1 << bits) - 1;
    double y = full ? Y / M : (Y - 16 * s) / (219 * s);
    double cb = full ? (U - (1 << (bits - 1))) / M : (U - 128 * s) / (224 * s);
    double cr = full ? (V - (1 << (bits - 1))) / M : (V - 128 * s) / (224 * s);
    /* inverted: B' = Y' + 2(1-Kb) Cb', R' = Y' + 2(1-Kr) Cr', G' from Y' */
    double b = y + 2 * (1 - k.kb) * cb, r = y + 2 * (1 - k.kr) * cr;
    double g = (y - k.kr * r - k.kb * b) / kg;
    rgb[0] = r, rgb[1] = g, rgb[2] = b;
}

/* R'G'B' 0..1 -> codes (8 bits). */
static void rgb_to_yuv(ovni_matrix m, int full, const double rgb[3], double *Y, double *U, double *V)
{
    matrix_k k = kmat(m);
    double kg = 1 - k.kr - k.kb;
    double y = k.kr * rgb[0] + kg * rgb[1] + k.kb * rgb[2];
    double cb = (rgb[2] - y) / (2 * (1 - k.kb)), cr = (rgb[0] - y) / (2 * (1 - k.kr));
    *Y = full ? 255 * y : 16 + 219 * y;
    *U = full ? 128 + 255 * cb : 128 + 224 * cb;
    *V = full ? 128 + 255 * cr : 128 + 224 * cr;
}

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

/* YUV (NV12 or P010) with one (U, V) over the whole frame and random Y ->
 * RGB24 and RGBA32. */
static void yuv_in(ovni_format fmt, ovni_matrix m, int full, int U, int V)
{
    int bits = fmt == OVNI_FORMAT_P010 ? 10 : 8, w = 18, h = 10;
    ovni_frame *f = NULL;
    CHECK_OK(ovni_frame_new(dev, fmt, w, h, OVNI_MEMORY_HOST, &f));
    if (!f) return;
    f->matrix = m;
    f->range = full ? OVNI_RANGE_FULL : OVNI_RANGE_LIMITED;
    int lo = full ? 0 : 16 << (bits - 8), hi = full ? (1 << bits) - 1 : 235 << (bits - 8);
    int *Y = malloc(sizeof(int) * (size_t)w * h);
    if (!Y) return;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int v = lo + (int)(test_rand() % (uint32_t)(hi - lo + 1));
            Y[y * w + x] = v;
            if (bits == 8) f->data[0][(size_t)y * f->pitch[0] + x] = (uint8_t)v;
            else ((uint16_t *)(f->data[0] + (size_t)y * f->pitch[0]))[x] = (uint16_t)(v << 6);
        }
    for (int y = 0; y < h / 2; y++)
        for (int x = 0; x < w / 2; x++) {
            if (bits == 8) {
                f->data[1][(size_t)y * f->pitch[1] + 2 * x] = (uint8_t)U;
                f->data[1][(size_t)y * f->pitch[1] + 2 * x + 1] = (uint8_t)V;
            } else {
                uint16_t *uv = (uint16_t *)(f->data[1] + (size_t)y * f->pitch[1]);
                uv[2 * x] = (uint16_t)(U << 6), uv[2 * x + 1] = (uint16_t)(V << 6);
            }
        }
    for (int o = 0; o < 2; o++) {
        ovni_frame *rgb = NULL;
        CHECK_OK(ovni_convert(f, o ? OVNI_FORMAT_RGBA32 : OVNI_FORMAT_RGB24, &rgb));
        if (!rgb) continue;
        int bad = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double ref[3];
                yuv_to_rgb(m, full, bits, Y[y * w + x], U, V, ref);
                uint8_t *p = px(rgb, x, y);
                int ok = 1;
                for (int c = 0; c < 3; c++) ok &= near(p[c], 255 * clamp01(ref[c]), bits == 8 ? 1 : 2);
                if (o) ok &= p[3] == 255;
                if (!ok && !bad++)
                    fprintf(stderr, "%s m%d %s U %d V %d: (%d,%d) Y %d -> %d %d %d, reference %.2f %.2f %.2f\n",
                            bits == 8 ? "NV12" : "P010", (int)m, full ? "full" : "limited", U, V, x, y, Y[y * w + x],
                            p[0], p[1], p[2], 255 * clamp01(ref[0]), 255 * clamp01(ref[1]), 255 * clamp01(ref[2]));
            }
        CHECK_MSG(!bad, "%s -> %s, matrix %d, %s range, U %d V %d: %d pixels off", bits == 8 ? "NV12" : "P010",
                  o ? "RGBA32" : "RGB24", (int)m, full ? "full" : "limited", U, V, bad);
        ovni_frame_unref(&rgb);
    }
    free(Y);
    ovni_frame_unref(&f);
}

/* RGB of one chroma (cb, cr in C' units) and random luma -> NV12. */
static void rgb_in(ovni_format fmt, ovni_matrix m, int full, double cb, double cr)
{
    int w = 18, h = 10;
    ovni_frame *f = NULL, *nv = NULL;
    CHECK_OK(ovni_frame_new(dev, fmt, w, h, OVNI_MEMORY_HOST, &f));
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, w, h, OVNI_MEMORY_HOST, &nv));
    if (!f || !nv) return;
    nv->matrix = m;
    nv->range = full ? OVNI_RANGE_FULL : OVNI_RANGE_LIMITED;
    matrix_k k = kmat(m);
    double kg = 1 - k.kr - k.kb, sumU = 0, sumV = 0;
    double *Yref = malloc(sizeof(double) * (size_t)w * h);
    if (!Yref) return;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double yl = test_uniform(0.3, 0.7);
            double b = yl + 2 * (1 - k.kb) * cb, r = yl + 2 * (1 - k.kr) * cr, g = (yl - k.kr * r - k.kb * b) / kg;
            double rgb[3] = {clamp01(r), clamp01(g), clamp01(b)};
            uint8_t *p = px(f, x, y);
            double q[3];
            for (int c = 0; c < 3; c++) p[c] = (uint8_t)(rgb[c] * 255 + 0.5), q[c] = p[c] / 255.0;
            if (fmt == OVNI_FORMAT_RGBA32) p[3] = (uint8_t)test_rand();
            double Y, U, V;
            rgb_to_yuv(m, full, q, &Y, &U, &V); /* of the bytes actually written */
            Yref[y * w + x] = Y;
            sumU += U, sumV += V;
        }
    CHECK_OK(ovni_convert_into(nv, f));
    double Uref = sumU / (w * h), Vref = sumV / (w * h);
    int bad = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) bad += !near(nv->data[0][(size_t)y * nv->pitch[0] + x], Yref[y * w + x], 1);
    for (int y = 0; y < h / 2; y++)
        for (int x = 0; x < w / 2; x++) {
            const uint8_t *uv = nv->data[1] + (size_t)y * nv->pitch[1] + 2 * x;
            /* chroma varies by rounding only; since 2e683f6 (siting-aware downsampling) a
             * sample lies up to 2.8 codes from the mean (before: 1.6): allowed 3 */
            int ok = near(uv[0], Uref, 3) && near(uv[1], Vref, 3);
            if (!ok && !bad)
                fprintf(stderr, "RGB -> NV12 m%d %s: chroma (%d,%d) = %d %d, reference %.2f %.2f\n", (int)m,
                        full ? "full" : "limited", x, y, uv[0], uv[1], Uref, Vref);
            bad += !ok;
        }
    CHECK_MSG(!bad, "%s -> NV12, matrix %d, %s range, Cb' %.2f Cr' %.2f: %d samples off",
              fmt == OVNI_FORMAT_RGBA32 ? "RGBA32" : "RGB24", (int)m, full ? "full" : "limited", cb, cr, bad);
    free(Yref);
    ovni_frame_unref(&f);
    ovni_frame_unref(&nv);
}

static void colour(void)
{
    /* (U, V) pairs far from neutral and from each other: a swap moves every
     * channel by tens of codes */
    static const int uv[][2] = {{60, 200}, {200, 70}, {100, 150}, {180, 128}, {128, 40}};
    static const ovni_matrix ms[] = {OVNI_MATRIX_BT601, OVNI_MATRIX_BT709, OVNI_MATRIX_BT2020};
    for (int mi = 0; mi < 3; mi++)
        for (int full = 0; full < 2; full++)
            for (int i = 0; i < 5; i++) {
                yuv_in(OVNI_FORMAT_NV12, ms[mi], full, uv[i][0], uv[i][1]);
                yuv_in(OVNI_FORMAT_P010, ms[mi], full, uv[i][0] * 4 + 1, uv[i][1] * 4 + 2);
            }
    static const double c[][2] = {{0.15, -0.2}, {-0.18, 0.12}, {0.05, 0.19}};
    for (int mi = 0; mi < 3; mi++)
        for (int full = 0; full < 2; full++)
            for (int i = 0; i < 3; i++) {
                rgb_in(OVNI_FORMAT_RGB24, ms[mi], full, c[i][0], c[i][1]);
                rgb_in(OVNI_FORMAT_RGBA32, ms[mi], full, c[i][0], c[i][1]);
            }
}

int main(void)
{
    test_seed(16);
    CHECK_OK(ovni_device_open(&dev, "cpu"));
    compositing();
    fills();
    flattens();
    mixes();
    pointwise();
    colour();
    ovni_device_close(&dev);
    printf("reference: largest |op - double reference|: %.3f where 1 is allowed, %.3f where 2 is\n", worst[0],
           worst[1]);
    return test_result("reference");
}
