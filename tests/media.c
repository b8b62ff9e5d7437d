/* Test media: see media.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>

#include "ovni/error.h"

#include "media.h"

size_t media_picture_bytes(const media_spec *s)
{
    return (size_t)s->width * s->height + 2 * (size_t)(s->width / 2) * (s->height / 2);
}

void media_pattern(int w, int h, int n, uint8_t *yuv)
{
    uint8_t *Y = yuv, *U = yuv + (size_t)w * h, *V = U + (size_t)(w / 2) * (h / 2);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int t = (x + 2 * y + 5 * n) % 440; /* a triangle wave: smooth, so x264 keeps it well */
            Y[(size_t)y * w + x] = (uint8_t)(16 + (t < 220 ? t : 439 - t));
        }
    /* The frame number, 10 bits, as 16x16 black/white blocks on the top row. */
    for (int b = 0; b < 10 && (b + 1) * 16 <= w && h >= 16; b++)
        for (int y = 0; y < 16; y++)
            memset(Y + (size_t)y * w + b * 16, (n >> b) & 1 ? 235 : 16, 16);
    for (int y = 0; y < h / 2; y++)
        for (int x = 0; x < w / 2; x++) {
            U[(size_t)y * (w / 2) + x] = (uint8_t)(128 + 60 * sin((x + n) * 0.05));
            V[(size_t)y * (w / 2) + x] = (uint8_t)(128 + 60 * cos((y + 2 * n) * 0.07));
        }
}

typedef struct {
    AVFormatContext *oc;
    AVCodecContext *enc;
    AVStream *st;
    AVFrame *frame;
    AVPacket *pkt;
    int64_t next;      /* next pts, in enc->time_base */
} track;

static int fail(const char *what, int r)
{
    char buf[128];
    av_strerror(r, buf, sizeof(buf));
    fprintf(stderr, "media_write: %s: %s\n", what, buf);
    return -1;
}

static int drain(track *t, const AVFrame *f)
{
    int r = avcodec_send_frame(t->enc, f);
    if (r < 0) return fail("send_frame", r);
    while ((r = avcodec_receive_packet(t->enc, t->pkt)) == 0) {
        av_packet_rescale_ts(t->pkt, t->enc->time_base, t->st->time_base);
        t->pkt->stream_index = t->st->index;
        if ((r = av_interleaved_write_frame(t->oc, t->pkt)) < 0) return fail("write_frame", r);
    }
    return r == AVERROR(EAGAIN) || r == AVERROR_EOF ? 0 : fail("receive_packet", r);
}

static int open_track(track *t, AVFormatContext *oc, const AVCodec *codec, AVCodecContext *enc, AVDictionary **opts)
{
    t->oc = oc;
    t->enc = enc;
    if (oc->oformat->flags & AVFMT_GLOBALHEADER) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    int r = avcodec_open2(enc, codec, opts);
    if (r < 0) return fail(codec->name, r);
    t->st = avformat_new_stream(oc, NULL);
    t->frame = av_frame_alloc();
    t->pkt = av_packet_alloc();
    if (!t->st || !t->frame || !t->pkt) return fail("alloc", AVERROR(ENOMEM));
    t->st->time_base = enc->time_base;
    return avcodec_parameters_from_context(t->st->codecpar, enc) < 0 ? -1 : 0;
}

static void close_track(track *t)
{
    avcodec_free_context(&t->enc);
    av_frame_free(&t->frame);
    av_packet_free(&t->pkt);
}

static int audio_frame(track *t, int64_t total)
{
    AVCodecContext *a = t->enc;
    int n = a->frame_size > 0 ? a->frame_size : 1024;
    if (t->next + n > total) n = (int)(total - t->next);
    AVFrame *f = t->frame;
    av_frame_unref(f);
    f->format = a->sample_fmt;
    f->nb_samples = n;
    f->sample_rate = a->sample_rate;
    if (av_channel_layout_copy(&f->ch_layout, &a->ch_layout) < 0 || av_frame_get_buffer(f, 0) < 0) return -1;
    for (int i = 0; i < n; i++) {
        double v = 0.3 * sin(2 * M_PI * 440.0 * (double)(t->next + i) / a->sample_rate);
        for (int c = 0; c < 2; c++) {
            if (a->sample_fmt == AV_SAMPLE_FMT_FLTP) ((float *)f->data[c])[i] = (float)v;
            else ((int16_t *)f->data[0])[2 * i + c] = (int16_t)(v * 32767);
        }
    }
    f->pts = t->next;
    t->next += n;
    return drain(t, f);
}

static char audio_codec[32];

const char *media_audio_codec(void) { return audio_codec; }

/* The audio encoder: the one asked for, else AAC, else 16-bit PCM (FFmpeg
 * builds differ: the GPU machine's has no mp2 encoder). */
static const AVCodec *find_audio_encoder(enum media_audio kind)
{
    const char *want = kind == MEDIA_AUDIO_AAC ? "aac" : kind == MEDIA_AUDIO_MP2 ? "mp2" : "pcm_s16le";
    const char *names[] = {want, "aac", "pcm_s16le"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const AVCodec *c = avcodec_find_encoder_by_name(names[i]);
        if (c) {
            if (i > 0) fprintf(stderr, "media_write: no %s encoder here, audio is %s\n", want, names[i]);
            return c;
        }
    }
    return NULL;
}

/* Planar float where the encoder takes it (aac), else interleaved 16-bit. */
static enum AVSampleFormat audio_format(const AVCodec *c)
{
    for (const enum AVSampleFormat *f = c->sample_fmts; f && *f != AV_SAMPLE_FMT_NONE; f++)
        if (*f == AV_SAMPLE_FMT_FLTP) return AV_SAMPLE_FMT_FLTP;
    return AV_SAMPLE_FMT_S16;
}

int media_write(const media_spec *s, uint8_t **pictures)
{
    AVFormatContext *oc = NULL;
    track v = {0}, a = {0};
    uint8_t *all = NULL;
    int ret = -1, r;
    if (pictures) *pictures = NULL;
    av_log_set_level(AV_LOG_ERROR); /* no encoder statistics in the test logs */
    audio_codec[0] = 0;
    r = avformat_alloc_output_context2(&oc, NULL, NULL, s->path);
    size_t len = strlen(s->path);
    /* Builds without the audio-only muxers (the GPU machine's FFmpeg) write
     * the same container under its general name. */
    if (r < 0 && len > 4 && !strcmp(s->path + len - 4, ".mka"))
        r = avformat_alloc_output_context2(&oc, NULL, "matroska", s->path);
    if (r < 0 && len > 4 && !strcmp(s->path + len - 4, ".m4a"))
        r = avformat_alloc_output_context2(&oc, NULL, "mp4", s->path);
    if (r < 0) return fail(s->path, r);
    AVRational fps = {s->fps_num, s->fps_den};
    if (s->frames > 0) {
        const char *ename = s->encoder ? s->encoder : "libx264";
        const AVCodec *c = avcodec_find_encoder_by_name(ename);
        if (!c) {
            fprintf(stderr, "media_write: this FFmpeg has no %s\n", ename);
            goto done;
        }
        AVCodecContext *e = avcodec_alloc_context3(c);
        e->width = s->width;
        e->height = s->height;
        e->pix_fmt = s->bits == 10 ? AV_PIX_FMT_YUV420P10LE : AV_PIX_FMT_YUV420P;
        if (s->full_range) e->color_range = AVCOL_RANGE_JPEG;
        if (s->interlaced) {
            e->flags |= AV_CODEC_FLAG_INTERLACED_DCT | AV_CODEC_FLAG_INTERLACED_ME;
            e->field_order = s->interlaced == 1 ? AV_FIELD_TT : s->interlaced == 2 ? AV_FIELD_BB : AV_FIELD_PROGRESSIVE;
        }
        e->time_base = av_inv_q(fps);
        e->framerate = fps;
        e->gop_size = s->gop > 0 ? s->gop : 12;
        e->keyint_min = e->gop_size;
        e->thread_count = 1;
        AVDictionary *o = NULL;
        if (!strcmp(ename, "libx264")) {
            av_dict_set(&o, "preset", "veryfast", 0);
            av_dict_set(&o, "crf", "14", 0);
            /* Interlaced: x264 is told the field order when it opens. Set
             * only through the frames' flags (mode 3, as FFmpeg's CLI does), it
             * changes after its lookahead, and the first pictures carry a
             * top-first pic_struct SEI with bottom-first field POCs. */
            av_dict_set(&o, "x264-params", s->interlaced == 2 ? "scenecut=0:bff=1" : "scenecut=0", 0);
        } else { /* AV1 / VP9: fast, good enough */
            av_dict_set(&o, "cpu-used", "8", 0);
            av_dict_set(&o, "crf", "20", 0);
            e->bit_rate = 0;
        }
        r = open_track(&v, oc, c, e, &o);
        av_dict_free(&o);
        if (r < 0) goto done;
        v.st->avg_frame_rate = fps;
        if (pictures && !(all = malloc(media_picture_bytes(s) * (size_t)s->frames))) goto done;
    }
    if (s->audio != MEDIA_AUDIO_NONE) {
        const AVCodec *c = find_audio_encoder(s->audio);
        AVCodecContext *e = c ? avcodec_alloc_context3(c) : NULL;
        if (!e) goto done;
        snprintf(audio_codec, sizeof(audio_codec), "%s", avcodec_get_name(c->id));
        e->sample_rate = 48000;
        e->sample_fmt = audio_format(c);
        av_channel_layout_default(&e->ch_layout, 2);
        e->time_base = (AVRational){1, 48000};
        e->bit_rate = 128000;
        if (open_track(&a, oc, c, e, NULL) < 0) goto done;
    }
    if (!(oc->oformat->flags & AVFMT_NOFILE) && (r = avio_open(&oc->pb, s->path, AVIO_FLAG_WRITE)) < 0) {
        fail(s->path, r);
        goto done;
    }
    if ((r = avformat_write_header(oc, NULL)) < 0) {
        fail("write_header", r);
        goto done;
    }
    double seconds = s->audio_seconds > 0 ? s->audio_seconds : s->frames / av_q2d(fps);
    int64_t samples = (int64_t)(seconds * 48000);
    /* Interleave by time: the stream that is behind gets the next frame. */
    for (;;) {
        int v_more = v.enc && v.next < s->frames, a_more = a.enc && a.next < samples;
        if (!v_more && !a_more) break;
        if (v_more && (!a_more || av_compare_ts(v.next, v.enc->time_base, a.next, a.enc->time_base) <= 0)) {
            AVFrame *f = v.frame;
            av_frame_unref(f);
            f->format = v.enc->pix_fmt;
            f->width = s->width;
            f->height = s->height;
            if (av_frame_get_buffer(f, 0) < 0 || av_frame_make_writable(f) < 0) goto done;
            uint8_t *pic = all ? all + media_picture_bytes(s) * (size_t)v.next : malloc(media_picture_bytes(s));
            if (!pic) goto done;
            media_pattern(s->width, s->height, (int)v.next, pic);
            const uint8_t *src[3] = {pic, pic + (size_t)s->width * s->height,
                                     pic + (size_t)s->width * s->height + (size_t)(s->width / 2) * (s->height / 2)};
            int lines[3] = {s->width, s->width / 2, s->width / 2};
            for (int p = 0; p < 3; p++)
                for (int y = 0; y < (p ? s->height / 2 : s->height); y++) {
                    uint8_t *d = f->data[p] + (size_t)y * f->linesize[p];
                    const uint8_t *l = src[p] + (size_t)y * lines[p];
                    if (s->bits != 10) memcpy(d, l, (size_t)lines[p]);
                    else for (int x = 0; x < lines[p]; x++) ((uint16_t *)d)[x] = (uint16_t)(l[x] << 2);
                }
            if (!all) free(pic);
            f->pts = v.next++;
            if (s->interlaced) { /* libx264 codes each frame's field order (its tff follows the frame's) */
#if LIBAVUTIL_VERSION_MAJOR > 58 || (LIBAVUTIL_VERSION_MAJOR == 58 && LIBAVUTIL_VERSION_MINOR >= 7)
                f->flags |= AV_FRAME_FLAG_INTERLACED | (s->interlaced == 1 ? AV_FRAME_FLAG_TOP_FIELD_FIRST : 0);
#else
                f->interlaced_frame = 1;
                f->top_field_first = s->interlaced == 1;
#endif
            }
            if (drain(&v, f) < 0) goto done;
        } else if (audio_frame(&a, samples) < 0) {
            goto done;
        }
    }
    if ((v.enc && drain(&v, NULL) < 0) || (a.enc && drain(&a, NULL) < 0)) goto done;
    if ((r = av_write_trailer(oc)) < 0) {
        fail("write_trailer", r);
        goto done;
    }
    ret = 0;
done:
    close_track(&v);
    close_track(&a);
    if (oc && !(oc->oformat->flags & AVFMT_NOFILE)) avio_closep(&oc->pb);
    avformat_free_context(oc);
    if (ret == 0 && pictures) *pictures = all;
    else free(all);
    return ret;
}

double media_psnr(const ovni_frame *f, const uint8_t *yuv)
{
    int w = f->width, h = f->height;
    const uint8_t *U = yuv + (size_t)w * h, *V = U + (size_t)(w / 2) * (h / 2);
    double se = 0;
    size_t n = 0;
    int b = f->format == OVNI_FORMAT_P010 ? 2 : 1, hi = b - 1; /* little-endian: the high byte is second */
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++, n++) {
            double d = (double)f->data[0][(size_t)y * f->pitch[0] + (size_t)x * b + hi] - yuv[(size_t)y * w + x];
            se += d * d;
        }
    for (int y = 0; y < h / 2; y++)
        for (int x = 0; x < w / 2; x++, n += 2) {
            const uint8_t *uv = f->data[1] + (size_t)y * f->pitch[1] + (size_t)2 * x * b + hi;
            double du = (double)uv[0] - U[(size_t)y * (w / 2) + x], dv = (double)uv[b] - V[(size_t)y * (w / 2) + x];
            se += du * du + dv * dv;
        }
    if (se == 0) return 99.0;
    return 10.0 * log10(255.0 * 255.0 / (se / (double)n));
}

int media_same_pixels(const ovni_frame *a, const ovni_frame *b)
{
    if (a->format != b->format || a->width != b->width || a->height != b->height) return 0;
    int bpp = ovni_format_pixel_bytes(a->format);
    for (int p = 0; p < ovni_format_planes(a->format); p++) {
        int rows = p ? (a->height + 1) / 2 : a->height;
        size_t bytes = p ? (size_t)((a->width + 1) / 2) * 2 * bpp : (size_t)a->width * bpp;
        for (int y = 0; y < rows; y++)
            if (memcmp(a->data[p] + (size_t)y * a->pitch[p], b->data[p] + (size_t)y * b->pitch[p], bytes)) return 0;
    }
    return 1;
}

int media_read_all(ovni_device *dev, const char *path, const ovni_reader_settings *s, ovni_frame **out, int max)
{
    ovni_reader *r = NULL;
    int ret = ovni_reader_open(&r, dev, path, s);
    if (ret < 0) {
        fprintf(stderr, "open %s: %s\n", path, ovni_last_error());
        return -1;
    }
    int n = 0;
    ovni_frame *f = NULL;
    while ((ret = ovni_reader_read(r, &f)) == 0) {
        if (n < max && out) out[n] = f;
        else ovni_frame_unref(&f);
        n++;
    }
    if (ret != OVNI_EOF) fprintf(stderr, "read %s: %s\n", path, ovni_last_error());
    ovni_reader_close(&r);
    return ret == OVNI_EOF ? n : -1;
}

void media_unref_all(ovni_frame **out, int n)
{
    for (int i = 0; i < n; i++) ovni_frame_unref(&out[i]);
}
