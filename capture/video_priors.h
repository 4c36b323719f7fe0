/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Video to priors: optical flow and motion energy per player box, frame by
 * frame, as one object. Used by camsep-process --video, camsep-capture and
 * the standalone hosts.
 *
 * Threading: one capture thread owns it; create/free allocate, the rest
 * never allocates, locks or does I/O.
 */
#ifndef CAMSEP_VIDEO_PRIORS_H
#define CAMSEP_VIDEO_PRIORS_H

#include <stddef.h>

#include "camsep_engine.h"
#include "frame_source.h"
#include "motion_energy.h"

typedef struct camsep_video_priors camsep_video_priors;

/* set-up: for width x height frames at a nominal frame_rate (0: unknown). NULL
 * with the reason in err when the size or the boxes are invalid. */
camsep_video_priors *camsep_video_priors_create(int width, int height, double frame_rate, const camsep_box *boxes,
                                                int n_boxes, char *err, size_t errlen);
void camsep_video_priors_free(camsep_video_priors *vp);

/* capture thread: new boxes (statistics of a box that keeps its index are kept). */
int camsep_video_priors_set_boxes(camsep_video_priors *vp, const camsep_box *boxes, int n_boxes);

/* capture thread: one frame in. Returns 1 and fills out (activity and motion
 * per box; out->time is left to the caller, who owns the clock mapping), 0 when
 * the frame produced no prior (the first one, after a reset, a picture
 * identical to the last one, which is not analysed, or the first new picture
 * after two or more of those: the flow starts again), -1 when the frame does
 * not have the size given at create. */
int camsep_video_priors_frame(camsep_video_priors *vp, const camsep_frame *frame, camsep_prior *out);
/* capture thread: how many frames in a row, up to the latest, were bit for bit
 * the picture before them (a frozen source); 0 after any new picture. A reset
 * does not forget the last picture: a frozen camera reopened is still frozen. */
long camsep_video_priors_repeats(const camsep_video_priors *vp);
/* capture thread: the motion knee (camsep_motion_set_knee). 0, or -1 if invalid. */
int camsep_video_priors_set_knee(camsep_video_priors *vp, float knee);
/* capture thread: the global (camera) motion the latest frame's analysis
 * found and subtracted (camsep_motion_global): the picture's own translation
 * from the previous frame, in input pixels per frame (+u right, +v down).
 * Returns 1, or 0 with u = v = NaN when no frame has been analysed since
 * create or the last reset. */
int camsep_video_priors_global(const camsep_video_priors *vp, float *u, float *v);
/* capture thread: the latest frame's raw motion energy of a box (channel 0,
 * the box mean: input pixels per frame, before normalisation and smoothing),
 * or NaN when box is not one of the boxes. */
float camsep_video_priors_energy(const camsep_video_priors *vp, int box);
/* capture thread: the latest frame's optical flow (valid until the next
 * frame or reset; camsep_flow_valid() says whether it holds one). */
const camsep_flow *camsep_video_priors_flow(const camsep_video_priors *vp);
/* capture thread: forget the previous frame (after a camera gap or reopen). */
void camsep_video_priors_reset(camsep_video_priors *vp);
size_t camsep_video_priors_bytes(const camsep_video_priors *vp);

/* Parses "x,y,w,h" (pixels, C locale). 0, or -1 when malformed, not positive,
 * or beyond CAMSEP_BOX_MAX_PIXELS (a number that a float cannot hold would be
 * infinite, and a configuration saved with it unreadable). */
#define CAMSEP_BOX_MAX_PIXELS 1.0e5
int camsep_box_parse(const char *text, camsep_box *box);

#endif
