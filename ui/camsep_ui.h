/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep's window: the live camera picture with the player boxes, per-player
 * meters and a status line, on X11 with cairo. The engineer draws, moves,
 * resizes, assigns and removes boxes with the mouse and keys.
 *
 * The window never changes a box itself. Every edit is reported through
 * box_changed(); the host sends it through its command path (the same one OSC
 * uses) and sets the boxes it now uses back with camsep_ui_set_boxes(). Until
 * it does (at most 1 s) the edit is shown as proposed; afterwards the window
 * shows what the host says, so the window and OSC never disagree.
 *
 * Mouse and keys:
 *   drag on the picture outside any box   draw a new box (dashed until assigned)
 *   drag inside a box                     move it
 *   drag an edge or a corner              resize it
 *   1..8                                  assign the selected (or new) box to player N
 *   click a player's meter column         the same
 *   Delete / BackSpace                    remove the selected box
 *   Tab / Shift+Tab                       select the next / previous box
 *   Escape                                undo the drag in progress, else deselect
 *   a letter                              the host's (callbacks.key; camsep-jack and
 *                                         camsep-portaudio: s = sound check start/stop,
 *                                         x = cancel it, a = accept the players' proposal)
 *
 * Threading, per call:
 *   set-up:    camsep_ui_open, camsep_ui_start, camsep_ui_close
 *   any thread (short mutex, never waits for drawing; not real-time safe):
 *              camsep_ui_push_frame, camsep_ui_set_boxes, camsep_ui_set_meters,
 *              camsep_ui_set_status, camsep_ui_set_status_info, camsep_ui_set_player_label,
 *              camsep_ui_get_stats
 *   UI thread: camsep_ui_run_once (the thread that calls it is the UI thread;
 *              after camsep_ui_start the library's own thread is), camsep_ui_screenshot,
 *              and every callback.
 * Redraws happen at most max_fps times a second and only when something
 * changed; the UI thread sleeps in poll() otherwise.
 *
 * If the X server goes away, the window is dead but the process lives:
 * display_lost() is called once, run_once returns -1, the setters keep
 * working (and do nothing visible), and camsep_ui_close frees everything.
 */
#ifndef CAMSEP_UI_H
#define CAMSEP_UI_H

#include <stddef.h>
#include <stdint.h>

#include "camsep_video_types.h"

#define CAMSEP_UI_MAX_PLAYERS 8

typedef struct camsep_ui camsep_ui;

typedef struct camsep_ui_callbacks {
    /* UI thread. The engineer gave player `player` (0-based) a new box:
     * `box` in frame pixels, `normalised` the same in 0..1 of the frame; or
     * removed it (both NULL). */
    void (*box_changed)(void *user, int player, const camsep_box *box, const camsep_box *normalised);
    /* UI thread. The window manager's close button; the window stays open
     * until camsep_ui_close(). */
    void (*close_requested)(void *user);
    /* UI thread, once. The X connection is gone (message says why). */
    void (*display_lost)(void *user, const char *message);
    void *user;
    /* UI thread; may be NULL (last, so that older initialisers leave it so).
     * A letter key ('a'..'z', 'A'..'Z' with Shift) for the host. */
    void (*key)(void *user, int ch);
} camsep_ui_callbacks;

typedef struct camsep_ui_config {
    const char *display;  /* NULL: $DISPLAY */
    const char *title;    /* NULL: "camsep" */
    int width, height;    /* initial window size (960 x 600) */
    int n_players;        /* 1..CAMSEP_UI_MAX_PLAYERS */
    const char *player_name[CAMSEP_UI_MAX_PLAYERS]; /* NULL: "player N" (copied) */
    const char *instrument[CAMSEP_UI_MAX_PLAYERS];  /* NULL or "": not shown (copied) */
    double max_fps;       /* redraw limit (30) */
    camsep_ui_callbacks callbacks;
} camsep_ui_config;

/* What the status line shows, for hosts that prefer a struct to a string. */
typedef struct camsep_ui_status {
    const char *camera;  /* "running", "lost", "ended", ... (NULL: not shown) */
    double camera_fps;   /* < 0: not shown */
    double dsp_load;     /* share of the audio period, 0..1 (< 0: not shown) */
    long long xruns;     /* < 0: not shown */
    double latency_ms;   /* < 0: not shown */
    /* why the camera is (not) listened to */
    double camera_motion_px; /* the camera's own motion (shake, a vibrating stand), pixels per
                                frame averaged over ~1 s (< 0 or NaN: not shown) */
    int n_trust;         /* players whose trust is shown, 0..CAMSEP_UI_MAX_PLAYERS (0: none) */
    float trust[CAMSEP_UI_MAX_PLAYERS]; /* the weight the engine gives each player's camera
                                           prior, 0..1 (NaN: "-") */
    float split[CAMSEP_UI_MAX_PLAYERS]; /* how far each player's stem is split from a same-dictionary
                                           twin's by motion, 0..1 (shown when any of the n_trust
                                           players' is above 0) */
    const char *extra;   /* a host's own item, shown last (NULL or "": not shown), e.g. the sound check */
    /* the rest gate, shown after trust and split (these fields come last, so that a status
     * written without them, zeros, shows neither item) */
    int n_gate;          /* players whose gate is given, 0..CAMSEP_UI_MAX_PLAYERS (0: no gate and no
                            camera offset shown) */
    float gate[CAMSEP_UI_MAX_PLAYERS]; /* the rest gate's gain on each player's share, 1 = open ..
                                          0.001 = gated (shown when any of the n_gate players' is
                                          below 1) */
    double camera_offset_s; /* the camera's measured offset against the audio, seconds (> 0: later
                               than its latency setting says), shown rounded to ms with n_gate > 0;
                               NaN: not measured yet, not shown */
    uint32_t hidden;     /* bit j: the camera cannot see player j + 1 now (something in front, too
                            dark), shown as "hidden 2 3" with n_gate > 0 when any is */
    float share[CAMSEP_UI_MAX_PLAYERS]; /* how far each player's share of the sound is moved towards
                                           what their graded motion predicts, 0..1 (shown after the
                                           split when any of the n_trust players' is above 0; last,
                                           so that a status written without it shows none) */
} camsep_ui_status;

typedef struct camsep_ui_stats {
    uint64_t frames_pushed; /* camsep_ui_push_frame calls that copied a frame */
    uint64_t frames_shown;  /* distinct frames drawn */
    uint64_t redraws;
    int lost;               /* the X connection is gone */
} camsep_ui_stats;

/* set-up */
void camsep_ui_config_default(camsep_ui_config *cfg);
/* Connects to the display and opens the window. NULL with a one-line reason in err. */
camsep_ui *camsep_ui_open(const camsep_ui_config *cfg, char *err, size_t errlen);
/* Runs the UI on a thread of the library's own until camsep_ui_close. 0 or -1. */
int camsep_ui_start(camsep_ui *ui, char *err, size_t errlen);
/* Stops the UI thread if any, closes the window and the display, frees. NULL is ignored. */
void camsep_ui_close(camsep_ui *ui);

/* UI thread: handles events and redraws if due, waiting at most timeout_ms
 * (0: do not wait) for something to happen. 0, or -1 once the display is lost. */
int camsep_ui_run_once(camsep_ui *ui, int timeout_ms);
/* UI thread: draws the window's current contents into a PNG (window size). 0, or -1 with err. */
int camsep_ui_screenshot(camsep_ui *ui, const char *png_path, char *err, size_t errlen);

/* any thread */
void camsep_ui_push_frame(camsep_ui *ui, const camsep_frame *f); /* copied */
/* The boxes the host uses, one per player in player order (n <= n_players;
 * w or h <= 0, or players past n: no box). -1 if n is invalid. */
int camsep_ui_set_boxes(camsep_ui *ui, const camsep_box *boxes, int n);
/* motion: prior 0..1 per player (NaN: unknown, e.g. camera lost);
 * level_db: output level per player in dB (NaN or -inf: silent). Either may be NULL. */
void camsep_ui_set_meters(camsep_ui *ui, const float *motion, const float *level_db, int n);
void camsep_ui_set_status(camsep_ui *ui, const char *text); /* copied, one line */
/* A player's label as camsep_ui_config gives it at open: name (NULL or "":
 * "player N") and instrument (NULL or "": not shown), both copied. For renames
 * and instrument changes while the window is open. -1 if player is invalid. */
int camsep_ui_set_player_label(camsep_ui *ui, int player, const char *name, const char *instrument);
void camsep_ui_set_status_info(camsep_ui *ui, const camsep_ui_status *st);
/* Boxes found in the picture (capture_runner.h's proposal), shown dashed in
 * the colour of the player each would become (the j-th from the left player
 * j+1) with its share of the motion, over the players' boxes, until the host
 * sets n = 0. Frame pixels; share may be NULL. -1 if n is invalid. */
int camsep_ui_set_found(camsep_ui *ui, const camsep_box *boxes, const float *share, int n);
void camsep_ui_get_stats(camsep_ui *ui, camsep_ui_stats *st);

/* The status line camsep_ui_set_status_info shows, e.g.
 * "camera running 30.0 fps | cam motion 1.3 px | trust 0.82 0.10 | gate 1.00 0.00 | hidden 2 | cam offset +40 ms |
 * DSP 12 % | xruns 0 | latency 21.3 ms". */
void camsep_ui_format_status(const camsep_ui_status *st, char *out, size_t outlen);

#endif
