/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ui_x11.h"
#include "ui_xlib.h"

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/cursorfont.h>
#include <X11/keysym.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ui_x11 {
    Display *dpy;
    Window win;
    Atom wm_delete;
    GC gc;
    Visual *visual;
    int width, height;
    Cursor cursors[UI_CURSOR_COUNT];
    ui_x11_cursor cursor;
    atomic_int lost;
    char why[256]; /* written once, before lost is set */
};

/* ---- process-wide error handlers, chained ---- */

#define MAX_OPEN 16
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static ui_x11 *registry[MAX_OPEN];
static XErrorHandler previous_error_handler;
static XIOErrorHandler previous_io_handler;
static int handlers_installed;

static ui_x11 *find_display(Display *dpy)
{
    for (int k = 0; k < MAX_OPEN; k++)
        if (registry[k] && registry[k]->dpy == dpy)
            return registry[k];
    return NULL;
}

static void mark_lost(ui_x11 *x, const char *why)
{
    if (atomic_load(&x->lost))
        return;
    snprintf(x->why, sizeof x->why, "%s", why);
    atomic_store(&x->lost, 1);
}

static int on_io_error(Display *dpy)
{
    pthread_mutex_lock(&registry_lock);
    ui_x11 *x = find_display(dpy);
    if (x)
        mark_lost(x, "connection to the X server lost");
    XIOErrorHandler prev = previous_io_handler;
    pthread_mutex_unlock(&registry_lock);
    if (x || !prev)
        return 0; /* Xlib then calls our exit handler, which returns too */
    return prev(dpy);
}

static void on_io_exit(Display *dpy, void *user)
{
    (void)dpy;
    (void)user; /* returning keeps the process alive; the display is dead */
}

static int on_error(Display *dpy, XErrorEvent *e)
{
    pthread_mutex_lock(&registry_lock);
    ui_x11 *x = find_display(dpy);
    XErrorHandler prev = previous_error_handler;
    pthread_mutex_unlock(&registry_lock);
    if (x || !prev) {
        /* a protocol error on our window is a bug, not a reason to end the host */
        char text[128];
        XGetErrorText(dpy, e->error_code, text, sizeof text);
        fprintf(stderr, "camsep-ui: X error: %s (request %d.%d)\n", text, e->request_code, e->minor_code);
        return 0;
    }
    return prev(dpy, e);
}

static int register_display(ui_x11 *x)
{
    int slot = -1;
    pthread_mutex_lock(&registry_lock);
    if (!handlers_installed) {
        previous_error_handler = XSetErrorHandler(on_error);
        previous_io_handler = XSetIOErrorHandler(on_io_error);
        handlers_installed = 1; /* never removed: someone may have chained after us */
    }
    for (int k = 0; k < MAX_OPEN && slot < 0; k++)
        if (!registry[k]) {
            registry[k] = x;
            slot = k;
        }
    pthread_mutex_unlock(&registry_lock);
    if (slot >= 0)
        XSetIOErrorExitHandler(x->dpy, on_io_exit, x);
    return slot >= 0 ? 0 : -1;
}

static void unregister_display(ui_x11 *x)
{
    pthread_mutex_lock(&registry_lock);
    for (int k = 0; k < MAX_OPEN; k++)
        if (registry[k] == x)
            registry[k] = NULL;
    pthread_mutex_unlock(&registry_lock);
}

/* ---- window ---- */

ui_x11 *ui_x11_open(const char *display, const char *title, int width, int height, char *err, size_t errlen)
{
    const char *name = display ? display : getenv("DISPLAY");
    if (!name || !name[0]) {
        snprintf(err, errlen, "no X display (DISPLAY is not set)");
        return NULL;
    }
    ui_x11 *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    x->dpy = XOpenDisplay(name);
    if (!x->dpy) {
        snprintf(err, errlen, "cannot open X display '%s'", name);
        free(x);
        return NULL;
    }
    if (register_display(x) != 0) {
        snprintf(err, errlen, "too many windows open");
        XCloseDisplay(x->dpy);
        free(x);
        return NULL;
    }
    const int screen = DefaultScreen(x->dpy);
    /* cairo's RGB24 pixels go to the window as they are: a 24-bit TrueColor
     * visual with 32-bit pixels (every X server of this century) */
    x->visual = DefaultVisual(x->dpy, screen);
    if (DefaultDepth(x->dpy, screen) != 24 || x->visual->class != TrueColor || x->visual->red_mask != 0xff0000 ||
        x->visual->green_mask != 0xff00 || x->visual->blue_mask != 0xff) {
        snprintf(err, errlen, "display '%s': needs a 24-bit TrueColor visual", name);
        XCloseDisplay(x->dpy);
        unregister_display(x);
        free(x);
        return NULL;
    }
    x->width = width > 0 ? width : 960;
    x->height = height > 0 ? height : 600;
    XSetWindowAttributes wa;
    memset(&wa, 0, sizeof wa);
    wa.background_pixmap = None; /* we paint everything; no flash of background */
    wa.event_mask = ExposureMask | KeyPressMask | ButtonPressMask | ButtonReleaseMask | PointerMotionMask |
                    StructureNotifyMask;
    x->win = XCreateWindow(x->dpy, RootWindow(x->dpy, screen), 0, 0, (unsigned)x->width, (unsigned)x->height, 0,
                           CopyFromParent, InputOutput, CopyFromParent, CWBackPixmap | CWEventMask, &wa);

    const char *t = title && title[0] ? title : "camsep";
    XStoreName(x->dpy, x->win, t);
    const Atom utf8 = XInternAtom(x->dpy, "UTF8_STRING", False);
    XChangeProperty(x->dpy, x->win, XInternAtom(x->dpy, "_NET_WM_NAME", False), utf8, 8, PropModeReplace,
                    (const unsigned char *)t, (int)strlen(t));
    XClassHint *ch = XAllocClassHint();
    if (ch) {
        ch->res_name = (char *)"camsep";
        ch->res_class = (char *)"camsep";
        XSetClassHint(x->dpy, x->win, ch);
        XFree(ch);
    }
    XSizeHints *sh = XAllocSizeHints();
    if (sh) {
        sh->flags = PMinSize;
        sh->min_width = 320;
        sh->min_height = 200;
        XSetWMNormalHints(x->dpy, x->win, sh);
        XFree(sh);
    }
    x->wm_delete = XInternAtom(x->dpy, "WM_DELETE_WINDOW", False);
    XSetWMProtocols(x->dpy, x->win, &x->wm_delete, 1);

    static const unsigned shapes[UI_CURSOR_COUNT] = {
        XC_left_ptr,          XC_crosshair,        XC_fleur,           XC_sb_h_double_arrow,
        XC_sb_v_double_arrow, XC_top_left_corner, XC_top_right_corner, XC_bottom_left_corner,
        XC_bottom_right_corner,
    };
    for (int k = 0; k < UI_CURSOR_COUNT; k++)
        x->cursors[k] = XCreateFontCursor(x->dpy, shapes[k]);

    x->gc = XCreateGC(x->dpy, x->win, 0, NULL);
    XMapWindow(x->dpy, x->win);
    XSync(x->dpy, False);
    if (atomic_load(&x->lost)) {
        snprintf(err, errlen, "cannot create the window on '%s'", name);
        ui_x11_close(x);
        return NULL;
    }
    return x;
}

int ui_x11_fd(const ui_x11 *x) { return ConnectionNumber(x->dpy); }

static ui_x11_key translate_key(XKeyEvent *k, int *arg)
{
    char buf[8];
    KeySym sym = NoSymbol;
    XLookupString(k, buf, sizeof buf, &sym, NULL); /* applies Shift and NumLock */
    *arg = 0;
    if (sym >= XK_1 && sym <= XK_9) {
        *arg = (int)(sym - XK_1) + 1;
        return UI_KEY_DIGIT;
    }
    if ((sym >= XK_a && sym <= XK_z) || (sym >= XK_A && sym <= XK_Z)) {
        *arg = (int)(sym >= XK_a ? 'a' + (sym - XK_a) : 'A' + (sym - XK_A));
        return UI_KEY_LETTER;
    }
    if (sym >= XK_KP_1 && sym <= XK_KP_9) {
        *arg = (int)(sym - XK_KP_1) + 1;
        return UI_KEY_DIGIT;
    }
    switch (sym) {
    case XK_Delete:
    case XK_KP_Delete:
    case XK_BackSpace:
        return UI_KEY_DELETE;
    case XK_Tab:
        return (k->state & ShiftMask) ? UI_KEY_BACKTAB : UI_KEY_TAB;
    case XK_ISO_Left_Tab:
        return UI_KEY_BACKTAB;
    case XK_Escape:
        return UI_KEY_ESCAPE;
    default:
        return UI_KEY_OTHER;
    }
}

static int translate(ui_x11 *x, XEvent *xe, ui_x11_event *ev)
{
    const int r = ui_xlib_translate(x->dpy, x->win, &x->width, &x->height, xe, ev);
    if (r >= 0)
        return r;
    switch (xe->type) {
    case KeyPress:
        ev->type = UI_EV_KEY;
        ev->key = translate_key(&xe->xkey, &ev->arg);
        return 1;
    case ClientMessage:
        if ((Atom)xe->xclient.data.l[0] != x->wm_delete)
            return 0;
        ev->type = UI_EV_CLOSE;
        return 1;
    default:
        return 0;
    }
}

int ui_x11_next_event(ui_x11 *x, ui_x11_event *ev)
{
    while (!atomic_load(&x->lost) && XPending(x->dpy) > 0) {
        XEvent xe;
        XNextEvent(x->dpy, &xe);
        if (atomic_load(&x->lost))
            break;
        if (translate(x, &xe, ev))
            return 1;
    }
    return atomic_load(&x->lost) ? -1 : 0;
}

int ui_x11_present(ui_x11 *x, cairo_surface_t *image)
{
    if (atomic_load(&x->lost))
        return -1;
    if (!ui_xlib_put_image(x->dpy, x->visual, x->win, x->gc, image))
        return 0;
    if (!atomic_load(&x->lost))
        XFlush(x->dpy);
    return atomic_load(&x->lost) ? -1 : 0;
}

void ui_x11_set_cursor(ui_x11 *x, ui_x11_cursor c)
{
    if (atomic_load(&x->lost) || c == x->cursor || c < 0 || c >= UI_CURSOR_COUNT)
        return;
    x->cursor = c;
    XDefineCursor(x->dpy, x->win, x->cursors[c]);
}

int ui_x11_lost(const ui_x11 *x, char *msg, size_t msglen)
{
    const int lost = atomic_load(&x->lost);
    if (lost && msg && msglen)
        snprintf(msg, msglen, "%s", x->why);
    return lost;
}

void ui_x11_size(const ui_x11 *x, int *width, int *height)
{
    *width = x->width;
    *height = x->height;
}

void ui_x11_close(ui_x11 *x)
{
    if (!x)
        return;
    /* also on a lost connection: Xlib then only frees its client-side state
     * (requests go nowhere), which is what keeps this leak-free */
    if (x->gc)
        XFreeGC(x->dpy, x->gc);
    for (int k = 0; k < UI_CURSOR_COUNT; k++)
        if (x->cursors[k])
            XFreeCursor(x->dpy, x->cursors[k]);
    if (x->win)
        XDestroyWindow(x->dpy, x->win);
    XCloseDisplay(x->dpy); /* safe on a lost connection with libX11 >= 1.7 */
    unregister_display(x);
    free(x);
}
