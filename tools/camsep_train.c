/* SPDX-License-Identifier: GPL-3.0-or-later */
/* camsep-train: learn a player's spectral dictionary from solo recordings. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audio_file.h"
#include "cli.h"
#include "cli_window.h"
#include "dictionary.h"
#include "nmf.h"
#include "stft.h"

static const char *const PROG = "camsep-train";

static void usage(FILE *f)
{
    fprintf(f,
            "usage: camsep-train -o OUT.dict [options] SOLO.wav...\n"
            "Learns a dictionary of spectral atoms for one player (or instrument) from solo\n"
            "recordings: multiplicative beta-NMF on the magnitude spectrogram, deterministic\n"
            "for a given seed.\n"
            "  -o, --output FILE     dictionary to write (required)\n"
            "  --atoms K             atoms to learn (default 32)\n"
            "  --iterations I        NMF iterations (default 200)\n"
            "  --fft K               analysis window and FFT size (default 2048)\n"
            "  --latency L           the latency the dictionary is for: the window falls over its last\n"
            "                        L/2 samples (default the smaller of 1024 and K; L = K: symmetric)\n"
            "  --hop R               hop (default L/2)\n"
            "  --beta B              beta-divergence, 0 (IS) .. 1 (KL) .. 2 (Euclidean); default 1\n"
            "  --seed S              random seed of the initialisation (default 1)\n"
            "  --name NAME           instrument/player name stored in the file (default: first file's name)\n"
            "  --silence-db D        frames quieter than D dB below the loudest are skipped (default 60)\n"
            "  --quiet               no progress bar\n"
            "  -h, --help            this text\n");
}

typedef struct train_options {
    const char *output, *name;
    int atoms, iterations, fft, latency, hop;
    double beta, silence_db;
    uint64_t seed;
    int quiet;
    const char **inputs;
    int n_inputs;
} train_options;

static void parse(int argc, char **argv, train_options *o)
{
    *o = (train_options){.atoms = 32, .iterations = 200, .beta = 1.0, .seed = 1, .silence_db = 60};
    o->inputs = calloc((size_t)argc, sizeof *o->inputs);
    if (!o->inputs)
        cli_fail(PROG, "out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            o->output = cli_value(PROG, argc, argv, &i);
        } else if (!strcmp(a, "--atoms")) {
            o->atoms = cli_int(PROG, a, cli_value(PROG, argc, argv, &i), 1, CAMSEP_DICT_MAX_ATOMS);
        } else if (!strcmp(a, "--iterations")) {
            o->iterations = cli_int(PROG, a, cli_value(PROG, argc, argv, &i), 1, 100000);
        } else if (!strcmp(a, "--fft")) {
            o->fft = cli_int(PROG, a, cli_value(PROG, argc, argv, &i), 64, 16384);
        } else if (!strcmp(a, "--latency")) {
            o->latency = cli_int(PROG, a, cli_value(PROG, argc, argv, &i), 2, 16384);
        } else if (!strcmp(a, "--hop")) {
            o->hop = cli_int(PROG, a, cli_value(PROG, argc, argv, &i), 1, 8192);
        } else if (!strcmp(a, "--beta")) {
            o->beta = cli_float(PROG, a, cli_value(PROG, argc, argv, &i), 0.0, 2.0);
        } else if (!strcmp(a, "--seed")) {
            o->seed = (uint64_t)cli_int(PROG, a, cli_value(PROG, argc, argv, &i), 0, 2147483647);
        } else if (!strcmp(a, "--name")) {
            o->name = cli_value(PROG, argc, argv, &i);
        } else if (!strcmp(a, "--silence-db")) {
            o->silence_db = cli_float(PROG, a, cli_value(PROG, argc, argv, &i), 0.0, 200.0);
        } else if (!strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            cli_fail(PROG, "unknown option %s (see --help)", a);
        } else {
            o->inputs[o->n_inputs++] = a;
        }
    }
    if (!o->output)
        cli_fail(PROG, "no output file: give -o OUT.dict (see --help)");
    if (!o->n_inputs)
        cli_fail(PROG, "no solo recording given (see --help)");
    cli_window(PROG, &o->fft, &o->latency, &o->hop);
    if (strlen(o->name ? o->name : "") >= CAMSEP_DICT_NAME_LEN)
        cli_fail(PROG, "--name is longer than %d bytes", CAMSEP_DICT_NAME_LEN - 1);
    for (const char *c = o->name ? o->name : ""; *c; c++)
        if ((unsigned char)*c < 0x20)
            cli_fail(PROG, "--name has a control character");
}

/* Magnitude frames of every input, loud enough to learn from, concatenated. */
static float *load_frames(const train_options *o, double *rate, size_t *n_frames)
{
    const int bins = o->fft / 2 + 1;
    float *all = NULL;
    size_t total = 0;
    char err[512];
    *rate = 0.0;
    for (int i = 0; i < o->n_inputs; i++) {
        audio_buffer a;
        if (audio_read_mono(o->inputs[i], &a, err, sizeof err))
            cli_fail(PROG, "%s", err);
        if (*rate && a.sample_rate != *rate)
            cli_fail(PROG, "%s: sample rate %g Hz differs from the first file's %g Hz", o->inputs[i],
                     a.sample_rate, *rate);
        *rate = a.sample_rate;
        size_t frames;
        float *mag = camsep_stft_magnitudes(a.samples, a.frames, o->fft, o->latency / 2, o->hop, &frames);
        audio_buffer_free(&a);
        if (!mag)
            cli_fail(PROG, "out of memory");
        float *grown = realloc(all, sizeof(float) * (total + frames + 1) * (size_t)bins);
        if (!grown)
            cli_fail(PROG, "out of memory");
        all = grown;
        memcpy(all + total * (size_t)bins, mag, sizeof(float) * frames * (size_t)bins);
        total += frames;
        free(mag);
    }
    /* Drop frames far below the loudest: silence teaches nothing but noise. */
    double loudest = 0.0;
    for (size_t n = 0; n < total; n++) {
        double e = 0.0;
        for (int f = 0; f < bins; f++)
            e += (double)all[n * bins + f] * all[n * bins + f];
        loudest = e > loudest ? e : loudest;
    }
    const double floor = loudest * pow(10.0, -o->silence_db / 10.0);
    size_t kept = 0;
    for (size_t n = 0; n < total; n++) {
        double e = 0.0;
        for (int f = 0; f < bins; f++)
            e += (double)all[n * bins + f] * all[n * bins + f];
        if (e > floor && e > 0.0)
            memmove(all + kept++ * bins, all + n * bins, sizeof(float) * (size_t)bins);
    }
    *n_frames = kept;
    return all;
}

typedef struct progress_bar {
    int enabled;
    time_t start;
} progress_bar;

static void show_progress(void *ctx, int done, int total)
{
    progress_bar *p = ctx;
    if (!p->enabled)
        return;
    const int width = 40;
    int filled = (int)((long)done * width / total);
    double elapsed = difftime(time(NULL), p->start);
    double eta = done ? elapsed * (total - done) / done : 0.0;
    fprintf(stderr, "\r[%.*s%*s] %3d%%  iteration %d/%d  eta %.0f s ", filled,
            "########################################", width - filled, "", done * 100 / total, done, total,
            eta);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

/* Low atoms first: a stable order makes dictionaries and plots easy to read. */
static void sort_by_centroid(camsep_dictionary *d)
{
    const int F = d->n_bins;
    double *centroid = malloc(sizeof(double) * (size_t)d->n_atoms);
    float *tmp = malloc(sizeof(float) * (size_t)F);
    if (!centroid || !tmp)
        cli_fail(PROG, "out of memory");
    for (int k = 0; k < d->n_atoms; k++) {
        double c = 0.0, s = 0.0;
        for (int f = 0; f < F; f++) {
            c += (double)f * d->atoms[(size_t)k * F + f];
            s += d->atoms[(size_t)k * F + f];
        }
        centroid[k] = s > 0.0 ? c / s : 0.0;
    }
    for (int i = 1; i < d->n_atoms; i++)
        for (int k = i; k > 0 && centroid[k - 1] > centroid[k]; k--) {
            double c = centroid[k];
            centroid[k] = centroid[k - 1];
            centroid[k - 1] = c;
            memcpy(tmp, d->atoms + (size_t)k * F, sizeof(float) * F);
            memcpy(d->atoms + (size_t)k * F, d->atoms + (size_t)(k - 1) * F, sizeof(float) * F);
            memcpy(d->atoms + (size_t)(k - 1) * F, tmp, sizeof(float) * F);
        }
    free(centroid);
    free(tmp);
}

/* The file's base name without extension; bytes outside printable ASCII
 * become '_' so that any file name gives a valid (UTF-8) dictionary name. */
static void default_name(const char *path, char *name, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(name, len, "%s", base);
    char *dot = strrchr(name, '.');
    if (dot && dot != name)
        *dot = '\0';
    for (char *c = name; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
            *c = '_';
}

int main(int argc, char **argv)
{
    train_options o;
    parse(argc, argv, &o);
    double rate;
    size_t frames;
    float *V = load_frames(&o, &rate, &frames);
    if (frames < (size_t)o.atoms)
        cli_fail(PROG, "only %zu non-silent frames in the input; need at least as many as atoms (%d)", frames,
                 o.atoms);
    char fallback[CAMSEP_DICT_NAME_LEN], err[512];
    default_name(o.inputs[0], fallback, sizeof fallback);
    const char *name = o.name ? o.name : fallback;
    camsep_dictionary *d = camsep_dictionary_new(o.atoms, rate, o.fft, name, err, sizeof err);
    if (!d)
        cli_fail(PROG, "%s", err);
    d->hop = o.hop;
    d->window_fall = o.latency / 2;
    d->beta = (float)o.beta;
    progress_bar bar = {.enabled = !o.quiet && isatty(STDERR_FILENO), .start = time(NULL)};
    if (!o.quiet)
        fprintf(stderr, "%s: %zu frames of %d bins at %g Hz (window %d, latency %d), %d atoms, %d iterations\n",
                PROG, frames, o.fft / 2 + 1, rate, o.fft, o.latency, o.atoms, o.iterations);
    if (nmf_train(V, frames, d->n_bins, o.atoms, o.iterations, (float)o.beta, o.seed, d->atoms, show_progress,
                  &bar))
        cli_fail(PROG, "out of memory");
    free(V);
    camsep_dictionary_normalise(d);
    sort_by_centroid(d);
    if (camsep_dictionary_save(d, o.output, err, sizeof err))
        cli_fail(PROG, "%s", err);
    if (!o.quiet)
        fprintf(stderr, "%s: wrote %s (%s, %d atoms)\n", PROG, o.output, d->name, o.atoms);
    camsep_dictionary_free(d);
    free(o.inputs);
    return 0;
}
