/* The deinterlace op (CPU) against FFmpeg's bwdif and yadif on the same
 * frames: interlaced clips made by the ffmpeg program (testsrc2 woven into
 * fields by its `interlace` filter), read as raw planes, so the decoder
 * plays no part.
 * - bwdif, every mode ovni offers (first field / second field, tff / bff,
 *   first frame without prev, last without next), NV12, GRAY8 and RGB24
 *   (FFmpeg's gbrp planes), even and odd sizes: equal, bit for bit; on a
 *   GPU machine the kernel too ("GPU: 0 bytes differ" lines).
 * - the CLI's variant (no next frame: the job gives one frame at a time)
 *   against bwdif: PSNR at least CLI_MIN_PSNR (measured 45-49 dB, docs/ops.md).
 * - yadif, another motion-adaptive filter: PSNR at least YADIF_MIN_PSNR.
 * - a still picture stays exact (from the second frame on), and combing
 *   (line-to-line energy) of a moving clip falls to a fraction of the
 *   woven input's.
 * - parameter errors name the parameter.
 * Without the ffmpeg program the comparisons SKIP (exit 77). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

/* Measured with FFmpeg 5.1 (docs/ops.md), Y over 8 frames of the still /
 * odd / pan clips: the CLI's variant against bwdif 49.4 / 48.9 / 45.2 dB,
 * ovni against yadif 37.7 / 37.6 / 36.2 dB. The bounds sit 3 dB under the
 * lowest: room for another FFmpeg build's yadif, none for a broken filter
 * (the woven input itself scores 16.7 dB against bwdif on the pan). */
#define CLI_MIN_PSNR 42.0
#define YADIF_MIN_PSNR 33.0

enum { NFRAMES = 8 };

static char dir[256];
static ovni_device *cpu, *gpu; /* gpu: NULL without one */

static int run(const char *cmd)
{
    char full[2048];
    snprintf(full, sizeof(full), "ffmpeg -nostdin -hide_banner -loglevel error -y %s", cmd);
    int r = system(full);
    if (r != 0) fprintf(stderr, "failed (%d): %s\n", r, full);
    return r;
}

static uint8_t *read_file(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* Raw frames of FFmpeg's planar output, `bytes` each. */
typedef struct raw {
    uint8_t *data;
    size_t len, bytes;
    int frames;
} raw;

static int raw_load(raw *r, const char *name, size_t bytes)
{
    r->data = read_file(name, &r->len);
    r->bytes = bytes;
    r->frames = r->data ? (int)(r->len / bytes) : 0;
    return r->data ? 0 : -1;
}

static const uint8_t *raw_frame(const raw *r, int i) { return r->data + (size_t)i * r->bytes; }

/* Frame i of a yuv420p (gray8: Y only; gbrp: G, B, R planes) raw buffer as
 * a host frame of `fmt` on `dev` (frames to upload must be the GPU device's). */
static ovni_frame *to_frame_on(ovni_device *dev, const uint8_t *src, ovni_format fmt, int w, int h)
{
    ovni_frame *f = NULL;
    if (ovni_frame_new(dev, fmt, w, h, OVNI_MEMORY_HOST, &f) < 0) return NULL;
    const int cw = (w + 1) / 2, ch = (h + 1) / 2;
    for (int y = 0; y < h; y++) {
        uint8_t *row = f->data[0] + (size_t)y * f->pitch[0];
        if (fmt == OVNI_FORMAT_RGB24)
            for (int x = 0; x < w; x++) {
                size_t o = (size_t)y * w + x, plane = (size_t)w * h;
                row[3 * x] = src[2 * plane + o];     /* R */
                row[3 * x + 1] = src[o];             /* G */
                row[3 * x + 2] = src[plane + o];     /* B */
            }
        else
            memcpy(row, src + (size_t)y * w, (size_t)w);
    }
    if (fmt == OVNI_FORMAT_NV12) {
        const uint8_t *u = src + (size_t)w * h, *v = u + (size_t)cw * ch;
        for (int y = 0; y < ch; y++)
            for (int x = 0; x < cw; x++) {
                f->data[1][(size_t)y * f->pitch[1] + 2 * x] = u[(size_t)y * cw + x];
                f->data[1][(size_t)y * f->pitch[1] + 2 * x + 1] = v[(size_t)y * cw + x];
            }
    }
    return f;
}

static ovni_frame *to_frame(const uint8_t *src, ovni_format fmt, int w, int h)
{
    return to_frame_on(cpu, src, fmt, w, h);
}

static size_t raw_bytes(ovni_format fmt, int w, int h)
{
    const size_t c = (size_t)((w + 1) / 2) * ((h + 1) / 2);
    return fmt == OVNI_FORMAT_RGB24 ? 3 * (size_t)w * h : fmt == OVNI_FORMAT_GRAY8 ? (size_t)w * h : (size_t)w * h + 2 * c;
}

/* Bytes of two frames that differ; *sse gets the Y (or all-byte) squared error. */
static long frames_diff(const ovni_frame *a, const ovni_frame *b, double *sse, long *count)
{
    long differ = 0;
    *sse = 0;
    *count = 0;
    const int bpp = a->format == OVNI_FORMAT_NV12 ? 1 : ovni_format_pixel_bytes(a->format);
    for (int p = 0; p < ovni_format_planes(a->format); p++) {
        const int rows = p ? (a->height + 1) / 2 : a->height;
        const size_t n = p ? 2 * (size_t)((a->width + 1) / 2) : (size_t)a->width * bpp;
        for (int y = 0; y < rows; y++)
            for (size_t x = 0; x < n; x++) {
                int d = (int)a->data[p][(size_t)y * a->pitch[p] + x] - (int)b->data[p][(size_t)y * b->pitch[p] + x];
                differ += d != 0;
                if (p == 0) *sse += (double)d * d, ++*count;
            }
    }
    return differ;
}

static double psnr(double sse, long count) { return sse > 0 ? 10 * log10(255.0 * 255.0 * count / sse) : 99.0; }

/* Mean |row y - mean of rows y +- 1| over Y: the comb's energy. */
static double combing(const ovni_frame *f)
{
    double s = 0;
    long n = 0;
    for (int y = 1; y + 1 < f->height; y++)
        for (int x = 0; x < f->width; x++) {
            const uint8_t *c = f->data[0] + (size_t)y * f->pitch[0] + x;
            s += fabs(c[0] - 0.5 * (c[-(long)f->pitch[0]] + c[f->pitch[0]]));
            n++;
        }
    return s / n;
}

typedef struct clip {
    int w, h;
    const char *name;
    ovni_frame *f[NFRAMES];     /* NV12 */
} clip;

/* Makes `name`.yuv: testsrc2 at 50 fps, `motion` filters applied, woven two
 * frames a picture (testsrc2 makes even sizes only: odd ones are cropped
 * from it). */
static int clip_make(clip *c, int w, int h, const char *name, const char *motion)
{
    char cmd[1024];
    c->w = w, c->h = h, c->name = name;
    snprintf(cmd, sizeof(cmd),
             "-f lavfi -i testsrc2=s=%dx%d:r=50 -vf %scrop=%d:%d:0:0:exact=1,interlace=scan=tff:lowpass=off "
             "-frames:v %d -pix_fmt yuv420p -f rawvideo %s/%s.yuv", w + 1, h + 1, motion, w, h, NFRAMES, dir, name);
    if (run(cmd)) return -1;
    raw r;
    char file[64];
    snprintf(file, sizeof(file), "%s.yuv", name);
    if (raw_load(&r, file, raw_bytes(OVNI_FORMAT_NV12, w, h)) < 0 || r.frames != NFRAMES) return -1;
    for (int i = 0; i < NFRAMES; i++) c->f[i] = to_frame(raw_frame(&r, i), OVNI_FORMAT_NV12, w, h);
    free(r.data);
    return 0;
}

/* ovni over the clip in `fmt` against FFmpeg's `filter` output (planar
 * `pix_fmt`): 0 different bytes when exact, else the Y PSNR >= min_psnr.
 * field_mode: 0 one output per frame (first field), 1 two (both fields).
 * no_next: the CLI's variant. */
static void compare(const clip *c, ovni_format fmt, const char *pix_fmt, const char *filter, int parity,
                    int field_mode, int no_next, int exact, double min_psnr)
{
    char cmd[1024], out[64];
    snprintf(out, sizeof(out), "%s.ref.raw", c->name);
    snprintf(cmd, sizeof(cmd),
             "-f rawvideo -s %dx%d -pix_fmt yuv420p -i %s/%s.yuv -vf format=%s,%s -f rawvideo -pix_fmt %s %s/%s",
             c->w, c->h, dir, c->name, pix_fmt, filter, pix_fmt, dir, out);
    CHECK(run(cmd) == 0);
    raw ref, src;
    char srcname[64];
    snprintf(srcname, sizeof(srcname), "%s.src.raw", c->name);
    snprintf(cmd, sizeof(cmd), "-f rawvideo -s %dx%d -pix_fmt yuv420p -i %s/%s.yuv -f rawvideo -pix_fmt %s %s/%s",
             c->w, c->h, dir, c->name, pix_fmt, dir, srcname);
    CHECK(run(cmd) == 0);
    const size_t fb = raw_bytes(fmt, c->w, c->h);
    if (raw_load(&ref, out, fb) < 0 || raw_load(&src, srcname, fb) < 0) {
        CHECK_MSG(0, "%s: FFmpeg's output is missing", filter);
        free(ref.data);
        return;
    }
    const int outs = field_mode ? 2 * NFRAMES : NFRAMES;
    CHECK_MSG(ref.frames == outs, "%s: FFmpeg made %d frames, wanted %d", filter, ref.frames, outs);
    ovni_frame *in[NFRAMES];
    for (int i = 0; i < NFRAMES; i++) in[i] = to_frame(raw_frame(&src, i), fmt, c->w, c->h);
    long differ = 0;
    double sse = 0;
    long count = 0;
    for (int k = 0; k < outs && k < ref.frames; k++) {
        const int i = field_mode ? k / 2 : k, field = field_mode ? k & 1 : 0;
        ovni_frame *o = NULL, *r = to_frame(raw_frame(&ref, k), fmt, c->w, c->h);
        CHECK_OK(ovni_deinterlace(i ? in[i - 1] : NULL, in[i], i + 1 < NFRAMES && !no_next ? in[i + 1] : NULL,
                                  parity, field, &o));
        if (o && r) {
            double s;
            long n;
            differ += frames_diff(o, r, &s, &n);
            sse += s, count += n;
        }
        ovni_frame_unref(&o);
        ovni_frame_unref(&r);
    }
    /* the GPU kernel on the same frames, where there is one */
    long gpu_differ = -1;
    if (gpu && exact) {
        ovni_frame *din[NFRAMES] = {0};
        gpu_differ = 0;
        for (int i = 0; i < NFRAMES; i++) {
            ovni_frame *h = to_frame_on(gpu, raw_frame(&src, i), fmt, c->w, c->h);
            CHECK(h != NULL);
            if (h) CHECK_OK(ovni_frame_upload(h, &din[i]));
            ovni_frame_unref(&h);
        }
        for (int k = 0; k < outs && k < ref.frames && din[NFRAMES - 1]; k++) {
            const int i = field_mode ? k / 2 : k, field = field_mode ? k & 1 : 0;
            ovni_frame *o = NULL, *h = NULL, *r = to_frame(raw_frame(&ref, k), fmt, c->w, c->h);
            CHECK_OK(ovni_deinterlace(i ? din[i - 1] : NULL, din[i], i + 1 < NFRAMES && !no_next ? din[i + 1] : NULL, parity,
                                      field, &o));
            if (o) CHECK_OK(ovni_frame_download(o, &h));
            if (h) CHECK_OK(ovni_frame_wait(h));
            double s;
            long n;
            gpu_differ += h && r ? frames_diff(h, r, &s, &n) : 1;
            ovni_frame_unref(&o), ovni_frame_unref(&h), ovni_frame_unref(&r);
        }
        for (int i = 0; i < NFRAMES; i++) ovni_frame_unref(&din[i]);
        printf("%-8s %-7s %dx%d %-46s GPU: %ld bytes differ\n", c->name, ovni_format_name(fmt), c->w, c->h, filter,
               gpu_differ);
        CHECK_MSG(gpu_differ == 0, "%s %s %s on the GPU: %ld bytes differ from FFmpeg", c->name,
                  ovni_format_name(fmt), filter, gpu_differ);
    }
    const double db = psnr(sse, count);
    printf("%-8s %-7s %dx%d %-46s %s: %ld bytes differ, Y PSNR %.2f dB\n", c->name, ovni_format_name(fmt), c->w,
           c->h, filter, no_next ? "ovni without next" : "ovni", differ, db);
    if (exact) CHECK_MSG(differ == 0, "%s %s %s: %ld bytes differ from FFmpeg", c->name, ovni_format_name(fmt), filter, differ);
    else CHECK_MSG(db >= min_psnr, "%s %s: PSNR %.2f dB < %.1f", c->name, filter, db, min_psnr);
    for (int i = 0; i < NFRAMES; i++) ovni_frame_unref(&in[i]);
    free(ref.data);
    free(src.data);
}

static void still_and_combing(const clip *c)
{
    /* a still picture: every frame the same woven picture */
    ovni_frame *o = NULL;
    double sse;
    long n;
    CHECK_OK(ovni_deinterlace(c->f[3], c->f[3], c->f[3], OVNI_DEINTERLACE_TFF, 0, &o));
    CHECK_MSG(o && frames_diff(o, c->f[3], &sse, &n) == 0, "%s: a still picture is not kept exactly", c->name);
    ovni_frame_unref(&o);
    CHECK_OK(ovni_deinterlace(c->f[3], c->f[3], NULL, OVNI_DEINTERLACE_BFF, 1, &o));
    CHECK_MSG(o && frames_diff(o, c->f[3], &sse, &n) != 0, "%s: the second field without next is not intra", c->name);
    ovni_frame_unref(&o);
    /* moving: combing falls */
    double in = 0, out = 0;
    for (int i = 1; i + 1 < NFRAMES; i++) {
        CHECK_OK(ovni_deinterlace(c->f[i - 1], c->f[i], c->f[i + 1], OVNI_DEINTERLACE_TFF, 0, &o));
        if (o) in += combing(c->f[i]), out += combing(o);
        ovni_frame_unref(&o);
    }
    printf("%-8s combing (mean |row - mean of its neighbours|, Y): woven %.2f, deinterlaced %.2f\n", c->name,
           in / (NFRAMES - 2), out / (NFRAMES - 2));
    CHECK_MSG(out < 0.5 * in, "%s: combing %.2f -> %.2f did not halve", c->name, in, out);
}

static void errors(const clip *c)
{
    ovni_frame *o = NULL, *small = NULL, *rgb = NULL;
    CHECK_OK(ovni_frame_new(cpu, OVNI_FORMAT_NV12, 64, 32, OVNI_MEMORY_HOST, &small));
    CHECK_OK(ovni_frame_new(cpu, OVNI_FORMAT_RGB24, c->w, c->h, OVNI_MEMORY_HOST, &rgb));
    CHECK_ERR(ovni_deinterlace(NULL, c->f[0], NULL, 2, 0, &o), OVNI_EINVAL, "parity");
    CHECK_ERR(ovni_deinterlace(NULL, c->f[0], NULL, -2, 0, &o), OVNI_EINVAL, "parity");
    CHECK_ERR(ovni_deinterlace(NULL, c->f[0], NULL, 0, 2, &o), OVNI_EINVAL, "field");
    CHECK_ERR(ovni_deinterlace(small, c->f[0], NULL, 0, 0, &o), OVNI_EINVAL, "prev");
    CHECK_ERR(ovni_deinterlace(NULL, c->f[0], rgb, 0, 0, &o), OVNI_EINVAL, "next");
    CHECK_ERR(ovni_deinterlace(NULL, NULL, NULL, 0, 0, &o), OVNI_EINVAL, "cur");
    CHECK_ERR(ovni_deinterlace(NULL, c->f[0], NULL, 0, 0, NULL), OVNI_EINVAL, "out");
    CHECK_ERR(ovni_deinterlace_into(c->f[0], NULL, c->f[0], NULL, 0, 0), OVNI_EINVAL, "share");
    CHECK_ERR(ovni_deinterlace_into(c->f[1], c->f[1], c->f[0], NULL, 0, 0), OVNI_EINVAL, "share");
    CHECK_ERR(ovni_deinterlace_into(small, NULL, c->f[0], NULL, 0, 0), OVNI_EINVAL, "destination");
    /* a neighbour of another device: named */
    ovni_device *other = NULL;
    ovni_frame *elsewhere = NULL;
    CHECK_OK(ovni_device_open(&other, "cpu"));
    if (other) CHECK_OK(ovni_frame_new(other, OVNI_FORMAT_NV12, c->w, c->h, OVNI_MEMORY_HOST, &elsewhere));
    if (elsewhere) CHECK_ERR(ovni_deinterlace(elsewhere, c->f[0], NULL, 0, 0, &o), OVNI_EINVAL, "prev");
    if (elsewhere) CHECK_ERR(ovni_deinterlace(NULL, c->f[0], elsewhere, 0, 0, &o), OVNI_EINVAL, "next");
    ovni_frame_unref(&elsewhere);
    ovni_device_close(&other);
    CHECK(o == NULL);
    ovni_frame_unref(&small);
    ovni_frame_unref(&rgb);
}

int main(void)
{
    CHECK_OK(ovni_device_open(&cpu, "cpu"));
    if (ovni_device_open(&gpu, "gpu") < 0) {
        gpu = NULL;
        printf("SKIP deinterlace: no GPU: the GPU kernel against FFmpeg not run (checkops deinterlace_* compares it)\n");
    }
    if (system("ffmpeg -hide_banner -loglevel quiet -version >/dev/null 2>&1") != 0) {
        printf("deinterlace: SKIP (no ffmpeg program to compare with)\n");
        ovni_device_close(&gpu);
        ovni_device_close(&cpu);
        return 77;
    }
    snprintf(dir, sizeof(dir), "%s/ovni-deint-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) return 1;
    /* testsrc2 (moving parts on a still background), an odd size, and the
     * whole picture panning (about 2 pixels a field across, 1 down) */
    clip clips[3];
    memset(clips, 0, sizeof(clips));
    CHECK(clip_make(&clips[0], 352, 288, "still", "") == 0);
    CHECK(clip_make(&clips[1], 321, 241, "odd", "") == 0);
    CHECK(clip_make(&clips[2], 352, 288, "pan", "scroll=h=0.006:v=0.004,") == 0);
    for (int k = 0; k < 3 && !test_failures; k++) {
        const clip *c = &clips[k];
        const ovni_format fmts[] = {OVNI_FORMAT_NV12, OVNI_FORMAT_GRAY8, OVNI_FORMAT_RGB24};
        const char *pix[] = {"yuv420p", "gray", "gbrp"};
        for (int f = 0; f < (k < 2 ? 3 : 1); f++) {
            compare(c, fmts[f], pix[f], "bwdif=mode=send_frame:parity=tff:deint=all", OVNI_DEINTERLACE_TFF, 0, 0, 1, 0);
            compare(c, fmts[f], pix[f], "bwdif=mode=send_field:parity=bff:deint=all", OVNI_DEINTERLACE_BFF, 1, 0, 1, 0);
        }
        if (k < 2)
            compare(c, OVNI_FORMAT_NV12, "yuv420p", "bwdif=mode=send_field:parity=tff:deint=all", OVNI_DEINTERLACE_TFF,
                    1, 0, 1, 0);
        compare(c, OVNI_FORMAT_NV12, "yuv420p", "bwdif=mode=send_frame:parity=tff:deint=all", OVNI_DEINTERLACE_AUTO, 0,
                1, 0, CLI_MIN_PSNR);
        compare(c, OVNI_FORMAT_NV12, "yuv420p", "yadif=mode=send_frame:parity=tff:deint=all", OVNI_DEINTERLACE_TFF, 0,
                0, 0, YADIF_MIN_PSNR);
        still_and_combing(c);
    }
    errors(&clips[0]);
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < NFRAMES; i++) ovni_frame_unref(&clips[k].f[i]);
    ovni_device_close(&gpu);
    ovni_device_close(&cpu);
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return test_result("deinterlace");
}
