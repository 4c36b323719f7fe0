/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * OSC presets of the standalone hosts: files NNN-NAME.conf (NNN = 001..999)
 * in a presets directory, each a complete config file written by
 * host_config_save (C locale), so a preset is also a valid --config file.
 *
 * The presets directory: --preset-dir (or `preset-dir =`) when given; under
 * NSM PATH.presets next to the session file PATH.conf; with --config
 * FILE.conf, FILE.presets; otherwise $XDG_CONFIG_HOME/camsep/presets
 * (~/.config/camsep/presets).
 *
 * What a recall applies is host_session_apply_preset's business
 * (host_session.h); this file only names, finds, writes and reads files.
 *
 * Threading: control threads (file I/O); no shared state.
 */
#ifndef CAMSEP_HOST_PRESET_H
#define CAMSEP_HOST_PRESET_H

#include <stddef.h>

#include "host_config.h"

#define HOST_PRESET_MAX 999

/* The presets directory for cfg; session_path is NSM's PATH (or NULL). */
void host_preset_dir(const host_config *cfg, const char *session_path, char *dir, size_t size);

/* Writes cfg as a preset: by number (index 1..999, name NULL or "": keeps the
 * name that number had, else "preset"), or by name (index 0: the number that
 * name has, else the lowest free one). Names are kept to [A-Za-z0-9_.-]
 * (other bytes become '_'). Creates the directory. *out_index / out_name get
 * what was written. 0, or -1 with the reason. */
int host_preset_store(const char *dir, int index, const char *name, const host_config *cfg, int *out_index,
                      char *out_name, size_t name_size, char *err, size_t errlen);

/* Reads a preset (by number, or index 0 and a name) into *cfg (defaults for
 * `host`, then the file). 0, or -1 with the reason ("no preset 7 in DIR"). */
int host_preset_load(const char *dir, int index, const char *name, int host, host_config *cfg, int *out_index,
                     char *out_name, size_t name_size, char *err, size_t errlen);

#endif
