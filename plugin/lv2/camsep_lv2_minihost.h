/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A minimal LV2 host for camsep.lv2's tests and benchmark: dlopens the
 * bundle's binary, offers urid:map, work:schedule (requests queued in
 * preallocated memory and run when the caller says, so run() can be checked
 * for allocations), log:log, state save/restore with mapPath/freePath
 * into an in-memory store, and optionally state:makePath at instantiate. Not real-time itself; not a general host.
 */
#ifndef CAMSEP_LV2_MINIHOST_H
#define CAMSEP_LV2_MINIHOST_H

#include <stddef.h>
#include <stdint.h>

#include "lv2/core/lv2.h"
#include "lv2/log/log.h"
#include "lv2/state/state.h"
#include "lv2/urid/urid.h"
#include "lv2/worker/worker.h"

#define MINIHOST_QUEUE 64
#define MINIHOST_MSG 8192
#define MINIHOST_URIS 256
#define MINIHOST_PROPS 32

typedef struct minihost_msg {
    uint32_t size;
    unsigned char data[MINIHOST_MSG];
} minihost_msg;

typedef struct minihost_prop {
    uint32_t key, type, flags;
    size_t size;
    void *value;
} minihost_prop;

typedef struct minihost_store {
    minihost_prop props[MINIHOST_PROPS];
    int n;
} minihost_store;

typedef struct minihost {
    void *lib;
    const LV2_Descriptor *desc;
    LV2_Handle handle;
    const LV2_Worker_Interface *worker;
    const LV2_State_Interface *state;
    char *uris[MINIHOST_URIS];
    int n_uris;
    LV2_URID_Map map;
    LV2_Worker_Schedule schedule;
    minihost_msg *requests, *responses;
    int n_requests, n_responses;
    int immediate;        /* 1: schedule_work runs work() at once (like a non-threaded host) */
    char state_dir[1024]; /* mapPath: paths under it are saved relative to it */
    char scratch_dir[1024]; /* makePath (instantiate): new files go under it ("" = no makePath) */
    LV2_State_Make_Path make_path;
    LV2_State_Free_Path free_path;
    LV2_Log_Log log;
    char last_error[1024];  /* the last message logged as an error (also on stderr) */
} minihost;

/* Loads BUNDLE/camsep.so and instantiates uri at rate; with_worker 0 offers
 * no work:schedule (like lv2apply). 0, or -1 with a message. */
int minihost_open(minihost *h, const char *bundle, const char *uri, double rate, int with_worker, char *err,
                  size_t errlen);
/* Same, offering state:makePath (files under scratch_dir) and freePath. */
int minihost_open_scratch(minihost *h, const char *bundle, const char *uri, double rate, int with_worker,
                          const char *scratch_dir, char *err, size_t errlen);
void minihost_close(minihost *h);
LV2_URID minihost_map(minihost *h, const char *uri);
/* Runs the queued work() requests (responses are queued). Returns how many. */
int minihost_do_work(minihost *h);
/* Delivers queued responses to work_response() and calls end_run. */
int minihost_deliver(minihost *h);
/* Until nothing is left: do_work + deliver. */
void minihost_settle(minihost *h);

int minihost_save(minihost *h, minihost_store *s);
/* Restores from s, passing a schedule feature to restore (queued). */
int minihost_restore(minihost *h, const minihost_store *s);
const minihost_prop *minihost_store_get(const minihost_store *s, uint32_t key);
void minihost_store_clear(minihost_store *s);

#endif
