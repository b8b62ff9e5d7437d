/* Helpers of the writer tests: synthetic frames, a WAV file, and reading a
 * written file back with libavformat/libavcodec (decode and compare). */
#ifndef OVNI_TESTS_WRITER_UTIL_H
#define OVNI_TESTS_WRITER_UTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "test.h"

/* The test's scratch directory (made by wu_start) and a path in it. */
static inline char *wu_dir(void)
{
    static char dir[256];
    return dir;
}
static inline void wu_path(char *out, size_t len, const char *name) { snprintf(out, len, "%s/%s", wu_dir(), name); }

/* A CPU writer test's start: FFmpeg's messages at errors only, a fresh
 * /tmp/ovni-NAME-XXXXXX as wu_dir(), the CPU device in *dev. 0, or -1. */
static inline int wu_start(const char *name, ovni_device **dev)
{
    av_log_set_level(AV_LOG_ERROR);
    snprintf(wu_dir(), 256, "/tmp/ovni-%s-XXXXXX", name);
    if (!mkdtemp(wu_dir())) {
        perror("mkdtemp");
        return -1;
    }
    CHECK_OK(ovni_device_open(dev, "cpu"));
    return 0;
}

/* Its end: the directory removed when every check passed (kept for a look
 * otherwise), the verdict line and exit status. */
static inline int wu_finish(const char *name)
{
    if (!test_failures) {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", wu_dir());
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", wu_dir());
    } else {
        fprintf(stderr, "outputs kept in %s\n", wu_dir());
    }
    return test_result(name);
}

/* The settings the writer tests start from: x264 at preset p1. */
static inline void wu_settings(ovni_writer_settings *s, int w, int h, ovni_rational fps)
{
    ovni_writer_default_settings(s);
    s->width = w;
    s->height = h;
    s->fps = fps;
    s->encoder = OVNI_ENCODER_X264;
    s->preset = "p1";
}

/* Writes n host NV12 frames of s's size, made by fill(f, i), to path; pts
 * in milliseconds: pts_ms[i], or frame i's time at s->fps when pts_ms is
 * NULL. 0, or the error (the output cancelled). */
static inline int wu_write(ovni_device *dev, const char *path, const ovni_writer_settings *s, int n,
                           void (*fill)(ovni_frame *, int), const int64_t *pts_ms)
{
    ovni_writer *w = NULL;
    int ret = ovni_writer_open(&w, dev, path, s);
    if (ret < 0) return ret;
    for (int i = 0; i < n && ret == 0; i++) {
        ovni_frame *f = NULL;
        if ((ret = ovni_frame_new(dev, OVNI_FORMAT_NV12, s->width, s->height, OVNI_MEMORY_HOST, &f)) < 0) break;
        fill(f, i);
        f->time_base = (ovni_rational){1, 1000};
        f->pts = pts_ms ? pts_ms[i] : (int64_t)i * 1000 * s->fps.den / s->fps.num;
        ret = ovni_writer_write(w, f);
        ovni_frame_unref(&f);
    }
    if (ret < 0) {
        ovni_writer_cancel(&w);
        return ret;
    }
    return ovni_writer_close(&w);
}

/* A written file opened for reading back: its best video stream and that
 * stream's decoder (threads: 0 libavcodec's choice, 1 one thread). */
typedef struct wu_input {
    AVFormatContext *ic;
    int vi;
    AVStream *vs;
    AVCodecContext *dec;
} wu_input;

static inline void wu_close(wu_input *in)
{
    avcodec_free_context(&in->dec);
    avformat_close_input(&in->ic);
}

/* 0, or -1 with nothing left open. */
static inline int wu_open(const char *path, int threads, wu_input *in)
{
    memset(in, 0, sizeof(*in));
    if (avformat_open_input(&in->ic, path, NULL, NULL) < 0) return -1;
    if (avformat_find_stream_info(in->ic, NULL) < 0 ||
        (in->vi = av_find_best_stream(in->ic, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0)) < 0) {
        wu_close(in);
        return -1;
    }
    in->vs = in->ic->streams[in->vi];
    const AVCodec *dc = avcodec_find_decoder(in->vs->codecpar->codec_id);
    in->dec = avcodec_alloc_context3(dc);
    avcodec_parameters_to_context(in->dec, in->vs->codecpar);
    in->dec->pkt_timebase = in->vs->time_base;
    if (threads) in->dec->thread_count = threads;
    avcodec_open2(in->dec, dc, NULL);
    return 0;
}

/* The NV12 (BT.601, full range: what the writer tests' RGB inputs are
 * written as) of host RGB frame *rgb, which it releases; NULL on failure. */
static inline ovni_frame *wu_nv12_of(ovni_frame **rgb)
{
    ovni_frame *nv = NULL;
    if (ovni_frame_new((*rgb)->device, OVNI_FORMAT_NV12, (*rgb)->width, (*rgb)->height, OVNI_MEMORY_HOST, &nv) == 0) {
        nv->matrix = OVNI_MATRIX_BT601;
        nv->range = OVNI_RANGE_FULL;
        if (ovni_convert_into(nv, *rgb) < 0) ovni_frame_unref(&nv);
    }
    ovni_frame_unref(rgb);
    return nv;
}

/* A smooth gradient that moves with n. Through x264 at CRF 23, preset p1,
 * 320x240 it decodes at 49.1 dB (PSNR min over frames; 49.6 from RGB input,
 * 51.8 through x265 at QP 20); the same output compared one frame late scores
 * 37.3 dB and two frames late 31.7 dB. The CPU tests' floor sits between. */
#define WU_PSNR_FLOOR 45.0

static inline void wu_fill_nv12(ovni_frame *f, int n)
{
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++)
            f->data[0][(size_t)y * f->pitch[0] + x] =
                (uint8_t)(40 + 0.25 * x + 0.2 * y + 30 * sin((x + 3 * n) * 0.05) + 0.5);
    for (int y = 0; y < f->height / 2; y++)
        for (int x = 0; x < f->width / 2; x++) {
            uint8_t *uv = f->data[1] + (size_t)y * f->pitch[1] + 2 * (size_t)x;
            uv[0] = (uint8_t)(128 + 40 * sin((x + 2 * n) * 0.07) + 0.5);
            uv[1] = (uint8_t)(128 + 40 * cos((y + n) * 0.09) + 0.5);
        }
}

static inline void wu_fill_rgb(ovni_frame *f, int n)
{
    int bpp = ovni_format_pixel_bytes(f->format);
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++) {
            uint8_t *p = f->data[0] + (size_t)y * f->pitch[0] + (size_t)x * bpp;
            p[0] = (uint8_t)(128 + 100 * sin((x + 2 * n) * 0.03));
            p[1] = (uint8_t)(128 + 100 * cos((y + n) * 0.04));
            p[2] = (uint8_t)((x + y) / 3 + 20);
            if (bpp == 4) p[3] = 255;
        }
}

/* Expected NV12 of frame n (host, on dev); the caller unrefs it. */
typedef ovni_frame *(*wu_ref_fn)(ovni_device *dev, int w, int h, int n);

static inline ovni_frame *wu_ref_nv12(ovni_device *dev, int w, int h, int n)
{
    ovni_frame *f = NULL;
    if (ovni_frame_new(dev, OVNI_FORMAT_NV12, w, h, OVNI_MEMORY_HOST, &f) < 0) return NULL;
    wu_fill_nv12(f, n);
    return f;
}

typedef struct wu_result {
    int frames, width, height, monotonic;
    double fps;                 /* stream's average frame rate */
    double psnr_min;            /* over frames, all planes */
    double video_end;           /* seconds: last frame's pts + duration */
    int audio_packets;
    enum AVCodecID audio_codec;
    double audio_end;           /* seconds: last audio packet's pts + duration */
    double audio_last_dur;
    double audio_start;
    enum AVColorSpace colorspace;
    enum AVColorRange color_range;
} wu_result;

static inline double wu_psnr(const AVFrame *d, const ovni_frame *ref)
{
    double se = 0;
    long n = 0;
    for (int y = 0; y < ref->height; y++)
        for (int x = 0; x < ref->width; x++) {
            double e = (double)d->data[0][(size_t)y * d->linesize[0] + x] - ref->data[0][(size_t)y * ref->pitch[0] + x];
            se += e * e, n++;
        }
    for (int y = 0; y < ref->height / 2; y++)
        for (int x = 0; x < ref->width / 2; x++)
            for (int c = 0; c < 2; c++) {
                double e = (double)d->data[1 + c][(size_t)y * d->linesize[1 + c] + x] -
                           ref->data[1][(size_t)y * ref->pitch[1] + 2 * (size_t)x + c];
                se += e * e, n++;
            }
    double mse = se / (double)n;
    return mse <= 1e-10 ? 99.0 : 10.0 * log10(255.0 * 255.0 / mse);
}

/* Decodes every video frame of `path` and compares frame n with ref(n). */
static inline int wu_read_back(const char *path, ovni_device *dev, wu_ref_fn ref, wu_result *res)
{
    memset(res, 0, sizeof(*res));
    res->psnr_min = 99;
    res->monotonic = 1;
    res->audio_start = 1e9;
    wu_input in;
    if (wu_open(path, 0, &in) < 0) return -1;
    AVFormatContext *ic = in.ic;
    AVStream *vs = in.vs;
    AVCodecContext *dec = in.dec;
    const int vi = in.vi, ai = av_find_best_stream(ic, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    res->width = vs->codecpar->width;
    res->height = vs->codecpar->height;
    res->fps = av_q2d(vs->avg_frame_rate);
    res->colorspace = vs->codecpar->color_space;
    res->color_range = vs->codecpar->color_range;
    if (ai >= 0) res->audio_codec = ic->streams[ai]->codecpar->codec_id;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    int64_t last = INT64_MIN;
    int eof = 0;
    while (!eof) {
        int r = av_read_frame(ic, pkt);
        if (r < 0) {
            eof = 1;
            avcodec_send_packet(dec, NULL);
        } else if (pkt->stream_index == ai) {
            AVRational tb = ic->streams[ai]->time_base;
            double s = pkt->pts * av_q2d(tb), d = pkt->duration * av_q2d(tb);
            res->audio_packets++;
            if (s + d > res->audio_end) res->audio_end = s + d, res->audio_last_dur = d;
            if (s < res->audio_start) res->audio_start = s;
            av_packet_unref(pkt);
            continue;
        } else if (pkt->stream_index == vi) {
            double end = (pkt->pts + pkt->duration) * av_q2d(vs->time_base);
            if (end > res->video_end) res->video_end = end;
            avcodec_send_packet(dec, pkt);
            av_packet_unref(pkt);
        } else {
            av_packet_unref(pkt);
            continue;
        }
        while (avcodec_receive_frame(dec, fr) == 0) {
            int64_t t = fr->best_effort_timestamp;
            if (t <= last) res->monotonic = 0;
            last = t;
            ovni_frame *e = ref ? ref(dev, fr->width, fr->height, res->frames) : NULL;
            if (e) {
                double p = wu_psnr(fr, e);
                if (p < res->psnr_min) res->psnr_min = p;
                ovni_frame_unref(&e);
            }
            res->frames++;
            av_frame_unref(fr);
        }
    }
    av_frame_free(&fr);
    av_packet_free(&pkt);
    wu_close(&in);
    return 0;
}

/* A 16-bit stereo WAV of a 440 Hz sine, `seconds` long. */
static inline int wu_make_wav(const char *path, double seconds)
{
    AVFormatContext *oc = NULL;
    if (avformat_alloc_output_context2(&oc, NULL, "wav", path) < 0) return -1;
    AVStream *st = avformat_new_stream(oc, NULL);
    st->codecpar->codec_type = AVMEDIA_TYPE_AUDIO;
    st->codecpar->codec_id = AV_CODEC_ID_PCM_S16LE;
    st->codecpar->sample_rate = 48000;
    av_channel_layout_default(&st->codecpar->ch_layout, 2);
    st->codecpar->bits_per_coded_sample = 16;
    st->codecpar->block_align = 4;
    st->time_base = (AVRational){1, 48000};
    if (avio_open(&oc->pb, path, AVIO_FLAG_WRITE) < 0 || avformat_write_header(oc, NULL) < 0) {
        avformat_free_context(oc);
        return -1;
    }
    AVPacket *pkt = av_packet_alloc();
    int total = (int)(seconds * 48000);
    for (int s0 = 0; s0 < total; s0 += 1024) {
        int n = total - s0 < 1024 ? total - s0 : 1024;
        av_new_packet(pkt, n * 4);
        int16_t *d = (int16_t *)pkt->data;
        for (int i = 0; i < n; i++) d[2 * i] = d[2 * i + 1] = (int16_t)(8000 * sin(2 * M_PI * 440 * (s0 + i) / 48000.0));
        pkt->pts = pkt->dts = s0;
        pkt->duration = n;
        pkt->stream_index = 0;
        av_write_frame(oc, pkt);
        av_packet_unref(pkt);
    }
    av_packet_free(&pkt);
    av_write_trailer(oc);
    avio_closep(&oc->pb);
    avformat_free_context(oc);
    return 0;
}

/* The odd-size and alpha cases of test_writer and test_writer_gpu: a 33x25
 * RGBA32 source and its expected picture after the writer pads or crops to
 * even and composites over ODD_BG (built naively on the host). */
#define OW 33
#define OH 25
#define ODD_BG {20, 40, 230} /* the background colour, R G B */

/* Source pixel (x, y) of frame n: a gradient; alpha 0 on the left third,
 * 128 in the middle third, 255 on the right (the colours under alpha 0 are
 * bright red, which must not show). */
static inline void odd_src_px(int x, int y, int n, uint8_t p[4])
{
    p[3] = x < OW / 3 ? 0 : x < 2 * OW / 3 ? 128 : 255;
    p[0] = p[3] ? (uint8_t)(60 + 5 * x + n) : 255;
    p[1] = p[3] ? (uint8_t)(30 + 7 * y) : 0;
    p[2] = p[3] ? (uint8_t)(100 + 2 * x + 3 * y) : 0;
}

static inline ovni_frame *odd_expected(ovni_device *d, int w, int h, int n)
{
    ovni_frame *rgb = NULL;
    if (ovni_frame_new(d, OVNI_FORMAT_RGB24, w, h, OVNI_MEMORY_HOST, &rgb) < 0) return NULL;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t p[4], *o = rgb->data[0] + (size_t)y * rgb->pitch[0] + 3 * (size_t)x;
            odd_src_px(x < OW ? x : OW - 1, y < OH ? y : OH - 1, n, p); /* padding repeats the edge */
            const uint8_t bg[3] = ODD_BG;
            for (int c = 0; c < 3; c++) o[c] = (uint8_t)((p[c] * p[3] + bg[c] * (255 - p[3]) + 127) / 255);
        }
    return wu_nv12_of(&rgb);
}

#endif
