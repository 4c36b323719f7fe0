/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The host core shared by camsep-jack and camsep-portaudio: from a checked
 * configuration to a running engine with its dictionaries, the command queue,
 * the audio-side block function, the in-process camera (capture runner ->
 * prior clock -> engine prior ring) and the status line.
 *
 * Threading:
 *   - create / start_camera / free: set-up (main thread).
 *   - process: the audio thread.
 *   - command, get_config, status: control threads (main, NSM, a future OSC
 *     server); they serialise on a mutex the audio thread never takes.
 *   - the camera sink runs on the capture thread.
 */
#ifndef CAMSEP_HOST_SESSION_H
#define CAMSEP_HOST_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "camsep_video_types.h"
#include "capture_runner.h"
#include "host_commands.h"
#include "host_config.h"
#include "host_assoc.h"
#include "host_soundcheck.h"
#include "camsep_rt.h"

typedef struct host_session host_session;

/* Set-up: loads the dictionaries, creates the engine at sample_rate, posts
 * the dictionary set and the parameters. NULL with a one-line reason. */
host_session *host_session_create(const host_config *cfg, double sample_rate, char *err, size_t errlen);
/* Set-up: opens the camera (if the configuration has one) and starts the
 * capture thread. 0, or -1 with the reason. */
int host_session_start_camera(host_session *s, char *err, size_t errlen);
/* Set-up: stops the camera, frees everything. NULL is ignored. */
void host_session_free(host_session *s);

int host_session_latency(const host_session *s);     /* samples */
int host_session_players(const host_session *s);
int host_session_has_own_camera(const host_session *s); /* the configuration has a video */
int host_session_stems(const host_session *s);       /* players + other */
const char *host_session_stem_name(const host_session *s, int stem);
double host_session_rate(const host_session *s);

/* Audio thread: one block (see host_dsp_process). */
CAMSEP_RT void host_session_process(host_session *s, const float *in, float *const *outs, uint32_t nframes,
                          int64_t anchor_ns);

/* Control: applies a command (records it in the configuration that
 * get_config returns, then pushes audio commands into the queue or applies
 * box / camera-latency changes itself). 0, or -1 with the reason. */
int host_session_command(host_session *s, const host_command *c, char *err, size_t errlen);
/* Control: player's dictionary at run time: a bundled instrument (file NULL
 * or "") or a dictionary file. Loads it and builds a new dictionary set on
 * the calling thread (a few ms: see README), posts it to the engine (the
 * audio thread installs it at its next frame) and records it in the
 * configuration. 0, or -1 with the reason (nothing changes). */
int host_session_set_dictionary(host_session *s, int player, const char *instrument, const char *file, char *err,
                                size_t errlen);
/* Control: the live sound check (host_soundcheck.h). start: player -1 lets
 * the camera say who plays (refused without a camera), else that player
 * (0-based) plays alone now (while such a run records: the next player);
 * seconds > 0 ends the recording by itself. The dictionaries go to the
 * directory set here (host_sc_dir's rules; until set: from the
 * configuration), are put in use in one set and recorded in the
 * configuration (NSM save, presets). 0, or -1 with the reason. */
void host_session_set_soundcheck_dir(host_session *s, const char *dir);
int host_session_soundcheck_start(host_session *s, int player, double seconds, char *err, size_t errlen);
int host_session_soundcheck_stop(host_session *s, char *err, size_t errlen);
int host_session_soundcheck_cancel(host_session *s, char *err, size_t errlen);
void host_session_soundcheck_status(host_session *s, host_sc_status *st);
/* Control: a player's display name (host_label_valid). 0 or -1. */
int host_session_set_label(host_session *s, int player, const char *label, char *err, size_t errlen);
/* Control: applies a preset's settings through the same commands as
 * everything else: per player (by position; the player count must match)
 * gain, mute, solo, box, instrument or dictionary, label; other-gain,
 * other-mute; prior-strength, mask-power. Not bypass, camera latency or the
 * structure (FFT, players, video, audio I/O). 0, or -1 with the reason (the
 * settings before the failing one stay applied). */
int host_session_apply_preset(host_session *s, const host_config *preset, char *err, size_t errlen);

/* Meters (reader class: serialised internally, any control thread). */
typedef struct host_meters {
    int n_stems;
    float level[CAMSEP_MAX_SOURCES];      /* output peak with release, linear */
    float motion[CAMSEP_MAX_SOURCES];     /* the activity prior the engine used (1 = neutral) */
    float activation[CAMSEP_MAX_SOURCES]; /* the engine's activation sum */
    float trust[CAMSEP_MAX_SOURCES];      /* the weight the engine gave the camera's prior, 0..1
                                             (1 with trust off, and before any report) */
    float agreement[CAMSEP_MAX_SOURCES];  /* that prior's correlation with the stem's sound over
                                             the last seconds, -1..1; NaN while unknown */
    float split[CAMSEP_MAX_SOURCES];      /* how far the stem is split from a same-dictionary
                                             twin's by motion, 0..1 (0 before any report) */
    float share[CAMSEP_MAX_SOURCES];      /* how far the stem's share of the sound is moved towards
                                             what its graded motion predicts, 0..1 (0 before any
                                             report) */
    float gate[CAMSEP_MAX_SOURCES];       /* the rest gate's gain on the stem's share, 1 = open ..
                                             0.001 = gated (1 before any report) */
    uint32_t held;                        /* bit j: the camera cannot see stem j's player now
                                             (0 before any report) */
    float camera_offset;                  /* the camera's measured offset against the audio, s
                                             (> 0: later than its latency setting says); NaN:
                                             not measured yet, and before any report */
    float camera_offset_corr;             /* how clearly: the correlation at that offset, -1..1;
                                             NaN: not yet */
    int64_t frames;                       /* frame reports read so far */
    float dsp_load;                       /* share of the block time, ~0.3 s average */
} host_meters;
/* Control: drains the engine's frame reports and reads the level meters
 * (never waits for the audio thread). */
void host_session_meters(host_session *s, host_meters *m);
/* Control: which box is which player (host_assoc.h): the proposal now
 * (drains the engine's frame reports into it and the meters; the control
 * loop calls it every turn, so that it is fed without a window or OSC). */
void host_session_association(host_session *s, host_assoc_view *v);
/* Control: applies the proposal by giving each player the box that shows
 * it (one HOST_CMD_BOX per player, as the window and OSC do). Refused when
 * there is none, when the boxes are in that order already, or when it is
 * low confidence unless force. 0, or -1 with the reason. */
int host_session_associate_apply(host_session *s, int force, char *err, size_t errlen);
/* Control: players found in the picture (capture_runner.h) by the own
 * camera: look for `players` (0: not known) over the next `seconds`; asked
 * again, it starts over. 0, or -1 with the reason (no own camera, ...). */
int host_session_find_players(host_session *s, int players, double seconds, char *err, size_t errlen);
int host_session_find_cancel(host_session *s, char *err, size_t errlen);
/* Control: where the search stands and its proposal; -1 without an own camera. */
int host_session_found_players(host_session *s, camsep_capture_proposal *p);
/* Control: the proposal as the players' boxes, left to right to players 1,
 * 2, ... (one HOST_CMD_BOX each, as the window and OSC do); with force also
 * when fewer were found than there are players (camsep_capture_proposal_boxes).
 * 0, or -1 with the reason. */
int host_session_found_apply(host_session *s, int force, char *err, size_t errlen);
/* Control: the camera's state and frame size; 0 when there is a camera
 * (*w, *h > 0 once its first frame size is known), -1 when there is none. */
int host_session_camera(host_session *s, int *state, double *fps, int *w, int *h);
/* Control: the camera's own motion (shake, pans, a vibrating stand) as the
 * capture runner last estimated it (camsep_capture_status): u, v of the
 * latest frame and the magnitude averaged over about 1 s, camera pixels per
 * frame. 0 when known; -1 with all three NaN when there is no camera, or no
 * estimate (before the first frames, camera lost). */
int host_session_camera_motion(host_session *s, float *u, float *v, float *magnitude);

/* Set-up or control: a preview of the camera (host_ui.c): hook->frame(hook->user, f)
 * on the capture thread for every frame read, pixels valid during the call.
 * NULL: none. The hook must stay valid until host_session_free. */
typedef struct host_frame_hook {
    void (*frame)(void *user, const camsep_frame *f);
    void *user;
} host_frame_hook;
void host_session_set_frame_hook(host_session *s, const host_frame_hook *hook);

/* Control: the configuration as it stands now (for saving). */
void host_session_get_config(host_session *s, host_config *out);
/* Control: 1 if a command changed the configuration since the last call. */
int host_session_take_dirty(host_session *s);

/* Priors from the network (host_remote.c): what the status reports. */
typedef struct host_remote_status {
    int enabled;              /* 1: this host takes priors on its OSC port (no camera of its own) */
    int senders;              /* live now */
    uint64_t received, gaps, late, duplicates, refused;
} host_remote_status;

/* Any thread, one at a time, and never while the session has a camera
 * (refused, -1): a prior from the network for all players (p->n_sources
 * must be the session's; activity NaN = unknown; held and motion as from a
 * camera of its own, motion 0 where the sender sent none; p->time is not
 * read), describing CLOCK_MONOTONIC time event_ns. It takes the camera's
 * path into the engine (prior clock, camera latency, sound check, box
 * association). 0 or -1. */
int host_session_push_remote(host_session *s, const camsep_prior *p, int64_t event_ns);
/* Control: the network receiver's counters, for the status. */
void host_session_set_remote_status(host_session *s, const host_remote_status *r);
void host_session_get_remote_status(host_session *s, host_remote_status *r);

typedef struct host_status {
    uint64_t frames;          /* samples processed */
    uint64_t xruns;           /* from the host */
    double dsp_mean, dsp_peak;/* share of real time spent in process, since the last status */
    int camera;               /* 0 none, else 1 + camsep_capture_state */
    double camera_fps;
    uint64_t camera_frames, priors_pushed, priors_unmapped;
    uint64_t priors_used, priors_late, priors_dropped, nonfinite;
    int bypassed;
    host_remote_status remote;
} host_status;

/* Control: counters now (and the DSP load since the previous call). */
void host_session_status(host_session *s, host_status *st);
/* "t=12.0s dsp 12%/30% xruns 0 camera running 30.0fps priors 345 used/0 late nonfinite 0" */
void host_status_format(const host_status *st, double seconds, char *buf, size_t size);

#endif
