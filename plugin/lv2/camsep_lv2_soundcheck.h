/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep.lv2's sound check: record the input while the players play alone
 * and together, learn one dictionary per player (engine/soundcheck.h), write
 * them as files in the plugin's state directory and hand them to the worker,
 * which puts them in use and into the state. The same states and commands as
 * the standalones' (plugin/standalone/host_soundcheck.h):
 *
 *   idle/done/error/cancelled --start--> recording --stop, the time given,
 *   or the cap--> learning --> done | error
 *   recording/learning --cancel--> cancelled (nothing changes)
 *
 * Who plays: the camera's per-player activity (the priors run() drains from
 * the shared-memory ring, on the engine clock), or, without a camera, the
 * engineer's "player N plays alone now"; then only the players announced are
 * learned and the others keep their dictionaries.
 *
 * Threads:
 *   - audio (run()): tap_audio / tap_activity copy into two lock-free rings
 *     while armed (no allocation, lock or system call): chunks that carry
 *     the player announced then, and camera samples
 *     (engine/soundcheck_record.h);
 *   - the host's worker: command, status, take_result (short: never waits
 *     for the learning, which takes seconds);
 *   - the sound check's own thread, started by a command on the worker and
 *     joined at the next start or at cleanup: drains the rings every 20 ms
 *     into the recording (engine/soundcheck_record.h), then learns (at a
 *     low priority) and writes the files. The host's other worker jobs
 *     (dictionary loads, state) are never queued behind it.
 *
 * Files: with state:makePath at instantiate, "soundcheck/playerN.dict"
 * through it (the host's per-instance directory, copied into the session
 * when it is saved); otherwise $XDG_DATA_HOME/camsep/lv2-soundcheck/<run>/.
 * Every file is written under a temporary name and loaded back; only when
 * all load are they renamed into place (a failure leaves nothing behind).
 */
#ifndef CAMSEP_LV2_SOUNDCHECK_H
#define CAMSEP_LV2_SOUNDCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "lv2/state/state.h"

#include "camsep_engine.h"
#include "camsep_lv2_catalog.h"
#include "camsep_rt.h"
#include "dictionary.h"
#include "soundcheck_record.h"

#define CAMSEP_LV2_SC_MAX_SECONDS 120.0 /* the recording's cap, as the standalones' */
#define CAMSEP_LV2_SC_TEXT 256          /* status texts, with the NUL */
#define CAMSEP_LV2_SC_PATH 1024         /* = CAMSEP_LV2_PATH_MAX */

typedef enum camsep_lv2_sc_state {
    CAMSEP_LV2_SC_IDLE = 0,
    CAMSEP_LV2_SC_RECORDING,
    CAMSEP_LV2_SC_LEARNING,
    CAMSEP_LV2_SC_DONE,
    CAMSEP_LV2_SC_FAILED,
    CAMSEP_LV2_SC_CANCELLED,
} camsep_lv2_sc_state;

/* "idle", "recording", "learning", "done", "error", "cancelled" */
const char *camsep_lv2_sc_state_name(int state);

typedef struct camsep_lv2_sc_status {
    int32_t state;
    int32_t player;                   /* recording with announcements: the player alone now (0-based); else -1 */
    float progress;                   /* recording: seconds / cap; learning: share done; 0..1 */
    float seconds;                    /* recorded */
    uint32_t serial;                  /* counts changes of state or announced player */
    uint32_t notice_serial;           /* counts refused commands */
    char message[CAMSEP_LV2_SC_TEXT]; /* what it does, or the result (done: what; error: why) */
    char notice[CAMSEP_LV2_SC_TEXT];  /* the last refused command and why */
} camsep_lv2_sc_status;

/* What a finished sound check learned, for the worker to put in use. */
typedef struct camsep_lv2_sc_result {
    int n;
    int player[CAMSEP_LV2_MAX_PLAYERS];
    camsep_dictionary *dict[CAMSEP_LV2_MAX_PLAYERS]; /* the files as loaded back; the taker's */
    char path[CAMSEP_LV2_MAX_PLAYERS][CAMSEP_LV2_SC_PATH];
} camsep_lv2_sc_result;

typedef struct camsep_lv2_sc camsep_lv2_sc;

/* Set-up. make_path/free_path: the instantiate features (may be NULL).
 * NULL when out of memory. */
camsep_lv2_sc *camsep_lv2_sc_create(double rate, int players, const LV2_State_Make_Path *make_path,
                                    const LV2_State_Free_Path *free_path);
/* Set-up (cleanup): cancels a run, joins its thread, frees. NULL ignored. */
void camsep_lv2_sc_free(camsep_lv2_sc *sc);

/* Audio: whether the rings are being filled. */
CAMSEP_RT int camsep_lv2_sc_armed(camsep_lv2_sc *sc);
/* Audio: n (<= CAMSEP_SC_CHUNK) input samples starting at engine time, with
 * the player announced now. */
CAMSEP_RT void camsep_lv2_sc_tap_audio(camsep_lv2_sc *sc, const float *x, uint32_t n, int64_t time);
/* Audio: the camera's activity of players 0..n-1 at engine time. */
CAMSEP_RT void camsep_lv2_sc_tap_activity(camsep_lv2_sc *sc, int64_t time, const float *activity, int n);
/* Audio: the engine in use changed (latency mode): a running sound check
 * fails, its frames would not fit. */
CAMSEP_RT void camsep_lv2_sc_engine_changed(camsep_lv2_sc *sc);

/* Worker: a command, as patch:Set of urn:camsep:lv2:soundcheck carries it:
 *   "start"       the camera says who plays (needs a live camera)
 *   "alone N"     player N (1-based) plays alone now: starts a sound check
 *                 without the camera, or announces the next player
 *   "stop"        ends the recording; learning follows
 *   "cancel"      drops the run
 * "start" and "alone N" take options: seconds=S (stop by itself),
 * atoms=K (1..128, default 32), iterations=I (default 200).
 * cfg: the engine the frames are for; learn[j]: player j may be learned
 * (its slot is in use); camera_live: the camera is live now.
 * 0, or -1 with the reason in err (the status's notice says it too). */
int camsep_lv2_sc_command(camsep_lv2_sc *sc, const char *command, const camsep_config *cfg, const int *learn,
                          int camera_live, char *err, size_t errlen);
/* Worker: where it stands. */
void camsep_lv2_sc_status_get(camsep_lv2_sc *sc, camsep_lv2_sc_status *st);
/* Worker: the dictionaries of a finished run, once (then 1), else 0. */
int camsep_lv2_sc_take_result(camsep_lv2_sc *sc, camsep_lv2_sc_result *out);
/* Worker: the result could not be put in use: the status says so. */
void camsep_lv2_sc_install_failed(camsep_lv2_sc *sc, const char *why);

#endif
