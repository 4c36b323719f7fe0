/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "nmf_bands.h"

int nmf_band_edges(int bins, float width, int *start)
{
    int bands = 0;
    for (int f = 0; f < bins; bands++) {
        start[bands] = f;
        int w = (int)(width * (float)f);
        f += w > 1 ? w : 1;
    }
    start[bands] = bins;
    return bands;
}

void nmf_bands_sum(const int *start, int bands, int padded, const float *v, float *vb)
{
    for (int b = 0; b < bands; b++) {
        float s = 0.0f;
        for (int f = start[b]; f < start[b + 1]; f++)
            s += v[f];
        vb[b] = s;
    }
    for (int b = bands; b < padded; b++)
        vb[b] = 0.0f;
}
