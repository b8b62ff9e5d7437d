/* Scale and translate, as in the original tool: scale about the origin
 * (top-left corner) first, then translate, so
 *     out(x, y) = in((x - tx) / s, (y - ty) / s)
 * in continuous coordinates. The map is axis-aligned, so it runs on
 * resize.h's resampler (area filter when s < 1, bilinear otherwise) with
 * transparent (RGBA) or black (RGB, GRAY8) outside the scaled source and
 * an exact-coverage anti-aliased border. Whole-pixel translations at scale
 * 1 take crop.h's copy path. */
#include "geometry.h"

#define TRANSFORM_T_LIMIT 1e6

static int transform_check(const char *op, float s, float tx, float ty)
{
    int ret;
    if ((ret = op_check_float(op, "s", s, (double)1e-4f, 1e4)) < 0) return ret;
    if ((ret = op_check_float(op, "tx", tx, -TRANSFORM_T_LIMIT, TRANSFORM_T_LIMIT)) < 0) return ret;
    return op_check_float(op, "ty", ty, -TRANSFORM_T_LIMIT, TRANSFORM_T_LIMIT);
}

int ovni_scale_translate_into(ovni_frame *dst, const ovni_frame *src, float s, float tx, float ty)
{
    int ret = geometry_check("scale_translate", dst, src, 1);
    if (ret < 0) return ret;
    if ((ret = transform_check("scale_translate", s, tx, ty)) < 0) return ret;
    resize_map m = {0};
    m.edge = SAMPLE_EDGE_ZERO;
    m.ax[0] = resize_axis_make(1.0 / s, -(double)tx / s, src->width);
    m.ax[1] = resize_axis_make(1.0 / s, -(double)ty / s, src->height);
    return geometry_resample("scale_translate", dst, src, &m, NULL);
}

static int transform_new(const char *op, const ovni_frame *src, float s, float tx, float ty, int width, int height,
                         ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "%s: out is NULL", op);
    *out = NULL;
    int ret = frame_check(op, "source", src);
    if (ret < 0) return ret;
    if ((ret = transform_check(op, s, tx, ty)) < 0) return ret;
    if (width < 0 || width > OVNI_MAX_DIM)
        return ovni_error(OVNI_EINVAL, "%s: width=%d is outside 0..%d (0: the source's)", op, width, OVNI_MAX_DIM);
    if (height < 0 || height > OVNI_MAX_DIM)
        return ovni_error(OVNI_EINVAL, "%s: height=%d is outside 0..%d (0: the source's)", op, height, OVNI_MAX_DIM);
    ovni_frame *f;
    if ((ret = op_new_frame(src, src->format, width ? width : src->width, height ? height : src->height, &f)) < 0)
        return ret;
    if ((ret = ovni_scale_translate_into(f, src, s, tx, ty)) < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    *out = f;
    return 0;
}

int ovni_scale_translate(const ovni_frame *src, float s, float tx, float ty, int width, int height, ovni_frame **out)
{
    return transform_new("scale_translate", src, s, tx, ty, width, height, out);
}

int ovni_scale(const ovni_frame *src, float s, ovni_frame **out)
{
    return transform_new("scale", src, s, 0.0f, 0.0f, 0, 0, out);
}

int ovni_translate(const ovni_frame *src, float tx, float ty, ovni_frame **out)
{
    return transform_new("translate", src, 1.0f, tx, ty, 0, 0, out);
}
