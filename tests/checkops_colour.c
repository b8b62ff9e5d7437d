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
#define DRAW_SITING(loc, LOC)                                             \
    static void draw_##loc(checkops_params *p, int w, int h)               \
    {                                                                      \
        draw_tags(p, w, h);                                                \
        p->i[2] = OVNI_CHROMA_##LOC;                                       \
    }
DRAW_SITING(left, LEFT)
DRAW_SITING(center, CENTER)
DRAW_SITING(topleft, TOPLEFT)
DRAW_SITING(top, TOP)

/* Case names: FROM_to_TO_SITING (nv12_to_rgb24_left ...); between RGB
 * formats (no chroma) FROM_to_TO. */
#define CONVERT_AS(name_, from, to, loc)                                                                        \
    {.name = name_, CHECKOPS_FLOAT, .ninputs = 1, .noutputs = 1, .in_fmt = {CHECKOPS_FMT(from)},                  \
     .out_fmt = {CHECKOPS_FMT(to)}, .draw = draw_##loc, .run = run_convert}
#define CONVERT(from, to, loc) CONVERT_AS(#from "_to_" #to "_" #loc, from, to, loc)
#define CONVERT_SITED(from, to) \
    CONVERT(from, to, left), CONVERT(from, to, center), CONVERT(from, to, topleft), CONVERT(from, to, top)

const checkops_case checkops_colour[] = {
    CONVERT_SITED(nv12, rgb24), CONVERT_SITED(nv12, rgba32), CONVERT_SITED(p010, rgb24), CONVERT_SITED(p010, rgba32),
    CONVERT_SITED(rgb24, nv12), CONVERT_SITED(rgba32, nv12),
    CONVERT_AS("rgb24_to_rgba32", rgb24, rgba32, left), CONVERT_AS("rgba32_to_rgb24", rgba32, rgb24, left),
    {0},
};
