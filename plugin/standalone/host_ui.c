/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The standalones' window (see host_ui.h): the session behind app_window. */
#include "host_ui.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_found.h"
#include "app_window.h"

struct host_ui {
    host_session *s;
    app_window *w;           /* NULL while hidden (host_ui_hide) */
    pthread_mutex_t frame_lock; /* w against the capture thread's frame hook */
    char program[64], title[160];
    int n_players;
    host_frame_hook hook;
    host_config cfg; /* the session's, as last read by get_boxes (app_window serialises the callbacks) */
    host_config now; /* the session's, as last read by host_ui_update (the control loop) */
};

/* The label a player is shown with: its label or name, and its instrument
 * (or dictionary file) when that says something more ("" otherwise). */
static void player_label(const host_player *p, char *name, char *instrument)
{
    snprintf(name, APP_WINDOW_NAME_LEN, "%s", p->label[0] ? p->label : p->name);
    if (p->instrument[0]) {
        snprintf(instrument, APP_WINDOW_NAME_LEN, "%s", p->instrument);
    } else if (p->dictionary[0]) {
        const char *base = strrchr(p->dictionary, '/');
        snprintf(instrument, APP_WINDOW_NAME_LEN, "%.31s", base ? base + 1 : p->dictionary); /* a label: cut is fine */
    } else {
        snprintf(instrument, APP_WINDOW_NAME_LEN, "%s", p->name); /* the instrument defaults to the name */
    }
    if (!strcmp(instrument, name))
        instrument[0] = '\0';
}

/* ---- app_window_host: a box goes through the command path OSC uses ---- */

static int set_box(void *user, int player, const camsep_box *box, char *err, size_t errlen)
{
    host_ui *u = user;
    host_command c = {.type = HOST_CMD_BOX, .stem = player, .box = *box};
    return host_session_command(u->s, &c, err, errlen) != 0 ? -1 : 0;
}

static void get_boxes(void *user, camsep_box *boxes, int n)
{
    host_ui *u = user;
    host_session_get_config(u->s, &u->cfg);
    for (int j = 0; j < n && j < u->cfg.n_players; j++)
        if (u->cfg.players[j].has_box)
            boxes[j] = u->cfg.players[j].box;
}

static void get_label(void *user, int player, char *name, char *instrument)
{
    host_ui *u = user;
    if (player < u->cfg.n_players)
        player_label(&u->cfg.players[player], name, instrument);
}

/* The window's sound-check keys: s starts one (the camera says who plays)
 * or, while one records, stops it and learns; x cancels it. a accepts the
 * players' proposal (the boxes exchanged), under OSC's rules. f looks for
 * the players in the picture, b / B use the boxes found (app_found.h). */
static void on_key(void *user, int ch, char *msg, size_t msglen)
{
    host_ui *u = user;
    char err[512] = "";
    host_sc_status st;
    if (ch == 'f' || ch == 'b' || ch == 'B') {
        const int rc = ch == 'f' ? host_session_find_players(u->s, u->n_players, APP_FOUND_SECONDS, err, sizeof err)
                                 : host_session_found_apply(u->s, ch == 'B', err, sizeof err);
        if (rc)
            snprintf(msg, msglen, "players: %s", err);
        else if (ch == 'f')
            snprintf(msg, msglen, "players: looking for %d over %.0f s", u->n_players, APP_FOUND_SECONDS);
        else
            snprintf(msg, msglen, "players: the boxes found are in use");
        return;
    }
    if (ch == 'a') {
        if (host_session_associate_apply(u->s, 0, err, sizeof err))
            snprintf(msg, msglen, "players: %s", err);
        else
            snprintf(msg, msglen, "players: boxes exchanged as proposed");
        return;
    }
    if (ch != 's' && ch != 'x')
        return;
    host_session_soundcheck_status(u->s, &st);
    int rc;
    if (ch == 'x')
        rc = host_session_soundcheck_cancel(u->s, err, sizeof err);
    else if (st.state == HOST_SC_RECORDING)
        rc = host_session_soundcheck_stop(u->s, err, sizeof err);
    else
        rc = host_session_soundcheck_start(u->s, -1, 0.0, err, sizeof err);
    snprintf(msg, msglen, "sound check: %s", rc ? err : ch == 'x' ? "cancelled" : st.state == HOST_SC_RECORDING
                                                                                   ? "stopped, learning"
                                                                                   : "recording");
}

/* The status line's sound-check item: the visible control (its keys) and
 * where it stands. */
/* printf onto the end of out[size], used bytes so far; stops quietly when full. */
__attribute__((format(printf, 4, 5))) static void append(char *out, size_t size, size_t *used, const char *fmt, ...)
{
    if (*used >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    const int k = vsnprintf(out + *used, size - *used, fmt, ap);
    va_end(ap);
    *used += k > 0 ? (size_t)k : 0;
}

static void soundcheck_item(host_session *s, int n_players, char *out, size_t size)
{
    host_sc_status st;
    host_session_soundcheck_status(s, &st);
    size_t used = 0;
    switch (st.state) {
    case HOST_SC_RECORDING:
        append(out, size, &used, "SOUND CHECK %.1f s", st.seconds);
        if (st.player >= 0)
            append(out, size, &used, " player %d alone", st.player + 1);
        append(out, size, &used, " alone");
        for (int j = 0; j < n_players && j < st.n_players; j++)
            append(out, size, &used, " %.1f", st.alone_s[j]);
        append(out, size, &used, " together");
        for (int j = 0; j < n_players && j < st.n_players; j++)
            append(out, size, &used, " %.1f", st.together_s[j]);
        append(out, size, &used, " [s: stop, x: cancel]");
        break;
    case HOST_SC_LEARNING: append(out, size, &used, "SOUND CHECK learning %.0f %% [x: cancel]", 100.0 * st.progress); break;
    case HOST_SC_DONE: append(out, size, &used, "sound check done [s: again]"); break;
    case HOST_SC_FAILED: append(out, size, &used, "sound check failed: %.120s [s: again]", st.message); break;
    case HOST_SC_CANCELLED: append(out, size, &used, "sound check cancelled [s: again]"); break;
    default: append(out, size, &used, "[s: sound check]"); break;
    }
}

/* The status line's players item: the proposal when there is one that
 * differs from the boxes' order ("" otherwise). */
static void association_item(host_session *s, const host_config *cfg, char *out, size_t size)
{
    host_assoc_view v;
    host_session_association(s, &v);
    out[0] = '\0';
    if (v.state != HOST_ASSOC_PROPOSED && v.state != HOST_ASSOC_LOW)
        return;
    int identity = 1;
    for (int i = 0; i < v.n_boxes; i++)
        identity &= v.stem_of_box[i] == i;
    if (identity)
        return;
    size_t used = 0;
    append(out, size, &used, "players%s:", v.state == HOST_ASSOC_LOW ? "?" : "");
    for (int i = 0; i < v.n_boxes && i < cfg->n_players; i++) {
        const host_player *p = &cfg->players[v.stem_of_box[i]];
        append(out, size, &used, "%s box %d -> %.24s", i ? "," : "", i + 1, p->label[0] ? p->label : p->name);
    }
    if (v.state == HOST_ASSOC_LOW)
        append(out, size, &used, " (confidence %.1f of %.1f, low: %.48s)", (double)v.confidence, (double)v.needed,
               v.reason);
    else
        append(out, size, &used, " (confidence %.1f) [a: accept]", (double)v.confidence);
}

/* Capture thread: a camera frame into the window. */
static void on_frame(void *user, const camsep_frame *f)
{
    host_ui *u = user;
    pthread_mutex_lock(&u->frame_lock);
    if (u->w)
        app_window_push_frame(u->w, f);
    pthread_mutex_unlock(&u->frame_lock);
}

static app_window *open_window(host_ui *u, char *err, size_t errlen)
{
    const app_window_host host = {set_box, get_boxes, get_label, u, on_key};
    return app_window_open(u->program, u->title, u->n_players > 0 ? u->n_players : 1, &host, err, errlen);
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
    host_session_get_config(s, &u->cfg);
    u->n_players = u->cfg.n_players < CAMSEP_MAX_SOURCES ? u->cfg.n_players : CAMSEP_MAX_SOURCES;
    snprintf(u->program, sizeof u->program, "%s", program);
    if (name && *name)
        snprintf(u->title, sizeof u->title, "%s: %s", program, name);
    else
        snprintf(u->title, sizeof u->title, "%s", program);
    u->w = open_window(u, err, errlen);
    if (!u->w) {
        free(u);
        return NULL;
    }
    pthread_mutex_init(&u->frame_lock, NULL);
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

/* With a camera (own or remote): the weight the engine gives each player's
 * camera prior, the split, the share, the rest gate, the players the camera
 * cannot see and the camera's offset the gate is measured by (NaN: not
 * measured yet). */
static void camera_items(camsep_ui_status *st, const host_meters *m, int n_players)
{
    st->n_trust = n_players < CAMSEP_UI_MAX_PLAYERS ? n_players : CAMSEP_UI_MAX_PLAYERS;
    st->n_gate = st->n_trust;
    for (int j = 0; j < st->n_trust; j++) {
        st->trust[j] = m->trust[j];
        st->split[j] = m->split[j];
        st->share[j] = m->share[j];
        st->gate[j] = m->gate[j];
    }
    st->camera_offset_s = m->camera_offset;
    st->hidden = m->held;
}

int host_ui_update(host_ui *u, uint64_t xruns)
{
    if (!u || !u->w)
        return 0;
    if (app_window_due(u->w)) {
        host_meters m;
        host_session_meters(u->s, &m);
        float motion[CAMSEP_MAX_SOURCES], level[CAMSEP_MAX_SOURCES];
        for (int j = 0; j < u->n_players; j++) {
            motion[j] = m.motion[j];
            level[j] = m.level[j] > 0.0f ? 20.0f * log10f(m.level[j]) : -INFINITY;
        }
        camsep_ui_status st = {NULL, -1.0, -1.0, -1, -1.0, -1.0, 0, {0}, {0}, NULL, 0, {0}, NAN, 0, {0}};
        int state, w, h;
        double fps;
        if (host_session_camera(u->s, &state, &fps, &w, &h) == 0) {
            st.camera = camera_state_name(state);
            st.camera_fps = fps;
            float gu, gv, magnitude;
            if (host_session_camera_motion(u->s, &gu, &gv, &magnitude) == 0)
                st.camera_motion_px = magnitude;
            camera_items(&st, &m, u->n_players);
        } else {
            st.camera = "none";
        }
        /* priors from a camera on another machine (host_remote.c) */
        host_remote_status rs;
        host_session_get_remote_status(u->s, &rs);
        char remote[96] = "";
        if (rs.enabled) {
            snprintf(remote, sizeof remote, "remote %d sender%s, gaps %llu late %llu", rs.senders,
                     rs.senders == 1 ? "" : "s", (unsigned long long)rs.gaps,
                     (unsigned long long)(rs.late + rs.duplicates));
            if (rs.senders) {
                st.camera = "remote";
                camera_items(&st, &m, u->n_players);
            }
        }
        st.dsp_load = m.dsp_load;
        st.xruns = (long long)xruns;
        st.latency_ms = 1000.0 * host_session_latency(u->s) / host_session_rate(u->s);
        char soundcheck[256], players[200], found_item[200] = "", extra[780];
        soundcheck_item(u->s, u->n_players, soundcheck, sizeof soundcheck);
        host_session_get_config(u->s, &u->now);
        association_item(u->s, &u->now, players, sizeof players);
        camsep_capture_proposal found;
        if (host_session_found_players(u->s, &found) == 0) { /* an own camera */
            camsep_box boxes[CAMSEP_MAX_SOURCES];
            for (int j = 0; j < u->n_players; j++)
                boxes[j] = u->now.players[j].box;
            app_found_item(&found, boxes, u->n_players, found_item, sizeof found_item);
            app_window_show_found(u->w, found.box, found.confidence, app_found_shown(&found, boxes, u->n_players));
        }
        snprintf(extra, sizeof extra, "%s%s%s%s%s%s%s", remote, remote[0] ? " | " : "", players,
                 players[0] ? " | " : "", found_item, found_item[0] ? " | " : "", soundcheck);
        st.extra = extra;
        app_window_show_info(u->w, motion, level, &st);
    }
    return app_window_closed(u->w);
}

void host_ui_stop(host_ui *u)
{
    if (u)
        app_window_stop(u->w);
}

int host_ui_shown(const host_ui *u) { return u && u->w; }

void host_ui_hide(host_ui *u)
{
    if (!u || !u->w)
        return;
    app_window *w = u->w;
    app_window_stop(w); /* no window callback into the session from here on */
    pthread_mutex_lock(&u->frame_lock);
    u->w = NULL; /* the frame hook stays, and does nothing */
    pthread_mutex_unlock(&u->frame_lock);
    app_window_close(w);
}

int host_ui_show(host_ui *u, char *err, size_t errlen)
{
    if (!u)
        return -1;
    if (u->w)
        return 0;
    app_window *w = open_window(u, err, errlen);
    if (!w)
        return -1;
    pthread_mutex_lock(&u->frame_lock);
    u->w = w;
    pthread_mutex_unlock(&u->frame_lock);
    host_ui_update(u, 0);
    return 0;
}

void host_ui_close(host_ui *u)
{
    if (!u)
        return;
    app_window_close(u->w);
    pthread_mutex_destroy(&u->frame_lock);
    free(u);
}
