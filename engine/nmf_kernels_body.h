/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Body of the NMF kernels, included by nmf_kernels.c once per instruction set
 * with KERNEL(name) naming the variant and KERNEL_TARGET its target attribute. */

KERNEL_TARGET
static void KERNEL(rows_combine)(const float *m, int rows, int stride, const float *x, float *y, int cols)
{
    int c = 0;
    /* 8 vectors of accumulators: enough independent FMA chains to hide latency. */
    for (; c + 64 <= cols; c += 64) {
        vec8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, a4 = {0}, a5 = {0}, a6 = {0}, a7 = {0};
        const float *p = m + c;
        for (int r = 0; r < rows; r++, p += stride) {
            const vec8 *row = (const vec8 *)p;
            const vec8 s = (vec8){0} + x[r];
            a0 += row[0] * s;
            a1 += row[1] * s;
            a2 += row[2] * s;
            a3 += row[3] * s;
            a4 += row[4] * s;
            a5 += row[5] * s;
            a6 += row[6] * s;
            a7 += row[7] * s;
        }
        vec8 *out = (vec8 *)(y + c);
        out[0] = a0; out[1] = a1; out[2] = a2; out[3] = a3;
        out[4] = a4; out[5] = a5; out[6] = a6; out[7] = a7;
    }
    for (; c + 32 <= cols; c += 32) {
        vec8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
        const float *p = m + c;
        for (int r = 0; r < rows; r++, p += stride) {
            const vec8 *row = (const vec8 *)p;
            const vec8 s = (vec8){0} + x[r];
            a0 += row[0] * s;
            a1 += row[1] * s;
            a2 += row[2] * s;
            a3 += row[3] * s;
        }
        vec8 *out = (vec8 *)(y + c);
        out[0] = a0; out[1] = a1; out[2] = a2; out[3] = a3;
    }
    for (; c < cols; c += 8) {
        vec8 a0 = {0}, a1 = {0};
        const float *p = m + c;
        int r = 0;
        for (; r + 2 <= rows; r += 2, p += 2 * stride) {
            a0 += *(const vec8 *)p * ((vec8){0} + x[r]);
            a1 += *(const vec8 *)(p + stride) * ((vec8){0} + x[r + 1]);
        }
        if (r < rows)
            a0 += *(const vec8 *)p * ((vec8){0} + x[r]);
        *(vec8 *)(y + c) = a0 + a1;
    }
}

KERNEL_TARGET
static void KERNEL(ratio_kl)(const float *v, const float *y, float *ratio, int n)
{
    for (int i = 0; i < n; i += 8)
        *(vec8 *)(ratio + i) = *(const vec8 *)(v + i) / *(const vec8 *)(y + i);
}

KERNEL_TARGET
static void KERNEL(mask_power)(float *m, const float *y, float *sum, int n, int square)
{
    for (int i = 0; i < n; i += 8) {
        vec8 r = *(const vec8 *)(m + i) / *(const vec8 *)(y + i);
        if (square)
            r = r * r;
        *(vec8 *)(m + i) = r;
        *(vec8 *)(sum + i) += r;
    }
}

KERNEL_TARGET
static void KERNEL(mask_normalise)(float *m, float *sum, float even, int n, int invert)
{
    typedef int ivec8 __attribute__((vector_size(32)));
    const vec8 zero = {0}, one = zero + 1.0f, ev = zero + even;
    for (int i = 0; i < n; i += 8) {
        vec8 *s = (vec8 *)(sum + i);
        if (invert) {
            const ivec8 pos = *s > zero;
            *s = (vec8)((ivec8)(one / *s) & pos);
            continue;
        }
        const ivec8 keep = *s > zero;
        const vec8 scaled = *(vec8 *)(m + i) * *s;
        *(vec8 *)(m + i) = (vec8)(((ivec8)scaled & keep) | ((ivec8)ev & ~keep));
    }
}
