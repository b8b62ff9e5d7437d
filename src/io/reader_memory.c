/* Reading a video from bytes in memory: the bytes go into an AVIOContext
 * (media_memory.c) handed to the reader's ordinary open path
 * (reader_open_io(), which both public opens call). Used by the fuzzer and by
 * callers whose video never touches the disk. */
#include <stdio.h>

#include "../core/common.h"
#include "media_info.h"

int ovni_reader_open_memory(ovni_reader **out, ovni_device *dev, const void *data, size_t size,
                            const ovni_reader_settings *s)
{
    if (!out) return ovni_error(OVNI_EINVAL, "ovni_reader_open_memory: out is NULL");
    *out = NULL;
    if (!data && size) return ovni_error(OVNI_EINVAL, "ovni_reader_open_memory: data is NULL");
    if (size > (size_t)INT64_MAX) return ovni_error(OVNI_EINVAL, "ovni_reader_open_memory: size is too large");
    char name[64];
    snprintf(name, sizeof(name), "<memory: %zu bytes>", size);
    AVIOContext *pb = media_memory_io_new(data, size);
    if (!pb) return ovni_error(OVNI_ENOMEM, "%s: out of memory", name);
    /* One pass of one demuxer: parallel decode (settings.segments) opens the
     * file again by its path, which bytes in memory do not have. */
    ovni_reader_settings one;
    ovni_reader_default_settings(&one);
    if (s) one = *s;
    one.segments = 1;
    return reader_open_io(out, dev, name, pb, &one);
}
