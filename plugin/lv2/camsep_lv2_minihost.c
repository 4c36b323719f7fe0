/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "camsep_lv2_minihost.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


static LV2_URID map_uri(LV2_URID_Map_Handle handle, const char *uri)
{
    minihost *h = handle;
    for (int i = 0; i < h->n_uris; i++)
        if (!strcmp(h->uris[i], uri))
            return (LV2_URID)(i + 1);
    if (h->n_uris == MINIHOST_URIS)
        return 0;
    h->uris[h->n_uris] = strdup(uri);
    return (LV2_URID)++h->n_uris;
}

LV2_URID minihost_map(minihost *h, const char *uri)
{
    return map_uri(h, uri);
}

static LV2_Worker_Status push(minihost_msg *queue, int *n, uint32_t size, const void *data)
{
    if (*n == MINIHOST_QUEUE || size > MINIHOST_MSG)
        return LV2_WORKER_ERR_NO_SPACE;
    queue[*n].size = size;
    memcpy(queue[*n].data, data, size);
    (*n)++;
    return LV2_WORKER_SUCCESS;
}

static LV2_Worker_Status respond(LV2_Worker_Respond_Handle handle, uint32_t size, const void *data)
{
    minihost *h = handle;
    return push(h->responses, &h->n_responses, size, data);
}

static LV2_Worker_Status schedule_work(LV2_Worker_Schedule_Handle handle, uint32_t size, const void *data)
{
    minihost *h = handle;
    if (h->immediate)
        return h->worker->work(h->handle, respond, h, size, data);
    return push(h->requests, &h->n_requests, size, data);
}

static int log_vprintf(LV2_Log_Handle handle, LV2_URID type, const char *fmt, va_list ap)
{
    minihost *h = handle;
    if (type == map_uri(h, LV2_LOG__Error)) {
        va_list copy;
        va_copy(copy, ap);
        vsnprintf(h->last_error, sizeof h->last_error, fmt, copy);
        va_end(copy);
    }
    return vfprintf(stderr, fmt, ap);
}

static int log_printf(LV2_Log_Handle handle, LV2_URID type, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = log_vprintf(handle, type, fmt, ap);
    va_end(ap);
    return r;
}

static void free_path(LV2_State_Free_Path_Handle handle, char *path);

/* makePath: scratch_dir/path, its directories made. */
static char *make_path(LV2_State_Make_Path_Handle handle, const char *path)
{
    minihost *h = handle;
    char *out = malloc(strlen(h->scratch_dir) + strlen(path) + 2);
    if (!out)
        return NULL;
    sprintf(out, "%s/%s", h->scratch_dir, path);
    for (char *s = out + strlen(h->scratch_dir) + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkdir(out, 0777);
            *s = '/';
        }
    return out;
}

int minihost_open(minihost *h, const char *bundle, const char *uri, double rate, int with_worker, char *err,
                  size_t errlen)
{
    return minihost_open_scratch(h, bundle, uri, rate, with_worker, NULL, err, errlen);
}

int minihost_open_scratch(minihost *h, const char *bundle, const char *uri, double rate, int with_worker,
                          const char *scratch_dir, char *err, size_t errlen)
{
    memset(h, 0, sizeof *h);
    if (scratch_dir)
        snprintf(h->scratch_dir, sizeof h->scratch_dir, "%s", scratch_dir);
    char path[2048];
    snprintf(path, sizeof path, "%s/camsep.so", bundle);
    h->requests = calloc(MINIHOST_QUEUE, sizeof(minihost_msg));
    h->responses = calloc(MINIHOST_QUEUE, sizeof(minihost_msg));
    if (!h->requests || !h->responses)
        return snprintf(err, errlen, "out of memory"), -1;
    if (!(h->lib = dlopen(path, RTLD_NOW | RTLD_LOCAL)))
        return snprintf(err, errlen, "%s", dlerror()), -1;
    LV2_Descriptor_Function fn;
    *(void **)&fn = dlsym(h->lib, "lv2_descriptor");
    if (!fn)
        return snprintf(err, errlen, "%s: no lv2_descriptor", path), -1;
    for (uint32_t i = 0; (h->desc = fn(i)); i++)
        if (!strcmp(h->desc->URI, uri))
            break;
    if (!h->desc)
        return snprintf(err, errlen, "%s: no plugin %s", path, uri), -1;
    h->map.handle = h;
    h->map.map = map_uri;
    h->schedule.handle = h;
    h->schedule.schedule_work = schedule_work;
    h->log = (LV2_Log_Log){h, log_printf, log_vprintf};
    map_uri(h, LV2_LOG__Error); /* mapped now: logging then only looks it up */
    LV2_Feature f_map = {LV2_URID__map, &h->map}, f_sched = {LV2_WORKER__schedule, &h->schedule},
                f_log = {LV2_LOG__log, &h->log};
    h->make_path = (LV2_State_Make_Path){h, make_path};
    h->free_path = (LV2_State_Free_Path){h, free_path};
    LV2_Feature f_make = {LV2_STATE__makePath, &h->make_path}, f_free = {LV2_STATE__freePath, &h->free_path};
    const LV2_Feature *features[6];
    int nf = 0;
    features[nf++] = &f_map;
    features[nf++] = &f_log;
    if (with_worker)
        features[nf++] = &f_sched;
    if (scratch_dir) {
        features[nf++] = &f_make;
        features[nf++] = &f_free;
    }
    features[nf] = NULL;
    char bundle_slash[2048];
    snprintf(bundle_slash, sizeof bundle_slash, "%s/", bundle);
    if (!(h->handle = h->desc->instantiate(h->desc, rate, bundle_slash, features)))
        return snprintf(err, errlen, "instantiate failed"), -1;
    h->worker = h->desc->extension_data(LV2_WORKER__interface);
    h->state = h->desc->extension_data(LV2_STATE__interface);
    return 0;
}

void minihost_close(minihost *h)
{
    if (h->handle)
        h->desc->cleanup(h->handle);
    if (h->lib)
        dlclose(h->lib);
    for (int i = 0; i < h->n_uris; i++)
        free(h->uris[i]);
    free(h->requests);
    free(h->responses);
    memset(h, 0, sizeof *h);
}

int minihost_do_work(minihost *h)
{
    int n = 0;
    for (int i = 0; i < h->n_requests; i++, n++)
        h->worker->work(h->handle, respond, h, h->requests[i].size, h->requests[i].data);
    h->n_requests = 0;
    return n;
}

int minihost_deliver(minihost *h)
{
    int n = h->n_responses;
    for (int i = 0; i < n; i++)
        h->worker->work_response(h->handle, h->responses[i].size, h->responses[i].data);
    h->n_responses = 0;
    if (h->worker->end_run)
        h->worker->end_run(h->handle);
    return n;
}

void minihost_settle(minihost *h)
{
    while (h->n_requests || h->n_responses) {
        minihost_do_work(h);
        minihost_deliver(h);
    }
}

static LV2_State_Status store_fn(LV2_State_Handle handle, uint32_t key, const void *value, size_t size, uint32_t type,
                                 uint32_t flags)
{
    minihost_store *s = handle;
    if (s->n == MINIHOST_PROPS)
        return LV2_STATE_ERR_NO_SPACE;
    minihost_prop *p = &s->props[s->n++];
    p->key = key;
    p->type = type;
    p->flags = flags;
    p->size = size;
    p->value = malloc(size);
    memcpy(p->value, value, size);
    return LV2_STATE_SUCCESS;
}

static const void *retrieve_fn(LV2_State_Handle handle, uint32_t key, size_t *size, uint32_t *type, uint32_t *flags)
{
    const minihost_prop *p = minihost_store_get(handle, key);
    if (!p)
        return NULL;
    *size = p->size;
    *type = p->type;
    *flags = p->flags;
    return p->value;
}

static char *abstract_path(LV2_State_Map_Path_Handle handle, const char *absolute)
{
    minihost *h = handle;
    const size_t n = strlen(h->state_dir);
    if (n && !strncmp(absolute, h->state_dir, n) && absolute[n] == '/')
        return strdup(absolute + n + 1);
    return strdup(absolute);
}

static char *absolute_path(LV2_State_Map_Path_Handle handle, const char *abstract)
{
    minihost *h = handle;
    if (abstract[0] == '/' || !h->state_dir[0])
        return strdup(abstract);
    char *out = malloc(strlen(h->state_dir) + strlen(abstract) + 2);
    sprintf(out, "%s/%s", h->state_dir, abstract);
    return out;
}

static void free_path(LV2_State_Free_Path_Handle handle, char *path)
{
    (void)handle;
    free(path);
}

int minihost_save(minihost *h, minihost_store *s)
{
    LV2_State_Map_Path mp = {h, abstract_path, absolute_path};
    LV2_State_Free_Path fp = {h, free_path};
    LV2_Feature f_mp = {LV2_STATE__mapPath, &mp}, f_fp = {LV2_STATE__freePath, &fp};
    const LV2_Feature *features[] = {&f_mp, &f_fp, NULL};
    return h->state->save(h->handle, store_fn, s, LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE, features);
}

int minihost_restore(minihost *h, const minihost_store *s)
{
    LV2_State_Map_Path mp = {h, abstract_path, absolute_path};
    LV2_State_Free_Path fp = {h, free_path};
    LV2_Feature f_mp = {LV2_STATE__mapPath, &mp}, f_fp = {LV2_STATE__freePath, &fp},
                f_sched = {LV2_WORKER__schedule, &h->schedule};
    const LV2_Feature *features[] = {&f_mp, &f_fp, &f_sched, NULL};
    return h->state->restore(h->handle, retrieve_fn, (LV2_State_Handle)s, 0, features);
}

const minihost_prop *minihost_store_get(const minihost_store *s, uint32_t key)
{
    for (int i = 0; i < s->n; i++)
        if (s->props[i].key == key)
            return &s->props[i];
    return NULL;
}

void minihost_store_clear(minihost_store *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->props[i].value);
    s->n = 0;
}
