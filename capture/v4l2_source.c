/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A V4L2 camera as a frame source (see v4l2_source.h). */
#define _POSIX_C_SOURCE 200809L
#include "v4l2_source.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "capture_clock.h"
#include "mjpeg_decoder.h"
#include "v4l2_internal.h"

#define WANT_BUFFERS 4
#define MAX_BUFFERS 32   /* VIDEO_MAX_FRAME */
#define MAX_GAP (1u << 20) /* larger sequence jumps are driver resets, not drops */

static int64_t ms_to_ns(int ms)
{
    return (int64_t)ms * 1000000;
}

/* ---- the source ------------------------------------------------------------------------------- */

typedef struct mapped_buffer {
    void *start;
    size_t length;
} mapped_buffer;

typedef struct v4l2_source {
    camsep_frame_source base;
    camsep_v4l2_device dev;
    char path[PATH_CAP];
    camsep_v4l2_request req; /* defaults filled in; controls copied below */
    char controls[CAMSEP_V4L2_MAX_CONTROLS][CAMSEP_V4L2_CONTROL_LEN];

    int fd;
    int streaming;
    unsigned n_buffers;
    mapped_buffer buffers[MAX_BUFFERS];

    const fmt_desc *fmt;
    int emulated;
    int width, height;          /* of the frames delivered */
    int cam_width, cam_height;  /* of the camera's format (larger for a reduced MJPEG) */
    int bytesperline;
    int eighths;                /* MJPEG: decoded at eighths/8 of the camera's size (8 otherwise) */
    camsep_mjpeg_decoder *mjpeg;
    size_t min_bytes; /* bytes a buffer needs for the luma of a frame */
    uint8_t *luma;
    size_t luma_cap;
    int monotonic; /* the driver's timestamps are CLOCK_MONOTONIC */

    int have_driver_seq;
    uint32_t driver_seq;
    uint64_t next_seq;

    int64_t stream_start_ns;
    int64_t last_frame_ns; /* dequeue time of the last frame, or the stream's start */
    int64_t stall_ns;

    int down;
    int64_t retry_at_ns;
    int64_t backoff_ns, backoff_min_ns, backoff_max_ns;
    int pending_errno; /* a QBUF failure, turned into a fault at the next read */
    int pending_fault;
    uint64_t corrupt_in_read; /* buffers dropped as corrupt during the current read() */

    camsep_v4l2_stats stats;
} v4l2_source;

static const camsep_frame_source_ops v4l2_ops;

static void describe(v4l2_source *s)
{
    char name[12], rate[24] = "";
    cam_fourcc_name(s->fmt ? s->fmt->fourcc : 0, name);
    if (s->base.frame_rate > 0) {
        char r[16];
        cam_format_rate(s->base.frame_rate, r, sizeof r);
        snprintf(rate, sizeof rate, " %s fps", r);
    }
    char tail[128], reduced[40] = "";
    if (s->eighths < 8)
        snprintf(reduced, sizeof reduced, ", analysed at %dx%d", s->width, s->height);
    snprintf(tail, sizeof tail, " %dx%d %s%s%s%s%s", s->cam_width, s->cam_height, name, rate, reduced,
             s->emulated ? " (libv4l2 conversion)" : "", s->monotonic ? "" : " (dequeue-time stamps)");
    /* the size, format and rate always fit; a long path loses its head */
    char *o = s->base.description;
    size_t cap = sizeof s->base.description - 1, tl = strlen(tail), pl = strlen(s->path);
    size_t room = cap > tl ? cap - tl : 0;
    size_t n = 0;
    if (pl <= room) {
        memcpy(o, s->path, pl);
        n = pl;
    } else if (room > 3) {
        memcpy(o, "...", 3);
        memcpy(o + 3, s->path + pl - (room - 3), room - 3);
        n = room;
    }
    if (tl > cap - n)
        tl = cap - n;
    memcpy(o + n, tail, tl);
    o[n + tl] = '\0';
}

static void close_device(v4l2_source *s)
{
    const camsep_v4l2_device *d = &s->dev;
    if (s->fd >= 0 && s->streaming) {
        int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        (void)cam_xioctl(d, s->fd, VIDIOC_STREAMOFF, &type); /* fails harmlessly after an unplug */
    }
    s->streaming = 0;
    for (unsigned i = 0; i < s->n_buffers; i++)
        if (s->buffers[i].start)
            d->munmap(d->ctx, s->buffers[i].start, s->buffers[i].length);
    memset(s->buffers, 0, sizeof s->buffers);
    s->n_buffers = 0;
    if (s->fd >= 0)
        d->close(d->ctx, s->fd);
    s->fd = -1;
    s->stats.connected = 0;
    s->stats.fourcc = 0;
}

static int queue_buffer(v4l2_source *s, uint32_t index)
{
    struct v4l2_buffer b;
    memset(&b, 0, sizeof b);
    b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    b.memory = V4L2_MEMORY_MMAP;
    b.index = index;
    return cam_xioctl(&s->dev, s->fd, VIDIOC_QBUF, &b);
}

static int apply_format(v4l2_source *s, const choice *c, char *err, size_t errlen)
{
    const camsep_v4l2_device *d = &s->dev;
    char ebuf[96], name[12];
    cam_fourcc_name(c->fmt->fourcc, name);

    struct v4l2_format f;
    memset(&f, 0, sizeof f);
    f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    f.fmt.pix.width = c->width;
    f.fmt.pix.height = c->height;
    f.fmt.pix.pixelformat = c->fmt->fourcc;
    f.fmt.pix.field = V4L2_FIELD_NONE;
    if (cam_xioctl(d, s->fd, VIDIOC_S_FMT, &f) < 0) {
        int e = errno;
        cam_set_err(err, errlen, "VIDIOC_S_FMT %s %ux%u: %s%s", name, c->width, c->height,
                cam_errno_text(e, ebuf, sizeof ebuf), e == EBUSY ? " (is another program using the camera?)" : "");
        return -1;
    }
    const fmt_desc *got = cam_find_format(f.fmt.pix.pixelformat);
    if (!got) {
        char gname[12];
        cam_fourcc_name(f.fmt.pix.pixelformat, gname);
        cam_set_err(err, errlen, "asked for %s, the driver set %s, which camsep cannot read", name, gname);
        return -1;
    }
    uint32_t w = f.fmt.pix.width, h = f.fmt.pix.height;
    if (w == 0 || h == 0 || w > MAX_DIM || h > MAX_DIM) {
        cam_set_err(err, errlen, "the driver set an unusable frame size %ux%u", w, h);
        return -1;
    }
    uint32_t row = w * (uint32_t)got->bytes_pp;
    uint32_t bpl = f.fmt.pix.bytesperline ? f.fmt.pix.bytesperline : row;
    if (bpl < row) {
        cam_set_err(err, errlen, "the driver set %u bytes per line for %u pixels of %s", bpl, w, name);
        return -1;
    }
    s->fmt = got;
    s->emulated = c->emulated && got == c->fmt;
    s->cam_width = (int)w;
    s->cam_height = (int)h;
    s->eighths = 8;
    if (got->kind == CONV_MJPEG) {
        s->eighths = camsep_mjpeg_eighths((int)w, s->req.mjpeg_min_width);
        s->min_bytes = 4; /* SOI and EOI at least; the decoder checks the rest */
    } else {
        s->min_bytes = (size_t)bpl * (h - 1) + row;
    }
    s->width = camsep_mjpeg_scaled((int)w, s->eighths);
    s->height = camsep_mjpeg_scaled((int)h, s->eighths);
    s->bytesperline = (int)bpl;

    struct v4l2_streamparm p;
    if (c->have_interval) {
        memset(&p, 0, sizeof p);
        p.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        p.parm.capture.timeperframe.numerator = c->num;
        p.parm.capture.timeperframe.denominator = c->den;
        (void)cam_xioctl(d, s->fd, VIDIOC_S_PARM, &p); /* not fatal: the rate actually set is read below */
    }
    memset(&p, 0, sizeof p);
    p.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    s->base.frame_rate = 0;
    if (cam_xioctl(d, s->fd, VIDIOC_G_PARM, &p) == 0 && p.parm.capture.timeperframe.numerator &&
        p.parm.capture.timeperframe.denominator)
        s->base.frame_rate =
            (double)p.parm.capture.timeperframe.denominator / p.parm.capture.timeperframe.numerator;
    return 0;
}

static int start_stream(v4l2_source *s, char *err, size_t errlen)
{
    const camsep_v4l2_device *d = &s->dev;
    char ebuf[96];
    struct v4l2_requestbuffers rb;
    memset(&rb, 0, sizeof rb);
    rb.count = WANT_BUFFERS;
    rb.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    rb.memory = V4L2_MEMORY_MMAP;
    if (cam_xioctl(d, s->fd, VIDIOC_REQBUFS, &rb) < 0) {
        int e = errno;
        cam_set_err(err, errlen, "VIDIOC_REQBUFS: %s%s", cam_errno_text(e, ebuf, sizeof ebuf),
                e == EINVAL   ? " (no mmap streaming)"
                : e == EBUSY ? " (is another program using the camera?)"
                             : "");
        return -1;
    }
    if (rb.count < 2) {
        cam_set_err(err, errlen, "the driver granted %u buffer(s); streaming needs at least 2", rb.count);
        return -1;
    }
    unsigned n = rb.count < MAX_BUFFERS ? rb.count : MAX_BUFFERS;
    int monotonic = 1;
    for (unsigned i = 0; i < n; i++) {
        struct v4l2_buffer b;
        memset(&b, 0, sizeof b);
        b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        b.memory = V4L2_MEMORY_MMAP;
        b.index = i;
        if (cam_xioctl(d, s->fd, VIDIOC_QUERYBUF, &b) < 0) {
            cam_set_err(err, errlen, "VIDIOC_QUERYBUF %u: %s", i, cam_errno_text(errno, ebuf, sizeof ebuf));
            return -1;
        }
        if (b.length < s->min_bytes) {
            cam_set_err(err, errlen, "buffer %u holds %u bytes; a %dx%d frame needs %zu", i, b.length, s->cam_width,
                    s->cam_height, s->min_bytes);
            return -1;
        }
        if ((b.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) != V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
            monotonic = 0;
        void *p = d->mmap(d->ctx, NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, (int64_t)b.m.offset);
        if (p == MAP_FAILED) {
            cam_set_err(err, errlen, "mmap of buffer %u: %s", i, cam_errno_text(errno, ebuf, sizeof ebuf));
            return -1;
        }
        s->buffers[i].start = p;
        s->buffers[i].length = b.length;
        s->n_buffers = i + 1;
    }
    for (unsigned i = 0; i < n; i++)
        if (queue_buffer(s, i) < 0) {
            cam_set_err(err, errlen, "VIDIOC_QBUF %u: %s", i, cam_errno_text(errno, ebuf, sizeof ebuf));
            return -1;
        }
    int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (cam_xioctl(d, s->fd, VIDIOC_STREAMON, &type) < 0) {
        cam_set_err(err, errlen, "VIDIOC_STREAMON: %s", cam_errno_text(errno, ebuf, sizeof ebuf));
        return -1;
    }
    s->streaming = 1;
    s->monotonic = monotonic;
    return 0;
}

/* Opens, negotiates and starts streaming; on failure the device is closed again. */
static int open_device(v4l2_source *s, char *err, size_t errlen)
{
    char why[256];
    const camsep_v4l2_device *d = &s->dev;
    struct v4l2_capability cap;
    choice c;
    s->fd = cam_open_fd(d, s->path, why, sizeof why);
    if (s->fd < 0 || cam_check_caps(d, s->fd, &cap, why, sizeof why) != 0 ||
        cam_negotiate(d, s->fd, &s->req, &c, why, sizeof why) != 0 || apply_format(s, &c, why, sizeof why) != 0 ||
        camsep_v4l2_apply_controls(d, s->fd, s->controls, s->req.n_controls, why, sizeof why) != 0 ||
        start_stream(s, why, sizeof why) != 0) {
        cam_set_err(err, errlen, "%s: %s", s->path, why);
        close_device(s);
        return -1;
    }
    if (s->fmt->kind == CONV_MJPEG && !s->mjpeg) {
        s->mjpeg = camsep_mjpeg_decoder_create(why, sizeof why);
        if (!s->mjpeg) {
            cam_set_err(err, errlen, "%s: MJPEG decoder: %s", s->path, why);
            close_device(s);
            return -1;
        }
    }
    size_t need = (size_t)s->width * (size_t)s->height;
    if (need > s->luma_cap) {
        uint8_t *p = realloc(s->luma, need);
        if (!p) {
            cam_set_err(err, errlen, "%s: out of memory for a %dx%d frame", s->path, s->width, s->height);
            close_device(s);
            return -1;
        }
        s->luma = p;
        s->luma_cap = need;
    }
    s->base.width = s->width;
    s->base.height = s->height;
    double period_ns = s->base.frame_rate > 0 ? 1e9 / s->base.frame_rate : 0;
    s->stall_ns = ms_to_ns(s->req.stall_ms);
    if (s->stall_ns < (int64_t)(3 * period_ns))
        s->stall_ns = (int64_t)(3 * period_ns);
    s->have_driver_seq = 0;
    s->stream_start_ns = s->last_frame_ns = camsep_monotonic_ns();
    s->pending_fault = 0;
    s->stats.connected = 1;
    s->stats.fourcc = s->fmt->fourcc;
    s->stats.emulated = s->emulated;
    s->stats.monotonic = s->monotonic;
    describe(s);
    return 0;
}

/* Drops the device after a fault and schedules a reopen. e: errno of the failed call
 * named by `what`, or 0 when `what` is the whole reason. */
static camsep_source_status fault(v4l2_source *s, int e, const char *what, char *err, size_t errlen)
{
    char reason[192], ebuf[96];
    if (e == ENODEV || e == ENXIO)
        snprintf(reason, sizeof reason, "camera unplugged (%s: %s)", what, cam_errno_text(e, ebuf, sizeof ebuf));
    else if (e == EIO)
        snprintf(reason, sizeof reason, "camera I/O error (%s: %s)", what, cam_errno_text(e, ebuf, sizeof ebuf));
    else if (e)
        snprintf(reason, sizeof reason, "%s: %s", what, cam_errno_text(e, ebuf, sizeof ebuf));
    else
        snprintf(reason, sizeof reason, "%s", what);
    close_device(s);
    s->down = 1;
    s->pending_fault = 0;
    s->stats.faults++;
    s->retry_at_ns = camsep_monotonic_ns() + s->backoff_ns;
    cam_set_err(err, errlen, "%s: %s; reopening in %.2f s", s->path, reason, (double)s->backoff_ns / 1e9);
    s->backoff_ns = s->backoff_ns * 2 < s->backoff_max_ns ? s->backoff_ns * 2 : s->backoff_max_ns;
    return CAMSEP_SOURCE_ERROR;
}

/* While the camera is gone: waits for the next attempt (within the deadline) and makes it.
 * Returns CAMSEP_SOURCE_OK when the device streams again. */
static camsep_source_status try_reopen(v4l2_source *s, int64_t deadline, char *err, size_t errlen)
{
    int64_t now = camsep_monotonic_ns();
    if (now < s->retry_at_ns) {
        if (s->retry_at_ns > deadline) {
            if (deadline > now)
                camsep_sleep_until_ns(deadline);
            cam_set_err(err, errlen, "%s: camera gone; reopening in %.2f s", s->path,
                    (double)(s->retry_at_ns - (deadline > now ? deadline : now)) / 1e9);
            return CAMSEP_SOURCE_AGAIN;
        }
        camsep_sleep_until_ns(s->retry_at_ns);
    }
    char why[320];
    if (open_device(s, why, sizeof why) != 0) {
        s->stats.reopen_failures++;
        s->retry_at_ns = camsep_monotonic_ns() + s->backoff_ns;
        cam_set_err(err, errlen, "reopen failed: %s; next try in %.2f s", why, (double)s->backoff_ns / 1e9);
        s->backoff_ns = s->backoff_ns * 2 < s->backoff_max_ns ? s->backoff_ns * 2 : s->backoff_max_ns;
        return CAMSEP_SOURCE_ERROR;
    }
    s->down = 0;
    s->stats.reopens++;
    return CAMSEP_SOURCE_OK;
}

/* The frame's luma into s->luma; -1 (reason in why) when an MJPEG frame is corrupt. */
static int convert(v4l2_source *s, const uint8_t *src, size_t bytes, char *why, size_t whylen)
{
    const int w = s->width, h = s->height;
    const size_t bpl = (size_t)s->bytesperline;
    uint8_t *dst = s->luma;
    switch (s->fmt->kind) {
    case CONV_PLANE:
        for (int y = 0; y < h; y++)
            memcpy(dst + (size_t)y * w, src + y * bpl, (size_t)w);
        break;
    case CONV_YUV422:
        for (int y = 0; y < h; y++) {
            const uint8_t *row = src + y * bpl + s->fmt->y_offset;
            uint8_t *o = dst + (size_t)y * w;
            for (int x = 0; x < w; x++)
                o[x] = row[2 * x];
        }
        break;
    case CONV_RGB24:
    case CONV_BGR24: {
        /* BT.601 luma, full range: (77 R + 150 G + 29 B + 128) / 256 */
        const int ri = s->fmt->kind == CONV_RGB24 ? 0 : 2, bi = 2 - ri;
        for (int y = 0; y < h; y++) {
            const uint8_t *row = src + y * bpl;
            uint8_t *o = dst + (size_t)y * w;
            for (int x = 0; x < w; x++, row += 3)
                o[x] = (uint8_t)((77u * row[ri] + 150u * row[1] + 29u * row[bi] + 128u) >> 8);
        }
        break;
    }
    case CONV_MJPEG:
        return camsep_mjpeg_decode_luma(s->mjpeg, src, bytes, s->cam_width, s->cam_height, s->eighths, dst, why,
                                        whylen);
    }
    return 0;
}

static void no_frame(const v4l2_source *s, int timeout_ms, char *err, size_t errlen)
{
    if (s->corrupt_in_read)
        cam_set_err(err, errlen, "%s: no frame within %d ms (%llu corrupt frame(s) dropped: %s)", s->path, timeout_ms,
                (unsigned long long)s->corrupt_in_read, s->stats.last_corrupt);
    else
        cam_set_err(err, errlen, "%s: no frame within %d ms", s->path, timeout_ms);
}

static camsep_source_status v4l2_read(camsep_frame_source *base, camsep_frame *out, int timeout_ms, char *err,
                                      size_t errlen)
{
    v4l2_source *s = (v4l2_source *)base;
    const camsep_v4l2_device *d = &s->dev;
    int64_t now = camsep_monotonic_ns();
    int64_t deadline = timeout_ms < 0 ? INT64_MAX : now + ms_to_ns(timeout_ms);
    s->corrupt_in_read = 0;

    if (s->pending_fault)
        return fault(s, s->pending_errno, "VIDIOC_QBUF", err, errlen);
    if (s->down) {
        camsep_source_status st = try_reopen(s, deadline, err, errlen);
        if (st != CAMSEP_SOURCE_OK)
            return st;
        now = camsep_monotonic_ns();
    }
    for (;;) {
        struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
        int64_t stall_at = s->last_frame_ns + s->stall_ns;
        int64_t until = deadline < stall_at ? deadline : stall_at;
        int64_t wait_ns = until > now ? until - now : 0;
        int wait_ms = wait_ns / 1000000 >= INT_MAX ? INT_MAX : (int)((wait_ns + 999999) / 1000000);
        int r = d->poll(d->ctx, &pfd, 1, wait_ms);
        int poll_errno = errno;
        now = camsep_monotonic_ns();
        if (r < 0) {
            if (poll_errno == EINTR)
                continue;
            return fault(s, poll_errno, "poll", err, errlen);
        }
        if (r == 0 || !(pfd.revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL))) {
            if (now - s->last_frame_ns >= s->stall_ns) {
                char what[96];
                snprintf(what, sizeof what, "no frame for %.2f s (camera stalled)",
                         (double)(now - s->last_frame_ns) / 1e9);
                return fault(s, 0, what, err, errlen);
            }
            if (now >= deadline) {
                no_frame(s, timeout_ms, err, errlen);
                return CAMSEP_SOURCE_AGAIN;
            }
            continue;
        }
        if (pfd.revents & POLLNVAL)
            return fault(s, EBADF, "poll", err, errlen);

        struct v4l2_buffer b;
        memset(&b, 0, sizeof b);
        b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        b.memory = V4L2_MEMORY_MMAP;
        if (cam_xioctl(d, s->fd, VIDIOC_DQBUF, &b) < 0) {
            int e = errno;
            if (e != EAGAIN)
                return fault(s, e, "VIDIOC_DQBUF", err, errlen);
            if (pfd.revents & (POLLERR | POLLHUP))
                return fault(s, 0, "the device reported an error (POLLERR)", err, errlen);
            if (now >= deadline) {
                no_frame(s, timeout_ms, err, errlen);
                return CAMSEP_SOURCE_AGAIN;
            }
            continue;
        }
        if (b.index >= s->n_buffers) {
            char what[96];
            snprintf(what, sizeof what, "the driver returned buffer %u of %u", b.index, s->n_buffers);
            return fault(s, 0, what, err, errlen);
        }

        /* frame numbering: driver sequence gaps are drops */
        uint64_t seq = s->next_seq;
        if (s->have_driver_seq) {
            uint32_t delta = b.sequence - s->driver_seq;
            if (delta == 0 || delta > MAX_GAP)
                delta = 1;
            s->stats.dropped += delta - 1;
            seq = s->next_seq + (delta - 1);
        }
        s->have_driver_seq = 1;
        s->driver_seq = b.sequence;
        s->next_seq = seq + 1;

        /* a corrupt buffer is a dropped frame, not a fault: the driver still delivers, so it
         * counts as a sign of life against the stall detector */
        size_t bytes = b.bytesused ? b.bytesused : s->fmt->kind == CONV_MJPEG ? 0 : s->buffers[b.index].length;
        if (bytes > s->buffers[b.index].length)
            bytes = s->buffers[b.index].length;
        char why[sizeof s->stats.last_corrupt] = "";
        if ((b.flags & V4L2_BUF_FLAG_ERROR) || bytes < s->min_bytes ||
            convert(s, s->buffers[b.index].start, bytes, why, sizeof why) != 0) {
            s->stats.corrupt++;
            s->corrupt_in_read++;
            if (why[0])
                snprintf(s->stats.last_corrupt, sizeof s->stats.last_corrupt, "%s", why);
            s->last_frame_ns = now;
            if (queue_buffer(s, b.index) < 0)
                return fault(s, errno, "VIDIOC_QBUF", err, errlen);
            if (now >= deadline) { /* a camera sending only corrupt frames must not hold read() */
                no_frame(s, timeout_ms, err, errlen);
                return CAMSEP_SOURCE_AGAIN;
            }
            continue;
        }

        int mono = (b.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) == V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC &&
                   (b.timestamp.tv_sec != 0 || b.timestamp.tv_usec != 0);
        int64_t ts = mono ? (int64_t)b.timestamp.tv_sec * 1000000000 + (int64_t)b.timestamp.tv_usec * 1000
                          : camsep_monotonic_ns();
        if (mono != s->monotonic) {
            s->monotonic = mono;
            s->stats.monotonic = mono;
            describe(s);
        }

        if (queue_buffer(s, b.index) < 0) { /* deliver this frame; the fault comes with the next read */
            s->pending_fault = 1;
            s->pending_errno = errno;
        }
        s->last_frame_ns = now;
        s->stats.frames++;
        if (s->backoff_ns != s->backoff_min_ns && now - s->stream_start_ns >= s->backoff_max_ns)
            s->backoff_ns = s->backoff_min_ns;

        out->width = s->width;
        out->height = s->height;
        out->stride = s->width;
        out->luma = s->luma;
        out->timestamp_ns = ts;
        out->sequence = seq;
        return CAMSEP_SOURCE_OK;
    }
}

static void v4l2_close(camsep_frame_source *base)
{
    v4l2_source *s = (v4l2_source *)base;
    close_device(s);
    camsep_mjpeg_decoder_free(s->mjpeg);
    free(s->luma);
    free(s);
}

static const camsep_frame_source_ops v4l2_ops = {.read = v4l2_read, .close = v4l2_close};

camsep_frame_source *camsep_v4l2_open(const char *device_path, const camsep_v4l2_request *req,
                                      const camsep_v4l2_device *dev, char *err, size_t errlen)
{
    camsep_v4l2_request r;
    memset(&r, 0, sizeof r);
    if (req)
        r = *req;
    if (!device_path || !*device_path) {
        cam_set_err(err, errlen, "no camera device given");
        return NULL;
    }
    if (strlen(device_path) >= PATH_CAP) {
        cam_set_err(err, errlen, "camera device path too long");
        return NULL;
    }
    if (r.width < 0 || r.height < 0 || r.width > MAX_DIM || r.height > MAX_DIM || !(r.fps >= 0 && r.fps <= 10000) ||
        r.backoff_min_ms < 0 || r.backoff_max_ms < 0 || r.stall_ms < 0) {
        cam_set_err(err, errlen, "%s: invalid camera request (size %dx%d, %g fps)", device_path, r.width, r.height,
                r.fps);
        return NULL;
    }
    if (r.n_controls < 0 || r.n_controls > CAMSEP_V4L2_MAX_CONTROLS || (r.n_controls > 0 && !r.controls)) {
        cam_set_err(err, errlen, "%s: at most %d camera controls", device_path, CAMSEP_V4L2_MAX_CONTROLS);
        return NULL;
    }
    for (int i = 0; i < r.n_controls; i++)
        if (camsep_v4l2_control_check(r.controls[i], err, errlen) != 0)
            return NULL;
    if (r.mjpeg_min_width == 0)
        r.mjpeg_min_width = DEFAULT_MJPEG_WIDTH;
    if (r.backoff_min_ms == 0)
        r.backoff_min_ms = 250;
    if (r.backoff_max_ms == 0)
        r.backoff_max_ms = 4000;
    if (r.backoff_max_ms < r.backoff_min_ms)
        r.backoff_max_ms = r.backoff_min_ms;
    if (r.stall_ms == 0)
        r.stall_ms = 2000;

    v4l2_source *s = calloc(1, sizeof *s);
    if (!s) {
        cam_set_err(err, errlen, "out of memory");
        return NULL;
    }
    s->base.ops = &v4l2_ops;
    s->dev = dev ? *dev : *camsep_v4l2_system_device();
    snprintf(s->path, sizeof s->path, "%s", device_path);
    s->req = r;
    for (int i = 0; i < r.n_controls; i++)
        snprintf(s->controls[i], sizeof s->controls[i], "%s", r.controls[i]);
    s->req.controls = NULL;
    s->fd = -1;
    s->backoff_min_ns = s->backoff_ns = ms_to_ns(r.backoff_min_ms);
    s->backoff_max_ns = ms_to_ns(r.backoff_max_ms);
    if (open_device(s, err, errlen) != 0) {
        camsep_mjpeg_decoder_free(s->mjpeg);
        free(s->luma);
        free(s);
        return NULL;
    }
    return &s->base;
}

int camsep_v4l2_get_stats(const camsep_frame_source *base, camsep_v4l2_stats *st)
{
    if (!base || base->ops != &v4l2_ops || !st)
        return -1;
    *st = ((const v4l2_source *)base)->stats;
    return 0;
}
