/* gaussian_blur: checks and the choice of path. Below BLUR_PYR_MIN_SIGMA the
 * exact blur (blur.c), from there the constant-time one (blur_pyramid.c),
 * which runs the exact blur on its small frame: a chain, this file at its
 * head. */
#include "blur.h"
#include "blur_pyramid.h"
#include "op_internal.h"

#define BLUR_SIGMA_MAX 170.0    /* from 6 the constant-time path: blur_pyramid.h */
#define BLUR_SIGMA_IDENTITY 0.1 /* below this the kernel is a single tap */

int ovni_gaussian_blur_into(ovni_frame *dst, const ovni_frame *src, float sigma)
{
    int ret = op_begin("gaussian_blur", dst, src);
    if (ret < 0) return ret;
    if ((ret = op_check_float("gaussian_blur", "sigma", sigma, 0.0, BLUR_SIGMA_MAX)) < 0) return ret;
    if (src->format != OVNI_FORMAT_RGB24 && src->format != OVNI_FORMAT_RGBA32 && src->format != OVNI_FORMAT_GRAY8)
        return ovni_error(OVNI_EINVAL, "gaussian_blur: source format %s is not supported (rgb24, rgba32, gray8)",
                          ovni_format_name(src->format));
    if (dst->format != src->format || dst->width != src->width || dst->height != src->height)
        return ovni_error(OVNI_EINVAL, "gaussian_blur: destination (%s %dx%d) must match the source (%s %dx%d)",
                          ovni_format_name(dst->format), dst->width, dst->height, ovni_format_name(src->format),
                          src->width, src->height);
    if (sigma < BLUR_SIGMA_IDENTITY) return dst == src ? 0 : ovni_frame_copy(dst, src);
    ovni_frame_copy_props(dst, src);
    return sigma < BLUR_PYR_MIN_SIGMA ? blur_exact_into(dst, src, sigma) : blur_pyramid_into(dst, src, sigma);
}

int ovni_gaussian_blur(const ovni_frame *src, float sigma, ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "gaussian_blur: out is NULL");
    *out = NULL;
    int ret = frame_check("gaussian_blur", "source", src);
    if (ret < 0) return ret;
    ovni_frame *f;
    if ((ret = op_new_frame(src, src->format, src->width, src->height, &f)) < 0) return ret;
    if ((ret = ovni_gaussian_blur_into(f, src, sigma)) < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    *out = f;
    return 0;
}
