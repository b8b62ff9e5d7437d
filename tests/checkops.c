/* checkops: the CPU walk and the GPU kernels of every op against the
 * reference walk (checkops.h), on random and edge inputs in guarded
 * buffers, then a timing line per op on a 1080p frame. Without a GPU the
 * CPU is still compared (and must be exact) and the program passes; each
 * op prints SKIP for the GPU column, and with CHECKOPS_REQUIRE_GPU set it
 * exits 77 (skipped) instead. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../src/core/gpu.h" /* ovni_device.reference */
#include "checkops.h"
#include "test.h"

extern const checkops_case checkops_colour[];
extern const checkops_case checkops_compose[];
extern const checkops_case checkops_effects[];
extern const checkops_case checkops_geometry[];
extern const checkops_case checkops_deinterlace[];
extern const checkops_case checkops_depth[];

static const struct {
    const char *name;
    const checkops_case *cases;
} families[] = {
    {"colour", checkops_colour},
    {"compose", checkops_compose},
    {"effects", checkops_effects},
    {"geometry", checkops_geometry},
    {"deinterlace", checkops_deinterlace},
    {"depth", checkops_depth},
};

#define GUARD_COLS 64 /* bytes left and right of each row (left: plus the run's shift) */
#define GUARD_ROWS 2
#define GUARD_BYTE 0xA5

double checkops_uniform(double lo, double hi) { return test_uniform(lo, hi); }
int checkops_int(int lo, int hi) { return lo + (int)(test_rand() % (uint32_t)(hi - lo + 1)); }

typedef struct guarded {
    ovni_frame *backing[2]; /* GRAY8 frames holding plane + guards */
    ovni_frame *frame;      /* the op's view: interior of the backings */
    size_t row_bytes[2];
    size_t left;            /* guard bytes left of each row: GUARD_COLS + 0..3 */
    int rows[2], planes;
} guarded;

static void release_backings(void *opaque)
{
    guarded *g = opaque;
    for (int i = 0; i < 2; i++) ovni_frame_unref(&g->backing[i]);
}

static void plane_geometry(ovni_format f, int w, int h, int p, size_t *row_bytes, int *rows)
{
    int bpp = ovni_format_pixel_bytes(f);
    *row_bytes = p == 0 ? (size_t)w * bpp : (size_t)((w + 1) / 2) * 2 * bpp;
    *rows = p == 0 ? h : (h + 1) / 2;
}

/* A guarded frame on dev/mem whose backing bytes copy `like` (if given) or
 * are guard bytes around random pixels. Its rows start `shift` (0..3) bytes
 * after a 4-byte boundary, so the kernels' unaligned paths are compared too. */
static int guarded_new(guarded *g, ovni_device *dev, ovni_memory mem, ovni_format fmt, int w, int h, int shift,
                       const guarded *like)
{
    memset(g, 0, sizeof(*g));
    /* P010's 16-bit samples must be 2-byte aligned (ovni_frame_wrap checks) */
    g->left = GUARD_COLS + (size_t)(fmt == OVNI_FORMAT_P010 ? shift & ~1 : shift);
    g->planes = ovni_format_planes(fmt);
    uint8_t *data[2] = {0};
    size_t pitch[2] = {0};
    for (int p = 0; p < g->planes; p++) {
        plane_geometry(fmt, w, h, p, &g->row_bytes[p], &g->rows[p]);
        /* RGBA32 backings: 4 bytes a pixel keeps 4097-wide RGBA rows in range. */
        int bw = ((int)(g->row_bytes[p] + g->left) + GUARD_COLS + 3) / 4 * 4, bh = g->rows[p] + 2 * GUARD_ROWS;
        int ret = ovni_frame_new(dev, OVNI_FORMAT_RGBA32, bw / 4, bh, mem, &g->backing[p]);
        if (ret < 0) return ret;
        ovni_frame *b = g->backing[p];
        if (like) {
            if ((ret = ovni_frame_copy(b, like->backing[p])) < 0) return ret;
        } else {
            for (int y = 0; y < bh; y++) memset(b->data[0] + (size_t)y * b->pitch[0], GUARD_BYTE, (size_t)bw);
            for (int y = 0; y < g->rows[p]; y++) {
                uint8_t *row = b->data[0] + (size_t)(y + GUARD_ROWS) * b->pitch[0] + g->left;
                for (size_t x = 0; x < g->row_bytes[p]; x++) row[x] = (uint8_t)test_rand();
            }
        }
        data[p] = b->data[0] + (size_t)GUARD_ROWS * b->pitch[0] + g->left;
        pitch[p] = b->pitch[0];
    }
    return ovni_frame_wrap(dev, fmt, w, h, mem, data, pitch, release_backings, g, &g->frame);
}

static void guarded_free(guarded *g)
{
    ovni_frame_unref(&g->frame);
    release_backings(g);
}

/* Host copies of a guarded frame's backings (downloads device ones). */
static int backing_host(ovni_device *cpu, const guarded *g, int p, ovni_frame **out)
{
    ovni_frame *b = g->backing[p];
    int ret = ovni_frame_new(cpu, OVNI_FORMAT_RGBA32, b->width, b->height, OVNI_MEMORY_HOST, out);
    if (ret == 0) ret = ovni_frame_copy(*out, b);
    if (ret == 0) ret = ovni_frame_wait(*out);
    return ret;
}

static int guards_intact(const ovni_frame *b, size_t left, size_t row_bytes, int rows)
{
    for (int y = 0; y < b->height; y++) {
        const uint8_t *row = b->data[0] + (size_t)y * b->pitch[0];
        int inside_y = y >= GUARD_ROWS && y < GUARD_ROWS + rows;
        for (int x = 0; x < 4 * b->width; x++) {
            int inside = inside_y && (size_t)x >= left && (size_t)x < left + row_bytes;
            if (!inside && row[x] != GUARD_BYTE) return 0;
        }
    }
    return 1;
}

typedef struct result {
    int max_diff, cpu_diff, guards_ok, cpu_ok, compared;
    uint64_t hash; /* of the reference's output at GOLDEN_W x GOLDEN_H, rows aligned */
} result;

/* Golden outputs, as libass's compare/: the FNV-1a hash of each case's
 * reference output at one size, checked in (tests/checkops_golden.txt, its
 * path compiled in by meson as CHECKOPS_GOLDEN_FILE; the env CHECKOPS_GOLDEN
 * names another). A hash that differs fails, and so does a file that cannot
 * be read; an intended change rewrites the file (CHECKOPS_GOLDEN_UPDATE=1,
 * every case) in the same commit, with the reason in the commit message. */
#ifndef CHECKOPS_GOLDEN_FILE
#define CHECKOPS_GOLDEN_FILE NULL
#endif
#define GOLDEN_W 131
#define GOLDEN_H 77

static uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* Largest byte difference between the interiors of two guarded frames'
 * plane pl (a and b host backings of the same geometry). */
static int interior_diff(const ovni_frame *a, const ovni_frame *b, const guarded *g, int pl)
{
    int worst = 0;
    for (int y = GUARD_ROWS; y < GUARD_ROWS + g->rows[pl]; y++) {
        const uint8_t *ra = a->data[0] + (size_t)y * a->pitch[0] + g->left;
        const uint8_t *rb = b->data[0] + (size_t)y * b->pitch[0] + g->left;
        if (!memcmp(ra, rb, g->row_bytes[pl])) continue;
        for (size_t x = 0; x < g->row_bytes[pl]; x++) {
            int d = abs((int)ra[x] - (int)rb[x]);
            if (d > worst) worst = d;
        }
    }
    return worst;
}

static void case_sizes(const checkops_case *c, const checkops_params *p, int w, int h, int iw[], int ih[],
                       int ow[], int oh[])
{
    for (int i = 0; i < CHECKOPS_MAX_IO; i++) iw[i] = ow[i] = w, ih[i] = oh[i] = h;
    if (c->sizes) c->sizes(p, w, h, iw, ih, ow, oh);
}

/* One case at one size: reference run, CPU run, GPU run, comparisons.
 * Input rows start `shift` bytes past a 4-byte boundary, output rows
 * 4 - shift (0: both aligned, as pool frames are). */
static void run_one(const checkops_case *c, ovni_device *ref, ovni_device *cpu, ovni_device *gpu, int w, int h,
                    int shift, uint64_t seed, result *r)
{
    const int out_shift = shift ? 4 - shift : 0;
    checkops_params p;
    memset(&p, 0, sizeof(p));
    test_seed(seed);
    if (c->draw) c->draw(&p, w, h);
    int iw[CHECKOPS_MAX_IO], ih[CHECKOPS_MAX_IO], ow[CHECKOPS_MAX_IO], oh[CHECKOPS_MAX_IO];
    case_sizes(c, &p, w, h, iw, ih, ow, oh);
    guarded hin[CHECKOPS_MAX_IO] = {0}, hout[CHECKOPS_MAX_IO] = {0};
    guarded rin[CHECKOPS_MAX_IO] = {0}, rout[CHECKOPS_MAX_IO] = {0};
    guarded din[CHECKOPS_MAX_IO] = {0}, dout[CHECKOPS_MAX_IO] = {0};
    ovni_frame *in[CHECKOPS_MAX_IO] = {0}, *out[CHECKOPS_MAX_IO] = {0};
    int setup = 0;
    for (int i = 0; i < c->ninputs; i++) setup |= guarded_new(&hin[i], cpu, OVNI_MEMORY_HOST, c->in_fmt[i], iw[i], ih[i], shift, NULL);
    for (int i = 0; i < c->noutputs; i++) setup |= guarded_new(&hout[i], cpu, OVNI_MEMORY_HOST, c->out_fmt[i], ow[i], oh[i], out_shift, NULL);
    for (int i = 0; i < c->ninputs; i++) setup |= guarded_new(&rin[i], ref, OVNI_MEMORY_HOST, c->in_fmt[i], iw[i], ih[i], shift, &hin[i]);
    for (int i = 0; i < c->noutputs; i++) setup |= guarded_new(&rout[i], ref, OVNI_MEMORY_HOST, c->out_fmt[i], ow[i], oh[i], out_shift, &hout[i]);
    if (gpu) {
        for (int i = 0; i < c->ninputs; i++) setup |= guarded_new(&din[i], gpu, OVNI_MEMORY_DEVICE, c->in_fmt[i], iw[i], ih[i], shift, &hin[i]);
        for (int i = 0; i < c->noutputs; i++) setup |= guarded_new(&dout[i], gpu, OVNI_MEMORY_DEVICE, c->out_fmt[i], ow[i], oh[i], out_shift, &hout[i]);
    }
    CHECK_MSG(setup == 0, "%s %dx%d: test frames: %s", c->name, w, h, ovni_last_error());
    int ret = -1;
    if (!setup) {
        for (int i = 0; i < c->ninputs; i++) in[i] = rin[i].frame;
        for (int i = 0; i < c->noutputs; i++) out[i] = rout[i].frame;
        ret = c->run(out, in, &p);
        CHECK_MSG(ret == 0, "%s %dx%d on the reference: %s", c->name, w, h, ovni_last_error());
    }
    if (ret == 0) {
        for (int i = 0; i < c->ninputs; i++) in[i] = hin[i].frame;
        for (int i = 0; i < c->noutputs; i++) out[i] = hout[i].frame;
        ret = c->run(out, in, &p);
        CHECK_MSG(ret == 0, "%s %dx%d on the CPU: %s", c->name, w, h, ovni_last_error());
    }
    if (ret < 0) r->cpu_ok = 0;
    for (int i = 0; i < c->noutputs && ret == 0; i++)
        for (int pl = 0; pl < hout[i].planes; pl++) {
            const guarded *g = &hout[i], *q = &rout[i];
            if (!guards_intact(g->backing[pl], g->left, g->row_bytes[pl], g->rows[pl]) ||
                !guards_intact(q->backing[pl], q->left, q->row_bytes[pl], q->rows[pl]))
                r->guards_ok = 0;
            int d = interior_diff(g->backing[pl], q->backing[pl], g, pl);
            if (d > r->cpu_diff) r->cpu_diff = d;
            if (w == GOLDEN_W && h == GOLDEN_H && !shift)
                for (int y = GUARD_ROWS; y < GUARD_ROWS + q->rows[pl]; y++)
                    r->hash = fnv1a(r->hash, q->backing[pl]->data[0] + (size_t)y * q->backing[pl]->pitch[0] + q->left,
                                    q->row_bytes[pl]);
        }
    if (gpu && ret == 0) {
        for (int i = 0; i < c->ninputs; i++) in[i] = din[i].frame;
        for (int i = 0; i < c->noutputs; i++) out[i] = dout[i].frame;
        ret = c->run(out, in, &p);
        CHECK_MSG(ret == 0, "%s %dx%d on the GPU: %s", c->name, w, h, ovni_last_error());
        CHECK_OK(ovni_device_sync(gpu));
        for (int i = 0; i < c->noutputs && ret == 0; i++)
            for (int pl = 0; pl < dout[i].planes; pl++) {
                ovni_frame *back = NULL;
                CHECK_OK(backing_host(cpu, &dout[i], pl, &back));
                if (!back) continue;
                if (!guards_intact(back, dout[i].left, dout[i].row_bytes[pl], dout[i].rows[pl])) r->guards_ok = 0;
                int d = interior_diff(back, rout[i].backing[pl], &dout[i], pl);
                if (d > r->max_diff) r->max_diff = d;
                ovni_frame_unref(&back);
            }
        r->compared = 1;
    }
    for (int i = 0; i < CHECKOPS_MAX_IO; i++) {
        guarded_free(&hin[i]), guarded_free(&hout[i]);
        guarded_free(&rin[i]), guarded_free(&rout[i]);
        guarded_free(&din[i]), guarded_free(&dout[i]);
    }
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static double frame_bytes(ovni_format f, int w, int h)
{
    double b = 0;
    for (int p = 0; p < ovni_format_planes(f); p++) {
        size_t rb;
        int rows;
        plane_geometry(f, w, h, p, &rb, &rows);
        b += (double)rb * rows;
    }
    return b;
}

/* Device-to-device copy rate in bytes (read + written) per second. */
static double copy_rate(ovni_device *gpu)
{
    ovni_frame *a = NULL, *b = NULL;
    double rate = 0;
    if (ovni_frame_new(gpu, OVNI_FORMAT_RGBA32, 8192, 4096, OVNI_MEMORY_DEVICE, &a) == 0 &&
        ovni_frame_new(gpu, OVNI_FORMAT_RGBA32, 8192, 4096, OVNI_MEMORY_DEVICE, &b) == 0) {
        ovni_frame_copy(b, a);
        ovni_device_sync(gpu);
        double t0 = now();
        for (int i = 0; i < 20; i++) ovni_frame_copy(b, a);
        ovni_device_sync(gpu);
        rate = 2.0 * 20 * frame_bytes(OVNI_FORMAT_RGBA32, 8192, 4096) / (now() - t0);
    }
    ovni_frame_unref(&a);
    ovni_frame_unref(&b);
    return rate;
}

/* op, max |GPU - reference|, |CPU - reference|, guards, cpu ms, then on the
 * GPU: host-launched ms ("launch ms") and its roofline share, graph
 * (GPU-only) ms and its roofline share. */
#define TABLE_ROW "%-28s %8s %8s %7s %9s %9s %9s %9s %10s\n"

/* Timing size: 1920x1080 unless CHECKOPS_SIZE=WxH says otherwise. */
static int time_w = 1920, time_h = 1080;

/* One call of a case on frames made by time_op, for ovni_device_gpu_time(). */
typedef struct case_call {
    const checkops_case *c;
    ovni_frame *const *out, *const *in;
    const checkops_params *p;
} case_call;

static int case_call_run(void *ctx)
{
    const case_call *k = ctx;
    return k->c->run(k->out, k->in, k->p);
}

/* The parameters and frame sizes of case c at the timing size (the same
 * seed every time, so time_op and case_bytes see the same case). */
static void timing_setup(const checkops_case *c, checkops_params *p, int iw[], int ih[], int ow[], int oh[])
{
    memset(p, 0, sizeof(*p));
    test_seed(12345);
    if (c->draw) c->draw(p, time_w, time_h);
    case_sizes(c, p, time_w, time_h, iw, ih, ow, oh);
}

/* Warm up once, then the mean of `reps` back-to-back runs: wall time of the
 * host calls, so on the GPU it includes each call's launch cost. With
 * graph_s (GPU only), also the GPU time of the same `reps` calls replayed as
 * one CUDA graph (-1 if that cannot be measured; timings never fail a test). */
static double time_op(const checkops_case *c, ovni_device *dev, ovni_memory mem, int reps, double *graph_s)
{
    checkops_params p;
    int iw[CHECKOPS_MAX_IO], ih[CHECKOPS_MAX_IO], ow[CHECKOPS_MAX_IO], oh[CHECKOPS_MAX_IO];
    timing_setup(c, &p, iw, ih, ow, oh);
    ovni_frame *in[CHECKOPS_MAX_IO] = {0}, *out[CHECKOPS_MAX_IO] = {0};
    double t = -1;
    int ok = 1;
    for (int i = 0; i < c->ninputs; i++) ok &= ovni_frame_new(dev, c->in_fmt[i], iw[i], ih[i], mem, &in[i]) == 0;
    for (int i = 0; i < c->noutputs; i++) ok &= ovni_frame_new(dev, c->out_fmt[i], ow[i], oh[i], mem, &out[i]) == 0;
    if (ok && mem == OVNI_MEMORY_HOST) {
        for (int i = 0; i < c->ninputs; i++) test_fill_random(in[i]);
        for (int i = 0; i < c->noutputs; i++) test_fill_random(out[i]);
    }
    if (ok && c->run(out, in, &p) == 0 && ovni_device_sync(dev) == 0) {
        double t0 = now();
        for (int i = 0; i < reps; i++) c->run(out, in, &p);
        ovni_device_sync(dev);
        t = (now() - t0) / reps;
        /* The warm-up and the runs above left every pooled frame the op
         * needs in its pool, as ovni_device_gpu_time() requires. */
        double ms = 0;
        case_call k = {c, out, in, &p};
        if (graph_s && ovni_device_gpu_time(dev, case_call_run, &k, reps, &ms) < 0)
            fprintf(stderr, "%s: no graph timing: %s\n", c->name, ovni_last_error());
        else if (graph_s && ms > 0)
            *graph_s = ms * 1e-3;
    }
    for (int i = 0; i < CHECKOPS_MAX_IO; i++) ovni_frame_unref(&in[i]), ovni_frame_unref(&out[i]);
    return t;
}

static double case_bytes(const checkops_case *c)
{
    if (c->bytes) return c->bytes(time_w, time_h);
    checkops_params p;
    int iw[CHECKOPS_MAX_IO], ih[CHECKOPS_MAX_IO], ow[CHECKOPS_MAX_IO], oh[CHECKOPS_MAX_IO];
    timing_setup(c, &p, iw, ih, ow, oh);
    double b = 0;
    for (int i = 0; i < c->ninputs; i++) b += frame_bytes(c->in_fmt[i], iw[i], ih[i]);
    for (int i = 0; i < c->noutputs; i++) b += frame_bytes(c->out_fmt[i], ow[i], oh[i]);
    return b;
}

typedef struct golden {
    char name[64];
    unsigned long long hash;
} golden;

/* Reads "name hash" lines; returns how many (at most max), -1 if the file
 * cannot be opened. */
static int golden_read(const char *path, golden *g, int max)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) return -1;
    int n = 0;
    char line[256];
    while (n < max && fgets(line, sizeof(line), f))
        if (line[0] != '#' && sscanf(line, "%63s %llx", g[n].name, &g[n].hash) == 2) n++;
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    int timing = getenv("CHECKOPS_TIMING") != NULL;
    /* CHECKOPS_TIMING=gpu: GPU timings only (the CPU's take most of a run) */
    const int cpu_timing = timing && strcmp(getenv("CHECKOPS_TIMING"), "gpu") != 0;
    const char *ts = getenv("CHECKOPS_SIZE");
    if (ts && sscanf(ts, "%dx%d", &time_w, &time_h) != 2) time_w = 1920, time_h = 1080;
    /* 1500x40: wide enough for the blur's word-loaded tiles (x0 >= 512 + r)
     * on more than a few rows */
    static const int sizes[][2] = {{1, 1}, {2, 2}, {3, 5}, {17, 9}, {64, 48}, {131, 77}, {4097, 3}, {640, 360},
                                   {1500, 40}};
    ovni_device *ref = NULL, *cpu = NULL, *gpu = NULL;
    CHECK_OK(ovni_device_open(&cpu, "cpu"));
    CHECK_OK(ovni_device_open(&ref, "cpu"));
    if (!cpu || !ref) return test_result("checkops");
    ref->reference = 1;
    if (ovni_device_open(&gpu, "gpu") < 0) gpu = NULL;
    double rate = gpu && timing ? copy_rate(gpu) : 0;
    if (rate > 0) printf("device-to-device copy: %.0f GB/s (read + write)\n", rate / 1e9);
    if (timing) printf("timings on %dx%d frames\n", time_w, time_h);
    if (timing && gpu)
        printf("GPU, ms per call:\n  launch ms, roofline:   %s\n  graph ms, graph roof:  %s\n",
               "host-launched: wall time of 50 back-to-back host calls / 50 (launch cost included)",
               "GPU time only: the same 50 calls replayed as one CUDA graph / 50 (n/a: not capturable)");
    printf("gpu|d|, cpu|d|: largest byte difference to the reference walk (checkops.h)\n");
    printf(TABLE_ROW, "op", "gpu|d|", "cpu|d|", "guards", "cpu ms", "launch ms", "roofline", "graph ms", "graph roof");
    const char *golden_path = getenv("CHECKOPS_GOLDEN");
    if (!golden_path || !*golden_path) golden_path = CHECKOPS_GOLDEN_FILE;
    int update = getenv("CHECKOPS_GOLDEN_UPDATE") != NULL && !only;
    static golden gold[512];
    const int ngold = golden_read(golden_path, gold, 512);
    CHECK_MSG(update || ngold >= 0, "checkops: golden hashes not checked: cannot read %s%s%s",
              golden_path ? golden_path : "(no file: set CHECKOPS_GOLDEN)", golden_path ? ": " : "",
              golden_path ? strerror(errno) : "");
    FILE *gout = update && golden_path ? fopen(golden_path, "w") : NULL;
    int golden_checked = 0, golden_missing = 0;
    if (gout)
        fprintf(gout, "# checkops: FNV-1a of each case's reference output at %dx%d (tests/checkops.c)\n", GOLDEN_W,
                GOLDEN_H);
    int tolerant = 0;
    for (size_t fi = 0; fi < sizeof(families) / sizeof(families[0]); fi++)
        for (const checkops_case *c = families[fi].cases; c->name; c++) {
            if (only && !strstr(c->name, only) && strcmp(families[fi].name, only)) continue;
            result r = {.guards_ok = 1, .cpu_ok = 1, .hash = 0xcbf29ce484222325ull}; /* FNV-1a offset basis */
            CHECK_MSG(!c->tolerance || (c->why && *c->why), "%s: a tolerance needs its reason (why)", c->name);
            for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
                for (int rep = 0; rep < 2; rep++)
                    run_one(c, ref, cpu, gpu, sizes[s][0], sizes[s][1], rep ? 1 + (int)(s % 3) : 0,
                            1000003u * (s + 1) + (uint64_t)rep * 77 + fi, &r);
            CHECK_MSG(r.guards_ok, "%s: guard bytes overwritten", c->name);
            CHECK_MSG(r.cpu_diff == 0, "%s: the CPU walk differs from the reference by %d", c->name, r.cpu_diff);
            CHECK_MSG(!r.compared || r.max_diff <= c->tolerance, "%s: GPU differs from the reference by %d (tolerance %d)",
                      c->name, r.max_diff, c->tolerance);
            if (c->tolerance) tolerant++;
            int known = 0;
            for (int k = 0; k < ngold; k++)
                if (!strcmp(gold[k].name, c->name)) {
                    known = 1;
                    CHECK_MSG(update || gold[k].hash == r.hash,
                              "%s: reference output hash %016llx, golden %016llx (%s; an intended change: "
                              "CHECKOPS_GOLDEN_UPDATE=1 checkops, commit the file with the reason)",
                              c->name, (unsigned long long)r.hash, gold[k].hash, golden_path);
                }
            golden_checked += known;
            if (!known && !update && ngold >= 0) {
                golden_missing++;
                printf("%s: no golden hash yet (CHECKOPS_GOLDEN_UPDATE=1 checkops adds it)\n", c->name);
            }
            if (gout) fprintf(gout, "%s %016llx\n", c->name, (unsigned long long)r.hash);
            char cpu_ms[32] = "-", gpu_ms[32] = "-", roof[32] = "-", diff[32] = "SKIP", cdiff[32];
            char graph_ms[32] = "-", graph_roof[32] = "-";
            if (r.compared) snprintf(diff, sizeof(diff), "%d", r.max_diff);
            snprintf(cdiff, sizeof(cdiff), "%d", r.cpu_diff);
            if (timing) {
                double tc = cpu_timing ? time_op(c, cpu, OVNI_MEMORY_HOST, 3, NULL) : -1;
                if (tc > 0) snprintf(cpu_ms, sizeof(cpu_ms), "%.2f", tc * 1e3);
                if (gpu) {
                    double tgraph = -1;
                    double tg = time_op(c, gpu, OVNI_MEMORY_DEVICE, 50, &tgraph);
                    if (tg > 0) {
                        snprintf(gpu_ms, sizeof(gpu_ms), "%.3f", tg * 1e3);
                        snprintf(roof, sizeof(roof), "%.0f%%", 100.0 * case_bytes(c) / tg / rate);
                    }
                    if (tgraph > 0) {
                        snprintf(graph_ms, sizeof(graph_ms), "%.4f", tgraph * 1e3);
                        snprintf(graph_roof, sizeof(graph_roof), "%.0f%%", 100.0 * case_bytes(c) / tgraph / rate);
                    } else {
                        snprintf(graph_ms, sizeof(graph_ms), "n/a");
                        snprintf(graph_roof, sizeof(graph_roof), "n/a");
                    }
                }
            }
            printf(TABLE_ROW, c->name, diff, cdiff, r.guards_ok ? "ok" : "BROKEN", cpu_ms, gpu_ms, roof, graph_ms,
                   graph_roof);
        }
    /* The GPU's tolerances, grouped by reason (docs/ops.md lists them too). */
    if (tolerant) printf("GPU tolerances (every other op: the reference's bytes):\n");
    const char *whys[64];
    int nwhys = 0;
    for (size_t fi = 0; fi < sizeof(families) / sizeof(families[0]); fi++)
        for (const checkops_case *c = families[fi].cases; c->name; c++) {
            if (!c->tolerance || (only && !strstr(c->name, only) && strcmp(families[fi].name, only))) continue;
            int seen = 0;
            for (int k = 0; k < nwhys; k++) seen |= !strcmp(whys[k], c->why);
            if (seen || nwhys == 64) continue;
            whys[nwhys++] = c->why;
            printf("  %s:\n   ", c->why);
            for (size_t fj = 0; fj < sizeof(families) / sizeof(families[0]); fj++)
                for (const checkops_case *d = families[fj].cases; d->name; d++)
                    if (d->tolerance && !strcmp(d->why, c->why)) printf(" %s (+-%d)", d->name, d->tolerance);
            printf("\n");
        }
    if (gout) fclose(gout);
    if (update) {
        CHECK_MSG(gout != NULL, "checkops: golden hashes NOT written: cannot write %s",
                  golden_path ? golden_path : "(no file: set CHECKOPS_GOLDEN)");
        if (gout) printf("checkops: golden hashes written to %s\n", golden_path);
    } else if (ngold >= 0) {
        printf("checkops: golden hashes: %d cases checked against %s, %d without a line\n", golden_checked,
               golden_path, golden_missing);
        for (int k = 0; k < ngold && !only; k++) { /* lines left by a renamed or removed case */
            int found = 0;
            for (size_t fi = 0; fi < sizeof(families) / sizeof(families[0]); fi++)
                for (const checkops_case *c = families[fi].cases; c->name; c++) found |= !strcmp(c->name, gold[k].name);
            if (!found) printf("checkops: golden line '%s' names no case\n", gold[k].name);
        }
    }
    const int had_gpu = gpu != NULL;
    if (!had_gpu) printf("SKIP: checkops: no GPU: the CPU walk compared with the reference, the GPU column not run\n");
    ovni_device_close(&gpu);
    ovni_device_close(&cpu);
    ovni_device_close(&ref);
    /* CHECKOPS_REQUIRE_GPU (the GPU script): a run without the GPU is a skip */
    if (!had_gpu && !test_failures && getenv("CHECKOPS_REQUIRE_GPU")) return 77;
    return test_result("checkops");
}
