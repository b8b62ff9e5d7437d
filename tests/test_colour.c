/* Colour conversion against the BT.601/BT.709 formulas in double precision. */
#include <math.h>
#include <string.h>

#include "test.h"

static const double kr_kb[3][2] = {{0.299, 0.114}, {0.2126, 0.0722}, {0.2627, 0.0593}};

/* The reference: 8-bit codes of an RGB colour, in double precision. */
static void ref_yuv(int matrix, int full, const double rgb[3], double yuv[3])
{
    double kr = kr_kb[matrix][0], kb = kr_kb[matrix][1], kg = 1 - kr - kb;
    double r = rgb[0] / 255, g = rgb[1] / 255, b = rgb[2] / 255;
    double y = kr * r + kg * g + kb * b;
    double cb = (b - y) / (2 * (1 - kb)), cr = (r - y) / (2 * (1 - kr));
    yuv[0] = full ? 255 * y : 16 + 219 * y;
    yuv[1] = 128 + (full ? 255 : 224) * cb;
    yuv[2] = 128 + (full ? 255 : 224) * cr;
}

static int clamp255(double v) { return v < 0 ? 0 : v > 255 ? 255 : (int)lround(v); }

static const double bars[][3] = {
    {191, 191, 191}, {191, 191, 0}, {0, 191, 191}, {0, 191, 0}, {191, 0, 191}, {191, 0, 0}, {0, 0, 191},
    {255, 255, 255}, {255, 255, 0}, {0, 255, 255}, {0, 255, 0}, {255, 0, 255}, {255, 0, 0}, {0, 0, 255},
    {0, 0, 0},       {128, 64, 32},
};
#define NBARS (int)(sizeof(bars) / sizeof(bars[0]))

/* Bars BW pixels wide: the downsampling filters (5 taps at most) see one
 * colour around an interior chroma sample, and so does upsampling. */
#define BW 8
static void test_bars(ovni_device *dev, int matrix, int full, int loc)
{
    ovni_frame *rgb = NULL, *nv12 = NULL, *back = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGB24, BW * NBARS, 2, OVNI_MEMORY_HOST, &rgb));
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, BW * NBARS, 2, OVNI_MEMORY_HOST, &nv12));
    if (!rgb || !nv12) return;
    for (int y = 0; y < 2; y++)
        for (int x = 0; x < BW * NBARS; x++)
            for (int c = 0; c < 3; c++) rgb->data[0][y * rgb->pitch[0] + 3 * x + c] = (uint8_t)bars[x / BW][c];
    nv12->matrix = (ovni_matrix)matrix;
    nv12->range = full ? OVNI_RANGE_FULL : OVNI_RANGE_LIMITED;
    nv12->chroma_loc = (ovni_chroma_loc)loc;
    CHECK_OK(ovni_convert_into(nv12, rgb));
    for (int i = 0; i < NBARS; i++) {
        double ref[3];
        ref_yuv(matrix, full, bars[i], ref);
        int c = BW / 2 * i + 1; /* an interior chroma sample */
        int Y = nv12->data[0][BW * i], U = nv12->data[1][2 * c], V = nv12->data[1][2 * c + 1];
        CHECK_MSG(fabs(Y - ref[0]) <= 1 && fabs(U - ref[1]) <= 1 && fabs(V - ref[2]) <= 1,
                  "matrix %d full %d loc %d bar %d: got %d %d %d, want %.2f %.2f %.2f", matrix, full, loc, i, Y, U, V,
                  ref[0], ref[1], ref[2]);
    }
    /* NV12 -> RGB: codes from the formula must give the bar back. */
    for (int i = 0; i < NBARS; i++) {
        double ref[3];
        ref_yuv(matrix, full, bars[i], ref);
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < BW; x++) nv12->data[0][y * nv12->pitch[0] + BW * i + x] = (uint8_t)clamp255(ref[0]);
        for (int x = 0; x < BW / 2; x++) {
            nv12->data[1][BW * i + 2 * x] = (uint8_t)clamp255(ref[1]);
            nv12->data[1][BW * i + 2 * x + 1] = (uint8_t)clamp255(ref[2]);
        }
    }
    CHECK_OK(ovni_convert(nv12, OVNI_FORMAT_RGB24, &back));
    if (back) {
        CHECK(back->matrix == (ovni_matrix)matrix && back->chroma_loc == (ovni_chroma_loc)loc);
        for (int i = 0; i < NBARS; i++)
            for (int c = 0; c < 3; c++) {
                int got = back->data[0][3 * (BW * i + BW / 2) + c];
                /* Quantising Y/C to 8 bits moves RGB by up to ~1.5 codes
                 * for saturated colours; the formula itself within 1 of
                 * the rounded codes' exact inverse. */
                CHECK_MSG(abs(got - (int)bars[i][c]) <= 2, "matrix %d full %d bar %d ch %d: got %d want %.0f",
                          matrix, full, i, c, got, bars[i][c]);
            }
    }
    ovni_frame_unref(&rgb);
    ovni_frame_unref(&nv12);
    ovni_frame_unref(&back);
}

/* NV12 -> RGB -> NV12 at every siting gives the codes back (within 1) for
 * random chroma, sample by sample: the downsampling filter inverts the
 * bilinear upsampling exactly (docs/design.md). Colours stay in gamut, so
 * no RGB clipping; odd sizes check the clamped edges. A mismatched pair
 * (2x2 averages after bilinear upsampling) errs by tens of codes here. */
static void test_siting_round_trip(ovni_device *dev, int loc, int w, int h)
{
    ovni_frame *nv = NULL, *rgb = NULL, *back = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, w, h, OVNI_MEMORY_HOST, &nv));
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, w, h, OVNI_MEMORY_HOST, &back));
    if (!nv || !back) return;
    nv->chroma_loc = back->chroma_loc = (ovni_chroma_loc)loc;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) nv->data[0][y * nv->pitch[0] + x] = (uint8_t)(90 + test_rand() % 70);
    for (int y = 0; y < (h + 1) / 2; y++)
        for (int x = 0; x < w + (w & 1); x++) nv->data[1][y * nv->pitch[1] + x] = (uint8_t)(100 + test_rand() % 56);
    CHECK_OK(ovni_convert(nv, OVNI_FORMAT_RGB24, &rgb));
    if (rgb) CHECK_OK(ovni_convert_into(back, rgb));
    int worst[2] = {0, 0};
    for (int p = 0; p < 2; p++)
        for (int y = 0; y < (p ? (h + 1) / 2 : h); y++)
            for (int x = 0; x < (p ? 2 * ((w + 1) / 2) : w); x++) {
                int d = abs(nv->data[p][y * nv->pitch[p] + x] - back->data[p][y * back->pitch[p] + x]);
                if (d > worst[p]) worst[p] = d;
            }
    CHECK_MSG(worst[0] <= 1 && worst[1] <= 1, "siting %d %dx%d: round trip differs by Y %d, UV %d", loc, w, h,
              worst[0], worst[1]);
    ovni_frame_unref(&nv);
    ovni_frame_unref(&rgb);
    ovni_frame_unref(&back);
}

/* NV12 -> RGB equals the double-precision inverse of the codes within 1. */
static void test_decode_exact(ovni_device *dev)
{
    ovni_frame *nv12 = NULL, *rgb = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, 2, 2, OVNI_MEMORY_HOST, &nv12));
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGB24, 2, 2, OVNI_MEMORY_HOST, &rgb));
    if (!nv12 || !rgb) return;
    test_seed(7);
    int worst = 0;
    for (int n = 0; n < 2000; n++) {
        int matrix = n % 3, full = (n / 3) % 2;
        int Y = (int)(test_rand() % 256), U = (int)(test_rand() % 256), V = (int)(test_rand() % 256);
        for (int y = 0; y < 2; y++) nv12->data[0][y * nv12->pitch[0]] = nv12->data[0][y * nv12->pitch[0] + 1] = (uint8_t)Y;
        nv12->data[1][0] = (uint8_t)U, nv12->data[1][1] = (uint8_t)V;
        nv12->matrix = (ovni_matrix)matrix;
        nv12->range = full ? OVNI_RANGE_FULL : OVNI_RANGE_LIMITED;
        CHECK_OK(ovni_convert_into(rgb, nv12));
        double kr = kr_kb[matrix][0], kb = kr_kb[matrix][1], kg = 1 - kr - kb;
        double yy = full ? Y / 255.0 : (Y - 16) / 219.0;
        double cb = (U - 128) / (full ? 255.0 : 224.0), cr = (V - 128) / (full ? 255.0 : 224.0);
        double r = yy + 2 * (1 - kr) * cr, b = yy + 2 * (1 - kb) * cb, g = (yy - kr * r - kb * b) / kg;
        int want[3] = {clamp255(255 * r), clamp255(255 * g), clamp255(255 * b)};
        for (int c = 0; c < 3; c++) {
            int d = abs(rgb->data[0][c] - want[c]);
            if (d > worst) worst = d;
        }
    }
    CHECK_MSG(worst <= 1, "NV12 -> RGB differs from the formula by %d", worst);
    ovni_frame_unref(&nv12);
    ovni_frame_unref(&rgb);
}

/* RGB -> NV12 -> RGB on smooth random images: mean |error| < 1, max <= 4. */
static void test_round_trip(ovni_device *dev, ovni_format fmt, int w, int h, int matrix, int full)
{
    ovni_frame *rgb = NULL, *nv12 = NULL, *back = NULL;
    CHECK_OK(ovni_frame_new(dev, fmt, w, h, OVNI_MEMORY_HOST, &rgb));
    if (!rgb) return;
    int bpp = ovni_format_pixel_bytes(fmt);
    double ph[9];
    for (int i = 0; i < 9; i++) ph[i] = test_uniform(0, 6.283);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < bpp; c++) {
                int k = c % 3;
                double v = 127.5 + 60 * sin(x * 0.031 + ph[k]) + 60 * cos(y * 0.027 + ph[k + 3]) +
                           7 * sin((x + y) * 0.05 + ph[k + 6]);
                rgb->data[0][y * rgb->pitch[0] + bpp * x + c] = (uint8_t)clamp255(v);
            }
    rgb->matrix = (ovni_matrix)matrix;
    rgb->range = full ? OVNI_RANGE_FULL : OVNI_RANGE_LIMITED;
    CHECK_OK(ovni_convert(rgb, OVNI_FORMAT_NV12, &nv12));
    if (nv12) {
        CHECK(nv12->matrix == (ovni_matrix)matrix && nv12->range == rgb->range);
        CHECK_OK(ovni_convert(nv12, fmt, &back));
    }
    if (back) {
        double sum = 0;
        int worst = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++) {
                    int d = abs(rgb->data[0][y * rgb->pitch[0] + bpp * x + c] - back->data[0][y * back->pitch[0] + bpp * x + c]);
                    sum += d;
                    if (d > worst) worst = d;
                }
        double mean = sum / (3.0 * w * h);
        CHECK_MSG(mean < 1.0 && worst <= 4, "%s %dx%d matrix %d full %d: mean %.3f max %d", ovni_format_name(fmt), w, h,
                  matrix, full, mean, worst);
        if (fmt == OVNI_FORMAT_RGBA32) CHECK(back->data[0][3] == 255);
    }
    ovni_frame_unref(&rgb);
    ovni_frame_unref(&nv12);
    ovni_frame_unref(&back);
}

static void test_p010(ovni_device *dev)
{
    ovni_frame *p = NULL, *rgb = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_P010, 4, 2, OVNI_MEMORY_HOST, &p));
    if (!p) return;
    p->matrix = OVNI_MATRIX_BT709;
    p->range = OVNI_RANGE_LIMITED;
    /* Left half white (Y 940), right half black (Y 64); neutral chroma. */
    for (int y = 0; y < 2; y++) {
        uint16_t *row = (uint16_t *)(p->data[0] + y * p->pitch[0]);
        row[0] = row[1] = 940 << 6;
        row[2] = row[3] = 64 << 6;
    }
    uint16_t *uv = (uint16_t *)p->data[1];
    for (int i = 0; i < 4; i++) uv[i] = 512 << 6;
    CHECK_OK(ovni_convert(p, OVNI_FORMAT_RGB24, &rgb));
    if (rgb) {
        CHECK(rgb->data[0][0] == 255 && rgb->data[0][1] == 255 && rgb->data[0][2] == 255);
        CHECK(rgb->data[0][9] == 0 && rgb->data[0][10] == 0 && rgb->data[0][11] == 0);
    }
    ovni_frame_unref(&p);
    ovni_frame_unref(&rgb);
}

/* Chroma siting: one bright U sample (2, 2) on grey; blue (which depends
 * on U only) at each pixel must be the bilinear weight of that sample at
 * the siting: co-sited axes put it on luma 4 (weights .5 at 3 and 5),
 * centred ones between 4 and 5 (.75 at 4 and 5, .25 at 3 and 6). */
static void test_siting(ovni_device *dev, int loc)
{
    ovni_frame *nv = NULL, *rgb = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, 10, 10, OVNI_MEMORY_HOST, &nv));
    if (!nv) return;
    nv->range = OVNI_RANGE_FULL;
    nv->chroma_loc = (ovni_chroma_loc)loc;
    for (int y = 0; y < 10; y++) memset(nv->data[0] + y * nv->pitch[0], 128, 10);
    for (int y = 0; y < 5; y++) memset(nv->data[1] + y * nv->pitch[1], 128, 10);
    nv->data[1][2 * nv->pitch[1] + 4] = 228;
    CHECK_OK(ovni_convert(nv, OVNI_FORMAT_RGB24, &rgb));
    if (rgb) {
        double k = 2 * (1 - 0.0722);
        int hc = loc & 1, vc = !(loc >> 1);
        for (int y = 0; y < 10; y++)
            for (int x = 0; x < 10; x++) {
                double wx = hc ? (x == 4 || x == 5 ? 0.75 : x == 3 || x == 6 ? 0.25 : 0)
                               : (x == 4 ? 1 : x == 3 || x == 5 ? 0.5 : 0);
                double wy = vc ? (y == 4 || y == 5 ? 0.75 : y == 3 || y == 6 ? 0.25 : 0)
                               : (y == 4 ? 1 : y == 3 || y == 5 ? 0.5 : 0);
                int want = clamp255(128 + k * 100 * wx * wy);
                int got = rgb->data[0][y * rgb->pitch[0] + 3 * x + 2];
                CHECK_MSG(abs(got - want) <= 1, "siting %d (%d,%d): blue %d want %d", loc, x, y, got, want);
            }
    }
    ovni_frame_unref(&nv);
    ovni_frame_unref(&rgb);
}

static void test_errors(ovni_device *dev)
{
    ovni_frame *a = NULL, *b = NULL, *out = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_GRAY8, 4, 4, OVNI_MEMORY_HOST, &a));
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGB24, 5, 4, OVNI_MEMORY_HOST, &b));
    CHECK_ERR(ovni_convert(a, OVNI_FORMAT_NV12, &out), OVNI_EUNSUPPORTED, "gray8");
    CHECK(out == NULL);
    ovni_frame *nv = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, 4, 4, OVNI_MEMORY_HOST, &nv));
    CHECK_ERR(ovni_convert_into(nv, b), OVNI_EINVAL, "5x4");
    CHECK_ERR(ovni_convert(NULL, OVNI_FORMAT_RGB24, &out), OVNI_EINVAL, "NULL");
    ovni_frame_unref(&a);
    ovni_frame_unref(&b);
    ovni_frame_unref(&nv);
}

int main(void)
{
    ovni_device *dev = NULL;
    CHECK_OK(ovni_device_open(&dev, "cpu"));
    for (int m = 0; m < 3; m++)
        for (int full = 0; full < 2; full++)
            for (int loc = 0; loc < 4; loc++) test_bars(dev, m, full, loc);
    test_decode_exact(dev);
    test_seed(42);
    static const int sizes[][2] = {{1, 1}, {3, 3}, {64, 64}, {333, 127}, {1280, 720}};
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
        for (int m = 0; m < 2; m++) {
            test_round_trip(dev, OVNI_FORMAT_RGB24, sizes[s][0], sizes[s][1], m, 0);
            test_round_trip(dev, OVNI_FORMAT_RGBA32, sizes[s][0], sizes[s][1], m, 1);
        }
    test_p010(dev);
    for (int loc = 0; loc < 4; loc++) {
        test_siting(dev, loc);
        test_siting_round_trip(dev, loc, 64, 48);
        test_siting_round_trip(dev, loc, 37, 23);
        test_siting_round_trip(dev, loc, 3, 1);
    }
    test_errors(dev);
    ovni_device_close(&dev);
    return test_result("colour");
}
