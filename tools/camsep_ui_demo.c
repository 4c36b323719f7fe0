/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-ui-demo: the window on a Y4M video, for trying the UI and for its
 * tests. A viewer/demo, not the product: the meters come from plain frame
 * differences (demo_motion.h), not from camsep's motion analysis, and no audio
 * is processed. It plays the host's part the way camsep-jack will: box edits
 * come back through a callback, are "applied" (printed with --print-boxes)
 * and set back into the window.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "camsep_ui.h"
#include "cli.h"
#include "demo_motion.h"
#include "ui_font_cache.h"
#include "y4m_source.h"

static const char *const program = "camsep-ui-demo";

static void usage(void)
{
    printf("usage: %s VIDEO.y4m [options]\n"
           "Shows a Y4M video (file, FIFO or '-') in camsep's window with player boxes and\n"
           "meters. A viewer/demo: the meters are faked from frame differences.\n"
           "  --box NAME[:INSTRUMENT]=X,Y,W,H  a player and its box, frame pixels (repeatable)\n"
           "  --player NAME[:INSTRUMENT]       a player without a box yet (repeatable)\n"
           "  --size WxH                       window size (960x600)\n"
           "  --title TEXT                     window title\n"
           "  --display NAME                   X display (default $DISPLAY)\n"
           "  --no-pace                        frames as fast as they come (default: the file's rate)\n"
           "  --loop                           start the video again at its end\n"
           "  --print-boxes                    print 'ready WxH' once a frame is shown, then every\n"
           "                                   box change: 'box P X Y W H norm NX NY NW NH' or 'box P none'\n"
           "                                   (P counts players from 1)\n"
           "  --screenshot FILE.png            write the window's contents and exit ...\n"
           "  --after-frames N                 ... once N frames were shown (1)\n"
           "  --exit-after SECONDS             exit after this long (for scripts)\n"
           "The window: drag on the picture to draw a box, inside a box to move it, on an edge\n"
           "to resize; 1-8 assign the selected box to a player; Delete removes; Tab cycles.\n",
           program);
}

typedef struct demo {
    camsep_ui *ui;
    const char *video;
    int pace, loop, print_boxes;
    int n;
    char name[CAMSEP_UI_MAX_PLAYERS][64], instrument[CAMSEP_UI_MAX_PLAYERS][64];

    pthread_mutex_t lock; /* the "host's" boxes, shared with the capture thread */
    camsep_box box[CAMSEP_UI_MAX_PLAYERS];

    camsep_frame_source *src; /* opened by main, so that a bad file fails at once */
    atomic_int stop, ended, closed;
    char capture_error[256];
} demo;

static atomic_int signalled;
static void on_signal(int sig)
{
    (void)sig;
    atomic_store(&signalled, 1);
}

static void parse_player(demo *d, const char *spec, int with_box)
{
    if (d->n >= CAMSEP_UI_MAX_PLAYERS)
        cli_fail(program, "at most %d players", CAMSEP_UI_MAX_PLAYERS);
    char text[256];
    snprintf(text, sizeof text, "%s", spec);
    char *coords = NULL;
    if (with_box) {
        coords = strrchr(text, '=');
        if (!coords)
            cli_fail(program, "--box %s: expected NAME[:INSTRUMENT]=X,Y,W,H", spec);
        *coords++ = '\0';
    }
    char *ins = strchr(text, ':');
    if (ins)
        *ins++ = '\0';
    const int j = d->n++;
    snprintf(d->name[j], sizeof d->name[j], "%.63s", text);
    snprintf(d->instrument[j], sizeof d->instrument[j], "%.63s", ins ? ins : "");
    d->box[j] = (camsep_box){0.0f, 0.0f, 0.0f, 0.0f};
    if (!with_box)
        return;
    double v[4];
    char *save = NULL, *tok = strtok_r(coords, ",", &save);
    for (int k = 0; k < 4; k++) {
        if (!tok || !cli_parse_float(tok, 0.0, 1e5, &v[k]))
            cli_fail(program, "--box %s: expected NAME[:INSTRUMENT]=X,Y,W,H with numbers", spec);
        tok = strtok_r(NULL, ",", &save);
    }
    if (tok || v[2] <= 0.0 || v[3] <= 0.0)
        cli_fail(program, "--box %s: expected NAME[:INSTRUMENT]=X,Y,W,H, W and H > 0", spec);
    d->box[j] = (camsep_box){(float)v[0], (float)v[1], (float)v[2], (float)v[3]};
}

/* UI thread: what the host does with an edit (camsep-jack would queue a command). */
static void on_box_changed(void *user, int player, const camsep_box *box, const camsep_box *norm)
{
    demo *d = user;
    camsep_box all[CAMSEP_UI_MAX_PLAYERS];
    pthread_mutex_lock(&d->lock);
    d->box[player] = box ? *box : (camsep_box){0.0f, 0.0f, 0.0f, 0.0f};
    memcpy(all, d->box, sizeof all);
    pthread_mutex_unlock(&d->lock);
    if (d->print_boxes) {
        if (box)
            printf("box %d %.1f %.1f %.1f %.1f norm %.4f %.4f %.4f %.4f\n", player + 1, box->x, box->y, box->w,
                   box->h, norm->x, norm->y, norm->w, norm->h);
        else
            printf("box %d none\n", player + 1);
        fflush(stdout);
    }
    camsep_ui_set_boxes(d->ui, all, d->n);
}

static void on_close(void *user) { atomic_store(&((demo *)user)->closed, 1); }

static void on_lost(void *user, const char *msg)
{
    (void)user;
    fprintf(stderr, "%s: %s\n", program, msg);
}

/* The capture thread: frames to the window, fake meters from their differences. */
static void *capture(void *arg)
{
    demo *d = arg;
    char err[256];
    demo_motion *dm = demo_motion_create(CAMSEP_UI_MAX_PLAYERS);
    camsep_frame_source *src = d->src;
    d->src = NULL;
    if (!dm) {
        snprintf(d->capture_error, sizeof d->capture_error, "out of memory");
        camsep_frame_source_close(src);
        atomic_store(&d->ended, 1);
        return NULL;
    }
    uint64_t frames = 0;
    while (!atomic_load(&d->stop)) {
        camsep_frame f;
        const camsep_source_status st = camsep_frame_source_read(src, &f, 100, err, sizeof err);
        if (st == CAMSEP_SOURCE_AGAIN)
            continue;
        if (st == CAMSEP_SOURCE_END && d->loop) {
            camsep_frame_source_close(src);
            src = camsep_y4m_open(d->video, d->pace, err, sizeof err);
            if (src)
                continue;
        }
        if (st != CAMSEP_SOURCE_OK) {
            if (st == CAMSEP_SOURCE_ERROR || (st == CAMSEP_SOURCE_END && !src))
                snprintf(d->capture_error, sizeof d->capture_error, "%s", err);
            camsep_ui_set_status(d->ui, st == CAMSEP_SOURCE_END ? "camera ended (demo: fake meters)"
                                                                 : "camera failed (demo: fake meters)");
            break;
        }
        camsep_box boxes[CAMSEP_UI_MAX_PLAYERS];
        float motion[CAMSEP_UI_MAX_PLAYERS], level[CAMSEP_UI_MAX_PLAYERS];
        pthread_mutex_lock(&d->lock);
        memcpy(boxes, d->box, sizeof boxes);
        pthread_mutex_unlock(&d->lock);
        demo_motion_update(dm, &f, boxes, d->n, motion, level);
        camsep_ui_push_frame(d->ui, &f);
        camsep_ui_set_meters(d->ui, motion, level, d->n);
        if (frames++ % 15 == 0) {
            char status[200];
            camsep_ui_status s = {"running", src->frame_rate, -1.0, -1, -1.0, -1.0, 0, {0}, {0}, NULL, 0, {0}, NAN, 0,
                                  {0}};
            camsep_ui_format_status(&s, status, sizeof status);
            snprintf(status + strlen(status), sizeof status - strlen(status), " | %dx%d | demo: fake meters",
                     f.width, f.height);
            camsep_ui_set_status(d->ui, status);
        }
    }
    camsep_frame_source_close(src);
    demo_motion_free(dm);
    atomic_store(&d->ended, 1);
    return NULL;
}

int main(int argc, char **argv)
{
    static demo d;
    const char *screenshot = NULL, *title = "camsep-ui-demo", *display = NULL;
    long after_frames = 1;
    double exit_after = 0.0;
    int width = 960, height = 600;
    d.pace = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            return 0;
        } else if (!strcmp(a, "--box")) {
            parse_player(&d, cli_value(program, argc, argv, &i), 1);
        } else if (!strcmp(a, "--player")) {
            parse_player(&d, cli_value(program, argc, argv, &i), 0);
        } else if (!strcmp(a, "--size")) {
            const char *v = cli_value(program, argc, argv, &i);
            if (sscanf(v, "%dx%d", &width, &height) != 2 || width < 64 || height < 64 || width > 8192 ||
                height > 8192)
                cli_fail(program, "--size %s: expected WxH, 64..8192", v);
        } else if (!strcmp(a, "--title")) {
            title = cli_value(program, argc, argv, &i);
        } else if (!strcmp(a, "--display")) {
            display = cli_value(program, argc, argv, &i);
        } else if (!strcmp(a, "--no-pace")) {
            d.pace = 0;
        } else if (!strcmp(a, "--loop")) {
            d.loop = 1;
        } else if (!strcmp(a, "--print-boxes")) {
            d.print_boxes = 1;
        } else if (!strcmp(a, "--screenshot")) {
            screenshot = cli_value(program, argc, argv, &i);
        } else if (!strcmp(a, "--after-frames")) {
            after_frames = cli_int(program, a, cli_value(program, argc, argv, &i), 1, 1000000);
        } else if (!strcmp(a, "--exit-after")) {
            exit_after = cli_float(program, a, cli_value(program, argc, argv, &i), 0.0, 1e6);
        } else if (a[0] == '-' && a[1]) {
            cli_fail(program, "unknown option %s (see --help)", a);
        } else if (!d.video) {
            d.video = a;
        } else {
            cli_fail(program, "one video only (%s)", a);
        }
    }
    if (!d.video)
        cli_fail(program, "no video given (see --help)");
    if (d.n == 0)
        parse_player(&d, "player 1", 0);
    pthread_mutex_init(&d.lock, NULL);
    char err[256];
    d.src = camsep_y4m_open(d.video, d.pace, err, sizeof err);
    if (!d.src)
        cli_fail(program, "%s", err);

    camsep_ui_config cfg;
    camsep_ui_config_default(&cfg);
    cfg.display = display;
    cfg.title = title;
    cfg.width = width;
    cfg.height = height;
    cfg.n_players = d.n;
    for (int j = 0; j < d.n; j++) {
        cfg.player_name[j] = d.name[j];
        cfg.instrument[j] = d.instrument[j];
    }
    cfg.callbacks = (camsep_ui_callbacks){on_box_changed, on_close, on_lost, &d, NULL};
    d.ui = camsep_ui_open(&cfg, err, sizeof err);
    if (!d.ui) {
        camsep_frame_source_close(d.src);
        cli_fail(program, "%s", err);
    }
    camsep_ui_set_boxes(d.ui, d.box, d.n);
    camsep_ui_set_status(d.ui, "camera starting (demo: fake meters)");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    pthread_t thread;
    if (pthread_create(&thread, NULL, capture, &d) != 0) {
        camsep_ui_close(d.ui);
        cli_fail(program, "cannot start the capture thread");
    }

    int status = 0, ready = 0;
    double ended_at = -1.0;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (!atomic_load(&signalled) && !atomic_load(&d.closed)) {
        if (camsep_ui_run_once(d.ui, 50) < 0) {
            status = 1; /* display lost: reported by on_lost */
            break;
        }
        camsep_ui_stats st;
        camsep_ui_get_stats(d.ui, &st);
        if (d.print_boxes && !ready && st.frames_shown > 0) {
            printf("ready %dx%d\n", width, height);
            fflush(stdout);
            ready = 1;
        }
        if (screenshot && st.frames_shown >= (uint64_t)after_frames) {
            if (camsep_ui_screenshot(d.ui, screenshot, err, sizeof err) != 0) {
                fprintf(stderr, "%s: %s\n", program, err);
                status = 1;
            }
            break;
        }
        clock_gettime(CLOCK_MONOTONIC, &t);
        const double elapsed = (double)(t.tv_sec - t0.tv_sec) + 1e-9 * (double)(t.tv_nsec - t0.tv_nsec);
        if (atomic_load(&d.ended) && ended_at < 0.0)
            ended_at = elapsed;
        /* the last frames get half a second to reach the screen */
        if (screenshot && ended_at >= 0.0 && elapsed - ended_at > 0.5) {
            fprintf(stderr, "%s: the video ended after %llu frames, before --after-frames %ld\n", program,
                    (unsigned long long)st.frames_shown, after_frames);
            status = 1;
            break;
        }
        if (exit_after > 0.0 && elapsed > exit_after)
            break;
    }
    atomic_store(&d.stop, 1);
    pthread_join(thread, NULL);
    camsep_ui_close(d.ui);
    pthread_mutex_destroy(&d.lock);
    if (d.capture_error[0]) {
        fprintf(stderr, "%s: %s\n", program, d.capture_error);
        status = 1;
    }
    ui_release_font_caches();
    return status;
}
