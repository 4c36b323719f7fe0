/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Finding and loading dictionaries (see host_dicts.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "host_dicts.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CAMSEP_DICT_INSTALL_DIR
#define CAMSEP_DICT_INSTALL_DIR "/usr/local/share/camsep/dictionaries"
#endif
#ifndef CAMSEP_DICT_RELATIVE_DIR /* from the directory of the program */
#define CAMSEP_DICT_RELATIVE_DIR "../share/camsep/dictionaries"
#endif
#ifndef CAMSEP_DICT_SOURCE_DIR
#define CAMSEP_DICT_SOURCE_DIR ""
#endif

enum { MAX_DIRS = 4 };

/* The data directory next to the running program (an installed tree moved
 * or packaged under another prefix than the one compiled in), when it exists. */
static int exe_relative_dir(char *out, size_t size)
{
    char exe[PATH_MAX], joined[PATH_MAX + sizeof CAMSEP_DICT_RELATIVE_DIR];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return 0;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash)
        return 0;
    *slash = 0;
    snprintf(joined, sizeof joined, "%s/%s", exe, CAMSEP_DICT_RELATIVE_DIR);
    char *real = realpath(joined, NULL);
    if (!real)
        return 0;
    int ok = strlen(real) < size;
    if (ok)
        memcpy(out, real, strlen(real) + 1);
    free(real);
    return ok;
}

static int search_dirs(const char *dirs[MAX_DIRS], char *beside, size_t beside_size)
{
    int n = 0;
    const char *env = getenv("CAMSEP_DICT_DIR");
    if (env && *env)
        dirs[n++] = env;
    if (exe_relative_dir(beside, beside_size) && strcmp(beside, CAMSEP_DICT_INSTALL_DIR))
        dirs[n++] = beside;
    dirs[n++] = CAMSEP_DICT_INSTALL_DIR;
    if (CAMSEP_DICT_SOURCE_DIR[0])
        dirs[n++] = CAMSEP_DICT_SOURCE_DIR;
    return n;
}

/* "bassoon, cello, ..." from the first directory that has any. */
static void list_instruments(const char *const *dirs, int n, char *buf, size_t size)
{
    buf[0] = 0;
    for (int i = 0; i < n && !buf[0]; i++) {
        DIR *d = opendir(dirs[i]);
        if (!d)
            continue;
        struct dirent *e;
        size_t len = 0;
        while ((e = readdir(d))) {
            size_t l = strlen(e->d_name);
            if (l > 5 && !strcmp(e->d_name + l - 5, ".dict") && len + l + 2 < size) {
                len += (size_t)snprintf(buf + len, size - len, "%s%.*s", len ? " " : "", (int)(l - 5), e->d_name);
            }
        }
        closedir(d);
    }
}

/* Loads DIR/NAME.dict when it exists. 1 and *out when it exists and fits
 * the window; 0 when it does not exist; -1 (with the reason, or the latency it
 * was made for, in why) when it exists but does not fit. */
static int try_file(const char *dir, const char *sub, const char *name, int fft_size, int fall,
                    camsep_dictionary **out, char *why, size_t whylen)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s%s%s/%s.dict", dir, sub[0] ? "/" : "", sub, name);
    if (stat(path, &st) || !S_ISREG(st.st_mode))
        return 0;
    camsep_dictionary *d = camsep_dictionary_load(path, why, whylen);
    if (!d)
        return -1;
    if (camsep_dictionary_check_window(d, fft_size, fall, why, whylen)) {
        camsep_dictionary_free(d);
        return -1;
    }
    *out = d;
    return 1;
}

camsep_dictionary *host_dict_find(const char *instrument, int fft_size, int fall, char *err, size_t errlen)
{
    const char *dirs[MAX_DIRS];
    char beside[PATH_MAX];
    int n = search_dirs(dirs, beside, sizeof beside);
    char why[1024] = "";
    for (int i = 0; i < n; i++) {
        camsep_dictionary *d = NULL;
        if (try_file(dirs[i], "", instrument, fft_size, fall, &d, why, sizeof why) == 1)
            return d;
        DIR *dir = opendir(dirs[i]);
        struct dirent *e;
        while (dir && (e = readdir(dir))) {
            if (strncmp(e->d_name, "latency-", 8))
                continue;
            if (try_file(dirs[i], e->d_name, instrument, fft_size, fall, &d, why, sizeof why) == 1)
                break;
        }
        if (dir)
            closedir(dir);
        if (d)
            return d;
    }
    if (why[0]) { /* found, but learned for another window */
        snprintf(err, errlen, "no bundled dictionary '%s' for window %d with latency %d (%s)", instrument, fft_size,
                 2 * fall, why);
        return NULL;
    }
    char known[1024], where[4 * PATH_MAX] = "";
    list_instruments(dirs, n, known, sizeof known);
    for (int i = 0, len = 0; i < n && len < (int)sizeof where; i++)
        len += snprintf(where + len, sizeof where - (size_t)len, "%s%s", i ? ", " : "", dirs[i]);
    snprintf(err, errlen, "no bundled dictionary '%s' in %s (known: %s)", instrument, where,
             known[0] ? known : "none; set CAMSEP_DICT_DIR");
    return NULL;
}

camsep_dictionary *host_dict_load(const char *player, const char *instrument, const char *file,
                                  const camsep_config *cfg, char *err, size_t errlen)
{
    char why[1536];
    camsep_dictionary *d = file && *file ? camsep_dictionary_load(file, why, sizeof why)
                                         : host_dict_find(instrument, cfg->fft_size,
                                                          camsep_config_latency(cfg) / 2, why, sizeof why);
    if (!d)
        snprintf(err, errlen, "player %s: %s", player, why);
    return d;
}
