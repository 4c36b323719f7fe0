/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-find-boxes: players found in a stage video (capture/box_finder.h),
 * printed as the --box options of camsep-process and camsep-train, for the
 * engineer to check and paste. Nothing is applied by itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "box_finder.h"
#include "cli.h"
#include "optical_flow.h"
#include "y4m_source.h"

#define PROG "camsep-find-boxes"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s [--players N] [--seconds S] [--threshold T] STAGE.y4m\n"
            "Finds the players in a stage video (Y4M file, or - for standard input) by where\n"
            "the picture moves against the camera, and prints one --box option per player,\n"
            "left to right, with its share of the motion.\n\n"
            "  --players N    at most N boxes, the busiest (default 8); fewer found is a warning\n"
            "  --seconds S    look at the first S seconds only (default: the whole video)\n"
            "  --threshold T  a grid cell is busy from T x the busiest cells' motion (default 0.2)\n"
            "  -h, --help     this text\n",
            PROG);
}

int main(int argc, char **argv)
{
    int players = 8, asked = 0;
    double seconds = 0.0;
    const char *path = NULL;
    camsep_box_finder_config cfg;
    camsep_box_finder_config_default(&cfg);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--players")) {
            players = cli_int(PROG, "--players", cli_value(PROG, argc, argv, &i), 1, CAMSEP_BOX_FINDER_MAX);
            asked = 1;
        } else if (!strcmp(argv[i], "--seconds")) {
            seconds = cli_float(PROG, "--seconds", cli_value(PROG, argc, argv, &i), 0.1, 1e6);
        } else if (!strcmp(argv[i], "--threshold")) {
            cfg.threshold = (float)cli_float(PROG, "--threshold", cli_value(PROG, argc, argv, &i), 0.01, 0.99);
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "%s: unknown option %s\n", PROG, argv[i]);
            usage(stderr);
            return 2;
        } else if (path) {
            fprintf(stderr, "%s: one video only (%s and %s)\n", PROG, path, argv[i]);
            return 2;
        } else {
            path = argv[i];
        }
    }
    if (!path) {
        usage(stderr);
        return 2;
    }
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
