/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, isatty */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#define WIDTH 30

static double seconds_since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

static void clock_text(char *s, size_t len, double seconds)
{
    const long t = (long)seconds;
    if (t >= 3600)
        snprintf(s, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(s, len, "%ld:%02ld", t / 60, t % 60);
}

void progress_start(progress *p, const char *label, int64_t total, double rate, int wanted)
{
    p->on = wanted && isatty(STDERR_FILENO);
    p->label = label;
    p->total = total;
    p->rate = rate;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->last = p->start;
    p->last.tv_sec -= 1; /* the first update draws */
}

void progress_update(progress *p, int64_t done)
{
    if (!p->on)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (seconds_since(&p->last, &now) < 0.1)
        return;
    p->last = now;
    const double elapsed = seconds_since(&p->start, &now), audio = (double)done / p->rate;
    char at[32], speed[32] = "", rest[48] = "";
    clock_text(at, sizeof at, audio);
    if (elapsed > 0.2)
        snprintf(speed, sizeof speed, "  %.0fx real time", audio / elapsed);
    if (p->total > 0) {
        const double share = done < p->total ? (double)done / (double)p->total : 1.0;
        char bar[WIDTH + 1], of[32], eta[32];
        for (int i = 0; i < WIDTH; i++)
            bar[i] = i < (int)(share * WIDTH) ? '#' : '.';
        bar[WIDTH] = '\0';
        clock_text(of, sizeof of, (double)p->total / p->rate);
        if (done > 0 && elapsed > 0.2) {
            clock_text(eta, sizeof eta, elapsed * (1.0 - share) / share);
            snprintf(rest, sizeof rest, "  %s left", eta);
        }
        fprintf(stderr, "\r%s [%s] %3.0f%%  %s of %s%s%s\033[K", p->label, bar, 100.0 * share, at, of, speed, rest);
    } else {
        fprintf(stderr, "\r%s %s%s\033[K", p->label, at, speed);
    }
    fflush(stderr);
}

void progress_end(progress *p)
{
    if (!p->on)
        return;
    fprintf(stderr, "\r\033[K");
    fflush(stderr);
}
