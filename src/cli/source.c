/* Where the job's frames come from: a video file, an image shown as a still
 * video, or a plain colour. (The file= sources of overlay-like ops are
 * op_source.c's.) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libavutil/parseutils.h>

#include "cli.h"

int cli_is_image_path(const char *path)
{
    static const char *const exts[] = {"png", "jpg", "jpeg", "bmp", "webp", "tif", "tiff", "tga",
                                       "ppm", "pgm", "pnm", NULL};
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/')) return 0;
    for (int i = 0; exts[i]; i++)
        if (!strcasecmp(dot + 1, exts[i])) return 1;
    return 0;
}

/* A frame of one colour in `memory`: filled on the host, uploaded once. */
static int make_color(ovni_device *dev, ovni_memory memory, const uint8_t rgb[3], int w, int h,
                      ovni_frame **out)
{
    ovni_frame *host = NULL;
    int ret = ovni_frame_new(dev, OVNI_FORMAT_RGB24, w, h, OVNI_MEMORY_HOST, &host);
    if (ret < 0) return ret;
    for (int y = 0; y < h; y++) {
        uint8_t *row = host->data[0] + (size_t)y * host->pitch[0];
        for (int x = 0; x < w; x++) memcpy(row + 3 * (size_t)x, rgb, 3);
    }
    if (memory == OVNI_MEMORY_HOST) {
        *out = host;
        return 0;
    }
    ret = ovni_frame_upload(host, out);
    ovni_frame_unref(&host);
    return ret;
}

/* An image input: RGBA32 where the picture has transparent pixels (the
 * writer composites them over --background, after the chain), else RGB24.
 * Only formats that can carry alpha are decoded as RGBA32 first. */
static int load_image(const input_opts *o, const char *path, int *orientation, ovni_frame **out)
{
    const unsigned flags = o->no_autorotate ? OVNI_IMAGE_AS_STORED : 0;
    static const char *const alpha_exts[] = {"png", "webp", "tif", "tiff", "tga", "bmp", NULL};
    const char *dot = strrchr(path, '.');
    int may_alpha = 0;
    for (int i = 0; dot && alpha_exts[i]; i++) may_alpha |= !strcasecmp(dot + 1, alpha_exts[i]);
    if (may_alpha) {
        ovni_frame *rgba = NULL;
        int ret = ovni_image_load_ex(o->dev, path, OVNI_FORMAT_RGBA32, OVNI_MEMORY_HOST, flags, orientation, &rgba);
        if (ret < 0) return ret;
        int opaque = 1;
        for (int y = 0; y < rgba->height && opaque; y++) {
            const uint8_t *row = rgba->data[0] + (size_t)y * rgba->pitch[0];
            for (int x = 0; x < rgba->width; x++) opaque &= row[4 * (size_t)x + 3] == 255;
        }
        if (!opaque) {
            if (o->memory == OVNI_MEMORY_HOST) {
                *out = rgba;
                return 0;
            }
            ret = ovni_frame_upload(rgba, out);
            ovni_frame_unref(&rgba);
            return ret;
        }
        ovni_frame_unref(&rgba);
    }
    return ovni_image_load_ex(o->dev, path, OVNI_FORMAT_RGB24, o->memory, flags, orientation, out);
}

/* "color:SPEC[:WxH]", SPEC as av_parse_color takes it (#336699, red, ...);
 * WxH as av_parse_video_size takes it (1280x720, hd1080, ...). */
static int parse_color_spec(const char *spec, uint8_t rgba[4], int *w, int *h)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", spec + strlen("color:"));
    char *size = strchr(buf, ':');
    *w = 1920;
    *h = 1080;
    if (size) {
        *size++ = 0;
        if (av_parse_video_size(w, h, size) < 0 || *w < 2 || *h < 2 || *w > 16384 || *h > 16384) {
            fprintf(stderr, "ovni: input \"%s\": size \"%s\" is not WxH (2..16384 each, e.g. 1280x720)\n",
                    spec, size);
            return -1;
        }
    }
    if (av_parse_color(rgba, buf, -1, NULL) < 0) {
        fprintf(stderr, "ovni: input \"%s\": \"%s\" is not a colour (#RRGGBB, 0xRRGGBB or a name)\n", spec,
                buf);
        return -1;
    }
    return 0;
}

ovni_rational input_default_rate(const ovni_video_info *vi)
{
    /* A variable-rate source: its base rate (the lowest that represents every
     * timestamp: 30 for 15-then-30 fps) when that is a plausible frame rate,
     * so no frame is lost; else its average. */
    ovni_rational r = vi->r_frame_rate, avg = vi->fps;
    if (vi->vfr && r.num > 0 && r.den > 0 && avg.num > 0 && avg.den > 0) {
        double rv = (double)r.num / r.den, av = (double)avg.num / avg.den;
        if (rv >= av && rv <= 4 * av && rv <= 240) return r;
    }
    return avg;
}

int64_t cli_duration_frames(double seconds, ovni_rational fps)
{
    int64_t d = (int64_t)ceil(seconds * fps.num / fps.den - 1e-6);
    return d < 1 ? 1 : d;
}

int input_open(cli_input *in, const char *spec, const input_opts *o)
{
    memset(in, 0, sizeof(*in));
    in->spec = spec;
    in->orientation = 1;
    in->sar = (ovni_rational){1, 1};
    int ret;
    if (!strncmp(spec, "color:", 6) || cli_is_image_path(spec)) {
        in->fps = o->fps.num > 0 ? o->fps : (ovni_rational){30, 1};
        if (!strncmp(spec, "color:", 6)) {
            uint8_t rgba[4];
            in->kind = INPUT_COLOR;
            if (parse_color_spec(spec, rgba, &in->width, &in->height) < 0) return 2;
            ret = make_color(o->dev, o->memory, rgba, in->width, in->height, &in->still);
        } else {
            in->kind = INPUT_IMAGE;
            ret = load_image(o, spec, &in->orientation, &in->still);
            in->turned = !o->no_autorotate && in->orientation > 1;
        }
        if (ret < 0) {
            fprintf(stderr, "ovni: %s\n", ovni_last_error());
            return 1;
        }
        in->width = in->still->width;
        in->height = in->still->height;
        /* a still is a video of --frames, else of the frames that start
         * before --duration (as a video is cut), else of 5 seconds */
        if (o->frames > 0) in->frames = o->frames;
        else if (o->duration > 0) in->frames = cli_duration_frames(o->duration, in->fps);
        else in->frames = 5 * (int64_t)in->fps.num / in->fps.den;
        if (in->frames < 1) in->frames = 1;
        return 0;
    }
    in->kind = INPUT_VIDEO;
    ovni_reader_settings s;
    ovni_reader_default_settings(&s);
    s.start_frame = o->start_frame;
    s.start_time = o->start_time;
    s.duration = o->duration;
    s.frame_count = o->frames;
    s.loop = o->loop;
    s.allow_playlists = o->allow_playlists;
    s.max_memory = o->max_memory;
    s.audio_feed = o->audio_feed;
    s.audio_track = o->audio_track;
    s.no_autorotate = o->no_autorotate;
    if (ovni_reader_open(&in->reader, o->dev, spec, &s) < 0) {
        fprintf(stderr, "ovni: %s\n", ovni_last_error());
        return 1;
    }
    in->info = *ovni_reader_info(in->reader);
    in->width = in->info.width;
    in->height = in->info.height;
    in->orientation = in->info.orientation;
    in->turned = !o->no_autorotate && in->orientation > 1;
    in->sar = in->info.sar;
    if (in->turned && in->orientation >= OVNI_ORIENT_TRANSPOSE) { /* frames come height x width */
        in->width = in->info.height;
        in->height = in->info.width;
        in->sar = (ovni_rational){in->info.sar.den, in->info.sar.num};
    }
    in->fps = input_default_rate(&in->info);
    in->has_audio = in->info.naudio > 0;
    if (o->frames > 0) in->frames = o->frames;
    else if (in->info.frame_count > o->start_frame) in->frames = in->info.frame_count - o->start_frame;
    return 0;
}

int input_read(cli_input *in, ovni_frame **out)
{
    *out = NULL;
    if (in->reader) {
        int ret = ovni_reader_read(in->reader, out);
        if (ret < 0 && ret != OVNI_EOF)
            fprintf(stderr, "ovni: input \"%s\": %s\n", in->spec, ovni_last_error());
        return ret;
    }
    if (in->delivered >= in->frames) return OVNI_EOF;
    const ovni_frame *s = in->still;
    int ret = ovni_frame_new(s->device, s->format, s->width, s->height, s->memory, out);
    if (ret == 0) ret = ovni_frame_copy(*out, s);
    if (ret < 0) {
        fprintf(stderr, "ovni: input \"%s\": %s\n", in->spec, ovni_last_error());
        ovni_frame_unref(out);
        return ret;
    }
    (*out)->time_base = (ovni_rational){in->fps.den, in->fps.num};
    (*out)->pts = in->delivered++;
    return 0;
}

void input_close(cli_input *in)
{
    ovni_reader_close(&in->reader);
    ovni_frame_unref(&in->still);
}
