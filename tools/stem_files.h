/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-process's output: one mono float file per stem in a directory,
 * written a block at a time under a temporary name (".NAME.partial") and
 * renamed when complete, so that a failed run leaves no half-written stem
 * and does not clobber the stems of an earlier run.
 */
#ifndef CAMSEP_STEM_FILES_H
#define CAMSEP_STEM_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "audio_file.h"
#include "camsep_engine.h"

#define STEM_NAME_MAX 64

typedef enum stem_format_choice { STEM_FORMAT_AUTO = 0, STEM_FORMAT_WAV, STEM_FORMAT_RF64, STEM_FORMAT_W64 } stem_format_choice;

/* "auto", "wav", "rf64" or "w64"; -1 otherwise. */
int stem_format_parse(const char *s);
/* The container for stems of `frames` samples (-1: unknown length): auto is
 * WAV while the data fits its 4 GiB, RF64 beyond, and when unknown RF64 that
 * becomes WAV if it ends below 4 GiB. -1 when WAV is asked for and cannot
 * hold them. */
int stem_format_resolve(stem_format_choice choice, int64_t frames, audio_format *out);

/* File names without extension, one per stem: `mode` "index" (stem1, stem2,
 * ..., other), "dict" (each dictionary's stored name, else its file's base
 * name) or a comma-separated list of n_players names. Characters other than
 * letters, digits, '-', '_' and '.' become '_'; a name met twice gets "-N"
 * (N its stem number). 0, or -1 with the reason in err. */
int stem_names_make(const char *mode, const char *const *dict_paths, const char *const *dict_names, int n_players,
                    int has_other, char names[][STEM_NAME_MAX], char *err, size_t errlen);

typedef struct stem_files stem_files;

/* Opens n temporary files in dir. NULL with the reason in err. */
stem_files *stem_files_open(const char *dir, int n, char names[][STEM_NAME_MAX], audio_format format, double rate,
                            char *err, size_t errlen);
/* Appends n samples of each stem. 0, or -1 with the reason in err. */
int stem_files_write(stem_files *s, float *const *stems, size_t offset, size_t n, char *err, size_t errlen);
/* Closes and gives every file its name. 0, or -1 with the reason in err (the
 * temporary files are then removed). s is freed either way. */
int stem_files_commit(stem_files *s, char *err, size_t errlen);
/* Closes and removes the temporary files; s is freed. NULL is fine. */
void stem_files_abort(stem_files *s);
/* Only removes the temporary files (unlink: safe in a signal handler). NULL is fine. */
void stem_files_unlink(const stem_files *s);

#endif
