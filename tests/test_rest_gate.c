/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The camera's rest gate (rest_gate.h).
 * 1. The rule on its own: the camera's offset against the audio is measured
 *    from the rises of the prior and of the sound (in time, late, early);
 *    before it is measured, only a player the camera has seen play is gated,
 *    and its first readings are blended with the latency setting's word;
 *    a late or early camera, a missing prior and depth 0 gate nothing;
 *    twins (one dictionary for two players) are left out of the offset and
 *    gated as far as their own group's timeliness allows.
 * 2. Through the engine: a player who rests half the time. With the camera
 *    in time, far less of the others' sound leaks into the resting player's
 *    stem than without the gate, and the stems still sum to the input; with
 *    the camera 0.15 s late, the gate measures it and stands aside; a
 *    player who starts to play behind a passer-by (the camera holds the
 *    rest it saw last, and says so) keeps the notes: not gated, and the
 *    held rest weighs little in the activity prior. */
#include <math.h>
#include <string.h>

#include "rest_gate.h"
#include "test_support.h"

#define RATE 16000.0
#define FFT 1024
#define HOP 256
#define SECONDS 12.0
#define FPS (RATE / HOP)

static uint32_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (uint32_t)(*s >> 11);
}

/* Whether a player plays at frame f: notes of 0.5-1.5 s and rests of
 * 0.3-0.8 s, from the player's own seed. */
static void playing_pattern(int *on, int frames, uint64_t seed)
{
    int f = 0, state = 1;
    while (f < frames) {
        const double s = state ? 0.5 + (next_random(&seed) % 1000) / 1000.0 : 0.3 + (next_random(&seed) % 500) / 1000.0;
        for (int k = 0; k < (int)(s * FPS) && f < frames; k++)
            on[f++] = state;
        state = !state;
    }
}

/* Feeds `frames` frames of three players whose priors are their playing
 * patterns, those in the bit mask `shifted` shifted by `shift` frames (> 0:
 * the camera shows them late); player `still` (if >= 0) plays but never
 * moves (its prior stays 0.05). */
static void feed_some(rest_gate *g, int frames, int shift, unsigned shifted, int present_from, int still)
{
    enum { P = 3, MAXF = 2000 };
    static int on[P][MAXF];
    for (int j = 0; j < P; j++)
        playing_pattern(on[j], MAXF, 100u + (uint64_t)j);
    uint64_t noise = 9;
    for (int f = 0; f < frames; f++) {
        float p[P], audio[P];
        bool present[P];
        for (int j = 0; j < P; j++) {
            const int fc = !((shifted >> j) & 1u) ? f : f - shift < 0 ? 0 : f - shift;
            p[j] = on[j][fc] && j != still ? 0.9f : 0.05f;
            present[j] = f >= present_from;
            /* the solve without priors hears a resting player 25 dB down (leakage), with some noise */
            audio[j] = (on[j][f] ? 1.0f : 0.056f) * (0.8f + 0.4f * (float)(next_random(&noise) % 1000) / 1000.0f);
        }
        rest_gate_update(g, p, present, audio);
    }
}

static void feed(rest_gate *g, int frames, int shift, int present_from, int still)
{
    feed_some(g, frames, shift, 7u, present_from, still);
}

static const bool seen_all[3] = {false, false, false}; /* nobody held */

static void rule_alone(void)
{
    rest_gate g;
    rest_gate_init(&g, FPS);
    rest_gate_reset(&g, NULL, 3);
    const bool present[3] = {true, true, true};
    const float resting[3] = {0.0f, 0.0f, 0.0f};
    CHECK(isnan(g.lag.offset_s) && isnan(rest_gate_timely(&g)));
    /* cold start: nobody seen playing, nothing gated */
    CHECK(!rest_gate_gains(&g, resting, present, seen_all, 1.0f, NAN));
    for (int j = 0; j < 3; j++)
        CHECK(g.gain[j] == 1.0f);

    /* in time (the prior's rises with the sound's) */
    feed(&g, (int)(10.0 * FPS), 0, 0, -1);
    const float in_time = g.lag.offset_s, timely = rest_gate_timely(&g);
    CHECK(rest_gate_gains(&g, resting, present, seen_all, 1.0f, NAN));
    const float gated = g.gain[0];
    const float half[3] = {0.5f * (REST_GATE_P_CLOSED + REST_GATE_P_OPEN), 1.0f, REST_GATE_P_CLOSED};
    rest_gate_gains(&g, half, present, seen_all, 1.0f, NAN);
    const float g_half = g.gain[0], g_playing = g.gain[1], g_closed = g.gain[2];
    CHECK(!rest_gate_gains(&g, resting, present, seen_all, 0.0f, NAN));
    printf("in time: offset %+.3f s (correlation %.2f), timely %.2f; gain at p 0 / %.2f / %.2f / 1: %.4f / %.4f / "
           "%.2f / %.2f\n",
           (double)in_time, (double)g.lag.offset_corr, (double)timely, (double)half[2], (double)half[0], (double)gated,
           (double)g_closed, (double)g_half, (double)g_playing);
    CHECK(fabsf(in_time - (0.0f - REST_GATE_TIMELY_CENTRE_S)) <= 1.01f / (float)FPS);
    CHECK(g.lag.offset_corr > 0.5f && timely == 1.0f);
    CHECK(gated == REST_GATE_FLOOR && g_closed == REST_GATE_FLOOR && fabsf(g_half - 0.5f) < 1e-6f &&
          g_playing == 1.0f);

    /* 0.1 s late, and 0.1 s early: measured, and no gate */
    const int shifts[2] = {(int)lround(0.1 * FPS), -(int)lround(0.1 * FPS)};
    for (int k = 0; k < 2; k++) {
        rest_gate_reset(&g, NULL, 3);
        feed(&g, (int)(10.0 * FPS), shifts[k], 0, -1);
        const float expect = (float)(shifts[k] / FPS) - REST_GATE_TIMELY_CENTRE_S;
        const bool any = rest_gate_gains(&g, resting, present, seen_all, 1.0f, NAN);
        printf("camera %+d frames: offset %+.3f s (expected %+.3f), timely %.2f, gated %d\n", shifts[k],
               (double)g.lag.offset_s, (double)expect, (double)rest_gate_timely(&g), any);
        CHECK(fabsf(g.lag.offset_s - expect) <= 1.01f / (float)FPS);
        CHECK(rest_gate_timely(&g) == 0.0f && !any);
    }

    /* the first readings rest on a few entrances: the latency setting's word is
     * given up as they settle, not at once */
    {
        const int late = (int)lround(0.1 * FPS);
        int f = 1;
        for (;; f++) {
            rest_gate_reset(&g, NULL, 3);
            feed(&g, f, late, 0, -1);
            if (!isnan(rest_gate_timely(&g)))
                break;
        }
        const float first = rest_gate_timely(&g), settled0 = lag_meter_settled(&g.lag),
                    measured = lag_meter_timely(&g.lag, REST_GATE_TIMELY_S, REST_GATE_UNTIMELY_S);
        float last = settled0;
        int settled_at = f;
        for (; lag_meter_settled(&g.lag) < 1.0f; settled_at += 4) {
            rest_gate_reset(&g, NULL, 3);
            feed(&g, settled_at, late, 0, -1);
            CHECK(lag_meter_settled(&g.lag) >= last);
            last = lag_meter_settled(&g.lag);
        }
        printf("camera %d frames late: measured after %.2f s (offset %+.3f s, timely by it %.2f), the gate's "
               "timeliness %.2f then, %.2f once settled after %.2f s\n",
               late, f / FPS, (double)g.lag.offset_s, (double)measured, (double)first, (double)rest_gate_timely(&g),
               settled_at / FPS);
        CHECK(settled0 >= 0.0f && settled0 < 0.05f && measured == 0.0f && first > 0.95f);
        CHECK(rest_gate_timely(&g) == 0.0f && settled_at > f + (int)(0.5 * FPS));
    }

    /* before the offset is measured: only players seen playing */
    rest_gate_reset(&g, NULL, 3);
    feed(&g, 3, 0, 0, -1);
    CHECK(isnan(rest_gate_timely(&g)));
    const float mixed[3] = {0.0f, 0.0f, 0.0f};
    rest_gate_gains(&g, mixed, present, seen_all, 1.0f, NAN);
    int seen = 0;
    for (int j = 0; j < 3; j++) {
        seen += (g.since_playing[j] <= g.seen_frames);
        CHECK(g.gain[j] == ((g.since_playing[j] <= g.seen_frames) ? REST_GATE_FLOOR : 1.0f));
    }
    CHECK(seen == 3); /* every pattern starts playing */
    rest_gate_reset(&g, NULL, 3);
    CHECK(!rest_gate_gains(&g, mixed, present, seen_all, 1.0f, NAN));

    /* a player who plays standing still: never gated, the others are */
    rest_gate_reset(&g, NULL, 3);
    feed(&g, 3, 0, 0, 1);
    rest_gate_gains(&g, resting, present, seen_all, 1.0f, NAN);
    CHECK(g.since_playing[1] > g.seen_frames && g.gain[1] == 1.0f && g.gain[0] == REST_GATE_FLOOR);
    feed(&g, (int)(10.0 * FPS), 0, 0, 1);
    rest_gate_gains(&g, resting, present, seen_all, 1.0f, NAN);
    printf("one player still: offset %+.3f s, gains %.3f / %.3f / %.3f\n", (double)g.lag.offset_s, (double)g.gain[0],
           (double)g.gain[1], (double)g.gain[2]);
    CHECK(rest_gate_timely(&g) == 1.0f && g.gain[1] == 1.0f && g.gain[0] == REST_GATE_FLOOR && g.gain[2] == REST_GATE_FLOOR);

    /* a player the camera cannot see now (a passer-by in front): not gated, the others are */
    const bool held0[3] = {true, false, false};
    CHECK(rest_gate_gains(&g, resting, present, held0, 1.0f, NAN));
    CHECK(g.gain[0] == 1.0f && g.gain[2] == REST_GATE_FLOOR);

    /* players 0 and 1 share a dictionary (twins): the offset comes from player 2
     * alone, even with the twins' priors 0.1 s late, and the twins' gate follows
     * the timeliness their group measured */
    {
        const int same_as[3] = {0, 0, 2};
        rest_gate_reset(&g, same_as, 3);
        CHECK(g.singles == 1 && g.twin[0] && g.twin[1] && !g.twin[2]);
        feed(&g, (int)(10.0 * FPS), 0, 0, -1);
        const float alone = g.lag.offset_s;
        rest_gate_reset(&g, same_as, 3);
        feed_some(&g, (int)(10.0 * FPS), (int)lround(0.1 * FPS), 3u, 0, -1);
        printf("twins 0.1 s late, player 2 in time: offset %+.3f s (player 2 alone %+.3f s), timely %.2f\n",
               (double)g.lag.offset_s, (double)alone, (double)rest_gate_timely(&g));
        CHECK(g.lag.offset_s == alone && rest_gate_timely(&g) == 1.0f);
        rest_gate_gains(&g, resting, present, seen_all, 1.0f, 0.0f);
        CHECK(g.gain[0] == 1.0f && g.gain[1] == 1.0f && g.gain[2] == REST_GATE_FLOOR);
        rest_gate_gains(&g, resting, present, seen_all, 1.0f, NAN);
        CHECK(g.gain[0] == REST_GATE_FLOOR && g.gain[1] == REST_GATE_FLOOR && g.gain[2] == REST_GATE_FLOOR);
    }

    /* the activity prior: kept while the offset can be read (in time, 0.1 s
     * late: the gate is off then, the prior still helps), made neutral for a
     * camera 0.5 s late (more than the lags searched); twins left to their
     * group (group_split_activity()) */
    {
        const float prior[3] = {0.1f, 0.9f, 0.3f};
        const int late[3] = {0, (int)lround(0.1 * FPS), (int)lround(0.5 * FPS)};
        float a[3];
        rest_gate_reset(&g, NULL, 3);
        memcpy(a, prior, sizeof a);
        rest_gate_activity(&g, a);
        CHECK(memcmp(a, prior, sizeof a) == 0); /* not measured yet */
        for (int k = 0; k < 3; k++) {
            rest_gate_reset(&g, NULL, 3);
            feed(&g, (int)(10.0 * FPS), late[k], 0, -1);
            memcpy(a, prior, sizeof a);
            rest_gate_activity(&g, a);
            printf("camera %d frames late: offset %+.3f s (correlation %.2f), activity prior 0.1 / 0.9 / 0.3 -> "
                   "%.2f / %.2f / %.2f\n",
                   late[k], (double)g.lag.offset_s, (double)g.lag.offset_corr, (double)a[0], (double)a[1],
                   (double)a[2]);
            if (k < 2)
                CHECK(memcmp(a, prior, sizeof a) == 0);
            else
                CHECK(a[0] == 1.0f && a[1] == 1.0f && a[2] == 1.0f);
        }
        const int same_as[3] = {0, 0, 2};
        rest_gate_reset(&g, same_as, 3);
        feed(&g, (int)(10.0 * FPS), late[2], 0, -1);
        memcpy(a, prior, sizeof a);
        rest_gate_activity(&g, a);
        CHECK(a[0] == prior[0] && a[1] == prior[1] && a[2] == 1.0f);
    }

    /* no prior: nothing measured, nothing gated */
    rest_gate_reset(&g, NULL, 3);
    feed(&g, (int)(10.0 * FPS), 0, 1 << 30, -1);
    const bool none[3] = {false, false, false};
    CHECK(isnan(g.lag.offset_s) && !rest_gate_gains(&g, resting, none, seen_all, 1.0f, NAN));
}

/* The second player rests 1 s of every 2.5 s (from 1 s on). */
static int second_plays(double t)
{
    return t < 1.0 || fmod(t - 1.0, 2.5) >= 1.0;
}

/* A passer-by hides the second player from 6.3 s (in a rest) to 8.0 s (it
 * plays again from 7.0 s): the camera holds the rest it saw. */
#define HIDDEN_FROM 6.3
#define HIDDEN_TO 8.0
#define PLAYS_HIDDEN 7.0
/* the audio's own veto (the trust, prior_trust.h) stops the prior, and with
 * it the gate, once the player is clearly heard; what it cannot save is the
 * entrance: measured over its first 0.3 s */
#define ENTRANCE_S 0.3

typedef enum scene { SCENE_SEEN, SCENE_STILL, SCENE_HIDDEN, SCENE_HIDDEN_UNSAID } scene;

/* SCENE_STILL: the second player is seen standing still throughout (it plays
 * unseen); SCENE_HIDDEN: the passer-by, the prior marked held; _UNSAID: the
 * same hold, not marked (as a capture that does not say so). */
static void push_priors(camsep_engine *e, double late_s, scene sc)
{
    for (int k = 0; k < (int)(SECONDS * 20.0); k++) { /* a 20 fps camera */
        const double t = k / 20.0;
        camsep_prior pr = {.time = (int64_t)(t * RATE), .n_sources = 2};
        pr.activity[0] = 1.0f;
        pr.activity[1] = sc != SCENE_STILL && second_plays(t - late_s) ? 1.0f : 0.0f;
        if ((sc == SCENE_HIDDEN || sc == SCENE_HIDDEN_UNSAID) && t >= HIDDEN_FROM && t < HIDDEN_TO) {
            pr.activity[1] = second_plays(HIDDEN_FROM) ? 1.0f : 0.0f;
            pr.held = sc == SCENE_HIDDEN ? 1u << 1 : 0u;
        }
        CHECK(camsep_engine_push_prior(e, &pr) == 0);
    }
}

typedef struct outcome {
    double leak_db; /* the second stem's energy in its rests, re the mixture's there, from 3 s on */
    double sdr[2];
    double sdr_hidden; /* the second stem's SDR as it starts to play behind the passer-by */
    double sum_error;
    float offset, gated_share; /* the last report's offset; the share of frames with the second gated, from 3 s on */
    double held_s;             /* how long the reports said the second player is held */
} outcome;

/* believed: the trust off and the prior at full strength, so that what the
 * activity prior itself does shows (the rest gate needs the trust: off too) */
static outcome separate_with(camsep_dictionary **d, float depth, bool believed, double late_s, scene sc,
                             const float *mix, size_t n, const float *const *truth)
{
    camsep_params p;
    camsep_params_default(&p);
    p.rest_gate = depth;
    if (believed) {
        p.trust_memory_s = 0.0f;
        p.activity_strength = 1.0f;
    }
    camsep_engine *e = make_engine(RATE, FFT, HOP, d, 2, &p);
    push_priors(e, late_s, sc);
    float **out = run_engine(e, mix, n, 256, 2);
    const size_t lat = (size_t)camsep_engine_latency(e);
    outcome o = {.offset = NAN};
    double leak = 0.0, there = 0.0;
    for (size_t i = (size_t)(3.0 * RATE); i < n; i++) {
        o.sum_error = fmax(o.sum_error, fabs((double)out[0][i + lat] + out[1][i + lat] - mix[i]));
        if (!second_plays((double)i / RATE) && !second_plays((double)i / RATE - 0.1)) {
            leak += (double)out[1][i + lat] * out[1][i + lat];
            there += (double)mix[i] * mix[i];
        }
    }
    o.leak_db = 10.0 * log10(leak / there + 1e-30);
    for (int j = 0; j < 2; j++)
        o.sdr[j] = sdr_db(truth[j], out[j] + lat, n - lat, (size_t)(3.0 * RATE));
    o.sdr_hidden = sdr_db(truth[1], out[1] + lat, (size_t)((PLAYS_HIDDEN + ENTRANCE_S) * RATE),
                          (size_t)(PLAYS_HIDDEN * RATE));
    camsep_frame_report r;
    int frames = 0, gated = 0;
    while (camsep_engine_read_report(e, &r) == 0) {
        o.offset = r.camera_offset;
        if (r.time >= (int64_t)(3.0 * RATE)) { /* once the offset has settled, as the figures above */
            frames++;
            gated += r.gate[1] < 0.5f;
        }
        o.held_s += ((r.held >> 1) & 1u) ? HOP / RATE : 0.0;
    }
    o.gated_share = frames ? (float)gated / (float)frames : 0.0f;
    free_stems(out, 2);
    camsep_engine_free(e);
    return o;
}

static outcome separate(camsep_dictionary **d, float depth, double late_s, scene sc, const float *mix, size_t n,
                        const float *const *truth)
{
    return separate_with(d, depth, false, late_s, sc, mix, n, truth);
}

static void through_the_engine(void)
{
    const size_t n = (size_t)(SECONDS * RATE);
    float *a = alloc_signal(n), *b = alloc_signal(n), *mix = alloc_signal(n);
    synth_melody(a, n, RATE, TIMBRE_BRIGHT, 55, 79, 0.25, 61, NULL);
    camsep_dictionary *bright = train_dictionary(a, n, RATE, FFT, 16, "flute");
    synth_melody(b, n, RATE, TIMBRE_ODD_HARMONICS, 50, 74, 0.25, 62, NULL);
    camsep_dictionary *dark = train_dictionary(b, n, RATE, FFT, 16, "clarinet");
    memset(a, 0, n * sizeof(float));
    memset(b, 0, n * sizeof(float));
    synth_melody(a, n, RATE, TIMBRE_BRIGHT, 55, 79, 0.3, 63, NULL);
    synth_melody(b, n, RATE, TIMBRE_ODD_HARMONICS, 50, 74, 0.3, 64, NULL);
    /* the rests written in, with 5 ms ramps: each ends where the camera sees the player start */
    for (size_t i = 0; i < n; i++) {
        const double t = (double)i / RATE, ramp = 0.005;
        double env = 0.0;
        for (int k = -1; k <= 1; k++)
            env = fmax(env, second_plays(t + k * ramp) ? 1.0 - fabs((double)k) * 0.5 : 0.0);
        b[i] *= (float)(second_plays(t) ? env : 0.0);
        mix[i] = a[i] + b[i];
    }
    const float *truth[2] = {a, b};
    camsep_dictionary *d[2] = {bright, dark};
    const outcome off = separate(d, 0.0f, 0.0, SCENE_SEEN, mix, n, truth),
                  on = separate(d, 1.0f, 0.0, SCENE_SEEN, mix, n, truth);
    const outcome late_off = separate(d, 0.0f, 0.15, SCENE_SEEN, mix, n, truth),
                  late_on = separate(d, 1.0f, 0.15, SCENE_SEEN, mix, n, truth);
    const outcome still_off = separate(d, 0.0f, 0.0, SCENE_STILL, mix, n, truth),
                  still_on = separate(d, 1.0f, 0.0, SCENE_STILL, mix, n, truth);
    const outcome hidden_off = separate(d, 0.0f, 0.0, SCENE_HIDDEN, mix, n, truth),
                  hidden_on = separate(d, 1.0f, 0.0, SCENE_HIDDEN, mix, n, truth),
                  unsaid_off = separate(d, 0.0f, 0.0, SCENE_HIDDEN_UNSAID, mix, n, truth),
                  unsaid_on = separate(d, 1.0f, 0.0, SCENE_HIDDEN_UNSAID, mix, n, truth);
    printf("in time: leakage into the resting player %.1f dB without the gate, %.1f dB with it (gated in %.0f %% "
           "of frames); SDR %.2f / %.2f -> %.2f / %.2f dB; offset %+.3f s; stems sum to the input within %.1e\n",
           off.leak_db, on.leak_db, 100.0 * on.gated_share, off.sdr[0], off.sdr[1], on.sdr[0], on.sdr[1],
           (double)on.offset, on.sum_error);
    printf("0.15 s late: offset %+.3f s, gated in %.0f %% of frames; SDR %.2f / %.2f dB without the gate, "
           "%.2f / %.2f with it\n",
           (double)late_on.offset, 100.0 * late_on.gated_share, late_off.sdr[0], late_off.sdr[1], late_on.sdr[0],
           late_on.sdr[1]);
    printf("the second player unseen (still): gated in %.0f %% of frames; SDR %.2f / %.2f dB without the gate, "
           "%.2f / %.2f with it\n",
           100.0 * still_on.gated_share, still_off.sdr[0], still_off.sdr[1], still_on.sdr[0], still_on.sdr[1]);
    printf("starting to play behind a passer-by: SDR of the entrance %.2f dB without the gate, %.2f with it; had the camera "
           "not said it holds: %.2f / %.2f\n",
           hidden_off.sdr_hidden, hidden_on.sdr_hidden, unsaid_off.sdr_hidden, unsaid_on.sdr_hidden);
    /* the activity prior itself, believed: a held rest weighs as p >= 0.9 */
    const outcome held_believed = separate_with(d, 0.0f, true, 0.0, SCENE_HIDDEN, mix, n, truth),
                  unsaid_believed = separate_with(d, 0.0f, true, 0.0, SCENE_HIDDEN_UNSAID, mix, n, truth);
    printf("the same with the prior believed (no trust, strength 1): %.2f dB held, %.2f not said\n",
           held_believed.sdr_hidden, unsaid_believed.sdr_hidden);
    CHECK(held_believed.sdr_hidden > unsaid_believed.sdr_hidden + 0.3);
    CHECK(hidden_on.sdr_hidden > hidden_off.sdr_hidden - 0.1);
    /* the reports say who is held, and for as long */
    CHECK(fabs(hidden_on.held_s - (HIDDEN_TO - HIDDEN_FROM)) < 0.1 && unsaid_on.held_s == 0.0 && on.held_s == 0.0);
    CHECK(unsaid_on.sdr_hidden < hidden_off.sdr_hidden - 0.5); /* the scene tests what it says */
    CHECK(on.leak_db < off.leak_db - 6.0);
    CHECK(still_on.sdr[0] > still_off.sdr[0] - 0.1 && still_on.sdr[1] > still_off.sdr[1] - 0.1);
    CHECK(still_on.gated_share < 0.02f);
    CHECK(on.sdr[0] > off.sdr[0] - 0.1 && on.sdr[1] > off.sdr[1] - 0.1);
    CHECK(on.sum_error < 1e-4 && off.sum_error < 1e-4);
    CHECK(fabsf(on.offset) <= REST_GATE_TIMELY_S);
    CHECK(late_on.offset > 0.1f && late_on.offset < 0.2f && late_on.gated_share < 0.02f);
    CHECK(late_on.sdr[0] > late_off.sdr[0] - 0.1 && late_on.sdr[1] > late_off.sdr[1] - 0.1);
    camsep_dictionary_free(bright);
    camsep_dictionary_free(dark);
    free(a);
    free(b);
    free(mix);
}

int main(void)
{
    rule_alone();
    through_the_engine();
    printf("rest_gate: the rule and the engine ok\n");
    return 0;
}
