/* Crossfade and brightness/contrast/saturation: parameter checks, and the
 * CPU walk over mix.h's math. */
#include "mix.h"
#include "op_internal.h"

static void crossfade_rows(void *ctx, int y0, int y1)
{
    const mix_crossfade_params *p = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < p->width; x++) mix_crossfade_px(p, x, y);
}

int ovni_crossfade_into(ovni_frame *dst, const ovni_frame *a, const ovni_frame *b, float t)
{
    int ret;
    if ((ret = frame_check("crossfade", "destination", dst)) < 0 || (ret = frame_check("crossfade", "a", a)) < 0 ||
        (ret = frame_check("crossfade", "b", b)) < 0 || (ret = op_begin("crossfade", dst, a)) < 0 ||
        (ret = op_begin("crossfade", dst, b)) < 0)
        return ret;
    if (a->format != b->format || a->format != dst->format)
        return ovni_error(OVNI_EINVAL, "crossfade: formats differ (a %s, b %s, destination %s)",
                          ovni_format_name(a->format), ovni_format_name(b->format), ovni_format_name(dst->format));
    if (a->format != OVNI_FORMAT_RGB24 && a->format != OVNI_FORMAT_RGBA32 && a->format != OVNI_FORMAT_GRAY8)
        return ovni_error(OVNI_EINVAL, "crossfade: format %s is not supported (rgb24, rgba32 or gray8)",
                          ovni_format_name(a->format));
    if (a->width != b->width || a->height != b->height || a->width != dst->width || a->height != dst->height)
        return ovni_error(OVNI_EINVAL, "crossfade: sizes differ (a %dx%d, b %dx%d, destination %dx%d)", a->width,
                          a->height, b->width, b->height, dst->width, dst->height);
    if ((ret = op_check_float("crossfade", "t", t, 0.0, 1.0)) < 0) return ret;
    mix_crossfade_params p = {a->data[0], b->data[0], dst->data[0], a->pitch[0], b->pitch[0], dst->pitch[0],
                              ovni_format_pixel_bytes(a->format), a->width, a->height, t};
    ovni_frame_copy_props(dst, a);
    if (op_on_gpu(dst)) {
        void *args[] = {&p};
        return op_launch_2d(dst->device, KERNEL_MIX_CROSSFADE_KERNEL, p.width, p.height, args);
    }
    ovni_parallel_for(dst->device, p.height, crossfade_rows, &p);
    return 0;
}

int ovni_crossfade(const ovni_frame *a, const ovni_frame *b, float t, ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "crossfade: out is NULL");
    *out = NULL;
    int ret = frame_check("crossfade", "a", a);
    if (ret < 0) return ret;
    ovni_frame *f;
    if ((ret = op_new_frame(a, a->format, a->width, a->height, &f)) < 0) return ret;
    if ((ret = ovni_crossfade_into(f, a, b, t)) < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    *out = f;
    return 0;
}

static void adjust_rows(void *ctx, int y0, int y1)
{
    const mix_adjust_params *p = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < p->width; x++) mix_adjust_px(p, x, y);
}

int ovni_adjust(ovni_frame *frame, float brightness, float contrast, float saturation)
{
    int ret;
    if ((ret = frame_check("adjust", "frame", frame)) < 0 || (ret = op_begin("adjust", frame, NULL)) < 0)
        return ret;
    if (frame->format != OVNI_FORMAT_RGB24 && frame->format != OVNI_FORMAT_RGBA32)
        return ovni_error(OVNI_EINVAL, "adjust: frame format %s is not supported (rgb24 or rgba32)",
                          ovni_format_name(frame->format));
    if ((ret = op_check_float("adjust", "brightness", brightness, -1.0, 1.0)) < 0 ||
        (ret = op_check_float("adjust", "contrast", contrast, 0.0, 10.0)) < 0 ||
        (ret = op_check_float("adjust", "saturation", saturation, 0.0, 10.0)) < 0)
        return ret;
    if (brightness == 0.0f && contrast == 1.0f && saturation == 1.0f) return 0;
    mix_adjust_params p = {frame->data[0], frame->pitch[0], ovni_format_pixel_bytes(frame->format), frame->width,
                           frame->height, contrast * saturation, contrast * (1.0f - saturation),
                           127.5f * (1.0f - contrast) + 255.0f * brightness};
    if (op_on_gpu(frame)) {
        void *args[] = {&p};
        return op_launch_2d(frame->device, KERNEL_MIX_ADJUST_KERNEL, p.width, p.height, args);
    }
    ovni_parallel_for(frame->device, p.height, adjust_rows, &p);
    return 0;
}
