/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "group_split.h"

#include <math.h>
#include <string.h>

/* Share of the full forgetting weight after which the evidence counts fully:
 * 0.4 of the memory (2.4 s of counted frames), as prior_trust's. */
#define MATURE_SHARE 0.4
/* The loudness in dB, floored LEVEL_FLOOR_DB under the group's held peak
 * (released over PEAK_RELEASE_S): a near-silent frame (a rest, a note's
 * tail) would otherwise weigh most in the correlation. */
#define LEVEL_FLOOR_DB (-40.0)
#define PEAK_RELEASE_S 10.0
/* A camera's first moments (exposure settling, the motion statistics
 * starting from nothing, frames repeated while a stream starts) are no
 * evidence, nor is a stream's first analysis window, whose level rises as it
 * fills: the priors count from SETTLE_S after they have all arrived, and not
 * before the first window is full. */
#define SETTLE_S 0.5
/* A few frames of motion far outside what the group has shown (an occluder
 * coming in before the capture recognises it, a flash) would outweigh
 * seconds of evidence in the correlation: once a quarter of the evidence is
 * in, the motion counts at most CLIP_SD standard deviations from its mean. */
#define CLIP_SD 3.0
#define CLIP_AFTER 0.25

void group_split_init(group_split *g, double frames_per_second, int window_frames)
{
    memset(g, 0, sizeof *g);
    const double frames = GROUP_SPLIT_MEMORY_S * frames_per_second;
    g->forget = frames > 1.0 ? exp(-1.0 / frames) : 0.0;
    g->mature = MATURE_SHARE / (1.0 - g->forget);
    g->peak_decay = exp(-1.0 / (PEAK_RELEASE_S * frames_per_second));
    const int settle = (int)ceil(SETTLE_S * frames_per_second);
    g->settle = settle > window_frames ? settle : window_frames;
    lag_meter_init(&g->lag, frames_per_second, 0.0f, GROUP_SPLIT_LAG_MEMORY_S, GROUP_SPLIT_LAG_PENALTY);
    lag_meter_cap_rises(&g->lag, GROUP_SPLIT_LAG_RISE_CAP);
    group_split_reset(g, NULL, 0);
}

void group_split_reset(group_split *g, const int *same_as, int n_sources)
{
    g->n = n_sources < 0 ? 0 : (n_sources > CAMSEP_MAX_SOURCES ? CAMSEP_MAX_SOURCES : n_sources);
    memset(g->st, 0, sizeof g->st);
    memset(g->members, 0, sizeof g->members);
    memset(g->peak, 0, sizeof g->peak);
    memset(g->seen, 0, sizeof g->seen);
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++) {
        int first = same_as && j < g->n ? same_as[j] : j;
        g->group[j] = first >= 0 && first <= j ? first : j;
        g->weight[j] = 0.0f;
        g->correlation[j] = NAN;
    }
    for (int j = 0; j < g->n; j++)
        g->members[g->group[j]]++;
    int twins = 0;
    for (int j = 0; j < g->n; j++)
        twins += g->group[j] == j && g->members[j] > 1;
    lag_meter_reset(&g->lag, twins);
}

float group_split_timely(const group_split *g)
{
    /* a peak too weak to read says nothing of the lag: the correlation gate decides */
    if (g->lag.measured && !(g->lag.offset_corr >= LAG_METER_MIN_CORR))
        return 1.0f;
    return lag_meter_timely(&g->lag, GROUP_SPLIT_TIMELY_S, GROUP_SPLIT_UNTIMELY_S);
}

static float smoothstep01(float z)
{
    z = z > 1.0f ? 1.0f : z > 0.0f ? z : 0.0f;
    return z * z * (3.0f - 2.0f * z);
}

void group_split_update(group_split *g, const float *motion, const bool *present, const bool *held, const float *audio,
                        float strength)
{
    float lag_level[CAMSEP_MAX_SOURCES], lag_motion[CAMSEP_MAX_SOURCES];
    int twins = 0;
    bool lag_all = true;
    const float timely_now = group_split_timely(g); /* by the frames before this one */
    const float timely = isnan(timely_now) ? 1.0f : timely_now;
    for (int first = 0; first < g->n; first++) {
        if (g->group[first] != first || g->members[first] < 2)
            continue;
        double x = 0.0, level = 0.0;
        bool all = true, hidden = false;
        for (int j = first; j < g->n; j++)
            if (g->group[j] == first) {
                all = all && present[j] && motion[j] >= 0.0f && isfinite(motion[j]);
                hidden = hidden || (held && held[j]);
                x += motion[j];
                level += audio[j] > 0.0f ? audio[j] : 0.0f;
            }
        if (!isfinite(level))
            level = 0.0;
        g->peak[first] = fmax(level, g->peak[first] * g->peak_decay);
        g->seen[first] = all ? (g->seen[first] < g->settle ? g->seen[first] + 1 : g->settle) : 0;
        double *s = g->st[first];
        g->level_now[first] = NAN;
        if (all && g->seen[first] >= g->settle && g->peak[first] > 0.0) {
            /* the level in dB, floored LEVEL_FLOOR_DB under the held peak */
            const double floor = g->peak[first] * pow(10.0, LEVEL_FLOOR_DB / 20.0);
            const double y = 20.0 * log10(fmax(level, floor)) / -LEVEL_FLOOR_DB;
            g->level_now[first] = y;
            if (s[0] >= CLIP_AFTER * g->mature) {
                const double mean = s[1] / s[0], var = s[3] / s[0] - mean * mean;
                if (var > 0.0)
                    x = fmin(fmax(x, mean - CLIP_SD * sqrt(var)), mean + CLIP_SD * sqrt(var));
            }
            const double v[6] = {1.0, x, y, x * x, y * y, x * y};
            for (int i = 0; i < 6 && !hidden; i++) /* a held motion is the last sight, not now's */
                s[i] = g->forget * s[i] + v[i];
        }
        /* the lag from the motion as the correlation counts it (wild frames clipped) */
        lag_level[twins] = (float)level;
        lag_motion[twins++] = (float)x;
        lag_all = lag_all && all;
        float r = NAN, w = 0.0f;
        if (s[0] > 0.0) {
            const double mx = s[1] / s[0], my = s[2] / s[0];
            const double vx = s[3] / s[0] - mx * mx, vy = s[4] / s[0] - my * my;
            r = vx > 1e-12 && vy > 1e-12 ? (float)((s[5] / s[0] - mx * my) / sqrt(vx * vy)) : 0.0f;
            const double evidence = s[0] / g->mature;
            if (all)
                w = strength * timely * smoothstep01((r - GROUP_SPLIT_CORR_LO) / (GROUP_SPLIT_CORR_HI - GROUP_SPLIT_CORR_LO)) *
                    (float)(evidence < 1.0 ? evidence : 1.0);
            /* a hidden member's motion is the level's regression estimate
             * (group_split_hidden_motion()): trusted as far as the level
             * explains the group's motion, r^2 */
            if (hidden && r > 0.0f)
                w *= r * r;
        }
        for (int j = first; j < g->n; j++)
            if (g->group[j] == first) {
                g->correlation[j] = r;
                g->weight[j] = w;
            }
    }
    if (twins > 0)
        lag_meter_update(&g->lag, lag_level, lag_motion, lag_all);
}

void group_split_apply(const group_split *g, const int *atom_start, const float *motion, float *h)
{
    for (int first = 0; first < g->n; first++) {
        const float w = g->weight[first];
        if (g->group[first] != first || g->members[first] < 2 || !(w > 0.0f))
            continue;
        int member[CAMSEP_MAX_SOURCES], n = 0;
        float share[CAMSEP_MAX_SOURCES], sum = 0.0f;
        for (int j = first; j < g->n; j++)
            if (g->group[j] == first) {
                share[n] = powf(motion[j], GROUP_SPLIT_POWER);
                sum += share[n];
                member[n++] = j;
            }
        if (!(sum > 0.0f) || !isfinite(sum)) /* nobody moves: nothing to split by */
            continue;
        const int atoms = atom_start[first + 1] - atom_start[first];
        for (int k = 0; k < atoms; k++) {
            float total = 0.0f;
            for (int i = 0; i < n; i++)
                total += h[atom_start[member[i]] + k];
            for (int i = 0; i < n; i++) {
                float *x = &h[atom_start[member[i]] + k];
                *x = (1.0f - w) * *x + w * (share[i] / sum) * total;
            }
        }
    }
}

void group_split_activity(const group_split *g, float *activity)
{
    /* unlike the split's: a peak too weak to read takes the prior's word away
     * (a camera later than the lags searched shows none) */
    const float timely = lag_meter_timely(&g->lag, GROUP_SPLIT_TIMELY_S, GROUP_SPLIT_UNTIMELY_S);
    if (!(timely < 1.0f)) /* in time, or not measured yet */
        return;
    float top[CAMSEP_MAX_SOURCES];
    for (int j = 0; j < g->n; j++)
        top[j] = -INFINITY;
    for (int j = 0; j < g->n; j++)
        top[g->group[j]] = fmaxf(top[g->group[j]], activity[j]);
    for (int j = 0; j < g->n; j++)
        if (g->members[g->group[j]] > 1)
            activity[j] = timely * activity[j] + (1.0f - timely) * top[g->group[j]];
}

void group_split_hidden_motion(const group_split *g, const bool *held, float *motion)
{
    for (int first = 0; first < g->n; first++) {
        const double *s = g->st[first];
        if (g->group[first] != first || g->members[first] < 2 || isnan(g->level_now[first]) ||
            !(s[0] >= CLIP_AFTER * g->mature))
            continue;
        int hidden = 0, seen = 0;
        double in_sight = 0.0;
        for (int j = first; j < g->n; j++)
            if (g->group[j] == first) {
                hidden += held[j];
                seen += !held[j];
                in_sight += held[j] ? 0.0 : motion[j];
            }
        const double mx = s[1] / s[0], my = s[2] / s[0];
        const double vy = s[4] / s[0] - my * my, cxy = s[5] / s[0] - mx * my;
        if (hidden == 0 || seen == 0 || !(vy > 1e-12))
            continue;
        const double group = mx + cxy / vy * (g->level_now[first] - my);
        const float share = group > in_sight ? (float)((group - in_sight) / hidden) : 0.0f;
        for (int j = first; j < g->n; j++)
            if (g->group[j] == first && held[j])
                motion[j] = share;
    }
}
