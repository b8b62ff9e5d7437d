/* checkops cases for the effects: gaussian blur, drop shadow, vignette. */
#include <math.h>

#include "checkops.h"

/* ---- gaussian blur: p->f[0] = sigma ---- */
static int run_blur(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    return ovni_gaussian_blur_into(out[0], in[0], (float)p->f[0]);
}

static void draw_sigma_05(checkops_params *p, int w, int h) { p->f[0] = 0.5; }
static void draw_sigma_3(checkops_params *p, int w, int h) { p->f[0] = 3.0; }
static void draw_sigma_25(checkops_params *p, int w, int h) { p->f[0] = 25.0; }
static void draw_sigma_8(checkops_params *p, int w, int h) { p->f[0] = 8.0; }   /* shrink by 2 */
static void draw_sigma_16(checkops_params *p, int w, int h) { p->f[0] = 16.0; } /* shrink by 4 */
static void draw_sigma_100(checkops_params *p, int w, int h) { p->f[0] = 100.0; }
/* across the exact path and the constant-time one (from sigma 6) */
static void draw_sigma_any(checkops_params *p, int w, int h) { p->f[0] = checkops_uniform(0.0, 40.0); }

/* In place (dst == src), on a copy of the input in out[0]. */
static int run_blur_in_place(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    int ret = ovni_frame_copy(out[0], in[0]);
    return ret < 0 ? ret : ovni_gaussian_blur_into(out[0], out[0], (float)p->f[0]);
}

/* The separable passes' bytes: each pass reads and writes the frame once. */
static double blur_bytes_gray(int w, int h) { return 4.0 * w * h; }
static double blur_bytes_rgb(int w, int h) { return 4.0 * 3 * w * h; }
static double blur_bytes_rgba(int w, int h) { return 4.0 * 4 * w * h; }

/* Fixed-point sums (blur.h, blur_pyramid.h): the same bits everywhere. */
#define BLUR(name_, fmt, draw_, bytes_)                                                         \
    {.name = name_, .ninputs = 1, .noutputs = 1, .in_fmt = {fmt}, .out_fmt = {fmt}, .draw = draw_, \
     .run = run_blur, .bytes = bytes_}

/* ---- drop shadow: f[0] corner radius, f[1] blur, f[2] alpha, f[3]
 * smoothing, i[0..2] colour, i[3] margin. Shape w x h, output enlarged. ---- */
static void draw_shadow(checkops_params *p, int w, int h)
{
    p->f[0] = checkops_uniform(0.0, 0.6 * (w < h ? w : h));
    p->f[1] = checkops_uniform(0.0, 5.0);
    p->f[2] = checkops_uniform(0.0, 1.0);
    p->f[3] = checkops_uniform(1.0, 6.0);
    for (int i = 0; i < 3; i++) p->i[i] = checkops_int(0, 255);
    p->i[3] = ovni_shadow_margin((float)p->f[1]);
}

static void shadow_sizes(const checkops_params *p, int w, int h, int in_w[], int in_h[], int out_w[], int out_h[])
{
    out_w[0] = w + 2 * p->i[3];
    out_h[0] = h + 2 * p->i[3];
}

static int run_shadow(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    const uint8_t rgb[3] = {(uint8_t)p->i[0], (uint8_t)p->i[1], (uint8_t)p->i[2]};
    ovni_frame *s = NULL;
    int m = p->i[3];
    int ret = ovni_make_shadow(out[0]->device, out[0]->memory, out[0]->width - 2 * m, out[0]->height - 2 * m,
                               (float)p->f[0], (float)p->f[1], rgb, (float)p->f[2], (float)p->f[3], &s);
    if (ret == 0) ret = ovni_frame_copy(out[0], s);
    ovni_frame_unref(&s);
    return ret;
}

/* In place: the frame is read and written (the roofline's bytes). */
static double vignette_rw_rgb(int w, int h) { return 2.0 * 3 * w * h; }
static double vignette_rw_rgba(int w, int h) { return 2.0 * 4 * w * h; }

/* ---- vignette, in place: f[0] strength, f[1] radius, f[2] softness ---- */
static void draw_vignette(checkops_params *p, int w, int h)
{
    p->f[0] = checkops_uniform(0.0, 1.0);
    p->f[1] = checkops_uniform(0.0, 0.8);
    p->f[2] = checkops_int(0, 5) ? checkops_uniform(0.0, 1.0) : 0.0; /* sometimes a hard edge */
}

static int run_vignette(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    return ovni_vignette(out[0], (float)p->f[0], (float)p->f[1], (float)p->f[2]);
}

const checkops_case checkops_effects[] = {
    BLUR("blur_rgb24_s0.5", OVNI_FORMAT_RGB24, draw_sigma_05, blur_bytes_rgb),
    BLUR("blur_rgb24_s3", OVNI_FORMAT_RGB24, draw_sigma_3, blur_bytes_rgb),
    BLUR("blur_rgb24_s25", OVNI_FORMAT_RGB24, draw_sigma_25, blur_bytes_rgb),
    BLUR("blur_rgba32_s0.5", OVNI_FORMAT_RGBA32, draw_sigma_05, blur_bytes_rgba),
    BLUR("blur_rgba32_s3", OVNI_FORMAT_RGBA32, draw_sigma_3, blur_bytes_rgba),
    BLUR("blur_rgba32_s25", OVNI_FORMAT_RGBA32, draw_sigma_25, blur_bytes_rgba),
    BLUR("blur_gray8_s0.5", OVNI_FORMAT_GRAY8, draw_sigma_05, blur_bytes_gray),
    BLUR("blur_gray8_s3", OVNI_FORMAT_GRAY8, draw_sigma_3, blur_bytes_gray),
    BLUR("blur_gray8_s25", OVNI_FORMAT_GRAY8, draw_sigma_25, blur_bytes_gray),
    BLUR("blur_rgb24_s8", OVNI_FORMAT_RGB24, draw_sigma_8, blur_bytes_rgb),
    BLUR("blur_gray8_s8", OVNI_FORMAT_GRAY8, draw_sigma_8, blur_bytes_gray),
    BLUR("blur_rgb24_s16", OVNI_FORMAT_RGB24, draw_sigma_16, blur_bytes_rgb),
    BLUR("blur_gray8_s16", OVNI_FORMAT_GRAY8, draw_sigma_16, blur_bytes_gray),
    BLUR("blur_rgb24_s100", OVNI_FORMAT_RGB24, draw_sigma_100, blur_bytes_rgb),
    BLUR("blur_rgba32_s100", OVNI_FORMAT_RGBA32, draw_sigma_100, blur_bytes_rgba),
    BLUR("blur_rgba32_random", OVNI_FORMAT_RGBA32, draw_sigma_any, blur_bytes_rgba),
    {.name = "blur_rgba32_in_place", .ninputs = 1, .noutputs = 1, .in_fmt = {OVNI_FORMAT_RGBA32}, .out_fmt = {OVNI_FORMAT_RGBA32},
     .draw = draw_sigma_any, .run = run_blur_in_place},
    {.name = "make_shadow", CHECKOPS_FLOAT, .noutputs = 1, .out_fmt = {OVNI_FORMAT_RGBA32},
     .sizes = shadow_sizes, .draw = draw_shadow, .run = run_shadow},
    {.name = "vignette_rgb24", CHECKOPS_FLOAT, .noutputs = 1, .out_fmt = {OVNI_FORMAT_RGB24},
     .draw = draw_vignette, .run = run_vignette, .bytes = vignette_rw_rgb},
    {.name = "vignette_rgba32", CHECKOPS_FLOAT, .noutputs = 1, .out_fmt = {OVNI_FORMAT_RGBA32},
     .draw = draw_vignette, .run = run_vignette, .bytes = vignette_rw_rgba},
    {0},
};
