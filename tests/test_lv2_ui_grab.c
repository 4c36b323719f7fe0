/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_lv2_ui_grab: screenshots for test_lv2_ui.sh.
 *   test_lv2_ui_grab OUT.png        the root window of $DISPLAY, as a PNG
 *   test_lv2_ui_grab --diff A B     prints how many pixels differ
 */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <cairo.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int grab(const char *out)
{
    Display *dpy = XOpenDisplay(NULL);
    if (!dpy) {
        fprintf(stderr, "test_lv2_ui_grab: cannot open the display\n");
        return 1;
    }
    XWindowAttributes a;
    XGetWindowAttributes(dpy, DefaultRootWindow(dpy), &a);
    XImage *im = XGetImage(dpy, DefaultRootWindow(dpy), 0, 0, (unsigned)a.width, (unsigned)a.height, AllPlanes, ZPixmap);
    if (!im) {
        XCloseDisplay(dpy);
        return 1;
    }
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, a.width, a.height);
    unsigned char *data = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < a.height; y++)
        for (int x = 0; x < a.width; x++) {
            const uint32_t px = (uint32_t)XGetPixel(im, x, y) & 0xffffff;
            memcpy(data + (size_t)y * (size_t)stride + 4 * (size_t)x, &px, 4);
        }
    cairo_surface_mark_dirty(s);
    const int ok = cairo_surface_write_to_png(s, out) == CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(s);
    XDestroyImage(im);
    XCloseDisplay(dpy);
    return ok ? 0 : 1;
}

static int diff(const char *a, const char *b)
{
    cairo_surface_t *sa = cairo_image_surface_create_from_png(a), *sb = cairo_image_surface_create_from_png(b);
    int rc = 1;
    if (cairo_surface_status(sa) == CAIRO_STATUS_SUCCESS && cairo_surface_status(sb) == CAIRO_STATUS_SUCCESS &&
        cairo_image_surface_get_width(sa) == cairo_image_surface_get_width(sb) &&
        cairo_image_surface_get_height(sa) == cairo_image_surface_get_height(sb)) {
        const int w = cairo_image_surface_get_width(sa), h = cairo_image_surface_get_height(sa);
        long n = 0;
        for (int y = 0; y < h; y++) {
            const uint32_t *ra = (const uint32_t *)(const void *)(cairo_image_surface_get_data(sa) + (size_t)y * (size_t)cairo_image_surface_get_stride(sa));
            const uint32_t *rb = (const uint32_t *)(const void *)(cairo_image_surface_get_data(sb) + (size_t)y * (size_t)cairo_image_surface_get_stride(sb));
            for (int x = 0; x < w; x++)
                n += (ra[x] & 0xffffff) != (rb[x] & 0xffffff);
        }
        printf("%ld\n", n);
        rc = 0;
    }
    cairo_surface_destroy(sa);
    cairo_surface_destroy(sb);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 2)
        return grab(argv[1]);
    if (argc == 4 && !strcmp(argv[1], "--diff"))
        return diff(argv[2], argv[3]);
    fprintf(stderr, "usage: test_lv2_ui_grab OUT.png | --diff A.png B.png\n");
    return 2;
}
