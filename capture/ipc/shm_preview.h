/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The camera preview segment: camsep-capture publishes a small luma
 * thumbnail of its camera (at most CAMSEP_PREVIEW_MAX_W x CAMSEP_PREVIEW_MAX_H,
 * downscaled here) with the player boxes, for UIs on the same machine (the
 * LV2 UI). A named POSIX shared-memory segment next to the prior ring:
 * its name is the ring's plus CAMSEP_PREVIEW_SUFFIX ("/camsep" ->
 * "/camsep.preview").
 *
 * One image, guarded by a seqlock (every payload word an atomic, like
 * shm_ring.c): the writer never waits, and a reader never returns a torn
 * image; it copies the newest one, retrying while the writer is inside.
 *
 * Threads: the writer's calls belong to one thread (create/close are set-up
 * calls; publish copies about 80 KiB and makes no system call but
 * clock_gettime: fine on a capture thread, not meant for an audio thread).
 * A reader belongs to one thread; every reader call may make system calls
 * (it is for UI threads, not for run()).
 *
 * Staleness: the writer stamps a heartbeat on every publish. A reader reports
 * CAMSEP_PREVIEW_STALE when the writer closed the segment, or published
 * nothing for longer than the timeout (default 2 s: the writer died, or its
 * camera is lost). A writer that closes unlinks the name; a new writer makes
 * a new segment, found with camsep_preview_reader_try_open. A writer that
 * died is replaced in place (same segment, readers follow).
 */
#ifndef CAMSEP_SHM_PREVIEW_H
#define CAMSEP_SHM_PREVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "camsep_video_types.h"

#define CAMSEP_PREVIEW_MAX_W 320
#define CAMSEP_PREVIEW_MAX_H 240
#define CAMSEP_PREVIEW_MAX_BOXES 8
#define CAMSEP_PREVIEW_SUFFIX ".preview"
#define CAMSEP_PREVIEW_DEFAULT_TIMEOUT_NS 2000000000LL

/* One published thumbnail. */
typedef struct camsep_preview_image {
    int32_t width, height;         /* thumbnail size; rows are `width` bytes apart */
    int32_t src_width, src_height; /* the camera frame it was made from */
    int64_t timestamp_ns;          /* the frame's capture time (CLOCK_MONOTONIC) */
    uint64_t frame;                /* images published on this segment, from 1 */
    int32_t n_boxes;               /* player boxes, 0..CAMSEP_PREVIEW_MAX_BOXES (player order) */
    int32_t reserved;
    camsep_box box[CAMSEP_PREVIEW_MAX_BOXES]; /* normalised: 0..1 of the frame (w or h 0: none) */
    uint8_t luma[CAMSEP_PREVIEW_MAX_W * CAMSEP_PREVIEW_MAX_H];
} camsep_preview_image;

typedef enum camsep_preview_result {
    CAMSEP_PREVIEW_NEW = 1,    /* a newer image was copied to out */
    CAMSEP_PREVIEW_SAME = 0,   /* the writer is alive; nothing newer than the last read */
    CAMSEP_PREVIEW_STALE = -1, /* no live writer (closed, silent too long, never started) */
} camsep_preview_result;

typedef struct camsep_preview_writer camsep_preview_writer;
typedef struct camsep_preview_reader camsep_preview_reader;

/* The preview segment's name for a prior ring's name. 0, or -1 with a
 * message (invalid ring name, or too long with the suffix). */
int camsep_preview_name(const char *ring_name, char *out, size_t outlen, char *err, size_t errlen);

/* ---- writer (camsep-capture) ---- */

/* Set-up: creates the segment for ring_name (mode 0644), or takes over one
 * whose writer died. max_rate_hz > 0 limits publish (e.g. 10); 0: no limit.
 * Refuses a name held by a live writer. NULL with a message on error. */
camsep_preview_writer *camsep_preview_writer_create(const char *ring_name, double max_rate_hz, char *err,
                                                    size_t errlen);
/* Writer thread: the player boxes, in frame pixels (n 0..CAMSEP_PREVIEW_MAX_BOXES;
 * more are ignored); published with the following images. */
void camsep_preview_writer_set_boxes(camsep_preview_writer *w, const camsep_box *boxes, int n);
/* Writer thread: downscales a width x height luma frame (rows `stride` bytes
 * apart) by an integer factor (area average) to fit the maximum size and
 * publishes it. Returns 1 published, 0 skipped by the rate limit, -1 invalid
 * arguments. w may be NULL (returns 0), so a caller without preview needs no test. */
int camsep_preview_writer_publish(camsep_preview_writer *w, const uint8_t *luma, int width, int height, int stride,
                                  int64_t timestamp_ns);
/* Set-up: marks the segment closed (readers go stale at once), unlinks the
 * name and unmaps. NULL is ignored. */
void camsep_preview_writer_close(camsep_preview_writer *w);

/* ---- reader (a UI) ---- */

/* Opens and maps ring_name's preview segment read-only. NULL with a message
 * when it is missing, foreign or not yet initialised. */
camsep_preview_reader *camsep_preview_reader_open(const char *ring_name, char *err, size_t errlen);
/* 1 and a new reader in *out when the name now holds a valid segment other
 * than current's (current may be NULL); 0 when there is nothing new; -1 with
 * a message for a foreign segment. */
int camsep_preview_reader_try_open(const char *ring_name, const camsep_preview_reader *current,
                                   camsep_preview_reader **out, char *err, size_t errlen);
/* Staleness timeout in ns (> 0). */
void camsep_preview_reader_set_timeout(camsep_preview_reader *r, int64_t timeout_ns);
/* Copies the newest image to out if it is newer than the last one this
 * reader returned. r may be NULL (STALE). */
camsep_preview_result camsep_preview_reader_read(camsep_preview_reader *r, camsep_preview_image *out);
/* Unmaps and frees. NULL is ignored. */
void camsep_preview_reader_close(camsep_preview_reader *r);

#endif
