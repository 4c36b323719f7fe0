/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Subscriptions and feedback: "state" subscribers get every state address
 * whose value changed between two snapshots (and all of them when they
 * subscribe); "meters" subscribers get /player/N/meters and
 * /status/dsp_load at their rate. Leases expire unless renewed.
 * Server thread only.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osc_args.h"
#include "osc_internal.h"

int camsep_osc_fb_init(camsep_osc_feedback *fb, int cap, float poll_hz)
{
    memset(fb, 0, sizeof *fb);
    fb->subs = calloc((size_t)cap, sizeof *fb->subs);
    if (!fb->subs)
        return -1;
    fb->cap = cap;
    fb->poll_interval = 1.0 / (double)poll_hz;
    return 0;
}

static void sub_clear(camsep_osc_sub *s)
{
    if (s->peer.proto == LO_UDP && s->peer.addr)
        lo_address_free(s->peer.addr);
    memset(s, 0, sizeof *s);
}

void camsep_osc_fb_free(camsep_osc_feedback *fb)
{
    for (int i = 0; i < fb->cap; i++)
        if (fb->subs[i].used)
            sub_clear(&fb->subs[i]);
    free(fb->subs);
    fb->subs = NULL;
}

static void recount(camsep_osc *o)
{
    camsep_osc_feedback *fb = &o->fb;
    int total = 0;
    fb->n_state = fb->n_meters = 0;
    for (int i = 0; i < fb->cap; i++) {
        if (!fb->subs[i].used)
            continue;
        total++;
        if (fb->subs[i].what == CAMSEP_OSC_SUB_STATE)
            fb->n_state++;
        else
            fb->n_meters++;
    }
    atomic_store_explicit(&o->n.subscriptions, (uint_fast64_t)total, memory_order_relaxed);
}

int camsep_osc_fb_subscribe(camsep_osc *o, const camsep_osc_peer *peer, int what, float rate_hz, float lease_s)
{
    camsep_osc_feedback *fb = &o->fb;
    double now = camsep_osc_now();
    camsep_osc_sub *free_slot = NULL;
    for (int i = 0; i < fb->cap; i++) {
        camsep_osc_sub *s = &fb->subs[i];
        if (!s->used) {
            if (!free_slot)
                free_slot = s;
            continue;
        }
        if (s->what == what && camsep_osc_peer_equal(&s->peer, peer)) { /* renewal */
            s->expires = now + lease_s;
            if (what == CAMSEP_OSC_SUB_METERS && s->rate_hz != rate_hz) {
                s->rate_hz = rate_hz;
                s->next_meter = now;
            }
            return 0;
        }
    }
    if (!free_slot)
        return -1;
    camsep_osc_sub *s = free_slot;
    memset(s, 0, sizeof *s);
    s->peer = *peer;
    s->peer.addr = NULL;
    if (peer->proto == LO_UDP) {
        s->peer.addr = lo_address_new_with_proto(LO_UDP, peer->host, peer->port);
        if (!s->peer.addr)
            return -1;
    }
    s->used = 1;
    s->what = what;
    s->rate_hz = rate_hz;
    s->expires = now + lease_s;
    s->next_meter = now;
    s->needs_dump = what == CAMSEP_OSC_SUB_STATE;
    recount(o);
    /* answer at once */
    fb->next_poll = now;
    atomic_store_explicit(&o->notified, 1, memory_order_relaxed);
    return 0;
}

int camsep_osc_add_target(camsep_osc *o, const char *url, int state, float meter_rate_hz)
{
    if (!o || !url || o->thread_started || (!state && !(meter_rate_hz > 0.0f)))
        return -1;
    if (meter_rate_hz > 0.0f && (meter_rate_hz < CAMSEP_OSC_METER_RATE_MIN || meter_rate_hz > CAMSEP_OSC_METER_RATE_MAX))
        return -1;
    lo_address a = lo_address_new_from_url(url);
    if (!a)
        return -1;
    camsep_osc_peer peer;
    memset(&peer, 0, sizeof peer);
    peer.proto = lo_address_get_protocol(a);
    peer.conn = -1;
    const char *h = lo_address_get_hostname(a), *p = lo_address_get_port(a);
    int ok = peer.proto == LO_UDP && h && p;
    if (ok) {
        snprintf(peer.host, sizeof peer.host, "%s", h);
        snprintf(peer.port, sizeof peer.port, "%s", p);
    }
    lo_address_free(a);
    if (!ok)
        return -1;
    if (state && camsep_osc_fb_subscribe(o, &peer, CAMSEP_OSC_SUB_STATE, 0.0f, INFINITY) != 0)
        return -1;
    if (meter_rate_hz > 0.0f && camsep_osc_fb_subscribe(o, &peer, CAMSEP_OSC_SUB_METERS, meter_rate_hz, INFINITY) != 0)
        return -1;
    return 0;
}

int camsep_osc_fb_unsubscribe(camsep_osc *o, const camsep_osc_peer *peer, int what)
{
    int n = 0;
    for (int i = 0; i < o->fb.cap; i++) {
        camsep_osc_sub *s = &o->fb.subs[i];
        if (s->used && (s->what & what) && camsep_osc_peer_equal(&s->peer, peer)) {
            sub_clear(s);
            n++;
        }
    }
    recount(o);
    return n;
}

void camsep_osc_fb_drop_conn(camsep_osc *o, int conn, unsigned gen)
{
    for (int i = 0; i < o->fb.cap; i++) {
        camsep_osc_sub *s = &o->fb.subs[i];
        if (s->used && s->peer.proto == LO_TCP && s->peer.conn == conn && s->peer.conn_gen == gen)
            sub_clear(s);
    }
    recount(o);
}

static void send_sub_list_entry(camsep_osc *o, const camsep_osc_peer *peer, const char *what, float rate, float left)
{
    char path[160];
    snprintf(path, sizeof path, "%s/subscribe", o->prefix);
    lo_message m = lo_message_new();
    if (!m)
        return;
    lo_message_add_string(m, what);
    lo_message_add_float(m, rate);
    lo_message_add_float(m, left);
    CAMSEP_OSC_COUNT(o, replies_sent); /* before: a client may read the counters on the reply */
    if (camsep_osc_send_peer(o, peer, path, m) != 0)
        CAMSEP_OSC_COUNT(o, send_failures);
    lo_message_free(m);
}

void camsep_osc_fb_list(camsep_osc *o, const camsep_osc_peer *peer)
{
    double now = camsep_osc_now();
    int n = 0;
    for (int i = 0; i < o->fb.cap; i++) {
        camsep_osc_sub *s = &o->fb.subs[i];
        if (s->used && camsep_osc_peer_equal(&s->peer, peer)) {
            double left = s->expires - now;
            send_sub_list_entry(o, peer, s->what == CAMSEP_OSC_SUB_STATE ? "state" : "meters", s->rate_hz,
                                left > 0.0 ? (float)left : 0.0f);
            n++;
        }
    }
    if (n == 0)
        send_sub_list_entry(o, peer, "none", 0.0f, 0.0f);
}

static void send_value(camsep_osc *o, camsep_osc_sub *s, const camsep_osc_entry *e, int player,
                       const camsep_osc_value *v)
{
    char path[160];
    if (camsep_osc_format_path(path, sizeof path, o->prefix, e, player) < 0)
        return;
    lo_message m = camsep_osc_value_message(v);
    if (!m)
        return;
    CAMSEP_OSC_COUNT(o, feedback_sent); /* before: a client may read the counters on the reply */
    if (camsep_osc_send_peer(o, &s->peer, path, m) != 0)
        CAMSEP_OSC_COUNT(o, send_failures);
    lo_message_free(m);
}

/* Players an entry applies to in this snapshot. */
static int entry_players(const camsep_osc_entry *e, const camsep_osc_state *st)
{
    if (!(e->flags & CAMSEP_OSC_F_PLAYER))
        return 1;
    int n = st->n_players;
    return n < 0 ? 0 : n > CAMSEP_OSC_MAX_PLAYERS ? CAMSEP_OSC_MAX_PLAYERS : n;
}

static void state_feedback(camsep_osc *o, const camsep_osc_state *st)
{
    camsep_osc_feedback *fb = &o->fb;
    int n;
    const camsep_osc_entry *t = camsep_osc_table(&n);
    camsep_osc_value v;
    for (int i = 0; i < n; i++) {
        const camsep_osc_entry *e = &t[i];
        if (!(e->flags & CAMSEP_OSC_F_STATE) || (o->cfg.camera_only && (e->flags & CAMSEP_OSC_F_AUDIO)))
            continue;
        int np = entry_players(e, st);
        for (int p = 0; p < np; p++) {
            if (camsep_osc_entry_value(e, st, (e->flags & CAMSEP_OSC_F_PLAYER) ? p : -1, &v) != 0)
                continue;
            int changed = !fb->have_last[e->id][p] || !camsep_osc_value_equal(&fb->last[e->id][p], &v);
            for (int k = 0; k < fb->cap; k++) {
                camsep_osc_sub *s = &fb->subs[k];
                if (s->used && s->what == CAMSEP_OSC_SUB_STATE && (changed || s->needs_dump))
                    send_value(o, s, e, p, &v);
            }
            fb->last[e->id][p] = v;
            fb->have_last[e->id][p] = 1;
        }
        /* a player that went away is new again when it comes back */
        for (int p = np; p < CAMSEP_OSC_MAX_PLAYERS; p++)
            fb->have_last[e->id][p] = 0;
    }
    for (int k = 0; k < fb->cap; k++)
        fb->subs[k].needs_dump = 0;
}

static void meter_feedback(camsep_osc *o, camsep_osc_sub *s, const camsep_osc_state *st)
{
    int n;
    const camsep_osc_entry *t = camsep_osc_table(&n);
    camsep_osc_value v;
    for (int i = 0; i < n; i++) {
        const camsep_osc_entry *e = &t[i];
        if (!(e->flags & CAMSEP_OSC_F_METER) || (o->cfg.camera_only && (e->flags & CAMSEP_OSC_F_AUDIO)))
            continue;
        int np = entry_players(e, st);
        for (int p = 0; p < np; p++)
            if (camsep_osc_entry_value(e, st, (e->flags & CAMSEP_OSC_F_PLAYER) ? p : -1, &v) == 0)
                send_value(o, s, e, p, &v);
    }
}

double camsep_osc_fb_tick(camsep_osc *o, double now)
{
    camsep_osc_feedback *fb = &o->fb;
    double next = now + 1.0;
    int expired = 0;
    for (int k = 0; k < fb->cap; k++) {
        camsep_osc_sub *s = &fb->subs[k];
        if (s->used && now >= s->expires) {
            sub_clear(s);
            CAMSEP_OSC_COUNT(o, subscriptions_expired);
            expired = 1;
        }
    }
    if (expired)
        recount(o);

    int have_state = 0;
    int notified = atomic_exchange_explicit(&o->notified, 0, memory_order_relaxed);
    if (fb->n_state > 0) {
        if (now >= fb->next_poll || notified) {
            camsep_osc_snapshot(o, &o->state);
            have_state = 1;
            state_feedback(o, &o->state);
            fb->next_poll = now + fb->poll_interval;
        }
        if (fb->next_poll < next)
            next = fb->next_poll;
    } else {
        /* nobody listens: start from a fresh snapshot when someone does */
        memset(fb->have_last, 0, sizeof fb->have_last);
    }
    for (int k = 0; k < fb->cap; k++) {
        camsep_osc_sub *s = &fb->subs[k];
        if (!s->used)
            continue;
        if (s->what == CAMSEP_OSC_SUB_METERS && now >= s->next_meter) {
            if (!have_state) {
                camsep_osc_snapshot(o, &o->state);
                have_state = 1;
            }
            meter_feedback(o, s, &o->state);
            double period = 1.0 / (double)s->rate_hz;
            s->next_meter += period;
            if (s->next_meter < now) /* fell behind: do not burst to catch up */
                s->next_meter = now + period;
        }
        if (s->what == CAMSEP_OSC_SUB_METERS && s->next_meter < next)
            next = s->next_meter;
        if (s->expires < next)
            next = s->expires;
    }
    return next;
}
