/* The writer: settings, the temporary output file, the muxer, and the thread
 * that encodes and muxes frames taken from a bounded queue. The encoders
 * plug in through encode.h (a table each, packets back through emit); the
 * audio stream (audio.c) through writer_internal.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavutil/mem.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>

#include "ovni/ops.h"
#include "guard.h"
#include "tmpfile.h"
#include "feed.h"
#include "writer_internal.h"

#define WRITER_MAX_DIM 8192
#define WRITER_MAX_QUEUE 64
/* Pass-through timestamps are kept at MPEG's 90 kHz: exact for every common
 * frame rate (23.976, 25, 29.97, 30, 50, 59.94, 60) and for millisecond
 * sources such as Matroska. */
#define PASSTHROUGH_HZ 90000

void ovni_writer_default_settings(ovni_writer_settings *s)
{
    if (!s) return;
    memset(s, 0, sizeof(*s));
    s->fps = (ovni_rational){30, 1};
    s->codec = OVNI_CODEC_H264;
    s->encoder = OVNI_ENCODER_AUTO;
    s->rate_control = OVNI_RC_DEFAULT;
    s->quality = 23;
    s->bframes = -1;
    s->matrix = OVNI_MATRIX_BT709;
    s->range = OVNI_RANGE_LIMITED;
    s->audio_stream = -1;
    s->audio_mode = OVNI_AUDIO_AUTO;
    s->queue_depth = 4;
}

/* ---- settings ---- */

static const struct {
    const char *ext, *muxer;
} containers[] = {
    {"mp4", "mp4"}, {"mov", "mov"}, {"mkv", "matroska"}, {"webm", "webm"}, {"ts", "mpegts"},
};

static const char *muxer_for(const char *path, const char **ext_out)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    *ext_out = dot ? dot + 1 : "";
    if (!dot) return NULL;
    for (size_t i = 0; i < sizeof(containers) / sizeof(containers[0]); i++)
        if (!strcasecmp(dot + 1, containers[i].ext)) {
            *ext_out = containers[i].ext;
            return containers[i].muxer;
        }
    return NULL;
}

static int check_settings(const char *path, const ovni_writer_settings *s)
{
    const char *p = path;
    if (s->width < 1 || s->height < 1 || s->width > WRITER_MAX_DIM || s->height > WRITER_MAX_DIM)
        return ovni_error(OVNI_EINVAL, "%s: size %dx%d: width and height must be within 1..%d", p,
                          s->width, s->height, WRITER_MAX_DIM);
    if ((unsigned)s->even > OVNI_EVEN_CROP)
        return ovni_error(OVNI_EINVAL, "%s: even=%d: expected OVNI_EVEN_PAD or OVNI_EVEN_CROP", p, (int)s->even);
    if (s->fps.num <= 0 || s->fps.den <= 0 || (double)s->fps.num / s->fps.den > 1000.0)
        return ovni_error(OVNI_EINVAL, "%s: fps=%d/%d: must be a positive rational of at most 1000", p,
                          s->fps.num, s->fps.den);
    if ((unsigned)s->codec > OVNI_CODEC_HEVC)
        return ovni_error(OVNI_EINVAL, "%s: codec=%d: expected H264 (0) or HEVC (1)", p, (int)s->codec);
    if ((unsigned)s->encoder > OVNI_ENCODER_X264)
        return ovni_error(OVNI_EINVAL, "%s: encoder=%d: expected AUTO, NVENC or X264", p, (int)s->encoder);
    if (s->preset && !encode_preset_x264(s->preset))
        return ovni_error(OVNI_EINVAL, "%s: preset \"%s\": expected p1..p7 or an x264 preset "
                          "(ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow, placebo)",
                          p, s->preset);
    if ((unsigned)s->rate_control > OVNI_RC_CBR)
        return ovni_error(OVNI_EINVAL, "%s: rate_control=%d: expected DEFAULT, CRF, CQP, VBR or CBR", p,
                          (int)s->rate_control);
    if (s->quality < 0 || s->quality > 51)
        return ovni_error(OVNI_EINVAL, "%s: quality=%d is outside 0..51", p, s->quality);
    if (s->bitrate < 0 || s->bitrate > 2000000000 || s->max_bitrate < 0 || s->max_bitrate > 2000000000)
        return ovni_error(OVNI_EINVAL, "%s: bitrate=%lld / max_bitrate=%lld: must be within 0..2000000000 bits/s", p,
                          (long long)s->bitrate, (long long)s->max_bitrate);
    if ((s->rate_control == OVNI_RC_VBR || s->rate_control == OVNI_RC_CBR) && s->bitrate < 1000)
        return ovni_error(OVNI_EINVAL, "%s: bitrate=%lld: VBR and CBR need a bitrate of at least 1000 bits/s", p,
                          (long long)s->bitrate);
    if (s->max_bitrate && s->max_bitrate < s->bitrate)
        return ovni_error(OVNI_EINVAL, "%s: max_bitrate=%lld is below bitrate=%lld", p, (long long)s->max_bitrate,
                          (long long)s->bitrate);
    if (s->gop < 0 || s->gop > 100000)
        return ovni_error(OVNI_EINVAL, "%s: gop=%d is outside 0..100000 (0: two seconds)", p, s->gop);
    if (s->bframes < -1 || s->bframes > 16)
        return ovni_error(OVNI_EINVAL, "%s: bframes=%d is outside -1..16", p, s->bframes);
    if ((unsigned)s->matrix > OVNI_MATRIX_BT2020 || (unsigned)s->range > OVNI_RANGE_FULL)
        return ovni_error(OVNI_EINVAL, "%s: unknown colour matrix %d or range %d", p, (int)s->matrix, (int)s->range);
    if ((s->primaries && !av_color_primaries_name((enum AVColorPrimaries)s->primaries)) ||
        (s->transfer && !av_color_transfer_name((enum AVColorTransferCharacteristic)s->transfer)))
        return ovni_error(OVNI_EINVAL, "%s: primaries=%d / transfer=%d: expected 0 (the matrix's) or an ISO/IEC "
                          "23091-4 code (1: BT.709, 9: BT.2020; transfer 16: PQ, 18: HLG)", p, s->primaries,
                          s->transfer);
    if (!s->sar_num != !s->sar_den)
        return ovni_error(OVNI_EINVAL, "%s: sar=%u:%u: expected two numbers 1..65535 (or 0:0 for 1:1)", p,
                          (unsigned)s->sar_num, (unsigned)s->sar_den);
    if (s->orientation > OVNI_ORIENT_ROTATE_270)
        return ovni_error(OVNI_EINVAL, "%s: orientation=%d is outside 0..8 (1..8: EXIF's numbers, 0: none)", p,
                          s->orientation);
    if (s->field_order > OVNI_FIELD_BT)
        return ovni_error(OVNI_EINVAL, "%s: field_order=%d: expected OVNI_FIELD_PROGRESSIVE..BT (0..4)", p,
                          (int)s->field_order);
    if ((unsigned)s->chroma_loc > OVNI_CHROMA_TOP)
        return ovni_error(OVNI_EINVAL, "%s: unknown chroma location %d (expected OVNI_CHROMA_LEFT..TOP)", p,
                          (int)s->chroma_loc);
    if (s->queue_depth < 0 || s->queue_depth > WRITER_MAX_QUEUE)
        return ovni_error(OVNI_EINVAL, "%s: queue_depth=%d is outside 0..%d (0: 4)", p, s->queue_depth,
                          WRITER_MAX_QUEUE);
    if (s->audio_stream < -1)
        return ovni_error(OVNI_EINVAL, "%s: audio_stream=%d: expected a stream index or -1", p, s->audio_stream);
    if (!ovni_is_finite(s->audio_start) || s->audio_start < 0 || s->audio_start > 1e7)
        return ovni_error(OVNI_EINVAL, "%s: audio_start=%g: expected seconds >= 0", p, s->audio_start);
    if ((unsigned)s->audio_mode > OVNI_AUDIO_OPUS)
        return ovni_error(OVNI_EINVAL, "%s: audio_mode=%d: expected AUTO, COPY, AAC or OPUS", p, (int)s->audio_mode);
    if (!ovni_is_finite(s->audio_loop) || s->audio_loop < 0 || s->audio_loop > 1e7)
        return ovni_error(OVNI_EINVAL, "%s: audio_loop=%g: expected seconds >= 0", p, s->audio_loop);
    if (s->audio_reader && s->audio_path)
        return ovni_error(OVNI_EINVAL, "%s: audio_path and audio_reader are both set: use one", p);
    if (s->audio_reader && !reader_feed(s->audio_reader))
        return ovni_error(OVNI_EINVAL, "%s: audio_reader: that reader was opened without audio_feed, so it "
                          "keeps no audio", p);
    if (s->audio_reader && s->audio_loop > 0)
        return ovni_error(OVNI_EINVAL, "%s: audio_reader with audio_loop: a reader's audio is read once; "
                          "take a looped audio from audio_path", p);
    return 0;
}

/* An odd side: one more (pad) or one less (crop; a side of 1 is padded). */
static int even_side(int n, ovni_even mode)
{
    if (!(n & 1)) return n;
    return mode == OVNI_EVEN_CROP && n > 1 ? n - 1 : n + 1;
}

void ovni_writer_coded_size(const ovni_writer_settings *s, int *width, int *height)
{
    if (!s) return;
    if (width) *width = even_side(s->width, s->even);
    if (height) *height = even_side(s->height, s->even);
}

static void colour_tags(const ovni_writer *w, enum AVColorSpace *cs, enum AVColorRange *range,
                        enum AVColorPrimaries *prim, enum AVColorTransferCharacteristic *trc)
{
    switch (w->s.matrix) {
    case OVNI_MATRIX_BT601:
        *cs = AVCOL_SPC_SMPTE170M, *prim = AVCOL_PRI_SMPTE170M, *trc = AVCOL_TRC_SMPTE170M;
        break;
    case OVNI_MATRIX_BT2020:
        *cs = AVCOL_SPC_BT2020_NCL, *prim = AVCOL_PRI_BT2020, *trc = AVCOL_TRC_BT2020_10;
        break;
    default:
        *cs = AVCOL_SPC_BT709, *prim = AVCOL_PRI_BT709, *trc = AVCOL_TRC_BT709;
        break;
    }
    *range = w->s.range == OVNI_RANGE_FULL ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
    if (w->s.primaries) *prim = (enum AVColorPrimaries)w->s.primaries;
    if (w->s.transfer) *trc = (enum AVColorTransferCharacteristic)w->s.transfer;
}

/* ---- errors crossing from the writer thread ---- */

static void thread_fail(ovni_writer *w, int code)
{
    pthread_mutex_lock(&w->err_lock);
    if (w->status == 0) {
        w->status = code;
        snprintf(w->err_msg, sizeof(w->err_msg), "%s", ovni_last_error());
    }
    pthread_mutex_unlock(&w->err_lock);
}

/* The thread's error, if any, re-raised on the calling thread. */
static int thread_status(ovni_writer *w)
{
    pthread_mutex_lock(&w->err_lock);
    int st = w->status;
    char msg[sizeof(w->err_msg)];
    if (st < 0) memcpy(msg, w->err_msg, sizeof(msg));
    pthread_mutex_unlock(&w->err_lock);
    return st < 0 ? ovni_error(st, "%s", msg) : 0;
}

int writer_interrupted(ovni_writer *w) { return atomic_load(&w->cancel) || device_interrupted(w->dev); }

int writer_interrupt_cb(void *w) { return writer_interrupted(w); }

/* ---- muxing ---- */

/* encode.h's emit: muxes one encoded video packet whose pts/dts are in
 * w->enc_tb, after the audio that comes before it; unrefs the packet. */
static int mux_video(void *ctx, AVPacket *pkt)
{
    ovni_writer *w = ctx;
    int r;
    /* Checked per packet: the encoder's final flush (x264 may hold dozens
     * of frames) stops here too. */
    if (writer_interrupted(w)) {
        av_packet_unref(pkt);
        return ovni_error(OVNI_ECANCELED, "%s: interrupted", w->path);
    }
    if (pkt->duration <= 0) pkt->duration = w->frame_ticks;
    if (w->audio) {
        int64_t t = pkt->dts != AV_NOPTS_VALUE ? pkt->dts : pkt->pts;
        if (t != AV_NOPTS_VALUE && (r = audio_pump(w, (double)t * av_q2d(w->enc_tb), 0)) < 0) {
            av_packet_unref(pkt);
            return r;
        }
    }
    av_packet_rescale_ts(pkt, w->enc_tb, w->vst->time_base);
    pkt->stream_index = w->vst->index;
    if ((r = av_interleaved_write_frame(w->oc, pkt)) < 0) {
        char buf[128];
        av_strerror(r, buf, sizeof(buf));
        av_packet_unref(pkt);
        return ovni_error(OVNI_EIO, "%s: writing a video packet failed: %s", w->path, buf);
    }
    return 0;
}

static void drop_item(void *p)
{
    writer_item *it = p;
    ovni_frame_unref(&it->frame);
    free(it);
}

/* Flush the encoder, the audio up to the video's end, the trailer. */
static int finish(ovni_writer *w)
{
    ovni_log(OVNI_LOG_DEBUG, "%s: flushing the encoder after %lld frames", w->path, (long long)w->frames_sent);
    int ret = w->enc->cls->flush(w->enc);
    if (ret < 0) return ret;
    if (w->frames_sent == 0) return ovni_error(OVNI_EINVAL, "%s: no frames were written", w->path);
    if (w->audio && (ret = audio_pump(w, (double)w->video_end * av_q2d(w->enc_tb), 1)) < 0) return ret;
    if ((ret = av_write_trailer(w->oc)) < 0) {
        char buf[128];
        av_strerror(ret, buf, sizeof(buf));
        return ovni_error(OVNI_EIO, "%s: finishing the file failed: %s", w->path, buf);
    }
    w->finished = 1;
    return 0;
}

static void *writer_main(void *arg)
{
    ovni_writer *w = arg;
    void *p;
    int ret = 0;
    while (queue_pop(&w->q, &p) == 0) {
        writer_item *it = p;
        ovni_frame *f = it->frame;
        int64_t pts = it->pts;
        free(it);
        if (ret < 0 || writer_interrupted(w)) {
            ovni_frame_unref(&f);
            continue;
        }
        w->frames_sent++;
        w->video_end = pts + w->frame_ticks;
        if ((ret = w->enc->cls->send(w->enc, f, pts)) < 0) {
            thread_fail(w, ret);
            queue_close(&w->q); /* the caller's next write returns the error */
        }
    }
    if (ret == 0 && writer_interrupted(w)) thread_fail(w, ovni_error(OVNI_ECANCELED, "%s: interrupted", w->path));
    else if (ret == 0 && (ret = finish(w)) < 0) thread_fail(w, ret);
    return NULL;
}

/* ---- the output file: ovni's own AVIOContext on the temporary file's
 * descriptor, so that nothing reopens it by name for writing ---- */

static int fd_write(void *opaque, uint8_t *buf, int len)
{
    ovni_writer *w = opaque;
    for (int done = 0; done < len;) {
        ssize_t n = write(w->tmp_fd, buf + done, (size_t)(len - done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return AVERROR(n < 0 ? errno : EIO);
        done += (int)n;
    }
    return len;
}

static int fd_read(void *opaque, uint8_t *buf, int len)
{
    ovni_writer *w = opaque;
    ssize_t n = read(w->tmp_fd, buf, (size_t)len);
    return n > 0 ? (int)n : n == 0 ? AVERROR_EOF : AVERROR(errno);
}

static int64_t fd_seek(void *opaque, int64_t offset, int whence)
{
    ovni_writer *w = opaque;
    if ((whence & ~AVSEEK_FORCE) == AVSEEK_SIZE) {
        struct stat sb;
        return fstat(w->tmp_fd, &sb) == 0 ? (int64_t)sb.st_size : AVERROR(errno);
    }
    off_t r = lseek(w->tmp_fd, (off_t)offset, whence & ~AVSEEK_FORCE);
    return r < 0 ? AVERROR(errno) : (int64_t)r;
}

/* Flushes and frees oc->pb; 0 or the write error. */
static int close_io(ovni_writer *w)
{
    AVIOContext *pb = w->oc->pb;
    w->oc->pb = NULL;
    w->io_open = 0;
    avio_flush(pb);
    int r = pb->error;
    av_freep(&pb->buffer);
    avio_context_free(&pb);
    return r;
}

/* ---- open / close ---- */

static void writer_free(ovni_writer *w, int remove_tmp)
{
    if (w->thread_started) {
        queue_close(&w->q);
        pthread_join(w->thread, NULL);
    }
    if (w->queue_ok) queue_destroy(&w->q, drop_item);
    if (w->enc) w->enc->cls->close(&w->enc);
    if (w->audio) audio_close(w);
    if (w->oc) {
        if (w->io_open) close_io(w);
        avformat_free_context(w->oc);
    }
    if (w->tmp_fd >= 0) close(w->tmp_fd);
    if (remove_tmp) tmpfile_discard(w->tmp);
    pthread_mutex_destroy(&w->err_lock);
    if (w->dev) ovni_device_close(&w->dev);
    feed_unref(&w->audio_feed);
    free(w->audio_path);
    free(w->path);
    free(w);
}

static int open_encoder(ovni_writer *w)
{
    encode_params p = {
        .dev = w->dev,
        .path = w->path,
        .s = &w->s,
        .time_base = w->enc_tb,
        .frame_ticks = w->frame_ticks,
        .global_header = (w->oc->oformat->flags & AVFMT_GLOBALHEADER) != 0,
        .hvc1 = !strcmp(w->container, "mp4") || !strcmp(w->container, "mov"),
        .par = w->vst->codecpar,
        .emit = mux_video,
        .emit_ctx = w,
    };
    colour_tags(w, &p.color_space, &p.color_range, &p.color_primaries, &p.color_trc);
    p.chroma_location = (enum AVChromaLocation)(AVCHROMA_LOC_LEFT + (int)w->s.chroma_loc); /* H.273 type + 1 */
    p.sar = w->s.sar_num > 0 ? (AVRational){w->s.sar_num, w->s.sar_den} : (AVRational){1, 1};
    av_reduce(&p.sar.num, &p.sar.den, p.sar.num, p.sar.den, 65535);
    p.field_order = (enum AVFieldOrder)(w->s.field_order == OVNI_FIELD_PROGRESSIVE ? AV_FIELD_PROGRESSIVE
                                                                                 : AV_FIELD_TT + (int)w->s.field_order - 1);
    int ret;
    int try_nvenc = w->s.encoder != OVNI_ENCODER_X264;
    if (try_nvenc && !w->dev->is_gpu) {
        if (w->s.encoder == OVNI_ENCODER_NVENC)
            return ovni_error(OVNI_ENODEV, "%s: encoder NVENC was asked for, but the writer's device is the CPU", w->path);
        device_log(w->dev, OVNI_LOG_INFO, "%s: no GPU: encoding with %s on the CPU", w->path,
                 w->s.codec == OVNI_CODEC_HEVC ? "libx265" : "libx264");
        try_nvenc = 0;
    }
    if (try_nvenc) {
        if ((ret = encoder_nvenc.open(&w->enc, &p)) == 0) return 0;
        if (w->s.encoder == OVNI_ENCODER_NVENC) return ret;
        device_log(w->dev, OVNI_LOG_INFO, "%s: NVENC unavailable (%s): encoding with %s on the CPU", w->path,
                 ovni_last_error(), w->s.codec == OVNI_CODEC_HEVC ? "libx265" : "libx264");
        ovni_error_clear();
    }
    return encoder_x264.open(&w->enc, &p);
}

static int open_output(ovni_writer *w, const char *muxer)
{
    int r = avformat_alloc_output_context2(&w->oc, NULL, muxer, w->tmp);
    if (r < 0 || !w->oc) return ovni_error(OVNI_EUNSUPPORTED, "%s: this FFmpeg cannot write %s files", w->path, muxer);
    enum AVCodecID id = w->s.codec == OVNI_CODEC_HEVC ? AV_CODEC_ID_HEVC : AV_CODEC_ID_H264;
    if (avformat_query_codec(w->oc->oformat, id, FF_COMPLIANCE_NORMAL) == 0)
        return ovni_error(OVNI_EUNSUPPORTED, "%s: a .%s file cannot hold %s video (WebM takes VP8/VP9/AV1); "
                          "use .mp4, .mov, .mkv or .ts", w->path, w->container, avcodec_get_name(id));
    if (!(w->vst = avformat_new_stream(w->oc, NULL)))
        return ovni_error(OVNI_ENOMEM, "%s: out of memory", w->path);
    w->vst->time_base = w->enc_tb;
    w->vst->avg_frame_rate = w->vst->r_frame_rate = (AVRational){w->s.fps.num, w->s.fps.den};
    return 0;
}

/* The stream's geometry: SAR, and the display matrix of settings.orientation
 * (the inverse of media_orientation(): a player turns the frames by it). */
static int stream_geometry(ovni_writer *w)
{
    AVCodecParameters *par = w->vst->codecpar;
    w->vst->sample_aspect_ratio = par->sample_aspect_ratio;
    int o = w->s.orientation;
    if (o <= OVNI_ORIENT_NORMAL) return 0;
    /* (transpose, mirror x, mirror y) of each orientation, as flip.h's table;
     * the matrix maps stored (p, q) to shown (a p + c q, b p + d q) */
    static const int tb[9] = {0, 0, 2, 3, 1, 4, 5, 7, 6};
    int t = tb[o] >> 2 & 1, h = tb[o] >> 1 & 1, v = tb[o] & 1;
    int32_t m[9] = {0};
    const int32_t one = 1 << 16;
    if (t) m[1] = h ? -one : one, m[3] = v ? -one : one;
    else m[0] = h ? -one : one, m[4] = v ? -one : one;
    m[8] = 1 << 30;
#if LIBAVFORMAT_VERSION_MAJOR > 60 || (LIBAVFORMAT_VERSION_MAJOR == 60 && LIBAVFORMAT_VERSION_MINOR >= 16)
    AVPacketSideData *sd = av_packet_side_data_new(&par->coded_side_data, &par->nb_coded_side_data,
                                                   AV_PKT_DATA_DISPLAYMATRIX, sizeof(m), 0);
    uint8_t *dst = sd ? sd->data : NULL;
#else
    uint8_t *dst = av_stream_new_side_data(w->vst, AV_PKT_DATA_DISPLAYMATRIX, sizeof(m));
#endif
    if (!dst) return ovni_error(OVNI_ENOMEM, "%s: out of memory", w->path);
    memcpy(dst, m, sizeof(m));
    return 0;
}

static int start_file(ovni_writer *w)
{
    int r;
    enum { IO_BUFFER = 1 << 16 };
    uint8_t *buf = av_malloc(IO_BUFFER);
    w->oc->pb = buf ? avio_alloc_context(buf, IO_BUFFER, 1, w, fd_read, fd_write, fd_seek) : NULL;
    if (!w->oc->pb) {
        av_free(buf);
        return ovni_error(OVNI_ENOMEM, "%s: out of memory", w->path);
    }
    w->oc->flags |= AVFMT_FLAG_CUSTOM_IO;
    w->io_open = 1;
    /* What the muxer opens itself (MP4's faststart pass reads the file back). */
    av_opt_set(w->oc, "protocol_whitelist", "file", 0);
    AVDictionary *opts = NULL;
    if (w->s.faststart && (!strcmp(w->container, "mp4") || !strcmp(w->container, "mov")))
        av_dict_set(&opts, "movflags", "+faststart", 0);
    r = avformat_write_header(w->oc, &opts);
    av_dict_free(&opts);
    if (r < 0) {
        char buf[128];
        av_strerror(r, buf, sizeof(buf));
        return ovni_error(OVNI_EIO, "%s: cannot write the %s header: %s", w->path, w->container, buf);
    }
    return 0;
}

int ovni_writer_open(ovni_writer **out, ovni_device *dev, const char *path, const ovni_writer_settings *settings)
{
    int ret;
    if (!out) return ovni_error(OVNI_EINVAL, "ovni_writer_open: out is NULL");
    *out = NULL;
    if (!dev || !path || !settings) return ovni_error(OVNI_EINVAL, "ovni_writer_open: NULL device, path or settings");
    if (!*path) return ovni_error(OVNI_EINVAL, "ovni_writer_open: empty path");
    const char *ext;
    const char *muxer = muxer_for(path, &ext);
    if (!muxer)
        return ovni_error(OVNI_EINVAL, "%s: unknown extension \"%s\": expected .mp4, .mov, .mkv, .webm or .ts", path, ext);
    if ((ret = check_settings(path, settings)) < 0) return ret;
    /* The encoder's lookahead, B-frames and threads hold frames too. */
    if ((ret = guard_memory_check(path, "encoder", settings->width, settings->height,
                                  (int64_t)settings->width * settings->height * 3 / 2 *
                                      ((settings->queue_depth ? settings->queue_depth : 4) + 64),
                                  guard_memory_limit(settings->max_memory))) < 0)
        return ret;

    ovni_writer *w = ovni_calloc(1, sizeof(*w));
    if (!w) return ovni_error(OVNI_ENOMEM, "ovni_writer_open: out of memory");
    pthread_mutex_init(&w->err_lock, NULL);
    atomic_init(&w->cancel, 0);
    w->tmp_fd = -1;
    w->s = *settings;
    w->container = ext;
    snprintf(w->preset, sizeof(w->preset), "%s", settings->preset ? settings->preset : "p4");
    w->s.preset = w->preset;
    w->path = ovni_strdup(path);
    if (settings->audio_reader) {
        w->audio_feed = feed_ref(reader_feed(settings->audio_reader));
        w->audio_path = ovni_strdup(feed_path(w->audio_feed)); /* for messages */
    } else {
        w->audio_path = settings->audio_path ? ovni_strdup(settings->audio_path) : NULL;
    }
    w->s.audio_path = settings->audio_path ? w->audio_path : NULL;
    w->s.audio_reader = NULL; /* the writer holds the feed, not the reader */
    if (!w->s.queue_depth) w->s.queue_depth = 4;
    /* The encoders see only the coded (even) size; frames come at the given one. */
    w->frame_w = w->s.width;
    w->frame_h = w->s.height;
    ovni_writer_coded_size(settings, &w->s.width, &w->s.height);
    w->dev = dev;
    device_retain(dev);
    if (!w->path || ((settings->audio_path || settings->audio_reader) && !w->audio_path)) {
        writer_free(w, 0);
        return ovni_error(OVNI_ENOMEM, "ovni_writer_open: out of memory");
    }
    AVRational fps = {w->s.fps.num, w->s.fps.den};
    av_reduce(&fps.num, &fps.den, fps.num, fps.den, INT32_MAX);
    w->s.fps = (ovni_rational){fps.num, fps.den};
    w->enc_tb = w->s.pts_passthrough ? (AVRational){1, PASSTHROUGH_HZ} : av_inv_q(fps);
    w->frame_ticks = av_rescale_q(1, av_inv_q(fps), w->enc_tb);
    if (w->frame_ticks < 1) w->frame_ticks = 1;

    struct stat sb;
    if (w->s.no_overwrite && lstat(path, &sb) == 0) {
        writer_free(w, 0);
        return ovni_error(OVNI_EIO, "%s: the output exists (no-overwrite); it was left as it was", path);
    }
    if ((ret = w->tmp_fd = tmpfile_create(path, w->tmp, sizeof(w->tmp))) < 0 || (ret = open_output(w, muxer)) < 0 ||
        (ret = open_encoder(w)) < 0 || (w->audio_path && (ret = audio_open(w)) < 0) ||
        (ret = stream_geometry(w)) < 0 || (ret = start_file(w)) < 0) {
        writer_free(w, 1);
        return ret;
    }
    if (queue_init(&w->q, w->s.queue_depth) < 0) {
        writer_free(w, 1);
        return ovni_error(OVNI_ENOMEM, "%s: out of memory", path);
    }
    w->queue_ok = 1;
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        writer_free(w, 1);
        return ovni_error(OVNI_ENOMEM, "%s: cannot start the writer thread", path);
    }
    w->thread_started = 1;
    if (w->s.width != w->frame_w || w->s.height != w->frame_h) {
        int pad = w->s.width > w->frame_w || w->s.height > w->frame_h;
        device_log(dev, OVNI_LOG_INFO, "%s: %dx%d has an odd side, which H.264/HEVC (4:2:0, cropped in 2-pixel "
                   "steps) cannot code: written as %dx%d, the last %s %s (even=%s)", path, w->frame_w, w->frame_h,
                   w->s.width, w->s.height,
                   (w->s.width != w->frame_w) && (w->s.height != w->frame_h) ? "column and row"
                   : w->s.width != w->frame_w ? "column" : "row",
                   pad ? "repeated" : "dropped", w->s.even == OVNI_EVEN_CROP ? "crop" : "pad");
    }
    *out = w;
    return 0;
}

/* ---- frames the file cannot hold as they are ---- */

static void release_parent(void *opaque)
{
    ovni_frame *f = opaque;
    ovni_frame_unref(&f);
}

/* Plane `plane` of NV12 frame f as a GRAY8 frame of `bytes` x `rows` (a view
 * that holds a reference on f). */
static int plane_view(ovni_frame *f, int plane, int bytes, int rows, ovni_frame **out)
{
    uint8_t *data[2] = {f->data[plane], NULL};
    size_t pitch[2] = {f->pitch[plane], 0};
    ovni_frame *ref = ovni_frame_ref(f);
    int ret = ovni_frame_wrap(f->device, OVNI_FORMAT_GRAY8, bytes, rows, f->memory, data, pitch, release_parent,
                              ref, out);
    if (ret < 0) ovni_frame_unref(&ref);
    return ret;
}

/* NV12 src into dst of another size: each plane's whole-pixel crop, whose
 * border repeats (crop.h's shift): luma's last column/row repeated or
 * dropped. Chroma of an odd side already has the padded side's samples
 * ((w + 1) / 2); cropped, its last one goes. */
static int even_nv12(ovni_frame *dst, ovni_frame *src)
{
    int ret = 0;
    for (int p = 0; p < 2 && ret == 0; p++) {
        int sw = p ? (src->width + 1) / 2 * 2 : src->width, sh = p ? (src->height + 1) / 2 : src->height;
        int dw = p ? dst->width / 2 * 2 : dst->width, dh = p ? dst->height / 2 : dst->height;
        ovni_frame *vs = NULL, *vd = NULL;
        if ((ret = plane_view(src, p, sw, sh, &vs)) == 0 && (ret = plane_view(dst, p, dw, dh, &vd)) == 0)
            ret = ovni_crop_into(vd, vs, 0.0f, 0.0f, (float)dw, (float)dh);
        ovni_frame_unref(&vs);
        ovni_frame_unref(&vd);
    }
    return ret;
}

/* The frame as the encoder codes it, on the frame's own device and memory:
 * RGBA32 composited over the background and made the coded size in one pass
 * (ovni_flatten_into: an added column/row repeats the last one); RGB24 and
 * NV12 of an odd size padded or cropped by a whole-pixel crop (crop.h's
 * border repeats). *out: a new reference (frame itself when nothing changes). */
static int writer_prepare(ovni_writer *w, ovni_frame *frame, ovni_frame **out)
{
    int ret = 0;
    int resize = frame->width != w->s.width || frame->height != w->s.height;
    *out = NULL;
    if (frame->format != OVNI_FORMAT_RGBA32 && !resize) {
        *out = ovni_frame_ref(frame);
        return 0;
    }
    if (frame->format == OVNI_FORMAT_RGBA32 && !w->alpha_noted) {
        w->alpha_noted = 1;
        device_log(w->dev, OVNI_LOG_INFO, "%s: the frames have alpha and the file has none: composited over "
                   "#%02X%02X%02X (background)", w->path, w->s.background[0], w->s.background[1],
                   w->s.background[2]);
    }
    /* a host frame may still be the target of a copy (the NV12 views do not carry its event) */
    if (frame->memory == OVNI_MEMORY_HOST && (ret = ovni_frame_wait(frame)) < 0) return ret;
    ovni_frame *g = NULL;
    ovni_format fmt = frame->format == OVNI_FORMAT_RGBA32 ? OVNI_FORMAT_RGB24 : frame->format;
    if ((ret = ovni_frame_new(frame->device, fmt, w->s.width, w->s.height, frame->memory, &g)) < 0) return ret;
    if (frame->format == OVNI_FORMAT_RGBA32)
        ret = ovni_flatten_into(g, frame, w->s.background);
    else if (frame->format == OVNI_FORMAT_NV12)
        ret = even_nv12(g, frame);
    else
        ret = ovni_crop_into(g, frame, 0.0f, 0.0f, (float)w->s.width, (float)w->s.height);
    if (ret < 0) {
        ovni_frame_unref(&g);
        return ret;
    }
    ovni_frame_copy_props(g, frame);
    *out = g;
    return 0;
}

/* A P010 frame as NV12: every encoder behind encode.h codes 8 bits, so 10
 * bits are reduced as libswscale does for `-pix_fmt yuv420p` (depth.h), on
 * the frame's own device and memory, its tags kept; one info line at the
 * first such frame. */
static int writer_depth(ovni_writer *w, const ovni_frame *frame, ovni_frame **out)
{
    if (!w->depth_noted) {
        w->depth_noted = 1;
        device_log(w->dev, OVNI_LOG_INFO, "%s: the frames are 10-bit (p010) and %s codes 8 bits: written 8-bit "
                   "(dithered as FFmpeg's -pix_fmt yuv420p), colour tags kept", w->path, w->enc->name);
    }
    int ret = ovni_frame_new(frame->device, OVNI_FORMAT_NV12, frame->width, frame->height, frame->memory, out);
    if (ret == 0 && (ret = ovni_convert_into(*out, frame)) < 0) ovni_frame_unref(out);
    return ret;
}

const char *ovni_writer_encoder_name(const ovni_writer *w) { return w && w->enc ? w->enc->name : NULL; }

int ovni_writer_write(ovni_writer *w, ovni_frame *frame)
{
    int ret;
    if (!w) return ovni_error(OVNI_EINVAL, "ovni_writer_write: writer is NULL");
    if ((ret = thread_status(w)) < 0) return ret;
    if ((ret = frame_check("ovni_writer_write", "the", frame)) < 0) return ret;
    if (frame->format != OVNI_FORMAT_NV12 && frame->format != OVNI_FORMAT_P010 && frame->format != OVNI_FORMAT_RGB24 &&
        frame->format != OVNI_FORMAT_RGBA32)
        return ovni_error(OVNI_EINVAL, "%s: frame format %s: the writer takes nv12, p010, rgb24 or rgba32", w->path,
                          ovni_format_name(frame->format));
    if (frame->width != w->frame_w || frame->height != w->frame_h)
        return ovni_error(OVNI_EINVAL, "%s: frame size %dx%d differs from the output size %dx%d (resize it first)",
                          w->path, frame->width, frame->height, w->frame_w, w->frame_h);
    if (frame->memory == OVNI_MEMORY_DEVICE && w->enc->device_bound && frame->device != w->dev)
        return ovni_error(OVNI_EINVAL, "%s: the frame is on another GPU than the writer's", w->path);
    int64_t pts = w->frames_queued;
    if (w->s.pts_passthrough) {
        if (frame->time_base.num <= 0 || frame->time_base.den <= 0)
            return ovni_error(OVNI_EINVAL, "%s: pts passthrough: frame time_base %d/%d is not positive", w->path,
                              frame->time_base.num, frame->time_base.den);
        pts = av_rescale_q(frame->pts, (AVRational){frame->time_base.num, frame->time_base.den}, w->enc_tb);
        if (w->frames_queued > 0 && pts <= w->last_pts)
            return ovni_error(OVNI_EINVAL, "%s: pts passthrough: frame pts %lld (%d/%d) does not increase", w->path,
                              (long long)frame->pts, frame->time_base.num, frame->time_base.den);
    }
    ovni_frame *f = NULL, *rgb = NULL, *low = NULL;
    if (frame->format == OVNI_FORMAT_P010 && (ret = writer_depth(w, frame, &low)) < 0) return ret;
    ret = writer_prepare(w, low ? low : frame, &rgb);
    ovni_frame_unref(&low);
    if (ret < 0) return ret;
    if (rgb->format == OVNI_FORMAT_NV12) {
        f = rgb;
    } else {
        /* RGB is converted here, with the matrix and range the file is tagged with. */
        ret = ovni_frame_new(rgb->device, OVNI_FORMAT_NV12, rgb->width, rgb->height, rgb->memory, &f);
        if (ret == 0) {
            f->matrix = w->s.matrix;
            f->range = w->s.range;
            f->chroma_loc = w->s.chroma_loc;
            ret = ovni_convert_into(f, rgb);
        }
        ovni_frame_unref(&rgb);
        if (ret < 0) {
            ovni_frame_unref(&f);
            return ret;
        }
        f->field_order = frame->field_order;
    }
    writer_item *it = ovni_malloc(sizeof(*it));
    if (!it) {
        ovni_frame_unref(&f);
        return ovni_error(OVNI_ENOMEM, "%s: out of memory", w->path);
    }
    it->frame = f;
    it->pts = pts;
    if (queue_push(&w->q, it) < 0) {
        drop_item(it);
        ret = thread_status(w);
        return ret < 0 ? ret : ovni_error(OVNI_EINVAL, "%s: the writer is closed", w->path);
    }
    w->frames_queued++;
    w->last_pts = pts;
    return 0;
}

int ovni_writer_close(ovni_writer **wp)
{
    if (!wp || !*wp) return 0;
    ovni_writer *w = *wp;
    *wp = NULL;
    queue_close(&w->q);
    pthread_join(w->thread, NULL);
    w->thread_started = 0;
    int ret = thread_status(w);
    if (ret == 0 && !w->finished) ret = ovni_error(OVNI_EIO, "%s: the file was not finished", w->path);
    if (w->io_open) {
        int r = close_io(w);
        if (r < 0 && ret == 0) {
            char buf[128];
            av_strerror(r, buf, sizeof(buf));
            ret = ovni_error(OVNI_EIO, "%s: write failed: %s", w->path, buf);
        }
    }
    /* The last look before the target changes: Ctrl-C up to here keeps it. */
    if (ret == 0 && writer_interrupted(w)) ret = ovni_error(OVNI_ECANCELED, "%s: interrupted", w->path);
    if (ret == 0) {
        ret = tmpfile_commit(w->tmp_fd, w->tmp, w->path, w->s.no_overwrite);
        w->tmp[0] = 0;
    }
    if (ret < 0) {
        /* Keep the message across the cleanup (which may set others). */
        char msg[1024];
        snprintf(msg, sizeof(msg), "%s", ovni_last_error());
        writer_free(w, 1);
        return ovni_error(ret, "%s", msg);
    }
    writer_free(w, 1);
    return 0;
}

void ovni_writer_cancel(ovni_writer **wp)
{
    if (!wp || !*wp) return;
    ovni_writer *w = *wp;
    *wp = NULL;
    atomic_store(&w->cancel, 1);
    writer_free(w, 1);
}
