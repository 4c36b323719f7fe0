/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Configuration of the standalone hosts (camsep-jack, camsep-portaudio): one
 * option table read from the command line and from a config file, and written
 * back (NSM save). Every key of the file is the long option without its
 * dashes, so `--fft 2048` and `fft = 2048` are the same setting.
 *
 * File format (UTF-8, one setting a line, '#' starts a comment at a word start):
 *
 *     fft = 2048
 *     video = /dev/video0
 *     [player violin]
 *     instrument = violin
 *     box = 40,60,200,300
 *     gain = -3
 *
 * Global keys come before the first section; `[player NAME]` opens a player,
 * whose keys follow. Errors are strict and say "FILE:LINE: problem". Numbers
 * are read and written in the C locale whatever the environment says.
 *
 * Threading: set-up and control threads only (allocates, does I/O).
 */
#ifndef CAMSEP_HOST_CONFIG_H
#define CAMSEP_HOST_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "camsep_engine.h"
#include "camsep_video_types.h"
#include "v4l2_controls.h"
#include "cli_options.h"

#define HOST_MAX_PLAYERS (CAMSEP_MAX_SOURCES - 1) /* one stem is kept for "other" */
#define HOST_NAME_LEN 32
#define HOST_PATH_LEN 1024
#define HOST_MAX_CONNECT 16
#define HOST_LABEL_LEN 64               /* display names (OSC /player/N/name) */
#define HOST_MAX_OSC_FEEDBACK 8
#define HOST_SC_MAX_SECONDS 120.0       /* a sound check's recording cap (host_soundcheck.h) */

/* Which program reads an option: the command line refuses the other host's
 * options; a config file accepts both (one file can serve both programs). */
enum { HOST_JACK = 1, HOST_PORTAUDIO = 2, HOST_ANY = 3 };

typedef struct host_player {
    char name[HOST_NAME_LEN];       /* port / channel name: [A-Za-z0-9_.-], unique */
    char instrument[HOST_NAME_LEN]; /* bundled dictionary name ("" if dictionary is set) */
    char dictionary[HOST_PATH_LEN]; /* a dictionary file ("" if instrument is set) */
    int has_box;
    camsep_box box;                 /* video pixels */
    float gain_db;                  /* -120..+24 */
    int mute, solo;
    char label[HOST_LABEL_LEN];     /* display name ("" = name); UTF-8, no control characters */
} host_player;

typedef struct host_connect {
    char from[HOST_NAME_LEN];       /* "in" or a player name or "other" */
    char port[HOST_PATH_LEN];       /* the other end's full port name */
} host_connect;

typedef struct host_config {
    int host;                        /* HOST_JACK or HOST_PORTAUDIO: which program */
    /* players and stems */
    int n_players;
    host_player players[HOST_MAX_PLAYERS];
    int other;                       /* add the "other" stem */
    char other_dictionary[HOST_PATH_LEN]; /* "" = the bundled other.dict */
    float other_gain_db;
    int other_mute;
    /* engine */
    int fft, latency, hop;           /* analysis window, latency (0 = the smaller of 1024 and
                                        fft), hop (0 = latency / 2) */
    camsep_params params;            /* iterations, warm-start, mask-power, prior-strength, ... */
    int bypass;
    /* camera */
    char video[HOST_PATH_LEN];       /* "" = no camera; "auto", "/dev/videoN", FILE.y4m, "-" */
    int camera_width, camera_height; /* 0 = about 640x480 (v4l2_source.h) */
    double camera_fps;               /* 0 = 30, or the nearest >= 25 fps */
    char camera_control[CAMSEP_V4L2_MAX_CONTROLS][CAMSEP_V4L2_CONTROL_LEN]; /* "NAME=VALUE" (v4l2_controls.h) */
    int n_camera_controls;
    int loop;                        /* loop a Y4M file */
    double camera_latency;           /* seconds */
    double motion_knee;              /* share of usual motion read as playing (motion_energy.h) */
    /* running */
    double status_interval;          /* seconds, 0 = no status line */
    int ui;                          /* --ui: the window (host_ui.h) */
    /* camsep-jack */
    char jack_name[HOST_NAME_LEN];
    char jack_server[HOST_NAME_LEN];
    int no_connect;                  /* connect the input to nothing (input_match ignored) */
    char input_match[256];           /* "" = the input is connected only by connect in=PORT */
    int n_connect;
    host_connect connect[HOST_MAX_CONNECT];
    /* camsep-portaudio */
    char device[HOST_PATH_LEN];      /* "" = the default device; a name part or an index */
    char input_device[HOST_PATH_LEN];/* "" = same as device */
    int input_channel;               /* 1-based channel of the input device to separate */
    double rate;                     /* 0 = 48000 */
    int period;                      /* frames per callback, 0 = 256 */
    /* OSC control (host_osc.h) */
    char osc_port[16];               /* "" = no OSC server */
    char osc_prefix[64];             /* "" = /camsep */
    int osc_no_tcp;
    int n_osc_feedback;
    char osc_feedback[HOST_MAX_OSC_FEEDBACK][256]; /* permanent feedback targets (URLs) */
    char preset_dir[HOST_PATH_LEN];  /* "" = derived from the session or config file (host_preset.h) */
    /* sound check (host_soundcheck.h) */
    double soundcheck_s;             /* > 0: one sound check (the camera says who plays) of this
                                        many seconds at start; not written back (it has run) */
    char soundcheck_dir[HOST_PATH_LEN]; /* "" = next to the session (host_soundcheck_files.h) */
    int soundcheck_atoms;            /* atoms a player, 0 = the learner's default (32) */
    int soundcheck_iterations;       /* 0 = the learner's default (200) */
    int soundcheck_transpose;        /* semitones the alone parts are also moved down and up,
                                        -1 = auto, the learner's default */
    /* where the config came from (relative dictionary paths resolve against it) */
    char base_dir[HOST_PATH_LEN];
    char config_path[HOST_PATH_LEN]; /* the --config file ("" = none); not written */
} host_config;

/* Defaults for program `host` (HOST_JACK or HOST_PORTAUDIO). */
void host_config_default(host_config *c, int host);

/* Reads a config file into c (on top of what is there). 0, or -1 with
 * "PATH:LINE: problem" in err. */
int host_config_load(host_config *c, const char *path, char *err, size_t errlen);
/* The same from a string (label names it in messages). */
int host_config_parse(host_config *c, const char *text, const char *label, char *err, size_t errlen);

/* Command line (getopt_long: `--opt VALUE`, `--opt=VALUE`, a switch also as
 * `--mute=false`). argv[0] is skipped; argv may be permuted. `--config FILE`
 * is read first wherever it appears, then the other options apply on top, in
 * order. Player options (--instrument, --dictionary, --box, --gain, --mute,
 * --solo) apply to the last --player. Returns 0; 1 when --help or a
 * host-handled query was given (*query names it: "help", "help-man",
 * "version", "list-devices", "osc-doc"); -1 with a one-line reason in err. */
int host_config_args(host_config *c, int argc, char **argv, const char **query, char *err, size_t errlen);

/* The engine window (fft, latency, hop, defaults filled in) the configuration
 * asks for, in an otherwise default engine configuration. */
void host_config_engine_window(const host_config *c, camsep_config *cfg);

/* Checks the whole configuration (players, boxes with --video, connections).
 * 0, or -1 with the reason. */
int host_config_validate(const host_config *c, char *err, size_t errlen);

/* Writes c as a config file (all keys, C locale), atomically (temp + rename).
 * 0, or -1 with "PATH: reason". */
int host_config_save(const host_config *c, const char *path, char *err, size_t errlen);
/* Edits the config file at path in place (atomically), keeping every other
 * line and comment: in the [player NAME] section of players[k] the
 * dictionary/instrument line becomes "dictionary = files[k]" (added when it
 * has none). *missing counts the players without a section in the file
 * (given on the command line). 0, or -1 with "PATH: reason". */
int host_config_set_dictionaries(const char *path, int n, const char *const *players, const char *const *files,
                                 int *missing, char *err, size_t errlen);
/* The same into a buffer; returns the length it needs (like snprintf). */
size_t host_config_format(const host_config *c, char *buf, size_t size);

/* The option table as command-line options of program `host` (for the
 * parser, --help and the man page, cli_options.h): section headings, then
 * each option with id CLI_ID_BASE + its index; the other program's options
 * are there too, hidden. Returns the count written (at most max). */
size_t host_config_cli_options(int host, cli_option *out, size_t max);

/* 1 if s is a valid display name (label). */
int host_label_valid(const char *s);

/* The player index of a stem name ("other" = n_players when c->other), or -1. */
int host_config_stem_index(const host_config *c, const char *name);

/* What --help and the man pages of camsep-jack and camsep-portaudio say alike. */
#define HOST_DICT_DIR_HELP                                                                                   \
    "where bundled instruments are looked up first, then in " CAMSEP_DICT_RELATIVE_DIR " beside the program, " \
    "then " CAMSEP_DICT_INSTALL_DIR
extern const char host_config_file_notes[];
extern const cli_item host_files[];

#endif
