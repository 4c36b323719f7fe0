/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-find-boxes: players found in a stage video (capture/box_finder.h),
 * printed as the --box options of camsep-process and camsep-train, for the
 * engineer to check and paste. Nothing is applied by itself.
 */
#include <stdio.h>

#include "cli.h"
#include "cli_options.h"
#include "video_boxes.h"

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
    float threshold = 0.0f; /* the finder's default */
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
        case OPT_THRESHOLD: threshold = (float)cli_float(PROG, "--threshold", v, 0.01, 0.99); break;
        default: break;
        }
    }
    if (argc - first > 1)
        cli_usage_fail(PROG, "one video only (%d given)", argc - first);
    const char *path = first < argc ? argv[first] : NULL;
    if (!path)
        cli_usage_fail(PROG, "no video given (see --help)");
    char err[512];
    video_boxes found;
    if (video_boxes_find(path, players, asked, seconds, threshold, &found, err, sizeof err))
        cli_fail(PROG, "%s", err);
    const int n = found.n;
    fprintf(stderr, "%s: %s, %ld frames (%.1f s), %d player%s found\n", PROG, path, found.frames, found.seconds, n,
            n == 1 ? "" : "s");
    for (int i = 0; i < n; i++)
        printf("--box %.0f,%.0f,%.0f,%.0f\t# motion share %.2f\n", found.box[i].x, found.box[i].y, found.box[i].w,
               found.box[i].h, found.share[i]);
    if (asked && n > 0 && n < players)
        fprintf(stderr,
                "%s: warning: %d of %d players found: one who did not move, or neighbours whose motion touches "
                "(one box); check them in the picture\n",
                PROG, n, players);
    if (n == 0)
        cli_fail(PROG, "%s: nothing moved against the camera; let the players play, or give the boxes by hand",
                 path);
    return 0;
}
