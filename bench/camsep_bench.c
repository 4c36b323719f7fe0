/* SPDX-License-Identifier: GPL-3.0-or-later */
/* camsep-bench: speed and memory of the engine, with the machine's measured
 * fused-multiply-add peak and a plain-C reference solver as baselines run in
 * the same process. Prints figures; asserts nothing. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "camsep_engine.h"
#include "cli_options.h"
#include "dictset.h"
#include "nmf.h"
#include "nmf_kernels.h"

typedef float vec8 __attribute__((vector_size(32)));

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Peak single-precision FMA rate of one core: 12 independent 8-wide chains,
 * enough to cover the FMA latency on current x86 cores. */
#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
#endif
static double fma_peak_gflops(void)
{
    vec8 a[12];
    const vec8 m = (vec8){0} + 0.999999f, c = (vec8){0} + 1e-7f;
    for (int i = 0; i < 12; i++)
        a[i] = (vec8){0} + (float)i;
    const long reps = 20000000;
    double t0 = now_s();
    for (long r = 0; r < reps; r++)
        for (int i = 0; i < 12; i++)
            a[i] = a[i] * m + c;
    double t = now_s() - t0;
    volatile float sink = 0.0f;
    for (int i = 0; i < 12; i++)
        sink += a[i][0];
    (void)sink;
    return 2.0 * 8.0 * 12.0 * (double)reps / t / 1e9;
}

static uint64_t rng_state = 88172645463325252ull;
static float uniform(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (float)((rng_state >> 40) * (1.0 / 16777216.0));
}

static camsep_dictionary *random_dictionary(int atoms, double rate, int fft, int latency)
{
    char err[256];
    camsep_dictionary *d = camsep_dictionary_new(atoms, rate, fft, "random", err, sizeof err);
    if (!d) {
        fprintf(stderr, "camsep-bench: %s\n", err);
        exit(1);
    }
    d->window_fall = latency / 2;
    for (size_t i = 0; i < (size_t)atoms * d->n_bins; i++)
        d->atoms[i] = uniform() * uniform();
    camsep_dictionary_normalise(d);
    return d;
}

typedef struct result {
    double frame_us, core_share, kernel_gflops, reference_gflops;
} result;

/* Plain C, one loop per product: what the kernels are measured against. */
static void reference_solve(const camsep_dictset *s, const float *v, float *h, int iterations, float *y, float *r)
{
    const int F = s->bands, K = s->n_atoms;
    for (int it = 0; it < iterations; it++) {
        for (int f = 0; f < F; f++) {
            float acc = 1e-12f;
            for (int k = 0; k < K; k++)
                acc += s->wb_by_bin[(size_t)f * s->atoms_padded + k] * h[k];
            y[f] = acc;
            r[f] = v[f] / acc;
        }
        for (int k = 0; k < K; k++) {
            float acc = 0.0f;
            for (int f = 0; f < F; f++)
                acc += s->wb_by_atom[(size_t)k * s->bands_padded + f] * r[f];
            h[k] *= acc;
        }
    }
}

/* One analysis configuration: window K, latency L, hop R, NMF band width. */
typedef struct window_cfg {
    int fft, latency, hop;
    float bands;
} window_cfg;

static result run_config(int sources, int atoms, window_cfg win, int iterations, double rate, double seconds)
{
    const int fft = win.fft;
    camsep_config cfg;
    camsep_config_default(&cfg, rate);
    cfg.fft_size = win.fft;
    cfg.latency = win.latency;
    cfg.hop = win.hop;
    cfg.nmf_band_width = win.bands;
    cfg.max_sources = sources;
    cfg.max_atoms = sources * atoms;
    char err[256];
    camsep_engine *e = camsep_engine_create(&cfg, err, sizeof err);
    camsep_dictionary *d[CAMSEP_MAX_SOURCES];
    for (int j = 0; j < sources; j++)
        d[j] = random_dictionary(atoms, rate, fft, win.latency);
    camsep_dictset *s = camsep_dictset_create(e, (const camsep_dictionary *const *)d, sources, NULL, err, sizeof err);
    camsep_params p;
    camsep_params_default(&p);
    p.iterations = iterations;
    if (!e || !s || camsep_engine_post_dictset(e, s) || camsep_engine_post_params(e, &p)) {
        fprintf(stderr, "camsep-bench: set-up failed: %s\n", err);
        exit(1);
    }
    const size_t n = (size_t)(seconds * rate), block = 256;
    float *x = malloc(sizeof(float) * n), *outs[CAMSEP_MAX_SOURCES] = {0};
    for (size_t i = 0; i < n; i++)
        x[i] = 0.1f * (float)(sin(i * 0.031) + sin(i * 0.0117) + (uniform() - 0.5f));
    for (int j = 0; j < sources; j++)
        outs[j] = malloc(sizeof(float) * block);
    /* one warm-up second, then the measured run */
    for (size_t pos = 0; pos + block <= (size_t)rate; pos += block)
        camsep_engine_process(e, x + pos, outs, (uint32_t)block);
    int64_t f0 = camsep_engine_frames(e);
    double t0 = now_s();
    for (size_t pos = 0; pos + block <= n; pos += block)
        camsep_engine_process(e, x + pos, outs, (uint32_t)block);
    double t = now_s() - t0;
    int64_t frames = camsep_engine_frames(e) - f0;
    result res = {.frame_us = t / (double)frames * 1e6, .core_share = t / ((double)n / rate)};

    /* The NMF kernel alone, and the plain-C reference, on the same frames. */
    const camsep_dictset *ds = s;
    const int FP = ds->bins_padded, KP = ds->atoms_padded;
    float *buf = aligned_alloc(64, sizeof(float) * (size_t)(4 * FP + 4 * KP));
    memset(buf, 0, sizeof(float) * (size_t)(4 * FP + 4 * KP));
    float *v = buf, *h = buf + FP;
    nmf_work w = {buf + FP + KP, buf + 2 * FP + KP, buf + 3 * FP + KP, buf + 4 * FP + KP, buf + 4 * FP + 2 * KP};
    for (int f = 0; f < ds->bands; f++)
        v[f] = uniform();
    const int reps = 300;
    double flops = (double)reps * iterations * 4.0 * ds->bands * ds->n_atoms;
    t0 = now_s();
    for (int r = 0; r < reps; r++) {
        for (int k = 0; k < ds->n_atoms; k++)
            h[k] = 1.0f;
        nmf_solve_frame(ds, v, h, iterations, 1.0f, NULL, &w);
    }
    res.kernel_gflops = flops / (now_s() - t0) / 1e9;
    t0 = now_s();
    for (int r = 0; r < reps; r++) {
        for (int k = 0; k < ds->n_atoms; k++)
            h[k] = 1.0f;
        reference_solve(ds, v, h, iterations, w.y, w.ratio);
    }
    res.reference_gflops = flops / (now_s() - t0) / 1e9;

    free(buf);
    free(x);
    for (int j = 0; j < sources; j++) {
        free(outs[j]);
        camsep_dictionary_free(d[j]);
    }
    camsep_engine_free(e);
    return res;
}

static void memory_report(void)
{
    camsep_config cfg;
    camsep_config_default(&cfg, 48000.0);
    cfg.fft_size = 2048;
    cfg.latency = 1024;
    cfg.hop = 256;
    cfg.max_sources = 4;
    cfg.max_atoms = 4 * 32;
    char err[256];
    camsep_engine *e = camsep_engine_create(&cfg, err, sizeof err);
    camsep_dictionary *d[4];
    for (int j = 0; j < 4; j++)
        d[j] = random_dictionary(32, 48000.0, 2048, 1024);
    camsep_dictset *s = camsep_dictset_create(e, (const camsep_dictionary *const *)d, 4, NULL, err, sizeof err);
    size_t eb = camsep_engine_allocated_bytes(e), sb = camsep_dictset_bytes(s);
    printf("memory, 4 players x 32 atoms, K=2048 L=1024 R=256, 48 kHz: engine %zu bytes + dictionary set %zu bytes = %.2f MiB "
           "(target <= 16 MiB)\n",
           eb, sb, (double)(eb + sb) / 1048576.0);
    camsep_dictset_free(s);
    for (int j = 0; j < 4; j++)
        camsep_dictionary_free(d[j]);
    camsep_engine_free(e);
}

enum { OPT_QUICK = CLI_ID_BASE };

static const cli_option OPTIONS[] = {
    {"quick", 0, NULL, "32 atoms and 10 iterations only (about a tenth of the time)", OPT_QUICK, 0},
};

static const cli_program PROGRAM = {
    .name = "camsep-bench",
    .purpose = "measure the speed and memory of the camsep engine",
    .synopsis = "[--quick]",
    .description =
        "Per-frame time, share of one core and NMF kernel GFLOP/s for 2/4 players, 16/32/64 atoms each, windows "
        "K/L/R (analysis window, latency, hop) and NMF band width from the symmetric 1024/1024/256 at full "
        "resolution (the engine before the window pair) to the pairs 2048/1024, 2048/512 and 2048/256, and "
        "5/10/20 iterations at 48 kHz, against the core's measured FMA peak and a plain-C solver run in the same "
        "process; then the memory of one instance.\n\n"
        "It prints figures and asserts nothing; run it on an otherwise idle machine.",
    .options = OPTIONS,
    .n_options = CLI_COUNT(OPTIONS),
    .examples = "  camsep-bench --quick",
    .see_also = "camsep-process(1), camsep-jack(1)",
};

int main(int argc, char **argv)
{
    int quick = 0, id, first;
    const char *v;
    cli_parser cp;
    cli_begin(&cp, &PROGRAM, argc, argv);
    while ((id = cli_next(&cp, &v, &first)) != CLI_DONE)
        if (id == OPT_QUICK)
            quick = 1;
    if (first < argc)
        cli_usage_fail(PROGRAM.name, "unexpected argument %s (see --help)", argv[first]);
    const double rate = 48000.0, seconds = quick ? 2.0 : 6.0;
    double peak = fma_peak_gflops();
    printf("NMF kernels: %s variant\n", nmf_kernel_variant());
    printf("single-precision FMA peak of this core, measured: %.1f GFLOP/s (12 chains of 8-wide FMA)\n", peak);
    printf("%3s %5s %22s %4s | %9s %9s %7s | %8s %7s %9s %7s\n", "J", "K_j", "K/L/R bands", "it", "frame us",
           "core %", "vs base", "GFLOP/s", "% peak", "plain-C", "speedup");
    const int Js[] = {2, 4}, Ks[] = {16, 32, 64}, Is[] = {5, 10, 20};
    /* The symmetric 1024 window at full resolution is the engine before the window pair. */
    const window_cfg Ws[] = {{1024, 1024, 256, 0.0f},    {2048, 1024, 256, 0.0f},    {2048, 1024, 256, 0.015f},
                             {2048, 1024, 128, 0.015f},  {2048, 1024, 512, 0.015f},  {2048, 512, 128, 0.015f},
                             {2048, 512, 256, 0.015f},   {2048, 256, 64, 0.015f}};
    const int n_w = (int)(sizeof Ws / sizeof Ws[0]);
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 3; b++)
            for (int i = 0; i < 3; i++) {
                if (quick && !(Ks[b] == 32 && Is[i] == 10))
                    continue;
                double base = 0.0; /* the symmetric 1024 window, measured in the same process */
                for (int c = 0; c < n_w; c++) {
                    result r = run_config(Js[a], Ks[b], Ws[c], Is[i], rate, seconds);
                    if (c == 0)
                        base = r.core_share;
                    char wname[32];
                    snprintf(wname, sizeof wname, "%d/%d/%d %.3g", Ws[c].fft, Ws[c].latency, Ws[c].hop,
                             (double)Ws[c].bands);
                    printf("%3d %5d %22s %4d | %9.1f %8.3f%% %6.2fx | %8.2f %6.1f%% %9.2f %6.1fx\n", Js[a], Ks[b],
                           wname, Is[i], r.frame_us, 100.0 * r.core_share, r.core_share / base, r.kernel_gflops,
                           100.0 * r.kernel_gflops / peak, r.reference_gflops, r.kernel_gflops / r.reference_gflops);
                }
            }
    memory_report();
    return 0;
}
