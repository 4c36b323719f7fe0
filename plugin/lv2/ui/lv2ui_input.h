/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Mouse input of the camsep.lv2 UI turned into control changes:
 *   bypass button        left click toggles
 *   strength, mask       left press or drag sets from the position; wheel steps
 *   instrument name      left click / wheel down: next; right click / wheel up: previous (wrapping)
 *   gain fader           left drag moves it (relative to the press); wheel 1 dB; middle click 0 dB
 *   mute button          left click toggles
 * Every change is stored in the model (clamped) and passed to write(), which
 * the glue sends to the host (ui:floatProtocol).
 *
 * Pure; one thread (the UI's).
 */
#ifndef CAMSEP_LV2UI_INPUT_H
#define CAMSEP_LV2UI_INPUT_H

#include <stdint.h>

#include "lv2ui_layout.h"
#include "lv2ui_model.h"

typedef void (*lv2ui_write_fn)(void *user, uint32_t port, float value);

typedef struct lv2ui_input {
    const lv2ui_layout *layout;
    lv2ui_model *model;
    lv2ui_write_fn write;
    void *user;
    lv2ui_target drag; /* LV2UI_HIT_NONE when no drag */
    uint32_t drag_port;
    double press_y;
    float press_value;
} lv2ui_input;

void lv2ui_input_init(lv2ui_input *in, const lv2ui_layout *l, lv2ui_model *m, lv2ui_write_fn write, void *user);
/* X button numbers: 1 left, 2 middle, 3 right, 4/5 wheel up/down. Each
 * returns 1 when something changed (redraw), else 0. */
int lv2ui_input_press(lv2ui_input *in, int button, double x, double y);
int lv2ui_input_motion(lv2ui_input *in, double x, double y);
int lv2ui_input_release(lv2ui_input *in, int button);

#endif
