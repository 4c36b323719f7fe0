/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "prior_clock.h"

#include <math.h>

void camsep_prior_clock_init(camsep_prior_clock *c, double sample_rate)
{
    atomic_init(&c->seq, 0);
    atomic_init(&c->samples, 0);
    atomic_init(&c->ns, 0);
    c->sample_rate = sample_rate;
}

void camsep_prior_clock_anchor(camsep_prior_clock *c, int64_t samples, int64_t ns)
{
    uint_fast64_t s = atomic_load_explicit(&c->seq, memory_order_relaxed);
    atomic_store_explicit(&c->seq, s + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&c->samples, samples, memory_order_relaxed);
    atomic_store_explicit(&c->ns, ns, memory_order_relaxed);
    atomic_store_explicit(&c->seq, s + 2, memory_order_release);
}

int camsep_prior_clock_map(const camsep_prior_clock *c, int64_t capture_ns, double camera_latency_s,
                           int64_t *samples)
{
    int64_t anchor_samples, anchor_ns;
    for (;;) {
        uint_fast64_t s0 = atomic_load_explicit(&c->seq, memory_order_acquire);
        if (s0 == 0)
            return -1;
        anchor_samples = atomic_load_explicit(&c->samples, memory_order_relaxed);
        anchor_ns = atomic_load_explicit(&c->ns, memory_order_relaxed);
        atomic_thread_fence(memory_order_acquire);
        if (!(s0 & 1) && atomic_load_explicit(&c->seq, memory_order_relaxed) == s0)
            break;
    }
    double dt = (double)(capture_ns - anchor_ns) * 1e-9 - camera_latency_s;
    *samples = anchor_samples + (int64_t)llround(dt * c->sample_rate);
    return 0;
}
