/* Fuzz target: the frame ops (include/ovni/ops.h) on CPU frames, with
 * parameters taken from the bytes: any float (NaN, infinities, 1e30, raw
 * bit patterns), any size, format and pairing of frames (the same frame as
 * source and destination, frames of another size or format).
 *
 * Each frame is wrapped around its own allocation: rows of width * bpp bytes
 * and a guard of 7 bytes between them (checked after the op), and nothing
 * after the last row, so AddressSanitizer sees any write past the plane. A
 * view of the first frame from its second row on gives a destination that
 * overlaps a source without being the same frame.
 * An op may fail with a named error; it must never crash, hang, leak or
 * write outside its frames ("never write out of bounds", ops.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovni/ovni.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { GUARD = 7, GUARD_BYTE = 0xA5, MAX_SIDE = 40, NFRAMES = 3 };

typedef struct bytes {
    const uint8_t *p;
    size_t n;
} bytes;

static uint8_t take_u8(bytes *b)
{
    if (!b->n) return 0;
    b->n--;
    return *b->p++;
}

/* A float: half the time one of the values that break code, else the raw
 * bits of the next four bytes, or a small value in steps of 1/16. */
static float take_f(bytes *b)
{
    static const float special[] = {0.0f, 1.0f, -1.0f, 0.5f, 2.0f, 1e-4f, 1e4f, 16384.0f, 65536.0f, 1e6f,
                                    1e30f, -1e30f, 1e-30f, 170.0f, 100.0f, 360.0f, 90.0f, 0.999999f};
    const uint8_t sel = take_u8(b);
    if (sel < 20) return sel == 18 ? NAN : sel == 19 ? INFINITY : special[sel % 18];
    if (sel < 24) return -INFINITY;
    if (sel < 140) {
        uint32_t u = (uint32_t)take_u8(b) | (uint32_t)take_u8(b) << 8 | (uint32_t)take_u8(b) << 16 |
                     (uint32_t)take_u8(b) << 24;
        float f;
        memcpy(&f, &u, 4);
        return f;
    }
    return ((int)take_u8(b) - 128) / 16.0f + (sel & 1 ? 0.0f : (float)(take_u8(b) % MAX_SIDE));
}

static int take_side(bytes *b) { return 1 + take_u8(b) % MAX_SIDE; }

typedef struct guarded {
    uint8_t *buf;
    size_t len;
    int rows, row_bytes;
    size_t pitch;
} guarded;

static ovni_device *dev;
static guarded guards[NFRAMES];

static void release(void *opaque) { free(opaque); }

/* A host frame with guarded rows. Its pixels do not come from the input
 * (a 40x40 RGBA frame would take 6400 bytes before any parameter): one
 * byte picks random pixels from a seed, or all 0, all 255, or transparent. */
static ovni_frame *frame_make(bytes *b, int slot)
{
    static const ovni_format fmts[] = {OVNI_FORMAT_RGB24, OVNI_FORMAT_RGBA32, OVNI_FORMAT_GRAY8,
                                       OVNI_FORMAT_RGBA32, OVNI_FORMAT_RGB24, OVNI_FORMAT_NV12};
    const ovni_format fmt = fmts[take_u8(b) % 6];
    int w = take_side(b), h = take_side(b);
    const uint8_t fill = take_u8(b);
    if (fmt == OVNI_FORMAT_NV12) w += w & 1, h += h & 1;
    const int bpp = fmt == OVNI_FORMAT_RGBA32 ? 4 : fmt == OVNI_FORMAT_RGB24 ? 3 : 1;
    const int rows = fmt == OVNI_FORMAT_NV12 ? h + h / 2 : h;
    const size_t pitch = (size_t)w * bpp + GUARD, len = (size_t)(rows - 1) * pitch + (size_t)w * bpp;
    uint8_t *buf = malloc(len);
    if (!buf) return NULL;
    memset(buf, GUARD_BYTE, len);
    uint32_t x32 = 0x9E3779B9u * (fill + 1u);
    for (int y = 0; y < rows; y++)
        for (int x = 0; x < w * bpp; x++) {
            x32 ^= x32 << 13, x32 ^= x32 >> 17, x32 ^= x32 << 5;
            const uint8_t v = fill % 4 == 0 ? 0 : fill % 4 == 1 ? 255 : (uint8_t)(x32 >> 24);
            buf[y * pitch + x] = fill % 4 == 3 && bpp == 4 && x % 4 == 3 ? 0 : v;
        }
    uint8_t *planes[2] = {buf, fmt == OVNI_FORMAT_NV12 ? buf + (size_t)h * pitch : NULL};
    const size_t pitches[2] = {pitch, fmt == OVNI_FORMAT_NV12 ? pitch : 0};
    ovni_frame *f = NULL;
    if (ovni_frame_wrap(dev, fmt, w, h, OVNI_MEMORY_HOST, planes, pitches, release, buf, &f) < 0) {
        free(buf);
        return NULL;
    }
    guards[slot] = (guarded){buf, len, rows, w * bpp, pitch};
    return f;
}

/* A second view of f's pixels from its second row on (same pitch, so its
 * guards are f's): a destination that overlaps a source without being the
 * same frame. NULL for NV12 or a one-row frame. */
static ovni_frame *frame_view(const ovni_frame *f)
{
    if (f->format == OVNI_FORMAT_NV12 || f->height < 2) return NULL;
    uint8_t *planes[2] = {f->data[0] + f->pitch[0], NULL};
    const size_t pitches[2] = {f->pitch[0], 0};
    ovni_frame *v = NULL;
    if (ovni_frame_wrap(dev, f->format, f->width, f->height - 1, OVNI_MEMORY_HOST, planes, pitches, NULL, NULL, &v) < 0)
        return NULL;
    return v;
}

static void guards_check(int n)
{
    for (int s = 0; s < n; s++) {
        const guarded *g = &guards[s];
        if (!g->buf) continue;
        for (int y = 0; y + 1 < g->rows; y++)
            for (int k = 0; k < GUARD; k++)
                if (g->buf[(size_t)y * g->pitch + g->row_bytes + k] != GUARD_BYTE) {
                    fprintf(stderr, "fuzz_ops: guard byte %d after row %d of frame %d overwritten\n", k, y, s);
                    abort();
                }
    }
}

/* A crop box's extent: finite values beyond a few frames are folded back,
 * so a box cannot ask for a 16384x16384 output (seconds under ASan); NaN
 * and infinities pass, to reach the checks. */
static float extent(float v) { return isfinite(v) && fabsf(v) > 4 * MAX_SIDE ? fmodf(v, 4 * MAX_SIDE) : v; }

/* Runs one op chosen by the bytes on frames f[0..2] and view (a view into
 * f[0], or NULL). Every parameter is read into v[] and u[] first, in order,
 * so the same bytes give the same call under every compiler (the order of
 * evaluation of a call's arguments is unspecified in C). */
static void run_op(bytes *b, ovni_frame *const f[NFRAMES], ovni_frame *view)
{
    const uint8_t pick = take_u8(b), op = take_u8(b) % 43;
    uint8_t col[4], u[8];
    float v[12];
    for (int k = 0; k < 4; k++) col[k] = take_u8(b);
    for (int k = 0; k < 8; k++) u[k] = take_u8(b);
    for (int k = 0; k < 12; k++) v[k] = take_f(b);
    /* destination a, source s: s = a (in place) a quarter of the time, a
     * view overlapping a another quarter where there is one */
    ovni_frame *out = NULL, *a = f[0], *s = f[1], *c = f[2];
    if (pick % 4 == 0) s = f[0];
    if (pick % 4 == 1 && view) a = view;
    const float *r4 = u[7] & 1 ? NULL : v + 4;
    const int sa = 1 + u[0] % MAX_SIDE, sb = 1 + u[1] % MAX_SIDE;
    switch (op) {
    case 0: ovni_convert(a, (ovni_format)(u[0] % 7), &out); break;
    case 1: ovni_convert_into(a, s); break;
    case 2: ovni_overlay(a, s, v[0], v[1], v[2]); break;
    case 3: ovni_blend(a, s, v[0], v[1], v[2]); break;
    case 4: ovni_chroma_key(s, col, v[0], v[1], v[2], &out); break;
    case 5: ovni_chroma_key_into(a, s, col, v[0], v[1], v[2]); break;
    case 6: ovni_round_mask(dev, OVNI_MEMORY_HOST, (ovni_format)(u[2] % 7), sa, sb, v[0], r4, v[1], &out); break;
    case 7: ovni_round_mask_into(a, v[0], r4, v[1]); break;
    case 8: ovni_round_corners(s, v[0], r4, v[1], &out); break;
    case 9: ovni_round_corners_into(a, s, v[0], r4, v[1]); break;
    case 10: ovni_fill_rect(a, v[0], v[1], v[2], v[3], col); break;
    case 11: ovni_fade(a, col, v[0]); break;
    case 12: ovni_crossfade(a, s, v[0], &out); break;
    case 13: ovni_crossfade_into(c, a, s, v[0]); break;
    case 14: ovni_adjust(a, v[0], v[1], v[2]); break;
    case 15: ovni_gaussian_blur(s, v[0], &out); break;
    case 16: ovni_gaussian_blur_into(a, s, v[0]); break;
    case 17: ovni_make_shadow(dev, OVNI_MEMORY_HOST, sa, sb, v[0], fminf(fabsf(v[1]), 40.0f), col, v[2], v[3], &out);
        break;
    case 18: ovni_vignette(a, v[0], v[1], v[2]); break;
    case 19: ovni_crop(s, v[0], v[1], v[0] + extent(v[2]), v[1] + extent(v[3]), &out); break;
    case 20: ovni_crop_into(a, s, v[0], v[1], v[2], v[3]); break;
    case 21: ovni_resize(s, sa * (u[2] % 3 + 1), sb, &out); break;
    case 22: ovni_resize_into(a, s); break;
    case 23: ovni_scale_translate(s, v[0], v[1], v[2], u[2] % 64, u[3] % 64, &out); break;
    case 24: ovni_scale_translate_into(a, s, v[0], v[1], v[2]); break;
    case 25: ovni_scale(s, v[0], &out); break;
    case 26: ovni_translate(s, v[0], v[1], &out); break;
    case 27: ovni_rotate(s, v[0], v[1], v[2], u[2] & 1, u[3] & 1 ? col : NULL, &out); break;
    case 28: ovni_rotate_into(a, s, v[0], v[1], v[2], col); break;
    case 29: ovni_warp(a, s, v, v[8]); break;
    case 30: ovni_flip(s, u[2] & 1, u[3] & 1, &out); break;
    case 31: ovni_flip_into(a, s, u[2] & 1, u[3] & 1); break;
    case 32: ovni_fit(s, sa, sb, u[2] & 1 ? col : NULL, &out); break;
    case 33: ovni_fit_into(a, s, col); break;
    case 34: ovni_cover(s, sa, sb, &out); break;
    case 35: ovni_cover_into(a, s); break;
    case 36: ovni_round_corners_into(a, a, v[0], NULL, v[1]); break;
    case 37: ovni_chroma_key_into(a, a, col, v[0], v[1], v[2]); break;
    case 38: ovni_gaussian_blur_into(a, a, v[0]); break;
    case 39: ovni_gaussian_blur_into(a, f[0], v[0]); break; /* a may overlap f[0] */
    /* neighbours: none, another frame, or cur itself (so the op runs
     * whatever the frames); parity -2..1 and field 0..2 reach bad values */
    case 40: {
        const ovni_frame *const pick3[2][3] = {{NULL, s, a}, {NULL, c, a}};
        ovni_deinterlace(pick3[0][u[2] % 3], a, pick3[1][u[3] % 3], u[4] % 4 - 2, u[5] % 3, &out);
        break;
    }
    case 41: ovni_deinterlace_into(c, u[2] & 1 ? s : NULL, a, u[3] & 1 ? f[0] : NULL, u[4] % 4 - 2, u[5] % 3); break;
    default: {
        /* A quad near the frame, so the warp really draws (minified too). */
        float q[8];
        for (int k = 0; k < 8; k++) q[k] = (float)(u[k] % 64) - 8.0f + (float)col[k % 4] / 256.0f;
        ovni_warp(a, s, q, v[0]);
        break;
    }
    }
    ovni_frame_unref(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dev && ovni_device_open(&dev, "cpu") < 0) return 0; /* kept open: one device for the whole run */
    ovni_log_set_level(-1); /* errors are expected; only crashes count */
    bytes b = {data, size};
    ovni_frame *f[NFRAMES] = {NULL};
    memset(guards, 0, sizeof(guards));
    for (int k = 0; k < NFRAMES; k++) f[k] = frame_make(&b, k);
    if (f[0] && f[1] && f[2]) {
        ovni_frame *view = frame_view(f[0]);
        const int nops = 1 + take_u8(&b) % 4;
        for (int i = 0; i < nops; i++) run_op(&b, f, view);
        ovni_frame_unref(&view);
    }
    guards_check(NFRAMES);
    for (int k = 0; k < NFRAMES; k++) ovni_frame_unref(&f[k]);
    return 0;
}
