#include <stdlib.h>

#include "common.h"
#include "queue.h"

int queue_init(ovni_queue *q, int capacity)
{
    q->items = ovni_calloc((size_t)(capacity > 0 ? capacity : 1), sizeof(void *));
    if (!q->items) return -1;
    q->capacity = capacity > 0 ? capacity : 1;
    q->head = q->count = q->closed = 0;
    pthread_mutex_init(&q->m, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    pthread_cond_init(&q->not_full, NULL);
    return 0;
}

void queue_destroy(ovni_queue *q, void (*drop)(void *item))
{
    if (!q->items) return;
    for (int i = 0; i < q->count; i++) {
        void *it = q->items[(q->head + i) % q->capacity];
        if (drop) drop(it);
    }
    free(q->items);
    q->items = NULL;
    pthread_mutex_destroy(&q->m);
    pthread_cond_destroy(&q->not_empty);
    pthread_cond_destroy(&q->not_full);
}

int queue_push(ovni_queue *q, void *item)
{
    pthread_mutex_lock(&q->m);
    while (q->count == q->capacity && !q->closed) pthread_cond_wait(&q->not_full, &q->m);
    if (q->closed) {
        pthread_mutex_unlock(&q->m);
        return -1;
    }
    q->items[(q->head + q->count) % q->capacity] = item;
    q->count++;
    pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->m);
    return 0;
}

int queue_pop(ovni_queue *q, void **item)
{
    pthread_mutex_lock(&q->m);
    while (q->count == 0 && !q->closed) pthread_cond_wait(&q->not_empty, &q->m);
    if (q->count == 0) {
        pthread_mutex_unlock(&q->m);
        return -1;
    }
    *item = q->items[q->head];
    q->head = (q->head + 1) % q->capacity;
    q->count--;
    pthread_cond_signal(&q->not_full);
    pthread_mutex_unlock(&q->m);
    return 0;
}

void queue_close(ovni_queue *q)
{
    pthread_mutex_lock(&q->m);
    q->closed = 1;
    pthread_cond_broadcast(&q->not_empty);
    pthread_cond_broadcast(&q->not_full);
    pthread_mutex_unlock(&q->m);
}
