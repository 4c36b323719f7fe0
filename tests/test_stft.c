/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STFT: exact overlap-add reconstruction, and the engine's reported latency
 * equals the delay measured on its output. */
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
static void round_trip(int n, int hop)
{
    const size_t len = 20 * (size_t)n;
    float *x = alloc_signal(len), *y = alloc_signal(len + (size_t)n);
    fill_noise(x, len, 1);
    camsep_stft s;
    CHECK(camsep_stft_init(&s, n, hop) == 0);
    float complex *spec = calloc((size_t)s.bins, sizeof *spec);
    CHECK(spec);
    for (size_t start = 0; start + (size_t)n <= len; start += (size_t)hop) {
        camsep_stft_forward(&s, x + start, spec);
        camsep_stft_inverse_add(&s, spec, y + start);
    }
    double worst = 0.0;
    for (size_t i = (size_t)n; i + 2 * (size_t)n < len; i++)
        worst = fmax(worst, fabs((double)y[i] - x[i]));
    CHECK_MSG(worst < 2e-6, "n=%d hop=%d: reconstruction error %g", n, hop, worst);
    free(spec);
    camsep_stft_destroy(&s);
    free(x);
    free(y);
}

/* With no dictionary the engine passes everything to stem 1: the output must be
 * the input delayed by exactly the reported latency. */
static void latency_matches(int n, int hop)
{
    camsep_engine *e = make_engine(48000.0, n, hop, NULL, 0, NULL);
    const int latency = camsep_engine_latency(e);
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

int main(void)
{
    const int sizes[][2] = {{1024, 256}, {2048, 512}, {512, 128}, {1024, 100}, {256, 128}, {4096, 1024}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        round_trip(sizes[i][0], sizes[i][1]);
        latency_matches(sizes[i][0], sizes[i][1]);
    }
    printf("stft: round trip and latency ok\n");
    return 0;
}
