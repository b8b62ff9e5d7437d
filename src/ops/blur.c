/* The exact Gaussian blur (blur.h): taps, the CPU walk, the GPU launch. */
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "blur.h"
#include "op_internal.h"

/* Sampled Gaussian exp(-k^2 / 2 sigma^2) for k = 0..ceil(3 sigma), scaled
 * to integers that sum to BLUR_ONE over the 2r + 1 taps (a constant image
 * stays exactly constant): each side tap rounded down, then the pairs with
 * the largest remainders raised by one until the centre tap is within one
 * of its ideal value. */
static void blur_make_taps(float sigma, blur_taps *t)
{
    const int r = ovni_clampi((int)ceil(3.0 * sigma), 0, BLUR_MAX_RADIUS), one = (int)BLUR_ONE;
    double w[BLUR_MAX_RADIUS + 1], sum = 0;
    int q[BLUR_MAX_RADIUS + 1], side = 0;
    for (int k = 0; k <= r; k++) {
        w[k] = exp(-(double)k * k / (2.0 * sigma * sigma));
        sum += k ? 2.0 * w[k] : w[k];
    }
    for (int k = 0; k <= r; k++) w[k] *= one / sum;
    for (int k = 1; k <= r; k++) side += q[k] = (int)w[k];
    q[0] = one - 2 * side;
    while (q[0] - w[0] > 1.0) {
        int best = 0;
        for (int k = 1; k <= r; k++)
            if (!best || w[k] - q[k] > w[best] - q[best]) best = k;
        q[best]++, q[0] -= 2;
    }
    t->radius = r;
    for (int k = 0; k <= r; k++) t->w[k] = (float)q[k];
}

/* ---- CPU walk: blur_vertical_px and blur_horizontal_px's sums with x as
 * the inner loop, so the compiler vectorises them. ---- */
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
        for (int j = 0; j < 8; j++) acc[i + j] = blur_first(w, a[i + j]);
    for (; i < n; i++) acc[i] = blur_first(w, a[i]);
}

static void blur_cpu_taps(float *restrict acc, const float *restrict a, const float *restrict b, float w, int n)
{
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) acc[i + j] = blur_tap(acc[i + j], w, a[i + j], b[i + j]);
    for (; i < n; i++) acc[i] = blur_tap(acc[i], w, a[i], b[i]);
}

/* The same taps straight from 8-bit rows (blur_load_src without
 * premultiplication). */
static void blur_cpu_taps_u8(float *restrict acc, const uint8_t *restrict a, const uint8_t *restrict b, float w,
                             int n)
{
    int i = 0;
    for (; i + 16 <= n; i += 16)
        for (int j = 0; j < 16; j++) acc[i + j] = blur_tap(acc[i + j], w, blur_value(a[i + j]), blur_value(b[i + j]));
    for (; i < n; i++) acc[i] = blur_tap(acc[i], w, blur_value(a[i]), blur_value(b[i]));
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
        for (int j = 0; j < 16; j++) out[i + j] = blur_value(s[i + j]);
    for (; i < n; i++) out[i] = blur_value(s[i]);
}

static void blur_vertical_rows(void *ctx, int y0, int y1)
{
    blur_job *j = ctx;
    const blur_planes *p = &j->p;
    const blur_taps *t = j->t;
    const int n = p->width * p->ch, r = t->radius;
    /* Premultiplied RGBA: a ring of the 2r + 1 source rows around y, each
     * premultiplied once as it enters, so the taps read values. */
    const int slots = p->premul ? 2 * r + 1 : 1;
    float *buf = ovni_malloc(((size_t)slots + 1) * (size_t)n * sizeof(float));
    if (!buf) {
        atomic_store(&j->failed, 1);
        return;
    }
    float *acc = buf, *ring = buf + n;
#define BLUR_RING(v) (ring + (size_t)((((v) % slots) + slots) % slots) * n)
    if (p->premul)
        for (int v = y0 - r; v < y0 + r; v++) blur_cpu_load_row(p, ovni_clampi(v, 0, p->height - 1), BLUR_RING(v));
    for (int y = y0; y < y1; y++) {
        if (!p->premul) {
            blur_cpu_load_row(p, y, ring);
            blur_cpu_first(acc, ring, t->w[0], n);
            for (int k = 1; k <= r; k++)
                blur_cpu_taps_u8(acc, p->src + (size_t)ovni_clampi(y - k, 0, p->height - 1) * p->src_pitch,
                                 p->src + (size_t)ovni_clampi(y + k, 0, p->height - 1) * p->src_pitch, t->w[k], n);
        } else {
            blur_cpu_load_row(p, ovni_clampi(y + r, 0, p->height - 1), BLUR_RING(y + r));
            blur_cpu_first(acc, BLUR_RING(y), t->w[0], n);
            for (int k = 1; k <= r; k++) blur_cpu_taps(acc, BLUR_RING(y - k), BLUR_RING(y + k), t->w[k], n);
        }
        for (int x = 0; x < p->width; x++)
            for (int c = 0; c < p->ch; c++) blur_store_mid(p, x, y, c, acc[x * p->ch + c]);
    }
#undef BLUR_RING
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

/* The fused kernel's tile for a width x height frame, halo r and ch bytes
 * per pixel, given `slots` blocks resident on the whole GPU at once. Its
 * blocks take about equal time, so the launch takes about
 *   ceil(blocks / slots) x (phase-1 passes x c1 + phase-2 passes x c2)
 * where a pass is one item for each of the block's threads: so the tile is
 * sized to fill whole waves of blocks rather than leave a mostly idle last
 * one. c1 and c2 are the items' instruction counts per tap, about
 * 4 x 4 x 3 operations plus 2 loads and their unpacking for phase 1,
 * 4 x ch x 3 plus 2 for phase 2. The tile with the least estimate wins
 * (ties: more blocks). Returns the shared memory it needs in bytes. */
static size_t blur_tile_pick(int width, int height, int r, int ch, long slots, blur_tile *g)
{
    const long c1 = 60, c2 = 12L * ch + 2, T = BLUR_FUSED_THREADS;
    long best = -1, best_blocks = 0;
    g->w = 8 * BLUR_HX, g->rows = BLUR_VROWS;
    for (int rows = BLUR_VROWS; rows <= 8 * BLUR_VROWS; rows += BLUR_VROWS)
        for (int w = 8 * BLUR_HX; w <= 1024; w += 8 * BLUR_HX) {
            if ((size_t)rows * ch * (w + 2 * r) * sizeof(float) > BLUR_FUSED_SHMEM_MAX) break;
            const long blocks = (long)((width + w - 1) / w) * ((height + rows - 1) / rows);
            const long items1 = ((long)(w + 2 * r) * ch / 4 + 2) * (rows / BLUR_VROWS);
            const long items2 = (long)(w / BLUR_HX) * rows;
            const long est = (blocks + slots - 1) / slots * ((items1 + T - 1) / T * c1 + (items2 + T - 1) / T * c2);
            if (best < 0 || est < best || (est == best && blocks > best_blocks))
                best = est, best_blocks = blocks, g->w = w, g->rows = rows;
            if (w >= width) break; /* wider tiles only add idle threads */
        }
    return (size_t)g->rows * ch * (g->w + 2 * r) * sizeof(float);
}

/* One launch of the fused kernel (blur.cu). Its tiles read source rows and
 * columns around them while other tiles write theirs, so a destination that
 * overlaps the source is blurred from a copy of it. */
static int blur_gpu(ovni_frame *dst, const ovni_frame *src, const blur_taps *t)
{
    /* Unreachable through gaussian_blur (radius <= 33 on the GPU: sigma < 6,
     * or the constant-time path's small sigma), but never launched wrong. */
    if (t->radius > BLUR_GPU_MAX_RADIUS)
        return ovni_error(OVNI_EINVAL, "gaussian_blur: radius %d is too large for the GPU's exact pass (at most %d)",
                          t->radius, BLUR_GPU_MAX_RADIUS);
    ovni_frame *copy = NULL;
    int ret;
    if (op_frames_overlap(dst, src)) {
        if ((ret = op_new_frame(src, src->format, src->width, src->height, &copy)) < 0 ||
            (ret = ovni_frame_copy(copy, src)) < 0) {
            ovni_frame_unref(&copy);
            return ret;
        }
        src = copy; /* released below once the launch is queued: the device's one stream orders them */
    }
    const int ch = ovni_format_pixel_bytes(src->format);
    blur_planes p = {src->data[0], src->pitch[0], NULL, NULL, 0, 0, dst->data[0], dst->pitch[0],
                     src->width, src->height, ch, src->format == OVNI_FORMAT_RGBA32};
    blur_tile g;
    const long slots = (long)BLUR_FUSED_BLOCKS_PER_SM *
                       (dst->device->multiprocessors > 0 ? dst->device->multiprocessors : 100);
    const size_t shmem = blur_tile_pick(src->width, src->height, blur_halo(t->radius), ch, slots, &g);
    g.words = ((uintptr_t)p.src | p.src_pitch) % 4 == 0;
    const gpu_kernel kernel = ch == 1 ? KERNEL_BLUR_GRAY8 : ch == 3 ? KERNEL_BLUR_RGB24 : KERNEL_BLUR_RGBA32;
    if (shmem > BLUR_FUSED_SHMEM_MAX) /* not at BLUR_GPU_MAX_RADIUS */
        ret = ovni_error(OVNI_EINVAL, "gaussian_blur: radius %d is too large for the GPU's exact pass", t->radius);
    else if ((ret = gpu_enter(dst->device)) == 0) {
        void *args[] = {&p, (void *)t, &g};
        ret = gpu_launch(dst->device, kernel, (unsigned)(p.width + g.w - 1) / g.w,
                         (unsigned)(p.height + g.rows - 1) / g.rows, BLUR_FUSED_THREADS, 1, (unsigned)shmem, args);
        gpu_leave(dst->device);
    }
    ovni_frame_unref(&copy);
    return ret;
}

/* The reference walk: every value through blur.h's per-pixel sums, one at
 * a time. */
static void blur_naive(const blur_planes *p, const blur_taps *t)
{
    for (int y = 0; y < p->height; y++)
        for (int x = 0; x < p->width; x++)
            for (int c = 0; c < p->ch; c++) blur_store_mid(p, x, y, c, blur_vertical_px(p, t, x, y, c));
    for (int y = 0; y < p->height; y++)
        for (int x = 0; x < p->width; x++) {
            float v[4] = {0, 0, 0, 0};
            for (int c = 0; c < p->ch; c++) v[c] = blur_horizontal_px(p, t, x, y, c);
            blur_store_dst(p, x, y, v);
        }
}

/* On the host: pass V into the scratch (two pool planes), then pass H from
 * it; by rows (the CPU walk) or by pixels (the reference walk). */
static int blur_cpu(ovni_frame *dst, const ovni_frame *src, const blur_taps *t, int naive)
{
    ovni_frame *hi = NULL, *lo = NULL;
    blur_job *j = NULL;
    int ret;
    if ((ret = op_new_frame(dst, src->format, src->width, src->height, &hi)) < 0 ||
        (ret = op_new_frame(dst, src->format, src->width, src->height, &lo)) < 0)
        goto done;
    if (!(j = ovni_malloc(sizeof(*j)))) {
        ret = ovni_error(OVNI_ENOMEM, "gaussian_blur: out of host memory");
        goto done;
    }
    j->p = (blur_planes){src->data[0], src->pitch[0], hi->data[0], lo->data[0], hi->pitch[0], lo->pitch[0],
                         dst->data[0], dst->pitch[0], src->width, src->height,
                         ovni_format_pixel_bytes(src->format), src->format == OVNI_FORMAT_RGBA32};
    j->t = t;
    atomic_init(&j->failed, 0);
    if (naive) {
        blur_naive(&j->p, t);
        goto done;
    }
    ovni_parallel_for(dst->device, src->height, blur_vertical_rows, j);
    if (!atomic_load(&j->failed)) ovni_parallel_for(dst->device, src->height, blur_horizontal_rows, j);
    if (atomic_load(&j->failed)) ret = ovni_error(OVNI_ENOMEM, "gaussian_blur: out of host memory for row buffers");
done:
    free(j);
    ovni_frame_unref(&hi);
    ovni_frame_unref(&lo);
    return ret;
}

int blur_exact_into(ovni_frame *dst, const ovni_frame *src, float sigma)
{
    blur_taps *t = ovni_malloc(sizeof(*t));
    if (!t) return ovni_error(OVNI_ENOMEM, "gaussian_blur: out of host memory");
    blur_make_taps(sigma, t);
    int ret = op_on_gpu(dst) ? blur_gpu(dst, src, t) : blur_cpu(dst, src, t, op_reference(dst));
    free(t);
    return ret;
}
