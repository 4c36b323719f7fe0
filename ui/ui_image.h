/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Luma frames to cairo images: grey RGB24 pixels, and how the picture is
 * filtered when it is scaled into the window.
 * One thread at a time per surface; no X.
 */
#ifndef CAMSEP_UI_IMAGE_H
#define CAMSEP_UI_IMAGE_H

#include <cairo.h>
#include <stdint.h>

/* Writes a width x height luma image (rows `stride` bytes apart) into *surface
 * as grey, (re)creating the surface when its size differs. Returns 0, or -1
 * (invalid size, or cairo out of memory: *surface is then NULL). */
int ui_image_from_luma(cairo_surface_t **surface, const uint8_t *luma, int width, int height, int stride);

/* The filter for drawing an image at `scale` window pixels per frame pixel:
 * smooth when shrinking a lot (no aliasing of stage detail), bilinear otherwise. */
cairo_filter_t ui_image_filter(double scale);

#endif
