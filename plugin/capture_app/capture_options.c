/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "capture_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_options.h"
#include "shm_ring.h"

static const char *const PROG = "camsep-capture";

#define STR_(x) #x
#define STR(x) STR_(x)

enum {
    OPT_SOURCE = CLI_ID_BASE, OPT_SIZE, OPT_FPS, OPT_CAMERA_CONTROL, OPT_PACE, OPT_NO_PACE, OPT_LOOP, OPT_BOX, OPT_BOXES, OPT_SHM,
    OPT_NO_SHM, OPT_OSC, OPT_OSC_PREFIX, OPT_OSC_PORT, OPT_OSC_NO_TCP, OPT_OSC_DOC, OPT_CAMERA_LATENCY,
    OPT_MOTION_KNEE, OPT_STATUS_INTERVAL, OPT_DURATION, OPT_FRAMES, OPT_UI, OPT_LIST_DEVICES, OPT_QUIET, OPT_RELAY,
    OPT_PLAYERS,
};

static const cli_option OPTIONS[] = {
    CLI_SECTION("The camera"),
    {"source", 0, "SPEC",
     "/dev/videoN or /dev/v4l/by-id/... (a camera), 'auto' (the first camera; the default), FILE.y4m, a FIFO, or "
     "'-' (Y4M on stdin)",
     OPT_SOURCE, 0},
    {"size", 0, "WxH",
     "camera frame size (default: about 640x480 at >= 25 fps; MJPEG is decoded down to about 640 pixels across)",
     OPT_SIZE, 0},
    {"fps", 0, "F", "camera frame rate (default: 30 or the nearest >= 25 fps)", OPT_FPS, 0},
    {"camera-control", 0, "NAME=VALUE",
     "a camera control set at every open (repeat), e.g. exposure_auto=1 exposure_absolute=300 "
     "power_line_frequency=1 exposure_dynamic_framerate=0 (capture/README.md)",
     OPT_CAMERA_CONTROL, 0},
    {"pace", 0, NULL, "Y4M: deliver frames at the file's rate (the default)", OPT_PACE, 0},
    {"no-pace", 0, NULL, "Y4M: deliver frames as fast as they are analysed", OPT_NO_PACE, 0},
    {"loop", 0, NULL, "Y4M file: start again at its end", OPT_LOOP, 0},
    {"camera-latency", 0, "S",
     "the camera shows events S seconds late: published times are capture time - S (default 0; set it here or in "
     "the host, not both)",
     OPT_CAMERA_LATENCY, 0},
    {"list-devices", 0, NULL, "list the cameras (by-id paths, formats with their best rates; with --source DEVICE its sizes, rates and "
     "controls) and exit", OPT_LIST_DEVICES, 0},
    CLI_SECTION("The players"),
    {"box", 0, "[NAME=]X,Y,W,H", "a player's box in frame pixels (repeat; at most " STR(CAMSEP_CAPTURE_MAX_BOXES) ")",
     OPT_BOX, 0},
    {"boxes", 0, "FILE",
     "players from a file: lines 'name x y w h', '#' comments; SIGHUP reloads it (same number of players)",
     OPT_BOXES, 0},
    {"motion-knee", 0, "K",
     "share of a player's usual motion read as fully playing, 0.1..2 (default 0.5: who plays, robust to sway; 1 "
     "grades the prior by motion, for a calm stage)",
     OPT_MOTION_KNEE, 0},
    CLI_SECTION("Where the priors go"),
    {"shm", 0, "NAME", "shared-memory ring name (default /camsep)", OPT_SHM, 0},
    {"no-shm", 0, NULL, "do not publish in shared memory", OPT_NO_SHM, 0},
    {"osc", 0, "TARGET",
     "also send PREFIX/priors to HOST:PORT (UDP), osc.udp://HOST:PORT/ or osc.tcp://HOST:PORT/ "
     "(docs/capture-osc.md)",
     OPT_OSC, 0},
    {"osc-prefix", 0, "PATH", "OSC address prefix (default /camsep)", OPT_OSC_PREFIX, 0},
    CLI_SECTION("A remote camera (relay)"),
    {"relay", 0, "PORT",
     "no camera: priors sent by camsep-capture --osc on other machines to UDP/TCP PORT go into the shared-memory "
     "ring (for LV2 plugins; docs/capture-osc.md)",
     OPT_RELAY, 0},
    {"players", 0, "N", "--relay: the number of players (else the boxes' count)", OPT_PLAYERS, 0},
    CLI_SECTION("Control and running"),
    {"osc-port", 0, "PORT",
     "OSC control server on UDP and TCP PORT (default off; 0 = any free port): boxes, names, camera latency, motion "
     "knee, status (plugin/osc/README.md)",
     OPT_OSC_PORT, 0},
    {"osc-no-tcp", 0, NULL, "the control server on UDP only", OPT_OSC_NO_TCP, 0},
    {"osc-doc", 0, NULL, "print the OSC address space and exit", OPT_OSC_DOC, 0},
    {"ui", 0, NULL,
     "a window: the camera with the player boxes (drag to move or resize them, like OSC /player/N/box), motion "
     "meters, status",
     OPT_UI, 0},
    {"status-interval", 0, "S", "a status line on stderr every S seconds (default 0: none)", OPT_STATUS_INTERVAL, 0},
    {"duration", 0, "S", "stop after S seconds", OPT_DURATION, 0},
    {"frames", 0, "N", "stop after N frames", OPT_FRAMES, 0},
    {"quiet", 0, NULL, "no start, camera-state and summary lines", OPT_QUIET, 0},
};

static const cli_program PROGRAM = {
    .name = "camsep-capture",
    .purpose = "publish each player's playing likelihood from a camera, for camsep plugins and hosts",
    .synopsis = "[--source SPEC] (--box [NAME=]X,Y,W,H ... | --boxes FILE) [options]\n"
                "--relay PORT (--players N | --boxes FILE) [options]\n--list-devices",
    .description =
        "Reads a camera or a Y4M video, measures each player's motion in their box (dense optical flow) and "
        "publishes a playing likelihood per player and frame: in a shared-memory ring for camsep LV2 plugins on "
        "this machine (a plugin may not open a camera itself), and optionally by OSC to another machine.\n\n"
        "Each prior carries the time its frame was captured, less --camera-latency, so the plugin places it on "
        "the audio's clock. While the camera is lost (or a pipe goes quiet for 0.5 s) the ring says so and the "
        "plugins use neutral priors; the camera is reopened with backoff. On SIGINT or SIGTERM the ring is "
        "closed and its readers go stale at once.",
    .options = OPTIONS,
    .n_options = CLI_COUNT(OPTIONS),
    .exit_status = "Ending at the end of a file, after --duration or --frames, or on SIGINT or SIGTERM is a "
                   "success. A box file that cannot be read is a usage error (2); a source, ring or OSC target "
                   "that cannot be opened, or a source that fails while running (malformed video data), a runtime "
                   "error (1).",
    .files = (const cli_item[]){
        {"/dev/shm/camsep", "the shared-memory ring (--shm NAME: /dev/shm/NAME)"},
        {"/dev/v4l/by-id/", "stable names of the cameras, for --source"},
        {NULL, NULL},
    },
    .examples = "A USB camera by its stable name, the players from a file, for an LV2 plugin in Ardour:\n\n"
                "  camsep-capture --source /dev/v4l/by-id/usb-...-video-index0 --boxes stage.txt\n\n"
                "A box file:\n\n"
                "  # name  x   y   w   h\n"
                "  violin  40  60  200 300\n"
                "  cello   300 60  200 300\n\n"
                "The priors to the audio machine over OSC as well, and a window to draw the boxes:\n\n"
                "  camsep-capture --boxes stage.txt --osc rack.local:9000 --ui\n\n"
                "On the audio machine, priors from a camera on another machine into the ring, for a plugin:\n\n"
                "  camsep-capture --relay 9000 --players 2",
    .see_also = "camsep-jack(1), camsep-portaudio(1), camsep-process(1), jalv(1)",
};

static void parse_size(const char *v, int *w, int *h)
{
    char a[16], b[16];
    const char *x = strchr(v, 'x');
    size_t n = x ? (size_t)(x - v) : 0;
    if (!x || n == 0 || n >= sizeof a || strlen(x + 1) >= sizeof b)
        cli_usage_fail(PROG, "--size: '%s' is not WxH (e.g. 640x480)", v);
    memcpy(a, v, n);
    a[n] = '\0';
    snprintf(b, sizeof b, "%s", x + 1);
    *w = cli_int(PROG, "--size", a, 16, 8192);
    *h = cli_int(PROG, "--size", b, 16, 8192);
}

static void add_box(capture_options *o, const char *v)
{
    if (o->n_players == CAMSEP_CAPTURE_MAX_BOXES)
        cli_usage_fail(PROG, "at most %d player boxes", CAMSEP_CAPTURE_MAX_BOXES);
    char name[24], err[256];
    snprintf(name, sizeof name, "player%d", o->n_players + 1);
    if (camsep_named_box_parse(v, name, &o->players[o->n_players], err, sizeof err))
        cli_usage_fail(PROG, "--box: %s", err);
    for (int j = 0; j < o->n_players; j++)
        if (!strcmp(o->players[j].name, o->players[o->n_players].name))
            cli_usage_fail(PROG, "--box: player name '%s' is used twice", o->players[j].name);
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
    cli_parser cp;
    cli_begin(&cp, &PROGRAM, argc, argv);
    const char *v;
    int id, first;
    while ((id = cli_next(&cp, &v, &first)) != CLI_DONE) {
        switch (id) {
        case OPT_SOURCE: o->spec.source = v; break;
        case OPT_SIZE: parse_size(v, &o->spec.width, &o->spec.height); break;
        case OPT_FPS: o->spec.fps = cli_float(PROG, "--fps", v, 0.1, 1000.0); break;
        case OPT_CAMERA_CONTROL: {
            char why[160];
            if (camsep_v4l2_control_check(v, why, sizeof why))
                cli_usage_fail(PROG, "--camera-control: %s", why);
            if (o->spec.n_camera_controls == CAMSEP_V4L2_MAX_CONTROLS)
                cli_usage_fail(PROG, "--camera-control: at most %d", CAMSEP_V4L2_MAX_CONTROLS);
            o->spec.camera_controls[o->spec.n_camera_controls++] = v;
            break;
        }
        case OPT_PACE: o->spec.pace = 1; break;
        case OPT_NO_PACE: o->spec.pace = 0; break;
        case OPT_LOOP: o->spec.loop = 1; break;
        case OPT_BOX: add_box(o, v); break;
        case OPT_BOXES: o->boxes_file = v; break;
        case OPT_SHM: o->shm_name = v; break;
        case OPT_NO_SHM: no_shm = 1; break;
        case OPT_OSC: o->osc_target = v; break;
        case OPT_OSC_PREFIX: o->osc_prefix = v; break;
        case OPT_OSC_PORT:
            o->osc_port = v;
            cli_int(PROG, "--osc-port", o->osc_port, 0, 65535);
            break;
        case OPT_OSC_NO_TCP: o->osc_no_tcp = 1; break;
        case OPT_RELAY:
            o->relay_port = v;
            cli_int(PROG, "--relay", o->relay_port, 0, 65535);
            break;
        case OPT_PLAYERS: o->relay_players = cli_int(PROG, "--players", v, 1, CAMSEP_CAPTURE_MAX_BOXES); break;
        case OPT_OSC_DOC: o->osc_doc = 1; break;
        case OPT_CAMERA_LATENCY: o->camera_latency_s = cli_float(PROG, "--camera-latency", v, -10.0, 10.0); break;
        case OPT_MOTION_KNEE:
            o->motion_knee = cli_float(PROG, "--motion-knee", v, CAMSEP_MOTION_KNEE_MIN, CAMSEP_MOTION_KNEE_MAX);
            break;
        case OPT_STATUS_INTERVAL:
            o->status_interval_s = cli_float(PROG, "--status-interval", v, 0.0, 3600.0);
            break;
        case OPT_DURATION: o->duration_s = cli_float(PROG, "--duration", v, 0.001, 1e9); break;
        case OPT_FRAMES: o->max_frames = (uint64_t)cli_int(PROG, "--frames", v, 1, 2000000000); break;
        case OPT_LIST_DEVICES: o->list_devices = 1; break;
        case OPT_UI: o->ui = 1; break;
        case OPT_QUIET: o->quiet = 1; break;
        }
    }
    if (first < argc)
        cli_usage_fail(PROG, "unexpected argument %s (see --help)", argv[first]);
    if (no_shm)
        o->shm_name = NULL;
    if (o->list_devices || o->osc_doc)
        return;
    char err[512];
    if (o->shm_name && camsep_shm_name_valid(o->shm_name, err, sizeof err))
        cli_usage_fail(PROG, "--shm: %s", err);
    if (o->boxes_file && o->n_players)
        cli_usage_fail(PROG, "--box and --boxes both give the players; choose one");
    if (o->boxes_file) {
        o->n_players = camsep_box_file_load(o->boxes_file, o->players, CAMSEP_CAPTURE_MAX_BOXES, err, sizeof err);
        if (o->n_players < 0)
            cli_usage_fail(PROG, "%s", err);
    }
    if (o->relay_port) {
        if (!o->relay_players)
            o->relay_players = o->n_players;
        if (!o->relay_players)
            cli_usage_fail(PROG, "--relay: give the number of players with --players N");
        if (o->n_players && o->n_players != o->relay_players)
            cli_usage_fail(PROG, "--relay: --players %d but %d boxes", o->relay_players, o->n_players);
        return;
    }
    if (!o->n_players)
        cli_usage_fail(PROG, "no players: give --box [NAME=]X,Y,W,H per player, or --boxes FILE (see --help)");
}
