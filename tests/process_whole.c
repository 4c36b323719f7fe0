/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The whole-file reference for test_process_stream.sh: camsep-process as it
 * was before it streamed (commit 969c873): the mix read whole, run through
 * the engine into whole-length stem buffers, the stems written at the end.
 * Usage: process_whole MIX.wav OUTDIR BLOCK FFT PRIORS.csv|- DICT...
 * (the default latency and hop for FFT; priors as camsep-process --priors).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio_file.h"
#include "camsep_engine.h"
#include "cli.h"
#include "cli_window.h"
#include "priors_csv.h"

static const char *const PROG = "process_whole";

int main(int argc, char **argv)
{
    if (argc < 7)
        cli_fail(PROG, "usage: process_whole MIX.wav OUTDIR BLOCK FFT PRIORS.csv|- DICT...");
    char err[512];
    const int block = cli_int(PROG, "BLOCK", argv[3], 1, 1 << 20), n_dicts = argc - 6;
    int fft = cli_int(PROG, "FFT", argv[4], 64, 16384), latency = 0, hop = 0;
    cli_window(PROG, &fft, &latency, &hop);
    if (n_dicts > CAMSEP_MAX_SOURCES)
        cli_fail(PROG, "too many dictionaries");
    audio_buffer mix;
    if (audio_read_mono(argv[1], &mix, err, sizeof err))
        cli_fail(PROG, "%s", err);
    camsep_dictionary *dicts[CAMSEP_MAX_SOURCES];
    int atoms = 0;
    for (int j = 0; j < n_dicts; j++) {
        if (!(dicts[j] = camsep_dictionary_load(argv[6 + j], err, sizeof err)))
            cli_fail(PROG, "%s", err);
        atoms += dicts[j]->n_atoms;
    }
    camsep_config cfg;
    camsep_config_default(&cfg, mix.sample_rate);
    cfg.fft_size = fft;
    cfg.latency = latency;
    cfg.hop = hop;
    cfg.max_sources = n_dicts;
    cfg.max_atoms = atoms;
    camsep_params params;
    camsep_params_default(&params);
    params.activity_strength = 1.0f;
    camsep_engine *e = camsep_engine_create(&cfg, err, sizeof err);
    camsep_dictset *set = e ? camsep_dictset_create(e, (const camsep_dictionary *const *)dicts, n_dicts, NULL, err,
                                                    sizeof err)
                            : NULL;
    if (!set || camsep_engine_post_dictset(e, set) || camsep_engine_post_params(e, &params))
        cli_fail(PROG, "%s", err);
    priors_table table = {0};
    const int with_priors = strcmp(argv[5], "-") != 0;
    if (with_priors && priors_csv_read(argv[5], n_dicts, &table, err, sizeof err))
        cli_fail(PROG, "%s", err);
    size_t next_prior = 0;

    const size_t lat = (size_t)camsep_engine_latency(e), total = mix.frames + lat;
    float *stem[CAMSEP_MAX_SOURCES], *in = calloc((size_t)block, sizeof(float));
    for (int j = 0; j < n_dicts; j++)
        if (!(stem[j] = calloc(total + 1, sizeof(float))))
            cli_fail(PROG, "out of memory");
    for (size_t pos = 0; pos < total; pos += (size_t)block) {
        const size_t n = total - pos < (size_t)block ? total - pos : (size_t)block;
        for (size_t i = 0; i < n; i++)
            in[i] = pos + i < mix.frames ? mix.samples[pos + i] : 0.0f;
        float *outs[CAMSEP_MAX_SOURCES] = {0};
        for (int j = 0; j < n_dicts; j++)
            outs[j] = stem[j] + pos;
        while (with_priors && next_prior < table.rows) { /* as camsep-process hands them over */
            camsep_prior pr;
            memset(&pr, 0, sizeof pr);
            pr.time = (int64_t)llround(table.time[next_prior] * mix.sample_rate);
            if (pr.time > (int64_t)(pos + n) + cfg.fft_size)
                break;
            pr.n_sources = n_dicts;
            for (int j = 0; j < n_dicts; j++)
                pr.activity[j] = pr.motion[j][0] = table.value[next_prior * (size_t)n_dicts + j];
            if (camsep_engine_push_prior(e, &pr))
                break;
            next_prior++;
        }
        camsep_engine_process(e, in, outs, (uint32_t)n);
        camsep_frame_report r;
        while (camsep_engine_read_report(e, &r) == 0)
            ;
    }
    for (int j = 0; j < n_dicts; j++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/stem%d.wav", argv[2], j + 1);
        if (audio_write_mono(path, stem[j] + lat, mix.frames, mix.sample_rate, err, sizeof err))
            cli_fail(PROG, "%s", err);
        free(stem[j]);
        camsep_dictionary_free(dicts[j]);
    }
    free(in);
    priors_table_free(&table);
    camsep_engine_free(e);
    audio_buffer_free(&mix);
    return 0;
}
