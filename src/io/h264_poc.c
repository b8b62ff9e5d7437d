#include "h264_poc.h"

#include <string.h>

/* Exp-Golomb reader over a NAL unit's payload with its emulation
 * prevention bytes (00 00 03) skipped. Reading past the end sets `bad`. */
typedef struct {
    const uint8_t *p;
    int size, pos, zeros, bad; /* pos: byte; bits left in cur */
    uint32_t cur;
    int left;
} bits;

static int next_byte(bits *b)
{
    while (b->pos < b->size) {
        int v = b->p[b->pos++];
        if (b->zeros >= 2 && v == 3) { /* emulation prevention */
            b->zeros = 0;
            continue;
        }
        b->zeros = v == 0 ? b->zeros + 1 : 0;
        return v;
    }
    b->bad = 1;
    return 0;
}

static uint32_t u(bits *b, int n)
{
    uint32_t v = 0;
    for (int i = 0; i < n; i++) {
        if (!b->left) {
            b->cur = (uint32_t)next_byte(b);
            b->left = 8;
        }
        v = v << 1 | ((b->cur >> --b->left) & 1);
    }
    return v;
}

static uint32_t ue(bits *b)
{
    int z = 0;
    while (!u(b, 1)) {
        if (++z > 31 || b->bad) {
            b->bad = 1;
            return 0;
        }
    }
    return z ? ((1u << z) - 1) + u(b, z) : 0;
}

static int se(bits *b)
{
    uint32_t k = ue(b);
    return k & 1 ? (int)((k + 1) / 2) : -(int)(k / 2);
}

/* ue() for a field whose legal values are 0..max: larger (a damaged or
 * hostile header) marks the reader bad, so no sum below can overflow. */
static int ue_max(bits *b, uint32_t max)
{
    uint32_t v = ue(b);
    if (v > max) b->bad = 1;
    return v > max ? 0 : (int)v;
}

static void bits_init(bits *b, const uint8_t *nal, int size)
{
    memset(b, 0, sizeof(*b));
    b->p = nal + 1, b->size = size - 1; /* after the NAL header byte */
}

static void skip_scaling_list(bits *b, int n)
{
    int last = 8, next = 8;
    for (int j = 0; j < n && !b->bad; j++) {
        if (next) next = (int)(((int64_t)last + se(b)) & 255); /* (last + delta) mod 256 */
        last = next ? next : last;
    }
}

static void read_sps(h264_poc *h, const uint8_t *nal, int size)
{
    bits b;
    bits_init(&b, nal, size);
    h264_poc_sps s;
    memset(&s, 0, sizeof(s));
    const int profile = (int)u(&b, 8);
    u(&b, 16); /* constraint flags, level */
    const uint32_t id = ue(&b);
    if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44 || profile == 83 ||
        profile == 86 || profile == 118 || profile == 128 || profile == 138 || profile == 139 || profile == 134 ||
        profile == 135) {
        const uint32_t chroma = ue(&b);
        if (chroma == 3) s.separate_colour_plane = (int)u(&b, 1);
        ue(&b), ue(&b); /* bit depths */
        u(&b, 1);       /* qpprime_y_zero_transform_bypass */
        if (u(&b, 1))   /* seq_scaling_matrix_present */
            for (int i = 0; i < (chroma != 3 ? 8 : 12) && !b.bad; i++)
                if (u(&b, 1)) skip_scaling_list(&b, i < 6 ? 16 : 64);
    }
    s.log2_max_frame_num = ue_max(&b, 12) + 4;
    s.poc_type = ue_max(&b, 2);
    if (s.poc_type == 0) {
        s.log2_max_poc_lsb = ue_max(&b, 12) + 4;
    } else if (s.poc_type == 1) {
        s.delta_pic_order_always_zero = (int)u(&b, 1);
        se(&b); /* offset_for_non_ref_pic */
        s.offset_for_top_to_bottom_field = se(&b);
        const uint32_t n = ue(&b);
        for (uint32_t i = 0; i < n && i < 256 && !b.bad; i++) se(&b);
    }
    ue(&b), u(&b, 1), ue(&b), ue(&b); /* max_num_ref_frames, gaps, width, height */
    s.frame_mbs_only = (int)u(&b, 1);
    if (b.bad || id >= H264_POC_MAX_SPS) return; /* ue_max bounded the rest */
    s.valid = 1;
    h->sps[id] = s;
}

static void read_pps(h264_poc *h, const uint8_t *nal, int size)
{
    bits b;
    bits_init(&b, nal, size);
    const uint32_t id = ue(&b), sps = ue(&b);
    u(&b, 1); /* entropy_coding_mode */
    const int bottom = (int)u(&b, 1);
    if (b.bad || id >= H264_POC_MAX_PPS || sps >= H264_POC_MAX_SPS) return;
    h->pps[id] = (h264_poc_pps){1, (int)sps, bottom};
}

/* The first slice's field order (h264_poc_order's values; 0 when its
 * header names none or cannot be read). */
static int read_slice(const h264_poc *h, const uint8_t *nal, int size)
{
    bits b;
    bits_init(&b, nal, size);
    ue(&b), ue(&b); /* first_mb_in_slice, slice_type */
    const uint32_t pps_id = ue(&b);
    if (b.bad || pps_id >= H264_POC_MAX_PPS || !h->pps[pps_id].valid) return 0;
    const h264_poc_pps *pps = &h->pps[pps_id];
    const h264_poc_sps *sps = &h->sps[pps->sps_id];
    if (!sps->valid || sps->frame_mbs_only) return 0; /* progressive by construction */
    if (sps->separate_colour_plane) u(&b, 2);
    u(&b, sps->log2_max_frame_num);
    if (u(&b, 1)) return 0; /* field_pic_flag: a field, not a frame */
    if ((nal[0] & 0x1f) == 5) ue(&b); /* idr_pic_id */
    int64_t diff = 0; /* bottom field's POC minus the top's (two 32-bit terms) */
    if (sps->poc_type == 0) {
        u(&b, sps->log2_max_poc_lsb);
        if (pps->bottom_field_pic_order_in_frame_present) diff = se(&b);
    } else if (sps->poc_type == 1) {
        diff = sps->offset_for_top_to_bottom_field;
        if (!sps->delta_pic_order_always_zero) {
            se(&b);
            if (pps->bottom_field_pic_order_in_frame_present) diff += se(&b);
        }
    }
    if (b.bad) return 0;
    return diff > 0 ? 1 : diff < 0 ? 2 : 0;
}

/* Calls fn on each NAL unit of an access unit or of Annex-B extradata;
 * stops at the first nonnegative return. */
static int each_nal(h264_poc *h, const uint8_t *p, int size, int length_size,
                    int (*fn)(h264_poc *h, const uint8_t *nal, int size))
{
    int i = 0;
    while (i < size) {
        int start, end;
        if (length_size) {
            if (size - i < length_size) return -1;
            uint32_t n = 0;
            for (int k = 0; k < length_size; k++) n = n << 8 | p[i + k];
            start = i + length_size;
            if (n > (uint32_t)(size - start)) return -1;
            end = start + (int)n;
        } else {
            while (i + 2 < size && !(p[i] == 0 && p[i + 1] == 0 && p[i + 2] == 1)) i++;
            if (i + 2 >= size) return -1;
            start = i + 3;
            const int type = start < size ? p[start] & 0x1f : 0;
            if (type == 1 || type == 5) /* a slice: its header is all that is read, so its end is not sought */
                return fn(h, p + start, size - start);
            end = start;
            while (end + 2 < size && !(p[end] == 0 && p[end + 1] == 0 && (p[end + 2] == 1 || p[end + 2] == 0))) end++;
            if (end + 2 >= size) end = size;
        }
        if (end > start) {
            int r = fn(h, p + start, end - start);
            if (r >= 0) return r;
        }
        i = end;
    }
    return -1;
}

static int on_nal(h264_poc *h, const uint8_t *nal, int size)
{
    switch (nal[0] & 0x1f) {
    case 7: read_sps(h, nal, size); return -1;
    case 8: read_pps(h, nal, size); return -1;
    case 1:
    case 5: return read_slice(h, nal, size);
    default: return -1;
    }
}

void h264_poc_init(h264_poc *h, const uint8_t *x, int size)
{
    memset(h, 0, sizeof(*h));
    if (!x || size < 7 || x[0] != 1) { /* Annex-B extradata (or none) */
        if (x && size > 0) each_nal(h, x, size, 0, on_nal);
        return;
    }
    /* avcC: version, profile, compat, level, 6 bits + length size - 1,
     * then the SPS and PPS lists, each a 16-bit length per entry */
    h->nal_length_size = (x[4] & 3) + 1;
    int i = 5;
    for (int list = 0; list < 2 && i < size; list++) {
        int n = list == 0 ? x[i++] & 0x1f : x[i++];
        for (int k = 0; k < n && i + 2 <= size; k++) {
            int len = x[i] << 8 | x[i + 1];
            i += 2;
            if (len <= 0 || len > size - i) return;
            on_nal(h, x + i, len);
            i += len;
        }
    }
}

int h264_poc_progressive(const h264_poc *h)
{
    int known = 0;
    for (int i = 0; i < H264_POC_MAX_SPS; i++) {
        if (!h->sps[i].valid) continue;
        if (!h->sps[i].frame_mbs_only) return 0;
        known = 1;
    }
    return known;
}

int h264_poc_order(h264_poc *h, const uint8_t *data, int size)
{
    int r = each_nal(h, data, size, h->nal_length_size, on_nal);
    return r > 0 ? r : 0;
}
