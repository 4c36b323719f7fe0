/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Where things go in the camsep.lv2 UI, and what a window point hits.
 *
 *   +------------------------------------------------------------------+
 *   | [on/bypass]  strength [----o---]  mask [---o----]                 |  top bar
 *   +---------------------------+--------+--------+-----+--------------+
 *   | camera preview            | 1      | 2      | ... | other        |  strips: header,
 *   | (thumbnail, boxes tinted  | violin | cello  |     |              |  instrument (click,
 *   |  by each player's motion) | ▮ ▮  ╫ | ▮ ▮  ╫ |     |   ▮  ╫       |  scroll), motion and
 *   |                           | -3 dB  | 0 dB   |     |   0 dB       |  level bars, gain
 *   |                           | [ M ]  | [ M ]  |     |  [ M ]       |  fader, gain, mute
 *   | caption, camera status,   |        |        |     |              |
 *   | latency                   |        |        |     |              |
 *   +---------------------------+--------+--------+-----+--------------+
 *   | [sound check] [progress ====      ]  state                          |  sound check:
 *   | message (two lines)                                                |  button, progress,
 *   | notice (a refused command)                                         |  status, notice
 *   +------------------------------------------------------------------+
 *
 * A fixed design size per line-up (lv2ui_layout_size); a bigger window only
 * adds background. Pure arithmetic; any thread.
 */
#ifndef CAMSEP_LV2UI_LAYOUT_H
#define CAMSEP_LV2UI_LAYOUT_H

#include "lv2ui_model.h"
#include "ui_layout.h" /* ui_rect */

#define LV2UI_TOP_H 34.0
#define LV2UI_PREVIEW_W 320.0
#define LV2UI_PREVIEW_H 240.0
#define LV2UI_STRIP_W 78.0
#define LV2UI_STRIP_H 300.0
#define LV2UI_MARGIN 8.0
#define LV2UI_SC_H 74.0 /* the sound-check rows under the strips */

typedef enum lv2ui_target {
    LV2UI_HIT_NONE = 0,
    LV2UI_HIT_ENABLED,    /* the bypass button */
    LV2UI_HIT_STRENGTH,   /* slider */
    LV2UI_HIT_MASK_POWER, /* slider */
    LV2UI_HIT_INSTRUMENT, /* a strip's instrument name */
    LV2UI_HIT_FADER,      /* a strip's gain fader (the whole meter area) */
    LV2UI_HIT_MUTE,       /* a strip's mute button */
    LV2UI_HIT_SOUNDCHECK, /* the sound check's button */
} lv2ui_target;

typedef struct lv2ui_strip_rects {
    ui_rect strip, header, instrument, motion_bar, level_bar, fader, gain_text, mute;
} lv2ui_strip_rects;

typedef struct lv2ui_layout {
    int players;
    ui_rect enabled, strength, mask_power; /* top bar (sliders: their tracks) */
    ui_rect status;                        /* camera status and latency, under the preview */
    ui_rect preview, preview_caption;
    ui_rect sc_button, sc_progress, sc_state, sc_message, sc_notice; /* the sound check */
} lv2ui_layout;

/* The design size of the window for a line-up. */
void lv2ui_layout_size(int players, int *width, int *height);
void lv2ui_layout_compute(lv2ui_layout *l, int players);
/* Strip 0..players-1, or LV2UI_OTHER. */
lv2ui_strip_rects lv2ui_layout_strip(const lv2ui_layout *l, int strip);
/* The vertical position of a gain (dB) on a fader's track, and back. */
double lv2ui_fader_y(const ui_rect *fader, float db, float lo, float hi);
float lv2ui_fader_db(const ui_rect *fader, double y, float lo, float hi);
/* What (x, y) hits; *strip is the strip for per-strip targets. */
lv2ui_target lv2ui_layout_hit(const lv2ui_layout *l, double x, double y, int *strip);

#endif
