/* SPDX-License-Identifier: GPL-3.0-or-later */
/* camsep-scene: renders a synthetic stage video (Y4M) whose players' bowing
 * or strumming follows activity curves from a CSV, with the disturbances a
 * real stage has, for benchmarks of video-informed separation. The player
 * boxes are printed one per line as X,Y,W,H (camsep-process --box). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "priors_csv.h"
#include "scene.h"

static const char *const PROG = "camsep-scene";

static void usage(void)
{
    printf("usage: camsep-scene -a ACTIVITY.csv -p PLAYERS -o OUT.y4m [options]\n"
           "ACTIVITY.csv: 'time' in seconds, then one column per player in [0,1] (how hard\n"
           "each plays); sampled at the video's frame times (linear interpolation).\n"
           "  --size WxH        frame size (default 640x480)\n"
           "  --fps F           frame rate (default 30)\n"
           "  --duration S      length in seconds (default: the CSV's last time)\n"
           "  --sway PX         body sway amplitude (default 2)\n"
           "  --gesture PX      arm gestures during rests (default 6)\n"
           "  --shake PX        camera shake amplitude (default 0)\n"
           "  --jitter PX       camera jitter: a new random offset in [-PX, PX] every frame (default 0)\n"
           "  --zoom Z          a slow zoom about the centre, to 1+Z and back every 8 s (0..1, default 0)\n"
           "  --flicker R       light gain jitter per frame, relative (default 0)\n"
           "  --fade D          slow light fades down to 1-D (default 0)\n"
           "  --spot R          the first player's own light flickers by +-R and fades to 1-3R (0..0.3, default 0)\n"
           "  --noise SD        sensor noise, grey levels (default 1)\n"
           "  --occlude         something crosses the stage in the middle\n"
           "  --busy            everything a busy stage has at once: sway 6, gestures 15, shake 3,\n"
           "                    jitter 2, flicker 0.1, fades 0.3, spotlight 0.15, noise 4 and the\n"
           "                    occluder (options after it change single values)\n"
           "  --seed N          (default 1)\n");
}

static float sample_curve(const priors_table *t, int player, double time)
{
    size_t lo = 0, hi = t->rows - 1;
    if (time <= t->time[0])
        return t->value[player];
    if (time >= t->time[hi])
        return t->value[hi * (size_t)t->sources + player];
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (t->time[mid] <= time)
            lo = mid;
        else
            hi = mid;
    }
    double w = (time - t->time[lo]) / (t->time[hi] - t->time[lo] + 1e-12);
    float a = t->value[lo * (size_t)t->sources + player], b = t->value[hi * (size_t)t->sources + player];
    return (float)(a + (b - a) * w);
}

int main(int argc, char **argv)
{
    const char *activity = NULL, *output = NULL;
    int players = 0, width = 640, height = 480, occlude = 0;
    double fps = 30.0, duration = 0.0;
    float sway = 2.0f, gesture = 6.0f, shake = 0.0f, jitter = 0.0f, zoom = 0.0f, spot = 0.0f, flicker = 0.0f, fade = 0.0f, noise = 1.0f;
    long seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
#define VALUE cli_value(PROG, argc, argv, &i)
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage();
            return 0;
        } else if (!strcmp(a, "-a")) {
            activity = VALUE;
        } else if (!strcmp(a, "-o")) {
            output = VALUE;
        } else if (!strcmp(a, "-p")) {
            players = cli_int(PROG, a, VALUE, 1, SCENE_MAX_PLAYERS);
        } else if (!strcmp(a, "--size")) {
            const char *v = VALUE;
            if (sscanf(v, "%dx%d", &width, &height) != 2 || width < 64 || height < 64 || width > 4096 ||
                height > 4096)
                cli_fail(PROG, "--size: '%s' is not WxH within 64..4096", v);
        } else if (!strcmp(a, "--fps")) {
            fps = cli_float(PROG, a, VALUE, 1.0, 240.0);
        } else if (!strcmp(a, "--duration")) {
            duration = cli_float(PROG, a, VALUE, 0.1, 3600.0);
        } else if (!strcmp(a, "--sway")) {
            sway = (float)cli_float(PROG, a, VALUE, 0.0, 100.0);
        } else if (!strcmp(a, "--gesture")) {
            gesture = (float)cli_float(PROG, a, VALUE, 0.0, 100.0);
        } else if (!strcmp(a, "--shake")) {
            shake = (float)cli_float(PROG, a, VALUE, 0.0, 100.0);
        } else if (!strcmp(a, "--jitter")) {
            jitter = (float)cli_float(PROG, a, VALUE, 0.0, 100.0);
        } else if (!strcmp(a, "--zoom")) {
            zoom = (float)cli_float(PROG, a, VALUE, 0.0, 1.0);
        } else if (!strcmp(a, "--spot")) {
            spot = (float)cli_float(PROG, a, VALUE, 0.0, 0.3);
        } else if (!strcmp(a, "--flicker")) {
            flicker = (float)cli_float(PROG, a, VALUE, 0.0, 0.9);
        } else if (!strcmp(a, "--fade")) {
            fade = (float)cli_float(PROG, a, VALUE, 0.0, 0.95);
        } else if (!strcmp(a, "--noise")) {
            noise = (float)cli_float(PROG, a, VALUE, 0.0, 50.0);
        } else if (!strcmp(a, "--occlude")) {
            occlude = 1;
        } else if (!strcmp(a, "--busy")) {
            sway = 6.0f;
            gesture = 15.0f;
            shake = 3.0f;
            jitter = 2.0f;
            flicker = 0.1f;
            fade = 0.3f;
            spot = 0.15f;
            noise = 4.0f;
            occlude = 1;
        } else if (!strcmp(a, "--seed")) {
            seed = cli_int(PROG, a, VALUE, 0, 1000000);
        } else {
            cli_fail(PROG, "unknown argument %s (see --help)", a);
        }
#undef VALUE
    }
    if (!activity || !output || !players)
        cli_fail(PROG, "give -a ACTIVITY.csv, -p PLAYERS and -o OUT.y4m (see --help)");
    char err[512];
    priors_table t;
    if (priors_csv_read(activity, players, &t, err, sizeof err))
        cli_fail(PROG, "%s", err);
    if (duration <= 0.0)
        duration = t.time[t.rows - 1];
    const int frames = (int)floor(duration * fps) + 1;
    float *curves = malloc(sizeof(float) * (size_t)frames * (size_t)players);
    if (!curves)
        cli_fail(PROG, "out of memory");
    scene_config cfg;
    scene_config_default(&cfg, width, height, players);
    cfg.fps = fps;
    cfg.frames = frames;
    cfg.seed = (uint32_t)seed;
    for (int j = 0; j < players; j++) {
        for (int k = 0; k < frames; k++)
            curves[(size_t)j * frames + k] = sample_curve(&t, j, k / fps);
        cfg.player[j].activity = curves + (size_t)j * frames;
    }
    cfg.sway_px = sway;
    cfg.sway_hz = 0.3f;
    cfg.gesture_px = gesture;
    cfg.gesture_s = 2.0f;
    cfg.shake_px = shake;
    cfg.jitter_px = jitter;
    cfg.zoom = zoom;
    cfg.zoom_period_s = 8.0f;
    cfg.spot = spot;
    cfg.flicker = flicker;
    cfg.fade_depth = fade;
    cfg.fade_period_s = 6.0f;
    cfg.noise = noise;
    if (occlude) {
        cfg.occluder_start = frames / 2;
        cfg.occluder_frames = (int)(2.0 * fps);
        cfg.occluder_y = height * 0.3f;
        cfg.occluder_w = width * 0.15f;
        cfg.occluder_h = height * 0.5f;
    }
    scene *s = scene_create(&cfg);
    if (!s)
        cli_fail(PROG, "invalid scene configuration");
    uint8_t *luma = malloc((size_t)width * height);
    scene_y4m *y = scene_y4m_open(output, width, height, fps, 0);
    if (!luma || !y)
        cli_fail(PROG, "%s: cannot write", output);
    for (int k = 0; k < frames; k++) {
        scene_render(s, k, luma, width);
        if (scene_y4m_write(y, luma, width))
            cli_fail(PROG, "%s: write failed", output);
    }
    if (scene_y4m_close(y))
        cli_fail(PROG, "%s: write failed", output);
    for (int j = 0; j < players; j++)
        printf("%g,%g,%g,%g\n", cfg.player[j].x, cfg.player[j].y, cfg.player[j].w, cfg.player[j].h);
    scene_free(s);
    free(luma);
    free(curves);
    priors_table_free(&t);
    return 0;
}
