/* Internal: the captions' CPU walk (ass_cpu.c), called by ass.c. */
#ifndef OVNI_ASS_ASS_INTERNAL_H
#define OVNI_ASS_ASS_INTERNAL_H

#include "ass_blend.h"

/* Blends n packed images onto a host frame described by f, threaded over
 * rows (block rows for NV12). Returns 0 or OVNI_ENOMEM. */
int ass_blend_cpu(ovni_device *dev, const ass_blend_frame *f, const ass_blend_img *table, const uint8_t *bits, int n);

#endif
