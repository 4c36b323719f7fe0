/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * MJPEG camera frames to 8-bit luma, with libjpeg-turbo (TurboJPEG API).
 *
 * Only the luma is decoded (TJPF_GRAY: the chroma components are entropy-
 * decoded but never transformed or upsampled), and the picture is reduced
 * in the inverse DCT itself to M/8 of its size (M = 1..8, TurboJPEG's
 * scaling factors), so that a 1920x1080 camera is decoded straight to
 * 720x405 with 3x3 inverse transforms instead of 8x8 ones. UVC
 * frames that leave out their Huffman tables decode with the standard ones
 * (libjpeg-turbo inserts them).
 *
 * A frame that is not a JPEG of the expected size, is truncated (no
 * end-of-image marker), or makes libjpeg-turbo fail or warn (corrupt data) is
 * refused: a damaged frame would read as a burst of motion. The one warning
 * let through is stray bytes before a marker, which some cameras put in
 * every frame of a whole picture.
 *
 * Memory: the decoder handle is made at create; libjpeg-turbo allocates its
 * working memory per frame (its memory pools) and frees it before returning.
 *
 * Threading: a decoder is owned by one thread (the capture thread).
 */
#ifndef CAMSEP_MJPEG_DECODER_H
#define CAMSEP_MJPEG_DECODER_H

#include <stddef.h>
#include <stdint.h>

typedef struct camsep_mjpeg_decoder camsep_mjpeg_decoder;

/* NULL with the reason in err when libjpeg-turbo cannot be set up. */
camsep_mjpeg_decoder *camsep_mjpeg_decoder_create(char *err, size_t errlen);
void camsep_mjpeg_decoder_free(camsep_mjpeg_decoder *d);

/* The scale M/8 (M = 1..8) for frames `width` wide: the smallest that keeps
 * at least min_width pixels across (min_width <= 0 or > width: 8, full size). */
int camsep_mjpeg_eighths(int width, int min_width);
/* A dimension decoded at M/8 (rounded up, as libjpeg does). */
int camsep_mjpeg_scaled(int dimension, int eighths);

/* Decodes one width x height JPEG's luma at eighths/8 into out (rows of
 * camsep_mjpeg_scaled(width, eighths) bytes, camsep_mjpeg_scaled(height,
 * eighths) rows). Returns 0, or -1 with the reason in err when the frame is
 * corrupt (out then holds garbage). */
int camsep_mjpeg_decode_luma(camsep_mjpeg_decoder *d, const uint8_t *jpeg, size_t len, int width, int height,
                             int eighths, uint8_t *out, char *err, size_t errlen);

#endif
