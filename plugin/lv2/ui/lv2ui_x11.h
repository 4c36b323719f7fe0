/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The camsep.lv2 UI's X side: its own connection to the host's display, a
 * child window inside the host's (ui:parent), its mouse and expose events,
 * and painting a finished cairo image into it with XPutImage (no cairo-xlib:
 * nothing of cairo's holds X state that could wait on a dead server, the way
 * ui/ui_x11.c does it).
 *
 * The host's parent window may not exist on the server yet at instantiate
 * (suil's GTK wrappers hand over a window GDK has not flushed): the window is
 * then created on the root, unmapped, and reparented at the first
 * next_event call that finds the parent.
 *
 * No process-wide Xlib handler stays installed (the host owns those; one is
 * swapped for a trap only around the existence check); a dead
 * connection is noticed through this display's I/O exit handler (libX11 >=
 * 1.7) and every call then returns -1.
 *
 * Threading: one thread (the host's UI thread, in idle()).
 */
#ifndef CAMSEP_LV2UI_X11_H
#define CAMSEP_LV2UI_X11_H

#include <cairo.h>
#include <stddef.h>

#include "ui_x11.h" /* ui_x11_event: the same plain events as the standalone window */

typedef struct lv2ui_x11 lv2ui_x11;

/* Opens $DISPLAY and creates a width x height window inside `parent` (0: the
 * root window, i.e. a top-level window). NULL with a reason in err. */
lv2ui_x11 *lv2ui_x11_open(unsigned long parent, int width, int height, char *err, size_t errlen);
unsigned long lv2ui_x11_window(const lv2ui_x11 *x);
/* The next queued event: 1, 0 if none, -1 if the connection is lost. */
int lv2ui_x11_next_event(lv2ui_x11 *x, ui_x11_event *ev);
/* Copies a finished RGB24 image into the window (at 0,0) and flushes. 0 or -1. */
int lv2ui_x11_present(lv2ui_x11 *x, cairo_surface_t *image);
void lv2ui_x11_size(const lv2ui_x11 *x, int *width, int *height);
/* Destroys the window (unless the connection is lost) and closes. NULL is ignored. */
void lv2ui_x11_close(lv2ui_x11 *x);

#endif
