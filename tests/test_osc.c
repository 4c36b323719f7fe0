/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * plugin/osc: the OSC control surface embedded in a fake host, driven by
 * liblo clients over UDP and TCP: every documented address set and queried,
 * console-style arguments, bundles, rejections with error replies and
 * counters, subscriptions (state, meters at a rate, lease expiry, renewal),
 * rate limiting, oversized packets, and the address table against the doc.
 *
 *   test_osc                       run the tests
 *   test_osc --serve PORTFILE [--target URL] [--seconds S]
 *                                  serve the fake host (for test_osc_tools.sh):
 *                                  writes the port to PORTFILE, prints each
 *                                  command on stdout
 */
#define _POSIX_C_SOURCE 200809L

#include <lo/lo.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "osc_args.h"
#include "osc_control.h"
#include "osc_table.h"

/* ---- the fake host ---- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER; /* over every fake state */
static camsep_osc_state fstate; /* the main server's; the timed tests each have their own */
static camsep_osc_command last_cmd;
static int n_cmds;
static int queue_full;
static int print_cmds;

/* The fake host's state at the start (each server has one: its user pointer). */
static void fake_init(camsep_osc_state *st)
{
    memset(st, 0, sizeof *st);
    st->n_players = 4;
    for (int p = 0; p < 4; p++) {
        camsep_osc_player_state *ps = &st->players[p];
        snprintf(ps->name, sizeof ps->name, "player %d", p + 1);
        snprintf(ps->instrument, sizeof ps->instrument, "%s", p % 2 ? "cello" : "violin");
        ps->gain_db = -3.0f * (float)p;
        ps->box = (camsep_osc_box){0.25f * (float)p, 0.1f, 0.2f, 0.5f};
        ps->level_db = -20.0f - (float)p;
        ps->motion = 0.1f * (float)p;
        ps->activation = 2.0f + (float)p;
        ps->trust = 0.25f * (float)p + 0.125f;
        ps->agreement = 0.5f - 0.25f * (float)p;
        ps->split = p == 1 ? 2.0f : 0.3f * (float)p; /* out of range: clamped */
        ps->share = p == 1 ? 1.5f : p == 3 ? -0.25f : 0.1f * (float)p; /* 1.5, -0.25: clamped */
        ps->gate = p == 2 ? 0.001f : p == 1 ? 1.5f : 1.0f; /* 1.5: clamped to 1 */
    }
    st->players[3].level_db = -INFINITY;
    st->players[3].agreement = NAN; /* not known yet */
    st->players[3].gate = NAN;      /* unknown: open */
    st->players[0].share = NAN;     /* unknown: left to the audio */
    st->players[2].hidden = 7;      /* any non-zero: 1 */
    st->prior_strength = 0.3f;
    st->mask_power = 2.0f;
    st->camera_latency_s = 0.08f;
    st->motion_knee = 0.5f;
    st->xruns = 2;
    snprintf(st->camera_state, sizeof st->camera_state, "running");
    st->camera_fps = 30.0f;
    st->camera_motion_u = 1.25f;
    st->camera_motion_v = -0.5f;
    st->camera_offset_s = 0.04f;
    st->camera_offset_corr = 0.625f;
    st->dsp_load = 0.25f;
    st->latency_s = 1024.0f / 48000.0f;
    st->latency_samples = 1024;
    snprintf(st->remote_state, sizeof st->remote_state, "receiving");
    const uint64_t remote[5] = {2, 1500, 12, 3, 1};
    memcpy(st->remote, remote, sizeof remote);
}

static void fake_reset(void)
{
    pthread_mutex_lock(&mu);
    fake_init(&fstate);
    n_cmds = 0;
    queue_full = 0;
    pthread_mutex_unlock(&mu);
}

static void copy(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void apply(camsep_osc_state *st, const camsep_osc_command *c)
{
    camsep_osc_player_state *p = c->player >= 0 ? &st->players[c->player] : NULL;
    switch (c->kind) {
    case CAMSEP_OSC_CMD_PLAYER_GAIN: p->gain_db = c->value; break;
    case CAMSEP_OSC_CMD_PLAYER_MUTE: p->mute = c->flag; break;
    case CAMSEP_OSC_CMD_PLAYER_SOLO: p->solo = c->flag; break;
    case CAMSEP_OSC_CMD_PLAYER_BOX: p->box = c->box; break;
    case CAMSEP_OSC_CMD_PLAYER_INSTRUMENT:
        copy(p->instrument, sizeof p->instrument, c->text);
        p->dictionary[0] = '\0';
        break;
    case CAMSEP_OSC_CMD_PLAYER_DICTIONARY:
        snprintf(p->dictionary, sizeof p->dictionary, "%s", c->text);
        p->instrument[0] = '\0';
        break;
    case CAMSEP_OSC_CMD_PLAYER_NAME: copy(p->name, sizeof p->name, c->text); break;
    case CAMSEP_OSC_CMD_BYPASS: st->bypass = c->flag; break;
    case CAMSEP_OSC_CMD_PRIOR_STRENGTH: st->prior_strength = c->value; break;
    case CAMSEP_OSC_CMD_MASK_POWER: st->mask_power = c->value; break;
    case CAMSEP_OSC_CMD_CAMERA_LATENCY: st->camera_latency_s = c->value; break;
    case CAMSEP_OSC_CMD_MOTION_KNEE: st->motion_knee = c->value; break;
    case CAMSEP_OSC_CMD_PRESET_RECALL:
    case CAMSEP_OSC_CMD_PRESET_STORE:
        st->preset_index = c->index;
        copy(st->preset_name, sizeof st->preset_name, c->index ? "" : c->text);
        break;
    case CAMSEP_OSC_CMD_SOUNDCHECK_START:
        copy(st->soundcheck_state, sizeof st->soundcheck_state, "recording");
        st->soundcheck_player = c->index;
        break;
    case CAMSEP_OSC_CMD_SOUNDCHECK_STOP:
        copy(st->soundcheck_state, sizeof st->soundcheck_state, "learning");
        break;
    case CAMSEP_OSC_CMD_SOUNDCHECK_CANCEL:
        copy(st->soundcheck_state, sizeof st->soundcheck_state, "cancelled");
        break;
    case CAMSEP_OSC_CMD_ASSOCIATE_APPLY:
        copy(st->associate_state, sizeof st->associate_state, c->flag ? "applied (forced)" : "applied");
        break;
    case CAMSEP_OSC_CMD_PLAYERS_FIND:
        copy(st->found_state, sizeof st->found_state, "looking");
        st->found_progress = 0.0f;
        st->found_n = 0;
        snprintf(st->found_message, sizeof st->found_message, "looking for %d players over %g s", c->index,
                 (double)c->value);
        for (int j = 0; j < CAMSEP_OSC_MAX_PLAYERS; j++) {
            st->players[j].found_box = (camsep_osc_box){0};
            st->players[j].found_share = 0.0f;
        }
        break;
    case CAMSEP_OSC_CMD_PLAYERS_FIND_CANCEL:
        copy(st->found_state, sizeof st->found_state, "idle");
        copy(st->found_message, sizeof st->found_message, "cancelled");
        st->found_n = 0;
        break;
    case CAMSEP_OSC_CMD_PLAYERS_FOUND_APPLY:
        for (int j = 0; j < st->found_n && j < st->n_players; j++)
            st->players[j].box = st->players[j].found_box;
        break;
    }
}

static int fake_submit(const camsep_osc_command *c, void *user)
{
    camsep_osc_state *st = user;
    pthread_mutex_lock(&mu);
    if (queue_full) {
        pthread_mutex_unlock(&mu);
        return -1;
    }
    CHECK(c->player >= -1 && c->player < st->n_players);
    last_cmd = *c;
    n_cmds++;
    apply(st, c);
    if (print_cmds) {
        printf("cmd %d player %d value %.4f flag %d index %d box %.3f %.3f %.3f %.3f text '%s'\n", (int)c->kind,
               c->player, (double)c->value, c->flag, c->index, (double)c->box.x, (double)c->box.y, (double)c->box.w,
               (double)c->box.h, c->text);
        fflush(stdout);
    }
    pthread_mutex_unlock(&mu);
    return 0;
}

static void fake_get_state(camsep_osc_state *out, void *user)
{
    pthread_mutex_lock(&mu);
    *out = *(const camsep_osc_state *)user;
    pthread_mutex_unlock(&mu);
}

static int cmds(void)
{
    pthread_mutex_lock(&mu);
    int n = n_cmds;
    pthread_mutex_unlock(&mu);
    return n;
}

static camsep_osc_command get_last(void)
{
    pthread_mutex_lock(&mu);
    camsep_osc_command c = last_cmd;
    pthread_mutex_unlock(&mu);
    return c;
}

static const char *const instruments[] = {"violin", "cello", "flute", "other"};

static camsep_osc *server(camsep_osc_state *st, float rate_hz, float burst)
{
    camsep_osc_config cfg;
    camsep_osc_config_default(&cfg);
    cfg.port = "0";
    cfg.rate_limit_hz = rate_hz;
    cfg.rate_burst = burst;
    cfg.instruments = instruments;
    cfg.n_instruments = 4;
    cfg.state_poll_hz = 50.0f;
    camsep_osc_host host = {fake_submit, fake_get_state, st, NULL};
    char err[256];
    camsep_osc *o = camsep_osc_create(&cfg, &host, err, sizeof err);
    CHECK_MSG(o != NULL, "%s", err);
    CHECK(camsep_osc_start(o) == 0);
    return o;
}

/* ---- a liblo client ---- */

typedef struct rmsg {
    char path[256];
    char types[16];
    float f[8];
    int i[6];
    char s[2][300];
} rmsg;

typedef struct client {
    lo_server srv;
    lo_address to;
    int proto;
    rmsg *q;
    int n;
} client;

#define QCAP 8192

static int on_reply(const char *path, const char *types, lo_arg **argv, int argc, lo_message m, void *user)
{
    (void)m;
    client *c = user;
    if (c->n >= QCAP)
        return 0;
    rmsg *r = &c->q[c->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "%s", path);
    snprintf(r->types, sizeof r->types, "%s", types);
    int nf = 0, ni = 0, ns = 0;
    for (int k = 0; k < argc && k < 15; k++) {
        const void *a = argv[k]; /* 4-byte aligned: read bytes, not the lo_arg union */
        if (types[k] == 'f' && nf < 8)
            memcpy(&r->f[nf++], a, sizeof(float));
        else if (types[k] == 'i' && ni < 6)
            memcpy(&r->i[ni++], a, sizeof(int32_t));
        else if (types[k] == 's' && ns < 2)
            snprintf(r->s[ns++], sizeof r->s[0], "%s", (const char *)a);
    }
    return 0;
}

static void client_open(client *c, int proto, int port)
{
    char ps[16];
    memset(c, 0, sizeof *c);
    snprintf(ps, sizeof ps, "%d", port);
    c->proto = proto;
    c->srv = lo_server_new_with_proto(NULL, proto, NULL);
    CHECK(c->srv != NULL);
    lo_server_add_method(c->srv, NULL, NULL, on_reply, c);
    c->to = lo_address_new_with_proto(proto, "127.0.0.1", ps);
    CHECK(c->to != NULL);
    c->q = calloc(QCAP, sizeof *c->q);
    CHECK(c->q != NULL);
}

static void client_close(client *c)
{
    lo_address_free(c->to);
    lo_server_free(c->srv);
    free(c->q);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void pump(client *c, double seconds)
{
    double end = now_s() + seconds;
    for (double t = now_s(); t < end; t = now_s()) {
        int ms = (int)((end - t) * 1000.0) + 1;
        lo_server_recv_noblock(c->srv, ms > 50 ? 50 : ms);
    }
}

/* Waits for a message to path; returns it (and drops it and everything before it). */
static rmsg *wait_for(client *c, const char *path, double timeout, rmsg *out)
{
    double end = now_s() + timeout;
    for (;;) {
        for (int k = 0; k < c->n; k++) {
            if (strcmp(c->q[k].path, path) == 0) {
                *out = c->q[k];
                memmove(c->q, c->q + k + 1, (size_t)(c->n - k - 1) * sizeof *c->q);
                c->n -= k + 1;
                return out;
            }
        }
        if (now_s() > end)
            return NULL;
        lo_server_recv_noblock(c->srv, 20);
    }
}

static int count_path(const client *c, const char *path)
{
    int n = 0;
    for (int k = 0; k < c->n; k++)
        n += strcmp(c->q[k].path, path) == 0;
    return n;
}

/* Waits until the server has expired more than n subscriptions; 1, or 0 after timeout. */
static int wait_expired(camsep_osc *o, client *c, uint64_t n, double timeout)
{
    double end = now_s() + timeout;
    for (;;) {
        camsep_osc_counters k;
        camsep_osc_get_counters(o, &k);
        if (k.subscriptions_expired > n)
            return 1;
        if (now_s() > end)
            return 0;
        lo_server_recv_noblock(c->srv, 5);
    }
}

/* A message from types and values: f d (double), i (int), h (int64), s, T, F, N, b (size_t size). */
static lo_message vmsg(const char *types, va_list ap)
{
    lo_message m = lo_message_new();
    for (const char *t = types; *t; t++) {
        switch (*t) {
        case 'f': lo_message_add_float(m, (float)va_arg(ap, double)); break;
        case 'd': lo_message_add_double(m, va_arg(ap, double)); break;
        case 'i': lo_message_add_int32(m, va_arg(ap, int)); break;
        case 'h': lo_message_add_int64(m, va_arg(ap, int64_t)); break;
        case 's': lo_message_add_string(m, va_arg(ap, const char *)); break;
        case 'T': lo_message_add_true(m); break;
        case 'F': lo_message_add_false(m); break;
        case 'N': lo_message_add_nil(m); break;
        case 'b': {
            size_t n = va_arg(ap, size_t);
            unsigned char *d = calloc(n ? n : 1, 1);
            lo_blob b = lo_blob_new((int32_t)n, d);
            lo_message_add_blob(m, b);
            lo_blob_free(b);
            free(d);
            break;
        }
        default: CHECK(0);
        }
    }
    return m;
}

static void csend(client *c, const char *path, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    lo_message m = vmsg(types, ap);
    va_end(ap);
    c->n = 0;
    CHECK_MSG(lo_send_message_from(c->to, c->srv, path, m) >= 0, "send %s", path);
    lo_message_free(m);
}

/* A query and its reply: what the server sent c before it has arrived (and is dropped). */
static void sync_replies(client *c)
{
    rmsg r;
    csend(c, "/camsep/status/latency", "");
    CHECK_MSG(wait_for(c, "/camsep/status/latency", 2.0, &r), "no reply to a sync query");
}

static const char *P(const char *fmt, ...)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf[k], sizeof buf[k], fmt, ap);
    va_end(ap);
    return buf[k];
}

/* The reply matches what the table says the fake state holds. */
static void check_value(const rmsg *r, const camsep_osc_entry *e, int player)
{
    camsep_osc_state st;
    camsep_osc_value v;
    fake_get_state(&st, &fstate);
    CHECK(camsep_osc_entry_value(e, &st, player, &v) == 0);
    CHECK_MSG(strcmp(r->types, v.types) == 0, "%s: types %s, expected %s", r->path, r->types, v.types);
    int nf = 0, ni = 0, ns = 0;
    for (const char *t = v.types; *t; t++) {
        if (*t == 'f') {
            CHECK_MSG(r->f[nf] == v.f[nf] || (isnan(r->f[nf]) && isnan(v.f[nf])), "%s: %g != %g", r->path,
                      (double)r->f[nf], (double)v.f[nf]);
            nf++;
        } else if (*t == 'i') {
            CHECK_MSG(r->i[ni] == v.i[ni], "%s: %d != %d", r->path, r->i[ni], v.i[ni]);
            ni++;
        } else {
            const char *want = ns ? v.s2 : v.s;
            CHECK_MSG(strcmp(r->s[ns], want) == 0, "%s: '%s' != '%s'", r->path, r->s[ns], want);
            ns++;
        }
    }
}

static void query(client *c, const char *path, const camsep_osc_entry *e, int player)
{
    rmsg r;
    csend(c, path, "");
    CHECK_MSG(wait_for(c, path, 2.0, &r), "no reply to query %s", path);
    check_value(&r, e, player);
}

/* Sends a set, then a query as a barrier; checks one command arrived. */
static camsep_osc_command set_ok(client *c, const char *path, const char *types, ...)
{
    int before = cmds();
    va_list ap;
    va_start(ap, types);
    lo_message m = vmsg(types, ap);
    va_end(ap);
    c->n = 0;
    CHECK(lo_send_message_from(c->to, c->srv, path, m) >= 0);
    lo_message_free(m);
    rmsg r;
    csend(c, "/camsep/status/xruns", "");
    CHECK_MSG(wait_for(c, "/camsep/status/xruns", 2.0, &r), "no barrier reply after %s", path);
    for (int k = 0; k < c->n; k++)
        CHECK_MSG(strcmp(c->q[k].path, "/camsep/error") != 0, "%s %s rejected: %s", path, types, c->q[k].s[1]);
    CHECK_MSG(cmds() == before + 1, "%s %s: %d commands", path, types, cmds() - before);
    return get_last();
}

static void set_rejected(client *c, const char *why, const char *path, const char *types, ...)
{
    int before = cmds();
    va_list ap;
    va_start(ap, types);
    lo_message m = vmsg(types, ap);
    va_end(ap);
    c->n = 0;
    CHECK(lo_send_message_from(c->to, c->srv, path, m) >= 0);
    lo_message_free(m);
    rmsg r;
    CHECK_MSG(wait_for(c, "/camsep/error", 2.0, &r), "%s %s (%s): no error reply", path, types, why);
    CHECK_MSG(strncmp(r.s[0], path, 200) == 0, "error names %s, not %s", r.s[0], path);
    CHECK(strlen(r.s[1]) > 0);
    CHECK_MSG(cmds() == before, "%s %s (%s) was applied", path, types, why);
}

/* ---- tests ---- */

static const camsep_osc_entry *E(camsep_osc_entry_id id)
{
    return camsep_osc_entry_by_id(id);
}

static void test_sets_and_queries(camsep_osc *o, int proto)
{
    client c;
    client_open(&c, proto, camsep_osc_port(o));
    int seen[CAMSEP_OSC_E_COUNT] = {0};
    camsep_osc_command k;

    for (int p = 0; p < 4; p++) {
        char base[64];
        snprintf(base, sizeof base, "/camsep/player/%d", p + 1);
        /* gain: i f h d T */
        k = set_ok(&c, P("%s/gain", base), "f", -6.5);
        CHECK(k.kind == CAMSEP_OSC_CMD_PLAYER_GAIN && k.player == p && k.value == -6.5f);
        k = set_ok(&c, P("%s/gain", base), "i", -12);
        CHECK(k.value == -12.0f);
        k = set_ok(&c, P("%s/gain", base), "h", (int64_t)6);
        CHECK(k.value == 6.0f);
        k = set_ok(&c, P("%s/gain", base), "d", -60.0);
        CHECK(k.value == -60.0f);
        k = set_ok(&c, P("%s/gain", base), "T");
        CHECK(k.value == 1.0f);
        k = set_ok(&c, P("%s/gain", base), "d", 12.0);
        CHECK(k.value == 12.0f);
        query(&c, P("%s/gain", base), E(CAMSEP_OSC_E_PLAYER_GAIN), p);
        seen[CAMSEP_OSC_E_PLAYER_GAIN] = 1;
        /* gain/norm: the taper */
        k = set_ok(&c, P("%s/gain/norm", base), "f", 0.75);
        CHECK(k.kind == CAMSEP_OSC_CMD_PLAYER_GAIN && fabsf(k.value) < 1e-5f);
        k = set_ok(&c, P("%s/gain/norm", base), "i", 1);
        CHECK(k.value == 12.0f);
        k = set_ok(&c, P("%s/gain/norm", base), "F");
        CHECK(k.value == -60.0f);
        k = set_ok(&c, P("%s/gain/norm", base), "d", 0.25);
        CHECK(fabsf(k.value + 24.0f) < 1e-4f);
        k = set_ok(&c, P("%s/gain/norm", base), "f", 0.5);
        CHECK(fabsf(k.value + 12.0f) < 1e-4f);
        query(&c, P("%s/gain/norm", base), E(CAMSEP_OSC_E_PLAYER_GAIN_NORM), p);
        query(&c, P("%s/gain", base), E(CAMSEP_OSC_E_PLAYER_GAIN), p);
        seen[CAMSEP_OSC_E_PLAYER_GAIN_NORM] = 1;
        /* mute, solo: T F, 0/1, 0.0/1.0, h, d */
        const char *bools[2] = {"mute", "solo"};
        for (int b = 0; b < 2; b++) {
            const char *path = P("%s/%s", base, bools[b]);
            camsep_osc_kind kind = b ? CAMSEP_OSC_CMD_PLAYER_SOLO : CAMSEP_OSC_CMD_PLAYER_MUTE;
            k = set_ok(&c, path, "T");
            CHECK(k.kind == kind && k.player == p && k.flag == 1);
            query(&c, path, E(b ? CAMSEP_OSC_E_PLAYER_SOLO : CAMSEP_OSC_E_PLAYER_MUTE), p);
            k = set_ok(&c, path, "F");
            CHECK(k.flag == 0);
            k = set_ok(&c, path, "i", 1);
            CHECK(k.flag == 1);
            k = set_ok(&c, path, "f", 0.0);
            CHECK(k.flag == 0);
            k = set_ok(&c, path, "f", 1.0);
            CHECK(k.flag == 1);
            k = set_ok(&c, path, "h", (int64_t)0);
            CHECK(k.flag == 0);
            k = set_ok(&c, path, "d", 1.0);
            CHECK(k.flag == 1);
            query(&c, path, E(b ? CAMSEP_OSC_E_PLAYER_SOLO : CAMSEP_OSC_E_PLAYER_MUTE), p);
            set_ok(&c, path, "i", 0);
        }
        seen[CAMSEP_OSC_E_PLAYER_MUTE] = seen[CAMSEP_OSC_E_PLAYER_SOLO] = 1;
        /* box: mixed number types */
        k = set_ok(&c, P("%s/box", base), "ffff", 0.1, 0.2, 0.3, 0.5);
        CHECK(k.kind == CAMSEP_OSC_CMD_PLAYER_BOX && k.box.x == 0.1f && k.box.y == 0.2f && k.box.w == 0.3f &&
              k.box.h == 0.5f);
        k = set_ok(&c, P("%s/box", base), "idhf", 0, 0.5, (int64_t)1, 0.5);
        CHECK(k.box.x == 0.0f && k.box.y == 0.5f && k.box.w == 1.0f && k.box.h == 0.5f);
        query(&c, P("%s/box", base), E(CAMSEP_OSC_E_PLAYER_BOX), p);
        seen[CAMSEP_OSC_E_PLAYER_BOX] = 1;
        /* strings */
        k = set_ok(&c, P("%s/instrument", base), "s", "flute");
        CHECK(k.kind == CAMSEP_OSC_CMD_PLAYER_INSTRUMENT && strcmp(k.text, "flute") == 0);
        query(&c, P("%s/instrument", base), E(CAMSEP_OSC_E_PLAYER_INSTRUMENT), p);
        k = set_ok(&c, P("%s/dictionary", base), "s", "/srv/show/viola é.dict");
        CHECK(k.kind == CAMSEP_OSC_CMD_PLAYER_DICTIONARY && strcmp(k.text, "/srv/show/viola é.dict") == 0);
        query(&c, P("%s/dictionary", base), E(CAMSEP_OSC_E_PLAYER_DICTIONARY), p);
        k = set_ok(&c, P("%s/name", base), "s", "Anna");
        CHECK(k.kind == CAMSEP_OSC_CMD_PLAYER_NAME && strcmp(k.text, "Anna") == 0);
        query(&c, P("%s/name", base), E(CAMSEP_OSC_E_PLAYER_NAME), p);
        seen[CAMSEP_OSC_E_PLAYER_INSTRUMENT] = seen[CAMSEP_OSC_E_PLAYER_DICTIONARY] = 1;
        seen[CAMSEP_OSC_E_PLAYER_NAME] = 1;
        /* trust: read-only, the host's trust and agreement (NaN while unknown) */
        rmsg r;
        csend(&c, P("%s/trust", base), "");
        CHECK_MSG(wait_for(&c, P("%s/trust", base), 2.0, &r), "no reply to %s/trust", base);
        check_value(&r, E(CAMSEP_OSC_E_PLAYER_TRUST), p);
        CHECK_MSG(!strcmp(r.types, "ff") && r.f[0] == 0.25f * (float)p + 0.125f &&
                      (p == 3 ? isnan(r.f[1]) : r.f[1] == 0.5f - 0.25f * (float)p),
                  "%s/trust: %s %g %g", base, r.types, (double)r.f[0], (double)r.f[1]);
        seen[CAMSEP_OSC_E_PLAYER_TRUST] = 1;
        csend(&c, P("%s/split", base), "");
        CHECK_MSG(wait_for(&c, P("%s/split", base), 2.0, &r), "no reply to %s/split", base);
        check_value(&r, E(CAMSEP_OSC_E_PLAYER_SPLIT), p);
        CHECK_MSG(!strcmp(r.types, "f") && r.f[0] == (p == 1 ? 1.0f : 0.3f * (float)p), "%s/split: %s %g", base,
                  r.types, (double)r.f[0]);
        seen[CAMSEP_OSC_E_PLAYER_SPLIT] = 1;
        /* the share moved towards the graded motion: read-only, 0..1, 0 when unknown */
        csend(&c, P("%s/share", base), "");
        CHECK_MSG(wait_for(&c, P("%s/share", base), 2.0, &r), "no reply to %s/share", base);
        check_value(&r, E(CAMSEP_OSC_E_PLAYER_SHARE), p);
        CHECK_MSG(!strcmp(r.types, "f") && r.f[0] == (p == 1   ? 1.0f
                                                      : p == 2 ? 0.2f
                                                               : 0.0f),
                  "%s/share: %s %g", base, r.types, (double)r.f[0]);
        seen[CAMSEP_OSC_E_PLAYER_SHARE] = 1;
        /* the rest gate's gain: read-only, 0..1, 1 (open) when unknown */
        csend(&c, P("%s/gate", base), "");
        CHECK_MSG(wait_for(&c, P("%s/gate", base), 2.0, &r), "no reply to %s/gate", base);
        check_value(&r, E(CAMSEP_OSC_E_PLAYER_GATE), p);
        CHECK_MSG(!strcmp(r.types, "f") && r.f[0] == (p == 2 ? 0.001f : 1.0f), "%s/gate: %s %g", base, r.types,
                  (double)r.f[0]);
        seen[CAMSEP_OSC_E_PLAYER_GATE] = 1;
        /* who the camera cannot see: read-only, 0/1 */
        csend(&c, P("%s/hidden", base), "");
        CHECK_MSG(wait_for(&c, P("%s/hidden", base), 2.0, &r), "no reply to %s/hidden", base);
        check_value(&r, E(CAMSEP_OSC_E_PLAYER_HIDDEN), p);
        CHECK_MSG(!strcmp(r.types, "i") && r.i[0] == (p == 2 ? 1 : 0), "%s/hidden: %s %d", base, r.types, r.i[0]);
        seen[CAMSEP_OSC_E_PLAYER_HIDDEN] = 1;
    }
    /* globals */
    k = set_ok(&c, "/camsep/bypass", "T");
    CHECK(k.kind == CAMSEP_OSC_CMD_BYPASS && k.player == -1 && k.flag == 1);
    query(&c, "/camsep/bypass", E(CAMSEP_OSC_E_BYPASS), -1);
    k = set_ok(&c, "/camsep/bypass", "i", 0);
    CHECK(k.flag == 0);
    k = set_ok(&c, "/camsep/prior_strength", "f", 0.5);
    CHECK(k.kind == CAMSEP_OSC_CMD_PRIOR_STRENGTH && k.value == 0.5f);
    k = set_ok(&c, "/camsep/prior_strength", "i", 10);
    CHECK(k.value == 10.0f);
    query(&c, "/camsep/prior_strength", E(CAMSEP_OSC_E_PRIOR_STRENGTH), -1);
    k = set_ok(&c, "/camsep/mask_power", "d", 1.5);
    CHECK(k.kind == CAMSEP_OSC_CMD_MASK_POWER && k.value == 1.5f);
    k = set_ok(&c, "/camsep/mask_power", "h", (int64_t)4);
    CHECK(k.value == 4.0f);
    query(&c, "/camsep/mask_power", E(CAMSEP_OSC_E_MASK_POWER), -1);
    k = set_ok(&c, "/camsep/camera_latency", "f", 0.12);
    CHECK(k.kind == CAMSEP_OSC_CMD_CAMERA_LATENCY && k.value == 0.12f);
    query(&c, "/camsep/camera_latency", E(CAMSEP_OSC_E_CAMERA_LATENCY), -1);
    k = set_ok(&c, "/camsep/motion_knee", "i", 1);
    CHECK(k.kind == CAMSEP_OSC_CMD_MOTION_KNEE && k.value == 1.0f);
    k = set_ok(&c, "/camsep/motion_knee", "d", 0.1); /* the range's own ends pass, as floats and doubles */
    CHECK(k.value == 0.1f);
    k = set_ok(&c, "/camsep/motion_knee", "f", 2.0);
    CHECK(k.value == 2.0f);
    query(&c, "/camsep/motion_knee", E(CAMSEP_OSC_E_MOTION_KNEE), -1);
    k = set_ok(&c, "/camsep/preset/recall", "i", 3);
    CHECK(k.kind == CAMSEP_OSC_CMD_PRESET_RECALL && k.index == 3 && k.text[0] == '\0');
    k = set_ok(&c, "/camsep/preset/recall", "f", 7.0);
    CHECK(k.index == 7);
    query(&c, "/camsep/preset/recall", E(CAMSEP_OSC_E_PRESET_RECALL), -1);
    k = set_ok(&c, "/camsep/preset/recall", "s", "chorus");
    CHECK(k.index == 0 && strcmp(k.text, "chorus") == 0);
    query(&c, "/camsep/preset/recall", E(CAMSEP_OSC_E_PRESET_RECALL), -1);
    k = set_ok(&c, "/camsep/preset/store", "s", "verse");
    CHECK(k.kind == CAMSEP_OSC_CMD_PRESET_STORE && strcmp(k.text, "verse") == 0);
    k = set_ok(&c, "/camsep/preset/store", "h", (int64_t)12);
    CHECK(k.kind == CAMSEP_OSC_CMD_PRESET_STORE && k.index == 12);
    query(&c, "/camsep/preset/store", E(CAMSEP_OSC_E_PRESET_STORE), -1);
    seen[CAMSEP_OSC_E_BYPASS] = seen[CAMSEP_OSC_E_PRIOR_STRENGTH] = seen[CAMSEP_OSC_E_MASK_POWER] = 1;
    seen[CAMSEP_OSC_E_CAMERA_LATENCY] = seen[CAMSEP_OSC_E_PRESET_RECALL] = seen[CAMSEP_OSC_E_PRESET_STORE] = 1;
    seen[CAMSEP_OSC_E_MOTION_KNEE] = 1;
    /* the camera's measured offset: seconds and correlation; NaN NaN until measured (as trust's agreement) */
    {
        rmsg r;
        csend(&c, "/camsep/camera/offset", "");
        CHECK(wait_for(&c, "/camsep/camera/offset", 2.0, &r));
        check_value(&r, E(CAMSEP_OSC_E_CAMERA_OFFSET), -1);
        CHECK_MSG(!strcmp(r.types, "ff") && r.f[0] == 0.04f && r.f[1] == 0.625f, "camera/offset %s %g %g", r.types,
                  (double)r.f[0], (double)r.f[1]);
        pthread_mutex_lock(&mu);
        fstate.camera_offset_s = -0.125f;
        fstate.camera_offset_corr = 1.5f; /* clamped */
        pthread_mutex_unlock(&mu);
        csend(&c, "/camsep/camera/offset", "");
        CHECK(wait_for(&c, "/camsep/camera/offset", 2.0, &r));
        CHECK_MSG(!strcmp(r.types, "ff") && r.f[0] == -0.125f && r.f[1] == 1.0f, "camera/offset %s %g %g", r.types,
                  (double)r.f[0], (double)r.f[1]);
        pthread_mutex_lock(&mu);
        fstate.camera_offset_s = fstate.camera_offset_corr = NAN;
        pthread_mutex_unlock(&mu);
        csend(&c, "/camsep/camera/offset", "");
        CHECK(wait_for(&c, "/camsep/camera/offset", 2.0, &r));
        CHECK_MSG(!strcmp(r.types, "ff") && isnan(r.f[0]) && isnan(r.f[1]), "camera/offset %s %g %g", r.types,
                  (double)r.f[0], (double)r.f[1]);
        pthread_mutex_lock(&mu);
        fstate.camera_offset_s = 0.04f;
        fstate.camera_offset_corr = 0.625f;
        pthread_mutex_unlock(&mu);
    }
    seen[CAMSEP_OSC_E_CAMERA_OFFSET] = 1;
    /* status */
    query(&c, "/camsep/status/xruns", E(CAMSEP_OSC_E_STATUS_XRUNS), -1);
    query(&c, "/camsep/status/camera", E(CAMSEP_OSC_E_STATUS_CAMERA), -1);
    query(&c, "/camsep/status/dsp_load", E(CAMSEP_OSC_E_STATUS_DSP_LOAD), -1);
    query(&c, "/camsep/status/latency", E(CAMSEP_OSC_E_STATUS_LATENCY), -1);
    query(&c, "/camsep/status/camera_motion", E(CAMSEP_OSC_E_STATUS_CAMERA_MOTION), -1);
    query(&c, "/camsep/status/remote_priors", E(CAMSEP_OSC_E_STATUS_REMOTE_PRIORS), -1);
    {
        rmsg r;
        csend(&c, "/camsep/status/remote_priors", "");
        CHECK(wait_for(&c, "/camsep/status/remote_priors", 2.0, &r));
        CHECK_MSG(!strcmp(r.types, "siiiii") && !strcmp(r.s[0], "receiving") && r.i[0] == 2 && r.i[1] == 1500 &&
                      r.i[2] == 12 && r.i[3] == 3 && r.i[4] == 1,
                  "remote_priors %s %s %d %d", r.types, r.s[0], r.i[0], r.i[4]);
        /* a host without a stream callback: the prior stream is an unknown address */
        csend(&c, "/camsep/priors", "");
        CHECK(wait_for(&c, "/camsep/error", 2.0, &r) && strstr(r.s[1], "unknown address"));
    }
    seen[CAMSEP_OSC_E_STATUS_REMOTE_PRIORS] = 1;
    {
        rmsg r;
        csend(&c, "/camsep/status/camera_motion", "");
        CHECK(wait_for(&c, "/camsep/status/camera_motion", 2.0, &r));
        CHECK_MSG(!strcmp(r.types, "ff") && r.f[0] == 1.25f && r.f[1] == -0.5f, "camera_motion %s %g %g", r.types,
                  (double)r.f[0], (double)r.f[1]);
        /* no camera: unknown */
        pthread_mutex_lock(&mu);
        fstate.camera_motion_u = fstate.camera_motion_v = NAN;
        pthread_mutex_unlock(&mu);
        csend(&c, "/camsep/status/camera_motion", "");
        CHECK(wait_for(&c, "/camsep/status/camera_motion", 2.0, &r));
        CHECK_MSG(!strcmp(r.types, "ff") && isnan(r.f[0]) && isnan(r.f[1]), "camera_motion %s %g %g", r.types,
                  (double)r.f[0], (double)r.f[1]);
        pthread_mutex_lock(&mu);
        fstate.camera_motion_u = 1.25f;
        fstate.camera_motion_v = -0.5f;
        pthread_mutex_unlock(&mu);
    }
    seen[CAMSEP_OSC_E_STATUS_XRUNS] = seen[CAMSEP_OSC_E_STATUS_CAMERA] = 1;
    seen[CAMSEP_OSC_E_STATUS_DSP_LOAD] = seen[CAMSEP_OSC_E_STATUS_LATENCY] = 1;
    seen[CAMSEP_OSC_E_STATUS_CAMERA_MOTION] = 1;
    /* sound check: actions are done without arguments (not queries) */
    k = set_ok(&c, "/camsep/soundcheck/start", "");
    CHECK(k.kind == CAMSEP_OSC_CMD_SOUNDCHECK_START && k.player == -1 && k.index == 0);
    k = set_ok(&c, "/camsep/soundcheck/start", "i", 2);
    CHECK(k.kind == CAMSEP_OSC_CMD_SOUNDCHECK_START && k.index == 2);
    k = set_ok(&c, "/camsep/soundcheck/start", "f", 8.0);
    CHECK(k.index == 8);
    {
        rmsg r;
        csend(&c, "/camsep/soundcheck/status", "");
        CHECK(wait_for(&c, "/camsep/soundcheck/status", 2.0, &r));
        check_value(&r, E(CAMSEP_OSC_E_SOUNDCHECK_STATUS), -1);
        CHECK_MSG(!strcmp(r.types, "sffi") && !strcmp(r.s[0], "recording") && r.i[0] == 8, "soundcheck/status %s %s %d",
                  r.types, r.s[0], r.i[0]);
    }
    k = set_ok(&c, "/camsep/soundcheck/stop", "");
    CHECK(k.kind == CAMSEP_OSC_CMD_SOUNDCHECK_STOP && k.player == -1);
    k = set_ok(&c, "/camsep/soundcheck/cancel", "");
    CHECK(k.kind == CAMSEP_OSC_CMD_SOUNDCHECK_CANCEL);
    query(&c, "/camsep/soundcheck/status", E(CAMSEP_OSC_E_SOUNDCHECK_STATUS), -1);
    query(&c, "/camsep/soundcheck/message", E(CAMSEP_OSC_E_SOUNDCHECK_MESSAGE), -1);
    query(&c, "/camsep/player/1/soundcheck", E(CAMSEP_OSC_E_PLAYER_SOUNDCHECK), 0);
    seen[CAMSEP_OSC_E_SOUNDCHECK_START] = seen[CAMSEP_OSC_E_SOUNDCHECK_STOP] = 1;
    seen[CAMSEP_OSC_E_SOUNDCHECK_CANCEL] = seen[CAMSEP_OSC_E_SOUNDCHECK_STATUS] = 1;
    seen[CAMSEP_OSC_E_SOUNDCHECK_MESSAGE] = seen[CAMSEP_OSC_E_PLAYER_SOUNDCHECK] = 1;
    /* which box is which player: a query of two strings and two numbers, and an action */
    pthread_mutex_lock(&mu);
    copy(fstate.associate_pairing, sizeof fstate.associate_pairing, "2,1");
    copy(fstate.associate_state, sizeof fstate.associate_state, "proposed");
    fstate.associate_confidence = 4.5f;
    fstate.associate_evidence_s = 12.0f;
    fstate.associate_needed = 2.0f;
    pthread_mutex_unlock(&mu);
    {
        rmsg r;
        csend(&c, "/camsep/associate", "");
        CHECK(wait_for(&c, "/camsep/associate", 2.0, &r));
        check_value(&r, E(CAMSEP_OSC_E_ASSOCIATE), -1);
        CHECK_MSG(!strcmp(r.types, "ssfff") && !strcmp(r.s[0], "2,1") && !strcmp(r.s[1], "proposed") &&
                      r.f[0] == 4.5f && r.f[1] == 12.0f && r.f[2] == 2.0f,
                  "associate %s %s %s %g", r.types, r.s[0], r.s[1], (double)r.f[0]);
    }
    k = set_ok(&c, "/camsep/associate/apply", "");
    CHECK(k.kind == CAMSEP_OSC_CMD_ASSOCIATE_APPLY && k.player == -1 && k.flag == 0);
    k = set_ok(&c, "/camsep/associate/apply", "s", "force");
    CHECK(k.kind == CAMSEP_OSC_CMD_ASSOCIATE_APPLY && k.flag == 1);
    query(&c, "/camsep/associate", E(CAMSEP_OSC_E_ASSOCIATE), -1);
    seen[CAMSEP_OSC_E_ASSOCIATE] = seen[CAMSEP_OSC_E_ASSOCIATE_APPLY] = 1;
    /* players found in the picture: /players/find [N] [S] is an action (done
     * without arguments: the program's number over 10 s) */
    k = set_ok(&c, "/camsep/players/find", "");
    CHECK(k.kind == CAMSEP_OSC_CMD_PLAYERS_FIND && k.player == -1 && k.index == 0 && k.value == 10.0f);
    k = set_ok(&c, "/camsep/players/find", "i", 3);
    CHECK(k.kind == CAMSEP_OSC_CMD_PLAYERS_FIND && k.index == 3 && k.value == 10.0f);
    k = set_ok(&c, "/camsep/players/find", "if", 2, 1.5);
    CHECK(k.index == 2 && k.value == 1.5f);
    k = set_ok(&c, "/camsep/players/find", "fd", 8.0, 120.0); /* the ranges' own ends pass */
    CHECK(k.index == 8 && k.value == 120.0f);
    k = set_ok(&c, "/camsep/players/find", "hf", (int64_t)1, 0.5);
    CHECK(k.index == 1 && k.value == 0.5f);
    k = set_ok(&c, "/camsep/players/find", "di", 4.0, 30);
    CHECK(k.index == 4 && k.value == 30.0f);
    {
        rmsg r;
        csend(&c, "/camsep/players/found", "");
        CHECK(wait_for(&c, "/camsep/players/found", 2.0, &r));
        check_value(&r, E(CAMSEP_OSC_E_PLAYERS_FOUND), -1);
        CHECK_MSG(!strcmp(r.types, "sfis") && !strcmp(r.s[0], "looking") && r.f[0] == 0.0f && r.i[0] == 0 &&
                      !strcmp(r.s[1], "looking for 4 players over 30 s"),
                  "players/found %s %s %g %d %s", r.types, r.s[0], (double)r.f[0], r.i[0], r.s[1]);
        /* the host found two: their boxes per player, left to right; none for 3 and 4 */
        pthread_mutex_lock(&mu);
        copy(fstate.found_state, sizeof fstate.found_state, "ready");
        fstate.found_progress = 1.0f;
        fstate.found_n = 2;
        copy(fstate.found_message, sizeof fstate.found_message, "2 players found in 1.5 s");
        fstate.players[0].found_box = (camsep_osc_box){0.125f, 0.25f, 0.25f, 0.5f};
        fstate.players[0].found_share = 0.625f;
        fstate.players[1].found_box = (camsep_osc_box){0.5f, 0.125f, 0.25f, 0.75f};
        fstate.players[1].found_share = 0.375f;
        pthread_mutex_unlock(&mu);
        csend(&c, "/camsep/players/found", "");
        CHECK(wait_for(&c, "/camsep/players/found", 2.0, &r));
        CHECK_MSG(!strcmp(r.s[0], "ready") && r.f[0] == 1.0f && r.i[0] == 2 &&
                      !strcmp(r.s[1], "2 players found in 1.5 s"),
                  "players/found %s %g %d %s", r.s[0], (double)r.f[0], r.i[0], r.s[1]);
        csend(&c, "/camsep/player/2/found", "");
        CHECK(wait_for(&c, "/camsep/player/2/found", 2.0, &r));
        check_value(&r, E(CAMSEP_OSC_E_PLAYER_FOUND), 1);
        CHECK_MSG(!strcmp(r.types, "fffff") && r.f[0] == 0.5f && r.f[1] == 0.125f && r.f[2] == 0.25f &&
                      r.f[3] == 0.75f && r.f[4] == 0.375f,
                  "player/2/found %s %g %g %g %g %g", r.types, (double)r.f[0], (double)r.f[1], (double)r.f[2],
                  (double)r.f[3], (double)r.f[4]);
        csend(&c, "/camsep/player/3/found", "");
        CHECK(wait_for(&c, "/camsep/player/3/found", 2.0, &r));
        CHECK_MSG(!strcmp(r.types, "fffff") && r.f[0] == 0.0f && r.f[1] == 0.0f && r.f[2] == 0.0f &&
                      r.f[3] == 0.0f && r.f[4] == 0.0f,
                  "player/3/found: not all zero");
    }
    query(&c, "/camsep/player/1/found", E(CAMSEP_OSC_E_PLAYER_FOUND), 0);
    k = set_ok(&c, "/camsep/players/found/apply", "");
    CHECK(k.kind == CAMSEP_OSC_CMD_PLAYERS_FOUND_APPLY && k.player == -1 && k.flag == 0);
    k = set_ok(&c, "/camsep/players/found/apply", "s", "force");
    CHECK(k.kind == CAMSEP_OSC_CMD_PLAYERS_FOUND_APPLY && k.flag == 1);
    {
        rmsg r;
        csend(&c, "/camsep/player/2/box", "");
        CHECK(wait_for(&c, "/camsep/player/2/box", 2.0, &r));
        CHECK_MSG(r.f[0] == 0.5f && r.f[1] == 0.125f && r.f[2] == 0.25f && r.f[3] == 0.75f, "applied box %g %g",
                  (double)r.f[0], (double)r.f[1]);
    }
    k = set_ok(&c, "/camsep/players/find/cancel", "");
    CHECK(k.kind == CAMSEP_OSC_CMD_PLAYERS_FIND_CANCEL && k.player == -1);
    {
        rmsg r;
        csend(&c, "/camsep/players/found", "");
        CHECK(wait_for(&c, "/camsep/players/found", 2.0, &r));
        CHECK_MSG(!strcmp(r.s[0], "idle") && r.i[0] == 0, "players/found after cancel: %s %d", r.s[0], r.i[0]);
    }
    seen[CAMSEP_OSC_E_PLAYERS_FIND] = seen[CAMSEP_OSC_E_PLAYERS_FIND_CANCEL] = 1;
    seen[CAMSEP_OSC_E_PLAYERS_FOUND] = seen[CAMSEP_OSC_E_PLAYER_FOUND] = seen[CAMSEP_OSC_E_PLAYERS_FOUND_APPLY] = 1;

    /* every query-able table entry, every player, generically */
    int n;
    const camsep_osc_entry *t = camsep_osc_table(&n);
    for (int i = 0; i < n; i++) {
        const camsep_osc_entry *e = &t[i];
        if (!(e->flags & CAMSEP_OSC_F_QUERY) || e->id == CAMSEP_OSC_E_SUBSCRIBE)
            continue;
        for (int p = 0; p < ((e->flags & CAMSEP_OSC_F_PLAYER) ? 4 : 1); p++) {
            char path[160];
            camsep_osc_format_path(path, sizeof path, "/camsep", e, p);
            query(&c, path, e, (e->flags & CAMSEP_OSC_F_PLAYER) ? p : -1);
        }
    }
    /* every settable or query-able entry was exercised here (subscriptions: below) */
    for (int i = 0; i < n; i++)
        if ((t[i].flags & (CAMSEP_OSC_F_SET | CAMSEP_OSC_F_QUERY)) && t[i].id != CAMSEP_OSC_E_SUBSCRIBE &&
            t[i].id != CAMSEP_OSC_E_UNSUBSCRIBE)
            CHECK_MSG(seen[t[i].id], "%s not exercised", t[i].path);
    client_close(&c);
}

static void test_rejections(camsep_osc *o, int proto)
{
    client c;
    client_open(&c, proto, camsep_osc_port(o));
    camsep_osc_counters a, b;
    camsep_osc_get_counters(o, &a);
    int n = 0, range = 0, type = 0, unknown = 0;
#define REJ(kind, ...)                     \
    do {                                   \
        set_rejected(&c, __VA_ARGS__);     \
        n++;                               \
        kind++;                            \
    } while (0)
    REJ(range, "gain high", "/camsep/player/1/gain", "f", 12.5);
    REJ(type, "soundcheck stop with an argument", "/camsep/soundcheck/stop", "i", 1);
    REJ(range, "soundcheck start player 9", "/camsep/soundcheck/start", "i", 9);
    REJ(range, "soundcheck start player 1.5", "/camsep/soundcheck/start", "f", 1.5);
    REJ(type, "soundcheck start two players", "/camsep/soundcheck/start", "ii", 1, 2);
    REJ(type, "soundcheck status set", "/camsep/soundcheck/status", "i", 1);
    REJ(range, "gain low", "/camsep/player/1/gain", "i", -61);
    REJ(range, "gain NaN", "/camsep/player/1/gain", "f", (double)NAN);
    REJ(range, "gain Inf", "/camsep/player/1/gain", "d", (double)INFINITY);
    REJ(range, "gain -Inf", "/camsep/player/1/gain", "f", -(double)INFINITY);
    REJ(range, "norm > 1", "/camsep/player/2/gain/norm", "f", 1.01);
    REJ(type, "gain string", "/camsep/player/1/gain", "s", "loud");
    REJ(type, "gain nil", "/camsep/player/1/gain", "N");
    REJ(type, "gain 2 args", "/camsep/player/1/gain", "ff", 1.0, 2.0);
    REJ(type, "gain blob", "/camsep/player/1/gain", "b", (size_t)16);
    REJ(range, "mute 0.5", "/camsep/player/1/mute", "f", 0.5);
    REJ(range, "mute 2", "/camsep/player/1/mute", "i", 2);
    REJ(type, "mute string", "/camsep/player/1/mute", "s", "on");
    REJ(range, "box out", "/camsep/player/1/box", "ffff", 0.8, 0.0, 0.3, 0.5);
    REJ(range, "box w 0", "/camsep/player/1/box", "ffff", 0.1, 0.0, 0.0, 0.5);
    REJ(range, "box NaN", "/camsep/player/1/box", "ffff", 0.1, (double)NAN, 0.2, 0.5);
    REJ(type, "box 3", "/camsep/player/1/box", "fff", 0.1, 0.1, 0.2);
    REJ(range, "instrument unknown", "/camsep/player/1/instrument", "s", "theremin");
    REJ(range, "instrument chars", "/camsep/player/1/instrument", "s", "../violin");
    REJ(type, "instrument int", "/camsep/player/1/instrument", "i", 1);
    char longname[400];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    REJ(range, "name long", "/camsep/player/1/name", "s", longname);
    REJ(range, "name control", "/camsep/player/1/name", "s", "a\tb");
    REJ(range, "name bad utf8", "/camsep/player/1/name", "s", "a\xff");
    REJ(range, "path long", "/camsep/player/1/dictionary", "s", longname);
    REJ(range, "name empty", "/camsep/player/1/name", "s", "");
    REJ(range, "mask power", "/camsep/mask_power", "f", 0.25);
    REJ(range, "prior", "/camsep/prior_strength", "f", -0.1);
    REJ(range, "latency", "/camsep/camera_latency", "d", 2.5);
    REJ(range, "knee low", "/camsep/motion_knee", "f", 0.05);
    REJ(range, "knee high", "/camsep/motion_knee", "i", 3);
    REJ(range, "preset 0", "/camsep/preset/recall", "i", 0);
    REJ(range, "preset 2.5", "/camsep/preset/recall", "f", 2.5);
    REJ(range, "preset 1000", "/camsep/preset/store", "i", 1000);
    REJ(type, "preset T F", "/camsep/preset/store", "ii", 1, 2);
    REJ(type, "read-only", "/camsep/status/xruns", "i", 0);
    REJ(type, "read-only", "/camsep/status/camera", "s", "off");
    REJ(type, "read-only", "/camsep/status/camera_motion", "ff", 0.0, 0.0);
    REJ(type, "read-only", "/camsep/player/2/trust", "f", 1.0);
    REJ(unknown, "no player 5 trust", "/camsep/player/5/trust", "");
    REJ(type, "read-only", "/camsep/player/1/gate", "f", 1.0);
    REJ(unknown, "no player 5 gate", "/camsep/player/5/gate", "");
    REJ(type, "read-only", "/camsep/player/1/share", "f", 0.2);
    REJ(unknown, "no player 5 share", "/camsep/player/5/share", "");
    REJ(type, "read-only", "/camsep/player/1/hidden", "i", 1);
    REJ(type, "read-only", "/camsep/camera/offset", "ff", 0.0, 1.0);
    REJ(unknown, "no /camera", "/camsep/camera", "");
    REJ(unknown, "unknown", "/camsep/player/1/volume", "f", 0.0);
    REJ(unknown, "no player 5", "/camsep/player/5/gain", "f", 0.0);
    REJ(unknown, "no player 9", "/camsep/player/9/gain", "f", 0.0);
    REJ(unknown, "player 0", "/camsep/player/0/gain", "f", 0.0);
    REJ(unknown, "player 01", "/camsep/player/01/gain", "f", 0.0);
    REJ(unknown, "other prefix", "/x42/parameter", "if", 1, 0.5);
    REJ(unknown, "trailing /", "/camsep/bypass/", "i", 1);
    REJ(unknown, "pattern matching nothing", "/camsep/player/*/volume", "i", 1);
    REJ(unknown, "pattern past the players", "/camsep/player/[5-8]/mute", "i", 1);
    REJ(unknown, "out only", "/camsep/error", "ss", "a", "b");
    REJ(unknown, "out only meters", "/camsep/player/1/meters", "");
    REJ(type, "set needs args", "/camsep/unsubscribe", "i", 3);
    REJ(range, "subscribe what", "/camsep/subscribe", "s", "everything");
    REJ(range, "associate apply word", "/camsep/associate/apply", "s", "now");
    REJ(type, "associate apply number", "/camsep/associate/apply", "i", 1);
    REJ(type, "associate read-only", "/camsep/associate", "s", "apply");
    REJ(range, "find players 9", "/camsep/players/find", "i", 9);
    REJ(range, "find players 0", "/camsep/players/find", "i", 0);
    REJ(range, "find players -1", "/camsep/players/find", "h", (int64_t)-1);
    REJ(range, "find players 1.5", "/camsep/players/find", "f", 1.5);
    REJ(range, "find players NaN", "/camsep/players/find", "f", (double)NAN);
    REJ(range, "find seconds 0.4", "/camsep/players/find", "if", 2, 0.4);
    REJ(range, "find seconds 121", "/camsep/players/find", "ii", 2, 121);
    REJ(range, "find seconds Inf", "/camsep/players/find", "id", 2, (double)INFINITY);
    REJ(range, "find seconds NaN", "/camsep/players/find", "if", 2, (double)NAN);
    REJ(type, "find players string", "/camsep/players/find", "s", "two");
    REJ(type, "find seconds string", "/camsep/players/find", "is", 2, "long");
    REJ(type, "find nil", "/camsep/players/find", "N");
    REJ(type, "find 3 arguments", "/camsep/players/find", "iff", 2, 1.0, 1.0);
    REJ(type, "find cancel with an argument", "/camsep/players/find/cancel", "i", 1);
    REJ(range, "found apply word", "/camsep/players/found/apply", "s", "now");
    REJ(type, "found apply number", "/camsep/players/found/apply", "i", 1);
    REJ(type, "found apply 2 arguments", "/camsep/players/found/apply", "ss", "force", "force");
    REJ(type, "found read-only", "/camsep/players/found", "s", "ready");
    REJ(type, "player found read-only", "/camsep/player/1/found", "ffff", 0.1, 0.1, 0.2, 0.2);
    REJ(unknown, "no player 5 found", "/camsep/player/5/found", "");
    REJ(unknown, "players alone", "/camsep/players", "");
    REJ(unknown, "players N found", "/camsep/players/1/found", "");
    REJ(unknown, "player found without N", "/camsep/player/found", "");
    REJ(unknown, "players find trailing /", "/camsep/players/find/", "i", 2);
    REJ(type, "subscribe meters no rate", "/camsep/subscribe", "s", "meters");
    REJ(range, "subscribe rate", "/camsep/subscribe", "sff", "meters", 100.0, 10.0);
    REJ(range, "subscribe lease", "/camsep/subscribe", "sf", "state", 0.5);
    REJ(range, "subscribe lease long", "/camsep/subscribe", "sf", "state", 4000.0);
#undef REJ
    /* a full queue: nothing applied, an error reply, counted */
    pthread_mutex_lock(&mu);
    queue_full = 1;
    pthread_mutex_unlock(&mu);
    set_rejected(&c, "queue full", "/camsep/player/1/mute", "T");
    pthread_mutex_lock(&mu);
    queue_full = 0;
    pthread_mutex_unlock(&mu);
    camsep_osc_get_counters(o, &b);
    CHECK(b.received - a.received == (uint64_t)n + 1);
    CHECK(b.rejected_range - a.rejected_range == (uint64_t)range);
    CHECK(b.rejected_type - a.rejected_type == (uint64_t)type);
    CHECK(b.rejected_unknown - a.rejected_unknown == (uint64_t)unknown);
    CHECK(b.rejected_queue_full - a.rejected_queue_full == 1);
    CHECK(b.applied == a.applied && b.queries == a.queries);
    CHECK_MSG(b.replies_sent - a.replies_sent == (uint64_t)n + 1, "replies %llu, n %d", (unsigned long long)(b.replies_sent - a.replies_sent), n);
    printf("  %s: %d rejections (range %d, type %d, unknown %d) + queue full, all with error replies\n",
           proto == LO_UDP ? "udp" : "tcp", n, range, type, unknown);
    client_close(&c);
}

/* OSC 1.0 address patterns reach every address they match. */
static void test_patterns(camsep_osc *o, int proto)
{
    client c;
    client_open(&c, proto, camsep_osc_port(o));
    camsep_osc_counters a, b;
    camsep_osc_get_counters(o, &a);
    int before = cmds();
    rmsg r;
    csend(&c, "/camsep/player/*/mute", "i", 1);
    csend(&c, "/camsep/status/xruns", ""); /* a barrier */
    CHECK(wait_for(&c, "/camsep/status/xruns", 2.0, &r));
    CHECK_MSG(cmds() == before + 4, "player/STAR/mute: %d commands", cmds() - before);
    pthread_mutex_lock(&mu);
    for (int j = 0; j < 4; j++)
        CHECK(fstate.players[j].mute == 1);
    pthread_mutex_unlock(&mu);
    csend(&c, "/camsep/player/[2-3]/mute", "F");
    csend(&c, "/camsep/*_strength", "f", 0.4);
    csend(&c, "/camsep/status/xruns", "");
    CHECK(wait_for(&c, "/camsep/status/xruns", 2.0, &r));
    pthread_mutex_lock(&mu);
    CHECK(fstate.players[0].mute == 1 && fstate.players[1].mute == 0 && fstate.players[2].mute == 0 &&
          fstate.players[3].mute == 1 && fstate.prior_strength == 0.4f);
    pthread_mutex_unlock(&mu);
    /* a query gets one reply per address, in player order */
    csend(&c, "/camsep/player/{1,3}/gain", "");
    CHECK(wait_for(&c, "/camsep/player/1/gain", 2.0, &r));
    check_value(&r, E(CAMSEP_OSC_E_PLAYER_GAIN), 0);
    CHECK(wait_for(&c, "/camsep/player/3/gain", 2.0, &r));
    check_value(&r, E(CAMSEP_OSC_E_PLAYER_GAIN), 2);
    /* wrong types: an error for each address, nothing applied */
    before = cmds();
    csend(&c, "/camsep/player/?/gain", "s", "loud");
    for (int j = 1; j <= 4; j++) {
        CHECK(wait_for(&c, "/camsep/error", 2.0, &r));
        CHECK_MSG(!strcmp(r.s[0], P("/camsep/player/%d/gain", j)), "error %d names %s", j, r.s[0]);
    }
    CHECK(cmds() == before);
    /* /players/... is not /player/N/...: a pattern reaches the query, never
     * the actions (find, cancel, apply) */
    csend(&c, "/camsep/players/*", "");
    CHECK(wait_for(&c, "/camsep/players/found", 2.0, &r));
    check_value(&r, E(CAMSEP_OSC_E_PLAYERS_FOUND), -1);
    csend(&c, "/camsep/player/*/found", "");
    for (int j = 1; j <= 4; j++)
        CHECK_MSG(wait_for(&c, P("/camsep/player/%d/found", j), 2.0, &r), "no reply for player %d's found", j);
    csend(&c, "/camsep/players/fin?", "i", 2);
    CHECK(wait_for(&c, "/camsep/error", 2.0, &r) && strstr(r.s[1], "matches no address"));
    csend(&c, "/camsep/players/found/*", "s", "force");
    CHECK(wait_for(&c, "/camsep/error", 2.0, &r) && strstr(r.s[1], "matches no address"));
    CHECK(cmds() == before);
    camsep_osc_get_counters(o, &b);
    CHECK(b.received - a.received == 11);
    CHECK_MSG(b.pattern_extra - a.pattern_extra == 3 + 1 + 0 + 1 + 3 + 0 + 3, "pattern_extra %llu",
              (unsigned long long)(b.pattern_extra - a.pattern_extra));
    client_close(&c);
}

static void test_bundles(camsep_osc *o, int proto)
{
    client c;
    client_open(&c, proto, camsep_osc_port(o));
    int before = cmds();
    lo_timetag later;
    lo_timetag_now(&later);
    later.sec += 100; /* a future time tag still runs at once */
    lo_timetag tags[2] = {LO_TT_IMMEDIATE, later};
    for (int t = 0; t < 2; t++) {
        lo_bundle b = lo_bundle_new(tags[t]);
        lo_message m1 = lo_message_new(), m2 = lo_message_new(), m3 = lo_message_new();
        lo_message_add_true(m1);
        lo_message_add_float(m2, -9.0f);
        lo_message_add_int32(m3, 1);
        lo_bundle_add_message(b, "/camsep/player/2/mute", m1);
        lo_bundle_add_message(b, "/camsep/player/2/gain", m2);
        lo_bundle_add_message(b, "/camsep/bypass", m3);
        CHECK(lo_send_bundle_from(c.to, c.srv, b) > 0);
        lo_bundle_free_recursive(b);
    }
    rmsg r;
    csend(&c, "/camsep/status/xruns", "");
    CHECK(wait_for(&c, "/camsep/status/xruns", 2.0, &r));
    CHECK_MSG(cmds() == before + 6, "bundles: %d commands", cmds() - before);
    camsep_osc_state st;
    fake_get_state(&st, &fstate);
    CHECK(st.players[1].mute == 1 && st.players[1].gain_db == -9.0f && st.bypass == 1);
    set_ok(&c, "/camsep/bypass", "F");
    client_close(&c);
}

static void test_state_feedback(camsep_osc *o, int proto, camsep_osc_state *st)
{
    client c, d;
    client_open(&c, proto, camsep_osc_port(o));
    client_open(&d, LO_UDP, camsep_osc_port(o));
    rmsg r;
    camsep_osc_counters a;
    /* subscribe: the whole state at once */
    double t_sub = now_s();
    csend(&c, "/camsep/subscribe", "sf", "state", 2.0);
    pump(&c, 0.3);
    int n;
    const camsep_osc_entry *t = camsep_osc_table(&n);
    for (int i = 0; i < n; i++) {
        if (!(t[i].flags & CAMSEP_OSC_F_STATE))
            continue;
        for (int p = 0; p < ((t[i].flags & CAMSEP_OSC_F_PLAYER) ? 4 : 1); p++) {
            char path[160];
            camsep_osc_format_path(path, sizeof path, "/camsep", &t[i], p);
            CHECK_MSG(count_path(&c, path) == 1, "state dump: %s x%d", path, count_path(&c, path));
        }
    }
    CHECK(count_path(&c, "/camsep/player/5/gain") == 0);
    c.n = 0;
    /* a change by another sender */
    csend(&d, "/camsep/player/3/gain", "f", -18.0);
    CHECK_MSG(wait_for(&c, "/camsep/player/3/gain", 2.0, &r), "no feedback after a change");
    CHECK(r.f[0] == -18.0f);
    CHECK(wait_for(&c, "/camsep/player/3/gain/norm", 2.0, &r));
    pump(&c, 0.2);
    CHECK(count_path(&c, "/camsep/player/1/gain") == 0); /* only what changed */
    /* a change on the host side */
    pthread_mutex_lock(&mu);
    st->xruns++;
    snprintf(st->camera_state, sizeof st->camera_state, "lost");
    pthread_mutex_unlock(&mu);
    camsep_osc_notify(o);
    CHECK(wait_for(&c, "/camsep/status/xruns", 2.0, &r));
    CHECK(r.i[0] == 3);
    CHECK(wait_for(&c, "/camsep/status/camera", 2.0, &r));
    CHECK(strcmp(r.s[0], "lost") == 0);
    /* the query lists the subscription */
    csend(&c, "/camsep/subscribe", "");
    CHECK(wait_for(&c, "/camsep/subscribe", 2.0, &r));
    CHECK(strcmp(r.s[0], "state") == 0 && r.f[1] > 0.0f && r.f[1] <= 2.0f);
    /* expiry after the lease (2 s), not before */
    camsep_osc_get_counters(o, &a);
    CHECK_MSG(wait_expired(o, &c, a.subscriptions_expired, 3.0), "the state lease did not end");
    CHECK_MSG(now_s() - t_sub >= 2.0, "the lease of 2 s ended after %.3f s", now_s() - t_sub);
    camsep_osc_get_counters(o, &a);
    CHECK(a.subscriptions == 0 && a.subscriptions_expired >= 1);
    c.n = 0;
    csend(&d, "/camsep/player/3/gain", "f", -20.0);
    pump(&c, 0.3);
    CHECK_MSG(count_path(&c, "/camsep/player/3/gain") == 0, "feedback after the lease ended");
    /* renew keeps it */
    csend(&c, "/camsep/subscribe", "si", "state", 1);
    for (int k = 0; k < 5; k++) {
        pump(&c, 0.5);
        csend(&c, "/camsep/subscribe", "si", "state", 1);
    }
    c.n = 0;
    csend(&d, "/camsep/player/3/gain", "f", -21.0);
    CHECK_MSG(wait_for(&c, "/camsep/player/3/gain", 2.0, &r), "renewed subscription lost");
    csend(&c, "/camsep/unsubscribe", "s", "all");
    pump(&c, 0.1);
    camsep_osc_get_counters(o, &a);
    CHECK(a.subscriptions == 0);
    client_close(&c);
    client_close(&d);
}

static void test_meters(camsep_osc *o, int proto)
{
    client c;
    client_open(&c, proto, camsep_osc_port(o));
    rmsg r;
    csend(&c, "/camsep/subscribe", "sif", "meters", 20, 10.0);
    CHECK(wait_for(&c, "/camsep/player/1/meters", 2.0, &r));
    c.n = 0;
    pump(&c, 1.0);
    int n1 = count_path(&c, "/camsep/player/1/meters"), n4 = count_path(&c, "/camsep/player/4/meters");
    int nd = count_path(&c, "/camsep/status/dsp_load");
    CHECK_MSG(n1 >= 16 && n1 <= 24 && abs(n4 - n1) <= 1 && abs(nd - n1) <= 1, "meters at 20 Hz: %d %d %d in 1 s", n1, n4, nd);
    CHECK(count_path(&c, "/camsep/player/5/meters") == 0);
    CHECK(wait_for(&c, "/camsep/player/4/meters", 1.0, &r));
    CHECK(strcmp(r.types, "fff") == 0 && r.f[0] == -120.0f && fabsf(r.f[1] - 0.3f) < 1e-6f && r.f[2] == 5.0f);
    /* rate change on renewal; unsubscribe meters stops them */
    csend(&c, "/camsep/subscribe", "sdd", "meters", 5.0, 10.0);
    sync_replies(&c);
    pump(&c, 1.0);
    n1 = count_path(&c, "/camsep/player/1/meters");
    CHECK_MSG(n1 >= 3 && n1 <= 7, "meters at 5 Hz: %d in 1 s", n1);
    csend(&c, "/camsep/unsubscribe", "s", "meters");
    sync_replies(&c);
    pump(&c, 0.5);
    CHECK(count_path(&c, "/camsep/player/1/meters") == 0);
    /* a lease of 1 s, renewed every 0.5 s for 2 s, then left to expire */
    csend(&c, "/camsep/subscribe", "sff", "meters", 10.0, 1.0);
    double t_renew = 0.0;
    for (int k = 0; k < 4; k++) {
        pump(&c, 0.5);
        t_renew = now_s();
        csend(&c, "/camsep/subscribe", "sff", "meters", 10.0, 1.0);
    }
    c.n = 0;
    pump(&c, 0.5);
    CHECK_MSG(count_path(&c, "/camsep/player/1/meters") >= 3, "renewed meters stopped");
    camsep_osc_counters k0;
    camsep_osc_get_counters(o, &k0);
    CHECK_MSG(wait_expired(o, &c, k0.subscriptions_expired, 2.0), "the meters lease did not end");
    CHECK_MSG(now_s() - t_renew >= 1.0, "the lease of 1 s ended after %.3f s", now_s() - t_renew);
    sync_replies(&c);
    pump(&c, 0.5);
    CHECK_MSG(count_path(&c, "/camsep/player/1/meters") == 0, "meters after the lease ended");
    client_close(&c);
}

static void test_doc_and_table(void)
{
    int n;
    const camsep_osc_entry *t = camsep_osc_table(&n);
    CHECK(n == CAMSEP_OSC_E_COUNT);
    for (int md = 0; md < 2; md++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        CHECK(f);
        camsep_osc_print_doc(f, md);
        fclose(f);
        int rows = 0;
        for (int i = 0; i < n; i++) {
            char want[200];
            snprintf(want, sizeof want, md ? "| `/camsep%s` |" : "\n/camsep%s ", t[i].path);
            CHECK_MSG(strstr(buf, want), "doc (%s) lacks %s", md ? "markdown" : "text", t[i].path);
            CHECK(strlen(t[i].doc) > 10);
        }
        for (char *p = buf; (p = strstr(p, md ? "\n| `/camsep/" : "\n/camsep/")) != NULL; p++)
            rows++;
        CHECK_MSG(rows == n, "doc has %d address rows, table %d", rows, n);
        CHECK(strstr(buf, "-60..12 dB") && strstr(buf, "0.5..4 p")); /* C locale numbers */
        CHECK(strstr(buf, "1..8 players, 0.5..120 s"));                 /* /players/find's two ranges */
        free(buf);
    }
    /* the dispatcher accepts exactly the table's incoming addresses */
    int accepted = 0, tried = 0;
    static const char *const muts[] = {"", "/", "x", "/x", "/norm", "/gain"};
    for (int i = 0; i < n; i++) {
        for (int p = 0; p <= CAMSEP_OSC_MAX_PLAYERS + 1; p++) {
            char base[160];
            if (t[i].flags & CAMSEP_OSC_F_PLAYER)
                snprintf(base, sizeof base, "/player/%d%s", p, t[i].path + 9);
            else if (p == 0)
                snprintf(base, sizeof base, "%s", t[i].path);
            else
                continue;
            for (size_t m = 0; m < sizeof muts / sizeof muts[0]; m++) {
                char path[200];
                int pl;
                snprintf(path, sizeof path, "%s%s", base, muts[m]);
                const camsep_osc_entry *e = camsep_osc_lookup(path, &pl);
                tried++;
                if (!e)
                    continue;
                accepted += m == 0; /* a mutation may land on another entry (gain + /norm) */
                char again[200];
                CHECK(camsep_osc_format_path(again, sizeof again, "", e, pl) > 0);
                CHECK_MSG(strcmp(again, path) == 0, "lookup %s gave %s", path, again);
                CHECK(!(e->flags & CAMSEP_OSC_F_OUT));
            }
        }
    }
    int incoming = 0;
    for (int i = 0; i < n; i++)
        if (!(t[i].flags & CAMSEP_OSC_F_OUT))
            incoming += (t[i].flags & CAMSEP_OSC_F_PLAYER) ? CAMSEP_OSC_MAX_PLAYERS : 1;
    CHECK_MSG(accepted == incoming, "dispatcher accepts %d of %d paths tried, table has %d", accepted, tried,
              incoming);
    /* /players/... (global) and /player/N/... (per player) do not collide */
    {
        int pl;
        const camsep_osc_entry *e = camsep_osc_lookup("/players/found", &pl);
        CHECK(e && e->id == CAMSEP_OSC_E_PLAYERS_FOUND && pl == -1);
        e = camsep_osc_lookup("/players/find", &pl);
        CHECK(e && e->id == CAMSEP_OSC_E_PLAYERS_FIND && pl == -1 && camsep_osc_entry_is_action(e));
        e = camsep_osc_lookup("/players/find/cancel", &pl);
        CHECK(e && e->id == CAMSEP_OSC_E_PLAYERS_FIND_CANCEL && pl == -1 && camsep_osc_entry_is_action(e));
        e = camsep_osc_lookup("/players/found/apply", &pl);
        CHECK(e && e->id == CAMSEP_OSC_E_PLAYERS_FOUND_APPLY && pl == -1 && camsep_osc_entry_is_action(e));
        e = camsep_osc_lookup("/player/2/found", &pl);
        CHECK(e && e->id == CAMSEP_OSC_E_PLAYER_FOUND && pl == 1 && !camsep_osc_entry_is_action(e));
        static const char *const none[] = {"/players",         "/players/",        "/players/2/found",
                                           "/player/found",    "/player/2/find",   "/player/2/found/apply",
                                           "/players/found/2", "/playersfound",    "/player/s/found"};
        for (size_t k = 0; k < sizeof none / sizeof none[0]; k++)
            CHECK_MSG(!camsep_osc_lookup(none[k], &pl), "%s is an address", none[k]);
        /* none of them is audio-only: camsep-capture serves them */
        for (camsep_osc_entry_id id = CAMSEP_OSC_E_PLAYERS_FIND; id <= CAMSEP_OSC_E_PLAYERS_FOUND_APPLY; id++)
            CHECK(!(E(id)->flags & CAMSEP_OSC_F_AUDIO));
    }
    /* taper */
    for (int k = 0; k <= 100; k++) {
        float nn = (float)k / 100.0f;
        CHECK(fabsf(camsep_osc_gain_to_norm(camsep_osc_gain_from_norm(nn)) - nn) < 1e-5f);
    }
    CHECK(camsep_osc_gain_from_norm(0.75f) == 0.0f && camsep_osc_gain_from_norm(1.0f) == 12.0f);
    CHECK(camsep_osc_gain_from_norm(0.0f) == -60.0f);
    printf("  doc: %d entries in text and markdown; dispatcher accepts %d of %d candidate paths\n", n, accepted,
           tried);
}

static void test_rate_limit_and_size(void)
{
    camsep_osc *o = server(&fstate, 50.0f, 20.0f);
    client c;
    client_open(&c, LO_UDP, camsep_osc_port(o));
    int before = cmds();
    for (int k = 0; k < 200; k++) {
        lo_message m = lo_message_new();
        lo_message_add_float(m, -1.0f);
        lo_send_message_from(c.to, c.srv, "/camsep/player/1/gain", m);
        lo_message_free(m);
    }
    pump(&c, 0.3);
    camsep_osc_counters a;
    camsep_osc_get_counters(o, &a);
    CHECK(a.received == 200);
    CHECK_MSG(a.rejected_rate >= 150 && a.applied <= 50, "rate: %llu rejected, %llu applied",
              (unsigned long long)a.rejected_rate, (unsigned long long)a.applied);
    CHECK((int)a.applied == cmds() - before && a.applied + a.rejected_rate == 200);
    printf("  flood: 200 messages at once, %llu applied, %llu rate-limited\n", (unsigned long long)a.applied,
           (unsigned long long)a.rejected_rate);
    client_close(&c);
    camsep_osc_free(o);

    /* oversized packets: UDP dropped; TCP skipped, the connection lives on */
    o = server(&fstate, 1000.0f, 1000.0f);
    for (int pi = 0; pi < 2; pi++) {
        int proto = pi ? LO_TCP : LO_UDP;
        client_open(&c, proto, camsep_osc_port(o));
        camsep_osc_get_counters(o, &a);
        before = cmds();
        lo_message m = lo_message_new();
        size_t big = proto == LO_UDP ? 30000 : 200000;
        unsigned char *d = calloc(big, 1);
        lo_blob b = lo_blob_new((int32_t)big, d);
        lo_message_add_blob(m, b);
        lo_send_message_from(c.to, c.srv, "/camsep/player/1/name", m);
        lo_message_free(m);
        lo_blob_free(b);
        free(d);
        rmsg r;
        csend(&c, "/camsep/status/xruns", "");
        CHECK_MSG(wait_for(&c, "/camsep/status/xruns", 2.0, &r), "no reply after an oversized packet");
        camsep_osc_counters z;
        camsep_osc_get_counters(o, &z);
        CHECK(z.rejected_malformed == a.rejected_malformed + 1 && cmds() == before);
        client_close(&c);
    }
    camsep_osc_free(o);
}

static volatile sig_atomic_t stop;
static void on_term(int sig)
{
    (void)sig;
    stop = 1;
}

static int serve(int argc, char **argv)
{
    const char *portfile = argv[2], *target = NULL;
    double seconds = 60.0;
    for (int i = 3; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--target") == 0)
            target = argv[i + 1];
        else if (strcmp(argv[i], "--seconds") == 0)
            seconds = atof(argv[i + 1]);
    }
    fake_reset();
    print_cmds = 1;
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    camsep_osc_config cfg;
    camsep_osc_config_default(&cfg);
    cfg.port = "0";
    cfg.instruments = instruments;
    cfg.n_instruments = 4;
    camsep_osc_host host = {fake_submit, fake_get_state, &fstate, NULL};
    char err[256];
    camsep_osc *o = camsep_osc_create(&cfg, &host, err, sizeof err);
    CHECK_MSG(o, "%s", err);
    if (target)
        CHECK_MSG(camsep_osc_add_target(o, target, 1, 0.0f) == 0, "bad target %s", target);
    CHECK(camsep_osc_start(o) == 0);
    FILE *f = fopen(portfile, "w");
    CHECK(f);
    fprintf(f, "%d\n", camsep_osc_port(o));
    fclose(f);
    double end = now_s() + seconds;
    while (!stop && now_s() < end) {
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, NULL);
    }
    camsep_osc_counters c;
    camsep_osc_get_counters(o, &c);
    printf("counters received %llu applied %llu queries %llu rejected %llu\n", (unsigned long long)c.received,
           (unsigned long long)c.applied, (unsigned long long)c.queries,
           (unsigned long long)(c.rejected_unknown + c.rejected_type + c.rejected_range));
    camsep_osc_free(o);
    return 0;
}

/* Every message is counted once: received (and each further address a pattern
 * reached) = applied + queries + rejected; and every reply went out. */
static void check_counters(const camsep_osc_counters *c, camsep_osc_counters *sum)
{
    CHECK(c->received + c->pattern_extra == c->applied + c->queries + c->rejected_unknown + c->rejected_type +
                                                c->rejected_range + c->rejected_rate + c->rejected_queue_full);
    CHECK(c->send_failures == 0);
    sum->received += c->received;
    sum->applied += c->applied;
    sum->queries += c->queries;
    sum->rejected_unknown += c->rejected_unknown;
    sum->rejected_type += c->rejected_type;
    sum->rejected_range += c->rejected_range;
    sum->rejected_rate += c->rejected_rate;
    sum->rejected_queue_full += c->rejected_queue_full;
    sum->feedback_sent += c->feedback_sent;
}

/* The tests that wait on the clock (leases, meter rates) take seconds each:
 * they run at once, each with its own server and fake state. */
typedef struct timed_test {
    int proto, meters;
    camsep_osc_state st;
    camsep_osc_counters c;
    pthread_t thread;
} timed_test;

static void *timed_main(void *arg)
{
    timed_test *t = arg;
    fake_init(&t->st);
    camsep_osc *o = server(&t->st, 1e6f, 1e6f);
    if (t->meters)
        test_meters(o, t->proto);
    else
        test_state_feedback(o, t->proto, &t->st);
    camsep_osc_get_counters(o, &t->c);
    camsep_osc_free(o);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--serve") == 0)
        return serve(argc, argv);
    test_doc_and_table();
    fake_reset();
    camsep_osc *o = server(&fstate, 1e6f, 1e6f);
    char url[300];
    CHECK(camsep_osc_url(o, "tcp", url, sizeof url) == 0 && strstr(url, "osc.tcp://"));
    for (int pi = 0; pi < 2; pi++) {
        int proto = pi ? LO_TCP : LO_UDP;
        const char *name = proto == LO_UDP ? "udp" : "tcp";
        fake_reset();
        test_sets_and_queries(o, proto);
        printf("  %s: every address set and queried\n", name);
        test_rejections(o, proto);
        test_bundles(o, proto);
        printf("  %s: bundles\n", name);
        test_patterns(o, proto);
        printf("  %s: address patterns\n", name);
    }
    camsep_osc_counters c, sum;
    memset(&sum, 0, sizeof sum);
    camsep_osc_get_counters(o, &c);
    check_counters(&c, &sum);
    camsep_osc_free(o);
    timed_test timed[4];
    for (int k = 0; k < 4; k++) {
        timed[k] = (timed_test){.proto = k < 2 ? LO_UDP : LO_TCP, .meters = k % 2};
        CHECK(pthread_create(&timed[k].thread, NULL, timed_main, &timed[k]) == 0);
    }
    for (int k = 0; k < 4; k++) {
        CHECK(pthread_join(timed[k].thread, NULL) == 0);
        check_counters(&timed[k].c, &sum);
        printf("  %s: %s\n", timed[k].proto == LO_UDP ? "udp" : "tcp",
               timed[k].meters ? "meters at rate, renewal, expiry" : "state feedback, expiry, renewal");
    }
    printf("  counters: received %llu = applied %llu + queries %llu + rejected %llu; feedback %llu\n",
           (unsigned long long)sum.received, (unsigned long long)sum.applied, (unsigned long long)sum.queries,
           (unsigned long long)(sum.rejected_unknown + sum.rejected_type + sum.rejected_range + sum.rejected_rate +
                                sum.rejected_queue_full),
           (unsigned long long)sum.feedback_sent);
    test_rate_limit_and_size();
    printf("osc: all tests passed\n");
    return 0;
}
