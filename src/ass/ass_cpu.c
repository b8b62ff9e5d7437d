/* Captions on host frames: the walk over ass_blend.h's math. Rows (block
 * rows for NV12) of the images' bounding rectangle are split over the worker
 * pool; each row is loaded into a float buffer, every image crossing it is
 * applied in list order over its span (ass_blend_apply_*), and the row is
 * stored once. A pixel thus sees the same images in the same order as on
 * the GPU. */
#include <stdatomic.h>
#include <stdlib.h>

#include "../core/common.h"
#include "ass_internal.h"

typedef struct cpu_job {
    const ass_blend_frame *f;
    const ass_blend_src *src;
    const uint8_t *bits;
    int n;
    atomic_int failed;
} cpu_job;

static void rgb_rows(void *ctx, int r0, int r1)
{
    cpu_job *j = ctx;
    const ass_blend_frame *f = j->f;
    int w = f->x1 - f->x0;
    float *buf = ovni_malloc((size_t)w * 4 * sizeof(float));
    if (!buf) {
        atomic_store(&j->failed, 1);
        return;
    }
    for (int y = f->y0 + r0; y < f->y0 + r1; y++) {
        for (int x = f->x0; x < f->x1; x++) ass_blend_load_rgb(f, x, y, buf + 4 * (x - f->x0));
        for (int i = 0; i < j->n; i++) {
            const ass_blend_src *s = &j->src[i];
            if (y < s->y || y >= s->y1) continue;
            for (int x = s->x; x < s->x1; x++) ass_blend_apply_rgb(f, s, j->bits, x, y, buf + 4 * (x - f->x0));
        }
        for (int x = f->x0; x < f->x1; x++) ass_blend_store_rgb(f, x, y, buf + 4 * (x - f->x0));
    }
    free(buf);
}

static void nv12_rows(void *ctx, int r0, int r1)
{
    cpu_job *j = ctx;
    const ass_blend_frame *f = j->f;
    int bx0 = f->x0 / 2, bx1 = (f->x1 + 1) / 2;
    ass_blend_nv12_block *buf = ovni_malloc((size_t)(bx1 - bx0) * sizeof(*buf));
    if (!buf) {
        atomic_store(&j->failed, 1);
        return;
    }
    for (int by = f->y0 / 2 + r0; by < f->y0 / 2 + r1; by++) {
        for (int bx = bx0; bx < bx1; bx++) ass_blend_load_nv12(f, bx, by, &buf[bx - bx0]);
        for (int i = 0; i < j->n; i++) {
            const ass_blend_src *s = &j->src[i];
            if (!ass_blend_touches(s, 2 * bx0, 2 * by, 2 * bx1, 2 * by + 2)) continue;
            /* the blocks the image's columns cross */
            for (int bx = s->x / 2; bx <= (s->x1 - 1) / 2; bx++) ass_blend_apply_nv12(s, j->bits, bx, by, &buf[bx - bx0]);
        }
        for (int bx = bx0; bx < bx1; bx++) ass_blend_store_nv12(f, bx, by, &buf[bx - bx0]);
    }
    free(buf);
}

int ass_blend_cpu(ovni_device *dev, const ass_blend_frame *f, const ass_blend_img *table, const uint8_t *bits, int n)
{
    if (n <= 0 || f->x1 <= f->x0 || f->y1 <= f->y0) return 0;
    ass_blend_src *src = ovni_malloc((size_t)n * sizeof(*src));
    if (!src) return ovni_error(OVNI_ENOMEM, "captions: out of memory preparing %d images", n);
    for (int i = 0; i < n; i++) src[i] = ass_blend_prepare(&table[i], f);
    cpu_job j = {.f = f, .src = src, .bits = bits, .n = n};
    atomic_init(&j.failed, 0);
    if (f->bpp == 1) ovni_parallel_for(dev, (f->y1 - f->y0 + 1) / 2, nv12_rows, &j);
    else ovni_parallel_for(dev, f->y1 - f->y0, rgb_rows, &j);
    free(src);
    if (atomic_load(&j.failed)) return ovni_error(OVNI_ENOMEM, "captions: out of memory blending a row");
    return 0;
}
