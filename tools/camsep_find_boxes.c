/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-find-boxes: players found in a stage video (capture/box_finder.h),
 * printed as the --box options of camsep-process and camsep-train, for the
 * engineer to check and paste. Nothing is applied by itself.
 */
#include <stdio.h>

#include "box_finder.h"
#include "cli.h"
#include "cli_options.h"
#include "optical_flow.h"
#include "y4m_source.h"

#define PROG "camsep-find-boxes"

enum { OPT_PLAYERS = CLI_ID_BASE, OPT_SECONDS, OPT_THRESHOLD };

static const cli_option OPTIONS[] = {
    {"players", 0, "N",
     "the number of players (1..16; default: at most 8, the busiest): at most N boxes, and when fewer groups "
     "are found, one whose motion joins two neighbours across a still column is split there; fewer found "
     "than N is a warning",
     OPT_PLAYERS, 0},
    {"seconds", 0, "S", "look at the first S seconds of the video only (default: all of it)", OPT_SECONDS, 0},
    {"threshold", 0, "T", "a grid cell is busy from T times the busiest cells' motion (0.01..0.99, default 0.2)",
     OPT_THRESHOLD, 0},
};

static const cli_program PROGRAM = {
    .name = PROG,
    .purpose = "propose the players' boxes from where a stage video moves",
    .synopsis = "[--players N] [--seconds S] [--threshold T] STAGE.y4m",
    .description =
        "Finds the players in a stage video (a Y4M file, or - for standard input) by where the picture moves "
        "against the camera: the camera's own motion is removed frame by frame, and the parts of the picture "
        "that keep moving (a bow arm, hands, a swaying body) are players. Prints one --box option per player, "
        "left to right, with its share of the motion, for camsep-process, camsep-train or a boxes file. "
        "Nothing is applied by itself: check the boxes in the picture. Two players whose motion touches are "
        "one box; a player who did not move is not found.",
    .options = OPTIONS,
    .n_options = CLI_COUNT(OPTIONS),
    .exit_status = "1 also when nothing in the video moved against the camera (no box is printed).",
    .examples = "Boxes for a sound check's video, then the separation with them:\n\n"
                "  camsep-find-boxes --players 3 soundcheck.y4m > boxes.txt\n"
                "  camsep-process -i mix.wav -d a.dict -d b.dict -d c.dict -o stems/ \\\n"
                "                 --video stage.y4m $(cut -f1 boxes.txt) --associate",
    .see_also = "camsep-process(1), camsep-train(1), camsep-capture(1)",
};

int main(int argc, char **argv)
{
    int players = 8, asked = 0;
    double seconds = 0.0;
    camsep_box_finder_config cfg;
    camsep_box_finder_config_default(&cfg);
    cli_parser cp;
    cli_begin(&cp, &PROGRAM, argc, argv);
    const char *v;
    int id, first;
    while ((id = cli_next(&cp, &v, &first)) != CLI_DONE) {
        switch (id) {
        case OPT_PLAYERS:
            players = cli_int(PROG, "--players", v, 1, CAMSEP_BOX_FINDER_MAX);
            asked = 1;
            break;
        case OPT_SECONDS: seconds = cli_float(PROG, "--seconds", v, 0.1, 1e6); break;
        case OPT_THRESHOLD: cfg.threshold = (float)cli_float(PROG, "--threshold", v, 0.01, 0.99); break;
        default: break;
        }
    }
    cfg.split_to_count = asked; /* the engineer counted the players */
    if (argc - first > 1)
        cli_usage_fail(PROG, "one video only (%d given)", argc - first);
    const char *path = first < argc ? argv[first] : NULL;
    if (!path)
        cli_usage_fail(PROG, "no video given (see --help)");
    char err[512];
    camsep_frame_source *src = camsep_y4m_open(path, 0, err, sizeof err);
    if (!src)
        cli_fail(PROG, "%s", err);
    camsep_flow *flow = camsep_flow_create(src->width, src->height, NULL);
    if (cfg.columns > src->width)
        cfg.columns = src->width;
    camsep_box_finder *bf = flow ? camsep_box_finder_create(src->width, src->height, &cfg) : NULL;
    if (!bf)
        cli_fail(PROG, "%s: %dx%d: cannot analyse pictures of this size (or out of memory)", path, src->width,
                 src->height);
    const double rate = src->frame_rate > 0.0 ? src->frame_rate : 30.0;
    long read = 0;
    for (;;) {
        if (seconds > 0.0 && (double)read >= seconds * rate)
            break;
        camsep_frame frame;
        const camsep_source_status st = camsep_frame_source_read(src, &frame, 1000, err, sizeof err);
        if (st == CAMSEP_SOURCE_END)
            break;
        if (st != CAMSEP_SOURCE_OK)
            cli_fail(PROG, "%s: frame %ld: %s", path, read + 1, st == CAMSEP_SOURCE_AGAIN ? "no frame" : err);
        read++;
        if (camsep_flow_compute(flow, frame.luma, frame.stride) < 0)
            cli_fail(PROG, "%s: frame %ld: the picture changed size", path, read);
        camsep_box_finder_add(bf, flow);
    }
    camsep_box boxes[CAMSEP_BOX_FINDER_MAX];
    float confidence[CAMSEP_BOX_FINDER_MAX];
    const int n = camsep_box_finder_propose(bf, players, boxes, confidence);
    fprintf(stderr, "%s: %s, %ld frames (%.1f s), %d player%s found\n", PROG, path, read, read / rate, n,
            n == 1 ? "" : "s");
    for (int i = 0; i < n; i++)
        printf("--box %.0f,%.0f,%.0f,%.0f\t# motion share %.2f\n", boxes[i].x, boxes[i].y, boxes[i].w, boxes[i].h,
               confidence[i]);
    if (asked && n > 0 && n < players)
        fprintf(stderr,
                "%s: warning: %d of %d players found: one who did not move, or neighbours whose motion touches "
                "(one box); check them in the picture\n",
                PROG, n, players);
    camsep_box_finder_free(bf);
    camsep_flow_free(flow);
    camsep_frame_source_close(src);
    if (n == 0)
        cli_fail(PROG, "%s: nothing moved against the camera; let the players play, or give the boxes by hand",
                 path);
    return 0;
}
