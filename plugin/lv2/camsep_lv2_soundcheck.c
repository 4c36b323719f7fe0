/* SPDX-License-Identifier: GPL-3.0-or-later */
/* camsep.lv2 sound check: rings, states, its thread (see camsep_lv2_soundcheck.h). */
#define _GNU_SOURCE /* syscall(SYS_gettid) */
#include "camsep_lv2_soundcheck.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "camsep_lv2_sc_files.h"
#include "soundcheck.h"
#include "soundcheck_record.h"
#include "spsc_ring.h"
#include "stft.h"

#define POLL_NS 20000000L    /* the thread drains the rings every 20 ms */
#define RING_SECONDS 4.0     /* what the rings hold if that thread is late */
#define CAMERA_RATE 240.0    /* camera samples a second, at most */
#define CAMERA_GAP_S 0.5     /* frames further than this from a camera sample: unknown */
#define ANNOUNCE_HOLD_S 0.25 /* frames this close to a change of player: unknown */
#define MAX_ATOMS 128        /* = CAMSEP_LV2_ATOMS_PER_STEM */

struct camsep_lv2_sc {
    double rate;
    int players;
    LV2_State_Make_Path make_path;
    LV2_State_Free_Path free_path;
    int has_make_path, has_free_path;
    spsc_ring audio, activity; /* made by the first start, before arming */
    int rings_ready;
    atomic_int armed, announced, engine_changed, stop, cancel;
    atomic_uint_fast64_t dropped;
    pthread_mutex_t lock; /* st, result, has_result: the worker and the thread */
    camsep_lv2_sc_status st;
    camsep_lv2_sc_result result;
    int has_result;
    pthread_t thread;
    int joinable; /* the worker's */
    /* the run's settings, written by start while no thread runs */
    int fft, fall, hop, atoms, iterations, camera, capped;
    double limit_s;
    int learn[CAMSEP_LV2_MAX_PLAYERS];
    camsep_sc_record rec;
};

const char *camsep_lv2_sc_state_name(int s)
{
    static const char *const names[] = {"idle", "recording", "learning", "done", "error", "cancelled"};
    return s >= CAMSEP_LV2_SC_IDLE && s <= CAMSEP_LV2_SC_CANCELLED ? names[s] : "unknown";
}

camsep_lv2_sc *camsep_lv2_sc_create(double rate, int players, const LV2_State_Make_Path *make_path,
                                    const LV2_State_Free_Path *free_path)
{
    camsep_lv2_sc *sc = calloc(1, sizeof *sc);
    if (!sc)
        return NULL;
    if (pthread_mutex_init(&sc->lock, NULL)) {
        free(sc);
        return NULL;
    }
    sc->rate = rate;
    sc->players = players;
    if (make_path) {
        sc->make_path = *make_path;
        sc->has_make_path = 1;
    }
    if (free_path) {
        sc->free_path = *free_path;
        sc->has_free_path = 1;
    }
    atomic_init(&sc->armed, 0);
    atomic_init(&sc->announced, -1);
    atomic_init(&sc->engine_changed, 0);
    atomic_init(&sc->stop, 0);
    atomic_init(&sc->cancel, 0);
    atomic_init(&sc->dropped, 0);
    sc->st.player = -1;
    snprintf(sc->st.message, sizeof sc->st.message, "no sound check yet");
    return sc;
}

static void free_result(camsep_lv2_sc_result *r)
{
    for (int k = 0; k < r->n; k++)
        camsep_dictionary_free(r->dict[k]);
    r->n = 0;
}

void camsep_lv2_sc_free(camsep_lv2_sc *sc)
{
    if (!sc)
        return;
    atomic_store(&sc->cancel, 1);
    if (sc->joinable)
        pthread_join(sc->thread, NULL);
    atomic_store(&sc->armed, 0);
    if (sc->rings_ready) {
        spsc_ring_destroy(&sc->audio);
        spsc_ring_destroy(&sc->activity);
    }
    if (sc->has_result)
        free_result(&sc->result);
    pthread_mutex_destroy(&sc->lock);
    free(sc);
}

/* ---- audio thread ---- */

int camsep_lv2_sc_armed(camsep_lv2_sc *sc)
{
    return sc && atomic_load_explicit(&sc->armed, memory_order_acquire);
}

void camsep_lv2_sc_tap_audio(camsep_lv2_sc *sc, const float *x, uint32_t n, int64_t time)
{
    if (!camsep_lv2_sc_armed(sc) || !x || n < 1 || n > CAMSEP_SC_CHUNK)
        return;
    camsep_sc_chunk c;
    c.time = time;
    c.n = n;
    c.player = atomic_load_explicit(&sc->announced, memory_order_relaxed);
    memcpy(c.x, x, sizeof(float) * n);
    if (!spsc_ring_push(&sc->audio, &c))
        atomic_fetch_add_explicit(&sc->dropped, 1, memory_order_relaxed);
}

void camsep_lv2_sc_tap_activity(camsep_lv2_sc *sc, int64_t time, const float *activity, int n)
{
    if (!camsep_lv2_sc_armed(sc))
        return;
    camsep_sc_activity a;
    a.time = time;
    a.n = n < CAMSEP_MAX_SOURCES ? n : CAMSEP_MAX_SOURCES;
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++)
        a.activity[j] = j < a.n ? activity[j] : NAN;
    spsc_ring_push(&sc->activity, &a); /* a full ring drops it: a gap the learner treats as unknown */
}

void camsep_lv2_sc_engine_changed(camsep_lv2_sc *sc)
{
    if (sc)
        atomic_store_explicit(&sc->engine_changed, 1, memory_order_relaxed);
}

/* ---- the sound check's thread ---- */

static void set_state(camsep_lv2_sc *sc, int state, const char *message)
{
    pthread_mutex_lock(&sc->lock);
    sc->st.state = state;
    sc->st.serial++;
    if (state != CAMSEP_LV2_SC_RECORDING)
        sc->st.player = -1;
    if (message)
        snprintf(sc->st.message, sizeof sc->st.message, "%s", message);
    pthread_mutex_unlock(&sc->lock);
}

/* Everything the rings hold into the recording: 1 at the cap, -1 out of memory, else 0. */
static int drain(camsep_lv2_sc *sc)
{
    camsep_sc_chunk c;
    camsep_sc_activity a;
    int r = 0;
    while (r >= 0 && spsc_ring_pop(&sc->audio, &c)) {
        const int k = camsep_sc_record_add_chunk(&sc->rec, &c);
        if (k)
            r = k;
    }
    while (spsc_ring_pop(&sc->activity, &a))
        if (sc->camera && camsep_sc_record_add_activity(&sc->rec, &a))
            r = -1;
    return r;
}

/* Under sc->lock: the recording's message. */
static void recording_message(camsep_lv2_sc *sc, double seconds, int player)
{
    if (sc->camera)
        snprintf(sc->st.message, sizeof sc->st.message,
                 "recording %.1f s: each player alone, then all together; stop when done", seconds);
    else
        snprintf(sc->st.message, sizeof sc->st.message,
                 "recording %.1f s: player %d alone (\"alone N\" for the next, then stop)", seconds, player + 1);
}

/* The recording's thread (or start, before it runs). */
static void publish_recording(camsep_lv2_sc *sc)
{
    const double s = camsep_sc_record_seconds(&sc->rec, sc->rate);
    const int player = atomic_load(&sc->announced);
    pthread_mutex_lock(&sc->lock);
    sc->st.seconds = (float)s;
    sc->st.progress = (float)(s / sc->limit_s);
    recording_message(sc, s, player);
    pthread_mutex_unlock(&sc->lock);
}

static void on_progress(void *ctx, int done, int total)
{
    camsep_lv2_sc *sc = ctx;
    pthread_mutex_lock(&sc->lock);
    sc->st.progress = total > 0 ? (float)done / (float)total : 0.0f;
    snprintf(sc->st.message, sizeof sc->st.message, "learning %d %%", (int)(100.0f * sc->st.progress));
    pthread_mutex_unlock(&sc->lock);
}

/* Which players this run learns: the announced ones (in order), or with the
 * camera every player whose slot is in use. */
static int learned_players(const camsep_lv2_sc *sc, int *players)
{
    int n = 0;
    if (!sc->camera) {
        for (size_t k = 0; k < sc->rec.n_labels; k++) {
            int seen = 0;
            for (int i = 0; i < n; i++)
                seen |= players[i] == sc->rec.labels[k].player;
            if (!seen && n < CAMSEP_LV2_MAX_PLAYERS)
                players[n++] = sc->rec.labels[k].player;
        }
        return n;
    }
    for (int j = 0; j < sc->players; j++)
        if (sc->learn[j])
            players[n++] = j;
    return n;
}

static void fail_run(camsep_lv2_sc *sc, const char *why)
{
    char msg[CAMSEP_LV2_SC_TEXT];
    snprintf(msg, sizeof msg, "%s%s", why, sc->capped ? " (the recording stopped at its cap)" : "");
    set_state(sc, CAMSEP_LV2_SC_FAILED, msg);
}

/* From the recording to files and a result for the worker. */
static void learn(camsep_lv2_sc *sc)
{
    char err[512], msg[CAMSEP_LV2_SC_TEXT];
    int players[CAMSEP_LV2_MAX_PLAYERS];
    const int n = learned_players(sc, players);
    const camsep_sc_record *rec = &sc->rec;
    if (!n) {
        fail_run(sc, "no player to learn (every player's instrument is none); nothing changed");
        return;
    }
    if (rec->n < (size_t)sc->fft * 4) {
        fail_run(sc, "nothing recorded (is the audio running?); nothing changed");
        return;
    }
    if (sc->camera && !rec->n_act) {
        fail_run(sc, "the camera said nothing during the recording (stalled or lost?); announce who plays "
                     "instead (alone N); nothing changed");
        return;
    }
    camsep_soundcheck_params p;
    camsep_soundcheck_defaults(&p);
    if (sc->atoms > 0)
        p.atoms = sc->atoms;
    if (sc->iterations > 0) {
        p.iterations = sc->iterations;
        p.joint_iterations = sc->iterations < p.joint_iterations ? sc->iterations : p.joint_iterations;
    }
    size_t frames = 0;
    const int bins = sc->fft / 2 + 1;
    float *V = camsep_stft_magnitudes(rec->x, rec->n, sc->fft, sc->fall, sc->hop, &frames);
    float *act = V ? malloc(sizeof(float) * (frames ? frames : 1) * (size_t)n) : NULL;
    camsep_dictionary *dicts[CAMSEP_LV2_MAX_PLAYERS] = {0};
    camsep_soundcheck_material material[CAMSEP_LV2_MAX_PLAYERS];
    int ok = act != NULL;
    for (int k = 0; k < n && ok; k++) {
        char name[48];
        snprintf(name, sizeof name, "player %d (sound check)", players[k] + 1);
        dicts[k] = camsep_dictionary_new(p.atoms, sc->rate, sc->fft, name, err, sizeof err);
        ok = dicts[k] != NULL;
        if (ok) {
            dicts[k]->hop = sc->hop;
            dicts[k]->window_fall = sc->fall;
        }
    }
    if (!ok) {
        fail_run(sc, "out of memory; nothing changed");
        goto out;
    }
    /* frame k as the engine reports it: (k + 1) hop - fall */
    camsep_sc_record_frame_activity(rec, frames, sc->hop, (int64_t)sc->hop - sc->fall, players, n,
                                    (int64_t)(CAMERA_GAP_S * sc->rate), (int64_t)(ANNOUNCE_HOLD_S * sc->rate), act);
    int bad = -1;
    const int rc = camsep_soundcheck_learn(V, act, frames, bins, n, (double)sc->hop / sc->rate, &p, dicts, material,
                                           on_progress, sc, &sc->cancel, &bad, err, sizeof err);
    if (rc == CAMSEP_SOUNDCHECK_CANCELLED || atomic_load(&sc->cancel)) {
        set_state(sc, CAMSEP_LV2_SC_CANCELLED, "cancelled; nothing changed");
        goto out;
    }
    if (atomic_load(&sc->engine_changed)) {
        fail_run(sc, "the latency mode changed during the sound check; nothing changed (start again)");
        goto out;
    }
    if (rc == CAMSEP_SOUNDCHECK_TOO_LITTLE && bad >= 0 && bad < n) {
        snprintf(msg, sizeof msg,
                 "too little material for player %d: %.1f s alone (%.1f s with others); let it "
                 "play alone for at least %.1f s; nothing changed",
                 players[bad] + 1, material[bad].alone_s, material[bad].together_s,
                 fmax(p.min_alone_s, (p.atoms + 1) * (double)sc->hop / sc->rate));
        fail_run(sc, msg);
        goto out;
    }
    if (rc) {
        snprintf(msg, sizeof msg, "%.200s; nothing changed", err);
        fail_run(sc, msg);
        goto out;
    }
    camsep_lv2_sc_result res;
    memset(&res, 0, sizeof res);
    if (camsep_lv2_sc_write(sc->has_make_path ? &sc->make_path : NULL, sc->has_free_path ? &sc->free_path : NULL, n,
                            players, dicts, &res, err, sizeof err)) {
        snprintf(msg, sizeof msg, "%.200s; nothing changed", err);
        fail_run(sc, msg);
        goto out;
    }
    size_t used = (size_t)snprintf(msg, sizeof msg, "learned");
    for (int k = 0; k < n && used < sizeof msg; k++)
        used += (size_t)snprintf(msg + used, sizeof msg - used,
                                 "%s player %d (%.1f s alone, %.1f s together, ±%d semitones)", k ? "," : "",
                                 players[k] + 1, material[k].alone_s, material[k].together_s, material[k].transpose);
    const uint64_t lost = atomic_load(&sc->dropped);
    if (lost && used < sizeof msg) /* the thread fell behind: those blocks were silence to the learner */
        snprintf(msg + used, sizeof msg - used, "; %.2f s of input lost (busy machine)",
                 (double)lost * CAMSEP_SC_CHUNK / sc->rate);
    pthread_mutex_lock(&sc->lock);
    if (sc->has_result)
        free_result(&sc->result);
    sc->result = res;
    sc->has_result = 1;
    sc->st.state = CAMSEP_LV2_SC_DONE;
    sc->st.serial++;
    sc->st.progress = 1.0f;
    snprintf(sc->st.message, sizeof sc->st.message, "%s", msg);
    pthread_mutex_unlock(&sc->lock);
out:
    for (int k = 0; k < n; k++)
        camsep_dictionary_free(dicts[k]);
    free(act);
    free(V);
}

static void *run_thread(void *arg)
{
    camsep_lv2_sc *sc = arg;
    int r = 0;
    sc->capped = 0;
    while (!atomic_load(&sc->cancel) && !atomic_load(&sc->stop) && !atomic_load(&sc->engine_changed) && r == 0 &&
           camsep_sc_record_seconds(&sc->rec, sc->rate) < sc->limit_s) {
        struct timespec ts = {0, POLL_NS};
        nanosleep(&ts, NULL);
        r = drain(sc);
        publish_recording(sc);
    }
    atomic_store_explicit(&sc->armed, 0, memory_order_release);
    if (r >= 0)
        r = drain(sc) < 0 ? -1 : r;
    if (r >= 0 && sc->rec.n > (size_t)(sc->limit_s * sc->rate))
        sc->rec.n = (size_t)(sc->limit_s * sc->rate); /* a timed sound check is that long, to the sample */
    publish_recording(sc);
    if (atomic_load(&sc->cancel)) {
        set_state(sc, CAMSEP_LV2_SC_CANCELLED, "cancelled; nothing changed");
    } else if (atomic_load(&sc->engine_changed)) {
        fail_run(sc, "the latency mode changed during the sound check; nothing changed (start again)");
    } else if (r < 0) {
        fail_run(sc, "out of memory while recording; nothing changed");
    } else {
        sc->capped = r == 1 && !(sc->limit_s < CAMSEP_LV2_SC_MAX_SECONDS);
        set_state(sc, CAMSEP_LV2_SC_LEARNING, "learning 0 %");
        /* Seconds of arithmetic: let the host's threads go first (Linux: this thread only). */
        if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19)) {
            /* not fatal: it then competes at the host's priority */
        }
        learn(sc);
    }
    camsep_sc_record_free(&sc->rec);
    return NULL;
}

/* ---- the host's worker ---- */

static int refuse(camsep_lv2_sc *sc, const char *command, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int refuse(camsep_lv2_sc *sc, const char *command, char *err, size_t errlen, const char *fmt, ...)
{
    char why[CAMSEP_LV2_SC_TEXT];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    snprintf(err, errlen, "sound check: \"%.40s\" refused: %s", command, why);
    pthread_mutex_lock(&sc->lock);
    snprintf(sc->st.notice, sizeof sc->st.notice, "\"%.40s\" refused: %.200s", command, why);
    sc->st.notice_serial++;
    pthread_mutex_unlock(&sc->lock);
    return -1;
}

typedef struct sc_command {
    enum { CMD_START, CMD_ALONE, CMD_STOP, CMD_CANCEL } verb;
    int player;     /* CMD_ALONE, 0-based */
    double seconds; /* 0: until stop */
    int atoms, iterations;
} sc_command;

/* 0, or -1 with the reason in why. */
static int parse(const char *text, int players, sc_command *c, char *why, size_t size)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", text);
    memset(c, 0, sizeof *c);
    char *save = NULL, *word = strtok_r(buf, " \t\r\n", &save);
    if (!word)
        return snprintf(why, size, "empty command (start, alone N, stop or cancel)"), -1;
    if (!strcmp(word, "stop") || !strcmp(word, "cancel")) {
        c->verb = word[0] == 's' ? CMD_STOP : CMD_CANCEL;
        return strtok_r(NULL, " \t\r\n", &save) ? (snprintf(why, size, "%s takes nothing more", word), -1) : 0;
    }
    if (!strcmp(word, "alone")) {
        char *n = strtok_r(NULL, " \t\r\n", &save), *end = NULL;
        const long p = n ? strtol(n, &end, 10) : 0;
        if (!n || *end || p < 1 || p > players)
            return snprintf(why, size, "\"alone N\" needs a player number from 1 to %d", players), -1;
        c->verb = CMD_ALONE;
        c->player = (int)p - 1;
    } else if (!strcmp(word, "start")) {
        c->verb = CMD_START;
    } else {
        return snprintf(why, size, "unknown command (start, alone N, stop or cancel)"), -1;
    }
    while ((word = strtok_r(NULL, " \t\r\n", &save))) {
        char *eq = strchr(word, '='), *end = NULL;
        const double v = eq ? strtod(eq + 1, &end) : 0.0;
        if (!eq || end == eq + 1 || *end)
            return snprintf(why, size, "option \"%.40s\" is not NAME=NUMBER", word), -1;
        *eq = '\0';
        if (!strcmp(word, "seconds") && v > 0.0 && v <= CAMSEP_LV2_SC_MAX_SECONDS)
            c->seconds = v;
        else if (!strcmp(word, "atoms") && v >= 1 && v <= MAX_ATOMS && v == floor(v))
            c->atoms = (int)v;
        else if (!strcmp(word, "iterations") && v >= 1 && v <= 10000 && v == floor(v))
            c->iterations = (int)v;
        else
            return snprintf(why, size,
                            "option %.40s=%g is unknown or out of range (seconds=1..%g, atoms=1..%d, "
                            "iterations=1..10000)",
                            word, v, CAMSEP_LV2_SC_MAX_SECONDS, MAX_ATOMS),
                   -1;
    }
    return 0;
}

static int make_rings(camsep_lv2_sc *sc)
{
    if (sc->rings_ready)
        return 0;
    const size_t chunks = (size_t)(RING_SECONDS * sc->rate / CAMSEP_SC_CHUNK) + 2;
    if (spsc_ring_init(&sc->audio, chunks, sizeof(camsep_sc_chunk)))
        return -1;
    if (spsc_ring_init(&sc->activity, (size_t)(RING_SECONDS * CAMERA_RATE), sizeof(camsep_sc_activity))) {
        spsc_ring_destroy(&sc->audio);
        return -1;
    }
    sc->rings_ready = 1;
    return 0;
}

static int start(camsep_lv2_sc *sc, const char *text, const sc_command *c, const camsep_config *cfg,
                 const int *learn_ok, char *err, size_t errlen)
{
    if (sc->joinable) { /* it has finished: the state says so */
        pthread_join(sc->thread, NULL);
        sc->joinable = 0;
    }
    if (make_rings(sc) || camsep_sc_record_init(&sc->rec, (size_t)(CAMSEP_LV2_SC_MAX_SECONDS * sc->rate),
                                              (size_t)(CAMSEP_LV2_SC_MAX_SECONDS * CAMERA_RATE)))
        return refuse(sc, text, err, errlen, "out of memory");
    sc->camera = c->verb == CMD_START;
    sc->fft = cfg->fft_size;
    sc->fall = cfg->latency / 2;
    sc->hop = cfg->hop;
    sc->atoms = c->atoms;
    sc->iterations = c->iterations;
    sc->limit_s = c->seconds > 0.0 ? c->seconds : CAMSEP_LV2_SC_MAX_SECONDS;
    for (int j = 0; j < CAMSEP_LV2_MAX_PLAYERS; j++)
        sc->learn[j] = j < sc->players && learn_ok[j];
    atomic_store(&sc->stop, 0);
    atomic_store(&sc->cancel, 0);
    atomic_store(&sc->engine_changed, 0);
    atomic_store(&sc->announced, sc->camera ? -1 : c->player);
    /* The rings' consumer is this thread until the sound check's starts. */
    spsc_ring_clear(&sc->audio);
    spsc_ring_clear(&sc->activity);
    atomic_store(&sc->dropped, 0);
    pthread_mutex_lock(&sc->lock);
    if (sc->has_result) { /* never taken: superseded */
        free_result(&sc->result);
        sc->has_result = 0;
    }
    sc->st.state = CAMSEP_LV2_SC_RECORDING;
    sc->st.serial++;
    sc->st.player = sc->camera ? -1 : c->player;
    sc->st.progress = 0.0f;
    sc->st.seconds = 0.0f;
    pthread_mutex_unlock(&sc->lock);
    publish_recording(sc);
    atomic_store_explicit(&sc->armed, 1, memory_order_release);
    if (pthread_create(&sc->thread, NULL, run_thread, sc)) {
        atomic_store_explicit(&sc->armed, 0, memory_order_release);
        camsep_sc_record_free(&sc->rec);
        set_state(sc, CAMSEP_LV2_SC_FAILED, "cannot start the sound check's thread; nothing changed");
        return refuse(sc, text, err, errlen, "cannot start its thread");
    }
    sc->joinable = 1;
    return 0;
}

int camsep_lv2_sc_command(camsep_lv2_sc *sc, const char *text, const camsep_config *cfg, const int *learn_ok,
                          int camera_live, char *err, size_t errlen)
{
    sc_command c;
    char why[CAMSEP_LV2_SC_TEXT];
    if (parse(text, sc->players, &c, why, sizeof why))
        return refuse(sc, text, err, errlen, "%s", why);
    pthread_mutex_lock(&sc->lock);
    const int state = sc->st.state;
    pthread_mutex_unlock(&sc->lock);
    const int recording = state == CAMSEP_LV2_SC_RECORDING, learning = state == CAMSEP_LV2_SC_LEARNING;
    switch (c.verb) {
    case CMD_STOP:
        if (learning)
            return refuse(sc, text, err, errlen, "the sound check is already learning");
        if (!recording)
            return refuse(sc, text, err, errlen, "no sound check is recording (start one first)");
        atomic_store(&sc->stop, 1);
        return 0;
    case CMD_CANCEL:
        if (!recording && !learning)
            return refuse(sc, text, err, errlen, "no sound check is running");
        atomic_store(&sc->cancel, 1);
        return 0;
    case CMD_ALONE:
        if (recording && !sc->camera) { /* the next player */
            atomic_store(&sc->announced, c.player);
            pthread_mutex_lock(&sc->lock);
            sc->st.player = c.player;
            sc->st.serial++;
            recording_message(sc, sc->st.seconds, c.player);
            pthread_mutex_unlock(&sc->lock);
            return 0;
        }
        /* fall through */
    case CMD_START:
        if (recording)
            return refuse(sc, text, err, errlen, "%s",
                          sc->camera ? "a sound check is already recording with the camera: stop or cancel it first"
                                     : "a sound check is already recording with players announced: announce the "
                                       "next one (alone N), or stop or cancel it first");
        if (learning)
            return refuse(sc, text, err, errlen, "a sound check is learning: wait for it, or cancel it first");
        if (c.verb == CMD_START && !camera_live)
            return refuse(sc, text, err, errlen,
                          "no live camera to tell who plays: announce each player as they "
                          "play alone (alone N)");
        return start(sc, text, &c, cfg, learn_ok, err, errlen);
    }
    return -1;
}

void camsep_lv2_sc_status_get(camsep_lv2_sc *sc, camsep_lv2_sc_status *st)
{
    pthread_mutex_lock(&sc->lock);
    *st = sc->st;
    pthread_mutex_unlock(&sc->lock);
}

int camsep_lv2_sc_take_result(camsep_lv2_sc *sc, camsep_lv2_sc_result *out)
{
    pthread_mutex_lock(&sc->lock);
    const int has = sc->has_result;
    if (has) {
        *out = sc->result;
        memset(&sc->result, 0, sizeof sc->result);
        sc->has_result = 0;
    }
    pthread_mutex_unlock(&sc->lock);
    return has;
}

void camsep_lv2_sc_install_failed(camsep_lv2_sc *sc, const char *why)
{
    pthread_mutex_lock(&sc->lock);
    sc->st.state = CAMSEP_LV2_SC_FAILED;
    sc->st.serial++;
    snprintf(sc->st.message, sizeof sc->st.message, "the learned dictionaries cannot be used: %.200s", why);
    pthread_mutex_unlock(&sc->lock);
}
