/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-process --associate: which box goes with which dictionary. The
 * mixture runs once through an engine without priors (so that a wrong box
 * order cannot shape the activations it is judged by); each stem's
 * activation per frame and each box's motion per video frame feed a
 * camsep_box_assoc (capture/box_association.h), which proposes the pairing.
 */
#ifndef CAMSEP_PROCESS_ASSOCIATE_H
#define CAMSEP_PROCESS_ASSOCIATE_H

#include <stddef.h>
#include <stdio.h>

#include "audio_file.h"
#include "box_association.h"
#include "camera_priors.h"
#include "camsep_engine.h"
#include "progress.h"

/* What stands for a box's motion. */
typedef enum assoc_motion {
    ASSOC_MOTION_CHANNEL = 0, /* the normalised, smoothed channel (camsep_prior.motion[j][0]) */
    ASSOC_MOTION_ENERGY,      /* raw motion energy (camsep_video_priors_energy) */
    ASSOC_MOTION_ACTIVITY,    /* the playing likelihood (camsep_prior.activity) */
} assoc_motion;

/* What stands for a stem's sound. */
typedef enum assoc_audio {
    ASSOC_AUDIO_SHARE = 0,    /* the stem's share of the frame's energy (report.mask_energy) */
    ASSOC_AUDIO_ACTIVATION,   /* the sum of its activations (report.activation) */
} assoc_audio;

/* Dictionaries with the same atoms get the same class (interchangeable stems). */
void associate_stem_classes(const camsep_dictionary *const *players, int n, int *stem_class);

/* The audio-only pass over mix, streamed (engine cfg, params, the players and
 * other as the separation will use them, `block` samples at a time; mix must
 * be of known length and is rewound afterwards, as is the camera's spool) and
 * the proposal for the camera's first n_boxes columns (motion_source against
 * audio_source). Progress goes to bar. 0, or -1 with the reason in err. */
int associate_run(const camsep_config *cfg, const camsep_params *params, const camsep_dictionary *const *players,
                  int n_players, const camsep_dictionary *other, audio_reader *mix, int block,
                  camera_spool *camera, assoc_motion motion_source, assoc_audio audio_source,
                  const camsep_assoc_config *acfg,
                  camsep_assoc_result *out, progress *bar, char *err, size_t errlen);

/* The pairing, the correlation matrix and the confidence, for people. */
void associate_print(FILE *f, const camsep_assoc_result *r, const char *const *dict_paths,
                     const camsep_dictionary *const *players);

#endif
