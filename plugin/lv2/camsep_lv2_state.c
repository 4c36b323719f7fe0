/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep.lv2 state: the players' dictionary files (atom:Path, mapped with
 * state:mapPath so that sessions stay portable) and the prior ring's name
 * (atom:String). The instrument, gain and other controls are ports: the host
 * saves those.
 *
 * save() may run concurrently with run(): it reads only the worker's table,
 * under its lock (which run() never takes). restore() writes the table under
 * the lock and asks the worker (the one passed to restore, as
 * state:threadSafeRestore requires) to load it; a host without one calls
 * restore() with audio stopped, and the loading then happens right here.
 */
#include <stdlib.h>
#include <string.h>

#include "lv2/core/lv2_util.h"
#include "lv2/state/state.h"

#include "camsep_lv2.h"

static void free_host_path(const LV2_State_Free_Path *fp, char *path)
{
    if (fp)
        fp->free_path(fp->handle, path);
    else
        free(path);
}

static LV2_State_Status save(LV2_Handle instance, LV2_State_Store_Function store, LV2_State_Handle handle,
                             uint32_t flags, const LV2_Feature *const *features)
{
    (void)flags;
    camsep_lv2 *self = instance;
    if (!self->has_map)
        return LV2_STATE_ERR_NO_FEATURE;
    const LV2_State_Map_Path *map_path = lv2_features_data(features, LV2_STATE__mapPath);
    const LV2_State_Free_Path *free_path = lv2_features_data(features, LV2_STATE__freePath);
    camsep_lv2_worker_state *ws = &self->ws;
    char (*files)[CAMSEP_LV2_PATH_MAX] = malloc(sizeof ws->file);
    char name[CAMSEP_LV2_SHM_NAME_SIZE];
    if (!files)
        return LV2_STATE_ERR_UNKNOWN;
    pthread_mutex_lock(&ws->lock);
    memcpy(files, ws->file, sizeof ws->file);
    memcpy(name, ws->shm_name, sizeof name);
    pthread_mutex_unlock(&ws->lock);

    LV2_State_Status st = LV2_STATE_SUCCESS;
    for (int j = 0; j < self->players && st == LV2_STATE_SUCCESS; j++) {
        if (!files[j][0])
            continue;
        char *abstract = map_path ? map_path->abstract_path(map_path->handle, files[j]) : NULL;
        const char *value = abstract ? abstract : files[j];
        st = store(handle, self->uris.dictionary[j], value, strlen(value) + 1, self->uris.atom_Path,
                   LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE);
        if (abstract)
            free_host_path(free_path, abstract);
    }
    if (st == LV2_STATE_SUCCESS)
        st = store(handle, self->uris.shm_name, name, strlen(name) + 1, self->uris.atom_String,
                   LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE);
    free(files);
    return st;
}

static LV2_State_Status restore(LV2_Handle instance, LV2_State_Retrieve_Function retrieve, LV2_State_Handle handle,
                                uint32_t flags, const LV2_Feature *const *features)
{
    (void)flags;
    camsep_lv2 *self = instance;
    if (!self->has_map)
        return LV2_STATE_ERR_NO_FEATURE;
    const LV2_State_Map_Path *map_path = lv2_features_data(features, LV2_STATE__mapPath);
    const LV2_State_Free_Path *free_path = lv2_features_data(features, LV2_STATE__freePath);
    LV2_Worker_Schedule *schedule = (LV2_Worker_Schedule *)lv2_features_data(features, LV2_WORKER__schedule);
    camsep_lv2_worker_state *ws = &self->ws;

    char (*files)[CAMSEP_LV2_PATH_MAX] = calloc(1, sizeof ws->file);
    if (!files)
        return LV2_STATE_ERR_UNKNOWN;
    for (int j = 0; j < self->players; j++) {
        size_t size = 0;
        uint32_t type = 0, vflags = 0;
        const char *value = retrieve(handle, self->uris.dictionary[j], &size, &type, &vflags);
        if (!value || type != self->uris.atom_Path || !size || value[size - 1] != '\0')
            continue; /* no file: the player uses its instrument control */
        char *absolute = map_path ? map_path->absolute_path(map_path->handle, value) : NULL;
        const char *path = absolute ? absolute : value;
        if (strlen(path) < CAMSEP_LV2_PATH_MAX)
            memcpy(files[j], path, strlen(path) + 1);
        else
            lv2_log_error(&self->logger, "camsep.lv2: dictionary path too long, ignored: %s\n", path);
        if (absolute)
            free_host_path(free_path, absolute);
    }
    char name[CAMSEP_LV2_SHM_NAME_SIZE] = "";
    {
        size_t size = 0;
        uint32_t type = 0, vflags = 0;
        const char *value = retrieve(handle, self->uris.shm_name, &size, &type, &vflags);
        if (value && type == self->uris.atom_String && size && size <= sizeof name && value[size - 1] == '\0' &&
            !camsep_shm_name_valid(value, NULL, 0))
            memcpy(name, value, size);
    }

    pthread_mutex_lock(&ws->lock);
    memcpy(ws->file, files, sizeof ws->file);
    const int name_changed = name[0] && strcmp(name, ws->shm_name);
    if (name_changed)
        memcpy(ws->shm_name, name, sizeof name);
    pthread_mutex_unlock(&ws->lock);
    free(files);

    camsep_lv2_msg_ptr msg = {CAMSEP_MSG_RECONCILE, name_changed, NULL};
    if (camsep_lv2_dispatch_via(self, schedule, &msg, sizeof msg))
        return LV2_STATE_ERR_UNKNOWN;
    return LV2_STATE_SUCCESS;
}

static const LV2_State_Interface state_interface = {save, restore};

const void *camsep_lv2_state_interface(void)
{
    return &state_interface;
}
