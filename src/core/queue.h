/* Internal: a bounded, blocking queue of pointers between one producer
 * thread and one consumer thread (reader: decode thread -> caller; writer:
 * caller -> encode thread). Either side can close it: a closed queue wakes
 * everyone; push then fails and pop drains what is left, then reports EOF. */
#ifndef OVNI_CORE_QUEUE_H
#define OVNI_CORE_QUEUE_H

#include <pthread.h>

typedef struct ovni_queue {
    pthread_mutex_t m;
    pthread_cond_t not_empty, not_full;
    void **items;
    int capacity, head, count;
    int closed;
} ovni_queue;

int queue_init(ovni_queue *q, int capacity);
/* Frees the queue; items still inside are passed to `drop` (may be NULL). */
void queue_destroy(ovni_queue *q, void (*drop)(void *item));
/* Blocks while full. Returns 0, or -1 if the queue is closed (item not taken). */
int queue_push(ovni_queue *q, void *item);
/* Blocks while empty and open. Returns 0 with *item, or -1 when closed and empty. */
int queue_pop(ovni_queue *q, void **item);
/* Wakes all waiters; later pushes fail. */
void queue_close(ovni_queue *q);

#endif
