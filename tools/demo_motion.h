/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-ui-demo's stand-in for the real analysis: per box, the mean absolute
 * frame difference, normalised against its own recent maximum, as a fake
 * motion prior (0..1) and a fake output level in dB. It exists to make the
 * meters move in the demo and the tests; the product's priors come from
 * optical flow (capture/motion_energy.h).
 * Not thread-safe; allocates in create only.
 */
#ifndef CAMSEP_UI_DEMO_MOTION_H
#define CAMSEP_UI_DEMO_MOTION_H

#include "frame_source.h"
#include "motion_energy.h"

typedef struct demo_motion demo_motion;

demo_motion *demo_motion_create(int max_boxes);
void demo_motion_free(demo_motion *m);
/* One frame and the boxes (frame pixels; w or h <= 0: none) -> motion[j] and
 * level_db[j] for j < n (NaN for a player without a box, and on the first frame
 * or after a size change). */
void demo_motion_update(demo_motion *m, const camsep_frame *f, const camsep_box *boxes, int n, float *motion,
                        float *level_db);

#endif
