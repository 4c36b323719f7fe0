/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include "audio_file.h"

#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FRAMES ((sf_count_t)1 << 31) /* whole-file reads: about 12 hours at 48 kHz */
#define CHUNK_SAMPLES 65536              /* interleaved samples read from libsndfile at a time */
#define WRITE_FRAMES 16384               /* frames a writer gathers before handing them on */

struct audio_reader {
    SNDFILE *sf;
    char *path;
    int channels;
    double rate;
    int64_t frames;  /* header's count, -1 unknown */
    int seekable;
    int64_t read;    /* frames handed out so far */
    size_t chunk_frames, have, at; /* mono[at..have) not yet handed out */
    float *inter, *mono;
};

audio_reader *audio_reader_open(const char *path, char *err, size_t errlen)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf) {
        snprintf(err, errlen, "%s: %s", path, sf_strerror(NULL));
        return NULL;
    }
    if (info.channels < 1 || info.frames < 0 || info.samplerate < 1) {
        snprintf(err, errlen, "%s: unsupported audio layout (%d channels, %lld frames)", path, info.channels,
                 (long long)info.frames);
        sf_close(sf);
        return NULL;
    }
    audio_reader *r = calloc(1, sizeof *r);
    if (r) {
        r->chunk_frames = CHUNK_SAMPLES / (size_t)info.channels ? CHUNK_SAMPLES / (size_t)info.channels : 1;
        r->inter = malloc(sizeof(float) * r->chunk_frames * (size_t)info.channels);
        r->mono = malloc(sizeof(float) * r->chunk_frames);
        r->path = strdup(path);
    }
    if (!r || !r->inter || !r->mono || !r->path) {
        if (r) {
            free(r->inter);
            free(r->mono);
            free(r->path);
            free(r);
        }
        sf_close(sf);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    r->sf = sf;
    r->channels = info.channels;
    r->rate = info.samplerate;
    /* Headers of unknown length (a stream) announce an absurd count. */
    r->frames = info.frames >= ((sf_count_t)1 << 40) ? -1 : (int64_t)info.frames;
    r->seekable = info.seekable;
    return r;
}

double audio_reader_rate(const audio_reader *r) { return r->rate; }

int64_t audio_reader_frames(const audio_reader *r) { return r->frames; }

/* The next chunk, averaged to mono; 0 at the end. */
static sf_count_t refill(audio_reader *r)
{
    const sf_count_t got = sf_readf_float(r->sf, r->inter, (sf_count_t)r->chunk_frames);
    const size_t ch = (size_t)r->channels;
    for (sf_count_t i = 0; i < got; i++) {
        float acc = 0.0f;
        for (size_t c = 0; c < ch; c++)
            acc += r->inter[(size_t)i * ch + c];
        r->mono[i] = acc / (float)ch;
    }
    r->have = got > 0 ? (size_t)got : 0;
    r->at = 0;
    return got;
}

long audio_reader_read(audio_reader *r, float *out, size_t n, char *err, size_t errlen)
{
    size_t done = 0;
    while (done < n) {
        if (r->at == r->have && refill(r) <= 0) {
            if (sf_error(r->sf)) {
                snprintf(err, errlen, "%s: read error: %s", r->path, sf_strerror(r->sf));
                return -1;
            }
            if (r->seekable && r->frames >= 0 && r->read < r->frames) { /* a pipe's header may promise more */
                snprintf(err, errlen, "%s: file is truncated (read %lld of %lld frames)", r->path,
                         (long long)r->read, (long long)r->frames);
                return -1;
            }
            break;
        }
        size_t k = r->have - r->at < n - done ? r->have - r->at : n - done;
        memcpy(out + done, r->mono + r->at, k * sizeof(float));
        r->at += k;
        r->read += (int64_t)k;
        done += k;
    }
    return (long)done;
}

int audio_reader_rewind(audio_reader *r, char *err, size_t errlen)
{
    if (sf_seek(r->sf, 0, SEEK_SET) != 0) {
        snprintf(err, errlen, "%s: cannot go back to its start (a pipe?)", r->path);
        return -1;
    }
    r->have = r->at = 0;
    r->read = 0;
    return 0;
}

void audio_reader_close(audio_reader *r)
{
    if (!r)
        return;
    sf_close(r->sf);
    free(r->inter);
    free(r->mono);
    free(r->path);
    free(r);
}

int audio_read_mono(const char *path, audio_buffer *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    audio_reader *r = audio_reader_open(path, err, errlen);
    if (!r)
        return -1;
    if (r->frames < 0 || r->frames > MAX_FRAMES) {
        snprintf(err, errlen, "%s: unsupported audio layout (%d channels, %lld frames)", path, r->channels,
                 (long long)r->frames);
        audio_reader_close(r);
        return -1;
    }
    const size_t frames = (size_t)r->frames;
    if (!(out->samples = malloc(sizeof(float) * (frames ? frames : 1)))) {
        audio_reader_close(r);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    long got = audio_reader_read(r, out->samples, frames, err, errlen);
    out->sample_rate = r->rate;
    audio_reader_close(r);
    if (got < 0) {
        audio_buffer_free(out);
        return -1;
    }
    out->frames = frames;
    return 0;
}

struct audio_writer {
    SNDFILE *sf;
    char *path;
    audio_format format;
    size_t n;
    float buf[WRITE_FRAMES];
};

audio_writer *audio_writer_open(const char *path, audio_format format, double sample_rate, char *err,
                                size_t errlen)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.channels = 1;
    info.samplerate = (int)lround(sample_rate);
    info.format = (format == AUDIO_FORMAT_RF64 || format == AUDIO_FORMAT_RF64_OR_WAV ? SF_FORMAT_RF64
                   : format == AUDIO_FORMAT_W64                                   ? SF_FORMAT_W64
                                                                                  : SF_FORMAT_WAV) |
                  SF_FORMAT_FLOAT;
    audio_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(path))) {
        free(w);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    w->format = format;
    if (!(w->sf = sf_open(path, SFM_WRITE, &info))) {
        snprintf(err, errlen, "%s: %s", path, sf_strerror(NULL));
        free(w->path);
        free(w);
        return NULL;
    }
    /* The PEAK chunk carries a timestamp: without it, the same samples give the same file. */
    sf_command(w->sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    if (format == AUDIO_FORMAT_RF64_OR_WAV)
        sf_command(w->sf, SFC_RF64_AUTO_DOWNGRADE, NULL, SF_TRUE);
    return w;
}

static int flush(audio_writer *w, char *err, size_t errlen)
{
    if (w->n && sf_writef_float(w->sf, w->buf, (sf_count_t)w->n) != (sf_count_t)w->n) {
        snprintf(err, errlen, "%s: write failed (disk full?)", w->path);
        return -1;
    }
    w->n = 0;
    return 0;
}

int audio_writer_write(audio_writer *w, const float *samples, size_t n, char *err, size_t errlen)
{
    while (n) {
        if (w->n == WRITE_FRAMES && flush(w, err, errlen))
            return -1;
        size_t k = WRITE_FRAMES - w->n < n ? WRITE_FRAMES - w->n : n;
        memcpy(w->buf + w->n, samples, k * sizeof(float));
        w->n += k;
        samples += k;
        n -= k;
    }
    return 0;
}

/* libsndfile's RF64 writer adds a PEAK chunk whatever SFC_SET_ADD_PEAK_CHUNK
 * says; its timestamp is set to 0 so that the same samples give the same file. */
static int clear_peak_time(const char *path)
{
    FILE *f = fopen(path, "r+b");
    if (!f)
        return -1;
    unsigned char head[512];
    const size_t n = fread(head, 1, sizeof head, f);
    int rc = 0;
    for (size_t pos = 12; pos + 16 <= n;) {
        const size_t size = head[pos + 4] | (size_t)head[pos + 5] << 8 | (size_t)head[pos + 6] << 16 |
                            (size_t)head[pos + 7] << 24;
        if (!memcmp(head + pos, "PEAK", 4)) {
            static const unsigned char zero[4] = {0};
            rc = fseek(f, (long)(pos + 12), SEEK_SET) || fwrite(zero, 1, 4, f) != 4 ? -1 : 0;
            break;
        }
        if (!memcmp(head + pos, "data", 4))
            break;
        pos += 8 + size + (size & 1);
    }
    return fclose(f) || rc ? -1 : 0;
}

int audio_writer_close(audio_writer *w, char *err, size_t errlen)
{
    int rc = flush(w, err, errlen);
    if (sf_close(w->sf) && !rc) {
        snprintf(err, errlen, "%s: write failed (disk full?)", w->path);
        rc = -1;
    }
    if (!rc && (w->format == AUDIO_FORMAT_RF64 || w->format == AUDIO_FORMAT_RF64_OR_WAV) &&
        clear_peak_time(w->path)) {
        snprintf(err, errlen, "%s: cannot finish its header", w->path);
        rc = -1;
    }
    free(w->path);
    free(w);
    return rc;
}

int audio_write_mono(const char *path, const float *samples, size_t frames, double sample_rate, char *err,
                     size_t errlen)
{
    audio_writer *w = audio_writer_open(path, AUDIO_FORMAT_WAV, sample_rate, err, errlen);
    if (!w)
        return -1;
    int rc = audio_writer_write(w, samples, frames, err, errlen);
    return audio_writer_close(w, err, errlen) || rc ? -1 : 0;
}

void audio_buffer_free(audio_buffer *b)
{
    free(b->samples);
    b->samples = NULL;
    b->frames = 0;
}
