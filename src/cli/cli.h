/* The ovni command's subcommands: each returns the process exit code
 * (0 ok, 1 input or processing error, 2 usage error, 130 interrupted). */
#ifndef OVNI_CLI_H
#define OVNI_CLI_H

#include <signal.h>
#include <stdint.h>

#include "ovni/ass.h"
#include "ovni/ovni.h"
#include "progress.h"

int cli_info(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_transcode(int argc, char **argv);
/* `ovni demo --png DIR`: the colour round trip on a test card (demo_png.c). */
int cli_demo_png(const char *outdir, const char *device);

/* Opens the device from --device/--cpu choices (NULL: auto). */
int cli_open_device(const char *spec, ovni_device **dev);

/* The signal that cancelled the job (SIGINT, SIGTERM, SIGHUP, SIGQUIT,
 * SIGPIPE or SIGUSR1), 0 if none: the job stops, cancels the writer (no
 * partial output, the target untouched) and exits 128 + the signal. */
extern volatile sig_atomic_t cli_interrupted;
void cli_catch_signals(void);
/* The device the handler interrupts (ovni_device_interrupt); NULL: none. */
void cli_signal_device(ovni_device *dev);

/* ---- inputs (source.c): a video file, an image, or color:#RRGGBB:WxH ---- */
typedef enum input_kind { INPUT_VIDEO, INPUT_IMAGE, INPUT_COLOR } input_kind;

typedef struct cli_input {
    input_kind kind;
    const char *spec;
    ovni_reader *reader;
    ovni_frame *still;          /* image or colour: RGB24 in the chain's memory */
    ovni_video_info info;       /* video: the stream */
    int width, height;
    ovni_rational fps;          /* the source's rate */
    int64_t frames;             /* frames the source will give (0: unknown) */
    int has_audio;
    int64_t delivered;          /* stills: frames handed out */
    int orientation;            /* the source's (display matrix or EXIF), 1..8 */
    int turned;                 /* 1: frames come upright (orientation applied by the reader or loader) */
    ovni_rational sar;          /* of the frames as delivered (inverted by a quarter turn); 1:1 untagged */
} cli_input;

typedef struct input_opts {
    ovni_device *dev;
    ovni_memory memory;
    int64_t start_frame, frames; /* frames 0: to the end (stills: 5 seconds) */
    double start_time, duration; /* seconds; 0: not set (start_time replaces start_frame) */
    int loop;
    ovni_rational fps;          /* stills: their rate (default 30) */
    int allow_playlists;
    int64_t max_memory;
    int audio_feed, audio_track; /* keep that audio stream's packets for the writer (stdin, FIFOs) */
    int no_autorotate;          /* frames as stored, not turned by the display matrix / EXIF */
} input_opts;

/* The constant rate a video is written at by default: its average rate,
 * or for a variable-rate video its r_frame_rate where plausible. */
ovni_rational input_default_rate(const ovni_video_info *vi);
/* The output frames at `fps` that start before `seconds` (--duration's
 * count; at least 1). */
int64_t cli_duration_frames(double seconds, ovni_rational fps);
/* 0, 1 (error printed, naming the file), or 2 (a bad color: spec). */
int input_open(cli_input *in, const char *spec, const input_opts *o);
/* The next frame: NV12/P010 from a video, RGB24 from a still (a copy the
 * chain may edit). 0, OVNI_EOF, or an error (message printed). */
int input_read(cli_input *in, ovni_frame **out);
void input_close(cli_input *in);
int cli_is_image_path(const char *path);
/* 1: "-" or a FIFO, socket or device: it can be read only once. */
int cli_is_stream(const char *path);

/* ---- a job (job.c): input -> chain -> writer, shared by run, transcode, demo ---- */
typedef struct job_opts {
    const char *cmd;            /* "run", "transcode": for messages */
    const char *in, *out;
    const char *vf;             /* the chain; NULL or "": none */
    const char *device;         /* NULL: auto; "cpu"; "N" */
    ovni_codec codec;
    ovni_encoder encoder;
    const char *preset;
    int64_t bitrate;            /* 0: not set */
    int crf;                    /* -1: not set */
    int gop;
    const char *audio;          /* "copy" (default), "none" or a file */
    int64_t start_frame, frames;
    double start_time;          /* --start, seconds; 0: not set */
    double duration;            /* --duration, seconds; 0: not set */
    int loop;
    int vsync;                  /* 0: constant rate (--fps or the input's), 1: the source's pts */
    const char *audio_codec;    /* --audio-codec: NULL (auto), "copy", "aac" or "opus" */
    int audio_track;            /* --audio-track: which audio stream of IN, from 0 */
    ovni_rational fps;          /* {0, 0}: the input's */
    progress_mode progress;
    int quiet;
    int no_overwrite;           /* -n: keep an existing OUT (default: replace it, -y) */
    int allow_playlists;        /* --allow-playlists: HLS, concat lists, ... may name other files */
    int64_t max_memory;         /* --max-memory: bytes for the reader's and the writer's frames; 0: half the RAM */
    ovni_even even;             /* --even: an odd output side padded (default) or cropped */
    uint8_t background[3];      /* --background: what alpha is composited over (default black) */
    int no_autorotate;          /* --no-autorotate: pixels as stored, the display matrix written */
    int square_pixels;          /* --square-pixels: non-square pixels resampled to square ones */
} job_opts;

typedef struct job_stats {
    int64_t frames;
    int width, height;          /* of the chain's frames */
    int coded_width, coded_height; /* of the file: odd sides made even (--even) */
    double seconds;             /* wall time */
    char encoder[32];
    char device[128];
} job_stats;

void job_default_opts(job_opts *o, const char *cmd);
/* Takes one option at argv[*i] (and its value); 1 taken, 0 not ours,
 * -1 usage error (printed). */
int job_parse_option(job_opts *o, int argc, char **argv, int *i);
/* Runs the job on dev (NULL: open o->device); returns the exit code. */
int job_run(const job_opts *o, ovni_device *dev, job_stats *st);
extern const char job_options_help[];

#endif
