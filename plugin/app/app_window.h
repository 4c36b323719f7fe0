/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The programs' window (--ui of camsep-jack, camsep-portaudio and
 * camsep-capture): glue between a program's control state and the camsep_ui
 * library (ui/camsep_ui.h), the same for every program.
 *
 * - Camera frames come from the program's capture thread and are copied into
 *   the window.
 * - A box edited in the window goes to host->set_box, which the program
 *   routes through the control path OSC uses; the window then shows
 *   host->get_boxes again, so the window and OSC never disagree. Boxes, names
 *   and instruments changed elsewhere reach the window at the next refresh.
 * - Removing a box is refused (the capture runner analyses one box per
 *   player): the box stays and the status line says why.
 * - Meters and the status line are refreshed 5 times a second: when
 *   app_window_due says so, the program gathers them and calls
 *   app_window_show.
 * - The close button makes app_window_closed return 1 (the program ends as on
 *   SIGTERM); a lost display leaves the program running without a window,
 *   with one message on stderr.
 *
 * Threading: open, stop and close are set-up calls of the program's control
 * loop; due, show and closed are called by that loop; push_frame by the
 * capture thread. The window's events and the host callbacks run on the
 * library's UI thread (camsep_ui_start); get_boxes and get_label also on the
 * control loop. Host callbacks are serialised (never two at once) and end at
 * app_window_stop. Nothing here runs on, or waits for, the audio thread.
 */
#ifndef CAMSEP_APP_WINDOW_H
#define CAMSEP_APP_WINDOW_H

#include <stddef.h>

#include "camsep_ui.h" /* camsep_ui_status (the header only: also without X) */
#include "camsep_video_types.h"

#define APP_WINDOW_NAME_LEN 64

typedef struct app_window app_window;

typedef struct app_window_host {
    /* Apply player's box (frame pixels). 0, or -1 with a reason. */
    int (*set_box)(void *user, int player, const camsep_box *box, char *err, size_t errlen);
    /* The boxes in use, one per player (n of them; zero size: none). */
    void (*get_boxes)(void *user, camsep_box *boxes, int n);
    /* May be NULL: player's name and instrument as shown ("" instrument: not
     * shown), each at most APP_WINDOW_NAME_LEN bytes with the NUL. */
    void (*get_label)(void *user, int player, char *name, char *instrument);
    void *user;
    /* May be NULL (last, so that older initialisers leave it so): a letter
     * key pressed in the window ('a'..'z', 'A'..'Z'); what became of it goes
     * to msg ("" = nothing to say), shown on the status line. */
    void (*key)(void *user, int ch, char *msg, size_t msglen);
} app_window_host;

/* Opens the window titled `title` for n players, with `program` in its
 * messages. NULL with a one-line reason (no display, or a build without the
 * window). */
app_window *app_window_open(const char *program, const char *title, int n, const app_window_host *host, char *err,
                            size_t errlen);
/* Capture thread: a camera frame into the window (copied). NULL w is ignored. */
void app_window_push_frame(app_window *w, const camsep_frame *f);
/* Control loop: 1 when meters and status are due (5 times a second, never
 * after a lost display). */
int app_window_due(app_window *w);
/* Control loop: motion (0..1, NaN unknown) and level (dB, or NULL: none) per
 * player, the status line; also takes boxes and labels changed elsewhere. */
void app_window_show(app_window *w, const float *motion, const float *level_db, const char *status);
/* The same with the status line in the library's standard form. */
void app_window_show_info(app_window *w, const float *motion, const float *level_db, const camsep_ui_status *st);
/* Control loop: boxes found in the picture (the capture runner's proposal,
 * frame pixels, left to right), shown dashed over the players' boxes; n = 0
 * hides them. share (each one's share of the motion) may be NULL. */
void app_window_show_found(app_window *w, const camsep_box *boxes, const float *share, int n);
/* Control loop: 1 once the window's close button was pressed. */
int app_window_closed(app_window *w);
/* Before the program's control state goes away: no host callback from here
 * on (waits for one in progress). NULL is ignored. */
void app_window_stop(app_window *w);
/* After the capture thread stopped calling push_frame: closes the window and
 * frees. NULL is ignored. */
void app_window_close(app_window *w);

#endif
