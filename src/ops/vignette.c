/* Vignette: checks, dispatch, and the CPU walk over vignette.h. */
#include <math.h>

#include "op_internal.h"
#include "vignette.h"

static void vignette_rows(void *ctx, int y0, int y1)
{
    const vignette_params *v = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < v->width; x++) vignette_px(v, x, y);
}

int ovni_vignette(ovni_frame *frame, float strength, float radius, float softness)
{
    int ret = op_begin("vignette", frame, NULL);
    if (ret < 0) return ret;
    if ((ret = op_check_float("vignette", "strength", strength, 0.0, 1.0)) < 0 ||
        (ret = op_check_float("vignette", "radius", radius, 0.0, 2.0)) < 0 ||
        (ret = op_check_float("vignette", "softness", softness, 0.0, 2.0)) < 0)
        return ret;
    if (frame->format != OVNI_FORMAT_RGB24 && frame->format != OVNI_FORMAT_RGBA32)
        return ovni_error(OVNI_EINVAL, "vignette: frame format %s is not supported (rgb24, rgba32)",
                          ovni_format_name(frame->format));
    if (strength == 0.0) return 0;
    double w = frame->width, h = frame->height;
    vignette_params v = {
        frame->data[0], frame->pitch[0], frame->width, frame->height, ovni_format_pixel_bytes(frame->format),
        (float)(0.5 * w), (float)(0.5 * h), (float)(2.0 / sqrt(w * w + h * h)),
        (float)strength, (float)radius, softness > 0.0 ? (float)(1.0 / softness) : 0.0f,
    };
    if (op_on_gpu(frame)) {
        void *args[] = {&v};
        /* the kernel does 4 pixels per thread */
        return op_launch_2d(frame->device, KERNEL_VIGNETTE_APPLY, (v.width + 3) / 4, v.height, args);
    }
    ovni_parallel_for(frame->device, v.height, vignette_rows, &v);
    return 0;
}
