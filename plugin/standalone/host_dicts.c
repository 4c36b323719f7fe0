/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Finding and loading dictionaries (see host_dicts.h). */
#include "host_dicts.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef CAMSEP_DICT_INSTALL_DIR
#define CAMSEP_DICT_INSTALL_DIR "/usr/local/share/camsep/dictionaries"
#endif
#ifndef CAMSEP_DICT_SOURCE_DIR
#define CAMSEP_DICT_SOURCE_DIR ""
#endif

static int search_dirs(const char *dirs[3])
{
    int n = 0;
    const char *env = getenv("CAMSEP_DICT_DIR");
    if (env && *env)
        dirs[n++] = env;
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

int host_dict_find(const char *instrument, char *path, size_t size, char *err, size_t errlen)
{
    const char *dirs[3];
    int n = search_dirs(dirs);
    for (int i = 0; i < n; i++) {
        struct stat st;
        snprintf(path, size, "%s/%s.dict", dirs[i], instrument);
        if (!stat(path, &st) && S_ISREG(st.st_mode))
            return 0;
    }
    char known[1024];
    list_instruments(dirs, n, known, sizeof known);
    snprintf(err, errlen, "no bundled dictionary '%s' in %s%s%s%s%s (known: %s)", instrument, dirs[0],
             n > 1 ? ", " : "", n > 1 ? dirs[1] : "", n > 2 ? ", " : "", n > 2 ? dirs[2] : "",
             known[0] ? known : "none; set CAMSEP_DICT_DIR");
    return -1;
}

camsep_dictionary *host_dict_load(const char *player, const char *instrument, const char *file, char *err,
                                  size_t errlen)
{
    char path[4096], why[1536];
    if (file && *file) {
        snprintf(path, sizeof path, "%s", file);
    } else if (host_dict_find(instrument, path, sizeof path, why, sizeof why)) {
        snprintf(err, errlen, "player %s: %s", player, why);
        return NULL;
    }
    camsep_dictionary *d = camsep_dictionary_load(path, why, sizeof why);
    if (!d)
        snprintf(err, errlen, "player %s: %s", player, why);
    return d;
}
