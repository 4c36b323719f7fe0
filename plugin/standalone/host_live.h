/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The session the audio thread runs, and its rebuild at a new sample rate.
 *
 * A JACK graph may change its sample rate while camsep runs (PipeWire does,
 * when another client asks for another rate). The dictionaries were resampled
 * for the old rate, so the session is rebuilt at the new one: the server's
 * notification calls host_live_rate_changed (any thread, real-time safe);
 * from then on host_live_enter returns NULL and the audio thread outputs
 * silence; a control thread (never the audio thread) calls host_live_rebuild,
 * which takes the session away from the audio thread (waiting until the
 * audio thread is out of it), frees it, makes one at the new rate and hands
 * it back. The audio thread never allocates, locks or waits here.
 *
 * One audio thread enters at a time (a JACK client's process thread).
 */
#ifndef CAMSEP_HOST_LIVE_H
#define CAMSEP_HOST_LIVE_H

#include <stdatomic.h>
#include <stddef.h>

#include "camsep_rt.h"

typedef struct host_live {
    void *_Atomic current;    /* what the audio thread runs (NULL: silence) */
    atomic_int inside;        /* the audio thread is between enter and leave */
    atomic_uint rate;         /* the rate current was built for */
    atomic_uint pending;      /* a new rate the server announced, 0 = none */
} host_live;

/* Set-up: empty, at rate. */
void host_live_init(host_live *l, unsigned rate);
/* Set-up or control: p (built for rate) becomes what the audio thread runs. */
void host_live_put(host_live *l, void *p, unsigned rate);
/* Control: takes the current object away from the audio thread and returns
 * it once the audio thread no longer uses it (NULL if none). */
void *host_live_take(host_live *l);

/* Control: the current object (NULL: none), without taking it. */
void *host_live_peek(host_live *l);

/* Server notification (any thread, real-time safe): the graph's rate. A rate
 * other than the current one makes the audio thread output silence until
 * host_live_rebuild. */
CAMSEP_RT void host_live_rate_changed(host_live *l, unsigned rate);
/* Any thread: the announced rate waiting for a rebuild, 0 if none. */
unsigned host_live_pending(const host_live *l);
/* Any thread: the rate the current object was built for. */
unsigned host_live_rate(const host_live *l);

/* Audio thread: the object to run this block, or NULL (none, or a rate
 * change waits): the caller outputs silence. Always pair with leave. */
CAMSEP_RT void *host_live_enter(host_live *l);
CAMSEP_RT void host_live_leave(host_live *l);

/* Control thread: if a rate change waits, takes the current object, calls
 * drop(user, old) (frees it), then make(user, rate, err, errlen) and puts
 * what it returns. Returns 0 when nothing waited, 1 after a rebuild (*old_rate
 * and *new_rate say which, may be NULL), -1 when make failed (err says why;
 * the audio thread stays silent). A change announced during the rebuild is
 * left pending for the next call. */
int host_live_rebuild(host_live *l, void *(*make)(void *user, unsigned rate, char *err, size_t errlen),
                      void (*drop)(void *user, void *old), void *user, unsigned *old_rate, unsigned *new_rate,
                      char *err, size_t errlen);

#endif
