/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "box_file.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "video_priors.h"

#define BOX_FILE_MAX_BYTES (64 * 1024)
#define BOX_LINE_MAX 512

int camsep_box_name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= CAMSEP_BOX_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '-'))
            return 0;
    }
    return 1;
}

static int parse_number(const char *text, float *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(v) || fabs(v) > 1e7)
        return -1;
    *out = (float)v;
    return 0;
}

int camsep_named_box_parse(const char *arg, const char *default_name, camsep_named_box *out, char *err,
                           size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(arg, '=');
    const char *geometry = arg;
    if (eq) {
        size_t n = (size_t)(eq - arg);
        if (n == 0 || n >= CAMSEP_BOX_NAME_MAX) {
            snprintf(err, errlen, "'%s': a name of 1 to %d characters is needed before '='", arg,
                     CAMSEP_BOX_NAME_MAX - 1);
            return -1;
        }
        memcpy(out->name, arg, n);
        out->name[n] = '\0';
        geometry = eq + 1;
    } else {
        snprintf(out->name, sizeof out->name, "%s", default_name);
    }
    if (!camsep_box_name_valid(out->name)) {
        snprintf(err, errlen, "'%s': a player name may only hold letters, digits, '_', '.' and '-'", out->name);
        return -1;
    }
    if (camsep_box_parse(geometry, &out->box)) {
        snprintf(err, errlen, "'%s' is not X,Y,W,H with a positive width and height", geometry);
        return -1;
    }
    return 0;
}

/* Splits a line into at most max whitespace-separated fields (in place). */
static int split_fields(char *line, char **field, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            return n;
        if (n == max)
            return max + 1;
        field[n++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (*p)
            *p++ = '\0';
    }
}

static int parse_line(char *line, const char *label, int lineno, camsep_named_box *out, char *err, size_t errlen)
{
    static const char *const what[4] = {"x", "y", "width", "height"};
    char *field[5];
    int n = split_fields(line, field, 5);
    if (n != 5) {
        snprintf(err, errlen, "%s:%d: expected 'name x y w h', found %s%d field%s", label, lineno,
                 n > 5 ? "more than " : "", n > 5 ? 5 : n, n == 1 ? "" : "s");
        return -1;
    }
    if (!camsep_box_name_valid(field[0])) {
        snprintf(err, errlen, "%s:%d: '%s' is not a player name (1 to %d of A-Z a-z 0-9 _ . -)", label, lineno,
                 field[0], CAMSEP_BOX_NAME_MAX - 1);
        return -1;
    }
    snprintf(out->name, sizeof out->name, "%s", field[0]);
    float v[4];
    for (int i = 0; i < 4; i++)
        if (parse_number(field[i + 1], &v[i])) {
            snprintf(err, errlen, "%s:%d: %s '%s' is not a number", label, lineno, what[i], field[i + 1]);
            return -1;
        }
    if (!(v[2] > 0.0f) || !(v[3] > 0.0f)) {
        snprintf(err, errlen, "%s:%d: the width and height must be positive", label, lineno);
        return -1;
    }
    out->box = (camsep_box){v[0], v[1], v[2], v[3]};
    return 0;
}

int camsep_box_file_parse(const char *text, size_t len, const char *label, camsep_named_box *out, int max,
                          char *err, size_t errlen)
{
    int count = 0, lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        lineno++;
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        size_t n = end - pos;
        if (n && text[pos + n - 1] == '\r')
            n--; /* CRLF files */
        if (n >= BOX_LINE_MAX) {
            snprintf(err, errlen, "%s:%d: line longer than %d bytes", label, lineno, BOX_LINE_MAX - 1);
            return -1;
        }
        char line[BOX_LINE_MAX];
        memcpy(line, text + pos, n);
        line[n] = '\0';
        pos = end + 1;
        if (memchr(line, '\0', n)) {
            snprintf(err, errlen, "%s:%d: a NUL byte (not a text file?)", label, lineno);
            return -1;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            continue;
        if (count == max) {
            snprintf(err, errlen, "%s:%d: more than %d players", label, lineno, max);
            return -1;
        }
        if (parse_line(p, label, lineno, &out[count], err, errlen))
            return -1;
        for (int j = 0; j < count; j++)
            if (!strcmp(out[j].name, out[count].name)) {
                snprintf(err, errlen, "%s:%d: player name '%s' is used twice (also player %d)", label, lineno,
                         out[count].name, j + 1);
                return -1;
            }
        count++;
    }
    if (!count) {
        snprintf(err, errlen, "%s: no player boxes (expected lines 'name x y w h')", label);
        return -1;
    }
    return count;
}

int camsep_box_file_load(const char *path, camsep_named_box *out, int max, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *buf = malloc(BOX_FILE_MAX_BYTES + 1);
    if (!buf) {
        fclose(f);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    size_t n = fread(buf, 1, BOX_FILE_MAX_BYTES + 1, f);
    int bad = ferror(f);
    fclose(f);
    int result;
    if (bad) {
        snprintf(err, errlen, "%s: read error", path);
        result = -1;
    } else if (n > BOX_FILE_MAX_BYTES) {
        snprintf(err, errlen, "%s: larger than %d bytes (not a box file?)", path, BOX_FILE_MAX_BYTES);
        result = -1;
    } else {
        result = camsep_box_file_parse(buf, n, path, out, max, err, errlen);
    }
    free(buf);
    return result;
}
