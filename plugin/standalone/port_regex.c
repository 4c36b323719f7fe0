/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "port_regex.h"

#include <regex.h>
#include <stddef.h>

#define TEXT_(x) #x
#define TEXT(x) TEXT_(x) /* a macro's value as a string */
#define HUGE_SIZE 1e12 /* estimates saturate here */
#define MAX_DEPTH 64   /* groups nested deeper count as HUGE_SIZE */

typedef struct cursor {
    const char *p;
    int stacked; /* repetitions applied to a repetition */
} cursor;

static double cap(double x)
{
    return x < HUGE_SIZE ? x : HUGE_SIZE;
}

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static double alternation(cursor *c, int depth);

/* [...], with [:class:], [=x=] and [.x.] inside and a ']' first taken literally. */
static void skip_bracket(cursor *c)
{
    const char *p = c->p + 1;
    if (*p == '^')
        p++;
    if (*p == ']')
        p++;
    while (*p && *p != ']') {
        if (*p == '[' && (p[1] == ':' || p[1] == '=' || p[1] == '.')) {
            const char end = p[1];
            p += 2;
            while (*p && !(*p == end && p[1] == ']'))
                p++;
            if (*p)
                p += 2;
        } else {
            p++;
        }
    }
    c->p = *p ? p + 1 : p;
}

static double atom(cursor *c, int depth)
{
    if (*c->p == '(') {
        c->p++;
        const double inner = depth < MAX_DEPTH ? alternation(c, depth + 1) : HUGE_SIZE;
        while (depth >= MAX_DEPTH && *c->p) /* nothing past this depth is looked at */
            c->p++;
        if (*c->p == ')')
            c->p++;
        return cap(inner + 1.0);
    }
    if (*c->p == '[') {
        skip_bracket(c);
        return 1.0;
    }
    c->p += c->p[0] == '\\' && c->p[1] ? 2 : 1;
    return 1.0;
}

static double number(const char **p)
{
    double n = 0.0;
    while (is_digit(**p))
        n = cap(10.0 * n + (*(*p)++ - '0'));
    return n;
}

/* {n}, {n,} or {n,m} at c->p: the copies it makes (n + 1 for {n,}: n and a
 * loop), or -1 when c->p is not at a bound. */
static double bound(cursor *c)
{
    const char *p = c->p;
    if (*p != '{' || !is_digit(p[1]))
        return -1.0;
    p++;
    const double n = number(&p);
    double m = n;
    if (*p == ',') {
        p++;
        m = is_digit(*p) ? number(&p) : n + 1.0;
    }
    if (*p != '}')
        return -1.0;
    c->p = p + 1;
    return m > 1.0 ? m : 1.0;
}

/* An atom and its repetitions. */
static double piece(cursor *c, int depth)
{
    double size = atom(c, depth);
    for (int repeats = 0;; repeats++) {
        if (repeats == 1 && (*c->p == '*' || *c->p == '?' || *c->p == '+' || (*c->p == '{' && is_digit(c->p[1]))))
            c->stacked++;
        const char q = *c->p;
        if (q == '*' || q == '?') {
            c->p++;
            size += 1.0;
        } else if (q == '+') {
            c->p++;
            size = 2.0 * size + 1.0;
        } else {
            const double copies = bound(c);
            if (copies < 0.0)
                break;
            size = copies * size + 1.0;
        }
        size = cap(size);
    }
    return size;
}

static double branch(cursor *c, int depth)
{
    double size = 0.0;
    while (*c->p && *c->p != '|' && *c->p != ')')
        size = cap(size + piece(c, depth));
    return size;
}

static double alternation(cursor *c, int depth)
{
    double size = branch(c, depth);
    while (*c->p == '|') {
        c->p++;
        size = cap(size + branch(c, depth) + 1.0);
    }
    return size;
}

port_regex_shape port_regex_measure(const char *pattern)
{
    cursor c = {pattern ? pattern : "", 0};
    double size = 0.0;
    while (*c.p) {
        size = cap(size + alternation(&c, 0));
        if (*c.p == ')') { /* unmatched: regcomp() decides */
            c.p++;
            size = cap(size + 1.0);
        }
    }
    port_regex_shape shape = {size, c.stacked};
    return shape;
}

const char *port_regex_problem(const char *pattern)
{
    if (!pattern)
        return "is not a regular expression";
    const port_regex_shape shape = port_regex_measure(pattern);
    if (shape.stacked)
        return "repeats a repetition (such as a*+ or a+{2}), which POSIX leaves undefined; group it, (a*)+, "
               "or write one";
    if (shape.elements > PORT_REGEX_MAX_ELEMENTS)
        return "repeats too much to be compiled safely (more than " TEXT(PORT_REGEX_MAX_ELEMENTS)
               " elements once its repetitions are expanded)";
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB))
        return "is not a regular expression";
    regfree(&re);
    return NULL;
}
