/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The X11 side of the window: connecting, the window itself, its events
 * turned into a few plain ones, painting a finished cairo image into it, and
 * surviving the X server going away.
 *
 * Xlib's default error handlers end the process. While a ui_x11 is open, a
 * process-wide handler (installed once, chained to the previous one for other
 * displays) turns errors on our displays into a `lost` flag: every later call
 * here returns -1 and only ui_x11_close touches the display again. Needs
 * libX11 >= 1.7 (XSetIOErrorExitHandler) for the I/O case.
 *
 * Threading: a ui_x11 belongs to one thread at a time (the UI's).
 */
#ifndef CAMSEP_UI_X11_H
#define CAMSEP_UI_X11_H

#include <cairo.h>
#include <stddef.h>

typedef enum ui_x11_event_type {
    UI_EV_NONE = 0,
    UI_EV_PRESS,   /* button, x, y */
    UI_EV_RELEASE, /* button, x, y */
    UI_EV_MOTION,  /* x, y */
    UI_EV_KEY,     /* key, arg */
    UI_EV_RESIZE,  /* width, height */
    UI_EV_EXPOSE,
    UI_EV_CLOSE,   /* the window manager's close button */
} ui_x11_event_type;

typedef enum ui_x11_key {
    UI_KEY_OTHER = 0,
    UI_KEY_DIGIT,   /* arg = 1..9 */
    UI_KEY_DELETE,  /* Delete or BackSpace */
    UI_KEY_TAB,
    UI_KEY_BACKTAB, /* Shift+Tab */
    UI_KEY_ESCAPE,
    UI_KEY_LETTER,  /* arg = 'a'..'z' or 'A'..'Z' (Shift) */
} ui_x11_key;

typedef struct ui_x11_event {
    ui_x11_event_type type;
    double x, y;
    int button;
    ui_x11_key key;
    int arg;
    int width, height;
} ui_x11_event;

typedef enum ui_x11_cursor {
    UI_CURSOR_DEFAULT = 0,
    UI_CURSOR_CROSS,   /* draw a new box */
    UI_CURSOR_MOVE,
    UI_CURSOR_H,       /* left or right edge */
    UI_CURSOR_V,       /* top or bottom edge */
    UI_CURSOR_TL, UI_CURSOR_TR, UI_CURSOR_BL, UI_CURSOR_BR, /* corners */
    UI_CURSOR_COUNT,
} ui_x11_cursor;

typedef struct ui_x11 ui_x11;

/* Connects (display NULL: $DISPLAY), creates and maps a width x height window.
 * NULL with a one-line reason in err. */
ui_x11 *ui_x11_open(const char *display, const char *title, int width, int height, char *err, size_t errlen);
/* The connection's file descriptor, for poll(). */
int ui_x11_fd(const ui_x11 *x);
/* The next event if one is queued or readable without blocking: 1, 0 if none,
 * -1 if the connection is lost. */
int ui_x11_next_event(ui_x11 *x, ui_x11_event *ev);
/* Copies a finished image (window-sized) into the window and flushes. 0 or -1 (lost). */
int ui_x11_present(ui_x11 *x, cairo_surface_t *image);
void ui_x11_set_cursor(ui_x11 *x, ui_x11_cursor c);
/* 1 once the connection is lost; msg (may be NULL) says why. */
int ui_x11_lost(const ui_x11 *x, char *msg, size_t msglen);
void ui_x11_size(const ui_x11 *x, int *width, int *height);
/* Destroys the window and closes the display (also a lost one). NULL is ignored. */
void ui_x11_close(ui_x11 *x);

#endif
