/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audio side of the standalone hosts (see host_dsp.h). */
#include "host_dsp.h"
#include "capture_clock.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void update_gains(host_dsp *d)
{
    for (int j = 0; j < d->n_stems; j++)
        d->params.gain[j] = camsep_stem_output_gain(&d->out, j);
    d->params_dirty = 1;
}

int host_dsp_init(host_dsp *d, const host_dsp_init_args *a)
{
    memset(d, 0, sizeof *d);
    d->engine = a->engine;
    d->clock = a->clock;
    d->queue = a->queue;
    d->tap = a->tap;
    d->n_players = a->n_players;
    d->n_stems = a->n_stems;
    d->latency = camsep_engine_latency(a->engine);
    d->rate = camsep_engine_config(a->engine)->sample_rate;
    d->params = a->params;
    if (camsep_stem_output_init(&d->out, d->n_stems, (uint32_t)d->latency, d->rate))
        return -1;
    atomic_init(&d->load_bits, 0u);
    update_gains(d);
    d->params_dirty = 0; /* set-up posts them */
    return 0;
}

void host_dsp_free(host_dsp *d)
{
    camsep_stem_output_free(&d->out);
}

static void apply(host_dsp *d, const host_command *c)
{
    const int j = c->stem;
    const int stem_ok = j >= 0 && j < d->n_stems;
    switch (c->type) {
    case HOST_CMD_GAIN:
        if (stem_ok && isfinite(c->value)) {
            camsep_stem_output_set_gain_db(&d->out, j, c->value);
            update_gains(d);
        }
        break;
    case HOST_CMD_MUTE:
        if (stem_ok) {
            camsep_stem_output_set_mute(&d->out, j, c->on);
            update_gains(d);
        }
        break;
    case HOST_CMD_SOLO:
        if (stem_ok) {
            camsep_stem_output_set_solo(&d->out, j, c->on);
            update_gains(d);
        }
        break;
    case HOST_CMD_BYPASS: camsep_stem_output_set_bypass(&d->out, c->on); break;
    case HOST_CMD_PRIOR_STRENGTH:
        if (isfinite(c->value) && c->value >= 0.0f && c->value <= 1000.0f) {
            d->params.activity_strength = c->value;
            d->params_dirty = 1;
        }
        break;
    case HOST_CMD_MASK_POWER:
        if (c->value >= 0.5f && c->value <= 4.0f) {
            d->params.mask_power = c->value;
            d->params_dirty = 1;
        }
        break;
    case HOST_CMD_ITERATIONS:
        if (c->value >= 1.0f && c->value <= 200.0f) {
            d->params.iterations = (int)c->value;
            d->params_dirty = 1;
        }
        break;
    default: break; /* control-side commands (box, camera latency) never come here */
    }
}

void host_dsp_prime(host_dsp *d)
{
    host_command c;
    while (host_cmdq_pop(d->queue, &c))
        apply(d, &c);
    camsep_stem_output_reset(&d->out);
    d->params_dirty = 0;
    d->restore_smoothing = 1;
}

static uint32_t float_bits(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

float host_dsp_load_now(const host_dsp *d)
{
    uint32_t u = atomic_load_explicit(&d->load_bits, memory_order_relaxed);
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

void host_dsp_read_levels(const host_dsp *d, float *levels)
{
    for (int j = 0; j < d->n_stems; j++)
        levels[j] = camsep_stem_output_level(&d->out, j);
}

CAMSEP_RT void host_dsp_process(host_dsp *d, const float *in, float *const *outs, uint32_t nframes, int64_t anchor_ns)
{
    const int64_t t0 = camsep_monotonic_ns();
    host_command c;
    int n_cmd = 0;
    while (n_cmd < 64 && host_cmdq_pop(d->queue, &c)) {
        apply(d, &c);
        n_cmd++;
    }
    if (n_cmd)
        atomic_fetch_add_explicit(&d->commands, (uint_fast64_t)n_cmd, memory_order_relaxed);
    /* The audio thread is the engine's only control thread once running. A
     * full parameter ring is retried at the next block. */
    if (d->params_dirty && camsep_engine_post_params(d->engine, &d->params) == 0)
        d->params_dirty = 0;
    if (d->clock && anchor_ns > 0)
        camsep_prior_clock_anchor(d->clock, camsep_engine_time(d->engine), anchor_ns);

    if (d->tap) /* a copy when a sound check records, else one atomic load */
        host_sc_tap_audio(d->tap, in, nframes, camsep_engine_time(d->engine));
    camsep_engine_process(d->engine, in, outs, nframes);
    if (d->restore_smoothing && nframes) {
        d->restore_smoothing = 0;
        d->params_dirty = 1;
    }

    camsep_stem_output_process(&d->out, in, outs, nframes);

    const int64_t busy = camsep_monotonic_ns() - t0;
    const uint64_t audio = (uint64_t)((double)nframes * 1e9 / d->rate);
    atomic_fetch_add_explicit(&d->frames_in, nframes, memory_order_relaxed);
    atomic_fetch_add_explicit(&d->blocks, 1, memory_order_relaxed);
    if (audio) {
        atomic_fetch_add_explicit(&d->busy_ns, (uint_fast64_t)(busy > 0 ? busy : 0), memory_order_relaxed);
        atomic_fetch_add_explicit(&d->audio_ns, audio, memory_order_relaxed);
        const float a = fminf(1.0f, (float)((double)nframes / (0.3 * d->rate)));
        d->load_avg += a * ((float)((double)busy / (double)audio) - d->load_avg);
        atomic_store_explicit(&d->load_bits, float_bits(d->load_avg), memory_order_relaxed);
        uint_fast64_t ppm = (uint_fast64_t)((double)busy * 1e6 / (double)audio);
        uint_fast64_t old = atomic_load_explicit(&d->max_load_ppm, memory_order_relaxed);
        while (ppm > old &&
               !atomic_compare_exchange_weak_explicit(&d->max_load_ppm, &old, ppm, memory_order_relaxed,
                                                      memory_order_relaxed)) {
        }
    }
}

void host_dsp_read_load(host_dsp *d, double *mean, double *peak)
{
    uint64_t busy = atomic_exchange_explicit(&d->busy_ns, 0, memory_order_relaxed);
    uint64_t audio = atomic_exchange_explicit(&d->audio_ns, 0, memory_order_relaxed);
    uint64_t ppm = atomic_exchange_explicit(&d->max_load_ppm, 0, memory_order_relaxed);
    *mean = audio ? (double)busy / (double)audio : 0.0;
    *peak = (double)ppm * 1e-6;
}
