/* Fit (letterbox) and cover (fill and centre-crop) into a size: both are
 * axis-aligned maps, so one pass of resize.h's resampler (area filter when
 * shrinking) does the scaling and the padding together. */
#include <math.h>

#include "geometry.h"

int ovni_fit_into(ovni_frame *dst, const ovni_frame *src, const uint8_t pad[4])
{
    int ret = geometry_check("fit", dst, src, 1);
    if (ret < 0) return ret;
    double s = fmin((double)dst->width / src->width, (double)dst->height / src->height);
    /* Whole-pixel size and offset of the picture, so its edges are crisp
     * (the aspect ratio moves by at most half a pixel). */
    double sw = fmax(1.0, fmin(dst->width, floor(src->width * s + 0.5)));
    double sh = fmax(1.0, fmin(dst->height, floor(src->height * s + 0.5)));
    double tx = floor((dst->width - sw) / 2), ty = floor((dst->height - sh) / 2);
    resize_map m = {0};
    m.edge = SAMPLE_EDGE_ZERO;
    m.ax[0] = resize_axis_make(src->width / sw, -tx * src->width / sw, src->width);
    m.ax[1] = resize_axis_make(src->height / sh, -ty * src->height / sh, src->height);
    return geometry_resample("fit", dst, src, &m, pad);
}

int ovni_cover_into(ovni_frame *dst, const ovni_frame *src)
{
    int ret = geometry_check("cover", dst, src, 1);
    if (ret < 0) return ret;
    double s = fmax((double)dst->width / src->width, (double)dst->height / src->height);
    resize_map m = {0};
    m.edge = SAMPLE_EDGE_CLAMP;
    /* Centres aligned: output edge 0 sits at w/2 - (W/2)/s in the source. */
    m.ax[0] = resize_axis_make(1.0 / s, 0.5 * src->width - 0.5 * dst->width / s, src->width);
    m.ax[1] = resize_axis_make(1.0 / s, 0.5 * src->height - 0.5 * dst->height / s, src->height);
    return geometry_resample("cover", dst, src, &m, NULL);
}

static int fit_new(const char *op, const ovni_frame *src, int width, int height, const uint8_t pad[4], int cover,
                   ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "%s: out is NULL", op);
    *out = NULL;
    int ret = frame_check(op, "source", src);
    if (ret < 0) return ret;
    if (width < 1 || width > OVNI_MAX_DIM)
        return ovni_error(OVNI_EINVAL, "%s: width=%d is outside 1..%d", op, width, OVNI_MAX_DIM);
    if (height < 1 || height > OVNI_MAX_DIM)
        return ovni_error(OVNI_EINVAL, "%s: height=%d is outside 1..%d", op, height, OVNI_MAX_DIM);
    ovni_frame *f;
    if ((ret = op_new_frame(src, src->format, width, height, &f)) < 0) return ret;
    ret = cover ? ovni_cover_into(f, src) : ovni_fit_into(f, src, pad);
    if (ret < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    *out = f;
    return 0;
}

int ovni_fit(const ovni_frame *src, int width, int height, const uint8_t pad[4], ovni_frame **out)
{
    return fit_new("fit", src, width, height, pad, 0, out);
}

int ovni_cover(const ovni_frame *src, int width, int height, ovni_frame **out)
{
    return fit_new("cover", src, width, height, NULL, 1, out);
}
