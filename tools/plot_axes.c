/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-plot: text, axes, panel tags, colour bars and the legend.
 */
#include "plot_axes.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define FONT_FACE "DejaVu Sans"
#define TICK_FONT 12.0
#define LABEL_FONT 13.0

static const plot_rgb INK = { 0.13, 0.13, 0.15 };
static const plot_rgb FAINT_INK = { 0.42, 0.42, 0.46 };
static const plot_rgb GRID = { 0.87, 0.87, 0.89 };

static void set_colour(cairo_t *cr, plot_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

void plot_font(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, FONT_FACE, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

void plot_text(cairo_t *cr, double x, double y, const char *text, double ax, double ay)
{
    cairo_text_extents_t ext;
    cairo_text_extents(cr, text, &ext);
    cairo_move_to(cr, x - ax * ext.x_advance, y - ext.y_bearing - ay * ext.height);
    cairo_show_text(cr, text);
}

static void vertical_text(cairo_t *cr, double x, double y, const char *text)
{
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, -M_PI / 2.0);
    plot_text(cr, 0.0, 0.0, text, 0.5, 0.5);
    cairo_restore(cr);
}

static void hline(cairo_t *cr, double x0, double x1, double y)
{
    cairo_move_to(cr, x0, floor(y) + 0.5);
    cairo_line_to(cr, x1, floor(y) + 0.5);
}

static void vline(cairo_t *cr, double x, double y0, double y1)
{
    cairo_move_to(cr, floor(x) + 0.5, y0);
    cairo_line_to(cr, floor(x) + 0.5, y1);
}

void plot_frame(cairo_t *cr, const plot_rect *r)
{
    set_colour(cr, FAINT_INK);
    cairo_set_line_width(cr, 1.0);
    cairo_rectangle(cr, r->x - 0.5, r->y - 0.5, r->w + 1.0, r->h + 1.0);
    cairo_stroke(cr);
}

/* ---- time axis ------------------------------------------------------- */

static double nice_step(double raw)
{
    double decade = pow(10.0, floor(log10(raw)));
    double m = raw / decade;
    return decade * (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0);
}

static const plot_rect *bottom_panel(const plot_layout *layout)
{
    if (layout->has_report)
        return &layout->activations;
    if (layout->n_stems > 0)
        return &layout->masks[layout->n_stems - 1];
    return &layout->spectrogram;
}

static void time_ticks_under(cairo_t *cr, const plot_rect *r, double x)
{
    vline(cr, x, r->y + r->h, r->y + r->h + 5);
}

void plot_time_axis(cairo_t *cr, const plot_layout *layout)
{
    const plot_rect *last = bottom_panel(layout);
    double step = nice_step(layout->t_max / fmax(1.0, last->w / 110.0));
    int decimals = step >= 1.0 ? 0 : (int)ceil(-log10(step) - 1e-9);
    cairo_set_line_width(cr, 1.0);
    plot_font(cr, TICK_FONT, 0);
    for (long i = 0;; i++) {
        double t = i * step;
        if (t > layout->t_max * (1.0 + 1e-9))
            break;
        double x = fmin(plot_layout_time_x(layout, t), last->x + last->w - 1);
        set_colour(cr, FAINT_INK);
        time_ticks_under(cr, &layout->spectrogram, x);
        for (int j = 0; j < layout->n_stems; j++)
            time_ticks_under(cr, &layout->masks[j], x);
        if (layout->has_report)
            time_ticks_under(cr, &layout->activations, x);
        cairo_stroke(cr);
        char label[32];
        snprintf(label, sizeof label, "%.*f", decimals, t);
        set_colour(cr, INK);
        plot_text(cr, x, last->y + last->h + 9, label, 0.5, 0.0);
    }
    plot_font(cr, LABEL_FONT, 0);
    plot_text(cr, last->x + last->w / 2.0, last->y + last->h + 30, "Time (s)", 0.5, 0.0);
}

/* ---- frequency axis -------------------------------------------------- */

static void freq_label(double f, char *out, size_t len)
{
    if (f >= 1000.0)
        snprintf(out, len, fmod(f, 1000.0) == 0.0 ? "%.0fk" : "%.1fk", f / 1000.0);
    else
        snprintf(out, len, "%.0f", f);
}

static int far_from_all(double y, const double *taken, int n, double min_gap)
{
    for (int i = 0; i < n; i++)
        if (fabs(y - taken[i]) < min_gap)
            return 0;
    return 1;
}

/* Labels the decades first, then 2x and 5x multiples where they fit. */
static void freq_tick_labels(cairo_t *cr, const plot_layout *layout, const plot_rect *r)
{
    static const int passes[3][2] = { { 1, 1 }, { 5, 5 }, { 2, 2 } };
    double taken[64];
    int n_taken = 0;
    set_colour(cr, INK);
    plot_font(cr, TICK_FONT, 0);
    for (int p = 0; p < 3; p++) {
        for (double decade = 10.0; decade <= layout->f_max; decade *= 10.0) {
            double f = passes[p][0] * decade;
            if (f < layout->f_min || f > layout->f_max || n_taken == 64)
                continue;
            double y = plot_layout_freq_y(layout, r, f);
            if (!far_from_all(y, taken, n_taken, 17.0) || y < r->y + 6 || y > r->y + r->h - 6)
                continue;
            taken[n_taken++] = y;
            char label[32];
            freq_label(f, label, sizeof label);
            plot_text(cr, r->x - 8, y, label, 1.0, 0.5);
            cairo_move_to(cr, r->x - 6, floor(y) + 0.5);
            cairo_line_to(cr, r->x, floor(y) + 0.5);
            cairo_stroke(cr);
        }
    }
}

static void freq_minor_ticks(cairo_t *cr, const plot_layout *layout, const plot_rect *r)
{
    set_colour(cr, FAINT_INK);
    cairo_set_line_width(cr, 1.0);
    for (double decade = 10.0; decade <= layout->f_max; decade *= 10.0)
        for (int m = 1; m <= 9; m++) {
            double f = m * decade;
            if (f < layout->f_min || f > layout->f_max)
                continue;
            hline(cr, r->x - 3, r->x, plot_layout_freq_y(layout, r, f));
        }
    cairo_stroke(cr);
}

void plot_freq_axis(cairo_t *cr, const plot_layout *layout, const plot_rect *r)
{
    freq_minor_ticks(cr, layout, r);
    freq_tick_labels(cr, layout, r);
    set_colour(cr, INK);
    plot_font(cr, LABEL_FONT, 0);
    vertical_text(cr, r->x - 70, r->y + r->h / 2.0, r->h >= 120 ? "Frequency (Hz)" : "Hz");
}

/* ---- activation-share axis ------------------------------------------- */

void plot_share_axis(cairo_t *cr, const plot_layout *layout)
{
    const plot_rect *r = &layout->activations;
    cairo_set_line_width(cr, 1.0);
    plot_font(cr, TICK_FONT, 0);
    for (int i = 0; i <= 4; i++) {
        double share = i * 0.25;
        double y = plot_layout_share_y(layout, share);
        set_colour(cr, GRID);
        hline(cr, r->x, r->x + r->w, y);
        cairo_stroke(cr);
        set_colour(cr, INK);
        hline(cr, r->x - 6, r->x, y);
        cairo_stroke(cr);
        char label[16];
        snprintf(label, sizeof label, "%g", share);
        plot_text(cr, r->x - 8, y, label, 1.0, 0.5);
    }
    plot_font(cr, LABEL_FONT, 0);
    vertical_text(cr, r->x - 70, r->y + r->h / 2.0, "Activation share");
}

/* ---- tags, colour bars, legend --------------------------------------- */

/* Copies text into out, shortened with an ellipsis to fit max_width pixels. */
static void fit_text(cairo_t *cr, const char *text, double max_width, char *out, size_t len)
{
    snprintf(out, len, "%s", text);
    cairo_text_extents_t ext;
    size_t n = strlen(out);
    for (;;) {
        cairo_text_extents(cr, out, &ext);
        if (ext.x_advance <= max_width || n == 0)
            return;
        do
            n--;
        while (n > 0 && ((unsigned char)out[n] & 0xc0) == 0x80);
        snprintf(out + n, len - n, "\xe2\x80\xa6");
    }
}

void plot_panel_tag(cairo_t *cr, const plot_rect *r, const char *full_text,
                    const plot_rgb *swatch)
{
    plot_font(cr, LABEL_FONT, 1);
    char text[256];
    fit_text(cr, full_text, 0.45 * r->w, text, sizeof text);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, text, &ext);
    double pad = 6.0, sw = swatch ? 16.0 : 0.0;
    double x = r->x + 6, y = r->y + 6, h = 22.0;
    cairo_set_source_rgba(cr, 0.0, 0.0, 0.0, 0.62);
    cairo_rectangle(cr, x, y, ext.x_advance + 2 * pad + sw, h);
    cairo_fill(cr);
    if (swatch) {
        set_colour(cr, *swatch);
        cairo_rectangle(cr, x + pad, y + 6, 10, 10);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    plot_text(cr, x + pad + sw, y + h / 2.0, text, 0.0, 0.5);
}

enum { BAR_OFFSET = 16, BAR_WIDTH = 14, LEGEND_TEXT_WIDTH = 126 };

void plot_db_colourbar(cairo_t *cr, const plot_rect *panel, double db_top, double db_range)
{
    double x = panel->x + panel->w + BAR_OFFSET, y0 = panel->y + 18, h = panel->h - 18;
    for (int i = 0; i < (int)h; i++) {
        plot_rgb c = plot_magma(1.0 - (i + 0.5) / h);
        set_colour(cr, c);
        cairo_rectangle(cr, x, y0 + i, BAR_WIDTH, 1);
        cairo_fill(cr);
    }
    double step = db_range > 60.0 ? 20.0 : 10.0;
    plot_font(cr, TICK_FONT, 0);
    for (double db = 0.0; db <= db_range + 1e-9; db += step) {
        double y = y0 + db / db_range * h;
        char label[16];
        snprintf(label, sizeof label, "%.0f", db_top - db);
        set_colour(cr, INK);
        hline(cr, x + BAR_WIDTH, x + BAR_WIDTH + 4, fmin(y, y0 + h - 1));
        cairo_stroke(cr);
        plot_text(cr, x + BAR_WIDTH + 7, y, label, 0.0, 0.5);
    }
    plot_text(cr, x, panel->y, "dBFS", 0.0, 0.5);
}

void plot_mask_colourbar(cairo_t *cr, const plot_rect *panel, plot_rgb hue)
{
    double x = panel->x + panel->w + BAR_OFFSET, y0 = panel->y + 18;
    double h = panel->h - 18 - 24;
    for (int i = 0; i < (int)h; i++) {
        set_colour(cr, plot_mask_colour(1.0 - (i + 0.5) / h, hue));
        cairo_rectangle(cr, x, y0 + i, BAR_WIDTH, 1);
        cairo_fill(cr);
    }
    plot_font(cr, TICK_FONT, 0);
    set_colour(cr, INK);
    int halves_step = h >= 50.0 ? 1 : 2;  /* label 0.5 only where it fits */
    for (int i = 0; i <= 2; i += halves_step) {
        double y = y0 + (1.0 - i * 0.5) * h;
        char label[16];
        snprintf(label, sizeof label, "%g", i * 0.5);
        hline(cr, x + BAR_WIDTH, x + BAR_WIDTH + 4, fmin(y, y0 + h - 1));
        cairo_stroke(cr);
        plot_text(cr, x + BAR_WIDTH + 7, y, label, 0.0, 0.5);
    }
    plot_text(cr, x, panel->y, "mask", 0.0, 0.5);
    double qy = panel->y + panel->h - 12;
    set_colour(cr, plot_quiet_colour());
    cairo_rectangle(cr, x, qy, BAR_WIDTH, 12);
    cairo_fill(cr);
    set_colour(cr, INK);
    plot_text(cr, x + BAR_WIDTH + 7, qy + 6, "quiet", 0.0, 0.5);
}

static void legend_line(cairo_t *cr, double x, double y, plot_rgb c, int dashed)
{
    static const double dash[] = { 5.0, 3.0 };
    set_colour(cr, c);
    cairo_set_line_width(cr, 2.0);
    cairo_set_dash(cr, dash, dashed ? 2 : 0, 0.0);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x + 24, y);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0.0);
}

void plot_activation_legend(cairo_t *cr, const plot_rect *panel, const char *const *names,
                            int n_stems, int has_prior)
{
    double x = panel->x + panel->w + BAR_OFFSET, y = panel->y + 8, row = 19.0;
    plot_font(cr, TICK_FONT, 0);
    for (int j = 0; j < n_stems; j++, y += row) {
        char label[256];
        fit_text(cr, names[j], LEGEND_TEXT_WIDTH, label, sizeof label);
        legend_line(cr, x, y, plot_stem_colour(j), 0);
        set_colour(cr, INK);
        plot_text(cr, x + 30, y, label, 0.0, 0.5);
    }
    y += 6;
    legend_line(cr, x, y, FAINT_INK, 0);
    set_colour(cr, INK);
    plot_text(cr, x + 30, y, "share", 0.0, 0.5);
    if (!has_prior)
        return;
    y += row;
    legend_line(cr, x, y, FAINT_INK, 1);
    set_colour(cr, INK);
    plot_text(cr, x + 30, y, "prior", 0.0, 0.5);
}
