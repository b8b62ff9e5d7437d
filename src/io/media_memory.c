/* In-memory inputs: a private copy of the caller's bytes served through a
 * seekable custom AVIOContext (media_info.h). media_open() reads it instead
 * of a file; media_close() frees it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/mem.h>

#include "../core/common.h"
#include "media_info.h"

#define MEMORY_IO_BUFFER 32768

typedef struct memory_src {
    uint8_t *data;
    size_t size, pos;
} memory_src;

static int memory_read(void *opaque, uint8_t *buf, int len)
{
    memory_src *m = opaque;
    if (m->pos >= m->size) return AVERROR_EOF;
    size_t n = m->size - m->pos;
    if (len > 0 && (size_t)len < n) n = (size_t)len;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (int)n;
}

static int64_t memory_seek(void *opaque, int64_t offset, int whence)
{
    memory_src *m = opaque;
    int64_t base;
    switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE: return (int64_t)m->size;
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = (int64_t)m->pos; break;
    case SEEK_END: base = (int64_t)m->size; break;
    default: return AVERROR(EINVAL);
    }
    /* Checked before adding: demuxers pass offsets read from the file. */
    if (offset < -base || offset > (int64_t)m->size - base) return AVERROR(EINVAL);
    m->pos = (size_t)(base + offset);
    return (int64_t)m->pos;
}

AVIOContext *media_memory_io_new(const void *data, size_t size)
{
    memory_src *m = ovni_calloc(1, sizeof(*m));
    uint8_t *copy = ovni_malloc(size ? size : 1);
    uint8_t *buf = ovni_fault_hit() ? NULL : av_malloc(MEMORY_IO_BUFFER);
    AVIOContext *pb = m && copy && buf ? avio_alloc_context(buf, MEMORY_IO_BUFFER, 0, m, memory_read, NULL,
                                                            memory_seek)
                                       : NULL;
    if (!pb) {
        av_free(buf);
        free(copy);
        free(m);
        return NULL;
    }
    if (size) memcpy(copy, data, size);
    m->data = copy;
    m->size = size;
    return pb;
}

void media_memory_io_free(AVIOContext **pb)
{
    if (!pb || !*pb) return;
    memory_src *m = (*pb)->opaque;
    av_freep(&(*pb)->buffer); /* libavformat may have replaced the one given */
    avio_context_free(pb);
    if (m) free(m->data);
    free(m);
}

