/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MJPEG frames to luma with libjpeg-turbo (see mjpeg_decoder.h). */
#include "mjpeg_decoder.h"

#include <stdio.h>
#include <stdlib.h>
#include <turbojpeg.h>

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
    if (tjDecompressHeader3(d->tj, jpeg, (unsigned long)len, &w, &h, &subsamp, &colorspace) != 0) {
        snprintf(err, errlen, "bad JPEG header: %s", tjGetErrorStr2(d->tj));
        return -1;
    }
    if (w != width || h != height) {
        snprintf(err, errlen, "a %dx%d JPEG in a %dx%d stream", w, h, width, height);
        return -1;
    }
    int ow = camsep_mjpeg_scaled(width, eighths), oh = camsep_mjpeg_scaled(height, eighths);
    /* libjpeg-turbo picks the scaling factor from the size asked for */
    if (tjDecompress2(d->tj, jpeg, (unsigned long)len, out, ow, ow, oh, TJPF_GRAY, TJFLAG_STOPONWARNING) != 0) {
        snprintf(err, errlen, "corrupt JPEG: %s", tjGetErrorStr2(d->tj));
        return -1;
    }
    return 0;
}
