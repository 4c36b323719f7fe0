/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading and writing audio files for the command-line tools (libsndfile):
 * whole files, or streamed a block at a time with bounded memory. */
#ifndef CAMSEP_AUDIO_FILE_H
#define CAMSEP_AUDIO_FILE_H

#include <stddef.h>
#include <stdint.h>

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

/* A file read a block at a time, averaged to mono exactly as audio_read_mono does. */
typedef struct audio_reader audio_reader;

/* NULL with "PATH: reason" in err. */
audio_reader *audio_reader_open(const char *path, char *err, size_t errlen);
double audio_reader_rate(const audio_reader *r);
/* Frames the header announces, or -1 when unknown (a stream). */
int64_t audio_reader_frames(const audio_reader *r);
/* Up to n frames into out; fewer only at the end of the file. The count, or
 * -1 with "PATH: reason" in err (a read error, or a file shorter than its header). */
long audio_reader_read(audio_reader *r, float *out, size_t n, char *err, size_t errlen);
/* Back to the first frame (regular files only). 0, or -1 with the reason in err. */
int audio_reader_rewind(audio_reader *r, char *err, size_t errlen);
void audio_reader_close(audio_reader *r);

/* Container of a written mono 32-bit float file. WAV stops at 4 GiB; RF64
 * (EBU Tech 3306) and Sony Wave64 do not. RF64_OR_WAV: RF64 that libsndfile
 * turns into a WAV if it ends below 4 GiB (for a length not known ahead). */
typedef enum audio_format {
    AUDIO_FORMAT_WAV,
    AUDIO_FORMAT_RF64,
    AUDIO_FORMAT_W64,
    AUDIO_FORMAT_RF64_OR_WAV
} audio_format;
/* Data bytes of a mono float file for which WAV still works (its 32-bit sizes). */
#define AUDIO_WAV_MAX_DATA_BYTES ((int64_t)0xFFFFFFFF - 4096)

/* A mono 32-bit float file written a block at a time (buffered). */
typedef struct audio_writer audio_writer;

/* NULL with "PATH: reason" in err. */
audio_writer *audio_writer_open(const char *path, audio_format format, double sample_rate, char *err,
                                size_t errlen);
/* 0, or -1 with "PATH: reason" in err. */
int audio_writer_write(audio_writer *w, const float *samples, size_t n, char *err, size_t errlen);
/* Flushes and closes (w is freed either way). 0, or -1 with "PATH: reason" in err. */
int audio_writer_close(audio_writer *w, char *err, size_t errlen);

#endif
