/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-plot: colour maps. Colours are sRGB components in [0, 1].
 */
#ifndef CAMSEP_PLOT_COLOR_H
#define CAMSEP_PLOT_COLOR_H

#include <stdint.h>

typedef struct plot_rgb {
    double r, g, b;
} plot_rgb;

/* Perceptually ordered dark-to-light map (an approximation of "magma"). v in [0, 1]. */
plot_rgb plot_magma(double v);
/* A distinct hue for stem j (0-based); cycles after eight stems. */
plot_rgb plot_stem_colour(int j);
/* Mask value m in [0, 1] shown as black -> hue -> pale hue. */
plot_rgb plot_mask_colour(double m, plot_rgb hue);
/* Colour of time-frequency cells where the mixture is too quiet to show a mask. */
plot_rgb plot_quiet_colour(void);
plot_rgb plot_mix(plot_rgb a, plot_rgb b, double t);
/* Opaque pixel for a CAIRO_FORMAT_ARGB32 / RGB24 surface. */
uint32_t plot_pixel(plot_rgb c);

#endif
