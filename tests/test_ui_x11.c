/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The window under a private Xvfb (skipped, exit 77, when Xvfb is missing):
 *   screenshot   camsep-ui-demo --screenshot on a generated video: the PNG shows
 *                the picture and the boxes where the layout puts them
 *   drag         XTest drags draw a new box (assigned with key 2), move and
 *                resize a box; --print-boxes reports each change in frame
 *                pixels; the window's real pixels show the boxes
 *   keys         Tab, Delete, digit keys and the meter-column palette
 *   close        the window manager's close message ends the demo cleanly
 *   server_gone  the X server dies: the demo reports it and exits 1, no crash
 *   threaded     the library on its own thread in this process: frames from
 *                another thread reach the window; redraws stay <= 30 fps; then
 *                a second window whose X server dies: display_lost() comes
 *                from the UI thread, the setters keep working, and
 *                camsep_ui_close() from this thread returns (it used to hang
 *                in XFreeGC: Xlib is now closed by the UI thread)
 *   status       camsep_ui_format_status: the status line's parts, the
 *                camera's own motion, each player's prior trust, split,
 *                share and rest gate, and the camera's measured offset (no X)
 * usage: test_ui_x11 TEST PATH/TO/camsep-ui-demo
 */
#define _POSIX_C_SOURCE 200809L
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/keysym.h>
#include <cairo.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef CAMSEP_HAVE_XTEST
#include <X11/extensions/XTest.h>
#endif

#include "camsep_ui.h"
#include "check.h"
#include "ui_draw.h"
#include "ui_font_cache.h"
#include "ui_layout.h"
#include "ui_test_xvfb.h"

#define FW 320
#define FH 240
#define WIN_W 800
#define WIN_H 500
#define TITLE "camsep-ui-test"

static xvfb server;
static char dir[64], video[128];
static const char *demo_path;

static int quadrant(int x, int y) { return x < FW / 2 ? (y < FH / 2 ? 40 : 100) : (y < FH / 2 ? 160 : 220); }

/* the quadrants, and a bright bar sweeping through the first player's box (20..120 x 20..100) */
static int pattern(int x, int y, int k)
{
    const int bar = 30 + (k * 7) % 80;
    if (y >= 50 && y < 70 && x >= bar && x < bar + 6)
        return 250;
    return quadrant(x, y);
}

static void cleanup(void)
{
    xvfb_stop(&server);
    if (video[0])
        unlink(video);
    if (dir[0]) {
        char png[160];
        snprintf(png, sizeof png, "%s/shot.png", dir);
        if (!getenv("UI_TEST_KEEP"))
            unlink(png);
        rmdir(dir);
    }
}

static void fail_child(child *c, const char *what)
{
    fprintf(stderr, "test_ui_x11: %s\n--- demo stdout ---\n%s\n--- demo stderr ---\n%s\n", what, c->outbuf,
            c->errbuf);
    exit(1);
}

static void check_clean_stderr(child *c)
{
    if (strstr(c->errbuf, "Sanitizer") || strstr(c->errbuf, "runtime error:"))
        fail_child(c, "the demo reported a sanitizer error");
}

static void start_demo(child *c, const char *const *extra, int n_extra)
{
    char *argv[48];
    int n = 0;
    argv[n++] = (char *)demo_path;
    argv[n++] = video;
    argv[n++] = (char *)"--size";
    argv[n++] = (char *)"800x500";
    argv[n++] = (char *)"--title";
    argv[n++] = (char *)TITLE;
    for (int k = 0; k < n_extra && n < 46; k++)
        argv[n++] = (char *)extra[k];
    argv[n] = NULL;
    CHECK(child_start(c, argv, server.name) == 0);
}

static void wait_ready(child *c)
{
    char line[512];
    if (!child_read_line(c, line, sizeof line, 20000) || strncmp(line, "ready", 5) != 0)
        fail_child(c, "no 'ready' line from the demo");
}

static Window find_window(Display *d, const char *title)
{
    const double until = monotonic_s() + 10.0;
    while (monotonic_s() < until) {
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

/* The window's layout as the library computes it, and its origin on the root. */
static void window_layout(Display *d, Window w, int n_players, ui_layout *l, int *ox, int *oy)
{
    XWindowAttributes wa;
    CHECK(XGetWindowAttributes(d, w, &wa));
    Window child_w;
    CHECK(XTranslateCoordinates(d, w, DefaultRootWindow(d), 0, 0, ox, oy, &child_w));
    ui_layout_compute(l, wa.width, wa.height, FW, FH, n_players);
}

static void frame_to_root(const ui_layout *l, int ox, int oy, double fx, double fy, int *rx, int *ry)
{
    double wx, wy;
    ui_layout_frame_to_window(l, fx, fy, &wx, &wy);
    *rx = ox + (int)lround(wx);
    *ry = oy + (int)lround(wy);
}

/* The window's real pixel (what the X server shows) at frame coordinates. */
static void window_pixel(Display *d, Window w, const ui_layout *l, double fx, double fy, double rgb[3])
{
    double wx, wy;
    ui_layout_frame_to_window(l, fx, fy, &wx, &wy);
    XImage *im = XGetImage(d, w, (int)floor(wx), (int)floor(wy), 1, 1, AllPlanes, ZPixmap);
    CHECK(im);
    const unsigned long p = XGetPixel(im, 0, 0);
    rgb[0] = ((p & im->red_mask) >> 16) / 255.0;
    rgb[1] = ((p & im->green_mask) >> 8) / 255.0;
    rgb[2] = (p & im->blue_mask) / 255.0;
    XDestroyImage(im);
}

static int close_to(const double a[3], const double b[3], double tol)
{
    return fabs(a[0] - b[0]) <= tol && fabs(a[1] - b[1]) <= tol && fabs(a[2] - b[2]) <= tol;
}

/* Waits (the window redraws at its own pace) until the pixel is near rgb. */
static void expect_window_pixel(Display *d, Window w, const ui_layout *l, double fx, double fy, const double rgb[3],
                                const char *what)
{
    double p[3] = {0, 0, 0};
    const double until = monotonic_s() + 5.0;
    while (monotonic_s() < until) {
        window_pixel(d, w, l, fx, fy, p);
        if (close_to(p, rgb, 3.0 / 255.0))
            return;
        sleep_ms(50);
    }
    fprintf(stderr, "test_ui_x11: %s at frame (%.1f, %.1f): %.3f %.3f %.3f, want %.3f %.3f %.3f\n", what, fx, fy, p[0],
            p[1], p[2], rgb[0], rgb[1], rgb[2]);
    exit(1);
}

static void grey(double g, double rgb[3]) { rgb[0] = rgb[1] = rgb[2] = g / 255.0; }

/* "box P X Y W H norm ..." or "box P none" */
static void expect_box(child *c, int player, double x, double y, double w, double h, int none)
{
    char line[512];
    if (!child_read_line(c, line, sizeof line, 5000)) {
        char msg[128];
        snprintf(msg, sizeof msg, "no box line for player %d", player);
        fail_child(c, msg);
    }
    int p;
    double bx, by, bw, bh, nx, ny, nw, nh;
    char word[16];
    if (none) {
        if (sscanf(line, "box %d %15s", &p, word) != 2 || p != player || strcmp(word, "none") != 0)
            fail_child(c, line);
        return;
    }
    if (sscanf(line, "box %d %lf %lf %lf %lf norm %lf %lf %lf %lf", &p, &bx, &by, &bw, &bh, &nx, &ny, &nw, &nh) !=
        9)
        fail_child(c, line);
    const double tol = 1.5; /* a window pixel is about half a frame pixel here */
    if (p != player || fabs(bx - x) > tol || fabs(by - y) > tol || fabs(bw - w) > tol || fabs(bh - h) > tol) {
        char msg[700];
        snprintf(msg, sizeof msg, "got '%s', want box %d %.1f %.1f %.1f %.1f", line, player, x, y, w, h);
        fail_child(c, msg);
    }
    CHECK(fabs(nx - bx / FW) < 1e-3 && fabs(ny - by / FH) < 1e-3 && fabs(nw - bw / FW) < 1e-3 &&
          fabs(nh - bh / FH) < 1e-3);
}

static void stop_demo(child *c)
{
    kill(c->pid, SIGTERM);
    const int st = child_wait(c, 10000);
    if (st != 0)
        fail_child(c, "the demo did not exit cleanly on SIGTERM");
    check_clean_stderr(c);
}

/* ---- tests ---- */

static int test_screenshot(void)
{
    char png[160];
    snprintf(png, sizeof png, "%s/shot.png", dir);
    const char *extra[] = {"--screenshot", png, "--after-frames", "10", "--box", "Anna:violin=20,20,100,80",
                           "--box", "Ben:cello=180,120,110,90"};
    child c;
    start_demo(&c, extra, 8);
    const int st = child_wait(&c, 30000);
    if (st != 0)
        fail_child(&c, "the demo failed");
    check_clean_stderr(&c);

    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    CHECK(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
    CHECK(cairo_image_surface_get_width(s) == WIN_W && cairo_image_surface_get_height(s) == WIN_H);
    ui_layout l;
    ui_layout_compute(&l, WIN_W, WIN_H, FW, FH, 2);
    const unsigned char *data = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    const double pts[6][2] = {{300, 20}, {10, 230}, {150, 10}, {300, 230}, {20.0, 60.0}, {180.0, 160.0}};
    for (int k = 0; k < 6; k++) {
        double wx, wy, want[3], p[3];
        ui_layout_frame_to_window(&l, pts[k][0], pts[k][1], &wx, &wy);
        const uint32_t v = *(const uint32_t *)(const void *)(data + (size_t)floor(wy) * (size_t)stride +
                                                             4 * (size_t)floor(wx));
        p[0] = ((v >> 16) & 0xff) / 255.0, p[1] = ((v >> 8) & 0xff) / 255.0, p[2] = (v & 0xff) / 255.0;
        if (k < 4)
            grey(quadrant((int)pts[k][0], (int)pts[k][1]), want);
        else
            ui_player_colour(k - 4, want); /* the boxes' left edges */
        CHECK_MSG(close_to(p, want, 3.0 / 255.0), "screenshot at frame (%.0f, %.0f): %.3f %.3f %.3f", pts[k][0],
                  pts[k][1], p[0], p[1], p[2]);
    }
    cairo_surface_destroy(s);
    printf("screenshot checked: %s\n", png);
    return 0;
}

#ifdef CAMSEP_HAVE_XTEST
static void fake_drag(Display *d, int x0, int y0, int x1, int y1)
{
    XTestFakeMotionEvent(d, -1, x0, y0, 0);
    XSync(d, False);
    sleep_ms(30);
    XTestFakeButtonEvent(d, 1, True, 0);
    XSync(d, False);
    sleep_ms(30);
    for (int k = 1; k <= 8; k++) {
        XTestFakeMotionEvent(d, -1, x0 + (x1 - x0) * k / 8, y0 + (y1 - y0) * k / 8, 0);
        XSync(d, False);
        sleep_ms(15);
    }
    XTestFakeButtonEvent(d, 1, False, 0);
    XSync(d, False);
    sleep_ms(50);
}

static void fake_frame_drag(Display *d, const ui_layout *l, int ox, int oy, double fx0, double fy0, double fx1,
                            double fy1)
{
    int x0, y0, x1, y1;
    frame_to_root(l, ox, oy, fx0, fy0, &x0, &y0);
    frame_to_root(l, ox, oy, fx1, fy1, &x1, &y1);
    fake_drag(d, x0, y0, x1, y1);
}

static void fake_key(Display *d, KeySym sym)
{
    const KeyCode kc = XKeysymToKeycode(d, sym);
    CHECK(kc != 0);
    XTestFakeKeyEvent(d, kc, True, 0);
    XTestFakeKeyEvent(d, kc, False, 0);
    XSync(d, False);
    sleep_ms(50);
}

static Display *connect_to(Window *w, int n_players, ui_layout *l, int *ox, int *oy)
{
    Display *d = XOpenDisplay(server.name);
    CHECK(d);
    int ev, er, maj, min;
    CHECK(XTestQueryExtension(d, &ev, &er, &maj, &min));
    *w = find_window(d, TITLE);
    CHECK(*w);
    window_layout(d, *w, n_players, l, ox, oy);
    XSetInputFocus(d, *w, RevertToPointerRoot, CurrentTime);
    XSync(d, False);
    return d;
}

static int test_drag(void)
{
    const char *extra[] = {"--loop", "--print-boxes", "--box", "Anna:violin=20,20,100,80", "--player", "Ben:cello"};
    child c;
    start_demo(&c, extra, 6);
    wait_ready(&c);
    Window w;
    ui_layout l;
    int ox, oy;
    Display *d = connect_to(&w, 2, &l, &ox, &oy);

    /* a new box on the empty picture: pending until key 2 gives it to Ben */
    fake_frame_drag(d, &l, ox, oy, 180, 120, 280, 200);
    fake_key(d, XK_2);
    expect_box(&c, 2, 180, 120, 100, 80, 0);
    /* move Anna's box by (+30, +20) */
    fake_frame_drag(d, &l, ox, oy, 70, 70, 100, 90);
    expect_box(&c, 1, 50, 40, 100, 80, 0);
    /* resize it by its right edge (now x = 150) by +40 */
    fake_frame_drag(d, &l, ox, oy, 150, 80, 190, 80);
    expect_box(&c, 1, 50, 40, 140, 80, 0);
    /* its top-left corner beyond the frame: clamped to it */
    fake_frame_drag(d, &l, ox, oy, 50, 40, -100, -100);
    expect_box(&c, 1, 0, 0, 190, 120, 0);

    /* the real window: picture and boxes where the host says they are */
    double want[3];
    ui_player_colour(1, want);
    expect_window_pixel(d, w, &l, 180, 160, want, "Ben's box, left edge");
    ui_player_colour(0, want);
    expect_window_pixel(d, w, &l, 0, 30, want, "Anna's box, left edge (at the frame's)");
    expect_window_pixel(d, w, &l, 190, 30, want, "Anna's box, right edge");
    grey(quadrant(10, 230), want);
    expect_window_pixel(d, w, &l, 10, 230, want, "the picture");
    grey(quadrant(300, 20), want);
    expect_window_pixel(d, w, &l, 300, 20, want, "the picture");

    XCloseDisplay(d);
    stop_demo(&c);
    return 0;
}

static int test_keys(void)
{
    const char *extra[] = {"--loop", "--print-boxes", "--box", "Anna=20,20,100,80", "--box", "Ben=180,120,100,80"};
    child c;
    start_demo(&c, extra, 6);
    wait_ready(&c);
    Window w;
    ui_layout l;
    int ox, oy;
    Display *d = connect_to(&w, 2, &l, &ox, &oy);
    int rx, ry;
    frame_to_root(&l, ox, oy, 300, 20, &rx, &ry); /* the pointer over the picture, keys to the window */
    XTestFakeMotionEvent(d, -1, rx, ry, 0);

    fake_key(d, XK_Tab);    /* selects Anna's box */
    fake_key(d, XK_Delete); /* and removes it */
    expect_box(&c, 1, 0, 0, 0, 0, 1);
    fake_key(d, XK_Tab); /* Ben's, the only one left */
    fake_key(d, XK_1);   /* now Anna's */
    expect_box(&c, 1, 180, 120, 100, 80, 0);
    expect_box(&c, 2, 0, 0, 0, 0, 1);
    /* a new box, given to Ben by clicking his meter column */
    fake_frame_drag(d, &l, ox, oy, 20, 20, 60, 60);
    const ui_rect col = ui_layout_meter_column(&l, 1);
    fake_drag(d, ox + (int)(col.x + col.w / 2), oy + (int)(col.y + col.h / 2), ox + (int)(col.x + col.w / 2),
              oy + (int)(col.y + col.h / 2));
    expect_box(&c, 2, 20, 20, 40, 40, 0);
    /* Escape undoes a drag in progress: nothing reported */
    int x0, y0, x1, y1;
    frame_to_root(&l, ox, oy, 40, 40, &x0, &y0);
    frame_to_root(&l, ox, oy, 100, 100, &x1, &y1);
    XTestFakeMotionEvent(d, -1, x0, y0, 0);
    XTestFakeButtonEvent(d, 1, True, 0);
    XTestFakeMotionEvent(d, -1, x1, y1, 0);
    XSync(d, False);
    sleep_ms(100);
    fake_key(d, XK_Escape);
    XTestFakeButtonEvent(d, 1, False, 0);
    XSync(d, False);
    char line[256];
    if (child_read_line(&c, line, sizeof line, 700))
        fail_child(&c, line);

    XCloseDisplay(d);
    stop_demo(&c);
    return 0;
}
#endif

static int test_close(void)
{
    const char *extra[] = {"--loop", "--print-boxes"};
    child c;
    start_demo(&c, extra, 2);
    wait_ready(&c);
    Display *d = XOpenDisplay(server.name);
    CHECK(d);
    const Window w = find_window(d, TITLE);
    CHECK(w);
    XEvent e;
    memset(&e, 0, sizeof e);
    e.xclient.type = ClientMessage;
    e.xclient.window = w;
    e.xclient.message_type = XInternAtom(d, "WM_PROTOCOLS", False);
    e.xclient.format = 32;
    e.xclient.data.l[0] = (long)XInternAtom(d, "WM_DELETE_WINDOW", False);
    e.xclient.data.l[1] = CurrentTime;
    XSendEvent(d, w, False, NoEventMask, &e);
    XSync(d, False);
    const int st = child_wait(&c, 10000);
    XCloseDisplay(d);
    if (st != 0)
        fail_child(&c, "the demo did not exit with 0 on the close message");
    check_clean_stderr(&c);
    return 0;
}

static int test_server_gone(void)
{
    const char *extra[] = {"--loop", "--print-boxes"};
    child c;
    start_demo(&c, extra, 2);
    wait_ready(&c);
    sleep_ms(300);
    kill(server.pid, SIGKILL);
    waitpid(server.pid, NULL, 0);
    server.pid = 0;
    const int st = child_wait(&c, 10000);
    if (st != 1)
        fail_child(&c, "the demo should exit with 1 when the X server goes away");
    if (!strstr(c.errbuf, "lost"))
        fail_child(&c, "no 'lost' message");
    check_clean_stderr(&c);
    return 0;
}

static atomic_int threaded_changes;
static void count_change(void *user, int player, const camsep_box *b, const camsep_box *n)
{
    (void)user, (void)player, (void)b, (void)n;
    atomic_fetch_add(&threaded_changes, 1);
}

static atomic_int threaded_lost;
static void note_lost(void *user, const char *message)
{
    (void)user, (void)message;
    atomic_fetch_add(&threaded_lost, 1);
}

static void close_hung(int sig)
{
    (void)sig;
    static const char msg[] = "test_ui_x11: camsep_ui_close hangs after the X server died\n";
    ssize_t r = write(2, msg, sizeof msg - 1);
    (void)r;
    _exit(1);
}

/* The library's thread sees the X server die while this thread pushes frames;
 * then this thread closes the window: it must return (a watchdog fails the
 * test if it hangs) and the setters must stay harmless meanwhile. */
static int threaded_server_gone(void)
{
    camsep_ui_config cfg;
    camsep_ui_config_default(&cfg);
    cfg.display = server.name;
    cfg.title = "camsep-ui-threaded-gone";
    cfg.n_players = 2;
    cfg.callbacks.display_lost = note_lost;
    char err[256];
    camsep_ui *ui = camsep_ui_open(&cfg, err, sizeof err);
    CHECK_MSG(ui, "%s", err);
    CHECK(camsep_ui_start(ui, err, sizeof err) == 0);
    static uint8_t luma[FH][FW];
    const camsep_box boxes[2] = {{20, 20, 100, 80}, {180, 120, 100, 80}};
    CHECK(camsep_ui_set_boxes(ui, boxes, 2) == 0);
    camsep_ui_stats stats;
    int killed = 0;
    const double t0 = monotonic_s();
    for (int k = 0; monotonic_s() - t0 < 10.0; k++) {
        for (int y = 0; y < FH; y++)
            for (int x = 0; x < FW; x++)
                luma[y][x] = (uint8_t)pattern(x, y, k);
        const camsep_frame f = {FW, FH, FW, &luma[0][0], (int64_t)k * 10000000, (uint64_t)k};
        camsep_ui_push_frame(ui, &f);
        const float motion[2] = {0.5f, 0.1f};
        camsep_ui_set_meters(ui, motion, NULL, 2);
        camsep_ui_set_boxes(ui, boxes, 2);
        camsep_ui_set_status(ui, "running");
        camsep_ui_get_stats(ui, &stats);
        if (!killed && stats.frames_shown > 3) {
            kill(server.pid, SIGKILL); /* while the UI thread draws */
            waitpid(server.pid, NULL, 0);
            server.pid = 0;
            killed = 1;
        }
        if (killed && stats.lost && atomic_load(&threaded_lost) == 1)
            break;
        sleep_ms(10);
    }
    CHECK_MSG(killed, "the window never showed a frame");
    CHECK_MSG(stats.lost, "the lost display was not noticed");
    CHECK(atomic_load(&threaded_lost) == 1);
    for (int k = 0; k < 20; k++) { /* the setters after the loss */
        const camsep_frame f = {FW, FH, FW, &luma[0][0], (int64_t)k * 10000000, (uint64_t)k};
        camsep_ui_push_frame(ui, &f);
        camsep_ui_set_boxes(ui, boxes, 2);
        sleep_ms(5);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = close_hung;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    alarm(10);
    camsep_ui_close(ui);
    alarm(0);
    CHECK(atomic_load(&threaded_lost) == 1);
    return 0;
}

static int test_threaded(void)
{
    camsep_ui_config cfg;
    camsep_ui_config_default(&cfg);
    cfg.display = server.name;
    cfg.title = "camsep-ui-threaded";
    cfg.width = WIN_W;
    cfg.height = WIN_H;
    cfg.n_players = 2;
    cfg.player_name[0] = "Anna";
    cfg.callbacks.box_changed = count_change;
    char err[256];
    camsep_ui *ui = camsep_ui_open(&cfg, err, sizeof err);
    CHECK_MSG(ui, "%s", err);
    CHECK(camsep_ui_start(ui, err, sizeof err) == 0);

    static uint8_t luma[FH][FW];
    const camsep_box boxes[2] = {{20, 20, 100, 80}, {180, 120, 100, 80}};
    CHECK(camsep_ui_set_boxes(ui, boxes, 2) == 0);
    CHECK(camsep_ui_set_boxes(ui, boxes, 3) == -1);
    CHECK(camsep_ui_set_player_label(ui, 2, "Cleo", NULL) == -1 && camsep_ui_set_player_label(ui, -1, "x", NULL) == -1);
    CHECK(camsep_ui_set_player_label(ui, 1, "Ben", "cello") == 0);
    const camsep_ui_status st = {"running", 100.0, 0.12, 0,   21.3, 0.4, 2,  {0.82f, 0.1f},
                                 {0},       NULL,  0,    {0}, NAN,  0,   {0}};
    camsep_ui_set_status_info(ui, &st);
    const double t0 = monotonic_s();
    int k = 0;
    while (monotonic_s() - t0 < 1.5) { /* 100 frames a second from this thread */
        for (int y = 0; y < FH; y++)
            for (int x = 0; x < FW; x++)
                luma[y][x] = (uint8_t)pattern(x, y, k);
        const camsep_frame f = {FW, FH, FW, &luma[0][0], (int64_t)k * 10000000, (uint64_t)k};
        camsep_ui_push_frame(ui, &f);
        const float motion[2] = {0.5f, NAN}, level[2] = {-12.0f, -40.0f};
        camsep_ui_set_meters(ui, motion, level, 2);
        k++;
        sleep_ms(10);
    }
    const double elapsed = monotonic_s() - t0;
    camsep_ui_stats stats;
    camsep_ui_get_stats(ui, &stats);
    CHECK(stats.frames_pushed == (uint64_t)k && stats.frames_shown > 5 && !stats.lost);
    CHECK_MSG(stats.redraws <= 30.0 * elapsed + 5, "%llu redraws in %.2f s", (unsigned long long)stats.redraws,
              elapsed);

    Display *d = XOpenDisplay(server.name);
    CHECK(d);
    const Window w = find_window(d, "camsep-ui-threaded");
    CHECK(w);
    ui_layout l;
    int ox, oy;
    window_layout(d, w, 2, &l, &ox, &oy);
    double want[3];
    grey(quadrant(300, 20), want);
    expect_window_pixel(d, w, &l, 300, 20, want, "the picture");
    ui_player_colour(1, want);
    expect_window_pixel(d, w, &l, 180, 160, want, "the second box");
    XCloseDisplay(d);

    /* idle: no frames, no redraws (no busy loop) */
    camsep_ui_get_stats(ui, &stats);
    const uint64_t before = stats.redraws;
    sleep_ms(500);
    camsep_ui_get_stats(ui, &stats);
    CHECK_MSG(stats.redraws <= before + 2, "%llu redraws while idle", (unsigned long long)(stats.redraws - before));
    camsep_ui_close(ui);
    CHECK(atomic_load(&threaded_changes) == 0);
    CHECK(threaded_server_gone() == 0);
    ui_release_font_caches();
    return 0;
}

/* The status line: what is not known is left out; trust (split, share, gate) per player in player order. */
static int test_status(void)
{
    char line[256];
    camsep_ui_status st = {"running", 30.0, 0.12, 0, 21.3, 1.26, 2, {0.823f, 0.1f}, {0}, NULL, 0, {0}, NAN, 0, {0}};
    camsep_ui_format_status(&st, line, sizeof line);
    printf("status: %s\n", line);
    CHECK_MSG(!strcmp(line, "camera running 30.0 fps | cam motion 1.3 px | trust 0.82 0.10 | DSP 12 % | xruns 0 | "
                            "latency 21.3 ms"),
              "%s", line);
    /* nothing known about the camera's motion; an unknown trust; out-of-range trust clamped */
    st.camera_motion_px = NAN;
    st.n_trust = 3;
    st.trust[0] = NAN;
    st.trust[1] = 1.5f;
    st.trust[2] = 0.0f;
    camsep_ui_format_status(&st, line, sizeof line);
    CHECK_MSG(!strcmp(line, "camera running 30.0 fps | trust - 1.00 0.00 | DSP 12 % | xruns 0 | latency 21.3 ms"),
              "%s", line);
    /* twins split by their motion: shown beside the trust */
    st.split[0] = 0.75f;
    st.split[1] = 0.75f;
    camsep_ui_format_status(&st, line, sizeof line);
    CHECK_MSG(!strcmp(line, "camera running 30.0 fps | trust - 1.00 0.00 | split 0.75 0.75 0.00 | DSP 12 % | "
                            "xruns 0 | latency 21.3 ms"),
              "%s", line);
    /* shares moved towards the graded motion: after the split (above 1 clamped) */
    st.share[0] = 0.2f;
    st.share[1] = 1.5f;
    camsep_ui_format_status(&st, line, sizeof line);
    CHECK_MSG(!strcmp(line, "camera running 30.0 fps | trust - 1.00 0.00 | split 0.75 0.75 0.00 | share 0.20 1.00 "
                            "0.00 | DSP 12 % | xruns 0 | latency 21.3 ms"),
              "%s", line);
    /* a share beyond the n_trust players is not shown; none left: the item goes */
    st.share[1] = 0.0f;
    st.share[3] = 0.2f;
    camsep_ui_format_status(&st, line, sizeof line);
    CHECK_MSG(strstr(line, "| share 0.20 0.00 0.00 | DSP"), "%s", line);
    st.share[0] = 0.0f;
    camsep_ui_format_status(&st, line, sizeof line);
    CHECK_MSG(!strcmp(line, "camera running 30.0 fps | trust - 1.00 0.00 | split 0.75 0.75 0.00 | DSP 12 % | "
                            "xruns 0 | latency 21.3 ms"),
              "%s", line);
    st.share[3] = 0.0f;
    /* the rest gate: every player open, the camera's offset not measured yet: neither item */
    st.n_gate = 2;
    st.gate[0] = st.gate[1] = 1.0f;
    st.camera_offset_s = NAN;
    camsep_ui_format_status(&st, line, sizeof line);
    CHECK_MSG(!strstr(line, "gate") && !strstr(line, "cam offset"), "%s", line);
    /* a player gated (0.001 shows as 0.00), the offset measured: after trust and split */
    st.gate[1] = 0.001f;
    st.camera_offset_s = 0.04;
    camsep_ui_format_status(&st, line, sizeof line);
    CHECK_MSG(!strcmp(line, "camera running 30.0 fps | trust - 1.00 0.00 | split 0.75 0.75 0.00 | gate 1.00 0.00 | "
                            "cam offset +40 ms | DSP 12 % | xruns 0 | latency 21.3 ms"),
              "%s", line);
    /* every gate open again: the offset alone; early cameras signed, rounded to whole ms */
    st.gate[1] = 1.0f;
    st.camera_offset_s = -0.0124;
    camsep_ui_format_status(&st, line, sizeof line);
    CHECK_MSG(strstr(line, "| cam offset -12 ms |") && !strstr(line, "gate"), "%s", line);
    st.camera_offset_s = -0.0004;
    camsep_ui_format_status(&st, line, sizeof line);
    CHECK_MSG(strstr(line, "| cam offset +0 ms |"), "%s", line);
    /* a player the camera cannot see: after the gate, before the offset; bits beyond the players not shown */
    st.hidden = (1u << 1) | (1u << 5);
    camsep_ui_format_status(&st, line, sizeof line);
    CHECK_MSG(strstr(line, "| hidden 2 | cam offset +0 ms |"), "%s", line);
    st.hidden = 1u << 5;
    camsep_ui_format_status(&st, line, sizeof line);
    CHECK_MSG(!strstr(line, "hidden"), "%s", line);
    st.hidden = 1u << 1;
    /* no gate given (n_gate 0, as a status written without these fields): neither, whatever they hold */
    st.n_gate = 0;
    st.gate[1] = 0.001f;
    st.camera_offset_s = 0.04;
    camsep_ui_format_status(&st, line, sizeof line);
    CHECK_MSG(!strstr(line, "gate") && !strstr(line, "cam offset") && !strstr(line, "hidden"), "%s", line);
    st.hidden = 0;
    st.gate[1] = 1.0f;
    st.camera_offset_s = NAN;
    st.split[0] = st.split[1] = 0.0f;
    /* a share without a split (no twins): right after the trust */
    st.share[2] = 0.2f;
    camsep_ui_format_status(&st, line, sizeof line);
    CHECK_MSG(strstr(line, "| trust - 1.00 0.00 | share 0.00 0.00 0.20 | DSP 12 % |"), "%s", line);
    st.share[2] = 0.0f;
    /* neither: the line as before */
    const camsep_ui_status old = {"lost", -1.0, -1.0, -1, -1.0, -1.0, 0, {0}, {0}, NULL, 0, {0}, NAN, 0, {0}};
    camsep_ui_format_status(&old, line, sizeof line);
    CHECK_MSG(!strcmp(line, "camera lost"), "%s", line);
    /* a host's own item ends the line (the standalones' sound check) */
    camsep_ui_status sc = old;
    sc.extra = "SOUND CHECK 3.5 s [s: stop, x: cancel]";
    camsep_ui_format_status(&sc, line, sizeof line);
    CHECK_MSG(!strcmp(line, "camera lost | SOUND CHECK 3.5 s [s: stop, x: cancel]"), "%s", line);
    /* a short buffer: cut, terminated */
    st.n_trust = CAMSEP_UI_MAX_PLAYERS;
    for (int j = 0; j < CAMSEP_UI_MAX_PLAYERS; j++)
        st.trust[j] = 0.5f;
    char small[40];
    camsep_ui_format_status(&st, small, sizeof small);
    CHECK_MSG(strlen(small) == sizeof small - 1 && !strncmp(small, "camera running 30.0 fps | trust 0.50", 36),
              "%s", small);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_ui_x11 screenshot|drag|keys|close|server_gone|threaded|status DEMO\n");
        return 2;
    }
    const char *test = argv[1];
    demo_path = argv[2];
    if (!strcmp(test, "status"))
        return test_status();
#ifndef CAMSEP_HAVE_XTEST
    if (!strcmp(test, "drag") || !strcmp(test, "keys")) {
        printf("skipped: built without XTest (libxtst-dev)\n");
        return 77;
    }
#endif
    snprintf(dir, sizeof dir, "/tmp/camsep-ui-XXXXXX");
    CHECK(mkdtemp(dir));
    snprintf(video, sizeof video, "%s/stage.y4m", dir);
    atexit(cleanup);
    CHECK(write_y4m(video, FW, FH, 50, 25, pattern) == 0);

    const int r = xvfb_start(&server, 1280, 720);
    if (r == 77) {
        printf("skipped: Xvfb is not installed\n");
        return 77;
    }
    CHECK_MSG(r == 0, "Xvfb did not start");

    if (!strcmp(test, "screenshot"))
        return test_screenshot();
#ifdef CAMSEP_HAVE_XTEST
    if (!strcmp(test, "drag"))
        return test_drag();
    if (!strcmp(test, "keys"))
        return test_keys();
#endif
    if (!strcmp(test, "close"))
        return test_close();
    if (!strcmp(test, "server_gone"))
        return test_server_gone();
    if (!strcmp(test, "threaded"))
        return test_threaded();
    fprintf(stderr, "test_ui_x11: unknown test %s\n", test);
    return 2;
}
