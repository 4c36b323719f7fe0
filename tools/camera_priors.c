/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen */
#include "camera_priors.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*prior_sink)(void *ctx, const camsep_prior *p, const float energy[CAMSEP_MAX_SOURCES], char *err,
                          size_t errlen);

/* Every frame of src through vp, each prior with its boxes' energies to sink. */
static int read_frames(camsep_frame_source *src, camsep_video_priors *vp, double rate, double latency_s,
                       uint64_t *frames, prior_sink sink, void *ctx, progress *bar, char *err, size_t errlen)
{
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
        ++*frames;
        if (bar)
            progress_update(bar, (int64_t)((double)frame.timestamp_ns * 1e-9 * rate));
        camsep_prior p;
        int r = camsep_video_priors_frame(vp, &frame, &p);
        if (r < 0) {
            snprintf(err, errlen, "video frame %llu changed size", (unsigned long long)*frames);
            return -1;
        }
        if (r == 1) {
            p.time = (int64_t)llround(((double)frame.timestamp_ns * 1e-9 - latency_s) * rate);
            float energy[CAMSEP_MAX_SOURCES];
            for (int i = 0; i < CAMSEP_MAX_SOURCES; i++)
                energy[i] = i < p.n_sources ? camsep_video_priors_energy(vp, i) : NAN;
            if (sink(ctx, &p, energy, err, errlen))
                return -1;
        }
    }
}

static int append(void *ctx, const camsep_prior *p, const float energy[CAMSEP_MAX_SOURCES], char *err,
                  size_t errlen)
{
    camera_priors *cp = ctx;
    if (cp->n == cp->cap) {
        const size_t cap = cp->cap ? 2 * cp->cap : 1024;
        camsep_prior *items = realloc(cp->items, cap * sizeof *items);
        float(*e)[CAMSEP_MAX_SOURCES] = items ? realloc(cp->energy, cap * sizeof *e) : NULL;
        if (items)
            cp->items = items;
        if (!e) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        cp->energy = e;
        cp->cap = cap;
    }
    memcpy(cp->energy[cp->n], energy, sizeof cp->energy[cp->n]);
    cp->items[cp->n++] = *p;
    return 0;
}

int camera_priors_read(camsep_frame_source *src, camsep_video_priors *vp, double rate, double latency_s,
                       camera_priors *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    return read_frames(src, vp, rate, latency_s, &out->frames, append, out, NULL, err, errlen);
}

static void permute_one(camsep_prior *p, float energy[CAMSEP_MAX_SOURCES], const int *stem_of_box, int n_boxes)
{
    const camsep_prior in = *p;
    float e[CAMSEP_MAX_SOURCES];
    memcpy(e, energy, sizeof e);
    p->held = 0;
    for (int i = 0; i < n_boxes; i++) {
        p->held |= ((in.held >> i) & 1u) << stem_of_box[i];
        p->activity[stem_of_box[i]] = in.activity[i];
        memcpy(p->motion[stem_of_box[i]], in.motion[i], sizeof in.motion[i]);
        energy[stem_of_box[i]] = e[i];
    }
}

void camera_priors_permute(camera_priors *cp, const int *stem_of_box, int n_boxes)
{
    for (size_t k = 0; k < cp->n; k++)
        permute_one(&cp->items[k], cp->energy[k], stem_of_box, n_boxes);
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

/* A spooled record: the prior and its boxes' energies. */
typedef struct spool_record {
    camsep_prior prior;
    float energy[CAMSEP_MAX_SOURCES];
} spool_record;

static int spool_put(void *ctx, const camsep_prior *p, const float energy[CAMSEP_MAX_SOURCES], char *err,
                     size_t errlen)
{
    camera_spool *s = ctx;
    spool_record rec;
    memset(&rec, 0, sizeof rec);
    rec.prior = *p;
    memcpy(rec.energy, energy, sizeof rec.energy);
    if (fwrite(&rec, sizeof rec, 1, s->f) != 1) {
        snprintf(err, errlen, "no room for the camera's priors in the temporary directory");
        return -1;
    }
    s->n++;
    return 0;
}

int camera_spool_read(camsep_frame_source *src, camsep_video_priors *vp, double rate, double latency_s,
                      camera_spool *out, progress *bar, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/camsep-priors-XXXXXX", dir && *dir ? dir : "/tmp");
    const int fd = mkstemp(path);
    if (fd >= 0)
        unlink(path); /* gone with the process, however it ends */
    if (fd < 0 || !(out->f = fdopen(fd, "w+b"))) {
        snprintf(err, errlen, "cannot create a temporary file for the camera's priors in %s: %s",
                 dir && *dir ? dir : "/tmp", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (read_frames(src, vp, rate, latency_s, &out->frames, spool_put, out, bar, err, errlen))
        return -1;
    return camera_spool_rewind(out, err, errlen);
}

int camera_spool_rewind(camera_spool *s, char *err, size_t errlen)
{
    s->has_pending = 0;
    if (fflush(s->f) || fseek(s->f, 0, SEEK_SET)) {
        snprintf(err, errlen, "the camera's priors: temporary file error");
        return -1;
    }
    return 0;
}

void camera_spool_permute(camera_spool *s, const int *stem_of_box, int n_boxes)
{
    s->n_perm = n_boxes;
    memcpy(s->stem_of_box, stem_of_box, sizeof(int) * (size_t)n_boxes);
}

int camera_spool_next(camera_spool *s, camsep_prior *p, float energy[CAMSEP_MAX_SOURCES])
{
    spool_record rec;
    if (fread(&rec, sizeof rec, 1, s->f) != 1)
        return ferror(s->f) ? -1 : 0;
    *p = rec.prior;
    memcpy(energy, rec.energy, sizeof rec.energy);
    if (s->n_perm)
        permute_one(p, energy, s->stem_of_box, s->n_perm);
    return 1;
}

int camera_spool_feed(camsep_engine *e, camera_spool *s, int64_t until)
{
    for (;;) {
        if (!s->has_pending) {
            float energy[CAMSEP_MAX_SOURCES];
            const int r = camera_spool_next(s, &s->pending, energy);
            if (r <= 0)
                return r;
            s->has_pending = 1;
        }
        if (s->pending.time > until || camsep_engine_push_prior(e, &s->pending))
            return 0; /* not due yet, or the ring is full: the rest goes in with the next block */
        s->has_pending = 0;
        s->fed++;
    }
}

void camera_spool_close(camera_spool *s)
{
    if (s->f)
        fclose(s->f);
    memset(s, 0, sizeof *s);
}
