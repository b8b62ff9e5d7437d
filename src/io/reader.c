/* The video reader: libavformat demuxes on the reader's own thread, which
 * feeds a decoder (NVDEC or libavcodec, src/io/decode_*.c), picks the frames
 * the caller asked for (start frame, count, loops) and pushes them through a
 * bounded queue; ovni_reader_read() pops them. With settings.segments, and a
 * file with a keyframe index, several decoders share the file instead
 * (src/io/segments.c) and ovni_reader_read() takes their frames in order. */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../core/queue.h"
#include "ovni/ops.h"
#include "decode.h"
#include "discont.h"
#include "feed.h"
#include "guard.h"
#include "media_info.h"
#include "segments.h"


struct ovni_reader {
    ovni_device *dev;
    char *path;
    ovni_reader_settings s;
    ovni_video_info info;
    AVFormatContext *fmt;
    AVStream *st;
    decoder *dec;
    segments *seg;           /* parallel decode (then no dec, thread or q) */
    int rewind;              /* the demuxer was moved while planning: seek to the start first */
    ovni_queue q;
    pthread_t thread;
    int thread_started;
    atomic_int stop;
    atomic_llong corrupt_demux;   /* unreadable packets seen by the demuxer */
    packet_feed *feed;       /* settings.audio_feed: the audio stream's packets, for a writer */
    int feed_index;          /* that stream's index */
    ts_discont vfix, afix;   /* timestamp jumps joined (MPEG-TS): video, fed audio */

    /* Decode thread state. */
    int64_t target_pts;      /* frames before it are decoded and dropped; INT64_MIN: none */
    int64_t frame_dur;       /* one frame in the stream's time base, >= 1 */
    int64_t delivered;
    int64_t taken;           /* frames ovni_reader_read() handed out (the caller's thread) */
    int64_t pass_frames;     /* frames delivered in this pass over the file */
    int64_t pass_end;        /* pts just after the last frame of this pass */
    int64_t pts_offset;      /* added to pts on later passes (loop), so they keep increasing */
    int64_t last_raw;        /* last raw pts seen, for frames without one */
    int64_t last_out;        /* last pts handed out */
    /* Starts by time (start_time): the last frame at or before hold_pts is
     * held until a later one shows it is the one on screen at that time. */
    int64_t hold_pts;        /* INT64_MIN: not a time start */
    ovni_frame *held;
    int64_t held_pts;
    /* Starts by count (start_frame on a variable-rate file): frames from the
     * stream's start dropped in each pass. */
    int64_t skip_count, pass_skipped;
    /* Seeking without an index (MPEG-TS): after a seek to a target, the
     * first decoded frame must be at or before it, else seek again further
     * back (backoff doubles) until it is, or from the stream's start. */
    int64_t backoff;         /* how far before the target the last seek aimed */
    int check_seek;          /* the next decoded frame is the first after a seek */
    int reseek;              /* it came too late: seek again */
    int at_origin;           /* the last seek went to the stream's start */
    int64_t dur_ts;          /* settings.duration in the time base; 0: none */
    int64_t first_out;       /* pts of the first frame delivered */
    int64_t first_pass_pts;  /* its pts in the file (a loop's pass starts there) */

    /* Result of the decode thread, read after the queue is closed. */
    int status;              /* OVNI_EOF at a clean end, else the error */
    char message[1024];
};

void ovni_reader_default_settings(ovni_reader_settings *s)
{
    if (!s) return;
    memset(s, 0, sizeof(*s));
    s->decoder = OVNI_DECODER_AUTO;
    s->output_memory = -1;
    s->queue_depth = 4;
    s->segments = 0;
}

static int check_settings(const char *path, const ovni_reader_settings *s)
{
    if ((unsigned)s->decoder > OVNI_DECODER_CPU)
        return ovni_error(OVNI_EINVAL, "%s: decoder=%d is not auto (0), nvdec (1) or cpu (2)", path, (int)s->decoder);
    if (s->output_memory < -1 || s->output_memory > 1)
        return ovni_error(OVNI_EINVAL, "%s: output_memory=%d is not -1 (auto), 0 (host) or 1 (device)", path,
                          s->output_memory);
    if (s->start_frame < 0)
        return ovni_error(OVNI_EINVAL, "%s: start_frame=%lld is negative", path, (long long)s->start_frame);
    if (s->frame_count < 0)
        return ovni_error(OVNI_EINVAL, "%s: frame_count=%lld is negative", path, (long long)s->frame_count);
    if (!(s->start_time >= 0 && s->start_time <= 1e9) || !(s->duration >= 0 && s->duration <= 1e9))
        return ovni_error(OVNI_EINVAL, "%s: start_time=%g / duration=%g: expected seconds in 0..1e9", path,
                          s->start_time, s->duration);
    if (s->start_time > 0 && s->start_frame > 0)
        return ovni_error(OVNI_EINVAL, "%s: start_time and start_frame are both set: use one", path);
    if (s->queue_depth < 0 || s->queue_depth > 64)
        return ovni_error(OVNI_EINVAL, "%s: queue_depth=%d is outside 1..64 (0: default 4)", path, s->queue_depth);
    if (s->threads < 0 || s->threads > 256)
        return ovni_error(OVNI_EINVAL, "%s: threads=%d is outside 0..256", path, s->threads);
    if (s->audio_feed < 0 || s->audio_feed > 1 || s->audio_track < 0 || s->audio_track >= OVNI_MAX_AUDIO_STREAMS)
        return ovni_error(OVNI_EINVAL, "%s: audio_feed=%d / audio_track=%d: expected 0 or 1 / 0..%d", path,
                          s->audio_feed, s->audio_track, OVNI_MAX_AUDIO_STREAMS - 1);
    if (s->audio_feed && s->loop)
        return ovni_error(OVNI_EINVAL, "%s: audio_feed and loop: a looped input's audio is read again from the "
                          "file (the writer's audio_path)", path);
    if (s->segments < 0 || s->segments > SEG_MAX_WORKERS)
        return ovni_error(OVNI_EINVAL, "%s: segments=%d is outside 0..%d (0: auto)", path, s->segments,
                          SEG_MAX_WORKERS);
    return 0;
}

/* ---- the decode thread ---- */

static int interrupted(void *opaque)
{
    ovni_reader *r = opaque;
    return atomic_load(&r->stop) || device_interrupted(r->dev);
}


/* Hands one frame to the caller's queue, with the pass's pts offset. */
static int deliver(ovni_reader *r, ovni_frame *f, int64_t pts)
{
    if (pts + r->frame_dur > r->pass_end) r->pass_end = pts + r->frame_dur;
    int64_t out = pts + r->pts_offset;
    if (r->last_out != AV_NOPTS_VALUE && out <= r->last_out) out = r->last_out + 1; /* broken files */
    if (r->delivered == 0) r->first_out = out, r->first_pass_pts = pts;
    if (r->dur_ts > 0 && out - r->first_out >= r->dur_ts - (r->dur_ts > 1)) {
        ovni_frame_unref(&f);
        return DECODE_STOP;
    }
    r->last_out = out;
    f->pts = out;
    f->time_base = (ovni_rational){r->st->time_base.num, r->st->time_base.den};
    if (queue_push(&r->q, f) < 0) { /* closed: the reader is closing */
        ovni_frame_unref(&f);
        return DECODE_STOP;
    }
    r->delivered++;
    r->pass_frames++;
    if (r->s.frame_count > 0 && r->delivered >= r->s.frame_count) return DECODE_STOP;
    return 0;
}

/* The time a start aims at (stream time base), INT64_MIN: the stream's start. */
static int64_t start_target(const ovni_reader *r)
{
    return r->hold_pts != INT64_MIN ? r->hold_pts : r->target_pts;
}

/* The held frame of a time start, delivered (the end of a pass came first). */
static int flush_held(ovni_reader *r)
{
    if (!r->held) return 0;
    ovni_frame *h = r->held;
    r->held = NULL;
    return deliver(r, h, r->held_pts);
}

static int emit_frame(void *ctx, ovni_frame *f)
{
    ovni_reader *r = ctx;
    if (interrupted(r)) {
        ovni_frame_unref(&f);
        return DECODE_STOP;
    }
    int64_t pts = f->pts;
    if (pts == AV_NOPTS_VALUE) /* raw streams: the frame after the last one */
        pts = r->last_raw == AV_NOPTS_VALUE ? 0 : r->last_raw + r->frame_dur;
    r->last_raw = pts;
    if (r->check_seek) {
        r->check_seek = 0;
        int64_t want = start_target(r);
        /* the seek landed after the frame wanted (no index: MPEG-TS): further back */
        int64_t late = r->hold_pts != INT64_MIN ? want : want + r->frame_dur / 2;
        if (!r->at_origin && want != INT64_MIN && pts > late) {
            r->reseek = 1;
            ovni_frame_unref(&f);
            return DECODE_STOP;
        }
    }
    if (r->pass_skipped < r->skip_count) {
        r->pass_skipped++;
        ovni_frame_unref(&f);
        return 0;
    }
    /* Frame-accurate start: everything from the keyframe up to the target is
     * decoded (it is needed as reference) but not delivered. Half a frame of
     * slack absorbs rounding in the target's computation. */
    if (r->target_pts != INT64_MIN && pts < r->target_pts - r->frame_dur / 2) {
        ovni_frame_unref(&f);
        return 0;
    }
    if (r->hold_pts != INT64_MIN && r->pass_frames == 0) {
        if (pts <= r->hold_pts) { /* on screen at the start time, unless a later one is too */
            ovni_frame_unref(&r->held);
            r->held = f;
            r->held_pts = pts;
            return 0;
        }
        int ret = flush_held(r);
        if (ret) {
            ovni_frame_unref(&f);
            return ret;
        }
    }
    return deliver(r, f, pts);
}

/* The stream's start, by byte for formats without an index. */
static int seek_origin(ovni_reader *r)
{
    int si = r->st->index;
    int64_t ts = r->st->start_time != AV_NOPTS_VALUE ? r->st->start_time : 0;
    const char *name = r->fmt->iformat->name;
    int e = -1;
    if (!strcmp(name, "mpegts") || !strcmp(name, "mpeg"))
        e = av_seek_frame(r->fmt, si, 0, AVSEEK_FLAG_BYTE | AVSEEK_FLAG_BACKWARD);
    if (e < 0) e = avformat_seek_file(r->fmt, si, INT64_MIN, ts, ts, 0);
    if (e < 0) e = av_seek_frame(r->fmt, si, ts, AVSEEK_FLAG_BACKWARD);
    if (e < 0) e = av_seek_frame(r->fmt, si, 0, AVSEEK_FLAG_BYTE | AVSEEK_FLAG_BACKWARD); /* raw streams */
    return e;
}

/* Seeks to the keyframe at or before the first wanted frame, `backoff`
 * before it (a seek without an index may land after it: see check_seek). */
static int seek_to_start(ovni_reader *r)
{
    int si = r->st->index;
    int64_t origin = r->st->start_time != AV_NOPTS_VALUE ? r->st->start_time : 0;
    int64_t want = start_target(r);
    int e;
    r->at_origin = want == INT64_MIN || want - r->backoff <= origin;
    if (r->at_origin) {
        e = seek_origin(r);
    } else {
        int64_t ts = want - r->backoff;
        e = avformat_seek_file(r->fmt, si, INT64_MIN, ts, ts, 0);
        if (e < 0) e = av_seek_frame(r->fmt, si, ts, AVSEEK_FLAG_BACKWARD);
        if (e < 0) {
            r->at_origin = 1;
            e = seek_origin(r);
        }
    }
    if (e < 0) {
        char why[128];
        av_strerror(e, why, sizeof(why));
        return ovni_error(OVNI_EUNSUPPORTED, "%s: cannot seek in this file (%s)", r->path, why);
    }
    r->check_seek = !r->at_origin;
    r->last_raw = AV_NOPTS_VALUE;
    discont_reset(&r->vfix);
    discont_reset(&r->afix);
    r->pass_skipped = 0;
    ovni_frame_unref(&r->held);
    return r->dec->flush(r->dec);
}

/* The first frame after a seek came after the one wanted: aim further back. */
static int seek_back(ovni_reader *r)
{
    int64_t sec = av_rescale_q(1, (AVRational){1, 1}, r->st->time_base);
    r->backoff = r->backoff ? r->backoff * 2 : (sec > 2 * r->frame_dur ? sec : 2 * r->frame_dur);
    return seek_to_start(r);
}

/* End of one pass over the file: start again for `loop`, or finish. */
static int next_pass(ovni_reader *r)
{
    int want_more = r->s.frame_count == 0 || r->delivered < r->s.frame_count;
    if (!r->s.loop || !want_more || r->pass_frames == 0) return DECODE_STOP;
    int64_t begin = r->first_pass_pts;
    r->pts_offset += r->pass_end - begin;
    r->pass_frames = 0;
    r->pass_end = INT64_MIN;
    return seek_to_start(r);
}

static void *decode_thread(void *arg)
{
    ovni_reader *r = arg;
    AVPacket *pkt = av_packet_alloc();
    int ret = pkt ? 0 : ovni_error(OVNI_ENOMEM, "%s: out of memory", r->path);
    int read_errors = 0;
    if (ret == 0 && (start_target(r) != INT64_MIN || r->rewind)) ret = seek_to_start(r);
    while ((ret == 0 || (ret == DECODE_STOP && r->reseek)) && !interrupted(r)) {
        if (r->reseek) {
            r->reseek = 0;
            ret = seek_back(r);
            continue;
        }
        int e = av_read_frame(r->fmt, pkt);
        if (e == AVERROR(EAGAIN)) continue;
        if (e < 0) {
            /* A damaged stretch of the file: skip it, unless it goes on. */
            if (e != AVERROR_EOF && e != AVERROR_EXIT && !(r->fmt->pb && avio_feof(r->fmt->pb)) &&
                ++read_errors < 100) {
                atomic_fetch_add(&r->corrupt_demux, 1);
                continue;
            }
            read_errors = 0;
            if ((ret = r->dec->decode(r->dec, NULL)) != 0) continue;
            /* nothing decoded since a seek to a target: it went too far */
            if (r->check_seek && !r->at_origin && r->pass_frames == 0) {
                r->reseek = 1;
                ret = DECODE_STOP;
                continue;
            }
            if ((ret = flush_held(r)) == 0) ret = next_pass(r);
            continue;
        }
        read_errors = 0;
        if (pkt->stream_index == r->st->index) {
            if (pkt->flags & AV_PKT_FLAG_CORRUPT) atomic_fetch_add(&r->corrupt_demux, 1);
            discont_fix(&r->vfix, pkt, r->st->time_base);
            ret = r->dec->decode(r->dec, pkt);
        } else if (r->feed && pkt->stream_index == r->feed_index) {
            discont_fix(&r->afix, pkt, r->fmt->streams[r->feed_index]->time_base);
            ret = feed_push(r->feed, pkt);
        }
        av_packet_unref(pkt);
    }
    if (r->feed && ret == DECODE_STOP && !interrupted(r) && r->last_out != AV_NOPTS_VALUE) {
        /* The video stopped before the file's end (frame_count, duration):
         * read on for the audio that plays under the last frame. */
        int64_t end = r->last_out + r->frame_dur;
        for (int n = 0; n < 100000 && feed_wants(r->feed, end, r->st->time_base) && !interrupted(r); n++) {
            int e = av_read_frame(r->fmt, pkt);
            if (e == AVERROR(EAGAIN)) continue;
            if (e < 0) break;
            if (pkt->stream_index == r->feed_index) {
                discont_fix(&r->afix, pkt, r->fmt->streams[r->feed_index]->time_base);
                if (feed_push(r->feed, pkt) < 0) n = INT_MAX - 1;
            }
            av_packet_unref(pkt);
        }
    }
    feed_end(r->feed);
    av_packet_free(&pkt);
    if (r->vfix.jumps)
        device_log(r->dev, OVNI_LOG_WARNING, "%s: the video's timestamps jump %lld time%s (the largest %+.3f s, "
                   "first at %.3f s): joined, each part following on from where the last ended", r->path,
                   (long long)r->vfix.jumps, r->vfix.jumps == 1 ? "" : "s", r->vfix.largest, r->vfix.first_at);
    if (device_interrupted(r->dev)) ret = ovni_error(OVNI_ECANCELED, "%s: interrupted", r->path);
    if (ret == DECODE_STOP || ret == 0) {
        r->status = OVNI_EOF;
    } else {
        r->status = ret;
        snprintf(r->message, sizeof(r->message), "%s", ovni_last_error());
    }
    queue_close(&r->q); /* after status: the reader sees it once the queue drains */
    return NULL;
}

/* ---- the API ---- */

static void drop_frame(void *item)
{
    ovni_frame *f = item;
    ovni_frame_unref(&f);
}

/* The decoder of r's stream, frames in `memory`, emitted to r's queue (the
 * parallel read's workers start from it too). */
static decode_params reader_decode_params(ovni_reader *r, ovni_memory memory)
{
    decode_params p = {
        .dev = r->dev,
        .path = r->path,
        .st = r->st,
        .memory = memory,
        .matrix = r->info.matrix,
        .range = r->info.range,
        .chroma_loc = r->info.chroma_loc,
        .threads = r->s.threads,
        .emit = emit_frame,
        .emit_ctx = r,
    };
    return p;
}

static int open_decoder(ovni_reader *r, ovni_memory memory)
{
    decode_params p = reader_decode_params(r, memory);
    int ret;
    if (r->s.decoder == OVNI_DECODER_NVDEC && !r->dev->is_gpu)
        return ovni_error(OVNI_ENODEV, "%s: decoder=nvdec needs a GPU device; this reader's device is the CPU",
                          r->path);
    if (r->s.decoder != OVNI_DECODER_CPU && r->dev->is_gpu) {
        ret = decoder_nvdec_open(&r->dec, &p);
        if (ret < 0 && r->s.decoder == OVNI_DECODER_NVDEC) return ovni_error_prefix(ret, "decoder=nvdec");
        if (ret < 0) device_log(r->dev, OVNI_LOG_INFO, "%s: decoding on the CPU: %s", r->path, ovni_last_error());
    }
    if (!r->dec && (ret = decoder_cpu_open(&r->dec, &p)) < 0) return ret;
    snprintf(r->info.decoder, sizeof(r->info.decoder), "%s", r->dec->name);
    return 0;
}

/* settings.segments, resolved: how many decoders share the file. */
static int segments_wanted(ovni_reader *r)
{
    if (r->s.loop) return 1; /* parallel reads are for one pass; a loop reads in one piece */
    if (r->feed) return 1;   /* the audio comes from this demuxer, in order */
    if (r->hold_pts != INT64_MIN || r->skip_count) return 1; /* starts by time or count: in one piece */
    if (r->s.segments > 0) return r->s.segments;
    if (strcmp(r->dec->name, "nvdec")) return 1; /* auto on the CPU: frame threads already use every core */
    ovni_device_info di;
    if (ovni_device_get_info(r->dev, &di) < 0) return 1;
    return di.nvdec_engines < 1 ? 1 : di.nvdec_engines > 8 ? 8 : di.nvdec_engines;
}

/* Switches to parallel decode where it is wanted and the file has a
 * keyframe index; else leaves the sequential decoder in place. */
static int start_segments(ovni_reader *r, ovni_memory memory)
{
    int n = segments_wanted(r);
    if (n < 2 || guard_is_stream(r->path)) return 0; /* stdin and FIFOs are read once, in order */
    seg_plan plan;
    int chunks = segments_plan(r->fmt, r->st->index, r->target_pts, r->frame_dur, &plan);
    if (chunks < 0) return chunks;
    r->rewind = plan.moved;
    if (chunks - plan.first < 2) {
        if (r->s.segments > 1)
            device_log(r->dev, OVNI_LOG_INFO, "%s: segments=%d: read in one piece (%s)", r->path, r->s.segments,
                     chunks ? "the part to read is one keyframe interval"
                            : "no keyframe index in this file, or too few keyframes to split it");
        segments_plan_free(&plan);
        return 0;
    }
    int threads = r->s.threads > 0 ? r->s.threads : ovni_cpu_threads(r->dev);
    segments_params p = {
        .dec = reader_decode_params(r, memory),
        .nvdec = !strcmp(r->dec->name, "nvdec"),
        .workers = n,
        .target_pts = r->target_pts,
        .frame_dur = r->frame_dur,
        .format = r->fmt->iformat,
    };
    p.dec.threads = threads / n > 0 ? threads / n : 1; /* the cores shared among the CPU decoders */
    device_log(r->dev, OVNI_LOG_DEBUG, "%s: %d %s decoders on %d chunks from chunk %d (longest %lld frames)", r->path, n,
             r->dec->name, chunks, plan.first, (long long)plan.max_frames);
    r->dec->close(r->dec); /* the workers open their own */
    r->dec = NULL;
    return segments_open(&r->seg, &p, &plan);
}

int ovni_reader_open(ovni_reader **out, ovni_device *dev, const char *path, const ovni_reader_settings *s)
{
    return reader_open_io(out, dev, path, NULL, s);
}

int reader_open_io(ovni_reader **out, ovni_device *dev, const char *path, AVIOContext *pb,
                   const ovni_reader_settings *s)
{
    int ret;
    if (!out || !dev || !path || !*path) {
        media_memory_io_free(&pb);
        if (!out) return ovni_error(OVNI_EINVAL, "ovni_reader_open: out is NULL");
        *out = NULL;
        if (!dev) return ovni_error(OVNI_EINVAL, "ovni_reader_open: device is NULL");
        return ovni_error(OVNI_EINVAL, "ovni_reader_open: path is NULL or empty");
    }
    *out = NULL;
    ovni_reader_settings defaults;
    ovni_reader_default_settings(&defaults);
    if (!s) s = &defaults;
    if ((ret = check_settings(path, s)) < 0 ||
        (s->output_memory == OVNI_MEMORY_DEVICE && !dev->is_gpu &&
         (ret = ovni_error(OVNI_EINVAL, "%s: output_memory=1 (device) needs a GPU device; this one is the CPU", path)) < 0)) {
        media_memory_io_free(&pb);
        return ret;
    }
    ovni_memory memory = s->output_memory >= 0 ? (ovni_memory)s->output_memory
                         : dev->is_gpu ? OVNI_MEMORY_DEVICE : OVNI_MEMORY_HOST;

    ovni_reader *r = ovni_calloc(1, sizeof(*r));
    if (!r || !(r->path = ovni_strdup(path))) {
        free(r);
        media_memory_io_free(&pb);
        return ovni_error(OVNI_ENOMEM, "%s: out of memory", path);
    }
    device_retain(dev);
    r->dev = dev;
    r->s = *s;
    if (r->s.queue_depth == 0) r->s.queue_depth = 4;
    atomic_init(&r->stop, 0);
    atomic_init(&r->corrupt_demux, 0);
    AVIOInterruptCB cb = {interrupted, r};
    if ((ret = media_open(path, pb, &cb, s->allow_playlists, &r->fmt, &r->info)) < 0) goto fail;
    r->st = r->fmt->streams[r->info.stream_index];
    discont_init(&r->vfix, r->fmt);
    discont_init(&r->afix, r->fmt);
    {
        /* Before the decoder allocates anything: a few bytes of header may
         * claim a frame that many decoder references, threads and queued
         * frames make into gigabytes (an 83 KB 8192x8192 H.264 took 10 GB). */
        int64_t frame = (int64_t)r->info.width * r->info.height * 3 / 2 * (r->info.bit_depth > 8 ? 2 : 1);
        int threads = s->threads > 0 ? s->threads : ovni_cpu_threads(dev);
        int64_t need = frame * (16 + threads + r->s.queue_depth + 2);
        if ((ret = guard_memory_check(path, "decoder", r->info.width, r->info.height, need,
                                      guard_memory_limit(s->max_memory))) < 0)
            goto fail;
    }
    if (s->audio_feed && s->audio_track < r->info.naudio) { /* else no feed: the writer's audio_reader says so */
        r->feed_index = r->info.audio[s->audio_track].stream_index;
        /* 64 MiB of packets: minutes of compressed audio ahead of the writer */
        if ((ret = feed_new(&r->feed, r->fmt->streams[r->feed_index], path, (int64_t)64 << 20)) < 0) goto fail;
    }
    /* Streams other than the video (and the fed audio) are not read: the demuxer skips them. */
    for (unsigned i = 0; i < r->fmt->nb_streams; i++)
        if ((int)i != r->info.stream_index && !(r->feed && (int)i == r->feed_index))
            r->fmt->streams[i]->discard = AVDISCARD_ALL;

    AVRational frame = av_inv_q((AVRational){r->info.fps.num, r->info.fps.den});
    r->frame_dur = av_rescale_q(1, frame, r->st->time_base);
    if (r->frame_dur < 1) r->frame_dur = 1;
    r->target_pts = r->hold_pts = INT64_MIN;
    int64_t origin = r->st->start_time != AV_NOPTS_VALUE ? r->st->start_time : 0;
    if (s->duration > 0) {
        r->dur_ts = av_rescale_q((int64_t)(s->duration * AV_TIME_BASE + 0.5), AV_TIME_BASE_Q, r->st->time_base);
        if (r->dur_ts < 1) r->dur_ts = 1;
    }
    if (s->start_time > 0) {
        r->hold_pts = origin + av_rescale_q((int64_t)(s->start_time * AV_TIME_BASE + 0.5), AV_TIME_BASE_Q,
                                            r->st->time_base);
    } else if (s->start_frame > 0 && r->info.vfr) {
        /* frame N of a variable-rate file: counted from the start, not placed by time */
        if (r->info.frame_count_exact && s->start_frame >= r->info.frame_count) {
            ret = ovni_error(OVNI_EINVAL, "%s: start_frame=%lld is past the end (the video has %lld frames)", path,
                             (long long)s->start_frame, (long long)r->info.frame_count);
            goto fail;
        }
        r->skip_count = s->start_frame;
    } else if (s->start_frame > 0) {
        if (r->info.frame_count_exact && s->start_frame >= r->info.frame_count) {
            ret = ovni_error(OVNI_EINVAL, "%s: start_frame=%lld is past the end (the video has %lld frames)", path,
                             (long long)s->start_frame, (long long)r->info.frame_count);
            goto fail;
        }
        int64_t start = r->st->start_time != AV_NOPTS_VALUE ? r->st->start_time : 0;
        if (s->start_frame > INT64_MAX / 2 / (r->frame_dur + 1)) {
            ret = ovni_error(OVNI_EINVAL, "%s: start_frame=%lld is too large", path, (long long)s->start_frame);
            goto fail;
        }
        r->target_pts = start + av_rescale_q(s->start_frame, frame, r->st->time_base);
    }
    (void)origin;
    r->pass_end = INT64_MIN;
    r->last_raw = r->last_out = AV_NOPTS_VALUE;
    if ((ret = open_decoder(r, memory)) < 0) goto fail;
    if ((ret = start_segments(r, memory)) < 0) goto fail;
    if (r->seg) {
        *out = r;
        return 0;
    }
    if (queue_init(&r->q, r->s.queue_depth) < 0) {
        ret = ovni_error(OVNI_ENOMEM, "%s: out of memory", path);
        goto fail;
    }
    if (pthread_create(&r->thread, NULL, decode_thread, r) != 0) {
        ret = ovni_error(OVNI_ENOMEM, "%s: cannot start the decode thread", path);
        goto fail;
    }
    r->thread_started = 1;
    *out = r;
    return 0;
fail:
    ovni_reader_close(&r);
    return ret;
}

const ovni_video_info *ovni_reader_info(const ovni_reader *r) { return r ? &r->info : NULL; }

/* Parallel decode: the workers' frames in order, with the count and the pts
 * rules of emit_frame(). */
static int read_segments(ovni_reader *r, ovni_frame **out)
{
    if (r->s.frame_count > 0 && r->delivered >= r->s.frame_count) return OVNI_EOF;
    ovni_frame *f = NULL;
    int ret = segments_read(r->seg, &f);
    if (ret == DECODE_STOP) return OVNI_EOF;
    if (ret < 0) return ret;
    int64_t pts = f->pts;
    if (pts == AV_NOPTS_VALUE) pts = r->last_raw == AV_NOPTS_VALUE ? 0 : r->last_raw + r->frame_dur;
    r->last_raw = pts;
    if (r->last_out != AV_NOPTS_VALUE && pts <= r->last_out) pts = r->last_out + 1; /* broken files */
    if (r->delivered == 0) r->first_out = pts;
    if (r->dur_ts > 0 && pts - r->first_out >= r->dur_ts - (r->dur_ts > 1)) {
        ovni_frame_unref(&f);
        segments_stop(r->seg);
        r->s.frame_count = r->delivered > 0 ? r->delivered : 1; /* later calls end at once */
        return OVNI_EOF;
    }
    r->last_out = pts;
    f->pts = pts;
    f->time_base = (ovni_rational){r->st->time_base.num, r->st->time_base.den};
    r->delivered++;
    if (r->s.frame_count > 0 && r->delivered >= r->s.frame_count) segments_stop(r->seg); /* no more decoding */
    *out = f;
    return 0;
}

/* Autorotation: the frame turned upright by the stream's orientation, on
 * the caller's thread, where the frame lives (exact: ovni_orient). */
static int upright(ovni_reader *r, ovni_frame **f)
{
    if (r->s.no_autorotate || r->info.orientation <= OVNI_ORIENT_NORMAL) return 0;
    ovni_frame *o = NULL;
    int ret = ovni_orient(*f, r->info.orientation, &o);
    ovni_frame_unref(f);
    if (ret < 0) return ovni_error_prefix(ret, r->path);
    *f = o;
    return 0;
}

static int read_next(ovni_reader *r, ovni_frame **out)
{
    if (r->seg) {
        int ret = read_segments(r, out);
        r->taken += ret == 0;
        return ret;
    }
    void *item;
    if (queue_pop(&r->q, &item) == 0) {
        *out = item;
        r->taken++;
        return 0;
    }
    if (r->status == OVNI_EOF || r->status == 0) return OVNI_EOF;
    return ovni_error(r->status, "%s", r->message);
}

int ovni_reader_read(ovni_reader *r, ovni_frame **out)
{
    if (!out) return ovni_error(OVNI_EINVAL, "ovni_reader_read: out is NULL");
    *out = NULL;
    if (!r) return ovni_error(OVNI_EINVAL, "ovni_reader_read: reader is NULL");
    if (device_interrupted(r->dev)) return ovni_error(OVNI_ECANCELED, "%s: interrupted", r->path);
    int ret = read_next(r, out);
    if (ret == 0) ret = upright(r, out);
    return ret;
}

packet_feed *reader_feed(struct ovni_reader *r) { return r ? r->feed : NULL; }

int64_t ovni_reader_corrupt_packets(const ovni_reader *r)
{
    if (!r) return 0;
    ovni_reader *w = (ovni_reader *)r; /* atomics are read through non-const pointers */
    return atomic_load(&w->corrupt_demux) + (w->dec ? atomic_load(&w->dec->corrupt) : 0) + segments_corrupt(w->seg);
}

void ovni_reader_get_stats(const ovni_reader *r, ovni_reader_stats *st)
{
    if (!st) return;
    memset(st, 0, sizeof(*st));
    if (!r) return;
    if (r->seg) {
        segments_count(r->seg, &st->decoders, &st->decoders_used, &st->chunks);
    } else {
        st->decoders = 1;
        st->decoders_used = r->taken > 0;
    }
    st->frames = r->taken;
    st->corrupt_packets = ovni_reader_corrupt_packets(r);
}

void ovni_reader_close(ovni_reader **rp)
{
    if (!rp || !*rp) return;
    ovni_reader *r = *rp;
    *rp = NULL;
    if (r->thread_started) {
        atomic_store(&r->stop, 1);
        queue_close(&r->q); /* wakes the thread if it waits for room */
        pthread_join(r->thread, NULL);
    }
    segments_close(r->seg);
    feed_end(r->feed); /* a writer holding it takes what came */
    feed_unref(&r->feed);
    ovni_frame_unref(&r->held);
    if (r->q.items) queue_destroy(&r->q, drop_frame);
    if (r->dec) r->dec->close(r->dec);
    media_close(&r->fmt);
    device_release(r->dev);
    free(r->path);
    free(r);
}
