#include "camsep_lv2_bypass.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int camsep_lv2_bypass_init(camsep_lv2_bypass *b, uint32_t latency, uint32_t fade_samples)
{
    memset(b, 0, sizeof *b);
    if (latency < 1 || fade_samples < 1)
        return -1;
    b->delay = calloc(latency, sizeof(float));
    if (!b->delay)
        return -1;
    b->length = latency;
    b->mix = 1.0f;
    b->step = 1.0f / (float)fade_samples;
    return 0;
}

void camsep_lv2_bypass_free(camsep_lv2_bypass *b)
{
    free(b->delay);
    b->delay = NULL;
}

void camsep_lv2_bypass_reset(camsep_lv2_bypass *b, int enabled)
{
    memset(b->delay, 0, sizeof(float) * b->length);
    b->pos = 0;
    b->mix = enabled ? 1.0f : 0.0f;
}

void camsep_lv2_bypass_delay(camsep_lv2_bypass *b, const float *in, float *dry, uint32_t n)
{
    uint32_t pos = b->pos;
    for (uint32_t i = 0; i < n; i++) {
        const float x = isfinite(in[i]) ? in[i] : 0.0f;
        dry[i] = b->delay[pos];
        b->delay[pos] = x;
        if (++pos == b->length)
            pos = 0;
    }
    b->pos = pos;
}

int camsep_lv2_bypass_apply(camsep_lv2_bypass *b, int enabled, float *const *players, int n_players, float *other,
                            const float *dry, uint32_t n)
{
    const float target = enabled ? 1.0f : 0.0f;
    if (b->mix == 1.0f && target == 1.0f)
        return 1;
    if (b->mix == 0.0f && target == 0.0f) { /* fully bypassed */
        for (int j = 0; j < n_players; j++)
            if (players[j])
                memset(players[j], 0, sizeof(float) * n);
        if (other)
            memcpy(other, dry, sizeof(float) * n);
        return 0;
    }
    float mix = b->mix;
    for (uint32_t i = 0; i < n; i++) {
        if (mix < target) {
            mix += b->step;
            if (mix > target)
                mix = target;
        } else if (mix > target) {
            mix -= b->step;
            if (mix < target)
                mix = target;
        }
        for (int j = 0; j < n_players; j++)
            if (players[j])
                players[j][i] *= mix;
        if (other)
            other[i] = other[i] * mix + dry[i] * (1.0f - mix);
    }
    b->mix = mix;
    return 0;
}
