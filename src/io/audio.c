/* The writer's audio stream, taken from a file: copied packet by packet
 * where the codec fits the container, else decoded and re-encoded to AAC
 * (libavcodec's native encoder) or Opus (libopus, where AAC cannot go),
 * libswresample for the sample format. The writer thread pulls audio up to
 * each video packet's time, so the muxer gets both streams in step and
 * memory stays bounded; at the end, audio that starts after the video's
 * last frame is dropped.
 *
 * Placement: output time 0 is `start_ts` on the audio's timeline. Copied
 * packets keep their time from it (a later start is an offset the muxer
 * writes as an edit list or a start time; the packet holding start_ts may
 * begin before it). Re-encoded audio is placed to the sample: silence
 * before a later start, the samples before start_ts cut. A loop restarts
 * the source every `loop_ts`, each pass placed at its own start.
 *
 * Packets come from the audio's own demuxer (audio_path, opened again) or
 * from a reader's feed (audio_reader: stdin and FIFOs, read once). A feed
 * may have no packet yet when the writer asks (the reader is still
 * demuxing): the pump then stops for now (AUDIO_LATER) and goes on at the
 * next video packet; at the final pump the reader has ended or closed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavutil/audio_fifo.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>

#include "discont.h"
#include "feed.h"
#include "guard.h"
#include "../core/common.h"
#include "writer_internal.h"

struct writer_audio {
    AVFormatContext *ic;        /* the audio's own demuxer (audio_path), or NULL */
    packet_feed *feed;          /* or the packets a reader's demuxer read (audio_reader) */
    int in_index;
    ts_discont fix;             /* timestamp jumps joined (own demuxer; a feed's are joined by its reader) */
    const AVCodecParameters *par; /* the input stream's */
    AVRational tb;              /* its time base */
    AVStream *out;
    int64_t start_ts;           /* audio_start in the input's time base */
    int64_t first_ts;           /* the stream's start_time (or 0) */
    int64_t loop_ts;            /* settings.audio_loop in the input's time base; 0: no loop */
    int64_t pass;               /* passes started before this one (loop) */
    AVPacket *pkt;              /* the next output packet, held back */
    int have_pkt, eof;
    /* Re-encoding only. */
    AVCodecContext *dec, *enc;
    SwrContext *swr;
    AVChannelLayout swr_layout; /* the input the resampler was set up for: a change (joined */
    int swr_rate, swr_format;   /* recordings) sets it up again */
    AVAudioFifo *fifo;
    AVFrame *in_frame, *out_frame;
    int64_t samples_out;
    int dec_eof, enc_flushed;
    int placed;                 /* this pass's first frame was placed */
    int64_t drop;               /* converted samples still to cut from the front */
    const char *enc_name;       /* "AAC", "Opus" */
};

static int a_fail(ovni_writer *w, int code, const char *what, int averr)
{
    char buf[128];
    av_strerror(averr, buf, sizeof(buf));
    return ovni_error(code, "%s: audio from %s: %s: %s", w->path, w->audio_path, what, buf);
}

#define AUDIO_LATER 2 /* no packet yet from the feed: the pump goes on at the next video packet */

/* The input's next packet (of any stream with a demuxer of our own): 0,
 * AVERROR_EOF, AVERROR(EAGAIN) from a feed that has none yet, or an error. */
static int read_packet(struct writer_audio *a, AVPacket *p)
{
    if (!a->feed) {
        int r = av_read_frame(a->ic, p);
        if (r == 0 && p->stream_index == a->in_index) discont_fix(&a->fix, p, a->tb);
        return r;
    }
    int r = feed_pop(a->feed, p);
    if (r == 0) p->stream_index = a->in_index;
    return r;
}

/* ---- re-encoding to AAC or Opus ---- */

static int open_encoder(ovni_writer *w, struct writer_audio *a, int opus)
{
    const AVCodec *dc = avcodec_find_decoder(a->par->codec_id);
    const AVCodec *ec = avcodec_find_encoder_by_name(opus ? "libopus" : "aac");
    a->enc_name = opus ? "Opus" : "AAC";
    if (!dc)
        return ovni_error(OVNI_EUNSUPPORTED, "%s: audio from %s: no decoder for %s", w->path, w->audio_path,
                          avcodec_get_name(a->par->codec_id));
    if (!ec) return ovni_error(OVNI_EUNSUPPORTED, "%s: this FFmpeg has no %s encoder", w->path, opus ? "libopus" : "AAC");
    int r;
    if (!(a->dec = avcodec_alloc_context3(dc)) || !(a->enc = avcodec_alloc_context3(ec)) ||
        !(a->in_frame = av_frame_alloc()) || !(a->out_frame = av_frame_alloc()))
        return ovni_error(OVNI_ENOMEM, "%s: out of memory", w->path);
    a->dec->pkt_timebase = a->tb;
    if ((r = avcodec_parameters_to_context(a->dec, a->par)) < 0 || (r = avcodec_open2(a->dec, dc, NULL)) < 0)
        return a_fail(w, OVNI_EFORMAT, "cannot open the decoder", r);
    if (a->dec->sample_rate <= 0 || a->dec->ch_layout.nb_channels <= 0)
        return ovni_error(OVNI_EFORMAT, "%s: audio from %s: no sample rate or channel count", w->path, w->audio_path);
    /* The encoder's rates; anything else is resampled to 48 kHz. */
    static const int aac_rates[] = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 0};
    static const int opus_rates[] = {48000, 24000, 16000, 12000, 8000, 0};
    const int *rates = opus ? opus_rates : aac_rates;
    int rate = 48000;
    for (int i = 0; rates[i]; i++)
        if (rates[i] == a->dec->sample_rate) rate = rates[i];
    AVChannelLayout layout;
    if (a->dec->ch_layout.nb_channels == 1) av_channel_layout_from_mask(&layout, AV_CH_LAYOUT_MONO);
    else if (a->dec->ch_layout.nb_channels == 6 && !opus) av_channel_layout_from_mask(&layout, AV_CH_LAYOUT_5POINT1_BACK);
    else av_channel_layout_from_mask(&layout, AV_CH_LAYOUT_STEREO); /* others are downmixed */
    a->enc->sample_rate = rate;
    a->enc->sample_fmt = opus ? AV_SAMPLE_FMT_FLT : AV_SAMPLE_FMT_FLTP;
    av_channel_layout_copy(&a->enc->ch_layout, &layout);
    a->enc->bit_rate = 64000 * (int64_t)(layout.nb_channels < 2 ? 2 : layout.nb_channels);
    a->enc->time_base = (AVRational){1, rate};
    if (w->oc->oformat->flags & AVFMT_GLOBALHEADER) a->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if ((r = avcodec_open2(a->enc, ec, NULL)) < 0)
        return a_fail(w, OVNI_EUNSUPPORTED, opus ? "cannot open the Opus encoder" : "cannot open the AAC encoder", r);
    if (!(a->fifo = av_audio_fifo_alloc(a->enc->sample_fmt, layout.nb_channels, 4096)))
        return ovni_error(OVNI_ENOMEM, "%s: out of memory", w->path);
    if ((r = avcodec_parameters_from_context(a->out->codecpar, a->enc)) < 0) return a_fail(w, OVNI_ENOMEM, "parameters", r);
    a->out->time_base = a->enc->time_base;
    return 0;
}

/* The resampler is set up from the first decoded frame: decoders may only
 * know the channel layout and sample format once they have decoded. */
static int init_swr(ovni_writer *w, struct writer_audio *a, const AVFrame *in)
{
    AVChannelLayout in_layout;
    int r = av_channel_layout_copy(&in_layout, &in->ch_layout);
    if (r == 0 && in_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
        int n = in_layout.nb_channels;
        av_channel_layout_uninit(&in_layout);
        av_channel_layout_default(&in_layout, n);
    }
    if (r == 0)
        r = swr_alloc_set_opts2(&a->swr, &a->enc->ch_layout, a->enc->sample_fmt, a->enc->sample_rate, &in_layout,
                                (enum AVSampleFormat)in->format, in->sample_rate, 0, NULL);
    av_channel_layout_uninit(&in_layout);
    if (r < 0 || (r = swr_init(a->swr)) < 0) return a_fail(w, OVNI_EUNSUPPORTED, "cannot convert the samples", r);
    av_channel_layout_uninit(&a->swr_layout);
    if (av_channel_layout_copy(&a->swr_layout, &in->ch_layout) < 0) return ovni_error(OVNI_ENOMEM, "out of memory");
    a->swr_rate = in->sample_rate;
    a->swr_format = in->format;
    return 0;
}

/* Converted samples into the FIFO; `in` NULL drains the resampler. */
static int resample(ovni_writer *w, struct writer_audio *a, const AVFrame *in)
{
    AVFrame *o = a->out_frame;
    int r;
    if (a->swr && in && (in->format != a->swr_format || in->sample_rate != a->swr_rate ||
                         av_channel_layout_compare(&in->ch_layout, &a->swr_layout))) {
        /* the input's format changed mid-stream (a swr set up for stereo read
         * two planes of a mono frame): the rest resampled from its own */
        ovni_log(OVNI_LOG_INFO, "%s: audio from %s: the input changes to %d channels at %d Hz", w->path,
                 w->audio_path, in->ch_layout.nb_channels, in->sample_rate);
        swr_free(&a->swr);
    }
    if (!a->swr) {
        if (!in) return 0;
        if ((r = init_swr(w, a, in)) < 0) return r;
    }
    av_frame_unref(o);
    av_channel_layout_copy(&o->ch_layout, &a->enc->ch_layout);
    o->format = a->enc->sample_fmt;
    o->sample_rate = a->enc->sample_rate;
    o->nb_samples = (int)swr_get_out_samples(a->swr, in ? in->nb_samples : 0) + 16;
    if ((r = av_frame_get_buffer(o, 0)) < 0) return a_fail(w, OVNI_ENOMEM, "buffer", r);
    r = swr_convert(a->swr, o->extended_data, o->nb_samples, in ? (const uint8_t **)in->extended_data : NULL,
                    in ? in->nb_samples : 0);
    if (r < 0) return a_fail(w, OVNI_EFORMAT, "sample conversion failed", r);
    o->nb_samples = r;
    int skip = a->drop < r ? (int)a->drop : r; /* the samples before the start, cut */
    a->drop -= skip;
    int keep = r - skip;
    if (keep > 0) {
        void *ptr[AV_NUM_DATA_POINTERS] = {0};
        int planar = av_sample_fmt_is_planar(o->format), nch = o->ch_layout.nb_channels;
        int step = av_get_bytes_per_sample(o->format) * (planar ? 1 : nch);
        for (int c = 0; c < (planar ? nch : 1) && c < AV_NUM_DATA_POINTERS; c++)
            ptr[c] = o->extended_data[c] + (size_t)skip * step;
        if (av_audio_fifo_write(a->fifo, ptr, keep) < keep) return ovni_error(OVNI_ENOMEM, "%s: out of memory", w->path);
    }
    return 0;
}

/* Silence into the FIFO (an audio start later than the video's). */
static int add_silence(ovni_writer *w, struct writer_audio *a, int64_t n)
{
    AVFrame *o = a->out_frame;
    while (n > 0) {
        int chunk = n > 4096 ? 4096 : (int)n;
        av_frame_unref(o);
        av_channel_layout_copy(&o->ch_layout, &a->enc->ch_layout);
        o->format = a->enc->sample_fmt;
        o->sample_rate = a->enc->sample_rate;
        o->nb_samples = chunk;
        int r = av_frame_get_buffer(o, 0);
        if (r < 0) return a_fail(w, OVNI_ENOMEM, "buffer", r);
        av_samples_set_silence(o->extended_data, 0, chunk, o->ch_layout.nb_channels, o->format);
        if (av_audio_fifo_write(a->fifo, (void **)o->extended_data, chunk) < chunk)
            return ovni_error(OVNI_ENOMEM, "%s: out of memory", w->path);
        n -= chunk;
    }
    return 0;
}

/* A pass's first decoded frame: where it goes on the output's sample clock
 * against where the output is, as silence before it or samples cut. */
static int place(ovni_writer *w, struct writer_audio *a, const AVFrame *f)
{
    a->placed = 1;
    if (f->pts == AV_NOPTS_VALUE) return 0;
    AVRational out_tb = {1, a->enc->sample_rate};
    int64_t want = av_rescale_q(f->pts - a->start_ts + a->pass * a->loop_ts, a->tb, out_tb);
    int64_t have = a->samples_out + av_audio_fifo_size(a->fifo);
    if (want > have) return add_silence(w, a, want - have);
    a->drop = have - want;
    return 0;
}

/* Back to the start for the next pass of a loop. */
static int restart(ovni_writer *w, struct writer_audio *a)
{
    if (!a->ic) return ovni_error(OVNI_EUNSUPPORTED, "%s: audio from %s: read once, it cannot loop", w->path,
                                  w->audio_path);
    a->pass++;
    a->placed = 0;
    a->drop = 0;
    int r = avformat_seek_file(a->ic, a->in_index, INT64_MIN, a->start_ts, a->start_ts, 0);
    if (r < 0) r = av_seek_frame(a->ic, a->in_index, a->start_ts, AVSEEK_FLAG_BACKWARD);
    if (r < 0) return a_fail(w, OVNI_EFORMAT, "cannot seek back for the loop", r);
    discont_reset(&a->fix);
    if (a->dec) avcodec_flush_buffers(a->dec);
    return 0;
}

/* Decodes input until the FIFO holds a frame's worth or the input ends:
 * 0, AUDIO_LATER, or an error. */
static int decode_more(ovni_writer *w, struct writer_audio *a)
{
    AVPacket *p = a->pkt;
    for (;;) {
        int r = avcodec_receive_frame(a->dec, a->in_frame);
        if (r == 0) {
            AVFrame *f = a->in_frame;
            int64_t end = f->pts == AV_NOPTS_VALUE ? INT64_MAX
                          : f->pts + av_rescale_q(f->nb_samples, (AVRational){1, f->sample_rate}, a->tb);
            if (a->loop_ts > 0 && f->pts != AV_NOPTS_VALUE && f->pts >= a->start_ts + a->loop_ts) {
                av_frame_unref(f); /* this pass is over */
                if ((r = restart(w, a)) < 0) return r;
                continue;
            }
            /* Frames ending before audio_start are skipped whole. */
            if (end > a->start_ts) {
                if (!a->placed) r = place(w, a, f);
                if (r == 0) r = resample(w, a, f);
            }
            av_frame_unref(f);
            if (r < 0) return r;
            if (av_audio_fifo_size(a->fifo) >= a->enc->frame_size) return 0;
            continue;
        }
        if (r == AVERROR_EOF) {
            if (a->loop_ts > 0 && a->placed) {
                if ((r = restart(w, a)) < 0) return r;
                continue;
            }
            a->dec_eof = 1;
            return resample(w, a, NULL);
        }
        if (r != AVERROR(EAGAIN)) return a_fail(w, OVNI_EFORMAT, "decoding failed", r);
        /* Feed one packet of our stream (NULL at the end of the file). */
        for (;;) {
            r = read_packet(a, p);
            if (r == AVERROR(EAGAIN)) return AUDIO_LATER;
            if (r < 0) {
                r = avcodec_send_packet(a->dec, NULL);
                break;
            }
            if (p->stream_index == a->in_index) {
                r = avcodec_send_packet(a->dec, p);
                av_packet_unref(p);
                /* A corrupt packet is skipped, as a player would. */
                if (r == AVERROR_INVALIDDATA) r = 0;
                break;
            }
            av_packet_unref(p);
        }
        if (r < 0 && r != AVERROR_EOF) return a_fail(w, OVNI_EFORMAT, "decoding failed", r);
    }
}

/* Next AAC packet into a->pkt: 1, 0 at the end, or AUDIO_LATER. */
static int next_encoded(ovni_writer *w, struct writer_audio *a)
{
    for (;;) {
        int r = avcodec_receive_packet(a->enc, a->pkt);
        if (r == 0) return 1;
        if (r == AVERROR_EOF) return 0;
        if (r != AVERROR(EAGAIN)) return a_fail(w, OVNI_EFORMAT, "encoding failed", r);
        int have = av_audio_fifo_size(a->fifo);
        if (have < a->enc->frame_size && !a->dec_eof) {
            if ((r = decode_more(w, a)) != 0) return r;
            continue;
        }
        if (have == 0) { /* input done, FIFO empty */
            if ((r = avcodec_send_frame(a->enc, NULL)) < 0 && r != AVERROR_EOF)
                return a_fail(w, OVNI_EFORMAT, "encoding failed", r);
            continue;
        }
        AVFrame *o = a->out_frame;
        av_frame_unref(o);
        av_channel_layout_copy(&o->ch_layout, &a->enc->ch_layout);
        o->format = a->enc->sample_fmt;
        o->sample_rate = a->enc->sample_rate;
        o->nb_samples = have < a->enc->frame_size ? have : a->enc->frame_size;
        if ((r = av_frame_get_buffer(o, 0)) < 0) return a_fail(w, OVNI_ENOMEM, "buffer", r);
        av_audio_fifo_read(a->fifo, (void **)o->extended_data, o->nb_samples);
        o->pts = a->samples_out;
        a->samples_out += o->nb_samples;
        r = avcodec_send_frame(a->enc, o);
        av_frame_unref(o);
        if (r < 0) return a_fail(w, OVNI_EFORMAT, "encoding failed", r);
    }
}

/* ---- copying ---- */

/* Next input packet of the stream, re-timed from start_ts: 1, 0 at the end,
 * or AUDIO_LATER. The
 * packet holding start_ts is kept (it may begin before it: the muxer then
 * writes an edit list), and so is AAC's priming (negative pts) when the
 * output starts at the file's start. */
static int next_copied(ovni_writer *w, struct writer_audio *a)
{
    for (;;) {
        int r = read_packet(a, a->pkt);
        if (r == AVERROR(EAGAIN)) return AUDIO_LATER;
        AVPacket *p = a->pkt;
        int64_t t = r < 0 ? AV_NOPTS_VALUE : p->pts != AV_NOPTS_VALUE ? p->pts : p->dts;
        if (a->loop_ts > 0 && (r == AVERROR_EOF || (r >= 0 && p->stream_index == a->in_index && t != AV_NOPTS_VALUE &&
                                                    t >= a->start_ts + a->loop_ts))) {
            av_packet_unref(p);
            if ((r = restart(w, a)) < 0) return r;
            continue;
        }
        if (r == AVERROR_EOF || r == AVERROR(EIO)) return 0;
        if (r < 0) return a_fail(w, OVNI_EFORMAT, "reading failed", r);
        int64_t end = t == AV_NOPTS_VALUE ? t : t + (p->duration > 0 ? p->duration : 0);
        int early = t != AV_NOPTS_VALUE && end <= a->start_ts && !(t < 0 && a->start_ts <= 0);
        if (p->stream_index != a->in_index || t == AV_NOPTS_VALUE || early) {
            av_packet_unref(p);
            continue;
        }
        int64_t shift = a->start_ts - a->pass * a->loop_ts;
        p->pts = p->pts != AV_NOPTS_VALUE ? p->pts - shift : AV_NOPTS_VALUE;
        p->dts = p->dts != AV_NOPTS_VALUE ? p->dts - shift : AV_NOPTS_VALUE;
        av_packet_rescale_ts(p, a->tb, a->out->time_base);
        return 1;
    }
}

/* ---- the writer's side ---- */

/* Whether a container takes a codec as it is: what the muxer maps to a
 * standard track. avformat_query_codec() answers "cannot tell" for
 * MPEG-TS (which then writes any other codec as a data stream), and
 * "yes" for codecs MP4/MOV hold only as experimental or non-standard
 * (FLAC, Opus and Vorbis in MP4/MOV), so those lists are our own. */
int audio_fits(const AVOutputFormat *of, enum AVCodecID id)
{
    static const enum AVCodecID ts[] = {AV_CODEC_ID_AAC, AV_CODEC_ID_MP3, AV_CODEC_ID_MP2, AV_CODEC_ID_AC3,
                                        AV_CODEC_ID_EAC3, AV_CODEC_ID_OPUS, AV_CODEC_ID_NONE};
    static const enum AVCodecID mp4[] = {AV_CODEC_ID_AAC, AV_CODEC_ID_MP3, AV_CODEC_ID_MP2, AV_CODEC_ID_AC3,
                                         AV_CODEC_ID_EAC3, AV_CODEC_ID_ALAC, AV_CODEC_ID_NONE};
    static const enum AVCodecID mov[] = {AV_CODEC_ID_AAC, AV_CODEC_ID_MP3, AV_CODEC_ID_MP2, AV_CODEC_ID_AC3,
                                         AV_CODEC_ID_EAC3, AV_CODEC_ID_ALAC, AV_CODEC_ID_PCM_S16LE,
                                         AV_CODEC_ID_PCM_S16BE, AV_CODEC_ID_PCM_S24LE, AV_CODEC_ID_PCM_S32LE,
                                         AV_CODEC_ID_PCM_F32LE, AV_CODEC_ID_NONE};
    const enum AVCodecID *list = !strcmp(of->name, "mpegts") ? ts : !strcmp(of->name, "mp4") ? mp4
                                 : !strcmp(of->name, "mov") ? mov : NULL;
    if (list) {
        for (int i = 0; list[i] != AV_CODEC_ID_NONE; i++)
            if (list[i] == id) return 1;
        return 0;
    }
    return avformat_query_codec(of, id, FF_COMPLIANCE_NORMAL) == 1;
}

/* One info line when a separate audio file (music under a clip, a song
 * under a still) runs on well past the video and is cut at its end: the
 * output is as long as its video, which the audio's length does not change.
 * Not for the input's own audio (audio_sync), whose cut follows a trim the
 * caller asked for, nor a looped one. */
static void note_cut(const ovni_writer *w, const struct writer_audio *a, double video_end)
{
    if (w->s.audio_sync || w->s.audio_loop > 0 || !a->ic || a->ic->duration <= 0) return;
    double left = (double)a->ic->duration / AV_TIME_BASE - w->s.audio_start - video_end;
    if (left > 0.5)
        ovni_log(OVNI_LOG_INFO, "%s: the audio from %s runs %.1f s past the video's end (%.1f s) and is cut there; "
                 "a longer video keeps more of it", w->path, w->audio_path, left, video_end);
}

int audio_pump(ovni_writer *w, double until, int final)
{
    struct writer_audio *a = w->audio;
    for (;;) {
        int r;
        if (!a->have_pkt) {
            if (a->eof) return 0;
            r = a->enc ? next_encoded(w, a) : next_copied(w, a);
            if (r < 0) return r;
            if (r == AUDIO_LATER) return 0; /* the reader has not read that far yet */
            if (r == 0) {
                a->eof = 1;
                return 0;
            }
            if (a->enc) av_packet_rescale_ts(a->pkt, a->enc->time_base, a->out->time_base);
            a->have_pkt = 1;
        }
        int64_t t = a->pkt->pts != AV_NOPTS_VALUE ? a->pkt->pts : a->pkt->dts;
        double start = (double)t * av_q2d(a->out->time_base);
        if (start >= until) {
            if (!final) return 0;   /* held until the video gets there */
            av_packet_unref(a->pkt); /* past the video's end: the cut */
            a->have_pkt = 0;
            a->eof = 1;
            note_cut(w, a, until);
            return 0;
        }
        a->pkt->stream_index = a->out->index;
        a->pkt->pos = -1;
        a->have_pkt = 0;
        if ((r = av_interleaved_write_frame(w->oc, a->pkt)) < 0) {
            av_packet_unref(a->pkt);
            return a_fail(w, OVNI_EIO, "writing an audio packet failed", r);
        }
    }
}

/* The audio's own demuxer on audio_path: the stream picked, the others skipped. */
static int open_own_demuxer(ovni_writer *w, struct writer_audio *a)
{
    const char *src = w->audio_path;
    if (access(src, R_OK) != 0)
        return ovni_error(OVNI_EIO, "%s: cannot read the audio file %s: %s", w->path, src, strerror(errno));
    int r;
    guard_params gp = {.kind = GUARD_MEDIA, .allow_playlists = w->s.allow_playlists,
                       .interrupt = {writer_interrupt_cb, w}};
    if ((r = guard_open(&a->ic, src, &gp)) < 0) return ovni_error_prefix(r, "%s: audio", w->path);
    if ((r = avformat_find_stream_info(a->ic, NULL)) < 0) return a_fail(w, OVNI_EFORMAT, "cannot read the streams", r);
    int si = w->s.audio_stream;
    if (si >= 0) {
        if (si >= (int)a->ic->nb_streams || a->ic->streams[si]->codecpar->codec_type != AVMEDIA_TYPE_AUDIO)
            return ovni_error(OVNI_EINVAL, "%s: audio_stream=%d: %s has no audio stream with that index", w->path, si, src);
    } else if ((si = av_find_best_stream(a->ic, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0)) < 0) {
        return ovni_error(OVNI_EFORMAT, "%s: %s has no audio stream", w->path, src);
    }
    a->in_index = si;
    for (unsigned i = 0; i < a->ic->nb_streams; i++)
        if ((int)i != si) a->ic->streams[i]->discard = AVDISCARD_ALL;
    return 0;
}

int audio_open(ovni_writer *w)
{
    const char *src = w->audio_path;
    struct writer_audio *a = ovni_calloc(1, sizeof(*a));
    if (!a) return ovni_error(OVNI_ENOMEM, "%s: out of memory", w->path);
    w->audio = a;
    int r;
    if (!(a->pkt = av_packet_alloc())) return ovni_error(OVNI_ENOMEM, "%s: out of memory", w->path);
    int64_t start_time;
    if (w->audio_feed) {
        a->feed = w->audio_feed;
        a->par = feed_params(a->feed);
        a->tb = feed_time_base(a->feed);
        start_time = feed_start_time(a->feed);
    } else {
        if ((r = open_own_demuxer(w, a)) < 0) return r;
        AVStream *in = a->ic->streams[a->in_index];
        discont_init(&a->fix, a->ic);
        a->par = in->codecpar;
        a->tb = in->time_base;
        start_time = in->start_time;
    }
    int si = a->in_index;
    if (w->s.audio_sync) {
        /* a time on the file's own timeline, as the video's pts */
        a->start_ts = av_rescale_q((int64_t)(w->s.audio_start * AV_TIME_BASE + 0.5), AV_TIME_BASE_Q, a->tb);
        a->first_ts = start_time != AV_NOPTS_VALUE ? start_time : 0;
    } else {
        /* Seconds count from the stream's start; a negative start (AAC
         * priming in MP4) counts from zero. */
        a->first_ts = start_time != AV_NOPTS_VALUE ? start_time : 0;
        int64_t t0 = a->first_ts > 0 ? a->first_ts : 0;
        a->start_ts = t0 + av_rescale_q((int64_t)(w->s.audio_start * AV_TIME_BASE + 0.5), AV_TIME_BASE_Q,
                                        a->tb);
    }
    if (w->s.audio_loop > 0) {
        a->loop_ts = av_rescale_q((int64_t)(w->s.audio_loop * AV_TIME_BASE + 0.5), AV_TIME_BASE_Q, a->tb);
        if (a->loop_ts < 1) a->loop_ts = 1;
    }
    if (a->ic && a->start_ts > a->first_ts) /* to the packet at or before the start; earlier ones are dropped */
        avformat_seek_file(a->ic, si, INT64_MIN, a->start_ts, a->start_ts, 0);

    if (!(a->out = avformat_new_stream(w->oc, NULL))) return ovni_error(OVNI_ENOMEM, "%s: out of memory", w->path);
    enum AVCodecID id = a->par->codec_id;
    int copy = w->s.audio_mode == OVNI_AUDIO_AAC || w->s.audio_mode == OVNI_AUDIO_OPUS ? 0 : audio_fits(w->oc->oformat, id);
    if (!copy && w->s.audio_mode == OVNI_AUDIO_COPY)
        return ovni_error(OVNI_EUNSUPPORTED, "%s: audio_mode COPY: a .%s file cannot hold %s audio (from %s); "
                          "use audio_mode AUTO, AAC or OPUS to re-encode it", w->path, w->container,
                          avcodec_get_name(id), src);
    if (!copy) {
        int opus = w->s.audio_mode == OVNI_AUDIO_OPUS ||
                   (w->s.audio_mode == OVNI_AUDIO_AUTO && !audio_fits(w->oc->oformat, AV_CODEC_ID_AAC));
        if ((r = open_encoder(w, a, opus)) < 0) return r;
        if (w->s.audio_mode == OVNI_AUDIO_AUTO)
            ovni_log(OVNI_LOG_INFO, "%s: re-encoding the audio (%s) to %s: a .%s file cannot hold it as it is",
                     w->path, avcodec_get_name(id), a->enc_name, w->container);
        return 0;
    }
    if ((r = avcodec_parameters_copy(a->out->codecpar, a->par)) < 0) return a_fail(w, OVNI_ENOMEM, "parameters", r);
    a->out->codecpar->codec_tag = 0; /* the muxer picks its own */
    a->out->time_base = a->tb;
    return 0;
}

void audio_close(ovni_writer *w)
{
    struct writer_audio *a = w->audio;
    if (!a) return;
    if (a->fix.jumps)
        ovni_log(OVNI_LOG_WARNING, "%s: audio from %s: its timestamps jump %lld time%s (the largest %+.3f s, first "
                 "at %.3f s): joined, each part following on from where the last ended", w->path, w->audio_path,
                 (long long)a->fix.jumps, a->fix.jumps == 1 ? "" : "s", a->fix.largest, a->fix.first_at);
    int64_t dropped = a->feed ? feed_dropped(a->feed) : 0;
    if (dropped > 0)
        ovni_log(OVNI_LOG_WARNING, "%s: audio from %s: %lld packets were dropped: the reader ran more than 64 MiB "
                 "of audio ahead of the writer", w->path, w->audio_path, (long long)dropped);
    av_packet_free(&a->pkt);
    guard_close(&a->ic);
    avcodec_free_context(&a->dec);
    avcodec_free_context(&a->enc);
    swr_free(&a->swr);
    av_channel_layout_uninit(&a->swr_layout);
    if (a->fifo) av_audio_fifo_free(a->fifo);
    av_frame_free(&a->in_frame);
    av_frame_free(&a->out_frame);
    free(a);
    w->audio = NULL;
}
