/* The hosts' window (see host_ui.h). */
#include "host_ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if CAMSEP_HOST_HAVE_UI
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "camsep_ui.h"
#include "ui_box_mirror.h"
#include "ui_font_cache.h"
#include "capture_clock.h"

#define REFRESH_NS 200000000LL  /* meters and status, 5 times a second */

struct host_ui {
    host_session *s;
    camsep_ui *ui;
    char program[64];
    int n_players;
    char names[CAMSEP_UI_MAX_PLAYERS][HOST_LABEL_LEN];      /* as shown; under cb_lock after open */
    char instruments[CAMSEP_UI_MAX_PLAYERS][HOST_NAME_LEN]; /* as shown ("": none); control loop */
    host_frame_hook hook;
    pthread_t thread;
    atomic_int stop, closed, lost;
    /* callbacks into the session, ended by host_ui_stop */
    pthread_mutex_t cb_lock;
    int detached;
    int64_t next_refresh; /* control loop */
    ui_box_mirror mirror; /* the boxes it shows, the status message (UI thread and control loop) */
    /* configuration copies (large): one per thread */
    host_config cfg_ui, cfg_loop;
};

/* The session's boxes into the window, if they differ from what it shows
 * (or always with force: this ends an edit shown as proposed). */
static void sync_boxes(host_ui *u, host_config *cfg, int force)
{
    host_session_get_config(u->s, cfg);
    camsep_box boxes[CAMSEP_UI_MAX_PLAYERS];
    memset(boxes, 0, sizeof boxes);
    for (int j = 0; j < u->n_players && j < cfg->n_players; j++)
        if (cfg->players[j].has_box)
            boxes[j] = cfg->players[j].box;
    ui_box_mirror_show(&u->mirror, u->ui, boxes, u->n_players, force);
}

/* The label a player is shown with: its label or name, and its instrument
 * (or dictionary file) when that says something more ("" otherwise). */
static void player_label(const host_player *p, char name[HOST_LABEL_LEN], char instrument[HOST_NAME_LEN])
{
    snprintf(name, HOST_LABEL_LEN, "%s", p->label[0] ? p->label : p->name);
    if (p->instrument[0]) {
        snprintf(instrument, HOST_NAME_LEN, "%s", p->instrument);
    } else if (p->dictionary[0]) {
        const char *base = strrchr(p->dictionary, '/');
        snprintf(instrument, HOST_NAME_LEN, "%.31s", base ? base + 1 : p->dictionary); /* a label: cut is fine */
    } else {
        snprintf(instrument, HOST_NAME_LEN, "%s", p->name); /* the instrument defaults to the name */
    }
    if (!strcmp(instrument, name))
        instrument[0] = '\0';
}

/* Control loop: names and instruments changed by OSC, a preset or NSM into
 * the window. cfg is the session's configuration, just read. */
static void sync_labels(host_ui *u, const host_config *cfg)
{
    for (int j = 0; j < u->n_players && j < cfg->n_players; j++) {
        char name[HOST_LABEL_LEN], instrument[HOST_NAME_LEN];
        player_label(&cfg->players[j], name, instrument);
        if (!strcmp(name, u->names[j]) && !strcmp(instrument, u->instruments[j]))
            continue;
        pthread_mutex_lock(&u->cb_lock); /* on_box reads the names */
        memcpy(u->names[j], name, sizeof name);
        pthread_mutex_unlock(&u->cb_lock);
        memcpy(u->instruments[j], instrument, sizeof instrument);
        camsep_ui_set_player_label(u->ui, j, name, instrument);
    }
}

/* ---- callbacks (the window's thread) ---- */

static void on_box(void *user, int player, const camsep_box *box, const camsep_box *normalised)
{
    (void)normalised;
    host_ui *u = user;
    char text[512];
    if (player < 0 || player >= u->n_players)
        return;
    pthread_mutex_lock(&u->cb_lock);
    if (u->detached) {
        pthread_mutex_unlock(&u->cb_lock);
        return; /* the session is stopping */
    }
    /* The capture runner analyses one box per player: a removal is refused. */
    char err[256] = "";
    int refused = 0;
    if (box) {
        host_command c = {.type = HOST_CMD_BOX, .stem = player, .box = *box};
        refused = host_session_command(u->s, &c, err, sizeof err) != 0;
    }
    ui_box_mirror_describe(u->names[player], player, box, refused ? err : NULL, text, sizeof text);
    ui_box_mirror_say(&u->mirror, u->program, text);
    sync_boxes(u, &u->cfg_ui, 1);
    pthread_mutex_unlock(&u->cb_lock);
}

static void on_close(void *user)
{
    host_ui *u = user;
    atomic_store(&u->closed, 1);
}

static void on_lost(void *user, const char *message)
{
    host_ui *u = user;
    atomic_store(&u->lost, 1);
    fprintf(stderr, "%s: the window is gone (%s); running on without it\n", u->program, message);
}

/* The window's thread, from open to close. After a lost display it only
 * waits: Xlib must be closed by the thread that saw the connection die (from
 * another thread XCloseDisplay can wait forever on a lock). */
static void *ui_main(void *arg)
{
    host_ui *u = arg;
    int dead = 0;
    while (!atomic_load(&u->stop)) {
        if (!dead && camsep_ui_run_once(u->ui, 100) < 0)
            dead = 1; /* on_lost said so */
        if (dead) {
            struct timespec ts = {0, 50000000L};
            nanosleep(&ts, NULL);
        }
    }
    camsep_ui_close(u->ui);
    return NULL;
}

/* Capture thread: a camera frame into the window (copied). */
static void on_frame(void *user, const camsep_frame *f)
{
    host_ui *u = user;
    if (!atomic_load_explicit(&u->lost, memory_order_relaxed))
        camsep_ui_push_frame(u->ui, f);
}

/* ---- the API ---- */

host_ui *host_ui_open(host_session *s, const char *program, const char *name, char *err, size_t errlen)
{
    host_ui *u = calloc(1, sizeof *u);
    if (!u) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    u->s = s;
    snprintf(u->program, sizeof u->program, "%s", program);
    ui_box_mirror_init(&u->mirror);
    pthread_mutex_init(&u->cb_lock, NULL);
    host_config *cfg = &u->cfg_loop;
    host_session_get_config(s, cfg);
    u->n_players = cfg->n_players < CAMSEP_UI_MAX_PLAYERS ? cfg->n_players : CAMSEP_UI_MAX_PLAYERS;

    camsep_ui_config uc;
    camsep_ui_config_default(&uc);
    char title[160];
    if (name && *name)
        snprintf(title, sizeof title, "%s: %s", program, name);
    else
        snprintf(title, sizeof title, "%s", program);
    uc.title = title;
    uc.n_players = u->n_players > 0 ? u->n_players : 1;
    for (int j = 0; j < u->n_players; j++) {
        player_label(&cfg->players[j], u->names[j], u->instruments[j]);
        uc.player_name[j] = u->names[j];
        uc.instrument[j] = u->instruments[j];
    }
    uc.callbacks = (camsep_ui_callbacks){on_box, on_close, on_lost, u};
    u->ui = camsep_ui_open(&uc, err, errlen);
    if (!u->ui) {
        pthread_mutex_destroy(&u->cb_lock);
        ui_box_mirror_destroy(&u->mirror);
        free(u);
        return NULL;
    }
    sync_boxes(u, cfg, 1);
    int r = pthread_create(&u->thread, NULL, ui_main, u);
    if (r) {
        snprintf(err, errlen, "cannot start the window's thread: %s", strerror(r));
        camsep_ui_close(u->ui);
        pthread_mutex_destroy(&u->cb_lock);
        ui_box_mirror_destroy(&u->mirror);
        free(u);
        return NULL;
    }
    u->hook = (host_frame_hook){on_frame, u};
    host_session_set_frame_hook(s, &u->hook);
    host_ui_update(u, 0);
    return u;
}

static const char *camera_state_name(int state)
{
    static const char *const names[] = {"running", "lost", "ended", "failed"};
    return state >= 0 && state < 4 ? names[state] : "unknown";
}

int host_ui_update(host_ui *u, uint64_t xruns)
{
    if (!u)
        return 0;
    const int closed = atomic_load(&u->closed);
    if (atomic_load(&u->lost))
        return closed;
    const int64_t now = camsep_monotonic_ns();
    if (now < u->next_refresh)
        return closed;
    u->next_refresh = now + REFRESH_NS;

    host_meters m;
    host_session_meters(u->s, &m);
    float motion[CAMSEP_UI_MAX_PLAYERS], level[CAMSEP_UI_MAX_PLAYERS];
    for (int j = 0; j < u->n_players; j++) {
        motion[j] = m.motion[j];
        level[j] = m.level[j] > 0.0f ? 20.0f * log10f(m.level[j]) : -INFINITY;
    }
    camsep_ui_set_meters(u->ui, motion, level, u->n_players);

    camsep_ui_status st = {NULL, -1.0, -1.0, -1, -1.0};
    int state, w, h;
    double fps;
    if (host_session_camera(u->s, &state, &fps, &w, &h) == 0) {
        st.camera = camera_state_name(state);
        st.camera_fps = fps;
    } else {
        st.camera = "none";
    }
    st.dsp_load = m.dsp_load;
    st.xruns = (long long)xruns;
    st.latency_ms = 1000.0 * host_session_latency(u->s) / host_session_rate(u->s);
    char line[512], text[800];
    camsep_ui_format_status(&st, line, sizeof line);
    ui_box_mirror_status(&u->mirror, line, text, sizeof text);
    camsep_ui_set_status(u->ui, text);

    sync_boxes(u, &u->cfg_loop, 0); /* boxes changed by OSC or a preset */
    sync_labels(u, &u->cfg_loop);
    return closed;
}

void host_ui_stop(host_ui *u)
{
    if (!u)
        return;
    pthread_mutex_lock(&u->cb_lock); /* waits for a callback in progress */
    u->detached = 1;
    pthread_mutex_unlock(&u->cb_lock);
}

void host_ui_close(host_ui *u)
{
    if (!u)
        return;
    host_ui_stop(u);
    atomic_store(&u->stop, 1);
    pthread_join(u->thread, NULL); /* the thread closes the window */
    pthread_mutex_destroy(&u->cb_lock);
    ui_box_mirror_destroy(&u->mirror);
    free(u);
    ui_release_font_caches(); /* the program's end: clean LeakSanitizer runs */
}

#else /* a build without the window (no libx11) */

host_ui *host_ui_open(host_session *s, const char *program, const char *name, char *err, size_t errlen)
{
    (void)s;
    (void)program;
    (void)name;
    snprintf(err, errlen, "this build has no window (it needs libx11 >= 1.7 and cairo)");
    return NULL;
}

int host_ui_update(host_ui *u, uint64_t xruns)
{
    (void)u;
    (void)xruns;
    return 0;
}

void host_ui_stop(host_ui *u) { (void)u; }
void host_ui_close(host_ui *u) { (void)u; }

#endif
