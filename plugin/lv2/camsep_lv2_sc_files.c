/* SPDX-License-Identifier: GPL-3.0-or-later */
/* camsep.lv2 sound check: its dictionary files (see camsep_lv2_sc_files.h). */
#define _POSIX_C_SOURCE 200809L
#include "camsep_lv2_sc_files.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define P CAMSEP_LV2_SC_PATH

/* Without makePath: a new directory for this run. 0, or -1 with err. */
static int fallback_dir(char *dir, size_t size, char *err, size_t errlen)
{
    static atomic_int runs;
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    char base[P / 2];
    if (xdg && *xdg)
        snprintf(base, sizeof base, "%.400s/camsep/lv2-soundcheck", xdg);
    else
        snprintf(base, sizeof base, "%.400s/.local/share/camsep/lv2-soundcheck", home && *home ? home : "/tmp");
    char stamp[32] = "run";
    const time_t now = time(NULL);
    struct tm tm;
    if (localtime_r(&now, &tm))
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(dir, size, "%s/%s-%ld-%d", base, stamp, (long)getpid(), atomic_fetch_add(&runs, 1) + 1);
    if (camsep_make_dirs(dir)) {
        snprintf(err, errlen, "sound check: cannot create %.300s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* The final and temporary paths of a player's file. 0, or -1 with err. */
static int paths_for(const LV2_State_Make_Path *mp, const LV2_State_Free_Path *fp, const char *dir, int player,
                     char *final, char *tmp, char *err, size_t errlen)
{
    char name[64], hidden[80];
    snprintf(name, sizeof name, "player%d.dict", player + 1);
    snprintf(hidden, sizeof hidden, ".player%d.dict.partial", player + 1);
    if (!mp) {
        snprintf(final, P, "%.900s/%s", dir, name);
        snprintf(tmp, P, "%.900s/%s", dir, hidden);
        return 0;
    }
    char rel[100];
    char *out[2] = {NULL, NULL};
    for (int i = 0; i < 2; i++) {
        snprintf(rel, sizeof rel, "soundcheck/%s", i ? hidden : name);
        out[i] = mp->path(mp->handle, rel);
    }
    int rc = 0;
    if (!out[0] || !out[1] || strlen(out[0]) >= P || strlen(out[1]) >= P) {
        snprintf(err, errlen, "sound check: the host gave no usable path for %s", name);
        rc = -1;
    } else {
        memcpy(final, out[0], strlen(out[0]) + 1);
        memcpy(tmp, out[1], strlen(out[1]) + 1);
    }
    for (int i = 0; i < 2; i++)
        if (out[i]) {
            if (fp)
                fp->free_path(fp->handle, out[i]);
            else
                free(out[i]);
        }
    return rc;
}

static void discard(camsep_lv2_sc_result *res)
{
    for (int i = 0; i < CAMSEP_LV2_MAX_PLAYERS; i++)
        camsep_dictionary_free(res->dict[i]);
    memset(res, 0, sizeof *res);
}

int camsep_lv2_sc_write(const LV2_State_Make_Path *make_path, const LV2_State_Free_Path *free_path, int n,
                        const int *players, camsep_dictionary *const *dicts, camsep_lv2_sc_result *res, char *err,
                        size_t errlen)
{
    char tmp[CAMSEP_LV2_MAX_PLAYERS][P], dir[P] = "";
    memset(res, 0, sizeof *res);
    if (n < 1 || n > CAMSEP_LV2_MAX_PLAYERS) {
        snprintf(err, errlen, "sound check: no players to write");
        return -1;
    }
    if (!make_path && fallback_dir(dir, sizeof dir, err, errlen))
        return -1;
    const char *tmps[CAMSEP_LV2_MAX_PLAYERS], *finals[CAMSEP_LV2_MAX_PLAYERS];
    for (int k = 0; k < n; k++) {
        res->player[k] = players[k];
        if (paths_for(make_path, free_path, dir, players[k], res->path[k], tmp[k], err, errlen)) {
            discard(res);
            return -1;
        }
        tmps[k] = tmp[k];
        finals[k] = res->path[k];
    }
    char why[700];
    if (camsep_dictionary_save_all(n, dicts, tmps, finals, res->dict, why, sizeof why)) {
        snprintf(err, errlen, "sound check: %.500s", why);
        discard(res);
        return -1;
    }
    res->n = n;
    return 0;
}
