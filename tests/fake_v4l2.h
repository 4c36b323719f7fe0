/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A fake V4L2 camera behind the camsep_v4l2_device table, for tests on
 * machines without a camera. It implements the ioctls the V4L2 source uses
 * (QUERYCAP, ENUM_FMT, ENUM_FRAMESIZES, ENUM_FRAMEINTERVALS, G/S_FMT,
 * G/S_PARM, REQBUFS, QUERYBUF, QBUF, DQBUF, STREAMON/OFF), mmap buffers,
 * and poll; it checks that they are used correctly (misuse is counted in
 * `misuse` with the first message kept).
 *
 * Frames are synthetic and known: frame k has luma fake_v4l2_luma(k, x, y);
 * RGB formats carry fake_v4l2_rgb(k, x, y) instead; chroma bytes hold values
 * that must not leak into luma. MJPEG frames are real JPEGs (4:2:2, made
 * with libjpeg-turbo's compressor) of the smooth picture
 * fake_v4l2_smooth_luma(k, x, y) with varying chroma. With `frame_cycle` > 0
 * frame k is frame k % frame_cycle, made once and then copied (benchmarks).
 * Scripted corrupt MJPEG frames are truncated, have a wrecked frame header (SOF), or are
 * empty, in turn. Controls: a UVC-like set (Brightness, Auto Exposure menu
 * 1 manual / 3 aperture priority, Exposure Time Absolute (refused with
 * EACCES unless Auto Exposure is manual), Exposure Dynamic Framerate, Power
 * Line Frequency menu 0..2); an unplug resets them to their defaults. Every frame is ready at once (no pacing)
 * unless a stall is scripted. Timestamps are CLOCK_MONOTONIC (flagged so)
 * taken at DQBUF, unless `non_monotonic`.
 *
 * Faults are scripted by frame counts (frames delivered since the fake was
 * made): an unplug, an absence of some open() attempts, an I/O error, a
 * stall, a sequence gap, a buffer flagged as corrupt.
 */
#ifndef CAMSEP_FAKE_V4L2_H
#define CAMSEP_FAKE_V4L2_H

#include <stdint.h>

#include "v4l2_device.h"

#define FAKE_MAX_FORMATS 8
#define FAKE_MAX_SIZES 4
#define FAKE_MAX_RATES 4
#define FAKE_MAX_BUFFERS 8
#define FAKE_MAX_OPENS 64
#define FAKE_MAX_CYCLE 32
#define FAKE_N_CONTROLS 5 /* brightness, auto exposure, exposure time, dynamic framerate, power line */

typedef struct fake_v4l2_size {
    int width, height;              /* a discrete size, or the minimum of a stepwise range */
    int max_width, max_height;      /* stepwise range (when step_w > 0) */
    int step_w, step_h;
    int n_fps;                      /* discrete rates (1/fps intervals); 0: intervals not enumerable */
    int fps[FAKE_MAX_RATES];
} fake_v4l2_size;

typedef struct fake_v4l2_format {
    uint32_t fourcc;
    uint32_t flags;                 /* V4L2_FMT_FLAG_COMPRESSED, _EMULATED */
    int n_sizes;
    fake_v4l2_size sizes[FAKE_MAX_SIZES];
} fake_v4l2_format;

typedef struct fake_v4l2_config {
    int n_formats;
    fake_v4l2_format formats[FAKE_MAX_FORMATS];
    int default_format, default_size;   /* the current format at first open; rate: its first */
    int pad;                            /* bytes added to each line beyond the pixels */
    int non_monotonic;                  /* timestamps flagged UNKNOWN, in another epoch */
    int max_buffers;                    /* REQBUFS grants at most this many (0: 8) */
    uint32_t device_caps;               /* 0: video capture + streaming */
} fake_v4l2_config;

typedef struct fake_v4l2 {
    camsep_v4l2_device dev; /* ctx points here */
    fake_v4l2_config cfg;
    fake_v4l2_config return_cfg; /* what comes back after an unplug, if has_return_cfg */
    int has_return_cfg;

    /* scripted faults; -1 = never */
    long unplug_after;   /* gone (ENODEV, POLLERR) once this many frames were delivered */
    int absent_opens;    /* after an unplug, this many open() attempts fail with ENOENT */
    long eio_at;         /* DQBUF fails with EIO when this frame is due (until reopened) */
    long stall_at;       /* no frame becomes ready from this frame on, until reopened */
    long gap_at;         /* this frame's driver sequence number jumps by `gap` */
    int gap;
    long error_flag_at;  /* this frame is flagged V4L2_BUF_FLAG_ERROR */
    long corrupt_from;   /* MJPEG: frames corrupt_from.. corrupt_from+corrupt_count-1 are corrupt */
    long corrupt_count;
    int denied_node;     /* open() of videoN with this N fails with EACCES (-1: none) */
    int no_huffman_tables; /* MJPEG: frames without DHT segments, as UVC cameras send them */
    long dht_removed;      /* DHT segments removed so far */
    int junk_before_eoi; /* MJPEG: 7 stray bytes before the end-of-image marker (whole frames) */
    int frame_cycle;     /* repeat this many distinct frames, each made once (0: off; <= FAKE_MAX_CYCLE) */

    /* state */
    int fd;              /* the open capture fd, or -1 */
    int unplugged, broken, stalled, streaming;
    int cur_format, cur_size;
    int width, height, bytesperline, sizeimage;
    uint32_t fps_num, fps_den;
    int n_buffers;
    uint8_t *mem[FAKE_MAX_BUFFERS];
    int queued[FAKE_MAX_BUFFERS], mapped[FAKE_MAX_BUFFERS];
    int fifo[FAKE_MAX_BUFFERS], fifo_head, fifo_len;
    uint32_t sequence;
    void *tj;            /* libjpeg-turbo compressor */
    uint8_t *cache[FAKE_MAX_CYCLE];
    unsigned long cache_len[FAKE_MAX_CYCLE];
    int32_t ctrl[FAKE_N_CONTROLS];
    int ctrl_sets;       /* successful VIDIOC_S_CTRL calls */
    long frames;         /* frames delivered (or consumed by the error flag) since creation */

    /* records */
    int n_open_attempts;
    int64_t open_times[FAKE_MAX_OPENS]; /* CLOCK_MONOTONIC of every open() attempt on the capture node */
    int open_ok[FAKE_MAX_OPENS];
    int s_fmt_calls, s_parm_calls;
    long last_frame;     /* number of the last frame delivered */
    int64_t last_timestamp_ns;
    int misuse;
    char misuse_msg[256];
} fake_v4l2;

/* Sets f up (faults off) with cfg; f->dev is the table to pass to the source. */
void fake_v4l2_init(fake_v4l2 *f, const fake_v4l2_config *cfg);
/* Frees the buffers (a close with buffers still mapped is misuse). */
void fake_v4l2_free(fake_v4l2 *f);

uint8_t fake_v4l2_luma(long frame, int x, int y);
void fake_v4l2_rgb(long frame, int x, int y, uint8_t rgb[3]);
uint8_t fake_v4l2_smooth_luma(long frame, int x, int y);
/* The current value of a control by its V4L2 ID (-1000 if the fake has no such control). */
int fake_v4l2_control(const fake_v4l2 *f, uint32_t id);

/* A size with discrete rates (up to 4, 0-terminated). */
fake_v4l2_size fake_v4l2_discrete(int w, int h, int fps0, int fps1, int fps2);

#endif
