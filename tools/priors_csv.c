/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "priors_csv.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 4096

static int grow(priors_table *t, size_t *cap)
{
    if (t->rows < *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 256;
    double *tm = realloc(t->time, sizeof(double) * n);
    if (!tm)
        return -1;
    t->time = tm;
    float *v = realloc(t->value, sizeof(float) * n * (size_t)t->sources);
    if (!v)
        return -1;
    t->value = v;
    *cap = n;
    return 0;
}

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Parses "number[,number...]" into vals; returns the count or -1 on a bad field. */
static int parse_fields(const char *line, double *vals, int max)
{
    int n = 0;
    const char *p = line;
    for (;;) {
        p = skip_space(p);
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno)
            return -1;
        if (n == max)
            return max + 1;
        vals[n++] = v;
        p = skip_space(end);
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '\0' || *p == '\n' || *p == '\r')
            return n;
        return -1;
    }
}

int priors_csv_read(const char *path, int sources, priors_table *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    t->sources = sources;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[MAX_LINE];
    double vals[64];
    size_t cap = 0, lineno = 0;
    int rc = -1;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, errlen, "%s:%zu: line too long", path, lineno);
            goto out;
        }
        const char *p = skip_space(line);
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
            continue;
        if (t->rows == 0 && lineno == 1 && (isalpha((unsigned char)*p) || *p == '"'))
            continue; /* header */
        int n = parse_fields(p, vals, 64);
        if (n < 0) {
            snprintf(err, errlen, "%s:%zu: not a list of numbers", path, lineno);
            goto out;
        }
        if (n != sources + 1) {
            snprintf(err, errlen, "%s:%zu: %d columns, expected time and %d source values", path, lineno, n,
                     sources);
            goto out;
        }
        if (!isfinite(vals[0]) || vals[0] < 0.0 || (t->rows && vals[0] < t->time[t->rows - 1])) {
            snprintf(err, errlen, "%s:%zu: time %g is negative, not finite or earlier than the line before",
                     path, lineno, vals[0]);
            goto out;
        }
        for (int j = 0; j < sources; j++)
            if (!(vals[1 + j] >= 0.0 && vals[1 + j] <= 1.0)) {
                snprintf(err, errlen, "%s:%zu: value %g of source %d is outside [0,1]", path, lineno,
                         vals[1 + j], j + 1);
                goto out;
            }
        if (grow(t, &cap)) {
            snprintf(err, errlen, "%s: out of memory", path);
            goto out;
        }
        t->time[t->rows] = vals[0];
        for (int j = 0; j < sources; j++)
            t->value[t->rows * (size_t)sources + j] = (float)vals[1 + j];
        t->rows++;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        goto out;
    }
    if (!t->rows) {
        snprintf(err, errlen, "%s: no prior rows", path);
        goto out;
    }
    rc = 0;
out:
    fclose(f);
    if (rc)
        priors_table_free(t);
    return rc;
}

void priors_table_free(priors_table *t)
{
    free(t->time);
    free(t->value);
    t->time = NULL;
    t->value = NULL;
    t->rows = 0;
}
