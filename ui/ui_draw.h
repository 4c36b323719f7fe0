/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Drawing the window's contents with cairo on any surface: the camera
 * picture (scaled, aspect kept), each player's box tinted by its motion prior
 * and labelled, the box being drawn or edited, the meters (motion prior and
 * output level with peak hold) and the status line.
 *
 * The same function paints the X window and the screenshots, so an image
 * surface shows exactly what the window shows. No X; one thread per cairo_t.
 */
#ifndef CAMSEP_UI_DRAW_H
#define CAMSEP_UI_DRAW_H

#include <cairo.h>

#include "ui_box_edit.h"
#include "ui_layout.h"

#define UI_BOX_LINE 2.0      /* box outline width, window pixels (3 when selected) */
#define UI_LABEL_HEIGHT 16.0 /* label strip along the top of a box, inside it */

typedef struct ui_view {
    ui_layout layout;
    cairo_surface_t *image;    /* the frame as an image (layout.frame_w x frame_h), or NULL */
    const ui_box_edit *edit;   /* boxes, selection, drag */
    int n_players;
    const char *name[UI_MAX_PLAYERS];       /* never NULL */
    const char *instrument[UI_MAX_PLAYERS]; /* may be NULL or "" */
    float motion[UI_MAX_PLAYERS];           /* prior 0..1, NaN unknown */
    float level_db[UI_MAX_PLAYERS];         /* output level, NaN unknown */
    float peak_db[UI_MAX_PLAYERS];          /* held peak, -inf none */
    const char *status;        /* host's status line (may be NULL) */
    int n_found;               /* boxes found in the picture, shown dashed (0: none) */
    camsep_box found[UI_MAX_PLAYERS];
    float found_share[UI_MAX_PLAYERS]; /* each one's share of the motion (NaN: not shown) */
} ui_view;

void ui_draw(cairo_t *cr, const ui_view *v);

/* The colours and shapes the drawing uses (for tests and legends). */
void ui_player_colour(int player, double rgb[3]);
void ui_level_colour(float db, double rgb[3]); /* an output level meter: green, yellow from -12, red from -3 dBFS */
double ui_box_tint_alpha(float motion); /* tint opacity inside a box for a prior */
extern const double ui_background_rgb[3]; /* around the picture and the meters */
/* The two bars of a player's meter column: full-scale rectangles. */
void ui_meter_bars(const ui_layout *l, int player, ui_rect *motion_bar, ui_rect *level_bar);

#endif
