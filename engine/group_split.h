/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Who of a group of same-instrument players plays what (audio thread).
 *
 * Players with the very same dictionary (two violins with one violin
 * dictionary) are one source to the audio: the solve splits each atom's
 * activation between them by nothing but its starting point and the activity
 * prior's small tilt. Only the camera can say which of them is louder. Each
 * frame, each member's share of every group atom is moved towards the
 * member's share of the group's graded motion, pi_j = m_j^q / sum_i m_i^q
 * (m: the box's normalised motion energy, the prior's motion channel 0):
 *
 *     h_jk <- (1 - w) h_jk + w pi_j sum_i h_ik      (i, j in the group)
 *
 * The group's total per atom is unchanged, so the model, and every source
 * outside the group, is exactly what it was: the split only decides what the
 * audio cannot.
 *
 * w = strength x gate x evidence. The gate is the correlation between the
 * group's summed motion and the group's loudness (its activations in the
 * solve without priors, prior_trust's shadow, in dB, floored 40 dB under
 * their held peak), exponentially forgotten over GROUP_SPLIT_MEMORY_S,
 * through a smoothstep from GROUP_SPLIT_CORR_LO to GROUP_SPLIT_CORR_HI:
 * motion that rises and falls with the group's sound is let through, motion
 * that does not (sway, flicker, jitter, an occluder, a busy stage) closes the
 * gate. Once a quarter of the evidence is in, the motion counts at most 3
 * standard deviations from its mean, so that a few wild frames cannot shut
 * a gate that seconds of evidence opened. The priors' first half second
 * after they arrive is not counted (a camera starting up), and no frames
 * means evidence 0, no split: no reference is invented at a cold start.
 *
 * A twin the camera cannot see now (camsep_prior.held: a passer-by in front)
 * has the last motion it showed, which says nothing of now: frames with a
 * hidden member are not counted in the group's statistics, and the hidden
 * member's motion is what the group's level says the group's motion is
 * (the statistics' regression of motion on level), less what the members
 * in sight show (group_split_hidden_motion()); the split's weight is then
 * scaled by r^2, the share of the group's motion the level explains (a
 * noisy picture explains less, and the estimate deserves less).
 *
 * In time, or not at all: a camera later than its latency setting moves the
 * shares after the notes have changed hands, and its prior tilts the twins'
 * activations the wrong way at every entrance. The camera's lag is measured
 * from the twins (lag_meter.h: each group's summed motion against the group's
 * level; the rest gate's measure reads each player's own level, which twins do
 * not have), and `timely` (1 within GROUP_SPLIT_TIMELY_S of in time, 0 beyond
 * GROUP_SPLIT_UNTIMELY_S) scales w and, through group_split_activity(), how
 * far each twin's activity prior may differ from the group's. A peak too weak
 * to read leaves w to the correlation gate, but takes the prior's word away
 * (a camera later than the lags searched shows no peak).
 * docs/engine.md has the rule and the figures behind its constants.
 *
 * Allocation-free; the state is plain data inside the engine.
 */
#ifndef CAMSEP_GROUP_SPLIT_H
#define CAMSEP_GROUP_SPLIT_H

#include <stdbool.h>

#include "camsep_engine.h"
#include "lag_meter.h"

#define GROUP_SPLIT_POWER 2.0f    /* q */
#define GROUP_SPLIT_MEMORY_S 6.0  /* the correlation's forgetting time */
#define GROUP_SPLIT_CORR_LO 0.35f /* gate 0 at or below */
#define GROUP_SPLIT_CORR_HI 0.55f /* gate 1 at or above */
/* The camera's lag, from the twins' graded motion: measured in time at lag 0
 * (the motion follows the bow, the level the sound; bench/VIDEO.md), with a
 * longer memory and a stronger pull towards in time than the rest gate's
 * (the motion's rises are many and small: a steadier estimate). */
#define GROUP_SPLIT_LAG_MEMORY_S 6.0
#define GROUP_SPLIT_LAG_PENALTY 2.0f
#define GROUP_SPLIT_LAG_RISE_CAP 4.0f /* a motion rise counts at most 4 x the rises' RMS */
#define GROUP_SPLIT_TIMELY_S 0.05f   /* timely 1 within */
#define GROUP_SPLIT_UNTIMELY_S 0.09f /* timely 0 beyond */

typedef struct group_split {
    lag_meter lag;                         /* the camera's lag, a channel per group of twins */
    double forget;                         /* per frame: exp(-hop / memory) */
    double peak_decay;                     /* per frame: the level reference's release */
    int settle;                            /* frames of priors to wait before they count */
    double mature;                         /* forgetting weight at which the evidence counts fully */
    int n;                                 /* sources */
    int group[CAMSEP_MAX_SOURCES];         /* index of the group's first member */
    int members[CAMSEP_MAX_SOURCES];       /* by group: how many */
    double st[CAMSEP_MAX_SOURCES][6];      /* by group: forgetting sums of 1, x, y, x^2, y^2, xy */
    double peak[CAMSEP_MAX_SOURCES];       /* by group: the level's held peak */
    int seen[CAMSEP_MAX_SOURCES];          /* by group: frames since every member has had a prior */
    float correlation[CAMSEP_MAX_SOURCES]; /* by source: its group's, NaN before any evidence */
    float weight[CAMSEP_MAX_SOURCES];      /* by source: this frame's w (0: no twin, or no split) */
    double level_now[CAMSEP_MAX_SOURCES];  /* by group: this frame's level as the statistics read it,
                                              NaN: none this frame */
} group_split;

/* set-up or audio: frames_per_second of the analysis; window_frames: frames
 * until the first analysis window is full (nothing is counted before).
 * Forgets everything. */
void group_split_init(group_split *g, double frames_per_second, int window_frames);
/* audio: forget the evidence (new dictionaries, reset). same_as[j] = the
 * smallest index of a source with the same dictionary as j. */
void group_split_reset(group_split *g, const int *same_as, int n_sources);
/* audio: one frame with sound. motion[j]: source j's graded motion (>= 0),
 * present[j]: a prior for j this frame, held[j]: the camera cannot see j now
 * (NULL: everyone in sight), audio[j] >= 0: j's activation sum in the solve
 * without priors. Updates the correlation and sets weight[]. */
void group_split_update(group_split *g, const float *motion, const bool *present, const bool *held, const float *audio,
                        float strength);
/* audio, after update(): each hidden member's motion (held[j]) replaced, in
 * place, by its share of what the group's level says the group's motion is,
 * less the motion of the members in sight (at least 0). Untouched where every
 * member is hidden or in sight, or before a quarter of the evidence is in. */
void group_split_hidden_motion(const group_split *g, const bool *held, float *motion);
/* audio: moves each group member's activations h[atom_start[j] ...] towards
 * its share of the group's motion, by weight[]. */
void group_split_apply(const group_split *g, const int *atom_start, const float *motion, float *h);
/* 0..1: how far the twins' camera may act by its lag (1 within
 * GROUP_SPLIT_TIMELY_S, 0 beyond GROUP_SPLIT_UNTIMELY_S; 1 while the peak is too
 * weak to read); NaN: not measured yet, or no twins. */
float group_split_timely(const group_split *g);
/* audio: each twin's activity prior moved towards its group's highest by
 * 1 - timely (in place): a late camera still says whether the group plays, but
 * no longer which twin. Here a peak too weak to read counts as late (a
 * camera later than the lags searched shows none; the split, by contrast,
 * leaves that case to its correlation gate). Untouched while the lag is not
 * measured. */
void group_split_activity(const group_split *g, float *activity);

#endif
