/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "soundcheck_video.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "video_priors.h"
#include "y4m_source.h"

typedef struct timed_activity {
    double *time; /* audio seconds */
    float *value; /* per prior, n_boxes */
    size_t count, capacity;
} timed_activity;

static int append(timed_activity *t, double time, const float *value, int n)
{
    if (t->count == t->capacity) {
        size_t cap = t->capacity ? 2 * t->capacity : 1024;
        double *tt = realloc(t->time, sizeof(double) * cap);
        if (tt)
            t->time = tt;
        float *vv = realloc(t->value, sizeof(float) * cap * (size_t)n);
        if (vv)
            t->value = vv;
        if (!tt || !vv)
            return -1;
        t->capacity = cap;
    }
    t->time[t->count] = time;
    for (int j = 0; j < n; j++)
        t->value[t->count * (size_t)n + j] = value[j];
    t->count++;
    return 0;
}

static int read_priors(const char *video, const camsep_box *boxes, int n, double latency, timed_activity *t,
                       char *err, size_t errlen)
{
    camsep_frame_source *src = camsep_y4m_open(video, 0, err, errlen);
    if (!src)
        return -1;
    camsep_video_priors *vp =
        camsep_video_priors_create(src->width, src->height, src->frame_rate, boxes, n, err, errlen);
    int rc = vp ? 0 : -1;
    while (!rc) {
        camsep_frame frame;
        camsep_source_status st = camsep_frame_source_read(src, &frame, -1, err, errlen);
        if (st == CAMSEP_SOURCE_END)
            break;
        if (st != CAMSEP_SOURCE_OK) {
            if (st != CAMSEP_SOURCE_ERROR)
                snprintf(err, errlen, "%s: video source stalled", video);
            rc = -1;
            break;
        }
        camsep_prior p;
        int r = camsep_video_priors_frame(vp, &frame, &p);
        if (r < 0) {
            snprintf(err, errlen, "%s: frame %zu changed size", video, t->count + 1);
            rc = -1;
        } else if (r == 1 && append(t, (double)frame.timestamp_ns * 1e-9 - latency, p.activity, n)) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
    }
    camsep_video_priors_free(vp);
    camsep_frame_source_close(src);
    if (!rc && t->count < 2) {
        snprintf(err, errlen, "%s: too short: fewer than three frames", video);
        rc = -1;
    }
    return rc;
}

float *soundcheck_video_activity(const char *video, const camsep_box *boxes, int n_boxes, double camera_latency_s,
                                 const soundcheck_frames *at, char *err, size_t errlen)
{
    timed_activity t = {0};
    float *out = NULL;
    if (read_priors(video, boxes, n_boxes, camera_latency_s, &t, err, errlen))
        goto done;
    out = malloc(sizeof(float) * (at->frames ? at->frames : 1) * (size_t)n_boxes);
    if (!out) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    size_t k = 0;
    for (size_t n = 0; n < at->frames; n++) {
        const double time = ((double)(n + 1) * at->hop - at->fall) / at->sample_rate; /* as the engine reports it */
        while (k + 1 < t.count && t.time[k + 1] <= time)
            k++;
        float *row = out + n * (size_t)n_boxes;
        if (time < t.time[0] || time > t.time[t.count - 1]) {
            for (int j = 0; j < n_boxes; j++)
                row[j] = NAN;
            continue;
        }
        const size_t k1 = k + 1 < t.count ? k + 1 : k;
        const double span = t.time[k1] - t.time[k];
        const double w = span > 0.0 ? (time - t.time[k]) / span : 0.0;
        for (int j = 0; j < n_boxes; j++)
            row[j] = (float)((1.0 - w) * t.value[k * (size_t)n_boxes + j] + w * t.value[k1 * (size_t)n_boxes + j]);
    }
done:
    free(t.time);
    free(t.value);
    return out;
}
