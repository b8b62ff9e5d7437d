#include "op_internal.h"

int op_begin(const char *op, ovni_frame *dst, const ovni_frame *src)
{
    int ret;
    if ((ret = frame_check(op, src ? "destination" : "", dst)) < 0) return ret;
    if (src) {
        if ((ret = frame_check(op, "source", src)) < 0) return ret;
        if ((ret = frames_compatible(op, dst, src)) < 0) return ret;
        if ((ret = frame_host_sync(src)) < 0) return ret;
    }
    return frame_host_sync(dst);
}

/* One past the last byte of f's first plane. */
static const uint8_t *plane_end(const ovni_frame *f)
{
    return f->data[0] + (size_t)(f->height - 1) * f->pitch[0] + (size_t)f->width * ovni_format_pixel_bytes(f->format);
}

int op_frames_overlap(const ovni_frame *a, const ovni_frame *b)
{
    return a->memory == b->memory && a->data[0] < plane_end(b) && b->data[0] < plane_end(a);
}

int op_check_apart(const char *op, const ovni_frame *dst, const ovni_frame *src)
{
    if (op_frames_overlap(dst, src))
        return ovni_error(OVNI_EINVAL, "%s: destination and source share pixels; write into another frame", op);
    return 0;
}

int op_launch_2d(ovni_device *dev, gpu_kernel k, int w, int h, void **args)
{
    int ret = gpu_enter(dev);
    if (ret < 0) return ret;
    ret = gpu_launch_2d(dev, k, w, h, args);
    gpu_leave(dev);
    return ret;
}

int op_check_float(const char *op, const char *name, double v, double lo, double hi)
{
    if (!ovni_is_finite(v) || v < lo || v > hi)
        return ovni_error(OVNI_EINVAL, "%s: %s=%g is outside %g..%g", op, name, v, lo, hi);
    return 0;
}

int op_new_frame(const ovni_frame *like, ovni_format format, int w, int h, ovni_frame **out)
{
    return ovni_frame_new(like->device, format, w, h, like->memory, out);
}
