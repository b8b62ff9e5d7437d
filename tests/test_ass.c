/* Captions: ovni's blend against a plain composite of libass's own image
 * list in double precision (RGB24, RGBA32: +-1; NV12 against the RGB
 * reference converted: see NV12_TOL_*), bad input, and with "gpu" as the
 * argument, the GPU against the CPU (+-1) or SKIP (77) without a GPU. */
#include <ass/ass.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

#define DEBIAN_DEJAVU "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
/* The font-lookup checks (missing-font warning, fonts_dir, default_font) rely
 * on Debian's DejaVu fonts and fontconfig setup, present in CI. */
static int have_debian_fonts(void) { return access(DEBIAN_DEJAVU, R_OK) == 0; }

/* NV12 against the converted RGB reference (both compared after rounding
 * the reference). Luma: ovni blends from the frame's rounded Y code, off by
 * at most 0.5 and scaled by the transmittance (<= 1), so the blended value
 * is within 0.5 of the exact one and rounds to within 1. Chroma: the same
 * 0.5 from the block's rounded chroma code, plus one term the RGB reference
 * does not have: ovni starts all four pixels of a block from the block's one
 * chroma sample, where the reference averages the four pixels' own chroma
 * after blending; the difference is the covariance of the background's
 * chroma with the coverage inside a block, below 0.1 code on these smooth
 * gradients (a background with hard chroma edges inside 2x2 blocks can
 * differ more, as any 4:2:0 blend does). Hence +-1 for both. */
#define NV12_TOL_Y 1
#define NV12_TOL_C 1

#define W 640
#define H 360

static const char *header =
    "[Script Info]\nScriptType: v4.00+\nPlayResX: 640\nPlayResY: 360\nWrapStyle: 0\n\n[V4+ Styles]\n"
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
    "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
    "MarginL, MarginR, MarginV, Encoding\n"
    "Style: Default,DejaVu Sans,40,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,0,0,2,"
    "10,10,20,1\n"
    "Style: Outlined,DejaVu Sans,44,&H0000FFFF,&H00FF0000,&H20102030,&H80000000,-1,0,0,0,100,100,0,0,1,3,4,2,"
    "10,10,20,1\n"
    "%s\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n%s";

static const struct script {
    const char *name, *styles, *events;
} scripts[] = {
    {"plain", "", "Dialogue: 0,0:00:00.00,0:00:03.00,Default,,0,0,0,,Plain text, gjpqy\n"},
    {"outline", "", "Dialogue: 0,0:00:00.00,0:00:03.00,Outlined,,0,0,0,,Outline and shadow\\NSecond line\n"},
    {"posmove", "",
     "Dialogue: 0,0:00:00.00,0:00:03.00,Outlined,,0,0,0,,{\\pos(120,90)}Positioned\n"
     "Dialogue: 0,0:00:00.00,0:00:02.00,Default,,0,0,0,,{\\move(40,300,600,60)\\c&H3060F0&}Moving\n"},
    {"fade", "", "Dialogue: 0,0:00:00.00,0:00:03.00,Outlined,,0,0,0,,{\\fad(600,800)}Fading in and out\n"},
    {"karaoke", "", "Dialogue: 0,0:00:00.00,0:00:03.00,Outlined,,0,0,0,,{\\k40}Ka{\\kf60}ra{\\ko50}o{\\k50}ke\n"},
    {"clip", "",
     "Dialogue: 0,0:00:00.00,0:00:03.00,Outlined,,0,0,0,,{\\clip(100,250,330,330)}Clipped rectangle\n"
     "Dialogue: 0,0:00:00.00,0:00:03.00,Default,,0,0,0,,{\\pos(320,120)\\iclip(m 250 60 l 400 60 300 140)}Vector clip\n"},
    {"rotated", "",
     "Dialogue: 0,0:00:00.00,0:00:03.00,Outlined,,0,0,0,,{\\pos(320,180)\\frz30}Rotated\n"
     "Dialogue: 0,0:00:00.00,0:00:03.00,Default,,0,0,0,,{\\pos(320,300)\\fry40\\frz-12\\blur2}Tilted\n"},
    {"overlap", "",
     "Dialogue: 0,0:00:00.00,0:00:03.00,Outlined,,0,0,0,,{\\pos(320,200)\\alpha&H40&}Overlapping\n"
     "Dialogue: 1,0:00:00.50,0:00:03.00,Default,,0,0,0,,{\\pos(330,210)\\1c&HF08020&\\1a&H60&\\fs60}Overlapping\n"},
    {"missingfont", "Style: Missing,No Such Font Ovni,36,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,"
                    "100,100,0,0,1,2,0,2,10,10,20,1\n",
     "Dialogue: 0,0:00:00.00,0:00:03.00,Missing,,0,0,0,,Falls back to the default\n"},
};
#define NSCRIPTS (int)(sizeof(scripts) / sizeof(scripts[0]))
static const int times[] = {0, 300, 1000, 1700, 2500};
#define NTIMES (int)(sizeof(times) / sizeof(times[0]))

static char dir[] = "/tmp/ovni_test_ass_XXXXXX";

static void write_file(const char *name, const char *text, char *path, size_t n)
{
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static char *script_text(const struct script *s)
{
    size_t n = strlen(header) + strlen(s->styles) + strlen(s->events) + 1;
    char *t = malloc(n);
    snprintf(t, n, header, s->styles, s->events);
    return t;
}

/* Backgrounds: 0 solid, 1 gradient (RGBA: alpha gradient too). */
static void fill_bg(ovni_frame *f, int kind)
{
    int bpp = ovni_format_pixel_bytes(f->format);
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++) {
            uint8_t *p = f->data[0] + (size_t)y * f->pitch[0] + (size_t)x * bpp;
            if (kind == 0) p[0] = 40, p[1] = 90, p[2] = 160;
            else {
                p[0] = (uint8_t)(x * 255 / f->width), p[1] = (uint8_t)(y * 255 / f->height);
                p[2] = (uint8_t)(255 - (x + y) * 255 / (f->width + f->height));
            }
            if (bpp == 4) p[3] = kind == 0 ? 255 : (uint8_t)(x * 255 / (f->width - 1));
        }
}

/* The reference: libass's list composited straight over a double copy of
 * the background, rounded once. */
static void reference(ASS_Image *img, const ovni_frame *bg, double *ref)
{
    int bpp = ovni_format_pixel_bytes(bg->format);
    for (int y = 0; y < bg->height; y++)
        for (int x = 0; x < bg->width; x++) {
            const uint8_t *p = bg->data[0] + (size_t)y * bg->pitch[0] + (size_t)x * bpp;
            double *r = ref + 4 * ((size_t)y * bg->width + x);
            r[0] = p[0], r[1] = p[1], r[2] = p[2], r[3] = bpp == 4 ? p[3] / 255.0 : 1.0;
        }
    for (; img; img = img->next) {
        double c[3] = {img->color >> 24, (img->color >> 16) & 255, (img->color >> 8) & 255};
        double am = (255 - (img->color & 255)) / (255.0 * 255.0);
        for (int j = 0; j < img->h; j++)
            for (int i = 0; i < img->w; i++) {
                int x = img->dst_x + i, y = img->dst_y + j;
                if (x < 0 || y < 0 || x >= bg->width || y >= bg->height) continue;
                double a = img->bitmap[j * img->stride + i] * am, *r = ref + 4 * ((size_t)y * bg->width + x);
                double keep = r[3] * (1 - a), oa = a + keep;
                if (oa <= 0) continue;
                for (int k = 0; k < 3; k++) r[k] = (c[k] * a + r[k] * keep) / oa;
                r[3] = oa;
            }
    }
}

static int max_diff_rgb(const ovni_frame *f, const double *ref)
{
    int bpp = ovni_format_pixel_bytes(f->format), worst = 0;
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++) {
            const uint8_t *p = f->data[0] + (size_t)y * f->pitch[0] + (size_t)x * bpp;
            const double *r = ref + 4 * ((size_t)y * f->width + x);
            for (int k = 0; k < bpp; k++) {
                double d = fabs(p[k] - (k == 3 ? r[3] * 255 : r[k]));
                if (d > worst) worst = (int)ceil(d - 0.5);
            }
        }
    return worst;
}

/* The reference in NV12: per-pixel luma, chroma of each 2x2 block's mean. */
static void max_diff_nv12(const ovni_frame *f, const double *ref, int *dy, int *dc)
{
    static const double krkb[3][2] = {{0.299, 0.114}, {0.2126, 0.0722}, {0.2627, 0.0593}};
    double kr = krkb[f->matrix][0], kb = krkb[f->matrix][1], kg = 1 - kr - kb;
    int full = f->range == OVNI_RANGE_FULL;
    double ys = full ? 255 : 219, yo = full ? 0 : 16, cs = full ? 255 : 224;
    *dy = *dc = 0;
    for (int by = 0; by < (f->height + 1) / 2; by++)
        for (int bx = 0; bx < (f->width + 1) / 2; bx++) {
            double s[3] = {0, 0, 0};
            int n = 0;
            for (int j = 0; j < 2; j++)
                for (int i = 0; i < 2; i++) {
                    int x = 2 * bx + i, y = 2 * by + j;
                    if (x >= f->width || y >= f->height) continue;
                    const double *r = ref + 4 * ((size_t)y * f->width + x);
                    double Y = yo + ys * (kr * r[0] + kg * r[1] + kb * r[2]) / 255;
                    int d = (int)ceil(fabs(f->data[0][(size_t)y * f->pitch[0] + x] - Y) - 0.5);
                    if (d > *dy) *dy = d;
                    for (int k = 0; k < 3; k++) s[k] += r[k];
                    n++;
                }
            double r = s[0] / n, g = s[1] / n, b = s[2] / n, yy = kr * r + kg * g + kb * b;
            double cb = 128 + cs * (b - yy) / (2 * (1 - kb)) / 255, cr = 128 + cs * (r - yy) / (2 * (1 - kr)) / 255;
            const uint8_t *uv = f->data[1] + (size_t)by * f->pitch[1] + 2 * bx;
            int d = (int)ceil(fmax(fabs(uv[0] - cb), fabs(uv[1] - cr)) - 0.5);
            if (d > *dc) *dc = d;
        }
}

/* ---- log capture ---- */
static char warnings[4096];
static int nwarnings;
static void log_cb(void *cookie, int level, const char *msg)
{
    (void)cookie;
    if (level > OVNI_LOG_WARNING) return;
    nwarnings++;
    strncat(warnings, msg, sizeof(warnings) - strlen(warnings) - 2);
    strcat(warnings, "\n");
}

static void quiet(int level, const char *fmt, va_list args, void *data)
{
    (void)level, (void)fmt, (void)args, (void)data;
}

static void test_reference(ovni_device *dev)
{
    ASS_Library *lib = ass_library_init();
    ass_set_message_cb(lib, quiet, NULL);
    ASS_Renderer *rend = ass_renderer_init(lib);
    ass_set_frame_size(rend, W, H);
    ass_set_storage_size(rend, W, H);
    ass_set_fonts(rend, NULL, "sans-serif", ASS_FONTPROVIDER_FONTCONFIG, NULL, 1);
    double *ref = malloc(sizeof(double) * 4 * W * H);
    int worst_rgb = 0, worst_y = 0, worst_c = 0, drawn = 0;
    for (int s = 0; s < NSCRIPTS; s++) {
        char path[512], *text = script_text(&scripts[s]);
        char fname[64];
        snprintf(fname, sizeof(fname), "%s.ass", scripts[s].name);
        write_file(fname, text, path, sizeof(path));
        ASS_Track *track = ass_read_memory(lib, text, strlen(text), NULL);
        CHECK(track != NULL);
        ovni_ass *a = NULL;
        nwarnings = 0, warnings[0] = 0;
        CHECK_OK(ovni_ass_open_file(&a, path, W, H, NULL));
        if (!a || !track) continue;
        for (int fmt = 0; fmt < 3; fmt++)
            for (int bgk = 0; bgk < 2; bgk++)
                for (int t = 0; t < NTIMES; t++) {
                    ovni_format of = fmt == 0 ? OVNI_FORMAT_RGB24 : OVNI_FORMAT_RGBA32;
                    ovni_frame *bg = NULL, *f = NULL;
                    CHECK_OK(ovni_frame_new(dev, fmt == 2 ? OVNI_FORMAT_RGB24 : of, W, H, OVNI_MEMORY_HOST, &bg));
                    if (!bg) continue;
                    fill_bg(bg, bgk);
                    int change;
                    ASS_Image *img = ass_render_frame(rend, track, times[t], &change);
                    if (img) drawn++;
                    reference(img, bg, ref);
                    if (fmt < 2) {
                        CHECK_OK(ovni_frame_new(dev, of, W, H, OVNI_MEMORY_HOST, &f));
                        CHECK_OK(ovni_frame_copy(f, bg));
                        CHECK_OK(ovni_ass_render(a, times[t], f));
                        int d = max_diff_rgb(f, ref);
                        CHECK_MSG(d <= 1, "%s %s bg %d t=%d: max diff %d", scripts[s].name, ovni_format_name(of), bgk,
                                  times[t], d);
                        if (d > worst_rgb) worst_rgb = d;
                    } else {
                        CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, W, H, OVNI_MEMORY_HOST, &f));
                        f->matrix = bgk ? OVNI_MATRIX_BT601 : OVNI_MATRIX_BT709;
                        f->range = bgk ? OVNI_RANGE_FULL : OVNI_RANGE_LIMITED;
                        CHECK_OK(ovni_convert_into(f, bg));
                        CHECK_OK(ovni_ass_render(a, times[t], f));
                        int dy, dc;
                        max_diff_nv12(f, ref, &dy, &dc);
                        CHECK_MSG(dy <= NV12_TOL_Y && dc <= NV12_TOL_C, "%s nv12 bg %d t=%d: luma %d chroma %d",
                                  scripts[s].name, bgk, times[t], dy, dc);
                        if (dy > worst_y) worst_y = dy;
                        if (dc > worst_c) worst_c = dc;
                    }
                    ovni_frame_unref(&f);
                    ovni_frame_unref(&bg);
                }
        /* Reuse: where libass reports no change, nothing is packed again. */
        int change = 1;
        ass_render_frame(rend, track, 1000, &change);
        ass_render_frame(rend, track, 1000, &change);
        ovni_ass_stats st0, st1;
        ovni_frame *f = NULL;
        CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGB24, W, H, OVNI_MEMORY_HOST, &f));
        CHECK_OK(ovni_ass_render(a, 1000, f));
        ovni_ass_get_stats(a, &st0);
        CHECK_OK(ovni_ass_render(a, 1000, f));
        ovni_ass_get_stats(a, &st1);
        CHECK_MSG(st1.packs <= st0.packs + (change != 0) && st1.renders == st0.renders + 1, "%s: packs %llu -> %llu",
                  scripts[s].name, (unsigned long long)st0.packs, (unsigned long long)st1.packs);
        /* Still captions skip libass between event boundaries; animated ones do not. */
        int animated = !strcmp(scripts[s].name, "posmove") || !strcmp(scripts[s].name, "fade") ||
                       !strcmp(scripts[s].name, "karaoke");
        CHECK_OK(ovni_ass_render(a, 1100, f));
        ovni_ass_get_stats(a, &st0);
        CHECK_MSG(st0.layouts == st1.layouts + (uint64_t)animated, "%s: layouts %llu -> %llu", scripts[s].name,
                  (unsigned long long)st1.layouts, (unsigned long long)st0.layouts);
        ovni_frame_unref(&f);
        if (!strcmp(scripts[s].name, "missingfont")) {
            if (have_debian_fonts())
                CHECK_MSG(nwarnings == 1 && strstr(warnings, "No Such Font Ovni"), "font warnings: %d: %s",
                          nwarnings, warnings);
            else
                SKIP("ass: the missing-font warning not checked: no %s", DEBIAN_DEJAVU);
        } else {
            CHECK_MSG(nwarnings == 0, "%s: unexpected warnings: %s", scripts[s].name, warnings);
        }
        ovni_ass_close(&a);
        CHECK(a == NULL);
        ass_free_track(track);
        free(text);
    }
    CHECK(drawn > NSCRIPTS * 3 * 2 * 3);
    printf("ass: max diff vs reference: rgb %d, nv12 luma %d chroma %d (%d frames with captions)\n", worst_rgb,
           worst_y, worst_c, drawn);
    free(ref);
    ass_renderer_done(rend);
    ass_library_done(lib);
}

static void test_bad_input(ovni_device *dev)
{
    char path[512];
    ovni_ass *a = NULL;
    CHECK_ERR(ovni_ass_open_file(&a, "/nonexistent/captions.ass", W, H, NULL), OVNI_EIO, "/nonexistent/captions.ass");
    CHECK(a == NULL);
    write_file("notass.ass", "This is just some text.\nNothing here is a script.\n", path, sizeof(path));
    CHECK_ERR(ovni_ass_open_file(&a, path, W, H, NULL), OVNI_EFORMAT, "not an ASS/SSA script");
    write_file("empty.ass", "", path, sizeof(path));
    CHECK_ERR(ovni_ass_open_file(&a, path, W, H, NULL), OVNI_EFORMAT, "empty");
    static const unsigned char junk[] = {0x89, 'P', 'N', 'G', 0, 0, 0, 13, 0xff, 0xfe, '[', '\n', 0};
    CHECK_ERR(ovni_ass_open_memory(&a, junk, sizeof(junk), W, H, NULL), OVNI_EFORMAT, "not an ASS/SSA script");
    /* libass's refusals name their cause: both sections there, but no styles
     * or ScriptType (libass cannot tell ASS from SSA); a NUL byte before the
     * sections (libass reads up to it) */
    static const char nostyle[] = "[Script Info]\nPlayResY: 288\n\n[Events]\nFormat: Layer, Start, End, Style, "
                                  "Text\nDialogue: 0,0:00:00.00,0:00:05.00,Default,Hello\n";
    CHECK_ERR(ovni_ass_open_memory(&a, nostyle, sizeof(nostyle) - 1, W, H, NULL), OVNI_EFORMAT,
              "no [V4+ Styles] (or [V4 Styles]) section and no ScriptType line");
    CHECK(!strstr(ovni_last_error(), "no [Script Info] or [Events]"));
    static const char nul[] = "[Script Info]\n\0[V4+ Styles]\n[Events]\n";
    CHECK_ERR(ovni_ass_open_memory(&a, nul, sizeof(nul) - 1, W, H, NULL), OVNI_EFORMAT, "NUL byte at offset 14");
    CHECK_ERR(ovni_ass_open_memory(&a, "x", 1, 0, H, NULL), OVNI_EINVAL, "frame size");
    CHECK_ERR(ovni_ass_open_memory(&a, NULL, 0, W, H, NULL), OVNI_EFORMAT, "empty");
    CHECK_ERR(ovni_ass_open_file(NULL, path, W, H, NULL), OVNI_EINVAL, "out");
    ovni_ass_options o = {.fonts_dir = "/nonexistent/fonts"};
    struct script noev = {"noevents", "", ""};
    char *text = script_text(&noev);
    write_file("noevents.ass", text, path, sizeof(path));
    CHECK_ERR(ovni_ass_open_file(&a, path, W, H, &o), OVNI_EINVAL, "/nonexistent/fonts");
    nwarnings = 0, warnings[0] = 0;
    CHECK_OK(ovni_ass_open_file(&a, path, W, H, NULL));
    CHECK_MSG(nwarnings == 1 && strstr(warnings, "no events"), "no-events warning: %s", warnings);
    ovni_frame *f = NULL, *g = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGB24, W, H, OVNI_MEMORY_HOST, &f));
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_GRAY8, W, H, OVNI_MEMORY_HOST, &g));
    if (a && f) CHECK_OK(ovni_ass_render(a, 500, f));
    if (a && g) CHECK_ERR(ovni_ass_render(a, 500, g), OVNI_EUNSUPPORTED, "gray8");
    CHECK_ERR(ovni_ass_render(NULL, 0, f), OVNI_EINVAL, "NULL");
    if (a) CHECK_ERR(ovni_ass_render(a, 0, NULL), OVNI_EINVAL, "NULL");
    ovni_ass_close(&a);
    ovni_ass_close(&a); /* fine on NULL */
    free(text);
    /* Damaged scripts: a real one cut short or with bytes overwritten must
     * open (or fail with EFORMAT) and render without a crash. */
    char *good = script_text(&scripts[7]);
    size_t glen = strlen(good);
    test_seed(5);
    for (int i = 0; i < 40 && f; i++) {
        char *bad = malloc(glen + 1);
        memcpy(bad, good, glen + 1);
        size_t len = i < 20 ? 1 + test_rand() % glen : glen;
        for (int k = 0; i >= 20 && k < 8; k++) bad[test_rand() % glen] = (char)test_rand();
        int r = ovni_ass_open_memory(&a, bad, len, W, H, NULL);
        CHECK_MSG(r == 0 || r == OVNI_EFORMAT, "damaged script %d: %d %s", i, r, ovni_last_error());
        if (a) CHECK_OK(ovni_ass_render(a, 1000, f));
        ovni_ass_close(&a);
        free(bad);
    }
    free(good);
    /* A font directory and default font; a frame of another size than opened.
     * (Needs Debian's fonts-dejavu-core, as CI has; the GPU machine's bundle
     * carries DejaVu Sans alone, in another place.) */
    if (!have_debian_fonts()) {
        SKIP("ass: fonts_dir/default_font checks not run: no %s", DEBIAN_DEJAVU);
        ovni_frame_unref(&f);
        ovni_frame_unref(&g);
        return;
    }
    o.fonts_dir = "/usr/share/fonts/truetype/dejavu";
    o.default_font = "DejaVu Serif";
    text = script_text(&scripts[1]);
    CHECK_OK(ovni_ass_open_memory(&a, text, strlen(text), 320, 180, &o));
    free(text);
    if (a && f) {
        fill_bg(f, 0);
        CHECK_OK(ovni_ass_render(a, 1000, f));
        int changed = 0;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) changed += f->data[0][(size_t)y * f->pitch[0] + 3 * x] != 40;
        CHECK_MSG(changed > 500, "resized render drew %d pixels", changed);
    }
    ovni_ass_close(&a);
    ovni_frame_unref(&f);
    ovni_frame_unref(&g);
}

/* GPU vs CPU on every file, time and format. */
static int test_gpu(ovni_device *cpu)
{
    ovni_device *gpu = NULL;
    if (ovni_device_open(&gpu, "gpu") < 0) {
        printf("ass-gpu: SKIP (no GPU: %s)\n", ovni_last_error());
        return 77;
    }
    int worst = 0;
    for (int s = 0; s < NSCRIPTS; s++) {
        char *text = script_text(&scripts[s]);
        ovni_ass *ac = NULL, *ag = NULL;
        CHECK_OK(ovni_ass_open_memory(&ac, text, strlen(text), W, H, NULL));
        CHECK_OK(ovni_ass_open_memory(&ag, text, strlen(text), W, H, NULL));
        free(text);
        for (int fmt = 0; fmt < 3 && ac && ag; fmt++)
            for (int t = 0; t < NTIMES; t++) {
                ovni_format of = fmt == 0 ? OVNI_FORMAT_RGB24 : fmt == 1 ? OVNI_FORMAT_RGBA32 : OVNI_FORMAT_NV12;
                ovni_frame *h = NULL, *d = NULL, *scratch = NULL, *back = NULL;
                CHECK_OK(ovni_frame_new(gpu, of, W, H, OVNI_MEMORY_HOST, &h)); /* host frame of the GPU: uploadable */
                if (!h) continue;
                test_fill_random(h);
                CHECK_OK(ovni_frame_upload(h, &d));
                CHECK_OK(ovni_frame_upload(h, &scratch));
                /* The first render of a time packs and uploads; the second,
                 * compared, reuses that upload. */
                if (scratch) CHECK_OK(ovni_ass_render(ag, times[t], scratch));
                if (d) CHECK_OK(ovni_ass_render(ag, times[t], d));
                CHECK_OK(ovni_ass_render(ac, times[t], h));
                if (d) CHECK_OK(ovni_frame_download(d, &back));
                if (back) CHECK_OK(ovni_frame_wait(back));
                for (int p = 0; back && p < ovni_format_planes(of); p++) {
                    int rows = p ? (H + 1) / 2 : H;
                    size_t bytes = p ? (size_t)((W + 1) / 2) * 2 : (size_t)W * ovni_format_pixel_bytes(of);
                    for (int y = 0; y < rows; y++)
                        for (size_t x = 0; x < bytes; x++) {
                            int dd = abs(back->data[p][y * back->pitch[p] + x] - h->data[p][y * h->pitch[p] + x]);
                            if (dd > worst) worst = dd;
                        }
                }
                ovni_frame_unref(&h);
                ovni_frame_unref(&d);
                ovni_frame_unref(&scratch);
                ovni_frame_unref(&back);
            }
        ovni_ass_stats st;
        if (ag) {
            ovni_ass_get_stats(ag, &st);
            CHECK_MSG(st.uploads <= st.packs, "%llu uploads for %llu packs", (unsigned long long)st.uploads,
                      (unsigned long long)st.packs);
        }
        ovni_ass_close(&ac);
        ovni_ass_close(&ag);
    }
    CHECK_MSG(worst <= 1, "GPU vs CPU: max diff %d", worst);
    printf("ass-gpu: GPU vs CPU max diff %d\n", worst);
    ovni_device_close(&gpu);
    return -1;
}

int main(int argc, char **argv)
{
    ovni_device *dev = NULL;
    if (ovni_device_open(&dev, "cpu") < 0) return 1;
    if (!mkdtemp(dir)) return 1;
    ovni_log_set_callback(log_cb, NULL);
    int gpu_mode = argc > 1 && !strcmp(argv[1], "gpu");
    if (gpu_mode) {
        int r = test_gpu(dev);
        ovni_device_close(&dev);
        rmdir(dir);
        if (r == 77) return 77;
        return test_result("ass-gpu");
    }
    test_reference(dev);
    test_bad_input(dev);
    ovni_device_close(&dev);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return test_result("ass");
}
