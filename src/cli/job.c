/* A job: input -> (RGB, the chain) -> writer, with progress, frame-rate
 * resampling and a clean stop on Ctrl-C. `ovni run`, `ovni transcode` and
 * `ovni demo` are all jobs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavutil/parseutils.h>

#include "chain.h"
#include "cli.h"
#include "ops_table.h"

volatile sig_atomic_t cli_interrupted;
static ovni_device *volatile signal_dev; /* the job's device, interrupted by the handler */

/* The first signal cancels: the device's opens, reads and writes stop (an
 * open of a FIFO with no writer and the encoder's final flush included) and
 * the job unwinds, removing its temporary file. A second one exits at once,
 * still without touching the target. Only async-signal-safe calls here. */
static void on_signal(int sig)
{
    if (cli_interrupted) {
        ovni_remove_temp_files();
        _exit(128 + sig);
    }
    cli_interrupted = sig;
    ovni_device *dev = signal_dev;
    if (dev) ovni_device_interrupt(dev);
}

void cli_catch_signals(void)
{
    /* Caught even where the parent ignored them (a script's background
     * job starts with SIGINT ignored), as FFmpeg does; only SIGHUP stays
     * ignored under nohup. */
    static const int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGUSR1};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction old, sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++) sigaddset(&sa.sa_mask, sigs[k]);
        /* no SA_RESTART: a blocking call returns EINTR */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN && sigs[i] == SIGHUP) continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

void cli_signal_device(ovni_device *dev)
{
    signal_dev = dev;
    if (dev && cli_interrupted) ovni_device_interrupt(dev);
}

const char job_options_help[] =
    "encoder:\n"
    "  --codec h264|hevc         output codec (default h264)\n"
    "  --encoder auto|nvenc|x264 NVENC where the GPU has it, else libx264 (default auto)\n"
    "  --preset P                p1 (fastest) .. p7 (best), or an x264 preset name (default p4)\n"
    "  --bitrate RATE            average bit rate, e.g. 8M, 2500k (default: constant quality)\n"
    "  --crf N                   constant quality 0..51, lower is better (default 23)\n"
    "  --gop N                   keyframe interval in frames (default 2 seconds)\n"
    "  --audio copy|none|FILE    copy the input's audio (default), drop it, or take FILE's\n"
    "input:\n"
    "  --start-frame N           skip the first N frames of a video input\n"
    "  --frames N                make N frames (stills: default 5 seconds)\n"
    "  --loop                    restart a video input at its end until --frames are made\n"
    "  --fps RATE                output rate (30, 30000/1001, 29.97, ntsc); a video is resampled\n"
    "                            by repeating or dropping frames, exactly over any length\n"
    "device and output:\n"
    "  --cpu | --device N        run on the CPU, or on CUDA device N (default: GPU 0 if usable)\n"
    "  --progress tty|plain|none one updating line (default on a terminal), log lines, or none\n"
    "  --quiet, -q               no progress and no summary; errors only\n"
    "  -y, --overwrite           replace an existing OUT (the default)\n"
    "  -n, --no-overwrite        keep an existing OUT: fail instead of replacing it\n"
    "  --allow-playlists         let an input that is a playlist or concat list (HLS, ffconcat)\n"
    "                            read the files it names (refused by default)\n"
    "IN may be - (stdin) or a FIFO: read once, in order; its audio is then not copied.\n";

void job_default_opts(job_opts *o, const char *cmd)
{
    memset(o, 0, sizeof(*o));
    o->cmd = cmd;
    o->crf = -1;
    o->audio = "copy";
    o->progress = PROGRESS_AUTO;
}

static int usage_err(const job_opts *o, const char *opt, const char *val, const char *why)
{
    fprintf(stderr, "ovni %s: %s %s: %s\n", o->cmd, opt, val ? val : "", why);
    return -1;
}

/* An integer of lo..hi with nothing after it. */
static int parse_int(const char *s, int64_t lo, int64_t hi, int64_t *v)
{
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno || end == s || *end || x < lo || x > hi) return -1;
    *v = x;
    return 0;
}

/* "8M", "2500k", "800000": bits per second. */
static int parse_rate(const char *s, int64_t *v)
{
    char *end;
    double x = strtod(s, &end);
    double mul = 1;
    if (*end == 'k' || *end == 'K') mul = 1e3, end++;
    else if (*end == 'M' || *end == 'm') mul = 1e6, end++;
    else if (*end == 'G' || *end == 'g') mul = 1e9, end++;
    if (end == s || *end || !(x > 0) || x * mul > 1e10) return -1;
    *v = (int64_t)(x * mul);
    return 0;
}

static int valid_preset(const char *p)
{
    static const char *const names[] = {"p1", "p2", "p3", "p4", "p5", "p6", "p7", "ultrafast", "superfast",
                                        "veryfast", "faster", "fast", "medium", "slow", "slower",
                                        "veryslow", "placebo", NULL};
    for (int i = 0; names[i]; i++)
        if (!strcmp(p, names[i])) return 1;
    return 0;
}

int job_parse_option(job_opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    const char *eq = strchr(a, '=');
    char name[64];
    snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
    static const char *const flags[] = {"--loop", "--cpu", "--quiet", "-q", "-y", "--overwrite", "-n",
                                        "--no-overwrite", "--allow-playlists", NULL};
    int is_flag = 0;
    for (int k = 0; flags[k]; k++) is_flag |= !strcmp(name, flags[k]);
    const char *v = NULL;
    if (!is_flag) {
        static const char *const valued[] = {"--codec", "--encoder", "--preset", "--bitrate", "--crf",
                                             "--gop", "--audio", "--start-frame", "--frames", "--fps",
                                             "--device", "--progress", NULL};
        int known = 0;
        for (int k = 0; valued[k]; k++) known |= !strcmp(name, valued[k]);
        if (!known) return 0;
        if (eq) v = eq + 1;
        else if (*i + 1 < argc) v = argv[++*i];
        else return usage_err(o, name, NULL, "needs a value");
    } else if (eq) {
        return usage_err(o, name, eq, "takes no value");
    }
    int64_t x;
    if (!strcmp(name, "--loop")) o->loop = 1;
    else if (!strcmp(name, "--cpu")) o->device = "cpu";
    else if (!strcmp(name, "--quiet") || !strcmp(name, "-q")) o->quiet = 1, o->progress = PROGRESS_QUIET;
    else if (!strcmp(name, "-y") || !strcmp(name, "--overwrite")) o->no_overwrite = 0;
    else if (!strcmp(name, "-n") || !strcmp(name, "--no-overwrite")) o->no_overwrite = 1;
    else if (!strcmp(name, "--allow-playlists")) o->allow_playlists = 1;
    else if (!strcmp(name, "--codec")) {
        if (!strcmp(v, "h264")) o->codec = OVNI_CODEC_H264;
        else if (!strcmp(v, "hevc") || !strcmp(v, "h265")) o->codec = OVNI_CODEC_HEVC;
        else return usage_err(o, name, v, "is not h264 or hevc");
    } else if (!strcmp(name, "--encoder")) {
        if (!strcmp(v, "auto")) o->encoder = OVNI_ENCODER_AUTO;
        else if (!strcmp(v, "nvenc")) o->encoder = OVNI_ENCODER_NVENC;
        else if (!strcmp(v, "x264") || !strcmp(v, "cpu")) o->encoder = OVNI_ENCODER_X264;
        else return usage_err(o, name, v, "is not auto, nvenc or x264");
    } else if (!strcmp(name, "--preset")) {
        if (!valid_preset(v)) return usage_err(o, name, v, "is not p1..p7 or an x264 preset (ultrafast..placebo)");
        o->preset = v;
    } else if (!strcmp(name, "--bitrate")) {
        if (parse_rate(v, &o->bitrate) < 0) return usage_err(o, name, v, "is not a bit rate (e.g. 8M, 2500k)");
    } else if (!strcmp(name, "--crf")) {
        if (parse_int(v, 0, 51, &x) < 0) return usage_err(o, name, v, "is not an integer 0..51");
        o->crf = (int)x;
    } else if (!strcmp(name, "--gop")) {
        if (parse_int(v, 0, 100000, &x) < 0) return usage_err(o, name, v, "is not an integer 0..100000");
        o->gop = (int)x;
    } else if (!strcmp(name, "--audio")) {
        if (!v[0]) return usage_err(o, name, v, "is empty (copy, none or a file)");
        o->audio = v;
    } else if (!strcmp(name, "--start-frame")) {
        if (parse_int(v, 0, INT64_MAX / 4, &o->start_frame) < 0) return usage_err(o, name, v, "is not an integer >= 0");
    } else if (!strcmp(name, "--frames")) {
        if (parse_int(v, 1, INT64_MAX / 4, &o->frames) < 0) return usage_err(o, name, v, "is not an integer >= 1");
    } else if (!strcmp(name, "--fps")) {
        AVRational r;
        if (av_parse_video_rate(&r, v) < 0 || r.num <= 0 || r.den <= 0 || (double)r.num / r.den > 1000)
            return usage_err(o, name, v, "is not a frame rate (30, 30000/1001, 29.97; at most 1000)");
        o->fps = (ovni_rational){r.num, r.den};
    } else if (!strcmp(name, "--device")) {
        o->device = v;
    } else if (!strcmp(name, "--progress")) {
        int m = progress_parse_mode(v);
        if (m < 0) return usage_err(o, name, v, "is not tty, plain or none");
        o->progress = (progress_mode)m;
    }
    return 1;
}


typedef struct job {
    const job_opts *o;
    ovni_device *dev;
    cli_input in;
    chain ch;
    op_chain oc;
    cli_env env;
    ovni_writer *w;
    ovni_rational fps;
    int resample;
    progress prog;
} job;

static int open_writer(job *j, const ovni_frame *first)
{
    const job_opts *o = j->o;
    ovni_writer_settings s;
    ovni_writer_default_settings(&s);
    s.width = first->width;
    s.height = first->height;
    s.fps = j->fps;
    s.codec = o->codec;
    s.encoder = o->encoder;
    s.preset = o->preset;
    if (o->crf >= 0) s.rate_control = OVNI_RC_CRF, s.quality = o->crf;
    else if (o->bitrate) s.rate_control = OVNI_RC_VBR, s.bitrate = o->bitrate;
    s.gop = o->gop;
    s.faststart = 1;
    if (j->in.kind == INPUT_VIDEO) s.matrix = j->in.info.matrix, s.range = j->in.info.range;
    s.no_overwrite = o->no_overwrite;
    s.allow_playlists = o->allow_playlists;
    if (!strcmp(o->audio, "copy")) {
        if (j->in.has_audio && j->in.kind == INPUT_VIDEO && cli_is_stream(o->in)) {
            /* The audio is read by a second demuxer, and a pipe cannot be read twice. */
            if (!o->quiet)
                fprintf(stderr, "ovni %s: warning: input \"%s\" is a pipe or FIFO: its audio is not copied "
                        "(--audio FILE takes it from a file)\n", o->cmd, o->in);
        } else if (j->in.has_audio) {
            s.audio_path = o->in;
            s.audio_start = j->in.fps.num > 0 ? (double)o->start_frame * j->in.fps.den / j->in.fps.num : 0;
        }
    } else if (strcmp(o->audio, "none")) {
        s.audio_path = o->audio;
    }
    if (ovni_writer_open(&j->w, j->dev, o->out, &s) < 0) {
        fprintf(stderr, "ovni %s: %s\n", o->cmd, ovni_last_error());
        return 1;
    }
    return 0;
}

/* The main loop; returns the exit code. */
static int pump(job *j, job_stats *st)
{
    const job_opts *o = j->o;
    int64_t made = 0, src_next = 0; /* src_next: index of the next frame input_read gives */
    int64_t limit = j->in.kind == INPUT_VIDEO && o->frames > 0 ? o->frames : 0;
    ovni_frame *cur = NULL;
    int rc = 0;
    for (;;) {
        if (cli_interrupted) {
            rc = 128 + cli_interrupted;
            break;
        }
        if (limit && made >= limit) break;
        int64_t want = j->resample ? ovni_fps_source_index(j->in.fps, j->fps, made) : src_next;
        int ret = 0;
        while (ret == 0 && (!cur || src_next <= want)) {
            ovni_frame_unref(&cur);
            ret = input_read(&j->in, &cur);
            if (ret == 0) src_next++;
        }
        if (ret == OVNI_EOF) break;
        if (ret < 0) {
            rc = 1;
            break;
        }
        ovni_frame *f = NULL;
        if (j->oc.nops) {
            /* RGB once for the whole chain; a still is RGB already (and a copy) */
            if (cur->format == OVNI_FORMAT_RGB24 && !j->resample) f = ovni_frame_ref(cur);
            else if (ovni_convert(cur, OVNI_FORMAT_RGB24, &f) < 0) {
                fprintf(stderr, "ovni %s: %s\n", o->cmd, ovni_last_error());
                rc = 1;
                break;
            }
            if (ops_run(&j->oc, &j->env, &f, made)) {
                ovni_frame_unref(&f);
                rc = 1;
                break;
            }
        } else {
            f = ovni_frame_ref(cur);
        }
        if (!j->w) {
            if ((rc = open_writer(j, f))) {
                ovni_frame_unref(&f);
                break;
            }
            st->width = f->width;
            st->height = f->height;
            snprintf(st->encoder, sizeof(st->encoder), "%s", ovni_writer_encoder_name(j->w));
        } else if (f->width != st->width || f->height != st->height) {
            fprintf(stderr, "ovni %s: the chain made a %dx%d frame at frame %lld, after %dx%d ones: "
                    "every frame of a video has one size\n", o->cmd, f->width, f->height, (long long)made,
                    st->width, st->height);
            ovni_frame_unref(&f);
            rc = 1;
            break;
        }
        ret = ovni_writer_write(j->w, f);
        ovni_frame_unref(&f);
        if (ret < 0) {
            fprintf(stderr, "ovni %s: output \"%s\": %s\n", o->cmd, o->out, ovni_last_error());
            rc = 1;
            break;
        }
        made++;
        progress_update(&j->prog, made);
    }
    ovni_frame_unref(&cur);
    st->frames = made;
    if (!rc && !made) {
        fprintf(stderr, "ovni %s: input \"%s\" gave no frames%s\n", o->cmd, o->in,
                o->start_frame ? " (is --start-frame past its end?)" : "");
        rc = 1;
    }
    return rc;
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    case SIGQUIT: return "SIGQUIT";
    case SIGPIPE: return "SIGPIPE";
    case SIGUSR1: return "SIGUSR1";
    default: return "a signal";
    }
}

int cli_is_stream(const char *path)
{
    struct stat sb;
    return !strcmp(path, "-") || (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode));
}

/* Before any work: OUT must not be an input (same file, by inode), and with
 * -n it must not exist. 0, or the exit code (message printed). */
static int check_output(const job_opts *o)
{
    struct stat out;
    if (stat(o->out, &out) != 0) return 0;
    const char *ins[2] = {o->in, strcmp(o->audio, "copy") && strcmp(o->audio, "none") ? o->audio : NULL};
    for (int i = 0; i < 2; i++) {
        struct stat in;
        if (ins[i] && stat(ins[i], &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
            fprintf(stderr, "ovni %s: output \"%s\" is the same file as the %s \"%s\": refusing to replace a "
                    "file while reading it; write to another name\n", o->cmd, o->out, i ? "audio input" : "input",
                    ins[i]);
            return 1;
        }
    }
    if (o->no_overwrite) {
        fprintf(stderr, "ovni %s: output \"%s\" exists and -n/--no-overwrite keeps it\n", o->cmd, o->out);
        return 1;
    }
    return 0;
}

int job_run(const job_opts *o, ovni_device *dev, job_stats *st)
{
    job j;
    memset(&j, 0, sizeof(j));
    memset(st, 0, sizeof(*st));
    j.o = o;
    char err[512];
    int r0;
    /* usage errors first, before any file or device is touched */
    if (o->vf && o->vf[0]) {
        if (chain_parse(o->vf, &j.ch, err, sizeof(err)) < 0) {
            fprintf(stderr, "ovni %s: --vf: %s\n", o->cmd, err);
            return 2;
        }
        int r = ops_bind(&j.oc, &j.ch);
        chain_free(&j.ch);
        if (r) {
            ops_free(&j.oc);
            return r;
        }
    }
    if ((r0 = check_output(o))) {
        ops_free(&j.oc);
        return r0;
    }
    int rc = 0;
    if (dev) j.dev = dev;
    else if (cli_open_device(o->device, &j.dev)) rc = 1;
    if (!rc) cli_signal_device(j.dev);
    ovni_device_info di;
    if (!rc) {
        ovni_device_get_info(j.dev, &di);
        snprintf(st->device, sizeof(st->device), "%s", di.name);
        input_opts io = {j.dev, di.is_gpu ? OVNI_MEMORY_DEVICE : OVNI_MEMORY_HOST, o->start_frame, o->frames,
                         o->loop, o->fps, o->allow_playlists};
        rc = input_open(&j.in, o->in, &io);
    }
    if (!rc) {
        j.fps = o->fps.num > 0 ? o->fps : j.in.fps;
        if (j.fps.num <= 0 || j.fps.den <= 0) {
            fprintf(stderr, "ovni %s: input \"%s\" has no frame rate: give --fps\n", o->cmd, o->in);
            rc = 1;
        }
    }
    if (!rc) {
        j.resample = j.in.kind == INPUT_VIDEO && o->fps.num > 0 &&
                     (int64_t)o->fps.num * j.in.fps.den != (int64_t)j.in.fps.num * o->fps.den;
        int64_t total = j.in.frames;
        if (j.resample && !o->frames && total)
            total = ovni_fps_output_count(j.in.fps, j.fps, total);
        j.env = (cli_env){j.dev, di.is_gpu ? OVNI_MEMORY_DEVICE : OVNI_MEMORY_HOST, j.fps, j.in.width,
                          j.in.height, total, o->allow_playlists};
        rc = ops_open(&j.oc, &j.env);
        if (!rc) {
            progress_start(&j.prog, o->progress, total, (double)j.fps.num / j.fps.den);
            double t0 = progress_now();
            rc = pump(&j, st);
            if (!rc && cli_interrupted) rc = 128 + cli_interrupted; /* the input ended early because of it */
            if (!rc && j.w && ovni_writer_close(&j.w) < 0) {
                fprintf(stderr, "ovni %s: output \"%s\": %s\n", o->cmd, o->out, ovni_last_error());
                rc = 1;
            }
            st->seconds = progress_now() - t0;
            if (rc != 1 || st->frames) progress_finish(&j.prog, st->frames);
        }
    }
    /* a damaged input decodes what it can: say how much of it was lost */
    int64_t bad = j.in.reader ? ovni_reader_corrupt_packets(j.in.reader) : 0;
    if (bad > 0)
        fprintf(stderr, "ovni %s: warning: input \"%s\": %lld damaged packet%s could not be decoded and %s skipped\n",
                o->cmd, o->in, (long long)bad, bad == 1 ? "" : "s", bad == 1 ? "was" : "were");
    /* on any failure or Ctrl-C the target stays untouched */
    ovni_writer_cancel(&j.w);
    if (cli_interrupted) {
        rc = 128 + cli_interrupted;
        fprintf(stderr, "ovni %s: interrupted by %s; no output written (\"%s\" left as it was)\n", o->cmd,
                signal_name(cli_interrupted), o->out);
    }
    ops_free(&j.oc);
    input_close(&j.in);
    cli_signal_device(NULL);
    if (!dev) ovni_device_close(&j.dev);
    return rc;
}
