#include "field_witness.h"

#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>

#include "../core/common.h"
#include "h264_poc.h"

#define WITNESS_RING 64 /* pictures between a packet and its display: the reorder depth at most */

struct field_witness {
    AVCodecParserContext *parser;
    AVCodecContext *avctx; /* the parser reads the stream's extradata (avcC) from it */
    h264_poc poc;          /* the field POCs, which libavcodec reads first */
    struct {
        int64_t key;
        ovni_field_order order;
    } ring[WITNESS_RING];
    int n;
};

int field_witness_open(field_witness **out, const AVStream *st)
{
    *out = NULL;
    const AVCodecParameters *par = st->codecpar;
    if (par->codec_id != AV_CODEC_ID_H264) return 0;
    field_witness *w = ovni_calloc(1, sizeof(*w));
    if (!w) return ovni_error(OVNI_ENOMEM, "out of memory");
    /* Not the container's field_order: Matroska files written from
     * progressive sources say progressive over interlaced H.264. */
    h264_poc_init(&w->poc, par->extradata, par->extradata_size);
    if (h264_poc_progressive(&w->poc)) { /* the SPS forbids fields */
        free(w);
        return 0;
    }
    w->parser = av_parser_init(AV_CODEC_ID_H264);
    w->avctx = avcodec_alloc_context3(NULL);
    if (!w->parser || !w->avctx || avcodec_parameters_to_context(w->avctx, par) < 0) {
        field_witness_close(&w);
        return ovni_error(OVNI_ENOMEM, "out of memory");
    }
    w->parser->flags |= PARSER_FLAG_COMPLETE_FRAMES; /* one packet, one picture: nothing is held back */
    *out = w;
    return 0;
}

static ovni_field_order witness_order(enum AVFieldOrder o)
{
    switch (o) {
    case AV_FIELD_TT:
    case AV_FIELD_BT: return OVNI_FIELD_TT; /* top field shown first */
    case AV_FIELD_BB:
    case AV_FIELD_TB: return OVNI_FIELD_BB;
    default: return OVNI_FIELD_PROGRESSIVE;
    }
}

void field_witness_packet(field_witness *w, const AVPacket *pkt, int64_t key)
{
    if (!w || !pkt || pkt->pts == AV_NOPTS_VALUE) return;
    uint8_t *outbuf = NULL;
    int outsize = 0;
    w->parser->field_order = AV_FIELD_UNKNOWN;
    av_parser_parse2(w->parser, w->avctx, &outbuf, &outsize, pkt->data, pkt->size, pkt->pts, pkt->dts, pkt->pos);
    if (w->n == WITNESS_RING) { /* the oldest cannot be pending any more */
        memmove(w->ring, w->ring + 1, (WITNESS_RING - 1) * sizeof(w->ring[0]));
        w->n--;
    }
    /* libavcodec's order: the field POCs where they differ, else the
     * parser's (pic_struct SEI, else nothing) */
    const int poc = h264_poc_order(&w->poc, pkt->data, pkt->size);
    w->ring[w->n].key = key;
    w->ring[w->n].order = poc == 1 ? OVNI_FIELD_TT : poc == 2 ? OVNI_FIELD_BB : witness_order(w->parser->field_order);
    w->n++;
}

ovni_field_order field_witness_take(field_witness *w, int64_t key)
{
    if (!w) return OVNI_FIELD_PROGRESSIVE;
    for (int i = 0; i < w->n; i++)
        if (w->ring[i].key == key) {
            const ovni_field_order o = w->ring[i].order;
            memmove(w->ring + i, w->ring + i + 1, (size_t)(w->n - i - 1) * sizeof(w->ring[0]));
            w->n--;
            return o;
        }
    return OVNI_FIELD_PROGRESSIVE;
}

void field_witness_reset(field_witness *w)
{
    if (w) w->n = 0;
}

void field_witness_close(field_witness **w)
{
    if (!*w) return;
    av_parser_close((*w)->parser);
    avcodec_free_context(&(*w)->avctx);
    free(*w);
    *w = NULL;
}
