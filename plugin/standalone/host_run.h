/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The program around a host backend, shared by camsep-jack and
 * camsep-portaudio: command line and config file, NSM session management
 * (when NSM_URL is set), signals (SIGINT/SIGTERM end the program cleanly),
 * the status line and the control loop on the main thread.
 */
#ifndef CAMSEP_HOST_RUN_H
#define CAMSEP_HOST_RUN_H

#include <stdint.h>
#include <stdio.h>

#include "host_config.h"
#include "host_session.h"

typedef struct host_backend {
    const char *program;      /* "camsep-jack" */
    int host;                 /* HOST_JACK or HOST_PORTAUDIO */
    /* --help and the man page: everything but the name and the options,
     * which come from .program and the option table (host_config.c). */
    cli_program text;
    /* A query such as "list-devices": prints and returns the exit status. */
    int (*query)(void *self, const char *what, const host_config *cfg);
    /* Opens the audio, creates the session at the audio's rate, starts the
     * camera and then the audio. client_name (may be NULL) overrides the
     * configured name (NSM's client id). 0, or -1 with the reason. */
    int (*start)(void *self, const host_config *cfg, const char *client_name, char *err, size_t errlen);
    /* Stops the audio and the camera, frees the session. Safe to call twice. */
    void (*stop)(void *self);
    host_session *(*session)(void *self); /* NULL while stopped */
    uint64_t (*xruns)(void *self);
    /* 1 when the audio died (server gone, device error), with the reason. */
    int (*failed)(void *self, char *why, size_t size);
    /* Optional (NULL: never): 1 when the audio needs a new session (its
     * sample rate changed); the control loop then detaches the window and
     * OSC and calls rebuild with the session's configuration, which frees
     * the session and makes one at the new rate (the audio is silent
     * meanwhile): 1 (msg: what changed) or -1 (msg: why not; the program ends). */
    int (*rebuild_due)(void *self);
    int (*rebuild)(void *self, const host_config *cfg, char *msg, size_t size);
    void *self;
} host_backend;

/* The whole program; returns the exit status: 0, 1 (runtime error: the
 * audio, the camera, the session) or 2 (usage error: the command line, the
 * config file, a configuration that does not hold together). */
int host_main(const host_backend *b, int argc, char **argv);

/* 1 once SIGINT or SIGTERM arrived. */
int host_quit_requested(void);

/* CLOCK_MONOTONIC in nanoseconds (real-time safe: vDSO). */
int64_t host_now_ns(void);

#endif
