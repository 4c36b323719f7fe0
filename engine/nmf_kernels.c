#include "nmf_kernels.h"

#include <math.h>

typedef float vec8 __attribute__((vector_size(32)));

/* One build runs everywhere: an AVX2+FMA clone on CPUs that have it, the
 * baseline clone elsewhere (dispatched once by the dynamic loader). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CAMSEP_HOT __attribute__((target_clones("arch=haswell", "default")))
#else
#define CAMSEP_HOT
#endif

CAMSEP_HOT
void nmf_rows_combine(const float *m, int rows, int stride, const float *x, float *y, int cols)
{
    int c = 0;
    for (; c + 32 <= cols; c += 32) {
        vec8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
        const float *p = m + c;
        for (int r = 0; r < rows; r++, p += stride) {
            const vec8 *row = (const vec8 *)p;
            vec8 s = (vec8){0} + x[r];
            a0 += row[0] * s;
            a1 += row[1] * s;
            a2 += row[2] * s;
            a3 += row[3] * s;
        }
        vec8 *out = (vec8 *)(y + c);
        out[0] = a0;
        out[1] = a1;
        out[2] = a2;
        out[3] = a3;
    }
    for (; c < cols; c += 8) {
        vec8 a0 = {0};
        const float *p = m + c;
        for (int r = 0; r < rows; r++, p += stride)
            a0 += *(const vec8 *)p * ((vec8){0} + x[r]);
        *(vec8 *)(y + c) = a0;
    }
}

CAMSEP_HOT
void nmf_ratio_kl(const float *v, const float *y, float *ratio, int n)
{
    for (int i = 0; i < n; i++)
        ratio[i] = v[i] / y[i];
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
