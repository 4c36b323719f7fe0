/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L /* unlink */
#include "stem_files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int stem_format_parse(const char *s)
{
    static const char *const names[] = {"auto", "wav", "rf64", "w64"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, names[i]))
            return i;
    return -1;
}

int stem_format_resolve(stem_format_choice choice, int64_t frames, audio_format *out)
{
    const int fits_wav = frames >= 0 && frames <= AUDIO_WAV_MAX_DATA_BYTES / (int64_t)sizeof(float);
    switch (choice) {
    case STEM_FORMAT_WAV:
        *out = AUDIO_FORMAT_WAV;
        return fits_wav ? 0 : -1;
    case STEM_FORMAT_RF64:
        *out = AUDIO_FORMAT_RF64;
        return 0;
    case STEM_FORMAT_W64:
        *out = AUDIO_FORMAT_W64;
        return 0;
    default:
        *out = fits_wav ? AUDIO_FORMAT_WAV : frames < 0 ? AUDIO_FORMAT_RF64_OR_WAV : AUDIO_FORMAT_RF64;
        return 0;
    }
}

/* name <- s (at most len characters), made safe for a file name. */
static void clean_name(char *name, const char *s, size_t len)
{
    size_t n = 0;
    for (; n < len && s[n] && n + 1 < STEM_NAME_MAX; n++) {
        const char c = s[n];
        const int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '_' || (c == '.' && n > 0);
        name[n] = ok ? c : '_';
    }
    name[n] = '\0';
}

static void base_name(char *name, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *b = slash ? slash + 1 : path;
    const char *dot = strrchr(b, '.');
    clean_name(name, b, dot && dot > b ? (size_t)(dot - b) : strlen(b));
}

int stem_names_make(const char *mode, const char *const *dict_paths, const char *const *dict_names, int n_players,
                    int has_other, char names[][STEM_NAME_MAX], char *err, size_t errlen)
{
    const int n = n_players + (has_other ? 1 : 0);
    const int by_index = !strcmp(mode, "index"), by_dict = !strcmp(mode, "dict");
    const char *list = mode;
    for (int j = 0; j < n_players; j++) {
        if (by_index) {
            snprintf(names[j], STEM_NAME_MAX, "stem%d", j + 1);
        } else if (by_dict) {
            if (dict_names[j] && dict_names[j][0])
                clean_name(names[j], dict_names[j], strlen(dict_names[j]));
            else
                base_name(names[j], dict_paths[j]);
        } else {
            const char *end = strchr(list, ',');
            const size_t len = end ? (size_t)(end - list) : strlen(list);
            if (!len) {
                snprintf(err, errlen, "--stem-names: '%s' is not index, dict or %d comma-separated names", mode,
                         n_players);
                return -1;
            }
            clean_name(names[j], list, len);
            list = end ? end + 1 : list + len;
            if (!end && j + 1 < n_players) {
                snprintf(err, errlen, "--stem-names: %d names for %d players", j + 1, n_players);
                return -1;
            }
        }
        if (!names[j][0])
            snprintf(names[j], STEM_NAME_MAX, "stem%d", j + 1);
    }
    if (!by_index && !by_dict && *list) {
        snprintf(err, errlen, "--stem-names: more names than the %d players", n_players);
        return -1;
    }
    if (has_other)
        snprintf(names[n - 1], STEM_NAME_MAX, "other");
    for (int j = 1; j < n; j++)
        for (int k = 0; k < j; k++)
            if (!strcmp(names[j], names[k])) {
                char suffix[16];
                snprintf(suffix, sizeof suffix, "-%d", j + 1);
                const size_t keep = STEM_NAME_MAX - 1 - strlen(suffix);
                if (strlen(names[j]) > keep)
                    names[j][keep] = '\0';
                strcat(names[j], suffix);
                k = -1; /* check the new name against all again */
            }
    return 0;
}

struct stem_files {
    int n;
    audio_writer *w[CAMSEP_MAX_SOURCES];
    char tmp[CAMSEP_MAX_SOURCES][4096], path[CAMSEP_MAX_SOURCES][4096];
};

stem_files *stem_files_open(const char *dir, int n, char names[][STEM_NAME_MAX], audio_format format, double rate,
                            char *err, size_t errlen)
{
    stem_files *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    const char *ext = format == AUDIO_FORMAT_W64 ? "w64" : "wav";
    for (int j = 0; j < n; j++) {
        snprintf(s->path[j], sizeof s->path[j], "%s/%s.%s", dir, names[j], ext);
        snprintf(s->tmp[j], sizeof s->tmp[j], "%s/.%s.%s.partial", dir, names[j], ext);
        if (!(s->w[j] = audio_writer_open(s->tmp[j], format, rate, err, errlen))) {
            stem_files_abort(s);
            return NULL;
        }
        s->n = j + 1;
    }
    return s;
}

int stem_files_write(stem_files *s, float *const *stems, size_t offset, size_t n, char *err, size_t errlen)
{
    for (int j = 0; j < s->n; j++)
        if (audio_writer_write(s->w[j], stems[j] + offset, n, err, errlen))
            return -1;
    return 0;
}

int stem_files_commit(stem_files *s, char *err, size_t errlen)
{
    int rc = 0;
    for (int j = 0; j < s->n; j++) {
        if (audio_writer_close(s->w[j], err, errlen))
            rc = -1;
        s->w[j] = NULL;
    }
    for (int j = 0; j < s->n && !rc; j++)
        if (rename(s->tmp[j], s->path[j])) {
            snprintf(err, errlen, "%s: %s", s->path[j], strerror(errno));
            rc = -1;
        }
    if (rc)
        stem_files_abort(s);
    else
        free(s);
    return rc;
}

void stem_files_unlink(const stem_files *s)
{
    for (int j = 0; s && j < s->n; j++)
        unlink(s->tmp[j]);
}

void stem_files_abort(stem_files *s)
{
    if (!s)
        return;
    char ignored[64];
    for (int j = 0; j < s->n; j++) {
        if (s->w[j])
            audio_writer_close(s->w[j], ignored, sizeof ignored);
        remove(s->tmp[j]);
    }
    free(s);
}
