/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "priors.h"

#include <math.h>
#include <string.h>

void prior_tracker_reset(prior_tracker *t)
{
    memset(t, 0, sizeof *t);
    t->last_frame_time = INT64_MIN;
}

static float clamp01(float x)
{
    return x > 1.0f ? 1.0f : x > 0.0f ? x : 0.0f; /* NaN maps to 0 */
}

static void set_neutral(prior_values *out)
{
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++)
        out->activity[j] = 1.0f;
    memset(out->motion, 0, sizeof out->motion);
    memset(out->present, 0, sizeof out->present);
    memset(out->held, 0, sizeof out->held);
    out->motion_valid = false;
    out->any_present = false;
}

static float mix(float a, float b, float w)
{
    return a + (b - a) * w;
}

void prior_tracker_at(prior_tracker *t, spsc_ring *ring, int64_t time, int64_t timeout,
                      int n_sources, int channels, prior_values *out)
{
    camsep_prior next;
    bool has_next = false;
    while (spsc_ring_peek(ring, &next)) {
        if (next.time > time) {
            has_next = true;
            break;
        }
        spsc_ring_pop(ring, &t->prev);
        if (t->prev.time <= t->last_frame_time)
            t->late++;
        t->has_prev = true;
        t->used++;
    }
    t->last_frame_time = time;
    set_neutral(out);
    if (!t->has_prev || time - t->prev.time > timeout)
        return;

    float w = 0.0f;
    if (has_next && next.time - t->prev.time <= timeout)
        w = (float)(time - t->prev.time) / (float)(next.time - t->prev.time);
    else
        next = t->prev;
    int n = n_sources < t->prev.n_sources ? n_sources : t->prev.n_sources;
    if (n > next.n_sources)
        n = next.n_sources;
    for (int j = 0; j < n; j++) {
        float a = t->prev.activity[j], b = next.activity[j];
        if (isnan(a) || isnan(b))
            continue; /* unknown for this source: stays neutral */
        out->activity[j] = clamp01(mix(clamp01(a), clamp01(b), w));
        out->present[j] = true;
        out->any_present = true;
        out->held[j] = ((t->prev.held | next.held) >> j) & 1u;
        for (int c = 0; c < channels; c++) {
            float ma = t->prev.motion[j][c], mb = next.motion[j][c];
            float m = isfinite(ma) && isfinite(mb) ? mix(ma, mb, w) : 0.0f;
            out->motion[j][c] = m > 0.0f ? m : 0.0f;
        }
    }
    out->motion_valid = channels > 0 && n > 0;
}
