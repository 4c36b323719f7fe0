/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-plot: a PNG picture of a separation run.
 *
 * Panels, top to bottom, on one time axis: the mixture's spectrogram
 * (log frequency, dBFS), one soft-mask image per stem (|STFT(stem)| /
 * |STFT(mix)| clipped to [0, 1]) and, given the per-frame report of
 * `camsep-process --report`, each source's share of the activations with its
 * activity prior dashed.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_options.h"
#include "plot_audio.h"
#include "plot_layout.h"
#include "plot_render.h"
#include "plot_report.h"
#include "plot_spec.h"

#define PROGRAM "camsep-plot"

enum {
    MAX_STEMS = 64,
    EXIT_RUNTIME = 1,
    EXIT_USAGE = 2,
    ERR_LEN = 512,
    NAME_LEN = 128
};

typedef struct options {
    const char *mix_path;
    const char *stem_paths[MAX_STEMS];
    int n_stems;
    const char *report_path;
    const char *names;
    const char *title;
    const char *output;
    const char *layout_path;
    int fft, hop, width, height;
    double db_range;
} options;

/* What the picture needs: the audio only as spectra reduced to pixel columns. */
typedef struct inputs {
    int sample_rate;
    plot_columns mix;
    plot_columns stems[MAX_STEMS];
    plot_report report;
    int has_report;
    char names[MAX_STEMS][NAME_LEN];
} inputs;

enum { OPT_REPORT = CLI_ID_BASE, OPT_NAMES, OPT_TITLE, OPT_FFT, OPT_HOP, OPT_WIDTH, OPT_HEIGHT, OPT_DB_RANGE, OPT_LAYOUT };

static const cli_option OPTIONS[] = {
    {"input", 'i', "FILE", "the mixture (any format libsndfile reads; averaged to mono)", 0, 0},
    {"stem", 's', "FILE", "a separated stem, time-aligned with the mix (repeat per stem)", 0, 0},
    {"output", 'o', "FILE", "the PNG to write", 0, 0},
    {"report", 0, "FILE", "per-frame CSV from camsep-process --report", OPT_REPORT, 0},
    {"names", 0, "LIST", "comma-separated stem names (default: the stem file names)", OPT_NAMES, 0},
    {"title", 0, "TEXT", "title line (default: from the mix file name)", OPT_TITLE, 0},
    {"fft", 0, "N", "FFT size in samples, even, 16..262144 (default 2048)", OPT_FFT, 0},
    {"hop", 0, "R", "hop in samples, at most N (default 512)", OPT_HOP, 0},
    {"width", 0, "W", "image width in pixels, 100..32000 (default 1600)", OPT_WIDTH, 0},
    {"height", 0, "H", "image height in pixels, 100..32000 (default: from the panels)", OPT_HEIGHT, 0},
    {"db-range", 0, "D", "dynamic range of the spectrogram in dB, 10..200 (default 80)", OPT_DB_RANGE, 0},
    {"layout", 0, "FILE", "also write the panel rectangles and axis mappings as key=value lines (for tests and scripts)",
     OPT_LAYOUT, 0},
};

static const cli_program PROGRAM_TEXT = {
    .name = PROGRAM,
    .purpose = "draw a separation run as a PNG picture",
    .synopsis = "-i MIX.wav -s STEM.wav [-s STEM.wav ...] -o PLOT.png [options]",
    .description = "Draws a separation run as a PNG: the mixture's spectrogram (log frequency, dBFS), one mask per "
                   "stem (|STFT(stem)| / |STFT(mix)|, clipped to [0, 1]) and, with --report, each source's share of "
                   "the NMF activations with its activity prior (dashed), all on one time axis.",
    .options = OPTIONS,
    .n_options = CLI_COUNT(OPTIONS),
    .notes = "Time-frequency cells where the mix is below the shown range draw grey in the masks ('quiet'): a "
             "mask means nothing where there is no signal.",
    .examples = "The stems and report of a camsep-process run:\n\n"
                "  camsep-plot -i mix.wav -s stems/stem1.wav -s stems/stem2.wav \\\n"
                "              --report stems/report.csv --names violin,cello -o plot.png",
    .see_also = "camsep-process(1)",
};

static void fail(const char *message)
{
    fprintf(stderr, PROGRAM ": %s\n", message);
}

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, PROGRAM ": %s%s%s (see --help)\n", what, arg ? ": " : "", arg ? arg : "");
    return -1;
}

static int parse_int(const char *text, int lo, int hi, int *value)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0' || v < lo || v > hi)
        return -1;
    *value = (int)v;
    return 0;
}

static int parse_double(const char *text, double lo, double hi, double *value)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end != '\0' || !(v >= lo && v <= hi))
        return -1;
    *value = v;
    return 0;
}

static int set_numeric_option(int id, const char *value, options *o)
{
    int ok;
    const char *name;
    switch (id) {
    case OPT_FFT: name = "--fft", ok = parse_int(value, 16, 1 << 18, &o->fft) == 0 && o->fft % 2 == 0; break;
    case OPT_HOP: name = "--hop", ok = parse_int(value, 1, 1 << 18, &o->hop) == 0; break;
    case OPT_WIDTH: name = "--width", ok = parse_int(value, 100, 32000, &o->width) == 0; break;
    case OPT_HEIGHT: name = "--height", ok = parse_int(value, 100, 32000, &o->height) == 0; break;
    default: name = "--db-range", ok = parse_double(value, 10.0, 200.0, &o->db_range) == 0; break;
    }
    return ok ? 0 : usage_error("bad value for option", name);
}

static int take_option(int id, const char *v, options *o)
{
    switch (id) {
    case 'i': o->mix_path = v; break;
    case 's':
        if (o->n_stems == MAX_STEMS)
            return usage_error("too many stems", NULL);
        o->stem_paths[o->n_stems++] = v;
        break;
    case 'o': o->output = v; break;
    case OPT_REPORT: o->report_path = v; break;
    case OPT_NAMES: o->names = v; break;
    case OPT_TITLE: o->title = v; break;
    case OPT_LAYOUT: o->layout_path = v; break;
    default: return set_numeric_option(id, v, o);
    }
    return 0;
}

/* 0 to run, -1 on a usage error (--help and --version exit in cli_next). */
static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->fft = 2048;
    o->hop = 512;
    o->width = 1600;
    o->db_range = 80.0;
    cli_parser cp;
    cli_begin(&cp, &PROGRAM_TEXT, argc, argv);
    const char *v;
    int id, first;
    while ((id = cli_next(&cp, &v, &first)) != CLI_DONE)
        if (take_option(id, v, o) != 0) {
            cli_end(&cp);
            return -1;
        }
    if (first < argc)
        return usage_error("unexpected argument", argv[first]);
    if (!o->mix_path)
        return usage_error("no mixture given (-i MIX.wav)", NULL);
    if (o->n_stems == 0)
        return usage_error("no stems given (-s STEM.wav, once per stem)", NULL);
    if (!o->output)
        return usage_error("no output given (-o PLOT.png)", NULL);
    if (o->hop > o->fft)
        return usage_error("--hop must not exceed --fft", NULL);
    return 0;
}

/* "dir/violin.take2.wav" -> "violin.take2" */
static void name_from_path(const char *path, char *name, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(name, len, "%s", base);
    char *dot = strrchr(name, '.');
    if (dot && dot != name)
        *dot = '\0';
}

static char *trim_in_place(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
        *--end = '\0';
    return s;
}

static int make_names(const options *o, inputs *in, char *err, size_t err_len)
{
    if (!o->names) {
        for (int j = 0; j < o->n_stems; j++)
            name_from_path(o->stem_paths[j], in->names[j], NAME_LEN);
        return 0;
    }
    char list[MAX_STEMS * NAME_LEN];
    snprintf(list, sizeof list, "%s", o->names);
    int count = 0;
    char *cursor = list;
    for (char *comma = cursor; comma; cursor = comma + 1) {
        comma = strchr(cursor, ',');
        if (comma)
            *comma = '\0';
        if (count < MAX_STEMS)
            snprintf(in->names[count], NAME_LEN, "%.*s", NAME_LEN - 1, trim_in_place(cursor));
        count++;
    }
    if (count != o->n_stems) {
        snprintf(err, err_len, "--names lists %d name%s for %d stem%s", count,
                 count == 1 ? "" : "s", o->n_stems, o->n_stems == 1 ? "" : "s");
        return -1;
    }
    return 0;
}

/* Finds unreadable stems and mismatched rates before any heavy work. */
static int check_stems(const options *o, int mix_rate, char *err, size_t err_len)
{
    for (int j = 0; j < o->n_stems; j++) {
        int rate;
        if (plot_audio_probe(o->stem_paths[j], &rate, err, err_len) != 0)
            return -1;
        if (rate != mix_rate) {
            snprintf(err, err_len, "stem '%s' has sample rate %d Hz but the mix '%s' has %d Hz",
                     o->stem_paths[j], rate, o->mix_path, mix_rate);
            return -1;
        }
    }
    return 0;
}

static int load_report(const options *o, inputs *in, char *err, size_t err_len)
{
    if (!o->report_path)
        return 0;
    if (plot_report_load(o->report_path, &in->report, err, err_len) != 0)
        return -1;
    in->has_report = 1;
    if (in->report.n_sources != o->n_stems) {
        snprintf(err, err_len, "report '%s' has %d source%s but %d stem%s given",
                 o->report_path, in->report.n_sources, in->report.n_sources == 1 ? "" : "s",
                 o->n_stems, o->n_stems == 1 ? " was" : "s were");
        return -1;
    }
    return 0;
}

/* Everything but the audio itself, which is read one file at a time later. */
static int check_inputs(const options *o, inputs *in, char *err, size_t err_len)
{
    if (make_names(o, in, err, err_len) != 0 || load_report(o, in, err, err_len) != 0)
        return -1;
    int mix_rate;
    if (plot_audio_probe(o->mix_path, &mix_rate, err, err_len) != 0)
        return -1;
    return check_stems(o, mix_rate, err, err_len);
}

static void free_inputs(inputs *in, int n_stems)
{
    plot_columns_free(&in->mix);
    for (int j = 0; j < n_stems; j++)
        plot_columns_free(&in->stems[j]);
    plot_report_free(&in->report);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void describe_run(const options *o, const inputs *in, double seconds, char *title,
                         size_t title_len, char *subtitle, size_t subtitle_len)
{
    if (o->title)
        snprintf(title, title_len, "%s", o->title);
    else
        snprintf(title, title_len, "camsep separation of %s", base_name(o->mix_path));
    int n = snprintf(subtitle, subtitle_len,
                     "%s  \xc2\xb7  %d Hz  \xc2\xb7  %.2f s  \xc2\xb7  display FFT %d, hop %d  \xc2\xb7  "
                     "%d stem%s",
                     base_name(o->mix_path), in->sample_rate, seconds, o->fft, o->hop,
                     o->n_stems, o->n_stems == 1 ? "" : "s");
    if (in->has_report && n > 0 && (size_t)n < subtitle_len)
        snprintf(subtitle + n, subtitle_len - (size_t)n, "  \xc2\xb7  report %s (%zu frames)",
                 base_name(o->report_path), in->report.n_rows);
}

static int write_layout(const options *o, const plot_layout *layout, const inputs *in,
                        char *err, size_t err_len)
{
    if (!o->layout_path)
        return 0;
    FILE *out = fopen(o->layout_path, "w");
    if (!out) {
        snprintf(err, err_len, "cannot write layout '%s': %s", o->layout_path, strerror(errno));
        return -1;
    }
    const char *names[MAX_STEMS];
    for (int j = 0; j < layout->n_stems; j++)
        names[j] = in->names[j];
    plot_layout_write(layout, names, out);
    if (fclose(out) != 0) {
        snprintf(err, err_len, "cannot write layout '%s'", o->layout_path);
        return -1;
    }
    return 0;
}

/* Reads one stem, reduces it to pixel columns, and lets its samples go. */
static int stem_columns(const options *o, int j, const plot_layout *layout, inputs *in,
                        char *err, size_t err_len)
{
    plot_audio stem;
    if (plot_audio_load(o->stem_paths[j], &stem, err, err_len) != 0)
        return -1;
    int rc = plot_columns_compute(&stem, o->fft, o->hop, layout->spectrogram.w, layout->t_max,
                                  &in->stems[j], err, err_len);
    plot_audio_free(&stem);
    return rc;
}

/* Reads the mix, sets the axes that depend on it, and reduces it to columns. */
static int mix_columns(const options *o, plot_layout *layout, inputs *in, char *err,
                       size_t err_len)
{
    plot_audio mix;
    if (plot_audio_load(o->mix_path, &mix, err, err_len) != 0)
        return -1;
    in->sample_rate = mix.sample_rate;
    layout->t_max = (double)mix.n_samples / mix.sample_rate;
    layout->f_max = mix.sample_rate / 2.0;
    layout->f_min = fmin(30.0, layout->f_max / 100.0);
    int rc = plot_columns_compute(&mix, o->fft, o->hop, layout->spectrogram.w, layout->t_max,
                                  &in->mix, err, err_len);
    plot_audio_free(&mix);
    return rc;
}

static int draw(const options *o, const inputs *in, const plot_layout *layout, char *err,
                size_t err_len)
{
    char title[512], subtitle[1024];
    const char *names[MAX_STEMS];
    for (int j = 0; j < o->n_stems; j++)
        names[j] = in->names[j];
    describe_run(o, in, layout->t_max, title, sizeof title, subtitle, sizeof subtitle);
    plot_scene scene = { title, subtitle, &in->mix, in->stems, names,
                         in->has_report ? &in->report : NULL,
                         o->fft, in->sample_rate, o->db_range };
    return plot_render_png(layout, &scene, o->output, err, err_len);
}

static int run(const options *o, inputs *in, char *err, size_t err_len)
{
    if (check_inputs(o, in, err, err_len) != 0)
        return -1;
    plot_layout layout;
    if (plot_layout_compute(&layout, o->width, o->height, o->n_stems, in->has_report, err,
                            err_len) != 0)
        return -1;
    int rc = mix_columns(o, &layout, in, err, err_len);
    for (int j = 0; rc == 0 && j < o->n_stems; j++)
        rc = stem_columns(o, j, &layout, in, err, err_len);
    if (rc == 0)
        rc = draw(o, in, &layout, err, err_len);
    if (rc == 0)
        rc = write_layout(o, &layout, in, err, err_len);
    plot_layout_free(&layout);
    return rc;
}

int main(int argc, char **argv)
{
    options opts;
    if (parse_args(argc, argv, &opts) != 0)
        return EXIT_USAGE;
    static inputs in;
    char err[ERR_LEN] = "";
    int rc = run(&opts, &in, err, sizeof err);
    free_inputs(&in, opts.n_stems);
    if (rc != 0) {
        fail(err);
        return EXIT_RUNTIME;
    }
    return EXIT_SUCCESS;
}
