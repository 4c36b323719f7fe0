/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ui_frame_buffer.h"

#include <stdlib.h>
#include <string.h>

int ui_frame_buffer_init(ui_frame_buffer *fb)
{
    memset(fb, 0, sizeof *fb);
    if (pthread_mutex_init(&fb->producer, NULL) != 0)
        return -1;
    if (pthread_mutex_init(&fb->swap, NULL) != 0) {
        pthread_mutex_destroy(&fb->producer);
        return -1;
    }
    fb->back = &fb->slots[0];
    fb->latest = &fb->slots[1];
    fb->front = &fb->slots[2];
    return 0;
}

void ui_frame_buffer_destroy(ui_frame_buffer *fb)
{
    for (int k = 0; k < 3; k++)
        free(fb->slots[k].luma);
    pthread_mutex_destroy(&fb->swap);
    pthread_mutex_destroy(&fb->producer);
}

int ui_frame_buffer_push(ui_frame_buffer *fb, const camsep_frame *f)
{
    if (!f || !f->luma || f->width <= 0 || f->height <= 0 || f->stride < f->width)
        return -1;
    const size_t need = (size_t)f->width * (size_t)f->height;
    pthread_mutex_lock(&fb->producer);
    ui_frame_slot *s = fb->back;
    if (s->capacity < need) {
        uint8_t *p = realloc(s->luma, need);
        if (!p) {
            pthread_mutex_unlock(&fb->producer);
            return -1;
        }
        s->luma = p;
        s->capacity = need;
    }
    for (int y = 0; y < f->height; y++)
        memcpy(s->luma + (size_t)y * (size_t)f->width, f->luma + (size_t)y * (size_t)f->stride, (size_t)f->width);
    s->width = f->width;
    s->height = f->height;
    s->timestamp_ns = f->timestamp_ns;
    s->sequence = f->sequence;

    pthread_mutex_lock(&fb->swap);
    fb->back = fb->latest;
    fb->latest = s;
    fb->fresh = 1;
    fb->pushed++;
    pthread_mutex_unlock(&fb->swap);
    pthread_mutex_unlock(&fb->producer);
    return 0;
}

int ui_frame_buffer_take(ui_frame_buffer *fb)
{
    int got = 0;
    pthread_mutex_lock(&fb->swap);
    if (fb->fresh) {
        ui_frame_slot *s = fb->front;
        fb->front = fb->latest;
        fb->latest = s;
        fb->fresh = 0;
        fb->taken++;
        got = 1;
    }
    pthread_mutex_unlock(&fb->swap);
    return got;
}

const ui_frame_slot *ui_frame_buffer_front(const ui_frame_buffer *fb) { return fb->front; }
