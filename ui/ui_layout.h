/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Window layout: where the camera image, the meter panel and the status line
 * go in a window of a given size, and the mapping between window and frame
 * pixels (the image keeps its aspect ratio and is centred, letterboxed).
 *
 * Pure arithmetic: no X, no cairo; any thread.
 */
#ifndef CAMSEP_UI_LAYOUT_H
#define CAMSEP_UI_LAYOUT_H

typedef struct ui_rect {
    double x, y, w, h;
} ui_rect;

#define UI_STATUS_HEIGHT 22.0
#define UI_METER_COLUMN 44.0 /* window pixels per player in the meter panel */
#define UI_METER_MARGIN 8.0

typedef struct ui_layout {
    int win_w, win_h;
    int frame_w, frame_h; /* 0 while no frame has arrived */
    int n_players;
    ui_rect video;        /* the area the image is fitted into */
    ui_rect image;        /* where the frame lands (inside video; empty without a frame) */
    double scale;         /* window pixels per frame pixel (0 without a frame) */
    ui_rect meters;       /* the meter panel, right of the video */
    ui_rect status;       /* the status line, along the bottom */
} ui_layout;

void ui_layout_compute(ui_layout *l, int win_w, int win_h, int frame_w, int frame_h, int n_players);

/* Frame <-> window pixels (valid while scale > 0). */
void ui_layout_frame_to_window(const ui_layout *l, double fx, double fy, double *wx, double *wy);
void ui_layout_window_to_frame(const ui_layout *l, double wx, double wy, double *fx, double *fy);

/* The meter column of a player, and the player whose column holds a window
 * point (-1 if none). */
ui_rect ui_layout_meter_column(const ui_layout *l, int player);
int ui_layout_meter_hit(const ui_layout *l, double wx, double wy);

int ui_rect_contains(const ui_rect *r, double x, double y);

#endif
