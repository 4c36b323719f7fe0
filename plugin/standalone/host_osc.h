/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * OSC control of camsep-jack and camsep-portaudio: the adapter between the
 * OSC control surface (plugin/osc, osc_control.h) and the host session.
 *
 * submit() maps each validated OSC command to host_session_command() (gain,
 * mute, solo, bypass, prior strength, mask power, camera latency, boxes
 * converted from normalised to the camera's frame pixels) or to what the
 * session does itself (dictionary changes, display names, presets, the
 * sound check: host_session_soundcheck_*), and
 * refuses with a reason (camsep_osc_refuse) what cannot be done now ("no
 * camera yet", "no preset 7 in DIR", a dictionary that does not load).
 * get_state() fills the snapshot from the session's configuration, meters and
 * counters; it never waits for the audio thread.
 *
 * Dictionary changes are done synchronously on the OSC server thread: loading
 * a bundled dictionary and building the set takes a few milliseconds (see
 * plugin/standalone/README.md), during which other OSC messages wait.
 *
 * Threading: create/attach/detach/free on the main thread; the callbacks run
 * on the OSC server thread; attach/detach and the callbacks serialise on a
 * mutex the audio thread never takes; host_osc_notify from any thread.
 */
#ifndef CAMSEP_HOST_OSC_H
#define CAMSEP_HOST_OSC_H

#include <stddef.h>
#include <stdint.h>

#include "host_config.h"
#include "host_session.h"

typedef struct host_osc host_osc;

/* Main thread: binds cfg->osc_port (UDP and TCP unless osc_no_tcp), adds the
 * --osc-feedback targets and starts the server. program names the host in
 * messages. NULL with the reason. */
host_osc *host_osc_create(const host_config *cfg, const char *program, char *err, size_t errlen);
/* Main thread: the running session (NULL: none; commands are refused with
 * "no session open"), its xrun counter, and the presets directory. */
void host_osc_attach(host_osc *h, host_session *s, uint64_t (*xruns)(void *), void *xruns_self,
                     const char *preset_dir);
void host_osc_detach(host_osc *h);
/* Any thread: state changed elsewhere (NSM load, a UI): feedback now. */
void host_osc_notify(host_osc *h);
int host_osc_port(const host_osc *h);
/* Control loop (every 50 ms or so): the network priors' silence check
 * (host_remote.h). */
void host_osc_tick(host_osc *h, int64_t now_ns);
/* Main thread: stops the server, frees. NULL is ignored. */
void host_osc_free(host_osc *h);

#endif
