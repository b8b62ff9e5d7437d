/* Effects on the CPU: gaussian blur, drop shadow, vignette, and the
 * frame-rate schedule, against their definitions. */
#include <math.h>
#include <string.h>
#include <time.h>

#include "../src/ops/blur.h" /* blur_exact_into, to compare the large-sigma path with */
#include "test.h"

static ovni_device *dev;

static uint8_t *px(ovni_frame *f, int x, int y)
{
    return f->data[0] + (size_t)y * f->pitch[0] + (size_t)x * ovni_format_pixel_bytes(f->format);
}

static ovni_frame *new_frame(ovni_format fmt, int w, int h)
{
    ovni_frame *f = NULL;
    CHECK_OK(ovni_frame_new(dev, fmt, w, h, OVNI_MEMORY_HOST, &f));
    return f;
}

static void fill(ovni_frame *f, const uint8_t *v)
{
    int bpp = ovni_format_pixel_bytes(f->format);
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++) memcpy(px(f, x, y), v, (size_t)bpp);
}

static int same_pixels(ovni_frame *a, ovni_frame *b)
{
    size_t row = (size_t)a->width * ovni_format_pixel_bytes(a->format);
    for (int y = 0; y < a->height; y++)
        if (memcmp(px(a, 0, y), px(b, 0, y), row)) return 0;
    return 1;
}

static const ovni_format blur_formats[] = {OVNI_FORMAT_RGB24, OVNI_FORMAT_RGBA32, OVNI_FORMAT_GRAY8};

static void test_blur_identity_and_constant(void)
{
    for (int i = 0; i < 3; i++) {
        ovni_frame *src = new_frame(blur_formats[i], 37, 23), *out = NULL;
        if (!src) return;
        test_fill_random(src);
        CHECK_OK(ovni_gaussian_blur(src, 0.05f, &out));
        CHECK_MSG(out && same_pixels(out, src), "%s: sigma 0.05 is not the identity", ovni_format_name(src->format));
        ovni_frame_unref(&out);

        /* A constant image stays exactly constant, borders included. */
        static const uint8_t v[4] = {37, 200, 255, 128};
        fill(src, v);
        static const float sigmas[] = {0.5f, 3.0f, 6.0f, 25.0f, 170.0f};
        for (int s = 0; s < 5; s++) {
            CHECK_OK(ovni_gaussian_blur(src, sigmas[s], &out));
            CHECK_MSG(out && same_pixels(out, src), "%s: sigma %g changes a constant image",
                      ovni_format_name(src->format), sigmas[s]);
            ovni_frame_unref(&out);
        }
        ovni_frame_unref(&src);
    }
}

static void test_blur_impulse(void)
{
    const int n = 65, c = 32;
    const double sigma = 2.0;
    ovni_frame *f = new_frame(OVNI_FORMAT_GRAY8, n, n), *out = NULL;
    if (!f) return;
    static const uint8_t zero = 0;
    fill(f, &zero);
    *px(f, c, c) = 255;
    CHECK_OK(ovni_gaussian_blur(f, (float)sigma, &out));
    if (!out) return;
    int r = (int)ceil(3 * sigma);
    double norm = 0;
    for (int k = -r; k <= r; k++) norm += exp(-k * k / (2 * sigma * sigma));
    double sum = 0, rounded = 0;
    int worst = 0, asym = 0;
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++) {
            int dx = x - c, dy = y - c, v = *px(out, x, y);
            double g = 0;
            if (abs(dx) <= r && abs(dy) <= r)
                g = 255 * exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)) / (norm * norm);
            if (fabs(v - g) > 1.0) worst++;
            sum += v;
            rounded += floor(g + 0.5);
            if (v != *px(out, 2 * c - x, y) || v != *px(out, x, 2 * c - y)) asym++;
            if (abs(v - *px(out, y, x)) > 1) asym++;
        }
    CHECK_MSG(worst == 0, "impulse: a pixel differs from the sampled Gaussian by more than 1");
    /* Taps sum to 1: the mass is kept but for the tails that round to 0. */
    CHECK_MSG(fabs(sum - rounded) <= 4 && fabs(sum - 255) <= 26, "impulse: blurred sum %g, want %g (255 before rounding)",
              sum, rounded);
    CHECK_MSG(asym == 0, "impulse: %d pixels break the symmetry", asym);
    ovni_frame_unref(&out);
    ovni_frame_unref(&f);
}

static void test_blur_large_sigma(void)
{
    ovni_frame *f = new_frame(OVNI_FORMAT_GRAY8, 1920, 1080), *out = NULL;
    if (!f) return;
    test_seed(7);
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++) *px(f, x, y) = (uint8_t)(40 + test_rand() % 161);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_OK(ovni_gaussian_blur(f, 100.0f, &out));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("gaussian_blur sigma 100, 1920x1080 gray8 on the CPU: %.0f ms\n",
           (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
    int lo = 255, hi = 0, ilo = 255, ihi = 0;
    for (int y = 0; out && y < out->height; y++)
        for (int x = 0; x < out->width; x++) {
            int v = *px(out, x, y);
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            if (x >= 300 && x < 1620 && y >= 300 && y < 780) { /* 3 sigma from the borders */
                ilo = v < ilo ? v : ilo;
                ihi = v > ihi ? v : ihi;
            }
        }
    CHECK_MSG(lo >= 40 && hi <= 200, "sigma 100: output range %d..%d leaves the input's 40..200", lo, hi);
    /* Noise of std 46 averaged over ~350^2 pixels: flat away from the
     * borders (near them the clamped edge pixels weigh more). */
    CHECK_MSG(ihi - ilo <= 4, "sigma 100: interior range %d..%d is not smooth", ilo, ihi);
    ovni_frame_unref(&out);
    ovni_frame_unref(&f);
}

/* From sigma 6 the blur shrinks, blurs and enlarges (blur_pyramid.h); it
 * must stay within 3 levels of the exact blur (measured: 2), mean error
 * under 0.5, on hard edges (a checkerboard of 23-pixel squares), on noise
 * and on RGBA with varying alpha (colour error weighted by alpha, as seen
 * when composited), at sizes that are no multiple of the shrink factor. */
static void test_blur_large_sigma_matches_exact(void)
{
    static const float sigmas[] = {6.0f, 11.9f, 12.0f, 25.0f, 60.0f, 100.0f};
    for (int i = 0; i < 3; i++)
        for (int kind = 0; kind < 2; kind++) {
            ovni_format fmt = blur_formats[i];
            int bpp = ovni_format_pixel_bytes(fmt), w = 301, h = 173;
            ovni_frame *src = new_frame(fmt, w, h), *exact = new_frame(fmt, w, h), *fast = NULL;
            if (!src || !exact) return;
            test_seed(99 + kind);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int c = 0; c < bpp; c++) {
                        int v = kind ? (int)(test_rand() % 256) : ((x / 23 + y / 23) & 1) ? 230 : 20;
                        if (c == 3) v = (x * 7 + y * 3) % 256;
                        px(src, x, y)[c] = (uint8_t)v;
                    }
            for (int s = 0; s < 6; s++) {
                CHECK_OK(blur_exact_into(exact, src, sigmas[s]));
                CHECK_OK(ovni_gaussian_blur(src, sigmas[s], &fast));
                if (!fast) break;
                int worst = 0, differ = 0;
                double sum = 0;
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        for (int c = 0; c < bpp; c++) {
                            int d = abs(px(exact, x, y)[c] - px(fast, x, y)[c]);
                            if (bpp == 4 && c < 3) d = d * px(exact, x, y)[3] / 255;
                            worst = d > worst ? d : worst;
                            differ |= px(exact, x, y)[c] != px(fast, x, y)[c];
                            sum += d;
                        }
                double mean = sum / ((double)w * h * bpp);
                /* identical bytes would mean the exact path ran instead */
                CHECK_MSG(differ, "%s sigma %g: the constant-time path did not run", ovni_format_name(fmt),
                          sigmas[s]);
                /* in place gives the same bytes */
                ovni_frame *again = new_frame(fmt, w, h);
                if (again && ovni_frame_copy(again, src) == 0) {
                    CHECK_OK(ovni_gaussian_blur_into(again, again, sigmas[s]));
                    CHECK_MSG(same_pixels(again, fast), "%s sigma %g: in place differs", ovni_format_name(fmt),
                              sigmas[s]);
                }
                ovni_frame_unref(&again);
                CHECK_MSG(worst <= 3 && mean < 0.5, "%s %s sigma %g: large-sigma blur differs from the exact one by "
                          "up to %d (mean %.3f)", ovni_format_name(fmt), kind ? "noise" : "checkerboard", sigmas[s],
                          worst, mean);
                ovni_frame_unref(&fast);
            }
            ovni_frame_unref(&src);
            ovni_frame_unref(&exact);
        }
}

/* An opaque red square on transparent black: premultiplied blurring keeps
 * the edge red (fading alpha), where a straight blur would darken it. */
static void test_blur_rgba_no_dark_fringe(void)
{
    ovni_frame *f = new_frame(OVNI_FORMAT_RGBA32, 64, 64), *out = NULL, *again = NULL;
    if (!f) return;
    static const uint8_t clear[4] = {0, 0, 0, 0};
    fill(f, clear);
    for (int y = 22; y < 42; y++)
        for (int x = 22; x < 42; x++) memcpy(px(f, x, y), (const uint8_t[4]){255, 0, 0, 255}, 4);
    CHECK_OK(ovni_gaussian_blur(f, 3.0f, &out));
    if (!out) return;
    int dark = 0, seen = 0;
    for (int y = 0; y < 64; y++)
        for (int x = 0; x < 64; x++) {
            const uint8_t *p = px(out, x, y);
            if (p[3] >= 4) seen++;
            if (p[3] >= 4 && (p[0] < 254 || p[1] || p[2])) dark++;
        }
    CHECK_MSG(seen > 400 && dark == 0, "rgba blur: %d of %d visible pixels lost their colour", dark, seen);
    CHECK(px(out, 22, 32)[3] > 100 && px(out, 22, 32)[3] < 180); /* the edge is soft */
    /* In place gives the same pixels. */
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGBA32, 64, 64, OVNI_MEMORY_HOST, &again));
    if (again) {
        CHECK_OK(ovni_frame_copy(again, f));
        CHECK_OK(ovni_gaussian_blur_into(again, again, 3.0f));
        CHECK_MSG(same_pixels(again, out), "in-place blur differs from out-of-place");
    }
    ovni_frame_unref(&again);
    ovni_frame_unref(&out);
    ovni_frame_unref(&f);
}

static void test_shadow(void)
{
    static const uint8_t rgb[3] = {10, 20, 30};
    ovni_frame *s = NULL;
    CHECK(ovni_shadow_margin(2.0f) == 6 && ovni_shadow_margin(0.0f) == 0);
    CHECK_OK(ovni_make_shadow(dev, OVNI_MEMORY_HOST, 200, 100, 20.0f, 2.0f, rgb, 0.5f, 2.0f, &s));
    if (!s) return;
    CHECK(s->format == OVNI_FORMAT_RGBA32 && s->width == 212 && s->height == 112);
    const uint8_t *c = px(s, 106, 56);
    CHECK_MSG(abs(c[3] - 128) <= 1 && c[0] == 10 && c[1] == 20 && c[2] == 30, "shadow centre %d %d %d %d", c[0],
              c[1], c[2], c[3]);
    CHECK(px(s, 0, 0)[3] == 0 && px(s, 211, 111)[3] == 0 && px(s, 106, 0)[3] == 0);
    CHECK(px(s, 8, 8)[3] <= 1); /* 5.5 px (2.75 sigma) outside the rounded corner */
    /* Across the top edge (between rows 5 and 6) the blur is odd-symmetric. */
    CHECK(abs(px(s, 106, 5)[3] + px(s, 106, 6)[3] - 128) <= 2);
    ovni_frame_unref(&s);

    /* No blur: exactly the shape, opaque inside, nothing in the corner. */
    CHECK_OK(ovni_make_shadow(dev, OVNI_MEMORY_HOST, 50, 40, 10.0f, 0.0f, rgb, 1.0f, 4.0f, &s));
    if (!s) return;
    CHECK(s->width == 50 && s->height == 40);
    CHECK(px(s, 25, 20)[3] == 255 && px(s, 25, 0)[3] == 255 && px(s, 0, 20)[3] == 255 && px(s, 0, 0)[3] == 0);
    ovni_frame_unref(&s);
}

static void test_vignette(void)
{
    ovni_frame *f = new_frame(OVNI_FORMAT_RGB24, 101, 61), *ref = new_frame(OVNI_FORMAT_RGB24, 101, 61);
    if (!f || !ref) return;
    test_fill_random(f);
    CHECK_OK(ovni_frame_copy(ref, f));
    CHECK_OK(ovni_vignette(f, 0.0f, 0.5f, 0.5f));
    CHECK_MSG(same_pixels(f, ref), "vignette strength 0 changed the frame");
    static const uint8_t grey[3] = {200, 200, 200};
    fill(f, grey);
    CHECK_OK(ovni_vignette(f, 0.8f, 0.3f, 0.5f));
    CHECK(px(f, 50, 30)[0] == 200); /* centre unchanged */
    /* Corner: d ~ 1 -> t = 1 -> factor 0.2 (40); a monotone falloff between. */
    CHECK_MSG(abs(px(f, 0, 0)[0] - 40) <= 2 && abs(px(f, 100, 60)[2] - 40) <= 2, "corner %d", px(f, 0, 0)[0]);
    int prev = 255, mono = 1;
    for (int x = 50; x < 101; x++) {
        int v = px(f, x, x * 60 / 100)[1];
        mono &= v <= prev;
        prev = v;
    }
    CHECK_MSG(mono, "vignette does not fall off monotonically towards the corner");
    ovni_frame *a = new_frame(OVNI_FORMAT_RGBA32, 20, 20);
    if (a) {
        static const uint8_t c4[4] = {100, 100, 100, 77};
        fill(a, c4);
        CHECK_OK(ovni_vignette(a, 1.0f, 0.0f, 0.0f)); /* hard edge: all black but the alpha */
        CHECK(px(a, 0, 0)[0] == 0 && px(a, 0, 0)[3] == 77);
    }
    ovni_frame_unref(&a);
    ovni_frame_unref(&f);
    ovni_frame_unref(&ref);
}

__extension__ typedef __int128 i128;

/* Output n shows the nearest source frame, ties to the earlier one:
 * -Q < 2 (n P - k Q) <= Q with P = dst.den src.num, Q = dst.num src.den. */
static int fps_exact(ovni_rational s, ovni_rational d, int64_t n, int64_t k)
{
    i128 p = (i128)d.den * s.num, q = (i128)d.num * s.den, e = 2 * ((i128)n * p - (i128)k * q);
    return -q < e && e <= q;
}

static void test_fps_pair(ovni_rational s, ovni_rational d)
{
    const int64_t nsrc = 1000000;
    int64_t n = 0, bad = 0, prev = 0;
    for (int64_t k = 0; k < nsrc; k++) {
        int64_t rep = ovni_fps_repeat(s, d, k);
        if (rep < 0) {
            bad++;
            break;
        }
        for (int64_t i = 0; i < rep; i++, n++) {
            int64_t idx = ovni_fps_source_index(s, d, n);
            if (idx != k || idx < prev || !fps_exact(s, d, n, idx)) bad++;
            prev = idx;
        }
    }
    CHECK_MSG(bad == 0, "fps %d/%d -> %d/%d: %lld outputs off the schedule", s.num, s.den, d.num, d.den,
              (long long)bad);
    CHECK_MSG(ovni_fps_output_count(s, d, nsrc) == n, "fps %d/%d -> %d/%d: count %lld, schedule %lld", s.num,
              s.den, d.num, d.den, (long long)ovni_fps_output_count(s, d, nsrc), (long long)n);
    /* Expected length: nsrc * dst / src outputs, within one. */
    double expect = (double)nsrc * d.num * s.den / ((double)d.den * s.num);
    CHECK(fabs((double)n - expect) <= 1.0);
    /* No drift far out. */
    static const int64_t far[] = {999999999999LL, 1000000000000LL, 123456789012345LL, 3000000000000000000LL};
    for (int i = 0; i < 4; i++) {
        int64_t k = ovni_fps_source_index(s, d, far[i]);
        CHECK_MSG(k >= 0 && fps_exact(s, d, far[i], k), "fps: output %lld -> %lld is not the nearest",
                  (long long)far[i], (long long)k);
        int64_t c = ovni_fps_output_count(s, d, k + 1);
        CHECK(c > far[i] && ovni_fps_source_index(s, d, c) > k && ovni_fps_source_index(s, d, c - 1) <= k);
    }
}

static void test_fps(void)
{
    const ovni_rational ntsc = {30000, 1001}, r24 = {24, 1}, r30 = {30, 1}, r60 = {60, 1};
    test_fps_pair(ntsc, r30);
    test_fps_pair(r24, r60);
    test_fps_pair(r60, r24);
    test_fps_pair(r30, ntsc);
    CHECK(ovni_fps_source_index(r60, r24, 1) == 2); /* 2.5: the tie goes to the earlier frame */
    CHECK(ovni_fps_source_index(r24, r60, 5) == 2);
    CHECK(ovni_fps_source_index(ntsc, r30, 1000000) == 999001); /* 999000.999 */
    CHECK(ovni_fps_source_index(r30, r30, 123456789) == 123456789);
    /* 24 -> 60: outputs at 0, 0.4, 0.8, 1.2, 1.6, 2.0, 2.4, 2.8 source frames. */
    CHECK(ovni_fps_repeat(r24, r60, 0) == 2 && ovni_fps_repeat(r24, r60, 1) == 2 && ovni_fps_repeat(r24, r60, 2) == 3);
    CHECK(ovni_fps_repeat(r60, r24, 1) == 0 && ovni_fps_repeat(r60, r24, 2) == 1); /* drops */
    CHECK(ovni_fps_output_count(r24, r60, 0) == 0);
    CHECK_ERR((int)ovni_fps_source_index((ovni_rational){0, 1}, r30, 0), OVNI_EINVAL, "src_rate");
    CHECK_ERR((int)ovni_fps_source_index(r30, (ovni_rational){30, -1}, 0), OVNI_EINVAL, "dst_rate");
    CHECK_ERR((int)ovni_fps_source_index(r30, r60, -1), OVNI_EINVAL, "out_index");
    CHECK_ERR((int)ovni_fps_output_count(r30, r60, -5), OVNI_EINVAL, "src_count");
    CHECK_ERR((int)ovni_fps_repeat(r30, r60, -5), OVNI_EINVAL, "src_index");
    CHECK_ERR((int)ovni_fps_source_index((ovni_rational){1, 1}, (ovni_rational){1, 1000000}, INT64_MAX / 2),
              OVNI_EINVAL, "out_index");
}

static void test_errors(void)
{
    ovni_frame *f = new_frame(OVNI_FORMAT_RGB24, 16, 16), *g = new_frame(OVNI_FORMAT_RGB24, 8, 16);
    ovni_frame *nv = new_frame(OVNI_FORMAT_NV12, 16, 16), *out = NULL;
    static const uint8_t rgb[3] = {0, 0, 0};
    if (!f || !g || !nv) return;
    CHECK_ERR(ovni_gaussian_blur(f, -1.0f, &out), OVNI_EINVAL, "sigma");
    CHECK_ERR(ovni_gaussian_blur(f, NAN, &out), OVNI_EINVAL, "sigma");
    CHECK_ERR(ovni_gaussian_blur(f, 1000.0f, &out), OVNI_EINVAL, "sigma");
    CHECK_ERR(ovni_gaussian_blur(nv, 1.0f, &out), OVNI_EINVAL, "format");
    CHECK_ERR(ovni_gaussian_blur(NULL, 1.0f, &out), OVNI_EINVAL, "source");
    CHECK_ERR(ovni_gaussian_blur_into(g, f, 1.0f), OVNI_EINVAL, "destination");
    CHECK(out == NULL);
    CHECK_ERR(ovni_make_shadow(dev, OVNI_MEMORY_HOST, 0, 10, 1, 1, rgb, 1, 2, &out), OVNI_EINVAL, "width");
    CHECK_ERR(ovni_make_shadow(dev, OVNI_MEMORY_HOST, 10, 10, -1, 1, rgb, 1, 2, &out), OVNI_EINVAL, "corner_radius");
    CHECK_ERR(ovni_make_shadow(dev, OVNI_MEMORY_HOST, 10, 10, 1, -1, rgb, 1, 2, &out), OVNI_EINVAL, "blur");
    CHECK_ERR(ovni_make_shadow(dev, OVNI_MEMORY_HOST, 10, 10, 1, 1, rgb, 1.5f, 2, &out), OVNI_EINVAL, "alpha");
    CHECK_ERR(ovni_make_shadow(dev, OVNI_MEMORY_HOST, 10, 10, 1, 1, rgb, 1, NAN, &out), OVNI_EINVAL, "smoothing");
    CHECK_ERR(ovni_make_shadow(dev, OVNI_MEMORY_HOST, 10, 10, 1, 1, NULL, 1, 2, &out), OVNI_EINVAL, "rgb");
    CHECK_ERR(ovni_make_shadow(dev, OVNI_MEMORY_HOST, 16384, 10, 1, 1, rgb, 1, 2, &out), OVNI_EINVAL, "blur");
    CHECK_ERR(ovni_make_shadow(dev, OVNI_MEMORY_DEVICE, 10, 10, 1, 1, rgb, 1, 2, &out), OVNI_EINVAL, "device");
    CHECK(out == NULL);
    CHECK_ERR(ovni_vignette(f, 2.0f, 0.5f, 0.5f), OVNI_EINVAL, "strength");
    CHECK_ERR(ovni_vignette(f, 0.5f, NAN, 0.5f), OVNI_EINVAL, "radius");
    CHECK_ERR(ovni_vignette(f, 0.5f, 0.5f, -1.0f), OVNI_EINVAL, "softness");
    CHECK_ERR(ovni_vignette(nv, 0.5f, 0.5f, 0.5f), OVNI_EINVAL, "format");
    CHECK_ERR(ovni_vignette(NULL, 0.5f, 0.5f, 0.5f), OVNI_EINVAL, "NULL");
    ovni_frame_unref(&f);
    ovni_frame_unref(&g);
    ovni_frame_unref(&nv);
}

int main(void)
{
    CHECK_OK(ovni_device_open(&dev, "cpu"));
    if (!dev) return test_result("effects");
    test_blur_identity_and_constant();
    test_blur_impulse();
    test_blur_large_sigma();
    test_blur_large_sigma_matches_exact();
    test_blur_rgba_no_dark_fringe();
    test_shadow();
    test_vignette();
    test_fps();
    test_errors();
    ovni_device_close(&dev);
    return test_result("effects");
}
