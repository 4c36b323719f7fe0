/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Shared-memory prior ring (capture/ipc/shm_ring.h):
 *   1. one process: round trip, order, overrun, heartbeat/staleness, close,
 *      try_open, names, a second writer refused;
 *   2. processes: a writer publishing flat out, then at 500 Hz, and two reader
 *      processes checking every record (checksum and content), the order, and
 *      the delay to the newest; plus the same with threads in one process;
 *   3. a writer killed with SIGKILL: readers go stale after the timeout; a new
 *      writer takes the segment over and the same readers follow it; a clean
 *      close and a new segment: the readers move over with try_open;
 *   4. foreign, truncated, wrong-version, wrong-size, empty, unfinished and
 *      garbage segments;
 *   5. poll allocates nothing (malloc interposed; not under sanitizers).
 * `test_shm_ring --poll-syscalls` is the body of test_shm_ring_syscalls.sh,
 * which runs it under strace to show that poll makes no system call.
 * Built with CAMSEP_SHM_TEST_HOOKS (test_shm_ring_torn, with its own copy of
 * shm_ring.c), it runs only test 2 with readers that stall in the middle of
 * each slot copy, so that the writer overwrites slots under them all the time.
 *
 * Segment names carry the pid; all are unlinked at exit, on failure and on a
 * fatal signal.
 */
#define _POSIX_C_SOURCE 200809L
#include "shm_ring.h"

#include "capture_clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "alloc_counter.h"

#if defined CAMSEP_SHM_TEST_HOOKS && defined CAMSEP_SANITIZED
#define STRESS_RECORDS 1500000u /* stalled readers: a few seconds of tearing */
#elif defined CAMSEP_SHM_TEST_HOOKS
#define STRESS_RECORDS 6000000u
#elif defined CAMSEP_SANITIZED
#define STRESS_RECORDS 300000u
#else
#define STRESS_RECORDS 2000000u
#endif
#define LATENCY_RECORDS 200u
#define MS 1000000LL

/* ---- clean-up: names, children ---- */
static pid_t main_pid;
static char names[16][64];
static int n_names;
static pid_t children[16];
static int n_children;

static void cleanup(void)
{
    if (getpid() != main_pid)
        return;
    for (int i = 0; i < n_children; i++)
        if (children[i] > 0)
            kill(children[i], SIGKILL);
    for (int i = 0; i < n_names; i++)
        shm_unlink(names[i]);
}

static void on_signal(int sig)
{
    cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void die(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d [pid %d]: ", file, line, (int)getpid());
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (getpid() != main_pid)
        _exit(1);
    exit(1); /* atexit: cleanup() */
}

#define CHECK(cond)                                                     \
    do {                                                                \
        if (!(cond))                                                    \
            die(__FILE__, __LINE__, "check failed: %s", #cond);         \
    } while (0)
#define CHECK_MSG(cond, ...)                                            \
    do {                                                                \
        if (!(cond))                                                    \
            die(__FILE__, __LINE__, "check failed: " #cond ": " __VA_ARGS__); \
    } while (0)

static const char *new_name(const char *tag)
{
    CHECK(n_names < 16);
    snprintf(names[n_names], sizeof names[0], "/camsep-test-%d-%s", (int)main_pid, tag);
    shm_unlink(names[n_names]); /* a leftover of a crashed run with a recycled pid */
    return names[n_names++];
}

static pid_t spawn(void)
{
    fflush(NULL);
    pid_t p = fork();
    CHECK(p >= 0);
    if (p > 0) {
        CHECK(n_children < 16);
        children[n_children++] = p;
    }
    return p;
}

static int reap(pid_t p)
{
    int st = 0;
    CHECK(waitpid(p, &st, 0) == p);
    for (int i = 0; i < n_children; i++)
        if (children[i] == p)
            children[i] = 0;
    return st;
}

static void sleep_ms(int ms)
{
    camsep_sleep_until_ns(camsep_monotonic_ns() + ms * MS);
}

/* ---- payloads: content derived from the sequence number, plus a checksum ---- */
static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A 24-bit hash of everything but the ring's own fields (sequence,
 * generation) and the checksum itself, mixed with the sequence number. */
static float checksum(const camsep_shm_record *r, uint64_t seq)
{
    camsep_shm_record c = *r;
    c.sequence = c.generation = 0;
    c.motion[CAMSEP_SHM_MAX_PLAYERS - 1][CAMSEP_SHM_MAX_MOTION - 1] = 0.0f;
    uint64_t w[sizeof c / 8];
    memcpy(w, &c, sizeof w);
    uint64_t h = seq * 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < sizeof w / 8; i++) {
        h = (h ^ w[i]) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    return (float)(h & 0xffffffu); /* exact in a float */
}

static void make_payload(uint64_t seq, int64_t ts, camsep_shm_record *r)
{
    memset(r, 0, sizeof *r);
    uint64_t x = seq * 0x2545f4914f6cdd1dull + 17;
    r->timestamp_ns = ts;
    r->n_players = 1 + (int)(seq % CAMSEP_SHM_MAX_PLAYERS);
    r->status = seq % 7 == 3 ? CAMSEP_SHM_CAMERA_LOST : CAMSEP_SHM_CAMERA_OK;
    for (int i = 0; i < CAMSEP_SHM_MAX_PLAYERS; i++)
        r->activity[i] = (float)(splitmix(&x) >> 40) * (1.0f / 16777216.0f);
    for (int i = 0; i < CAMSEP_SHM_MAX_PLAYERS; i++)
        for (int k = 0; k < CAMSEP_SHM_MAX_MOTION; k++)
            r->motion[i][k] = (float)(splitmix(&x) >> 40) * (1.0f / 1024.0f);
    r->held = (uint32_t)splitmix(&x) & ((1u << r->n_players) - 1u);
    r->motion[CAMSEP_SHM_MAX_PLAYERS - 1][CAMSEP_SHM_MAX_MOTION - 1] = checksum(r, seq);
}

/* 1 if rec is exactly what the writer published as its sequence number. */
static int record_ok(const camsep_shm_record *rec)
{
    camsep_shm_record e;
    make_payload(rec->sequence, rec->timestamp_ns, &e);
    float sum = rec->motion[CAMSEP_SHM_MAX_PLAYERS - 1][CAMSEP_SHM_MAX_MOTION - 1];
    return sum == checksum(rec, rec->sequence) && rec->n_players == e.n_players && rec->status == e.status &&
           rec->held == e.held && memcmp(rec->activity, e.activity, sizeof e.activity) == 0 &&
           memcmp(rec->motion, e.motion, sizeof e.motion) == 0;
}

static void publish_seq(camsep_shm_writer *w, int64_t ts)
{
    camsep_shm_record r;
    make_payload(camsep_shm_writer_published(w), ts, &r);
    camsep_shm_writer_publish(w, &r);
}

/* ---- the stalling reader (CAMSEP_SHM_TEST_HOOKS builds) ---- */
static int64_t stall_max_ns; /* per process: 0 = off */
static _Thread_local uint64_t stall_rng = 1;

#ifdef CAMSEP_SHM_TEST_HOOKS
/* Called by read_slot() half-way through a slot copy. A quarter of the copies
 * go through, a quarter spin up to 2 us, half sleep up to stall_max_ns: the
 * sleeping reader leaves its CPU to the writer, which laps the ring. */
void camsep_shm_test_read_hook(void);
void camsep_shm_test_read_hook(void)
{
    if (stall_max_ns <= 0)
        return;
    uint64_t x = splitmix(&stall_rng);
    if (x % 4 == 0)
        return;
    if (x % 4 == 1) {
        int64_t until = camsep_monotonic_ns() + (int64_t)((x >> 8) % 2000);
        while (camsep_monotonic_ns() < until) {
        }
        return;
    }
    camsep_sleep_until_ns(camsep_monotonic_ns() + (int64_t)((x >> 8) % (uint64_t)stall_max_ns));
}
#endif

/* ---- 1. one process ---- */
static void test_names(void)
{
    char err[256];
    const char *bad[] = {"", "camsep", "/", "/a/b", "/.", "/..", "/bad name", "/caf\xc3\xa9", NULL};
    for (int i = 0; bad[i]; i++) {
        CHECK_MSG(camsep_shm_name_valid(bad[i], err, sizeof err) == -1, "\"%s\"", bad[i]);
        CHECK(camsep_shm_writer_create(bad[i], 2, 0, err, sizeof err) == NULL);
        CHECK(camsep_shm_reader_open(bad[i], err, sizeof err) == NULL);
    }
    CHECK(camsep_shm_name_valid(NULL, err, sizeof err) == -1);
    char longname[CAMSEP_SHM_NAME_MAX + 2];
    longname[0] = '/';
    memset(longname + 1, 'a', CAMSEP_SHM_NAME_MAX);
    longname[CAMSEP_SHM_NAME_MAX + 1] = 0;
    CHECK(camsep_shm_name_valid(longname, err, sizeof err) == -1);
    longname[CAMSEP_SHM_NAME_MAX] = 0;
    CHECK(camsep_shm_name_valid(longname, err, sizeof err) == 0);
    CHECK(camsep_shm_name_valid("/camsep-stage_2.a", err, sizeof err) == 0);
}

static void test_round_trip(void)
{
    const char *name = new_name("rt");
    char err[256];
    camsep_shm_reader *r = camsep_shm_reader_open(name, err, sizeof err);
    CHECK(r == NULL && strstr(err, "no such prior ring"));
    camsep_shm_reader *cur = NULL;
    CHECK(camsep_shm_reader_try_open(name, NULL, &cur, err, sizeof err) == 0 && cur == NULL);

    CHECK(camsep_shm_writer_create(name, 0, 0, err, sizeof err) == NULL);
    CHECK(camsep_shm_writer_create(name, 2, 9, err, sizeof err) == NULL);
    camsep_shm_writer *w = camsep_shm_writer_create(name, 3, 4, err, sizeof err);
    CHECK_MSG(w != NULL, "%s", err);
    CHECK(camsep_shm_writer_generation(w) == 1 && camsep_shm_writer_published(w) == 0);
    /* a second writer on a live name is refused, even in the same process */
    CHECK(camsep_shm_writer_create(name, 3, 4, err, sizeof err) == NULL && strstr(err, "another"));

    r = camsep_shm_reader_open(name, err, sizeof err);
    CHECK_MSG(r != NULL, "%s", err);
    int np, mc;
    camsep_shm_reader_layout(r, &np, &mc);
    CHECK(np == 3 && mc == 4);
    CHECK(camsep_shm_reader_try_open(name, r, &cur, err, sizeof err) == 0 && cur == NULL); /* same segment */

    camsep_shm_record rec, got;
    memset(&got, 0x5a, sizeof got);
    int64_t now = camsep_monotonic_ns();
    CHECK(camsep_shm_reader_poll(r, now, &got) == CAMSEP_SHM_EMPTY);
    CHECK(camsep_shm_reader_poll(NULL, now, &got) == CAMSEP_SHM_STALE);

    make_payload(0, 12345, &rec);
    rec.sequence = 999; /* ignored: the ring numbers records */
    rec.generation = 77;
    camsep_shm_writer_publish(w, &rec);
    now = camsep_monotonic_ns();
    CHECK(camsep_shm_reader_poll(r, now, &got) == CAMSEP_SHM_RECORD);
    CHECK(got.sequence == 0 && got.generation == 1 && got.timestamp_ns == 12345 && record_ok(&got));
    CHECK(memcmp(got.activity, rec.activity, sizeof rec.activity) == 0);
    camsep_shm_record before = got;
    CHECK(camsep_shm_reader_poll(r, now, &got) == CAMSEP_SHM_EMPTY);
    CHECK(memcmp(&before, &got, sizeof got) == 0); /* out untouched */

    /* in order, one per call, including a camera-lost record */
    for (int i = 0; i < 10; i++)
        publish_seq(w, 1000 + i);
    int lost = 0;
    for (uint64_t s = 1; s <= 10; s++) {
        CHECK(camsep_shm_reader_poll(r, camsep_monotonic_ns(), &got) == CAMSEP_SHM_RECORD);
        CHECK(got.sequence == s && record_ok(&got) && got.timestamp_ns == (int64_t)(1000 + s - 1));
        lost += got.status == CAMSEP_SHM_CAMERA_LOST;
    }
    CHECK(lost == 2); /* sequences 3 and 10 */
    CHECK(camsep_shm_reader_poll(r, camsep_monotonic_ns(), &got) == CAMSEP_SHM_EMPTY);

    /* a ring's worth pending is all delivered; more than that jumps to the newest */
    for (int i = 0; i < CAMSEP_SHM_SLOTS - 1; i++)
        publish_seq(w, 0);
    for (uint64_t s = 11; s < 11 + CAMSEP_SHM_SLOTS - 1; s++) {
        CHECK(camsep_shm_reader_poll(r, camsep_monotonic_ns(), &got) == CAMSEP_SHM_RECORD);
        CHECK(got.sequence == s && record_ok(&got));
    }
    camsep_shm_reader_stats st;
    camsep_shm_reader_get_stats(r, &st);
    CHECK(st.skipped == 0 && st.records == 11 + CAMSEP_SHM_SLOTS - 1 && st.resyncs == 1);
    uint64_t head0 = camsep_shm_writer_published(w);
    for (int i = 0; i < 3 * CAMSEP_SHM_SLOTS + 5; i++)
        publish_seq(w, 0);
    uint64_t newest = camsep_shm_writer_published(w) - 1;
    CHECK(camsep_shm_reader_poll(r, camsep_monotonic_ns(), &got) == CAMSEP_SHM_RECORD);
    CHECK(got.sequence == newest && record_ok(&got));
    CHECK(camsep_shm_reader_poll(r, camsep_monotonic_ns(), &got) == CAMSEP_SHM_EMPTY);
    camsep_shm_reader_get_stats(r, &st);
    CHECK(st.skipped == newest - head0);

    /* staleness: heartbeat older than the timeout, given the caller's now */
    now = camsep_monotonic_ns();
    camsep_shm_writer_heartbeat(w, now);
    CHECK(camsep_shm_reader_poll(r, now + 999 * MS, &got) == CAMSEP_SHM_EMPTY);
    CHECK(camsep_shm_reader_poll(r, now + 1001 * MS, &got) == CAMSEP_SHM_STALE); /* default 1 s */
    camsep_shm_reader_set_timeout(r, 50 * MS);
    CHECK(camsep_shm_reader_poll(r, now + 49 * MS, &got) == CAMSEP_SHM_EMPTY);
    CHECK(camsep_shm_reader_poll(r, now + 51 * MS, &got) == CAMSEP_SHM_STALE);
    CHECK(camsep_shm_reader_poll(r, INT64_MAX, &got) == CAMSEP_SHM_STALE);
    CHECK(camsep_shm_reader_poll(r, INT64_MIN, &got) == CAMSEP_SHM_EMPTY); /* no overflow */
    camsep_shm_writer_heartbeat(w, now + 100 * MS);
    CHECK(camsep_shm_reader_poll(r, now + 120 * MS, &got) == CAMSEP_SHM_EMPTY);
    publish_seq(w, 0); /* publish stamps the real clock */
    now = camsep_monotonic_ns();
    CHECK(camsep_shm_reader_poll(r, now, &got) == CAMSEP_SHM_RECORD);

    /* close: readers go stale at once, the name is gone */
    camsep_shm_writer_close(w);
    CHECK(camsep_shm_reader_poll(r, now, &got) == CAMSEP_SHM_STALE);
    CHECK(shm_open(name, O_RDONLY, 0) < 0 && errno == ENOENT);
    CHECK(camsep_shm_reader_try_open(name, r, &cur, err, sizeof err) == 0);

    /* a new writer makes a new segment: the old reader stays stale, try_open finds it */
    w = camsep_shm_writer_create(name, 2, 0, err, sizeof err);
    CHECK_MSG(w != NULL, "%s", err);
    CHECK(camsep_shm_writer_generation(w) == 1);
    publish_seq(w, 5);
    CHECK(camsep_shm_reader_poll(r, camsep_monotonic_ns(), &got) == CAMSEP_SHM_STALE);
    CHECK(camsep_shm_reader_try_open(name, r, &cur, err, sizeof err) == 1 && cur != NULL);
    camsep_shm_reader_close(r);
    r = cur;
    camsep_shm_reader_layout(r, &np, &mc);
    CHECK(np == 2 && mc == 0);
    CHECK(camsep_shm_reader_poll(r, camsep_monotonic_ns(), &got) == CAMSEP_SHM_RECORD);
    CHECK(got.sequence == 0 && got.generation == 1 && record_ok(&got));

    /* the held mask, bit j for player j, as published; publish clears the
     * bits from n_players on (and the reserved word) */
    const struct {
        int32_t n_players;
        uint32_t held, want;
    } held_cases[] = {{2, 2u, 2u}, {3, 5u, 5u}, {CAMSEP_SHM_MAX_PLAYERS, 0x81u, 0x81u}, {2, 0xffu, 3u}, {0, 1u, 0u}};
    for (size_t i = 0; i < sizeof held_cases / sizeof held_cases[0]; i++) {
        memset(&rec, 0, sizeof rec);
        rec.n_players = held_cases[i].n_players;
        rec.status = CAMSEP_SHM_CAMERA_OK;
        rec.held = held_cases[i].held;
        rec.reserved = 0xdeadbeefu;
        camsep_shm_writer_publish(w, &rec);
        CHECK(camsep_shm_reader_poll(r, camsep_monotonic_ns(), &got) == CAMSEP_SHM_RECORD);
        CHECK_MSG(got.held == held_cases[i].want && got.reserved == 0, "held 0x%x of %d players read as 0x%x",
                  (unsigned)held_cases[i].held, (int)held_cases[i].n_players, (unsigned)got.held);
    }
    camsep_shm_reader_close(r);
    camsep_shm_writer_close(w);
    camsep_shm_reader_close(NULL);
    camsep_shm_writer_close(NULL);
    printf("round trip: ok\n");
}

/* ---- 2. processes and threads ---- */
typedef struct reader_result {
    uint64_t records, skipped, retries, resyncs;
    uint64_t bad, disorder;
    uint64_t lat_n;
    int64_t lat_median_ns, lat_max_ns;
    int saw_last;
    char msg[160];
} reader_result;

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static camsep_shm_reader *open_when_there(const char *name, int64_t deadline)
{
    char err[256];
    camsep_shm_reader *r = NULL;
    while (camsep_monotonic_ns() < deadline) {
        int rc = camsep_shm_reader_try_open(name, NULL, &r, err, sizeof err);
        CHECK_MSG(rc >= 0, "%s", err);
        if (rc == 1)
            return r;
        sleep_ms(1);
    }
    die(__FILE__, __LINE__, "%s did not appear: %s", name, err);
    return NULL;
}

/* Reads until the last record, checking each one; opens the name, or uses
 * the given reader. */
static void stress_reader(const char *name, camsep_shm_reader *given, reader_result *res)
{
    memset(res, 0, sizeof *res);
    int64_t deadline = camsep_monotonic_ns() + 60000 * MS;
    camsep_shm_reader *r = given ? given : open_when_there(name, deadline);
    int64_t lat[LATENCY_RECORDS];
    uint64_t last_seq = 0;
    int64_t last_ts = INT64_MIN;
    int any = 0;
    const uint64_t total = STRESS_RECORDS + LATENCY_RECORDS;
    while (!res->saw_last && camsep_monotonic_ns() < deadline) {
        camsep_shm_record rec;
        int64_t now = camsep_monotonic_ns();
        camsep_shm_poll_result pr = camsep_shm_reader_poll(r, now, &rec);
        if (pr != CAMSEP_SHM_RECORD) {
            /* Flat out, a reader spins; a stalling one, or any once the
             * flat-out phase is over, polls like an audio callback (and, on a
             * small machine, leaves the CPU to the writer). */
            if (stall_max_ns > 0 || (last_seq >= STRESS_RECORDS - 1 && any))
                camsep_sleep_until_ns(now + 100000);
            continue;
        }
        if (!record_ok(&rec) && res->bad++ == 0)
            snprintf(res->msg, sizeof res->msg, "torn record %llu", (unsigned long long)rec.sequence);
        if (any && (rec.sequence <= last_seq || rec.timestamp_ns < last_ts) && res->disorder++ == 0)
            snprintf(res->msg, sizeof res->msg, "record %llu after %llu", (unsigned long long)rec.sequence,
                     (unsigned long long)last_seq);
        if (rec.generation != 1 && res->bad++ == 0)
            snprintf(res->msg, sizeof res->msg, "generation %llu", (unsigned long long)rec.generation);
        any = 1;
        last_seq = rec.sequence;
        last_ts = rec.timestamp_ns;
        if (rec.sequence >= STRESS_RECORDS && res->lat_n < LATENCY_RECORDS)
            lat[res->lat_n++] = camsep_monotonic_ns() - rec.timestamp_ns;
        if (rec.sequence == total - 1)
            res->saw_last = 1;
    }
    camsep_shm_reader_stats st;
    camsep_shm_reader_get_stats(r, &st);
    res->records = st.records;
    res->skipped = st.skipped;
    res->retries = st.retries;
    res->resyncs = st.resyncs;
    if (res->lat_n) {
        qsort(lat, res->lat_n, sizeof lat[0], cmp_i64);
        res->lat_median_ns = lat[res->lat_n / 2];
        res->lat_max_ns = lat[res->lat_n - 1];
    }
    if (!given)
        camsep_shm_reader_close(r);
}

/* Flat out, then at 500 Hz with real timestamps; keeps the heartbeat until
 * stop_fd becomes readable (or stop is set). */
static void stress_writer(camsep_shm_writer *w, int stop_fd, atomic_int *stop)
{
    for (uint64_t i = 0; i < STRESS_RECORDS; i++)
        publish_seq(w, 1000 + (int64_t)i);
    int64_t t = camsep_monotonic_ns();
    for (uint64_t i = 0; i < LATENCY_RECORDS; i++) {
        t += 2 * MS;
        camsep_sleep_until_ns(t);
        publish_seq(w, camsep_monotonic_ns());
    }
    for (;;) {
        if (stop && atomic_load(stop))
            break;
        if (stop_fd >= 0) {
            struct pollfd p = {.fd = stop_fd, .events = POLLIN};
            if (poll(&p, 1, 10) > 0)
                break;
        } else {
            sleep_ms(10);
        }
        camsep_shm_writer_heartbeat(w, camsep_monotonic_ns());
    }
}

static void check_result(const char *who, const reader_result *res)
{
    printf("  %s: %llu records, %llu skipped (overrun), %llu slot retries, %llu resyncs; newest-record delay "
           "median %.3f ms, max %.3f ms over %llu\n",
           who, (unsigned long long)res->records, (unsigned long long)res->skipped,
           (unsigned long long)res->retries, (unsigned long long)res->resyncs, res->lat_median_ns / 1e6,
           res->lat_max_ns / 1e6, (unsigned long long)res->lat_n);
    CHECK_MSG(res->bad == 0 && res->disorder == 0, "%s: %llu bad, %llu out of order: %s", who,
              (unsigned long long)res->bad, (unsigned long long)res->disorder, res->msg);
    CHECK_MSG(res->saw_last, "%s never saw the last record", who);
    CHECK(res->records > LATENCY_RECORDS / 2);
    /* At 500 Hz, a reader polling every 0.1 ms: it sees each record at once. */
    CHECK_MSG(res->lat_n >= LATENCY_RECORDS * 9 / 10, "%s saw %llu of the 500 Hz records", who,
              (unsigned long long)res->lat_n);
    CHECK_MSG(res->lat_median_ns < 5 * MS && res->lat_max_ns < 500 * MS, "%s: slow", who);
    if (stall_max_ns > 0) /* stalling readers: the torn-read path did run, often */
        CHECK_MSG(res->retries > 1000, "%s: only %llu retries", who, (unsigned long long)res->retries);
}

static void test_processes(int64_t stall_ns)
{
    const char *name = new_name(stall_ns ? "torn" : "procs");
    int res_pipe[2], stop_pipe[2];
    CHECK(pipe(res_pipe) == 0 && pipe(stop_pipe) == 0);
    pid_t readers[2];
    for (int i = 0; i < 2; i++) {
        readers[i] = spawn();
        if (readers[i] == 0) {
            reader_result res;
            stall_max_ns = stall_ns;
            stall_rng = (uint64_t)i * 7919 + 3;
            stress_reader(name, NULL, &res);
            CHECK(write(res_pipe[1], &res, sizeof res) == (ssize_t)sizeof res);
            _exit(0);
        }
    }
    pid_t wp = spawn();
    if (wp == 0) {
        close(stop_pipe[1]);
        char err[256];
        camsep_shm_writer *w = camsep_shm_writer_create(name, 8, 8, err, sizeof err);
        CHECK_MSG(w != NULL, "%s", err);
        stress_writer(w, stop_pipe[0], NULL);
        camsep_shm_writer_close(w);
        _exit(0);
    }
    close(stop_pipe[0]);
    for (int i = 0; i < 2; i++) {
        int st = reap(readers[i]);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "reader process %d failed", i);
    }
    CHECK(write(stop_pipe[1], "x", 1) == 1); /* the writer closes */
    close(stop_pipe[1]);
    int st = reap(wp);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer process failed");
    printf("two reader processes%s, one writer process (%u records flat out, %u at 500 Hz):\n",
           stall_ns ? " stalling in 3/4 of their slot copies" : "", STRESS_RECORDS, LATENCY_RECORDS);
    for (int i = 0; i < 2; i++) {
        reader_result res;
        CHECK(read(res_pipe[0], &res, sizeof res) == (ssize_t)sizeof res);
        check_result(i ? "reader B" : "reader A", &res);
    }
    close(res_pipe[0]);
    close(res_pipe[1]);
    CHECK(shm_open(name, O_RDONLY, 0) < 0 && errno == ENOENT); /* the writer unlinked it */
}

typedef struct thread_arg {
    const char *name;
    camsep_shm_reader *reader; /* NULL: open the name */
    reader_result res;
    camsep_shm_writer *w;
    atomic_int *stop;
} thread_arg;

static void *reader_thread(void *p)
{
    thread_arg *a = p;
    stall_rng = (uint64_t)(uintptr_t)a * 31 + 7;
    stress_reader(a->name, a->reader, &a->res);
    return NULL;
}

static void *writer_thread(void *p)
{
    thread_arg *a = p;
    stress_writer(a->w, -1, a->stop);
    return NULL;
}

#ifdef CAMSEP_SHM_TEST_HOOKS
camsep_shm_reader *camsep_shm_test_reader_alias(camsep_shm_writer *w);
#endif

/* The same in one process with threads. Each reader has its own mapping, as
 * separate processes would; with alias (CAMSEP_SHM_TEST_HOOKS builds) they
 * read the writer's mapping, so that ThreadSanitizer can see both sides. */
static void test_threads(int alias)
{
    const char *name = new_name(alias ? "alias" : "threads");
    char err[256];
    atomic_int stop = 0;
    thread_arg wa = {.name = name, .stop = &stop};
    wa.w = camsep_shm_writer_create(name, 8, 8, err, sizeof err);
    CHECK_MSG(wa.w != NULL, "%s", err);
    thread_arg ra[2] = {{.name = name}, {.name = name}};
#ifdef CAMSEP_SHM_TEST_HOOKS
    for (int i = 0; alias && i < 2; i++) {
        ra[i].reader = camsep_shm_test_reader_alias(wa.w);
        CHECK(ra[i].reader != NULL);
    }
#else
    CHECK(!alias);
#endif
    pthread_t th[3];
    for (int i = 0; i < 2; i++)
        CHECK(pthread_create(&th[i], NULL, reader_thread, &ra[i]) == 0);
    CHECK(pthread_create(&th[2], NULL, writer_thread, &wa) == 0);
    for (int i = 0; i < 2; i++)
        CHECK(pthread_join(th[i], NULL) == 0);
    atomic_store(&stop, 1);
    CHECK(pthread_join(th[2], NULL) == 0);
    for (int i = 0; i < 2; i++)
        camsep_shm_reader_close(ra[i].reader);
    camsep_shm_writer_close(wa.w);
    printf("two reader threads%s, one writer thread:\n",
           alias ? (stall_max_ns ? " on the writer's mapping, stalling" : " on the writer's mapping") : "");
    check_result("thread A", &ra[0].res);
    check_result("thread B", &ra[1].res);
}

/* ---- 3. a writer dies, another takes over ---- */
#define STALE_TIMEOUT (250 * MS)

typedef struct restart_result {
    int phase;
    uint64_t gen1, gen2, fresh;   /* records of W1, W2 (in place), W3 (new segment) */
    int64_t stale_delay_ns;       /* stale onset - newest heartbeat-carrying record */
    int64_t resync_delay_ns;      /* first record of W2 - its capture time */
    int swaps;                    /* try_open successes */
    uint64_t bad, disorder;
    char msg[160];
} restart_result;

/* A writer at 1 kHz until stop_fd becomes readable (the stop pipes are
 * inherited by every child, so EOF would not come); SIGKILL is the other way
 * out. */
static void kilohertz_writer(const char *name, int stop_fd, uint64_t want_gen)
{
    char err[256];
    camsep_shm_writer *w = camsep_shm_writer_create(name, 4, 2, err, sizeof err);
    CHECK_MSG(w != NULL, "%s", err);
    CHECK_MSG(camsep_shm_writer_generation(w) == want_gen, "generation %llu, expected %llu",
              (unsigned long long)camsep_shm_writer_generation(w), (unsigned long long)want_gen);
    int64_t t = camsep_monotonic_ns();
    for (;;) {
        struct pollfd p = {.fd = stop_fd, .events = POLLIN};
        if (poll(&p, 1, 0) > 0)
            break;
        publish_seq(w, camsep_monotonic_ns());
        t += MS;
        camsep_sleep_until_ns(t);
    }
    camsep_shm_writer_close(w);
}

static void restart_reader(const char *name, restart_result *res)
{
    memset(res, 0, sizeof *res);
    int64_t deadline = camsep_monotonic_ns() + 20000 * MS;
    camsep_shm_reader *r = open_when_there(name, deadline);
    camsep_shm_reader_set_timeout(r, STALE_TIMEOUT);
    uint64_t last_seq = 0;
    int64_t last_ts = 0, next_try = 0;
    int any = 0;
    char err[256];
    /* phases: 0 W1 records, 1 stale (W1 killed), 2 W2 records, 3 stale (W2 closed), 4 W3 records */
    while (res->phase < 5 && camsep_monotonic_ns() < deadline) {
        camsep_shm_record rec;
        int64_t now = camsep_monotonic_ns();
        camsep_shm_poll_result pr = camsep_shm_reader_poll(r, now, &rec);
        if (pr == CAMSEP_SHM_STALE) {
            if (res->phase == 0 && res->gen1 > 0) {
                res->phase = 1;
                res->stale_delay_ns = now - last_ts;
            } else if (res->phase == 2) {
                res->phase = 3;
            }
            if (now >= next_try) { /* what an LV2 worker would do while stale */
                camsep_shm_reader *nr = NULL;
                int rc = camsep_shm_reader_try_open(name, r, &nr, err, sizeof err);
                CHECK_MSG(rc >= 0, "%s", err);
                if (rc == 1) {
                    camsep_shm_reader_close(r);
                    r = nr;
                    camsep_shm_reader_set_timeout(r, STALE_TIMEOUT);
                    res->swaps++;
                    any = 0; /* a new segment numbers from 0 */
                }
                next_try = now + 20 * MS;
            }
        } else if (pr == CAMSEP_SHM_RECORD) {
            if (!record_ok(&rec) && res->bad++ == 0)
                snprintf(res->msg, sizeof res->msg, "torn record %llu", (unsigned long long)rec.sequence);
            if (any && rec.sequence <= last_seq && res->disorder++ == 0)
                snprintf(res->msg, sizeof res->msg, "record %llu after %llu", (unsigned long long)rec.sequence,
                         (unsigned long long)last_seq);
            any = 1;
            last_seq = rec.sequence;
            last_ts = rec.timestamp_ns;
            if (res->phase == 0 && rec.generation == 1) {
                res->gen1++;
            } else if ((res->phase == 1 || res->phase == 2) && rec.generation == 2 && res->swaps == 0) {
                if (res->phase == 1)
                    res->resync_delay_ns = now - rec.timestamp_ns;
                res->phase = 2;
                res->gen2++;
            } else if (res->phase == 3 && rec.generation == 1 && res->swaps == 1) {
                if (++res->fresh >= 50)
                    res->phase = 5;
            } else if (res->bad++ == 0) {
                snprintf(res->msg, sizeof res->msg, "generation %llu in phase %d after %d swaps",
                         (unsigned long long)rec.generation, res->phase, res->swaps);
            }
        }
        camsep_sleep_until_ns(now + 500000); /* an audio callback every 0.5 ms */
    }
    camsep_shm_reader_close(r);
}

static void test_restart(void)
{
    const char *name = new_name("restart");
    int res_pipe[2];
    CHECK(pipe(res_pipe) == 0);
    int stop1[2], stop2[2], stop3[2];
    CHECK(pipe(stop1) == 0 && pipe(stop2) == 0 && pipe(stop3) == 0);

    pid_t w1 = spawn();
    if (w1 == 0) {
        kilohertz_writer(name, stop1[0], 1);
        _exit(0);
    }
    pid_t readers[2];
    for (int i = 0; i < 2; i++) {
        readers[i] = spawn();
        if (readers[i] == 0) {
            restart_result res;
            restart_reader(name, &res);
            CHECK(write(res_pipe[1], &res, sizeof res) == (ssize_t)sizeof res);
            _exit(0);
        }
    }
    sleep_ms(400);
    CHECK(kill(w1, SIGKILL) == 0);
    int st = reap(w1);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    sleep_ms(STALE_TIMEOUT / MS + 400);

    pid_t w2 = spawn(); /* same name: takes the dead writer's segment over in place */
    if (w2 == 0) {
        kilohertz_writer(name, stop2[0], 2);
        _exit(0);
    }
    sleep_ms(400);
    CHECK(write(stop2[1], "x", 1) == 1); /* clean close: unlinks the name */
    st = reap(w2);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "second writer failed");
    sleep_ms(100);

    pid_t w3 = spawn(); /* a new segment: readers must find it with try_open */
    if (w3 == 0) {
        kilohertz_writer(name, stop3[0], 1);
        _exit(0);
    }
    for (int i = 0; i < 2; i++) {
        st = reap(readers[i]);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "reader process %d failed", i);
    }
    CHECK(write(stop3[1], "x", 1) == 1);
    st = reap(w3);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "third writer failed");
    printf("writer killed (SIGKILL), restarted in place, closed, recreated (timeout %.0f ms):\n",
           STALE_TIMEOUT / 1e6);
    for (int i = 0; i < 2; i++) {
        restart_result res;
        CHECK(read(res_pipe[0], &res, sizeof res) == (ssize_t)sizeof res);
        printf("  reader %c: %llu + %llu + %llu records, stale %.1f ms after the last record, first record of "
               "the restarted writer %.2f ms after capture, %d reopen\n",
               'A' + i, (unsigned long long)res.gen1, (unsigned long long)res.gen2, (unsigned long long)res.fresh,
               res.stale_delay_ns / 1e6, res.resync_delay_ns / 1e6, res.swaps);
        CHECK_MSG(res.bad == 0 && res.disorder == 0, "%s", res.msg);
        CHECK_MSG(res.phase == 5, "reader %c stopped in phase %d", 'A' + i, res.phase);
        CHECK(res.gen1 > 50 && res.gen2 > 50 && res.swaps == 1);
        CHECK(res.stale_delay_ns >= STALE_TIMEOUT && res.stale_delay_ns < STALE_TIMEOUT + 200 * MS);
        CHECK(res.resync_delay_ns >= 0 && res.resync_delay_ns < 100 * MS);
    }
    close(res_pipe[0]);
    close(res_pipe[1]);
    int fds[] = {stop1[0], stop1[1], stop2[0], stop2[1], stop3[0], stop3[1]};
    for (int i = 0; i < 6; i++)
        close(fds[i]);
}

/* ---- 4. hostile segments ---- */
static void put_segment(const char *name, const void *bytes, size_t n)
{
    shm_unlink(name);
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0);
    CHECK(ftruncate(fd, (off_t)n) == 0);
    if (n)
        CHECK(write(fd, bytes, n) == (ssize_t)n);
    close(fd);
}

static void expect_rejected(const char *name, const char *what, int try_rc)
{
    char err[256];
    camsep_shm_reader *r = camsep_shm_reader_open(name, err, sizeof err);
    CHECK_MSG(r == NULL, "a reader accepted a segment with %s", what);
    CHECK_MSG(strstr(err, what) != NULL, "message \"%s\" lacks \"%s\"", err, what);
    printf("  rejected: %s\n", err);
    camsep_shm_reader *n = NULL;
    CHECK(camsep_shm_reader_try_open(name, NULL, &n, err, sizeof err) == try_rc && n == NULL);
}

static void put_u32(unsigned char *img, size_t off, uint32_t v) { memcpy(img + off, &v, 4); }
static void put_u64(unsigned char *img, size_t off, uint64_t v) { memcpy(img + off, &v, 8); }

static void test_hostile(void)
{
    const char *name = new_name("hostile");
    char err[256];
    /* a genuine image to forge from */
    camsep_shm_writer *w = camsep_shm_writer_create(name, 2, 1, err, sizeof err);
    CHECK_MSG(w != NULL, "%s", err);
    int fd = shm_open(name, O_RDONLY, 0);
    struct stat st;
    CHECK(fd >= 0 && fstat(fd, &st) == 0);
    size_t size = (size_t)st.st_size;
    CHECK(size == 24704);
    unsigned char *img = malloc(size), *bad = malloc(size + 4096);
    CHECK(img && bad && read(fd, img, size) == (ssize_t)size);
    close(fd);
    camsep_shm_writer_close(w);
    printf("hostile segments:\n");

    memset(bad, 'x', 4096);
    put_segment(name, bad, 4096);
    expect_rejected(name, "not a camsep prior ring", -1);
    CHECK(camsep_shm_writer_create(name, 2, 1, err, sizeof err) == NULL && strstr(err, "not a camsep prior ring"));
    fd = shm_open(name, O_RDONLY, 0); /* and it was left alone */
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 4096);
    close(fd);

    put_segment(name, img, 100);
    expect_rejected(name, "truncated or foreign", -1);
    CHECK(camsep_shm_writer_create(name, 2, 1, err, sizeof err) == NULL);
    put_segment(name, img, 1000);
    expect_rejected(name, "truncated prior ring", -1);
    put_segment(name, img, 0);
    expect_rejected(name, "empty", 0);

    memcpy(bad, img, size);
    for (int i = 0; i < 4; i++) /* the other byte order */
        bad[i] = img[3 - i];
    put_segment(name, bad, size);
    expect_rejected(name, "not a camsep prior ring", -1);

    memcpy(bad, img, size);
    put_u32(bad, 4, 99);
    put_segment(name, bad, size);
    expect_rejected(name, "layout version 99", -1);
    memcpy(bad, img, size); /* a segment of the version before the held mask */
    put_u32(bad, 4, 1);
    put_u32(bad, 16, 320);
    put_segment(name, bad, size);
    expect_rejected(name, "layout version 1, this build reads version 2", -1);
    /* a writer replaces a dead writer's segment of another layout */
    camsep_shm_reader *r = NULL;
    w = camsep_shm_writer_create(name, 2, 1, err, sizeof err);
    CHECK_MSG(w != NULL, "%s", err);
    CHECK(camsep_shm_writer_generation(w) == 1);
    r = camsep_shm_reader_open(name, err, sizeof err);
    CHECK_MSG(r != NULL, "%s", err);
    camsep_shm_reader_close(r);
    camsep_shm_writer_close(w);

    memcpy(bad, img, size);
    put_u32(bad, 16, 316); /* record size */
    put_segment(name, bad, size);
    expect_rejected(name, "sizes differ", -1);
    memcpy(bad, img, size);
    put_u64(bad, 24, (uint64_t)1 << 40); /* total size */
    put_segment(name, bad, size);
    expect_rejected(name, "sizes differ", -1);

    /* unfinished: the creating writer died before storing the magic */
    memcpy(bad, img, size);
    put_u32(bad, 0, 0);
    put_segment(name, bad, size);
    expect_rejected(name, "not initialised yet", 0);
    w = camsep_shm_writer_create(name, 2, 1, err, sizeof err);
    CHECK_MSG(w != NULL, "%s", err);
    camsep_shm_writer_close(w);

    /* a valid header over garbage: poll stays bounded and returns nothing
     * malformed (ASan would see a stray access) */
    uint64_t x = 12345;
    camsep_shm_record got;
    for (int round = 0; round < 200; round++) {
        memcpy(bad, img, 64);
        for (size_t i = 64; i < size; i += 8) {
            uint64_t v = splitmix(&x);
            memcpy(bad + i, &v, 8);
        }
        put_u32(bad, 88, 1);                             /* state: live */
        put_u64(bad, 72, (uint64_t)camsep_monotonic_ns()); /* a fresh heartbeat */
        if (round % 2)
            put_u64(bad, 80, splitmix(&x) % 1000);       /* a small head */
        put_segment(name, bad, size);
        r = camsep_shm_reader_open(name, err, sizeof err);
        CHECK_MSG(r != NULL, "%s", err);
        for (int k = 0; k < 100; k++)
            if (camsep_shm_reader_poll(r, camsep_monotonic_ns(), &got) == CAMSEP_SHM_RECORD)
                CHECK(got.n_players >= 0 && got.n_players <= CAMSEP_SHM_MAX_PLAYERS &&
                      (got.status == CAMSEP_SHM_CAMERA_OK || got.status == CAMSEP_SHM_CAMERA_LOST) &&
                      (got.held >> got.n_players) == 0);
        camsep_shm_reader_close(r);
    }

    /* forged, well-formed slots: one with n_players out of range and one
     * holding a player beyond its n_players are dropped, the next one is
     * delivered */
    memcpy(bad, img, size);
    put_u32(bad, 88, 1);                               /* state: live */
    put_u64(bad, 64, 1);                               /* generation */
    put_u64(bad, 72, (uint64_t)camsep_monotonic_ns()); /* heartbeat */
    put_u64(bad, 80, 1);                               /* head: record 0 is the newest */
    for (int s = 0; s < 3; s++) {
        camsep_shm_record rec;
        make_payload((uint64_t)s, 0, &rec);
        rec.sequence = (uint64_t)s;
        rec.generation = 1;
        if (s == 0)
            rec.n_players = 99;
        if (s == 1)
            rec.held |= 1u << rec.n_players;
        unsigned char *slot = bad + 128 + 384 * (size_t)s;
        put_u64(slot, 0, 2); /* stable */
        memcpy(slot + 8, &rec, sizeof rec);
    }
    put_segment(name, bad, size);
    r = camsep_shm_reader_open(name, err, sizeof err);
    CHECK_MSG(r != NULL, "%s", err);
    CHECK(camsep_shm_reader_poll(r, camsep_monotonic_ns(), &got) == CAMSEP_SHM_EMPTY);
    camsep_shm_reader_stats rs;
    camsep_shm_reader_get_stats(r, &rs);
    CHECK(rs.rejected == 1 && rs.records == 0);
    fd = shm_open(name, O_RDWR, 0); /* the "writer" moves head on */
    CHECK(fd >= 0);
    unsigned char *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    close(fd);
    put_u64(m, 80, 2);
    CHECK(camsep_shm_reader_poll(r, camsep_monotonic_ns(), &got) == CAMSEP_SHM_EMPTY);
    camsep_shm_reader_get_stats(r, &rs);
    CHECK(rs.rejected == 2 && rs.records == 0);
    put_u64(m, 80, 3);
    CHECK(camsep_shm_reader_poll(r, camsep_monotonic_ns(), &got) == CAMSEP_SHM_RECORD);
    CHECK(got.sequence == 2 && record_ok(&got));
    munmap(m, size);
    camsep_shm_reader_close(r);

    shm_unlink(name);
    expect_rejected(name, "no such prior ring", 0);
    free(img);
    free(bad);
}

/* ---- 5. poll allocates nothing ---- */
static void test_no_allocation(void)
{
#ifdef CAMSEP_SANITIZED
    printf("allocation check: skipped under sanitizers\n");
#else
    const char *name = new_name("alloc");
    char err[256];
    camsep_shm_writer *w = camsep_shm_writer_create(name, 4, 4, err, sizeof err);
    CHECK_MSG(w != NULL, "%s", err);
    camsep_shm_reader *r = camsep_shm_reader_open(name, err, sizeof err);
    CHECK_MSG(r != NULL, "%s", err);
    camsep_shm_record rec, got;
    make_payload(0, 0, &rec);
    long before = ALLOCATIONS();
    uint64_t n = 0;
    ARM();
    for (int i = 0; i < 100000; i++) {
        if (i % 3 == 0)
            camsep_shm_writer_publish(w, &rec);
        if (i % 1000 == 0)
            camsep_shm_writer_heartbeat(w, camsep_monotonic_ns());
        while (camsep_shm_reader_poll(r, camsep_monotonic_ns(), &got) == CAMSEP_SHM_RECORD)
            n++;
    }
    camsep_shm_reader_poll(r, INT64_MAX, &got); /* stale path */
    DISARM();
    CHECK_MSG(ALLOCATIONS() == before, "%ld allocations in publish/poll", ALLOCATIONS() - before);
    CHECK(n > 30000);
    camsep_shm_reader_close(r);
    camsep_shm_writer_close(w);
    printf("allocation check: no allocation in %llu polls returning a record, publish and heartbeat\n",
           (unsigned long long)n);
#endif
}

/* ---- the strace body: a writer child, then a poll loop between two markers ---- */
static int poll_syscalls(void)
{
    const char *name = new_name("strace");
    int stop[2];
    CHECK(pipe(stop) == 0);
    pid_t wp = spawn();
    if (wp == 0) {
        kilohertz_writer(name, stop[0], 1);
        _exit(0);
    }
    camsep_shm_reader *r = open_when_there(name, camsep_monotonic_ns() + 10000 * MS);
    camsep_shm_record got;
    long records = 0, stale = 0, polls = 0;
    int64_t end = camsep_monotonic_ns() + 300 * MS;
    /* Markers: writes to fd -1 fail at once and stand out in the trace. */
    if (write(-1, "camsep-poll-begin", 17) < 0) {
    }
    for (int64_t now = camsep_monotonic_ns(); now < end; now = camsep_monotonic_ns()) {
        camsep_shm_poll_result pr = camsep_shm_reader_poll(r, now, &got);
        records += pr == CAMSEP_SHM_RECORD;
        stale += pr == CAMSEP_SHM_STALE;
        polls++;
    }
    stale += camsep_shm_reader_poll(r, INT64_MAX, &got) == CAMSEP_SHM_STALE;
    if (write(-1, "camsep-poll-end", 15) < 0) {
    }
    camsep_shm_reader_close(r);
    CHECK(write(stop[1], "x", 1) == 1);
    int st = reap(wp);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    printf("poll loop: %ld polls, %ld records, %ld stale\n", polls, records, stale);
    CHECK(records > 100 && stale == 1);
    return 0;
}

int main(int argc, char **argv)
{
    main_pid = getpid();
    atexit(cleanup);
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], on_signal);
    setvbuf(stdout, NULL, _IOLBF, 0);

#ifdef CAMSEP_SHM_TEST_HOOKS
    (void)argc;
    (void)argv;
    stall_max_ns = 100000;
    test_threads(1);
    test_processes(100000);
    printf("torn-read tests passed\n");
    return 0;
#endif
    if (argc > 1 && strcmp(argv[1], "--poll-syscalls") == 0)
        return poll_syscalls();
    test_names();
    test_round_trip();
    test_hostile();
    test_no_allocation();
    test_threads(0);
    test_processes(0);
    test_restart();
    printf("all shared-memory ring tests passed\n");
    return 0;
}
