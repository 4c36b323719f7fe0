/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How far the activity prior of each source is to be believed, learned online
 * from the audio (audio thread).
 *
 * Every frame that has sound and a prior for a source, the prior p_j is set
 * beside what the audio alone says of that source: the level of its
 * activations in a solve without priors, against their held peak. A miss is
 * a prior that says "playing" where the audio hears next to nothing, or
 * "resting" where it clearly hears the source (prior_trust.c has the bands).
 * trust = 1 - (miss rate over the last memory_s seconds, exponentially
 * forgotten) / 0.3, clamped, and scaled by how much evidence there is (no
 * frames: 0, so a prior is neutral until it has shown that it follows the
 * sound: no reference is invented at a cold start). Each frame, the weight
 * is the trust, cut by how far the prior says "resting" below what the audio
 * clearly hears (the veto).
 *
 * Motion that is not sound (sway, gestures while resting, a player who moves
 * during a rest, a camera that lost its box, a camera later than its
 * latency setting) makes misses and lowers the trust; a prior that rises and
 * falls with the player's sound keeps it. docs/engine.md has the rule and
 * its bound.
 *
 * Sources whose dictionaries the audio cannot tell apart (the same atoms:
 * two players of one instrument) form a group: the audio can only say how
 * loud the group is, so the group's loudest prior (max p) is compared with
 * the group's level, and every member gets the group's trust.
 *
 * Allocation-free; the state is plain data inside the engine.
 */
#ifndef CAMSEP_PRIOR_TRUST_H
#define CAMSEP_PRIOR_TRUST_H

#include <stdbool.h>

#include "camsep_engine.h"

typedef struct prior_trust_stats {
    double w, miss; /* forgetting sums of 1 and of the misses */
} prior_trust_stats;

typedef struct prior_trust {
    float forget;                          /* per frame: exp(-hop / memory) */
    float peak_decay;                      /* per frame: the level reference's release */
    float ref[CAMSEP_MAX_SOURCES];         /* by group: the audio level's held peak */
    float mature;                          /* forgetting weight at which the evidence counts fully */
    int n;                                 /* sources */
    int group[CAMSEP_MAX_SOURCES];         /* index of the group's first member */
    prior_trust_stats st[CAMSEP_MAX_SOURCES]; /* by group (first member's index) */
    float trust[CAMSEP_MAX_SOURCES];
    float audible[CAMSEP_MAX_SOURCES];     /* this frame: how clearly the audio alone hears the
                                              source's group, 0..1 (its level re its peak) */
    float weight[CAMSEP_MAX_SOURCES];      /* this frame: trust x (1 - contradiction) */
    float agreement[CAMSEP_MAX_SOURCES];   /* 1 - the miss rate, NaN before any evidence */
} prior_trust;

/* set-up or audio: frames_per_second of the analysis, memory_s > 0. Forgets everything. */
void prior_trust_init(prior_trust *t, double frames_per_second, float memory_s);
/* audio: forget the evidence (new dictionaries, reset). group[j] = the
 * smallest index of a source with the same dictionary as j (group[j] <= j). */
void prior_trust_reset(prior_trust *t, const int *group, int n_sources);
/* audio: one frame with sound. p[j]: the prior (present[j] false: no prior
 * for this source this frame); audio[j] >= 0: the source's level without
 * priors (judged against its own held peak). */
void prior_trust_update(prior_trust *t, const float *p, const bool *present, const float *audio);

#endif
