// Crossfade and colour adjustment kernels: one thread per pixel; the math is
// in mix.h.
#include "mix.h"

extern "C" __global__ void ovni_mix_crossfade_kernel(mix_crossfade_params p)
{
    ovni_px_kernel<mix_crossfade_px>(p, p.width, p.height);
}

extern "C" __global__ void ovni_mix_adjust_kernel(mix_adjust_params p)
{
    ovni_px_kernel<mix_adjust_px>(p, p.width, p.height);
}
