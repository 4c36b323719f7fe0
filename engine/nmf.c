/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "nmf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nmf_bands.h"
#include "nmf_kernels.h"

#define NMF_EPS 1e-12f

double nmf_beta_divergence(const float *v, const float *y, int n, float beta)
{
    double d = 0.0;
    if (beta == 1.0f) { /* the per-frame meter: single-precision logs are plenty */
        for (int i = 0; i < n; i++) {
            float a = v[i], b = y[i] > NMF_EPS ? y[i] : NMF_EPS;
            d += (a > 0.0f ? a * logf(a / b) : 0.0f) - a + b;
        }
        return d;
    }
    for (int i = 0; i < n; i++) {
        double a = v[i], b = y[i] > NMF_EPS ? y[i] : NMF_EPS;
        if (beta == 0.0f)
            d += a > 0.0 ? a / b - log(a / b) - 1.0 : 0.0;
        else
            d += (pow(a, beta) + (beta - 1.0) * pow(b, beta) - beta * a * pow(b, beta - 1.0)) /
                 (beta * (beta - 1.0));
    }
    return d;
}

static void model(const camsep_dictset *ds, const float *h, float *y)
{
    nmf_rows_combine(ds->wb_by_atom, ds->n_atoms, ds->bands_padded, h, y, ds->bands_padded);
    for (int b = 0; b < ds->bands_padded; b++)
        y[b] += NMF_EPS;
}

float nmf_band_misfit(const camsep_dictset *ds, const float *vb, const float *h, nmf_work *w)
{
    model(ds, h, w->y);
    double mass = 0.0;
    for (int b = 0; b < ds->bands; b++)
        mass += vb[b];
    return mass > 0.0 ? (float)(nmf_beta_divergence(vb, w->y, ds->bands, 1.0f) / mass) : NAN;
}

static void add_regression_den(const camsep_dictset *ds, const nmf_frame_terms *t, const float *h,
                               float *den)
{
    const float *g = t->reg_gram;
    for (int j = 0; j < ds->n_sources; j++) {
        int a = ds->atom_start[j], k = ds->atom_start[j + 1] - a;
        for (int r = 0; r < k; r++) {
            float acc = 0.0f;
            for (int c = 0; c < k; c++)
                acc += g[r * k + c] * h[a + c];
            den[a + r] += t->reg_weight * acc;
        }
        g += (size_t)k * k;
    }
}

void nmf_solve_frame(const camsep_dictset *ds, const float *v, float *h, int iterations, float beta,
                      const nmf_frame_terms *t, nmf_work *w)
{
    const int B = ds->bands_padded, K = ds->n_atoms, KP = ds->atoms_padded;
    for (int it = 0; it < iterations; it++) {
        model(ds, h, w->y);
        if (beta == 1.0f) {
            nmf_ratio_kl(v, w->y, w->ratio, B);
            memcpy(w->den, ds->atom_sum, sizeof(float) * (size_t)KP);
        } else {
            nmf_ratio_beta(v, w->y, beta, w->ratio, w->ypow, B);
            nmf_rows_combine(ds->wb_by_bin, ds->bands, KP, w->ypow, w->den, KP);
        }
        nmf_rows_combine(ds->wb_by_bin, ds->bands, KP, w->ratio, w->num, KP);
        if (t) {
            if (t->l1)
                for (int k = 0; k < K; k++)
                    w->den[k] += t->l1[k];
            if (t->smooth_prev && t->smooth_weight > 0.0f)
                for (int k = 0; k < K; k++) {
                    w->num[k] += t->smooth_weight * t->smooth_prev[k];
                    w->den[k] += t->smooth_weight * h[k];
                }
            if (t->reg_num && t->reg_weight > 0.0f) {
                for (int k = 0; k < K; k++)
                    w->num[k] += t->reg_weight * t->reg_num[k];
                add_regression_den(ds, t, h, w->den);
            }
        }
        for (int k = 0; k < K; k++) {
            float nk = h[k] * w->num[k] / (w->den[k] + NMF_EPS);
            h[k] = nk == nk ? nk : 0.0f; /* a NaN can only come from a poisoned input: drop it */
        }
    }
}

void nmf_model_by_source(const camsep_dictset *ds, const float *h, float *by_source, float *y)
{
    const int FP = ds->bins_padded;
    for (int j = 0; j < ds->n_sources; j++) {
        int a = ds->atom_start[j];
        nmf_rows_combine(ds->w_by_atom + (size_t)a * FP, ds->atom_start[j + 1] - a, FP, h + a,
                         by_source + (size_t)j * FP, FP);
    }
    for (int f = 0; f < FP; f++) {
        float sum = NMF_EPS;
        for (int j = 0; j < ds->n_sources; j++)
            sum += by_source[(size_t)j * FP + f];
        y[f] = sum;
    }
}

/* ---- offline routines (allocate) ---- */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static float uniform01(uint64_t *state)
{
    return (float)((splitmix64(state) >> 40) * (1.0 / 16777216.0));
}

static float *aligned_floats(size_t n)
{
    size_t bytes = (sizeof(float) * (n ? n : 1) + CAMSEP_ALIGN - 1) / CAMSEP_ALIGN * CAMSEP_ALIGN;
    float *p = aligned_alloc(CAMSEP_ALIGN, bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

int nmf_batch_activations(const camsep_dictset *ds, const float *V, size_t frames, int iterations,
                          float beta, float *H)
{
    const int F = ds->bins, FP = ds->bins_padded, KP = ds->atoms_padded, K = ds->n_atoms; /* bands <= bins */
    float *buf = aligned_floats((size_t)(4 * FP + 3 * KP));
    if (!buf)
        return -1;
    nmf_work w = {buf, buf + FP, buf + 2 * FP, buf + 4 * FP + KP, buf + 4 * FP + 2 * KP};
    float *vcol = buf + 3 * FP, *h = buf + 4 * FP;
    for (size_t n = 0; n < frames; n++) {
        nmf_bands_sum(ds->band_start, ds->bands, ds->bands_padded, V + n * (size_t)F, vcol);
        double total = 0.0;
        for (int b = 0; b < ds->bands; b++)
            total += vcol[b];
        for (int k = 0; k < KP; k++)
            h[k] = k < K ? (float)(total / K) + NMF_EPS : 0.0f;
        nmf_solve_frame(ds, vcol, h, iterations, beta, NULL, &w);
        memcpy(H + n * (size_t)K, h, sizeof(float) * (size_t)K);
    }
    free(buf);
    return 0;
}

/* Training state: W twice (atom-major for W h, bin-major for W^T r), the
 * activations atom-major (a row per atom, for the W update), the ratios. */
typedef struct train_state {
    size_t frames;
    int bins, bins_padded, atoms, atoms_padded;
    float beta;
    float *w_by_atom, *w_by_bin, *h_by_atom, *V, *R, *P, *h, *acc, *wnum, *wden;
    float *M; /* per value weights (frames x bins_padded), or NULL: all 1 */
} train_state;

static void train_free(train_state *s)
{
    free(s->w_by_atom); free(s->w_by_bin); free(s->h_by_atom); free(s->V); free(s->R);
    free(s->P); free(s->h); free(s->acc); free(s->wnum); free(s->wden); free(s->M);
}

/* weighted: the fit counts each value with a weight (see nmf_refine). */
static int train_alloc(train_state *s, int weighted)
{
    size_t fp = (size_t)s->bins_padded, kp = (size_t)s->atoms_padded;
    s->w_by_atom = aligned_floats(kp * fp);
    s->w_by_bin = aligned_floats((size_t)s->bins * kp);
    s->h_by_atom = aligned_floats(kp * s->frames);
    s->V = aligned_floats(s->frames * fp);
    s->R = aligned_floats(s->frames * fp);
    const int needs_p = s->beta != 1.0f || weighted;
    s->P = needs_p ? aligned_floats(s->frames * fp) : NULL;
    s->M = weighted ? aligned_floats(s->frames * fp) : NULL;
    s->h = aligned_floats(kp);
    s->acc = aligned_floats(fp > kp ? fp : kp);
    s->wnum = aligned_floats(kp * fp);
    s->wden = aligned_floats(kp * fp);
    return s->w_by_atom && s->w_by_bin && s->h_by_atom && s->V && s->R && (!needs_p || s->P) && (!weighted || s->M) &&
                   s->h && s->acc && s->wnum && s->wden
               ? 0
               : -1;
}

static void gather_h(const train_state *s, size_t n)
{
    for (int k = 0; k < s->atoms; k++)
        s->h[k] = s->h_by_atom[(size_t)k * s->frames + n];
}

/* R = V (WH)^(beta-2), P = (WH)^(beta-1), frame by frame. */
static void train_ratios(train_state *s)
{
    const int FP = s->bins_padded;
    for (size_t n = 0; n < s->frames; n++) {
        gather_h(s, n);
        float *y = s->acc;
        nmf_rows_combine(s->w_by_atom, s->atoms, FP, s->h, y, FP);
        for (int f = 0; f < FP; f++)
            y[f] += NMF_EPS;
        if (s->beta == 1.0f)
            nmf_ratio_kl(s->V + n * FP, y, s->R + n * FP, FP);
        else
            nmf_ratio_beta(s->V + n * FP, y, s->beta, s->R + n * FP, s->P + n * FP, FP);
        if (s->M) {
            const float *m = s->M + n * FP;
            float *r = s->R + n * FP, *p = s->P + n * FP;
            for (int f = 0; f < FP; f++) {
                r[f] *= m[f];
                p[f] = s->beta == 1.0f ? m[f] : p[f] * m[f];
            }
        }
    }
}

static void train_update_h(train_state *s)
{
    const int FP = s->bins_padded, KP = s->atoms_padded;
    float *den = s->wden; /* scratch: the W update overwrites it anyway */
    for (size_t n = 0; n < s->frames; n++) {
        nmf_rows_combine(s->w_by_bin, s->bins, KP, s->R + n * FP, s->acc, KP);
        if (s->P)
            nmf_rows_combine(s->w_by_bin, s->bins, KP, s->P + n * FP, den, KP);
        for (int k = 0; k < s->atoms; k++) {
            float d = s->P ? den[k] : 1.0f; /* unweighted KL: atoms have unit L1 norm */
            float *hk = &s->h_by_atom[(size_t)k * s->frames + n];
            *hk = *hk * s->acc[k] / (d + NMF_EPS);
        }
    }
}

/* The W update's numerators (and denominators) of every atom, a band of
 * columns at a time: each band of R (and P) then comes from memory once and
 * from the cache for the other atoms, where whole rows per atom read all of
 * R once per atom (the frames of a long recording outgrow the cache). The
 * kernel sums each column over the frames in the same order either way, so
 * the results are the same to the bit. */
enum { W_TERMS_BAND = 64 };

static void train_w_terms(train_state *s)
{
    const int FP = s->bins_padded, whole = FP / W_TERMS_BAND * W_TERMS_BAND;
    for (int c = 0; c < FP; c += W_TERMS_BAND) {
        const int cols = c < whole ? W_TERMS_BAND : FP - whole;
        for (int k = 0; k < s->atoms; k++) {
            const float *hk = s->h_by_atom + (size_t)k * s->frames;
            nmf_rows_combine(s->R + c, (int)s->frames, FP, hk, s->wnum + (size_t)k * FP + c, cols);
            if (s->P)
                nmf_rows_combine(s->P + c, (int)s->frames, FP, hk, s->wden + (size_t)k * FP + c, cols);
        }
    }
}

static void train_update_w(train_state *s)
{
    const int FP = s->bins_padded, F = s->bins;
    train_w_terms(s);
    for (int k = 0; k < s->atoms; k++) {
        const float *hk = s->h_by_atom + (size_t)k * s->frames;
        float *num = s->wnum + (size_t)k * FP, *den = s->wden + (size_t)k * FP;
        if (!s->P) {
            double total = 0.0;
            for (size_t n = 0; n < s->frames; n++)
                total += hk[n];
            for (int f = 0; f < FP; f++)
                den[f] = (float)total;
        }
        float *wk = s->w_by_atom + (size_t)k * FP;
        double sum = 0.0;
        for (int f = 0; f < F; f++) {
            wk[f] = wk[f] * num[f] / (den[f] + NMF_EPS);
            sum += wk[f];
        }
        /* Unit L1 norm, the scale moved into the activations. */
        if (sum > 0.0) {
            for (int f = 0; f < F; f++)
                wk[f] = (float)(wk[f] / sum);
            float *hrow = s->h_by_atom + (size_t)k * s->frames;
            for (size_t n = 0; n < s->frames; n++)
                hrow[n] = (float)(hrow[n] * sum);
        }
    }
    for (int f = 0; f < F; f++)
        for (int k = 0; k < s->atoms; k++)
            s->w_by_bin[(size_t)f * s->atoms_padded + k] = s->w_by_atom[(size_t)k * FP + f];
}

/* V into the padded state, and the mean magnitude. */
static double train_load(train_state *s, const float *V)
{
    double mean = 0.0;
    for (size_t n = 0; n < s->frames; n++)
        for (int f = 0; f < s->bins; f++) {
            s->V[n * s->bins_padded + f] = V[n * s->bins + f];
            mean += V[n * s->bins + f];
        }
    return mean / ((double)s->frames * s->bins);
}

static void train_copy_w_by_bin(train_state *s)
{
    for (int f = 0; f < s->bins; f++)
        for (int k = 0; k < s->atoms; k++)
            s->w_by_bin[(size_t)f * s->atoms_padded + k] = s->w_by_atom[(size_t)k * s->bins_padded + f];
}

/* The iterations; step (may be NULL) after each, nonzero stops. 0, or 1 when stopped. */
static int train_run(train_state *s, int iterations, int update_w, int (*step)(void *ctx, int done, int total),
                     void *ctx)
{
    for (int it = 0; it < iterations; it++) {
        train_ratios(s);
        train_update_h(s);
        if (update_w) {
            train_ratios(s);
            train_update_w(s);
        }
        if (step && step(ctx, it + 1, iterations))
            return 1;
    }
    return 0;
}

static void train_store_w(const train_state *s, float *W)
{
    for (int k = 0; k < s->atoms; k++)
        memcpy(W + (size_t)k * s->bins, s->w_by_atom + (size_t)k * s->bins_padded, sizeof(float) * s->bins);
}

typedef struct progress_adapter {
    void (*progress)(void *ctx, int done, int total);
    void *ctx;
} progress_adapter;

static int progress_step(void *ctx, int done, int total)
{
    progress_adapter *a = ctx;
    if (a->progress)
        a->progress(a->ctx, done, total);
    return 0;
}

int nmf_train(const float *V, size_t frames, int bins, int atoms, int iterations, float beta,
              uint64_t seed, float *W, void (*progress)(void *ctx, int done, int total), void *ctx)
{
    if (frames == 0 || frames > (size_t)INT32_MAX || bins < 1 || atoms < 1)
        return -1;
    train_state s = {.frames = frames, .bins = bins, .bins_padded = camsep_pad(bins), .atoms = atoms,
                     .atoms_padded = camsep_pad(atoms), .beta = beta};
    if (train_alloc(&s, 0)) {
        train_free(&s);
        return -1;
    }
    const double mean = train_load(&s, V);
    uint64_t rng = seed;
    for (int k = 0; k < atoms; k++) {
        double sum = 0.0;
        for (int f = 0; f < bins; f++)
            sum += s.w_by_atom[(size_t)k * s.bins_padded + f] = 0.1f + uniform01(&rng);
        for (int f = 0; f < bins; f++)
            s.w_by_atom[(size_t)k * s.bins_padded + f] /= (float)sum;
    }
    for (size_t i = 0; i < (size_t)atoms * frames; i++)
        s.h_by_atom[i] = (float)(mean * bins / atoms * (0.5 + uniform01(&rng)));
    train_copy_w_by_bin(&s);
    progress_adapter a = {progress, ctx};
    train_run(&s, iterations, 1, progress_step, &a);
    train_store_w(&s, W);
    train_free(&s);
    return 0;
}

/* Two phases reported as one count of iterations. */
typedef struct refine_step {
    int (*step)(void *ctx, int done, int total);
    void *ctx;
    int offset, total;
} refine_step;

static int refine_progress(void *ctx, int done, int total)
{
    (void)total;
    refine_step *r = ctx;
    return r->step ? r->step(r->ctx, r->offset + done, r->total) : 0;
}

int nmf_refine(const float *V, const float *M, size_t frames, int bins, int atoms, int h_iterations, int iterations,
               float beta, float *W, const float *H0, float *H, int (*step)(void *ctx, int done, int total), void *ctx)
{
    if (frames == 0 || frames > (size_t)INT32_MAX || bins < 1 || atoms < 1)
        return -1;
    train_state s = {.frames = frames, .bins = bins, .bins_padded = camsep_pad(bins), .atoms = atoms,
                     .atoms_padded = camsep_pad(atoms), .beta = beta};
    if (train_alloc(&s, M != NULL)) {
        train_free(&s);
        return -1;
    }
    train_load(&s, V);
    if (M)
        for (size_t n = 0; n < frames; n++)
            memcpy(s.M + n * s.bins_padded, M + n * (size_t)bins, sizeof(float) * (size_t)bins);
    for (int k = 0; k < atoms; k++)
        memcpy(s.w_by_atom + (size_t)k * s.bins_padded, W + (size_t)k * bins, sizeof(float) * bins);
    for (size_t n = 0; n < frames; n++)
        for (int k = 0; k < atoms; k++)
            s.h_by_atom[(size_t)k * frames + n] = H0[n * (size_t)atoms + k];
    train_copy_w_by_bin(&s);
    refine_step rs = {step, ctx, 0, h_iterations + iterations};
    int stopped = train_run(&s, h_iterations, 0, refine_progress, &rs);
    rs.offset = h_iterations;
    if (!stopped)
        stopped = train_run(&s, iterations, 1, refine_progress, &rs);
    if (!stopped)
        train_store_w(&s, W);
    if (!stopped && H)
        for (size_t n = 0; n < frames; n++)
            for (int k = 0; k < atoms; k++)
                H[n * (size_t)atoms + k] = s.h_by_atom[(size_t)k * frames + n];
    train_free(&s);
    return stopped ? 1 : 0;
}
