/* Caption blending math, shared by ass_cpu.c (CPU walk) and ass_blend.cu (one
 * kernel launch per frame). libass gives a list of 8-bit coverage bitmaps,
 * each with one colour; ovni packs them into one buffer with a table of
 * ass_blend_img entries (see docs/captions.md).
 *
 * Per pixel, images are composited in list order (later over earlier) on a
 * float state, rounded to 8 bits once at the end, so layered shadow, outline
 * and fill do not accumulate one rounding per layer. Both walks apply the
 * same images to a pixel in the same order with these functions, so CPU and
 * GPU agree to within float contraction (+-1).
 *
 * Colour: libass's RRGGBBAA with AA inverted (0 = opaque); the coverage of a
 * bitmap byte v is alpha = v * (255 - AA) / (255 * 255). */
#ifndef OVNI_ASS_ASS_BLEND_H
#define OVNI_ASS_ASS_BLEND_H

#include "../ops/colour.h"

/* One packed image, clipped to the frame on the host. Its bitmap is w x h
 * bytes, `stride` bytes per row, at `offset` in the bitmap area. */
typedef struct ass_blend_img {
    int x, y, w, h;
    int stride;
    uint32_t offset;
    uint32_t rgba;
    uint32_t pad;
} ass_blend_img;

/* An image ready to apply: colour as RGB (RGB frames) or as Y/Cb/Cr codes
 * of the frame's matrix and range (NV12), and the alpha of one bitmap unit. */
typedef struct ass_blend_src {
    int x, y, x1, y1; /* [x, x1) x [y, y1) */
    int stride;
    uint32_t offset;
    float c[3];
    float amul;
} ass_blend_src;

/* The destination: plane pointers, its format as bpp (3 RGB24, 4 RGBA32,
 * 1 NV12), and the rectangle [x0, x1) x [y0, y1) covering every image
 * (even-aligned for NV12). */
typedef struct ass_blend_frame {
    uint8_t *p0, *p1;
    size_t pitch0, pitch1;
    int width, height, bpp;
    int x0, y0, x1, y1;
    colour_coefs k;
} ass_blend_frame;

OVNI_HD ass_blend_src ass_blend_prepare(const ass_blend_img *im, const ass_blend_frame *f)
{
    ass_blend_src s;
    float r = (float)(im->rgba >> 24), g = (float)((im->rgba >> 16) & 255), b = (float)((im->rgba >> 8) & 255);
    s.x = im->x, s.y = im->y, s.x1 = im->x + im->w, s.y1 = im->y + im->h;
    s.stride = im->stride;
    s.offset = im->offset;
    s.amul = (float)(255 - (int)(im->rgba & 255)) * (1.0f / 65025.0f);
    if (f->bpp == 1) {
        /* Unrounded codes: rounding happens once, on the blended result. */
        float yy = colour_luma(&f->k, r, g, b);
        s.c[0] = f->k.y_off + yy * (f->k.y_range / 255.0f);
        s.c[1] = f->k.c_off + (b - yy) / f->k.cb_div * (f->k.c_range / 255.0f);
        s.c[2] = f->k.c_off + (r - yy) / f->k.cr_div * (f->k.c_range / 255.0f);
    } else {
        s.c[0] = r, s.c[1] = g, s.c[2] = b;
    }
    return s;
}

/* Alpha of image s at pixel (x, y): 0 outside its rectangle. */
OVNI_HD float ass_blend_alpha(const ass_blend_src *s, const uint8_t *bits, int x, int y)
{
    if (x < s->x || x >= s->x1 || y < s->y || y >= s->y1) return 0.0f;
    uint8_t v = bits[s->offset + (size_t)(y - s->y) * (size_t)s->stride + (size_t)(x - s->x)];
    return (float)v * s->amul;
}

/* Opaque destinations (RGB24, and Y/Cb/Cr of NV12): v += (c - v) a. */
OVNI_HD void ass_blend_over3(float v[3], const float c[3], float a)
{
    v[0] += (c[0] - v[0]) * a;
    v[1] += (c[1] - v[1]) * a;
    v[2] += (c[2] - v[2]) * a;
}

/* RGBA32 with straight alpha (v[3] in 0..1): Porter-Duff "over". */
OVNI_HD void ass_blend_over4(float v[4], const float c[3], float a)
{
    float keep = v[3] * (1.0f - a);
    float oa = a + keep;
    if (oa <= 0.0f) return; /* both transparent: colour stays */
    float inv = 1.0f / oa;
    v[0] = (c[0] * a + v[0] * keep) * inv;
    v[1] = (c[1] * a + v[1] * keep) * inv;
    v[2] = (c[2] * a + v[2] * keep) * inv;
    v[3] = oa;
}

/* RGB pixel state: load, apply one image, store. */
OVNI_HD void ass_blend_load_rgb(const ass_blend_frame *f, int x, int y, float v[4])
{
    const uint8_t *p = ovni_cpx(f->p0, f->pitch0, x, y, f->bpp);
    v[0] = p[0], v[1] = p[1], v[2] = p[2];
    v[3] = f->bpp == 4 ? (float)p[3] * (1.0f / 255.0f) : 1.0f;
}

OVNI_HD void ass_blend_apply_rgb(const ass_blend_frame *f, const ass_blend_src *s, const uint8_t *bits,
                                 int x, int y, float v[4])
{
    float a = ass_blend_alpha(s, bits, x, y);
    if (a <= 0.0f) return;
    if (f->bpp == 4) ass_blend_over4(v, s->c, a);
    else ass_blend_over3(v, s->c, a);
}

OVNI_HD void ass_blend_store_rgb(const ass_blend_frame *f, int x, int y, const float v[4])
{
    uint8_t *p = ovni_px(f->p0, f->pitch0, x, y, f->bpp);
    p[0] = ovni_u8(v[0]), p[1] = ovni_u8(v[1]), p[2] = ovni_u8(v[2]);
    if (f->bpp == 4) p[3] = ovni_u8(v[3] * 255.0f);
}

/* NV12: one 2x2 block (bx, by) at a time. Each of its (up to) four pixels
 * carries Y and its own Cb/Cr, starting from the block's chroma sample;
 * images are applied per pixel like RGB, then the pixels' chroma is
 * averaged. For one image this is chroma blended with the block's averaged
 * coverage; for layered images (shadow under outline under fill) it stays
 * what compositing in RGB and then averaging would give. */
typedef struct ass_blend_nv12_block {
    float v[4][3]; /* Y, Cb, Cr of pixels (0,0) (1,0) (0,1) (1,1) */
    int n;         /* pixels inside the frame: mask bits 1, 2, 4, 8 */
} ass_blend_nv12_block;

OVNI_HD void ass_blend_load_nv12(const ass_blend_frame *f, int bx, int by, ass_blend_nv12_block *b)
{
    const uint8_t *uv = f->p1 + (size_t)by * f->pitch1 + 2 * (size_t)bx;
    float cb = uv[0], cr = uv[1];
    b->n = 0;
    for (int i = 0; i < 4; i++) {
        int x = 2 * bx + (i & 1), y = 2 * by + (i >> 1);
        int in = x < f->width && y < f->height;
        b->v[i][0] = in ? (float)f->p0[(size_t)y * f->pitch0 + (size_t)x] : 0.0f;
        b->v[i][1] = cb, b->v[i][2] = cr;
        if (in) b->n |= 1 << i;
    }
}

OVNI_HD void ass_blend_apply_nv12(const ass_blend_src *s, const uint8_t *bits, int bx, int by,
                                  ass_blend_nv12_block *b)
{
    for (int i = 0; i < 4; i++) {
        if (!(b->n & (1 << i))) continue;
        float a = ass_blend_alpha(s, bits, 2 * bx + (i & 1), 2 * by + (i >> 1));
        if (a > 0.0f) ass_blend_over3(b->v[i], s->c, a);
    }
}

OVNI_HD void ass_blend_store_nv12(const ass_blend_frame *f, int bx, int by, const ass_blend_nv12_block *b)
{
    float cb = 0.0f, cr = 0.0f;
    int cnt = 0;
    for (int i = 0; i < 4; i++) {
        if (!(b->n & (1 << i))) continue;
        int x = 2 * bx + (i & 1), y = 2 * by + (i >> 1);
        f->p0[(size_t)y * f->pitch0 + (size_t)x] = ovni_u8(b->v[i][0]);
        cb += b->v[i][1], cr += b->v[i][2];
        cnt++;
    }
    float inv = 1.0f / (float)cnt;
    uint8_t *uv = f->p1 + (size_t)by * f->pitch1 + 2 * (size_t)bx;
    uv[0] = ovni_u8(cb * inv), uv[1] = ovni_u8(cr * inv);
}

/* Does image s touch the pixel rectangle [x0, x1) x [y0, y1)? */
OVNI_HD int ass_blend_touches(const ass_blend_src *s, int x0, int y0, int x1, int y1)
{
    return s->x < x1 && s->x1 > x0 && s->y < y1 && s->y1 > y0;
}

#endif
