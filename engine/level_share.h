/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Each player's share of the frame's sound, from the camera's graded motion
 * (audio thread).
 *
 * The activity prior says who plays; it says nothing of how loud each one
 * is, and where everybody plays (most of a piece) it is no help at all. The
 * graded motion (the prior's motion channel 0: what moves against the
 * player's body, normalised, released within 0.1 s) follows how hard a
 * player bows, blows or strikes. How that maps to the player's level is
 * not known in advance and differs from player to player, so it is learned
 * online: a straight line from log motion to the log of the player's level
 * in the solve without priors (prior_trust's shadow), exponentially
 * forgotten. The line's prediction for this frame, over the predictions of
 * the other players who have one, is the share of the frame's sound the
 * player should have.
 *
 * The masks then weigh each such player's model by how far it is from that
 * share (level_share_mask_gains): S_j^p is scaled by (wanted / has)^(p kappa),
 * "has" being j's part of those players' activations in the frame's solve,
 * at most LEVEL_SHARE_GAIN_MAX either way. kappa is the strength times how
 * well the motion has explained the sound lately (the line's correlation,
 * gated between LEVEL_SHARE_CORR_LO and _HI), times the evidence (0 at a
 * cold start: nothing is invented), times how far the camera is in time
 * (the share's own lag meter). At kappa 1 the masks are those of a model in
 * which every such player holds exactly the predicted share. A player whose
 * motion does not follow the sound (sway, a singer, a box that lost its
 * player), a player the camera cannot see now, and players who share one
 * dictionary (twins: the audio cannot give them a level of their own;
 * group_split.h divides them) are left free; so is everybody while fewer
 * than two players have a share. The solve itself is left to the audio: the
 * shares never enter the activations, so nothing of them is carried into
 * the next frame.
 *
 * Bound: a player's weight in the masks moves by at most
 * LEVEL_SHARE_GAIN_MAX (10 dB) either way against the solve, and not at all
 * where the camera has not shown that it follows the sound. docs/engine.md
 * has the rule and the figures. Allocation-free.
 */
#ifndef CAMSEP_LEVEL_SHARE_H
#define CAMSEP_LEVEL_SHARE_H

#include <stdbool.h>

#include "camsep_engine.h"
#include "lag_meter.h"

#define LEVEL_SHARE_MEMORY_S 6.0       /* the line's forgetting time */
#define LEVEL_SHARE_EVIDENCE_S 2.0     /* evidence 1 after about this much sound with motion */
#define LEVEL_SHARE_MOTION_FLOOR 1e-3f /* log(m + floor): a still player is a point, not -inf */
#define LEVEL_SHARE_LEVEL_FLOOR 1e-3f  /* of the running frame level: the same for the sound */
#define LEVEL_SHARE_CORR_LO 0.3f       /* no share at or below this correlation */
#define LEVEL_SHARE_CORR_HI 0.6f       /* the full strength at or above */
#define LEVEL_SHARE_SLOPE_MAX 4.0f     /* the line's slope is kept within 0..this */
#define LEVEL_SHARE_PLAYING 0.6f       /* only while the activity prior says playing */
/* The camera's lag, from the players' graded motion against their levels
 * (as group_split.h measures the twins'): the shares act fully within
 * LEVEL_SHARE_TIMELY_S of in time, not at all beyond LEVEL_SHARE_UNTIMELY_S
 * or while the peak is too weak to read (a camera later than the lags
 * searched shows none), and on the latency setting's word before the lag is
 * measured. */
#define LEVEL_SHARE_LAG_MEMORY_S 6.0
#define LEVEL_SHARE_LAG_PENALTY 2.0f
#define LEVEL_SHARE_LAG_RISE_CAP 4.0f
#define LEVEL_SHARE_TIMELY_S 0.05f
#define LEVEL_SHARE_UNTIMELY_S 0.09f
#define LEVEL_SHARE_GAIN_MAX 10.0f /* a player's weight S_j^p in the masks moves by at most this factor */

typedef struct level_share {
    int n;                         /* sources */
    bool twin[CAMSEP_MAX_SOURCES]; /* shares its dictionary with another source */
    double alpha;                  /* per-frame forgetting */
    double evidence_frames;        /* LEVEL_SHARE_EVIDENCE_S in analysis frames */
    double w[CAMSEP_MAX_SOURCES], sx[CAMSEP_MAX_SOURCES], sy[CAMSEP_MAX_SOURCES];
    double sxx[CAMSEP_MAX_SOURCES], syy[CAMSEP_MAX_SOURCES], sxy[CAMSEP_MAX_SOURCES];
    double counted[CAMSEP_MAX_SOURCES]; /* frames counted (not forgotten): the evidence */
    float corr[CAMSEP_MAX_SOURCES];     /* the line's correlation now (NaN: none yet) */
    float target[CAMSEP_MAX_SOURCES];   /* this frame's share (of the sources with kappa > 0) */
    float kappa[CAMSEP_MAX_SOURCES];    /* this frame's strength x confidence, 0..1 (the masks'
                                           exponent over p); 0 leaves j free */
    bool active;                        /* at least two sources have kappa > 0 this frame */
    int singles;                        /* sources without a twin: the lag meter's channels */
    lag_meter lag;                      /* the camera's lag, from the singles' motion */
} level_share;

/* set-up or audio: frames_per_second of the analysis. Forgets everything. */
void level_share_init(level_share *ls, double frames_per_second);
/* audio: forget the evidence (new dictionaries, reset). same_as[j] = the
 * smallest index of a source with the same dictionary as j (NULL: none alike). */
void level_share_reset(level_share *ls, const int *same_as, int n_sources);
/* audio: one frame with sound and a shadow solve. motion[j] < 0: no motion
 * for j; activity, present and held as in the prior; audio[j]: j's
 * activation sum without priors; level_scale: the running frame level (the
 * floors' unit); strength 0..1. First this frame's target and kappa (from
 * the frames before), then the lines and the lag meter learn this frame. */
void level_share_frame(level_share *ls, const float *motion, const float *activity, const bool *present,
                       const bool *held, const float *audio, float level_scale, float strength);
/* 0..1: how far the shares may act by the measured lag; NaN: not measured yet. */
float level_share_timely(const level_share *ls);
/* audio: this frame's targets as gains on S_j^p: has[j] is j's activation
 * sum in the frame's solve, mask_power the masks' p. Multiplies gain[j] of
 * every player with a share by its gain (the others' are left as they are)
 * and returns true if any player has one; false (gains untouched) otherwise. */
bool level_share_mask_gains(const level_share *ls, const float *has, float mask_power, float *gain);

#endif
