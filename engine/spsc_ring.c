/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "spsc_ring.h"

#include <stdlib.h>
#include <string.h>

int spsc_ring_init(spsc_ring *r, size_t capacity, size_t elem_size)
{
    memset(r, 0, sizeof *r);
    if (capacity == 0 || elem_size == 0 || capacity > ((size_t)1 << 30))
        return -1;
    size_t cap = 1;
    while (cap < capacity)
        cap <<= 1;
    r->data = calloc(cap, elem_size);
    if (!r->data)
        return -1;
    r->mask = cap - 1;
    r->elem_size = elem_size;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    return 0;
}

void spsc_ring_destroy(spsc_ring *r)
{
    free(r->data);
    r->data = NULL;
}

size_t spsc_ring_capacity(const spsc_ring *r)
{
    return r->mask + 1;
}

bool spsc_ring_push(spsc_ring *r, const void *elem)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    if (head - tail > r->mask)
        return false;
    memcpy(r->data + (head & r->mask) * r->elem_size, elem, r->elem_size);
    atomic_store_explicit(&r->head, head + 1, memory_order_release);
    return true;
}

static bool read_front(spsc_ring *r, void *elem, bool remove)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    if (head == tail)
        return false;
    memcpy(elem, r->data + (tail & r->mask) * r->elem_size, r->elem_size);
    if (remove)
        atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
    return true;
}

bool spsc_ring_pop(spsc_ring *r, void *elem)
{
    return read_front(r, elem, true);
}

bool spsc_ring_peek(spsc_ring *r, void *elem)
{
    return read_front(r, elem, false);
}

size_t spsc_ring_read_space(spsc_ring *r)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    return head - tail;
}

void spsc_ring_clear(spsc_ring *r)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    atomic_store_explicit(&r->tail, head, memory_order_release);
}
