/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The V4L2 camera source against a fake device: format negotiation (rate
 * weighed, MJPEG against libv4l2's conversions), luma conversion
 * (pixel-exact), MJPEG decoding (the reduced luma against the source
 * picture), corrupt MJPEG frames, camera controls at open and after a
 * reconnect, timestamps and sequence numbers, the listings, camera faults
 * (unplug and return with backoff, I/O error, stall), and no allocation per
 * frame in steady state. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/videodev2.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture_clock.h"
#include "fake_v4l2.h"
#include "test_support.h"
#include "v4l2_source.h"
#include "alloc_counter.h"

#define MS 1000000LL

/* ---- configurations --------------------------------------------------------------------------- */

static fake_v4l2_format format(uint32_t fourcc, uint32_t flags)
{
    fake_v4l2_format f;
    memset(&f, 0, sizeof f);
    f.fourcc = fourcc;
    f.flags = flags;
    return f;
}

static void add_size(fake_v4l2_format *f, fake_v4l2_size z)
{
    CHECK(f->n_sizes < FAKE_MAX_SIZES);
    f->sizes[f->n_sizes++] = z;
}

static void add_format(fake_v4l2_config *c, fake_v4l2_format f)
{
    CHECK(c->n_formats < FAKE_MAX_FORMATS);
    c->formats[c->n_formats++] = f;
}

/* A typical webcam: MJPEG at every size and 30 fps, YUYV with fewer rates at the large size. */
static fake_v4l2_config webcam(void)
{
    fake_v4l2_config c;
    memset(&c, 0, sizeof c);
    fake_v4l2_format mj = format(V4L2_PIX_FMT_MJPEG, V4L2_FMT_FLAG_COMPRESSED);
    add_size(&mj, fake_v4l2_discrete(640, 480, 30, 15, 0));
    add_size(&mj, fake_v4l2_discrete(1280, 720, 30, 15, 0));
    fake_v4l2_format yuyv = format(V4L2_PIX_FMT_YUYV, 0);
    add_size(&yuyv, fake_v4l2_discrete(640, 480, 30, 15, 0));
    add_size(&yuyv, fake_v4l2_discrete(1280, 720, 10, 0, 0));
    add_size(&yuyv, fake_v4l2_discrete(320, 240, 30, 0, 0));
    add_size(&yuyv, fake_v4l2_discrete(320, 180, 30, 0, 0));
    add_format(&c, mj);
    add_format(&c, yuyv);
    c.default_format = 1;
    c.default_size = 0;
    c.pad = 64;
    return c;
}

static fake_v4l2_config single(uint32_t fourcc, uint32_t flags, int w, int h, int fps)
{
    fake_v4l2_config c;
    memset(&c, 0, sizeof c);
    fake_v4l2_format f = format(fourcc, flags);
    add_size(&f, fake_v4l2_discrete(w, h, fps, 0, 0));
    add_format(&c, f);
    return c;
}

/* ---- helpers ---------------------------------------------------------------------------------- */

static uint8_t expected_luma(uint32_t fourcc, long frame, int x, int y)
{
    if (fourcc == V4L2_PIX_FMT_RGB24 || fourcc == V4L2_PIX_FMT_BGR24) {
        uint8_t rgb[3];
        fake_v4l2_rgb(frame, x, y, rgb);
        return (uint8_t)((77 * rgb[0] + 150 * rgb[1] + 29 * rgb[2] + 128) >> 8);
    }
    return fake_v4l2_luma(frame, x, y);
}

static void check_frame(const camsep_frame *fr, const fake_v4l2 *f, uint32_t fourcc)
{
    CHECK(fr->width == f->width && fr->height == f->height);
    CHECK(fr->stride >= fr->width);
    CHECK(fr->timestamp_ns == f->last_timestamp_ns || f->cfg.non_monotonic);
    for (int y = 0; y < fr->height; y++)
        for (int x = 0; x < fr->width; x++) {
            uint8_t want = expected_luma(fourcc, f->last_frame, x, y);
            uint8_t got = fr->luma[(size_t)y * fr->stride + x];
            CHECK_MSG(got == want, "frame %ld pixel (%d,%d): luma %d, expected %d", f->last_frame, x, y, got, want);
        }
}

static camsep_source_status read_frame(camsep_frame_source *s, camsep_frame *fr, int timeout_ms, char *err,
                                       size_t errlen)
{
    err[0] = '\0';
    return camsep_frame_source_read(s, fr, timeout_ms, err, errlen);
}

static void read_ok(camsep_frame_source *s, camsep_frame *fr)
{
    char err[512];
    camsep_source_status st = read_frame(s, fr, 500, err, sizeof err);
    CHECK_MSG(st == CAMSEP_SOURCE_OK, "status %d: %s", (int)st, err);
}

static void done(fake_v4l2 *f, camsep_frame_source *s)
{
    camsep_frame_source_close(s);
    CHECK_MSG(f->fd < 0, "the source left the device open");
    fake_v4l2_free(f);
    CHECK_MSG(f->misuse == 0, "%d misuse(s) of the device: %s", f->misuse, f->misuse_msg);
}

static camsep_frame_source *open_fake(fake_v4l2 *f, const camsep_v4l2_request *req)
{
    char err[512];
    camsep_frame_source *s = camsep_v4l2_open("/dev/video0", req, &f->dev, err, sizeof err);
    CHECK_MSG(s, "open failed: %s", err);
    return s;
}

static void check_contains(const char *text, const char *part)
{
    CHECK_MSG(strstr(text, part), "\"%s\" lacks \"%s\"", text, part);
}

/* ---- negotiation and streaming ---------------------------------------------------------------- */

static void test_default_stream(void)
{
    fake_v4l2_config c = webcam();
    fake_v4l2 f;
    fake_v4l2_init(&f, &c);
    camsep_frame_source *s = open_fake(&f, NULL);
    CHECK(s->width == 640 && s->height == 480);
    CHECK(s->frame_rate > 29.99 && s->frame_rate < 30.01);
    CHECK_MSG(strcmp(s->description, "/dev/video0 640x480 YUYV 30 fps") == 0, "%s", s->description);
    CHECK(f.bytesperline == 640 * 2 + 64);

    int64_t last_ts = 0;
    for (uint64_t i = 0; i < 10; i++) {
        camsep_frame fr;
        int64_t before = camsep_monotonic_ns();
        read_ok(s, &fr);
        CHECK(fr.sequence == i);
        CHECK(fr.timestamp_ns == f.last_timestamp_ns && fr.timestamp_ns > last_ts);
        CHECK(fr.timestamp_ns <= camsep_monotonic_ns() && fr.timestamp_ns > before - 100 * MS);
        last_ts = fr.timestamp_ns;
        check_frame(&fr, &f, V4L2_PIX_FMT_YUYV);
    }
    camsep_v4l2_stats st;
    CHECK(camsep_v4l2_get_stats(s, &st) == 0);
    CHECK(st.frames == 10 && st.dropped == 0 && st.faults == 0 && st.monotonic == 1 && st.connected == 1);
    CHECK(st.fourcc == V4L2_PIX_FMT_YUYV && !st.emulated);
    done(&f, s);
}

static int is_jpeg(uint32_t fourcc)
{
    return fourcc == V4L2_PIX_FMT_MJPEG || fourcc == V4L2_PIX_FMT_JPEG;
}

/* The mean of the source pixels whose centres fall in [a, b) along one axis: their range. */
static void footprint(int o, double step, int limit, int *lo, int *hi)
{
    *lo = (int)ceil(o * step - 0.5);
    *hi = (int)ceil((o + 1) * step - 0.5);
    if (*hi <= *lo)
        *hi = *lo + 1;
    if (*hi > limit)
        *hi = limit;
}

/* A decoded MJPEG frame at m/8 against the means of the source picture over each output pixel. */
static void check_mjpeg_frame(const camsep_frame *fr, const fake_v4l2 *f, int m8)
{
    CHECK_MSG(fr->width == (f->width * m8 + 7) / 8 && fr->height == (f->height * m8 + 7) / 8,
              "%dx%d from %dx%d at %d/8", fr->width, fr->height, f->width, f->height, m8);
    double step = 8.0 / m8, sum = 0;
    int worst = 0;
    for (int y = 0; y < fr->height; y++)
        for (int x = 0; x < fr->width; x++) {
            int x0, x1, y0, y1, n = 0;
            double m = 0;
            footprint(x, step, f->width, &x0, &x1);
            footprint(y, step, f->height, &y0, &y1);
            for (int j = y0; j < y1; j++)
                for (int i = x0; i < x1; i++, n++)
                    m += fake_v4l2_smooth_luma(f->last_frame, i, j);
            int d = abs((int)lrint(m / n) - (int)fr->luma[(size_t)y * fr->stride + x]);
            sum += d;
            if (d > worst)
                worst = d;
        }
    double mean = sum / ((double)fr->width * fr->height);
    CHECK_MSG(mean < 1.0 && worst <= 10, "frame %ld at %d/8: mean error %.2f, worst %d grey levels", f->last_frame,
              m8, mean, worst);
}

static void expect_choice(const fake_v4l2_config *c, const camsep_v4l2_request *req, uint32_t fourcc, int w, int h,
                          double fps)
{
    fake_v4l2 f;
    fake_v4l2_init(&f, c);
    camsep_frame_source *s = open_fake(&f, req);
    camsep_v4l2_stats st;
    CHECK(camsep_v4l2_get_stats(s, &st) == 0);
    char a[5] = {0}, b[5] = {0};
    memcpy(a, &st.fourcc, 4);
    memcpy(b, &fourcc, 4);
    CHECK_MSG(st.fourcc == fourcc && f.width == w && f.height == h, "got %s %dx%d, expected %s %dx%d", a, f.width,
              f.height, b, w, h);
    if (fps > 0)
        CHECK_MSG(s->frame_rate > fps - 0.01 && s->frame_rate < fps + 0.01, "rate %g, expected %g", s->frame_rate,
                  fps);
    camsep_frame fr;
    read_ok(s, &fr);
    read_ok(s, &fr);
    if (is_jpeg(fourcc))
        check_mjpeg_frame(&fr, &f, s->width * 8 / w);
    else
        check_frame(&fr, &f, fourcc);
    done(&f, s);
}

static void test_negotiation(void)
{
    fake_v4l2_config web = webcam();
    camsep_v4l2_request r;

    memset(&r, 0, sizeof r);
    r.fps = 15;
    expect_choice(&web, &r, V4L2_PIX_FMT_YUYV, 640, 480, 15);
    {
        fake_v4l2 f;
        fake_v4l2_init(&f, &web);
        camsep_frame_source *s = open_fake(&f, &r);
        CHECK(f.s_parm_calls >= 1 && f.fps_den == 15 && f.fps_num == 1);
        check_contains(s->description, "640x480 YUYV 15 fps");
        done(&f, s);
    }
    /* 1280x720: YUYV has 10 fps there, MJPEG 30: MJPEG, whether 30 fps is asked for or not */
    memset(&r, 0, sizeof r);
    r.width = 1280;
    r.height = 720;
    expect_choice(&web, &r, V4L2_PIX_FMT_MJPEG, 1280, 720, 30);
    r.fps = 30;
    expect_choice(&web, &r, V4L2_PIX_FMT_MJPEG, 1280, 720, 30);
    {   /* without MJPEG: the usable rate wins over the size, unless the slow rate is asked for */
        fake_v4l2_config y = web;
        y.formats[0] = y.formats[1];
        y.n_formats = 1;
        y.default_format = 0;
        r.fps = 0;
        expect_choice(&y, &r, V4L2_PIX_FMT_YUYV, 640, 480, 30);
        r.fps = 10;
        expect_choice(&y, &r, V4L2_PIX_FMT_YUYV, 1280, 720, 10);
        /* no request: about 640x480 at 30 fps, whatever the camera was left at */
        y.default_size = 1;
        expect_choice(&y, NULL, V4L2_PIX_FMT_YUYV, 640, 480, 30);
    }
    memset(&r, 0, sizeof r);
    r.width = 800;
    r.height = 600;
    expect_choice(&web, &r, V4L2_PIX_FMT_YUYV, 640, 480, 30); /* the nearest size */
    memset(&r, 0, sizeof r);
    r.width = 320;
    expect_choice(&web, &r, V4L2_PIX_FMT_YUYV, 320, 240, 30); /* free height: the larger of 320x240, 320x180 */

    /* the order of preference: GREY, packed 4:2:2, 4:2:0, RGB; native before libv4l2 conversions */
    fake_v4l2_config c;
    memset(&c, 0, sizeof c);
    const uint32_t order[][2] = {
        {V4L2_PIX_FMT_RGB24, V4L2_FMT_FLAG_EMULATED}, {V4L2_PIX_FMT_YUV420, V4L2_FMT_FLAG_EMULATED},
        {V4L2_PIX_FMT_NV12, 0}, {V4L2_PIX_FMT_UYVY, 0}, {V4L2_PIX_FMT_GREY, 0},
    };
    for (int i = 0; i < 5; i++) {
        fake_v4l2_format fm = format(order[i][0], order[i][1]);
        add_size(&fm, fake_v4l2_discrete(320, 240, 30, 0, 0));
        add_format(&c, fm);
    }
    const uint32_t picks[] = {V4L2_PIX_FMT_GREY, V4L2_PIX_FMT_UYVY, V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_YUV420,
                              V4L2_PIX_FMT_RGB24};
    for (int i = 0; i < 5; i++) { /* drop the winner each round */
        expect_choice(&c, NULL, picks[i], 320, 240, 30);
        c.n_formats--;
    }
    {   /* libv4l2's conversion is said in the description */
        fake_v4l2_config e = single(V4L2_PIX_FMT_RGB24, V4L2_FMT_FLAG_EMULATED, 320, 240, 30);
        fake_v4l2 f;
        fake_v4l2_init(&f, &e);
        camsep_frame_source *s = open_fake(&f, NULL);
        check_contains(s->description, "RGB3 30 fps (libv4l2 conversion)");
        done(&f, s);
    }

    /* several rates per size: 30 without a request (not 60, not the first listed), the one asked for
     * otherwise; a size without a usable rate loses to one with it */
    memset(&c, 0, sizeof c);
    fake_v4l2_format yr = format(V4L2_PIX_FMT_YUYV, 0);
    add_size(&yr, fake_v4l2_discrete(640, 480, 15, 60, 30));
    add_size(&yr, fake_v4l2_discrete(800, 600, 20, 15, 0));
    add_size(&yr, fake_v4l2_discrete(1280, 720, 7, 0, 0));
    add_format(&c, yr);
    c.default_size = 2;
    expect_choice(&c, NULL, V4L2_PIX_FMT_YUYV, 640, 480, 30);
    memset(&r, 0, sizeof r);
    r.fps = 60;
    expect_choice(&c, &r, V4L2_PIX_FMT_YUYV, 640, 480, 60);
    r.width = 800;
    r.height = 600;
    r.fps = 0;
    expect_choice(&c, &r, V4L2_PIX_FMT_YUYV, 640, 480, 30);
    r.fps = 20;
    expect_choice(&c, &r, V4L2_PIX_FMT_YUYV, 800, 600, 20);

    /* a webcam through libv4l2: native MJPEG plus its RGB3/BGR3/YU12 conversions of it, and YUYV at
     * 5 fps: camsep decodes the MJPEG itself */
    memset(&c, 0, sizeof c);
    const uint32_t emu[] = {V4L2_PIX_FMT_RGB24, V4L2_PIX_FMT_BGR24, V4L2_PIX_FMT_YUV420};
    fake_v4l2_format mjn = format(V4L2_PIX_FMT_MJPEG, V4L2_FMT_FLAG_COMPRESSED);
    add_size(&mjn, fake_v4l2_discrete(1280, 720, 30, 15, 0));
    add_size(&mjn, fake_v4l2_discrete(640, 480, 30, 15, 0));
    fake_v4l2_format slow = format(V4L2_PIX_FMT_YUYV, 0);
    add_size(&slow, fake_v4l2_discrete(1280, 720, 5, 0, 0));
    add_size(&slow, fake_v4l2_discrete(640, 480, 15, 0, 0));
    add_format(&c, slow);
    add_format(&c, mjn);
    for (int i = 0; i < 3; i++) {
        fake_v4l2_format e = format(emu[i], V4L2_FMT_FLAG_EMULATED);
        e.n_sizes = mjn.n_sizes;
        memcpy(e.sizes, mjn.sizes, sizeof e.sizes);
        add_format(&c, e);
    }
    expect_choice(&c, NULL, V4L2_PIX_FMT_MJPEG, 640, 480, 30);
    memset(&r, 0, sizeof r);
    r.width = 1280;
    r.height = 720;
    expect_choice(&c, &r, V4L2_PIX_FMT_MJPEG, 1280, 720, 30);
    c.formats[1] = c.formats[--c.n_formats]; /* no native MJPEG: libv4l2's YU12 (luma plane as is) */
    expect_choice(&c, &r, V4L2_PIX_FMT_YUV420, 1280, 720, 30);

    /* the requested size beats the preferred format */
    memset(&c, 0, sizeof c);
    fake_v4l2_format y = format(V4L2_PIX_FMT_YUYV, 0), rgb = format(V4L2_PIX_FMT_RGB24, V4L2_FMT_FLAG_EMULATED);
    add_size(&y, fake_v4l2_discrete(640, 480, 30, 0, 0));
    add_size(&rgb, fake_v4l2_discrete(1280, 720, 30, 0, 0));
    add_format(&c, y);
    add_format(&c, rgb);
    memset(&r, 0, sizeof r);
    r.width = 1280;
    r.height = 720;
    expect_choice(&c, &r, V4L2_PIX_FMT_RGB24, 1280, 720, 30);
    expect_choice(&c, NULL, V4L2_PIX_FMT_YUYV, 640, 480, 30);

    /* stepwise sizes, rates not enumerable: exact and snapped sizes, the rate asked for */
    memset(&c, 0, sizeof c);
    fake_v4l2_format g = format(V4L2_PIX_FMT_GREY, 0);
    fake_v4l2_size z;
    memset(&z, 0, sizeof z);
    z.width = 160;
    z.height = 120;
    z.max_width = 1920;
    z.max_height = 1080;
    z.step_w = 16;
    z.step_h = 8;
    add_size(&g, z);
    add_format(&c, g);
    memset(&r, 0, sizeof r);
    r.width = 1024;
    r.height = 768;
    r.fps = 25;
    expect_choice(&c, &r, V4L2_PIX_FMT_GREY, 1024, 768, 25);
    r.width = 1000;
    r.height = 500;
    expect_choice(&c, &r, V4L2_PIX_FMT_GREY, 1008, 504, 25);
}

static void test_conversions(void)
{
    const uint32_t all[] = {V4L2_PIX_FMT_GREY,   V4L2_PIX_FMT_YUYV,   V4L2_PIX_FMT_UYVY, V4L2_PIX_FMT_YVYU,
                            V4L2_PIX_FMT_VYUY,   V4L2_PIX_FMT_YUV420, V4L2_PIX_FMT_YVU420, V4L2_PIX_FMT_NV12,
                            V4L2_PIX_FMT_NV21,   V4L2_PIX_FMT_RGB24,  V4L2_PIX_FMT_BGR24};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        fake_v4l2_config c = single(all[i], 0, 162, 122, 30);
        c.pad = 7; /* odd line padding */
        fake_v4l2 f;
        fake_v4l2_init(&f, &c);
        camsep_frame_source *s = open_fake(&f, NULL);
        for (int k = 0; k < 3; k++) {
            camsep_frame fr;
            read_ok(s, &fr);
            check_frame(&fr, &f, all[i]);
        }
        done(&f, s);
    }
    /* the BT.601 weights on known colours */
    CHECK(((77 * 255 + 150 * 255 + 29 * 255 + 128) >> 8) == 255);
    CHECK(((77 * 255 + 128) >> 8) == 77 && ((150 * 255 + 128) >> 8) == 149 && ((29 * 255 + 128) >> 8) == 29);
}

static void expect_open_failure(const fake_v4l2_config *c, const char *path, const char *part1, const char *part2)
{
    fake_v4l2 f;
    fake_v4l2_init(&f, c);
    char err[512] = "";
    camsep_frame_source *s = camsep_v4l2_open(path, NULL, &f.dev, err, sizeof err);
    CHECK_MSG(!s, "opened %s", path);
    check_contains(err, part1);
    if (part2)
        check_contains(err, part2);
    CHECK(f.fd < 0);
    fake_v4l2_free(&f);
    CHECK_MSG(f.misuse == 0, "%s", f.misuse_msg);
}

static void test_open_failures(void)
{
    fake_v4l2_config mj = single(V4L2_PIX_FMT_HEVC, V4L2_FMT_FLAG_COMPRESSED, 640, 480, 30);
    fake_v4l2_format h = format(V4L2_PIX_FMT_H264, V4L2_FMT_FLAG_COMPRESSED);
    add_size(&h, fake_v4l2_discrete(640, 480, 30, 0, 0));
    add_format(&mj, h);
    expect_open_failure(&mj, "/dev/video0", "HEVC (compressed), H264 (compressed)", "no format that can be turned into luma");

    fake_v4l2_config c = webcam();
    expect_open_failure(&c, "/dev/nothing", "/dev/nothing: cannot open", "No such file");
    expect_open_failure(&c, "/dev/video1", "not a video capture device", "metadata");
    c.device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_READWRITE;
    expect_open_failure(&c, "/dev/video0", "does not support streaming", NULL);

    char err[256] = "";
    camsep_v4l2_request r;
    memset(&r, 0, sizeof r);
    r.width = -1;
    CHECK(!camsep_v4l2_open("/dev/video0", &r, NULL, err, sizeof err));
    check_contains(err, "invalid");
}

/* ---- listings --------------------------------------------------------------------------------- */

static char *capture_text(FILE *fp)
{
    long n = ftell(fp);
    CHECK(n >= 0);
    rewind(fp);
    char *text = calloc(1, (size_t)n + 1);
    CHECK(text && fread(text, 1, (size_t)n, fp) == (size_t)n);
    fclose(fp);
    return text;
}

static void test_listing(void)
{
    fake_v4l2_config c = webcam();
    fake_v4l2_format g = format(V4L2_PIX_FMT_GREY, 0);
    fake_v4l2_size z;
    memset(&z, 0, sizeof z);
    z.width = 160;
    z.height = 120;
    z.max_width = 1920;
    z.max_height = 1080;
    z.step_w = 16;
    z.step_h = 8;
    add_size(&g, z);
    add_format(&c, g);
    fake_v4l2 f;
    fake_v4l2_init(&f, &c);
    FILE *fp = tmpfile();
    CHECK(fp);
    CHECK(camsep_v4l2_list(&f.dev, "/dev/video0", fp) == 0);
    char *text = capture_text(fp);
    printf("%s", text);
    check_contains(text, "/dev/video0: Fake Camera (driver fakecam, bus fake:1000)");
    check_contains(text, "capabilities: video-capture streaming");
    check_contains(text, "  MJPG Fake MJPG [compressed]\n");
    check_contains(text, "  YUYV Fake YUYV\n    640x480: 30, 15 fps\n    1280x720: 10 fps\n    320x240: 30 fps\n");
    check_contains(text, "  GREY Fake GREY\n    160x120 to 1920x1080, step 16x8\n");
    check_contains(text, "default choice: YUYV 640x480 30 fps\n"); /* GREY lists no rates */
    check_contains(text, "controls (--camera-control NAME=VALUE):\n    brightness (0x00980900) -64..64 = 0\n");
    check_contains(text, "auto_exposure (0x009a0901) 0..3 = 3 [1 manual_mode, 3 aperture_priority_mode]\n");
    check_contains(text, "exposure_time_absolute (0x009a0902) 3..2047 = 250 inactive\n");
    free(text);
    CHECK(f.fd < 0);

    fp = tmpfile();
    CHECK(camsep_v4l2_list(&f.dev, "/dev/video1", fp) == 0);
    text = capture_text(fp);
    check_contains(text, "metadata-capture");
    check_contains(text, "not usable");
    free(text);
    fp = tmpfile();
    CHECK(camsep_v4l2_list(&f.dev, "/dev/absent", fp) == -1);
    text = capture_text(fp);
    check_contains(text, "cannot open");
    free(text);

    /* device nodes: even numbers are cameras, odd ones metadata nodes (the fake's rule); video4
     * cannot be opened (EACCES); stable names in v4l/by-id and v4l/by-path */
    char dir[] = "/tmp/camsep_v4l2_XXXXXX";
    CHECK(mkdtemp(dir));
    const char *names[] = {"video10", "video1", "video2", "video0", "vbi0", "videoX", "video3", "video4"};
    const int n_names = 8;
    char path[600], sub[200];
    for (int i = 0; i < n_names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *t = fopen(path, "w");
        CHECK(t);
        fclose(t);
    }
    snprintf(sub, sizeof sub, "%s/v4l", dir);
    CHECK(mkdir(sub, 0700) == 0);
    snprintf(sub, sizeof sub, "%s/v4l/by-id", dir);
    CHECK(mkdir(sub, 0700) == 0);
    snprintf(path, sizeof path, "%s/usb-Fake_Camera_0001-video-index0", sub);
    CHECK(symlink("../../video2", path) == 0);
    snprintf(path, sizeof path, "%s/usb-Other_Camera-video-index0", sub);
    CHECK(symlink("../../video4", path) == 0);
    f.denied_node = 4;
    fp = tmpfile();
    CHECK(camsep_v4l2_list_devices(&f.dev, dir, fp) == 3);
    text = capture_text(fp);
    printf("%s", text);
    char *p0 = strstr(text, "/video0: Fake Camera"), *p2 = strstr(text, "/video2: Fake Camera"),
         *p4 = strstr(text, "/video4: cannot open: Permission denied (is the user in the 'video' group?)"),
         *p10 = strstr(text, "/video10: Fake Camera");
    CHECK(p0 && p2 && p4 && p10 && p0 < p2 && p2 < p4 && p4 < p10);
    char *id2 = strstr(text, "/v4l/by-id/usb-Fake_Camera_0001-video-index0\n");
    char *id4 = strstr(text, "/v4l/by-id/usb-Other_Camera-video-index0\n");
    CHECK(id2 && id2 > p2 && id2 < p4 && id4 && id4 > p4 && id4 < p10);
    check_contains(p2, "    MJPG: 640x480 30 fps, 1280x720 30 fps\n"
                       "    YUYV: 640x480 30 fps, 1280x720 10 fps, 320x240 30 fps, 320x180 30 fps\n"
                       "    GREY: up to 1920x1080\n");
    check_contains(p2, "    camsep would use: YUYV 640x480 30 fps\n");
    CHECK(!strstr(text, "video1:") && !strstr(text, "video3:") && !strstr(text, "vbi"));
    check_contains(text, "by-id path");
    free(text);
    /* --list-devices with a source: the list, then that device (a character device: /dev/null,
     * which the fake does not know) */
    fp = tmpfile();
    CHECK(camsep_v4l2_list_cameras(&f.dev, dir, "auto", fp) == 0);
    CHECK(camsep_v4l2_list_cameras(&f.dev, dir, "/dev/null", fp) == -1);
    text = capture_text(fp);
    check_contains(text, "/video10: Fake Camera");
    check_contains(text, "\n/dev/null: cannot open");
    free(text);
    char first[600];
    CHECK(camsep_v4l2_first_device(&f.dev, dir, first, sizeof first) == 0);
    snprintf(path, sizeof path, "%s/video0", dir);
    CHECK(strcmp(first, path) == 0);
    for (int i = 0; i < n_names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (strcmp(names[i], "video4") != 0)
            CHECK(unlink(path) == 0);
    }
    /* only a node that cannot be opened: the hint, not a bare "no devices" */
    fp = tmpfile();
    CHECK(camsep_v4l2_list_devices(&f.dev, dir, fp) == 0);
    text = capture_text(fp);
    check_contains(text, "no video capture devices that can be opened under");
    check_contains(text, "usermod -aG video");
    free(text);
    snprintf(path, sizeof path, "%s/video4", dir);
    CHECK(unlink(path) == 0);
    snprintf(path, sizeof path, "%s/usb-Fake_Camera_0001-video-index0", sub);
    CHECK(unlink(path) == 0);
    snprintf(path, sizeof path, "%s/usb-Other_Camera-video-index0", sub);
    CHECK(unlink(path) == 0);
    CHECK(rmdir(sub) == 0);
    snprintf(sub, sizeof sub, "%s/v4l", dir);
    CHECK(rmdir(sub) == 0);
    fp = tmpfile();
    CHECK(camsep_v4l2_list_devices(&f.dev, dir, fp) == 0);
    text = capture_text(fp);
    check_contains(text, "no video capture devices");
    free(text);
    CHECK(camsep_v4l2_first_device(&f.dev, dir, first, sizeof first) == -1);
    CHECK(rmdir(dir) == 0);
    fp = tmpfile();
    CHECK(camsep_v4l2_list_devices(&f.dev, dir, fp) == -1);
    fclose(fp);
    fake_v4l2_free(&f);
    CHECK_MSG(f.misuse == 0, "%s", f.misuse_msg);
}

/* ---- faults ----------------------------------------------------------------------------------- */

static void test_unplug_and_return(void)
{
    fake_v4l2_config c = webcam();
    fake_v4l2 f;
    fake_v4l2_init(&f, &c);
    f.unplug_after = 5;
    f.absent_opens = 3;
    f.return_cfg = single(V4L2_PIX_FMT_YUYV, 0, 320, 240, 30); /* comes back smaller */
    f.has_return_cfg = 1;
    camsep_v4l2_request r;
    memset(&r, 0, sizeof r);
    r.backoff_min_ms = 20;
    r.backoff_max_ms = 80;
    camsep_frame_source *s = open_fake(&f, &r);
    camsep_frame fr;
    for (int i = 0; i < 5; i++)
        read_ok(s, &fr);
    uint64_t last_seq = fr.sequence;

    char err[512];
    int64_t t_before = camsep_monotonic_ns(); /* the fault is noticed after this */
    camsep_source_status st = read_frame(s, &fr, 50, err, sizeof err);
    int64_t t_fault = camsep_monotonic_ns();  /* and before this */
    CHECK_MSG(st == CAMSEP_SOURCE_ERROR, "status %d: %s", (int)st, err);
    printf("unplug: %s\n", err);
    check_contains(err, "/dev/video0: camera unplugged");
    check_contains(err, "No such device");
    check_contains(err, "reopening in 0.02 s");
    camsep_v4l2_stats stats;
    CHECK(camsep_v4l2_get_stats(s, &stats) == 0 && !stats.connected && stats.faults == 1);
    CHECK(s->width == 640); /* the last known size while gone */

    int errors = 0;
    for (;;) {
        CHECK_MSG(camsep_monotonic_ns() - t_fault < 10000 * MS, "the camera did not come back");
        st = read_frame(s, &fr, 15, err, sizeof err);
        if (st == CAMSEP_SOURCE_OK)
            break;
        if (st == CAMSEP_SOURCE_ERROR) {
            errors++;
            printf("while gone: %s\n", err);
            check_contains(err, "reopen failed: /dev/video0: cannot open");
        } else {
            CHECK_MSG(st == CAMSEP_SOURCE_AGAIN, "status %d", (int)st);
            check_contains(err, "camera gone; reopening in");
        }
    }
    CHECK_MSG(errors == 3, "%d failed reopens", errors);
    /* open attempts: the first open, three absences, the return; delays 20, 40, 80, 80 ms. An
     * attempt never comes early; the upper bound is loose so that a loaded machine passes. */
    CHECK(f.n_open_attempts == 5 && f.open_ok[0] && !f.open_ok[1] && !f.open_ok[2] && !f.open_ok[3] && f.open_ok[4]);
    const int64_t delays[] = {20, 40, 80, 80};
    for (int i = 0; i < 4; i++) {
        int64_t earliest = i == 0 ? t_before : f.open_times[i], latest = i == 0 ? t_fault : f.open_times[i];
        int64_t gap = f.open_times[i + 1] - latest;
        printf("reopen attempt %d after %.1f ms (backoff %lld ms)\n", i + 1, (double)gap / MS, (long long)delays[i]);
        CHECK_MSG(f.open_times[i + 1] - earliest >= delays[i] * MS && gap < (delays[i] + 1000) * MS,
                  "attempt %d after %.1f ms", i + 1, (double)gap / MS);
    }

    /* frames resume at the new size, numbering continues */
    CHECK(s->width == 320 && s->height == 240);
    CHECK(fr.width == 320 && fr.height == 240 && fr.stride >= 320);
    CHECK(fr.sequence == last_seq + 1);
    check_frame(&fr, &f, V4L2_PIX_FMT_YUYV);
    check_contains(s->description, "320x240 YUYV 30 fps");
    for (int i = 0; i < 5; i++) {
        uint64_t q = fr.sequence;
        read_ok(s, &fr);
        CHECK(fr.sequence == q + 1);
        check_frame(&fr, &f, V4L2_PIX_FMT_YUYV);
    }
    CHECK(camsep_v4l2_get_stats(s, &stats) == 0);
    CHECK(stats.connected && stats.faults == 1 && stats.reopens == 1 && stats.reopen_failures == 3);
    CHECK(stats.frames == 11);

    /* after streaming for backoff_max_ms the backoff starts again from backoff_min_ms */
    camsep_sleep_until_ns(camsep_monotonic_ns() + 90 * MS);
    read_ok(s, &fr);
    f.unplug_after = f.frames + 1;
    read_ok(s, &fr);
    st = read_frame(s, &fr, 50, err, sizeof err);
    CHECK_MSG(st == CAMSEP_SOURCE_ERROR, "status %d", (int)st);
    check_contains(err, "camera unplugged");
    check_contains(err, "reopening in 0.02 s");
    read_ok(s, &fr); /* back at once (no absence scripted) */
    CHECK(camsep_v4l2_get_stats(s, &stats) == 0 && stats.faults == 2 && stats.reopens == 2);
    done(&f, s);
}

static void test_io_error(void)
{
    fake_v4l2_config c = webcam();
    fake_v4l2 f;
    fake_v4l2_init(&f, &c);
    f.eio_at = 3;
    camsep_v4l2_request r;
    memset(&r, 0, sizeof r);
    r.backoff_min_ms = 300;
    camsep_frame_source *s = open_fake(&f, &r);
    camsep_frame fr;
    for (int i = 0; i < 3; i++)
        read_ok(s, &fr);
    char err[512];
    int64_t t_before = camsep_monotonic_ns();
    camsep_source_status st = read_frame(s, &fr, 50, err, sizeof err);
    CHECK_MSG(st == CAMSEP_SOURCE_ERROR, "status %d", (int)st);
    printf("eio: %s\n", err);
    check_contains(err, "camera I/O error (VIDIOC_DQBUF: Input/output error)");
    check_contains(err, "reopening in 0.30 s");
    int64_t t = camsep_monotonic_ns();
    st = read_frame(s, &fr, 0, err, sizeof err); /* a zero timeout does not wait */
    CHECK(st == CAMSEP_SOURCE_AGAIN && camsep_monotonic_ns() - t < 150 * MS);
    check_contains(err, "camera gone; reopening in");
    st = read_frame(s, &fr, 5, err, sizeof err); /* within the backoff: wait, nothing yet */
    CHECK(st == CAMSEP_SOURCE_AGAIN);
    st = read_frame(s, &fr, -1, err, sizeof err); /* no timeout: waits for the reopen */
    CHECK_MSG(st == CAMSEP_SOURCE_OK, "status %d: %s", (int)st, err);
    CHECK(f.n_open_attempts == 2 && f.open_times[1] - t_before >= 300 * MS);
    CHECK(fr.sequence == 3);
    check_frame(&fr, &f, V4L2_PIX_FMT_YUYV);
    CHECK(read_frame(s, &fr, 0, err, sizeof err) == CAMSEP_SOURCE_OK); /* a frame is ready: no wait needed */
    check_frame(&fr, &f, V4L2_PIX_FMT_YUYV);
    camsep_v4l2_stats stats;
    CHECK(camsep_v4l2_get_stats(s, &stats) == 0 && stats.faults == 1 && stats.reopens == 1);
    done(&f, s);
}

static void test_stall(void)
{
    fake_v4l2_config c = webcam();
    camsep_v4l2_request r;
    memset(&r, 0, sizeof r);
    r.backoff_min_ms = 10;
    camsep_frame fr;
    char err[512];
    camsep_v4l2_stats stats;

    /* a timeout shorter than a stall is a plain AGAIN */
    fake_v4l2 f;
    fake_v4l2_init(&f, &c);
    f.stall_at = 3;
    r.stall_ms = 10000;
    camsep_frame_source *s = open_fake(&f, &r);
    for (int i = 0; i < 3; i++)
        read_ok(s, &fr);
    for (int i = 0; i < 3; i++) {
        int64_t t = camsep_monotonic_ns();
        CHECK(read_frame(s, &fr, 20, err, sizeof err) == CAMSEP_SOURCE_AGAIN);
        CHECK(camsep_monotonic_ns() - t >= 20 * MS);
        check_contains(err, "no frame within 20 ms");
    }
    CHECK(camsep_v4l2_get_stats(s, &stats) == 0 && stats.faults == 0 && stats.connected);
    done(&f, s);

    /* no frame for stall_ms is a fault, and the camera is reopened */
    fake_v4l2_init(&f, &c);
    f.stall_at = 3;
    r.stall_ms = 150;
    s = open_fake(&f, &r);
    for (int i = 0; i < 2; i++)
        read_ok(s, &fr);
    int64_t t_last = camsep_monotonic_ns(); /* the last frame comes after this */
    read_ok(s, &fr);
    int agains = 0;
    camsep_source_status st;
    while ((st = read_frame(s, &fr, 30, err, sizeof err)) == CAMSEP_SOURCE_AGAIN) {
        agains++;
        CHECK(agains < 1000);
    }
    int64_t t_fault = camsep_monotonic_ns();
    CHECK_MSG(st == CAMSEP_SOURCE_ERROR, "status %d", (int)st);
    printf("stall: %s (after %d plain timeouts)\n", err, agains);
    check_contains(err, "camera stalled");
    CHECK(t_fault - t_last >= 150 * MS);
    read_ok(s, &fr);
    check_frame(&fr, &f, V4L2_PIX_FMT_YUYV);
    CHECK(camsep_v4l2_get_stats(s, &stats) == 0 && stats.faults == 1 && stats.reopens == 1);
    done(&f, s);
}

static void test_gaps_and_corrupt(void)
{
    fake_v4l2_config c = webcam();
    fake_v4l2 f;
    fake_v4l2_init(&f, &c);
    f.gap_at = 4;
    f.gap = 2;
    f.error_flag_at = 7;
    camsep_frame_source *s = open_fake(&f, NULL);
    const uint64_t want[] = {0, 1, 2, 3, 6, 7, 8, 10, 11};
    for (int i = 0; i < 9; i++) {
        camsep_frame fr;
        read_ok(s, &fr);
        CHECK_MSG(fr.sequence == want[i], "frame %d: sequence %llu, expected %llu", i,
                  (unsigned long long)fr.sequence, (unsigned long long)want[i]);
        check_frame(&fr, &f, V4L2_PIX_FMT_YUYV);
    }
    camsep_v4l2_stats st;
    CHECK(camsep_v4l2_get_stats(s, &st) == 0);
    CHECK(st.frames == 9 && st.dropped == 2 && st.corrupt == 1 && st.faults == 0);
    done(&f, s);
}

/* ---- MJPEG --------------------------------------------------------------------------------------- */

static fake_v4l2_config mjpeg_camera(void)
{
    fake_v4l2_config c;
    memset(&c, 0, sizeof c);
    fake_v4l2_format mj = format(V4L2_PIX_FMT_MJPEG, V4L2_FMT_FLAG_COMPRESSED);
    add_size(&mj, fake_v4l2_discrete(640, 480, 30, 0, 0));
    add_size(&mj, fake_v4l2_discrete(1280, 720, 30, 0, 0));
    add_size(&mj, fake_v4l2_discrete(1920, 1080, 30, 0, 0));
    add_size(&mj, fake_v4l2_discrete(160, 120, 30, 0, 0));
    add_format(&c, mj);
    return c;
}

static void test_mjpeg_decode(void)
{
    fake_v4l2_config c = mjpeg_camera();
    const struct {
        int w, h, min_width, out_w, out_h;
    } cases[] = {
        {640, 480, 0, 640, 480},    {1280, 720, 0, 640, 360},    {1920, 1080, 0, 720, 405},
        {1280, 720, -1, 1280, 720}, {1920, 1080, 200, 240, 135}, {1280, 720, 900, 960, 540},
        {160, 120, 0, 160, 120},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        camsep_v4l2_request r;
        memset(&r, 0, sizeof r);
        r.width = cases[i].w;
        r.height = cases[i].h;
        r.mjpeg_min_width = cases[i].min_width;
        fake_v4l2 f;
        fake_v4l2_init(&f, &c);
        camsep_frame_source *s = open_fake(&f, &r);
        CHECK_MSG(s->width == cases[i].out_w && s->height == cases[i].out_h, "%dx%d: delivered %dx%d", cases[i].w,
                  cases[i].h, s->width, s->height);
        if (cases[i].out_w != cases[i].w) {
            char want[64];
            snprintf(want, sizeof want, "%dx%d MJPG 30 fps, analysed at %dx%d", cases[i].w, cases[i].h,
                     cases[i].out_w, cases[i].out_h);
            check_contains(s->description, want);
        }
        for (int k = 0; k < 3; k++) {
            camsep_frame fr;
            read_ok(s, &fr);
            CHECK(fr.sequence == (uint64_t)k && fr.stride == fr.width);
            check_mjpeg_frame(&fr, &f, cases[i].out_w * 8 / cases[i].w);
        }
        camsep_v4l2_stats st;
        CHECK(camsep_v4l2_get_stats(s, &st) == 0 && st.fourcc == V4L2_PIX_FMT_MJPEG && st.corrupt == 0);
        done(&f, s);
    }
}

static void test_mjpeg_corrupt(void)
{
    /* three corrupt frames (truncated, wrecked header, empty): dropped, counted, never a fault */
    fake_v4l2_config c = mjpeg_camera();
    camsep_v4l2_request r;
    memset(&r, 0, sizeof r);
    r.width = 640;
    r.height = 480;
    fake_v4l2 f;
    fake_v4l2_init(&f, &c);
    f.corrupt_from = 3;
    f.corrupt_count = 3;
    camsep_frame_source *s = open_fake(&f, &r);
    const uint64_t want[] = {0, 1, 2, 6, 7};
    for (int i = 0; i < 5; i++) {
        camsep_frame fr;
        read_ok(s, &fr);
        CHECK_MSG(fr.sequence == want[i], "sequence %llu, expected %llu", (unsigned long long)fr.sequence,
                  (unsigned long long)want[i]);
        check_mjpeg_frame(&fr, &f, 8);
    }
    camsep_v4l2_stats st;
    CHECK(camsep_v4l2_get_stats(s, &st) == 0);
    printf("mjpeg: last corrupt frame: %s\n", st.last_corrupt);
    CHECK_MSG(st.corrupt == 3 && st.frames == 5 && st.faults == 0 && st.dropped == 0, "corrupt %llu frames %llu",
              (unsigned long long)st.corrupt, (unsigned long long)st.frames);
    CHECK(f.n_open_attempts == 1);
    done(&f, s);

    /* stray bytes before the end marker in every frame (some cameras), and no Huffman tables (UVC
     * MJPEG: the standard ones): whole pictures, kept */
    fake_v4l2_init(&f, &c);
    f.junk_before_eoi = 1;
    f.no_huffman_tables = 1;
    s = open_fake(&f, &r);
    for (int i = 0; i < 3; i++) {
        camsep_frame fr;
        read_ok(s, &fr);
        CHECK(fr.sequence == (uint64_t)i);
        check_mjpeg_frame(&fr, &f, 8);
    }
    CHECK(camsep_v4l2_get_stats(s, &st) == 0 && st.corrupt == 0);
    CHECK_MSG(f.dht_removed >= 3 * 2, "%ld DHT segments removed", f.dht_removed);
    done(&f, s);

    /* nothing but corrupt frames for longer than a stall: plain timeouts that say so, no reopen */
    memset(&r, 0, sizeof r);
    r.width = 160;
    r.height = 120;
    r.stall_ms = 100;
    fake_v4l2_init(&f, &c);
    f.corrupt_from = 2;
    f.corrupt_count = 1L << 40;
    s = open_fake(&f, &r);
    camsep_frame fr;
    read_ok(s, &fr);
    read_ok(s, &fr);
    int64_t t0 = camsep_monotonic_ns();
    char err[512];
    int agains = 0;
    while (camsep_monotonic_ns() - t0 < 300 * MS) {
        camsep_source_status stt = read_frame(s, &fr, 20, err, sizeof err);
        CHECK_MSG(stt == CAMSEP_SOURCE_AGAIN, "status %d: %s", (int)stt, err);
        check_contains(err, "corrupt frame(s) dropped");
        agains++;
    }
    printf("mjpeg: %s\n", err);
    CHECK(camsep_v4l2_get_stats(s, &st) == 0);
    CHECK(st.faults == 0 && st.connected && st.corrupt > 10 && f.n_open_attempts == 1);
    f.corrupt_count = 0; /* the picture comes back */
    read_ok(s, &fr);
    check_mjpeg_frame(&fr, &f, 8);
    done(&f, s);
    printf("mjpeg: %d timeouts, %llu corrupt frames, no reopen\n", agains, (unsigned long long)st.corrupt);
}

/* ---- camera controls -------------------------------------------------------------------------- */

static void expect_control_failure(const char *control, const char *part1, const char *part2)
{
    fake_v4l2_config c = webcam();
    fake_v4l2 f;
    fake_v4l2_init(&f, &c);
    camsep_v4l2_request r;
    memset(&r, 0, sizeof r);
    const char *list[1] = {control};
    r.controls = list;
    r.n_controls = 1;
    char err[512] = "";
    camsep_frame_source *s = camsep_v4l2_open("/dev/video0", &r, &f.dev, err, sizeof err);
    CHECK_MSG(!s, "opened with %s", control);
    printf("control %s: %s\n", control, err);
    check_contains(err, part1);
    if (part2)
        check_contains(err, part2);
    CHECK(f.fd < 0);
    fake_v4l2_free(&f);
    CHECK_MSG(f.misuse == 0, "%s", f.misuse_msg);
}

static void check_stage_controls(const fake_v4l2 *f)
{
    CHECK(fake_v4l2_control(f, V4L2_CID_EXPOSURE_AUTO) == 1);
    CHECK(fake_v4l2_control(f, V4L2_CID_EXPOSURE_ABSOLUTE) == 400);
    CHECK(fake_v4l2_control(f, V4L2_CID_EXPOSURE_AUTO_PRIORITY) == 0);
    CHECK(fake_v4l2_control(f, V4L2_CID_POWER_LINE_FREQUENCY) == 1);
    CHECK(fake_v4l2_control(f, V4L2_CID_BRIGHTNESS) == -10);
}

static void test_controls(void)
{
    /* a dark stage: manual exposure, a fixed frame rate, 50 Hz lights; by name, alias, menu item, ID */
    const char *stage[] = {"exposure_auto=manual_mode", "exposure_absolute=400", "exposure_dynamic_framerate=0",
                           "power_line_frequency=50hz", "0x00980900=-10"};
    fake_v4l2_config c = webcam();
    fake_v4l2 f;
    fake_v4l2_init(&f, &c);
    f.unplug_after = 3;
    camsep_v4l2_request r;
    memset(&r, 0, sizeof r);
    r.controls = stage;
    r.n_controls = 5;
    r.backoff_min_ms = 10;
    camsep_frame_source *s = open_fake(&f, &r);
    check_stage_controls(&f);
    CHECK(f.ctrl_sets == 5);
    camsep_frame fr;
    char err[512];
    for (int i = 0; i < 3; i++)
        read_ok(s, &fr);
    CHECK(read_frame(s, &fr, 50, err, sizeof err) == CAMSEP_SOURCE_ERROR);
    CHECK(fake_v4l2_control(&f, V4L2_CID_EXPOSURE_AUTO) == 3); /* the replugged camera forgot them */
    read_ok(s, &fr);                                              /* the reopen sets them again */
    check_stage_controls(&f);
    CHECK(f.ctrl_sets == 10);
    done(&f, s);

    /* v4l2-ctl's names for the same controls (older kernels) and booleans */
    const char *alt[] = {"auto_exposure=1", "exposure_time_absolute=100", "exposure_auto_priority=off"};
    fake_v4l2_init(&f, &c);
    r.controls = alt;
    r.n_controls = 3;
    s = open_fake(&f, &r);
    CHECK(fake_v4l2_control(&f, V4L2_CID_EXPOSURE_ABSOLUTE) == 100);
    CHECK(fake_v4l2_control(&f, V4L2_CID_EXPOSURE_AUTO_PRIORITY) == 0);
    done(&f, s);

    expect_control_failure("exposure_absolute=400", "exposure_time_absolute=400: the driver refused it",
                           "set exposure_auto=1");
    expect_control_failure("focus=1", "'focus': the camera has no such control",
                           "brightness, power_line_frequency, auto_exposure, exposure_time_absolute, "
                           "exposure_dynamic_framerate)");
    expect_control_failure("brightness=100", "brightness=100: out of range -64..64", NULL);
    expect_control_failure("power_line_frequency=70hz", "'70hz' is not a number nor one of its menu items", NULL);
    expect_control_failure("exposure_auto=2", "auto_exposure=2: not one of its menu items", NULL);
    expect_control_failure("exposure_auto", "expected NAME=VALUE", NULL);
    char err2[256];
    CHECK(camsep_v4l2_control_check("gain=", err2, sizeof err2) == -1);
    CHECK(camsep_v4l2_control_check("=3", err2, sizeof err2) == -1);
    CHECK(camsep_v4l2_control_check("gain=3", err2, sizeof err2) == 0);
}

static void test_non_monotonic(void)
{
    fake_v4l2_config c = webcam();
    c.non_monotonic = 1;
    fake_v4l2 f;
    fake_v4l2_init(&f, &c);
    camsep_frame_source *s = open_fake(&f, NULL);
    check_contains(s->description, "(dequeue-time stamps)");
    int64_t last = 0;
    for (int i = 0; i < 5; i++) {
        camsep_frame fr;
        int64_t before = camsep_monotonic_ns();
        read_ok(s, &fr);
        int64_t after = camsep_monotonic_ns();
        CHECK(fr.timestamp_ns >= before && fr.timestamp_ns <= after && fr.timestamp_ns >= last);
        last = fr.timestamp_ns;
        check_frame(&fr, &f, V4L2_PIX_FMT_YUYV);
    }
    camsep_v4l2_stats st;
    CHECK(camsep_v4l2_get_stats(s, &st) == 0 && st.monotonic == 0);
    done(&f, s);
}

static void test_no_allocation(void)
{
    const uint32_t fmts[] = {V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_BGR24};
    for (int i = 0; i < 3; i++) {
        fake_v4l2_config c = single(fmts[i], 0, 320, 240, 30);
        fake_v4l2 f;
        fake_v4l2_init(&f, &c);
        f.gap_at = 50; /* a drop and a corrupt buffer on the way */
        f.gap = 1;
        f.error_flag_at = 80;
        camsep_frame_source *s = open_fake(&f, NULL);
        camsep_frame fr;
        char err[256];
        for (int k = 0; k < 5; k++)
            read_ok(s, &fr);
        long before = ALLOCATIONS();
        ARM();
        for (int k = 0; k < 200; k++) {
            camsep_source_status st = camsep_frame_source_read(s, &fr, 500, err, sizeof err);
            if (st != CAMSEP_SOURCE_OK)
                break;
        }
        DISARM();
        long n = ALLOCATIONS() - before;
        CHECK_MSG(n == 0, "%ld allocations in 200 reads", n);
        check_frame(&fr, &f, fmts[i]);
        done(&f, s);
    }
}

int main(void)
{
    int64_t t0 = camsep_monotonic_ns();
    test_default_stream();
    test_negotiation();
    test_conversions();
    test_open_failures();
    test_listing();
    test_unplug_and_return();
    test_io_error();
    test_stall();
    test_gaps_and_corrupt();
    test_mjpeg_decode();
    test_mjpeg_corrupt();
    test_controls();
    test_non_monotonic();
    test_no_allocation();
    printf("v4l2: all tests passed in %.2f s\n", (double)(camsep_monotonic_ns() - t0) / 1e9);
    return 0;
}
