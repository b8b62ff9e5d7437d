/* Internal: the CPU worker pool a device owns (threads.c). */
#ifndef OVNI_CORE_THREADS_H
#define OVNI_CORE_THREADS_H

#include "common.h"

typedef struct cpu_pool cpu_pool;

/* A pool of `requested` threads, the caller included (0: OVNI_THREADS, else
 * one per core; at most 64). NULL when out of memory. */
cpu_pool *cpu_pool_new(int requested);
/* Joins the workers (no loop may be running) and sets *p = NULL. */
void cpu_pool_free(cpu_pool **p);
/* Threads a pool of `requested` would have. */
int cpu_pool_threads(int requested);
int cpu_pool_size(const cpu_pool *p);
/* fn over [0, n) in chunks on p's workers and the caller; p NULL runs inline. */
void cpu_pool_run(cpu_pool *p, int n, ovni_range_fn fn, void *ctx);

#endif
