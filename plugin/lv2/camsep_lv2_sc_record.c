/* SPDX-License-Identifier: GPL-3.0-or-later */
/* camsep.lv2 sound check: the recording (see camsep_lv2_sc_record.h). */
#include "camsep_lv2_sc_record.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Grows *p (elem bytes each) to hold at least need elements. 0 or -1. */
static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

int camsep_lv2_sc_recording_init(camsep_lv2_sc_recording *r, size_t max_samples)
{
    memset(r, 0, sizeof *r);
    r->max = max_samples;
    r->x = malloc(sizeof(float) * (max_samples ? max_samples : 1));
    return r->x ? 0 : -1;
}

void camsep_lv2_sc_recording_free(camsep_lv2_sc_recording *r)
{
    free(r->x);
    free(r->act);
    free(r->labels);
    memset(r, 0, sizeof *r);
}

static int label(camsep_lv2_sc_recording *r, size_t from, int player)
{
    if (r->n_labels && r->labels[r->n_labels - 1].player == player)
        return 0;
    if (grow((void **)&r->labels, &r->cap_labels, r->n_labels + 1, sizeof *r->labels))
        return -1;
    r->labels[r->n_labels++] = (camsep_lv2_sc_label){from, player};
    return 0;
}

int camsep_lv2_sc_recording_add(camsep_lv2_sc_recording *r, const camsep_lv2_sc_chunk *c)
{
    if (c->n < 1 || c->n > CAMSEP_LV2_SC_CHUNK)
        return 0;
    if (!r->started) {
        r->t0 = c->time;
        r->started = 1;
    }
    if (c->time < r->t0 || (size_t)(c->time - r->t0) + (size_t)c->n <= r->n)
        return 0; /* older than what is kept */
    const size_t at = (size_t)(c->time - r->t0);
    if (at >= r->max)
        return 1;
    const size_t skip = at < r->n ? r->n - at : 0;
    size_t end = at + (size_t)c->n;
    if (end > r->max)
        end = r->max;
    if (at > r->n)
        memset(r->x + r->n, 0, sizeof(float) * (at - r->n));
    if (c->player >= 0 && label(r, at + skip, c->player))
        return -1;
    memcpy(r->x + at + skip, c->x + skip, sizeof(float) * (end - at - skip));
    r->n = end;
    return r->n >= r->max ? 1 : 0;
}

int camsep_lv2_sc_recording_add_activity(camsep_lv2_sc_recording *r, const camsep_lv2_sc_activity *a)
{
    if (grow((void **)&r->act, &r->cap_act, r->n_act + 1, sizeof *a))
        return -1;
    r->act[r->n_act++] = *a;
    return 0;
}

double camsep_lv2_sc_recording_seconds(const camsep_lv2_sc_recording *r, double rate)
{
    return (double)r->n / rate;
}

/* The announced player's activity at sample s (relative to x[0]). */
static float announced(const camsep_lv2_sc_recording *r, int64_t s, int64_t hold, int player)
{
    if (s < (int64_t)r->labels[0].from)
        return NAN;
    size_t k = 0;
    while (k + 1 < r->n_labels && (int64_t)r->labels[k + 1].from <= s)
        k++;
    for (size_t m = 1; m < r->n_labels; m++)
        if (llabs((int64_t)r->labels[m].from - s) < hold)
            return NAN;
    return r->labels[k].player == player ? 1.0f : 0.0f;
}

static int by_time(const void *a, const void *b)
{
    const int64_t x = ((const camsep_lv2_sc_activity *)a)->time, y = ((const camsep_lv2_sc_activity *)b)->time;
    return (x > y) - (x < y);
}

void camsep_lv2_sc_recording_frames(const camsep_lv2_sc_recording *r, size_t frames, int hop, int fall,
                                    const int *players, int n_players, int64_t max_gap, int64_t hold, float *activity)
{
    for (size_t i = 0; i < frames * (size_t)n_players; i++)
        activity[i] = NAN;
    if (r->n_labels) {
        for (size_t k = 0; k < frames; k++) {
            const int64_t s = (int64_t)(k + 1) * hop - 1 - fall;
            for (int j = 0; j < n_players; j++)
                activity[k * (size_t)n_players + (size_t)j] = announced(r, s, hold, players[j]);
        }
        return;
    }
    if (!r->n_act)
        return;
    camsep_lv2_sc_activity *a = malloc(sizeof *a * r->n_act);
    if (!a)
        return; /* all unknown: the learner then reports too little material */
    memcpy(a, r->act, sizeof *a * r->n_act);
    qsort(a, r->n_act, sizeof *a, by_time);
    size_t m = 0; /* a[m]: the first sample at or after the frame */
    for (size_t k = 0; k < frames; k++) {
        const int64_t t = r->t0 + (int64_t)(k + 1) * hop - 1 - fall;
        while (m < r->n_act && a[m].time < t)
            m++;
        const camsep_lv2_sc_activity *after = m < r->n_act ? &a[m] : NULL, *before = m ? &a[m - 1] : NULL;
        if (after && after->time == t)
            before = after;
        if (!before || !after || t - before->time > max_gap || after->time - t > max_gap)
            continue;
        const double span = (double)(after->time - before->time);
        const double w = span > 0.0 ? (double)(t - before->time) / span : 0.0;
        for (int j = 0; j < n_players; j++) {
            const int p = players[j];
            if (p < 0 || p >= CAMSEP_LV2_MAX_PLAYERS)
                continue;
            activity[k * (size_t)n_players + (size_t)j] =
                (float)((1.0 - w) * before->activity[p] + w * after->activity[p]);
        }
    }
    free(a);
}
