/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audio thread's contract: process() never allocates or frees (every
 * allocator entry point is interposed and counted while armed), NaN/Inf input
 * never poisons the state, and dictionary/parameter swaps are taken in
 * process() without allocation. */
#define _GNU_SOURCE
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "test_support.h"
#include "alloc_counter.h"

#define RATE 16000.0

/* The motion follows the sound, so each player's share from it
 * (level_share.h) runs too; twins: d holds one dictionary twice, and the
 * split of same-instrument players (group_split.h) runs instead. */
static void no_allocation(camsep_dictionary **d, const float *mix, size_t n, int twins)
{
    camsep_params p;
    camsep_params_default(&p);
    p.activity_strength = 1.0f;
    p.regression_strength = 1.0f;
    p.smoothness = 0.5f;
    p.share_strength = 0.2f;
    camsep_engine *e = make_engine(RATE, 512, 128, d, 2, &p);
    float *o0 = alloc_signal(n), *o1 = alloc_signal(n);
    float *outs[CAMSEP_MAX_SOURCES] = {o0, o1};
    const uint32_t blocks[] = {1, 7, 64, 128, 1000, 4096};
    size_t pos = 0;
    char err[256];
    for (int round = 0; pos + 4096 < n; round++) {
        /* control thread work, unarmed: a new set and new parameters (twins: only at
         * the start, so that the split's evidence, forgotten at each new set, can grow) */
        if (twins ? round == 1 || round == 2 : round % 3 == 1) {
            camsep_dictset *s = camsep_dictset_create(e, (const camsep_dictionary *const *)d, 2, NULL, err, sizeof err);
            CHECK(s);
            CHECK(camsep_engine_post_dictset(e, s) == 0);
            p.iterations = 5 + round % 7;
            CHECK(camsep_engine_post_params(e, &p) == 0);
        }
        camsep_prior pr = {.time = (int64_t)pos, .n_sources = 2};
        pr.activity[0] = 0.8f;
        pr.activity[1] = twins ? 0.3f : 0.7f;
        uint32_t len = blocks[round % 6];
        { /* the level of the last window, as a camera that sees it */
            const size_t from = pos > 512 ? pos - 512 : 0;
            double sum = 0.0;
            for (size_t i = from; i < pos + len; i++)
                sum += (double)mix[i] * mix[i];
            const float rms = (float)sqrt(sum / (double)(pos + len - from));
            pr.motion[0][0] = 4.0f * rms;
            pr.motion[1][0] = 2.0f * rms;
        }
        ARM();
        camsep_engine_push_prior(e, &pr);
        camsep_engine_process(e, mix + pos, outs, len);
        DISARM();
        pos += len;
    }
    CHECK_MSG(ALLOCATIONS() == 0, "%ld allocator calls in the audio path", ALLOCATIONS());
    camsep_stats st;
    camsep_engine_get_stats(e, &st);
    CHECK(st.dictsets_installed >= 3 && st.params_installed >= 3 && st.priors_used > 0);
    float split = 0.0f, share = 0.0f;
    camsep_frame_report r;
    while (camsep_engine_read_report(e, &r) == 0) {
        split = fmaxf(split, r.split[0]);
        share = fmaxf(share, r.share[0]);
    }
    CHECK_MSG(twins ? split > 0.0f : split == 0.0f, "largest split weight %g (twins: %d)", (double)split, twins);
    CHECK_MSG(twins ? share == 0.0f : share > 0.0f, "largest share exponent %g (twins: %d)", (double)share, twins);
    camsep_dictset_free(camsep_engine_collect_retired(e));
    free(o0);
    free(o1);
    camsep_engine_free(e);
}

static void nonfinite_input(camsep_dictionary **d, const float *mix, size_t n)
{
    /* The same signal twice: once with NaN/Inf bursts, once with zeros there.
     * Non-finite samples count as silence, so the outputs must match exactly. */
    float *bad = alloc_signal(n), *zeroed = alloc_signal(n);
    memcpy(bad, mix, n * sizeof(float));
    memcpy(zeroed, mix, n * sizeof(float));
    for (size_t i = n / 4; i < n / 4 + 300; i++) {
        bad[i] = (i % 3 == 0) ? NAN : (i % 3 == 1) ? INFINITY : -INFINITY;
        zeroed[i] = 0.0f;
    }
    camsep_engine *e1 = make_engine(RATE, 512, 128, d, 2, NULL), *e2 = make_engine(RATE, 512, 128, d, 2, NULL);
    float **o1 = run_engine(e1, bad, n, 100, 2), **o2 = run_engine(e2, zeroed, n, 100, 2);
    const size_t total = n + (size_t)camsep_engine_latency(e1);
    for (int j = 0; j < 2; j++)
        for (size_t i = 0; i < total; i++) {
            CHECK(isfinite(o1[j][i]));
            CHECK(o1[j][i] == o2[j][i]);
        }
    camsep_stats st;
    camsep_engine_get_stats(e1, &st);
    CHECK(st.nonfinite_samples == 300);
    free_stems(o1, 2);
    free_stems(o2, 2);
    camsep_engine_free(e1);
    camsep_engine_free(e2);

    /* Absurdly large finite values: output stays finite and the engine recovers
     * (once the burst has left the window, output equals the clean run's). */
    for (size_t i = n / 4; i < n / 4 + 300; i++)
        bad[i] = (i % 2) ? 3e38f : -3e38f;
    e1 = make_engine(RATE, 512, 128, d, 2, NULL);
    e2 = make_engine(RATE, 512, 128, d, 2, NULL);
    o1 = run_engine(e1, bad, n, 100, 2);
    o2 = run_engine(e2, mix, n, 100, 2);
    double late_diff = 0.0, late_ref = 0.0;
    for (int j = 0; j < 2; j++)
        for (size_t i = 0; i < total; i++) {
            CHECK(isfinite(o1[j][i]));
            if (i > n / 4 + 300 + 4 * 512 + 512) { /* after the window and a few frames of memory */
                late_diff += fabs((double)o1[j][i] - o2[j][i]);
                late_ref += fabs((double)o2[j][i]);
            }
        }
    CHECK_MSG(late_diff < 1e-2 * late_ref, "no recovery after a burst: %g vs %g", late_diff, late_ref);
    free_stems(o1, 2);
    free_stems(o2, 2);
    camsep_engine_free(e1);
    camsep_engine_free(e2);
    free(bad);
    free(zeroed);
}

int main(void)
{
    const size_t n = (size_t)(3.0 * RATE);
    float *a = alloc_signal(n), *b = alloc_signal(n), *mix = alloc_signal(n);
    synth_melody(a, n, RATE, TIMBRE_ODD_HARMONICS, 55, 70, 0.25, 51, NULL);
    synth_melody(b, n, RATE, TIMBRE_DARK, 45, 60, 0.25, 52, NULL);
    camsep_dictionary *d[2] = {train_dictionary(a, n, RATE, 512, 8, "a"), train_dictionary(b, n, RATE, 512, 8, "b")};
    for (size_t i = 0; i < n; i++)
        mix[i] = a[i] + b[i];
    no_allocation(d, mix, n, 0);
    camsep_dictionary *twins[2] = {d[0], d[0]};
    no_allocation(twins, mix, n, 1);
    nonfinite_input(d, mix, n);
    camsep_dictionary_free(d[0]);
    camsep_dictionary_free(d[1]);
    free(a); free(b); free(mix);
    printf("realtime: no allocation in process(); non-finite input handled\n");
    return 0;
}
