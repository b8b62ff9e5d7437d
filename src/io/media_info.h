/* Internal: opening an input and describing its video stream (ovni_probe and
 * the reader). */
#ifndef OVNI_IO_MEDIA_INFO_H
#define OVNI_IO_MEDIA_INFO_H

#include <libavformat/avformat.h>

#include "ovni/reader.h"

/* Opens `path` through guard_open() (allow-lists; "-" is stdin), reads its
 * streams and fills *info (decoder left empty). On failure, a message naming
 * the file and the reason (OVNI_ECANCELED when interrupted); *out stays NULL.
 * With `pb` (an in-memory input, media_memory_io_new), the bytes are read from
 * it instead and `path` only names them in messages; media_open owns pb in
 * every case (freed on failure, by media_close after success). */
int media_open(const char *path, AVIOContext *pb, const AVIOInterruptCB *interrupt, int allow_playlists, AVFormatContext **out,
               ovni_video_info *info);

/* The chroma siting of a stream (its tag, else its codec's default). */
ovni_chroma_loc media_chroma_loc(const AVCodecParameters *par);

/* Closes what media_open() opened, and the in-memory input it may hold. */
void media_close(AVFormatContext **fmt);

/* In-memory inputs (media_memory.c): an AVIOContext reading a private copy
 * of `size` bytes, seekable; NULL when out of memory. Free with
 * media_memory_io_free() (fine on NULL). */
AVIOContext *media_memory_io_new(const void *data, size_t size);
void media_memory_io_free(AVIOContext **pb);

/* reader.c: what both public opens call. `pb` NULL reads the file at
 * `path`; otherwise the reader reads pb (owned from the call on, freed on
 * failure too) and `path` names it in messages. */
int reader_open_io(ovni_reader **out, ovni_device *dev, const char *path, AVIOContext *pb,
                   const ovni_reader_settings *s);

#endif
