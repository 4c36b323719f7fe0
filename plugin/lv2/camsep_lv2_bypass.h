/*
 * Bypass for camsep.lv2: the dry input delayed by the engine's latency (so
 * that bypass does not jump in time) and a linear cross-fade between the
 * separated stems and that dry signal. Bypassed, the dry signal goes to the
 * "other" output and the players are silent, so the outputs still sum to
 * the input as they do while separating.
 *
 * Threading: init/free are set-up; the rest is audio-thread, real-time safe.
 */
#ifndef CAMSEP_LV2_BYPASS_H
#define CAMSEP_LV2_BYPASS_H

#include <stdint.h>

typedef struct camsep_lv2_bypass {
    float *delay;    /* latency samples */
    uint32_t length; /* latency */
    uint32_t pos;
    float mix;       /* 1 = separated, 0 = bypassed */
    float step;      /* mix change per sample while fading */
} camsep_lv2_bypass;

/* Set-up: latency in samples (>= 1), fade time in samples (>= 1). 0 or -1. */
int camsep_lv2_bypass_init(camsep_lv2_bypass *b, uint32_t latency, uint32_t fade_samples);
void camsep_lv2_bypass_free(camsep_lv2_bypass *b);
/* Audio: forget the delayed signal; jump to the target without a fade. */
void camsep_lv2_bypass_reset(camsep_lv2_bypass *b, int enabled);

/* Audio: pushes n input samples through the delay line, writing the delayed
 * dry signal to dry (non-finite input samples become 0). */
void camsep_lv2_bypass_delay(camsep_lv2_bypass *b, const float *in, float *dry, uint32_t n);

/* Audio: applies the cross-fade towards `enabled` to n samples. players are
 * the player outputs (NULL entries skipped), other the other output (may be
 * NULL), dry the delayed input. Returns 1 if the block was all separated
 * (nothing was touched), 0 otherwise. */
int camsep_lv2_bypass_apply(camsep_lv2_bypass *b, int enabled, float *const *players, int n_players, float *other,
                            const float *dry, uint32_t n);

#endif
