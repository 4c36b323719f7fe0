/* SPDX-License-Identifier: GPL-3.0-or-later */
/* camsep_ui.h: the shared state the host feeds, the UI thread's loop (events
 * -> box edits -> callbacks; redraw when due) and the optional own thread. */
#define _POSIX_C_SOURCE 200809L
#include "camsep_ui.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ui_box_edit.h"
#include "ui_draw.h"
#include "ui_frame_buffer.h"
#include "ui_image.h"
#include "ui_layout.h"
#include "ui_meter.h"
#include "ui_x11.h"

#define NAME_LEN 64
#define STATUS_LEN 256
#define GRAB_PX 6.0 /* grab distance from a box edge, window pixels */

struct camsep_ui {
    camsep_ui_callbacks cb;
    int n;
    char name[CAMSEP_UI_MAX_PLAYERS][NAME_LEN];
    char instrument[CAMSEP_UI_MAX_PLAYERS][NAME_LEN];
    double min_interval; /* s between redraws */

    ui_frame_buffer frames;

    /* what the host sets, under lock */
    pthread_mutex_t lock;
    camsep_box host_box[CAMSEP_UI_MAX_PLAYERS];
    int host_n, boxes_new;
    char host_name[CAMSEP_UI_MAX_PLAYERS][NAME_LEN], host_instrument[CAMSEP_UI_MAX_PLAYERS][NAME_LEN];
    int labels_new;
    camsep_box found[CAMSEP_UI_MAX_PLAYERS];
    float found_share[CAMSEP_UI_MAX_PLAYERS];
    int found_n;
    float motion[CAMSEP_UI_MAX_PLAYERS], level[CAMSEP_UI_MAX_PLAYERS];
    float level_max[CAMSEP_UI_MAX_PLAYERS]; /* highest level since the UI last looked (NaN: none) */
    char status[STATUS_LEN];
    atomic_uint_fast64_t frames_pushed;

    /* waking the UI thread: one byte in a pipe per batch of changes */
    int wake_rd, wake_wr;
    atomic_int wake_pending;

    /* the UI thread's own */
    ui_x11 *x;
    ui_box_edit edit;
    cairo_surface_t *image;  /* the frame in front, as a cairo image */
    cairo_surface_t *canvas; /* the window's contents */
    ui_peak peak[CAMSEP_UI_MAX_PLAYERS];
    float shown_motion[CAMSEP_UI_MAX_PLAYERS], shown_level[CAMSEP_UI_MAX_PLAYERS];
    char shown_status[STATUS_LEN];
    camsep_box shown_found[CAMSEP_UI_MAX_PLAYERS];
    float shown_found_share[CAMSEP_UI_MAX_PLAYERS];
    int shown_found_n;
    int dirty;
    double last_draw;
    atomic_uint_fast64_t frames_shown, redraws;
    int lost_reported;
    atomic_int lost;

    pthread_t thread;
    int thread_running;
    atomic_int stop;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void wake(camsep_ui *ui)
{
    if (atomic_exchange(&ui->wake_pending, 1) == 0) {
        const char b = 1;
        ssize_t r = write(ui->wake_wr, &b, 1); /* non-blocking; a full pipe wakes anyway */
        (void)r;
    }
}

void camsep_ui_config_default(camsep_ui_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->title = "camsep";
    cfg->width = 960;
    cfg->height = 600;
    cfg->n_players = 1;
    cfg->max_fps = 30.0;
}

static void set_label(char *name, char *instrument, int player, const char *new_name, const char *new_instrument)
{
    if (new_name && new_name[0])
        snprintf(name, NAME_LEN, "%s", new_name);
    else
        snprintf(name, NAME_LEN, "player %d", player + 1);
    snprintf(instrument, NAME_LEN, "%s", new_instrument ? new_instrument : "");
}

camsep_ui *camsep_ui_open(const camsep_ui_config *cfg, char *err, size_t errlen)
{
    if (!cfg || cfg->n_players < 1 || cfg->n_players > CAMSEP_UI_MAX_PLAYERS) {
        snprintf(err, errlen, "players: need 1 to %d", CAMSEP_UI_MAX_PLAYERS);
        return NULL;
    }
    camsep_ui *ui = calloc(1, sizeof *ui);
    if (!ui) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ui->cb = cfg->callbacks;
    ui->n = cfg->n_players;
    for (int j = 0; j < ui->n; j++) {
        set_label(ui->name[j], ui->instrument[j], j, cfg->player_name[j], cfg->instrument[j]);
        memcpy(ui->host_name[j], ui->name[j], NAME_LEN);
        memcpy(ui->host_instrument[j], ui->instrument[j], NAME_LEN);
        ui->motion[j] = ui->level[j] = ui->level_max[j] = NAN;
        ui->shown_motion[j] = ui->shown_level[j] = NAN;
        ui_peak_reset(&ui->peak[j]);
    }
    const double fps = cfg->max_fps > 0.0 ? fmin(cfg->max_fps, 120.0) : 30.0;
    ui->min_interval = 1.0 / fps;
    ui->last_draw = -1e9;
    ui->dirty = 1;
    ui->wake_rd = ui->wake_wr = -1;
    ui_box_edit_init(&ui->edit, ui->n);

    int fds[2];
    if (ui_frame_buffer_init(&ui->frames) != 0) {
        snprintf(err, errlen, "cannot create the frame buffer");
        free(ui);
        return NULL;
    }
    if (pthread_mutex_init(&ui->lock, NULL) != 0 || pipe(fds) != 0) {
        snprintf(err, errlen, "cannot create the wake-up pipe: %s", strerror(errno));
        ui_frame_buffer_destroy(&ui->frames);
        free(ui);
        return NULL;
    }
    for (int k = 0; k < 2; k++) {
        fcntl(fds[k], F_SETFL, fcntl(fds[k], F_GETFL) | O_NONBLOCK);
        fcntl(fds[k], F_SETFD, FD_CLOEXEC);
    }
    ui->wake_rd = fds[0];
    ui->wake_wr = fds[1];

    char xerr[256];
    ui->x = ui_x11_open(cfg->display, cfg->title, cfg->width > 0 ? cfg->width : 960,
                        cfg->height > 0 ? cfg->height : 600, xerr, sizeof xerr);
    if (!ui->x) {
        snprintf(err, errlen, "%s", xerr);
        camsep_ui_close(ui);
        return NULL;
    }
    return ui;
}

/* ---- the UI thread ---- */

static void report(camsep_ui *ui, const ui_box_actions *acts)
{
    for (int k = 0; k < acts->n; k++) {
        const ui_box_action *a = &acts->a[k];
        if (!ui->cb.box_changed)
            continue;
        if (a->removed) {
            ui->cb.box_changed(ui->cb.user, a->player, NULL, NULL);
        } else {
            const camsep_box norm = ui_box_normalised(&a->box, ui->edit.frame_w, ui->edit.frame_h);
            ui->cb.box_changed(ui->cb.user, a->player, &a->box, &norm);
        }
    }
    if (acts->n)
        ui->dirty = 1;
}

static void current_layout(const camsep_ui *ui, ui_layout *l)
{
    int w, h;
    ui_x11_size(ui->x, &w, &h);
    ui_layout_compute(l, w, h, (int)ui->edit.frame_w, (int)ui->edit.frame_h, ui->n);
}

static ui_x11_cursor cursor_for(const camsep_ui *ui, const ui_layout *l, double wx, double wy)
{
    if (l->scale <= 0.0 || !ui_rect_contains(&l->image, wx, wy))
        return UI_CURSOR_DEFAULT;
    double fx, fy;
    ui_layout_window_to_frame(l, wx, wy, &fx, &fy);
    int edges;
    if (ui_box_edit_hit(&ui->edit, (float)fx, (float)fy, (float)(GRAB_PX / l->scale), &edges) == UI_NONE)
        return UI_CURSOR_CROSS;
    switch (edges) {
    case UI_HIT_INSIDE: return UI_CURSOR_MOVE;
    case UI_EDGE_LEFT | UI_EDGE_TOP: return UI_CURSOR_TL;
    case UI_EDGE_RIGHT | UI_EDGE_TOP: return UI_CURSOR_TR;
    case UI_EDGE_LEFT | UI_EDGE_BOTTOM: return UI_CURSOR_BL;
    case UI_EDGE_RIGHT | UI_EDGE_BOTTOM: return UI_CURSOR_BR;
    case UI_EDGE_LEFT: case UI_EDGE_RIGHT: return UI_CURSOR_H;
    default: return UI_CURSOR_V;
    }
}

static void handle_event(camsep_ui *ui, const ui_x11_event *ev)
{
    ui_layout l;
    current_layout(ui, &l);
    double fx = 0.0, fy = 0.0;
    ui_layout_window_to_frame(&l, ev->x, ev->y, &fx, &fy);
    const float tol = l.scale > 0.0 ? (float)(GRAB_PX / l.scale) : 1.0f;
    ui_box_actions acts = {0};
    const double t = now_s();
    switch (ev->type) {
    case UI_EV_PRESS:
        if (ev->button != 1)
            break;
        if (ui_rect_contains(&l.video, ev->x, ev->y)) {
            ui_box_edit_press(&ui->edit, (float)fx, (float)fy, tol);
        } else {
            const int j = ui_layout_meter_hit(&l, ev->x, ev->y);
            if (j >= 0) /* the meter columns double as the assignment palette */
                ui_box_edit_assign(&ui->edit, j, t, &acts);
        }
        ui->dirty = 1;
        break;
    case UI_EV_MOTION:
        if (ui_box_edit_motion(&ui->edit, (float)fx, (float)fy))
            ui->dirty = 1;
        else
            ui_x11_set_cursor(ui->x, cursor_for(ui, &l, ev->x, ev->y));
        break;
    case UI_EV_RELEASE:
        if (ev->button != 1)
            break;
        ui_box_edit_release(&ui->edit, (float)fx, (float)fy, t, &acts);
        ui->dirty = 1;
        break;
    case UI_EV_KEY:
        switch (ev->key) {
        case UI_KEY_DIGIT: ui_box_edit_assign(&ui->edit, ev->arg - 1, t, &acts); break;
        case UI_KEY_DELETE: ui_box_edit_delete(&ui->edit, t, &acts); break;
        case UI_KEY_TAB: ui_box_edit_cycle(&ui->edit, 1); break;
        case UI_KEY_BACKTAB: ui_box_edit_cycle(&ui->edit, -1); break;
        case UI_KEY_ESCAPE: ui_box_edit_cancel(&ui->edit); break;
        case UI_KEY_LETTER:
            if (ui->cb.key)
                ui->cb.key(ui->cb.user, ev->arg);
            break;
        case UI_KEY_OTHER: break;
        }
        ui->dirty = 1;
        break;
    case UI_EV_RESIZE:
    case UI_EV_EXPOSE:
        ui->dirty = 1;
        break;
    case UI_EV_CLOSE:
        if (ui->cb.close_requested)
            ui->cb.close_requested(ui->cb.user);
        break;
    case UI_EV_NONE:
        break;
    }
    report(ui, &acts);
}

/* Takes what the host has set since the last look. */
static void absorb(camsep_ui *ui, double t)
{
    char b[64];
    while (read(ui->wake_rd, b, sizeof b) > 0)
        ;
    /* cleared before reading the state, so that no change is missed; a
     * wake-up means something changed (a frame, meters, boxes, status) */
    if (atomic_exchange(&ui->wake_pending, 0))
        ui->dirty = 1;

    camsep_box boxes[CAMSEP_UI_MAX_PLAYERS];
    float level_max[CAMSEP_UI_MAX_PLAYERS];
    int n_boxes = -1;
    pthread_mutex_lock(&ui->lock);
    if (ui->boxes_new) {
        n_boxes = ui->host_n;
        memcpy(boxes, ui->host_box, sizeof boxes);
        ui->boxes_new = 0;
    }
    if (ui->labels_new) {
        memcpy(ui->name, ui->host_name, sizeof ui->name);
        memcpy(ui->instrument, ui->host_instrument, sizeof ui->instrument);
        ui->labels_new = 0;
        ui->dirty = 1;
    }
    for (int j = 0; j < ui->n; j++) {
        ui->shown_motion[j] = ui->motion[j];
        ui->shown_level[j] = ui->level[j];
        level_max[j] = ui->level_max[j];
        ui->level_max[j] = NAN;
    }
    memcpy(ui->shown_status, ui->status, STATUS_LEN);
    if (ui->shown_found_n != ui->found_n ||
        memcmp(ui->shown_found, ui->found, sizeof ui->found) != 0 ||
        memcmp(ui->shown_found_share, ui->found_share, sizeof ui->found_share) != 0) {
        ui->shown_found_n = ui->found_n;
        memcpy(ui->shown_found, ui->found, sizeof ui->found);
        memcpy(ui->shown_found_share, ui->found_share, sizeof ui->found_share);
        ui->dirty = 1;
    }
    pthread_mutex_unlock(&ui->lock);

    if (n_boxes >= 0) {
        ui_box_edit_set_host(&ui->edit, boxes, n_boxes, t);
        ui->dirty = 1;
    }
    if (ui_box_edit_expire(&ui->edit, t))
        ui->dirty = 1;
    for (int j = 0; j < ui->n; j++) {
        const float before = ui->peak[j].db;
        if (ui_peak_update(&ui->peak[j], level_max[j], t) != before)
            ui->dirty = 1;
    }
}

static void build_view(camsep_ui *ui, ui_view *v, int width, int height)
{
    memset(v, 0, sizeof *v);
    ui_layout_compute(&v->layout, width, height, (int)ui->edit.frame_w, (int)ui->edit.frame_h, ui->n);
    v->image = ui->image;
    v->edit = &ui->edit;
    v->n_players = ui->n;
    for (int j = 0; j < ui->n; j++) {
        v->name[j] = ui->name[j];
        v->instrument[j] = ui->instrument[j];
        v->motion[j] = ui->shown_motion[j];
        v->level_db[j] = ui->shown_level[j];
        v->peak_db[j] = ui->peak[j].db;
    }
    v->status = ui->shown_status;
    v->n_found = ui->shown_found_n;
    for (int j = 0; j < ui->shown_found_n; j++) {
        v->found[j] = ui->shown_found[j];
        v->found_share[j] = ui->shown_found_share[j];
    }
}

static void take_frame(camsep_ui *ui)
{
    if (!ui_frame_buffer_take(&ui->frames))
        return;
    const ui_frame_slot *f = ui_frame_buffer_front(&ui->frames);
    if (ui_image_from_luma(&ui->image, f->luma, f->width, f->height, f->width) != 0)
        return;
    ui_box_edit_set_frame_size(&ui->edit, f->width, f->height);
    ui->frames_shown++;
}

/* Renders into the canvas (re-created when the window size changes). */
static int render(camsep_ui *ui, int width, int height)
{
    if (ui->canvas && (cairo_image_surface_get_width(ui->canvas) != width ||
                       cairo_image_surface_get_height(ui->canvas) != height)) {
        cairo_surface_destroy(ui->canvas);
        ui->canvas = NULL;
    }
    if (!ui->canvas) {
        ui->canvas = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
        if (cairo_surface_status(ui->canvas) != CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(ui->canvas);
            ui->canvas = NULL;
            return -1;
        }
    }
    ui_view v;
    build_view(ui, &v, width, height);
    cairo_t *cr = cairo_create(ui->canvas);
    ui_draw(cr, &v);
    cairo_destroy(cr);
    cairo_surface_flush(ui->canvas);
    return 0;
}

static void redraw_if_due(camsep_ui *ui, double t)
{
    if (!ui->dirty || t - ui->last_draw < ui->min_interval)
        return;
    take_frame(ui);
    int w, h;
    ui_x11_size(ui->x, &w, &h);
    if (render(ui, w, h) == 0) {
        ui_x11_present(ui->x, ui->canvas);
        ui->redraws++;
    }
    ui->dirty = 0;
    ui->last_draw = t;
}

/* UI thread. Once the connection is dead, Xlib is closed here, by the thread
 * that saw it die: from another thread (camsep_ui_close after
 * camsep_ui_start) XFreeGC / XCloseDisplay on the dead display can wait
 * forever on Xlib's display lock. From here on ui->x is NULL: nothing but
 * camsep_ui_close touches it, and that only frees what is left. */
static int check_lost(camsep_ui *ui)
{
    if (!ui->x)
        return -1;
    if (!ui_x11_lost(ui->x, NULL, 0))
        return 0;
    atomic_store(&ui->lost, 1);
    if (!ui->lost_reported) {
        ui->lost_reported = 1;
        char msg[256];
        ui_x11_lost(ui->x, msg, sizeof msg);
        if (ui->cb.display_lost)
            ui->cb.display_lost(ui->cb.user, msg);
    }
    ui_x11_close(ui->x);
    ui->x = NULL;
    return -1;
}

static int process(camsep_ui *ui)
{
    ui_x11_event ev;
    int r;
    while ((r = ui_x11_next_event(ui->x, &ev)) > 0)
        handle_event(ui, &ev);
    if (r < 0)
        return check_lost(ui);
    const double t = now_s();
    absorb(ui, t);
    redraw_if_due(ui, t);
    return check_lost(ui);
}

int camsep_ui_run_once(camsep_ui *ui, int timeout_ms)
{
    if (atomic_load(&ui->lost) || !ui->x || process(ui) < 0)
        return -1;
    /* sleep until an event, a wake-up, the next allowed redraw or the timeout */
    int wait = timeout_ms < 0 ? 0 : timeout_ms;
    if (ui->dirty) {
        const double left = ui->last_draw + ui->min_interval - now_s();
        const int ms = left > 0.0 ? (int)ceil(left * 1000.0) : 0;
        if (ms < wait)
            wait = ms;
    }
    struct pollfd p[2] = {{ui_x11_fd(ui->x), POLLIN, 0}, {ui->wake_rd, POLLIN, 0}};
    if (wait > 0 && poll(p, 2, wait) < 0 && errno != EINTR)
        return -1;
    return process(ui);
}

int camsep_ui_screenshot(camsep_ui *ui, const char *png_path, char *err, size_t errlen)
{
    if (!ui->x) {
        snprintf(err, errlen, "the display is gone");
        return -1;
    }
    take_frame(ui);
    int w, h;
    ui_x11_size(ui->x, &w, &h);
    if (render(ui, w, h) != 0) {
        snprintf(err, errlen, "cannot draw the window (out of memory?)");
        return -1;
    }
    const cairo_status_t st = cairo_surface_write_to_png(ui->canvas, png_path);
    if (st != CAIRO_STATUS_SUCCESS) {
        snprintf(err, errlen, "%s: %s", png_path, cairo_status_to_string(st));
        return -1;
    }
    return 0;
}

static void *ui_thread(void *arg)
{
    camsep_ui *ui = arg;
    while (!atomic_load(&ui->stop))
        if (camsep_ui_run_once(ui, 100) < 0)
            break;
    return NULL;
}

int camsep_ui_start(camsep_ui *ui, char *err, size_t errlen)
{
    if (ui->thread_running) {
        snprintf(err, errlen, "the UI thread is already running");
        return -1;
    }
    const int r = pthread_create(&ui->thread, NULL, ui_thread, ui);
    if (r != 0) {
        snprintf(err, errlen, "cannot start the UI thread: %s", strerror(r));
        return -1;
    }
    ui->thread_running = 1;
    return 0;
}

void camsep_ui_close(camsep_ui *ui)
{
    if (!ui)
        return;
    if (ui->thread_running) {
        /* only a join: after a lost display the UI thread has closed Xlib
         * itself (check_lost) and ended */
        atomic_store(&ui->stop, 1);
        wake(ui);
        pthread_join(ui->thread, NULL);
    }
    ui_x11_close(ui->x); /* NULL after a lost display */
    if (ui->image)
        cairo_surface_destroy(ui->image);
    if (ui->canvas)
        cairo_surface_destroy(ui->canvas);
    if (ui->wake_rd >= 0)
        close(ui->wake_rd);
    if (ui->wake_wr >= 0)
        close(ui->wake_wr);
    pthread_mutex_destroy(&ui->lock);
    ui_frame_buffer_destroy(&ui->frames);
    free(ui);
}

/* ---- any thread ---- */

void camsep_ui_push_frame(camsep_ui *ui, const camsep_frame *f)
{
    if (ui_frame_buffer_push(&ui->frames, f) == 0) {
        atomic_fetch_add(&ui->frames_pushed, 1);
        wake(ui);
    }
}

int camsep_ui_set_boxes(camsep_ui *ui, const camsep_box *boxes, int n)
{
    if (n < 0 || n > ui->n || (n > 0 && !boxes))
        return -1;
    pthread_mutex_lock(&ui->lock);
    for (int j = 0; j < CAMSEP_UI_MAX_PLAYERS; j++)
        ui->host_box[j] = j < n ? boxes[j] : (camsep_box){0.0f, 0.0f, 0.0f, 0.0f};
    ui->host_n = n;
    ui->boxes_new = 1;
    pthread_mutex_unlock(&ui->lock);
    wake(ui);
    return 0;
}

int camsep_ui_set_found(camsep_ui *ui, const camsep_box *boxes, const float *share, int n)
{
    if (n < 0 || n > CAMSEP_UI_MAX_PLAYERS || (n > 0 && !boxes))
        return -1;
    pthread_mutex_lock(&ui->lock);
    memset(ui->found, 0, sizeof ui->found);
    memset(ui->found_share, 0, sizeof ui->found_share);
    for (int j = 0; j < n; j++) {
        ui->found[j] = boxes[j];
        ui->found_share[j] = share ? share[j] : NAN;
    }
    ui->found_n = n;
    pthread_mutex_unlock(&ui->lock);
    wake(ui);
    return 0;
}

int camsep_ui_set_player_label(camsep_ui *ui, int player, const char *name, const char *instrument)
{
    if (player < 0 || player >= ui->n)
        return -1;
    pthread_mutex_lock(&ui->lock);
    set_label(ui->host_name[player], ui->host_instrument[player], player, name, instrument);
    ui->labels_new = 1;
    pthread_mutex_unlock(&ui->lock);
    wake(ui);
    return 0;
}

void camsep_ui_set_meters(camsep_ui *ui, const float *motion, const float *level_db, int n)
{
    if (n > ui->n)
        n = ui->n;
    pthread_mutex_lock(&ui->lock);
    for (int j = 0; j < n; j++) {
        if (motion)
            ui->motion[j] = motion[j];
        if (level_db) {
            const float l = level_db[j];
            ui->level[j] = l;
            if (!isnan(l) && (isnan(ui->level_max[j]) || l > ui->level_max[j]))
                ui->level_max[j] = l;
        }
    }
    pthread_mutex_unlock(&ui->lock);
    wake(ui);
}

void camsep_ui_set_status(camsep_ui *ui, const char *text)
{
    pthread_mutex_lock(&ui->lock);
    snprintf(ui->status, STATUS_LEN, "%s", text ? text : "");
    for (char *c = ui->status; *c; c++) /* one line */
        if (*c == '\n' || *c == '\r' || *c == '\t')
            *c = ' ';
    pthread_mutex_unlock(&ui->lock);
    wake(ui);
}

/* " | NAME w1 w2 ..." (each at most 1) when any of the n weights is above 0. */
static size_t append_weights(char *out, size_t outlen, size_t used, const char *name, const float *w, int n)
{
    int any = 0;
    for (int j = 0; j < n && j < CAMSEP_UI_MAX_PLAYERS; j++)
        any = any || w[j] > 0.0f;
    if (!any || used >= outlen)
        return used;
    int k = snprintf(out + used, outlen - used, "%s%s", used ? " | " : "", name);
    used += k > 0 ? (size_t)k : 0;
    for (int j = 0; j < n && j < CAMSEP_UI_MAX_PLAYERS && used < outlen; j++) {
        k = snprintf(out + used, outlen - used, " %.2f", (double)fminf(1.0f, w[j]));
        used += k > 0 ? (size_t)k : 0;
    }
    return used < outlen ? used : outlen;
}

void camsep_ui_format_status(const camsep_ui_status *st, char *out, size_t outlen)
{
    size_t used = 0;
    out[0] = '\0';
#define APPEND(...)                                                                         \
    do {                                                                                    \
        if (used < outlen) {                                                                \
            const int k = snprintf(out + used, outlen - used, "%s", used ? " | " : "");     \
            used += k > 0 ? (size_t)k : 0;                                                  \
        }                                                                                   \
        if (used < outlen) {                                                                \
            const int k = snprintf(out + used, outlen - used, __VA_ARGS__);                 \
            used += k > 0 ? (size_t)k : 0;                                                  \
        }                                                                                   \
    } while (0)
    if (st->camera && st->camera[0]) {
        if (st->camera_fps >= 0.0)
            APPEND("camera %s %.1f fps", st->camera, st->camera_fps);
        else
            APPEND("camera %s", st->camera);
    }
    if (st->camera_motion_px >= 0.0)
        APPEND("cam motion %.1f px", st->camera_motion_px);
    if (st->n_trust > 0) {
        APPEND("trust");
        for (int j = 0; j < st->n_trust && j < CAMSEP_UI_MAX_PLAYERS && used < outlen; j++) {
            const float t = st->trust[j];
            const int k = isnan(t) ? snprintf(out + used, outlen - used, " -")
                                   : snprintf(out + used, outlen - used, " %.2f", (double)fminf(1.0f, fmaxf(0.0f, t)));
            used += k > 0 ? (size_t)k : 0;
        }
        used = append_weights(out, outlen, used, "split", st->split, st->n_trust);
        used = append_weights(out, outlen, used, "share", st->share, st->n_trust);
    }
    if (st->n_gate > 0) {
        int any_gated = 0;
        for (int j = 0; j < st->n_gate && j < CAMSEP_UI_MAX_PLAYERS; j++)
            any_gated = any_gated || st->gate[j] < 1.0f;
        if (any_gated) {
            APPEND("gate");
            for (int j = 0; j < st->n_gate && j < CAMSEP_UI_MAX_PLAYERS && used < outlen; j++) {
                const float g = fminf(1.0f, fmaxf(0.0f, st->gate[j]));
                const int k = isnan(st->gate[j]) ? snprintf(out + used, outlen - used, " -")
                                                 : snprintf(out + used, outlen - used, " %.2f", (double)g);
                used += k > 0 ? (size_t)k : 0;
            }
        }
        if (st->hidden & ((1u << (st->n_gate < CAMSEP_UI_MAX_PLAYERS ? st->n_gate : CAMSEP_UI_MAX_PLAYERS)) - 1u)) {
            APPEND("hidden");
            for (int j = 0; j < st->n_gate && j < CAMSEP_UI_MAX_PLAYERS && used < outlen; j++)
                if ((st->hidden >> j) & 1u) {
                    const int k = snprintf(out + used, outlen - used, " %d", j + 1);
                    used += k > 0 ? (size_t)k : 0;
                }
        }
        if (isfinite(st->camera_offset_s)) /* whole ms, signed; -0.4 ms is +0 */
            APPEND("cam offset %+ld ms", lround(fmin(1e6, fmax(-1e6, 1000.0 * st->camera_offset_s))));
    }
    if (st->dsp_load >= 0.0)
        APPEND("DSP %.0f %%", 100.0 * st->dsp_load);
    if (st->xruns >= 0)
        APPEND("xruns %lld", st->xruns);
    if (st->latency_ms >= 0.0)
        APPEND("latency %.1f ms", st->latency_ms);
    if (st->extra && st->extra[0])
        APPEND("%s", st->extra);
#undef APPEND
}

void camsep_ui_set_status_info(camsep_ui *ui, const camsep_ui_status *st)
{
    char text[STATUS_LEN];
    camsep_ui_format_status(st, text, sizeof text);
    camsep_ui_set_status(ui, text);
}

void camsep_ui_get_stats(camsep_ui *ui, camsep_ui_stats *st)
{
    st->frames_pushed = atomic_load(&ui->frames_pushed);
    st->frames_shown = atomic_load(&ui->frames_shown);
    st->redraws = atomic_load(&ui->redraws);
    st->lost = atomic_load(&ui->lost);
}
