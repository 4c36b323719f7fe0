/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The two small types that travel between the capture code, the windows and
 * the hosts' commands: a luma frame and a player's box. Nothing else, so a
 * header that needs a box does not pull in optical flow or frame sources.
 */
#ifndef CAMSEP_VIDEO_TYPES_H
#define CAMSEP_VIDEO_TYPES_H

#include <stdint.h>

/* A luma frame. The pixels belong to the source and stay valid until the next
 * read or close on it. */
typedef struct camsep_frame {
    int width, height;
    int stride;              /* bytes from one row to the next, >= width */
    const uint8_t *luma;
    int64_t timestamp_ns;    /* live sources: CLOCK_MONOTONIC at capture; files: frame index x period */
    uint64_t sequence;       /* frames delivered so far, from 0; gaps mean dropped frames */
} camsep_frame;

/* A player's box in input-frame pixels. */
typedef struct camsep_box {
    float x, y, w, h;
} camsep_box;

#endif
