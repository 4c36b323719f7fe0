/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "camera_priors.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int append(camera_priors *cp, const camsep_prior *p, const camsep_video_priors *vp)
{
    if (cp->n == cp->cap) {
        const size_t cap = cp->cap ? 2 * cp->cap : 1024;
        camsep_prior *items = realloc(cp->items, cap * sizeof *items);
        if (!items)
            return -1;
        cp->items = items;
        float(*energy)[CAMSEP_MAX_SOURCES] = realloc(cp->energy, cap * sizeof *energy);
        if (!energy)
            return -1;
        cp->energy = energy;
        cp->cap = cap;
    }
    for (int i = 0; i < CAMSEP_MAX_SOURCES; i++)
        cp->energy[cp->n][i] = i < p->n_sources ? camsep_video_priors_energy(vp, i) : NAN;
    cp->items[cp->n++] = *p;
    return 0;
}

int camera_priors_read(camsep_frame_source *src, camsep_video_priors *vp, double rate, double latency_s,
                       camera_priors *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    for (;;) {
        camsep_frame frame;
        camsep_source_status st = camsep_frame_source_read(src, &frame, -1, err, errlen);
        if (st == CAMSEP_SOURCE_END)
            return 0;
        if (st != CAMSEP_SOURCE_OK) {
            if (st != CAMSEP_SOURCE_ERROR)
                snprintf(err, errlen, "video source stalled");
            return -1;
        }
        out->frames++;
        camsep_prior p;
        int r = camsep_video_priors_frame(vp, &frame, &p);
        if (r < 0) {
            snprintf(err, errlen, "video frame %llu changed size", (unsigned long long)out->frames);
            return -1;
        }
        if (r == 1) {
            p.time = (int64_t)llround(((double)frame.timestamp_ns * 1e-9 - latency_s) * rate);
            if (append(out, &p, vp)) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
        }
    }
}

void camera_priors_permute(camera_priors *cp, const int *stem_of_box, int n_boxes)
{
    for (size_t k = 0; k < cp->n; k++) {
        const camsep_prior in = cp->items[k];
        camsep_prior *p = &cp->items[k];
        float energy[CAMSEP_MAX_SOURCES];
        memcpy(energy, cp->energy[k], sizeof energy);
        for (int i = 0; i < n_boxes; i++) {
            p->activity[stem_of_box[i]] = in.activity[i];
            memcpy(p->motion[stem_of_box[i]], in.motion[i], sizeof in.motion[i]);
            cp->energy[k][stem_of_box[i]] = energy[i];
        }
    }
}

void camera_priors_feed(camsep_engine *e, camera_priors *cp, int64_t until)
{
    while (cp->next < cp->n && cp->items[cp->next].time <= until) {
        if (camsep_engine_push_prior(e, &cp->items[cp->next]))
            return; /* ring full: the rest goes in with the next block */
        cp->next++;
    }
}

void camera_priors_free(camera_priors *cp)
{
    free(cp->items);
    free(cp->energy);
    memset(cp, 0, sizeof *cp);
}
