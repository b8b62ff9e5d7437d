/* Captions: libass set-up, packing libass's image list, and the dispatch to
 * one kernel launch (GPU frames) or the CPU walk (host frames).
 *
 * Per render: ass_render_frame() gives the images and whether anything
 * changed since the previous call. On a change, every image is clipped to
 * the frame and packed into one staging buffer: a table of ass_blend_img,
 * then the bitmaps, tightly (stride = width). The staging buffer is pinned
 * when the frame is on a GPU, so the one upload is DMA. Without a change the
 * packed list, and its upload, are reused as they are. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <dirent.h>

#include <ass/ass.h>

#include "../ops/op_internal.h"
#include "ass_internal.h"
#include "ovni/ass.h"

#define ASS_MAX_SCRIPT ((size_t)256 << 20)  /* a script larger than this is not a script */
#define ASS_MAX_PACKED ((size_t)1 << 30)    /* 32-bit offsets, and sanity */
#define ASS_MAX_WARNED 32
#define ASS_MAX_FONT_FILE ((off_t)64 << 20) /* a font file larger than this is skipped */
#define ASS_MAX_FONT_SCALE 4                /* font size: at most 4x the script's height */
#define ASS_MAX_SCALE 10.0                  /* ScaleX/ScaleY: at most 1000 % */
#define ASS_GLYPH_CACHE 2000                /* libass's caches: glyphs, and MB of bitmaps */
#define ASS_BITMAP_CACHE_MB 64

struct ovni_ass {
    ASS_Library *lib;
    ASS_Renderer *rend;
    ASS_Track *track;
    char name[256];           /* the file, for messages */
    int width, height;        /* libass's frame size now */
    char warned[ASS_MAX_WARNED][64]; /* fonts already warned about */
    int nwarned;
    uint8_t *still;           /* per event: 1 if its look does not change with time */
    int64_t still_lo, still_hi; /* libass's output is the same for t in [lo, hi) */

    /* The packed list of the last libass render. */
    uint8_t *stage;
    size_t stage_cap, stage_bytes, bits_off;
    ovni_device *stage_dev;   /* pinned on this GPU (retained), or NULL: malloc */
    int nimg, have_list;
    int ux0, uy0, ux1, uy1;   /* bounding rectangle of the images */

    /* Its copy on a GPU. */
    ovni_device *gdev;        /* retained */
    CUdeviceptr dbuf;
    size_t dbuf_cap;
    CUevent copied;           /* recorded after the upload: the stage may be rewritten after it */
    int copy_pending, uploaded;

    ovni_ass_stats stats;
};

/* ---- libass messages ------------------------------------------------- */

/* libass: 0 fatal, 1 error, 2 warning, 4 info, 6 verbose, 7 debug. Font
 * fallbacks are reported once per family by ovni itself (below), so
 * libass's per-glyph "Using ... font" lines go to the debug log. */
static int map_level(int level)
{
    if (level <= 1) return OVNI_LOG_ERROR;
    if (level <= 3) return OVNI_LOG_WARNING;
    return OVNI_LOG_DEBUG;
}

/* "fontselect: Using default font family: (Family, 400, 0) -> path, ..."
 * and "... Using fallback font family: ...": the family asked for is
 * between "(" and the ", weight, italic)" that ends it. */
static void font_fallback(ovni_ass *a, const char *msg)
{
    const char *open = strchr(msg, '(');
    const char *close = open ? strstr(open, ") ->") : NULL;
    if (!close) return;
    const char *end = close;
    for (int commas = 0; end > open && commas < 2; end--)
        if (end[-1] == ',') commas++;
    if (end <= open) return;
    char family[64];
    size_t n = (size_t)(end - open - 1);
    if (n >= sizeof(family)) n = sizeof(family) - 1;
    memcpy(family, open + 1, n);
    family[n] = 0;
    for (int i = 0; i < a->nwarned; i++)
        if (!strcmp(a->warned[i], family)) return;
    if (a->nwarned < ASS_MAX_WARNED) strcpy(a->warned[a->nwarned++], family);
    /* After "-> ": path, face index, PostScript name. */
    char used[256];
    snprintf(used, sizeof(used), "%s", close + 5);
    char *ps = strrchr(used, ',');
    if (ps) *ps = 0;
    char *idx = strrchr(used, ',');
    if (idx) *idx = 0;
    ovni_log(OVNI_LOG_WARNING, "captions: %s: font \"%s\" is not installed; using %s (%s) instead", a->name,
             family[0] ? family : "(none)", ps ? ps + 2 : "the default font", used);
}

static void ass_message(int level, const char *fmt, va_list args, void *data)
{
    ovni_ass *a = data;
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, args);
    if (strstr(msg, "fontselect: Using default font") || strstr(msg, "fontselect: Using fallback font")) {
        font_fallback(a, msg);
        level = 6;
    }
    ovni_log(map_level(level), "libass: %s", msg);
}

/* ---- open / close ---------------------------------------------------- */

static int read_file(const char *path, char **data, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return ovni_error(OVNI_EIO, "captions: cannot open %s: %s", path, strerror(errno));
    int ret = 0;
    struct stat st;
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        ret = ovni_error(OVNI_EIO, "captions: %s is not a regular file", path);
    } else if ((size_t)st.st_size > ASS_MAX_SCRIPT) {
        ret = ovni_error(OVNI_EFORMAT, "captions: %s is %lld bytes, more than a script can be (%zu)", path,
                         (long long)st.st_size, ASS_MAX_SCRIPT);
    } else if (!(*data = ovni_malloc((size_t)st.st_size + 1))) {
        ret = ovni_error(OVNI_ENOMEM, "captions: out of memory reading %s", path);
    } else {
        *size = fread(*data, 1, (size_t)st.st_size, fp);
        if (ferror(fp)) {
            ret = ovni_error(OVNI_EIO, "captions: cannot read %s: %s", path, strerror(errno));
            free(*data);
            *data = NULL;
        }
    }
    fclose(fp);
    return ret;
}

static void gpu_release(ovni_ass *a);
static void stage_free(ovni_ass *a);

void ovni_ass_close(ovni_ass **ap)
{
    if (!ap || !*ap) return;
    ovni_ass *a = *ap;
    *ap = NULL;
    gpu_release(a);
    stage_free(a);
    if (a->track) ass_free_track(a->track);
    if (a->rend) ass_renderer_done(a->rend);
    if (a->lib) ass_library_done(a->lib);
    free(a->still);
    free(a);
}

/* Conservative: an event is still unless an effect or a tag that animates
 * (\k, \kf, \t, \fad, \fade, \move) appears anywhere in it. */
static uint8_t event_still(const ASS_Event *e)
{
    if (e->Effect && e->Effect[0]) return 0;
    for (const char *p = e->Text ? strchr(e->Text, '\\') : NULL; p; p = strchr(p + 1, '\\')) {
        char c = (char)tolower((unsigned char)p[1]);
        if (c == 'k' || c == 't' || !strncasecmp(p + 1, "fad", 3) || !strncasecmp(p + 1, "move", 4)) return 0;
    }
    return 1;
}

/* After a libass render at t: the interval around t in which the same
 * still events, and only they, are on screen, so libass would give the same
 * images (empty when an animated event is on screen). */
static void still_interval(ovni_ass *a, int64_t t)
{
    int64_t lo = INT64_MIN, hi = INT64_MAX;
    for (int i = 0; i < a->track->n_events; i++) {
        const ASS_Event *e = &a->track->events[i];
        int64_t b[2] = {e->Start, INT64_MAX};
        if (__builtin_add_overflow(e->Start, e->Duration, &b[1])) b[1] = INT64_MAX;
        if (t >= b[0] && t < b[1] && !a->still[i]) {
            a->still_lo = a->still_hi = 0;
            return;
        }
        for (int k = 0; k < 2; k++) {
            if (b[k] <= t && b[k] > lo) lo = b[k];
            if (b[k] > t && b[k] < hi) hi = b[k];
        }
    }
    a->still_lo = lo, a->still_hi = hi;
}

/* ---- limits: a few bytes of script must not take gigabytes ---------- */

/* The fonts directory, as ass_set_fonts_dir() reads it, without the files
 * over ASS_MAX_FONT_FILE (libass keeps every font file in memory). */
static void add_fonts(ASS_Library *lib, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (st.st_size > ASS_MAX_FONT_FILE) {
            ovni_log(OVNI_LOG_WARNING, "captions: fonts directory: %s is %.1f MB, over the %d MB a font file may "
                     "take: skipped", path, (double)st.st_size / (1 << 20), (int)(ASS_MAX_FONT_FILE >> 20));
            continue;
        }
        FILE *fp = fopen(path, "rb");
        char *buf = fp ? malloc((size_t)st.st_size + 1) : NULL;
        size_t n = buf ? fread(buf, 1, (size_t)st.st_size, fp) : 0;
        if (fp) fclose(fp);
        if (buf && n > 0) ass_add_font(lib, e->d_name, buf, (int)n);
        free(buf);
    }
    closedir(d);
}

/* Font sizes past ASS_MAX_FONT_SCALE times the script's height, and scales
 * past ASS_MAX_SCALE, draw nothing a frame can show and make libass
 * rasterise glyphs of gigabytes (Fontsize 200000 took 7.9 GB): clamped, with
 * one warning. Styles, and \fs / \fscx / \fscy in the events' text. */
static double clamp_tag(char **text, const char *tag, double limit)
{
    double worst = 0;
    size_t tl = strlen(tag);
    for (char *p = strstr(*text, tag); p; p = strstr(p + 1, tag)) {
        char *num = p + tl, *end;
        if (!strcmp(tag, "\\fs") && (*num == 'c' || *num == 'p')) continue; /* \fscx, \fsp */
        double v = strtod(num, &end);
        if (end == num || !(v > limit) ) continue;
        if (v > worst || v != v) worst = v;
        char lim[32];
        int ln = snprintf(lim, sizeof(lim), "%g", limit);
        size_t head = (size_t)(num - *text), tail = strlen(end);
        char *t = malloc(head + (size_t)ln + tail + 1);
        if (!t) return worst;
        memcpy(t, *text, head);
        memcpy(t + head, lim, (size_t)ln);
        memcpy(t + head + (size_t)ln, end, tail + 1);
        free(*text); /* libass's strings are malloc'd */
        *text = t;
        p = t + head;
    }
    return worst;
}

static void clamp_sizes(ovni_ass *a)
{
    ASS_Track *t = a->track;
    double res = t->PlayResY > 0 ? t->PlayResY : 288;
    double max_fs = res * ASS_MAX_FONT_SCALE, worst = 0;
    for (int i = 0; i < t->n_styles; i++) {
        ASS_Style *st = &t->styles[i];
        if (!(st->FontSize <= max_fs)) worst = st->FontSize > worst ? st->FontSize : worst, st->FontSize = max_fs;
        if (!(st->ScaleX <= ASS_MAX_SCALE)) worst = worst ? worst : max_fs + 1, st->ScaleX = ASS_MAX_SCALE;
        if (!(st->ScaleY <= ASS_MAX_SCALE)) worst = worst ? worst : max_fs + 1, st->ScaleY = ASS_MAX_SCALE;
    }
    for (int i = 0; i < t->n_events; i++) {
        char **text = &t->events[i].Text;
        if (!*text) continue;
        double w = clamp_tag(text, "\\fs", max_fs);
        if (w > worst) worst = w;
        if (clamp_tag(text, "\\fscx", ASS_MAX_SCALE * 100) > 0 && !worst) worst = max_fs + 1;
        if (clamp_tag(text, "\\fscy", ASS_MAX_SCALE * 100) > 0 && !worst) worst = max_fs + 1;
    }
    if (worst > 0)
        ovni_log(OVNI_LOG_WARNING, "captions: %s: font sizes up to %g (or scales over %d%%) clamped to %g, %d "
                 "times the script's height %g", a->name, worst, (int)(ASS_MAX_SCALE * 100), max_fs,
                 ASS_MAX_FONT_SCALE, res);
}

/* Whether a line of the script starts with `tag` (case-insensitive, after
 * blanks), as libass matches section headers and ScriptType. */
static int has_line(const char *data, size_t size, const char *tag)
{
    size_t n = strlen(tag);
    for (size_t i = 0; i < size;) {
        while (i < size && (data[i] == ' ' || data[i] == '\t')) i++;
        if (size - i >= n && !strncasecmp(data + i, tag, n)) return 1;
        const char *nl = memchr(data + i, '\n', size - i);
        if (!nl) break;
        i = (size_t)(nl - data) + 1;
    }
    return 0;
}

/* Why libass gave no track for a script, as far as its parser tells:
 * it takes the text up to the first NUL, and needs a styles section or a
 * ScriptType line to know the script's type. */
static int refused(const char *data, size_t size, const char *name)
{
    const char *nul = memchr(data, 0, size);
    size_t text = nul ? (size_t)(nul - data) : size;
    int info = has_line(data, text, "[Script Info]"), events = has_line(data, text, "[Events]");
    int styles = has_line(data, text, "[V4+ Styles]") || has_line(data, text, "[V4 Styles]") ||
                 has_line(data, text, "[V4+Styles]"), type = has_line(data, text, "ScriptType:");
    if (nul && (has_line(nul, size - text, "[Script Info]") || has_line(nul, size - text, "[Events]") ||
                has_line(nul, size - text, "[V4+ Styles]")))
        return ovni_error(OVNI_EFORMAT, "captions: %s has a NUL byte at offset %zu: libass reads the script only up "
                          "to it, and the sections after it are lost", name, text);
    if (!info && !events)
        return ovni_error(OVNI_EFORMAT, "captions: %s is not an ASS/SSA script (no [Script Info] or [Events] section)",
                          name);
    if (!styles && !type)
        return ovni_error(OVNI_EFORMAT, "captions: libass refused %s: it has no [V4+ Styles] (or [V4 Styles]) section "
                          "and no ScriptType line in [Script Info], so libass cannot tell ASS from SSA; add a "
                          "[V4+ Styles] section or 'ScriptType: v4.00+'", name);
    return ovni_error(OVNI_EFORMAT, "captions: libass refused %s although it has %s%s%s (out of memory?)", name,
                      info ? "[Script Info]" : "", events ? (info ? " and [Events]" : "[Events]") : "",
                      styles ? " and a styles section" : " and a ScriptType line");
}

static int open_common(ovni_ass **out, const char *data, size_t size, const char *name, int width, int height,
                       const ovni_ass_options *opt)
{
    if (width < 1 || height < 1 || width > OVNI_MAX_DIM || height > OVNI_MAX_DIM)
        return ovni_error(OVNI_EINVAL, "captions: frame size %dx%d is outside 1..%d", width, height, OVNI_MAX_DIM);
    const char *fonts_dir = opt ? opt->fonts_dir : NULL;
    const char *def = opt && opt->default_font && opt->default_font[0] ? opt->default_font : "sans-serif";
    struct stat st;
    if (fonts_dir && (stat(fonts_dir, &st) != 0 || !S_ISDIR(st.st_mode)))
        return ovni_error(OVNI_EINVAL, "captions: fonts_dir %s is not a directory", fonts_dir);
    ovni_ass *a = ovni_calloc(1, sizeof(*a));
    if (!a) return ovni_error(OVNI_ENOMEM, "captions: out of memory");
    snprintf(a->name, sizeof(a->name), "%s", name);
    a->width = width, a->height = height;
    if (!(a->lib = ass_library_init())) goto nomem;
    ass_set_message_cb(a->lib, ass_message, a);
    if (fonts_dir) add_fonts(a->lib, fonts_dir);
    /* libass copies the buffer; it takes char * for historical reasons. */
    a->track = ass_read_memory(a->lib, (char *)data, size, NULL);
    if (!a->track) {
        ovni_ass_close(&a);
        return refused(data, size, name);
    }
    clamp_sizes(a);
    if (!(a->still = ovni_calloc((size_t)a->track->n_events + 1, 1))) goto nomem;
    for (int i = 0; i < a->track->n_events; i++) a->still[i] = event_still(&a->track->events[i]);
    if (a->track->n_events == 0) ovni_log(OVNI_LOG_WARNING, "captions: %s has no events; nothing will be drawn", name);
    if (!(a->rend = ass_renderer_init(a->lib))) goto nomem;
    ass_set_frame_size(a->rend, width, height);
    ass_set_storage_size(a->rend, width, height);
    ass_set_fonts(a->rend, NULL, def, ASS_FONTPROVIDER_FONTCONFIG, NULL, 1);
    ass_set_cache_limits(a->rend, ASS_GLYPH_CACHE, ASS_BITMAP_CACHE_MB);
    *out = a;
    return 0;
nomem:
    ovni_ass_close(&a);
    return ovni_error(OVNI_ENOMEM, "captions: libass could not be initialised for %s", name);
}

int ovni_ass_open_memory(ovni_ass **out, const void *data, size_t size, int width, int height,
                         const ovni_ass_options *opt)
{
    if (!out) return ovni_error(OVNI_EINVAL, "captions: out is NULL");
    *out = NULL;
    if (!data || !size) return ovni_error(OVNI_EFORMAT, "captions: the script in memory is empty");
    if (size > ASS_MAX_SCRIPT) return ovni_error(OVNI_EFORMAT, "captions: a %zu-byte script is too large", size);
    return open_common(out, data, size, "script in memory", width, height, opt);
}

int ovni_ass_open_file(ovni_ass **out, const char *path, int width, int height, const ovni_ass_options *opt)
{
    if (!out) return ovni_error(OVNI_EINVAL, "captions: out is NULL");
    *out = NULL;
    if (!path) return ovni_error(OVNI_EINVAL, "captions: path is NULL");
    char *data = NULL;
    size_t size = 0;
    int ret = read_file(path, &data, &size);
    if (ret < 0) return ret;
    if (size == 0) ret = ovni_error(OVNI_EFORMAT, "captions: %s is empty, not an ASS/SSA script", path);
    else ret = open_common(out, data, size, path, width, height, opt);
    free(data);
    return ret;
}

void ovni_ass_get_stats(const ovni_ass *a, ovni_ass_stats *stats)
{
    if (a && stats) *stats = a->stats;
}

/* ---- staging buffer and its GPU copy ---------------------------------- */

/* Waits until the last upload has read the staging buffer. */
static int wait_copy(ovni_ass *a)
{
    if (!a->copy_pending) return 0;
    int ret = gpu_enter(a->gdev);
    if (ret < 0) return ret;
    CUresult r = a->gdev->cu->cuEventSynchronize(a->copied);
    gpu_leave(a->gdev);
    a->copy_pending = 0;
    return r == CUDA_SUCCESS ? 0 : gpu_fail(a->gdev, r, "cuEventSynchronize", "captions");
}

static void stage_free(ovni_ass *a)
{
    wait_copy(a);
    if (a->stage_dev) {
        if (gpu_enter(a->stage_dev) == 0) {
            a->stage_dev->x.cuMemFreeHost(a->stage);
            gpu_leave(a->stage_dev);
        }
        device_release(a->stage_dev);
    } else {
        free(a->stage);
    }
    a->stage = NULL, a->stage_dev = NULL, a->stage_cap = 0;
}

/* Room for `bytes`, pinned on `dev` when dev is a GPU. Contents are lost. */
static int stage_reserve(ovni_ass *a, size_t bytes, ovni_device *dev)
{
    if (!dev->is_gpu) dev = NULL;
    int ret = wait_copy(a);
    if (ret < 0) return ret;
    if (a->stage && bytes <= a->stage_cap && (a->stage_dev == dev || !dev)) return 0;
    stage_free(a);
    size_t cap = bytes + bytes / 2;
    if (dev) {
        if ((ret = gpu_enter(dev)) < 0) return ret;
        void *p = NULL;
        CUresult r = dev->x.cuMemHostAlloc(&p, cap, 0);
        gpu_leave(dev);
        if (r != CUDA_SUCCESS) return gpu_fail(dev, r, "cuMemHostAlloc", "captions: staging buffer");
        a->stage = p;
        a->stage_dev = dev;
        device_retain(dev);
    } else if (!(a->stage = ovni_malloc(cap))) {
        return ovni_error(OVNI_ENOMEM, "captions: out of memory for %zu bytes of bitmaps", cap);
    }
    a->stage_cap = cap;
    return 0;
}

static void gpu_release(ovni_ass *a)
{
    if (!a->gdev) return;
    wait_copy(a);
    if (gpu_enter(a->gdev) == 0) {
        /* Kernels still queued may read dbuf. */
        a->gdev->cu->cuStreamSynchronize(a->gdev->stream);
        if (a->dbuf) a->gdev->cu->cuMemFree(a->dbuf);
        if (a->copied) a->gdev->cu->cuEventDestroy(a->copied);
        gpu_leave(a->gdev);
    }
    device_release(a->gdev);
    a->gdev = NULL, a->dbuf = 0, a->dbuf_cap = 0, a->copied = NULL, a->uploaded = 0;
}

/* Copies the packed list to dev once (caller is in dev's context). */
static int upload(ovni_ass *a, ovni_device *dev)
{
    CudaFunctions *cu = dev->cu;
    if (a->dbuf_cap < a->stage_bytes) {
        CU_CHECK(dev, cuStreamSynchronize(dev->stream), "captions: growing the GPU buffer");
        if (a->dbuf) cu->cuMemFree(a->dbuf);
        a->dbuf = 0, a->dbuf_cap = 0;
        size_t cap = a->stage_bytes + a->stage_bytes / 2;
        CUresult r = cu->cuMemAlloc(&a->dbuf, cap);
        if (r == GPU_ERROR_OUT_OF_MEMORY)
            return ovni_error(OVNI_ENOMEM, "captions: out of GPU memory for %zu bytes of bitmaps", cap);
        if (r != CUDA_SUCCESS) return gpu_fail(dev, r, "cuMemAlloc", "captions");
        a->dbuf_cap = cap;
    }
    if (!a->copied) CU_CHECK(dev, cuEventCreate(&a->copied, CU_EVENT_DISABLE_TIMING | CU_EVENT_BLOCKING_SYNC), "captions");
    CU_CHECK(dev, cuMemcpyHtoDAsync(a->dbuf, a->stage, a->stage_bytes, dev->stream), "captions: upload");
    CU_CHECK(dev, cuEventRecord(a->copied, dev->stream), "captions: upload");
    a->copy_pending = 1;
    a->uploaded = 1;
    a->stats.uploads++;
    return 0;
}

/* ---- packing ---------------------------------------------------------- */

static int clip_image(const ASS_Image *im, int fw, int fh, int r[4])
{
    if (!im->bitmap || im->w <= 0 || im->h <= 0 || im->stride < im->w || (im->color & 255) == 255) return 0;
    long long x0 = im->dst_x, y0 = im->dst_y, x1 = x0 + im->w, y1 = y0 + im->h;
    r[0] = (int)(x0 < 0 ? 0 : x0), r[1] = (int)(y0 < 0 ? 0 : y0);
    r[2] = (int)(x1 > fw ? fw : x1), r[3] = (int)(y1 > fh ? fh : y1);
    return r[0] < r[2] && r[1] < r[3];
}

static int pack(ovni_ass *a, const ASS_Image *list, ovni_device *dev)
{
    int n = 0, r[4];
    size_t bits = 0;
    /* Until this list is complete, there is none to reuse. */
    a->have_list = 0, a->uploaded = 0, a->nimg = 0;
    for (const ASS_Image *im = list; im; im = im->next)
        if (clip_image(im, a->width, a->height, r)) {
            n++;
            bits += (size_t)(r[2] - r[0]) * (size_t)(r[3] - r[1]);
            if (bits > ASS_MAX_PACKED || n > (int)(ASS_MAX_PACKED / sizeof(ass_blend_img)))
                return ovni_error(OVNI_EINVAL, "captions: %s: the images of one frame exceed %zu bytes", a->name,
                                  ASS_MAX_PACKED);
        }
    size_t table = ((size_t)n * sizeof(ass_blend_img) + 63) & ~(size_t)63;
    int ret = stage_reserve(a, table + bits + 1, dev);
    if (ret < 0) return ret;
    ass_blend_img *t = (ass_blend_img *)a->stage;
    uint8_t *b = a->stage + table;
    size_t off = 0;
    int i = 0;
    a->ux0 = a->width, a->uy0 = a->height, a->ux1 = 0, a->uy1 = 0;
    for (const ASS_Image *im = list; im; im = im->next) {
        if (!clip_image(im, a->width, a->height, r)) continue;
        int w = r[2] - r[0], h = r[3] - r[1];
        t[i] = (ass_blend_img){r[0], r[1], w, h, w, (uint32_t)off, im->color, 0};
        const unsigned char *src = im->bitmap + (size_t)(r[1] - im->dst_y) * (size_t)im->stride + (size_t)(r[0] - im->dst_x);
        for (int y = 0; y < h; y++) memcpy(b + off + (size_t)y * w, src + (size_t)y * im->stride, (size_t)w);
        off += (size_t)w * h;
        if (r[0] < a->ux0) a->ux0 = r[0];
        if (r[1] < a->uy0) a->uy0 = r[1];
        if (r[2] > a->ux1) a->ux1 = r[2];
        if (r[3] > a->uy1) a->uy1 = r[3];
        i++;
    }
    a->nimg = n;
    a->bits_off = table;
    a->stage_bytes = table + off;
    a->have_list = 1;
    a->stats.packs++;
    a->stats.last_images = n;
    a->stats.last_bytes = a->stage_bytes;
    return 0;
}

/* ---- render ----------------------------------------------------------- */

static int blend_gpu(ovni_ass *a, ovni_frame *frame, ass_blend_frame *f)
{
    ovni_device *dev = frame->device;
    if (a->gdev != dev) {
        gpu_release(a);
        a->gdev = dev;
        device_retain(dev);
    }
    int ret = gpu_enter(dev);
    if (ret < 0) return ret;
    if (!a->uploaded) ret = upload(a, dev);
    if (ret == 0) {
        CUdeviceptr table = a->dbuf, bits = a->dbuf + a->bits_off;
        int n = a->nimg;
        void *args[] = {f, &table, &bits, &n};
        /* One thread per pixel (RGB) or per 2x2 block (NV12), 32x8 tiles. */
        int w = f->x1 - f->x0, h = f->y1 - f->y0;
        if (f->bpp == 1) w /= 2, h /= 2;
        ret = gpu_launch(dev, f->bpp == 1 ? KERNEL_ASS_BLEND_NV12 : KERNEL_ASS_BLEND_RGB, (unsigned)(w + 31) / 32,
                         (unsigned)(h + 7) / 8, 32, 8, 0, args);
    }
    gpu_leave(dev);
    return ret;
}

int ovni_ass_render(ovni_ass *a, int64_t t_ms, ovni_frame *frame)
{
    if (!a) return ovni_error(OVNI_EINVAL, "captions: handle is NULL");
    int ret = op_begin("captions", frame, NULL);
    if (ret < 0) return ret;
    int bpp = frame->format == OVNI_FORMAT_NV12 ? 1 : frame->format == OVNI_FORMAT_RGB24 ? 3
            : frame->format == OVNI_FORMAT_RGBA32 ? 4 : 0;
    if (!bpp)
        return ovni_error(OVNI_EUNSUPPORTED, "captions: %s frames are not supported (rgb24, rgba32, nv12)",
                          ovni_format_name(frame->format));
    if (bpp == 1 && (unsigned)frame->matrix > OVNI_MATRIX_BT2020)
        return ovni_error(OVNI_EINVAL, "captions: frame has an unknown colour matrix %d", (int)frame->matrix);
    if (frame->width != a->width || frame->height != a->height) {
        a->width = frame->width, a->height = frame->height;
        ass_set_frame_size(a->rend, a->width, a->height);
        ass_set_storage_size(a->rend, a->width, a->height);
        a->have_list = 0;
    }
    /* Between event boundaries with only still events on screen, libass
     * would lay out again to report "no change": skip it. */
    if (!a->have_list || t_ms < a->still_lo || t_ms >= a->still_hi) {
        int change = 0;
        ASS_Image *list = ass_render_frame(a->rend, a->track, (long long)t_ms, &change);
        a->stats.layouts++;
        if (change || !a->have_list) {
            if ((ret = pack(a, list, frame->device)) < 0) return ret;
        }
        still_interval(a, t_ms);
    }
    a->stats.renders++;
    if (a->nimg == 0) return 0;
    ass_blend_frame f = {
        .p0 = frame->data[0], .p1 = frame->data[1],
        .pitch0 = frame->pitch[0], .pitch1 = frame->pitch[1],
        .width = frame->width, .height = frame->height, .bpp = bpp,
        .x0 = a->ux0, .y0 = a->uy0, .x1 = a->ux1, .y1 = a->uy1,
        .k = colour_coefs_make((int)frame->matrix, frame->range == OVNI_RANGE_FULL, 8),
    };
    if (bpp == 1) { /* whole 2x2 blocks */
        f.x0 &= ~1, f.y0 &= ~1;
        f.x1 += f.x1 & 1, f.y1 += f.y1 & 1;
    }
    if (op_on_gpu(frame)) return blend_gpu(a, frame, &f);
    return ass_blend_cpu(frame->device, &f, (const ass_blend_img *)a->stage, a->stage + a->bits_off, a->nimg);
}
