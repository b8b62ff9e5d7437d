/* The order of a coded H.264 frame's two fields by their picture order
 * counts, read from the parameter sets and the first slice header: what
 * libavcodec derives a frame's top_field_first from before anything else
 * (field POCs differ: the lower is shown first), so a stream whose
 * pic_struct SEI disagrees with its POCs (x264 reconfigured mid-stream by
 * FFmpeg's wrapper writes such files) is read as libavcodec reads it.
 * Only the syntax up to the POC fields is parsed. */
#ifndef OVNI_IO_H264_POC_H
#define OVNI_IO_H264_POC_H

#include <stdint.h>

#define H264_POC_MAX_SPS 32
#define H264_POC_MAX_PPS 256

typedef struct h264_poc_sps {
    int valid;
    int separate_colour_plane, log2_max_frame_num, poc_type, log2_max_poc_lsb;
    int delta_pic_order_always_zero, offset_for_top_to_bottom_field, frame_mbs_only;
} h264_poc_sps;

typedef struct h264_poc_pps {
    int valid, sps_id, bottom_field_pic_order_in_frame_present;
} h264_poc_pps;

typedef struct h264_poc {
    h264_poc_sps sps[H264_POC_MAX_SPS];
    h264_poc_pps pps[H264_POC_MAX_PPS];
    int nal_length_size; /* 0: Annex-B start codes; 1-4: length-prefixed (avcC) */
} h264_poc;

/* Reads the stream's extradata (avcC or Annex-B parameter sets). */
void h264_poc_init(h264_poc *h, const uint8_t *extradata, int size);

/* 1 when parameter sets were read and every one says frame_mbs_only: no
 * picture of the stream can be interlaced. */
int h264_poc_progressive(const h264_poc *h);

/* Reads one access unit (its SPS/PPS are remembered). Returns 1 when its
 * first slice is a frame whose top field's POC is the lower, 2 when the
 * bottom's is, 0 when they are equal or it cannot tell (a field picture,
 * a missing parameter set, a damaged header). */
int h264_poc_order(h264_poc *h, const uint8_t *data, int size);

#endif
