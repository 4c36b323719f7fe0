/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The capture runner (capture/capture_runner.h) on generated Y4M videos:
 * priors per frame with capture times, activity following the scripted
 * player, box changes, the camera's own motion in the status (a still and a
 * jittering camera), a silent FIFO (lost, back, prompt stop), a frozen
 * picture (no priors from it; lost when it lasts), malformed input, looping,
 * looking for the players in the picture. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture_clock.h"
#include "capture_runner.h"
#include "check.h"
#include "scene.h"
#include "video_priors.h"

#define W 640
#define H 480

static char dir[256];

/* ---- a sink that keeps what it gets ---- */

typedef struct collector {
    int cap, n;
    camsep_prior *prior;
    int64_t *capture_ns;
    atomic_int count;      /* priors with camera_ok = 1 */
    atomic_int lost_calls; /* calls with camera_ok = 0 */
    atomic_int lost_not_nan;
    atomic_int frames;
} collector;

static void collect_prior(void *user, const camsep_prior *p, int64_t capture_ns, int camera_ok)
{
    collector *c = user;
    if (!camera_ok) {
        for (int j = 0; j < p->n_sources; j++)
            if (!isnan(p->activity[j]))
                atomic_fetch_add(&c->lost_not_nan, 1);
        atomic_fetch_add(&c->lost_calls, 1);
        return;
    }
    if (c->n < c->cap) {
        c->prior[c->n] = *p;
        c->capture_ns[c->n] = capture_ns;
    }
    c->n++;
    atomic_store(&c->count, c->n);
}

static void collect_frame(void *user, const camsep_frame *f)
{
    collector *c = user;
    CHECK(f->width == W && f->height == H && f->luma);
    atomic_fetch_add(&c->frames, 1);
}

static void collector_init(collector *c, int cap)
{
    memset(c, 0, sizeof *c);
    c->cap = cap;
    c->prior = calloc((size_t)cap, sizeof *c->prior);
    c->capture_ns = calloc((size_t)cap, sizeof *c->capture_ns);
    CHECK(c->prior && c->capture_ns);
}

static void collector_free(collector *c)
{
    free(c->prior);
    free(c->capture_ns);
}

static camsep_capture_sink sink_for(collector *c)
{
    return (camsep_capture_sink){.prior = collect_prior, .frame = collect_frame, .user = c};
}

/* ---- videos ---- */

/* Two players side by side: the first plays in the first half, the second in
 * the second half; the camera jitters by up to jitter_px a frame. Fills their
 * boxes. */
static scene *make_scene(int frames, double fps, float jitter_px, float *act, camsep_box boxes[2])
{
    for (int k = 0; k < frames; k++) {
        act[k] = k < frames / 2 ? 1.0f : 0.0f;
        act[frames + k] = k < frames / 2 ? 0.0f : 1.0f;
    }
    scene_config sc;
    scene_config_default(&sc, W, H, 2);
    sc.fps = fps;
    sc.frames = frames;
    sc.player[0].activity = act;
    sc.player[1].activity = act + frames;
    sc.sway_px = 1.0f;
    sc.noise = 1.0f;
    sc.jitter_px = jitter_px;
    scene *s = scene_create(&sc);
    CHECK(s);
    for (int j = 0; j < 2; j++)
        boxes[j] = (camsep_box){sc.player[j].x, sc.player[j].y, sc.player[j].w, sc.player[j].h};
    return s;
}

/* The video of make_scene; with truth_u/v (frames entries, may be NULL) the
 * camera's motion from each frame's predecessor (0 for the first). */
static void write_video_jitter(const char *path, int frames, double fps, float jitter_px, camsep_box boxes[2],
                               float *truth_u, float *truth_v)
{
    float *act = malloc(2 * (size_t)frames * sizeof *act);
    uint8_t *luma = malloc((size_t)W * H);
    CHECK(act && luma);
    scene *s = make_scene(frames, fps, jitter_px, act, boxes);
    for (int k = 0; truth_u && truth_v && k < frames; k++) {
        float x0 = 0, y0 = 0, x1, y1;
        if (k > 0)
            scene_shake(s, k - 1, &x0, &y0);
        scene_shake(s, k, &x1, &y1);
        truth_u[k] = k > 0 ? x1 - x0 : 0.0f;
        truth_v[k] = k > 0 ? y1 - y0 : 0.0f;
    }
    scene_y4m *y = scene_y4m_open(path, W, H, fps, 0);
    CHECK(y);
    for (int k = 0; k < frames; k++) {
        scene_render(s, k, luma, W);
        CHECK(scene_y4m_write(y, luma, W) == 0);
    }
    CHECK(scene_y4m_close(y) == 0);
    scene_free(s);
    free(luma);
    free(act);
}

static void write_video(const char *path, int frames, double fps, camsep_box boxes[2])
{
    write_video_jitter(path, frames, fps, 0.0f, boxes, NULL, NULL);
}

static void path_in_dir(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static void sleep_ms(int ms)
{
    camsep_sleep_until_ns(camsep_monotonic_ns() + (int64_t)ms * 1000000);
}

/* Polls the status until pred holds or timeout_ms passes; returns the last status. */
static int wait_state(camsep_capture_runner *r, camsep_capture_state want, int timeout_ms, camsep_capture_status *st)
{
    int64_t end = camsep_monotonic_ns() + (int64_t)timeout_ms * 1000000;
    do {
        camsep_capture_runner_get_status(r, st);
        if (st->state == want)
            return 1;
        sleep_ms(5);
    } while (camsep_monotonic_ns() < end);
    return 0;
}

static camsep_capture_source_spec file_spec(const char *path, int pace, int loop)
{
    return (camsep_capture_source_spec){.source = path, .pace = pace, .loop = loop};
}

/* ---- tests ---- */

static void test_file_priors(void)
{
    const int frames = 150;
    const double fps = 30.0;
    char path[300];
    path_in_dir(path, sizeof path, "duo.y4m");
    camsep_box boxes[2];
    write_video(path, frames, fps, boxes);

    collector c;
    collector_init(&c, frames);
    camsep_capture_source_spec spec = file_spec(path, 0, 0);
    camsep_capture_sink sink = sink_for(&c);
    char err[256] = "";
    int64_t before = camsep_monotonic_ns();
    camsep_capture_runner *r = camsep_capture_runner_start(&spec, boxes, 2, &sink, err, sizeof err);
    CHECK_MSG(r, "%s", err);
    camsep_capture_status st;
    CHECK_MSG(wait_state(r, CAMSEP_CAPTURE_ENDED, 30000, &st), "state %d", (int)st.state);
    CHECK(st.frames == (uint64_t)frames && st.priors == (uint64_t)frames - 1);
    CHECK(st.width == W && st.height == H && st.dropped == 0);
    CHECK(strstr(st.description, "duo.y4m") != NULL);
    /* a camera on a tripod: no motion of its own (the players sway, inside their boxes) */
    CHECK_MSG(isfinite(st.global_u) && isfinite(st.global_v) && fabsf(st.global_u) < 0.1f &&
                  fabsf(st.global_v) < 0.1f && st.global_magnitude >= 0.0f && st.global_magnitude < 0.1f,
              "still camera: global motion %g %g, magnitude %g", (double)st.global_u, (double)st.global_v,
              (double)st.global_magnitude);
    camsep_capture_runner_stop(r);

    /* one prior per frame but the first, on the file's clock from the start */
    CHECK_MSG(c.n == frames - 1, "%d priors", c.n);
    CHECK(atomic_load(&c.frames) == frames);
    const int64_t period = (int64_t)llround(1e9 / fps);
    CHECK(c.capture_ns[0] >= before + period - 2);
    for (int i = 1; i < c.n; i++) {
        int64_t d = c.capture_ns[i] - c.capture_ns[i - 1];
        CHECK_MSG(llabs(d - period) <= 2, "prior %d: step %lld ns", i, (long long)d);
        CHECK(c.prior[i].n_sources == 2);
    }
    /* the activity follows who plays (prior i is frame i + 1) */
    double p_first[2] = {0, 0}, p_second[2] = {0, 0};
    int n_first = 0, n_second = 0;
    for (int i = 0; i < c.n; i++) {
        int k = i + 1;
        if (k >= 30 && k < frames / 2) {
            n_first++;
            for (int j = 0; j < 2; j++)
                p_first[j] += c.prior[i].activity[j];
        } else if (k >= frames / 2 + 15) {
            n_second++;
            for (int j = 0; j < 2; j++)
                p_second[j] += c.prior[i].activity[j];
        }
    }
    for (int j = 0; j < 2; j++) {
        p_first[j] /= n_first;
        p_second[j] /= n_second;
    }
    printf("activity: first half %.2f / %.2f, second half %.2f / %.2f\n", p_first[0], p_first[1], p_second[0],
           p_second[1]);
    CHECK(p_first[0] > p_first[1] + 0.4 && p_second[1] > p_second[0] + 0.4);
    collector_free(&c);
}

/* A camera on a stand that vibrates: a new random translation of up to 3
 * pixels every frame. The status gives the last frame's motion and a mean
 * magnitude over about 1 s that follow the scene's. */
static void test_global_motion(void)
{
    const double fps = 30.0;
    const float jitter = 3.0f;
    float tu[120], tv[120], act[240];
    camsep_box boxes[2];
    /* a length of 60..120 frames whose last frame moves clearly on both axes */
    scene *probe = make_scene(120, fps, jitter, act, boxes);
    int frames = 0;
    for (int n = 60; n <= 120 && !frames; n++) {
        float x0, y0, x1, y1;
        scene_shake(probe, n - 2, &x0, &y0);
        scene_shake(probe, n - 1, &x1, &y1);
        if (fabsf(x1 - x0) > 1.0f && fabsf(y1 - y0) > 1.0f)
            frames = n;
    }
    scene_free(probe);
    CHECK(frames > 0);
    char path[300];
    path_in_dir(path, sizeof path, "jitter.y4m");
    write_video_jitter(path, frames, fps, jitter, boxes, tu, tv);

    collector c;
    collector_init(&c, frames);
    camsep_capture_source_spec spec = file_spec(path, 0, 0);
    camsep_capture_sink sink = sink_for(&c);
    char err[256] = "";
    camsep_capture_runner *r = camsep_capture_runner_start(&spec, boxes, 2, &sink, err, sizeof err);
    CHECK_MSG(r, "%s", err);
    camsep_capture_status st;
    CHECK_MSG(wait_state(r, CAMSEP_CAPTURE_ENDED, 30000, &st), "state %d", (int)st.state);
    camsep_capture_runner_stop(r);
    CHECK(c.n == frames - 1);

    /* the truth's magnitude, averaged as the runner does (1 s, one frame at a time) */
    const double a = 1.0 - exp(-1.0 / fps);
    double mean = hypot(tu[1], tv[1]);
    for (int k = 2; k < frames; k++)
        mean += a * (hypot(tu[k], tv[k]) - mean);
    const int last = frames - 1;
    printf("global motion: last frame %.2f %.2f px (truth %.2f %.2f), mean magnitude %.2f px (truth %.2f)\n",
           (double)st.global_u, (double)st.global_v, (double)tu[last], (double)tv[last], (double)st.global_magnitude,
           mean);
    CHECK_MSG(fabsf(st.global_u - tu[last]) < 0.35f && fabsf(st.global_v - tv[last]) < 0.35f,
              "last frame's global motion %g %g, truth %g %g", (double)st.global_u, (double)st.global_v,
              (double)tu[last], (double)tv[last]);
    CHECK_MSG(mean > 1.5 && fabs(st.global_magnitude - mean) < 0.15 * mean, "mean magnitude %g, truth %g",
              (double)st.global_magnitude, mean);
    collector_free(&c);
}

/* Mean activity of the first player while it plays (frames 30..74 of 150),
 * through a runner whose knee is set right after start (0: left alone). */
static double playing_activity(const char *path, const camsep_box boxes[2], float knee)
{
    collector c;
    collector_init(&c, 150);
    camsep_capture_source_spec spec = file_spec(path, 0, 0);
    camsep_capture_sink sink = sink_for(&c);
    char err[256] = "";
    camsep_capture_runner *r = camsep_capture_runner_start(&spec, boxes, 2, &sink, err, sizeof err);
    CHECK_MSG(r, "%s", err);
    if (knee > 0.0f)
        CHECK(camsep_capture_runner_set_knee(r, knee) == 0);
    CHECK(camsep_capture_runner_set_knee(r, 0.05f) == -1 && camsep_capture_runner_set_knee(r, 2.5f) == -1 &&
          camsep_capture_runner_set_knee(r, NAN) == -1);
    camsep_capture_status st;
    CHECK(wait_state(r, CAMSEP_CAPTURE_ENDED, 30000, &st));
    camsep_capture_runner_stop(r);
    double sum = 0.0;
    int n = 0;
    /* from 1 s on (the capture's statistics settled) to the end of the first player's half */
    for (int i = 29; i < 49 && i < c.n; i++, n++)
        sum += c.prior[i].activity[0];
    collector_free(&c);
    CHECK(n == 20);
    return sum / n;
}

/* A larger knee reads the same motion as less certainly playing. */
static void test_knee(void)
{
    char path[300];
    path_in_dir(path, sizeof path, "knee.y4m");
    camsep_box boxes[2];
    write_video(path, 100, 30.0, boxes);
    const double p_default = playing_activity(path, boxes, 0.0f), p_graded = playing_activity(path, boxes, 2.0f);
    printf("knee: the playing player's mean activity %.2f at the default knee, %.2f at knee 2\n", p_default, p_graded);
    CHECK(p_default > 0.8 && p_graded < p_default - 0.15);
}

static void test_set_boxes(void)
{
    const int frames = 120;
    char path[300];
    path_in_dir(path, sizeof path, "fast.y4m");
    camsep_box boxes[2];
    write_video(path, frames, 100.0, boxes);

    collector c;
    collector_init(&c, frames);
    camsep_capture_source_spec spec = file_spec(path, 1, 0); /* paced: 1.2 s */
    camsep_capture_sink sink = sink_for(&c);
    char err[256] = "";
    camsep_capture_runner *r = camsep_capture_runner_start(&spec, boxes, 2, &sink, err, sizeof err);
    CHECK_MSG(r, "%s", err);
    int64_t end = camsep_monotonic_ns() + 10000000000LL;
    while (atomic_load(&c.count) < 30 && camsep_monotonic_ns() < end)
        sleep_ms(2);
    CHECK(atomic_load(&c.count) >= 30);
    camsep_box outside = {W + 10.0f, 0, 20, 20}, flat = {0, 0, 0, 20};
    CHECK(camsep_capture_runner_set_boxes(r, &outside, 1) == -1);
    CHECK(camsep_capture_runner_set_boxes(r, &flat, 1) == -1);
    CHECK(camsep_capture_runner_set_boxes(r, boxes, 0) == -1);
    CHECK(camsep_capture_runner_set_boxes(r, boxes, CAMSEP_CAPTURE_MAX_BOXES + 1) == -1);
    CHECK(camsep_capture_runner_set_boxes(r, &boxes[1], 1) == 0);
    int asked_at = atomic_load(&c.count);
    camsep_capture_status st;
    CHECK(wait_state(r, CAMSEP_CAPTURE_ENDED, 30000, &st));
    camsep_capture_runner_stop(r);

    /* two boxes, then one from (at most a frame or two after) the request on */
    int switched = -1;
    for (int i = 0; i < c.n; i++) {
        if (switched < 0 && c.prior[i].n_sources == 1)
            switched = i;
        CHECK(c.prior[i].n_sources == (switched >= 0 ? 1 : 2));
    }
    CHECK_MSG(switched >= asked_at - 1 && switched <= asked_at + 3, "switched at %d, asked at %d", switched, asked_at);
    printf("set_boxes: asked after prior %d, applied from prior %d\n", asked_at, switched);
    /* the box that kept its index 0 now shows the second player: it played in the second half */
    CHECK(c.prior[c.n - 1].activity[0] > 0.5f);
    collector_free(&c);
}

/* ---- a FIFO whose writer goes quiet ---- */

typedef struct fifo_writer {
    char path[300];
    camsep_box boxes[2];
    int repeat_while_paused; /* 0: silent between the two halves; 1: the last picture again (frozen) */
    atomic_int resume, finish;
} fifo_writer;

static void write_all(FILE *f, const uint8_t *luma)
{
    CHECK(fputs("FRAME\n", f) >= 0);
    CHECK(fwrite(luma, 1, (size_t)W * H, f) == (size_t)W * H);
    CHECK(fflush(f) == 0);
}

static void *fifo_writer_thread(void *arg)
{
    fifo_writer *fw = arg;
    const int frames = 10;
    float act[20];
    uint8_t *luma = malloc((size_t)W * H);
    CHECK(luma);
    camsep_box boxes[2]; /* the same as fw->boxes, which the main thread reads */
    scene *s = make_scene(frames, 30.0, 0.0f, act, boxes);
    FILE *f = fopen(fw->path, "wb"); /* waits for the reader */
    CHECK(f);
    fprintf(f, "YUV4MPEG2 W%d H%d F30:1 Ip Cmono\n", W, H);
    for (int k = 0; k < 5; k++) {
        scene_render(s, k, luma, W);
        write_all(f, luma);
    }
    while (!atomic_load(&fw->resume)) {
        if (fw->repeat_while_paused) { /* 30 times a second, like the camera it stands for */
            write_all(f, luma);
            sleep_ms(33);
        } else {
            sleep_ms(2);
        }
    }
    for (int k = 5; k < 10; k++) {
        scene_render(s, k, luma, W);
        write_all(f, luma);
    }
    while (!atomic_load(&fw->finish))
        sleep_ms(2);
    fclose(f);
    scene_free(s);
    free(luma);
    return NULL;
}

/* A FIFO in the test directory and its writer thread, started. */
static void start_fifo_writer(fifo_writer *fw, const char *name, int repeat_while_paused, pthread_t *t)
{
    path_in_dir(fw->path, sizeof fw->path, name);
    unlink(fw->path);
    CHECK(mkfifo(fw->path, 0600) == 0);
    fw->repeat_while_paused = repeat_while_paused;
    float act[20];
    scene_free(make_scene(10, 30.0, 0.0f, act, fw->boxes));
    CHECK(pthread_create(t, NULL, fifo_writer_thread, fw) == 0);
}

/* A runner reading fw's FIFO into c. */
static camsep_capture_runner *start_fifo_runner(const fifo_writer *fw, collector *c)
{
    collector_init(c, 64);
    camsep_capture_source_spec spec = file_spec(fw->path, 0, 1); /* loop is ignored on a FIFO */
    camsep_capture_sink sink = sink_for(c);
    char err[256] = "";
    camsep_capture_runner *r = camsep_capture_runner_start(&spec, fw->boxes, 2, &sink, err, sizeof err);
    CHECK_MSG(r, "%s", err);
    return r;
}

/* Lets the writer finish, and removes its FIFO. */
static void end_fifo_writer(fifo_writer *fw, pthread_t t)
{
    atomic_store(&fw->finish, 1);
    pthread_join(t, NULL);
    unlink(fw->path);
}

static void test_fifo_lost_and_stop(void)
{
    static fifo_writer fw;
    pthread_t t;
    start_fifo_writer(&fw, "stage.fifo", 0, &t);

    collector c;
    camsep_capture_runner *r = start_fifo_runner(&fw, &c);
    camsep_capture_status st;
    /* five frames, then silence: lost after about 0.5 s, the sink called at ~10 Hz */
    CHECK(wait_state(r, CAMSEP_CAPTURE_LOST, 5000, &st));
    CHECK(st.frames == 5 && atomic_load(&c.count) == 4);
    CHECK(strstr(st.last_error, "no frame") != NULL);
    CHECK_MSG(isnan(st.global_u) && isnan(st.global_v) && isnan(st.global_magnitude),
              "global motion %g %g while lost", (double)st.global_u, (double)st.global_v);
    int lost0 = atomic_load(&c.lost_calls);
    sleep_ms(600);
    int lost = atomic_load(&c.lost_calls) - lost0;
    CHECK_MSG(lost >= 3 && lost <= 9, "%d calls while lost in 0.6 s", lost);
    CHECK(atomic_load(&c.lost_not_nan) == 0);

    /* the writer resumes: running again, the analysis restarted after the gap */
    atomic_store(&fw.resume, 1);
    CHECK(wait_state(r, CAMSEP_CAPTURE_RUNNING, 5000, &st));
    int64_t end = camsep_monotonic_ns() + 5000000000LL;
    while (atomic_load(&c.frames) < 10 && camsep_monotonic_ns() < end)
        sleep_ms(2);
    sleep_ms(20);
    CHECK_MSG(atomic_load(&c.count) == 8, "%d priors (4 + 4 expected)", atomic_load(&c.count));
    camsep_capture_runner_get_status(r, &st);
    CHECK_MSG(isfinite(st.global_u) && isfinite(st.global_magnitude), "global motion %g after the gap",
              (double)st.global_u);

    /* stop while the writer says nothing: the read timeout bounds the wait */
    int64_t t0 = camsep_monotonic_ns();
    camsep_capture_runner_stop(r);
    double stop_ms = (double)(camsep_monotonic_ns() - t0) * 1e-6;
    printf("stop with a silent FIFO writer: %.1f ms; %d calls while lost in 0.6 s\n", stop_ms, lost);
    CHECK_MSG(stop_ms < 400.0, "stop took %.1f ms", stop_ms);
    end_fifo_writer(&fw, t);
    collector_free(&c);
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f);
    CHECK(fwrite(data, 1, n, f) == n);
    CHECK(fclose(f) == 0);
}

static void test_bad_input(void)
{
    collector c;
    collector_init(&c, 8);
    camsep_capture_sink sink = sink_for(&c);
    camsep_box box = {10, 10, 100, 100};
    char path[300], err[256];

    path_in_dir(path, sizeof path, "bad-header.y4m");
    const char bad[] = "YUV4MPEG2 W0 H240 F30:1\nFRAME\n";
    write_bytes(path, bad, sizeof bad - 1);
    camsep_capture_source_spec spec = file_spec(path, 0, 0);
    err[0] = '\0';
    CHECK(camsep_capture_runner_start(&spec, &box, 1, &sink, err, sizeof err) == NULL);
    printf("malformed header: %s\n", err);
    CHECK(strstr(err, "bad-header.y4m") != NULL);

    path_in_dir(path, sizeof path, "missing.y4m");
    spec = file_spec(path, 0, 0);
    CHECK(camsep_capture_runner_start(&spec, &box, 1, &sink, err, sizeof err) == NULL);
    CHECK(strstr(err, "missing.y4m") != NULL);

    /* valid video, boxes that do not fit it */
    camsep_box boxes[2];
    path_in_dir(path, sizeof path, "short.y4m");
    write_video(path, 4, 30.0, boxes);
    spec = file_spec(path, 0, 0);
    camsep_box outside = {1000, 1000, 50, 50};
    CHECK(camsep_capture_runner_start(&spec, &outside, 1, &sink, err, sizeof err) == NULL);
    CHECK(camsep_capture_runner_start(&spec, boxes, 0, &sink, err, sizeof err) == NULL);
    CHECK(camsep_capture_runner_start(&spec, boxes, CAMSEP_CAPTURE_MAX_BOXES + 1, &sink, err, sizeof err) == NULL);
    camsep_capture_sink no_sink = {0};
    CHECK(camsep_capture_runner_start(&spec, boxes, 2, &no_sink, err, sizeof err) == NULL);

    /* a truncated last frame: FAILED, with the reason */
    FILE *f = fopen(path, "r+b");
    CHECK(f && fseek(f, 0, SEEK_END) == 0);
    long size = ftell(f);
    fclose(f);
    CHECK(truncate(path, size - 1000) == 0);
    camsep_capture_runner *r = camsep_capture_runner_start(&spec, boxes, 2, &sink, err, sizeof err);
    CHECK_MSG(r, "%s", err);
    camsep_capture_status st;
    CHECK(wait_state(r, CAMSEP_CAPTURE_FAILED, 5000, &st));
    printf("truncated: %s\n", st.last_error);
    CHECK(strstr(st.last_error, "truncated") != NULL && st.frames == 3);
    camsep_capture_runner_stop(r);
    camsep_capture_runner_stop(NULL);
    collector_free(&c);
}

static void test_loop(void)
{
    const int frames = 12;
    char path[300];
    path_in_dir(path, sizeof path, "loop.y4m");
    camsep_box boxes[2];
    write_video(path, frames, 30.0, boxes);
    collector c;
    collector_init(&c, 64);
    camsep_capture_source_spec spec = file_spec(path, 0, 1);
    camsep_capture_sink sink = sink_for(&c);
    char err[256] = "";
    camsep_capture_runner *r = camsep_capture_runner_start(&spec, boxes, 2, &sink, err, sizeof err);
    CHECK_MSG(r, "%s", err);
    int64_t end = camsep_monotonic_ns() + 10000000000LL;
    while (atomic_load(&c.count) < 50 && camsep_monotonic_ns() < end)
        sleep_ms(2);
    camsep_capture_status st;
    camsep_capture_runner_get_status(r, &st);
    CHECK(st.state == CAMSEP_CAPTURE_RUNNING && st.frames >= 50);
    camsep_capture_runner_stop(r);
    CHECK(c.n >= 50);
    /* time carries on across the restarts; the first frame of a pass gives no prior */
    const int64_t period = (int64_t)llround(1e9 / 30.0);
    int restarts = 0;
    for (int i = 1; i < c.cap && i < c.n; i++) {
        int64_t d = c.capture_ns[i] - c.capture_ns[i - 1];
        if (llabs(d - 2 * period) <= 2)
            restarts++;
        else
            CHECK_MSG(llabs(d - period) <= 2, "prior %d: step %lld ns", i, (long long)d);
    }
    CHECK_MSG(restarts >= 3, "%d restarts", restarts);
    printf("loop: %d priors over %d restarts\n", c.n < c.cap ? c.n : c.cap, restarts);
    collector_free(&c);
}

/* Two players who each play throughout (still_video: nobody moves at all). */
#define FW 320
#define FH 240

static void write_players_video(const char *path, int frames, int still, camsep_box boxes[2])
{
    float *act = malloc(2 * (size_t)frames * sizeof *act);
    uint8_t *luma = malloc((size_t)FW * FH);
    CHECK(act && luma);
    for (int k = 0; k < 2 * frames; k++)
        act[k] = still ? 0.0f : 0.6f + 0.4f * sinf(0.1f * (float)k);
    scene_config sc;
    scene_config_default(&sc, FW, FH, 2);
    sc.frames = frames;
    sc.player[0].activity = act;
    sc.player[1].activity = act + frames;
    if (still)
        sc.sway_px = sc.gesture_px = 0.0f;
    scene *s = scene_create(&sc);
    CHECK(s);
    for (int j = 0; j < 2; j++)
        boxes[j] = (camsep_box){sc.player[j].x, sc.player[j].y, sc.player[j].w, sc.player[j].h};
    scene_y4m *y = scene_y4m_open(path, FW, FH, sc.fps, 0);
    CHECK(y);
    for (int k = 0; k < frames; k++) {
        scene_render(s, k, luma, FW);
        CHECK(scene_y4m_write(y, luma, FW) == 0);
    }
    CHECK(scene_y4m_close(y) == 0);
    scene_free(s);
    free(luma);
    free(act);
}

static int wait_find(camsep_capture_runner *r, camsep_capture_find_state want, camsep_capture_proposal *p)
{
    int64_t end = camsep_monotonic_ns() + 20000000000LL;
    do {
        camsep_capture_runner_get_proposal(r, p);
        if (p->state == want)
            return 1;
        sleep_ms(5);
    } while (camsep_monotonic_ns() < end);
    return 0;
}

static void check_proposal_inside(const camsep_capture_proposal *p, const camsep_box truth[2])
{
    CHECK_MSG(p->n == 2, "%d boxes: %s", p->n, p->message);
    CHECK(p->width == FW && p->height == FH);
    float share = 0.0f;
    for (int j = 0; j < 2; j++) {
        const camsep_box *b = &p->box[j], *t = &truth[j];
        const float cx = b->x + 0.5f * b->w, cy = b->y + 0.5f * b->h;
        CHECK_MSG(cx >= t->x && cx <= t->x + t->w && cy >= t->y && cy <= t->y + t->h,
                  "box %d (%.0f,%.0f %.0fx%.0f): centre outside the player's (%.0f,%.0f %.0fx%.0f)", j, b->x, b->y,
                  b->w, b->h, t->x, t->y, t->w, t->h);
        share += p->confidence[j];
    }
    CHECK_MSG(fabsf(share - 1.0f) < 1e-3f, "shares sum to %g", share);
}

static void test_find_players(void)
{
    char path[300], short_path[300], still_path[300];
    path_in_dir(path, sizeof path, "players.y4m");
    path_in_dir(short_path, sizeof short_path, "players_short.y4m");
    path_in_dir(still_path, sizeof still_path, "still.y4m");
    camsep_box truth[2], dummy[2];
    write_players_video(path, 60, 0, truth);
    write_players_video(short_path, 30, 0, dummy);
    write_players_video(still_path, 30, 1, dummy);
    collector c;
    collector_init(&c, 16);
    camsep_capture_sink sink = {.prior = collect_prior, .user = &c};
    char err[256] = "";

    /* a looping file: two players found over 1 s of it */
    camsep_capture_source_spec spec = file_spec(path, 0, 1);
    camsep_capture_runner *r = camsep_capture_runner_start(&spec, truth, 2, &sink, err, sizeof err);
    CHECK_MSG(r, "%s", err);
    camsep_capture_proposal p;
    camsep_capture_runner_get_proposal(r, &p);
    CHECK(p.state == CAMSEP_FIND_IDLE && p.n == 0);
    CHECK(camsep_capture_runner_find_players(r, 9, 2.0, err, sizeof err) == -1 && strstr(err, "players"));
    CHECK(camsep_capture_runner_find_players(r, 2, 0.1, err, sizeof err) == -1);
    CHECK(camsep_capture_runner_find_players(r, 2, NAN, err, sizeof err) == -1);
    CHECK_MSG(camsep_capture_runner_find_players(r, 2, 1.0, err, sizeof err) == 0, "%s", err);
    CHECK_MSG(wait_find(r, CAMSEP_FIND_READY, &p), "state %d: %s", (int)p.state, p.message);
    check_proposal_inside(&p, truth);
    CHECK_MSG(fabs(p.seconds - 1.0) < 0.05 && p.progress == 1.0f && p.players == 2, "%.2f s", p.seconds);
    CHECK_MSG(strstr(p.message, "2 players found"), "%s", p.message);
    printf("find players: %s; boxes %.0f,%.0f,%.0f,%.0f and %.0f,%.0f,%.0f,%.0f (shares %.2f %.2f)\n", p.message,
           p.box[0].x, p.box[0].y, p.box[0].w, p.box[0].h, p.box[1].x, p.box[1].y, p.box[1].w, p.box[1].h,
           p.confidence[0], p.confidence[1]);
    /* not told how many: the same two */
    CHECK(camsep_capture_runner_find_players(r, 0, 0.5, err, sizeof err) == 0);
    CHECK(wait_find(r, CAMSEP_FIND_READY, &p));
    check_proposal_inside(&p, truth);
    CHECK(p.players == 0);
    /* asked, asked again at once (starts over), then cancelled: idle, no proposal */
    CHECK(camsep_capture_runner_find_players(r, 2, 60.0, err, sizeof err) == 0);
    CHECK(camsep_capture_runner_find_players(r, 2, 60.0, err, sizeof err) == 0);
    camsep_capture_runner_get_proposal(r, &p);
    CHECK(p.state == CAMSEP_FIND_LOOKING && p.progress < 1.0f && p.n == 0);
    camsep_capture_runner_cancel_find(r);
    CHECK(wait_find(r, CAMSEP_FIND_IDLE, &p));
    CHECK(p.n == 0);
    /* a request, and another at any moment of it (some as it ends): the
     * second is always the one answered; a cancel at any moment ends idle */
    uint32_t seed = 12345u;
    for (int i = 0; i < 4; i++) {
        CHECK(camsep_capture_runner_find_players(r, 2, 0.5, err, sizeof err) == 0);
        seed = seed * 1664525u + 1013904223u;
        sleep_ms((int)(seed >> 24) % 60);
        if (i % 2) {
            camsep_capture_runner_cancel_find(r);
            CHECK_MSG(wait_find(r, CAMSEP_FIND_IDLE, &p) && p.n == 0, "request %d: state %d after a cancel", i,
                      (int)p.state);
            continue;
        }
        CHECK(camsep_capture_runner_find_players(r, 1, 0.5, err, sizeof err) == 0);
        CHECK_MSG(wait_find(r, CAMSEP_FIND_READY, &p), "request %d: state %d: %s", i, (int)p.state, p.message);
        CHECK_MSG(p.players == 1 && p.n == 1, "request %d: the second request (1 player) not answered: %d players, "
                  "%d boxes", i, p.players, p.n);
    }
    camsep_capture_runner_stop(r);

    /* a file shorter than asked for: what was seen, said so */
    spec = file_spec(short_path, 1, 0); /* paced, so that the request comes before its end */
    r = camsep_capture_runner_start(&spec, truth, 2, &sink, err, sizeof err);
    CHECK_MSG(r, "%s", err);
    CHECK(camsep_capture_runner_find_players(r, 2, 30.0, err, sizeof err) == 0);
    CHECK_MSG(wait_find(r, CAMSEP_FIND_READY, &p), "state %d: %s", (int)p.state, p.message);
    check_proposal_inside(&p, truth);
    CHECK_MSG(strstr(p.message, "the video ended") && p.seconds < 1.1, "%s (%.2f s)", p.message, p.seconds);
    CHECK(camsep_capture_runner_find_players(r, 2, 2.0, err, sizeof err) == -1 && strstr(err, "ended"));
    camsep_capture_runner_stop(r);

    /* nobody moves: no box, and why */
    spec = file_spec(still_path, 0, 1);
    r = camsep_capture_runner_start(&spec, truth, 2, &sink, err, sizeof err);
    CHECK_MSG(r, "%s", err);
    CHECK(camsep_capture_runner_find_players(r, 2, 0.5, err, sizeof err) == 0);
    CHECK_MSG(wait_find(r, CAMSEP_FIND_NOTHING, &p), "state %d: %s", (int)p.state, p.message);
    CHECK(p.n == 0 && strstr(p.message, "nothing moved"));
    camsep_capture_runner_stop(r);
    collector_free(&c);
}

/* A picture bit for bit the last one gives no prior and is counted; padding
 * beyond the row width does not count; a single repeat is bridged, a longer
 * one starts the flow again; a reset keeps the last picture. */
static void test_repeated_picture(void)
{
    const int frames = 7, stride = W + 16;
    float act[14];
    camsep_box boxes[2];
    scene *s = make_scene(frames, 30.0, 0.0f, act, boxes);
    uint8_t *luma = malloc((size_t)stride * H * frames);
    CHECK(luma);
    for (int k = 0; k < frames; k++) {
        uint8_t *f = luma + (size_t)k * stride * H;
        scene_render(s, k, f, stride);
        for (int y = 0; y < H; y++)
            memset(f + (size_t)y * stride + W, k * 37 + y, (size_t)(stride - W));
    }
    char err[256] = "";
    camsep_video_priors *vp = camsep_video_priors_create(W, H, 30.0, boxes, 2, err, sizeof err);
    CHECK_MSG(vp, "%s", err);
    camsep_prior p;
    int64_t t = 0;
    /* the frame shown at each call, each call one period after the one before */
    const int order[] = {0, 1, 1, 2, 2, 2, 2, 3, 4};
    const int got_want[] = {0, 1, 0, 1, 0, 0, 0, 0, 1};
    const long repeats_want[] = {0, 0, 1, 0, 1, 2, 3, 0, 0};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        uint8_t *f = luma + (size_t)order[i] * stride * H;
        if (i == 6) /* the same picture with other padding */
            for (int y = 0; y < H; y++)
                f[(size_t)y * stride + W] ^= 0xff;
        camsep_frame fr = {.width = W, .height = H, .stride = stride, .luma = f, .timestamp_ns = t,
                           .sequence = (uint64_t)i};
        int got = camsep_video_priors_frame(vp, &fr, &p);
        CHECK_MSG(got == got_want[i] && camsep_video_priors_repeats(vp) == repeats_want[i],
                  "call %zu (frame %d): got %d, %ld repeats; want %d, %ld", i, order[i], got,
                  camsep_video_priors_repeats(vp), got_want[i], repeats_want[i]);
        t += 33333333;
    }
    /* a reset forgets the flow's frame, not the picture: frame 4 again is a repeat */
    camsep_video_priors_reset(vp);
    camsep_frame fr = {.width = W, .height = H, .stride = stride, .luma = luma + (size_t)4 * stride * H,
                       .timestamp_ns = t, .sequence = 9};
    CHECK(camsep_video_priors_frame(vp, &fr, &p) == 0 && camsep_video_priors_repeats(vp) == 1);
    fr.luma = luma + (size_t)5 * stride * H;
    fr.timestamp_ns += 33333333;
    CHECK(camsep_video_priors_frame(vp, &fr, &p) == 0 && camsep_video_priors_repeats(vp) == 0);
    fr.luma = luma + (size_t)6 * stride * H;
    fr.timestamp_ns += 33333333;
    CHECK(camsep_video_priors_frame(vp, &fr, &p) == 1);
    camsep_video_priors_free(vp);
    scene_free(s);
    free(luma);
}

/* A FIFO whose writer repeats its last picture: a grabber whose source froze. */
static void test_frozen_picture(void)
{
    static fifo_writer fw;
    pthread_t t;
    start_fifo_writer(&fw, "frozen.fifo", 1, &t);

    collector c;
    camsep_capture_runner *r = start_fifo_runner(&fw, &c);
    camsep_capture_status st;
    /* frames keep coming, the picture does not change: no priors from them, lost after about 0.5 s */
    CHECK(wait_state(r, CAMSEP_CAPTURE_LOST, 5000, &st));
    CHECK_MSG(st.frames > 10 && atomic_load(&c.count) == 4, "%llu frames, %d priors",
              (unsigned long long)st.frames, atomic_load(&c.count));
    CHECK_MSG(strstr(st.last_error, "camera frozen") != NULL, "last error: %s", st.last_error);
    sleep_ms(300); /* still frozen: still lost, still no priors */
    camsep_capture_runner_get_status(r, &st);
    CHECK(st.state == CAMSEP_CAPTURE_LOST && atomic_load(&c.count) == 4 && atomic_load(&c.lost_calls) >= 2);
    printf("frozen picture: lost after the same picture for %s\n", st.last_error + strlen("the same picture for "));

    /* the picture moves again: running, priors from the second new frame on */
    atomic_store(&fw.resume, 1);
    CHECK(wait_state(r, CAMSEP_CAPTURE_RUNNING, 5000, &st));
    int64_t end = camsep_monotonic_ns() + 5000000000LL;
    while (atomic_load(&c.count) < 8 && camsep_monotonic_ns() < end)
        sleep_ms(2);
    sleep_ms(20);
    CHECK_MSG(atomic_load(&c.count) == 8, "%d priors (4 + 4 expected)", atomic_load(&c.count));
    camsep_capture_runner_stop(r);
    end_fifo_writer(&fw, t);
    collector_free(&c);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/camsep-runner-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    CHECK(mkdtemp(dir));
    test_bad_input();
    test_file_priors();
    test_global_motion();
    test_set_boxes();
    test_knee();
    test_fifo_lost_and_stop();
    test_repeated_picture();
    test_frozen_picture();
    test_loop();
    test_find_players();
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    printf("capture_runner: all checks passed\n");
    return 0;
}
