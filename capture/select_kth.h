/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The k-th smallest of a few thousand floats, for the capture's medians
 * (motion_energy.c, box_finder.c). Real-time safe: no allocation. */
#ifndef CAMSEP_SELECT_KTH_H
#define CAMSEP_SELECT_KTH_H

/* k-th smallest of a[0..n) (0 <= k < n; reorders a). */
float camsep_select_kth(float *a, int n, int k);

#endif
