/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "camsep_lv2_ports.h"

#include <stdio.h>
#include <string.h>

#include "camsep_engine.h"
#include "camsep_lv2_catalog.h"

#define LV2_CORE "http://lv2plug.in/ns/lv2core#"

static void control(camsep_lv2_port_desc *d, int dir, const char *sym, const char *name, float lo, float hi,
                    float def, const char *unit, unsigned props)
{
    d->kind = CAMSEP_KIND_CONTROL;
    d->direction = dir;
    snprintf(d->symbol, sizeof d->symbol, "%s", sym);
    snprintf(d->name, sizeof d->name, "%s", name);
    d->minimum = lo;
    d->maximum = hi;
    d->deflt = def;
    d->unit = unit;
    d->props = props;
}

static void fixed_port(uint32_t index, camsep_lv2_port_desc *d)
{
    switch ((camsep_lv2_port_index)index) {
    case CAMSEP_PORT_INPUT:
        d->kind = CAMSEP_KIND_AUDIO;
        snprintf(d->symbol, sizeof d->symbol, "in");
        snprintf(d->name, sizeof d->name, "Mix in");
        break;
    case CAMSEP_PORT_CONTROL:
        d->kind = CAMSEP_KIND_ATOM;
        snprintf(d->symbol, sizeof d->symbol, "control");
        snprintf(d->name, sizeof d->name, "Control");
        d->designation = LV2_CORE "control";
        d->props = CAMSEP_PROP_OPTIONAL;
        break;
    case CAMSEP_PORT_NOTIFY:
        d->kind = CAMSEP_KIND_ATOM;
        d->direction = CAMSEP_LV2_DIR_OUT;
        snprintf(d->symbol, sizeof d->symbol, "notify");
        snprintf(d->name, sizeof d->name, "Notify");
        d->designation = LV2_CORE "control";
        d->props = CAMSEP_PROP_OPTIONAL;
        break;
    case CAMSEP_PORT_ENABLED:
        control(d, CAMSEP_LV2_DIR_IN, "enabled", "Enabled", 0, 1, 1, NULL,
                CAMSEP_PROP_INTEGER | CAMSEP_PROP_TOGGLED);
        d->designation = LV2_CORE "enabled";
        break;
    case CAMSEP_PORT_STRENGTH: {
        camsep_params p;
        camsep_params_default(&p);
        control(d, CAMSEP_LV2_DIR_IN, "strength", "Prior strength", 0, CAMSEP_LV2_STRENGTH_MAX, p.activity_strength,
                NULL, 0);
        break;
    }
    case CAMSEP_PORT_MASK_POWER: {
        camsep_params p;
        camsep_params_default(&p);
        control(d, CAMSEP_LV2_DIR_IN, "mask_power", "Mask exponent", CAMSEP_LV2_MASK_POWER_MIN,
                CAMSEP_LV2_MASK_POWER_MAX, p.mask_power, NULL, 0);
        break;
    }
    case CAMSEP_PORT_CAMERA_LATENCY:
        control(d, CAMSEP_LV2_DIR_IN, "camera_latency", "Camera latency", CAMSEP_LV2_CAMERA_LATENCY_MIN,
                CAMSEP_LV2_CAMERA_LATENCY_MAX, 0, "s", 0);
        break;
    case CAMSEP_PORT_LATENCY:
        control(d, CAMSEP_LV2_DIR_OUT, "latency", "Latency", 0, 16384, 0, "frame", CAMSEP_PROP_INTEGER);
        d->designation = LV2_CORE "latency";
        break;
    case CAMSEP_PORT_CAMERA_STATUS:
        control(d, CAMSEP_LV2_DIR_OUT, "camera", "Camera status", 0, 3, 0, NULL,
                CAMSEP_PROP_INTEGER | CAMSEP_PROP_ENUMERATION | CAMSEP_PROP_CAMERA_ENUM);
        break;
    case CAMSEP_PORT_FIRST_PLAYER:
        break;
    }
}

static void player_port(int player, int which, int default_instrument, camsep_lv2_port_desc *d)
{
    char sym[32], name[64];
    const int n = player + 1;
    d->player = player;
    switch ((camsep_lv2_player_port)which) {
    case CAMSEP_PP_OUT:
        d->kind = CAMSEP_KIND_AUDIO;
        d->direction = CAMSEP_LV2_DIR_OUT;
        snprintf(d->symbol, sizeof d->symbol, "out_%d", n);
        snprintf(d->name, sizeof d->name, "Player %d", n);
        return;
    case CAMSEP_PP_INSTRUMENT:
        snprintf(sym, sizeof sym, "instrument_%d", n);
        snprintf(name, sizeof name, "Player %d instrument", n);
        control(d, CAMSEP_LV2_DIR_IN, sym, name, 0, CAMSEP_INSTR_COUNT - 1, (float)default_instrument, NULL,
                CAMSEP_PROP_INTEGER | CAMSEP_PROP_ENUMERATION | CAMSEP_PROP_EXPENSIVE | CAMSEP_PROP_ARTIFACTS);
        return;
    case CAMSEP_PP_GAIN:
        snprintf(sym, sizeof sym, "gain_%d", n);
        snprintf(name, sizeof name, "Player %d gain", n);
        control(d, CAMSEP_LV2_DIR_IN, sym, name, CAMSEP_LV2_GAIN_MIN_DB, CAMSEP_LV2_GAIN_MAX_DB, 0, "db", 0);
        return;
    case CAMSEP_PP_MUTE:
        snprintf(sym, sizeof sym, "mute_%d", n);
        snprintf(name, sizeof name, "Player %d mute", n);
        control(d, CAMSEP_LV2_DIR_IN, sym, name, 0, 1, 0, NULL, CAMSEP_PROP_INTEGER | CAMSEP_PROP_TOGGLED);
        return;
    case CAMSEP_PP_LEVEL:
        snprintf(sym, sizeof sym, "level_%d", n);
        snprintf(name, sizeof name, "Player %d level", n);
        control(d, CAMSEP_LV2_DIR_OUT, sym, name, CAMSEP_LV2_METER_FLOOR_DB, 20, CAMSEP_LV2_METER_FLOOR_DB, "db", 0);
        return;
    case CAMSEP_PP_MOTION:
        snprintf(sym, sizeof sym, "motion_%d", n);
        snprintf(name, sizeof name, "Player %d motion prior", n);
        control(d, CAMSEP_LV2_DIR_OUT, sym, name, 0, 1, 1, NULL, 0);
        return;
    case CAMSEP_PP_ACTIVE:
        snprintf(sym, sizeof sym, "dict_%d", n);
        snprintf(name, sizeof name, "Player %d dictionary in use", n);
        control(d, CAMSEP_LV2_DIR_OUT, sym, name, -1, CAMSEP_INSTR_COUNT - 1, (float)default_instrument, NULL,
                CAMSEP_PROP_INTEGER | CAMSEP_PROP_ENUMERATION | CAMSEP_PROP_ACTIVE_ENUM);
        return;
    case CAMSEP_PP_COUNT:
        return;
    }
}

static void other_port(int which, camsep_lv2_port_desc *d)
{
    switch ((camsep_lv2_other_port)which) {
    case CAMSEP_OP_OUT:
        d->kind = CAMSEP_KIND_AUDIO;
        d->direction = CAMSEP_LV2_DIR_OUT;
        snprintf(d->symbol, sizeof d->symbol, "out_other");
        snprintf(d->name, sizeof d->name, "Other");
        return;
    case CAMSEP_OP_GAIN:
        control(d, CAMSEP_LV2_DIR_IN, "gain_other", "Other gain", CAMSEP_LV2_GAIN_MIN_DB, CAMSEP_LV2_GAIN_MAX_DB, 0,
                "db", 0);
        return;
    case CAMSEP_OP_MUTE:
        control(d, CAMSEP_LV2_DIR_IN, "mute_other", "Other mute", 0, 1, 0, NULL,
                CAMSEP_PROP_INTEGER | CAMSEP_PROP_TOGGLED);
        return;
    case CAMSEP_OP_LEVEL:
        control(d, CAMSEP_LV2_DIR_OUT, "level_other", "Other level", CAMSEP_LV2_METER_FLOOR_DB, 20,
                CAMSEP_LV2_METER_FLOOR_DB, "db", 0);
        return;
    case CAMSEP_OP_COUNT:
        return;
    }
}

int camsep_lv2_port_describe(int players, const int *default_instruments, uint32_t index,
                             camsep_lv2_port_desc *d)
{
    memset(d, 0, sizeof *d);
    d->player = -1;
    if (index >= camsep_lv2_port_count(players))
        return -1;
    if (index < CAMSEP_PORT_FIRST_PLAYER) {
        fixed_port(index, d);
        return 0;
    }
    if (index == camsep_lv2_latency_mode_port_index(players)) {
        control(d, CAMSEP_LV2_DIR_IN, "latency_mode", "Latency mode", 0, CAMSEP_LATENCY_MODE_COUNT - 1,
                CAMSEP_LATENCY_MODE_1024, NULL,
                CAMSEP_PROP_INTEGER | CAMSEP_PROP_ENUMERATION | CAMSEP_PROP_LATENCY_ENUM | CAMSEP_PROP_EXPENSIVE |
                    CAMSEP_PROP_ARTIFACTS | CAMSEP_PROP_NOT_AUTOMATIC);
        return 0;
    }
    const uint32_t rel = index - CAMSEP_PORT_FIRST_PLAYER;
    const int player = (int)(rel / CAMSEP_PP_COUNT);
    if (player < players)
        player_port(player, (int)(rel % CAMSEP_PP_COUNT), default_instruments[player], d);
    else
        other_port((int)(rel - (uint32_t)players * CAMSEP_PP_COUNT), d);
    return 0;
}
