/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "test_support.h"

#include <math.h>
#include <string.h>

#include "nmf.h"
#include "stft.h"

#define PI 3.14159265358979323846

static double partial_amp(timbre t, int h)
{
    switch (t) {
    case TIMBRE_ODD_HARMONICS:
        return (h % 2) ? 1.0 / h : 0.05 / h;
    case TIMBRE_BRIGHT:
        return 1.0 / sqrt((double)h);
    case TIMBRE_DARK:
    default:
        return 1.0 / ((double)h * h);
    }
}

void synth_note(float *out, size_t n, double rate, timbre t, double f0, double start, double end, double amp)
{
    size_t a = (size_t)(start * rate), b = (size_t)(end * rate);
    if (b > n)
        b = n;
    const double ramp = 0.01 * rate;
    for (size_t i = a; i < b; i++) {
        double tt = (double)(i - a) / rate, env = 1.0;
        if ((double)(i - a) < ramp)
            env = (double)(i - a) / ramp;
        if ((double)(b - i) < ramp)
            env = fmin(env, (double)(b - i) / ramp);
        double s = 0.0;
        for (int h = 1; h * f0 < rate / 2.0 - 200.0 && h <= 30; h++)
            s += partial_amp(t, h) * sin(2.0 * PI * h * f0 * tt);
        out[i] += (float)(amp * env * s);
    }
}

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

void synth_melody(float *out, size_t n, double rate, timbre t, int lo, int hi, double note_s, uint64_t seed,
                  int (*active)(double t))
{
    uint64_t s = seed * 2654435761u + 1;
    double dur = (double)n / rate;
    for (double start = 0.0; start + note_s <= dur + 1e-9; start += note_s) {
        int midi = lo + (int)(next_random(&s) % (uint64_t)(hi - lo + 1));
        if (active && !active(start + note_s / 2))
            continue;
        double f0 = 440.0 * pow(2.0, (midi - 69) / 12.0);
        synth_note(out, n, rate, t, f0, start, start + note_s, 0.2);
    }
}

double sdr_db(const float *ref, const float *est, size_t n, size_t from)
{
    double num = 0.0, den = 0.0;
    for (size_t i = from; i < n; i++) {
        num += (double)ref[i] * ref[i];
        den += ((double)ref[i] - est[i]) * ((double)ref[i] - est[i]);
    }
    return 10.0 * log10(num / (den + 1e-30));
}

camsep_dictionary *train_dictionary(const float *x, size_t n, double rate, int fft, int atoms, const char *name)
{
    return train_dictionary_window(x, n, rate, fft, fft, atoms, name);
}

camsep_dictionary *train_dictionary_window(const float *x, size_t n, double rate, int fft, int latency, int atoms,
                                           const char *name)
{
    size_t frames;
    float *V = camsep_stft_magnitudes(x, n, fft, latency / 2, latency / 4, &frames);
    CHECK(V);
    char err[256];
    camsep_dictionary *d = camsep_dictionary_new(atoms, rate, fft, name, err, sizeof err);
    CHECK(d);
    d->window_fall = latency / 2;
    CHECK(nmf_train(V, frames, d->n_bins, atoms, 100, 1.0f, 7, d->atoms, NULL, NULL) == 0);
    camsep_dictionary_normalise(d);
    free(V);
    return d;
}

camsep_engine *make_engine(double rate, int fft, int hop, camsep_dictionary **players, int n_players,
                           const camsep_params *params)
{
    return make_engine_latency(rate, fft, fft, hop, players, n_players, params);
}

camsep_engine *make_engine_latency(double rate, int fft, int latency, int hop, camsep_dictionary **players,
                                   int n_players, const camsep_params *params)
{
    return make_engine_bands(rate, fft, latency, hop, 0.0f, players, n_players, params);
}

camsep_engine *make_engine_bands(double rate, int fft, int latency, int hop, float band_width,
                                 camsep_dictionary **players, int n_players, const camsep_params *params)
{
    camsep_config cfg;
    camsep_config_default(&cfg, rate);
    cfg.fft_size = fft;
    cfg.latency = latency;
    cfg.hop = hop;
    cfg.nmf_band_width = band_width;
    int atoms = 0;
    for (int j = 0; j < n_players; j++)
        atoms += players[j]->n_atoms;
    cfg.max_atoms = atoms > 0 ? atoms : 1;
    char err[256] = "";
    camsep_engine *e = camsep_engine_create(&cfg, err, sizeof err);
    CHECK_MSG(e, "%s", err);
    if (n_players) {
        camsep_dictset *s =
            camsep_dictset_create(e, (const camsep_dictionary *const *)players, n_players, NULL, err, sizeof err);
        CHECK_MSG(s, "%s", err);
        CHECK(camsep_engine_post_dictset(e, s) == 0);
    }
    if (params)
        CHECK(camsep_engine_post_params(e, params) == 0);
    return e;
}

float *alloc_signal(size_t n)
{
    float *x = calloc(n ? n : 1, sizeof(float));
    CHECK(x);
    return x;
}

float **run_engine(camsep_engine *e, const float *x, size_t n, int block, int stems)
{
    const size_t total = n + (size_t)camsep_engine_latency(e);
    float **out = calloc((size_t)stems, sizeof(float *));
    CHECK(out);
    for (int j = 0; j < stems; j++)
        out[j] = alloc_signal(total);
    float *in = alloc_signal((size_t)block);
    for (size_t pos = 0; pos < total; pos += (size_t)block) {
        size_t len = total - pos < (size_t)block ? total - pos : (size_t)block;
        for (size_t i = 0; i < len; i++)
            in[i] = pos + i < n ? x[pos + i] : 0.0f;
        float *ptrs[CAMSEP_MAX_SOURCES] = {0};
        for (int j = 0; j < stems; j++)
            ptrs[j] = out[j] + pos;
        camsep_engine_process(e, in, ptrs, (uint32_t)len);
    }
    free(in);
    return out;
}

void score_engine(camsep_engine *e, const float *mix, size_t n, int stems, const float *const *truth, size_t from,
                  double *sdr, float **keep)
{
    float **out = run_engine(e, mix, n, 256, stems);
    const size_t lat = (size_t)camsep_engine_latency(e);
    for (int j = 0; j < stems; j++) {
        sdr[j] = sdr_db(truth[j], out[j] + lat, n - lat, from);
        if (keep)
            memcpy(keep[j], out[j], n * sizeof(float));
    }
    free_stems(out, stems);
}

void free_stems(float **stems, int count)
{
    for (int j = 0; j < count; j++)
        free(stems[j]);
    free(stems);
}
