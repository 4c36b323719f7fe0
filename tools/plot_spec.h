/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-plot: spectrograms reduced to the picture's pixel grid.
 *
 * A private, memory-bounded STFT: frames are centred every hop samples
 * (zeros outside the signal), weighted by a periodic Hann window, and their
 * power is averaged into one spectrum per pixel column. Memory is
 * columns * bins floats whatever the length of the recording. A pixel column
 * that no frame centre falls into takes the frame nearest to its centre.
 *
 * Amplitudes are normalised so that a full-scale sine reads 0 dB (dBFS).
 */
#ifndef CAMSEP_PLOT_SPEC_H
#define CAMSEP_PLOT_SPEC_H

#include "plot_audio.h"

typedef struct plot_columns {
    int columns;
    int bins;       /* fft / 2 + 1 */
    float *power;   /* columns * bins, column-major by pixel: power[col * bins + k] */
} plot_columns;

/* Columns cover time [0, t_max) seconds evenly. 0, or -1 with err set. */
int plot_columns_compute(const plot_audio *audio, int fft, int hop, int columns, double t_max,
                         plot_columns *out, char *err, size_t err_len);
void plot_columns_free(plot_columns *cols);

/* A band of FFT bins behind one pixel row of a log-frequency axis. */
typedef struct plot_band {
    int k_first, k_last;  /* whole bins to pool, inclusive; or */
    int interpolate;      /* nonzero: row narrower than a bin, use lerp at k_frac */
    double k_frac;
} plot_band;

/* Row 0 is the top (f_max); rows span [f_min, f_max] logarithmically. */
void plot_bands_for_rows(plot_band *bands, int rows, double f_min, double f_max, int fft,
                         int sample_rate);

/* Largest power of the band in one column spectrum. */
double plot_band_max(const float *spectrum, const plot_band *band);
/* Mean power of the band in one column spectrum. */
double plot_band_mean(const float *spectrum, const plot_band *band);

#endif
