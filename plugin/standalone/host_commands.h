/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Runtime commands of the standalone hosts and the one lock-free queue that
 * carries them to the audio thread.
 *
 * Producers: any number of non-real-time threads (the start-up path that
 * applies the configuration, the NSM/main thread, a future OSC server thread);
 * a push never blocks and never allocates. Consumer: the audio thread only;
 * a pop is wait-free. The queue is a bounded multi-producer ring (one sequence
 * number per cell, D. Vyukov's design) over a fixed array: no allocation.
 *
 * The session (host_session.h) is the front door: host_session_command()
 * records the command in the control-side copy of the configuration (what NSM
 * saves), applies what is not audio (boxes go to the capture thread, camera
 * latency to the prior mapping) and pushes the rest here.
 */
#ifndef CAMSEP_HOST_COMMANDS_H
#define CAMSEP_HOST_COMMANDS_H

#include <stdatomic.h>
#include <stddef.h>

#include "camsep_video_types.h"
#include "camsep_rt.h"

typedef enum host_command_type {
    HOST_CMD_GAIN = 1,           /* stem, value = dB */
    HOST_CMD_MUTE,               /* stem, on */
    HOST_CMD_SOLO,               /* stem, on */
    HOST_CMD_BYPASS,             /* on: the delayed mix instead of the stems (faded) */
    HOST_CMD_PRIOR_STRENGTH,     /* value = activity prior weight (gamma) */
    HOST_CMD_MASK_POWER,         /* value */
    HOST_CMD_ITERATIONS,         /* value (whole) */
    HOST_CMD_BOX,                /* stem (a player), box: control side, to the capture thread */
    HOST_CMD_CAMERA_LATENCY,     /* value = seconds: control side, to the prior mapping */
    HOST_CMD_MOTION_KNEE,        /* value: control side, to the capture thread */
} host_command_type;

typedef struct host_command {
    host_command_type type;
    int stem;                    /* player index, or n_players for "other" */
    int on;
    float value;
    camsep_box box;
} host_command;

#define HOST_CMDQ_CAPACITY 256   /* power of two */

typedef struct host_cmdq_cell {
    atomic_size_t seq;
    host_command cmd;
} host_cmdq_cell;

typedef struct host_cmdq {
    host_cmdq_cell cells[HOST_CMDQ_CAPACITY];
    _Alignas(64) atomic_size_t head;  /* next push */
    _Alignas(64) atomic_size_t tail;  /* next pop (consumer only) */
    atomic_size_t dropped;            /* pushes refused because the queue was full */
} host_cmdq;

/* Set-up. */
void host_cmdq_init(host_cmdq *q);
/* Any non-real-time thread (several at once). 0, or -1 when full. */
int host_cmdq_push(host_cmdq *q, const host_command *c);
/* Audio thread only. 1 if a command was copied to *c, 0 if empty. */
CAMSEP_RT int host_cmdq_pop(host_cmdq *q, host_command *c);

/* A one-line name of the command for logs ("gain 2 -3 dB"). */
void host_command_describe(const host_command *c, char *buf, size_t size);

#endif
