/*
 * The window of camsep-capture (--ui): glue between camsep-capture's control
 * state and the camsep_ui library (ui/camsep_ui.h). Same design as the
 * standalone hosts' window (plugin/standalone/host_ui.h).
 *
 * - Camera frames come from the runner's frame sink (capture thread) and are
 *   copied into the window.
 * - A box edited in the window goes to host->set_box, which camsep-capture
 *   routes through the control path OSC uses (under its control lock); the
 *   window then shows host->get_boxes again, so the window, OSC and SIGHUP
 *   reloads never disagree. Boxes changed elsewhere, and names changed by
 *   OSC (host->get_name), reach the window at the next update.
 * - Removing a box is refused (the capture runner analyses one box per
 *   player): the box stays and the status line says why.
 * - Meters (motion per player) and the status line (camera state and fps,
 *   analysis time, published records) come from capture_ui_update, called by
 *   the main loop; they are refreshed 5 times a second.
 * - The close button makes capture_ui_update return 1 (the caller ends like
 *   on SIGTERM); a lost display leaves the program running without a window,
 *   with one message on stderr.
 *
 * Threading: open, stop and close are set-up calls of the main thread, update
 * is called by its loop, push_frame by the capture thread. The window's
 * events and the host callbacks run on the library's UI thread
 * (camsep_ui_start); after a lost display that thread has closed Xlib itself
 * and close only joins it.
 */
#ifndef CAMSEP_CAPTURE_UI_H
#define CAMSEP_CAPTURE_UI_H

#include <stddef.h>
#include <stdint.h>

#include "camsep_video_types.h"

typedef struct capture_ui capture_ui;

typedef struct capture_ui_host {
    /* UI thread: apply player's box (frame pixels). 0, or -1 with a reason. */
    int (*set_box)(void *user, int player, const camsep_box *box, char *err, size_t errlen);
    /* UI or main thread: the boxes in use, one per player (n of them). */
    void (*get_boxes)(void *user, camsep_box *boxes, int n);
    /* Main thread, may be NULL: player's current name (renamed by OSC). */
    void (*get_name)(void *user, int player, char *name, size_t size);
    void *user;
} capture_ui_host;

/* What the main loop shows. */
typedef struct capture_ui_info {
    const char *camera;      /* camera state name */
    double fps;
    double analysis_ms;      /* mean analysis time per frame */
    long long records;       /* published in the ring (< 0: no ring) */
    const float *motion;     /* per player, 0..1 (NaN: unknown) */
} capture_ui_info;

/* Opens the window (title `title`) for n players named names[]. NULL with a
 * one-line reason (no display, or a build without the window). */
capture_ui *capture_ui_open(const char *title, const char *const *names, int n, const capture_ui_host *host,
                            char *err, size_t errlen);
/* Capture thread: a camera frame into the window (copied). NULL is ignored. */
void capture_ui_push_frame(capture_ui *u, const camsep_frame *f);
/* Main loop, each turn: meters, status and boxes when due. Returns 1 once the
 * window's close button was pressed, else 0. */
int capture_ui_update(capture_ui *u, const capture_ui_info *info);
/* Before the control state goes away: no host callback from here on (waits
 * for one in progress). NULL is ignored. */
void capture_ui_stop(capture_ui *u);
/* After the capture thread stopped calling push_frame: closes the window and
 * frees. NULL is ignored. */
void capture_ui_close(capture_ui *u);

#endif
