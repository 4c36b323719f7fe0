/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What a sound check records, on its way off the real-time threads: two
 * lock-free single-producer rings, read by the sound check's worker
 * (host_soundcheck.h).
 *
 *   - audio: the mono input in chunks (camsep_sc_chunk,
 *     engine/soundcheck_record.h) stamped with the engine clock (the sample
 *     index the chunk starts at) and no announced player (the worker labels
 *     the recording itself); producer: the audio thread.
 *   - activity: the camera's per-player playing likelihood
 *     (camsep_sc_activity), already on the engine clock (camera latency
 *     applied by the prior clock); producer: the capture thread.
 *
 * Nothing is pushed unless the tap is armed. A full ring drops the chunk and
 * counts it: the worker sees the gap in the clock and the status says so.
 *
 * Threading: init/destroy set-up; host_sc_tap_audio the audio thread (no
 * allocation, lock or system call); host_sc_tap_activity the capture thread;
 * arm and the pops the worker (the rings' one consumer).
 */
#ifndef CAMSEP_HOST_SOUNDCHECK_TAP_H
#define CAMSEP_HOST_SOUNDCHECK_TAP_H

#include <stdatomic.h>
#include <stdint.h>

#include "camsep_engine.h"
#include "camsep_rt.h"
#include "soundcheck_record.h"
#include "spsc_ring.h"

typedef struct host_sc_tap {
    spsc_ring audio;             /* camsep_sc_chunk */
    spsc_ring activity;          /* camsep_sc_activity */
    atomic_int armed;
    atomic_uint_fast64_t audio_dropped, activity_dropped; /* chunks / entries lost to a full ring */
} host_sc_tap;

/* Set-up: rings for about `seconds` of audio at `rate` (and of camera
 * activity). 0, or -1 when out of memory. */
int host_sc_tap_init(host_sc_tap *t, double rate, double seconds);
void host_sc_tap_destroy(host_sc_tap *t);

/* Audio thread: copies the block (when armed); time = the engine clock of
 * in[0]. */
CAMSEP_RT void host_sc_tap_audio(host_sc_tap *t, const float *in, uint32_t n, int64_t time);
/* Capture thread: one camera prior (when armed). */
void host_sc_tap_activity(host_sc_tap *t, const camsep_prior *p);

/* Worker: empties both rings, then arms (1) or disarms (0). */
void host_sc_tap_arm(host_sc_tap *t, int on);

#endif
