/* Internal: what every op's C file uses to check frames and to run its walk
 * on the CPU or its kernel on the GPU. */
#ifndef OVNI_OPS_OP_INTERNAL_H
#define OVNI_OPS_OP_INTERNAL_H

#include "../core/frame_internal.h"
#include "ovni/ops.h"

/* Checks dst and src (src may be NULL) and that they share a memory and
 * device; waits for pending copies on host frames. */
int op_begin(const char *op, ovni_frame *dst, const ovni_frame *src);

/* Launches kernel k over a w x h grid (32x8 blocks) on the frame's device. */
int op_launch_2d(ovni_device *dev, gpu_kernel k, int w, int h, void **args);

/* Do the byte ranges of two frames' first planes meet (same memory)? */
int op_frames_overlap(const ovni_frame *a, const ovni_frame *b);

/* Refuses a destination whose pixels overlap the source's, for ops whose
 * output pixels read source pixels other than their own (a pass would read
 * pixels it, or another thread, has already written). */
int op_check_apart(const char *op, const ovni_frame *dst, const ovni_frame *src);

/* True when the op runs on the GPU. */
static inline int op_on_gpu(const ovni_frame *f) { return f->memory == OVNI_MEMORY_DEVICE; }

/* True on a reference device (ovni_device.reference, set by checkops): ops
 * whose CPU walk tiles, vectorises or shares work between pixels compute
 * each value alone through their math header instead, the oracle both
 * walks are compared with byte for byte. */
static inline int op_reference(const ovni_frame *f) { return f->device->reference; }

/* Checks a float parameter: finite and within [lo, hi]. */
int op_check_float(const char *op, const char *name, double v, double lo, double hi);

/* P010 -> NV12 at 8 bits (depth.c, depth.h's rule), for ovni_convert: dst
 * takes src's tags. */
int depth_p010_to_nv12(ovni_frame *dst, const ovni_frame *src);

/* A new frame like `like` (device, memory) with the given format and size. */
int op_new_frame(const ovni_frame *like, ovni_format format, int w, int h, ovni_frame **out);

#endif
