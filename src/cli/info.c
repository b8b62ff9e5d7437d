#include <stdio.h>
#include <string.h>

#include <libavutil/pixdesc.h>

#include "cli.h"

int cli_open_device(const char *spec, ovni_device **dev)
{
    int ret = ovni_device_open(dev, spec);
    if (ret < 0) {
        fprintf(stderr, "ovni: %s\n", ovni_last_error());
        return 1;
    }
    return 0;
}

static void print_codecs(unsigned mask)
{
    static const char *names[] = {"h264", "hevc", "vp9", "av1"};
    int any = 0;
    for (int i = 0; i < 4; i++)
        if (mask & (1u << i)) printf("%s%s", any++ ? " " : "", names[i]);
    printf("%s\n", any ? "" : "none");
}

static int info_gpu(const char *spec)
{
    ovni_device *dev;
    if (cli_open_device(spec, &dev)) return 1;
    ovni_device_info in;
    ovni_device_get_info(dev, &in);
    printf("device:          %s\n", in.name);
    printf("build:           ovni %s, %s\n", ovni_version(), ovni_build_has_cuda() ? "CUDA kernels built in" : "CPU-only (no CUDA kernels)");
    if (in.is_gpu) {
        printf("index:           %d\n", in.index);
        printf("compute:         sm_%d%d, %d multiprocessors, %.1f GiB\n", in.cc_major, in.cc_minor,
               in.multiprocessors, (double)in.total_memory / (1 << 30));
        printf("kernels loaded:  %s\n", in.kernels_loaded ? "yes" : "no");
        printf("nvdec 8-bit:     ");
        print_codecs(in.nvdec_codecs);
        printf("nvdec 10-bit:    ");
        print_codecs(in.nvdec_codecs_10bit);
        printf("nvdec engines:   %d\n", in.nvdec_engines);
        printf("nvenc:           %s\n", in.nvenc ? "yes" : in.nvenc_status);
    }
    printf("cpu threads:     %d\n", in.cpu_threads);
    ovni_device_close(&dev);
    return 0;
}

static const char *matrix_name(ovni_matrix m)
{
    return m == OVNI_MATRIX_BT601 ? "bt601" : m == OVNI_MATRIX_BT2020 ? "bt2020" : "bt709";
}

/* FFmpeg's names (av_color_*_name) of the tags, "unknown" for untagged. */
static const char *av_name(const char *s) { return s ? s : "unknown"; }
static const char *matrix_av_name(ovni_matrix m)
{
    return av_name(av_color_space_name(m == OVNI_MATRIX_BT601    ? AVCOL_SPC_SMPTE170M
                                       : m == OVNI_MATRIX_BT2020 ? AVCOL_SPC_BT2020_NCL
                                                                 : AVCOL_SPC_BT709));
}
static const char *range_av_name(ovni_range r)
{
    return av_name(av_color_range_name(r == OVNI_RANGE_FULL ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG));
}
static const char *field_name(ovni_field_order f)
{
    static const char *const n[] = {"progressive", "tt", "bb", "tb", "bt"};
    return (unsigned)f <= OVNI_FIELD_BT ? n[f] : "unknown";
}
static const char *field_words(ovni_field_order f)
{
    static const char *const n[] = {"progressive", "interlaced, top field first", "interlaced, bottom field first",
                                    "interlaced, top coded first, bottom shown first",
                                    "interlaced, bottom coded first, top shown first"};
    return (unsigned)f <= OVNI_FIELD_BT ? n[f] : "unknown";
}
static const char *orientation_words(int o)
{
    static const char *const n[] = {"", "as stored", "mirrored left-right", "turned 180 degrees",
                                    "mirrored top-bottom", "transposed (mirrored about the main diagonal)",
                                    "turned 90 degrees clockwise", "transversed (mirrored about the other diagonal)",
                                    "turned 90 degrees counter-clockwise"};
    return o >= 1 && o <= 8 ? n[o] : "as stored";
}

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

static double fps_value(ovni_rational r) { return r.den > 0 ? (double)r.num / r.den : 0; }

static void info_json(const char *path, const ovni_video_info *v)
{
    printf("{\n  \"file\": ");
    json_str(path);
    printf(",\n  \"container\": ");
    json_str(v->container);
    printf(",\n  \"video\": {\"stream\": %d, \"codec\": ", v->stream_index);
    json_str(v->codec);
    printf(", \"width\": %d, \"height\": %d, \"bit_depth\": %d,\n", v->width, v->height, v->bit_depth);
    printf("    \"fps\": %.6g, \"fps_num\": %d, \"fps_den\": %d, \"duration\": %.6f,\n", fps_value(v->fps),
           v->fps.num, v->fps.den, v->duration);
    printf("    \"start_time\": %.6f, \"vfr\": %s, \"r_frame_rate\": %.6g,\n", v->start_time,
           v->vfr ? "true" : "false", fps_value(v->r_frame_rate));
    printf("    \"frames\": %lld, \"frames_exact\": %s, \"bit_rate\": %lld,\n", (long long)v->frame_count,
           v->frame_count_exact ? "true" : "false", (long long)v->bit_rate);
    printf("    \"matrix\": \"%s\", \"range\": \"%s\", \"primaries\": %d, \"transfer\": %d,\n",
           matrix_name(v->matrix), v->range == OVNI_RANGE_FULL ? "full" : "limited", v->primaries, v->transfer);
    printf("    \"matrix_name\": \"%s\", \"range_name\": \"%s\", \"primaries_name\": \"%s\", \"transfer_name\": \"%s\",\n",
           matrix_av_name(v->matrix), range_av_name(v->range), av_name(av_color_primaries_name(v->primaries)),
           av_name(av_color_transfer_name(v->transfer)));
    printf("    \"rotation\": %d, \"orientation\": %d, \"sar_num\": %d, \"sar_den\": %d,\n", v->rotation,
           v->orientation, v->sar.num, v->sar.den);
    printf("    \"display_width\": %d, \"display_height\": %d, \"field_order\": \"%s\"},\n", v->display_width,
           v->display_height, field_name(v->field_order));
    printf("  \"audio\": [");
    for (int i = 0; i < v->naudio && i < OVNI_MAX_AUDIO_STREAMS; i++) {
        const ovni_audio_info *a = &v->audio[i];
        printf("%s\n    {\"stream\": %d, \"codec\": ", i ? "," : "", a->stream_index);
        json_str(a->codec);
        printf(", \"sample_rate\": %d, \"channels\": %d, \"duration\": %.6f, \"start_time\": %.6f}", a->sample_rate,
               a->channels, a->duration, a->start_time);
    }
    printf("%s]\n}\n", v->naudio ? "\n  " : "");
}

static void info_text(const char *path, const ovni_video_info *v)
{
    printf("file:       %s\n", path);
    printf("container:  %s\n", v->container);
    printf("video:      stream %d, %s, %dx%d, %d-bit\n", v->stream_index, v->codec, v->width, v->height,
           v->bit_depth);
    printf("fps:        %.3f (%d/%d)%s\n", fps_value(v->fps), v->fps.num, v->fps.den,
           v->vfr ? ", variable (vfr)" : "");
    printf("start:      %.3f s\n", v->start_time);
    printf("duration:   %.3f s\n", v->duration);
    printf("frames:     %lld (%s)\n", (long long)v->frame_count, v->frame_count_exact ? "exact" : "estimated");
    if (v->bit_rate) printf("bit rate:   %.0f kb/s\n", v->bit_rate / 1000.0);
    printf("colour:     matrix %s, primaries %s, transfer %s, range %s (%s)\n", matrix_av_name(v->matrix),
           av_name(av_color_primaries_name(v->primaries)), av_name(av_color_transfer_name(v->transfer)),
           range_av_name(v->range), v->range == OVNI_RANGE_FULL ? "full" : "limited");
    printf("pixels:     SAR %d:%d, shown %dx%d\n", v->sar.num, v->sar.den, v->display_width, v->display_height);
    printf("rotation:   %d degrees clockwise (the turn a player applies; ffprobe prints the display matrix "
           "counter-clockwise: %d), %s%s\n", v->rotation, v->rotation ? v->rotation > 180 ? 360 - v->rotation : -v->rotation : 0,
           orientation_words(v->orientation), v->orientation > 1 ? "; frames are turned upright when read" : "");
    printf("fields:     %s\n", field_words(v->field_order));
    if (!v->naudio) printf("audio:      none\n");
    for (int i = 0; i < v->naudio && i < OVNI_MAX_AUDIO_STREAMS; i++) {
        const ovni_audio_info *a = &v->audio[i];
        printf("audio:      stream %d, %s, %d Hz, %d channels, %.3f s, starts at %.3f s\n", a->stream_index,
               a->codec, a->sample_rate, a->channels, a->duration, a->start_time);
    }
}

static const char info_usage[] = "usage: ovni info FILE [--json] | ovni info --gpu [--device N|--cpu]\n";

int cli_info(int argc, char **argv)
{
    const char *device = NULL, *file = NULL;
    int gpu = 0, json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--gpu")) gpu = 1;
        else if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--cpu")) device = "cpu";
        else if (!strcmp(argv[i], "--device") && i + 1 < argc) device = argv[++i];
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("%s"
                   "FILE: container, video stream (codec, size, fps, duration, frame count exact or\n"
                   "estimated, colour), audio streams; --json for scripts.\n"
                   "--gpu: the device ovni would use, compute capability, NVDEC codecs, whether NVENC\n"
                   "opens, whether the CUDA kernels are built in.\n"
                   "examples:\n  ovni info clip.mp4\n  ovni info clip.mp4 --json | jq .video.frames\n"
                   "  ovni info --gpu\n", info_usage);
            return 0;
        } else if (argv[i][0] != '-' && !file) file = argv[i];
        else {
            fprintf(stderr, "ovni info: unexpected argument \"%s\"\n%s", argv[i], info_usage);
            return 2;
        }
    }
    if (gpu == !!file) {
        fprintf(stderr, "%s", info_usage);
        return 2;
    }
    if (gpu) return info_gpu(device);
    ovni_video_info v;
    if (ovni_probe(file, &v) < 0) {
        fprintf(stderr, "ovni info: %s\n", ovni_last_error());
        return 1;
    }
    if (json) info_json(file, &v);
    else info_text(file, &v);
    return 0;
}
