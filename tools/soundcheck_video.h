/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A sound check's camera side, offline: each box's activity at every
 * analysis frame of the recording, from a Y4M video analysed by the capture
 * code (optical flow, motion energy, as camsep-process --video does).
 */
#ifndef CAMSEP_SOUNDCHECK_VIDEO_H
#define CAMSEP_SOUNDCHECK_VIDEO_H

#include <stddef.h>

#include "camsep_video_types.h"

typedef struct soundcheck_frames {
    size_t frames; /* analysis frames */
    int hop, fall; /* frame n's time, as the engine reports it: (n + 1) hop - fall */
    double sample_rate;
} soundcheck_frames;

/* frames x n_boxes activities (NaN where the video has no prior: before its
 * second frame or after its end). camera_latency_s: the video shows events
 * that many seconds after the audio. NULL with the reason in err. */
float *soundcheck_video_activity(const char *video, const camsep_box *boxes, int n_boxes, double camera_latency_s,
                                 const soundcheck_frames *at, char *err, size_t errlen);

#endif
