/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-plot: drawing the whole picture and writing it as PNG.
 */
#ifndef CAMSEP_PLOT_RENDER_H
#define CAMSEP_PLOT_RENDER_H

#include "plot_layout.h"
#include "plot_report.h"
#include "plot_spec.h"

typedef struct plot_scene {
    const char *title;
    const char *subtitle;
    const plot_columns *mix;     /* columns = panel width */
    const plot_columns *stems;   /* n_stems of them */
    const char *const *names;    /* n_stems */
    const plot_report *report;   /* NULL: no activation panel */
    int fft;
    int sample_rate;
    double db_range;             /* dynamic range shown, dB */
} plot_scene;

/* 0, or -1 with err set. */
int plot_render_png(const plot_layout *layout, const plot_scene *scene, const char *png_path,
                    char *err, size_t err_len);

#endif
