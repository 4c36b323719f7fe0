/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Finding and loading the players' dictionaries: a bundled instrument name is
 * looked up in, in order, $CAMSEP_DICT_DIR, the data directory beside the
 * running program (<bindir>/../share/camsep/dictionaries: a package, or an
 * installed tree moved), the installed data directory
 * (<datadir>/camsep/dictionaries, compiled in) and the source tree's
 * presets/dictionaries (compiled in, for running from the build tree). Each
 * directory holds NAME.dict for the default window and latency-L/NAME.dict
 * for other latencies; the first file learned for the engine's window (see
 * camsep_dictionary_check_window) is taken.
 *
 * Threading: set-up only (I/O, allocation).
 */
#ifndef CAMSEP_HOST_DICTS_H
#define CAMSEP_HOST_DICTS_H

#include <stddef.h>

#include "camsep_engine.h"

/* A bundled instrument's dictionary for the window (fft_size, fall), loaded.
 * NULL with a reason that lists the directories searched and the instruments
 * or latencies found. */
camsep_dictionary *host_dict_find(const char *instrument, int fft_size, int fall, char *err, size_t errlen);

/* Loads `instrument` (a bundled name, for the window of cfg) or `file` (a
 * path; takes precedence when non-empty). NULL with "player NAME: reason". */
camsep_dictionary *host_dict_load(const char *player, const char *instrument, const char *file,
                                  const camsep_config *cfg, char *err, size_t errlen);

#endif
