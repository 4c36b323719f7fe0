/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "soundcheck_video.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "camera_priors.h"
#include "video_priors.h"
#include "y4m_source.h"

/* Every prior of the video, on the audio clock (samples). 0, or -1 with err. */
static int read_priors(const char *video, const camsep_box *boxes, int n, double latency, double rate,
                       camera_priors *cp, char *err, size_t errlen)
{
    char why[512];
    camsep_frame_source *src = camsep_y4m_open(video, 0, err, errlen);
    if (!src)
        return -1;
    camsep_video_priors *vp =
        camsep_video_priors_create(src->width, src->height, src->frame_rate, boxes, n, why, sizeof why);
    int rc = vp ? camera_priors_read(src, vp, rate, latency, cp, why, sizeof why) : -1;
    if (rc)
        snprintf(err, errlen, "%s: %s", video, why);
    else if (cp->n < 2)
        snprintf(err, errlen, "%s: too short: fewer than three frames", video), rc = -1;
    camsep_video_priors_free(vp);
    camsep_frame_source_close(src);
    return rc;
}

float *soundcheck_video_activity(const char *video, const camsep_box *boxes, int n_boxes, double camera_latency_s,
                                 const soundcheck_frames *at, char *err, size_t errlen)
{
    camera_priors cp = {0};
    float *out = NULL;
    if (read_priors(video, boxes, n_boxes, camera_latency_s, at->sample_rate, &cp, err, errlen))
        goto done;
    out = malloc(sizeof(float) * (at->frames ? at->frames : 1) * (size_t)n_boxes);
    if (!out) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    const camsep_prior *p = cp.items;
    size_t k = 0;
    for (size_t n = 0; n < at->frames; n++) {
        const double time = (double)(n + 1) * at->hop - at->fall; /* as the engine reports it */
        while (k + 1 < cp.n && (double)p[k + 1].time <= time)
            k++;
        float *row = out + n * (size_t)n_boxes;
        if (time < (double)p[0].time || time > (double)p[cp.n - 1].time) {
            for (int j = 0; j < n_boxes; j++)
                row[j] = NAN;
            continue;
        }
        const size_t k1 = k + 1 < cp.n ? k + 1 : k;
        const double span = (double)(p[k1].time - p[k].time);
        const double w = span > 0.0 ? (time - (double)p[k].time) / span : 0.0;
        for (int j = 0; j < n_boxes; j++)
            row[j] = (float)((1.0 - w) * p[k].activity[j] + w * p[k1].activity[j]);
    }
done:
    camera_priors_free(&cp);
    return out;
}
