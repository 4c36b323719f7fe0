/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The live sound check of camsep-jack and camsep-portaudio: record the input
 * while the players play alone and together, learn one dictionary per
 * player from it (engine/soundcheck.h), write them next to the session and
 * put them in use.
 *
 *   idle/done/error/cancelled --start--> recording --stop, the time given
 *   to start, or the cap--> learning --> done | error
 *   recording/learning --cancel--> cancelled (nothing changes)
 *
 * Two ways to say who plays:
 *   - the camera (start with player -1): the capture thread's per-player
 *     activity, on the engine clock, decides which frames belong to whom;
 *   - announced (start with a player): "this player plays alone now"; a
 *     start with another player while recording announces the next one.
 *     Only the players announced are learned; the others keep theirs.
 *
 * The audio thread only copies the input into the tap's ring
 * (host_soundcheck_tap.h); a worker thread of this module drains it every
 * 20 ms into the recording (engine/soundcheck_record.h), then learns, writes
 * the files (host_soundcheck_files.h) and hands the dictionaries to the
 * session through `install`. An error (too little material for a player,
 * a file that cannot be written) changes nothing: the message says why and
 * names the player.
 *
 * Threading: create/free set-up; start/stop/cancel/status any control
 * thread (a mutex the audio thread never sees); install runs on the worker.
 */
#ifndef CAMSEP_HOST_SOUNDCHECK_H
#define CAMSEP_HOST_SOUNDCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "dictionary.h"
#include "host_config.h"
#include "host_soundcheck_tap.h"

typedef enum host_sc_state {
    HOST_SC_IDLE = 0,
    HOST_SC_RECORDING,
    HOST_SC_LEARNING,
    HOST_SC_DONE,
    HOST_SC_FAILED,
    HOST_SC_CANCELLED,
} host_sc_state;

/* "idle", "recording", "learning", "done", "error", "cancelled" */
const char *host_sc_state_name(host_sc_state s);

typedef struct host_sc_install {
    /* Worker thread: use dicts[k] (a copy is the caller's) for player
     * players[k], saved as paths[k], k < n. 0, or -1 with the reason. */
    int (*install)(void *user, int n, const int *players, camsep_dictionary *const *dicts,
                   const char (*paths)[HOST_PATH_LEN], char *err, size_t errlen);
    void *user;
} host_sc_install;

typedef struct host_sc_config {
    host_sc_tap *tap;
    double rate;
    int fft, fall, hop;          /* the engine's analysis window */
    int n_players;
    int atoms, iterations;       /* 0: the learner's defaults */
    int transpose;               /* semitones the alone parts are also moved; -1: auto, the learner's default */
    double max_seconds;          /* 0: HOST_SC_MAX_SECONDS */
    host_sc_install install;
} host_sc_config;

typedef struct host_sc_request {
    int player;                  /* -1: the camera says; else the 0-based player playing alone */
    double seconds;              /* > 0: stop by itself after that much recording; 0: until stop */
    int camera;                  /* the session has a camera */
    char dir[HOST_PATH_LEN];     /* where the dictionaries go */
    char labels[HOST_MAX_PLAYERS][HOST_LABEL_LEN]; /* names in messages and file names */
} host_sc_request;

typedef struct host_sc_status {
    host_sc_state state;
    int player;                  /* -1 camera; else the player announced (recording) */
    double seconds;              /* recorded */
    double max_seconds;
    float progress;              /* learning, 0..1 */
    int n_players;
    double alone_s[HOST_MAX_PLAYERS], together_s[HOST_MAX_PLAYERS];
    uint64_t dropped;            /* input chunks lost (the worker was late) */
    unsigned serial;             /* counts state changes */
    unsigned learned;            /* done: bit p set for each player p learned */
    char message[1024];          /* done: what was learned and written; error: why */
} host_sc_status;

typedef struct host_soundcheck host_soundcheck;

/* Set-up. NULL when out of memory. */
host_soundcheck *host_soundcheck_create(const host_sc_config *cfg);
/* Set-up: cancels a run and joins the worker. NULL is ignored. */
void host_soundcheck_free(host_soundcheck *sc);

/* Control: starts a run, or (announced runs) announces the next player.
 * 0, or -1 with the reason (already running, learning, no camera, ...). */
int host_soundcheck_start(host_soundcheck *sc, const host_sc_request *rq, char *err, size_t errlen);
/* Control: ends the recording; learning follows. 0, or -1 when not recording. */
int host_soundcheck_stop(host_soundcheck *sc, char *err, size_t errlen);
/* Control: drops the run (recording or learning). 0, or -1 when none runs. */
int host_soundcheck_cancel(host_soundcheck *sc, char *err, size_t errlen);
/* Control: where it stands. */
void host_soundcheck_status(host_soundcheck *sc, host_sc_status *st);

#endif
