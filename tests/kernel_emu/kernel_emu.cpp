/* kernel_emu: ovni's CUDA kernels run on the host (cuda_emu.h), each
 * output compared byte for byte with the reference walk of the same math
 * header, on planes allocated to their last byte (ASan: no read or write
 * past them) at aligned and misaligned addresses and pitches. It checks the
 * kernels' walks (thread grids, word loads, fast paths and their edge
 * fallbacks) where CI has no GPU; the GPU's own arithmetic (fused
 * multiply-adds) is checkops' part on the GPU machine.
 * Covered: colour.cu (RGB -> NV12, YUV -> RGB, every siting), resize.cu
 * (map, GRAY8, scale-1 and wide kernels), flip.cu (flips and the eight
 * orientations, at every pixel size a plane has: GRAY8 .. P010's UV pairs)
 * and depth.cu (P010 -> NV12, luma and UV planes, both ranges). */
#include <vector>

#include "cuda_emu.h"

#include "../../src/ops/colour.cu"
#include "../../src/ops/resize.cu"
#include "../../src/ops/flip.cu"
#include "../../src/ops/depth.cu"

static int failures, checks;
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static unsigned rnd(void)
{
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
    return (unsigned)(rng_state >> 11);
}
static int rnd_int(int lo, int hi) { return lo + (int)(rnd() % (unsigned)(hi - lo + 1)); }
static double rnd_unit(void) { return (rnd() & 0xffffff) / 16777216.0; }

/* A plane of `rows` rows of `row_bytes`, allocated to its last byte; `skew`
 * (0..3) moves its start and pads its pitch off 8-byte alignment. */
struct plane {
    uint8_t *buf, *data;
    size_t pitch, size;
};

static plane plane_new(size_t row_bytes, int rows, int skew)
{
    plane p;
    p.pitch = (row_bytes + 7) / 8 * 8 + 8 * (size_t)rnd_int(0, 2) + (size_t)skew;
    p.size = (size_t)skew + p.pitch * (size_t)(rows - 1) + row_bytes;
    p.buf = new uint8_t[p.size];
    p.data = p.buf + skew;
    for (size_t i = 0; i < p.size; i++) p.buf[i] = (uint8_t)rnd();
    if (rnd() % 4 == 0) /* extremes: clipping and rounding edges */
        for (size_t i = 0; i < p.size; i++) p.buf[i] = (p.buf[i] & 1) ? 255 : 0;
    return p;
}

static plane plane_copy(const plane &a)
{
    plane p = a;
    p.buf = new uint8_t[a.size];
    memcpy(p.buf, a.buf, a.size);
    p.data = p.buf + (a.data - a.buf);
    return p;
}

static void plane_free(plane &p) { delete[] p.buf; }

static void compare(const char *what, const plane &ref, const plane &got, const char *desc)
{
    checks++;
    if (memcmp(ref.buf, got.buf, ref.size) == 0) return;
    size_t i = 0;
    while (ref.buf[i] == got.buf[i]) i++;
    fprintf(stderr, "kernel_emu: %s differs from the reference (%s) at byte %zu: %d vs %d\n", what, desc, i,
            ref.buf[i], got.buf[i]);
    failures++;
}

/* ---- colour.cu ---- */

/* Pattern 1-8 (0: random bytes): the filters' extremes. Each axis is +255
 * where its weight is positive (pairs of columns for centred siting, three
 * of four for co-sited; bit 0 picks which) for the blocks at even
 * positions, so the 2D sums reach their largest and smallest values, the
 * bounds of the GPU walk's packed R + 65536 B lanes; bit 1 inverts every
 * channel, bit 2 only B. */
static void nv12_extremes(plane &src, int w, int h, int bpp, int pattern)
{
    const int k = pattern - 1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const int px = k & 1 ? (x + 1) % 4 < 3 : (x / 2) % 2 == 0, py = k & 1 ? (y + 1) % 4 < 3 : (y / 2) % 2 == 0;
            const int on = (px == py) ^ ((k >> 1) & 1);
            uint8_t *q = src.data + (size_t)y * src.pitch + (size_t)x * bpp;
            q[0] = q[1] = on ? 255 : 0;
            q[2] = (on ^ ((k >> 2) & 1)) ? 255 : 0;
        }
}

static void rgb_to_nv12(int w, int h, int bpp, int loc, int skew, int pattern = 0)
{
    const int cw = (w + 1) / 2, ch = (h + 1) / 2;
    plane src = plane_new((size_t)w * bpp, h, skew);
    if (pattern) nv12_extremes(src, w, h, bpp, pattern);
    plane y = plane_new((size_t)w, h, skew ? rnd_int(0, 3) : 0), uv = plane_new(2 * (size_t)cw, ch, skew ? rnd_int(0, 3) : 0);
    plane y2 = plane_copy(y), uv2 = plane_copy(uv);
    colour_rgb_to_nv12 p = {src.data, src.pitch, bpp, w, h, y.data, uv.data, y.pitch, uv.pitch,
                            colour_coefs_make(rnd_int(0, 2), rnd_int(0, 1), 8), loc};
    for (int by = 0; by < ch; by++)
        for (int bx = 0; bx < cw; bx++) colour_rgb_to_nv12_block(&p, bx, by, COLOUR_LOC_HCENTRE(loc), COLOUR_LOC_VTOP(loc));
    p.y = y2.data, p.uv = uv2.data;
    const int strips = (ch + COLOUR_NV12_STRIP - 1) / COLOUR_NV12_STRIP;
    if (loc == 0) EMU_LAUNCH_2D(ovni_colour_rgb_to_nv12_left, cw, strips, p);
    if (loc == 1) EMU_LAUNCH_2D(ovni_colour_rgb_to_nv12_center, cw, strips, p);
    if (loc == 2) EMU_LAUNCH_2D(ovni_colour_rgb_to_nv12_topleft, cw, strips, p);
    if (loc == 3) EMU_LAUNCH_2D(ovni_colour_rgb_to_nv12_top, cw, strips, p);
    char desc[96];
    snprintf(desc, sizeof(desc), "%dx%d bpp %d siting %d skew %d", w, h, bpp, loc, skew);
    compare("rgb_to_nv12 Y", y, y2, desc);
    compare("rgb_to_nv12 UV", uv, uv2, desc);
    plane_free(src), plane_free(y), plane_free(uv), plane_free(y2), plane_free(uv2);
}

static void yuv_to_rgb(int w, int h, int wide, int bpp, int loc, int skew)
{
    const int cw = (w + 1) / 2, ch = (h + 1) / 2, s = wide ? 2 : 1;
    if (wide) skew &= 2; /* P010's 16-bit samples lie on 2-byte boundaries */
    plane y = plane_new((size_t)w * s, h, skew), uv = plane_new(2 * (size_t)cw * s, ch, skew);
    plane out = plane_new((size_t)w * bpp, h, skew ? rnd_int(0, 3) : 0), out2 = plane_copy(out);
    colour_yuv yuv = {y.data, uv.data, y.pitch, uv.pitch, w, h, wide, loc,
                      colour_coefs_make(rnd_int(0, 2), rnd_int(0, 1), wide ? 10 : 8)};
    for (int j = 0; j < h; j++)
        for (int i = 0; i < w; i++) colour_yuv_to_rgb_px(&yuv, i, j, ovni_px(out.data, out.pitch, i, j, bpp), bpp);
    const int gw = (w + 3) / 4;
    if (loc == 0) EMU_LAUNCH_2D(ovni_colour_yuv_to_rgb_left, gw, ch, yuv, out2.data, out2.pitch, bpp);
    if (loc == 1) EMU_LAUNCH_2D(ovni_colour_yuv_to_rgb_center, gw, ch, yuv, out2.data, out2.pitch, bpp);
    if (loc == 2) EMU_LAUNCH_2D(ovni_colour_yuv_to_rgb_topleft, gw, ch, yuv, out2.data, out2.pitch, bpp);
    if (loc == 3) EMU_LAUNCH_2D(ovni_colour_yuv_to_rgb_top, gw, ch, yuv, out2.data, out2.pitch, bpp);
    char desc[96];
    snprintf(desc, sizeof(desc), "%dx%d %s -> bpp %d siting %d skew %d", w, h, wide ? "P010" : "NV12", bpp, loc, skew);
    compare("yuv_to_rgb", out, out2, desc);
    plane_free(y), plane_free(uv), plane_free(out), plane_free(out2);
}

/* ---- resize.cu ---- */

static void resample(int sw, int sh, int dw, int dh, int bpp, double sx, double ox, double sy, double oy, int edge,
                     int skew, const char *kind)
{
    plane src = plane_new((size_t)sw * bpp, sh, skew), dst = plane_new((size_t)dw * bpp, dh, skew ? rnd_int(0, 3) : 0);
    plane dst2 = plane_copy(dst);
    resize_map m = {};
    m.src = {src.data, src.pitch, sw, sh, bpp};
    m.dst = dst.data, m.dst_pitch = dst.pitch, m.dst_w = dw, m.dst_h = dh;
    m.ax[0] = resize_axis_make(sx, ox, sw), m.ax[1] = resize_axis_make(sy, oy, sh);
    m.edge = edge;
    for (int k = 0; k < 3; k++) m.fill[k] = (float)rnd_int(0, 255);
    m.fill[3] = rnd_int(0, 1) ? 1.0f : 0.0f;
    m.wide = resize_map_wide(&m); /* the set-up of geometry.c's geometry_resample */
    resize_subpx s;
    const int subpx = resize_subpx_make(&m, &s);
    for (int y = 0; y < dh; y++)
        for (int x = 0; x < dw; x++)
            if (subpx) resize_subpx_px(&m, &s, x, y);
            else resize_px_sum(&m, x, y, m.wide);
    m.dst = dst2.data;
    if (subpx) {
        const int per = RESIZE_SUBPX_PX(bpp);
        EMU_LAUNCH_2D(ovni_resize_subpx, (dw + per - 1) / per, dh, m, s);
    } else if (m.wide) { /* slots in a zeroed plane, a few a row so that rows of slots are walked */
        const int px = dw * dh, cols = rnd_int(1, 4);
        std::vector<unsigned long long> slots((size_t)((px + cols - 1) / cols) * (cols * RESIZE_WIDE_SLOT / 8 + 1), 0);
        resize_wide_slots ws = {(uint8_t *)slots.data(), (size_t)cols * RESIZE_WIDE_SLOT + 8, cols};
        EMU_LAUNCH_2D(ovni_resize_wide_row, px, resize_wide_rows(&m), m, ws);
    } else if (bpp == 1) {
        EMU_LAUNCH_2D(ovni_resize_gray4, (dw + 3) / 4, dh, m);
    } else {
        EMU_LAUNCH_2D(ovni_resize_map, dw, dh, m);
    }
    char desc[128];
    snprintf(desc, sizeof(desc), "%s %dx%d -> %dx%d bpp %d edge %d skew %d", kind, sw, sh, dw, dh, bpp, edge, skew);
    compare(subpx ? "ovni_resize_subpx" : m.wide ? "ovni_resize_wide_row" : bpp == 1 ? "ovni_resize_gray4" : "ovni_resize_map",
            dst, dst2, desc);
    plane_free(src), plane_free(dst), plane_free(dst2);
}

/* A one-thread-per-pixel kernel against its reference walk: `px(&p, x, y)`
 * over w x h writes `ref` (p.dst points at it), then p.dst moves to a copy
 * of ref's initial bytes and `launch` runs the kernel there; the two must
 * be equal. Frees src and ref. */
template <class P, class Px, class Launch>
static void px_kernel_vs_walk(const char *kernel, const char *desc, plane &src, plane &ref, P &p, int w, int h, Px px,
                              Launch launch)
{
    plane got = plane_copy(ref);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) px(&p, x, y);
    p.dst = got.data;
    launch();
    compare(kernel, ref, got, desc);
    plane_free(src);
    plane_free(ref);
    plane_free(got);
}

/* ---- flip.cu ---- */

/* An output plane of orientation o of a sw x sh source of bpp-byte pixels. */
static void orient(int sw, int sh, int bpp, int o, int skew)
{
    int t, hz, vt;
    flip_orientation(o, &t, &hz, &vt);
    const int w = t ? sh : sw, h = t ? sw : sh;
    plane src = plane_new((size_t)sw * bpp, sh, skew), ref = plane_new((size_t)w * bpp, h, skew);
    flip_map f = {src.data, src.pitch, ref.data, ref.pitch, w, h, bpp, hz, vt, t};
    char desc[96];
    snprintf(desc, sizeof(desc), "%dx%d, %d bytes a pixel, orientation %d, skew %d", sw, sh, bpp, o, skew);
    px_kernel_vs_walk("ovni_flip", desc, src, ref, f, w, h, flip_px, [&] { EMU_LAUNCH_2D(ovni_flip, w, h, f); });
}

/* ---- depth.cu ---- */

/* One plane of P010 -> NV12: w x h pixels of `samples` words (1 luma, 2 UV);
 * skew 0 or 2 (P010 words sit on 2-byte boundaries). */
static void depth(int w, int h, int samples, int full, int skew)
{
    plane src = plane_new((size_t)w * samples * 2, h, skew), ref = plane_new((size_t)w * samples, h, skew);
    depth_plane p = {src.data, src.pitch, ref.data, ref.pitch, w, h, samples, full}; /* even pitches (plane_new) */
    char desc[96];
    snprintf(desc, sizeof(desc), "%dx%d, %d samples a pixel, full %d, skew %d", w, h, samples, full, skew);
    px_kernel_vs_walk("ovni_depth_p010_to_nv12", desc, src, ref, p, w, h, depth_px,
                      [&] { EMU_LAUNCH_2D(ovni_depth_p010_to_nv12, w, h, p); });
}

int main(void)
{
    static const int sizes[][2] = {{1, 1}, {2, 2}, {3, 5}, {17, 9}, {33, 17}, {34, 6}, {35, 7}, {64, 48},
                                   {131, 77}, {4097, 3}, {300, 41}, {1500, 10}};
    for (const auto &sz : sizes)
        for (int skew = 0; skew < 2; skew++)
            for (int loc = 0; loc < 4; loc++)
                for (int bpp = 3; bpp <= 4; bpp++) {
                    const int sk = skew ? rnd_int(1, 3) : 0;
                    rgb_to_nv12(sz[0], sz[1], bpp, loc, sk);
                    yuv_to_rgb(sz[0], sz[1], bpp == 4, rnd_int(3, 4), loc, sk);
                }
    for (int pattern = 1; pattern <= 8; pattern++)
        for (int loc = 0; loc < 4; loc++) rgb_to_nv12(40, 24, rnd_int(3, 4), loc, rnd_int(0, 3), pattern);
    for (int i = 0; i < 200; i++) {
        const int w = rnd_int(1, 200), h = rnd_int(1, 30), sk = rnd() % 3 ? 0 : rnd_int(1, 3);
        rgb_to_nv12(w, h, rnd_int(3, 4), rnd_int(0, 3), sk);
        yuv_to_rgb(w, h, rnd_int(0, 1), rnd_int(3, 4), rnd_int(0, 3), sk);
    }
    static const int bpps[3] = {1, 3, 4};
    for (int i = 0; i < 300; i++) {
        const int bpp = bpps[i % 3], sk = rnd() % 3 ? 0 : rnd_int(1, 3);
        const int sw = rnd_int(1, 240), sh = rnd_int(1, 50), dw = rnd_int(1, 120), dh = rnd_int(1, 40);
        switch (i / 3 % 4) {
        case 0: /* resize */
            resample(sw, sh, dw, dh, bpp, (double)sw / dw, 0, (double)sh / dh, 0, SAMPLE_EDGE_CLAMP, sk, "resize");
            break;
        case 1: { /* crop box onto another size */
            const double x0 = rnd_unit() * sw * 0.4, y0 = rnd_unit() * sh * 0.4;
            const double bw = 1 + rnd_unit() * sw * 0.6, bh = 1 + rnd_unit() * sh * 0.6;
            resample(sw, sh, dw, dh, bpp, bw / dw, x0, bh / dh, y0, SAMPLE_EDGE_CLAMP, sk, "crop_scaled");
            break;
        }
        case 2: { /* scale/translate, shrinking or enlarging */
            const double s = rnd() % 2 ? 0.2 + 0.75 * rnd_unit() : 1.05 + 2 * rnd_unit();
            const double tx = (rnd_unit() - 0.5) * sw, ty = (rnd_unit() - 0.5) * sh;
            resample(sw, sh, sw, sh, bpp, 1 / s, -tx / s, 1 / s, -ty / s, SAMPLE_EDGE_ZERO, sk, "scale_translate");
            break;
        }
        default: { /* scale 1 at a fractional offset: the subpixel kernel */
            const double ox = (rnd_unit() - 0.3) * sw * 0.3, oy = (rnd_unit() - 0.3) * sh * 0.3;
            resample(sw, sh, dw, dh, bpp, 1, ox, 1, oy, rnd_int(0, 1), sk, "crop_subpx");
            break;
        }
        }
    }
    static const int pixel_bytes[] = {1, 2, 3, 4, 8};
    for (int i = 0; i < 80; i++)
        orient(rnd_int(1, 70), rnd_int(1, 40), pixel_bytes[i % 5], 1 + i % 8, rnd() % 2 ? 0 : rnd_int(1, 3));
    for (int i = 0; i < 40; i++) depth(rnd_int(1, 140), rnd_int(1, 20), 1 + i % 2, i / 2 % 2, rnd() % 2 ? 0 : 2);
    /* the checkops timing shapes (resize_down, crop_scaled), cut to a few rows */
    resample(1920, 30, 640, 12, 1, 3.0, 0, 2.5, 0, SAMPLE_EDGE_CLAMP, 0, "resize_down");
    resample(1920, 30, 963, 11, 1, 1728.0 / 963, 96.25, 972.0 / 361, 1.5, SAMPLE_EDGE_CLAMP, 0, "crop_scaled");
    /* a footprint past RESIZE_WIDE_TAPS: the wide kernel */
    resample(600, 240, 2, 1, 4, 300, 0, 240, 0, SAMPLE_EDGE_CLAMP, 0, "wide");
    resample(600, 240, 1, 2, 1, 600, 0, 120, 0, SAMPLE_EDGE_CLAMP, 0, "wide");
    resample(1300, 700, 5, 3, 3, 260, 0, 233.4, 0, SAMPLE_EDGE_CLAMP, 1, "wide");
    resample(900, 800, 3, 3, 4, 320, -100, 310, -50, SAMPLE_EDGE_ZERO, 0, "wide, partly outside");
    resample(700, 700, 4, 4, 1, 500, -1500, 480, 0, SAMPLE_EDGE_ZERO, 2, "wide, some pixels wholly outside");
    printf("kernel_emu: %d comparisons, %d differ\n", checks, failures);
    return failures ? 1 : 0;
}
