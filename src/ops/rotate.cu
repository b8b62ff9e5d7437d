// Rotation kernel: the math is in rotate.h.
#include "rotate.h"

extern "C" __global__ void ovni_rotate(rotate_map r) { ovni_px_kernel<rotate_px>(r, r.dst_w, r.dst_h); }
