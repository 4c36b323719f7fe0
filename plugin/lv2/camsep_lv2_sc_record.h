/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep.lv2 sound check: what the audio thread hands over (chunks of the
 * mono input and the camera's per-player activity, both on the engine clock)
 * and the recording the sound check's thread keeps of them, up to the
 * activity of every analysis frame (the learner's input, engine/soundcheck.h).
 *
 * The same model as the standalones' recording
 * (plugin/standalone/host_soundcheck_record.h), with the announced player
 * carried by each audio chunk (the audio thread stamps it), so a "player N
 * alone now" takes effect at the block it arrived in.
 *
 * Threading: the structs cross the rings; the recording belongs to one
 * non-real-time thread (it allocates).
 */
#ifndef CAMSEP_LV2_SC_RECORD_H
#define CAMSEP_LV2_SC_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "camsep_lv2_catalog.h"

#define CAMSEP_LV2_SC_CHUNK 256 /* = CAMSEP_LV2_CHUNK: one engine call's input */

typedef struct camsep_lv2_sc_chunk {
    int64_t time;   /* engine clock of x[0], samples */
    int32_t n;      /* samples used, 1..CAMSEP_LV2_SC_CHUNK */
    int32_t player; /* announced player playing alone (0-based), or -1 (the camera says) */
    float x[CAMSEP_LV2_SC_CHUNK];
} camsep_lv2_sc_chunk;

typedef struct camsep_lv2_sc_activity {
    int64_t time;                           /* engine clock, samples */
    float activity[CAMSEP_LV2_MAX_PLAYERS]; /* 0..1, NaN unknown */
} camsep_lv2_sc_activity;

typedef struct camsep_lv2_sc_label {
    size_t from; /* first sample (index into the recording) */
    int player;
} camsep_lv2_sc_label;

typedef struct camsep_lv2_sc_recording {
    int64_t t0; /* engine clock of x[0] (once started) */
    int started;
    float *x;
    size_t n, max; /* samples kept; the cap (allocated at init) */
    camsep_lv2_sc_activity *act;
    size_t n_act, cap_act;
    camsep_lv2_sc_label *labels;
    size_t n_labels, cap_labels;
} camsep_lv2_sc_recording;

/* Storage for max_samples (untouched pages cost nothing). 0, or -1. */
int camsep_lv2_sc_recording_init(camsep_lv2_sc_recording *r, size_t max_samples);
void camsep_lv2_sc_recording_free(camsep_lv2_sc_recording *r);

/* A chunk: 0; 1 when the cap is reached; -1 out of memory. A lost chunk
 * leaves silence (which the learner skips). */
int camsep_lv2_sc_recording_add(camsep_lv2_sc_recording *r, const camsep_lv2_sc_chunk *c);
/* A camera sample. 0, or -1 out of memory. */
int camsep_lv2_sc_recording_add_activity(camsep_lv2_sc_recording *r, const camsep_lv2_sc_activity *a);

double camsep_lv2_sc_recording_seconds(const camsep_lv2_sc_recording *r, double rate);

/* The activity of each analysis frame (frames x players, frame-major), frame
 * k being the engine's frame t0 + (k + 1) hop - 1 whose window peaks `fall`
 * samples earlier:
 *   - announced (labels): 1 for the player announced there, 0 for the others,
 *     NaN within `hold` samples of a change and before the first label;
 *   - camera: each player's activity interpolated between the camera samples
 *     around the frame, NaN where either is more than max_gap away.
 * players[k] (k < players) is the player of column k. */
void camsep_lv2_sc_recording_frames(const camsep_lv2_sc_recording *r, size_t frames, int hop, int fall,
                                    const int *players, int n_players, int64_t max_gap, int64_t hold, float *activity);

#endif
