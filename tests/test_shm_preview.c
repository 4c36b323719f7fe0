/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The camera preview segment (capture/ipc/shm_preview.h):
 *   1. names; one process: downscale (area average, aspect kept), boxes
 *      normalised, SAME until something new, the rate limit;
 *   2. a writer process publishing flat out, every image uniform with a value
 *      tied to its frame number, and a reader process checking that no image
 *      it returns is torn (mixed values or a wrong size for its frame);
 *   3. a second live writer refused; a writer killed with SIGKILL: the reader
 *      goes stale after its timeout; a new writer takes the segment over in
 *      place and the same reader follows; a clean close: stale at once, and a
 *      new segment found with try_open;
 *   4. a foreign segment is refused.
 * Segment names carry the pid and are unlinked at the end.
 */
#define _POSIX_C_SOURCE 200809L
#include "shm_preview.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture_clock.h"
#include "check.h"

static char ring[64], preview[80];
static camsep_preview_image img; /* 77 KiB: not on the stack */

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void cleanup(void) { shm_unlink(preview); }

/* A w x h frame, every pixel `value`, rows `stride` apart. */
static uint8_t *uniform(int w, int h, int stride, uint8_t value)
{
    CHECK(stride >= w);
    uint8_t *f = malloc((size_t)stride * (size_t)h);
    CHECK(f);
    memset(f, value, (size_t)stride * (size_t)h);
    return f;
}

static int image_uniform(const camsep_preview_image *im, uint8_t *value)
{
    const size_t n = (size_t)im->width * (size_t)im->height;
    *value = im->luma[0];
    for (size_t i = 1; i < n; i++)
        if (im->luma[i] != *value)
            return 0;
    return 1;
}

static void test_names(void)
{
    char out[256], err[256];
    CHECK(camsep_preview_name("/camsep", out, sizeof out, err, sizeof err) == 0);
    CHECK(strcmp(out, "/camsep.preview") == 0);
    CHECK(camsep_preview_name("camsep", out, sizeof out, err, sizeof err) == -1);
    CHECK(camsep_preview_name("/a/b", out, sizeof out, err, sizeof err) == -1);
    char longname[256] = "/";
    memset(longname + 1, 'x', 195);
    CHECK(camsep_preview_name(longname, out, sizeof out, err, sizeof err) == -1);
    printf("names: ok\n");
}

static void test_one_process(void)
{
    char err[256];
    CHECK(camsep_preview_reader_open(ring, err, sizeof err) == NULL); /* no writer yet */
    camsep_preview_writer *w = camsep_preview_writer_create(ring, 0.0, err, sizeof err);
    CHECK_MSG(w, "%s", err);
    camsep_preview_reader *r = camsep_preview_reader_open(ring, err, sizeof err);
    CHECK_MSG(r, "%s", err);
    CHECK(camsep_preview_reader_read(r, &img) == CAMSEP_PREVIEW_SAME); /* live, nothing yet */

    /* 1280 x 720 with stride 1300: factor 4 -> 320 x 180; left half 0, right 200,
     * a 2-pixel stripe at x = 2..3 that averages to 100 in thumbnail column 0 */
    const int W = 1280, H = 720, S = 1300;
    uint8_t *f = uniform(W, H, S, 0);
    for (int y = 0; y < H; y++) {
        memset(f + (size_t)y * S + W / 2, 200, W / 2);
        f[(size_t)y * S + 2] = f[(size_t)y * S + 3] = 200;
    }
    const camsep_box boxes[2] = {{0, 0, 640, 360}, {640, 360, 320, 180}};
    camsep_preview_writer_set_boxes(w, boxes, 2);
    CHECK(camsep_preview_writer_publish(w, f, W, H, S, 12345) == 1);
    CHECK(camsep_preview_reader_read(r, &img) == CAMSEP_PREVIEW_NEW);
    CHECK(img.width == 320 && img.height == 180 && img.src_width == W && img.src_height == H);
    CHECK(img.timestamp_ns == 12345 && img.frame == 1 && img.n_boxes == 2);
    CHECK(img.luma[0] == 100 && img.luma[1] == 0 && img.luma[159] == 0 && img.luma[160] == 200);
    CHECK(img.luma[179 * 320 + 319] == 200);
    CHECK(img.box[0].w == 0.5f && img.box[0].h == 0.5f && img.box[1].x == 0.5f && img.box[1].w == 0.25f);
    CHECK(camsep_preview_reader_read(r, &img) == CAMSEP_PREVIEW_SAME);
    /* small frames are not scaled; odd sizes are fine */
    uint8_t *g = uniform(7, 5, 9, 42);
    CHECK(camsep_preview_writer_publish(w, g, 7, 5, 9, 1) == 1);
    CHECK(camsep_preview_reader_read(r, &img) == CAMSEP_PREVIEW_NEW);
    uint8_t v;
    CHECK(img.width == 7 && img.height == 5 && image_uniform(&img, &v) && v == 42);
    CHECK(camsep_preview_writer_publish(w, g, 7, 5, 6, 1) == -1); /* stride < width */
    CHECK(camsep_preview_writer_publish(NULL, g, 7, 5, 9, 1) == 0);
    camsep_preview_writer_close(w);
    CHECK(camsep_preview_reader_read(r, &img) == CAMSEP_PREVIEW_STALE); /* closed: at once */
    camsep_preview_reader_close(r);

    /* the rate limit: 10 Hz */
    w = camsep_preview_writer_create(ring, 10.0, err, sizeof err);
    CHECK_MSG(w, "%s", err);
    CHECK(camsep_preview_writer_publish(w, g, 7, 5, 9, 1) == 1);
    CHECK(camsep_preview_writer_publish(w, g, 7, 5, 9, 2) == 0);
    sleep_ms(120);
    CHECK(camsep_preview_writer_publish(w, g, 7, 5, 9, 3) == 1);
    camsep_preview_writer_close(w);
    free(f);
    free(g);
    printf("one process: downscale, boxes, SAME/NEW, closed -> stale, rate limit: ok\n");
}

/* Child: publishes frames flat out for `seconds`; frame k is uniform with
 * value k % 251 and, to vary the copy length, 320 x (120 + k % 121). */
static void writer_child(double seconds, int period_ms)
{
    char err[256];
    camsep_preview_writer *w = camsep_preview_writer_create(ring, 0.0, err, sizeof err);
    if (!w) {
        fprintf(stderr, "writer: %s\n", err);
        _exit(2);
    }
    uint8_t *f = uniform(320, 240, 320, 0);
    const int64_t end = camsep_monotonic_ns() + (int64_t)(seconds * 1e9);
    for (uint64_t k = 1; camsep_monotonic_ns() < end; k++) {
        memset(f, (int)(k % 251), 320 * 240);
        camsep_preview_writer_publish(w, f, 320, 120 + (int)(k % 121), 320, (int64_t)k);
        if (period_ms)
            sleep_ms(period_ms);
    }
    free(f);
    camsep_preview_writer_close(w);
    _exit(0);
}

static camsep_preview_reader *open_retry(void)
{
    char err[256];
    for (int i = 0; i < 200; i++) {
        camsep_preview_reader *r = camsep_preview_reader_open(ring, err, sizeof err);
        if (r)
            return r;
        sleep_ms(10);
    }
    CHECK_MSG(0, "no segment: %s", err);
    return NULL;
}

static void test_torn(void)
{
    const pid_t wpid = fork();
    CHECK(wpid >= 0);
    if (wpid == 0)
        writer_child(1.5, 0);
    const pid_t rpid = fork();
    CHECK(rpid >= 0);
    if (rpid == 0) {
        camsep_preview_reader *r = open_retry();
        uint64_t images = 0, last = 0;
        for (;;) {
            const camsep_preview_result res = camsep_preview_reader_read(r, &img);
            if (res == CAMSEP_PREVIEW_STALE && images > 0)
                break;
            if (res != CAMSEP_PREVIEW_NEW)
                continue;
            uint8_t v;
            const uint64_t k = img.frame;
            if (!image_uniform(&img, &v) || v != k % 251 || img.height != 120 + (int)(k % 121) ||
                img.timestamp_ns != (int64_t)k || k <= last) {
                fprintf(stderr, "torn image: frame %llu value %d height %d\n", (unsigned long long)k, v, img.height);
                _exit(1);
            }
            last = k;
            images++;
        }
        camsep_preview_reader_close(r);
        printf("torn-read check: %llu images read whole (of %llu published)\n", (unsigned long long)images,
               (unsigned long long)last);
        _exit(images >= 20 ? 0 : 3);
    }
    int st;
    CHECK(waitpid(wpid, &st, 0) == wpid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK(waitpid(rpid, &st, 0) == rpid && WIFEXITED(st));
    CHECK_MSG(WEXITSTATUS(st) == 0, "reader process exit %d", WEXITSTATUS(st));
    printf("two processes: no torn image: ok\n");
}

static void test_writer_death(void)
{
    char err[256];
    const pid_t wpid = fork();
    CHECK(wpid >= 0);
    if (wpid == 0)
        writer_child(30.0, 10);
    camsep_preview_reader *r = open_retry();
    camsep_preview_reader_set_timeout(r, 300000000LL);
    int got = 0;
    for (int i = 0; i < 200 && !got; i++, sleep_ms(5))
        got = camsep_preview_reader_read(r, &img) == CAMSEP_PREVIEW_NEW;
    CHECK(got);
    /* the live writer's name is not taken */
    CHECK(camsep_preview_writer_create(ring, 0.0, err, sizeof err) == NULL);
    CHECK(strstr(err, "another"));
    kill(wpid, SIGKILL);
    waitpid(wpid, NULL, 0);
    const int64_t t0 = camsep_monotonic_ns();
    while (camsep_preview_reader_read(r, &img) != CAMSEP_PREVIEW_STALE) {
        CHECK(camsep_monotonic_ns() - t0 < 2000000000LL);
        sleep_ms(10);
    }
    const double stale_after = (double)(camsep_monotonic_ns() - t0) * 1e-9;
    CHECK(stale_after < 1.0);
    /* a new writer takes the dead one's segment over: the same reader follows */
    camsep_preview_writer *w = camsep_preview_writer_create(ring, 0.0, err, sizeof err);
    CHECK_MSG(w, "%s", err);
    uint8_t *f = uniform(64, 48, 64, 77);
    CHECK(camsep_preview_writer_publish(w, f, 64, 48, 64, 5) == 1);
    CHECK(camsep_preview_reader_read(r, &img) == CAMSEP_PREVIEW_NEW);
    uint8_t v;
    CHECK(img.width == 64 && image_uniform(&img, &v) && v == 77);
    camsep_preview_reader *same = NULL;
    CHECK(camsep_preview_reader_try_open(ring, r, &same, err, sizeof err) == 0 && !same);
    /* a clean close unlinks: stale at once; a new writer, a new segment */
    camsep_preview_writer_close(w);
    CHECK(camsep_preview_reader_read(r, &img) == CAMSEP_PREVIEW_STALE);
    w = camsep_preview_writer_create(ring, 0.0, err, sizeof err);
    CHECK_MSG(w, "%s", err);
    camsep_preview_reader *r2 = NULL;
    CHECK(camsep_preview_reader_try_open(ring, r, &r2, err, sizeof err) == 1 && r2);
    CHECK(camsep_preview_writer_publish(w, f, 64, 48, 64, 6) == 1);
    CHECK(camsep_preview_reader_read(r2, &img) == CAMSEP_PREVIEW_NEW && img.timestamp_ns == 6);
    CHECK(camsep_preview_reader_read(r, &img) == CAMSEP_PREVIEW_STALE);
    camsep_preview_reader_close(r);
    camsep_preview_reader_close(r2);
    camsep_preview_writer_close(w);
    free(f);
    printf("writer killed: stale after %.2f s (timeout 0.3 s); taken over in place; close -> new segment: ok\n",
           stale_after);
}

static void test_foreign(void)
{
    char err[256];
    const int fd = shm_open(preview, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK(ftruncate(fd, 4096) == 0);
    close(fd);
    camsep_preview_reader *r = NULL;
    CHECK(camsep_preview_reader_try_open(ring, NULL, &r, err, sizeof err) == -1 && !r);
    /* a writer replaces it */
    camsep_preview_writer *w = camsep_preview_writer_create(ring, 0.0, err, sizeof err);
    CHECK_MSG(w, "%s", err);
    r = camsep_preview_reader_open(ring, err, sizeof err);
    CHECK_MSG(r, "%s", err);
    camsep_preview_reader_close(r);
    camsep_preview_writer_close(w);
    printf("foreign segment refused, then replaced by a writer: ok\n");
}

int main(void)
{
    snprintf(ring, sizeof ring, "/camsep-test-preview-%d", (int)getpid());
    snprintf(preview, sizeof preview, "%s%s", ring, CAMSEP_PREVIEW_SUFFIX);
    atexit(cleanup);
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_names();
    test_one_process();
    test_torn();
    test_writer_death();
    test_foreign();
    printf("test_shm_preview: ok\n");
    return 0;
}
