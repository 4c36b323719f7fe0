/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lock-free command queue (see host_commands.h). */
#include "host_commands.h"

#include <stdio.h>
#include <string.h>

void host_cmdq_init(host_cmdq *q)
{
    for (size_t i = 0; i < HOST_CMDQ_CAPACITY; i++) {
        atomic_init(&q->cells[i].seq, i);
        memset(&q->cells[i].cmd, 0, sizeof q->cells[i].cmd);
    }
    atomic_init(&q->head, 0);
    atomic_init(&q->tail, 0);
    atomic_init(&q->dropped, 0);
}

int host_cmdq_push(host_cmdq *q, const host_command *c)
{
    size_t pos = atomic_load_explicit(&q->head, memory_order_relaxed);
    for (;;) {
        host_cmdq_cell *cell = &q->cells[pos & (HOST_CMDQ_CAPACITY - 1)];
        size_t seq = atomic_load_explicit(&cell->seq, memory_order_acquire);
        if (seq == pos) {
            /* The cell is free for this lap: claim it. */
            if (atomic_compare_exchange_weak_explicit(&q->head, &pos, pos + 1, memory_order_relaxed,
                                                      memory_order_relaxed)) {
                cell->cmd = *c;
                atomic_store_explicit(&cell->seq, pos + 1, memory_order_release);
                return 0;
            }
            /* pos was reloaded by the failed exchange */
        } else if ((ptrdiff_t)(seq - pos) < 0) {
            /* The cell still holds last lap's command: full. */
            atomic_fetch_add_explicit(&q->dropped, 1, memory_order_relaxed);
            return -1;
        } else {
            pos = atomic_load_explicit(&q->head, memory_order_relaxed);
        }
    }
}

int host_cmdq_pop(host_cmdq *q, host_command *c)
{
    size_t pos = atomic_load_explicit(&q->tail, memory_order_relaxed);
    host_cmdq_cell *cell = &q->cells[pos & (HOST_CMDQ_CAPACITY - 1)];
    size_t seq = atomic_load_explicit(&cell->seq, memory_order_acquire);
    if (seq != pos + 1)
        return 0; /* empty, or a producer has claimed the cell but not finished writing it */
    *c = cell->cmd;
    atomic_store_explicit(&cell->seq, pos + HOST_CMDQ_CAPACITY, memory_order_release);
    atomic_store_explicit(&q->tail, pos + 1, memory_order_relaxed);
    return 1;
}

void host_command_describe(const host_command *c, char *buf, size_t size)
{
    switch (c->type) {
    case HOST_CMD_GAIN: snprintf(buf, size, "gain stem %d %g dB", c->stem, (double)c->value); break;
    case HOST_CMD_MUTE: snprintf(buf, size, "mute stem %d %s", c->stem, c->on ? "on" : "off"); break;
    case HOST_CMD_SOLO: snprintf(buf, size, "solo stem %d %s", c->stem, c->on ? "on" : "off"); break;
    case HOST_CMD_BYPASS: snprintf(buf, size, "bypass %s", c->on ? "on" : "off"); break;
    case HOST_CMD_PRIOR_STRENGTH: snprintf(buf, size, "prior strength %g", (double)c->value); break;
    case HOST_CMD_MASK_POWER: snprintf(buf, size, "mask power %g", (double)c->value); break;
    case HOST_CMD_ITERATIONS: snprintf(buf, size, "iterations %g", (double)c->value); break;
    case HOST_CMD_BOX:
        snprintf(buf, size, "box stem %d %g,%g,%g,%g", c->stem, (double)c->box.x, (double)c->box.y,
                 (double)c->box.w, (double)c->box.h);
        break;
    case HOST_CMD_CAMERA_LATENCY: snprintf(buf, size, "camera latency %g s", (double)c->value); break;
    case HOST_CMD_MOTION_KNEE: snprintf(buf, size, "motion knee %g", (double)c->value); break;
    default: snprintf(buf, size, "unknown command %d", (int)c->type); break;
    }
}
