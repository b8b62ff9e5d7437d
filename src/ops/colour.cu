// Colour conversion kernels: the per-pixel math is in colour.h.
#include "colour.h"

// YUV -> RGB: each thread writes a 4x2 block (columns x0..x0+3 of luma rows
// 2m and 2m+1). The block's 8 pixels read their chroma from 3 columns x 3
// rows of chroma samples, loaded once into registers instead of 2-4 times
// per pixel; the per-pixel math is colour.h's (colour_chroma_blend,
// colour_yuv_to_rgbf, ovni_u8), so the results are the CPU walk's. Loads
// and stores are words where aligned and bytes otherwise (wrapped frames
// may have any pitch and address), and at the right edge.

// (float)v for v < 2^23, exactly, from the bit pattern of 2^23 + v: two
// full-rate instructions where the convert unit runs at an eighth of the
// rate on sm_90. Used for P010's 10-bit samples, whose shifts come first
// anyway (3-11% faster on the H200); NV12's bytes convert faster as they
// are (docs/benchmarks.md).
__device__ static inline float ovni_colour_i2f(uint32_t v) { return __uint_as_float(0x4B000000u | v) - 8388608.0f; }

// Chroma row cy at columns cx0-HC .. cx0+2 (3 columns co-sited, 4 centred),
// each clamped to 0..cw-1 as colour_chroma_at clamps its indices.
template <int HC>
__device__ static inline void ovni_colour_load_c(const colour_yuv *s, int cx0, int cy, int cw, float u[4],
                                                 float v[4])
{
    const uint8_t *row = s->uv + (size_t)cy * s->uv_pitch;
    if (cx0 - HC >= 0 && cx0 + 2 < cw) {
        if (!s->wide) {
            const uint8_t *q = row + 2 * (size_t)cx0; // (U-1 V-1) | U0 V0 U1 V1 | U2 V2
            if (((uintptr_t)q & 3) == 0) {
                uint32_t a = __ldg((const unsigned int *)q), b = __ldg((const unsigned short *)(q + 4));
                if (HC) {
                    uint32_t l = __ldg((const unsigned short *)(q - 2));
                    u[0] = (float)(l & 255u), v[0] = (float)(l >> 8);
                }
                u[HC] = (float)(a & 255u), v[HC] = (float)((a >> 8) & 255u);
                u[HC + 1] = (float)((a >> 16) & 255u), v[HC + 1] = (float)(a >> 24);
                u[HC + 2] = (float)(b & 255u), v[HC + 2] = (float)(b >> 8);
                return;
            }
        } else {
            const uint8_t *q = row + 4 * (size_t)cx0; // 16-bit (U-1 V-1) | U0 V0 U1 V1 | U2 V2
            if (((uintptr_t)q & 7) == 0) {
                uint2 a = __ldg((const uint2 *)q);
                uint32_t b = __ldg((const unsigned int *)(q + 8));
                if (HC) {
                    uint32_t l = __ldg((const unsigned int *)(q - 4));
                    u[0] = ovni_colour_i2f((l & 0xffffu) >> 6), v[0] = ovni_colour_i2f(l >> 22);
                }
                u[HC] = ovni_colour_i2f((a.x & 0xffffu) >> 6), v[HC] = ovni_colour_i2f(a.x >> 22);
                u[HC + 1] = ovni_colour_i2f((a.y & 0xffffu) >> 6), v[HC + 1] = ovni_colour_i2f(a.y >> 22);
                u[HC + 2] = ovni_colour_i2f((b & 0xffffu) >> 6), v[HC + 2] = ovni_colour_i2f(b >> 22);
                return;
            }
        }
    }
#pragma unroll
    for (int k = 0; k < 3 + HC; k++) {
        int cx = ovni_clampi(cx0 - HC + k, 0, cw - 1);
        u[k] = colour_load_c(s, cx, cy, 0);
        v[k] = colour_load_c(s, cx, cy, 1);
    }
}

// Lumas x0..x0+n-1 of row y.
__device__ static inline void ovni_colour_load_y4(const colour_yuv *s, int x0, int y, int n, float Y[4])
{
    if (n == 4) {
        const uint8_t *row = s->y + (size_t)y * s->y_pitch;
        if (!s->wide && ((uintptr_t)(row + x0) & 3) == 0) {
            uint32_t a = __ldg((const unsigned int *)(row + x0));
            for (int i = 0; i < 4; i++) Y[i] = (float)((a >> (8 * i)) & 255u);
            return;
        }
        if (s->wide && ((uintptr_t)(row + 2 * (size_t)x0) & 7) == 0) {
            uint2 a = __ldg((const uint2 *)(row + 2 * (size_t)x0));
            Y[0] = ovni_colour_i2f((a.x & 0xffffu) >> 6), Y[1] = ovni_colour_i2f(a.x >> 22);
            Y[2] = ovni_colour_i2f((a.y & 0xffffu) >> 6), Y[3] = ovni_colour_i2f(a.y >> 22);
            return;
        }
    }
#pragma unroll
    for (int i = 0; i < 4; i++) Y[i] = i < n ? colour_load_y(s, x0 + i, y) : 0.0f;
}

// BPP is a template argument so that every byte position below is a
// compile-time constant and the output words stay in registers; HC and VT
// (COLOUR_LOC_HCENTRE, COLOUR_LOC_VTOP) fix the siting per kernel, so the
// block's chroma indices and weights are constants too (no per-pixel test).
template <int BPP, int HC, int VT>
__device__ static inline void ovni_colour_yuv_block(const colour_yuv &s, uint8_t *dst, size_t dst_pitch, int x0, int m)
{
    int n = s.width - x0 < 4 ? s.width - x0 : 4;
    int rows = 2 * m + 1 < s.height ? 2 : 1;
    int cw = (s.width + 1) / 2, ch = (s.height + 1) / 2, cx0 = x0 >> 1;
    // Chroma rows: between-rows siting blends rows m-1, m (luma row 2m, fy
    // 0.75) and m, m+1 (row 2m+1, fy 0.25); top siting takes row m (2m)
    // and blends m, m+1 half and half (2m+1): colour_up_index.
    float u[3][4], v[3][4];
    if (!VT) ovni_colour_load_c<HC>(&s, cx0, m > 0 ? m - 1 : 0, cw, u[0], v[0]);
    ovni_colour_load_c<HC>(&s, cx0, m, cw, u[1 - VT], v[1 - VT]);
    // (top siting reads row m+1 even for a last lone row: weight 0, but finite)
    if (rows == 2 || VT) ovni_colour_load_c<HC>(&s, cx0, m + 1 < ch ? m + 1 : ch - 1, cw, u[2 - VT], v[2 - VT]);
#pragma unroll
    for (int r = 0; r < 2; r++) {
        if (r >= rows) break;
        int y = 2 * m + r;
        float fy, Y[4];
        int ra = VT ? 0 : colour_up_index(r, 1, &fy) + 1; // row r blends loaded rows ra, ra+1
        if (VT) colour_up_index(r, 0, &fy);
        ovni_colour_load_y4(&s, x0, y, n, Y);
        uint32_t words[BPP] = {0};
#pragma unroll
        for (int i = 0; i < 4; i++) {
            if (i >= n) break;
            // x0 is even: pixel x0+i blends chroma columns cx0 + k, k+1 of
            // colour_up_index (loaded from column cx0 - HC).
            float fx;
            int k = colour_up_index(i, HC, &fx) + HC;
            float cu = colour_chroma_blend(u[ra][k], u[ra][k + 1], u[ra + 1][k], u[ra + 1][k + 1], fx, fy);
            float cv = colour_chroma_blend(v[ra][k], v[ra][k + 1], v[ra + 1][k], v[ra + 1][k + 1], fx, fy);
            float rgb[3];
            colour_yuv_to_rgbf(&s.k, Y[i], cu, cv, rgb);
            uint32_t b[4] = {ovni_u8(rgb[0]), ovni_u8(rgb[1]), ovni_u8(rgb[2]), 255u};
#pragma unroll
            for (int c = 0; c < BPP; c++) words[(i * BPP + c) / 4] |= b[c] << (8 * ((i * BPP + c) % 4));
        }
        uint8_t *d = ovni_px(dst, dst_pitch, x0, y, BPP);
        if (n == 4 && BPP == 4 && ((uintptr_t)d & 15) == 0) {
            *(uint4 *)d = make_uint4(words[0], words[1], words[2], words[BPP - 1]);
        } else if (n == 4 && ((uintptr_t)d & 3) == 0) {
#pragma unroll
            for (int i = 0; i < BPP; i++) ((uint32_t *)d)[i] = words[i];
        } else {
#pragma unroll
            for (int i = 0; i < 4 * BPP; i++)
                if (i < n * BPP) d[i] = (uint8_t)(words[i / 4] >> (8 * (i % 4)));
        }
    }
}

template <int HC, int VT>
__device__ static inline void ovni_colour_yuv_to_rgb(const colour_yuv &s, uint8_t *dst, size_t dst_pitch, int bpp)
{
    int x0 = (blockIdx.x * blockDim.x + threadIdx.x) * 4, m = blockIdx.y * blockDim.y + threadIdx.y;
    if (x0 >= s.width || 2 * m >= s.height) return;
    if (bpp == 4) ovni_colour_yuv_block<4, HC, VT>(s, dst, dst_pitch, x0, m);
    else ovni_colour_yuv_block<3, HC, VT>(s, dst, dst_pitch, x0, m);
}

// RGB -> NV12, one 2x2 block with clamped taps (the frame's outer blocks;
// the strip walk below does the rest): the values of
// colour_rgb_to_nv12_block (colour_down_taps, colour_down_sum,
// colour_c_codes_sum, colour_y_code) walked with the pixel size a constant
// (BPP), each tap row's address computed once, and the block's four lumas
// taken from the filter's own loads (the taps at 2bx, 2bx+1 of rows 2by,
// 2by+1: indices HC ? 1 : 2 along x and VT ? 2 : 1 along y, clamped edges
// included). The kernel is bound by issued instructions (docs/benchmarks.md).
template <int HC, int VT, int BPP>
__device__ static inline void ovni_colour_nv12_block(const colour_rgb_to_nv12 &p, int bx, int by)
{
    int xs[5], ys[5], wx[5], wy[5], rows[3][5], s[3];
    const int nx = colour_down_taps(bx, HC, p.width, xs, wx);
    const int ny = colour_down_taps(by, !VT, p.height, ys, wy);
    const int lx = HC ? 1 : 2, ly = VT ? 2 : 1; // tap indices of luma 2bx, 2by
    const int ncols = 2 * bx + 1 < p.width ? 2 : 1, nrows = 2 * by + 1 < p.height ? 2 : 1;
#pragma unroll
    for (int j = 0; j < 5; j++) {
        if (j >= ny) break;
        const uint8_t *row = p.src + (size_t)ys[j] * p.src_pitch;
        int v[3][5];
#pragma unroll
        for (int i = 0; i < 5; i++) {
            if (i >= nx) break;
            const uint8_t *q = row + xs[i] * BPP;
            v[0][i] = q[0], v[1][i] = q[1], v[2][i] = q[2];
        }
#pragma unroll
        for (int c = 0; c < 3; c++) rows[c][j] = colour_down_sum(v[c], wx, nx);
        if (j >= ly && j - ly < nrows) {
            uint8_t *y = p.y + (size_t)(2 * by + j - ly) * p.y_pitch + 2 * (size_t)bx;
#pragma unroll
            for (int dx = 0; dx < 2; dx++)
                if (dx < ncols)
                    y[dx] = colour_y_code(&p.k, (float)v[0][lx + dx], (float)v[1][lx + dx], (float)v[2][lx + dx]);
        }
    }
#pragma unroll
    for (int c = 0; c < 3; c++) s[c] = colour_down_sum(rows[c], wy, ny);
    uint8_t *uv = p.uv + (size_t)by * p.uv_pitch + 2 * (size_t)bx;
    colour_c_codes_sum(&p.k, s, &uv[0], &uv[1]);
}

// The strip of K blocks down column bx from row by0 when every tap of
// all of them lies inside the frame (all but the outer 1-2 rows and
// columns): colour_down_taps's positions are then the unclamped
// 2bx - (HC ? 1 : 2) + t and its weights colour_down_kernel's, so both are
// constants, each tap a load at a fixed offset from its row.
// The walk is bound by issued instructions (docs/benchmarks.md), so:
// - each source row is filtered along x once for the strip (2K + ny - 2
//   rows, where one block at a time filters ny);
// - R and B share one word, R + 65536 B (mod 2^32): the filter is linear,
//   so one multiply-add does both lanes, and every sum of one lane lies in
//   -24480..40800 (the centred 4x4 filter's extremes, 64 x the value), a
//   span under 2^16, so the lanes come apart exactly at the end
//   (nv12_lanes);
// - the taps are read as aligned 4-byte words, shifted into place.

// R + 65536 B and G of the N taps (pixels) from `row`. The words reach up
// to 2 pixels past the last tap (pixel 2bx+4 at most), which the strip's
// test leaves inside the row.
template <int BPP, int N>
__device__ static inline void ovni_colour_nv12_load_taps(const uint8_t *row, uint32_t rb[5], int g[5])
{
    constexpr int NW = (N * BPP + 3) / 4; // words of the N pixels, aligned to `row`
    const unsigned off = (unsigned)((uintptr_t)row & 3);
    const unsigned int *w = (const unsigned int *)(row - off);
    uint32_t raw[NW + 1], b[NW + 1];
#pragma unroll
    for (int k = 0; k < NW + 1; k++) raw[k] = __ldg(w + k);
#pragma unroll
    for (int k = 0; k < NW; k++) b[k] = __funnelshift_r(raw[k], raw[k + 1], 8 * off);
    b[NW] = 0;
#pragma unroll
    for (int i = 0; i < N; i++) {
        const int o = i * BPP; // byte of R; B is at o + 2, G at o + 1
        const uint32_t lo = b[o / 4], hi = b[o / 4 + 1];
        // bytes R, -, B, - of the 8 at lo|hi from byte o % 4
        const uint32_t t = o % 4 == 0 ? lo : o % 4 == 1 ? lo >> 8 : __byte_perm(lo, hi, o % 4 == 2 ? 0x0402 : 0x0503);
        rb[i] = t & 0x00FF00FFu;
        g[i] = (int)((b[(o + 1) / 4] >> (8 * ((o + 1) % 4))) & 255u);
    }
}

// colour_down_sum over R + 65536 B words, in unsigned arithmetic (the
// packed sums pass 2^31).
__device__ static inline uint32_t nv12_sum_packed(const uint32_t *v, const int *w, int k)
{
    uint32_t s = 0;
#pragma unroll
    for (int t = 0; t < 5; t++)
        if (t < k) s += (uint32_t)w[t] * v[t];
    return s;
}

// R and B of a packed sum: biased by 24480 each, both lanes are 0..65280.
__device__ static inline void nv12_lanes(uint32_t s, int *r, int *b)
{
    const uint32_t u = s + 24480u * 65537u;
    *r = (int)(u & 0xFFFFu) - 24480, *b = (int)(u >> 16) - 24480;
}

template <int HC, int VT, int BPP, int K>
__device__ static inline void ovni_colour_nv12_strip_inner(const colour_rgb_to_nv12 &p, int bx, int by0)
{
    int wx[5], wy[5];
    const int nx = colour_down_kernel(HC, wx), ny = colour_down_kernel(!VT, wy);
    const int lx = HC ? 1 : 2, ly = VT ? 2 : 1; // tap indices of luma 2bx, 2by
    constexpr int NY = VT ? 5 : 4, ROWS = 2 * K + NY - 2;
    const uint8_t *src = p.src + (size_t)(2 * by0 - ly) * p.src_pitch + (2 * bx - lx) * BPP;
    uint32_t hrb[ROWS];
    int hg[ROWS];
#pragma unroll
    for (int r = 0; r < ROWS; r++) {
        uint32_t rb[5];
        int g[5];
        ovni_colour_nv12_load_taps<BPP, HC ? 4 : 5>(src + (size_t)r * p.src_pitch, rb, g);
        hrb[r] = nv12_sum_packed(rb, wx, nx);
        hg[r] = colour_down_sum(g, wx, nx);
        if (r >= ly && r < ly + 2 * K) {
            uint8_t *y = p.y + (size_t)(2 * by0 + r - ly) * p.y_pitch + 2 * (size_t)bx;
#pragma unroll
            for (int dx = 0; dx < 2; dx++)
                y[dx] = colour_y_code(&p.k, (float)(rb[lx + dx] & 0xFFu), (float)g[lx + dx],
                                      (float)(rb[lx + dx] >> 16));
        }
    }
#pragma unroll
    for (int k = 0; k < K; k++) {
        int s[3];
        nv12_lanes(nv12_sum_packed(hrb + 2 * k, wy, ny), &s[0], &s[2]);
        s[1] = colour_down_sum(hg + 2 * k, wy, ny);
        uint8_t *uv = p.uv + (size_t)(by0 + k) * p.uv_pitch + 2 * (size_t)bx;
        colour_c_codes_sum(&p.k, s, &uv[0], &uv[1]);
    }
}

// Thread (bx, t) converts blocks (bx, K t .. K t + K - 1): the strip walk
// where all its taps are inside, else each block on its own with clamped
// taps.
template <int HC, int VT>
__device__ static inline void ovni_colour_rgb_to_nv12(const colour_rgb_to_nv12 &p)
{
    constexpr int K = COLOUR_NV12_STRIP;
    const int bx = blockIdx.x * blockDim.x + threadIdx.x, by0 = (blockIdx.y * blockDim.y + threadIdx.y) * K;
    const int cw = (p.width + 1) / 2, ch = (p.height + 1) / 2;
    if (bx >= cw || by0 >= ch) return;
    // taps 2bx-2..2bx+2 (2bx-1.. centred) and 2by-2..2by+2 (2by-1.. between
    // rows), and two more pixels to the right for the word loads' reach
    const bool inner = 2 * bx - (HC ? 1 : 2) >= 0 && 2 * bx + 4 < p.width && 2 * by0 - (VT ? 2 : 1) >= 0 &&
                       2 * (by0 + K - 1) + 2 < p.height;
    if (inner && p.src_bpp == 4) ovni_colour_nv12_strip_inner<HC, VT, 4, K>(p, bx, by0);
    else if (inner) ovni_colour_nv12_strip_inner<HC, VT, 3, K>(p, bx, by0);
    else
        for (int by = by0; by < by0 + K && by < ch; by++) {
            if (p.src_bpp == 4) ovni_colour_nv12_block<HC, VT, 4>(p, bx, by);
            else ovni_colour_nv12_block<HC, VT, 3>(p, bx, by);
        }
}

// One kernel per siting (colour.c picks it by the frame's chroma_loc),
// spelled out: scripts/build_kernels.py lists kernels by their literal names.
#define YUV_ARGS colour_yuv s, uint8_t *dst, size_t dst_pitch, int bpp
extern "C" __global__ void ovni_colour_yuv_to_rgb_left(YUV_ARGS) { ovni_colour_yuv_to_rgb<0, 0>(s, dst, dst_pitch, bpp); }
extern "C" __global__ void ovni_colour_yuv_to_rgb_center(YUV_ARGS) { ovni_colour_yuv_to_rgb<1, 0>(s, dst, dst_pitch, bpp); }
extern "C" __global__ void ovni_colour_yuv_to_rgb_topleft(YUV_ARGS) { ovni_colour_yuv_to_rgb<0, 1>(s, dst, dst_pitch, bpp); }
extern "C" __global__ void ovni_colour_yuv_to_rgb_top(YUV_ARGS) { ovni_colour_yuv_to_rgb<1, 1>(s, dst, dst_pitch, bpp); }
#undef YUV_ARGS
extern "C" __global__ void ovni_colour_rgb_to_nv12_left(colour_rgb_to_nv12 p) { ovni_colour_rgb_to_nv12<0, 0>(p); }
extern "C" __global__ void ovni_colour_rgb_to_nv12_center(colour_rgb_to_nv12 p) { ovni_colour_rgb_to_nv12<1, 0>(p); }
extern "C" __global__ void ovni_colour_rgb_to_nv12_topleft(colour_rgb_to_nv12 p) { ovni_colour_rgb_to_nv12<0, 1>(p); }
extern "C" __global__ void ovni_colour_rgb_to_nv12_top(colour_rgb_to_nv12 p) { ovni_colour_rgb_to_nv12<1, 1>(p); }

extern "C" __global__ void ovni_colour_rgb_repack(const uint8_t *src, size_t src_pitch, int sbpp,
                                                  uint8_t *dst, size_t dst_pitch, int dbpp, int w, int h)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    colour_rgb_repack_px(ovni_cpx(src, src_pitch, x, y, sbpp), sbpp, ovni_px(dst, dst_pitch, x, y, dbpp), dbpp);
}
