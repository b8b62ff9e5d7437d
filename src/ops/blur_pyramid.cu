// Large-sigma blur's resampling kernels: the math is in blur_pyramid.h;
// blur_pyramid.c launches them around the exact blur of the small frame.
// Both are templates on the pixel size CH and the shift, dispatched once on
// p.ch and p.shift (the same for the whole launch): every byte's channel,
// small pixel and weight is then a constant, the loops unroll and nothing
// leaves registers. Borders, row ends and unaligned frames take the shared
// per-pixel helpers (the CPU walk's code), so they cost time, not bits.
#include "blur_pyramid.h"

// p with ch and shift as constants the compiler folds into the shared
// helpers (the dispatch picked CH and SHIFT from p). premul stays p's own
// for 4-byte pixels: RGBA32, the only such format, is premultiplied, but a
// straight one would still be right.
template <int CH, int SHIFT>
__device__ static inline blur_pyr blur_pyr_fixed(const blur_pyr &p)
{
    blur_pyr q = p;
    q.ch = CH;
    q.shift = SHIFT;
    q.premul = CH == 4 && p.premul;
    return q;
}

// Runs K<CH, SHIFT>::run(p) for p's pixel size and shift (1..4: blur.c
// takes this path from BLUR_PYR_MIN_SIGMA, where f >= 2).
template <template <int, int> class K, int CH>
__device__ static inline void blur_pyr_by_shift(const blur_pyr &p)
{
    static_assert(BLUR_PYR_MAX_SHIFT == 4, "one case per shift");
    switch (p.shift) {
    case 1: K<CH, 1>::run(p); break;
    case 2: K<CH, 2>::run(p); break;
    case 3: K<CH, 3>::run(p); break;
    case 4: K<CH, 4>::run(p); break;
    }
}

template <template <int, int> class K>
__device__ static inline void blur_pyr_dispatch(const blur_pyr &p)
{
    if (p.ch == 1) blur_pyr_by_shift<K, 1>(p);
    else if (p.ch == 3) blur_pyr_by_shift<K, 3>(p);
    else blur_pyr_by_shift<K, 4>(p);
}

// ---- step 1 ----

// The NB bytes at s, aligned to 16 bytes (NB a multiple of 16) or else 8,
// as 32-bit words, in vector loads.
template <int NB>
__device__ static inline void blur_pyr_load_words(const uint8_t *s, uint32_t w[NB / 4])
{
    if constexpr (NB % 16 == 0) {
#pragma unroll
        for (int k = 0; k < NB / 16; k++) {
            const uint4 v = ((const uint4 *)s)[k];
            w[4 * k] = v.x, w[4 * k + 1] = v.y, w[4 * k + 2] = v.z, w[4 * k + 3] = v.w;
        }
    } else {
        static_assert(NB % 8 == 0, "spans are whole 8-byte vectors");
#pragma unroll
        for (int k = 0; k < NB / 8; k++) {
            const uint2 v = ((const uint2 *)s)[k];
            w[2 * k] = v.x, w[2 * k + 1] = v.y;
        }
    }
}

// __dp4a mask for word k of a span of CH-byte pixels: 1 in each byte that
// belongs to channel c of the span's small pixel s (f = 1 << SHIFT pixels
// each), so __dp4a(word, mask, sum) adds those bytes to sum. Called with
// unrolled loop indices, it folds to a constant.
template <int CH, int SHIFT>
__device__ static inline uint32_t blur_pyr_mask(int k, int s, int c)
{
    uint32_t m = 0;
#pragma unroll
    for (int q = 0; q < 4; q++) {
        const int b = 4 * k + q;
        if (((b / CH) >> SHIFT) == s && b % CH == c) m |= 1u << (8 * q);
    }
    return m;
}

// Adds one row of a thread's span (words w: the block rows of its G small
// pixels, side by side) to sum[G][], the integers blur_pyr_row_sum adds
// pixel by pixel: one __dp4a per (small pixel, channel) present in a word.
// Premultiplied RGBA32, a pixel per word: its colour bytes dotted with
// alpha placed in their byte (c a), then alpha.
template <int CH, int SHIFT>
__device__ static inline void blur_pyr_span_sum(const uint32_t *w, int premul, uint32_t sum[][4])
{
    constexpr int G = BLUR_PYR_DOWN_GROUP(SHIFT), NW = (G << SHIFT) * CH / 4;
    if (CH == 4 && premul) {
#pragma unroll
        for (int k = 0; k < NW; k++) {
            const uint32_t a = w[k] >> 24;
            uint32_t *s = sum[k >> SHIFT];
            s[0] = __dp4a(w[k], a, s[0]);
            s[1] = __dp4a(w[k], a << 8, s[1]);
            s[2] = __dp4a(w[k], a << 16, s[2]);
            s[3] += a;
        }
        return;
    }
#pragma unroll
    for (int k = 0; k < NW; k++)
#pragma unroll
        for (int s = 0; s < G; s++)
#pragma unroll
            for (int c = 0; c < CH; c++) {
                const uint32_t m = blur_pyr_mask<CH, SHIFT>(k, s, c);
                if (m) sum[s][c] = __dp4a(w[k], m, sum[s][c]);
            }
}

// Step 1. Thread t of small row j (blockIdx.y) takes group t / LANES (see
// blur_pyr_down_groups) and BLUR_PYR_DOWN_ROWS block rows from
// (t % LANES) ROWS: neighbouring groups are neighbouring spans of the same
// rows, so a warp reads whole sectors. Where the group's blocks lie inside
// the frame and the spans are aligned, each row is a few vector loads and
// __dp4a; elsewhere (the rings, the partial block at the right edge, odd
// frames) blur_pyr_row_sum. The LANES threads of a group, adjacent lanes,
// then add up their sums by shuffles, and the first stores.
template <int CH, int SHIFT>
struct blur_pyr_down_k {
    __device__ static void run(const blur_pyr &p0)
    {
        constexpr int F = 1 << SHIFT, G = BLUR_PYR_DOWN_GROUP(SHIFT), LANES = BLUR_PYR_DOWN_LANES(SHIFT);
        constexpr int ROWS = BLUR_PYR_DOWN_ROWS, NB = G * F * CH, VEC = NB % 16 == 0 ? 16 : 8;
        static_assert(LANES >= 1 && 32 % LANES == 0 && BLUR_PYR_DOWN_THREADS % 32 == 0,
                      "a group's lanes lie in one warp");
        static_assert(LANES * ROWS == F, "the lanes cover the block's rows");
        const blur_pyr p = blur_pyr_fixed<CH, SHIFT>(p0);
        const int t = blockIdx.x * blockDim.x + threadIdx.x, j = blockIdx.y;
        const int first = G * (t / LANES - 1) + 1, dy0 = t % LANES * ROWS;
        uint32_t sum[G][4] = {};
        int x0;
        const uint8_t *row[ROWS];
#pragma unroll
        for (int r = 0; r < ROWS; r++) row[r] = blur_pyr_block_row(&p, first, j, dy0 + r, &x0);
        // G whole blocks across inside the frame: all G are small pixels (G g f <= width, so G g <= sw - 2)
        const bool inside = x0 >= 0 && x0 + G * F <= p.width;
        bool fast = inside;
#pragma unroll
        for (int r = 0; r < ROWS; r++) fast = fast && ((uintptr_t)(row[r] + (size_t)x0 * CH) & (VEC - 1)) == 0;
        if (fast) {
            uint32_t w[ROWS][NB / 4];
#pragma unroll
            for (int r = 0; r < ROWS; r++) blur_pyr_load_words<NB>(row[r] + (size_t)x0 * CH, w[r]);
#pragma unroll
            for (int r = 0; r < ROWS; r++) blur_pyr_span_sum<CH, SHIFT>(w[r], p.premul, sum);
        } else {
#pragma unroll
            for (int s = 0; s < G; s++)
                if (first + s >= 0 && first + s < p.sw)
#pragma unroll
                    for (int r = 0; r < ROWS; r++) blur_pyr_row_sum(&p, first + s, j, dy0 + r, sum[s]);
        }
        // every lane gets here: a shuffle needs the whole warp
        if constexpr (LANES > 1) {
#pragma unroll
            for (int s = 0; s < G; s++)
#pragma unroll
                for (int c = 0; c < CH; c++)
#pragma unroll
                    for (int m = LANES / 2; m >= 1; m /= 2) sum[s][c] += __shfl_xor_sync(0xffffffffu, sum[s][c], m);
        }
        if (dy0 != 0) return;
        if (inside) {
#pragma unroll
            for (int s = 0; s < G; s++) blur_pyr_down_store(&p, first + s, j, sum[s]);
            return;
        }
#pragma unroll
        for (int s = 0; s < G; s++)
            if (first + s >= 0 && first + s < p.sw) blur_pyr_down_store(&p, first + s, j, sum[s]);
    }
};

extern "C" __global__ void ovni_blur_pyr_down(const blur_pyr p) { blur_pyr_dispatch<blur_pyr_down_k>(p); }

// ---- step 3 ----

// Step 3: one thread per N = BLUR_PYR_UP_X consecutive output pixels x ..
// x + N - 1 of row y. Like the CPU walk (blur_pyr_up_span) it takes the
// vertical half (blur_pyr_up_col) once per small column and the horizontal
// half per output, but with x a multiple of N the columns and weights
// follow from x alone (2x is 0 modulo 2N; num = 2(x + margin f) - f + 1):
//  - f <= N (f divides x): output x sits at small column i = x / f + margin
//    - 1 with w1 = f + 1, and output x + o at column i + (f + 1 + 2o) / 2f
//    with weight (f + 1 + 2o) % 2f: constants, COLS columns in all;
//  - f > N: w1 = (2x - f + 1) % 2f is odd and w1 + 2(N - 1) < 2f (if 2x %
//    2f >= f, w1 <= f - 2N + 1; else 2x % 2f <= f - 2N, w1 <= 2f - 2N + 1),
//    so all N outputs lie between columns i and i + 1, weights w1 + 2o.
// Inside the frame the columns never clamp (i >= 0 as num > 0; the last
// output's i <= ceil(width / f) = sw - 2 as 2(width - 1) + f + 1 <
// 2f (sw - 1.5), so i + 1 <= sw - 1); the thread checks it anyway. Row
// ends take blur_pyr_up_span.
template <int CH, int SHIFT>
struct blur_pyr_up_k {
    __device__ static void run(const blur_pyr &p0)
    {
        constexpr int F = 1 << SHIFT, N = BLUR_PYR_UP_X(CH);
        constexpr int COLS = F <= N ? ((F + 1 + 2 * (N - 1)) >> (SHIFT + 1)) + 2 : 2;
        static_assert(N % 4 == 0, "stored 4 pixels at a time");
        const blur_pyr p = blur_pyr_fixed<CH, SHIFT>(p0);
        const int x = (blockIdx.x * blockDim.x + threadIdx.x) * N, y = blockIdx.y * blockDim.y + threadIdx.y;
        if (x >= p.width || y >= p.height) return;
        const blur_pyr_rows rows = blur_pyr_up_rows(&p, y);
        uint32_t w1;
        const int i = blur_pyr_axis_at(x + (BLUR_PYR_MARGIN << SHIFT), SHIFT, &w1);
        if (F <= N) w1 = F + 1; // what blur_pyr_axis_at gives for x a multiple of f, as a constant
        if (x + N > p.width || i < 0 || i + COLS > p.sw) {
            blur_pyr_up_span(&p, &rows, x, min(x + N, p.width), y);
            return;
        }
        uint32_t v[COLS][4];
#pragma unroll
        for (int k = 0; k < COLS; k++) blur_pyr_up_col(&p, &rows, i + k, v[k]);
        uint8_t px[N][4];
#pragma unroll
        for (int o = 0; o < N; o++) {
            // output x + o: w1 + 2o past column i, so k = (w1 + 2o) / 2f small centres on
            const uint32_t t = w1 + 2 * o;
            const int k = F <= N ? (int)(t >> (SHIFT + 1)) : 0;
            blur_pyr_up_mix(&p, v[k], v[k + 1], t & (2 * F - 1), px[o]);
        }
        uint8_t *out = ovni_px(p.dst, p.dst_pitch, x, y, CH);
        if (((uintptr_t)out & 3) == 0) { // as words (ovni_store_px4_words)
#pragma unroll
            for (int q = 0; q < N / 4; q++) ovni_store_px4_words<CH>((uint32_t *)out + q * CH, px + 4 * q);
            return;
        }
#pragma unroll
        for (int o = 0; o < N; o++)
#pragma unroll
            for (int c = 0; c < CH; c++) out[o * CH + c] = px[o][c];
    }
};

extern "C" __global__ void ovni_blur_pyr_up(const blur_pyr p) { blur_pyr_dispatch<blur_pyr_up_k>(p); }
