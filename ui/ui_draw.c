/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ui_draw.h"

#include <math.h>
#include <stdio.h>

#include "ui_image.h"
#include "ui_meter.h"

const double ui_background_rgb[3] = {0.10, 0.10, 0.12};

static const double palette[UI_MAX_PLAYERS][3] = {
    {0.95, 0.35, 0.30}, {0.30, 0.70, 0.95}, {0.40, 0.85, 0.35}, {0.98, 0.75, 0.20},
    {0.75, 0.45, 0.95}, {0.25, 0.85, 0.80}, {0.95, 0.50, 0.75}, {0.80, 0.80, 0.80},
};

void ui_player_colour(int player, double rgb[3])
{
    const double *c = palette[((player % UI_MAX_PLAYERS) + UI_MAX_PLAYERS) % UI_MAX_PLAYERS];
    rgb[0] = c[0];
    rgb[1] = c[1];
    rgb[2] = c[2];
}

double ui_box_tint_alpha(float motion)
{
    if (isnan(motion))
        return 0.0;
    return 0.05 + 0.45 * ui_meter_motion_fraction(motion);
}

void ui_meter_bars(const ui_layout *l, int player, ui_rect *motion_bar, ui_rect *level_bar)
{
    const ui_rect c = ui_layout_meter_column(l, player);
    const double top = c.y + 22.0, bottom = c.y + c.h - 18.0;
    const double h = bottom > top ? bottom - top : 0.0;
    const double bw = fmax((c.w - 10.0) / 2.0, 1.0);
    *motion_bar = (ui_rect){c.x + 2.0, top, bw, h};
    *level_bar = (ui_rect){c.x + 6.0 + bw, top, bw, h};
}

static void set_rgb(cairo_t *cr, const double *c) { cairo_set_source_rgb(cr, c[0], c[1], c[2]); }

static void fill_rect(cairo_t *cr, ui_rect r)
{
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    cairo_fill(cr);
}

static void draw_picture(cairo_t *cr, const ui_view *v)
{
    const ui_layout *l = &v->layout;
    cairo_set_source_rgb(cr, 0.05, 0.05, 0.06);
    fill_rect(cr, l->video);
    if (!v->image || l->scale <= 0.0) {
        cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
        cairo_set_font_size(cr, 14.0);
        cairo_move_to(cr, l->video.x + 16.0, l->video.y + l->video.h / 2.0);
        cairo_show_text(cr, "no camera picture yet");
        return;
    }
    cairo_save(cr);
    cairo_rectangle(cr, l->image.x, l->image.y, l->image.w, l->image.h);
    cairo_clip(cr);
    cairo_translate(cr, l->image.x, l->image.y);
    cairo_scale(cr, l->scale, l->scale);
    cairo_set_source_surface(cr, v->image, 0.0, 0.0);
    cairo_pattern_set_filter(cairo_get_source(cr), ui_image_filter(l->scale));
    cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD); /* no dark seam at the edges */
    cairo_paint(cr);
    cairo_restore(cr);
}

static ui_rect box_rect(const ui_layout *l, const camsep_box *b)
{
    double x0, y0, x1, y1;
    ui_layout_frame_to_window(l, b->x, b->y, &x0, &y0);
    ui_layout_frame_to_window(l, b->x + b->w, b->y + b->h, &x1, &y1);
    return (ui_rect){x0, y0, x1 - x0, y1 - y0};
}

static void draw_label(cairo_t *cr, ui_rect r, const double *bg, const char *text)
{
    cairo_text_extents_t ext;
    cairo_text_extents(cr, text, &ext);
    const double w = fmin(ext.x_advance + 8.0, fmax(r.w, 24.0));
    cairo_save(cr);
    cairo_rectangle(cr, r.x, r.y, w, UI_LABEL_HEIGHT);
    cairo_set_source_rgba(cr, bg[0], bg[1], bg[2], 0.9);
    cairo_fill_preserve(cr);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 0.0, 0.0, 0.0);
    cairo_move_to(cr, r.x + 4.0, r.y + UI_LABEL_HEIGHT - 4.0);
    cairo_show_text(cr, text);
    cairo_restore(cr);
}

static void draw_handles(cairo_t *cr, ui_rect r)
{
    const double s = 6.0;
    const double xs[3] = {r.x, r.x + r.w / 2.0, r.x + r.w}, ys[3] = {r.y, r.y + r.h / 2.0, r.y + r.h};
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++)
            if (i != 1 || k != 1)
                cairo_rectangle(cr, xs[i] - s / 2.0, ys[k] - s / 2.0, s, s);
    cairo_fill(cr);
}

static void draw_player_box(cairo_t *cr, const ui_view *v, int j)
{
    camsep_box b;
    if (!ui_box_edit_display(v->edit, j, &b))
        return;
    const ui_rect r = box_rect(&v->layout, &b);
    double c[3];
    ui_player_colour(j, c);
    cairo_set_source_rgba(cr, c[0], c[1], c[2], ui_box_tint_alpha(v->motion[j]));
    fill_rect(cr, r);

    const int selected = v->edit->selected == j;
    set_rgb(cr, c);
    cairo_set_line_width(cr, selected ? UI_BOX_LINE + 1.0 : UI_BOX_LINE);
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    cairo_stroke(cr);

    char text[160];
    const char *ins = v->instrument[j];
    if (ins && ins[0])
        snprintf(text, sizeof text, "%d %s \xc2\xb7 %s", j + 1, v->name[j], ins);
    else
        snprintf(text, sizeof text, "%d %s", j + 1, v->name[j]);
    draw_label(cr, r, c, text);
    if (selected)
        draw_handles(cr, r);
}

static void draw_pending_box(cairo_t *cr, const ui_view *v)
{
    camsep_box b;
    if (!ui_box_edit_display(v->edit, UI_PENDING, &b))
        return;
    const ui_rect r = box_rect(&v->layout, &b);
    const double dash[2] = {6.0, 4.0};
    cairo_save(cr);
    cairo_set_source_rgba(cr, 1.0, 1.0, 1.0, 0.08);
    fill_rect(cr, r);
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_set_line_width(cr, UI_BOX_LINE);
    cairo_set_dash(cr, dash, 2, 0.0);
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    cairo_stroke(cr);
    cairo_restore(cr);
    if (v->edit->drag != UI_DRAG_NEW) {
        char text[64];
        const double white[3] = {0.9, 0.9, 0.9};
        snprintf(text, sizeof text, "new: press 1-%d", v->n_players);
        draw_label(cr, r, white, text);
        if (v->edit->selected == UI_PENDING)
            draw_handles(cr, r);
    }
}

/* A box found in the picture: dashed, in the colour of the player it would
 * become, labelled with that player's number and its share of the motion. */
static void draw_found_box(cairo_t *cr, const ui_view *v, int j)
{
    const ui_rect r = box_rect(&v->layout, &v->found[j]);
    double c[3];
    ui_player_colour(j, c);
    const double dash[2] = {3.0, 3.0};
    cairo_save(cr);
    set_rgb(cr, c);
    cairo_set_line_width(cr, UI_BOX_LINE);
    cairo_set_dash(cr, dash, 2, 0.0);
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    cairo_stroke(cr);
    cairo_restore(cr);
    char text[64];
    if (isnan(v->found_share[j]))
        snprintf(text, sizeof text, "found %d", j + 1);
    else
        snprintf(text, sizeof text, "found %d \xc2\xb7 %.0f %%", j + 1, 100.0 * v->found_share[j]);
    const ui_rect below = {r.x, r.y + r.h - UI_LABEL_HEIGHT, r.w, UI_LABEL_HEIGHT};
    draw_label(cr, below, c, text);
}

static void draw_boxes(cairo_t *cr, const ui_view *v)
{
    if (!v->image || v->layout.scale <= 0.0 || !v->edit)
        return;
    const ui_layout *l = &v->layout;
    cairo_save(cr);
    cairo_rectangle(cr, l->video.x, l->video.y, l->video.w, l->video.h);
    cairo_clip(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 11.0);
    /* the selected box last, on top */
    for (int j = 0; j < v->n_players; j++)
        if (j != v->edit->selected)
            draw_player_box(cr, v, j);
    if (v->edit->selected >= 0)
        draw_player_box(cr, v, v->edit->selected);
    draw_pending_box(cr, v);
    for (int j = 0; j < v->n_found && j < UI_MAX_PLAYERS; j++)
        draw_found_box(cr, v, j);
    cairo_restore(cr);
}

void ui_level_colour(float db, double rgb[3])
{
    static const double red[3] = {0.95, 0.25, 0.2}, yellow[3] = {0.95, 0.8, 0.2}, green[3] = {0.3, 0.8, 0.35};
    const double *c = db >= -3.0f ? red : db >= -12.0f ? yellow : green;
    rgb[0] = c[0];
    rgb[1] = c[1];
    rgb[2] = c[2];
}

static void level_colour(cairo_t *cr, float db)
{
    double c[3];
    ui_level_colour(db, c);
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
}

static void draw_meters(cairo_t *cr, const ui_view *v)
{
    const ui_layout *l = &v->layout;
    set_rgb(cr, ui_background_rgb);
    fill_rect(cr, l->meters);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 10.0);
    for (int j = 0; j < v->n_players; j++) {
        const ui_rect col = ui_layout_meter_column(l, j);
        ui_rect mb, lb;
        ui_meter_bars(l, j, &mb, &lb);
        double c[3];
        ui_player_colour(j, c);
        cairo_save(cr);
        cairo_rectangle(cr, col.x, col.y, col.w, col.h);
        cairo_clip(cr);
        if (v->edit && v->edit->selected == j) { /* the column of the selected box */
            cairo_set_source_rgb(cr, 0.22, 0.22, 0.26);
            fill_rect(cr, col);
        }
        /* header: the player's number on its colour */
        set_rgb(cr, c);
        fill_rect(cr, (ui_rect){col.x + 2.0, col.y, col.w - 4.0, 18.0});
        char num[16];
        snprintf(num, sizeof num, "%d", j + 1);
        cairo_set_source_rgb(cr, 0.0, 0.0, 0.0);
        cairo_move_to(cr, col.x + 6.0, col.y + 13.0);
        cairo_show_text(cr, num);

        cairo_set_source_rgb(cr, 0.2, 0.2, 0.22);
        fill_rect(cr, mb);
        fill_rect(cr, lb);
        /* motion prior */
        const double fm = ui_meter_motion_fraction(v->motion[j]);
        set_rgb(cr, c);
        fill_rect(cr, (ui_rect){mb.x, mb.y + mb.h * (1.0 - fm), mb.w, mb.h * fm});
        /* output level and its held peak */
        const double fl = ui_meter_level_fraction(v->level_db[j]);
        level_colour(cr, v->level_db[j]);
        fill_rect(cr, (ui_rect){lb.x, lb.y + lb.h * (1.0 - fl), lb.w, lb.h * fl});
        if (isfinite(v->peak_db[j]) && v->peak_db[j] > UI_METER_FLOOR_DB) {
            const double fp = ui_meter_level_fraction(v->peak_db[j]);
            cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
            fill_rect(cr, (ui_rect){lb.x, lb.y + lb.h * (1.0 - fp) - 1.0, lb.w, 2.0});
        }
        /* peak value under the bars */
        char db[16];
        if (isfinite(v->peak_db[j]) && v->peak_db[j] > UI_METER_FLOOR_DB)
            snprintf(db, sizeof db, "%.0f", v->peak_db[j]);
        else
            snprintf(db, sizeof db, "-inf");
        cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
        cairo_move_to(cr, col.x + 2.0, col.y + col.h - 5.0);
        cairo_show_text(cr, db);
        cairo_restore(cr);
    }
}

static void draw_status(cairo_t *cr, const ui_view *v)
{
    const ui_rect r = v->layout.status;
    if (r.h <= 0.0)
        return;
    cairo_set_source_rgb(cr, 0.16, 0.16, 0.18);
    fill_rect(cr, r);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 11.0);
    char hint[128];
    snprintf(hint, sizeof hint, "drag: draw/move/resize \xc2\xb7 1-%d: assign \xc2\xb7 Del: remove \xc2\xb7 Tab: next",
             v->n_players);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, hint, &ext);
    const double hint_x = r.x + r.w - ext.x_advance - 8.0;
    cairo_set_source_rgb(cr, 0.55, 0.55, 0.58);
    cairo_move_to(cr, hint_x, r.y + r.h - 7.0);
    cairo_show_text(cr, hint);
    if (v->status && v->status[0]) {
        cairo_save(cr);
        cairo_rectangle(cr, r.x, r.y, fmax(hint_x - 12.0 - r.x, 0.0), r.h);
        cairo_clip(cr);
        cairo_set_source_rgb(cr, 0.92, 0.92, 0.92);
        cairo_move_to(cr, r.x + 8.0, r.y + r.h - 7.0);
        cairo_show_text(cr, v->status);
        cairo_restore(cr);
    }
}

void ui_draw(cairo_t *cr, const ui_view *v)
{
    cairo_save(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
    set_rgb(cr, ui_background_rgb);
    cairo_paint(cr);
    draw_picture(cr, v);
    draw_boxes(cr, v);
    draw_meters(cr, v);
    draw_status(cr, v);
    cairo_restore(cr);
}
