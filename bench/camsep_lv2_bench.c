/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-lv2-bench [BUNDLE_DIR] [SECONDS]: times run() of camsep.lv2 (the
 * 4-player variant at 48 kHz, 64-frame periods, a harmonic mixture as input)
 * through the minimal host, and prints the mean, 99th percentile and worst
 * run() time against the 1.33 ms period. Run it on an idle machine.
 */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "camsep_lv2_catalog.h"
#include "camsep_lv2_minihost.h"
#include "camsep_lv2_ports.h"

#define PLAYERS 4
#define PERIOD 64
#define RATE 48000.0

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec * 1e-3;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const char *bundle = argc > 1 ? argv[1] : "lv2/camsep.lv2";
    const double seconds = argc > 2 ? atof(argv[2]) : 20.0;
    char err[512], uri[128];
    snprintf(uri, sizeof uri, "%s4p", CAMSEP_LV2_PLUGIN_URI_PREFIX);
    minihost h;
    if (minihost_open(&h, bundle, uri, RATE, 1, err, sizeof err)) {
        fprintf(stderr, "camsep-lv2-bench: %s\n", err);
        return 1;
    }
    const camsep_lv2_variant *v = camsep_lv2_variant_find(PLAYERS);
    static float control[64], in[PERIOD], out[PLAYERS + 1][PERIOD];
    for (uint32_t i = 0; i < camsep_lv2_port_count(PLAYERS); i++) {
        camsep_lv2_port_desc d;
        camsep_lv2_port_describe(PLAYERS, v->instrument, i, &d);
        control[i] = d.deflt;
        void *buf = &control[i];
        if (d.kind == CAMSEP_KIND_AUDIO)
            buf = d.direction == CAMSEP_LV2_DIR_IN ? in : out[d.player >= 0 ? d.player : PLAYERS];
        else if (d.kind == CAMSEP_KIND_ATOM)
            buf = NULL; /* connectionOptional */
        h.desc->connect_port(h.handle, i, buf);
    }
    h.desc->activate(h.handle);
    const long runs = (long)(seconds * RATE / PERIOD);
    double *t = malloc(sizeof(double) * (size_t)runs);
    if (!t)
        return 1;
    double ph = 0.0;
    for (long r = -200; r < runs; r++) { /* 200 warm-up periods */
        for (int i = 0; i < PERIOD; i++, ph += 1.0) {
            const double s = ph / RATE;
            in[i] = (float)(0.2 * sin(2 * M_PI * 440 * s) * (1 + sin(2 * M_PI * 0.5 * s)) +
                            0.2 * sin(2 * M_PI * 659.3 * s) + 0.2 * sin(2 * M_PI * 293.7 * s) +
                            0.2 * sin(2 * M_PI * 130.8 * s) + 0.05 * sin(2 * M_PI * 2637 * s));
        }
        const double t0 = now_us();
        h.desc->run(h.handle, PERIOD);
        const double t1 = now_us();
        minihost_settle(&h);
        if (r >= 0)
            t[r] = t1 - t0;
    }
    double sum = 0;
    for (long r = 0; r < runs; r++)
        sum += t[r];
    qsort(t, (size_t)runs, sizeof(double), cmp_double);
    const double period_us = PERIOD / RATE * 1e6, mean = sum / (double)runs, worst = t[runs - 1],
                 p99 = t[(long)(0.99 * (double)(runs - 1))], p999 = t[(long)(0.999 * (double)(runs - 1))];
    printf("camsep.lv2 run(): %d players + other, %g Hz, %d-frame periods (%.0f us), %ld runs\n", PLAYERS, RATE,
           PERIOD, period_us, runs);
    printf("  mean   %8.1f us  (%5.1f %% of the period)\n", mean, 100.0 * mean / period_us);
    printf("  p99    %8.1f us  (%5.1f %%)\n", p99, 100.0 * p99 / period_us);
    printf("  p99.9  %8.1f us  (%5.1f %%)\n", p999, 100.0 * p999 / period_us);
    printf("  worst  %8.1f us  (%5.1f %%)  target <= 20 %%: %s\n", worst, 100.0 * worst / period_us,
           worst <= 0.2 * period_us ? "met" : "NOT met");
    free(t);
    minihost_close(&h);
    return 0;
}
