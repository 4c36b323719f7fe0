/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The camera preview in the camsep.lv2 UI: reads camsep-capture's preview
 * segment (capture/ipc/shm_preview.h) for the plugin's prior ring name, keeps the
 * newest thumbnail as a cairo image, and looks for the segment again about
 * once a second while there is none or its writer is gone.
 *
 * UI thread only (system calls are fine there, never in the DSP).
 */
#ifndef CAMSEP_LV2UI_PREVIEW_H
#define CAMSEP_LV2UI_PREVIEW_H

#include "lv2ui_draw.h"
#include "shm_preview.h"
#include "shm_ring.h" /* CAMSEP_SHM_NAME_MAX */

typedef struct lv2ui_preview {
    char ring[CAMSEP_SHM_NAME_MAX];
    camsep_preview_reader *reader;
    camsep_preview_image *image; /* the last one read */
    cairo_surface_t *surface;    /* it, as grey pixels (NULL while none is shown) */
    int n_boxes;
    camsep_box box[LV2UI_PREVIEW_BOXES];
    double next_try, next_poll;
    int live;
    char caption[CAMSEP_SHM_NAME_MAX + 64];
} lv2ui_preview;

void lv2ui_preview_init(lv2ui_preview *p, const char *ring_name);
/* The plugin's ring name changed (patch:Set urn:camsep:lv2:shm_name). */
void lv2ui_preview_set_ring(lv2ui_preview *p, const char *ring_name);
/* Reads a newer image if there is one (at most 20 times a second). 1 when
 * what is shown changed. now: seconds, monotonic. */
int lv2ui_preview_poll(lv2ui_preview *p, double now);
void lv2ui_preview_get_view(const lv2ui_preview *p, lv2ui_preview_view *v);
void lv2ui_preview_free(lv2ui_preview *p);

#endif
