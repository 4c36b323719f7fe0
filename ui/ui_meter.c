/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ui_meter.h"

#include <math.h>

void ui_peak_reset(ui_peak *p)
{
    p->db = -INFINITY;
    p->since = 0.0;
}

float ui_peak_update(ui_peak *p, float level_db, double now)
{
    if (!isnan(level_db) && level_db >= p->db) {
        p->db = level_db;
        p->since = now;
        return p->db;
    }
    const double late = now - p->since - UI_PEAK_HOLD_S;
    if (late > 0.0 && isfinite(p->db)) {
        const float fallen = p->db - (float)(late * UI_PEAK_FALL_DB_S);
        p->since = now - UI_PEAK_HOLD_S; /* fall from here next time */
        p->db = fallen;
        if (!isnan(level_db) && level_db > p->db)
            p->db = level_db;
        if (p->db < UI_METER_FLOOR_DB - 1.0f)
            p->db = -INFINITY;
    }
    return p->db;
}

float ui_meter_level_fraction(float db)
{
    if (isnan(db))
        return 0.0f;
    const float f = (db - UI_METER_FLOOR_DB) / -UI_METER_FLOOR_DB;
    return f < 0.0f ? 0.0f : f > 1.0f ? 1.0f : f;
}

float ui_meter_motion_fraction(float motion)
{
    if (isnan(motion))
        return 0.0f;
    return motion < 0.0f ? 0.0f : motion > 1.0f ? 1.0f : motion;
}
