/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-plot: reading the per-frame CSV written by `camsep-process --report`.
 */
#include "plot_report.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_SOURCES = 64, MAX_FIELDS = 4 + 3 * MAX_SOURCES + 64 };

typedef struct column_map {
    int n_fields;
    int time_col;
    int act_col[MAX_SOURCES];
    int prior_col[MAX_SOURCES];
} column_map;

static char *read_whole_file(const char *path, char *err, size_t err_len)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        snprintf(err, err_len, "cannot open report '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap + 1);
    while (text) {
        len += fread(text + len, 1, cap - len, file);
        if (len < cap)
            break;
        cap *= 2;
        char *bigger = realloc(text, cap + 1);
        if (!bigger)
            free(text);
        text = bigger;
    }
    int failed = ferror(file);
    fclose(file);
    if (!text || failed) {
        free(text);
        snprintf(err, err_len, "cannot read report '%s'", path);
        return NULL;
    }
    text[len] = '\0';
    return text;
}

/* Cuts the next line out of *cursor (handles \n and \r\n); NULL at the end. */
static char *next_line(char **cursor)
{
    char *line = *cursor;
    if (!line || !*line)
        return NULL;
    char *nl = strchr(line, '\n');
    if (nl) {
        *nl = '\0';
        *cursor = nl + 1;
    } else {
        *cursor = line + strlen(line);
    }
    size_t n = strlen(line);
    if (n && line[n - 1] == '\r')
        line[n - 1] = '\0';
    return line;
}

static int is_blank(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

/* Splits line in place at commas; returns the field count (or -1 if too many). */
static int split_fields(char *line, char **fields, int max_fields)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max_fields)
            return -1;
        fields[n++] = p;
        char *comma = strchr(p, ',');
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

/* Index for names like "act_3" -> 3 (1-based), or 0 if name lacks the prefix. */
static int indexed_name(const char *name, const char *prefix)
{
    size_t plen = strlen(prefix);
    if (strncmp(name, prefix, plen) != 0 || !isdigit((unsigned char)name[plen]))
        return 0;
    char *end;
    long j = strtol(name + plen, &end, 10);
    return (*end == '\0' && j >= 1 && j <= MAX_SOURCES) ? (int)j : 0;
}

static int map_header(char *header, column_map *map, int *n_sources, int *has_prior, char *err,
                      size_t err_len)
{
    char *fields[MAX_FIELDS];
    int n = split_fields(header, fields, MAX_FIELDS);
    if (n < 0) {
        snprintf(err, err_len, "report header has more than %d columns", MAX_FIELDS);
        return -1;
    }
    memset(map, 0, sizeof *map);
    map->n_fields = n;
    map->time_col = -1;
    int max_act = 0, max_prior = 0;
    for (int i = 0; i < n; i++) {
        const char *name = trim(fields[i]);
        int j;
        if (strcmp(name, "time_s") == 0)
            map->time_col = i;
        else if ((j = indexed_name(name, "act_")) > 0) {
            map->act_col[j - 1] = i + 1;  /* stored 1-based: 0 means missing */
            max_act = j > max_act ? j : max_act;
        } else if ((j = indexed_name(name, "prior_")) > 0) {
            map->prior_col[j - 1] = i + 1;
            max_prior = j > max_prior ? j : max_prior;
        }
    }
    if (map->time_col < 0 || max_act == 0) {
        snprintf(err, err_len, "report header lacks the time_s or act_1 columns");
        return -1;
    }
    for (int j = 0; j < max_act; j++)
        if (!map->act_col[j]) {
            snprintf(err, err_len, "report header has act_%d but no act_%d", max_act, j + 1);
            return -1;
        }
    *has_prior = (max_prior == max_act);
    for (int j = 0; *has_prior && j < max_act; j++)
        *has_prior = map->prior_col[j] != 0;
    *n_sources = max_act;
    return 0;
}

static int parse_number(const char *text, double *value)
{
    char *end;
    const char *s = text;
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '\0')
        return -1;
    *value = strtod(s, &end);
    while (isspace((unsigned char)*end))
        end++;
    return *end == '\0' ? 0 : -1;
}

static int grow_rows(plot_report *r, size_t *cap)
{
    size_t new_cap = *cap ? *cap * 2 : 1024;
    size_t J = (size_t)r->n_sources;
    double *t = realloc(r->time_s, new_cap * sizeof *t);
    if (t)
        r->time_s = t;
    double *a = realloc(r->act, new_cap * J * sizeof *a);
    if (a)
        r->act = a;
    double *p = r->has_prior ? realloc(r->prior, new_cap * J * sizeof *p) : NULL;
    if (p)
        r->prior = p;
    if (!t || !a || (r->has_prior && !p))
        return -1;
    *cap = new_cap;
    return 0;
}

static int parse_row(char *line, const column_map *map, plot_report *r, size_t row,
                     int *bad_field)
{
    char *fields[MAX_FIELDS];
    int n = split_fields(line, fields, MAX_FIELDS);
    *bad_field = -1;
    if (n != map->n_fields)
        return -1;
    if (parse_number(fields[map->time_col], &r->time_s[row]) != 0) {
        *bad_field = map->time_col;
        return -1;
    }
    size_t J = (size_t)r->n_sources;
    for (size_t j = 0; j < J; j++) {
        int ac = map->act_col[j] - 1;
        if (parse_number(fields[ac], &r->act[row * J + j]) != 0) {
            *bad_field = ac;
            return -1;
        }
        if (!r->has_prior)
            continue;
        int pc = map->prior_col[j] - 1;
        if (parse_number(fields[pc], &r->prior[row * J + j]) != 0) {
            *bad_field = pc;
            return -1;
        }
    }
    return 0;
}

static int parse_rows(char *cursor, const column_map *map, plot_report *r, const char *path,
                      char *err, size_t err_len)
{
    size_t cap = 0, line_no = 1;
    char *line;
    while ((line = next_line(&cursor)) != NULL) {
        line_no++;
        if (is_blank(line))
            continue;
        if (r->n_rows == cap && grow_rows(r, &cap) != 0) {
            snprintf(err, err_len, "out of memory reading report '%s'", path);
            return -1;
        }
        int bad_field;
        if (parse_row(line, map, r, r->n_rows, &bad_field) != 0) {
            if (bad_field < 0)
                snprintf(err, err_len, "report '%s' line %zu: expected %d fields", path,
                         line_no, map->n_fields);
            else
                snprintf(err, err_len, "report '%s' line %zu: field %d is not a number", path,
                         line_no, bad_field + 1);
            return -1;
        }
        r->n_rows++;
    }
    if (r->n_rows == 0) {
        snprintf(err, err_len, "report '%s' has a header but no rows", path);
        return -1;
    }
    return 0;
}

int plot_report_load(const char *path, plot_report *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    char *text = read_whole_file(path, err, err_len);
    if (!text)
        return -1;
    char *cursor = text;
    char *header = next_line(&cursor);
    column_map map;
    int rc = -1;
    if (!header || is_blank(header))
        snprintf(err, err_len, "report '%s' is empty", path);
    else if (map_header(header, &map, &out->n_sources, &out->has_prior, err, err_len) == 0)
        rc = parse_rows(cursor, &map, out, path, err, err_len);
    else {
        char reason[256];
        snprintf(reason, sizeof reason, "%s", err);
        snprintf(err, err_len, "report '%s': %s", path, reason);
    }
    free(text);
    if (rc != 0)
        plot_report_free(out);
    return rc;
}

void plot_report_free(plot_report *report)
{
    free(report->time_s);
    free(report->act);
    free(report->prior);
    memset(report, 0, sizeof *report);
}
