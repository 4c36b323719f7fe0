/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "video_priors.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optical_flow.h"

struct camsep_video_priors {
    camsep_flow *flow;
    camsep_motion *motion;
    int width, height;
    int have_global; /* a frame was analysed since create or reset */
    uint8_t *last;   /* the last picture analysed (width x height luma), for repeats */
    int have_last;
    long repeats;    /* frames in a row identical to it */
};

camsep_video_priors *camsep_video_priors_create(int width, int height, double frame_rate, const camsep_box *boxes,
                                                int n_boxes, char *err, size_t errlen)
{
    if (n_boxes < 1 || n_boxes > CAMSEP_MOTION_MAX_BOXES) {
        snprintf(err, errlen, "%d player boxes; 1 to %d are supported", n_boxes, CAMSEP_MOTION_MAX_BOXES);
        return NULL;
    }
    camsep_video_priors *vp = calloc(1, sizeof *vp);
    if (!vp) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    vp->width = width;
    vp->height = height;
    camsep_motion_config mc;
    camsep_motion_config_default(&mc);
    if (frame_rate > 0.0)
        mc.frame_rate = (float)frame_rate;
    vp->flow = camsep_flow_create(width, height, NULL);
    vp->motion = vp->flow ? camsep_motion_create(width, height, &mc) : NULL;
    vp->last = width > 0 && height > 0 ? malloc((size_t)width * (size_t)height) : NULL;
    if (!vp->flow || !vp->motion || !vp->last) {
        snprintf(err, errlen, "cannot analyse %dx%d frames (at least 16x16 are needed)", width, height);
        camsep_video_priors_free(vp);
        return NULL;
    }
    for (int j = 0; j < n_boxes; j++)
        if (boxes[j].x + boxes[j].w <= 0 || boxes[j].y + boxes[j].h <= 0 || boxes[j].x >= width ||
            boxes[j].y >= height) {
            snprintf(err, errlen, "box %d (%g,%g,%g,%g) lies outside the %dx%d frame", j + 1, boxes[j].x,
                     boxes[j].y, boxes[j].w, boxes[j].h, width, height);
            camsep_video_priors_free(vp);
            return NULL;
        }
    if (camsep_motion_set_boxes(vp->motion, boxes, n_boxes)) {
        snprintf(err, errlen, "invalid player boxes");
        camsep_video_priors_free(vp);
        return NULL;
    }
    return vp;
}

int camsep_video_priors_set_knee(camsep_video_priors *vp, float knee)
{
    return vp ? camsep_motion_set_knee(vp->motion, knee) : -1;
}

void camsep_video_priors_free(camsep_video_priors *vp)
{
    if (!vp)
        return;
    camsep_motion_free(vp->motion);
    camsep_flow_free(vp->flow);
    free(vp->last);
    free(vp);
}

int camsep_video_priors_set_boxes(camsep_video_priors *vp, const camsep_box *boxes, int n_boxes)
{
    return camsep_motion_set_boxes(vp->motion, boxes, n_boxes);
}

/* A frame bit for bit the last picture: a camera's sensor noise never gives
 * one, a frozen source (a grabber repeating its last frame, a stream that
 * stalls upstream, a frame-rate converter's duplicate) does. Its zero flow
 * would read as every player resting, so it is no observation at all. Keeps
 * the picture otherwise. */
static int repeated_picture(camsep_video_priors *vp, const camsep_frame *frame)
{
    const size_t w = (size_t)vp->width;
    int same = vp->have_last;
    for (int y = 0; same && y < vp->height; y++)
        same = memcmp(vp->last + (size_t)y * w, frame->luma + (size_t)y * (size_t)frame->stride, w) == 0;
    if (same)
        return 1;
    for (int y = 0; y < vp->height; y++)
        memcpy(vp->last + (size_t)y * w, frame->luma + (size_t)y * (size_t)frame->stride, w);
    vp->have_last = 1;
    return 0;
}

long camsep_video_priors_repeats(const camsep_video_priors *vp)
{
    return vp ? vp->repeats : 0;
}

int camsep_video_priors_frame(camsep_video_priors *vp, const camsep_frame *frame, camsep_prior *out)
{
    if (frame->width != vp->width || frame->height != vp->height)
        return -1;
    if (repeated_picture(vp, frame)) {
        vp->repeats++;
        return 0;
    }
    /* A single repeat (a frame-rate converter's duplicate) is bridged, the
     * motion scaled by the interval; after a longer freeze the flow would
     * add up everything that moved meanwhile: it starts again. */
    if (vp->repeats > 1)
        camsep_flow_reset(vp->flow);
    vp->repeats = 0;
    if (camsep_flow_compute(vp->flow, frame->luma, frame->stride) < 0)
        return -1;
    if (camsep_motion_update(vp->motion, vp->flow, frame->timestamp_ns) != 1)
        return 0;
    vp->have_global = 1;
    camsep_motion_fill_prior(vp->motion, out);
    return 1;
}

int camsep_video_priors_global(const camsep_video_priors *vp, float *u, float *v)
{
    if (!vp || !vp->have_global) {
        *u = *v = NAN;
        return 0;
    }
    camsep_motion_global(vp->motion, u, v);
    return 1;
}

const camsep_flow *camsep_video_priors_flow(const camsep_video_priors *vp)
{
    return vp->flow;
}

void camsep_video_priors_reset(camsep_video_priors *vp)
{
    camsep_flow_reset(vp->flow);
    vp->have_global = 0;
}

size_t camsep_video_priors_bytes(const camsep_video_priors *vp)
{
    return sizeof *vp + (size_t)vp->width * (size_t)vp->height + camsep_flow_allocated_bytes(vp->flow);
}

int camsep_box_parse(const char *text, camsep_box *box)
{
    float v[4];
    const char *p = text;
    for (int i = 0; i < 4; i++) {
        char *end;
        errno = 0;
        double x = strtod(p, &end);
        if (end == p || errno || !(fabs(x) <= CAMSEP_BOX_MAX_PIXELS))
            return -1;
        v[i] = (float)x;
        p = end;
        if (i < 3) {
            if (*p != ',')
                return -1;
            p++;
        }
    }
    if (*p || v[2] <= 0.0f || v[3] <= 0.0f)
        return -1;
    *box = (camsep_box){v[0], v[1], v[2], v[3]};
    return 0;
}

float camsep_video_priors_energy(const camsep_video_priors *vp, int box)
{
    if (!vp || box < 0 || box >= camsep_motion_boxes(vp->motion))
        return NAN;
    return camsep_motion_energy(vp->motion, box)[0];
}
