/* checkops cases for the depth reduction P010 -> NV12 (depth.h, through
 * ovni_convert): integer math, so every backend gives the reference's bytes
 * (no tolerance). Random words, their low 6 bits included (ignored). The
 * range picks luma's rule; i[0] the range. */
#include "checkops.h"

static void draw_limited(checkops_params *p, int w, int h) { (void)w, (void)h, p->i[0] = OVNI_RANGE_LIMITED; }
static void draw_full(checkops_params *p, int w, int h) { (void)w, (void)h, p->i[0] = OVNI_RANGE_FULL; }

static int run_depth(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    in[0]->range = (ovni_range)p->i[0];
    return ovni_convert_into(out[0], in[0]);
}

#define DEPTH(name_, draw_)                                                                                    \
    {                                                                                                          \
        .name = name_, .ninputs = 1, .noutputs = 1, .in_fmt = {OVNI_FORMAT_P010}, .out_fmt = {OVNI_FORMAT_NV12}, \
        .draw = draw_, .run = run_depth,                                                                       \
    }

const checkops_case checkops_depth[] = {
    DEPTH("depth_p010_to_nv12_limited", draw_limited),
    DEPTH("depth_p010_to_nv12_full", draw_full),
    {0},
};
