/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How late the camera is (lag_meter.h): a level with entrances at random
 * times and a camera signal that shows them d seconds later (or earlier).
 * The meter finds d to within a frame, at an analysis rate it decimates as
 * well as at its own; says nothing before it has the evidence; and a camera
 * signal that does not follow the sound measures no lag (timely 0). */
#include <math.h>
#include <string.h>

#include "lag_meter.h"
#include "test_support.h"

#define SECONDS 8.0

/* xorshift: the test's own reproducible noise */
static uint32_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (uint32_t)(*s >> 11);
}

/* Notes of 0.15..0.5 s at random levels, some of them rests. */
static void notes(float *level, int frames, double fps, uint64_t seed)
{
    int f = 0;
    while (f < frames) {
        const int len = (int)((0.15 + 0.35 * (next_random(&seed) % 1000) / 1000.0) * fps);
        const float v = next_random(&seed) % 4 == 0 ? 0.001f : 0.1f + 0.9f * (float)(next_random(&seed) % 1000) / 1000.0f;
        for (int i = 0; i < len && f < frames; i++)
            level[f++] = v;
    }
}

typedef struct measured {
    float offset, corr, timely, settled;
    bool nan_at_start, settles; /* settled: 0 when first measured, never falling, 1 at the end */
} measured;

/* Two channels; the camera signal is channel c's level late_s later (0 before). */
static measured measure(double fps, double late_s, bool follows, double memory_s)
{
    enum { MAX_FRAMES = 4096 };
    static float level[2][MAX_FRAMES], signal[2][MAX_FRAMES];
    const int frames = (int)(SECONDS * fps), shift = (int)lround(late_s * fps);
    CHECK(frames <= MAX_FRAMES);
    uint64_t seed = 99;
    for (int c = 0; c < 2; c++) {
        notes(level[c], frames, fps, 11 + (uint64_t)c);
        for (int f = 0; f < frames; f++) {
            const int src = f - shift;
            signal[c][f] = follows ? (src >= 0 && src < frames ? level[c][src] : 0.0f)
                                   : (float)(next_random(&seed) % 1000) / 1000.0f;
        }
    }
    static lag_meter m;
    lag_meter_init(&m, fps, 0.0f, memory_s, 2.0f);
    lag_meter_reset(&m, 2);
    measured out = {.settles = true};
    float settled = NAN;
    for (int f = 0; f < frames; f++) {
        const float lv[2] = {level[0][f], level[1][f]}, sg[2] = {signal[0][f], signal[1][f]};
        lag_meter_update(&m, lv, sg, true);
        if (f == (int)(0.3 * fps))
            out.nan_at_start = isnan(m.offset_s) && isnan(lag_meter_timely(&m, 0.05f, 0.09f)) &&
                               isnan(lag_meter_settled(&m));
        const float now = lag_meter_settled(&m);
        if (isnan(settled) && !isnan(now))
            out.settles = out.settles && now < 0.05f;
        else if (!isnan(settled))
            out.settles = out.settles && now >= settled;
        settled = now;
    }
    out.settled = settled;
    out.offset = m.offset_s;
    out.corr = m.offset_corr;
    out.timely = lag_meter_timely(&m, 0.05f, 0.09f);
    return out;
}

int main(void)
{
    const double rates[2] = {86.1328125, 375.0}; /* hop 512 at 44.1 kHz; hop 128 at 48 kHz (decimated) */
    const double lags[5] = {-0.1, 0.0, 0.04, 0.12, 0.2};
    for (int r = 0; r < 2; r++)
        for (int i = 0; i < 5; i++) {
            const measured m = measure(rates[r], lags[i], true, 3.0);
            const double frame = 1.0 / fmin(rates[r], LAG_METER_MAX_RATE);
            printf("%.0f frames/s, camera %+.2f s: measured %+.3f s (correlation %.2f), timely %.2f\n", rates[r],
                   lags[i], (double)m.offset, (double)m.corr, (double)m.timely);
            CHECK(m.nan_at_start && m.settles && m.settled == 1.0f);
            CHECK(fabs(m.offset - lags[i]) <= 1.01 * frame + 1.0 / rates[r]);
            CHECK(m.corr > 0.5f);
            if (fabs(lags[i]) <= 0.04)
                CHECK(m.timely == 1.0f);
            if (fabs(lags[i]) >= 0.1)
                CHECK(m.timely == 0.0f);
        }
    const measured u = measure(rates[0], 0.0, false, 6.0);
    printf("a camera signal that does not follow: peak correlation %.2f, timely %.2f\n", (double)u.corr,
           (double)u.timely);
    CHECK(u.corr < LAG_METER_MIN_CORR && u.timely == 0.0f);
    printf("lag_meter ok\n");
    return 0;
}
