/* Fuzz target: the frame ops (include/ovni/ops.h) on CPU frames, with
 * parameters taken from the bytes: any float (NaN, infinities, 1e30, raw
 * bit patterns), any size, format and pairing of frames (the same frame as
 * source and destination, frames of another size or format).
 *
 * Each frame is wrapped around its own allocation: rows of width * bpp bytes
 * and a guard of 7 bytes between them (checked after the op), and nothing
 * after the last row, so AddressSanitizer sees any write past the plane.
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

/* A host frame with guarded rows; its pixels come from the bytes (or a
 * pattern once they run out). */
static ovni_frame *frame_make(bytes *b, int slot)
{
    static const ovni_format fmts[] = {OVNI_FORMAT_RGB24, OVNI_FORMAT_RGBA32, OVNI_FORMAT_GRAY8,
                                       OVNI_FORMAT_RGBA32, OVNI_FORMAT_RGB24, OVNI_FORMAT_NV12};
    const ovni_format fmt = fmts[take_u8(b) % 6];
    int w = take_side(b), h = take_side(b);
    if (fmt == OVNI_FORMAT_NV12) w += w & 1, h += h & 1;
    const int bpp = fmt == OVNI_FORMAT_RGBA32 ? 4 : fmt == OVNI_FORMAT_RGB24 ? 3 : 1;
    const int rows = fmt == OVNI_FORMAT_NV12 ? h + h / 2 : h;
    const size_t pitch = (size_t)w * bpp + GUARD, len = (size_t)(rows - 1) * pitch + (size_t)w * bpp;
    uint8_t *buf = malloc(len);
    if (!buf) return NULL;
    memset(buf, GUARD_BYTE, len);
    for (int y = 0; y < rows; y++)
        for (int x = 0; x < w * bpp; x++) buf[y * pitch + x] = b->n ? take_u8(b) : (uint8_t)(x * 7 + y * 13);
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

static void colour(bytes *b, uint8_t c[4])
{
    for (int k = 0; k < 4; k++) c[k] = take_u8(b);
}

/* Runs one op chosen by the bytes on frames f[0..2]. */
static void run_op(bytes *b, ovni_frame *const f[NFRAMES])
{
    ovni_frame *out = NULL, *a = f[0], *s = f[take_u8(b) % 4 == 0 ? 0 : 1], *c = f[2];
    uint8_t col[4];
    float q[8], r4[4];
    colour(b, col);
    const int op = take_u8(b) % 40;
    switch (op) {
    case 0: ovni_convert(a, (ovni_format)(take_u8(b) % 7), &out); break;
    case 1: ovni_convert_into(a, s); break;
    case 2: ovni_overlay(a, s, take_f(b), take_f(b), take_f(b)); break;
    case 3: ovni_blend(a, s, take_f(b), take_f(b), take_f(b)); break;
    case 4: ovni_chroma_key(s, col, take_f(b), take_f(b), take_f(b), &out); break;
    case 5: ovni_chroma_key_into(a, s, col, take_f(b), take_f(b), take_f(b)); break;
    case 6: ovni_round_mask(dev, OVNI_MEMORY_HOST, (ovni_format)(take_u8(b) % 7), take_side(b), take_side(b),
                            take_f(b), take_u8(b) & 1 ? NULL : (r4[0] = take_f(b), r4[1] = take_f(b), r4[2] = take_f(b),
                                                                 r4[3] = take_f(b), r4),
                            take_f(b), &out);
        break;
    case 7: ovni_round_mask_into(a, take_f(b), NULL, take_f(b)); break;
    case 8: ovni_round_corners(s, take_f(b), NULL, take_f(b), &out); break;
    case 9:
        for (int k = 0; k < 4; k++) r4[k] = take_f(b);
        ovni_round_corners_into(a, s, take_f(b), r4, take_f(b));
        break;
    case 10: ovni_fill_rect(a, take_f(b), take_f(b), take_f(b), take_f(b), col); break;
    case 11: ovni_fade(a, col, take_f(b)); break;
    case 12: ovni_crossfade(a, s, take_f(b), &out); break;
    case 13: ovni_crossfade_into(c, a, s, take_f(b)); break;
    case 14: ovni_adjust(a, take_f(b), take_f(b), take_f(b)); break;
    case 15: ovni_gaussian_blur(s, take_f(b), &out); break;
    case 16: ovni_gaussian_blur_into(a, s, take_f(b)); break;
    case 17: ovni_make_shadow(dev, OVNI_MEMORY_HOST, take_side(b), take_side(b), take_f(b),
                              fminf(fabsf(take_f(b)), 40.0f), col, take_f(b), take_f(b), &out);
        break;
    case 18: ovni_vignette(a, take_f(b), take_f(b), take_f(b)); break;
    case 19: ovni_crop(s, take_f(b), take_f(b), take_f(b), take_f(b), &out); break;
    case 20: ovni_crop_into(a, s, take_f(b), take_f(b), take_f(b), take_f(b)); break;
    case 21: ovni_resize(s, take_side(b) * (take_u8(b) % 3 + 1), take_side(b), &out); break;
    case 22: ovni_resize_into(a, s); break;
    case 23: ovni_scale_translate(s, take_f(b), take_f(b), take_f(b), take_u8(b) % 64, take_u8(b) % 64, &out); break;
    case 24: ovni_scale_translate_into(a, s, take_f(b), take_f(b), take_f(b)); break;
    case 25: ovni_scale(s, take_f(b), &out); break;
    case 26: ovni_translate(s, take_f(b), take_f(b), &out); break;
    case 27: ovni_rotate(s, take_f(b), take_f(b), take_f(b), take_u8(b) & 1, take_u8(b) & 1 ? col : NULL, &out); break;
    case 28: ovni_rotate_into(a, s, take_f(b), take_f(b), take_f(b), col); break;
    case 29:
        for (int k = 0; k < 8; k++) q[k] = take_f(b);
        ovni_warp(a, s, q, take_f(b));
        break;
    case 30: ovni_flip(s, take_u8(b) & 1, take_u8(b) & 1, &out); break;
    case 31: ovni_flip_into(a, s, take_u8(b) & 1, take_u8(b) & 1); break;
    case 32: ovni_fit(s, take_side(b), take_side(b), take_u8(b) & 1 ? col : NULL, &out); break;
    case 33: ovni_fit_into(a, s, col); break;
    case 34: ovni_cover(s, take_side(b), take_side(b), &out); break;
    case 35: ovni_cover_into(a, s); break;
    case 36: ovni_round_corners_into(a, a, take_f(b), NULL, take_f(b)); break;
    case 37: ovni_chroma_key_into(a, a, col, take_f(b), take_f(b), take_f(b)); break;
    case 38: ovni_gaussian_blur_into(a, a, take_f(b)); break;
    default: {
        /* A quad near the frame, so the warp really draws (minified too). */
        for (int k = 0; k < 8; k++) q[k] = (float)(take_u8(b) % 64) - 8.0f + take_u8(b) / 256.0f;
        ovni_warp(a, s, q, take_f(b));
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
        const int nops = 1 + take_u8(&b) % 4;
        for (int i = 0; i < nops; i++) run_op(&b, f);
    }
    guards_check(NFRAMES);
    for (int k = 0; k < NFRAMES; k++) ovni_frame_unref(&f[k]);
    return 0;
}
