/* SPDX-License-Identifier: GPL-3.0-or-later */
/* host_live: the audio thread's session and its rebuild at a new sample rate
 * (what camsep-jack does when the JACK graph changes rate). A fake session
 * stands for the real one; the sequences are the server's callbacks. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc_counter.h"
#include "check.h"
#include "host_live.h"

#define MAGIC 0x5e55u

typedef struct fake_session {
    unsigned magic, rate;
    atomic_int in_use;       /* the audio thread is running it */
} fake_session;

typedef struct factory {
    int made, dropped, fail_next;
    unsigned last_rate;
} factory;

static void *make(void *user, unsigned rate, char *err, size_t errlen)
{
    factory *f = user;
    f->last_rate = rate;
    if (f->fail_next) {
        f->fail_next = 0;
        snprintf(err, errlen, "cannot build at %u Hz", rate);
        return NULL;
    }
    fake_session *s = calloc(1, sizeof *s);
    CHECK(s);
    s->magic = MAGIC;
    s->rate = rate;
    f->made++;
    return s;
}

static void drop(void *user, void *old)
{
    factory *f = user;
    fake_session *s = old;
    CHECK(s->magic == MAGIC);
    CHECK_MSG(atomic_load(&s->in_use) == 0, "a session freed while the audio thread runs it");
    s->magic = 0;
    free(s);
    f->dropped++;
}

/* One block of the audio thread: the session's rate as the output, or silence. */
static float block(host_live *l)
{
    fake_session *s = host_live_enter(l);
    float out = 0.0f;
    if (s) {
        atomic_store(&s->in_use, 1);
        CHECK(s->magic == MAGIC);
        out = (float)s->rate;
        atomic_store(&s->in_use, 0);
    }
    host_live_leave(l);
    return out;
}

static void sequence(void)
{
    factory f = {0};
    host_live l;
    char err[128];
    unsigned was = 0, now = 0;
    host_live_init(&l, 48000);
    CHECK(block(&l) == 0.0f); /* nothing yet: silence */
    host_live_put(&l, make(&f, 48000, err, sizeof err), 48000);
    CHECK(block(&l) == 48000.0f);
    /* JACK announces the rate it runs at: nothing to do */
    host_live_rate_changed(&l, 48000);
    CHECK(host_live_pending(&l) == 0);
    CHECK(host_live_rebuild(&l, make, drop, &f, &was, &now, err, sizeof err) == 0);
    CHECK(block(&l) == 48000.0f);
    /* a new rate: silence at once, until the control thread rebuilds */
    host_live_rate_changed(&l, 44100);
    CHECK(host_live_pending(&l) == 44100);
    ARM();
    for (int i = 0; i < 10; i++)
        CHECK(block(&l) == 0.0f);
    DISARM();
    CHECK(ALLOCATIONS() == 0);
    CHECK(host_live_rebuild(&l, make, drop, &f, &was, &now, err, sizeof err) == 1);
    CHECK(was == 48000 && now == 44100 && f.dropped == 1 && f.made == 2);
    CHECK(host_live_rate(&l) == 44100 && host_live_pending(&l) == 0);
    CHECK(block(&l) == 44100.0f);
    /* a change and its reversal before the rebuild: nothing to rebuild */
    host_live_rate_changed(&l, 96000);
    CHECK(block(&l) == 0.0f);
    host_live_rate_changed(&l, 44100);
    CHECK(block(&l) == 44100.0f);
    CHECK(host_live_rebuild(&l, make, drop, &f, NULL, NULL, err, sizeof err) == 0);
    /* a rebuild that fails leaves silence and the reason; the next change recovers */
    host_live_rate_changed(&l, 22050);
    f.fail_next = 1;
    CHECK(host_live_rebuild(&l, make, drop, &f, NULL, NULL, err, sizeof err) == -1);
    CHECK(strstr(err, "22050") != NULL);
    CHECK(block(&l) == 0.0f && f.dropped == 2);
    host_live_rate_changed(&l, 48000);
    CHECK(host_live_rebuild(&l, make, drop, &f, &was, &now, err, sizeof err) == 1);
    CHECK(was == 22050 && now == 48000 && block(&l) == 48000.0f);
    drop(&f, host_live_take(&l));
    CHECK(f.made == f.dropped);
    printf("test_host_live: callback sequence ok (%d sessions built)\n", f.made);
}

/* The audio thread runs blocks while a notifier changes the rate and the
 * control thread rebuilds: no session is freed while in use (ASan would see
 * it too), each block is silence or a session at an announced rate. */
typedef struct race {
    host_live *l;
    atomic_int stop;
    long blocks, silent;
} race;

static void *audio_thread(void *arg)
{
    race *r = arg;
    while (!atomic_load(&r->stop)) {
        float out = block(r->l);
        CHECK(out == 0.0f || out == 44100.0f || out == 48000.0f || out == 96000.0f);
        r->blocks++;
        r->silent += out == 0.0f;
    }
    return NULL;
}

static void *notifier_thread(void *arg)
{
    race *r = arg;
    static const unsigned rates[] = {44100, 48000, 96000};
    for (int i = 0; i < 300 && !atomic_load(&r->stop); i++) {
        host_live_rate_changed(r->l, rates[i % 3]);
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static void concurrent(void)
{
    factory f = {0};
    host_live l;
    char err[128];
    host_live_init(&l, 48000);
    host_live_put(&l, make(&f, 48000, err, sizeof err), 48000);
    race r = {.l = &l};
    atomic_init(&r.stop, 0);
    pthread_t a, n;
    CHECK(pthread_create(&a, NULL, audio_thread, &r) == 0);
    CHECK(pthread_create(&n, NULL, notifier_thread, &r) == 0);
    int rebuilds = 0;
    for (int i = 0; i < 2000; i++) {
        int rc = host_live_rebuild(&l, make, drop, &f, NULL, NULL, err, sizeof err);
        CHECK(rc >= 0);
        rebuilds += rc;
        struct timespec ts = {0, 200000};
        nanosleep(&ts, NULL);
    }
    pthread_join(n, NULL);
    /* the last change is rebuilt; then the audio runs at the announced rate */
    rebuilds += host_live_rebuild(&l, make, drop, &f, NULL, NULL, err, sizeof err) == 1;
    atomic_store(&r.stop, 1);
    pthread_join(a, NULL);
    CHECK(block(&l) == (float)host_live_rate(&l));
    drop(&f, host_live_take(&l));
    CHECK(f.made == f.dropped && rebuilds > 10 && r.blocks > 0);
    printf("test_host_live: %d rebuilds under a running audio thread, %ld blocks (%ld silent)\n", rebuilds,
           r.blocks, r.silent);
}

int main(void)
{
    sequence();
    concurrent();
    printf("test_host_live: ok\n");
    return 0;
}
