/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Drawing the camsep.lv2 UI with cairo on any surface (the window's image
 * and the tests' share it): the top bar (bypass, strength, mask exponent,
 * camera status, latency), the camera preview with the player boxes tinted by
 * each player's motion prior, and one strip per player plus "other"
 * (instrument, motion and level meters with peak hold, gain fader, mute).
 * Colours, meter scales and peak hold are the standalone window's (ui/).
 *
 * No X; one thread per cairo_t.
 */
#ifndef CAMSEP_LV2UI_DRAW_H
#define CAMSEP_LV2UI_DRAW_H

#include <cairo.h>

#include "lv2ui_layout.h"
#include "lv2ui_model.h"
#include "lv2ui_soundcheck.h"
#include "camsep_video_types.h"

#define LV2UI_PREVIEW_BOXES 8

typedef struct lv2ui_preview_view {
    cairo_surface_t *image;  /* the thumbnail (grey RGB24), or NULL */
    int n_boxes;             /* player boxes, normalised to the frame (0..1) */
    camsep_box box[LV2UI_PREVIEW_BOXES];
    const char *caption;     /* under the picture (may be NULL) */
} lv2ui_preview_view;

/* now: seconds, monotonic (the peaks fall with time). */
void lv2ui_draw(cairo_t *cr, const lv2ui_layout *l, lv2ui_model *m, const lv2ui_preview_view *p, double now);

/* The sound check's rows: its button (labelled for the state), the progress
 * bar, the state, the message (up to two lines) and a refused command. */
void lv2ui_draw_soundcheck(cairo_t *cr, const lv2ui_layout *l, const lv2ui_soundcheck *sc);

/* The label of an instrument value ("?" out of range). */
const char *lv2ui_instrument_label(float value);

#endif
