/* Timestamp jumps joined: see discont.h. */
#include "discont.h"

void discont_init(ts_discont *d, const AVFormatContext *fmt)
{
    *d = (ts_discont){.on = fmt && fmt->iformat && (fmt->iformat->flags & AVFMT_TS_DISCONT), .next = AV_NOPTS_VALUE};
}

void discont_reset(ts_discont *d) { d->next = AV_NOPTS_VALUE; }

int discont_fix(ts_discont *d, AVPacket *pkt, AVRational tb)
{
    if (!d->on) return 0;
    int64_t t = pkt->dts; /* in decode order: pts of reordered pictures go back */
    if (t == AV_NOPTS_VALUE) {
        if (pkt->pts != AV_NOPTS_VALUE) pkt->pts += d->offset;
        return 0;
    }
    int jumped = 0;
    if (d->next != AV_NOPTS_VALUE) {
        int64_t at = t + d->offset, delta = at - d->next;
        int64_t back = pkt->duration > 0 ? pkt->duration : av_rescale_q(1, (AVRational){1, 1000}, tb);
        int64_t fwd = av_rescale_q(10, (AVRational){1, 1}, tb);
        if (delta < -back || delta > fwd) {
            double sec = delta * av_q2d(tb);
            if (!d->jumps) d->first_at = d->next * av_q2d(tb);
            if (d->jumps == 0 || (sec < 0 ? -sec : sec) > (d->largest < 0 ? -d->largest : d->largest))
                d->largest = sec;
            d->offset -= delta;
            d->jumps++;
            jumped = 1;
        }
    }
    if (pkt->pts != AV_NOPTS_VALUE) pkt->pts += d->offset;
    if (pkt->dts != AV_NOPTS_VALUE) pkt->dts += d->offset;
    int64_t end = t + d->offset + (pkt->duration > 0 ? pkt->duration : 0);
    if (d->next == AV_NOPTS_VALUE || end > d->next) d->next = end;
    return jumped;
}
