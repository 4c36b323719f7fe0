/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "rest_gate.h"

#include <math.h>
#include <string.h>

/* Share of the full forgetting weight after which the offset counts as
 * measured: 0.2 of the memory (0.6 s of estimator frames, after the ring's
 * first fill of 2 x MAX_LAG_S). */
#define MATURE_SHARE 0.2
/* The level in dB, floored LEVEL_FLOOR under its held peak (released over
 * PEAK_RELEASE_S), as the trust and the split read it. */
#define LEVEL_FLOOR 0.01f /* -40 dB */
#define PEAK_RELEASE_S 10.0

static int clampi(int x, int lo, int hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

void rest_gate_init(rest_gate *g, double frames_per_second)
{
    memset(g, 0, sizeof *g);
    const double fps = frames_per_second > 0.0 ? frames_per_second : 1.0;
    g->step = (int)ceil(fps / REST_GATE_MAX_RATE);
    g->step = g->step < 1 ? 1 : g->step;
    g->rate = fps / g->step;
    g->lags = clampi((int)lround(REST_GATE_MAX_LAG_S * g->rate), 1, (REST_GATE_LAGS - 1) / 2);
    g->rise = clampi((int)lround(REST_GATE_RISE_S * g->rate), 1, 2 * g->lags);
    const double frames = REST_GATE_MEMORY_S * g->rate;
    g->forget = frames > 1.0 ? exp(-1.0 / frames) : 0.0;
    g->mature = MATURE_SHARE / (1.0 - g->forget);
    g->peak_decay = exp(-1.0 / (PEAK_RELEASE_S * g->rate));
    g->seen_frames = (long)ceil(REST_GATE_SEEN_S * fps);
    rest_gate_reset(g, 0);
}

void rest_gate_reset(rest_gate *g, int n_sources)
{
    g->n = clampi(n_sources, 0, CAMSEP_MAX_SOURCES);
    g->frames = 0;
    g->t = 0;
    g->filled = 0;
    g->w = 0.0;
    memset(g->peak, 0, sizeof g->peak);
    memset(g->sa, 0, sizeof g->sa);
    memset(g->saa, 0, sizeof g->saa);
    memset(g->sp, 0, sizeof g->sp);
    memset(g->spp, 0, sizeof g->spp);
    memset(g->sap, 0, sizeof g->sap);
    g->offset_s = NAN;
    g->offset_corr = NAN;
    g->timely = NAN;
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

/* Source j's correlation at lag index k (0 where either does not vary). */
static float correlation(const rest_gate *g, int j, int k)
{
    const double ma = g->sa[j] / g->w, mp = g->sp[j][k] / g->w;
    const double va = g->saa[j] / g->w - ma * ma, vp = g->spp[j][k] / g->w - mp * mp;
    return va > 1e-9 && vp > 1e-9 ? (float)((g->sap[j][k] / g->w - ma * mp) / sqrt(va * vp)) : 0.0f;
}

/* The lag (estimator frames) where the sources' correlations, averaged, peak. */
static void estimate(rest_gate *g)
{
    const int L = 2 * g->lags + 1;
    float best = -2.0f, best_score = -1e9f;
    int best_k = -1;
    for (int k = 0; k < L; k++) {
        float sum = 0.0f;
        for (int j = 0; j < g->n; j++)
            sum += correlation(g, j, k);
        sum /= (float)(g->n > 0 ? g->n : 1);
        /* a camera is more likely set about right than far off: a distant peak
         * must stand out (music's own rhythm makes secondary peaks) */
        const float away = fabsf((float)((k - g->lags) / g->rate) - REST_GATE_TIMELY_CENTRE_S);
        const float score = sum - REST_GATE_LAG_PENALTY * away;
        if (score > best_score) {
            best_score = score;
            best = sum;
            best_k = k;
        }
    }
    /* against where a camera set right is measured: a late camera reads > 0 */
    const float offset = (float)((best_k - g->lags) / g->rate) - REST_GATE_TIMELY_CENTRE_S;
    if (best_k < 0 || g->w < g->mature || best < REST_GATE_MIN_CORR) {
        /* measured, but nothing follows: the gate waits (not measured yet
         * before the evidence is in) */
        g->offset_s = g->w < g->mature || best_k < 0 ? NAN : offset;
        g->offset_corr = g->w < g->mature || best_k < 0 ? NAN : best;
        g->timely = g->w < g->mature ? NAN : 0.0f;
        return;
    }
    g->offset_s = offset;
    g->offset_corr = best;
    const float off = fabsf(offset);
    g->timely = 1.0f - smoothstep01((off - REST_GATE_TIMELY_S) / (REST_GATE_UNTIMELY_S - REST_GATE_TIMELY_S));
}

void rest_gate_update(rest_gate *g, const float *p, const bool *present, const float *audio)
{
    bool all = g->n > 0;
    for (int j = 0; j < g->n; j++) {
        all = all && present[j] && isfinite(p[j]);
        if (present[j] && p[j] >= REST_GATE_P_OPEN)
            g->since_playing[j] = 0;
        else if (g->since_playing[j] <= g->seen_frames)
            g->since_playing[j]++;
    }
    if (g->frames++ % g->step != 0)
        return;
    if (!all) { /* a source without a prior: the rises would not line up; start the ring again */
        g->filled = 0;
        return;
    }
    const int R = REST_GATE_RING;
    const int t = g->t = (g->t + 1) % R;
    const int before = (t - g->rise + R) % R;
    for (int j = 0; j < g->n; j++) {
        const float a = audio[j] > 0.0f && isfinite(audio[j]) ? audio[j] : 0.0f;
        g->peak[j] = a > g->peak[j] * (float)g->peak_decay ? a : g->peak[j] * (float)g->peak_decay;
        const float floor = g->peak[j] * LEVEL_FLOOR;
        g->level[j][t] = g->peak[j] > 0.0f ? 20.0f * log10f(a > floor ? a : floor) : 0.0f;
        g->prior[j][t] = p[j];
        const float da = g->level[j][t] - g->level[j][before], dp = p[j] - g->prior[j][before];
        g->level_rise[j][t] = g->filled >= g->rise && da > 0.0f ? da : 0.0f;
        g->prior_rise[j][t] = g->filled >= g->rise && dp > 0.0f ? dp : 0.0f;
    }
    g->filled = g->filled < R ? g->filled + 1 : R;
    const int L = 2 * g->lags + 1;
    if (g->filled < L + g->rise)
        return;
    /* the level's rise at the centre c = t - D against the prior's at c + d, d = -D..D:
     * a camera late by d frames shows the centre's rise d frames on */
    const int c = (t - g->lags + R) % R;
    g->w = g->forget * g->w + 1.0;
    for (int j = 0; j < g->n; j++) {
        const double a = g->level_rise[j][c];
        g->sa[j] = g->forget * g->sa[j] + a;
        g->saa[j] = g->forget * g->saa[j] + a * a;
        for (int k = 0; k < L; k++) {
            const double q = g->prior_rise[j][(c + k - g->lags + R) % R];
            g->sp[j][k] = g->forget * g->sp[j][k] + q;
            g->spp[j][k] = g->forget * g->spp[j][k] + q * q;
            g->sap[j][k] = g->forget * g->sap[j][k] + a * q;
        }
    }
    estimate(g);
}

bool rest_gate_gains(rest_gate *g, const float *p, const bool *present, const bool *held, float depth)
{
    bool any = false;
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++) {
        g->gain[j] = 1.0f;
        if (j >= g->n || !(depth > 0.0f) || !present[j] || held[j] || !isfinite(p[j]))
            continue;
        const float rest = smoothstep01((REST_GATE_P_OPEN - p[j]) / (REST_GATE_P_OPEN - REST_GATE_P_CLOSED));
        /* players the camera has seen play lately, while it is in time (before the
         * offset is measured: on the latency setting's word) */
        const float seen = g->since_playing[j] <= g->seen_frames ? 1.0f : 0.0f;
        const float allowed = seen * (isnan(g->timely) ? 1.0f : g->timely);
        float gain = 1.0f - depth * rest * allowed;
        gain = gain > REST_GATE_FLOOR ? gain : REST_GATE_FLOOR;
        g->gain[j] = gain;
        any = any || gain < 1.0f;
    }
    return any;
}
