/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the camsep.lv2 UI shows and edits: the value of every control port of
 * one plugin variant, as the host last reported it (port_event) or as the
 * engineer set it, plus the held peaks of the level meters.
 *
 * Pure (no X, no cairo, no LV2 calls); one thread (the UI's).
 */
#ifndef CAMSEP_LV2UI_MODEL_H
#define CAMSEP_LV2UI_MODEL_H

#include <stdint.h>

#include "camsep_lv2_catalog.h"
#include "camsep_lv2_ports.h"
#include "ui_meter.h"

#define LV2UI_MAX_PORTS (CAMSEP_PORT_FIRST_PLAYER + CAMSEP_LV2_MAX_PLAYERS * CAMSEP_PP_COUNT + CAMSEP_OP_COUNT)
#define LV2UI_OTHER CAMSEP_LV2_MAX_PLAYERS /* the "other" stem's strip, after the players' */

typedef struct lv2ui_model {
    int players;                   /* of the variant */
    uint32_t n_ports;
    camsep_lv2_port_desc desc[LV2UI_MAX_PORTS]; /* from the same table as the Turtle */
    float value[LV2UI_MAX_PORTS];  /* control ports, by index (audio and atom ports unused) */
    ui_peak peak[CAMSEP_LV2_MAX_PLAYERS + 1]; /* level meters: players, then other */
} lv2ui_model;

/* The variant's ports and their defaults (camsep_lv2_port_describe, the
 * Turtle's source). 0, or -1 for an unknown line-up size. */
int lv2ui_model_init(lv2ui_model *m, int players);

/* The port index of a strip's control (strip 0..players-1, or LV2UI_OTHER);
 * UINT32_MAX if that strip has none (the other stem has no instrument,
 * motion or dictionary). */
typedef enum lv2ui_strip_port { LV2UI_GAIN, LV2UI_MUTE, LV2UI_INSTRUMENT, LV2UI_LEVEL, LV2UI_MOTION, LV2UI_DICT } lv2ui_strip_port;
uint32_t lv2ui_model_port(const lv2ui_model *m, int strip, lv2ui_strip_port which);

/* A value the host reported. Returns 1 if the port is one the UI shows (it
 * changed or not), 0 for an index it ignores. now: seconds (peak hold). */
int lv2ui_model_port_event(lv2ui_model *m, uint32_t index, float value, double now);
/* A value the engineer chose for an input port: clamped to its range (and
 * rounded for integer ports), stored, and returned for the host. NaN for an
 * index that is not an input control. */
float lv2ui_model_set(lv2ui_model *m, uint32_t index, float value);
/* The range of an input control port; 0, or -1 if index is not one. */
int lv2ui_model_range(const lv2ui_model *m, uint32_t index, float *lo, float *hi);

/* Strip j's value of `which` (NaN if it has none). */
float lv2ui_model_get(const lv2ui_model *m, int strip, lv2ui_strip_port which);
/* The held peak of a strip's level meter at time now (dB, -inf: none). */
float lv2ui_model_peak(lv2ui_model *m, int strip, double now);
/* A peak is held or falling: the meters need redrawing while time passes. */
int lv2ui_model_animating(const lv2ui_model *m);

#endif
