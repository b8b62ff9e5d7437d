/* Each interlaced H.264 picture's field order as libavcodec reads it, for
 * decoders that do not say it the same way.
 *
 * NVDEC's top_field_first is not libavcodec's: an x264 MBAFF clip coded
 * bottom field first with no pic_struct SEI (x264's default) comes out of
 * NVDEC top first on every picture (H200, 2026-12-03), where libavcodec and
 * ffprobe derive bottom first from the field POCs. The witness reads each
 * packet as libavcodec's decoder does: the field POCs of a frame where they
 * differ (h264_poc.c), else the pic_struct SEI through libavcodec's H.264
 * parser; and remembers the order under the packet's timestamp until the
 * picture is shown. */
#ifndef OVNI_IO_FIELD_WITNESS_H
#define OVNI_IO_FIELD_WITNESS_H

#include <stdint.h>

#include <libavformat/avformat.h>

#include "ovni/frame.h"

typedef struct field_witness field_witness;

/* A witness for stream `st`; *out stays NULL where none is needed (not
 * H.264, or parameter sets in the extradata that allow no fields).
 * OVNI_ENOMEM. */
int field_witness_open(field_witness **out, const AVStream *st);

/* Reads the packet (as demuxed: length-prefixed or Annex-B) and remembers
 * its picture's order under `key` (any clock; packets without a
 * timestamp are skipped). */
void field_witness_packet(field_witness *w, const AVPacket *pkt, int64_t key);

/* The order remembered under `key`, forgotten now; OVNI_FIELD_PROGRESSIVE
 * when unknown (no such key, or the parser named no order). */
ovni_field_order field_witness_take(field_witness *w, int64_t key);

/* Forgets every pending order (after a seek). */
void field_witness_reset(field_witness *w);

void field_witness_close(field_witness **w);

#endif
