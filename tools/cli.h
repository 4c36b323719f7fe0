/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Small helpers shared by the command-line tools: strict number parsing and
 * one-line fatal errors. */
#ifndef CAMSEP_CLI_H
#define CAMSEP_CLI_H

#include <stdbool.h>

/* Strict parsing: the whole string must be a number within [lo, hi]. */
bool cli_parse_int(const char *s, long lo, long hi, long *out);
bool cli_parse_float(const char *s, double lo, double hi, double *out);

/* "PROGRAM: message" on stderr, exit status 1: a runtime error (a usage
 * error is cli_usage_fail's, exit status 2: cli_options.h). */
_Noreturn void cli_fail(const char *program, const char *fmt, ...);

/* Value of option argv[*i] (advancing *i), or a fatal "OPTION needs a value".
 * These three fail with the usage exit status, 2. */
const char *cli_value(const char *program, int argc, char **argv, int *i);
int cli_int(const char *program, const char *option, const char *value, long lo, long hi);
double cli_float(const char *program, const char *option, const char *value, double lo, double hi);


#endif
