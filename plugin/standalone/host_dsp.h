/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The audio side of the standalone hosts: one call per host block that
 * applies queued commands, stamps the prior clock's anchor, runs the engine
 * and the output stage every host shares (engine/stem_output.h: gain, mute,
 * solo, latency-compensated bypass, meters). The engine keeps running while
 * bypassed, so coming back is seamless.
 *
 * Threading: init/free are set-up calls; host_dsp_process is the audio
 * thread's (no allocation, lock, I/O or system call but clock_gettime);
 * host_dsp_read_load may be called from one control thread.
 */
#ifndef CAMSEP_HOST_DSP_H
#define CAMSEP_HOST_DSP_H

#include <stdatomic.h>
#include <stdint.h>

#include "camsep_engine.h"
#include "host_commands.h"
#include "host_soundcheck_tap.h"
#include "prior_clock.h"
#include "stem_output.h"

typedef struct host_dsp_init_args {
    camsep_engine *engine;
    camsep_prior_clock *clock;   /* may be NULL (no camera) */
    host_cmdq *queue;
    host_sc_tap *tap;            /* the sound check's recording (may be NULL) */
    int n_players, n_stems;
    camsep_params params;        /* the engine parameters at start (gains neutral) */
} host_dsp_init_args;

typedef struct host_dsp {
    camsep_engine *engine;
    camsep_prior_clock *clock;
    host_cmdq *queue;
    host_sc_tap *tap;
    int n_players, n_stems, latency;
    double rate;
    /* audio thread state */
    camsep_params params;
    camsep_stem_output out;      /* gains, bypass and meters (levels, bypassed: any thread) */
    int params_dirty;
    int restore_smoothing;       /* post params after the first block (see prime) */
    /* counters, read from the control thread */
    atomic_uint_fast64_t frames_in;   /* samples processed */
    atomic_uint_fast64_t blocks;
    atomic_uint_fast64_t commands;    /* commands applied */
    atomic_uint_fast64_t busy_ns, audio_ns; /* since the last read_load */
    atomic_uint_fast64_t max_load_ppm;      /* since the last read_load */
    float load_avg;                   /* audio thread: DSP load, ~0.3 s average */
    _Atomic uint32_t load_bits;       /* load_avg for any thread */
} host_dsp;

/* Set-up: allocates the output stage. 0, or -1 (out of memory). */
int host_dsp_init(host_dsp *d, const host_dsp_init_args *a);
void host_dsp_free(host_dsp *d);

/* Set-up, before the audio thread runs: applies the queued commands at once
 * (bypass jumps instead of fading) so that the first block starts in the
 * configured state. The caller then posts d->params with gain_smoothing_s = 0
 * (the engine's gains jump to them); the audio side posts the real smoothing
 * after its first block. */
void host_dsp_prime(host_dsp *d);

/* Audio thread: one block. anchor_ns is the CLOCK_MONOTONIC time the block's
 * first input sample entered the machine (0: unknown, no anchor). outs holds
 * n_stems pointers; a NULL pointer skips that stem. */
CAMSEP_RT void host_dsp_process(host_dsp *d, const float *in, float *const *outs, uint32_t nframes, int64_t anchor_ns);

/* Any thread: the stems' output peak levels (linear, with the release of
 * CAMSEP_STEM_METER_RELEASE_DB_S) as of the last block; n_stems values. */
void host_dsp_read_levels(const host_dsp *d, float *levels);

/* Any thread: the DSP load averaged over about 0.3 s (does not disturb
 * host_dsp_read_load). */
float host_dsp_load_now(const host_dsp *d);

/* Control thread: mean and peak DSP load (share of the block's duration
 * spent in host_dsp_process) since the previous call. */
void host_dsp_read_load(host_dsp *d, double *mean, double *peak);

#endif
