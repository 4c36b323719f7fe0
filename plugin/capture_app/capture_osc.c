/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "capture_osc.h"

#include <errno.h>
#include <lo/lo.h>
#include <math.h>
#include <netdb.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "capture_clock.h"
#include "motion_energy.h"
#include "osc_prior_rx.h"
#include "spsc_ring.h"

#define OSC_QUEUE 256
#define OSC_PREFIX_MAX 64
#define OSC_NAME_MAX 32
#define PLAYERS_INTERVAL_NS 2000000000LL /* PREFIX/players is repeated (UDP may lose it) */
#define NTP_UNIX_OFFSET 2208988800u      /* seconds from 1900 (NTP) to 1970 (Unix) */
/* The most arguments a PREFIX/priors message has (docs/capture-osc.md):
 * what camsep receivers decode. */
#define PRIORS_MAX_ARGS CAMSEP_PRIOR_RX_MAX_ARGS
_Static_assert((PRIORS_MAX_ARGS - 6) / CAMSEP_MAX_SOURCES - 1 >= 1, "motion channel 0 fits with every player count");

typedef struct osc_item {
    int64_t event_ns;
    uint32_t sequence;
    int32_t camera_ok;
    int32_t n;
    uint32_t held;
    int32_t channels; /* motion channels per player; 0: no motion block */
    float activity[CAMSEP_MAX_SOURCES];
    float motion[CAMSEP_MAX_SOURCES][CAMSEP_MOTION_CHANNELS];
} osc_item;

struct capture_osc {
    lo_address addr;
    lo_server replies;      /* UDP: the socket the messages leave from, so that /error replies come back */
    int64_t last_refusal_line;
    char priors_path[OSC_PREFIX_MAX + 16];
    char players_path[OSC_PREFIX_MAX + 16];
    char names[CAMSEP_MAX_SOURCES][OSC_NAME_MAX];
    int n_players;
    int motion_channels; /* sent per player */
    spsc_ring queue;
    sem_t wake;
    pthread_t thread;
    atomic_int stop;
    uint32_t next_sequence; /* capture thread */
    atomic_uint_fast64_t sent, failed, dropped, refused;
};

static int prefix_valid(const char *p)
{
    size_t n = strlen(p);
    if (n < 2 || n >= OSC_PREFIX_MAX || p[0] != '/' || p[n - 1] == '/')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] <= ' ' || p[i] > '~' || strchr("#*,?[]{}", p[i]))
            return 0;
    return 1;
}

/* "HOST:PORT" or "[V6]:PORT" into host and port; 0 or -1. */
static int split_host_port(const char *t, char *host, size_t hostlen, char *port, size_t portlen)
{
    const char *colon;
    const char *h = t;
    size_t hn;
    if (t[0] == '[') {
        const char *close = strchr(t, ']');
        if (!close || close[1] != ':')
            return -1;
        h = t + 1;
        hn = (size_t)(close - h);
        colon = close + 1;
    } else {
        colon = strrchr(t, ':');
        if (!colon || strchr(t, ':') != colon)
            return -1;
        hn = (size_t)(colon - t);
    }
    if (hn == 0 || hn >= hostlen)
        return -1;
    memcpy(host, h, hn);
    host[hn] = '\0';
    const char *p = colon + 1;
    char *end;
    errno = 0;
    long v = strtol(p, &end, 10);
    if (!*p || *end || errno || v < 1 || v > 65535)
        return -1;
    snprintf(port, portlen, "%ld", v);
    return 0;
}

static lo_address make_address(const char *target, char *err, size_t errlen)
{
    char host[256], port[16];
    lo_address a = NULL;
    if (!strncmp(target, "osc.", 4)) {
        a = lo_address_new_from_url(target);
        if (!a || !lo_address_get_hostname(a) || !lo_address_get_port(a) ||
            (lo_address_get_protocol(a) != LO_UDP && lo_address_get_protocol(a) != LO_TCP)) {
            snprintf(err, errlen, "--osc: '%s' is not an osc.udp:// or osc.tcp:// URL with a host and port", target);
            if (a)
                lo_address_free(a);
            return NULL;
        }
        snprintf(host, sizeof host, "%s", lo_address_get_hostname(a));
    } else {
        if (split_host_port(target, host, sizeof host, port, sizeof port)) {
            snprintf(err, errlen, "--osc: '%s' is not HOST:PORT (port 1..65535) or an osc.udp:// URL", target);
            return NULL;
        }
        a = lo_address_new(host, port);
        if (!a) {
            snprintf(err, errlen, "--osc: cannot make an address for '%s'", target);
            return NULL;
        }
    }
    /* liblo resolves at the first send; resolve now so a typo fails at start. */
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_DGRAM;
    int e = getaddrinfo(host, NULL, &hints, &res);
    if (e) {
        snprintf(err, errlen, "--osc: cannot resolve '%s': %s", host, gai_strerror(e));
        lo_address_free(a);
        return NULL;
    }
    freeaddrinfo(res);
    return a;
}

static lo_timetag wall_timetag(int64_t event_ns, int64_t mono_now)
{
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    int64_t wall = (int64_t)rt.tv_sec * 1000000000 + rt.tv_nsec - (mono_now - event_ns);
    int64_t sec = wall / 1000000000, ns = wall % 1000000000;
    if (ns < 0) {
        ns += 1000000000;
        sec--;
    }
    lo_timetag tt;
    tt.sec = (uint32_t)(sec + NTP_UNIX_OFFSET);
    tt.frac = (uint32_t)(((uint64_t)ns << 32) / 1000000000u);
    return tt;
}

static void count_send(capture_osc *o, int result)
{
    atomic_fetch_add_explicit(result < 0 ? &o->failed : &o->sent, 1, memory_order_relaxed);
}

static int send_message(capture_osc *o, const char *path, lo_message m)
{
    return o->replies ? lo_send_message_from(o->addr, o->replies, path, m) : lo_send_message(o->addr, path, m);
}

/* Sender thread: a receiver's PREFIX/error reply (e.g. another player count)
 * is counted, and shown on stderr at most every 5 s. */
static int on_reply(const char *path, const char *types, lo_arg **argv, int argc, lo_message msg, void *user)
{
    (void)msg;
    capture_osc *o = user;
    const size_t n = strlen(path);
    if (n < 6 || strcmp(path + n - 6, "/error") || argc < 2 || types[0] != 's' || types[1] != 's')
        return 0;
    atomic_fetch_add_explicit(&o->refused, 1, memory_order_relaxed);
    const int64_t now = camsep_monotonic_ns();
    if (o->last_refusal_line == INT64_MIN || now - o->last_refusal_line >= 5000000000LL) {
        fprintf(stderr, "camsep-capture: --osc: the receiver refused %s: %s\n", (const char *)argv[0],
                (const char *)argv[1]);
        o->last_refusal_line = now;
    }
    return 0;
}

static void quiet_lo_error(int num, const char *msg, const char *where)
{
    (void)num;
    (void)msg;
    (void)where;
}

static void send_prior(capture_osc *o, const osc_item *it)
{
    lo_message m = lo_message_new();
    if (!m) {
        atomic_fetch_add_explicit(&o->failed, 1, memory_order_relaxed);
        return;
    }
    int64_t now = camsep_monotonic_ns();
    lo_message_add_timetag(m, wall_timetag(it->event_ns, now));
    lo_message_add_float(m, (float)((double)(now - it->event_ns) * 1e-9));
    lo_message_add_int32(m, (int32_t)(it->sequence & 0x7fffffffu));
    lo_message_add_int32(m, it->camera_ok);
    for (int j = 0; j < it->n; j++)
        lo_message_add_float(m, it->activity[j]);
    lo_message_add_int32(m, (int32_t)it->held);
    if (it->channels) {
        lo_message_add_int32(m, it->channels);
        for (int j = 0; j < it->n; j++)
            for (int c = 0; c < it->channels; c++)
                lo_message_add_float(m, it->motion[j][c]);
    }
    count_send(o, send_message(o, o->priors_path, m));
    lo_message_free(m);
}

static void send_players(capture_osc *o)
{
    lo_message m = lo_message_new();
    if (!m)
        return;
    for (int j = 0; j < o->n_players; j++)
        lo_message_add_string(m, o->names[j]);
    count_send(o, send_message(o, o->players_path, m));
    lo_message_free(m);
}

static void *sender_thread(void *arg)
{
    capture_osc *o = arg;
    int64_t next_players = 0;
    for (;;) {
        int64_t now = camsep_monotonic_ns();
        if (now >= next_players) {
            send_players(o);
            next_players = now + PLAYERS_INTERVAL_NS;
        }
        osc_item it;
        while (spsc_ring_pop(&o->queue, &it))
            send_prior(o, &it);
        while (o->replies && lo_server_recv_noblock(o->replies, 0) > 0) {
        }
        if (atomic_load_explicit(&o->stop, memory_order_acquire) && !spsc_ring_read_space(&o->queue))
            break;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 200000000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_nsec -= 1000000000;
            until.tv_sec++;
        }
        while (sem_timedwait(&o->wake, &until) && errno == EINTR) {
        }
    }
    return NULL;
}

/* The capture's motion channels, or fewer (channel 0 first: the one the
 * engine's same-instrument split goes by) when they would not fit in a
 * message of PRIORS_MAX_ARGS: time, age, sequence, camera_ok, n
 * activities, held mask, channel count, n x channels values. */
static int channels_sent(int n_players)
{
    const int fit = (PRIORS_MAX_ARGS - 6) / n_players - 1;
    return fit < CAMSEP_MOTION_CHANNELS ? fit : CAMSEP_MOTION_CHANNELS;
}

capture_osc *capture_osc_open(const char *target, const char *prefix, const char *const *names, int n_players,
                              char *err, size_t errlen)
{
    if (!prefix_valid(prefix)) {
        snprintf(err, errlen, "--osc-prefix: '%s' is not an OSC address such as /camsep", prefix);
        return NULL;
    }
    if (n_players < 1 || n_players > CAMSEP_MAX_SOURCES) {
        snprintf(err, errlen, "OSC: %d players", n_players);
        return NULL;
    }
    capture_osc *o = calloc(1, sizeof *o);
    if (!o) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(o->priors_path, sizeof o->priors_path, "%s/priors", prefix);
    snprintf(o->players_path, sizeof o->players_path, "%s/players", prefix);
    o->n_players = n_players;
    o->motion_channels = channels_sent(n_players);
    for (int j = 0; j < n_players; j++)
        snprintf(o->names[j], sizeof o->names[j], "%s", names[j]);
    o->addr = make_address(target, err, errlen);
    if (!o->addr) {
        free(o);
        return NULL;
    }
    o->last_refusal_line = INT64_MIN;
    if (lo_address_get_protocol(o->addr) == LO_UDP && (o->replies = lo_server_new_with_proto(NULL, LO_UDP,
                                                                                             quiet_lo_error)))
        lo_server_add_method(o->replies, NULL, NULL, on_reply, o);
    if (spsc_ring_init(&o->queue, OSC_QUEUE, sizeof(osc_item))) {
        snprintf(err, errlen, "out of memory");
        if (o->replies)
            lo_server_free(o->replies);
        lo_address_free(o->addr);
        free(o);
        return NULL;
    }
    sem_init(&o->wake, 0, 0);
    atomic_init(&o->stop, 0);
    int e = pthread_create(&o->thread, NULL, sender_thread, o);
    if (e) {
        snprintf(err, errlen, "cannot start the OSC thread: %s", strerror(e));
        sem_destroy(&o->wake);
        spsc_ring_destroy(&o->queue);
        if (o->replies)
            lo_server_free(o->replies);
        lo_address_free(o->addr);
        free(o);
        return NULL;
    }
    return o;
}

void capture_osc_push(capture_osc *o, const camsep_prior *p, int64_t event_ns, int camera_ok)
{
    osc_item it;
    memset(&it, 0, sizeof it);
    it.event_ns = event_ns;
    it.sequence = o->next_sequence++;
    it.camera_ok = camera_ok ? 1 : 0;
    it.n = o->n_players; /* a fixed type tag: players the prior lacks are unknown (NaN) */
    it.channels = camera_ok ? o->motion_channels : 0; /* the camera lost: no motion */
    for (int j = 0; j < it.n; j++) {
        it.activity[j] = j < p->n_sources ? p->activity[j] : NAN;
        if (camera_ok && j < p->n_sources)
            it.held |= p->held & (1u << j);
        for (int c = 0; c < it.channels && j < p->n_sources; c++)
            it.motion[j][c] = p->motion[j][c];
    }
    if (!spsc_ring_push(&o->queue, &it)) {
        atomic_fetch_add_explicit(&o->dropped, 1, memory_order_relaxed);
        return;
    }
    sem_post(&o->wake);
}

void capture_osc_get_stats(capture_osc *o, capture_osc_stats *s)
{
    s->sent = atomic_load_explicit(&o->sent, memory_order_relaxed);
    s->failed = atomic_load_explicit(&o->failed, memory_order_relaxed);
    s->dropped = atomic_load_explicit(&o->dropped, memory_order_relaxed);
    s->refused = atomic_load_explicit(&o->refused, memory_order_relaxed);
}

void capture_osc_close(capture_osc *o)
{
    if (!o)
        return;
    atomic_store_explicit(&o->stop, 1, memory_order_release);
    sem_post(&o->wake);
    pthread_join(o->thread, NULL);
    sem_destroy(&o->wake);
    spsc_ring_destroy(&o->queue);
    if (o->replies)
        lo_server_free(o->replies);
    lo_address_free(o->addr);
    free(o);
}
