/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Named player boxes for camsep-capture: one from the command line
 * ("[NAME=]X,Y,W,H") or a whole set from a small text file:
 *
 *     # name  x    y    w    h        (frame pixels; '#' starts a comment)
 *     violin  40   60   260  320
 *     cello   340  60   260  320
 *
 * One player per line: a name ([A-Za-z0-9_.-], at most CAMSEP_BOX_NAME_MAX-1
 * bytes, unique) and four numbers in the C locale, separated by spaces or
 * tabs; width and height positive. Blank lines and comments are skipped.
 * Parsing is strict: anything else is an error naming the line.
 *
 * Set-up code only (reads files, no real-time constraints).
 */
#ifndef CAMSEP_BOX_FILE_H
#define CAMSEP_BOX_FILE_H

#include <stddef.h>

#include "camsep_video_types.h"

#define CAMSEP_BOX_NAME_MAX 32

typedef struct camsep_named_box {
    char name[CAMSEP_BOX_NAME_MAX];
    camsep_box box;
} camsep_named_box;

/* 1 if name is a valid player name. */
int camsep_box_name_valid(const char *name);

/* "[NAME=]X,Y,W,H"; without a name, default_name is used. 0, or -1 with a
 * message in err. */
int camsep_named_box_parse(const char *arg, const char *default_name, camsep_named_box *out, char *err,
                           size_t errlen);

/* Parses a box file held in memory (label names it in messages: "LABEL:LINE:
 * problem"). Returns the number of players (1..max), or -1 with a message. */
int camsep_box_file_parse(const char *text, size_t len, const char *label, camsep_named_box *out, int max,
                          char *err, size_t errlen);

/* The same from a file (at most 64 KiB). */
int camsep_box_file_load(const char *path, camsep_named_box *out, int max, char *err, size_t errlen);

#endif
