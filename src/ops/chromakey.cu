// Chroma key kernel: one thread per pixel; the math is in chromakey.h.
#include "chromakey.h"

extern "C" __global__ void ovni_chromakey_kernel(chromakey_params p)
{
    ovni_px_kernel<chromakey_px>(p, p.width, p.height);
}
