/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Players who share one dictionary, split by their motion (group_split.h).
 * 1. The rule on its own: no split before any evidence; the split opens when
 *    the group's motion follows the group's loudness and stays shut when it
 *    does not, and a few wild frames do not shut it; it keeps each atom's
 *    group total, moves the shares towards the motion's and never touches a
 *    source without a twin. A twin the camera cannot see is not counted, and
 *    its motion is estimated from the group's level. The same motion 0.15 s
 *    late is measured as late: no split, and the twins' activity priors
 *    become the group's.
 * 2. Through the engine: two players of one instrument, both playing all the
 *    time, louder and softer at different moments. Audio alone splits them
 *    evenly; their graded motion as the prior lifts both stems' SDR, motion
 *    unrelated to the sound costs next to nothing, and a duo of two different
 *    dictionaries is unchanged to the bit. */
#include <math.h>
#include <string.h>

#include "group_split.h"
#include "test_support.h"

#define RATE 16000.0
#define FFT 1024
#define HOP 256
#define SECONDS 10.0
#define FPS (RATE / HOP)
#define PI 3.14159265358979323846

/* xorshift: the test's own reproducible noise */
static uint32_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (uint32_t)(*s >> 11);
}

/* How hard each player plays at time t, 0..1, on two unrelated cycles. */
static double intensity(int player, double t)
{
    return player == 0 ? 0.5 + 0.5 * sin(2.0 * PI * t / 1.7) : 0.5 + 0.5 * sin(2.0 * PI * t / 2.9 + 1.0);
}

/* The loudness that intensity means: -30 dB at 0 to 0 dB at 1. */
static double amplitude(int player, double t)
{
    return pow(10.0, -1.5 * (1.0 - intensity(player, t)));
}

/* How hard each player plays at time t: notes of 0.3..0.6 s at levels
 * 0.1..1, a few of them rests (0). */
static double note(int player, double t)
{
    if (t < 0.0)
        return 0.0;
    uint64_t seed = 1234567 + 7919 * (uint64_t)player;
    double start = 0.0, len = 0.0;
    uint32_t r = 0;
    do {
        start += len;
        r = next_random(&seed);
        len = 0.3 + 0.3 * (double)(r % 1000) / 1000.0;
    } while (start + len <= t);
    return r % 5 == 0 ? 0.0 : 0.1 + 0.9 * (double)(next_random(&seed) % 1000) / 1000.0;
}

static void rule_alone(void)
{
    group_split g;
    group_split_init(&g, FPS, FFT / HOP);
    const int same_as[3] = {0, 0, 2}; /* two twins and a third player */
    group_split_reset(&g, same_as, 3);
    const bool present[3] = {true, true, true};
    uint64_t seed = 7;
    float first_weight = -1.0f;
    for (int f = 0; f < (int)(8.0 * FPS); f++) {
        const double t = f / FPS;
        const float motion[3] = {(float)intensity(0, t), (float)intensity(1, t), 0.5f};
        const float audio[3] = {(float)(0.5 * (amplitude(0, t) + amplitude(1, t))),
                                (float)(0.5 * (amplitude(0, t) + amplitude(1, t))),
                                (float)(0.5 + 0.1 * (double)(next_random(&seed) % 100) / 100.0)};
        group_split_update(&g, motion, present, NULL, audio, 1.0f);
        if (f == 0)
            first_weight = g.weight[0];
        if (f < (int)(0.5 * FPS) - 1) /* a camera's first half second is not evidence */
            CHECK(isnan(g.correlation[0]) && g.weight[0] == 0.0f);
    }
    printf("motion that follows the sound: correlation %.2f, weight %.2f (first frame %.2f)\n",
           (double)g.correlation[0], (double)g.weight[0], (double)first_weight);
    CHECK(first_weight == 0.0f); /* cold start: nothing invented */
    CHECK(g.correlation[0] > 0.8f && g.weight[0] == 1.0f && g.weight[1] == 1.0f);
    CHECK(g.weight[2] == 0.0f); /* no twin, nothing to split */

    /* each atom's group total is kept; the shares move to the motion's */
    const int atom_start[4] = {0, 3, 6, 9};
    float h[9] = {1, 2, 3, 1, 2, 3, 5, 6, 7}, before[9];
    memcpy(before, h, sizeof h);
    const float motion[3] = {1.0f, 0.5f, 0.3f};
    group_split_apply(&g, atom_start, motion, h);
    const float share0 = 1.0f / (1.0f + powf(0.5f, GROUP_SPLIT_POWER));
    for (int k = 0; k < 3; k++) {
        CHECK(fabsf(h[k] + h[3 + k] - (before[k] + before[3 + k])) < 1e-5f);
        CHECK(fabsf(h[k] / (h[k] + h[3 + k]) - share0) < 1e-5f);
        CHECK(h[6 + k] == before[6 + k]);
    }

    /* three players of one instrument: each atom's total kept, shares m^q / sum m^q */
    {
        group_split t;
        group_split_init(&t, FPS, FFT / HOP);
        const int trio[3] = {0, 0, 0};
        group_split_reset(&t, trio, 3);
        for (int f = 0; f < (int)(8.0 * FPS); f++) {
            const double tt = f / FPS;
            const float m3[3] = {(float)intensity(0, tt), (float)intensity(1, tt), (float)intensity(0, tt + 0.5)};
            const float level = (float)(amplitude(0, tt) + amplitude(1, tt) + amplitude(0, tt + 0.5));
            const float a3[3] = {level / 3.0f, level / 3.0f, level / 3.0f};
            group_split_update(&t, m3, present, NULL, a3, 0.5f);
        }
        CHECK(t.weight[0] == 0.5f && t.weight[1] == 0.5f && t.weight[2] == 0.5f); /* the strength caps it */
        float h3[6] = {3, 6, 3, 6, 3, 6};
        const int starts[4] = {0, 2, 4, 6};
        const float m3[3] = {1.0f, 0.5f, 0.0f};
        group_split_apply(&t, starts, m3, h3);
        const float q = powf(0.5f, GROUP_SPLIT_POWER), pi0 = 1.0f / (1.0f + q);
        for (int k = 0; k < 2; k++) {
            const float total = h3[k] + h3[2 + k] + h3[4 + k], before3 = k ? 18.0f : 9.0f;
            CHECK(fabsf(total - before3) < 1e-4f);
            CHECK(fabsf(h3[k] - (0.5f * before3 / 3.0f + 0.5f * pi0 * before3)) < 1e-4f);
            CHECK(fabsf(h3[4 + k] - 0.5f * before3 / 3.0f) < 1e-4f); /* still: only its unsplit half */
        }
    }

    /* three wild frames (an occluder coming in before the capture sees it):
     * the gate that eight seconds of evidence opened stays open */
    {
        group_split c = g;
        float wmin = 1.0f;
        for (int f = (int)(8.0 * FPS); f < (int)(9.0 * FPS); f++) {
            const double t = f / FPS;
            const int wild = f < (int)(8.0 * FPS) + 3;
            const float mw[3] = {wild ? 2.0f : (float)intensity(0, t), wild ? 2.0f : (float)intensity(1, t), 0.5f};
            const float aw[3] = {(float)(0.5 * (amplitude(0, t) + amplitude(1, t))),
                                 (float)(0.5 * (amplitude(0, t) + amplitude(1, t))), 0.5f};
            group_split_update(&c, mw, present, NULL, aw, 1.0f);
            wmin = fminf(wmin, c.weight[0]);
        }
        printf("three frames of motion at the cap: weight at least %.2f, correlation %.2f -> %.2f\n", (double)wmin,
               (double)g.correlation[0], (double)c.correlation[0]);
        CHECK(wmin >= 0.9f);
        CHECK(c.correlation[0] >= g.correlation[0] - 0.1f); /* counted in full: 0.94 -> 0.74 */
    }

    /* a passer-by hides player 1 for a second (the camera holds its last
     * motion): those frames are not counted, its motion is what the
     * group's level says the group moves, less player 0's, and the split
     * weighs that estimate by the correlation squared */
    {
        group_split c = g;
        const bool held1[3] = {false, true, false};
        const double counted = c.st[0][0];
        const float frozen = (float)intensity(1, 8.0);
        double err_held = 0.0, err_est = 0.0;
        int n = 0;
        for (int f = (int)(8.0 * FPS); f < (int)(9.0 * FPS); f++) {
            const double t = f / FPS;
            float mh[3] = {(float)intensity(0, t), frozen, 0.5f};
            const float ah[3] = {(float)(0.5 * (amplitude(0, t) + amplitude(1, t))),
                                 (float)(0.5 * (amplitude(0, t) + amplitude(1, t))), 0.5f};
            group_split_update(&c, mh, present, held1, ah, 1.0f);
            group_split_hidden_motion(&c, held1, mh);
            err_held += fabs(frozen - intensity(1, t));
            err_est += fabs(mh[1] - intensity(1, t));
            CHECK(mh[0] == (float)intensity(0, t) && mh[2] == 0.5f); /* in sight: as seen */
            n++;
        }
        printf("player 1 hidden for 1 s: its held motion off by %.3f on average, the level's estimate by %.3f\n",
               err_held / n, err_est / n);
        CHECK(c.st[0][0] == counted); /* nothing counted while hidden */
        CHECK(err_est < 0.5 * err_held);
        /* the estimate weighs as far as the level explains the motion */
        const float r = c.correlation[0];
        printf("  the split's weight while hidden %.3f (in sight %.3f, correlation %.2f)\n", (double)c.weight[0],
               (double)g.weight[0], (double)r);
        CHECK(r == g.correlation[0] && r > 0.0f && r < 1.0f);
        CHECK(fabsf(c.weight[0] - g.weight[0] * r * r) < 1e-6f && c.weight[0] < g.weight[0]);
    }

    /* a member without a prior this frame: no split */
    const bool partial[3] = {true, false, true};
    const float m[3] = {1.0f, 1.0f, 1.0f}, a[3] = {1.0f, 1.0f, 1.0f};
    group_split_update(&g, m, partial, NULL, a, 1.0f);
    CHECK(g.weight[0] == 0.0f && g.weight[1] == 0.0f);

    /* notes (entrances, not a slow swell) and their motion 0.15 s late: the
     * lag is measured, the split stands aside and the twins' activity priors
     * become the group's */
    {
        group_split late;
        group_split_init(&late, FPS, FFT / HOP);
        group_split_reset(&late, same_as, 3);
        for (int f = 0; f < (int)(8.0 * FPS); f++) {
            const double t = f / FPS, seen = t - 0.15;
            const float ml[3] = {(float)note(0, seen), (float)note(1, seen), 0.5f};
            const double level = pow(10.0, -1.5 * (1.0 - note(0, t))) + pow(10.0, -1.5 * (1.0 - note(1, t)));
            const float al[3] = {(float)(0.5 * level), (float)(0.5 * level), 0.5f};
            group_split_update(&late, ml, present, NULL, al, 1.0f);
        }
        float act[3] = {0.2f, 0.9f, 0.1f}, in_time[3] = {0.2f, 0.9f, 0.1f};
        group_split_activity(&late, act);
        group_split_activity(&g, in_time);
        printf("motion 0.15 s late: lag %+.3f s, timely %.2f, correlation %.2f, weight %.2f; "
               "priors 0.2 / 0.9 / 0.1 -> %.2f / %.2f / %.2f (in time: %.2f / %.2f)\n",
               (double)late.lag.offset_s, (double)group_split_timely(&late), (double)late.correlation[0], (double)late.weight[0],
               (double)act[0], (double)act[1], (double)act[2], (double)in_time[0], (double)in_time[1]);
        CHECK(fabsf(late.lag.offset_s - 0.15f) < 0.03f && group_split_timely(&late) == 0.0f);
        CHECK(late.weight[0] == 0.0f && late.weight[1] == 0.0f);
        CHECK(act[0] == 0.9f && act[1] == 0.9f && act[2] == 0.1f); /* the third player has no twin */
        CHECK(group_split_timely(&g) == 1.0f && in_time[0] == 0.2f && in_time[1] == 0.9f);
    }

    /* motion that does not follow the sound (every frame's own jitter) */
    group_split_reset(&g, same_as, 3);
    for (int f = 0; f < (int)(8.0 * FPS); f++) {
        const double t = f / FPS;
        const float motion2[3] = {(float)(next_random(&seed) % 1000) / 1000.0f,
                                  (float)(next_random(&seed) % 1000) / 1000.0f, 0.5f};
        const float audio[3] = {(float)amplitude(0, t), (float)amplitude(0, t), 1.0f};
        group_split_update(&g, motion2, present, NULL, audio, 1.0f);
    }
    /* no lag can be read from it: the split is left to its correlation gate,
     * and the twins' activity priors become the group's (a camera later than
     * the lags searched reads the same way) */
    float act[3] = {0.2f, 0.9f, 0.1f};
    group_split_activity(&g, act);
    printf("motion that does not: correlation %.2f, weight %.2f; lag peak %.2f, timely %.2f; "
           "priors 0.2 / 0.9 / 0.1 -> %.2f / %.2f / %.2f\n",
           (double)g.correlation[0], (double)g.weight[0], (double)g.lag.offset_corr, (double)group_split_timely(&g),
           (double)act[0], (double)act[1], (double)act[2]);
    CHECK(g.weight[0] == 0.0f && g.weight[1] == 0.0f);
    CHECK(g.lag.measured && g.lag.offset_corr < LAG_METER_MIN_CORR && group_split_timely(&g) == 1.0f);
    CHECK(act[0] == 0.9f && act[1] == 0.9f && act[2] == 0.1f);
}

typedef enum { MOTION_FOLLOWS, MOTION_UNRELATED } motion_kind;

static void push_motion(camsep_engine *e, motion_kind kind)
{
    for (int k = 0; k < (int)(SECONDS * 20.0); k++) { /* a 20 fps camera (the ring holds 256) */
        const double t = k / 20.0;
        camsep_prior pr = {.time = (int64_t)(t * RATE), .n_sources = 2};
        for (int j = 0; j < 2; j++) {
            pr.activity[j] = 1.0f; /* both play throughout */
            pr.motion[j][0] = kind == MOTION_FOLLOWS ? (float)intensity(j, t)
                                                     : (float)(0.5 + 0.5 * sin(2.0 * PI * t / (0.9 + 0.4 * j)));
        }
        CHECK(camsep_engine_push_prior(e, &pr) == 0);
    }
}

static void separate(camsep_dictionary **d, float split, int with_motion, motion_kind kind, const float *mix, size_t n,
                     const float *const *truth, double *sdr, float **keep)
{
    camsep_params p;
    camsep_params_default(&p);
    p.split_strength = split;
    camsep_engine *e = make_engine(RATE, FFT, HOP, d, 2, &p);
    if (with_motion)
        push_motion(e, kind);
    score_engine(e, mix, n, 2, truth, (size_t)(3.0 * RATE), sdr, keep);
    camsep_engine_free(e);
}

static void through_the_engine(void)
{
    const size_t n = (size_t)(SECONDS * RATE);
    float *a = alloc_signal(n), *b = alloc_signal(n), *mix = alloc_signal(n);
    synth_melody(a, n, RATE, TIMBRE_BRIGHT, 50, 74, 0.2, 51, NULL);
    camsep_dictionary *shared = train_dictionary(a, n, RATE, FFT, 16, "violin");
    camsep_dictionary *other = NULL;
    memset(a, 0, n * sizeof(float));
    synth_melody(a, n, RATE, TIMBRE_BRIGHT, 50, 74, 0.25, 52, NULL);
    synth_melody(b, n, RATE, TIMBRE_BRIGHT, 50, 74, 0.3, 53, NULL);
    for (size_t i = 0; i < n; i++) {
        const double t = (double)i / RATE;
        a[i] *= (float)amplitude(0, t);
        b[i] *= (float)amplitude(1, t);
        mix[i] = a[i] + b[i];
    }
    const float *truth[2] = {a, b};
    camsep_dictionary *twins[2] = {shared, shared};
    double alone[2], follows[2], unrelated[2];
    separate(twins, 0.0f, 1, MOTION_FOLLOWS, mix, n, truth, alone, NULL);
    separate(twins, 1.0f, 1, MOTION_FOLLOWS, mix, n, truth, follows, NULL);
    separate(twins, 1.0f, 1, MOTION_UNRELATED, mix, n, truth, unrelated, NULL);
    printf("same instrument, SDR after 3 s: without the split %.2f / %.2f dB, motion that follows the sound "
           "%.2f / %.2f dB, motion that does not %.2f / %.2f dB\n",
           alone[0], alone[1], follows[0], follows[1], unrelated[0], unrelated[1]);
    CHECK(follows[0] > alone[0] + 2.0 && follows[1] > alone[1] + 2.0);
    CHECK(unrelated[0] > alone[0] - 0.2 && unrelated[1] > alone[1] - 0.2);

    /* two different dictionaries: no group, the split changes nothing */
    memset(b, 0, n * sizeof(float));
    synth_melody(b, n, RATE, TIMBRE_DARK, 43, 64, 0.2, 54, NULL);
    other = train_dictionary(b, n, RATE, FFT, 16, "cello");
    camsep_dictionary *pair[2] = {shared, other};
    float *off[2] = {alloc_signal(n), alloc_signal(n)}, *on[2] = {alloc_signal(n), alloc_signal(n)};
    double s_off[2], s_on[2];
    separate(pair, 0.0f, 1, MOTION_FOLLOWS, mix, n, truth, s_off, off);
    separate(pair, 1.0f, 1, MOTION_FOLLOWS, mix, n, truth, s_on, on);
    for (int j = 0; j < 2; j++) {
        CHECK(memcmp(off[j], on[j], n * sizeof(float)) == 0);
        free(off[j]);
        free(on[j]);
    }
    camsep_dictionary_free(other);
    camsep_dictionary_free(shared);
    free(a);
    free(b);
    free(mix);
}

int main(void)
{
    rule_alone();
    through_the_engine();
    printf("group_split: the rule and the engine ok\n");
    return 0;
}
