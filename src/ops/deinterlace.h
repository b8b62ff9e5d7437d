/* Motion-adaptive deinterlacing math (bwdif: yadif's motion check around
 * the BBC's Weston 3-field filter), shared by deinterlace.c and
 * deinterlace.cu. Integer arithmetic only, so both backends give the same
 * bits, and the same bits as FFmpeg's bwdif on the same planes.
 *
 * A plane is a grid of independent columns: every tap is in the same column
 * (rows above and below, in the previous, current and next frames), so an
 * RGB24 plane is 3 x width columns of bytes and NV12's UV plane is its
 * interleaved U and V samples. Rows whose parity is `keep` are the current
 * frame's own field and are copied; each other row is rebuilt:
 *   c, e   the kept rows above and below (reflected at the plane's edges)
 *   P2, N2 the frames holding the missing field just before and after the
 *          output's instant: (prev, cur) for the first field, (cur, next)
 *          for the second
 *   d      = (P2 + N2) / 2, the temporal prediction
 *   diff   = max(|P2 - N2| / 2, mean |prev - cur| and mean |next - cur| on
 *            c, e): the motion; 0 gives d exactly (a still picture stays
 *            exact); near rows 2 above/below it is widened as yadif's
 *            spatial check does
 *   interp = Weston's 3-field vertical filter where the picture has more
 *            vertical detail than motion (|c - e| > |P2 - N2|), else a
 *            4-tap cubic of the current field; (c + e) / 2 within 4 rows of
 *            the top and bottom edges
 *   out    = interp clamped to d +- diff, then to the sample range.
 * With no temporal partner (no prev for the first field, no next for the
 * second) the row is the 4-tap cubic alone ("intra"). */
#ifndef OVNI_OPS_DEINTERLACE_H
#define OVNI_OPS_DEINTERLACE_H

#include "op_common.h"

typedef struct deint_src {
    const uint8_t *data;
    size_t pitch;
} deint_src;

typedef struct deint_plane {
    deint_src prev, cur, next; /* a missing neighbour is given as cur */
    uint8_t *dst;
    size_t dst_pitch;
    int width, height; /* columns (samples) and rows of the plane */
    int wide;          /* 16-bit little-endian samples, 10 significant high bits (P010) */
    int keep;          /* rows with (y & 1) == keep are copied from cur */
    int second;        /* 1: the second field's instant (P2 = cur, N2 = next) */
    int intra;         /* 1: no temporal partner: spatial cubic only */
} deint_plane;

/* Weston 3-field coefficients (BBC R&D PH-2071) and the spatial cubic, in
 * units of 1/8192, as bwdif uses them. */
#define DEINT_LF0 4309
#define DEINT_LF1 213
#define DEINT_HF0 5570
#define DEINT_HF1 3801
#define DEINT_HF2 1016
#define DEINT_SP0 5077
#define DEINT_SP1 981

OVNI_HD int deint_abs(int v) { return v < 0 ? -v : v; }
OVNI_HD int deint_max(int a, int b) { return a > b ? a : b; }
OVNI_HD int deint_min(int a, int b) { return a < b ? a : b; }

/* The rows a missing row y reads, found once per row: cur's kept rows
 * above and below (1 and 3 away, reflected at the edges as bwdif does),
 * prev's and next's at the same places, and P2's and N2's rows y, y +- 2,
 * y +- 4. Rows outside the plane are clamped to it, which only tiny planes
 * (under 4 rows) reach. */
typedef struct deint_taps {
    const uint8_t *up, *dn, *up3, *dn3;       /* cur */
    const uint8_t *prev_up, *prev_dn, *next_up, *next_dn;
    const uint8_t *p2[5], *n2[5];             /* rows y - 4, y - 2, y, y + 2, y + 4 */
    int edge, spat;
} deint_taps;

OVNI_HD const uint8_t *deint_row(const deint_plane *p, deint_src s, int row)
{
    return s.data + (size_t)ovni_clampi(row, 0, p->height - 1) * s.pitch;
}

OVNI_HD deint_taps deint_taps_make(const deint_plane *p, int y)
{
    const int h = p->height;
    const int up = y > 0 ? y - 1 : y + 1, dn = y + 1 < h ? y + 1 : y - 1;
    /* the cubic's outer taps: 3 rows away inside the plane, else the row past the near one */
    const int up3 = p->intra ? (y > 2 ? y - 3 : y + 1) : y - 3, dn3 = p->intra ? (y + 3 < h ? y + 3 : y - 1) : y + 3;
    const deint_src P2 = p->second ? p->cur : p->prev, N2 = p->second ? p->next : p->cur;
    deint_taps t;
    t.up = deint_row(p, p->cur, up);
    t.dn = deint_row(p, p->cur, dn);
    t.up3 = deint_row(p, p->cur, up3);
    t.dn3 = deint_row(p, p->cur, dn3);
    t.prev_up = deint_row(p, p->prev, up);
    t.prev_dn = deint_row(p, p->prev, dn);
    t.next_up = deint_row(p, p->next, up);
    t.next_dn = deint_row(p, p->next, dn);
    for (int k = 0; k < 5; k++) {
        t.p2[k] = deint_row(p, P2, y + 2 * k - 4);
        t.n2[k] = deint_row(p, N2, y + 2 * k - 4);
    }
    t.edge = y < 4 || y + 5 > h;
    t.spat = !t.edge || !(y < 2 || y + 3 > h);
    return t;
}

/* Sample x of a row: a byte, or P010's 10 bits. */
OVNI_HD int deint_ld(const uint8_t *row, int x, int wide)
{
    return wide ? (int)((unsigned)row[2 * x] | (unsigned)row[2 * x + 1] << 8) >> 6 : (int)row[x];
}

/* The rebuilt sample x of the missing row whose taps are t, 0..255 (0..1023 wide). */
OVNI_HD int deint_value(const deint_plane *p, const deint_taps *t, int x)
{
    const int wide = p->wide, top = wide ? 1023 : 255;
    const int c = deint_ld(t->up, x, wide), e = deint_ld(t->dn, x, wide);
    if (p->intra) {
        const int v = (DEINT_SP0 * (c + e) - DEINT_SP1 * (deint_ld(t->up3, x, wide) + deint_ld(t->dn3, x, wide))) >> 13;
        return ovni_clampi(v, 0, top);
    }
    const int p0 = deint_ld(t->p2[2], x, wide), n0 = deint_ld(t->n2[2], x, wide);
    const int d = (p0 + n0) >> 1;
    const int td0 = deint_abs(p0 - n0);
    const int td1 = (deint_abs(deint_ld(t->prev_up, x, wide) - c) + deint_abs(deint_ld(t->prev_dn, x, wide) - e)) >> 1;
    const int td2 = (deint_abs(deint_ld(t->next_up, x, wide) - c) + deint_abs(deint_ld(t->next_dn, x, wide) - e)) >> 1;
    int diff = deint_max(deint_max(td0 >> 1, td1), td2);
    if (!diff) return d;
    if (t->spat) {
        /* spatial check: the prediction two rows up and down bounds the motion */
        const int b = ((deint_ld(t->p2[1], x, wide) + deint_ld(t->n2[1], x, wide)) >> 1) - c;
        const int f = ((deint_ld(t->p2[3], x, wide) + deint_ld(t->n2[3], x, wide)) >> 1) - e;
        const int dc = d - c, de = d - e;
        const int mx = deint_max(deint_max(de, dc), deint_min(b, f));
        const int mn = deint_min(deint_min(de, dc), deint_max(b, f));
        diff = deint_max(deint_max(diff, mn), -mx);
    }
    int v;
    if (t->edge) {
        v = (c + e) >> 1;
    } else {
        const int far = deint_ld(t->up3, x, wide) + deint_ld(t->dn3, x, wide);
        if (deint_abs(c - e) > td0) {
            const int hf = DEINT_HF0 * (p0 + n0) -
                           DEINT_HF1 * (deint_ld(t->p2[1], x, wide) + deint_ld(t->n2[1], x, wide) +
                                        deint_ld(t->p2[3], x, wide) + deint_ld(t->n2[3], x, wide)) +
                           DEINT_HF2 * (deint_ld(t->p2[0], x, wide) + deint_ld(t->n2[0], x, wide) +
                                        deint_ld(t->p2[4], x, wide) + deint_ld(t->n2[4], x, wide));
            v = ((hf >> 2) + DEINT_LF0 * (c + e) - DEINT_LF1 * far) >> 13;
        } else {
            v = (DEINT_SP0 * (c + e) - DEINT_SP1 * far) >> 13;
        }
    }
    v = v > d + diff ? d + diff : v < d - diff ? d - diff : v;
    return ovni_clampi(v, 0, top);
}

/* Stores sample x of output row `o`. */
OVNI_HD void deint_store(uint8_t *o, int x, int v, int wide)
{
    if (wide) {
        const unsigned w = (unsigned)v << 6;
        o[2 * x] = (uint8_t)w;
        o[2 * x + 1] = (uint8_t)(w >> 8);
    } else {
        o[x] = (uint8_t)v;
    }
}

/* Writes output sample (x, y): cur's own rows copied, the others rebuilt
 * (the naive per-sample form; the CPU walk finds each row's taps once). */
OVNI_HD void deint_px(const deint_plane *p, int x, int y)
{
    uint8_t *o = p->dst + (size_t)y * p->dst_pitch;
    if ((y & 1) == p->keep) {
        const uint8_t *s = p->cur.data + (size_t)y * p->cur.pitch;
        if (p->wide) o[2 * x] = s[2 * x], o[2 * x + 1] = s[2 * x + 1];
        else o[x] = s[x];
        return;
    }
    const deint_taps t = deint_taps_make(p, y);
    deint_store(o, x, deint_value(p, &t, x), p->wide);
}

#endif
