/* Crop: a float box of the source mapped onto the output. A whole-pixel
 * box is a copy (crop.h's shift); any other is resampled (resize.h); both
 * run through geometry.c. */
#include <math.h>

#include "geometry.h"

/* Box coordinates: finite, within a generous range around any frame. */
#define CROP_LIMIT (4.0 * OVNI_MAX_DIM)

static int crop_check_box(double left, double top, double right, double bottom)
{
    int ret;
    if ((ret = op_check_float("crop", "left", left, -CROP_LIMIT, CROP_LIMIT)) < 0) return ret;
    if ((ret = op_check_float("crop", "top", top, -CROP_LIMIT, CROP_LIMIT)) < 0) return ret;
    if ((ret = op_check_float("crop", "right", right, -CROP_LIMIT, CROP_LIMIT)) < 0) return ret;
    if ((ret = op_check_float("crop", "bottom", bottom, -CROP_LIMIT, CROP_LIMIT)) < 0) return ret;
    if (!(right > left))
        return ovni_error(OVNI_EINVAL, "crop: right=%g must be greater than left=%g (zero-area box)", right, left);
    if (!(bottom > top))
        return ovni_error(OVNI_EINVAL, "crop: bottom=%g must be greater than top=%g (zero-area box)", bottom, top);
    return 0;
}

int ovni_crop_into(ovni_frame *dst, const ovni_frame *src, float left, float top, float right, float bottom)
{
    int ret = geometry_check("crop", dst, src, 1);
    if (ret < 0) return ret;
    if ((ret = crop_check_box(left, top, right, bottom)) < 0) return ret;
    resize_map m = {0};
    m.edge = SAMPLE_EDGE_CLAMP;
    m.ax[0] = resize_axis_make(((double)right - left) / dst->width, left, src->width);
    m.ax[1] = resize_axis_make(((double)bottom - top) / dst->height, top, src->height);
    return geometry_resample("crop", dst, src, &m, NULL);
}

int ovni_crop(const ovni_frame *src, float left, float top, float right, float bottom, ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "crop: out is NULL");
    *out = NULL;
    int ret = frame_check("crop", "source", src);
    if (ret < 0) return ret;
    if ((ret = crop_check_box(left, top, right, bottom)) < 0) return ret;
    double w = floor((double)right - left + 0.5), h = floor((double)bottom - top + 0.5);
    if (w < 1 || w > OVNI_MAX_DIM)
        return ovni_error(OVNI_EINVAL, "crop: right-left=%g rounds to a width outside 1..%d", (double)right - left,
                          OVNI_MAX_DIM);
    if (h < 1 || h > OVNI_MAX_DIM)
        return ovni_error(OVNI_EINVAL, "crop: bottom-top=%g rounds to a height outside 1..%d", (double)bottom - top,
                          OVNI_MAX_DIM);
    ovni_frame *f;
    if ((ret = op_new_frame(src, src->format, (int)w, (int)h, &f)) < 0) return ret;
    if ((ret = ovni_crop_into(f, src, left, top, right, bottom)) < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    *out = f;
    return 0;
}
