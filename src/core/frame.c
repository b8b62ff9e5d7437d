/* Frames: layout, reference counting, wrapping, copies between memories. */
#include <stdlib.h>
#include <string.h>

#include "frame_internal.h"

static const struct {
    const char *name;
    int planes, pixel_bytes;
} formats[OVNI_FORMAT_COUNT] = {
    [OVNI_FORMAT_NV12] = {"nv12", 2, 1},
    [OVNI_FORMAT_P010] = {"p010", 2, 2},
    [OVNI_FORMAT_RGB24] = {"rgb24", 1, 3},
    [OVNI_FORMAT_RGBA32] = {"rgba32", 1, 4},
    [OVNI_FORMAT_GRAY8] = {"gray8", 1, 1},
};

static int format_valid(ovni_format f) { return (unsigned)f < OVNI_FORMAT_COUNT; }
int ovni_format_planes(ovni_format f) { return format_valid(f) ? formats[f].planes : 0; }
int ovni_format_pixel_bytes(ovni_format f) { return format_valid(f) ? formats[f].pixel_bytes : 0; }
const char *ovni_format_name(ovni_format f) { return format_valid(f) ? formats[f].name : NULL; }

static size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

void frame_layout_get(ovni_format f, int w, int h, size_t align, frame_layout *l)
{
    memset(l, 0, sizeof(*l));
    int bpp = formats[f].pixel_bytes;
    l->row_bytes[0] = (size_t)w * bpp;
    l->plane_rows[0] = (size_t)h;
    if (formats[f].planes == 2) {
        l->row_bytes[1] = (size_t)((w + 1) / 2) * 2 * bpp; /* interleaved U,V */
        l->plane_rows[1] = (size_t)(h + 1) / 2;
    }
    size_t off = 0;
    for (int i = 0; i < 2; i++) {
        if (!l->row_bytes[i]) continue;
        l->pitch[i] = align_up(l->row_bytes[i], align);
        l->offset[i] = off;
        off += l->pitch[i] * l->plane_rows[i];
    }
    l->total = off;
}

void frame_init(ovni_frame *f, struct ovni_frame_priv *p, ovni_device *dev, ovni_format format, int w, int h,
                ovni_memory memory)
{
    memset(f, 0, sizeof(*f));
    f->format = format;
    f->memory = memory;
    f->width = w;
    f->height = h;
    f->time_base = (ovni_rational){1, 1};
    f->matrix = OVNI_MATRIX_BT709;
    f->range = OVNI_RANGE_LIMITED;
    f->device = dev;
    f->priv = p;
    atomic_init(&p->refs, 1);
}

int frame_check(const char *op, const char *name, const ovni_frame *f)
{
    if (!f) return ovni_error(OVNI_EINVAL, "%s: %s frame is NULL", op, name);
    if (!format_valid(f->format))
        return ovni_error(OVNI_EINVAL, "%s: %s frame has an unknown format %d", op, name, (int)f->format);
    if (f->width < 1 || f->height < 1 || f->width > OVNI_MAX_DIM || f->height > OVNI_MAX_DIM)
        return ovni_error(OVNI_EINVAL, "%s: %s frame size %dx%d is outside 1..%d", op, name,
                          f->width, f->height, OVNI_MAX_DIM);
    if (!f->device) return ovni_error(OVNI_EINVAL, "%s: %s frame has no device", op, name);
    if (f->memory == OVNI_MEMORY_DEVICE && !f->device->is_gpu)
        return ovni_error(OVNI_EINVAL, "%s: %s frame claims device memory on the CPU device", op, name);
    return 0;
}

int frames_compatible(const char *op, const ovni_frame *a, const ovni_frame *b)
{
    if (a->memory != b->memory)
        return ovni_error(OVNI_EINVAL, "%s: frames are in different memories (one on the host, one on the GPU); "
                          "use ovni_frame_upload/ovni_frame_download first", op);
    if (a->device != b->device)
        return ovni_error(OVNI_EINVAL, "%s: frames are on different devices", op);
    return 0;
}

int ovni_frame_new(ovni_device *dev, ovni_format format, int width, int height,
                   ovni_memory memory, ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "ovni_frame_new: out is NULL");
    *out = NULL;
    if (!dev) return ovni_error(OVNI_EINVAL, "ovni_frame_new: device is NULL");
    if (!format_valid(format)) return ovni_error(OVNI_EINVAL, "ovni_frame_new: unknown format %d", (int)format);
    if (width < 1 || height < 1 || width > OVNI_MAX_DIM || height > OVNI_MAX_DIM)
        return ovni_error(OVNI_EINVAL, "ovni_frame_new: size %dx%d is outside 1..%d", width, height, OVNI_MAX_DIM);
    if (memory != OVNI_MEMORY_HOST && memory != OVNI_MEMORY_DEVICE)
        return ovni_error(OVNI_EINVAL, "ovni_frame_new: unknown memory %d", (int)memory);
    if (memory == OVNI_MEMORY_DEVICE && !dev->is_gpu)
        return ovni_error(OVNI_EINVAL, "ovni_frame_new: device memory asked of the CPU device");
    return pool_get(dev, format, width, height, memory, out);
}

int ovni_frame_wrap(ovni_device *dev, ovni_format format, int width, int height, ovni_memory memory,
                    uint8_t *const data[2], const size_t pitch[2], void (*release)(void *opaque),
                    void *opaque, ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "ovni_frame_wrap: out is NULL");
    *out = NULL;
    if (!dev || !data || !pitch) return ovni_error(OVNI_EINVAL, "ovni_frame_wrap: NULL argument");
    if (!format_valid(format)) return ovni_error(OVNI_EINVAL, "ovni_frame_wrap: unknown format %d", (int)format);
    if (width < 1 || height < 1 || width > OVNI_MAX_DIM || height > OVNI_MAX_DIM)
        return ovni_error(OVNI_EINVAL, "ovni_frame_wrap: size %dx%d is outside 1..%d", width, height, OVNI_MAX_DIM);
    if (memory == OVNI_MEMORY_DEVICE && !dev->is_gpu)
        return ovni_error(OVNI_EINVAL, "ovni_frame_wrap: device memory on the CPU device");
    frame_layout l;
    frame_layout_get(format, width, height, 1, &l);
    for (int i = 0; i < formats[format].planes; i++) {
        if (!data[i]) return ovni_error(OVNI_EINVAL, "ovni_frame_wrap: plane %d is NULL", i);
        if (pitch[i] < l.row_bytes[i])
            return ovni_error(OVNI_EINVAL, "ovni_frame_wrap: pitch[%d]=%zu is less than a row (%zu bytes)",
                              i, pitch[i], l.row_bytes[i]);
        /* 16-bit samples are read as 16-bit words (a misaligned one is a
         * fault on the GPU that ends the context, not an error) */
        if (format == OVNI_FORMAT_P010 && (((uintptr_t)data[i] | pitch[i]) & 1))
            return ovni_error(OVNI_EINVAL, "ovni_frame_wrap: p010 plane %d must start and step on 2-byte boundaries", i);
    }
    struct {
        ovni_frame frame;
        struct ovni_frame_priv priv;
    } *b = ovni_calloc(1, sizeof(*b));
    if (!b) return ovni_error(OVNI_ENOMEM, "ovni_frame_wrap: out of memory");
    ovni_frame *f = &b->frame;
    frame_init(f, &b->priv, dev, format, width, height, memory);
    for (int i = 0; i < formats[format].planes; i++) {
        f->data[i] = data[i];
        f->pitch[i] = pitch[i];
    }
    b->priv.release = release;
    b->priv.opaque = opaque;
    b->priv.self = f;
    device_retain(dev);
    *out = f;
    return 0;
}

ovni_frame *ovni_frame_ref(ovni_frame *f)
{
    if (f) atomic_fetch_add(&f->priv->refs, 1);
    return f;
}

void ovni_frame_unref(ovni_frame **fp)
{
    if (!fp || !*fp) return;
    ovni_frame *f = *fp;
    *fp = NULL;
    struct ovni_frame_priv *p = f->priv;
    if (atomic_fetch_sub(&p->refs, 1) != 1) return;
    if (p->pool) {
        pool_put(p);
        return;
    }
    ovni_device *dev = f->device;
    frame_host_sync(f);
    if (p->pending && gpu_enter(dev) == 0) {
        dev->cu->cuEventDestroy(p->pending);
        gpu_leave(dev);
    }
    if (p->release) p->release(p->opaque);
    free(f); /* the wrap box: frame first, priv after it */
    device_release(dev);
}

void ovni_frame_copy_props(ovni_frame *dst, const ovni_frame *src)
{
    if (!dst || !src) return;
    dst->pts = src->pts;
    dst->time_base = src->time_base;
    dst->matrix = src->matrix;
    dst->range = src->range;
    dst->chroma_loc = src->chroma_loc;
    dst->field_order = src->field_order;
}

int frame_host_sync(const ovni_frame *f)
{
    struct ovni_frame_priv *p = f->priv;
    if (f->memory != OVNI_MEMORY_HOST || !p->has_pending) return 0;
    ovni_device *dev = f->device;
    int ret = gpu_enter(dev);
    if (ret < 0) return ret;
    CUresult r = dev->cu->cuEventSynchronize(p->pending);
    gpu_leave(dev);
    p->has_pending = 0;
    return r == CUDA_SUCCESS ? 0 : gpu_fail(dev, r, "cuEventSynchronize", "waiting for a frame copy");
}

int frame_mark_pending(ovni_device *dev, const ovni_frame *f)
{
    struct ovni_frame_priv *p = f->priv;
    /* A host frame of another device (the CPU device) has no event of this
     * stream to wait on later: finish the copy now. */
    if (f->device != dev) {
        CU_CHECK(dev, cuStreamSynchronize(dev->stream), "frame copy");
        return 0;
    }
    if (!p->pending) CU_CHECK(dev, cuEventCreate(&p->pending, CU_EVENT_DISABLE_TIMING | CU_EVENT_BLOCKING_SYNC), "frame copy");
    CU_CHECK(dev, cuEventRecord(p->pending, dev->stream), "frame copy");
    p->has_pending = 1;
    return 0;
}

int ovni_frame_wait(ovni_frame *f)
{
    if (!f) return ovni_error(OVNI_EINVAL, "ovni_frame_wait: frame is NULL");
    if (f->memory == OVNI_MEMORY_DEVICE) return ovni_device_sync(f->device);
    return frame_host_sync(f);
}

/* Copies plane by plane; GPU copies are queued on the stream of the device
 * that has the GPU side (host frames of the CPU device may be either side). */
static int copy_gpu(ovni_device *dev, ovni_frame *dst, const ovni_frame *src, const frame_layout *l)
{
    int ret = gpu_enter(dev);
    if (ret < 0) return ret;
    for (int i = 0; i < 2 && l->row_bytes[i]; i++) {
        CUDA_MEMCPY2D c;
        memset(&c, 0, sizeof(c));
        if (src->memory == OVNI_MEMORY_DEVICE) {
            c.srcMemoryType = CU_MEMORYTYPE_DEVICE;
            c.srcDevice = (CUdeviceptr)(uintptr_t)src->data[i];
        } else {
            c.srcMemoryType = CU_MEMORYTYPE_HOST;
            c.srcHost = src->data[i];
        }
        if (dst->memory == OVNI_MEMORY_DEVICE) {
            c.dstMemoryType = CU_MEMORYTYPE_DEVICE;
            c.dstDevice = (CUdeviceptr)(uintptr_t)dst->data[i];
        } else {
            c.dstMemoryType = CU_MEMORYTYPE_HOST;
            c.dstHost = dst->data[i];
        }
        c.srcPitch = src->pitch[i];
        c.dstPitch = dst->pitch[i];
        c.WidthInBytes = l->row_bytes[i];
        c.Height = l->plane_rows[i];
        CUresult r = dev->cu->cuMemcpy2DAsync(&c, dev->stream);
        if (r != CUDA_SUCCESS) {
            gpu_leave(dev);
            return gpu_fail(dev, r, "cuMemcpy2DAsync", "ovni_frame_copy");
        }
    }
    /* The host side must not be touched (or recycled) before the DMA ends. */
    if (dst->memory == OVNI_MEMORY_HOST) ret = frame_mark_pending(dev, dst);
    if (src->memory == OVNI_MEMORY_HOST && ret == 0) ret = frame_mark_pending(dev, src);
    gpu_leave(dev);
    return ret;
}

int ovni_frame_copy(ovni_frame *dst, const ovni_frame *src)
{
    int ret;
    if ((ret = frame_check("ovni_frame_copy", "destination", dst)) < 0 ||
        (ret = frame_check("ovni_frame_copy", "source", src)) < 0)
        return ret;
    if (dst->format != src->format || dst->width != src->width || dst->height != src->height)
        return ovni_error(OVNI_EINVAL, "ovni_frame_copy: %s %dx%d into %s %dx%d: formats and sizes must match",
                          ovni_format_name(src->format), src->width, src->height,
                          ovni_format_name(dst->format), dst->width, dst->height);
    frame_layout l;
    frame_layout_get(src->format, src->width, src->height, 1, &l);
    ovni_frame_copy_props(dst, src);
    if (dst->memory == OVNI_MEMORY_HOST && src->memory == OVNI_MEMORY_HOST) {
        if ((ret = frame_host_sync(dst)) < 0 || (ret = frame_host_sync(src)) < 0) return ret;
        for (int i = 0; i < 2 && l.row_bytes[i]; i++)
            for (size_t y = 0; y < l.plane_rows[i]; y++)
                memmove(dst->data[i] + y * dst->pitch[i], src->data[i] + y * src->pitch[i], l.row_bytes[i]);
        return 0;
    }
    ovni_device *gpu = src->memory == OVNI_MEMORY_DEVICE ? src->device : dst->device;
    if (src->memory == OVNI_MEMORY_DEVICE && dst->memory == OVNI_MEMORY_DEVICE && src->device != dst->device)
        return ovni_error(OVNI_EINVAL, "ovni_frame_copy: frames are on different GPUs");
    /* A host frame given to the GPU side must belong to a GPU device too (for
     * its event), or be waited for by this call. */
    if ((ret = copy_gpu(gpu, dst, src, &l)) < 0) return ret;
    return 0;
}

static int transfer(const ovni_frame *src, ovni_memory to, const char *what, ovni_frame **out)
{
    int ret;
    if (!out) return ovni_error(OVNI_EINVAL, "%s: out is NULL", what);
    *out = NULL;
    if ((ret = frame_check(what, "source", src)) < 0) return ret;
    if (!src->device->is_gpu)
        return ovni_error(OVNI_EINVAL, "%s: the frame's device is the CPU; open a GPU device", what);
    if (src->memory == to)
        return ovni_error(OVNI_EINVAL, "%s: the frame is already in %s memory", what,
                          to == OVNI_MEMORY_HOST ? "host" : "device");
    ovni_frame *f;
    if ((ret = ovni_frame_new(src->device, src->format, src->width, src->height, to, &f)) < 0) return ret;
    if ((ret = ovni_frame_copy(f, src)) < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    *out = f;
    return 0;
}

int ovni_frame_upload(const ovni_frame *src, ovni_frame **out)
{
    return transfer(src, OVNI_MEMORY_DEVICE, "ovni_frame_upload", out);
}

int ovni_frame_download(const ovni_frame *src, ovni_frame **out)
{
    return transfer(src, OVNI_MEMORY_HOST, "ovni_frame_download", out);
}
