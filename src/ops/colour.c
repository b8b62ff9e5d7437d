/* Colour conversion: dispatch, and the CPU walk over colour.h's math. */
#include <stdatomic.h>
#include <stdlib.h>

#include "colour.h"
#include "op_internal.h"

static int is_yuv(ovni_format f) { return f == OVNI_FORMAT_NV12 || f == OVNI_FORMAT_P010; }
static int is_rgb(ovni_format f) { return f == OVNI_FORMAT_RGB24 || f == OVNI_FORMAT_RGBA32; }

/* ---- YUV 4:2:0 -> RGB ---- */
typedef struct {
    colour_yuv s;
    uint8_t *dst;
    size_t pitch;
    int bpp;
} yuv_job;

static void yuv_rows(void *ctx, int y0, int y1)
{
    const yuv_job *j = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < j->s.width; x++)
            colour_yuv_to_rgb_px(&j->s, x, y, ovni_px(j->dst, j->pitch, x, y, j->bpp), j->bpp);
}

static int yuv_to_rgb(ovni_frame *dst, const ovni_frame *src)
{
    yuv_job j = {
        .s = {src->data[0], src->data[1], src->pitch[0], src->pitch[1], src->width, src->height,
              src->format == OVNI_FORMAT_P010, (int)src->chroma_loc,
              colour_coefs_make((int)src->matrix, src->range == OVNI_RANGE_FULL,
                                src->format == OVNI_FORMAT_P010 ? 10 : 8)},
        .dst = dst->data[0],
        .pitch = dst->pitch[0],
        .bpp = ovni_format_pixel_bytes(dst->format),
    };
    dst->matrix = src->matrix; /* RGB keeps its YUV origin's tags */
    dst->range = src->range;
    dst->chroma_loc = src->chroma_loc;
    if (op_on_gpu(dst)) {
        static const gpu_kernel kernels[4] = {KERNEL_COLOUR_YUV_TO_RGB_LEFT, KERNEL_COLOUR_YUV_TO_RGB_CENTER,
                                              KERNEL_COLOUR_YUV_TO_RGB_TOPLEFT, KERNEL_COLOUR_YUV_TO_RGB_TOP};
        void *args[] = {&j.s, &j.dst, &j.pitch, &j.bpp};
        /* the kernel does a 4x2 block of pixels per thread */
        return op_launch_2d(dst->device, kernels[j.s.loc], (src->width + 3) / 4, (src->height + 1) / 2, args);
    }
    ovni_parallel_for(dst->device, src->height, yuv_rows, &j);
    return 0;
}

/* ---- RGB -> NV12 ---- */
/* Two passes (colour.h): the first writes the output's luma and its chroma
 * to a scratch frame; the second reads both around each chroma sample and
 * writes the output's chroma. One walk per siting and pass, so the block's
 * filter loops have constant lengths. */
typedef struct {
    colour_rgb_to_nv12 p; /* the output's UV plane */
    colour_yuv first;     /* the first pass's codes */
    atomic_int failed;    /* a strip found no memory for its row buffer */
} nv12_refine_job;

/* The second pass's CPU walk: a strip of chroma rows at a time, each
 * pixel's residual (colour_refine_residual) computed once into a row buffer
 * for the strip and its filter's reach, then filtered per chroma sample as
 * colour_rgb_to_nv12_refine_block filters it (integer sums: the same
 * values). */
#define NV12_STRIP 8
static void nv12_refine_strips(nv12_refine_job *j, int by0, int by1, int hc, int vt)
{
    const colour_rgb_to_nv12 *p = &j->p;
    const int w = p->width, h = p->height, cw = (w + 1) / 2;
    int16_t *res = ovni_malloc(sizeof(int16_t) * 3 * (size_t)w * (2 * NV12_STRIP + 4));
    if (!res) {
        atomic_store(&j->failed, 1);
        return;
    }
    for (int s0 = by0; s0 < by1; s0 += NV12_STRIP) {
        const int s1 = s0 + NV12_STRIP < by1 ? s0 + NV12_STRIP : by1;
        /* luma rows the strip's taps reach (colour_down_taps clamps them) */
        const int r0 = ovni_clampi(2 * s0 - 2, 0, h - 1), r1 = ovni_clampi(2 * s1 + 1, 0, h - 1);
        for (int y = r0; y <= r1; y++)
            for (int x = 0; x < w; x++) {
                int r[3];
                colour_refine_residual(&j->first, ovni_cpx(p->src, p->src_pitch, x, y, p->src_bpp), x, y, r);
                int16_t *d = res + 3 * ((size_t)(y - r0) * (size_t)w + (size_t)x);
                d[0] = (int16_t)r[0], d[1] = (int16_t)r[1], d[2] = (int16_t)r[2];
            }
        for (int by = s0; by < s1; by++) {
            int ys[5], wy[5];
            const int ny = colour_down_taps(by, !vt, h, ys, wy);
            for (int bx = 0; bx < cw; bx++) {
                int xs[5], wx[5], rows[3][5], sum[3];
                const int nx = colour_down_taps(bx, hc, w, xs, wx);
                for (int t = 0; t < ny; t++) {
                    int v[3][5];
                    for (int i = 0; i < nx; i++) {
                        const int16_t *q = res + 3 * ((size_t)(ys[t] - r0) * (size_t)w + (size_t)xs[i]);
                        v[0][i] = q[0], v[1][i] = q[1], v[2][i] = q[2];
                    }
                    for (int c = 0; c < 3; c++) rows[c][t] = colour_down_sum(v[c], wx, nx);
                }
                for (int c = 0; c < 3; c++) sum[c] = colour_down_sum(rows[c], wy, ny);
                const uint8_t *uv1 = j->first.uv + (size_t)by * j->first.uv_pitch + 2 * (size_t)bx;
                uint8_t *uv = p->uv + (size_t)by * p->uv_pitch + 2 * (size_t)bx;
                colour_c_codes_refine(&p->k, uv1[0], uv1[1], sum, &uv[0], &uv[1]);
            }
        }
    }
    free(res);
}

/* checkops' reference: each chroma sample alone through the block function. */
static void nv12_refine_naive(void *ctx, int by0, int by1)
{
    const nv12_refine_job *j = ctx;
    for (int by = by0; by < by1; by++)
        for (int bx = 0; bx < (j->p.width + 1) / 2; bx++)
            colour_rgb_to_nv12_refine_block(&j->p, &j->first, bx, by, COLOUR_LOC_HCENTRE(j->p.loc),
                                            COLOUR_LOC_VTOP(j->p.loc));
}

#define NV12_ROWS(name, hc, vt)                                                                          \
    static void name(void *ctx, int by0, int by1)                                                        \
    {                                                                                                    \
        const colour_rgb_to_nv12 *p = ctx;                                                               \
        for (int by = by0; by < by1; by++)                                                               \
            for (int bx = 0; bx < (p->width + 1) / 2; bx++) colour_rgb_to_nv12_block(p, bx, by, hc, vt); \
    }                                                                                                    \
    static void name##_refine(void *ctx, int by0, int by1) { nv12_refine_strips(ctx, by0, by1, hc, vt); }
NV12_ROWS(nv12_rows_left, 0, 0)
NV12_ROWS(nv12_rows_center, 1, 0)
NV12_ROWS(nv12_rows_topleft, 0, 1)
NV12_ROWS(nv12_rows_top, 1, 1)

static int rgb_to_nv12(ovni_frame *dst, const ovni_frame *src)
{
    ovni_frame *first = NULL; /* its UV plane: the first pass's chroma */
    int ret = op_new_frame(dst, OVNI_FORMAT_NV12, dst->width, dst->height, &first);
    if (ret < 0) return ret;
    const colour_coefs k = colour_coefs_make((int)dst->matrix, dst->range == OVNI_RANGE_FULL, 8);
    const int loc = (int)dst->chroma_loc, bpp = ovni_format_pixel_bytes(src->format);
    colour_rgb_to_nv12 p1 = {
        src->data[0], src->pitch[0], bpp, src->width, src->height,
        dst->data[0], first->data[1], dst->pitch[0], first->pitch[1], k, loc,
    };
    nv12_refine_job j = {
        {src->data[0], src->pitch[0], bpp, src->width, src->height, dst->data[0], dst->data[1], dst->pitch[0],
         dst->pitch[1], k, loc},
        {dst->data[0], first->data[1], dst->pitch[0], first->pitch[1], src->width, src->height, 0, loc, k},
        0,
    };
    atomic_init(&j.failed, 0);
    if (op_on_gpu(dst)) {
        static const gpu_kernel kernels[4] = {KERNEL_COLOUR_RGB_TO_NV12_LEFT, KERNEL_COLOUR_RGB_TO_NV12_CENTER,
                                              KERNEL_COLOUR_RGB_TO_NV12_TOPLEFT, KERNEL_COLOUR_RGB_TO_NV12_TOP};
        static const gpu_kernel refine[4] = {KERNEL_COLOUR_RGB_TO_NV12_REFINE_LEFT, KERNEL_COLOUR_RGB_TO_NV12_REFINE_CENTER,
                                             KERNEL_COLOUR_RGB_TO_NV12_REFINE_TOPLEFT, KERNEL_COLOUR_RGB_TO_NV12_REFINE_TOP};
        void *args1[] = {&p1};
        void *args2[] = {&j.p, &j.first};
        const int cw = (src->width + 1) / 2, ch = (src->height + 1) / 2;
        /* the scratch is released once both launches are queued: the device's one stream orders them */
        if ((ret = op_launch_2d(dst->device, kernels[loc], cw, ch, args1)) == 0)
            ret = op_launch_2d(dst->device, refine[loc], cw, ch, args2);
        ovni_frame_unref(&first);
        return ret;
    }
    static void (*const walks[4])(void *, int, int) = {nv12_rows_left, nv12_rows_center, nv12_rows_topleft,
                                                        nv12_rows_top};
    static void (*const refines[4])(void *, int, int) = {nv12_rows_left_refine, nv12_rows_center_refine,
                                                          nv12_rows_topleft_refine, nv12_rows_top_refine};
    ovni_parallel_for(dst->device, (src->height + 1) / 2, walks[loc], &p1);
    ovni_parallel_for(dst->device, (src->height + 1) / 2, op_reference(dst) ? nv12_refine_naive : refines[loc], &j);
    ovni_frame_unref(&first);
    if (atomic_load(&j.failed)) return ovni_error(OVNI_ENOMEM, "convert: out of host memory for row buffers");
    return 0;
}

/* ---- RGB24 <-> RGBA32 ---- */
typedef struct {
    const uint8_t *src;
    size_t sp;
    int sbpp;
    uint8_t *dst;
    size_t dp;
    int dbpp, w, h;
} repack_job;

static void repack_rows(void *ctx, int y0, int y1)
{
    const repack_job *j = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < j->w; x++)
            colour_rgb_repack_px(ovni_cpx(j->src, j->sp, x, y, j->sbpp), j->sbpp, ovni_px(j->dst, j->dp, x, y, j->dbpp), j->dbpp);
}

static int rgb_repack(ovni_frame *dst, const ovni_frame *src)
{
    repack_job j = {src->data[0], src->pitch[0], ovni_format_pixel_bytes(src->format), dst->data[0],
                    dst->pitch[0], ovni_format_pixel_bytes(dst->format), src->width, src->height};
    dst->matrix = src->matrix;
    dst->range = src->range;
    dst->chroma_loc = src->chroma_loc;
    if (op_on_gpu(dst)) {
        void *args[] = {&j.src, &j.sp, &j.sbpp, &j.dst, &j.dp, &j.dbpp, &j.w, &j.h};
        return op_launch_2d(dst->device, KERNEL_COLOUR_RGB_REPACK, j.w, j.h, args);
    }
    ovni_parallel_for(dst->device, j.h, repack_rows, &j);
    return 0;
}

int ovni_convert_into(ovni_frame *dst, const ovni_frame *src)
{
    int ret = op_begin("convert", dst, src);
    if (ret < 0) return ret;
    if (dst->width != src->width || dst->height != src->height)
        return ovni_error(OVNI_EINVAL, "convert: source is %dx%d but destination is %dx%d; use resize to change size",
                          src->width, src->height, dst->width, dst->height);
    if ((unsigned)dst->matrix > OVNI_MATRIX_BT2020 || (unsigned)src->matrix > OVNI_MATRIX_BT2020)
        return ovni_error(OVNI_EINVAL, "convert: unknown colour matrix");
    if ((unsigned)dst->chroma_loc > OVNI_CHROMA_TOP || (unsigned)src->chroma_loc > OVNI_CHROMA_TOP)
        return ovni_error(OVNI_EINVAL, "convert: unknown chroma location %d (expected OVNI_CHROMA_LEFT..TOP)",
                          (unsigned)dst->chroma_loc > OVNI_CHROMA_TOP ? (int)dst->chroma_loc : (int)src->chroma_loc);
    if (dst->format == src->format) return ovni_frame_copy(dst, src);
    int64_t pts = src->pts;
    ovni_rational tb = src->time_base;
    if (is_yuv(src->format) && is_rgb(dst->format)) ret = yuv_to_rgb(dst, src);
    else if (is_rgb(src->format) && dst->format == OVNI_FORMAT_NV12) ret = rgb_to_nv12(dst, src);
    else if (is_rgb(src->format) && is_rgb(dst->format)) ret = rgb_repack(dst, src);
    else if (src->format == OVNI_FORMAT_P010 && dst->format == OVNI_FORMAT_NV12) ret = depth_p010_to_nv12(dst, src);
    else
        return ovni_error(OVNI_EUNSUPPORTED, "convert: %s -> %s is not supported (supported: nv12/p010 -> rgb24/rgba32, "
                          "rgb24/rgba32 -> nv12, p010 -> nv12, rgb24 <-> rgba32)",
                          ovni_format_name(src->format), ovni_format_name(dst->format));
    dst->pts = pts;
    dst->time_base = tb;
    return ret;
}

int ovni_convert(const ovni_frame *src, ovni_format format, ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "convert: out is NULL");
    *out = NULL;
    int ret = frame_check("convert", "source", src);
    if (ret < 0) return ret;
    ovni_frame *f;
    if ((ret = op_new_frame(src, format, src->width, src->height, &f)) < 0) return ret;
    /* YUV output takes the tags the RGB source carries (its YUV origin). */
    f->matrix = src->matrix;
    f->range = src->range;
    f->chroma_loc = src->chroma_loc;
    if ((ret = ovni_convert_into(f, src)) < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    *out = f;
    return 0;
}
