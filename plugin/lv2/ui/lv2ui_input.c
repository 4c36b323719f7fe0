/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "lv2ui_input.h"

#include <math.h>

void lv2ui_input_init(lv2ui_input *in, const lv2ui_layout *l, lv2ui_model *m, lv2ui_write_fn write, void *user)
{
    in->layout = l;
    in->model = m;
    in->write = write;
    in->user = user;
    in->drag = LV2UI_HIT_NONE;
    in->drag_port = UINT32_MAX;
    in->press_y = 0.0;
    in->press_value = 0.0f;
}

static int set(lv2ui_input *in, uint32_t port, float value)
{
    if (port >= in->model->n_ports)
        return 0;
    const float old = in->model->value[port];
    const float v = lv2ui_model_set(in->model, port, value);
    if (isnan(v) || v == old)
        return 0;
    if (in->write)
        in->write(in->user, port, v);
    return 1;
}

static float slider_value(const ui_rect *track, double x, float lo, float hi)
{
    double f = track->w > 0.0 ? (x - track->x) / track->w : 0.0;
    f = f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
    return lo + (float)f * (hi - lo);
}

static int slider(lv2ui_input *in, lv2ui_target t, uint32_t port, const ui_rect *track, int button, double x)
{
    float lo, hi;
    if (lv2ui_model_range(in->model, port, &lo, &hi))
        return 0;
    const float step = (hi - lo) / 100.0f;
    if (button == 4 || button == 5)
        return set(in, port, in->model->value[port] + (button == 4 ? step : -step));
    if (button != 1)
        return 0;
    in->drag = t;
    in->drag_port = port;
    return set(in, port, slider_value(track, x, lo, hi));
}

static int instrument(lv2ui_input *in, int strip, int button)
{
    const uint32_t port = lv2ui_model_port(in->model, strip, LV2UI_INSTRUMENT);
    int delta = 0;
    if (button == 1 || button == 5)
        delta = 1;
    else if (button == 3 || button == 4)
        delta = -1;
    if (!delta || port >= in->model->n_ports)
        return 0;
    const int cur = (int)lrintf(in->model->value[port]);
    const int next = ((cur + delta) % CAMSEP_INSTR_COUNT + CAMSEP_INSTR_COUNT) % CAMSEP_INSTR_COUNT;
    return set(in, port, (float)next);
}

static int fader(lv2ui_input *in, int strip, int button, double y)
{
    const uint32_t port = lv2ui_model_port(in->model, strip, LV2UI_GAIN);
    if (port >= in->model->n_ports)
        return 0;
    switch (button) {
    case 1:
        in->drag = LV2UI_HIT_FADER;
        in->drag_port = port;
        in->press_y = y;
        in->press_value = in->model->value[port];
        return 0;
    case 2:
        return set(in, port, 0.0f);
    case 4:
    case 5:
        return set(in, port, in->model->value[port] + (button == 4 ? 1.0f : -1.0f));
    default:
        return 0;
    }
}

int lv2ui_input_press(lv2ui_input *in, int button, double x, double y)
{
    int strip;
    const lv2ui_layout *l = in->layout;
    const lv2ui_target t = lv2ui_layout_hit(l, x, y, &strip);
    switch (t) {
    case LV2UI_HIT_ENABLED:
        return button == 1 && set(in, CAMSEP_PORT_ENABLED, in->model->value[CAMSEP_PORT_ENABLED] > 0.5f ? 0.0f : 1.0f);
    case LV2UI_HIT_STRENGTH:
        return slider(in, t, CAMSEP_PORT_STRENGTH, &l->strength, button, x);
    case LV2UI_HIT_MASK_POWER:
        return slider(in, t, CAMSEP_PORT_MASK_POWER, &l->mask_power, button, x);
    case LV2UI_HIT_INSTRUMENT:
        return instrument(in, strip, button);
    case LV2UI_HIT_FADER:
        return fader(in, strip, button, y);
    case LV2UI_HIT_MUTE: {
        const uint32_t port = lv2ui_model_port(in->model, strip, LV2UI_MUTE);
        return button == 1 && port < in->model->n_ports &&
               set(in, port, in->model->value[port] > 0.5f ? 0.0f : 1.0f);
    }
    case LV2UI_HIT_SOUNDCHECK: /* a patch message, not a control: the glue sends it */
    case LV2UI_HIT_NONE:
        return 0;
    }
    return 0;
}

int lv2ui_input_motion(lv2ui_input *in, double x, double y)
{
    const lv2ui_layout *l = in->layout;
    float lo, hi;
    if (in->drag == LV2UI_HIT_NONE || lv2ui_model_range(in->model, in->drag_port, &lo, &hi))
        return 0;
    switch (in->drag) {
    case LV2UI_HIT_STRENGTH:
        return set(in, in->drag_port, slider_value(&l->strength, x, lo, hi));
    case LV2UI_HIT_MASK_POWER:
        return set(in, in->drag_port, slider_value(&l->mask_power, x, lo, hi));
    case LV2UI_HIT_FADER: {
        const lv2ui_strip_rects r = lv2ui_layout_strip(l, 0); /* every fader has the same height */
        const float per_px = r.fader.h > 0.0 ? (hi - lo) / (float)r.fader.h : 0.0f;
        return set(in, in->drag_port, in->press_value - (float)(y - in->press_y) * per_px);
    }
    default:
        return 0;
    }
}

int lv2ui_input_release(lv2ui_input *in, int button)
{
    if (button == 1)
        in->drag = LV2UI_HIT_NONE;
    return 0;
}
