/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine/stem_output: the output stage every host runs. Gain, mute and solo
 * to linear gains; the bypass is the input delayed by the latency split
 * evenly over the outputs, reached by a 20 ms linear cross-fade that keeps
 * the outputs' sum; the meters release at 20 dB/s whatever the block size;
 * non-finite input never reaches the delay; no allocation in process().
 */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc_counter.h"
#include "check.h"
#include "output_stage_expect.h"
#include "stem_output.h"

#define RATE 48000.0
#define LATENCY 1024u
#define OUTS 3
#define TOTAL 48000

static float input_at(long t)
{
    return t < 0 ? 0.0f : (float)(0.5 * sin(2 * M_PI * 220.0 * (double)t / RATE));
}

static void test_gains(void)
{
    camsep_stem_output o;
    CHECK(camsep_stem_output_init(&o, OUTS, LATENCY, RATE) == 0);
    CHECK(camsep_stem_output_gain(&o, 0) == 1.0f && camsep_stem_output_gain(&o, OUTS) == 0.0f);
    camsep_stem_output_set_gain_db(&o, 0, -6.0f);
    CHECK(fabsf(camsep_stem_output_gain(&o, 0) - 0.501187f) < 1e-5f);
    camsep_stem_output_set_gain_db(&o, 0, NAN); /* ignored */
    CHECK(fabsf(camsep_stem_output_gain(&o, 0) - 0.501187f) < 1e-5f);
    camsep_stem_output_set_gain_db(&o, 0, 100.0f); /* clamped to +24 */
    CHECK(fabsf(camsep_stem_output_gain(&o, 0) - 15.8489f) < 1e-3f);
    camsep_stem_output_set_gain_db(&o, 0, -500.0f); /* the floor is silence */
    CHECK(camsep_stem_output_gain(&o, 0) == 0.0f);
    camsep_stem_output_set_gain_db(&o, 0, 0.0f);
    camsep_stem_output_set_mute(&o, 1, 1);
    CHECK(camsep_stem_output_gain(&o, 1) == 0.0f && camsep_stem_output_gain(&o, 0) == 1.0f);
    camsep_stem_output_set_solo(&o, 2, 1); /* a solo silences the others */
    CHECK(camsep_stem_output_gain(&o, 0) == 0.0f && camsep_stem_output_gain(&o, 2) == 1.0f);
    camsep_stem_output_set_solo(&o, 1, 1); /* muted wins over soloed */
    CHECK(camsep_stem_output_gain(&o, 1) == 0.0f);
    camsep_stem_output_free(&o);
    CHECK(camsep_stem_output_init(&o, 0, LATENCY, RATE) == -1);
    CHECK(camsep_stem_output_init(&o, OUTS, 0, RATE) == -1);
    printf("gains: dB, clamps, mute, solo\n");
}

/* Separated outputs stand-in: the input in fixed shares, as masks that sum to one. */
static void separated(long t0, float *const *outs, uint32_t n)
{
    static const float share[OUTS] = {0.5f, 0.3f, 0.2f};
    for (uint32_t i = 0; i < n; i++)
        for (int j = 0; j < OUTS; j++)
            outs[j][i] = share[j] * input_at(t0 + (long)i - (long)LATENCY);
}

static void test_bypass(uint32_t block)
{
    camsep_stem_output o;
    CHECK(camsep_stem_output_init(&o, OUTS, LATENCY, RATE) == 0);
    camsep_stem_output_reset(&o);
    static float buf[OUTS][1024], in[1024], delayed[1024];
    float *outs[OUTS] = {buf[0], buf[1], buf[2]};
    const long on_at = 12000, off_at = 30000;
    double worst_sum = 0;
    const long before = ALLOCATIONS();
    for (long t = 0; t < TOTAL; t += block) {
        if (t >= on_at && t - (long)block < on_at)
            camsep_stem_output_set_bypass(&o, 1);
        if (t >= off_at && t - (long)block < off_at)
            camsep_stem_output_set_bypass(&o, 0);
        for (uint32_t i = 0; i < block; i++) {
            in[i] = input_at(t + (long)i);
            delayed[i] = input_at(t + (long)i - (long)LATENCY);
        }
        separated(t, outs, block);
        ARM();
        camsep_stem_output_process(&o, in, outs, block);
        DISARM();
        for (uint32_t i = 0; i < block; i++) {
            const float sum = outs[0][i] + outs[1][i] + outs[2][i];
            worst_sum = fmax(worst_sum, fabs((double)sum - delayed[i]));
        }
        if (t >= on_at + 2400 && t + (long)block <= off_at)
            expect_bypassed("stem_output", outs, OUTS, delayed, block);
        if (t >= off_at + 2400)
            CHECK(!camsep_stem_output_bypassed(&o) && outs[0][0] == 0.5f * delayed[0]);
    }
    CHECK_MSG(ALLOCATIONS() == before, "%ld allocator calls in process()", ALLOCATIONS() - before);
    CHECK_MSG(worst_sum < 1e-5, "the outputs' sum strays from the delayed input by %g", worst_sum);
    camsep_stem_output_free(&o);
    printf("bypass, blocks of %u: dry/%d on every output, sum kept within %.1g\n", block, OUTS, worst_sum);
}

/* A constant input and silent separated outputs: each output is the fade's
 * position over OUTS, so the fade can be timed to the sample. */
static void test_fade_length(void)
{
    camsep_stem_output o;
    CHECK(camsep_stem_output_init(&o, OUTS, 4, RATE) == 0);
    camsep_stem_output_reset(&o);
    float one = 1.0f, buf[OUTS];
    float *outs[OUTS] = {&buf[0], &buf[1], &buf[2]};
    long on_at = 1000, off_at = 5000, dry_at = -1, wet_at = -1;
    float last = 0.0f, step = -1.0f;
    for (long t = 0; t < 8000; t++) {
        if (t == on_at)
            camsep_stem_output_set_bypass(&o, 1);
        if (t == off_at)
            camsep_stem_output_set_bypass(&o, 0);
        buf[0] = buf[1] = buf[2] = 0.0f;
        camsep_stem_output_process(&o, &one, outs, 1);
        CHECK(buf[0] == buf[1] && buf[1] == buf[2]);
        if (t > on_at && t < on_at + 100) { /* linear: the same step each sample */
            if (step < 0.0f)
                step = buf[0] - last;
            CHECK(fabsf(buf[0] - last - step) < 1e-6f);
        }
        if (dry_at < 0 && buf[0] == 1.0f / OUTS)
            dry_at = t;
        if (t >= off_at && wet_at < 0 && buf[0] == 0.0f)
            wet_at = t;
        last = buf[0];
    }
    expect_fade_length("stem_output", dry_at - on_at + 1, RATE);
    expect_fade_length("stem_output", wet_at - off_at + 1, RATE);
    camsep_stem_output_free(&o);
    printf("fade: linear, %ld samples in, %ld out\n", dry_at - on_at + 1, wet_at - off_at + 1);
}

static void test_meters(void)
{
    /* The same signal in blocks of 1, 64 and 1000: the same readings. */
    const uint32_t blocks[] = {1, 64, 1000};
    float reading[3][2];
    for (int b = 0; b < 3; b++) {
        camsep_stem_output o;
        CHECK(camsep_stem_output_init(&o, 2, LATENCY, RATE) == 0);
        camsep_stem_output_reset(&o);
        static float buf[2][1000], in[1000];
        float *outs[2] = {buf[0], NULL};
        for (long t = 0; t < 24000; t += blocks[b]) {
            for (uint32_t i = 0; i < blocks[b]; i++)
                buf[0][i] = t + (long)i < 6000 ? input_at(t + (long)i) : 0.0f;
            memset(in, 0, sizeof in);
            camsep_stem_output_process(&o, in, outs, blocks[b]);
            if (t + (long)blocks[b] == 16000)
                reading[b][0] = camsep_stem_output_level(&o, 0);
        }
        reading[b][1] = camsep_stem_output_level(&o, 0);
        CHECK(camsep_stem_output_level(&o, 1) == 0.0f); /* nobody reads it: silent meter */
        camsep_stem_output_free(&o);
        expect_meter_release("stem_output", 20 * log10(reading[b][0]), 20 * log10(reading[b][1]), 8000.0 / RATE);
    }
    for (int b = 1; b < 3; b++)
        CHECK_MSG(fabsf(reading[b][1] - reading[0][1]) < 1e-6f * reading[0][1], "block %u reads %g, block 1 %g",
                  blocks[b], (double)reading[b][1], (double)reading[0][1]);
    printf("meters: peak %.3f dBFS falls at 20 dB/s, the same for blocks of 1, 64, 1000\n",
           20 * log10(reading[0][0]));
}

static void test_non_finite(void)
{
    camsep_stem_output o;
    CHECK(camsep_stem_output_init(&o, 1, 4, RATE) == 0);
    camsep_stem_output_set_bypass(&o, 1);
    camsep_stem_output_reset(&o);
    float in[8] = {1, NAN, INFINITY, 2, 0, 0, 0, 0}, out[8] = {0};
    float *outs[1] = {out};
    camsep_stem_output_process(&o, in, outs, 8);
    const float want[8] = {0, 0, 0, 0, 1, 0, 0, 2};
    for (int i = 0; i < 8; i++)
        CHECK_MSG(out[i] == want[i], "sample %d: %g", i, (double)out[i]);
    camsep_stem_output_free(&o);
    printf("non-finite input: zeros in the delay line\n");
}

int main(void)
{
    test_gains();
    test_bypass(1);
    test_bypass(64);
    test_bypass(1000);
    test_fade_length();
    test_meters();
    test_non_finite();
    printf("stem_output: ok\n");
    return 0;
}
