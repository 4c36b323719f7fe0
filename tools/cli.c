/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

#include "cli_options.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

bool cli_parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

bool cli_parse_float(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

void cli_fail(const char *program, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", program);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

const char *cli_value(const char *program, int argc, char **argv, int *i)
{
    if (*i + 1 >= argc)
        cli_usage_fail(program, "%s needs a value", argv[*i]);
    return argv[++*i];
}

int cli_int(const char *program, const char *option, const char *value, long lo, long hi)
{
    long v;
    if (!cli_parse_int(value, lo, hi, &v))
        cli_usage_fail(program, "%s: '%s' is not a whole number within %ld..%ld", option, value, lo, hi);
    return (int)v;
}

double cli_float(const char *program, const char *option, const char *value, double lo, double hi)
{
    double v;
    if (!cli_parse_float(value, lo, hi, &v))
        cli_usage_fail(program, "%s: '%s' is not a number within %g..%g", option, value, lo, hi);
    return v;
}

