// Flip kernel: the math is in flip.h.
#include "flip.h"

extern "C" __global__ void ovni_flip(flip_map f) { ovni_px_kernel<flip_px>(f, f.w, f.h); }
