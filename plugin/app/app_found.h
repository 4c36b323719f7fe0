/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Players found in the picture, in the programs' windows: the keys, the
 * status line's item and the dashed boxes, the same in camsep-capture,
 * camsep-jack and camsep-portaudio. The search itself is the capture
 * runner's (capture_runner.h: find_players, get_proposal); the program
 * applies a proposal through its own box path, as OSC's /players/found/apply.
 *
 * Keys: f looks for the players (as many as the program has, over
 * APP_FOUND_SECONDS; again: starts over), b gives the boxes found to the
 * players left to right, B the same when fewer were found than there are
 * players (to the first ones).
 *
 * Pure functions of their arguments; any thread.
 */
#ifndef CAMSEP_APP_FOUND_H
#define CAMSEP_APP_FOUND_H

#include <stddef.h>

#include "capture_runner.h"
#include "osc_control.h"

#define APP_FOUND_SECONDS CAMSEP_OSC_FIND_SECONDS_DEFAULT /* what the f key looks at, as /players/find */

/* 1 when the proposal's boxes are the first of `boxes` already (applied). */
int app_found_in_use(const camsep_capture_proposal *p, const camsep_box *boxes, int n_players);
/* The status line's item for the search: where it stands and its keys. */
void app_found_item(const camsep_capture_proposal *p, const camsep_box *boxes, int n_players, char *out,
                    size_t size);
/* How many of the proposal's boxes the window shows dashed: the proposal's
 * when it is READY and not in use yet, else 0. */
int app_found_shown(const camsep_capture_proposal *p, const camsep_box *boxes, int n_players);

/* The search and its boxes into an OSC state (/players/found,
 * /player/N/found): the state's name, the progress in hundredths, the boxes
 * normalised to the frame they were found in. */
void app_found_osc_state(const camsep_capture_proposal *p, camsep_osc_state *st);

#endif
