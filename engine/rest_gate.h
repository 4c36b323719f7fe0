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
 * The camera's offset against the audio is therefore measured, all the time:
 * the rises of each player's activity prior (over REST_GATE_RISE_S) are
 * cross-correlated with the rises of that player's level in the solve without
 * priors (prior_trust's shadow), for lags within +-REST_GATE_MAX_LAG_S,
 * exponentially forgotten over REST_GATE_MEMORY_S; the lag where the
 * players' correlations summed peak is the camera's offset. The gate acts
 * while that offset is within REST_GATE_TIMELY_S of where a correct setting
 * puts it, and shuts off smoothly beyond.
 *
 * A player the camera cannot see now (something passes in front, too dark:
 * camsep_prior.held) is not gated: the held prior is the last sight, and
 * a player may start to play behind a passer-by.
 *
 * Only a player the camera has seen play (p at or above REST_GATE_P_OPEN)
 * within the last REST_GATE_SEEN_S is gated: a camera starting up or showing a
 * still picture, or a player who plays standing still (a singer, a box that
 * lost its player), says nothing about who rests. Until the offset has been
 * measured, that is the only condition: the latency setting is taken at its
 * word for the first second or so.
 *
 * docs/engine.md has the rule and bench/VIDEO.md the figures behind the
 * constants. Allocation-free; the state is plain data inside the engine.
 */
#ifndef CAMSEP_REST_GATE_H
#define CAMSEP_REST_GATE_H

#include <stdbool.h>

#include "camsep_engine.h"

#define REST_GATE_P_CLOSED 0.4f  /* activity prior at or below: gated fully */
#define REST_GATE_P_OPEN 0.6f    /* at or above: not gated */
#define REST_GATE_FLOOR 1e-3f    /* a gated source's share is scaled by at least this */
#define REST_GATE_RISE_S 0.035   /* the rises compared: over this time */
#define REST_GATE_MAX_LAG_S 0.28 /* offsets searched: within +- this */
#define REST_GATE_MEMORY_S 3.0   /* the correlations' forgetting time */
#define REST_GATE_MIN_CORR 0.15f /* a peak correlation under this measures nothing */
#define REST_GATE_LAG_PENALTY 1.0f /* per second away from in time, taken off a lag's correlation */
/* Only a player the camera has seen play (p >= P_OPEN) within this time is
 * gated: one who plays standing still (a singer, a box that lost its
 * player) never is. */
#define REST_GATE_SEEN_S 8.0
/* Where a camera whose latency is set right is measured (its motion starts
 * with the stroke, before the sound's level has built up in the analysis
 * window), and how far from it the gate still acts fully / at all. */
#define REST_GATE_TIMELY_CENTRE_S (-0.023f)
#define REST_GATE_TIMELY_S 0.023f
#define REST_GATE_UNTIMELY_S 0.046f

/* The estimator runs at most this often (a frame rate above it is decimated). */
#define REST_GATE_MAX_RATE 200.0
#define REST_GATE_RING 128 /* > 2 x MAX_LAG_S x MAX_RATE */
#define REST_GATE_LAGS (REST_GATE_RING - 1)

typedef struct rest_gate {
    int step;       /* the estimator takes every step-th frame */
    int lags;       /* D: lags -D..D, in estimator frames */
    int rise;       /* frames between the values whose difference is a rise */
    double rate;    /* estimator frames per second */
    double forget;  /* per estimator frame */
    double mature;  /* forgetting weight at which the offset counts as measured */
    double peak_decay;
    int n;          /* sources */
    long frames;    /* frames seen since the reset */
    int t, filled;  /* ring position, entries in the ring since the reset */
    float level[CAMSEP_MAX_SOURCES][REST_GATE_RING]; /* level (dB, floored) and prior, raw */
    float prior[CAMSEP_MAX_SOURCES][REST_GATE_RING];
    float level_rise[CAMSEP_MAX_SOURCES][REST_GATE_RING];
    float prior_rise[CAMSEP_MAX_SOURCES][REST_GATE_RING];
    float peak[CAMSEP_MAX_SOURCES];  /* the level's held peak, linear */
    double w;                        /* forgetting sum of 1 */
    double sa[CAMSEP_MAX_SOURCES], saa[CAMSEP_MAX_SOURCES];
    double sp[CAMSEP_MAX_SOURCES][REST_GATE_LAGS], spp[CAMSEP_MAX_SOURCES][REST_GATE_LAGS],
        sap[CAMSEP_MAX_SOURCES][REST_GATE_LAGS];
    long seen_frames;                      /* REST_GATE_SEEN_S in analysis frames */
    long since_playing[CAMSEP_MAX_SOURCES]; /* analysis frames since the camera saw j play (capped) */
    float offset_s;   /* the camera's measured offset against where a camera whose latency is
                         set right is measured (> 0: late, < 0: early); NaN: not measured yet */
    float offset_corr;/* the correlation at that offset, NaN: not yet */
    float timely;     /* 0..1: how far the gate may act by the offset; NaN: not measured yet */
    float gain[CAMSEP_MAX_SOURCES]; /* this frame's gate per source: 1 open .. REST_GATE_FLOOR */
} rest_gate;

/* set-up or audio: frames_per_second of the analysis. Forgets everything. */
void rest_gate_init(rest_gate *g, double frames_per_second);
/* audio: forget the evidence (new dictionaries, reset). */
void rest_gate_reset(rest_gate *g, int n_sources);
/* audio: one frame with sound and priors. p[j]: the activity prior,
 * present[j]: whether j has one, audio[j] >= 0: j's activation sum in the
 * solve without priors. Updates the offset estimate. */
void rest_gate_update(rest_gate *g, const float *p, const bool *present, const float *audio);
/* audio: this frame's gains into gain[] (depth 0..1: 0 leaves every gain 1);
 * held[j]: the camera cannot see j now (camsep_prior.held), so its prior is
 * no sight of a rest and j is not gated. Returns whether any source is gated. */
bool rest_gate_gains(rest_gate *g, const float *p, const bool *present, const bool *held, float depth);

#endif
