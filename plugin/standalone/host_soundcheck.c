/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The live sound check: state machine and worker (see host_soundcheck.h). */
#define _GNU_SOURCE /* syscall(SYS_gettid) */
#include "host_soundcheck.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "host_soundcheck_files.h"
#include "soundcheck.h"
#include "soundcheck_record.h"
#include "stft.h"

#define POLL_NS 20000000L          /* the worker drains the rings every 20 ms */
#define CAMERA_GAP_S 0.5           /* frames further than this from a camera sample: unknown */
#define ANNOUNCE_HOLD_S 0.25       /* frames this close to a change of player: unknown */

struct host_soundcheck {
    host_sc_config cfg;
    pthread_mutex_t lock;          /* st, rq, joinable: control threads and the worker */
    host_sc_status st;
    host_sc_request rq;            /* the run's, written by start while no worker runs */
    pthread_t thread;
    int joinable;
    camsep_sc_record rec;          /* made by start (so the worker never allocates while recording), the worker's */
    atomic_int stop, cancel, announced;
    int capped;                    /* the worker's: the recording reached max_seconds */
};

const char *host_sc_state_name(host_sc_state s)
{
    static const char *const names[] = {"idle", "recording", "learning", "done", "error", "cancelled"};
    return s >= HOST_SC_IDLE && s <= HOST_SC_CANCELLED ? names[s] : "unknown";
}

host_soundcheck *host_soundcheck_create(const host_sc_config *cfg)
{
    host_soundcheck *sc = calloc(1, sizeof *sc);
    if (!sc)
        return NULL;
    sc->cfg = *cfg;
    if (!(sc->cfg.max_seconds > 0.0) || sc->cfg.max_seconds > HOST_SC_MAX_SECONDS)
        sc->cfg.max_seconds = HOST_SC_MAX_SECONDS;
    pthread_mutex_init(&sc->lock, NULL);
    sc->st.player = -1;
    sc->st.n_players = cfg->n_players;
    sc->st.max_seconds = sc->cfg.max_seconds;
    atomic_init(&sc->stop, 0);
    atomic_init(&sc->cancel, 0);
    atomic_init(&sc->announced, -1);
    return sc;
}

/* Worker: the end of a run (its last use of the lock). */
static void finish(host_soundcheck *sc, host_sc_state state, const char *message)
{
    pthread_mutex_lock(&sc->lock);
    sc->st.state = state;
    sc->st.serial++;
    if (sc->capped)
        snprintf(sc->st.message, sizeof sc->st.message, "%.980s (the recording stopped at its %.0f s cap)", message,
                 sc->cfg.max_seconds);
    else
        snprintf(sc->st.message, sizeof sc->st.message, "%.1023s", message);
    pthread_mutex_unlock(&sc->lock);
}

static void set_state(host_soundcheck *sc, host_sc_state state)
{
    pthread_mutex_lock(&sc->lock);
    sc->st.state = state;
    sc->st.serial++;
    pthread_mutex_unlock(&sc->lock);
}

/* Worker: everything the rings hold into the recording. 1 at the cap, -1
 * out of memory, else 0. */
static int drain(host_soundcheck *sc, camsep_sc_record *rec)
{
    host_sc_tap *tap = sc->cfg.tap;
    camsep_sc_chunk c;
    camsep_sc_activity a;
    int r = 0;
    while (r >= 0 && spsc_ring_pop(&tap->audio, &c)) {
        if (sc->rq.player >= 0 && camsep_sc_record_label(rec, atomic_load(&sc->announced)))
            r = -1;
        const int k = camsep_sc_record_add_chunk(rec, &c);
        if (k)
            r = k;
    }
    while (spsc_ring_pop(&tap->activity, &a))
        if (sc->rq.player < 0 && camsep_sc_record_add_activity(rec, &a))
            r = -1;
    return r;
}

static void publish_recording(host_soundcheck *sc, const camsep_sc_record *rec)
{
    camsep_soundcheck_params p;
    camsep_soundcheck_defaults(&p);
    double alone[HOST_MAX_PLAYERS], together[HOST_MAX_PLAYERS];
    camsep_sc_record_material(rec, sc->cfg.rate, sc->cfg.n_players, p.playing, p.resting, alone, together);
    const uint64_t dropped = atomic_load_explicit(&sc->cfg.tap->audio_dropped, memory_order_relaxed);
    pthread_mutex_lock(&sc->lock);
    sc->st.seconds = camsep_sc_record_seconds(rec, sc->cfg.rate);
    sc->st.player = sc->rq.player < 0 ? -1 : atomic_load(&sc->announced);
    memcpy(sc->st.alone_s, alone, sizeof alone);
    memcpy(sc->st.together_s, together, sizeof together);
    sc->st.dropped = dropped;
    pthread_mutex_unlock(&sc->lock);
}

static void on_progress(void *ctx, int done, int total)
{
    host_soundcheck *sc = ctx;
    pthread_mutex_lock(&sc->lock);
    sc->st.progress = total > 0 ? (float)done / (float)total : 0.0f;
    pthread_mutex_unlock(&sc->lock);
}

/* The learner's "player N: reason" with the player's name instead. */
static void name_player(const char *err, const char *label, char *out, size_t size)
{
    const char *colon = strstr(err, ": ");
    snprintf(out, size, "sound check: too little material for %s: %s; the dictionaries in use are unchanged",
             label, colon ? colon + 2 : err);
}

/* Worker: from the recording to dictionaries in use. The final state. */
static void learn(host_soundcheck *sc, const camsep_sc_record *rec)
{
    const host_sc_config *c = &sc->cfg;
    const host_sc_request *rq = &sc->rq;
    char msg[1024], err[768];
    int players[HOST_MAX_PLAYERS], n = 0;
    if (rq->player >= 0) { /* the players announced, in order */
        for (size_t k = 0; k < rec->n_labels; k++) {
            int seen = 0;
            for (int i = 0; i < n; i++)
                seen |= players[i] == rec->labels[k].player;
            if (!seen)
                players[n++] = rec->labels[k].player;
        }
    } else {
        for (n = 0; n < c->n_players; n++)
            players[n] = n;
    }
    if (rec->n < (size_t)c->fft * 4 || !n) {
        finish(sc, HOST_SC_FAILED, "sound check: nothing recorded (is the audio running?); nothing changed");
        return;
    }
    if (rq->player < 0 && !rec->n_act) {
        finish(sc, HOST_SC_FAILED, "sound check: the camera said nothing during the recording (stalled or lost?); "
                                   "announce who plays instead (/soundcheck/start N); nothing changed");
        return;
    }
    camsep_soundcheck_params p;
    camsep_soundcheck_defaults(&p);
    if (c->atoms > 0)
        p.atoms = c->atoms;
    if (c->iterations > 0) {
        p.iterations = c->iterations;
        p.joint_iterations = c->iterations < p.joint_iterations ? c->iterations : p.joint_iterations;
    }
    if (c->transpose >= 0)
        p.transpose = c->transpose;
    size_t frames = 0;
    const int bins = c->fft / 2 + 1;
    float *V = camsep_stft_magnitudes(rec->x, rec->n, c->fft, c->fall, c->hop, &frames);
    float *act = V ? malloc(sizeof(float) * frames * (size_t)n) : NULL;
    camsep_dictionary *dicts[HOST_MAX_PLAYERS] = {0};
    const char *labels[HOST_MAX_PLAYERS];
    camsep_soundcheck_material material[HOST_MAX_PLAYERS];
    int ok = act != NULL;
    for (int k = 0; k < n && ok; k++) {
        labels[k] = rq->labels[players[k]];
        dicts[k] = camsep_dictionary_new(p.atoms, c->rate, c->fft, labels[k], err, sizeof err);
        ok = dicts[k] != NULL;
        if (ok) {
            dicts[k]->hop = c->hop;
            dicts[k]->window_fall = c->fall;
        }
    }
    if (!ok) {
        finish(sc, HOST_SC_FAILED, "sound check: out of memory; nothing changed");
        goto out;
    }
    /* frame k as the engine reports it: (k + 1) hop - fall */
    camsep_sc_record_frame_activity(rec, frames, c->hop, (int64_t)c->hop - c->fall, players, n,
                                    (int64_t)(CAMERA_GAP_S * c->rate), (int64_t)(ANNOUNCE_HOLD_S * c->rate), act);
    int bad = -1;
    const int rc = camsep_soundcheck_learn(V, act, frames, bins, n, (double)c->hop / c->rate, &p, dicts, material,
                                           on_progress, sc, &sc->cancel, &bad, err, sizeof err);
    if (rc == CAMSEP_SOUNDCHECK_CANCELLED || atomic_load(&sc->cancel)) {
        finish(sc, HOST_SC_CANCELLED, "sound check cancelled; nothing changed");
        goto out;
    }
    pthread_mutex_lock(&sc->lock);
    for (int j = 0; j < c->n_players; j++)
        sc->st.alone_s[j] = sc->st.together_s[j] = 0.0;
    for (int k = 0; k < n && (rc == CAMSEP_SOUNDCHECK_OK || rc == CAMSEP_SOUNDCHECK_TOO_LITTLE); k++) {
        sc->st.alone_s[players[k]] = material[k].alone_s;
        sc->st.together_s[players[k]] = material[k].together_s;
    }
    pthread_mutex_unlock(&sc->lock);
    if (rc == CAMSEP_SOUNDCHECK_TOO_LITTLE && bad >= 0 && bad < n) {
        name_player(err, labels[bad], msg, sizeof msg);
        finish(sc, HOST_SC_FAILED, msg);
        goto out;
    }
    if (rc) {
        snprintf(msg, sizeof msg, "%s; nothing changed", err);
        finish(sc, HOST_SC_FAILED, msg);
        goto out;
    }
    char paths[HOST_MAX_PLAYERS][HOST_PATH_LEN];
    if (host_sc_write_dictionaries(rq->dir, n, dicts, labels, paths, err, sizeof err) ||
        c->install.install(c->install.user, n, players, dicts, (const char(*)[HOST_PATH_LEN])paths, err,
                           sizeof err)) {
        snprintf(msg, sizeof msg, "%s; the dictionaries in use are unchanged", err);
        finish(sc, HOST_SC_FAILED, msg);
        goto out;
    }
    pthread_mutex_lock(&sc->lock);
    sc->st.learned = 0;
    for (int k = 0; k < n; k++)
        sc->st.learned |= 1u << players[k];
    pthread_mutex_unlock(&sc->lock);
    size_t used = (size_t)snprintf(msg, sizeof msg, "learned");
    for (int k = 0; k < n && used < sizeof msg; k++)
        used += (size_t)snprintf(msg + used, sizeof msg - used,
                                 "%s %s (%.1f s alone, %.1f s together, ±%d semitones) -> %s", k ? "," : "", labels[k],
                                 material[k].alone_s, material[k].together_s, material[k].transpose, paths[k]);
    finish(sc, HOST_SC_DONE, msg);
out:
    for (int k = 0; k < n; k++)
        camsep_dictionary_free(dicts[k]);
    free(act);
    free(V);
}

static void *worker(void *arg)
{
    host_soundcheck *sc = arg;
    const double limit = sc->rq.seconds > 0.0 && sc->rq.seconds < sc->cfg.max_seconds ? sc->rq.seconds
                                                                                      : sc->cfg.max_seconds;
    camsep_sc_record *rec = &sc->rec;
    int r = 0;
    sc->capped = 0;
    while (!atomic_load(&sc->cancel) && !atomic_load(&sc->stop) && r == 0 &&
           camsep_sc_record_seconds(rec, sc->cfg.rate) < limit) {
        struct timespec ts = {0, POLL_NS};
        nanosleep(&ts, NULL);
        r = drain(sc, rec);
        publish_recording(sc, rec);
    }
    host_sc_tap_arm(sc->cfg.tap, 0);
    if (r >= 0)
        r = drain(sc, rec) < 0 ? -1 : r;
    if (r >= 0 && sc->rq.seconds > 0.0 && rec->n > (size_t)(limit * sc->cfg.rate))
        rec->n = (size_t)(limit * sc->cfg.rate); /* a timed sound check is that long, to the sample */
    publish_recording(sc, rec);
    if (atomic_load(&sc->cancel)) {
        finish(sc, HOST_SC_CANCELLED, "sound check cancelled; nothing changed");
    } else if (r < 0) {
        finish(sc, HOST_SC_FAILED, "sound check: out of memory while recording; nothing changed");
    } else {
        sc->capped = r == 1 || !(camsep_sc_record_seconds(rec, sc->cfg.rate) < sc->cfg.max_seconds);
        set_state(sc, HOST_SC_LEARNING);
        /* Seconds of arithmetic: let the audio and capture threads (and the
         * rest of a busy machine) go first. Linux: this thread only. */
        if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19))
            fprintf(stderr, "camsep: sound check: could not lower the learner's priority\n");
        learn(sc, rec);
    }
    camsep_sc_record_free(rec);
    return NULL;
}

static int refuse(char *err, size_t errlen, const char *why)
{
    snprintf(err, errlen, "%s", why);
    return -1;
}

int host_soundcheck_start(host_soundcheck *sc, const host_sc_request *rq, char *err, size_t errlen)
{
    if (rq->player >= sc->cfg.n_players)
        return refuse(err, errlen, "sound check: no such player");
    pthread_mutex_lock(&sc->lock);
    int rc = 0;
    if (sc->st.state == HOST_SC_RECORDING && rq->player >= 0 && sc->rq.player >= 0) {
        atomic_store(&sc->announced, rq->player); /* the next player plays alone */
        sc->st.player = rq->player;
        sc->st.serial++;
    } else if (sc->st.state == HOST_SC_RECORDING) {
        rc = refuse(err, errlen, sc->rq.player >= 0
                                     ? "a sound check is already recording with players announced: announce the "
                                       "next one (start N), or stop or cancel it first"
                                     : "a sound check is already recording: stop or cancel it first");
    } else if (sc->st.state == HOST_SC_LEARNING) {
        rc = refuse(err, errlen, "a sound check is learning: wait for it, or cancel it first");
    } else if (rq->player < 0 && !rq->camera) {
        rc = refuse(err, errlen, "no camera to tell who plays: announce each player as they play alone "
                                 "(/soundcheck/start N)");
    } else {
        if (sc->joinable)
            pthread_join(sc->thread, NULL); /* it has finished: the state says so */
        sc->joinable = 0;
        sc->rq = *rq;
        atomic_store(&sc->stop, 0);
        atomic_store(&sc->cancel, 0);
        atomic_store(&sc->announced, rq->player);
        const host_sc_status before = sc->st;
        memset(&sc->st, 0, sizeof sc->st);
        sc->st.state = HOST_SC_RECORDING;
        sc->st.player = rq->player;
        sc->st.n_players = sc->cfg.n_players;
        sc->st.max_seconds = sc->cfg.max_seconds;
        sc->st.serial = before.serial + 1;
        /* the whole recording's storage now: the worker then never allocates
         * while it records (untouched pages cost nothing) */
        if (camsep_sc_record_init(&sc->rec, (size_t)(sc->cfg.max_seconds * sc->cfg.rate),
                                  (size_t)(sc->cfg.max_seconds * 240.0))) {
            sc->st = before;
            pthread_mutex_unlock(&sc->lock);
            return refuse(err, errlen, "sound check: out of memory");
        }
        /* armed here, so that the recording starts now; no worker runs, so
         * this thread may act as the rings' consumer */
        host_sc_tap_arm(sc->cfg.tap, 1);
        if (pthread_create(&sc->thread, NULL, worker, sc)) {
            host_sc_tap_arm(sc->cfg.tap, 0);
            camsep_sc_record_free(&sc->rec);
            sc->st = before;
            rc = refuse(err, errlen, "sound check: cannot start its thread");
        } else {
            sc->joinable = 1;
        }
    }
    pthread_mutex_unlock(&sc->lock);
    return rc;
}

int host_soundcheck_stop(host_soundcheck *sc, char *err, size_t errlen)
{
    pthread_mutex_lock(&sc->lock);
    const host_sc_state s = sc->st.state;
    pthread_mutex_unlock(&sc->lock);
    if (s == HOST_SC_LEARNING)
        return refuse(err, errlen, "the sound check is already learning");
    if (s != HOST_SC_RECORDING)
        return refuse(err, errlen, "no sound check is recording (start one first)");
    atomic_store(&sc->stop, 1);
    return 0;
}

int host_soundcheck_cancel(host_soundcheck *sc, char *err, size_t errlen)
{
    pthread_mutex_lock(&sc->lock);
    const host_sc_state s = sc->st.state;
    pthread_mutex_unlock(&sc->lock);
    if (s != HOST_SC_RECORDING && s != HOST_SC_LEARNING)
        return refuse(err, errlen, "no sound check is running");
    atomic_store(&sc->cancel, 1);
    return 0;
}

void host_soundcheck_status(host_soundcheck *sc, host_sc_status *st)
{
    pthread_mutex_lock(&sc->lock);
    *st = sc->st;
    pthread_mutex_unlock(&sc->lock);
}

void host_soundcheck_free(host_soundcheck *sc)
{
    if (!sc)
        return;
    atomic_store(&sc->cancel, 1);
    if (sc->joinable)
        pthread_join(sc->thread, NULL);
    host_sc_tap_arm(sc->cfg.tap, 0);
    pthread_mutex_destroy(&sc->lock);
    free(sc);
}
