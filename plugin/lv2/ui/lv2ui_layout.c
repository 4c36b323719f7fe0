/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "lv2ui_layout.h"

void lv2ui_layout_size(int players, int *width, int *height)
{
    *width = (int)(2.0 * LV2UI_MARGIN + LV2UI_PREVIEW_W + LV2UI_MARGIN + (players + 1) * LV2UI_STRIP_W);
    *height = (int)(LV2UI_TOP_H + LV2UI_STRIP_H + LV2UI_MARGIN + LV2UI_SC_H);
}

void lv2ui_layout_compute(lv2ui_layout *l, int players)
{
    l->players = players;
    const double y = 6.0, bh = 22.0;
    l->enabled = (ui_rect){LV2UI_MARGIN, y, 74.0, bh};
    l->strength = (ui_rect){180.0, y + 7.0, 100.0, 8.0};
    l->mask_power = (ui_rect){362.0, y + 7.0, 90.0, 8.0};
    l->status = (ui_rect){LV2UI_MARGIN, LV2UI_TOP_H + LV2UI_PREVIEW_H + 24.0, LV2UI_PREVIEW_W, bh};
    l->preview = (ui_rect){LV2UI_MARGIN, LV2UI_TOP_H, LV2UI_PREVIEW_W, LV2UI_PREVIEW_H};
    l->preview_caption = (ui_rect){LV2UI_MARGIN, LV2UI_TOP_H + LV2UI_PREVIEW_H + 4.0, LV2UI_PREVIEW_W, 18.0};
    int w, h;
    lv2ui_layout_size(players, &w, &h);
    const double sy = LV2UI_TOP_H + LV2UI_STRIP_H + LV2UI_MARGIN, text_w = w - 2.0 * LV2UI_MARGIN;
    l->sc_button = (ui_rect){LV2UI_MARGIN, sy, 110.0, bh};
    l->sc_progress = (ui_rect){LV2UI_MARGIN + 120.0, sy + 7.0, 160.0, 8.0};
    l->sc_state = (ui_rect){LV2UI_MARGIN + 290.0, sy, text_w - 290.0, bh};
    l->sc_message = (ui_rect){LV2UI_MARGIN, sy + bh + 2.0, text_w, 32.0};
    l->sc_notice = (ui_rect){LV2UI_MARGIN, sy + bh + 34.0, text_w, 16.0};
}

lv2ui_strip_rects lv2ui_layout_strip(const lv2ui_layout *l, int strip)
{
    const int k = strip == LV2UI_OTHER ? l->players : strip;
    const double x = 2.0 * LV2UI_MARGIN + LV2UI_PREVIEW_W + k * LV2UI_STRIP_W, y = LV2UI_TOP_H;
    const double w = LV2UI_STRIP_W - 4.0;
    lv2ui_strip_rects r;
    r.strip = (ui_rect){x, y, w, LV2UI_STRIP_H};
    r.header = (ui_rect){x, y, w, 18.0};
    r.instrument = (ui_rect){x, y + 20.0, w, 18.0};
    const double top = y + 46.0, bars_h = 190.0;
    r.motion_bar = (ui_rect){x + 4.0, top, 10.0, bars_h};
    r.level_bar = (ui_rect){x + 18.0, top, 12.0, bars_h};
    r.fader = (ui_rect){x + 40.0, top, 26.0, bars_h};
    r.gain_text = (ui_rect){x, top + bars_h + 6.0, w, 16.0};
    r.mute = (ui_rect){x + 14.0, top + bars_h + 28.0, w - 28.0, 22.0};
    return r;
}

double lv2ui_fader_y(const ui_rect *fader, float db, float lo, float hi)
{
    double f = hi > lo ? (db - lo) / (double)(hi - lo) : 0.0;
    f = f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
    return fader->y + fader->h * (1.0 - f);
}

float lv2ui_fader_db(const ui_rect *fader, double y, float lo, float hi)
{
    double f = fader->h > 0.0 ? 1.0 - (y - fader->y) / fader->h : 0.0;
    f = f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
    return lo + (float)f * (hi - lo);
}

static int in_grown(const ui_rect *r, double x, double y, double grow)
{
    const ui_rect g = {r->x - grow, r->y - grow, r->w + 2.0 * grow, r->h + 2.0 * grow};
    return ui_rect_contains(&g, x, y);
}

lv2ui_target lv2ui_layout_hit(const lv2ui_layout *l, double x, double y, int *strip)
{
    *strip = -1;
    if (ui_rect_contains(&l->enabled, x, y))
        return LV2UI_HIT_ENABLED;
    if (in_grown(&l->strength, x, y, 7.0))
        return LV2UI_HIT_STRENGTH;
    if (in_grown(&l->mask_power, x, y, 7.0))
        return LV2UI_HIT_MASK_POWER;
    if (ui_rect_contains(&l->sc_button, x, y))
        return LV2UI_HIT_SOUNDCHECK;
    for (int k = 0; k <= l->players; k++) {
        const int s = k == l->players ? LV2UI_OTHER : k;
        const lv2ui_strip_rects r = lv2ui_layout_strip(l, s);
        if (!ui_rect_contains(&r.strip, x, y))
            continue;
        *strip = s;
        if (s != LV2UI_OTHER && ui_rect_contains(&r.instrument, x, y))
            return LV2UI_HIT_INSTRUMENT;
        if (ui_rect_contains(&r.mute, x, y))
            return LV2UI_HIT_MUTE;
        const ui_rect meters = {r.motion_bar.x, r.fader.y - 6.0, r.fader.x + r.fader.w - r.motion_bar.x, r.fader.h + 12.0};
        if (ui_rect_contains(&meters, x, y))
            return LV2UI_HIT_FADER;
        *strip = -1;
        return LV2UI_HIT_NONE;
    }
    return LV2UI_HIT_NONE;
}
