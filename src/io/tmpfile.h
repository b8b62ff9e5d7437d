/* Internal: write-to-temporary-then-rename, so outputs are never partial and
 * a planted file or symlink is never written through. */
#ifndef OVNI_IO_TMPFILE_H
#define OVNI_IO_TMPFILE_H

#include <stddef.h>

/* Creates "<dir>/.<stem>.ovni-<12 random characters>.tmp<.ext>" beside
 * `path` with O_CREAT|O_EXCL|O_NOFOLLOW (a name that exists, a symlink
 * included, is never opened: another name is drawn). The stem is shortened
 * when the name would pass the file system's limit. Registers the name for
 * ovni_remove_temp_files(). Returns the open descriptor (>= 0; the caller
 * closes it) with the name in out, or OVNI_EIO naming `path`. */
int tmpfile_create(const char *path, char *out, size_t len);
/* Gives tmp (open as fd) the mode and owner of the file it replaces, then
 * renames it over path; no_replace: fails with OVNI_EIO if path exists. On
 * failure removes tmp. Unregisters tmp. Returns 0 or OVNI_EIO. */
int tmpfile_commit(int fd, const char *tmp, const char *path, int no_replace);
/* Removes tmp and unregisters it (fine on ""). */
void tmpfile_discard(const char *tmp);

#endif
