/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Each player's share of the sound from the camera's graded motion
 * (level_share.h).
 * 1. The rule on its own: nothing before the evidence; once the motion has
 *    followed each player's level the shares are the levels the learnt
 *    lines predict; a player whose motion does not follow the sound, a twin,
 *    a player the camera cannot see, a resting one and a camera out of time
 *    are left free, and one player alone with a share moves nothing. Bad
 *    values do not poison the statistics.
 *    The masks' gains are (wanted / has)^(p kappa), bounded.
 * 2. Through the engine: two instruments playing all the time, louder and
 *    softer at different moments. Their graded motion as the prior lifts
 *    both stems' SDR by more than 1.5 dB; motion unrelated to the sound costs next to nothing;
 *    with the strength at 0 the output is the same to the bit as without
 *    motion at all. */
#include <math.h>
#include <string.h>

#include "level_share.h"
#include "test_support.h"

#define RATE 16000.0
#define FFT 1024
#define HOP 256
#define SECONDS 12.0
#define FPS (RATE / HOP)
#define PI 3.14159265358979323846

/* How hard each player plays at time t, 0.05..1, on unrelated cycles. */
static double intensity(int player, double t)
{
    static const double period[4] = {1.7, 2.9, 2.3, 3.7};
    return 0.05 + 0.95 * (0.5 + 0.5 * sin(2.0 * PI * t / period[player] + player));
}

/* The level that intensity means to the audio: c_j * m^2 (a power law the
 * line can learn exactly), players at different scales. */
static double level_of(int player, double t)
{
    static const double scale[4] = {1.0, 3.0, 0.5, 2.0};
    const double m = intensity(player, t);
    return scale[player] * m * m;
}

typedef struct frame_in {
    float motion[CAMSEP_MAX_SOURCES], activity[CAMSEP_MAX_SOURCES], audio[CAMSEP_MAX_SOURCES];
    bool present[CAMSEP_MAX_SOURCES], held[CAMSEP_MAX_SOURCES];
} frame_in;

static frame_in playing(int n, double t)
{
    frame_in f;
    memset(&f, 0, sizeof f);
    for (int j = 0; j < n; j++) {
        f.motion[j] = (float)intensity(j, t);
        f.activity[j] = 1.0f;
        f.audio[j] = (float)level_of(j, t);
        f.present[j] = true;
    }
    return f;
}

static void feed(level_share *ls, const frame_in *f, float strength)
{
    level_share_frame(ls, f->motion, f->activity, f->present, f->held, f->audio, 1.0f, strength);
}

static void rule_alone(void)
{
    level_share ls;
    level_share_init(&ls, FPS);
    level_share_reset(&ls, NULL, 3);
    frame_in f = playing(3, 0.0);
    feed(&ls, &f, 1.0f);
    CHECK(!ls.active && ls.kappa[0] == 0.0f && isnan(ls.corr[0])); /* cold start: nothing invented */
    /* player 2's motion follows nothing it plays */
    float kappa_1s = -1.0f;
    for (double t = 1.0 / FPS; t < 10.0; t += 1.0 / FPS) {
        f = playing(3, t);
        f.motion[2] = (float)(0.5 + 0.5 * sin(2.0 * PI * t / 0.77));
        feed(&ls, &f, 1.0f);
        if (kappa_1s < 0.0f && t >= 1.0)
            kappa_1s = ls.kappa[0];
    }
    CHECK(kappa_1s > 0.0f && kappa_1s < 0.75f); /* the evidence still rising after 1 s */
    CHECK(ls.corr[0] > 0.99f && ls.corr[1] > 0.99f && fabsf(ls.corr[2]) < 0.3f);
    CHECK(ls.active && ls.kappa[0] == 1.0f && ls.kappa[1] == 1.0f && ls.kappa[2] == 0.0f);
    /* the shares of the next frame are what the lines predict, among the players who have one */
    const double t = 10.0;
    f = playing(3, t);
    feed(&ls, &f, 1.0f);
    const double l0 = level_of(0, t), l1 = level_of(1, t);
    printf("shares at 10 s: %.4f / %.4f (levels' %.4f / %.4f), correlations %.3f / %.3f / %.3f\n", (double)ls.target[0],
           (double)ls.target[1], l0 / (l0 + l1), l1 / (l0 + l1), (double)ls.corr[0], (double)ls.corr[1],
           (double)ls.corr[2]);
    CHECK(fabs(ls.target[0] - l0 / (l0 + l1)) < 0.02 && fabs(ls.target[1] - l1 / (l0 + l1)) < 0.02);
    CHECK(ls.target[2] == 0.0f);

    /* the masks' gains: at kappa 1 and p 2, S_j^2 scaled by (wanted / has)^2 among the players
     * with a share, the others 1; bounded either way */
    {
        float gain[3] = {1.0f, 1.0f, 1.0f};
        const float has[3] = {1.0f, 1.0f, 5.0f}; /* player 0 and 1 at half each; player 2 free */
        CHECK(level_share_mask_gains(&ls, has, 2.0f, gain));
        const double want0 = 2.0 * ls.target[0], want1 = 2.0 * ls.target[1];
        printf("mask gains at 10 s: %.4f / %.4f / %.4f (wanted over has %.4f / %.4f)\n", (double)gain[0],
               (double)gain[1], (double)gain[2], want0, want1);
        CHECK(fabs(gain[0] - want0 * want0) < 1e-4 * want0 * want0 && fabs(gain[1] - want1 * want1) < 1e-4 * want1 * want1);
        CHECK(gain[2] == 1.0f);
        const float lopsided[3] = {1e-6f, 1.0f, 1.0f};
        gain[0] = gain[1] = gain[2] = 1.0f;
        CHECK(level_share_mask_gains(&ls, lopsided, 2.0f, gain));
        CHECK(gain[0] == LEVEL_SHARE_GAIN_MAX && gain[1] >= 1.0f / LEVEL_SHARE_GAIN_MAX && gain[1] < 1.0f);
        const float none[3] = {0.0f, 0.0f, 1.0f};
        gain[0] = -1.0f;
        CHECK(!level_share_mask_gains(&ls, none, 2.0f, gain) && gain[0] == -1.0f);
    }

    /* the strength scales kappa; 0 is off */
    CHECK(level_share_timely(&ls) == 1.0f && ls.lag.measured && fabsf(ls.lag.offset_s) < 0.03f);
    feed(&ls, &f, 0.25f);
    CHECK(ls.kappa[0] == 0.25f && ls.kappa[1] == 0.25f);
    feed(&ls, &f, 0.0f);
    CHECK(!ls.active && ls.kappa[0] == 0.0f && ls.kappa[1] == 0.0f);

    /* player 1 unseen, or resting: free and not learnt from; player 0 then has nobody to share with */
    level_share before = ls;
    f.held[1] = true;
    feed(&ls, &f, 1.0f);
    CHECK(!ls.active && ls.kappa[0] == 0.0f && ls.kappa[1] == 0.0f && ls.counted[1] == before.counted[1]);
    f.held[1] = false;
    f.activity[1] = 0.3f;
    f.motion[1] = 0.0f;
    feed(&ls, &f, 1.0f);
    CHECK(!ls.active && ls.counted[1] == before.counted[1]);

    /* bad values are skipped, never learnt */
    f = playing(3, 10.5);
    f.audio[0] = NAN;
    f.motion[1] = INFINITY;
    f.audio[2] = -1.0f;
    before = ls;
    feed(&ls, &f, 1.0f);
    CHECK(ls.counted[0] == before.counted[0] && ls.counted[1] == before.counted[1] &&
          ls.counted[2] == before.counted[2]);
    CHECK(isfinite(ls.corr[0]) && isfinite(ls.corr[1]) && isfinite(ls.target[0]));

    /* the same motion 0.15 s late (a latency set wrong): measured as late, no shares */
    level_share late;
    level_share_init(&late, FPS);
    level_share_reset(&late, NULL, 2);
    for (double tt = 0.0; tt < 10.0; tt += 1.0 / FPS) {
        frame_in g = playing(2, tt);
        for (int j = 0; j < 2; j++)
            g.motion[j] = (float)intensity(j, tt - 0.15);
        feed(&late, &g, 1.0f);
    }
    printf("motion 0.15 s late: offset %.3f s (correlation %.2f), timely %.2f\n", (double)late.lag.offset_s,
           (double)late.lag.offset_corr, (double)level_share_timely(&late));
    CHECK(late.lag.offset_s > 0.07f && level_share_timely(&late) == 0.0f); /* smooth swells: a broad peak */
    CHECK(!late.active && late.kappa[0] == 0.0f && late.kappa[1] == 0.0f);

    /* twins (sources 1 and 2 share one dictionary) are never given a share */
    const int same_as[3] = {0, 1, 1};
    level_share_reset(&ls, same_as, 3);
    for (double tt = 0.0; tt < 6.0; tt += 1.0 / FPS) {
        f = playing(3, tt);
        feed(&ls, &f, 1.0f);
    }
    CHECK(!ls.active && ls.kappa[0] == 0.0f && ls.kappa[1] == 0.0f && ls.kappa[2] == 0.0f);
}

typedef enum { MOTION_NONE, MOTION_FOLLOWS, MOTION_UNRELATED, MOTION_LATE } motion_kind;

static void push_motion(camsep_engine *e, motion_kind kind)
{
    for (int k = 0; k < (int)(SECONDS * 20.0); k++) { /* a 20 fps camera (the ring holds 256) */
        const double t = k / 20.0;
        camsep_prior pr = {.time = (int64_t)(t * RATE), .n_sources = 2};
        for (int j = 0; j < 2; j++) {
            pr.activity[j] = 1.0f; /* both play throughout */
            pr.motion[j][0] = kind == MOTION_FOLLOWS ? (float)intensity(j, t)
                              : kind == MOTION_LATE  ? (float)intensity(j, t - 0.5) /* beyond the lags searched */
                                                     : (float)(0.5 + 0.5 * sin(2.0 * PI * t / (0.9 + 0.4 * j)));
        }
        CHECK(camsep_engine_push_prior(e, &pr) == 0);
    }
}

static void separate(camsep_dictionary **d, float strength, motion_kind kind, const float *mix, size_t n,
                     const float *const *truth, double *sdr, float **keep)
{
    camsep_params p;
    camsep_params_default(&p);
    p.share_strength = strength;
    camsep_engine *e = make_engine(RATE, FFT, HOP, d, 2, &p);
    if (kind != MOTION_NONE)
        push_motion(e, kind);
    score_engine(e, mix, n, 2, truth, (size_t)(4.0 * RATE), sdr, keep);
    camsep_engine_free(e);
}

static void through_the_engine(void)
{
    const size_t n = (size_t)(SECONDS * RATE);
    float *a = alloc_signal(n), *b = alloc_signal(n), *mix = alloc_signal(n);
    synth_melody(a, n, RATE, TIMBRE_BRIGHT, 50, 74, 0.2, 61, NULL);
    synth_melody(b, n, RATE, TIMBRE_DARK, 45, 69, 0.2, 62, NULL);
    camsep_dictionary *da = train_dictionary(a, n, RATE, FFT, 16, "bright");
    camsep_dictionary *db = train_dictionary(b, n, RATE, FFT, 16, "dark");
    memset(a, 0, n * sizeof(float));
    memset(b, 0, n * sizeof(float));
    synth_melody(a, n, RATE, TIMBRE_BRIGHT, 50, 74, 0.25, 63, NULL);
    synth_melody(b, n, RATE, TIMBRE_DARK, 45, 69, 0.3, 64, NULL);
    for (size_t i = 0; i < n; i++) {
        const double t = (double)i / RATE;
        a[i] *= (float)sqrt(level_of(0, t) / 1.0);
        b[i] *= (float)sqrt(level_of(1, t) / 3.0);
        mix[i] = a[i] + b[i];
    }
    const float *truth[2] = {a, b};
    camsep_dictionary *pair[2] = {da, db};
    double audio_only[2], off[2], follows[2], unrelated[2], late[2];
    float *keep_none[2] = {alloc_signal(n), alloc_signal(n)}, *keep_off[2] = {alloc_signal(n), alloc_signal(n)};
    separate(pair, 1.0f, MOTION_NONE, mix, n, truth, audio_only, keep_none);
    separate(pair, 0.0f, MOTION_FOLLOWS, mix, n, truth, off, keep_off);
    separate(pair, 1.0f, MOTION_FOLLOWS, mix, n, truth, follows, NULL);
    separate(pair, 1.0f, MOTION_UNRELATED, mix, n, truth, unrelated, NULL);
    separate(pair, 1.0f, MOTION_LATE, mix, n, truth, late, NULL);
    printf("two instruments, SDR after 4 s: audio only %.2f / %.2f dB, the camera without shares %.2f / %.2f, "
           "with shares from motion that follows the sound %.2f / %.2f, from motion that does not %.2f / %.2f, "
           "from the same motion 0.5 s late %.2f / %.2f\n",
           audio_only[0], audio_only[1], off[0], off[1], follows[0], follows[1], unrelated[0], unrelated[1], late[0],
           late[1]);
    CHECK(follows[0] > off[0] + 1.5 && follows[1] > off[1] + 1.5);
    CHECK(unrelated[0] > off[0] - 0.1 && unrelated[1] > off[1] - 0.1);
    CHECK(late[0] > off[0] - 0.1 && late[1] > off[1] - 0.1);
    /* the activity prior says "playing" throughout: without shares the camera changes nothing */
    for (int j = 0; j < 2; j++) {
        CHECK(memcmp(keep_none[j], keep_off[j], n * sizeof(float)) == 0);
        free(keep_none[j]);
        free(keep_off[j]);
    }
    camsep_dictionary_free(da);
    camsep_dictionary_free(db);
    free(a);
    free(b);
    free(mix);
}

int main(void)
{
    rule_alone();
    through_the_engine();
    printf("level_share: the rule and the engine ok\n");
    return 0;
}
