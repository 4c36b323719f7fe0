/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The V4L2 source's formats, negotiation and device checks (see v4l2_source.h, v4l2_internal.h). */
#define _POSIX_C_SOURCE 200809L
#include "v4l2_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- formats ---------------------------------------------------------------------------------- */

static const fmt_desc formats[] = {
    {V4L2_PIX_FMT_GREY, 0, CONV_PLANE, 0, 1},
    {V4L2_PIX_FMT_YUYV, 1, CONV_YUV422, 0, 2},
    {V4L2_PIX_FMT_UYVY, 1, CONV_YUV422, 1, 2},
    {V4L2_PIX_FMT_YVYU, 1, CONV_YUV422, 0, 2},
    {V4L2_PIX_FMT_VYUY, 1, CONV_YUV422, 1, 2},
    {V4L2_PIX_FMT_YUV420, 2, CONV_PLANE, 0, 1},
    {V4L2_PIX_FMT_NV12, 2, CONV_PLANE, 0, 1},
    {V4L2_PIX_FMT_YVU420, 2, CONV_PLANE, 0, 1},
    {V4L2_PIX_FMT_NV21, 2, CONV_PLANE, 0, 1},
    {V4L2_PIX_FMT_MJPEG, 3, CONV_MJPEG, 0, 0},
    {V4L2_PIX_FMT_JPEG, 3, CONV_MJPEG, 0, 0},
    {V4L2_PIX_FMT_RGB24, 4, CONV_RGB24, 0, 3},
    {V4L2_PIX_FMT_BGR24, 4, CONV_BGR24, 0, 3},
};
#define N_FORMATS (sizeof formats / sizeof formats[0])

const fmt_desc *cam_find_format(uint32_t fourcc)
{
    for (size_t i = 0; i < N_FORMATS; i++)
        if (formats[i].fourcc == fourcc)
            return &formats[i];
    return NULL;
}

static int format_rank(const fmt_desc *f)
{
    return (int)(f - formats);
}

void cam_fourcc_name(uint32_t f, char out[12])
{
    int n = 0;
    for (int i = 0; i < 4; i++) {
        char c = (char)((f >> (8 * i)) & 0x7f);
        out[n++] = (c >= 32 && c < 127) ? c : '.';
    }
    while (n > 1 && out[n - 1] == ' ')
        n--;
    if (f & (1u << 31)) {
        memcpy(out + n, "-BE", 3);
        n += 3;
    }
    out[n] = '\0';
}

/* ---- small helpers ---------------------------------------------------------------------------- */

void cam_set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

const char *cam_errno_text(int e, char *buf, size_t n)
{
    if (strerror_r(e, buf, n) != 0)
        snprintf(buf, n, "error %d", e);
    return buf;
}

int cam_xioctl(const camsep_v4l2_device *d, int fd, unsigned long request, void *arg)
{
    int r;
    do {
        r = d->ioctl(d->ctx, fd, request, arg);
    } while (r == -1 && errno == EINTR);
    return r;
}

int cam_enum_format(const camsep_v4l2_device *d, int fd, uint32_t i, struct v4l2_fmtdesc *f)
{
    memset(f, 0, sizeof *f);
    f->index = i;
    f->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    return cam_xioctl(d, fd, VIDIOC_ENUM_FMT, f) < 0 ? -1 : 0;
}

int cam_enum_size(const camsep_v4l2_device *d, int fd, uint32_t fourcc, uint32_t i, struct v4l2_frmsizeenum *fs)
{
    memset(fs, 0, sizeof *fs);
    fs->index = i;
    fs->pixel_format = fourcc;
    return cam_xioctl(d, fd, VIDIOC_ENUM_FRAMESIZES, fs) < 0 ? -1 : 0;
}

int cam_enum_interval(const camsep_v4l2_device *d, int fd, uint32_t fourcc, uint32_t w, uint32_t h, uint32_t i,
                      struct v4l2_frmivalenum *fi)
{
    memset(fi, 0, sizeof *fi);
    fi->index = i;
    fi->pixel_format = fourcc;
    fi->width = w;
    fi->height = h;
    return cam_xioctl(d, fd, VIDIOC_ENUM_FRAMEINTERVALS, fi) < 0 ? -1 : 0;
}

void cam_format_rate(double fps, char *buf, size_t n)
{
    double r = (double)(long)(fps + 0.5);
    if (fps > 0 && (fps - r < 0.005 && r - fps < 0.005))
        snprintf(buf, n, "%ld", (long)r);
    else
        snprintf(buf, n, "%.2f", fps);
}

static uint32_t snap(uint32_t v, uint32_t lo, uint32_t hi, uint32_t step)
{
    if (step == 0)
        step = 1;
    if (v <= lo)
        return lo;
    if (v >= hi)
        return hi;
    uint32_t k = (v - lo + step / 2) / step;
    uint64_t r = (uint64_t)lo + (uint64_t)k * step;
    while (r > hi)
        r -= step;
    return (uint32_t)r;
}

/* ---- negotiation ------------------------------------------------------------------------------ */

#define UNKNOWN_SIZE_COST 1      /* sizes not enumerable: slightly worse than an exact match */
#define UNKNOWN_RATE_COST 0.01   /* rates not enumerable: likewise */
#define DEFAULT_WIDTH 640        /* the size asked for when the request names none */
#define DEFAULT_HEIGHT 480
#define USABLE_FPS 25.0          /* without --fps: the least rate that follows a player's motion */
#define PREFERRED_FPS 30.0       /* without --fps: the rate aimed at among the usable ones */

typedef struct target {
    uint32_t width, height; /* wanted (a free dimension follows the current aspect) */
    int want_w, want_h;     /* which of them count in the cost */
    double fps;             /* requested rate, 0: none (then USABLE_FPS..PREFERRED_FPS) */
} target;

static long size_cost(const target *t, uint32_t w, uint32_t h)
{
    long c = 0;
    if (t->want_w)
        c += labs((long)w - (long)t->width);
    if (t->want_h)
        c += labs((long)h - (long)t->height);
    return c;
}

static double rate_cost(const target *t, double f)
{
    double aim = t->fps > 0 ? t->fps : PREFERRED_FPS;
    return f > aim ? f - aim : aim - f;
}

static int rate_ok(const target *t, double f)
{
    return f >= (t->fps > 0 ? t->fps : USABLE_FPS) - 0.01;
}

/* Is rate f a better pick than the current best (best_fps < 0: none yet)? */
static int better_rate(const target *t, double f, double best_fps)
{
    if (best_fps < 0)
        return 1;
    if (rate_ok(t, f) != rate_ok(t, best_fps))
        return rate_ok(t, f);
    double a = rate_cost(t, f), b = rate_cost(t, best_fps);
    if (a < b - 1e-9 || a > b + 1e-9)
        return a < b;
    return f > best_fps;
}

/* The best frame interval of one format and size, by the rate rule above. */
static void choose_rate(const camsep_v4l2_device *d, int fd, uint32_t fourcc, const target *t, choice *c)
{
    double best_fps = -1;
    for (uint32_t i = 0; i < MAX_ENUM; i++) {
        struct v4l2_frmivalenum fi;
        if (cam_enum_interval(d, fd, fourcc, c->width, c->height, i, &fi) < 0)
            break;
        if (fi.type == V4L2_FRMIVAL_TYPE_DISCRETE) {
            if (fi.discrete.numerator == 0 || fi.discrete.denominator == 0)
                continue;
            double f = (double)fi.discrete.denominator / fi.discrete.numerator;
            if (better_rate(t, f, best_fps)) {
                best_fps = f;
                c->num = fi.discrete.numerator;
                c->den = fi.discrete.denominator;
            }
        } else {
            const struct v4l2_frmival_stepwise *sw = &fi.stepwise;
            if (sw->min.numerator == 0 || sw->max.numerator == 0 || sw->min.denominator == 0 ||
                sw->max.denominator == 0)
                break;
            double fmax = (double)sw->min.denominator / sw->min.numerator; /* shortest interval */
            double fmin = (double)sw->max.denominator / sw->max.numerator;
            double aim = t->fps > 0 ? t->fps : PREFERRED_FPS;
            double f = aim < fmin ? fmin : aim > fmax ? fmax : aim;
            best_fps = f;
            c->num = 1000;
            c->den = (uint32_t)(f * 1000 + 0.5);
            break;
        }
    }
    c->have_interval = 1;
    if (best_fps < 0) { /* not enumerable: ask for a requested rate and let S_PARM adjust */
        c->have_interval = t->fps > 0;
        c->num = 1000;
        c->den = (uint32_t)(t->fps * 1000 + 0.5);
        c->fps = 0;
        c->rate_ok = 1;
        c->rate_cost = UNKNOWN_RATE_COST;
        return;
    }
    c->fps = best_fps;
    c->rate_ok = rate_ok(t, best_fps);
    c->rate_cost = rate_cost(t, best_fps);
}

/* Is a better than b? A usable rate first, then the size, the rate, the larger picture,
 * native before libv4l2's conversions, then the order of the format table. */
static int better(const choice *a, const choice *b)
{
    if (!b->fmt)
        return 1;
    if (a->rate_ok != b->rate_ok)
        return a->rate_ok;
    if (a->size_cost != b->size_cost)
        return a->size_cost < b->size_cost;
    double dr = a->rate_cost - b->rate_cost;
    if (dr < -0.005 || dr > 0.005)
        return dr < 0;
    uint64_t area_a = (uint64_t)a->width * a->height, area_b = (uint64_t)b->width * b->height;
    if (area_a != area_b)
        return area_a > area_b;
    if (a->emulated != b->emulated)
        return !a->emulated;
    if (a->fmt->tier != b->fmt->tier)
        return a->fmt->tier < b->fmt->tier;
    return format_rank(a->fmt) < format_rank(b->fmt);
}

static void consider(const camsep_v4l2_device *d, int fd, const target *t, choice *c, uint32_t w, uint32_t h,
                     long cost, choice *best)
{
    c->width = w;
    c->height = h;
    c->size_cost = cost;
    choose_rate(d, fd, c->fmt->fourcc, t, c);
    if (better(c, best))
        *best = *c;
}

/* Every size of one format (with its best rate) against the best so far. */
static void consider_format(const camsep_v4l2_device *d, int fd, const target *t, choice *c, choice *best)
{
    int any = 0;
    for (uint32_t i = 0; i < MAX_ENUM; i++) {
        struct v4l2_frmsizeenum fs;
        if (cam_enum_size(d, fd, c->fmt->fourcc, i, &fs) < 0)
            break;
        uint32_t w, h;
        int last = 0;
        if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
            w = fs.discrete.width;
            h = fs.discrete.height;
        } else {
            const struct v4l2_frmsize_stepwise *sw = &fs.stepwise;
            uint32_t sx = fs.type == V4L2_FRMSIZE_TYPE_CONTINUOUS ? 1 : sw->step_width;
            uint32_t sy = fs.type == V4L2_FRMSIZE_TYPE_CONTINUOUS ? 1 : sw->step_height;
            w = snap(t->width, sw->min_width, sw->max_width, sx);
            h = snap(t->height, sw->min_height, sw->max_height, sy);
            last = 1;
        }
        if (w == 0 || h == 0 || w > MAX_DIM || h > MAX_DIM)
            continue;
        any = 1;
        consider(d, fd, t, c, w, h, size_cost(t, w, h), best);
        if (last)
            break;
    }
    if (!any) /* the driver does not enumerate sizes: S_FMT will adjust */
        consider(d, fd, t, c, t->width, t->height, UNKNOWN_SIZE_COST, best);
}

static void make_target(const camsep_v4l2_device *d, int fd, const camsep_v4l2_request *req, target *t)
{
    uint32_t cur_w = 0, cur_h = 0;
    struct v4l2_format cur;
    memset(&cur, 0, sizeof cur);
    cur.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (cam_xioctl(d, fd, VIDIOC_G_FMT, &cur) == 0 && cur.fmt.pix.width > 0 && cur.fmt.pix.height > 0 &&
        cur.fmt.pix.width <= MAX_DIM && cur.fmt.pix.height <= MAX_DIM) {
        cur_w = cur.fmt.pix.width;
        cur_h = cur.fmt.pix.height;
    }
    if (!cur_w) {
        cur_w = DEFAULT_WIDTH;
        cur_h = DEFAULT_HEIGHT;
    }
    t->want_w = req->width > 0;
    t->want_h = req->height > 0;
    if (!t->want_w && !t->want_h) {
        t->width = DEFAULT_WIDTH;
        t->height = DEFAULT_HEIGHT;
        t->want_w = t->want_h = 1;
    } else {
        t->width = t->want_w ? (uint32_t)req->width : (uint32_t)((uint64_t)req->height * cur_w / cur_h);
        t->height = t->want_h ? (uint32_t)req->height : (uint32_t)((uint64_t)req->width * cur_h / cur_w);
    }
    t->fps = req->fps;
}

void cam_append(char *buf, size_t n, const char *text)
{
    size_t len = strlen(buf);
    if (len + 1 < n)
        snprintf(buf + len, n - len, "%s", text);
}

/* Picks the format, size and rate; fails with a message naming what the device offers. */
int cam_negotiate(const camsep_v4l2_device *d, int fd, const camsep_v4l2_request *req, choice *best,
                     char *err, size_t errlen)
{
    target t;
    make_target(d, fd, req, &t);
    memset(best, 0, sizeof *best);
    char offered[160] = "";
    int n_formats = 0;
    for (uint32_t i = 0; i < MAX_ENUM; i++) {
        struct v4l2_fmtdesc fd_desc;
        if (cam_enum_format(d, fd, i, &fd_desc) < 0)
            break;
        n_formats++;
        char name[12];
        cam_fourcc_name(fd_desc.pixelformat, name);
        if (offered[0])
            cam_append(offered, sizeof offered, ", ");
        cam_append(offered, sizeof offered, name);
        if (fd_desc.flags & V4L2_FMT_FLAG_COMPRESSED)
            cam_append(offered, sizeof offered, " (compressed)");
        const fmt_desc *f = cam_find_format(fd_desc.pixelformat);
        if (!f)
            continue;
        choice c;
        memset(&c, 0, sizeof c);
        c.fmt = f;
        c.emulated = (fd_desc.flags & V4L2_FMT_FLAG_EMULATED) != 0;
        consider_format(d, fd, &t, &c, best);
    }
    if (!best->fmt) {
        if (n_formats == 0)
            cam_set_err(err, errlen, "the device lists no capture formats");
        else
            cam_set_err(err, errlen,
                    "no format that can be turned into luma: the device offers %s; camsep needs GREY, YUYV, "
                    "UYVY, YUV420, NV12, MJPEG, RGB24 or BGR24 (libv4l2 offered no conversion)",
                    offered);
        return -1;
    }
    return 0;
}
int cam_open_fd(const camsep_v4l2_device *d, const char *path, char *err, size_t errlen)
{
    int fd = d->open(d->ctx, path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        char ebuf[96];
        const char *hint = e == ENOENT   ? " (no such device node)"
                           : e == EACCES ? " (is the user in the 'video' group?)"
                           : e == EBUSY  ? " (is another program using the camera?)"
                           : e == ENOTTY ? " (not a V4L2 device)"
                                         : "";
        cam_set_err(err, errlen, "cannot open: %s%s", cam_errno_text(e, ebuf, sizeof ebuf), hint);
        errno = e;
    }
    return fd;
}

/* Checks the node is a streaming video capture device; caps receives its identity. */
int cam_check_caps(const camsep_v4l2_device *d, int fd, struct v4l2_capability *cap, char *err, size_t errlen)
{
    char ebuf[96];
    memset(cap, 0, sizeof *cap);
    if (cam_xioctl(d, fd, VIDIOC_QUERYCAP, cap) < 0) {
        cam_set_err(err, errlen, "not a V4L2 device (VIDIOC_QUERYCAP: %s)", cam_errno_text(errno, ebuf, sizeof ebuf));
        return -1;
    }
    uint32_t caps = (cap->capabilities & V4L2_CAP_DEVICE_CAPS) ? cap->device_caps : cap->capabilities;
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE)) {
        const char *why = (caps & V4L2_CAP_META_CAPTURE) ? " (a metadata node; the camera's video node is "
                                                            "usually the one numbered just before it)"
                          : (caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE) ? " (multi-planar capture only)"
                                                                   : "";
        cam_set_err(err, errlen, "%.32s is not a video capture device%s", (const char *)cap->card, why);
        return -1;
    }
    if (!(caps & V4L2_CAP_STREAMING)) {
        cam_set_err(err, errlen, "%.32s does not support streaming I/O", (const char *)cap->card);
        return -1;
    }
    return 0;
}
