/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The NMF's frequency axis: the STFT's bins grouped into bands no narrower
 * than a fixed share of their frequency (e.g. 0.03, about a quarter-tone),
 * one bin wide at low frequencies. The activations are solved on the bands
 * (the sums of the bins' magnitudes and of the atoms' values), which costs
 * the band count instead of the bin count per product; the masks are still
 * made at full resolution from the solved activations. Width 0 keeps every
 * bin its own band.
 *
 * Threading: nmf_band_edges is set-up; nmf_bands_sum is real-time safe.
 */
#ifndef CAMSEP_NMF_BANDS_H
#define CAMSEP_NMF_BANDS_H

#include "camsep_rt.h"

/* Writes the first bin of each band and, after the last band, bins, into
 * start (room for bins + 1 ints); returns the band count. Band b holds bins
 * [start[b], start[b + 1]); a band starting at bin f is max(1, floor(width * f))
 * bins wide, so the grouping depends on the bin index alone. */
int nmf_band_edges(int bins, float width, int *start);

/* vb[b] = sum of v over band b, for b < bands; vb is zero-filled up to padded. */
CAMSEP_RT void nmf_bands_sum(const int *start, int bands, int padded, const float *v, float *vb);

#endif
