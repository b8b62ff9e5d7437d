/* Opening an input with libavformat and describing its video stream: shared
 * by ovni_probe() and the reader. Every failure names the file and says why
 * in words a user can act on (missing, empty, text, damaged, no video). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavutil/display.h>
#include <libavutil/pixdesc.h>

#include "decode.h"
#include "guard.h"
#include "media_info.h"

static void copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/* The stream to decode: libavformat's best video stream, but never a cover
 * picture (mp3/m4a artwork is a "video stream" of one frame). */
static int pick_stream(AVFormatContext *fmt)
{
    int si = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (si >= 0 && !(fmt->streams[si]->disposition & AV_DISPOSITION_ATTACHED_PIC)) return si;
    for (unsigned i = 0; i < fmt->nb_streams; i++)
        if (fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
            !(fmt->streams[i]->disposition & AV_DISPOSITION_ATTACHED_PIC))
            return (int)i;
    return -1;
}

static const int32_t *stream_matrix(const AVStream *st)
{
#if LIBAVFORMAT_VERSION_MAJOR > 60 || (LIBAVFORMAT_VERSION_MAJOR == 60 && LIBAVFORMAT_VERSION_MINOR >= 16)
    const AVPacketSideData *sd = av_packet_side_data_get(st->codecpar->coded_side_data,
                                                         st->codecpar->nb_coded_side_data,
                                                         AV_PKT_DATA_DISPLAYMATRIX);
    return sd && sd->size >= 9 * sizeof(int32_t) ? (const int32_t *)sd->data : NULL;
#else
    size_t size = 0;
    const uint8_t *m = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
    return size >= 9 * sizeof(int32_t) ? (const int32_t *)m : NULL;
#endif
}

/* The matrix's turn in degrees clockwise, 0..270 (FFmpeg's get_rotation:
 * the negated av_display_rotation_get, rounded to a quarter turn). */
static int matrix_rotation(const int32_t *m)
{
    if (!m) return 0;
    double theta = -av_display_rotation_get(m);
    if (!isfinite(theta)) return 0;
    int deg = (int)lround(theta / 90.0) * 90;
    deg %= 360;
    return deg < 0 ? deg + 360 : deg;
}

int media_orientation(const int32_t *m)
{
    if (!m) return OVNI_ORIENT_NORMAL;
    /* (p, q) of the stored picture is shown at (a p + c q, b p + d q):
     * libavutil/display.h; a, b, c, d in 16.16 fixed point. Quarter turns
     * and mirrors have one of a, b and one of c, d at +-1, the others 0. */
    double e[4] = {m[0] / 65536.0, m[1] / 65536.0, m[3] / 65536.0, m[4] / 65536.0};
    double sx = hypot(e[0], e[2]), sy = hypot(e[1], e[3]);
    if (!(sx > 0) || !(sy > 0)) return OVNI_ORIENT_NORMAL;
    int a = (int)lround(e[0] / sx), c = (int)lround(e[2] / sx), b = (int)lround(e[1] / sy), d = (int)lround(e[3] / sy);
    int transpose;
    if (abs(a) == 1 && abs(d) == 1 && !b && !c) transpose = 0;
    else if (abs(b) == 1 && abs(c) == 1 && !a && !d) transpose = 1;
    else return OVNI_ORIENT_NORMAL; /* not quarter turns: left as stored */
    /* The output pixel (x, y) shows stored (u, v): the matrix inverted
     * (its transpose); a negative entry mirrors that axis. */
    int h = transpose ? b < 0 : a < 0, v = transpose ? c < 0 : d < 0;
    static const int from_bits[8] = {1, 4, 2, 3, 5, 6, 8, 7}; /* t<<2 | h<<1 | v, as flip.h's table */
    return from_bits[transpose << 2 | h << 1 | v];
}

/* The stream's chroma siting; untagged, the codec's own default as FFmpeg's
 * decoders report it: JPEG-family codecs centre (JFIF), every other codec
 * (MPEG-2, H.264, HEVC, VP9, AV1, ...) left. Bottom sitings, which no
 * common encoder writes, are taken as their top counterparts. */
ovni_chroma_loc media_chroma_loc(const AVCodecParameters *par)
{
    switch (par->chroma_location) {
    case AVCHROMA_LOC_LEFT:
    case AVCHROMA_LOC_BOTTOMLEFT: return OVNI_CHROMA_LEFT;
    case AVCHROMA_LOC_CENTER:
    case AVCHROMA_LOC_BOTTOM: return OVNI_CHROMA_CENTER;
    case AVCHROMA_LOC_TOPLEFT: return OVNI_CHROMA_TOPLEFT;
    case AVCHROMA_LOC_TOP: return OVNI_CHROMA_TOP;
    default: break;
    }
    switch (par->codec_id) {
    case AV_CODEC_ID_MJPEG:
    case AV_CODEC_ID_JPEGLS:
    case AV_CODEC_ID_MPEG1VIDEO:
    case AV_CODEC_ID_H261:
    case AV_CODEC_ID_H263: return OVNI_CHROMA_CENTER;
    default: return OVNI_CHROMA_LEFT;
    }
}

ovni_field_order media_field_order(int av_field_order)
{
    switch (av_field_order) {
    case AV_FIELD_TT: return OVNI_FIELD_TT;
    case AV_FIELD_BB: return OVNI_FIELD_BB;
    case AV_FIELD_TB: return OVNI_FIELD_TB;
    case AV_FIELD_BT: return OVNI_FIELD_BT;
    default: return OVNI_FIELD_PROGRESSIVE;
    }
}

void media_display_size(int w, int h, ovni_rational sar, int orientation, int *dw, int *dh)
{
    if (orientation >= OVNI_ORIENT_TRANSPOSE) { /* turned a quarter: the pixels' aspect inverts */
        int t = w;
        w = h, h = t;
        sar = (ovni_rational){sar.den, sar.num};
    }
    int64_t x = sar.num > 0 && sar.den > 0 ? ((int64_t)w * sar.num + sar.den / 2) / sar.den : w;
    *dw = x < 1 ? 1 : x > INT32_MAX ? INT32_MAX : (int)x;
    *dh = h;
}

static double ts_seconds(int64_t ts, AVRational tb)
{
    return ts == AV_NOPTS_VALUE || tb.den == 0 ? 0.0 : (double)ts * av_q2d(tb);
}

static void fill_info(AVFormatContext *fmt, int si, ovni_video_info *info)
{
    const AVStream *st = fmt->streams[si];
    const AVCodecParameters *par = st->codecpar;
    memset(info, 0, sizeof(*info));
    copy_str(info->container, sizeof(info->container), fmt->iformat->name);
    info->stream_index = si;
    copy_str(info->codec, sizeof(info->codec), avcodec_get_name(par->codec_id));
    info->width = par->width;
    info->height = par->height;
    info->bit_depth = decode_stream_bit_depth(par);
    AVRational fps = st->avg_frame_rate;
    if (fps.num <= 0 || fps.den <= 0) fps = st->r_frame_rate;
    if (fps.num <= 0 || fps.den <= 0) fps = av_guess_frame_rate(fmt, (AVStream *)st, NULL);
    if (fps.num <= 0 || fps.den <= 0) fps = (AVRational){25, 1}; /* raw streams with no timing at all */
    info->fps = (ovni_rational){fps.num, fps.den};
    info->time_base = (ovni_rational){st->time_base.num, st->time_base.den};
    info->duration = ts_seconds(st->duration, st->time_base);
    if (info->duration <= 0 && fmt->duration > 0) info->duration = (double)fmt->duration / AV_TIME_BASE;
    info->r_frame_rate = (ovni_rational){st->r_frame_rate.num > 0 && st->r_frame_rate.den > 0 ? st->r_frame_rate.num : 0,
                                         st->r_frame_rate.num > 0 && st->r_frame_rate.den > 0 ? st->r_frame_rate.den : 0};
    info->start_time = ts_seconds(st->start_time, st->time_base);
    /* A count from the container is exact only where the container lists
     * every sample (MP4/MOV's sample table); AVI's and Matroska's counts
     * may include frames that do not decode. */
    if (st->nb_frames > 0 && strstr(fmt->iformat->name, "mp4")) {
        info->frame_count = st->nb_frames;
        info->frame_count_exact = 1;
    } else if (st->nb_frames > 0) {
        info->frame_count = st->nb_frames;
    } else {
        info->frame_count = (int64_t)llround(info->duration * av_q2d(fps));
    }
    info->bit_rate = par->bit_rate > 0 ? par->bit_rate : fmt->bit_rate > 0 ? fmt->bit_rate : 0;
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get((enum AVPixelFormat)par->format);
    int rgb = par->color_space == AVCOL_SPC_RGB ||
              (desc && (desc->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL)));
    switch (rgb ? AVCOL_SPC_BT709 : par->color_space) {
    case AVCOL_SPC_BT709: info->matrix = OVNI_MATRIX_BT709; break;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M:
    case AVCOL_SPC_FCC: info->matrix = OVNI_MATRIX_BT601; break;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: info->matrix = OVNI_MATRIX_BT2020; break;
    default: /* untagged: what players assume */
        info->matrix = par->height <= 576 ? OVNI_MATRIX_BT601 : OVNI_MATRIX_BT709;
        break;
    }
    /* RGB-coded video is delivered as limited-range BT.709 NV12, as the
     * writer makes of RGB frames (docs/reader.md, "Colour"). */
    info->range = rgb ? OVNI_RANGE_LIMITED
                  : par->color_range == AVCOL_RANGE_JPEG || par->format == AV_PIX_FMT_YUVJ420P ||
                          par->format == AV_PIX_FMT_YUVJ422P || par->format == AV_PIX_FMT_YUVJ444P ||
                          par->format == AV_PIX_FMT_YUVJ440P || par->format == AV_PIX_FMT_YUVJ411P
                      ? OVNI_RANGE_FULL
                      : OVNI_RANGE_LIMITED;
    info->chroma_loc = media_chroma_loc(par);
    info->primaries = (int)par->color_primaries;
    info->transfer = (int)par->color_trc;
    const int32_t *matrix = stream_matrix(st);
    info->rotation = matrix_rotation(matrix);
    info->orientation = media_orientation(matrix);
    AVRational sar = av_guess_sample_aspect_ratio(fmt, (AVStream *)st, NULL);
    if (sar.num <= 0 || sar.den <= 0) sar = (AVRational){1, 1};
    av_reduce(&sar.num, &sar.den, sar.num, sar.den, 1 << 20);
    info->sar = (ovni_rational){sar.num, sar.den};
    info->field_order = media_field_order(par->field_order);
    media_display_size(par->width, par->height, info->sar, info->orientation, &info->display_width,
                       &info->display_height);
    for (unsigned i = 0; i < fmt->nb_streams && info->naudio < OVNI_MAX_AUDIO_STREAMS; i++) {
        const AVStream *a = fmt->streams[i];
        if (a->codecpar->codec_type != AVMEDIA_TYPE_AUDIO) continue;
        ovni_audio_info *ai = &info->audio[info->naudio++];
        ai->stream_index = (int)i;
        copy_str(ai->codec, sizeof(ai->codec), avcodec_get_name(a->codecpar->codec_id));
        ai->sample_rate = a->codecpar->sample_rate;
#if LIBAVCODEC_VERSION_MAJOR > 59 || (LIBAVCODEC_VERSION_MAJOR == 59 && LIBAVCODEC_VERSION_MINOR >= 24)
        ai->channels = a->codecpar->ch_layout.nb_channels;
#else
        ai->channels = a->codecpar->channels;
#endif
        ai->duration = ts_seconds(a->duration, a->time_base);
        ai->start_time = ts_seconds(a->start_time, a->time_base);
        if (ai->duration <= 0 && fmt->duration > 0) { /* Matroska, Ogg: the file's length past the stream's start */
            double file_start = fmt->start_time != AV_NOPTS_VALUE ? (double)fmt->start_time / AV_TIME_BASE : 0;
            double d = (double)fmt->duration / AV_TIME_BASE - (ai->start_time - file_start);
            ai->duration = d > 0 ? d : 0;
        }
    }
}

/* A size of 0 is not always empty: /proc and /sys files report 0 and have
 * bytes to read. */
static int has_bytes(const char *path)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    char c;
    int got = fd >= 0 && read(fd, &c, 1) == 1;
    if (fd >= 0) close(fd);
    return got;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Variable frame rate, from the first packets' timestamps: the gaps between
 * consecutive pts (sorted: B-frames come out of order) differ by more than
 * a tick and 2 %. Reads up to VFR_SCAN packets, then seeks back to the start
 * (only where the input can seek). */
#define VFR_SCAN 240
static void scan_vfr(AVFormatContext *fmt, int si, ovni_video_info *info)
{
    const AVStream *st = fmt->streams[si];
    /* single-file containers only: a playlist's segments may be pipes, read once */
    static const char *const names[] = {"mp4", "matroska", "mpegts", "avi", "flv", "ogg", NULL};
    int known = 0;
    for (int i = 0; names[i]; i++) known |= strstr(fmt->iformat->name, names[i]) != NULL;
    if (!known || !fmt->pb || !(fmt->pb->seekable & AVIO_SEEKABLE_NORMAL) || (fmt->iformat->flags & AVFMT_NOTIMESTAMPS))
        return;
    int64_t pts[VFR_SCAN];
    int n = 0;
    AVPacket *p = av_packet_alloc();
    if (!p) return;
    for (int reads = 0; n < VFR_SCAN && reads < 8 * VFR_SCAN; reads++) {
        if (av_read_frame(fmt, p) < 0) break;
        if (p->stream_index == si && p->pts != AV_NOPTS_VALUE) pts[n++] = p->pts;
        av_packet_unref(p);
    }
    av_packet_free(&p);
    /* back to the start: by byte for MPEG-TS and other index-less formats,
     * by time where the container has an index */
    int64_t start = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
    if (!strcmp(fmt->iformat->name, "mpegts") || av_seek_frame(fmt, si, start, AVSEEK_FLAG_BACKWARD) < 0)
        av_seek_frame(fmt, si, 0, AVSEEK_FLAG_BYTE | AVSEEK_FLAG_BACKWARD);
    if (n < 3) return;
    qsort(pts, (size_t)n, sizeof(pts[0]), cmp_i64);
    int64_t lo = INT64_MAX, hi = 0;
    for (int i = 1; i < n; i++) {
        int64_t d = pts[i] - pts[i - 1];
        if (d <= 0) continue;
        if (d < lo) lo = d;
        if (d > hi) hi = d;
    }
    info->vfr = lo != INT64_MAX && hi - lo > 1 && (double)(hi - lo) > 0.02 * (double)lo;
}

void media_close(AVFormatContext **fmt)
{
    if (!fmt || !*fmt) return;
    /* libavformat leaves a caller's AVIOContext to the caller. */
    AVIOContext *pb = (*fmt)->flags & AVFMT_FLAG_CUSTOM_IO && !(*fmt)->opaque ? (*fmt)->pb : NULL;
    guard_close(fmt);
    media_memory_io_free(&pb);
}

int media_open(const char *path, AVIOContext *pb, const AVIOInterruptCB *interrupt, int allow_playlists, AVFormatContext **out,
               ovni_video_info *info)
{
    *out = NULL;
    if (!path || !*path) {
        media_memory_io_free(&pb);
        return ovni_error(OVNI_EINVAL, "ovni_reader_open: path is NULL or empty");
    }
    if (pb && avio_size(pb) == 0) {
        media_memory_io_free(&pb);
        return ovni_error(OVNI_EFORMAT, "%s: the input is empty (0 bytes)", path);
    }
    if (!pb && strcmp(path, "-")) {
        struct stat sb;
        if (stat(path, &sb) != 0) return ovni_error(OVNI_EIO, "%s: cannot open: %s", path, strerror(errno));
        if (S_ISDIR(sb.st_mode)) return ovni_error(OVNI_EIO, "%s: is a directory, not a video file", path);
        if (S_ISREG(sb.st_mode) && sb.st_size == 0 && !has_bytes(path))
            return ovni_error(OVNI_EFORMAT, "%s: the file is empty (0 bytes)", path);
        if (access(path, R_OK) != 0) return ovni_error(OVNI_EIO, "%s: cannot read: %s", path, strerror(errno));
    }

    guard_params gp = {.kind = GUARD_MEDIA, .allow_playlists = allow_playlists, .pb = pb};
    if (interrupt) gp.interrupt = *interrupt;
    AVFormatContext *fmt = NULL;
    int r = guard_open(&fmt, path, &gp);
    if (r < 0) {
        media_memory_io_free(&pb);
        return r;
    }
    /* libavformat's "tty" demuxer turns any .txt file into an ANSI-art video. */
    if (!strcmp(fmt->iformat->name, "tty")) {
        media_close(&fmt);
        return ovni_error(OVNI_EFORMAT, "%s: a text file, not a video", path);
    }
    if ((r = avformat_find_stream_info(fmt, NULL)) < 0 || (interrupt && interrupt->callback(interrupt->opaque))) {
        char why[128];
        if (interrupt && interrupt->callback(interrupt->opaque)) {
            media_close(&fmt);
            return ovni_error(OVNI_ECANCELED, "%s: interrupted while reading the streams", path);
        }
        av_strerror(r, why, sizeof(why));
        media_close(&fmt);
        return ovni_error(OVNI_EFORMAT, "%s: cannot read the streams (damaged or truncated file?): %s", path, why);
    }
    int si = pick_stream(fmt);
    if (si < 0) {
        int naudio = 0, ncover = 0;
        for (unsigned i = 0; i < fmt->nb_streams; i++) {
            naudio += fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO;
            ncover += (fmt->streams[i]->disposition & AV_DISPOSITION_ATTACHED_PIC) != 0;
        }
        media_close(&fmt);
        /* a song's cover art (attached picture) is one still, not a video
         * stream: say so, since players show it as the song's picture */
        return ovni_error(OVNI_EFORMAT, "%s: no video stream (the file has %d audio stream%s%s)", path, naudio,
                          naudio == 1 ? "" : "s",
                          ncover ? " and cover art, a still picture: extract it and give it as an image input" : "");
    }
    const AVCodecParameters *par = fmt->streams[si]->codecpar;
    if (par->width < 1 || par->height < 1 || par->width > OVNI_MAX_DIM || par->height > OVNI_MAX_DIM) {
        int w = par->width, h = par->height;
        media_close(&fmt);
        return ovni_error(OVNI_EFORMAT, "%s: stream %d: video size %dx%d is unknown or outside 1..%d "
                          "(damaged or truncated file?)", path, si, w, h, OVNI_MAX_DIM);
    }
    fill_info(fmt, si, info);
    scan_vfr(fmt, si, info);
    *out = fmt;
    return 0;
}

int ovni_probe(const char *path, ovni_video_info *info)
{
    if (!info) return ovni_error(OVNI_EINVAL, "ovni_probe: info is NULL");
    AVFormatContext *fmt = NULL;
    int ret = media_open(path, NULL, NULL, 0, &fmt, info);
    media_close(&fmt);
    return ret;
}
