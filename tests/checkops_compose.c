/* checkops cases for the compositing ops: overlay, blend, chroma key,
 * rounded corners and masks, fill, fade, flatten, crossfade, adjust. In-place ops
 * work on out[0], which starts with the same random pixels on both sides. */
#include <math.h>

#include "checkops.h"

/* ---- overlay / blend: p->i[0..1] the source size, f[0..2] x, y, alpha ---- */
static void src_size(const checkops_params *p, int w, int h, int iw[], int ih[], int ow[], int oh[])
{
    iw[0] = p->i[0], ih[0] = p->i[1];
}

static void draw_place(checkops_params *p, int w, int h, int whole)
{
    p->i[0] = checkops_int(1, w + 8);
    p->i[1] = checkops_int(1, h + 8);
    p->f[0] = checkops_uniform(-p->i[0] - 1, w + 1);
    p->f[1] = checkops_uniform(-p->i[1] - 1, h + 1);
    if (whole) p->f[0] = floor(p->f[0]), p->f[1] = floor(p->f[1]);
    p->f[2] = checkops_int(0, 3) == 0 ? 1.0 : checkops_uniform(0, 1);
}

static void draw_sub(checkops_params *p, int w, int h) { draw_place(p, w, h, 0); }
static void draw_whole(checkops_params *p, int w, int h) { draw_place(p, w, h, 1); }

/* 1080p timing: a centred source of half the frame's size. */
static void draw_half(checkops_params *p, int w, int h)
{
    draw_place(p, w, h, 0);
    if (w == 1920 && h == 1080) p->i[0] = w / 2, p->i[1] = h / 2, p->f[0] = w / 4 + 0.3, p->f[1] = h / 4 + 0.6;
}

static int run_overlay(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    return ovni_overlay(out[0], in[0], (float)p->f[0], (float)p->f[1], (float)p->f[2]);
}

static int run_blend(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    return ovni_blend(out[0], in[0], (float)p->f[0], (float)p->f[1], (float)p->f[2]);
}

/* ---- chroma key: i[0..2] key, f[0..2] thresholds and spill ---- */
static void draw_key(checkops_params *p, int w, int h)
{
    for (int c = 0; c < 3; c++) p->i[c] = checkops_int(0, 255);
    /* Wide ramps so random pixels land on both sides and in between. */
    p->f[0] = checkops_uniform(0, 0.4);
    p->f[1] = p->f[0] + (checkops_int(0, 4) ? checkops_uniform(0, 0.5) : 0.0);
    p->f[2] = checkops_int(0, 1) ? checkops_uniform(0, 1) : 0.0;
}

static int run_key(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    const uint8_t key[3] = {(uint8_t)p->i[0], (uint8_t)p->i[1], (uint8_t)p->i[2]};
    return ovni_chroma_key_into(out[0], in[0], key, (float)p->f[0], (float)p->f[1], (float)p->f[2]);
}

/* In place on an RGBA32 frame (its own alpha multiplies the key's). */
static int run_key_in_place(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    const uint8_t key[3] = {(uint8_t)p->i[0], (uint8_t)p->i[1], (uint8_t)p->i[2]};
    return ovni_chroma_key_into(out[0], out[0], key, (float)p->f[0], (float)p->f[1], (float)p->f[2]);
}

/* ---- rounded: f[0..3] radii, f[4] smoothing, i[0] one radius for all ---- */
static void draw_round(checkops_params *p, int w, int h)
{
    double m = 0.6 * (w < h ? w : h) + 1;
    for (int c = 0; c < 4; c++) p->f[c] = checkops_uniform(0, m);
    static const double n[] = {1, 2, 2, 4, 5, 12.5};
    p->f[4] = n[checkops_int(0, 5)];
    p->i[0] = checkops_int(0, 1);
}

static int run_round_corners(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    const float r[4] = {(float)p->f[0], (float)p->f[1], (float)p->f[2], (float)p->f[3]};
    return ovni_round_corners_into(out[0], in[0], r[0], p->i[0] ? NULL : r, (float)p->f[4]);
}

static int run_round_mask(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    const float r[4] = {(float)p->f[0], (float)p->f[1], (float)p->f[2], (float)p->f[3]};
    return ovni_round_mask_into(out[0], r[0], p->i[0] ? NULL : r, (float)p->f[4]);
}

/* ---- fill: f[0..3] box, i[0..3] colour; fade: f[0] t ---- */
static void draw_fill(checkops_params *p, int w, int h)
{
    p->f[0] = checkops_uniform(-w / 2.0 - 1, w + 1);
    p->f[1] = checkops_uniform(-h / 2.0 - 1, h + 1);
    p->f[2] = checkops_uniform(0.1, w + 2);
    p->f[3] = checkops_uniform(0.1, h + 2);
    if (checkops_int(0, 2) == 0) for (int c = 0; c < 4; c++) p->f[c] = ceil(p->f[c]);
    for (int c = 0; c < 4; c++) p->i[c] = checkops_int(0, 255);
    if (checkops_int(0, 1)) p->i[3] = 255;
    p->f[4] = checkops_uniform(0, 1);
}

static int run_fill(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    const uint8_t c[4] = {(uint8_t)p->i[0], (uint8_t)p->i[1], (uint8_t)p->i[2], (uint8_t)p->i[3]};
    return ovni_fill_rect(out[0], (float)p->f[0], (float)p->f[1], (float)p->f[2], (float)p->f[3], c);
}

static int run_fade(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    const uint8_t c[3] = {(uint8_t)p->i[0], (uint8_t)p->i[1], (uint8_t)p->i[2]};
    return ovni_fade(out[0], c, (float)p->f[4]);
}

/* ---- flatten: i[0..2] the background, i[4..5] the source's size: the
 * output's, one more or one less on each side (the writer's crop and pad) ---- */
static void flatten_size(const checkops_params *p, int w, int h, int iw[], int ih[], int ow[], int oh[])
{
    iw[0] = p->i[4], ih[0] = p->i[5];
}

static void draw_flatten(checkops_params *p, int w, int h)
{
    for (int c = 0; c < 3; c++) p->i[c] = checkops_int(0, 255);
    p->i[4] = w + checkops_int(w > 1 ? -1 : 0, 1);
    p->i[5] = h + checkops_int(h > 1 ? -1 : 0, 1);
}

static int run_flatten(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    const uint8_t c[3] = {(uint8_t)p->i[0], (uint8_t)p->i[1], (uint8_t)p->i[2]};
    return ovni_flatten_into(out[0], in[0], c);
}

/* ---- crossfade: f[4] t; adjust: f[0..2] brightness, contrast, saturation ---- */
static int run_crossfade(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    return ovni_crossfade_into(out[0], in[0], in[1], (float)p->f[4]);
}

static void draw_adjust(checkops_params *p, int w, int h)
{
    p->f[0] = checkops_uniform(-0.5, 0.5);
    p->f[1] = checkops_uniform(0, 3);
    p->f[2] = checkops_uniform(0, 3);
    p->f[4] = checkops_uniform(0, 1);
}

static int run_adjust(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    return ovni_adjust(out[0], (float)p->f[0], (float)p->f[1], (float)p->f[2]);
}

/* Bytes at 1080p for in-place ops over the whole frame: read + write. */
static double rw_rgba(int w, int h) { return 2.0 * 4 * w * h; }
static double rw_rgb(int w, int h) { return 2.0 * 3 * w * h; }
/* Overlay of a half-size source: the region's dst read + write, src read. */
static double ov_rgba(int w, int h) { return (2.0 * 4 + 4) * (w / 2) * (h / 2); }

#define R24 OVNI_FORMAT_RGB24
#define R32 OVNI_FORMAT_RGBA32
#define G8 OVNI_FORMAT_GRAY8

const checkops_case checkops_compose[] = {
    {.name = "overlay_rgb24_on_rgb24", CHECKOPS_FLOAT, .ninputs = 1, .noutputs = 1, .in_fmt = {R24}, .out_fmt = {R24},
     .sizes = src_size, .draw = draw_sub, .run = run_overlay},
    {.name = "overlay_rgba32_on_rgba32", CHECKOPS_FLOAT, .ninputs = 1, .noutputs = 1, .in_fmt = {R32}, .out_fmt = {R32},
     .sizes = src_size, .draw = draw_half, .run = run_overlay, .bytes = ov_rgba},
    {.name = "overlay_whole_px", CHECKOPS_FLOAT, .ninputs = 1, .noutputs = 1, .in_fmt = {R32}, .out_fmt = {R24},
     .sizes = src_size, .draw = draw_whole, .run = run_overlay},
    {.name = "overlay_rgb24_on_rgba32", CHECKOPS_FLOAT, .ninputs = 1, .noutputs = 1, .in_fmt = {R24}, .out_fmt = {R32},
     .sizes = src_size, .draw = draw_sub, .run = run_overlay},
    {.name = "blend_on_rgb24", CHECKOPS_FLOAT, .ninputs = 1, .noutputs = 1, .in_fmt = {R32}, .out_fmt = {R24},
     .sizes = src_size, .draw = draw_sub, .run = run_blend},
    {.name = "blend_on_rgba32", CHECKOPS_FLOAT, .ninputs = 1, .noutputs = 1, .in_fmt = {R32}, .out_fmt = {R32},
     .sizes = src_size, .draw = draw_half, .run = run_blend, .bytes = ov_rgba},
    {.name = "chroma_key_rgb24", CHECKOPS_FLOAT, .ninputs = 1, .noutputs = 1, .in_fmt = {R24}, .out_fmt = {R32},
     .draw = draw_key, .run = run_key},
    {.name = "chroma_key_rgba32", CHECKOPS_FLOAT, .ninputs = 1, .noutputs = 1, .in_fmt = {R32}, .out_fmt = {R32},
     .draw = draw_key, .run = run_key},
    {.name = "chroma_key_in_place", CHECKOPS_FLOAT, .noutputs = 1, .out_fmt = {R32},
     .draw = draw_key, .run = run_key_in_place, .bytes = rw_rgba},
    {.name = "round_corners_rgb24", CHECKOPS_FLOAT, .ninputs = 1, .noutputs = 1, .in_fmt = {R24}, .out_fmt = {R32},
     .draw = draw_round, .run = run_round_corners},
    {.name = "round_corners_rgba32", CHECKOPS_FLOAT, .ninputs = 1, .noutputs = 1, .in_fmt = {R32}, .out_fmt = {R32},
     .draw = draw_round, .run = run_round_corners},
    {.name = "round_mask_gray8", CHECKOPS_FLOAT, .noutputs = 1, .out_fmt = {G8},
     .draw = draw_round, .run = run_round_mask},
    {.name = "round_mask_rgba32", CHECKOPS_FLOAT, .noutputs = 1, .out_fmt = {R32},
     .draw = draw_round, .run = run_round_mask},
    {.name = "fill_rect_rgb24", CHECKOPS_FLOAT, .noutputs = 1, .out_fmt = {R24}, .draw = draw_fill, .run = run_fill},
    {.name = "fill_rect_rgba32", CHECKOPS_FLOAT, .noutputs = 1, .out_fmt = {R32}, .draw = draw_fill, .run = run_fill},
    {.name = "fade_rgb24", CHECKOPS_FLOAT, .noutputs = 1, .out_fmt = {R24},
     .draw = draw_fill, .run = run_fade, .bytes = rw_rgb},
    {.name = "fade_rgba32", CHECKOPS_FLOAT, .noutputs = 1, .out_fmt = {R32},
     .draw = draw_fill, .run = run_fade, .bytes = rw_rgba},
    /* integer math: the same bytes on every backend */
    {.name = "flatten_rgba32", .ninputs = 1, .noutputs = 1, .in_fmt = {R32}, .out_fmt = {R24},
     .sizes = flatten_size, .draw = draw_flatten, .run = run_flatten},
    {.name = "crossfade_rgb24", .ninputs = 2, .noutputs = 1, .in_fmt = {R24, R24}, .out_fmt = {R24},
     .draw = draw_adjust, .run = run_crossfade},
    {.name = "crossfade_rgba32", .ninputs = 2, .noutputs = 1, .in_fmt = {R32, R32}, .out_fmt = {R32},
     .draw = draw_adjust, .run = run_crossfade},
    {.name = "crossfade_gray8", .ninputs = 2, .noutputs = 1, .in_fmt = {G8, G8}, .out_fmt = {G8},
     .draw = draw_adjust, .run = run_crossfade},
    {.name = "adjust_rgb24", .noutputs = 1, .out_fmt = {R24},
     .draw = draw_adjust, .run = run_adjust, .bytes = rw_rgb},
    {.name = "adjust_rgba32", .noutputs = 1, .out_fmt = {R32},
     .draw = draw_adjust, .run = run_adjust, .bytes = rw_rgba},
    {0},
};
