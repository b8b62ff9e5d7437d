// Fill, fade and flatten kernels: one thread per pixel; the math is in fill.h.
#include "fill.h"

extern "C" __global__ void ovni_fill_rect_kernel(fill_params p, int w, int h) { ovni_px_kernel<fill_rect_px>(p, w, h); }

extern "C" __global__ void ovni_fill_fade_kernel(fade_params p) { ovni_px_kernel<fade_px>(p, p.width, p.height); }

extern "C" __global__ void ovni_fill_flatten_kernel(flatten_params p)
{
    ovni_px_kernel<flatten_px>(p, p.dst_w, p.dst_h);
}
