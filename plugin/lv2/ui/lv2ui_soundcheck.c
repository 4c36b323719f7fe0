/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sound check in the camsep.lv2 UI (see lv2ui_soundcheck.h). */
#include "lv2ui_soundcheck.h"

#include <stdio.h>
#include <string.h>

#include "ui_x11.h" /* ui_x11_key */

void lv2ui_soundcheck_init(lv2ui_soundcheck *sc)
{
    memset(sc, 0, sizeof *sc);
    snprintf(sc->state, sizeof sc->state, "idle");
}

int lv2ui_soundcheck_running(const lv2ui_soundcheck *sc)
{
    return !strcmp(sc->state, "recording") || !strcmp(sc->state, "learning");
}

const char *lv2ui_soundcheck_label(const lv2ui_soundcheck *sc)
{
    if (!strcmp(sc->state, "recording"))
        return "stop & learn";
    if (!strcmp(sc->state, "learning"))
        return "cancel";
    return "sound check";
}

const char *lv2ui_soundcheck_button_command(const lv2ui_soundcheck *sc, int camera_live)
{
    if (!strcmp(sc->state, "recording"))
        return "stop";
    if (!strcmp(sc->state, "learning"))
        return "cancel";
    return camera_live ? "start" : "alone 1";
}

const char *lv2ui_soundcheck_key_command(const lv2ui_soundcheck *sc, int key, int arg, int players, int camera_live,
                                         char *buf, size_t size)
{
    switch (key) {
    case UI_KEY_LETTER: return arg == 's' || arg == 'S' ? lv2ui_soundcheck_button_command(sc, camera_live) : NULL;
    case UI_KEY_ESCAPE: return lv2ui_soundcheck_running(sc) ? "cancel" : NULL;
    case UI_KEY_DIGIT:
        if (arg < 1 || arg > players)
            return NULL;
        snprintf(buf, size, "alone %d", arg);
        return buf;
    default: return NULL;
    }
}
