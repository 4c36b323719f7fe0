/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Named POSIX shared-memory prior ring: one capture process (the writer)
 * broadcasts timestamped priors to any number of reader processes (LV2 plugin
 * instances), which map the segment read-only and never write to it.
 *
 * It is a seqlock broadcast ring, not an SPSC queue: the writer never waits for
 * readers, and a reader that falls behind by more than the ring skips ahead to
 * the newest record. Every slot carries a sequence counter (odd while being
 * written) so that a reader never returns a torn record.
 *
 * Threads and real-time safety:
 *   - writer: create/close are set-up calls (system calls, allocation);
 *     publish/heartbeat are lock-free and make no system call (publish reads
 *     CLOCK_MONOTONIC through clock_gettime, which Linux serves from the vDSO).
 *     One writer thread per segment; a second writer process on the same name
 *     is refused while the first is alive.
 *   - reader: open/try_open/close are set-up calls (not real-time; an LV2
 *     plugin calls them at instantiate or from its worker). poll is real-time
 *     safe: no system call, allocation, lock or unbounded loop. One thread per
 *     reader object; each process (or instance) opens its own reader.
 *
 * Staleness: the writer stamps a heartbeat (CLOCK_MONOTONIC ns) on every
 * publish and on camsep_shm_writer_heartbeat(); poll reports CAMSEP_SHM_STALE
 * when it is older than the reader's timeout (default 1 s), when the writer
 * closed the ring, or before any writer started: the caller then uses neutral
 * priors. A writer that crashed and restarts on the same name reuses the
 * segment in place and bumps its generation; mapped readers resynchronise by
 * themselves. A writer that closed cleanly unlinks the name, so a later writer
 * makes a new segment: a reader stuck on the old one picks it up with
 * camsep_shm_reader_try_open() from a non-real-time thread.
 *
 * The memory layout is described in shm_ring.c and docs/shm-ring.md.
 */
#ifndef CAMSEP_SHM_RING_H
#define CAMSEP_SHM_RING_H

#include <stddef.h>
#include <stdint.h>

#include "camsep_engine.h"
#include "camsep_rt.h"

#define CAMSEP_SHM_MAX_PLAYERS CAMSEP_MAX_SOURCES
#define CAMSEP_SHM_MAX_MOTION CAMSEP_MAX_MOTION_CHANNELS
#define CAMSEP_SHM_SLOTS 64                 /* records the ring holds */
#define CAMSEP_SHM_NAME_MAX 200             /* bytes of a name, with the leading '/' */
#define CAMSEP_SHM_DEFAULT_TIMEOUT_NS 1000000000LL

/* Record status flags. */
enum {
    CAMSEP_SHM_CAMERA_OK = 0,   /* the prior comes from a live camera frame */
    CAMSEP_SHM_CAMERA_LOST = 1, /* the writer is alive but has no camera: use neutral priors */
};

/* One prior, as published. Same meaning as camsep_prior, except the clock:
 * timestamp_ns is the CLOCK_MONOTONIC capture time of the frame, which the
 * host maps to its own sample clock. 328 bytes, no padding. */
typedef struct camsep_shm_record {
    int64_t timestamp_ns;   /* CLOCK_MONOTONIC ns at capture of the frame */
    uint64_t sequence;      /* assigned by publish: 0, 1, 2, ... over the life of the segment */
    uint64_t generation;    /* assigned by publish: the writer's generation (1 for the first) */
    int32_t n_players;      /* entries used below, 0..CAMSEP_SHM_MAX_PLAYERS */
    int32_t status;         /* CAMSEP_SHM_CAMERA_OK or CAMSEP_SHM_CAMERA_LOST */
    uint32_t held;          /* bit j: the camera cannot see player j now (as camsep_prior.held);
                               only bits below n_players */
    uint32_t reserved;      /* 0 */
    float activity[CAMSEP_SHM_MAX_PLAYERS];  /* playing likelihood in [0,1]; NaN = unknown */
    float motion[CAMSEP_SHM_MAX_PLAYERS][CAMSEP_SHM_MAX_MOTION]; /* >= 0, regression prior */
} camsep_shm_record;

/* What poll returns. */
typedef enum camsep_shm_poll_result {
    CAMSEP_SHM_RECORD = 1, /* a record was copied to out */
    CAMSEP_SHM_EMPTY = 0,  /* the writer is alive; nothing newer than the last record returned */
    CAMSEP_SHM_STALE = -1, /* no live writer (heartbeat too old, closed, never started, or
                              no segment mapped): use neutral priors */
} camsep_shm_poll_result;

/* Reader counters (for status displays; the owner thread's view). */
typedef struct camsep_shm_reader_stats {
    uint64_t records;   /* records returned */
    uint64_t skipped;   /* records lost because the reader fell behind by a whole ring */
    uint64_t retries;   /* slot reads repeated because the writer was inside the slot */
    uint64_t resyncs;   /* writer generations followed (the first one included) */
    uint64_t rejected;  /* records dropped as malformed (n_players, status or held out of range) */
} camsep_shm_reader_stats;

typedef struct camsep_shm_writer camsep_shm_writer;
typedef struct camsep_shm_reader camsep_shm_reader;

/* Checks a segment name: '/', then 1..CAMSEP_SHM_NAME_MAX-1 bytes from
 * [A-Za-z0-9._-], not "." or "..". Returns 0, or -1 with a message. */
int camsep_shm_name_valid(const char *name, char *err, size_t errlen);

/* ---- writer (the capture process) ---- */

/* Set-up: creates the named segment (mode 0644), or takes over one left by a
 * writer that died (same layout: in place, next generation; older layout:
 * replaced). Refuses a name held by a live writer or by a foreign segment.
 * n_players 1..CAMSEP_SHM_MAX_PLAYERS, motion_channels 0..CAMSEP_SHM_MAX_MOTION
 * (advisory: announced in the header). Returns NULL with a message on error. */
camsep_shm_writer *camsep_shm_writer_create(const char *name, int n_players, int motion_channels, char *err,
                                            size_t errlen);
/* Writer thread, lock-free: copies rec (its sequence and generation are
 * ignored and assigned; held bits from n_players on and reserved are
 * cleared), publishes it and stamps the heartbeat. */
void camsep_shm_writer_publish(camsep_shm_writer *w, const camsep_shm_record *rec);
/* Writer thread, lock-free: stamps the heartbeat with now_ns (CLOCK_MONOTONIC);
 * call it at least a few times per reader timeout while nothing is published. */
void camsep_shm_writer_heartbeat(camsep_shm_writer *w, int64_t now_ns);
/* Records published so far on this segment (all generations). */
uint64_t camsep_shm_writer_published(const camsep_shm_writer *w);
uint64_t camsep_shm_writer_generation(const camsep_shm_writer *w);
/* Set-up: marks the ring closed (readers go stale at once), unlinks the name
 * and unmaps. NULL is ignored. */
void camsep_shm_writer_close(camsep_shm_writer *w);

/* ---- reader (a plugin instance) ---- */

/* Set-up: opens and maps the segment read-only and checks its header (magic,
 * layout version, sizes). A missing, foreign, truncated or not yet initialised
 * segment gives NULL with a message. */
camsep_shm_reader *camsep_shm_reader_open(const char *name, char *err, size_t errlen);
/* Set-up (e.g. an LV2 worker), for a reader that has no segment yet or whose
 * writer went away: returns 1 and a new reader in *out when the name now holds
 * a valid segment other than current's (current may be NULL); 0 when there is
 * nothing new (no segment yet, one still being initialised, or the same
 * segment as current); -1 with a message when the name holds a foreign or
 * broken segment. The caller swaps the new reader in on its audio thread and
 * closes the old one here again. */
int camsep_shm_reader_try_open(const char *name, const camsep_shm_reader *current, camsep_shm_reader **out,
                               char *err, size_t errlen);
/* Set-up: the staleness timeout, in ns (> 0; default 1 s). */
void camsep_shm_reader_set_timeout(camsep_shm_reader *r, int64_t timeout_ns);
/* Real-time safe. Copies to out the oldest record newer than the last one this
 * reader returned, and returns CAMSEP_SHM_RECORD; out is untouched otherwise.
 * To drain, call it until it returns something else, but at most
 * CAMSEP_SHM_SLOTS times per audio block (a writer that publishes faster than
 * the loop reads would otherwise keep it going). After open and after a
 * writer restart the reader starts at the newest record; a reader that fell a
 * whole ring behind jumps to the newest (stats.skipped counts the loss).
 * Sequence numbers only increase. A record with status CAMSEP_SHM_CAMERA_LOST
 * is returned like any other: the caller turns it into neutral priors. now_ns
 * is the caller's CLOCK_MONOTONIC time. r may be NULL (returns
 * CAMSEP_SHM_STALE). At most 8 slot copies (~2.5 KiB read) per call. */
CAMSEP_RT camsep_shm_poll_result camsep_shm_reader_poll(camsep_shm_reader *r, int64_t now_ns, camsep_shm_record *out);
/* The reader thread's counters. */
void camsep_shm_reader_get_stats(const camsep_shm_reader *r, camsep_shm_reader_stats *s);
/* Players and motion channels the current writer announced (0 if none). */
void camsep_shm_reader_layout(const camsep_shm_reader *r, int *n_players, int *motion_channels);
/* Set-up: unmaps and frees. NULL is ignored. */
void camsep_shm_reader_close(camsep_shm_reader *r);

#endif
