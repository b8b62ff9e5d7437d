// RGB -> NV12, second pass (colour.h: colour_rgb_to_nv12_refine_block):
// one thread per chroma sample, reading the first pass's codes (colour.cu's
// kernels: luma in the output, chroma in a scratch frame) around it. Built
// with -fmad=false (src/ops/meson.build), so its float math is the CPU's.
#include "colour.h"

template <int HC, int VT>
__device__ static inline void ovni_colour_rgb_to_nv12_refine(const colour_rgb_to_nv12 &p, const colour_yuv &first)
{
    int bx = blockIdx.x * blockDim.x + threadIdx.x, by = blockIdx.y * blockDim.y + threadIdx.y;
    if (bx >= (p.width + 1) / 2 || by >= (p.height + 1) / 2) return;
    colour_rgb_to_nv12_refine_block(&p, &first, bx, by, HC, VT);
}

// One kernel per siting, spelled out: scripts/build_kernels.py lists
// kernels by their literal names.
#define REFINE_ARGS colour_rgb_to_nv12 p, colour_yuv first
extern "C" __global__ void ovni_colour_rgb_to_nv12_refine_left(REFINE_ARGS) { ovni_colour_rgb_to_nv12_refine<0, 0>(p, first); }
extern "C" __global__ void ovni_colour_rgb_to_nv12_refine_center(REFINE_ARGS) { ovni_colour_rgb_to_nv12_refine<1, 0>(p, first); }
extern "C" __global__ void ovni_colour_rgb_to_nv12_refine_topleft(REFINE_ARGS) { ovni_colour_rgb_to_nv12_refine<0, 1>(p, first); }
extern "C" __global__ void ovni_colour_rgb_to_nv12_refine_top(REFINE_ARGS) { ovni_colour_rgb_to_nv12_refine<1, 1>(p, first); }
#undef REFINE_ARGS
