/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A live sound check's recording, for every host (the standalones'
 * plugin/standalone/host_soundcheck.c, camsep.lv2's
 * plugin/lv2/camsep_lv2_soundcheck.c):
 *
 *   - what crosses the hosts' lock-free rings (spsc_ring.h) off the real-time
 *     threads: chunks of the mono input on the engine clock, each carrying
 *     the player announced to play alone (or -1: the camera decides), and the
 *     camera's per-player activity samples, already on the engine clock;
 *   - the recording the sound check's thread keeps of them: the input from
 *     its first chunk on (a lost chunk leaves silence, which the learner
 *     skips), up to a cap; the camera's samples; who was announced alone
 *     from which sample on;
 *   - the activity of every analysis frame, the learner's input
 *     (soundcheck.h), and the seconds of material so far.
 *
 * An announcement reaches the recording either with the chunks (the audio
 * thread stamps each chunk with the player announced then: it takes effect
 * at that chunk's first new sample) or through camsep_sc_record_label (the
 * recording's thread: it takes effect at the next sample kept).
 *
 * Threading: the chunk and activity structs are plain values for the rings
 * (filling one is real-time safe). A recording belongs to one non-real-time
 * thread; init allocates all of its storage up front (the input up to the
 * cap, the camera samples expected), so that recording does not reallocate
 * unless more camera samples come than were asked for;
 * camsep_sc_record_frame_activity allocates (a sorted copy).
 */
#ifndef CAMSEP_SOUNDCHECK_RECORD_H
#define CAMSEP_SOUNDCHECK_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "camsep_engine.h"

#define CAMSEP_SC_CHUNK 256 /* samples per audio chunk at the most */

typedef struct camsep_sc_chunk {
    int64_t time;             /* engine clock of x[0], samples */
    uint32_t n;               /* samples used, 1..CAMSEP_SC_CHUNK (others are ignored) */
    int32_t player;           /* announced player playing alone (0-based), or -1 (the camera decides) */
    float x[CAMSEP_SC_CHUNK];
} camsep_sc_chunk;

typedef struct camsep_sc_activity {
    int64_t time;                       /* engine clock, samples */
    int n;                              /* players given (0..CAMSEP_MAX_SOURCES) */
    float activity[CAMSEP_MAX_SOURCES]; /* 0..1, NaN unknown; player j >= n: unknown */
} camsep_sc_activity;

typedef struct camsep_sc_label {
    size_t from; /* first sample (index into the recording) */
    int player;  /* 0-based */
} camsep_sc_label;

typedef struct camsep_sc_record {
    int64_t t0;                /* engine clock of x[0] (valid once started) */
    int started;               /* a chunk was seen */
    float *x;                  /* max samples allocated */
    size_t n, max;             /* samples kept; the cap */
    camsep_sc_activity *act;   /* camera samples, in arrival order */
    size_t n_act, cap_act;
    camsep_sc_label *labels;   /* announced players, by sample; never two in a row for one player */
    size_t n_labels, cap_labels;
    uint64_t gaps;             /* samples of silence put in for lost chunks */
} camsep_sc_record;

/* max_samples: the cap (the recording stops growing there); activities: the
 * camera samples to make room for now. 0, or -1 when out of memory. */
int camsep_sc_record_init(camsep_sc_record *r, size_t max_samples, size_t activities);
void camsep_sc_record_free(camsep_sc_record *r);

/* A chunk. The first one sets t0. Chunks older than what is kept are
 * ignored, a chunk after a lost one puts silence in the gap (counted in
 * gaps), and c->player >= 0 announces that player from the chunk's first
 * new sample on. 0; 1 when the cap is reached (the rest is dropped); -1
 * out of memory. */
int camsep_sc_record_add_chunk(camsep_sc_record *r, const camsep_sc_chunk *c);
/* A camera activity sample. 0, or -1 when out of memory. */
int camsep_sc_record_add_activity(camsep_sc_record *r, const camsep_sc_activity *a);
/* From the next sample kept on, `player` plays alone. 0, or -1. */
int camsep_sc_record_label(camsep_sc_record *r, int player);

/* Seconds recorded at `rate`. */
double camsep_sc_record_seconds(const camsep_sc_record *r, double rate);

/* The activity of each analysis frame (frames x n_players, frame-major).
 * Frame k's time is first + k * hop samples after x[0] (the engine reports
 * frame k at (k + 1) hop - fall; camsep_stft_magnitudes' frame k ends at
 * sample (k + 1) hop - 1). Column j is player players[j] (players NULL:
 * player j).
 *   - announced (labels): 1 for the player announced at the frame, 0 for the
 *     others; NaN before the first announcement and within `hold` samples of
 *     a change of player;
 *   - camera (no labels): each player's activity interpolated between the
 *     camera samples around the frame; NaN where the nearest sample on
 *     either side is more than max_gap samples away (camera stalled or lost),
 *     and for players beyond what the camera gave.
 * Out of memory: all NaN (the learner then reports too little material). */
void camsep_sc_record_frame_activity(const camsep_sc_record *r, size_t frames, int hop, int64_t first,
                                     const int *players, int n_players, int64_t max_gap, int64_t hold,
                                     float *activity);

/* What the camera (or the announcements) say so far: seconds each player
 * 0..players-1 played alone and with others (playing: activity >= playing;
 * alone: the others <= resting; a camera step counts 0.2 s at the most).
 * alone_s and together_s: players entries. */
void camsep_sc_record_material(const camsep_sc_record *r, double rate, int players, float playing, float resting,
                               double *alone_s, double *together_s);

#endif
