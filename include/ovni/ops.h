/* ovni: operations on frames.
 *
 * Conventions shared by every op:
 * - An op runs where its frames are: all on the GPU (CUDA kernel, queued on
 *   the device's stream, asynchronous) or all on the host (C loop, threaded
 *   over rows, finished on return). Frames in different memories, or on
 *   different devices, are refused with OVNI_EINVAL.
 * - Functions named *_into write into a frame the caller gives; the others
 *   return a new frame from the source's device pool in *out (the caller owns
 *   that reference).
 * - Coordinates and sizes are floats in pixels; sampling is bilinear, so
 *   sub-pixel motion is smooth. Pixel (x, y) covers [x, x+1) x [y, y+1): its
 *   centre is at (x + 0.5, y + 0.5).
 * - Bad parameters (NaN, sizes <= 0, formats an op does not take) return
 *   OVNI_EINVAL with a message naming the parameter and its range; nothing is
 *   ever written out of bounds.
 * - Each op's per-pixel math is written once (src/ops/<op>.h) and shared by
 *   the CPU loop and the CUDA kernel, so both give the same result (at most
 *   +-1 per channel where floating-point contraction differs). */
#ifndef OVNI_OPS_H
#define OVNI_OPS_H

#include "export.h"
#include "frame.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- colour conversion (src/ops/colour.*) -------------------------------
 * NV12 -> RGB24, NV12 -> RGBA32, P010 -> RGB24, P010 -> RGBA32,
 * RGB24/RGBA32 -> NV12, RGB24 <-> RGBA32, same format (copy).
 * YUV input is read with its own matrix and range; RGB output is full range
 * and tagged with the source's matrix. YUV output uses dst's matrix and range
 * (ovni_convert: the source's tags). Chroma is upsampled bilinearly from
 * MPEG-2 siting (co-sited horizontally, centred vertically) and downsampled
 * by averaging each 2x2 block. RGBA output gets alpha 255; RGBA -> RGB and
 * -> NV12 drop alpha. */
OVNI_API int ovni_convert(const ovni_frame *src, ovni_format format, ovni_frame **out);
OVNI_API int ovni_convert_into(ovni_frame *dst, const ovni_frame *src);

/* ---- more op families are declared below, one block per src/ops file ---- */

#ifdef __cplusplus
}
#endif
#endif
