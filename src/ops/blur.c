/* Gaussian blur: checks, taps, dispatch, and the CPU walk over blur.h. */
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "blur.h"
#include "blur_pyramid.h"
#include "op_internal.h"

#define BLUR_SIGMA_MAX 170.0    /* from 6 the constant-time path: blur_pyramid.h */
#define BLUR_SIGMA_IDENTITY 0.1 /* below this the kernel is a single tap */

/* Sampled Gaussian exp(-k^2 / 2 sigma^2) for k = 0..ceil(3 sigma),
 * normalised in double so the 2r+1 taps sum to 1 (a constant image stays
 * exactly constant), then rounded once to the floats both backends use. */
static void blur_make_taps(float sigma, blur_taps *t)
{
    int r = (int)ceil(3.0 * sigma);
    if (r > BLUR_MAX_RADIUS) r = BLUR_MAX_RADIUS;
    double w[BLUR_MAX_RADIUS + 1], sum = 0;
    for (int k = 0; k <= r; k++) {
        w[k] = exp(-(double)k * k / (2.0 * sigma * sigma));
        sum += k ? 2.0 * w[k] : w[k];
    }
    t->radius = r;
    for (int k = 0; k <= r; k++) t->w[k] = (float)(w[k] / sum);
}

/* ---- CPU walk: the same taps in the same order as blur_vertical_px and
 * blur_row_px, with x as the inner loop so the compiler vectorises it. ---- */
typedef struct {
    blur_planes p;
    const blur_taps *t;
    atomic_int failed;
} blur_job;

/* Row helpers over n floats. Blocks of 8 with restrict pointers let GCC's
 * -O2 cost model vectorise them (it will not add a scalar epilogue itself). */
static void blur_cpu_first(float *restrict acc, const float *restrict a, float w, int n)
{
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) acc[i + j] = BLUR_MUL(w, a[i + j]);
    for (; i < n; i++) acc[i] = BLUR_MUL(w, a[i]);
}

static void blur_cpu_taps(float *restrict acc, const float *restrict a, const float *restrict b, float w, int n)
{
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) acc[i + j] = blur_tap(acc[i + j], w, a[i + j], b[i + j]);
    for (; i < n; i++) acc[i] = blur_tap(acc[i], w, a[i], b[i]);
}

/* The same taps straight from 8-bit rows ((float)byte is what
 * blur_load_src gives without premultiplication). */
static void blur_cpu_taps_u8(float *restrict acc, const uint8_t *restrict a, const uint8_t *restrict b, float w,
                             int n)
{
    int i = 0;
    for (; i + 16 <= n; i += 16)
        for (int j = 0; j < 16; j++) acc[i + j] = blur_tap(acc[i + j], w, (float)a[i + j], (float)b[i + j]);
    for (; i < n; i++) acc[i] = blur_tap(acc[i], w, (float)a[i], (float)b[i]);
}

/* Source row y as blur_load_src's floats. */
static void blur_cpu_load_row(const blur_planes *p, int y, float *restrict out)
{
    const uint8_t *restrict s = p->src + (size_t)y * p->src_pitch;
    int n = p->width * p->ch, i = 0;
    if (p->premul) {
        for (int x = 0; x < p->width; x++)
            for (int c = 0; c < 4; c++) out[4 * x + c] = blur_load_src(p, x, y, c);
        return;
    }
    for (; i + 16 <= n; i += 16)
        for (int j = 0; j < 16; j++) out[i + j] = (float)s[i + j];
    for (; i < n; i++) out[i] = (float)s[i];
}

static void blur_vertical_rows(void *ctx, int y0, int y1)
{
    blur_job *j = ctx;
    const blur_planes *p = &j->p;
    const blur_taps *t = j->t;
    int n = p->width * p->ch;
    float *buf = ovni_malloc(3 * (size_t)n * sizeof(float));
    if (!buf) {
        atomic_store(&j->failed, 1);
        return;
    }
    float *acc = buf, *a = buf + n, *b = buf + 2 * (size_t)n;
    for (int y = y0; y < y1; y++) {
        blur_cpu_load_row(p, y, a);
        blur_cpu_first(acc, a, t->w[0], n);
        for (int k = 1; k <= t->radius; k++) {
            int ya = y - k < 0 ? 0 : y - k, yb = y + k >= p->height ? p->height - 1 : y + k;
            if (!p->premul) {
                blur_cpu_taps_u8(acc, p->src + (size_t)ya * p->src_pitch, p->src + (size_t)yb * p->src_pitch,
                                 t->w[k], n);
                continue;
            }
            blur_cpu_load_row(p, ya, a);
            blur_cpu_load_row(p, yb, b);
            blur_cpu_taps(acc, a, b, t->w[k], n);
        }
        for (int x = 0; x < p->width; x++)
            for (int c = 0; c < p->ch; c++) blur_store_mid(p, x, y, c, acc[x * p->ch + c]);
    }
    free(buf);
}

static void blur_horizontal_rows(void *ctx, int y0, int y1)
{
    blur_job *j = ctx;
    const blur_planes *p = &j->p;
    const blur_taps *t = j->t;
    int ch = p->ch, r = t->radius, n = p->width * ch;
    float *buf = ovni_malloc(((size_t)n + (size_t)(p->width + 2 * r) * ch) * sizeof(float));
    if (!buf) {
        atomic_store(&j->failed, 1);
        return;
    }
    float *acc = buf, *e = buf + n; /* e: the row widened by r clamped pixels each side */
    for (int y = y0; y < y1; y++) {
        for (int i = 0; i < p->width + 2 * r; i++) {
            int x = ovni_clampi(i - r, 0, p->width - 1);
            for (int c = 0; c < ch; c++) e[i * ch + c] = blur_load_mid(p, x, y, c);
        }
        const float *centre = e + (size_t)r * ch;
        blur_cpu_first(acc, centre, t->w[0], n);
        for (int k = 1; k <= r; k++)
            blur_cpu_taps(acc, centre - (size_t)k * ch, centre + (size_t)k * ch, t->w[k], n);
        for (int x = 0; x < p->width; x++) blur_store_dst(p, x, y, acc + (size_t)x * ch);
    }
    free(buf);
}

_Static_assert(BLUR_TILE_ROWS * 4 * (BLUR_TILE_W + 2 * BLUR_MAX_RADIUS) * sizeof(float) <= 48 * 1024,
               "the horizontal pass's tile must fit 48 KB of shared memory at every radius");

static int blur_gpu(blur_planes *p, blur_taps *t, ovni_device *dev)
{
    void *args[] = {p, t};
    /* the horizontal pass's tile: within the 48 KB a launch gets without
     * opt-in at every radius (checked at compile time above) */
    unsigned shmem = (unsigned)(BLUR_TILE_ROWS * p->ch * (BLUR_TILE_W + 2 * t->radius) * sizeof(float));
    /* Word loads where every row start allows them (pool frames always do;
     * wrapped frames may not). */
    uintptr_t align = (uintptr_t)p->src | p->src_pitch | (uintptr_t)p->hi | p->hi_pitch | (uintptr_t)p->lo | p->lo_pitch;
    /* ovni_blur_vertical4 gives each thread 4 bytes of 4 rows; on a small
     * frame (the large-sigma path's shrunk one) that leaves too few threads
     * to hide the latency of their serial taps, so one thread per pixel. */
    const long words = (long)((p->width * p->ch + 3) / 4) * ((p->height + BLUR_VROWS - 1) / BLUR_VROWS);
    int ret = align % 4 == 0 && words >= BLUR_VERTICAL4_MIN_THREADS
                  ? op_launch_2d(dev, "ovni_blur_vertical4", (p->width * p->ch + 3) / 4,
                                 (p->height + BLUR_VROWS - 1) / BLUR_VROWS, args)
                  : op_launch_2d(dev, "ovni_blur_vertical", p->width, p->height, args);
    if (ret < 0) return ret;
    if ((ret = gpu_enter(dev)) < 0) return ret;
    ret = gpu_launch(dev, "ovni_blur_horizontal", (unsigned)(p->width + BLUR_TILE_W - 1) / BLUR_TILE_W,
                     (unsigned)(p->height + BLUR_TILE_ROWS - 1) / BLUR_TILE_ROWS, BLUR_TILE_THREADS, BLUR_TILE_ROWS,
                     shmem, args);
    gpu_leave(dev);
    return ret;
}

int blur_exact_into(ovni_frame *dst, const ovni_frame *src, float sigma)
{
    /* Scratch planes come from the pool; on the GPU they go back as soon as
     * the kernels are queued, which is safe because all work on a device is
     * ordered on its one stream. */
    ovni_frame *hi = NULL, *lo = NULL;
    int ret;
    if ((ret = op_new_frame(dst, src->format, src->width, src->height, &hi)) < 0 ||
        (ret = op_new_frame(dst, src->format, src->width, src->height, &lo)) < 0) {
        ovni_frame_unref(&hi);
        return ret;
    }
    blur_taps *t = ovni_malloc(sizeof(*t));
    blur_job *j = ovni_malloc(sizeof(*j));
    if (!t || !j) {
        ret = ovni_error(OVNI_ENOMEM, "gaussian_blur: out of host memory");
        goto done;
    }
    blur_make_taps(sigma, t);
    j->p = (blur_planes){src->data[0], src->pitch[0], hi->data[0], lo->data[0], hi->pitch[0], lo->pitch[0],
                         dst->data[0], dst->pitch[0], src->width, src->height,
                         ovni_format_pixel_bytes(src->format), src->format == OVNI_FORMAT_RGBA32};
    j->t = t;
    atomic_init(&j->failed, 0);
    if (op_on_gpu(dst)) {
        ret = blur_gpu(&j->p, t, dst->device);
    } else {
        ovni_parallel_for(src->height, blur_vertical_rows, j);
        if (!atomic_load(&j->failed)) ovni_parallel_for(src->height, blur_horizontal_rows, j);
        if (atomic_load(&j->failed)) ret = ovni_error(OVNI_ENOMEM, "gaussian_blur: out of host memory for row buffers");
    }
done:
    free(t);
    free(j);
    ovni_frame_unref(&hi);
    ovni_frame_unref(&lo);
    return ret;
}

int ovni_gaussian_blur_into(ovni_frame *dst, const ovni_frame *src, float sigma)
{
    int ret = op_begin("gaussian_blur", dst, src);
    if (ret < 0) return ret;
    if ((ret = op_check_float("gaussian_blur", "sigma", sigma, 0.0, BLUR_SIGMA_MAX)) < 0) return ret;
    if (src->format != OVNI_FORMAT_RGB24 && src->format != OVNI_FORMAT_RGBA32 && src->format != OVNI_FORMAT_GRAY8)
        return ovni_error(OVNI_EINVAL, "gaussian_blur: source format %s is not supported (rgb24, rgba32, gray8)",
                          ovni_format_name(src->format));
    if (dst->format != src->format || dst->width != src->width || dst->height != src->height)
        return ovni_error(OVNI_EINVAL, "gaussian_blur: destination (%s %dx%d) must match the source (%s %dx%d)",
                          ovni_format_name(dst->format), dst->width, dst->height, ovni_format_name(src->format),
                          src->width, src->height);
    if (sigma < BLUR_SIGMA_IDENTITY) return dst == src ? 0 : ovni_frame_copy(dst, src);
    ovni_frame_copy_props(dst, src);
    /* Exact up to BLUR_PYR_MIN_SIGMA, constant time per pixel from there
     * (blur_pyramid.h). */
    return sigma < BLUR_PYR_MIN_SIGMA ? blur_exact_into(dst, src, sigma) : blur_pyramid_into(dst, src, sigma);
}

int ovni_gaussian_blur(const ovni_frame *src, float sigma, ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "gaussian_blur: out is NULL");
    *out = NULL;
    int ret = frame_check("gaussian_blur", "source", src);
    if (ret < 0) return ret;
    ovni_frame *f;
    if ((ret = op_new_frame(src, src->format, src->width, src->height, &f)) < 0) return ret;
    if ((ret = ovni_gaussian_blur_into(f, src, sigma)) < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    *out = f;
    return 0;
}
