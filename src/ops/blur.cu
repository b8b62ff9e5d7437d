// Gaussian blur kernels: the math is in blur.h; blur.c launches them.
// Parameters are __grid_constant__ so the 2 KB of taps are read from the
// constant bank by address, not copied to each thread's local memory.
#include "blur.h"

// Vertical pass: one thread per pixel; a warp reads neighbouring pixels of
// each source row, so every tap is a coalesced load (mostly from L1/L2).
extern "C" __global__ void ovni_blur_vertical(const __grid_constant__ blur_planes p,
                                              const __grid_constant__ blur_taps t)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= p.width || y >= p.height) return;
    for (int c = 0; c < p.ch; c++) blur_store_mid(&p, x, y, c, blur_vertical_px(&p, &t, x, y, c));
}

// Vertical pass, 4 bytes per thread where every row is 4-byte aligned: one
// 32-bit load per tap row instead of one per channel. Without
// premultiplication each byte is blurred alone, so the 4 bytes may straddle
// pixels (RGB24, GRAY8); RGBA32's 4 bytes are one pixel, premultiplied in
// registers. Each byte sees the same blur_tap sequence as in
// blur_vertical_px, so the results are the same bits.
__device__ static inline void ovni_blur_unpack4(const blur_planes *p, const uint8_t *s, float v[4])
{
    uint32_t w = *(const uint32_t *)s;
    for (int j = 0; j < 4; j++) v[j] = (float)((w >> (8 * j)) & 255u); // byte j (little-endian)
    if (p->premul)
        for (int j = 0; j < 3; j++) v[j] = blur_premul(v[j], v[3]);
}

// Each thread of ovni_blur_vertical4 computes BLUR_VROWS rows of its 4
// bytes. Output row y+o takes tap pair k from rows y+o-k and y+o+k (clamped),
// so the pairs of all BLUR_VROWS outputs at step k are two windows of
// consecutive source rows; from step k to k+1 each window slides by one row,
// so one thread loads 2 rows per step instead of 2 * BLUR_VROWS. Every output
// still sums w[0]*p[0] and then pairs k = 1..r in order, as blur_vertical_px.
extern "C" __global__ void ovni_blur_vertical4(const __grid_constant__ blur_planes p,
                                               const __grid_constant__ blur_taps t)
{
    int i = 4 * (blockIdx.x * blockDim.x + threadIdx.x), y = (blockIdx.y * blockDim.y + threadIdx.y) * BLUR_VROWS;
    int n = p.width * p.ch, last = p.height - 1;
    if (i >= n || y >= p.height) return;
    if (i + 4 > n) { // a row's last 1..3 bytes (never RGBA32)
        for (int o = 0; o < BLUR_VROWS && y + o < p.height; o++)
            for (int b = i; b < n; b++)
                blur_store_mid(&p, b / p.ch, y + o, b % p.ch, blur_vertical_px(&p, &t, b / p.ch, y + o, b % p.ch));
        return;
    }
    const uint8_t *col = p.src + i;
    // lo[o]: row y+o-k, hi[o]: row y+o+k (each clamped to the frame).
    float acc[BLUR_VROWS][4], lo[BLUR_VROWS][4], hi[BLUR_VROWS][4];
#pragma unroll
    for (int o = 0; o < BLUR_VROWS; o++) {
        ovni_blur_unpack4(&p, col + (size_t)(y + o < last ? y + o : last) * p.src_pitch, lo[o]);
#pragma unroll
        for (int j = 0; j < 4; j++) hi[o][j] = lo[o][j], acc[o][j] = BLUR_MUL(t.w[0], lo[o][j]);
    }
    // unrolled by the window length, so its shifts become register renames
    static_assert(BLUR_VROWS == 4, "unroll count below");
#pragma unroll 4
    for (int k = 1; k <= t.radius; k++) {
#pragma unroll
        for (int o = BLUR_VROWS - 1; o > 0; o--)
#pragma unroll
            for (int j = 0; j < 4; j++) lo[o][j] = lo[o - 1][j];
#pragma unroll
        for (int o = 0; o < BLUR_VROWS - 1; o++)
#pragma unroll
            for (int j = 0; j < 4; j++) hi[o][j] = hi[o + 1][j];
        int ya = y - k, yb = y + BLUR_VROWS - 1 + k;
        ovni_blur_unpack4(&p, col + (size_t)(ya > 0 ? ya : 0) * p.src_pitch, lo[0]);
        ovni_blur_unpack4(&p, col + (size_t)(yb < last ? yb : last) * p.src_pitch, hi[BLUR_VROWS - 1]);
        float w = t.w[k];
#pragma unroll
        for (int o = 0; o < BLUR_VROWS; o++)
#pragma unroll
            for (int j = 0; j < 4; j++) acc[o][j] = blur_tap(acc[o][j], w, lo[o][j], hi[o][j]);
    }
#pragma unroll
    for (int o = 0; o < BLUR_VROWS; o++) {
        if (y + o >= p.height) break;
        uint32_t qh = 0, ql = 0;
#pragma unroll
        for (int j = 0; j < 4; j++) {
            unsigned q = blur_quantize(acc[o][j]);
            qh |= (q >> 8) << (8 * j);
            ql |= (q & 255u) << (8 * j);
        }
        *(uint32_t *)(p.hi + (size_t)(y + o) * p.hi_pitch + i) = qh;
        *(uint32_t *)(p.lo + (size_t)(y + o) * p.lo_pitch + i) = ql;
    }
}

// The tile row of a block inside the frame: pixels xs .. xs + span - 1 of
// row y, from the scratch planes read as 32-bit words (one load per 4 bytes
// of each plane instead of one per byte and channel) starting at the word
// holding the first byte; each byte goes to its channel's plane of the tile
// as blur_load_mid would give it. The planes are pool frames, whose rows
// start 256-byte aligned.
template <int CH>
__device__ static inline void ovni_blur_load_span(const blur_planes *p, float *rows, int span, int xs, int y)
{
    const int first = xs * CH, end = (xs + span) * CH, w0 = first >> 2;
    const uint32_t *hi = (const uint32_t *)(p->hi + (size_t)y * p->hi_pitch);
    const uint32_t *lo = (const uint32_t *)(p->lo + (size_t)y * p->lo_pitch);
    for (int k = w0 + (int)threadIdx.x; 4 * k < end; k += BLUR_TILE_THREADS) {
        const uint32_t h = hi[k], l = lo[k];
#pragma unroll
        for (int q = 0; q < 4; q++) {
            const int b = 4 * k + q;
            if (b < first || b >= end) continue;
            rows[(b % CH) * span + b / CH - xs] = blur_mid_value((h >> (8 * q)) & 255u, (l >> (8 * q)) & 255u);
        }
    }
}

// Horizontal pass: a block of BLUR_TILE_W x BLUR_TILE_ROWS outputs loads its
// rows' span [x0 - r, x0 + BLUR_TILE_W + r) once into shared memory, one
// plane per channel. Each thread computes BLUR_HX consecutive outputs, as
// ovni_blur_vertical4 does rows: at tap pair k output o takes e[o - k] and
// e[o + k], two windows that slide by one element per step, so a step loads
// 2 values and one tap weight for BLUR_HX outputs (one thread per output
// spent most of its instructions on loads and loop overhead). Every output
// sums w[0]*p[0] and then pairs k = 1..r in order, as blur_row_px.
extern "C" __global__ void ovni_blur_horizontal(const __grid_constant__ blur_planes p,
                                                const __grid_constant__ blur_taps t)
{
    extern __shared__ float ovni_blur_tile[];
    const int r = t.radius, span = BLUR_TILE_W + 2 * r;
    const int x0 = blockIdx.x * BLUR_TILE_W, y = blockIdx.y * BLUR_TILE_ROWS + threadIdx.y;
    float *rows = ovni_blur_tile + (size_t)threadIdx.y * p.ch * span;
    if (y < p.height) {
        if (x0 - r < 0 || x0 + BLUR_TILE_W + r > p.width) { // a tile at the frame's edge: clamped pixels
            for (int i = threadIdx.x; i < span; i += BLUR_TILE_THREADS) {
                int x = ovni_clampi(x0 + i - r, 0, p.width - 1);
                for (int c = 0; c < p.ch; c++) rows[c * span + i] = blur_load_mid(&p, x, y, c);
            }
        } else if (p.ch == 4) {
            ovni_blur_load_span<4>(&p, rows, span, x0 - r, y);
        } else if (p.ch == 3) {
            ovni_blur_load_span<3>(&p, rows, span, x0 - r, y);
        } else {
            ovni_blur_load_span<1>(&p, rows, span, x0 - r, y);
        }
    }
    __syncthreads();
    const int xa = x0 + threadIdx.x * BLUR_HX; // first output of this thread
    if (xa >= p.width || y >= p.height) return;
    float v[BLUR_HX][4];
#pragma unroll
    for (int c = 0; c < 4; c++) { // constant trip count: v stays in registers
        if (c >= p.ch) break;
        const float *e = rows + c * span + threadIdx.x * BLUR_HX + r; // e[o]: output o's centre
        float acc[BLUR_HX], lo[BLUR_HX], hi[BLUR_HX];                   // lo[o] = e[o - k], hi[o] = e[o + k]
#pragma unroll
        for (int o = 0; o < BLUR_HX; o++) lo[o] = hi[o] = e[o], acc[o] = BLUR_MUL(t.w[0], e[o]);
        static_assert(BLUR_HX == 4, "unroll count below");
#pragma unroll 4 // by the window length: its shifts become register renames
        for (int k = 1; k <= r; k++) {
#pragma unroll
            for (int o = BLUR_HX - 1; o > 0; o--) lo[o] = lo[o - 1];
#pragma unroll
            for (int o = 0; o < BLUR_HX - 1; o++) hi[o] = hi[o + 1];
            lo[0] = e[-k];
            hi[BLUR_HX - 1] = e[BLUR_HX - 1 + k];
            const float w = t.w[k];
#pragma unroll
            for (int o = 0; o < BLUR_HX; o++) acc[o] = blur_tap(acc[o], w, lo[o], hi[o]);
        }
#pragma unroll
        for (int o = 0; o < BLUR_HX; o++) v[o][c] = acc[o];
    }
    // The BLUR_HX pixels are BLUR_HX * ch consecutive bytes, ch 32-bit words
    // (4-byte aligned when the row is): stored as words, a warp writes whole
    // sectors instead of bytes spread BLUR_HX * ch apart.
    uint8_t *d = ovni_px(p.dst, p.dst_pitch, xa, y, p.ch);
    if (xa + BLUR_HX <= p.width && ((uintptr_t)d & 3) == 0) {
        static_assert(BLUR_HX == 4, "ovni_store_px4 stores 4 pixels");
        uint8_t px[BLUR_HX][4];
#pragma unroll
        for (int o = 0; o < BLUR_HX; o++) blur_pack_dst(&p, v[o], px[o]);
        ovni_store_px4((uint32_t *)d, p.ch, px);
        return;
    }
#pragma unroll
    for (int o = 0; o < BLUR_HX; o++)
        if (xa + o < p.width) blur_store_dst(&p, xa + o, y, v[o]);
}
