/* Frame pools: one per (format, width, height, memory) on each device. A
 * released frame keeps its buffer and goes back on its pool's free list, so a
 * steady pipeline stops allocating after its first frames. Each pool keeps
 * at most POOL_MAX_FREE idle frames; beyond that, buffers are freed, so a
 * pipeline whose sizes change (an animated crop) does not hoard memory. */
#include <stdlib.h>
#include <string.h>

#include "frame_internal.h"

#define POOL_MAX_FREE 16

struct frame_pool {
    ovni_format fmt;
    int w, h;
    ovni_memory mem;
    ovni_device *dev;
    struct ovni_frame_priv *free_list;
    int nfree;
    struct frame_pool *next;
};

struct frame_box {
    ovni_frame frame;
    struct ovni_frame_priv priv;
};

static void box_free(ovni_device *dev, struct frame_box *b)
{
    struct ovni_frame_priv *p = &b->priv;
    if (dev->is_gpu && (p->pending || b->frame.memory == OVNI_MEMORY_DEVICE || p->pinned)) {
        if (gpu_enter(dev) == 0) {
            if (p->pending) dev->cu->cuEventDestroy(p->pending);
            if (b->frame.memory == OVNI_MEMORY_DEVICE)
                dev->cu->cuMemFree((CUdeviceptr)(uintptr_t)p->mem);
            else if (p->pinned)
                dev->x.cuMemFreeHost(p->mem);
            gpu_leave(dev);
        }
    }
    if (b->frame.memory == OVNI_MEMORY_HOST && !p->pinned) free(p->mem);
    free(b);
}

static int alloc_buffer(ovni_device *dev, ovni_memory mem, size_t size, void **ptr, int *pinned)
{
    *pinned = 0;
    if (ovni_fault_hit())
        return ovni_error(OVNI_ENOMEM, "out of %s memory allocating a %zu-byte frame (injected)",
                          mem == OVNI_MEMORY_DEVICE ? "GPU" : "host", size);
    if (mem == OVNI_MEMORY_DEVICE || dev->is_gpu) {
        int ret = gpu_enter(dev);
        if (ret < 0) return ret;
        CUresult r;
        if (mem == OVNI_MEMORY_DEVICE) {
            CUdeviceptr d = 0;
            r = dev->cu->cuMemAlloc(&d, size);
            *ptr = (void *)(uintptr_t)d;
        } else {
            r = dev->x.cuMemHostAlloc(ptr, size, 0);
            *pinned = r == CUDA_SUCCESS;
        }
        gpu_leave(dev);
        if (r == GPU_ERROR_OUT_OF_MEMORY)
            return ovni_error(OVNI_ENOMEM, "out of %s memory allocating a %zu-byte frame",
                              mem == OVNI_MEMORY_DEVICE ? "GPU" : "pinned host", size);
        if (r != CUDA_SUCCESS)
            return gpu_fail(dev, r, mem == OVNI_MEMORY_DEVICE ? "cuMemAlloc" : "cuMemHostAlloc", "ovni_frame_new");
        return 0;
    }
    *ptr = aligned_alloc(OVNI_PITCH_ALIGN, size);
    if (!*ptr) return ovni_error(OVNI_ENOMEM, "out of memory allocating a %zu-byte frame", size);
    return 0;
}

int pool_get(ovni_device *dev, ovni_format fmt, int w, int h, ovni_memory mem, ovni_frame **out)
{
    struct frame_pool *pool;
    pthread_mutex_lock(&dev->lock);
    for (pool = dev->pools; pool; pool = pool->next)
        if (pool->fmt == fmt && pool->w == w && pool->h == h && pool->mem == mem) break;
    if (!pool) {
        pool = ovni_calloc(1, sizeof(*pool));
        if (!pool) {
            pthread_mutex_unlock(&dev->lock);
            return ovni_error(OVNI_ENOMEM, "out of memory creating a frame pool");
        }
        pool->fmt = fmt, pool->w = w, pool->h = h, pool->mem = mem, pool->dev = dev;
        pool->next = dev->pools;
        dev->pools = pool;
    }
    struct ovni_frame_priv *p = pool->free_list;
    if (p) {
        pool->free_list = p->next_free;
        pool->nfree--;
    }
    dev->stats.frames_live++;
    pthread_mutex_unlock(&dev->lock);

    frame_layout l;
    frame_layout_get(fmt, w, h, OVNI_PITCH_ALIGN, &l);
    if (!p) {
        struct frame_box *b = ovni_calloc(1, sizeof(*b));
        int ret = b ? alloc_buffer(dev, mem, l.total, &b->priv.mem, &b->priv.pinned)
                    : ovni_error(OVNI_ENOMEM, "out of memory allocating a frame");
        if (ret < 0) {
            free(b);
            pthread_mutex_lock(&dev->lock);
            dev->stats.frames_live--;
            pthread_mutex_unlock(&dev->lock);
            return ret;
        }
        p = &b->priv;
        p->self = &b->frame;
        p->pool = pool;
        pthread_mutex_lock(&dev->lock);
        if (mem == OVNI_MEMORY_DEVICE) dev->stats.device_allocs++;
        else dev->stats.host_allocs++;
        dev->stats.pool_bytes += l.total;
        pthread_mutex_unlock(&dev->lock);
    } else {
        /* A recycled host buffer may still be read by an async upload. */
        frame_host_sync(p->self);
    }
    device_retain(dev); /* a live frame keeps its device; idle ones do not */
    ovni_frame *f = p->self;
    frame_init(f, p, dev, fmt, w, h, mem);
    for (int i = 0; i < 2; i++) {
        f->pitch[i] = l.pitch[i];
        f->data[i] = l.row_bytes[i] ? (uint8_t *)p->mem + l.offset[i] : NULL;
    }
    *out = f;
    return 0;
}

void pool_put(struct ovni_frame_priv *p)
{
    struct frame_pool *pool = p->pool;
    ovni_device *dev = pool->dev;
    int drop = 0;
    pthread_mutex_lock(&dev->lock);
    dev->stats.frames_live--;
    if (pool->nfree < POOL_MAX_FREE + dev->pool_reserve) {
        p->next_free = pool->free_list;
        pool->free_list = p;
        pool->nfree++;
    } else {
        frame_layout l;
        frame_layout_get(pool->fmt, pool->w, pool->h, OVNI_PITCH_ALIGN, &l);
        dev->stats.pool_bytes -= l.total;
        drop = 1;
    }
    pthread_mutex_unlock(&dev->lock);
    if (drop) box_free(dev, (struct frame_box *)p->self);
    device_release(dev);
}

void pool_reserve(ovni_device *dev, int delta)
{
    struct ovni_frame_priv *drop = NULL;
    pthread_mutex_lock(&dev->lock);
    dev->pool_reserve += delta;
    if (dev->pool_reserve < 0) dev->pool_reserve = 0;
    for (struct frame_pool *pool = dev->pools; pool; pool = pool->next)
        while (pool->nfree > POOL_MAX_FREE + dev->pool_reserve) {
            struct ovni_frame_priv *p = pool->free_list;
            frame_layout l;
            frame_layout_get(pool->fmt, pool->w, pool->h, OVNI_PITCH_ALIGN, &l);
            pool->free_list = p->next_free;
            pool->nfree--;
            dev->stats.pool_bytes -= l.total;
            p->next_free = drop;
            drop = p;
        }
    pthread_mutex_unlock(&dev->lock);
    while (drop) { /* freed outside the lock: cuMemFree may wait */
        struct ovni_frame_priv *n = drop->next_free;
        box_free(dev, (struct frame_box *)drop->self);
        drop = n;
    }
}

/* Called when the device's last reference goes: every frame has been
 * released by then (each live frame holds a device reference). */
void pools_free(ovni_device *dev)
{
    struct frame_pool *pool = dev->pools;
    while (pool) {
        struct frame_pool *next = pool->next;
        struct ovni_frame_priv *p = pool->free_list;
        while (p) {
            struct ovni_frame_priv *n = p->next_free;
            box_free(dev, (struct frame_box *)p->self);
            p = n;
        }
        free(pool);
        pool = next;
    }
    dev->pools = NULL;
}
