/* One stream's packets from a reader's demuxer to the writer: see feed.h. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../core/common.h"
#include "feed.h"

typedef struct feed_node {
    AVPacket *pkt;
    struct feed_node *next;
} feed_node;

struct packet_feed {
    pthread_mutex_t lock;
    int refs;
    AVCodecParameters *par;
    AVRational tb;
    int64_t start_time;
    char *path;
    feed_node *head, *tail;
    int64_t bytes, max_bytes;
    int64_t last_dts;        /* of the last packet kept */
    int64_t last_end;        /* end of the last packet kept (pts + duration) */
    int64_t dropped;
    int ended;
};

int feed_new(packet_feed **out, const AVStream *st, const char *path, int64_t max_bytes)
{
    *out = NULL;
    packet_feed *f = ovni_calloc(1, sizeof(*f));
    if (!f) return ovni_error(OVNI_ENOMEM, "%s: out of memory", path);
    if (!(f->par = avcodec_parameters_alloc()) || avcodec_parameters_copy(f->par, st->codecpar) < 0 ||
        !(f->path = ovni_strdup(path))) {
        avcodec_parameters_free(&f->par);
        free(f);
        return ovni_error(OVNI_ENOMEM, "%s: out of memory", path);
    }
    pthread_mutex_init(&f->lock, NULL);
    f->refs = 1;
    f->tb = st->time_base;
    f->start_time = st->start_time;
    f->max_bytes = max_bytes;
    f->last_dts = f->last_end = AV_NOPTS_VALUE;
    *out = f;
    return 0;
}

packet_feed *feed_ref(packet_feed *f)
{
    if (!f) return NULL;
    pthread_mutex_lock(&f->lock);
    f->refs++;
    pthread_mutex_unlock(&f->lock);
    return f;
}

void feed_unref(packet_feed **fp)
{
    packet_feed *f = fp ? *fp : NULL;
    if (!f) return;
    *fp = NULL;
    pthread_mutex_lock(&f->lock);
    int last = --f->refs == 0;
    pthread_mutex_unlock(&f->lock);
    if (!last) return;
    while (f->head) {
        feed_node *n = f->head;
        f->head = n->next;
        av_packet_free(&n->pkt);
        free(n);
    }
    avcodec_parameters_free(&f->par);
    pthread_mutex_destroy(&f->lock);
    free(f->path);
    free(f);
}

int feed_push(packet_feed *f, const AVPacket *pkt)
{
    int64_t dts = pkt->dts != AV_NOPTS_VALUE ? pkt->dts : pkt->pts;
    pthread_mutex_lock(&f->lock);
    int skip = f->ended || (dts != AV_NOPTS_VALUE && f->last_dts != AV_NOPTS_VALUE && dts <= f->last_dts);
    int full = !skip && f->bytes + pkt->size > f->max_bytes;
    if (full) f->dropped++;
    pthread_mutex_unlock(&f->lock);
    if (skip || full) return 0;
    feed_node *n = ovni_calloc(1, sizeof(*n));
    if (!n || !(n->pkt = av_packet_clone(pkt))) {
        free(n);
        return ovni_error(OVNI_ENOMEM, "%s: out of memory", f->path);
    }
    pthread_mutex_lock(&f->lock);
    if (f->tail) f->tail->next = n;
    else f->head = n;
    f->tail = n;
    f->bytes += pkt->size;
    if (dts != AV_NOPTS_VALUE) f->last_dts = dts;
    int64_t t = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : dts;
    if (t != AV_NOPTS_VALUE) f->last_end = t + (pkt->duration > 0 ? pkt->duration : 0);
    pthread_mutex_unlock(&f->lock);
    return 0;
}

void feed_end(packet_feed *f)
{
    if (!f) return;
    pthread_mutex_lock(&f->lock);
    f->ended = 1;
    pthread_mutex_unlock(&f->lock);
}

int feed_wants(packet_feed *f, int64_t ts, AVRational tb)
{
    if (!f) return 0;
    pthread_mutex_lock(&f->lock);
    int want = !f->ended && f->bytes < f->max_bytes &&
               (f->last_end == AV_NOPTS_VALUE || av_compare_ts(f->last_end, f->tb, ts, tb) < 0);
    pthread_mutex_unlock(&f->lock);
    return want;
}

int feed_pop(packet_feed *f, AVPacket *pkt)
{
    pthread_mutex_lock(&f->lock);
    feed_node *n = f->head;
    if (n) {
        f->head = n->next;
        if (!f->head) f->tail = NULL;
        f->bytes -= n->pkt->size;
    }
    int ended = f->ended;
    pthread_mutex_unlock(&f->lock);
    if (!n) return ended ? AVERROR_EOF : AVERROR(EAGAIN);
    av_packet_move_ref(pkt, n->pkt);
    av_packet_free(&n->pkt);
    free(n);
    return 0;
}

const AVCodecParameters *feed_params(const packet_feed *f) { return f->par; }
AVRational feed_time_base(const packet_feed *f) { return f->tb; }
int64_t feed_start_time(const packet_feed *f) { return f->start_time; }
const char *feed_path(const packet_feed *f) { return f->path; }

int64_t feed_dropped(packet_feed *f)
{
    pthread_mutex_lock(&f->lock);
    int64_t n = f->dropped;
    pthread_mutex_unlock(&f->lock);
    return n;
}
