/* Writes the malformed-input corpus of test_malformed.sh into a directory:
 * valid clips made by tests/media.c (x264), then broken copies of them:
 * truncated, zeroed, random, a broken moov, a 100000x100000 SPS, corrupted
 * NAL units, wrong extensions, audio only, PNGs with a bad CRC or a huge
 * header, and ASS scripts full of garbage. Usage: malformed_gen DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media.h"
#include "ovni/ovni.h"
#include "test.h"

static char dir[4096];

static char *at(const char *name)
{
    static char path[2][4200];
    static int k;
    k ^= 1;
    snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
    return path[k];
}

static uint8_t *slurp(const char *name, size_t *size)
{
    FILE *fp = fopen(at(name), "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
    if (b && fread(b, 1, (size_t)n, fp) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(fp);
    *size = (size_t)n;
    return b;
}

static int spit(const char *name, const void *data, size_t size)
{
    FILE *fp = fopen(at(name), "wb");
    if (!fp) return -1;
    size_t w = size ? fwrite(data, 1, size, fp) : 0;
    return fclose(fp) == 0 && w == size ? 0 : -1;
}

static uint8_t *find(uint8_t *b, size_t n, const char *tag, size_t from)
{
    size_t len = strlen(tag);
    for (size_t i = from; i + len <= n; i++)
        if (!memcmp(b + i, tag, len)) return b + i;
    return NULL;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* ---- H.264 SPS rewriting: a stream that claims 100000x100000 ---- */

typedef struct bits {
    const uint8_t *b;
    size_t n, pos; /* in bits */
} bits;

static unsigned get1(const bits *r) { return r->pos < r->n * 8 ? (r->b[r->pos / 8] >> (7 - r->pos % 8)) & 1 : 0; }
static unsigned getn(bits *r, int k)
{
    unsigned v = 0;
    while (k--) v = v << 1 | get1(r), r->pos++;
    return v;
}
static unsigned getue(bits *r)
{
    int z = 0;
    while (getn(r, 1) == 0 && z < 32) z++;
    return (1u << z) - 1 + getn(r, z);
}

typedef struct wbits {
    uint8_t b[256];
    size_t pos;
} wbits;

static void put1(wbits *w, unsigned v)
{
    if (w->pos / 8 >= sizeof(w->b)) return;
    if (v) w->b[w->pos / 8] |= (uint8_t)(0x80 >> (w->pos % 8));
    w->pos++;
}
static void putn(wbits *w, unsigned v, int k)
{
    while (k--) put1(w, (v >> k) & 1);
}
static void putue(wbits *w, unsigned v)
{
    unsigned x = v + 1;
    int len = 0;
    while ((x >> len) > 1) len++;
    putn(w, 0, len);
    putn(w, x, len + 1);
}

/* Copies the SPS payload rbsp[0..n) into w with the picture size replaced by
 * mbs_w x mbs_h macroblocks (and cropping off). Handles the profiles x264
 * writes (no scaling matrices, POC types 0 and 2). */
static int rewrite_sps(const uint8_t *rbsp, size_t n, unsigned mbs_w, unsigned mbs_h, wbits *w)
{
    bits r = {rbsp, n, 0};
    unsigned profile = getn(&r, 8);
    putn(w, profile, 8);
    putn(w, getn(&r, 8), 8);   /* constraint flags */
    putn(w, getn(&r, 8), 8);   /* level */
    putue(w, getue(&r));       /* sps id */
    if (profile == 100 || profile == 110 || profile == 122 || profile == 244) {
        unsigned chroma = getue(&r);
        putue(w, chroma);
        if (chroma == 3) putn(w, getn(&r, 1), 1);
        putue(w, getue(&r));   /* bit depth luma */
        putue(w, getue(&r));   /* bit depth chroma */
        putn(w, getn(&r, 1), 1);
        if (getn(&r, 1)) return -1; /* scaling matrices: not written by x264's defaults */
        putn(w, 0, 1);
    }
    putue(w, getue(&r));       /* log2_max_frame_num */
    unsigned poc = getue(&r);
    putue(w, poc);
    if (poc == 0) putue(w, getue(&r));
    else if (poc == 1) return -1;
    putue(w, getue(&r));       /* max refs */
    putn(w, getn(&r, 1), 1);   /* gaps */
    getue(&r), getue(&r);      /* the real size, dropped */
    putue(w, mbs_w - 1);
    putue(w, mbs_h - 1);
    unsigned frame_mbs_only = getn(&r, 1);
    putn(w, frame_mbs_only, 1);
    if (!frame_mbs_only) putn(w, getn(&r, 1), 1);
    putn(w, getn(&r, 1), 1);   /* direct_8x8 */
    if (getn(&r, 1)) getue(&r), getue(&r), getue(&r), getue(&r); /* cropping, dropped */
    putn(w, 0, 1);
    while (r.pos < n * 8) putn(w, getn(&r, 1), 1); /* VUI and the stop bit, as they were */
    return 0;
}

/* Rewrites one SPS NAL (payload in[0..n), after its header byte) into o,
 * escaped; returns the bytes written or -1. */
static long one_sps(const uint8_t *in, size_t n, unsigned mbs_w, unsigned mbs_h, uint8_t *o)
{
    uint8_t rbsp[256];
    size_t m = 0;
    for (size_t i = 0; i < n && m < sizeof(rbsp); i++) { /* drop emulation-prevention bytes */
        if (i >= 2 && in[i] == 3 && in[i - 1] == 0 && in[i - 2] == 0) continue;
        rbsp[m++] = in[i];
    }
    wbits w;
    memset(&w, 0, sizeof(w));
    if (rewrite_sps(rbsp, m, mbs_w, mbs_h, &w) < 0) return -1;
    size_t wn = (w.pos + 7) / 8, k = 0;
    for (size_t i = 0, zeros = 0; i < wn; i++) {
        if (zeros >= 2 && w.b[i] <= 3) o[k++] = 3, zeros = 0;
        o[k++] = w.b[i];
        zeros = w.b[i] == 0 ? zeros + 1 : 0;
    }
    return (long)k;
}

/* Replaces every SPS NAL of an Annex B stream (x264 repeats them at each
 * keyframe) by one claiming mbs_w x mbs_h macroblocks. */
static int huge_sps(const uint8_t *in, size_t n, unsigned mbs_w, unsigned mbs_h, const char *out)
{
    uint8_t *o = malloc(2 * n + 1024);
    if (!o) return -1;
    size_t k = 0, i = 0;
    int found = 0;
    while (i < n) {
        if (i + 4 < n && in[i] == 0 && in[i + 1] == 0 && in[i + 2] == 1 && (in[i + 3] & 0x1f) == 7) {
            size_t e = i + 4;
            while (e + 3 <= n && !(in[e] == 0 && in[e + 1] == 0 && (in[e + 2] == 1 || in[e + 2] == 0))) e++;
            if (e + 3 > n) e = n;
            memcpy(o + k, in + i, 4);
            long w = one_sps(in + i + 4, e - i - 4, mbs_w, mbs_h, o + k + 4);
            if (w < 0) {
                free(o);
                return -1;
            }
            k += 4 + (size_t)w;
            i = e;
            found++;
        } else {
            o[k++] = in[i++];
        }
    }
    int ret = found ? spit(out, o, k) : -1;
    free(o);
    return ret;
}

/* ---- PNG ---- */

static uint32_t crc32_png(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xffffffffu;
}

static int write_pngs(void)
{
    ovni_device *dev = NULL;
    ovni_frame *f = NULL;
    if (ovni_device_open(&dev, "cpu") < 0 || ovni_frame_new(dev, OVNI_FORMAT_RGBA32, 64, 48, OVNI_MEMORY_HOST, &f) < 0)
        return -1;
    test_fill_random(f);
    int ret = ovni_image_save_png(f, at("good.png"));
    ovni_frame_unref(&f);
    ovni_device_close(&dev);
    size_t n;
    uint8_t *b = ret == 0 ? slurp("good.png", &n) : NULL;
    if (!b) return -1;
    uint8_t *idat = find(b, n, "IDAT", 8);
    uint8_t *ihdr = find(b, n, "IHDR", 8);
    if (!idat || !ihdr) return -1;
    idat[10] ^= 0x5a; /* a byte of the pixel data, CRC left as it was */
    ret |= spit("bad-crc.png", b, n);
    idat[10] ^= 0x5a;
    put_be32(ihdr + 4, 100000), put_be32(ihdr + 8, 100000); /* and a CRC that matches */
    put_be32(ihdr + 17, crc32_png(ihdr, 17));
    ret |= spit("huge.png", b, n);
    ret |= spit("trunc.png", b, n / 2);
    free(b);
    return ret;
}

/* ---- ASS ---- */

static const char ass_head[] =
    "[Script Info]\nScriptType: v4.00+\nPlayResX: 320\nPlayResY: 240\n\n[V4+ Styles]\n"
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, "
    "Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, "
    "MarginR, MarginV, Encoding\n";

static int write_ass(void)
{
    int ret = 0;
    char *s = malloc(1 << 20);
    if (!s) return -1;
    /* absurd sizes: libass must clamp them, ovni must not hang on them */
    int n = snprintf(s, 1 << 20, "%s"
        "Style: Big,DejaVu Sans,1e9,&H00FFFFFF,&H000000FF,&H00000000,&H80000000,0,0,0,0,99999,99999,1e6,1e30,1,1e6,1e6,2,0,0,0,1\n"
        "Style: Neg,DejaVu Sans,-50,&HZZ,&H,&H,&H,1,1,1,1,-100,nan,inf,nan,9,-1,-1,99,-5,-5,-5,-1\n\n"
        "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        "Dialogue: 0,0:00:00.00,0:00:01.00,Big,,0,0,0,,huge\n"
        "Dialogue: 0,0:00:00.00,0:00:01.00,Neg,,0,0,0,,negative\n"
        "Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,{\\fs100000\\fscx100000\\fscy100000\\bord100000\\blur100000}x\n"
        "Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,{\\fs1e308\\frz1e308\\t(0,1,\\fs1e308)\\move(1e9,1e9,-1e9,-1e9)}y\n"
        "Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,{\\p1}m 0 0 l 100000 100000 -100000 100000{\\p0}\n"
        "Dialogue: 0,99:99:99.99,0:00:00.00,Default,,0,0,0,,backwards\n", ass_head);
    ret |= spit("fontsize.ass", s, (size_t)n);
    /* garbage: random printable lines and bytes among real sections */
    n = snprintf(s, 1 << 20, "%s\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, "
                 "Effect, Text\n", ass_head);
    test_seed(8);
    for (int line = 0; line < 400; line++) {
        int len = (int)(test_rand() % 200);
        if (line % 3 == 0) n += snprintf(s + n, 64, "Dialogue: %d,", (int)test_rand());
        for (int i = 0; i < len; i++) s[n++] = line % 7 == 0 ? (char)(test_rand() % 256) : (char)(32 + test_rand() % 95);
        s[n++] = '\n';
    }
    ret |= spit("garbage.ass", s, (size_t)n);
    /* one line of 128 KiB of override tags */
    n = snprintf(s, 1 << 20, "%s\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, "
                 "Effect, Text\nDialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,", ass_head);
    while (n < (1 << 17)) n += snprintf(s + n, 32, "{\\fs%d\\frz%d}a", n % 97, n % 360);
    s[n++] = '\n';
    ret |= spit("long-line.ass", s, (size_t)n);
    static const char nul[] = "[Script Info]\n\0\0\0[Events]\n\0Dialogue: \0";
    ret |= spit("nul.ass", nul, sizeof(nul));
    ret |= spit("empty.ass", "", 0);
    free(s);
    return ret;
}

/* ---- video ---- */

static int corrupt_copy(const char *from, const char *to, size_t lo_pct, size_t hi_pct, int mode)
{
    size_t n;
    uint8_t *b = slurp(from, &n);
    if (!b) return -1;
    test_seed(n + (size_t)mode);
    size_t lo = n * lo_pct / 100, hi = n * hi_pct / 100;
    for (size_t i = lo; i < hi; i++) {
        if (mode == 0) b[i] = 0;                                 /* a zeroed stretch */
        else if (mode == 1) b[i] = (uint8_t)test_rand();         /* random bytes */
        else if (test_rand() % 64 == 0) b[i] ^= (uint8_t)(1 + test_rand() % 255); /* bit rot */
    }
    int ret = spit(to, b, n);
    free(b);
    return ret;
}

static int truncated(const char *from, const char *to, size_t bytes, size_t pct)
{
    size_t n;
    uint8_t *b = slurp(from, &n);
    if (!b) return -1;
    int ret = spit(to, b, bytes ? (bytes < n ? bytes : n) : n * pct / 100);
    free(b);
    return ret;
}

static int broken_moov(void)
{
    size_t n;
    uint8_t *b = slurp("good.mp4", &n);
    int ret = 0;
    uint8_t *moov = b ? find(b, n, "moov", 0) : NULL;
    if (!moov) return -1;
    size_t off = (size_t)(moov - b);
    uint8_t *c = malloc(n);
    if (!c) return -1;
    /* a moov box claiming 4 GiB */
    memcpy(c, b, n);
    put_be32(c + off - 4, 0xfffffff0u);
    ret |= spit("moov-size.mp4", c, n);
    /* the video track's boxes renamed: no track left */
    memcpy(c, b, n);
    for (uint8_t *t = c + off; (t = find(c, n, "trak", (size_t)(t - c))); t += 4) memcpy(t, "free", 4);
    ret |= spit("moov-notrak.mp4", c, n);
    /* sample tables pointing past the end: huge sizes, offsets */
    memcpy(c, b, n);
    uint8_t *stsz = find(c, n, "stsz", off), *stco = find(c, n, "stco", off);
    if (stsz && (size_t)(stsz - c) + 24 <= n) put_be32(stsz + 16, 0x7fffffffu), put_be32(stsz + 20, 0x10000000u);
    if (stco && (size_t)(stco - c) + 16 <= n) put_be32(stco + 12, 0xfffffff0u);
    ret |= spit("moov-tables.mp4", c, n);
    /* the sample description's size fields 65535 x 65535, track header 100000 x 100000 */
    memcpy(c, b, n);
    uint8_t *avc1 = find(c, n, "avc1", off), *tkhd = find(c, n, "tkhd", off);
    if (avc1 && (size_t)(avc1 - c) + 32 <= n) c[avc1 - c + 28] = c[avc1 - c + 29] = c[avc1 - c + 30] = c[avc1 - c + 31] = 0xff;
    if (tkhd && (size_t)(tkhd - c) + 88 <= n) put_be32(tkhd + 80, 100000u << 16), put_be32(tkhd + 84, 100000u << 16);
    ret |= spit("huge-header.mp4", c, n);
    /* the moov cut in the middle of its boxes */
    ret |= spit("moov-cut.mp4", b, off + (n - off) / 3);
    free(c);
    free(b);
    return ret;
}

static int random_file(const char *name, size_t n, uint64_t seed)
{
    uint8_t *b = malloc(n);
    if (!b) return -1;
    test_seed(seed);
    for (size_t i = 0; i < n; i++) b[i] = (uint8_t)test_rand();
    int ret = spit(name, b, n);
    free(b);
    return ret;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: malformed_gen DIR\n");
        return 2;
    }
    snprintf(dir, sizeof(dir), "%s", argv[1]);
    ovni_log_set_level(OVNI_LOG_ERROR);
    int ret = 0;
    static const char *const names[] = {"good.mp4", "good.mkv", "good.ts", "good.h264", "audio-only.m4a",
                                        "audio-only.mka"};
    static char paths[6][4200];
    for (int i = 0; i < 6; i++) snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir, names[i]);
    const media_spec clips[] = {
        {.path = paths[0], .width = 160, .height = 96, .fps_num = 25, .fps_den = 1, .frames = 50, .gop = 10},
        {.path = paths[1], .width = 160, .height = 96, .fps_num = 25, .fps_den = 1, .frames = 50, .gop = 10,
         .audio = MEDIA_AUDIO_AAC},
        {.path = paths[2], .width = 160, .height = 96, .fps_num = 25, .fps_den = 1, .frames = 50, .gop = 10},
        {.path = paths[3], .width = 160, .height = 96, .fps_num = 25, .fps_den = 1, .frames = 30, .gop = 10},
        {.path = paths[4], .audio = MEDIA_AUDIO_AAC, .audio_seconds = 1.0},
        {.path = paths[5], .audio = MEDIA_AUDIO_MP2, .audio_seconds = 1.0},
    };
    for (size_t i = 0; i < sizeof(clips) / sizeof(clips[0]); i++)
        if (media_write(&clips[i], NULL) < 0) ret = -1;
    if (ret < 0) return 1;

    ret |= spit("empty.mp4", "", 0);
    ret |= random_file("random.mp4", 65536, 1);
    ret |= random_file("random.bin", 4096, 2);
    ret |= random_file("random.png", 2048, 3);
    ret |= spit("text.mp4", "this is a text file\nnot a video\n", 32);
    ret |= truncated("good.mp4", "trunc-8.mp4", 8, 0);
    ret |= truncated("good.mp4", "trunc-100.mp4", 100, 0);
    ret |= truncated("good.mp4", "trunc-50pct.mp4", 0, 50);
    ret |= truncated("good.mp4", "trunc-99pct.mp4", 0, 99);
    ret |= truncated("good.mkv", "trunc-10pct.mkv", 0, 10);
    ret |= truncated("good.mkv", "trunc-60pct.mkv", 0, 60);
    ret |= truncated("good.ts", "trunc-30pct.ts", 0, 30);
    ret |= truncated("good.h264", "trunc-40pct.h264", 0, 40);
    ret |= corrupt_copy("good.mkv", "zeroed-mid.mkv", 40, 60, 0);
    ret |= corrupt_copy("good.ts", "random-mid.ts", 30, 50, 1);
    ret |= corrupt_copy("good.h264", "bitrot.h264", 10, 100, 2);
    ret |= corrupt_copy("good.mkv", "bitrot.mkv", 20, 90, 2);
    ret |= broken_moov();
    size_t n;
    uint8_t *b = slurp("good.mp4", &n);
    if (b) {
        /* corrupted NAL units inside mdat, the moov intact */
        uint8_t *mdat = find(b, n, "mdat", 0), *moov = find(b, n, "moov", 0);
        if (mdat && moov && moov > mdat) {
            size_t lo = (size_t)(mdat - b) + 8, len = (size_t)(moov - mdat) - 8;
            test_seed(9);
            for (size_t i = lo + len / 4; i < lo + 3 * len / 4; i++)
                if (test_rand() % 16 == 0) b[i] = (uint8_t)test_rand();
        }
        ret |= spit("nal-corrupt.mp4", b, n);
        free(b);
    }
    if ((b = slurp("good.h264", &n))) {
        if (huge_sps(b, n, 6250, 6250, "huge-sps.h264") < 0) ret = -1; /* 100000 x 100000 */
        free(b);
    }
    /* wrong extensions: a video named .png, a video named .ass */
    if ((b = slurp("good.mp4", &n))) {
        ret |= spit("video.png", b, n);
        ret |= spit("video.ass", b, n);
        free(b);
    }
    ret |= write_pngs();
    ret |= write_ass();
    if (ret) fprintf(stderr, "malformed_gen: some files could not be written in %s\n", dir);
    return ret ? 1 : 0;
}
