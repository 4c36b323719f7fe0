/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A fake V4L2 camera for the V4L2 source's tests (see fake_v4l2.h). */
#define _POSIX_C_SOURCE 200809L
#include "fake_v4l2.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <sys/mman.h>
#include <turbojpeg.h>

#include "capture_clock.h"

#define CAPTURE_FD 1000
#define META_FD 2000
#define OFFSET_UNIT 0x1000000u

uint8_t fake_v4l2_luma(long frame, int x, int y)
{
    return (uint8_t)(x * 3 + y * 7 + frame * 11);
}

void fake_v4l2_rgb(long frame, int x, int y, uint8_t rgb[3])
{
    rgb[0] = (uint8_t)(x * 5 + frame * 3);
    rgb[1] = (uint8_t)(y * 3 + x + frame);
    rgb[2] = (uint8_t)(x * y + frame * 7);
}

uint8_t fake_v4l2_smooth_luma(long frame, int x, int y)
{
    double v = 128 + 50 * sin((x + 2.0 * frame) * 0.05) * cos((y - 1.0 * frame) * 0.04) +
               20 * sin((x + y) * 0.013 + frame * 0.1);
    return (uint8_t)lrint(v);
}

static int is_jpeg(uint32_t fc)
{
    return fc == V4L2_PIX_FMT_MJPEG || fc == V4L2_PIX_FMT_JPEG;
}

static uint8_t chroma(long frame, int x, int y)
{
    return (uint8_t)(x * 13 + y * 17 + frame * 5 + 1);
}

fake_v4l2_size fake_v4l2_discrete(int w, int h, int fps0, int fps1, int fps2)
{
    fake_v4l2_size s;
    memset(&s, 0, sizeof s);
    s.width = w;
    s.height = h;
    int r[3] = {fps0, fps1, fps2};
    for (int i = 0; i < 3 && r[i] > 0; i++)
        s.fps[s.n_fps++] = r[i];
    return s;
}

static void clear_cache(fake_v4l2 *f);
static void misuse(fake_v4l2 *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void misuse(fake_v4l2 *f, const char *fmt, ...)
{
    if (f->misuse++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(f->misuse_msg, sizeof f->misuse_msg, fmt, ap);
        va_end(ap);
    }
}

static int fail(int e)
{
    errno = e;
    return -1;
}

/* ---- format geometry -------------------------------------------------------------------------- */

static int is_planar420(uint32_t fc)
{
    return fc == V4L2_PIX_FMT_YUV420 || fc == V4L2_PIX_FMT_YVU420 || fc == V4L2_PIX_FMT_NV12 ||
           fc == V4L2_PIX_FMT_NV21;
}

static int bytes_pp(uint32_t fc)
{
    switch (fc) {
    case V4L2_PIX_FMT_YUYV:
    case V4L2_PIX_FMT_UYVY:
    case V4L2_PIX_FMT_YVYU:
    case V4L2_PIX_FMT_VYUY:
        return 2;
    case V4L2_PIX_FMT_RGB24:
    case V4L2_PIX_FMT_BGR24:
        return 3;
    default:
        return 1; /* GREY, the luma plane of 4:2:0, and MJPEG's nominal */
    }
}

static void geometry(fake_v4l2 *f)
{
    uint32_t fc = f->cfg.formats[f->cur_format].fourcc;
    f->bytesperline = f->width * bytes_pp(fc) + f->cfg.pad;
    f->sizeimage = f->bytesperline * f->height;
    if (is_jpeg(fc)) {
        f->bytesperline = 0;
        f->sizeimage = (int)tjBufSize(f->width, f->height, TJSAMP_422);
    }
    if (is_planar420(fc))
        f->sizeimage += f->bytesperline * ((f->height + 1) / 2);
}

static int size_matches(const fake_v4l2_size *z, int w, int h)
{
    if (z->step_w <= 0)
        return z->width == w && z->height == h;
    return w >= z->width && w <= z->max_width && h >= z->height && h <= z->max_height &&
           (w - z->width) % z->step_w == 0 && (h - z->height) % z->step_h == 0;
}

static int snap1(int v, int lo, int hi, int step)
{
    if (v <= lo)
        return lo;
    if (v >= hi)
        return hi;
    return lo + (v - lo) / step * step;
}

static int find_format(const fake_v4l2 *f, uint32_t fc)
{
    for (int i = 0; i < f->cfg.n_formats; i++)
        if (f->cfg.formats[i].fourcc == fc)
            return i;
    return -1;
}

/* Sets the current format to format fi at the size nearest (w, h), the size's first rate. */
static void set_format(fake_v4l2 *f, int fi, int w, int h)
{
    const fake_v4l2_format *fm = &f->cfg.formats[fi];
    int best = 0;
    long best_cost = -1;
    int bw = w, bh = h;
    for (int i = 0; i < fm->n_sizes; i++) {
        const fake_v4l2_size *z = &fm->sizes[i];
        int cw = z->width, ch = z->height;
        if (z->step_w > 0) {
            cw = snap1(w, z->width, z->max_width, z->step_w);
            ch = snap1(h, z->height, z->max_height, z->step_h);
        }
        long cost = labs((long)cw - w) + labs((long)ch - h);
        if (best_cost < 0 || cost < best_cost) {
            best_cost = cost;
            best = i;
            bw = cw;
            bh = ch;
        }
    }
    clear_cache(f);
    f->cur_format = fi;
    f->cur_size = best;
    f->width = bw;
    f->height = bh;
    const fake_v4l2_size *z = &fm->sizes[best];
    f->fps_num = 1;
    f->fps_den = z->n_fps > 0 ? (uint32_t)z->fps[0] : 30;
    geometry(f);
}

/* ---- frames ----------------------------------------------------------------------------------- */

/* Compresses frame k of the smooth picture into dst (at most cap bytes); returns its size. */
static unsigned long compress_frame(fake_v4l2 *f, long k, uint8_t *dst, unsigned long cap)
{
    int w = f->width, h = f->height, cw = (w + 1) / 2;
    uint8_t *y = malloc((size_t)w * h), *u = malloc((size_t)cw * h), *v = malloc((size_t)cw * h);
    if (!y || !u || !v) {
        free(y), free(u), free(v);
        misuse(f, "out of memory for a JPEG");
        return 0;
    }
    for (int r = 0; r < h; r++) {
        for (int x = 0; x < w; x++)
            y[(size_t)r * w + x] = fake_v4l2_smooth_luma(k, x, r);
        for (int x = 0; x < cw; x++) {
            u[(size_t)r * cw + x] = (uint8_t)(128 + 40 * sin(x * 0.07 + k * 0.3));
            v[(size_t)r * cw + x] = (uint8_t)(128 + 40 * cos(r * 0.05 - k * 0.2));
        }
    }
    if (!f->tj)
        f->tj = tjInitCompress();
    const unsigned char *planes[3] = {y, u, v};
    unsigned char *out = dst;
    unsigned long len = cap;
    if (!f->tj || tjCompressFromYUVPlanes(f->tj, planes, w, NULL, h, TJSAMP_422, &out, &len, 92,
                                          TJFLAG_NOREALLOC) != 0) {
        misuse(f, "tjCompressFromYUVPlanes: %s", f->tj ? tjGetErrorStr2(f->tj) : "no compressor");
        len = 0;
    }
    free(y), free(u), free(v);
    return len;
}

/* Scripted damage to MJPEG frame k of len bytes in p; returns the bytes left. */
/* Removes the DHT segments (FF C4 + length) before the scan. */
static unsigned long strip_dht(fake_v4l2 *f, uint8_t *p, unsigned long len)
{
    unsigned long i = 2;
    while (i + 4 <= len && p[i] == 0xFF && p[i + 1] != 0xDA) {
        unsigned long seg = 2 + ((unsigned long)p[i + 2] << 8 | p[i + 3]);
        if (i + seg > len)
            break;
        if (p[i + 1] == 0xC4) {
            memmove(p + i, p + i + seg, len - i - seg);
            len -= seg;
            f->dht_removed++;
        } else {
            i += seg;
        }
    }
    return len;
}

static unsigned long damage_jpeg(fake_v4l2 *f, uint8_t *p, long k, unsigned long len)
{
    if (f->no_huffman_tables)
        len = strip_dht(f, p, len);
    if (f->junk_before_eoi && len >= 4 && len + 7 <= (unsigned long)f->sizeimage) {
        memcpy(p + len - 2, "\x01\x02\x03\x04\x05\x06\x07\xFF\xD9", 9);
        len += 7;
    }
    if (f->corrupt_from >= 0 && k >= f->corrupt_from && k < f->corrupt_from + f->corrupt_count) {
        switch ((k - f->corrupt_from) % 3) {
        case 0: /* cut off mid-scan, as when USB packets are lost */
            len = len * 3 / 5;
            break;
        case 1: /* the frame header (SOF: size and components) wrecked */
            for (unsigned long i = 2; i + 10 < len; i++)
                if (p[i] == 0xFF && p[i + 1] == 0xC0) {
                    memset(p + i, 0x00, 10);
                    break;
                }
            break;
        default: /* nothing arrived */
            len = 0;
            break;
        }
    }
    return len;
}

static unsigned long make_frame(fake_v4l2 *f, uint8_t *p, long k)
{
    uint32_t fc = f->cfg.formats[f->cur_format].fourcc;
    if (is_jpeg(fc))
        return compress_frame(f, k, p, (unsigned long)f->sizeimage);
    int w = f->width, h = f->height, bpl = f->bytesperline;
    memset(p, 0xEE, (size_t)f->sizeimage); /* padding */
    for (int y = 0; y < h; y++) {
        uint8_t *row = p + (size_t)y * bpl;
        for (int x = 0; x < w; x++) {
            uint8_t l = fake_v4l2_luma(k, x, y), c = chroma(k, x, y), rgb[3];
            switch (fc) {
            case V4L2_PIX_FMT_YUYV:
            case V4L2_PIX_FMT_YVYU:
                row[2 * x] = l;
                row[2 * x + 1] = c;
                break;
            case V4L2_PIX_FMT_UYVY:
            case V4L2_PIX_FMT_VYUY:
                row[2 * x] = c;
                row[2 * x + 1] = l;
                break;
            case V4L2_PIX_FMT_RGB24:
                fake_v4l2_rgb(k, x, y, row + 3 * x);
                break;
            case V4L2_PIX_FMT_BGR24:
                fake_v4l2_rgb(k, x, y, rgb);
                row[3 * x] = rgb[2];
                row[3 * x + 1] = rgb[1];
                row[3 * x + 2] = rgb[0];
                break;
            default:
                row[x] = l;
                break;
            }
        }
    }
    if (is_planar420(fc)) { /* chroma after the luma plane */
        uint8_t *c = p + (size_t)bpl * h;
        for (int i = 0; i < bpl * ((h + 1) / 2); i++)
            c[i] = chroma(k, i, 1);
    }
    return (unsigned long)f->sizeimage;
}

static void clear_cache(fake_v4l2 *f)
{
    for (int i = 0; i < FAKE_MAX_CYCLE; i++) {
        free(f->cache[i]);
        f->cache[i] = NULL;
    }
}

/* Frame k into p (from the cache with frame_cycle); returns its size. */
static unsigned long fill_frame(fake_v4l2 *f, uint8_t *p, long k)
{
    unsigned long len;
    int slot = f->frame_cycle > 0 ? (int)(k % f->frame_cycle) : -1;
    if (slot >= 0 && slot < FAKE_MAX_CYCLE && f->cache[slot]) {
        len = f->cache_len[slot];
        memcpy(p, f->cache[slot], len);
    } else {
        len = make_frame(f, p, slot >= 0 ? slot : k);
        if (slot >= 0 && slot < FAKE_MAX_CYCLE && len > 0 && (f->cache[slot] = malloc(len)) != NULL) {
            memcpy(f->cache[slot], p, len);
            f->cache_len[slot] = len;
        }
    }
    return is_jpeg(f->cfg.formats[f->cur_format].fourcc) ? damage_jpeg(f, p, k, len) : len;
}

/* ---- controls ----------------------------------------------------------------------------------- */

typedef struct fake_control {
    uint32_t id;
    const char *name;
    uint32_t type;
    int32_t min, max, step, def;
    const char *menu[4]; /* items by index; NULL: not an item (as UVC's exposure menu) */
} fake_control;

static const fake_control controls[FAKE_N_CONTROLS] = {
    {V4L2_CID_BRIGHTNESS, "Brightness", V4L2_CTRL_TYPE_INTEGER, -64, 64, 1, 0, {NULL}},
    {V4L2_CID_EXPOSURE_AUTO, "Auto Exposure", V4L2_CTRL_TYPE_MENU, 0, 3, 1, 3,
     {NULL, "Manual Mode", NULL, "Aperture Priority Mode"}},
    {V4L2_CID_EXPOSURE_ABSOLUTE, "Exposure Time, Absolute", V4L2_CTRL_TYPE_INTEGER, 3, 2047, 1, 250, {NULL}},
    {V4L2_CID_EXPOSURE_AUTO_PRIORITY, "Exposure, Dynamic Framerate", V4L2_CTRL_TYPE_BOOLEAN, 0, 1, 1, 1, {NULL}},
    {V4L2_CID_POWER_LINE_FREQUENCY, "Power Line Frequency", V4L2_CTRL_TYPE_MENU, 0, 2, 1, 2,
     {"Disabled", "50 Hz", "60 Hz", NULL}},
};

static void reset_controls(fake_v4l2 *f)
{
    for (int i = 0; i < FAKE_N_CONTROLS; i++)
        f->ctrl[i] = controls[i].def;
}

static int control_index(uint32_t id)
{
    for (int i = 0; i < FAKE_N_CONTROLS; i++)
        if (controls[i].id == id)
            return i;
    return -1;
}

int fake_v4l2_control(const fake_v4l2 *f, uint32_t id)
{
    int i = control_index(id);
    return i < 0 ? -1000 : f->ctrl[i];
}

static int ioctl_queryctrl(fake_v4l2 *f, struct v4l2_queryctrl *q)
{
    int i = -1;
    if (q->id & V4L2_CTRL_FLAG_NEXT_CTRL) { /* the next ID above, in ID order */
        uint32_t after = q->id & ~V4L2_CTRL_FLAG_NEXT_CTRL;
        for (int k = 0; k < FAKE_N_CONTROLS; k++)
            if (controls[k].id > after && (i < 0 || controls[k].id < controls[i].id))
                i = k;
    } else {
        i = control_index(q->id);
    }
    if (i < 0)
        return fail(EINVAL);
    const fake_control *c = &controls[i];
    memset(q, 0, sizeof *q);
    q->id = c->id;
    q->type = c->type;
    snprintf((char *)q->name, sizeof q->name, "%s", c->name);
    q->minimum = c->min;
    q->maximum = c->max;
    q->step = c->step;
    q->default_value = c->def;
    if (c->id == V4L2_CID_EXPOSURE_ABSOLUTE && f->ctrl[1] != 1)
        q->flags |= V4L2_CTRL_FLAG_INACTIVE;
    return 0;
}

static int ioctl_querymenu(struct v4l2_querymenu *m)
{
    int i = control_index(m->id);
    if (i < 0 || controls[i].type != V4L2_CTRL_TYPE_MENU || m->index > 3 || !controls[i].menu[m->index])
        return fail(EINVAL);
    snprintf((char *)m->name, sizeof m->name, "%s", controls[i].menu[m->index]);
    return 0;
}

static int ioctl_ctrl(fake_v4l2 *f, struct v4l2_control *c, int set)
{
    int i = control_index(c->id);
    if (i < 0)
        return fail(EINVAL);
    if (!set) {
        c->value = f->ctrl[i];
        return 0;
    }
    const fake_control *k = &controls[i];
    if (c->value < k->min || c->value > k->max || (k->type == V4L2_CTRL_TYPE_MENU && !k->menu[c->value]))
        return fail(ERANGE);
    if (k->id == V4L2_CID_EXPOSURE_ABSOLUTE && f->ctrl[1] != 1)
        return fail(EACCES); /* as uvcvideo: the automatic exposure owns it */
    f->ctrl[i] = c->value;
    f->ctrl_sets++;
    return 0;
}

/* ---- the device calls ------------------------------------------------------------------------- */

static int is_meta_path(const char *path)
{
    size_t n = strlen(path);
    return n > 0 && path[n - 1] >= '0' && path[n - 1] <= '9' && (path[n - 1] - '0') % 2 == 1;
}

static int fake_open(void *ctx, const char *path, int flags)
{
    fake_v4l2 *f = ctx;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strncmp(base, "video", 5) != 0)
        return fail(ENOENT);
    if ((flags & O_ACCMODE) != O_RDWR)
        misuse(f, "open(%s) without O_RDWR", path);
    if (f->denied_node >= 0 && atoi(base + 5) == f->denied_node && base[5] >= '0' && base[5] <= '9')
        return fail(EACCES);
    if (is_meta_path(path))
        return META_FD;
    if (f->n_open_attempts < FAKE_MAX_OPENS)
        f->open_times[f->n_open_attempts] = camsep_monotonic_ns();
    int attempt = f->n_open_attempts++;
    if (f->fd >= 0)
        return fail(EBUSY);
    if (f->unplugged) {
        if (f->absent_opens > 0) {
            f->absent_opens--;
            return fail(ENOENT);
        }
        f->unplugged = 0;
        reset_controls(f);
        if (f->has_return_cfg) {
            f->cfg = f->return_cfg;
            const fake_v4l2_size *z = &f->cfg.formats[f->cfg.default_format].sizes[f->cfg.default_size];
            set_format(f, f->cfg.default_format, z->width, z->height);
        }
    }
    if (attempt < FAKE_MAX_OPENS)
        f->open_ok[attempt] = 1;
    f->fd = CAPTURE_FD;
    f->broken = f->stalled = 0;
    return f->fd;
}

static void release_buffers(fake_v4l2 *f)
{
    for (int i = 0; i < f->n_buffers; i++) {
        free(f->mem[i]);
        f->mem[i] = NULL;
        f->queued[i] = f->mapped[i] = 0;
    }
    f->n_buffers = 0;
    f->fifo_len = f->fifo_head = 0;
}

static int fake_close(void *ctx, int fd)
{
    fake_v4l2 *f = ctx;
    if (fd == META_FD)
        return 0;
    if (fd != CAPTURE_FD || f->fd != CAPTURE_FD) {
        misuse(f, "close of fd %d that is not open", fd);
        return fail(EBADF);
    }
    for (int i = 0; i < f->n_buffers; i++)
        if (f->mapped[i])
            misuse(f, "close with buffer %d still mapped", i);
    release_buffers(f);
    f->streaming = 0;
    f->fd = -1;
    return 0;
}

static int ioctl_querycap(fake_v4l2 *f, int fd, struct v4l2_capability *cap)
{
    memset(cap, 0, sizeof *cap);
    snprintf((char *)cap->driver, sizeof cap->driver, "fakecam");
    snprintf((char *)cap->card, sizeof cap->card, fd == META_FD ? "Fake Camera (metadata)" : "Fake Camera");
    snprintf((char *)cap->bus_info, sizeof cap->bus_info, "fake:%d", fd);
    uint32_t caps = fd == META_FD ? V4L2_CAP_META_CAPTURE | V4L2_CAP_STREAMING
                    : f->cfg.device_caps ? f->cfg.device_caps
                                         : V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
    cap->device_caps = caps;
    cap->capabilities = caps | V4L2_CAP_DEVICE_CAPS;
    cap->version = 0x060100;
    return 0;
}

static int ioctl_enum_fmt(fake_v4l2 *f, struct v4l2_fmtdesc *d)
{
    if (d->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || d->index >= (uint32_t)f->cfg.n_formats)
        return fail(EINVAL);
    const fake_v4l2_format *fm = &f->cfg.formats[d->index];
    uint32_t index = d->index;
    memset(d, 0, sizeof *d);
    d->index = index;
    d->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    d->flags = fm->flags;
    d->pixelformat = fm->fourcc;
    snprintf((char *)d->description, sizeof d->description, "Fake %c%c%c%c", (char)(fm->fourcc & 0xff),
             (char)((fm->fourcc >> 8) & 0xff), (char)((fm->fourcc >> 16) & 0xff), (char)(fm->fourcc >> 24));
    return 0;
}

static int ioctl_enum_sizes(fake_v4l2 *f, struct v4l2_frmsizeenum *e)
{
    int fi = find_format(f, e->pixel_format);
    if (fi < 0 || e->index >= (uint32_t)f->cfg.formats[fi].n_sizes)
        return fail(EINVAL);
    const fake_v4l2_size *z = &f->cfg.formats[fi].sizes[e->index];
    if (z->step_w > 0) {
        if (e->index > 0)
            return fail(EINVAL);
        e->type = V4L2_FRMSIZE_TYPE_STEPWISE;
        e->stepwise.min_width = (uint32_t)z->width;
        e->stepwise.min_height = (uint32_t)z->height;
        e->stepwise.max_width = (uint32_t)z->max_width;
        e->stepwise.max_height = (uint32_t)z->max_height;
        e->stepwise.step_width = (uint32_t)z->step_w;
        e->stepwise.step_height = (uint32_t)z->step_h;
    } else {
        e->type = V4L2_FRMSIZE_TYPE_DISCRETE;
        e->discrete.width = (uint32_t)z->width;
        e->discrete.height = (uint32_t)z->height;
    }
    return 0;
}

static int ioctl_enum_intervals(fake_v4l2 *f, struct v4l2_frmivalenum *e)
{
    int fi = find_format(f, e->pixel_format);
    if (fi < 0)
        return fail(EINVAL);
    const fake_v4l2_format *fm = &f->cfg.formats[fi];
    for (int i = 0; i < fm->n_sizes; i++) {
        const fake_v4l2_size *z = &fm->sizes[i];
        if (!size_matches(z, (int)e->width, (int)e->height))
            continue;
        if (e->index >= (uint32_t)z->n_fps)
            return fail(EINVAL);
        e->type = V4L2_FRMIVAL_TYPE_DISCRETE;
        e->discrete.numerator = 1;
        e->discrete.denominator = (uint32_t)z->fps[e->index];
        return 0;
    }
    return fail(EINVAL);
}

static void fill_format(const fake_v4l2 *f, struct v4l2_format *v)
{
    memset(&v->fmt, 0, sizeof v->fmt);
    v->fmt.pix.width = (uint32_t)f->width;
    v->fmt.pix.height = (uint32_t)f->height;
    v->fmt.pix.pixelformat = f->cfg.formats[f->cur_format].fourcc;
    v->fmt.pix.field = V4L2_FIELD_NONE;
    v->fmt.pix.bytesperline = (uint32_t)f->bytesperline;
    v->fmt.pix.sizeimage = (uint32_t)f->sizeimage;
    v->fmt.pix.colorspace = V4L2_COLORSPACE_SRGB;
}

static int ioctl_s_fmt(fake_v4l2 *f, struct v4l2_format *v)
{
    if (v->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
        return fail(EINVAL);
    if (f->n_buffers > 0)
        return fail(EBUSY);
    f->s_fmt_calls++;
    int fi = find_format(f, v->fmt.pix.pixelformat);
    set_format(f, fi < 0 ? 0 : fi, (int)v->fmt.pix.width, (int)v->fmt.pix.height);
    fill_format(f, v);
    return 0;
}

static int ioctl_parm(fake_v4l2 *f, struct v4l2_streamparm *p, int set)
{
    if (p->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
        return fail(EINVAL);
    if (set) {
        if (f->streaming)
            return fail(EBUSY);
        f->s_parm_calls++;
        const struct v4l2_fract *t = &p->parm.capture.timeperframe;
        if (t->numerator == 0 || t->denominator == 0)
            return fail(EINVAL);
        double want = (double)t->denominator / t->numerator;
        const fake_v4l2_size *z = &f->cfg.formats[f->cur_format].sizes[f->cur_size];
        if (z->n_fps > 0) {
            int best = z->fps[0];
            for (int i = 1; i < z->n_fps; i++) {
                double a = z->fps[i] - want, b = best - want;
                if (a * a < b * b)
                    best = z->fps[i];
            }
            f->fps_num = 1;
            f->fps_den = (uint32_t)best;
        } else {
            f->fps_num = t->numerator;
            f->fps_den = t->denominator;
        }
    }
    memset(&p->parm, 0, sizeof p->parm);
    p->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
    p->parm.capture.timeperframe.numerator = f->fps_num;
    p->parm.capture.timeperframe.denominator = f->fps_den;
    return 0;
}

static int ioctl_reqbufs(fake_v4l2 *f, struct v4l2_requestbuffers *r)
{
    if (r->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || r->memory != V4L2_MEMORY_MMAP)
        return fail(EINVAL);
    if (f->streaming)
        return fail(EBUSY);
    for (int i = 0; i < f->n_buffers; i++)
        if (f->mapped[i])
            return fail(EBUSY);
    release_buffers(f);
    if (r->count == 0)
        return 0;
    int max = f->cfg.max_buffers > 0 ? f->cfg.max_buffers : FAKE_MAX_BUFFERS;
    int n = (int)r->count < 2 ? 2 : (int)r->count > max ? max : (int)r->count;
    for (int i = 0; i < n; i++) {
        f->mem[i] = calloc(1, (size_t)f->sizeimage);
        if (!f->mem[i]) {
            release_buffers(f);
            return fail(ENOMEM);
        }
    }
    f->n_buffers = n;
    r->count = (uint32_t)n;
    return 0;
}

static uint32_t timestamp_flags(const fake_v4l2 *f)
{
    return f->cfg.non_monotonic ? V4L2_BUF_FLAG_TIMESTAMP_UNKNOWN
                                : V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC | V4L2_BUF_FLAG_TSTAMP_SRC_SOE;
}

static int check_buffer(fake_v4l2 *f, const struct v4l2_buffer *b, const char *what)
{
    if (b->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || b->memory != V4L2_MEMORY_MMAP) {
        misuse(f, "%s with type %u memory %u", what, b->type, b->memory);
        return fail(EINVAL);
    }
    if (b->index >= (uint32_t)f->n_buffers) {
        misuse(f, "%s of buffer %u of %d", what, b->index, f->n_buffers);
        return fail(EINVAL);
    }
    return 0;
}

static int ioctl_querybuf(fake_v4l2 *f, struct v4l2_buffer *b)
{
    if (check_buffer(f, b, "QUERYBUF") < 0)
        return -1;
    uint32_t i = b->index;
    memset(b, 0, sizeof *b);
    b->index = i;
    b->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    b->memory = V4L2_MEMORY_MMAP;
    b->length = (uint32_t)f->sizeimage;
    b->m.offset = (i + 1) * OFFSET_UNIT;
    b->flags = timestamp_flags(f) | (f->queued[i] ? V4L2_BUF_FLAG_QUEUED : 0) |
               (f->mapped[i] ? V4L2_BUF_FLAG_MAPPED : 0);
    return 0;
}

static int ioctl_qbuf(fake_v4l2 *f, struct v4l2_buffer *b)
{
    if (check_buffer(f, b, "QBUF") < 0)
        return -1;
    if (f->broken)
        return fail(EIO);
    if (f->queued[b->index]) {
        misuse(f, "QBUF of buffer %u already queued", b->index);
        return fail(EINVAL);
    }
    f->queued[b->index] = 1;
    f->fifo[(f->fifo_head + f->fifo_len) % FAKE_MAX_BUFFERS] = (int)b->index;
    f->fifo_len++;
    return 0;
}

static int frame_ready(fake_v4l2 *f)
{
    if (f->stall_at >= 0 && f->frames >= f->stall_at) { /* one stall, until the next open */
        f->stalled = 1;
        f->stall_at = -1;
    }
    return !f->stalled && f->fifo_len > 0;
}

static int ioctl_dqbuf(fake_v4l2 *f, struct v4l2_buffer *b)
{
    if (b->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || b->memory != V4L2_MEMORY_MMAP) {
        misuse(f, "DQBUF with type %u memory %u", b->type, b->memory);
        return fail(EINVAL);
    }
    if (!f->streaming)
        return fail(EINVAL);
    if (f->broken)
        return fail(EIO);
    if (f->eio_at >= 0 && f->frames == f->eio_at) {
        f->eio_at = -1;
        f->broken = 1;
        return fail(EIO);
    }
    if (!frame_ready(f))
        return fail(EAGAIN);
    int i = f->fifo[f->fifo_head];
    f->fifo_head = (f->fifo_head + 1) % FAKE_MAX_BUFFERS;
    f->fifo_len--;
    f->queued[i] = 0;
    long k = f->frames;
    unsigned long used = fill_frame(f, f->mem[i], k);
    if (f->gap_at == k)
        f->sequence += (uint32_t)f->gap;
    memset(b, 0, sizeof *b);
    b->index = (uint32_t)i;
    b->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    b->memory = V4L2_MEMORY_MMAP;
    b->bytesused = (uint32_t)used;
    b->length = (uint32_t)f->sizeimage;
    b->m.offset = (uint32_t)(i + 1) * OFFSET_UNIT;
    b->field = V4L2_FIELD_NONE;
    b->sequence = f->sequence++;
    b->flags = timestamp_flags(f) | V4L2_BUF_FLAG_MAPPED | (f->error_flag_at == k ? V4L2_BUF_FLAG_ERROR : 0);
    int64_t us;
    if (f->cfg.non_monotonic) {
        us = (int64_t)1700000000 * 1000000 + (int64_t)k * 33333;
    } else {
        us = camsep_monotonic_ns() / 1000 - 1000; /* exposure started 1 ms ago */
        if (us * 1000 <= f->last_timestamp_ns)
            us = f->last_timestamp_ns / 1000 + 1;
    }
    b->timestamp.tv_sec = (time_t)(us / 1000000);
    b->timestamp.tv_usec = (suseconds_t)(us % 1000000);
    f->last_timestamp_ns = us * 1000;
    f->last_frame = k;
    f->frames++;
    if (f->unplug_after >= 0 && f->frames == f->unplug_after) {
        f->unplugged = 1;
        reset_controls(f); /* a replugged camera starts from its defaults */
    }
    return 0;
}

static int fake_ioctl(void *ctx, int fd, unsigned long request, void *arg)
{
    fake_v4l2 *f = ctx;
    if (fd == META_FD)
        return request == VIDIOC_QUERYCAP ? ioctl_querycap(f, fd, arg) : fail(ENOTTY);
    if (fd != CAPTURE_FD || f->fd != CAPTURE_FD) {
        misuse(f, "ioctl on fd %d that is not open", fd);
        return fail(EBADF);
    }
    if (f->unplugged)
        return fail(ENODEV);
    switch (request) {
    case VIDIOC_QUERYCAP:
        return ioctl_querycap(f, fd, arg);
    case VIDIOC_ENUM_FMT:
        return ioctl_enum_fmt(f, arg);
    case VIDIOC_ENUM_FRAMESIZES:
        return ioctl_enum_sizes(f, arg);
    case VIDIOC_ENUM_FRAMEINTERVALS:
        return ioctl_enum_intervals(f, arg);
    case VIDIOC_G_FMT: {
        struct v4l2_format *v = arg;
        if (v->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
            return fail(EINVAL);
        fill_format(f, v);
        return 0;
    }
    case VIDIOC_S_FMT:
        return ioctl_s_fmt(f, arg);
    case VIDIOC_QUERYCTRL:
        return ioctl_queryctrl(f, arg);
    case VIDIOC_QUERYMENU:
        return ioctl_querymenu(arg);
    case VIDIOC_G_CTRL:
        return ioctl_ctrl(f, arg, 0);
    case VIDIOC_S_CTRL:
        return ioctl_ctrl(f, arg, 1);
    case VIDIOC_G_PARM:
        return ioctl_parm(f, arg, 0);
    case VIDIOC_S_PARM:
        return ioctl_parm(f, arg, 1);
    case VIDIOC_REQBUFS:
        return ioctl_reqbufs(f, arg);
    case VIDIOC_QUERYBUF:
        return ioctl_querybuf(f, arg);
    case VIDIOC_QBUF:
        return ioctl_qbuf(f, arg);
    case VIDIOC_DQBUF:
        return ioctl_dqbuf(f, arg);
    case VIDIOC_STREAMON:
    case VIDIOC_STREAMOFF: {
        const int *type = arg;
        if (*type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
            return fail(EINVAL);
        if (request == VIDIOC_STREAMON) {
            if (f->n_buffers == 0)
                return fail(EINVAL);
            if (!f->streaming)
                f->sequence = 0;
            f->streaming = 1;
        } else {
            f->streaming = 0;
            for (int i = 0; i < f->n_buffers; i++)
                f->queued[i] = 0;
            f->fifo_len = f->fifo_head = 0;
        }
        return 0;
    }
    default:
        return fail(ENOTTY);
    }
}

static void *fake_mmap(void *ctx, void *addr, size_t length, int prot, int flags, int fd, int64_t offset)
{
    fake_v4l2 *f = ctx;
    (void)addr;
    if (fd != CAPTURE_FD || f->fd != CAPTURE_FD || f->unplugged) {
        errno = fd != CAPTURE_FD ? EBADF : ENODEV;
        return MAP_FAILED;
    }
    int64_t i = offset / OFFSET_UNIT - 1;
    if (offset % OFFSET_UNIT != 0 || i < 0 || i >= f->n_buffers || length != (size_t)f->sizeimage ||
        !(flags & MAP_SHARED) || !(prot & PROT_READ)) {
        misuse(f, "mmap of offset %lld length %zu (buffers of %d)", (long long)offset, length, f->sizeimage);
        errno = EINVAL;
        return MAP_FAILED;
    }
    if (f->mapped[i])
        misuse(f, "buffer %lld mapped twice", (long long)i);
    f->mapped[i] = 1;
    return f->mem[i];
}

static int fake_munmap(void *ctx, void *addr, size_t length)
{
    fake_v4l2 *f = ctx;
    for (int i = 0; i < f->n_buffers; i++)
        if (f->mem[i] == addr && f->mapped[i]) {
            if (length != (size_t)f->sizeimage)
                misuse(f, "munmap of buffer %d with length %zu", i, length);
            f->mapped[i] = 0;
            return 0;
        }
    misuse(f, "munmap of an unknown address");
    return fail(EINVAL);
}

static int fake_poll(void *ctx, struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    fake_v4l2 *f = ctx;
    if (nfds != 1) {
        misuse(f, "poll of %zu descriptors", (size_t)nfds);
        return fail(EINVAL);
    }
    fds[0].revents = 0;
    if (fds[0].fd != CAPTURE_FD || f->fd != CAPTURE_FD) {
        fds[0].revents = POLLNVAL;
        return 1;
    }
    if (f->unplugged) {
        fds[0].revents = POLLERR | POLLHUP;
        return 1;
    }
    if (!f->streaming || f->fifo_len == 0 || f->broken) {
        fds[0].revents = POLLERR;
        if (f->broken) /* vb2 after an error: readable, DQBUF tells EIO */
            fds[0].revents |= POLLIN;
        return 1;
    }
    if (f->eio_at >= 0 && f->frames == f->eio_at) {
        fds[0].revents = POLLIN | POLLRDNORM;
        return 1;
    }
    if (!frame_ready(f)) { /* nothing will come: wait out the timeout */
        int ms = timeout_ms < 0 ? 1000 : timeout_ms;
        camsep_sleep_until_ns(camsep_monotonic_ns() + (int64_t)ms * 1000000);
        return 0;
    }
    fds[0].revents = POLLIN | POLLRDNORM;
    return 1;
}

void fake_v4l2_init(fake_v4l2 *f, const fake_v4l2_config *cfg)
{
    memset(f, 0, sizeof *f);
    f->cfg = *cfg;
    f->fd = -1;
    f->unplug_after = f->eio_at = f->stall_at = f->gap_at = f->error_flag_at = -1;
    f->corrupt_from = -1;
    f->denied_node = -1;
    reset_controls(f);
    f->last_frame = -1;
    f->dev.open = fake_open;
    f->dev.close = fake_close;
    f->dev.ioctl = fake_ioctl;
    f->dev.mmap = fake_mmap;
    f->dev.munmap = fake_munmap;
    f->dev.poll = fake_poll;
    f->dev.ctx = f;
    const fake_v4l2_size *z = &f->cfg.formats[cfg->default_format].sizes[cfg->default_size];
    set_format(f, cfg->default_format, z->width, z->height);
}

void fake_v4l2_free(fake_v4l2 *f)
{
    if (f->fd >= 0)
        misuse(f, "the device was left open");
    release_buffers(f);
    clear_cache(f);
    if (f->tj)
        tjDestroy(f->tj);
    f->tj = NULL;
}
