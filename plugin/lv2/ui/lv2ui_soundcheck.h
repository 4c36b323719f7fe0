/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The sound check as the camsep.lv2 UI sees it: the plugin's status (its
 * patch:Set of urn:camsep:lv2:soundcheck_state, _progress, _message and
 * _notice) and the commands the button and the keys send (patch:Set of
 * urn:camsep:lv2:soundcheck):
 *
 *   button / S     idle: "start" with a live camera, else "alone 1";
 *                  recording: "stop" (learning follows); learning: "cancel"
 *   1..9           "alone N": player N plays alone now (starts a sound check
 *                  without the camera, or announces the next player)
 *   Escape         "cancel"
 *
 * Pure; one thread (the UI's).
 */
#ifndef CAMSEP_LV2UI_SOUNDCHECK_H
#define CAMSEP_LV2UI_SOUNDCHECK_H

#include <stddef.h>

#define LV2UI_SC_TEXT 256

typedef struct lv2ui_soundcheck {
    char state[32]; /* "idle" until the plugin says */
    float progress; /* 0..1 */
    char message[LV2UI_SC_TEXT];
    char notice[LV2UI_SC_TEXT]; /* the last refused command ("" none) */
} lv2ui_soundcheck;

void lv2ui_soundcheck_init(lv2ui_soundcheck *sc);
/* Recording or learning. */
int lv2ui_soundcheck_running(const lv2ui_soundcheck *sc);
/* The button's label for the state. */
const char *lv2ui_soundcheck_label(const lv2ui_soundcheck *sc);
/* The command of the button (and of the S key). */
const char *lv2ui_soundcheck_button_command(const lv2ui_soundcheck *sc, int camera_live);
/* The command of a key (ui_x11_key and its arg) for a line-up of `players`
 * into buf; NULL if the key has none. */
const char *lv2ui_soundcheck_key_command(const lv2ui_soundcheck *sc, int key, int arg, int players, int camera_live,
                                         char *buf, size_t size);

#endif
