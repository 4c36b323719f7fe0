/* SPDX-License-Identifier: GPL-3.0-or-later */
/* camsep-capture --relay: OSC priors into the shared-memory ring (see capture_relay.h). */
#include "capture_relay.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "motion_energy.h"
#include "osc_control.h"
#include "osc_prior_rx.h"
#include "shm_ring.h"

struct capture_relay {
    pthread_mutex_t lock; /* the receiver and the ring's writer side */
    camsep_prior_rx rx;
    camsep_shm_writer *shm;
    camsep_osc *osc;
    int n_players;
    uint64_t published;
};

_Static_assert(CAMSEP_PRIOR_RX_MAX_PLAYERS <= CAMSEP_SHM_MAX_PLAYERS, "a ring record holds every remote player");
_Static_assert(CAMSEP_PRIOR_RX_MAX_MOTION_CHANNELS <= CAMSEP_SHM_MAX_MOTION,
               "a ring record holds every remote motion channel");

/* Under lock: one merged prior into the ring; all unknown = the camera is lost. */
static void publish_locked(capture_relay *r, const camsep_prior_rx_out *out)
{
    camsep_shm_record rec;
    memset(&rec, 0, sizeof rec);
    rec.timestamp_ns = out->time_ns;
    rec.n_players = out->n_players;
    rec.held = out->held;
    /* the ring was made with the capture's channels */
    const int channels = out->motion_channels < CAMSEP_MOTION_CHANNELS ? out->motion_channels : CAMSEP_MOTION_CHANNELS;
    int known = 0;
    for (int j = 0; j < out->n_players; j++) {
        rec.activity[j] = out->activity[j];
        known += !isnan(out->activity[j]);
        for (int c = 0; c < channels; c++)
            rec.motion[j][c] = out->motion[j][c];
    }
    rec.status = known ? CAMSEP_SHM_CAMERA_OK : CAMSEP_SHM_CAMERA_LOST;
    camsep_shm_writer_publish(r->shm, &rec);
    r->published++;
}

/* OSC server thread. */
static int relay_stream(const camsep_osc_stream_msg *m, char *why, size_t whylen, void *user)
{
    capture_relay *r = user;
    pthread_mutex_lock(&r->lock);
    int rc;
    if (!strcmp(m->name, "/players")) {
        rc = camsep_prior_rx_players(&r->rx, m->argc, why, whylen);
    } else {
        camsep_prior_rx_out out;
        rc = camsep_prior_rx_message(&r->rx, m->sender, m->argv, m->argc, m->receipt_ns, &out, why, whylen);
        if (rc == 1)
            publish_locked(r, &out);
        rc = rc < 0 ? -1 : 0;
    }
    pthread_mutex_unlock(&r->lock);
    return rc;
}

static int relay_submit(const camsep_osc_command *c, void *user)
{
    (void)c;
    capture_relay *r = user;
    camsep_osc_refuse(r->osc, "camsep-capture --relay has no camera: set boxes on the sending camsep-capture");
    return -1;
}

static void relay_state(camsep_osc_state *st, void *user)
{
    capture_relay *r = user;
    st->n_players = r->n_players;
    pthread_mutex_lock(&r->lock);
    const camsep_prior_rx_stats *x = &r->rx.stats;
    snprintf(st->camera_state, sizeof st->camera_state, "%s", x->senders ? "remote" : "waiting");
    snprintf(st->remote_state, sizeof st->remote_state, "%s", x->senders ? "receiving" : "waiting");
    const uint64_t v[5] = {(uint64_t)x->senders, x->received, x->gaps, x->late + x->duplicates, x->refused};
    memcpy(st->remote, v, sizeof v);
    pthread_mutex_unlock(&r->lock);
    st->camera_motion_u = st->camera_motion_v = NAN;
    snprintf(st->found_state, sizeof st->found_state, "idle"); /* /players/found: nobody to look for here */
    snprintf(st->found_message, sizeof st->found_message, "camsep-capture --relay has no camera");
}

capture_relay *capture_relay_open(const capture_options *o, char *err, size_t errlen)
{
    if (!o->shm_name) {
        snprintf(err, errlen, "--relay writes the shared-memory ring: not with --no-shm");
        return NULL;
    }
    capture_relay *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&r->lock, NULL);
    r->n_players = o->relay_players;
    camsep_prior_rx_init(&r->rx, r->n_players, 0);
    r->shm = camsep_shm_writer_create(o->shm_name, r->n_players, CAMSEP_MOTION_CHANNELS, err, errlen);
    if (!r->shm) {
        capture_relay_close(r);
        return NULL;
    }
    camsep_osc_config cfg;
    camsep_osc_config_default(&cfg);
    cfg.port = o->relay_port;
    cfg.prefix = o->osc_prefix;
    cfg.enable_tcp = !o->osc_no_tcp;
    cfg.camera_only = 1;
    cfg.program = "camsep-capture --relay";
    camsep_osc_host host = {relay_submit, relay_state, r, relay_stream};
    char why[256];
    r->osc = camsep_osc_create(&cfg, &host, why, sizeof why);
    if (!r->osc || camsep_osc_start(r->osc)) {
        snprintf(err, errlen, "--relay %s: %s", o->relay_port, r->osc ? "cannot start the OSC thread" : why);
        capture_relay_close(r);
        return NULL;
    }
    return r;
}

void capture_relay_tick(capture_relay *r, int64_t now_ns)
{
    pthread_mutex_lock(&r->lock);
    camsep_prior_rx_out out;
    if (camsep_prior_rx_tick(&r->rx, now_ns, &out))
        publish_locked(r, &out);
    camsep_shm_writer_heartbeat(r->shm, now_ns);
    pthread_mutex_unlock(&r->lock);
}

void capture_relay_status(capture_relay *r, char *buf, size_t size)
{
    pthread_mutex_lock(&r->lock);
    const camsep_prior_rx_stats *x = &r->rx.stats;
    snprintf(buf, size, "senders %d received %llu gaps %llu late %llu dups %llu refused %llu published %llu",
             x->senders, (unsigned long long)x->received, (unsigned long long)x->gaps, (unsigned long long)x->late,
             (unsigned long long)x->duplicates, (unsigned long long)x->refused, (unsigned long long)r->published);
    pthread_mutex_unlock(&r->lock);
}

int capture_relay_port(const capture_relay *r)
{
    return camsep_osc_port(r->osc);
}

void capture_relay_close(capture_relay *r)
{
    if (!r)
        return;
    camsep_osc_free(r->osc); /* no message after this */
    camsep_shm_writer_close(r->shm);
    pthread_mutex_destroy(&r->lock);
    free(r);
}
