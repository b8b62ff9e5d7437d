/* Internal: write-to-temporary-then-rename, so outputs are never partial. */
#ifndef OVNI_IO_TMPFILE_H
#define OVNI_IO_TMPFILE_H

#include <stddef.h>

/* "<dir>/.<name>.ovni-<pid>-<n>.tmp<ext>" beside `path` (keeps the
 * extension, so libavformat still guesses the container from it). */
int tmpfile_name(const char *path, char *out, size_t len);
/* Renames tmp over path; on failure removes tmp. Returns 0 or OVNI_EIO. */
int tmpfile_commit(const char *tmp, const char *path);

#endif
