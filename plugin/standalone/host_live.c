/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audio thread's session and its rebuild at a new rate (see host_live.h). */
#include "host_live.h"

#include <time.h>

void host_live_init(host_live *l, unsigned rate)
{
    atomic_init(&l->current, NULL);
    atomic_init(&l->inside, 0);
    atomic_init(&l->rate, rate);
    atomic_init(&l->pending, 0u);
}

void host_live_put(host_live *l, void *p, unsigned rate)
{
    atomic_store(&l->rate, rate);
    atomic_store(&l->current, p);
}

/* Sequentially consistent on both sides: either the audio thread's load in
 * enter sees NULL, or this thread's load of inside sees it in there. */
void *host_live_take(host_live *l)
{
    void *p = atomic_exchange(&l->current, NULL);
    while (atomic_load(&l->inside)) {
        struct timespec ts = {0, 200000};
        nanosleep(&ts, NULL);
    }
    return p;
}

void *host_live_peek(host_live *l) { return atomic_load(&l->current); }

CAMSEP_RT void host_live_rate_changed(host_live *l, unsigned rate)
{
    if (rate && rate != atomic_load(&l->rate))
        atomic_store(&l->pending, rate);
    else
        atomic_store(&l->pending, 0u); /* back to the rate it runs at */
}

unsigned host_live_pending(const host_live *l) { return atomic_load(&l->pending); }
unsigned host_live_rate(const host_live *l) { return atomic_load(&l->rate); }

CAMSEP_RT void *host_live_enter(host_live *l)
{
    atomic_store(&l->inside, 1);
    if (atomic_load(&l->pending))
        return NULL;
    return atomic_load(&l->current);
}

CAMSEP_RT void host_live_leave(host_live *l) { atomic_store(&l->inside, 0); }

int host_live_rebuild(host_live *l, void *(*make)(void *user, unsigned rate, char *err, size_t errlen),
                      void (*drop)(void *user, void *old), void *user, unsigned *old_rate, unsigned *new_rate,
                      char *err, size_t errlen)
{
    const unsigned rate = atomic_load(&l->pending);
    if (!rate)
        return 0;
    const unsigned was = atomic_load(&l->rate);
    void *old = host_live_take(l);
    if (old)
        drop(user, old);
    /* The rate the next object is built for: a notification from here on
     * compares against it. */
    atomic_store(&l->rate, rate);
    unsigned expected = rate;
    atomic_compare_exchange_strong(&l->pending, &expected, 0u);
    void *p = make(user, rate, err, errlen);
    if (old_rate)
        *old_rate = was;
    if (new_rate)
        *new_rate = rate;
    if (!p)
        return -1;
    host_live_put(l, p, rate);
    return 1;
}
