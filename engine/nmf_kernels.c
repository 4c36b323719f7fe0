/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "nmf_kernels.h"

#include <math.h>
#include <stddef.h>

typedef float vec8 __attribute__((vector_size(32)));

/* Each kernel is compiled twice: for the baseline instruction set and for
 * AVX2 + FMA; the variant is chosen at run time from what the CPU reports
 * (features, not a CPU model, so AMD and Intel alike get the fast path). */
#define KERNEL(name) name##_baseline
#define KERNEL_TARGET
#include "nmf_kernels_body.h"
#undef KERNEL
#undef KERNEL_TARGET

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CAMSEP_HAVE_AVX2_VARIANT 1
#define KERNEL(name) name##_avx2
#define KERNEL_TARGET __attribute__((target("avx2,fma")))
#include "nmf_kernels_body.h"
#undef KERNEL
#undef KERNEL_TARGET

static int use_avx2(void)
{
    static int cached = -1; /* a benign race: every thread computes the same value */
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return cached;
}
#endif

const char *nmf_kernel_variant(void)
{
#ifdef CAMSEP_HAVE_AVX2_VARIANT
    if (use_avx2())
        return "avx2+fma";
#endif
    return "baseline";
}

void nmf_rows_combine(const float *m, int rows, int stride, const float *x, float *y, int cols)
{
#ifdef CAMSEP_HAVE_AVX2_VARIANT
    if (use_avx2()) {
        rows_combine_avx2(m, rows, stride, x, y, cols);
        return;
    }
#endif
    rows_combine_baseline(m, rows, stride, x, y, cols);
}

void nmf_ratio_kl(const float *v, const float *y, float *ratio, int n)
{
#ifdef CAMSEP_HAVE_AVX2_VARIANT
    if (use_avx2()) {
        ratio_kl_avx2(v, y, ratio, n);
        return;
    }
#endif
    ratio_kl_baseline(v, y, ratio, n);
}

void nmf_mask_power(float *m, const float *y, float *sum, int n, float power)
{
    if (power == 2.0f || power == 1.0f) {
#ifdef CAMSEP_HAVE_AVX2_VARIANT
        if (use_avx2()) {
            mask_power_avx2(m, y, sum, n, power == 2.0f);
            return;
        }
#endif
        mask_power_baseline(m, y, sum, n, power == 2.0f);
        return;
    }
    for (int i = 0; i < n; i++) {
        m[i] = powf(m[i] / y[i], power);
        sum[i] += m[i];
    }
}

void nmf_mask_normalise(float *const *m, int sources, float *sum, int n)
{
    const float even = 1.0f / (float)sources;
#ifdef CAMSEP_HAVE_AVX2_VARIANT
    if (use_avx2()) {
        mask_normalise_avx2(NULL, sum, even, n, 1);
        for (int j = 0; j < sources; j++)
            mask_normalise_avx2(m[j], sum, even, n, 0);
        return;
    }
#endif
    mask_normalise_baseline(NULL, sum, even, n, 1);
    for (int j = 0; j < sources; j++)
        mask_normalise_baseline(m[j], sum, even, n, 0);
}

void nmf_ratio_beta(const float *v, const float *y, float beta, float *ratio, float *ypow, int n)
{
    if (beta == 2.0f) {
        for (int i = 0; i < n; i++) {
            ratio[i] = v[i];
            ypow[i] = y[i];
        }
    } else if (beta == 0.0f) {
        for (int i = 0; i < n; i++) {
            float inv = 1.0f / y[i];
            ratio[i] = v[i] * inv * inv;
            ypow[i] = inv;
        }
    } else {
        for (int i = 0; i < n; i++) {
            float p = powf(y[i], beta - 2.0f);
            ratio[i] = v[i] * p;
            ypow[i] = p * y[i];
        }
    }
}
