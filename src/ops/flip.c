/* Flip horizontally and/or vertically, and the eight EXIF orientations
 * (quarter turns, flips, transposes): the CPU walk and dispatch. */
#include "flip.h"
#include "geometry.h"

static void flip_rows(void *ctx, int y0, int y1)
{
    const flip_map *f = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < f->w; x++) flip_px(f, x, y);
}

/* One plane: dst's plane i (w x h pixels of bpp bytes) from src's. */
static int flip_plane(ovni_frame *dst, const ovni_frame *src, int i, int w, int h, int bpp, int t, int hz, int vt)
{
    flip_map f = {src->data[i], src->pitch[i], dst->data[i], dst->pitch[i], w, h, bpp, hz, vt, t};
    if (op_on_gpu(dst)) {
        void *args[] = {&f};
        return op_launch_2d(dst->device, KERNEL_FLIP, f.w, f.h, args);
    }
    ovni_parallel_for(dst->device, f.h, flip_rows, &f);
    return 0;
}

int ovni_flip_into(ovni_frame *dst, const ovni_frame *src, int horizontal, int vertical)
{
    int ret = geometry_check("flip", dst, src, 1);
    if (ret < 0) return ret;
    if (dst->width != src->width || dst->height != src->height)
        return ovni_error(OVNI_EINVAL, "flip: source is %dx%d but destination is %dx%d", src->width, src->height,
                          dst->width, dst->height);
    ovni_frame_copy_props(dst, src);
    return flip_plane(dst, src, 0, src->width, src->height, ovni_format_pixel_bytes(src->format), 0,
                      horizontal != 0, vertical != 0);
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

/* A frame's tags after the turn: a transpose swaps the chroma siting's axes
 * (left, co-sited across, becomes top, co-sited down); a top-bottom mirror
 * of an even-height interlaced frame swaps its fields. */
static void orient_props(ovni_frame *dst, int t, int vt)
{
    if (t && dst->chroma_loc == OVNI_CHROMA_LEFT) dst->chroma_loc = OVNI_CHROMA_TOP;
    else if (t && dst->chroma_loc == OVNI_CHROMA_TOP) dst->chroma_loc = OVNI_CHROMA_LEFT;
    if (vt && !t && !(dst->height & 1)) {
        if (dst->field_order == OVNI_FIELD_TT) dst->field_order = OVNI_FIELD_BB;
        else if (dst->field_order == OVNI_FIELD_BB) dst->field_order = OVNI_FIELD_TT;
    }
}

int ovni_orient_into(ovni_frame *dst, const ovni_frame *src, int orientation)
{
    int t, hz, vt;
    int ret = op_begin("orient", dst, src);
    if (ret < 0) return ret;
    if (flip_orientation(orientation, &t, &hz, &vt) < 0)
        return ovni_error(OVNI_EINVAL, "orient: orientation=%d is outside 1..8", orientation);
    if (dst->format != src->format)
        return ovni_error(OVNI_EINVAL, "orient: source is %s but destination is %s; convert first",
                          ovni_format_name(src->format), ovni_format_name(dst->format));
    int w = t ? src->height : src->width, h = t ? src->width : src->height;
    if (dst->width != w || dst->height != h)
        return ovni_error(OVNI_EINVAL, "orient: orientation %d of a %dx%d source is %dx%d, but the destination is %dx%d",
                          orientation, src->width, src->height, w, h, dst->width, dst->height);
    if ((ret = op_check_apart("orient", dst, src)) < 0) return ret;
    ovni_frame_copy_props(dst, src);
    orient_props(dst, t, vt);
    int bpp = ovni_format_pixel_bytes(src->format);
    if ((ret = flip_plane(dst, src, 0, w, h, bpp, t, hz, vt)) < 0) return ret;
    if (ovni_format_planes(src->format) == 2) /* interleaved UV: one pixel of two samples */
        ret = flip_plane(dst, src, 1, (w + 1) / 2, (h + 1) / 2, 2 * bpp, t, hz, vt);
    return ret;
}

int ovni_orient(const ovni_frame *src, int orientation, ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "orient: out is NULL");
    *out = NULL;
    int ret = frame_check("orient", "source", src);
    if (ret < 0) return ret;
    int t, hz, vt;
    if (flip_orientation(orientation, &t, &hz, &vt) < 0)
        return ovni_error(OVNI_EINVAL, "orient: orientation=%d is outside 1..8", orientation);
    ovni_frame *f;
    if ((ret = op_new_frame(src, src->format, t ? src->height : src->width, t ? src->width : src->height, &f)) < 0)
        return ret;
    if ((ret = ovni_orient_into(f, src, orientation)) < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    *out = f;
    return 0;
}
