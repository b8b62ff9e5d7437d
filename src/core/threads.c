/* The CPU backend's worker pool, one per device (made when the device
 * opens, joined when it goes): one thread per core (settings.cpu_threads
 * or OVNI_THREADS), the caller included. Loops from several threads on one
 * device share the workers: each call queues a job, runs chunks of it
 * itself and waits for the chunks others took, so a caller never runs alone
 * because another loop is in progress, and never waits for another's loop. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "gpu.h"
#include "threads.h"

#define MAX_THREADS 64

typedef struct pool_job {
    ovni_range_fn fn;
    void *ctx;
    int n, chunk;
    int next;                  /* first index not yet taken */
    int remaining;             /* indices not yet finished */
    int queued;                /* on the pool's list */
    struct pool_job *link;
} pool_job;

struct cpu_pool {
    pthread_mutex_t m;
    pthread_cond_t work, done;
    pool_job *head, *tail;     /* jobs with indices left to take */
    int stop;
    int nthreads;              /* workers + the caller */
    int nworkers;
    pthread_t workers[MAX_THREADS];
};

static void unlink_job(cpu_pool *p, pool_job *j)
{
    pool_job **pp = &p->head, *prev = NULL;
    while (*pp && *pp != j) {
        prev = *pp;
        pp = &(*pp)->link;
    }
    if (!*pp) return;
    *pp = j->link;
    if (p->tail == j) p->tail = prev;
    j->queued = 0;
}

/* Takes the next chunk of job j (lock held); 0 when none is left. */
static int take(cpu_pool *p, pool_job *j, int *b, int *e)
{
    if (j->next >= j->n) {
        if (j->queued) unlink_job(p, j);
        return 0;
    }
    *b = j->next;
    *e = j->next + j->chunk < j->n ? j->next + j->chunk : j->n;
    j->next = *e;
    if (j->next >= j->n && j->queued) unlink_job(p, j);
    return 1;
}

static void finish(cpu_pool *p, pool_job *j, int count)
{
    j->remaining -= count;
    if (j->remaining == 0) pthread_cond_broadcast(&p->done);
}

static void *worker(void *arg)
{
    cpu_pool *p = arg;
    pthread_mutex_lock(&p->m);
    for (;;) {
        while (!p->stop && !p->head) pthread_cond_wait(&p->work, &p->m);
        if (p->stop) break;
        pool_job *j = p->head;
        int b, e;
        if (!take(p, j, &b, &e)) continue;
        pthread_mutex_unlock(&p->m);
        j->fn(j->ctx, b, e);
        pthread_mutex_lock(&p->m);
        finish(p, j, e - b);
    }
    pthread_mutex_unlock(&p->m);
    return NULL;
}

static int threads_wanted(int requested)
{
    long cores = requested > 0 ? requested : sysconf(_SC_NPROCESSORS_ONLN);
    const char *env = getenv("OVNI_THREADS");
    if (requested <= 0 && env && atoi(env) > 0) cores = atoi(env);
    if (cores < 1) cores = 1;
    if (cores > MAX_THREADS) cores = MAX_THREADS;
    return (int)cores;
}

int cpu_pool_threads(int requested) { return threads_wanted(requested); }

cpu_pool *cpu_pool_new(int requested)
{
    cpu_pool *p = ovni_calloc(1, sizeof(*p));
    if (!p) return NULL;
    pthread_mutex_init(&p->m, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    int want = threads_wanted(requested);
    p->nthreads = 1;
    for (int i = 1; i < want; i++)
        if (pthread_create(&p->workers[p->nworkers], NULL, worker, p) == 0) {
            p->nworkers++;
            p->nthreads++;
        }
    return p;
}

void cpu_pool_free(cpu_pool **pp)
{
    cpu_pool *p = pp ? *pp : NULL;
    if (!p) return;
    *pp = NULL;
    pthread_mutex_lock(&p->m);
    p->stop = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->m);
    for (int i = 0; i < p->nworkers; i++) pthread_join(p->workers[i], NULL);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->m);
    free(p);
}

int cpu_pool_size(const cpu_pool *p) { return p ? p->nthreads : 1; }

void cpu_pool_run(cpu_pool *p, int n, ovni_range_fn fn, void *ctx)
{
    if (n <= 0) return;
    if (!p || p->nthreads == 1 || n < 2) {
        fn(ctx, 0, n);
        return;
    }
    int chunks = p->nthreads * 4;
    pool_job j = {.fn = fn, .ctx = ctx, .n = n, .chunk = (n + chunks - 1) / chunks, .remaining = n, .queued = 1};
    pthread_mutex_lock(&p->m);
    if (p->tail) p->tail->link = &j;
    else p->head = &j;
    p->tail = &j;
    pthread_cond_broadcast(&p->work);
    int b, e;
    while (take(p, &j, &b, &e)) {
        pthread_mutex_unlock(&p->m);
        fn(ctx, b, e);
        pthread_mutex_lock(&p->m);
        finish(p, &j, e - b);
    }
    while (j.remaining > 0) pthread_cond_wait(&p->done, &p->m);
    pthread_mutex_unlock(&p->m);
}

int ovni_cpu_threads(const ovni_device *dev)
{
    return threads_wanted(dev ? dev->cpu_threads : 0);
}

void ovni_parallel_for(ovni_device *dev, int n, ovni_range_fn fn, void *ctx)
{
    if (n <= 0) return;
    cpu_pool_run(dev ? dev->cpu_pool : NULL, n, fn, ctx);
}
