/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "audio_file.h"

#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FRAMES ((sf_count_t)1 << 31) /* about 12 hours at 48 kHz */

int audio_read_mono(const char *path, audio_buffer *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf) {
        snprintf(err, errlen, "%s: %s", path, sf_strerror(NULL));
        return -1;
    }
    if (info.channels < 1 || info.frames < 0 || info.frames > MAX_FRAMES || info.samplerate < 1) {
        snprintf(err, errlen, "%s: unsupported audio layout (%d channels, %lld frames)", path, info.channels,
                 (long long)info.frames);
        sf_close(sf);
        return -1;
    }
    size_t frames = (size_t)info.frames, ch = (size_t)info.channels;
    float *inter = malloc(sizeof(float) * (frames ? frames : 1) * ch);
    out->samples = malloc(sizeof(float) * (frames ? frames : 1));
    if (!inter || !out->samples) {
        free(inter);
        audio_buffer_free(out);
        sf_close(sf);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    sf_count_t got = sf_readf_float(sf, inter, (sf_count_t)frames);
    sf_close(sf);
    if (got != (sf_count_t)frames) {
        free(inter);
        audio_buffer_free(out);
        snprintf(err, errlen, "%s: file is truncated (read %lld of %zu frames)", path, (long long)got, frames);
        return -1;
    }
    for (size_t i = 0; i < frames; i++) {
        float acc = 0.0f;
        for (size_t c = 0; c < ch; c++)
            acc += inter[i * ch + c];
        out->samples[i] = acc / (float)ch;
    }
    free(inter);
    out->frames = frames;
    out->sample_rate = info.samplerate;
    return 0;
}

int audio_write_mono(const char *path, const float *samples, size_t frames, double sample_rate, char *err,
                     size_t errlen)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.channels = 1;
    info.samplerate = (int)lround(sample_rate);
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    if (!sf) {
        snprintf(err, errlen, "%s: %s", path, sf_strerror(NULL));
        return -1;
    }
    /* The PEAK chunk carries a timestamp: without it, the same samples give the same file. */
    sf_command(sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    sf_count_t put = sf_writef_float(sf, samples, (sf_count_t)frames);
    int close_err = sf_close(sf);
    if (put != (sf_count_t)frames || close_err) {
        snprintf(err, errlen, "%s: write failed (disk full?)", path);
        return -1;
    }
    return 0;
}

void audio_buffer_free(audio_buffer *b)
{
    free(b->samples);
    b->samples = NULL;
    b->frames = 0;
}
