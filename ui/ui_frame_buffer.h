/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The latest camera frame, handed from the capture thread to the UI thread:
 * a triple buffer. The producer copies a frame into a slot of its own without
 * any lock shared with the UI, then swaps it with the shared "latest" slot
 * under a mutex held for a pointer swap; the UI thread swaps "latest" with its
 * own slot the same way. Neither side ever waits for the other's copy or
 * drawing; a frame the UI has not taken yet is simply replaced.
 *
 * Threading: push from any thread (pushers are serialised among themselves);
 * take/front from the one UI thread. push allocates only when the frame
 * grows; nothing here is meant for a real-time audio thread.
 */
#ifndef CAMSEP_UI_FRAME_BUFFER_H
#define CAMSEP_UI_FRAME_BUFFER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "camsep_video_types.h"

typedef struct ui_frame_slot {
    uint8_t *luma; /* width x height, stride == width */
    size_t capacity;
    int width, height;
    int64_t timestamp_ns;
    uint64_t sequence;
} ui_frame_slot;

typedef struct ui_frame_buffer {
    pthread_mutex_t producer; /* serialises pushers; never taken by the UI thread */
    pthread_mutex_t swap;     /* held only to exchange slot pointers */
    ui_frame_slot slots[3];
    ui_frame_slot *back;      /* the producer's */
    ui_frame_slot *latest;    /* shared */
    ui_frame_slot *front;     /* the UI's */
    int fresh;                /* latest holds a frame the UI has not taken */
    uint64_t pushed, taken;
} ui_frame_buffer;

int ui_frame_buffer_init(ui_frame_buffer *fb); /* 0, or -1 */
void ui_frame_buffer_destroy(ui_frame_buffer *fb);
/* Any thread: copies the frame. 0, or -1 (invalid frame or out of memory: dropped). */
int ui_frame_buffer_push(ui_frame_buffer *fb, const camsep_frame *f);
/* UI thread: 1 if a newer frame is now in front, 0 if not. */
int ui_frame_buffer_take(ui_frame_buffer *fb);
/* UI thread: the frame in front (width 0 before the first). */
const ui_frame_slot *ui_frame_buffer_front(const ui_frame_buffer *fb);

#endif
