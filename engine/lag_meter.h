/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How late the camera is against the audio, measured online (audio thread).
 *
 * Each channel pairs a level the audio hears (linear, >= 0; taken in dB,
 * floored 40 dB under its held peak) with a signal from the camera. The rises
 * of both (over LAG_METER_RISE_S) are cross-correlated for lags within
 * +-LAG_METER_MAX_LAG_S, exponentially forgotten over the meter's memory, and
 * the lag where the channels' correlations, averaged, peak is the camera's
 * lag: a camera late by d shows the audio's rise d later. A peak far from
 * where a camera set right is measured (`centre_s`) must stand out by
 * `penalty` per second: music's own rhythm makes secondary peaks.
 *
 * Rises, not levels: a note lasts much longer than the errors that matter,
 * and the levels' correlation is flat over them; the rises mark the entrances.
 *
 * Allocation-free; the state is plain data inside its owner.
 */
#ifndef CAMSEP_LAG_METER_H
#define CAMSEP_LAG_METER_H

#include <stdbool.h>

#include "camsep_engine.h"

#define LAG_METER_RISE_S 0.035   /* the rises compared: over this time */
#define LAG_METER_MAX_LAG_S 0.28 /* lags searched: within +- this */
#define LAG_METER_MIN_CORR 0.15f /* a peak correlation under this measures nothing */
#define LAG_METER_SETTLED 2.0    /* lag_meter_settled(): evidence, in units of the first measurement's */

/* The meter runs at most this often (a frame rate above it is decimated). */
#define LAG_METER_MAX_RATE 200.0
#define LAG_METER_RING 128 /* > 2 x MAX_LAG_S x MAX_RATE */
#define LAG_METER_LAGS (LAG_METER_RING - 1)

typedef struct lag_meter {
    int step;       /* the meter takes every step-th frame */
    int lags;       /* D: lags -D..D, in meter frames */
    int rise;       /* frames between the values whose difference is a rise */
    double rate;    /* meter frames per second */
    double forget;  /* per meter frame */
    double mature;  /* forgetting weight at which the lag counts as measured */
    double peak_decay;
    float centre_s; /* where a camera set right is measured */
    float penalty;  /* per second away from centre_s, taken off a lag's correlation */
    float rise_cap; /* 0, or a signal's rise counts at most this many times its RMS */
    double sq[CAMSEP_MAX_SOURCES], sq_w; /* forgetting sums of the signal's rise squared, and of 1 */
    int n;          /* channels */
    long frames;    /* frames seen since the reset */
    int t, filled;  /* ring position, entries in the ring since the reset */
    float level[CAMSEP_MAX_SOURCES][LAG_METER_RING]; /* level (dB, floored) and signal, raw */
    float signal[CAMSEP_MAX_SOURCES][LAG_METER_RING];
    float level_rise[CAMSEP_MAX_SOURCES][LAG_METER_RING];
    float signal_rise[CAMSEP_MAX_SOURCES][LAG_METER_RING];
    float peak[CAMSEP_MAX_SOURCES]; /* the level's held peak, linear */
    double w;                       /* forgetting sum of 1 */
    double sa[CAMSEP_MAX_SOURCES], saa[CAMSEP_MAX_SOURCES];
    double sp[CAMSEP_MAX_SOURCES][LAG_METER_LAGS], spp[CAMSEP_MAX_SOURCES][LAG_METER_LAGS],
        sap[CAMSEP_MAX_SOURCES][LAG_METER_LAGS];
    bool measured;  /* enough evidence for an answer */
    float offset_s; /* the peak's lag against centre_s (> 0: late), however weak the peak
                       (offset_corr says how clear); NaN: not measured yet */
    float offset_corr; /* the correlation at that lag; NaN: not measured yet */
} lag_meter;

/* set-up or audio: frames_per_second of the frames given to update(); centre_s
 * and penalty as above, memory_s > 0. Forgets everything. */
void lag_meter_init(lag_meter *m, double frames_per_second, float centre_s, double memory_s, float penalty);
/* set-up: a signal whose rises are unbounded (motion; an occluder's first
 * frames, a flash) counts each rise at most `cap` times the channel's rise
 * RMS, once a quarter of the evidence is in: a few wild frames would otherwise
 * outweigh seconds of it. 0 (the default): no cap, for a bounded signal. */
void lag_meter_cap_rises(lag_meter *m, float cap);
/* audio: forget the evidence, measure `channels` channels from now on. */
void lag_meter_reset(lag_meter *m, int channels);
/* audio: one frame. level[c] >= 0 (linear), signal[c]: the camera's; `all`:
 * every channel has its camera signal this frame (if not, the rises would not
 * line up and the ring starts again). Updates offset_s and offset_corr. */
void lag_meter_update(lag_meter *m, const float *level, const float *signal, bool all);

/* 0..1: 1 within `full` of centre_s, 0 beyond `none` (smoothstep), and 0 when
 * a measured peak is under LAG_METER_MIN_CORR; NaN before it is measured. */
float lag_meter_timely(const lag_meter *m, float full, float none);
/* 0..1: how far the evidence has grown since the lag counted as measured: 0
 * then, 1 once it weighs LAG_METER_SETTLED times as much; NaN before. The
 * first readings rest on a few entrances and can be far off. */
float lag_meter_settled(const lag_meter *m);

#endif
