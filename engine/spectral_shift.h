/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Magnitude spectra moved along frequency: a training set's frames again a
 * little lower and higher, so that learned atoms reach the neighbouring notes
 * the recording did not play. Offline only.
 */
#ifndef CAMSEP_SPECTRAL_SHIFT_H
#define CAMSEP_SPECTRAL_SHIFT_H

#include <stddef.h>

/* Frames [0, count) of V (bins wide, frame-major) transposed by `semitones`
 * (bin f takes the value at f / 2^(semitones/12), linearly interpolated; 0
 * beyond the top), written to out (count x bins; must not overlap V). */
void camsep_spectra_transpose(const float *V, size_t count, int bins, double semitones, float *out);

/* V holds `count` frames and room for (1 + 2 * steps) * count: appends the
 * frames transposed by -1, +1, -2, +2, ... semitones up to `steps`. Returns
 * the new frame count. */
size_t camsep_spectra_augment(float *V, size_t count, int bins, int steps);

#endif
