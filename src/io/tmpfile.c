/* Temporary output files: exclusive creation under an unpredictable name,
 * the replaced file's mode and owner kept, and a table of live names that
 * a signal handler can remove (ovni_remove_temp_files). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/common.h"
#include "ovni/writer.h"
#include "tmpfile.h"

#ifndef NAME_MAX
#define NAME_MAX 255
#endif

/* ---- live temporary files, for a handler that exits at once ---- */

#define LIVE_SLOTS 32
enum { SLOT_FREE, SLOT_WRITING, SLOT_LIVE };
static struct {
    atomic_int state;
    char path[4096];
} live[LIVE_SLOTS];

static void live_add(const char *path)
{
    if (strlen(path) >= sizeof(live[0].path)) return;
    for (int i = 0; i < LIVE_SLOTS; i++) {
        int expect = SLOT_FREE;
        if (atomic_compare_exchange_strong(&live[i].state, &expect, SLOT_WRITING)) {
            strcpy(live[i].path, path);
            atomic_store(&live[i].state, SLOT_LIVE);
            return;
        }
    }
}

static void live_remove(const char *path)
{
    for (int i = 0; i < LIVE_SLOTS; i++) {
        int expect = SLOT_LIVE;
        if (atomic_load(&live[i].state) == SLOT_LIVE && !strcmp(live[i].path, path) &&
            atomic_compare_exchange_strong(&live[i].state, &expect, SLOT_WRITING)) {
            atomic_store(&live[i].state, SLOT_FREE);
            return;
        }
    }
}

/* Only unlink() and atomic loads: async-signal-safe. */
void ovni_remove_temp_files(void)
{
    for (int i = 0; i < LIVE_SLOTS; i++)
        if (atomic_load(&live[i].state) == SLOT_LIVE) unlink(live[i].path);
}

/* ---- create, commit ---- */

static void random_chars(char *out, int n)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789"; /* 36: about 62 bits in 12 */
    unsigned char raw[32];
    if (getrandom(raw, (size_t)n, GRND_NONBLOCK) != n) {
        /* No entropy yet (early boot): O_EXCL still makes it safe, only guessable. */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        unsigned long long x = (unsigned long long)ts.tv_nsec * 6364136223846793005ULL ^ (unsigned long long)getpid();
        for (int i = 0; i < n; i++, x = x * 6364136223846793005ULL + 1442695040888963407ULL) raw[i] = (unsigned char)(x >> 33);
    }
    for (int i = 0; i < n; i++) out[i] = alphabet[raw[i] % 36];
    out[n] = 0;
}

int tmpfile_create(const char *path, char *out, size_t len)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    int dir_len = slash ? (int)(slash - path + 1) : 0;
    int stem_len = dot ? (int)(dot - base) : (int)strlen(base);
    const char *ext = dot ? dot : "";
    const int fixed = 1 + 6 + 12 + 4; /* "." ".ovni-" random ".tmp" */
    if ((int)strlen(ext) > NAME_MAX - fixed - 8) ext = ""; /* the muxer is chosen by name, not by this */
    int room = NAME_MAX - fixed - (int)strlen(ext);
    if (stem_len > room) stem_len = room; /* a long name gets a shorter temporary name */
    for (int tries = 0; tries < 16; tries++) {
        char rnd[13];
        random_chars(rnd, 12);
        /* Tests plant a symlink at a known name: the first try takes it. */
        const char *fixed_name = tries == 0 ? getenv("OVNI_TEST_TMP_NAME") : NULL;
        if (fixed_name && strlen(fixed_name) == 12) memcpy(rnd, fixed_name, 12);
        int n = snprintf(out, len, "%.*s.%.*s.ovni-%s.tmp%s", dir_len, path, stem_len, base, rnd, ext);
        if (n < 0 || (size_t)n >= len) return ovni_error(OVNI_EINVAL, "output path \"%s\" is too long", path);
        int fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0) {
            live_add(out);
            return fd;
        }
        if (errno != EEXIST) {
            int e = errno;
            out[0] = 0;
            return ovni_error(OVNI_EIO, "%s: cannot create the output file beside it: %s", path, strerror(e));
        }
    }
    out[0] = 0;
    return ovni_error(OVNI_EIO, "%s: cannot create a temporary file beside it (16 names taken)", path);
}

void tmpfile_discard(const char *tmp)
{
    if (!tmp || !tmp[0]) return;
    unlink(tmp);
    live_remove(tmp);
}

int tmpfile_commit(int fd, const char *tmp, const char *path, int no_replace)
{
    struct stat sb;
    /* The file replaced keeps its mode and owner (a 0600 file stays 0600).
     * A symlink as the target is replaced itself, never followed. */
    if (lstat(path, &sb) == 0) {
        if (no_replace) {
            tmpfile_discard(tmp);
            return ovni_error(OVNI_EIO, "%s: the output exists (no-overwrite); it was left as it was", path);
        }
        if (S_ISREG(sb.st_mode)) {
            mode_t mode = sb.st_mode & 07777;
            if (fd >= 0 && fchown(fd, sb.st_uid, sb.st_gid) != 0) mode &= 0777; /* no set-id bits for another owner */
            if (fd >= 0) fchmod(fd, mode);
        }
    }
    int r;
    if (no_replace) {
        r = renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE);
        if (r != 0 && errno == EINVAL) { /* a file system without RENAME_NOREPLACE */
            r = link(tmp, path);
            if (r == 0) unlink(tmp);
        }
    } else {
        r = rename(tmp, path);
    }
    int e = errno;
    if (r == 0) {
        live_remove(tmp);
        return 0;
    }
    tmpfile_discard(tmp);
    if (no_replace && e == EEXIST)
        return ovni_error(OVNI_EIO, "%s: the output exists (no-overwrite); it was left as it was", path);
    return ovni_error(OVNI_EIO, "%s: cannot rename the finished temporary file into place: %s", path, strerror(e));
}
