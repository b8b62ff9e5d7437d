/* `ovni demo [OUT]`: the showcase. It draws its assets in code (a gradient
 * background, a "photo", a drop shadow made by ovni_make_shadow, an ASS
 * script), renders a 1080p clip through an `ovni run` chain (the photo with
 * rounded corners and its shadow moving and zooming, a vignette, captions),
 * writes an mp4, then reads it back through a second chain (crop, resize,
 * colour, fade), printing each command and how fast it ran. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char demo_usage[] =
    "usage: ovni demo [OUT] [--seconds N] [--size WxH] [--cpu|--device N] [--progress MODE] [--quiet]\n"
    "       ovni demo --png DIR   (the colour round trip on a test card, as PNGs)\n";

/* Captions: a title that fades in, a line that moves, a closing line. */
static const char demo_ass[] =
    "[Script Info]\nScriptType: v4.00+\nPlayResX: 1920\nPlayResY: 1080\nWrapStyle: 0\n\n"
    "[V4+ Styles]\n"
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
    "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
    "MarginL, MarginR, MarginV, Encoding\n"
    "Style: Title,sans-serif,96,&H00FFFFFF,&H000000FF,&H00402010,&H80000000,-1,0,0,0,100,100,2,0,1,5,3,8,60,60,"
    "60,1\n"
    "Style: Sub,sans-serif,64,&H0000E0FF,&H000000FF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1,4,2,2,60,60,70,1\n\n"
    "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
    "Dialogue: 0,0:00:00.00,0:01:00.00,Title,,0,0,0,,{\\fad(800,0)}ovni\n"
    "Dialogue: 0,0:00:01.00,0:00:05.00,Sub,,0,0,0,,{\\fad(300,300)}decoded, edited and encoded on the GPU\n"
    "Dialogue: 0,0:00:05.00,0:01:00.00,Sub,,0,0,0,,{\\fad(300,0)\\move(960,1100,960,1010)}one C library, "
    "one streaming pipeline\n";

/* A host RGB24 frame drawn by `draw`, saved as a PNG. */
static int save_drawn(ovni_device *dev, const char *path, int w, int h,
                      void (*draw)(uint8_t *p, int x, int y, int w, int h))
{
    ovni_frame *f = NULL;
    int ret = ovni_frame_new(dev, OVNI_FORMAT_RGB24, w, h, OVNI_MEMORY_HOST, &f);
    if (ret == 0) {
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) draw(f->data[0] + (size_t)y * f->pitch[0] + 3 * (size_t)x, x, y, w, h);
        ret = ovni_image_save_png(f, path);
    }
    ovni_frame_unref(&f);
    return ret;
}

static uint8_t clamp8(double v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5); }

/* Deep blue to violet, diagonally, with a soft glow. */
static void draw_background(uint8_t *p, int x, int y, int w, int h)
{
    double u = (double)x / w, v = (double)y / h;
    double g = exp(-((u - 0.3) * (u - 0.3) + (v - 0.25) * (v - 0.25)) * 6);
    p[0] = clamp8(20 + 90 * u + 60 * g);
    p[1] = clamp8(24 + 30 * v + 50 * g);
    p[2] = clamp8(70 + 90 * (1 - v) + 40 * g);
}

/* A landscape: sky, sun, two ranges of hills, a lake. */
static void draw_photo(uint8_t *p, int x, int y, int w, int h)
{
    double u = (double)x / w, v = (double)y / h;
    double r = 250 - 120 * v, g = 160 - 40 * v, b = 120 + 110 * v; /* dusk sky */
    double d = hypot(u - 0.68, (v - 0.38) * h / w);
    if (d < 0.07) r = 255, g = 236, b = 170;
    else if (d < 0.16) r += 40 * (0.16 - d) / 0.09, g += 30 * (0.16 - d) / 0.09;
    double far = 0.55 + 0.06 * sin(u * 9.0) + 0.03 * sin(u * 23.0 + 1);
    double near = 0.68 + 0.05 * sin(u * 5.0 + 2) + 0.02 * sin(u * 31.0);
    if (v > far) r = 90 - 30 * v, g = 70 - 20 * v, b = 120 - 20 * v;
    if (v > near) r = 30 + 20 * sin(u * 40), g = 80 + 30 * v, b = 50;
    if (v > 0.86) r = 60 + 30 * sin(x * 0.05 + y * 0.3), g = 90, b = 140 + 40 * (v - 0.86) * 7;
    p[0] = clamp8(r), p[1] = clamp8(g), p[2] = clamp8(b);
}

/* A chain value quoted for the chain parser: '...' with any ' escaped. */
static void quote(char *out, size_t len, const char *s)
{
    size_t o = 0;
    if (o + 1 < len) out[o++] = '\'';
    for (; *s && o + 5 < len; s++) {
        if (*s == '\'') { memcpy(out + o, "'\\''", 4); o += 4; }
        else out[o++] = *s;
    }
    if (o + 1 < len) out[o++] = '\'';
    out[o] = 0;
}

static int mkdirs(const char *dir)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "ovni demo: cannot create %s: %s\n", dir, strerror(errno));
        return -1;
    }
    return 0;
}

static int has_video_ext(const char *path)
{
    const char *dot = strrchr(path, '.');
    static const char *const exts[] = {".mp4", ".mov", ".mkv", ".webm", ".ts", NULL};
    for (int i = 0; dot && exts[i]; i++)
        if (!strcmp(dot, exts[i])) return 1;
    return 0;
}

static void report(const char *what, const job_opts *o, const job_stats *st, double seconds_of_video)
{
    if (o->quiet) return;
    printf("%s: %lld frames %dx%d in %.2f s: %.1f fps, %.2fx real time (%s on %s)\n  -> %s\n", what,
           (long long)st->frames, st->width, st->height, st->seconds, st->seconds > 0 ? st->frames / st->seconds : 0,
           st->seconds > 0 ? seconds_of_video / st->seconds : 0, st->encoder, st->device, o->out);
}

int cli_demo(int argc, char **argv)
{
    const char *out = "ovni-demo", *device = NULL, *png = NULL;
    int seconds = 10, W = 1920, H = 1080, quiet = 0, size_given = 0;
    progress_mode pm = PROGRESS_AUTO;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("%s\nRenders a %d-second %dx%d showcase from assets drawn in code and reads it back\n"
                   "through a second chain. OUT is a directory (default ovni-demo) that receives\n"
                   "demo.mp4, readback.mp4 and assets/, or a .mp4/.mkv/.mov file name for the showcase.\n"
                   "Each step prints the equivalent `ovni run` command.\n"
                   "  --seconds N   length, 1..600 (default 10)\n"
                   "  --size WxH    frame size (default 1920x1080; 1280x720 on the CPU)\n"
                   "examples:\n  ovni demo\n  ovni demo --seconds 3 --size 1280x720 /tmp/demo\n",
                   demo_usage, seconds, W, H);
            return 0;
        }
        if (!strcmp(a, "--cpu")) device = "cpu";
        else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) quiet = 1, pm = PROGRESS_QUIET;
        else if ((!strcmp(a, "--device") || !strcmp(a, "--png") || !strcmp(a, "--seconds") || !strcmp(a, "--size") ||
                  !strcmp(a, "--progress")) && i + 1 < argc) {
            const char *v = argv[++i];
            char *end;
            if (!strcmp(a, "--device")) device = v;
            else if (!strcmp(a, "--png")) png = v;
            else if (!strcmp(a, "--progress")) {
                if ((int)(pm = (progress_mode)progress_parse_mode(v)) < 0) {
                    fprintf(stderr, "ovni demo: --progress %s: not tty, plain or none\n%s", v, demo_usage);
                    return 2;
                }
            } else if (!strcmp(a, "--seconds")) {
                long n = strtol(v, &end, 10);
                if (*end || n < 1 || n > 600) {
                    fprintf(stderr, "ovni demo: --seconds %s: not an integer 1..600\n%s", v, demo_usage);
                    return 2;
                }
                seconds = (int)n;
            } else if ((size_given = 1, sscanf(v, "%dx%d", &W, &H) != 2) || W < 64 || H < 64 || W > 8192 || H > 8192 || (W | H) & 1) {
                fprintf(stderr, "ovni demo: --size %s: not WxH (even, 64..8192)\n%s", v, demo_usage);
                return 2;
            }
        } else if (a[0] == '-') {
            fprintf(stderr, "ovni demo: unknown option %s\n%s", a, demo_usage);
            return 2;
        } else {
            out = a;
        }
    }
    if (png) return cli_demo_png(png, device);

    /* where things go */
    char dir[4096], assets[4096], bg[4200], photo[4200], shadow[4200], ass[4200], clip[4200], back[4200];
    if (has_video_ext(out)) {
        snprintf(clip, sizeof(clip), "%s", out);
        snprintf(dir, sizeof(dir), "%s.assets", out);
        snprintf(assets, sizeof(assets), "%s", dir);
        char *dot = strrchr(clip, '.');
        snprintf(back, sizeof(back), "%.*s-readback.mp4", (int)(dot - clip), clip);
    } else {
        snprintf(dir, sizeof(dir), "%s", out);
        snprintf(assets, sizeof(assets), "%s/assets", out);
        snprintf(clip, sizeof(clip), "%s/demo.mp4", out);
        snprintf(back, sizeof(back), "%s/readback.mp4", out);
        if (mkdirs(dir) < 0) return 1;
    }
    if (mkdirs(assets) < 0) return 1;
    snprintf(bg, sizeof(bg), "%s/background.png", assets);
    snprintf(photo, sizeof(photo), "%s/photo.png", assets);
    snprintf(shadow, sizeof(shadow), "%s/shadow.png", assets);
    snprintf(ass, sizeof(ass), "%s/captions.ass", assets);

    ovni_device *dev;
    if (cli_open_device(device, &dev)) return 1;
    cli_catch_signals();
    /* Without a GPU, 720p keeps the demo well under a minute on two cores;
     * --size 1920x1080 asks for the full showcase anyway. */
    if (!ovni_device_is_gpu(dev) && !size_given) {
        W = 1280, H = 720;
        if (!quiet) printf("demo: no GPU: rendering at 1280x720 on the CPU (--size 1920x1080 for full HD)\n");
    }
    /* the photo is ~40% of the frame; its shadow is made once at full size
     * by ovni_make_shadow and zoomed with it (a blur per frame would cost more
     * than everything else on a CPU) */
    int pw = W * 2 / 5, ph = H * 2 / 5, radius = H / 27, blur = H / 45;
    const uint8_t black[3] = {0, 0, 0};
    ovni_frame *sh = NULL;
    int ret = save_drawn(dev, bg, W, H, draw_background);
    if (ret == 0) ret = save_drawn(dev, photo, pw, ph, draw_photo);
    if (ret == 0) ret = ovni_make_shadow(dev, OVNI_MEMORY_HOST, pw, ph, radius, blur, black, 0.6f, 2.0f, &sh);
    if (ret == 0) ret = ovni_image_save_png(sh, shadow);
    int margin = ovni_shadow_margin(blur);
    ovni_frame_unref(&sh);
    FILE *fa = ret == 0 ? fopen(ass, "w") : NULL;
    if (ret < 0 || !fa || fputs(demo_ass, fa) < 0 || fclose(fa) != 0) {
        fprintf(stderr, "ovni demo: writing assets to %s: %s\n", assets, ret < 0 ? ovni_last_error() : strerror(errno));
        ovni_device_close(&dev);
        return 1;
    }

    /* zoom s from 0.8 to 1.25, and a slow figure-eight around the centre */
    char S[128], X[256], Y[256], qphoto[4300], qshadow[4300], qass[4300];
    snprintf(S, sizeof(S), "(0.8+0.45*t/%d)", seconds);
    snprintf(X, sizeof(X), "((W-%d*%s)/2+W/6*sin(2*PI*t/%d))", pw, S, seconds);
    snprintf(Y, sizeof(Y), "((H-%d*%s)/2+H/12*sin(4*PI*t/%d))", ph, S, seconds);
    quote(qphoto, sizeof(qphoto), photo);
    quote(qshadow, sizeof(qshadow), shadow);
    quote(qass, sizeof(qass), ass);
    size_t vflen = 16384;
    char *vf = malloc(vflen), *vf2 = malloc(vflen);
    if (!vf || !vf2) {
        free(vf);
        free(vf2);
        ovni_device_close(&dev);
        return 1;
    }
    snprintf(vf, vflen,
             "blend=file=%s:s='%s':x='%s+(%d-%d)*%s':y='%s+(%d-%d)*%s':alpha=0.9,"
             "blend=file=%s:s='%s':x='%s':y='%s':radius='%d*%s',"
             "vignette=strength=0.55:radius=0.45:softness=0.9,"
             "ass=file=%s",
             qshadow, S, X, H / 90, margin, S, Y, H / 45, margin, S, qphoto, S, X, Y, radius, S, qass);
    snprintf(vf2, vflen,
             "crop=left=W/8:top=H/8:right=W*7/8:bottom=H*7/8,resize=width=%d:height=%d,"
             "adjust=saturation=1.25:contrast=1.05,fade=t='clip(t-%d,0,1)':color=black",
             W / 2 & ~1, H / 2 & ~1, seconds - 1);

    int rc;
    job_stats st;
    job_opts o;
    job_default_opts(&o, "demo");
    o.in = bg;
    o.out = clip;
    o.vf = vf;
    o.frames = (int64_t)seconds * 30;
    o.fps = (ovni_rational){30, 1};
    o.progress = pm;
    o.quiet = quiet;
    /* on the CPU, x264's fastest preset keeps the demo short on small machines */
    if (!ovni_device_is_gpu(dev)) o.preset = "p1";
    if (!quiet)
        printf("1/2 render: ovni run %s %s --frames %lld --fps 30%s%s --vf \"%s\"\n", bg, clip,
               (long long)o.frames, o.preset ? " --preset " : "", o.preset ? o.preset : "", vf);
    fflush(stdout);
    rc = job_run(&o, dev, &st);
    if (rc == 0) report("   rendered", &o, &st, seconds);
    if (rc == 0) {
        job_default_opts(&o, "demo");
        o.in = clip;
        o.out = back;
        o.vf = vf2;
        o.progress = pm;
        o.quiet = quiet;
        o.audio = "none";
        if (!ovni_device_is_gpu(dev)) o.preset = "p1";
        if (!quiet) printf("2/2 read back: ovni run %s %s%s --vf \"%s\"\n", clip, back,
                           o.preset ? " --preset p1" : "", vf2);
        fflush(stdout);
        rc = job_run(&o, dev, &st);
        if (rc == 0) report("   read back", &o, &st, seconds);
    }
    if (rc == 0 && !quiet) printf("demo: done; play %s\n", clip);
    free(vf);
    free(vf2);
    ovni_device_close(&dev);
    return rc;
}
