/* checkops: every op run on the CPU and on the GPU on the same random inputs,
 * in buffers with guard bytes; outputs must agree within a tolerance and the
 * guards must be intact. In the spirit of dav1d's checkasm.
 *
 * An op family adds a file tests/checkops_<family>.c defining a table of
 * cases ending with {0}, and one line in families[] of checkops.c. */
#ifndef OVNI_TESTS_CHECKOPS_H
#define OVNI_TESTS_CHECKOPS_H

#include "ovni/ovni.h"

#define CHECKOPS_MAX_IO 4

/* Parameters drawn once per (case, size) and given to both backends. */
typedef struct checkops_params {
    double f[16];
    int i[8];
} checkops_params;

/* tolerance of ops whose backends compute the same bits */
#define CHECKOPS_EXACT (-1)

typedef struct checkops_case {
    const char *name;
    int tolerance;                 /* max |GPU - CPU| per byte; 0 means 1, CHECKOPS_EXACT 0 */
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

/* Random helpers for draw() (test RNG). */
double checkops_uniform(double lo, double hi);
int checkops_int(int lo, int hi);

#endif
