/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * From capture time to the engine's sample clock.
 *
 * Camera priors carry the CLOCK_MONOTONIC time their frame was captured; the
 * engine wants them on its input clock (samples since the first one it
 * processed). The audio thread stamps an anchor at each block: the input
 * clock of the block's first sample and the monotonic time that sample
 * entered the machine. Any thread then maps a capture time through the newest
 * anchor. The anchor is published with a sequence lock: the audio side never
 * waits; a mapping thread retries the rare read that overlaps a write.
 *
 * A camera latency L says that a frame shows what was heard L seconds before
 * it was captured (the camera's exposure, transfer and driver delay, minus the
 * audio input's): the prior is placed at capture time - L.
 */
#ifndef CAMSEP_PRIOR_CLOCK_H
#define CAMSEP_PRIOR_CLOCK_H

#include <stdatomic.h>
#include <stdint.h>

#include "camsep_rt.h"

typedef struct camsep_prior_clock {
    atomic_uint_fast64_t seq; /* odd while the anchor is being written */
    _Atomic int64_t samples;  /* input clock at the anchor */
    _Atomic int64_t ns;       /* CLOCK_MONOTONIC at the anchor */
    double sample_rate;
} camsep_prior_clock;

/* Set-up. No anchor until the first camsep_prior_clock_anchor(). */
void camsep_prior_clock_init(camsep_prior_clock *c, double sample_rate);
/* Audio thread (real-time safe): the block's first sample has input clock
 * `samples` and entered the machine at monotonic time `ns`. */
CAMSEP_RT void camsep_prior_clock_anchor(camsep_prior_clock *c, int64_t samples, int64_t ns);
/* Any thread: the input clock of an event captured at capture_ns, shown with
 * camera_latency_s of delay. Returns 0 and fills *samples, or -1 before the
 * first anchor. */
CAMSEP_RT int camsep_prior_clock_map(const camsep_prior_clock *c, int64_t capture_ns, double camera_latency_s,
                           int64_t *samples);

#endif
