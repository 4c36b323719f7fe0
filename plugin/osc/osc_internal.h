/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internals shared by the server (osc_server.c), the feedback
 * (osc_feedback.c) and the transport both use (osc_transport.c): the server
 * calls the feedback and the transport, the feedback calls the transport,
 * the transport calls neither. Everything here runs on the server thread
 * unless marked.
 */
#ifndef CAMSEP_OSC_INTERNAL_H
#define CAMSEP_OSC_INTERNAL_H

#include <lo/lo.h>
#include <lo/lo_throw.h>
#include <pthread.h>
#include <stdatomic.h>

#include "osc_control.h"
#include "osc_table.h"

/* Who sent a message, or where feedback goes. */
typedef struct camsep_osc_peer {
    int proto;           /* LO_UDP or LO_TCP */
    char host[64];       /* numeric host */
    char port[16];       /* numeric port */
    int conn;            /* TCP: connection slot */
    unsigned conn_gen;   /* TCP: the slot's generation (a reused slot is another peer) */
    lo_address addr;     /* UDP: where to send (owned by a subscription, or a message's source) */
} camsep_osc_peer;

typedef struct camsep_osc_sub {
    int used;
    int what;            /* CAMSEP_OSC_SUB_STATE or _METERS */
    camsep_osc_peer peer;
    float rate_hz;
    double expires;      /* monotonic seconds */
    double next_meter;
    int needs_dump;      /* state: send every value at the next tick */
} camsep_osc_sub;

typedef struct camsep_osc_feedback {
    camsep_osc_sub *subs;
    int cap;
    int n_state, n_meters;
    camsep_osc_value last[CAMSEP_OSC_E_COUNT][CAMSEP_OSC_MAX_PLAYERS];
    unsigned char have_last[CAMSEP_OSC_E_COUNT][CAMSEP_OSC_MAX_PLAYERS];
    double next_poll;
    double poll_interval;
} camsep_osc_feedback;

typedef struct camsep_osc_tcp_conn {
    int fd;              /* -1: free slot */
    unsigned gen;
    int slip;            /* -1 unknown, 0 length-prefixed (OSC 1.0), 1 SLIP (OSC 1.1) */
    int slip_esc;
    unsigned char *rx;   /* cap = max_message_bytes + 4 */
    size_t rx_len;
    size_t skip;         /* bytes of an oversized message still to discard */
    int slip_overflow;   /* SLIP: the current frame is oversized, discard to its END */
    unsigned char *tx;
    size_t tx_len, tx_cap;
    char host[64], port[16];
} camsep_osc_tcp_conn;

typedef struct camsep_osc_sender {
    camsep_osc_peer key; /* addr unused */
    double tokens;
    double last;
    int used;
} camsep_osc_sender;

#define CAMSEP_OSC_SENDERS 64

struct camsep_osc {
    camsep_osc_config cfg;
    char prefix[80];
    char program[64];               /* cfg.program, copied */
    size_t prefix_len;
    char **instruments;
    camsep_osc_host host;

    lo_server udp;
    int tcp_fd;
    int port;
    camsep_osc_tcp_conn *conns;
    unsigned next_gen;
    unsigned char *dispatch_buf; /* aligned copy of a TCP message for liblo */

    pthread_t thread;
    int thread_started;
    atomic_int running;
    atomic_int notified;
    int wake[2];

    char refusal[192];              /* set by camsep_osc_refuse() during submit() */
    const camsep_osc_peer *cur_tcp; /* set while a TCP message is dispatched */
    double now;

    camsep_osc_sender senders[CAMSEP_OSC_SENDERS];
    camsep_osc_feedback fb;
    camsep_osc_state state;         /* scratch snapshot */

    struct {
        atomic_uint_fast64_t received, applied, queries, rejected_unknown, rejected_type, rejected_range,
            rejected_rate, rejected_queue_full, rejected_malformed, replies_sent, feedback_sent, send_failures,
            subscriptions, subscriptions_expired, tcp_connections, pattern_extra;
    } n;
};

#define CAMSEP_OSC_COUNT(o, field) atomic_fetch_add_explicit(&(o)->n.field, 1, memory_order_relaxed)

/* SLIP framing (OSC 1.1 over TCP) */
#define SLIP_END 0xc0
#define SLIP_ESC 0xdb
#define SLIP_ESC_END 0xdc
#define SLIP_ESC_ESC 0xdd

/* osc_transport.c */
double camsep_osc_now(void); /* CLOCK_MONOTONIC seconds */
/* The host's state (get_state), its player count clamped. */
void camsep_osc_snapshot(camsep_osc *o, camsep_osc_state *st);
/* Sends m to peer (UDP via the server socket, TCP over its connection). 0 or -1. */
int camsep_osc_send_peer(camsep_osc *o, const camsep_osc_peer *peer, const char *path, lo_message m);
/* Builds the message of an entry's value (types from v). */
lo_message camsep_osc_value_message(const camsep_osc_value *v);
int camsep_osc_peer_equal(const camsep_osc_peer *a, const camsep_osc_peer *b);
/* TCP: writes what is queued (0, or -1: the connection failed); marks a
 * connection to be closed at the end of the server loop's turn. */
int camsep_osc_conn_flush(camsep_osc_tcp_conn *c);
void camsep_osc_conn_kill(camsep_osc_tcp_conn *c);

/* osc_feedback.c */
int camsep_osc_fb_init(camsep_osc_feedback *fb, int cap, float poll_hz);
void camsep_osc_fb_free(camsep_osc_feedback *fb);
/* Adds or renews; the peer is copied (for UDP a lo_address is created). 0, or -1 if full. */
int camsep_osc_fb_subscribe(camsep_osc *o, const camsep_osc_peer *peer, int what, float rate_hz, float lease_s);
/* Removes the peer's subscriptions of what (CAMSEP_OSC_SUB_*); returns how many. */
int camsep_osc_fb_unsubscribe(camsep_osc *o, const camsep_osc_peer *peer, int what);
/* Removes every subscription over a closed TCP connection. */
void camsep_osc_fb_drop_conn(camsep_osc *o, int conn, unsigned gen);
/* Replies to a /subscribe query. */
void camsep_osc_fb_list(camsep_osc *o, const camsep_osc_peer *peer);
/* Expires, diffs and sends; returns the next deadline (monotonic seconds). */
double camsep_osc_fb_tick(camsep_osc *o, double now);

#endif
