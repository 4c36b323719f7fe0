/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep.lv2 UI without X (plugin/lv2/ui/): the model (defaults from the
 * port table, clamping, port events), the drawing on an image surface (meter
 * bars as tall as the levels say, fader knob, mute button), the mouse
 * (clicks, drags and wheel turned into writes of the right ports), and the
 * sound check's button, keys and progress bar.
 */
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "lv2ui_draw.h"
#include "lv2ui_input.h"
#include "lv2ui_layout.h"
#include "lv2ui_model.h"
#include "lv2ui_soundcheck.h"
#include "ui_x11.h" /* ui_x11_key */
#include "ui_font_cache.h"
#include "ui_meter.h"

static uint32_t last_port = UINT32_MAX;
static float last_value;
static int writes;

static void on_write(void *user, uint32_t port, float value)
{
    (void)user;
    last_port = port;
    last_value = value;
    writes++;
}

static void test_model(void)
{
    lv2ui_model m;
    CHECK(lv2ui_model_init(&m, 5) == -1);
    CHECK(lv2ui_model_init(&m, 2) == 0);
    CHECK(m.n_ports == camsep_lv2_port_count(2));
    CHECK(m.value[CAMSEP_PORT_ENABLED] == 1.0f);
    CHECK(lv2ui_model_get(&m, 0, LV2UI_GAIN) == 0.0f);
    CHECK(lv2ui_model_get(&m, LV2UI_OTHER, LV2UI_LEVEL) == CAMSEP_LV2_METER_FLOOR_DB);
    CHECK(isnan(lv2ui_model_get(&m, LV2UI_OTHER, LV2UI_INSTRUMENT)));
    const uint32_t g1 = camsep_lv2_player_port_index(0, CAMSEP_PP_GAIN);
    CHECK(lv2ui_model_set(&m, g1, 100.0f) == CAMSEP_LV2_GAIN_MAX_DB);
    CHECK(lv2ui_model_set(&m, camsep_lv2_player_port_index(1, CAMSEP_PP_INSTRUMENT), 3.7f) == 4.0f);
    CHECK(isnan(lv2ui_model_set(&m, camsep_lv2_player_port_index(0, CAMSEP_PP_LEVEL), -3.0f))); /* an output */
    CHECK(isnan(lv2ui_model_set(&m, CAMSEP_PORT_INPUT, 1.0f)));                                 /* audio */
    CHECK(lv2ui_model_port_event(&m, camsep_lv2_player_port_index(0, CAMSEP_PP_LEVEL), -6.0f, 10.0) == 1);
    CHECK(lv2ui_model_get(&m, 0, LV2UI_LEVEL) == -6.0f);
    CHECK(lv2ui_model_peak(&m, 0, 10.5) == -6.0f && lv2ui_model_animating(&m));
    CHECK(lv2ui_model_peak(&m, 0, 30.0) == -INFINITY); /* held, then fallen away */
    CHECK(lv2ui_model_port_event(&m, 999, 1.0f, 0.0) == 0);
    CHECK(lv2ui_model_port_event(&m, CAMSEP_PORT_INPUT, 1.0f, 0.0) == 0);
    printf("model: defaults, clamping, port events, peak hold: ok\n");
}

/* The pixel cairo makes of the empty bar's colour (lv2ui_draw.c). */
static uint32_t empty_bar_pixel(void)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.22);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    const uint32_t px = *(const uint32_t *)(const void *)cairo_image_surface_get_data(s);
    cairo_surface_destroy(s);
    return px;
}

/* Height of the filled part of a bar: rows from the bottom whose centre
 * pixel differs from the empty bar's colour. */
static int filled_height(cairo_surface_t *s, ui_rect bar)
{
    const unsigned char *data = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    const int x = (int)(bar.x + bar.w / 2.0);
    const uint32_t empty = empty_bar_pixel();
    int h = 0;
    for (int y = (int)(bar.y + bar.h) - 1; y >= (int)bar.y; y--) {
        const uint32_t px = *(const uint32_t *)(const void *)(data + (size_t)y * stride + 4 * x);
        if (px == empty)
            break;
        h++;
    }
    return h;
}

static uint32_t pixel(cairo_surface_t *s, double x, double y)
{
    const unsigned char *data = cairo_image_surface_get_data(s);
    return *(const uint32_t *)(const void *)(data + (size_t)(int)y * cairo_image_surface_get_stride(s) + 4 * (int)x) &
           0xffffff;
}

static void test_draw(void)
{
    lv2ui_model m;
    lv2ui_layout l;
    CHECK(lv2ui_model_init(&m, 3) == 0);
    lv2ui_layout_compute(&l, 3);
    int w, h;
    lv2ui_layout_size(3, &w, &h);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    const float levels[3] = {-30.0f, 0.0f, -90.0f}, motions[3] = {0.25f, 1.0f, 0.0f};
    for (int j = 0; j < 3; j++) {
        lv2ui_model_port_event(&m, camsep_lv2_player_port_index(j, CAMSEP_PP_LEVEL), levels[j], 1.0);
        lv2ui_model_port_event(&m, camsep_lv2_player_port_index(j, CAMSEP_PP_MOTION), motions[j], 1.0);
    }
    lv2ui_model_port_event(&m, camsep_lv2_player_port_index(1, CAMSEP_PP_MUTE), 1.0f, 1.0);
    lv2ui_model_port_event(&m, camsep_lv2_player_port_index(2, CAMSEP_PP_GAIN), -60.0f, 1.0);
    cairo_t *cr = cairo_create(s);
    lv2ui_preview_view none = {0};
    lv2ui_draw(cr, &l, &m, &none, 1.0);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    for (int j = 0; j < 3; j++) {
        const lv2ui_strip_rects r = lv2ui_layout_strip(&l, j);
        const int lh = filled_height(s, r.level_bar), mh = filled_height(s, r.motion_bar);
        const double want_l = r.level_bar.h * ui_meter_level_fraction(levels[j]);
        const double want_m = r.motion_bar.h * motions[j];
        /* the held peak line (2 px, white) sits on top of the level bar */
        CHECK_MSG(fabs(lh - want_l) <= 2.5, "player %d level bar %d px, want %.1f", j + 1, lh, want_l);
        CHECK_MSG(fabs(mh - want_m) <= 1.5, "player %d motion bar %d px, want %.1f", j + 1, mh, want_m);
    }
    /* player 2's mute lit (red), player 1's not; player 3's knob at the bottom */
    const lv2ui_strip_rects r1 = lv2ui_layout_strip(&l, 0), r2 = lv2ui_layout_strip(&l, 1), r3 = lv2ui_layout_strip(&l, 2);
    const uint32_t lit = pixel(s, r2.mute.x + 3, r2.mute.y + 3), unlit = pixel(s, r1.mute.x + 3, r1.mute.y + 3);
    CHECK_MSG(((lit >> 16) & 0xff) > 200 && ((unlit >> 16) & 0xff) < 100, "mute %06x / %06x", lit, unlit);
    const uint32_t knob = pixel(s, r3.fader.x + 1, r3.fader.y + r3.fader.h - 2);
    CHECK_MSG((knob & 0xff) > 180, "knob pixel %06x", knob);
    if (cairo_surface_write_to_png(s, "lv2_ui_draw.png") == CAIRO_STATUS_SUCCESS)
        printf("(picture: lv2_ui_draw.png)\n");
    cairo_surface_destroy(s);
    printf("draw: level and motion bars as tall as the values, mute lit, knob placed: ok\n");
}

static void test_input(void)
{
    lv2ui_model m;
    lv2ui_layout l;
    lv2ui_input in;
    CHECK(lv2ui_model_init(&m, 2) == 0);
    lv2ui_layout_compute(&l, 2);
    lv2ui_input_init(&in, &l, &m, on_write, NULL);
    const lv2ui_strip_rects r = lv2ui_layout_strip(&l, 0);
    const uint32_t mute1 = camsep_lv2_player_port_index(0, CAMSEP_PP_MUTE);
    CHECK(lv2ui_input_press(&in, 1, r.mute.x + 5, r.mute.y + 5) == 1);
    CHECK(last_port == mute1 && last_value == 1.0f);
    CHECK(lv2ui_input_press(&in, 1, r.mute.x + 5, r.mute.y + 5) == 1 && last_value == 0.0f);
    /* instrument: click next, right click previous, wrapping */
    const uint32_t ins1 = camsep_lv2_player_port_index(0, CAMSEP_PP_INSTRUMENT);
    const float ins0 = m.value[ins1];
    CHECK(lv2ui_input_press(&in, 1, r.instrument.x + 5, r.instrument.y + 5) == 1);
    CHECK(last_port == ins1 && last_value == ins0 + 1.0f);
    m.value[ins1] = 0.0f;
    CHECK(lv2ui_input_press(&in, 3, r.instrument.x + 5, r.instrument.y + 5) == 1);
    CHECK(last_value == (float)(CAMSEP_INSTR_COUNT - 1));
    /* the fader: drag 19 px up from anywhere on it = 19 x 72/190 dB */
    const uint32_t g1 = camsep_lv2_player_port_index(0, CAMSEP_PP_GAIN);
    const double fx = r.fader.x + 5, fy = r.fader.y + 100;
    CHECK(lv2ui_input_press(&in, 1, fx, fy) == 0); /* a press alone does not move it */
    CHECK(lv2ui_input_motion(&in, fx, fy - 19.0) == 1);
    CHECK(last_port == g1 && fabsf(last_value - 19.0f * 72.0f / (float)r.fader.h) < 1e-3f);
    CHECK(lv2ui_input_motion(&in, fx, fy - 1000.0) == 1 && last_value == 12.0f); /* clamped */
    lv2ui_input_release(&in, 1);
    CHECK(lv2ui_input_motion(&in, fx, fy) == 0);
    CHECK(lv2ui_input_press(&in, 5, fx, fy) == 1 && last_value == 11.0f); /* wheel: 1 dB */
    CHECK(lv2ui_input_press(&in, 2, fx, fy) == 1 && last_value == 0.0f);  /* middle: 0 dB */
    /* the other strip's fader and mute */
    const lv2ui_strip_rects ro = lv2ui_layout_strip(&l, LV2UI_OTHER);
    CHECK(lv2ui_input_press(&in, 1, ro.mute.x + 5, ro.mute.y + 5) == 1);
    CHECK(last_port == camsep_lv2_other_port_index(2, CAMSEP_OP_MUTE));
    /* bypass and the strength slider (left end = 0) */
    CHECK(lv2ui_input_press(&in, 1, l.enabled.x + 5, l.enabled.y + 5) == 1);
    CHECK(last_port == CAMSEP_PORT_ENABLED && last_value == 0.0f);
    CHECK(lv2ui_input_press(&in, 1, l.strength.x, l.strength.y + 2) == 1);
    CHECK(last_port == CAMSEP_PORT_STRENGTH && last_value == 0.0f);
    CHECK(lv2ui_input_motion(&in, l.strength.x + l.strength.w, l.strength.y) == 1);
    CHECK(last_value == CAMSEP_LV2_STRENGTH_MAX);
    lv2ui_input_release(&in, 1);
    const int before = writes;
    CHECK(lv2ui_input_press(&in, 1, 1.0, (double)LV2UI_TOP_H + LV2UI_PREVIEW_H - 2.0) == 0); /* the preview */
    CHECK(writes == before);
    printf("input: mute, instrument, fader drag/wheel/reset, other strip, bypass, slider: ok\n");
}

static void test_soundcheck(void)
{
    lv2ui_soundcheck sc;
    lv2ui_soundcheck_init(&sc);
    char buf[32];
    CHECK(!strcmp(sc.state, "idle") && !lv2ui_soundcheck_running(&sc));
    CHECK(!strcmp(lv2ui_soundcheck_label(&sc), "sound check"));
    CHECK(!strcmp(lv2ui_soundcheck_button_command(&sc, 1), "start"));
    CHECK(!strcmp(lv2ui_soundcheck_button_command(&sc, 0), "alone 1")); /* no camera: announced */
    CHECK(!strcmp(lv2ui_soundcheck_key_command(&sc, UI_KEY_LETTER, 's', 2, 1, buf, sizeof buf), "start"));
    CHECK(!lv2ui_soundcheck_key_command(&sc, UI_KEY_ESCAPE, 0, 2, 1, buf, sizeof buf)); /* nothing to cancel */
    CHECK(!strcmp(lv2ui_soundcheck_key_command(&sc, UI_KEY_DIGIT, 2, 2, 0, buf, sizeof buf), "alone 2"));
    CHECK(!lv2ui_soundcheck_key_command(&sc, UI_KEY_DIGIT, 3, 2, 0, buf, sizeof buf)); /* no player 3 */
    CHECK(!lv2ui_soundcheck_key_command(&sc, UI_KEY_LETTER, 'x', 2, 0, buf, sizeof buf));
    snprintf(sc.state, sizeof sc.state, "recording");
    CHECK(lv2ui_soundcheck_running(&sc) && !strcmp(lv2ui_soundcheck_label(&sc), "stop & learn"));
    CHECK(!strcmp(lv2ui_soundcheck_key_command(&sc, UI_KEY_LETTER, 'S', 2, 0, buf, sizeof buf), "stop"));
    CHECK(!strcmp(lv2ui_soundcheck_key_command(&sc, UI_KEY_ESCAPE, 0, 2, 0, buf, sizeof buf), "cancel"));
    snprintf(sc.state, sizeof sc.state, "learning");
    CHECK(!strcmp(lv2ui_soundcheck_button_command(&sc, 1), "cancel"));

    /* the button is a target of its own (a patch message, not a control write) */
    lv2ui_model m;
    lv2ui_layout l;
    lv2ui_input in;
    CHECK(lv2ui_model_init(&m, 2) == 0);
    lv2ui_layout_compute(&l, 2);
    lv2ui_input_init(&in, &l, &m, on_write, NULL);
    int strip, w, h;
    const double bx = l.sc_button.x + 5, by = l.sc_button.y + 5;
    CHECK(lv2ui_layout_hit(&l, bx, by, &strip) == LV2UI_HIT_SOUNDCHECK);
    const int before = writes;
    CHECK(lv2ui_input_press(&in, 1, bx, by) == 0 && writes == before);
    lv2ui_layout_size(2, &w, &h);
    CHECK(l.sc_notice.y + l.sc_notice.h <= h && l.sc_button.y >= lv2ui_layout_strip(&l, 0).strip.y +
                                                                         lv2ui_layout_strip(&l, 0).strip.h);

    /* the progress bar is filled as far as the progress says */
    sc.progress = 0.25f;
    snprintf(sc.message, sizeof sc.message, "learning 25 %% and a long message that must wrap onto a second line "
                                            "because the window is not wide enough for all of it at once");
    snprintf(sc.notice, sizeof sc.notice, "\"start\" refused: a sound check is learning");
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    lv2ui_draw_soundcheck(cr, &l, &sc);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    const uint32_t bar = pixel(s, l.sc_progress.x + 2, l.sc_progress.y + 4);
    int filled = 0;
    for (int x = (int)l.sc_progress.x; x < (int)(l.sc_progress.x + l.sc_progress.w); x++)
        filled += pixel(s, x, l.sc_progress.y + 4) == bar;
    CHECK_MSG(fabs(filled - 0.25 * l.sc_progress.w) <= 1.5, "progress %d px of %.0f", filled, l.sc_progress.w);
    int ink2 = 0; /* the second line of the message has text */
    for (int x = (int)l.sc_message.x; x < (int)(l.sc_message.x + l.sc_message.w); x++)
        for (int y = (int)l.sc_message.y + 16; y < (int)l.sc_message.y + 30; y++)
            ink2 += pixel(s, x, y) != 0;
    CHECK_MSG(ink2 > 20, "second message line: %d pixels", ink2);
    if (cairo_surface_write_to_png(s, "lv2_ui_soundcheck.png") == CAIRO_STATUS_SUCCESS)
        printf("(picture: lv2_ui_soundcheck.png)\n");
    cairo_surface_destroy(s);
    printf("sound check: button/keys give start, alone N, stop, cancel; progress bar and wrapped message: ok\n");
}

int main(void)
{
    test_model();
    test_draw();
    test_input();
    test_soundcheck();
    ui_release_font_caches();
    printf("test_lv2_ui_draw: ok\n");
    return 0;
}
