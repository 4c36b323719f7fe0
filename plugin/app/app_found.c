/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "app_found.h"

#include <math.h>
#include <stdio.h>

static int same_box(const camsep_box *a, const camsep_box *b)
{
    return fabsf(a->x - b->x) < 0.5f && fabsf(a->y - b->y) < 0.5f && fabsf(a->w - b->w) < 0.5f &&
           fabsf(a->h - b->h) < 0.5f;
}

int app_found_in_use(const camsep_capture_proposal *p, const camsep_box *boxes, int n_players)
{
    if (p->state != CAMSEP_FIND_READY || p->n < 1 || p->n > n_players)
        return 0;
    for (int j = 0; j < p->n; j++)
        if (!same_box(&p->box[j], &boxes[j]))
            return 0;
    return 1;
}

int app_found_shown(const camsep_capture_proposal *p, const camsep_box *boxes, int n_players)
{
    return p->state == CAMSEP_FIND_READY && !app_found_in_use(p, boxes, n_players) ? p->n : 0;
}

void app_found_osc_state(const camsep_capture_proposal *p, camsep_osc_state *st)
{
    static const char *const names[] = {"idle", "looking", "ready", "nothing moved", "failed"};
    snprintf(st->found_state, sizeof st->found_state, "%s",
             (int)p->state >= 0 && (int)p->state < 5 ? names[p->state] : "failed");
    st->found_progress = floorf(p->progress * 100.0f) / 100.0f; /* feedback a hundredth at a time */
    st->found_n = p->state == CAMSEP_FIND_READY ? p->n : 0;
    snprintf(st->found_message, sizeof st->found_message, "%s", p->message);
    for (int j = 0; j < st->found_n && j < CAMSEP_OSC_MAX_PLAYERS && p->width > 0 && p->height > 0; j++) {
        const camsep_box *b = &p->box[j];
        st->players[j].found_box = (camsep_osc_box){b->x / (float)p->width, b->y / (float)p->height,
                                                    b->w / (float)p->width, b->h / (float)p->height};
        st->players[j].found_share = p->confidence[j];
    }
}

void app_found_item(const camsep_capture_proposal *p, const camsep_box *boxes, int n_players, char *out,
                    size_t size)
{
    switch (p->state) {
    case CAMSEP_FIND_LOOKING:
        snprintf(out, size, "FINDING PLAYERS %.0f %% [f: again]", 100.0 * p->progress);
        break;
    case CAMSEP_FIND_READY:
        if (app_found_in_use(p, boxes, n_players))
            snprintf(out, size, "boxes found in the picture in use [f: find again]");
        else if (p->n == n_players)
            snprintf(out, size, "found %d players (dashed) [b: use them, f: look again]", p->n);
        else if (p->n < n_players)
            snprintf(out, size, "found %d of %d players (dashed) [B: use them for players 1-%d, f: look again]", p->n,
                     n_players, p->n);
        else
            snprintf(out, size, "found %d players for %d [f: look again]", p->n, n_players);
        break;
    case CAMSEP_FIND_NOTHING: snprintf(out, size, "no players found: %.80s [f: look again]", p->message); break;
    case CAMSEP_FIND_FAILED: snprintf(out, size, "finding players failed: %.80s [f: again]", p->message); break;
    default: snprintf(out, size, "[f: find players]"); break;
    }
}
