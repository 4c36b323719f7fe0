/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Box-to-stem association: see box_association.h for the method and the rule. */
#include "box_association.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EFFECTIVE_SAMPLE_S 0.5f /* rule "evidence": one independent sample per half second */
#define MUSIC_SHARE 0.01f       /* a bin has music above this share of the 95th percentile */
#define MOVING_SHARE 0.2f       /* a box moves above this share of its own 95th percentile... */
#define MOVING_FLOOR 0.05f      /* ... and above this absolute value (normalised motion) */
#define MAX_BINS (1 << 20)
#define SURROGATES 24           /* circular shifts of the motion for the null margins */
#define CAMSEP_ASSOC_MAX_LAG_BINS 64

struct camsep_box_assoc {
    camsep_assoc_config cfg;
    int cap;           /* bins in the ring */
    int max_lag;       /* bins */
    int64_t head;      /* newest bin index; valid when started */
    int started;
    /* ring, cap bins each */
    float *motion_sum; /* [bin][box] */
    int *motion_n;     /* [bin][box] */
    float *act_sum;    /* [bin][stem] */
    int *act_n;        /* [bin] */
    float *misfit_sum; /* [bin] */
    int *misfit_n;     /* [bin] */
    /* compute() scratch, oldest bin first */
    float *box_feat;   /* [t][box], NAN = no value */
    float *stem_feat;  /* [t][stem], NAN = no value */
    float *motion_mean;/* [t][box] */
    float *act_total;  /* [t] */
    float *weight;     /* [t]: how much the stems' values at t count (their separation's fit) */
    float *sort_buf;   /* [t] */
    float *shifted;    /* [t][box]: box_feat shifted in time, for the null margins */
    double *run_sum;   /* [t + 1] running sums for the detrending */
    int *run_n;        /* [t + 1] */
};

static const char *const FEATURE_NAMES[] = {"log-activation", "activation", "onsets", "coverage"};

const char *camsep_assoc_feature_name(camsep_assoc_feature f)
{
    return (unsigned)f < sizeof FEATURE_NAMES / sizeof FEATURE_NAMES[0] ? FEATURE_NAMES[f] : "?";
}

int camsep_assoc_feature_parse(const char *name)
{
    for (int i = 0; i < (int)(sizeof FEATURE_NAMES / sizeof FEATURE_NAMES[0]); i++)
        if (name && !strcmp(name, FEATURE_NAMES[i]))
            return i;
    return -1;
}

void camsep_assoc_config_default(camsep_assoc_config *cfg, int n_boxes, int n_stems)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->n_boxes = n_boxes;
    cfg->n_stems = n_stems;
    for (int j = 0; j < CAMSEP_ASSOC_MAX; j++)
        cfg->stem_class[j] = j;
    cfg->bin_s = 0.1;
    cfg->history_s = 60.0;
    cfg->max_lag_s = 0.2;
    cfg->feature = CAMSEP_ASSOC_LOG_ACTIVATION;
    cfg->relative = 1;
    cfg->detrend_s = 2.5;
    cfg->misfit_weight = 1.0;
    cfg->min_evidence_s = 4.0f;
    cfg->min_confidence = 3.5f;
    cfg->long_evidence_s = 12.0f;
    cfg->long_min_confidence = 1.9f;
    cfg->min_correlation = 0.1f;
}

static int check_config(const camsep_assoc_config *c, char *err, size_t errlen)
{
    if (c->n_boxes < 1 || c->n_boxes > CAMSEP_ASSOC_MAX)
        snprintf(err, errlen, "%d boxes; 1 to %d are supported", c->n_boxes, CAMSEP_ASSOC_MAX);
    else if (c->n_stems < c->n_boxes || c->n_stems > CAMSEP_ASSOC_MAX)
        snprintf(err, errlen, "%d stems for %d boxes; %d to %d are supported", c->n_stems, c->n_boxes, c->n_boxes,
                 CAMSEP_ASSOC_MAX);
    else if (!(c->bin_s >= 0.001 && c->bin_s <= 10.0))
        snprintf(err, errlen, "time step %g s; 0.001 to 10 s are supported", c->bin_s);
    else if (!(c->history_s >= c->bin_s * 4 && c->history_s / c->bin_s <= MAX_BINS))
        snprintf(err, errlen, "history %g s: at least 4 time steps and at most %d", c->history_s, MAX_BINS);
    else if (!(c->max_lag_s >= 0.0 && c->max_lag_s <= c->history_s / 4 &&
               c->max_lag_s / c->bin_s <= CAMSEP_ASSOC_MAX_LAG_BINS))
        snprintf(err, errlen, "lag search %g s: 0 to a quarter of the history and %d time steps", c->max_lag_s,
                 CAMSEP_ASSOC_MAX_LAG_BINS);
    else if (!(c->detrend_s >= 0.0 && c->detrend_s <= 3600.0))
        snprintf(err, errlen, "detrending over %g s: 0 (off) to 3600 s", c->detrend_s);
    else if (!(c->misfit_weight >= 0.0 && c->misfit_weight <= 8.0))
        snprintf(err, errlen, "misfit weight %g: 0 (off) to 8", c->misfit_weight);
    else if ((unsigned)c->feature > CAMSEP_ASSOC_COVERAGE)
        snprintf(err, errlen, "unknown feature %d", (int)c->feature);
    else if ((unsigned)c->rule > CAMSEP_ASSOC_RULE_EVIDENCE)
        snprintf(err, errlen, "unknown confidence rule %d", (int)c->rule);
    else if (!(c->min_evidence_s >= 0.0f) || !(c->min_confidence >= 0.0f) || !(c->long_evidence_s >= 0.0f) ||
             !(c->long_min_confidence >= 0.0f) || !(c->min_correlation >= -1.0f && c->min_correlation <= 1.0f))
        snprintf(err, errlen, "thresholds: evidence and confidence >= 0, correlation -1..1");
    else {
        for (int j = 0; j < c->n_stems; j++)
            if (c->stem_class[j] < 0 || c->stem_class[j] >= CAMSEP_ASSOC_MAX) {
                snprintf(err, errlen, "stem %d: class %d is not 0..%d", j + 1, c->stem_class[j], CAMSEP_ASSOC_MAX - 1);
                return -1;
            }
        return 0;
    }
    return -1;
}

camsep_box_assoc *camsep_box_assoc_create(const camsep_assoc_config *cfg, char *err, size_t errlen)
{
    if (!cfg || check_config(cfg, err, errlen))
        return NULL;
    camsep_box_assoc *a = calloc(1, sizeof *a);
    if (!a) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    a->cfg = *cfg;
    a->cap = (int)ceil(cfg->history_s / cfg->bin_s);
    a->max_lag = (int)floor(cfg->max_lag_s / cfg->bin_s + 1e-9);
    const size_t cap = (size_t)a->cap, nb = (size_t)cfg->n_boxes, ns = (size_t)cfg->n_stems;
    a->motion_sum = calloc(cap * nb, sizeof(float));
    a->motion_n = calloc(cap * nb, sizeof(int));
    a->act_sum = calloc(cap * ns, sizeof(float));
    a->act_n = calloc(cap, sizeof(int));
    a->misfit_sum = calloc(cap, sizeof(float));
    a->misfit_n = calloc(cap, sizeof(int));
    a->box_feat = calloc(cap * nb, sizeof(float));
    a->stem_feat = calloc(cap * ns, sizeof(float));
    a->motion_mean = calloc(cap * nb, sizeof(float));
    a->act_total = calloc(cap, sizeof(float));
    a->weight = calloc(cap, sizeof(float));
    a->sort_buf = calloc(cap, sizeof(float));
    a->shifted = calloc(cap * nb, sizeof(float));
    a->run_sum = calloc(cap + 1, sizeof(double));
    a->run_n = calloc(cap + 1, sizeof(int));
    if (!a->motion_sum || !a->motion_n || !a->act_sum || !a->act_n || !a->misfit_sum || !a->misfit_n ||
        !a->box_feat || !a->stem_feat || !a->motion_mean || !a->act_total || !a->weight || !a->sort_buf ||
        !a->shifted || !a->run_sum || !a->run_n) {
        camsep_box_assoc_free(a);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    return a;
}

void camsep_box_assoc_free(camsep_box_assoc *a)
{
    if (!a)
        return;
    free(a->motion_sum);
    free(a->motion_n);
    free(a->act_sum);
    free(a->act_n);
    free(a->misfit_sum);
    free(a->misfit_n);
    free(a->box_feat);
    free(a->stem_feat);
    free(a->motion_mean);
    free(a->act_total);
    free(a->weight);
    free(a->sort_buf);
    free(a->shifted);
    free(a->run_sum);
    free(a->run_n);
    free(a);
}

static void clear_bin(camsep_box_assoc *a, int slot)
{
    const int nb = a->cfg.n_boxes, ns = a->cfg.n_stems;
    memset(a->motion_sum + (size_t)slot * nb, 0, sizeof(float) * (size_t)nb);
    memset(a->motion_n + (size_t)slot * nb, 0, sizeof(int) * (size_t)nb);
    memset(a->act_sum + (size_t)slot * ns, 0, sizeof(float) * (size_t)ns);
    a->act_n[slot] = 0;
    a->misfit_sum[slot] = 0.0f;
    a->misfit_n[slot] = 0;
}

void camsep_box_assoc_reset(camsep_box_assoc *a)
{
    a->started = 0;
}

static int slot_of(const camsep_box_assoc *a, int64_t bin)
{
    int64_t s = bin % a->cap;
    return (int)(s < 0 ? s + a->cap : s);
}

/* The ring slot of time t, advancing (and clearing) the ring as needed; -1
 * when t is older than the history or not a time. */
static int bin_slot(camsep_box_assoc *a, double t)
{
    if (!isfinite(t))
        return -1;
    const double b = floor(t / a->cfg.bin_s);
    if (fabs(b) > 4e18)
        return -1;
    const int64_t bin = (int64_t)b;
    if (!a->started) {
        for (int s = 0; s < a->cap; s++)
            clear_bin(a, s);
        a->head = bin;
        a->started = 1;
    } else if (bin > a->head) {
        const int64_t n = bin - a->head < a->cap ? bin - a->head : a->cap;
        for (int64_t k = bin - n + 1; k <= bin; k++)
            clear_bin(a, slot_of(a, k));
        a->head = bin;
    } else if (bin <= a->head - a->cap) {
        return -1;
    }
    return slot_of(a, bin);
}

void camsep_box_assoc_add_motion(camsep_box_assoc *a, double time_s, const float *motion)
{
    const int s = bin_slot(a, time_s);
    if (s < 0)
        return;
    const int nb = a->cfg.n_boxes;
    for (int i = 0; i < nb; i++)
        if (isfinite(motion[i]) && motion[i] >= 0.0f) {
            a->motion_sum[(size_t)s * nb + i] += motion[i];
            a->motion_n[(size_t)s * nb + i]++;
        }
}

void camsep_box_assoc_add_activation(camsep_box_assoc *a, double time_s, const float *activation, float misfit)
{
    const int ns = a->cfg.n_stems;
    for (int j = 0; j < ns; j++)
        if (!isfinite(activation[j]) || activation[j] < 0.0f)
            return;
    const int s = bin_slot(a, time_s);
    if (s < 0)
        return;
    for (int j = 0; j < ns; j++)
        a->act_sum[(size_t)s * ns + j] += activation[j];
    a->act_n[s]++;
    if (isfinite(misfit) && misfit >= 0.0f) {
        a->misfit_sum[s] += misfit;
        a->misfit_n[s]++;
    }
}

/* ---------------------------------------------------------------- statistics */

/* The q-quantile (0..1) of the finite values x[0], x[stride], ... (n of
 * them), by quickselect on buf; 0 when there are none. */
static float quantile(const float *x, int n, int stride, float q, float *buf)
{
    int m = 0;
    for (int t = 0; t < n; t++)
        if (isfinite(x[(size_t)t * stride]))
            buf[m++] = x[(size_t)t * stride];
    if (!m)
        return 0.0f;
    int k = (int)floorf(q * (float)(m - 1) + 0.5f), lo = 0, hi = m - 1;
    while (lo < hi) {
        const float pivot = buf[(lo + hi) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (buf[i] < pivot)
                i++;
            while (buf[j] > pivot)
                j--;
            if (i <= j) {
                float tmp = buf[i];
                buf[i++] = buf[j];
                buf[j--] = tmp;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return buf[k];
}

/* Each of the n series x[t*n + i] standardised over time, then (n >= 2) the
 * mean over the series at each instant subtracted: what one player does that
 * the others do not (a chorale's players breathe and change notes together). */
static void relative_to_others(float *x, int n, int bins)
{
    for (int i = 0; i < n; i++) {
        double sum = 0.0, sq = 0.0;
        int m = 0;
        for (int t = 0; t < bins; t++) {
            const float v = x[(size_t)t * n + i];
            if (isfinite(v)) {
                sum += v;
                sq += (double)v * v;
                m++;
            }
        }
        const double mean = m ? sum / m : 0.0, var = m ? sq / m - mean * mean : 0.0;
        const double inv = var > 1e-20 ? 1.0 / sqrt(var) : 0.0;
        for (int t = 0; t < bins; t++)
            x[(size_t)t * n + i] = (float)((x[(size_t)t * n + i] - mean) * inv);
    }
    if (n < 2)
        return;
    for (int t = 0; t < bins; t++) {
        float *row = x + (size_t)t * n, mean = 0.0f;
        int m = 0;
        for (int i = 0; i < n; i++)
            if (isfinite(row[i])) {
                mean += row[i];
                m++;
            }
        if (m < n) { /* someone not seen: this instant compares nobody */
            for (int i = 0; i < n; i++)
                row[i] = NAN;
            continue;
        }
        mean /= (float)m;
        for (int i = 0; i < n; i++)
            row[i] -= mean;
    }
}

/* How box i's feature (box: [t][box]) goes with stem j's, the stem taken at
 * t - lag, each instant weighted by a->weight: the Pearson correlation, or
 * for the coverage feature 1 - 2 x the share of the stem's sound heard while
 * the box is still (1: it only sounds while the box moves). */
static float pair_score(const camsep_box_assoc *a, const float *box, int i, int j, int lag)
{
    const int nb = a->cfg.n_boxes, ns = a->cfg.n_stems, coverage = a->cfg.feature == CAMSEP_ASSOC_COVERAGE;
    /* plain sums: the series are standardised or bounded, so they cancel little */
    double sw = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    int m = 0;
    for (int t = lag > 0 ? lag : 0; t < a->cap && t - lag < a->cap; t++) {
        const double u = box[(size_t)t * nb + i], v = a->stem_feat[(size_t)(t - lag) * ns + j];
        if (!isfinite(u) || !isfinite(v))
            continue;
        const double w = a->weight[t - lag];
        m++;
        sw += w;
        sx += w * u;
        sy += w * v;
        sxx += w * u * u;
        syy += w * v * v;
        sxy += w * u * v;
    }
    if (coverage)
        return sy > 1e-12 ? (float)(1.0 - 2.0 * sxy / sy) : 0.0f;
    if (m < 3 || !(sw > 0.0))
        return 0.0f;
    const double cxx = sxx - sx * sx / sw, cyy = syy - sy * sy / sw, cxy = sxy - sx * sy / sw;
    if (cxx <= 1e-12 * (sxx + 1e-300) || cyy <= 1e-12 * (syy + 1e-300))
        return 0.0f;
    return (float)(cxy / sqrt(cxx * cyy));
}

/* Each of the n series x[t*n + i] minus its mean over the bins within
 * half_width of t (the finite ones; NaN stays NaN). */
static void detrend(camsep_box_assoc *a, float *x, int n, int bins, int half_width)
{
    for (int i = 0; i < n; i++) {
        a->run_sum[0] = 0.0;
        a->run_n[0] = 0;
        for (int t = 0; t < bins; t++) {
            const float v = x[(size_t)t * n + i];
            a->run_sum[t + 1] = a->run_sum[t] + (isfinite(v) ? v : 0.0);
            a->run_n[t + 1] = a->run_n[t] + (isfinite(v) ? 1 : 0);
        }
        for (int t = 0; t < bins; t++) {
            const int lo = t - half_width < 0 ? 0 : t - half_width;
            const int hi = t + half_width + 1 > bins ? bins : t + half_width + 1;
            const int m = a->run_n[hi] - a->run_n[lo];
            float *v = x + (size_t)t * n + i;
            if (isfinite(*v) && m > 0)
                *v -= (float)((a->run_sum[hi] - a->run_sum[lo]) / m);
        }
    }
}

/* The weights from the misfits in a->weight: a bin fitted worse than the
 * median bin with music counts (median / misfit)^misfit_weight, the others
 * (and bins without a misfit) 1. */
static void misfit_weights(camsep_box_assoc *a)
{
    const int n = a->cap;
    const double power = a->cfg.misfit_weight;
    int m = 0;
    for (int t = 0; t < n; t++)
        if (isfinite(a->weight[t]) && a->act_total[t] > 0.0f)
            a->sort_buf[m++] = a->weight[t];
    const float median = quantile(a->sort_buf, m, 1, 0.5f, a->sort_buf); /* in place: it only moves values left */
    for (int t = 0; t < n; t++) {
        const float f = a->weight[t];
        a->weight[t] = power > 0.0 && isfinite(f) && f > median ? (float)pow(median / f, power) : 1.0f;
    }
}

/* Fills box_feat, stem_feat, motion_mean, act_total and weight for the ring's bins,
 * oldest first. */
static void build_features(camsep_box_assoc *a)
{
    const int nb = a->cfg.n_boxes, ns = a->cfg.n_stems, n = a->cap;
    for (int t = 0; t < n; t++) {
        const int s = slot_of(a, a->head - n + 1 + t);
        for (int i = 0; i < nb; i++) {
            const int c = a->motion_n[(size_t)s * nb + i];
            a->motion_mean[(size_t)t * nb + i] = c ? a->motion_sum[(size_t)s * nb + i] / (float)c : NAN;
        }
        double total = 0.0;
        for (int j = 0; j < ns; j++) {
            const float v = a->act_n[s] ? a->act_sum[(size_t)s * ns + j] / (float)a->act_n[s] : NAN;
            a->stem_feat[(size_t)t * ns + j] = v;
            total += v;
        }
        a->act_total[t] = (float)total;
        a->weight[t] = a->misfit_n[s] ? a->misfit_sum[s] / (float)a->misfit_n[s] : NAN; /* the misfit for now */
    }
    misfit_weights(a);
    for (int j = 0; j < ns; j++) {
        float *f = a->stem_feat + j;
        const float p95 = quantile(f, n, ns, 0.95f, a->sort_buf);
        const float scale = p95 > 0.0f ? p95 : 1.0f, floor_ = 0.01f * scale + 1e-20f;
        float prev = NAN;
        for (int t = 0; t < n; t++) {
            float *v = f + (size_t)t * ns;
            if (!isfinite(*v))
                continue;
            if (a->cfg.feature == CAMSEP_ASSOC_ACTIVATION) {
                *v /= scale;
            } else if (a->cfg.feature == CAMSEP_ASSOC_COVERAGE) {
                *v = fminf(*v / scale, 1.0f);
            } else {
                const float l = logf(*v + floor_);
                *v = a->cfg.feature == CAMSEP_ASSOC_ONSETS ? (isfinite(prev) && l > prev ? l - prev : 0.0f) : l;
                prev = l;
            }
        }
    }
    for (int i = 0; i < nb; i++) {
        float prev = NAN;
        const float p95 = quantile(a->motion_mean + i, n, nb, 0.95f, a->sort_buf), scale = p95 > 0.0f ? p95 : 1.0f;
        for (int t = 0; t < n; t++) {
            const float m = a->motion_mean[(size_t)t * nb + i];
            float *v = a->box_feat + (size_t)t * nb + i;
            if (a->cfg.feature == CAMSEP_ASSOC_ONSETS)
                *v = isfinite(m) ? (isfinite(prev) && m > prev ? m - prev : 0.0f) : NAN;
            else if (a->cfg.feature == CAMSEP_ASSOC_COVERAGE)
                *v = 1.0f - fminf(m / scale, 1.0f); /* stillness; NaN stays NaN */
            else
                *v = m;
            if (isfinite(m))
                prev = m;
        }
    }
    if (a->cfg.relative && nb == ns && a->cfg.feature != CAMSEP_ASSOC_COVERAGE) { /* with boxes for only some stems the two means differ in kind */
        relative_to_others(a->box_feat, nb, n);
        relative_to_others(a->stem_feat, ns, n);
    }
    const int half_width = (int)floor(a->cfg.detrend_s / a->cfg.bin_s / 2.0 + 1e-9);
    if (half_width > 0 && a->cfg.feature != CAMSEP_ASSOC_COVERAGE) {
        detrend(a, a->box_feat, nb, n, half_width);
        detrend(a, a->stem_feat, ns, n, half_width);
    }
}

/* Seconds of bins with music while some box moves, the motion taken lag bins later. */
static float evidence_seconds(camsep_box_assoc *a, int lag)
{
    const int nb = a->cfg.n_boxes, n = a->cap;
    const float music = MUSIC_SHARE * quantile(a->act_total, n, 1, 0.95f, a->sort_buf);
    float moving[CAMSEP_ASSOC_MAX];
    for (int i = 0; i < nb; i++) {
        const float p95 = quantile(a->motion_mean + i, n, nb, 0.95f, a->sort_buf);
        moving[i] = fmaxf(MOVING_SHARE * p95, MOVING_FLOOR);
    }
    int bins = 0;
    for (int t = lag > 0 ? lag : 0; t < n && t - lag < n; t++) {
        const float tot = a->act_total[t - lag];
        if (!(tot > music))
            continue;
        for (int i = 0; i < nb; i++)
            if (a->motion_mean[(size_t)t * nb + i] > moving[i]) {
                bins++;
                break;
            }
    }
    return (float)(bins * a->cfg.bin_s);
}

/* ---------------------------------------------------------------- pairings */

typedef struct pairing_search {
    int n_boxes, n_classes;
    int class_stems[CAMSEP_ASSOC_MAX][CAMSEP_ASSOC_MAX]; /* the stems of each class, in order */
    int class_size[CAMSEP_ASSOC_MAX];
    const float (*corr)[CAMSEP_ASSOC_MAX];
    int used[CAMSEP_ASSOC_MAX], current[CAMSEP_ASSOC_MAX];
    int best[CAMSEP_ASSOC_MAX], second[CAMSEP_ASSOC_MAX];
    double best_score, second_score;
    double bound[CAMSEP_ASSOC_MAX + 1]; /* [box]: the most boxes box.. can add (their best stems) */
    int several;                        /* more than one pairing is possible */
} pairing_search;

/* Every box-to-class map (boxes of one class take its stems in box order, so
 * that pairings differing only by interchangeable stems are enumerated once),
 * keeping the best two; branches that cannot reach the second are cut. */
static void search(pairing_search *ps, int box, double score)
{
    if (score + ps->bound[box] < ps->second_score - 1e-6)
        return;
    if (box == ps->n_boxes) {
        if (score > ps->best_score) {
            memcpy(ps->second, ps->best, sizeof ps->best);
            ps->second_score = ps->best_score;
            memcpy(ps->best, ps->current, sizeof ps->best);
            ps->best_score = score;
        } else if (score > ps->second_score) {
            memcpy(ps->second, ps->current, sizeof ps->second);
            ps->second_score = score;
        }
        return;
    }
    for (int c = 0; c < ps->n_classes; c++) {
        if (ps->used[c] == ps->class_size[c])
            continue;
        const int stem = ps->class_stems[c][ps->used[c]++];
        ps->current[box] = stem;
        search(ps, box + 1, score + ps->corr[box][stem]);
        ps->used[c]--;
    }
}

static void init_search(pairing_search *ps, const camsep_assoc_config *cfg, const float (*corr)[CAMSEP_ASSOC_MAX])
{
    memset(ps, 0, sizeof *ps);
    ps->n_boxes = cfg->n_boxes;
    ps->corr = corr;
    int class_index[CAMSEP_ASSOC_MAX];
    for (int c = 0; c < CAMSEP_ASSOC_MAX; c++)
        class_index[c] = -1;
    for (int j = 0; j < cfg->n_stems; j++) {
        int *ci = &class_index[cfg->stem_class[j]];
        if (*ci < 0)
            *ci = ps->n_classes++;
        ps->class_stems[*ci][ps->class_size[*ci]++] = j;
    }
    ps->several = ps->n_classes > 1;
    ps->best_score = ps->second_score = -INFINITY;
    for (int i = 0; i < CAMSEP_ASSOC_MAX; i++)
        ps->best[i] = ps->second[i] = -1;
    for (int i = cfg->n_boxes - 1; i >= 0; i--) {
        float top = corr[i][0];
        for (int j = 1; j < cfg->n_stems; j++)
            top = fmaxf(top, corr[i][j]);
        ps->bound[i] = ps->bound[i + 1] + top;
    }
}

/* The best pairing of box (features [t][box]) with the stems, at its best
 * lag, and the best pairing that differs from it at that same lag. */
typedef struct decision {
    pairing_search ps;
    int lag; /* bins */
    float corr[CAMSEP_ASSOC_MAX][CAMSEP_ASSOC_MAX];
} decision;

static void decide(const camsep_box_assoc *a, const float *box, decision *d)
{
    const int nb = a->cfg.n_boxes, ns = a->cfg.n_stems;
    memset(d, 0, sizeof *d);
    for (int l = 0; l <= 2 * a->max_lag; l++) {
        /* 0, -1, +1, -2, ...: ties go to the smaller lag (no evidence of a latency is no latency) */
        const int lag = (l + 1) / 2 * (l % 2 ? -1 : 1);
        float corr[CAMSEP_ASSOC_MAX][CAMSEP_ASSOC_MAX] = {{0}};
        for (int i = 0; i < nb; i++)
            for (int j = 0; j < ns; j++)
                corr[i][j] = pair_score(a, box, i, j, lag);
        pairing_search ps;
        init_search(&ps, &a->cfg, (const float (*)[CAMSEP_ASSOC_MAX])corr);
        search(&ps, 0, 0.0);
        if (l == 0 || ps.best_score > d->ps.best_score + 1e-9) {
            d->ps = ps;
            d->ps.corr = NULL; /* points into this loop's stack */
            d->lag = lag;
            memcpy(d->corr, corr, sizeof corr);
        }
    }
}

/* The root mean square of the margins the same decision finds with the
 * boxes' motion shifted circularly in time (SURROGATES shifts between a
 * quarter and three quarters of the span with data): how far ahead some
 * pairing gets when nobody's motion goes with anybody's sound. The selection
 * over every pairing and lag, and the dependence of the relative series, are
 * in it as they are in the real margin. */
static float null_margin(camsep_box_assoc *a)
{
    const int nb = a->cfg.n_boxes, ns = a->cfg.n_stems;
    int first = -1, last = -1;
    for (int t = 0; t < a->cap; t++)
        if (isfinite(a->box_feat[(size_t)t * nb]) && isfinite(a->stem_feat[(size_t)t * ns])) {
            if (first < 0)
                first = t;
            last = t;
        }
    const int span = last - first + 1;
    if (first < 0 || span < 8)
        return 1.0f;
    double sq = 0.0;
    memcpy(a->shifted, a->box_feat, sizeof(float) * (size_t)a->cap * (size_t)nb); /* outside the span: as it is */
    for (int k = 0; k < SURROGATES; k++) {
        const int shift = span / 4 + (int)((long)k * (span / 2) / SURROGATES);
        for (int t = 0; t < span; t++)
            memcpy(a->shifted + (size_t)(first + t) * nb, a->box_feat + (size_t)(first + (t + shift) % span) * nb,
                   sizeof(float) * (size_t)nb);
        decision d;
        decide(a, a->shifted, &d);
        const double m = d.ps.several ? d.ps.best_score - d.ps.second_score : 0.0;
        sq += m * m;
    }
    return (float)sqrt(sq / SURROGATES);
}

int camsep_box_assoc_compute(camsep_box_assoc *a, camsep_assoc_result *out)
{
    memset(out, 0, sizeof *out);
    const camsep_assoc_config *cfg = &a->cfg;
    out->n_boxes = cfg->n_boxes;
    out->n_stems = cfg->n_stems;
    for (int i = 0; i < CAMSEP_ASSOC_MAX; i++)
        out->stem_of_box[i] = out->runner_up[i] = -1;
    if (!a->started) {
        out->reason = "no motion or activation has been added";
        return -1;
    }
    build_features(a);
    decision d;
    decide(a, a->box_feat, &d);
    const pairing_search *best_ps = &d.ps;
    const int best_lag = d.lag;
    memcpy(out->corr, d.corr, sizeof d.corr);
    memcpy(out->stem_of_box, best_ps->best, sizeof out->stem_of_box);
    out->lag_s = (float)(best_lag * cfg->bin_s);
    out->score = (float)(best_ps->best_score / cfg->n_boxes);
    out->evidence_s = evidence_seconds(a, best_lag);
    if (!best_ps->several) { /* one pairing only: nothing to decide */
        out->forced = out->confident = 1;
        out->reason = "";
        return 0;
    }
    memcpy(out->runner_up, best_ps->second, sizeof out->runner_up);
    out->margin = (float)(best_ps->best_score - best_ps->second_score);
    if (cfg->rule == CAMSEP_ASSOC_RULE_EVIDENCE) {
        int moved = 0; /* boxes the two pairings place differently */
        for (int i = 0; i < cfg->n_boxes; i++)
            moved += cfg->stem_class[best_ps->best[i]] != cfg->stem_class[best_ps->second[i]];
        const float k2 = 2.0f * (float)(moved > 0 ? moved : 1);
        out->noise = sqrtf(EFFECTIVE_SAMPLE_S / fmaxf(out->evidence_s, 1e-3f)) * sqrtf(k2);
    } else {
        out->noise = null_margin(a);
    }
    out->confidence = out->margin / fmaxf(out->noise, 1e-3f);
    float weakest = 1.0f;
    for (int i = 0; i < cfg->n_boxes; i++)
        weakest = fminf(weakest, out->corr[i][out->stem_of_box[i]]);
    out->needed = out->evidence_s >= cfg->long_evidence_s ? fminf(cfg->min_confidence, cfg->long_min_confidence)
                                                          : cfg->min_confidence;
    if (out->evidence_s < cfg->min_evidence_s)
        out->reason = "too little music with motion";
    else if (out->confidence < out->needed)
        out->reason = "ambiguous: the best pairing is not clearly better than the next";
    else if (weakest < cfg->min_correlation)
        out->reason = "a box's motion does not follow its stem";
    else
        out->reason = "";
    out->confident = !out->reason[0];
    return 0;
}
