/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-plot: reading the per-frame CSV written by `camsep-process --report`.
 *
 * Header: frame,time_s,input_level,objective,act_1..act_J,mask_1..mask_J,
 * prior_1..prior_J. Columns are found by name, so their order may change;
 * time_s and act_1..act_J are required, prior_j are optional. C-locale numbers.
 */
#ifndef CAMSEP_PLOT_REPORT_H
#define CAMSEP_PLOT_REPORT_H

#include <stddef.h>

typedef struct plot_report {
    size_t n_rows;
    int n_sources;     /* J */
    int has_prior;
    double *time_s;    /* n_rows */
    double *act;       /* n_rows * J, row-major */
    double *prior;     /* n_rows * J, row-major; NULL without prior columns */
} plot_report;

/* 0, or -1 with a one-line reason in err. */
int plot_report_load(const char *path, plot_report *out, char *err, size_t err_len);
void plot_report_free(plot_report *report);

#endif
