/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The host's block size changes nothing: stems are bit-identical for block
 * sizes 1, 64, 1000 and 4096, with priors flowing. */
#include <string.h>

#include "test_support.h"

#define RATE 16000.0

static int first_half(double t) { return t < 1.2; }
static int second_half(double t) { return t > 0.8; }

int main(void)
{
    const size_t n = (size_t)(2.0 * RATE);
    float *a = alloc_signal(n), *b = alloc_signal(n), *mix = alloc_signal(n);
    synth_melody(a, n, RATE, TIMBRE_ODD_HARMONICS, 55, 70, 0.25, 1, NULL);
    synth_melody(b, n, RATE, TIMBRE_DARK, 45, 60, 0.25, 2, NULL);
    camsep_dictionary *d[2] = {train_dictionary(a, n, RATE, 512, 8, "a"), train_dictionary(b, n, RATE, 512, 8, "b")};
    memset(a, 0, n * sizeof(float));
    memset(b, 0, n * sizeof(float));
    synth_melody(a, n, RATE, TIMBRE_ODD_HARMONICS, 55, 70, 0.2, 3, first_half);
    synth_melody(b, n, RATE, TIMBRE_DARK, 45, 60, 0.3, 4, second_half);
    for (size_t i = 0; i < n; i++)
        mix[i] = a[i] + b[i];

    camsep_params p;
    camsep_params_default(&p);
    p.activity_strength = 1.0f;
    p.regression_strength = 0.5f;
    p.smoothness = 0.1f;
    const int blocks[] = {1, 64, 1000, 4096};
    float **ref = NULL;
    for (int bi = 0; bi < 4; bi++) {
        camsep_engine *e = make_engine(RATE, 512, 128, d, 2, &p);
        for (int k = 0; k < 100; k++) { /* priors every 20 ms, all queued up front */
            camsep_prior pr = {.time = (int64_t)(k * 0.02 * RATE), .n_sources = 2};
            pr.activity[0] = first_half(k * 0.02) ? 1.0f : 0.1f;
            pr.activity[1] = second_half(k * 0.02) ? 1.0f : 0.1f;
            pr.motion[0][0] = pr.activity[0];
            pr.motion[1][0] = pr.activity[1];
            CHECK(camsep_engine_push_prior(e, &pr) == 0);
        }
        float **out = run_engine(e, mix, n, blocks[bi], 2);
        const size_t total = n + (size_t)camsep_engine_latency(e);
        if (!ref) {
            ref = out;
        } else {
            for (int j = 0; j < 2; j++)
                CHECK_MSG(memcmp(ref[j], out[j], total * sizeof(float)) == 0, "block %d differs on stem %d",
                          blocks[bi], j + 1);
            free_stems(out, 2);
        }
        camsep_stats st;
        camsep_engine_get_stats(e, &st);
        CHECK(st.priors_used == 100);
        camsep_engine_free(e);
    }
    free_stems(ref, 2);
    camsep_dictionary_free(d[0]);
    camsep_dictionary_free(d[1]);
    free(a);
    free(b);
    free(mix);
    printf("blocksize: 1, 64, 1000, 4096 identical\n");
    return 0;
}
