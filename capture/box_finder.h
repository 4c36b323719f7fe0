/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Players found in the picture: boxes proposed where the picture moves
 * against the camera, for the engineer to accept (issue 11's "boxes
 * themselves"). Fed one optical flow field per frame, for a sound check or
 * the first seconds of a song:
 *  1. the camera's own motion this frame (the median flow over the reliable
 *     pixels: shake, jitter, a slow pan) is subtracted, and what is left
 *     under noise_gate x the median residual (the flow's own error this
 *     frame) is not motion;
 *  2. per cell of a grid over the picture (columns x rows), the mean of what
 *     is left over its reliable pixels, counted per frame in a log
 *     histogram; the cell's level is what it reaches in a quarter of the
 *     frames: a player who plays a third of a sound check is busy there, an
 *     occluder crossing the stage or a bump of the camera is not;
 *  3. proposal: nothing when the busiest cells (the mean of the top 2 %)
 *     move less than 0.6 input pixel per frame at 480 lines; else the cells
 *     above `threshold` x that level and above 4 x the picture's median
 *     cell, closed by one cell, in connected groups (with split_to_count,
 *     while fewer than max_boxes, a group is split where its busy cells
 *     leave a column empty: the closing joins neighbours whose arms come
 *     within two cells). The busiest `max_boxes` groups are kept, left to
 *     right. Each grows, breadth first
 *     and all at once so that a cell goes to the nearest, over the cells
 *     around it that move at all (a swaying body, a head); its bounding box,
 *     made at least 1.3 and at most 2 times as tall as it is wide about its
 *     middle (not past the middle of the gap to a neighbour), is a player's
 *     box. What moves most is a bow arm or a strumming hand; a box around
 *     that alone has the capture take it for the body's sway.
 * Boxes that overlap a neighbour are cut at the middle of the overlap.
 * A group's confidence is its share of the motion in all proposed groups.
 *
 * What it cannot know: two players whose motion touches in the picture
 * are one box, and a player who never moved is not found; the proposal is
 * offered, never applied by itself.
 *
 * Threading: one thread owns it (propose uses its scratch space too);
 * create/free allocate, add and propose do not.
 */
#ifndef CAMSEP_BOX_FINDER_H
#define CAMSEP_BOX_FINDER_H

#include <stddef.h>

#include "camsep_video_types.h"
#include "optical_flow.h"

#define CAMSEP_BOX_FINDER_MAX 16

typedef struct camsep_box_finder_config {
    int columns;      /* grid columns (48); rows follow the picture's aspect */
    float noise_gate; /* residual flow under this x its median is noise (2) */
    float threshold;  /* a cell is busy from this share of the busiest cells' level (0.2) */
    int min_cells;    /* smaller groups are not players (3) */
    /* max_boxes is the number of players on the stage, not only a limit:
     * when fewer groups are found, groups joined across a column with no
     * busy cell are split there (0: off) */
    int split_to_count;
} camsep_box_finder_config;

typedef struct camsep_box_finder camsep_box_finder;

void camsep_box_finder_config_default(camsep_box_finder_config *cfg);
/* For flows of input_width x input_height pictures (cfg may be NULL: the
 * defaults). NULL when invalid or out of memory. */
camsep_box_finder *camsep_box_finder_create(int input_width, int input_height, const camsep_box_finder_config *cfg);
void camsep_box_finder_free(camsep_box_finder *bf);
/* split_to_count (config) from now on. */
void camsep_box_finder_set_split(camsep_box_finder *bf, int split_to_count);
/* Forget every frame counted (no allocation). */
void camsep_box_finder_reset(camsep_box_finder *bf);
/* The picture size it was made for. */
void camsep_box_finder_size(const camsep_box_finder *bf, int *input_width, int *input_height);
/* One frame's flow in. 1 when counted, 0 when the flow is not valid yet
 * (the first frame), -1 when its picture is not the size given at create. */
int camsep_box_finder_add(camsep_box_finder *bf, const camsep_flow *flow);
/* Up to max_boxes (<= CAMSEP_BOX_FINDER_MAX) boxes in input pixels, left to
 * right, and each one's confidence (may be NULL). Returns how many (0 when
 * nothing moved, or no frame was counted). */
int camsep_box_finder_propose(camsep_box_finder *bf, int max_boxes, camsep_box *boxes, float *confidence);

#endif
