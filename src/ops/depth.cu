// Depth reduction kernel (P010 -> NV12), one thread per pixel of a plane; the math is in depth.h.
#include "depth.h"

extern "C" __global__ void ovni_depth_p010_to_nv12(depth_plane p) { ovni_px_kernel<depth_px>(p, p.w, p.h); }
