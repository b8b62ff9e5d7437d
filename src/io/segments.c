/* Parallel decode of one file: see segments.h and docs/reader.md.
 *
 * Chunk boundaries. Chunk k is every frame whose pts lies in [lo_k, lo_k+1),
 * lo_k being the pts of "the first keyframe packet whose key time is >=
 * ts[k]". Worker k-1 (which meets that packet as the end of its chunk) and
 * worker k (which seeks to it) apply the same rule to the same packets, so
 * no frame is lost or delivered twice. A worker feeds its decoder from its
 * chunk's keyframe up to the next chunk's keyframe, plus, for open GOPs, the
 * pictures after that keyframe in decode order that are shown before it
 * (they belong to this chunk and need it as a reference); then it drains
 * the decoder (end of stream) and flushes it for its next chunk.
 *
 * Damaged keyframes. A chunk's keyframe packet that is missing (a read
 * error, or data the parser no longer takes for a keyframe) ends no chunk:
 * the worker before reads on through this chunk's span, with the decoder
 * state a sequential read has there, and this chunk is empty. A keyframe
 * packet that is there but does not decode cleanly (its picture is not the
 * first one shown from its pts on, or is flagged damaged, or none comes)
 * leaves a fresh decoder in another state than a sequential read's, whose
 * decoder still holds the previous pictures: the worker then decodes the
 * chunk again from the previous chunk's keyframe (a pre-roll, its frames
 * dropped), going further back while that keyframe is damaged too. Either
 * way the output equals the sequential read. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../core/queue.h"
#include "guard.h"
#include "segments.h"

/* Past this many bytes of frames a worker's queue stops growing with the
 * chunk length: long GOPs then overlap less but memory stays bounded. */
#define SEG_QUEUE_BYTES ((int64_t)512 << 20)
#define SEG_SLACK 4 /* frames beyond a chunk, so a worker starts its next chunk before its last is taken */

static char chunk_end_mark;
#define CHUNK_END ((void *)&chunk_end_mark) /* queued after each chunk's frames */

typedef struct worker {
    struct segments *s;
    int id;
    pthread_t thread;
    int started;
    AVFormatContext *fmt;
    decoder *dec;
    ovni_queue q;
    int64_t lo, hi;          /* the current chunk's pts window */
    int64_t check;           /* pts of the keyframe decoding started at: its picture must come first */
    int checked;             /* a picture at or after `check` came */
    int can_retry;           /* an earlier keyframe exists to decode on from */
    int bad_start;           /* the start keyframe did not decode cleanly: decode again from earlier */
    int64_t delivered;       /* its frames taken by the reader (the reader's thread only) */
    int status;              /* 0, DECODE_STOP, or the error that ended the worker */
    char message[1024];
} worker;

struct segments {
    segments_params p;
    seg_plan plan;
    int n;
    worker *w;
    atomic_int stop;
    atomic_llong corrupt_demux;
    int cur;                 /* the chunk the reader takes frames from */
    int reserved;            /* frames added to the pools' idle cap */
};

/* ---- the plan ---- */

void segments_plan_free(seg_plan *plan)
{
    free(plan->ts);
    plan->ts = NULL;
    plan->n = 0;
}

int segments_plan(AVFormatContext *fmt, int si, int64_t target_pts, int64_t frame_dur, seg_plan *plan)
{
    memset(plan, 0, sizeof(*plan));
    const char *name = fmt->iformat->name;
    int mov = !strncmp(name, "mov", 3), mkv = !strncmp(name, "matroska", 8);
    if (!mov && !mkv) return 0; /* other containers have no index read at open */
    AVStream *st = fmt->streams[si];
    if (mkv && avformat_index_get_entries_count(st) < 2) {
        /* Cues written after the clusters are read at the first seek. */
        int64_t ts = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
        plan->moved = 1;
        if (av_seek_frame(fmt, si, ts, AVSEEK_FLAG_BACKWARD) < 0) return 0;
    }
    int entries = avformat_index_get_entries_count(st);
    if (entries < 2) return 0;
    if (!(plan->ts = malloc(sizeof(int64_t) * (size_t)entries)))
        return ovni_error(OVNI_ENOMEM, "out of memory planning parallel decode");
    plan->key_is_dts = mov;
    int64_t span = (int64_t)SEG_MIN_FRAMES * frame_dur;
    for (int i = 0; i < entries; i++) {
        const AVIndexEntry *e = avformat_index_get_entry(st, i);
        /* A keyframe an edit list discards (a stream-copy cut between
         * keyframes) still starts a chunk: the shown frames after it need it.
         * Its decoder drops the discarded pictures, as the sequential read does. */
        if (!e || !(e->flags & AVINDEX_KEYFRAME) || e->timestamp == AV_NOPTS_VALUE) continue;
        /* A keyframe closer than SEG_MIN_FRAMES to the chunk's start joins it. */
        if (plan->n > 0 && e->timestamp - plan->ts[plan->n - 1] < span) continue;
        plan->ts[plan->n++] = e->timestamp;
    }
    for (int k = 0; k + 1 < plan->n; k++) {
        int64_t f = (plan->ts[k + 1] - plan->ts[k] + frame_dur - 1) / frame_dur;
        if (f > plan->max_frames) plan->max_frames = f;
    }
    if (plan->n < 2) {
        segments_plan_free(plan);
        return 0;
    }
    if (target_pts != INT64_MIN) {
        while (plan->first + 1 < plan->n && plan->ts[plan->first + 1] <= target_pts) plan->first++;
        /* An MP4 keyframe's pts is its dts plus the reordering delay (at
         * most 16 frames in H.264/HEVC): it may lie after the target. */
        if (plan->key_is_dts && plan->first > 0 && target_pts - plan->ts[plan->first] < 16 * frame_dur)
            plan->first--;
    }
    return plan->n;
}

/* ---- a worker ---- */

static int64_t packet_key_time(const segments *s, const AVPacket *pkt)
{
    int64_t a = s->plan.key_is_dts ? pkt->dts : pkt->pts, b = s->plan.key_is_dts ? pkt->pts : pkt->dts;
    return a != AV_NOPTS_VALUE ? a : b;
}

/* The decoder's frames: kept when inside the chunk (and past the start
 * target), queued for the reader; a full queue blocks the worker. */
static int worker_emit(void *ctx, ovni_frame *f)
{
    worker *w = ctx;
    segments *s = w->s;
    if (atomic_load(&s->stop)) {
        ovni_frame_unref(&f);
        return DECODE_STOP;
    }
    int64_t pts = f->pts;
    if (!w->checked && pts != AV_NOPTS_VALUE && pts >= w->check) {
        w->checked = 1;
        if (w->can_retry && (pts != w->check || w->dec->damaged)) {
            w->bad_start = 1; /* nothing of this chunk was queued yet: pts >= lo >= check comes here first */
            ovni_frame_unref(&f);
            return DECODE_STOP;
        }
    }
    if (pts != AV_NOPTS_VALUE &&
        (pts < w->lo || pts >= w->hi ||
         (s->p.target_pts != INT64_MIN && pts < s->p.target_pts - s->p.frame_dur / 2))) {
        ovni_frame_unref(&f);
        return 0;
    }
    if (queue_push(&w->q, f) < 0) { /* closed: the reader is closing or has enough */
        ovni_frame_unref(&f);
        return DECODE_STOP;
    }
    return 0;
}

/* The next packet of the video stream: 0, AVERROR_EOF at the end (or after
 * 100 read errors in a row), or DECODE_STOP when stopped. */
static int next_packet(worker *w, AVPacket *pkt)
{
    segments *s = w->s;
    int si = s->p.dec.st->index;
    for (int errors = 0;;) {
        if (atomic_load(&s->stop)) return DECODE_STOP;
        int e = av_read_frame(w->fmt, pkt);
        if (e == AVERROR(EAGAIN)) continue;
        if (e < 0) {
            if (e != AVERROR_EOF && e != AVERROR_EXIT && !(w->fmt->pb && avio_feof(w->fmt->pb)) && ++errors < 100) {
                atomic_fetch_add(&s->corrupt_demux, 1);
                continue;
            }
            return atomic_load(&s->stop) ? DECODE_STOP : AVERROR_EOF;
        }
        errors = 0;
        if (pkt->stream_index == si) {
            if (pkt->flags & AV_PKT_FLAG_CORRUPT) atomic_fetch_add(&s->corrupt_demux, 1);
            return 0;
        }
        av_packet_unref(pkt);
    }
}

/* After the next chunk's keyframe (held): an open GOP's leading pictures
 * (shown before it) are decoded here, with it as their reference. */
static int feed_leading(worker *w, AVPacket *pkt, AVPacket *held)
{
    int e = next_packet(w, pkt);
    if (e == DECODE_STOP) return e;
    if (e < 0 || pkt->pts == AV_NOPTS_VALUE || pkt->pts >= w->hi) { /* a closed GOP: nothing to add */
        av_packet_unref(pkt);
        av_packet_unref(held);
        return 0;
    }
    int ret = w->dec->decode(w->dec, held);
    av_packet_unref(held);
    while (ret == 0) {
        ret = w->dec->decode(w->dec, pkt);
        av_packet_unref(pkt);
        if (ret < 0) break;
        if ((e = next_packet(w, pkt)) < 0) return e == DECODE_STOP ? e : 0;
        if (pkt->pts == AV_NOPTS_VALUE || pkt->pts >= w->hi) break;
    }
    av_packet_unref(pkt);
    return ret;
}

#define SPAN_EMPTY 1 /* decode_span: the chunk's keyframe is missing, the worker before read its span */
#define SPAN_RETRY 2 /* decode_span: the start keyframe is damaged, decode on from an earlier one */

/* Decodes chunk c, starting at chunk `from`'s keyframe (from < c: a
 * pre-roll whose frames, before *chunk_lo, are dropped). *chunk_lo is set
 * by the pass with from == c. Returns 0, SPAN_EMPTY, SPAN_RETRY or an
 * error. */
static int decode_span(worker *w, int c, int from, int64_t *chunk_lo, AVPacket *pkt, AVPacket *held)
{
    segments *s = w->s;
    const char *path = s->p.dec.path;
    int64_t start = s->plan.ts[from], next = c + 1 < s->plan.n ? s->plan.ts[c + 1] : INT64_MAX;
    int ret = w->dec->flush(w->dec);
    if (ret < 0) return ret;
    w->lo = INT64_MAX; /* nothing is kept before the chunk's keyframe is read */
    w->hi = INT64_MAX;
    w->check = INT64_MAX;
    w->checked = 0;
    w->bad_start = 0;
    w->can_retry = from > 0;
    int e = av_seek_frame(w->fmt, s->p.dec.st->index, start, AVSEEK_FLAG_BACKWARD);
    if (e < 0) {
        char why[128];
        av_strerror(e, why, sizeof(why));
        return ovni_error(OVNI_EFORMAT, "%s: parallel decode: cannot seek to chunk %d (%s); segments=1 reads "
                          "the file in one piece", path, from, why);
    }
    int started = 0;
    while (ret == 0 && (e = next_packet(w, pkt)) == 0) {
        int key = (pkt->flags & AV_PKT_FLAG_KEY) != 0;
        int64_t kt = packet_key_time(s, pkt);
        if (!started) {
            /* The seek lands on the keyframe, or earlier (MP4 seeks take
             * pts, its index is dts): demux on to it. Where the keyframe
             * packet is damaged or missing, the next keyframe starts the
             * chunk, as it ends the previous chunk for the worker before;
             * past the chunk's end, the chunk is empty. */
            if (!key || kt == AV_NOPTS_VALUE || kt < start) {
                av_packet_unref(pkt);
                continue;
            }
            if (kt >= next) {
                av_packet_unref(pkt);
                return SPAN_EMPTY;
            }
            if (kt != start)
                ovni_log(OVNI_LOG_DEBUG, "%s: chunk %d starts at key time %lld, not %lld", path, from,
                         (long long)kt, (long long)start);
            started = 1;
            w->check = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : INT64_MIN;
            if (from == c) *chunk_lo = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : INT64_MIN;
            w->lo = *chunk_lo;
        } else if (key && kt != AV_NOPTS_VALUE && kt >= next) { /* the next chunk's keyframe */
            if (pkt->pts == AV_NOPTS_VALUE) {
                av_packet_unref(pkt);
                break;
            }
            w->hi = pkt->pts;
            av_packet_move_ref(held, pkt);
            ret = feed_leading(w, pkt, held);
            break;
        }
        ret = w->dec->decode(w->dec, pkt);
        av_packet_unref(pkt);
    }
    if (w->bad_start) return SPAN_RETRY;
    if (ret == 0 && e == DECODE_STOP) ret = DECODE_STOP;
    if (ret == 0 && !started) return SPAN_EMPTY; /* the file ends before it: the worker before read to the end */
    if (ret == 0) ret = w->dec->decode(w->dec, NULL); /* drain: the chunk's last pictures */
    if (w->bad_start || (ret == 0 && !w->checked && w->can_retry && w->check != INT64_MIN)) return SPAN_RETRY;
    return ret;
}

static int decode_chunk(worker *w, int c, AVPacket *pkt, AVPacket *held)
{
    int64_t lo = INT64_MIN;
    long long corrupt = atomic_load(&w->dec->corrupt);
    for (int from = c;; from--) {
        int ret = decode_span(w, c, from, &lo, pkt, held);
        if (ret == SPAN_EMPTY) {
            ovni_log(OVNI_LOG_DEBUG, "%s: chunk %d's keyframe is missing: the chunk before reads its span",
                     w->s->p.dec.path, c);
            return 0;
        }
        if (ret != SPAN_RETRY) return ret;
        ovni_log(OVNI_LOG_DEBUG, "%s: chunk %d: the keyframe of chunk %d is damaged: decoding from chunk %d's",
                 w->s->p.dec.path, c, from, from - 1);
        atomic_store(&w->dec->corrupt, corrupt); /* the span is decoded again: its damage counted once */
    }
}

static int interrupted(void *opaque)
{
    segments *s = opaque;
    return atomic_load(&s->stop) || device_interrupted(s->p.dec.dev);
}

/* The worker's own demuxer on the same file. Stream parameters come from
 * the reader's (already probed) stream, so no avformat_find_stream_info. */
static int open_input(worker *w)
{
    segments *s = w->s;
    const AVStream *ref = s->p.dec.st;
    guard_params gp = {.kind = GUARD_MEDIA, .allow_playlists = 0, .format = s->p.format,
                       .interrupt = {interrupted, s}};
    int r = guard_open(&w->fmt, s->p.dec.path, &gp);
    if (r < 0) return ovni_error_prefix(r, "parallel decode: cannot open the file again");
    if ((unsigned)ref->index >= w->fmt->nb_streams ||
        w->fmt->streams[ref->index]->codecpar->codec_id != ref->codecpar->codec_id ||
        av_cmp_q(w->fmt->streams[ref->index]->time_base, ref->time_base) != 0)
        return ovni_error(OVNI_EFORMAT, "%s: parallel decode: the file changed since it was opened", s->p.dec.path);
    for (unsigned i = 0; i < w->fmt->nb_streams; i++)
        if ((int)i != ref->index) w->fmt->streams[i]->discard = AVDISCARD_ALL;
    return 0;
}

static int open_worker_decoder(worker *w)
{
    segments *s = w->s;
    decode_params p = s->p.dec;
    p.emit = worker_emit;
    p.emit_ctx = w;
    return s->p.nvdec ? decoder_nvdec_open(&w->dec, &p) : decoder_cpu_open(&w->dec, &p);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    segments *s = w->s;
    AVPacket *pkt = av_packet_alloc(), *held = av_packet_alloc();
    int ret = pkt && held ? 0 : ovni_error(OVNI_ENOMEM, "%s: out of memory", s->p.dec.path);
    if (ret == 0) ret = open_input(w);
    for (int c = s->plan.first + w->id; ret == 0 && c < s->plan.n; c += s->n) {
        ret = decode_chunk(w, c, pkt, held);
        if (ret == 0 && queue_push(&w->q, CHUNK_END) < 0) ret = DECODE_STOP;
    }
    av_packet_free(&pkt);
    av_packet_free(&held);
    w->status = ret;
    if (ret < 0 && ret != DECODE_STOP) snprintf(w->message, sizeof(w->message), "%s", ovni_last_error());
    queue_close(&w->q); /* after status: the reader reads it once this queue is drained */
    return NULL;
}

/* ---- the reader's side ---- */

int segments_read(segments *s, ovni_frame **out)
{
    *out = NULL;
    while (s->cur < s->plan.n) {
        worker *w = &s->w[(s->cur - s->plan.first) % s->n];
        void *item;
        if (queue_pop(&w->q, &item) < 0) { /* the worker ended before this chunk's end */
            if (w->status < 0 && w->status != DECODE_STOP) return ovni_error(w->status, "%s", w->message);
            return DECODE_STOP; /* stopped */
        }
        if (item == CHUNK_END) {
            s->cur++;
            continue;
        }
        *out = item;
        w->delivered++;
        return 0;
    }
    return DECODE_STOP;
}

void segments_count(const segments *s, int *decoders, int *used, int *chunks)
{
    *decoders = s->n;
    *chunks = s->plan.n - s->plan.first;
    *used = 0;
    for (int i = 0; i < s->n; i++) *used += s->w[i].delivered > 0;
}

void segments_stop(segments *s)
{
    if (!s) return;
    atomic_store(&s->stop, 1);
    for (int i = 0; i < s->n; i++)
        if (s->w[i].q.items) queue_close(&s->w[i].q); /* wakes a worker waiting for room */
}

int64_t segments_corrupt(segments *s)
{
    if (!s) return 0;
    int64_t n = atomic_load(&s->corrupt_demux);
    for (int i = 0; i < s->n; i++)
        if (s->w[i].dec) n += atomic_load(&s->w[i].dec->corrupt);
    return n;
}

static void drop_frame(void *item)
{
    if (item == CHUNK_END) return;
    ovni_frame *f = item;
    ovni_frame_unref(&f);
}

void segments_close(segments *s)
{
    if (!s) return;
    segments_stop(s);
    for (int i = 0; i < s->n; i++) {
        worker *w = &s->w[i];
        if (w->started) pthread_join(w->thread, NULL);
        if (w->q.items) queue_destroy(&w->q, drop_frame);
        if (w->dec) w->dec->close(w->dec);
        guard_close(&w->fmt);
    }
    if (s->reserved) pool_reserve(s->p.dec.dev, -s->reserved);
    free(s->w);
    segments_plan_free(&s->plan);
    free(s);
}

int segments_open(segments **out, const segments_params *p, seg_plan *plan)
{
    *out = NULL;
    segments *s = calloc(1, sizeof(*s));
    if (!s) {
        segments_plan_free(plan);
        return ovni_error(OVNI_ENOMEM, "%s: out of memory", p->dec.path);
    }
    s->p = *p;
    s->plan = *plan;
    memset(plan, 0, sizeof(*plan));
    s->cur = s->plan.first;
    atomic_init(&s->stop, 0);
    atomic_init(&s->corrupt_demux, 0);
    int chunks = s->plan.n - s->plan.first;
    s->n = p->workers < chunks ? p->workers : chunks;
    if (s->n > SEG_MAX_WORKERS) s->n = SEG_MAX_WORKERS;
    if (s->n < 1) s->n = 1;
    /* Each queue holds a whole chunk (so a worker decodes its next chunk
     * while the reader is still on earlier ones) plus slack, up to
     * SEG_QUEUE_BYTES of frames, and one slot for the chunk-end mark. */
    const AVCodecParameters *par = p->dec.st->codecpar;
    int64_t frame_bytes = (int64_t)par->width * par->height * 3 / 2 * (decode_stream_bit_depth(par) > 8 ? 2 : 1);
    int64_t cap = frame_bytes > 0 ? SEG_QUEUE_BYTES / frame_bytes : 64;
    int64_t want = s->plan.max_frames + SEG_SLACK;
    if (want > cap) want = cap;
    if (want < 8) want = 8;
    int depth = (int)want + 1;
    s->w = calloc((size_t)s->n, sizeof(*s->w));
    int ret = s->w ? 0 : ovni_error(OVNI_ENOMEM, "%s: out of memory", p->dec.path);
    /* Decoders are opened here, not on the workers' threads: an NVDEC
     * failure is reported by ovni_reader_open(), and w->dec is set before
     * ovni_reader_corrupt_packets() can read it from another thread. */
    for (int i = 0; i < s->n && ret == 0; i++) {
        s->w[i].s = s;
        s->w[i].id = i;
        if (queue_init(&s->w[i].q, depth) < 0) ret = ovni_error(OVNI_ENOMEM, "%s: out of memory", p->dec.path);
        else ret = open_worker_decoder(&s->w[i]);
    }
    if (ret == 0) {
        /* Frames released by the caller go back to the pool instead of
         * being freed and allocated again by a worker. */
        s->reserved = s->n * depth;
        pool_reserve(p->dec.dev, s->reserved);
    }
    for (int i = 0; i < s->n && ret == 0; i++) {
        if (pthread_create(&s->w[i].thread, NULL, worker_main, &s->w[i]) != 0)
            ret = ovni_error(OVNI_ENOMEM, "%s: cannot start a decode thread", p->dec.path);
        else
            s->w[i].started = 1;
    }
    if (ret < 0) {
        segments_close(s);
        return ret;
    }
    *out = s;
    return 0;
}
