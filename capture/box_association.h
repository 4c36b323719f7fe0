/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which player box goes with which stem: each box's motion and each stem's
 * sound are accumulated on one time grid, scored box x stem (by default the
 * correlation of the motion with the log of the sound, both taken relative to
 * the other players at each instant, then each minus its running mean over
 * detrend_s), and the pairing with the highest total score over all pairings
 * is proposed with a confidence. The detrending keeps what the bow and the
 * sound share, the note-level changes: on Bach10 stages the slow part of a
 * player's relative loudness from an audio-only separation (passages heard in
 * the wrong stem) and of their normalised motion could go opposite ways, and
 * made wrong pairings win (bench/ASSOCIATION.md).
 *
 * Inputs, per video frame: a value per box (its motion: camsep_prior.motion
 * [j][0], its activity, or its raw energy); per engine frame: a value per
 * stem (camsep_frame_report.mask_energy or .activation) and the fit's misfit,
 * which weighs the frame (misfit_weight: where the dictionaries explain the
 * mix badly, a note one of them never learned is being heard in another
 * player's stem). A box the camera
 * cannot see (camsep_prior.held) is given as NaN: its motion is not its
 * player's, and that instant is left out. Times are seconds on
 * the audio clock;
 * the caller removes the camera's known latency, and a residual latency of up
 * to max_lag_s is searched: one lag for the whole camera, the one of the best
 * pairing, and the runner-up is the best differing pairing at that lag. The
 * activations should come from a run whose priors cannot favour a pairing
 * (audio only, or trust in the priors off), else a wrong box order feeds
 * itself.
 *
 * The proposal is confident (may be applied) only when all of these hold:
 *   - evidence >= min_evidence_s (default 4): seconds of grid bins with music
 *     (the stems' total above 1 % of its 95th percentile) while some box moves
 *     (its motion above 20 % of its own 95th percentile, and above 0.05);
 *   - confidence >= the confidence needed: min_confidence (default 3.5), or
 *     once evidence >= long_evidence_s (default 12) the smaller of it and
 *     long_min_confidence (default 1.9), where confidence = margin / noise:
 *     the margin is the best pairing's total score minus the runner-up's
 *     (pairings that only exchange interchangeable stems are the same
 *     pairing), and the noise the root mean square of the margins the same
 *     search (every pairing, every lag) finds on this very data with the
 *     motion shifted circularly by 1/4 to 3/4 of the span with data, where
 *     nobody's motion goes with anybody's sound (24 shifts; rule "surrogate",
 *     default); or, rule "evidence", noise = sqrt(2 k x 0.5 s / evidence), k
 *     the number of boxes the two pairings place differently;
 *   - every box's score with its stem is at least min_correlation (0.1).
 * Otherwise `confident` is 0 and `reason` says which test failed. Two boxes
 * with the same motion, boxes that never move, too little music and motion
 * that follows nobody's sound all end there. The default thresholds were set
 * on bench/associate_bach10.py (bench/ASSOCIATION.md): long_min_confidence
 * above what motion shifted against the sound reached in 199 of 200 runs,
 * min_confidence above every wrong proposal with less evidence. Short
 * evidence must be clearer because the noise above is that of chance
 * alignments only: a passage that is mis-separated (a note one dictionary
 * never learned, heard in another player's stem) makes a wrong pairing win
 * steadily for as long as the passage lasts, and only more music, other
 * passages, dilutes it; on the benchmark wrong proposals reached 3.3 with
 * 6-11 s of evidence and 0.5 with 12-20 s.
 *
 * Threading: one thread owns an object (e.g. a host's control thread, which
 * drains the engine's reports and sees the camera's priors). create/free
 * allocate; add_* and compute never allocate, lock or do I/O.
 */
#ifndef CAMSEP_BOX_ASSOCIATION_H
#define CAMSEP_BOX_ASSOCIATION_H

#include <stddef.h>

#define CAMSEP_ASSOC_MAX 8

typedef enum camsep_assoc_feature {
    CAMSEP_ASSOC_LOG_ACTIVATION = 0, /* log of the activation (motion follows loudness in dB) */
    CAMSEP_ASSOC_ACTIVATION,         /* the activation divided by its 95th percentile */
    CAMSEP_ASSOC_ONSETS,             /* positive changes of the log activation and of the motion */
    CAMSEP_ASSOC_COVERAGE,           /* sound needs motion: 1 - 2 x the share of the stem's sound
                                        (its activation over its 95th percentile, at most 1) heard
                                        while the box is still (1 - its motion over its 95th
                                        percentile, at least 0); motion without sound (gestures)
                                        costs nothing */
} camsep_assoc_feature;

typedef enum camsep_assoc_rule {
    CAMSEP_ASSOC_RULE_SURROGATE = 0, /* noise: the margins found with the motion shifted in time */
    CAMSEP_ASSOC_RULE_EVIDENCE,      /* noise: sqrt(2 k x 0.5 s / evidence) */
} camsep_assoc_rule;

typedef struct camsep_assoc_config {
    int n_boxes;          /* 1..CAMSEP_ASSOC_MAX */
    int n_stems;          /* n_boxes..CAMSEP_ASSOC_MAX */
    int stem_class[CAMSEP_ASSOC_MAX]; /* stems of one class are interchangeable (identical
                                         dictionaries); default: each stem its own class */
    double bin_s;         /* time grid step, seconds (default 0.1) */
    double history_s;     /* evidence older than this is forgotten (default 60) */
    double max_lag_s;     /* residual camera latency searched, +- seconds (default 0.2) */
    camsep_assoc_feature feature; /* default CAMSEP_ASSOC_LOG_ACTIVATION */
    camsep_assoc_rule rule;       /* the noise the confidence is measured in (default surrogate) */
    int relative;         /* 1 (default): each box's (stem's) series standardised, minus the
                             mean of all boxes (stems) at each instant, before correlating;
                             only with as many boxes as stems */
    double detrend_s;     /* each series' running mean over this many seconds (centred) is
                             subtracted before correlating, so that note-level changes are
                             compared, not slow drifts (default 2.5; 0: off; not for coverage) */
    double misfit_weight; /* an instant whose separation fits the mix worse than the median
                             instant's (the engine's audio_misfit) counts (median / misfit)^this
                             in the correlations: there the stems' values are least the players'
                             (default 1; 0: every instant alike) */
    float min_evidence_s; /* default 4 */
    float min_confidence; /* default 3.5 */
    float long_evidence_s;     /* default 12: from this much evidence on... */
    float long_min_confidence; /* ...this confidence is enough, if lower than min_confidence (default 1.9) */
    float min_correlation;/* default 0.1 */
} camsep_assoc_config;

typedef struct camsep_assoc_result {
    int n_boxes, n_stems;
    int stem_of_box[CAMSEP_ASSOC_MAX];   /* the best pairing */
    int runner_up[CAMSEP_ASSOC_MAX];     /* the best pairing that differs (-1s: none) */
    float corr[CAMSEP_ASSOC_MAX][CAMSEP_ASSOC_MAX]; /* [box][stem] at the chosen lag */
    float score;          /* mean score (correlation) of the best pairing */
    float margin;         /* its total correlation minus the runner-up's */
    float noise;          /* the typical margin when nobody's motion goes with the sound */
    float confidence;     /* the margin in units of its noise (see above) */
    float needed;         /* the confidence needed with this evidence */
    float evidence_s;     /* seconds of music with motion */
    float lag_s;          /* residual camera latency found (motion later than sound: > 0) */
    int forced;           /* 1: only one pairing is possible (nothing to decide) */
    int confident;        /* 1: may be applied (always when forced) */
    const char *reason;   /* why not confident ("" when confident); static text */
} camsep_assoc_result;

typedef struct camsep_box_assoc camsep_box_assoc;

void camsep_assoc_config_default(camsep_assoc_config *cfg, int n_boxes, int n_stems);
/* set-up: NULL with the reason in err when the configuration is invalid. */
camsep_box_assoc *camsep_box_assoc_create(const camsep_assoc_config *cfg, char *err, size_t errlen);
void camsep_box_assoc_free(camsep_box_assoc *a);
/* owner thread: forget everything (new boxes, new dictionaries). */
void camsep_box_assoc_reset(camsep_box_assoc *a);

/* owner thread: one video frame's value per box (n_boxes values; negative or
 * non-finite values are skipped), at time_s on the audio clock. */
void camsep_box_assoc_add_motion(camsep_box_assoc *a, double time_s, const float *motion);
/* owner thread: one engine frame's activation per stem (n_stems values), and
 * how badly the separation that gave them fits the frame
 * (camsep_frame_report.audio_misfit; NaN: unknown, the frame counts fully). */
void camsep_box_assoc_add_activation(camsep_box_assoc *a, double time_s, const float *activation, float misfit);

/* owner thread: the proposal from what has been added. 0, or -1 when nothing
 * has been added (out->confident is 0 then too). */
int camsep_box_assoc_compute(camsep_box_assoc *a, camsep_assoc_result *out);

/* The feature's name ("log-activation", "activation", "onsets", "coverage"), and back
 * (-1 when unknown). */
const char *camsep_assoc_feature_name(camsep_assoc_feature f);
int camsep_assoc_feature_parse(const char *name);

#endif
