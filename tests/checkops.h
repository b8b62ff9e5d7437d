/* checkops: every op run by three backends on the same random inputs, in
 * buffers with guard bytes, in the spirit of dav1d's checkasm:
 *   - the reference: a host device with `reference` set (op_internal.h's
 *     op_reference), on which every op computes each output pixel alone
 *     through its math header, one pixel at a time, no tiling;
 *   - the CPU walk (tiled, vectorised, threaded);
 *   - the GPU kernels, where there is a GPU.
 * The CPU's bytes must equal the reference's (memcmp), always. The GPU's
 * must too, unless the case sets a tolerance and says why (printed with
 * the table and listed in docs/ops.md). Guards must be intact.
 *
 * Adding an op:
 *   1. its cases in a table of tests/checkops_<family>.c (designated
 *      initialisers, ending with {0}), the table in families[] of
 *      checkops.c if the family is new;
 *   2. the reference walk: if the op's CPU walk already calls its header's
 *      per-pixel function for each pixel alone (`for y, for x: op_px()`),
 *      that walk is the reference and there is nothing to add. If it tiles,
 *      vectorises or shares sums between pixels, add to its .c a branch
 *      `if (op_reference(dst))` that runs the header's per-pixel functions
 *      one pixel at a time (blur.c's blur_naive, blur_pyramid.c's
 *      blur_pyr_up_naive);
 *   3. its golden hash: CHECKOPS_GOLDEN_UPDATE=1 build/tests/checkops
 *      rewrites every line of tests/checkops_golden.txt (the file whose
 *      path meson compiles in; CHECKOPS_GOLDEN=FILE names another),
 *      committed with the op. A case without a line prints a notice; a hash
 *      that differs fails, so an intended change of an op's output updates
 *      the file in the same commit, with the reason. */
#ifndef OVNI_TESTS_CHECKOPS_H
#define OVNI_TESTS_CHECKOPS_H

#include "ovni/ovni.h"

#define CHECKOPS_MAX_IO 4

/* Parameters drawn once per (case, size) and given to both backends. */
typedef struct checkops_params {
    double f[16];
    int i[8];
} checkops_params;

/* The tolerance of ops whose math stays in floats: nvcc fuses multiplies
 * and adds, and its division, square root and transcendentals are not
 * glibc's, so a value on a rounding boundary may land one level apart
 * (every GPU run so far: at most 1). */
#define CHECKOPS_FLOAT                                                                                          \
    .tolerance = 1, .why = "float math: nvcc fuses multiply-adds, its own division/sqrt/exp; a value at a rounding " \
                           "boundary moves one level"

typedef struct checkops_case {
    const char *name;
    int tolerance;                 /* max |GPU - reference| per byte; 0 (the default): equal bytes */
    const char *why;               /* with a tolerance: its measured reason */
    int ninputs, noutputs;
    ovni_format in_fmt[CHECKOPS_MAX_IO], out_fmt[CHECKOPS_MAX_IO];
    /* Sizes of inputs and outputs for a test size w x h (NULL: all w x h). */
    void (*sizes)(const checkops_params *p, int w, int h, int in_w[], int in_h[], int out_w[], int out_h[]);
    /* Draws the op's parameters with the test RNG (NULL: none). */
    void (*draw)(checkops_params *p, int w, int h);
    /* Runs the op: writes out[] (which start with the same random pixels on
     * both backends, so in-place ops work) from in[]. */
    int (*run)(ovni_frame *const *out, ovni_frame *const *in, const checkops_params *p);
    /* Bytes the op must read + write for a w x h frame (NULL: the sum of its
     * frames' sizes), for the roofline column. */
    double (*bytes)(int w, int h);
} checkops_case;

/* A format by the word case names spell it with, for tables that build a
 * case's name and formats from the same words: CHECKOPS_FMT(nv12). */
#define CHECKOPS_FMT(f) CHECKOPS_FMT_##f
#define CHECKOPS_FMT_gray8 OVNI_FORMAT_GRAY8
#define CHECKOPS_FMT_rgb24 OVNI_FORMAT_RGB24
#define CHECKOPS_FMT_rgba32 OVNI_FORMAT_RGBA32
#define CHECKOPS_FMT_nv12 OVNI_FORMAT_NV12
#define CHECKOPS_FMT_p010 OVNI_FORMAT_P010

/* Random helpers for draw() (test RNG). */
double checkops_uniform(double lo, double hi);
int checkops_int(int lo, int hi);

#endif
