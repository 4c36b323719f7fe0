/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A whole video's camera priors, read ahead (camsep-process --associate needs
 * the camera twice: for the pairing, then for the separation), and handed to
 * an engine as camsep-process hands a live camera's: a prior goes in when the
 * audio is within `until` of its time. In memory (camera_priors), or spooled
 * to a temporary file (camera_spool: memory bounded whatever the length).
 */
#ifndef CAMSEP_CAMERA_PRIORS_H
#define CAMSEP_CAMERA_PRIORS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "camsep_engine.h"
#include "frame_source.h"
#include "progress.h"
#include "video_priors.h"

typedef struct camera_priors {
    camsep_prior *items; /* times on the audio clock, samples */
    float (*energy)[CAMSEP_MAX_SOURCES]; /* per item: each box's raw motion energy
                                            (camsep_video_priors_energy) */
    size_t n, cap, next; /* next: the first not yet handed to the engine */
    uint64_t frames;     /* video frames read */
} camera_priors;

/* Every frame of src through vp; a frame at video time t gets the audio time
 * (t - latency_s) * rate. 0, or -1 with the reason in err. */
int camera_priors_read(camsep_frame_source *src, camsep_video_priors *vp, double rate, double latency_s,
                       camera_priors *out, char *err, size_t errlen);
/* Box i's columns (activity, motion and energy) move to column stem_of_box[i]. */
void camera_priors_permute(camera_priors *cp, const int *stem_of_box, int n_boxes);
/* Pushes the priors due by `until` (audio samples); stops when the ring is full. */
void camera_priors_feed(camsep_engine *e, camera_priors *cp, int64_t until);
void camera_priors_free(camera_priors *cp);

typedef struct camera_spool {
    FILE *f;             /* temporary file, one record per prior */
    size_t n, fed;       /* priors spooled; handed to the engine */
    uint64_t frames;     /* video frames read */
    int stem_of_box[CAMSEP_MAX_SOURCES], n_perm; /* applied as the priors are read back */
    int has_pending;
    camsep_prior pending; /* read back, not yet due */
} camera_spool;

/* As camera_priors_read, into a temporary file in $TMPDIR (default /tmp);
 * the spool is left rewound. Progress (the video's time, in audio frames at
 * rate) goes to bar, if not NULL. 0, or -1 with the reason in err (close the
 * spool either way). */
int camera_spool_read(camsep_frame_source *src, camsep_video_priors *vp, double rate, double latency_s,
                      camera_spool *out, progress *bar, char *err, size_t errlen);
/* The next prior and its boxes' raw motion energies, permuted: 1, 0 at the end, -1 on a read error. */
int camera_spool_next(camera_spool *s, camsep_prior *p, float energy[CAMSEP_MAX_SOURCES]);
/* Back to the first prior. 0, or -1 with the reason in err. */
int camera_spool_rewind(camera_spool *s, char *err, size_t errlen);
/* From now on box i's columns are read back as column stem_of_box[i]. */
void camera_spool_permute(camera_spool *s, const int *stem_of_box, int n_boxes);
/* As camera_priors_feed; 0, or -1 on a read error. */
int camera_spool_feed(camsep_engine *e, camera_spool *s, int64_t until);
void camera_spool_close(camera_spool *s);

#endif
