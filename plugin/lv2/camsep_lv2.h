/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep.lv2 instance, shared by the glue (camsep_lv2.c), the worker
 * (camsep_lv2_worker.c), state (camsep_lv2_state.c), the camera priors
 * (camsep_lv2_camera.c) and the patch messages (camsep_lv2_patch.c).
 *
 * Thread ownership of the fields is marked:
 *   [set-up] written at instantiate only; read anywhere
 *   [audio]  run() and work_response() (the host's audio thread)
 *   [worker] under ws.lock: work(), save(), restore()
 * The engine's "control" thread (posting sets and parameters) is the audio
 * thread; its "set-up" thread (dictionary loading, set preparation, freeing
 * retired sets) is the worker.
 */
#ifndef CAMSEP_LV2_H
#define CAMSEP_LV2_H

#include <pthread.h>
#include <stdint.h>

#include "lv2/atom/forge.h"
#include "lv2/core/lv2.h"
#include "lv2/log/logger.h"
#include "lv2/urid/urid.h"
#include "lv2/worker/worker.h"

#include "camsep_engine.h"
#include "camsep_lv2_catalog.h"
#include "camsep_lv2_ports.h"
#include "camsep_lv2_soundcheck.h"
#include "prior_clock.h"
#include "shm_ring.h"
#include "stem_output.h"
#include "camsep_rt.h"

#define CAMSEP_LV2_PATH_MAX 1024   /* longest dictionary path accepted, with the NUL */
#define CAMSEP_LV2_CHUNK 256       /* samples per engine call (input copied: in-place safe) */
_Static_assert(CAMSEP_LV2_CHUNK <= CAMSEP_SC_CHUNK, "an engine call's input is one sound check chunk");
#define CAMSEP_LV2_GARBAGE 16      /* retired sets/readers waiting to go to the worker */
#define CAMSEP_LV2_ATOMS_PER_STEM 128
#define CAMSEP_LV2_SHM_NAME_SIZE (CAMSEP_SHM_NAME_MAX + 1)

typedef struct camsep_lv2_uris {
    LV2_URID atom_Path, atom_String, atom_URID, atom_Object, atom_Sequence, atom_eventTransfer, atom_Int, atom_Float;
    LV2_URID patch_Set, patch_Get, patch_property, patch_value, patch_subject;
    LV2_URID dictionary[CAMSEP_LV2_MAX_PLAYERS];
    LV2_URID shm_name;
    LV2_URID soundcheck, soundcheck_state, soundcheck_progress, soundcheck_message, soundcheck_notice;
} camsep_lv2_uris;

/* The worker's table: what the user asked for and what is loaded. */
typedef struct camsep_lv2_worker_state {
    pthread_mutex_t lock;
    int lock_ready;
    int instrument[CAMSEP_LV2_MAX_PLAYERS];            /* requested instrument values */
    char file[CAMSEP_LV2_MAX_PLAYERS][CAMSEP_LV2_PATH_MAX]; /* requested file ("" = use the instrument) */
    char loaded_key[CAMSEP_LV2_MAX_PLAYERS][CAMSEP_LV2_PATH_MAX + 8];
    camsep_dictionary *dict[CAMSEP_LV2_MAX_PLAYERS];   /* loaded (NULL: slot unused) */
    int active[CAMSEP_LV2_MAX_PLAYERS];                /* instrument value, -1 file, 0 none */
    camsep_dictionary *other[CAMSEP_LATENCY_MODE_COUNT]; /* the "other" stem, per latency mode */
    int mode;                                          /* the latency mode the sets are built for */
    char shm_name[CAMSEP_LV2_SHM_NAME_SIZE];
    uint32_t sc_logged_serial;                         /* the sound check's last state change logged */
} camsep_lv2_worker_state;

/* A dictionary set on its way to the engine, with its stem layout. */
typedef struct camsep_lv2_set_info {
    camsep_dictset *set;
    int32_t stem_of_player[CAMSEP_LV2_MAX_PLAYERS]; /* engine stem, or -1 (unused slot) */
    int32_t other_stem;
    int32_t n_player_stems;
    int32_t active[CAMSEP_LV2_MAX_PLAYERS];
    int32_t mode;                                   /* the latency mode (engine) it was built for */
} camsep_lv2_set_info;

typedef struct camsep_lv2 {
    /* [set-up] */
    const camsep_lv2_variant *variant;
    int players;
    double rate;
    char *bundle_path;
    /* One engine per latency mode, both made at instantiate, so that a mode
     * change in run() is a pointer swap; `engine` is the one in use [audio]. */
    camsep_engine *engines[CAMSEP_LATENCY_MODE_COUNT];
    camsep_engine *engine;
    int mode;                       /* [audio] the mode of `engine` */
    int requested_mode;             /* [audio] the mode last asked of the worker */
    uint32_t latency;               /* [audio] `engine`'s latency */
    LV2_URID_Map *map;
    LV2_Worker_Schedule *schedule;
    LV2_Log_Logger logger;
    camsep_lv2_uris uris;
    int has_map;

    /* ports [audio] */
    const float *in;
    float *out[CAMSEP_LV2_MAX_PLAYERS + 1]; /* players, then other */
    const LV2_Atom_Sequence *control;
    LV2_Atom_Sequence *notify;
    const float *enabled, *strength, *mask_power, *camera_latency, *latency_mode;
    float *latency_port, *camera_status;
    const float *instrument[CAMSEP_LV2_MAX_PLAYERS];
    const float *gain[CAMSEP_LV2_MAX_PLAYERS + 1], *mute[CAMSEP_LV2_MAX_PLAYERS + 1];
    float *level[CAMSEP_LV2_MAX_PLAYERS + 1], *motion[CAMSEP_LV2_MAX_PLAYERS], *active_port[CAMSEP_LV2_MAX_PLAYERS];

    /* [audio] */
    camsep_lv2_set_info current;    /* layout of the set in the engine */
    camsep_lv2_set_info incoming;   /* from the worker, posted at the next run() */
    camsep_dictset *garbage_sets[CAMSEP_LV2_GARBAGE];
    int n_garbage_sets;
    camsep_shm_reader *garbage_readers[CAMSEP_LV2_GARBAGE];
    int n_garbage_readers;
    int requested_instrument[CAMSEP_LV2_MAX_PLAYERS];
    float last_controls[2 * (CAMSEP_LV2_MAX_PLAYERS + 1) + 2];
    int params_dirty;
    camsep_stem_output output;      /* outputs: players, then other */
    float scratch_in[CAMSEP_LV2_CHUNK];
    float prior_shown[CAMSEP_LV2_MAX_PLAYERS];
    char rt_file[CAMSEP_LV2_MAX_PLAYERS][CAMSEP_LV2_PATH_MAX];
    char rt_shm_name[CAMSEP_LV2_SHM_NAME_SIZE];
    uint32_t notify_pending;        /* bit j: dictionary j+1 changed; bit 31: shm name changed */
    LV2_Atom_Forge forge;
    LV2_Atom_Forge_Frame notify_frame; /* the notify sequence, open during run() */

    /* camera priors [audio] */
    camsep_shm_reader *reader;
    camsep_prior_clock clock;
    int retry_pending;
    int64_t samples_since_retry;
    int camera_state;
    int last_record_status;

    /* sound check (camsep_lv2_soundcheck.h): made at instantiate; its
     * rings are filled by run(), its commands run on the worker */
    camsep_lv2_sc *sc;
    camsep_lv2_sc_status sc_status; /* [audio] as the worker last reported it */
    int sc_poll_pending;            /* [audio] a status request is on its way */
    int64_t samples_since_sc_poll;  /* [audio] */

    /* [worker] */
    camsep_lv2_worker_state ws;
} camsep_lv2;

/* notify_pending bits beyond the players' dictionaries */
#define CAMSEP_LV2_NOTIFY_SHM_NAME (1u << 31)
#define CAMSEP_LV2_NOTIFY_SOUNDCHECK (1u << 30)        /* state, progress and message */
#define CAMSEP_LV2_NOTIFY_SOUNDCHECK_NOTICE (1u << 29) /* a refused command */

/* ---- worker messages (camsep_lv2_worker.c) ---- */
enum {
    CAMSEP_MSG_SET_INSTRUMENTS = 1, /* camsep_lv2_msg_instruments */
    CAMSEP_MSG_SET_FILE,            /* camsep_lv2_msg_text, player >= 0 */
    CAMSEP_MSG_SET_SHM_NAME,        /* camsep_lv2_msg_text */
    CAMSEP_MSG_RECONCILE,           /* camsep_lv2_msg_ptr: load what the table asks for (after restore) */
    CAMSEP_MSG_FREE_SET,            /* camsep_lv2_msg_ptr */
    CAMSEP_MSG_FREE_READER,         /* camsep_lv2_msg_ptr */
    CAMSEP_MSG_SHM_RETRY,           /* camsep_lv2_msg_ptr: the current reader (may be NULL) */
    CAMSEP_MSG_SET_MODE,            /* camsep_lv2_msg_ptr: flag = the latency mode to build sets for */
    CAMSEP_MSG_SOUNDCHECK,          /* camsep_lv2_msg_text: a command; player = 1 if the camera is live */
    CAMSEP_MSG_SOUNDCHECK_POLL,     /* camsep_lv2_msg_ptr: the status, and the result when it is done */
    /* responses */
    CAMSEP_RESP_SET = 100,          /* camsep_lv2_resp_set */
    CAMSEP_RESP_FILE,               /* camsep_lv2_msg_text: a dictionary parameter's new value */
    CAMSEP_RESP_SHM_NAME,           /* camsep_lv2_msg_text */
    CAMSEP_RESP_READER,             /* camsep_lv2_msg_ptr: a reader to swap in (flag: even if NULL) */
    CAMSEP_RESP_SOUNDCHECK,         /* camsep_lv2_resp_soundcheck */
};

typedef struct camsep_lv2_msg_ptr {
    uint32_t type;
    int32_t flag;
    void *ptr;
} camsep_lv2_msg_ptr;

typedef struct camsep_lv2_msg_instruments {
    uint32_t type;
    int32_t instrument[CAMSEP_LV2_MAX_PLAYERS];
} camsep_lv2_msg_instruments;

typedef struct camsep_lv2_msg_text {
    uint32_t type;
    int32_t player;
    char text[]; /* NUL-terminated; the message is sizeof header + strlen + 1 bytes */
} camsep_lv2_msg_text;

typedef struct camsep_lv2_resp_set {
    uint32_t type;
    camsep_lv2_set_info info;
} camsep_lv2_resp_set;

typedef struct camsep_lv2_resp_soundcheck {
    uint32_t type;
    camsep_lv2_sc_status status;
} camsep_lv2_resp_soundcheck;

/* Worker: LV2 work() and work_response(). */
LV2_Worker_Status camsep_lv2_work(LV2_Handle instance, LV2_Worker_Respond_Function respond,
                                  LV2_Worker_Respond_Handle handle, uint32_t size, const void *data);
CAMSEP_RT LV2_Worker_Status camsep_lv2_work_response(LV2_Handle instance, uint32_t size, const void *data);
/* Audio (or set-up): sends a request to the worker; without a host worker
 * (e.g. lv2apply) it runs at once in this thread. 0, or -1 if the host's
 * queue is full (try again later). */
int camsep_lv2_dispatch(camsep_lv2 *self, const void *msg, uint32_t size);
/* Same, through an explicit scheduler (restore's), or inline when NULL. */
int camsep_lv2_dispatch_via(camsep_lv2 *self, LV2_Worker_Schedule *schedule, const void *msg, uint32_t size);
/* Set-up: fills the worker table for the variant's default line-up, loads it
 * and builds the first set into *info. 0, or -1 with a logged reason. */
int camsep_lv2_worker_init(camsep_lv2 *self, camsep_lv2_set_info *info);
void camsep_lv2_worker_free(camsep_lv2 *self);
/* Audio: a text message (file path or ring name) in buf; returns its size or 0. */
uint32_t camsep_lv2_msg_text_make(void *buf, uint32_t bufsize, uint32_t type, int player, const char *text,
                                  uint32_t len);

/* ---- state (camsep_lv2_state.c) ---- */
const void *camsep_lv2_state_interface(void);

/* ---- patch messages (camsep_lv2_patch.c), audio thread ---- */
CAMSEP_RT void camsep_lv2_patch_begin(camsep_lv2 *self); /* sets up the notify sequence */
CAMSEP_RT void camsep_lv2_patch_read(camsep_lv2 *self);  /* handles the control port's events */
CAMSEP_RT void camsep_lv2_patch_end(camsep_lv2 *self);   /* writes pending notifications */

/* ---- sound check glue (camsep_lv2_sc_glue.c) ---- */
/* Worker: a command (text), and a status request that also puts a finished
 * sound check's dictionaries in use. */
void camsep_lv2_sc_work_command(camsep_lv2 *self, const char *text, int camera_live,
                                LV2_Worker_Respond_Function respond, LV2_Worker_Respond_Handle handle);
void camsep_lv2_sc_work_poll(camsep_lv2 *self, LV2_Worker_Respond_Function respond,
                             LV2_Worker_Respond_Handle handle);
/* Worker, under ws.lock: builds the set for the current table; 0 with a set
 * in *info, 1 if nothing changed, -1 (logged) if it could not be built. */
int camsep_lv2_worker_reconcile(camsep_lv2 *self, camsep_lv2_set_info *info, int force);
void camsep_lv2_worker_respond_set(camsep_lv2 *self, LV2_Worker_Respond_Function respond,
                                   LV2_Worker_Respond_Handle handle, const camsep_lv2_set_info *info);
void camsep_lv2_worker_respond_text(LV2_Worker_Respond_Function respond, LV2_Worker_Respond_Handle handle,
                                    uint32_t type, int player, const char *text);
/* Audio: asks the worker for the status about 10 times a second while a
 * sound check runs. */
CAMSEP_RT void camsep_lv2_sc_run(camsep_lv2 *self, uint32_t n_samples);

/* ---- camera priors (camsep_lv2_camera.c), audio thread ---- */
CAMSEP_RT void camsep_lv2_camera_run(camsep_lv2 *self, uint32_t n_samples);

#endif
