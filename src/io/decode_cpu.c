/* The CPU video decoder: libavcodec, frame- and slice-threaded, whose
 * pictures become pooled NV12 (8-bit) or P010 (deeper) host frames, uploaded
 * when the caller wants device memory.
 *
 * The common decoder outputs (yuv420p, yuvj420p, nv12, yuv420p10/12, p010)
 * are copied and interleaved by hand: that is exact and cheaper than a
 * general scaler. Anything else (4:2:2, 4:4:4, gray, RGB codecs) goes
 * through libswscale, told the source's range and chroma siting and the
 * frame's range, matrix and siting (decode_params; docs/reader.md
 * "Colour"), so the frame holds what its tags say. */
#include <stdlib.h>
#include <string.h>

#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "decode.h"

typedef struct cpu_decoder {
    decoder pub;
    decode_params p;
    AVCodecContext *ctx;
    AVFrame *frame;
    struct SwsContext *sws;
    int sws_key[5];            /* what c->sws was made for: format, size, source range, output format */
} cpu_decoder;

int decode_stream_bit_depth(const AVCodecParameters *par)
{
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get((enum AVPixelFormat)par->format);
    if (desc && desc->nb_components > 0 && desc->comp[0].depth > 0) return desc->comp[0].depth;
    if (par->bits_per_raw_sample > 0 && par->bits_per_raw_sample <= 16) return par->bits_per_raw_sample;
    return 8;
}

static void copy_rows(uint8_t *dst, size_t dpitch, const uint8_t *src, int spitch, size_t bytes, int rows)
{
    for (int y = 0; y < rows; y++) memcpy(dst + (size_t)y * dpitch, src + (ptrdiff_t)y * spitch, bytes);
}

/* Planar U and V (8-bit) into NV12's interleaved plane. */
static void interleave8(ovni_frame *f, const AVFrame *av)
{
    int cw = (f->width + 1) / 2, ch = (f->height + 1) / 2;
    for (int y = 0; y < ch; y++) {
        const uint8_t *u = av->data[1] + (ptrdiff_t)y * av->linesize[1];
        const uint8_t *v = av->data[2] + (ptrdiff_t)y * av->linesize[2];
        uint8_t *d = f->data[1] + (size_t)y * f->pitch[1];
        for (int x = 0; x < cw; x++) {
            d[2 * x] = u[x];
            d[2 * x + 1] = v[x];
        }
    }
}

/* Planar little-endian 9..16-bit 4:2:0 into P010: values moved to the high
 * bits, U and V interleaved. */
static void planar_to_p010(ovni_frame *f, const AVFrame *av, int depth)
{
    int shift = 16 - depth;
    for (int y = 0; y < f->height; y++) {
        const uint16_t *s = (const uint16_t *)(av->data[0] + (ptrdiff_t)y * av->linesize[0]);
        uint16_t *d = (uint16_t *)(f->data[0] + (size_t)y * f->pitch[0]);
        for (int x = 0; x < f->width; x++) d[x] = (uint16_t)(s[x] << shift);
    }
    int cw = (f->width + 1) / 2, ch = (f->height + 1) / 2;
    for (int y = 0; y < ch; y++) {
        const uint16_t *u = (const uint16_t *)(av->data[1] + (ptrdiff_t)y * av->linesize[1]);
        const uint16_t *v = (const uint16_t *)(av->data[2] + (ptrdiff_t)y * av->linesize[2]);
        uint16_t *d = (uint16_t *)(f->data[1] + (size_t)y * f->pitch[1]);
        for (int x = 0; x < cw; x++) {
            d[2 * x] = (uint16_t)(u[x] << shift);
            d[2 * x + 1] = (uint16_t)(v[x] << shift);
        }
    }
}

/* libswscale's chroma position (1/256 of a luma sample from the first one)
 * of an ovni siting, per axis. */
static int sws_chr_pos(ovni_chroma_loc loc, int vertical)
{
    if (vertical) return loc == OVNI_CHROMA_TOPLEFT || loc == OVNI_CHROMA_TOP ? 0 : 128;
    return loc == OVNI_CHROMA_CENTER || loc == OVNI_CHROMA_TOP ? 128 : 0;
}

static int sws_matrix(ovni_matrix m)
{
    return m == OVNI_MATRIX_BT601 ? SWS_CS_ITU601 : m == OVNI_MATRIX_BT2020 ? SWS_CS_BT2020 : SWS_CS_ITU709;
}

static int is_jpeg_format(enum AVPixelFormat f)
{
    return f == AV_PIX_FMT_YUVJ420P || f == AV_PIX_FMT_YUVJ422P || f == AV_PIX_FMT_YUVJ444P ||
           f == AV_PIX_FMT_YUVJ440P || f == AV_PIX_FMT_YUVJ411P;
}

/* A libswscale context from the picture's format to `out` at the same size:
 * the source's range (the picture's own tag, else the stream's) and chroma
 * siting, the frame's range, matrix and siting; chroma of RGB input taken
 * at full resolution, so the output siting is honoured. */
static struct SwsContext *sws_make(cpu_decoder *c, const AVFrame *av, enum AVPixelFormat out, int src_full)
{
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get((enum AVPixelFormat)av->format);
    struct SwsContext *s = sws_alloc_context();
    if (!s) return NULL;
    int ok = av_opt_set_int(s, "srcw", av->width, 0) >= 0 && av_opt_set_int(s, "srch", av->height, 0) >= 0 &&
             av_opt_set_int(s, "src_format", av->format, 0) >= 0 && av_opt_set_int(s, "dstw", av->width, 0) >= 0 &&
             av_opt_set_int(s, "dsth", av->height, 0) >= 0 && av_opt_set_int(s, "dst_format", out, 0) >= 0 &&
             av_opt_set_int(s, "sws_flags", SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP, 0) >= 0 &&
             av_opt_set_int(s, "src_range", src_full, 0) >= 0 &&
             av_opt_set_int(s, "dst_range", c->p.range == OVNI_RANGE_FULL, 0) >= 0;
    /* Positions only on subsampled axes: elsewhere libswscale's default is
     * the sample itself. */
    if (ok && desc->log2_chroma_w == 1) ok = av_opt_set_int(s, "src_h_chr_pos", sws_chr_pos(c->p.chroma_loc, 0), 0) >= 0;
    if (ok && desc->log2_chroma_h == 1) ok = av_opt_set_int(s, "src_v_chr_pos", sws_chr_pos(c->p.chroma_loc, 1), 0) >= 0;
    if (ok)
        ok = av_opt_set_int(s, "dst_h_chr_pos", sws_chr_pos(c->p.chroma_loc, 0), 0) >= 0 &&
             av_opt_set_int(s, "dst_v_chr_pos", sws_chr_pos(c->p.chroma_loc, 1), 0) >= 0;
    if (!ok || sws_init_context(s, NULL, NULL) < 0) {
        sws_freeContext(s);
        return NULL;
    }
    /* The matrix matters only between RGB and YUV; both sides are given. */
    const int *table = sws_getCoefficients(sws_matrix(c->p.matrix));
    sws_setColorspaceDetails(s, table, src_full, table, c->p.range == OVNI_RANGE_FULL, 0, 1 << 16, 1 << 16);
    return s;
}

/* The picture converted by libswscale into dst's planes (NV12 or P010). */
static int convert_sws(cpu_decoder *c, ovni_frame *dst, const AVFrame *av)
{
    enum AVPixelFormat out = dst->format == OVNI_FORMAT_P010 ? AV_PIX_FMT_P010LE : AV_PIX_FMT_NV12;
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get((enum AVPixelFormat)av->format);
    int src_full = (desc->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL)) ||
                   is_jpeg_format((enum AVPixelFormat)av->format) || av->color_range == AVCOL_RANGE_JPEG ||
                   (av->color_range != AVCOL_RANGE_MPEG && c->p.range == OVNI_RANGE_FULL);
    int key[5] = {av->format, av->width, av->height, src_full, out};
    if (!c->sws || memcmp(key, c->sws_key, sizeof(key))) {
        sws_freeContext(c->sws);
        if (!(c->sws = sws_make(c, av, out, src_full)))
            return ovni_error(OVNI_EUNSUPPORTED, "%s: cannot convert the decoder's %s pictures to %s", c->p.path,
                              av_get_pix_fmt_name((enum AVPixelFormat)av->format), ovni_format_name(dst->format));
        memcpy(c->sws_key, key, sizeof(key));
    }
    uint8_t *d[4] = {dst->data[0], dst->data[1], NULL, NULL};
    int dstride[4] = {(int)dst->pitch[0], (int)dst->pitch[1], 0, 0};
    sws_scale(c->sws, (const uint8_t *const *)av->data, av->linesize, 0, av->height, d, dstride);
    if (desc->nb_components <= 2 && !(desc->flags & AV_PIX_FMT_FLAG_PAL)) {
        /* Gray: neutral chroma (libswscale 6 writes 0 for full-range gray -> full-range YUV). */
        int cw = (dst->width + 1) / 2, ch = (dst->height + 1) / 2;
        for (int y = 0; y < ch; y++) {
            uint8_t *row = dst->data[1] + (size_t)y * dst->pitch[1];
            if (out == AV_PIX_FMT_NV12) {
                memset(row, 128, (size_t)cw * 2);
            } else {
                for (int x = 0; x < cw * 2; x++) ((uint16_t *)row)[x] = 0x8000;
            }
        }
    }
    return 0;
}

/* One decoded picture into a pooled frame. */
static int to_frame(cpu_decoder *c, const AVFrame *av, ovni_frame **out)
{
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get((enum AVPixelFormat)av->format);
    if (!desc || av->width < 1 || av->height < 1)
        return ovni_error(OVNI_EFORMAT, "%s: the decoder returned a picture without a size or format", c->p.path);
    int depth = desc->comp[0].depth;
    ovni_format fmt = depth > 8 ? OVNI_FORMAT_P010 : OVNI_FORMAT_NV12;
    ovni_frame *f = NULL;
    int ret = ovni_frame_new(c->p.dev, fmt, av->width, av->height, OVNI_MEMORY_HOST, &f);
    if (ret < 0) return ret;
    if ((ret = frame_host_sync(f)) < 0) goto fail;
    f->matrix = c->p.matrix;
    f->range = c->p.range;
    f->chroma_loc = c->p.chroma_loc;
    int w = av->width, h = av->height, cw = (w + 1) / 2, ch = (h + 1) / 2;
    switch (av->format) {
    case AV_PIX_FMT_YUV420P:
    case AV_PIX_FMT_YUVJ420P:
        copy_rows(f->data[0], f->pitch[0], av->data[0], av->linesize[0], (size_t)w, h);
        interleave8(f, av);
        break;
    case AV_PIX_FMT_NV12:
        copy_rows(f->data[0], f->pitch[0], av->data[0], av->linesize[0], (size_t)w, h);
        copy_rows(f->data[1], f->pitch[1], av->data[1], av->linesize[1], (size_t)cw * 2, ch);
        break;
    case AV_PIX_FMT_YUV420P9LE:
    case AV_PIX_FMT_YUV420P10LE:
    case AV_PIX_FMT_YUV420P12LE:
    case AV_PIX_FMT_YUV420P14LE:
    case AV_PIX_FMT_YUV420P16LE:
        planar_to_p010(f, av, depth);
        break;
    case AV_PIX_FMT_P010LE:
        copy_rows(f->data[0], f->pitch[0], av->data[0], av->linesize[0], (size_t)w * 2, h);
        copy_rows(f->data[1], f->pitch[1], av->data[1], av->linesize[1], (size_t)cw * 4, ch);
        break;
    default:
        if ((ret = convert_sws(c, f, av)) < 0) goto fail;
        break;
    }
    f->pts = av->best_effort_timestamp;
    f->time_base = (ovni_rational){c->p.st->time_base.num, c->p.st->time_base.den};
#if LIBAVUTIL_VERSION_MAJOR > 58 || (LIBAVUTIL_VERSION_MAJOR == 58 && LIBAVUTIL_VERSION_MINOR >= 7)
    f->field_order = !(av->flags & AV_FRAME_FLAG_INTERLACED) ? OVNI_FIELD_PROGRESSIVE
                     : av->flags & AV_FRAME_FLAG_TOP_FIELD_FIRST ? OVNI_FIELD_TT : OVNI_FIELD_BB;
#else
    f->field_order = !av->interlaced_frame ? OVNI_FIELD_PROGRESSIVE
                     : av->top_field_first ? OVNI_FIELD_TT : OVNI_FIELD_BB;
#endif
    if (c->p.memory == OVNI_MEMORY_DEVICE) {
        ovni_frame *g = NULL;
        ret = ovni_frame_upload(f, &g);
        ovni_frame_unref(&f); /* the pool waits for the upload before reusing it */
        if (ret < 0) return ret;
        f = g;
    }
    *out = f;
    return 0;
fail:
    ovni_frame_unref(&f);
    return ret;
}

/* Takes every finished picture out of the decoder. */
static int receive_all(cpu_decoder *c)
{
    for (int errors = 0;;) {
        int r = avcodec_receive_frame(c->ctx, c->frame);
        if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return 0;
        if (r < 0) { /* a broken picture: counted and skipped; the next one may be fine */
            c->pub.corrupt++;
            if (++errors > 64) return 0; /* a decoder stuck on errors: move on to the next packet */
            continue;
        }
        c->pub.damaged = c->frame->decode_error_flags || (c->frame->flags & AV_FRAME_FLAG_CORRUPT);
        if (c->pub.damaged) c->pub.corrupt++;
        ovni_frame *f = NULL;
        int ret = to_frame(c, c->frame, &f);
        av_frame_unref(c->frame);
        if (ret < 0) return ret;
        if ((ret = c->p.emit(c->p.emit_ctx, f)) < 0) return ret;
    }
}

static int cpu_decode(decoder *d, const AVPacket *pkt)
{
    cpu_decoder *c = (cpu_decoder *)d;
    for (;;) {
        int r = avcodec_send_packet(c->ctx, pkt);
        if (r == AVERROR(EAGAIN)) { /* output is full: empty it, then send again */
            int ret = receive_all(c);
            if (ret < 0) return ret;
            continue;
        }
        if (r < 0 && r != AVERROR_EOF) c->pub.corrupt++; /* skipped; decoding goes on */
        return receive_all(c);
    }
}

static int cpu_flush(decoder *d)
{
    avcodec_flush_buffers(((cpu_decoder *)d)->ctx);
    return 0;
}

static void cpu_close(decoder *d)
{
    cpu_decoder *c = (cpu_decoder *)d;
    if (!c) return;
    avcodec_free_context(&c->ctx);
    av_frame_free(&c->frame);
    sws_freeContext(c->sws);
    free(c);
}

int decoder_cpu_open(decoder **out, const decode_params *p)
{
    *out = NULL;
    const AVCodecParameters *par = p->st->codecpar;
    const AVCodec *codec = avcodec_find_decoder(par->codec_id);
    if (!codec)
        return ovni_error(OVNI_EUNSUPPORTED, "%s: stream %d: this FFmpeg has no decoder for %s", p->path,
                          p->st->index, avcodec_get_name(par->codec_id));
    cpu_decoder *c = ovni_calloc(1, sizeof(*c));
    if (!c) return ovni_error(OVNI_ENOMEM, "%s: out of memory", p->path);
    c->p = *p;
    c->pub.name = "libavcodec";
    c->pub.decode = cpu_decode;
    c->pub.flush = cpu_flush;
    c->pub.close = cpu_close;
    c->ctx = avcodec_alloc_context3(codec);
    c->frame = av_frame_alloc();
    if (!c->ctx || !c->frame) {
        cpu_close(&c->pub);
        return ovni_error(OVNI_ENOMEM, "%s: out of memory", p->path);
    }
    int r = avcodec_parameters_to_context(c->ctx, par);
    int threads = p->threads > 0 ? p->threads : ovni_cpu_threads(p->dev);
    c->ctx->thread_count = threads > 16 ? 16 : threads; /* libavcodec's decoders gain nothing beyond 16 */
    c->ctx->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    c->ctx->pkt_timebase = p->st->time_base;
    if (r >= 0) r = avcodec_open2(c->ctx, codec, NULL);
    if (r < 0) {
        char buf[128];
        av_strerror(r, buf, sizeof(buf));
        cpu_close(&c->pub);
        return ovni_error(OVNI_EFORMAT, "%s: stream %d: cannot open the %s decoder: %s", p->path, p->st->index,
                          codec->name, buf);
    }
    *out = &c->pub;
    return 0;
}
