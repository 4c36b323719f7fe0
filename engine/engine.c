/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "camsep_engine.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

#include "dictset.h"
#include "group_split.h"
#include "nmf.h"
#include "nmf_bands.h"
#include "nmf_kernels.h"
#include "prior_trust.h"
#include "level_share.h"
#include "rest_gate.h"
#include "priors.h"
#include "spsc_ring.h"
#include "stft.h"

#define PARAM_RING_CAPACITY 16
#define INPUT_LIMIT 1.0e4f   /* |x| beyond this is clamped: keeps the spectrum finite */
#define SILENCE 1.0e-20f     /* frame magnitude sum below which nothing is analysed */
/* A held prior (the camera cannot see the player: camsep_prior.held) is the
 * last sight, and the player may have started to play since: its activity
 * weighs as at least this (bench/VIDEO.md, "held priors"). */
#define HELD_ACTIVITY_MIN 0.9f

struct camsep_engine {
    camsep_config cfg;
    camsep_params params;      /* the audio thread's copy */
    camsep_stft stft;
    int bins, bins_padded, atoms_padded, hop, n;
    int span;                  /* latency: the synthesis window's length, 2 * fall */
    size_t bytes;

    spsc_ring prior_ring;      /* producer -> audio */
    spsc_ring param_ring;      /* control -> audio */
    spsc_ring report_ring;     /* audio -> reader */
    _Atomic(camsep_dictset *) pending; /* control -> audio */
    _Atomic(camsep_dictset *) retired; /* audio -> control */
    camsep_dictset *active;

    /* signal path */
    float *in_hist;            /* last n input samples, oldest first */
    int fill;                  /* samples of the current hop received */
    float *out_hop;            /* max_sources x hop: completed output being played */
    float *ola;                /* max_sources x span: overlap-add accumulators */
    float complex *spec, *stem_spec;
    float *mag;                /* bins_padded */
    float *mag_bands;          /* bins_padded (bands <= bins): the solver's input */
    float *src_model;          /* max_sources x bins_padded: W_j h_j */
    float *mask_sum;           /* bins_padded */

    /* NMF state */
    float *h, *h_prev, *h_smooth, *l1, *reg_num;
    nmf_work work;
    bool h_valid;
    /* the same solve without priors, for the priors' trust */
    float *h_audio, *h_audio_prev;
    bool h_audio_valid;
    prior_trust trust;
    group_split split; /* same-instrument groups split by their motion */
    rest_gate gate;    /* resting players' stems gated, while the camera is in time */
    level_share share; /* each player's share of the sound, from the graded motion */
    float motion_now[CAMSEP_MAX_SOURCES];
    float objective;

    /* cross-modal regression (allocated only with motion channels) */
    float *reg_a;              /* max_atoms x channels: A, per source block */
    float *reg_hm;             /* max_atoms x channels: averaged u m^T */
    float *reg_hh;             /* block-diagonal averaged u u^T */
    float *reg_gram;           /* block-diagonal A A^T */
    float *reg_u;              /* normalised activations */
    double scale_run;
    double reg_weight;         /* sum of the forgetting weights so far (bias correction) */
    bool reg_fresh;

    float gain_now[CAMSEP_MAX_SOURCES];
    float gain_coef;
    prior_tracker tracker;
    prior_values prior_now;
    int64_t time, frames;

    _Atomic uint64_t st_frames, st_nonfinite, st_priors_dropped, st_reports_dropped,
        st_dictsets, st_params, st_priors_used, st_priors_late;
};

static void set_error(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

void camsep_config_default(camsep_config *cfg, double sample_rate)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->sample_rate = sample_rate;
    camsep_config_set_window(cfg, 0, 0, 0);
    cfg->nmf_band_width = CAMSEP_DEFAULT_NMF_BAND_WIDTH;
    cfg->max_sources = CAMSEP_MAX_SOURCES;
    cfg->max_atoms = 512;
    cfg->motion_channels = 1;
    cfg->prior_ring_capacity = 256;
    cfg->report_ring_capacity = 1024;
}

void camsep_params_default(camsep_params *p)
{
    memset(p, 0, sizeof *p);
    p->iterations = 10;
    p->warm_start = 0.1f;
    p->beta = 1.0f;
    p->mask_power = 2.0f;
    p->activity_strength = 0.3f;
    p->regression_strength = 0.0f;
    p->regression_sparsity = 0.01f;
    p->regression_memory_s = 10.0f;
    p->smoothness = CAMSEP_DEFAULT_SMOOTHNESS;
    p->prior_timeout_s = 0.5f;
    p->trust_memory_s = 4.0f;
    p->split_strength = 1.0f;
    p->rest_gate = 1.0f;
    p->share_strength = 1.0f;
    p->gain_smoothing_s = 0.01f;
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++)
        p->gain[j] = 1.0f;
}

static bool in_range(float x, float lo, float hi)
{
    return x >= lo && x <= hi; /* false for NaN */
}

int camsep_config_validate(const camsep_config *c, char *err, size_t errlen)
{
    if (!(c->sample_rate >= 1000.0 && c->sample_rate <= 768000.0))
        return set_error(err, errlen, "sample rate %g Hz is outside 1000..768000", c->sample_rate), -1;
    if (c->fft_size < 64 || c->fft_size > 16384 || c->fft_size % 2)
        return set_error(err, errlen, "FFT size %d must be even and within 64..16384", c->fft_size), -1;
    const int latency = camsep_config_latency(c);
    if (latency < 2 || latency > c->fft_size || latency % 2)
        return set_error(err, errlen, "latency %d must be even and within 2..%d (the FFT size)", latency,
                         c->fft_size), -1;
    if (c->hop < 1 || c->hop > latency / 2)
        return set_error(err, errlen, "hop %d must be within 1..%d (half the latency)", c->hop, latency / 2),
               -1;
    if (c->max_sources < 1 || c->max_sources > CAMSEP_MAX_SOURCES)
        return set_error(err, errlen, "max sources %d must be within 1..%d", c->max_sources,
                         CAMSEP_MAX_SOURCES), -1;
    if (c->max_atoms < 1 || c->max_atoms > CAMSEP_MAX_SOURCES * CAMSEP_DICT_MAX_ATOMS)
        return set_error(err, errlen, "max atoms %d is out of range", c->max_atoms), -1;
    if (!in_range(c->nmf_band_width, 0.0f, 0.5f))
        return set_error(err, errlen, "NMF band width %g must be within 0..0.5", (double)c->nmf_band_width), -1;
    if (c->motion_channels < 0 || c->motion_channels > CAMSEP_MAX_MOTION_CHANNELS)
        return set_error(err, errlen, "motion channels %d must be within 0..%d", c->motion_channels,
                         CAMSEP_MAX_MOTION_CHANNELS), -1;
    if (c->prior_ring_capacity < 1 || c->prior_ring_capacity > 65536 || c->report_ring_capacity < 1 ||
        c->report_ring_capacity > 1 << 20)
        return set_error(err, errlen, "ring capacities are out of range"), -1;
    return 0;
}

void camsep_config_set_window(camsep_config *cfg, int fft_size, int latency, int hop)
{
    cfg->fft_size = fft_size ? fft_size : CAMSEP_DEFAULT_FFT;
    cfg->latency = latency ? latency : cfg->fft_size < CAMSEP_DEFAULT_LATENCY ? cfg->fft_size : CAMSEP_DEFAULT_LATENCY;
    cfg->hop = hop ? hop : cfg->latency / 2 > 0 ? cfg->latency / 2 : 1;
}

int camsep_config_latency(const camsep_config *cfg)
{
    return cfg->latency ? cfg->latency : cfg->fft_size;
}

int camsep_params_validate(const camsep_params *p, char *err, size_t errlen)
{
    if (p->iterations < 1 || p->iterations > 200)
        return set_error(err, errlen, "iterations %d must be within 1..200", p->iterations), -1;
    if (!in_range(p->warm_start, 0.0f, 1.0f))
        return set_error(err, errlen, "warm start %g must be within 0..1", p->warm_start), -1;
    if (!in_range(p->beta, 0.0f, 2.0f))
        return set_error(err, errlen, "beta %g must be within 0..2", p->beta), -1;
    if (!in_range(p->mask_power, 0.5f, 4.0f))
        return set_error(err, errlen, "mask power %g must be within 0.5..4", p->mask_power), -1;
    if (!in_range(p->activity_strength, 0.0f, 1000.0f) || !in_range(p->regression_strength, 0.0f, 1000.0f) ||
        !in_range(p->regression_sparsity, 0.0f, 1000.0f) || !in_range(p->smoothness, 0.0f, 1000.0f))
        return set_error(err, errlen, "prior strengths must be within 0..1000"), -1;
    if (!in_range(p->trust_memory_s, 0.0f, 600.0f))
        return set_error(err, errlen, "the trust memory must be within 0..600 s"), -1;
    if (!in_range(p->split_strength, 0.0f, 1.0f))
        return set_error(err, errlen, "the split strength %g must be within 0..1", p->split_strength), -1;
    if (!in_range(p->rest_gate, 0.0f, 1.0f))
        return set_error(err, errlen, "the rest gate %g must be within 0..1", p->rest_gate), -1;
    if (!in_range(p->share_strength, 0.0f, 1.0f))
        return set_error(err, errlen, "the share strength %g must be within 0..1", p->share_strength), -1;
    if (!in_range(p->regression_memory_s, 0.01f, 3600.0f) || !in_range(p->prior_timeout_s, 0.001f, 3600.0f) ||
        !in_range(p->gain_smoothing_s, 0.0f, 10.0f))
        return set_error(err, errlen, "time constants are out of range"), -1;
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++)
        if (!in_range(p->gain[j], 0.0f, 16.0f))
            return set_error(err, errlen, "gain of stem %d (%g) must be within 0..16", j + 1, p->gain[j]), -1;
    return 0;
}

/* ---- set-up ---- */

static float *alloc_floats(size_t *bytes, size_t n)
{
    size_t size = (sizeof(float) * (n ? n : 1) + CAMSEP_ALIGN - 1) / CAMSEP_ALIGN * CAMSEP_ALIGN;
    float *p = aligned_alloc(CAMSEP_ALIGN, size);
    if (p) {
        memset(p, 0, size);
        *bytes += size;
    }
    return p;
}

static void update_gain_coef(camsep_engine *e)
{
    double tau = e->params.gain_smoothing_s * e->cfg.sample_rate;
    e->gain_coef = tau < 1.0 ? 1.0f : (float)(1.0 - exp(-1.0 / tau));
}

static int alloc_buffers(camsep_engine *e)
{
    const camsep_config *c = &e->cfg;
    size_t *b = &e->bytes;
    const size_t S = (size_t)c->max_sources, FP = (size_t)e->bins_padded, KP = (size_t)e->atoms_padded;
    e->in_hist = alloc_floats(b, (size_t)e->n);
    e->out_hop = alloc_floats(b, S * (size_t)e->hop);
    e->ola = alloc_floats(b, S * (size_t)e->span);
    e->spec = (float complex *)alloc_floats(b, 2 * FP);
    e->stem_spec = (float complex *)alloc_floats(b, 2 * FP);
    e->mag = alloc_floats(b, FP);
    e->mag_bands = alloc_floats(b, FP);
    e->src_model = alloc_floats(b, S * FP);
    e->mask_sum = alloc_floats(b, FP);
    e->h = alloc_floats(b, KP);
    e->h_prev = alloc_floats(b, KP);
    e->h_smooth = alloc_floats(b, KP);
    e->l1 = alloc_floats(b, KP);
    e->h_audio = alloc_floats(b, KP);
    e->h_audio_prev = alloc_floats(b, KP);
    e->reg_num = alloc_floats(b, KP);
    e->work.y = alloc_floats(b, FP);
    e->work.ratio = alloc_floats(b, FP);
    e->work.ypow = alloc_floats(b, FP);
    e->work.num = alloc_floats(b, KP);
    e->work.den = alloc_floats(b, KP);
    if (!e->in_hist || !e->out_hop || !e->ola || !e->spec || !e->stem_spec || !e->mag || !e->mag_bands ||
        !e->src_model ||
        !e->mask_sum || !e->h || !e->h_prev || !e->h_smooth || !e->l1 || !e->h_audio || !e->h_audio_prev ||
        !e->reg_num || !e->work.y || !e->work.ratio || !e->work.ypow || !e->work.num || !e->work.den)
        return -1;
    if (c->motion_channels > 0) {
        const size_t C = (size_t)c->motion_channels, K = (size_t)c->max_atoms;
        e->reg_a = alloc_floats(b, K * C);
        e->reg_hm = alloc_floats(b, K * C);
        e->reg_hh = alloc_floats(b, K * K);
        e->reg_gram = alloc_floats(b, K * K);
        e->reg_u = alloc_floats(b, KP);
        if (!e->reg_a || !e->reg_hm || !e->reg_hh || !e->reg_gram || !e->reg_u)
            return -1;
    }
    return 0;
}

camsep_engine *camsep_engine_create(const camsep_config *cfg, char *err, size_t errlen)
{
    if (camsep_config_validate(cfg, err, errlen))
        return NULL;
    camsep_engine *e = aligned_alloc(CAMSEP_ALIGN, (sizeof *e + CAMSEP_ALIGN - 1) / CAMSEP_ALIGN * CAMSEP_ALIGN);
    if (!e)
        return set_error(err, errlen, "out of memory"), NULL;
    memset(e, 0, sizeof *e);
    e->bytes = sizeof *e;
    e->cfg = *cfg;
    e->n = cfg->fft_size;
    e->hop = cfg->hop;
    e->span = camsep_config_latency(cfg);
    e->bins = cfg->fft_size / 2 + 1;
    e->bins_padded = camsep_pad(e->bins);
    e->atoms_padded = camsep_pad(cfg->max_atoms);
    camsep_params_default(&e->params);
    update_gain_coef(e);
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++)
        e->gain_now[j] = e->params.gain[j];
    atomic_init(&e->pending, NULL);
    atomic_init(&e->retired, NULL);
    if (camsep_stft_init(&e->stft, e->n, e->span / 2, e->hop)) {
        free(e);
        return set_error(err, errlen, "cannot set up the FFT (size %d, latency %d, hop %d)", cfg->fft_size,
                         camsep_config_latency(cfg), cfg->hop), NULL;
    }
    e->bytes += e->stft.bytes;
    if (alloc_buffers(e) ||
        spsc_ring_init(&e->prior_ring, (size_t)cfg->prior_ring_capacity, sizeof(camsep_prior)) ||
        spsc_ring_init(&e->param_ring, PARAM_RING_CAPACITY, sizeof(camsep_params)) ||
        spsc_ring_init(&e->report_ring, (size_t)cfg->report_ring_capacity, sizeof(camsep_frame_report))) {
        camsep_engine_free(e);
        return set_error(err, errlen, "out of memory"), NULL;
    }
    e->bytes += spsc_ring_capacity(&e->prior_ring) * sizeof(camsep_prior) +
                spsc_ring_capacity(&e->param_ring) * sizeof(camsep_params) +
                spsc_ring_capacity(&e->report_ring) * sizeof(camsep_frame_report);
    prior_tracker_reset(&e->tracker);
    prior_trust_init(&e->trust, cfg->sample_rate / cfg->hop, e->params.trust_memory_s);
    group_split_init(&e->split, cfg->sample_rate / cfg->hop, e->n / e->hop);
    rest_gate_init(&e->gate, cfg->sample_rate / cfg->hop);
    level_share_init(&e->share, cfg->sample_rate / cfg->hop);
    return e;
}

void camsep_engine_free(camsep_engine *e)
{
    if (!e)
        return;
    camsep_dictset_free(e->active);
    camsep_dictset_free(atomic_load(&e->pending));
    camsep_dictset_free(atomic_load(&e->retired));
    camsep_stft_destroy(&e->stft);
    spsc_ring_destroy(&e->prior_ring);
    spsc_ring_destroy(&e->param_ring);
    spsc_ring_destroy(&e->report_ring);
    float *bufs[] = {e->in_hist, e->out_hop, e->ola, (float *)e->spec, (float *)e->stem_spec, e->mag, e->mag_bands,
                     e->src_model, e->mask_sum, e->h, e->h_prev, e->h_smooth, e->l1, e->h_audio, e->h_audio_prev,
                     e->reg_num, e->work.y, e->work.ratio, e->work.ypow, e->work.num, e->work.den, e->reg_a,
                     e->reg_hm, e->reg_hh, e->reg_gram, e->reg_u};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        free(bufs[i]);
    free(e);
}

const camsep_config *camsep_engine_config(const camsep_engine *e)
{
    return &e->cfg;
}

int camsep_engine_latency(const camsep_engine *e)
{
    return e->span;
}

size_t camsep_engine_allocated_bytes(const camsep_engine *e)
{
    return e->bytes;
}

/* ---- dictionary sets ---- */

void camsep_dictset_free(camsep_dictset *s)
{
    if (!s)
        return;
    free(s->w_by_atom);
    free(s->wb_by_atom);
    free(s->wb_by_bin);
    free(s->band_start);
    free(s->atom_sum);
    free(s);
}

int camsep_dictset_sources(const camsep_dictset *s)
{
    return s->n_sources;
}

size_t camsep_dictset_bytes(const camsep_dictset *s)
{
    return s->bytes;
}

static int place_dictionary(camsep_dictset *s, int source, const camsep_dictionary *d, const camsep_engine *e,
                            char *err, size_t errlen)
{
    if (camsep_dictionary_check_window(d, e->n, e->span / 2, err, errlen))
        return -1;
    camsep_dictionary *r = camsep_dictionary_resample(d, e->cfg.sample_rate, e->n, err, errlen);
    if (!r)
        return -1;
    camsep_dictionary_normalise(r); /* W^T 1 = 1 whatever the file held */
    int start = s->atom_start[source];
    for (int k = 0; k < r->n_atoms; k++) {
        const float *atom = r->atoms + (size_t)k * r->n_bins;
        for (int f = 0; f < s->bins; f++)
            s->w_by_atom[(size_t)(start + k) * s->bins_padded + f] = atom[f];
        for (int b = 0; b < s->bands; b++) {
            float sum = 0.0f;
            for (int f = s->band_start[b]; f < s->band_start[b + 1]; f++)
                sum += atom[f];
            s->wb_by_atom[(size_t)(start + k) * s->bands_padded + b] = sum;
            s->wb_by_bin[(size_t)b * s->atoms_padded + start + k] = sum;
        }
        s->atom_sum[start + k] = 1.0f;
    }
    snprintf(s->names[source], sizeof s->names[source], "%s", d->name);
    camsep_dictionary_free(r);
    return 0;
}

camsep_dictset *camsep_dictset_create(const camsep_engine *e, const camsep_dictionary *const *players,
                                      int n_players, const camsep_dictionary *other, char *err, size_t errlen)
{
    int n_sources = n_players + (other ? 1 : 0);
    if (n_players < 1)
        return set_error(err, errlen, "at least one player dictionary is needed"), NULL;
    if (n_sources > e->cfg.max_sources)
        return set_error(err, errlen, "%d stems requested but this instance has %d", n_sources,
                         e->cfg.max_sources), NULL;
    int total = 0;
    for (int j = 0; j < n_sources; j++)
        total += (j < n_players ? players[j] : other)->n_atoms;
    if (total > e->cfg.max_atoms)
        return set_error(err, errlen, "%d atoms in all, but this instance holds at most %d", total,
                         e->cfg.max_atoms), NULL;
    camsep_dictset *s = calloc(1, sizeof *s);
    if (!s)
        return set_error(err, errlen, "out of memory"), NULL;
    s->n_sources = n_sources;
    s->has_other = other != NULL;
    s->n_atoms = total;
    s->atoms_padded = camsep_pad(total);
    s->bins = e->bins;
    s->bins_padded = e->bins_padded;
    s->sample_rate = e->cfg.sample_rate;
    s->fft_size = e->n;
    s->bytes = sizeof *s;
    s->band_start = malloc(sizeof(int) * (size_t)(s->bins + 1));
    if (s->band_start) {
        s->bytes += sizeof(int) * (size_t)(s->bins + 1);
        s->bands = nmf_band_edges(s->bins, e->cfg.nmf_band_width, s->band_start);
        s->bands_padded = camsep_pad(s->bands);
    }
    s->w_by_atom = alloc_floats(&s->bytes, (size_t)s->atoms_padded * s->bins_padded);
    s->wb_by_atom = alloc_floats(&s->bytes, (size_t)s->atoms_padded * s->bands_padded);
    s->wb_by_bin = alloc_floats(&s->bytes, (size_t)s->bands * s->atoms_padded);
    s->atom_sum = alloc_floats(&s->bytes, (size_t)s->atoms_padded);
    if (!s->band_start || !s->w_by_atom || !s->wb_by_atom || !s->wb_by_bin || !s->atom_sum) {
        camsep_dictset_free(s);
        return set_error(err, errlen, "out of memory"), NULL;
    }
    for (int j = 0; j < n_sources; j++) {
        const camsep_dictionary *d = j < n_players ? players[j] : other;
        s->atom_start[j + 1] = s->atom_start[j] + d->n_atoms;
        if (place_dictionary(s, j, d, e, err, errlen)) {
            camsep_dictset_free(s);
            return NULL;
        }
    }
    for (int j = 0; j < n_sources; j++)
        s->same_as[j] = j;
    for (int j = 1; j < n_sources; j++)
        for (int i = 0; i < j && s->same_as[j] == j; i++) {
            const int k = s->atom_start[j + 1] - s->atom_start[j];
            if (s->same_as[i] == i && k == s->atom_start[i + 1] - s->atom_start[i] &&
                !memcmp(s->w_by_atom + (size_t)s->atom_start[i] * s->bins_padded,
                        s->w_by_atom + (size_t)s->atom_start[j] * s->bins_padded,
                        sizeof(float) * (size_t)k * s->bins_padded))
                s->same_as[j] = i;
        }
    return s;
}

int camsep_engine_post_dictset(camsep_engine *e, camsep_dictset *s)
{
    if (!s || s->bins != e->bins || s->n_atoms > e->cfg.max_atoms || s->n_sources > e->cfg.max_sources)
        return -1;
    camsep_dictset_free(atomic_exchange(&e->pending, s)); /* a set never installed: ours to free */
    camsep_dictset_free(camsep_engine_collect_retired(e));
    return 0;
}

camsep_dictset *camsep_engine_collect_retired(camsep_engine *e)
{
    return atomic_exchange(&e->retired, NULL);
}

int camsep_engine_post_params(camsep_engine *e, const camsep_params *p)
{
    if (camsep_params_validate(p, NULL, 0))
        return -1;
    return spsc_ring_push(&e->param_ring, p) ? 0 : -1;
}

int camsep_engine_push_prior(camsep_engine *e, const camsep_prior *p)
{
    if (spsc_ring_push(&e->prior_ring, p))
        return 0;
    atomic_fetch_add_explicit(&e->st_priors_dropped, 1, memory_order_relaxed);
    return -1;
}

/* ---- audio thread ---- */

static void reset_model_state(camsep_engine *e)
{
    e->h_valid = false;
    memset(e->h, 0, sizeof(float) * (size_t)e->atoms_padded);
    memset(e->h_prev, 0, sizeof(float) * (size_t)e->atoms_padded);
    e->scale_run = 0.0;
    e->reg_fresh = true;
    e->h_audio_valid = false;
    memset(e->h_audio_prev, 0, sizeof(float) * (size_t)e->atoms_padded);
    prior_trust_init(&e->trust, e->cfg.sample_rate / e->hop, e->params.trust_memory_s);
    if (e->active) {
        prior_trust_reset(&e->trust, e->active->same_as, e->active->n_sources);
        group_split_reset(&e->split, e->active->same_as, e->active->n_sources);
        rest_gate_reset(&e->gate, e->active->same_as, e->active->n_sources);
        level_share_reset(&e->share, e->active->same_as, e->active->n_sources);
    }
}

static void install_pending(camsep_engine *e)
{
    /* Install only when the retired slot is free, so nothing is ever dropped. */
    if (atomic_load_explicit(&e->retired, memory_order_acquire))
        return;
    camsep_dictset *s = atomic_exchange_explicit(&e->pending, NULL, memory_order_acq_rel);
    if (!s)
        return;
    atomic_store_explicit(&e->retired, e->active, memory_order_release);
    e->active = s;
    reset_model_state(e);
    atomic_fetch_add_explicit(&e->st_dictsets, 1, memory_order_relaxed);
}

static void take_params(camsep_engine *e)
{
    bool changed = false;
    const float trust_memory = e->params.trust_memory_s;
    while (spsc_ring_pop(&e->param_ring, &e->params))
        changed = true;
    if (changed && e->params.trust_memory_s != trust_memory) {
        prior_trust_init(&e->trust, e->cfg.sample_rate / e->hop, e->params.trust_memory_s);
        if (e->active)
            prior_trust_reset(&e->trust, e->active->same_as, e->active->n_sources);
    }
    if (changed) {
        update_gain_coef(e);
        /* Settings that arrive before the first sample are the starting
         * point, not a change: no fade from unity (a muted stem is silent
         * from sample 0). */
        if (e->time == 0)
            for (int j = 0; j < CAMSEP_MAX_SOURCES; j++)
                e->gain_now[j] = e->params.gain[j];
        atomic_fetch_add_explicit(&e->st_params, 1, memory_order_relaxed);
    }
}

static int source_of_atom(const camsep_dictset *s, int k)
{
    int j = 0;
    while (k >= s->atom_start[j + 1])
        j++;
    return j;
}

/* out[j] = the sum of source j's activations (unit-L1 atoms: its model's level). */
static void source_sums(const camsep_dictset *s, const float *h, float *out)
{
    for (int j = 0; j < s->n_sources; j++) {
        float sum = 0.0f;
        for (int k = s->atom_start[j]; k < s->atom_start[j + 1]; k++)
            sum += h[k];
        out[j] = sum;
    }
}

/* The factor that brings activations prev to a frame of this level (unit-L1
 * atoms: sum(W h) = sum(h)); 0 when prev is all zero or the factor would
 * not be a finite float. */
static float level_ratio(const float *prev, int K, float level)
{
    double model = 0.0;
    for (int k = 0; k < K; k++)
        model += prev[k];
    const double r = model > 0.0 ? level / model : 0.0;
    return r < FLT_MAX ? (float)r : 0.0f;
}

/* Starting point h: a blend of flat activations at this frame's level and
 * the last frame's activations prev (when valid) rescaled to it, kept above a
 * floor so that an atom silent for a while can come back. */
static void warm_start(const camsep_engine *e, const camsep_dictset *s, float level, const float *prev, bool valid,
                       float *h)
{
    const int K = s->n_atoms;
    const float flat = level / (float)K, floor = 1e-6f * flat;
    float rho = valid ? e->params.warm_start : 0.0f;
    const float ratio = rho > 0.0f ? level_ratio(prev, K, level) : 0.0f;
    if (!(ratio > 0.0f))
        rho = 0.0f;
    for (int k = 0; k < K; k++) {
        float v = (1.0f - rho) * flat + rho * prev[k] * ratio;
        h[k] = v > floor ? v : floor;
    }
}

/* Each source's graded motion (the prior's channel 0), -1 where there is none. */
static void motion_level(const prior_values *pv, int n_sources, float *out)
{
    for (int j = 0; j < n_sources; j++)
        out[j] = pv->motion_valid ? pv->motion[j][0] : -1.0f;
}

static bool trust_on(const camsep_engine *e)
{
    return e->params.activity_strength > 0.0f && e->params.trust_memory_s > 0.0f;
}

/* The activations without any prior, and with them how well each source's
 * activity prior has followed its sound (prior_trust.h). */
static void learn_trust(camsep_engine *e, const camsep_dictset *s, float level, float *audio, float *misfit)
{
    nmf_frame_terms none;
    memset(&none, 0, sizeof none);
    warm_start(e, s, level, e->h_audio_prev, e->h_audio_valid, e->h_audio);
    nmf_solve_frame(s, e->mag_bands, e->h_audio, e->params.iterations, e->params.beta, &none, &e->work);
    memcpy(e->h_audio_prev, e->h_audio, sizeof(float) * (size_t)s->n_atoms);
    e->h_audio_valid = true;
    source_sums(s, e->h_audio, audio);
    *misfit = nmf_band_misfit(s, e->mag_bands, e->h_audio, &e->work);
    prior_trust_update(&e->trust, e->prior_now.activity, e->prior_now.present, audio);
    motion_level(&e->prior_now, s->n_sources, e->motion_now);
    group_split_update(&e->split, e->motion_now, e->prior_now.present, e->prior_now.held, audio,
                       e->params.split_strength);
    group_split_hidden_motion(&e->split, e->prior_now.held, e->motion_now);
    rest_gate_update(&e->gate, e->prior_now.activity, e->prior_now.present, audio);
    level_share_frame(&e->share, e->motion_now, e->prior_now.activity, e->prior_now.present, e->prior_now.held, audio,
                      (float)e->scale_run, e->params.share_strength);
}

/* Regression prior: normalised activations u = K h / running level, their
 * exponentially averaged statistics with motion, one multiplicative update of
 * A >= 0 per frame (min ||m - A^T u||^2 + mu |A|_1), and G = A A^T. */
static void regression_learn(camsep_engine *e, const camsep_dictset *s, const prior_values *pv)
{
    const int C = e->cfg.motion_channels, K = s->n_atoms;
    const float alpha = (float)exp(-(double)e->hop / (e->params.regression_memory_s * e->cfg.sample_rate));
    const float mu = e->params.regression_sparsity;
    /* A starts where A^T u is source j's share of the activations (the motion's
     * [0,1] scale) and never falls below a quarter of that: a player who rests
     * (m = 0) for a while must not switch the coupling off for good. */
    const float a_init = 1.0f / (float)K, a_floor = 0.25f * a_init;
    if (e->reg_fresh) {
        memset(e->reg_hm, 0, sizeof(float) * (size_t)e->cfg.max_atoms * C);
        memset(e->reg_hh, 0, sizeof(float) * (size_t)e->cfg.max_atoms * e->cfg.max_atoms);
        for (int k = 0; k < K * C; k++)
            e->reg_a[k] = a_init;
        e->reg_weight = 0.0;
        e->reg_fresh = false;
    }
    e->reg_weight = alpha * e->reg_weight + (1.0 - alpha);
    const float unbias = (float)(1.0 / e->reg_weight); /* statistics as averages from the first frame on */
    for (int k = 0; k < K; k++)
        e->reg_u[k] = (float)(K * e->h[k] / e->scale_run);
    float *hh = e->reg_hh, *gram = e->reg_gram;
    for (int j = 0; j < s->n_sources; j++) {
        const int a = s->atom_start[j], kj = s->atom_start[j + 1] - a;
        const float *u = e->reg_u + a, *m = pv->motion[j];
        float *hm = e->reg_hm + (size_t)a * C, *A = e->reg_a + (size_t)a * C;
        for (int r = 0; r < kj; r++) {
            for (int c = 0; c < kj; c++)
                hh[r * kj + c] = alpha * hh[r * kj + c] + (1.0f - alpha) * u[r] * u[c];
            for (int c = 0; c < C; c++)
                hm[r * C + c] = alpha * hm[r * C + c] + (1.0f - alpha) * u[r] * m[c];
        }
        for (int r = 0; r < kj; r++)
            for (int c = 0; c < C; c++) {
                float den = 0.0f;
                for (int q = 0; q < kj; q++)
                    den += hh[r * kj + q] * A[q * C + c];
                float next = A[r * C + c] * hm[r * C + c] * unbias / (den * unbias + mu + 1e-12f);
                A[r * C + c] = next > a_floor ? next : a_floor;
            }
        for (int r = 0; r < kj; r++)
            for (int c = 0; c < kj; c++) {
                float g = 0.0f;
                for (int q = 0; q < C; q++)
                    g += A[r * C + q] * A[c * C + q];
                gram[r * kj + c] = g;
            }
        hh += (size_t)kj * kj;
        gram += (size_t)kj * kj;
    }
}

static void regression_terms(camsep_engine *e, const camsep_dictset *s, const prior_values *pv,
                             nmf_frame_terms *t)
{
    const int C = e->cfg.motion_channels;
    const float per_atom_level = (float)(e->scale_run / s->n_atoms);
    for (int k = 0; k < s->n_atoms; k++) {
        int j = source_of_atom(s, k);
        float am = 0.0f;
        for (int c = 0; c < C; c++)
            am += e->reg_a[(size_t)k * C + c] * pv->motion[j][c];
        e->reg_num[k] = per_atom_level * am;
    }
    t->reg_num = e->reg_num;
    t->reg_gram = e->reg_gram;
    t->reg_weight = 2.0f * e->params.regression_strength / per_atom_level;
}

static void build_terms(camsep_engine *e, const camsep_dictset *s, float level, nmf_frame_terms *t)
{
    const camsep_params *p = &e->params;
    const prior_values *pv = &e->prior_now;
    memset(t, 0, sizeof *t);
    if (p->activity_strength > 0.0f) {
        /* For KL the L1 weight is scale-free; other betas scale with level^(beta-1). */
        float g = p->activity_strength;
        if (p->beta != 1.0f)
            g *= powf(level / (float)s->bins, p->beta - 1.0f);
        const bool weigh = trust_on(e);
        float a[CAMSEP_MAX_SOURCES];
        for (int j = 0; j < s->n_sources; j++)
            a[j] = pv->held[j] && pv->activity[j] < HELD_ACTIVITY_MIN ? HELD_ACTIVITY_MIN : pv->activity[j];
        if (weigh) { /* the camera's lags are measured with the trust's solve */
            group_split_activity(&e->split, a);
            rest_gate_activity(&e->gate, a);
        }
        for (int k = 0; k < s->n_atoms; k++) {
            const int j = source_of_atom(s, k);
            e->l1[k] = g * (weigh ? e->trust.weight[j] : 1.0f) * (1.0f - a[j]);
        }
        t->l1 = e->l1;
    }
    /* Towards the previous frame's split, at this frame's level: what is
     * smoothed is who plays what, never the loudness (a loud burst or the end
     * of a note must not hold the activations up). */
    const float ratio = p->smoothness > 0.0f ? level_ratio(e->h_prev, s->n_atoms, level) : 0.0f;
    if (ratio > 0.0f) {
        for (int k = 0; k < s->n_atoms; k++)
            e->h_smooth[k] = e->h_prev[k] * ratio;
        t->smooth_prev = e->h_smooth;
        t->smooth_weight = 2.0f * p->smoothness * (float)s->n_atoms / level;
    }
    if (p->regression_strength > 0.0f && e->reg_a && pv->motion_valid && !e->reg_fresh)
        regression_terms(e, s, pv, t);
}

/* Soft masks m_j = S_j^p / sum_i S_i^p from the per-source models in
 * src_model, computed on S_j / y (all <= 1: no overflow), in place. With
 * `gated` (the shadow solve ran), each S_j^p is first scaled by the rest
 * gate's gain (a gated player's share goes to the others in proportion to
 * theirs: rest_gate.h) and by the share's gain (level_share.h), which reads
 * each source's activation sum in the solve, has[j]. */
static void compute_masks(camsep_engine *e, const camsep_dictset *s, bool gated, const float *has)
{
    const int FP = e->bins_padded, J = s->n_sources;
    const float p = e->params.mask_power;
    float *m[CAMSEP_MAX_SOURCES];
    /* Over the padded bins: the padding models nothing (0 / eps) and is never synthesised. */
    memset(e->mask_sum, 0, sizeof(float) * (size_t)FP);
    for (int j = 0; j < J; j++) {
        m[j] = e->src_model + (size_t)j * FP;
        nmf_mask_power(m[j], e->work.y, e->mask_sum, FP, p);
    }
    float gain[CAMSEP_MAX_SOURCES];
    /* not gated (no shadow solve this frame): every gain 1, which the report then says */
    bool weigh = rest_gate_gains(&e->gate, e->prior_now.activity, e->prior_now.present, e->prior_now.held,
                                 gated ? e->params.rest_gate : 0.0f, group_split_timely(&e->split));
    memcpy(gain, e->gate.gain, sizeof gain);
    if (gated && trust_on(e) && e->prior_now.any_present) /* learnt with the trust's solve */
        weigh = level_share_mask_gains(&e->share, has, p, gain) || weigh;
    if (weigh) {
        memset(e->mask_sum, 0, sizeof(float) * (size_t)FP);
        for (int j = 0; j < J; j++) {
            const float g = gain[j];
            for (int f = 0; f < FP; f++) {
                m[j][f] *= g;
                e->mask_sum[f] += m[j][f];
            }
        }
    }
    nmf_mask_normalise(m, J, e->mask_sum, FP);
}

/* total: the frame's energy, sum over the bins of mag^2 (analyse_frame's `power`). */
static void synthesise_stems(camsep_engine *e, const camsep_dictset *s, double total, camsep_frame_report *rep)
{
    const int J = s->n_sources;
    const float *m[CAMSEP_MAX_SOURCES];
    double share[CAMSEP_MAX_SOURCES] = {0};
    for (int j = 0; j < J; j++)
        m[j] = e->src_model + (size_t)j * e->bins_padded;
    /* Every stem's share in one pass: each sum still runs over the bins in order
     * (the same result), the stems' sums side by side instead of one after another. */
    for (int f = 0; f < e->bins; f++) {
        const double mag = e->mag[f];
        for (int j = 0; j < J; j++)
            share[j] += (double)m[j][f] * mag * mag;
    }
    for (int j = 0; j < J; j++) {
        for (int f = 0; f < e->bins; f++)
            e->stem_spec[f] = e->spec[f] * m[j][f];
        rep->mask_energy[j] = total > 0.0 ? (float)(share[j] / total) : 0.0f;
        camsep_stft_inverse_add(&e->stft, e->stem_spec, e->ola + (size_t)j * e->span);
    }
}

static void publish_report(camsep_engine *e, camsep_frame_report *rep)
{
    if (!spsc_ring_push(&e->report_ring, rep))
        atomic_fetch_add_explicit(&e->st_reports_dropped, 1, memory_order_relaxed);
}

static void analyse_frame(camsep_engine *e)
{
    const camsep_dictset *s = e->active;
    camsep_frame_report rep;
    memset(&rep, 0, sizeof rep);
    rep.frame = e->frames;
    rep.time = e->time - e->span / 2; /* the centre of what this frame synthesises */
    rep.n_sources = s ? s->n_sources : 0;
    rep.audio_misfit = NAN;

    camsep_stft_forward(&e->stft, e->in_hist, e->spec);
    double level = 0.0, power = 0.0;
    for (int f = 0; f < e->bins; f++) {
        e->mag[f] = cabsf(e->spec[f]);
        level += e->mag[f];
        power += (double)e->mag[f] * e->mag[f];
    }
    rep.input_level = (float)sqrt(power / e->bins);

    if (s) {
        prior_tracker_at(&e->tracker, &e->prior_ring, rep.time,
                         (int64_t)(e->params.prior_timeout_s * e->cfg.sample_rate), s->n_sources,
                         e->cfg.motion_channels, &e->prior_now);
        for (int j = 0; j < s->n_sources; j++) {
            rep.prior[j] = e->prior_now.activity[j];
            rep.held |= (uint32_t)e->prior_now.held[j] << j;
        }
    }
    if (!s) {
        /* No dictionaries yet: everything goes to the first stem. */
        camsep_stft_inverse_add(&e->stft, e->spec, e->ola);
    } else if (level > SILENCE) {
        e->scale_run = e->scale_run > 0.0 ? e->scale_run + (level - e->scale_run) * 0.01 : level;
        const bool shadow = trust_on(e) && e->prior_now.any_present;
        if (shadow)
            learn_trust(e, s, (float)level, rep.activation_audio, &rep.audio_misfit);
        warm_start(e, s, (float)level, e->h_prev, e->h_valid, e->h);
        e->h_valid = true;
        nmf_frame_terms terms;
        build_terms(e, s, (float)level, &terms);
        nmf_bands_sum(s->band_start, s->bands, s->bands_padded, e->mag, e->mag_bands);
        nmf_solve_frame(s, e->mag_bands, e->h, e->params.iterations, e->params.beta, &terms, &e->work);
        if (shadow)
            group_split_apply(&e->split, s->atom_start, e->motion_now, e->h);
        nmf_model_by_source(s, e->h, e->src_model, e->work.y);
        rep.objective = (float)nmf_beta_divergence(e->mag, e->work.y, e->bins, e->params.beta);
        memcpy(e->h_prev, e->h, sizeof(float) * (size_t)s->n_atoms);
        if (e->reg_a && e->params.regression_strength > 0.0f && e->prior_now.motion_valid)
            regression_learn(e, s, &e->prior_now);
        source_sums(s, e->h, rep.activation);
        compute_masks(e, s, shadow, rep.activation);
        synthesise_stems(e, s, power, &rep);
        /* without a shadow solve the activations are prior-free only when no prior entered the solve */
        const bool shaped = (e->params.activity_strength > 0.0f && e->prior_now.any_present) ||
                            (e->params.regression_strength > 0.0f && e->reg_a && e->prior_now.motion_valid);
        for (int j = 0; !shadow && j < s->n_sources; j++)
            rep.activation_audio[j] = shaped ? NAN : rep.activation[j];
        if (!shadow)
            rep.audio_misfit = shaped ? NAN : nmf_band_misfit(s, e->mag_bands, e->h, &e->work);
    }
    for (int j = 0; s && j < s->n_sources; j++) { /* silent frames too: the weight the prior has now */
        rep.trust[j] = trust_on(e) ? e->trust.weight[j] : 1.0f;
        rep.agreement[j] = e->trust.agreement[j];
        rep.split[j] = trust_on(e) ? e->split.weight[j] : 0.0f;
        rep.gate[j] = e->gate.gain[j];
        rep.share[j] = trust_on(e) && e->share.active ? e->share.kappa[j] : 0.0f;
    }
    /* from the players without a twin; on a stage of twins only, from the twins' motion */
    const bool twins_only = e->gate.singles == 0 && e->split.lag.n > 0;
    const lag_meter *camera = twins_only ? &e->split.lag : &e->gate.lag;
    rep.camera_offset = camera->offset_s;
    rep.camera_offset_corr = camera->offset_corr;
    /* The oldest hop of every accumulator is now complete: it becomes the next output. */
    for (int j = 0; j < e->cfg.max_sources; j++) {
        float *ola = e->ola + (size_t)j * e->span;
        memcpy(e->out_hop + (size_t)j * e->hop, ola, sizeof(float) * (size_t)e->hop);
        memmove(ola, ola + e->hop, sizeof(float) * (size_t)(e->span - e->hop));
        memset(ola + e->span - e->hop, 0, sizeof(float) * (size_t)e->hop);
    }
    memmove(e->in_hist, e->in_hist + e->hop, sizeof(float) * (size_t)(e->n - e->hop));
    e->frames++;
    atomic_fetch_add_explicit(&e->st_frames, 1, memory_order_relaxed);
    publish_report(e, &rep);
}

static float sanitise(camsep_engine *e, float x)
{
    if (!isfinite(x)) {
        atomic_fetch_add_explicit(&e->st_nonfinite, 1, memory_order_relaxed);
        return 0.0f;
    }
    return x > INPUT_LIMIT ? INPUT_LIMIT : x < -INPUT_LIMIT ? -INPUT_LIMIT : x;
}

void camsep_engine_process(camsep_engine *e, const float *in, float *const *out, uint32_t nframes)
{
#if defined(__x86_64__) || defined(__i386__)
    const unsigned int csr = _mm_getcsr();
    _mm_setcsr(csr | 0x8040); /* flush denormals to zero while we run */
#endif
    take_params(e);
    install_pending(e);
    const int S = e->cfg.max_sources;
    uint32_t pos = 0;
    while (pos < nframes) {
        uint32_t seg = (uint32_t)(e->hop - e->fill);
        if (seg > nframes - pos)
            seg = nframes - pos;
        float *dst = e->in_hist + e->n - e->hop + e->fill;
        for (uint32_t i = 0; i < seg; i++)
            dst[i] = sanitise(e, in[pos + i]);
        for (int j = 0; j < S; j++) {
            float g = e->gain_now[j];
            const float target = e->params.gain[j], coef = e->gain_coef;
            const float *src = e->out_hop + (size_t)j * e->hop + e->fill;
            float *o = out[j] ? out[j] + pos : NULL;
            if (g == target) { /* the usual case: a steady gain, no recurrence to follow */
                if (o && g == 1.0f)
                    memcpy(o, src, sizeof(float) * seg);
                else if (o)
                    for (uint32_t i = 0; i < seg; i++)
                        o[i] = src[i] * g;
                continue;
            }
            for (uint32_t i = 0; i < seg; i++) {
                g += (target - g) * coef;
                if (o)
                    o[i] = src[i] * g;
            }
            /* within 1e-7 of the target (-140 dB): land on it */
            if (fabsf(target - g) <= 1e-7f * fmaxf(1.0f, fabsf(target)))
                g = target;
            e->gain_now[j] = g;
        }
        e->fill += (int)seg;
        pos += seg;
        e->time += seg;
        if (e->fill == e->hop) {
            analyse_frame(e);
            e->fill = 0;
        }
    }
    atomic_store_explicit(&e->st_priors_used, e->tracker.used, memory_order_relaxed);
    atomic_store_explicit(&e->st_priors_late, e->tracker.late, memory_order_relaxed);
#if defined(__x86_64__) || defined(__i386__)
    _mm_setcsr(csr);
#endif
}

void camsep_engine_reset(camsep_engine *e)
{
    memset(e->in_hist, 0, sizeof(float) * (size_t)e->n);
    memset(e->out_hop, 0, sizeof(float) * (size_t)e->cfg.max_sources * e->hop);
    memset(e->ola, 0, sizeof(float) * (size_t)e->cfg.max_sources * e->span);
    e->fill = 0;
    e->time = 0;
    e->frames = 0;
    reset_model_state(e);
    spsc_ring_clear(&e->prior_ring);
    prior_tracker_reset(&e->tracker);
}

const float *camsep_engine_activations(const camsep_engine *e, int *n_atoms)
{
    if (n_atoms)
        *n_atoms = e->active ? e->active->n_atoms : 0;
    return e->active ? e->h : NULL;
}

int64_t camsep_engine_frames(const camsep_engine *e)
{
    return e->frames;
}

int64_t camsep_engine_time(const camsep_engine *e)
{
    return e->time;
}

int camsep_engine_sources(const camsep_engine *e)
{
    return e->active ? e->active->n_sources : 0;
}

int camsep_engine_read_report(camsep_engine *e, camsep_frame_report *r)
{
    return spsc_ring_pop(&e->report_ring, r) ? 0 : -1;
}

void camsep_engine_get_stats(const camsep_engine *e, camsep_stats *s)
{
    camsep_engine *m = (camsep_engine *)e; /* atomics are read-only here */
    s->frames = atomic_load_explicit(&m->st_frames, memory_order_relaxed);
    s->nonfinite_samples = atomic_load_explicit(&m->st_nonfinite, memory_order_relaxed);
    s->priors_used = atomic_load_explicit(&m->st_priors_used, memory_order_relaxed);
    s->priors_late = atomic_load_explicit(&m->st_priors_late, memory_order_relaxed);
    s->priors_dropped = atomic_load_explicit(&m->st_priors_dropped, memory_order_relaxed);
    s->reports_dropped = atomic_load_explicit(&m->st_reports_dropped, memory_order_relaxed);
    s->dictsets_installed = atomic_load_explicit(&m->st_dictsets, memory_order_relaxed);
    s->params_installed = atomic_load_explicit(&m->st_params, memory_order_relaxed);
}
