/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "lag_meter.h"

#include <math.h>
#include <string.h>

/* Share of the full forgetting weight after which the lag counts as measured:
 * 0.2 of the memory (0.6 s of meter frames, after the ring's first fill of
 * 2 x MAX_LAG_S). */
#define MATURE_SHARE 0.2
/* The level in dB, floored LEVEL_FLOOR under its held peak (released over
 * PEAK_RELEASE_S), as the trust and the split read it. */
#define LEVEL_FLOOR 0.01f /* -40 dB */
#define PEAK_RELEASE_S 10.0

static int clampi(int x, int lo, int hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

void lag_meter_init(lag_meter *m, double frames_per_second, float centre_s, double memory_s, float penalty)
{
    memset(m, 0, sizeof *m);
    const double fps = frames_per_second > 0.0 ? frames_per_second : 1.0;
    m->step = (int)ceil(fps / LAG_METER_MAX_RATE);
    m->step = m->step < 1 ? 1 : m->step;
    m->rate = fps / m->step;
    m->lags = clampi((int)lround(LAG_METER_MAX_LAG_S * m->rate), 1, (LAG_METER_LAGS - 1) / 2);
    m->rise = clampi((int)lround(LAG_METER_RISE_S * m->rate), 1, 2 * m->lags);
    const double frames = memory_s * m->rate;
    m->forget = frames > 1.0 ? exp(-1.0 / frames) : 0.0;
    m->mature = MATURE_SHARE / (1.0 - m->forget);
    m->peak_decay = exp(-1.0 / (PEAK_RELEASE_S * m->rate));
    m->centre_s = centre_s;
    m->penalty = penalty;
    lag_meter_reset(m, 0);
}

void lag_meter_reset(lag_meter *m, int channels)
{
    m->n = clampi(channels, 0, CAMSEP_MAX_SOURCES);
    m->frames = 0;
    m->t = 0;
    m->filled = 0;
    m->w = 0.0;
    memset(m->peak, 0, sizeof m->peak);
    memset(m->sa, 0, sizeof m->sa);
    memset(m->saa, 0, sizeof m->saa);
    memset(m->sp, 0, sizeof m->sp);
    memset(m->spp, 0, sizeof m->spp);
    memset(m->sap, 0, sizeof m->sap);
    memset(m->sq, 0, sizeof m->sq);
    m->sq_w = 0.0;
    m->measured = false;
    m->offset_s = NAN;
    m->offset_corr = NAN;
}

void lag_meter_cap_rises(lag_meter *m, float cap)
{
    m->rise_cap = cap > 0.0f ? cap : 0.0f;
}

/* Channel c's signal rise dp (> 0), capped (see lag_meter_cap_rises). */
static float capped_rise(lag_meter *m, int c, float dp)
{
    if (!(m->rise_cap > 0.0f))
        return dp;
    if (m->sq_w >= 0.25 * m->mature) {
        const float cap = m->rise_cap * (float)sqrt(m->sq[c] / m->sq_w);
        dp = dp < cap ? dp : cap;
    }
    m->sq[c] = m->forget * m->sq[c] + (double)dp * dp;
    return dp;
}

/* Channel c's correlation at lag index k (0 where either does not vary). */
static float correlation(const lag_meter *m, int c, int k)
{
    const double ma = m->sa[c] / m->w, mp = m->sp[c][k] / m->w;
    const double va = m->saa[c] / m->w - ma * ma, vp = m->spp[c][k] / m->w - mp * mp;
    return va > 1e-9 && vp > 1e-9 ? (float)((m->sap[c][k] / m->w - ma * mp) / sqrt(va * vp)) : 0.0f;
}

/* The lag (meter frames) where the channels' correlations, averaged, peak. */
static void estimate(lag_meter *m)
{
    const int L = 2 * m->lags + 1;
    float best = -2.0f, best_score = -1e9f;
    int best_k = -1;
    for (int k = 0; k < L; k++) {
        float sum = 0.0f;
        for (int c = 0; c < m->n; c++)
            sum += correlation(m, c, k);
        sum /= (float)(m->n > 0 ? m->n : 1);
        const float away = fabsf((float)((k - m->lags) / m->rate) - m->centre_s);
        const float score = sum - m->penalty * away;
        if (score > best_score) {
            best_score = score;
            best = sum;
            best_k = k;
        }
    }
    m->measured = best_k >= 0 && m->w >= m->mature;
    m->offset_s = m->measured ? (float)((best_k - m->lags) / m->rate) - m->centre_s : NAN;
    m->offset_corr = m->measured ? best : NAN;
}

void lag_meter_update(lag_meter *m, const float *level, const float *signal, bool all)
{
    if (m->frames++ % m->step != 0)
        return;
    if (!all || m->n == 0) { /* a channel without its signal: the rises would not line up */
        m->filled = 0;
        return;
    }
    const int R = LAG_METER_RING;
    const int t = m->t = (m->t + 1) % R;
    const int before = (t - m->rise + R) % R;
    for (int c = 0; c < m->n; c++) {
        const float a = level[c] > 0.0f && isfinite(level[c]) ? level[c] : 0.0f;
        m->peak[c] = a > m->peak[c] * (float)m->peak_decay ? a : m->peak[c] * (float)m->peak_decay;
        const float floor = m->peak[c] * LEVEL_FLOOR;
        m->level[c][t] = m->peak[c] > 0.0f ? 20.0f * log10f(a > floor ? a : floor) : 0.0f;
        m->signal[c][t] = signal[c];
        const float da = m->level[c][t] - m->level[c][before], dp = signal[c] - m->signal[c][before];
        m->level_rise[c][t] = m->filled >= m->rise && da > 0.0f ? da : 0.0f;
        m->signal_rise[c][t] = m->filled >= m->rise ? capped_rise(m, c, dp > 0.0f ? dp : 0.0f) : 0.0f;
    }
    if (m->rise_cap > 0.0f && m->filled >= m->rise)
        m->sq_w = m->forget * m->sq_w + 1.0;
    m->filled = m->filled < R ? m->filled + 1 : R;
    const int L = 2 * m->lags + 1;
    if (m->filled < L + m->rise)
        return;
    /* the level's rise at the centre c = t - D against the signal's at c + d, d = -D..D:
     * a camera late by d frames shows the centre's rise d frames on */
    const int centre = (t - m->lags + R) % R;
    m->w = m->forget * m->w + 1.0;
    for (int c = 0; c < m->n; c++) {
        const double a = m->level_rise[c][centre];
        m->sa[c] = m->forget * m->sa[c] + a;
        m->saa[c] = m->forget * m->saa[c] + a * a;
        for (int k = 0; k < L; k++) {
            const double q = m->signal_rise[c][(centre + k - m->lags + R) % R];
            m->sp[c][k] = m->forget * m->sp[c][k] + q;
            m->spp[c][k] = m->forget * m->spp[c][k] + q * q;
            m->sap[c][k] = m->forget * m->sap[c][k] + a * q;
        }
    }
    estimate(m);
}

static float smoothstep01(float z)
{
    z = z > 1.0f ? 1.0f : z > 0.0f ? z : 0.0f;
    return z * z * (3.0f - 2.0f * z);
}

float lag_meter_timely(const lag_meter *m, float full, float none)
{
    if (!m->measured)
        return NAN;
    if (!(m->offset_corr >= LAG_METER_MIN_CORR))
        return 0.0f;
    return 1.0f - smoothstep01((fabsf(m->offset_s) - full) / (none - full));
}

float lag_meter_settled(const lag_meter *m)
{
    if (!m->measured)
        return NAN;
    const double s = (m->w / m->mature - 1.0) / (LAG_METER_SETTLED - 1.0);
    return (float)(s < 1.0 ? s : 1.0);
}
