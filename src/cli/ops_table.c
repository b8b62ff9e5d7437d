/* The op table: every op the chain can name, its keys (named as in the C
 * API), types, defaults and ranges, and the function that calls the
 * library. Ranges mirror the library's checks, so a constant out of range
 * is a usage error before any work; the library checks again. Defaults may
 * be expressions (right=W). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops_table.h"

#define NONE 1, 0   /* min > max: no range */
#define DIM 16384.0
#define POS 1e6     /* positions: generous, finite */
#define V(k) (op->val[k])
#define F(k) ((float)op->val[k])

/* Replaces *frame with *next when the call (ret) made it. `next` is passed
 * by address: as a value it could be read before the call fills it. */
static int replace(const op_inst *op, ovni_frame **frame, int ret, ovni_frame **next)
{
    if (ret < 0) return ops_error(op, "failed");
    ovni_frame_unref(frame);
    *frame = *next;
    return 0;
}

/* ---- format ---- */
static const op_key format_keys[] = {{"format", KEY_ENUM, "rgb24", NONE, "rgb24|rgba32"}, {NULL}};
static int format_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    ovni_frame *o = NULL;
    return replace(op, f, ovni_convert(*f, V(0) ? OVNI_FORMAT_RGBA32 : OVNI_FORMAT_RGB24, &o), &o);
}

/* ---- crop, resize, scale_translate, scale, translate, rotate ---- */
static const op_key crop_keys[] = {
    {"left", KEY_NUM, "0", -4 * DIM, 4 * DIM, "left edge of the box in pixels"},
    {"top", KEY_NUM, "0", -4 * DIM, 4 * DIM, "top edge"},
    {"right", KEY_NUM, "W", -4 * DIM, 4 * DIM, "right edge (> left); the output is right - left wide"},
    {"bottom", KEY_NUM, "H", -4 * DIM, 4 * DIM, "bottom edge (> top)"},
    {NULL}};
static int crop_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    ovni_frame *o = NULL;
    return replace(op, f, ovni_crop(*f, F(0), F(1), F(2), F(3), &o), &o);
}

static const op_key resize_keys[] = {
    {"width", KEY_INT, NULL, 1, DIM, "output width"},
    {"height", KEY_INT, NULL, 1, DIM, "output height"},
    {NULL}};
static int resize_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    ovni_frame *o = NULL;
    return replace(op, f, ovni_resize(*f, (int)V(0), (int)V(1), &o), &o);
}

static const op_key st_keys[] = {
    {"s", KEY_NUM, "1", 1e-4, 1e4, "scale about the top-left corner, applied first"},
    {"tx", KEY_NUM, "0", -POS, POS, "then move right by tx pixels"},
    {"ty", KEY_NUM, "0", -POS, POS, "and down by ty pixels"},
    {"width", KEY_INT, "0", 0, DIM, "output width (0: the input's; smaller crops)"},
    {"height", KEY_INT, "0", 0, DIM, "output height (0: the input's)"},
    {NULL}};
static int st_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    ovni_frame *o = NULL;
    return replace(op, f, ovni_scale_translate(*f, F(0), F(1), F(2), (int)V(3), (int)V(4), &o), &o);
}

static const op_key scale_keys[] = {{"s", KEY_NUM, NULL, 1e-4, 1e4, "scale about the top-left corner; size kept"},
                                    {NULL}};
static int scale_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    ovni_frame *o = NULL;
    return replace(op, f, ovni_scale(*f, F(0), &o), &o);
}

static const op_key translate_keys[] = {{"tx", KEY_NUM, "0", -POS, POS, "move right by tx pixels"},
                                        {"ty", KEY_NUM, "0", -POS, POS, "move down by ty pixels"},
                                        {NULL}};
static int translate_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    ovni_frame *o = NULL;
    return replace(op, f, ovni_translate(*f, F(0), F(1), &o), &o);
}

static const op_key rotate_keys[] = {
    {"degrees", KEY_NUM, NULL, -1e6, 1e6, "counter-clockwise on screen"},
    {"cx", KEY_NUM, "W/2", -POS, POS, "centre of rotation"},
    {"cy", KEY_NUM, "H/2", -POS, POS, ""},
    {"expand", KEY_BOOL, "0", 0, 1, "1: enlarge the output so no corner is cut (the size must not change "
                                    "from frame to frame)"},
    {"fill", KEY_COLOR, "black@0", NONE, "colour of the uncovered area"},
    {NULL}};
static int rotate_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    ovni_frame *o = NULL;
    return replace(op, f, ovni_rotate(*f, F(0), F(1), F(2), V(3) != 0, op->color[4], &o), &o);
}

static const op_key flip_keys[] = {{"horizontal", KEY_BOOL, "1", 0, 1, "mirror left-right"},
                                   {"vertical", KEY_BOOL, "0", 0, 1, "mirror top-bottom"},
                                   {NULL}};
static int flip_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    ovni_frame *o = NULL;
    return replace(op, f, ovni_flip(*f, V(0) != 0, V(1) != 0, &o), &o);
}

static const op_key fit_keys[] = {{"width", KEY_INT, NULL, 1, DIM, "output width"},
                                  {"height", KEY_INT, NULL, 1, DIM, "output height"},
                                  {"pad", KEY_COLOR, "black", NONE, "colour of the bars"},
                                  {NULL}};
static int fit_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    ovni_frame *o = NULL;
    return replace(op, f, ovni_fit(*f, (int)V(0), (int)V(1), op->color[2], &o), &o);
}
static int cover_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    ovni_frame *o = NULL;
    return replace(op, f, ovni_cover(*f, (int)V(0), (int)V(1), &o), &o);
}

/* ---- in-place looks: vignette, adjust, fade, fill_rect, gaussian_blur ---- */
static const op_key vignette_keys[] = {
    {"strength", KEY_NUM, "0.5", 0, 1, "0: unchanged, 1: black at the edge"},
    {"radius", KEY_NUM, "0.5", 0, 2, "untouched within this share of the half diagonal"},
    {"softness", KEY_NUM, "0.5", 0, 2, "width of the falloff"},
    {NULL}};
static int vignette_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    return ovni_vignette(*f, F(0), F(1), F(2)) < 0 ? ops_error(op, "failed") : 0;
}

static const op_key adjust_keys[] = {
    {"brightness", KEY_NUM, "0", -1, 1, "added, in units of full scale"},
    {"contrast", KEY_NUM, "1", 0, 10, "about mid-grey"},
    {"saturation", KEY_NUM, "1", 0, 10, "0: grey"},
    {NULL}};
static int adjust_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    return ovni_adjust(*f, F(0), F(1), F(2)) < 0 ? ops_error(op, "failed") : 0;
}

static const op_key fade_keys[] = {
    {"t", KEY_NUM, NULL, 0, 1, "0: the frame, 1: the colour (e.g. t='clip((n-270)/30,0,1)')"},
    {"color", KEY_COLOR, "black", NONE, ""},
    {NULL}};
static int fade_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    return ovni_fade(*f, op->color[1], F(0)) < 0 ? ops_error(op, "failed") : 0;
}

static const op_key fill_keys[] = {
    {"x", KEY_NUM, "0", -POS, POS, "left edge"},
    {"y", KEY_NUM, "0", -POS, POS, "top edge"},
    {"width", KEY_NUM, NULL, 1e-6, POS, ""},
    {"height", KEY_NUM, NULL, 1e-6, POS, ""},
    {"color", KEY_COLOR, "black", NONE, "with alpha, e.g. black@0.5 or #00000080"},
    {NULL}};
static int fill_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    return ovni_fill_rect(*f, F(0), F(1), F(2), F(3), op->color[4]) < 0 ? ops_error(op, "failed") : 0;
}

static const op_key blur_keys[] = {{"sigma", KEY_NUM, NULL, 0, 170, "standard deviation in pixels"}, {NULL}};
static int blur_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    return ovni_gaussian_blur_into(*f, *f, F(0)) < 0 ? ops_error(op, "failed") : 0;
}

/* ---- chroma_key, round_corners (make RGBA32) ---- */
static const op_key ck_keys[] = {
    {"key", KEY_COLOR, "0x00FF00", NONE, "the screen's colour"},
    {"transparency_t", KEY_NUM, "0.15", 0, 1, "distances up to this are transparent"},
    {"opacity_t", KEY_NUM, "0.3", 0, 1, "distances from this are opaque"},
    {"spill", KEY_NUM, "0", 0, 1, "pull the key's tint out of edges (0.5..1 for green screens)"},
    {NULL}};
static int ck_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    ovni_frame *o = NULL;
    return replace(op, f, ovni_chroma_key(*f, op->color[0], F(1), F(2), F(3), &o), &o);
}

/* Corner keys: radius for all four, or each one (-1: radius). */
#define CORNER_KEYS(prefix)                                                                        \
    {"radius", KEY_NUM, "0", 0, DIM, prefix "corner radius in pixels"},                           \
    {"radius_tl", KEY_NUM, "-1", -1, DIM, "top-left (-1: radius)"},                               \
    {"radius_tr", KEY_NUM, "-1", -1, DIM, "top-right"},                                           \
    {"radius_br", KEY_NUM, "-1", -1, DIM, "bottom-right"},                                        \
    {"radius_bl", KEY_NUM, "-1", -1, DIM, "bottom-left"},                                         \
    {"smoothing", KEY_NUM, "2", 1, 100, "corner exponent: 2 a circle, 4..5 a squircle"}

/* radii[] from the five keys starting at k; NULL when all use radius */
static const float *corner_radii(const op_inst *op, int k, float radii[4])
{
    int any = 0;
    for (int i = 0; i < 4; i++) {
        radii[i] = V(k + 1 + i) < 0 ? F(k) : F(k + 1 + i);
        any |= V(k + 1 + i) >= 0;
    }
    return any ? radii : NULL;
}

static const op_key rc_keys[] = {CORNER_KEYS(""), {NULL}};
static int rc_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    float radii[4];
    ovni_frame *o = NULL;
    return replace(op, f, ovni_round_corners(*f, F(0), corner_radii(op, 0, radii), F(5), &o), &o);
}

/* ---- make_shadow: a blurred rounded rectangle blended onto the frame ---- */
static const op_key shadow_keys[] = {
    {"x", KEY_NUM, "0", -POS, POS, "left edge of the shape (the blur spreads beyond it)"},
    {"y", KEY_NUM, "0", -POS, POS, "top edge"},
    {"width", KEY_INT, NULL, 1, DIM, "shape width"},
    {"height", KEY_INT, NULL, 1, DIM, "shape height"},
    {"corner_radius", KEY_NUM, "0", 0, DIM, ""},
    {"blur", KEY_NUM, "10", 0, 170, "gaussian sigma in pixels"},
    {"color", KEY_COLOR, "black", NONE, ""},
    {"alpha", KEY_NUM, "0.6", 0, 1, "opacity inside the shape"},
    {"smoothing", KEY_NUM, "2", 1, 100, "corner exponent"},
    {NULL}};
static int shadow_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    ovni_frame *s = NULL;
    int m = ovni_shadow_margin(F(5));
    int ret = m < 0 ? m
                    : ovni_make_shadow((*f)->device, (*f)->memory, (int)V(2), (int)V(3), F(4), F(5), op->color[6],
                                       F(7), F(8), &s);
    if (ret == 0) ret = ovni_blend(*f, s, F(0) - m, F(1) - m, 1.0f);
    ovni_frame_unref(&s);
    return ret < 0 ? ops_error(op, "failed") : 0;
}

/* ---- ops with a file= source: overlay, blend, warp, crossfade ---- */
static int source_open(op_inst *op, const cli_env *env)
{
    return op_source_open(&op->src, env, op->str[0]) < 0 ? ops_error(op, "file") : 0;
}

/* Keys shared by overlay and blend, after file, x, y, alpha (index 4..). */
#define SOURCE_KEYS                                                                                \
    {"s", KEY_NUM, "1", 1e-4, 1e4, "scale the source first (w, h stay the file's size)"},         \
    CORNER_KEYS("round the source's corners: "),                                                  \
    {"key", KEY_COLOR, "", NONE, "chroma key the source on this colour (off when not given)"},    \
    {"transparency_t", KEY_NUM, "0.15", 0, 1, "chroma key: transparent up to this distance"},     \
    {"opacity_t", KEY_NUM, "0.3", 0, 1, "chroma key: opaque from this distance"},                 \
    {"spill", KEY_NUM, "0", 0, 1, "chroma key: spill suppression"}
enum { SK_S = 4, SK_RADIUS = 5, SK_SMOOTH = 10, SK_KEY = 11, SK_TT = 12, SK_OT = 13, SK_SPILL = 14 };

/* The source of this frame, keyed, scaled and rounded as asked; *alpha_used
 * is set when the result carries alpha that must be blended. */
static int prepare_source(op_inst *op, ovni_frame **out, int *alpha_used)
{
    ovni_frame *f = ovni_frame_ref(op->src.current), *o = NULL;
    int ret = 0;
    *alpha_used = 0;
    if (op->str[SK_KEY]) {
        ret = ovni_chroma_key(f, op->color[SK_KEY], F(SK_TT), F(SK_OT), F(SK_SPILL), &o);
        ovni_frame_unref(&f);
        f = o;
        *alpha_used = 1;
    }
    if (ret == 0 && V(SK_S) != 1) {
        int w = (int)ceil(f->width * V(SK_S)), h = (int)ceil(f->height * V(SK_S));
        ret = ovni_scale_translate(f, F(SK_S), 0, 0, w > DIM ? (int)DIM : w, h > DIM ? (int)DIM : h, &o);
        ovni_frame_unref(&f);
        f = o;
    }
    float radii[4];
    const float *r = corner_radii(op, SK_RADIUS, radii);
    if (ret == 0 && (V(SK_RADIUS) > 0 || r)) {
        ret = ovni_round_corners(f, F(SK_RADIUS), r, F(SK_SMOOTH), &o);
        ovni_frame_unref(&f);
        f = o;
        *alpha_used = 1;
    }
    if (ret < 0) {
        ovni_frame_unref(&f);
        return ops_error(op, "source");
    }
    *out = f;
    return 0;
}

static const op_key overlay_keys[] = {
    {"file", KEY_FILE, NULL, NONE, "an image, or a video read alongside and looped"},
    {"x", KEY_NUM, "0", -POS, POS, "the source's left edge in the frame"},
    {"y", KEY_NUM, "0", -POS, POS, "its top edge"},
    {"alpha", KEY_NUM, "1", 0, 1, "opacity of the whole source"},
    SOURCE_KEYS,
    {NULL}};
static int composite_apply(op_inst *op, ovni_frame **f, int blend)
{
    ovni_frame *s = NULL;
    int alpha_used;
    if (prepare_source(op, &s, &alpha_used)) return 1;
    /* overlay ignores the source's alpha, unless keying or rounding made it */
    int ret = blend || alpha_used ? ovni_blend(*f, s, F(1), F(2), F(3)) : ovni_overlay(*f, s, F(1), F(2), F(3));
    ovni_frame_unref(&s);
    return ret < 0 ? ops_error(op, "failed") : 0;
}
static int overlay_apply(op_inst *op, ovni_frame **f, int64_t n) { return composite_apply(op, f, 0); }
static int blend_apply(op_inst *op, ovni_frame **f, int64_t n) { return composite_apply(op, f, 1); }

static const op_key warp_keys[] = {
    {"file", KEY_FILE, NULL, NONE, "an image, or a video read alongside and looped"},
    {"x0", KEY_NUM, "0", -POS, POS, "where the source's top-left corner goes"},
    {"y0", KEY_NUM, "0", -POS, POS, ""},
    {"x1", KEY_NUM, "w", -POS, POS, "top-right corner"},
    {"y1", KEY_NUM, "0", -POS, POS, ""},
    {"x2", KEY_NUM, "w", -POS, POS, "bottom-right corner"},
    {"y2", KEY_NUM, "h", -POS, POS, ""},
    {"x3", KEY_NUM, "0", -POS, POS, "bottom-left corner"},
    {"y3", KEY_NUM, "h", -POS, POS, ""},
    {"opacity", KEY_NUM, "1", 0, 1, ""},
    {"key", KEY_COLOR, "", NONE, "chroma key the source on this colour (off when not given)"},
    {"transparency_t", KEY_NUM, "0.15", 0, 1, ""},
    {"opacity_t", KEY_NUM, "0.3", 0, 1, ""},
    {"spill", KEY_NUM, "0", 0, 1, ""},
    {NULL}};
static int warp_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    ovni_frame *s = ovni_frame_ref(op->src.current), *o = NULL;
    int ret = 0;
    if (op->str[10]) {
        ret = ovni_chroma_key(s, op->color[10], F(11), F(12), F(13), &o);
        ovni_frame_unref(&s);
        s = o;
    }
    float c[8];
    for (int i = 0; i < 8; i++) c[i] = F(1 + i);
    if (ret == 0) ret = ovni_warp(*f, s, c, F(9));
    ovni_frame_unref(&s);
    return ret < 0 ? ops_error(op, "failed") : 0;
}

static const op_key crossfade_keys[] = {
    {"file", KEY_FILE, NULL, NONE, "the frame to fade to: an image or a looped video (resized to the frame)"},
    {"t", KEY_NUM, NULL, 0, 1, "0: the frame, 1: the file"},
    {NULL}};
static int crossfade_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    ovni_frame *b = NULL, *o = NULL;
    int ret = ovni_convert(op->src.current, (*f)->format, &b);
    if (ret == 0 && (b->width != (*f)->width || b->height != (*f)->height)) {
        ret = ovni_resize(b, (*f)->width, (*f)->height, &o);
        ovni_frame_unref(&b);
        b = o;
    }
    if (ret == 0) ret = ovni_crossfade_into(*f, *f, b, F(1));
    ovni_frame_unref(&b);
    return ret < 0 ? ops_error(op, "failed") : 0;
}

/* ---- ass: captions ---- */
static const op_key ass_keys[] = {
    {"file", KEY_FILE, NULL, NONE, "an .ass or .ssa script"},
    {"fonts_dir", KEY_STR, "", NONE, "extra directory of fonts"},
    {"default_font", KEY_STR, "", NONE, "family used where a font is missing (default sans-serif)"},
    {"offset", KEY_NUM, "0", -1e9, 1e9, "seconds added to t on the script's clock"},
    {NULL}};
static int ass_open(op_inst *op, const cli_env *env)
{
    ovni_ass_options o;
    memset(&o, 0, sizeof(o));
    o.fonts_dir = op->str[1];
    o.default_font = op->str[2];
    if (ovni_ass_open_file((ovni_ass **)&op->state, op->str[0], env->width, env->height, &o) < 0)
        return ops_error(op, "file");
    return 0;
}
static int ass_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    int64_t ms = llround((op->t + V(3)) * 1000.0);
    return ovni_ass_render(op->state, ms, *f) < 0 ? ops_error(op, "failed") : 0;
}
static void ass_close(op_inst *op) { ovni_ass_close((ovni_ass **)&op->state); }

/* ---- deinterlace: keeps the frame before, the op's own state ---- */
static const op_key deint_keys[] = {
    {"parity", KEY_ENUM, "auto", NONE, "auto|tff|bff"},
    {NULL}};
typedef struct deint_state {
    ovni_frame *prev, *last; /* the source frames before and at the last step */
} deint_state;
static int deint_open(op_inst *op, const cli_env *env)
{
    op->state = calloc(1, sizeof(deint_state));
    return op->state ? 0 : ops_error(op, "out of memory");
}
static int same_shape(const ovni_frame *a, const ovni_frame *b)
{
    return a && b && a->format == b->format && a->width == b->width && a->height == b->height;
}
/* One frame at a time: prev is the last distinct frame before this one
 * (--fps repeats a source frame: same pts), next is not known yet, so it is
 * taken as cur (bwdif at a video's last frame); the first frame is intra. */
static int deint_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    deint_state *s = op->state;
    if (!s) return ops_error(op, "not opened");
    if (!(same_shape(s->last, *f) && s->last->pts == (*f)->pts)) {
        ovni_frame_unref(&s->prev);
        s->prev = s->last;
        s->last = ovni_frame_ref(*f);
    }
    static const int parity[] = {OVNI_DEINTERLACE_AUTO, OVNI_DEINTERLACE_TFF, OVNI_DEINTERLACE_BFF};
    ovni_frame *o = NULL;
    const ovni_frame *prev = same_shape(s->prev, *f) ? s->prev : NULL;
    return replace(op, f, ovni_deinterlace(prev, *f, NULL, parity[(int)V(0)], 0, &o), &o);
}
static void deint_close(op_inst *op)
{
    deint_state *s = op->state;
    if (s) ovni_frame_unref(&s->prev), ovni_frame_unref(&s->last);
    free(s);
    op->state = NULL;
}

#define OP(name, help, keys, open, apply, close) \
    static const op_def op_##name = {#name, help, keys, open, apply, close, 0};
OP(format, "convert the frame to rgb24 or rgba32 (ops that make rgba32 say so)", format_keys, NULL, format_apply, NULL)
OP(crop, "cut the box [left, right) x [top, bottom) out, sub-pixel, as the new frame", crop_keys, NULL, crop_apply, NULL)
OP(resize, "resample to width x height (filtered when shrinking)", resize_keys, NULL, resize_apply, NULL)
OP(scale_translate, "zoom and pan: scale by s about the top-left corner, then move by (tx, ty)", st_keys, NULL,
   st_apply, NULL)
OP(scale, "scale_translate with only s", scale_keys, NULL, scale_apply, NULL)
OP(translate, "scale_translate with only tx, ty", translate_keys, NULL, translate_apply, NULL)
OP(rotate, "turn by degrees about (cx, cy), anti-aliased", rotate_keys, NULL, rotate_apply, NULL)
OP(flip, "mirror left-right and/or top-bottom", flip_keys, NULL, flip_apply, NULL)
OP(fit, "letterbox: scale uniformly into width x height, pad the rest", fit_keys, NULL, fit_apply, NULL)
OP(cover, "fill: scale uniformly to cover width x height, crop the centre", resize_keys, NULL, cover_apply, NULL)
OP(vignette, "darken towards the corners", vignette_keys, NULL, vignette_apply, NULL)
OP(adjust, "brightness, contrast and saturation", adjust_keys, NULL, adjust_apply, NULL)
OP(fade, "mix the frame towards a colour by t", fade_keys, NULL, fade_apply, NULL)
OP(fill_rect, "paint a rectangle (its colour's alpha blends it)", fill_keys, NULL, fill_apply, NULL)
OP(gaussian_blur, "blur", blur_keys, NULL, blur_apply, NULL)
OP(chroma_key, "make the key colour transparent: the frame becomes rgba32", ck_keys, NULL, ck_apply, NULL)
OP(round_corners, "round the frame's corners: it becomes rgba32 (transparent outside)", rc_keys, NULL, rc_apply,
   NULL)
OP(make_shadow, "draw a soft shadow of a rounded rectangle (blend it under what a later op draws)", shadow_keys,
   NULL, shadow_apply, NULL)
OP(overlay, "draw an image or video at (x, y); its own alpha is ignored unless key or radius is given",
   overlay_keys, source_open, overlay_apply, NULL)
OP(blend, "draw an rgba image or video at (x, y) with its alpha", overlay_keys, source_open, blend_apply, NULL)
OP(warp, "draw an image or video onto any quadrilateral (perspective), anti-aliased", warp_keys, source_open,
   warp_apply, NULL)
OP(crossfade, "mix the frame with an image or video by t", crossfade_keys, source_open, crossfade_apply, NULL)
OP(ass, "draw captions from an ASS/SSA script at t", ass_keys, ass_open, ass_apply, ass_close)
static const op_def op_deinterlace = {
    .name = "deinterlace",
    .help = "make an interlaced video progressive (motion-adaptive, bwdif); first in the chain it runs on the "
            "decoded YUV",
    .keys = deint_keys, .open = deint_open, .apply = deint_apply, .close = deint_close, .decoded = 1};

const op_def *const cli_ops[] = {
    &op_format, &op_crop, &op_resize, &op_scale_translate, &op_scale, &op_translate, &op_rotate, &op_flip, &op_fit, &op_cover,
    &op_vignette, &op_adjust, &op_fade, &op_fill_rect, &op_gaussian_blur, &op_chroma_key,
    &op_round_corners, &op_make_shadow, &op_overlay, &op_blend, &op_warp, &op_crossfade, &op_ass,
    &op_deinterlace, NULL,
};
