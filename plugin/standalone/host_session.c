/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The host core shared by the standalones (see host_session.h). */
#include "host_session.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "host_assoc.h"
#include "host_dicts.h"
#include "host_dsp.h"
#include "host_soundcheck.h"
#include "host_soundcheck_files.h"
#include "host_soundcheck_tap.h"
#include "prior_clock.h"
#include "capture_runner.h"

struct host_session {
    pthread_mutex_t lock;          /* control threads only */
    host_config cfg;               /* the control side's view, updated by commands */
    int dirty;
    int n_players, n_stems;
    int own_camera;                /* the configuration has a video: no priors from the network */
    char stem_names[CAMSEP_MAX_SOURCES][HOST_NAME_LEN];
    double rate;
    camsep_engine *engine;
    camsep_prior_clock clock;
    host_cmdq queue;
    host_dsp dsp;
    int dsp_ready;
    /* the dictionaries of the running set (control side, under lock) */
    camsep_dictionary *dicts[CAMSEP_MAX_SOURCES], *other_dict;
    /* meters (reader) */
    pthread_mutex_t meter_lock;
    camsep_frame_report last_report;
    int64_t reports;
    host_assoc assoc;              /* which box is which player: fed by the reports' reader */
    int assoc_ready;
    /* camera */
    _Atomic double camera_latency;
    atomic_uint_fast64_t priors_pushed, priors_unmapped;
    camsep_capture_runner *runner;
    const host_frame_hook *_Atomic frame_hook; /* the window's preview (host_ui.c) */
    /* sound check: the input and the camera's activity on their way to its worker */
    host_sc_tap tap;
    int tap_ready;
    host_soundcheck *soundcheck;
    char soundcheck_dir[HOST_PATH_LEN]; /* under lock */
    host_remote_status remote;     /* priors from the network (host_remote.c), under lock */
};

static int adopt_dictionaries(void *user, int n, const int *players, camsep_dictionary *const *dicts,
                              const char (*paths)[HOST_PATH_LEN], char *err, size_t errlen);

static float db_or_zero(float db) { return isfinite(db) ? db : 0.0f; }

/* Players with identical dictionaries are interchangeable for the box association. */
static void stem_classes(camsep_dictionary *const *d, int n, int *cls)
{
    for (int j = 0; j < n; j++) {
        cls[j] = j;
        for (int k = 0; k < j; k++)
            if (d[j]->n_atoms == d[k]->n_atoms && d[j]->n_bins == d[k]->n_bins && d[j]->fft_size == d[k]->fft_size &&
                !memcmp(d[j]->atoms, d[k]->atoms, sizeof(float) * (size_t)d[j]->n_atoms * (size_t)d[j]->n_bins)) {
                cls[j] = cls[k];
                break;
            }
    }
}

host_session *host_session_create(const host_config *cfg, double sample_rate, char *err, size_t errlen)
{
    if (host_config_validate(cfg, err, errlen))
        return NULL;
    host_session *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->meter_lock, NULL);
    s->cfg = *cfg;
    s->rate = sample_rate;
    s->n_players = cfg->n_players;
    s->own_camera = cfg->video[0] != 0;
    s->n_stems = cfg->n_players + (cfg->other ? 1 : 0);
    for (int j = 0; j < cfg->n_players; j++)
        snprintf(s->stem_names[j], HOST_NAME_LEN, "%s", cfg->players[j].name);
    if (cfg->other)
        snprintf(s->stem_names[cfg->n_players], HOST_NAME_LEN, "other");
    atomic_init(&s->camera_latency, cfg->camera_latency);
    atomic_init(&s->priors_pushed, 0);
    atomic_init(&s->priors_unmapped, 0);
    host_cmdq_init(&s->queue);
    camsep_prior_clock_init(&s->clock, sample_rate);

    camsep_dictionary *players[CAMSEP_MAX_SOURCES] = {0}, *other = NULL;
    int atoms = 0, ok = 1;
    camsep_config ec;
    host_config_engine_window(cfg, &ec);
    ec.sample_rate = sample_rate;
    for (int j = 0; j < cfg->n_players && ok; j++) {
        const host_player *p = &cfg->players[j];
        players[j] = host_dict_load(p->name, p->instrument[0] ? p->instrument : p->name, p->dictionary, &ec, err,
                                    errlen);
        ok = players[j] != NULL;
        if (ok)
            atoms += players[j]->n_atoms;
    }
    if (ok && cfg->other) {
        other = host_dict_load("other", "other", cfg->other_dictionary, &ec, err, errlen);
        ok = other != NULL;
        if (ok)
            atoms += other->n_atoms;
    }
    camsep_dictset *set = NULL;
    if (ok) {
        ec.max_sources = s->n_stems;
        /* Room for larger dictionaries chosen at run time (OSC /instrument,
         * /dictionary): 64 atoms a stem, or what the start needs. */
        ec.max_atoms = atoms > s->n_stems * 64 ? atoms : s->n_stems * 64;
        s->engine = camsep_engine_create(&ec, err, errlen);
        ok = s->engine != NULL;
    }
    if (ok) {
        set = camsep_dictset_create(s->engine, (const camsep_dictionary *const *)players, cfg->n_players, other,
                                    err, errlen);
        ok = set != NULL;
    }
    /* Kept: a run-time dictionary change rebuilds the set from them. */
    for (int j = 0; j < cfg->n_players; j++)
        s->dicts[j] = players[j];
    s->other_dict = other;
    if (ok && camsep_engine_post_dictset(s->engine, set)) {
        camsep_dictset_free(set);
        snprintf(err, errlen, "cannot post the dictionary set");
        ok = 0;
    }
    if (ok) {
        int cls[CAMSEP_MAX_SOURCES];
        stem_classes(players, cfg->n_players, cls);
        ok = s->assoc_ready = host_assoc_init(&s->assoc, cfg->n_players, cls, sample_rate) == 0;
        if (!ok)
            snprintf(err, errlen, "out of memory");
    }
    if (ok) {
        /* 2 s of input: the sound check's worker drains it every 20 ms */
        ok = s->tap_ready = host_sc_tap_init(&s->tap, sample_rate, 2.0) == 0;
        if (!ok)
            snprintf(err, errlen, "out of memory");
    }
    if (ok) {
        const camsep_config *w = camsep_engine_config(s->engine);
        host_sc_config sc = {.tap = &s->tap,
                             .rate = sample_rate,
                             .fft = w->fft_size,
                             .fall = (w->latency ? w->latency : w->fft_size) / 2,
                             .hop = w->hop,
                             .n_players = s->n_players,
                             .atoms = cfg->soundcheck_atoms,
                             .iterations = cfg->soundcheck_iterations,
                             .transpose = cfg->soundcheck_transpose,
                             .install = {adopt_dictionaries, s}};
        ok = (s->soundcheck = host_soundcheck_create(&sc)) != NULL;
        if (!ok)
            snprintf(err, errlen, "out of memory");
    }
    host_dsp_init_args a;
    memset(&a, 0, sizeof a);
    if (ok) {
        a.engine = s->engine;
        a.clock = &s->clock;
        a.queue = &s->queue;
        a.tap = &s->tap;
        a.n_players = s->n_players;
        a.n_stems = s->n_stems;
        a.params = cfg->params;
        /* Gains, mutes, solos and bypass start neutral: the configuration's
         * are applied below through the command queue, as at run time. */
        if (host_dsp_init(&s->dsp, &a)) {
            snprintf(err, errlen, "out of memory");
            ok = 0;
        } else {
            s->dsp_ready = 1;
        }
    }
    /* The configuration's per-stem state goes through the same commands and
     * queue as runtime changes; the set-up thread drains it once here (the
     * audio thread does not run yet) so that the first block is exact. */
    for (int j = 0; ok && j < s->n_stems; j++) {
        const int player = j < cfg->n_players;
        const float gain = player ? db_or_zero(cfg->players[j].gain_db) : db_or_zero(cfg->other_gain_db);
        const int mute = player ? cfg->players[j].mute : cfg->other_mute, solo = player && cfg->players[j].solo;
        host_command c = {.type = HOST_CMD_GAIN, .stem = j, .value = gain};
        if (gain != 0.0f)
            ok = !host_session_command(s, &c, err, errlen);
        c = (host_command){.type = HOST_CMD_MUTE, .stem = j, .on = 1};
        if (ok && mute)
            ok = !host_session_command(s, &c, err, errlen);
        c = (host_command){.type = HOST_CMD_SOLO, .stem = j, .on = 1};
        if (ok && solo)
            ok = !host_session_command(s, &c, err, errlen);
    }
    if (ok && cfg->bypass) {
        host_command c = {.type = HOST_CMD_BYPASS, .on = 1};
        ok = !host_session_command(s, &c, err, errlen);
    }
    s->dirty = 0;
    if (ok)
        host_dsp_prime(&s->dsp);
    /* The audio thread does not run yet: post the initial parameters here,
     * without gain smoothing so that the stems start at their gains. */
    camsep_params first = s->dsp.params;
    first.gain_smoothing_s = 0.0f;
    if (ok && camsep_engine_post_params(s->engine, &first)) {
        camsep_params_validate(&first, err, errlen);
        ok = 0;
    }
    if (!ok) {
        host_session_free(s);
        return NULL;
    }
    /* Keep what the audio thread touches (engine, dictionaries, queues) in
     * RAM: a page fault in the process callback is an xrun. Only what exists
     * now: locking future allocations too would make them fail once the
     * memlock limit is reached. */
    if (mlockall(MCL_CURRENT) != 0)
        fprintf(stderr, "camsep: could not lock memory (%s); page faults may cause xruns "
                        "(raise the memlock limit, e.g. the audio group's in limits.conf)\n", strerror(errno));
    return s;
}

/* The one way into the engine for every prior, the camera's (capture
 * thread) or the network's (host_remote.c, serialised by its lock; never at
 * the same time as a camera): onto the engine's clock, to the sound check
 * and the box association, into the engine's ring. */
static void feed_prior(host_session *s, camsep_prior *q, int64_t capture_ns)
{
    double latency = atomic_load_explicit(&s->camera_latency, memory_order_relaxed);
    if (camsep_prior_clock_map(&s->clock, capture_ns, latency, &q->time)) {
        atomic_fetch_add_explicit(&s->priors_unmapped, 1, memory_order_relaxed);
        return; /* audio not running yet */
    }
    host_sc_tap_activity(&s->tap, q);
    host_assoc_push_motion(&s->assoc, q);
    if (camsep_engine_push_prior(s->engine, q) == 0)
        atomic_fetch_add_explicit(&s->priors_pushed, 1, memory_order_relaxed);
}

/* Capture thread: a camera prior onto the engine's clock and into its ring. */
static void camera_prior(void *user, const camsep_prior *p, int64_t capture_ns, int camera_ok)
{
    host_session *s = user;
    if (!camera_ok)
        return; /* the engine falls back to neutral priors after prior_timeout_s */
    camsep_prior q = *p;
    feed_prior(s, &q, capture_ns);
}

int host_session_push_remote(host_session *s, const camsep_prior *p, int64_t event_ns)
{
    if (s->own_camera || p->n_sources != s->n_players)
        return -1;
    camsep_prior q = *p;
    q.held &= ((uint32_t)1 << q.n_sources) - 1u;
    feed_prior(s, &q, event_ns);
    return 0;
}

void host_session_set_remote_status(host_session *s, const host_remote_status *r)
{
    pthread_mutex_lock(&s->lock);
    s->remote = *r;
    pthread_mutex_unlock(&s->lock);
}

void host_session_get_remote_status(host_session *s, host_remote_status *r)
{
    pthread_mutex_lock(&s->lock);
    *r = s->remote;
    pthread_mutex_unlock(&s->lock);
}

/* Capture thread: every frame to the preview hook, if any. */
static void camera_frame(void *user, const camsep_frame *f)
{
    host_session *s = user;
    const host_frame_hook *h = atomic_load_explicit(&s->frame_hook, memory_order_acquire);
    if (h && h->frame)
        h->frame(h->user, f);
}

static int boxes_of(const host_config *c, camsep_box *boxes)
{
    for (int j = 0; j < c->n_players; j++)
        boxes[j] = c->players[j].box;
    return c->n_players;
}

int host_session_start_camera(host_session *s, char *err, size_t errlen)
{
    if (!s->cfg.video[0])
        return 0;
    camsep_capture_source_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.source = s->cfg.video;
    spec.width = s->cfg.camera_width;
    spec.height = s->cfg.camera_height;
    spec.fps = s->cfg.camera_fps;
    for (int i = 0; i < s->cfg.n_camera_controls; i++)
        spec.camera_controls[i] = s->cfg.camera_control[i];
    spec.n_camera_controls = s->cfg.n_camera_controls;
    spec.pace = 1;
    spec.loop = s->cfg.loop;
    camsep_capture_sink sink = {camera_prior, camera_frame, s};
    camsep_box boxes[CAMSEP_MAX_SOURCES];
    int n = boxes_of(&s->cfg, boxes);
    char why[512];
    s->runner = camsep_capture_runner_start(&spec, boxes, n, &sink, why, sizeof why);
    if (!s->runner) {
        snprintf(err, errlen, "video %s: %s", s->cfg.video, why);
        return -1;
    }
    camsep_capture_runner_set_knee(s->runner, (float)s->cfg.motion_knee); /* in range: the config checked it */
    return 0;
}

void host_session_free(host_session *s)
{
    if (!s)
        return;
    host_soundcheck_free(s->soundcheck); /* before what its worker installs into */
    camsep_capture_runner_stop(s->runner);
    if (s->dsp_ready)
        host_dsp_free(&s->dsp);
    if (s->engine) {
        camsep_dictset *r;
        while ((r = camsep_engine_collect_retired(s->engine)))
            camsep_dictset_free(r);
        camsep_engine_free(s->engine); /* frees the installed and pending sets */
    }
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++)
        camsep_dictionary_free(s->dicts[j]);
    camsep_dictionary_free(s->other_dict);
    if (s->tap_ready)
        host_sc_tap_destroy(&s->tap);
    if (s->assoc_ready)
        host_assoc_destroy(&s->assoc);
    pthread_mutex_destroy(&s->meter_lock);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

int host_session_has_own_camera(const host_session *s) { return s->own_camera; }
int host_session_players(const host_session *s) { return s->n_players; }
int host_session_latency(const host_session *s) { return camsep_engine_latency(s->engine); }
int host_session_stems(const host_session *s) { return s->n_stems; }
double host_session_rate(const host_session *s) { return s->rate; }

const char *host_session_stem_name(const host_session *s, int stem)
{
    return stem >= 0 && stem < s->n_stems ? s->stem_names[stem] : "";
}

void host_session_process(host_session *s, const float *in, float *const *outs, uint32_t nframes,
                          int64_t anchor_ns)
{
    host_dsp_process(&s->dsp, in, outs, nframes, anchor_ns);
}

static int fail(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s", what);
    return -1;
}

int host_session_command(host_session *s, const host_command *c, char *err, size_t errlen)
{
    const int j = c->stem;
    const int is_stem = j >= 0 && j < s->n_stems, is_player = j >= 0 && j < s->n_players;
    host_config *cfg = &s->cfg;
    int rc = 0, push = 1;
    pthread_mutex_lock(&s->lock);
    switch (c->type) {
    case HOST_CMD_GAIN:
        if (!is_stem || !isfinite(c->value) || c->value < -120.0f || c->value > 24.0f)
            rc = fail(err, errlen, "gain: stem or value (-120..24 dB) out of range");
        else if (is_player)
            cfg->players[j].gain_db = c->value;
        else
            cfg->other_gain_db = c->value;
        break;
    case HOST_CMD_MUTE:
        if (!is_stem)
            rc = fail(err, errlen, "mute: no such stem");
        else if (is_player)
            cfg->players[j].mute = c->on != 0;
        else
            cfg->other_mute = c->on != 0;
        break;
    case HOST_CMD_SOLO:
        if (!is_stem)
            rc = fail(err, errlen, "solo: no such stem");
        else if (is_player)
            cfg->players[j].solo = c->on != 0;
        break; /* "other" solo is not saved (no key for it) but works */
    case HOST_CMD_BYPASS: cfg->bypass = c->on != 0; break;
    case HOST_CMD_PRIOR_STRENGTH:
        if (!isfinite(c->value) || c->value < 0.0f || c->value > 1000.0f)
            rc = fail(err, errlen, "prior strength: out of range 0..1000");
        else
            cfg->params.activity_strength = c->value;
        break;
    case HOST_CMD_MASK_POWER:
        if (!(c->value >= 0.5f && c->value <= 4.0f))
            rc = fail(err, errlen, "mask power: out of range 0.5..4");
        else
            cfg->params.mask_power = c->value;
        break;
    case HOST_CMD_ITERATIONS:
        if (!(c->value >= 1.0f && c->value <= 200.0f))
            rc = fail(err, errlen, "iterations: out of range 1..200");
        else
            cfg->params.iterations = (int)c->value;
        break;
    case HOST_CMD_BOX: {
        push = 0;
        if (!is_player || !(c->box.w > 0.0f && c->box.h > 0.0f && c->box.x >= 0.0f && c->box.y >= 0.0f)) {
            rc = fail(err, errlen, "box: no such player, or not a box");
            break;
        }
        camsep_box old = cfg->players[j].box;
        int had = cfg->players[j].has_box;
        cfg->players[j].box = c->box;
        cfg->players[j].has_box = 1;
        camsep_box boxes[CAMSEP_MAX_SOURCES];
        if (s->runner && camsep_capture_runner_set_boxes(s->runner, boxes, boxes_of(cfg, boxes))) {
            cfg->players[j].box = old;
            cfg->players[j].has_box = had;
            rc = fail(err, errlen, "box: outside the camera's frame");
        } else {
            host_assoc_invalidate(&s->assoc); /* the evidence was about the old boxes */
        }
        break;
    }
    case HOST_CMD_CAMERA_LATENCY:
        push = 0;
        if (!isfinite(c->value) || c->value < -10.0f || c->value > 10.0f) {
            rc = fail(err, errlen, "camera latency: out of range -10..10 s");
        } else {
            cfg->camera_latency = c->value;
            atomic_store(&s->camera_latency, (double)c->value);
        }
        break;
    case HOST_CMD_MOTION_KNEE:
        push = 0;
        if (!(c->value >= (float)CAMSEP_MOTION_KNEE_MIN && c->value <= (float)CAMSEP_MOTION_KNEE_MAX)) {
            rc = fail(err, errlen, "motion knee: out of range 0.1..2");
            break;
        }
        cfg->motion_knee = c->value;
        if (s->runner)
            camsep_capture_runner_set_knee(s->runner, c->value);
        break;
    default: rc = fail(err, errlen, "unknown command"); break;
    }
    if (!rc && push && host_cmdq_push(&s->queue, c))
        rc = fail(err, errlen, "command queue full (is the audio running?)");
    if (!rc)
        s->dirty = 1;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* Under lock: a set of the running dictionaries with replacement[j] for
 * each player j that has one, posted to the engine (the audio thread
 * installs it at its next frame: lock-free, between two frames, so the
 * stems' overlap-add crosses over). On success the replacements are the
 * session's; on failure the caller still owns them. 0 or -1. */
static int post_dictionaries_locked(host_session *s, camsep_dictionary *const *replacement, char *err,
                                    size_t errlen)
{
    camsep_dictionary *players[CAMSEP_MAX_SOURCES];
    for (int j = 0; j < s->n_players; j++)
        players[j] = replacement[j] ? replacement[j] : s->dicts[j];
    camsep_dictset *set = camsep_dictset_create(s->engine, (const camsep_dictionary *const *)players, s->n_players,
                                                s->other_dict, err, errlen);
    if (!set)
        return -1;
    if (camsep_engine_post_dictset(s->engine, set)) {
        camsep_dictset_free(set);
        return fail(err, errlen, "the dictionaries have more atoms than this engine was made for (restart)");
    }
    for (int j = 0; j < s->n_players; j++)
        if (replacement[j]) {
            camsep_dictionary_free(s->dicts[j]);
            s->dicts[j] = replacement[j];
        }
    host_assoc_invalidate(&s->assoc); /* the evidence was about the old dictionaries */
    s->dirty = 1;
    return 0;
}

int host_session_set_dictionary(host_session *s, int player, const char *instrument, const char *file, char *err,
                                size_t errlen)
{
    if (player < 0 || player >= s->n_players)
        return fail(err, errlen, "no such player");
    const int by_file = file && *file;
    if (!by_file && (!instrument || !*instrument))
        return fail(err, errlen, "no instrument or dictionary given");
    if ((by_file ? strlen(file) >= HOST_PATH_LEN : strlen(instrument) >= HOST_NAME_LEN))
        return fail(err, errlen, by_file ? "dictionary path too long" : "instrument name too long");
    pthread_mutex_lock(&s->lock);
    camsep_dictionary *replacement[CAMSEP_MAX_SOURCES] = {0};
    replacement[player] = host_dict_load(s->cfg.players[player].name, by_file ? "" : instrument, by_file ? file : "",
                                         camsep_engine_config(s->engine), err, errlen);
    int rc = replacement[player] ? post_dictionaries_locked(s, replacement, err, errlen) : -1;
    if (rc) {
        camsep_dictionary_free(replacement[player]);
    } else {
        host_player *p = &s->cfg.players[player];
        if (by_file) {
            p->instrument[0] = 0;
            snprintf(p->dictionary, sizeof p->dictionary, "%s", file);
        } else {
            p->dictionary[0] = 0;
            snprintf(p->instrument, sizeof p->instrument, "%s", instrument);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* The sound check's worker: its dictionaries (learned with the engine's own
 * window and rate, so used as they are) in use, all in one set, and
 * recorded as the players' dictionary files. */
static int adopt_dictionaries(void *user, int n, const int *players, camsep_dictionary *const *dicts,
                              const char (*paths)[HOST_PATH_LEN], char *err, size_t errlen)
{
    host_session *s = user;
    camsep_dictionary *replacement[CAMSEP_MAX_SOURCES] = {0};
    int rc = 0;
    for (int k = 0; k < n && !rc; k++) {
        if (players[k] < 0 || players[k] >= s->n_players || replacement[players[k]])
            rc = fail(err, errlen, "sound check: a player twice or out of range");
        else if (!(replacement[players[k]] = camsep_dictionary_copy(dicts[k])))
            rc = fail(err, errlen, "sound check: out of memory");
    }
    pthread_mutex_lock(&s->lock);
    if (!rc)
        rc = post_dictionaries_locked(s, replacement, err, errlen);
    if (rc) {
        for (int j = 0; j < CAMSEP_MAX_SOURCES; j++)
            camsep_dictionary_free(replacement[j]);
    } else {
        for (int k = 0; k < n; k++) {
            host_player *p = &s->cfg.players[players[k]];
            p->instrument[0] = 0;
            snprintf(p->dictionary, sizeof p->dictionary, "%s", paths[k]);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

void host_session_set_soundcheck_dir(host_session *s, const char *dir)
{
    pthread_mutex_lock(&s->lock);
    snprintf(s->soundcheck_dir, sizeof s->soundcheck_dir, "%s", dir ? dir : "");
    pthread_mutex_unlock(&s->lock);
}

int host_session_soundcheck_start(host_session *s, int player, double seconds, char *err, size_t errlen)
{
    static host_sc_request rq; /* large; serialised by the lock */
    pthread_mutex_lock(&s->lock);
    memset(&rq, 0, sizeof rq);
    rq.player = player;
    rq.seconds = seconds;
    rq.camera = s->runner != NULL;
    if (s->soundcheck_dir[0])
        snprintf(rq.dir, sizeof rq.dir, "%s", s->soundcheck_dir);
    else
        host_sc_dir(&s->cfg, NULL, rq.dir, sizeof rq.dir);
    for (int j = 0; j < s->n_players; j++) {
        const host_player *p = &s->cfg.players[j];
        snprintf(rq.labels[j], sizeof rq.labels[j], "%s", p->label[0] ? p->label : p->name);
    }
    int rc = host_soundcheck_start(s->soundcheck, &rq, err, errlen);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int host_session_soundcheck_stop(host_session *s, char *err, size_t errlen)
{
    return host_soundcheck_stop(s->soundcheck, err, errlen);
}

int host_session_soundcheck_cancel(host_session *s, char *err, size_t errlen)
{
    return host_soundcheck_cancel(s->soundcheck, err, errlen);
}

void host_session_soundcheck_status(host_session *s, host_sc_status *st)
{
    host_soundcheck_status(s->soundcheck, st);
}

int host_session_set_label(host_session *s, int player, const char *label, char *err, size_t errlen)
{
    if (player < 0 || player >= s->n_players)
        return fail(err, errlen, "no such player");
    if (!host_label_valid(label))
        return fail(err, errlen, "not a display name (1..63 bytes, no leading/trailing space, no ' #')");
    pthread_mutex_lock(&s->lock);
    snprintf(s->cfg.players[player].label, sizeof s->cfg.players[player].label, "%s", label);
    s->dirty = 1;
    pthread_mutex_unlock(&s->lock);
    return 0;
}

int host_session_apply_preset(host_session *s, const host_config *p, char *err, size_t errlen)
{
    if (p->n_players != s->n_players) {
        snprintf(err, errlen, "the preset has %d players, this session %d", p->n_players, s->n_players);
        return -1;
    }
    host_config now;
    host_session_get_config(s, &now);
    for (int j = 0; j < p->n_players; j++) {
        const host_player *q = &p->players[j], *c = &now.players[j];
        const char *instr = q->instrument[0] ? q->instrument : q->dictionary[0] ? "" : q->name;
        const int same = q->dictionary[0] ? !strcmp(q->dictionary, c->dictionary)
                                          : !c->dictionary[0] && !strcmp(instr, c->instrument[0] ? c->instrument
                                                                                                 : c->name);
        if (!same && host_session_set_dictionary(s, j, instr, q->dictionary, err, errlen))
            return -1;
        host_command cmds[4] = {{.type = HOST_CMD_GAIN, .stem = j, .value = q->gain_db},
                                {.type = HOST_CMD_MUTE, .stem = j, .on = q->mute},
                                {.type = HOST_CMD_SOLO, .stem = j, .on = q->solo},
                                {.type = HOST_CMD_BOX, .stem = j, .box = q->box}};
        for (int k = 0; k < (q->has_box ? 4 : 3); k++)
            if (host_session_command(s, &cmds[k], err, errlen))
                return -1;
        if (q->label[0] ? host_session_set_label(s, j, q->label, err, errlen) : 0)
            return -1;
        if (!q->label[0]) {
            pthread_mutex_lock(&s->lock);
            s->cfg.players[j].label[0] = 0;
            pthread_mutex_unlock(&s->lock);
        }
    }
    host_command g[5] = {{.type = HOST_CMD_PRIOR_STRENGTH, .stem = -1, .value = p->params.activity_strength},
                         {.type = HOST_CMD_MASK_POWER, .stem = -1, .value = p->params.mask_power},
                         {.type = HOST_CMD_MOTION_KNEE, .stem = -1, .value = (float)p->motion_knee},
                         {.type = HOST_CMD_GAIN, .stem = s->n_players, .value = p->other_gain_db},
                         {.type = HOST_CMD_MUTE, .stem = s->n_players, .on = p->other_mute}};
    for (int k = 0; k < (s->n_stems > s->n_players ? 5 : 3); k++)
        if (host_session_command(s, &g[k], err, errlen))
            return -1;
    return 0;
}

/* Under meter_lock: the engine's frame reports to the meters and the box association. */
static void drain_reports_locked(host_session *s)
{
    camsep_frame_report r;
    while (camsep_engine_read_report(s->engine, &r) == 0) {
        s->last_report = r;
        s->reports++;
        host_assoc_add_report(&s->assoc, &r);
    }
}

void host_session_meters(host_session *s, host_meters *m)
{
    memset(m, 0, sizeof *m);
    m->n_stems = s->n_stems;
    pthread_mutex_lock(&s->meter_lock);
    drain_reports_locked(s);
    for (int j = 0; j < s->n_stems; j++) {
        m->motion[j] = s->reports ? s->last_report.prior[j] : 1.0f;
        m->activation[j] = s->reports ? s->last_report.activation[j] : 0.0f;
        m->trust[j] = s->reports ? s->last_report.trust[j] : 1.0f;
        m->agreement[j] = s->reports ? s->last_report.agreement[j] : NAN;
        m->split[j] = s->reports ? s->last_report.split[j] : 0.0f;
        m->share[j] = s->reports ? s->last_report.share[j] : 0.0f;
        m->gate[j] = s->reports ? s->last_report.gate[j] : 1.0f;
    }
    m->held = s->reports ? s->last_report.held : 0u;
    m->camera_offset = s->reports ? s->last_report.camera_offset : NAN;
    m->camera_offset_corr = s->reports ? s->last_report.camera_offset_corr : NAN;
    m->frames = s->reports;
    pthread_mutex_unlock(&s->meter_lock);
    host_dsp_read_levels(&s->dsp, m->level);
    m->dsp_load = host_dsp_load_now(&s->dsp);
}

/* 1 when the association can run: a camera and a box for every player. */
static int boxes_complete(host_session *s)
{
    pthread_mutex_lock(&s->lock);
    int ok = s->runner != NULL;
    for (int j = 0; j < s->n_players; j++)
        ok &= s->cfg.players[j].has_box;
    pthread_mutex_unlock(&s->lock);
    return ok;
}

void host_session_association(host_session *s, host_assoc_view *v)
{
    const int boxes_ok = boxes_complete(s);
    pthread_mutex_lock(&s->meter_lock);
    drain_reports_locked(s);
    host_assoc_view_now(&s->assoc, boxes_ok, v);
    pthread_mutex_unlock(&s->meter_lock);
}

int host_session_associate_apply(host_session *s, int force, char *err, size_t errlen)
{
    host_assoc_view v;
    host_session_association(s, &v);
    host_config now;
    host_session_get_config(s, &now);
    if (atomic_load(&s->assoc.generation) != v.generation)
        return fail(err, errlen, "the boxes changed meanwhile; ask again");
    camsep_box boxes[CAMSEP_MAX_SOURCES], wanted[CAMSEP_MAX_SOURCES];
    boxes_of(&now, boxes);
    if (host_assoc_plan(&v, force, boxes, wanted, err, errlen))
        return -1;
    for (int j = 0; j < s->n_players; j++) {
        host_command c = {.type = HOST_CMD_BOX, .stem = j, .box = wanted[j]};
        if (host_session_command(s, &c, err, errlen))
            return -1;
    }
    host_assoc_mark_applied(&s->assoc);
    return 0;
}

int host_session_find_players(host_session *s, int players, double seconds, char *err, size_t errlen)
{
    if (!s->runner)
        return fail(err, errlen, "looking for players: no camera of this program's own (--video)");
    pthread_mutex_lock(&s->lock); /* one control thread at a time */
    const int rc = camsep_capture_runner_find_players(s->runner, players, seconds, err, errlen);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int host_session_find_cancel(host_session *s, char *err, size_t errlen)
{
    if (!s->runner)
        return fail(err, errlen, "looking for players: no camera of this program's own (--video)");
    pthread_mutex_lock(&s->lock);
    camsep_capture_runner_cancel_find(s->runner);
    pthread_mutex_unlock(&s->lock);
    return 0;
}

int host_session_found_players(host_session *s, camsep_capture_proposal *p)
{
    memset(p, 0, sizeof *p);
    if (!s->runner)
        return -1;
    pthread_mutex_lock(&s->lock);
    camsep_capture_runner_get_proposal(s->runner, p);
    pthread_mutex_unlock(&s->lock);
    return 0;
}

int host_session_found_apply(host_session *s, int force, char *err, size_t errlen)
{
    camsep_capture_proposal p;
    if (host_session_found_players(s, &p))
        return fail(err, errlen, "no camera of this program's own (--video)");
    int state, w, h;
    double fps;
    host_session_camera(s, &state, &fps, &w, &h);
    host_config now;
    host_session_get_config(s, &now);
    camsep_box boxes[CAMSEP_MAX_SOURCES];
    boxes_of(&now, boxes);
    if (camsep_capture_proposal_boxes(&p, s->n_players, force, w, h, boxes, err, errlen))
        return -1;
    for (int j = 0; j < p.n; j++) {
        host_command c = {.type = HOST_CMD_BOX, .stem = j, .box = boxes[j]};
        if (host_session_command(s, &c, err, errlen))
            return -1;
    }
    return 0;
}

/* The capture runner's status; -1 without a camera. */
static int capture_status(host_session *s, camsep_capture_status *cs)
{
    if (!s->runner)
        return -1;
    pthread_mutex_lock(&s->lock); /* one control thread at a time */
    camsep_capture_runner_get_status(s->runner, cs);
    pthread_mutex_unlock(&s->lock);
    return 0;
}

int host_session_camera(host_session *s, int *state, double *fps, int *w, int *h)
{
    *state = 0;
    *fps = 0.0;
    *w = *h = 0;
    camsep_capture_status cs;
    if (capture_status(s, &cs))
        return -1;
    *state = (int)cs.state;
    *fps = cs.fps;
    *w = cs.width;
    *h = cs.height;
    return 0;
}

int host_session_camera_motion(host_session *s, float *u, float *v, float *magnitude)
{
    *u = *v = *magnitude = NAN;
    camsep_capture_status cs;
    if (capture_status(s, &cs))
        return -1;
    if (cs.state == CAMSEP_CAPTURE_LOST || !isfinite(cs.global_u) || !isfinite(cs.global_v))
        return -1;
    *u = cs.global_u;
    *v = cs.global_v;
    *magnitude = cs.global_magnitude;
    return 0;
}

void host_session_set_frame_hook(host_session *s, const host_frame_hook *hook)
{
    atomic_store_explicit(&s->frame_hook, hook, memory_order_release);
}

void host_session_get_config(host_session *s, host_config *out)
{
    pthread_mutex_lock(&s->lock);
    *out = s->cfg;
    pthread_mutex_unlock(&s->lock);
}

int host_session_take_dirty(host_session *s)
{
    pthread_mutex_lock(&s->lock);
    int d = s->dirty;
    s->dirty = 0;
    pthread_mutex_unlock(&s->lock);
    return d;
}

void host_session_status(host_session *s, host_status *st)
{
    memset(st, 0, sizeof *st);
    camsep_stats es;
    camsep_engine_get_stats(s->engine, &es);
    st->frames = atomic_load_explicit(&s->dsp.frames_in, memory_order_relaxed);
    host_dsp_read_load(&s->dsp, &st->dsp_mean, &st->dsp_peak);
    st->priors_used = es.priors_used;
    st->priors_late = es.priors_late;
    st->priors_dropped = es.priors_dropped;
    st->nonfinite = es.nonfinite_samples;
    st->priors_pushed = atomic_load(&s->priors_pushed);
    st->priors_unmapped = atomic_load(&s->priors_unmapped);
    st->bypassed = camsep_stem_output_bypassed(&s->dsp.out);
    pthread_mutex_lock(&s->lock);
    st->remote = s->remote;
    pthread_mutex_unlock(&s->lock);
    /* Retired dictionary sets (after a run-time dictionary change) are freed here. */
    camsep_dictset *r;
    while ((r = camsep_engine_collect_retired(s->engine)))
        camsep_dictset_free(r);
    if (s->runner) {
        camsep_capture_status cs;
        pthread_mutex_lock(&s->lock); /* one control thread at a time */
        camsep_capture_runner_get_status(s->runner, &cs);
        pthread_mutex_unlock(&s->lock);
        st->camera = 1 + (int)cs.state;
        st->camera_fps = cs.fps;
        st->camera_frames = cs.frames;
    }
}

void host_status_format(const host_status *st, double seconds, char *buf, size_t size)
{
    static const char *const cam[] = {"none", "running", "lost", "ended", "failed"};
    int n = snprintf(buf, size, "t=%.1fs frames=%llu dsp=%.0f%%/%.0f%% xruns=%llu", seconds,
                     (unsigned long long)st->frames, st->dsp_mean * 100.0, st->dsp_peak * 100.0,
                     (unsigned long long)st->xruns);
    if (n < 0 || (size_t)n >= size)
        return;
    if (st->camera)
        n += snprintf(buf + n, size - (size_t)n, " camera=%s %.1ffps frames=%llu",
                      cam[st->camera >= 0 && st->camera <= 4 ? st->camera : 0], st->camera_fps,
                      (unsigned long long)st->camera_frames);
    else
        n += snprintf(buf + n, size - (size_t)n, " camera=none");
    if (n < 0 || (size_t)n >= size)
        return;
    const host_remote_status *r = &st->remote;
    if (r->enabled)
        n += snprintf(buf + n, size - (size_t)n,
                      " remote_senders=%d remote_priors=%llu remote_gaps=%llu remote_late=%llu remote_dups=%llu "
                      "remote_refused=%llu",
                      r->senders, (unsigned long long)r->received, (unsigned long long)r->gaps,
                      (unsigned long long)r->late, (unsigned long long)r->duplicates,
                      (unsigned long long)r->refused);
    if (n < 0 || (size_t)n >= size)
        return;
    snprintf(buf + n, size - (size_t)n, " priors_used=%llu priors_late=%llu priors_dropped=%llu nonfinite=%llu%s",
             (unsigned long long)st->priors_used, (unsigned long long)st->priors_late,
             (unsigned long long)st->priors_dropped, (unsigned long long)st->nonfinite,
             st->bypassed ? " BYPASSED" : "");
}
