/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared helpers for the engine tests: checks, synthetic instruments, SDR. */
#ifndef CAMSEP_TEST_SUPPORT_H
#define CAMSEP_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "camsep_engine.h"
#include "check.h"

/* A synthetic instrument: harmonic partials whose amplitudes follow the given
 * envelope kind, with a short attack and release per note. */
typedef enum { TIMBRE_ODD_HARMONICS, TIMBRE_BRIGHT, TIMBRE_DARK } timbre;

/* Adds a note (f0 Hz, from start to end seconds, amplitude) into out. */
void synth_note(float *out, size_t n, double rate, timbre t, double f0, double start, double end, double amp);
/* A melody of `notes` random notes (seeded) from the MIDI range [lo, hi],
 * each `note_s` long, sounding only where active(t) is true (may be NULL). */
void synth_melody(float *out, size_t n, double rate, timbre t, int lo, int hi, double note_s, uint64_t seed,
                  int (*active)(double t));

/* 10 log10(|ref|^2 / |ref - est|^2) over [from, n). */
double sdr_db(const float *ref, const float *est, size_t n, size_t from);

/* A dictionary trained (nmf_train, as camsep-train does) on a signal, with
 * the symmetric window of size fft. */
camsep_dictionary *train_dictionary(const float *x, size_t n, double rate, int fft, int atoms, const char *name);
/* The same for the window pair of that latency. */
camsep_dictionary *train_dictionary_window(const float *x, size_t n, double rate, int fft, int latency, int atoms,
                                           const char *name);

/* An engine with the given players and the symmetric window (latency fft),
 * or exits the test. */
camsep_engine *make_engine(double rate, int fft, int hop, camsep_dictionary **players, int n_players,
                           const camsep_params *params);
/* The same with the window pair of that latency (dictionaries must match it). */
camsep_engine *make_engine_latency(double rate, int fft, int latency, int hop, camsep_dictionary **players,
                                   int n_players, const camsep_params *params);
/* ... and the activations solved on frequency bands of that width (nmf_bands.h). */
camsep_engine *make_engine_bands(double rate, int fft, int latency, int hop, float band_width,
                                 camsep_dictionary **players, int n_players, const camsep_params *params);

/* Runs x through e in blocks of `block` (any size), writing `stems` outputs of
 * n + latency samples each (caller frees with free_stems). */
float **run_engine(camsep_engine *e, const float *x, size_t n, int block, int stems);
void free_stems(float **stems, int count);
/* Runs mix through e in blocks of 256 and scores each of the stems against
 * truth (the stem delayed by the engine's latency; SDR from sample `from` on);
 * keep (may be NULL) gets each stem's first n samples. */
void score_engine(camsep_engine *e, const float *mix, size_t n, int stems, const float *const *truth, size_t from,
                  double *sdr, float **keep);

float *alloc_signal(size_t n);

#endif
