/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Short-time Fourier transform with a dual (asymmetric) analysis/synthesis
 * window pair (Mauler & Martin 2007; Wang et al. 2021), FFTW3f plans made at
 * set-up.
 *
 * The analysis window spans n samples: a square-root Hann rise over the first
 * n - fall samples and a square-root Hann fall over the last `fall`. The
 * synthesis window is non-zero on the last 2 * fall samples only, where
 * analysis * synthesis is a Hann window of 2 * fall samples scaled so that
 * overlap-add at the hop sums to exactly 1. The spectrum therefore has the
 * frequency resolution of the long window while the output is delayed by only
 * 2 * fall samples. fall = n / 2 is the symmetric square-root Hann pair.
 *
 * Threading: init/destroy are set-up calls (FFTW's planner is serialised
 * internally); forward/inverse are real-time safe and touch only the object.
 */
#ifndef CAMSEP_STFT_H
#define CAMSEP_STFT_H

#include <complex.h>
#include <stddef.h>

typedef struct camsep_stft {
    int n;              /* analysis window / FFT size */
    int fall;           /* M: samples over which the analysis window falls */
    int span;           /* 2 * fall: where the synthesis window is non-zero */
    int hop;
    int bins;           /* n / 2 + 1 */
    float *window;      /* analysis window, n samples */
    float *synthesis;   /* synthesis window on the last span samples, with OLA normalisation */
    float *time_buf;    /* n samples, FFT input/output */
    float complex *spec_buf; /* bins */
    void *plan_forward;
    void *plan_inverse;
    size_t bytes;       /* allocated by init */
} camsep_stft;

/* 0 if (n, fall, hop) is a valid window pair, else -1 with the reason in err
 * (which may be NULL): n even >= 4, 1 <= fall <= n / 2, 1 <= hop <= fall. */
int camsep_stft_check(int n, int fall, int hop, char *err, size_t errlen);

/* 0, or -1 (sizes invalid or out of memory). */
int camsep_stft_init(camsep_stft *s, int n, int fall, int hop);
void camsep_stft_destroy(camsep_stft *s);

/* Input-to-output delay of analysis, processing and overlap-add: 2 * fall. */
int camsep_stft_latency(const camsep_stft *s);

/* Windowed FFT of n samples (oldest first) into spec (bins values). */
void camsep_stft_forward(camsep_stft *s, const float *frame, float complex *spec);
/* Inverse FFT of spec, times the synthesis window, added into ola, which holds
 * the span (= 2 * fall) newest samples of the frame. */
void camsep_stft_inverse_add(camsep_stft *s, const float complex *spec, float *ola);

/* Offline helper (allocates): magnitude spectrogram of a whole signal with the
 * analysis window (n, fall), frames taken every hop with the first frame
 * ending at sample hop - 1 (as the streaming engine sees them, zeros before
 * the start). Returns a frames * bins array (frame-major) and sets *n_frames,
 * or NULL. */
float *camsep_stft_magnitudes(const float *signal, size_t n_samples, int n, int fall, int hop,
                              size_t *n_frames);

#endif
