/* checkops cases for the geometry ops (crop, resize, scale/translate,
 * rotate, warp, flip, fit/cover): GPU against CPU on random parameters. */
#include <math.h>

#include "checkops.h"

#define RGB OVNI_FORMAT_RGB24
#define RGBA OVNI_FORMAT_RGBA32
#define GRAY OVNI_FORMAT_GRAY8

static int imax(int a, int b) { return a > b ? a : b; }

/* ---- crop: f[0..3] = left, top, right, bottom ---- */

/* Timing sizes (from 1280x720; every test size is smaller) get a fixed box
 * instead of a random one, so the timing sees a large crop rather than a
 * launch (the seed's box at 1080p was 86k pixels): 0.9 of the frame each
 * way at a fractional offset, of whole size, as an animated pan gives. At
 * 1080p 96.25, 54.5, 1824.25, 1026.5: a 1728x972 output at scale 1, every
 * output pixel a bilinear mix of 4 source pixels. (A box of fractional size
 * is a resample by a factor near 1, the resize cases' work.) */
static int crop_fixed(int w, int h) { return w >= 1280 && h >= 720; }

static void crop_fixed_box(int w, int h, double b[4])
{
    const int mx = w / 20, my = h / 20;
    b[0] = mx + 0.25, b[1] = my + 0.5, b[2] = w - mx + 0.25, b[3] = h - my + 0.5;
}

static void draw_crop(checkops_params *p, int w, int h)
{
    p->f[0] = checkops_uniform(-2, w * 0.4), p->f[1] = checkops_uniform(-2, h * 0.4);
    p->f[2] = p->f[0] + checkops_uniform(1, w * 0.8 + 1), p->f[3] = p->f[1] + checkops_uniform(1, h * 0.8 + 1);
    if (crop_fixed(w, h)) crop_fixed_box(w, h, p->f);
}

/* Bytes a timing-size crop must move: the source pixels its box touches,
 * read once, and the output written (not the whole input frame). */
static double crop_bytes(int w, int h, int bpp)
{
    double b[4];
    crop_fixed_box(w, h, b);
    double in_w = fmin(ceil(b[2]), w) - fmax(floor(b[0]), 0), in_h = fmin(ceil(b[3]), h) - fmax(floor(b[1]), 0);
    double out_w = floor(b[2] - b[0] + 0.5), out_h = floor(b[3] - b[1] + 0.5);
    return (double)bpp * (in_w * in_h + out_w * out_h);
}
static double crop_bytes_rgb(int w, int h) { return crop_bytes(w, h, 3); }
static double crop_bytes_rgba(int w, int h) { return crop_bytes(w, h, 4); }
static double crop_bytes_gray(int w, int h) { return crop_bytes(w, h, 1); }

static void draw_crop_int(checkops_params *p, int w, int h)
{
    p->f[0] = checkops_int(-1, w / 2), p->f[1] = checkops_int(-1, h / 2);
    p->f[2] = p->f[0] + checkops_int(1, w), p->f[3] = p->f[1] + checkops_int(1, h);
}

static void sizes_crop(const checkops_params *p, int w, int h, int iw[], int ih[], int ow[], int oh[])
{
    ow[0] = imax(1, (int)floor(p->f[2] - p->f[0] + 0.5));
    oh[0] = imax(1, (int)floor(p->f[3] - p->f[1] + 0.5));
}

static int run_crop(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    return ovni_crop_into(out[0], in[0], (float)p->f[0], (float)p->f[1], (float)p->f[2], (float)p->f[3]);
}

/* crop_into onto another size: the box resampled (zoom/pan in one pass). */
static void sizes_crop_scaled(const checkops_params *p, int w, int h, int iw[], int ih[], int ow[], int oh[])
{
    ow[0] = w / 2 + 3, oh[0] = h / 3 + 1;
}

/* ---- resize ---- */
static void sizes_down(const checkops_params *p, int w, int h, int iw[], int ih[], int ow[], int oh[])
{
    ow[0] = imax(1, (w + 2) / 3), oh[0] = imax(1, (h * 2 + 4) / 5);
}

static void sizes_up(const checkops_params *p, int w, int h, int iw[], int ih[], int ow[], int oh[])
{
    ow[0] = w * 3 / 2 + 1, oh[0] = h * 2 + 1;
}

static void sizes_mixed(const checkops_params *p, int w, int h, int iw[], int ih[], int ow[], int oh[])
{
    ow[0] = imax(1, w / 4), oh[0] = h * 3 / 2 + 1;
}

/* A strong shrink: from 640x360 (and the timing size) each output pixel
 * sums more than 65536 taps (resize_acc_wide). */
static void sizes_wide(const checkops_params *p, int w, int h, int iw[], int ih[], int ow[], int oh[])
{
    ow[0] = imax(1, w / 300), oh[0] = imax(1, h / 250);
}

static int run_resize(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    return ovni_resize_into(out[0], in[0]);
}

/* ---- scale/translate: f[0] = s, f[1..2] = t ---- */
static void draw_st(checkops_params *p, int w, int h, double lo, double hi)
{
    p->f[0] = checkops_uniform(lo, hi);
    p->f[1] = checkops_uniform(-0.5 * w, 0.5 * w), p->f[2] = checkops_uniform(-0.5 * h, 0.5 * h);
}
static void draw_st_down(checkops_params *p, int w, int h) { draw_st(p, w, h, 0.2, 0.95); }
static void draw_st_up(checkops_params *p, int w, int h) { draw_st(p, w, h, 1.05, 3.0); }
static void draw_translate_int(checkops_params *p, int w, int h)
{
    p->f[0] = 1.0, p->f[1] = checkops_int(-w, w), p->f[2] = checkops_int(-h, h);
}

static int run_st(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    return ovni_scale_translate_into(out[0], in[0], (float)p->f[0], (float)p->f[1], (float)p->f[2]);
}

/* ---- rotate: f[0] = degrees, f[1..2] = centre, i[0..3] = fill ---- */
static void draw_rotate(checkops_params *p, int w, int h)
{
    p->f[0] = checkops_uniform(-180, 180);
    p->f[1] = checkops_uniform(0, w), p->f[2] = checkops_uniform(0, h);
    for (int k = 0; k < 4; k++) p->i[k] = checkops_int(0, 255);
}

static void sizes_rotate(const checkops_params *p, int w, int h, int iw[], int ih[], int ow[], int oh[])
{
    ow[0] = w + 3, oh[0] = h + 2; /* centred on a larger frame */
}

static int run_rotate(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    uint8_t fill[4] = {(uint8_t)p->i[0], (uint8_t)p->i[1], (uint8_t)p->i[2], (uint8_t)p->i[3]};
    return ovni_rotate_into(out[0], in[0], (float)p->f[0], (float)p->f[1], (float)p->f[2], fill);
}

/* ---- warp: f[0..7] corners, f[8] opacity; src is (w+1)/2 x (h+2)/2 ---- */
static void draw_warp(checkops_params *p, int w, int h)
{
    double x0 = checkops_uniform(-0.3 * w, 0.5 * w), y0 = checkops_uniform(-0.3 * h, 0.5 * h);
    double x1 = x0 + checkops_uniform(2, w + 2), y1 = y0 + checkops_uniform(2, h + 2);
    double j = 0.2 * fmin(x1 - x0, y1 - y0);
    double q[8] = {x0, y0, x1, y0, x1, y1, x0, y1};
    for (int k = 0; k < 8; k++) p->f[k] = q[k] + checkops_uniform(-j, j);
    p->f[8] = checkops_uniform(0.3, 1.0);
}

static void sizes_warp(const checkops_params *p, int w, int h, int iw[], int ih[], int ow[], int oh[])
{
    iw[0] = (w + 1) / 2, ih[0] = (h + 2) / 2;
}

static int run_warp(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    float q[8];
    for (int k = 0; k < 8; k++) q[k] = (float)p->f[k];
    return ovni_warp(out[0], in[0], q, (float)p->f[8]);
}

/* ---- flip: i[0], i[1] ---- */
static void draw_flip(checkops_params *p, int w, int h)
{
    p->i[0] = checkops_int(0, 1), p->i[1] = checkops_int(0, 1);
    if (!p->i[0] && !p->i[1]) p->i[checkops_int(0, 1)] = 1;
}

static int run_flip(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    return ovni_flip_into(out[0], in[0], p->i[0], p->i[1]);
}

/* ---- orient: i[0] = EXIF orientation 1..8 ---- */
static void draw_orient(checkops_params *p, int w, int h)
{
    p->i[0] = checkops_int(1, 8);
}

static void sizes_orient(const checkops_params *p, int w, int h, int iw[], int ih[], int ow[], int oh[])
{
    int t = p->i[0] >= 5; /* 5..8 swap width and height */
    ow[0] = t ? h : w, oh[0] = t ? w : h;
}

static int run_orient(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    return ovni_orient_into(out[0], in[0], p->i[0]);
}

/* ---- fit / cover ---- */
static void draw_pad(checkops_params *p, int w, int h)
{
    for (int k = 0; k < 4; k++) p->i[k] = checkops_int(0, 255);
}

static void sizes_fit(const checkops_params *p, int w, int h, int iw[], int ih[], int ow[], int oh[])
{
    ow[0] = imax(1, w * 2 / 3), oh[0] = h + 7;
}

static int run_fit(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    uint8_t pad[4] = {(uint8_t)p->i[0], (uint8_t)p->i[1], (uint8_t)p->i[2], (uint8_t)p->i[3]};
    return ovni_fit_into(out[0], in[0], pad);
}

static int run_cover(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    return ovni_cover_into(out[0], in[0]);
}

/* One input, one output; resampling ops keep CHECKOPS_FLOAT, whole-pixel
 * copies (EXACT_CASE) are compared byte for byte. */
#define CASE_B(name_, in_, out_, sizes_, draw_, run_, bytes_)                                                   \
    {.name = name_, CHECKOPS_FLOAT, .ninputs = 1, .noutputs = 1, .in_fmt = {in_}, .out_fmt = {out_}, .sizes = sizes_, \
     .draw = draw_, .run = run_, .bytes = bytes_}
#define CASE(name_, in_, out_, sizes_, draw_, run_) CASE_B(name_, in_, out_, sizes_, draw_, run_, NULL)
#define EXACT_CASE(name_, in_, out_, sizes_, draw_, run_)                                                  \
    {.name = name_, .ninputs = 1, .noutputs = 1, .in_fmt = {in_}, .out_fmt = {out_}, .sizes = sizes_, .draw = draw_, \
     .run = run_}

const checkops_case checkops_geometry[] = {
    CASE_B("crop_rgb24", RGB, RGB, sizes_crop, draw_crop, run_crop, crop_bytes_rgb),
    CASE_B("crop_rgba32", RGBA, RGBA, sizes_crop, draw_crop, run_crop, crop_bytes_rgba),
    CASE_B("crop_gray8", GRAY, GRAY, sizes_crop, draw_crop, run_crop, crop_bytes_gray),
    EXACT_CASE("crop_int_rgb24", RGB, RGB, sizes_crop, draw_crop_int, run_crop),
    EXACT_CASE("crop_int_rgba32", RGBA, RGBA, sizes_crop, draw_crop_int, run_crop),
    CASE("crop_scaled_rgb24", RGB, RGB, sizes_crop_scaled, draw_crop, run_crop),
    CASE("crop_scaled_rgba32", RGBA, RGBA, sizes_crop_scaled, draw_crop, run_crop),
    CASE("crop_scaled_gray8", GRAY, GRAY, sizes_crop_scaled, draw_crop, run_crop),
    CASE("resize_down_rgb24", RGB, RGB, sizes_down, NULL, run_resize),
    CASE("resize_down_rgba32", RGBA, RGBA, sizes_down, NULL, run_resize),
    CASE("resize_down_gray8", GRAY, GRAY, sizes_down, NULL, run_resize),
    CASE("resize_up_rgb24", RGB, RGB, sizes_up, NULL, run_resize),
    CASE("resize_up_rgba32", RGBA, RGBA, sizes_up, NULL, run_resize),
    CASE("resize_up_gray8", GRAY, GRAY, sizes_up, NULL, run_resize),
    CASE("resize_mixed_rgb24", RGB, RGB, sizes_mixed, NULL, run_resize),
    CASE("resize_wide_gray8", GRAY, GRAY, sizes_wide, NULL, run_resize),
    CASE("resize_wide_rgba32", RGBA, RGBA, sizes_wide, NULL, run_resize),
    CASE("scale_translate_down_rgb24", RGB, RGB, NULL, draw_st_down, run_st),
    CASE("scale_translate_down_rgba32", RGBA, RGBA, NULL, draw_st_down, run_st),
    CASE("scale_translate_up_rgb24", RGB, RGB, NULL, draw_st_up, run_st),
    CASE("scale_translate_up_rgba32", RGBA, RGBA, NULL, draw_st_up, run_st),
    CASE("scale_translate_down_gray8", GRAY, GRAY, NULL, draw_st_down, run_st),
    CASE("scale_translate_up_gray8", GRAY, GRAY, NULL, draw_st_up, run_st),
    EXACT_CASE("translate_int_rgb24", RGB, RGB, NULL, draw_translate_int, run_st),
    EXACT_CASE("translate_int_rgba32", RGBA, RGBA, NULL, draw_translate_int, run_st),
    EXACT_CASE("rotate_rgb24", RGB, RGB, sizes_rotate, draw_rotate, run_rotate),
    EXACT_CASE("rotate_rgba32", RGBA, RGBA, sizes_rotate, draw_rotate, run_rotate),
    EXACT_CASE("rotate_gray8", GRAY, GRAY, sizes_rotate, draw_rotate, run_rotate),
    CASE("warp_rgba32_on_rgb24", RGBA, RGB, sizes_warp, draw_warp, run_warp),
    CASE("warp_rgb24_on_rgba32", RGB, RGBA, sizes_warp, draw_warp, run_warp),
    CASE("warp_rgba32_on_rgba32", RGBA, RGBA, sizes_warp, draw_warp, run_warp),
    CASE("warp_rgb24_on_rgb24", RGB, RGB, sizes_warp, draw_warp, run_warp),
    EXACT_CASE("flip_rgb24", RGB, RGB, NULL, draw_flip, run_flip),
    EXACT_CASE("flip_rgba32", RGBA, RGBA, NULL, draw_flip, run_flip),
    EXACT_CASE("flip_gray8", GRAY, GRAY, NULL, draw_flip, run_flip),
    EXACT_CASE("orient_rgb24", RGB, RGB, sizes_orient, draw_orient, run_orient),
    EXACT_CASE("orient_rgba32", RGBA, RGBA, sizes_orient, draw_orient, run_orient),
    EXACT_CASE("orient_gray8", GRAY, GRAY, sizes_orient, draw_orient, run_orient),
    EXACT_CASE("orient_nv12", OVNI_FORMAT_NV12, OVNI_FORMAT_NV12, sizes_orient, draw_orient, run_orient),
    EXACT_CASE("orient_p010", OVNI_FORMAT_P010, OVNI_FORMAT_P010, sizes_orient, draw_orient, run_orient),
    CASE("fit_rgb24", RGB, RGB, sizes_fit, draw_pad, run_fit),
    CASE("fit_rgba32", RGBA, RGBA, sizes_fit, draw_pad, run_fit),
    CASE("fit_gray8", GRAY, GRAY, sizes_fit, draw_pad, run_fit),
    CASE("cover_rgb24", RGB, RGB, sizes_fit, NULL, run_cover),
    CASE("cover_rgba32", RGBA, RGBA, sizes_fit, NULL, run_cover),
    CASE("cover_gray8", GRAY, GRAY, sizes_fit, NULL, run_cover),
    {0},
};
