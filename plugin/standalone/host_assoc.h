/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which box is which player, live: the standalones' side of
 * capture/box_association.h. The capture thread hands each camera prior's
 * motion (camsep_prior.motion[j][0], already on the audio clock with the
 * camera latency removed) through a lock-free ring; the owner (the control
 * side that drains the engine's frame reports, under the session's meter
 * lock) feeds the reports' prior-free activations (activation_audio: the
 * trust's shadow solve, so that the current box order cannot shape what it
 * is judged by) and the motion into one camsep_box_assoc, and computes a
 * proposal at most twice a second of audio.
 *
 * A change of the boxes or of the dictionaries (host_assoc_invalidate)
 * forgets everything gathered so far: the evidence is about the old order.
 *
 * Threading:
 *   - init / destroy: set-up;
 *   - push_motion: the capture thread (lock-free, no allocation);
 *   - invalidate, mark_applied: any control thread (atomic);
 *   - add_report, view: the owner (one thread at a time; no allocation).
 * The audio thread never reaches this.
 */
#ifndef CAMSEP_HOST_ASSOC_H
#define CAMSEP_HOST_ASSOC_H

#include <stdatomic.h>
#include <stdint.h>

#include "box_association.h"
#include "camsep_engine.h"
#include "camsep_video_types.h"

#define HOST_ASSOC_RING 256 /* motion samples in flight: about 8 s at 30 fps */

typedef enum host_assoc_state {
    HOST_ASSOC_OFF = 0,   /* nothing to pair: fewer than 2 players, no camera, or a player without a box */
    HOST_ASSOC_WAITING,   /* no motion or sound gathered yet */
    HOST_ASSOC_LOW,       /* a proposal, not confident (reason says why) */
    HOST_ASSOC_PROPOSED,  /* confident and different from the boxes' order: may be applied */
    HOST_ASSOC_IN_ORDER,  /* confident, and the boxes are already in this order */
    HOST_ASSOC_APPLIED,   /* a proposal was applied; evidence on the new order is being gathered */
} host_assoc_state;

typedef struct host_assoc_view {
    host_assoc_state state;
    int n_boxes;
    int stem_of_box[CAMSEP_ASSOC_MAX]; /* the proposal: player i's box now shows player stem_of_box[i] */
    float confidence;
    float evidence_s;
    float needed;                      /* the confidence needed with this much evidence */
    const char *reason;                /* static text; "" when there is nothing to say */
    unsigned generation;               /* of the boxes and dictionaries it is about */
} host_assoc_view;

typedef struct host_assoc_motion {
    double time_s;
    unsigned generation;
    float motion[CAMSEP_ASSOC_MAX];
} host_assoc_motion;

typedef struct host_assoc {
    camsep_box_assoc *assoc;           /* NULL: fewer than 2 players */
    int n_players;
    double rate;
    /* capture thread -> owner */
    host_assoc_motion ring[HOST_ASSOC_RING];
    atomic_uint head, tail;
    atomic_uint generation;            /* bumped by invalidate */
    atomic_int applied;                /* set by mark_applied, cleared by invalidate's next confident view */
    /* owner */
    unsigned seen_generation;
    int64_t reports, computed_at;      /* reports fed; reports at the last compute */
    double last_time_s, computed_time_s;/* the latest report's time; at the last compute */
    int has_result;
    camsep_assoc_result result;
} host_assoc;

/* Set-up: n_players boxes against as many player stems (the "other" stem
 * has no box); stem_class as camsep_assoc_config's (NULL: all different);
 * rate: the audio clock's. 0, or -1 (out of memory). */
int host_assoc_init(host_assoc *h, int n_players, const int *stem_class, double rate);
void host_assoc_destroy(host_assoc *h);

/* Capture thread: one prior's motion (p->time on the audio clock). Dropped
 * when the ring is full. */
void host_assoc_push_motion(host_assoc *h, const camsep_prior *p);
/* Any control thread: the boxes or the dictionaries changed. */
void host_assoc_invalidate(host_assoc *h);
/* Any control thread: the proposal was applied (invalidate it too). */
void host_assoc_mark_applied(host_assoc *h);

/* Owner: one engine frame report (its player stems' activation_audio). */
void host_assoc_add_report(host_assoc *h, const camsep_frame_report *r);
/* Owner: the proposal now (computed at most every 0.5 s of audio); boxes_ok
 * = 0 when a player has no box or there is no camera (state OFF then). */
void host_assoc_view_now(host_assoc *h, int boxes_ok, host_assoc_view *v);

/* Any thread: the box each player gets for the proposal in v (player
 * v->stem_of_box[i] gets boxes[i], the box player i has now). 0, or -1
 * with the reason: no proposal, the boxes already in its order, or low
 * confidence without force. */
int host_assoc_plan(const host_assoc_view *v, int force, const camsep_box *boxes, camsep_box *wanted, char *err,
                    size_t errlen);

/* "2,1,3": the proposal's stem (1-based) per box. */
void host_assoc_format_pairing(const host_assoc_view *v, char *buf, size_t size);
/* "proposed", "in order", "low confidence: ...", ... for people and OSC. */
void host_assoc_format_state(const host_assoc_view *v, char *buf, size_t size);

#endif
