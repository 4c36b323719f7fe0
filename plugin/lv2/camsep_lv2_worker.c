/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep.lv2 worker: loads dictionaries and prepares dictionary sets off the
 * audio thread, opens the prior ring, and frees what the audio thread retired.
 * Every request is handled under ws.lock (the host may run restore's work in
 * another thread than its worker); run() never takes that lock.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camsep_lv2.h"

static void log_error(camsep_lv2 *self, const char *what, const char *err)
{
    lv2_log_error(&self->logger, "camsep.lv2: %s%s%s\n", what, err ? ": " : "", err ? err : "");
}

/* The bundled dictionary of an instrument for a latency mode: dictionaries/
 * holds the default latency's, dictionaries/latency-L/ the others'. */
static void instrument_path(const camsep_lv2 *self, int mode, const char *name, char *buf, size_t size)
{
    const size_t n = strlen(self->bundle_path);
    const char *sep = n && self->bundle_path[n - 1] == '/' ? "" : "/";
    char sub[32] = "";
    if (mode != CAMSEP_LATENCY_MODE_1024)
        snprintf(sub, sizeof sub, "/latency-%d", camsep_lv2_mode_latency(mode));
    snprintf(buf, size, "%s%s%s%s/%s.dict", self->bundle_path, sep, CAMSEP_LV2_DICT_DIR, sub, name);
}

static camsep_dictionary *load(camsep_lv2 *self, const char *path)
{
    char err[600];
    camsep_dictionary *d = camsep_dictionary_load(path, err, sizeof err);
    if (!d)
        log_error(self, "cannot load a dictionary", err);
    return d;
}

/* Under ws.lock: loads what the table asks for that is not loaded yet, and
 * builds a new set when something changed (or force). Returns 0 with a set in
 * *info, 1 if nothing changed, -1 if the set could not be built. */
static int reconcile(camsep_lv2 *self, camsep_lv2_set_info *info, int force)
{
    camsep_lv2_worker_state *ws = &self->ws;
    int changed = force;
    for (int j = 0; j < self->players; j++) {
        char want[CAMSEP_LV2_PATH_MAX + 8] = "";
        const int instr = ws->instrument[j];
        const char *name = instr > 0 && instr < CAMSEP_INSTR_COUNT ? camsep_lv2_instruments[instr].name : NULL;
        if (ws->file[j][0])
            snprintf(want, sizeof want, "f:%s", ws->file[j]);
        else if (name)
            snprintf(want, sizeof want, "i:%s", name);
        if (!strcmp(want, ws->loaded_key[j]))
            continue;
        camsep_dictionary *d = NULL;
        int active = CAMSEP_INSTR_NONE;
        if (ws->file[j][0]) {
            d = load(self, ws->file[j]);
            active = -1;
            if (!d && !strncmp(ws->loaded_key[j], "i:", 2) && name && !strcmp(ws->loaded_key[j] + 2, name))
                continue; /* the file failed; the instrument stays loaded */
        }
        if (!d && name) {
            char path[CAMSEP_LV2_PATH_MAX + 64];
            instrument_path(self, ws->mode, name, path, sizeof path);
            d = load(self, path);
            active = instr;
            snprintf(want, sizeof want, "i:%s", name);
        }
        if (!d) {
            active = CAMSEP_INSTR_NONE;
            want[0] = '\0';
        }
        camsep_dictionary_free(ws->dict[j]);
        ws->dict[j] = d;
        ws->active[j] = active;
        snprintf(ws->loaded_key[j], sizeof ws->loaded_key[j], "%s", want);
        changed = 1;
    }
    if (!changed)
        return 1;
    const camsep_dictionary *list[CAMSEP_LV2_MAX_PLAYERS];
    memset(info, 0, sizeof *info);
    int n = 0;
    for (int j = 0; j < CAMSEP_LV2_MAX_PLAYERS; j++) {
        info->stem_of_player[j] = -1;
        info->active[j] = j < self->players ? ws->active[j] : CAMSEP_INSTR_NONE;
        if (j < self->players && ws->dict[j]) {
            info->stem_of_player[j] = n;
            list[n++] = ws->dict[j];
        }
    }
    char err[600];
    info->mode = ws->mode;
    info->set = camsep_dictset_create(self->engines[ws->mode], list, n, ws->other[ws->mode], err, sizeof err);
    if (!info->set) {
        log_error(self, "cannot prepare the dictionary set", err);
        return -1;
    }
    info->n_player_stems = n;
    info->other_stem = n;
    return 0;
}

static void respond_set(camsep_lv2 *self, LV2_Worker_Respond_Function respond, LV2_Worker_Respond_Handle handle,
                        const camsep_lv2_set_info *info)
{
    camsep_lv2_resp_set r;
    memset(&r, 0, sizeof r);
    r.type = CAMSEP_RESP_SET;
    r.info = *info;
    if (respond(handle, sizeof r, &r) != LV2_WORKER_SUCCESS) {
        log_error(self, "the host's worker queue is full; a dictionary change was dropped", NULL);
        camsep_dictset_free(info->set);
    }
}

static void respond_ptr(LV2_Worker_Respond_Function respond, LV2_Worker_Respond_Handle handle, uint32_t type,
                        int flag, void *ptr)
{
    camsep_lv2_msg_ptr r = {type, flag, ptr};
    if (respond(handle, sizeof r, &r) != LV2_WORKER_SUCCESS && type == CAMSEP_RESP_READER)
        camsep_shm_reader_close(ptr);
}

uint32_t camsep_lv2_msg_text_make(void *buf, uint32_t bufsize, uint32_t type, int player, const char *text,
                                  uint32_t len)
{
    const uint32_t size = (uint32_t)offsetof(camsep_lv2_msg_text, text) + len + 1;
    if (size > bufsize)
        return 0;
    camsep_lv2_msg_text *m = buf;
    m->type = type;
    m->player = player;
    memcpy(m->text, text, len);
    m->text[len] = '\0';
    return size;
}

static void respond_text(LV2_Worker_Respond_Function respond, LV2_Worker_Respond_Handle handle, uint32_t type,
                         int player, const char *text)
{
    union {
        camsep_lv2_msg_text m;
        char bytes[sizeof(camsep_lv2_msg_text) + CAMSEP_LV2_PATH_MAX];
    } buf;
    const uint32_t size = camsep_lv2_msg_text_make(&buf, sizeof buf, type, player, text, (uint32_t)strlen(text));
    if (size)
        respond(handle, size, &buf);
}

/* The text of a text message, or NULL if it is malformed. */
static const char *msg_text(const void *data, uint32_t size, int *player)
{
    const size_t head = offsetof(camsep_lv2_msg_text, text);
    if (size <= head || ((const char *)data)[size - 1] != '\0')
        return NULL;
    camsep_lv2_msg_text m;
    memcpy(&m, data, sizeof m);
    *player = m.player;
    return (const char *)data + head;
}

static camsep_shm_reader *open_reader(camsep_lv2 *self, const char *name)
{
    char err[300];
    camsep_shm_reader *r = camsep_shm_reader_open(name, err, sizeof err);
    if (!r)
        lv2_log_note(&self->logger, "camsep.lv2: no prior ring yet (%s); neutral priors until it appears\n", err);
    return r;
}

static void handle_request(camsep_lv2 *self, uint32_t type, uint32_t size, const void *data,
                           LV2_Worker_Respond_Function respond, LV2_Worker_Respond_Handle handle)
{
    camsep_lv2_worker_state *ws = &self->ws;
    camsep_lv2_set_info info;
    camsep_lv2_msg_ptr p = {0, 0, NULL};
    if (size >= sizeof p)
        memcpy(&p, data, sizeof p);
    switch (type) {
    case CAMSEP_MSG_SET_INSTRUMENTS: {
        camsep_lv2_msg_instruments m;
        if (size < sizeof m)
            return;
        memcpy(&m, data, sizeof m);
        pthread_mutex_lock(&ws->lock);
        for (int j = 0; j < self->players; j++)
            ws->instrument[j] = m.instrument[j];
        const int r = reconcile(self, &info, 0);
        pthread_mutex_unlock(&ws->lock);
        if (r == 0)
            respond_set(self, respond, handle, &info);
        return;
    }
    case CAMSEP_MSG_SET_FILE: {
        int player = -1;
        const char *path = msg_text(data, size, &player);
        if (!path || player < 0 || player >= self->players || strlen(path) >= CAMSEP_LV2_PATH_MAX)
            return;
        pthread_mutex_lock(&ws->lock);
        snprintf(ws->file[player], sizeof ws->file[player], "%s", path);
        const int r = reconcile(self, &info, 0);
        pthread_mutex_unlock(&ws->lock);
        respond_text(respond, handle, CAMSEP_RESP_FILE, player, path);
        if (r == 0)
            respond_set(self, respond, handle, &info);
        return;
    }
    case CAMSEP_MSG_SET_SHM_NAME: {
        int unused;
        const char *name = msg_text(data, size, &unused);
        char err[300];
        if (!name || camsep_shm_name_valid(name, err, sizeof err)) {
            log_error(self, "invalid prior ring name", name ? err : NULL);
            return;
        }
        pthread_mutex_lock(&ws->lock);
        snprintf(ws->shm_name, sizeof ws->shm_name, "%s", name);
        pthread_mutex_unlock(&ws->lock);
        respond_ptr(respond, handle, CAMSEP_RESP_READER, 1, open_reader(self, name));
        respond_text(respond, handle, CAMSEP_RESP_SHM_NAME, -1, name);
        return;
    }
    case CAMSEP_MSG_RECONCILE: {
        char name[CAMSEP_LV2_SHM_NAME_SIZE];
        char (*files)[CAMSEP_LV2_PATH_MAX] = malloc(sizeof ws->file);
        pthread_mutex_lock(&ws->lock);
        const int r = reconcile(self, &info, 0);
        snprintf(name, sizeof name, "%s", ws->shm_name);
        if (files)
            memcpy(files, ws->file, sizeof ws->file);
        pthread_mutex_unlock(&ws->lock);
        if (r == 0)
            respond_set(self, respond, handle, &info);
        for (int j = 0; files && j < self->players; j++)
            respond_text(respond, handle, CAMSEP_RESP_FILE, j, files[j]);
        free(files);
        if (p.flag) /* the ring name changed */
            respond_ptr(respond, handle, CAMSEP_RESP_READER, 1, open_reader(self, name));
        respond_text(respond, handle, CAMSEP_RESP_SHM_NAME, -1, name);
        return;
    }
    case CAMSEP_MSG_SET_MODE: {
        if (p.flag < 0 || p.flag >= CAMSEP_LATENCY_MODE_COUNT)
            return;
        pthread_mutex_lock(&ws->lock);
        int r = 1;
        if (p.flag != ws->mode) {
            const int before = ws->mode;
            ws->mode = p.flag;
            for (int j = 0; j < self->players; j++)
                ws->loaded_key[j][0] = '\0'; /* every dictionary again, learned for the new window */
            r = reconcile(self, &info, 1);
            if (r != 0) { /* e.g. a file learned for the other latency: stay where we are */
                ws->mode = before;
                for (int j = 0; j < self->players; j++)
                    ws->loaded_key[j][0] = '\0';
                camsep_lv2_set_info again;
                if (reconcile(self, &again, 1) == 0)
                    camsep_dictset_free(again.set); /* the engine in use keeps its set */
            }
        }
        pthread_mutex_unlock(&ws->lock);
        if (r == 0)
            respond_set(self, respond, handle, &info);
        return;
    }
    case CAMSEP_MSG_SOUNDCHECK: {
        int camera_live = 0;
        const char *text = msg_text(data, size, &camera_live);
        if (text)
            camsep_lv2_sc_work_command(self, text, camera_live, respond, handle);
        return;
    }
    case CAMSEP_MSG_SOUNDCHECK_POLL:
        camsep_lv2_sc_work_poll(self, respond, handle);
        return;
    case CAMSEP_MSG_FREE_SET:
        camsep_dictset_free(p.ptr);
        return;
    case CAMSEP_MSG_FREE_READER:
        camsep_shm_reader_close(p.ptr);
        return;
    case CAMSEP_MSG_SHM_RETRY: {
        char name[CAMSEP_LV2_SHM_NAME_SIZE], err[300];
        pthread_mutex_lock(&ws->lock);
        snprintf(name, sizeof name, "%s", ws->shm_name);
        pthread_mutex_unlock(&ws->lock);
        camsep_shm_reader *fresh = NULL;
        if (camsep_shm_reader_try_open(name, p.ptr, &fresh, err, sizeof err) < 0)
            fresh = NULL;
        respond_ptr(respond, handle, CAMSEP_RESP_READER, 0, fresh);
        return;
    }
    default:
        return;
    }
}

LV2_Worker_Status camsep_lv2_work(LV2_Handle instance, LV2_Worker_Respond_Function respond,
                                  LV2_Worker_Respond_Handle handle, uint32_t size, const void *data)
{
    camsep_lv2 *self = instance;
    uint32_t type;
    if (size < sizeof type)
        return LV2_WORKER_ERR_UNKNOWN;
    memcpy(&type, data, sizeof type);
    handle_request(self, type, size, data, respond, handle);
    return LV2_WORKER_SUCCESS;
}

/* Audio thread. */
static void retire_set(camsep_lv2 *self, camsep_dictset *s)
{
    if (s && self->n_garbage_sets < CAMSEP_LV2_GARBAGE)
        self->garbage_sets[self->n_garbage_sets++] = s;
}

LV2_Worker_Status camsep_lv2_work_response(LV2_Handle instance, uint32_t size, const void *data)
{
    camsep_lv2 *self = instance;
    uint32_t type;
    if (size < sizeof type)
        return LV2_WORKER_ERR_UNKNOWN;
    memcpy(&type, data, sizeof type);
    switch (type) {
    case CAMSEP_RESP_SET: {
        camsep_lv2_resp_set r;
        if (size < sizeof r)
            break;
        memcpy(&r, data, sizeof r);
        retire_set(self, self->incoming.set); /* superseded before it was posted */
        self->incoming = r.info;
        break;
    }
    case CAMSEP_RESP_FILE:
    case CAMSEP_RESP_SHM_NAME: {
        int player = -1;
        const char *text = msg_text(data, size, &player);
        if (!text)
            break;
        if (type == CAMSEP_RESP_SHM_NAME) {
            snprintf(self->rt_shm_name, sizeof self->rt_shm_name, "%s", text);
            self->notify_pending |= CAMSEP_LV2_NOTIFY_SHM_NAME;
        } else if (player >= 0 && player < self->players) {
            snprintf(self->rt_file[player], sizeof self->rt_file[player], "%s", text);
            self->notify_pending |= 1u << player;
        }
        break;
    }
    case CAMSEP_RESP_SOUNDCHECK: {
        camsep_lv2_resp_soundcheck r;
        if (size < sizeof r)
            break;
        memcpy(&r, data, sizeof r);
        if (r.status.serial != self->sc_status.serial || r.status.progress != self->sc_status.progress ||
            strcmp(r.status.message, self->sc_status.message))
            self->notify_pending |= CAMSEP_LV2_NOTIFY_SOUNDCHECK;
        if (r.status.notice_serial != self->sc_status.notice_serial)
            self->notify_pending |= CAMSEP_LV2_NOTIFY_SOUNDCHECK_NOTICE;
        self->sc_status = r.status;
        self->sc_poll_pending = 0;
        break;
    }
    case CAMSEP_RESP_READER: {
        camsep_lv2_msg_ptr p;
        if (size < sizeof p)
            break;
        memcpy(&p, data, sizeof p);
        if (!p.flag)
            self->retry_pending = 0;
        if (p.ptr || p.flag) {
            if (self->reader && self->n_garbage_readers < CAMSEP_LV2_GARBAGE)
                self->garbage_readers[self->n_garbage_readers++] = self->reader;
            self->reader = p.ptr;
            self->samples_since_retry = 0;
        }
        break;
    }
    default:
        break;
    }
    return LV2_WORKER_SUCCESS;
}

/* For the sound check's glue (camsep_lv2_sc_glue.c). */
int camsep_lv2_worker_reconcile(camsep_lv2 *self, camsep_lv2_set_info *info, int force)
{
    return reconcile(self, info, force);
}

void camsep_lv2_worker_respond_set(camsep_lv2 *self, LV2_Worker_Respond_Function respond,
                                   LV2_Worker_Respond_Handle handle, const camsep_lv2_set_info *info)
{
    respond_set(self, respond, handle, info);
}

void camsep_lv2_worker_respond_text(LV2_Worker_Respond_Function respond, LV2_Worker_Respond_Handle handle,
                                    uint32_t type, int player, const char *text)
{
    respond_text(respond, handle, type, player, text);
}

static LV2_Worker_Status inline_respond(LV2_Worker_Respond_Handle handle, uint32_t size, const void *data)
{
    return camsep_lv2_work_response(handle, size, data);
}

int camsep_lv2_dispatch_via(camsep_lv2 *self, LV2_Worker_Schedule *schedule, const void *msg, uint32_t size)
{
    if (schedule)
        return schedule->schedule_work(schedule->handle, size, msg) == LV2_WORKER_SUCCESS ? 0 : -1;
    camsep_lv2_work(self, inline_respond, self, size, msg);
    return 0;
}

int camsep_lv2_dispatch(camsep_lv2 *self, const void *msg, uint32_t size)
{
    return camsep_lv2_dispatch_via(self, self->schedule, msg, size);
}

int camsep_lv2_worker_init(camsep_lv2 *self, camsep_lv2_set_info *info)
{
    camsep_lv2_worker_state *ws = &self->ws;
    if (pthread_mutex_init(&ws->lock, NULL))
        return -1;
    ws->lock_ready = 1;
    for (int j = 0; j < self->players; j++)
        ws->instrument[j] = self->variant->instrument[j];
    snprintf(ws->shm_name, sizeof ws->shm_name, "%s", CAMSEP_LV2_DEFAULT_SHM_NAME);
    for (int m = 0; m < CAMSEP_LATENCY_MODE_COUNT; m++) {
        char path[CAMSEP_LV2_PATH_MAX + 64];
        instrument_path(self, m, "other", path, sizeof path);
        if (!(ws->other[m] = load(self, path)))
            return -1;
    }
    pthread_mutex_lock(&ws->lock);
    const int r = reconcile(self, info, 1);
    pthread_mutex_unlock(&ws->lock);
    return r == 0 ? 0 : -1;
}

void camsep_lv2_worker_free(camsep_lv2 *self)
{
    camsep_lv2_worker_state *ws = &self->ws;
    for (int j = 0; j < CAMSEP_LV2_MAX_PLAYERS; j++)
        camsep_dictionary_free(ws->dict[j]);
    for (int m = 0; m < CAMSEP_LATENCY_MODE_COUNT; m++)
        camsep_dictionary_free(ws->other[m]);
    if (ws->lock_ready)
        pthread_mutex_destroy(&ws->lock);
    ws->lock_ready = 0;
}
