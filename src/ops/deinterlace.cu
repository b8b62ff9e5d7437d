// Deinterlacing kernel: one thread per sample of a plane; the math is in
// deinterlace.h.
#include "deinterlace.h"

extern "C" __global__ void ovni_deinterlace_kernel(deint_plane p) { ovni_px_kernel<deint_px>(p, p.width, p.height); }
