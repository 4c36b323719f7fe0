/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The output stage every host runs after the engine (the LV2 plugin and the
 * JACK and PortAudio standalones alike), so that a show sounds and meters the
 * same in each:
 *
 * - Gain, mute and solo per output: the linear gains the host posts to the
 *   engine (camsep_params.gain), which smooths them. A muted output, an
 *   output not soloed while another is, and a gain at or below
 *   CAMSEP_STEM_GAIN_MIN_DB are silent.
 * - Bypass: every output carries the input delayed by the engine's latency
 *   and divided by the number of outputs, so the outputs still add up to the
 *   mix and stay in time with the separated stems; gain, mute and solo do not
 *   touch it. Switching is a linear cross-fade of CAMSEP_STEM_BYPASS_FADE_S
 *   (stems and dry mix are in phase, so their sum is kept during the fade).
 * - Meters: per output, the sample peak with a release of
 *   CAMSEP_STEM_METER_RELEASE_DB_S, applied sample by sample, so the reading
 *   does not depend on the host's block size.
 *
 * Threading: init/free are set-up calls. The CAMSEP_RT calls belong to the
 * audio thread (no allocation, lock, I/O or system call).
 * camsep_stem_output_level and camsep_stem_output_bypassed may be called from
 * any thread (relaxed atomics).
 */
#ifndef CAMSEP_STEM_OUTPUT_H
#define CAMSEP_STEM_OUTPUT_H

#include <stdatomic.h>
#include <stdint.h>

#include "camsep_engine.h"
#include "camsep_rt.h"

#define CAMSEP_STEM_BYPASS_FADE_S 0.02
#define CAMSEP_STEM_METER_RELEASE_DB_S 20.0
#define CAMSEP_STEM_GAIN_MIN_DB (-120.0f) /* this gain or lower is silence */
#define CAMSEP_STEM_GAIN_MAX_DB 24.0f

typedef struct camsep_stem_output {
    int n_outputs;
    uint32_t latency;
    uint32_t capacity; /* the largest latency set_latency accepts: init's */
    /* audio thread state */
    float *delay; /* the last `latency` input samples */
    uint32_t delay_pos;
    int bypass;   /* target */
    float mix;    /* 0 separated .. 1 bypassed */
    float fade_step, share, release;
    float gain_db[CAMSEP_MAX_SOURCES];
    int mute[CAMSEP_MAX_SOURCES], solo[CAMSEP_MAX_SOURCES];
    float peak[CAMSEP_MAX_SOURCES];
    /* published for any thread */
    _Atomic uint32_t level_bits[CAMSEP_MAX_SOURCES];
    atomic_int bypassed;
} camsep_stem_output;

/* Set-up: n_outputs (1..CAMSEP_MAX_SOURCES) at `rate` behind an engine of
 * `latency` samples (>= 1). Gains start at 0 dB, not muted, not bypassed.
 * 0, or -1 (bad arguments, out of memory). */
int camsep_stem_output_init(camsep_stem_output *o, int n_outputs, uint32_t latency, double rate);
void camsep_stem_output_free(camsep_stem_output *o);

/* Audio: forgets the delayed input and the meters; the bypass jumps to its
 * target without a fade (host start, LV2 activate). */
CAMSEP_RT void camsep_stem_output_reset(camsep_stem_output *o);

/* Audio: follow an engine whose latency changed (at most init's latency;
 * others ignored). The delayed input starts again from silence. */
CAMSEP_RT void camsep_stem_output_set_latency(camsep_stem_output *o, uint32_t latency);

/* Audio: the bypass target (fades there in the next process calls). */
CAMSEP_RT void camsep_stem_output_set_bypass(camsep_stem_output *o, int on);
/* Audio: gain in dB (clamped to MIN..MAX; non-finite ignored), mute, solo of
 * output j (out-of-range j ignored). */
CAMSEP_RT void camsep_stem_output_set_gain_db(camsep_stem_output *o, int j, float db);
CAMSEP_RT void camsep_stem_output_set_mute(camsep_stem_output *o, int j, int on);
CAMSEP_RT void camsep_stem_output_set_solo(camsep_stem_output *o, int j, int on);
/* Audio: the linear gain output j gets from its gain, mute and solo. */
CAMSEP_RT float camsep_stem_output_gain(const camsep_stem_output *o, int j);

/* Audio: after the engine has written the separated outputs for n samples
 * of `in` (which must not alias an output): pushes the input through the
 * delay, cross-fades towards the bypass target and meters the result.
 * outs holds n_outputs pointers; a NULL entry is an output nobody reads. */
CAMSEP_RT void camsep_stem_output_process(camsep_stem_output *o, const float *in, float *const *outs, uint32_t n);

/* Any thread: output j's peak level (linear, with the release) as of the
 * last process call. */
float camsep_stem_output_level(const camsep_stem_output *o, int j);
/* Any thread: 1 while any of the dry signal is in the outputs (mix > 0). */
int camsep_stem_output_bypassed(const camsep_stem_output *o);

#endif
