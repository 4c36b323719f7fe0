/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-flow-bench: milliseconds per frame of optical flow + box energies on
 * synthetic stage scenes (tests/scene.c) at 640x480 and 1280x720, against
 * OpenCV's Farneback and DIS (ultrafast) run on the same frames in the same
 * run (bench/flow_opencv.py, one thread), with the correlation of per-box
 * energies between methods and with the scripted bow speed.
 *
 *   camsep-flow-bench [--frames N] [--repeats R] [--sizes 640x480,1280x720]
 *                     [--variants dis,lk,dis/2,dis:ps=3:it=16,lk:r=3,dis:base,...] [--no-opencv]
 *                     [--python PATH]
 *                     [--script PATH] [--keep DIR]
 *   camsep-flow-bench --write-y4m FILE [--size WxH] [--frames N] [--c420]
 *
 * Times are thread CPU time (CLOCK_THREAD_CPUTIME_ID), so that other load on
 * the machine inflates them less than wall time; per frame the median over
 * the repeats, then the median over frames.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "box_finder.h"
#include "motion_energy.h"
#include "optical_flow.h"
#include "scene.h"

#ifndef CAMSEP_FLOW_OPENCV_SCRIPT
#define CAMSEP_FLOW_OPENCV_SCRIPT "bench/flow_opencv.py"
#endif

#define PLAYERS 4
#define MAX_VARIANTS 8

typedef struct variant {
    char name[32];
    camsep_flow_method method;
    int scale;      /* 0 = auto */
    int iterations; /* 0 = default */
    int stride;     /* DIS patch stride, 0 = default */
    int radius;     /* LK window radius, 0 = default */
    int baseline;   /* force the baseline (non-AVX2) code */
    int find;       /* also look for the players (box_finder.h), as the capture does while asked */
} variant;

typedef struct result {
    char name[48];
    double ms_median, ms_mean;
    float *energy;   /* frames x PLAYERS: plain energy (as flow_opencv.py computes it) */
    float *pipeline; /* frames x PLAYERS: camsep_motion's channel 0 (camsep rows only) */
    int scale;
    int found, found_inside; /* :find rows: players found, and of them centred in their own box */
} result;

static double thread_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The plain per-box energy of flow_opencv.py, from a working-resolution
 * field: median of u and v over the pixels outside all boxes subtracted,
 * then the mean magnitude over each box (no gate, no reliability weights). */
static void plain_energy(const camsep_flow *f, const scene_config *sc, float *out, float *su, float *sv)
{
    const int w = camsep_flow_width(f), h = camsep_flow_height(f), s = camsep_flow_stride(f),
              k = camsep_flow_scale(f);
    const float *u = camsep_flow_u(f), *v = camsep_flow_v(f);
    int x0[PLAYERS], x1[PLAYERS], y0[PLAYERS], y1[PLAYERS];
    for (int j = 0; j < PLAYERS; j++) {
        x0[j] = (int)lround(sc->player[j].x / k);
        y0[j] = (int)lround(sc->player[j].y / k);
        x1[j] = (int)lround((sc->player[j].x + sc->player[j].w) / k);
        y1[j] = (int)lround((sc->player[j].y + sc->player[j].h) / k);
        x1[j] = x1[j] > w ? w : (x1[j] <= x0[j] ? x0[j] + 1 : x1[j]);
        y1[j] = y1[j] > h ? h : (y1[j] <= y0[j] ? y0[j] + 1 : y1[j]);
    }
    int n = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int in = 0;
            for (int j = 0; j < PLAYERS; j++)
                in |= x >= x0[j] && x < x1[j] && y >= y0[j] && y < y1[j];
            if (!in) {
                su[n] = u[(size_t)y * s + x];
                sv[n] = v[(size_t)y * s + x];
                n++;
            }
        }
    if (n < w * h / 20) { /* as the script: too little outside, the whole frame */
        n = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                su[n] = u[(size_t)y * s + x];
                sv[n] = v[(size_t)y * s + x];
                n++;
            }
    }
    qsort(su, (size_t)n, sizeof *su, cmp_float);
    qsort(sv, (size_t)n, sizeof *sv, cmp_float);
    const float gu = n % 2 ? su[n / 2] : 0.5f * (su[n / 2 - 1] + su[n / 2]);
    const float gv = n % 2 ? sv[n / 2] : 0.5f * (sv[n / 2 - 1] + sv[n / 2]);
    for (int j = 0; j < PLAYERS; j++) {
        double sum = 0;
        for (int y = y0[j]; y < y1[j]; y++)
            for (int x = x0[j]; x < x1[j]; x++)
                sum += hypot(u[(size_t)y * s + x] - gu, v[(size_t)y * s + x] - gv);
        out[j] = (float)(sum / ((double)(x1[j] - x0[j]) * (y1[j] - y0[j])));
    }
}

/* Pearson correlation of a[i*stride] and b[i*stride] over frames [1, n). */
static double pearson(const float *a, const float *b, int n, int stride)
{
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    int m = 0;
    for (int i = 1; i < n; i++) {
        double x = a[(size_t)i * stride], y = b[(size_t)i * stride];
        sa += x;
        sb += y;
        saa += x * x;
        sbb += y * y;
        sab += x * y;
        m++;
    }
    double cov = sab - sa * sb / m, va = saa - sa * sa / m, vb = sbb - sb * sb / m;
    return va > 0 && vb > 0 ? cov / sqrt(va * vb) : 0.0;
}

static void make_scene(scene_config *sc, int w, int h, int frames, float *activity)
{
    scene_config_default(sc, w, h, PLAYERS);
    sc->frames = frames;
    sc->seed = 11;
    const float k = (float)w / 640.0f;
    for (int j = 0; j < PLAYERS; j++) {
        scene_activity_script(activity + (size_t)j * frames, frames, sc->fps, 100u + (uint32_t)j);
        sc->player[j].activity = activity + (size_t)j * frames;
    }
    sc->sway_px = 1.5f * k;
    sc->gesture_px = 6.0f * k;
    sc->shake_px = 1.5f * k;
    sc->flicker = 0.05f;
    sc->noise = 2.0f;
}

static int run_ours(const variant *v, const uint8_t *frames, int n, int w, int h, const scene_config *sc, int repeats,
                    result *out)
{
    camsep_flow_config fc;
    camsep_flow_config_default(&fc);
    fc.method = v->method;
    fc.scale = v->scale;
    if (v->iterations)
        fc.iterations = v->iterations;
    if (v->stride)
        fc.patch_stride = fc.patch_stride_reduced = v->stride;
    if (v->radius)
        fc.window_radius = v->radius;
    camsep_flow_force_baseline(v->baseline);
    camsep_flow *f = camsep_flow_create(w, h, &fc);
    camsep_motion *m = camsep_motion_create(w, h, NULL);
    camsep_box_finder *bf = v->find ? camsep_box_finder_create(w, h, NULL) : NULL;
    if (bf)
        camsep_box_finder_set_split(bf, 1); /* the count is known, as when the engineer gives it */
    if (!f || !m || (v->find && !bf)) {
        camsep_flow_free(f);
        camsep_motion_free(m);
        camsep_box_finder_free(bf);
        return -1;
    }
    camsep_box boxes[PLAYERS];
    for (int j = 0; j < PLAYERS; j++)
        boxes[j] = (camsep_box){sc->player[j].x, sc->player[j].y, sc->player[j].w, sc->player[j].h};
    camsep_motion_set_boxes(m, boxes, PLAYERS);
    double *t = calloc((size_t)n * repeats, sizeof *t), *per = calloc((size_t)n, sizeof *per);
    out->energy = calloc((size_t)n * PLAYERS, sizeof(float));
    out->pipeline = calloc((size_t)n * PLAYERS, sizeof(float));
    float *su = malloc((size_t)w * h * sizeof(float)), *sv = malloc((size_t)w * h * sizeof(float));
    for (int r = 0; r < repeats; r++) {
        camsep_flow_reset(f);
        camsep_motion_reset(m);
        if (bf)
            camsep_box_finder_reset(bf);
        for (int i = 0; i < n; i++) {
            const int64_t ts = (int64_t)llround(i * 1e9 / sc->fps);
            double t0 = thread_ms();
            camsep_flow_compute(f, frames + (size_t)i * w * h, w);
            camsep_motion_update(m, f, ts);
            if (bf)
                camsep_box_finder_add(bf, f);
            t[(size_t)i * repeats + r] = thread_ms() - t0;
            if (r == 0) {
                for (int j = 0; j < PLAYERS; j++)
                    out->pipeline[(size_t)i * PLAYERS + j] = camsep_motion_energy(m, j)[0];
                if (camsep_flow_valid(f))
                    plain_energy(f, sc, out->energy + (size_t)i * PLAYERS, su, sv);
            }
        }
    }
    double sum = 0;
    for (int i = 1; i < n; i++) {
        per[i - 1] = median(t + (size_t)i * repeats, repeats);
        sum += per[i - 1];
    }
    out->ms_mean = sum / (n - 1);
    out->ms_median = median(per, n - 1);
    out->scale = camsep_flow_scale(f);
    snprintf(out->name, sizeof out->name, "camsep %.31s", v->name);
    if (bf) { /* what the looking found: the measured work must be the real one */
        camsep_box found[CAMSEP_BOX_FINDER_MAX];
        out->found = camsep_box_finder_propose(bf, PLAYERS, found, NULL);
        out->found_inside = 0;
        int taken[PLAYERS] = {0}; /* each player's box counts for one found box */
        for (int k = 0; k < out->found; k++) {
            const float cx = found[k].x + 0.5f * found[k].w, cy = found[k].y + 0.5f * found[k].h;
            for (int j = 0; j < PLAYERS; j++) {
                const scene_player *pl = &sc->player[j];
                if (!taken[j] && cx >= pl->x && cx <= pl->x + pl->w && cy >= pl->y && cy <= pl->y + pl->h) {
                    taken[j] = 1;
                    out->found_inside++;
                    break;
                }
            }
        }
    }
    camsep_box_finder_free(bf);
    free(t);
    free(per);
    free(su);
    free(sv);
    camsep_flow_force_baseline(0);
    camsep_flow_free(f);
    camsep_motion_free(m);
    return 0;
}

static float *read_f32(const char *path, size_t n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    float *v = malloc(n * sizeof(float));
    if (v && fread(v, sizeof(float), n, fp) != n) {
        free(v);
        v = NULL;
    }
    fclose(fp);
    return v;
}

static int write_scene_y4m(const char *path, int w, int h, int n, int c420)
{
    float *act = malloc((size_t)n * PLAYERS * sizeof(float));
    scene_config sc;
    make_scene(&sc, w, h, n, act);
    scene *s = scene_create(&sc);
    uint8_t *buf = malloc((size_t)w * h);
    scene_y4m *y = s && buf ? scene_y4m_open(path, w, h, sc.fps, c420) : NULL;
    int rc = y ? 0 : -1;
    for (int i = 0; y && i < n && rc == 0; i++) {
        scene_render(s, i, buf, w);
        rc = scene_y4m_write(y, buf, w);
    }
    if (y && scene_y4m_close(y) != 0)
        rc = -1;
    if (rc == 0) {
        printf("wrote %s: %dx%d, %d frames at %.0f fps; boxes", path, w, h, n, sc.fps);
        for (int j = 0; j < PLAYERS; j++)
            printf(" %.0f,%.0f,%.0f,%.0f", sc.player[j].x, sc.player[j].y, sc.player[j].w, sc.player[j].h);
        printf("\n");
    }
    scene_free(s);
    free(buf);
    free(act);
    return rc;
}

static int parse_size(const char *s, int *w, int *h)
{
    return sscanf(s, "%dx%d", w, h) == 2 && *w >= 16 && *h >= 16 ? 0 : -1;
}

static void usage(void)
{
    fprintf(stderr, "usage: camsep-flow-bench [--frames N] [--repeats R] [--sizes WxH,...] [--variants V,...]\n"
                    "         V = lk|dis[/scale][:it=N][:ps=N][:r=N][:base], e.g. dis,lk,dis/2,dis:ps=3:it=16\n"
                    "                         [--no-opencv] [--python PATH] [--script PATH] [--keep DIR]\n"
                    "       camsep-flow-bench --write-y4m FILE [--size WxH] [--frames N] [--c420]\n");
}

int main(int argc, char **argv)
{
    int frames = 100, repeats = 5, opencv = 1, c420 = 0;
    const char *sizes = "640x480,1280x720", *variants = "dis,lk", *python = "/usr/bin/python3";
    const char *script = CAMSEP_FLOW_OPENCV_SCRIPT, *keep = NULL, *y4m_out = NULL, *size1 = "640x480";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--frames") && next)
            frames = atoi(argv[++i]);
        else if (!strcmp(a, "--repeats") && next)
            repeats = atoi(argv[++i]);
        else if (!strcmp(a, "--sizes") && next)
            sizes = argv[++i];
        else if (!strcmp(a, "--variants") && next)
            variants = argv[++i];
        else if (!strcmp(a, "--no-opencv"))
            opencv = 0;
        else if (!strcmp(a, "--python") && next)
            python = argv[++i];
        else if (!strcmp(a, "--script") && next)
            script = argv[++i];
        else if (!strcmp(a, "--keep") && next)
            keep = argv[++i];
        else if (!strcmp(a, "--write-y4m") && next)
            y4m_out = argv[++i];
        else if (!strcmp(a, "--size") && next)
            size1 = argv[++i];
        else if (!strcmp(a, "--c420"))
            c420 = 1;
        else {
            usage();
            return 2;
        }
    }
    if (frames < 3 || repeats < 1) {
        usage();
        return 2;
    }
    if (y4m_out) {
        int w, h;
        if (parse_size(size1, &w, &h) != 0) {
            usage();
            return 2;
        }
        return write_scene_y4m(y4m_out, w, h, frames, c420) == 0 ? 0 : 1;
    }

    variant var[MAX_VARIANTS];
    int nvar = 0;
    {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", variants);
        for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok && nvar < MAX_VARIANTS;
             tok = strtok_r(NULL, ",", &save)) {
            variant *v = &var[nvar];
            memset(v, 0, sizeof *v);
            snprintf(v->name, sizeof v->name, "%s", tok);
            /* method[/scale][:it=N][:ps=N][:r=N] */
            for (char *opt = strchr(tok, ':'); opt; opt = strchr(opt + 1, ':')) {
                if (!strncmp(opt, ":it=", 4))
                    v->iterations = atoi(opt + 4);
                else if (!strncmp(opt, ":ps=", 4))
                    v->stride = atoi(opt + 4);
                else if (!strncmp(opt, ":r=", 3))
                    v->radius = atoi(opt + 3);
                else if (!strncmp(opt, ":base", 5))
                    v->baseline = 1;
                else if (!strncmp(opt, ":find", 5))
                    v->find = 1;
            }
            char *colon = strchr(tok, ':');
            if (colon)
                *colon = 0;
            char *slash = strchr(tok, '/');
            v->scale = slash ? atoi(slash + 1) : 0;
            if (slash)
                *slash = 0;
            if (!strcmp(tok, "lk"))
                v->method = CAMSEP_FLOW_LK;
            else if (!strcmp(tok, "dis"))
                v->method = CAMSEP_FLOW_DIS;
            else {
                usage();
                return 2;
            }
            nvar++;
        }
    }

    char dir[256];
    if (keep)
        snprintf(dir, sizeof dir, "%s", keep);
    else {
        snprintf(dir, sizeof dir, "/tmp/camsep-flow-bench-XXXXXX");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            return 1;
        }
    }
    if (opencv && access(script, R_OK) != 0) {
        fprintf(stderr, "no %s: OpenCV comparison skipped\n", script);
        opencv = 0;
    }

    printf("camsep-flow-bench: %d frames per scene (4 players, sway, gestures, shake, flicker, noise), "
           "flow variant %s; thread CPU ms per frame (median of %d repeats)\n\n",
           frames, camsep_flow_variant(), repeats);
    printf("%-10s %-22s %6s %9s %9s %8s %12s %10s %10s\n", "size", "method", "scale", "ms/frame", "ms mean",
           "x camsep", "r Farneback", "r truth", "r truth P");

    char sizebuf[256];
    snprintf(sizebuf, sizeof sizebuf, "%s", sizes);
    int status = 0;
    for (char *save = NULL, *tok = strtok_r(sizebuf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int w, h;
        if (parse_size(tok, &w, &h) != 0) {
            usage();
            return 2;
        }
        float *act = malloc((size_t)frames * PLAYERS * sizeof(float));
        scene_config sc;
        make_scene(&sc, w, h, frames, act);
        scene *s = scene_create(&sc);
        uint8_t *buf = malloc((size_t)w * h * frames);
        float *truth = calloc((size_t)frames * PLAYERS, sizeof(float));
        if (!s || !buf || !truth) {
            fprintf(stderr, "out of memory\n");
            return 1;
        }
        char y4m[512], boxes[512] = "";
        snprintf(y4m, sizeof y4m, "%s/scene_%dx%d.y4m", dir, w, h);
        scene_y4m *yw = scene_y4m_open(y4m, w, h, sc.fps, 0);
        for (int i = 0; i < frames; i++) {
            scene_render(s, i, buf + (size_t)i * w * h, w);
            if (yw)
                scene_y4m_write(yw, buf + (size_t)i * w * h, w);
            for (int j = 0; j < PLAYERS; j++)
                truth[(size_t)i * PLAYERS + j] = scene_arm_speed(s, j, i);
        }
        scene_y4m_close(yw);
        for (int j = 0; j < PLAYERS; j++) {
            char b[64];
            snprintf(b, sizeof b, "%s%.2f,%.2f,%.2f,%.2f", j ? ";" : "", sc.player[j].x, sc.player[j].y,
                     sc.player[j].w, sc.player[j].h);
            strncat(boxes, b, sizeof boxes - strlen(boxes) - 1);
        }

        result res[MAX_VARIANTS + 2];
        memset(res, 0, sizeof res);
        int nres = 0;
        for (int k = 0; k < nvar; k++)
            if (run_ours(&var[k], buf, frames, w, h, &sc, repeats, &res[nres]) == 0)
                nres++;
        const int ours = nres;
        int farneback = -1;
        if (opencv) {
            char cmd[2048], prefix[512];
            snprintf(prefix, sizeof prefix, "%s/scene_%dx%d", dir, w, h);
            snprintf(cmd, sizeof cmd, "'%s' '%s' --y4m '%s' --boxes '%s' --out '%s' --repeats %d", python, script, y4m,
                     boxes, prefix, repeats);
            FILE *pp = popen(cmd, "r");
            char line[256];
            while (pp && fgets(line, sizeof line, pp)) {
                char name[32];
                double med, mean;
                if (sscanf(line, "RESULT %31s %lf %lf", name, &med, &mean) == 3 && nres < MAX_VARIANTS + 2) {
                    result *r = &res[nres];
                    snprintf(r->name, sizeof r->name, "OpenCV %s", !strcmp(name, "dis") ? "DIS-ultrafast" : name);
                    r->ms_median = med;
                    r->ms_mean = mean;
                    r->scale = !strcmp(name, "dis") ? 4 : 1;
                    char path[600];
                    snprintf(path, sizeof path, "%s.%s.f32", prefix, name);
                    r->energy = read_f32(path, (size_t)frames * PLAYERS);
                    if (!keep)
                        unlink(path);
                    if (!strcmp(name, "farneback"))
                        farneback = nres;
                    nres++;
                }
            }
            if (!pp || pclose(pp) != 0) {
                fprintf(stderr, "the OpenCV script failed: %s\n", cmd);
                status = 1;
            }
        }
        for (int k = 0; k < nres; k++) {
            const result *r = &res[k];
            double rf = 0, rt = 0, rp = 0, rfmin = 1;
            for (int j = 0; j < PLAYERS && r->energy; j++) {
                if (farneback >= 0 && res[farneback].energy) {
                    double c = pearson(r->energy + j, res[farneback].energy + j, frames, PLAYERS);
                    rf += c / PLAYERS;
                    rfmin = c < rfmin ? c : rfmin;
                }
                rt += pearson(r->energy + j, truth + j, frames, PLAYERS) / PLAYERS;
                if (r->pipeline)
                    rp += pearson(r->pipeline + j, truth + j, frames, PLAYERS) / PLAYERS;
            }
            char rps[16] = "-";
            if (r->pipeline)
                snprintf(rps, sizeof rps, "%.3f", rp);
            char ratio[32] = "", rfs[32] = "-";
            if (k >= ours && ours > 0)
                snprintf(ratio, sizeof ratio, "%.1f", r->ms_median / res[0].ms_median);
            if (farneback >= 0 && k != farneback)
                snprintf(rfs, sizeof rfs, "%.3f/%.3f", rf, rfmin);
            char scs[16] = "-";
            if (r->scale)
                snprintf(scs, sizeof scs, "1/%d", r->scale);
            printf("%-10s %-22s %6s %9.3f %9.3f %8s %12s %10.3f %10s\n", tok, r->name, scs, r->ms_median,
                   r->ms_mean, ratio, rfs, rt, rps);
        }
        for (int k = 1; k < ours; k++) /* against the first camsep row, measured in the same process */
            if (strstr(res[k].name, ":find"))
                printf("  %s: looking for the players costs %.3f ms/frame more than %s (x%.2f); %d of %d found, "
                       "%d centred in their own box\n",
                       res[k].name, res[k].ms_median - res[0].ms_median, res[0].name,
                       res[k].ms_median / res[0].ms_median, res[k].found, PLAYERS, res[k].found_inside);
        printf("\n");
        for (int k = 0; k < nres; k++) {
            free(res[k].energy);
            free(res[k].pipeline);
        }
        if (!keep)
            unlink(y4m);
        scene_free(s);
        free(buf);
        free(truth);
        free(act);
    }
    printf("ms/frame: flow + box energies (camsep_flow_compute + camsep_motion_update), or OpenCV's flow call alone.\n"
           "x camsep: time relative to the first camsep row. r Farneback: Pearson correlation over time of the\n"
           "plain per-box energy (median global motion removed, mean magnitude over the box, no gate) with the\n"
           "same from OpenCV Farneback's flow, mean/min over the 4 boxes. r truth: mean correlation of the plain\n"
           "energy with the scripted arm speed (the boxes also hold sway, gestures and noise: no method reaches 1);\n"
           "r truth P: the same for camsep_motion's energy (noise gate, reliability weights, occlusion hold).\n");
    if (!keep)
        rmdir(dir);
    return status;
}
