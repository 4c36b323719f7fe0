/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Priors from the network: camsep-capture --osc sends PREFIX/priors to the
 * host's OSC port (docs/capture-osc.md); the receiver (plugin/osc,
 * osc_prior_rx.h) places each on this machine's CLOCK_MONOTONIC by its age,
 * handles loss, reordering, duplicates and silent senders, and the priors
 * go into the engine by the camera's own path (host_session_push_remote).
 *
 * A host with a camera of its own (a video in its configuration) uses only
 * that camera: remote priors are refused with a reason, so that two cameras
 * with different latencies never fight over the players.
 *
 * Threading: create/free on the main thread; message() on the OSC server
 * thread, tick() on the control loop; they serialise on a mutex (the audio
 * thread never takes it).
 */
#ifndef CAMSEP_HOST_REMOTE_H
#define CAMSEP_HOST_REMOTE_H

#include <stddef.h>
#include <stdint.h>

#include "host_session.h"
#include "osc_control.h"

typedef struct host_remote host_remote;

/* NULL when out of memory. program names the host in its lines on stdout. */
host_remote *host_remote_create(host_session *s, const char *program);
void host_remote_free(host_remote *r);
/* OSC server thread: a PREFIX/priors or PREFIX/players message. 0, or -1
 * with the reason for the sender. */
int host_remote_message(host_remote *r, const camsep_osc_stream_msg *m, char *why, size_t whylen);
/* Control loop (every 50 ms or so): senders silent for 0.25 s are dropped
 * (neutral priors once nobody is left); the status is updated. */
void host_remote_tick(host_remote *r, int64_t now_ns);
/* "receiving", "waiting" or "off: why" (for /status/remote_priors). */
void host_remote_state(host_remote *r, char *buf, size_t size);

#endif
