/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The NMF inner loops. Real-time safe; no allocation.
 *
 * Matrices are stored with the output dimension contiguous and padded to a
 * multiple of CAMSEP_SIMD floats, 64-byte aligned, so both W h and W^T r are
 * the same "accumulate rows scaled by x" kernel with register-blocked
 * accumulators: one load and one fused multiply-add per element.
 */
#ifndef CAMSEP_NMF_KERNELS_H
#define CAMSEP_NMF_KERNELS_H

#define CAMSEP_SIMD 8 /* floats per vector; strides and padded sizes are multiples */
#define CAMSEP_ALIGN 64

static inline int camsep_pad(int n)
{
    return (n + CAMSEP_SIMD - 1) / CAMSEP_SIMD * CAMSEP_SIMD;
}

/* y[c] = sum over r in [0, rows) of m[r * stride + c] * x[r], for c in [0, cols).
 * cols and stride are multiples of CAMSEP_SIMD; m and y 64-byte aligned. */
void nmf_rows_combine(const float *m, int rows, int stride, const float *x, float *y, int cols);

/* Elementwise pieces of the beta-divergence updates over n floats (multiple of
 * CAMSEP_SIMD): with y = W h + eps,
 *   kl:      ratio = v / y
 *   general: ratio = v * y^(beta-2), ypow = y^(beta-1) */
/* Which instruction-set variant the kernels run ("avx2+fma" or "baseline"). */
const char *nmf_kernel_variant(void);

void nmf_ratio_kl(const float *v, const float *y, float *ratio, int n);
void nmf_ratio_beta(const float *v, const float *y, float beta, float *ratio, float *ypow, int n);

/* Soft masks over n floats (a multiple of CAMSEP_SIMD; 32-byte aligned):
 * m = (m / y)^power, sum += m. Element-wise, so the vector variants give the
 * scalar results exactly. */
void nmf_mask_power(float *m, const float *y, float *sum, int n, float power);
/* Each of the sources' m = m / sum where sum > 0, else 1/sources; sum becomes
 * 1/sum where > 0, else 0. */
void nmf_mask_normalise(float *const *m, int sources, float *sum, int n);

#endif
