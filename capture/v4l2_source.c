/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A V4L2 camera as a frame source (see v4l2_source.h). */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* realpath */
#include "v4l2_source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/videodev2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "capture_clock.h"
#include "mjpeg_decoder.h"

#define WANT_BUFFERS 4
#define MAX_BUFFERS 32   /* VIDEO_MAX_FRAME */
#define MAX_ENUM 256     /* bound on every enumeration, against looping drivers */
#define MAX_DIM 16384
#define MAX_GAP (1u << 20) /* larger sequence jumps are driver resets, not drops */
#define PATH_CAP 512

/* ---- formats ---------------------------------------------------------------------------------- */

typedef enum { CONV_PLANE, CONV_YUV422, CONV_RGB24, CONV_BGR24, CONV_MJPEG } conv_kind;

typedef struct fmt_desc {
    uint32_t fourcc;
    int tier;        /* 0 preferred */
    conv_kind kind;
    int y_offset;    /* of the first luma byte in a packed 4:2:2 pair */
    int bytes_pp;    /* bytes per pixel in the plane that carries luma (0: compressed) */
} fmt_desc;

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

static const fmt_desc *find_format(uint32_t fourcc)
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

static void fourcc_name(uint32_t f, char out[12])
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

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static const char *errno_text(int e, char *buf, size_t n)
{
    if (strerror_r(e, buf, n) != 0)
        snprintf(buf, n, "error %d", e);
    return buf;
}

static int xioctl(const camsep_v4l2_device *d, int fd, unsigned long request, void *arg)
{
    int r;
    do {
        r = d->ioctl(d->ctx, fd, request, arg);
    } while (r == -1 && errno == EINTR);
    return r;
}

static void format_rate(double fps, char *buf, size_t n)
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

static int64_t ms_to_ns(int ms)
{
    return (int64_t)ms * 1000000;
}

/* ---- negotiation ------------------------------------------------------------------------------ */

#define UNKNOWN_SIZE_COST 1      /* sizes not enumerable: slightly worse than an exact match */
#define UNKNOWN_RATE_COST 0.01   /* rates not enumerable: likewise */
#define DEFAULT_WIDTH 640        /* the size asked for when the request names none */
#define DEFAULT_HEIGHT 480
#define USABLE_FPS 25.0          /* without --fps: the least rate that follows a player's motion */
#define PREFERRED_FPS 30.0       /* without --fps: the rate aimed at among the usable ones */
#define DEFAULT_MJPEG_WIDTH 640  /* MJPEG is decoded down to about this width (the flow works at 1/4) */

typedef struct target {
    uint32_t width, height; /* wanted (a free dimension follows the current aspect) */
    int want_w, want_h;     /* which of them count in the cost */
    double fps;             /* requested rate, 0: none (then USABLE_FPS..PREFERRED_FPS) */
} target;

typedef struct choice {
    const fmt_desc *fmt;
    int emulated;
    uint32_t width, height;
    long size_cost;
    int have_interval;
    uint32_t num, den; /* frame interval */
    double fps;        /* the rate the interval gives (0: unknown) */
    int rate_ok;       /* at least the requested rate (or USABLE_FPS), or not enumerable */
    double rate_cost;
} choice;

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
        memset(&fi, 0, sizeof fi);
        fi.index = i;
        fi.pixel_format = fourcc;
        fi.width = c->width;
        fi.height = c->height;
        if (xioctl(d, fd, VIDIOC_ENUM_FRAMEINTERVALS, &fi) < 0)
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
        memset(&fs, 0, sizeof fs);
        fs.index = i;
        fs.pixel_format = c->fmt->fourcc;
        if (xioctl(d, fd, VIDIOC_ENUM_FRAMESIZES, &fs) < 0)
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
    if (xioctl(d, fd, VIDIOC_G_FMT, &cur) == 0 && cur.fmt.pix.width > 0 && cur.fmt.pix.height > 0 &&
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

static void append(char *buf, size_t n, const char *text)
{
    size_t len = strlen(buf);
    if (len + 1 < n)
        snprintf(buf + len, n - len, "%s", text);
}

/* Picks the format, size and rate; fails with a message naming what the device offers. */
static int negotiate(const camsep_v4l2_device *d, int fd, const camsep_v4l2_request *req, choice *best,
                     char *err, size_t errlen)
{
    target t;
    make_target(d, fd, req, &t);
    memset(best, 0, sizeof *best);
    char offered[160] = "";
    int n_formats = 0;
    for (uint32_t i = 0; i < MAX_ENUM; i++) {
        struct v4l2_fmtdesc fd_desc;
        memset(&fd_desc, 0, sizeof fd_desc);
        fd_desc.index = i;
        fd_desc.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        if (xioctl(d, fd, VIDIOC_ENUM_FMT, &fd_desc) < 0)
            break;
        n_formats++;
        char name[12];
        fourcc_name(fd_desc.pixelformat, name);
        if (offered[0])
            append(offered, sizeof offered, ", ");
        append(offered, sizeof offered, name);
        if (fd_desc.flags & V4L2_FMT_FLAG_COMPRESSED)
            append(offered, sizeof offered, " (compressed)");
        const fmt_desc *f = find_format(fd_desc.pixelformat);
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
            set_err(err, errlen, "the device lists no capture formats");
        else
            set_err(err, errlen,
                    "no format that can be turned into luma: the device offers %s; camsep needs GREY, YUYV, "
                    "UYVY, YUV420, NV12, MJPEG, RGB24 or BGR24 (libv4l2 offered no conversion)",
                    offered);
        return -1;
    }
    return 0;
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
    fourcc_name(s->fmt ? s->fmt->fourcc : 0, name);
    if (s->base.frame_rate > 0) {
        char r[16];
        format_rate(s->base.frame_rate, r, sizeof r);
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
        (void)xioctl(d, s->fd, VIDIOC_STREAMOFF, &type); /* fails harmlessly after an unplug */
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
    return xioctl(&s->dev, s->fd, VIDIOC_QBUF, &b);
}

static int apply_format(v4l2_source *s, const choice *c, char *err, size_t errlen)
{
    const camsep_v4l2_device *d = &s->dev;
    char ebuf[96], name[12];
    fourcc_name(c->fmt->fourcc, name);

    struct v4l2_format f;
    memset(&f, 0, sizeof f);
    f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    f.fmt.pix.width = c->width;
    f.fmt.pix.height = c->height;
    f.fmt.pix.pixelformat = c->fmt->fourcc;
    f.fmt.pix.field = V4L2_FIELD_NONE;
    if (xioctl(d, s->fd, VIDIOC_S_FMT, &f) < 0) {
        int e = errno;
        set_err(err, errlen, "VIDIOC_S_FMT %s %ux%u: %s%s", name, c->width, c->height,
                errno_text(e, ebuf, sizeof ebuf), e == EBUSY ? " (is another program using the camera?)" : "");
        return -1;
    }
    const fmt_desc *got = find_format(f.fmt.pix.pixelformat);
    if (!got) {
        char gname[12];
        fourcc_name(f.fmt.pix.pixelformat, gname);
        set_err(err, errlen, "asked for %s, the driver set %s, which camsep cannot read", name, gname);
        return -1;
    }
    uint32_t w = f.fmt.pix.width, h = f.fmt.pix.height;
    if (w == 0 || h == 0 || w > MAX_DIM || h > MAX_DIM) {
        set_err(err, errlen, "the driver set an unusable frame size %ux%u", w, h);
        return -1;
    }
    uint32_t row = w * (uint32_t)got->bytes_pp;
    uint32_t bpl = f.fmt.pix.bytesperline ? f.fmt.pix.bytesperline : row;
    if (bpl < row) {
        set_err(err, errlen, "the driver set %u bytes per line for %u pixels of %s", bpl, w, name);
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
        (void)xioctl(d, s->fd, VIDIOC_S_PARM, &p); /* not fatal: the rate actually set is read below */
    }
    memset(&p, 0, sizeof p);
    p.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    s->base.frame_rate = 0;
    if (xioctl(d, s->fd, VIDIOC_G_PARM, &p) == 0 && p.parm.capture.timeperframe.numerator &&
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
    if (xioctl(d, s->fd, VIDIOC_REQBUFS, &rb) < 0) {
        int e = errno;
        set_err(err, errlen, "VIDIOC_REQBUFS: %s%s", errno_text(e, ebuf, sizeof ebuf),
                e == EINVAL   ? " (no mmap streaming)"
                : e == EBUSY ? " (is another program using the camera?)"
                             : "");
        return -1;
    }
    if (rb.count < 2) {
        set_err(err, errlen, "the driver granted %u buffer(s); streaming needs at least 2", rb.count);
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
        if (xioctl(d, s->fd, VIDIOC_QUERYBUF, &b) < 0) {
            set_err(err, errlen, "VIDIOC_QUERYBUF %u: %s", i, errno_text(errno, ebuf, sizeof ebuf));
            return -1;
        }
        if (b.length < s->min_bytes) {
            set_err(err, errlen, "buffer %u holds %u bytes; a %dx%d frame needs %zu", i, b.length, s->cam_width,
                    s->cam_height, s->min_bytes);
            return -1;
        }
        if ((b.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) != V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
            monotonic = 0;
        void *p = d->mmap(d->ctx, NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, (int64_t)b.m.offset);
        if (p == MAP_FAILED) {
            set_err(err, errlen, "mmap of buffer %u: %s", i, errno_text(errno, ebuf, sizeof ebuf));
            return -1;
        }
        s->buffers[i].start = p;
        s->buffers[i].length = b.length;
        s->n_buffers = i + 1;
    }
    for (unsigned i = 0; i < n; i++)
        if (queue_buffer(s, i) < 0) {
            set_err(err, errlen, "VIDIOC_QBUF %u: %s", i, errno_text(errno, ebuf, sizeof ebuf));
            return -1;
        }
    int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(d, s->fd, VIDIOC_STREAMON, &type) < 0) {
        set_err(err, errlen, "VIDIOC_STREAMON: %s", errno_text(errno, ebuf, sizeof ebuf));
        return -1;
    }
    s->streaming = 1;
    s->monotonic = monotonic;
    return 0;
}

static int open_fd(const camsep_v4l2_device *d, const char *path, char *err, size_t errlen)
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
        set_err(err, errlen, "cannot open: %s%s", errno_text(e, ebuf, sizeof ebuf), hint);
        errno = e;
    }
    return fd;
}

/* Checks the node is a streaming video capture device; caps receives its identity. */
static int check_caps(const camsep_v4l2_device *d, int fd, struct v4l2_capability *cap, char *err, size_t errlen)
{
    char ebuf[96];
    memset(cap, 0, sizeof *cap);
    if (xioctl(d, fd, VIDIOC_QUERYCAP, cap) < 0) {
        set_err(err, errlen, "not a V4L2 device (VIDIOC_QUERYCAP: %s)", errno_text(errno, ebuf, sizeof ebuf));
        return -1;
    }
    uint32_t caps = (cap->capabilities & V4L2_CAP_DEVICE_CAPS) ? cap->device_caps : cap->capabilities;
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE)) {
        const char *why = (caps & V4L2_CAP_META_CAPTURE) ? " (a metadata node; the camera's video node is "
                                                            "usually the one numbered just before it)"
                          : (caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE) ? " (multi-planar capture only)"
                                                                   : "";
        set_err(err, errlen, "%.32s is not a video capture device%s", (const char *)cap->card, why);
        return -1;
    }
    if (!(caps & V4L2_CAP_STREAMING)) {
        set_err(err, errlen, "%.32s does not support streaming I/O", (const char *)cap->card);
        return -1;
    }
    return 0;
}

/* Opens, negotiates and starts streaming; on failure the device is closed again. */
static int open_device(v4l2_source *s, char *err, size_t errlen)
{
    char why[256];
    const camsep_v4l2_device *d = &s->dev;
    struct v4l2_capability cap;
    choice c;
    s->fd = open_fd(d, s->path, why, sizeof why);
    if (s->fd < 0 || check_caps(d, s->fd, &cap, why, sizeof why) != 0 ||
        negotiate(d, s->fd, &s->req, &c, why, sizeof why) != 0 || apply_format(s, &c, why, sizeof why) != 0 ||
        camsep_v4l2_apply_controls(d, s->fd, s->controls, s->req.n_controls, why, sizeof why) != 0 ||
        start_stream(s, why, sizeof why) != 0) {
        set_err(err, errlen, "%s: %s", s->path, why);
        close_device(s);
        return -1;
    }
    if (s->fmt->kind == CONV_MJPEG && !s->mjpeg) {
        s->mjpeg = camsep_mjpeg_decoder_create(why, sizeof why);
        if (!s->mjpeg) {
            set_err(err, errlen, "%s: MJPEG decoder: %s", s->path, why);
            close_device(s);
            return -1;
        }
    }
    size_t need = (size_t)s->width * (size_t)s->height;
    if (need > s->luma_cap) {
        uint8_t *p = realloc(s->luma, need);
        if (!p) {
            set_err(err, errlen, "%s: out of memory for a %dx%d frame", s->path, s->width, s->height);
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
        snprintf(reason, sizeof reason, "camera unplugged (%s: %s)", what, errno_text(e, ebuf, sizeof ebuf));
    else if (e == EIO)
        snprintf(reason, sizeof reason, "camera I/O error (%s: %s)", what, errno_text(e, ebuf, sizeof ebuf));
    else if (e)
        snprintf(reason, sizeof reason, "%s: %s", what, errno_text(e, ebuf, sizeof ebuf));
    else
        snprintf(reason, sizeof reason, "%s", what);
    close_device(s);
    s->down = 1;
    s->pending_fault = 0;
    s->stats.faults++;
    s->retry_at_ns = camsep_monotonic_ns() + s->backoff_ns;
    set_err(err, errlen, "%s: %s; reopening in %.2f s", s->path, reason, (double)s->backoff_ns / 1e9);
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
            set_err(err, errlen, "%s: camera gone; reopening in %.2f s", s->path,
                    (double)(s->retry_at_ns - (deadline > now ? deadline : now)) / 1e9);
            return CAMSEP_SOURCE_AGAIN;
        }
        camsep_sleep_until_ns(s->retry_at_ns);
    }
    char why[320];
    if (open_device(s, why, sizeof why) != 0) {
        s->stats.reopen_failures++;
        s->retry_at_ns = camsep_monotonic_ns() + s->backoff_ns;
        set_err(err, errlen, "reopen failed: %s; next try in %.2f s", why, (double)s->backoff_ns / 1e9);
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
        set_err(err, errlen, "%s: no frame within %d ms (%llu corrupt frame(s) dropped: %s)", s->path, timeout_ms,
                (unsigned long long)s->corrupt_in_read, s->stats.last_corrupt);
    else
        set_err(err, errlen, "%s: no frame within %d ms", s->path, timeout_ms);
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
        if (xioctl(d, s->fd, VIDIOC_DQBUF, &b) < 0) {
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
        char why[160] = "";
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
        set_err(err, errlen, "no camera device given");
        return NULL;
    }
    if (strlen(device_path) >= PATH_CAP) {
        set_err(err, errlen, "camera device path too long");
        return NULL;
    }
    if (r.width < 0 || r.height < 0 || r.width > MAX_DIM || r.height > MAX_DIM || !(r.fps >= 0 && r.fps <= 10000) ||
        r.backoff_min_ms < 0 || r.backoff_max_ms < 0 || r.stall_ms < 0) {
        set_err(err, errlen, "%s: invalid camera request (size %dx%d, %g fps)", device_path, r.width, r.height,
                r.fps);
        return NULL;
    }
    if (r.n_controls < 0 || r.n_controls > CAMSEP_V4L2_MAX_CONTROLS || (r.n_controls > 0 && !r.controls)) {
        set_err(err, errlen, "%s: at most %d camera controls", device_path, CAMSEP_V4L2_MAX_CONTROLS);
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
        set_err(err, errlen, "out of memory");
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

/* ---- listing ---------------------------------------------------------------------------------- */

/* What camsep would choose without a request, as "MJPG 1280x720 30 fps (analysed at 640x360)". */
static void print_choice(const camsep_v4l2_device *d, int fd, const char *prefix, FILE *out)
{
    camsep_v4l2_request def;
    memset(&def, 0, sizeof def);
    char why[320];
    choice c;
    if (negotiate(d, fd, &def, &c, why, sizeof why) != 0) {
        fprintf(out, "%snot usable: %s\n", prefix, why);
        return;
    }
    char name[12], rate[32] = "", reduced[48] = "";
    fourcc_name(c.fmt->fourcc, name);
    if (c.fps > 0) {
        char r[16];
        format_rate(c.fps, r, sizeof r);
        snprintf(rate, sizeof rate, " %s fps", r);
    }
    if (c.fmt->kind == CONV_MJPEG) {
        int k = camsep_mjpeg_eighths((int)c.width, DEFAULT_MJPEG_WIDTH);
        if (k < 8)
            snprintf(reduced, sizeof reduced, " (analysed at %dx%d)", camsep_mjpeg_scaled((int)c.width, k),
                     camsep_mjpeg_scaled((int)c.height, k));
    }
    fprintf(out, "%s%s %ux%u%s%s%s%s\n", prefix, name, c.width, c.height, rate, reduced,
            c.emulated ? " (libv4l2 conversion)" : "", c.rate_ok ? "" : " (below 25 fps: a slow camera)");
}

/* The frame rates of one size, as ": 30, 15 fps" (empty when the driver does not list them). */
static void rates_text(const camsep_v4l2_device *d, int fd, uint32_t fourcc, uint32_t w, uint32_t h, char *line,
                       size_t n)
{
    line[0] = '\0';
    for (uint32_t i = 0; i < MAX_ENUM; i++) {
        struct v4l2_frmivalenum fi;
        memset(&fi, 0, sizeof fi);
        fi.index = i;
        fi.pixel_format = fourcc;
        fi.width = w;
        fi.height = h;
        if (xioctl(d, fd, VIDIOC_ENUM_FRAMEINTERVALS, &fi) < 0)
            break;
        char r[16], r2[16];
        if (fi.type == V4L2_FRMIVAL_TYPE_DISCRETE) {
            if (!fi.discrete.numerator)
                continue;
            format_rate((double)fi.discrete.denominator / fi.discrete.numerator, r, sizeof r);
            append(line, n, line[0] ? ", " : ": ");
            append(line, n, r);
        } else {
            if (!fi.stepwise.min.numerator || !fi.stepwise.max.numerator)
                break;
            format_rate((double)fi.stepwise.max.denominator / fi.stepwise.max.numerator, r, sizeof r);
            format_rate((double)fi.stepwise.min.denominator / fi.stepwise.min.numerator, r2, sizeof r2);
            snprintf(line, n, ": %s to %s (%s)", r, r2,
                     fi.type == V4L2_FRMIVAL_TYPE_CONTINUOUS ? "continuous" : "stepwise");
            break;
        }
    }
    if (line[0])
        append(line, n, " fps");
}

static void list_sizes(const camsep_v4l2_device *d, int fd, uint32_t fourcc, FILE *out)
{
    char rates[256];
    for (uint32_t i = 0; i < MAX_ENUM; i++) {
        struct v4l2_frmsizeenum fs;
        memset(&fs, 0, sizeof fs);
        fs.index = i;
        fs.pixel_format = fourcc;
        if (xioctl(d, fd, VIDIOC_ENUM_FRAMESIZES, &fs) < 0) {
            if (i == 0)
                fprintf(out, "    (frame sizes not listed by the driver)\n");
            return;
        }
        if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
            rates_text(d, fd, fourcc, fs.discrete.width, fs.discrete.height, rates, sizeof rates);
            fprintf(out, "    %ux%u%s\n", fs.discrete.width, fs.discrete.height, rates);
        } else {
            const struct v4l2_frmsize_stepwise *sw = &fs.stepwise;
            if (fs.type == V4L2_FRMSIZE_TYPE_CONTINUOUS)
                fprintf(out, "    %ux%u to %ux%u (continuous)\n", sw->min_width, sw->min_height, sw->max_width,
                        sw->max_height);
            else
                fprintf(out, "    %ux%u to %ux%u, step %ux%u\n", sw->min_width, sw->min_height, sw->max_width,
                        sw->max_height, sw->step_width, sw->step_height);
            rates_text(d, fd, fourcc, sw->min_width, sw->min_height, rates, sizeof rates);
            if (rates[0])
                fprintf(out, "    at %ux%u%s\n", sw->min_width, sw->min_height, rates);
            rates_text(d, fd, fourcc, sw->max_width, sw->max_height, rates, sizeof rates);
            if (rates[0])
                fprintf(out, "    at %ux%u%s\n", sw->max_width, sw->max_height, rates);
            return;
        }
    }
}

int camsep_v4l2_list(const camsep_v4l2_device *dev, const char *path, FILE *out)
{
    const camsep_v4l2_device *d = dev ? dev : camsep_v4l2_system_device();
    char why[320];
    int fd = open_fd(d, path, why, sizeof why);
    if (fd < 0) {
        fprintf(out, "%s: %s\n", path, why);
        return -1;
    }
    struct v4l2_capability cap;
    memset(&cap, 0, sizeof cap);
    if (xioctl(d, fd, VIDIOC_QUERYCAP, &cap) < 0) {
        char ebuf[96];
        fprintf(out, "%s: not a V4L2 device (VIDIOC_QUERYCAP: %s)\n", path, errno_text(errno, ebuf, sizeof ebuf));
        d->close(d->ctx, fd);
        return -1;
    }
    uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    fprintf(out, "%s: %.32s (driver %.16s, bus %.32s)\n", path, (const char *)cap.card, (const char *)cap.driver,
            (const char *)cap.bus_info);
    fprintf(out, "  capabilities:%s%s%s%s%s\n", (caps & V4L2_CAP_VIDEO_CAPTURE) ? " video-capture" : "",
            (caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE) ? " video-capture-mplane" : "",
            (caps & V4L2_CAP_META_CAPTURE) ? " metadata-capture" : "",
            (caps & V4L2_CAP_STREAMING) ? " streaming" : "", (caps & V4L2_CAP_READWRITE) ? " read/write" : "");
    if (check_caps(d, fd, &cap, why, sizeof why) != 0) {
        fprintf(out, "  not usable: %s\n", why);
        d->close(d->ctx, fd);
        return 0;
    }
    for (uint32_t i = 0; i < MAX_ENUM; i++) {
        struct v4l2_fmtdesc f;
        memset(&f, 0, sizeof f);
        f.index = i;
        f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        if (xioctl(d, fd, VIDIOC_ENUM_FMT, &f) < 0)
            break;
        char name[12];
        fourcc_name(f.pixelformat, name);
        fprintf(out, "  %-4s %.32s%s%s%s\n", name, (const char *)f.description,
                (f.flags & V4L2_FMT_FLAG_COMPRESSED) ? " [compressed]" : "",
                (f.flags & V4L2_FMT_FLAG_EMULATED) ? " [libv4l2 conversion]" : "",
                find_format(f.pixelformat) ? "" : " [not usable by camsep]");
        list_sizes(d, fd, f.pixelformat, out);
    }
    print_choice(d, fd, "  default choice: ", out);
    fprintf(out, "  controls (--camera-control NAME=VALUE):\n");
    camsep_v4l2_print_controls(d, fd, "    ", out);
    d->close(d->ctx, fd);
    return 0;
}

/* Video node numbers under dir, sorted; returns how many (at most cap). */
static int scan_nodes(const char *dir, int *nums, int cap)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL && n < cap) {
        const char *name = de->d_name;
        if (strncmp(name, "video", 5) != 0 || name[5] < '0' || name[5] > '9')
            continue;
        char *end;
        long v = strtol(name + 5, &end, 10);
        if (*end || v < 0 || v > 99999)
            continue;
        int i = n++;
        while (i > 0 && nums[i - 1] > v) {
            nums[i] = nums[i - 1];
            i--;
        }
        nums[i] = (int)v;
    }
    closedir(dp);
    return n;
}

/* The links in dir/v4l/by-id and dir/v4l/by-path that resolve to node, each printed as "  name". */
static void print_stable_names(const char *dir, const char *node, FILE *out)
{
    char real_node[PATH_MAX];
    if (!realpath(node, real_node))
        return;
    const char *subdirs[] = {"v4l/by-id", "v4l/by-path"};
    for (int k = 0; k < 2; k++) {
        char sub[PATH_CAP];
        snprintf(sub, sizeof sub, "%s/%s", dir, subdirs[k]);
        DIR *dp = opendir(sub);
        if (!dp)
            continue;
        struct dirent *de;
        while ((de = readdir(dp)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            char link[PATH_CAP + 256], real_link[PATH_MAX];
            snprintf(link, sizeof link, "%s/%s", sub, de->d_name);
            if (realpath(link, real_link) && !strcmp(real_link, real_node))
                fprintf(out, "  %s\n", link);
        }
        closedir(dp);
    }
}

/* The highest rate of one format and size (0: not listed). */
static double top_rate(const camsep_v4l2_device *d, int fd, uint32_t fourcc, uint32_t w, uint32_t h)
{
    double best = 0;
    for (uint32_t i = 0; i < MAX_ENUM; i++) {
        struct v4l2_frmivalenum fi;
        memset(&fi, 0, sizeof fi);
        fi.index = i;
        fi.pixel_format = fourcc;
        fi.width = w;
        fi.height = h;
        if (xioctl(d, fd, VIDIOC_ENUM_FRAMEINTERVALS, &fi) < 0)
            break;
        const struct v4l2_fract *iv = fi.type == V4L2_FRMIVAL_TYPE_DISCRETE ? &fi.discrete : &fi.stepwise.min;
        if (iv->numerator && iv->denominator && (double)iv->denominator / iv->numerator > best)
            best = (double)iv->denominator / iv->numerator;
        if (fi.type != V4L2_FRMIVAL_TYPE_DISCRETE)
            break;
    }
    return best;
}

/* One line per format: each size with its best rate. */
static void print_format_summary(const camsep_v4l2_device *d, int fd, FILE *out)
{
    for (uint32_t i = 0; i < MAX_ENUM; i++) {
        struct v4l2_fmtdesc f;
        memset(&f, 0, sizeof f);
        f.index = i;
        f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        if (xioctl(d, fd, VIDIOC_ENUM_FMT, &f) < 0)
            break;
        char name[12], line[400] = "";
        fourcc_name(f.pixelformat, name);
        for (uint32_t k = 0; k < MAX_ENUM; k++) {
            struct v4l2_frmsizeenum fs;
            memset(&fs, 0, sizeof fs);
            fs.index = k;
            fs.pixel_format = f.pixelformat;
            if (xioctl(d, fd, VIDIOC_ENUM_FRAMESIZES, &fs) < 0)
                break;
            uint32_t w = fs.type == V4L2_FRMSIZE_TYPE_DISCRETE ? fs.discrete.width : fs.stepwise.max_width;
            uint32_t h = fs.type == V4L2_FRMSIZE_TYPE_DISCRETE ? fs.discrete.height : fs.stepwise.max_height;
            char item[64], r[16];
            double fps = top_rate(d, fd, f.pixelformat, w, h);
            format_rate(fps, r, sizeof r);
            snprintf(item, sizeof item, "%s%s%ux%u%s%s%s", line[0] ? ", " : "",
                     fs.type == V4L2_FRMSIZE_TYPE_DISCRETE ? "" : "up to ", w, h, fps > 0 ? " " : "",
                     fps > 0 ? r : "", fps > 0 ? " fps" : "");
            append(line, sizeof line, item);
            if (fs.type != V4L2_FRMSIZE_TYPE_DISCRETE)
                break;
        }
        fprintf(out, "    %-4s%s%s %s\n", name, (f.flags & V4L2_FMT_FLAG_EMULATED) ? " (libv4l2)" : "",
                find_format(f.pixelformat) ? ":" : " (not usable):", line[0] ? line : "sizes not listed");
    }
}

int camsep_v4l2_list_devices(const camsep_v4l2_device *dev, const char *dir, FILE *out)
{
    const camsep_v4l2_device *d = dev ? dev : camsep_v4l2_system_device();
    if (!dir)
        dir = "/dev";
    int nums[256];
    int n = scan_nodes(dir, nums, 256);
    if (n < 0) {
        char ebuf[96];
        fprintf(out, "cannot read %s: %s\n", dir, errno_text(errno, ebuf, sizeof ebuf));
        return -1;
    }
    int found = 0, closed = 0;
    for (int i = 0; i < n; i++) {
        char node[PATH_CAP], why[320];
        snprintf(node, sizeof node, "%s/video%d", dir, nums[i]);
        int fd = open_fd(d, node, why, sizeof why);
        if (fd < 0) {
            if (errno != ENOENT) {
                fprintf(out, "%s: %s\n", node, why);
                print_stable_names(dir, node, out);
                closed++;
            }
            continue;
        }
        struct v4l2_capability cap;
        if (check_caps(d, fd, &cap, why, sizeof why) == 0) {
            found++;
            fprintf(out, "%s: %.32s (driver %.16s, bus %.32s)\n", node, (const char *)cap.card,
                    (const char *)cap.driver, (const char *)cap.bus_info);
            print_stable_names(dir, node, out);
            print_format_summary(d, fd, out);
            print_choice(d, fd, "    camsep would use: ", out);
        }
        d->close(d->ctx, fd);
    }
    if (!found)
        fprintf(out, "no video capture devices%s under %s%s\n", closed ? " that can be opened" : "", dir,
                closed ? " (see above: is the user in the 'video' group? `sudo usermod -aG video $USER`, then "
                         "log in again)"
                       : "");
    if (found)
        fprintf(out, "(give a camera by its %s/v4l/by-id path: it survives a replug; --list-devices --source PATH "
                     "lists a camera's sizes, rates and controls)\n",
                dir);
    return found;
}

int camsep_v4l2_list_cameras(const camsep_v4l2_device *dev, const char *dir, const char *source, FILE *out)
{
    int n = camsep_v4l2_list_devices(dev, dir, out);
    struct stat st;
    if (source && strcmp(source, "auto") && stat(source, &st) == 0 && S_ISCHR(st.st_mode)) {
        fprintf(out, "\n");
        if (camsep_v4l2_list(dev, source, out))
            return -1;
    }
    return n < 0 ? -1 : 0;
}

/* The first video capture node under dir. */
static int first_device(const camsep_v4l2_device *dev, const char *dir, char *path, size_t pathlen)
{
    const camsep_v4l2_device *d = dev ? dev : camsep_v4l2_system_device();
    if (!dir)
        dir = "/dev";
    int nums[256];
    int n = scan_nodes(dir, nums, 256);
    for (int i = 0; i < n; i++) {
        char node[PATH_CAP], why[320];
        snprintf(node, sizeof node, "%s/video%d", dir, nums[i]);
        int fd = open_fd(d, node, why, sizeof why);
        if (fd < 0)
            continue;
        struct v4l2_capability cap;
        int ok = check_caps(d, fd, &cap, why, sizeof why) == 0;
        d->close(d->ctx, fd);
        if (ok) {
            snprintf(path, pathlen, "%s", node);
            return 0;
        }
    }
    return -1;
}

int camsep_v4l2_first_device(const camsep_v4l2_device *dev, const char *dir, char *path, size_t pathlen)
{
    if (!path || pathlen == 0)
        return -1;
    return first_device(dev, dir, path, pathlen);
}
