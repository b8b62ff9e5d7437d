/* A job: input -> (RGB, the chain) -> writer, with progress, frame-rate
 * resampling and a clean stop on Ctrl-C. `ovni run`, `ovni transcode` and
 * `ovni demo` are all jobs. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavutil/avutil.h>
#include <libavutil/mathematics.h>
#include <libavutil/parseutils.h>
#include <libavutil/pixdesc.h>

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
    "  --audio copy|none|FILE    the input's audio (default), none, or FILE's\n"
    "  --audio-codec copy|aac|opus  copy the audio, or re-encode it (default: copy where the\n"
    "                            container takes the codec, else AAC, or Opus where AAC cannot go)\n"
    "  --audio-track N           the input's Nth audio stream, from 0 (default 0)\n"
    "input:\n"
    "  --start-frame N           start at frame N of a video input (presentation order)\n"
    "  --start TIME              start at TIME (seconds or hh:mm:ss.ms): the frame on screen then\n"
    "  --frames N                make N frames (stills: --duration, else 5 seconds)\n"
    "  --duration TIME           make TIME of output (seconds or hh:mm:ss.ms)\n"
    "  --loop                    restart a video input at its end until --frames or --duration\n"
    "  --fps RATE                output rate (30, 30000/1001, 29.97, ntsc); a video is resampled\n"
    "                            by time: output frame n shows the source frame on screen at n/RATE\n"
    "  --vsync cfr|passthrough   constant rate (default), or keep the source's timestamps\n"
    "  --no-autorotate           keep the pixels as stored and write the display matrix (video) or\n"
    "                            EXIF orientation (images) into the output instead of turning them\n"
    "  --square-pixels           resample a source with non-square pixels (SAR) to square ones\n"
    "                            (width x SAR); default: keep its pixels and write its SAR\n"
    "device and output:\n"
    "  --cpu | --device N        run on the CPU, or on CUDA device N (default: GPU 0 if usable)\n"
    "  --progress tty|plain|none one updating line (default on a terminal), log lines, or none\n"
    "  --quiet, -q               no progress and no summary; errors only\n"
    "  -y, --overwrite           replace an existing OUT (the default)\n"
    "  -n, --no-overwrite        keep an existing OUT: fail instead of replacing it\n"
    "  --max-memory SIZE         memory for frames the reader and the writer may take, e.g. 2G,\n"
    "                            512M (default: half of the machine's); checked from the headers\n"
    "  --allow-playlists         let an input that is a playlist or concat list (HLS, ffconcat)\n"
    "                            read the files it names (refused by default)\n"
    "  --even pad|crop           an odd width or height (H.264/HEVC code even ones): one more\n"
    "                            column/row repeating the last (default), or the last one dropped\n"
    "  --background COLOR        what transparent parts of the frames (alpha from round_corners,\n"
    "                            chroma_key, a PNG) are shown over: #RRGGBB, 0xRRGGBB, white,\n"
    "                            red@0.5 (over black) (default black)\n"
    "IN may be - (stdin) or a FIFO: read once, in order, its audio from the same read.\n";

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
                                        "--no-overwrite", "--allow-playlists", "--no-autorotate",
                                        "--square-pixels", NULL};
    int is_flag = 0;
    for (int k = 0; flags[k]; k++) is_flag |= !strcmp(name, flags[k]);
    const char *v = NULL;
    if (!is_flag) {
        static const char *const valued[] = {"--codec", "--encoder", "--preset", "--bitrate", "--crf",
                                             "--gop", "--audio", "--start-frame", "--frames", "--fps",
                                             "--device", "--progress", "--start", "--duration", "--vsync",
                                             "--audio-codec", "--audio-track", "--max-memory", "--even",
                                             "--background", NULL};
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
    else if (!strcmp(name, "--no-autorotate")) o->no_autorotate = 1;
    else if (!strcmp(name, "--square-pixels")) o->square_pixels = 1;
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
    } else if (!strcmp(name, "--start") || !strcmp(name, "--duration")) {
        int64_t us;
        if (av_parse_time(&us, v, 1) < 0 || us < 0 || us > (int64_t)1e7 * 1000000)
            return usage_err(o, name, v, "is not a time (seconds, e.g. 12.5, or hh:mm:ss.ms)");
        if (!strcmp(name, "--duration") && us == 0) return usage_err(o, name, v, "must be more than 0");
        *(!strcmp(name, "--start") ? &o->start_time : &o->duration) = us / 1e6;
    } else if (!strcmp(name, "--vsync")) {
        if (!strcmp(v, "cfr")) o->vsync = 0;
        else if (!strcmp(v, "passthrough")) o->vsync = 1;
        else return usage_err(o, name, v, "is not cfr or passthrough");
    } else if (!strcmp(name, "--audio-codec")) {
        if (strcmp(v, "copy") && strcmp(v, "aac") && strcmp(v, "opus"))
            return usage_err(o, name, v, "is not copy, aac or opus");
        o->audio_codec = v;
    } else if (!strcmp(name, "--audio-track")) {
        if (parse_int(v, 0, OVNI_MAX_AUDIO_STREAMS - 1, &x) < 0)
            return usage_err(o, name, v, "is not an audio stream number 0..7");
        o->audio_track = (int)x;
    } else if (!strcmp(name, "--frames")) {
        if (parse_int(v, 1, INT64_MAX / 4, &o->frames) < 0) return usage_err(o, name, v, "is not an integer >= 1");
    } else if (!strcmp(name, "--fps")) {
        AVRational r;
        if (av_parse_video_rate(&r, v) < 0 || r.num <= 0 || r.den <= 0 || (double)r.num / r.den > 1000)
            return usage_err(o, name, v, "is not a frame rate (30, 30000/1001, 29.97; at most 1000)");
        o->fps = (ovni_rational){r.num, r.den};
    } else if (!strcmp(name, "--max-memory")) {
        if (parse_rate(v, &o->max_memory) < 0 || o->max_memory < (1 << 20))
            return usage_err(o, name, v, "is not a size of at least 1M (e.g. 2G, 512M)");
    } else if (!strcmp(name, "--even")) {
        if (!strcmp(v, "pad")) o->even = OVNI_EVEN_PAD;
        else if (!strcmp(v, "crop")) o->even = OVNI_EVEN_CROP;
        else return usage_err(o, name, v, "is not pad or crop");
    } else if (!strcmp(name, "--background")) {
        uint8_t rgba[4];
        if (cli_parse_color(v, rgba) < 0)
            return usage_err(o, name, v, "is not a colour (#RRGGBB, 0xRRGGBB, a name such as white, name@0.5)");
        /* the file is opaque: a translucent background is seen over black */
        for (int k = 0; k < 3; k++) o->background[k] = (uint8_t)((rgba[k] * rgba[3] + 127) / 255);
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
    progress prog;
    /* The timeline: output time 0 is source time `anchor` (the first
     * delivered frame's pts, in `tb`). */
    int64_t anchor;
    AVRational tb;
    int coded_w, coded_h;       /* the file's size (ovni_writer_coded_size) */
    int square_w;               /* --square-pixels: the width frames are resampled to; 0: none */
    int deinterlaced;           /* the chain has a deinterlace op: the output is progressive */
    ovni_field_order field_order; /* of the first source frame (what the output is tagged with) */
} job;

static int open_writer(job *j, const ovni_frame *first)
{
    const job_opts *o = j->o;
    ovni_writer_settings s;
    ovni_writer_default_settings(&s);
    s.width = first->width;
    s.height = first->height;
    s.fps = j->fps;
    s.pts_passthrough = o->vsync == 1 && j->in.kind == INPUT_VIDEO;
    s.codec = o->codec;
    s.encoder = o->encoder;
    s.preset = o->preset;
    if (o->crf >= 0) s.rate_control = OVNI_RC_CRF, s.quality = o->crf;
    else if (o->bitrate) s.rate_control = OVNI_RC_VBR, s.bitrate = o->bitrate;
    s.gop = o->gop;
    s.faststart = 1;
    if (j->in.kind == INPUT_VIDEO) {
        s.matrix = j->in.info.matrix, s.range = j->in.info.range, s.chroma_loc = j->in.info.chroma_loc;
        /* the source's primaries and transfer (PQ, HLG) where it tags them; else the matrix's */
        if (j->in.info.primaries != AVCOL_PRI_UNSPECIFIED && j->in.info.primaries > 0 && j->in.info.primaries < 256 &&
            av_color_primaries_name((enum AVColorPrimaries)j->in.info.primaries))
            s.primaries = (uint8_t)j->in.info.primaries;
        if (j->in.info.transfer != AVCOL_TRC_UNSPECIFIED && j->in.info.transfer > 0 && j->in.info.transfer < 256 &&
            av_color_transfer_name((enum AVColorTransferCharacteristic)j->in.info.transfer))
            s.transfer = (uint8_t)j->in.info.transfer;
    }
    /* geometry: the SAR of the frames written (1:1 once resampled to square
     * pixels), the display matrix when frames are kept as stored, the
     * source's field order unless the chain deinterlaced it */
    if (!j->square_w && j->in.sar.num > 0 && j->in.sar.den > 0) {
        AVRational sar; /* the writer's SAR fields are 16 bits, as H.264's VUI */
        av_reduce(&sar.num, &sar.den, j->in.sar.num, j->in.sar.den, 65535);
        s.sar_num = (uint16_t)sar.num, s.sar_den = (uint16_t)sar.den;
    }
    if (!j->in.turned && j->in.orientation > OVNI_ORIENT_NORMAL) s.orientation = (uint8_t)j->in.orientation;
    if (!j->deinterlaced) s.field_order = (uint8_t)j->field_order;
    if (j->in.kind == INPUT_VIDEO && j->in.turned && j->in.orientation >= OVNI_ORIENT_TRANSPOSE &&
        (s.chroma_loc == OVNI_CHROMA_LEFT || s.chroma_loc == OVNI_CHROMA_TOP)) /* ovni_orient swapped its axes */
        s.chroma_loc = s.chroma_loc == OVNI_CHROMA_LEFT ? OVNI_CHROMA_TOP : OVNI_CHROMA_LEFT;
    s.no_overwrite = o->no_overwrite;
    s.max_memory = o->max_memory;
    s.allow_playlists = o->allow_playlists;
    s.even = o->even;
    memcpy(s.background, o->background, sizeof(s.background));
    if (!strcmp(o->audio, "copy")) {
        if (j->in.has_audio && j->in.kind == INPUT_VIDEO && cli_is_stream(o->in) && o->loop) {
            /* A looped input's audio is read again for each pass, and a pipe cannot be read twice. */
            if (!o->quiet)
                fprintf(stderr, "ovni %s: warning: input \"%s\" is a pipe or FIFO: with --loop its audio is not "
                        "copied (--audio FILE takes it from a file)\n", o->cmd, o->in);
        } else if (j->in.has_audio) {
            /* A pipe or FIFO is read once: its audio comes from the reader's own demuxer. */
            if (j->in.kind == INPUT_VIDEO && cli_is_stream(o->in)) s.audio_reader = j->in.reader;
            else s.audio_path = o->in;
            /* the audio keeps its place against the first frame written */
            s.audio_sync = 1;
            s.audio_start = (double)j->anchor * av_q2d(j->tb);
            if (s.audio_start < 0) s.audio_start = 0;
            s.audio_stream = j->in.info.audio[o->audio_track].stream_index;
            if (o->loop) {
                /* one pass of the video: from the first frame to the stream's end */
                const ovni_video_info *vi = &j->in.info;
                double pass = vi->start_time + vi->duration - (double)j->anchor * av_q2d(j->tb);
                if (pass > 0) s.audio_loop = pass;
            }
        }
    } else if (strcmp(o->audio, "none")) {
        s.audio_path = o->audio;
    }
    if (o->audio_codec)
        s.audio_mode = !strcmp(o->audio_codec, "copy") ? OVNI_AUDIO_COPY
                       : !strcmp(o->audio_codec, "aac") ? OVNI_AUDIO_AAC : OVNI_AUDIO_OPUS;
    ovni_writer_coded_size(&s, &j->coded_w, &j->coded_h);
    int r = ovni_writer_open(&j->w, j->dev, o->out, &s);
    if (r < 0 && r != OVNI_ECANCELED && (s.audio_path || s.audio_reader) && !strcmp(o->audio, "copy") &&
        !o->audio_codec &&
        strstr(ovni_last_error(), "audio")) {
        /* The input's own audio is optional: a track that cannot be used
         * (an unknown codec, no channels, damaged) is left out, the job goes on. */
        if (!o->quiet)
            fprintf(stderr, "ovni %s: warning: input \"%s\": its audio cannot be used, the output has none: %s\n",
                    o->cmd, o->in, ovni_last_error());
        s.audio_path = NULL;
        s.audio_reader = NULL;
        r = ovni_writer_open(&j->w, j->dev, o->out, &s);
    }
    if (r < 0) {
        const char *msg = ovni_last_error(), *lib = strstr(msg, "audio_mode COPY: "), *end;
        if (r == OVNI_EUNSUPPORTED && lib && (end = strstr(lib, "; use audio_mode")) && o->audio_codec) {
            /* the library names its setting; say it with the option given here */
            lib += strlen("audio_mode COPY: ");
            fprintf(stderr, "ovni %s: --audio-codec copy: %.*s; leave out --audio-codec (copy where the container "
                    "takes the codec, else re-encode) or give --audio-codec aac or opus\n", o->cmd,
                    (int)(end - lib), lib);
        } else {
            fprintf(stderr, "ovni %s: %s\n", o->cmd, msg);
        }
        return 1;
    }
    return 0;
}

/* The output slot of a source frame: its time from the anchor in output
 * frames, rounded to the nearest (halves up), as FFmpeg's fps filter does.
 * Output frame n shows the last source frame whose slot is <= n. */
static int64_t slot_of(const job *j, int64_t pts)
{
    return av_rescale_rnd(pts - j->anchor, (int64_t)j->tb.num * j->fps.num, (int64_t)j->tb.den * j->fps.den,
                          AV_ROUND_NEAR_INF);
}

/* Chain, writer (opened on the first frame), encoder: one output frame. */
static int put_frame(job *j, job_stats *st, ovni_frame *src, int64_t n)
{
    const job_opts *o = j->o;
    ovni_frame *f = NULL;
    if (j->oc.nops || j->square_w) {
        /* leading ops that take the decoded frame (deinterlace), then RGB once
         * for the rest; a still is RGB already (a fresh copy, shown once: its
         * rate is the output's) */
        ovni_frame *in = ovni_frame_ref(src);
        if (ops_run_decoded(&j->oc, &j->env, &in, n)) {
            ovni_frame_unref(&in);
            return 1;
        }
        if ((in->format == OVNI_FORMAT_RGB24 || in->format == OVNI_FORMAT_RGBA32) &&
            (in != src || j->in.kind != INPUT_VIDEO))
            f = ovni_frame_ref(in); /* an image's alpha goes through the chain to the writer */
        else if (ovni_convert(in, OVNI_FORMAT_RGB24, &f) < 0) f = NULL;
        ovni_frame_unref(&in);
        if (f && j->square_w && f->width != j->square_w) { /* --square-pixels: FFmpeg's scale=iw*sar:ih */
            ovni_frame *sq = NULL;
            if (ovni_resize(f, j->square_w, f->height, &sq) < 0) sq = NULL;
            ovni_frame_unref(&f);
            f = sq;
        }
        if (!f) {
            fprintf(stderr, "ovni %s: %s\n", o->cmd, ovni_last_error());
            return 1;
        }
        if (ops_run(&j->oc, &j->env, &f, n)) {
            ovni_frame_unref(&f);
            return 1;
        }
    } else {
        f = ovni_frame_ref(src);
    }
    int rc = 0;
    if (!j->w) {
        if ((rc = open_writer(j, f))) {
            ovni_frame_unref(&f);
            return rc;
        }
        st->width = f->width;
        st->height = f->height;
        st->coded_width = j->coded_w;
        st->coded_height = j->coded_h;
        snprintf(st->encoder, sizeof(st->encoder), "%s", ovni_writer_encoder_name(j->w));
    } else if (f->width != st->width || f->height != st->height) {
        if (j->oc.nops)
            fprintf(stderr, "ovni %s: the chain made a %dx%d frame at frame %lld, after %dx%d ones: "
                    "every frame of a video has one size\n", o->cmd, f->width, f->height, (long long)n,
                    st->width, st->height);
        else
            fprintf(stderr, "ovni %s: input \"%s\" changes size at frame %lld, from %dx%d to %dx%d: every frame of "
                    "the output has one size; --vf 'resize=width=%d:height=%d' keeps the first\n", o->cmd, o->in,
                    (long long)n, st->width, st->height, f->width, f->height, st->width, st->height);
        ovni_frame_unref(&f);
        return 1;
    }
    if (o->vsync == 1 && j->in.kind == INPUT_VIDEO) { /* the source's time, counted from the anchor */
        f->pts = src->pts - j->anchor;
        f->time_base = (ovni_rational){j->tb.num, j->tb.den};
    }
    int ret = ovni_writer_write(j->w, f);
    ovni_frame_unref(&f);
    if (ret < 0) {
        fprintf(stderr, "ovni %s: output \"%s\": %s\n", o->cmd, o->out, ovni_last_error());
        return 1;
    }
    return 0;
}

/* The first source frame: the anchor of the output's timeline. */
static int read_first(job *j, ovni_frame **cur)
{
    int ret = input_read(&j->in, cur);
    if (ret < 0) return ret;
    j->tb = (AVRational){(*cur)->time_base.num, (*cur)->time_base.den};
    if (j->tb.num <= 0 || j->tb.den <= 0) j->tb = av_inv_q((AVRational){j->fps.num, j->fps.den});
    j->anchor = (*cur)->pts;
    j->field_order = (*cur)->field_order;
    if (j->field_order != OVNI_FIELD_PROGRESSIVE && !j->o->quiet)
        fprintf(stderr, "ovni %s: warning: input \"%s\" is interlaced (%s field first): %s\n", j->o->cmd, j->o->in,
                j->field_order == OVNI_FIELD_BB || j->field_order == OVNI_FIELD_TB ? "bottom" : "top",
                j->deinterlaced ? "the chain's deinterlace makes it progressive"
                                : "written interlaced with its field order; --vf deinterlace makes it progressive");
    return 0;
}

/* Constant rate: output frame n (at n / fps from the anchor) shows the last
 * source frame whose slot_of() is <= n; the last source frame lasts as long
 * as the gap before it. */
static int pump_cfr(job *j, job_stats *st, int64_t limit, int64_t *made)
{
    ovni_frame *cur = NULL, *next = NULL;
    int64_t prev_pts = AV_NOPTS_VALUE, end_slot = INT64_MAX;
    int rc = 0, eof = 0;
    int ret = read_first(j, &cur);
    if (ret == OVNI_EOF) return 0;
    if (ret < 0) return 1;
    for (int64_t n = 0;; n++) {
        if (cli_interrupted) {
            rc = 128 + cli_interrupted;
            break;
        }
        if (limit && n >= limit) break;
        for (;;) { /* move to the last source frame due by slot n */
            if (!next && !eof) {
                ret = input_read(&j->in, &next);
                if (ret == OVNI_EOF) {
                    eof = 1;
                    int64_t d = prev_pts != AV_NOPTS_VALUE && cur->pts > prev_pts
                                ? cur->pts - prev_pts
                                : av_rescale_q(1, av_inv_q((AVRational){j->in.fps.num, j->in.fps.den}), j->tb);
                    /* as FFmpeg's fps filter: the slots before the end's (at least one) */
                    end_slot = slot_of(j, cur->pts + (d > 0 ? d : 1));
                    if (end_slot < 1) end_slot = 1;
                } else if (ret < 0) {
                    rc = 1;
                    break;
                }
            }
            if (!next || slot_of(j, next->pts) > n) break;
            prev_pts = cur->pts;
            ovni_frame_unref(&cur);
            cur = next;
            next = NULL;
        }
        if (rc || (eof && n >= end_slot)) break;
        if ((rc = put_frame(j, st, cur, n))) break;
        *made = n + 1;
        progress_update(&j->prog, *made);
    }
    ovni_frame_unref(&cur);
    ovni_frame_unref(&next);
    return rc;
}

/* Pass-through: every source frame once, at its own time from the anchor. */
static int pump_passthrough(job *j, job_stats *st, int64_t limit, int64_t *made)
{
    ovni_frame *cur = NULL;
    int ret = read_first(j, &cur), rc = 0;
    int64_t dur_ts = j->o->duration > 0
                     ? av_rescale_q((int64_t)(j->o->duration * 1e6 + 0.5), AV_TIME_BASE_Q, j->tb) : 0;
    while (ret == 0) {
        if (cli_interrupted) {
            rc = 128 + cli_interrupted;
            break;
        }
        if ((limit && *made >= limit) || (dur_ts > 0 && cur->pts - j->anchor >= dur_ts - (dur_ts > 1))) break;
        if ((rc = put_frame(j, st, cur, *made))) break;
        ++*made;
        progress_update(&j->prog, *made);
        ovni_frame_unref(&cur);
        ret = input_read(&j->in, &cur);
    }
    if (ret < 0 && ret != OVNI_EOF) rc = 1;
    ovni_frame_unref(&cur);
    return rc;
}

/* The main loop; returns the exit code. */
static int pump(job *j, job_stats *st)
{
    const job_opts *o = j->o;
    int64_t made = 0;
    int64_t limit = o->frames > 0 ? o->frames : 0;
    if (o->duration > 0 && o->vsync == 0) {
        const int64_t d = cli_duration_frames(o->duration, j->fps);
        if (!limit || d < limit) limit = d;
    }
    int rc = o->vsync == 1 && j->in.kind == INPUT_VIDEO ? pump_passthrough(j, st, limit, &made)
                                                         : pump_cfr(j, st, limit, &made);
    st->frames = made;
    if (!rc && !made) {
        fprintf(stderr, "ovni %s: input \"%s\" gave no frames%s\n", o->cmd, o->in,
                o->start_frame || o->start_time > 0 ? " (is the start past its end?)" : "");
        rc = 1;
    }
    if (!rc && o->frames > 0 && made < o->frames && j->in.kind == INPUT_VIDEO)
        fprintf(stderr, "ovni %s: warning: input \"%s\" ended after %lld output frames; --frames asked for %lld "
                "(--loop repeats the input)\n", o->cmd, o->in, (long long)made, (long long)o->frames);
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
    if (o->loop && !o->frames && !(o->duration > 0)) {
        fprintf(stderr, "ovni %s: --loop needs --frames N or --duration TIME (how long to loop; "
                "without them it would never end)\n", o->cmd);
        return 2;
    }
    if (o->start_frame && o->start_time > 0) {
        fprintf(stderr, "ovni %s: --start-frame and --start both give the start: use one\n", o->cmd);
        return 2;
    }
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
    int iw, ih;
    if (!rc && !j.oc.nops && cli_is_image_path(o->in) && ovni_image_probe(o->in, &iw, &ih) == 0 &&
        (iw > 8192 || ih > 8192) && iw <= 16384 && ih <= 16384 && (int64_t)iw * ih <= 256000000) {
        /* from the image's header, before its pixels are decoded (16000x16000: 1.5 GB); past the
         * image limit the loader refuses it from the header, naming that limit */
        fprintf(stderr, "ovni %s: input \"%s\" is %dx%d: the output is at most 8192x8192; add --vf "
                "'fit=width=...:height=...' or 'resize=...'\n", o->cmd, o->in, iw, ih);
        rc = 1;
    }
    if (!rc) {
        ovni_device_get_info(j.dev, &di);
        snprintf(st->device, sizeof(st->device), "%s", di.name);
        input_opts io = {j.dev, di.is_gpu ? OVNI_MEMORY_DEVICE : OVNI_MEMORY_HOST, o->start_frame, o->frames,
                         o->start_time, o->duration, o->loop, o->fps, o->allow_playlists, o->max_memory,
                         /* a pipe or FIFO is read once: the reader keeps its audio for the writer */
                         !strcmp(o->audio, "copy") && !o->loop && cli_is_stream(o->in), o->audio_track,
                         o->no_autorotate};
        rc = input_open(&j.in, o->in, &io);
    }
    for (int i = 0; i < j.oc.nops; i++) j.deinterlaced |= !strcmp(j.oc.ops[i].def->name, "deinterlace");
    if (!rc && o->square_pixels && j.in.sar.num > 0 && j.in.sar.den > 0 && j.in.sar.num != j.in.sar.den) {
        /* the chain sees square pixels: W is the resampled width */
        int64_t w = ((int64_t)j.in.width * j.in.sar.num + j.in.sar.den / 2) / j.in.sar.den;
        j.square_w = w < 1 ? 1 : w > 16384 ? 16384 : (int)w;
        j.in.width = j.square_w;
    }
    if (!rc && !j.oc.nops && (j.in.width > 8192 || j.in.height > 8192)) {
        /* with no chain the output has the input's size: refuse it before any work */
        fprintf(stderr, "ovni %s: input \"%s\" is %dx%d: the output is at most 8192x8192; add --vf "
                "'fit=width=...:height=...' or 'resize=...'\n", o->cmd, o->in, j.in.width, j.in.height);
        rc = 1;
    }
    if (!rc) {
        j.fps = o->fps.num > 0 ? o->fps : j.in.fps;
        if (j.fps.num <= 0 || j.fps.den <= 0) {
            fprintf(stderr, "ovni %s: input \"%s\" has no frame rate: give --fps\n", o->cmd, o->in);
            rc = 1;
        }
    }
    if (!rc && j.in.kind == INPUT_VIDEO && !strcmp(o->audio, "copy") && o->audio_track > 0 &&
        o->audio_track >= j.in.info.naudio) {
        fprintf(stderr, "ovni %s: --audio-track %d: input \"%s\" has %d audio stream%s (counted from 0)\n", o->cmd,
                o->audio_track, o->in, j.in.info.naudio, j.in.info.naudio == 1 ? "" : "s");
        rc = 1;
    }
    if (!rc) {
        /* progress: the frames the output will have, where known */
        double rate = (double)j.fps.num / j.fps.den;
        int64_t total = j.in.frames;
        if (j.in.kind == INPUT_VIDEO && (o->fps.num > 0 || o->vsync == 0) && !o->frames) {
            double secs = j.in.info.duration - (o->start_time > 0 ? o->start_time
                                                : (double)o->start_frame * j.in.info.fps.den / j.in.info.fps.num);
            total = secs > 0 ? (int64_t)llround(secs * rate) : 0;
        }
        if (o->duration > 0 && o->vsync == 0) {
            const int64_t d = cli_duration_frames(o->duration, j.fps);
            if (!total || d < total || o->loop) total = d;
        }
        j.env = (cli_env){j.dev, di.is_gpu ? OVNI_MEMORY_DEVICE : OVNI_MEMORY_HOST, j.fps, j.in.width,
                          j.in.height, total, o->allow_playlists, o->max_memory};
        rc = ops_open(&j.oc, &j.env);
        int ow, oh, over;
        if (!rc && ops_preflight(&j.oc, &j.env, j.in.width, j.in.height, 8192, &ow, &oh, &over) == j.oc.nops &&
            (ow > 8192 || oh > 8192)) {
            /* the first frame's size, known before any work: the writer takes at most 8192x8192 */
            if (over >= 0)
                fprintf(stderr, "ovni %s: op %d (%s) makes the frames %dx%d: the output is at most 8192x8192\n",
                        o->cmd, over + 1, j.oc.ops[over].def->name, ow, oh);
            else
                fprintf(stderr, "ovni %s: input \"%s\" is %dx%d and the chain keeps it %dx%d: the output is at "
                        "most 8192x8192; add 'fit=width=...:height=...' or 'resize=...' to the chain\n", o->cmd,
                        o->in, j.in.width, j.in.height, ow, oh);
            rc = 1;
        }
        if (!rc) {
            progress_start(&j.prog, o->progress, total, rate);
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
