/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The POSIX extended regex that picks a JACK port (`input-match`), checked
 * before it is ever compiled.
 *
 * glibc's regcomp() copies a piece once for every repetition it may need:
 * X+ becomes X X*, X{n,m} m copies of X, and repetitions of repetitions
 * multiply. A line such as "a" followed by 22 '+' takes it 15 s and 3 GB
 * (found by fuzzing the configuration parser), and camsep-jack compiles the
 * pattern again at start-up. A repetition of a repetition (a*+, a+{2}) is
 * worse still, whatever its size: "a*" 9 times, then '+' 10 times, then '*'
 * 9 times, takes it 23 s to analyse. So a pattern with a repetition directly
 * after another (undefined in POSIX anyway), or whose compiled form would
 * exceed PORT_REGEX_MAX_ELEMENTS copies of its pieces, is refused with a
 * message before regcomp() sees it; no port name needs either.
 *
 * Set-up code only.
 */
#ifndef CAMSEP_PORT_REGEX_H
#define CAMSEP_PORT_REGEX_H

/* About 15 ms and 6 MB of regcomp() at most. */
#define PORT_REGEX_MAX_ELEMENTS 20000

typedef struct port_regex_shape {
    /* An upper estimate of the elements regcomp() builds (every atom, bracket
     * expression and anchor one, each repetition multiplying its piece). */
    double elements;
    int stacked; /* repetitions written directly after a repetition */
} port_regex_shape;

/* The shape of the extended regex `pattern`; a malformed pattern gets one too
 * (regcomp() then says what is wrong). */
port_regex_shape port_regex_measure(const char *pattern);

/* NULL if `pattern` is an extended regex of a reasonable size that compiles,
 * else what is wrong with it ("repeats a repetition ...", to follow the
 * pattern in a message). */
const char *port_regex_problem(const char *pattern);

#endif
