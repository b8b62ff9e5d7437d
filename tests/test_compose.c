/* Compositing ops on the CPU: properties on random inputs (overlay, blend,
 * chroma key, rounded corners, fill, fade, crossfade, adjust) and named
 * errors for bad parameters. */
#include <math.h>
#include <string.h>

#include "test.h"

static ovni_device *dev;

static ovni_frame *rnd(ovni_format f, int w, int h) { return test_new_random(dev, f, w, h); }

static ovni_frame *clone(const ovni_frame *f)
{
    ovni_frame *c = NULL;
    CHECK_OK(ovni_frame_new(dev, f->format, f->width, f->height, OVNI_MEMORY_HOST, &c));
    if (c) CHECK_OK(ovni_frame_copy(c, f));
    return c;
}

static const uint8_t *px(const ovni_frame *f, int x, int y)
{
    return f->data[0] + (size_t)y * f->pitch[0] + (size_t)x * ovni_format_pixel_bytes(f->format);
}

static int same(const ovni_frame *a, const ovni_frame *b)
{
    size_t row = (size_t)a->width * ovni_format_pixel_bytes(a->format);
    for (int y = 0; y < a->height; y++)
        if (memcmp(px(a, 0, y), px(b, 0, y), row)) return 0;
    return 1;
}

static const ovni_format rgbs[2] = {OVNI_FORMAT_RGB24, OVNI_FORMAT_RGBA32};

static void test_overlay(void)
{
    for (int it = 0; it < 40; it++) {
        ovni_format df = rgbs[it & 1], sf = rgbs[(it >> 1) & 1];
        int w = 1 + test_rand() % 40, h = 1 + test_rand() % 30, sw = 1 + test_rand() % 25, sh = 1 + test_rand() % 25;
        ovni_frame *dst = rnd(df, w, h), *src = rnd(sf, sw, sh), *ref = clone(dst);
        if (!dst || !src || !ref) return;
        float x = (float)test_uniform(-sw - 2, w + 2), y = (float)test_uniform(-sh - 2, h + 2);
        /* Opacity 0 and a source wholly off the frame change nothing. */
        CHECK_OK(ovni_overlay(dst, src, x, y, 0.0f));
        CHECK_OK(ovni_overlay(dst, src, (float)-sw, y, 1.0f));
        CHECK_OK(ovni_overlay(dst, src, (float)w, y, 1.0f));
        CHECK_OK(ovni_overlay(dst, src, x, (float)h + 0.25f, 1.0f));
        CHECK_OK(ovni_overlay(dst, src, -1e30f, 1e30f, 1.0f));
        CHECK_MSG(same(dst, ref), "overlay changed pixels with opacity 0 or off-frame (%dx%d)", w, h);
        /* Opacity 1 at whole pixels: a copy into the clipped region. */
        int ix = (int)floorf(x), iy = (int)floorf(y);
        CHECK_OK(ovni_overlay(dst, src, (float)ix, (float)iy, 1.0f));
        int bad = 0;
        for (int yy = 0; yy < h; yy++)
            for (int xx = 0; xx < w; xx++) {
                int sx = xx - ix, sy = yy - iy, in = sx >= 0 && sy >= 0 && sx < sw && sy < sh;
                const uint8_t *d = px(dst, xx, yy), *r = in ? px(src, sx, sy) : px(ref, xx, yy);
                bad += memcmp(d, r, 3) != 0;
                if (df == OVNI_FORMAT_RGBA32) bad += d[3] != (in ? 255 : px(ref, xx, yy)[3]);
            }
        CHECK_MSG(!bad, "overlay at (%d, %d): %d pixels differ from a copy", ix, iy, bad);
        ovni_frame_unref(&dst), ovni_frame_unref(&src), ovni_frame_unref(&ref);
    }
    /* Half a pixel: the edge pixels get half the source. */
    ovni_frame *dst = NULL, *src = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGB24, 8, 1, OVNI_MEMORY_HOST, &dst));
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGB24, 4, 1, OVNI_MEMORY_HOST, &src));
    if (!dst || !src) return;
    memset(dst->data[0], 0, 24);
    memset(src->data[0], 200, 12);
    CHECK_OK(ovni_overlay(dst, src, 2.5f, 0.0f, 1.0f));
    CHECK(px(dst, 1, 0)[0] == 0 && px(dst, 2, 0)[0] == 100 && px(dst, 3, 0)[0] == 200 && px(dst, 5, 0)[0] == 200 &&
          px(dst, 6, 0)[0] == 100 && px(dst, 7, 0)[0] == 0);
    ovni_frame_unref(&dst), ovni_frame_unref(&src);
}

static void set_alpha(ovni_frame *f, int a)
{
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++) ((uint8_t *)px(f, x, y))[3] = (uint8_t)a;
}

static void test_blend(void)
{
    for (int it = 0; it < 20; it++) {
        ovni_format df = rgbs[it & 1];
        int w = 1 + test_rand() % 40, h = 1 + test_rand() % 30, sw = 1 + test_rand() % 25, sh = 1 + test_rand() % 25;
        ovni_frame *dst = rnd(df, w, h), *src = rnd(OVNI_FORMAT_RGBA32, sw, sh), *ref = clone(dst);
        if (!dst || !src || !ref) return;
        float x = (float)test_uniform(-sw, w), y = (float)test_uniform(-sh, h), op = (float)test_uniform(0, 1);
        set_alpha(src, 0);
        CHECK_OK(ovni_blend(dst, src, x, y, 1.0f));
        CHECK_MSG(same(dst, ref), "blend of a transparent source changed pixels");
        set_alpha(src, 255);
        /* wholly off the frame (past any edge): nothing changes */
        const float off[4][2] = {{(float)-sw, y}, {(float)w, y}, {x, (float)-sh - 0.5f}, {x, (float)h + 0.25f}};
        for (int k = 0; k < 4; k++) CHECK_OK(ovni_blend(dst, src, off[k][0], off[k][1], 1.0f));
        CHECK_MSG(same(dst, ref), "blend of a source off the frame changed pixels");
        CHECK_OK(ovni_blend(dst, src, x, y, op));
        CHECK_OK(ovni_overlay(ref, src, x, y, op));
        CHECK_MSG(same(dst, ref), "blend of an opaque source differs from overlay at (%g, %g)", x, y);
        ovni_frame_unref(&dst), ovni_frame_unref(&src), ovni_frame_unref(&ref);
    }
    /* One pixel by hand: straight-alpha over onto RGBA. */
    ovni_frame *dst = NULL, *src = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGBA32, 1, 1, OVNI_MEMORY_HOST, &dst));
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGBA32, 1, 1, OVNI_MEMORY_HOST, &src));
    if (!dst || !src) return;
    const uint8_t s[4] = {200, 100, 50, 128}, d[4] = {10, 20, 240, 64};
    memcpy(src->data[0], s, 4);
    memcpy(dst->data[0], d, 4);
    CHECK_OK(ovni_blend(dst, src, 0, 0, 0.8f));
    double as = 128 / 255.0 * 0.8, ad = 64 / 255.0, oa = as + ad * (1 - as);
    for (int c = 0; c < 3; c++) {
        double want = (s[c] * as + d[c] * ad * (1 - as)) / oa;
        CHECK_MSG(fabs(dst->data[0][c] - want) <= 0.6, "blend rgba channel %d: %d, want %.2f", c, dst->data[0][c], want);
    }
    CHECK_MSG(fabs(dst->data[0][3] - oa * 255) <= 0.6, "blend rgba alpha: %d, want %.2f", dst->data[0][3], oa * 255);
    ovni_frame_unref(&dst), ovni_frame_unref(&src);
}

static void test_chroma_key(void)
{
    const uint8_t key[3] = {20, 200, 40};
    for (int f = 0; f < 2; f++) {
        ovni_frame *src = rnd(rgbs[f], 5, 3), *out = NULL;
        if (!src) return;
        memcpy((uint8_t *)px(src, 0, 0), key, 3);
        const uint8_t far[3] = {230, 30, 220};
        memcpy((uint8_t *)px(src, 1, 0), far, 3);
        if (f) ((uint8_t *)px(src, 0, 0))[3] = ((uint8_t *)px(src, 1, 0))[3] = 255;
        CHECK_OK(ovni_chroma_key(src, key, 0.1f, 0.3f, 0.0f, &out));
        if (out) {
            CHECK(out->format == OVNI_FORMAT_RGBA32);
            CHECK_MSG(px(out, 0, 0)[3] == 0, "key colour alpha %d", px(out, 0, 0)[3]);
            CHECK_MSG(px(out, 1, 0)[3] == 255, "distant colour alpha %d", px(out, 1, 0)[3]);
            CHECK(!memcmp(px(out, 1, 0), far, 3));
        }
        ovni_frame_unref(&out);
        /* Spill pulls the key's dominant channel down, never up. */
        CHECK_OK(ovni_chroma_key(src, key, 0.1f, 0.3f, 1.0f, &out));
        if (out)
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 5; x++) CHECK(px(out, x, y)[1] <= px(src, x, y)[1]);
        ovni_frame_unref(&out);
        /* A key one level off grey pulls at most 1/32 of full spill. */
        {
            static const uint8_t near_grey[3] = {128, 129, 128};
            ovni_frame *plain = NULL;
            CHECK_OK(ovni_chroma_key(src, near_grey, 0.1f, 0.3f, 0.0f, &plain));
            CHECK_OK(ovni_chroma_key(src, near_grey, 0.1f, 0.3f, 1.0f, &out));
            int worst = 0;
            for (int y = 0; plain && out && y < 3; y++)
                for (int x = 0; x < 5; x++) {
                    const int dd = abs(px(plain, x, y)[1] - px(out, x, y)[1]);
                    worst = dd > worst ? dd : worst;
                }
            CHECK_MSG(plain && out && worst <= 8, "spill with a near-grey key moved green by %d", worst);
            ovni_frame_unref(&plain);
            ovni_frame_unref(&out);
        }
        /* A key without a single dominant channel ignores spill. */
        static const uint8_t neutral[2][3] = {{128, 128, 128}, {10, 220, 220}};
        for (int k = 0; k < 2; k++) {
            ovni_frame *plain = NULL;
            CHECK_OK(ovni_chroma_key(src, neutral[k], 0.1f, 0.3f, 0.0f, &plain));
            CHECK_OK(ovni_chroma_key(src, neutral[k], 0.1f, 0.3f, 1.0f, &out));
            CHECK_MSG(plain && out && same(plain, out), "spill with key %d,%d,%d changed pixels", neutral[k][0],
                      neutral[k][1], neutral[k][2]);
            ovni_frame_unref(&plain);
            ovni_frame_unref(&out);
        }
        ovni_frame_unref(&src);
    }
}

static void test_rounded(void)
{
    for (int f = 0; f < 2; f++) {
        ovni_frame *src = rnd(rgbs[f], 64, 48), *out = NULL;
        if (!src) return;
        if (f) set_alpha(src, 255);
        CHECK_OK(ovni_round_corners(src, 0.0f, NULL, 2.0f, &out));
        int bad = 0;
        for (int y = 0; out && y < 48; y++)
            for (int x = 0; x < 64; x++) bad += px(out, x, y)[3] != 255 || memcmp(px(out, x, y), px(src, x, y), 3);
        CHECK_MSG(!bad, "radius 0: %d pixels not opaque copies", bad);
        ovni_frame_unref(&out);
        const float radii[4] = {20, 30, 40, 1000};
        for (float n = 2; n <= 5; n += 3) {
            CHECK_OK(ovni_round_corners(src, 0.0f, radii, n, &out));
            if (!out) continue;
            CHECK(px(out, 0, 0)[3] == 0 && px(out, 63, 0)[3] == 0 && px(out, 63, 47)[3] == 0 && px(out, 0, 47)[3] == 0);
            CHECK(px(out, 32, 24)[3] == 255 && px(out, 32, 0)[3] == 255);
            ovni_frame_unref(&out);
        }
        ovni_frame_unref(&src);
    }
    /* A circle of radius 24 in a 48x48 mask: coverage follows the distance. */
    ovni_frame *m = NULL;
    CHECK_OK(ovni_round_mask(dev, OVNI_MEMORY_HOST, OVNI_FORMAT_GRAY8, 48, 48, 24.0f, NULL, 2.0f, &m));
    if (m) {
        int bad = 0;
        for (int y = 0; y < 48; y++)
            for (int x = 0; x < 48; x++) {
                double r = hypot(x + 0.5 - 24, y + 0.5 - 24), want = 255 * fmin(fmax(24.5 - r, 0), 1);
                bad += fabs(px(m, x, y)[0] - want) > 1.0;
                bad += abs(px(m, x, y)[0] - px(m, 47 - x, y)[0]) > 1 || abs(px(m, x, y)[0] - px(m, x, 47 - y)[0]) > 1;
            }
        CHECK_MSG(!bad, "round mask: %d pixels off the circle's coverage or not symmetric", bad);
    }
    ovni_frame_unref(&m);
}

static void test_fill(void)
{
    ovni_frame *f = rnd(OVNI_FORMAT_RGBA32, 20, 10), *ref = f ? clone(f) : NULL;
    if (!f || !ref) return;
    const uint8_t c[4] = {1, 2, 3, 255};
    CHECK_OK(ovni_fill_rect(f, 3, 2, 5, 4, c));
    int bad = 0;
    for (int y = 0; y < 10; y++)
        for (int x = 0; x < 20; x++) {
            int in = x >= 3 && x < 8 && y >= 2 && y < 6;
            bad += memcmp(px(f, x, y), in ? c : px(ref, x, y), 4) != 0;
        }
    CHECK_MSG(!bad, "fill_rect: %d pixels outside/inside its box wrong", bad);
    /* A box wholly off the frame, or a transparent colour: no change. */
    CHECK_OK(ovni_frame_copy(ref, f));
    CHECK_OK(ovni_fill_rect(f, -50, -50, 10, 10, c));
    CHECK_OK(ovni_fill_rect(f, 20, 3, 5, 5, c));
    CHECK_OK(ovni_fill_rect(f, 0, 0, 20, 10, (const uint8_t[4]){9, 9, 9, 0}));
    CHECK_MSG(same(f, ref), "fill_rect off the frame or transparent changed pixels");
    /* Fractional edge: half the pixel. */
    CHECK_OK(ovni_frame_copy(f, ref));
    set_alpha(f, 255);
    ((uint8_t *)px(f, 0, 0))[0] = 0;
    CHECK_OK(ovni_fill_rect(f, 0.5f, 0, 1, 1, (const uint8_t[4]){200, 0, 0, 255}));
    CHECK(px(f, 0, 0)[0] == 100);
    /* Fade: t = 0 identity, t = 1 the colour, alpha kept. */
    CHECK_OK(ovni_frame_copy(f, ref));
    const uint8_t k[3] = {7, 8, 9};
    CHECK_OK(ovni_fade(f, k, 0.0f));
    CHECK(same(f, ref));
    CHECK_OK(ovni_fade(f, k, 1.0f));
    bad = 0;
    for (int y = 0; y < 10; y++)
        for (int x = 0; x < 20; x++) bad += memcmp(px(f, x, y), k, 3) || px(f, x, y)[3] != px(ref, x, y)[3];
    CHECK_MSG(!bad, "fade t=1: %d pixels not the colour", bad);
    ovni_frame_unref(&f), ovni_frame_unref(&ref);
}

static void test_mix(void)
{
    ovni_frame *a = rnd(OVNI_FORMAT_RGBA32, 13, 7), *b = rnd(OVNI_FORMAT_RGBA32, 13, 7), *o = NULL;
    if (!a || !b) return;
    CHECK_OK(ovni_crossfade(a, b, 0.0f, &o));
    CHECK(o && same(o, a));
    ovni_frame_unref(&o);
    CHECK_OK(ovni_crossfade(a, b, 1.0f, &o));
    CHECK(o && same(o, b));
    ovni_frame_unref(&o);
    /* Midway, every byte (alpha too) is a + (b - a) t, in every format. */
    static const ovni_format mixf[3] = {OVNI_FORMAT_RGB24, OVNI_FORMAT_RGBA32, OVNI_FORMAT_GRAY8};
    for (int f = 0; f < 3; f++) {
        ovni_frame *p = rnd(mixf[f], 11, 6), *q = rnd(mixf[f], 11, 6);
        if (!p || !q) return;
        const int bpp = f == 2 ? 1 : f == 1 ? 4 : 3;
        int bad = 0;
        CHECK_OK(ovni_crossfade(p, q, 0.3f, &o));
        for (int y = 0; o && y < 6; y++)
            for (int i = 0; i < 11 * bpp; i++) {
                const double pv = p->data[0][y * p->pitch[0] + i], qv = q->data[0][y * q->pitch[0] + i];
                bad += fabs(o->data[0][y * o->pitch[0] + i] - (pv + (qv - pv) * 0.3)) > 0.5 + 1e-3;
            }
        CHECK_MSG(o && !bad, "crossfade %s t=0.3: %d bytes off", ovni_format_name(mixf[f]), bad);
        ovni_frame_unref(&o), ovni_frame_unref(&p), ovni_frame_unref(&q);
    }
    for (int f = 0; f < 2; f++) {
        ovni_frame *x = rnd(rgbs[f], 31, 9), *ref = x ? clone(x) : NULL;
        if (!x || !ref) return;
        CHECK_OK(ovni_adjust(x, 0.0f, 1.0f, 1.0f));
        CHECK(same(x, ref));
        /* Saturation 0: grey; brightness 1: white. */
        CHECK_OK(ovni_adjust(x, 0.0f, 1.0f, 0.0f));
        CHECK(px(x, 3, 4)[0] == px(x, 3, 4)[1] && px(x, 3, 4)[1] == px(x, 3, 4)[2]);
        /* Contrast k about mid-grey: 127.5 + (c - 127.5) k. */
        CHECK_OK(ovni_frame_copy(x, ref));
        CHECK_OK(ovni_adjust(x, 0.0f, 0.5f, 1.0f));
        int bad = 0;
        for (int y = 0; y < 9; y++)
            for (int i = 0; i < 31; i++)
                for (int c = 0; c < 3; c++)
                    bad += fabs(px(x, i, y)[c] - (127.5 + (px(ref, i, y)[c] - 127.5) * 0.5)) > 0.5 + 1e-3;
        CHECK_MSG(!bad, "adjust contrast 0.5: %d channels off", bad);
        CHECK_OK(ovni_adjust(x, 1.0f, 1.0f, 1.0f));
        CHECK(px(x, 5, 5)[0] == 255 && px(x, 5, 5)[2] == 255);
        ovni_frame_unref(&x), ovni_frame_unref(&ref);
    }
    ovni_frame_unref(&a), ovni_frame_unref(&b);
}

static void test_errors(void)
{
    ovni_frame *rgb = rnd(OVNI_FORMAT_RGB24, 8, 8), *rgba = rnd(OVNI_FORMAT_RGBA32, 8, 8),
               *gray = rnd(OVNI_FORMAT_GRAY8, 8, 8), *small = rnd(OVNI_FORMAT_RGBA32, 4, 4), *o = NULL;
    const uint8_t c[4] = {0, 0, 0, 255};
    float nan = NAN;
    CHECK_ERR(ovni_overlay(rgb, NULL, 0, 0, 1), OVNI_EINVAL, "source");
    CHECK_ERR(ovni_overlay(NULL, rgb, 0, 0, 1), OVNI_EINVAL, "destination");
    CHECK_ERR(ovni_overlay(rgb, rgba, nan, 0, 1), OVNI_EINVAL, "x=");
    CHECK_ERR(ovni_overlay(rgb, rgba, 0, INFINITY, 1), OVNI_EINVAL, "y=");
    CHECK_ERR(ovni_overlay(rgb, rgba, 0, 0, 1.5f), OVNI_EINVAL, "alpha");
    CHECK_ERR(ovni_overlay(rgb, rgb, 0, 0, 1), OVNI_EINVAL, "share pixels");
    CHECK_ERR(ovni_overlay(gray, rgb, 0, 0, 1), OVNI_EINVAL, "destination format");
    CHECK_ERR(ovni_blend(rgb, rgb, 0, 0, 1), OVNI_EINVAL, "source format");
    CHECK_ERR(ovni_blend(rgba, small, 0, 0, nan), OVNI_EINVAL, "alpha");
    CHECK_ERR(ovni_chroma_key(rgb, NULL, 0.1f, 0.2f, 0, &o), OVNI_EINVAL, "key");
    CHECK_ERR(ovni_chroma_key(rgb, c, 0.3f, 0.2f, 0, &o), OVNI_EINVAL, "opacity_t");
    CHECK_ERR(ovni_chroma_key(rgb, c, -0.1f, 0.2f, 0, &o), OVNI_EINVAL, "transparency_t");
    CHECK_ERR(ovni_chroma_key(rgb, c, 0.1f, 0.2f, 2, &o), OVNI_EINVAL, "spill");
    CHECK_ERR(ovni_chroma_key(gray, c, 0.1f, 0.2f, 0, &o), OVNI_EINVAL, "source format");
    CHECK_ERR(ovni_chroma_key_into(small, rgb, c, 0.1f, 0.2f, 0), OVNI_EINVAL, "8x8");
    CHECK_ERR(ovni_chroma_key(rgb, c, 0.1f, 0.2f, 0, NULL), OVNI_EINVAL, "out");
    CHECK_ERR(ovni_round_corners(rgb, -1, NULL, 2, &o), OVNI_EINVAL, "radius");
    CHECK_ERR(ovni_round_corners(rgb, 1, (const float[4]){1, 2, nan, 4}, 2, &o), OVNI_EINVAL, "radii[2]");
    CHECK_ERR(ovni_round_corners(rgb, 1, NULL, 0.5f, &o), OVNI_EINVAL, "smoothing");
    CHECK_ERR(ovni_round_corners_into(rgb, rgb, 1, NULL, 2), OVNI_EINVAL, "destination format");
    CHECK_ERR(ovni_round_mask(dev, OVNI_MEMORY_HOST, OVNI_FORMAT_RGB24, 8, 8, 1, NULL, 2, &o), OVNI_EINVAL, "format");
    CHECK_ERR(ovni_round_mask(dev, OVNI_MEMORY_HOST, OVNI_FORMAT_GRAY8, 0, 8, 1, NULL, 2, &o), OVNI_EINVAL, "size");
    CHECK_ERR(ovni_round_mask(NULL, OVNI_MEMORY_HOST, OVNI_FORMAT_GRAY8, 8, 8, 1, NULL, 2, &o), OVNI_EINVAL, "device");
    CHECK_ERR(ovni_fill_rect(rgb, 0, 0, 0, 1, c), OVNI_EINVAL, "width");
    CHECK_ERR(ovni_fill_rect(rgb, 0, 0, 1, nan, c), OVNI_EINVAL, "height");
    CHECK_ERR(ovni_fill_rect(rgb, nan, 0, 1, 1, c), OVNI_EINVAL, "x=");
    CHECK_ERR(ovni_fill_rect(rgb, 0, 0, 1, 1, NULL), OVNI_EINVAL, "rgba");
    CHECK_ERR(ovni_fill_rect(gray, 0, 0, 1, 1, c), OVNI_EINVAL, "frame format");
    CHECK_ERR(ovni_fill_rect(NULL, 0, 0, 1, 1, c), OVNI_EINVAL, "frame");
    CHECK_ERR(ovni_fade(rgb, c, 1.5f), OVNI_EINVAL, "t=");
    CHECK_ERR(ovni_fade(rgb, NULL, 0.5f), OVNI_EINVAL, "rgb");
    CHECK_ERR(ovni_crossfade(rgb, rgba, 0.5f, &o), OVNI_EINVAL, "formats");
    CHECK_ERR(ovni_crossfade(rgba, small, 0.5f, &o), OVNI_EINVAL, "sizes");
    CHECK_ERR(ovni_crossfade(rgb, rgb, nan, &o), OVNI_EINVAL, "t=");
    CHECK_ERR(ovni_crossfade(rgb, NULL, 0.5f, &o), OVNI_EINVAL, "b frame");
    CHECK_ERR(ovni_adjust(rgb, 2, 1, 1), OVNI_EINVAL, "brightness");
    CHECK_ERR(ovni_adjust(rgb, 0, -1, 1), OVNI_EINVAL, "contrast");
    CHECK_ERR(ovni_adjust(rgb, 0, 1, nan), OVNI_EINVAL, "saturation");
    CHECK_ERR(ovni_adjust(gray, 0, 1, 1), OVNI_EINVAL, "frame format");
    CHECK(o == NULL);
    ovni_frame_unref(&rgb), ovni_frame_unref(&rgba), ovni_frame_unref(&gray), ovni_frame_unref(&small);
}

int main(void)
{
    CHECK_OK(ovni_device_open(&dev, "cpu"));
    test_seed(4242);
    test_overlay();
    test_blend();
    test_chroma_key();
    test_rounded();
    test_fill();
    test_mix();
    test_errors();
    ovni_device_close(&dev);
    return test_result("compose");
}
