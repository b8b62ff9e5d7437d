#include "checkops.h"

static int run_convert(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p)
{
    in[0]->matrix = (ovni_matrix)p->i[0];
    in[0]->range = (ovni_range)p->i[1];
    in[0]->chroma_loc = (ovni_chroma_loc)p->i[2];
    out[0]->matrix = (ovni_matrix)p->i[0];
    out[0]->range = (ovni_range)p->i[1];
    out[0]->chroma_loc = (ovni_chroma_loc)p->i[2];
    return ovni_convert_into(out[0], in[0]);
}

static void draw_tags(checkops_params *p, int w, int h)
{
    (void)w, (void)h;
    p->i[0] = checkops_int(0, 2); /* BT.601, BT.709, BT.2020 */
    p->i[1] = checkops_int(0, 1); /* limited, full */
}

/* One case per chroma siting: each has its own kernels (colour.cu). */
#define DRAW_SITING(loc)                                                  \
    static void draw_##loc(checkops_params *p, int w, int h)               \
    {                                                                      \
        draw_tags(p, w, h);                                                \
        p->i[2] = OVNI_CHROMA_##loc;                                       \
    }
DRAW_SITING(LEFT)
DRAW_SITING(CENTER)
DRAW_SITING(TOPLEFT)
DRAW_SITING(TOP)

#define CONVERT(name_, from, to, loc)                                                               \
    {.name = name_, CHECKOPS_FLOAT, .ninputs = 1, .noutputs = 1, .in_fmt = {from}, .out_fmt = {to}, \
     .draw = draw_##loc, .run = run_convert}
#define CONVERT_SITED(name_, from, to)                                                                        \
    CONVERT(name_ "_left", from, to, LEFT), CONVERT(name_ "_center", from, to, CENTER),                      \
        CONVERT(name_ "_topleft", from, to, TOPLEFT), CONVERT(name_ "_top", from, to, TOP)

const checkops_case checkops_colour[] = {
    CONVERT_SITED("nv12_to_rgb24", OVNI_FORMAT_NV12, OVNI_FORMAT_RGB24),
    CONVERT_SITED("nv12_to_rgba32", OVNI_FORMAT_NV12, OVNI_FORMAT_RGBA32),
    CONVERT_SITED("p010_to_rgb24", OVNI_FORMAT_P010, OVNI_FORMAT_RGB24),
    CONVERT_SITED("p010_to_rgba32", OVNI_FORMAT_P010, OVNI_FORMAT_RGBA32),
    CONVERT_SITED("rgb24_to_nv12", OVNI_FORMAT_RGB24, OVNI_FORMAT_NV12),
    CONVERT_SITED("rgba32_to_nv12", OVNI_FORMAT_RGBA32, OVNI_FORMAT_NV12),
    CONVERT("rgb24_to_rgba32", OVNI_FORMAT_RGB24, OVNI_FORMAT_RGBA32, LEFT),
    CONVERT("rgba32_to_rgb24", OVNI_FORMAT_RGBA32, OVNI_FORMAT_RGB24, LEFT),
    {0},
};
