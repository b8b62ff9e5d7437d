// Rounded corners and masks: one thread per pixel; the math is in rounded.h.
#include "rounded.h"

extern "C" __global__ void ovni_rounded_kernel(rounded_params p) { ovni_px_kernel<rounded_px>(p, p.width, p.height); }
