/* Internal: timestamp jumps in formats that allow them (MPEG-TS, MPEG-PS,
 * FLV: AVFMT_TS_DISCONT), joined as FFmpeg's command does: a packet whose
 * dts goes back, or forward by more than 10 s, from where its stream's
 * last packet ended is moved to that end, and so is everything after it
 * (one offset per stream). The reader applies it to the video (and a fed
 * audio stream), the writer's audio demuxer to the audio, so both follow
 * on from where they left off and stay within a packet of each other. */
#ifndef OVNI_IO_DISCONT_H
#define OVNI_IO_DISCONT_H

#include <stdint.h>

#include <libavformat/avformat.h>

typedef struct ts_discont {
    int on;             /* the format allows jumps */
    int64_t offset;     /* added to this stream's timestamps */
    int64_t next;       /* where the last packet ended (offset applied); AV_NOPTS_VALUE: none yet */
    int64_t jumps;      /* jumps joined */
    double largest;     /* the largest, in seconds (negative: back) */
    double first_at;    /* where the first one was, seconds */
} ts_discont;

void discont_init(ts_discont *d, const AVFormatContext *fmt);
/* After a seek: the next packet starts anew (the offset is kept). */
void discont_reset(ts_discont *d);
/* Moves pkt's timestamps by the stream's offset; 1 when this packet was a
 * jump (d->jumps counted), else 0. */
int discont_fix(ts_discont *d, AVPacket *pkt, AVRational tb);

#endif
