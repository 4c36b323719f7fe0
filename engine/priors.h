/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Aligning timestamped priors to the analysis-frame clock (audio thread).
 *
 * Priors arrive in time order through an SPSC ring, at the camera's rate and
 * jitter. For a frame centred at time t the tracker consumes every prior up to
 * t and interpolates linearly between the last one at or before t and the
 * first one after it. No prior yet, or a newest prior older than the timeout
 * (camera lost), gives neutral priors: activity 1, no motion.
 */
#ifndef CAMSEP_PRIORS_H
#define CAMSEP_PRIORS_H

#include <stdbool.h>
#include <stdint.h>

#include "camsep_engine.h"
#include "spsc_ring.h"

typedef struct prior_tracker {
    camsep_prior prev;
    bool has_prev;
    int64_t last_frame_time;
    uint64_t used, late;
} prior_tracker;

typedef struct prior_values {
    float activity[CAMSEP_MAX_SOURCES];                        /* 1 = neutral */
    float motion[CAMSEP_MAX_SOURCES][CAMSEP_MAX_MOTION_CHANNELS];
    bool motion_valid;                                         /* false: no regression term */
    bool present[CAMSEP_MAX_SOURCES];                          /* a prior (not neutral) for j */
    bool held[CAMSEP_MAX_SOURCES]; /* j's prior is a held value (camsep_prior.held) on either side */
    bool any_present;
} prior_values;

void prior_tracker_reset(prior_tracker *t);
/* audio: the priors for the frame centred at time (input-clock samples). */
void prior_tracker_at(prior_tracker *t, spsc_ring *ring, int64_t time, int64_t timeout,
                      int n_sources, int channels, prior_values *out);

#endif
