/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A one-line progress bar on stderr for the long-running tools: shown only
 * when stderr is a terminal, redrawn at most ten times a second. */
#ifndef CAMSEP_PROGRESS_H
#define CAMSEP_PROGRESS_H

#include <stdint.h>
#include <time.h>

typedef struct progress {
    int on;
    const char *label;
    int64_t total;      /* frames, -1 unknown */
    double rate;        /* frames per second of audio */
    struct timespec start, last;
} progress;

/* Starts a bar for `total` frames (-1 unknown) at `rate` frames per second;
 * `wanted` 0 keeps it off. It is on only when stderr is a terminal. */
void progress_start(progress *p, const char *label, int64_t total, double rate, int wanted);
void progress_update(progress *p, int64_t done);
/* Erases the bar. */
void progress_end(progress *p);

#endif
