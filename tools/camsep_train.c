/* SPDX-License-Identifier: GPL-3.0-or-later */
/* camsep-train: learn a player's spectral dictionary from solo recordings. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio_file.h"
#include "cli.h"
#include "cli_options.h"
#include "cli_window.h"
#include "dictionary.h"
#include "nmf.h"
#include "soundcheck.h"
#include "soundcheck_video.h"
#include "spectral_shift.h"
#include "stft.h"
#include "video_priors.h"

static const char *const PROG = "camsep-train";

enum {
    OPT_ATOMS = CLI_ID_BASE, OPT_ITERATIONS, OPT_FFT, OPT_LATENCY, OPT_HOP, OPT_BETA, OPT_SEED, OPT_NAME,
    OPT_SILENCE_DB, OPT_TRANSPOSE, OPT_QUIET, OPT_VIDEO, OPT_BOX, OPT_CAMERA_LATENCY, OPT_PLAYING, OPT_RESTING,
    OPT_MIN_ALONE, OPT_JOINT_ITERATIONS,
};

static const cli_option OPTIONS[] = {
    {"output", 'o', "FILE", "dictionary to write (required; with --video a directory)", 0, 0},
    {"atoms", 0, "K", "atoms to learn (default 32)", OPT_ATOMS, 0},
    {"iterations", 0, "I", "NMF iterations (default 200)", OPT_ITERATIONS, 0},
    {"fft", 0, "K", "analysis window and FFT size (default 2048)", OPT_FFT, 0},
    {"latency", 0, "L",
     "the latency the dictionary is for: the window falls over its last L/2 samples (default the smaller of "
     "1024 and K; L = K: symmetric)",
     OPT_LATENCY, 0},
    {"hop", 0, "R", "hop (default L/2)", OPT_HOP, 0},
    {"beta", 0, "B", "beta-divergence, 0 (IS) .. 1 (KL) .. 2 (Euclidean); default 1", OPT_BETA, 0},
    {"seed", 0, "S", "random seed of the initialisation (default 1)", OPT_SEED, 0},
    {"name", 0, "NAME", "instrument/player name stored in the file (default: first file's name)", OPT_NAME, 0},
    {"silence-db", 0, "D", "frames quieter than D dB below the loudest are skipped (default 60)", OPT_SILENCE_DB,
     0},
    {"transpose", 0, "S",
     "also learn from every frame moved 1 .. S semitones down and up, so that the atoms reach notes a short "
     "recording did not play (default 0; on minutes of solo material it costs quality). With --video, the "
     "alone parts; default auto: each player's S (1 or 2) chosen by how well it explains the together part",
     OPT_TRANSPOSE, 0},
    {"quiet", 0, NULL, "no progress bar", OPT_QUIET, 0},
    CLI_SECTION("Sound check (--video)"),
    {"video", 0, "FILE.y4m", "the stage during the sound check; video time 0 is audio time 0", OPT_VIDEO, 0},
    {"box", 0, "[NAME=]X,Y,W,H", "a player's box in video pixels (one per player)", OPT_BOX, 0},
    {"camera-latency", 0, "S", "the video shows events S seconds after the audio (default 0)",
     OPT_CAMERA_LATENCY, 0},
    {"playing", 0, "A", "mean activity (over 1 s) at or above which a player plays (default 0.5)", OPT_PLAYING, 0},
    {"resting", 0, "A", "mean activity at or below which a player rests (default 0.3)", OPT_RESTING, 0},
    {"min-alone", 0, "S", "seconds alone a player needs at least (default 3)", OPT_MIN_ALONE, 0},
    {"joint-iterations", 0, "I", "retrain each player with its share of the together part (default 0: alone only)",
     OPT_JOINT_ITERATIONS, 0},
};

static const cli_program PROGRAM = {
    .name = "camsep-train",
    .purpose = "learn a player's spectral dictionary from solo recordings or a sound check",
    .synopsis = "-o OUT.dict [options] SOLO.wav...\n"
                "--video STAGE.y4m --box [NAME=]X,Y,W,H... -o DIR [options] SOUNDCHECK.wav",
    .description =
        "Learns a dictionary of spectral atoms for one player (or instrument) from solo recordings: "
        "multiplicative beta-NMF on the magnitude spectrogram, deterministic for a given seed.\n\n"
        "With --video, learns one dictionary per box from a sound check (each player a little alone, then "
        "together) and its video: frames where the camera sees one player move alone train that player, frames "
        "where several move refine all of them together. Writes DIR/NAME.dict, or DIR/playerN.dict for a box "
        "without a name (N in box order), only when every player could be learned.\n\n"
        "A dictionary is used at the window and latency it was learned for: camsep-process, camsep-jack, "
        "camsep-portaudio and the LV2 plugin load it (docs/dictionary-format.md).",
    .options = OPTIONS,
    .n_options = CLI_COUNT(OPTIONS),
    .examples = "Learn a violin from a solo recording:\n\n"
                "  camsep-train -o violin.dict --atoms 32 --iterations 200 --seed 1 violin-solo.wav\n\n"
                "The same for a 10 ms latency:\n\n"
                "  camsep-train -o violin-10ms.dict --latency 512 --seed 1 violin-solo.wav\n\n"
                "Every player of a sound check at once, the camera telling who plays when:\n\n"
                "  camsep-train --video soundcheck.y4m --box violin=40,60,120,300 \\\n"
                "               --box cello=220,60,120,300 -o dicts/ soundcheck.wav",
    .see_also = "camsep-process(1), camsep-jack(1), camsep-capture(1)",
};

/* --transpose not given: 0 for solo recordings, the learner's default with --video */
#define TRANSPOSE_NOT_GIVEN (-2)

typedef struct train_options {
    const char *output, *name, *video;
    int atoms, iterations, fft, latency, hop, transpose;
    double beta, silence_db;
    uint64_t seed;
    int quiet;
    const char **inputs;
    int n_inputs;
    camsep_box boxes[CAMSEP_SOUNDCHECK_MAX_PLAYERS];
    char box_names[CAMSEP_SOUNDCHECK_MAX_PLAYERS][CAMSEP_DICT_NAME_LEN];
    int n_boxes;
    double camera_latency;
    camsep_soundcheck_params sc;
} train_options;

/* A box name becomes a file name: letters, digits, '-', '_', '.', not first '.'. */
static int valid_box_name(const char *name, size_t len)
{
    if (len == 0 || len >= CAMSEP_DICT_NAME_LEN || name[0] == '.')
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

static void parse_box(train_options *o, const char *text)
{
    if (o->n_boxes == CAMSEP_SOUNDCHECK_MAX_PLAYERS)
        cli_usage_fail(PROG, "more than %d --box", CAMSEP_SOUNDCHECK_MAX_PLAYERS);
    const char *eq = strchr(text, '=');
    char *name = o->box_names[o->n_boxes];
    if (eq) {
        if (!valid_box_name(text, (size_t)(eq - text)))
            cli_usage_fail(PROG, "--box %s: a name is 1..%d letters, digits, '-', '_' or '.', not starting with '.'",
                     text, CAMSEP_DICT_NAME_LEN - 1);
        memcpy(name, text, (size_t)(eq - text));
        name[eq - text] = '\0';
        text = eq + 1;
    } else {
        snprintf(name, CAMSEP_DICT_NAME_LEN, "player%d", o->n_boxes + 1);
    }
    for (int i = 0; i < o->n_boxes; i++)
        if (!strcmp(o->box_names[i], name))
            cli_usage_fail(PROG, "two boxes are named %s", name);
    if (camsep_box_parse(text, &o->boxes[o->n_boxes]))
        cli_usage_fail(PROG, "--box %s: expected X,Y,W,H in pixels, W and H positive", text);
    o->n_boxes++;
}

static void parse(int argc, char **argv, train_options *o)
{
    *o = (train_options){.atoms = 32, .iterations = 200, .beta = 1.0, .seed = 1, .silence_db = 60,
                         .transpose = TRANSPOSE_NOT_GIVEN};
    camsep_soundcheck_defaults(&o->sc);
    o->inputs = calloc((size_t)argc, sizeof *o->inputs);
    if (!o->inputs)
        cli_fail(PROG, "out of memory");
    cli_parser cp;
    cli_begin(&cp, &PROGRAM, argc, argv);
    const char *v;
    int id, first;
    while ((id = cli_next(&cp, &v, &first)) != CLI_DONE) {
        switch (id) {
        case 'o': o->output = v; break;
        case OPT_ATOMS: o->atoms = cli_int(PROG, "--atoms", v, 1, CAMSEP_DICT_MAX_ATOMS); break;
        case OPT_ITERATIONS: o->iterations = cli_int(PROG, "--iterations", v, 1, 100000); break;
        case OPT_FFT: o->fft = cli_int(PROG, "--fft", v, 64, 16384); break;
        case OPT_LATENCY: o->latency = cli_int(PROG, "--latency", v, 2, 16384); break;
        case OPT_HOP: o->hop = cli_int(PROG, "--hop", v, 1, 8192); break;
        case OPT_BETA: o->beta = cli_float(PROG, "--beta", v, 0.0, 2.0); break;
        case OPT_SEED: o->seed = (uint64_t)cli_int(PROG, "--seed", v, 0, 2147483647); break;
        case OPT_NAME: o->name = v; break;
        case OPT_SILENCE_DB: o->silence_db = cli_float(PROG, "--silence-db", v, 0.0, 200.0); break;
        case OPT_TRANSPOSE:
            o->transpose = strcmp(v, "auto") == 0 ? CAMSEP_SOUNDCHECK_TRANSPOSE_AUTO
                                                  : cli_int(PROG, "--transpose", v, 0, CAMSEP_SOUNDCHECK_MAX_TRANSPOSE);
            break;
        case OPT_VIDEO: o->video = v; break;
        case OPT_BOX: parse_box(o, v); break;
        case OPT_CAMERA_LATENCY: o->camera_latency = cli_float(PROG, "--camera-latency", v, -10.0, 10.0); break;
        case OPT_PLAYING: o->sc.playing = (float)cli_float(PROG, "--playing", v, 0.01, 1.0); break;
        case OPT_RESTING: o->sc.resting = (float)cli_float(PROG, "--resting", v, 0.0, 0.99); break;
        case OPT_MIN_ALONE: o->sc.min_alone_s = cli_float(PROG, "--min-alone", v, 0.0, 3600.0); break;
        case OPT_JOINT_ITERATIONS:
            o->sc.joint_iterations = cli_int(PROG, "--joint-iterations", v, 0, 100000);
            break;
        case OPT_QUIET: o->quiet = 1; break;
        }
    }
    for (int i = first; i < argc; i++)
        o->inputs[o->n_inputs++] = argv[i];
    if (!o->output)
        cli_usage_fail(PROG, "no output file: give -o OUT.dict (see --help)");
    if (!o->n_inputs)
        cli_usage_fail(PROG, "no solo recording given (see --help)");
    if (o->video) {
        if (!o->n_boxes)
            cli_usage_fail(PROG, "--video needs a --box per player");
        if (o->n_inputs != 1)
            cli_usage_fail(PROG, "--video learns from one sound-check recording; %d given", o->n_inputs);
        if (o->name)
            cli_usage_fail(PROG, "--name does not apply to --video: name the boxes (--box NAME=X,Y,W,H)");
        if (o->sc.resting >= o->sc.playing)
            cli_usage_fail(PROG, "--resting %g must be below --playing %g", o->sc.resting, o->sc.playing);
        if (o->transpose != TRANSPOSE_NOT_GIVEN)
            o->sc.transpose = o->transpose;
    } else if (o->n_boxes) {
        cli_usage_fail(PROG, "--box needs --video");
    } else if (o->transpose == CAMSEP_SOUNDCHECK_TRANSPOSE_AUTO) {
        cli_usage_fail(PROG, "--transpose auto needs --video: it chooses by the sound check's together part");
    }
    if (o->transpose < 0)
        o->transpose = 0;
    cli_window(PROG, &o->fft, &o->latency, &o->hop);
    if (strlen(o->name ? o->name : "") >= CAMSEP_DICT_NAME_LEN)
        cli_usage_fail(PROG, "--name is longer than %d bytes", CAMSEP_DICT_NAME_LEN - 1);
    for (const char *c = o->name ? o->name : ""; *c; c++)
        if ((unsigned char)*c < 0x20)
            cli_usage_fail(PROG, "--name has a control character");
}

/* Magnitude frames of every input, loud enough to learn from, concatenated. */
static float *load_frames(const train_options *o, double *rate, size_t *n_frames)
{
    const int bins = o->fft / 2 + 1;
    float *all = NULL;
    size_t total = 0;
    char err[512];
    *rate = 0.0;
    for (int i = 0; i < o->n_inputs; i++) {
        audio_buffer a;
        if (audio_read_mono(o->inputs[i], &a, err, sizeof err))
            cli_fail(PROG, "%s", err);
        if (*rate && a.sample_rate != *rate)
            cli_fail(PROG, "%s: sample rate %g Hz differs from the first file's %g Hz", o->inputs[i],
                     a.sample_rate, *rate);
        *rate = a.sample_rate;
        size_t frames;
        float *mag = camsep_stft_magnitudes(a.samples, a.frames, o->fft, o->latency / 2, o->hop, &frames);
        audio_buffer_free(&a);
        if (!mag)
            cli_fail(PROG, "out of memory");
        float *grown = realloc(all, sizeof(float) * (total + frames + 1) * (size_t)bins);
        if (!grown)
            cli_fail(PROG, "out of memory");
        all = grown;
        memcpy(all + total * (size_t)bins, mag, sizeof(float) * frames * (size_t)bins);
        total += frames;
        free(mag);
    }
    /* Drop frames far below the loudest: silence teaches nothing but noise. */
    double loudest = 0.0;
    for (size_t n = 0; n < total; n++) {
        double e = 0.0;
        for (int f = 0; f < bins; f++)
            e += (double)all[n * bins + f] * all[n * bins + f];
        loudest = e > loudest ? e : loudest;
    }
    const double floor = loudest * pow(10.0, -o->silence_db / 10.0);
    size_t kept = 0;
    for (size_t n = 0; n < total; n++) {
        double e = 0.0;
        for (int f = 0; f < bins; f++)
            e += (double)all[n * bins + f] * all[n * bins + f];
        if (e > floor && e > 0.0)
            memmove(all + kept++ * bins, all + n * bins, sizeof(float) * (size_t)bins);
    }
    if (o->transpose && kept) { /* nothing kept: main() says so */
        float *grown = realloc(all, sizeof(float) * kept * (size_t)(1 + 2 * o->transpose) * (size_t)bins);
        if (!grown)
            cli_fail(PROG, "out of memory");
        all = grown;
        kept = camsep_spectra_augment(all, kept, bins, o->transpose);
    }
    *n_frames = kept;
    return all;
}

typedef struct progress_bar {
    int enabled;
    time_t start;
} progress_bar;

static void show_progress(void *ctx, int done, int total)
{
    progress_bar *p = ctx;
    if (!p->enabled)
        return;
    const int width = 40;
    int filled = (int)((long)done * width / total);
    double elapsed = difftime(time(NULL), p->start);
    double eta = done ? elapsed * (total - done) / done : 0.0;
    fprintf(stderr, "\r[%.*s%*s] %3d%%  iteration %d/%d  eta %.0f s ", filled,
            "########################################", width - filled, "", done * 100 / total, done, total,
            eta);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

/* The file's base name without extension; bytes outside printable ASCII
 * become '_' so that any file name gives a valid (UTF-8) dictionary name. */
static void default_name(const char *path, char *name, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(name, len, "%s", base);
    char *dot = strrchr(name, '.');
    if (dot && dot != name)
        *dot = '\0';
    for (char *c = name; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
            *c = '_';
}

static void remove_partial(char (*partial)[4096], int n)
{
    for (int j = 0; j < n; j++)
        unlink(partial[j]);
}

/* --video: one dictionary per box from a sound check, all written or none. */
static int train_soundcheck(train_options *o)
{
    char err[512];
    audio_buffer a;
    if (audio_read_mono(o->inputs[0], &a, err, sizeof err))
        cli_fail(PROG, "%s", err);
    soundcheck_frames at = {.hop = o->hop, .fall = o->latency / 2, .sample_rate = a.sample_rate};
    float *V = camsep_stft_magnitudes(a.samples, a.frames, o->fft, at.fall, o->hop, &at.frames);
    audio_buffer_free(&a);
    if (!V)
        cli_fail(PROG, "out of memory");
    float *activity = soundcheck_video_activity(o->video, o->boxes, o->n_boxes, o->camera_latency, &at, err,
                                                sizeof err);
    if (!activity)
        cli_fail(PROG, "%s", err);
    camsep_dictionary *dicts[CAMSEP_SOUNDCHECK_MAX_PLAYERS];
    for (int j = 0; j < o->n_boxes; j++) {
        dicts[j] = camsep_dictionary_new(o->atoms, at.sample_rate, o->fft, o->box_names[j], err, sizeof err);
        if (!dicts[j])
            cli_fail(PROG, "%s", err);
        dicts[j]->hop = o->hop;
        dicts[j]->window_fall = at.fall;
    }
    o->sc.atoms = o->atoms;
    o->sc.iterations = o->iterations;
    o->sc.beta = (float)o->beta;
    o->sc.seed = o->seed;
    o->sc.silence_db = o->silence_db;
    const double frame_s = o->hop / at.sample_rate;
    camsep_soundcheck_material m[CAMSEP_SOUNDCHECK_MAX_PLAYERS];
    uint32_t *cls = malloc(sizeof(uint32_t) * (at.frames ? at.frames : 1));
    if (!cls || camsep_soundcheck_classify(V, activity, at.frames, o->fft / 2 + 1, o->n_boxes, frame_s, &o->sc,
                                           cls, m))
        cli_fail(PROG, "out of memory");
    free(cls);
    if (!o->quiet) {
        fprintf(stderr, "%s: %s, %.1f s of sound check; %s, %d players\n", PROG, o->inputs[0],
                at.frames * frame_s, o->video, o->n_boxes);
        for (int j = 0; j < o->n_boxes; j++)
            fprintf(stderr, "  %-16s %6.1f s alone  %6.1f s together\n", o->box_names[j], m[j].alone_s,
                    m[j].together_s);
    }
    progress_bar bar = {.enabled = !o->quiet && isatty(STDERR_FILENO), .start = time(NULL)};
    int bad = -1;
    camsep_soundcheck_material learned[CAMSEP_SOUNDCHECK_MAX_PLAYERS];
    int rc = camsep_soundcheck_learn(V, activity, at.frames, o->fft / 2 + 1, o->n_boxes, frame_s, &o->sc, dicts,
                                     learned, show_progress, &bar, NULL, &bad, err, sizeof err);
    free(V);
    free(activity);
    if (rc == CAMSEP_SOUNDCHECK_TOO_LITTLE)
        cli_fail(PROG, "%s: only %.1f s alone on the camera (%.1f s with others); need %.1f s: let %s play alone "
                 "longer (or lower --min-alone); nothing written",
                 o->box_names[bad], m[bad].alone_s, m[bad].together_s,
                 fmax(o->sc.min_alone_s, (o->atoms + 1) * frame_s), o->box_names[bad]);
    if (rc)
        cli_fail(PROG, "%s; nothing written", err);
    if (mkdir(o->output, 0777) && errno != EEXIST)
        cli_fail(PROG, "%s: %s; nothing written", o->output, strerror(errno));
    static char partial[CAMSEP_SOUNDCHECK_MAX_PLAYERS][4096], final[CAMSEP_SOUNDCHECK_MAX_PLAYERS][4096];
    for (int j = 0; j < o->n_boxes; j++) {
        snprintf(final[j], sizeof final[j], "%s/%s.dict", o->output, o->box_names[j]);
        snprintf(partial[j], sizeof partial[j], "%s/.%s.dict.partial", o->output, o->box_names[j]);
        if (camsep_dictionary_save(dicts[j], partial[j], err, sizeof err)) {
            remove_partial(partial, j + 1);
            cli_fail(PROG, "%s; nothing written", err);
        }
    }
    for (int j = 0; j < o->n_boxes; j++) {
        if (rename(partial[j], final[j])) {
            int e = errno;
            remove_partial(partial, o->n_boxes);
            cli_fail(PROG, "%s: %s", final[j], strerror(e));
        }
        if (!o->quiet)
            fprintf(stderr, "%s: wrote %s (alone part moved up to %d semitones%s)\n", PROG, final[j],
                    learned[j].transpose,
                    learned[j].chosen                                     ? ", chosen by the together part"
                    : o->sc.transpose == CAMSEP_SOUNDCHECK_TRANSPOSE_AUTO ? "; too little together to choose"
                                                                          : "");
        camsep_dictionary_free(dicts[j]);
    }
    free(o->inputs);
    return 0;
}

int main(int argc, char **argv)
{
    train_options o;
    parse(argc, argv, &o);
    if (o.video)
        return train_soundcheck(&o);
    double rate;
    size_t frames;
    float *V = load_frames(&o, &rate, &frames);
    if (frames < (size_t)o.atoms)
        cli_fail(PROG, "only %zu non-silent frames in the input; need at least as many as atoms (%d)", frames,
                 o.atoms);
    char fallback[CAMSEP_DICT_NAME_LEN], err[512];
    default_name(o.inputs[0], fallback, sizeof fallback);
    const char *name = o.name ? o.name : fallback;
    camsep_dictionary *d = camsep_dictionary_new(o.atoms, rate, o.fft, name, err, sizeof err);
    if (!d)
        cli_fail(PROG, "%s", err);
    d->hop = o.hop;
    d->window_fall = o.latency / 2;
    d->beta = (float)o.beta;
    progress_bar bar = {.enabled = !o.quiet && isatty(STDERR_FILENO), .start = time(NULL)};
    if (!o.quiet)
        fprintf(stderr, "%s: %zu frames of %d bins at %g Hz (window %d, latency %d), %d atoms, %d iterations\n",
                PROG, frames, o.fft / 2 + 1, rate, o.fft, o.latency, o.atoms, o.iterations);
    if (nmf_train(V, frames, d->n_bins, o.atoms, o.iterations, (float)o.beta, o.seed, d->atoms, show_progress,
                  &bar))
        cli_fail(PROG, "out of memory");
    free(V);
    camsep_dictionary_normalise(d);
    if (camsep_dictionary_sort_atoms(d))
        cli_fail(PROG, "out of memory");
    if (camsep_dictionary_save(d, o.output, err, sizeof err))
        cli_fail(PROG, "%s", err);
    if (!o.quiet)
        fprintf(stderr, "%s: wrote %s (%s, %d atoms)\n", PROG, o.output, d->name, o.atoms);
    camsep_dictionary_free(d);
    free(o.inputs);
    return 0;
}
