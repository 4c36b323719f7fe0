/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "level_share.h"

#include <math.h>
#include <string.h>

#include "dictset.h"

void level_share_init(level_share *ls, double frames_per_second)
{
    memset(ls, 0, sizeof *ls);
    const double fps = frames_per_second > 0.0 ? frames_per_second : 1.0;
    ls->alpha = exp(-1.0 / (LEVEL_SHARE_MEMORY_S * fps));
    ls->evidence_frames = LEVEL_SHARE_EVIDENCE_S * fps;
    lag_meter_init(&ls->lag, fps, 0.0f, LEVEL_SHARE_LAG_MEMORY_S, LEVEL_SHARE_LAG_PENALTY);
    lag_meter_cap_rises(&ls->lag, LEVEL_SHARE_LAG_RISE_CAP);
    level_share_reset(ls, NULL, 0);
}

void level_share_reset(level_share *ls, const int *same_as, int n_sources)
{
    ls->n = n_sources < 0 ? 0 : n_sources > CAMSEP_MAX_SOURCES ? CAMSEP_MAX_SOURCES : n_sources;
    ls->singles = 0;
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++) {
        const bool twin = camsep_dictset_has_twin(same_as, ls->n, j);
        ls->twin[j] = twin;
        ls->singles += j < ls->n && !twin;
        ls->w[j] = ls->sx[j] = ls->sy[j] = ls->sxx[j] = ls->syy[j] = ls->sxy[j] = ls->counted[j] = 0.0;
        ls->corr[j] = NAN;
        ls->target[j] = 0.0f;
        ls->kappa[j] = 0.0f;
    }
    ls->active = false;
    lag_meter_reset(&ls->lag, ls->singles);
}

float level_share_timely(const level_share *ls)
{
    return lag_meter_timely(&ls->lag, LEVEL_SHARE_TIMELY_S, LEVEL_SHARE_UNTIMELY_S);
}

static float smoothstep01(float z)
{
    z = z > 1.0f ? 1.0f : z > 0.0f ? z : 0.0f;
    return z * z * (3.0f - 2.0f * z);
}

/* j's motion, taken as an observation of its playing: seen, and the camera says it plays */
static bool plays_in_sight(const float *motion, const float *activity, const bool *present, const bool *held, int j)
{
    return present[j] && !held[j] && motion[j] >= 0.0f && isfinite(motion[j]) && activity[j] >= LEVEL_SHARE_PLAYING;
}

/* The line y = a + b x through j's statistics; false while it has none. */
static bool line_of(const level_share *ls, int j, double *a, double *b, double *r)
{
    const double w = ls->w[j];
    if (!(w > 0.0))
        return false;
    const double mx = ls->sx[j] / w, my = ls->sy[j] / w;
    const double vx = ls->sxx[j] / w - mx * mx, vy = ls->syy[j] / w - my * my;
    const double cxy = ls->sxy[j] / w - mx * my;
    if (!(vx > 1e-9) || !(vy > 1e-9))
        return false;
    double slope = cxy / vx;
    slope = slope < 0.0 ? 0.0 : slope > LEVEL_SHARE_SLOPE_MAX ? LEVEL_SHARE_SLOPE_MAX : slope;
    *b = slope;
    *a = my - slope * mx;
    *r = cxy / sqrt(vx * vy);
    return true;
}

void level_share_frame(level_share *ls, const float *motion, const float *activity, const bool *present,
                       const bool *held, const float *audio, float level_scale, float strength)
{
    const float timely = level_share_timely(ls);
    const float t = isnan(timely) ? 1.0f : timely;
    const double mfloor = LEVEL_SHARE_MOTION_FLOOR, lfloor = LEVEL_SHARE_LEVEL_FLOOR * (double)level_scale;
    double pred[CAMSEP_MAX_SOURCES], total = 0.0;
    int with = 0;
    for (int j = 0; j < ls->n; j++) {
        ls->kappa[j] = 0.0f;
        ls->target[j] = 0.0f;
        double a, b, r;
        const bool seen = plays_in_sight(motion, activity, present, held, j);
        if (!line_of(ls, j, &a, &b, &r)) {
            ls->corr[j] = NAN;
            continue;
        }
        ls->corr[j] = (float)r;
        if (ls->twin[j] || !seen || !(strength > 0.0f) || !(t > 0.0f))
            continue;
        const double evidence = ls->counted[j] < ls->evidence_frames ? ls->counted[j] / ls->evidence_frames : 1.0;
        const float k = strength * t * (float)evidence *
                        smoothstep01(((float)r - LEVEL_SHARE_CORR_LO) / (LEVEL_SHARE_CORR_HI - LEVEL_SHARE_CORR_LO));
        if (!(k > 0.0f))
            continue;
        pred[j] = exp(a + b * log((double)motion[j] + mfloor));
        if (!isfinite(pred[j]))
            continue;
        ls->kappa[j] = k;
        total += pred[j];
        with++;
    }
    ls->active = with >= 2 && total > 0.0;
    for (int j = 0; j < ls->n; j++) {
        if (!ls->active)
            ls->kappa[j] = 0.0f;
        else if (ls->kappa[j] > 0.0f)
            ls->target[j] = (float)(pred[j] / total);
    }
    /* learn this frame: the lag from every single's motion, the lines from the players who play */
    float lag_level[CAMSEP_MAX_SOURCES], lag_motion[CAMSEP_MAX_SOURCES];
    bool all = ls->singles > 0;
    int c = 0;
    for (int j = 0; j < ls->n; j++) {
        if (ls->twin[j])
            continue;
        const bool ok = present[j] && !held[j] && motion[j] >= 0.0f && isfinite(motion[j]) && audio[j] >= 0.0f &&
                        isfinite(audio[j]);
        all = all && ok;
        lag_level[c] = ok ? audio[j] : 0.0f;
        lag_motion[c++] = ok ? motion[j] : 0.0f;
    }
    if (ls->singles > 0)
        lag_meter_update(&ls->lag, lag_level, lag_motion, all);
    for (int j = 0; j < ls->n; j++) {
        if (ls->twin[j] || !plays_in_sight(motion, activity, present, held, j) || !(audio[j] >= 0.0f) ||
            !isfinite(audio[j]))
            continue;
        const double x = log((double)motion[j] + mfloor), y = log((double)audio[j] + lfloor);
        if (!isfinite(x) || !isfinite(y))
            continue;
        const double al = ls->alpha;
        ls->w[j] = al * ls->w[j] + 1.0;
        ls->sx[j] = al * ls->sx[j] + x;
        ls->sy[j] = al * ls->sy[j] + y;
        ls->sxx[j] = al * ls->sxx[j] + x * x;
        ls->syy[j] = al * ls->syy[j] + y * y;
        ls->sxy[j] = al * ls->sxy[j] + x * y;
        ls->counted[j] += 1.0;
    }
}

/* j's level in the frame's solve counts for the masks' gains */
static bool heard(const level_share *ls, const float *has, int j)
{
    return ls->kappa[j] > 0.0f && has[j] > 0.0f && isfinite(has[j]);
}

bool level_share_mask_gains(const level_share *ls, const float *has, float mask_power, float *gain)
{
    if (!ls->active)
        return false;
    double total = 0.0;
    for (int j = 0; j < ls->n; j++)
        if (heard(ls, has, j))
            total += has[j];
    if (!(total > 0.0))
        return false;
    const double most = LEVEL_SHARE_GAIN_MAX, least = 1.0 / most;
    for (int j = 0; j < ls->n; j++) {
        if (!heard(ls, has, j))
            continue;
        double g = pow((double)ls->target[j] * total / (double)has[j], (double)mask_power * (double)ls->kappa[j]);
        g = g > most ? most : g < least ? least : g;
        if (isfinite(g))
            gain[j] *= (float)g;
    }
    return true;
}
