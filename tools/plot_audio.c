/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-plot: loading a sound file as one mono float signal.
 */
#include "plot_audio.h"

#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { READ_BLOCK_FRAMES = 4096 };

/* NaN/Inf become silence; absurd values are clipped 80 dB above full scale so
 * that every spectrum stays finite. */
static float sanitize_sample(double x)
{
    const double limit = 1e4;
    if (!isfinite(x))
        return 0.0f;
    return (float)(x > limit ? limit : (x < -limit ? -limit : x));
}

static void mix_block_to_mono(const float *interleaved, sf_count_t frames, int channels,
                              float *mono)
{
    for (sf_count_t i = 0; i < frames; i++) {
        double sum = 0.0;
        for (int c = 0; c < channels; c++)
            sum += interleaved[i * channels + c];
        mono[i] = sanitize_sample(sum / channels);
    }
}

static int read_all_frames(SNDFILE *file, const SF_INFO *info, plot_audio *out)
{
    size_t total = (size_t)info->frames;
    float *mono = malloc((total ? total : 1) * sizeof *mono);
    float *block = malloc((size_t)READ_BLOCK_FRAMES * (size_t)info->channels * sizeof *block);
    if (!mono || !block) {
        free(mono);
        free(block);
        return -1;
    }
    size_t done = 0;
    while (done < total) {
        sf_count_t want = (sf_count_t)(total - done);
        if (want > READ_BLOCK_FRAMES)
            want = READ_BLOCK_FRAMES;
        sf_count_t got = sf_readf_float(file, block, want);
        if (got <= 0)
            break;
        mix_block_to_mono(block, got, info->channels, mono + done);
        done += (size_t)got;
    }
    free(block);
    out->samples = mono;
    out->n_samples = done;
    out->sample_rate = info->samplerate;
    return 0;
}

/* Tells a missing or unreadable file from one libsndfile cannot decode. */
static void report_open_failure(const char *path, char *err, size_t err_len)
{
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        snprintf(err, err_len, "cannot open audio file '%s': %s", path, strerror(errno));
        return;
    }
    fclose(probe);
    snprintf(err, err_len, "cannot read audio file '%s': %s", path, sf_strerror(NULL));
}

static SNDFILE *open_checked(const char *path, SF_INFO *info, char *err, size_t err_len)
{
    memset(info, 0, sizeof *info);
    SNDFILE *file = sf_open(path, SFM_READ, info);
    if (!file) {
        report_open_failure(path, err, err_len);
        return NULL;
    }
    if (info->channels < 1 || info->samplerate < 1 || info->frames <= 0) {
        snprintf(err, err_len, "audio file '%s' has no samples, channels or sample rate", path);
        sf_close(file);
        return NULL;
    }
    return file;
}

int plot_audio_probe(const char *path, int *sample_rate, char *err, size_t err_len)
{
    SF_INFO info;
    SNDFILE *file = open_checked(path, &info, err, err_len);
    if (!file)
        return -1;
    *sample_rate = info.samplerate;
    sf_close(file);
    return 0;
}

int plot_audio_load(const char *path, plot_audio *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    SF_INFO info;
    SNDFILE *file = open_checked(path, &info, err, err_len);
    if (!file)
        return -1;
    int rc = read_all_frames(file, &info, out);
    sf_close(file);
    if (rc != 0) {
        snprintf(err, err_len, "out of memory reading '%s'", path);
        return -1;
    }
    if (out->n_samples == 0) {
        snprintf(err, err_len, "audio file '%s' contains no samples", path);
        plot_audio_free(out);
        return -1;
    }
    return 0;
}

void plot_audio_free(plot_audio *audio)
{
    free(audio->samples);
    audio->samples = NULL;
    audio->n_samples = 0;
}
