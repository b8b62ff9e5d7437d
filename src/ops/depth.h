/* Depth reduction, P010 (10-bit) -> NV12 (8-bit), shared by depth.c and
 * depth.cu: for 10-bit sources written by an 8-bit encoder.
 *
 * The rule is libswscale's for yuv420p10 -> yuv420p (its unscaled planar
 * copy, which `ffmpeg -i in10.mp4 -pix_fmt yuv420p` runs), so ovni's 8-bit
 * output of a 10-bit source has FFmpeg's bytes: a 2x2 ordered dither
 * d = {{1, 2}, {3, 0}}[y & 1][x & 1], (x, y) the sample's position in its
 * own plane (chroma: the chroma plane's, U and V alike), then
 *   chroma, and limited-range luma:  t = (v + d) >> 2, out = t - (t >> 8)
 *   full-range luma:                 out = (v - (v >> 8) + d) >> 2
 * v the 10-bit value (a P010 word's high 10 bits). The dither's mean is 1.5
 * (of 4), against round-to-nearest's 2; its 2x2 pattern keeps the two lost
 * bits as a fine texture that breaks up banding on smooth HDR gradients.
 * Full-range luma maps 0..1023 onto 0..255 with both ends kept; the rest
 * are shifted, 1023 + 3 saturating at 255. Matrix, range, siting, transfer
 * and primaries are not touched: the codes keep their meaning. */
#ifndef OVNI_OPS_DEPTH_H
#define OVNI_OPS_DEPTH_H

#include "op_common.h"

/* One plane of the reduction: w x h pixels of `samples` 16-bit words each
 * (1: luma, 2: the interleaved UV pairs); `full` is 1 for full-range luma. */
typedef struct depth_plane {
    const uint8_t *src;
    size_t src_pitch;
    uint8_t *dst;
    size_t dst_pitch;
    int w, h, samples, full;
} depth_plane;

/* The dither of the sample at (x, y) of its plane: 0..3. */
OVNI_HD unsigned depth_dither(int x, int y)
{
    /* {{1, 2}, {3, 0}}: two bits each, row-major */
    return 0x39u >> (2 * (((unsigned)y & 1u) * 2u + ((unsigned)x & 1u))) & 3u;
}

/* The 8-bit value of a 10-bit one v (0..1023) with dither d. */
OVNI_HD uint8_t depth_10_to_8(unsigned v, unsigned d, int full)
{
    if (full) return (uint8_t)((v - (v >> 8) + d) >> 2);
    unsigned t = (v + d) >> 2;
    return (uint8_t)(t - (t >> 8));
}

/* Pixel (x, y) of plane p, each of its samples alone. */
OVNI_HD void depth_px(const depth_plane *p, int x, int y)
{
    const uint16_t *s = (const uint16_t *)(p->src + (size_t)y * p->src_pitch) + (size_t)x * (size_t)p->samples;
    uint8_t *d = p->dst + (size_t)y * p->dst_pitch + (size_t)x * (size_t)p->samples;
    unsigned dither = depth_dither(x, y);
    for (int k = 0; k < p->samples; k++) d[k] = depth_10_to_8((unsigned)s[k] >> 6, dither, p->full);
}

#endif
