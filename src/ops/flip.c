/* Flip horizontally and/or vertically: the CPU walk and dispatch. */
#include "flip.h"
#include "geometry.h"

static void flip_rows(void *ctx, int y0, int y1)
{
    const flip_map *f = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < f->w; x++) flip_px(f, x, y);
}

int ovni_flip_into(ovni_frame *dst, const ovni_frame *src, int horizontal, int vertical)
{
    int ret = geometry_check("flip", dst, src, 1);
    if (ret < 0) return ret;
    if (dst->width != src->width || dst->height != src->height)
        return ovni_error(OVNI_EINVAL, "flip: source is %dx%d but destination is %dx%d", src->width, src->height,
                          dst->width, dst->height);
    flip_map f = {src->data[0], src->pitch[0], dst->data[0], dst->pitch[0], src->width, src->height,
                  ovni_format_pixel_bytes(src->format), horizontal != 0, vertical != 0};
    ovni_frame_copy_props(dst, src);
    if (op_on_gpu(dst)) {
        void *args[] = {&f};
        return op_launch_2d(dst->device, KERNEL_FLIP, f.w, f.h, args);
    }
    ovni_parallel_for(dst->device, f.h, flip_rows, &f);
    return 0;
}

int ovni_flip(const ovni_frame *src, int horizontal, int vertical, ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "flip: out is NULL");
    *out = NULL;
    int ret = frame_check("flip", "source", src);
    if (ret < 0) return ret;
    ovni_frame *f;
    if ((ret = op_new_frame(src, src->format, src->width, src->height, &f)) < 0) return ret;
    if ((ret = ovni_flip_into(f, src, horizontal, vertical)) < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    *out = f;
    return 0;
}
