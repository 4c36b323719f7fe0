/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep.lv2 camera priors (audio thread): drains the shared-memory prior
 * ring camsep-capture publishes (no system call: CLOCK_MONOTONIC is read
 * through the vDSO), maps capture times to the engine's input clock through
 * an anchor stamped at every run(), and pushes the priors into the engine.
 * While no live writer is seen, the worker is asked about once a second to
 * look for a (new) ring. No prior at all means neutral priors in the engine.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <string.h>

#include "camsep_lv2.h"
#include "capture_clock.h"

static void push_record(camsep_lv2 *self, const camsep_shm_record *rec, double latency_s)
{
    camsep_prior pr;
    memset(&pr, 0, sizeof pr);
    if (camsep_prior_clock_map(&self->clock, rec->timestamp_ns, latency_s, &pr.time))
        return;
    if (rec->status == CAMSEP_SHM_CAMERA_OK && camsep_lv2_sc_armed(self->sc)) {
        float act[CAMSEP_LV2_MAX_PLAYERS];
        for (int j = 0; j < CAMSEP_LV2_MAX_PLAYERS; j++) {
            const float a = j < rec->n_players ? rec->activity[j] : NAN;
            act[j] = isnan(a) ? a : a < 0.0f ? 0.0f : a > 1.0f ? 1.0f : a;
        }
        camsep_lv2_sc_tap_activity(self->sc, pr.time, act, self->players);
    }
    pr.n_sources = self->current.n_player_stems;
    for (int s = 0; s < pr.n_sources; s++)
        pr.activity[s] = NAN; /* unknown: neutral */
    if (rec->status != CAMSEP_SHM_CAMERA_OK)
        pr.n_sources = 0; /* the writer has no camera: neutral priors */
    for (int j = 0; j < self->players && j < rec->n_players; j++) {
        const int s = self->current.stem_of_player[j];
        if (s < 0 || s >= pr.n_sources)
            continue;
        const float a = rec->activity[j];
        pr.activity[s] = isnan(a) ? a : a < 0.0f ? 0.0f : a > 1.0f ? 1.0f : a;
        pr.held |= ((rec->held >> j) & 1u) << s;
        for (int c = 0; c < CAMSEP_MAX_MOTION_CHANNELS; c++)
            pr.motion[s][c] = isfinite(rec->motion[j][c]) && rec->motion[j][c] > 0.0f ? rec->motion[j][c] : 0.0f;
    }
    camsep_engine_push_prior(self->engine, &pr); /* a full ring drops it (counted by the engine) */
}

void camsep_lv2_camera_run(camsep_lv2 *self, uint32_t n_samples)
{
    const int64_t now = camsep_monotonic_ns();
    camsep_prior_clock_anchor(&self->clock, camsep_engine_time(self->engine), now);
    float latency_s = self->camera_latency ? *self->camera_latency : 0.0f;
    if (!(latency_s >= CAMSEP_LV2_CAMERA_LATENCY_MIN))
        latency_s = 0.0f;
    if (latency_s > CAMSEP_LV2_CAMERA_LATENCY_MAX)
        latency_s = CAMSEP_LV2_CAMERA_LATENCY_MAX;

    camsep_shm_poll_result r = CAMSEP_SHM_STALE;
    for (int i = 0; self->reader && i < CAMSEP_SHM_SLOTS; i++) {
        camsep_shm_record rec;
        r = camsep_shm_reader_poll(self->reader, now, &rec);
        if (r != CAMSEP_SHM_RECORD)
            break;
        self->last_record_status = rec.status;
        push_record(self, &rec, latency_s);
    }
    if (!self->reader)
        self->camera_state = CAMSEP_CAMERA_NO_RING;
    else if (r == CAMSEP_SHM_STALE)
        self->camera_state = CAMSEP_CAMERA_STALE;
    else
        self->camera_state =
            self->last_record_status == CAMSEP_SHM_CAMERA_OK ? CAMSEP_CAMERA_LIVE : CAMSEP_CAMERA_NO_CAMERA;

    /* Look for a (new) ring about once a second while there is no live writer. */
    self->samples_since_retry += n_samples;
    if (self->camera_state <= CAMSEP_CAMERA_STALE && !self->retry_pending &&
        self->samples_since_retry >= (int64_t)self->rate) {
        camsep_lv2_msg_ptr msg = {CAMSEP_MSG_SHM_RETRY, 0, self->reader};
        self->samples_since_retry = 0;
        if (self->schedule && !camsep_lv2_dispatch(self, &msg, sizeof msg))
            self->retry_pending = 1;
    }
}
