/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-plot: text, axes, panel tags, colour bars and the legend.
 */
#ifndef CAMSEP_PLOT_AXES_H
#define CAMSEP_PLOT_AXES_H

#include <cairo.h>

#include "plot_color.h"
#include "plot_layout.h"

void plot_font(cairo_t *cr, double size, int bold);
/* ax: 0 left, 0.5 centre, 1 right of the advance; ay likewise over the ink's height. */
void plot_text(cairo_t *cr, double x, double y, const char *text, double ax, double ay);

void plot_frame(cairo_t *cr, const plot_rect *r);
void plot_time_axis(cairo_t *cr, const plot_layout *layout);
void plot_freq_axis(cairo_t *cr, const plot_layout *layout, const plot_rect *r);
void plot_share_axis(cairo_t *cr, const plot_layout *layout);
/* A dark label in the top-left corner of a panel, with an optional colour swatch. */
void plot_panel_tag(cairo_t *cr, const plot_rect *r, const char *text, const plot_rgb *swatch);

void plot_db_colourbar(cairo_t *cr, const plot_rect *panel, double db_top, double db_range);
void plot_mask_colourbar(cairo_t *cr, const plot_rect *panel, plot_rgb hue);
void plot_activation_legend(cairo_t *cr, const plot_rect *panel, const char *const *names,
                            int n_stems, int has_prior);

#endif
