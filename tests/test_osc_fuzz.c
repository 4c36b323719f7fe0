/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * plugin/osc: a bounded fuzz run on loopback (default 20000 packets).
 *
 * Phase 1 sends only invalid packets (addresses outside the space, wrong
 * types and counts, NaN/Inf, over-long and ill-formed strings, blobs, huge
 * packets, raw garbage, over UDP and TCP): nothing may be submitted, the
 * fake state must stay as it was, and every packet must be counted as
 * rejected (error replies for those that parse).
 * Phase 2 sends random messages over the table's addresses and others: no
 * crash, and received + pattern_extra = applied + queries + rejected (an
 * address pattern reaches every address it matches).
 * Usage: test_osc_fuzz [packets] [seed]
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <lo/lo.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "osc_control.h"
#include "osc_table.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static camsep_osc_state fstate;
static long submitted;

static int fake_submit(const camsep_osc_command *c, void *user)
{
    (void)user;
    pthread_mutex_lock(&mu);
    CHECK(c->kind >= CAMSEP_OSC_CMD_PLAYER_GAIN && c->kind <= CAMSEP_OSC_CMD_LAST);
    CHECK(c->player >= -1 && c->player < fstate.n_players);
    CHECK(isfinite(c->value) && memchr(c->text, '\0', sizeof c->text));
    submitted++;
    pthread_mutex_unlock(&mu);
    return 0;
}

static void fake_get_state(camsep_osc_state *out, void *user)
{
    (void)user;
    pthread_mutex_lock(&mu);
    *out = fstate;
    pthread_mutex_unlock(&mu);
}

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}
static int rn(int n)
{
    return (int)(rnd() % (uint32_t)n);
}

typedef struct client {
    lo_server srv;
    lo_address to;
    long errors, replies;
} client;

static int on_reply(const char *path, const char *types, lo_arg **argv, int argc, lo_message m, void *user)
{
    (void)types;
    (void)argv;
    (void)argc;
    (void)m;
    client *c = user;
    if (strcmp(path, "/camsep/error") == 0)
        c->errors++;
    else
        c->replies++;
    return 0;
}

static void client_open(client *c, int proto, int port)
{
    char ps[16];
    memset(c, 0, sizeof *c);
    snprintf(ps, sizeof ps, "%d", port);
    c->srv = lo_server_new_with_proto(NULL, proto, NULL);
    CHECK(c->srv);
    lo_server_add_method(c->srv, NULL, NULL, on_reply, c);
    c->to = lo_address_new_with_proto(proto, "127.0.0.1", ps);
    CHECK(c->to);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Waits until the server has handled everything sent so far, then reads the
 * replies that are there (late ones are read by the next barrier). */
static void barrier(camsep_osc *o, client *c, uint64_t expect_total)
{
    double end = now_s() + 10.0;
    for (;;) {
        camsep_osc_counters k;
        camsep_osc_get_counters(o, &k);
        if (k.received + k.rejected_malformed >= expect_total)
            break;
        CHECK_MSG(now_s() < end, "server handled %llu of %llu packets",
                  (unsigned long long)(k.received + k.rejected_malformed), (unsigned long long)expect_total);
        lo_server_recv_noblock(c->srv, 1);
    }
    while (lo_server_recv_noblock(c->srv, 0) > 0) {
    }
}

/* Reads replies on both clients until they hold n errors (or 10 s passed),
 * then any that follow within 2 ms. */
static void await_errors(client *u, client *t, long n)
{
    double end = now_s() + 10.0;
    while (u->errors + t->errors < n && now_s() < end) {
        lo_server_recv_noblock(u->srv, 1);
        lo_server_recv_noblock(t->srv, 1);
    }
    while (lo_server_recv_noblock(u->srv, 2) + lo_server_recv_noblock(t->srv, 2) > 0) {
    }
}

static void random_string(char *s, int n, int printable)
{
    for (int k = 0; k < n; k++)
        s[k] = printable ? (char)(32 + rn(95)) : (char)(1 + rn(255));
    s[n] = '\0';
}

static int big_blobs; /* phase 2 only: may exceed the size limit */
static const float specials[] = {NAN, INFINITY, -INFINITY, 1e30f, -1e30f, 0.5f, 2.0f, -0.0f, 1e-40f};

/* Adds a random argument of a random type. */
static void add_random_arg(lo_message m, int invalid_numbers)
{
    char s[400];
    switch (rn(9)) {
    case 0: lo_message_add_int32(m, invalid_numbers ? 100000 + rn(1000) : (int)rnd() % 2000 - 1000); break;
    case 1: lo_message_add_float(m, invalid_numbers ? specials[rn(3)] : rn(3) ? (float)rn(200) / 10.0f - 5.0f : specials[rn(9)]); break;
    case 2: lo_message_add_double(m, invalid_numbers ? -(double)INFINITY : (double)rn(100) / 50.0); break;
    case 3: lo_message_add_int64(m, invalid_numbers ? INT64_MAX : rn(3)); break;
    case 4: random_string(s, rn(3) ? rn(20) : rn(399), rn(2)); lo_message_add_string(m, s); break;
    case 5: lo_message_add_true(m); break;
    case 6: lo_message_add_false(m); break;
    case 7: lo_message_add_nil(m); break;
    default: {
        int n = 1 + (rn(3) || !big_blobs ? rn(64) : rn(6000));
        unsigned char *d = calloc((size_t)n + 1, 1);
        lo_blob b = lo_blob_new(n, d);
        lo_message_add_blob(m, b);
        lo_blob_free(b);
        free(d);
    }
    }
}

static void table_path(char *buf, size_t len, int allow_bad_player)
{
    int n;
    const camsep_osc_entry *t = camsep_osc_table(&n);
    const camsep_osc_entry *e = &t[rn(n)];
    int p = allow_bad_player ? rn(CAMSEP_OSC_MAX_PLAYERS + 2) - 1 : rn(4);
    if (e->flags & CAMSEP_OSC_F_PLAYER)
        snprintf(buf, len, "/camsep/player/%d%s", p + 1, e->path + 9);
    else
        snprintf(buf, len, "/camsep%s", e->path);
}

/* A message that no reading of the table accepts. */
static lo_message invalid_message(char *path, size_t plen)
{
    lo_message m = lo_message_new();
    char s[400];
    switch (rn(6)) {
    case 0: /* outside the space */
        random_string(s, 1 + rn(40), 1);
        snprintf(path, plen, "/zz%s", s);
        for (int k = rn(4); k > 0; k--)
            add_random_arg(m, 0);
        break;
    case 1: /* a number address with NaN/Inf/out of range, or nil/blob */
        snprintf(path, plen, "/camsep/player/%d/gain", 1 + rn(4));
        switch (rn(6)) {
        case 0: lo_message_add_float(m, specials[rn(3)]); break;
        case 1: lo_message_add_double(m, rn(2) ? (double)NAN : 1e300); break;
        case 2: lo_message_add_int32(m, 13 + rn(100000)); break;
        case 3: lo_message_add_int64(m, INT64_MIN); break;
        case 4: lo_message_add_string(m, "-6"); break;
        default: lo_message_add_nil(m); break;
        }
        break;
    case 2: /* too many arguments for any address */
        table_path(path, plen, 0);
        for (int k = 0; k < 5; k++)
            add_random_arg(m, 0);
        break;
    case 3: /* read-only with an argument */
        snprintf(path, plen, "/camsep/status/%s", rn(2) ? "xruns" : "camera");
        add_random_arg(m, 0);
        break;
    case 4: /* strings too long or with control characters */
        snprintf(path, plen, "/camsep/player/%d/%s", 1 + rn(4), rn(2) ? "name" : "instrument");
        random_string(s, 300 + rn(99), 1);
        if (rn(2))
            s[rn(10)] = '\n';
        lo_message_add_string(m, s);
        break;
    default: /* a box with NaN */
        snprintf(path, plen, "/camsep/player/%d/box", 1 + rn(4));
        lo_message_add_float(m, 0.1f);
        lo_message_add_float(m, NAN);
        lo_message_add_float(m, 0.1f);
        lo_message_add_float(m, 0.1f);
        break;
    }
    return m;
}

static lo_message random_message(char *path, size_t plen)
{
    lo_message m = lo_message_new();
    char s[64];
    if (rn(10) == 0) {
        random_string(s, rn(30), 0);
        snprintf(path, plen, "/camsep/%s", s);
    } else {
        table_path(path, plen, 1);
    }
    int argc = rn(4) == 0 ? 0 : rn(6);
    for (int k = 0; k < argc; k++)
        add_random_arg(m, 0);
    return m;
}

static void send_garbage_udp(int port)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    unsigned char buf[20000];
    size_t n = rn(4) ? 1 + (size_t)rn(200) : 9000 + (size_t)rn(10000);
    for (size_t k = 0; k < n; k++)
        buf[k] = (unsigned char)rnd();
    buf[0] = 'x'; /* not an OSC address or bundle */
    CHECK(sendto(fd, buf, n, 0, (struct sockaddr *)&sa, sizeof sa) == (ssize_t)n);
    close(fd);
}

static int state_equal(const camsep_osc_state *a)
{
    camsep_osc_state b;
    fake_get_state(&b, NULL);
    return memcmp(a, &b, sizeof b) == 0;
}

int main(int argc, char **argv)
{
    long total = argc > 1 ? atol(argv[1]) : 20000;
    if (argc > 2)
        rng = (uint64_t)strtoull(argv[2], NULL, 10) | 1u;
    memset(&fstate, 0, sizeof fstate);
    fstate.n_players = 4;
    fstate.mask_power = 2.0f;
    snprintf(fstate.camera_state, sizeof fstate.camera_state, "running");
    camsep_osc_state before = fstate;

    camsep_osc_config cfg;
    camsep_osc_config_default(&cfg);
    cfg.port = "0";
    cfg.rate_limit_hz = 1e9f;
    cfg.rate_burst = 1e9f;
    camsep_osc_host host = {fake_submit, fake_get_state, NULL, NULL};
    char err[256];
    camsep_osc *o = camsep_osc_create(&cfg, &host, err, sizeof err);
    CHECK_MSG(o, "%s", err);
    CHECK(camsep_osc_start(o) == 0);
    int port = camsep_osc_port(o);
    client u, t;
    client_open(&u, LO_UDP, port);
    client_open(&t, LO_TCP, port);

    /* phase 1: invalid only */
    long sent = 0, garbage = 0, huge = 0;
    char path[512];
    for (long i = 0; i < total / 2; i++) {
        int r = rn(20);
        client *c = rn(2) ? &u : &t;
        if (r == 0) {
            send_garbage_udp(port);
            garbage++;
        } else if (r == 1 && c == &u) { /* over the size limit */
            lo_message m = lo_message_new();
            int n = 9000 + rn(20000);
            unsigned char *d = calloc((size_t)n, 1);
            lo_blob b = lo_blob_new(n, d);
            lo_message_add_blob(m, b);
            lo_send_message_from(c->to, c->srv, "/camsep/player/1/name", m);
            lo_blob_free(b);
            free(d);
            lo_message_free(m);
            huge++;
        } else {
            lo_message m = invalid_message(path, sizeof path);
            CHECK(lo_send_message_from(c->to, c->srv, path, m) >= 0);
            lo_message_free(m);
        }
        sent++;
        if (sent % 25 == 0) {
            barrier(o, &u, (uint64_t)sent);
            barrier(o, &t, (uint64_t)sent);
        }
    }
    barrier(o, &u, (uint64_t)sent);
    barrier(o, &t, (uint64_t)sent);
    camsep_osc_counters k;
    camsep_osc_get_counters(o, &k);
    uint64_t rejected = k.rejected_unknown + k.rejected_type + k.rejected_range;
    await_errors(&u, &t, (long)rejected);
    CHECK_MSG(submitted == 0 && k.applied == 0 && k.queries == 0, "invalid phase: %ld submitted", submitted);
    CHECK(state_equal(&before));
    CHECK_MSG(rejected + k.rejected_malformed == (uint64_t)sent + k.pattern_extra &&
                  k.received + k.pattern_extra == rejected,
              "invalid phase: sent %ld, rejected %llu + malformed %llu", sent, (unsigned long long)rejected,
              (unsigned long long)k.rejected_malformed);
    CHECK_MSG(k.rejected_malformed == (uint64_t)(garbage + huge), "malformed %llu, garbage %ld + huge %ld",
              (unsigned long long)k.rejected_malformed, garbage, huge);
    CHECK_MSG((uint64_t)(u.errors + t.errors) == rejected, "error replies %ld, rejected %llu", u.errors + t.errors,
              (unsigned long long)rejected);
    printf("phase 1: %ld invalid packets (%ld garbage, %ld oversized): %llu rejected with error replies, "
           "%llu malformed, 0 applied, state unchanged\n",
           sent, garbage, huge, (unsigned long long)rejected, (unsigned long long)k.rejected_malformed);

    /* phase 2: random */
    big_blobs = 1;
    long sent2 = 0;
    for (long i = 0; i < total - total / 2; i++) {
        client *c = rn(2) ? &u : &t;
        if (rn(50) == 0) {
            send_garbage_udp(port);
        } else if (rn(30) == 0) { /* a bundle of random messages */
            lo_bundle b = lo_bundle_new(LO_TT_IMMEDIATE);
            int n = 1 + rn(4);
            for (int j = 0; j < n; j++) {
                lo_message m = random_message(path, sizeof path);
                lo_bundle_add_message(b, path, m);
            }
            if (lo_bundle_length(b) < 8000) {
                lo_send_bundle_from(c->to, c->srv, b);
                sent2 += n - 1;
            } else {
                sent2 -= 1;
            }
            lo_bundle_free_recursive(b);
        } else {
            lo_message m = random_message(path, sizeof path);
            if (lo_message_length(m, path) > 60000) /* more than UDP carries: not sent */
                sent2--;
            else
                lo_send_message_from(c->to, c->srv, path, m);
            lo_message_free(m);
        }
        sent2++;
        if (i % 25 == 24) {
            barrier(o, &u, (uint64_t)(sent + sent2));
            barrier(o, &t, (uint64_t)(sent + sent2));
        }
    }
    barrier(o, &u, (uint64_t)(sent + sent2));
    barrier(o, &t, (uint64_t)(sent + sent2));
    camsep_osc_get_counters(o, &k);
    rejected = k.rejected_unknown + k.rejected_type + k.rejected_range + k.rejected_rate + k.rejected_queue_full;
    CHECK(k.received + k.pattern_extra == k.applied + k.queries + rejected);
    CHECK(k.received + k.rejected_malformed == (uint64_t)(sent + sent2));
    pthread_mutex_lock(&mu);
    long subs = submitted;
    pthread_mutex_unlock(&mu);
    CHECK(k.applied >= (uint64_t)subs);
    printf("phase 2: %ld random messages: %llu applied (%ld commands), %llu queries, %llu rejected, %llu malformed; "
           "send failures %llu\n",
           sent2, (unsigned long long)k.applied, subs, (unsigned long long)k.queries, (unsigned long long)rejected,
           (unsigned long long)k.rejected_malformed, (unsigned long long)k.send_failures);
    lo_address_free(u.to);
    lo_server_free(u.srv);
    lo_address_free(t.to);
    lo_server_free(t.srv);
    camsep_osc_free(o);
    printf("osc_fuzz: passed\n");
    return 0;
}
