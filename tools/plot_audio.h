/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-plot: loading a sound file as one mono float signal.
 */
#ifndef CAMSEP_PLOT_AUDIO_H
#define CAMSEP_PLOT_AUDIO_H

#include <stddef.h>

typedef struct plot_audio {
    float *samples;     /* mono: the average of all channels */
    size_t n_samples;
    int sample_rate;
} plot_audio;

/* Reads any file libsndfile understands; non-finite samples read as 0 and
 * magnitudes beyond 1e4 are clipped. 0 on success; -1 with a one-line
 * reason in err (err_len bytes) otherwise. */
int plot_audio_load(const char *path, plot_audio *out, char *err, size_t err_len);
void plot_audio_free(plot_audio *audio);
/* Opens the file only to check it is readable audio; sets its sample rate. */
int plot_audio_probe(const char *path, int *sample_rate, char *err, size_t err_len);

#endif
