/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep OSC control surface: a liblo-based server that camsep-jack,
 * camsep-portaudio and camsep-capture embed.
 *
 * The library knows nothing of the engine, JACK or the audio thread. A host
 * gives it two callbacks:
 *   - submit(cmd)      : a validated, typed command (camsep_osc_command); the
 *                        host copies it into its lock-free queue to the audio
 *                        or control side and returns 0, or -1 when the queue is
 *                        full (the sender then gets an error reply);
 *   - get_state(out)   : the host fills a plain snapshot (camsep_osc_state)
 *                        of what queries and feedback report.
 * Both are called only on the OSC server thread, never concurrently with each
 * other; they must not block for long (no waiting on the audio thread).
 *
 * Threads:
 *   - set-up  : camsep_osc_create/start/stop/free (any one non-RT thread);
 *   - server  : one thread the library owns, started by camsep_osc_start(): it
 *               polls the UDP socket (a liblo lo_server) and the TCP listener
 *               and its connections, validates and dispatches messages, sends
 *               replies and subscription feedback;
 *   - any     : camsep_osc_get_counters(), camsep_osc_port(),
 *               camsep_osc_notify() (lock-free, real-time safe: one atomic
 *               store), camsep_osc_print_doc().
 *
 * The address space (default prefix /camsep) is one table (osc_table.c); the
 * dispatcher and camsep_osc_print_doc() are generated from it. Run
 * `camsep-osc-doc --markdown` or see plugin/osc/README.md.
 */
#ifndef CAMSEP_OSC_CONTROL_H
#define CAMSEP_OSC_CONTROL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "osc_prior_rx.h"

#define CAMSEP_OSC_MAX_PLAYERS 8  /* addressable players: /player/1 .. /player/8 */
#define CAMSEP_OSC_NAME_MAX 64    /* names, instruments, presets: at most 63 bytes + NUL */
#define CAMSEP_OSC_TEXT_MAX 256   /* dictionary paths: at most 255 bytes + NUL */
#define CAMSEP_OSC_DEFAULT_PREFIX "/camsep"
#define CAMSEP_OSC_DEFAULT_PORT "7711"

/* Native ranges (also in the address table and its documentation). */
#define CAMSEP_OSC_GAIN_MIN_DB (-60.0f) /* the floor: hosts should treat it as silence */
#define CAMSEP_OSC_GAIN_MAX_DB 12.0f
#define CAMSEP_OSC_PRIOR_STRENGTH_MAX 10.0f
#define CAMSEP_OSC_MASK_POWER_MIN 0.5f
#define CAMSEP_OSC_MASK_POWER_MAX 4.0f
#define CAMSEP_OSC_CAMERA_LATENCY_MAX_S 2.0f
#define CAMSEP_OSC_MOTION_KNEE_MIN 0.1 /* = capture/motion_energy.h's CAMSEP_MOTION_KNEE_MIN..MAX */
#define CAMSEP_OSC_MOTION_KNEE_MAX 2.0
#define CAMSEP_OSC_PRESET_MAX 999
#define CAMSEP_OSC_FIND_SECONDS_MIN 0.5 /* /players/find: = capture_runner.h's 0.5..120 s */
#define CAMSEP_OSC_FIND_SECONDS_MAX 120.0
#define CAMSEP_OSC_FIND_SECONDS_DEFAULT 10.0

/* A player's box in normalised frame coordinates: 0..1 from the left/top
 * edge; w, h > 0, x + w <= 1, y + h <= 1. (capture/ works in pixels: multiply
 * by the frame's width and height.) */
typedef struct camsep_osc_box {
    float x, y, w, h;
} camsep_osc_box;

typedef enum camsep_osc_kind {
    CAMSEP_OSC_CMD_PLAYER_GAIN = 1,   /* value: dB, -60..+12 (/gain and /gain/norm) */
    CAMSEP_OSC_CMD_PLAYER_MUTE,       /* flag: 0/1 */
    CAMSEP_OSC_CMD_PLAYER_SOLO,       /* flag: 0/1 */
    CAMSEP_OSC_CMD_PLAYER_BOX,        /* box */
    CAMSEP_OSC_CMD_PLAYER_INSTRUMENT, /* text: name of a bundled dictionary */
    CAMSEP_OSC_CMD_PLAYER_DICTIONARY, /* text: path of a dictionary file */
    CAMSEP_OSC_CMD_PLAYER_NAME,       /* text: display name */
    CAMSEP_OSC_CMD_BYPASS,            /* flag: 0/1 */
    CAMSEP_OSC_CMD_PRIOR_STRENGTH,    /* value: engine activity_strength, 0..10 */
    CAMSEP_OSC_CMD_MASK_POWER,        /* value: 0.5..4 */
    CAMSEP_OSC_CMD_CAMERA_LATENCY,    /* value: seconds, 0..2 */
    CAMSEP_OSC_CMD_PRESET_RECALL,     /* index >= 1, or index 0 and text = preset name */
    CAMSEP_OSC_CMD_PRESET_STORE,      /* the same */
    CAMSEP_OSC_CMD_MOTION_KNEE,       /* value: 0.1..2 */
    CAMSEP_OSC_CMD_SOUNDCHECK_START,  /* index: 0 = the camera says who plays; N = player N plays alone now */
    CAMSEP_OSC_CMD_SOUNDCHECK_STOP,   /* no value: end the recording and learn */
    CAMSEP_OSC_CMD_SOUNDCHECK_CANCEL, /* no value: drop the sound check */
    CAMSEP_OSC_CMD_ASSOCIATE_APPLY,   /* flag: 1 = "force" (apply a low-confidence proposal too) */
    CAMSEP_OSC_CMD_PLAYERS_FIND,      /* index: players to look for, 1..8 (0: the program's own number);
                                         value: seconds, 0.5..120 */
    CAMSEP_OSC_CMD_PLAYERS_FIND_CANCEL, /* no value: stop looking */
    CAMSEP_OSC_CMD_PLAYERS_FOUND_APPLY, /* flag: 1 = "force" (fewer found than there are players) */
} camsep_osc_kind;
#define CAMSEP_OSC_CMD_LAST CAMSEP_OSC_CMD_PLAYERS_FOUND_APPLY /* the last kind: move it with a new one */

/* One validated command. Plain data (no pointers): copy it by value into a
 * queue. Fields not used by the kind are zero. */
typedef struct camsep_osc_command {
    camsep_osc_kind kind;
    int player;                      /* 0-based player index; -1 for global commands */
    float value;                     /* gains (dB), strengths, mask power, latency (s), find seconds */
    int flag;                        /* mute, solo, bypass, associate and found force: 0 or 1 */
    int index;                       /* preset number 1..999 (0: by name, see text); sound check player;
                                        players to find (0: the program's own number) */
    camsep_osc_box box;
    char text[CAMSEP_OSC_TEXT_MAX];  /* NUL-terminated; instrument, path, name, preset name */
} camsep_osc_command;

typedef struct camsep_osc_player_state {
    char name[CAMSEP_OSC_NAME_MAX];
    char instrument[CAMSEP_OSC_NAME_MAX];  /* "" when a dictionary file is used */
    char dictionary[CAMSEP_OSC_TEXT_MAX];  /* "" when none */
    float gain_db;
    int mute, solo;
    camsep_osc_box box;
    /* meters */
    float level_db;        /* stem output level, dBFS (-inf allowed: sent as -120) */
    float motion;          /* playing likelihood from the camera, 0..1 */
    float activation;      /* engine activation (sum of the player's activations) */
    /* why the camera is (not) listened to */
    float trust;           /* the weight the engine gives the player's camera prior, 0..1 */
    float agreement;       /* that prior's correlation with the player's sound, -1..1; NaN: unknown */
    float split;           /* how far the stem is split from a same-dictionary twin's by motion, 0..1 */
    float share;           /* how far the player's share of the sound is moved towards what their graded
                              motion predicts, 0..1 (0 = left to the audio) */
    float gate;            /* the rest gate's gain on the player's share, 0..1 (1 = open) */
    int hidden;            /* 1: the camera cannot see the player now (something in front, too dark) */
    /* sound check: what it found for this player so far (seconds) */
    float soundcheck_alone_s, soundcheck_together_s;
    /* players found in the picture: the box found for this player (the
     * N-th from the left), normalised to the frame it was found in, and its
     * share of the motion; all zero when none was found for N */
    camsep_osc_box found_box;
    float found_share;
} camsep_osc_player_state;

/* What queries and feedback report; the host fills it in get_state(). */
typedef struct camsep_osc_state {
    int n_players;                         /* 0..CAMSEP_OSC_MAX_PLAYERS: /player/N exists for N <= n_players */
    camsep_osc_player_state players[CAMSEP_OSC_MAX_PLAYERS];
    int bypass;
    float prior_strength;
    float mask_power;
    float camera_latency_s;
    float motion_knee;
    int preset_index;                      /* last recalled/stored preset, 0 = none */
    char preset_name[CAMSEP_OSC_NAME_MAX];
    /* status (read-only) */
    uint64_t xruns;
    char camera_state[32];                 /* e.g. "running", "lost", "off" */
    float camera_fps;
    float camera_motion_u, camera_motion_v;/* the camera's own motion in its latest frame, camera
                                              pixels per frame (+u right, +v down); NaN: unknown */
    float camera_offset_s;                 /* the camera's measured offset against the audio, s
                                              (> 0: later than its latency setting); NaN: not yet */
    float camera_offset_corr;              /* how clearly: the correlation there, -1..1; NaN: not yet */
    float dsp_load;                        /* share of the audio period, 0..1 (may exceed 1) */
    char remote_state[CAMSEP_OSC_NAME_MAX];/* remote priors: "receiving", "waiting", "off: why" */
    uint64_t remote[5];                    /* live senders, priors used, gaps, late + duplicates, refused */
    float latency_s;                       /* input to stems */
    int latency_samples;
    /* sound check */
    char soundcheck_state[16];             /* "idle", "recording", "learning", "done", "error", "cancelled" */
    float soundcheck_seconds;              /* recorded */
    float soundcheck_progress;             /* learning, 0..1 */
    int soundcheck_player;                 /* 0: the camera says who plays; N: player N announced */
    char soundcheck_message[CAMSEP_OSC_TEXT_MAX]; /* done: what was learned; error: why */
    /* which box is which player: the proposal */
    char associate_pairing[CAMSEP_OSC_NAME_MAX];   /* "2,1,3": the stem (player) per box, 1-based; "" none */
    char associate_state[CAMSEP_OSC_NAME_MAX * 2]; /* "proposed", "in order", "applied",
                                                      "low confidence: why", "waiting: why", "off: why" */
    float associate_confidence;            /* the proposal's confidence (0: none) */
    float associate_evidence_s;            /* seconds of music with motion behind it */
    float associate_needed;                /* the confidence needed with that much evidence (0: none) */
    /* players found in the picture (/players/find): the search and its proposal */
    char found_state[16];                  /* "idle", "looking", "ready", "nothing moved", "failed" */
    float found_progress;                  /* 0..1 */
    int found_n;                           /* boxes found (ready); per player: players[].found_box */
    char found_message[CAMSEP_OSC_TEXT_MAX]; /* one line: what was found, or why not */
} camsep_osc_state;

/* A message of a prior stream (docs/capture-osc.md: PREFIX/priors and
 * PREFIX/players, as camsep-capture --osc sends them), for a host that
 * receives priors. Strings of /players are not decoded (argc counts them). */
#define CAMSEP_OSC_STREAM_MAX_ARGS CAMSEP_PRIOR_RX_MAX_ARGS
typedef struct camsep_osc_stream_msg {
    const char *name;                 /* "/priors" or "/players" (after the prefix) */
    int argc;                         /* arguments; at most CAMSEP_OSC_STREAM_MAX_ARGS decoded */
    const camsep_prior_rx_arg *argv;
    const char *sender;               /* "udp:HOST:PORT" or "tcp:HOST:PORT" */
    int64_t receipt_ns;               /* CLOCK_MONOTONIC when the server took the message */
} camsep_osc_stream_msg;

/* any: decodes one OSC packet (a message, as received) into its address
 * and the arguments a stream callback gets. 0, or -1 when it is not OSC. */
int camsep_osc_decode_stream(const void *data, size_t len, char *path, size_t pathlen,
                             camsep_prior_rx_arg args[CAMSEP_OSC_STREAM_MAX_ARGS], int *argc);

typedef struct camsep_osc_host {
    /* server thread: 0 if queued, -1 if the queue is full (nothing changes). */
    int (*submit)(const camsep_osc_command *cmd, void *user);
    /* server thread: fill *out (it is zeroed before the call). */
    void (*get_state)(camsep_osc_state *out, void *user);
    void *user;
    /* server thread, optional (NULL: these addresses are unknown): a prior
     * stream message; 0, or -1 with the reason in why (the sender gets
     * PREFIX/error with it). Not rate-limited beyond the sender's limit. */
    int (*stream)(const camsep_osc_stream_msg *m, char *why, size_t whylen, void *user);
} camsep_osc_host;

typedef struct camsep_osc_config {
    const char *prefix;        /* address prefix, "/camsep" (NULL: default); "/x" or "/x/y", no trailing '/' */
    const char *port;          /* UDP and TCP port, "7711" (NULL: default); "0": any free port */
    int enable_udp;            /* 1 (default) */
    int enable_tcp;            /* 1 (default) */
    int max_message_bytes;     /* larger packets are rejected (8192) */
    float rate_limit_hz;       /* sustained messages per second per sender (500) */
    float rate_burst;          /* messages a sender may send at once (1000) */
    int max_tcp_clients;       /* concurrent TCP connections (16) */
    int max_subscriptions;     /* over all senders (32) */
    float max_lease_s;         /* longest subscription lease (3600) */
    float state_poll_hz;       /* state snapshots compared for feedback per second (30) */
    /* Bundled dictionaries /instrument accepts (NULL: any well-formed name). */
    const char *const *instruments;
    int n_instruments;
    /* A camera-only host (camsep-capture): 1 refuses the audio addresses
     * (gain, mute, solo, instrument, dictionary, trust, split, share, gate, hidden,
     * bypass, prior_strength, mask_power, camera/offset, presets, status/xruns,
     * dsp_load, latency, the sound check, associate) with
     * "not available in PROGRAM" and leaves them out of feedback (0, default:
     * every address). */
    int camera_only;
    const char *program;       /* names the host in such replies (NULL: "this program") */
} camsep_osc_config;

/* Counters (relaxed atomics; any thread). Every message that reaches the
 * dispatcher is counted once, and a pattern that reaches k addresses k times:
 * received + pattern_extra = applied + queries + rejected_*
 * (rejected_malformed counts packets liblo could not parse, and oversized
 * packets, which never reach the dispatcher). */
typedef struct camsep_osc_counters {
    uint64_t received;           /* messages dispatched (bundle elements count one each) */
    uint64_t applied;            /* commands submitted, and (un)subscriptions */
    uint64_t queries;            /* messages without arguments answered */
    uint64_t rejected_unknown;   /* unknown address or player */
    uint64_t rejected_type;      /* wrong argument count or types; read-only addresses set */
    uint64_t rejected_range;     /* out of range, NaN/Inf, strings too long or ill-formed */
    uint64_t rejected_rate;      /* sender over its rate limit (no error reply) */
    uint64_t rejected_queue_full;/* the host's queue was full */
    uint64_t rejected_malformed; /* packets that are not OSC, or too large */
    uint64_t replies_sent;       /* query replies and error replies (send_failures included) */
    uint64_t feedback_sent;      /* subscription messages (send_failures included) */
    uint64_t send_failures;      /* replies/feedback that could not be sent */
    uint64_t subscriptions;      /* currently active */
    uint64_t subscriptions_expired;
    uint64_t tcp_connections;    /* currently open */
    uint64_t pattern_extra;      /* addresses a pattern reached beyond its first */
} camsep_osc_counters;

typedef struct camsep_osc camsep_osc;

/* set-up: defaults as documented above. */
void camsep_osc_config_default(camsep_osc_config *cfg);
/* set-up: binds the sockets (so that the port is known and errors are
 * reported here); the server thread is not started yet. NULL with the
 * reason in err. */
camsep_osc *camsep_osc_create(const camsep_osc_config *cfg, const camsep_osc_host *host, char *err,
                              size_t errlen);
/* set-up, before camsep_osc_start(): a permanent feedback target for
 * consoles that cannot subscribe (e.g. from --osc-feedback): url is
 * "osc.udp://host:port/"; state = 1 sends state changes, meter_rate_hz > 0
 * sends meters at that rate. 0, or -1 (bad URL, not UDP, table full). */
int camsep_osc_add_target(camsep_osc *o, const char *url, int state, float meter_rate_hz);
/* server thread, inside submit() only: refuse the command with this reason
 * (submit then returns -1). The sender gets /error with the reason instead
 * of "busy: command queue full"; counted as rejected_range. For a host's own
 * checks: "no camera yet", "no preset 7", ... */
void camsep_osc_refuse(camsep_osc *o, const char *reason);
/* set-up: starts the server thread; 0 or -1. */
int camsep_osc_start(camsep_osc *o);
/* set-up: stops and joins the server thread (idempotent). */
void camsep_osc_stop(camsep_osc *o);
/* set-up: stops, closes every socket, frees. */
void camsep_osc_free(camsep_osc *o);
/* any: the port number both UDP and TCP listen on. */
int camsep_osc_port(const camsep_osc *o);
/* any: "osc.udp://host:port/" style URL of a protocol ("udp" or "tcp"); the
 * result is written to buf (NUL-terminated). 0 or -1. */
int camsep_osc_url(const camsep_osc *o, const char *proto, char *buf, size_t len);
/* any, RT-safe: the state changed; feedback is computed at the next server
 * tick without waiting for the poll interval. Optional. */
void camsep_osc_notify(camsep_osc *o);
/* any */
void camsep_osc_get_counters(const camsep_osc *o, camsep_osc_counters *c);

/* any: print the whole address space with the default prefix, as aligned
 * text (markdown = 0) or as Markdown (markdown = 1). For --osc-doc. */
void camsep_osc_print_doc(FILE *f, int markdown);
/* The same for another prefix (NULL: default). */
void camsep_osc_print_doc_prefix(FILE *f, int markdown, const char *prefix);

/* The fader taper of /player/N/gain/norm (any thread, pure). */
float camsep_osc_gain_from_norm(float norm);
float camsep_osc_gain_to_norm(float gain_db);

#endif
