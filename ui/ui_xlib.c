/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Xlib pieces both windows share (see ui_xlib.h). */
#include "ui_xlib.h"

#include <X11/Xutil.h>
#include <string.h>

int ui_xlib_translate(Display *dpy, Window win, int *width, int *height, XEvent *xe, ui_x11_event *ev)
{
    memset(ev, 0, sizeof *ev);
    switch (xe->type) {
    case ButtonPress:
    case ButtonRelease:
        ev->type = xe->type == ButtonPress ? UI_EV_PRESS : UI_EV_RELEASE;
        ev->button = (int)xe->xbutton.button;
        ev->x = xe->xbutton.x;
        ev->y = xe->xbutton.y;
        return 1;
    case MotionNotify:
        while (XCheckTypedWindowEvent(dpy, win, MotionNotify, xe))
            ; /* only the latest position matters */
        ev->type = UI_EV_MOTION;
        ev->x = xe->xmotion.x;
        ev->y = xe->xmotion.y;
        return 1;
    case ConfigureNotify:
        if (xe->xconfigure.width == *width && xe->xconfigure.height == *height)
            return 0;
        *width = xe->xconfigure.width;
        *height = xe->xconfigure.height;
        ev->type = UI_EV_RESIZE;
        ev->width = *width;
        ev->height = *height;
        return 1;
    case Expose:
        if (xe->xexpose.count > 0)
            return 0;
        ev->type = UI_EV_EXPOSE;
        return 1;
    case MapNotify:
        ev->type = UI_EV_EXPOSE;
        return 1;
    default:
        return -1;
    }
}

int ui_xlib_put_image(Display *dpy, Visual *visual, Window win, GC gc, cairo_surface_t *image)
{
    const cairo_format_t fmt = cairo_image_surface_get_format(image);
    if (fmt != CAIRO_FORMAT_RGB24 && fmt != CAIRO_FORMAT_ARGB32)
        return 0;
    cairo_surface_flush(image);
    const int w = cairo_image_surface_get_width(image), h = cairo_image_surface_get_height(image);
    XImage *im = XCreateImage(dpy, visual, 24, ZPixmap, 0, (char *)cairo_image_surface_get_data(image), (unsigned)w,
                              (unsigned)h, 32, cairo_image_surface_get_stride(image));
    if (!im)
        return 0;
    const unsigned one = 1;
    im->byte_order = *(const unsigned char *)&one ? LSBFirst : MSBFirst; /* native 32-bit xRGB words */
    XPutImage(dpy, win, gc, im, 0, 0, 0, 0, (unsigned)w, (unsigned)h);
    im->data = NULL; /* cairo's memory */
    XDestroyImage(im);
    return 1;
}
