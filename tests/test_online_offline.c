/* SPDX-License-Identifier: GPL-3.0-or-later */
/* With enough iterations the online, frame-by-frame solver reaches the offline
 * (batch) solution of the same frames: same fit (objective) and same model
 * spectrum W h in every frame. */
#include <math.h>
#include <string.h>

#include "dictset.h"
#include "nmf.h"
#include "stft.h"
#include "test_support.h"

#define RATE 16000.0
#define FFT 512
#define HOP 128

int main(void)
{
    const size_t n = (size_t)(1.5 * RATE);
    float *a = alloc_signal(n), *b = alloc_signal(n), *mix = alloc_signal(n);
    synth_melody(a, n, RATE, TIMBRE_ODD_HARMONICS, 55, 70, 0.25, 11, NULL);
    synth_melody(b, n, RATE, TIMBRE_BRIGHT, 50, 65, 0.3, 12, NULL);
    camsep_dictionary *d[2] = {train_dictionary(a, n, RATE, FFT, 6, "a"), train_dictionary(b, n, RATE, FFT, 6, "b")};
    for (size_t i = 0; i < n; i++)
        mix[i] = a[i] * 0.7f + b[i];

    camsep_params p;
    camsep_params_default(&p);
    p.iterations = 200;
    p.warm_start = 1.0f;
    p.smoothness = 0.0f; /* the batch solution has no temporal term */
    camsep_engine *e = make_engine(RATE, FFT, HOP, d, 2, &p);
    char err[256];
    camsep_dictset *set = camsep_dictset_create(e, (const camsep_dictionary *const *)d, 2, NULL, err, sizeof err);
    CHECK(set);
    const int K = set->n_atoms, F = set->bins;

    size_t frames;
    float *V = camsep_stft_magnitudes(mix, n, FFT, FFT / 2, HOP, &frames);
    CHECK(V);
    float *H = alloc_signal(frames * (size_t)K);
    CHECK(nmf_batch_activations(set, V, frames, 3000, 1.0f, H) == 0);

    float *online = alloc_signal(frames * (size_t)K);
    float *in = alloc_signal(HOP), *out0 = alloc_signal(HOP), *out1 = alloc_signal(HOP);
    float *outs[CAMSEP_MAX_SOURCES] = {out0, out1};
    for (size_t f = 0; f < frames; f++) {
        memcpy(in, mix + f * HOP, HOP * sizeof(float));
        camsep_engine_process(e, in, outs, HOP);
        CHECK(camsep_engine_frames(e) == (int64_t)f + 1);
        int k_out;
        const float *h = camsep_engine_activations(e, &k_out);
        CHECK(h && k_out == K);
        memcpy(online + f * (size_t)K, h, sizeof(float) * (size_t)K);
    }

    /* Compare in every frame with real signal in it. */
    double worst_obj = 0.0, worst_model = 0.0, mean_obj = 0.0;
    float *y1 = alloc_signal((size_t)F), *y2 = alloc_signal((size_t)F);
    size_t compared = 0;
    for (size_t f = 4; f < frames; f++) {
        const float *v = V + f * (size_t)F;
        double level = 0.0;
        for (int i = 0; i < F; i++)
            level += v[i];
        if (level < 1e-3)
            continue;
        for (int i = 0; i < F; i++) {
            double s1 = 1e-12, s2 = 1e-12;
            for (int k = 0; k < K; k++) {
                float w = set->w_by_atom[(size_t)k * set->bins_padded + i];
                s1 += w * online[f * (size_t)K + k];
                s2 += w * H[f * (size_t)K + k];
            }
            y1[i] = (float)s1;
            y2[i] = (float)s2;
        }
        double o1 = nmf_beta_divergence(v, y1, F, 1.0f), o2 = nmf_beta_divergence(v, y2, F, 1.0f);
        double diff = 0.0;
        for (int i = 0; i < F; i++)
            diff += fabs((double)y1[i] - y2[i]);
        worst_obj = fmax(worst_obj, fabs(o1 - o2) / (o2 + 1e-9 * level));
        mean_obj += fabs(o1 - o2) / (o2 + 1e-9 * level);
        worst_model = fmax(worst_model, diff / level);
        compared++;
    }
    mean_obj /= (double)(compared ? compared : 1);
    printf("online vs offline over %zu frames: objective gap mean %.2e worst %.2e, worst model difference %.2e\n",
           compared, mean_obj, worst_obj, worst_model);
    CHECK(compared > frames / 2);
    CHECK(mean_obj < 2e-3);
    CHECK(worst_obj < 5e-2);
    CHECK(worst_model < 5e-2);

    free(y1); free(y2); free(in); free(out0); free(out1); free(online); free(H); free(V);
    camsep_dictset_free(set);
    camsep_engine_free(e);
    camsep_dictionary_free(d[0]);
    camsep_dictionary_free(d[1]);
    free(a); free(b); free(mix);
    return 0;
}
