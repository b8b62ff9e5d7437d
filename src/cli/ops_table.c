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
/* A key named as its field of the op's parameter struct `st`; KF when the
 * field's path differs from the key's name. */
#define K(st, name, type, def, ...) {#name, type, def, __VA_ARGS__, offsetof(st, name)}
#define KF(st, name, field, type, def, ...) {name, type, def, __VA_ARGS__, offsetof(st, field)}

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
typedef struct format_p { int format; } format_p;
static const op_key format_keys[] = {K(format_p, format, KEY_ENUM, "rgb24", NONE, "rgb24|rgba32"), {NULL}};
static int format_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const format_p *p = op->params;
    ovni_frame *o = NULL;
    return replace(op, f, ovni_convert(*f, p->format ? OVNI_FORMAT_RGBA32 : OVNI_FORMAT_RGB24, &o), &o);
}

/* ---- crop, resize, scale_translate, scale, translate, rotate ---- */
typedef struct crop_p { double left, top, right, bottom; } crop_p;
static const op_key crop_keys[] = {
    K(crop_p, left, KEY_NUM, "0", -4 * DIM, 4 * DIM, "left edge of the box in pixels"),
    K(crop_p, top, KEY_NUM, "0", -4 * DIM, 4 * DIM, "top edge"),
    K(crop_p, right, KEY_NUM, "W", -4 * DIM, 4 * DIM, "right edge (> left); the output is right - left wide"),
    K(crop_p, bottom, KEY_NUM, "H", -4 * DIM, 4 * DIM, "bottom edge (> top)"),
    {NULL}};
static int crop_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const crop_p *p = op->params;
    ovni_frame *o = NULL;
    return replace(op, f, ovni_crop(*f, (float)p->left, (float)p->top, (float)p->right, (float)p->bottom, &o), &o);
}

typedef struct resize_p { int width, height; } resize_p;
static const op_key resize_keys[] = {
    K(resize_p, width, KEY_INT, NULL, 1, DIM, "output width"),
    K(resize_p, height, KEY_INT, NULL, 1, DIM, "output height"),
    {NULL}};
static int resize_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const resize_p *p = op->params;
    ovni_frame *o = NULL;
    return replace(op, f, ovni_resize(*f, p->width, p->height, &o), &o);
}

typedef struct st_p { double s, tx, ty; int width, height; } st_p;
static const op_key st_keys[] = {
    K(st_p, s, KEY_NUM, "1", 1e-4, 1e4, "scale about the top-left corner, applied first"),
    K(st_p, tx, KEY_NUM, "0", -POS, POS, "then move right by tx pixels"),
    K(st_p, ty, KEY_NUM, "0", -POS, POS, "and down by ty pixels"),
    K(st_p, width, KEY_INT, "0", 0, DIM, "output width (0: the input's; smaller crops)"),
    K(st_p, height, KEY_INT, "0", 0, DIM, "output height (0: the input's)"),
    {NULL}};
static int st_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const st_p *p = op->params;
    ovni_frame *o = NULL;
    return replace(op, f, ovni_scale_translate(*f, (float)p->s, (float)p->tx, (float)p->ty, p->width, p->height, &o),
                   &o);
}

typedef struct scale_p { double s; } scale_p;
static const op_key scale_keys[] = {K(scale_p, s, KEY_NUM, NULL, 1e-4, 1e4, "scale about the top-left corner; size kept"),
                                    {NULL}};
static int scale_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const scale_p *p = op->params;
    ovni_frame *o = NULL;
    return replace(op, f, ovni_scale(*f, (float)p->s, &o), &o);
}

typedef struct translate_p { double tx, ty; } translate_p;
static const op_key translate_keys[] = {K(translate_p, tx, KEY_NUM, "0", -POS, POS, "move right by tx pixels"),
                                        K(translate_p, ty, KEY_NUM, "0", -POS, POS, "move down by ty pixels"),
                                        {NULL}};
static int translate_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const translate_p *p = op->params;
    ovni_frame *o = NULL;
    return replace(op, f, ovni_translate(*f, (float)p->tx, (float)p->ty, &o), &o);
}

typedef struct rotate_p { double degrees, cx, cy; int expand; cli_color fill; } rotate_p;
static const op_key rotate_keys[] = {
    K(rotate_p, degrees, KEY_NUM, NULL, -1e6, 1e6, "counter-clockwise on screen"),
    K(rotate_p, cx, KEY_NUM, "W/2", -POS, POS, "centre of rotation"),
    K(rotate_p, cy, KEY_NUM, "H/2", -POS, POS, ""),
    K(rotate_p, expand, KEY_BOOL, "0", 0, 1, "1: enlarge the output so no corner is cut (the size must not change "
                                             "from frame to frame)"),
    K(rotate_p, fill, KEY_COLOR, "black@0", NONE, "colour of the uncovered area"),
    {NULL}};
static int rotate_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const rotate_p *p = op->params;
    ovni_frame *o = NULL;
    return replace(op, f, ovni_rotate(*f, (float)p->degrees, (float)p->cx, (float)p->cy, p->expand, p->fill.rgba, &o),
                   &o);
}

typedef struct flip_p { int horizontal, vertical; } flip_p;
static const op_key flip_keys[] = {K(flip_p, horizontal, KEY_BOOL, "1", 0, 1, "mirror left-right"),
                                   K(flip_p, vertical, KEY_BOOL, "0", 0, 1, "mirror top-bottom"),
                                   {NULL}};
static int flip_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const flip_p *p = op->params;
    ovni_frame *o = NULL;
    return replace(op, f, ovni_flip(*f, p->horizontal, p->vertical, &o), &o);
}

typedef struct fit_p { int width, height; cli_color pad; } fit_p;
static const op_key fit_keys[] = {K(fit_p, width, KEY_INT, NULL, 1, DIM, "output width"),
                                  K(fit_p, height, KEY_INT, NULL, 1, DIM, "output height"),
                                  K(fit_p, pad, KEY_COLOR, "black", NONE, "colour of the bars"),
                                  {NULL}};
static int fit_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const fit_p *p = op->params;
    ovni_frame *o = NULL;
    return replace(op, f, ovni_fit(*f, p->width, p->height, p->pad.rgba, &o), &o);
}
static int cover_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const resize_p *p = op->params;
    ovni_frame *o = NULL;
    return replace(op, f, ovni_cover(*f, p->width, p->height, &o), &o);
}

/* ---- in-place looks: vignette, adjust, fade, fill_rect, gaussian_blur ---- */
typedef struct vignette_p { double strength, radius, softness; } vignette_p;
static const op_key vignette_keys[] = {
    K(vignette_p, strength, KEY_NUM, "0.5", 0, 1, "0: unchanged, 1: black at the edge"),
    K(vignette_p, radius, KEY_NUM, "0.5", 0, 2, "untouched within this share of the half diagonal"),
    K(vignette_p, softness, KEY_NUM, "0.5", 0, 2, "width of the falloff"),
    {NULL}};
static int vignette_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const vignette_p *p = op->params;
    return ovni_vignette(*f, (float)p->strength, (float)p->radius, (float)p->softness) < 0 ? ops_error(op, "failed")
                                                                                            : 0;
}

typedef struct adjust_p { double brightness, contrast, saturation; } adjust_p;
static const op_key adjust_keys[] = {
    K(adjust_p, brightness, KEY_NUM, "0", -1, 1, "added, in units of full scale"),
    K(adjust_p, contrast, KEY_NUM, "1", 0, 10, "about mid-grey"),
    K(adjust_p, saturation, KEY_NUM, "1", 0, 10, "0: grey"),
    {NULL}};
static int adjust_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const adjust_p *p = op->params;
    return ovni_adjust(*f, (float)p->brightness, (float)p->contrast, (float)p->saturation) < 0
               ? ops_error(op, "failed")
               : 0;
}

typedef struct fade_p { double t; cli_color color; } fade_p;
static const op_key fade_keys[] = {
    K(fade_p, t, KEY_NUM, NULL, 0, 1, "0: the frame, 1: the colour (e.g. t='clip((n-270)/30,0,1)')"),
    K(fade_p, color, KEY_COLOR, "black", NONE, ""),
    {NULL}};
static int fade_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const fade_p *p = op->params;
    return ovni_fade(*f, p->color.rgba, (float)p->t) < 0 ? ops_error(op, "failed") : 0;
}

typedef struct fill_p { double x, y, width, height; cli_color color; } fill_p;
static const op_key fill_keys[] = {
    K(fill_p, x, KEY_NUM, "0", -POS, POS, "left edge"),
    K(fill_p, y, KEY_NUM, "0", -POS, POS, "top edge"),
    K(fill_p, width, KEY_NUM, NULL, 1e-6, POS, ""),
    K(fill_p, height, KEY_NUM, NULL, 1e-6, POS, ""),
    K(fill_p, color, KEY_COLOR, "black", NONE, "with alpha, e.g. black@0.5 or #00000080"),
    {NULL}};
static int fill_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const fill_p *p = op->params;
    return ovni_fill_rect(*f, (float)p->x, (float)p->y, (float)p->width, (float)p->height, p->color.rgba) < 0
               ? ops_error(op, "failed")
               : 0;
}

typedef struct blur_p { double sigma; } blur_p;
static const op_key blur_keys[] = {K(blur_p, sigma, KEY_NUM, NULL, 0, 170, "standard deviation in pixels"), {NULL}};
static int blur_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const blur_p *p = op->params;
    return ovni_gaussian_blur_into(*f, *f, (float)p->sigma) < 0 ? ops_error(op, "failed") : 0;
}

/* ---- chroma_key, round_corners (make RGBA32) ---- */
typedef struct ck_p { cli_color key; double transparency_t, opacity_t, spill; } ck_p;
static const op_key ck_keys[] = {
    K(ck_p, key, KEY_COLOR, "0x00FF00", NONE, "the screen's colour"),
    K(ck_p, transparency_t, KEY_NUM, "0.15", 0, 1, "distances up to this are transparent"),
    K(ck_p, opacity_t, KEY_NUM, "0.3", 0, 1, "distances from this are opaque"),
    K(ck_p, spill, KEY_NUM, "0", 0, 1, "pull the key's tint out of edges (0.5..1 for green screens)"),
    {NULL}};
static int chroma_key(ovni_frame *f, const ck_p *k, ovni_frame **out)
{
    return ovni_chroma_key(f, k->key.rgba, (float)k->transparency_t, (float)k->opacity_t, (float)k->spill, out);
}
static int ck_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    ovni_frame *o = NULL;
    return replace(op, f, chroma_key(*f, op->params, &o), &o);
}
/* The op's file source for this frame, chroma keyed when k has a key: a
 * new reference in *out (NULL on failure). */
static int keyed_source(const op_inst *op, const ck_p *k, ovni_frame **out)
{
    *out = NULL;
    if (!k->key.set) {
        *out = ovni_frame_ref(op->src.current);
        return 0;
    }
    return chroma_key(op->src.current, k, out);
}

/* Corner keys: radius for all four, or each one (-1: radius). */
typedef struct corner_p { double radius, radius_tl, radius_tr, radius_br, radius_bl, smoothing; } corner_p;
#define CORNER_KEYS(st, c, prefix)                                                                     \
    KF(st, "radius", c.radius, KEY_NUM, "0", 0, DIM, prefix "corner radius in pixels"),               \
    KF(st, "radius_tl", c.radius_tl, KEY_NUM, "-1", -1, DIM, "top-left (-1: radius)"),                \
    KF(st, "radius_tr", c.radius_tr, KEY_NUM, "-1", -1, DIM, "top-right"),                            \
    KF(st, "radius_br", c.radius_br, KEY_NUM, "-1", -1, DIM, "bottom-right"),                         \
    KF(st, "radius_bl", c.radius_bl, KEY_NUM, "-1", -1, DIM, "bottom-left"),                          \
    KF(st, "smoothing", c.smoothing, KEY_NUM, "2", 1, 100, "corner exponent: 2 a circle, 4..5 a squircle")

/* radii[] from the corner keys; NULL when all use radius */
static const float *corner_radii(const corner_p *c, float radii[4])
{
    const double each[4] = {c->radius_tl, c->radius_tr, c->radius_br, c->radius_bl};
    int any = 0;
    for (int i = 0; i < 4; i++) {
        radii[i] = (float)(each[i] < 0 ? c->radius : each[i]);
        any |= each[i] >= 0;
    }
    return any ? radii : NULL;
}

typedef struct rc_p { corner_p c; } rc_p;
static const op_key rc_keys[] = {CORNER_KEYS(rc_p, c, ""), {NULL}};
static int rc_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const rc_p *p = op->params;
    float radii[4];
    ovni_frame *o = NULL;
    return replace(op, f,
                   ovni_round_corners(*f, (float)p->c.radius, corner_radii(&p->c, radii), (float)p->c.smoothing, &o),
                   &o);
}

/* ---- make_shadow: a blurred rounded rectangle blended onto the frame ---- */
typedef struct shadow_p {
    double x, y;
    int width, height;
    double corner_radius, blur;
    cli_color color;
    double alpha, smoothing;
} shadow_p;
static const op_key shadow_keys[] = {
    K(shadow_p, x, KEY_NUM, "0", -POS, POS, "left edge of the shape (the blur spreads beyond it)"),
    K(shadow_p, y, KEY_NUM, "0", -POS, POS, "top edge"),
    K(shadow_p, width, KEY_INT, NULL, 1, DIM, "shape width"),
    K(shadow_p, height, KEY_INT, NULL, 1, DIM, "shape height"),
    K(shadow_p, corner_radius, KEY_NUM, "0", 0, DIM, ""),
    K(shadow_p, blur, KEY_NUM, "10", 0, 170, "gaussian sigma in pixels"),
    K(shadow_p, color, KEY_COLOR, "black", NONE, ""),
    K(shadow_p, alpha, KEY_NUM, "0.6", 0, 1, "opacity inside the shape"),
    K(shadow_p, smoothing, KEY_NUM, "2", 1, 100, "corner exponent"),
    {NULL}};
static int shadow_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const shadow_p *p = op->params;
    ovni_frame *s = NULL;
    int m = ovni_shadow_margin((float)p->blur);
    int ret = m < 0 ? m
                    : ovni_make_shadow((*f)->device, (*f)->memory, p->width, p->height, (float)p->corner_radius,
                                       (float)p->blur, p->color.rgba, (float)p->alpha, (float)p->smoothing, &s);
    if (ret == 0) ret = ovni_blend(*f, s, (float)p->x - m, (float)p->y - m, 1.0f);
    ovni_frame_unref(&s);
    return ret < 0 ? ops_error(op, "failed") : 0;
}

/* ---- ops with a file= source: overlay, blend, warp, crossfade ---- */
static int source_open(op_inst *op, const cli_env *env)
{
    const char *path = NULL;
    for (const op_key *k = op->def->keys; k->name; k++)
        if (k->type == KEY_FILE) memcpy(&path, (const char *)op->params + k->off, sizeof(path));
    return op_source_open(&op->src, env, path) < 0 ? ops_error(op, "file") : 0;
}

/* Keys shared by overlay and blend, after file, x, y, alpha. */
#define SOURCE_KEYS(st)                                                                                        \
    K(st, s, KEY_NUM, "1", 1e-4, 1e4, "scale the source first (w, h stay the file's size)"),                   \
    CORNER_KEYS(st, c, "round the source's corners: "),                                                        \
    KF(st, "key", k.key, KEY_COLOR, "", NONE, "chroma key the source on this colour (off when not given)"),    \
    KF(st, "transparency_t", k.transparency_t, KEY_NUM, "0.15", 0, 1, "chroma key: transparent up to this distance"), \
    KF(st, "opacity_t", k.opacity_t, KEY_NUM, "0.3", 0, 1, "chroma key: opaque from this distance"),           \
    KF(st, "spill", k.spill, KEY_NUM, "0", 0, 1, "chroma key: spill suppression")

typedef struct overlay_p {
    const char *file;
    double x, y, alpha, s;
    corner_p c;
    ck_p k;
} overlay_p;

/* The source of this frame, keyed, scaled and rounded as asked; *alpha_used
 * is set when the result carries alpha that must be blended. */
static int prepare_source(op_inst *op, const overlay_p *p, ovni_frame **out, int *alpha_used)
{
    ovni_frame *f = NULL, *o = NULL;
    int ret = keyed_source(op, &p->k, &f);
    *alpha_used = p->k.key.set;
    if (ret == 0 && p->s != 1) {
        int w = (int)ceil(f->width * p->s), h = (int)ceil(f->height * p->s);
        ret = ovni_scale_translate(f, (float)p->s, 0, 0, w > DIM ? (int)DIM : w, h > DIM ? (int)DIM : h, &o);
        ovni_frame_unref(&f);
        f = o;
    }
    float radii[4];
    const float *r = corner_radii(&p->c, radii);
    if (ret == 0 && (p->c.radius > 0 || r)) {
        ret = ovni_round_corners(f, (float)p->c.radius, r, (float)p->c.smoothing, &o);
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
    K(overlay_p, file, KEY_FILE, NULL, NONE, "an image, or a video read alongside and looped"),
    K(overlay_p, x, KEY_NUM, "0", -POS, POS, "the source's left edge in the frame"),
    K(overlay_p, y, KEY_NUM, "0", -POS, POS, "its top edge"),
    K(overlay_p, alpha, KEY_NUM, "1", 0, 1, "opacity of the whole source"),
    SOURCE_KEYS(overlay_p),
    {NULL}};
static int composite_apply(op_inst *op, ovni_frame **f, int blend)
{
    const overlay_p *p = op->params;
    ovni_frame *s = NULL;
    int alpha_used;
    if (prepare_source(op, p, &s, &alpha_used)) return 1;
    /* overlay ignores the source's alpha, unless keying or rounding made it */
    float x = (float)p->x, y = (float)p->y, a = (float)p->alpha;
    int ret = blend || alpha_used ? ovni_blend(*f, s, x, y, a) : ovni_overlay(*f, s, x, y, a);
    ovni_frame_unref(&s);
    return ret < 0 ? ops_error(op, "failed") : 0;
}
static int overlay_apply(op_inst *op, ovni_frame **f, int64_t n) { return composite_apply(op, f, 0); }
static int blend_apply(op_inst *op, ovni_frame **f, int64_t n) { return composite_apply(op, f, 1); }

typedef struct warp_p {
    const char *file;
    double x0, y0, x1, y1, x2, y2, x3, y3, opacity;
    ck_p k;
} warp_p;
static const op_key warp_keys[] = {
    K(warp_p, file, KEY_FILE, NULL, NONE, "an image, or a video read alongside and looped"),
    K(warp_p, x0, KEY_NUM, "0", -POS, POS, "where the source's top-left corner goes"),
    K(warp_p, y0, KEY_NUM, "0", -POS, POS, ""),
    K(warp_p, x1, KEY_NUM, "w", -POS, POS, "top-right corner"),
    K(warp_p, y1, KEY_NUM, "0", -POS, POS, ""),
    K(warp_p, x2, KEY_NUM, "w", -POS, POS, "bottom-right corner"),
    K(warp_p, y2, KEY_NUM, "h", -POS, POS, ""),
    K(warp_p, x3, KEY_NUM, "0", -POS, POS, "bottom-left corner"),
    K(warp_p, y3, KEY_NUM, "h", -POS, POS, ""),
    K(warp_p, opacity, KEY_NUM, "1", 0, 1, ""),
    KF(warp_p, "key", k.key, KEY_COLOR, "", NONE, "chroma key the source on this colour (off when not given)"),
    KF(warp_p, "transparency_t", k.transparency_t, KEY_NUM, "0.15", 0, 1, ""),
    KF(warp_p, "opacity_t", k.opacity_t, KEY_NUM, "0.3", 0, 1, ""),
    KF(warp_p, "spill", k.spill, KEY_NUM, "0", 0, 1, ""),
    {NULL}};
static int warp_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const warp_p *p = op->params;
    ovni_frame *s = NULL;
    int ret = keyed_source(op, &p->k, &s);
    const float c[8] = {(float)p->x0, (float)p->y0, (float)p->x1, (float)p->y1,
                        (float)p->x2, (float)p->y2, (float)p->x3, (float)p->y3};
    if (ret == 0) ret = ovni_warp(*f, s, c, (float)p->opacity);
    ovni_frame_unref(&s);
    return ret < 0 ? ops_error(op, "failed") : 0;
}

typedef struct crossfade_p { const char *file; double t; } crossfade_p;
static const op_key crossfade_keys[] = {
    K(crossfade_p, file, KEY_FILE, NULL, NONE, "the frame to fade to: an image or a looped video (resized to the frame)"),
    K(crossfade_p, t, KEY_NUM, NULL, 0, 1, "0: the frame, 1: the file"),
    {NULL}};
static int crossfade_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const crossfade_p *p = op->params;
    ovni_frame *b = NULL, *o = NULL;
    int ret = ovni_convert(op->src.current, (*f)->format, &b);
    if (ret == 0 && (b->width != (*f)->width || b->height != (*f)->height)) {
        ret = ovni_resize(b, (*f)->width, (*f)->height, &o);
        ovni_frame_unref(&b);
        b = o;
    }
    if (ret == 0) ret = ovni_crossfade_into(*f, *f, b, (float)p->t);
    ovni_frame_unref(&b);
    return ret < 0 ? ops_error(op, "failed") : 0;
}

/* ---- ass: captions ---- */
typedef struct ass_p { const char *file, *fonts_dir, *default_font; double offset; } ass_p;
static const op_key ass_keys[] = {
    K(ass_p, file, KEY_FILE, NULL, NONE, "an .ass or .ssa script"),
    K(ass_p, fonts_dir, KEY_STR, "", NONE, "extra directory of fonts"),
    K(ass_p, default_font, KEY_STR, "", NONE, "family used where a font is missing (default sans-serif)"),
    K(ass_p, offset, KEY_NUM, "0", -1e9, 1e9, "seconds added to t on the script's clock"),
    {NULL}};
static int ass_open(op_inst *op, const cli_env *env)
{
    const ass_p *p = op->params;
    ovni_ass_options o;
    memset(&o, 0, sizeof(o));
    o.fonts_dir = p->fonts_dir;
    o.default_font = p->default_font;
    if (ovni_ass_open_file((ovni_ass **)&op->state, p->file, env->width, env->height, &o) < 0)
        return ops_error(op, "file");
    return 0;
}
static int ass_apply(op_inst *op, ovni_frame **f, int64_t n)
{
    const ass_p *p = op->params;
    int64_t ms = llround((op->t + p->offset) * 1000.0);
    return ovni_ass_render(op->state, ms, *f) < 0 ? ops_error(op, "failed") : 0;
}
static void ass_close(op_inst *op) { ovni_ass_close((ovni_ass **)&op->state); }

/* ---- deinterlace: keeps the frame before, the op's own state ---- */
typedef struct deint_p { int parity; } deint_p;
static const op_key deint_keys[] = {
    K(deint_p, parity, KEY_ENUM, "auto", NONE, "auto|tff|bff"),
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
    const deint_p *p = op->params;
    return replace(op, f, ovni_deinterlace(prev, *f, NULL, parity[p->parity], 0, &o), &o);
}
static void deint_close(op_inst *op)
{
    deint_state *s = op->state;
    if (s) ovni_frame_unref(&s->prev), ovni_frame_unref(&s->last);
    free(s);
    op->state = NULL;
}

#define OP(name, help, keys, params, open, apply, close) \
    static const op_def op_##name = {#name, help, keys, open, apply, close, 0, sizeof(params)};
OP(format, "convert the frame to rgb24 or rgba32 (ops that make rgba32 say so)", format_keys, format_p, NULL, format_apply, NULL)
OP(crop, "cut the box [left, right) x [top, bottom) out, sub-pixel, as the new frame", crop_keys, crop_p, NULL, crop_apply, NULL)
OP(resize, "resample to width x height (filtered when shrinking)", resize_keys, resize_p, NULL, resize_apply, NULL)
OP(scale_translate, "zoom and pan: scale by s about the top-left corner, then move by (tx, ty)", st_keys, st_p, NULL,
   st_apply, NULL)
OP(scale, "scale_translate with only s", scale_keys, scale_p, NULL, scale_apply, NULL)
OP(translate, "scale_translate with only tx, ty", translate_keys, translate_p, NULL, translate_apply, NULL)
OP(rotate, "turn by degrees about (cx, cy), anti-aliased", rotate_keys, rotate_p, NULL, rotate_apply, NULL)
OP(flip, "mirror left-right and/or top-bottom", flip_keys, flip_p, NULL, flip_apply, NULL)
OP(fit, "letterbox: scale uniformly into width x height, pad the rest", fit_keys, fit_p, NULL, fit_apply, NULL)
OP(cover, "fill: scale uniformly to cover width x height, crop the centre", resize_keys, resize_p, NULL, cover_apply, NULL)
OP(vignette, "darken towards the corners", vignette_keys, vignette_p, NULL, vignette_apply, NULL)
OP(adjust, "brightness, contrast and saturation", adjust_keys, adjust_p, NULL, adjust_apply, NULL)
OP(fade, "mix the frame towards a colour by t", fade_keys, fade_p, NULL, fade_apply, NULL)
OP(fill_rect, "paint a rectangle (its colour's alpha blends it)", fill_keys, fill_p, NULL, fill_apply, NULL)
OP(gaussian_blur, "blur", blur_keys, blur_p, NULL, blur_apply, NULL)
OP(chroma_key, "make the key colour transparent: the frame becomes rgba32", ck_keys, ck_p, NULL, ck_apply, NULL)
OP(round_corners, "round the frame's corners: it becomes rgba32 (transparent outside)", rc_keys, rc_p, NULL, rc_apply,
   NULL)
OP(make_shadow, "draw a soft shadow of a rounded rectangle (blend it under what a later op draws)", shadow_keys, shadow_p,
   NULL, shadow_apply, NULL)
OP(overlay, "draw an image or video at (x, y); its own alpha is ignored unless key or radius is given",
   overlay_keys, overlay_p, source_open, overlay_apply, NULL)
OP(blend, "draw an rgba image or video at (x, y) with its alpha", overlay_keys, overlay_p, source_open, blend_apply, NULL)
OP(warp, "draw an image or video onto any quadrilateral (perspective), anti-aliased", warp_keys, warp_p, source_open,
   warp_apply, NULL)
OP(crossfade, "mix the frame with an image or video by t", crossfade_keys, crossfade_p, source_open, crossfade_apply, NULL)
OP(ass, "draw captions from an ASS/SSA script at t", ass_keys, ass_p, ass_open, ass_apply, ass_close)
static const op_def op_deinterlace = {
    .name = "deinterlace",
    .help = "make an interlaced video progressive (motion-adaptive, bwdif); first in the chain it runs on the "
            "decoded YUV",
    .keys = deint_keys, .open = deint_open, .apply = deint_apply, .close = deint_close, .decoded = 1,
    .params_size = sizeof(deint_p)};

/* The size of an op's output for a *w x *h input, from its parameters as
 * stored (the job's pre-flight stores frame 0's values first). Ops not
 * listed keep the size. */
void ops_output_size(const op_inst *op, int *w, int *h)
{
    const op_def *d = op->def;
    if (d == &op_crop) {
        const crop_p *p = op->params;
        *w = (int)floor(p->right - p->left + 0.5);
        *h = (int)floor(p->bottom - p->top + 0.5);
    } else if (d == &op_resize || d == &op_cover) {
        const resize_p *p = op->params;
        *w = p->width, *h = p->height;
    } else if (d == &op_fit) {
        const fit_p *p = op->params;
        *w = p->width, *h = p->height;
    } else if (d == &op_scale_translate) {
        const st_p *p = op->params;
        if (p->width > 0) *w = p->width;
        if (p->height > 0) *h = p->height;
    } else if (d == &op_rotate) {
        const rotate_p *p = op->params;
        if (p->expand) { /* ovni_rotate's bounding box */
            double a = p->degrees * 3.14159265358979323846 / 180, c = fabs(cos(a)), s = fabs(sin(a));
            int w2 = (int)ceil(*w * c + *h * s - 1e-3), h2 = (int)ceil(*w * s + *h * c - 1e-3);
            *w = w2 < 1 ? 1 : w2;
            *h = h2 < 1 ? 1 : h2;
        }
    }
}

const op_def *const cli_ops[] = {
    &op_format, &op_crop, &op_resize, &op_scale_translate, &op_scale, &op_translate, &op_rotate, &op_flip, &op_fit, &op_cover,
    &op_vignette, &op_adjust, &op_fade, &op_fill_rect, &op_gaussian_blur, &op_chroma_key,
    &op_round_corners, &op_make_shadow, &op_overlay, &op_blend, &op_warp, &op_crossfade, &op_ass,
    &op_deinterlace, NULL,
};
