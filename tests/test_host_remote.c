/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Priors from the network into a host session (plugin/standalone/host_remote.c)
 * with the threads of a live host: an audio thread running blocks in real
 * time, an "OSC server" thread handing in PREFIX/priors messages of two
 * senders, and the control loop's silence tick. The engine uses the priors,
 * the audio thread allocates nothing, the priors fall back to neutral within
 * 0.5 s once the senders stop, another player count or more arguments than
 * the OSC server decodes are refused, a host with a camera of its own
 * refuses them. Then, on a clock of the test's own, the held mask reaches the engine: a
 * remote player seen playing and then resting is gated, the same player held
 * (the remote camera cannot see them) is not, as with a camera of its own;
 * and the motion does: two players with one dictionary, whose motion follows
 * the sound, are split by it only when the messages carry it.
 * Also run under ThreadSanitizer (scripts/run-tests.sh). */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alloc_counter.h"
#include "check.h"
#include "host_remote.h"
#include "host_session.h"

#define RATE 48000.0
#define BLOCK 256
#define MS 1000000LL

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_ns(int64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
    nanosleep(&ts, NULL);
}

typedef struct shared {
    host_session *s;
    host_remote *r;
    atomic_int stop_audio, stop_send, stop_tick;
    atomic_long audio_allocations;
} shared;

static void *audio_thread(void *arg)
{
    shared *sh = arg;
    static float in[BLOCK], out[3][BLOCK];
    float *outs[3] = {out[0], out[1], out[2]};
    for (int i = 0; i < BLOCK; i++)
        in[i] = 0.1f * sinf(0.05f * (float)i);
    alloc_counter_arm_this_thread();
    const long before = alloc_counter_calls();
    int64_t next = now_ns();
    while (!atomic_load(&sh->stop_audio)) {
        host_session_process(sh->s, in, outs, BLOCK, next);
        next += (int64_t)(BLOCK * 1e9 / RATE);
        const int64_t wait = next - now_ns();
        if (wait > 0)
            sleep_ns(wait);
    }
    atomic_store(&sh->audio_allocations, alloc_counter_calls() - before);
    alloc_counter_disarm_this_thread();
    return NULL;
}

/* A PREFIX/priors message as the OSC server decodes it: event at t_ns (sender wall = t_ns + 1e18);
 * held >= 0: with that held mask. */
static int message_held(host_remote *r, const char *sender, uint32_t seq, int64_t t_ns, float a0, float a1, int held,
                        char *why, size_t whylen)
{
    camsep_prior_rx_arg a[7];
    memset(a, 0, sizeof a);
    const uint64_t wall = (uint64_t)(t_ns + 1000000000000000000LL);
    a[0].type = 't';
    a[0].timetag = ((wall / 1000000000u) << 32) | (((wall % 1000000000u) << 32) / 1000000000u);
    a[1].type = 'f';
    a[1].number = 0.004;
    a[2].type = 'i';
    a[2].number = seq;
    a[3].type = 'i';
    a[3].number = 1;
    a[4].type = a[5].type = 'f';
    a[4].number = a0;
    a[5].number = a1;
    a[6].type = 'i';
    a[6].number = held;
    camsep_osc_stream_msg m = {"/priors", held >= 0 ? 7 : 6, a, sender, t_ns + 4 * MS};
    return host_remote_message(r, &m, why, whylen);
}

static int message(host_remote *r, const char *sender, uint32_t seq, int64_t t_ns, float a0, float a1, char *why,
                   size_t whylen)
{
    return message_held(r, sender, seq, t_ns, a0, a1, -1, why, whylen);
}

/* A camsep-jack session of the given config, fed by a remote camera. */
static host_remote *remote_session(const char *config, host_session **s)
{
    host_config cfg;
    host_config_default(&cfg, HOST_JACK);
    char err[1024];
    CHECK_MSG(host_config_parse(&cfg, config, "t", err, sizeof err) == 0, "%s", err);
    *s = host_session_create(&cfg, RATE, err, sizeof err);
    CHECK_MSG(*s, "%s", err);
    host_remote *r = host_remote_create(*s, "test_host_remote");
    CHECK(r);
    return r;
}

/* Every prior of the run used (at 30 a second), none refused. */
static void end_remote_session(host_session *s, host_remote *r)
{
    host_status st;
    host_session_status(s, &st);
    CHECK(st.priors_used >= 60 && st.remote.refused == 0);
    host_remote_free(r);
    host_session_free(s);
}

/* Both players play for 1.5 s, then the cello rests (0.1) for 1.5 s, held
 * from then on when hold is set; the audio runs on the test's clock, the
 * priors arrive 4 ms after their events at 30 a second. Returns the cello's
 * rest gate, its smallest over the last 0.5 s, and the meters' held mask
 * at the end into held_shown. */
static float cello_gate_at_rest(int hold, uint32_t *held_shown)
{
    host_session *s;
    host_remote *r = remote_session("other = true\n[player violin]\n[player cello]\n", &s);
    static float in[BLOCK], out[3][BLOCK];
    float *outs[3] = {out[0], out[1], out[2]};
    const int64_t t0 = 1000000 * MS, end = t0 + 3000 * MS, rest = t0 + 1500 * MS;
    int64_t next_prior = t0;
    uint32_t seq = 0;
    float gate = 1.0f;
    for (int64_t pos = 0;; pos += BLOCK) {
        const int64_t now = t0 + (int64_t)((double)pos * 1e9 / RATE);
        if (now >= end)
            break;
        while (next_prior <= now) {
            const int resting = next_prior >= rest;
            char why[256];
            CHECK_MSG(message_held(r, "udp:10.0.0.9:9000", seq++, next_prior - 4 * MS, 1.0f, resting ? 0.1f : 1.0f,
                                   hold && resting ? 2 : 0, why, sizeof why) == 0,
                      "%s", why);
            next_prior += 33 * MS;
        }
        for (int i = 0; i < BLOCK; i++)
            in[i] = 0.1f * sinf(0.05f * (float)(pos + i)) + 0.05f * sinf(0.011f * (float)(pos + i));
        host_session_process(s, in, outs, BLOCK, now);
        host_meters m;
        host_session_meters(s, &m); /* drained every block: the last report is recent */
        if (now >= end - 500 * MS)
            *held_shown = m.held; /* the meters say who the camera cannot see */
        if (now >= end - 500 * MS && m.gate[1] < gate)
            gate = m.gate[1];
    }
    end_remote_session(s, r);
    return gate;
}

/* A PREFIX/priors message with the held mask 0 and a motion block of one
 * channel (m0, m1), or none when m0 < 0 (an older sender's message). */
static int message_motion(host_remote *r, uint32_t seq, int64_t t_ns, float m0, float m1, char *why, size_t whylen)
{
    camsep_prior_rx_arg a[10];
    memset(a, 0, sizeof a);
    const uint64_t wall = (uint64_t)(t_ns + 1000000000000000000LL);
    a[0].type = 't';
    a[0].timetag = ((wall / 1000000000u) << 32) | (((wall % 1000000000u) << 32) / 1000000000u);
    a[1].type = 'f';
    a[1].number = 0.004;
    a[2].type = a[3].type = a[6].type = a[7].type = 'i';
    a[2].number = seq;
    a[3].number = a[4].number = a[5].number = a[7].number = 1;
    a[4].type = a[5].type = a[8].type = a[9].type = 'f';
    a[8].number = m0;
    a[9].number = m1;
    camsep_osc_stream_msg m = {"/priors", m0 >= 0.0f ? 10 : 7, a, "udp:10.0.0.9:9000", t_ns + 4 * MS};
    return host_remote_message(r, &m, why, whylen);
}

/* The level of the test's violins at sample pos: 0.02 .. 0.2 over 1.2 s. */
static float twin_level(int64_t pos)
{
    return 0.02f + 0.18f * (0.5f + 0.5f * sinf(6.2831853f * (float)pos / (1.2f * (float)RATE)));
}

/* Two violins with the violin dictionary play for 4 s, louder and softer;
 * the remote camera sees both playing, moving with the level (one 3 x the
 * other), with the motion in its messages or not. Returns the largest split
 * weight the engine reported. */
static float twin_split(int with_motion)
{
    host_session *s;
    host_remote *r = remote_session("[player v1]\ninstrument = violin\n[player v2]\ninstrument = violin\n", &s);
    static float in[BLOCK], out[3][BLOCK];
    float *outs[3] = {out[0], out[1], out[2]};
    const int64_t t0 = 1000000 * MS, end = t0 + 4000 * MS;
    int64_t next_prior = t0;
    uint32_t seq = 0;
    float split = 0.0f;
    for (int64_t pos = 0;; pos += BLOCK) {
        const int64_t now = t0 + (int64_t)((double)pos * 1e9 / RATE);
        if (now >= end)
            break;
        while (next_prior <= now) {
            const float level = twin_level((int64_t)((double)(next_prior - t0) * RATE * 1e-9));
            char why[256];
            CHECK_MSG(message_motion(r, seq++, next_prior - 4 * MS, with_motion ? 3.0f * level : -1.0f, level, why,
                                     sizeof why) == 0,
                      "%s", why);
            next_prior += 33 * MS;
        }
        for (int i = 0; i < BLOCK; i++) {
            const float ph = 6.2831853f * 440.0f * (float)(pos + i) / (float)RATE;
            in[i] = twin_level(pos + i) * (sinf(ph) + 0.5f * sinf(2.0f * ph) + 0.25f * sinf(3.0f * ph));
        }
        host_session_process(s, in, outs, BLOCK, now);
        host_meters m;
        host_session_meters(s, &m);
        split = fmaxf(split, m.split[0]);
    }
    end_remote_session(s, r);
    return split;
}

static void *send_thread(void *arg)
{
    shared *sh = arg;
    char why[256];
    for (uint32_t seq = 0; !atomic_load(&sh->stop_send); seq++) {
        const int64_t t = now_ns() - 4 * MS;
        CHECK(message(sh->r, "udp:10.0.0.1:1000", seq, t, 0.2f, NAN, why, sizeof why) == 0);
        CHECK(message(sh->r, "udp:10.0.0.2:2000", seq + 77, t, NAN, 0.8f, why, sizeof why) == 0);
        sleep_ns(20 * MS);
    }
    return NULL;
}

static void *tick_thread(void *arg)
{
    shared *sh = arg;
    while (!atomic_load(&sh->stop_tick)) {
        host_remote_tick(sh->r, now_ns());
        sleep_ns(50 * MS);
    }
    return NULL;
}

static void wait_meters(host_session *s, float want0, float want1, double limit_s, const char *what)
{
    const int64_t t0 = now_ns();
    host_meters m;
    for (;;) {
        host_session_meters(s, &m);
        if (fabsf(m.motion[0] - want0) < 1e-3f && fabsf(m.motion[1] - want1) < 1e-3f)
            return;
        CHECK_MSG(now_ns() - t0 < (int64_t)(limit_s * 1e9), "%s: motion %g %g after %.2f s", what, (double)m.motion[0],
                  (double)m.motion[1], (double)(now_ns() - t0) * 1e-9);
        sleep_ns(5 * MS);
    }
}

int main(void)
{
    host_config cfg;
    host_config_default(&cfg, HOST_JACK);
    char err[1024];
    CHECK(host_config_parse(&cfg, "other = true\n[player violin]\n[player cello]\n", "t", err, sizeof err) == 0);
    static shared sh;
    sh.s = host_session_create(&cfg, RATE, err, sizeof err);
    CHECK_MSG(sh.s, "%s", err);
    sh.r = host_remote_create(sh.s, "test_host_remote");
    CHECK(sh.r);
    pthread_t audio, send, tick;
    CHECK(pthread_create(&audio, NULL, audio_thread, &sh) == 0);
    CHECK(pthread_create(&tick, NULL, tick_thread, &sh) == 0);
    sleep_ns(100 * MS);
    CHECK(pthread_create(&send, NULL, send_thread, &sh) == 0);
    /* each sender knows one player: the engine uses both */
    wait_meters(sh.s, 0.2f, 0.8f, 5.0, "the remote priors");
    char state[64];
    host_remote_state(sh.r, state, sizeof state);
    CHECK(!strcmp(state, "receiving"));
    sleep_ns(1000 * MS);
    wait_meters(sh.s, 0.2f, 0.8f, 0.1, "the remote priors, a second later");
    atomic_store(&sh.stop_send, 1);
    pthread_join(send, NULL);
    const int64_t stopped = now_ns();
    wait_meters(sh.s, 1.0f, 1.0f, 2.0, "neutral after the senders stopped");
    const double neutral_s = (double)(now_ns() - stopped) * 1e-9;
#ifdef CAMSEP_SANITIZED
    /* a sanitized build checks memory and threads; its threads run slowly and
     * late on a busy machine, so the timing gets twice the room */
    const double neutral_limit_s = 1.0;
#else
    const double neutral_limit_s = 0.5;
#endif
    CHECK_MSG(neutral_s <= neutral_limit_s, "neutral only %.3f s after the senders stopped", neutral_s);
    atomic_store(&sh.stop_tick, 1);
    pthread_join(tick, NULL);
    atomic_store(&sh.stop_audio, 1);
    pthread_join(audio, NULL);
    host_status st;
    host_session_status(sh.s, &st);
    CHECK(st.remote.enabled && st.remote.senders == 0 && st.remote.received >= 20 && st.remote.refused == 0);
    CHECK(st.priors_used >= 20);
    CHECK_MSG(atomic_load(&sh.audio_allocations) == 0, "the audio thread allocated %ld times",
              atomic_load(&sh.audio_allocations));
    char line[512];
    host_status_format(&st, 1.0, line, sizeof line);
    CHECK(strstr(line, "remote_senders=0 remote_priors="));
    /* another player count, or too many arguments: refused, nothing changes */
    camsep_prior_rx_arg a[7];
    memset(a, 0, sizeof a);
    a[0].type = 't';
    a[1].type = 'f';
    a[2].type = a[3].type = 'i';
    a[4].type = a[5].type = a[6].type = 'f';
    camsep_osc_stream_msg m = {"/priors", 7, a, "udp:10.0.0.3:3000", now_ns()};
    CHECK(host_remote_message(sh.r, &m, err, sizeof err) == -1 && strstr(err, "3 players"));
    /* more arguments than the OSC server decodes: refused before they are read */
    camsep_prior_rx_arg many[CAMSEP_OSC_STREAM_MAX_ARGS + 1];
    memset(many, 0, sizeof many);
    memcpy(many, a, sizeof a);
    for (int k = 7; k <= CAMSEP_OSC_STREAM_MAX_ARGS; k++)
        many[k].type = 'f';
    camsep_osc_stream_msg big = {"/priors", CAMSEP_OSC_STREAM_MAX_ARGS + 1, many, "udp:10.0.0.3:3000", now_ns()};
    CHECK(host_remote_message(sh.r, &big, err, sizeof err) == -1);
    CHECK_MSG(strstr(err, "41 arguments, at most 40"), "%s", err);
    host_session_status(sh.s, &st);
    CHECK(st.remote.refused == 2 && st.remote.received >= 20);
    printf("host_remote: neutral %.3f s after the senders stopped; %llu priors used\n", neutral_s,
           (unsigned long long)st.remote.received);
    host_remote_free(sh.r);
    host_session_free(sh.s);

    /* a host with its own camera refuses remote priors (the camera is never started here) */
    host_config_default(&cfg, HOST_JACK);
    CHECK_MSG(host_config_parse(&cfg,
                                "video = /dev/null\n[player violin]\nbox = 0,0,10,10\n[player cello]\n"
                                "box = 10,0,10,10\n",
                                "t", err, sizeof err) == 0,
              "%s", err);
    host_session *s = host_session_create(&cfg, RATE, err, sizeof err);
    CHECK_MSG(s, "%s", err);
    host_remote *r = host_remote_create(s, "test_host_remote");
    CHECK(message(r, "udp:10.0.0.1:1000", 0, now_ns(), 0.5f, 0.5f, err, sizeof err) == -1);
    CHECK(strstr(err, "own camera"));
    host_remote_state(r, state, sizeof state);
    CHECK(!strncmp(state, "off:", 4));
    host_remote_free(r);
    host_session_free(s);

    uint32_t shown_seen = 99, shown_held = 99;
    const float seen_resting = cello_gate_at_rest(0, &shown_seen), held_resting = cello_gate_at_rest(1, &shown_held);
    printf("host_remote: the resting cello's rest gate %.3f, %.3f when held\n", (double)seen_resting,
           (double)held_resting);
    CHECK_MSG(seen_resting < 0.1f, "a remote player seen resting is not gated (%g)", (double)seen_resting);
    CHECK_MSG(held_resting == 1.0f, "a remote player held is gated (%g)", (double)held_resting);
    CHECK_MSG(shown_seen == 0 && shown_held == 2u, "held in the meters: %u seen, %u held", shown_seen, shown_held);

    const float split = twin_split(1), split_without = twin_split(0);
    printf("host_remote: two remote violins split by their motion at %.3f, %.3f without it\n", (double)split,
           (double)split_without);
    CHECK_MSG(split > 0.1f, "the remote motion did not split two players with one dictionary (%g)", (double)split);
    CHECK_MSG(split_without == 0.0f, "split without motion (%g)", (double)split_without);
    printf("host_remote: ok\n");
    return 0;
}
