/* SPDX-License-Identifier: GPL-3.0-or-later */
/* OSC presets as files (see host_preset.h). */
#include "host_preset.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dictionary.h"

void host_preset_dir(const host_config *cfg, const char *session_path, char *dir, size_t size)
{
    if (cfg->preset_dir[0]) {
        snprintf(dir, size, "%s", cfg->preset_dir);
    } else if (session_path && *session_path) {
        snprintf(dir, size, "%s.presets", session_path);
    } else if (cfg->config_path[0]) {
        size_t n = strlen(cfg->config_path);
        int cut = n > 5 && !strcmp(cfg->config_path + n - 5, ".conf") ? 5 : 0;
        snprintf(dir, size, "%.*s.presets", (int)(n - (size_t)cut), cfg->config_path);
    } else {
        const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
        if (xdg && *xdg)
            snprintf(dir, size, "%s/camsep/presets", xdg);
        else
            snprintf(dir, size, "%s/.config/camsep/presets", home && *home ? home : ".");
    }
}

static void file_name_of(const char *name, char *out, size_t size)
{
    size_t n = 0;
    for (; *name && n + 1 < size; name++) {
        const char c = *name;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                 c == '-' || c == '.';
        out[n++] = ok ? c : '_';
    }
    out[n] = 0;
    if (out[0] == '.')
        out[0] = '_'; /* no hidden files */
}

/* Looks for NNN-*.conf with that number (index > 0) or that name. 1 if
 * found (file name, number and name filled), 0 if not, -1 if the directory
 * cannot be read (other than missing). */
static int find(const char *dir, int index, const char *fname, char *file, size_t fsize, int *out_index,
                char *out_name, size_t name_size, int *used, int used_size)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        size_t len = strlen(n);
        if (len < 10 || n[3] != '-' || strcmp(n + len - 5, ".conf"))
            continue;
        if (!(n[0] >= '0' && n[0] <= '9' && n[1] >= '0' && n[1] <= '9' && n[2] >= '0' && n[2] <= '9'))
            continue;
        int k = (n[0] - '0') * 100 + (n[1] - '0') * 10 + (n[2] - '0');
        if (k < 1)
            continue;
        if (used && k < used_size)
            used[k] = 1;
        char nm[256];
        snprintf(nm, sizeof nm, "%.*s", (int)(len - 9), n + 4);
        if (!found && ((index > 0 && k == index) || (index <= 0 && fname && !strcmp(nm, fname)))) {
            found = 1;
            snprintf(file, fsize, "%s", n);
            *out_index = k;
            snprintf(out_name, name_size, "%s", nm);
        }
    }
    closedir(d);
    return found;
}

int host_preset_store(const char *dir, int index, const char *name, const host_config *cfg, int *out_index,
                      char *out_name, size_t name_size, char *err, size_t errlen)
{
    char fname[64] = "", file[300] = "", old_name[256] = "";
    int used[HOST_PRESET_MAX + 1] = {0}, k = 0;
    if (name && *name)
        file_name_of(name, fname, sizeof fname);
    if (index < 0 || index > HOST_PRESET_MAX || (index == 0 && !fname[0])) {
        snprintf(err, errlen, "preset: a number 1..%d or a name", HOST_PRESET_MAX);
        return -1;
    }
    if (camsep_make_dirs(dir)) {
        snprintf(err, errlen, "preset directory %s: %s", dir, strerror(errno));
        return -1;
    }
    int r = find(dir, index, fname, file, sizeof file, &k, old_name, sizeof old_name, used, HOST_PRESET_MAX + 1);
    if (r < 0) {
        snprintf(err, errlen, "preset directory %s: %s", dir, strerror(errno));
        return -1;
    }
    if (index == 0) {
        if (r == 1) {
            index = k;
        } else {
            for (index = 1; index <= HOST_PRESET_MAX && used[index]; index++) {
            }
            if (index > HOST_PRESET_MAX) {
                snprintf(err, errlen, "preset: all %d numbers are used in %s", HOST_PRESET_MAX, dir);
                return -1;
            }
        }
    } else if (!fname[0]) {
        snprintf(fname, sizeof fname, "%.63s", r == 1 ? old_name : "preset"); /* fname[64] */
    }
    char path[HOST_PATH_LEN + 80];
    snprintf(path, sizeof path, "%s/%03d-%s.conf", dir, index, fname);
    if (host_config_save(cfg, path, err, errlen))
        return -1;
    /* The same number under another name: the old file goes. */
    if (r == 1) {
        char old[HOST_PATH_LEN + 300];
        snprintf(old, sizeof old, "%s/%s", dir, file);
        if (strcmp(old, path))
            unlink(old);
    }
    *out_index = index;
    snprintf(out_name, name_size, "%s", fname);
    return 0;
}

int host_preset_load(const char *dir, int index, const char *name, int host, host_config *cfg, int *out_index,
                     char *out_name, size_t name_size, char *err, size_t errlen)
{
    char fname[64] = "", file[300];
    if (name && *name)
        file_name_of(name, fname, sizeof fname);
    int r = find(dir, index, fname, file, sizeof file, out_index, out_name, name_size, NULL, 0);
    if (r <= 0) {
        if (index > 0)
            snprintf(err, errlen, "no preset %d in %s", index, dir);
        else
            snprintf(err, errlen, "no preset named '%s' in %s", fname, dir);
        return -1;
    }
    char path[HOST_PATH_LEN + 300];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    host_config_default(cfg, host);
    return host_config_load(cfg, path, err, errlen);
}
