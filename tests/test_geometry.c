/* Geometry ops on the CPU: properties on random inputs (identities, shifts,
 * quarter turns, warp against scale_translate, area downscales) and named
 * errors for bad parameters. */
#include <math.h>
#include <string.h>

#include "test.h"

static ovni_device *dev;

static ovni_frame *frame_rand(ovni_format fmt, int w, int h) { return test_new_random(dev, fmt, w, h); }

static ovni_frame *frame_const(ovni_format fmt, int w, int h, const uint8_t c[4])
{
    ovni_frame *f = NULL;
    CHECK_OK(ovni_frame_new(dev, fmt, w, h, OVNI_MEMORY_HOST, &f));
    int bpp = ovni_format_pixel_bytes(fmt);
    for (int y = 0; f && y < h; y++)
        for (int x = 0; x < w; x++) memcpy(f->data[0] + y * f->pitch[0] + x * bpp, c, (size_t)bpp);
    return f;
}

static uint8_t *at(const ovni_frame *f, int x, int y)
{
    return f->data[0] + (size_t)y * f->pitch[0] + (size_t)x * ovni_format_pixel_bytes(f->format);
}

/* Max |a(x + ax, y + ay) - b(x + bx, y + by)| over a w x h region. */
static int region_diff(const ovni_frame *a, int ax, int ay, const ovni_frame *b, int bx, int by, int w, int h)
{
    int bpp = ovni_format_pixel_bytes(a->format), worst = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int k = 0; k < bpp; k++) {
                int d = abs(at(a, x + ax, y + ay)[k] - at(b, x + bx, y + by)[k]);
                if (d > worst) worst = d;
            }
    return worst;
}

/* As frame_diff, but RGBA colours count only where b is not transparent. */
static int visible_diff(const ovni_frame *a, const ovni_frame *b)
{
    if (!a || !b || a->width != b->width || a->height != b->height || a->format != b->format) return 999;
    if (a->format != OVNI_FORMAT_RGBA32) return region_diff(a, 0, 0, b, 0, 0, a->width, a->height);
    int worst = 0;
    for (int y = 0; y < a->height; y++)
        for (int x = 0; x < a->width; x++)
            for (int k = at(b, x, y)[3] ? 0 : 3; k < 4; k++) {
                int d = abs(at(a, x, y)[k] - at(b, x, y)[k]);
                worst = d > worst ? d : worst;
            }
    return worst;
}

static int frame_diff(const ovni_frame *a, const ovni_frame *b)
{
    if (!a || !b || a->width != b->width || a->height != b->height || a->format != b->format) return 999;
    return region_diff(a, 0, 0, b, 0, 0, a->width, a->height);
}

static const ovni_format fmts[3] = {OVNI_FORMAT_RGB24, OVNI_FORMAT_RGBA32, OVNI_FORMAT_GRAY8};

static void test_translate(ovni_format fmt)
{
    ovni_frame *src = frame_rand(fmt, 41, 29), *out = NULL, *half = NULL;
    int bpp = ovni_format_pixel_bytes(fmt);
    CHECK_OK(ovni_translate(src, 5, -3, &out));
    if (out) {
        CHECK_MSG(region_diff(out, 5, 0, src, 0, 3, 36, 26) == 0, "%s: whole-pixel translate", ovni_format_name(fmt));
        static const uint8_t zero[4] = {0};
        CHECK(memcmp(at(out, 2, 10), zero, (size_t)bpp) == 0 && memcmp(at(out, 10, 27), zero, (size_t)bpp) == 0);
    }
    /* Half a pixel right: the mean of two neighbours (general path). */
    if (fmt != OVNI_FORMAT_RGBA32) {
        CHECK_OK(ovni_translate(src, 0.5f, 0, &half));
        int worst = 0;
        for (int y = 0; half && y < 29; y++)
            for (int x = 1; x < 41; x++)
                for (int k = 0; k < bpp; k++) {
                    double want = 0.5 * (at(src, x - 1, y)[k] + at(src, x, y)[k]);
                    int d = (int)fabs(at(half, x, y)[k] - want + 0.01);
                    if (d > worst) worst = d;
                }
        CHECK_MSG(worst <= 1, "%s: half-pixel translate off by %d", ovni_format_name(fmt), worst);
        /* Column 0 is half covered: half the pixel over black. */
        if (half) CHECK(abs(at(half, 0, 7)[0] - at(src, 0, 7)[0] / 2) <= 1);
    }
    ovni_frame_unref(&src);
    ovni_frame_unref(&out);
    ovni_frame_unref(&half);
}

static void test_identities(ovni_format fmt)
{
    ovni_frame *src = frame_rand(fmt, 37, 23), *out = NULL;
    const char *n = ovni_format_name(fmt);
    CHECK_OK(ovni_scale(src, 1.0f, &out));
    CHECK_MSG(frame_diff(out, src) == 0, "%s: scale 1", n);
    ovni_frame_unref(&out);
    CHECK_OK(ovni_rotate(src, 0.0f, 3.3f, 7.1f, 0, NULL, &out));
    CHECK_MSG(frame_diff(out, src) == 0, "%s: rotate 0", n);
    ovni_frame_unref(&out);
    CHECK_OK(ovni_rotate(src, 360.0f, 18.5f, 11.5f, 1, NULL, &out));
    CHECK_MSG(frame_diff(out, src) == 0, "%s: rotate 360 expand", n);
    ovni_frame_unref(&out);
    CHECK_OK(ovni_crop(src, 0, 0, 37, 23, &out));
    CHECK_MSG(frame_diff(out, src) == 0, "%s: crop of the whole frame", n);
    ovni_frame_unref(&out);
    CHECK_OK(ovni_resize(src, 37, 23, &out));
    CHECK_MSG(frame_diff(out, src) == 0, "%s: resize to the same size", n);
    ovni_frame_unref(&out);
    CHECK_OK(ovni_scale_translate(src, 1.0f, 0, 0, 0, 0, &out));
    CHECK_MSG(frame_diff(out, src) == 0, "%s: scale_translate(1, 0, 0)", n);
    ovni_frame_unref(&out);
    /* Onto other sizes: crop_into of the whole frame is resize; rotate_into
     * by 0 centres the source (a 2-pixel border each way at 41x27). */
    ovni_frame *big = frame_rand(fmt, 74, 46), *ref = NULL;
    CHECK_OK(ovni_crop_into(big, src, 0, 0, 37, 23));
    CHECK_OK(ovni_resize(src, 74, 46, &ref));
    CHECK_MSG(frame_diff(big, ref) == 0, "%s: crop_into a larger frame differs from resize", n);
    ovni_frame_unref(&big);
    ovni_frame_unref(&ref);
    big = frame_rand(fmt, 41, 27);
    CHECK_OK(ovni_rotate_into(big, src, 0.0f, 18.5f, 11.5f, NULL));
    CHECK_MSG(big && region_diff(big, 2, 2, src, 0, 0, 37, 23) == 0, "%s: rotate_into by 0 is not a centred copy", n);
    ovni_frame_unref(&big);
    ovni_frame *a = NULL, *b = NULL;
    CHECK_OK(ovni_flip(src, 1, 1, &a));
    if (a) CHECK_OK(ovni_flip(a, 1, 1, &b));
    CHECK_MSG(frame_diff(b, src) == 0, "%s: flip twice", n);
    if (a) CHECK(region_diff(a, 0, 0, src, 36, 22, 1, 1) == 0 && region_diff(a, 36, 5, src, 0, 17, 1, 1) == 0);
    ovni_frame_unref(&a);
    ovni_frame_unref(&b);
    CHECK_OK(ovni_flip(src, 1, 0, &a));
    for (int x = 0; a && x < 37; x++) CHECK(region_diff(a, x, 4, src, 36 - x, 4, 1, 1) == 0);
    ovni_frame_unref(&a);
    ovni_frame_unref(&src);
}

/* ovni_orient: each of the 8 orientations moves every sample of every plane
 * (NV12/P010 chroma pairs whole) to where EXIF says, at odd sizes too;
 * 6 and 8 are rotate by -90 / 90 with expand, 3 is flip both ways; tags
 * follow (siting axes swapped by a transpose, fields by a top-bottom
 * mirror). */
static void test_orient(ovni_format fmt, int w, int h)
{
    const char *n = ovni_format_name(fmt);
    ovni_frame *src = frame_rand(fmt, w, h);
    if (!src) return;
    src->chroma_loc = OVNI_CHROMA_LEFT;
    src->field_order = OVNI_FIELD_TT;
    /* (transpose, mirror x, mirror y) per orientation, from the EXIF definitions */
    static const int tb[9][3] = {{0}, {0, 0, 0}, {0, 1, 0}, {0, 1, 1}, {0, 0, 1}, {1, 0, 0}, {1, 0, 1}, {1, 1, 1}, {1, 1, 0}};
    for (int o = 1; o <= 8; o++) {
        ovni_frame *out = NULL;
        CHECK_OK(ovni_orient(src, o, &out));
        if (!out) continue;
        int t = tb[o][0], mx = tb[o][1], my = tb[o][2];
        CHECK_MSG(out->width == (t ? h : w) && out->height == (t ? w : h), "%s %dx%d orient %d: size %dx%d", n, w, h, o,
                  out->width, out->height);
        int bad = 0;
        for (int pl = 0; pl < ovni_format_planes(fmt) && out->width == (t ? h : w); pl++) {
            int bpp = ovni_format_pixel_bytes(fmt) * (pl ? 2 : 1);
            int ow = pl ? (out->width + 1) / 2 : out->width, oh = pl ? (out->height + 1) / 2 : out->height;
            int sw = pl ? (w + 1) / 2 : w, sh = pl ? (h + 1) / 2 : h;
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++) {
                    int u = t ? y : x, v = t ? x : y;
                    int sx = mx ? sw - 1 - u : u, sy = my ? sh - 1 - v : v;
                    bad += memcmp(out->data[pl] + (size_t)y * out->pitch[pl] + (size_t)x * bpp,
                                  src->data[pl] + (size_t)sy * src->pitch[pl] + (size_t)sx * bpp, (size_t)bpp) != 0;
                }
        }
        CHECK_MSG(bad == 0, "%s %dx%d orient %d: %d samples misplaced", n, w, h, o, bad);
        CHECK_MSG(out->chroma_loc == (t ? OVNI_CHROMA_TOP : OVNI_CHROMA_LEFT), "%s orient %d: siting %d", n, o,
                  (int)out->chroma_loc);
        CHECK_MSG(out->field_order == (!t && my && !(h & 1) ? OVNI_FIELD_BB : OVNI_FIELD_TT),
                  "%s %dx%d orient %d: field order %d", n, w, h, o, (int)out->field_order);
        ovni_frame_unref(&out);
    }
    if (fmt == OVNI_FORMAT_RGB24 || fmt == OVNI_FORMAT_GRAY8) { /* against the other ops */
        ovni_frame *a = NULL, *b = NULL;
        CHECK_OK(ovni_orient(src, OVNI_ORIENT_ROTATE_90, &a));
        CHECK_OK(ovni_rotate(src, -90.0f, 0, 0, 1, NULL, &b));
        CHECK_MSG(frame_diff(a, b) == 0, "%s: orient 6 differs from rotate -90 with expand", n);
        ovni_frame_unref(&a);
        ovni_frame_unref(&b);
        CHECK_OK(ovni_orient(src, OVNI_ORIENT_ROTATE_270, &a));
        CHECK_OK(ovni_rotate(src, 90.0f, 0, 0, 1, NULL, &b));
        CHECK_MSG(frame_diff(a, b) == 0, "%s: orient 8 differs from rotate 90 with expand", n);
        ovni_frame_unref(&a);
        ovni_frame_unref(&b);
        CHECK_OK(ovni_orient(src, OVNI_ORIENT_ROTATE_180, &a));
        CHECK_OK(ovni_flip(src, 1, 1, &b));
        CHECK_MSG(frame_diff(a, b) == 0, "%s: orient 3 differs from flip both ways", n);
        ovni_frame_unref(&a);
        ovni_frame_unref(&b);
    }
    ovni_frame *a = NULL;
    CHECK_ERR(ovni_orient(src, 0, &a), OVNI_EINVAL, "outside 1..8");
    CHECK_ERR(ovni_orient(src, 9, &a), OVNI_EINVAL, "outside 1..8");
    if (w != h) CHECK_ERR(ovni_orient_into(src, src, 6), OVNI_EINVAL, "destination");
    ovni_frame_unref(&src);
}

static void test_crop(ovni_format fmt)
{
    ovni_frame *src = frame_rand(fmt, 50, 40), *out = NULL;
    int bpp = ovni_format_pixel_bytes(fmt);
    CHECK_OK(ovni_crop(src, 7, 5, 30, 33, &out));
    if (out) {
        CHECK(out->width == 23 && out->height == 28);
        CHECK_MSG(region_diff(out, 0, 0, src, 7, 5, 23, 28) == 0, "%s: integer crop", ovni_format_name(fmt));
    }
    ovni_frame_unref(&out);
    /* Sizes round; a box shifted by half a pixel averages neighbours. */
    CHECK_OK(ovni_crop(src, 10.5f, 2, 20.5f, 12.4f, &out));
    if (out) CHECK(out->width == 10 && out->height == 10);
    ovni_frame_unref(&out);
    if (fmt != OVNI_FORMAT_RGBA32) {
        CHECK_OK(ovni_crop(src, 10.5f, 2, 20.5f, 12, &out));
        int worst = 0;
        for (int y = 0; out && y < 10; y++)
            for (int x = 0; x < 10; x++)
                for (int k = 0; k < bpp; k++) {
                    double want = 0.5 * (at(src, 10 + x, 2 + y)[k] + at(src, 11 + x, 2 + y)[k]);
                    int d = (int)fabs(at(out, x, y)[k] - want + 0.01);
                    if (d > worst) worst = d;
                }
        CHECK_MSG(worst <= 1, "half-pixel crop off by %d", worst);
        ovni_frame_unref(&out);
    }
    ovni_frame_unref(&src);
}

static void test_quarter_turns(ovni_format fmt)
{
    ovni_frame *src = frame_rand(fmt, 19, 11), *cur = ovni_frame_ref(src);
    for (int i = 0; i < 4 && cur; i++) {
        ovni_frame *next = NULL;
        CHECK_OK(ovni_rotate(cur, 90.0f, 0, 0, 1, NULL, &next));
        if (i == 0 && next) {
            CHECK(next->width == 11 && next->height == 19);
            /* Counter-clockwise: out(x, y) = in(w - 1 - y, x). */
            int worst = 0;
            for (int y = 0; y < 19; y++)
                for (int x = 0; x < 11; x++) {
                    int d = region_diff(next, x, y, src, 18 - y, x, 1, 1);
                    worst = d > worst ? d : worst;
                }
            CHECK_MSG(worst == 0, "%s: 90 degrees is not the permutation (%d)", ovni_format_name(fmt), worst);
        }
        ovni_frame_unref(&cur);
        cur = next;
    }
    CHECK_MSG(frame_diff(cur, src) <= 1, "%s: four quarter turns", ovni_format_name(fmt));
    ovni_frame_unref(&cur);
    /* Same size about the centre, four times (square). */
    ovni_frame *sq = frame_rand(fmt, 16, 16);
    cur = ovni_frame_ref(sq);
    for (int i = 0; i < 4 && cur; i++) {
        ovni_frame *next = NULL;
        CHECK_OK(ovni_rotate(cur, -90.0f, 8, 8, 0, NULL, &next));
        ovni_frame_unref(&cur);
        cur = next;
    }
    CHECK(frame_diff(cur, sq) <= 1);
    ovni_frame_unref(&cur);
    ovni_frame_unref(&sq);
    ovni_frame_unref(&src);
}

/* 45 degrees with expand: bigger frame, corners transparent / fill, centre kept. */
static void test_rotate_expand(void)
{
    static const uint8_t c[4] = {200, 100, 50, 255}, fill[4] = {0, 0, 255, 255};
    ovni_frame *src = frame_const(OVNI_FORMAT_RGBA32, 40, 20, c), *out = NULL;
    CHECK_OK(ovni_rotate(src, 45.0f, 0, 0, 1, NULL, &out));
    if (out) {
        CHECK(out->width == 43 && out->height == 43); /* 60 / sqrt(2) = 42.4 */
        CHECK(at(out, 0, 0)[3] == 0 && at(out, 42, 42)[3] == 0);
        CHECK(at(out, 21, 21)[3] == 255 && at(out, 21, 21)[0] == 200);
        /* The soft edge: some partly covered pixels, colour not darkened. */
        int partial = 0;
        for (int x = 0; x < 43; x++) {
            const uint8_t *p = at(out, x, 21);
            if (p[3] > 0 && p[3] < 255) {
                partial++;
                CHECK(p[0] == 200 && p[1] == 100);
            }
        }
        CHECK(partial >= 2);
    }
    ovni_frame_unref(&out);
    ovni_frame *rgb = frame_const(OVNI_FORMAT_RGB24, 40, 20, c);
    CHECK_OK(ovni_rotate(rgb, 30.0f, 20, 10, 0, fill, &out));
    if (out) {
        CHECK(at(out, 0, 0)[2] == 255 && at(out, 0, 0)[0] == 0);
        CHECK(at(out, 20, 10)[0] == 200 && at(out, 20, 10)[2] == 50);
    }
    ovni_frame_unref(&out);
    ovni_frame_unref(&rgb);
    ovni_frame_unref(&src);
}

static void test_warp(ovni_format fmt, float s, float tx, float ty)
{
    ovni_frame *src = frame_rand(fmt, 37, 23), *ref = NULL;
    static const uint8_t zero[4] = {0};
    ovni_frame *dst = frame_const(fmt, 90, 70, zero);
    CHECK_OK(ovni_scale_translate(src, s, tx, ty, 90, 70, &ref));
    float q[8] = {tx, ty, tx + s * 37, ty, tx + s * 37, ty + s * 23, tx, ty + s * 23};
    CHECK_OK(ovni_warp(dst, src, q, 1.0f));
    int d = visible_diff(dst, ref);
    CHECK_MSG(d <= 1, "%s: warp onto a rectangle (s %g t %g,%g) differs from scale_translate by %d",
              ovni_format_name(fmt), s, tx, ty, d);
    /* Opacity 0 changes nothing; a quad off the frame changes nothing. */
    ovni_frame *before = frame_rand(fmt, 90, 70), *dst2 = frame_rand(fmt, 90, 70);
    CHECK_OK(ovni_frame_copy(dst2, before));
    CHECK_OK(ovni_warp(dst2, src, q, 0.0f));
    float off[8] = {-500, -500, -400, -500, -400, -450, -500, -450};
    CHECK_OK(ovni_warp(dst2, src, off, 1.0f));
    CHECK(frame_diff(dst2, before) == 0);
    /* A perspective quad: inside pixels take source colours, outside unchanged. */
    float persp[8] = {10, 5, 80, 15, 70, 60, 20, 50};
    CHECK_OK(ovni_warp(dst2, src, persp, 1.0f));
    CHECK(region_diff(dst2, 0, 0, before, 0, 0, 9, 70) == 0 && region_diff(dst2, 82, 0, before, 82, 0, 8, 70) == 0);
    ovni_frame_unref(&before);
    ovni_frame_unref(&dst2);
    ovni_frame_unref(&src);
    ovni_frame_unref(&dst);
    ovni_frame_unref(&ref);
}

/* Warp onto a quad much smaller than the source shrinks it first (area
 * filter): a 1-pixel checkerboard lands as flat grey, not as a moire, and a
 * 4x smaller rectangle equals scale_translate's area filter. */
static void test_warp_minified(void)
{
    ovni_frame *cb = NULL, *dst = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGB24, 256, 256, OVNI_MEMORY_HOST, &cb));
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGB24, 64, 64, OVNI_MEMORY_HOST, &dst));
    if (!cb || !dst) return;
    for (int y = 0; y < 256; y++)
        for (int x = 0; x < 256; x++) memset(at(cb, x, y), (x + y) % 2 ? 255 : 0, 3);
    /* a square 8x smaller, and a trapezoid 5-10x smaller (perspective) */
    const float quads[2][8] = {{10, 10, 42, 10, 42, 42, 10, 42}, {8, 12, 58, 6, 52, 40, 14, 36}};
    for (int k = 0; k < 2; k++) {
        memset(dst->data[0], 60, dst->pitch[0] * 64);
        CHECK_OK(ovni_warp(dst, cb, quads[k], 1.0f));
        int worst = 0;
        const int x0 = k ? 18 : 12, x1 = k ? 48 : 40, y0 = k ? 16 : 12, y1 = k ? 32 : 40; /* well inside */
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++) worst = abs(at(dst, x, y)[1] - 128) > worst ? abs(at(dst, x, y)[1] - 128) : worst;
        CHECK_MSG(worst <= 4, "warp of a checkerboard onto quad %d: %d from grey", k, worst);
    }
    ovni_frame_unref(&cb);
    ovni_frame_unref(&dst);
    ovni_frame *src = frame_rand(OVNI_FORMAT_RGBA32, 64, 48), *ref = NULL;
    static const uint8_t zero[4] = {0};
    dst = frame_const(OVNI_FORMAT_RGBA32, 40, 30, zero);
    CHECK_OK(ovni_scale_translate(src, 0.25f, 5, 7, 40, 30, &ref));
    const float q[8] = {5, 7, 21, 7, 21, 19, 5, 19};
    CHECK_OK(ovni_warp(dst, src, q, 1.0f));
    const int d = visible_diff(dst, ref);
    CHECK_MSG(d <= 1, "warp onto a rectangle 4x smaller differs from scale_translate by %d", d);
    ovni_frame_unref(&src);
    ovni_frame_unref(&ref);
    ovni_frame_unref(&dst);
    /* An animated quad (growing a pixel a frame) reuses a few mip sizes'
     * pooled frames: allocations stop growing with the frame count. */
    src = frame_rand(OVNI_FORMAT_RGBA32, 400, 300);
    dst = frame_const(OVNI_FORMAT_RGB24, 160, 120, zero);
    ovni_device_stats before, after;
    ovni_device_get_stats(dev, &before);
    for (int n = 0; n < 120 && src && dst; n++) {
        const float e = 10.0f + n, quad[8] = {5, 5, 5 + e, 8, 5 + e, 5 + 0.7f * e, 7, 5 + 0.75f * e};
        CHECK_OK(ovni_warp(dst, src, quad, 1.0f));
    }
    ovni_device_get_stats(dev, &after);
    CHECK_MSG(after.host_allocs - before.host_allocs <= 12, "animated warp allocated %llu frames in 120 calls",
              (unsigned long long)(after.host_allocs - before.host_allocs));
    ovni_frame_unref(&src);
    ovni_frame_unref(&dst);
}

static void test_downscale(void)
{
    static const uint8_t c[4] = {13, 140, 251, 77};
    for (int f = 0; f < 3; f++) {
        ovni_frame *src = frame_const(fmts[f], 101, 77, c), *out = NULL;
        CHECK_OK(ovni_resize(src, 25, 19, &out));
        ovni_frame *ref = frame_const(fmts[f], 25, 19, c);
        CHECK_MSG(frame_diff(out, ref) == 0, "%s: downscaled constant", ovni_format_name(fmts[f]));
        ovni_frame_unref(&out);
        ovni_frame_unref(&ref);
        CHECK_OK(ovni_resize(src, 23, 200, &out)); /* shrink x, enlarge y */
        ref = frame_const(fmts[f], 23, 200, c);
        CHECK_MSG(frame_diff(out, ref) == 0, "%s: resized constant", ovni_format_name(fmts[f]));
        ovni_frame_unref(&out);
        ovni_frame_unref(&ref);
        ovni_frame_unref(&src);
    }
    /* A one-pixel checkerboard shrunk 4x is its mean, not a pattern. */
    ovni_frame *cb = NULL, *out = NULL, *out2 = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGB24, 64, 48, OVNI_MEMORY_HOST, &cb));
    for (int y = 0; cb && y < 48; y++)
        for (int x = 0; x < 64; x++) memset(at(cb, x, y), (x + y) % 2 ? 255 : 0, 3);
    CHECK_OK(ovni_resize(cb, 16, 12, &out));
    CHECK_OK(ovni_scale_translate(cb, 0.25f, 0, 0, 16, 12, &out2));
    for (int y = 0; out && out2 && y < 12; y++)
        for (int x = 0; x < 16; x++) {
            CHECK(abs(at(out, x, y)[0] - 128) <= 1 && abs(at(out, x, y)[2] - 128) <= 1);
            CHECK(abs(at(out2, x, y)[1] - 128) <= 1);
        }
    ovni_frame_unref(&out);
    ovni_frame_unref(&out2);
    /* ... also by a non-integer factor (within the quantisation of 2 greys). */
    CHECK_OK(ovni_resize(cb, 9, 7, &out));
    for (int y = 0; out && y < 7; y++)
        for (int x = 0; x < 9; x++) CHECK(abs(at(out, x, y)[0] - 128) <= 8);
    ovni_frame_unref(&out);
    ovni_frame_unref(&cb);
}

/* A strong shrink is the (alpha-weighted) mean of its footprint: 4200x4100
 * to 1x1 sums 17.2M taps, past float's 2^24 (a plain float sum gave 123
 * here for a mean of 120, and 212 at 6000x6000). */
static void test_downscale_wide(void)
{
    const int w = 4200, h = 4100;
    for (int f = 0; f < 2; f++) {
        const ovni_format fmt = f ? OVNI_FORMAT_RGBA32 : OVNI_FORMAT_GRAY8;
        const int bpp = f ? 4 : 1;
        ovni_frame *src = NULL, *out = NULL;
        CHECK_OK(ovni_frame_new(dev, fmt, w, h, OVNI_MEMORY_HOST, &src));
        if (!src) return;
        double sum = 0, wsum = 0;
        for (int y = 0; y < h; y++) {
            uint8_t *row = src->data[0] + (size_t)y * src->pitch[0];
            for (int x = 0; x < w * bpp; x++) row[x] = (uint8_t)(100 + (x * 7 + y * 13) % 41);
            for (int x = 0; x < w; x++) {
                const double a = bpp == 4 ? row[4 * x + 3] : 1.0;
                sum += a * row[x * bpp], wsum += a;
            }
        }
        CHECK_OK(ovni_resize(src, 1, 1, &out));
        if (out)
            CHECK_MSG(fabs(out->data[0][0] - sum / wsum) <= 0.5 + 1e-6, "%s: 1x1 of %dx%d is %d, mean %.3f",
                      ovni_format_name(fmt), w, h, out->data[0][0], sum / wsum);
        ovni_frame_unref(&out);
        ovni_frame_unref(&src);
    }
}

static void test_fit(void)
{
    static const uint8_t c[4] = {10, 200, 30, 255}, pad[4] = {1, 2, 3, 255};
    ovni_frame *src = frame_const(OVNI_FORMAT_RGB24, 160, 90, c), *out = NULL;
    CHECK_OK(ovni_fit(src, 100, 100, pad, &out));
    if (out) {
        /* 160x90 -> 100x56.25 -> 100x56 at y 22..77. */
        CHECK(out->width == 100 && out->height == 100);
        for (int y = 0; y < 100; y++) {
            const uint8_t *p = at(out, y % 100, y), *want = y < 22 || y >= 78 ? pad : c;
            CHECK_MSG(p[0] == want[0] && p[1] == want[1] && p[2] == want[2], "fit row %d: %d %d %d", y, p[0], p[1], p[2]);
        }
    }
    ovni_frame_unref(&out);
    CHECK_OK(ovni_fit(src, 320, 90, NULL, &out)); /* pillarbox: 160 wide at x 80 */
    if (out) CHECK(at(out, 79, 5)[1] == 0 && at(out, 80, 5)[1] == 200 && at(out, 239, 5)[1] == 200 && at(out, 240, 5)[1] == 0);
    ovni_frame_unref(&out);
    ovni_frame_unref(&src);
    /* Cover: left half red, right half blue; 200x100 -> 100x100 keeps x 50..150. */
    ovni_frame *lr = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGB24, 200, 100, OVNI_MEMORY_HOST, &lr));
    for (int y = 0; lr && y < 100; y++)
        for (int x = 0; x < 200; x++) {
            uint8_t *p = at(lr, x, y);
            p[0] = x < 100 ? 255 : 0, p[1] = 0, p[2] = x < 100 ? 0 : 255;
        }
    CHECK_OK(ovni_cover(lr, 100, 100, &out));
    if (out) {
        CHECK(out->width == 100 && out->height == 100);
        CHECK(at(out, 0, 0)[0] == 255 && at(out, 49, 50)[0] == 255 && at(out, 50, 50)[2] == 255 && at(out, 99, 99)[2] == 255);
    }
    ovni_frame_unref(&out);
    CHECK_OK(ovni_cover(lr, 40, 80, &out)); /* scale 0.8: covers 160x80, keeps x 75..125 */
    if (out) CHECK(out->width == 40 && out->height == 80 && at(out, 0, 0)[0] == 255 && at(out, 39, 79)[2] == 255);
    ovni_frame_unref(&out);
    ovni_frame_unref(&lr);
}

static void test_errors(void)
{
    ovni_frame *rgb = frame_rand(OVNI_FORMAT_RGB24, 8, 8), *rgba = frame_rand(OVNI_FORMAT_RGBA32, 8, 8);
    ovni_frame *nv = NULL, *out = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, 8, 8, OVNI_MEMORY_HOST, &nv));
    float nan = (float)NAN;
    CHECK_ERR(ovni_scale(rgb, nan, &out), OVNI_EINVAL, "s=");
    CHECK_ERR(ovni_scale(rgb, 0, &out), OVNI_EINVAL, "s=");
    CHECK_ERR(ovni_translate(rgb, 1, nan, &out), OVNI_EINVAL, "ty");
    CHECK_ERR(ovni_scale_translate(rgb, 1, 0, 0, -1, 0, &out), OVNI_EINVAL, "width");
    CHECK_ERR(ovni_crop(rgb, 2, 2, 2, 5, &out), OVNI_EINVAL, "right");
    CHECK_ERR(ovni_crop(rgb, 2, 3, 5, 1, &out), OVNI_EINVAL, "bottom");
    CHECK_ERR(ovni_crop(rgb, nan, 0, 5, 5, &out), OVNI_EINVAL, "left");
    CHECK_ERR(ovni_crop(rgb, 1, 1, 1.2f, 5, &out), OVNI_EINVAL, "width");
    CHECK_ERR(ovni_resize(rgb, 0, 5, &out), OVNI_EINVAL, "width");
    CHECK_ERR(ovni_resize(rgb, 5, 20000, &out), OVNI_EINVAL, "height");
    CHECK_ERR(ovni_resize_into(rgba, rgb), OVNI_EINVAL, "rgba32");
    CHECK_ERR(ovni_resize(nv, 4, 4, &out), OVNI_EINVAL, "nv12");
    CHECK_ERR(ovni_rotate(rgb, nan, 0, 0, 0, NULL, &out), OVNI_EINVAL, "degrees");
    CHECK_ERR(ovni_rotate(rgb, 10, (float)INFINITY, 0, 0, NULL, &out), OVNI_EINVAL, "cx");
    /* Ops that move pixels refuse a destination that shares the source's
     * pixels: a pass would read what it has already written. */
    CHECK_ERR(ovni_flip_into(rgb, rgb, 1, 0), OVNI_EINVAL, "share pixels");
    CHECK_ERR(ovni_rotate_into(rgb, rgb, 30, 4, 4, NULL), OVNI_EINVAL, "rotate: destination and source share");
    CHECK_ERR(ovni_crop_into(rgb, rgb, 1, 1, 7, 7), OVNI_EINVAL, "crop: destination and source share");
    CHECK_ERR(ovni_scale_translate_into(rgb, rgb, 1, 0.5f, 0), OVNI_EINVAL, "scale_translate: destination");
    CHECK_ERR(ovni_resize_into(rgb, rgb), OVNI_EINVAL, "share pixels");
    CHECK_ERR(ovni_fit_into(rgb, rgb, NULL), OVNI_EINVAL, "share pixels");
    float whole[8] = {0, 0, 8, 0, 8, 8, 0, 8};
    CHECK_ERR(ovni_warp(rgba, rgba, whole, 1), OVNI_EINVAL, "warp: destination and source share");
    {
        /* Two wrapped views of one buffer, the second starting in the
         * first's third row: they overlap without being the same frame. */
        uint8_t *buf = calloc(8 * 3 * 12, 1);
        uint8_t *d0[2] = {buf, NULL}, *d1[2] = {buf + 2 * 8 * 3, NULL};
        const size_t pitch[2] = {8 * 3, 0};
        ovni_frame *a = NULL, *b = NULL;
        CHECK_OK(ovni_frame_wrap(dev, OVNI_FORMAT_RGB24, 8, 8, OVNI_MEMORY_HOST, d0, pitch, NULL, NULL, &a));
        CHECK_OK(ovni_frame_wrap(dev, OVNI_FORMAT_RGB24, 8, 8, OVNI_MEMORY_HOST, d1, pitch, NULL, NULL, &b));
        CHECK_ERR(ovni_scale_translate_into(b, a, 1, 0, 1), OVNI_EINVAL, "share pixels");
        CHECK_ERR(ovni_overlay(b, a, 0, 1, 1), OVNI_EINVAL, "share pixels");
        ovni_frame_unref(&a);
        ovni_frame_unref(&b);
        free(buf);
    }
    {
        /* Frames of two devices are refused even when both are on the host. */
        ovni_device *other = NULL;
        ovni_frame *o = NULL;
        CHECK_OK(ovni_device_open(&other, "cpu"));
        CHECK_OK(ovni_frame_new(other, OVNI_FORMAT_RGB24, 8, 8, OVNI_MEMORY_HOST, &o));
        CHECK_ERR(ovni_resize_into(o, rgb), OVNI_EINVAL, "different devices");
        CHECK_ERR(ovni_overlay(o, rgb, 0, 0, 1), OVNI_EINVAL, "different devices");
        ovni_frame_unref(&o);
        ovni_device_close(&other);
    }
    CHECK_ERR(ovni_fit(rgb, 10, 0, NULL, &out), OVNI_EINVAL, "height");
    CHECK_ERR(ovni_cover(rgb, 0, 10, &out), OVNI_EINVAL, "width");
    CHECK_ERR(ovni_scale(NULL, 1, &out), OVNI_EINVAL, "NULL");
    float bowtie[8] = {0, 0, 8, 8, 8, 0, 0, 8}, line[8] = {0, 0, 4, 0, 8, 0, 2, 0};
    float ok[8] = {0, 0, 8, 0, 8, 8, 0, 8}, bad[8] = {0, 0, 8, 0, 8, 8, 0, 0};
    bad[7] = nan;
    CHECK_ERR(ovni_warp(rgb, rgba, bowtie, 1), OVNI_EINVAL, "convex");
    CHECK_ERR(ovni_warp(rgb, rgba, line, 1), OVNI_EINVAL, "convex");
    CHECK_ERR(ovni_warp(rgb, rgba, bad, 1), OVNI_EINVAL, "corners[7]");
    CHECK_ERR(ovni_warp(rgb, rgba, ok, 1.5f), OVNI_EINVAL, "opacity");
    CHECK_ERR(ovni_warp(rgb, rgba, NULL, 1), OVNI_EINVAL, "corners");
    CHECK_ERR(ovni_warp(rgb, nv, ok, 1), OVNI_EINVAL, "nv12");
    CHECK(out == NULL);
    /* Huge but valid parameters stay in bounds (ASan checks). */
    CHECK_OK(ovni_scale_translate(rgb, 1e-4f, 1e6f, -1e6f, 3, 3, &out));
    ovni_frame_unref(&out);
    CHECK_OK(ovni_crop(rgb, -60000, -60000, -59990, -59990, &out));
    ovni_frame_unref(&out);
    CHECK_OK(ovni_rotate(rgb, 1e6f, -1e6f, 1e6f, 1, NULL, &out));
    ovni_frame_unref(&out);
    float far_q[8] = {-1e6f, -1e6f, 1e6f, -1e6f, 1e6f, 1e6f, -1e6f, 1e6f};
    CHECK_OK(ovni_warp(rgb, rgba, far_q, 1));
    ovni_frame_unref(&nv);
    ovni_frame_unref(&rgb);
    ovni_frame_unref(&rgba);
}

int main(void)
{
    CHECK_OK(ovni_device_open(&dev, "cpu"));
    test_seed(4);
    for (int f = 0; f < 3; f++) {
        test_translate(fmts[f]);
        test_identities(fmts[f]);
        test_crop(fmts[f]);
        test_quarter_turns(fmts[f]);
    }
    test_rotate_expand();
    static const ovni_format all[] = {OVNI_FORMAT_RGB24, OVNI_FORMAT_RGBA32, OVNI_FORMAT_GRAY8, OVNI_FORMAT_NV12,
                                      OVNI_FORMAT_P010};
    for (int f = 0; f < 5; f++) {
        test_orient(all[f], 37, 22);
        test_orient(all[f], 1, 1);
        test_orient(all[f], 6, 9);
    }
    for (int f = 0; f < 2; f++) {
        test_warp(fmts[f], 1.0f, 0, 0);
        test_warp(fmts[f], 1.7f, 5.3f, 7.8f);
        test_warp(fmts[f], 2.0f, -10.25f, 3.5f);
    }
    test_downscale();
    test_warp_minified();
    test_downscale_wide();
    test_fit();
    test_errors();
    ovni_device_close(&dev);
    return test_result("geometry");
}
