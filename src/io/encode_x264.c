/* The CPU encoder: libx264 (libx265 for HEVC) through libavcodec, on the
 * writer's thread. Host NV12 frames go to x264 without a copy (the AVFrame
 * holds the ovni frame's reference until x264 has read it). Device frames
 * are downloaded into pooled pinned host frames asynchronously, one frame
 * ahead: frame n+1's DMA runs while x264 encodes frame n. */
#include <stdlib.h>
#include <string.h>

#include <libavutil/opt.h>

#include "encode.h"

typedef struct x264_enc {
    encoder pub;
    encode_params p;
    AVCodecContext *ctx;
    AVFrame *frame;
    AVPacket *pkt;
    int planar;             /* libx265 reads yuv420p, not NV12 */
    ovni_frame *staged;     /* host frame whose download is in flight */
    int64_t staged_pts;
} x264_enc;

static int enc_fail(x264_enc *e, int code, const char *what, int averr)
{
    char buf[128];
    av_strerror(averr, buf, sizeof(buf));
    return ovni_error(code, "%s: %s %s failed: %s", e->p.path, e->pub.name, what, buf);
}

static int set_opt(x264_enc *e, AVCodecContext *ctx, const char *name, const char *val)
{
    int r = av_opt_set(ctx->priv_data, name, val, 0);
    if (r < 0) return ovni_error(OVNI_EUNSUPPORTED, "%s: %s does not take %s=%s", e->p.path, e->pub.name, name, val);
    return 0;
}

static int configure(x264_enc *e, AVCodecContext *ctx, int x265)
{
    const ovni_writer_settings *s = e->p.s;
    char num[32];
    int ret;
    ctx->width = s->width;
    ctx->height = s->height;
    ctx->pix_fmt = x265 ? AV_PIX_FMT_YUV420P : AV_PIX_FMT_NV12;
    ctx->time_base = e->p.time_base;
    ctx->framerate = (AVRational){s->fps.num, s->fps.den};
    ctx->sample_aspect_ratio = e->p.sar;
    ctx->field_order = e->p.field_order;
    /* interlaced frames coded as such (MBAFF); each frame's TT/BB sets x264's tff */
    if (e->p.field_order != AV_FIELD_PROGRESSIVE && !x265)
        ctx->flags |= AV_CODEC_FLAG_INTERLACED_DCT | AV_CODEC_FLAG_INTERLACED_ME;
    ctx->thread_count = 0;
    ctx->gop_size = encode_gop_length(s);
    if (s->bframes >= 0) ctx->max_b_frames = s->bframes;
    ctx->colorspace = e->p.color_space;
    ctx->color_range = e->p.color_range;
    ctx->color_primaries = e->p.color_primaries;
    ctx->color_trc = e->p.color_trc;
    ctx->chroma_sample_location = e->p.chroma_location;
    if (e->p.global_header) ctx->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if ((ret = set_opt(e, ctx, "preset", encode_preset_x264(s->preset))) < 0) return ret;
    /* libx265 prints its banner, settings and summary (some 30 lines) to
     * stderr itself, past ovni's logger and -q: its errors only, unless
     * ovni logs at debug. (libx264 logs through av_log, which the CLI
     * already filters.) */
    if (x265 && (ret = set_opt(e, ctx, "x265-params",
                               ovni_log_passes(OVNI_LOG_DEBUG) ? "log-level=info" : "log-level=error")) < 0)
        return ret;
    switch (s->rate_control) {
    case OVNI_RC_DEFAULT:
    case OVNI_RC_CRF:
        snprintf(num, sizeof(num), "%d", s->quality);
        return set_opt(e, ctx, "crf", num);
    case OVNI_RC_CQP:
        snprintf(num, sizeof(num), "%d", s->quality);
        return set_opt(e, ctx, "qp", num);
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
        return x265 ? 0 : set_opt(e, ctx, "nal-hrd", "cbr");
    }
    return 0;
}

static void x264_close(encoder **ep)
{
    x264_enc *e = ep ? (x264_enc *)*ep : NULL;
    if (!e) return;
    *ep = NULL;
    ovni_frame_unref(&e->staged);
    avcodec_free_context(&e->ctx);
    av_frame_free(&e->frame);
    av_packet_free(&e->pkt);
    free(e);
}

static int x264_open(encoder **out, const encode_params *p)
{
    *out = NULL;
    int x265 = p->s->codec == OVNI_CODEC_HEVC;
    const char *name = x265 ? "libx265" : "libx264";
    const AVCodec *codec = avcodec_find_encoder_by_name(name);
    if (!codec)
        return ovni_error(OVNI_EUNSUPPORTED, "%s: %s video needs the %s encoder, which this FFmpeg lacks", p->path,
                          x265 ? "HEVC" : "H.264", name);
    x264_enc *e = ovni_calloc(1, sizeof(*e));
    if (!e) return ovni_error(OVNI_ENOMEM, "%s: out of memory", p->path);
    e->pub.cls = &encoder_x264;
    e->pub.name = name;
    e->p = *p;
    e->planar = x265;
    encoder *pub = &e->pub;
    e->ctx = avcodec_alloc_context3(codec);
    e->frame = av_frame_alloc();
    e->pkt = av_packet_alloc();
    int r = !e->ctx || !e->frame || !e->pkt ? ovni_error(OVNI_ENOMEM, "%s: out of memory", p->path) : 0;
    if (r == 0) r = configure(e, e->ctx, x265);
    if (r == 0 && (r = avcodec_open2(e->ctx, codec, NULL)) < 0) r = enc_fail(e, OVNI_EUNSUPPORTED, "opening", r);
    if (r < 0) {
        x264_close(&pub);
        return r;
    }
    if ((r = avcodec_parameters_from_context(p->par, e->ctx)) < 0) {
        r = enc_fail(e, OVNI_ENOMEM, "parameters", r);
        x264_close(&pub);
        return r;
    }
    if (x265 && p->hvc1) p->par->codec_tag = MKTAG('h', 'v', 'c', '1');
    *out = pub;
    return 0;
}

static void release_frame(void *opaque, uint8_t *data)
{
    (void)data;
    ovni_frame *f = opaque;
    ovni_frame_unref(&f);
}

static int drain(x264_enc *e)
{
    for (;;) {
        int r = avcodec_receive_packet(e->ctx, e->pkt);
        if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return 0;
        if (r < 0) return enc_fail(e, OVNI_EFORMAT, "encoding", r);
        if ((r = e->p.emit(e->p.emit_ctx, e->pkt)) < 0) return r;
    }
}

/* Gives host frame f (owned) to the encoder. */
static int encode_host(x264_enc *e, ovni_frame *f, int64_t pts)
{
    AVFrame *pic = e->frame;
    int r = ovni_frame_wait(f); /* a download may still be writing it */
    if (r < 0) {
        ovni_frame_unref(&f);
        return r;
    }
    pic->width = f->width;
    pic->height = f->height;
    pic->pts = pts;
    const ovni_field_order f_field = f->field_order;
    if (e->planar) {
        pic->format = AV_PIX_FMT_YUV420P;
        if ((r = av_frame_get_buffer(pic, 0)) < 0) {
            ovni_frame_unref(&f);
            return enc_fail(e, OVNI_ENOMEM, "frame allocation", r);
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
            return ovni_error(OVNI_ENOMEM, "%s: out of memory", e->p.path);
        }
        pic->format = AV_PIX_FMT_NV12;
        pic->data[0] = f->data[0];
        pic->data[1] = f->data[1];
        pic->linesize[0] = (int)f->pitch[0];
        pic->linesize[1] = (int)f->pitch[1];
    }
    if (e->p.field_order != AV_FIELD_PROGRESSIVE) {
        int tff = f_field == OVNI_FIELD_TT || (f_field != OVNI_FIELD_BB && (e->p.field_order == AV_FIELD_TT ||
                                                                            e->p.field_order == AV_FIELD_TB));
#if LIBAVUTIL_VERSION_MAJOR > 58 || (LIBAVUTIL_VERSION_MAJOR == 58 && LIBAVUTIL_VERSION_MINOR >= 7)
        pic->flags |= AV_FRAME_FLAG_INTERLACED | (tff ? AV_FRAME_FLAG_TOP_FIELD_FIRST : 0);
#else
        pic->interlaced_frame = 1;
        pic->top_field_first = tff;
#endif
    }
    r = avcodec_send_frame(e->ctx, pic);
    av_frame_unref(pic);
    if (r < 0) return enc_fail(e, OVNI_EFORMAT, "encoding", r);
    return drain(e);
}

static int encode_staged(x264_enc *e)
{
    if (!e->staged) return 0;
    ovni_frame *f = e->staged;
    e->staged = NULL;
    return encode_host(e, f, e->staged_pts);
}

static int x264_flush(encoder *pub)
{
    x264_enc *e = (x264_enc *)pub;
    int r;
    if ((r = encode_staged(e)) < 0) return r;
    if ((r = avcodec_send_frame(e->ctx, NULL)) < 0) return enc_fail(e, OVNI_EFORMAT, "flushing", r);
    return drain(e);
}

static int x264_send(encoder *pub, ovni_frame *f, int64_t pts)
{
    x264_enc *e = (x264_enc *)pub;
    int r;
    if (f->memory == OVNI_MEMORY_DEVICE) {
        /* Start this frame's download, then encode the previous one while
         * the DMA runs. */
        ovni_frame *h = NULL;
        r = ovni_frame_download(f, &h);
        ovni_frame_unref(&f);
        if (r < 0) return r;
        r = encode_staged(e);
        e->staged = h;
        e->staged_pts = pts;
        return r;
    }
    if ((r = encode_staged(e)) < 0) {
        ovni_frame_unref(&f);
        return r;
    }
    return encode_host(e, f, pts);
}

const encoder_class encoder_x264 = {
    .name = "x264",
    .open = x264_open,
    .send = x264_send,
    .flush = x264_flush,
    .close = x264_close,
};
