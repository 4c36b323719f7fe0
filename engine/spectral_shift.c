/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "spectral_shift.h"

#include <math.h>

void camsep_spectra_transpose(const float *V, size_t count, int bins, double semitones, float *out)
{
    const double r = pow(2.0, semitones / 12.0);
    for (size_t n = 0; n < count; n++) {
        const float *src = V + n * (size_t)bins;
        float *dst = out + n * (size_t)bins;
        for (int f = 0; f < bins; f++) {
            const double x = f / r;
            const int i = (int)x;
            const double w = x - i;
            dst[f] = i + 1 < bins ? (float)((1.0 - w) * src[i] + w * src[i + 1]) : 0.0f;
        }
    }
}

size_t camsep_spectra_augment(float *V, size_t count, int bins, int steps)
{
    size_t total = count;
    for (int s = 1; s <= steps; s++) {
        camsep_spectra_transpose(V, count, bins, -(double)s, V + total * (size_t)bins);
        total += count;
        camsep_spectra_transpose(V, count, bins, +(double)s, V + total * (size_t)bins);
        total += count;
    }
    return total;
}
