/* Still images through libavformat/libavcodec (decode) and the PNG encoder. */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "../core/frame_internal.h"
#include "../core/gpu.h"
#include "ovni/image.h"
#include "ovni/ops.h"

/* Pictures beyond this many pixels are refused from their header. */
#define OVNI_IMAGE_MAX_PIXELS (256 * 1000 * 1000)
#include "guard.h"
#include "tmpfile.h"

static int av_fail(int code, const char *path, const char *what, int averr)
{
    char buf[128];
    av_strerror(averr, buf, sizeof(buf));
    return ovni_error(code, "%s: %s: %s", path, what, buf);
}

static int image_interrupted(void *dev) { return device_interrupted(dev); }

static int too_large(int w, int h)
{
    return w > OVNI_MAX_DIM || h > OVNI_MAX_DIM || (int64_t)w * h > OVNI_IMAGE_MAX_PIXELS;
}

static int size_error(const char *path, int w, int h)
{
    return ovni_error(OVNI_EFORMAT, "%s: the image is %dx%d (%.0f megapixels): larger than ovni's image limit "
                      "of %dx%d and %d megapixels", path, w, h, (double)w * h / 1e6, OVNI_MAX_DIM, OVNI_MAX_DIM,
                      OVNI_IMAGE_MAX_PIXELS / 1000000);
}

static unsigned be16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned be32(const uint8_t *p) { return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3]; }
static unsigned le16(const uint8_t *p) { return (unsigned)p[1] << 8 | p[0]; }
static unsigned le32(const uint8_t *p) { return (unsigned)p[3] << 24 | (unsigned)p[2] << 16 | (unsigned)p[1] << 8 | p[0]; }

/* The size an image's header claims (PNG, JPEG, BMP, GIF), read when the
 * decoder refused it (max_pixels clears the size it saw), so the message
 * can say the picture is too large rather than damaged. 0 or -1. */
static int header_size(const char *path, int *w, int *h)
{
    uint8_t b[65536];
    FILE *fp = fopen(path, "rb");
    if (!fp) return -1;
    size_t n = fread(b, 1, sizeof(b), fp);
    fclose(fp);
    long long ww = -1, hh = -1;
    if (n >= 24 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8) && !memcmp(b + 12, "IHDR", 4)) {
        ww = be32(b + 16), hh = be32(b + 20);
    } else if (n >= 26 && b[0] == 'B' && b[1] == 'M') {
        ww = (int32_t)le32(b + 18), hh = (int32_t)le32(b + 22);
        if (hh < 0) hh = -hh;
    } else if (n >= 10 && !memcmp(b, "GIF8", 4)) {
        ww = le16(b + 6), hh = le16(b + 8);
    } else if (n >= 4 && b[0] == 0xff && b[1] == 0xd8) {
        for (size_t i = 2; i + 9 < n;) {
            if (b[i] != 0xff) break;
            unsigned m = b[i + 1], len = be16(b + i + 2);
            if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
                hh = be16(b + i + 5), ww = be16(b + i + 7);
                break;
            }
            i += 2 + len;
        }
    }
    if (ww <= 0 || hh <= 0 || ww > INT32_MAX || hh > INT32_MAX) return -1;
    *w = (int)ww, *h = (int)hh;
    return 0;
}

/* Decodes the first picture of `path` into an AVFrame. */
static int decode_first(ovni_device *device, const char *path, AVFrame **out)
{
    AVFormatContext *fmt = NULL;
    AVCodecContext *dec = NULL;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *frame = av_frame_alloc();
    int ret = 0, r;
    if (!pkt || !frame) {
        ret = ovni_error(OVNI_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    if (access(path, R_OK) != 0) {
        ret = ovni_error(OVNI_EIO, "%s: cannot read the image: %s", path, strerror(errno));
        goto done;
    }
    guard_params gp = {.kind = GUARD_IMAGE, .interrupt = {image_interrupted, device}};
    if ((ret = guard_open(&fmt, path, &gp)) < 0) goto done;
    /* The probe decodes a picture too: never one past the limit. */
    AVDictionary **sopts = av_calloc(fmt->nb_streams ? fmt->nb_streams : 1, sizeof(*sopts));
    for (unsigned i = 0; sopts && i < fmt->nb_streams; i++)
        av_dict_set_int(&sopts[i], "max_pixels", OVNI_IMAGE_MAX_PIXELS, 0);
    r = avformat_find_stream_info(fmt, sopts);
    for (unsigned i = 0; sopts && i < fmt->nb_streams; i++) av_dict_free(&sopts[i]);
    av_free(sopts);
    if (r < 0) {
        ret = av_fail(OVNI_EFORMAT, path, "cannot read the image's stream", r);
        goto done;
    }
    int si = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    const AVCodec *codec = si >= 0 ? avcodec_find_decoder(fmt->streams[si]->codecpar->codec_id) : NULL;
    if (!codec) {
        ret = ovni_error(OVNI_EFORMAT, "%s: no picture in this file", path);
        goto done;
    }
    /* From the header, before the decoder allocates anything. */
    const AVCodecParameters *par = fmt->streams[si]->codecpar;
    if (too_large(par->width, par->height)) {
        ret = size_error(path, par->width, par->height);
        goto done;
    }
    dec = avcodec_alloc_context3(codec);
    if (!dec || avcodec_parameters_to_context(dec, fmt->streams[si]->codecpar) < 0 ||
        (dec->max_pixels = OVNI_IMAGE_MAX_PIXELS, (r = avcodec_open2(dec, codec, NULL)) < 0)) {
        ret = ovni_error(OVNI_EFORMAT, "%s: cannot open a %s decoder", path, codec->name);
        goto done;
    }
    int got = 0;
    while (!got && av_read_frame(fmt, pkt) >= 0) {
        if (pkt->stream_index == si && avcodec_send_packet(dec, pkt) >= 0)
            got = avcodec_receive_frame(dec, frame) >= 0;
        av_packet_unref(pkt);
    }
    if (!got) { /* flush: some decoders hold the picture until EOF */
        avcodec_send_packet(dec, NULL);
        got = avcodec_receive_frame(dec, frame) >= 0;
    }
    if (!got || frame->width < 1 || frame->height < 1) {
        int hw = 0, hh = 0;
        if (header_size(path, &hw, &hh) == 0 && too_large(hw, hh))
            ret = size_error(path, hw, hh);
        else
            ret = ovni_error(OVNI_EFORMAT, "%s: the image could not be decoded (corrupt or truncated?)", path);
        goto done;
    }
    if (frame->width > OVNI_MAX_DIM || frame->height > OVNI_MAX_DIM) {
        ret = ovni_error(OVNI_EFORMAT, "%s: image size %dx%d exceeds %d", path, frame->width, frame->height, OVNI_MAX_DIM);
        goto done;
    }
    *out = frame;
    frame = NULL;
done:
    av_frame_free(&frame);
    av_packet_free(&pkt);
    avcodec_free_context(&dec);
    guard_close(&fmt);
    return ret;
}

/* The libswscale matrix and the range of a decoded picture: its own tags,
 * else what its format implies: YUV is BT.601 (JFIF, WebP and TIFF's
 * YCbCr), full range for JPEG's yuvj formats and for gray (PNG), limited
 * otherwise (WebP's YUV as libwebp decodes it). RGB needs neither. */
static int image_matrix(const AVFrame *pic, int *full)
{
    enum AVPixelFormat f = (enum AVPixelFormat)pic->format;
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f);
    int gray = d && d->nb_components <= 2 && !(d->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL));
    *full = pic->color_range == AVCOL_RANGE_JPEG ||
            (pic->color_range != AVCOL_RANGE_MPEG &&
             (gray || f == AV_PIX_FMT_YUVJ420P || f == AV_PIX_FMT_YUVJ422P || f == AV_PIX_FMT_YUVJ444P ||
              f == AV_PIX_FMT_YUVJ440P || f == AV_PIX_FMT_YUVJ411P));
    switch (pic->colorspace) {
    case AVCOL_SPC_BT709: return SWS_CS_ITU709;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020;
    default: return SWS_CS_ITU601;
    }
}

int ovni_image_probe(const char *path, int *width, int *height)
{
    if (!path || !width || !height) return ovni_error(OVNI_EINVAL, "ovni_image_probe: NULL argument");
    *width = *height = 0;
    struct stat st;
    if (stat(path, &st) != 0) return ovni_error(OVNI_EIO, "%s: cannot read the image: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode)) return ovni_error(OVNI_EUNSUPPORTED, "%s: not a regular file: no header read", path);
    if (header_size(path, width, height) < 0)
        return ovni_error(OVNI_EUNSUPPORTED, "%s: no PNG, JPEG, BMP or GIF header with a size", path);
    return 0;
}

/* The EXIF orientation libavcodec's decoder exported (1..8; 1: none). */
static int exif_orientation(const AVFrame *pic)
{
    const AVDictionaryEntry *e = av_dict_get(pic->metadata, "Orientation", NULL, 0);
    long v = e ? strtol(e->value, NULL, 10) : 1;
    return v >= 1 && v <= 8 ? (int)v : 1;
}

int ovni_image_load(ovni_device *dev, const char *path, ovni_format format, ovni_memory memory, ovni_frame **out)
{
    return ovni_image_load_ex(dev, path, format, memory, 0, NULL, out);
}

int ovni_image_load_ex(ovni_device *dev, const char *path, ovni_format format, ovni_memory memory, unsigned flags,
                       int *orientation, ovni_frame **out)
{
    if (orientation) *orientation = 1;
    if (!out) return ovni_error(OVNI_EINVAL, "ovni_image_load: out is NULL");
    *out = NULL;
    if (!dev || !path) return ovni_error(OVNI_EINVAL, "ovni_image_load: NULL device or path");
    if (format != OVNI_FORMAT_RGB24 && format != OVNI_FORMAT_RGBA32)
        return ovni_error(OVNI_EINVAL, "ovni_image_load: %s: format must be rgb24 or rgba32", path);
    if (memory == OVNI_MEMORY_DEVICE && !dev->is_gpu)
        return ovni_error(OVNI_EINVAL, "ovni_image_load: %s: device memory asked of the CPU device", path);
    AVFrame *pic = NULL;
    int ret = decode_first(dev, path, &pic);
    if (ret < 0) return ret;
    int orient = exif_orientation(pic);
    if (orientation) *orientation = orient;
    ovni_frame *host = NULL, *f = NULL;
    ret = ovni_frame_new(dev, format, pic->width, pic->height, OVNI_MEMORY_HOST, &host);
    if (ret == 0) {
        enum AVPixelFormat dst_fmt = format == OVNI_FORMAT_RGBA32 ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24;
        struct SwsContext *sws = sws_getContext(pic->width, pic->height, pic->format, pic->width, pic->height,
                                                dst_fmt, SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, NULL, NULL, NULL);
        if (!sws) {
            ret = ovni_error(OVNI_EFORMAT, "%s: pixel format %s cannot be converted", path,
                             av_get_pix_fmt_name(pic->format) ? av_get_pix_fmt_name(pic->format) : "?");
        } else {
            int full = 0;
            const int *coefs = sws_getCoefficients(image_matrix(pic, &full));
            sws_setColorspaceDetails(sws, coefs, full, coefs, 1, 0, 1 << 16, 1 << 16);
            uint8_t *dst[4] = {host->data[0]};
            int dst_pitch[4] = {(int)host->pitch[0]};
            sws_scale(sws, (const uint8_t *const *)pic->data, pic->linesize, 0, pic->height, dst, dst_pitch);
            sws_freeContext(sws);
        }
    }
    av_frame_free(&pic);
    if (ret == 0 && orient != 1 && !(flags & OVNI_IMAGE_AS_STORED)) {
        ovni_frame *turned = NULL;
        ret = ovni_orient(host, orient, &turned);
        ovni_frame_unref(&host);
        host = turned;
    }
    if (ret == 0 && memory == OVNI_MEMORY_DEVICE) {
        ret = ovni_frame_upload(host, &f);
        ovni_frame_unref(&host);
    } else {
        f = host;
    }
    if (ret < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    f->range = OVNI_RANGE_FULL;
    *out = f;
    return 0;
}

static int encode_png(const ovni_frame *f, const char *path, FILE *fp)
{
    const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
    if (!codec) return ovni_error(OVNI_EUNSUPPORTED, "%s: this FFmpeg has no PNG encoder", path);
    AVCodecContext *enc = avcodec_alloc_context3(codec);
    AVFrame *pic = av_frame_alloc();
    AVPacket *pkt = av_packet_alloc();
    int ret = 0;
    if (!enc || !pic || !pkt) {
        ret = ovni_error(OVNI_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    enum AVPixelFormat pf = f->format == OVNI_FORMAT_RGBA32 ? AV_PIX_FMT_RGBA
                            : f->format == OVNI_FORMAT_GRAY8 ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_RGB24;
    enc->width = f->width;
    enc->height = f->height;
    enc->pix_fmt = pf;
    enc->time_base = (AVRational){1, 25};
    if (avcodec_open2(enc, codec, NULL) < 0) {
        ret = ovni_error(OVNI_EFORMAT, "%s: cannot open the PNG encoder", path);
        goto done;
    }
    pic->format = pf;
    pic->width = f->width;
    pic->height = f->height;
    pic->data[0] = f->data[0];
    pic->linesize[0] = (int)f->pitch[0];
    if (avcodec_send_frame(enc, pic) < 0 || avcodec_send_frame(enc, NULL) < 0 ||
        avcodec_receive_packet(enc, pkt) < 0) {
        ret = ovni_error(OVNI_EFORMAT, "%s: PNG encoding failed", path);
        goto done;
    }
    if (fwrite(pkt->data, 1, (size_t)pkt->size, fp) != (size_t)pkt->size)
        ret = ovni_error(OVNI_EIO, "%s: write failed: %s", path, strerror(errno));
done:
    av_packet_free(&pkt);
    av_frame_free(&pic);
    avcodec_free_context(&enc);
    return ret;
}

int ovni_image_save_png(const ovni_frame *frame, const char *path)
{
    int ret;
    if (!path) return ovni_error(OVNI_EINVAL, "ovni_image_save_png: path is NULL");
    if ((ret = frame_check("ovni_image_save_png", "", frame)) < 0) return ret;
    if (frame->format != OVNI_FORMAT_RGB24 && frame->format != OVNI_FORMAT_RGBA32 && frame->format != OVNI_FORMAT_GRAY8)
        return ovni_error(OVNI_EINVAL, "%s: PNG takes rgb24, rgba32 or gray8 frames, not %s (convert it first)", path,
                          ovni_format_name(frame->format));
    ovni_frame *host = NULL;
    if (frame->memory == OVNI_MEMORY_DEVICE) {
        if ((ret = ovni_frame_download(frame, &host)) < 0) return ret;
    } else {
        host = ovni_frame_ref((ovni_frame *)frame);
    }
    if ((ret = ovni_frame_wait(host)) < 0) goto out;
    char tmp[4096];
    int fd = tmpfile_create(path, tmp, sizeof(tmp));
    if (fd < 0) {
        ret = fd;
        goto out;
    }
    FILE *fp = fdopen(fd, "wb");
    if (!fp) {
        ret = ovni_error(OVNI_EIO, "%s: cannot create the file: %s", path, strerror(errno));
        close(fd);
        tmpfile_discard(tmp);
        goto out;
    }
    ret = encode_png(host, path, fp);
    if (fflush(fp) != 0 && ret == 0) ret = ovni_error(OVNI_EIO, "%s: write failed: %s", path, strerror(errno));
    if (ret == 0) ret = tmpfile_commit(fd, tmp, path, 0);
    else tmpfile_discard(tmp);
    fclose(fp);
out:
    ovni_frame_unref(&host);
    return ret;
}
