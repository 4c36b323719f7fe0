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

/* The same file a row at a time (memory bounded whatever its length). */
typedef struct priors_csv priors_csv;
/* NULL with "PATH: reason" in err. */
priors_csv *priors_csv_open(const char *path, int sources, char *err, size_t errlen);
/* The next row: its time and `sources` values (at most 63). 1, 0 at the end, or
 * -1 with "PATH:LINE: reason" in err (also a file without a row). */
int priors_csv_next(priors_csv *r, double *time, float *values, char *err, size_t errlen);
/* Back to the first row. 0, or -1 with the reason in err. */
int priors_csv_rewind(priors_csv *r, char *err, size_t errlen);
/* Rows read since the start. */
size_t priors_csv_rows(const priors_csv *r);
void priors_csv_close(priors_csv *r);

#endif
