/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Finding and loading the players' dictionaries: a bundled instrument name is
 * looked up in, in order, $CAMSEP_DICT_DIR, the installed data directory
 * (<datadir>/camsep/dictionaries, compiled in) and the source tree's
 * presets/dictionaries (compiled in, for running from the build tree).
 *
 * Threading: set-up only (I/O, allocation).
 */
#ifndef CAMSEP_HOST_DICTS_H
#define CAMSEP_HOST_DICTS_H

#include <stddef.h>

#include "dictionary.h"

/* The path of a bundled instrument's dictionary. 0, or -1 with a reason that
 * lists the directories searched and the instruments found. */
int host_dict_find(const char *instrument, char *path, size_t size, char *err, size_t errlen);

/* Loads `instrument` (a bundled name) or `file` (a path; takes precedence
 * when non-empty). NULL with "player NAME: reason" in err. */
camsep_dictionary *host_dict_load(const char *player, const char *instrument, const char *file, char *err,
                                  size_t errlen);

#endif
