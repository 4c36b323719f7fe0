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

struct priors_csv {
    FILE *f;
    char *path;
    int sources;
    size_t lineno, rows;
    double last_time;
};

priors_csv *priors_csv_open(const char *path, int sources, char *err, size_t errlen)
{
    priors_csv *r = calloc(1, sizeof *r);
    if (!r || !(r->path = malloc(strlen(path) + 1))) {
        free(r);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    strcpy(r->path, path);
    r->sources = sources;
    if (!(r->f = fopen(path, "r"))) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        priors_csv_close(r);
        return NULL;
    }
    return r;
}

int priors_csv_next(priors_csv *r, double *time, float *values, char *err, size_t errlen)
{
    char line[MAX_LINE];
    double vals[64];
    const char *path = r->path;
    const int sources = r->sources;
    while (fgets(line, sizeof line, r->f)) {
        const size_t lineno = ++r->lineno;
        if (!strchr(line, '\n') && !feof(r->f)) {
            snprintf(err, errlen, "%s:%zu: line too long", path, lineno);
            return -1;
        }
        const char *p = skip_space(line);
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
            continue;
        if (r->rows == 0 && lineno == 1 && (isalpha((unsigned char)*p) || *p == '"'))
            continue; /* header */
        int n = parse_fields(p, vals, 64);
        if (n < 0) {
            snprintf(err, errlen, "%s:%zu: not a list of numbers", path, lineno);
            return -1;
        }
        if (n != sources + 1) {
            snprintf(err, errlen, "%s:%zu: %d columns, expected time and %d source values", path, lineno, n,
                     sources);
            return -1;
        }
        if (!isfinite(vals[0]) || vals[0] < 0.0 || (r->rows && vals[0] < r->last_time)) {
            snprintf(err, errlen, "%s:%zu: time %g is negative, not finite or earlier than the line before",
                     path, lineno, vals[0]);
            return -1;
        }
        for (int j = 0; j < sources; j++)
            if (!(vals[1 + j] >= 0.0 && vals[1 + j] <= 1.0)) {
                snprintf(err, errlen, "%s:%zu: value %g of source %d is outside [0,1]", path, lineno,
                         vals[1 + j], j + 1);
                return -1;
            }
        *time = r->last_time = vals[0];
        for (int j = 0; j < sources; j++)
            values[j] = (float)vals[1 + j];
        r->rows++;
        return 1;
    }
    if (ferror(r->f)) {
        snprintf(err, errlen, "%s: read error", path);
        return -1;
    }
    if (!r->rows) {
        snprintf(err, errlen, "%s: no prior rows", path);
        return -1;
    }
    return 0;
}

int priors_csv_rewind(priors_csv *r, char *err, size_t errlen)
{
    if (fseek(r->f, 0, SEEK_SET)) {
        snprintf(err, errlen, "%s: cannot go back to its start (a pipe?)", r->path);
        return -1;
    }
    r->lineno = r->rows = 0;
    r->last_time = 0.0;
    return 0;
}

size_t priors_csv_rows(const priors_csv *r) { return r->rows; }

void priors_csv_close(priors_csv *r)
{
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    free(r->path);
    free(r);
}

int priors_csv_read(const char *path, int sources, priors_table *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    t->sources = sources;
    priors_csv *r = priors_csv_open(path, sources, err, errlen);
    if (!r)
        return -1;
    size_t cap = 0;
    int rc = -1;
    for (;;) {
        double time;
        float values[64];
        const int got = priors_csv_next(r, &time, values, err, errlen);
        if (got <= 0) {
            rc = got;
            break;
        }
        if (grow(t, &cap)) {
            snprintf(err, errlen, "%s: out of memory", path);
            break;
        }
        t->time[t->rows] = time;
        for (int j = 0; j < sources; j++)
            t->value[t->rows * (size_t)sources + j] = values[j];
        t->rows++;
    }
    priors_csv_close(r);
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
