/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A sound check's dictionary files (see host_soundcheck_files.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "host_soundcheck_files.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void host_sc_dir(const host_config *cfg, const char *session_path, char *dir, size_t size)
{
    if (cfg->soundcheck_dir[0]) {
        snprintf(dir, size, "%s", cfg->soundcheck_dir);
    } else if (session_path && *session_path) {
        snprintf(dir, size, "%s.soundcheck", session_path);
    } else if (cfg->config_path[0]) {
        const char *slash = strrchr(cfg->config_path, '/');
        if (!slash)
            snprintf(dir, size, ".");
        else if (slash == cfg->config_path)
            snprintf(dir, size, "/");
        else
            snprintf(dir, size, "%.*s", (int)(slash - cfg->config_path), cfg->config_path);
    } else {
        const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
        if (xdg && *xdg)
            snprintf(dir, size, "%s/camsep/soundcheck", xdg);
        else
            snprintf(dir, size, "%s/.config/camsep/soundcheck", home && *home ? home : ".");
    }
}

void host_sc_file_name(const char *label, char *out, size_t size)
{
    char base[HOST_LABEL_LEN];
    size_t n = 0;
    for (; *label && n + 1 < sizeof base; label++) {
        const char c = *label;
        const int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                       c == '-' || c == '.';
        base[n++] = ok ? c : '_';
    }
    base[n] = 0;
    if (!n)
        snprintf(base, sizeof base, "player");
    if (base[0] == '.')
        base[0] = '_'; /* no hidden files, no ".." */
    snprintf(out, size, "%s.dict", base);
}

#define TMP_LEN (HOST_PATH_LEN + HOST_LABEL_LEN + 64)

int host_sc_write_dictionaries(const char *dir, int n, camsep_dictionary *const *dicts, const char *const *labels,
                               char (*paths)[HOST_PATH_LEN], char *err, size_t errlen)
{
    char tmp[HOST_MAX_PLAYERS][TMP_LEN];
    char names[HOST_MAX_PLAYERS][HOST_LABEL_LEN + 32];
    const char *tmps[HOST_MAX_PLAYERS], *finals[HOST_MAX_PLAYERS];
    if (n < 1 || n > HOST_MAX_PLAYERS) {
        snprintf(err, errlen, "sound check: no players to write");
        return -1;
    }
    char abs_dir[PATH_MAX];
    if (camsep_make_dirs(dir) || !realpath(dir, abs_dir)) {
        snprintf(err, errlen, "sound check: cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    if (strlen(abs_dir) + HOST_LABEL_LEN + 32 >= HOST_PATH_LEN) {
        snprintf(err, errlen, "sound check: the directory's path is too long: %.200s", abs_dir);
        return -1;
    }
    dir = abs_dir; /* the configuration records where the files are, whatever the working directory */
    for (int k = 0; k < n; k++) {
        host_sc_file_name(labels[k], names[k], sizeof names[k]);
        for (int dup = 2, again = 1; again; dup++) { /* two players, one file name: -2, -3, ... */
            again = 0;
            for (int i = 0; i < k && !again; i++)
                again = !strcmp(names[i], names[k]);
            if (again) {
                char base[HOST_LABEL_LEN + 32];
                host_sc_file_name(labels[k], base, sizeof base);
                base[strlen(base) - 5] = 0;
                snprintf(names[k], sizeof names[k], "%.*s-%d.dict", HOST_LABEL_LEN - 1, base, dup);
            }
        }
        snprintf(paths[k], HOST_PATH_LEN, "%.*s/%.*s", HOST_PATH_LEN - HOST_LABEL_LEN - 33, dir,
                 (int)sizeof names[k] - 1, names[k]);
        snprintf(tmp[k], sizeof tmp[k], "%.*s/.%.*s.soundcheck-%ld", HOST_PATH_LEN - HOST_LABEL_LEN - 33, dir,
                 (int)sizeof names[k] - 1, names[k], (long)getpid());
        tmps[k] = tmp[k];
        finals[k] = paths[k];
    }
    char why[768];
    if (camsep_dictionary_save_all(n, dicts, tmps, finals, NULL, why, sizeof why)) {
        snprintf(err, errlen, "sound check: %s", why);
        return -1;
    }
    return 0;
}
