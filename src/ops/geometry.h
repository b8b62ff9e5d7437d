/* The geometric ops' shared host side (geometry.c), below crop, resize,
 * scale/translate, fit, rotate, flip and warp: each calls this and none
 * calls another. Host only; the per-pixel math is in crop.h (the
 * whole-pixel shift) and resize.h (the resampler). */
#ifndef OVNI_OPS_GEOMETRY_H
#define OVNI_OPS_GEOMETRY_H

#include "crop.h"
#include "op_internal.h"
#include "resize.h"

/* Checks dst and src for a geometric op: valid frames, same memory and
 * device, same format, one of RGB24/RGBA32 (and GRAY8 if allow_gray), and
 * destination pixels apart from the source's. */
int geometry_check(const char *op, ovni_frame *dst, const ovni_frame *src, int allow_gray);

/* A colour parameter (NULL: all zero) as sample_store_over's background. */
void resize_fill_colour(const uint8_t fill[4], float out[4]);

/* Runs a whole-pixel shift (GPU or CPU) over all of dst. */
int geometry_shift_run(ovni_frame *dst, crop_shift *p);

/* Fills m's frame fields from dst/src and resamples (a whole-pixel shift
 * runs as a copy); fill may be NULL (transparent black). */
int geometry_resample(const char *op, ovni_frame *dst, const ovni_frame *src, resize_map *m, const uint8_t fill[4]);

/* The whole of src onto the whole of dst (resize), after geometry_check. */
int geometry_resize(ovni_frame *dst, const ovni_frame *src);

#endif
