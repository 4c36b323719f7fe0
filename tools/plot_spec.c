/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-plot: spectrograms reduced to the picture's pixel grid.
 */
#include "plot_spec.h"

#include <fftw3.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

typedef struct frame_fft {
    int n;
    int bins;
    float *window;
    float *input;
    fftwf_complex *output;
    fftwf_plan plan;
    double amplitude_scale;  /* |X| * scale = sine amplitude */
} frame_fft;

static int frame_fft_init(frame_fft *f, int n)
{
    memset(f, 0, sizeof *f);
    f->n = n;
    f->bins = n / 2 + 1;
    f->window = malloc((size_t)n * sizeof *f->window);
    f->input = fftwf_malloc((size_t)n * sizeof *f->input);
    f->output = fftwf_malloc((size_t)f->bins * sizeof *f->output);
    if (!f->window || !f->input || !f->output)
        return -1;
    double window_sum = 0.0;
    for (int i = 0; i < n; i++) {
        f->window[i] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * i / n));
        window_sum += f->window[i];
    }
    f->amplitude_scale = 2.0 / window_sum;
    f->plan = fftwf_plan_dft_r2c_1d(n, f->input, f->output, FFTW_ESTIMATE);
    return f->plan ? 0 : -1;
}

static void frame_fft_destroy(frame_fft *f)
{
    if (f->plan)
        fftwf_destroy_plan(f->plan);
    fftwf_free(f->input);
    fftwf_free(f->output);
    free(f->window);
    memset(f, 0, sizeof *f);
}

/* Adds the power spectrum of the frame centred at sample `centre` to acc. */
static void accumulate_frame(frame_fft *f, const plot_audio *audio, long long centre, float *acc)
{
    long long start = centre - f->n / 2;
    for (int i = 0; i < f->n; i++) {
        long long s = start + i;
        float x = (s >= 0 && (size_t)s < audio->n_samples) ? audio->samples[s] : 0.0f;
        f->input[i] = x * f->window[i];
    }
    fftwf_execute(f->plan);
    double scale2 = f->amplitude_scale * f->amplitude_scale;
    for (int k = 0; k < f->bins; k++) {
        double re = f->output[k][0], im = f->output[k][1];
        acc[k] += (float)((re * re + im * im) * scale2);
    }
}

static void compute_column(frame_fft *f, const plot_audio *audio, int hop, double t0, double t1,
                           float *spectrum)
{
    double rate = audio->sample_rate;
    long long first = (long long)ceil(t0 * rate / hop);
    long long end = (long long)ceil(t1 * rate / hop);  /* exclusive */
    if (end <= first) {
        first = (long long)floor(0.5 * (t0 + t1) * rate / hop + 0.5);
        end = first + 1;
    }
    memset(spectrum, 0, (size_t)f->bins * sizeof *spectrum);
    for (long long frame = first; frame < end; frame++)
        accumulate_frame(f, audio, frame * hop, spectrum);
    float inv = 1.0f / (float)(end - first);
    for (int k = 0; k < f->bins; k++)
        spectrum[k] *= inv;
}

int plot_columns_compute(const plot_audio *audio, int fft, int hop, int columns, double t_max,
                         plot_columns *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    frame_fft f;
    if (frame_fft_init(&f, fft) != 0) {
        frame_fft_destroy(&f);
        snprintf(err, err_len, "cannot set up an FFT of size %d", fft);
        return -1;
    }
    out->columns = columns;
    out->bins = f.bins;
    out->power = malloc((size_t)columns * (size_t)f.bins * sizeof *out->power);
    if (!out->power) {
        frame_fft_destroy(&f);
        snprintf(err, err_len, "out of memory for a %d-column spectrogram", columns);
        return -1;
    }
    for (int col = 0; col < columns; col++) {
        double t0 = t_max * col / columns, t1 = t_max * (col + 1) / columns;
        compute_column(&f, audio, hop, t0, t1, out->power + (size_t)col * f.bins);
    }
    frame_fft_destroy(&f);
    return 0;
}

void plot_columns_free(plot_columns *cols)
{
    free(cols->power);
    memset(cols, 0, sizeof *cols);
}

void plot_bands_for_rows(plot_band *bands, int rows, double f_min, double f_max, int fft,
                         int sample_rate)
{
    double log_min = log(f_min), log_span = log(f_max) - log(f_min);
    double bins_per_hz = (double)fft / sample_rate;
    int last_bin = fft / 2;
    for (int r = 0; r < rows; r++) {
        double f_top = exp(log_min + log_span * (rows - r) / rows);
        double f_bottom = exp(log_min + log_span * (rows - r - 1) / rows);
        double f_centre = exp(log_min + log_span * (rows - r - 0.5) / rows);
        double k_lo = f_bottom * bins_per_hz, k_hi = f_top * bins_per_hz;
        plot_band *b = &bands[r];
        b->interpolate = (k_hi - k_lo) < 1.0;
        b->k_frac = fmin(f_centre * bins_per_hz, (double)last_bin);
        b->k_first = (int)ceil(k_lo);
        b->k_last = (int)floor(k_hi);
        if (b->k_last > last_bin)
            b->k_last = last_bin;
        if (b->k_first > b->k_last)
            b->interpolate = 1;
    }
}

static double band_interpolated(const float *spectrum, const plot_band *band)
{
    int k = (int)floor(band->k_frac);
    double frac = band->k_frac - k;
    double a = spectrum[k];
    double b = (frac > 0.0) ? spectrum[k + 1] : a;
    return a + (b - a) * frac;
}

double plot_band_max(const float *spectrum, const plot_band *band)
{
    if (band->interpolate)
        return band_interpolated(spectrum, band);
    double best = spectrum[band->k_first];
    for (int k = band->k_first + 1; k <= band->k_last; k++)
        if (spectrum[k] > best)
            best = spectrum[k];
    return best;
}

double plot_band_mean(const float *spectrum, const plot_band *band)
{
    if (band->interpolate)
        return band_interpolated(spectrum, band);
    double sum = 0.0;
    for (int k = band->k_first; k <= band->k_last; k++)
        sum += spectrum[k];
    return sum / (band->k_last - band->k_first + 1);
}
