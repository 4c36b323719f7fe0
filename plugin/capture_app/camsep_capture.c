/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-capture: a camera (or a Y4M video) to priors, published in the
 * shared-memory ring for LV2 plugin instances and optionally by OSC.
 *
 * Threads: main (options, start, signals, status lines, stop), the runner's
 * capture thread (analysis; calls the sink below, which publishes), the OSC
 * sender, the OSC control server (--osc-port) and the window's UI thread
 * (--ui). SIGINT, SIGTERM, SIGHUP and SIGUSR1 are blocked everywhere and
 * taken by main with sigtimedwait().
 *
 * Boxes change in one place, ctl_apply_box / ctl_boxes_changed under
 * ctl.lock, whether they come from OSC, the window or a SIGHUP reload.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "box_file.h"
#include "capture_clock.h"
#include "capture_options.h"
#include "capture_osc.h"
#include "capture_relay.h"
#include "app_found.h"
#include "app_window.h"
#include "osc_control.h"
#include "capture_runner.h"
#include "shm_preview.h"
#include "shm_ring.h"
#include "v4l2_source.h"

static const char *const PROG = "camsep-capture";

#define LOST_RECORD_INTERVAL_NS 500000000LL /* CAMERA_LOST records while lost; heartbeats between */
#define MAIN_TICK_NS 50000000LL

typedef struct capture_app {
    camsep_shm_writer *shm;
    camsep_preview_writer *preview; /* camera thumbnail for UIs on this machine, or NULL */
    capture_osc *osc;
    _Atomic int64_t latency_ns;     /* OSC /camera_latency changes it */
    _Atomic uint32_t motion_bits[CAMSEP_CAPTURE_MAX_BOXES]; /* last activity per player (meters) */
    uint64_t max_frames;
    pthread_t main_thread;
    atomic_int done;           /* --frames reached: the sink publishes no more */
    atomic_uint_fast64_t records; /* published in the ring (the writer's own count is its thread's) */
    _Atomic(app_window *) ui;      /* the window (--ui), or NULL */
    /* boxes for the preview writer, whose calls belong to the capture thread:
     * a mailbox filled under pv_lock by the control path, emptied by the sink */
    pthread_mutex_t pv_lock;
    camsep_box pv_boxes[CAMSEP_CAPTURE_MAX_BOXES];
    int pv_n;
    atomic_int pv_new;
    /* capture thread */
    uint64_t frames_seen;
    int64_t last_lost_record_ns;
} capture_app;

/* ---- the sink (capture thread) ---- */

static void publish(capture_app *a, const camsep_prior *p, int64_t event_ns, int camera_ok)
{
    if (a->shm) {
        camsep_shm_record rec;
        memset(&rec, 0, sizeof rec);
        rec.timestamp_ns = event_ns;
        rec.n_players = p->n_sources;
        rec.status = camera_ok ? CAMSEP_SHM_CAMERA_OK : CAMSEP_SHM_CAMERA_LOST;
        rec.held = p->held;
        memcpy(rec.activity, p->activity, sizeof rec.activity);
        memcpy(rec.motion, p->motion, sizeof rec.motion);
        camsep_shm_writer_publish(a->shm, &rec);
        atomic_fetch_add_explicit(&a->records, 1, memory_order_relaxed);
    }
    if (a->osc)
        capture_osc_push(a->osc, p, event_ns, camera_ok);
}

static void sink_prior(void *user, const camsep_prior *p, int64_t capture_ns, int camera_ok)
{
    capture_app *a = user;
    if (atomic_load_explicit(&a->done, memory_order_relaxed))
        return;
    int64_t event_ns = capture_ns - atomic_load_explicit(&a->latency_ns, memory_order_relaxed);
    if (camera_ok) {
        for (int j = 0; j < p->n_sources && j < CAMSEP_CAPTURE_MAX_BOXES; j++) {
            uint32_t u;
            float x = isfinite(p->activity[j]) ? p->activity[j] : 0.0f;
            memcpy(&u, &x, sizeof u);
            atomic_store_explicit(&a->motion_bits[j], u, memory_order_relaxed);
        }
        publish(a, p, event_ns, 1);
        a->last_lost_record_ns = INT64_MIN;
        return;
    }
    if (a->last_lost_record_ns == INT64_MIN || capture_ns - a->last_lost_record_ns >= LOST_RECORD_INTERVAL_NS) {
        publish(a, p, event_ns, 0);
        a->last_lost_record_ns = capture_ns;
    } else if (a->shm) {
        camsep_shm_writer_heartbeat(a->shm, capture_ns);
    }
}

static void sink_frame(void *user, const camsep_frame *f)
{
    capture_app *a = user;
    if (a->preview && atomic_load_explicit(&a->pv_new, memory_order_acquire) &&
        pthread_mutex_trylock(&a->pv_lock) == 0) { /* else the next frame */
        atomic_store_explicit(&a->pv_new, 0, memory_order_relaxed);
        camsep_preview_writer_set_boxes(a->preview, a->pv_boxes, a->pv_n);
        pthread_mutex_unlock(&a->pv_lock);
    }
    app_window_push_frame(atomic_load_explicit(&a->ui, memory_order_acquire), f);
    camsep_preview_writer_publish(a->preview, f->luma, f->width, f->height, f->stride, f->timestamp_ns);
    if (a->max_frames && ++a->frames_seen == a->max_frames) {
        atomic_store_explicit(&a->done, 1, memory_order_relaxed);
        pthread_kill(a->main_thread, SIGUSR1);
    }
}

/* ---- start-up ---- */

/* The runner is started on a thread of its own: opening a FIFO or stdin waits
 * for the stream header, and a SIGTERM must still end the process then. */
typedef struct starter {
    const capture_options *opt;
    const camsep_box *boxes;
    camsep_capture_sink sink;
    camsep_capture_runner *runner;
    char err[512];
    atomic_int finished;
    pthread_t main_thread;
} starter;

static void *start_runner(void *arg)
{
    starter *s = arg;
    s->runner = camsep_capture_runner_start(&s->opt->spec, s->boxes, s->opt->n_players, &s->sink, s->err,
                                            sizeof s->err);
    atomic_store_explicit(&s->finished, 1, memory_order_release);
    pthread_kill(s->main_thread, SIGUSR1);
    return NULL;
}

static int wait_signal(const sigset_t *set, int64_t timeout_ns)
{
    struct timespec ts = {.tv_sec = (time_t)(timeout_ns / 1000000000), .tv_nsec = (long)(timeout_ns % 1000000000)};
    int sig = sigtimedwait(set, NULL, &ts);
    return sig < 0 ? 0 : sig;
}

static int list_devices(const capture_options *o)
{
    return camsep_v4l2_list_cameras(NULL, NULL, o->spec.source, stdout) ? CAPTURE_EXIT_START : CAPTURE_EXIT_OK;
}

/* ---- running ---- */

static const char *state_name(camsep_capture_state s)
{
    switch (s) {
    case CAMSEP_CAPTURE_RUNNING: return "running";
    case CAMSEP_CAPTURE_LOST: return "lost";
    case CAMSEP_CAPTURE_ENDED: return "ended";
    case CAMSEP_CAPTURE_FAILED: return "failed";
    }
    return "?";
}

static void print_status(capture_app *a, const camsep_capture_status *st)
{
    char shm[64] = "", osc[96] = "";
    if (a->shm)
        snprintf(shm, sizeof shm, ", shm %llu records", 
                 (unsigned long long)atomic_load_explicit(&a->records, memory_order_relaxed));
    if (a->osc) {
        capture_osc_stats os;
        capture_osc_get_stats(a->osc, &os);
        snprintf(osc, sizeof osc, ", osc %llu sent %llu failed %llu dropped %llu refused", (unsigned long long)os.sent,
                 (unsigned long long)os.failed, (unsigned long long)os.dropped, (unsigned long long)os.refused);
    }
    fprintf(stderr, "%s: camera %s, %.2f fps, analysis %.2f ms (max %.2f), frames %llu priors %llu dropped %llu%s%s\n",
            PROG, state_name(st->state), st->fps, st->analysis_ms_mean, st->analysis_ms_max,
            (unsigned long long)st->frames, (unsigned long long)st->priors, (unsigned long long)st->dropped, shm, osc);
}

static camsep_box reload_boxes_last[CAMSEP_CAPTURE_MAX_BOXES]; /* main thread */

/* 0 when new boxes were applied (they are in reload_boxes_last). */
static int reload_boxes(const capture_options *o, camsep_capture_runner *r)
{
    if (!o->boxes_file) {
        fprintf(stderr, "%s: SIGHUP: no --boxes file to reload\n", PROG);
        return -1;
    }
    camsep_named_box nb[CAMSEP_CAPTURE_MAX_BOXES];
    char err[512];
    int n = camsep_box_file_load(o->boxes_file, nb, CAMSEP_CAPTURE_MAX_BOXES, err, sizeof err);
    if (n < 0) {
        fprintf(stderr, "%s: SIGHUP: %s (boxes unchanged)\n", PROG, err);
        return -1;
    }
    if (n != o->n_players) {
        fprintf(stderr, "%s: SIGHUP: %s has %d players, not %d (boxes unchanged)\n", PROG, o->boxes_file, n,
                o->n_players);
        return -1;
    }
    camsep_box boxes[CAMSEP_CAPTURE_MAX_BOXES];
    for (int j = 0; j < n; j++)
        boxes[j] = nb[j].box;
    if (camsep_capture_runner_set_boxes(r, boxes, n)) {
        fprintf(stderr, "%s: SIGHUP: the boxes in %s do not fit the frame (boxes unchanged)\n", PROG, o->boxes_file);
        return -1;
    }
    if (!o->quiet)
        fprintf(stderr, "%s: boxes reloaded from %s\n", PROG, o->boxes_file);
    memcpy(reload_boxes_last, boxes, sizeof boxes);
    return 0;
}

static void close_publishers(capture_app *a)
{
    camsep_shm_writer_close(a->shm); /* readers go stale at once */
    camsep_preview_writer_close(a->preview);
    a->preview = NULL;
    capture_osc_close(a->osc);
    a->shm = NULL;
    a->osc = NULL;
}

/* ---- OSC control (--osc-port): boxes, names, camera latency, status ---- */

typedef struct capture_control {
    pthread_mutex_t lock;           /* the runner's control calls: main thread and OSC thread */
    camsep_capture_runner *runner;
    capture_app *app;
    camsep_osc *osc;
    int n;
    camsep_box boxes[CAMSEP_CAPTURE_MAX_BOXES];
    char names[CAMSEP_CAPTURE_MAX_BOXES][CAMSEP_OSC_NAME_MAX];
    float latency_s;
    float knee;
} capture_control;

/* Under k->lock, after k->boxes changed: the preview writer picks them up
 * with its next image (sink_frame, capture thread). */
static void ctl_boxes_changed(capture_control *k)
{
    capture_app *a = k->app;
    pthread_mutex_lock(&a->pv_lock);
    memcpy(a->pv_boxes, k->boxes, sizeof a->pv_boxes);
    a->pv_n = k->n;
    atomic_store_explicit(&a->pv_new, 1, memory_order_release);
    pthread_mutex_unlock(&a->pv_lock);
}

/* Under k->lock: player's box (frame pixels) to the runner and the control
 * state. The one path for OSC and the window. 0, or -1 with a reason. */
static int ctl_apply_box(capture_control *k, int player, const camsep_box *box, char *err, size_t errlen)
{
    if (player < 0 || player >= k->n) {
        snprintf(err, errlen, "no player %d", player + 1);
        return -1;
    }
    camsep_box boxes[CAMSEP_CAPTURE_MAX_BOXES];
    memcpy(boxes, k->boxes, sizeof boxes);
    boxes[player] = *box;
    if (camsep_capture_runner_set_boxes(k->runner, boxes, k->n)) {
        snprintf(err, errlen, "does not fit the camera's frame");
        return -1;
    }
    k->boxes[player] = boxes[player];
    ctl_boxes_changed(k);
    return 0;
}

/* Under k->lock: players found in the picture (capture_runner.h), for OSC
 * and the window alike. */
static int ctl_find_players(capture_control *k, int players, double seconds, char *err, size_t errlen)
{
    return camsep_capture_runner_find_players(k->runner, players, seconds, err, errlen);
}

/* Under k->lock: the proposal as the players' boxes, left to right. */
static int ctl_found_apply(capture_control *k, int force, char *err, size_t errlen)
{
    camsep_capture_proposal p;
    camsep_capture_runner_get_proposal(k->runner, &p);
    camsep_capture_status st;
    camsep_capture_runner_get_status(k->runner, &st);
    camsep_box boxes[CAMSEP_CAPTURE_MAX_BOXES];
    memcpy(boxes, k->boxes, sizeof boxes);
    if (camsep_capture_proposal_boxes(&p, k->n, force, st.width, st.height, boxes, err, errlen))
        return -1;
    if (camsep_capture_runner_set_boxes(k->runner, boxes, k->n)) {
        snprintf(err, errlen, "the boxes found do not fit the camera's frame");
        return -1;
    }
    memcpy(k->boxes, boxes, sizeof boxes);
    ctl_boxes_changed(k);
    return 0;
}

/* OSC server thread. The audio addresses never get here (camera_only). */
static int ctl_submit(const camsep_osc_command *c, void *user)
{
    capture_control *k = user;
    int rc = 0;
    pthread_mutex_lock(&k->lock);
    switch (c->kind) {
    case CAMSEP_OSC_CMD_PLAYER_BOX: {
        camsep_capture_status st;
        camsep_capture_runner_get_status(k->runner, &st);
        if (st.width <= 0 || st.height <= 0) {
            camsep_osc_refuse(k->osc, "no camera frame yet: its size is not known");
            rc = -1;
            break;
        }
        const camsep_box px = {c->box.x * (float)st.width, c->box.y * (float)st.height, c->box.w * (float)st.width,
                               c->box.h * (float)st.height};
        char err[128], msg[160];
        if (ctl_apply_box(k, c->player, &px, err, sizeof err)) {
            snprintf(msg, sizeof msg, "box: %s", err);
            camsep_osc_refuse(k->osc, msg);
            rc = -1;
        }
        break;
    }
    case CAMSEP_OSC_CMD_PLAYER_NAME: /* validated: at most 63 bytes */
        snprintf(k->names[c->player], sizeof k->names[0], "%.63s", c->text);
        break;
    case CAMSEP_OSC_CMD_MOTION_KNEE:
        if (camsep_capture_runner_set_knee(k->runner, c->value)) {
            camsep_osc_refuse(k->osc, "motion knee: out of range 0.1..2");
            rc = -1;
        } else {
            k->knee = c->value;
        }
        break;
    case CAMSEP_OSC_CMD_CAMERA_LATENCY:
        k->latency_s = c->value;
        atomic_store(&k->app->latency_ns, (int64_t)llround((double)c->value * 1e9));
        break;
    case CAMSEP_OSC_CMD_PLAYERS_FIND:
    case CAMSEP_OSC_CMD_PLAYERS_FOUND_APPLY: {
        char err[256];
        if (c->kind == CAMSEP_OSC_CMD_PLAYERS_FIND
                ? ctl_find_players(k, c->index ? c->index : k->n, (double)c->value, err, sizeof err)
                : ctl_found_apply(k, c->flag, err, sizeof err)) {
            camsep_osc_refuse(k->osc, err);
            rc = -1;
        }
        break;
    }
    case CAMSEP_OSC_CMD_PLAYERS_FIND_CANCEL:
        camsep_capture_runner_cancel_find(k->runner);
        break;
    default:
        camsep_osc_refuse(k->osc, "not available in camsep-capture");
        rc = -1;
        break;
    }
    pthread_mutex_unlock(&k->lock);
    return rc;
}

static void ctl_get_state(camsep_osc_state *st, void *user)
{
    static const char *const names[] = {"running", "lost", "ended", "failed"};
    capture_control *k = user;
    pthread_mutex_lock(&k->lock);
    camsep_capture_status cs;
    camsep_capture_runner_get_status(k->runner, &cs);
    camsep_capture_proposal fp;
    camsep_capture_runner_get_proposal(k->runner, &fp);
    app_found_osc_state(&fp, st);
    st->n_players = k->n;
    for (int j = 0; j < k->n; j++) {
        camsep_osc_player_state *p = &st->players[j];
        snprintf(p->name, sizeof p->name, "%s", k->names[j]);
        if (cs.width > 0 && cs.height > 0)
            p->box = (camsep_osc_box){k->boxes[j].x / (float)cs.width, k->boxes[j].y / (float)cs.height,
                                      k->boxes[j].w / (float)cs.width, k->boxes[j].h / (float)cs.height};
        uint32_t u = atomic_load_explicit(&k->app->motion_bits[j], memory_order_relaxed);
        memcpy(&p->motion, &u, sizeof u);
        p->level_db = -INFINITY; /* no audio here */
    }
    st->camera_latency_s = k->latency_s;
    st->motion_knee = k->knee;
    snprintf(st->camera_state, sizeof st->camera_state, "%s",
             (int)cs.state >= 0 && (int)cs.state < 4 ? names[cs.state] : "unknown");
    st->camera_fps = (float)cs.fps;
    st->camera_motion_u = cs.global_u; /* NaN: unknown */
    st->camera_motion_v = cs.global_v;
    pthread_mutex_unlock(&k->lock);
}

/* The window's UI thread (app_window_host). */
static int ui_set_box(void *user, int player, const camsep_box *box, char *err, size_t errlen)
{
    capture_control *k = user;
    pthread_mutex_lock(&k->lock);
    const int rc = ctl_apply_box(k, player, box, err, errlen);
    pthread_mutex_unlock(&k->lock);
    return rc;
}

/* The window's UI thread or main (outside k->lock). */
static void ui_get_boxes(void *user, camsep_box *boxes, int n)
{
    capture_control *k = user;
    pthread_mutex_lock(&k->lock);
    for (int j = 0; j < n && j < k->n; j++)
        boxes[j] = k->boxes[j];
    pthread_mutex_unlock(&k->lock);
}

/* Main thread (outside k->lock): the name, renamed by OSC; no instrument. */
static void ui_get_label(void *user, int player, char *name, char *instrument)
{
    capture_control *k = user;
    pthread_mutex_lock(&k->lock);
    snprintf(name, APP_WINDOW_NAME_LEN, "%s", player >= 0 && player < k->n ? k->names[player] : "");
    pthread_mutex_unlock(&k->lock);
    instrument[0] = '\0';
}

/* The window's UI thread: f looks for the players, b / B use the boxes found
 * (app_found.h). */
static void ui_key(void *user, int ch, char *msg, size_t msglen)
{
    capture_control *k = user;
    char err[256];
    if (ch != 'f' && ch != 'b' && ch != 'B')
        return;
    pthread_mutex_lock(&k->lock);
    int rc;
    if (ch == 'f')
        rc = ctl_find_players(k, k->n, APP_FOUND_SECONDS, err, sizeof err);
    else
        rc = ctl_found_apply(k, ch == 'B', err, sizeof err);
    pthread_mutex_unlock(&k->lock);
    if (rc)
        snprintf(msg, msglen, "players: %s", err);
    else if (ch == 'f')
        snprintf(msg, msglen, "players: looking for %d over %.0f s", k->n, APP_FOUND_SECONDS);
    else
        snprintf(msg, msglen, "players: the boxes found are in use");
}

static int ctl_start(capture_control *k, const capture_options *o, camsep_capture_runner *r, capture_app *app)
{
    pthread_mutex_init(&k->lock, NULL);
    k->runner = r;
    k->app = app;
    k->n = o->n_players;
    k->latency_s = (float)o->camera_latency_s;
    k->knee = (float)o->motion_knee;
    camsep_capture_runner_set_knee(r, k->knee); /* in range: the option parser checked it */
    for (int j = 0; j < o->n_players; j++) {
        k->boxes[j] = o->players[j].box;
        snprintf(k->names[j], sizeof k->names[0], "%s", o->players[j].name);
    }
    if (!o->osc_port)
        return 0;
    camsep_osc_config cfg;
    camsep_osc_config_default(&cfg);
    cfg.port = o->osc_port;
    cfg.prefix = o->osc_prefix;
    cfg.enable_tcp = !o->osc_no_tcp;
    cfg.camera_only = 1;
    cfg.program = PROG;
    camsep_osc_host host = {ctl_submit, ctl_get_state, k, NULL};
    char err[256];
    k->osc = camsep_osc_create(&cfg, &host, err, sizeof err);
    if (!k->osc || camsep_osc_start(k->osc)) {
        fprintf(stderr, "%s: OSC port %s: %s\n", PROG, o->osc_port, k->osc ? "cannot start its thread" : err);
        return -1;
    }
    printf("%s: OSC control on port %d (UDP%s), prefix %s\n", PROG, camsep_osc_port(k->osc),
           o->osc_no_tcp ? "" : " and TCP", o->osc_prefix);
    fflush(stdout);
    return 0;
}

static void ctl_stop(capture_control *k)
{
    camsep_osc_free(k->osc); /* stops the server thread first */
    k->osc = NULL;
    pthread_mutex_destroy(&k->lock);
}

/* Main loop, outside ctl.lock: meters and status into the window. 1 once its
 * close button was pressed. */
static int update_window(app_window *ui, capture_app *a, capture_control *ctl, const camsep_capture_status *st, int n)
{
    if (!app_window_due(ui))
        return app_window_closed(ui);
    camsep_capture_proposal found;
    camsep_box boxes[CAMSEP_CAPTURE_MAX_BOXES];
    pthread_mutex_lock(&ctl->lock);
    camsep_capture_runner_get_proposal(ctl->runner, &found);
    memcpy(boxes, ctl->boxes, sizeof boxes);
    pthread_mutex_unlock(&ctl->lock);
    char found_item[200];
    app_found_item(&found, boxes, n, found_item, sizeof found_item);
    app_window_show_found(ui, found.box, found.confidence, app_found_shown(&found, boxes, n));
    float motion[CAMSEP_CAPTURE_MAX_BOXES];
    for (int j = 0; j < n; j++) {
        uint32_t u = atomic_load_explicit(&a->motion_bits[j], memory_order_relaxed);
        memcpy(&motion[j], &u, sizeof u);
        if (st->state != CAMSEP_CAPTURE_RUNNING)
            motion[j] = NAN;
    }
    char line[400];
    int k = snprintf(line, sizeof line, "camera %s %.1f fps | analysis %.2f ms", state_name(st->state), st->fps,
                     st->analysis_ms_mean);
    if (isfinite(st->global_magnitude) && k > 0 && (size_t)k < sizeof line)
        k += snprintf(line + k, sizeof line - (size_t)k, " | cam motion %.1f px", (double)st->global_magnitude);
    if (a->shm && k > 0 && (size_t)k < sizeof line)
        k += snprintf(line + k, sizeof line - (size_t)k, " | published %lld",
                      (long long)atomic_load_explicit(&a->records, memory_order_relaxed));
    if (k > 0 && (size_t)k < sizeof line)
        snprintf(line + k, sizeof line - (size_t)k, " | %s", found_item);
    app_window_show(ui, motion, NULL, line);
    return app_window_closed(ui);
}

static void ignore_signal(int sig)
{
    (void)sig; /* never runs: the signals are blocked and taken by sigtimedwait() */
}

/* --relay: OSC priors from other machines into the ring, until a signal or --duration. */
static int run_relay(const capture_options *o, const sigset_t *sigs)
{
    char err[512], line[256];
    capture_relay *r = capture_relay_open(o, err, sizeof err);
    if (!r) {
        fprintf(stderr, "%s: %s\n", PROG, err);
        return CAPTURE_EXIT_START;
    }
    if (!o->quiet)
        fprintf(stderr, "%s: relay: OSC priors on port %d (UDP%s), prefix %s, %d players -> shm %s\n", PROG,
                capture_relay_port(r), o->osc_no_tcp ? "" : " and TCP", o->osc_prefix, o->relay_players,
                o->shm_name);
    const int64_t t0 = camsep_monotonic_ns(), interval = (int64_t)llround(o->status_interval_s * 1e9);
    int64_t next_status = t0 + interval;
    for (;;) {
        int sig = wait_signal(sigs, MAIN_TICK_NS);
        if (sig == SIGINT || sig == SIGTERM)
            break;
        const int64_t now = camsep_monotonic_ns();
        capture_relay_tick(r, now);
        if (o->duration_s > 0 && (double)(now - t0) * 1e-9 >= o->duration_s)
            break;
        if (interval > 0 && now >= next_status) {
            capture_relay_status(r, line, sizeof line);
            fprintf(stderr, "%s: relay: %s\n", PROG, line);
            next_status = now + interval;
        }
    }
    capture_relay_status(r, line, sizeof line);
    if (!o->quiet)
        fprintf(stderr, "%s: relay: %s\n", PROG, line);
    capture_relay_close(r);
    return CAPTURE_EXIT_OK;
}

int main(int argc, char **argv)
{
    capture_options opt;
    capture_options_parse(argc, argv, &opt);
    if (opt.list_devices)
        return list_devices(&opt);
    if (opt.osc_doc) {
        camsep_osc_print_doc_prefix(stdout, 0, opt.osc_prefix);
        return 0;
    }

    /* A handler, not SIG_IGN: a shell starts background jobs with SIGINT
     * ignored, and an ignored signal is discarded rather than left pending. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = ignore_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    sigaddset(&sigs, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL); /* every thread made from here on inherits it */
    signal(SIGPIPE, SIG_IGN);                /* an OSC peer over TCP that went away */
    if (opt.relay_port)
        return run_relay(&opt, &sigs);

    static capture_app app;
    pthread_mutex_init(&app.pv_lock, NULL);
    atomic_init(&app.latency_ns, (int64_t)llround(opt.camera_latency_s * 1e9));
    app.max_frames = opt.max_frames;
    app.main_thread = pthread_self();
    app.last_lost_record_ns = INT64_MIN;
    char err[512];
    if (opt.shm_name) {
        app.shm = camsep_shm_writer_create(opt.shm_name, opt.n_players, CAMSEP_MOTION_CHANNELS, err, sizeof err);
        if (!app.shm) {
            fprintf(stderr, "%s: %s\n", PROG, err);
            return CAPTURE_EXIT_START;
        }
        /* Not fatal: the priors matter, the picture is a convenience. */
        app.preview = camsep_preview_writer_create(opt.shm_name, 10.0, err, sizeof err);
        if (!app.preview) {
            fprintf(stderr, "%s: no camera preview: %s\n", PROG, err);
        } else {
            camsep_box pb[CAMSEP_CAPTURE_MAX_BOXES];
            for (int j = 0; j < opt.n_players; j++)
                pb[j] = opt.players[j].box;
            camsep_preview_writer_set_boxes(app.preview, pb, opt.n_players);
        }
    }
    if (opt.osc_target) {
        const char *names[CAMSEP_CAPTURE_MAX_BOXES];
        for (int j = 0; j < opt.n_players; j++)
            names[j] = opt.players[j].name;
        app.osc = capture_osc_open(opt.osc_target, opt.osc_prefix, names, opt.n_players, err, sizeof err);
        if (!app.osc) {
            fprintf(stderr, "%s: %s\n", PROG, err);
            close_publishers(&app);
            return CAPTURE_EXIT_START;
        }
    }

    camsep_box boxes[CAMSEP_CAPTURE_MAX_BOXES];
    for (int j = 0; j < opt.n_players; j++)
        boxes[j] = opt.players[j].box;
    static starter start;
    start.opt = &opt;
    start.boxes = boxes;
    start.sink = (camsep_capture_sink){.prior = sink_prior, .frame = sink_frame, .user = &app};
    start.main_thread = pthread_self();
    pthread_t starter_thread;
    if (pthread_create(&starter_thread, NULL, start_runner, &start)) {
        fprintf(stderr, "%s: cannot start a thread\n", PROG);
        close_publishers(&app);
        return CAPTURE_EXIT_START;
    }
    while (!atomic_load_explicit(&start.finished, memory_order_acquire)) {
        int sig = wait_signal(&sigs, MAIN_TICK_NS);
        if (sig == SIGINT || sig == SIGTERM) {
            close_publishers(&app); /* the starter is still blocked opening the source */
            if (!opt.quiet)
                fprintf(stderr, "%s: stopped by signal %d while opening %s\n", PROG, sig, opt.spec.source);
            exit(CAPTURE_EXIT_OK);
        }
    }
    pthread_join(starter_thread, NULL);
    camsep_capture_runner *runner = start.runner;
    if (!runner) {
        fprintf(stderr, "%s: %s\n", PROG, start.err);
        close_publishers(&app);
        return CAPTURE_EXIT_START;
    }

    camsep_capture_status st;
    camsep_capture_runner_get_status(runner, &st);
    if (!opt.quiet) {
        fprintf(stderr, "%s: %s, %d player%s (", PROG, st.description, opt.n_players, opt.n_players > 1 ? "s" : "");
        for (int j = 0; j < opt.n_players; j++)
            fprintf(stderr, "%s%s", j ? " " : "", opt.players[j].name);
        fprintf(stderr, ")%s%s%s%s\n", opt.shm_name ? ", shm " : "", opt.shm_name ? opt.shm_name : "",
                opt.osc_target ? ", osc " : "", opt.osc_target ? opt.osc_target : "");
    }

    static capture_control ctl;
    if (ctl_start(&ctl, &opt, runner, &app)) {
        camsep_capture_runner_stop(runner);
        ctl_stop(&ctl);
        close_publishers(&app);
        return CAPTURE_EXIT_START;
    }

    app_window *ui = NULL;
    if (opt.ui) {
        const app_window_host host = {ui_set_box, ui_get_boxes, ui_get_label, &ctl, ui_key};
        ui = app_window_open(PROG, PROG, opt.n_players, &host, err, sizeof err);
        if (!ui) /* not fatal: the priors matter, the window is a convenience */
            fprintf(stderr, "%s: no window: %s\n", PROG, err);
        atomic_store_explicit(&app.ui, ui, memory_order_release);
    }

    int status = CAPTURE_EXIT_OK;
    const int64_t t0 = camsep_monotonic_ns();
    const int64_t interval = (int64_t)llround(opt.status_interval_s * 1e9);
    int64_t next_status = t0 + interval;
    camsep_capture_state last_state = CAMSEP_CAPTURE_RUNNING;
    for (;;) {
        int sig = wait_signal(&sigs, MAIN_TICK_NS);
        if (sig == SIGINT || sig == SIGTERM)
            break;
        pthread_mutex_lock(&ctl.lock);
        if (sig == SIGHUP && !reload_boxes(&opt, runner)) {
            memcpy(ctl.boxes, reload_boxes_last, sizeof ctl.boxes);
            ctl_boxes_changed(&ctl);
        }
        const int done = atomic_load_explicit(&app.done, memory_order_relaxed);
        if (!done)
            camsep_capture_runner_get_status(runner, &st);
        pthread_mutex_unlock(&ctl.lock);
        if (done)
            break;
        if (st.state != last_state && !opt.quiet) {
            if (st.state == CAMSEP_CAPTURE_LOST)
                fprintf(stderr, "%s: camera lost: %s\n", PROG, st.last_error);
            else if (st.state == CAMSEP_CAPTURE_RUNNING)
                fprintf(stderr, "%s: camera back\n", PROG);
        }
        last_state = st.state;
        if (st.state == CAMSEP_CAPTURE_ENDED)
            break;
        if (st.state == CAMSEP_CAPTURE_FAILED) {
            fprintf(stderr, "%s: %s\n", PROG, st.last_error);
            status = CAPTURE_EXIT_FAILED;
            break;
        }
        if (ui && update_window(ui, &app, &ctl, &st, opt.n_players)) {
            if (!opt.quiet)
                fprintf(stderr, "%s: the window was closed\n", PROG);
            break;
        }
        int64_t now = camsep_monotonic_ns();
        if (opt.duration_s > 0 && (double)(now - t0) * 1e-9 >= opt.duration_s)
            break;
        if (interval > 0 && now >= next_status) {
            print_status(&app, &st);
            next_status += interval;
            if (next_status < now)
                next_status = now + interval;
        }
    }
    app_window_stop(ui); /* no window callback into ctl from here on */
    ctl_stop(&ctl); /* the OSC thread is gone: the runner has one control thread again */
    camsep_capture_runner_get_status(runner, &st);
    camsep_capture_runner_stop(runner); /* no sink call after this */
    if (!opt.quiet)
        print_status(&app, &st);
    close_publishers(&app);
    atomic_store(&app.ui, NULL);
    app_window_close(ui);
    pthread_mutex_destroy(&app.pv_lock);
    return status;
}
