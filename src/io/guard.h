/* Internal: every libavformat open of an input goes through guard_open(),
 * so that a file can only make ovni read what the user named
 * (docs/reliability.md, "Hostile inputs"):
 * - protocols: `file` only (an in-memory input: none);
 * - demuxers: all but those that read other files or run scripts (playlists,
 *   concat lists, ...) unless allow_playlists; images: image demuxers only;
 * - "-" (stdin), FIFOs and character devices are read through ovni's own
 *   poll loop, so an open with no writer and a read that waits are both
 *   interruptible; the path is opened once, never again;
 * - the interrupt callback is installed before the open and polled by it. */
#ifndef OVNI_IO_GUARD_H
#define OVNI_IO_GUARD_H

#include <libavformat/avformat.h>

typedef enum guard_kind {
    GUARD_MEDIA = 0, /* video or audio */
    GUARD_IMAGE = 1, /* a still picture */
} guard_kind;

typedef struct guard_params {
    guard_kind kind;
    int allow_playlists;           /* GUARD_MEDIA: let playlist/concat demuxers read the files they name */
    const AVInputFormat *format;   /* forced (no probing), or NULL */
    AVIOInterruptCB interrupt;     /* polled during the open and every read */
    AVIOContext *pb;               /* an in-memory input (the caller's until the open succeeds) */
} guard_params;

/* Opens `path` (or p->pb) into *out. 0, or a negative OVNI_E* code with a
 * message naming the file and the reason (a refused playlist says so;
 * OVNI_ECANCELED when interrupted). */
int guard_open(AVFormatContext **out, const char *path, const guard_params *p);
/* Closes what guard_open() opened (not an in-memory pb: its owner frees it).
 * Fine on NULL. */
void guard_close(AVFormatContext **fmt);
/* 1: `path` is "-" or a FIFO, socket or character device: read once, in
 * order (no second open, no seeking back). */
int guard_is_stream(const char *path);
/* 1 when guard_open() refuses demuxer `name` for this kind and setting. */
int guard_refuses(const char *name, guard_kind kind, int allow_playlists);

/* The memory limit for `asked` bytes (0: half of the machine's memory). */
int64_t guard_memory_limit(int64_t asked);
/* 0 if `need` bytes fit `limit`, else OVNI_ENOMEM naming `what`, the frame
 * size and both amounts. */
int guard_memory_check(const char *path, const char *what, int width, int height, int64_t need, int64_t limit);

#endif
