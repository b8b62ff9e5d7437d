/* Resize: the whole source onto the whole destination, through the
 * resampler (geometry.c, resize.h). */
#include "geometry.h"

int ovni_resize_into(ovni_frame *dst, const ovni_frame *src)
{
    int ret = geometry_check("resize", dst, src, 1);
    return ret < 0 ? ret : geometry_resize(dst, src);
}

int ovni_resize(const ovni_frame *src, int width, int height, ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "resize: out is NULL");
    *out = NULL;
    int ret = frame_check("resize", "source", src);
    if (ret < 0) return ret;
    if (width < 1 || width > OVNI_MAX_DIM)
        return ovni_error(OVNI_EINVAL, "resize: width=%d is outside 1..%d", width, OVNI_MAX_DIM);
    if (height < 1 || height > OVNI_MAX_DIM)
        return ovni_error(OVNI_EINVAL, "resize: height=%d is outside 1..%d", height, OVNI_MAX_DIM);
    ovni_frame *f;
    if ((ret = op_new_frame(src, src->format, width, height, &f)) < 0) return ret;
    if ((ret = ovni_resize_into(f, src)) < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    *out = f;
    return 0;
}
