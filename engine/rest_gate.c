/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "rest_gate.h"

#include <math.h>
#include <string.h>

#include "dictset.h"

static int clampi(int x, int lo, int hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

void rest_gate_init(rest_gate *g, double frames_per_second)
{
    memset(g, 0, sizeof *g);
    const double fps = frames_per_second > 0.0 ? frames_per_second : 1.0;
    lag_meter_init(&g->lag, fps, REST_GATE_TIMELY_CENTRE_S, REST_GATE_MEMORY_S, REST_GATE_LAG_PENALTY);
    g->seen_frames = (long)ceil(REST_GATE_SEEN_S * fps);
    rest_gate_reset(g, NULL, 0);
}

void rest_gate_reset(rest_gate *g, const int *same_as, int n_sources)
{
    g->n = clampi(n_sources, 0, CAMSEP_MAX_SOURCES);
    g->singles = 0;
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++) {
        const bool twin = camsep_dictset_has_twin(same_as, g->n, j);
        g->twin[j] = twin;
        g->singles += j < g->n && !twin;
    }
    lag_meter_reset(&g->lag, g->singles);
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++) {
        g->since_playing[j] = g->seen_frames + 1; /* never */
        g->gain[j] = 1.0f;
    }
}

static float smoothstep01(float z)
{
    z = z > 1.0f ? 1.0f : z > 0.0f ? z : 0.0f;
    return z * z * (3.0f - 2.0f * z);
}

void rest_gate_update(rest_gate *g, const float *p, const bool *present, const float *audio)
{
    bool all = g->singles > 0;
    float level[CAMSEP_MAX_SOURCES], prior[CAMSEP_MAX_SOURCES];
    int c = 0;
    for (int j = 0; j < g->n; j++) {
        if (!g->twin[j]) {
            all = all && present[j] && isfinite(p[j]);
            level[c] = audio[j];
            prior[c++] = p[j];
        }
        if (present[j] && p[j] >= REST_GATE_P_PLAYED)
            g->since_playing[j] = 0;
        else if (g->since_playing[j] <= g->seen_frames)
            g->since_playing[j]++;
    }
    lag_meter_update(&g->lag, level, prior, all);
}

float rest_gate_timely(const rest_gate *g)
{
    const float timely = lag_meter_timely(&g->lag, REST_GATE_TIMELY_S, REST_GATE_UNTIMELY_S);
    if (isnan(timely))
        return NAN;
    /* the latency setting's word, given up as the evidence settles */
    const float settled = lag_meter_settled(&g->lag);
    return settled * timely + (1.0f - settled);
}

void rest_gate_activity(const rest_gate *g, float *activity)
{
    const float t = lag_meter_timely(&g->lag, REST_GATE_PRIOR_TIMELY_S, REST_GATE_PRIOR_UNTIMELY_S);
    if (!(t < 1.0f)) /* in time, or not measured yet */
        return;
    for (int j = 0; j < g->n; j++)
        if (!g->twin[j])
            activity[j] = 1.0f - t * (1.0f - activity[j]);
}

bool rest_gate_gains(rest_gate *g, const float *p, const bool *present, const bool *held, float depth,
                     float twins_timely)
{
    bool any = false;
    const float singles_timely = rest_gate_timely(g);
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++) {
        g->gain[j] = 1.0f;
        if (j >= g->n || !(depth > 0.0f) || !present[j] || held[j] || !isfinite(p[j]))
            continue;
        const float rest = smoothstep01((REST_GATE_P_OPEN - p[j]) / (REST_GATE_P_OPEN - REST_GATE_P_CLOSED));
        /* players the camera has seen play lately, while it is in time (before the
         * offset is measured: on the latency setting's word) */
        const float seen = g->since_playing[j] <= g->seen_frames ? 1.0f : 0.0f;
        const float timely = g->twin[j] ? twins_timely : singles_timely;
        const float allowed = seen * (isnan(timely) ? 1.0f : timely);
        float gain = 1.0f - depth * rest * allowed;
        gain = gain > REST_GATE_FLOOR ? gain : REST_GATE_FLOOR;
        g->gain[j] = gain;
        any = any || gain < 1.0f;
    }
    return any;
}
