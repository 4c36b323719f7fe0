/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Soft masks sum to one, so the stems add back to the (delayed) input, for
 * both mask exponents and with the "other" stem; gains scale the stems and
 * change smoothly. */
#include <math.h>
#include <string.h>

#include "test_support.h"

#define RATE 16000.0

static void check_sum(camsep_dictionary **d, int n_players, camsep_dictionary *other, float power,
                      const float *mix, size_t n)
{
    camsep_params p;
    camsep_params_default(&p);
    p.mask_power = power;
    camsep_config cfg;
    camsep_config_default(&cfg, RATE);
    cfg.fft_size = 512;
    cfg.latency = 0; /* symmetric, as the test dictionaries */
    cfg.hop = 128;
    cfg.max_atoms = 64;
    char err[256];
    camsep_engine *e = camsep_engine_create(&cfg, err, sizeof err);
    CHECK(e);
    camsep_dictset *s = camsep_dictset_create(e, (const camsep_dictionary *const *)d, n_players, other, err, sizeof err);
    CHECK_MSG(s, "%s", err);
    const int stems = camsep_dictset_sources(s);
    CHECK(stems == n_players + (other ? 1 : 0));
    CHECK(camsep_engine_post_dictset(e, s) == 0);
    CHECK(camsep_engine_post_params(e, &p) == 0);
    float **out = run_engine(e, mix, n, 333, stems);
    const size_t lat = (size_t)camsep_engine_latency(e);
    double worst = 0.0, energy[CAMSEP_MAX_SOURCES] = {0};
    for (size_t i = 0; i < n; i++) {
        double sum = 0.0;
        for (int j = 0; j < stems; j++) {
            sum += out[j][i + lat];
            energy[j] += (double)out[j][i + lat] * out[j][i + lat];
        }
        worst = fmax(worst, fabs(sum - mix[i]));
    }
    CHECK_MSG(worst < 1e-5, "power %g: stems differ from the input by %g", power, worst);
    for (int j = 0; j < stems; j++)
        CHECK(energy[j] > 0.0); /* every stem gets something: not a pass-through */
    free_stems(out, stems);
    camsep_engine_free(e);
}

static void check_gains(camsep_dictionary **d, const float *mix, size_t n)
{
    camsep_params p;
    camsep_params_default(&p);
    p.gain_smoothing_s = 0.0f;
    camsep_engine *e = make_engine(RATE, 512, 128, d, 2, &p);
    float **unity = run_engine(e, mix, n, 256, 2);
    camsep_engine_free(e);

    p.gain[0] = 0.5f;
    p.gain[1] = 0.0f;
    e = make_engine(RATE, 512, 128, d, 2, &p);
    float **scaled = run_engine(e, mix, n, 256, 2);
    const size_t total = n + (size_t)camsep_engine_latency(e);
    for (size_t i = 0; i < total; i++) {
        CHECK(fabsf(scaled[0][i] - 0.5f * unity[0][i]) <= 1e-7f * fabsf(unity[0][i]) + 1e-12f);
        CHECK(scaled[1][i] == 0.0f);
    }
    camsep_engine_free(e);
    free_stems(scaled, 2);

    /* Gains posted before the first sample are the starting point, even with
     * smoothing on: a stem muted from the start is silent from sample 0. */
    camsep_params_default(&p);
    p.gain[1] = 0.0f;
    e = make_engine(RATE, 512, 128, d, 2, &p);
    scaled = run_engine(e, mix, n, 256, 2);
    for (size_t i = 0; i < total; i++)
        CHECK(scaled[1][i] == 0.0f);
    camsep_engine_free(e);
    free_stems(scaled, 2);

    /* A gain change mid-stream glides: 10 ms time constant, no step. */
    camsep_params_default(&p);
    e = make_engine(RATE, 512, 128, d, 2, &p);
    float *o0 = alloc_signal(4096), *o1 = alloc_signal(4096);
    float *outs[CAMSEP_MAX_SOURCES] = {o0, o1};
    camsep_engine_process(e, mix, outs, 4096);
    p.gain[0] = 0.0f;
    CHECK(camsep_engine_post_params(e, &p) == 0);
    camsep_engine_process(e, mix + 4096, outs, 4096);
    /* Compare with the unity run over the same samples: the ratio falls from 1 towards 0 gradually. */
    double max_step = 0.0, prev = 1.0;
    int counted = 0;
    for (size_t i = 0; i < 4096; i++) {
        float u = unity[0][4096 + i];
        if (fabsf(u) < 1e-3f)
            continue;
        double r = o0[i] / u;
        max_step = fmax(max_step, fabs(r - prev));
        prev = r;
        counted++;
    }
    CHECK(counted > 100);
    CHECK_MSG(max_step < 0.05, "gain jumped by %g between audible samples", max_step);
    CHECK(fabsf(o0[4095]) < 1e-3f * (fabsf(unity[0][4096 + 4095]) + 1e-3f) + 1e-6f);
    /* once the glide is within 1e-7 (-140 dB) it lands: the muted stem is exactly silent */
    CHECK(n >= 8192 + 4096);
    camsep_engine_process(e, mix + 8192, outs, 4096);
    for (size_t i = 0; i < 4096; i++)
        CHECK_MSG(o0[i] == 0.0f, "sample %zu of a muted stem is %g", i, (double)o0[i]);
    free(o0); free(o1);
    camsep_engine_free(e);
    free_stems(unity, 2);
}

int main(void)
{
    const size_t n = (size_t)(1.5 * RATE);
    float *a = alloc_signal(n), *b = alloc_signal(n), *c = alloc_signal(n), *mix = alloc_signal(n);
    synth_melody(a, n, RATE, TIMBRE_ODD_HARMONICS, 55, 70, 0.25, 21, NULL);
    synth_melody(b, n, RATE, TIMBRE_DARK, 45, 60, 0.25, 22, NULL);
    synth_melody(c, n, RATE, TIMBRE_BRIGHT, 65, 80, 0.25, 23, NULL);
    camsep_dictionary *d[2] = {train_dictionary(a, n, RATE, 512, 8, "a"), train_dictionary(b, n, RATE, 512, 8, "b")};
    camsep_dictionary *other = train_dictionary(c, n, RATE, 512, 8, "other");
    for (size_t i = 0; i < n; i++)
        mix[i] = a[i] + b[i] + 0.5f * c[i];
    check_sum(d, 2, NULL, 1.0f, mix, n);
    check_sum(d, 2, NULL, 2.0f, mix, n);
    check_sum(d, 2, other, 2.0f, mix, n);
    check_sum(d, 2, NULL, 0.7f, mix, n);
    check_gains(d, mix, n);
    camsep_dictionary_free(d[0]);
    camsep_dictionary_free(d[1]);
    camsep_dictionary_free(other);
    free(a); free(b); free(c); free(mix);
    printf("masks: stems sum to the input; gains apply from sample 0 and glide\n");
    return 0;
}
