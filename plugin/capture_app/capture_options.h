/* SPDX-License-Identifier: GPL-3.0-or-later */
/* camsep-capture's command line. */
#ifndef CAMSEP_CAPTURE_OPTIONS_H
#define CAMSEP_CAPTURE_OPTIONS_H

#include <stdint.h>

#include "box_file.h"
#include "capture_runner.h"

/* Exit statuses of camsep-capture: those of every camsep program (cli_options.h). */
enum {
    CAPTURE_EXIT_OK = 0,        /* end of the file, --duration/--frames reached, SIGINT/SIGTERM */
    CAPTURE_EXIT_USAGE = 2,     /* bad command line or box file */
    CAPTURE_EXIT_START = 1,     /* the source, the shared-memory ring or the OSC target cannot be opened */
    CAPTURE_EXIT_FAILED = 1,    /* the source failed while running (malformed video data) */
};

typedef struct capture_options {
    camsep_capture_source_spec spec;
    camsep_named_box players[CAMSEP_CAPTURE_MAX_BOXES];
    int n_players;
    const char *boxes_file;  /* NULL: boxes from --box */
    const char *shm_name;    /* NULL: no shared-memory ring (--no-shm) */
    const char *osc_target;  /* NULL: no OSC */
    const char *osc_prefix;
    const char *osc_port;    /* NULL: no OSC control server (--osc-port) */
    int osc_no_tcp;
    int osc_doc;             /* --osc-doc: print the address space and exit */
    double camera_latency_s;
    double motion_knee;       /* share of a player's usual motion read as playing (motion_energy.h) */
    double status_interval_s; /* 0: no status lines */
    double duration_s;        /* 0: until the end, or a signal */
    uint64_t max_frames;      /* 0: no limit */
    int list_devices;
    int quiet;
    int ui;                   /* --ui: the camera window */
    const char *relay_port;   /* --relay PORT: OSC priors from other machines into the ring, no camera */
    int relay_players;        /* --players N (or the boxes' count) */
} capture_options;

/* Parses argv (getopt_long over one option table); prints --help, --version
 * or the man page (--help-man) and exits 0, or exits CAPTURE_EXIT_USAGE with a
 * one-line message on an error. */
void capture_options_parse(int argc, char **argv, capture_options *o);

#endif
