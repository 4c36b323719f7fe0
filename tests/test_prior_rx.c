/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The OSC prior receiver (plugin/osc/osc_prior_rx.h): placement by age with
 * the jitter taken back, sequence gaps, late, reordered and duplicated
 * messages, several senders, silence, restarts, refusals, the held mask,
 * the motion block. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "osc_prior_rx.h"

#define MS 1000000LL
#define OFFSET_NS 3900000000000000000LL /* the sender's wall clock (NTP) minus the receiver's monotonic */

/* A message as camsep-capture sends it: the event at sender wall time
 * event_wall_ns, sent age_ns later. */
static int make(camsep_prior_rx_arg *a, int64_t event_wall_ns, int64_t age_ns, uint32_t seq, int ok, int n,
                const float *act)
{
    memset(a, 0, sizeof(camsep_prior_rx_arg) * (size_t)(4 + n));
    uint64_t sec = (uint64_t)(event_wall_ns / 1000000000), ns = (uint64_t)(event_wall_ns % 1000000000);
    a[0].type = 't';
    a[0].timetag = (sec << 32) | ((ns << 32) / 1000000000u);
    a[1].type = 'f';
    a[1].number = (double)(float)((double)age_ns * 1e-9);
    a[2].type = 'i';
    a[2].number = seq;
    a[3].type = 'i';
    a[3].number = ok;
    for (int j = 0; j < n; j++) {
        a[4 + j].type = 'f';
        a[4 + j].number = act[j];
    }
    return 4 + n;
}

/* Sends seq with the event at receiver time ev (ns), age 5 ms, network delay delay_ns. */
static int deliver(camsep_prior_rx *rx, const char *who, int64_t ev, uint32_t seq, int64_t delay_ns, float a0, float a1,
                   camsep_prior_rx_out *out)
{
    camsep_prior_rx_arg a[12];
    float act[2] = {a0, a1};
    int argc = make(a, ev + OFFSET_NS, 5 * MS, seq, 1, 2, act);
    char why[256] = "";
    return camsep_prior_rx_message(rx, who, a, argc, ev + 5 * MS + delay_ns, out, why, sizeof why);
}

static void test_placement_and_jitter(void)
{
    camsep_prior_rx rx;
    camsep_prior_rx_init(&rx, 2, 0);
    camsep_prior_rx_out out;
    int64_t worst = 0;
    uint32_t rnd = 1;
    for (uint32_t k = 0; k < 200; k++) {
        rnd = rnd * 1664525u + 1013904223u;
        const int64_t delay = 1 * MS + (int64_t)(rnd >> 8) % (20 * MS); /* 1..21 ms */
        const int64_t ev = 1000 * MS + (int64_t)k * 33 * MS;
        CHECK(deliver(&rx, "udp:a:1", ev, k, delay, 0.25f, 0.75f, &out) == 1);
        CHECK(out.n_players == 2 && out.activity[0] == 0.25f && out.activity[1] == 0.75f);
        const int64_t err = out.time_ns - ev;
        if (k >= 64 && llabs(err) > worst) /* after a window of messages */
            worst = llabs(err);
        /* by age alone a message lands up to its delay late; never earlier than the event */
        CHECK(err >= -1 * MS && err <= 21 * MS);
    }
    /* the jitter is taken back: what remains is the smallest delay (1 ms) and the window's spread */
    CHECK_MSG(worst <= 3 * MS, "worst placement error %.2f ms", (double)worst * 1e-6);
    CHECK(rx.stats.received == 200 && rx.stats.gaps == 0 && rx.stats.late == 0 && rx.stats.senders == 1);
}

static void test_sequence(void)
{
    camsep_prior_rx rx;
    camsep_prior_rx_init(&rx, 2, 0);
    camsep_prior_rx_out out;
    const int64_t t = 1000 * MS;
    CHECK(deliver(&rx, "udp:a:1", t, 10, MS, 0.5f, 0.5f, &out) == 1);
    CHECK(deliver(&rx, "udp:a:1", t + 66 * MS, 12, MS, 0.5f, 0.5f, &out) == 1); /* 11 lost so far */
    CHECK(rx.stats.gaps == 1);
    const int64_t newest = out.time_ns;
    CHECK(deliver(&rx, "udp:a:1", t + 33 * MS, 11, 40 * MS, 0.9f, 0.9f, &out) == 0); /* reordered: late */
    CHECK(rx.stats.late == 1 && rx.stats.duplicates == 0);
    CHECK(deliver(&rx, "udp:a:1", t + 66 * MS, 12, 3 * MS, 0.5f, 0.5f, &out) == 0);  /* twice */
    CHECK(deliver(&rx, "udp:a:1", t + 33 * MS, 11, 50 * MS, 0.9f, 0.9f, &out) == 0); /* the late one again */
    CHECK(rx.stats.duplicates == 2 && rx.stats.late == 1);
    CHECK(deliver(&rx, "udp:a:1", t + 99 * MS, 13, MS, 0.1f, 0.2f, &out) == 1);
    CHECK(out.time_ns > newest && out.activity[0] == 0.1f);
    /* a jump of 100: 99 lost */
    CHECK(deliver(&rx, "udp:a:1", t + 200 * 33 * MS, 113, MS, 0.1f, 0.2f, &out) == 1);
    CHECK(rx.stats.gaps == 100);
    /* the sequence wraps at 2^31 */
    camsep_prior_rx_init(&rx, 2, 0);
    CHECK(deliver(&rx, "udp:a:1", t, 0x7ffffffeu, MS, 0.5f, 0.5f, &out) == 1);
    CHECK(deliver(&rx, "udp:a:1", t + 33 * MS, 0x7fffffffu, MS, 0.5f, 0.5f, &out) == 1);
    CHECK(deliver(&rx, "udp:a:1", t + 66 * MS, 0, MS, 0.5f, 0.5f, &out) == 1);
    CHECK(rx.stats.gaps == 0 && rx.stats.late == 0);
    /* a sender restarted under the same address: sequence from 0, newer time */
    CHECK(deliver(&rx, "udp:a:1", t + 5000 * MS, 0, MS, 0.3f, 0.3f, &out) == 1);
    CHECK(rx.stats.restarts == 1 && out.activity[0] == 0.3f);
    CHECK(deliver(&rx, "udp:a:1", t + 5033 * MS, 1, MS, 0.3f, 0.3f, &out) == 1);
}

static void test_senders_and_silence(void)
{
    camsep_prior_rx rx;
    camsep_prior_rx_init(&rx, 2, 250 * MS);
    camsep_prior_rx_out out;
    const int64_t t = 1000 * MS;
    CHECK(deliver(&rx, "udp:a:1", t, 0, MS, 0.2f, NAN, &out) == 1);
    CHECK(out.activity[0] == 0.2f && isnan(out.activity[1]));
    CHECK(deliver(&rx, "udp:b:2", t + 10 * MS, 500, MS, 0.6f, 0.8f, &out) == 1);
    CHECK(rx.stats.senders == 2);
    CHECK(fabsf(out.activity[0] - 0.4f) < 1e-6f && out.activity[1] == 0.8f); /* mean of those who know */
    /* b falls silent: after 250 ms the tick drops it; a alone remains */
    CHECK(deliver(&rx, "udp:a:1", t + 200 * MS, 1, MS, 0.2f, NAN, &out) == 1);
    CHECK(camsep_prior_rx_tick(&rx, t + 100 * MS, &out) == 0);
    CHECK(camsep_prior_rx_tick(&rx, t + 300 * MS, &out) == 1);
    CHECK(rx.stats.senders == 1 && rx.stats.silences == 1);
    CHECK(out.activity[0] == 0.2f && isnan(out.activity[1]) && out.time_ns == t + 300 * MS);
    CHECK(out.time_ns > t + 200 * MS);
    /* a silent too: neutral (all unknown) at the tick's time */
    CHECK(camsep_prior_rx_tick(&rx, t + 500 * MS, &out) == 1);
    CHECK(rx.stats.senders == 0 && isnan(out.activity[0]) && isnan(out.activity[1]));
    CHECK(camsep_prior_rx_tick(&rx, t + 600 * MS, &out) == 0);
    /* the camera lost (camera_ok 0): unknown */
    camsep_prior_rx_arg a[12];
    float act[2] = {0.7f, 0.7f};
    int argc = make(a, t + 700 * MS + OFFSET_NS, 5 * MS, 2, 0, 2, act);
    char why[256];
    CHECK(camsep_prior_rx_message(&rx, "udp:a:1", a, argc, t + 706 * MS, &out, why, sizeof why) == 1);
    CHECK(isnan(out.activity[0]) && isnan(out.activity[1]));
    /* priors handed on never go back in time */
    const int64_t before = out.time_ns;
    CHECK(deliver(&rx, "udp:c:3", t + 100 * MS, 0, MS, 1.0f, 1.0f, &out) == 1);
    CHECK(out.time_ns == before + 1);
}

static void test_refusals(void)
{
    camsep_prior_rx rx;
    camsep_prior_rx_init(&rx, 2, 0);
    camsep_prior_rx_out out;
    memset(&out, 0x5a, sizeof out);
    const camsep_prior_rx_out untouched = out;
    camsep_prior_rx_arg a[12];
    float act[3] = {0.1f, 0.2f, 0.3f};
    char why[256] = "";
    int argc = make(a, 1000 * MS + OFFSET_NS, 5 * MS, 0, 1, 3, act);
    CHECK(camsep_prior_rx_message(&rx, "udp:x:9", a, argc, 1010 * MS, &out, why, sizeof why) == -1);
    CHECK_MSG(strstr(why, "3 players") && strstr(why, "separates 2"), "%s", why);
    CHECK(!memcmp(&out, &untouched, sizeof out) && rx.stats.refused == 1 && rx.stats.received == 0);
    CHECK(rx.stats.senders == 0 && !rx.senders[0].used);
    argc = make(a, 1000 * MS + OFFSET_NS, 5 * MS, 0, 1, 2, act);
    a[1].type = 's';
    CHECK(camsep_prior_rx_message(&rx, "udp:x:9", a, argc, 1010 * MS, &out, why, sizeof why) == -1);
    a[1].type = 'f';
    a[1].number = NAN;
    CHECK(camsep_prior_rx_message(&rx, "udp:x:9", a, argc, 1010 * MS, &out, why, sizeof why) == -1);
    CHECK(camsep_prior_rx_message(&rx, "udp:x:9", a, 2, 1010 * MS, &out, why, sizeof why) == -1);
    CHECK(camsep_prior_rx_players(&rx, 3, why, sizeof why) == -1 && strstr(why, "3 players"));
    CHECK(camsep_prior_rx_players(&rx, 2, why, sizeof why) == 0);
    CHECK(rx.stats.refused == 4 + 1 && rx.stats.received == 0);
    /* out-of-range activities are clamped, Inf is unknown */
    argc = make(a, 1000 * MS + OFFSET_NS, 5 * MS, 0, 1, 2, act);
    a[4].number = 7.0;
    a[5].number = INFINITY;
    CHECK(camsep_prior_rx_message(&rx, "udp:x:9", a, argc, 1010 * MS, &out, why, sizeof why) == 1);
    CHECK(out.activity[0] == 1.0f && isnan(out.activity[1]));
}

/* Appends the held mask (a trailing int32) to a message of argc arguments. */
static int with_held(camsep_prior_rx_arg *a, int argc, double held)
{
    memset(&a[argc], 0, sizeof a[argc]);
    a[argc].type = 'i';
    a[argc].number = held;
    return argc + 1;
}

/* Appends a motion block (int32 channels, then count floats from m) to a message of argc arguments. */
static int with_motion(camsep_prior_rx_arg *a, int argc, double channels, int count, const float *m)
{
    memset(&a[argc], 0, sizeof(camsep_prior_rx_arg) * (size_t)(1 + count));
    a[argc].type = 'i';
    a[argc].number = channels;
    for (int k = 0; k < count; k++) {
        a[argc + 1 + k].type = 'f';
        a[argc + 1 + k].number = m[k];
    }
    return argc + 1 + count;
}

/* A 3-player message with the held mask and, when channels > 0, the motion block m (3 x channels). */
static int full_message(camsep_prior_rx *rx, const char *who, int64_t ev, uint32_t seq, int ok, const float *act,
                        double held, int channels, const float *m, camsep_prior_rx_out *out, char *why, size_t whylen)
{
    camsep_prior_rx_arg a[48];
    int argc = with_held(a, make(a, ev + OFFSET_NS, 5 * MS, seq, ok, 3, act), held);
    if (channels > 0)
        argc = with_motion(a, argc, channels, 3 * channels, m);
    return camsep_prior_rx_message(rx, who, a, argc, ev + 6 * MS, out, why, whylen);
}

static int held_message(camsep_prior_rx *rx, const char *who, int64_t ev, uint32_t seq, int ok, const float *act,
                        double held, camsep_prior_rx_out *out, char *why, size_t whylen)
{
    return full_message(rx, who, ev, seq, ok, act, held, 0, NULL, out, why, whylen);
}

static int motion_message(camsep_prior_rx *rx, const char *who, int64_t ev, uint32_t seq, int ok, const float *act,
                          int channels, const float *m, camsep_prior_rx_out *out, char *why, size_t whylen)
{
    return full_message(rx, who, ev, seq, ok, act, 0, channels, m, out, why, whylen);
}

static void test_held(void)
{
    camsep_prior_rx rx;
    camsep_prior_rx_init(&rx, 3, 250 * MS);
    camsep_prior_rx_out out;
    const int64_t t = 1000 * MS;
    const float act[3] = {0.1f, 0.5f, 0.9f};
    char why[256] = "";
    /* with the mask: it; without (an older sender): nobody held */
    CHECK(held_message(&rx, "udp:a:1", t, 0, 1, act, 5, &out, why, sizeof why) == 1);
    CHECK(out.held == 5u && out.n_players == 3 && out.activity[0] == 0.1f && out.activity[2] == 0.9f);
    camsep_prior_rx_arg a[12];
    int argc = make(a, t + 33 * MS + OFFSET_NS, 5 * MS, 1, 1, 3, act);
    CHECK(camsep_prior_rx_message(&rx, "udp:a:1", a, argc, t + 39 * MS, &out, why, sizeof why) == 1);
    CHECK(out.held == 0u && out.activity[1] == 0.5f);
    CHECK(held_message(&rx, "udp:a:1", t + 66 * MS, 2, 1, act, 7, &out, why, sizeof why) == 1);
    CHECK(out.held == 7u);
    /* the camera lost: nothing is held (nothing is known) */
    CHECK(held_message(&rx, "udp:a:1", t + 99 * MS, 3, 0, act, 7, &out, why, sizeof why) == 1);
    CHECK(out.held == 0u && isnan(out.activity[0]));

    /* refused, nothing changes: a bit for a player beyond the three, a
     * negative mask, a trailing argument that is not an int32, and a
     * two-player sender's message with its mask (not a third activity) */
    const uint64_t refused = rx.stats.refused, received = rx.stats.received;
    memset(&out, 0x5a, sizeof out);
    const camsep_prior_rx_out untouched = out;
    CHECK(held_message(&rx, "udp:a:1", t + 132 * MS, 4, 1, act, 8, &out, why, sizeof why) == -1);
    CHECK_MSG(strstr(why, "held mask 8") && strstr(why, "3 players"), "%s", why);
    CHECK(held_message(&rx, "udp:a:1", t + 132 * MS, 4, 1, act, -1, &out, why, sizeof why) == -1);
    argc = with_held(a, make(a, t + 132 * MS + OFFSET_NS, 5 * MS, 4, 1, 3, act), 1);
    a[argc - 1].type = 's';
    CHECK(camsep_prior_rx_message(&rx, "udp:a:1", a, argc, t + 138 * MS, &out, why, sizeof why) == -1);
    CHECK_MSG(strstr(why, "held mask is an int32"), "%s", why);
    a[argc - 1].type = 'f';
    CHECK(camsep_prior_rx_message(&rx, "udp:a:1", a, argc, t + 138 * MS, &out, why, sizeof why) == -1);
    CHECK_MSG(strstr(why, "4 players"), "%s", why);
    argc = with_held(a, make(a, t + 132 * MS + OFFSET_NS, 5 * MS, 4, 1, 2, act), 1);
    CHECK(camsep_prior_rx_message(&rx, "udp:a:1", a, argc, t + 138 * MS, &out, why, sizeof why) == -1);
    CHECK_MSG(strstr(why, "2 players"), "%s", why);
    CHECK(!memcmp(&out, &untouched, sizeof out));
    CHECK(rx.stats.refused == refused + 5 && rx.stats.received == received);
    CHECK(held_message(&rx, "udp:a:1", t + 132 * MS, 4, 1, act, 2, &out, why, sizeof why) == 1 && out.held == 2u);

    /* two senders: a player is held only where every live sender that knows it holds it */
    camsep_prior_rx_init(&rx, 3, 250 * MS);
    const float all[3] = {0.2f, 0.4f, 0.6f}, not_first[3] = {NAN, 0.4f, 0.6f};
    CHECK(held_message(&rx, "udp:a:1", t, 0, 1, all, 3, &out, why, sizeof why) == 1 && out.held == 3u);
    CHECK(held_message(&rx, "udp:b:2", t + 10 * MS, 0, 1, all, 6, &out, why, sizeof why) == 1);
    CHECK_MSG(out.held == 2u, "held 0x%x", (unsigned)out.held); /* both hold player 2 only */
    CHECK(held_message(&rx, "udp:b:2", t + 43 * MS, 1, 1, not_first, 6, &out, why, sizeof why) == 1);
    CHECK_MSG(out.held == 3u, "held 0x%x", (unsigned)out.held); /* b does not know player 1: a's word */
    CHECK(held_message(&rx, "udp:b:2", t + 76 * MS, 2, 1, all, 0, &out, why, sizeof why) == 1 && out.held == 0u);
    /* b falls silent: a's mask alone */
    CHECK(held_message(&rx, "udp:a:1", t + 200 * MS, 1, 1, all, 3, &out, why, sizeof why) == 1 && out.held == 0u);
    CHECK(camsep_prior_rx_tick(&rx, t + 350 * MS, &out) == 1);
    CHECK(rx.stats.senders == 1 && out.held == 3u);
    /* nobody left: neutral, nothing held */
    CHECK(camsep_prior_rx_tick(&rx, t + 500 * MS, &out) == 1);
    CHECK(rx.stats.senders == 0 && out.held == 0u && isnan(out.activity[0]));
}

static int motion_is(const camsep_prior_rx_out *out, int j, int channels, const float *want)
{
    for (int c = 0; c < CAMSEP_PRIOR_RX_MAX_MOTION_CHANNELS; c++)
        if (out->motion[j][c] != (c < channels ? want[c] : 0.0f))
            return 0;
    return 1;
}

static void test_motion(void)
{
    camsep_prior_rx rx;
    camsep_prior_rx_init(&rx, 3, 250 * MS);
    camsep_prior_rx_out out;
    const int64_t t = 1000 * MS;
    const float act[3] = {0.1f, 0.5f, 0.9f};
    const float m[15] = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 1.1f, 1.2f, 1.3f, 1.4f, 1.5f, 0.0f, 2.0f, 0.25f, 0.5f, 0.75f};
    char why[256] = "";
    /* player-major, as sent */
    CHECK(motion_message(&rx, "udp:a:1", t, 0, 1, act, 5, m, &out, why, sizeof why) == 1);
    CHECK_MSG(out.motion_channels == 5, "%d channels", out.motion_channels);
    for (int j = 0; j < 3; j++)
        CHECK_MSG(motion_is(&out, j, 5, m + 5 * j), "player %d: %g %g ... %g", j, (double)out.motion[j][0],
                  (double)out.motion[j][1], (double)out.motion[j][5]);
    CHECK(out.activity[2] == 0.9f && out.held == 0u);
    /* without the block (an older sender, or one without motion): none */
    CHECK(motion_message(&rx, "udp:a:1", t + 33 * MS, 1, 1, act, 0, m, &out, why, sizeof why) == 1);
    CHECK(out.motion_channels == 0 && motion_is(&out, 0, 0, m) && motion_is(&out, 2, 0, m));
    camsep_prior_rx_arg a[48];
    CHECK(motion_message(&rx, "udp:a:1", t + 66 * MS, 2, 1, act, 1, m, &out, why, sizeof why) == 1);
    CHECK(out.motion_channels == 1 && out.motion[1][0] == m[1] && out.motion[1][1] == 0.0f);
    int argc = make(a, t + 99 * MS + OFFSET_NS, 5 * MS, 3, 1, 3, act); /* no held mask either */
    CHECK(camsep_prior_rx_message(&rx, "udp:a:1", a, argc, t + 105 * MS, &out, why, sizeof why) == 1);
    CHECK(out.motion_channels == 0 && out.motion[1][0] == 0.0f);
    /* non-finite or negative values count as 0, as in the engine */
    argc = with_motion(a, with_held(a, make(a, t + 132 * MS + OFFSET_NS, 5 * MS, 4, 1, 3, act), 0), 2, 6, m);
    a[argc - 6].number = NAN;
    a[argc - 5].number = -1.0;
    a[argc - 1].number = INFINITY;
    CHECK(camsep_prior_rx_message(&rx, "udp:a:1", a, argc, t + 138 * MS, &out, why, sizeof why) == 1);
    CHECK(out.motion_channels == 2 && out.motion[0][0] == 0.0f && out.motion[0][1] == 0.0f);
    CHECK(out.motion[1][0] == m[2] && out.motion[2][1] == 0.0f);
    /* the camera lost: no motion */
    CHECK(motion_message(&rx, "udp:a:1", t + 165 * MS, 5, 0, act, 5, m, &out, why, sizeof why) == 1);
    CHECK(out.motion_channels == 0 && out.motion[0][0] == 0.0f);

    /* refused, nothing changes: a channel count out of range or not an int32,
     * too few or too many values, a value that is not a float */
    const uint64_t refused = rx.stats.refused, received = rx.stats.received;
    memset(&out, 0x5a, sizeof out);
    const camsep_prior_rx_out untouched = out;
    const int64_t ev = t + 198 * MS + OFFSET_NS;
    const int head = with_held(a, make(a, ev, 5 * MS, 6, 1, 3, act), 0);
    const double bad_channels[3] = {0, -1, CAMSEP_PRIOR_RX_MAX_MOTION_CHANNELS + 1};
    for (int k = 0; k < 3; k++) {
        argc = with_motion(a, head, bad_channels[k], 3, m);
        CHECK(camsep_prior_rx_message(&rx, "udp:a:1", a, argc, t + 210 * MS, &out, why, sizeof why) == -1);
        CHECK_MSG(strstr(why, "motion channels, not 1..8"), "%s", why);
    }
    argc = with_motion(a, head, 5, 14, m);
    CHECK(camsep_prior_rx_message(&rx, "udp:a:1", a, argc, t + 210 * MS, &out, why, sizeof why) == -1);
    CHECK_MSG(strstr(why, "14 motion values, not 15"), "%s", why);
    argc = with_motion(a, head, 4, 13, m);
    CHECK(camsep_prior_rx_message(&rx, "udp:a:1", a, argc, t + 210 * MS, &out, why, sizeof why) == -1);
    CHECK_MSG(strstr(why, "13 motion values, not 12"), "%s", why);
    argc = with_motion(a, head, 5, 15, m);
    a[argc - 4].type = 'i';
    CHECK(camsep_prior_rx_message(&rx, "udp:a:1", a, argc, t + 210 * MS, &out, why, sizeof why) == -1);
    CHECK_MSG(strstr(why, "motion value 12 is 'i'"), "%s", why);
    a[argc - 4].type = 's';
    CHECK(camsep_prior_rx_message(&rx, "udp:a:1", a, argc, t + 210 * MS, &out, why, sizeof why) == -1);
    CHECK_MSG(strstr(why, "motion value 12 is 's'"), "%s", why);
    argc = with_motion(a, head, 5, 15, m);
    a[head].type = 'f';
    CHECK(camsep_prior_rx_message(&rx, "udp:a:1", a, argc, t + 210 * MS, &out, why, sizeof why) == -1);
    CHECK_MSG(strstr(why, "channel count (i)"), "%s", why);
    /* a two-player sender's message with its mask and motion: two players, not more */
    argc = with_motion(a, with_held(a, make(a, ev, 5 * MS, 6, 1, 2, act), 0), 5, 10, m);
    CHECK(camsep_prior_rx_message(&rx, "udp:a:1", a, argc, t + 210 * MS, &out, why, sizeof why) == -1);
    CHECK_MSG(strstr(why, "priors for 2 players"), "%s", why);
    CHECK(!memcmp(&out, &untouched, sizeof out));
    CHECK(rx.stats.refused == refused + 9 && rx.stats.received == received);
    CHECK(motion_message(&rx, "udp:a:1", t + 198 * MS, 6, 1, act, 5, m, &out, why, sizeof why) == 1);
    CHECK(out.motion_channels == 5 && motion_is(&out, 2, 5, m + 10));
}

/* Several senders: each player's motion is the mean of the live senders
 * that know it and sent motion, over the fewest channels they sent. */
static void test_motion_senders(void)
{
    camsep_prior_rx rx;
    camsep_prior_rx_init(&rx, 3, 250 * MS);
    camsep_prior_rx_out out;
    const int64_t t = 1000 * MS;
    const float all[3] = {0.2f, 0.4f, 0.6f}, not_first[3] = {NAN, 0.4f, 0.6f};
    const float ma[15] = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
    const float mb[9] = {9.0f, 9.0f, 9.0f, 0.0f, 0.5f, 1.0f, 1.5f, 1.5f, 1.5f};
    char why[256] = "";
    CHECK(motion_message(&rx, "udp:a:1", t, 0, 1, all, 5, ma, &out, why, sizeof why) == 1);
    CHECK(motion_message(&rx, "udp:b:2", t + 10 * MS, 0, 1, not_first, 3, mb, &out, why, sizeof why) == 1);
    CHECK_MSG(out.motion_channels == 3, "%d channels", out.motion_channels);
    const float want0[3] = {0.1f, 0.2f, 0.3f}, want1[3] = {0.5f, 0.75f, 1.0f}, want2[3] = {1.0f, 1.0f, 1.0f};
    CHECK_MSG(motion_is(&out, 0, 3, want0), "player 0 (b does not know it): %g", (double)out.motion[0][0]);
    CHECK_MSG(motion_is(&out, 1, 3, want1), "player 1: %g %g %g", (double)out.motion[1][0], (double)out.motion[1][1],
              (double)out.motion[1][2]);
    CHECK(motion_is(&out, 2, 3, want2));
    /* a sender without motion does not dilute it */
    CHECK(motion_message(&rx, "udp:c:3", t + 20 * MS, 0, 1, all, 0, NULL, &out, why, sizeof why) == 1);
    CHECK(out.motion_channels == 3 && motion_is(&out, 1, 3, want1) && motion_is(&out, 0, 3, want0));
    /* b and c fall silent: a's own, all five channels */
    CHECK(motion_message(&rx, "udp:a:1", t + 200 * MS, 1, 1, all, 5, ma, &out, why, sizeof why) == 1);
    CHECK(camsep_prior_rx_tick(&rx, t + 350 * MS, &out) == 1);
    CHECK(rx.stats.senders == 1 && out.motion_channels == 5);
    for (int j = 0; j < 3; j++)
        CHECK(motion_is(&out, j, 5, ma + 5 * j));
    /* nobody left: no motion */
    CHECK(camsep_prior_rx_tick(&rx, t + 500 * MS, &out) == 1);
    CHECK(rx.stats.senders == 0 && out.motion_channels == 0 && out.motion[1][0] == 0.0f);
}

int main(void)
{
    test_placement_and_jitter();
    test_sequence();
    test_senders_and_silence();
    test_refusals();
    test_held();
    test_motion();
    test_motion_senders();
    printf("prior_rx: ok\n");
    return 0;
}
