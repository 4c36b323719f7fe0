/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What a host's window shows of the host's state, for the glue of camsep-jack
 * and camsep-capture: the boxes last set in the window (so that the host's
 * boxes are pushed only when they changed, or always after an edit, which
 * ends the edit shown as proposed) and a message on the status line that
 * says what became of an edit.
 *
 * Threading: any thread (the window's callbacks and the host's control loop);
 * a short mutex, never taken by audio or capture threads.
 */
#ifndef CAMSEP_UI_BOX_MIRROR_H
#define CAMSEP_UI_BOX_MIRROR_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "camsep_ui.h"

typedef struct ui_box_mirror {
    pthread_mutex_t lock;
    camsep_box shown[CAMSEP_UI_MAX_PLAYERS];
    int have_shown;
    char message[512];
    int64_t message_until; /* CLOCK_MONOTONIC ns */
} ui_box_mirror;

int ui_box_mirror_init(ui_box_mirror *m);
void ui_box_mirror_destroy(ui_box_mirror *m);
/* The host's boxes (n players, w <= 0: none) into the window if they differ
 * from what it shows, or always with force. */
void ui_box_mirror_show(ui_box_mirror *m, camsep_ui *ui, const camsep_box *boxes, int n, int force);
/* A message for the status line for a few seconds; also printed on stdout as
 * "PROGRAM: ui: TEXT". */
void ui_box_mirror_say(ui_box_mirror *m, const char *program, const char *text);
/* The status line: "message | line" while a message is fresh, else line. */
void ui_box_mirror_status(ui_box_mirror *m, const char *line, char *out, size_t outlen);
/* What became of an edit of player's box (box NULL: a removal, which hosts
 * refuse because every player needs a box; err: the host's refusal or NULL). */
void ui_box_mirror_describe(const char *name, int player, const camsep_box *box, const char *err, char *out,
                            size_t outlen);

#endif
