/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Short-time Fourier transform pieces shared by the engine and the tools:
 * a periodic Hann analysis window, FFTW3f single-precision plans made at
 * set-up, and a synthesis window that makes weighted overlap-add exact for the
 * chosen hop (the sum of analysis * synthesis windows over all frames is 1).
 *
 * Threading: init/destroy are set-up calls (FFTW's planner is serialised
 * internally); forward/inverse are real-time safe and touch only the object.
 */
#ifndef CAMSEP_STFT_H
#define CAMSEP_STFT_H

#include <complex.h>
#include <stddef.h>

typedef struct camsep_stft {
    int n;              /* window / FFT size */
    int hop;
    int bins;           /* n / 2 + 1 */
    float *window;      /* analysis window, n samples */
    float *synthesis;   /* synthesis window, n samples, includes OLA normalisation */
    float *time_buf;    /* n samples, FFT input/output */
    float complex *spec_buf; /* bins */
    void *plan_forward;
    void *plan_inverse;
    size_t bytes;       /* allocated by init */
} camsep_stft;

/* 0, or -1 (sizes invalid or out of memory). n even >= 4, 1 <= hop <= n/2. */
int camsep_stft_init(camsep_stft *s, int n, int hop);
void camsep_stft_destroy(camsep_stft *s);

/* Windowed FFT of n samples (oldest first) into spec (bins values). */
void camsep_stft_forward(camsep_stft *s, const float *frame, float complex *spec);
/* Inverse FFT of spec, times the synthesis window, added into ola (n samples). */
void camsep_stft_inverse_add(camsep_stft *s, const float complex *spec, float *ola);

/* Offline helper (allocates): magnitude spectrogram of a whole signal, frames
 * taken every hop with the first frame ending at sample hop - 1 (as the
 * streaming engine sees them, zeros before the start). Returns a
 * frames * bins array (frame-major) and sets *n_frames, or NULL. */
float *camsep_stft_magnitudes(const float *signal, size_t n_samples, int n, int hop,
                              size_t *n_frames);

#endif
