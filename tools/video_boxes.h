/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The players' boxes found in a stage video file (capture/box_finder.h):
 * the flow of each frame of the first `seconds` (0: all of it) into a box
 * finder, then its proposal. Shared by camsep-find-boxes and camsep-process
 * --find-boxes.
 */
#ifndef CAMSEP_VIDEO_BOXES_H
#define CAMSEP_VIDEO_BOXES_H

#include <stddef.h>

#include "box_finder.h"

typedef struct video_boxes {
    int n;                                  /* boxes found, left to right (0: nothing moved) */
    camsep_box box[CAMSEP_BOX_FINDER_MAX];  /* video pixels */
    float share[CAMSEP_BOX_FINDER_MAX];     /* each one's share of the motion */
    long frames;                            /* frames read */
    double seconds;                         /* of video read */
    int width, height;
} video_boxes;

/* Looks for at most `players` players (1..CAMSEP_BOX_FINDER_MAX); with
 * `counted` set, that is the number on the stage (box_finder.h,
 * split_to_count). threshold <= 0: the finder's default. 0, or -1 with the
 * reason in err (the file cannot be read, a frame changed size). */
int video_boxes_find(const char *path, int players, int counted, double seconds, float threshold, video_boxes *out,
                     char *err, size_t errlen);

#endif
