/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The standalones' sound check: the recording rings (chunks on the engine
 * clock, nothing pushed unless armed, a full ring counts its losses, the
 * audio side never allocates), the file names, and the state machine end to
 * end through the learner: camera and announced runs learn dictionaries that
 * tell the two players apart, a player with too little material is named
 * and nothing is written or installed, cancel discards, wrong requests are
 * refused. The recording itself: test_soundcheck_record.c. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc_counter.h"
#include "check.h"
#include "dictionary.h"
#include "host_session.h"
#include "host_soundcheck.h"
#include "host_soundcheck_files.h"
#include "host_soundcheck_tap.h"

#define RATE 48000.0
#define FFT 2048
#define FALL 512
#define HOP 512

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void test_tap(void)
{
    host_sc_tap t;
    CHECK(host_sc_tap_init(&t, RATE, 0.1) == 0);
    float in[600];
    for (int i = 0; i < 600; i++)
        in[i] = (float)i;
    host_sc_tap_audio(&t, in, 600, 1000); /* not armed: nothing */
    CHECK(spsc_ring_read_space(&t.audio) == 0);
    host_sc_tap_arm(&t, 1);
    ARM();
    host_sc_tap_audio(&t, in, 600, 1000);
    DISARM();
    CHECK(ALLOCATIONS() == 0);
    camsep_sc_chunk c;
    const uint32_t want_n[3] = {256, 256, 88};
    for (int k = 0; k < 3; k++) {
        CHECK(spsc_ring_pop(&t.audio, &c));
        CHECK(c.n == want_n[k] && c.time == 1000 + 256 * k && c.x[0] == (float)(256 * k));
    }
    CHECK(!spsc_ring_pop(&t.audio, &c));
    /* full: counted, never blocks */
    const size_t cap = spsc_ring_capacity(&t.audio);
    for (size_t k = 0; k < cap + 5; k++)
        host_sc_tap_audio(&t, in, 256, (int64_t)k * 256);
    CHECK(atomic_load(&t.audio_dropped) >= 5);
    camsep_prior p = {.time = 77, .n_sources = 2, .activity = {0.25f, 0.75f}};
    host_sc_tap_activity(&t, &p);
    camsep_sc_activity a;
    CHECK(spsc_ring_pop(&t.activity, &a) && a.time == 77 && a.n == 2 && a.activity[1] == 0.75f && isnan(a.activity[2]));
    host_sc_tap_arm(&t, 1); /* re-arming empties and resets */
    CHECK(spsc_ring_read_space(&t.audio) == 0 && atomic_load(&t.audio_dropped) == 0);
    host_sc_tap_arm(&t, 0);
    host_sc_tap_activity(&t, &p);
    CHECK(spsc_ring_read_space(&t.activity) == 0);
    host_sc_tap_destroy(&t);
    printf("  tap: chunks on the engine clock, armed only, losses counted, no allocation\n");
}

static void test_file_names(void)
{
    char out[128];
    host_sc_file_name("violin", out, sizeof out);
    CHECK(!strcmp(out, "violin.dict"));
    host_sc_file_name("Anna B/../x", out, sizeof out);
    CHECK(!strcmp(out, "Anna_B_.._x.dict"));
    host_sc_file_name("..", out, sizeof out);
    CHECK(!strcmp(out, "_..dict"));
    host_sc_file_name("", out, sizeof out);
    CHECK(!strcmp(out, "player.dict"));
    printf("  file names: labels kept to [A-Za-z0-9_.-], never hidden\n");

    /* where they go: --soundcheck-dir, NSM's PATH.soundcheck, the --config file's directory, XDG */
    static host_config c;
    host_config_default(&c, HOST_JACK);
    snprintf(c.config_path, sizeof c.config_path, "/srv/show/quartet.conf");
    host_sc_dir(&c, "/nsm/session/camsep.nABC", out, sizeof out);
    CHECK(!strcmp(out, "/nsm/session/camsep.nABC.soundcheck"));
    host_sc_dir(&c, NULL, out, sizeof out);
    CHECK(!strcmp(out, "/srv/show"));
    snprintf(c.config_path, sizeof c.config_path, "quartet.conf");
    host_sc_dir(&c, NULL, out, sizeof out);
    CHECK(!strcmp(out, "."));
    snprintf(c.soundcheck_dir, sizeof c.soundcheck_dir, "/data/sc");
    host_sc_dir(&c, "/nsm/x", out, sizeof out);
    CHECK(!strcmp(out, "/data/sc"));
    host_config_default(&c, HOST_JACK);
    setenv("XDG_CONFIG_HOME", "/xdg", 1);
    host_sc_dir(&c, NULL, out, sizeof out);
    CHECK(!strcmp(out, "/xdg/camsep/soundcheck"));
    unsetenv("XDG_CONFIG_HOME");
    printf("  directories: --soundcheck-dir, NSM, the config file's, XDG\n");
}

/* ---- the state machine, end to end ---- */

typedef struct installed {
    int calls, n, players[8];
    char paths[8][HOST_PATH_LEN];
} installed;

static int install(void *user, int n, const int *players, camsep_dictionary *const *dicts,
                   const char (*paths)[HOST_PATH_LEN], char *err, size_t errlen)
{
    (void)err, (void)errlen;
    installed *in = user;
    in->calls++;
    in->n = n;
    for (int k = 0; k < n; k++) {
        in->players[k] = players[k];
        snprintf(in->paths[k], sizeof in->paths[k], "%s", paths[k]);
        CHECK(dicts[k]->fft_size == FFT && dicts[k]->window_fall == FALL && dicts[k]->sample_rate == RATE);
    }
    return 0;
}

/* Player 1: harmonics of 220 Hz; player 2: of 1760 Hz. */
static float tone(int player, double t, unsigned *seed)
{
    const double f0 = player == 0 ? 220.0 : 1760.0;
    double x = 0.0;
    for (int h = 1; h <= 4; h++)
        x += 0.1 / h * sin(2.0 * 3.14159265358979323846 * f0 * h * t);
    *seed = *seed * 1664525u + 1013904223u;
    return (float)(x + 1e-4 * ((double)(*seed >> 8) / 16777216.0 - 0.5));
}

/* Pushes `seconds` of who's playing (bit p: player p) as the audio thread
 * and, with camera, the camera at 30 fps; then waits until the worker has it. */
static void play(host_soundcheck *sc, host_sc_tap *tap, int64_t *clock, double seconds, unsigned who, int camera)
{
    static unsigned seed = 1;
    const int64_t end = *clock + (int64_t)(seconds * RATE);
    float block[256];
    while (*clock < end) {
        for (int i = 0; i < 256; i++) {
            const double t = (double)(*clock + i) / RATE;
            block[i] = 0.0f;
            for (int p = 0; p < 2; p++)
                if (who & (1u << p))
                    block[i] += tone(p, t, &seed);
        }
        host_sc_tap_audio(tap, block, 256, *clock);
        if (camera && (*clock / 1600) != ((*clock + 256) / 1600)) { /* every 1600 samples: 30 fps */
            camsep_prior pr = {.time = *clock, .n_sources = 2};
            pr.activity[0] = (who & 1u) ? 0.9f : 0.05f;
            pr.activity[1] = (who & 2u) ? 0.9f : 0.05f;
            host_sc_tap_activity(tap, &pr);
        }
        *clock += 256;
        if ((*clock / 256) % 16 == 0)
            sleep_ms(2); /* at most 40 times real time: the worker (every 20 ms) keeps the 2 s ring from filling */
    }
    (void)sc;
}

static host_sc_status wait_end(host_soundcheck *sc)
{
    host_sc_status st;
    for (int i = 0; i < 6000; i++) {
        host_soundcheck_status(sc, &st);
        if (st.state != HOST_SC_RECORDING && st.state != HOST_SC_LEARNING)
            return st;
        sleep_ms(10);
    }
    CHECK_MSG(0, "the sound check did not end in 60 s (%s, %g s, learning %.0f %%: %s)",
              host_sc_state_name(st.state), st.seconds, 100.0 * st.progress, st.message);
    return st;
}

static void wait_seconds(host_soundcheck *sc, double seconds)
{
    host_sc_status st;
    for (int i = 0; i < 3000; i++) {
        host_soundcheck_status(sc, &st);
        if (st.seconds >= seconds - 1e-3)
            return;
        sleep_ms(5);
    }
    CHECK_MSG(0, "the worker did not drain %g s (%s, %g s, %llu lost)", seconds, host_sc_state_name(st.state), st.seconds,
              (unsigned long long)st.dropped);
}

/* Energy-weighted mean frequency of a dictionary file's atoms, Hz. */
static double centroid_hz(const char *path)
{
    char err[256];
    camsep_dictionary *d = camsep_dictionary_load(path, err, sizeof err);
    CHECK_MSG(d, "%s", err);
    double num = 0.0, den = 0.0;
    for (int k = 0; k < d->n_atoms; k++)
        for (int f = 0; f < d->n_bins; f++) {
            const double e = d->atoms[(size_t)k * d->n_bins + f];
            num += e * f * d->sample_rate / d->fft_size;
            den += e;
        }
    camsep_dictionary_free(d);
    return num / den;
}

static int files_in(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.' || strncmp(e->d_name, ".", 2) * strncmp(e->d_name, "..", 3) != 0;
    closedir(d);
    return n;
}

static void request(host_sc_request *rq, int player, const char *dir)
{
    memset(rq, 0, sizeof *rq);
    rq->player = player;
    rq->camera = 1;
    snprintf(rq->dir, sizeof rq->dir, "%s", dir);
    snprintf(rq->labels[0], sizeof rq->labels[0], "violin");
    snprintf(rq->labels[1], sizeof rq->labels[1], "Cello B");
}

static void test_state_machine(const char *tmp)
{
    host_sc_tap tap;
    CHECK(host_sc_tap_init(&tap, RATE, 2.0) == 0);
    installed in = {0};
    host_sc_config cfg = {.tap = &tap, .rate = RATE, .fft = FFT, .fall = FALL, .hop = HOP, .n_players = 2,
                          .atoms = 8, .iterations = 40, .transpose = -1, .install = {install, &in}};
    host_soundcheck *sc = host_soundcheck_create(&cfg);
    CHECK(sc);
    char err[512], dir[600];
    host_sc_request rq;
    host_sc_status st;
    int64_t clock = 0;

    CHECK(host_soundcheck_stop(sc, err, sizeof err) == -1 && strstr(err, "no sound check is recording"));
    CHECK(host_soundcheck_cancel(sc, err, sizeof err) == -1 && strstr(err, "no sound check"));
    snprintf(dir, sizeof dir, "%s/camera", tmp);
    request(&rq, -1, dir);
    rq.camera = 0;
    CHECK(host_soundcheck_start(sc, &rq, err, sizeof err) == -1 && strstr(err, "no camera"));
    rq.player = 2;
    CHECK(host_soundcheck_start(sc, &rq, err, sizeof err) == -1 && strstr(err, "no such player"));

    /* the camera says who plays: 1 alone, 2 alone, both */
    request(&rq, -1, dir);
    CHECK(host_soundcheck_start(sc, &rq, err, sizeof err) == 0);
    CHECK(host_soundcheck_start(sc, &rq, err, sizeof err) == -1 && strstr(err, "already recording"));
    request(&rq, 1, dir);
    CHECK(host_soundcheck_start(sc, &rq, err, sizeof err) == -1 && strstr(err, "already recording"));
    play(sc, &tap, &clock, 4.0, 1u, 1);
    play(sc, &tap, &clock, 4.0, 2u, 1);
    play(sc, &tap, &clock, 3.0, 3u, 1);
    wait_seconds(sc, 11.0);
    host_soundcheck_status(sc, &st);
    CHECK_MSG(st.state == HOST_SC_RECORDING && st.player == -1 && st.alone_s[0] > 3.5 && st.alone_s[1] > 3.5 &&
                  st.together_s[0] > 2.5 && st.together_s[1] > 2.5,
              "live material %g %g %g %g", st.alone_s[0], st.alone_s[1], st.together_s[0], st.together_s[1]);
    CHECK(st.dropped == 0);
    CHECK(host_soundcheck_stop(sc, err, sizeof err) == 0);
    st = wait_end(sc);
    CHECK_MSG(st.state == HOST_SC_DONE, "camera run: %s: %s", host_sc_state_name(st.state), st.message);
    CHECK(in.calls == 1 && in.n == 2 && in.players[0] == 0 && in.players[1] == 1);
    CHECK(strstr(in.paths[0], "/camera/violin.dict") && strstr(in.paths[1], "/camera/Cello_B.dict"));
    CHECK(strstr(st.message, "violin") && strstr(st.message, "Cello B") && strstr(st.message, in.paths[1]));
    CHECK_MSG(strstr(st.message, "±1 semitones") || strstr(st.message, "±2 semitones"), "%s", st.message);
    CHECK(access(in.paths[0], R_OK) == 0 && access(in.paths[1], R_OK) == 0 && files_in(dir) == 2);
    const double c0 = centroid_hz(in.paths[0]), c1 = centroid_hz(in.paths[1]);
    CHECK_MSG(c0 < 800.0 && c1 > 1500.0, "the dictionaries do not tell the players apart: %g Hz, %g Hz", c0, c1);
    CHECK(st.alone_s[0] > 3.0 && st.alone_s[1] > 3.0);
    printf("  camera run: learned, written, installed; centroids %.0f Hz and %.0f Hz\n", c0, c1);

    /* announced: player 2 then player 1; only those are learned */
    snprintf(dir, sizeof dir, "%s/announced", tmp);
    request(&rq, 1, dir);
    rq.camera = 0;
    CHECK(host_soundcheck_start(sc, &rq, err, sizeof err) == 0);
    play(sc, &tap, &clock, 4.0, 2u, 0);
    wait_seconds(sc, 4.0);
    request(&rq, -1, dir);
    CHECK(host_soundcheck_start(sc, &rq, err, sizeof err) == -1 && strstr(err, "announce the next"));
    request(&rq, 0, dir);
    CHECK(host_soundcheck_start(sc, &rq, err, sizeof err) == 0); /* the next player */
    host_soundcheck_status(sc, &st);
    CHECK(st.state == HOST_SC_RECORDING && st.player == 0);
    play(sc, &tap, &clock, 4.0, 1u, 0);
    wait_seconds(sc, 8.0);
    CHECK(host_soundcheck_stop(sc, err, sizeof err) == 0);
    st = wait_end(sc);
    CHECK_MSG(st.state == HOST_SC_DONE, "announced run: %s", st.message);
    CHECK(in.calls == 2 && in.n == 2 && in.players[0] == 1 && in.players[1] == 0);
    const double a1 = centroid_hz(in.paths[0]), a0 = centroid_hz(in.paths[1]);
    CHECK_MSG(a0 < 800.0 && a1 > 1500.0, "announced: %g Hz, %g Hz", a0, a1);
    printf("  announced run: players in the order announced; centroids %.0f Hz and %.0f Hz\n", a0, a1);

    /* too little for violin: named, nothing written or installed */
    snprintf(dir, sizeof dir, "%s/little", tmp);
    request(&rq, 0, dir);
    CHECK(host_soundcheck_start(sc, &rq, err, sizeof err) == 0);
    play(sc, &tap, &clock, 1.0, 1u, 0);
    wait_seconds(sc, 1.0);
    request(&rq, 1, dir);
    CHECK(host_soundcheck_start(sc, &rq, err, sizeof err) == 0);
    play(sc, &tap, &clock, 4.0, 2u, 0);
    wait_seconds(sc, 5.0);
    CHECK(host_soundcheck_stop(sc, err, sizeof err) == 0);
    st = wait_end(sc);
    CHECK_MSG(st.state == HOST_SC_FAILED && strstr(st.message, "too little material for violin") &&
                  strstr(st.message, "unchanged"),
              "%s: %s", host_sc_state_name(st.state), st.message);
    CHECK(in.calls == 2 && files_in(dir) == 0);
    printf("  too little: \"%s\"\n", st.message);

    /* cancel while recording discards */
    request(&rq, 0, dir);
    CHECK(host_soundcheck_start(sc, &rq, err, sizeof err) == 0);
    play(sc, &tap, &clock, 4.0, 1u, 0);
    CHECK(host_soundcheck_cancel(sc, err, sizeof err) == 0);
    st = wait_end(sc);
    CHECK(st.state == HOST_SC_CANCELLED && in.calls == 2 && files_in(dir) == 0);
    CHECK(host_soundcheck_stop(sc, err, sizeof err) == -1);

    /* a time given at start ends the recording by itself */
    request(&rq, 0, dir);
    rq.seconds = 0.5;
    CHECK(host_soundcheck_start(sc, &rq, err, sizeof err) == 0);
    play(sc, &tap, &clock, 1.0, 1u, 0);
    st = wait_end(sc);
    CHECK_MSG(st.state == HOST_SC_FAILED && fabs(st.seconds - 0.5) < 1e-3 && strstr(st.message, "violin"),
              "timed: %s %g: %s",
              host_sc_state_name(st.state), st.seconds, st.message);
    printf("  cancel discards; a timed run stops by itself\n");

    host_soundcheck_free(sc);

    /* the cap: the recording stops there by itself and the outcome says so */
    cfg.max_seconds = 2.0;
    sc = host_soundcheck_create(&cfg);
    CHECK(sc);
    request(&rq, 0, dir);
    CHECK(host_soundcheck_start(sc, &rq, err, sizeof err) == 0);
    play(sc, &tap, &clock, 3.0, 1u, 0);
    st = wait_end(sc);
    CHECK_MSG(st.seconds == 2.0 && st.max_seconds == 2.0 && strstr(st.message, "cap"), "cap: %g s: %s", st.seconds,
              st.message);
    host_soundcheck_free(sc);
    printf("  the cap: \"%s\"\n", st.message);
    host_sc_tap_destroy(&tap);
}

/* Through a session: the audio side records without allocating, the
 * learned dictionaries replace the bundled ones in the configuration (what
 * NSM saves), the session is dirty, and the stems keep flowing. */
static void session_test(const char *tmp)
{
    host_config cfg;
    host_config_default(&cfg, HOST_JACK);
    char err[1024], text[1400];
    snprintf(text, sizeof text,
             "soundcheck-dir = %s/session\nsoundcheck-atoms = 8\nsoundcheck-iterations = 40\n"
             "[player violin]\n[player cello]\nlabel = Cello B\n",
             tmp);
    CHECK(host_config_parse(&cfg, text, "t", err, sizeof err) == 0);
    host_session *s = host_session_create(&cfg, RATE, err, sizeof err);
    CHECK_MSG(s, "%s", err);
    host_session_set_soundcheck_dir(s, NULL); /* from the configuration */
    (void)host_session_take_dirty(s);
    CHECK(host_session_soundcheck_start(s, -1, 0.0, err, sizeof err) == -1 && strstr(err, "no camera"));
    CHECK(host_session_soundcheck_start(s, 0, 0.0, err, sizeof err) == 0);
    float in[256], o0[256], o1[256];
    float *outs[2] = {o0, o1};
    unsigned seed = 7;
    long allocations = 0;
    for (int player = 0; player < 2; player++) {
        if (player)
            CHECK(host_session_soundcheck_start(s, 1, 0.0, err, sizeof err) == 0);
        for (int b = 0; b < (int)(4.0 * RATE / 256); b++) {
            static int64_t clock = 0;
            for (int i = 0; i < 256; i++)
                in[i] = tone(player, (double)(clock + i) / RATE, &seed);
            clock += 256;
            const long before = ALLOCATIONS();
            alloc_counter_arm_this_thread(); /* the audio side: the worker may be learning */
            host_session_process(s, in, outs, 256, 0);
            alloc_counter_disarm_this_thread();
            allocations += ALLOCATIONS() - before;
            if (b % 16 == 15)
                sleep_ms(3);
        }
        host_sc_status st;
        for (int i = 0; i < 1000; i++) {
            host_session_soundcheck_status(s, &st);
            if (st.seconds >= 4.0 * (player + 1) - 0.01)
                break;
            sleep_ms(5);
        }
    }
    CHECK_MSG(allocations == 0, "the audio side allocated %ld times while recording", allocations);
    CHECK(host_session_soundcheck_stop(s, err, sizeof err) == 0);
    host_sc_status st;
    for (int i = 0; i < 6000; i++) {
        host_session_soundcheck_status(s, &st);
        if (st.state != HOST_SC_RECORDING && st.state != HOST_SC_LEARNING)
            break;
        for (int k = 0; k < 256; k++) /* the audio runs on while it learns */
            in[k] = tone(0, k / RATE, &seed);
        host_session_process(s, in, outs, 256, 0);
        sleep_ms(5);
    }
    CHECK_MSG(st.state == HOST_SC_DONE && strstr(st.message, "learned violin") && strstr(st.message, "Cello B") &&
                  st.learned == 3u,
              "session: %s: '%s' (learned %x)", host_sc_state_name(st.state), st.message, st.learned);
    host_config now;
    host_session_get_config(s, &now);
    CHECK_MSG(strstr(now.players[0].dictionary, "/session/violin.dict") && !now.players[0].instrument[0] &&
                  strstr(now.players[1].dictionary, "/session/Cello_B.dict"),
              "config: '%s' '%s'", now.players[0].dictionary, now.players[1].dictionary);
    CHECK(access(now.players[0].dictionary, R_OK) == 0 && access(now.players[1].dictionary, R_OK) == 0);
    CHECK(host_session_take_dirty(s) == 1);
    /* the new set is in use and the stems flow (after the engine's latency) */
    double energy = 0.0;
    for (int b = 0; b < 40; b++) {
        for (int i = 0; i < 256; i++)
            in[i] = tone(1, (double)(b * 256 + i) / RATE, &seed);
        const long before = ALLOCATIONS();
        alloc_counter_arm_this_thread(); /* the audio side: the worker may be learning */
        host_session_process(s, in, outs, 256, 0);
        alloc_counter_disarm_this_thread();
        allocations += ALLOCATIONS() - before;
        for (int i = 0; i < 256; i++) {
            CHECK(isfinite(o0[i]) && isfinite(o1[i]));
            energy += (double)o0[i] * o0[i] + (double)o1[i] * o1[i];
        }
    }
    CHECK(allocations == 0 && energy > 1e-3);
    host_session_free(s);
    printf("  session: recorded without allocating, learned, in the configuration and in use\n");
}

int main(void)
{
    printf("host_soundcheck:\n");
    test_tap();
    test_file_names();
    char tmp[] = "/tmp/camsep-soundcheck-XXXXXX";
    CHECK(mkdtemp(tmp));
    test_state_machine(tmp);
    session_test(tmp);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    CHECK(system(cmd) == 0);
    printf("host_soundcheck: all tests passed\n");
    return 0;
}
