/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Meter arithmetic: the dB scale of the level bars and the peak hold.
 * Pure; one thread (the UI's).
 */
#ifndef CAMSEP_UI_METER_H
#define CAMSEP_UI_METER_H

#define UI_METER_FLOOR_DB (-60.0f) /* bottom of a level bar */
#define UI_PEAK_HOLD_S 1.5         /* a peak stays this long ... */
#define UI_PEAK_FALL_DB_S 20.0     /* ... then falls at this rate */

typedef struct ui_peak {
    float db;       /* shown peak (-inf: none) */
    double since;   /* when it was last raised */
} ui_peak;

void ui_peak_reset(ui_peak *p);
/* Feeds the highest level seen since the last call (NaN: none) at time now
 * (seconds, monotonic); returns the peak to show. */
float ui_peak_update(ui_peak *p, float level_db, double now);

/* 0..1 bar height of a level in dB (UI_METER_FLOOR_DB..0), and of a motion
 * prior (0..1). NaN gives 0. */
float ui_meter_level_fraction(float db);
float ui_meter_motion_fraction(float motion);

#endif
