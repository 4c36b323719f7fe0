/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SPSC ring: FIFO order and payload integrity under a two-thread stress run
 * (built and run under ThreadSanitizer by the test script), wrap-around,
 * full/empty behaviour, peek. A side that finds the ring full or empty yields
 * its CPU before it tries again: with both threads on one CPU (a busy 2-core
 * machine) a spinning one used to hold it for the rest of its time slice,
 * 64 items per two slices (a minute under ThreadSanitizer); on two CPUs the
 * yield returns at once and the two run side by side as before.
 * Usage: test_ring [ITEMS]: the stress run's length (2000000; the TSan pass
 * runs fewer, tests/CMakeLists.txt). */
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "spsc_ring.h"
#include "test_support.h"

#define COUNT 2000000u

static uint64_t count = COUNT; /* items through the ring in the stress run */

typedef struct item {
    uint64_t seq;
    uint64_t check;
    float payload[6];
} item;

static spsc_ring ring;

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    return x ^ (x >> 29);
}

static void *producer(void *arg)
{
    (void)arg;
    for (uint64_t i = 0; i < count;) {
        item it = {.seq = i, .check = mix64(i)};
        for (int k = 0; k < 6; k++)
            it.payload[k] = (float)(i + (uint64_t)k);
        if (spsc_ring_push(&ring, &it))
            i++;
        else
            sched_yield(); /* full: the consumer may be waiting for this CPU */
    }
    return NULL;
}

static void single_thread_basics(void)
{
    spsc_ring r;
    CHECK(spsc_ring_init(&r, 5, sizeof(int)) == 0);
    CHECK(spsc_ring_capacity(&r) == 8);
    int v = 0, out;
    CHECK(!spsc_ring_pop(&r, &out) && !spsc_ring_peek(&r, &out));
    for (int round = 0; round < 5; round++) { /* wraps around the storage */
        for (int i = 0; i < 8; i++) {
            int x = round * 100 + i;
            CHECK(spsc_ring_push(&r, &x));
        }
        CHECK(!spsc_ring_push(&r, &v)); /* full */
        CHECK(spsc_ring_read_space(&r) == 8);
        CHECK(spsc_ring_peek(&r, &out) && out == round * 100);
        for (int i = 0; i < 8; i++)
            CHECK(spsc_ring_pop(&r, &out) && out == round * 100 + i);
        CHECK(!spsc_ring_pop(&r, &out));
    }
    CHECK(spsc_ring_push(&r, &v) && spsc_ring_push(&r, &v));
    spsc_ring_clear(&r);
    CHECK(spsc_ring_read_space(&r) == 0);
    spsc_ring_destroy(&r);
    CHECK(spsc_ring_init(&r, 0, 4) == -1);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        char *end;
        count = strtoull(argv[1], &end, 10);
        CHECK(*argv[1] && !*end && count > 0);
    }
    single_thread_basics();
    CHECK(spsc_ring_init(&ring, 64, sizeof(item)) == 0);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, producer, NULL) == 0);
    uint64_t expect = 0;
    while (expect < count) {
        item it;
        if (!spsc_ring_pop(&ring, &it)) {
            sched_yield(); /* empty: the producer may be waiting for this CPU */
            continue;
        }
        CHECK(it.seq == expect && it.check == mix64(expect));
        for (int k = 0; k < 6; k++)
            CHECK(it.payload[k] == (float)(expect + (uint64_t)k));
        expect++;
    }
    CHECK(pthread_join(th, NULL) == 0);
    item tmp;
    CHECK(!spsc_ring_pop(&ring, &tmp));
    spsc_ring_destroy(&ring);
    printf("ring: %llu items in order across two threads\n", (unsigned long long)count);
    return 0;
}
