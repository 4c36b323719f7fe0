/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The real V4L2 device layer: libv4l2 and poll(2). */
#define _POSIX_C_SOURCE 200809L
#include "v4l2_device.h"

#include <libv4l2.h>

static int sys_open(void *ctx, const char *path, int flags)
{
    (void)ctx;
    return v4l2_open(path, flags);
}

static int sys_close(void *ctx, int fd)
{
    (void)ctx;
    return v4l2_close(fd);
}

static int sys_ioctl(void *ctx, int fd, unsigned long request, void *arg)
{
    (void)ctx;
    return v4l2_ioctl(fd, request, arg);
}

static void *sys_mmap(void *ctx, void *addr, size_t length, int prot, int flags, int fd, int64_t offset)
{
    (void)ctx;
    return v4l2_mmap(addr, length, prot, flags, fd, offset);
}

static int sys_munmap(void *ctx, void *addr, size_t length)
{
    (void)ctx;
    return v4l2_munmap(addr, length);
}

static int sys_poll(void *ctx, struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    (void)ctx;
    return poll(fds, nfds, timeout_ms);
}

static const camsep_v4l2_device system_device = {
    .open = sys_open,
    .close = sys_close,
    .ioctl = sys_ioctl,
    .mmap = sys_mmap,
    .munmap = sys_munmap,
    .poll = sys_poll,
    .ctx = NULL,
};

const camsep_v4l2_device *camsep_v4l2_system_device(void)
{
    return &system_device;
}
