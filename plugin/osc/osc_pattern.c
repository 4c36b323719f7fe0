/* SPDX-License-Identifier: GPL-3.0-or-later */
/* OSC address patterns (see osc_pattern.h). */
#include "osc_pattern.h"

#include <lo/lo.h>
#include <lo/lo_lowlevel.h>
#include <stdio.h>
#include <string.h>

#define PART_MAX 128

int camsep_osc_is_pattern(const char *path)
{
    return path && strpbrk(path, "*?[]{}") != NULL;
}

/* The part of s starting at *pos (after a '/') into out; 0, or -1 if too long. */
static int next_part(const char *s, size_t *pos, char out[PART_MAX])
{
    size_t n = strcspn(s + *pos, "/");
    if (n >= PART_MAX)
        return -1;
    memcpy(out, s + *pos, n);
    out[n] = '\0';
    *pos += n;
    return 0;
}

/* OSC 1.0 semantics: part by part, the same number of parts. */
static int matches(const char *address, const char *pattern)
{
    size_t a = 0, p = 0;
    char ap[PART_MAX], pp[PART_MAX];
    for (;;) {
        if (address[a] != '/' || pattern[p] != '/')
            return address[a] == '\0' && pattern[p] == '\0';
        a++;
        p++;
        if (next_part(address, &a, ap) || next_part(pattern, &p, pp) || !lo_pattern_match(ap, pp))
            return 0;
    }
}

int camsep_osc_match(const char *pattern, int n_players, camsep_osc_match_fn fn, void *user)
{
    int n = 0, count;
    const camsep_osc_entry *table = camsep_osc_table(&count);
    char path[PART_MAX * 2];
    for (int i = 0; i < count; i++) {
        const camsep_osc_entry *e = &table[i];
        if ((e->flags & CAMSEP_OSC_F_OUT) || e->id == CAMSEP_OSC_E_SUBSCRIBE || e->id == CAMSEP_OSC_E_UNSUBSCRIBE)
            continue;
        if (!(e->flags & CAMSEP_OSC_F_PLAYER)) {
            if (matches(e->path, pattern)) {
                fn(e, -1, e->path, user);
                n++;
            }
            continue;
        }
        for (int j = 0; j < n_players && j < CAMSEP_OSC_MAX_PLAYERS; j++) {
            /* e->path is "/player/N" + suffix */
            snprintf(path, sizeof path, "/player/%d%s", j + 1, e->path + strlen("/player/N"));
            if (matches(path, pattern)) {
                fn(e, j, path, user);
                n++;
            }
        }
    }
    return n;
}
