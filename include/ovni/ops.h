/* ovni: operations on frames.
 *
 * Conventions shared by every op:
 * - An op runs where its frames are: all on the GPU (CUDA kernel, queued on
 *   the device's stream, asynchronous) or all on the host (C loop, threaded
 *   over rows, finished on return). Frames in different memories, or on
 *   different devices (host frames too), are refused with OVNI_EINVAL.
 * - Ops that move pixels (crop, resize, scale/translate, rotate, flip,
 *   fit/cover, overlay, blend, warp, deinterlace) refuse a destination that shares bytes
 *   with the source (OVNI_EINVAL): an output pixel would read source pixels
 *   already overwritten. Pointwise ops (colour, chroma key, crossfade,
 *   adjust, fade, vignette) and gaussian_blur (through a pooled copy) may
 *   work in place.
 * - Functions named *_into write into a frame the caller gives; the others
 *   return a new frame from the source's device pool in *out (the caller owns
 *   that reference).
 * - Coordinates and sizes are floats in pixels; sampling is bilinear, so
 *   sub-pixel motion is smooth. Pixel (x, y) covers [x, x+1) x [y, y+1): its
 *   centre is at (x + 0.5, y + 0.5).
 * - Bad parameters (NaN, sizes <= 0, formats an op does not take) return
 *   OVNI_EINVAL with a message naming the parameter and its range; nothing is
 *   ever written out of bounds.
 * - Each op's per-pixel math is written once (src/ops/<op>.h) and shared by
 *   the CPU loop and the CUDA kernel, so both give the same result (at most
 *   +-1 per channel where floating-point contraction differs). */
#ifndef OVNI_OPS_H
#define OVNI_OPS_H

#include "export.h"
#include "frame.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- colour conversion (src/ops/colour.*) -------------------------------
 * NV12 -> RGB24, NV12 -> RGBA32, P010 -> RGB24, P010 -> RGBA32,
 * RGB24/RGBA32 -> NV12, RGB24 <-> RGBA32, same format (copy).
 * YUV input is read with its own matrix and range; RGB output is full range
 * and tagged with the source's matrix. YUV output uses dst's matrix and range
 * (ovni_convert: the source's tags). Chroma is upsampled bilinearly from
 * MPEG-2 siting (co-sited horizontally, centred vertically) and downsampled
 * by averaging each 2x2 block. RGBA output gets alpha 255; RGBA -> RGB and
 * -> NV12 drop alpha.
 * P010 -> NV12 reduces 10 bits to 8 as libswscale does for yuv420p10 ->
 * yuv420p (a 2x2 ordered dither; the same bytes as `ffmpeg -pix_fmt
 * yuv420p`; docs/ops.md, "Depth"); the codes keep their meaning, so dst
 * takes src's matrix, range, siting and field order. */
OVNI_API int ovni_convert(const ovni_frame *src, ovni_format format, ovni_frame **out);
OVNI_API int ovni_convert_into(ovni_frame *dst, const ovni_frame *src);

/* ---- compositing: overlay and blend (src/ops/overlay.*) ------------------
 * Both draw src onto dst in place, src's top-left corner at (x, y) in dst
 * pixels: any finite values; a source partly or wholly off dst is clipped.
 * Fractional x, y resample src bilinearly, and src's edges cover dst pixels
 * fractionally, so a sub-pixel move is smooth; whole-pixel positions copy
 * pixels exactly. dst: RGB24 or RGBA32, not the same frame as src.
 * alpha: opacity of the whole source, 0..1 (default 1).
 * "Over" with straight alpha, a_s the source's alpha at the pixel:
 *   onto RGB24:  c = c_s a_s + c_d (1 - a_s)
 *   onto RGBA32: a = a_s + a_d (1 - a_s), c = (c_s a_s + c_d a_d (1 - a_s)) / a
 * ovni_overlay: src RGB24 or RGBA32, its own alpha ignored (a_s = alpha x
 *   coverage): onto RGB24 at alpha 1 it is a copy into the region.
 * ovni_blend: src RGBA32, a_s = its alpha x alpha x coverage; colours are
 *   interpolated premultiplied, so transparent pixels' colours never bleed. */
OVNI_API int ovni_overlay(ovni_frame *dst, const ovni_frame *src, float x, float y, float alpha);
OVNI_API int ovni_blend(ovni_frame *dst, const ovni_frame *src, float x, float y, float alpha);

/* ---- chroma key (src/ops/chromakey.*) ------------------------------------
 * src RGB24 or RGBA32 -> RGBA32 (same size; _into may key an RGBA32 frame in
 * place). d = Euclidean distance to `key` in RGB with channels in 0..1,
 * divided by sqrt(3), so 0..1. Alpha is 0 for d <= transparency_t, 255 for
 * d >= opacity_t, linear in between (times the source's own alpha for
 * RGBA32). transparency_t, opacity_t: 0..1 with transparency_t <= opacity_t
 * (defaults 0.15 and 0.3 for a key sampled from the screen).
 * spill: 0..1 (default 0 = off; 0.5..1 for green screens): the key's
 * dominant channel is pulled toward the larger other channel by spill x
 * (1 - d) of its excess, removing the key's tint from edges and reflections.
 * Spill scales with the key's lead over its next channel: full from 32
 * levels, none for a key with no single largest channel (grey, cyan). */
OVNI_API int ovni_chroma_key(const ovni_frame *src, const uint8_t key[3], float transparency_t,
                             float opacity_t, float spill, ovni_frame **out);
OVNI_API int ovni_chroma_key_into(ovni_frame *dst, const ovni_frame *src, const uint8_t key[3],
                                  float transparency_t, float opacity_t, float spill);

/* ---- rounded corners (src/ops/rounded.*) ---------------------------------
 * Corner radii in pixels: radii[4] = top-left, top-right, bottom-right,
 * bottom-left, or radii NULL for `radius` on all four; each 0..16384,
 * clamped to half the frame's shorter side. smoothing: the superellipse
 * exponent n of |u|^n + |v|^n = 1 in each corner, 1..100 (default 2 = a
 * circle; 4..5 look like the iOS squircle). The curved edge is anti-aliased
 * with analytic coverage (a ramp about one pixel wide).
 * ovni_round_mask: a GRAY8 mask (coverage 0..255) or an RGBA32 one (white,
 *   coverage as alpha) of width x height in dev's `memory`.
 * ovni_round_corners: src RGB24 or RGBA32 -> RGBA32 with alpha = source
 *   alpha (255 for RGB24) x coverage; _into may work in place on RGBA32. */
OVNI_API int ovni_round_mask(ovni_device *dev, ovni_memory memory, ovni_format format, int width, int height,
                             float radius, const float radii[4], float smoothing, ovni_frame **out);
OVNI_API int ovni_round_mask_into(ovni_frame *dst, float radius, const float radii[4], float smoothing);
OVNI_API int ovni_round_corners(const ovni_frame *src, float radius, const float radii[4], float smoothing,
                                ovni_frame **out);
OVNI_API int ovni_round_corners_into(ovni_frame *dst, const ovni_frame *src, float radius,
                                     const float radii[4], float smoothing);

/* ---- fill, fade and flatten (src/ops/fill.*) ------------------------------
 * fill_rect and fade: in place on RGB24 or RGBA32 frames.
 * ovni_fill_rect: paints rgba (straight alpha, rgba[3] = opacity) "over" the
 *   rectangle [x, x + width) x [y, y + height): x, y finite, width and
 *   height > 0; partly or wholly off the frame is clipped. Pixels partly
 *   inside are covered by the overlapping fraction, so fractional edges are
 *   smooth; an integer box with alpha 255 sets exactly its pixels.
 * ovni_fade: c + (rgb - c) t on R, G, B (alpha kept); t 0..1: 0 leaves the
 *   frame, 1 gives the colour (fade out: t rising; fade in: t falling). */
OVNI_API int ovni_fill_rect(ovni_frame *frame, float x, float y, float width, float height,
                            const uint8_t rgba[4]);
OVNI_API int ovni_fade(ovni_frame *frame, const uint8_t rgb[3], float t);

/* ovni_flatten_into: src RGBA32 composited over the opaque colour rgb into
 *   dst RGB24 (another frame): c = (c_s a + rgb (255 - a) + 127) / 255 per
 *   channel, a the source's alpha (0..255), in integers. dst may be of any
 *   size: where it is larger, its extra columns and rows repeat src's last
 *   one; where smaller, src is cropped (the writer flattens alpha and pads
 *   odd sizes to even in this one pass). */
OVNI_API int ovni_flatten_into(ovni_frame *dst, const ovni_frame *src, const uint8_t rgb[3]);

/* ---- mixing and colour adjustment (src/ops/mix.*) ------------------------
 * ovni_crossfade: a + (b - a) t on every byte (alpha too); a, b (and dst)
 *   of one format (RGB24, RGBA32 or GRAY8) and size; t 0..1 (0 = a, 1 = b).
 *   dst may be a or b.
 * ovni_adjust: in place on RGB24/RGBA32 (alpha kept), on R, G, B in 0..255
 *   with L = 0.2126 R + 0.7152 G + 0.0722 B (BT.709 luma):
 *     saturation 0..10 (default 1; 0 = grey):  c = L + (c - L) saturation
 *     contrast 0..10 (default 1; 0 = mid-grey): c = 127.5 + (c - 127.5) contrast
 *     brightness -1..1 (default 0):             c = c + 255 brightness
 *   applied in that order, then rounded and clamped to 0..255. */
OVNI_API int ovni_crossfade(const ovni_frame *a, const ovni_frame *b, float t, ovni_frame **out);
OVNI_API int ovni_crossfade_into(ovni_frame *dst, const ovni_frame *a, const ovni_frame *b, float t);
OVNI_API int ovni_adjust(ovni_frame *frame, float brightness, float contrast, float saturation);

/* ---- gaussian blur (src/ops/blur.*) -------------------------------------
 * RGB24, RGBA32 or GRAY8 (masks) -> the same format and size. sigma: the
 * Gaussian's standard deviation in pixels, 0..170 (below 0.1 the blur is the
 * identity, a copy). Below sigma 6: separable, a vertical then a horizontal
 * pass of the sampled Gaussian, radius ceil(3 sigma), taps normalised to sum
 * 1 (a constant image stays exactly constant), cost per pixel proportional
 * to the radius; between the passes the values keep 8 fractional bits. From
 * sigma 6: constant time per pixel (shrink by a power of two, the exact blur
 * of the small frame, bilinear enlarge; variances matched so the total is
 * sigma^2), within 3 levels of the exact blur (docs/ops.md). Borders clamp
 * to the edge (the outermost pixels repeat), so edges do not darken.
 * RGBA32 is blurred premultiplied (colour x alpha) and divided back, so
 * transparent pixels do not bleed their colour (often black) into opaque
 * ones; where the blurred alpha is 0 the colour is 0.
 * _into: dst may be src (in place). Scratch frames come from the pool. */
OVNI_API int ovni_gaussian_blur(const ovni_frame *src, float sigma, ovni_frame **out);
OVNI_API int ovni_gaussian_blur_into(ovni_frame *dst, const ovni_frame *src, float sigma);

/* ---- drop shadow (src/ops/shadow.*) --------------------------------------
 * An RGBA32 frame in dev's `memory`: colour rgb, alpha = alpha x 255 inside
 * a width x height rounded rectangle (corner_radius 0..16384 pixels, clamped
 * to half the shorter side; smoothing: superellipse exponent 1..100, 2 = a
 * circle, 4..5 a squircle; anti-aliased edge), blurred with
 * ovni_gaussian_blur's sigma = blur (0..170). The output is enlarged by the
 * blur's reach on every side: (width + 2 m) x (height + 2 m) with
 * m = ovni_shadow_margin(blur) = ceil(3 blur) (0 for blur < 0.1), and the
 * shape sits at (m, m); to put a shadow under an object at (x, y) offset by
 * (dx, dy), blend it at (x + dx - m, y + dy - m). alpha: 0..1.
 * ovni_shadow_margin returns m, or OVNI_EINVAL for a bad blur. */
OVNI_API int ovni_make_shadow(ovni_device *dev, ovni_memory memory, int width, int height, float corner_radius,
                              float blur, const uint8_t rgb[3], float alpha, float smoothing, ovni_frame **out);
OVNI_API int ovni_shadow_margin(float blur);

/* ---- vignette (src/ops/vignette.*) ---------------------------------------
 * In place on RGB24 or RGBA32 (alpha kept). With d the distance of a pixel's
 * centre from the frame's centre over half the diagonal (0 at the centre, 1
 * in the corners):
 *   t = clamp((d - radius) / softness, 0, 1),  s = t^2 (3 - 2t)  (smoothstep)
 *   R, G, B *= 1 - strength s
 * strength 0..1 (default 0.5; 0: unchanged, 1: black where s = 1);
 * radius 0..2 (default 0.5): pixels with d <= radius are untouched;
 * softness 0..2 (default 0.5): width of the falloff in d; 0 is a hard edge.
 * Values are gamma-encoded bytes, scaled as they are. */
OVNI_API int ovni_vignette(ovni_frame *frame, float strength, float radius, float softness);

/* ---- frame-rate conversion schedule (src/ops/fps.c) ----------------------
 * Pure functions, no frames: which source frame each output frame shows when
 * a src_rate stream is played at dst_rate (rates in frames per second as
 * num/den, e.g. {30000, 1001}; both > 0). Output n sits at time n / dst_rate
 * and shows the source frame nearest in time, k = round(n src_rate /
 * dst_rate), ties going to the earlier frame (so a frame is never shown a
 * half source interval or more before its time). Output 0 shows source 0.
 * Exact integer arithmetic: no drift at any n, e.g. 10^12.
 * ovni_fps_source_index: k for output out_index >= 0 (non-decreasing in n).
 * ovni_fps_repeat: how many outputs show source frame src_index (0 = it is
 *   dropped, 1, or 2+ = repeated): a reader/writer loop writes each frame it
 *   reads that many times.
 * ovni_fps_output_count: outputs that show one of the first src_count source
 *   frames = the sum of their repeats; output n < count shows a frame
 *   < src_count and output count does not. Its duration differs from the
 *   source's by less than half a source frame or one output frame.
 * All return a negative OVNI_E* code (OVNI_EINVAL naming the parameter) for a
 * rate <= 0, a negative index or count, or a result beyond 64 bits. */
OVNI_API int64_t ovni_fps_source_index(ovni_rational src_rate, ovni_rational dst_rate, int64_t out_index);
OVNI_API int64_t ovni_fps_repeat(ovni_rational src_rate, ovni_rational dst_rate, int64_t src_index);
OVNI_API int64_t ovni_fps_output_count(ovni_rational src_rate, ovni_rational dst_rate, int64_t src_count);

/* ---- geometry (src/ops/sample.h, crop, resize, transform, rotate, warp,
 * flip, fit) --------------------------------------------------------------
 * Formats: RGB24, RGBA32 and GRAY8 (warp: RGB24/RGBA32); dst and src of the
 * same format except for warp. Sampling is bilinear at pixel centres;
 * shrinking (a footprint wider than one source pixel) averages the source
 * area each output pixel covers, weighting border pixels by their exact
 * overlap, so downscales by any factor do not alias; at exactly one pixel
 * per pixel both filters agree, so scale animations do not jump. RGBA is
 * interpolated premultiplied (transparent pixels' colours never bleed).
 * Where an output pixel lies partly outside the mapped source, the source is
 * weighted by the pixel's coverage and composited over the fill colour
 * (RGB/GRAY8: blended with it; RGBA: "over" it, transparent by default):
 * anti-aliased edges, no dark fringe. Colour parameters `fill`/`pad` are
 * straight RGBA (GRAY8 uses [0]); NULL means 0,0,0,0: black on RGB and
 * GRAY8, transparent on RGBA.
 *
 * ovni_crop: the box [left, right) x [top, bottom) of src (float pixels;
 *   finite, |v| <= 65536, right > left, bottom > top; may extend beyond the
 *   frame, where the border pixels repeat) becomes a new frame of
 *   round(right - left) x round(bottom - top) pixels (each 1..16384). The
 *   box is mapped exactly onto the output, so a fractional-size box is
 *   resampled by a scale within half a pixel of 1. A whole-pixel box is an
 *   exact copy. ovni_crop_into maps the box onto dst's size (crop and resize
 *   in one pass, e.g. for zoom/pan).
 * ovni_resize: to width x height (1..16384); _into: to dst's size.
 * ovni_scale_translate: scale about the origin (top-left corner) by s
 *   (1e-4..1e4), then translate by (tx, ty) (|t| <= 1e6 pixels):
 *   out(x, y) = src((x - tx) / s, (y - ty) / s). Outside the scaled source:
 *   black (RGB, GRAY8) or transparent (RGBA). width, height: output size,
 *   0 = the source's (0..16384); a smaller size crops. Whole-pixel
 *   translations at s = 1 are exact copies. _into: dst's size.
 * ovni_scale / ovni_translate: the same with tx = ty = 0 / s = 1, output the
 *   source's size.
 * ovni_rotate: by `degrees` (finite, |d| <= 1e6; positive = counter-
 *   clockwise on screen) about the source point (cx, cy) (|c| <= 1e6; e.g.
 *   the centre w/2, h/2). Multiples of 90 are exact pixel permutations when
 *   cx + cy and cx - cy are whole numbers (the centre of a frame whose w + h
 *   is even) and always with expand; otherwise the turned pixel grid truly
 *   lies half a pixel off the output's and is interpolated. With
 *   expand = 0 the output has the source's size; with expand != 0 it is the
 *   turned frame's bounding box (rounded up) and the picture is centred in it
 *   (cx, cy do not matter then). Uncovered corners get `fill`.
 *   _into: the source is centred on dst (any size), then turned about
 *   (cx, cy) (in source coordinates).
 * ovni_warp: places src on the quadrilateral `corners` of dst, in place:
 *   corners = {x0, y0, x1, y1, x2, y2, x3, y3} in dst pixels (|v| <= 1e6)
 *   receive src's top-left, top-right, bottom-right and bottom-left corners
 *   (outer edges, not pixel centres). The quad must be convex (either
 *   winding; the other winding mirrors). Perspective-correct (homography in
 *   double on the host), anti-aliased edges; src is composited "over" dst
 *   with its alpha (RGBA) x coverage x opacity (0..1). Parts off dst are
 *   clipped. src and dst: RGB24 or RGBA32 in any combination. A source
 *   with more than 2 pixels per quad pixel (on the quad's longer edge) along
 *   an axis is first halved (area filter, pooled frame) until it has at most
 *   2, so strong minification does not alias.
 * ovni_flip: mirror left-right (horizontal != 0) and/or top-bottom
 *   (vertical != 0). _into: dst must be another frame of the same size.
 * ovni_orient: turns and/or mirrors src by one of the eight EXIF
 *   orientations (ovni_orientation, 1..8: frame.h), as a viewer shows it
 *   upright: 6 turns 90 degrees clockwise, 8 counter-clockwise, 3 by 180;
 *   5..8 swap width and height. Exact: every output pixel is one source
 *   pixel. Formats: RGB24, RGBA32, GRAY8, NV12 and P010 (each plane turned
 *   as a whole; interleaved UV pairs move together). The output's chroma
 *   siting has its axes swapped by a transpose (left <-> top), and a
 *   top-bottom mirror of an even-height interlaced frame swaps its field
 *   order. _into: dst of the turned size, sharing no pixels with src.
 * ovni_fit: letterbox: scale src uniformly to fit width x height
 *   (1..16384), rounded to whole pixels and centred (offsets rounded down),
 *   the rest filled with `pad`.
 * ovni_cover ("fill"): scale src uniformly to cover width x height, then
 *   crop the centre. */
OVNI_API int ovni_crop(const ovni_frame *src, float left, float top, float right, float bottom, ovni_frame **out);
OVNI_API int ovni_crop_into(ovni_frame *dst, const ovni_frame *src, float left, float top, float right,
                            float bottom);
OVNI_API int ovni_resize(const ovni_frame *src, int width, int height, ovni_frame **out);
OVNI_API int ovni_resize_into(ovni_frame *dst, const ovni_frame *src);
OVNI_API int ovni_scale_translate(const ovni_frame *src, float s, float tx, float ty, int width, int height,
                                  ovni_frame **out);
OVNI_API int ovni_scale_translate_into(ovni_frame *dst, const ovni_frame *src, float s, float tx, float ty);
OVNI_API int ovni_scale(const ovni_frame *src, float s, ovni_frame **out);
OVNI_API int ovni_translate(const ovni_frame *src, float tx, float ty, ovni_frame **out);
OVNI_API int ovni_rotate(const ovni_frame *src, float degrees, float cx, float cy, int expand,
                         const uint8_t fill[4], ovni_frame **out);
OVNI_API int ovni_rotate_into(ovni_frame *dst, const ovni_frame *src, float degrees, float cx, float cy,
                              const uint8_t fill[4]);
OVNI_API int ovni_warp(ovni_frame *dst, const ovni_frame *src, const float corners[8], float opacity);
OVNI_API int ovni_flip(const ovni_frame *src, int horizontal, int vertical, ovni_frame **out);
OVNI_API int ovni_flip_into(ovni_frame *dst, const ovni_frame *src, int horizontal, int vertical);
OVNI_API int ovni_orient(const ovni_frame *src, int orientation, ovni_frame **out);
OVNI_API int ovni_orient_into(ovni_frame *dst, const ovni_frame *src, int orientation);
OVNI_API int ovni_fit(const ovni_frame *src, int width, int height, const uint8_t pad[4], ovni_frame **out);
OVNI_API int ovni_fit_into(ovni_frame *dst, const ovni_frame *src, const uint8_t pad[4]);
OVNI_API int ovni_cover(const ovni_frame *src, int width, int height, ovni_frame **out);
OVNI_API int ovni_cover_into(ovni_frame *dst, const ovni_frame *src);

/* ---- deinterlacing (src/ops/deinterlace.*) -------------------------------
 * Motion-adaptive, as FFmpeg's bwdif (yadif's motion check around the BBC's
 * Weston 3-field filter), in integer arithmetic: the same bits on the CPU,
 * the GPU, and FFmpeg's bwdif on the same planes (docs/ops.md).
 * cur is an interlaced frame (two fields woven); the output is progressive,
 * of cur's format and size: cur's rows of the field shown are copied, the
 * other field's rows are rebuilt from cur's field (spatially) and from prev
 * and next (temporally), the temporal part limited by the local motion, so
 * still areas keep their full vertical detail and moving ones do not comb.
 * Formats: NV12, P010, RGB24, RGBA32, GRAY8 (every byte, alpha too, is
 * filtered by itself down its column). prev and next: the frames before and
 * after cur (same format, size and memory), or NULL at the ends of a video:
 * a missing next is taken as cur; with no prev (first field; no next for the
 * second field) the rebuilt rows are a spatial cubic of cur's field alone,
 * as bwdif does on a video's first frame.
 * parity: OVNI_DEINTERLACE_TFF (top field first: the top field, even rows,
 *   is the earlier one), _BFF, or _AUTO (cur's field_order: bottom first
 *   for BB (and TB), else top field first, as bwdif does for a frame not
 *   flagged interlaced). The output is tagged OVNI_FIELD_PROGRESSIVE.
 * field: 0 = the first field's instant (one output per frame, bwdif's
 *   send_frame); 1 = the second field's: call with 0 then 1 for
 *   double-rate output (bwdif's send_field).
 * _into: dst of cur's format and size, sharing no pixels with prev, cur or
 * next. */
#define OVNI_DEINTERLACE_AUTO (-1)
#define OVNI_DEINTERLACE_TFF 0
#define OVNI_DEINTERLACE_BFF 1
OVNI_API int ovni_deinterlace(const ovni_frame *prev, const ovni_frame *cur, const ovni_frame *next, int parity,
                              int field, ovni_frame **out);
OVNI_API int ovni_deinterlace_into(ovni_frame *dst, const ovni_frame *prev, const ovni_frame *cur,
                                   const ovni_frame *next, int parity, int field);

#ifdef __cplusplus
}
#endif
#endif
