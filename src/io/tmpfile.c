#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../core/common.h"
#include "tmpfile.h"

int tmpfile_name(const char *path, char *out, size_t len)
{
    static atomic_int counter;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    int dir_len = slash ? (int)(slash - path + 1) : 0;
    int stem_len = dot ? (int)(dot - base) : (int)strlen(base);
    int n = snprintf(out, len, "%.*s.%.*s.ovni-%d-%d.tmp%s", dir_len, path, stem_len, base, (int)getpid(),
                     atomic_fetch_add(&counter, 1), dot ? dot : "");
    if (n < 0 || (size_t)n >= len) return ovni_error(OVNI_EINVAL, "output path \"%s\" is too long", path);
    return 0;
}

int tmpfile_commit(const char *tmp, const char *path)
{
    if (rename(tmp, path) == 0) return 0;
    int e = errno;
    unlink(tmp);
    return ovni_error(OVNI_EIO, "%s: cannot rename the finished temporary file into place: %s", path, strerror(e));
}
