/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-plot: drawing the whole picture and writing it as PNG.
 */
#include "plot_render.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef CAMSEP_PLOT_FONTCONFIG_FINI
#include <fontconfig/fontconfig.h>
#endif

#include "plot_axes.h"
#include "plot_color.h"

/* Levels are shown relative to [db_top - db_range, db_top]. */
typedef struct level_scale {
    double db_top;
    double db_range;
} level_scale;

static double power_db(double power)
{
    return 10.0 * log10(power + 1e-30);
}

static double clamp_unit(double v)
{
    if (!(v > 0.0))  /* also NaN */
        return 0.0;
    return v > 1.0 ? 1.0 : v;
}

static double level_fraction(const level_scale *s, double db)
{
    return clamp_unit((db - (s->db_top - s->db_range)) / s->db_range);
}

/* How much a mask is worth showing: 0 at the floor, 1 from 12 dB above it. */
static double mask_visibility(const level_scale *s, double db)
{
    return clamp_unit((db - (s->db_top - s->db_range)) / 12.0);
}

typedef struct panel_image {
    cairo_surface_t *surface;
    uint32_t *pixels;
    int stride;  /* in pixels */
} panel_image;

static int panel_image_create(panel_image *img, const plot_rect *r)
{
    img->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, r->w, r->h);
    if (cairo_surface_status(img->surface) != CAIRO_STATUS_SUCCESS)
        return -1;
    cairo_surface_flush(img->surface);
    img->pixels = (uint32_t *)cairo_image_surface_get_data(img->surface);
    img->stride = cairo_image_surface_get_stride(img->surface) / 4;
    return 0;
}

static void panel_image_paint(cairo_t *cr, panel_image *img, const plot_rect *r)
{
    cairo_surface_mark_dirty(img->surface);
    cairo_set_source_surface(cr, img->surface, r->x, r->y);
    cairo_rectangle(cr, r->x, r->y, r->w, r->h);
    cairo_fill(cr);
    cairo_surface_destroy(img->surface);
    img->surface = NULL;
}

static plot_band *bands_for(const plot_layout *layout, const plot_rect *r,
                            const plot_scene *scene)
{
    plot_band *bands = malloc((size_t)r->h * sizeof *bands);
    if (bands)
        plot_bands_for_rows(bands, r->h, layout->f_min, layout->f_max, scene->fft,
                            scene->sample_rate);
    return bands;
}

static double peak_db(const plot_columns *mix, const plot_band *bands, int rows)
{
    double peak = -INFINITY;
    for (int col = 0; col < mix->columns; col++) {
        const float *spectrum = mix->power + (size_t)col * mix->bins;
        for (int row = 0; row < rows; row++)
            peak = fmax(peak, power_db(plot_band_max(spectrum, &bands[row])));
    }
    return peak;
}

static int draw_spectrogram(cairo_t *cr, const plot_layout *layout, const plot_scene *scene,
                            level_scale *scale)
{
    const plot_rect *r = &layout->spectrogram;
    plot_band *bands = bands_for(layout, r, scene);
    panel_image img;
    if (!bands || panel_image_create(&img, r) != 0) {
        free(bands);
        return -1;
    }
    double peak = peak_db(scene->mix, bands, r->h);
    scale->db_top = (isfinite(peak) && peak > -300.0) ? 10.0 * ceil(peak / 10.0) + 0.0 : 0.0;
    scale->db_range = scene->db_range;
    for (int col = 0; col < r->w; col++) {
        const float *spectrum = scene->mix->power + (size_t)col * scene->mix->bins;
        for (int row = 0; row < r->h; row++) {
            double db = power_db(plot_band_max(spectrum, &bands[row]));
            img.pixels[row * img.stride + col] = plot_pixel(plot_magma(level_fraction(scale, db)));
        }
    }
    panel_image_paint(cr, &img, r);
    free(bands);
    return 0;
}

static uint32_t mask_pixel(const float *mix, const float *stem, const plot_band *band,
                           const level_scale *scale, plot_rgb hue)
{
    double mix_mean = plot_band_mean(mix, band);
    double mask = mix_mean > 0.0 ? sqrt(plot_band_mean(stem, band) / mix_mean) : 0.0;
    double visible = mask_visibility(scale, power_db(plot_band_max(mix, band)));
    return plot_pixel(plot_mix(plot_quiet_colour(), plot_mask_colour(mask, hue), visible));
}

static int draw_mask(cairo_t *cr, const plot_layout *layout, const plot_scene *scene, int j,
                     const level_scale *scale)
{
    const plot_rect *r = &layout->masks[j];
    const plot_columns *stem = &scene->stems[j];
    plot_rgb hue = plot_stem_colour(j);
    plot_band *bands = bands_for(layout, r, scene);
    panel_image img;
    if (!bands || panel_image_create(&img, r) != 0) {
        free(bands);
        return -1;
    }
    for (int col = 0; col < r->w; col++) {
        const float *mix = scene->mix->power + (size_t)col * scene->mix->bins;
        const float *spec = stem->power + (size_t)col * stem->bins;
        for (int row = 0; row < r->h; row++)
            img.pixels[row * img.stride + col] = mask_pixel(mix, spec, &bands[row], scale, hue);
    }
    panel_image_paint(cr, &img, r);
    free(bands);
    return 0;
}

/* act_j / sum_i act_i of one report row, or NaN where undefined. */
static double activation_share(const plot_report *report, size_t row, int j)
{
    const double *act = report->act + row * (size_t)report->n_sources;
    double sum = 0.0;
    for (int i = 0; i < report->n_sources; i++)
        sum += act[i];
    if (!(sum > 0.0) || !isfinite(sum))
        return NAN;
    return act[j] / sum;
}

static void stroke_series(cairo_t *cr, const plot_layout *layout, const plot_report *report,
                          int j, int prior)
{
    int pen_down = 0;
    for (size_t row = 0; row < report->n_rows; row++) {
        double t = report->time_s[row];
        double v = prior ? report->prior[row * (size_t)report->n_sources + j]
                         : activation_share(report, row, j);
        if (!isfinite(t) || !isfinite(v)) {
            pen_down = 0;
            continue;
        }
        double x = plot_layout_time_x(layout, t), y = plot_layout_share_y(layout, v);
        if (pen_down)
            cairo_line_to(cr, x, y);
        else
            cairo_move_to(cr, x, y);
        pen_down = 1;
    }
    cairo_stroke(cr);
}

/* Dashes of the priors interleave, so equal priors (e.g. all neutral) show every colour. */
static void set_prior_dash(cairo_t *cr, int j, int n_stems)
{
    double on = 7.0;
    double dash[2] = { on, n_stems > 1 ? on * (n_stems - 1) : on };
    cairo_set_dash(cr, dash, 2, -on * j);
}

static void draw_activations(cairo_t *cr, const plot_layout *layout, const plot_scene *scene)
{
    const plot_rect *r = &layout->activations;
    const plot_report *report = scene->report;
    plot_share_axis(cr, layout);
    cairo_save(cr);
    cairo_rectangle(cr, r->x, r->y, r->w, r->h);
    cairo_clip(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (int j = 0; j < report->n_sources && report->prior; j++) {
        plot_rgb c = plot_stem_colour(j);
        cairo_set_source_rgb(cr, c.r, c.g, c.b);
        cairo_set_line_width(cr, 1.6);
        set_prior_dash(cr, j, report->n_sources);
        stroke_series(cr, layout, report, j, 1);
    }
    cairo_set_dash(cr, NULL, 0, 0.0);
    for (int j = 0; j < report->n_sources; j++) {
        plot_rgb c = plot_stem_colour(j);
        cairo_set_source_rgb(cr, c.r, c.g, c.b);
        cairo_set_line_width(cr, 1.8);
        stroke_series(cr, layout, report, j, 0);
    }
    cairo_restore(cr);
    plot_activation_legend(cr, r, scene->names, report->n_sources, report->prior != NULL);
}

static void draw_titles(cairo_t *cr, const plot_layout *layout, const plot_scene *scene)
{
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.12);
    plot_font(cr, 19.0, 1);
    plot_text(cr, layout->spectrogram.x, 14, scene->title, 0.0, 0.0);
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.44);
    plot_font(cr, 12.0, 0);
    plot_text(cr, layout->spectrogram.x, 42, scene->subtitle, 0.0, 0.0);
}

static void draw_spectral_decorations(cairo_t *cr, const plot_layout *layout,
                                      const plot_scene *scene, const level_scale *scale)
{
    plot_frame(cr, &layout->spectrogram);
    plot_freq_axis(cr, layout, &layout->spectrogram);
    plot_panel_tag(cr, &layout->spectrogram, "mix", NULL);
    plot_db_colourbar(cr, &layout->spectrogram, scale->db_top, scale->db_range);
    for (int j = 0; j < layout->n_stems; j++) {
        plot_rgb hue = plot_stem_colour(j);
        char tag[300];
        snprintf(tag, sizeof tag, "mask: %s", scene->names[j]);
        plot_frame(cr, &layout->masks[j]);
        plot_freq_axis(cr, layout, &layout->masks[j]);
        plot_panel_tag(cr, &layout->masks[j], tag, &hue);
        plot_mask_colourbar(cr, &layout->masks[j], hue);
    }
}

static int draw_everything(cairo_t *cr, const plot_layout *layout, const plot_scene *scene)
{
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_paint(cr);
    level_scale scale;
    if (draw_spectrogram(cr, layout, scene, &scale) != 0)
        return -1;
    for (int j = 0; j < layout->n_stems; j++)
        if (draw_mask(cr, layout, scene, j, &scale) != 0)
            return -1;
    if (scene->report) {
        draw_activations(cr, layout, scene);
        plot_frame(cr, &layout->activations);
    }
    draw_spectral_decorations(cr, layout, scene, &scale);
    plot_time_axis(cr, layout);
    draw_titles(cr, layout, scene);
    return 0;
}

/* One picture per process: frees cairo's and fontconfig's caches so that
 * leak checkers (the CAMSEP_SANITIZE builds) see a clean exit. */
static void release_font_caches(void)
{
    cairo_debug_reset_static_data();
#ifdef CAMSEP_PLOT_FONTCONFIG_FINI
    FcFini();
#endif
}

int plot_render_png(const plot_layout *layout, const plot_scene *scene, const char *png_path,
                    char *err, size_t err_len)
{
    cairo_surface_t *surface =
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, layout->width, layout->height);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        snprintf(err, err_len, "cannot create a %dx%d image", layout->width, layout->height);
        cairo_surface_destroy(surface);
        return -1;
    }
    cairo_t *cr = cairo_create(surface);
    int rc = draw_everything(cr, layout, scene);
    cairo_status_t status = cairo_status(cr);
    cairo_destroy(cr);
    if (rc != 0 || status != CAIRO_STATUS_SUCCESS) {
        snprintf(err, err_len, "drawing failed: %s",
                 rc != 0 ? "out of memory" : cairo_status_to_string(status));
        cairo_surface_destroy(surface);
        return -1;
    }
    status = cairo_surface_write_to_png(surface, png_path);
    cairo_surface_destroy(surface);
    release_font_caches();
    if (status != CAIRO_STATUS_SUCCESS) {
        snprintf(err, err_len, "cannot write '%s': %s", png_path, cairo_status_to_string(status));
        return -1;
    }
    return 0;
}
