/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ui_image.h"

#include <stddef.h>

int ui_image_from_luma(cairo_surface_t **surface, const uint8_t *luma, int width, int height, int stride)
{
    if (!luma || width <= 0 || height <= 0 || stride < width)
        return -1;
    cairo_surface_t *s = *surface;
    if (s && (cairo_image_surface_get_width(s) != width || cairo_image_surface_get_height(s) != height)) {
        cairo_surface_destroy(s);
        s = NULL;
    }
    if (!s) {
        s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
        if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(s);
            *surface = NULL;
            return -1;
        }
        *surface = s;
    }
    cairo_surface_flush(s);
    unsigned char *data = cairo_image_surface_get_data(s);
    const int out_stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < height; y++) {
        const uint8_t *in = luma + (size_t)y * (size_t)stride;
        uint32_t *out = (uint32_t *)(void *)(data + (size_t)y * (size_t)out_stride);
        for (int x = 0; x < width; x++) {
            const uint32_t v = in[x];
            out[x] = 0xff000000u | v << 16 | v << 8 | v; /* native-endian xRGB */
        }
    }
    cairo_surface_mark_dirty(s);
    return 0;
}

cairo_filter_t ui_image_filter(double scale)
{
    return scale < 0.75 ? CAIRO_FILTER_GOOD : CAIRO_FILTER_BILINEAR;
}
