/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep.lv2's UI in a mini UI host on a private Xvfb: dlopen camsep_ui.so,
 * instantiate it for the 2-player variant inside a parent window (ui:parent,
 * ui:resize, urid:map), then
 *   - port_event level values -> idle -> XGetImage: the level bar's height;
 *   - the UI asks for the ring name (patch:Get on the control port);
 *   - a click on a mute button (XSendEvent) -> write_function(mute_1 = 1);
 *   - patch:Set of the ring name on notify -> the UI shows the preview that a
 *     camsep_preview_writer publishes there;
 *   - the sound check: a click on its button and the key 2 -> patch:Set of
 *     urn:camsep:lv2:soundcheck ("alone 1", "alone 2": no camera); its state
 *     on notify -> the button lights;
 *   - the host's ui:scaleFactor 2 (options feature): a window twice the size,
 *     drawn twice as large (the level bar's height), clicks mapped back.
 * Exit 77 without Xvfb.
 */
#define _POSIX_C_SOURCE 200809L
/* the LV2 headers before Xlib's, whose `Bool` macro breaks forge.h */
#include "lv2/atom/forge.h"
#include "lv2/options/options.h"
#include "lv2/patch/patch.h"
#include "lv2/ui/ui.h"
#include "lv2/urid/urid.h"

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "lv2ui_layout.h"
#include "shm_preview.h"
#include "ui_font_cache.h"
#include "ui_meter.h"
#include "ui_test_xvfb.h"

static char uris[64][128];
static int n_uris;
static LV2_URID map_uri(LV2_URID_Map_Handle h, const char *uri)
{
    (void)h;
    for (int i = 0; i < n_uris; i++)
        if (!strcmp(uris[i], uri))
            return (LV2_URID)i + 1;
    CHECK(n_uris < 64);
    snprintf(uris[n_uris], sizeof uris[0], "%s", uri);
    return (LV2_URID)++n_uris;
}

static int resized_w, resized_h, writes, got_get;
static char last_command[128]; /* the last patch:Set of urn:camsep:lv2:soundcheck */
static uint32_t last_port;
static float last_value;
static LV2_URID_Map map = {NULL, map_uri};

static int on_resize(LV2UI_Feature_Handle h, int w, int hh)
{
    (void)h;
    resized_w = w;
    resized_h = hh;
    return 0;
}

static void on_write(LV2UI_Controller c, uint32_t port, uint32_t size, uint32_t format, const void *buf)
{
    (void)c;
    if (format == 0 && size == sizeof(float)) {
        memcpy(&last_value, buf, sizeof(float));
        last_port = port;
        writes++;
    } else if (format == map_uri(NULL, LV2_ATOM__eventTransfer) && port == CAMSEP_PORT_CONTROL) {
        const LV2_Atom_Object *obj = buf;
        got_get |= obj->atom.type == map_uri(NULL, LV2_ATOM__Object) && obj->body.otype == map_uri(NULL, LV2_PATCH__Get);
        const LV2_Atom_URID *property = NULL;
        const LV2_Atom *value = NULL;
        lv2_atom_object_get(obj, map_uri(NULL, LV2_PATCH__property), (const LV2_Atom **)&property,
                            map_uri(NULL, LV2_PATCH__value), &value, 0);
        if (obj->body.otype == map_uri(NULL, LV2_PATCH__Set) && property &&
            property->body == map_uri(NULL, "urn:camsep:lv2:soundcheck") && value &&
            value->type == map_uri(NULL, LV2_ATOM__String))
            snprintf(last_command, sizeof last_command, "%.*s", (int)value->size,
                     (const char *)LV2_ATOM_BODY_CONST(value));
    }
}

static Display *dpy;
static const LV2UI_Descriptor *desc;
static const LV2UI_Idle_Interface *idle_iface;
static LV2UI_Handle ui;

static void run_idle(int ms)
{
    for (int t = 0; t < ms; t += 10) {
        CHECK(idle_iface->idle(ui) == 0);
        sleep_ms(10);
    }
}

static XImage *grab(Window w, int width, int height)
{
    XSync(dpy, False);
    XImage *im = XGetImage(dpy, w, 0, 0, (unsigned)width, (unsigned)height, AllPlanes, ZPixmap);
    CHECK(im);
    return im;
}

/* Rows from the bottom of the bar whose centre pixel is not the empty bar's (0x333338). */
static int bar_height(XImage *im, ui_rect bar)
{
    const int x = (int)(bar.x + bar.w / 2.0);
    int h = 0;
    for (int y = (int)(bar.y + bar.h) - 1; y >= (int)bar.y; y--, h++)
        if ((XGetPixel(im, x, y) & 0xffffff) == 0x333338)
            break;
    return h;
}

static void send_level(int player, float db)
{
    desc->port_event(ui, camsep_lv2_player_port_index(player, CAMSEP_PP_LEVEL), sizeof(float), 0, &db);
}

static void click(Window w, double x, double y)
{
    XEvent ev;
    memset(&ev, 0, sizeof ev);
    ev.xbutton.type = ButtonPress;
    ev.xbutton.display = dpy;
    ev.xbutton.window = w;
    ev.xbutton.x = (int)x;
    ev.xbutton.y = (int)y;
    ev.xbutton.button = 1;
    ev.xbutton.same_screen = True;
    XSendEvent(dpy, w, False, ButtonPressMask, &ev);
    ev.xbutton.type = ButtonRelease;
    XSendEvent(dpy, w, False, ButtonReleaseMask, &ev);
    XFlush(dpy);
}

static void key(Window w, KeySym sym)
{
    XEvent ev;
    memset(&ev, 0, sizeof ev);
    ev.xkey.type = KeyPress;
    ev.xkey.display = dpy;
    ev.xkey.window = w;
    ev.xkey.keycode = XKeysymToKeycode(dpy, sym);
    ev.xkey.same_screen = True;
    XSendEvent(dpy, w, False, KeyPressMask, &ev);
    XFlush(dpy);
}

/* patch:Set of a string property, as the plugin sends it on notify. */
static void notify_string(const char *property, const char *text)
{
    uint8_t buf[512];
    LV2_Atom_Forge forge;
    lv2_atom_forge_init(&forge, &map);
    lv2_atom_forge_set_buffer(&forge, buf, sizeof buf);
    LV2_Atom_Forge_Frame fr;
    LV2_Atom *msg = (LV2_Atom *)lv2_atom_forge_object(&forge, &fr, 0, map_uri(NULL, LV2_PATCH__Set));
    lv2_atom_forge_key(&forge, map_uri(NULL, LV2_PATCH__property));
    lv2_atom_forge_urid(&forge, map_uri(NULL, property));
    lv2_atom_forge_key(&forge, map_uri(NULL, LV2_PATCH__value));
    lv2_atom_forge_string(&forge, text, (uint32_t)strlen(text));
    lv2_atom_forge_pop(&forge, &fr);
    desc->port_event(ui, CAMSEP_PORT_NOTIFY, lv2_atom_total_size(msg), map_uri(NULL, LV2_ATOM__eventTransfer), msg);
}

static void test_soundcheck(Window win, const lv2ui_layout *l, int W, int H)
{
    click(win, l->sc_button.x + 10, l->sc_button.y + 10);
    run_idle(100);
    CHECK_MSG(!strcmp(last_command, "alone 1"), "button sent \"%s\"", last_command);
    key(win, XK_2);
    run_idle(100);
    CHECK_MSG(!strcmp(last_command, "alone 2"), "key 2 sent \"%s\"", last_command);
    notify_string("urn:camsep:lv2:soundcheck_state", "recording");
    notify_string("urn:camsep:lv2:soundcheck_message", "recording 3.0 s: player 2 alone");
    run_idle(100);
    XImage *im = grab(win, W, H);
    const uint32_t px = (uint32_t)XGetPixel(im, (int)l->sc_button.x + 2, (int)l->sc_button.y + 2) & 0xffffff;
    XDestroyImage(im);
    CHECK_MSG(((px >> 16) & 0xff) > 200 && ((px >> 8) & 0xff) < 120, "recording button pixel %06x", px);
    key(win, XK_s);
    run_idle(100);
    CHECK_MSG(!strcmp(last_command, "stop"), "S while recording sent \"%s\"", last_command);
    printf("sound check: button -> \"alone 1\", key 2 -> \"alone 2\", state shown, S -> \"stop\"\n");
}

/* A second instance with the host's scale factor 2. */
static void test_scale(int W, int H, const lv2ui_layout *l)
{
    /* the whole screen: the part of the window that is grabbed must be on it */
    const Window parent = XCreateSimpleWindow(dpy, DefaultRootWindow(dpy), 0, 0, 1024, 768, 0, 0, 0);
    XMapWindow(dpy, parent);
    XSync(dpy, False);
    const float two = 2.0f;
    const LV2_Options_Option options[] = {
        {LV2_OPTIONS_INSTANCE, 0, map_uri(NULL, LV2_UI__scaleFactor), sizeof(float), map_uri(NULL, LV2_ATOM__Float),
         &two},
        {LV2_OPTIONS_INSTANCE, 0, 0, 0, 0, NULL},
    };
    LV2UI_Resize resize = {NULL, on_resize};
    const LV2_Feature f_parent = {LV2_UI__parent, (void *)(uintptr_t)parent};
    const LV2_Feature f_resize = {LV2_UI__resize, &resize};
    const LV2_Feature f_map = {LV2_URID__map, &map};
    const LV2_Feature f_options = {LV2_OPTIONS__options, (void *)options};
    const LV2_Feature *features[] = {&f_parent, &f_resize, &f_map, &f_options, NULL};
    LV2UI_Widget widget = NULL;
    ui = desc->instantiate(desc, "urn:camsep:lv2:camsep-2p", "", on_write, NULL, &widget, features);
    CHECK(ui && widget);
    CHECK_MSG(resized_w == 2 * W && resized_h == 2 * H, "scale 2: %dx%d, layout %dx%d", resized_w, resized_h, W, H);
    const Window win = (Window)(uintptr_t)widget;
    const lv2ui_strip_rects r1 = lv2ui_layout_strip(l, 0), r2 = lv2ui_layout_strip(l, 1);
    send_level(0, -12.0f);
    run_idle(100);
    const ui_rect bar2 = {2 * r1.level_bar.x, 2 * r1.level_bar.y, 2 * r1.level_bar.w, 2 * r1.level_bar.h};
    CHECK(bar2.x + bar2.w <= 1024 && bar2.y + bar2.h <= 768);
    XImage *im = grab(win, (int)(bar2.x + bar2.w), (int)(bar2.y + bar2.h));
    const int h = bar_height(im, bar2);
    XDestroyImage(im);
    const double want = bar2.h * ui_meter_level_fraction(-12.0f);
    printf("scale factor 2: window %dx%d (layout %dx%d), level bar %d px at -12 dB (want %.0f)\n", resized_w,
           resized_h, W, H, h, want);
    CHECK(fabs(h - want) <= 4.5);
    const int before = writes;
    click(win, 2 * (r2.mute.x + r2.mute.w / 2.0), 2 * (r2.mute.y + r2.mute.h / 2.0));
    run_idle(100);
    CHECK_MSG(writes == before + 1 && last_port == camsep_lv2_player_port_index(1, CAMSEP_PP_MUTE) && last_value == 1.0f,
              "scale 2: writes %d port %u value %g", writes - before, last_port, (double)last_value);
    printf("scale factor 2: a click on mute_2 at twice its layout position -> write_function(port %u, 1)\n", last_port);
    desc->cleanup(ui);
    ui = NULL;
    XDestroyWindow(dpy, parent);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_lv2_ui_host BUNDLE_DIR\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    xvfb xv;
    const int xs = xvfb_start(&xv, 1024, 768);
    if (xs == 77) {
        printf("test_lv2_ui_host: SKIP: Xvfb not installed\n");
        return 77;
    }
    CHECK(xs == 0);
    setenv("DISPLAY", xv.name, 1);
    char path[4096];
    snprintf(path, sizeof path, "%s/camsep_ui.so", argv[1]);
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    CHECK_MSG(lib, "%s", dlerror());
    LV2UI_DescriptorFunction get = (LV2UI_DescriptorFunction)dlsym(lib, "lv2ui_descriptor");
    CHECK(get && (desc = get(0)) && !get(1));
    CHECK(!strcmp(desc->URI, "urn:camsep:lv2:ui"));
    idle_iface = desc->extension_data(LV2_UI__idleInterface);
    CHECK(idle_iface && idle_iface->idle);

    dpy = XOpenDisplay(xv.name);
    CHECK(dpy);
    const Window parent = XCreateSimpleWindow(dpy, DefaultRootWindow(dpy), 0, 0, 900, 500, 0, 0, 0);
    XMapWindow(dpy, parent);
    XSync(dpy, False);
    LV2UI_Resize resize = {NULL, on_resize};
    const LV2_Feature f_parent = {LV2_UI__parent, (void *)(uintptr_t)parent};
    const LV2_Feature f_resize = {LV2_UI__resize, &resize};
    const LV2_Feature f_map = {LV2_URID__map, &map};
    const LV2_Feature *features[] = {&f_parent, &f_resize, &f_map, NULL};
    LV2UI_Widget widget = NULL;
    CHECK(desc->instantiate(desc, "urn:camsep:lv2:camsep-9p", argv[1], on_write, NULL, &widget, features) == NULL);
    ui = desc->instantiate(desc, "urn:camsep:lv2:camsep-2p", argv[1], on_write, NULL, &widget, features);
    CHECK(ui && widget);
    const Window win = (Window)(uintptr_t)widget;
    int W, H;
    lv2ui_layout_size(2, &W, &H);
    CHECK(resized_w == W && resized_h == H);
    lv2ui_layout l;
    lv2ui_layout_compute(&l, 2);
    const lv2ui_strip_rects r1 = lv2ui_layout_strip(&l, 0), r2 = lv2ui_layout_strip(&l, 1);

    /* meters: port_event -> pixels */
    send_level(0, -90.0f);
    send_level(1, -90.0f);
    run_idle(100);
    CHECK(got_get); /* the ring name was asked for */
    XImage *im = grab(win, W, H);
    const int h0 = bar_height(im, r1.level_bar);
    XDestroyImage(im);
    send_level(0, -12.0f);
    send_level(1, -48.0f);
    run_idle(100);
    im = grab(win, W, H);
    const int h1 = bar_height(im, r1.level_bar), h2 = bar_height(im, r2.level_bar);
    XDestroyImage(im);
    const double want1 = r1.level_bar.h * ui_meter_level_fraction(-12.0f), want2 = r2.level_bar.h * ui_meter_level_fraction(-48.0f);
    printf("level bar player 1: %d px at -90 dB, %d px at -12 dB (want %.0f); player 2: %d px at -48 dB (want %.0f)\n",
           h0, h1, want1, h2, want2);
    CHECK(h0 == 0);
    CHECK(fabs(h1 - want1) <= 2.5 && fabs(h2 - want2) <= 2.5);

    /* a click on player 1's mute -> write_function */
    click(win, r1.mute.x + r1.mute.w / 2.0, r1.mute.y + r1.mute.h / 2.0);
    run_idle(100);
    CHECK_MSG(writes == 1 && last_port == camsep_lv2_player_port_index(0, CAMSEP_PP_MUTE) && last_value == 1.0f,
              "writes %d port %u value %g", writes, last_port, (double)last_value);
    printf("click on mute_1 -> write_function(port %u, %.0f)\n", last_port, (double)last_value);

    /* the preview: the plugin says its ring name, a writer publishes there */
    char ring[64], err[256];
    snprintf(ring, sizeof ring, "/camsep-uitest-%d", (int)getpid());
    camsep_preview_writer *pw = camsep_preview_writer_create(ring, 0.0, err, sizeof err);
    CHECK_MSG(pw, "%s", err);
    uint8_t frame[160 * 120];
    memset(frame, 200, sizeof frame);
    uint8_t buf[256];
    LV2_Atom_Forge forge;
    lv2_atom_forge_init(&forge, &map);
    lv2_atom_forge_set_buffer(&forge, buf, sizeof buf);
    LV2_Atom_Forge_Frame fr;
    LV2_Atom *msg = (LV2_Atom *)lv2_atom_forge_object(&forge, &fr, 0, map_uri(NULL, LV2_PATCH__Set));
    lv2_atom_forge_key(&forge, map_uri(NULL, LV2_PATCH__property));
    lv2_atom_forge_urid(&forge, map_uri(NULL, "urn:camsep:lv2:shm_name"));
    lv2_atom_forge_key(&forge, map_uri(NULL, LV2_PATCH__value));
    lv2_atom_forge_string(&forge, ring, (uint32_t)strlen(ring));
    lv2_atom_forge_pop(&forge, &fr);
    desc->port_event(ui, CAMSEP_PORT_NOTIFY, lv2_atom_total_size(msg), map_uri(NULL, LV2_ATOM__eventTransfer), msg);
    uint32_t centre = 0;
    for (int t = 0; t < 40 && centre != 0xc8c8c8; t++) {
        CHECK(camsep_preview_writer_publish(pw, frame, 160, 120, 160, t) == 1);
        run_idle(50);
        im = grab(win, W, H);
        centre = (uint32_t)XGetPixel(im, (int)(l.preview.x + l.preview.w / 2), (int)(l.preview.y + l.preview.h / 2)) & 0xffffff;
        XDestroyImage(im);
    }
    CHECK_MSG(centre == 0xc8c8c8, "preview centre pixel %06x", centre);
    printf("preview: the thumbnail published on %s.preview is shown\n", ring);
    camsep_preview_writer_close(pw);
    test_soundcheck(win, &l, W, H);

    desc->cleanup(ui);
    XDestroyWindow(dpy, parent);
    test_scale(W, H, &l);
    XCloseDisplay(dpy);
    dlclose(lib);
    ui_release_font_caches(); /* the UI drew text with this process's cairo */
    xvfb_stop(&xv);
    printf("test_lv2_ui_host: ok\n");
    return 0;
}
