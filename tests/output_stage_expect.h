/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What every host's output stage promises (plugin/README.md, "Output stage"),
 * as checks shared by the tests of engine/stem_output (test_stem_output), the
 * LV2 plugin's run() (test_lv2_plugin) and the standalones' audio side
 * (test_host_commands; test_jack.sh checks the same numbers on recorded JACK
 * ports). The numbers are written here, not taken from the code under test.
 */
#ifndef CAMSEP_TEST_OUTPUT_STAGE_EXPECT_H
#define CAMSEP_TEST_OUTPUT_STAGE_EXPECT_H

#include <math.h>
#include <stdint.h>

#include "check.h"

#define EXPECT_BYPASS_FADE_S 0.02     /* linear cross-fade */
#define EXPECT_METER_RELEASE_DB_S 20.0 /* peak meter fall after a peak */

/* Fully bypassed: every output is the input delayed by the latency divided
 * by the number of outputs. delayed[i] is the input `latency` samples before
 * output sample i. */
static inline void expect_bypassed(const char *host, float *const *outs, int n_outputs, const float *delayed,
                                   uint32_t n)
{
    for (int j = 0; j < n_outputs; j++)
        for (uint32_t i = 0; outs[j] && i < n; i++) {
            const float want = delayed[i] / (float)n_outputs;
            CHECK_MSG(fabsf(outs[j][i] - want) <= 1e-6f * (1.0f + fabsf(want)),
                      "%s: bypassed output %d sample %u is %g, want %g", host, j, i, (double)outs[j][i],
                      (double)want);
        }
}

/* The fade's length: the number of samples from the switch until the
 * outputs are fully dry (or fully separated) again, at `rate`. */
static inline void expect_fade_length(const char *host, long samples, double rate)
{
    const double want = EXPECT_BYPASS_FADE_S * rate;
    CHECK_MSG(fabs((double)samples - want) <= 2.0 + 0.01 * want, "%s: bypass fade of %ld samples, want %.0f", host,
              samples, want);
}

/* Two readings of a meter (dB) dt seconds apart while its output is silent. */
static inline void expect_meter_release(const char *host, double db_before, double db_after, double dt)
{
    const double fall = db_before - db_after, want = EXPECT_METER_RELEASE_DB_S * dt;
    CHECK_MSG(fabs(fall - want) <= 0.05 * want + 0.1, "%s: the meter fell %.2f dB in %.3f s, want %.2f dB", host,
              fall, dt, want);
}

#endif
