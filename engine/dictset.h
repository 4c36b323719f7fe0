/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A dictionary set prepared for one engine: every player's atoms resampled to
 * the engine's frequency axis and laid out for the NMF kernels.
 */
#ifndef CAMSEP_DICTSET_H
#define CAMSEP_DICTSET_H

#include <stdbool.h>

#include "camsep_engine.h"

struct camsep_dictset {
    int n_sources;             /* stems: players, then "other" if has_other */
    int has_other;
    int n_atoms;               /* K, real atoms */
    int atoms_padded;          /* K rounded up to CAMSEP_SIMD */
    int bins;                  /* F */
    int bins_padded;           /* F rounded up to CAMSEP_SIMD */
    int atom_start[CAMSEP_MAX_SOURCES + 1]; /* source j owns atoms [atom_start[j], atom_start[j+1]) */
    int same_as[CAMSEP_MAX_SOURCES]; /* the first source with the very same atoms as j (j if none):
                                        the audio cannot tell them apart */
    char names[CAMSEP_MAX_SOURCES][CAMSEP_DICT_NAME_LEN];
    float *w_by_atom;          /* atoms_padded x bins_padded: W h at full resolution (masks) */
    int bands;                 /* B: the solver's frequency axis (nmf_bands.h), B <= F */
    int bands_padded;          /* B rounded up to CAMSEP_SIMD */
    int *band_start;           /* B + 1: band b sums bins [band_start[b], band_start[b+1]) */
    float *wb_by_atom;         /* atoms_padded x bands_padded: W h kernel of the solver */
    float *wb_by_bin;          /* bands x atoms_padded: W^T r kernel of the solver */
    float *atom_sum;           /* atoms_padded: W^T 1 (1 for real atoms, 0 for padding) */
    double sample_rate;
    int fft_size;
    size_t bytes;
};

/* Whether source j (< n) shares its atoms with another of the n sources:
 * same_as as in camsep_dictset (NULL: no two alike). */
static inline bool camsep_dictset_has_twin(const int *same_as, int n, int j)
{
    for (int i = 0; same_as && j < n && i < n; i++)
        if (i != j && same_as[i] == same_as[j])
            return true;
    return false;
}

#endif
