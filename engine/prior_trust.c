/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "prior_trust.h"

#include <math.h>
#include <string.h>

/* Share of the full forgetting weight (memory x frame rate) after which the
 * evidence counts fully: about 0.5 memory_s of frames with sound and a prior. */
#define MATURE_SHARE 0.4
/* The audio hears a group "clearly" from AUDIBLE_HI dB under its held peak
 * up, not at all below AUDIBLE_LO; the peak is released over PEAK_RELEASE_S. */
#define AUDIBLE_LO (-12.0f)
#define AUDIBLE_HI (-3.0f)
#define PEAK_RELEASE_S 10.0
/* The evidence for trust: the audio's "sounding at all" from EVIDENCE_LO to
 * EVIDENCE_HI dB under the peak, and its "clearly playing" (AUDIBLE_LO ..
 * AUDIBLE_HI), against the group's loudest prior; a frame where the prior
 * exceeds the first or falls short of the second by more than
 * MISS_TOLERANCE is a miss (graded up to 1).
 * A mean miss rate of MISS_RATE_MAX or more over the memory: trust 0. */
#define EVIDENCE_LO (-40.0f)
#define EVIDENCE_HI (-10.0f)
#define MISS_TOLERANCE 0.25f
#define MISS_RATE_MAX 0.3f

void prior_trust_init(prior_trust *t, double frames_per_second, float memory_s)
{
    memset(t, 0, sizeof *t);
    const double frames = (double)memory_s * frames_per_second;
    t->forget = frames > 1.0 ? (float)exp(-1.0 / frames) : 0.0f;
    t->mature = (float)(MATURE_SHARE / (1.0 - (double)t->forget));
    t->peak_decay = (float)exp(-1.0 / (PEAK_RELEASE_S * frames_per_second));
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++) {
        t->group[j] = j;
        t->agreement[j] = NAN;
    }
}

void prior_trust_reset(prior_trust *t, const int *group, int n_sources)
{
    t->n = n_sources < 0 ? 0 : (n_sources > CAMSEP_MAX_SOURCES ? CAMSEP_MAX_SOURCES : n_sources);
    memset(t->st, 0, sizeof t->st);
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++) {
        int g = group && j < t->n ? group[j] : j;
        t->group[j] = g >= 0 && g <= j ? g : j;
        t->trust[j] = 0.0f;
        t->weight[j] = 0.0f;
        t->audible[j] = 0.0f;
        t->ref[j] = 0.0f;
        t->agreement[j] = NAN;
    }
}


/* 0..1: how clearly the audio hears a level, lo..hi dB under the held peak */
static float audible(float level, float ref, float lo, float hi)
{
    if (!(level > 0.0f) || !(ref > 0.0f))
        return 0.0f;
    float z = (20.0f * log10f(level / ref) - lo) / (hi - lo);
    z = z > 1.0f ? 1.0f : z > 0.0f ? z : 0.0f;
    return z * z * (3.0f - 2.0f * z);
}

void prior_trust_update(prior_trust *t, const float *p, const bool *present, const float *audio)
{
    const double a = t->forget;
    for (int g = 0; g < t->n; g++) {
        if (t->group[g] != g)
            continue;
        float cam = -1.0f, level = 0.0f;
        for (int j = g; j < t->n; j++) {
            if (t->group[j] != g)
                continue;
            level += audio[j] > 0.0f ? audio[j] : 0.0f;
            if (present[j] && p[j] > cam)
                cam = p[j];
        }
        if (!isfinite(level))
            level = 0.0f;
        t->ref[g] = level > t->ref[g] * t->peak_decay ? level : t->ref[g] * t->peak_decay;
        prior_trust_stats *s = &t->st[g];
        float clear = 0.0f;
        if (cam >= 0.0f) {
            /* evidence: a prior that says "playing" where the audio hears next
             * to nothing, or "resting" where it clearly hears the source, is
             * a miss. The two tests use different bands: a solve without
             * priors leaks other players' sound into a resting player's atoms
             * (15-20 dB down in a quartet), which must not count as playing */
            const float heard = audible(level, t->ref[g], EVIDENCE_LO, EVIDENCE_HI);
            clear = audible(level, t->ref[g], AUDIBLE_LO, AUDIBLE_HI);
            const float d = fmaxf(cam - heard, clear - cam);
            const float miss = d > MISS_TOLERANCE ? (d - MISS_TOLERANCE) / (1.0f - MISS_TOLERANCE) : 0.0f;
            s->w = a * s->w + 1.0;
            s->miss = a * s->miss + miss;
        }
        float trust = 0.0f, agreement = NAN;
        if (s->w > 0.0) {
            const float rate = (float)(s->miss / s->w);
            agreement = 1.0f - rate;
            trust = 1.0f - rate / MISS_RATE_MAX;
            trust = trust > 0.0f ? trust : 0.0f;
            const float evidence = (float)(s->w / t->mature);
            trust *= evidence < 1.0f ? evidence : 1.0f;
        }
        /* the camera says nobody in the group plays while the audio clearly
         * hears it: believe the audio, in proportion */
        const float contradiction = cam >= 0.0f && clear > cam ? clear - cam : 0.0f;
        for (int j = g; j < t->n; j++)
            if (t->group[j] == g) {
                t->trust[j] = trust;
                t->agreement[j] = agreement;
                t->audible[j] = clear;
                t->weight[j] = trust * (1.0f - contradiction);
            }
    }
}
