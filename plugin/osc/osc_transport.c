/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the server (osc_server.c) and the feedback (osc_feedback.c) both use:
 * the clock, peers, sending a message to a peer (UDP through the server's
 * socket, TCP over its connection, framed as the peer frames) and the host's
 * state snapshot. Server thread only.
 */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "osc_internal.h"

#define TX_CAP (256 * 1024)

double camsep_osc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int camsep_osc_peer_equal(const camsep_osc_peer *a, const camsep_osc_peer *b)
{
    if (a->proto != b->proto)
        return 0;
    if (a->proto == LO_TCP)
        return a->conn == b->conn && a->conn_gen == b->conn_gen;
    return strcmp(a->host, b->host) == 0 && strcmp(a->port, b->port) == 0;
}

lo_message camsep_osc_value_message(const camsep_osc_value *v)
{
    enum { N_F = sizeof v->f / sizeof v->f[0], N_I = sizeof v->i / sizeof v->i[0] };
    lo_message m = lo_message_new();
    int nf = 0, ni = 0, ns = 0;
    if (!m)
        return NULL;
    for (const char *t = v->types; *t; t++) {
        if (*t == 'f')
            lo_message_add_float(m, v->f[nf < N_F - 1 ? nf++ : N_F - 1]);
        else if (*t == 'i')
            lo_message_add_int32(m, v->i[ni < N_I - 1 ? ni++ : N_I - 1]);
        else if (*t == 's')
            lo_message_add_string(m, ns++ ? v->s2 : v->s);
    }
    return m;
}

void camsep_osc_conn_kill(camsep_osc_tcp_conn *c)
{
    if (c->fd >= 0)
        c->slip = -2; /* closed at the end of this loop iteration */
}

int camsep_osc_conn_flush(camsep_osc_tcp_conn *c)
{
    while (c->tx_len > 0) {
        ssize_t w = send(c->fd, c->tx, c->tx_len, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            if (errno == EINTR)
                continue;
            return -1;
        }
        memmove(c->tx, c->tx + w, c->tx_len - (size_t)w);
        c->tx_len -= (size_t)w;
    }
    return 0;
}

static int conn_queue(camsep_osc_tcp_conn *c, const unsigned char *data, size_t len)
{
    if (c->tx_len + len > c->tx_cap) {
        if (c->tx_len + len > TX_CAP)
            return -1; /* the peer does not read: give up on it */
        size_t cap = c->tx_cap ? c->tx_cap : 4096;
        while (cap < c->tx_len + len)
            cap *= 2;
        unsigned char *t = realloc(c->tx, cap);
        if (!t)
            return -1;
        c->tx = t;
        c->tx_cap = cap;
    }
    memcpy(c->tx + c->tx_len, data, len);
    c->tx_len += len;
    return 0;
}

static int tcp_send(camsep_osc *o, const camsep_osc_peer *peer, const char *path, lo_message m)
{
    if (peer->conn < 0 || peer->conn >= o->cfg.max_tcp_clients)
        return -1;
    camsep_osc_tcp_conn *c = &o->conns[peer->conn];
    if (c->fd < 0 || c->gen != peer->conn_gen || c->slip == -2)
        return -1;
    size_t size = lo_message_length(m, path);
    if (size == 0 || size > 65536)
        return -1;
    unsigned char *buf = malloc(size * 2 + 8);
    if (!buf)
        return -1;
    unsigned char *data = buf + size + 8; /* serialised copy after the frame area */
    size_t n = size;
    if (!lo_message_serialise(m, path, data, &n)) {
        free(buf);
        return -1;
    }
    size_t flen = 0;
    if (c->slip == 1) { /* OSC 1.1: double-END SLIP */
        unsigned char *f = malloc(2 * n + 2);
        if (!f) {
            free(buf);
            return -1;
        }
        f[flen++] = SLIP_END;
        for (size_t k = 0; k < n; k++) {
            if (data[k] == SLIP_END) {
                f[flen++] = SLIP_ESC;
                f[flen++] = SLIP_ESC_END;
            } else if (data[k] == SLIP_ESC) {
                f[flen++] = SLIP_ESC;
                f[flen++] = SLIP_ESC_ESC;
            } else {
                f[flen++] = data[k];
            }
        }
        f[flen++] = SLIP_END;
        int r = conn_queue(c, f, flen);
        free(f);
        free(buf);
        if (r != 0 || camsep_osc_conn_flush(c) != 0) {
            camsep_osc_conn_kill(c);
            return -1;
        }
        return 0;
    }
    uint32_t be = htonl((uint32_t)n);
    memcpy(buf, &be, 4);
    memcpy(buf + 4, data, n);
    int r = conn_queue(c, buf, n + 4);
    free(buf);
    if (r != 0 || camsep_osc_conn_flush(c) != 0) {
        camsep_osc_conn_kill(c);
        return -1;
    }
    return 0;
}

int camsep_osc_send_peer(camsep_osc *o, const camsep_osc_peer *peer, const char *path, lo_message m)
{
    if (peer->proto == LO_TCP)
        return tcp_send(o, peer, path, m);
    if (!peer->addr || !o->udp)
        return -1;
    return lo_send_message_from(peer->addr, o->udp, path, m) < 0 ? -1 : 0;
}

void camsep_osc_snapshot(camsep_osc *o, camsep_osc_state *st)
{
    memset(st, 0, sizeof *st);
    if (o->host.get_state)
        o->host.get_state(st, o->host.user);
    if (st->n_players < 0)
        st->n_players = 0;
    if (st->n_players > CAMSEP_OSC_MAX_PLAYERS)
        st->n_players = CAMSEP_OSC_MAX_PLAYERS;
}
