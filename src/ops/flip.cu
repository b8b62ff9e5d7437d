// Flip kernel: the math is in flip.h.
#include "flip.h"

// Plain flips (ovni_flip, half the EXIF orientations) take a copy whose
// transpose is the constant 0, so flip_px compiles without its selects.
extern "C" __global__ void ovni_flip(flip_map f)
{
    if (f.transpose) {
        ovni_px_kernel<flip_px>(f, f.w, f.h);
    } else {
        flip_map g = f;
        g.transpose = 0;
        ovni_px_kernel<flip_px>(g, g.w, g.h);
    }
}
