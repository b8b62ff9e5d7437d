/* Chroma key: parameter checks, and the CPU walk over chromakey.h's math. */
#include <math.h>

#include "chromakey.h"
#include "op_internal.h"

static void chromakey_rows(void *ctx, int y0, int y1)
{
    const chromakey_params *p = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < p->width; x++) chromakey_px(p, x, y);
}

int ovni_chroma_key_into(ovni_frame *dst, const ovni_frame *src, const uint8_t key[3], float transparency_t,
                         float opacity_t, float spill)
{
    int ret;
    if ((ret = frame_check("chroma_key", "destination", dst)) < 0 ||
        (ret = frame_check("chroma_key", "source", src)) < 0 || (ret = op_begin("chroma_key", dst, src)) < 0)
        return ret;
    if (dst->format != OVNI_FORMAT_RGBA32)
        return ovni_error(OVNI_EINVAL, "chroma_key: destination format %s is not supported (rgba32)",
                          ovni_format_name(dst->format));
    if (src->format != OVNI_FORMAT_RGB24 && src->format != OVNI_FORMAT_RGBA32)
        return ovni_error(OVNI_EINVAL, "chroma_key: source format %s is not supported (rgb24 or rgba32)",
                          ovni_format_name(src->format));
    if (dst->width != src->width || dst->height != src->height)
        return ovni_error(OVNI_EINVAL, "chroma_key: source is %dx%d but destination is %dx%d", src->width,
                          src->height, dst->width, dst->height);
    if (!key) return ovni_error(OVNI_EINVAL, "chroma_key: key colour is NULL");
    if ((ret = op_check_float("chroma_key", "transparency_t", transparency_t, 0.0, 1.0)) < 0 ||
        (ret = op_check_float("chroma_key", "opacity_t", opacity_t, 0.0, 1.0)) < 0 ||
        (ret = op_check_float("chroma_key", "spill", spill, 0.0, 1.0)) < 0)
        return ret;
    if (opacity_t < transparency_t)
        return ovni_error(OVNI_EINVAL, "chroma_key: opacity_t=%g is below transparency_t=%g", opacity_t,
                          transparency_t);
    chromakey_params p = {
        .src = src->data[0], .src_pitch = src->pitch[0], .src_bpp = ovni_format_pixel_bytes(src->format),
        .dst = dst->data[0], .dst_pitch = dst->pitch[0], .width = src->width, .height = src->height,
        .key = {key[0], key[1], key[2]},
        .scale = (float)(1.0 / (255.0 * sqrt(3.0))),
        .t0 = transparency_t, .t1 = opacity_t,
        .inv_ramp = opacity_t > transparency_t ? 1.0f / (opacity_t - transparency_t) : 0.0f,
        .spill = spill,
    };
    p.dom = key[1] > key[p.dom] ? 1 : p.dom;
    p.dom = key[2] > key[p.dom] ? 2 : p.dom;
    p.o1 = p.dom == 0 ? 1 : 0;
    p.o2 = p.dom == 2 ? 1 : 2;
    /* A key with no single dominant channel (grey, white, cyan, ...) has
     * no tint to remove: pulling the first of its tied channels would tint
     * every pixel that leans that way. So spill fades in with the key's
     * lead over its next channel, full from CHROMAKEY_SPILL_LEAD levels (a
     * green or blue screen leads by 100 or more), none at a tie. */
    const int lead = key[p.dom] - (key[p.o1] > key[p.o2] ? key[p.o1] : key[p.o2]);
    p.spill *= lead >= CHROMAKEY_SPILL_LEAD ? 1.0f : (float)lead / CHROMAKEY_SPILL_LEAD;
    ovni_frame_copy_props(dst, src);
    if (op_on_gpu(dst)) {
        void *args[] = {&p};
        return op_launch_2d(dst->device, KERNEL_CHROMAKEY_KERNEL, p.width, p.height, args);
    }
    ovni_parallel_for(dst->device, p.height, chromakey_rows, &p);
    return 0;
}

int ovni_chroma_key(const ovni_frame *src, const uint8_t key[3], float transparency_t, float opacity_t,
                    float spill, ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "chroma_key: out is NULL");
    *out = NULL;
    int ret = frame_check("chroma_key", "source", src);
    if (ret < 0) return ret;
    ovni_frame *f;
    if ((ret = op_new_frame(src, OVNI_FORMAT_RGBA32, src->width, src->height, &f)) < 0) return ret;
    if ((ret = ovni_chroma_key_into(f, src, key, transparency_t, opacity_t, spill)) < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    *out = f;
    return 0;
}
