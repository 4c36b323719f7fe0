/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The programs' window (see app_window.h). */
#define _POSIX_C_SOURCE 200809L
#include "app_window.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if CAMSEP_APP_HAVE_UI
#include <pthread.h>
#include <stdatomic.h>

#include "capture_clock.h"
#include "ui_box_mirror.h"
#include "ui_font_cache.h"

#define REFRESH_NS 200000000LL /* meters and status, 5 times a second */

struct app_window {
    camsep_ui *ui;
    app_window_host host;
    char program[64];
    int n;
    char names[CAMSEP_UI_MAX_PLAYERS][APP_WINDOW_NAME_LEN];       /* as shown; under cb_lock */
    char instruments[CAMSEP_UI_MAX_PLAYERS][APP_WINDOW_NAME_LEN]; /* as shown; under cb_lock */
    atomic_int closed, lost;
    /* host callbacks, ended by app_window_stop */
    pthread_mutex_t cb_lock;
    int detached;
    int64_t next_refresh; /* control loop */
    ui_box_mirror mirror; /* the boxes it shows, the status message (UI thread and control loop) */
};

/* Under cb_lock: the host's boxes into the window if they differ from what
 * it shows (or always with force: that ends an edit shown as proposed). */
static void sync_boxes(app_window *w, int force)
{
    camsep_box boxes[CAMSEP_UI_MAX_PLAYERS];
    memset(boxes, 0, sizeof boxes);
    w->host.get_boxes(w->host.user, boxes, w->n);
    ui_box_mirror_show(&w->mirror, w->ui, boxes, w->n, force);
}

/* Under cb_lock: names and instruments changed elsewhere into the window. */
static void sync_labels(app_window *w)
{
    if (!w->host.get_label)
        return;
    for (int j = 0; j < w->n; j++) {
        char name[APP_WINDOW_NAME_LEN] = "", instrument[APP_WINDOW_NAME_LEN] = "";
        w->host.get_label(w->host.user, j, name, instrument);
        if (!strcmp(name, w->names[j]) && !strcmp(instrument, w->instruments[j]))
            continue;
        memcpy(w->names[j], name, sizeof name);
        memcpy(w->instruments[j], instrument, sizeof instrument);
        camsep_ui_set_player_label(w->ui, j, name, instrument);
    }
}

/* ---- callbacks (the library's UI thread) ---- */

static void on_box(void *user, int player, const camsep_box *box, const camsep_box *normalised)
{
    (void)normalised;
    app_window *w = user;
    char text[512];
    if (player < 0 || player >= w->n)
        return;
    pthread_mutex_lock(&w->cb_lock);
    if (w->detached) {
        pthread_mutex_unlock(&w->cb_lock);
        return; /* the program is stopping */
    }
    /* The capture runner analyses one box per player: a removal is refused. */
    char err[256] = "";
    const int refused = box && w->host.set_box(w->host.user, player, box, err, sizeof err);
    ui_box_mirror_describe(w->names[player], player, box, refused ? err : NULL, text, sizeof text);
    ui_box_mirror_say(&w->mirror, w->program, text);
    sync_boxes(w, 1);
    pthread_mutex_unlock(&w->cb_lock);
}

static void on_key(void *user, int ch)
{
    app_window *w = user;
    char msg[512] = "";
    pthread_mutex_lock(&w->cb_lock);
    if (!w->detached && w->host.key)
        w->host.key(w->host.user, ch, msg, sizeof msg);
    if (msg[0])
        ui_box_mirror_say(&w->mirror, w->program, msg);
    pthread_mutex_unlock(&w->cb_lock);
}

static void on_close(void *user)
{
    app_window *w = user;
    atomic_store(&w->closed, 1);
}

static void on_lost(void *user, const char *message)
{
    app_window *w = user;
    atomic_store(&w->lost, 1);
    fprintf(stderr, "%s: the window is gone (%s); running on without it\n", w->program, message);
}

/* ---- the API ---- */

static void destroy(app_window *w)
{
    pthread_mutex_destroy(&w->cb_lock);
    ui_box_mirror_destroy(&w->mirror);
    free(w);
}

app_window *app_window_open(const char *program, const char *title, int n, const app_window_host *host, char *err,
                            size_t errlen)
{
    if (n < 1 || n > CAMSEP_UI_MAX_PLAYERS || !host || !host->set_box || !host->get_boxes) {
        snprintf(err, errlen, "the window shows 1 to %d players", CAMSEP_UI_MAX_PLAYERS);
        return NULL;
    }
    app_window *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->host = *host;
    w->n = n;
    snprintf(w->program, sizeof w->program, "%s", program);
    ui_box_mirror_init(&w->mirror);
    pthread_mutex_init(&w->cb_lock, NULL);
    camsep_ui_config uc;
    camsep_ui_config_default(&uc);
    uc.title = title;
    uc.n_players = n;
    for (int j = 0; j < n; j++) {
        if (host->get_label)
            host->get_label(host->user, j, w->names[j], w->instruments[j]);
        else
            snprintf(w->names[j], sizeof w->names[j], "player %d", j + 1);
        uc.player_name[j] = w->names[j];
        uc.instrument[j] = w->instruments[j];
    }
    uc.callbacks = (camsep_ui_callbacks){on_box, on_close, on_lost, w, on_key};
    w->ui = camsep_ui_open(&uc, err, errlen);
    if (!w->ui) {
        destroy(w);
        return NULL;
    }
    sync_boxes(w, 1);
    if (camsep_ui_start(w->ui, err, errlen)) {
        camsep_ui_close(w->ui);
        destroy(w);
        return NULL;
    }
    return w;
}

void app_window_push_frame(app_window *w, const camsep_frame *f)
{
    if (w && !atomic_load_explicit(&w->lost, memory_order_relaxed))
        camsep_ui_push_frame(w->ui, f);
}

int app_window_due(app_window *w)
{
    if (!w || atomic_load(&w->lost))
        return 0;
    const int64_t now = camsep_monotonic_ns();
    if (now < w->next_refresh)
        return 0;
    w->next_refresh = now + REFRESH_NS;
    return 1;
}

void app_window_show(app_window *w, const float *motion, const float *level_db, const char *status)
{
    if (!w)
        return;
    camsep_ui_set_meters(w->ui, motion, level_db, w->n);
    char text[800];
    ui_box_mirror_status(&w->mirror, status, text, sizeof text);
    camsep_ui_set_status(w->ui, text);
    pthread_mutex_lock(&w->cb_lock); /* the host's state stays valid until app_window_stop */
    if (!w->detached) {
        sync_boxes(w, 0); /* boxes changed by OSC, a preset or a reload */
        sync_labels(w);
    }
    pthread_mutex_unlock(&w->cb_lock);
}

void app_window_show_info(app_window *w, const float *motion, const float *level_db, const camsep_ui_status *st)
{
    char line[512];
    camsep_ui_format_status(st, line, sizeof line);
    app_window_show(w, motion, level_db, line);
}

void app_window_show_found(app_window *w, const camsep_box *boxes, const float *share, int n)
{
    if (w)
        camsep_ui_set_found(w->ui, boxes, share, n < CAMSEP_UI_MAX_PLAYERS ? n : CAMSEP_UI_MAX_PLAYERS);
}

int app_window_closed(app_window *w)
{
    return w ? atomic_load(&w->closed) : 0;
}

void app_window_stop(app_window *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->cb_lock); /* waits for a callback in progress */
    w->detached = 1;
    pthread_mutex_unlock(&w->cb_lock);
}

void app_window_close(app_window *w)
{
    if (!w)
        return;
    app_window_stop(w);
    camsep_ui_close(w->ui); /* joins the UI thread (which closed Xlib itself if the display was lost) */
    destroy(w);
    ui_release_font_caches(); /* the program's end: clean LeakSanitizer runs */
}

#else /* a build without the window (no libx11) */

app_window *app_window_open(const char *program, const char *title, int n, const app_window_host *host, char *err,
                            size_t errlen)
{
    (void)program;
    (void)title;
    (void)n;
    (void)host;
    snprintf(err, errlen, "this build has no window (it needs libx11 >= 1.7 and cairo)");
    return NULL;
}

void app_window_push_frame(app_window *w, const camsep_frame *f)
{
    (void)w;
    (void)f;
}

int app_window_due(app_window *w)
{
    (void)w;
    return 0;
}

void app_window_show(app_window *w, const float *motion, const float *level_db, const char *status)
{
    (void)w;
    (void)motion;
    (void)level_db;
    (void)status;
}

void app_window_show_found(app_window *w, const camsep_box *boxes, const float *share, int n)
{
    (void)w;
    (void)boxes;
    (void)share;
    (void)n;
}

void app_window_show_info(app_window *w, const float *motion, const float *level_db, const camsep_ui_status *st)
{
    (void)w;
    (void)motion;
    (void)level_db;
    (void)st;
}

int app_window_closed(app_window *w)
{
    (void)w;
    return 0;
}

void app_window_stop(app_window *w) { (void)w; }
void app_window_close(app_window *w) { (void)w; }

#endif
