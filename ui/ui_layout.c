/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ui_layout.h"

static double max_d(double a, double b) { return a > b ? a : b; }

void ui_layout_compute(ui_layout *l, int win_w, int win_h, int frame_w, int frame_h, int n_players)
{
    l->win_w = win_w > 1 ? win_w : 1;
    l->win_h = win_h > 1 ? win_h : 1;
    l->frame_w = frame_w > 0 && frame_h > 0 ? frame_w : 0;
    l->frame_h = frame_w > 0 && frame_h > 0 ? frame_h : 0;
    l->n_players = n_players > 0 ? n_players : 0;

    const double status_h = l->win_h > 3 * UI_STATUS_HEIGHT ? UI_STATUS_HEIGHT : 0.0;
    double panel_w = 2 * UI_METER_MARGIN + UI_METER_COLUMN * (l->n_players > 0 ? l->n_players : 1);
    if (panel_w > 0.5 * l->win_w) /* a tiny window keeps at least half for the picture */
        panel_w = 0.5 * l->win_w;
    const double body_h = max_d(l->win_h - status_h, 1.0);

    l->video = (ui_rect){0.0, 0.0, max_d(l->win_w - panel_w, 1.0), body_h};
    l->meters = (ui_rect){l->video.w, 0.0, panel_w, body_h};
    l->status = (ui_rect){0.0, body_h, l->win_w, status_h};

    if (l->frame_w > 0) {
        const double sx = l->video.w / l->frame_w, sy = l->video.h / l->frame_h;
        l->scale = sx < sy ? sx : sy;
        const double w = l->frame_w * l->scale, h = l->frame_h * l->scale;
        l->image = (ui_rect){l->video.x + 0.5 * (l->video.w - w), l->video.y + 0.5 * (l->video.h - h), w, h};
    } else {
        l->scale = 0.0;
        l->image = (ui_rect){0.0, 0.0, 0.0, 0.0};
    }
}

void ui_layout_frame_to_window(const ui_layout *l, double fx, double fy, double *wx, double *wy)
{
    *wx = l->image.x + fx * l->scale;
    *wy = l->image.y + fy * l->scale;
}

void ui_layout_window_to_frame(const ui_layout *l, double wx, double wy, double *fx, double *fy)
{
    const double s = l->scale > 0.0 ? l->scale : 1.0;
    *fx = (wx - l->image.x) / s;
    *fy = (wy - l->image.y) / s;
}

ui_rect ui_layout_meter_column(const ui_layout *l, int player)
{
    const int n = l->n_players > 0 ? l->n_players : 1;
    const double col = (l->meters.w - 2 * UI_METER_MARGIN) / n;
    return (ui_rect){l->meters.x + UI_METER_MARGIN + col * player, l->meters.y + UI_METER_MARGIN, col,
                     max_d(l->meters.h - 2 * UI_METER_MARGIN, 0.0)};
}

int ui_layout_meter_hit(const ui_layout *l, double wx, double wy)
{
    for (int j = 0; j < l->n_players; j++) {
        const ui_rect r = ui_layout_meter_column(l, j);
        if (ui_rect_contains(&r, wx, wy))
            return j;
    }
    return -1;
}

int ui_rect_contains(const ui_rect *r, double x, double y)
{
    return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}
