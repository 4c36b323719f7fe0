/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The camera path's cost per frame, from the fake V4L2 device (tests/fake_v4l2.c)
 * at 30 fps: MJPEG 1280x720 and 1920x1080 (decoded by camsep: luma only,
 * reduced in the DCT) beside YUYV (the uncompressed baseline), each through
 * camsep_v4l2_open / read (DQBUF, decode or conversion, QBUF) and
 * camsep_video_priors_frame (optical flow + motion energies of 4 boxes).
 * Frames are 30 distinct pictures made once and copied into the buffers by
 * the fake (that copy, the stand-in for the driver's DMA, is in "read").
 *
 *   camsep-mjpeg-bench [FRAMES]     (default 300 per case)
 *
 * Targets (issue 14): MJPEG 1280x720 decode + flow + energies <= 3 ms per
 * frame, 1920x1080 <= 4 ms.
 */
#define _POSIX_C_SOURCE 200809L
#include <linux/videodev2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture_clock.h"
#include "fake_v4l2.h"
#include "mjpeg_decoder.h"
#include "optical_flow.h"
#include "v4l2_source.h"
#include "video_priors.h"

/* CPU time of this thread: what the work costs, whatever else the machine runs. */
static int64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int run_case(uint32_t fourcc, int w, int h, int frames)
{
    fake_v4l2_config c;
    memset(&c, 0, sizeof c);
    c.n_formats = 1;
    c.formats[0].fourcc = fourcc;
    c.formats[0].flags = fourcc == V4L2_PIX_FMT_MJPEG ? V4L2_FMT_FLAG_COMPRESSED : 0;
    c.formats[0].n_sizes = 1;
    c.formats[0].sizes[0] = fake_v4l2_discrete(w, h, 30, 0, 0);
    fake_v4l2 f;
    fake_v4l2_init(&f, &c);
    f.frame_cycle = 30;
    camsep_v4l2_request r;
    memset(&r, 0, sizeof r);
    r.width = w;
    r.height = h;
    r.fps = 30;
    char err[512];
    camsep_frame_source *s = camsep_v4l2_open("/dev/video0", &r, &f.dev, err, sizeof err);
    if (!s) {
        fprintf(stderr, "camsep-mjpeg-bench: %s\n", err);
        return -1;
    }
    camsep_box boxes[4];
    for (int i = 0; i < 4; i++) {
        boxes[i].x = (float)(s->width * i / 4 + s->width / 32);
        boxes[i].y = (float)(s->height / 6);
        boxes[i].w = (float)(s->width / 5);
        boxes[i].h = (float)(s->height * 2 / 3);
    }
    camsep_video_priors *vp = camsep_video_priors_create(s->width, s->height, 30, boxes, 4, err, sizeof err);
    if (!vp) {
        fprintf(stderr, "camsep-mjpeg-bench: %s\n", err);
        camsep_frame_source_close(s);
        fake_v4l2_free(&f);
        return -1;
    }
    double *total = calloc((size_t)frames, sizeof *total);
    double read_sum = 0, analysis_sum = 0, wall_sum = 0;
    int warm = 30;
    for (int k = 0; k < warm + frames; k++) {
        camsep_frame fr;
        int64_t w0 = camsep_monotonic_ns(), t0 = cpu_ns();
        if (camsep_frame_source_read(s, &fr, 1000, err, sizeof err) != CAMSEP_SOURCE_OK) {
            fprintf(stderr, "camsep-mjpeg-bench: %s\n", err);
            break;
        }
        int64_t t1 = cpu_ns();
        camsep_prior p;
        camsep_video_priors_frame(vp, &fr, &p);
        int64_t t2 = cpu_ns();
        if (k >= warm) {
            wall_sum += (double)(camsep_monotonic_ns() - w0) * 1e-6;
            read_sum += (double)(t1 - t0) * 1e-6;
            analysis_sum += (double)(t2 - t1) * 1e-6;
            total[k - warm] = (double)(t2 - t0) * 1e-6;
        }
    }
    /* the decoder alone, on the first cached frame */
    double decode_ms = 0, jpeg_kb = 0;
    if (fourcc == V4L2_PIX_FMT_MJPEG && f.cache[0]) {
        camsep_mjpeg_decoder *d = camsep_mjpeg_decoder_create(err, sizeof err);
        uint8_t *out = malloc((size_t)s->width * s->height);
        int m8 = s->width * 8 / w;
        int64_t t0 = cpu_ns();
        for (int k = 0; k < frames; k++)
            camsep_mjpeg_decode_luma(d, f.cache[k % 30] ? f.cache[k % 30] : f.cache[0],
                                     f.cache[k % 30] ? f.cache_len[k % 30] : f.cache_len[0], w, h, m8, out, err,
                                     sizeof err);
        decode_ms = (double)(cpu_ns() - t0) * 1e-6 / frames;
        for (int k = 0; k < 30; k++)
            jpeg_kb += (double)f.cache_len[k] / 1024 / 30;
        free(out);
        camsep_mjpeg_decoder_free(d);
    }
    camsep_v4l2_stats st;
    camsep_v4l2_get_stats(s, &st);
    qsort(total, (size_t)frames, sizeof *total, cmp_double);
    char name[5] = {0};
    memcpy(name, &fourcc, 4);
    char dec[16] = "     -", kb[16] = "    -";
    if (decode_ms > 0) {
        snprintf(dec, sizeof dec, "%6.2f", decode_ms);
        snprintf(kb, sizeof kb, "%5.0f", jpeg_kb);
    }
    printf("%-4s %4dx%-4d -> %4dx%-4d %s %s %6.2f %11.2f %6.2f %9.2f %6.2f %9.2f %7llu\n", name, w, h, s->width,
           s->height, kb, dec, read_sum / frames, analysis_sum / frames, (read_sum + analysis_sum) / frames,
           total[(size_t)(frames * 0.95)], total[frames - 1], wall_sum / frames, (unsigned long long)st.corrupt);
    free(total);
    camsep_video_priors_free(vp);
    camsep_frame_source_close(s);
    fake_v4l2_free(&f);
    return 0;
}

int main(int argc, char **argv)
{
    int frames = argc > 1 ? atoi(argv[1]) : 300;
    if (frames < 10) {
        fprintf(stderr, "usage: camsep-mjpeg-bench [FRAMES >= 10]\n");
        return 2;
    }
    double load = 0;
    FILE *la = fopen("/proc/loadavg", "r");
    if (la) {
        if (fscanf(la, "%lf", &load) != 1)
            load = 0;
        fclose(la);
    }
    printf("camera path per frame, fake device at 30 fps, %d frames per case, one thread, flow variant %s, "
           "load average %.2f\n",
           frames, camsep_flow_variant(), load);
    printf("format camera  -> analysed  JPEG-KiB decode  read flow+energy  total total-p95   max  wall-total corrupt\n");
    const struct {
        uint32_t fourcc;
        int w, h;
    } cases[] = {
        {V4L2_PIX_FMT_MJPEG, 1280, 720}, {V4L2_PIX_FMT_MJPEG, 1920, 1080}, {V4L2_PIX_FMT_MJPEG, 640, 480},
        {V4L2_PIX_FMT_YUYV, 1280, 720},  {V4L2_PIX_FMT_YUYV, 640, 480},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (run_case(cases[i].fourcc, cases[i].w, cases[i].h, frames) != 0)
            return 1;
    printf("ms per frame of this thread's CPU time (CLOCK_THREAD_CPUTIME_ID; wall-total: elapsed, which the machine's\n"
           "other load inflates). decode: camsep_mjpeg_decode_luma alone; read: the source's read() (the fake's\n"
           "buffer copy, then decode or conversion); total = read + flow+energy, its mean, 95th percentile and\n"
           "maximum. Targets: MJPEG 1280x720 total <= 3 ms, 1920x1080 <= 4 ms.\n");
    return 0;
}
