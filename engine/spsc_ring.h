/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Lock-free single-producer / single-consumer ring of fixed-size elements.
 *
 * One thread pushes, one thread pops; neither ever blocks, allocates or makes a
 * system call, so either side may be a real-time thread. The storage is
 * allocated once by spsc_ring_init(); capacity is rounded up to a power of two.
 */
#ifndef CAMSEP_SPSC_RING_H
#define CAMSEP_SPSC_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "camsep_rt.h"

typedef struct spsc_ring {
    /* Producer and consumer indices on their own cache lines: no false sharing. */
    _Alignas(64) atomic_size_t head; /* written by the producer only */
    _Alignas(64) atomic_size_t tail; /* written by the consumer only */
    _Alignas(64) size_t mask;
    size_t elem_size;
    unsigned char *data;
} spsc_ring;

/* Set-up (not real-time). Returns 0, or -1 when out of memory or sizes are 0. */
int spsc_ring_init(spsc_ring *r, size_t capacity, size_t elem_size);
void spsc_ring_destroy(spsc_ring *r);
size_t spsc_ring_capacity(const spsc_ring *r);

/* Producer side. Returns false (and copies nothing) when the ring is full. */
CAMSEP_RT bool spsc_ring_push(spsc_ring *r, const void *elem);

/* Consumer side. pop copies and removes the oldest element; peek copies it and
 * leaves it in place. Both return false when the ring is empty. */
CAMSEP_RT bool spsc_ring_pop(spsc_ring *r, void *elem);
bool spsc_ring_peek(spsc_ring *r, void *elem);
/* Number of elements readable now (consumer side; a lower bound elsewhere). */
CAMSEP_RT size_t spsc_ring_read_space(spsc_ring *r);
/* Consumer side: drop everything currently in the ring. */
void spsc_ring_clear(spsc_ring *r);

#endif
