/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The window of camsep-jack and camsep-portaudio (--ui): the host session
 * behind the programs' shared window glue (plugin/app/app_window.h).
 *
 * - Camera frames come from the session's frame hook (capture thread).
 * - Player names (the label if set, else the port name), instruments and the
 *   boxes come from the session's configuration.
 * - A box edited in the window goes through host_session_command(HOST_CMD_BOX),
 *   the path OSC uses.
 * - Meters (the activity prior the engine used, the output level) and the
 *   status line (camera state and fps, DSP load, xruns, latency) are
 *   refreshed by host_ui_update, 5 times a second.
 *
 * Threading: open, stop and close are set-up calls of the control loop's
 * thread; update is called by that loop. The window's callbacks run on the
 * window library's thread (control-thread calls of the session). Nothing here
 * runs on, or waits for, the audio thread.
 */
#ifndef CAMSEP_HOST_UI_H
#define CAMSEP_HOST_UI_H

#include <stddef.h>
#include <stdint.h>

#include "host_session.h"

typedef struct host_ui host_ui;

/* Opens the window for the running session s; its title is "program: name"
 * (name: the JACK client name, or NULL). NULL with a one-line reason (no
 * display, or a build without the window). */
host_ui *host_ui_open(host_session *s, const char *program, const char *name, char *err, size_t errlen);
/* Control loop, each turn: refreshes meters, status and boxes when due.
 * Returns 1 once the window's close button was pressed, else 0. */
int host_ui_update(host_ui *u, uint64_t xruns);
/* Before the session is stopped: no window callback reaches the session
 * from here on (waits for one in progress; the window stays until close).
 * NULL is ignored. */
void host_ui_stop(host_ui *u);
/* Control loop, while the session runs (NSM's optional GUI): closes the
 * window but keeps what the session's frame hook points to (a hidden window
 * ignores frames); host_ui_show opens it again. host_ui_stop and
 * host_ui_close are still due with the session. shown: 1 while a window is
 * open. NULL is ignored (show: -1). */
void host_ui_hide(host_ui *u);
int host_ui_show(host_ui *u, char *err, size_t errlen);
int host_ui_shown(const host_ui *u);
/* After the session is freed (its camera no longer calls the frame hook):
 * the window's thread closes the window (also after a lost display: Xlib is
 * closed by the thread that saw it die), then everything is freed. NULL is
 * ignored. */
void host_ui_close(host_ui *u);

#endif
