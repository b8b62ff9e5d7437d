/* checkops cases for deinterlace: in[0..2] = prev, cur, next. Integer math
 * (deinterlace.h): every backend gives the reference's bytes (no tolerance). i[0] parity, i[1] field,
 * i[2] missing neighbour (0 none, 1 prev, 2 next, 3 both), i[3] 1: prev and
 * next are cur itself (a still picture: the motion-free path). */
#include "checkops.h"

static void draw_random(checkops_params *p, int w, int h)
{
    p->i[0] = checkops_int(-1, 1);
    p->i[1] = checkops_int(0, 1);
    p->i[2] = checkops_int(0, 3);
}
static void draw_tff(checkops_params *p, int w, int h) { p->i[0] = OVNI_DEINTERLACE_TFF; }
static void draw_bff_second(checkops_params *p, int w, int h) { p->i[0] = OVNI_DEINTERLACE_BFF, p->i[1] = 1; }
static void draw_first_frame(checkops_params *p, int w, int h) { p->i[2] = 1; }
static void draw_last_frame(checkops_params *p, int w, int h) { p->i[2] = 2; }
static void draw_still(checkops_params *p, int w, int h) { p->i[0] = checkops_int(0, 1), p->i[3] = 1; }

static int run_deinterlace(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    const ovni_frame *prev = p->i[3] ? in[1] : p->i[2] & 1 ? NULL : in[0];
    const ovni_frame *next = p->i[3] ? in[1] : p->i[2] & 2 ? NULL : in[2];
    return ovni_deinterlace_into(out[0], prev, in[1], next, p->i[0], p->i[1]);
}

#define DEINT(name_, fmt, draw_)                                                                                   \
    {                                                                                                              \
        .name = name_, .ninputs = 3, .noutputs = 1, .in_fmt = {fmt, fmt, fmt},        \
        .out_fmt = {fmt}, .draw = draw_, .run = run_deinterlace,                                                   \
    }

const checkops_case checkops_deinterlace[] = {
    DEINT("deinterlace_nv12_tff", OVNI_FORMAT_NV12, draw_tff),
    DEINT("deinterlace_nv12_bff_second", OVNI_FORMAT_NV12, draw_bff_second),
    DEINT("deinterlace_nv12_first_frame", OVNI_FORMAT_NV12, draw_first_frame),
    DEINT("deinterlace_nv12_last_frame", OVNI_FORMAT_NV12, draw_last_frame),
    DEINT("deinterlace_nv12_still", OVNI_FORMAT_NV12, draw_still),
    DEINT("deinterlace_nv12_random", OVNI_FORMAT_NV12, draw_random),
    DEINT("deinterlace_p010_random", OVNI_FORMAT_P010, draw_random),
    DEINT("deinterlace_rgb24_tff", OVNI_FORMAT_RGB24, draw_tff),
    DEINT("deinterlace_rgb24_random", OVNI_FORMAT_RGB24, draw_random),
    DEINT("deinterlace_rgba32_random", OVNI_FORMAT_RGBA32, draw_random),
    DEINT("deinterlace_gray8_random", OVNI_FORMAT_GRAY8, draw_random),
    DEINT("deinterlace_gray8_still", OVNI_FORMAT_GRAY8, draw_still),
    {0},
};
