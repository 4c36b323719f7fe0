/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The frame hand-over between a capture thread and the UI thread: every frame
 * the UI takes is whole (never half of one and half of the next), newer than
 * the last, of the size it was pushed with; a size change is followed. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ui_frame_buffer.h"

#define FRAMES 3000

static ui_frame_buffer fb;

static void *producer(void *arg)
{
    (void)arg;
    static uint8_t pix[(64 + 7) * 48];
    for (int k = 1; k <= FRAMES; k++) {
        const int w = k < FRAMES / 2 ? 32 : 64, h = k < FRAMES / 2 ? 24 : 48, stride = w + 7;
        for (int y = 0; y < h; y++)
            memset(pix + (size_t)y * (size_t)stride, k & 0xff, (size_t)w);
        const camsep_frame f = {w, h, stride, pix, (int64_t)k * 1000, (uint64_t)k};
        CHECK(ui_frame_buffer_push(&fb, &f) == 0);
    }
    return NULL;
}

int main(void)
{
    CHECK(ui_frame_buffer_init(&fb) == 0);
    CHECK(ui_frame_buffer_front(&fb)->width == 0);
    CHECK(ui_frame_buffer_take(&fb) == 0);
    const camsep_frame bad = {0, 10, 0, NULL, 0, 0};
    CHECK(ui_frame_buffer_push(&fb, &bad) == -1);

    pthread_t t;
    CHECK(pthread_create(&t, NULL, producer, NULL) == 0);
    uint64_t last = 0;
    int taken = 0;
    while (last < FRAMES) {
        if (!ui_frame_buffer_take(&fb))
            continue;
        const ui_frame_slot *s = ui_frame_buffer_front(&fb);
        CHECK(s->sequence > last);
        last = s->sequence;
        const int w = last < FRAMES / 2 ? 32 : 64, h = last < FRAMES / 2 ? 24 : 48;
        CHECK(s->width == w && s->height == h && s->timestamp_ns == (int64_t)last * 1000);
        for (int i = 0; i < w * h; i++)
            CHECK_MSG(s->luma[i] == (last & 0xff), "frame %llu pixel %d", (unsigned long long)last, i);
        taken++;
    }
    pthread_join(t, NULL);
    CHECK(taken > 0 && fb.pushed == FRAMES);
    CHECK(ui_frame_buffer_take(&fb) == 0); /* nothing newer */
    ui_frame_buffer_destroy(&fb);
    return 0;
}
