/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-capture --relay PORT: no camera here; priors from camsep-capture
 * --osc on other machines (PREFIX/priors, docs/capture-osc.md) go into the
 * shared-memory ring (docs/shm-ring.md), so that camsep LV2 plugin instances
 * on this machine get a remote camera with no change. The receiver is the
 * hosts' (plugin/osc/osc_prior_rx.h): placement by age on this machine's
 * CLOCK_MONOTONIC with the network jitter taken back, gaps, late and
 * duplicated messages, several senders, silence (after 0.25 s without a
 * message the ring gets a "camera lost" record: neutral priors), and senders
 * with another player count refused with an error reply.
 *
 * Threading: open/close on the main thread; messages on the OSC server
 * thread; tick on the main thread; they serialise on a mutex.
 */
#ifndef CAMSEP_CAPTURE_RELAY_H
#define CAMSEP_CAPTURE_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include "capture_options.h"

typedef struct capture_relay capture_relay;

/* Creates the ring (o->shm_name, o->relay_players) and starts the OSC
 * server on o->relay_port. NULL with the reason. */
capture_relay *capture_relay_open(const capture_options *o, char *err, size_t errlen);
/* Main thread, every 50 ms or so: silence, the ring's heartbeat. */
void capture_relay_tick(capture_relay *r, int64_t now_ns);
/* "senders 1 received 300 gaps 2 late 0 dups 0 refused 0 published 300" */
void capture_relay_status(capture_relay *r, char *buf, size_t size);
int capture_relay_port(const capture_relay *r);
/* Stops the server, closes the ring (readers go stale at once). NULL is ignored. */
void capture_relay_close(capture_relay *r);

#endif
