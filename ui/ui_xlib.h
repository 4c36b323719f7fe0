/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Xlib pieces both of camsep's windows share (the programs' window,
 * ui_x11.c, and the LV2 UI's, plugin/lv2/ui/lv2ui_x11.c): translating the
 * pointer, size and exposure events, and presenting a finished cairo image
 * with a plain XPutImage (no X state of cairo's that could wait on a dead
 * server).
 *
 * Threading: the thread that owns the window's connection.
 */
#ifndef CAMSEP_UI_XLIB_H
#define CAMSEP_UI_XLIB_H

#include <X11/Xlib.h>
#include <cairo.h>

#include "ui_x11.h"

/* Translates a button, motion (coalesced to the latest), configure, expose
 * or map event of win. 1: *ev is filled; 0: the event says nothing new;
 * -1: not one of these (the caller handles it). *width and *height are the
 * window's size, updated on a resize. */
int ui_xlib_translate(Display *dpy, Window win, int *width, int *height, XEvent *xe, ui_x11_event *ev);

/* Puts an RGB24 or ARGB32 image at the window's origin. 1 if it was sent
 * (the caller flushes), 0 if the format or XCreateImage said no. */
int ui_xlib_put_image(Display *dpy, Visual *visual, Window win, GC gc, cairo_surface_t *image);

#endif
