/* SPDX-License-Identifier: GPL-3.0-or-later */
/* prior_clock: capture times map to the input clock through the newest
 * anchor, with the camera latency subtracted; a reader racing the audio
 * thread's anchors never sees a torn pair. */
#include "check.h"
#include "prior_clock.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>

static camsep_prior_clock g_clock;
static atomic_int g_stop;

/* Anchors always satisfy samples == ns / 1000 (1 MHz "rate"), so a torn read
 * shows as a mapping that is off. */
static void *anchor_thread(void *arg)
{
    (void)arg;
    for (int64_t i = 1; !atomic_load(&g_stop); i++)
        camsep_prior_clock_anchor(&g_clock, i * 64, i * 64000);
    return NULL;
}

int main(void)
{
    camsep_prior_clock c;
    camsep_prior_clock_init(&c, 48000.0);
    int64_t s = 123;
    CHECK(camsep_prior_clock_map(&c, 0, 0.0, &s) == -1);
    CHECK(s == 123);

    camsep_prior_clock_anchor(&c, 48000, 10000000000LL); /* 1 s of audio at t = 10 s */
    CHECK(camsep_prior_clock_map(&c, 10000000000LL, 0.0, &s) == 0 && s == 48000);
    CHECK(camsep_prior_clock_map(&c, 10500000000LL, 0.0, &s) == 0 && s == 72000);
    CHECK(camsep_prior_clock_map(&c, 9000000000LL, 0.0, &s) == 0 && s == 0);
    CHECK(camsep_prior_clock_map(&c, 10500000000LL, 0.1, &s) == 0 && s == 67200);
    CHECK(camsep_prior_clock_map(&c, 10000000000LL, -0.05, &s) == 0 && s == 50400);
    camsep_prior_clock_anchor(&c, 96000, 11000000000LL);
    CHECK(camsep_prior_clock_map(&c, 11250000000LL, 0.0, &s) == 0 && s == 108000);

    camsep_prior_clock_init(&g_clock, 1000000.0);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, anchor_thread, NULL) == 0);
    long torn = 0, mapped = 0;
    /* On a busy machine the loop below can finish before the anchoring thread
     * first runs: wait for its first anchor, then map while it keeps going. */
    for (int64_t m; camsep_prior_clock_map(&g_clock, 0, 0.0, &m) != 0;)
        sched_yield();
    for (int i = 0; i < 2000000; i++) {
        int64_t m;
        if (camsep_prior_clock_map(&g_clock, 0, 0.0, &m) == 0) {
            mapped++;
            if (m != 0)
                torn++;
        }
    }
    atomic_store(&g_stop, 1);
    pthread_join(t, NULL);
    printf("prior_clock: %ld mappings under concurrent anchoring, %ld torn\n", mapped, torn);
    CHECK(mapped > 0);
    CHECK(torn == 0);
    return 0;
}
