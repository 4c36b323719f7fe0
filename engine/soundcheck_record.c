/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A live sound check's recording and its frames' activity (see soundcheck_record.h). */
#include "soundcheck_record.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Grows *p (elem bytes each) to hold at least need elements. 0 or -1. */
static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : need;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

int camsep_sc_record_init(camsep_sc_record *r, size_t max_samples, size_t activities)
{
    memset(r, 0, sizeof *r);
    r->max = max_samples;
    r->x = malloc(sizeof(float) * (max_samples ? max_samples : 1));
    if (!r->x || grow((void **)&r->act, &r->cap_act, activities ? activities : 64, sizeof *r->act) ||
        grow((void **)&r->labels, &r->cap_labels, 64, sizeof *r->labels)) {
        camsep_sc_record_free(r);
        return -1;
    }
    return 0;
}

void camsep_sc_record_free(camsep_sc_record *r)
{
    free(r->x);
    free(r->act);
    free(r->labels);
    memset(r, 0, sizeof *r);
}

static int label_from(camsep_sc_record *r, size_t from, int player)
{
    if (r->n_labels && r->labels[r->n_labels - 1].player == player)
        return 0;
    if (grow((void **)&r->labels, &r->cap_labels, r->n_labels + 1, sizeof *r->labels))
        return -1;
    r->labels[r->n_labels++] = (camsep_sc_label){from, player};
    return 0;
}

int camsep_sc_record_label(camsep_sc_record *r, int player) { return label_from(r, r->n, player); }

int camsep_sc_record_add_chunk(camsep_sc_record *r, const camsep_sc_chunk *c)
{
    if (c->n < 1 || c->n > CAMSEP_SC_CHUNK)
        return 0;
    if (!r->started) {
        r->t0 = c->time;
        r->started = 1;
    }
    if (c->time < r->t0)
        return 0;
    const size_t at = (size_t)(c->time - r->t0);
    if (at + c->n <= r->n)
        return 0; /* already kept */
    if (at >= r->max || r->n >= r->max)
        return 1;
    const size_t skip = at < r->n ? r->n - at : 0;
    size_t end = at + c->n;
    if (end > r->max)
        end = r->max;
    if (at > r->n) { /* a lost chunk: silence, which the learner skips */
        memset(r->x + r->n, 0, sizeof(float) * (at - r->n));
        r->gaps += at - r->n;
    }
    if (c->player >= 0 && label_from(r, at + skip, c->player))
        return -1;
    memcpy(r->x + at + skip, c->x + skip, sizeof(float) * (end - at - skip));
    r->n = end;
    return r->n >= r->max ? 1 : 0;
}

int camsep_sc_record_add_activity(camsep_sc_record *r, const camsep_sc_activity *a)
{
    if (grow((void **)&r->act, &r->cap_act, r->n_act + 1, sizeof *a))
        return -1;
    r->act[r->n_act++] = *a;
    return 0;
}

double camsep_sc_record_seconds(const camsep_sc_record *r, double rate) { return (double)r->n / rate; }

static int by_time(const void *a, const void *b)
{
    const int64_t x = ((const camsep_sc_activity *)a)->time, y = ((const camsep_sc_activity *)b)->time;
    return (x > y) - (x < y);
}

/* The announced player's activity at sample s (relative to x[0]). */
static float announced(const camsep_sc_record *r, int64_t s, int64_t hold, int player)
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

/* Player p's activity in camera sample a: NaN where the camera gave none. */
static float camera(const camsep_sc_activity *a, int p) { return p >= 0 && p < a->n ? a->activity[p] : NAN; }

void camsep_sc_record_frame_activity(const camsep_sc_record *r, size_t frames, int hop, int64_t first,
                                     const int *players, int n_players, int64_t max_gap, int64_t hold,
                                     float *activity)
{
    for (size_t i = 0; i < frames * (size_t)n_players; i++)
        activity[i] = NAN;
    if (r->n_labels) {
        for (size_t k = 0; k < frames; k++) {
            const int64_t s = first + (int64_t)k * hop; /* relative to x[0] */
            for (int j = 0; j < n_players; j++)
                activity[k * (size_t)n_players + (size_t)j] = announced(r, s, hold, players ? players[j] : j);
        }
        return;
    }
    if (!r->n_act)
        return;
    camsep_sc_activity *a = malloc(sizeof *a * r->n_act);
    if (!a)
        return; /* all unknown: the learner then reports too little material */
    memcpy(a, r->act, sizeof *a * r->n_act);
    qsort(a, r->n_act, sizeof *a, by_time);
    size_t m = 0; /* a[m]: the first sample at or after the frame */
    for (size_t k = 0; k < frames; k++) {
        const int64_t t = r->t0 + first + (int64_t)k * hop;
        while (m < r->n_act && a[m].time < t)
            m++;
        const camsep_sc_activity *after = m < r->n_act ? &a[m] : NULL, *before = m ? &a[m - 1] : NULL;
        if (after && after->time == t)
            before = after;
        if (!before || !after || t - before->time > max_gap || after->time - t > max_gap)
            continue;
        const double span = (double)(after->time - before->time);
        const double w = span > 0.0 ? (double)(t - before->time) / span : 0.0;
        for (int j = 0; j < n_players; j++) {
            const int p = players ? players[j] : j;
            activity[k * (size_t)n_players + (size_t)j] = (float)((1.0 - w) * camera(before, p) + w * camera(after, p));
        }
    }
    free(a);
}

void camsep_sc_record_material(const camsep_sc_record *r, double rate, int players, float playing, float resting,
                               double *alone_s, double *together_s)
{
    for (int j = 0; j < players; j++)
        alone_s[j] = together_s[j] = 0.0;
    if (r->n_labels) {
        for (size_t k = 0; k < r->n_labels; k++) {
            const size_t end = k + 1 < r->n_labels ? r->labels[k + 1].from : r->n;
            const int j = r->labels[k].player;
            if (j >= 0 && j < players && end > r->labels[k].from)
                alone_s[j] += (double)(end - r->labels[k].from) / rate;
        }
        return;
    }
    const int64_t end = r->t0 + (int64_t)r->n, max_step = (int64_t)(0.2 * rate);
    for (size_t k = 1; k < r->n_act; k++) {
        const camsep_sc_activity *a = &r->act[k];
        const int64_t dt = a->time - r->act[k - 1].time;
        if (!r->n || a->time < r->t0 || a->time > end || dt <= 0)
            continue;
        const double step = (double)(dt < max_step ? dt : max_step) / rate;
        int n_playing = 0, n_resting = 0;
        for (int j = 0; j < players && j < a->n; j++) {
            n_playing += a->activity[j] >= playing;
            n_resting += a->activity[j] <= resting;
        }
        for (int j = 0; j < players && j < a->n; j++) {
            if (!(a->activity[j] >= playing))
                continue;
            if (n_playing == 1 && n_resting == players - 1)
                alone_s[j] += step;
            else if (n_playing > 1)
                together_s[j] += step;
        }
    }
}
