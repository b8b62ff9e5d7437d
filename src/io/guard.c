/* Opening inputs: protocol and demuxer allow-lists, stdin/FIFO reading
 * through an interruptible poll loop, and refusals explained (guard.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavutil/avstring.h>
#include <libavutil/mem.h>

#include "../core/common.h"
#include "guard.h"

#define STREAM_BUFFER 65536
#define HEAD_BYTES 4096

/* Demuxers that open files or URLs named inside the input, or run code:
 * a renamed HLS playlist would otherwise copy any readable file into the
 * output. Compared with each of a demuxer's comma-separated names. */
static const char *const playlist_demuxers[] = {
    "hls", "applehttp", "dash", "concat", "ffconcat", "ffmetadata", "imf", "webm_dash_manifest",
    "avisynth", "vapoursynth", "sdp", "rtsp", "rtp", "sap", "mpl2_playlist", NULL,
};
/* Image demuxers beyond image2 and the "*_pipe" family. */
static const char *const image_demuxers[] = {"image2", "apng", "gif", "ico", "image2pipe", NULL};

static int name_in(const char *names, const char *const *list)
{
    /* names: "mov,mp4,m4a": any of them */
    for (const char *p = names; p && *p;) {
        size_t len = strcspn(p, ",");
        for (int i = 0; list[i]; i++)
            if (strlen(list[i]) == len && !strncmp(p, list[i], len)) return 1;
        p += len;
        p += *p == ',';
    }
    return 0;
}

static int is_image_demuxer(const char *name)
{
    size_t n = strlen(name);
    return name_in(name, image_demuxers) || (n > 5 && !strcmp(name + n - 5, "_pipe"));
}

int guard_refuses(const char *name, guard_kind kind, int allow_playlists)
{
    if (!name) return 0;
    if (kind == GUARD_IMAGE) return !is_image_demuxer(name);
    return !allow_playlists && name_in(name, playlist_demuxers);
}

/* The comma-separated allow-lists handed to libavformat, built once. */
static char *lists[2];
static pthread_once_t lists_once = PTHREAD_ONCE_INIT;

static void build_lists(void)
{
    for (int kind = 0; kind < 2; kind++) {
        size_t cap = 1, len = 0;
        void *it = NULL;
        const AVInputFormat *f;
        while ((f = av_demuxer_iterate(&it))) cap += strlen(f->name) + 1;
        char *s = malloc(cap);
        if (!s) continue;
        s[0] = 0;
        it = NULL;
        while ((f = av_demuxer_iterate(&it))) {
            if (guard_refuses(f->name, (guard_kind)kind, 0)) continue;
            len += (size_t)snprintf(s + len, cap - len, "%s%s", len ? "," : "", f->name);
        }
        lists[kind] = s;
    }
}

/* ---- stdin, FIFOs and devices: one read in order, interruptible ---- */

typedef struct guard_stream {
    int fd, own;
    AVIOInterruptCB cb;
    uint8_t head[HEAD_BYTES]; /* the first bytes, to explain a refusal */
    size_t nhead;
} guard_stream;

static int stream_read(void *opaque, uint8_t *buf, int len)
{
    guard_stream *gs = opaque;
    for (;;) {
        if (gs->cb.callback && gs->cb.callback(gs->cb.opaque)) return AVERROR_EXIT;
        /* A FIFO with no writer yet polls as nothing (not as the end), so
         * this waits for one in steps short enough for Ctrl-C. */
        struct pollfd pfd = {.fd = gs->fd, .events = POLLIN};
        int pr = poll(&pfd, 1, 100);
        if (pr < 0 && errno != EINTR) return AVERROR(errno);
        if (pr <= 0) continue;
        ssize_t n = read(gs->fd, buf, (size_t)len);
        if (n > 0) {
            if (gs->nhead < HEAD_BYTES) {
                size_t k = (size_t)n < HEAD_BYTES - gs->nhead ? (size_t)n : HEAD_BYTES - gs->nhead;
                memcpy(gs->head + gs->nhead, buf, k);
                gs->nhead += k;
            }
            return (int)n;
        }
        if (n == 0) return AVERROR_EOF;
        if (errno != EAGAIN && errno != EINTR) return AVERROR(errno);
    }
}

static int64_t stream_seek(void *opaque, int64_t offset, int whence)
{
    guard_stream *gs = opaque;
    struct stat sb;
    if (fstat(gs->fd, &sb) != 0 || !S_ISREG(sb.st_mode)) return AVERROR(ESPIPE);
    if ((whence & ~AVSEEK_FORCE) == AVSEEK_SIZE) return sb.st_size;
    off_t r = lseek(gs->fd, (off_t)offset, whence & ~AVSEEK_FORCE);
    return r < 0 ? AVERROR(errno) : (int64_t)r;
}

static void stream_free(AVIOContext **pb, guard_stream **gs)
{
    if (*pb) {
        av_freep(&(*pb)->buffer);
        avio_context_free(pb);
    }
    if (*gs) {
        if ((*gs)->own) close((*gs)->fd);
        free(*gs);
        *gs = NULL;
    }
}

int guard_is_stream(const char *path)
{
    if (!strcmp(path, "-")) return 1;
    struct stat sb;
    return stat(path, &sb) == 0 && (S_ISFIFO(sb.st_mode) || S_ISCHR(sb.st_mode) || S_ISSOCK(sb.st_mode));
}

static int open_stream(const char *path, const AVIOInterruptCB *cb, guard_stream **gs_out, AVIOContext **pb_out)
{
    guard_stream *gs = ovni_calloc(1, sizeof(*gs));
    if (!gs) return ovni_error(OVNI_ENOMEM, "%s: out of memory", path);
    gs->cb = *cb;
    if (!strcmp(path, "-")) {
        gs->fd = 0;
    } else {
        /* O_NONBLOCK: a FIFO's open waits for no writer (the reads do, in poll). */
        gs->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (gs->fd < 0) {
            int e = errno;
            free(gs);
            return ovni_error(OVNI_EIO, "%s: cannot open: %s", path, strerror(e));
        }
        gs->own = 1;
    }
    struct stat sb;
    int seekable = fstat(gs->fd, &sb) == 0 && S_ISREG(sb.st_mode); /* stdin redirected from a file */
    uint8_t *buf = av_malloc(STREAM_BUFFER);
    AVIOContext *pb = buf ? avio_alloc_context(buf, STREAM_BUFFER, 0, gs, stream_read, NULL,
                                               seekable ? stream_seek : NULL)
                          : NULL;
    if (!pb) {
        av_free(buf);
        stream_free(&pb, &gs);
        return ovni_error(OVNI_ENOMEM, "%s: out of memory", path);
    }
    *gs_out = gs;
    *pb_out = pb;
    return 0;
}

/* ---- refusals ---- */

static const char *demuxer_words(const char *name)
{
    if (name_in(name, (const char *const[]){"hls", "applehttp", NULL})) return "an HLS playlist";
    if (name_in(name, (const char *const[]){"concat", "ffconcat", NULL})) return "an FFmpeg concat list";
    if (name_in(name, (const char *const[]){"dash", "webm_dash_manifest", NULL})) return "a DASH manifest";
    if (name_in(name, (const char *const[]){"ffmetadata", NULL})) return "an FFmpeg metadata file";
    if (name_in(name, (const char *const[]){"avisynth", "vapoursynth", NULL})) return "a script";
    return "a playlist or reference file";
}

/* Why libavformat refused `path`, from its first bytes. */
static int explain(const char *path, const guard_params *p, const uint8_t *head, size_t n, int averr)
{
    uint8_t buf[HEAD_BYTES + AVPROBE_PADDING_SIZE];
    memset(buf, 0, sizeof(buf));
    if (n > HEAD_BYTES) n = HEAD_BYTES;
    if (head) memcpy(buf, head, n);
    char why[128];
    av_strerror(averr, why, sizeof(why));
    AVProbeData pd = {.filename = path, .buf = buf, .buf_size = (int)n};
    int score = 0;
    const AVInputFormat *guess = n ? av_probe_input_format3(&pd, 1, &score) : NULL;
    if (guess && guard_refuses(guess->name, p->kind, p->allow_playlists)) {
        if (p->kind == GUARD_IMAGE)
            return ovni_error(OVNI_EFORMAT, "%s: not an image: libavformat reads it as %s (%s); images are "
                              "opened by image demuxers only", path,
                              name_in(guess->name, playlist_demuxers) ? demuxer_words(guess->name) : "media",
                              guess->name);
        return ovni_error(OVNI_EFORMAT, "%s: %s (the %s demuxer), which names other files to read: refused "
                          "(--allow-playlists, or the setting allow_playlists, reads it)", path,
                          demuxer_words(guess->name), guess->name);
    }
    if (guess && score > AVPROBE_SCORE_EXTENSION)
        return ovni_error(OVNI_EFORMAT, "%s: a damaged or truncated %s file (%s)", path, guess->name, why);
    int text = n > 0;
    for (size_t i = 0; i < n && text; i++)
        text = buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r' || buf[i] >= 0x20;
    if (text) return ovni_error(OVNI_EFORMAT, "%s: a text file, not a %s", path, p->kind == GUARD_IMAGE ? "picture" : "video");
    return ovni_error(OVNI_EFORMAT, "%s: not a %s file libavformat recognises (%s)", path,
                      p->kind == GUARD_IMAGE ? "picture" : "media", why);
}

/* The first bytes of a regular file, without blocking on anything else. */
static size_t read_head(const char *path, uint8_t *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return 0;
    struct stat sb;
    ssize_t n = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? read(fd, buf, cap) : 0;
    close(fd);
    return n > 0 ? (size_t)n : 0;
}

static int interrupted(const guard_params *p)
{
    return p->interrupt.callback && p->interrupt.callback(p->interrupt.opaque);
}

int guard_open(AVFormatContext **out, const char *path, const guard_params *p)
{
    *out = NULL;
    pthread_once(&lists_once, build_lists);
    const char *list = lists[p->kind == GUARD_IMAGE];
    if (!list) return ovni_error(OVNI_ENOMEM, "%s: out of memory", path);
    guard_stream *gs = NULL;
    AVIOContext *pb = p->pb;
    int ret;
    if (!pb && guard_is_stream(path) && (ret = open_stream(path, &p->interrupt, &gs, &pb)) < 0) return ret;
    AVFormatContext *fmt = avformat_alloc_context();
    if (!fmt) {
        if (gs) stream_free(&pb, &gs);
        return ovni_error(OVNI_ENOMEM, "%s: out of memory", path);
    }
    fmt->interrupt_callback = p->interrupt;
    fmt->pb = pb;
    fmt->opaque = gs; /* guard_close() frees it */
    AVDictionary *opts = NULL;
    /* Bytes from memory name no file at all; a file may name files only
     * through a playlist demuxer, and only when those are allowed. */
    av_dict_set(&opts, "protocol_whitelist", p->pb ? "none" : "file", 0);
    if (p->kind == GUARD_IMAGE || !p->allow_playlists) av_dict_set(&opts, "format_whitelist", list, 0);
    av_dict_set(&opts, "pattern_type", "none", 0); /* image2: this file, not a numbered sequence */
    /* A relative name with a colon ("a:b.mp4") is a file, not protocol "a". */
    char *name = NULL;
    if (!pb && path[0] != '/' && strchr(path, ':')) name = av_asprintf("./%s", path);
    int r = avformat_open_input(&fmt, pb ? "" : name ? name : path, p->format, &opts); /* frees fmt on failure */
    av_free(name);
    av_dict_free(&opts);
    if (r >= 0) {
        *out = fmt;
        return 0;
    }
    if (interrupted(p)) ret = ovni_error(OVNI_ECANCELED, "%s: interrupted while opening", path);
    else if (r == AVERROR(ENOENT) || r == AVERROR(EACCES) || r == AVERROR(EISDIR)) {
        char why[128];
        av_strerror(r, why, sizeof(why));
        ret = ovni_error(OVNI_EIO, "%s: cannot open: %s", path, why);
    } else if (gs) {
        ret = explain(path, p, gs->head, gs->nhead, r);
    } else if (p->pb) {
        uint8_t head[HEAD_BYTES];
        int got = avio_seek(p->pb, 0, SEEK_SET) == 0 ? avio_read(p->pb, head, HEAD_BYTES) : 0;
        ret = explain(path, p, head, got > 0 ? (size_t)got : 0, r);
    } else {
        uint8_t head[HEAD_BYTES];
        ret = explain(path, p, head, read_head(path, head, HEAD_BYTES), r);
    }
    if (gs) stream_free(&pb, &gs);
    return ret;
}

void guard_close(AVFormatContext **fmt)
{
    if (!fmt || !*fmt) return;
    guard_stream *gs = (*fmt)->opaque;
    AVIOContext *pb = gs ? (*fmt)->pb : NULL;
    avformat_close_input(fmt);
    if (gs) stream_free(&pb, &gs);
}

/* ---- memory ---- */

int64_t guard_memory_limit(int64_t asked)
{
    if (asked > 0) return asked;
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0) return (int64_t)8 << 30;
    return (int64_t)pages * size / 2;
}

int guard_memory_check(const char *path, const char *what, int width, int height, int64_t need, int64_t limit)
{
    if (need <= limit) return 0;
    return ovni_error(OVNI_ENOMEM, "%s: %dx%d frames: the %s would take about %.2f GB, over the memory limit of "
                      "%.2f GB (--max-memory, the setting max_memory)", path, width, height, what,
                      (double)need / (1 << 30), (double)limit / (1 << 30));
}
