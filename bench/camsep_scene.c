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
#include "cli_options.h"
#include "priors_csv.h"
#include "scene.h"

static const char *const PROG = "camsep-scene";

enum {
    OPT_SIZE = CLI_ID_BASE, OPT_FPS, OPT_DURATION, OPT_SWAY, OPT_GESTURE, OPT_SHAKE, OPT_JITTER, OPT_ZOOM,
    OPT_FLICKER, OPT_FADE, OPT_SPOT, OPT_NOISE, OPT_OCCLUDE, OPT_BUSY, OPT_SEED,
};

static const cli_option OPTIONS[] = {
    {"activity", 'a', "ACTIVITY.csv",
     "'time' in seconds, then one column per player in [0,1] (how hard each plays); sampled at the video's frame "
     "times (linear interpolation)",
     0, 0},
    {"players", 'p', "PLAYERS", "number of players (1..8)", 0, 0},
    {"output", 'o', "OUT.y4m", "the video to write", 0, 0},
    {"size", 0, "WxH", "frame size (default 640x480)", OPT_SIZE, 0},
    {"fps", 0, "F", "frame rate (default 30)", OPT_FPS, 0},
    {"duration", 0, "S", "length in seconds (default: the CSV's last time)", OPT_DURATION, 0},
    {"sway", 0, "PX", "body sway amplitude (default 2)", OPT_SWAY, 0},
    {"gesture", 0, "PX", "arm gestures during rests (default 6)", OPT_GESTURE, 0},
    {"shake", 0, "PX", "camera shake amplitude (default 0)", OPT_SHAKE, 0},
    {"jitter", 0, "PX", "camera jitter: a new random offset in [-PX, PX] every frame (default 0)", OPT_JITTER, 0},
    {"zoom", 0, "Z", "a slow zoom about the centre, to 1+Z and back every 8 s (0..1, default 0)", OPT_ZOOM, 0},
    {"flicker", 0, "R", "light gain jitter per frame, relative (default 0)", OPT_FLICKER, 0},
    {"fade", 0, "D", "slow light fades down to 1-D (default 0)", OPT_FADE, 0},
    {"spot", 0, "R", "the first player's own light flickers by +-R and fades to 1-3R (0..0.3, default 0)", OPT_SPOT,
     0},
    {"noise", 0, "SD", "sensor noise, grey levels (default 1)", OPT_NOISE, 0},
    {"occlude", 0, NULL, "something crosses the stage in the middle", OPT_OCCLUDE, 0},
    {"busy", 0, NULL,
     "everything a busy stage has at once: sway 6, gestures 15, shake 3, jitter 2, flicker 0.1, fades 0.3, "
     "spotlight 0.15, noise 4 and the occluder (options after it change single values)",
     OPT_BUSY, 0},
    {"seed", 0, "N", "(default 1)", OPT_SEED, 0},
};

static const cli_program PROGRAM = {
    .name = "camsep-scene",
    .purpose = "render a synthetic stage video for benchmarks and tests",
    .synopsis = "-a ACTIVITY.csv -p PLAYERS -o OUT.y4m [options]",
    .description = "Renders a synthetic stage video (Y4M) whose players' bowing or strumming follows activity "
                   "curves from a CSV, with the disturbances a real stage has. The player boxes are printed one "
                   "per line as X,Y,W,H (camsep-process --box).",
    .options = OPTIONS,
    .n_options = CLI_COUNT(OPTIONS),
    .see_also = "camsep-process(1)",
};

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
    cli_parser cp;
    cli_begin(&cp, &PROGRAM, argc, argv);
    const char *v;
    int id, first;
    while ((id = cli_next(&cp, &v, &first)) != CLI_DONE) {
        switch (id) {
        case 'a': activity = v; break;
        case 'o': output = v; break;
        case 'p': players = cli_int(PROG, "-p", v, 1, SCENE_MAX_PLAYERS); break;
        case OPT_SIZE:
            if (sscanf(v, "%dx%d", &width, &height) != 2 || width < 64 || height < 64 || width > 4096 ||
                height > 4096)
                cli_usage_fail(PROG, "--size: '%s' is not WxH within 64..4096", v);
            break;
        case OPT_FPS: fps = cli_float(PROG, "--fps", v, 1.0, 240.0); break;
        case OPT_DURATION: duration = cli_float(PROG, "--duration", v, 0.1, 3600.0); break;
        case OPT_SWAY: sway = (float)cli_float(PROG, "--sway", v, 0.0, 100.0); break;
        case OPT_GESTURE: gesture = (float)cli_float(PROG, "--gesture", v, 0.0, 100.0); break;
        case OPT_SHAKE: shake = (float)cli_float(PROG, "--shake", v, 0.0, 100.0); break;
        case OPT_JITTER: jitter = (float)cli_float(PROG, "--jitter", v, 0.0, 100.0); break;
        case OPT_ZOOM: zoom = (float)cli_float(PROG, "--zoom", v, 0.0, 1.0); break;
        case OPT_SPOT: spot = (float)cli_float(PROG, "--spot", v, 0.0, 0.3); break;
        case OPT_FLICKER: flicker = (float)cli_float(PROG, "--flicker", v, 0.0, 0.9); break;
        case OPT_FADE: fade = (float)cli_float(PROG, "--fade", v, 0.0, 0.95); break;
        case OPT_NOISE: noise = (float)cli_float(PROG, "--noise", v, 0.0, 50.0); break;
        case OPT_OCCLUDE: occlude = 1; break;
        case OPT_BUSY:
            sway = 6.0f;
            gesture = 15.0f;
            shake = 3.0f;
            jitter = 2.0f;
            flicker = 0.1f;
            fade = 0.3f;
            spot = 0.15f;
            noise = 4.0f;
            occlude = 1;
            break;
        case OPT_SEED: seed = cli_int(PROG, "--seed", v, 0, 1000000); break;
        }
    }
    if (first < argc)
        cli_usage_fail(PROG, "unexpected argument %s (see --help)", argv[first]);
    if (!activity || !output || !players)
        cli_usage_fail(PROG, "give -a ACTIVITY.csv, -p PLAYERS and -o OUT.y4m (see --help)");
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
