/* `ovni run IN OUT --vf CHAIN` and `ovni transcode IN OUT`: argument
 * parsing and help; the work is a job (job.c). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ops_table.h"

static const char run_usage[] = "usage: ovni run IN OUT [--vf CHAIN] [options]\n";
static const char transcode_usage[] = "usage: ovni transcode IN OUT [options]\n";

static void run_help(void)
{
    printf("%s"
           "Reads IN, runs each frame through CHAIN, writes OUT (mp4, mov, mkv, webm, ts).\n"
           "IN is a video, an image (a still video of --frames at --fps), or color:#RRGGBB[:WxH].\n"
           "\n"
           "CHAIN is op=key=value:key=value,op2=...; keys are named as in the C API, values\n"
           "may be expressions of t (seconds), n (frame), W, H (frame size) and w, h (an op's\n"
           "file= source), evaluated per frame (FFmpeg's av_expr). Quote a value holding\n"
           ", : = or spaces with '...', or escape one character with a backslash.\n"
           "`ovni run --help-ops` lists every op and key; docs/cli.md is the full reference.\n"
           "\n"
           "options:\n"
           "  --vf CHAIN                the ops, in order\n"
           "  --help-ops                every op, key, type, range and default\n"
           "%s"
           "\n"
           "examples:\n"
           "  ovni run in.mp4 out.mp4 --vf 'gaussian_blur=sigma=4'\n"
           "  ovni run photo.jpg zoom.mp4 --frames 300 --fps 30 \\\n"
           "      --vf \"scale_translate=s='1.6*pow(1.2/1.6,n/299)':tx='-500+500*n/299':ty='-100*n/299'\"\n"
           "  ovni run color:#336699:1280x720 title.mp4 --frames 90 --vf 'ass=file=title.ass'\n"
           "  ovni run in.mp4 out.mp4 --vf 'overlay=file=logo.png:x=W-w-40:y=40:alpha=0.8'\n"
           "exit status: 0 done, 1 input or processing error, 2 usage error, 130 interrupted\n",
           run_usage, job_options_help);
}

static void transcode_help(void)
{
    printf("%s"
           "Re-encodes IN's video (decoded on the GPU where possible) into OUT, with its audio.\n"
           "\n"
           "%s"
           "\n"
           "examples:\n"
           "  ovni transcode in.mov out.mp4\n"
           "  ovni transcode in.mp4 out.mp4 --codec hevc --preset p6 --bitrate 6M\n"
           "  ovni transcode in.mp4 clip.mp4 --start-frame 300 --frames 150 --audio none\n"
           "exit status: 0 done, 1 input or processing error, 2 usage error, 130 interrupted\n",
           transcode_usage, job_options_help);
}

static int parse(job_opts *o, int argc, char **argv, int is_run, const char *usage)
{
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            if (is_run) run_help();
            else transcode_help();
            return 0;
        }
        if (is_run && (!strcmp(a, "--help-ops") || !strcmp(a, "--help-ops=markdown"))) {
            /* the markdown form is docs/cli.md's op reference */
            ops_print_reference(stdout, a[10] == '=');
            return 0;
        }
        if (is_run && (!strcmp(a, "--vf") || !strncmp(a, "--vf=", 5))) {
            if (a[4] == '=') o->vf = a + 5;
            else if (i + 1 < argc) o->vf = argv[++i];
            else {
                fprintf(stderr, "ovni run: --vf needs a chain\n%s", usage);
                return 2;
            }
            continue;
        }
        int r = job_parse_option(o, argc, argv, &i);
        if (r < 0) {
            fputs(usage, stderr);
            return 2;
        }
        if (r) continue;
        if (a[0] == '-' && a[1]) {
            fprintf(stderr, "ovni %s: unknown option %s\n%s", o->cmd, a, usage);
            return 2;
        }
        if (npos == 0) o->in = a;
        else if (npos == 1) o->out = a;
        else {
            fprintf(stderr, "ovni %s: unexpected argument \"%s\"\n%s", o->cmd, a, usage);
            return 2;
        }
        npos++;
    }
    if (npos < 2) {
        fprintf(stderr, "ovni %s: needs IN and OUT\n%s", o->cmd, usage);
        return 2;
    }
    if (o->crf >= 0 && o->bitrate) {
        fprintf(stderr, "ovni %s: give --bitrate or --crf, not both\n%s", o->cmd, usage);
        return 2;
    }
    return -1;
}

static int finish(const job_opts *o, int rc, const job_stats *st)
{
    char coded[48] = "";
    if (st->coded_width != st->width || st->coded_height != st->height)
        snprintf(coded, sizeof(coded), " (coded %dx%d)", st->coded_width, st->coded_height);
    if (rc == 0 && !o->quiet)
        fprintf(stderr, "ovni %s: wrote %s: %lld frames %dx%d%s in %.2fs (%.1f fps) with %s on %s\n", o->cmd, o->out,
                (long long)st->frames, st->width, st->height, coded, st->seconds,
                st->seconds > 0 ? st->frames / st->seconds : 0.0, st->encoder, st->device);
    return rc;
}

int cli_run(int argc, char **argv)
{
    job_opts o;
    job_default_opts(&o, "run");
    int r = parse(&o, argc, argv, 1, run_usage);
    if (r >= 0) return r;
    cli_catch_signals();
    job_stats st;
    return finish(&o, job_run(&o, NULL, &st), &st);
}

int cli_transcode(int argc, char **argv)
{
    job_opts o;
    job_default_opts(&o, "transcode");
    int r = parse(&o, argc, argv, 0, transcode_usage);
    if (r >= 0) return r;
    cli_catch_signals();
    job_stats st;
    return finish(&o, job_run(&o, NULL, &st), &st);
}
