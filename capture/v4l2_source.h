/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A V4L2 camera as a frame source, through libv4l2.
 *
 * Format: the source asks for a format it can turn into 8-bit luma: GREY,
 * packed YUV 4:2:2 (YUYV, UYVY, YVYU, VYUY), 4:2:0 (YUV420, YVU420, NV12,
 * NV21), MJPEG (decoded here, mjpeg_decoder.h), RGB24/BGR24 (what libv4l2
 * converts Bayer and other cameras to). Every format, size and frame rate
 * the device lists is weighed, in this order:
 *   1. a usable rate: at least the requested fps, or 25 fps without one;
 *   2. the size nearest the requested one (640x480 without one);
 *   3. the rate nearest the requested one (30 fps without one);
 *   4. the larger picture; native formats before libv4l2's conversions
 *      (V4L2_FMT_FLAG_EMULATED); the order above.
 * So a webcam whose YUYV gives 1280x720 at 10 fps only is run in MJPEG at
 * 30 fps there, and a camera with no 25 fps at the requested size gets the
 * nearest size that has it (ask for the rate, --fps 10, to get the size).
 *
 * MJPEG: frames are decoded to luma at M/8 of their size in the inverse DCT,
 * the smallest M that keeps `mjpeg_min_width` pixels across (default 640:
 * 1280x720 gives 640x360, 1920x1080 gives 720x405), so the frames the
 * source delivers, and the box coordinates, are of that size (the
 * description says "1280x720 MJPG 30 fps, analysed at 640x360"). The flow
 * works at half of that, as for a 640x480 camera. A frame that
 * does not decode is dropped and counted (stats.corrupt), never a fault: the
 * camera is not reopened, and a camera sending only corrupt frames gives
 * read() timeouts that say so.
 *
 * Controls: `controls` are "NAME=VALUE" (camsep_v4l2_control_check), set in
 * order after every open, the first and each reopen (a replugged camera
 * forgets them); see v4l2_controls.h. One that cannot be set fails the open.
 *
 * Streaming: mmap buffers (4 requested), poll, DQBUF, conversion to a luma
 * plane owned by the source (stride = width), QBUF. Timestamps come from the
 * buffer when the driver flags them CLOCK_MONOTONIC; otherwise the source
 * stamps frames with camsep_monotonic_ns() at dequeue and says so in its
 * description. frame.sequence counts camera frames from 0 including dropped
 * ones, so a gap means the driver dropped frames (counted in the stats); it
 * keeps increasing across reopens (an outage shows in the timestamps, not as
 * a sequence gap).
 *
 * Faults: an unplug (ENODEV), an I/O error (EIO), POLLERR, or no buffer (not
 * even a corrupt one) for `stall_ms` make read() return CAMSEP_SOURCE_ERROR with a message; the
 * source stays usable. It closes the device and reopens it from within later
 * read() calls after a backoff that starts at `backoff_min_ms` and doubles up
 * to `backoff_max_ms` (reset once the reopened camera has streamed for
 * `backoff_max_ms`). While waiting, read() sleeps up to its timeout and
 * returns CAMSEP_SOURCE_AGAIN; a failed reopen returns CAMSEP_SOURCE_ERROR. A
 * timeout shorter than a stall is a plain CAMSEP_SOURCE_AGAIN. After a reopen
 * the frame size may differ: the header's width/height and the frame say so.
 * Reopening uses the same path, so prefer a stable one such as
 * /dev/v4l/by-id/usb-...-video-index0 (a replugged camera may come back
 * under another /dev/videoN).
 *
 * Timeouts: read() waits at most timeout_ms for a frame (0: only takes one
 * that is ready); a negative timeout waits as long as needed, except while
 * the camera is gone, when read() returns after each reopen attempt.
 *
 * Memory: buffers and the luma plane are allocated at open (and at a reopen
 * that needs more); read() does not allocate in steady state, except inside
 * libjpeg-turbo for MJPEG (its per-frame working memory, freed before read()
 * returns; the capture thread is not a real-time one).
 *
 * Threading: as every frame source, owned by one thread; nothing here is
 * real-time safe.
 */
#ifndef CAMSEP_V4L2_SOURCE_H
#define CAMSEP_V4L2_SOURCE_H

#include <stdint.h>
#include <stdio.h>

#include "frame_source.h"
#include "v4l2_controls.h"
#include "v4l2_device.h"

typedef struct camsep_v4l2_request {
    int width, height;    /* wanted frame size; 0 = the device's current one */
    double fps;           /* wanted frame rate; 0 = the device's current one */
    int backoff_min_ms;   /* first reopen delay after a fault (0: 250) */
    int backoff_max_ms;   /* cap of the doubling delay (0: 4000) */
    int stall_ms;         /* no buffer for this long while streaming is a fault (0: 2000;
                             never less than 3 frame periods) */
    int mjpeg_min_width;  /* MJPEG: decode down to at least this width (0: 640; <0: full size) */
    const char *const *controls; /* n_controls "NAME=VALUE" camera controls (copied at open) */
    int n_controls;       /* at most CAMSEP_V4L2_MAX_CONTROLS */
} camsep_v4l2_request;

typedef struct camsep_v4l2_stats {
    uint64_t frames;         /* frames delivered */
    uint64_t dropped;        /* frames lost, from gaps in the driver's sequence numbers */
    uint64_t corrupt;        /* buffers dropped (V4L2_BUF_FLAG_ERROR, short, or MJPEG that does not decode) */
    uint64_t faults;         /* unplugs, I/O errors, stalls */
    uint64_t reopens;        /* successful reopens after a fault */
    uint64_t reopen_failures;
    uint32_t fourcc;         /* the negotiated pixel format (0 while the camera is gone) */
    int emulated;            /* converted by libv4l2 from the camera's own format */
    int monotonic;           /* timestamps from the driver (1) or stamped at dequeue (0) */
    int connected;           /* the device is open and streaming */
    char last_corrupt[96];   /* why the last dropped MJPEG frame did not decode ("" if none) */
} camsep_v4l2_stats;

/* Opens and starts the camera at device_path. req may be NULL (all defaults);
 * dev NULL means camsep_v4l2_system_device(). Returns NULL with a message in
 * err when the device cannot be opened, is not a streaming capture device, or
 * offers no format that can be turned into luma. */
camsep_frame_source *camsep_v4l2_open(const char *device_path, const camsep_v4l2_request *req,
                                      const camsep_v4l2_device *dev, char *err, size_t errlen);

/* Fills st for a source made by camsep_v4l2_open; returns -1 for another kind
 * of source. */
int camsep_v4l2_get_stats(const camsep_frame_source *s, camsep_v4l2_stats *st);

/* Prints the device's identity, formats, frame sizes and rates, and the
 * format camsep would choose by default, to out. Returns 0, or -1 (with the
 * reason printed) if the device cannot be opened or queried. */
int camsep_v4l2_list(const camsep_v4l2_device *dev, const char *path, FILE *out);

/* Lists the cameras under dir (NULL: "/dev"): every video capture node
 * `dir`/videoN in numeric order with its stable names (the links in
 * `dir`/v4l/by-id and by-path that lead to it), identity, and per format the
 * best rate at each size, then the choice camsep would make; nodes that
 * cannot be opened are listed with the reason (EACCES: the 'video' group
 * hint); nodes that are not video capture devices (UVC metadata nodes) are
 * skipped. Returns the number of capture devices (0 with a note printed when
 * there is none), -1 if dir cannot be read. */
int camsep_v4l2_list_devices(const camsep_v4l2_device *dev, const char *dir, FILE *out);

/* What --list-devices prints in camsep-capture, camsep-jack and
 * camsep-portaudio: camsep_v4l2_list_devices(dev, dir), then, when source
 * names a character device (not "auto", a file or NULL), camsep_v4l2_list of
 * it (sizes, rates, controls). Returns 0, or -1 when dir or the source cannot
 * be read. */
int camsep_v4l2_list_cameras(const camsep_v4l2_device *dev, const char *dir, const char *source, FILE *out);

/* The first video capture node under dir (NULL: "/dev") into path. Returns 0,
 * or -1 when there is none. */
int camsep_v4l2_first_device(const camsep_v4l2_device *dev, const char *dir, char *path, size_t pathlen);

#endif
