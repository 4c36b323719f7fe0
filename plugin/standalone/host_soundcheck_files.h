/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Where a sound check's dictionaries go, and writing them all or none.
 *
 * The directory: --soundcheck-dir (or `soundcheck-dir =`) when given; under
 * NSM PATH.soundcheck next to the session file PATH.conf (each client keeps
 * its files under its own path); with --config FILE, the directory of FILE;
 * otherwise $XDG_CONFIG_HOME/camsep/soundcheck (~/.config/camsep/soundcheck).
 *
 * Files are DIR/LABEL.dict, the label (display name, else the port name)
 * kept to [A-Za-z0-9_.-] (other bytes become '_'; two players whose names
 * come out the same get -2, -3, ...). Every file is first written under a
 * temporary name and loaded back; only when all of them load are they
 * renamed into place, so a failure leaves no half-written file and no new
 * file at all (camsep_dictionary_save_all, engine/dictionary.h, shared with
 * camsep.lv2; the names and the directory are this file's).
 *
 * Threading: any non-real-time thread (file I/O); no shared state.
 */
#ifndef CAMSEP_HOST_SOUNDCHECK_FILES_H
#define CAMSEP_HOST_SOUNDCHECK_FILES_H

#include <stddef.h>

#include "dictionary.h"
#include "host_config.h"

/* The directory for cfg; session_path is NSM's PATH (or NULL). */
void host_sc_dir(const host_config *cfg, const char *session_path, char *dir, size_t size);

/* "violin.dict" for label "violin"; "Anna_B.dict" for "Anna B". */
void host_sc_file_name(const char *label, char *out, size_t size);

/* Writes dicts[k] as DIR/<labels[k]>.dict (k < n), creating DIR. paths[k]
 * get the files written. 0, or -1 with the reason (nothing is left behind). */
int host_sc_write_dictionaries(const char *dir, int n, camsep_dictionary *const *dicts, const char *const *labels,
                               char (*paths)[HOST_PATH_LEN], char *err, size_t errlen);

#endif
