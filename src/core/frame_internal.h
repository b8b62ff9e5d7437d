/* Internal: frame storage, pools and the checks every op makes. */
#ifndef OVNI_CORE_FRAME_INTERNAL_H
#define OVNI_CORE_FRAME_INTERNAL_H

#include "gpu.h"
#include "ovni/frame.h"

struct frame_pool;

struct ovni_frame_priv {
    atomic_int refs;
    struct frame_pool *pool;         /* pooled frames: where they go back */
    void (*release)(void *opaque);   /* wrapped frames */
    void *opaque;
    void *mem;                       /* the allocation (host pointer or device address) */
    int pinned;                      /* host memory from cuMemHostAlloc */
    CUevent pending;                 /* recorded after async GPU copies touching a host buffer */
    int has_pending;
    struct ovni_frame_priv *next_free;
    ovni_frame *self;
};

/* Byte layout of a frame of this format and size with aligned pitches. */
typedef struct frame_layout {
    size_t pitch[2];
    size_t offset[2];
    size_t plane_rows[2];
    size_t row_bytes[2];
    size_t total;
} frame_layout;
void frame_layout_get(ovni_format f, int w, int h, size_t align, frame_layout *l);

/* Sets a frame's fields to a fresh frame's (default tags, one reference). */
void frame_init(ovni_frame *f, struct ovni_frame_priv *p, ovni_device *dev, ovni_format format, int w, int h,
                ovni_memory memory);

/* Validation of a frame given to an op: non-NULL, sane format and size. */
int frame_check(const char *op, const char *name, const ovni_frame *f);
/* Both frames in the same memory of the same device. */
int frames_compatible(const char *op, const ovni_frame *a, const ovni_frame *b);

/* Host frames: wait for async GPU copies still using the buffer. */
int frame_host_sync(const ovni_frame *f);
/* Host frame f was just used by an async copy queued on dev's stream (the
 * context must be current): later host access must wait for it. */
int frame_mark_pending(ovni_device *dev, const ovni_frame *f);

/* Pools (src/core/pool.c). */
int pool_get(ovni_device *dev, ovni_format fmt, int w, int h, ovni_memory mem, ovni_frame **out);
void pool_put(struct ovni_frame_priv *p);
/* Raises (delta > 0) or lowers every pool's idle cap on dev. A parallel
 * reader keeps many frames in flight; without this, frames released beyond
 * the default cap are freed and allocated again (cuMemFree/cuMemAlloc each
 * frame). Lowering it frees idle frames above the new cap. */
void pool_reserve(ovni_device *dev, int delta);

#define OVNI_MAX_DIM 16384

#endif
