/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Priors from the network (see host_remote.h). */
#include "host_remote.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REFUSAL_LINE_NS 2000000000LL /* a refused sender is reported on stdout at most this often */

struct host_remote {
    pthread_mutex_t lock;
    host_session *session;
    camsep_prior_rx rx;
    int own_camera;
    int reported_senders;
    int64_t last_refusal_line;
    char program[64];
};

host_remote *host_remote_create(host_session *s, const char *program)
{
    host_remote *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    pthread_mutex_init(&r->lock, NULL);
    r->session = s;
    r->own_camera = host_session_has_own_camera(s);
    r->last_refusal_line = INT64_MIN;
    snprintf(r->program, sizeof r->program, "%s", program ? program : "camsep");
    camsep_prior_rx_init(&r->rx, host_session_players(s), 0);
    host_remote_status st = {.enabled = !r->own_camera};
    host_session_set_remote_status(s, &st);
    return r;
}

void host_remote_free(host_remote *r)
{
    if (!r)
        return;
    pthread_mutex_destroy(&r->lock);
    free(r);
}

/* Under lock: the receiver's counters to the session's status; a line on
 * stdout when the number of senders changes. */
static void publish_locked(host_remote *r)
{
    const camsep_prior_rx_stats *x = &r->rx.stats;
    host_remote_status st = {.enabled = !r->own_camera,
                             .senders = x->senders,
                             .received = x->received,
                             .gaps = x->gaps,
                             .late = x->late,
                             .duplicates = x->duplicates,
                             .refused = x->refused};
    host_session_set_remote_status(r->session, &st);
    if (x->senders != r->reported_senders) {
        printf("%s: remote priors: %d sender%s%s\n", r->program, x->senders, x->senders == 1 ? "" : "s",
               x->senders ? "" : " (neutral priors)");
        fflush(stdout);
        r->reported_senders = x->senders;
    }
}

_Static_assert(CAMSEP_PRIOR_RX_MAX_PLAYERS <= CAMSEP_MAX_SOURCES, "a camsep_prior holds every remote player");
_Static_assert(CAMSEP_PRIOR_RX_MAX_MOTION_CHANNELS <= CAMSEP_MAX_MOTION_CHANNELS,
               "a camsep_prior holds every remote motion channel");

static void push(host_remote *r, const camsep_prior_rx_out *out)
{
    camsep_prior q;
    memset(&q, 0, sizeof q);
    q.n_sources = out->n_players;
    q.held = out->held;
    for (int j = 0; j < out->n_players; j++) {
        q.activity[j] = out->activity[j];
        for (int c = 0; c < out->motion_channels; c++)
            q.motion[j][c] = out->motion[j][c];
    }
    host_session_push_remote(r->session, &q, out->time_ns);
}

int host_remote_message(host_remote *r, const camsep_osc_stream_msg *m, char *why, size_t whylen)
{
    pthread_mutex_lock(&r->lock);
    int rc;
    if (r->own_camera) {
        r->rx.stats.refused++;
        snprintf(why, whylen,
                 "this host reads its own camera (video in its configuration): remote priors are "
                 "not used");
        rc = -1;
    } else if (!strcmp(m->name, "/players")) {
        rc = camsep_prior_rx_players(&r->rx, m->argc, why, whylen);
    } else {
        camsep_prior_rx_out out;
        rc = camsep_prior_rx_message(&r->rx, m->sender, m->argv, m->argc, m->receipt_ns, &out, why, whylen);
        if (rc == 1)
            push(r, &out);
        rc = rc < 0 ? -1 : 0;
    }
    if (rc && (r->last_refusal_line == INT64_MIN || m->receipt_ns - r->last_refusal_line >= REFUSAL_LINE_NS)) {
        printf("%s: remote priors from %s refused: %s\n", r->program, m->sender, why);
        fflush(stdout);
        r->last_refusal_line = m->receipt_ns;
    }
    publish_locked(r);
    pthread_mutex_unlock(&r->lock);
    return rc;
}

void host_remote_tick(host_remote *r, int64_t now_ns)
{
    pthread_mutex_lock(&r->lock);
    camsep_prior_rx_out out;
    if (camsep_prior_rx_tick(&r->rx, now_ns, &out))
        push(r, &out);
    publish_locked(r);
    pthread_mutex_unlock(&r->lock);
}

void host_remote_state(host_remote *r, char *buf, size_t size)
{
    pthread_mutex_lock(&r->lock);
    if (r->own_camera)
        snprintf(buf, size, "off: this host reads its own camera");
    else
        snprintf(buf, size, "%s", r->rx.stats.senders ? "receiving" : "waiting");
    pthread_mutex_unlock(&r->lock);
}
