/* The geometric ops' shared host side: the frame check, the whole-pixel
 * shift (crop.h) and the axis-aligned resampler's run (resize.h), with
 * their CPU walks and kernel launches. crop, resize, scale/translate, fit,
 * rotate and flip call it and nothing else of each other. */
#include <math.h>

#include "crop.h"
#include "geometry.h"
#include "resize.h"

static void crop_rows(void *ctx, int y0, int y1)
{
    const crop_shift *p = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < p->dst_w; x++) crop_shift_px(p, x, y);
}

int geometry_shift_run(ovni_frame *dst, crop_shift *p)
{
    if (op_on_gpu(dst)) {
        void *args[] = {p};
        return op_launch_2d(dst->device, KERNEL_CROP_SHIFT, p->dst_w, p->dst_h, args);
    }
    ovni_parallel_for(dst->device, p->dst_h, crop_rows, p);
    return 0;
}

int geometry_check(const char *op, ovni_frame *dst, const ovni_frame *src, int allow_gray)
{
    int ret = op_begin(op, dst, src);
    if (ret < 0) return ret;
    if (dst->format != src->format)
        return ovni_error(OVNI_EINVAL, "%s: source is %s but destination is %s; convert first", op,
                          ovni_format_name(src->format), ovni_format_name(dst->format));
    if (src->format != OVNI_FORMAT_RGB24 && src->format != OVNI_FORMAT_RGBA32 &&
        !(allow_gray && src->format == OVNI_FORMAT_GRAY8))
        return ovni_error(OVNI_EINVAL, "%s: format %s is not supported (rgb24, rgba32%s)", op,
                          ovni_format_name(src->format), allow_gray ? ", gray8" : "");
    return op_check_apart(op, dst, src);
}

void resize_fill_colour(const uint8_t fill[4], float out[4])
{
    for (int k = 0; k < 4; k++) out[k] = fill ? (float)fill[k] : 0.0f;
    out[3] *= 1.0f / 255.0f;
}

static void resize_rows(void *ctx, int y0, int y1)
{
    const resize_map *m = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < m->dst_w; x++) resize_px_sum(m, x, y, m->wide);
}

typedef struct {
    const resize_map *m;
    resize_subpx s;
} subpx_job;

static void resize_subpx_rows(void *ctx, int y0, int y1)
{
    const subpx_job *j = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < j->m->dst_w; x++) resize_subpx_px(j->m, &j->s, x, y);
}

/* A whole-pixel shift (scale 1 and integer offsets on both axes) is a copy. */
static int resize_as_shift(ovni_frame *dst, const resize_map *m)
{
    for (int a = 0; a < 2; a++)
        if (m->ax[a].scale != 1.0f || m->ax[a].off != floorf(m->ax[a].off) || fabsf(m->ax[a].off) > 1e7f) return 1;
    crop_shift p = {
        m->src.data, m->src.pitch, m->src.width, m->src.height, m->src.bpp,
        m->dst, m->dst_pitch, m->dst_w, m->dst_h,
        (int)m->ax[0].off, (int)m->ax[1].off, m->edge == SAMPLE_EDGE_CLAMP, 0,
    };
    /* What resize_px writes for a pixel wholly outside: the fill itself. */
    sample_px none = {{0.0f, 0.0f, 0.0f}, 0.0f};
    uint8_t fill[4] = {0, 0, 0, 0};
    sample_store_over(fill, m->src.bpp, none, m->fill);
    p.fill = (uint32_t)fill[0] | (uint32_t)fill[1] << 8 | (uint32_t)fill[2] << 16 | (uint32_t)fill[3] << 24;
    return geometry_shift_run(dst, &p);
}

/* A wide map on the GPU: a thread per output pixel and footprint row
 * (ovni_resize_wide_row), adding into per-pixel slots of a zeroed scratch
 * plane, released once the launch is queued (the device's one stream
 * orders its reuse). */
static int resample_wide_gpu(ovni_frame *dst, const resize_map *m)
{
    const int px = m->dst_w * m->dst_h, cols = px < OVNI_MAX_DIM / RESIZE_WIDE_SLOT ? px : OVNI_MAX_DIM / RESIZE_WIDE_SLOT;
    ovni_frame *scratch = NULL;
    int ret = op_new_frame(dst, OVNI_FORMAT_GRAY8, cols * RESIZE_WIDE_SLOT, (px + cols - 1) / cols, &scratch);
    if (ret < 0) return ret;
    resize_wide_slots slots = {scratch->data[0], scratch->pitch[0], cols};
    if (scratch->pitch[0] % 8 || (uintptr_t)scratch->data[0] % 8)
        ret = ovni_error(OVNI_EGPU, "resize: the scratch plane is not 8-byte aligned");
    if (ret == 0 && (ret = gpu_enter(dst->device)) == 0) {
        CUresult r = dst->device->x.cuMemsetD2D8Async((CUdeviceptr)(uintptr_t)scratch->data[0], scratch->pitch[0], 0,
                                                      (size_t)scratch->width, (size_t)scratch->height,
                                                      dst->device->stream);
        if (r != CUDA_SUCCESS) ret = gpu_fail(dst->device, r, "cuMemsetD2D8Async", "resize scratch");
        gpu_leave(dst->device);
    }
    void *args[] = {(void *)m, &slots};
    if (ret == 0) ret = op_launch_2d(dst->device, KERNEL_RESIZE_WIDE_ROW, px, resize_wide_rows(m), args);
    ovni_frame_unref(&scratch);
    return ret;
}

int geometry_resample(const char *op, ovni_frame *dst, const ovni_frame *src, resize_map *m, const uint8_t fill[4])
{
    m->src.data = src->data[0];
    m->src.pitch = src->pitch[0];
    m->src.width = src->width;
    m->src.height = src->height;
    m->src.bpp = ovni_format_pixel_bytes(src->format);
    m->dst = dst->data[0];
    m->dst_pitch = dst->pitch[0];
    m->dst_w = dst->width;
    m->dst_h = dst->height;
    resize_fill_colour(fill, m->fill);
    m->wide = resize_map_wide(m);
    ovni_frame_copy_props(dst, src);
    int ret = resize_as_shift(dst, m);
    if (ret <= 0) return ret;
    subpx_job j = {m, {0}};
    if (resize_subpx_make(m, &j.s)) {
        if (op_on_gpu(dst)) {
            void *args[] = {m, &j.s};
            const int per = RESIZE_SUBPX_PX(m->src.bpp);
            return op_launch_2d(dst->device, KERNEL_RESIZE_SUBPX, (dst->width + per - 1) / per, dst->height, args);
        }
        ovni_parallel_for(dst->device, dst->height, resize_subpx_rows, &j);
        return 0;
    }
    if (op_on_gpu(dst)) {
        void *args[] = {m};
        if (m->wide) return resample_wide_gpu(dst, m);
        if (m->src.bpp == 1) /* GRAY8: 4 pixels of a row a thread (resize.cu) */
            return op_launch_2d(dst->device, KERNEL_RESIZE_GRAY4, (dst->width + 3) / 4, dst->height, args);
        return op_launch_2d(dst->device, KERNEL_RESIZE_MAP, dst->width, dst->height, args);
    }
    ovni_parallel_for(dst->device, dst->height, resize_rows, m);
    return 0;
}

int geometry_resize(ovni_frame *dst, const ovni_frame *src)
{
    resize_map m = {0};
    m.edge = SAMPLE_EDGE_CLAMP;
    m.ax[0] = resize_axis_make((double)src->width / dst->width, 0.0, src->width);
    m.ax[1] = resize_axis_make((double)src->height / dst->height, 0.0, src->height);
    return geometry_resample("resize", dst, src, &m, NULL);
}
