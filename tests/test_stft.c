/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STFT with the dual window pair: exact overlap-add reconstruction for
 * symmetric and asymmetric windows, and the engine's reported latency equals
 * the delay measured on its output with an impulse. */
#include <math.h>
#include <string.h>

#include "stft.h"
#include "test_support.h"

static void fill_noise(float *x, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        x[i] = (float)((seed >> 8) * (1.0 / 16777216.0) - 0.5);
    }
}

/* Analysis, identity, synthesis by hand: every sample covered by full frames
 * comes back to float precision. */
static void round_trip(int n, int latency, int hop)
{
    const size_t len = 20 * (size_t)n;
    float *x = alloc_signal(len), *y = alloc_signal(len + (size_t)n);
    fill_noise(x, len, 1);
    camsep_stft s;
    CHECK(camsep_stft_init(&s, n, latency / 2, hop) == 0);
    CHECK(camsep_stft_latency(&s) == latency);
    float complex *spec = calloc((size_t)s.bins, sizeof *spec);
    CHECK(spec);
    for (size_t start = 0; start + (size_t)n <= len; start += (size_t)hop) {
        camsep_stft_forward(&s, x + start, spec);
        /* the synthesis covers the frame's newest `latency` samples */
        camsep_stft_inverse_add(&s, spec, y + start + (size_t)(n - latency));
    }
    double worst = 0.0;
    for (size_t i = (size_t)n; i + 2 * (size_t)n < len; i++)
        worst = fmax(worst, fabs((double)y[i] - x[i]));
    CHECK_MSG(worst < 2e-6, "n=%d latency=%d hop=%d: reconstruction error %g", n, latency, hop, worst);
    free(spec);
    camsep_stft_destroy(&s);
    free(x);
    free(y);
}

/* With no dictionary the engine passes everything to stem 1: the output must be
 * the input delayed by exactly the reported latency. */
static void latency_matches(int n, int want, int hop)
{
    camsep_engine *e = make_engine_latency(48000.0, n, want, hop, NULL, 0, NULL);
    const int latency = camsep_engine_latency(e);
    CHECK_MSG(latency == want, "n=%d: reported latency %d, configured %d", n, latency, want);
    const size_t len = 12 * (size_t)n;
    float *x = alloc_signal(len);
    fill_noise(x, len, 7);
    x[3 * (size_t)n + 17] = 4.0f; /* an impulse to find */
    float **out = run_engine(e, x, len, 37, 1);
    size_t peak = 0;
    for (size_t i = 0; i < len + (size_t)latency; i++)
        if (fabsf(out[0][i]) > fabsf(out[0][peak]))
            peak = i;
    CHECK_MSG(peak == 3 * (size_t)n + 17 + (size_t)latency, "n=%d hop=%d: impulse at %zu, latency %d", n, hop,
              peak, latency);
    double worst = 0.0;
    for (size_t i = (size_t)n; i < len; i++)
        worst = fmax(worst, fabs((double)out[0][i + (size_t)latency] - x[i]));
    CHECK_MSG(worst < 2e-6, "n=%d hop=%d: delayed copy error %g", n, hop, worst);
    free_stems(out, 1);
    free(x);
    camsep_engine_free(e);
}

/* The analysis window rises over n - fall samples and falls over the last
 * fall: its peak is at n - fall, and the synthesis window is zero before the
 * last 2 * fall samples (the buffer holds only those). */
static void window_shape(int n, int fall)
{
    camsep_stft s;
    CHECK(camsep_stft_init(&s, n, fall, fall / 2 > 0 ? fall / 2 : 1) == 0);
    int peak = 0;
    for (int i = 0; i < n; i++)
        if (s.window[i] > s.window[peak])
            peak = i;
    CHECK_MSG(peak == n - fall, "n=%d fall=%d: analysis peak at %d", n, fall, peak);
    CHECK(fabsf(s.window[peak] - 1.0f) < 1e-6f);
    CHECK(s.window[0] == 0.0f && s.window[n - 1] > 0.0f);
    CHECK(s.span == 2 * fall);
    camsep_stft_destroy(&s);
}

static void invalid_pairs(void)
{
    camsep_stft s;
    char err[160];
    CHECK(camsep_stft_init(&s, 2048, 0, 256) == -1);
    CHECK(camsep_stft_init(&s, 2048, 1025, 256) == -1);   /* falls over more than half */
    CHECK(camsep_stft_init(&s, 2048, 256, 512) == -1);    /* hop beyond the fall */
    CHECK(camsep_stft_check(2048, 256, 512, err, sizeof err) == -1 && strstr(err, "hop"));
    CHECK(camsep_stft_check(2048, 512, 256, err, sizeof err) == 0);
}

int main(void)
{
    /* {analysis window K, latency L = 2M, hop R}: symmetric (L = K), the
     * asymmetric pairs the engine offers, odd hops and a tiny fall. */
    const int sizes[][3] = {{1024, 1024, 256}, {2048, 2048, 512}, {512, 512, 128}, {1024, 1024, 100},
                            {256, 256, 128},   {4096, 4096, 1024}, {2048, 1024, 256}, {2048, 1024, 512},
                            {2048, 512, 256},  {2048, 512, 128},   {2048, 256, 128},  {2048, 256, 64},
                            {4096, 1024, 512}, {1024, 512, 200},   {2048, 64, 32},    {1000, 600, 300}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        round_trip(sizes[i][0], sizes[i][1], sizes[i][2]);
        latency_matches(sizes[i][0], sizes[i][1], sizes[i][2]);
    }
    window_shape(2048, 512);
    window_shape(2048, 1024);
    window_shape(1024, 128);
    invalid_pairs();
    printf("stft: round trip and latency ok\n");
    return 0;
}
