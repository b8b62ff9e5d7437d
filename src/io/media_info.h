/* Internal: opening an input and describing its video stream (ovni_probe and
 * the reader). */
#ifndef OVNI_IO_MEDIA_INFO_H
#define OVNI_IO_MEDIA_INFO_H

#include <libavformat/avformat.h>

#include "ovni/reader.h"

/* Opens `path`, reads its streams and fills *info (decoder left empty). On
 * failure, a message naming the file and the reason; *out stays NULL. */
int media_open(const char *path, const AVIOInterruptCB *interrupt, AVFormatContext **out,
               ovni_video_info *info);

/* Closes what media_open() opened, and the in-memory input it may hold. */
void media_close(AVFormatContext **fmt);

/* In-memory inputs (reader_memory.c): an AVIOContext reading a private copy
 * of `size` bytes, seekable; NULL when out of memory. Free with
 * media_memory_io_free() (fine on NULL). */
AVIOContext *media_memory_io_new(const void *data, size_t size);
void media_memory_io_free(AVIOContext **pb);
/* Hands `pb` to the next media_open() on this thread, which then reads it
 * instead of the file (`path` names it in messages) and owns it; take it
 * back with media_take_next_io() if that open never happened. */
void media_set_next_io(AVIOContext *pb);
AVIOContext *media_take_next_io(void);

#endif
