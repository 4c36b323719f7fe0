/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-plot: where each panel of the picture goes, and the axis mappings.
 */
#include "plot_layout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    MARGIN_LEFT = 92,
    MARGIN_RIGHT = 176,
    MARGIN_TOP = 66,
    MARGIN_BOTTOM = 54,
    PANEL_GAP = 14,
    SPECTROGRAM_HEIGHT = 300,
    MASK_HEIGHT = 150,
    ACTIVATION_HEIGHT = 220,
    MIN_PANEL_HEIGHT = 40,
    MIN_PLOT_WIDTH = 160
};

static int natural_panel_sum(int n_stems, int has_report)
{
    return SPECTROGRAM_HEIGHT + n_stems * MASK_HEIGHT + (has_report ? ACTIVATION_HEIGHT : 0);
}

static int n_gaps(int n_stems, int has_report)
{
    return n_stems + (has_report ? 1 : 0);
}

static plot_rect stack_panel(int *y, int width, int height)
{
    plot_rect r = { MARGIN_LEFT, *y, width - MARGIN_LEFT - MARGIN_RIGHT, height };
    *y += height + PANEL_GAP;
    return r;
}

int plot_layout_compute(plot_layout *layout, int width, int height, int n_stems, int has_report,
                        char *err, size_t err_len)
{
    memset(layout, 0, sizeof *layout);
    if (width - MARGIN_LEFT - MARGIN_RIGHT < MIN_PLOT_WIDTH) {
        snprintf(err, err_len, "width %d is too small (at least %d pixels)", width,
                 MARGIN_LEFT + MARGIN_RIGHT + MIN_PLOT_WIDTH);
        return -1;
    }
    int fixed = MARGIN_TOP + MARGIN_BOTTOM + PANEL_GAP * n_gaps(n_stems, has_report);
    int natural = natural_panel_sum(n_stems, has_report);
    double scale = height > 0 ? (double)(height - fixed) / natural : 1.0;
    if (height <= 0)
        height = fixed + natural;
    if (scale * MASK_HEIGHT < MIN_PANEL_HEIGHT) {
        snprintf(err, err_len, "height %d is too small for %d stem%s", height, n_stems,
                 n_stems == 1 ? "" : "s");
        return -1;
    }
    layout->masks = calloc((size_t)n_stems, sizeof *layout->masks);
    if (!layout->masks) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    layout->width = width;
    layout->height = height;
    layout->n_stems = n_stems;
    layout->has_report = has_report;
    int y = MARGIN_TOP;
    layout->spectrogram = stack_panel(&y, width, (int)(scale * SPECTROGRAM_HEIGHT));
    for (int j = 0; j < n_stems; j++)
        layout->masks[j] = stack_panel(&y, width, (int)(scale * MASK_HEIGHT));
    if (has_report)
        layout->activations = stack_panel(&y, width, (int)(scale * ACTIVATION_HEIGHT));
    layout->share_max = 1.06;
    return 0;
}

void plot_layout_free(plot_layout *layout)
{
    free(layout->masks);
    layout->masks = NULL;
}

double plot_layout_time_x(const plot_layout *layout, double t)
{
    const plot_rect *r = &layout->spectrogram;
    return r->x + t / layout->t_max * r->w;
}

double plot_layout_freq_y(const plot_layout *layout, const plot_rect *r, double f)
{
    double u = (log(f) - log(layout->f_min)) / (log(layout->f_max) - log(layout->f_min));
    return r->y + r->h - u * r->h;
}

double plot_layout_share_y(const plot_layout *layout, double share)
{
    const plot_rect *r = &layout->activations;
    return r->y + r->h - share / layout->share_max * r->h;
}

static void write_rect(FILE *out, const char *prefix, const plot_rect *r)
{
    fprintf(out, "%s_x=%d\n%s_y=%d\n%s_w=%d\n%s_h=%d\n", prefix, r->x, prefix, r->y, prefix,
            r->w, prefix, r->h);
}

void plot_layout_write(const plot_layout *layout, const char *const *names, FILE *out)
{
    fprintf(out,
            "# camsep-plot layout. Rectangles are pixels, (x, y) = top-left corner.\n"
            "# All panels share columns: time t seconds -> x = panel_x + t / time_max_s * panel_w.\n"
            "# Spectral panels (spectrogram, mask_J): frequency f Hz ->\n"
            "#   y = panel_y + panel_h * (1 - (ln f - ln freq_min_hz) / (ln freq_max_hz - ln freq_min_hz)).\n"
            "# Activation panel: share s -> y = panel_y + panel_h * (1 - s / share_max).\n"
            "# Image pixel (col, row) of a spectral panel samples the centre (col + 0.5, row + 0.5).\n");
    fprintf(out, "image_width=%d\nimage_height=%d\n", layout->width, layout->height);
    fprintf(out, "time_min_s=0\ntime_max_s=%.9g\n", layout->t_max);
    fprintf(out, "freq_scale=log\nfreq_min_hz=%.9g\nfreq_max_hz=%.9g\n", layout->f_min,
            layout->f_max);
    fprintf(out, "n_stems=%d\n", layout->n_stems);
    write_rect(out, "spectrogram", &layout->spectrogram);
    for (int j = 0; j < layout->n_stems; j++) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "mask_%d", j + 1);
        fprintf(out, "%s_name=%s\n", prefix, names[j]);
        write_rect(out, prefix, &layout->masks[j]);
    }
    fprintf(out, "has_activations=%d\n", layout->has_report);
    if (layout->has_report) {
        write_rect(out, "activations", &layout->activations);
        fprintf(out, "share_max=%.9g\n", layout->share_max);
    }
}
