/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The device layer under the V4L2 frame source: the six calls it makes on a
 * video device, as a table of function pointers. The real table goes through
 * libv4l2 (v4l2_open, v4l2_close, v4l2_ioctl, v4l2_mmap, v4l2_munmap, and
 * poll(2) on the descriptor), which converts exotic camera formats (MJPEG,
 * Bayer, vendor YUV) to RGB24/BGR24/YUV420 and lists those conversions in
 * VIDIOC_ENUM_FMT with V4L2_FMT_FLAG_EMULATED. Tests pass a fake table.
 *
 * Every call follows its system counterpart: -1 (MAP_FAILED for mmap) with
 * errno set on failure. `ctx` is handed back unchanged to every call.
 *
 * Threading: the table is immutable and may be shared; the calls themselves
 * are made by the thread that owns the source.
 */
#ifndef CAMSEP_V4L2_DEVICE_H
#define CAMSEP_V4L2_DEVICE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

typedef struct camsep_v4l2_device {
    int (*open)(void *ctx, const char *path, int flags);
    int (*close)(void *ctx, int fd);
    int (*ioctl)(void *ctx, int fd, unsigned long request, void *arg);
    void *(*mmap)(void *ctx, void *addr, size_t length, int prot, int flags, int fd, int64_t offset);
    int (*munmap)(void *ctx, void *addr, size_t length);
    int (*poll)(void *ctx, struct pollfd *fds, nfds_t nfds, int timeout_ms);
    void *ctx;
} camsep_v4l2_device;

/* The real device layer: libv4l2 plus poll(2). A static table; never freed. */
const camsep_v4l2_device *camsep_v4l2_system_device(void);

#endif
