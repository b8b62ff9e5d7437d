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

/* The orientation (1..8) of a display matrix (NULL: 1); a matrix that is
 * not quarter turns and mirrors gives 1. */
int media_orientation(const int32_t *matrix);
/* AVFieldOrder as ovni's (unknown: progressive). */
ovni_field_order media_field_order(int av_field_order);
/* The size a w x h picture of that SAR and orientation is shown at. */
void media_display_size(int w, int h, ovni_rational sar, int orientation, int *dw, int *dh);

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
