/* Internal helpers every part of libovni uses: errors, logging, threads. */
#ifndef OVNI_CORE_COMMON_H
#define OVNI_CORE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "ovni/error.h"

#if defined(__GNUC__)
#define OVNI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define OVNI_PRINTF(a, b)
#endif

/* Sets the calling thread's error message and returns `code`, so that
 * failures read `return ovni_error(OVNI_EINVAL, "crop: left=%g ...", l);`. */
int ovni_error(int code, const char *fmt, ...) OVNI_PRINTF(2, 3);
/* Replaces the message with "<prefix>: <old message>" and returns code. */
int ovni_error_prefix(int code, const char *fmt, ...) OVNI_PRINTF(2, 3);
void ovni_error_clear(void);

void ovni_log(int level, const char *fmt, ...) OVNI_PRINTF(2, 3);
/* Whether a message at `level` would be passed on (ovni_log_set_level,
 * OVNI_LOG_LEVEL): for libraries that print to stderr themselves. */
int ovni_log_passes(int level);
/* Rewrites control characters in s as \xNN (truncating at cap). */
void ovni_escape_controls(char *s, size_t cap);

/* Parallel loop over [0, n): fn(ctx, begin, end) runs on dev's worker pool
 * (threads.c: one thread per core, the caller included) in contiguous
 * chunks; returns when all are done. Small n, or dev NULL, runs inline on
 * the caller. Loops from several threads on one device share the workers. */
typedef void (*ovni_range_fn)(void *ctx, int begin, int end);
typedef struct ovni_device ovni_device;
void ovni_parallel_for(ovni_device *dev, int n, ovni_range_fn fn, void *ctx);
/* Threads dev's pool has (or will have), the caller included. */
int ovni_cpu_threads(const ovni_device *dev);

/* Allocation with fault injection: every host allocation of libovni goes
 * through these, and pool buffers (host and device) call ovni_fault_hit(),
 * so tests can fail the k-th allocation along a pipeline and check that each
 * failure is reported and everything is freed. Unarmed, it costs one atomic
 * load. */
void *ovni_malloc(size_t size);
void *ovni_calloc(size_t n, size_t size);
char *ovni_strdup(const char *s);
/* Arms the injector: the k-th allocation from now (k >= 1) fails; k <= 0
 * disarms. Returns how many allocations were counted since the last arm. */
long ovni_fault_arm(long k);
/* Counts one allocation; 1 if it must fail. */
int ovni_fault_hit(void);

/* Checks for parameter validation. */
static inline int ovni_is_finite(double v) { return v == v && v - v == 0.0; }

#endif
