/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Motion energy per player box, and its adaptive normalisation into a
 * playing likelihood.
 *
 * For every frame's flow (optical_flow.h):
 *  1. the global motion (camera shake, jitter, pans) is estimated frame by
 *     frame as the median of u and v over the frame outside all boxes (over
 *     the whole frame when the boxes leave too little of it), refined into a
 *     translation, zoom and rotation by a robust (Huber IRLS) fit, and
 *     subtracted at every pixel;
 *  2. a noise gate: noise_gate x the median residual magnitude outside the
 *     boxes (the flow's own error this frame: sensor noise, interpolation
 *     under shake, light changes) is subtracted from every magnitude;
 *  3. per box, the body's own motion (sway, shifting weight): the median of
 *     what moves in the box, when at least body_share of the box moves with
 *     it (a bow arm or a hand covers less); every pixel's motion then counts
 *     as its distance to the nearer of "still" and "with the body", so that
 *     neither the background nor the swaying body is energy, only what moves
 *     against both (the arm, the bow, the hands);
 *     then the box energy, the mean gated flow magnitude over the box
 *     (p and the occlusion test go by it), and 5 channels: 0 = the box's
 *     graded motion (below), 1..4 = the energy over its 2x2 cells
 *     (top-left, top-right, bottom-left, bottom-right), in input pixels per
 *     nominal frame interval (a flow over
 *     a longer interval, e.g. after a dropped frame, is scaled down). Only
 *     reliable flow counts (camsep_flow_weight(): textured, not clipped),
 *     in steps 1 and 2 too; a box or cell with less than 10 % of it reliable
 *     (dark, flat, overexposed) is not seen: its outputs and statistics are
 *     held until it is;
 *  4. occlusion: when a large share of a box moves fast (more than
 *     occlusion_share; or 0.3 of that with an energy over 2 x its
 *     reference, which no player's own motion reached on the test and
 *     benchmark stages: recognised sooner, the frames before it are fewer
 *     and smaller),
 *     something is passing in front: the box's outputs and statistics are
 *     held until it has gone (and 1.5 frame intervals more, for the flow
 *     that still shows its trailing edge), so that a passer-by neither
 *     plays nor teaches the normaliser a reference no musician reaches.
 *     They are held as they were 0.2 s before it was recognised: the frames
 *     it took to cover enough of the box count as the player's motion, and
 *     that spike, held, would read as hard playing for the whole crossing.
 *     A box taken as occluded for more than half of the last 5 s or so is
 *     covered by its own player (a box drawn tight around a bow arm): it is
 *     let go, learns that motion for 1 s without the test, and from then on
 *     only the energy test counts in it;
 *  5. per box and channel an adaptive normaliser: a slowly forgetting
 *     histogram of log energy gives a noise floor (a low quantile, but at
 *     most twice the energy the still part of the picture shows, so that a
 *     player who never rests keeps a floor below his playing) and a
 *     reference level (a high quantile, held through long rests), with
 *     guards so that noise alone can never reach the reference;
 *     x = (e - floor) / (reference - floor);
 *  6. the playing likelihood p = smoothstep(x / knee) of the box energy,
 *     smoothed with a fast attack and a slow release (musicians' motion
 *     pauses at bow changes), and the normalised channels clamp(x_c, 0, 2),
 *     smoothed the same way except channel 0, which releases within
 *     CAMSEP_MOTION_GRADED_RELEASE_S: how much a player moves, to follow the
 *     sound (the engine splits same-instrument players by it).
 * The graded motion takes the body's motion with a looser test (flow within
 *     4 noise gates of the median of what moves, not 1: with sensor noise the
 *     strict test misses a swaying body in most frames) and counts, of every
 *     pixel that moves more than 2 gates, its motion against the body: an arm
 *     carried by a swaying body moves with the bow alone. On the Bach10 video
 *     benchmark's same-instrument duos it follows the true loudness with
 *     r 0.87 / 0.86 / 0.77 (calm / sway 6 px / every disturbance but the
 *     occluder) where the box energy, normalised and released over 0.3 s,
 *     did with 0.78 / 0.69 / 0.53 (bench/VIDEO.md).
 * The result fills a camsep_prior: activity[j] = p_j, motion[j][c] for
 * c < 5 (the other motion channels 0), and held's bit j while box j's
 * outputs are held (occluded, or not seen in this frame).
 *
 * Threading: one capture thread owns a camsep_motion; create/free allocate,
 * every other call is real-time safe (no allocation, locks or I/O).
 */
#ifndef CAMSEP_MOTION_ENERGY_H
#define CAMSEP_MOTION_ENERGY_H

#include <stdint.h>

#include "camsep_engine.h"
#include "camsep_video_types.h"
#include "optical_flow.h"

#define CAMSEP_MOTION_MAX_BOXES 8
#define CAMSEP_MOTION_CHANNELS 5 /* the box's graded motion, then the 2x2 cells */
#define CAMSEP_MOTION_GRADED_RELEASE_S 0.1f /* channel 0's release (at most the configured one) */
/* The knee's range the programs offer (--motion-knee, OSC /motion_knee); doubles,
 * so that option parsers take "0.1" itself. */
#define CAMSEP_MOTION_KNEE_DEFAULT 0.5
#define CAMSEP_MOTION_KNEE_MIN 0.1
#define CAMSEP_MOTION_KNEE_MAX 2.0

#if CAMSEP_MOTION_CHANNELS > CAMSEP_MAX_MOTION_CHANNELS || CAMSEP_MOTION_MAX_BOXES > CAMSEP_MAX_SOURCES
#error "motion channels or boxes exceed what a camsep_prior holds"
#endif

typedef enum camsep_global_motion {
    CAMSEP_GLOBAL_NONE = 0,   /* no compensation (fixed camera on a rigid mount) */
    CAMSEP_GLOBAL_MEDIAN = 1, /* median translation outside the boxes */
    CAMSEP_GLOBAL_SIMILARITY = 2, /* that, and a zoom and rotation fitted robustly (default) */
} camsep_global_motion;

typedef struct camsep_motion_config {
    float frame_rate;         /* nominal frames per second, for the first interval (30) */
    float attack_s;           /* smoothing when the likelihood rises (0.03 s) */
    float release_s;          /* ... and when it falls (0.3 s) */
    float memory_s;           /* forgetting time of the floor/reference statistics (20 s) */
    float hold_s;             /* the reference decays no faster than this through rests (60 s) */
    float floor_quantile;     /* noise floor: this quantile of the energy (0.05) */
    float reference_quantile; /* reference: this quantile (0.95) */
    float min_range;          /* reference - floor >= this, input pixels per frame; 0 = auto
                                 (0.3 x height / 480) */
    float min_ratio;          /* reference >= floor x this (3) */
    float knee;               /* normalised energy at which p reaches 1 (0.5): 0.5 says "playing"
                                 from half a player's usual motion on, robust to sway; 1 grades
                                 p by how much they move (better on a calm stage) */
    camsep_global_motion global_motion;
    float noise_gate;         /* flow below this many times the median residual outside the
                                 boxes counts as noise and is not energy (2; 0 = off) */
    float body_share;         /* the median motion of what moves in a box is the player's body
                                 (sway), and not sound, when at least this share of the box moves
                                 with it (0.15; 0 = never) */
    float occlusion_share;    /* a box with more than this share moving fast (faster than
                                 0.25 % of the frame height per frame) is taken as occluded
                                 (0.35; 1 = never) */
} camsep_motion_config;

typedef struct camsep_motion camsep_motion;

/* set-up */
void camsep_motion_config_default(camsep_motion_config *cfg);
/* set-up: for frames of width x height input pixels (the flow's input size).
 * cfg may be NULL (defaults). NULL if invalid. */
camsep_motion *camsep_motion_create(int width, int height, const camsep_motion_config *cfg);
void camsep_motion_free(camsep_motion *m);

/* capture thread: the player boxes (n <= CAMSEP_MOTION_MAX_BOXES), clipped to
 * the frame. A box keeps its statistics when it is nudged or resized a little
 * (its old and new areas share at least half of their union); moved
 * elsewhere, or grown or shrunk a lot, it starts afresh, as a new box would.
 * Call camsep_motion_reset_box() when someone else stands in a box left where
 * it was. -1 if invalid. */
int camsep_motion_set_boxes(camsep_motion *m, const camsep_box *boxes, int n);
int camsep_motion_boxes(const camsep_motion *m);
void camsep_motion_reset_box(camsep_motion *m, int box);
void camsep_motion_reset(camsep_motion *m); /* every box, and the clock */
/* capture thread: a new knee (0 < knee <= 10), from the next update on; the
 * statistics stay. -1 if invalid. */
int camsep_motion_set_knee(camsep_motion *m, float knee);

/* capture thread: one frame's flow, captured at timestamp_ns (CLOCK_MONOTONIC
 * or any monotonic clock; intervals matter). Returns 1 if the outputs were
 * updated, 0 if the flow was not valid (first frame: outputs held), -1 if the
 * flow does not match the size given at create. */
int camsep_motion_update(camsep_motion *m, const camsep_flow *flow, int64_t timestamp_ns);
/* capture thread: the normaliser alone, fed with raw channel energies
 * (energy[j][c] for the n <= boxes first boxes), e.g. from another front end
 * or a test; energy[j][0] is both the box energy and the graded motion.
 * Returns 1, or -1 if invalid. */
int camsep_motion_update_energies(camsep_motion *m, const float (*energy)[CAMSEP_MOTION_CHANNELS], int n,
                                  int64_t timestamp_ns);

/* Outputs of the latest update (box < camsep_motion_boxes(m)). */
float camsep_motion_activity(const camsep_motion *m, int box);          /* p in [0, 1] */
const float *camsep_motion_channels(const camsep_motion *m, int box);   /* normalised, >= 0 */
/* raw, px per frame: [0] the box energy, [1..4] the cells' */
const float *camsep_motion_energy(const camsep_motion *m, int box);
/* the normaliser's statistics of those energies (channel 0: the box energy's) */
float camsep_motion_floor(const camsep_motion *m, int box, int channel);
float camsep_motion_reference(const camsep_motion *m, int box, int channel);
void camsep_motion_global(const camsep_motion *m, float *u, float *v); /* subtracted motion at the centre */
float camsep_motion_gate(const camsep_motion *m);                      /* noise gate, px per frame */
float camsep_motion_coverage(const camsep_motion *m, int box); /* share of the box moving fast */
int camsep_motion_occluded(const camsep_motion *m, int box);   /* 1 while taken as occluded */
/* The energy a still box shows (gated residual outside the boxes, smoothed
 * over 1 s); +inf before any flow (camsep_motion_update_energies only). */
float camsep_motion_noise(const camsep_motion *m);
/* Fills n_sources (= boxes), activity and motion; boxes past n_sources get
 * activity NaN (unknown) and motion 0. p->time is left to the caller. */
void camsep_motion_fill_prior(const camsep_motion *m, camsep_prior *p);

#endif
