/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "capture_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "shm_ring.h"

static const char *const PROG = "camsep-capture";

static void usage(void)
{
    printf("usage: camsep-capture [--source SPEC] (--box [NAME=]X,Y,W,H ... | --boxes FILE) [options]\n"
           "Reads a camera or a Y4M video, measures each player's motion in their box and\n"
           "publishes a playing likelihood per player and frame: in a shared-memory ring for\n"
           "camsep LV2 plugins on this machine, and optionally by OSC to another machine.\n"
           "  --source SPEC          /dev/videoN or /dev/v4l/by-id/... (a camera), 'auto' (the first\n"
           "                         camera; the default), FILE.y4m, a FIFO, or '-' (Y4M on stdin)\n"
           "  --size WxH             camera frame size (default: the camera's current one)\n"
           "  --fps F                camera frame rate (default: the camera's current one)\n"
           "  --pace, --no-pace      Y4M: deliver frames at the file's rate (default) or as fast\n"
           "                         as they are analysed\n"
           "  --loop                 Y4M file: start again at its end\n"
           "  --box [NAME=]X,Y,W,H   a player's box in frame pixels (repeat; at most %d)\n"
           "  --boxes FILE           players from a file: lines 'name x y w h', '#' comments;\n"
           "                         SIGHUP reloads it (same number of players)\n"
           "  --shm NAME             shared-memory ring name (default /camsep)\n"
           "  --no-shm               do not publish in shared memory\n"
           "  --osc TARGET           also send PREFIX/priors to HOST:PORT (UDP), osc.udp://HOST:PORT/\n"
           "                         or osc.tcp://HOST:PORT/ (docs/capture-osc.md)\n"
           "  --osc-prefix PATH      OSC address prefix (default /camsep)\n"
           "  --osc-port PORT        OSC control server on UDP and TCP PORT (default off; 0 = any free\n"
           "                         port): boxes, names, camera latency, motion knee, status\n"
           "                         (plugin/osc/README.md)\n"
           "  --osc-no-tcp           the control server on UDP only\n"
           "  --osc-doc              print the OSC address space and exit\n"
           "  --relay PORT           no camera: priors sent by camsep-capture --osc on other machines\n"
           "                         to UDP/TCP PORT go into the shared-memory ring (for LV2 plugins)\n"
           "  --players N            --relay: the number of players (else the boxes' count)\n"
           "  --camera-latency S     the camera shows events S seconds late: published times are\n"
           "                         capture time - S (default 0; set it here or in the host, not both)\n"
           "  --motion-knee K        share of a player's usual motion read as fully playing, 0.1..2\n"
           "                         (default 0.5: who plays, robust to sway; 1 grades the prior by\n"
           "                         motion, for a calm stage)\n"
           "  --status-interval S    a status line on stderr every S seconds (default 0: none)\n"
           "  --duration S           stop after S seconds\n"
           "  --frames N             stop after N frames\n"
           "  --ui                   a window: the camera with the player boxes (drag to move or\n"
           "                         resize them, like OSC /player/N/box), motion meters, status\n"
           "  --list-devices         list the cameras (and the formats of --source's) and exit\n"
           "  --quiet                no start, camera-state and summary lines\n"
           "  -h, --help             this text\n"
           "Exit status: 0 done (end of file, --duration/--frames, SIGINT/SIGTERM), 1 bad command\n"
           "line or box file, 2 cannot open the source, the ring or the OSC target, 3 the source\n"
           "failed while running (malformed video data).\n",
           CAMSEP_CAPTURE_MAX_BOXES);
}

static void parse_size(const char *v, int *w, int *h)
{
    char a[16], b[16];
    const char *x = strchr(v, 'x');
    size_t n = x ? (size_t)(x - v) : 0;
    if (!x || n == 0 || n >= sizeof a || strlen(x + 1) >= sizeof b)
        cli_fail(PROG, "--size: '%s' is not WxH (e.g. 640x480)", v);
    memcpy(a, v, n);
    a[n] = '\0';
    snprintf(b, sizeof b, "%s", x + 1);
    *w = cli_int(PROG, "--size", a, 16, 8192);
    *h = cli_int(PROG, "--size", b, 16, 8192);
}

static void add_box(capture_options *o, const char *v)
{
    if (o->n_players == CAMSEP_CAPTURE_MAX_BOXES)
        cli_fail(PROG, "at most %d player boxes", CAMSEP_CAPTURE_MAX_BOXES);
    char name[24], err[256];
    snprintf(name, sizeof name, "player%d", o->n_players + 1);
    if (camsep_named_box_parse(v, name, &o->players[o->n_players], err, sizeof err))
        cli_fail(PROG, "--box: %s", err);
    for (int j = 0; j < o->n_players; j++)
        if (!strcmp(o->players[j].name, o->players[o->n_players].name))
            cli_fail(PROG, "--box: player name '%s' is used twice", o->players[j].name);
    o->n_players++;
}

void capture_options_parse(int argc, char **argv, capture_options *o)
{
    memset(o, 0, sizeof *o);
    o->spec.source = "auto";
    o->spec.pace = 1;
    o->shm_name = "/camsep";
    o->osc_prefix = "/camsep";
    o->motion_knee = CAMSEP_MOTION_KNEE_DEFAULT;
    int no_shm = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
#define VALUE cli_value(PROG, argc, argv, &i)
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage();
            exit(0);
        } else if (!strcmp(a, "--source")) {
            o->spec.source = VALUE;
        } else if (!strcmp(a, "--size")) {
            parse_size(VALUE, &o->spec.width, &o->spec.height);
        } else if (!strcmp(a, "--fps")) {
            o->spec.fps = cli_float(PROG, a, VALUE, 0.1, 1000.0);
        } else if (!strcmp(a, "--pace")) {
            o->spec.pace = 1;
        } else if (!strcmp(a, "--no-pace")) {
            o->spec.pace = 0;
        } else if (!strcmp(a, "--loop")) {
            o->spec.loop = 1;
        } else if (!strcmp(a, "--box")) {
            add_box(o, VALUE);
        } else if (!strcmp(a, "--boxes")) {
            o->boxes_file = VALUE;
        } else if (!strcmp(a, "--shm")) {
            o->shm_name = VALUE;
        } else if (!strcmp(a, "--no-shm")) {
            no_shm = 1;
        } else if (!strcmp(a, "--osc")) {
            o->osc_target = VALUE;
        } else if (!strcmp(a, "--osc-prefix")) {
            o->osc_prefix = VALUE;
        } else if (!strcmp(a, "--osc-port")) {
            o->osc_port = VALUE;
            cli_int(PROG, a, o->osc_port, 0, 65535);
        } else if (!strcmp(a, "--osc-no-tcp")) {
            o->osc_no_tcp = 1;
        } else if (!strcmp(a, "--relay")) {
            o->relay_port = VALUE;
            cli_int(PROG, a, o->relay_port, 0, 65535);
        } else if (!strcmp(a, "--players")) {
            o->relay_players = cli_int(PROG, a, VALUE, 1, CAMSEP_CAPTURE_MAX_BOXES);
        } else if (!strcmp(a, "--osc-doc")) {
            o->osc_doc = 1;
        } else if (!strcmp(a, "--camera-latency")) {
            o->camera_latency_s = cli_float(PROG, a, VALUE, -10.0, 10.0);
        } else if (!strcmp(a, "--motion-knee")) {
            o->motion_knee = cli_float(PROG, a, VALUE, CAMSEP_MOTION_KNEE_MIN, CAMSEP_MOTION_KNEE_MAX);
        } else if (!strcmp(a, "--status-interval")) {
            o->status_interval_s = cli_float(PROG, a, VALUE, 0.0, 3600.0);
        } else if (!strcmp(a, "--duration")) {
            o->duration_s = cli_float(PROG, a, VALUE, 0.001, 1e9);
        } else if (!strcmp(a, "--frames")) {
            o->max_frames = (uint64_t)cli_int(PROG, a, VALUE, 1, 2000000000);
        } else if (!strcmp(a, "--list-devices")) {
            o->list_devices = 1;
        } else if (!strcmp(a, "--ui")) {
            o->ui = 1;
        } else if (!strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else {
            cli_fail(PROG, "unknown argument %s (see --help)", a);
        }
#undef VALUE
    }
    if (no_shm)
        o->shm_name = NULL;
    if (o->list_devices || o->osc_doc)
        return;
    char err[512];
    if (o->shm_name && camsep_shm_name_valid(o->shm_name, err, sizeof err))
        cli_fail(PROG, "--shm: %s", err);
    if (o->boxes_file && o->n_players)
        cli_fail(PROG, "--box and --boxes both give the players; choose one");
    if (o->boxes_file) {
        o->n_players = camsep_box_file_load(o->boxes_file, o->players, CAMSEP_CAPTURE_MAX_BOXES, err, sizeof err);
        if (o->n_players < 0)
            cli_fail(PROG, "%s", err);
    }
    if (o->relay_port) {
        if (!o->relay_players)
            o->relay_players = o->n_players;
        if (!o->relay_players)
            cli_fail(PROG, "--relay: give the number of players with --players N");
        if (o->n_players && o->n_players != o->relay_players)
            cli_fail(PROG, "--relay: --players %d but %d boxes", o->relay_players, o->n_players);
        return;
    }
    if (!o->n_players)
        cli_fail(PROG, "no players: give --box [NAME=]X,Y,W,H per player, or --boxes FILE (see --help)");
}
