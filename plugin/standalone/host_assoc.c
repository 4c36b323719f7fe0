/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Which box is which player, live (see host_assoc.h). */
#include "host_assoc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define COMPUTE_EVERY_S 0.5 /* of audio: a proposal is recomputed at most this often */

int host_assoc_init(host_assoc *h, int n_players, const int *stem_class, double rate)
{
    memset(h, 0, sizeof *h);
    atomic_init(&h->head, 0);
    atomic_init(&h->tail, 0);
    atomic_init(&h->generation, 0);
    atomic_init(&h->applied, 0);
    h->n_players = n_players;
    h->rate = rate;
    if (n_players < 2 || n_players > CAMSEP_ASSOC_MAX)
        return 0; /* nothing to pair */
    camsep_assoc_config cfg;
    camsep_assoc_config_default(&cfg, n_players, n_players);
    for (int j = 0; stem_class && j < n_players; j++)
        cfg.stem_class[j] = stem_class[j];
    char err[256];
    h->assoc = camsep_box_assoc_create(&cfg, err, sizeof err);
    return h->assoc ? 0 : -1;
}

void host_assoc_destroy(host_assoc *h)
{
    camsep_box_assoc_free(h->assoc);
    h->assoc = NULL;
}

void host_assoc_push_motion(host_assoc *h, const camsep_prior *p)
{
    if (!h->assoc)
        return;
    const unsigned head = atomic_load_explicit(&h->head, memory_order_relaxed);
    if (head - atomic_load_explicit(&h->tail, memory_order_acquire) >= HOST_ASSOC_RING)
        return; /* full: the owner is not draining */
    host_assoc_motion *m = &h->ring[head % HOST_ASSOC_RING];
    m->time_s = (double)p->time / h->rate;
    m->generation = atomic_load_explicit(&h->generation, memory_order_acquire);
    for (int i = 0; i < h->n_players; i++) /* a box the camera cannot see says nothing of its player */
        m->motion[i] = (p->held >> i) & 1u ? NAN : p->motion[i][0];
    atomic_store_explicit(&h->head, head + 1, memory_order_release);
}

void host_assoc_invalidate(host_assoc *h) { atomic_fetch_add_explicit(&h->generation, 1, memory_order_acq_rel); }

void host_assoc_mark_applied(host_assoc *h)
{
    atomic_store_explicit(&h->applied, 1, memory_order_release);
    host_assoc_invalidate(h);
}

/* Owner: a new generation forgets everything; motion of older ones is dropped. */
static void drain_motion(host_assoc *h)
{
    const unsigned gen = atomic_load_explicit(&h->generation, memory_order_acquire);
    if (gen != h->seen_generation) {
        h->seen_generation = gen;
        camsep_box_assoc_reset(h->assoc);
        h->has_result = 0;
        h->reports = h->computed_at = 0;
    }
    unsigned tail = atomic_load_explicit(&h->tail, memory_order_relaxed);
    const unsigned head = atomic_load_explicit(&h->head, memory_order_acquire);
    for (; tail != head; tail++) {
        const host_assoc_motion *m = &h->ring[tail % HOST_ASSOC_RING];
        if (m->generation == gen)
            camsep_box_assoc_add_motion(h->assoc, m->time_s, m->motion);
    }
    atomic_store_explicit(&h->tail, tail, memory_order_release);
}

void host_assoc_add_report(host_assoc *h, const camsep_frame_report *r)
{
    if (!h->assoc)
        return;
    drain_motion(h);
    if (r->n_sources < h->n_players)
        return; /* no dictionaries yet */
    h->last_time_s = (double)r->time / h->rate;
    camsep_box_assoc_add_activation(h->assoc, h->last_time_s, r->activation_audio, /* NaN: skipped */
                                    r->audio_misfit);
    h->reports++;
}

void host_assoc_view_now(host_assoc *h, int boxes_ok, host_assoc_view *v)
{
    memset(v, 0, sizeof *v);
    v->n_boxes = h->n_players;
    v->reason = "";
    for (int i = 0; i < CAMSEP_ASSOC_MAX; i++)
        v->stem_of_box[i] = -1;
    if (!h->assoc || !boxes_ok) {
        v->state = HOST_ASSOC_OFF;
        v->reason = !h->assoc ? "fewer than two players" : "needs a camera and a box for every player";
        return;
    }
    drain_motion(h);
    v->generation = h->seen_generation;
    const double since = h->last_time_s - h->computed_time_s;
    if (h->reports > h->computed_at && (!h->has_result || since >= COMPUTE_EVERY_S || since < 0.0)) {
        h->has_result = camsep_box_assoc_compute(h->assoc, &h->result) == 0;
        h->computed_at = h->reports;
        h->computed_time_s = h->last_time_s;
    }
    const int applied = atomic_load_explicit(&h->applied, memory_order_acquire);
    if (!h->has_result) {
        v->state = applied ? HOST_ASSOC_APPLIED : HOST_ASSOC_WAITING;
        v->reason = applied ? "" : "no motion and sound gathered yet";
        return;
    }
    const camsep_assoc_result *r = &h->result;
    memcpy(v->stem_of_box, r->stem_of_box, sizeof v->stem_of_box);
    v->confidence = r->forced ? INFINITY : r->confidence;
    v->evidence_s = r->evidence_s;
    v->needed = r->needed;
    int in_order = 1;
    for (int i = 0; i < h->n_players; i++)
        in_order &= r->stem_of_box[i] == i;
    if (!r->confident) {
        v->state = applied ? HOST_ASSOC_APPLIED : HOST_ASSOC_LOW;
        v->reason = r->reason;
        return;
    }
    atomic_store_explicit(&h->applied, 0, memory_order_release);
    v->state = in_order ? HOST_ASSOC_IN_ORDER : HOST_ASSOC_PROPOSED;
}

int host_assoc_plan(const host_assoc_view *v, int force, const camsep_box *boxes, camsep_box *wanted, char *err,
                    size_t errlen)
{
    char what[160];
    host_assoc_format_state(v, what, sizeof what);
    int identity = 1;
    for (int i = 0; i < v->n_boxes; i++)
        identity &= v->stem_of_box[i] == i;
    if (v->state != HOST_ASSOC_PROPOSED && v->state != HOST_ASSOC_LOW && v->state != HOST_ASSOC_IN_ORDER) {
        snprintf(err, errlen, "no proposal to apply (%s)", what);
        return -1;
    }
    if (identity) {
        if (v->state == HOST_ASSOC_LOW)
            snprintf(err, errlen, "nothing to apply: the proposal keeps the boxes as they are (%s)", what);
        else
            snprintf(err, errlen, "nothing to apply: the boxes are already in the proposed order");
        return -1;
    }
    if (v->state == HOST_ASSOC_LOW && !force) {
        snprintf(err, errlen,
                 "refused: %s (confidence %.1f, %.1f needed; %.1f s of evidence; \"force\" applies it anyway)", what,
                 (double)v->confidence, (double)v->needed, (double)v->evidence_s);
        return -1;
    }
    unsigned seen = 0;
    for (int i = 0; i < v->n_boxes; i++) {
        const int j = v->stem_of_box[i];
        if (j < 0 || j >= v->n_boxes || (seen & (1u << j))) {
            snprintf(err, errlen, "no proposal to apply (not a pairing)");
            return -1;
        }
        seen |= 1u << j;
        wanted[j] = boxes[i];
    }
    return 0;
}

void host_assoc_format_pairing(const host_assoc_view *v, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < v->n_boxes && v->stem_of_box[0] >= 0 && used < size; i++) {
        const int k = snprintf(buf + used, size - used, "%s%d", i ? "," : "", v->stem_of_box[i] + 1);
        used += k > 0 ? (size_t)k : 0;
    }
}

void host_assoc_format_state(const host_assoc_view *v, char *buf, size_t size)
{
    switch (v->state) {
    case HOST_ASSOC_OFF: snprintf(buf, size, "off: %s", v->reason); break;
    case HOST_ASSOC_WAITING: snprintf(buf, size, "waiting: %s", v->reason); break;
    case HOST_ASSOC_LOW: snprintf(buf, size, "low confidence: %s", v->reason); break;
    case HOST_ASSOC_PROPOSED: snprintf(buf, size, "proposed"); break;
    case HOST_ASSOC_IN_ORDER: snprintf(buf, size, "in order"); break;
    case HOST_ASSOC_APPLIED: snprintf(buf, size, "applied"); break;
    }
}
