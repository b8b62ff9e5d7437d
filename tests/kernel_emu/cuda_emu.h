/* Just enough of CUDA to run ovni's kernels on the host, one thread at a
 * time, in C++: the kernels' walks (fast paths, word loads, edge fallbacks)
 * are then compared with the reference walk in CI, where there is no GPU,
 * and run under ASan there (a word load past a plane's last byte is caught).
 * Float math is the host's: no fused multiply-adds, as in the reference. */
#ifndef OVNI_TESTS_CUDA_EMU_H
#define OVNI_TESTS_CUDA_EMU_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define __CUDACC__ 1 /* op_common.h's kernel helpers (OVNI_HD below is empty) */
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__
#define __launch_bounds__(...)

struct emu_dim3 {
    unsigned x, y, z;
};
static emu_dim3 blockIdx, threadIdx, blockDim = {32, 8, 1}, gridDim;

struct uint2 {
    unsigned x, y;
};
struct uint4 {
    unsigned x, y, z, w;
};
static inline uint4 make_uint4(unsigned a, unsigned b, unsigned c, unsigned d) { return {a, b, c, d}; }

/* A load of T, which on the GPU must be aligned to its size: a misaligned
 * one is a kernel bug, so it stops the test. */
template <class T> static inline T __ldg(const T *p)
{
    if ((uintptr_t)p % sizeof(T)) {
        fprintf(stderr, "kernel_emu: misaligned %zu-byte load at %p\n", sizeof(T), (const void *)p);
        abort();
    }
    T v;
    memcpy(&v, p, sizeof(T));
    return v;
}
static inline unsigned __funnelshift_r(unsigned lo, unsigned hi, unsigned s)
{
    s &= 31;
    return s ? (lo >> s) | (hi << (32 - s)) : lo;
}
/* The emulated grid runs one thread at a time: atomics are plain
 * read-modify-writes, fences nothing. */
template <class T> static inline T atomicAdd(T *p, T v)
{
    const T old = *p;
    *p = old + v;
    return old;
}
static inline void __threadfence(void) {}

/* Byte n of the result: byte (s >> 4n) & 7 of the 8 bytes y:x. */
static inline unsigned __byte_perm(unsigned x, unsigned y, unsigned s)
{
    const unsigned long long v = (unsigned long long)y << 32 | x;
    unsigned r = 0;
    for (int n = 0; n < 4; n++) r |= (unsigned)(v >> (8 * ((s >> (4 * n)) & 7)) & 255) << (8 * n);
    return r;
}
static inline float __fmul_rn(float a, float b) { return a * b; }
static inline float __fdividef(float a, float b) { return a / b; }
static inline float __uint_as_float(unsigned u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Runs kernel(args...) over a grid of gw x gh threads in 32x8 blocks, as
 * gpu_launch_2d launches it. */
#define EMU_LAUNCH_2D(kernel, gw, gh, ...)                                                        \
    do {                                                                                          \
        gridDim = {(unsigned)(((gw) + 31) / 32), (unsigned)(((gh) + 7) / 8), 1};                  \
        for (blockIdx.y = 0; blockIdx.y < gridDim.y; blockIdx.y++)                                \
            for (blockIdx.x = 0; blockIdx.x < gridDim.x; blockIdx.x++)                            \
                for (threadIdx.y = 0; threadIdx.y < blockDim.y; threadIdx.y++)                    \
                    for (threadIdx.x = 0; threadIdx.x < blockDim.x; threadIdx.x++) kernel(__VA_ARGS__); \
    } while (0)

#endif
