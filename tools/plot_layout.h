/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-plot: where each panel of the picture goes, and the axis mappings.
 *
 * Panels, top to bottom: the mixture's spectrogram, one mask per stem, and
 * (with a report) the activation shares. All share the time axis
 * [0, t_max] seconds over the same pixel columns. Spectral panels map
 * frequency logarithmically from f_min (bottom edge) to f_max (top edge).
 */
#ifndef CAMSEP_PLOT_LAYOUT_H
#define CAMSEP_PLOT_LAYOUT_H

#include <stdio.h>

typedef struct plot_rect {
    int x, y, w, h;  /* pixels; (x, y) is the top-left corner */
} plot_rect;

typedef struct plot_layout {
    int width, height;
    int n_stems;
    int has_report;
    plot_rect spectrogram;
    plot_rect *masks;      /* n_stems */
    plot_rect activations; /* valid when has_report */
    double t_max;          /* seconds at the right edge of the panels */
    double f_min, f_max;   /* Hz at the bottom / top edge of spectral panels */
    double share_max;      /* activation panel: share 0 at the bottom, share_max at the top */
} plot_layout;

/* height 0 picks the natural height. 0, or -1 with err set. */
int plot_layout_compute(plot_layout *layout, int width, int height, int n_stems, int has_report,
                        char *err, size_t err_len);
void plot_layout_free(plot_layout *layout);

/* x pixel (panel coordinates of the whole image) of time t; y of frequency f in r. */
double plot_layout_time_x(const plot_layout *layout, double t);
double plot_layout_freq_y(const plot_layout *layout, const plot_rect *r, double f);
double plot_layout_share_y(const plot_layout *layout, double share);

/* key=value lines describing the picture, for tests and scripts. */
void plot_layout_write(const plot_layout *layout, const char *const *names, FILE *out);

#endif
