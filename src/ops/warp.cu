// Perspective warp kernel: the math is in warp.h.
#include "warp.h"

extern "C" __global__ void ovni_warp(warp_map m) { ovni_px_kernel<warp_px>(m, m.w, m.h); }
