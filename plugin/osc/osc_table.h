/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The OSC address space as one table: the dispatcher (osc_server.c), the
 * argument validation (osc_args.c), the feedback (osc_feedback.c) and the
 * documentation (camsep_osc_print_doc) are all driven by it.
 * Internal to plugin/osc (the tests include it to check table and doc agree).
 * All functions are pure (any thread).
 */
#ifndef CAMSEP_OSC_TABLE_H
#define CAMSEP_OSC_TABLE_H

#include "osc_control.h"

/* How a message's arguments are read (osc_args.c). */
typedef enum camsep_osc_argspec {
    CAMSEP_OSC_ARGS_NONE = 0,     /* read-only: no arguments (a query) */
    CAMSEP_OSC_ARGS_NUMBER,       /* 1 number: i h f d T F, within [min, max] */
    CAMSEP_OSC_ARGS_BOOL,         /* 1 of T F, or a number equal to 0 or 1 */
    CAMSEP_OSC_ARGS_BOX,          /* 4 numbers x y w h */
    CAMSEP_OSC_ARGS_INSTRUMENT,   /* 1 string: a bundled dictionary's name */
    CAMSEP_OSC_ARGS_PATH,         /* 1 string: a file path */
    CAMSEP_OSC_ARGS_NAME,         /* 1 string: a display name */
    CAMSEP_OSC_ARGS_PRESET,       /* 1 integer number 1..999, or 1 string name */
    CAMSEP_OSC_ARGS_SUBSCRIBE,    /* s what, [f rate_hz if meters], [f lease_s] */
    CAMSEP_OSC_ARGS_UNSUBSCRIBE,  /* [s what] */
    CAMSEP_OSC_ARGS_ACTION,       /* no argument: an action (not a query) */
    CAMSEP_OSC_ARGS_ACTION_PLAYER,/* an action with an optional player number 1..8 */
    CAMSEP_OSC_ARGS_ACTION_FORCE, /* an action with an optional "force" */
    CAMSEP_OSC_ARGS_ACTION_FIND,  /* an action with an optional integer [min, max] (players), then
                                     optionally seconds (CAMSEP_OSC_FIND_SECONDS_MIN..MAX) */
} camsep_osc_argspec;

/* Entry flags */
#define CAMSEP_OSC_F_SET 1u      /* accepts arguments (a command) */
#define CAMSEP_OSC_F_QUERY 2u    /* answers a message without arguments */
#define CAMSEP_OSC_F_STATE 4u    /* sent to "state" subscribers when its value changes */
#define CAMSEP_OSC_F_METER 8u    /* sent to "meters" subscribers at their rate */
#define CAMSEP_OSC_F_OUT 16u     /* sent by camsep only (not accepted) */
#define CAMSEP_OSC_F_PLAYER 32u  /* path contains /player/N/ */
#define CAMSEP_OSC_F_AUDIO 64u   /* audio hosts only: refused, and left out of feedback, when cfg.camera_only */

typedef enum camsep_osc_entry_id {
    CAMSEP_OSC_E_PLAYER_GAIN,
    CAMSEP_OSC_E_PLAYER_GAIN_NORM,
    CAMSEP_OSC_E_PLAYER_MUTE,
    CAMSEP_OSC_E_PLAYER_SOLO,
    CAMSEP_OSC_E_PLAYER_BOX,
    CAMSEP_OSC_E_PLAYER_INSTRUMENT,
    CAMSEP_OSC_E_PLAYER_DICTIONARY,
    CAMSEP_OSC_E_PLAYER_NAME,
    CAMSEP_OSC_E_PLAYER_METERS,
    CAMSEP_OSC_E_PLAYER_TRUST,
    CAMSEP_OSC_E_PLAYER_SPLIT,
    CAMSEP_OSC_E_PLAYER_SHARE,
    CAMSEP_OSC_E_PLAYER_GATE,
    CAMSEP_OSC_E_PLAYER_HIDDEN,
    CAMSEP_OSC_E_BYPASS,
    CAMSEP_OSC_E_PRIOR_STRENGTH,
    CAMSEP_OSC_E_MASK_POWER,
    CAMSEP_OSC_E_CAMERA_LATENCY,
    CAMSEP_OSC_E_CAMERA_OFFSET,
    CAMSEP_OSC_E_MOTION_KNEE,
    CAMSEP_OSC_E_PRESET_RECALL,
    CAMSEP_OSC_E_PRESET_STORE,
    CAMSEP_OSC_E_STATUS_XRUNS,
    CAMSEP_OSC_E_STATUS_CAMERA,
    CAMSEP_OSC_E_STATUS_CAMERA_MOTION,
    CAMSEP_OSC_E_STATUS_DSP_LOAD,
    CAMSEP_OSC_E_STATUS_LATENCY,
    CAMSEP_OSC_E_STATUS_REMOTE_PRIORS,
    CAMSEP_OSC_E_SOUNDCHECK_START,
    CAMSEP_OSC_E_SOUNDCHECK_STOP,
    CAMSEP_OSC_E_SOUNDCHECK_CANCEL,
    CAMSEP_OSC_E_SOUNDCHECK_STATUS,
    CAMSEP_OSC_E_SOUNDCHECK_MESSAGE,
    CAMSEP_OSC_E_PLAYER_SOUNDCHECK,
    CAMSEP_OSC_E_ASSOCIATE,
    CAMSEP_OSC_E_ASSOCIATE_APPLY,
    CAMSEP_OSC_E_PLAYERS_FIND,
    CAMSEP_OSC_E_PLAYERS_FIND_CANCEL,
    CAMSEP_OSC_E_PLAYERS_FOUND,
    CAMSEP_OSC_E_PLAYER_FOUND,
    CAMSEP_OSC_E_PLAYERS_FOUND_APPLY,
    CAMSEP_OSC_E_SUBSCRIBE,
    CAMSEP_OSC_E_UNSUBSCRIBE,
    CAMSEP_OSC_E_ERROR,
    CAMSEP_OSC_E_COUNT
} camsep_osc_entry_id;

typedef struct camsep_osc_entry {
    camsep_osc_entry_id id;
    const char *path;          /* after the prefix; "/player/N/..." for per-player entries */
    unsigned flags;
    camsep_osc_argspec args;
    const char *types;         /* accepted argument types, documentation form */
    const char *reply;         /* type tags of the reply / feedback message */
    double min, max;           /* native range of a number (ARGS_NUMBER, ARGS_BOX) */
    const char *units;
    camsep_osc_kind kind;      /* command submitted (0: none) */
    const char *doc;
    const char *example;       /* arguments, as oscsend writes them ("" = none) */
} camsep_osc_entry;

/* The table, in documentation order. */
const camsep_osc_entry *camsep_osc_table(int *n);
const camsep_osc_entry *camsep_osc_entry_by_id(camsep_osc_entry_id id);

/* 1 if a message without arguments is the entry's command, not a query
 * (actions such as /soundcheck/stop, /associate/apply, /players/find).
 * Patterns never reach actions. */
int camsep_osc_entry_is_action(const camsep_osc_entry *e);

/* Dispatcher lookup: path is the address after the prefix. On success the
 * entry, with *player set to the 0-based player (-1 for global entries).
 * NULL if the address is not in the table (player numbers outside
 * 1..CAMSEP_OSC_MAX_PLAYERS, leading zeros, signs, trailing '/', patterns). */
const camsep_osc_entry *camsep_osc_lookup(const char *path, int *player);

/* An entry's current value as an OSC reply: up to 5 floats and 6 ints, and
 * up to two strings, in any order. */
typedef struct camsep_osc_value {
    char types[8];             /* OSC type tags, e.g. "f", "i", "ffff", "sf", "fff", "ssfff", "sfis", "fffff" */
    float f[5];                /* 'f' arguments in order */
    int i[6];                  /* 'i' arguments in order */
    char s[CAMSEP_OSC_TEXT_MAX]; /* the first 's' argument */
    char s2[CAMSEP_OSC_TEXT_MAX]; /* the second 's' argument */
} camsep_osc_value;

/* Fills v from a state snapshot; 0, or -1 if the entry has no value (write
 * only, subscriptions, errors). Numbers are finite (levels floored at -120),
 * but for what the state itself does not know: the agreement of
 * /player/N/trust, /status/camera_motion and /camera/offset are NaN then. */
int camsep_osc_entry_value(const camsep_osc_entry *e, const camsep_osc_state *st, int player,
                           camsep_osc_value *v);
int camsep_osc_value_equal(const camsep_osc_value *a, const camsep_osc_value *b); /* NaN equals NaN */

/* Full address of an entry for a prefix and player (0-based; ignored for
 * global entries). Returns the length, or -1 if it does not fit. */
int camsep_osc_format_path(char *buf, size_t len, const char *prefix, const camsep_osc_entry *e, int player);

/* A prefix is "/" followed by [A-Za-z0-9_-] segments separated by single
 * '/', at most 64 bytes, no trailing '/'. */
int camsep_osc_prefix_valid(const char *prefix);

/* A number in the C locale ("%g" with '.' whatever the process locale). */
void camsep_osc_fmt_num(char *buf, size_t len, double x);

#endif
