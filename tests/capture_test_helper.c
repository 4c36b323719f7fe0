/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The other end of camsep-capture, for tests/test_camsep_capture.sh:
 *   render OUT.y4m W H FRAMES FPS           a duo scene (player 1 plays in the first
 *                                           half, player 2 in the second); prints a
 *                                           box file ("p1 x y w h" lines) on stdout
 *   fifo-writer FIFO W H FRAMES FPS QUIET_S the same scene into a FIFO at FPS, then
 *                                           QUIET_S seconds of silence, then the end
 *   shm-read NAME [options]                 reads the ring until it goes stale
 *                                           (--dump FILE: each record's activities,
 *                                           held mask and motion channel 0)
 *   osc-recv [options]                      receives PREFIX/priors messages
 *                                           (--channels C: the motion channels
 *                                           expected, default the capture's)
 * Every mode checks what it sees and prints key=value lines; the exit status
 * is 0 when the checks pass.
 */
#define _POSIX_C_SOURCE 200809L
#include <lo/lo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "box_file.h"
#include "capture_clock.h"
#include "check.h"
#include "motion_energy.h"
#include "scene.h"
#include "shm_ring.h"
#include "video_priors.h"
#include "y4m_source.h"

static scene *duo(int w, int h, int frames, double fps, float **act)
{
    *act = malloc(2 * (size_t)frames * sizeof **act);
    CHECK(*act);
    for (int k = 0; k < frames; k++) {
        (*act)[k] = k < frames / 2 ? 1.0f : 0.0f;
        (*act)[frames + k] = k < frames / 2 ? 0.0f : 1.0f;
    }
    scene_config sc;
    scene_config_default(&sc, w, h, 2);
    sc.fps = fps;
    sc.frames = frames;
    sc.player[0].activity = *act;
    sc.player[1].activity = *act + frames;
    sc.sway_px = 1.0f;
    sc.noise = 1.0f;
    scene *s = scene_create(&sc);
    CHECK(s);
    return s;
}

static int render(int argc, char **argv)
{
    CHECK(argc == 7);
    int w = atoi(argv[3]), h = atoi(argv[4]), frames = atoi(argv[5]);
    double fps = atof(argv[6]);
    float *act;
    scene *s = duo(w, h, frames, fps, &act);
    uint8_t *luma = malloc((size_t)w * h);
    scene_y4m *y = scene_y4m_open(argv[2], w, h, fps, 1);
    CHECK(luma && y);
    for (int k = 0; k < frames; k++) {
        scene_render(s, k, luma, w);
        CHECK(scene_y4m_write(y, luma, w) == 0);
    }
    CHECK(scene_y4m_close(y) == 0);
    const scene_config *c = scene_get_config(s);
    printf("# the duo of %s\n", argv[2]);
    for (int j = 0; j < c->n_players; j++)
        printf("p%d %.1f %.1f %.1f %.1f\n", j + 1, c->player[j].x, c->player[j].y, c->player[j].w, c->player[j].h);
    scene_free(s);
    free(luma);
    free(act);
    return 0;
}

static int fifo_writer(int argc, char **argv)
{
    CHECK(argc == 8);
    int w = atoi(argv[3]), h = atoi(argv[4]), frames = atoi(argv[5]);
    double fps = atof(argv[6]), quiet = atof(argv[7]);
    float *act;
    scene *s = duo(w, h, frames, fps, &act);
    uint8_t *luma = malloc((size_t)w * h);
    FILE *f = fopen(argv[2], "wb");
    CHECK(luma && f);
    fprintf(f, "YUV4MPEG2 W%d H%d F%ld:1000 Ip Cmono\n", w, h, lround(fps * 1000));
    int64_t t0 = camsep_monotonic_ns();
    for (int k = 0; k < frames; k++) {
        camsep_sleep_until_ns(t0 + (int64_t)(k * 1e9 / fps));
        scene_render(s, k, luma, w);
        fputs("FRAME\n", f);
        CHECK(fwrite(luma, 1, (size_t)w * h, f) == (size_t)w * h);
        CHECK(fflush(f) == 0);
    }
    camsep_sleep_until_ns(camsep_monotonic_ns() + (int64_t)(quiet * 1e9));
    fclose(f);
    scene_free(s);
    free(luma);
    free(act);
    return 0;
}

/* ---- shared memory ---- */

static int shm_read(int argc, char **argv)
{
    const char *name = argv[2];
    double timeout_s = 1.0, wait_open_s = 10.0, max_s = 30.0;
    const char *dump = NULL;
    for (int i = 3; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--timeout"))
            timeout_s = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--wait-open"))
            wait_open_s = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--max-seconds"))
            max_s = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--dump"))
            dump = argv[i + 1];
    }
    char err[256];
    camsep_shm_reader *r = NULL;
    int64_t t0 = camsep_monotonic_ns();
    while (!r) {
        if (camsep_shm_reader_try_open(name, NULL, &r, err, sizeof err) < 0) {
            fprintf(stderr, "shm-read: %s\n", err);
            return 1;
        }
        if (!r) {
            CHECK_MSG(camsep_monotonic_ns() - t0 < (int64_t)(wait_open_s * 1e9), "no ring %s", name);
            camsep_sleep_until_ns(camsep_monotonic_ns() + 5000000);
        }
    }
    camsep_shm_reader_set_timeout(r, (int64_t)(timeout_s * 1e9));
    FILE *out = dump ? fopen(dump, "w") : NULL;
    long ok = 0, lost = 0, bad = 0;
    int players = 0, stale = 0;
    int64_t last_ts = INT64_MIN, last_event = camsep_monotonic_ns(), max_quiet = 0, max_delay = 0;
    uint64_t last_seq = 0;
    int64_t end = t0 + (int64_t)(max_s * 1e9);
    for (;;) {
        int64_t now = camsep_monotonic_ns();
        if (now > end)
            break;
        camsep_shm_record rec;
        camsep_shm_poll_result pr = camsep_shm_reader_poll(r, now, &rec);
        if (pr == CAMSEP_SHM_STALE) {
            if (ok + lost > 0) {
                stale = 1;
                break;
            }
        } else if (pr == CAMSEP_SHM_RECORD) {
            if (ok + lost > 0 && rec.sequence <= last_seq)
                bad++;
            last_seq = rec.sequence;
            players = rec.n_players;
            if (now - last_event > max_quiet)
                max_quiet = now - last_event;
            last_event = now;
            if (rec.status == CAMSEP_SHM_CAMERA_OK) {
                ok++;
                if (rec.timestamp_ns <= last_ts)
                    bad++;
                last_ts = rec.timestamp_ns;
                if (now - rec.timestamp_ns > max_delay)
                    max_delay = now - rec.timestamp_ns;
                for (int j = 0; j < rec.n_players; j++)
                    if (!(rec.activity[j] >= 0.0f && rec.activity[j] <= 1.0f))
                        bad++;
                if (out) {
                    fprintf(out, "%llu", (unsigned long long)rec.sequence);
                    for (int j = 0; j < rec.n_players; j++)
                        fprintf(out, " %.9g", rec.activity[j]);
                    fprintf(out, " held=%u motion0=", (unsigned)rec.held);
                    for (int j = 0; j < rec.n_players; j++)
                        fprintf(out, "%s%.9g", j ? "," : "", rec.motion[j][0]);
                    fputc('\n', out);
                }
            } else {
                lost++;
                for (int j = 0; j < rec.n_players; j++)
                    if (!isnan(rec.activity[j]))
                        bad++;
            }
        } else if (pr == CAMSEP_SHM_EMPTY && ok + lost > 0 && now - last_event > max_quiet) {
            max_quiet = now - last_event; /* alive without records: heartbeats */
        }
        camsep_sleep_until_ns(now + 1000000);
    }
    int64_t stale_after_event = camsep_monotonic_ns() - last_event;
    if (out)
        fclose(out);
    camsep_shm_reader_close(r);
    printf("records=%ld ok=%ld lost=%ld players=%d stale=%d bad=%ld max_quiet_ms=%.0f max_delay_ms=%.1f "
           "stale_after_ms=%.0f\n",
           ok + lost, ok, lost, players, stale, bad, max_quiet * 1e-6, max_delay * 1e-6, stale_after_event * 1e-6);
    return bad ? 1 : 0;
}

/* ---- OSC ---- */

/* One PREFIX/priors message's values, or what the analysis here gives for its frame. */
typedef struct osc_prior {
    float activity[CAMSEP_MAX_SOURCES];
    uint32_t held;
    int channels;
    float motion[CAMSEP_MAX_SOURCES][CAMSEP_MOTION_CHANNELS];
} osc_prior;

typedef struct osc_state {
    int n, players_msgs, bad, n_players;
    int capacity;
    osc_prior *priors;
    double max_age, max_clock_error;
    char names[256];
} osc_state;

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* liblo's arguments are only 4-byte aligned: read them by copy. */
static float arg_f(lo_arg *a)
{
    float v;
    memcpy(&v, (const void *)a, sizeof v);
    return v;
}

static int32_t arg_i(lo_arg *a)
{
    int32_t v;
    memcpy(&v, (const void *)a, sizeof v);
    return v;
}

/* time, age, sequence, camera_ok, n activities (f), the held mask (i), the
 * motion block: channels C (i), n x C values (f); at most 40 arguments (what
 * camsep receivers decode). The values into *p; the player count, or -1
 * when the types are not these. */
static int read_priors(const char *types, lo_arg **argv, int argc, osc_prior *p)
{
    int k = 4;
    while (k < argc && types[k] == 'f')
        k++;
    const int n = k - 4;
    if (argc < 6 || argc > 40 || strncmp(types, "tfii", 4) || (int)strlen(types) != argc || n < 1 ||
        n > CAMSEP_MAX_SOURCES || k + 2 > argc || types[k] != 'i' || types[k + 1] != 'i')
        return -1;
    p->held = (uint32_t)arg_i(argv[k]);
    p->channels = arg_i(argv[k + 1]);
    if (p->held >> n || p->channels < 1 || p->channels > CAMSEP_MOTION_CHANNELS || argc != k + 2 + n * p->channels)
        return -1;
    for (int i = k + 2; i < argc; i++)
        if (types[i] != 'f')
            return -1;
    for (int j = 0; j < n; j++) {
        p->activity[j] = arg_f(argv[4 + j]);
        for (int c = 0; c < p->channels; c++)
            p->motion[j][c] = arg_f(argv[k + 2 + j * p->channels + c]);
    }
    return n;
}

static int on_priors(const char *path, const char *types, lo_arg **argv, int argc, lo_message msg, void *user)
{
    (void)path;
    (void)msg;
    osc_state *s = user;
    osc_prior p;
    memset(&p, 0, sizeof p);
    const int n = read_priors(types, argv, argc, &p);
    if (n < 0) {
        s->bad++;
        return 0;
    }
    /* the capture time: from the timetag (wall clock) and from the age */
    lo_timetag tt;
    memcpy(&tt, (const void *)argv[0], sizeof tt);
    double tag = (double)tt.sec - 2208988800.0 + tt.frac / 4294967296.0;
    double age = arg_f(argv[1]), placed = wall_now() - age;
    if (fabs(placed - tag) > s->max_clock_error)
        s->max_clock_error = fabs(placed - tag);
    /* negative for an unpaced file read faster than real time: its frames are
     * stamped start + media time */
    if (!(fabs(age) < 5.0))
        s->bad++;
    if (fabs(age) > s->max_age)
        s->max_age = fabs(age);
    if (arg_i(argv[2]) != s->n || arg_i(argv[3]) != 1)
        s->bad++;
    s->n_players = n;
    if (s->n < s->capacity)
        s->priors[s->n] = p;
    s->n++;
    return 0;
}

static int on_players(const char *path, const char *types, lo_arg **argv, int argc, lo_message msg, void *user)
{
    (void)path;
    (void)msg;
    osc_state *s = user;
    s->players_msgs++;
    s->names[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (types[i] != 's') {
            s->bad++;
            continue;
        }
        strncat(s->names, (const char *)argv[i], sizeof s->names - strlen(s->names) - 2);
        if (i + 1 < argc)
            strcat(s->names, ",");
    }
    return 0;
}

/* The priors camsep-capture must have sent (activities, held masks, motion):
 * the same analysis on the same file. */
static int expected_priors(const char *video, const char *boxes_file, int channels, osc_prior *out, int max)
{
    char err[256];
    camsep_named_box nb[CAMSEP_MAX_SOURCES];
    int n = camsep_box_file_load(boxes_file, nb, CAMSEP_MAX_SOURCES, err, sizeof err);
    CHECK_MSG(n > 0, "%s", err);
    camsep_box boxes[CAMSEP_MAX_SOURCES];
    for (int j = 0; j < n; j++)
        boxes[j] = nb[j].box;
    camsep_frame_source *src = camsep_y4m_open(video, 0, err, sizeof err);
    CHECK_MSG(src, "%s", err);
    camsep_video_priors *vp =
        camsep_video_priors_create(src->width, src->height, src->frame_rate, boxes, n, err, sizeof err);
    CHECK_MSG(vp, "%s", err);
    int count = 0;
    camsep_frame f;
    while (count < max && camsep_frame_source_read(src, &f, -1, err, sizeof err) == CAMSEP_SOURCE_OK) {
        camsep_prior p;
        if (camsep_video_priors_frame(vp, &f, &p) == 1) {
            osc_prior *o = &out[count++];
            o->held = p.held;
            o->channels = channels;
            for (int j = 0; j < n; j++) {
                o->activity[j] = p.activity[j];
                for (int c = 0; c < CAMSEP_MOTION_CHANNELS; c++)
                    o->motion[j][c] = p.motion[j][c];
            }
        }
    }
    camsep_video_priors_free(vp);
    camsep_frame_source_close(src);
    return count;
}

static int osc_recv(int argc, char **argv)
{
    int want = 0, tcp = 0, channels = CAMSEP_MOTION_CHANNELS;
    double timeout_s = 20.0;
    const char *ready = NULL, *video = NULL, *boxes = NULL, *prefix = "/camsep";
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--tcp"))
            tcp = 1;
        else if (i + 1 < argc && !strcmp(argv[i], "--count"))
            want = atoi(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--timeout"))
            timeout_s = atof(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--ready"))
            ready = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--video"))
            video = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--boxes"))
            boxes = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--prefix"))
            prefix = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--channels"))
            channels = atoi(argv[++i]);
    }
    static osc_state s;
    s.capacity = want > 0 ? want : 1;
    s.priors = calloc((size_t)s.capacity, sizeof *s.priors);
    CHECK(s.priors);
    lo_server srv = lo_server_new_with_proto(NULL, tcp ? LO_TCP : LO_UDP, NULL);
    CHECK(srv);
    char path[128];
    snprintf(path, sizeof path, "%s/priors", prefix);
    lo_server_add_method(srv, path, NULL, on_priors, &s);
    snprintf(path, sizeof path, "%s/players", prefix);
    lo_server_add_method(srv, path, NULL, on_players, &s);
    if (ready) {
        char tmp[512];
        snprintf(tmp, sizeof tmp, "%s.tmp", ready);
        FILE *f = fopen(tmp, "w");
        CHECK(f);
        fprintf(f, "%d\n", lo_server_get_port(srv));
        fclose(f);
        CHECK(rename(tmp, ready) == 0);
    }
    int64_t end = camsep_monotonic_ns() + (int64_t)(timeout_s * 1e9);
    while (camsep_monotonic_ns() < end && (want == 0 || s.n < want || !s.players_msgs))
        lo_server_recv_noblock(srv, 20);
    /* a moment more: anything beyond the count is an error */
    int64_t extra = camsep_monotonic_ns() + 300000000;
    while (camsep_monotonic_ns() < extra)
        lo_server_recv_noblock(srv, 20);
    lo_server_free(srv);

    double max_diff = 0.0, motion_diff = 0.0;
    int held_diff = 0, channels_diff = 0;
    if (video && boxes && s.n) {
        osc_prior *ref = calloc((size_t)s.capacity, sizeof *ref);
        CHECK(ref);
        int n = expected_priors(video, boxes, channels, ref, s.capacity);
        int m = n < s.n ? n : s.n;
        for (int i = 0; i < m && i < s.capacity; i++) {
            const osc_prior *a = &ref[i], *b = &s.priors[i];
            for (int j = 0; j < s.n_players; j++) {
                double d = fabs((double)a->activity[j] - b->activity[j]);
                if (!(d <= max_diff))
                    max_diff = isnan(d) ? INFINITY : d;
                for (int c = 0; c < a->channels && c < b->channels; c++) {
                    d = fabs((double)a->motion[j][c] - b->motion[j][c]);
                    if (!(d <= motion_diff))
                        motion_diff = isnan(d) ? INFINITY : d;
                }
            }
            held_diff += a->held != b->held;
            channels_diff += a->channels != b->channels;
        }
        free(ref);
    }
    printf("messages=%d players=%d names=%s players_msgs=%d bad=%d max_abs_age_ms=%.2f clock_error_ms=%.3f "
           "max_diff=%.3g held_diff=%d channels=%d channels_diff=%d motion_diff=%.3g\n",
           s.n, s.n_players, s.names, s.players_msgs, s.bad, s.max_age * 1e3, s.max_clock_error * 1e3, max_diff,
           held_diff, s.n ? s.priors[0].channels : 0, channels_diff, motion_diff);
    int fail = s.bad || (want && s.n != want) || !s.players_msgs || max_diff > 1e-6 || held_diff || channels_diff ||
               motion_diff > 1e-6;
    free(s.priors);
    return fail;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "render"))
        return render(argc, argv);
    if (argc >= 3 && !strcmp(argv[1], "fifo-writer"))
        return fifo_writer(argc, argv);
    if (argc >= 3 && !strcmp(argv[1], "shm-read"))
        return shm_read(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "osc-recv"))
        return osc_recv(argc, argv);
    fprintf(stderr, "usage: capture_test_helper render|fifo-writer|shm-read|osc-recv ...\n");
    return 2;
}
