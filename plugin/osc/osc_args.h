/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * OSC argument coercion and validation: console habits (i, f, h, d, T, F
 * alike for numbers and booleans) into typed camsep_osc_command values.
 * Pure functions (server thread, or any).
 */
#ifndef CAMSEP_OSC_ARGS_H
#define CAMSEP_OSC_ARGS_H

#include <lo/lo.h>

#include "osc_table.h"

/* Results of validation. */
#define CAMSEP_OSC_ARG_OK 0
#define CAMSEP_OSC_ARG_TYPE 1   /* wrong count or types */
#define CAMSEP_OSC_ARG_RANGE 2  /* out of range, not finite, string too long or ill-formed */

/* One argument as a number: i h f d T F. 0, or -1 for other types. NaN and
 * Inf are returned as they are (the callers reject them). */
int camsep_osc_arg_number(char type, const lo_arg *a, double *out);
/* One argument as a string: s S. NULL for other types. */
const char *camsep_osc_arg_string(char type, const lo_arg *a);

/* Validates the arguments of a set message for entry e (argc >= 1) and fills
 * cmd (kind, player, values). instruments may be NULL (any well-formed
 * name). Returns CAMSEP_OSC_ARG_*, with a reason in the C locale. */
int camsep_osc_parse_command(const camsep_osc_entry *e, int player, const char *types, lo_arg **argv, int argc,
                             const char *const *instruments, int n_instruments, camsep_osc_command *cmd,
                             char *reason, size_t reason_len);

#define CAMSEP_OSC_SUB_STATE 1
#define CAMSEP_OSC_SUB_METERS 2
#define CAMSEP_OSC_SUB_ALL 3
#define CAMSEP_OSC_DEFAULT_LEASE_S 30.0f
#define CAMSEP_OSC_METER_RATE_MIN 0.5f
#define CAMSEP_OSC_METER_RATE_MAX 60.0f

/* /subscribe what [rate] [lease]: "state" [lease] or "meters" rate [lease].
 * *what is CAMSEP_OSC_SUB_STATE or _METERS. */
int camsep_osc_parse_subscribe(const char *types, lo_arg **argv, int argc, float max_lease_s, int *what,
                               float *rate_hz, float *lease_s, char *reason, size_t reason_len);
/* /unsubscribe [what]: "state", "meters" or "all" (argc 0: all). */
int camsep_osc_parse_unsubscribe(const char *types, lo_arg **argv, int argc, int *what, char *reason,
                                 size_t reason_len);

/* Text checks (also used by the tests). 1 if valid. */
int camsep_osc_valid_instrument(const char *s);      /* 1..63 of [A-Za-z0-9_.-] */
int camsep_osc_valid_text(const char *s, size_t max); /* 1..max-1 bytes of UTF-8, no control characters */

#endif
