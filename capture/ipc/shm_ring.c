/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Named POSIX shared-memory prior ring (see shm_ring.h, docs/shm-ring.md).
 *
 * Memory layout, layout version 2 (native byte order and alignment; the
 * magic read in the wrong byte order does not match, so a foreign-endian
 * segment is rejected). 24 704 bytes:
 *
 *   offset  size  field                 written
 *   ------  ----  --------------------  ------------------------------------
 *        0     4  magic "CSPR"          last at creation (release); 0 = not ready
 *        4     4  version (2)           at creation, before magic
 *        8     4  header_size (128)     at creation
 *       12     4  slot_size (384)       at creation
 *       16     4  record_size (328)     at creation
 *       20     4  n_slots (64)          at creation
 *       24     8  total_size (24 704)   at creation
 *       32     4  max_players (8)       at creation
 *       36     4  max_motion (8)        at creation
 *       40    24  reserved (0)
 *       64     8  generation            by each writer at start: 1, 2, ...
 *       72     8  heartbeat_ns          by publish and heartbeat (CLOCK_MONOTONIC)
 *       80     8  head                  records published (= next sequence)
 *       88     4  state                 0 starting, 1 live, 2 closed
 *       92     4  n_players             announced by the writer
 *       96     4  motion_channels       announced by the writer
 *      100     4  writer_pid            informational
 *      104    24  reserved (0)
 *      128        slots[64], 384 bytes each:
 *                   0    8  seq   even = stable, odd = being written
 *                   8  328  the camsep_shm_record, as 41 64-bit words
 *                 336   48  padding
 *
 * Version 2 added the record's held mask (and a reserved word) after status;
 * version 1 records were 320 bytes, activity at 32.
 *
 * The static fields (offsets 0..63) never change after the magic is stored;
 * everything from offset 64 on is a lock-free atomic, written by the single
 * writer only. Record sequence s lives in slot s % 64.
 *
 * Seqlock, formulated so that the C11 memory model (and ThreadSanitizer)
 * accepts it without standalone fences: every payload word is an atomic.
 *   writer: seq = odd (relaxed); words (release); seq = odd + 1 (release);
 *           head = s + 1 (release); heartbeat (release)
 *   reader: s0 = seq (acquire), retry if odd; words (acquire);
 *           s1 = seq (relaxed); the copy is whole iff s0 == s1.
 * If the reader saw any word of a later write, that word's release store
 * synchronises with its acquire load, so the writer's odd store happens before
 * the reader's s1 load and s1 != s0. On x86-64 all of these are plain moves;
 * on AArch64 they are ldar/stlr.
 *
 * A writer that died inside a slot leaves its seq odd and head unchanged; the
 * next writer continues at head and steps the odd seq to the next odd value.
 */
#define _POSIX_C_SOURCE 200809L
#include "shm_ring.h"

#include "capture_clock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHM_MAGIC 0x52505343u /* "CSPR" in little-endian memory order */
#define SHM_VERSION 2u
#define SHM_WORDS (sizeof(camsep_shm_record) / sizeof(uint64_t))
#define SHM_SLOT_SIZE 384u
#define SHM_HEADER_SIZE 128u
#define SHM_TOTAL_SIZE ((uint64_t)SHM_HEADER_SIZE + (uint64_t)CAMSEP_SHM_SLOTS * SHM_SLOT_SIZE)
#define SHM_READ_ATTEMPTS 8 /* slot reads per poll at most: bounds its time */

enum { STATE_STARTING = 0, STATE_LIVE = 1, STATE_CLOSED = 2 };

/* Test seam: tests/test_shm_ring.c builds a copy of this file with
 * CAMSEP_SHM_TEST_HOOKS to stall readers in the middle of a slot copy, so
 * that the writer laps them and the torn-read path runs often, and to make
 * readers over the writer's own mapping (camsep_shm_test_reader_alias, at the
 * end), so that ThreadSanitizer sees both sides at the same addresses. */
#ifdef CAMSEP_SHM_TEST_HOOKS
void camsep_shm_test_read_hook(void);
#define READ_HOOK() camsep_shm_test_read_hook()
#else
#define READ_HOOK() ((void)0)
#endif

typedef struct shm_header {
    /* static: written once, before the magic */
    _Atomic uint32_t magic;
    uint32_t version;
    uint32_t header_size;
    uint32_t slot_size;
    uint32_t record_size;
    uint32_t n_slots;
    uint64_t total_size;
    uint32_t max_players;
    uint32_t max_motion;
    uint8_t reserved0[24];
    /* dynamic: the writer's */
    _Atomic uint64_t generation;
    _Atomic int64_t heartbeat_ns;
    _Atomic uint64_t head;
    _Atomic uint32_t state;
    _Atomic int32_t n_players;
    _Atomic int32_t motion_channels;
    _Atomic int32_t writer_pid;
    uint8_t reserved1[24];
} shm_header;

typedef struct shm_slot {
    _Atomic uint64_t seq;
    _Atomic uint64_t word[SHM_WORDS];
    uint8_t pad[SHM_SLOT_SIZE - 8 - 8 * SHM_WORDS];
} shm_slot;

/* The layout is shared between processes (possibly different builds): pin it. */
_Static_assert(sizeof(camsep_shm_record) == 328, "record layout");
_Static_assert(sizeof(camsep_shm_record) % sizeof(uint64_t) == 0, "record is whole words");
_Static_assert(offsetof(camsep_shm_record, n_players) == 24 && offsetof(camsep_shm_record, held) == 32 &&
                   offsetof(camsep_shm_record, activity) == 40 && offsetof(camsep_shm_record, motion) == 72,
               "record layout");
_Static_assert(CAMSEP_SHM_MAX_PLAYERS < 32, "held has a bit per player");
_Static_assert(sizeof(shm_header) == SHM_HEADER_SIZE, "header layout");
_Static_assert(offsetof(shm_header, total_size) == 24 && offsetof(shm_header, generation) == 64 &&
                   offsetof(shm_header, heartbeat_ns) == 72 && offsetof(shm_header, head) == 80 &&
                   offsetof(shm_header, state) == 88 && offsetof(shm_header, writer_pid) == 100,
               "header layout");
_Static_assert(sizeof(shm_slot) == SHM_SLOT_SIZE && offsetof(shm_slot, word) == 8, "slot layout");
/* Atomics in shared memory must be address-free, i.e. lock-free. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2 && ATOMIC_LONG_LOCK_FREE == 2 && ATOMIC_INT_LOCK_FREE == 2, "lock-free 64-bit atomics needed");
_Static_assert(sizeof(long long) == 8 && sizeof(int) == 4, "integer sizes");

struct camsep_shm_writer {
    int fd;
    unsigned char *map;
    shm_header *hdr;
    shm_slot *slots;
    uint64_t next_seq;
    uint64_t generation;
    char name[CAMSEP_SHM_NAME_MAX + 1];
    dev_t dev;
    ino_t ino;
};

struct camsep_shm_reader {
    const unsigned char *map;
    const shm_header *hdr;
    const shm_slot *slots;
    size_t map_len;
    dev_t dev;
    ino_t ino;
    int64_t timeout_ns;
    /* the reader thread's */
    int synced;
    uint64_t generation;
    uint64_t next;
    camsep_shm_reader_stats stats;
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

int camsep_shm_name_valid(const char *name, char *err, size_t errlen)
{
    if (!name || name[0] != '/') {
        set_err(err, errlen, "shared-memory name must start with '/' (e.g. \"/camsep-stage\")");
        return -1;
    }
    size_t n = strlen(name);
    if (n < 2 || n > CAMSEP_SHM_NAME_MAX) {
        set_err(err, errlen, "shared-memory name \"%.40s\" must have 1..%d characters after the '/'", name,
                CAMSEP_SHM_NAME_MAX - 1);
        return -1;
    }
    if (strcmp(name, "/.") == 0 || strcmp(name, "/..") == 0) {
        set_err(err, errlen, "shared-memory name \"%s\" is not allowed", name);
        return -1;
    }
    for (size_t i = 1; i < n; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                 c == '_' || c == '-';
        if (!ok) {
            set_err(err, errlen,
                    "shared-memory name \"%.40s\" may only hold letters, digits, '.', '_' and '-' after the "
                    "leading '/'",
                    name);
            return -1;
        }
    }
    return 0;
}

/* The held bits a record of n players (0..CAMSEP_SHM_MAX_PLAYERS) may have. */
static uint32_t players_mask(int32_t n)
{
    return ((uint32_t)1 << n) - 1u;
}

/* ---------------------------------------------------------------- writer */

static void init_segment(unsigned char *map, int n_players, int motion_channels, int64_t now)
{
    shm_header *h = (shm_header *)map;
    /* The segment is fresh from ftruncate (zeros) or a half-initialised one
     * nobody could have validated: clear it and write the static part. */
    memset(map, 0, SHM_TOTAL_SIZE);
    h->version = SHM_VERSION;
    h->header_size = SHM_HEADER_SIZE;
    h->slot_size = SHM_SLOT_SIZE;
    h->record_size = (uint32_t)sizeof(camsep_shm_record);
    h->n_slots = CAMSEP_SHM_SLOTS;
    h->total_size = SHM_TOTAL_SIZE;
    h->max_players = CAMSEP_SHM_MAX_PLAYERS;
    h->max_motion = CAMSEP_SHM_MAX_MOTION;
    atomic_init(&h->generation, 0);
    atomic_init(&h->heartbeat_ns, now);
    atomic_init(&h->head, 0);
    atomic_init(&h->state, STATE_STARTING);
    atomic_init(&h->n_players, n_players);
    atomic_init(&h->motion_channels, motion_channels);
    atomic_init(&h->writer_pid, (int32_t)getpid());
    shm_slot *slots = (shm_slot *)(map + SHM_HEADER_SIZE);
    for (int i = 0; i < CAMSEP_SHM_SLOTS; i++) {
        atomic_init(&slots[i].seq, 0);
        for (size_t k = 0; k < SHM_WORDS; k++)
            atomic_init(&slots[i].word[k], 0);
    }
    atomic_store_explicit(&h->magic, SHM_MAGIC, memory_order_release);
}

static int layout_matches(const shm_header *h)
{
    return h->version == SHM_VERSION && h->header_size == SHM_HEADER_SIZE && h->slot_size == SHM_SLOT_SIZE &&
           h->record_size == sizeof(camsep_shm_record) && h->n_slots == CAMSEP_SHM_SLOTS &&
           h->total_size == SHM_TOTAL_SIZE && h->max_players == CAMSEP_SHM_MAX_PLAYERS &&
           h->max_motion == CAMSEP_SHM_MAX_MOTION;
}

/* Opens (creating if absent) and locks the name. Returns the fd, -1 on error,
 * -2 when a live writer holds it. */
static int open_locked(const char *name, int flags, char *err, size_t errlen)
{
    int fd = shm_open(name, O_RDWR | O_CREAT | flags, 0644);
    if (fd < 0) {
        set_err(err, errlen, "%s: shm_open: %s", name, strerror(errno));
        return -1;
    }
    /* flock: held for the writer's life, dropped by the kernel when it dies
     * (unlike fcntl locks, closing another descriptor of the same file in the
     * process does not drop it). */
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        if (e == EWOULDBLOCK) {
            set_err(err, errlen, "%s: another camsep capture process is publishing on it", name);
            return -2;
        }
        set_err(err, errlen, "%s: flock: %s", name, strerror(e));
        return -1;
    }
    return fd;
}

camsep_shm_writer *camsep_shm_writer_create(const char *name, int n_players, int motion_channels, char *err,
                                            size_t errlen)
{
    if (camsep_shm_name_valid(name, err, errlen) != 0)
        return NULL;
    if (n_players < 1 || n_players > CAMSEP_SHM_MAX_PLAYERS || motion_channels < 0 ||
        motion_channels > CAMSEP_SHM_MAX_MOTION) {
        set_err(err, errlen, "%s: %d players / %d motion channels out of range (1..%d / 0..%d)", name, n_players,
                motion_channels, CAMSEP_SHM_MAX_PLAYERS, CAMSEP_SHM_MAX_MOTION);
        return NULL;
    }
    camsep_shm_writer *w = calloc(1, sizeof *w);
    if (!w) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    w->fd = -1;
    snprintf(w->name, sizeof w->name, "%s", name);

    int fd = open_locked(name, 0, err, errlen);
    if (fd < 0)
        goto fail;
    for (int attempt = 0;; attempt++) {
        struct stat st;
        if (fstat(fd, &st) != 0) {
            set_err(err, errlen, "%s: fstat: %s", name, strerror(errno));
            goto fail_fd;
        }
        int fresh = 0;
        if (st.st_size == 0) {
            fresh = 1;
        } else if ((uint64_t)st.st_size >= SHM_HEADER_SIZE) {
            /* Someone's segment: look at its header (we hold the lock, so no
             * writer of ours is touching it). */
            void *m = mmap(NULL, SHM_HEADER_SIZE, PROT_READ, MAP_SHARED, fd, 0);
            if (m == MAP_FAILED) {
                set_err(err, errlen, "%s: mmap: %s", name, strerror(errno));
                goto fail_fd;
            }
            const shm_header *h = m;
            uint32_t magic = atomic_load_explicit(&((shm_header *)m)->magic, memory_order_acquire);
            int ours = magic == SHM_MAGIC;
            int same = ours && layout_matches(h) && (uint64_t)st.st_size >= SHM_TOTAL_SIZE;
            uint32_t version = h->version;
            munmap(m, SHM_HEADER_SIZE);
            if (magic == 0 && (uint64_t)st.st_size == SHM_TOTAL_SIZE) {
                fresh = 1; /* a writer died while creating it: nobody can have validated it */
            } else if (!ours) {
                set_err(err, errlen,
                        "%s exists and is not a camsep prior ring (%lld bytes, magic 0x%08x); remove it "
                        "(/dev/shm%s) or choose another name",
                        name, (long long)st.st_size, (unsigned)magic, name);
                goto fail_fd;
            } else if (!same) {
                /* Left by a camsep writer of another layout that is gone (we
                 * hold the lock): replace it by a new segment. Readers mapped
                 * to the old one go stale and find the new one with try_open. */
                if (attempt > 0) {
                    set_err(err, errlen, "%s: replaced segment has layout version %u again", name, version);
                    goto fail_fd;
                }
                shm_unlink(name);
                close(fd);
                fd = open_locked(name, O_EXCL, err, errlen);
                if (fd < 0)
                    goto fail;
                continue;
            }
        } else {
            set_err(err, errlen,
                    "%s exists and is not a camsep prior ring (%lld bytes); remove it (/dev/shm%s) or choose "
                    "another name",
                    name, (long long)st.st_size, name);
            goto fail_fd;
        }
        if (fresh && ftruncate(fd, (off_t)SHM_TOTAL_SIZE) != 0) {
            set_err(err, errlen, "%s: ftruncate: %s", name, strerror(errno));
            goto fail_fd;
        }
        w->dev = st.st_dev;
        w->ino = st.st_ino;
        void *m = mmap(NULL, SHM_TOTAL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (m == MAP_FAILED) {
            set_err(err, errlen, "%s: mmap: %s", name, strerror(errno));
            goto fail_fd;
        }
        w->map = m;
        w->fd = fd;
        w->hdr = (shm_header *)w->map;
        w->slots = (shm_slot *)(w->map + SHM_HEADER_SIZE);
        int64_t now = camsep_monotonic_ns();
        if (fresh)
            init_segment(w->map, n_players, motion_channels, now);
        break;
    }

    /* Start (or take over) as the next generation. Readers see "starting"
     * (stale) until the state turns live, then resynchronise on the new
     * generation. head carries on, so sequence numbers keep increasing. */
    shm_header *h = w->hdr;
    atomic_store_explicit(&h->state, STATE_STARTING, memory_order_release);
    atomic_store_explicit(&h->n_players, n_players, memory_order_relaxed);
    atomic_store_explicit(&h->motion_channels, motion_channels, memory_order_relaxed);
    atomic_store_explicit(&h->writer_pid, (int32_t)getpid(), memory_order_relaxed);
    w->generation = atomic_load_explicit(&h->generation, memory_order_relaxed) + 1;
    w->next_seq = atomic_load_explicit(&h->head, memory_order_relaxed);
    atomic_store_explicit(&h->generation, w->generation, memory_order_release);
    atomic_store_explicit(&h->heartbeat_ns, camsep_monotonic_ns(), memory_order_release);
    atomic_store_explicit(&h->state, STATE_LIVE, memory_order_release);
    return w;

fail_fd:
    close(fd);
fail:
    free(w);
    return NULL;
}

void camsep_shm_writer_publish(camsep_shm_writer *w, const camsep_shm_record *rec)
{
    camsep_shm_record r = *rec;
    r.sequence = w->next_seq;
    r.generation = w->generation;
    if (r.n_players < 0)
        r.n_players = 0;
    if (r.n_players > CAMSEP_SHM_MAX_PLAYERS)
        r.n_players = CAMSEP_SHM_MAX_PLAYERS;
    if (r.status != CAMSEP_SHM_CAMERA_OK)
        r.status = CAMSEP_SHM_CAMERA_LOST;
    r.held &= players_mask(r.n_players);
    r.reserved = 0;
    uint64_t words[SHM_WORDS];
    memcpy(words, &r, sizeof words);

    shm_slot *slot = &w->slots[w->next_seq % CAMSEP_SHM_SLOTS];
    uint64_t s = atomic_load_explicit(&slot->seq, memory_order_relaxed);
    uint64_t begin = s + 1 + (s & 1); /* next odd value (a dead writer may have left it odd) */
    atomic_store_explicit(&slot->seq, begin, memory_order_relaxed);
    for (size_t i = 0; i < SHM_WORDS; i++)
        atomic_store_explicit(&slot->word[i], words[i], memory_order_release);
    atomic_store_explicit(&slot->seq, begin + 1, memory_order_release);

    w->next_seq++;
    atomic_store_explicit(&w->hdr->head, w->next_seq, memory_order_release);
    atomic_store_explicit(&w->hdr->heartbeat_ns, camsep_monotonic_ns(), memory_order_release);
}

void camsep_shm_writer_heartbeat(camsep_shm_writer *w, int64_t now_ns)
{
    atomic_store_explicit(&w->hdr->heartbeat_ns, now_ns, memory_order_release);
}

uint64_t camsep_shm_writer_published(const camsep_shm_writer *w)
{
    return w->next_seq;
}

uint64_t camsep_shm_writer_generation(const camsep_shm_writer *w)
{
    return w->generation;
}

void camsep_shm_writer_close(camsep_shm_writer *w)
{
    if (!w)
        return;
    atomic_store_explicit(&w->hdr->state, STATE_CLOSED, memory_order_release);
    /* Unlink the name only if it is still ours (and before dropping the lock,
     * so that a new writer's segment is never unlinked by us). */
    int fd = shm_open(w->name, O_RDONLY, 0);
    if (fd >= 0) {
        struct stat st;
        if (fstat(fd, &st) == 0 && st.st_dev == w->dev && st.st_ino == w->ino)
            shm_unlink(w->name);
        close(fd);
    }
    munmap(w->map, SHM_TOTAL_SIZE);
    close(w->fd);
    free(w);
}

/* ---------------------------------------------------------------- reader */

enum { OPEN_OK = 0, OPEN_ABSENT = 1, OPEN_NOT_READY = 2, OPEN_SAME = 3, OPEN_BAD = -1 };

static int reader_map(const char *name, const camsep_shm_reader *current, camsep_shm_reader **out, char *err,
                      size_t errlen)
{
    *out = NULL;
    if (camsep_shm_name_valid(name, err, errlen) != 0)
        return OPEN_BAD;
    int fd = shm_open(name, O_RDONLY, 0);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT) {
            set_err(err, errlen, "%s: no such prior ring (is the capture process running?)", name);
            return OPEN_ABSENT;
        }
        set_err(err, errlen, "%s: shm_open: %s", name, strerror(e));
        return OPEN_BAD;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        set_err(err, errlen, "%s: fstat: %s", name, strerror(errno));
        close(fd);
        return OPEN_BAD;
    }
    if (current && current->dev == st.st_dev && current->ino == st.st_ino) {
        close(fd);
        set_err(err, errlen, "%s: same segment as before", name);
        return OPEN_SAME;
    }
    if (st.st_size == 0) {
        close(fd);
        set_err(err, errlen, "%s: the segment is empty (a writer is creating it?)", name);
        return OPEN_NOT_READY;
    }
    if ((uint64_t)st.st_size < SHM_HEADER_SIZE) {
        close(fd);
        set_err(err, errlen, "%s: truncated or foreign segment: %lld bytes, a camsep prior ring has %llu", name,
                (long long)st.st_size, (unsigned long long)SHM_TOTAL_SIZE);
        return OPEN_BAD;
    }
    size_t len = (uint64_t)st.st_size < SHM_TOTAL_SIZE ? (size_t)st.st_size : (size_t)SHM_TOTAL_SIZE;
    void *m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    int e = errno;
    close(fd);
    if (m == MAP_FAILED) {
        set_err(err, errlen, "%s: mmap: %s", name, strerror(e));
        return OPEN_BAD;
    }
    const shm_header *h = m;
    uint32_t magic = atomic_load_explicit(&((shm_header *)m)->magic, memory_order_acquire);
    int rc = OPEN_BAD;
    if (magic == 0 && (uint64_t)st.st_size == SHM_TOTAL_SIZE) {
        set_err(err, errlen, "%s: not initialised yet (a writer is creating it?)", name);
        rc = OPEN_NOT_READY;
    } else if (magic != SHM_MAGIC) {
        set_err(err, errlen, "%s: not a camsep prior ring (magic 0x%08x, expected 0x%08x)", name, (unsigned)magic,
                SHM_MAGIC);
    } else if (h->version != SHM_VERSION) {
        set_err(err, errlen, "%s: prior ring layout version %u, this build reads version %u (update both sides)",
                name, (unsigned)h->version, SHM_VERSION);
    } else if (!layout_matches(h)) {
        set_err(err, errlen,
                "%s: prior ring sizes differ from this build (header %u, slot %u, record %u, %u slots, %llu "
                "bytes, %ux%u; expected %u, %u, %u, %u, %llu, %ux%u)",
                name, (unsigned)h->header_size, (unsigned)h->slot_size, (unsigned)h->record_size,
                (unsigned)h->n_slots, (unsigned long long)h->total_size, (unsigned)h->max_players,
                (unsigned)h->max_motion, SHM_HEADER_SIZE, SHM_SLOT_SIZE, (unsigned)sizeof(camsep_shm_record),
                CAMSEP_SHM_SLOTS, (unsigned long long)SHM_TOTAL_SIZE, CAMSEP_SHM_MAX_PLAYERS,
                CAMSEP_SHM_MAX_MOTION);
    } else if ((uint64_t)st.st_size < SHM_TOTAL_SIZE) {
        set_err(err, errlen, "%s: truncated prior ring: %lld bytes, its header says %llu", name,
                (long long)st.st_size, (unsigned long long)SHM_TOTAL_SIZE);
    } else {
        rc = OPEN_OK;
    }
    if (rc != OPEN_OK) {
        munmap(m, len);
        return rc;
    }
    camsep_shm_reader *r = calloc(1, sizeof *r);
    if (!r) {
        munmap(m, len);
        set_err(err, errlen, "out of memory");
        return OPEN_BAD;
    }
    r->map = m;
    r->map_len = len;
    r->hdr = h;
    r->slots = (const shm_slot *)(r->map + SHM_HEADER_SIZE);
    r->dev = st.st_dev;
    r->ino = st.st_ino;
    r->timeout_ns = CAMSEP_SHM_DEFAULT_TIMEOUT_NS;
    *out = r;
    return OPEN_OK;
}

camsep_shm_reader *camsep_shm_reader_open(const char *name, char *err, size_t errlen)
{
    camsep_shm_reader *r;
    reader_map(name, NULL, &r, err, errlen);
    return r;
}

int camsep_shm_reader_try_open(const char *name, const camsep_shm_reader *current, camsep_shm_reader **out,
                               char *err, size_t errlen)
{
    int rc = reader_map(name, current, out, err, errlen);
    if (rc == OPEN_OK)
        return 1;
    return rc == OPEN_BAD ? -1 : 0;
}

void camsep_shm_reader_set_timeout(camsep_shm_reader *r, int64_t timeout_ns)
{
    if (r && timeout_ns > 0)
        r->timeout_ns = timeout_ns;
}

/* Copies one slot without tearing: 1 on success, 0 if the writer was inside
 * it (the caller decides whether to retry). */
static int read_slot(const shm_slot *slot, uint64_t *words)
{
    /* The loads are on read-only memory; the casts only drop const for the
     * atomic_load prototypes of older compilers. */
    shm_slot *s = (shm_slot *)slot;
    uint64_t s0 = atomic_load_explicit(&s->seq, memory_order_acquire);
    if (s0 & 1)
        return 0;
    for (size_t i = 0; i < SHM_WORDS; i++) {
        words[i] = atomic_load_explicit(&s->word[i], memory_order_acquire);
        if (i == SHM_WORDS / 2)
            READ_HOOK();
    }
    uint64_t s1 = atomic_load_explicit(&s->seq, memory_order_relaxed);
    return s0 == s1;
}

camsep_shm_poll_result camsep_shm_reader_poll(camsep_shm_reader *r, int64_t now_ns, camsep_shm_record *out)
{
    if (!r)
        return CAMSEP_SHM_STALE;
    shm_header *h = (shm_header *)r->hdr;
    for (int attempt = 0; attempt < SHM_READ_ATTEMPTS; attempt++) {
        if (atomic_load_explicit(&h->state, memory_order_acquire) != STATE_LIVE)
            return CAMSEP_SHM_STALE;
        int64_t hb = atomic_load_explicit(&h->heartbeat_ns, memory_order_acquire);
        if (hb < now_ns && (uint64_t)now_ns - (uint64_t)hb > (uint64_t)r->timeout_ns)
            return CAMSEP_SHM_STALE; /* (an unsigned difference: no overflow on odd values) */
        uint64_t gen = atomic_load_explicit(&h->generation, memory_order_acquire);
        uint64_t head = atomic_load_explicit(&h->head, memory_order_acquire);
        if (!r->synced || gen != r->generation) {
            /* First poll, or a new writer: start at the newest record. */
            r->synced = 1;
            r->generation = gen;
            r->next = head > 0 ? head - 1 : 0;
            r->stats.resyncs++;
        }
        if (r->next >= head)
            return CAMSEP_SHM_EMPTY;
        if (head - r->next >= CAMSEP_SHM_SLOTS) {
            /* A whole ring behind: the slot of next is gone. Jump to the newest. */
            r->stats.skipped += head - 1 - r->next;
            r->next = head - 1;
        }
        uint64_t words[SHM_WORDS];
        if (!read_slot(&r->slots[r->next % CAMSEP_SHM_SLOTS], words)) {
            r->stats.retries++; /* the writer is overwriting it: we are behind */
            continue;
        }
        camsep_shm_record rec;
        memcpy(&rec, words, sizeof rec);
        if (rec.sequence > r->next) {
            /* Overwritten since head was read: behind again; the loop jumps. */
            r->stats.retries++;
            continue;
        }
        if (rec.sequence < r->next || rec.generation < r->generation) {
            /* Not written by this generation (a dead writer's record, or one
             * it never finished): skip it. */
            r->next++;
            continue;
        }
        if (rec.generation > r->generation) {
            r->synced = 0; /* a newer writer than the header said: resynchronise */
            continue;
        }
        r->next++;
        if (rec.n_players < 0 || rec.n_players > CAMSEP_SHM_MAX_PLAYERS ||
            (rec.status != CAMSEP_SHM_CAMERA_OK && rec.status != CAMSEP_SHM_CAMERA_LOST) ||
            (rec.held & ~players_mask(rec.n_players))) {
            r->stats.rejected++;
            continue;
        }
        *out = rec;
        r->stats.records++;
        return CAMSEP_SHM_RECORD;
    }
    return CAMSEP_SHM_EMPTY;
}

void camsep_shm_reader_get_stats(const camsep_shm_reader *r, camsep_shm_reader_stats *s)
{
    if (r)
        *s = r->stats;
    else
        memset(s, 0, sizeof *s);
}

void camsep_shm_reader_layout(const camsep_shm_reader *r, int *n_players, int *motion_channels)
{
    int np = 0, mc = 0;
    if (r && atomic_load_explicit(&((shm_header *)r->hdr)->state, memory_order_acquire) == STATE_LIVE) {
        np = atomic_load_explicit(&((shm_header *)r->hdr)->n_players, memory_order_relaxed);
        mc = atomic_load_explicit(&((shm_header *)r->hdr)->motion_channels, memory_order_relaxed);
    }
    if (n_players)
        *n_players = np;
    if (motion_channels)
        *motion_channels = mc;
}

void camsep_shm_reader_close(camsep_shm_reader *r)
{
    if (!r)
        return;
    if (r->map_len) /* 0: a test alias of a writer's mapping */
        munmap((void *)r->map, r->map_len);
    free(r);
}

#ifdef CAMSEP_SHM_TEST_HOOKS
camsep_shm_reader *camsep_shm_test_reader_alias(camsep_shm_writer *w);
camsep_shm_reader *camsep_shm_test_reader_alias(camsep_shm_writer *w)
{
    camsep_shm_reader *r = calloc(1, sizeof *r);
    if (r) {
        r->map = w->map;
        r->hdr = w->hdr;
        r->slots = w->slots;
        r->dev = w->dev;
        r->ino = w->ino;
        r->timeout_ns = CAMSEP_SHM_DEFAULT_TIMEOUT_NS;
    }
    return r;
}
#endif
