/* SPDX-License-Identifier: GPL-3.0-or-later */
/* soundcheck_dict_info FILE...: loads each dictionary (camsep_dictionary_load)
 * and prints "FILE atoms FFT RATE CENTROID_HZ", the energy-weighted mean
 * frequency of its atoms, so that shell tests can tell a low instrument's
 * dictionary from a high one's. Exit 1 if a file does not load. */
#include <stdio.h>

#include "dictionary.h"

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        char err[512];
        camsep_dictionary *d = camsep_dictionary_load(argv[i], err, sizeof err);
        if (!d) {
            fprintf(stderr, "soundcheck_dict_info: %s\n", err);
            return 1;
        }
        double num = 0.0, den = 0.0;
        for (int k = 0; k < d->n_atoms; k++)
            for (int f = 0; f < d->n_bins; f++) {
                const double e = d->atoms[(size_t)k * (size_t)d->n_bins + (size_t)f];
                num += e * f * d->sample_rate / d->fft_size;
                den += e;
            }
        printf("%s %d %d %g %.0f\n", argv[i], d->n_atoms, d->fft_size, d->sample_rate, den > 0.0 ? num / den : 0.0);
        camsep_dictionary_free(d);
    }
    return 0;
}
