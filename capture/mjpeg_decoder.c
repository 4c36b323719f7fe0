/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MJPEG frames to luma with libjpeg-turbo (see mjpeg_decoder.h). */
#include "mjpeg_decoder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

#define EOI_SEARCH 512 /* UVC buffers may carry padding after the end-of-image marker */

struct camsep_mjpeg_decoder {
    tjhandle tj;
};

camsep_mjpeg_decoder *camsep_mjpeg_decoder_create(char *err, size_t errlen)
{
    camsep_mjpeg_decoder *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->tj = tjInitDecompress();
    if (!d->tj) {
        snprintf(err, errlen, "libjpeg-turbo: %s", tjGetErrorStr2(NULL));
        free(d);
        return NULL;
    }
    return d;
}

void camsep_mjpeg_decoder_free(camsep_mjpeg_decoder *d)
{
    if (!d)
        return;
    tjDestroy(d->tj);
    free(d);
}

int camsep_mjpeg_eighths(int width, int min_width)
{
    if (min_width <= 0)
        return 8;
    int m = 1;
    while (m < 8 && camsep_mjpeg_scaled(width, m) < min_width)
        m++;
    return m;
}

int camsep_mjpeg_scaled(int dimension, int eighths)
{
    return (dimension * eighths + 7) / 8; /* TJSCALED */
}

/* After a failed call: a fresh handle, since libjpeg's state after an error in the headers
 * spoils the next frame's (and its tables would stand in for a frame's missing ones). Returns -1. */
static int reset(camsep_mjpeg_decoder *d)
{
    tjhandle fresh = tjInitDecompress();
    if (fresh) {
        tjDestroy(d->tj);
        d->tj = fresh;
    }
    return -1;
}

/* Was the last call's trouble only libjpeg's first warning about stray bytes before a marker?
 * Some cameras put them in every frame of a whole picture. */
static int stray_bytes(camsep_mjpeg_decoder *d)
{
    return tjGetErrorCode(d->tj) == TJERR_WARNING && strstr(tjGetErrorStr2(d->tj), "extraneous bytes before marker");
}

int camsep_mjpeg_decode_luma(camsep_mjpeg_decoder *d, const uint8_t *jpeg, size_t len, int width, int height,
                             int eighths, uint8_t *out, char *err, size_t errlen)
{
    if (len < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) {
        snprintf(err, errlen, "not a JPEG frame (%zu bytes)", len);
        return -1;
    }
    if (len > 0xFFFFFFFFul)
        len = 0xFFFFFFFFul;
    int w = 0, h = 0, subsamp = 0, colorspace = 0;
    if (tjDecompressHeader3(d->tj, jpeg, (unsigned long)len, &w, &h, &subsamp, &colorspace) != 0 &&
        !(stray_bytes(d) && w > 0 && h > 0)) {
        snprintf(err, errlen, "bad JPEG header: %s", tjGetErrorStr2(d->tj));
        return reset(d);
    }
    if (w != width || h != height) {
        snprintf(err, errlen, "a %dx%d JPEG in a %dx%d stream", w, h, width, height);
        return -1;
    }
    /* a frame cut short (lost USB packets) has no end-of-image marker; libjpeg-turbo would only
     * warn and fill the rest with grey, which would read as motion */
    int eoi = 0;
    for (size_t i = len - 1; i > 0 && len - i <= EOI_SEARCH && !eoi; i--)
        eoi = jpeg[i - 1] == 0xFF && jpeg[i] == 0xD9;
    if (!eoi) {
        snprintf(err, errlen, "truncated JPEG (no end-of-image marker in %zu bytes)", len);
        return -1;
    }
    int ow = camsep_mjpeg_scaled(width, eighths), oh = camsep_mjpeg_scaled(height, eighths);
    /* libjpeg-turbo picks the scaling factor from the size asked for */
    if (tjDecompress2(d->tj, jpeg, (unsigned long)len, out, ow, ow, oh, TJPF_GRAY, 0) != 0) {
        if (stray_bytes(d))
            return 0;
        snprintf(err, errlen, "corrupt JPEG: %s", tjGetErrorStr2(d->tj));
        return reset(d);
    }
    return 0;
}
