/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Where camsep.lv2's sound-check dictionaries go, and writing them all or
 * none: with state:makePath (given at instantiate) "soundcheck/playerN.dict"
 * in the host's directory for the instance (saved with the session);
 * without it $XDG_DATA_HOME/camsep/lv2-soundcheck/<date>-<pid>-<n>/ (or
 * ~/.local/share/...), a new directory for every run. Each file is written
 * under a temporary name and loaded back; only when all load are they
 * renamed into place (camsep_dictionary_save_all, engine/dictionary.h, as
 * the standalones' host_soundcheck_files.h; the names are this file's).
 *
 * Threading: any non-real-time thread (file I/O).
 */
#ifndef CAMSEP_LV2_SC_FILES_H
#define CAMSEP_LV2_SC_FILES_H

#include <stddef.h>

#include "lv2/state/state.h"

#include "camsep_lv2_soundcheck.h"

/* Writes dicts[k] for players[k] (0-based), k < n. res gets the players,
 * the paths and the dictionaries as loaded back (the caller's). 0, or -1
 * with the reason (nothing is left behind). */
int camsep_lv2_sc_write(const LV2_State_Make_Path *make_path, const LV2_State_Free_Path *free_path, int n,
                        const int *players, camsep_dictionary *const *dicts, camsep_lv2_sc_result *res, char *err,
                        size_t errlen);

#endif
