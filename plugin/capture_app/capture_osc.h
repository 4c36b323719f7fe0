/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-capture's OSC publisher: one message per prior to a remote host
 * (docs/capture-osc.md). The capture thread queues priors in a lock-free
 * ring; a sender thread of its own formats and sends them with liblo, so a
 * slow network or a TCP peer that is not reading never holds the capture
 * loop (or the shared-memory ring) back. When the sender falls a whole ring
 * behind, new priors are dropped and counted.
 *
 * Threading: open/close are set-up calls; push is the capture thread's
 * (lock-free, no allocation; it posts a semaphore); stats from any thread.
 */
#ifndef CAMSEP_CAPTURE_OSC_H
#define CAMSEP_CAPTURE_OSC_H

#include <stddef.h>
#include <stdint.h>

#include "camsep_engine.h"

typedef struct capture_osc capture_osc;

typedef struct capture_osc_stats {
    uint64_t sent;    /* messages handed to the network */
    uint64_t failed;  /* sends liblo reported as failed (peer gone, no route) */
    uint64_t dropped; /* priors not sent because the sender was behind */
    uint64_t refused; /* PREFIX/error replies from the receiver (UDP), e.g. another player count */
} capture_osc_stats;

/* target: "HOST:PORT" (UDP), "[IPV6]:PORT", or a liblo URL such as
 * "osc.udp://host:9000/" or "osc.tcp://host:9000/". prefix: the address
 * prefix ("/camsep"). names: the players' names, sent in PREFIX/players.
 * NULL with a message when the target cannot be used. */
capture_osc *capture_osc_open(const char *target, const char *prefix, const char *const *names, int n_players,
                              char *err, size_t errlen);
/* Capture thread: queues one prior. event_ns is the CLOCK_MONOTONIC time the
 * prior describes (the frame's capture time minus the camera latency). */
void capture_osc_push(capture_osc *o, const camsep_prior *p, int64_t event_ns, int camera_ok);
void capture_osc_get_stats(capture_osc *o, capture_osc_stats *s);
/* Sends what is still queued, stops the sender thread, frees. NULL is ignored. */
void capture_osc_close(capture_osc *o);

#endif
