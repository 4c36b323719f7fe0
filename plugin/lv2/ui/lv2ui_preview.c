/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "lv2ui_preview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_image.h"

static void set_caption(lv2ui_preview *p, const char *what)
{
    snprintf(p->caption, sizeof p->caption, "%s (%s%s)", what, p->ring, CAMSEP_PREVIEW_SUFFIX);
}

void lv2ui_preview_init(lv2ui_preview *p, const char *ring_name)
{
    memset(p, 0, sizeof *p);
    p->image = malloc(sizeof *p->image);
    lv2ui_preview_set_ring(p, ring_name);
}

static void drop(lv2ui_preview *p)
{
    camsep_preview_reader_close(p->reader);
    p->reader = NULL;
    if (p->surface)
        cairo_surface_destroy(p->surface);
    p->surface = NULL;
    p->n_boxes = 0;
    p->live = 0;
}

void lv2ui_preview_set_ring(lv2ui_preview *p, const char *ring_name)
{
    drop(p);
    snprintf(p->ring, sizeof p->ring, "%s", ring_name && ring_name[0] ? ring_name : "/camsep");
    p->next_try = 0.0;
    p->next_poll = 0.0;
    set_caption(p, "no camera preview");
}

int lv2ui_preview_poll(lv2ui_preview *p, double now)
{
    if (!p->image || now < p->next_poll)
        return 0;
    p->next_poll = now + 0.05;
    int changed = 0;
    if ((!p->reader || !p->live) && now >= p->next_try) {
        p->next_try = now + 1.0;
        camsep_preview_reader *fresh = NULL;
        char err[256];
        if (camsep_preview_reader_try_open(p->ring, p->reader, &fresh, err, sizeof err) == 1) {
            camsep_preview_reader_close(p->reader);
            p->reader = fresh;
        }
    }
    if (!p->reader)
        return 0;
    switch (camsep_preview_reader_read(p->reader, p->image)) {
    case CAMSEP_PREVIEW_NEW:
        if (ui_image_from_luma(&p->surface, p->image->luma, p->image->width, p->image->height, p->image->width))
            return changed;
        p->n_boxes = p->image->n_boxes < LV2UI_PREVIEW_BOXES ? p->image->n_boxes : LV2UI_PREVIEW_BOXES;
        memcpy(p->box, p->image->box, sizeof(camsep_box) * (size_t)p->n_boxes);
        if (!p->live)
            set_caption(p, "camera preview");
        p->live = 1;
        return 1;
    case CAMSEP_PREVIEW_STALE:
        if (p->live || p->surface) {
            if (p->surface)
                cairo_surface_destroy(p->surface);
            p->surface = NULL;
            p->live = 0;
            set_caption(p, "camera preview: capture not running");
            return 1;
        }
        return changed;
    case CAMSEP_PREVIEW_SAME:
        break;
    }
    return changed;
}

void lv2ui_preview_get_view(const lv2ui_preview *p, lv2ui_preview_view *v)
{
    memset(v, 0, sizeof *v);
    v->image = p->surface;
    v->n_boxes = p->surface ? p->n_boxes : 0;
    memcpy(v->box, p->box, sizeof v->box);
    v->caption = p->caption;
}

void lv2ui_preview_free(lv2ui_preview *p)
{
    drop(p);
    free(p->image);
    p->image = NULL;
}
