/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The camera's rest gate (audio thread): where the camera sees a player
 * resting, that player's stem is gated and its share of the sound goes to
 * the players who play, in proportion to their own masks (the masks still
 * sum to one in every bin, so the stems still sum to the input).
 *
 * Why: a solve that has only the audio leaks the others' sound into a resting
 * player's atoms (15-20 dB down in a quartet), and the activity prior, an L1
 * weight, only shrinks those activations where the other players' atoms can
 * explain the sound instead. What leaks is the sound that only the resting
 * player's atoms explain; a camera that clearly sees the player at rest is
 * the one witness that can say it is not theirs.
 *
 * A gate cuts hard, so it must be in time: a camera later than its latency
 * setting opens the gate after each entrance has begun and cuts the attack.
 * The camera's offset against the audio is therefore measured, all the time
 * (lag_meter.h): the rises of each player's activity prior are
 * cross-correlated with the rises of that player's level in the solve without
 * priors (prior_trust's shadow); the lag where the players' correlations,
 * averaged, peak is the camera's offset. The gate acts
 * while that offset is within REST_GATE_TIMELY_S of where a correct setting
 * puts it, and shuts off smoothly beyond. Players who share one dictionary
 * (twins) have no level of their own in that solve: they are left out of
 * the offset, and their gate follows the timeliness their group measures
 * from its own motion (group_split.h), given to rest_gate_gains().
 *
 * A camera so late that no offset can be read at all (more than the lags
 * searched) leaves the gate off, and its activity prior is made neutral too
 * (rest_gate_activity()): it says who rested half a second ago.
 *
 * A player the camera cannot see now (something passes in front, too dark:
 * camsep_prior.held) is not gated: the held prior is the last sight, and
 * a player may start to play behind a passer-by.
 *
 * Only a player the camera has seen play (p at or above REST_GATE_P_PLAYED)
 * within the last REST_GATE_SEEN_S is gated: a camera starting up or showing a
 * still picture, or a player who plays standing still (a singer, a box that
 * lost its player), says nothing about who rests. Until the offset has been
 * measured, that is the only condition: the latency setting is taken at its
 * word for the first second or so, and given up as the measurement settles
 * (lag_meter_settled()): its first readings rest on a few entrances, and one
 * that turns the gate off in the middle of a rest lets the others' sound into
 * it.
 *
 * docs/engine.md has the rule and bench/VIDEO.md the figures behind the
 * constants. Allocation-free; the state is plain data inside the engine.
 */
#ifndef CAMSEP_REST_GATE_H
#define CAMSEP_REST_GATE_H

#include <stdbool.h>

#include "camsep_engine.h"
#include "lag_meter.h"

/* The gate's ramp sits high on p: the capture releases p over 0.3 s to bridge
 * bow changes, so a player who stops is still read as playing for a fifth of
 * a second, and that is where most of a rest's leakage is (bench/VIDEO.md,
 * "closing the rest gate sooner"). */
#define REST_GATE_P_CLOSED 0.5f  /* activity prior at or below: gated fully */
#define REST_GATE_P_OPEN 0.7f    /* at or above: not gated */
#define REST_GATE_P_PLAYED 0.6f  /* at or above: the camera has seen the player play */
#define REST_GATE_FLOOR 1e-3f    /* a gated source's share is scaled by at least this */
/* Only a player the camera has seen play (p >= P_PLAYED) within this time is
 * gated: one who plays standing still (a singer, a box that lost its
 * player) never is. */
#define REST_GATE_SEEN_S 8.0
/* Where a camera whose latency is set right is measured (its motion starts
 * with the stroke, before the sound's level has built up in the analysis
 * window), and how far from it the gate still acts fully / at all. */
#define REST_GATE_TIMELY_CENTRE_S (-0.023f)
#define REST_GATE_TIMELY_S 0.023f
#define REST_GATE_UNTIMELY_S 0.046f
/* The activity prior of a player without a twin is kept while the offset is
 * read within REST_GATE_PRIOR_TIMELY_S, and made neutral beyond
 * REST_GATE_PRIOR_UNTIMELY_S or while no peak can be read: a camera later
 * than the lags searched (LAG_METER_MAX_LAG_S) shows no peak, or one at the
 * search's edge, and its prior says the rests of half a second ago. Wider
 * than the gate's: a prior 0.1-0.2 s late still helps more than it costs
 * (bench/VIDEO.md). */
#define REST_GATE_PRIOR_TIMELY_S 0.2f
#define REST_GATE_PRIOR_UNTIMELY_S 0.3f
#define REST_GATE_MEMORY_S 3.0     /* the offset's forgetting time */
#define REST_GATE_LAG_PENALTY 1.0f /* lag_meter.h */

typedef struct rest_gate {
    lag_meter lag;  /* the camera's offset (lag.offset_s: > 0 late, against where a camera whose
                       latency is set right is measured): each player's level against its
                       prior's rises */
    int n;          /* sources */
    bool twin[CAMSEP_MAX_SOURCES];  /* j shares its dictionary with another source */
    int singles;                    /* sources without a twin: the offset's channels */
    long seen_frames;                      /* REST_GATE_SEEN_S in analysis frames */
    long since_playing[CAMSEP_MAX_SOURCES]; /* analysis frames since the camera saw j play (capped) */
    float gain[CAMSEP_MAX_SOURCES]; /* this frame's gate per source: 1 open .. REST_GATE_FLOOR */
} rest_gate;

/* set-up or audio: frames_per_second of the analysis. Forgets everything. */
void rest_gate_init(rest_gate *g, double frames_per_second);
/* audio: forget the evidence (new dictionaries, reset). same_as[j] = the
 * smallest index of a source with the same dictionary as j (NULL: none alike). */
void rest_gate_reset(rest_gate *g, const int *same_as, int n_sources);
/* audio: one frame with sound and priors. p[j]: the activity prior,
 * present[j]: whether j has one, audio[j] >= 0: j's activation sum in the
 * solve without priors. Updates the offset estimate. */
void rest_gate_update(rest_gate *g, const float *p, const bool *present, const float *audio);
/* 0..1: how far the gate may act by the measured offset, blended with the
 * latency setting's word (1) until the measurement has settled; NaN: not
 * measured yet. */
float rest_gate_timely(const rest_gate *g);
/* audio: each activity prior of a player without a twin moved towards 1 (no
 * opinion) by 1 - t, t = 1 while the offset is read within
 * REST_GATE_PRIOR_TIMELY_S, 0 beyond REST_GATE_PRIOR_UNTIMELY_S or while the
 * peak is too weak to read (in place). Untouched before the offset is measured
 * (the latency setting taken at its word), and twins (group_split_activity()). */
void rest_gate_activity(const rest_gate *g, float *activity);
/* audio: this frame's gains into gain[] (depth 0..1: 0 leaves every gain 1);
 * held[j]: the camera cannot see j now (camsep_prior.held), so its prior is
 * no sight of a rest and j is not gated; twins_timely: how far the twins' gate
 * may act (group_split_timely(); NaN: not measured). Returns whether any
 * source is gated. */
bool rest_gate_gains(rest_gate *g, const float *p, const bool *present, const bool *held, float depth,
                     float twins_timely);

#endif
