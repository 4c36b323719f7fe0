/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sound check's recording rings (see host_soundcheck_tap.h). */
#include "host_soundcheck_tap.h"

#include <math.h>
#include <string.h>

int host_sc_tap_init(host_sc_tap *t, double rate, double seconds)
{
    memset(t, 0, sizeof *t);
    size_t chunks = (size_t)(seconds * rate / CAMSEP_SC_CHUNK) + 2;
    /* the camera gives at most a few hundred priors a second */
    size_t priors = (size_t)(seconds * 240.0) + 16;
    if (spsc_ring_init(&t->audio, chunks, sizeof(camsep_sc_chunk)))
        return -1;
    if (spsc_ring_init(&t->activity, priors, sizeof(camsep_sc_activity))) {
        spsc_ring_destroy(&t->audio);
        return -1;
    }
    atomic_init(&t->armed, 0);
    atomic_init(&t->audio_dropped, 0);
    atomic_init(&t->activity_dropped, 0);
    return 0;
}

void host_sc_tap_destroy(host_sc_tap *t)
{
    spsc_ring_destroy(&t->audio);
    spsc_ring_destroy(&t->activity);
}

CAMSEP_RT void host_sc_tap_audio(host_sc_tap *t, const float *in, uint32_t n, int64_t time)
{
    if (!atomic_load_explicit(&t->armed, memory_order_acquire) || !in)
        return;
    camsep_sc_chunk c;
    for (uint32_t done = 0; done < n;) {
        const uint32_t k = n - done < CAMSEP_SC_CHUNK ? n - done : CAMSEP_SC_CHUNK;
        c.time = time + done;
        c.n = k;
        c.player = -1;
        memcpy(c.x, in + done, sizeof(float) * k);
        if (!spsc_ring_push(&t->audio, &c))
            atomic_fetch_add_explicit(&t->audio_dropped, 1, memory_order_relaxed);
        done += k;
    }
}

void host_sc_tap_activity(host_sc_tap *t, const camsep_prior *p)
{
    if (!atomic_load_explicit(&t->armed, memory_order_acquire))
        return;
    camsep_sc_activity a;
    a.time = p->time;
    a.n = p->n_sources < CAMSEP_MAX_SOURCES ? p->n_sources : CAMSEP_MAX_SOURCES;
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++)
        a.activity[j] = j < a.n ? p->activity[j] : NAN;
    if (!spsc_ring_push(&t->activity, &a))
        atomic_fetch_add_explicit(&t->activity_dropped, 1, memory_order_relaxed);
}

void host_sc_tap_arm(host_sc_tap *t, int on)
{
    if (on) {
        /* disarmed: the producers push nothing, so the consumer may clear */
        spsc_ring_clear(&t->audio);
        spsc_ring_clear(&t->activity);
        atomic_store_explicit(&t->audio_dropped, 0, memory_order_relaxed);
        atomic_store_explicit(&t->activity_dropped, 0, memory_order_relaxed);
    }
    atomic_store_explicit(&t->armed, on != 0, memory_order_release);
}
