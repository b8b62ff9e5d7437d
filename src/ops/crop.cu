// Crop's whole-pixel fast path (also translate's); the math is in crop.h.
#include "crop.h"

extern "C" __global__ void ovni_crop_shift(crop_shift p) { ovni_px_kernel<crop_shift_px>(p, p.dst_w, p.dst_h); }
