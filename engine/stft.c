/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "stft.h"

#include <fftw3.h>
#include <math.h>

#define CAMSEP_PI 3.14159265358979323846
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FFTW's planner is not thread-safe; hosts may instantiate engines in parallel. */
static pthread_mutex_t planner_lock = PTHREAD_MUTEX_INITIALIZER;

/* Periodic Hann of length len, sample i (0 <= i < len). */
static double hann(int i, int len)
{
    return 0.5 - 0.5 * cos(2.0 * CAMSEP_PI * (double)i / (double)len);
}

/* sqrt(Hann) rising over the first n - fall samples, sqrt(Hann) falling over
 * the last fall: the rise and fall halves of two Hann windows of different
 * lengths. */
static void analysis_window(float *w, int n, int fall)
{
    const int rise = n - fall;
    for (int i = 0; i < rise; i++)
        w[i] = (float)sqrt(hann(i, 2 * rise));
    for (int i = 0; i < fall; i++)
        w[rise + i] = (float)sqrt(hann(fall + i, 2 * fall));
}

/* Synthesis window on the last span = 2 * fall samples: there analysis *
 * synthesis is Hann(span), divided by its overlap-add sum at the hop so that
 * analysis, identity processing and overlap-add reproduce the input exactly.
 * Where the analysis window is zero (only its first sample, when fall = n/2)
 * the product is zero as well. */
static int synthesis_window(float *syn, const float *w, int n, int fall, int hop)
{
    const int span = 2 * fall, start = n - span;
    for (int i = 0; i < span; i++) {
        double sum = 0.0;
        for (int j = i % hop; j < span; j += hop)
            sum += hann(j, span);
        if (sum < 1e-12)
            return -1;
        double a = w[start + i];
        syn[i] = a > 0.0 ? (float)(hann(i, span) / a / sum / (double)n) : 0.0f; /* 1/n: FFTW's inverse is unnormalised */
    }
    return 0;
}

int camsep_stft_check(int n, int fall, int hop, char *err, size_t errlen)
{
    const char *why = NULL;
    if (n < 4 || n % 2)
        why = "the window size must be even and at least 4";
    else if (fall < 1 || fall > n / 2)
        why = "the window's fall must be within 1..half the window (latency within 2..the window size)";
    else if (hop < 1 || hop > fall)
        why = "the hop must be within 1..the window's fall (half the latency)";
    if (why && err && errlen)
        snprintf(err, errlen, "window %d, latency %d, hop %d: %s", n, 2 * fall, hop, why);
    return why ? -1 : 0;
}

int camsep_stft_init(camsep_stft *s, int n, int fall, int hop)
{
    memset(s, 0, sizeof *s);
    if (camsep_stft_check(n, fall, hop, NULL, 0))
        return -1;
    s->n = n;
    s->fall = fall;
    s->span = 2 * fall;
    s->hop = hop;
    s->bins = n / 2 + 1;
    s->window = fftwf_alloc_real((size_t)n);
    s->synthesis = fftwf_alloc_real((size_t)s->span);
    s->time_buf = fftwf_alloc_real((size_t)n);
    s->spec_buf = (float complex *)fftwf_alloc_complex((size_t)s->bins);
    if (!s->window || !s->synthesis || !s->time_buf || !s->spec_buf)
        goto fail;
    s->bytes = sizeof(float) * (2 * (size_t)n + (size_t)s->span) + sizeof(float complex) * (size_t)s->bins;
    analysis_window(s->window, n, fall);
    if (synthesis_window(s->synthesis, s->window, n, fall, hop))
        goto fail;
    memset(s->time_buf, 0, sizeof(float) * (size_t)n);
    pthread_mutex_lock(&planner_lock);
    /* FFTW_ESTIMATE: deterministic plans, so every instance computes identically. */
    s->plan_forward = fftwf_plan_dft_r2c_1d(n, s->time_buf, (fftwf_complex *)s->spec_buf, FFTW_ESTIMATE);
    s->plan_inverse = fftwf_plan_dft_c2r_1d(n, (fftwf_complex *)s->spec_buf, s->time_buf,
                                            FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
    pthread_mutex_unlock(&planner_lock);
    if (!s->plan_forward || !s->plan_inverse)
        goto fail;
    return 0;
fail:
    camsep_stft_destroy(s);
    return -1;
}

int camsep_stft_latency(const camsep_stft *s)
{
    return s->span;
}

void camsep_stft_destroy(camsep_stft *s)
{
    pthread_mutex_lock(&planner_lock);
    if (s->plan_forward)
        fftwf_destroy_plan(s->plan_forward);
    if (s->plan_inverse)
        fftwf_destroy_plan(s->plan_inverse);
    pthread_mutex_unlock(&planner_lock);
    fftwf_free(s->window);
    fftwf_free(s->synthesis);
    fftwf_free(s->time_buf);
    fftwf_free(s->spec_buf);
    memset(s, 0, sizeof *s);
}

void camsep_stft_forward(camsep_stft *s, const float *frame, float complex *spec)
{
    for (int i = 0; i < s->n; i++)
        s->time_buf[i] = frame[i] * s->window[i];
    fftwf_execute(s->plan_forward);
    memcpy(spec, s->spec_buf, sizeof(float complex) * (size_t)s->bins);
}

void camsep_stft_inverse_add(camsep_stft *s, const float complex *spec, float *ola)
{
    memcpy(s->spec_buf, spec, sizeof(float complex) * (size_t)s->bins);
    /* A real signal's DC and Nyquist bins are real; drop any imaginary residue. */
    s->spec_buf[0] = crealf(s->spec_buf[0]);
    s->spec_buf[s->bins - 1] = crealf(s->spec_buf[s->bins - 1]);
    fftwf_execute(s->plan_inverse);
    const float *t = s->time_buf + s->n - s->span;
    for (int i = 0; i < s->span; i++)
        ola[i] += t[i] * s->synthesis[i];
}

float *camsep_stft_magnitudes(const float *signal, size_t n_samples, int n, int fall, int hop,
                              size_t *n_frames)
{
    camsep_stft s;
    if (camsep_stft_init(&s, n, fall, hop))
        return NULL;
    size_t frames = n_samples / (size_t)hop;
    float *mag = malloc(sizeof(float) * (frames ? frames : 1) * (size_t)s.bins);
    float *frame = malloc(sizeof(float) * (size_t)n);
    float complex *spec = malloc(sizeof(float complex) * (size_t)s.bins);
    if (!mag || !frame || !spec) {
        free(mag);
        free(frame);
        free(spec);
        camsep_stft_destroy(&s);
        return NULL;
    }
    for (size_t k = 0; k < frames; k++) {
        /* Frame k ends at sample (k + 1) * hop - 1, as in the streaming engine. */
        long end = (long)((k + 1) * (size_t)hop);
        for (int i = 0; i < n; i++) {
            long t = end - n + i;
            frame[i] = (t >= 0 && (size_t)t < n_samples) ? signal[t] : 0.0f;
        }
        camsep_stft_forward(&s, frame, spec);
        for (int f = 0; f < s.bins; f++)
            mag[k * (size_t)s.bins + (size_t)f] = cabsf(spec[f]);
    }
    free(frame);
    free(spec);
    camsep_stft_destroy(&s);
    *n_frames = frames;
    return mag;
}
