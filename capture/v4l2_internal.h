/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Shared by the V4L2 frame source's files (not a public interface): the
 * formats camsep turns into luma, the negotiation of format, size and rate
 * (v4l2_negotiate.c), and the small helpers the source (v4l2_source.c) and
 * the listings (v4l2_list.c) both use.
 */
#ifndef CAMSEP_V4L2_INTERNAL_H
#define CAMSEP_V4L2_INTERNAL_H

#include <linux/videodev2.h>
#include <stddef.h>
#include <stdint.h>

#include "v4l2_source.h"

#pragma GCC visibility push(hidden)

#define MAX_ENUM 256     /* bound on every enumeration, against looping drivers */
#define MAX_DIM 16384
#define PATH_CAP 512
#define DEFAULT_MJPEG_WIDTH 640  /* MJPEG is decoded down to about this width (the flow works at half of it) */

typedef enum { CONV_PLANE, CONV_YUV422, CONV_RGB24, CONV_BGR24, CONV_MJPEG } conv_kind;

typedef struct fmt_desc {
    uint32_t fourcc;
    int tier;        /* 0 preferred */
    conv_kind kind;
    int y_offset;    /* of the first luma byte in a packed 4:2:2 pair */
    int bytes_pp;    /* bytes per pixel in the plane that carries luma (0: compressed) */
} fmt_desc;

/* A format, size and rate the negotiation weighed. */
typedef struct choice {
    const fmt_desc *fmt;
    int emulated;
    uint32_t width, height;
    long size_cost;
    int have_interval;
    uint32_t num, den; /* frame interval */
    double fps;        /* the rate the interval gives (0: unknown) */
    int rate_ok;       /* at least the requested rate (or 25 fps), or not enumerable */
    double rate_cost;
} choice;

/* The format camsep reads for a fourcc, or NULL. */
const fmt_desc *cam_find_format(uint32_t fourcc);
/* Picks the format, size and rate (v4l2_source.h); fails with a message naming what the
 * device offers. */
int cam_negotiate(const camsep_v4l2_device *d, int fd, const camsep_v4l2_request *req, choice *best, char *err,
                  size_t errlen);
/* Opens a node (errno kept on failure; the message has a hint: the 'video' group, ...). */
int cam_open_fd(const camsep_v4l2_device *d, const char *path, char *err, size_t errlen);
/* Checks the node is a streaming video capture device; cap receives its identity. */
int cam_check_caps(const camsep_v4l2_device *d, int fd, struct v4l2_capability *cap, char *err, size_t errlen);

int cam_xioctl(const camsep_v4l2_device *d, int fd, unsigned long request, void *arg);
/* The device's i-th capture format, frame size of a format, or frame interval
 * of a format and size (-1 past the last). */
int cam_enum_format(const camsep_v4l2_device *d, int fd, uint32_t i, struct v4l2_fmtdesc *f);
int cam_enum_size(const camsep_v4l2_device *d, int fd, uint32_t fourcc, uint32_t i, struct v4l2_frmsizeenum *fs);
int cam_enum_interval(const camsep_v4l2_device *d, int fd, uint32_t fourcc, uint32_t w, uint32_t h, uint32_t i,
                      struct v4l2_frmivalenum *fi);
void cam_fourcc_name(uint32_t f, char out[12]);
void cam_format_rate(double fps, char *buf, size_t n);
void cam_set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *cam_errno_text(int e, char *buf, size_t n);
void cam_append(char *buf, size_t n, const char *text);

#pragma GCC visibility pop

#endif
