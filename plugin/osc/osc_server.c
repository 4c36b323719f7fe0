/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The OSC server: one thread polls the UDP socket (a liblo lo_server), the
 * TCP listener and its connections; dispatches every message through the
 * address table; replies to the sender; runs the feedback.
 *
 * Why TCP is not a second lo_server: liblo 0.31 gives a TCP peer's address
 * only inside the handler (lo_message_get_source points into an array it
 * reallocates), so feedback to a TCP subscriber after the handler returned
 * would need its internals. Here the TCP connections are ours (OSC 1.0
 * length-prefixed or OSC 1.1 SLIP framing, both detected, as liblo does);
 * each message is handed to liblo (lo_server_dispatch_data) for parsing and
 * bundles, and replies and feedback go back over the same connection
 * (osc_transport.c, which the feedback uses too).
 */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "osc_args.h"
#include "osc_internal.h"
#include "osc_pattern.h"

static void set_err(char *err, size_t len, const char *fmt, ...)
{
    if (!err || !len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
}

void camsep_osc_config_default(camsep_osc_config *c)
{
    memset(c, 0, sizeof *c);
    c->prefix = CAMSEP_OSC_DEFAULT_PREFIX;
    c->port = CAMSEP_OSC_DEFAULT_PORT;
    c->enable_udp = 1;
    c->enable_tcp = 1;
    c->max_message_bytes = 8192;
    c->rate_limit_hz = 500.0f;
    c->rate_burst = 1000.0f;
    c->max_tcp_clients = 16;
    c->max_subscriptions = 32;
    c->max_lease_s = 3600.0f;
    c->state_poll_hz = 30.0f;
}

/* ---- dispatch ---- */

static int rate_ok(camsep_osc *o, const camsep_osc_peer *peer)
{
    double now = o->now;
    camsep_osc_sender *victim = NULL;
    for (int i = 0; i < CAMSEP_OSC_SENDERS; i++) {
        camsep_osc_sender *s = &o->senders[i];
        if (s->used && camsep_osc_peer_equal(&s->key, peer)) {
            s->tokens += (now - s->last) * o->cfg.rate_limit_hz;
            if (s->tokens > o->cfg.rate_burst)
                s->tokens = o->cfg.rate_burst;
            s->last = now;
            if (s->tokens < 1.0)
                return 0;
            s->tokens -= 1.0;
            return 1;
        }
        if (!s->used) {
            if (!victim || victim->used)
                victim = s;
        } else if (!victim || (victim->used && s->last < victim->last)) {
            victim = s; /* least recently heard */
        }
    }
    memset(victim, 0, sizeof *victim);
    victim->used = 1;
    victim->key = *peer;
    victim->key.addr = NULL;
    victim->tokens = o->cfg.rate_burst - 1.0;
    victim->last = now;
    return 1;
}

static void reply_error(camsep_osc *o, const camsep_osc_peer *peer, const char *path, const char *reason)
{
    char epath[160], shown[201];
    snprintf(epath, sizeof epath, "%s/error", o->prefix);
    snprintf(shown, sizeof shown, "%s", path ? path : "");
    lo_message m = lo_message_new();
    if (!m)
        return;
    lo_message_add_string(m, shown);
    lo_message_add_string(m, reason);
    CAMSEP_OSC_COUNT(o, replies_sent); /* before: a client may read the counters on the reply */
    if (camsep_osc_send_peer(o, peer, epath, m) != 0)
        CAMSEP_OSC_COUNT(o, send_failures);
    lo_message_free(m);
}

static void reply_value(camsep_osc *o, const camsep_osc_peer *peer, const char *path, const camsep_osc_value *v)
{
    lo_message m = camsep_osc_value_message(v);
    if (!m)
        return;
    CAMSEP_OSC_COUNT(o, replies_sent); /* before: a client may read the counters on the reply */
    if (camsep_osc_send_peer(o, peer, path, m) != 0)
        CAMSEP_OSC_COUNT(o, send_failures);
    lo_message_free(m);
}

void camsep_osc_refuse(camsep_osc *o, const char *reason)
{
    snprintf(o->refusal, sizeof o->refusal, "%s", reason && *reason ? reason : "refused");
}

/* One message to one address of the table (path: the whole address). */
static void dispatch(camsep_osc *o, const camsep_osc_peer *peer, const char *path, const camsep_osc_entry *e,
                     int player, const char *types, lo_arg **argv, int argc)
{
    char reason[192];
    int r;
    if (o->cfg.camera_only && (e->flags & CAMSEP_OSC_F_AUDIO)) {
        CAMSEP_OSC_COUNT(o, rejected_unknown);
        snprintf(reason, sizeof reason, "not available in %s", o->program);
        reply_error(o, peer, path, reason);
        return;
    }
    if (e->flags & CAMSEP_OSC_F_PLAYER) {
        camsep_osc_snapshot(o, &o->state);
        if (player >= o->state.n_players) {
            CAMSEP_OSC_COUNT(o, rejected_unknown);
            snprintf(reason, sizeof reason, "no player %d (players: %d)", player + 1, o->state.n_players);
            reply_error(o, peer, path, reason);
            return;
        }
    }

    if (e->id == CAMSEP_OSC_E_SUBSCRIBE || e->id == CAMSEP_OSC_E_UNSUBSCRIBE) {
        int what;
        float rate = 0.0f, lease = 0.0f;
        if (e->id == CAMSEP_OSC_E_SUBSCRIBE && argc == 0) {
            CAMSEP_OSC_COUNT(o, queries);
            camsep_osc_fb_list(o, peer);
            return;
        }
        if (e->id == CAMSEP_OSC_E_SUBSCRIBE)
            r = camsep_osc_parse_subscribe(types, argv, argc, o->cfg.max_lease_s, &what, &rate, &lease, reason,
                                           sizeof reason);
        else
            r = camsep_osc_parse_unsubscribe(types, argv, argc, &what, reason, sizeof reason);
        if (r == CAMSEP_OSC_ARG_OK && e->id == CAMSEP_OSC_E_SUBSCRIBE &&
            camsep_osc_fb_subscribe(o, peer, what, rate, lease) != 0) {
            CAMSEP_OSC_COUNT(o, rejected_queue_full);
            reply_error(o, peer, path, "too many subscriptions");
            return;
        }
        if (r == CAMSEP_OSC_ARG_OK && e->id == CAMSEP_OSC_E_UNSUBSCRIBE)
            camsep_osc_fb_unsubscribe(o, peer, what);
        if (r == CAMSEP_OSC_ARG_OK) {
            CAMSEP_OSC_COUNT(o, applied);
            return;
        }
    } else if (argc == 0 && !camsep_osc_entry_is_action(e)) {
        camsep_osc_value v;
        if (!(e->flags & CAMSEP_OSC_F_PLAYER))
            camsep_osc_snapshot(o, &o->state);
        if ((e->flags & CAMSEP_OSC_F_QUERY) && camsep_osc_entry_value(e, &o->state, player, &v) == 0) {
            CAMSEP_OSC_COUNT(o, queries);
            reply_value(o, peer, path, &v);
            return;
        }
        r = CAMSEP_OSC_ARG_TYPE;
        snprintf(reason, sizeof reason, "expected arguments");
    } else {
        camsep_osc_command cmd;
        r = camsep_osc_parse_command(e, player, types, argv, argc, (const char *const *)o->instruments,
                                     o->cfg.n_instruments, &cmd, reason, sizeof reason);
        if (r == CAMSEP_OSC_ARG_OK) {
            o->refusal[0] = 0;
            if (o->host.submit && o->host.submit(&cmd, o->host.user) == 0) {
                CAMSEP_OSC_COUNT(o, applied);
                atomic_store_explicit(&o->notified, 1, memory_order_relaxed);
                return;
            }
            if (o->refusal[0]) {
                CAMSEP_OSC_COUNT(o, rejected_range);
                reply_error(o, peer, path, o->refusal);
                return;
            }
            CAMSEP_OSC_COUNT(o, rejected_queue_full);
            reply_error(o, peer, path, "busy: command queue full, try again");
            return;
        }
    }
    if (r == CAMSEP_OSC_ARG_RANGE)
        CAMSEP_OSC_COUNT(o, rejected_range);
    else
        CAMSEP_OSC_COUNT(o, rejected_type);
    reply_error(o, peer, path, reason);
}

typedef struct pattern_ctx {
    camsep_osc *o;
    const camsep_osc_peer *peer;
    const char *types;
    lo_arg **argv;
    int argc, sent;
} pattern_ctx;

static void dispatch_match(const camsep_osc_entry *e, int player, const char *path, void *user)
{
    pattern_ctx *c = user;
    char full[sizeof c->o->prefix + 160];
    if (c->o->cfg.camera_only && (e->flags & CAMSEP_OSC_F_AUDIO))
        return; /* a pattern reaches what this program has */
    if (camsep_osc_entry_is_action(e))
        return; /* and no action: one pattern must not start, stop and cancel a sound check at once */
    snprintf(full, sizeof full, "%s%s", c->o->prefix, path);
    if (c->sent++)
        CAMSEP_OSC_COUNT(c->o, pattern_extra);
    dispatch(c->o, c->peer, full, e, player, c->types, c->argv, c->argc);
}

/* liblo's arguments as the prior receiver takes them (at most CAMSEP_OSC_STREAM_MAX_ARGS). */
static void stream_args(const char *types, lo_arg **argv, int argc, camsep_prior_rx_arg *args)
{
    const int n = argc < CAMSEP_OSC_STREAM_MAX_ARGS ? argc : CAMSEP_OSC_STREAM_MAX_ARGS;
    for (int k = 0; k < n; k++) {
        camsep_prior_rx_arg *a = &args[k];
        memset(a, 0, sizeof *a);
        a->type = types[k];
        switch (types[k]) {
        /* liblo aligns arguments to 4 bytes only: copy, never dereference */
        case 'f': {
            float v;
            memcpy(&v, argv[k], sizeof v);
            a->number = v;
        } break;
        case 'd': {
            double v;
            memcpy(&v, argv[k], sizeof v);
            a->number = v;
        } break;
        case 'i': {
            int32_t v;
            memcpy(&v, argv[k], sizeof v);
            a->number = v;
        } break;
        case 'h': {
            int64_t v;
            memcpy(&v, argv[k], sizeof v);
            a->number = (double)v;
        } break;
        case 't': {
            lo_timetag v;
            memcpy(&v, argv[k], sizeof v);
            a->timetag = ((uint64_t)v.sec << 32) | v.frac;
        } break;
        default: break;
        }
    }
}

int camsep_osc_decode_stream(const void *data, size_t len, char *path, size_t pathlen,
                             camsep_prior_rx_arg args[CAMSEP_OSC_STREAM_MAX_ARGS], int *argc)
{
    int result = 0;
    lo_message m = lo_message_deserialise((void *)data, len, &result);
    if (!m)
        return -1;
    const char *p = (const char *)data; /* the address is the packet's first string */
    snprintf(path, pathlen, "%.*s", (int)strnlen(p, len), p);
    *argc = lo_message_get_argc(m);
    stream_args(lo_message_get_types(m), lo_message_get_argv(m), *argc, args);
    lo_message_free(m);
    return 0;
}

/* A prior stream message to the host's stream callback (the arguments decoded). */
static void stream(camsep_osc *o, const camsep_osc_peer *peer, const char *path, const char *types, lo_arg **argv,
                   int argc)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    camsep_prior_rx_arg args[CAMSEP_OSC_STREAM_MAX_ARGS];
    stream_args(types, argv, argc, args);
    char sender[96], why[256] = "";
    snprintf(sender, sizeof sender, "%s:%s:%s", peer->proto == LO_TCP ? "tcp" : "udp", peer->host, peer->port);
    camsep_osc_stream_msg m = {path + o->prefix_len, argc, args, sender,
                               (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec};
    if (o->host.stream(&m, why, sizeof why, o->host.user) == 0) {
        CAMSEP_OSC_COUNT(o, applied);
    } else {
        CAMSEP_OSC_COUNT(o, rejected_range);
        reply_error(o, peer, path, why[0] ? why : "refused");
    }
}

static int handle(camsep_osc *o, const camsep_osc_peer *peer, const char *path, const char *types, lo_arg **argv,
                  int argc)
{
    int player;
    CAMSEP_OSC_COUNT(o, received);
    if (!rate_ok(o, peer)) {
        CAMSEP_OSC_COUNT(o, rejected_rate);
        return 0;
    }
    if (strncmp(path, o->prefix, o->prefix_len) != 0 || path[o->prefix_len] != '/') {
        CAMSEP_OSC_COUNT(o, rejected_unknown);
        reply_error(o, peer, path, "unknown address");
        return 0;
    }
    if (o->host.stream && (!strcmp(path + o->prefix_len, "/priors") || !strcmp(path + o->prefix_len, "/players"))) {
        stream(o, peer, path, types, argv, argc);
        return 0;
    }
    if (camsep_osc_is_pattern(path + o->prefix_len)) {
        camsep_osc_snapshot(o, &o->state);
        pattern_ctx c = {o, peer, types, argv, argc, 0};
        camsep_osc_match(path + o->prefix_len, o->state.n_players, dispatch_match, &c);
        if (!c.sent) {
            CAMSEP_OSC_COUNT(o, rejected_unknown);
            reply_error(o, peer, path, "the pattern matches no address");
        }
        return 0;
    }
    const camsep_osc_entry *e = camsep_osc_lookup(path + o->prefix_len, &player);
    if (!e) {
        CAMSEP_OSC_COUNT(o, rejected_unknown);
        reply_error(o, peer, path, "unknown address");
        return 0;
    }
    dispatch(o, peer, path, e, player, types, argv, argc);
    return 0;
}

/* liblo's catch-all method: every message (and every bundle element). */
static int on_message(const char *path, const char *types, lo_arg **argv, int argc, lo_message msg, void *user)
{
    camsep_osc *o = user;
    if (o->cur_tcp)
        return handle(o, o->cur_tcp, path, types, argv, argc);
    camsep_osc_peer peer;
    memset(&peer, 0, sizeof peer);
    peer.proto = LO_UDP;
    peer.conn = -1;
    peer.addr = lo_message_get_source(msg);
    if (peer.addr) {
        const char *h = lo_address_get_hostname(peer.addr);
        const char *p = lo_address_get_port(peer.addr);
        snprintf(peer.host, sizeof peer.host, "%s", h ? h : "");
        snprintf(peer.port, sizeof peer.port, "%s", p ? p : "");
    }
    return handle(o, &peer, path, types, argv, argc);
}

/* liblo's errors: packets it cannot parse (the context is set per server). */
static void on_lo_error(int num, const char *msg, const char *where)
{
    (void)num;
    (void)msg;
    (void)where;
    camsep_osc *o = lo_error_get_context();
    if (o)
        CAMSEP_OSC_COUNT(o, rejected_malformed);
}

/* ---- TCP ---- */

static void conn_close(camsep_osc *o, int i)
{
    camsep_osc_tcp_conn *c = &o->conns[i];
    if (c->fd < 0)
        return;
    close(c->fd);
    camsep_osc_fb_drop_conn(o, i, c->gen);
    free(c->rx);
    free(c->tx);
    unsigned gen = c->gen;
    memset(c, 0, sizeof *c);
    c->fd = -1;
    c->gen = gen;
    atomic_fetch_sub_explicit(&o->n.tcp_connections, 1, memory_order_relaxed);
}

static void tcp_accept(camsep_osc *o)
{
    for (;;) {
        struct sockaddr_storage sa;
        socklen_t len = sizeof sa;
        int fd = accept(o->tcp_fd, (struct sockaddr *)&sa, &len);
        if (fd < 0)
            return;
        int slot = -1;
        for (int i = 0; i < o->cfg.max_tcp_clients; i++)
            if (o->conns[i].fd < 0) {
                slot = i;
                break;
            }
        unsigned char *rx = slot >= 0 ? malloc((size_t)o->cfg.max_message_bytes + 4) : NULL;
        if (!rx) {
            close(fd);
            continue;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        camsep_osc_tcp_conn *c = &o->conns[slot];
        memset(c, 0, sizeof *c);
        c->fd = fd;
        c->gen = ++o->next_gen;
        c->slip = -1;
        c->rx = rx;
        getnameinfo((struct sockaddr *)&sa, len, c->host, sizeof c->host, c->port, sizeof c->port,
                    NI_NUMERICHOST | NI_NUMERICSERV);
        atomic_fetch_add_explicit(&o->n.tcp_connections, 1, memory_order_relaxed);
    }
}

static void tcp_dispatch(camsep_osc *o, int i, const unsigned char *data, size_t len)
{
    camsep_osc_tcp_conn *c = &o->conns[i];
    camsep_osc_peer peer;
    memset(&peer, 0, sizeof peer);
    peer.proto = LO_TCP;
    peer.conn = i;
    peer.conn_gen = c->gen;
    memcpy(peer.host, c->host, sizeof peer.host);
    memcpy(peer.port, c->port, sizeof peer.port);
    if (len == 0) {
        CAMSEP_OSC_COUNT(o, rejected_malformed);
        return;
    }
    memcpy(o->dispatch_buf, data, len); /* aligned for liblo's bundle parser */
    o->cur_tcp = &peer;
    lo_server_dispatch_data(o->udp, o->dispatch_buf, len);
    o->cur_tcp = NULL;
}

static void tcp_bytes(camsep_osc *o, int i, const unsigned char *b, size_t n)
{
    camsep_osc_tcp_conn *c = &o->conns[i];
    size_t max = (size_t)o->cfg.max_message_bytes;
    for (size_t k = 0; k < n && c->slip != -2;) {
        if (c->slip == -1)
            c->slip = b[k] == SLIP_END ? 1 : 0;
        if (c->slip == 1) {
            unsigned char x = b[k++];
            if (x == SLIP_END) {
                if (c->slip_overflow)
                    CAMSEP_OSC_COUNT(o, rejected_malformed);
                else if (c->rx_len > 0)
                    tcp_dispatch(o, i, c->rx, c->rx_len);
                c->rx_len = 0;
                c->slip_overflow = 0;
                c->slip_esc = 0;
                continue;
            }
            if (x == SLIP_ESC) {
                c->slip_esc = 1;
                continue;
            }
            if (c->slip_esc) {
                x = x == SLIP_ESC_END ? SLIP_END : x == SLIP_ESC_ESC ? SLIP_ESC : x;
                c->slip_esc = 0;
            }
            if (c->rx_len >= max)
                c->slip_overflow = 1;
            else
                c->rx[c->rx_len++] = x;
            continue;
        }
        /* OSC 1.0: int32 big-endian size, then the packet */
        if (c->skip > 0) {
            size_t take = n - k < c->skip ? n - k : c->skip;
            c->skip -= take;
            k += take;
            continue;
        }
        size_t need = 4;
        if (c->rx_len >= 4) {
            uint32_t be;
            memcpy(&be, c->rx, 4);
            need = 4 + (size_t)ntohl(be);
        }
        size_t take = n - k < need - c->rx_len ? n - k : need - c->rx_len;
        memcpy(c->rx + c->rx_len, b + k, take);
        c->rx_len += take;
        k += take;
        if (c->rx_len == 4) {
            uint32_t be;
            memcpy(&be, c->rx, 4);
            uint32_t size = ntohl(be);
            if (size == 0 || size > max || size % 4 != 0) {
                CAMSEP_OSC_COUNT(o, rejected_malformed);
                c->skip = size;
                c->rx_len = 0;
            }
            continue;
        }
        if (c->rx_len == need && need > 4) {
            tcp_dispatch(o, i, c->rx + 4, need - 4);
            c->rx_len = 0;
        }
    }
}

/* A client that writes a message's length and its body in two send()s
 * without TCP_NODELAY (liblo does) holds the body back (Nagle) until the
 * length is acknowledged, and Linux delays that ACK up to 40 ms: every
 * message would wait that long. Ask for the ACK now; the kernel turns quick
 * ACKs off again by itself, so this is re-armed after every read. */
static void tcp_ack_now(int fd)
{
#ifdef TCP_QUICKACK
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
#else
    (void)fd;
#endif
}

static void tcp_read(camsep_osc *o, int i)
{
    unsigned char buf[4096];
    int got = 0;
    for (int rounds = 0; rounds < 16; rounds++) {
        camsep_osc_tcp_conn *c = &o->conns[i];
        if (c->fd < 0 || c->slip == -2)
            return;
        ssize_t r = recv(c->fd, buf, sizeof buf, 0);
        if (r == 0) {
            camsep_osc_conn_kill(c);
            return;
        }
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                camsep_osc_conn_kill(c);
            else if (got)
                tcp_ack_now(c->fd);
            return;
        }
        got = 1;
        tcp_bytes(o, i, buf, (size_t)r);
    }
}

/* ---- UDP ---- */

static void udp_read(camsep_osc *o)
{
    int fd = lo_server_get_socket_fd(o->udp);
    for (int rounds = 0; rounds < 64; rounds++) {
        char peek;
        ssize_t n = recv(fd, &peek, 1, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
        if (n < 0)
            return;
        if (n == 0 || n > o->cfg.max_message_bytes) { /* empty or too large: drop it unread */
            char sink[16];
            recv(fd, sink, sizeof sink, MSG_DONTWAIT);
            CAMSEP_OSC_COUNT(o, rejected_malformed);
            continue;
        }
        lo_server_recv_noblock(o->udp, 0);
    }
}

/* ---- the thread ---- */

static void *server_main(void *arg)
{
    camsep_osc *o = arg;
    int cap = o->cfg.max_tcp_clients + 3;
    struct pollfd *pf = calloc((size_t)cap, sizeof *pf);
    int *who = calloc((size_t)cap, sizeof *who);
    if (!pf || !who) {
        free(pf);
        free(who);
        return NULL;
    }
    double next = camsep_osc_now();
    while (atomic_load_explicit(&o->running, memory_order_acquire)) {
        int n = 0;
        pf[n].fd = o->wake[0];
        pf[n].events = POLLIN;
        who[n++] = -1;
        if (o->udp) {
            pf[n].fd = lo_server_get_socket_fd(o->udp);
            pf[n].events = POLLIN;
            who[n++] = -2;
        }
        if (o->tcp_fd >= 0) {
            pf[n].fd = o->tcp_fd;
            pf[n].events = POLLIN;
            who[n++] = -3;
        }
        for (int i = 0; i < o->cfg.max_tcp_clients; i++) {
            if (o->conns[i].fd < 0)
                continue;
            pf[n].fd = o->conns[i].fd;
            pf[n].events = POLLIN | (o->conns[i].tx_len ? POLLOUT : 0);
            who[n++] = i;
        }
        double now = camsep_osc_now();
        double wait = next - now;
        if (atomic_load_explicit(&o->notified, memory_order_relaxed))
            wait = 0.0;
        int timeout = wait <= 0.0 ? 0 : wait > 1.0 ? 1000 : (int)ceil(wait * 1000.0);
        int r = poll(pf, (nfds_t)n, timeout);
        o->now = camsep_osc_now();
        if (r > 0) {
            for (int k = 0; k < n; k++) {
                if (!pf[k].revents)
                    continue;
                if (who[k] == -1) {
                    char sink[64];
                    while (read(o->wake[0], sink, sizeof sink) > 0) {
                    }
                } else if (who[k] == -2) {
                    udp_read(o);
                } else if (who[k] == -3) {
                    tcp_accept(o);
                } else {
                    camsep_osc_tcp_conn *c = &o->conns[who[k]];
                    if (pf[k].revents & (POLLIN | POLLHUP | POLLERR))
                        tcp_read(o, who[k]);
                    if (c->fd >= 0 && c->slip != -2 && (pf[k].revents & POLLOUT) && camsep_osc_conn_flush(c) != 0)
                        camsep_osc_conn_kill(c);
                }
            }
        }
        next = camsep_osc_fb_tick(o, camsep_osc_now());
        for (int i = 0; i < o->cfg.max_tcp_clients; i++)
            if (o->conns[i].fd >= 0 && o->conns[i].slip == -2)
                conn_close(o, i);
    }
    free(pf);
    free(who);
    return NULL;
}

/* ---- set-up ---- */

static int tcp_listen(const char *port)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if (getaddrinfo(NULL, port, &hints, &res) != 0 || !res)
        return -1;
    int fd = socket(res->ai_family, res->ai_socktype, 0);
    if (fd >= 0) {
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 16) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd >= 0) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    return fd;
}

static int bound_port(int fd)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
        return -1;
    return ntohs(sa.sin_port);
}

static int valid_port(const char *p)
{
    if (!p || !*p || strlen(p) > 5)
        return 0;
    long v = 0;
    for (const char *c = p; *c; c++) {
        if (*c < '0' || *c > '9')
            return 0;
        v = v * 10 + (*c - '0');
    }
    return v <= 65535;
}

static int open_sockets(camsep_osc *o, char *err, size_t errlen)
{
    const char *port = o->cfg.port;
    int any = strcmp(port, "0") == 0;
    for (int attempt = 0; attempt < 20; attempt++) {
        char pbuf[16];
        if (o->cfg.enable_udp) {
            o->udp = lo_server_new_with_proto(any ? NULL : port, LO_UDP, on_lo_error);
            if (!o->udp) {
                if (any)
                    continue;
                set_err(err, errlen, "cannot listen on UDP port %s", port);
                return -1;
            }
            lo_server_set_error_context(o->udp, o);
            int rcvbuf = 1 << 20; /* consoles send in bursts (a cue fires many messages) */
            setsockopt(lo_server_get_socket_fd(o->udp), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
            o->port = lo_server_get_port(o->udp);
        }
        if (o->cfg.enable_tcp) {
            if (o->udp || !any)
                snprintf(pbuf, sizeof pbuf, "%d", o->udp ? o->port : atoi(port));
            else
                snprintf(pbuf, sizeof pbuf, "0");
            o->tcp_fd = tcp_listen(pbuf);
            if (o->tcp_fd < 0) {
                if (o->udp) {
                    lo_server_free(o->udp);
                    o->udp = NULL;
                }
                if (any)
                    continue;
                set_err(err, errlen, "cannot listen on TCP port %s: %s", pbuf, strerror(errno));
                return -1;
            }
            o->port = bound_port(o->tcp_fd);
        }
        return 0;
    }
    set_err(err, errlen, "no free port for both UDP and TCP");
    return -1;
}

camsep_osc *camsep_osc_create(const camsep_osc_config *cfg_in, const camsep_osc_host *host, char *err,
                              size_t errlen)
{
    camsep_osc_config cfg;
    if (cfg_in)
        cfg = *cfg_in;
    else
        camsep_osc_config_default(&cfg);
    if (!cfg.prefix)
        cfg.prefix = CAMSEP_OSC_DEFAULT_PREFIX;
    if (!cfg.port)
        cfg.port = CAMSEP_OSC_DEFAULT_PORT;
    if (!host || !host->submit || !host->get_state)
        return set_err(err, errlen, "host callbacks submit and get_state are required"), NULL;
    if (!camsep_osc_prefix_valid(cfg.prefix))
        return set_err(err, errlen, "bad address prefix '%s' (e.g. /camsep)", cfg.prefix), NULL;
    if (!valid_port(cfg.port))
        return set_err(err, errlen, "bad port '%s'", cfg.port), NULL;
    if (!cfg.enable_udp && !cfg.enable_tcp)
        return set_err(err, errlen, "neither UDP nor TCP enabled"), NULL;
    if (!cfg.enable_udp)
        /* liblo parses TCP messages through the UDP server object */
        return set_err(err, errlen, "TCP without UDP is not supported"), NULL;
    if (cfg.max_message_bytes < 64 || cfg.max_message_bytes > 65000)
        return set_err(err, errlen, "max_message_bytes must be within 64..65000"), NULL;
    if (!(cfg.rate_limit_hz > 0.0f) || !(cfg.rate_burst >= 1.0f))
        return set_err(err, errlen, "rate limit must be > 0 and burst >= 1"), NULL;
    if (cfg.max_tcp_clients < 1 || cfg.max_tcp_clients > 1024 || cfg.max_subscriptions < 1 ||
        cfg.max_subscriptions > 4096)
        return set_err(err, errlen, "max_tcp_clients 1..1024, max_subscriptions 1..4096"), NULL;
    if (!(cfg.max_lease_s >= 1.0f) || !(cfg.state_poll_hz > 0.0f && cfg.state_poll_hz <= 1000.0f))
        return set_err(err, errlen, "max_lease_s >= 1, state_poll_hz 0..1000"), NULL;
    if (cfg.n_instruments < 0 || (cfg.n_instruments > 0 && !cfg.instruments))
        return set_err(err, errlen, "bad instrument list"), NULL;

    camsep_osc *o = calloc(1, sizeof *o);
    if (!o)
        return set_err(err, errlen, "out of memory"), NULL;
    o->cfg = cfg;
    o->host = *host;
    o->tcp_fd = -1;
    o->wake[0] = o->wake[1] = -1;
    snprintf(o->prefix, sizeof o->prefix, "%s", cfg.prefix);
    o->cfg.prefix = o->prefix;
    o->prefix_len = strlen(o->prefix);
    o->cfg.port = NULL;
    snprintf(o->program, sizeof o->program, "%s", cfg.program ? cfg.program : "this program");
    o->cfg.program = o->program;
    if (cfg.instruments) {
        o->instruments = calloc((size_t)cfg.n_instruments + 1, sizeof *o->instruments);
        if (!o->instruments)
            goto oom;
        for (int i = 0; i < cfg.n_instruments; i++) {
            const char *s = cfg.instruments[i] ? cfg.instruments[i] : "";
            o->instruments[i] = malloc(strlen(s) + 1);
            if (!o->instruments[i])
                goto oom;
            strcpy(o->instruments[i], s);
        }
    }
    o->conns = calloc((size_t)cfg.max_tcp_clients, sizeof *o->conns);
    o->dispatch_buf = malloc((size_t)cfg.max_message_bytes + 8);
    if (!o->conns || !o->dispatch_buf || camsep_osc_fb_init(&o->fb, cfg.max_subscriptions, cfg.state_poll_hz) != 0)
        goto oom;
    for (int i = 0; i < cfg.max_tcp_clients; i++)
        o->conns[i].fd = -1;
    if (pipe(o->wake) != 0) {
        set_err(err, errlen, "pipe: %s", strerror(errno));
        camsep_osc_free(o);
        return NULL;
    }
    for (int k = 0; k < 2; k++) {
        fcntl(o->wake[k], F_SETFL, fcntl(o->wake[k], F_GETFL) | O_NONBLOCK);
        fcntl(o->wake[k], F_SETFD, FD_CLOEXEC);
    }
    o->cfg.port = cfg.port;
    if (open_sockets(o, err, errlen) != 0) {
        camsep_osc_free(o);
        return NULL;
    }
    o->cfg.port = NULL; /* not kept: the caller's string */
    lo_server_enable_queue(o->udp, 0, 1); /* bundles run at once, whatever their time tag */
    lo_server_add_method(o->udp, NULL, NULL, on_message, o);
    return o;
oom:
    set_err(err, errlen, "out of memory");
    camsep_osc_free(o);
    return NULL;
}

int camsep_osc_start(camsep_osc *o)
{
    if (!o || o->thread_started)
        return -1;
    atomic_store_explicit(&o->running, 1, memory_order_release);
    if (pthread_create(&o->thread, NULL, server_main, o) != 0) {
        atomic_store_explicit(&o->running, 0, memory_order_release);
        return -1;
    }
    o->thread_started = 1;
    return 0;
}

static void wake(camsep_osc *o)
{
    if (o->wake[1] >= 0) {
        char c = 1;
        ssize_t r = write(o->wake[1], &c, 1);
        (void)r;
    }
}

void camsep_osc_stop(camsep_osc *o)
{
    if (!o || !o->thread_started)
        return;
    atomic_store_explicit(&o->running, 0, memory_order_release);
    wake(o);
    pthread_join(o->thread, NULL);
    o->thread_started = 0;
}

void camsep_osc_free(camsep_osc *o)
{
    if (!o)
        return;
    camsep_osc_stop(o);
    if (o->conns) {
        for (int i = 0; i < o->cfg.max_tcp_clients; i++)
            conn_close(o, i);
        free(o->conns);
    }
    if (o->fb.subs)
        camsep_osc_fb_free(&o->fb);
    if (o->tcp_fd >= 0)
        close(o->tcp_fd);
    if (o->udp)
        lo_server_free(o->udp);
    for (int k = 0; k < 2; k++)
        if (o->wake[k] >= 0)
            close(o->wake[k]);
    if (o->instruments) {
        for (int i = 0; i < o->cfg.n_instruments; i++)
            free(o->instruments[i]);
        free(o->instruments);
    }
    free(o->dispatch_buf);
    free(o);
}

int camsep_osc_port(const camsep_osc *o)
{
    return o ? o->port : -1;
}

int camsep_osc_url(const camsep_osc *o, const char *proto, char *buf, size_t len)
{
    if (!o || !proto || (strcmp(proto, "udp") != 0 && strcmp(proto, "tcp") != 0))
        return -1;
    if ((strcmp(proto, "udp") == 0 && !o->udp) || (strcmp(proto, "tcp") == 0 && o->tcp_fd < 0))
        return -1;
    char host[256] = "localhost";
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = '\0';
    int n = snprintf(buf, len, "osc.%s://%s:%d/", proto, host, o->port);
    return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

void camsep_osc_notify(camsep_osc *o)
{
    if (o)
        atomic_store_explicit(&o->notified, 1, memory_order_relaxed);
}

void camsep_osc_get_counters(const camsep_osc *o, camsep_osc_counters *c)
{
    memset(c, 0, sizeof *c);
    if (!o)
        return;
    camsep_osc *m = (camsep_osc *)o; /* atomic loads need a non-const object in C11 */
#define LOAD(f) c->f = (uint64_t)atomic_load_explicit(&m->n.f, memory_order_relaxed)
    LOAD(received);
    LOAD(applied);
    LOAD(queries);
    LOAD(rejected_unknown);
    LOAD(rejected_type);
    LOAD(rejected_range);
    LOAD(rejected_rate);
    LOAD(rejected_queue_full);
    LOAD(rejected_malformed);
    LOAD(replies_sent);
    LOAD(feedback_sent);
    LOAD(send_failures);
    LOAD(subscriptions);
    LOAD(subscriptions_expired);
    LOAD(tcp_connections);
    LOAD(pattern_extra);
#undef LOAD
}
