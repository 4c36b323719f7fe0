/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * OSC argument coercion and validation (see osc_args.h).
 */
#define _POSIX_C_SOURCE 200809L

#include "osc_args.h"

#include <math.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int fail(int code, char *reason, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, len, fmt, ap);
    va_end(ap);
    return code;
}

/* liblo's argument pointers are only 4-byte aligned (OSC's alignment), but a
 * lo_arg union wants 8: read the bytes, never the union's members. */
int camsep_osc_arg_number(char type, const lo_arg *a, double *out)
{
    const void *p = a;
    switch (type) {
    case LO_INT32: {
        int32_t v;
        memcpy(&v, p, sizeof v);
        *out = (double)v;
        return 0;
    }
    case LO_INT64: {
        int64_t v;
        memcpy(&v, p, sizeof v);
        *out = (double)v;
        return 0;
    }
    case LO_FLOAT: {
        float v;
        memcpy(&v, p, sizeof v);
        *out = (double)v;
        return 0;
    }
    case LO_DOUBLE: {
        double v;
        memcpy(&v, p, sizeof v);
        *out = v;
        return 0;
    }
    case LO_TRUE:
        *out = 1.0;
        return 0;
    case LO_FALSE:
        *out = 0.0;
        return 0;
    default:
        return -1;
    }
}

const char *camsep_osc_arg_string(char type, const lo_arg *a)
{
    if (type == LO_STRING || type == LO_SYMBOL)
        return (const char *)(const void *)a; /* the string starts at the argument */
    return NULL;
}

int camsep_osc_valid_instrument(const char *s)
{
    size_t n = strnlen(s, CAMSEP_OSC_NAME_MAX);
    if (n == 0 || n >= CAMSEP_OSC_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '.'))
            return 0;
    }
    return s[0] != '.';
}

int camsep_osc_valid_text(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    if (n == 0 || n >= max)
        return 0;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        size_t extra;
        if (c < 0x20 || c == 0x7f)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            extra = 1;
        else if (c >= 0xe0 && c <= 0xef)
            extra = 2;
        else if (c >= 0xf0 && c <= 0xf4)
            extra = 3;
        else
            return 0;
        if (i + extra >= n)
            return 0;
        for (size_t k = 1; k <= extra; k++)
            if ((u[i + k] & 0xc0) != 0x80)
                return 0;
        /* overlong 3- and 4-byte forms, surrogates, > U+10FFFF */
        if ((c == 0xe0 && u[i + 1] < 0xa0) || (c == 0xed && u[i + 1] >= 0xa0) || (c == 0xf0 && u[i + 1] < 0x90) ||
            (c == 0xf4 && u[i + 1] >= 0x90))
            return 0;
        i += extra + 1;
    }
    return 1;
}

/* A number argument within [lo, hi]. */
static int number_in(char type, const lo_arg *a, double lo, double hi, const char *what, double *out, char *reason,
                     size_t len)
{
    char a_s[32], b_s[32];
    if (camsep_osc_arg_number(type, a, out) != 0)
        return fail(CAMSEP_OSC_ARG_TYPE, reason, len, "%s: expected a number (i f h d T F), got '%c'", what, type);
    if (!isfinite(*out))
        return fail(CAMSEP_OSC_ARG_RANGE, reason, len, "%s: not a finite number", what);
    if (*out < lo || *out > hi) {
        char v_s[32];
        camsep_osc_fmt_num(v_s, sizeof v_s, *out);
        camsep_osc_fmt_num(a_s, sizeof a_s, lo);
        camsep_osc_fmt_num(b_s, sizeof b_s, hi);
        return fail(CAMSEP_OSC_ARG_RANGE, reason, len, "%s: %s is out of range %s..%s", what, v_s, a_s, b_s);
    }
    return CAMSEP_OSC_ARG_OK;
}

/* number_in, and a whole number (presets, players). */
static int whole_in(char type, const lo_arg *a, double lo, double hi, const char *what, int *out, char *reason,
                    size_t len)
{
    double x;
    const int r = number_in(type, a, lo, hi, what, &x, reason, len);
    if (r)
        return r;
    if (x != floor(x))
        return fail(CAMSEP_OSC_ARG_RANGE, reason, len, "%s: a whole number expected", what);
    *out = (int)x;
    return CAMSEP_OSC_ARG_OK;
}

static int copy_text(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap);
    if (n >= cap)
        return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

int camsep_osc_parse_command(const camsep_osc_entry *e, int player, const char *types, lo_arg **argv, int argc,
                             const char *const *instruments, int n_instruments, camsep_osc_command *cmd,
                             char *reason, size_t reason_len)
{
    double x;
    int r;
    memset(cmd, 0, sizeof *cmd);
    cmd->kind = e->kind;
    cmd->player = (e->flags & CAMSEP_OSC_F_PLAYER) ? player : -1;
    if (!(e->flags & CAMSEP_OSC_F_SET) || e->kind == 0)
        return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "read-only address (send no argument to query it)");

    switch (e->args) {
    case CAMSEP_OSC_ARGS_NUMBER:
        if (argc != 1)
            return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "expected 1 number, got %d arguments", argc);
        r = number_in(types[0], argv[0], e->min, e->max, "value", &x, reason, reason_len);
        if (r)
            return r;
        cmd->value = e->id == CAMSEP_OSC_E_PLAYER_GAIN_NORM ? camsep_osc_gain_from_norm((float)x) : (float)x;
        return CAMSEP_OSC_ARG_OK;
    case CAMSEP_OSC_ARGS_BOOL:
        if (argc != 1)
            return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "expected 1 boolean (T F 0 1), got %d arguments",
                        argc);
        if (camsep_osc_arg_number(types[0], argv[0], &x) != 0)
            return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "expected a boolean (T F 0 1), got '%c'", types[0]);
        if (!(x == 0.0 || x == 1.0))
            return fail(CAMSEP_OSC_ARG_RANGE, reason, reason_len, "expected 0 or 1");
        cmd->flag = x == 1.0;
        return CAMSEP_OSC_ARG_OK;
    case CAMSEP_OSC_ARGS_BOX: {
        static const char *const names[4] = {"x", "y", "w", "h"};
        double b[4];
        if (argc != 4)
            return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "expected 4 numbers x y w h, got %d arguments", argc);
        for (int k = 0; k < 4; k++) {
            r = number_in(types[k], argv[k], 0.0, 1.0, names[k], &b[k], reason, reason_len);
            if (r)
                return r;
        }
        if (!(b[2] > 0.0) || !(b[3] > 0.0))
            return fail(CAMSEP_OSC_ARG_RANGE, reason, reason_len, "box width and height must be > 0");
        if (b[0] + b[2] > 1.0 + 1e-6 || b[1] + b[3] > 1.0 + 1e-6)
            return fail(CAMSEP_OSC_ARG_RANGE, reason, reason_len, "box must lie inside the frame (x+w, y+h <= 1)");
        cmd->box.x = (float)b[0];
        cmd->box.y = (float)b[1];
        cmd->box.w = (float)b[2];
        cmd->box.h = (float)b[3];
        return CAMSEP_OSC_ARG_OK;
    }
    case CAMSEP_OSC_ARGS_INSTRUMENT:
    case CAMSEP_OSC_ARGS_PATH:
    case CAMSEP_OSC_ARGS_NAME: {
        if (argc != 1)
            return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "expected 1 string, got %d arguments", argc);
        const char *s = camsep_osc_arg_string(types[0], argv[0]);
        if (!s)
            return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "expected a string, got '%c'", types[0]);
        if (e->args == CAMSEP_OSC_ARGS_INSTRUMENT) {
            if (!camsep_osc_valid_instrument(s))
                return fail(CAMSEP_OSC_ARG_RANGE, reason, reason_len,
                            "instrument: 1..63 characters of A-Z a-z 0-9 _ . -");
            if (instruments) {
                int found = 0;
                for (int k = 0; k < n_instruments && !found; k++)
                    found = instruments[k] && strcmp(instruments[k], s) == 0;
                if (!found)
                    return fail(CAMSEP_OSC_ARG_RANGE, reason, reason_len, "instrument: no bundled dictionary '%s'", s);
            }
        } else if (e->args == CAMSEP_OSC_ARGS_PATH) {
            if (!camsep_osc_valid_text(s, CAMSEP_OSC_TEXT_MAX))
                return fail(CAMSEP_OSC_ARG_RANGE, reason, reason_len,
                            "path: 1..255 bytes of UTF-8 without control characters");
        } else if (!camsep_osc_valid_text(s, CAMSEP_OSC_NAME_MAX)) {
            return fail(CAMSEP_OSC_ARG_RANGE, reason, reason_len,
                        "name: 1..63 bytes of UTF-8 without control characters");
        }
        if (copy_text(cmd->text, sizeof cmd->text, s) != 0)
            return fail(CAMSEP_OSC_ARG_RANGE, reason, reason_len, "string too long");
        return CAMSEP_OSC_ARG_OK;
    }
    case CAMSEP_OSC_ARGS_PRESET: {
        if (argc != 1)
            return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "expected a preset number or name, got %d arguments",
                        argc);
        const char *s = camsep_osc_arg_string(types[0], argv[0]);
        if (s) {
            if (!camsep_osc_valid_text(s, CAMSEP_OSC_NAME_MAX))
                return fail(CAMSEP_OSC_ARG_RANGE, reason, reason_len,
                            "preset name: 1..63 bytes of UTF-8 without control characters");
            copy_text(cmd->text, sizeof cmd->text, s);
            return CAMSEP_OSC_ARG_OK;
        }
        return whole_in(types[0], argv[0], e->min, e->max, "preset", &cmd->index, reason, reason_len);
    }
    case CAMSEP_OSC_ARGS_ACTION:
        if (argc != 0)
            return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "expected no arguments, got %d", argc);
        return CAMSEP_OSC_ARG_OK;
    case CAMSEP_OSC_ARGS_ACTION_PLAYER:
        if (argc == 0)
            return CAMSEP_OSC_ARG_OK; /* index 0 */
        if (argc != 1)
            return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "expected no argument or a player, got %d arguments",
                        argc);
        return whole_in(types[0], argv[0], e->min, e->max, "player", &cmd->index, reason, reason_len);
    case CAMSEP_OSC_ARGS_ACTION_FIND:
        cmd->value = (float)CAMSEP_OSC_FIND_SECONDS_DEFAULT;
        if (argc == 0)
            return CAMSEP_OSC_ARG_OK; /* index 0: the program's number of players */
        if (argc > 2)
            return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len,
                        "expected [players] [seconds], got %d arguments", argc);
        r = whole_in(types[0], argv[0], e->min, e->max, "players", &cmd->index, reason, reason_len);
        if (r)
            return r;
        if (argc == 2) {
            r = number_in(types[1], argv[1], CAMSEP_OSC_FIND_SECONDS_MIN, CAMSEP_OSC_FIND_SECONDS_MAX, "seconds", &x,
                          reason, reason_len);
            if (r)
                return r;
            cmd->value = (float)x;
        }
        return CAMSEP_OSC_ARG_OK;
    case CAMSEP_OSC_ARGS_ACTION_FORCE: {
        if (argc == 0)
            return CAMSEP_OSC_ARG_OK; /* flag 0 */
        const char *s = argc == 1 ? camsep_osc_arg_string(types[0], argv[0]) : NULL;
        if (!s)
            return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "expected no argument or \"force\"");
        if (strcmp(s, "force") != 0)
            return fail(CAMSEP_OSC_ARG_RANGE, reason, reason_len, "expected \"force\", got \"%.40s\"", s);
        cmd->flag = 1;
        return CAMSEP_OSC_ARG_OK;
    }
    case CAMSEP_OSC_ARGS_NONE:
    case CAMSEP_OSC_ARGS_SUBSCRIBE:
    case CAMSEP_OSC_ARGS_UNSUBSCRIBE:
        break;
    }
    return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "not a command");
}

static int parse_what(const char *s, int allow_all)
{
    if (!s)
        return 0;
    if (strcmp(s, "state") == 0)
        return CAMSEP_OSC_SUB_STATE;
    if (strcmp(s, "meters") == 0)
        return CAMSEP_OSC_SUB_METERS;
    if (allow_all && strcmp(s, "all") == 0)
        return CAMSEP_OSC_SUB_ALL;
    return 0;
}

int camsep_osc_parse_subscribe(const char *types, lo_arg **argv, int argc, float max_lease_s, int *what,
                               float *rate_hz, float *lease_s, char *reason, size_t reason_len)
{
    double x;
    int r, k = 1;
    if (argc < 1 || argc > 3)
        return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "expected what [rate] [lease], got %d arguments", argc);
    const char *s = camsep_osc_arg_string(types[0], argv[0]);
    if (!s)
        return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "expected \"state\" or \"meters\" first");
    *what = parse_what(s, 0);
    if (!*what)
        return fail(CAMSEP_OSC_ARG_RANGE, reason, reason_len, "expected \"state\" or \"meters\"");
    *rate_hz = 0.0f;
    *lease_s = CAMSEP_OSC_DEFAULT_LEASE_S;
    if (*lease_s > max_lease_s)
        *lease_s = max_lease_s;
    if (*what == CAMSEP_OSC_SUB_METERS) {
        if (argc < 2)
            return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "meters: expected a rate in Hz");
        r = number_in(types[1], argv[1], CAMSEP_OSC_METER_RATE_MIN, CAMSEP_OSC_METER_RATE_MAX, "rate", &x, reason,
                      reason_len);
        if (r)
            return r;
        *rate_hz = (float)x;
        k = 2;
    } else if (argc > 2) {
        return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "state: expected [lease] only");
    }
    if (argc > k) {
        r = number_in(types[k], argv[k], 1.0, max_lease_s, "lease", &x, reason, reason_len);
        if (r)
            return r;
        *lease_s = (float)x;
    }
    return CAMSEP_OSC_ARG_OK;
}

int camsep_osc_parse_unsubscribe(const char *types, lo_arg **argv, int argc, int *what, char *reason,
                                 size_t reason_len)
{
    if (argc == 0) {
        *what = CAMSEP_OSC_SUB_ALL;
        return CAMSEP_OSC_ARG_OK;
    }
    if (argc != 1)
        return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "expected [what], got %d arguments", argc);
    const char *s = camsep_osc_arg_string(types[0], argv[0]);
    if (!s)
        return fail(CAMSEP_OSC_ARG_TYPE, reason, reason_len, "expected \"state\", \"meters\" or \"all\"");
    *what = parse_what(s, 1);
    if (!*what)
        return fail(CAMSEP_OSC_ARG_RANGE, reason, reason_len, "expected \"state\", \"meters\" or \"all\"");
    return CAMSEP_OSC_ARG_OK;
}
