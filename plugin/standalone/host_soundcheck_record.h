/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A sound check's recording as the worker keeps it: the mono input on the
 * engine clock (gaps from a dropped chunk are silence), the camera's
 * activity samples, and, for a sound check without the camera, who was
 * announced to play alone from which sample on. Then the activity of every
 * analysis frame, the learner's input (engine/soundcheck.h).
 *
 * Threading: one thread (the sound check's worker); allocates.
 */
#ifndef CAMSEP_HOST_SOUNDCHECK_RECORD_H
#define CAMSEP_HOST_SOUNDCHECK_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "host_soundcheck_tap.h"

typedef struct host_sc_label {
    size_t from;                 /* sample index into the recording */
    int player;                  /* 0-based */
} host_sc_label;

typedef struct host_sc_record {
    int64_t t0;                  /* engine clock of x[0] (valid once started) */
    int started;                 /* a chunk was kept */
    float *x;
    size_t n, cap, max;          /* samples kept, allocated, allowed */
    host_sc_activity *act;       /* camera activity, in arrival order */
    size_t n_act, cap_act;
    host_sc_label *labels;       /* announced players, by sample */
    size_t n_labels, cap_labels;
    uint64_t gaps;               /* samples of silence put in for lost chunks */
} host_sc_record;

/* max_samples: the cap (the recording stops growing there). The storage
 * for all of it (and for `activities` camera samples) is allocated now, so
 * that recording does not reallocate. 0, or -1 when out of memory. */
int host_sc_record_init(host_sc_record *r, size_t max_samples, size_t activities);
void host_sc_record_free(host_sc_record *r);

/* A chunk from the tap. 0; 1 when the cap is reached (the rest is dropped);
 * -1 when out of memory. Chunks older than what is kept are ignored. */
int host_sc_record_add_chunk(host_sc_record *r, const host_sc_chunk *c);
/* A camera activity sample. 0, or -1 when out of memory. */
int host_sc_record_add_activity(host_sc_record *r, const host_sc_activity *a);
/* From the next sample on, `player` plays alone. 0, or -1. */
int host_sc_record_label(host_sc_record *r, int player);

/* Seconds recorded at `rate`. */
double host_sc_record_seconds(const host_sc_record *r, double rate);

/* The activity of each analysis frame (frames x players, frame-major) for a
 * recording analysed with hop and the window's fall (frame k's time, as the
 * engine reports it: t0 + (k + 1) hop - fall).
 *   - camera (labels == 0): each player's activity interpolated between the
 *     camera samples around the frame; NaN where the nearest sample on either
 *     side is more than max_gap samples away (camera stalled or lost);
 *   - announced (labels > 0): 1 for the player announced at the frame, 0
 *     for the others; NaN within `hold` samples of a change of player.
 * Players beyond what the camera gave are NaN. */
void host_sc_record_frame_activity(const host_sc_record *r, size_t frames, int hop, int fall, int players,
                                   int64_t max_gap, int64_t hold, float *activity);

/* What the camera (or the announcements) say so far: seconds each player
 * played alone and with others (playing: activity >= playing; alone: the
 * others <= resting). alone_s and together_s: players entries. */
void host_sc_record_material(const host_sc_record *r, double rate, int players, float playing, float resting,
                             double *alone_s, double *together_s);

#endif
