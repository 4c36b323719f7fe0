/* SPDX-License-Identifier: GPL-3.0-or-later */
/* camsep-process: offline separation of a mixture through the real-time engine. */
#define _POSIX_C_SOURCE 200809L /* SIGHUP, SIGPIPE */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audio_file.h"
#include "box_association.h"
#include "camera_priors.h"
#include "camsep_engine.h"
#include "cli.h"
#include "cli_options.h"
#include "cli_window.h"
#include "priors_csv.h"
#include "process_associate.h"
#include "progress.h"
#include "stem_files.h"
#include "video_boxes.h"
#include "video_priors.h"
#include "y4m_source.h"

static const char *const PROG = "camsep-process";

#define MAX_DICTS CAMSEP_MAX_SOURCES

typedef struct process_options {
    const char *input, *output, *other, *priors, *report, *gains, *video;
    const char *dicts[MAX_DICTS];
    camsep_box boxes[MAX_DICTS];
    int n_dicts, n_boxes, fft, latency, hop, block, quiet;
    double find_boxes_s; /* > 0: --find-boxes */
    double band_width;
    double camera_latency, motion_knee; /* knee 0: not given */
    int associate, associate_only, associate_fallback_audio;
    assoc_motion associate_motion;
    assoc_audio associate_audio;
    camsep_assoc_config assoc; /* thresholds and feature (boxes and stems set later) */
    camsep_params params;
    const char *stem_names;    /* --stem-names: index, dict or a list */
    int stem_format;           /* stem_format_choice */
} process_options;

static void parse_gains(const char *list, camsep_params *p, int stems)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", list);
    int j = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (j >= stems)
            cli_usage_fail(PROG, "--gain: more values than stems (%d)", stems);
        p->gain[j++] = (float)cli_float(PROG, "--gain", tok, 0.0, 16.0);
    }
}

enum {
    OPT_OTHER = CLI_ID_BASE,
    OPT_FFT,
    OPT_LATENCY,
    OPT_HOP,
    OPT_BAND_WIDTH,
    OPT_BLOCK,
    OPT_PRIORS,
    OPT_VIDEO,
    OPT_BOX,
    OPT_FIND_BOXES,
    OPT_CAMERA_LATENCY,
    OPT_ASSOCIATE,
    OPT_ASSOCIATE_MIN_CONFIDENCE,
    OPT_ASSOCIATE_MIN_EVIDENCE,
    OPT_ASSOCIATE_LONG_EVIDENCE,
    OPT_ASSOCIATE_LONG_CONFIDENCE,
    OPT_ASSOCIATE_FEATURE,
    OPT_ASSOCIATE_MOTION,
    OPT_ASSOCIATE_AUDIO,
    OPT_ASSOCIATE_BIN,
    OPT_ASSOCIATE_MAX_LAG,
    OPT_ASSOCIATE_RULE,
    OPT_ASSOCIATE_ABSOLUTE,
    OPT_ASSOCIATE_DETREND,
    OPT_ASSOCIATE_MISFIT,
    OPT_ASSOCIATE_FALLBACK,
    OPT_ASSOCIATE_ONLY,
    OPT_MOTION_KNEE,
    OPT_ITERATIONS,
    OPT_WARM_START,
    OPT_BETA,
    OPT_MASK_POWER,
    OPT_ACTIVITY_STRENGTH,
    OPT_TRUST_MEMORY,
    OPT_SPLIT_STRENGTH,
    OPT_REST_GATE,
    OPT_SHARE_STRENGTH,
    OPT_REGRESSION_STRENGTH,
    OPT_REGRESSION_SPARSITY,
    OPT_SMOOTHNESS,
    OPT_GAIN,
    OPT_REPORT,
    OPT_QUIET,
    OPT_STEM_NAMES,
    OPT_STEM_FORMAT,
};

static void parse(int argc, char **argv, process_options *o)
{
    memset(o, 0, sizeof *o);
    o->block = 256;
    camsep_config defaults;
    camsep_config_default(&defaults, 48000.0);
    o->band_width = defaults.nmf_band_width;
    camsep_params_default(&o->params);
    camsep_assoc_config_default(&o->assoc, 1, 1);
    o->stem_names = "index";
    camsep_params *p = &o->params;
    const camsep_params d = o->params;
    const camsep_assoc_config ad = o->assoc;
    int min_confidence_given = 0, long_confidence_given = 0;
    /* The defaults in the help are the engine's own. */
    const cli_option options[] = {
        {"input", 'i', "FILE", "mixture (multi-channel files are averaged to mono; \"-\" reads stdin)", 0, 0},
        {"dict", 'd', "FILE", "a player's dictionary (repeat, one per stem; at most 8 stems in all, counting --other)",
         0, 0},
        {"output", 'o', "DIR", "output directory (created if missing)", 0, 0},
        {"other", 0, "FILE", "generic dictionary for an extra 'other' stem", OPT_OTHER, 0},
        {"fft", 0, "K", "analysis window and FFT size (default 2048)", OPT_FFT, 0},
        {"latency", 0, "L",
         "delay of the stems in samples before compensation: the window falls over its last L/2 (default the "
         "smaller of 1024 and K; L = K is the symmetric window). The dictionaries must be trained for the same K "
         "and L",
         OPT_LATENCY, 0},
        {"hop", 0, "R", "hop (default L/2)", OPT_HOP, 0},
        {"band-width", 0, "W",
         cli_text("solve the activations on frequency bands at least W times their frequency wide, 0..0.5 "
                  "(default %g; 0 = every bin)",
                  (double)defaults.nmf_band_width),
         OPT_BAND_WIDTH, 0},
        {"block", 0, "B", "host block size fed to the engine (default 256)", OPT_BLOCK, 0},
        {"report", 0, "FILE.csv", "per-frame activations, mask shares and priors", OPT_REPORT, 0},
        {"gain", 0, "LIST", "comma-separated linear gains per stem (default 1)", OPT_GAIN, 0},
        {"stem-names", 0, "N",
         "stem file names: index (stem1, stem2, ..., default), dict (each dictionary's name, else its file name) "
         "or NAME,NAME,... per -d",
         OPT_STEM_NAMES, 0},
        {"stem-format", 0, "F",
         "auto (default: WAV, RF64 when a stem would pass WAV's 4 GiB), wav, rf64 or w64 (Sony Wave64, "
         "OUTDIR/NAME.w64)",
         OPT_STEM_FORMAT, 0},
        {"quiet", 0, NULL, "print nothing on success (no progress bar either)", OPT_QUIET, 0},
        CLI_SECTION("Priors"),
        {"priors", 0, "FILE.csv",
         "priors: 'time' in seconds, then one column per player in [0,1] (playing likelihood; also the motion "
         "channel)",
         OPT_PRIORS, 0},
        {"video", 0, "FILE.y4m",
         "camera priors from a Y4M video (\"-\" reads stdin), analysed by the capture code; video time 0 is audio "
         "time 0",
         OPT_VIDEO, 0},
        {"box", 0, "X,Y,W,H", "a player's box in video pixels (one per -d, same order)", OPT_BOX, 0},
        {"find-boxes", 0, "S",
         "instead of --box: the players' boxes found where the first S seconds of the video move against the "
         "camera (as camsep-find-boxes), one per -d, left to right; with --associate the pairing then orders "
         "them. The video must be a file",
         OPT_FIND_BOXES, 0},
        {"camera-latency", 0, "S", "the video shows events S seconds after the audio (default 0)", OPT_CAMERA_LATENCY,
         0},
        {"motion-knee", 0, "K",
         cli_text("share of a player's usual motion read as fully playing, %g..%g (default %g; 1 grades the prior "
                  "by motion: calm stages)",
                  (double)CAMSEP_MOTION_KNEE_MIN, (double)CAMSEP_MOTION_KNEE_MAX, (double)CAMSEP_MOTION_KNEE_DEFAULT),
         OPT_MOTION_KNEE, 0},
        CLI_SECTION("Which box is which player (--associate)"),
        {"associate", 0, NULL,
         "find which --box goes with which -d before separating: an audio-only pass, each box's motion "
         "correlated with each stem's sound; prints the pairing, the correlations and the confidence. A "
         "confident pairing is applied (the boxes are reordered); a low-confidence one is not (a warning on "
         "stderr; see --associate-fallback). Identical dictionaries are interchangeable: their boxes keep the "
         "order given. The mix is read twice (-i must be a file) and the camera's priors wait in a temporary "
         "file in $TMPDIR (default /tmp; 336 bytes a frame)",
         OPT_ASSOCIATE, 0},
        {"associate-min-confidence", 0, "C",
         cli_text("confidence needed to apply a pairing (default %g; given without --associate-long-confidence, "
                  "it is needed however long the evidence)",
                  (double)ad.min_confidence),
         OPT_ASSOCIATE_MIN_CONFIDENCE, 0},
        {"associate-min-evidence", 0, "S",
         cli_text("seconds of music with motion needed (default %g)", (double)ad.min_evidence_s),
         OPT_ASSOCIATE_MIN_EVIDENCE, 0},
        {"associate-long-evidence", 0, "S",
         cli_text("seconds of music with motion from which --associate-long-confidence is enough (default %g)",
                  (double)ad.long_evidence_s),
         OPT_ASSOCIATE_LONG_EVIDENCE, 0},
        {"associate-long-confidence", 0, "C",
         cli_text("confidence needed with that much evidence, if lower than --associate-min-confidence (default %g)",
                  (double)ad.long_min_confidence),
         OPT_ASSOCIATE_LONG_CONFIDENCE, 0},
        {"associate-feature", 0, "F",
         "what is correlated: log-activation (default), activation, onsets, or coverage (sound needs motion)",
         OPT_ASSOCIATE_FEATURE, 0},
        {"associate-motion", 0, "M",
         "a box's motion: its normalised, smoothed motion (channel, default), its raw motion energy (energy) or "
         "its playing likelihood (activity)",
         OPT_ASSOCIATE_MOTION, 0},
        {"associate-audio", 0, "A",
         "a stem's sound: its share of the energy (share, default) or its activations' sum (activation)",
         OPT_ASSOCIATE_AUDIO, 0},
        {"associate-bin", 0, "S", cli_text("time step of the comparison, seconds (default %g)", ad.bin_s),
         OPT_ASSOCIATE_BIN, 0},
        {"associate-max-lag", 0, "S",
         cli_text("camera latency error searched, +- S seconds (default %g)", ad.max_lag_s), OPT_ASSOCIATE_MAX_LAG, 0},
        {"associate-rule", 0, "R",
         "the noise a pairing's margin is measured against: the data's own correlations shifted in time "
         "(surrogate, default) or 1/sqrt(seconds of evidence / 0.5 s) (evidence)",
         OPT_ASSOCIATE_RULE, 0},
        {"associate-absolute", 0, NULL,
         "correlate each box and stem as it is (default: relative to the others at each instant)",
         OPT_ASSOCIATE_ABSOLUTE, 0},
        {"associate-detrend", 0, "S",
         cli_text("each box's motion and each stem's sound minus its running mean over S seconds, so that "
                  "note-level changes are compared, not slow drifts (default %g; 0: off)",
                  ad.detrend_s),
         OPT_ASSOCIATE_DETREND, 0},
        {"associate-misfit-weight", 0, "P",
         cli_text("an instant the separation fits worse than the median one counts (median / misfit)^P "
                  "(default %g; 0: every instant alike)",
                  ad.misfit_weight),
         OPT_ASSOCIATE_MISFIT, 0},
        {"associate-fallback", 0, "M",
         "when not confident: 'given' separates with the boxes as given (default), 'audio' without the camera",
         OPT_ASSOCIATE_FALLBACK, 0},
        {"associate-only", 0, NULL, "print the pairing and stop (no -o needed, nothing written)", OPT_ASSOCIATE_ONLY,
         0},
        CLI_SECTION("Engine"),
        {"iterations", 0, "I", cli_text("NMF updates per frame (default %d)", d.iterations), OPT_ITERATIONS, 0},
        {"warm-start", 0, "W",
         cli_text("share of the last frame's activations in the start (default %g)", (double)d.warm_start),
         OPT_WARM_START, 0},
        {"beta", 0, "B", "beta-divergence (default 1 = KL)", OPT_BETA, 0},
        {"mask-power", 0, "P", "soft-mask exponent (default 2)", OPT_MASK_POWER, 0},
        {"activity-strength", 0, "G", cli_text("activity prior weight (default %g)", (double)d.activity_strength),
         OPT_ACTIVITY_STRENGTH, 0},
        {"trust-memory", 0, "S",
         cli_text("weigh each player's prior by how well it followed their sound over about S seconds, 0..600 "
                  "(default %g; 0 = trust priors fully)",
                  (double)d.trust_memory_s),
         OPT_TRUST_MEMORY, 0},
        {"split-strength", 0, "W",
         cli_text("split players who share one dictionary by their motion, where it follows their sound, 0..1 "
                  "(default %g; 0 = off)",
                  (double)d.split_strength),
         OPT_SPLIT_STRENGTH, 0},
        {"rest-gate", 0, "D",
         cli_text("gate the stem of a player the camera sees resting, while the camera is measured in time "
                  "with the sound, 0..1 (default %g; 0 = off)",
                  (double)d.rest_gate),
         OPT_REST_GATE, 0},
        {"share-strength", 0, "K",
         cli_text("weigh each player in the masks towards the share of the sound their graded motion "
                  "predicts, where it has followed their sound, 0..1 (default %g: all the way; 0 = off)",
                  (double)d.share_strength),
         OPT_SHARE_STRENGTH, 0},
        {"regression-strength", 0, "L",
         cli_text("cross-modal regression weight (default %g)", (double)d.regression_strength), OPT_REGRESSION_STRENGTH,
         0},
        {"regression-sparsity", 0, "M",
         cli_text("L1 weight on the regression matrix (default %g)", (double)d.regression_sparsity),
         OPT_REGRESSION_SPARSITY, 0},
        {"smoothness", 0, "S", cli_text("temporal smoothness weight (default %g)", (double)d.smoothness),
         OPT_SMOOTHNESS, 0},
    };
    const cli_program program = {
        .name = PROG,
        .purpose = "separate a recorded mix into one stem per player through the real-time engine",
        .synopsis = "-i MIX.wav -d P1.dict [-d P2.dict ...] -o OUTDIR [options]\n"
                    "-i MIX.wav -d P1.dict -d P2.dict --video STAGE.y4m --box X,Y,W,H --box X,Y,W,H -o OUTDIR",
        .description =
            "Separates MIX.wav into one stem per dictionary (OUTDIR/stem1.wav ... in -d order, plus "
            "OUTDIR/other.wav with --other), through exactly the real-time engine the live hosts and the LV2 "
            "plugin run. Stems are 32-bit float WAVs (RF64 past 4 GiB), latency-compensated: aligned with the mix, "
            "same length, and identical for any --block.\n\n"
            "The mix is streamed: memory does not grow with its length, and a progress bar shows on stderr when "
            "it is a terminal (not with --quiet). A stem is complete or absent: it is written as "
            "OUTDIR/.NAME.wav.partial and renamed at the end.\n\n"
            "Priors say when each player plays: a CSV (--priors), or the motion in each player's box of a stage "
            "video (--video, --box), analysed by the same capture code as camsep-capture. --associate finds "
            "which box goes with which dictionary when the order is not known.",
        .options = options,
        .n_options = CLI_COUNT(options),
        .examples = "Separate a duo with a dictionary per player and a report for camsep-plot:\n\n"
                    "  camsep-process -i mix.wav -d violin.dict -d cello.dict -o stems/ \\\n"
                    "                 --report stems/report.csv\n\n"
                    "With an 'other' stem and camera priors from a video of the stage:\n\n"
                    "  camsep-process -i mix.wav -d violin.dict -d cello.dict \\\n"
                    "                 --other /usr/share/camsep/dictionaries/other.dict \\\n"
                    "                 --video stage.y4m --box 40,60,120,300 --box 220,60,120,300 -o stems/",
        .files = (const cli_item[]){
            {"OUTDIR/stem1.wav ... OUTDIR/stemN.wav", "one stem per -d, in -d order (32-bit float WAV)"},
            {"OUTDIR/other.wav", "what no player explains, with --other"},
            {NULL, NULL},
        },
        .see_also = "camsep-train(1), camsep-plot(1), camsep-capture(1), camsep-jack(1)",
    };
    cli_parser cp;
    cli_begin(&cp, &program, argc, argv);
    const char *v;
    int id, first;
    while ((id = cli_next(&cp, &v, &first)) != CLI_DONE) {
        switch (id) {
        case 'i': o->input = v; break;
        case 'o': o->output = v; break;
        case 'd':
            if (o->n_dicts == MAX_DICTS)
                cli_usage_fail(PROG, "at most %d dictionaries", MAX_DICTS);
            o->dicts[o->n_dicts++] = v;
            break;
        case OPT_OTHER: o->other = v; break;
        case OPT_FFT: o->fft = cli_int(PROG, "--fft", v, 64, 16384); break;
        case OPT_LATENCY: o->latency = cli_int(PROG, "--latency", v, 2, 16384); break;
        case OPT_BAND_WIDTH: o->band_width = cli_float(PROG, "--band-width", v, 0.0, 0.5); break;
        case OPT_HOP: o->hop = cli_int(PROG, "--hop", v, 1, 8192); break;
        case OPT_BLOCK: o->block = cli_int(PROG, "--block", v, 1, 1 << 20); break;
        case OPT_PRIORS: o->priors = v; break;
        case OPT_VIDEO: o->video = v; break;
        case OPT_BOX:
            if (o->n_boxes == MAX_DICTS)
                cli_usage_fail(PROG, "at most %d boxes", MAX_DICTS);
            if (camsep_box_parse(v, &o->boxes[o->n_boxes++]))
                cli_usage_fail(PROG, "--box: '%s' is not X,Y,W,H with a positive width and height", v);
            break;
        case OPT_FIND_BOXES: o->find_boxes_s = cli_float(PROG, "--find-boxes", v, 0.5, 1e6); break;
        case OPT_CAMERA_LATENCY: o->camera_latency = cli_float(PROG, "--camera-latency", v, -10.0, 10.0); break;
        case OPT_MOTION_KNEE:
            o->motion_knee = cli_float(PROG, "--motion-knee", v, CAMSEP_MOTION_KNEE_MIN, CAMSEP_MOTION_KNEE_MAX);
            break;
        case OPT_ASSOCIATE: o->associate = 1; break;
        case OPT_ASSOCIATE_ONLY: o->associate = o->associate_only = 1; break;
        case OPT_ASSOCIATE_MIN_CONFIDENCE:
            o->assoc.min_confidence = (float)cli_float(PROG, "--associate-min-confidence", v, 0.0, 1000.0);
            min_confidence_given = 1;
            break;
        case OPT_ASSOCIATE_MIN_EVIDENCE:
            o->assoc.min_evidence_s = (float)cli_float(PROG, "--associate-min-evidence", v, 0.0, 3600.0);
            break;
        case OPT_ASSOCIATE_LONG_EVIDENCE:
            o->assoc.long_evidence_s = (float)cli_float(PROG, "--associate-long-evidence", v, 0.0, 3600.0);
            break;
        case OPT_ASSOCIATE_LONG_CONFIDENCE:
            o->assoc.long_min_confidence = (float)cli_float(PROG, "--associate-long-confidence", v, 0.0, 1000.0);
            long_confidence_given = 1;
            break;
        case OPT_ASSOCIATE_FEATURE: {
            int f = camsep_assoc_feature_parse(v);
            if (f < 0)
                cli_usage_fail(PROG, "--associate-feature: '%s' is not log-activation, activation, onsets or coverage",
                               v);
            o->assoc.feature = (camsep_assoc_feature)f;
            break;
        }
        case OPT_ASSOCIATE_MOTION: /* in assoc_motion's order */
            o->associate_motion =
                (assoc_motion)cli_choice(PROG, "--associate-motion", v, (const char *const[]){"channel", "energy",
                                                                                              "activity", NULL});
            break;
        case OPT_ASSOCIATE_AUDIO:
            o->associate_audio =
                (assoc_audio)cli_choice(PROG, "--associate-audio", v, (const char *const[]){"share", "activation", NULL});
            break;
        case OPT_ASSOCIATE_BIN: o->assoc.bin_s = cli_float(PROG, "--associate-bin", v, 0.01, 2.0); break;
        case OPT_ASSOCIATE_MAX_LAG: o->assoc.max_lag_s = cli_float(PROG, "--associate-max-lag", v, 0.0, 2.0); break;
        case OPT_ASSOCIATE_RULE: /* in camsep_assoc_rule's order */
            o->assoc.rule = (camsep_assoc_rule)cli_choice(PROG, "--associate-rule", v,
                                                          (const char *const[]){"surrogate", "evidence", NULL});
            break;
        case OPT_ASSOCIATE_ABSOLUTE: o->assoc.relative = 0; break;
        case OPT_ASSOCIATE_DETREND: o->assoc.detrend_s = cli_float(PROG, "--associate-detrend", v, 0.0, 60.0); break;
        case OPT_ASSOCIATE_MISFIT:
            o->assoc.misfit_weight = cli_float(PROG, "--associate-misfit-weight", v, 0.0, 8.0);
            break;
        case OPT_ASSOCIATE_FALLBACK:
            o->associate_fallback_audio =
                cli_choice(PROG, "--associate-fallback", v, (const char *const[]){"given", "audio", NULL});
            break;
        case OPT_REPORT: o->report = v; break;
        case OPT_ITERATIONS: p->iterations = cli_int(PROG, "--iterations", v, 1, 200); break;
        case OPT_WARM_START: p->warm_start = (float)cli_float(PROG, "--warm-start", v, 0.0, 1.0); break;
        case OPT_BETA: p->beta = (float)cli_float(PROG, "--beta", v, 0.0, 2.0); break;
        case OPT_MASK_POWER: p->mask_power = (float)cli_float(PROG, "--mask-power", v, 0.5, 4.0); break;
        case OPT_ACTIVITY_STRENGTH:
            p->activity_strength = (float)cli_float(PROG, "--activity-strength", v, 0.0, 1000.0);
            break;
        case OPT_TRUST_MEMORY: p->trust_memory_s = (float)cli_float(PROG, "--trust-memory", v, 0.0, 600.0); break;
        case OPT_SPLIT_STRENGTH: p->split_strength = (float)cli_float(PROG, "--split-strength", v, 0.0, 1.0); break;
        case OPT_REST_GATE: p->rest_gate = (float)cli_float(PROG, "--rest-gate", v, 0.0, 1.0); break;
        case OPT_SHARE_STRENGTH: p->share_strength = (float)cli_float(PROG, "--share-strength", v, 0.0, 1.0); break;
        case OPT_REGRESSION_STRENGTH:
            p->regression_strength = (float)cli_float(PROG, "--regression-strength", v, 0.0, 1000.0);
            break;
        case OPT_REGRESSION_SPARSITY:
            p->regression_sparsity = (float)cli_float(PROG, "--regression-sparsity", v, 0.0, 1000.0);
            break;
        case OPT_SMOOTHNESS: p->smoothness = (float)cli_float(PROG, "--smoothness", v, 0.0, 1000.0); break;
        case OPT_GAIN: o->gains = v; break;
        case OPT_QUIET: o->quiet = 1; break;
        case OPT_STEM_NAMES: o->stem_names = v; break;
        case OPT_STEM_FORMAT:
            if ((o->stem_format = stem_format_parse(v)) < 0)
                cli_usage_fail(PROG, "--stem-format: '%s' is not auto, wav, rf64 or w64", v);
            break;
        }
    }
    if (min_confidence_given && !long_confidence_given) /* one threshold asked for: no lower one behind it */
        o->assoc.long_min_confidence = o->assoc.min_confidence;
    if (first < argc)
        cli_usage_fail(PROG, "unexpected argument %s (see --help)", argv[first]);
    if (!o->input)
        cli_usage_fail(PROG, "no mixture: give -i MIX.wav (see --help)");
    if (!o->n_dicts)
        cli_usage_fail(PROG, "no dictionary: give one -d FILE per player (see --help)");
    if (!o->output && !o->associate_only)
        cli_usage_fail(PROG, "no output directory: give -o DIR (see --help)");
    cli_window(PROG, &o->fft, &o->latency, &o->hop);
    if (o->n_dicts + (o->other ? 1 : 0) > CAMSEP_MAX_SOURCES)
        cli_usage_fail(PROG, "at most %d stems in all", CAMSEP_MAX_SOURCES);
    if (o->gains)
        parse_gains(o->gains, p, o->n_dicts + (o->other ? 1 : 0));
    if (o->video && o->priors)
        cli_usage_fail(PROG, "--video and --priors both give priors; choose one");
    if (o->find_boxes_s > 0.0 && (!o->video || !strcmp(o->video, "-")))
        cli_usage_fail(PROG, "--find-boxes needs --video with a file (the video is read twice)");
    if (o->find_boxes_s > 0.0 && o->n_boxes)
        cli_usage_fail(PROG, "--find-boxes finds the boxes: give it or --box, not both");
    if (o->video && o->n_boxes != o->n_dicts && !(o->find_boxes_s > 0.0))
        cli_usage_fail(PROG, "--video needs one --box per -d (%d boxes for %d dictionaries), or --find-boxes",
                       o->n_boxes, o->n_dicts);
    if (!o->video && o->n_boxes)
        cli_usage_fail(PROG, "--box needs --video");
    if (!o->video && o->motion_knee > 0.0)
        cli_usage_fail(PROG, "--motion-knee needs --video");
    if (o->associate && !o->video)
        cli_usage_fail(PROG, "--associate needs --video and one --box per -d (or --find-boxes)");
}

static camsep_dictionary *load_dict(const char *path)
{
    char err[512];
    camsep_dictionary *d = camsep_dictionary_load(path, err, sizeof err);
    if (!d)
        cli_fail(PROG, "%s", err);
    return d;
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0777) && errno != EEXIST)
        cli_fail(PROG, "%s: %s", path, strerror(errno));
    struct stat st;
    if (stat(path, &st) || !S_ISDIR(st.st_mode))
        cli_fail(PROG, "%s: not a directory", path);
}

/* Priors from a CSV file, read a row at a time and handed over as a live
 * producer would: a little ahead of the audio. */
typedef struct prior_feed {
    priors_csv *csv;
    int has_pending;
    camsep_prior pending;
    int sources;
    double rate;
} prior_feed;

/* Reads the whole file once so that a bad row stops the run before it starts. */
static void open_priors(prior_feed *pf, const char *path, int sources, double rate)
{
    char err[512];
    memset(pf, 0, sizeof *pf);
    pf->rate = rate;
    pf->sources = sources;
    if (!(pf->csv = priors_csv_open(path, sources, err, sizeof err)))
        cli_fail(PROG, "%s", err);
    double time;
    float values[CAMSEP_MAX_SOURCES];
    int got;
    while ((got = priors_csv_next(pf->csv, &time, values, err, sizeof err)) == 1)
        ;
    if (got < 0 || priors_csv_rewind(pf->csv, err, sizeof err))
        cli_fail(PROG, "%s", err);
}

static void feed_priors(camsep_engine *e, prior_feed *pf, int64_t until)
{
    char err[512];
    while (pf->csv) {
        if (!pf->has_pending) {
            double time;
            float values[CAMSEP_MAX_SOURCES];
            const int got = priors_csv_next(pf->csv, &time, values, err, sizeof err);
            if (got < 0)
                cli_fail(PROG, "%s", err); /* the file changed since it was checked */
            if (got == 0)
                return;
            camsep_prior *pr = &pf->pending;
            memset(pr, 0, sizeof *pr);
            pr->time = (int64_t)llround(time * pf->rate);
            pr->n_sources = pf->sources;
            for (int j = 0; j < pr->n_sources; j++) {
                pr->activity[j] = values[j];
                pr->motion[j][0] = pr->activity[j];
            }
            pf->has_pending = 1;
        }
        if (pf->pending.time > until || camsep_engine_push_prior(e, &pf->pending))
            return; /* not due yet, or the ring is full: the rest goes in with the next block */
        pf->has_pending = 0;
    }
}

/* --find-boxes: one box per dictionary from the first seconds of the video,
 * left to right, into o->boxes; an error when fewer players are found. */
static void find_boxes(process_options *o)
{
    char err[512];
    video_boxes found;
    if (video_boxes_find(o->video, o->n_dicts, 1, o->find_boxes_s, 0.0f, &found, err, sizeof err))
        cli_fail(PROG, "--find-boxes: %s", err);
    if (found.n < o->n_dicts)
        cli_fail(PROG,
                 "--find-boxes: %d player%s found for %d dictionaries in the first %.1f s of %s (one who did not "
                 "move, or neighbours whose motion touches); give the boxes with --box",
                 found.n, found.n == 1 ? "" : "s", o->n_dicts, found.seconds, o->video);
    o->n_boxes = found.n;
    memcpy(o->boxes, found.box, (size_t)found.n * sizeof found.box[0]);
    if (o->quiet)
        return;
    fprintf(stderr, "%s: players found in the first %.1f s of %s:", PROG, found.seconds, o->video);
    for (int i = 0; i < found.n; i++)
        fprintf(stderr, " --box %.0f,%.0f,%.0f,%.0f", found.box[i].x, found.box[i].y, found.box[i].w, found.box[i].h);
    fprintf(stderr, "%s\n", o->associate ? " (left to right; --associate pairs them)" : " (left to right, in -d order)");
}

/* Camera priors from a video, computed frame by frame by the capture code and
 * handed to the engine a little ahead of the audio, as a live camera would. */
typedef struct video_feed {
    camsep_frame_source *src;
    camsep_video_priors *vp;
    double rate, latency_s;
    int done, has_pending;
    camsep_prior pending;
    uint64_t frames, priors;
} video_feed;

static void open_video(video_feed *vf, const process_options *o, double rate, char *err, size_t errlen)
{
    memset(vf, 0, sizeof *vf);
    vf->rate = rate;
    vf->latency_s = o->camera_latency;
    vf->src = camsep_y4m_open(o->video, 0, err, errlen);
    if (!vf->src)
        cli_fail(PROG, "%s", err);
    vf->vp = camsep_video_priors_create(vf->src->width, vf->src->height, vf->src->frame_rate, o->boxes, o->n_boxes,
                                        err, errlen);
    if (!vf->vp)
        cli_fail(PROG, "%s: %s", o->video, err);
    if (o->motion_knee > 0.0)
        camsep_video_priors_set_knee(vf->vp, (float)o->motion_knee); /* in range: checked by cli_float */
}

static void feed_video(camsep_engine *e, video_feed *vf, int64_t until)
{
    char err[512];
    while (!vf->done) {
        if (vf->has_pending) {
            if (vf->pending.time > until || camsep_engine_push_prior(e, &vf->pending))
                return;
            vf->has_pending = 0;
        }
        camsep_frame frame;
        camsep_source_status st = camsep_frame_source_read(vf->src, &frame, -1, err, sizeof err);
        if (st == CAMSEP_SOURCE_END) {
            vf->done = 1;
            return;
        }
        if (st != CAMSEP_SOURCE_OK)
            cli_fail(PROG, "%s", st == CAMSEP_SOURCE_ERROR ? err : "video source stalled");
        vf->frames++;
        int r = camsep_video_priors_frame(vf->vp, &frame, &vf->pending);
        if (r < 0)
            cli_fail(PROG, "video frame %llu changed size", (unsigned long long)vf->frames);
        if (r == 1) {
            vf->pending.time = (int64_t)llround(((double)frame.timestamp_ns * 1e-9 - vf->latency_s) * vf->rate);
            vf->has_pending = 1;
            vf->priors++;
        }
    }
}

/* --associate: the camera's priors read ahead into a temporary file, the
 * boxes paired with the dictionaries by an audio-only pass over the mix, the
 * pairing applied to the spooled priors when confident. Returns 0 when the
 * separation should go without the camera. */
static int associate(const process_options *o, video_feed *vf, const camsep_config *cfg,
                     camsep_dictionary *const *players, const camsep_dictionary *other, audio_reader *mix,
                     camera_spool *cp)
{
    char err[512];
    const double rate = audio_reader_rate(mix);
    const int64_t frames = audio_reader_frames(mix);
    if (frames < 0)
        cli_fail(PROG, "--associate reads the mixture twice: give a file, not a pipe");
    progress bar; /* the video usually lasts as long as the mix */
    progress_start(&bar, "camsep-process: reading the video", frames, rate, !o->quiet);
    const int failed_video = camera_spool_read(vf->src, vf->vp, rate, o->camera_latency, cp, &bar, err, sizeof err);
    progress_end(&bar);
    if (failed_video)
        cli_fail(PROG, "%s: %s", o->video, err);
    camsep_assoc_config acfg = o->assoc;
    acfg.n_boxes = o->n_boxes;
    acfg.n_stems = o->n_dicts;
    associate_stem_classes((const camsep_dictionary *const *)players, o->n_dicts, acfg.stem_class);
    acfg.history_s = fmax((double)frames / rate + 1.0, 4 * acfg.bin_s);
    acfg.max_lag_s = fmin(acfg.max_lag_s, acfg.history_s / 4);
    camsep_assoc_result r;
    progress_start(&bar, "camsep-process: association", frames + camsep_config_latency(cfg), rate, !o->quiet);
    const int failed = associate_run(cfg, &o->params, (const camsep_dictionary *const *)players, o->n_dicts, other,
                                     mix, o->block, cp, o->associate_motion, o->associate_audio, &acfg, &r, &bar,
                                     err, sizeof err);
    progress_end(&bar);
    if (failed)
        cli_fail(PROG, "--associate: %s", err);
    if (!o->quiet || o->associate_only)
        associate_print(stdout, &r, o->dicts, (const camsep_dictionary *const *)players);
    int identity = 1;
    for (int i = 0; i < o->n_boxes; i++)
        identity &= r.stem_of_box[i] == i;
    if (r.confident) {
        if (!o->associate_only && !o->quiet)
            printf("association: applied%s\n", identity ? " (the boxes were in the right order)" : " (boxes reordered)");
        camera_spool_permute(cp, r.stem_of_box, o->n_boxes);
        return 1;
    }
    if (!o->associate_only)
        fprintf(stderr, "%s: --associate: low confidence (%s; confidence %.2f, %.1f s of music with motion): "
                        "pairing not applied, separating %s\n",
                PROG, r.reason, (double)r.confidence, (double)r.evidence_s,
                o->associate_fallback_audio ? "without the camera" : "with the boxes as given");
    return !o->associate_fallback_audio;
}

static void write_report_header(FILE *f, int stems)
{
    fprintf(f, "frame,time_s,input_level,objective");
    const char *groups[] = {"act", "mask", "prior", "trust", "agreement", "split", "gate", "held", "share"};
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++)
        for (int j = 0; j < stems; j++)
            fprintf(f, ",%s_%d", groups[g], j + 1);
    fprintf(f, ",camera_offset_s,camera_offset_corr\n");
}

static void drain_reports(camsep_engine *e, FILE *f, double rate)
{
    camsep_frame_report r;
    while (camsep_engine_read_report(e, &r) == 0) {
        if (!f)
            continue;
        fprintf(f, "%lld,%.6f,%.6g,%.6g", (long long)r.frame, (double)r.time / rate, r.input_level, r.objective);
        for (int j = 0; j < r.n_sources; j++)
            fprintf(f, ",%.6g", r.activation[j]);
        for (int j = 0; j < r.n_sources; j++)
            fprintf(f, ",%.6g", r.mask_energy[j]);
        for (int j = 0; j < r.n_sources; j++)
            fprintf(f, ",%.6g", r.prior[j]);
        for (int j = 0; j < r.n_sources; j++)
            fprintf(f, ",%.6g", r.trust[j]);
        for (int j = 0; j < r.n_sources; j++)
            fprintf(f, ",%.6g", r.agreement[j]);
        for (int j = 0; j < r.n_sources; j++)
            fprintf(f, ",%.6g", r.split[j]);
        for (int j = 0; j < r.n_sources; j++)
            fprintf(f, ",%.6g", r.gate[j]);
        for (int j = 0; j < r.n_sources; j++)
            fprintf(f, ",%u", (unsigned)((r.held >> j) & 1u));
        for (int j = 0; j < r.n_sources; j++)
            fprintf(f, ",%.6g", r.share[j]);
        fprintf(f, ",%.6g,%.6g\n", r.camera_offset, r.camera_offset_corr);
    }
}

/* Stems being written: removed if the program stops before they are complete. */
static stem_files *g_partial_stems;

static void remove_partial_stems(void)
{
    stem_files_abort(g_partial_stems);
    g_partial_stems = NULL;
}

/* Interrupted (Ctrl-C, kill): the half-written stems go, then the signal does its usual work. */
static void remove_partial_stems_on_signal(int sig)
{
    stem_files_unlink(g_partial_stems);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void free_dicts(camsep_dictionary **players, int n, camsep_dictionary *other)
{
    for (int j = 0; j < n; j++)
        camsep_dictionary_free(players[j]);
    camsep_dictionary_free(other);
}

int main(int argc, char **argv)
{
    process_options o;
    parse(argc, argv, &o);
    char err[512];
    audio_reader *mix = audio_reader_open(o.input, err, sizeof err);
    if (!mix)
        cli_fail(PROG, "%s", err);
    const double rate = audio_reader_rate(mix);
    const int64_t announced = audio_reader_frames(mix); /* -1: unknown until the end */

    camsep_dictionary *players[MAX_DICTS] = {0}, *other = o.other ? load_dict(o.other) : NULL;
    int total_atoms = other ? other->n_atoms : 0;
    for (int j = 0; j < o.n_dicts; j++) {
        players[j] = load_dict(o.dicts[j]);
        total_atoms += players[j]->n_atoms;
    }
    const int stems = o.n_dicts + (other ? 1 : 0);

    camsep_config cfg;
    camsep_config_default(&cfg, rate);
    cfg.fft_size = o.fft;
    cfg.latency = o.latency;
    cfg.hop = o.hop;
    cfg.nmf_band_width = (float)o.band_width;
    cfg.max_sources = stems;
    cfg.max_atoms = total_atoms;
    camsep_engine *e = camsep_engine_create(&cfg, err, sizeof err);
    if (!e)
        cli_fail(PROG, "%s", err);
    camsep_dictset *set = camsep_dictset_create(e, (const camsep_dictionary *const *)players, o.n_dicts, other,
                                                err, sizeof err);
    if (!set)
        cli_fail(PROG, "%s", err);
    if (camsep_engine_post_dictset(e, set) || camsep_params_validate(&o.params, err, sizeof err) ||
        camsep_engine_post_params(e, &o.params))
        cli_fail(PROG, "invalid settings: %s", err);

    char names[CAMSEP_MAX_SOURCES][STEM_NAME_MAX];
    const char *dict_names[MAX_DICTS];
    for (int j = 0; j < o.n_dicts; j++)
        dict_names[j] = players[j]->name;
    if (stem_names_make(o.stem_names, o.dicts, dict_names, o.n_dicts, other != NULL, names, err, sizeof err))
        cli_fail(PROG, "%s", err);
    audio_format format;
    if (stem_format_resolve((stem_format_choice)o.stem_format, announced, &format))
        cli_fail(PROG, "--stem-format wav: %s stems would pass WAV's 4 GiB (use rf64 or w64)",
                 announced < 0 ? "the mixture's length is unknown: its" : "the");

    prior_feed pf = {0};
    if (o.priors)
        open_priors(&pf, o.priors, o.n_dicts, rate);
    video_feed vf = {0};
    if (o.find_boxes_s > 0.0)
        find_boxes(&o);
    if (o.video)
        open_video(&vf, &o, rate, err, sizeof err);
    camera_spool camera = {0};
    const int use_camera = o.associate ? associate(&o, &vf, &cfg, players, other, mix, &camera) : 1;
    if (o.associate_only) {
        priors_csv_close(pf.csv);
        camera_spool_close(&camera);
        camsep_video_priors_free(vf.vp);
        camsep_frame_source_close(vf.src);
        free_dicts(players, o.n_dicts, other);
        camsep_engine_free(e);
        audio_reader_close(mix);
        return 0;
    }

    make_dir(o.output);
    FILE *report = NULL;
    if (o.report && !(report = fopen(o.report, "w")))
        cli_fail(PROG, "%s: %s", o.report, strerror(errno));
    if (report)
        write_report_header(report, stems);
    atexit(remove_partial_stems);
    if (!(g_partial_stems = stem_files_open(o.output, stems, names, format, rate, err, sizeof err)))
        cli_fail(PROG, "%s", err);
    const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    enum { N_SIGNALS = sizeof signals / sizeof signals[0] };
    void (*before[N_SIGNALS])(int);
    for (int i = 0; i < N_SIGNALS; i++) /* an ignored signal (nohup, a script's background job) stays ignored */
        if ((before[i] = signal(signals[i], remove_partial_stems_on_signal)) == SIG_IGN)
            signal(signals[i], SIG_IGN);

    /* Run the input then `latency` zeros through the engine, a block at a
     * time; drop the first `latency` output samples so that the stems line up
     * with the mix. */
    const size_t latency = (size_t)camsep_engine_latency(e), block = (size_t)o.block;
    float *block_in = malloc(block * sizeof(float)), *outs[CAMSEP_MAX_SOURCES] = {0};
    int out_of_memory = !block_in;
    for (int j = 0; j < stems; j++)
        out_of_memory |= !(outs[j] = malloc(block * sizeof(float)));
    if (out_of_memory)
        cli_fail(PROG, "out of memory");
    progress bar;
    progress_start(&bar, "camsep-process: separating", announced, rate, !o.quiet);
    int at_end = 0;
    size_t frames = 0; /* the mix's length, once at_end */
    for (size_t pos = 0;; ) {
        size_t n = block, from_file = 0;
        if (!at_end) {
            long got = audio_reader_read(mix, block_in, n, err, sizeof err);
            if (got < 0)
                cli_fail(PROG, "%s", err);
            from_file = (size_t)got;
            if (from_file < n) {
                at_end = 1;
                frames = pos + from_file;
            }
        }
        if (at_end) {
            if (pos >= frames + latency)
                break;
            if (frames + latency - pos < n)
                n = frames + latency - pos;
        }
        for (size_t i = from_file; i < n; i++)
            block_in[i] = 0.0f;
        feed_priors(e, &pf, (int64_t)(pos + n) + cfg.fft_size);
        if (o.video && o.associate && use_camera) {
            if (camera_spool_feed(e, &camera, (int64_t)(pos + n) + cfg.fft_size))
                cli_fail(PROG, "the camera's priors: temporary file error");
        } else if (o.video && !o.associate) {
            feed_video(e, &vf, (int64_t)(pos + n) + cfg.fft_size);
        }
        camsep_engine_process(e, block_in, outs, (uint32_t)n);
        drain_reports(e, report, rate);
        if (pos + n > latency) {
            const size_t skip = pos < latency ? latency - pos : 0;
            if (stem_files_write(g_partial_stems, outs, skip, n - skip, err, sizeof err))
                cli_fail(PROG, "%s", err);
        }
        pos += n;
        progress_update(&bar, (int64_t)pos);
    }
    progress_end(&bar);
    if (report && fclose(report))
        cli_fail(PROG, "%s: write failed", o.report);
    for (int i = 0; i < N_SIGNALS; i++)
        signal(signals[i], before[i]);
    stem_files *done = g_partial_stems;
    g_partial_stems = NULL;
    if (stem_files_commit(done, err, sizeof err))
        cli_fail(PROG, "%s", err);

    camsep_stats st;
    camsep_engine_get_stats(e, &st);
    if (!o.quiet) {
        printf("%s: %zu samples at %g Hz, %d stems, latency %zu samples, %llu frames", PROG, frames, rate, stems,
               latency, (unsigned long long)st.frames);
        if (o.video)
            printf(", %llu video frames, %llu camera priors",
                   (unsigned long long)(o.associate ? camera.frames : vf.frames),
                   (unsigned long long)(o.associate ? (use_camera ? camera.n : 0) : vf.priors));
        if (o.priors || o.video)
            printf(", %llu priors used", (unsigned long long)st.priors_used);
        if (st.nonfinite_samples)
            printf(", %llu non-finite input samples replaced by silence", (unsigned long long)st.nonfinite_samples);
        printf("\n");
    }
    free(block_in);
    for (int j = 0; j < stems; j++)
        free(outs[j]);
    priors_csv_close(pf.csv);
    camera_spool_close(&camera);
    camsep_video_priors_free(vf.vp);
    camsep_frame_source_close(vf.src);
    free_dicts(players, o.n_dicts, other);
    camsep_engine_free(e);
    audio_reader_close(mix);
    return 0;
}
