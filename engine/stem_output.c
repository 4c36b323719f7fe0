/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The output stage shared by every host (see stem_output.h). */
#include "stem_output.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PEAK_FLOOR 1e-9f /* below this a held peak is 0: no denormals */

int camsep_stem_output_init(camsep_stem_output *o, int n_outputs, uint32_t latency, double rate)
{
    memset(o, 0, sizeof *o);
    if (n_outputs < 1 || n_outputs > CAMSEP_MAX_SOURCES || latency < 1 || !(rate > 0.0))
        return -1;
    o->delay = calloc(latency, sizeof(float));
    if (!o->delay)
        return -1;
    o->n_outputs = n_outputs;
    o->latency = latency;
    o->capacity = latency;
    o->fade_step = (float)(1.0 / (CAMSEP_STEM_BYPASS_FADE_S * rate));
    o->share = 1.0f / (float)n_outputs;
    o->release = (float)pow(10.0, -CAMSEP_STEM_METER_RELEASE_DB_S / 20.0 / rate);
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++)
        atomic_init(&o->level_bits[j], 0u);
    atomic_init(&o->bypassed, 0);
    return 0;
}

void camsep_stem_output_free(camsep_stem_output *o)
{
    free(o->delay);
    o->delay = NULL;
}

static uint32_t float_bits(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

CAMSEP_RT void camsep_stem_output_reset(camsep_stem_output *o)
{
    memset(o->delay, 0, sizeof(float) * o->latency);
    o->delay_pos = 0;
    o->mix = o->bypass ? 1.0f : 0.0f;
    atomic_store_explicit(&o->bypassed, o->bypass, memory_order_relaxed);
    for (int j = 0; j < o->n_outputs; j++) {
        o->peak[j] = 0.0f;
        atomic_store_explicit(&o->level_bits[j], 0u, memory_order_relaxed);
    }
}

CAMSEP_RT void camsep_stem_output_set_bypass(camsep_stem_output *o, int on)
{
    o->bypass = on != 0;
}

CAMSEP_RT void camsep_stem_output_set_gain_db(camsep_stem_output *o, int j, float db)
{
    if (j >= 0 && j < o->n_outputs && isfinite(db))
        o->gain_db[j] = fminf(CAMSEP_STEM_GAIN_MAX_DB, fmaxf(CAMSEP_STEM_GAIN_MIN_DB, db));
}

CAMSEP_RT void camsep_stem_output_set_mute(camsep_stem_output *o, int j, int on)
{
    if (j >= 0 && j < o->n_outputs)
        o->mute[j] = on != 0;
}

CAMSEP_RT void camsep_stem_output_set_solo(camsep_stem_output *o, int j, int on)
{
    if (j >= 0 && j < o->n_outputs)
        o->solo[j] = on != 0;
}

CAMSEP_RT float camsep_stem_output_gain(const camsep_stem_output *o, int j)
{
    if (j < 0 || j >= o->n_outputs)
        return 0.0f;
    int any_solo = 0;
    for (int k = 0; k < o->n_outputs; k++)
        any_solo |= o->solo[k];
    if (o->mute[j] || (any_solo && !o->solo[j]) || o->gain_db[j] <= CAMSEP_STEM_GAIN_MIN_DB)
        return 0.0f;
    return o->gain_db[j] == 0.0f ? 1.0f : powf(10.0f, o->gain_db[j] / 20.0f);
}

void camsep_stem_output_set_latency(camsep_stem_output *o, uint32_t latency)
{
    if (latency < 1 || latency > o->capacity)
        return;
    o->latency = latency;
    memset(o->delay, 0, sizeof(float) * o->capacity);
    o->delay_pos = 0;
}

static void push_delay(camsep_stem_output *o, const float *in, float *dry, uint32_t n)
{
    uint32_t pos = o->delay_pos;
    for (uint32_t i = 0; i < n; i++) {
        const float x = isfinite(in[i]) ? in[i] : 0.0f;
        if (dry)
            dry[i] = o->delay[pos] * o->share;
        o->delay[pos] = x;
        if (++pos == o->latency)
            pos = 0;
    }
    o->delay_pos = pos;
}

/* Cross-fades samples [0, n) of the outputs towards the target; dry holds
 * the delayed, shared input for them. */
static void fade(camsep_stem_output *o, float *const *outs, const float *dry, uint32_t n)
{
    const float target = o->bypass ? 1.0f : 0.0f;
    float mix = o->mix;
    for (uint32_t i = 0; i < n; i++) {
        if (mix < target)
            mix = fminf(target, mix + o->fade_step);
        else if (mix > target)
            mix = fmaxf(target, mix - o->fade_step);
        for (int j = 0; j < o->n_outputs; j++)
            if (outs[j])
                outs[j][i] = mix == 1.0f ? dry[i] : outs[j][i] + mix * (dry[i] - outs[j][i]);
    }
    o->mix = mix;
}

static void meter(camsep_stem_output *o, float *const *outs, uint32_t n)
{
    for (int j = 0; j < o->n_outputs; j++) {
        float p = o->peak[j];
        if (outs[j]) {
            for (uint32_t i = 0; i < n; i++) {
                const float a = fabsf(outs[j][i]);
                p *= o->release;
                p = a > p ? a : p; /* NaN never wins */
            }
        } else {
            p *= powf(o->release, (float)n);
        }
        if (p < PEAK_FLOOR)
            p = 0.0f;
        o->peak[j] = p;
        atomic_store_explicit(&o->level_bits[j], float_bits(p), memory_order_relaxed);
    }
}

CAMSEP_RT void camsep_stem_output_process(camsep_stem_output *o, const float *in, float *const *outs, uint32_t n)
{
    const float target = o->bypass ? 1.0f : 0.0f;
    if (o->mix == 0.0f && target == 0.0f) {
        push_delay(o, in, NULL, n);
    } else {
        float dry[256];
        for (uint32_t done = 0; done < n;) {
            const uint32_t k = n - done < 256 ? n - done : 256;
            float *part[CAMSEP_MAX_SOURCES];
            for (int j = 0; j < o->n_outputs; j++)
                part[j] = outs[j] ? outs[j] + done : NULL;
            push_delay(o, in + done, dry, k);
            fade(o, part, dry, k);
            done += k;
        }
    }
    atomic_store_explicit(&o->bypassed, o->mix > 0.0f, memory_order_relaxed);
    meter(o, outs, n);
}

float camsep_stem_output_level(const camsep_stem_output *o, int j)
{
    if (j < 0 || j >= o->n_outputs)
        return 0.0f;
    const uint32_t u = atomic_load_explicit(&o->level_bits[j], memory_order_relaxed);
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

int camsep_stem_output_bypassed(const camsep_stem_output *o)
{
    return atomic_load_explicit(&o->bypassed, memory_order_relaxed);
}
