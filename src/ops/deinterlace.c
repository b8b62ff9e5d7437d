/* Deinterlacing: parameter checks, plane set-up, and the CPU walk over
 * deinterlace.h's math. */
#include <string.h>

#include "deinterlace.h"
#include "op_internal.h"

static void deint_rows(void *ctx, int y0, int y1)
{
    /* a local copy with `wide` a known constant in each loop, so the
     * compiler neither reloads the parameters after every byte stored nor
     * tests the sample size per tap */
    deint_plane p = *(const deint_plane *)ctx;
    const int wide = p.wide;
    const size_t row = (size_t)p.width * (wide ? 2 : 1);
    for (int y = y0; y < y1; y++) {
        uint8_t *o = p.dst + (size_t)y * p.dst_pitch;
        if ((y & 1) == p.keep) {
            memcpy(o, p.cur.data + (size_t)y * p.cur.pitch, row);
            continue;
        }
        const deint_taps t = deint_taps_make(&p, y);
        if (wide) {
            p.wide = 1;
            for (int x = 0; x < p.width; x++) deint_store(o, x, deint_value(&p, &t, x), 1);
        } else {
            p.wide = 0;
            for (int x = 0; x < p.width; x++) o[x] = (uint8_t)deint_value(&p, &t, x);
        }
    }
}

/* checkops' reference: every sample alone through deint_px (its taps found
 * again for each one, kept rows copied sample by sample). */
static void deint_rows_naive(void *ctx, int y0, int y1)
{
    const deint_plane *p = ctx;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < p->width; x++) deint_px(p, x, y);
}

static int check_neighbour(const char *name, const ovni_frame *f, const ovni_frame *cur, ovni_frame *dst)
{
    int ret;
    if (!f) return 0;
    if ((ret = frame_check("deinterlace", name, f)) < 0) return ret;
    if (f->format != cur->format || f->width != cur->width || f->height != cur->height)
        return ovni_error(OVNI_EINVAL, "deinterlace: %s is %s %dx%d, cur is %s %dx%d (they must match)", name,
                          ovni_format_name(f->format), f->width, f->height, ovni_format_name(cur->format),
                          cur->width, cur->height);
    if (f->memory != cur->memory || f->device != cur->device)
        return ovni_error(OVNI_EINVAL, "deinterlace: %s is in another memory or on another device than cur", name);
    if ((ret = op_begin("deinterlace", dst, f)) < 0) return ret;
    return op_check_apart("deinterlace", dst, f);
}

/* One plane's parameters; plane 1 is NV12/P010's interleaved UV. */
static deint_plane plane_make(ovni_frame *dst, const ovni_frame *prev, const ovni_frame *cur,
                              const ovni_frame *next, int pl, int keep, int second, int intra)
{
    const int yuv = cur->format == OVNI_FORMAT_NV12 || cur->format == OVNI_FORMAT_P010;
    deint_plane p;
    memset(&p, 0, sizeof(p));
    p.cur = (deint_src){cur->data[pl], cur->pitch[pl]};
    p.prev = prev ? (deint_src){prev->data[pl], prev->pitch[pl]} : p.cur;
    p.next = next ? (deint_src){next->data[pl], next->pitch[pl]} : p.cur;
    p.dst = dst->data[pl];
    p.dst_pitch = dst->pitch[pl];
    p.wide = cur->format == OVNI_FORMAT_P010;
    p.width = pl ? 2 * ((cur->width + 1) / 2) : yuv ? cur->width : cur->width * ovni_format_pixel_bytes(cur->format);
    p.height = pl ? (cur->height + 1) / 2 : cur->height;
    p.keep = keep;
    p.second = second;
    p.intra = intra;
    return p;
}

int ovni_deinterlace_into(ovni_frame *dst, const ovni_frame *prev, const ovni_frame *cur, const ovni_frame *next,
                          int parity, int field)
{
    int ret;
    if ((ret = frame_check("deinterlace", "cur", cur)) < 0 || (ret = op_begin("deinterlace", dst, cur)) < 0)
        return ret;
    if (dst->format != cur->format || dst->width != cur->width || dst->height != cur->height)
        return ovni_error(OVNI_EINVAL, "deinterlace: destination is %s %dx%d, cur is %s %dx%d (they must match)",
                          ovni_format_name(dst->format), dst->width, dst->height, ovni_format_name(cur->format),
                          cur->width, cur->height);
    if ((ret = op_check_apart("deinterlace", dst, cur)) < 0 || (ret = check_neighbour("prev", prev, cur, dst)) < 0 ||
        (ret = check_neighbour("next", next, cur, dst)) < 0)
        return ret;
    if (parity < OVNI_DEINTERLACE_AUTO || parity > OVNI_DEINTERLACE_BFF)
        return ovni_error(OVNI_EINVAL, "deinterlace: parity=%d is not auto (-1), tff (0) or bff (1)", parity);
    if (field != 0 && field != 1)
        return ovni_error(OVNI_EINVAL, "deinterlace: field=%d is not 0 (first) or 1 (second)", field);
    /* auto: the frame's own field order (bottom first for BB and TB), else
     * top field first, as FFmpeg's bwdif does for a frame not flagged
     * interlaced */
    const int tff = parity == OVNI_DEINTERLACE_AUTO
                        ? cur->field_order != OVNI_FIELD_BB && cur->field_order != OVNI_FIELD_TB
                        : parity != OVNI_DEINTERLACE_BFF;
    /* the first field's rows are the top (even) ones when the top field is first */
    const int keep = (tff ? 0 : 1) ^ field;
    const int intra = field ? next == NULL : prev == NULL;
    ovni_frame_copy_props(dst, cur);
    dst->field_order = OVNI_FIELD_PROGRESSIVE;
    for (int pl = 0; pl < ovni_format_planes(cur->format); pl++) {
        deint_plane p = plane_make(dst, prev, cur, next, pl, keep, field, intra);
        if (op_on_gpu(dst)) {
            void *args[] = {&p};
            if ((ret = op_launch_2d(dst->device, KERNEL_DEINTERLACE_KERNEL, p.width, p.height, args)) < 0)
                return ret;
        } else {
            ovni_parallel_for(dst->device, p.height, op_reference(dst) ? deint_rows_naive : deint_rows, &p);
        }
    }
    return 0;
}

int ovni_deinterlace(const ovni_frame *prev, const ovni_frame *cur, const ovni_frame *next, int parity, int field,
                     ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "deinterlace: out is NULL");
    *out = NULL;
    int ret = frame_check("deinterlace", "cur", cur);
    if (ret < 0) return ret;
    ovni_frame *f;
    if ((ret = op_new_frame(cur, cur->format, cur->width, cur->height, &f)) < 0) return ret;
    if ((ret = ovni_deinterlace_into(f, prev, cur, next, parity, field)) < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    *out = f;
    return 0;
}
