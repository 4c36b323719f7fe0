/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An X client for tests/test_host_ui.sh and tests/test_capture_ui.sh: it
 * writes the stage video, finds a host's window by its title, reads the
 * window's real pixels (what the X server shows), drags and types with XTest
 * and presses the window manager's close button. The layout of the window is
 * the library's own (ui_layout.h), computed for the window's current size.
 *
 *   test_host_ui_x y4m PATH
 *   test_host_ui_x picture TITLE NP X,Y,W,H...   the quadrants and each box's left edge
 *   test_host_ui_x motion TITLE NP P             the filled share of player P's motion bar
 *   test_host_ui_x drag TITLE NP FX0 FY0 FX1 FY1 (frame pixels)
 *   test_host_ui_x click-key TITLE NP FX FY KEYSYM  click at a frame point, then a key (A..Z with Shift)
 *   test_host_ui_x label TITLE NP P X,Y,W,H wide|narrow  whether player P's label strip
 *                                                reaches the right end of its box
 *   test_host_ui_x close TITLE
 *
 * The display is $DISPLAY. Exit 0, or 1 with a message.
 */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XTest.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui_draw.h"
#include "ui_layout.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#define FW 320
#define FH 240

static void die(const char *what)
{
    fprintf(stderr, "test_host_ui_x: %s\n", what);
    exit(1);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- the stage video ---- */

static int quadrant(int x, int y) { return x < FW / 2 ? (y < FH / 2 ? 40 : 100) : (y < FH / 2 ? 160 : 220); }

/* Value noise on a 6-pixel lattice: a texture the optical flow can follow. */
static double lattice(int i, int j)
{
    unsigned h = (unsigned)i * 73856093u ^ (unsigned)j * 19349663u;
    h ^= h >> 13;
    h *= 0x5bd1e995u;
    h ^= h >> 15;
    return 40.0 + (double)(h % 181u);
}

static double texture(double x, double y)
{
    const double gx = x / 6.0, gy = y / 6.0;
    const int i = (int)floor(gx), j = (int)floor(gy);
    const double fx = gx - i, fy = gy - j;
    return (1 - fy) * ((1 - fx) * lattice(i, j) + fx * lattice(i + 1, j)) +
           fy * ((1 - fx) * lattice(i, j + 1) + fx * lattice(i + 1, j + 1));
}

/* A camera's sensor noise, -1, 0 or +1 grey level: without it a frame in
 * which nothing moves would be the one before it bit for bit, which the
 * capture takes for a frozen camera. */
static int sensor_noise(int x, int y, int k)
{
    unsigned h = (unsigned)x * 2654435761u ^ (unsigned)y * 40503u ^ (unsigned)k * 97u;
    h ^= h >> 16;
    h *= 0x45d9f3bu;
    h ^= h >> 16;
    return (int)(h % 3u) - 1;
}

/* Flat quadrants above and below a textured band (y 50..190); in the band a
 * patch at 220..250 x 100..140 (where player 2 stands) moves for 1 s and
 * rests for 0.5 s, over and over; nothing moves elsewhere (player 1). */
static int pattern(int x, int y, int k)
{
    if (y < 50 || y >= 190)
        return quadrant(x, y);
    double off = 0.0;
    if (x >= 220 && x < 250 && y >= 100 && y < 140 && k % 45 < 30)
        off = 4.0 * sin(2.0 * M_PI * k / 10.0);
    return (int)lround(texture(x - off, y)) + sensor_noise(x, y, k);
}

static int write_video(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fprintf(f, "YUV4MPEG2 W%d H%d F30:1 Ip A1:1 Cmono\n", FW, FH);
    unsigned char row[FW];
    for (int k = 0; k < 90; k++) {
        fputs("FRAME\n", f);
        for (int y = 0; y < FH; y++) {
            for (int x = 0; x < FW; x++)
                row[x] = (unsigned char)pattern(x, y, k);
            fwrite(row, 1, sizeof row, f);
        }
    }
    return fclose(f);
}

/* ---- the window ---- */

static Window find_window(Display *d, const char *title)
{
    const double until = now_s() + 20.0;
    while (now_s() < until) {
        Window root, parent, *kids = NULL;
        unsigned n = 0;
        Window found = 0;
        if (XQueryTree(d, DefaultRootWindow(d), &root, &parent, &kids, &n)) {
            for (unsigned k = 0; k < n && !found; k++) {
                char *name = NULL;
                if (XFetchName(d, kids[k], &name) && name) {
                    if (!strcmp(name, title))
                        found = kids[k];
                    XFree(name);
                }
            }
            if (kids)
                XFree(kids);
        }
        if (found)
            return found;
        sleep_ms(50);
    }
    return 0;
}

typedef struct win {
    Display *d;
    Window w;
    ui_layout l;
    int ox, oy; /* the window's origin on the root */
} win;

static void open_window(win *x, const char *title, int n_players)
{
    x->d = XOpenDisplay(NULL);
    if (!x->d)
        die("cannot open the display");
    x->w = find_window(x->d, title);
    if (!x->w)
        die("no window with that title");
    /* The title is set before the window is mapped: XGetImage of a window
     * that is not viewable yet fails (BadMatch). */
    XWindowAttributes wa;
    const double until = now_s() + 20.0;
    do {
        if (!XGetWindowAttributes(x->d, x->w, &wa))
            die("XGetWindowAttributes");
        if (wa.map_state == IsViewable)
            break;
        sleep_ms(50);
    } while (now_s() < until);
    if (wa.map_state != IsViewable)
        die("the window was not mapped");
    Window child;
    XTranslateCoordinates(x->d, x->w, DefaultRootWindow(x->d), 0, 0, &x->ox, &x->oy, &child);
    ui_layout_compute(&x->l, wa.width, wa.height, FW, FH, n_players);
}

static void pixel_at(win *x, double wx, double wy, double rgb[3])
{
    XImage *im = XGetImage(x->d, x->w, (int)floor(wx), (int)floor(wy), 1, 1, AllPlanes, ZPixmap);
    if (!im)
        die("XGetImage");
    const unsigned long p = XGetPixel(im, 0, 0);
    rgb[0] = (double)((p & im->red_mask) >> 16) / 255.0;
    rgb[1] = (double)((p & im->green_mask) >> 8) / 255.0;
    rgb[2] = (double)(p & im->blue_mask) / 255.0;
    XDestroyImage(im);
}

static int close_to(const double a[3], const double b[3], double tol)
{
    return fabs(a[0] - b[0]) <= tol && fabs(a[1] - b[1]) <= tol && fabs(a[2] - b[2]) <= tol;
}

/* Waits (the window redraws at its own pace) until the pixel at frame (fx, fy) is near rgb. */
static void expect_frame_pixel(win *x, double fx, double fy, const double rgb[3], const char *what)
{
    double wx, wy, p[3] = {0, 0, 0};
    ui_layout_frame_to_window(&x->l, fx, fy, &wx, &wy);
    const double until = now_s() + 10.0;
    while (now_s() < until) {
        pixel_at(x, wx, wy, p);
        if (close_to(p, rgb, 4.0 / 255.0))
            return;
        sleep_ms(50);
    }
    fprintf(stderr, "test_host_ui_x: %s at frame (%.1f, %.1f): %.3f %.3f %.3f, want %.3f %.3f %.3f\n", what, fx, fy,
            p[0], p[1], p[2], rgb[0], rgb[1], rgb[2]);
    exit(1);
}

static int cmd_picture(win *x, int n_boxes, char **boxes)
{
    static const double pts[4][2] = {{300, 20}, {10, 230}, {150, 10}, {300, 230}};
    for (int k = 0; k < 4; k++) {
        const double g = quadrant((int)pts[k][0], (int)pts[k][1]) / 255.0, want[3] = {g, g, g};
        expect_frame_pixel(x, pts[k][0], pts[k][1], want, "the picture");
    }
    for (int j = 0; j < n_boxes; j++) {
        double bx, by, bw, bh, want[3];
        if (sscanf(boxes[j], "%lf,%lf,%lf,%lf", &bx, &by, &bw, &bh) != 4)
            die("a box is X,Y,W,H");
        ui_player_colour(j, want);
        expect_frame_pixel(x, bx, by + bh / 2, want, "a box's left edge");
    }
    printf("picture: ok\n");
    return 0;
}

/* How much of player p's colour a pixel is: p = alpha * colour + a grey, least squares. */
static double colour_share(const double p[3], int player)
{
    double c[3];
    ui_player_colour(player, c);
    const double pm = (p[0] + p[1] + p[2]) / 3.0, cm = (c[0] + c[1] + c[2]) / 3.0;
    double pc = 0.0, cc = 0.0;
    for (int i = 0; i < 3; i++) {
        pc += (p[i] - pm) * (c[i] - cm);
        cc += (c[i] - cm) * (c[i] - cm);
    }
    return pc / cc;
}

/* Player p's label strip at the right end of its box (4 window pixels below
 * its top, 6 left of its right edge: no outline, handle or glyph there): the
 * label's background (90 % the player's colour) when the label is as wide as
 * the box, the picture under the box's light tint (at most 50 %) when the
 * label is shorter. Waits up to 10 s for the wanted one. */
static int cmd_label(win *x, int p, const char *box, int want_wide)
{
    double bx, by, bw, bh, wx0, wy0, wx1, wy1, rgb[3] = {0, 0, 0}, share = 0.0;
    if (sscanf(box, "%lf,%lf,%lf,%lf", &bx, &by, &bw, &bh) != 4)
        die("a box is X,Y,W,H");
    ui_layout_frame_to_window(&x->l, bx, by, &wx0, &wy0);
    ui_layout_frame_to_window(&x->l, bx + bw, by + bh, &wx1, &wy1);
    const double until = now_s() + 10.0;
    while (now_s() < until) {
        pixel_at(x, wx1 - 6.0, wy0 + 4.0, rgb);
        share = colour_share(rgb, p);
        if (want_wide ? share > 0.8 : share < 0.6) {
            printf("label: %s (colour share %.2f)\n", want_wide ? "wide" : "narrow", share);
            return 0;
        }
        sleep_ms(50);
    }
    fprintf(stderr, "test_host_ui_x: player %d's label is not %s: %.3f %.3f %.3f, colour share %.2f\n", p + 1,
            want_wide ? "wide" : "narrow", rgb[0], rgb[1], rgb[2], share);
    return 1;
}

/* The share of player p's motion bar that is filled (its colour, not the bar's background). */
static int cmd_motion(win *x, int p)
{
    ui_rect mb, lb;
    ui_meter_bars(&x->l, p, &mb, &lb);
    const int h = (int)floor(mb.h);
    if (h < 4)
        die("the motion bar is too small");
    XImage *im = XGetImage(x->d, x->w, (int)floor(mb.x + mb.w / 2), (int)ceil(mb.y), 1, (unsigned)h, AllPlanes,
                           ZPixmap);
    if (!im)
        die("XGetImage");
    double colour[3];
    ui_player_colour(p, colour);
    int filled = 0;
    for (int y = 0; y < h; y++) {
        const unsigned long v = XGetPixel(im, 0, y);
        const double rgb[3] = {(double)((v & im->red_mask) >> 16) / 255.0,
                               (double)((v & im->green_mask) >> 8) / 255.0, (double)(v & im->blue_mask) / 255.0};
        filled += close_to(rgb, colour, 6.0 / 255.0);
    }
    XDestroyImage(im);
    printf("%.3f\n", (double)filled / h);
    return 0;
}

static void to_root(win *x, double fx, double fy, int *rx, int *ry)
{
    double wx, wy;
    ui_layout_frame_to_window(&x->l, fx, fy, &wx, &wy);
    *rx = x->ox + (int)lround(wx);
    *ry = x->oy + (int)lround(wy);
}

static int cmd_drag(win *x, double fx0, double fy0, double fx1, double fy1)
{
    int x0, y0, x1, y1;
    to_root(x, fx0, fy0, &x0, &y0);
    to_root(x, fx1, fy1, &x1, &y1);
    XTestFakeMotionEvent(x->d, -1, x0, y0, 0);
    XSync(x->d, False);
    sleep_ms(50);
    XTestFakeButtonEvent(x->d, 1, True, 0);
    XSync(x->d, False);
    sleep_ms(50);
    for (int k = 1; k <= 10; k++) {
        XTestFakeMotionEvent(x->d, -1, x0 + (x1 - x0) * k / 10, y0 + (y1 - y0) * k / 10, 0);
        XSync(x->d, False);
        sleep_ms(20);
    }
    XTestFakeButtonEvent(x->d, 1, False, 0);
    XSync(x->d, False);
    sleep_ms(100);
    printf("drag: ok\n");
    return 0;
}

static int cmd_click_key(win *x, double fx, double fy, const char *keysym)
{
    int rx, ry;
    to_root(x, fx, fy, &rx, &ry);
    XSetInputFocus(x->d, x->w, RevertToPointerRoot, CurrentTime);
    XTestFakeMotionEvent(x->d, -1, rx, ry, 0);
    XTestFakeButtonEvent(x->d, 1, True, 0);
    XTestFakeButtonEvent(x->d, 1, False, 0);
    XSync(x->d, False);
    sleep_ms(200);
    const KeySym sym = XStringToKeysym(keysym);
    const KeyCode kc = sym == NoSymbol ? 0 : XKeysymToKeycode(x->d, sym);
    if (!kc)
        die("no such key");
    /* an upper-case letter is typed with Shift held */
    const KeyCode shift = keysym[0] >= 'A' && keysym[0] <= 'Z' && !keysym[1] ? XKeysymToKeycode(x->d, XK_Shift_L) : 0;
    if (shift)
        XTestFakeKeyEvent(x->d, shift, True, 0);
    XTestFakeKeyEvent(x->d, kc, True, 0);
    XTestFakeKeyEvent(x->d, kc, False, 0);
    if (shift)
        XTestFakeKeyEvent(x->d, shift, False, 0);
    XSync(x->d, False);
    sleep_ms(100);
    printf("click-key: ok\n");
    return 0;
}

static int cmd_close(win *x)
{
    XEvent e;
    memset(&e, 0, sizeof e);
    e.xclient.type = ClientMessage;
    e.xclient.window = x->w;
    e.xclient.message_type = XInternAtom(x->d, "WM_PROTOCOLS", False);
    e.xclient.format = 32;
    e.xclient.data.l[0] = (long)XInternAtom(x->d, "WM_DELETE_WINDOW", False);
    e.xclient.data.l[1] = CurrentTime;
    XSendEvent(x->d, x->w, False, NoEventMask, &e);
    XSync(x->d, False);
    printf("close: sent\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "y4m"))
        return write_video(argv[2]) ? 1 : 0;
    if (argc < 3)
        die("usage: see the comment at the top of test_host_ui_x.c");
    const char *cmd = argv[1], *title = argv[2];
    const int np = argc > 3 ? atoi(argv[3]) : 1;
    win x;
    open_window(&x, title, np > 0 ? np : 1);
    int ev, er, maj, min;
    if (!XTestQueryExtension(x.d, &ev, &er, &maj, &min))
        die("no XTest extension");
    int rc = 1;
    if (!strcmp(cmd, "picture") && argc >= 4)
        rc = cmd_picture(&x, argc - 4, argv + 4);
    else if (!strcmp(cmd, "motion") && argc == 5)
        rc = cmd_motion(&x, atoi(argv[4]) - 1);
    else if (!strcmp(cmd, "drag") && argc == 8)
        rc = cmd_drag(&x, atof(argv[4]), atof(argv[5]), atof(argv[6]), atof(argv[7]));
    else if (!strcmp(cmd, "click-key") && argc == 7)
        rc = cmd_click_key(&x, atof(argv[4]), atof(argv[5]), argv[6]);
    else if (!strcmp(cmd, "label") && argc == 7 && (!strcmp(argv[6], "wide") || !strcmp(argv[6], "narrow")))
        rc = cmd_label(&x, atoi(argv[4]) - 1, argv[5], !strcmp(argv[6], "wide"));
    else if (!strcmp(cmd, "close"))
        rc = cmd_close(&x);
    else
        die("unknown command or wrong arguments");
    XCloseDisplay(x.d);
    return rc;
}
