/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep.lv2's UI: a ui:X11UI embedded in the host's window (ui:parent),
 * driven by the host through ui:idleInterface (no thread of its own), drawn
 * with cairo into an image that is put into the window (lv2ui_x11.c).
 *
 * Threading: every function here runs on the host's UI thread. port_event
 * stores values and marks the picture dirty; idle handles X events, reads the
 * camera preview and redraws (at most 30 times a second, only when something
 * changed).
 *
 * Ports: control values arrive by port_event (format 0, float); changes made
 * with the mouse go back by write_function (format 0). On the atom ports the
 * UI asks once for the prior ring's name (patch:Get of urn:camsep:lv2:shm_name
 * on `control`, needs urid:map) and follows patch:Set of it on `notify`: the
 * camera preview is that name + ".preview" (default /camsep). The sound
 * check the same way: a patch:Get of its state once, its status followed on
 * `notify`, its commands (the button, S, 1..9, Escape: lv2ui_soundcheck.h)
 * sent as patch:Set of urn:camsep:lv2:soundcheck.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lv2/atom/atom.h"
#include "lv2/atom/forge.h"
#include "lv2/atom/util.h"
#include "lv2/options/options.h"
#include "lv2/patch/patch.h"
#include "lv2/ui/ui.h"
#include "lv2/urid/urid.h"

#include "camsep_lv2_catalog.h"
#include "lv2ui_draw.h"
#include "lv2ui_input.h"
#include "lv2ui_layout.h"
#include "lv2ui_model.h"
#include "lv2ui_preview.h"
#include "lv2ui_soundcheck.h"
#include "lv2ui_x11.h"

#define MAX_FPS 30.0

typedef struct urids {
    LV2_URID atom_eventTransfer, atom_String, atom_URID, atom_Object, atom_Float, patch_Get, patch_Set,
        patch_property, patch_value, shm_name;
    LV2_URID soundcheck, sc_state, sc_progress, sc_message, sc_notice;
} urids;

typedef struct camsep_lv2ui {
    LV2UI_Write_Function write;
    LV2UI_Controller controller;
    LV2_URID_Map *map;
    urids uris;
    lv2ui_model model;
    lv2ui_layout layout;
    lv2ui_input input;
    lv2ui_preview preview;
    lv2ui_soundcheck sc;
    lv2ui_x11 *x;
    cairo_surface_t *surface;
    int width, height;
    double scale;        /* the host's ui:scaleFactor (1 without one): window pixels per layout unit */
    int dirty, asked_ring;
    double last_draw;
} camsep_lv2ui;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void write_control(void *user, uint32_t port, float value)
{
    camsep_lv2ui *ui = user;
    ui->write(ui->controller, port, sizeof(float), 0, &value);
    ui->dirty = 1;
}

static void map_uris(camsep_lv2ui *ui)
{
    LV2_URID_Map *m = ui->map;
    urids *u = &ui->uris;
    u->atom_eventTransfer = m->map(m->handle, LV2_ATOM__eventTransfer);
    u->atom_String = m->map(m->handle, LV2_ATOM__String);
    u->atom_URID = m->map(m->handle, LV2_ATOM__URID);
    u->atom_Object = m->map(m->handle, LV2_ATOM__Object);
    u->patch_Get = m->map(m->handle, LV2_PATCH__Get);
    u->patch_Set = m->map(m->handle, LV2_PATCH__Set);
    u->patch_property = m->map(m->handle, LV2_PATCH__property);
    u->patch_value = m->map(m->handle, LV2_PATCH__value);
    u->shm_name = m->map(m->handle, CAMSEP_LV2__shm_name);
    u->atom_Float = m->map(m->handle, LV2_ATOM__Float);
    u->soundcheck = m->map(m->handle, CAMSEP_LV2__soundcheck);
    u->sc_state = m->map(m->handle, CAMSEP_LV2__soundcheck_state);
    u->sc_progress = m->map(m->handle, CAMSEP_LV2__soundcheck_progress);
    u->sc_message = m->map(m->handle, CAMSEP_LV2__soundcheck_message);
    u->sc_notice = m->map(m->handle, CAMSEP_LV2__soundcheck_notice);
}

/* patch:Get of a property (text NULL), or patch:Set of it to text, to the
 * plugin's control port. */
static void send_patch(camsep_lv2ui *ui, LV2_URID property, const char *text)
{
    uint8_t buf[512];
    LV2_Atom_Forge forge;
    lv2_atom_forge_init(&forge, ui->map);
    lv2_atom_forge_set_buffer(&forge, buf, sizeof buf);
    LV2_Atom_Forge_Frame frame;
    LV2_Atom *msg =
        (LV2_Atom *)lv2_atom_forge_object(&forge, &frame, 0, text ? ui->uris.patch_Set : ui->uris.patch_Get);
    lv2_atom_forge_key(&forge, ui->uris.patch_property);
    lv2_atom_forge_urid(&forge, property);
    if (text) {
        lv2_atom_forge_key(&forge, ui->uris.patch_value);
        lv2_atom_forge_string(&forge, text, (uint32_t)strlen(text));
    }
    lv2_atom_forge_pop(&forge, &frame);
    if (msg)
        ui->write(ui->controller, CAMSEP_PORT_CONTROL, lv2_atom_total_size(msg), ui->uris.atom_eventTransfer, msg);
}

/* patch:Get of the ring name and of the sound check's state. */
static void ask_ring_name(camsep_lv2ui *ui)
{
    ui->asked_ring = 1;
    if (!ui->map)
        return;
    send_patch(ui, ui->uris.shm_name, NULL);
    send_patch(ui, ui->uris.sc_state, NULL);
}

static void soundcheck_command(camsep_lv2ui *ui, const char *command)
{
    if (ui->map && command)
        send_patch(ui, ui->uris.soundcheck, command);
}

static int camera_live(const camsep_lv2ui *ui)
{
    return ui->model.value[CAMSEP_PORT_CAMERA_STATUS] == (float)CAMSEP_CAMERA_LIVE;
}

/* A patch:Set of one of the sound check's status properties. 1 if it was one. */
static int on_soundcheck(camsep_lv2ui *ui, LV2_URID key, const LV2_Atom *value)
{
    lv2ui_soundcheck *sc = &ui->sc;
    const urids *u = &ui->uris;
    if (key == u->sc_progress && value->type == u->atom_Float && value->size >= sizeof(float)) {
        sc->progress = ((const LV2_Atom_Float *)value)->body;
        return 1;
    }
    if (value->type != u->atom_String)
        return 0;
    const char *text = (const char *)LV2_ATOM_BODY_CONST(value);
    const int len = (int)strnlen(text, value->size);
    if (key == u->sc_state)
        snprintf(sc->state, sizeof sc->state, "%.*s", len, text);
    else if (key == u->sc_message)
        snprintf(sc->message, sizeof sc->message, "%.*s", len, text);
    else if (key == u->sc_notice)
        snprintf(sc->notice, sizeof sc->notice, "%.*s", len, text);
    else
        return 0;
    if (key == u->sc_state && !strcmp(sc->state, "recording"))
        sc->notice[0] = '\0'; /* a new run: the old refusal is history */
    return 1;
}

static void on_atom(camsep_lv2ui *ui, const LV2_Atom *atom, uint32_t size)
{
    if (!ui->map || size < sizeof(LV2_Atom) || lv2_atom_total_size(atom) > size || atom->type != ui->uris.atom_Object)
        return;
    const LV2_Atom_Object *obj = (const LV2_Atom_Object *)atom;
    if (obj->body.otype != ui->uris.patch_Set)
        return;
    const LV2_Atom_URID *property = NULL;
    const LV2_Atom *value = NULL;
    lv2_atom_object_get(obj, ui->uris.patch_property, (const LV2_Atom **)&property, ui->uris.patch_value, &value, 0);
    if (!property || property->atom.type != ui->uris.atom_URID || !value)
        return;
    if (on_soundcheck(ui, property->body, value)) {
        ui->dirty = 1;
        return;
    }
    if (property->body != ui->uris.shm_name || value->type != ui->uris.atom_String)
        return;
    char name[CAMSEP_SHM_NAME_MAX];
    const char *text = (const char *)LV2_ATOM_BODY_CONST(value);
    snprintf(name, sizeof name, "%.*s", (int)strnlen(text, value->size), text);
    if (strcmp(name, ui->preview.ring) != 0) {
        lv2ui_preview_set_ring(&ui->preview, name);
        ui->dirty = 1;
    }
}

/* ui:scaleFactor from the host's options (LV2 ui.ttl), within 0.5..4; 1 if none. */
static double host_scale(const LV2_Options_Option *opt, LV2_URID_Map *map)
{
    if (!opt || !map)
        return 1.0;
    const LV2_URID key = map->map(map->handle, LV2_UI__scaleFactor);
    const LV2_URID t_float = map->map(map->handle, LV2_ATOM__Float);
    for (; opt->key || opt->value; opt++)
        if (opt->key == key && opt->type == t_float && opt->size == sizeof(float) && opt->value) {
            float f;
            memcpy(&f, opt->value, sizeof f);
            if (isfinite(f) && f >= 0.5f && f <= 4.0f)
                return f;
        }
    return 1.0;
}

static LV2UI_Handle instantiate(const LV2UI_Descriptor *descriptor, const char *plugin_uri, const char *bundle_path,
                                LV2UI_Write_Function write_function, LV2UI_Controller controller,
                                LV2UI_Widget *widget, const LV2_Feature *const *features)
{
    (void)descriptor;
    (void)bundle_path;
    const camsep_lv2_variant *v = camsep_lv2_variant_by_uri(plugin_uri);
    if (!v) {
        fprintf(stderr, "camsep UI: not a camsep plugin: %s\n", plugin_uri);
        return NULL;
    }
    camsep_lv2ui *ui = calloc(1, sizeof *ui);
    if (!ui)
        return NULL;
    ui->write = write_function;
    ui->controller = controller;
    unsigned long parent = 0;
    LV2UI_Resize *resize = NULL;
    const LV2_Options_Option *options = NULL;
    for (int i = 0; features && features[i]; i++) {
        if (!strcmp(features[i]->URI, LV2_OPTIONS__options))
            options = features[i]->data;
        if (!strcmp(features[i]->URI, LV2_UI__parent))
            parent = (unsigned long)(uintptr_t)features[i]->data;
        else if (!strcmp(features[i]->URI, LV2_UI__resize))
            resize = features[i]->data;
        else if (!strcmp(features[i]->URI, LV2_URID__map))
            ui->map = features[i]->data;
    }
    if (ui->map)
        map_uris(ui);
    ui->scale = host_scale(options, ui->map);
    lv2ui_model_init(&ui->model, v->players);
    lv2ui_layout_compute(&ui->layout, v->players);
    lv2ui_input_init(&ui->input, &ui->layout, &ui->model, write_control, ui);
    lv2ui_preview_init(&ui->preview, CAMSEP_LV2_DEFAULT_SHM_NAME);
    lv2ui_soundcheck_init(&ui->sc);
    /* The layout is in units of one pixel at scale 1; the window is that times the scale. */
    lv2ui_layout_size(v->players, &ui->width, &ui->height);
    ui->width = (int)ceil(ui->width * ui->scale);
    ui->height = (int)ceil(ui->height * ui->scale);
    char err[256];
    ui->x = lv2ui_x11_open(parent, ui->width, ui->height, err, sizeof err);
    if (!ui->x) {
        fprintf(stderr, "camsep UI: %s\n", err);
        lv2ui_preview_free(&ui->preview);
        free(ui);
        return NULL;
    }
    if (resize)
        resize->ui_resize(resize->handle, ui->width, ui->height);
    *widget = (LV2UI_Widget)(uintptr_t)lv2ui_x11_window(ui->x);
    ui->dirty = 1;
    ui->last_draw = -1.0;
    return ui;
}

static void cleanup(LV2UI_Handle handle)
{
    camsep_lv2ui *ui = handle;
    if (ui->surface)
        cairo_surface_destroy(ui->surface);
    lv2ui_x11_close(ui->x);
    lv2ui_preview_free(&ui->preview);
    free(ui);
}

static void port_event(LV2UI_Handle handle, uint32_t port_index, uint32_t buffer_size, uint32_t format,
                       const void *buffer)
{
    camsep_lv2ui *ui = handle;
    if (format == 0 && buffer_size == sizeof(float)) {
        float value;
        memcpy(&value, buffer, sizeof value);
        if (lv2ui_model_port_event(&ui->model, port_index, value, now_s()))
            ui->dirty = 1;
    } else if (ui->map && format == ui->uris.atom_eventTransfer && port_index == CAMSEP_PORT_NOTIFY) {
        on_atom(ui, buffer, buffer_size);
    }
}

static void redraw(camsep_lv2ui *ui, double now)
{
    int w, h;
    lv2ui_x11_size(ui->x, &w, &h);
    if (!ui->surface || cairo_image_surface_get_width(ui->surface) != w ||
        cairo_image_surface_get_height(ui->surface) != h) {
        if (ui->surface)
            cairo_surface_destroy(ui->surface);
        ui->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    }
    if (cairo_surface_status(ui->surface) != CAIRO_STATUS_SUCCESS)
        return;
    cairo_t *cr = cairo_create(ui->surface);
    cairo_scale(cr, ui->scale, ui->scale);
    lv2ui_preview_view view;
    lv2ui_preview_get_view(&ui->preview, &view);
    lv2ui_draw(cr, &ui->layout, &ui->model, &view, now);
    lv2ui_draw_soundcheck(cr, &ui->layout, &ui->sc);
    cairo_destroy(cr);
    lv2ui_x11_present(ui->x, ui->surface);
    ui->dirty = 0;
    ui->last_draw = now;
}

static int idle(LV2UI_Handle handle)
{
    camsep_lv2ui *ui = handle;
    ui_x11_event ev;
    int r, expose = 0;
    while ((r = lv2ui_x11_next_event(ui->x, &ev)) == 1) {
        ev.x /= ui->scale; /* window pixels to layout units */
        ev.y /= ui->scale;
        switch (ev.type) {
        case UI_EV_PRESS: {
            int strip;
            if (lv2ui_layout_hit(&ui->layout, ev.x, ev.y, &strip) == LV2UI_HIT_SOUNDCHECK) {
                if (ev.button == 1)
                    soundcheck_command(ui, lv2ui_soundcheck_button_command(&ui->sc, camera_live(ui)));
                break;
            }
            ui->dirty |= lv2ui_input_press(&ui->input, ev.button, ev.x, ev.y);
            break;
        }
        case UI_EV_KEY: {
            char buf[32];
            soundcheck_command(ui, lv2ui_soundcheck_key_command(&ui->sc, ev.key, ev.arg, ui->model.players,
                                                                camera_live(ui), buf, sizeof buf));
            break;
        }
        case UI_EV_MOTION:
            ui->dirty |= lv2ui_input_motion(&ui->input, ev.x, ev.y);
            break;
        case UI_EV_RELEASE:
            lv2ui_input_release(&ui->input, ev.button);
            break;
        case UI_EV_RESIZE:
        case UI_EV_EXPOSE:
            expose = 1;
            break;
        default:
            break;
        }
    }
    if (r < 0)
        return 0; /* the display is gone: nothing to show, the host decides */
    if (!ui->asked_ring)
        ask_ring_name(ui);
    const double now = now_s();
    ui->dirty |= lv2ui_preview_poll(&ui->preview, now);
    ui->dirty |= lv2ui_model_animating(&ui->model);
    if (expose || (ui->dirty && now - ui->last_draw >= 1.0 / MAX_FPS))
        redraw(ui, now);
    return 0;
}

static const void *extension_data(const char *uri)
{
    static const LV2UI_Idle_Interface idle_iface = {idle};
    return strcmp(uri, LV2_UI__idleInterface) ? NULL : &idle_iface;
}

static const LV2UI_Descriptor descriptor = {CAMSEP_LV2_UI_URI, instantiate, cleanup, port_event, extension_data};

LV2_SYMBOL_EXPORT const LV2UI_Descriptor *lv2ui_descriptor(uint32_t index)
{
    return index == 0 ? &descriptor : NULL;
}
