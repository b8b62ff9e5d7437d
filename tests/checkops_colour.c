#include "checkops.h"

static int run_convert(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    in[0]->matrix = (ovni_matrix)p->i[0];
    in[0]->range = (ovni_range)p->i[1];
    out[0]->matrix = (ovni_matrix)p->i[0];
    out[0]->range = (ovni_range)p->i[1];
    return ovni_convert_into(out[0], in[0]);
}

static void draw_tags(checkops_params *p, int w, int h)
{
    p->i[0] = checkops_int(0, 2); /* BT.601, BT.709, BT.2020 */
    p->i[1] = checkops_int(0, 1); /* limited, full */
}

#define CONVERT(name_, from, to) \
    {.name = name_, CHECKOPS_FLOAT, .ninputs = 1, .noutputs = 1, .in_fmt = {from}, .out_fmt = {to}, .draw = draw_tags, \
     .run = run_convert}

const checkops_case checkops_colour[] = {
    CONVERT("nv12_to_rgb24", OVNI_FORMAT_NV12, OVNI_FORMAT_RGB24),
    CONVERT("nv12_to_rgba32", OVNI_FORMAT_NV12, OVNI_FORMAT_RGBA32),
    CONVERT("p010_to_rgb24", OVNI_FORMAT_P010, OVNI_FORMAT_RGB24),
    CONVERT("p010_to_rgba32", OVNI_FORMAT_P010, OVNI_FORMAT_RGBA32),
    CONVERT("rgb24_to_nv12", OVNI_FORMAT_RGB24, OVNI_FORMAT_NV12),
    CONVERT("rgba32_to_nv12", OVNI_FORMAT_RGBA32, OVNI_FORMAT_NV12),
    CONVERT("rgb24_to_rgba32", OVNI_FORMAT_RGB24, OVNI_FORMAT_RGBA32),
    CONVERT("rgba32_to_rgb24", OVNI_FORMAT_RGBA32, OVNI_FORMAT_RGB24),
    {0},
};
