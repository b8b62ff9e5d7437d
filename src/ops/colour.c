/* Colour conversion: dispatch, and the CPU walk over colour.h's math. */
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
/* One walk per siting, so the block's filter loops have constant lengths. */
#define NV12_ROWS(name, hc, vt)                                                              \
    static void name(void *ctx, int by0, int by1)                                            \
    {                                                                                        \
        const colour_rgb_to_nv12 *p = ctx;                                                   \
        for (int by = by0; by < by1; by++)                                                   \
            for (int bx = 0; bx < (p->width + 1) / 2; bx++) colour_rgb_to_nv12_block(p, bx, by, hc, vt); \
    }
NV12_ROWS(nv12_rows_left, 0, 0)
NV12_ROWS(nv12_rows_center, 1, 0)
NV12_ROWS(nv12_rows_topleft, 0, 1)
NV12_ROWS(nv12_rows_top, 1, 1)

static int rgb_to_nv12(ovni_frame *dst, const ovni_frame *src)
{
    colour_rgb_to_nv12 p = {
        src->data[0], src->pitch[0], ovni_format_pixel_bytes(src->format), src->width, src->height,
        dst->data[0], dst->data[1], dst->pitch[0], dst->pitch[1],
        colour_coefs_make((int)dst->matrix, dst->range == OVNI_RANGE_FULL, 8),
        (int)dst->chroma_loc,
    };
    if (op_on_gpu(dst)) {
        static const gpu_kernel kernels[4] = {KERNEL_COLOUR_RGB_TO_NV12_LEFT, KERNEL_COLOUR_RGB_TO_NV12_CENTER,
                                              KERNEL_COLOUR_RGB_TO_NV12_TOPLEFT, KERNEL_COLOUR_RGB_TO_NV12_TOP};
        void *args[] = {&p};
        const int strips = ((src->height + 1) / 2 + COLOUR_NV12_STRIP - 1) / COLOUR_NV12_STRIP;
        return op_launch_2d(dst->device, kernels[p.loc], (src->width + 1) / 2, strips, args);
    }
    static void (*const walks[4])(void *, int, int) = {nv12_rows_left, nv12_rows_center, nv12_rows_topleft,
                                                        nv12_rows_top};
    ovni_parallel_for(dst->device, (src->height + 1) / 2, walks[p.loc], &p);
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
