/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Dictionaries learned from a sound check: the mix's magnitude frames and,
 * for every frame, how much each player was seen to play (the camera's
 * activity, 0..1). Frames where one player plays alone train that player
 * (with the same frames moved 1 .. transpose semitones down and up).
 * Optionally, frames where several play are then explained by those atoms,
 * each frame's activations restricted to the players who play, and each
 * player is retrained on its alone frames plus the bins of the together
 * frames that its atoms clearly dominate (the rest left out of the fit as
 * missing data).
 *
 * The engine knows nothing of cameras: the activity is any per-player
 * evidence of playing, aligned to the frames by the caller (camera latency
 * included).
 *
 * Threading: a background thread (allocates, runs for seconds); never the
 * audio thread. Deterministic for a given seed.
 */
#ifndef CAMSEP_SOUNDCHECK_H
#define CAMSEP_SOUNDCHECK_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "dictionary.h"

typedef struct camsep_soundcheck_params {
    int atoms;            /* per player (default 32) */
    int iterations;       /* training on each player's alone frames (default 200) */
    int joint_iterations; /* retraining with the together frames (default 0: alone only; it
                           * measured no gain, bench/SOUNDCHECK.md) */
    int transpose;        /* the alone frames also moved 1 .. transpose semitones down and up,
                           * 0 .. CAMSEP_SOUNDCHECK_MAX_TRANSPOSE, or CAMSEP_SOUNDCHECK_TRANSPOSE_AUTO
                           * (the default): each player's from the candidates, by the together
                           * frames (2 is better when the together part holds other music than the
                           * alone parts, 1 when the same: bench/SOUNDCHECK.md) */
    float beta;           /* beta-divergence (default 1, KL) */
    uint64_t seed;        /* initialisation (default 1) */
    float playing;        /* mean activity at or above which a player plays (default 0.5) */
    float resting;        /* mean activity at or below which a player rests (default 0.3) */
    double hold_s;        /* the mean is over hold_s before to hold_s after the frame (default 0.5 s) */
    double min_alone_s;   /* less alone material than this for a player is an error (default 3 s) */
    double silence_db;    /* frames this far below the loudest are skipped (default 60) */
} camsep_soundcheck_params;

void camsep_soundcheck_defaults(camsep_soundcheck_params *p);

/* Per player: seconds of sounding frames where the player played alone, and
 * where the player played with others. */
typedef struct camsep_soundcheck_material {
    double alone_s, together_s;
    int transpose; /* learn only: semitones the alone frames were moved, */
    int chosen;    /* chosen by the together frames (1) or given (0) */
} camsep_soundcheck_material;

/* What each frame is: CAMSEP_SC_SKIP (silent, or a player neither clearly
 * playing nor clearly resting, or nobody playing), else a bit set of the
 * players who play (bit p: player p; one bit: that player alone). */
#define CAMSEP_SC_SKIP 0u
#define CAMSEP_SOUNDCHECK_MAX_PLAYERS 16
#define CAMSEP_SOUNDCHECK_MAX_TRANSPOSE 12
/* The automatic transposition tries AUTO_FIRST .. AUTO_FIRST + AUTO_CANDIDATES
 * - 1 semitones (training each player once per candidate), when there are at
 * least AUTO_MIN_TOGETHER_S seconds of together frames (and more than the
 * atoms); with fewer it uses AUTO_FIRST. */
#define CAMSEP_SOUNDCHECK_TRANSPOSE_AUTO (-1)
#define CAMSEP_SOUNDCHECK_AUTO_FIRST 1
#define CAMSEP_SOUNDCHECK_AUTO_CANDIDATES 2
#define CAMSEP_SOUNDCHECK_AUTO_MIN_TOGETHER_S 2.0

/* Classifies the frames (class: frames entries, out) and sums the material
 * per player (material: players entries, out). V: frames x bins magnitudes,
 * activity: frames x players (NaN: unknown, the frame is skipped);
 * frame_s: seconds per frame (the hop). 0, or -1 on invalid arguments or no
 * memory. */
int camsep_soundcheck_classify(const float *V, const float *activity, size_t frames, int bins, int players,
                               double frame_s, const camsep_soundcheck_params *p, uint32_t *cls,
                               camsep_soundcheck_material *material);

enum {
    CAMSEP_SOUNDCHECK_OK = 0,
    CAMSEP_SOUNDCHECK_NO_MEMORY = -1,
    CAMSEP_SOUNDCHECK_TOO_LITTLE = -2, /* *bad_player has too little alone material */
    CAMSEP_SOUNDCHECK_CANCELLED = -3,
    CAMSEP_SOUNDCHECK_INVALID = -4,
};

/* Learns one dictionary per player into dicts[p] (created by the caller with
 * p->atoms atoms, the sample rate and window the frames were made with; the
 * name too). Atoms come out of unit L1 norm, sorted by spectral centroid.
 * progress (may be NULL) is called with (done, total) iterations; cancel
 * (may be NULL) is polled once per iteration. material (may be NULL) gets
 * the survey and each player's transposition. On error err says why (a
 * player is named "player N", 1-based; the caller may have better names)
 * and dicts are left unchanged. */
int camsep_soundcheck_learn(const float *V, const float *activity, size_t frames, int bins, int players,
                            double frame_s, const camsep_soundcheck_params *p, camsep_dictionary **dicts,
                            camsep_soundcheck_material *material, void (*progress)(void *ctx, int done, int total),
                            void *ctx, const atomic_int *cancel, int *bad_player, char *err, size_t errlen);

#endif
