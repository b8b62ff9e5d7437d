/* The CPU backend's worker pool: one thread per core, started on first use,
 * shared by every op. One parallel loop runs at a time; a caller that finds
 * the pool busy (e.g. the reader thread while the main thread runs an op)
 * runs its loop itself rather than wait. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"

#define MAX_THREADS 64

static struct {
    pthread_once_t once;
    pthread_mutex_t busy;      /* held by the thread running a loop */
    pthread_mutex_t m;
    pthread_cond_t start, done;
    int nthreads;              /* workers + the caller */
    uint64_t generation;
    ovni_range_fn fn;
    void *ctx;
    int n, chunk;
    atomic_int next;
    int running;               /* workers still in the current loop */
} pool = {
    .once = PTHREAD_ONCE_INIT,
    .busy = PTHREAD_MUTEX_INITIALIZER,
    .m = PTHREAD_MUTEX_INITIALIZER,
    .start = PTHREAD_COND_INITIALIZER,
    .done = PTHREAD_COND_INITIALIZER,
};

static void run_chunks(void)
{
    for (;;) {
        int b = atomic_fetch_add(&pool.next, pool.chunk);
        if (b >= pool.n) break;
        int e = b + pool.chunk < pool.n ? b + pool.chunk : pool.n;
        pool.fn(pool.ctx, b, e);
    }
}

static void *worker(void *arg)
{
    (void)arg;
    uint64_t seen = 0;
    for (;;) {
        pthread_mutex_lock(&pool.m);
        while (pool.generation == seen) pthread_cond_wait(&pool.start, &pool.m);
        seen = pool.generation;
        pthread_mutex_unlock(&pool.m);
        run_chunks();
        pthread_mutex_lock(&pool.m);
        if (--pool.running == 0) pthread_cond_signal(&pool.done);
        pthread_mutex_unlock(&pool.m);
    }
    return NULL;
}

static void pool_init(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    const char *env = getenv("OVNI_THREADS");
    if (env && atoi(env) > 0) cores = atoi(env);
    if (cores < 1) cores = 1;
    if (cores > MAX_THREADS) cores = MAX_THREADS;
    pool.nthreads = 1;
    for (long i = 1; i < cores; i++) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, worker, NULL) == 0) pool.nthreads++;
        pthread_attr_destroy(&attr);
    }
}

int ovni_cpu_threads(void)
{
    pthread_once(&pool.once, pool_init);
    return pool.nthreads;
}

void ovni_parallel_for(int n, ovni_range_fn fn, void *ctx)
{
    if (n <= 0) return;
    pthread_once(&pool.once, pool_init);
    if (pool.nthreads == 1 || n < 2 || pthread_mutex_trylock(&pool.busy) != 0) {
        fn(ctx, 0, n);
        return;
    }
    int chunks = pool.nthreads * 4;
    pthread_mutex_lock(&pool.m);
    pool.fn = fn;
    pool.ctx = ctx;
    pool.n = n;
    pool.chunk = (n + chunks - 1) / chunks;
    atomic_store(&pool.next, 0);
    pool.running = pool.nthreads - 1;
    pool.generation++;
    pthread_cond_broadcast(&pool.start);
    pthread_mutex_unlock(&pool.m);
    run_chunks();
    pthread_mutex_lock(&pool.m);
    while (pool.running > 0) pthread_cond_wait(&pool.done, &pool.m);
    pthread_mutex_unlock(&pool.m);
    pthread_mutex_unlock(&pool.busy);
}
