/* The CPU encoder: libx264 (libx265 for HEVC) through libavcodec, on the
 * writer's thread. Host NV12 frames go to x264 without a copy (the AVFrame
 * holds the ovni frame's reference until x264 has read it). Device frames
 * are downloaded into pooled pinned host frames asynchronously, one frame
 * ahead: frame n+1's DMA runs while x264 encodes frame n. */
#include <stdlib.h>
#include <string.h>

#include <libavutil/opt.h>

#include "writer_internal.h"

struct x264_enc {
    AVCodecContext *ctx;
    AVFrame *frame;
    AVPacket *pkt;
    int planar;             /* libx265 reads yuv420p, not NV12 */
    ovni_frame *staged;     /* host frame whose download is in flight */
    int64_t staged_pts;
};

static int enc_fail(ovni_writer *w, int code, const char *what, int averr)
{
    char buf[128];
    av_strerror(averr, buf, sizeof(buf));
    return ovni_error(code, "%s: %s %s failed: %s", w->path, w->enc_name, what, buf);
}

static int set_opt(ovni_writer *w, AVCodecContext *ctx, const char *name, const char *val)
{
    int r = av_opt_set(ctx->priv_data, name, val, 0);
    if (r < 0) return ovni_error(OVNI_EUNSUPPORTED, "%s: %s does not take %s=%s", w->path, w->enc_name, name, val);
    return 0;
}

static int configure(ovni_writer *w, AVCodecContext *ctx, int x265)
{
    const ovni_writer_settings *s = &w->s;
    char num[32];
    int ret;
    ctx->width = s->width;
    ctx->height = s->height;
    ctx->pix_fmt = x265 ? AV_PIX_FMT_YUV420P : AV_PIX_FMT_NV12;
    ctx->time_base = w->enc_tb;
    ctx->framerate = (AVRational){s->fps.num, s->fps.den};
    ctx->sample_aspect_ratio = (AVRational){1, 1};
    ctx->thread_count = 0;
    /* Two seconds of frames by default: a seek in the output never decodes
     * more than that. */
    int64_t gop = s->gop ? s->gop : ((int64_t)2 * s->fps.num + s->fps.den / 2) / s->fps.den;
    ctx->gop_size = (int)(gop < 1 ? 1 : gop > 100000 ? 100000 : gop);
    if (s->bframes >= 0) ctx->max_b_frames = s->bframes;
    writer_colour_tags(w, &ctx->colorspace, &ctx->color_range, &ctx->color_primaries, &ctx->color_trc);
    if (w->oc->oformat->flags & AVFMT_GLOBALHEADER) ctx->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if ((ret = set_opt(w, ctx, "preset", writer_x264_preset(s->preset))) < 0) return ret;
    switch (s->rate_control) {
    case OVNI_RC_DEFAULT:
    case OVNI_RC_CRF:
        snprintf(num, sizeof(num), "%d", s->quality);
        return set_opt(w, ctx, "crf", num);
    case OVNI_RC_CQP:
        snprintf(num, sizeof(num), "%d", s->quality);
        return set_opt(w, ctx, "qp", num);
    case OVNI_RC_VBR:
        ctx->bit_rate = s->bitrate;
        if (s->max_bitrate) {
            ctx->rc_max_rate = s->max_bitrate;
            ctx->rc_buffer_size = (int)(s->max_bitrate * 2 > INT32_MAX ? INT32_MAX : s->max_bitrate * 2);
        }
        return 0;
    case OVNI_RC_CBR:
        ctx->bit_rate = ctx->rc_max_rate = ctx->rc_min_rate = s->bitrate;
        ctx->rc_buffer_size = (int)(s->bitrate > INT32_MAX ? INT32_MAX : s->bitrate);
        /* x264 pads to a true constant rate only with HRD signalling. */
        return x265 ? 0 : set_opt(w, ctx, "nal-hrd", "cbr");
    }
    return 0;
}

int x264_open(ovni_writer *w)
{
    int x265 = w->s.codec == OVNI_CODEC_HEVC;
    const char *name = x265 ? "libx265" : "libx264";
    const AVCodec *codec = avcodec_find_encoder_by_name(name);
    if (!codec)
        return ovni_error(OVNI_EUNSUPPORTED, "%s: %s video needs the %s encoder, which this FFmpeg lacks", w->path,
                          x265 ? "HEVC" : "H.264", name);
    struct x264_enc *e = ovni_calloc(1, sizeof(*e));
    if (!e) return ovni_error(OVNI_ENOMEM, "%s: out of memory", w->path);
    w->x264 = e;
    w->enc_name = name;
    e->planar = x265;
    e->ctx = avcodec_alloc_context3(codec);
    e->frame = av_frame_alloc();
    e->pkt = av_packet_alloc();
    if (!e->ctx || !e->frame || !e->pkt) return ovni_error(OVNI_ENOMEM, "%s: out of memory", w->path);
    int r = configure(w, e->ctx, x265);
    if (r < 0) return r;
    if ((r = avcodec_open2(e->ctx, codec, NULL)) < 0) return enc_fail(w, OVNI_EUNSUPPORTED, "opening", r);
    if ((r = avcodec_parameters_from_context(w->vst->codecpar, e->ctx)) < 0)
        return enc_fail(w, OVNI_ENOMEM, "parameters", r);
    /* Apple players want 'hvc1' (parameter sets out of band). */
    if (x265 && (!strcmp(w->container, "mp4") || !strcmp(w->container, "mov")))
        w->vst->codecpar->codec_tag = MKTAG('h', 'v', 'c', '1');
    return 0;
}

static void release_frame(void *opaque, uint8_t *data)
{
    (void)data;
    ovni_frame *f = opaque;
    ovni_frame_unref(&f);
}

static int drain(ovni_writer *w)
{
    struct x264_enc *e = w->x264;
    for (;;) {
        int r = avcodec_receive_packet(e->ctx, e->pkt);
        if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return 0;
        if (r < 0) return enc_fail(w, OVNI_EFORMAT, "encoding", r);
        if ((r = writer_mux_video(w, e->pkt)) < 0) return r;
    }
}

/* Gives host frame f (owned) to the encoder. */
static int encode_host(ovni_writer *w, ovni_frame *f, int64_t pts)
{
    struct x264_enc *e = w->x264;
    AVFrame *pic = e->frame;
    int r = ovni_frame_wait(f); /* a download may still be writing it */
    if (r < 0) {
        ovni_frame_unref(&f);
        return r;
    }
    pic->width = f->width;
    pic->height = f->height;
    pic->pts = pts;
    if (e->planar) {
        pic->format = AV_PIX_FMT_YUV420P;
        if ((r = av_frame_get_buffer(pic, 0)) < 0) {
            ovni_frame_unref(&f);
            return enc_fail(w, OVNI_ENOMEM, "frame allocation", r);
        }
        for (int y = 0; y < f->height; y++)
            memcpy(pic->data[0] + (size_t)y * pic->linesize[0], f->data[0] + (size_t)y * f->pitch[0], (size_t)f->width);
        for (int y = 0; y < f->height / 2; y++) {
            const uint8_t *uv = f->data[1] + (size_t)y * f->pitch[1];
            uint8_t *u = pic->data[1] + (size_t)y * pic->linesize[1], *v = pic->data[2] + (size_t)y * pic->linesize[2];
            for (int x = 0; x < f->width / 2; x++) {
                u[x] = uv[2 * x];
                v[x] = uv[2 * x + 1];
            }
        }
        ovni_frame_unref(&f);
    } else {
        /* Zero copy: the buffer reference keeps the ovni frame alive. */
        size_t size = (size_t)(f->data[1] - f->data[0]) + f->pitch[1] * (size_t)(f->height / 2);
        pic->buf[0] = av_buffer_create(f->data[0], size, release_frame, f, AV_BUFFER_FLAG_READONLY);
        if (!pic->buf[0]) {
            ovni_frame_unref(&f);
            return ovni_error(OVNI_ENOMEM, "%s: out of memory", w->path);
        }
        pic->format = AV_PIX_FMT_NV12;
        pic->data[0] = f->data[0];
        pic->data[1] = f->data[1];
        pic->linesize[0] = (int)f->pitch[0];
        pic->linesize[1] = (int)f->pitch[1];
    }
    r = avcodec_send_frame(e->ctx, pic);
    av_frame_unref(pic);
    if (r < 0) return enc_fail(w, OVNI_EFORMAT, "encoding", r);
    return drain(w);
}

static int encode_staged(ovni_writer *w)
{
    struct x264_enc *e = w->x264;
    if (!e->staged) return 0;
    ovni_frame *f = e->staged;
    e->staged = NULL;
    return encode_host(w, f, e->staged_pts);
}

int x264_send(ovni_writer *w, ovni_frame *f, int64_t pts)
{
    struct x264_enc *e = w->x264;
    int r;
    if (!f) {
        if ((r = encode_staged(w)) < 0) return r;
        if ((r = avcodec_send_frame(e->ctx, NULL)) < 0) return enc_fail(w, OVNI_EFORMAT, "flushing", r);
        return drain(w);
    }
    if (f->memory == OVNI_MEMORY_DEVICE) {
        /* Start this frame's download, then encode the previous one while
         * the DMA runs. */
        ovni_frame *h = NULL;
        r = ovni_frame_download(f, &h);
        ovni_frame_unref(&f);
        if (r < 0) return r;
        r = encode_staged(w);
        e->staged = h;
        e->staged_pts = pts;
        return r;
    }
    if ((r = encode_staged(w)) < 0) {
        ovni_frame_unref(&f);
        return r;
    }
    return encode_host(w, f, pts);
}

void x264_close(ovni_writer *w)
{
    struct x264_enc *e = w->x264;
    if (!e) return;
    ovni_frame_unref(&e->staged);
    avcodec_free_context(&e->ctx);
    av_frame_free(&e->frame);
    av_packet_free(&e->pkt);
    free(e);
    w->x264 = NULL;
}
