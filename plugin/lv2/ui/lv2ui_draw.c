/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "lv2ui_draw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ui_draw.h"  /* ui_player_colour, ui_level_colour, ui_box_tint_alpha, ui_background_rgb */
#include "ui_image.h" /* ui_image_filter */
#include "ui_meter.h"

const char *lv2ui_instrument_label(float value)
{
    const long i = isnan(value) ? -1 : lrintf(value);
    return i >= 0 && i < CAMSEP_INSTR_COUNT ? camsep_lv2_instruments[i].label : "?";
}

static void fill(cairo_t *cr, ui_rect r)
{
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    cairo_fill(cr);
}

static void text(cairo_t *cr, double x, double y, const char *s)
{
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s);
}

static void centred_text(cairo_t *cr, ui_rect r, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    text(cr, r.x + (r.w - e.x_advance) / 2.0, r.y + r.h / 2.0 + 4.0, s);
}

static void button(cairo_t *cr, ui_rect r, int on, const double on_rgb[3], const char *label)
{
    if (on)
        cairo_set_source_rgb(cr, on_rgb[0], on_rgb[1], on_rgb[2]);
    else
        cairo_set_source_rgb(cr, 0.25, 0.25, 0.28);
    fill(cr, r);
    cairo_set_source_rgb(cr, on ? 0.0 : 0.85, on ? 0.0 : 0.85, on ? 0.0 : 0.85);
    centred_text(cr, r, label);
}

static void slider(cairo_t *cr, const lv2ui_model *m, uint32_t port, ui_rect track, const char *name)
{
    const camsep_lv2_port_desc *d = &m->desc[port];
    const float v = m->value[port];
    double f = d->maximum > d->minimum ? (v - d->minimum) / (double)(d->maximum - d->minimum) : 0.0;
    f = isnan(f) ? 0.0 : f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.28);
    fill(cr, track);
    cairo_set_source_rgb(cr, 0.55, 0.65, 0.85);
    fill(cr, (ui_rect){track.x, track.y, track.w * f, track.h});
    cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
    fill(cr, (ui_rect){track.x + track.w * f - 2.0, track.y - 4.0, 4.0, track.h + 8.0});
    char s[64];
    snprintf(s, sizeof s, "%s %.2f", name, (double)v);
    cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    text(cr, track.x - e.x_advance - 6.0, track.y + track.h, s);
}

static const char *camera_text(float status)
{
    switch (isnan(status) ? -1 : (int)lrintf(status)) {
    case CAMSEP_CAMERA_NO_RING:
        return "camera: no prior ring";
    case CAMSEP_CAMERA_STALE:
        return "camera: capture not running";
    case CAMSEP_CAMERA_NO_CAMERA:
        return "camera: capture without camera";
    case CAMSEP_CAMERA_LIVE:
        return "camera: live";
    default:
        return "camera: ?";
    }
}

static void draw_top(cairo_t *cr, const lv2ui_layout *l, const lv2ui_model *m)
{
    static const double green[3] = {0.35, 0.85, 0.4}, amber[3] = {0.95, 0.7, 0.2};
    const int enabled = m->value[CAMSEP_PORT_ENABLED] > 0.5f;
    button(cr, l->enabled, 1, enabled ? green : amber, enabled ? "active" : "bypassed");
    slider(cr, m, CAMSEP_PORT_STRENGTH, l->strength, "strength");
    slider(cr, m, CAMSEP_PORT_MASK_POWER, l->mask_power, "mask");
    char s[128];
    const float lat = m->value[CAMSEP_PORT_LATENCY];
    snprintf(s, sizeof s, "%s \xc2\xb7 latency %.0f", camera_text(m->value[CAMSEP_PORT_CAMERA_STATUS]),
             isnan(lat) ? 0.0 : (double)lat);
    cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
    text(cr, l->status.x, l->status.y + 15.0, s);
}

static void draw_preview(cairo_t *cr, const lv2ui_layout *l, const lv2ui_model *m, const lv2ui_preview_view *p)
{
    const ui_rect area = l->preview;
    cairo_set_source_rgb(cr, 0.05, 0.05, 0.06);
    fill(cr, area);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    if (p && p->caption)
        text(cr, l->preview_caption.x, l->preview_caption.y + 12.0, p->caption);
    if (!p || !p->image)
        return;
    const int iw = cairo_image_surface_get_width(p->image), ih = cairo_image_surface_get_height(p->image);
    if (iw <= 0 || ih <= 0)
        return;
    const double scale = fmin(area.w / iw, area.h / ih);
    const ui_rect im = {area.x + (area.w - iw * scale) / 2.0, area.y + (area.h - ih * scale) / 2.0, iw * scale,
                        ih * scale};
    cairo_save(cr);
    cairo_rectangle(cr, im.x, im.y, im.w, im.h);
    cairo_clip(cr);
    cairo_translate(cr, im.x, im.y);
    cairo_scale(cr, scale, scale);
    cairo_set_source_surface(cr, p->image, 0.0, 0.0);
    cairo_pattern_set_filter(cairo_get_source(cr), ui_image_filter(scale));
    cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
    cairo_paint(cr);
    cairo_restore(cr);
    for (int j = 0; j < p->n_boxes && j < LV2UI_PREVIEW_BOXES; j++) {
        const camsep_box *b = &p->box[j];
        if (b->w <= 0.0f || b->h <= 0.0f)
            continue;
        const ui_rect r = {im.x + b->x * im.w, im.y + b->y * im.h, b->w * im.w, b->h * im.h};
        double c[3];
        ui_player_colour(j, c);
        const float motion = j < m->players ? lv2ui_model_get(m, j, LV2UI_MOTION) : NAN;
        cairo_set_source_rgba(cr, c[0], c[1], c[2], ui_box_tint_alpha(motion));
        fill(cr, r);
        cairo_set_source_rgb(cr, c[0], c[1], c[2]);
        cairo_set_line_width(cr, 2.0);
        cairo_rectangle(cr, r.x, r.y, r.w, r.h);
        cairo_stroke(cr);
        char num[12];
        snprintf(num, sizeof num, "%d", j + 1);
        text(cr, r.x + 3.0, r.y + 12.0, num);
    }
}

static void level_colour(cairo_t *cr, float db)
{
    double c[3];
    ui_level_colour(db, c);
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
}

static void bar(cairo_t *cr, ui_rect r, double f)
{
    fill(cr, (ui_rect){r.x, r.y + r.h * (1.0 - f), r.w, r.h * f});
}

static void draw_strip(cairo_t *cr, const lv2ui_layout *l, lv2ui_model *m, int strip, double now)
{
    const lv2ui_strip_rects r = lv2ui_layout_strip(l, strip);
    const int other = strip == LV2UI_OTHER;
    double c[3] = {0.8, 0.8, 0.8};
    if (!other)
        ui_player_colour(strip, c);
    cairo_set_source_rgb(cr, 0.14, 0.14, 0.16);
    fill(cr, r.strip);
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
    fill(cr, r.header);
    cairo_set_source_rgb(cr, 0.0, 0.0, 0.0);
    char s[96];
    if (other)
        snprintf(s, sizeof s, "other");
    else
        snprintf(s, sizeof s, "%d", strip + 1);
    text(cr, r.header.x + 5.0, r.header.y + 13.0, s);

    if (!other) { /* the instrument control; "file" when a dictionary file is in use */
        const float dict = lv2ui_model_get(m, strip, LV2UI_DICT);
        const float ins = lv2ui_model_get(m, strip, LV2UI_INSTRUMENT);
        snprintf(s, sizeof s, "%s", !isnan(dict) && lrintf(dict) == -1 ? "file" : lv2ui_instrument_label(ins));
        cairo_set_source_rgb(cr, 0.22, 0.22, 0.25);
        fill(cr, r.instrument);
        cairo_save(cr);
        cairo_rectangle(cr, r.instrument.x, r.instrument.y, r.instrument.w, r.instrument.h);
        cairo_clip(cr);
        cairo_set_source_rgb(cr, 0.92, 0.92, 0.92);
        centred_text(cr, r.instrument, s);
        cairo_restore(cr);
    }

    cairo_set_source_rgb(cr, 0.2, 0.2, 0.22);
    if (!other)
        fill(cr, r.motion_bar);
    fill(cr, r.level_bar);
    if (!other) {
        cairo_set_source_rgb(cr, c[0], c[1], c[2]);
        bar(cr, r.motion_bar, ui_meter_motion_fraction(lv2ui_model_get(m, strip, LV2UI_MOTION)));
    }
    const float level = lv2ui_model_get(m, strip, LV2UI_LEVEL);
    level_colour(cr, level);
    bar(cr, r.level_bar, ui_meter_level_fraction(level));
    const float peak = lv2ui_model_peak(m, strip, now);
    if (isfinite(peak) && peak > UI_METER_FLOOR_DB) {
        cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
        const double fp = ui_meter_level_fraction(peak);
        fill(cr, (ui_rect){r.level_bar.x, r.level_bar.y + r.level_bar.h * (1.0 - fp) - 1.0, r.level_bar.w, 2.0});
    }

    /* gain fader: track, 0 dB tick, knob */
    const uint32_t gp = lv2ui_model_port(m, strip, LV2UI_GAIN);
    const float lo = m->desc[gp].minimum, hi = m->desc[gp].maximum, gain = m->value[gp];
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.33);
    fill(cr, (ui_rect){r.fader.x + r.fader.w / 2.0 - 2.0, r.fader.y, 4.0, r.fader.h});
    cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
    fill(cr, (ui_rect){r.fader.x, lv2ui_fader_y(&r.fader, 0.0f, lo, hi) - 0.5, r.fader.w, 1.0});
    const double ky = lv2ui_fader_y(&r.fader, gain, lo, hi);
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.88);
    fill(cr, (ui_rect){r.fader.x, ky - 5.0, r.fader.w, 10.0});
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    fill(cr, (ui_rect){r.fader.x + 2.0, ky - 0.5, r.fader.w - 4.0, 1.0});

    snprintf(s, sizeof s, "%+.1f dB", (double)gain);
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    centred_text(cr, r.gain_text, s);
    static const double red[3] = {0.95, 0.3, 0.25};
    button(cr, r.mute, lv2ui_model_get(m, strip, LV2UI_MUTE) > 0.5f, red, "mute");
}

/* Text in r, broken at spaces into at most `lines` lines of 15 px. */
static void wrapped_text(cairo_t *cr, ui_rect r, const char *s, int lines)
{
    char line[LV2UI_SC_TEXT];
    for (int k = 0; k < lines && *s; k++) {
        size_t fit = strlen(s);
        if (k + 1 < lines)
            for (;;) { /* the longest prefix ending at a space that fits */
                snprintf(line, sizeof line, "%.*s", (int)fit, s);
                cairo_text_extents_t e;
                cairo_text_extents(cr, line, &e);
                if (e.x_advance <= r.w)
                    break;
                const char *space = NULL;
                for (size_t i = fit; i-- > 1;)
                    if (s[i] == ' ') {
                        space = s + i;
                        break;
                    }
                if (!space)
                    break;
                fit = (size_t)(space - s);
            }
        snprintf(line, sizeof line, "%.*s", (int)fit, s);
        cairo_save(cr);
        cairo_rectangle(cr, r.x, r.y + 15.0 * k, r.w, 15.0);
        cairo_clip(cr);
        text(cr, r.x, r.y + 15.0 * k + 12.0, line);
        cairo_restore(cr);
        s += fit;
        while (*s == ' ')
            s++;
    }
}

void lv2ui_draw_soundcheck(cairo_t *cr, const lv2ui_layout *l, const lv2ui_soundcheck *sc)
{
    static const double red[3] = {0.9, 0.3, 0.25}, amber[3] = {0.95, 0.7, 0.2};
    const int recording = !strcmp(sc->state, "recording"), learning = !strcmp(sc->state, "learning");
    cairo_save(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 11.0);
    button(cr, l->sc_button, recording || learning, recording ? red : amber, lv2ui_soundcheck_label(sc));
    double f = isnan(sc->progress) ? 0.0 : sc->progress < 0.0f ? 0.0 : sc->progress > 1.0f ? 1.0 : sc->progress;
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.28);
    fill(cr, l->sc_progress);
    cairo_set_source_rgb(cr, 0.55, 0.65, 0.85);
    fill(cr, (ui_rect){l->sc_progress.x, l->sc_progress.y, l->sc_progress.w * f, l->sc_progress.h});
    char s[64];
    snprintf(s, sizeof s, "sound check: %s", sc->state);
    cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
    text(cr, l->sc_state.x, l->sc_state.y + 15.0, s);
    cairo_set_font_size(cr, 10.0);
    wrapped_text(cr, l->sc_message, sc->message, 2);
    if (sc->notice[0]) {
        cairo_set_source_rgb(cr, 0.95, 0.6, 0.3);
        wrapped_text(cr, l->sc_notice, sc->notice, 1);
    }
    cairo_restore(cr);
}

void lv2ui_draw(cairo_t *cr, const lv2ui_layout *l, lv2ui_model *m, const lv2ui_preview_view *p, double now)
{
    cairo_save(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
    cairo_set_source_rgb(cr, ui_background_rgb[0], ui_background_rgb[1], ui_background_rgb[2]);
    cairo_paint(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 11.0);
    draw_top(cr, l, m);
    draw_preview(cr, l, m, p);
    for (int j = 0; j < m->players; j++)
        draw_strip(cr, l, m, j, now);
    draw_strip(cr, l, m, LV2UI_OTHER, now);
    cairo_restore(cr);
}
