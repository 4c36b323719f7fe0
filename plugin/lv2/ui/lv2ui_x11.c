/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "lv2ui_x11.h"
#include "ui_xlib.h"

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/keysym.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lv2ui_x11 {
    Display *dpy;
    Window win;
    Colormap colormap;
    Window pending_parent; /* not created yet on the server when we were instantiated */
    GC gc;
    Visual *visual;
    int width, height;
    int lost;
};

static void on_io_exit(Display *dpy, void *user)
{
    (void)dpy;
    ((lv2ui_x11 *)user)->lost = 1; /* returning keeps the host alive */
}

/* Whether a window exists, asked without ending the host on BadWindow: the
 * process-wide error handler is swapped for a trap only around one
 * synchronous round trip on our own connection (UI thread). */
static int trapped_error;
static int trap(Display *dpy, XErrorEvent *e)
{
    (void)dpy;
    trapped_error = e->error_code;
    return 0;
}

static int window_exists(Display *dpy, Window w)
{
    XSync(dpy, False);
    trapped_error = 0;
    XErrorHandler previous = XSetErrorHandler(trap);
    XWindowAttributes a;
    const Status ok = XGetWindowAttributes(dpy, w, &a);
    XSync(dpy, False);
    XSetErrorHandler(previous);
    return ok && !trapped_error;
}

/* Into the host's window once it exists there. */
static void adopt_parent(lv2ui_x11 *x)
{
    if (!x->pending_parent || x->lost || !window_exists(x->dpy, x->pending_parent))
        return;
    XReparentWindow(x->dpy, x->win, x->pending_parent, 0, 0);
    XMapRaised(x->dpy, x->win);
    XFlush(x->dpy);
    x->pending_parent = 0;
}

lv2ui_x11 *lv2ui_x11_open(unsigned long parent, int width, int height, char *err, size_t errlen)
{
    lv2ui_x11 *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    x->dpy = XOpenDisplay(NULL);
    if (!x->dpy) {
        snprintf(err, errlen, "cannot open the X display (DISPLAY '%s')", getenv("DISPLAY") ? getenv("DISPLAY") : "");
        free(x);
        return NULL;
    }
    XSetIOErrorExitHandler(x->dpy, on_io_exit, x);
    const int screen = DefaultScreen(x->dpy);
    x->visual = DefaultVisual(x->dpy, screen);
    if (DefaultDepth(x->dpy, screen) != 24 || x->visual->class != TrueColor || x->visual->red_mask != 0xff0000 ||
        x->visual->green_mask != 0xff00 || x->visual->blue_mask != 0xff) {
        snprintf(err, errlen, "needs a 24-bit TrueColor display");
        XCloseDisplay(x->dpy);
        free(x);
        return NULL;
    }
    x->width = width;
    x->height = height;
    XSetWindowAttributes wa;
    memset(&wa, 0, sizeof wa);
    wa.background_pixmap = None; /* everything is painted; no flash */
    /* the host's window may use another visual (GTK 3 does): ours needs its
     * own colormap and border pixel, or XCreateWindow fails with BadMatch */
    x->colormap = XCreateColormap(x->dpy, RootWindow(x->dpy, screen), x->visual, AllocNone);
    wa.colormap = x->colormap;
    wa.border_pixel = 0;
    wa.event_mask =
        ExposureMask | ButtonPressMask | ButtonReleaseMask | ButtonMotionMask | StructureNotifyMask | KeyPressMask;
    /* A host may hand over a parent it has not sent to the server yet (suil's
     * GTK wrappers: GDK flushes later): the window then starts unmapped on
     * the root and moves into the parent at the first idle that finds it. */
    Window p = RootWindow(x->dpy, screen);
    if (parent && window_exists(x->dpy, (Window)parent))
        p = (Window)parent;
    else if (parent)
        x->pending_parent = (Window)parent;
    XSync(x->dpy, False);
    trapped_error = 0;
    XErrorHandler previous = XSetErrorHandler(trap);
    x->win = XCreateWindow(x->dpy, p, 0, 0, (unsigned)width, (unsigned)height, 0, 24, InputOutput, x->visual,
                           CWBackPixmap | CWEventMask | CWColormap | CWBorderPixel, &wa);
    XSync(x->dpy, False);
    if (trapped_error && p != RootWindow(x->dpy, screen)) { /* the parent went away meanwhile: wait for it */
        fprintf(stderr, "camsep UI: X error %d creating the window in 0x%lx; will retry\n", trapped_error, parent);
        trapped_error = 0;
        x->pending_parent = (Window)parent;
        x->win = XCreateWindow(x->dpy, RootWindow(x->dpy, screen), 0, 0, (unsigned)width, (unsigned)height, 0, 24,
                               InputOutput, x->visual, CWBackPixmap | CWEventMask | CWColormap | CWBorderPixel, &wa);
        XSync(x->dpy, False);
    }
    XSetErrorHandler(previous);
    XStoreName(x->dpy, x->win, "camsep");
    x->gc = XCreateGC(x->dpy, x->win, 0, NULL);
    if (!x->pending_parent)
        XMapRaised(x->dpy, x->win);
    XSync(x->dpy, False);
    if (x->lost) {
        snprintf(err, errlen, "the X connection was lost while creating the window");
        lv2ui_x11_close(x);
        return NULL;
    }
    return x;
}

unsigned long lv2ui_x11_window(const lv2ui_x11 *x) { return (unsigned long)x->win; }

/* The keys the UI uses (the sound check's): letters, digits, Escape. 1 or 0. */
static int translate_key(XEvent *xe, ui_x11_event *ev)
{
    char buf[8] = "";
    KeySym sym = NoSymbol;
    const int n = XLookupString(&xe->xkey, buf, sizeof buf, &sym, NULL);
    memset(ev, 0, sizeof *ev);
    ev->type = UI_EV_KEY;
    if (sym == XK_Escape)
        ev->key = UI_KEY_ESCAPE;
    else if (n == 1 && buf[0] >= '1' && buf[0] <= '9')
        ev->key = UI_KEY_DIGIT, ev->arg = buf[0] - '0';
    else if (n == 1 && ((buf[0] >= 'a' && buf[0] <= 'z') || (buf[0] >= 'A' && buf[0] <= 'Z')))
        ev->key = UI_KEY_LETTER, ev->arg = buf[0];
    else
        return 0;
    return 1;
}

int lv2ui_x11_next_event(lv2ui_x11 *x, ui_x11_event *ev)
{
    adopt_parent(x);
    while (!x->lost && XPending(x->dpy) > 0) {
        XEvent xe;
        XNextEvent(x->dpy, &xe);
        if (xe.type == ButtonPress && !x->lost) /* click to focus: the keys come here then */
            XSetInputFocus(x->dpy, x->win, RevertToParent, CurrentTime);
        if (xe.type == KeyPress) {
            if (!x->lost && translate_key(&xe, ev))
                return 1;
            continue;
        }
        if (!x->lost && ui_xlib_translate(x->dpy, x->win, &x->width, &x->height, &xe, ev) == 1)
            return 1;
    }
    return x->lost ? -1 : 0;
}

int lv2ui_x11_present(lv2ui_x11 *x, cairo_surface_t *image)
{
    if (x->lost)
        return -1;
    if (!ui_xlib_put_image(x->dpy, x->visual, x->win, x->gc, image))
        return 0;
    if (!x->lost)
        XFlush(x->dpy);
    return x->lost ? -1 : 0;
}

void lv2ui_x11_size(const lv2ui_x11 *x, int *width, int *height)
{
    *width = x->width;
    *height = x->height;
}

void lv2ui_x11_close(lv2ui_x11 *x)
{
    if (!x)
        return;
    if (!x->lost) {
        XFreeGC(x->dpy, x->gc);
        XDestroyWindow(x->dpy, x->win);
        XFreeColormap(x->dpy, x->colormap);
        XSync(x->dpy, False);
    }
    XCloseDisplay(x->dpy); /* also a lost one (libX11 >= 1.7): frees the client side */
    free(x);
}
