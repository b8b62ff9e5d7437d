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

/* Case names: deinterlace_FORMAT_MODE (draw_MODE sets the situation). */
#define DEINT(fmt, mode)                                                                                   \
    {.name = "deinterlace_" #fmt "_" #mode, .ninputs = 3, .noutputs = 1,                                   \
     .in_fmt = {CHECKOPS_FMT(fmt), CHECKOPS_FMT(fmt), CHECKOPS_FMT(fmt)}, .out_fmt = {CHECKOPS_FMT(fmt)},  \
     .draw = draw_##mode, .run = run_deinterlace}

const checkops_case checkops_deinterlace[] = {
    DEINT(nv12, tff), DEINT(nv12, bff_second), DEINT(nv12, first_frame), DEINT(nv12, last_frame),
    DEINT(nv12, still), DEINT(nv12, random), DEINT(p010, random), DEINT(rgb24, tff), DEINT(rgb24, random),
    DEINT(rgba32, random), DEINT(gray8, random), DEINT(gray8, still),
    {0},
};
