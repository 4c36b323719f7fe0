/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Priors from a CSV file: "time" in seconds, then one column per source in [0,1]. */
#ifndef CAMSEP_PRIORS_CSV_H
#define CAMSEP_PRIORS_CSV_H

#include <stddef.h>

typedef struct priors_table {
    size_t rows;
    int sources;
    double *time;    /* rows, seconds, non-decreasing */
    float *value;    /* rows x sources */
} priors_table;

/* Reads PATH expecting `sources` value columns. An optional header line, blank
 * lines and lines starting with '#' are skipped. 0, or -1 with
 * "PATH:LINE: reason" in err. */
int priors_csv_read(const char *path, int sources, priors_table *t, char *err, size_t errlen);
void priors_table_free(priors_table *t);

#endif
