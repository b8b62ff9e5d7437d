/* Host allocation wrappers and the allocation-fault injector (see common.h). */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static atomic_long fault_countdown; /* 0: unarmed */
static atomic_long fault_counted;

long ovni_fault_arm(long k)
{
    long counted = atomic_exchange(&fault_counted, 0);
    atomic_store(&fault_countdown, k > 0 ? k : 0);
    return counted;
}

int ovni_fault_hit(void)
{
    if (atomic_load_explicit(&fault_countdown, memory_order_relaxed) == 0) return 0;
    atomic_fetch_add(&fault_counted, 1);
    long left = atomic_fetch_sub(&fault_countdown, 1);
    if (left == 1) return 1;        /* this is the k-th: fail it, now unarmed */
    if (left <= 0) atomic_store(&fault_countdown, 0);
    return 0;
}

void *ovni_malloc(size_t size)
{
    return ovni_fault_hit() ? NULL : malloc(size);
}

void *ovni_calloc(size_t n, size_t size)
{
    return ovni_fault_hit() ? NULL : calloc(n, size);
}

char *ovni_strdup(const char *s)
{
    return ovni_fault_hit() ? NULL : strdup(s);
}
