/* Depth reduction P010 -> NV12 (depth.h's rule): the CPU walk and dispatch,
 * reached through ovni_convert. */
#include "depth.h"
#include "op_internal.h"

/* A row at a time, the row's two dither values taken once. */
static void depth_rows(void *ctx, int y0, int y1)
{
    const depth_plane *p = ctx;
    for (int y = y0; y < y1; y++) {
        const uint16_t *s = (const uint16_t *)(p->src + (size_t)y * p->src_pitch);
        uint8_t *d = p->dst + (size_t)y * p->dst_pitch;
        const unsigned dither[2] = {depth_dither(0, y), depth_dither(1, y)};
        if (p->samples == 1) {
            for (int x = 0; x < p->w; x++) d[x] = depth_10_to_8((unsigned)s[x] >> 6, dither[x & 1], p->full);
        } else {
            for (int x = 0; x < p->w; x++) {
                d[2 * x] = depth_10_to_8((unsigned)s[2 * x] >> 6, dither[x & 1], 0);
                d[2 * x + 1] = depth_10_to_8((unsigned)s[2 * x + 1] >> 6, dither[x & 1], 0);
            }
        }
    }
}

/* The reference (checkops): each pixel alone through depth_px. */
static void depth_rows_naive(void *ctx, int y0, int y1)
{
    const depth_plane *p = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < p->w; x++) depth_px(p, x, y);
}

int depth_p010_to_nv12(ovni_frame *dst, const ovni_frame *src)
{
    int ret = op_check_apart("convert", dst, src);
    if (ret < 0) return ret;
    for (int i = 0; i < 2; i++) {
        depth_plane p = {src->data[i], src->pitch[i], dst->data[i], dst->pitch[i],
                         i ? (src->width + 1) / 2 : src->width, i ? (src->height + 1) / 2 : src->height,
                         i ? 2 : 1, !i && src->range == OVNI_RANGE_FULL};
        if (op_on_gpu(dst)) {
            void *args[] = {&p};
            if ((ret = op_launch_2d(dst->device, KERNEL_DEPTH_P010_TO_NV12, p.w, p.h, args)) < 0) return ret;
        } else {
            ovni_parallel_for(dst->device, p.h, op_reference(dst) ? depth_rows_naive : depth_rows, &p);
        }
    }
    /* the same codes at 8 bits: every tag stays */
    ovni_frame_copy_props(dst, src);
    return 0;
}
