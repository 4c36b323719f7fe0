/* The audio side of the standalone hosts (see host_dsp.h). */
#include "host_dsp.h"
#include "capture_clock.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void update_gains(host_dsp *d)
{
    int any_solo = 0;
    for (int j = 0; j < d->n_stems; j++)
        any_solo |= d->solo[j];
    for (int j = 0; j < d->n_stems; j++) {
        float g = powf(10.0f, d->gain_db[j] / 20.0f);
        if (d->mute[j] || (any_solo && !d->solo[j]) || d->gain_db[j] <= -120.0f)
            g = 0.0f;
        d->params.gain[j] = g;
    }
    d->params_dirty = 1;
}

int host_dsp_init(host_dsp *d, const host_dsp_init_args *a)
{
    memset(d, 0, sizeof *d);
    d->engine = a->engine;
    d->clock = a->clock;
    d->queue = a->queue;
    d->n_players = a->n_players;
    d->n_stems = a->n_stems;
    d->latency = camsep_engine_latency(a->engine);
    d->rate = camsep_engine_config(a->engine)->sample_rate;
    d->params = a->params;
    uint32_t size = 1;
    while (size < (uint32_t)d->latency + 1)
        size <<= 1;
    d->delay = calloc(size, sizeof(float));
    if (!d->delay)
        return -1;
    d->delay_mask = size - 1;
    d->bypass_step = (float)(1.0 / (HOST_BYPASS_FADE_S * d->rate));
    atomic_init(&d->bypass_state, 0);
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++)
        atomic_init(&d->level_bits[j], 0u);
    atomic_init(&d->load_bits, 0u);
    update_gains(d);
    d->params_dirty = 0; /* set-up posts them */
    return 0;
}

void host_dsp_free(host_dsp *d)
{
    free(d->delay);
    d->delay = NULL;
}

static void apply(host_dsp *d, const host_command *c)
{
    const int j = c->stem;
    const int stem_ok = j >= 0 && j < d->n_stems;
    switch (c->type) {
    case HOST_CMD_GAIN:
        if (stem_ok && isfinite(c->value)) {
            d->gain_db[j] = fminf(24.0f, fmaxf(-120.0f, c->value));
            update_gains(d);
        }
        break;
    case HOST_CMD_MUTE:
        if (stem_ok) {
            d->mute[j] = c->on != 0;
            update_gains(d);
        }
        break;
    case HOST_CMD_SOLO:
        if (stem_ok) {
            d->solo[j] = c->on != 0;
            update_gains(d);
        }
        break;
    case HOST_CMD_BYPASS: d->bypass = c->on != 0; break;
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
    d->bypass_mix = d->bypass ? 1.0f : 0.0f;
    atomic_store(&d->bypass_state, d->bypass);
    d->params_dirty = 0;
    d->restore_smoothing = 1;
}

static uint32_t float_bits(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

/* Audio thread: each stem's peak this block, or the last peak decayed. */
static void meter(host_dsp *d, float *const *outs, uint32_t nframes)
{
    if (!nframes)
        return;
    const float fall = powf(10.0f, (float)(-HOST_METER_RELEASE_DB_S / 20.0 * (double)nframes / d->rate));
    for (int j = 0; j < d->n_stems; j++) {
        float p = 0.0f;
        if (outs[j])
            for (uint32_t i = 0; i < nframes; i++) {
                const float a = fabsf(outs[j][i]);
                p = a > p ? a : p; /* NaN never wins */
            }
        float held = d->peak[j] * fall;
        if (held < 1e-9f)
            held = 0.0f; /* no denormals */
        d->peak[j] = p > held ? p : held;
        atomic_store_explicit(&d->level_bits[j], float_bits(d->peak[j]), memory_order_relaxed);
    }
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
    for (int j = 0; j < d->n_stems; j++) {
        uint32_t u = atomic_load_explicit(&d->level_bits[j], memory_order_relaxed);
        memcpy(&levels[j], &u, sizeof u);
    }
}

void host_dsp_process(host_dsp *d, const float *in, float *const *outs, uint32_t nframes, int64_t anchor_ns)
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

    camsep_engine_process(d->engine, in, outs, nframes);
    if (d->restore_smoothing && nframes) {
        d->restore_smoothing = 0;
        d->params_dirty = 1;
    }

    /* Bypass: the input delayed by the latency, split evenly, crossfaded. */
    const float target = d->bypass ? 1.0f : 0.0f, share = 1.0f / (float)d->n_stems;
    if (d->bypass_mix == 0.0f && target == 0.0f) {
        for (uint32_t i = 0; i < nframes; i++) {
            float x = in[i];
            d->delay[d->delay_pos] = isfinite(x) ? x : 0.0f;
            d->delay_pos = (d->delay_pos + 1) & d->delay_mask;
        }
    } else {
        for (uint32_t i = 0; i < nframes; i++) {
            float x = in[i];
            d->delay[d->delay_pos] = isfinite(x) ? x : 0.0f;
            const float dry = d->delay[(d->delay_pos - (uint32_t)d->latency) & d->delay_mask] * share;
            d->delay_pos = (d->delay_pos + 1) & d->delay_mask;
            if (d->bypass_mix < target)
                d->bypass_mix = fminf(target, d->bypass_mix + d->bypass_step);
            else if (d->bypass_mix > target)
                d->bypass_mix = fmaxf(target, d->bypass_mix - d->bypass_step);
            const float m = d->bypass_mix;
            for (int j = 0; j < d->n_stems; j++)
                if (outs[j])
                    outs[j][i] = outs[j][i] + m * (dry - outs[j][i]);
        }
    }
    atomic_store_explicit(&d->bypass_state, d->bypass_mix > 0.0f, memory_order_relaxed);
    meter(d, outs, nframes);

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
