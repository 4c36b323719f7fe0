/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "demo_motion.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct demo_motion {
    int max_boxes;
    uint8_t *prev;
    int w, h;
    float *reference; /* per box: decaying maximum of the difference */
    float *smooth;
};

demo_motion *demo_motion_create(int max_boxes)
{
    demo_motion *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->max_boxes = max_boxes;
    m->reference = calloc((size_t)max_boxes, sizeof *m->reference);
    m->smooth = calloc((size_t)max_boxes, sizeof *m->smooth);
    if (!m->reference || !m->smooth) {
        demo_motion_free(m);
        return NULL;
    }
    return m;
}

void demo_motion_free(demo_motion *m)
{
    if (!m)
        return;
    free(m->prev);
    free(m->reference);
    free(m->smooth);
    free(m);
}

static float box_difference(const demo_motion *m, const camsep_frame *f, const camsep_box *b)
{
    const int x0 = (int)fmaxf(b->x, 0.0f), y0 = (int)fmaxf(b->y, 0.0f);
    const int x1 = (int)fminf(b->x + b->w, (float)f->width), y1 = (int)fminf(b->y + b->h, (float)f->height);
    double sum = 0.0;
    long count = 0;
    for (int y = y0; y < y1; y += 2)
        for (int x = x0; x < x1; x += 2) {
            sum += abs((int)f->luma[(size_t)y * (size_t)f->stride + (size_t)x] -
                       (int)m->prev[(size_t)y * (size_t)f->width + (size_t)x]);
            count++;
        }
    return count ? (float)(sum / (double)count) : 0.0f;
}

void demo_motion_update(demo_motion *m, const camsep_frame *f, const camsep_box *boxes, int n, float *motion,
                        float *level_db)
{
    if (n > m->max_boxes)
        n = m->max_boxes;
    const int fresh = !m->prev || m->w != f->width || m->h != f->height;
    if (fresh) {
        free(m->prev);
        m->prev = malloc((size_t)f->width * (size_t)f->height);
        m->w = m->prev ? f->width : 0;
        m->h = m->prev ? f->height : 0;
    }
    for (int j = 0; j < n; j++) {
        motion[j] = level_db[j] = NAN;
        if (fresh || !m->prev || boxes[j].w <= 0.0f || boxes[j].h <= 0.0f)
            continue;
        const float d = box_difference(m, f, &boxes[j]);
        m->reference[j] = fmaxf(fmaxf(d, 0.5f), m->reference[j] * 0.995f);
        const float x = d / m->reference[j];
        m->smooth[j] += (x > m->smooth[j] ? 0.6f : 0.15f) * (x - m->smooth[j]); /* fast attack, slow release */
        motion[j] = m->smooth[j];
        level_db[j] = m->smooth[j] > 1e-3f ? 20.0f * log10f(m->smooth[j]) - 3.0f : -INFINITY;
    }
    if (m->prev)
        for (int y = 0; y < f->height; y++)
            memcpy(m->prev + (size_t)y * (size_t)f->width, f->luma + (size_t)y * (size_t)f->stride,
                   (size_t)f->width);
}
