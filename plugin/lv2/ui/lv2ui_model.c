/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "lv2ui_model.h"

#include <math.h>
#include <string.h>

int lv2ui_model_init(lv2ui_model *m, int players)
{
    memset(m, 0, sizeof *m);
    const camsep_lv2_variant *v = camsep_lv2_variant_find(players);
    if (!v)
        return -1;
    m->players = players;
    m->n_ports = camsep_lv2_port_count(players);
    for (uint32_t i = 0; i < m->n_ports; i++) {
        camsep_lv2_port_describe(players, v->instrument, i, &m->desc[i]);
        m->value[i] = m->desc[i].kind == CAMSEP_KIND_CONTROL ? m->desc[i].deflt : NAN;
    }
    for (int j = 0; j <= CAMSEP_LV2_MAX_PLAYERS; j++)
        ui_peak_reset(&m->peak[j]);
    return 0;
}

uint32_t lv2ui_model_port(const lv2ui_model *m, int strip, lv2ui_strip_port which)
{
    if (strip >= 0 && strip < m->players) {
        static const camsep_lv2_player_port map[] = {
            [LV2UI_GAIN] = CAMSEP_PP_GAIN,   [LV2UI_MUTE] = CAMSEP_PP_MUTE,     [LV2UI_INSTRUMENT] = CAMSEP_PP_INSTRUMENT,
            [LV2UI_LEVEL] = CAMSEP_PP_LEVEL, [LV2UI_MOTION] = CAMSEP_PP_MOTION, [LV2UI_DICT] = CAMSEP_PP_ACTIVE,
        };
        return camsep_lv2_player_port_index(strip, map[which]);
    }
    if (strip == LV2UI_OTHER) {
        switch (which) {
        case LV2UI_GAIN:
            return camsep_lv2_other_port_index(m->players, CAMSEP_OP_GAIN);
        case LV2UI_MUTE:
            return camsep_lv2_other_port_index(m->players, CAMSEP_OP_MUTE);
        case LV2UI_LEVEL:
            return camsep_lv2_other_port_index(m->players, CAMSEP_OP_LEVEL);
        default:
            return UINT32_MAX;
        }
    }
    return UINT32_MAX;
}

static int strip_of_level(const lv2ui_model *m, uint32_t index)
{
    for (int j = 0; j < m->players; j++)
        if (index == lv2ui_model_port(m, j, LV2UI_LEVEL))
            return j;
    return index == lv2ui_model_port(m, LV2UI_OTHER, LV2UI_LEVEL) ? CAMSEP_LV2_MAX_PLAYERS : -1;
}

int lv2ui_model_port_event(lv2ui_model *m, uint32_t index, float value, double now)
{
    if (index >= m->n_ports || m->desc[index].kind != CAMSEP_KIND_CONTROL || isnan(value))
        return 0;
    m->value[index] = value;
    const int k = strip_of_level(m, index);
    if (k >= 0) /* below the meter's floor counts as silence (no peak to hold) */
        ui_peak_update(&m->peak[k], value > UI_METER_FLOOR_DB ? value : NAN, now);
    return 1;
}

int lv2ui_model_range(const lv2ui_model *m, uint32_t index, float *lo, float *hi)
{
    if (index >= m->n_ports || m->desc[index].kind != CAMSEP_KIND_CONTROL ||
        m->desc[index].direction != CAMSEP_LV2_DIR_IN)
        return -1;
    *lo = m->desc[index].minimum;
    *hi = m->desc[index].maximum;
    return 0;
}

float lv2ui_model_set(lv2ui_model *m, uint32_t index, float value)
{
    float lo, hi;
    if (lv2ui_model_range(m, index, &lo, &hi) || isnan(value))
        return NAN;
    if (m->desc[index].props & (CAMSEP_PROP_INTEGER | CAMSEP_PROP_TOGGLED))
        value = roundf(value);
    value = value < lo ? lo : value > hi ? hi : value;
    m->value[index] = value;
    return value;
}

float lv2ui_model_get(const lv2ui_model *m, int strip, lv2ui_strip_port which)
{
    const uint32_t i = lv2ui_model_port(m, strip, which);
    return i < m->n_ports ? m->value[i] : NAN;
}

float lv2ui_model_peak(lv2ui_model *m, int strip, double now)
{
    const int k = strip == LV2UI_OTHER ? CAMSEP_LV2_MAX_PLAYERS : strip;
    if (k < 0 || k > CAMSEP_LV2_MAX_PLAYERS)
        return -INFINITY;
    return ui_peak_update(&m->peak[k], NAN, now);
}

int lv2ui_model_animating(const lv2ui_model *m)
{
    for (int k = 0; k <= CAMSEP_LV2_MAX_PLAYERS; k++)
        if (isfinite(m->peak[k].db))
            return 1;
    return 0;
}
