/* Internal: one stream's packets handed from the demuxer that read them
 * (a reader's thread) to another thread (the writer's audio), so an input
 * read once (stdin, a FIFO) gives its audio from the same demuxer as its
 * video instead of a second open.
 *
 * Reference counted: the reader and the writer each hold one, so either may
 * close first. The writer never waits: feed_pop answers "not yet" and the
 * writer takes the packet at its next video packet (the reader demuxes
 * ahead of the frames it hands out, so a frame's audio is there by the time
 * the frame is encoded). Memory is bounded: past max_bytes of queued
 * packets, packets are dropped and counted (a writer that takes no audio). */
#ifndef OVNI_IO_FEED_H
#define OVNI_IO_FEED_H

#include <stdint.h>

#include <libavformat/avformat.h>

typedef struct packet_feed packet_feed;

/* A feed for stream st (its parameters, time base and start time copied),
 * one reference held by the caller. */
int feed_new(packet_feed **out, const AVStream *st, const char *path, int64_t max_bytes);
packet_feed *feed_ref(packet_feed *f);
void feed_unref(packet_feed **f);

/* The reader's side. push takes a new reference to pkt's data; a packet
 * whose dts is not after the last one kept (the demuxer seeked back) is
 * not kept again. end: no more packets come. */
int feed_push(packet_feed *f, const AVPacket *pkt);
void feed_end(packet_feed *f);
/* 1 while a consumer still wants packets ending before `ts` (tb): the
 * reader reads on past its last frame to give the audio under it. */
int feed_wants(packet_feed *f, int64_t ts, AVRational tb);

/* The consumer's side: 0 with the next packet moved into pkt,
 * AVERROR(EAGAIN) when none is queued yet, AVERROR_EOF after the end. */
int feed_pop(packet_feed *f, AVPacket *pkt);
const AVCodecParameters *feed_params(const packet_feed *f);
AVRational feed_time_base(const packet_feed *f);
int64_t feed_start_time(const packet_feed *f); /* AV_NOPTS_VALUE when unknown */
const char *feed_path(const packet_feed *f);
int64_t feed_dropped(packet_feed *f);

/* reader.c: the feed of a reader opened with settings.audio_feed (NULL
 * without); the caller takes its own reference with feed_ref. */
struct ovni_reader;
packet_feed *reader_feed(struct ovni_reader *r);

#endif
