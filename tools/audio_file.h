/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading and writing audio files for the command-line tools (libsndfile). */
#ifndef CAMSEP_AUDIO_FILE_H
#define CAMSEP_AUDIO_FILE_H

#include <stddef.h>

typedef struct audio_buffer {
    float *samples;      /* mono: multi-channel files are averaged */
    size_t frames;
    double sample_rate;
} audio_buffer;

/* 0, or -1 with "PATH: reason" in err. */
int audio_read_mono(const char *path, audio_buffer *out, char *err, size_t errlen);
/* Writes a mono 32-bit float WAV. 0, or -1 with "PATH: reason" in err. */
int audio_write_mono(const char *path, const float *samples, size_t frames, double sample_rate,
                     char *err, size_t errlen);
void audio_buffer_free(audio_buffer *b);

#endif
