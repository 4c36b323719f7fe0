/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep.lv2 sound check, between the plugin and camsep_lv2_soundcheck.c:
 * commands and status requests on the worker (a finished sound check's
 * dictionaries go into the worker's table, so that the state refers to
 * them, and a new set goes to run() the usual way), and the status requests
 * run() sends while a sound check runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camsep_lv2.h"

#define POLL_PER_SECOND 10

static void respond_status(camsep_lv2 *self, LV2_Worker_Respond_Function respond, LV2_Worker_Respond_Handle handle)
{
    camsep_lv2_resp_soundcheck r;
    memset(&r, 0, sizeof r);
    r.type = CAMSEP_RESP_SOUNDCHECK;
    camsep_lv2_sc_status_get(self->sc, &r.status);
    respond(handle, sizeof r, &r); /* a full queue: the next request asks again */
}

void camsep_lv2_sc_work_command(camsep_lv2 *self, const char *text, int camera_live,
                                LV2_Worker_Respond_Function respond, LV2_Worker_Respond_Handle handle)
{
    camsep_lv2_worker_state *ws = &self->ws;
    int learn[CAMSEP_LV2_MAX_PLAYERS] = {0};
    pthread_mutex_lock(&ws->lock);
    const camsep_config cfg = *camsep_engine_config(self->engines[ws->mode]);
    for (int j = 0; j < self->players; j++)
        learn[j] = ws->active[j] != CAMSEP_INSTR_NONE;
    pthread_mutex_unlock(&ws->lock);
    char err[CAMSEP_LV2_SC_TEXT + 64];
    if (camsep_lv2_sc_command(self->sc, text, &cfg, learn, camera_live, err, sizeof err))
        lv2_log_warning(&self->logger, "camsep.lv2: %s\n", err);
    respond_status(self, respond, handle);
}

/* What install() replaced, to put back if the set cannot be built. */
typedef struct previous_slots {
    camsep_dictionary *dict[CAMSEP_LV2_MAX_PLAYERS];
    int active[CAMSEP_LV2_MAX_PLAYERS];
    char file[CAMSEP_LV2_MAX_PLAYERS][CAMSEP_LV2_PATH_MAX];
    char key[CAMSEP_LV2_MAX_PLAYERS][CAMSEP_LV2_PATH_MAX + 8];
} previous_slots;

/* Under ws.lock: the learned dictionaries replace the players' (as files in
 * the table, so that save() stores them) and a set is built; 0, or -1 with
 * the table as it was (the learned dictionaries stay in res). */
static int install(camsep_lv2 *self, camsep_lv2_sc_result *res, camsep_lv2_set_info *info)
{
    camsep_lv2_worker_state *ws = &self->ws;
    previous_slots *old = malloc(sizeof *old);
    if (!old)
        return -1;
    for (int k = 0; k < res->n; k++) {
        const int j = res->player[k];
        old->dict[k] = ws->dict[j];
        old->active[k] = ws->active[j];
        memcpy(old->file[k], ws->file[j], sizeof old->file[k]);
        memcpy(old->key[k], ws->loaded_key[j], sizeof old->key[k]);
        ws->dict[j] = res->dict[k];
        ws->active[j] = -1;
        snprintf(ws->file[j], sizeof ws->file[j], "%s", res->path[k]);
        snprintf(ws->loaded_key[j], sizeof ws->loaded_key[j], "f:%s", res->path[k]);
    }
    const int r = camsep_lv2_worker_reconcile(self, info, 1) == 0 ? 0 : -1;
    for (int k = 0; k < res->n; k++) {
        const int j = res->player[k];
        if (r == 0) {
            camsep_dictionary_free(old->dict[k]);
            res->dict[k] = NULL;
            continue;
        }
        ws->dict[j] = old->dict[k];
        ws->active[j] = old->active[k];
        memcpy(ws->file[j], old->file[k], sizeof old->file[k]);
        memcpy(ws->loaded_key[j], old->key[k], sizeof old->key[k]);
    }
    free(old);
    return r;
}

static void log_end(camsep_lv2 *self, const camsep_lv2_sc_status *st)
{
    if (st->serial == self->ws.sc_logged_serial) /* only the poll handler touches it */
        return;
    self->ws.sc_logged_serial = st->serial;
    if (st->state == CAMSEP_LV2_SC_FAILED)
        lv2_log_error(&self->logger, "camsep.lv2: sound check failed: %s\n", st->message);
    else if (st->state == CAMSEP_LV2_SC_CANCELLED)
        lv2_log_note(&self->logger, "camsep.lv2: sound check %s\n", st->message);
    else if (st->state == CAMSEP_LV2_SC_DONE)
        lv2_log_note(&self->logger, "camsep.lv2: sound check %s\n", st->message);
}

void camsep_lv2_sc_work_poll(camsep_lv2 *self, LV2_Worker_Respond_Function respond, LV2_Worker_Respond_Handle handle)
{
    camsep_lv2_worker_state *ws = &self->ws;
    /* The status first: a run that says "done" has left its result, taken
     * below, so run() stops asking only after it is in use. */
    camsep_lv2_resp_soundcheck r;
    memset(&r, 0, sizeof r);
    r.type = CAMSEP_RESP_SOUNDCHECK;
    camsep_lv2_sc_status_get(self->sc, &r.status);
    camsep_lv2_sc_result res;
    if (camsep_lv2_sc_take_result(self->sc, &res)) {
        camsep_lv2_set_info info;
        pthread_mutex_lock(&ws->lock);
        const int ok = install(self, &res, &info) == 0;
        pthread_mutex_unlock(&ws->lock);
        if (ok) {
            camsep_lv2_worker_respond_set(self, respond, handle, &info);
            for (int k = 0; k < res.n; k++)
                camsep_lv2_worker_respond_text(respond, handle, CAMSEP_RESP_FILE, res.player[k], res.path[k]);
        } else {
            for (int k = 0; k < res.n; k++)
                camsep_dictionary_free(res.dict[k]);
            camsep_lv2_sc_install_failed(self->sc, "the dictionary set could not be built (see the log)");
            camsep_lv2_sc_status_get(self->sc, &r.status);
        }
    }
    log_end(self, &r.status);
    respond(handle, sizeof r, &r);
}

void camsep_lv2_sc_run(camsep_lv2 *self, uint32_t n_samples)
{
    const int running =
        self->sc_status.state == CAMSEP_LV2_SC_RECORDING || self->sc_status.state == CAMSEP_LV2_SC_LEARNING;
    if (!running)
        return;
    self->samples_since_sc_poll += n_samples;
    /* one request at a time; asked again after a second if its answer was lost */
    if (self->samples_since_sc_poll < (int64_t)(self->rate / POLL_PER_SECOND) ||
        (self->sc_poll_pending && self->samples_since_sc_poll < (int64_t)self->rate))
        return;
    camsep_lv2_msg_ptr msg = {CAMSEP_MSG_SOUNDCHECK_POLL, 0, NULL};
    if (camsep_lv2_dispatch(self, &msg, sizeof msg) == 0) {
        self->samples_since_sc_poll = 0;
        self->sc_poll_pending = self->schedule != NULL; /* inline: answered already */
    }
}
