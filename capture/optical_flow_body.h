/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Body of the optical-flow frame pipeline, included by optical_flow.c once per
 * instruction set with KERNEL(name) naming the variant and KERNEL_TARGET its
 * target attribute (the engine's nmf_kernels.c pattern). Everything a frame
 * runs is here, so that the whole pipeline is compiled for the wider vectors. */

/* Vector helpers as macros: passing 32-byte vectors by value to functions
 * compiled without AVX would change the calling convention. */
#ifndef LOAD8
#define LOAD8(dst, p) memcpy(&(dst), (p), sizeof(vec8))
#define STORE8(p, src) memcpy((p), &(src), sizeof(vec8))
#define HSUM8(v) ((((v)[0] + (v)[4]) + ((v)[1] + (v)[5])) + (((v)[2] + (v)[6]) + ((v)[3] + (v)[7])))
/* a = max(a, b), elementwise, with a and b vectors (lvalues) */
#define VMAX_INPLACE(a, b) \
    do { \
        vec8i m_ = (a) > (b); \
        (a) = (vec8)(((vec8i)(a) & m_) | ((vec8i)(b) & ~m_)); \
    } while (0)
#define VABS_INPLACE(a) ((a) = (vec8)((vec8i)(a) & 0x7fffffff))
/* x clamped to [lo, hi]; NaN gives lo. Plain comparisons compile to min/max
 * instructions, where fminf/fmaxf are library calls without -ffast-math. */
#define CLAMPF(x, lo, hi) ((x) > (lo) ? ((x) < (hi) ? (x) : (hi)) : (lo))
#endif

/* One row of the tent filter's horizontal taps (downscale). */
KERNEL_TARGET
static inline void KERNEL(tent_row)(const float *restrict mid, int scale, int taps, const float *restrict tap,
                                    float *restrict out, int w)
{
    const int half = scale / 2;
    for (int x = 0; x < w; x++) {
        const float *p = mid + x * scale - half;
        float s = 0.0f;
        for (int k = 0; k < taps; k++)
            s += tap[k] * p[k];
        out[x] = s;
    }
}

/* Downscale by `scale` with a separable tent filter two blocks wide (2 x
 * scale taps per axis, borders replicated). A plain block average would fold
 * fine texture back as aliases that do not move with the picture, a flow
 * error under sub-pixel motion; the tent suppresses them far better.
 * vrow holds width + 2 * scale floats; tap holds 2 * scale weights. */
KERNEL_TARGET
static void KERNEL(downscale)(const uint8_t *restrict src, int sstride, int in_w, int in_h, int scale,
                              float *restrict dst, int dstride, int w, int h, float *restrict vrow,
                              const float *restrict tap)
{
    const int taps = 2 * scale, half = scale / 2;
    float *restrict mid = vrow + scale;
    for (int y = 0; y < h; y++) {
        float *out = dst + (size_t)y * dstride;
        if (scale == 1) {
            const uint8_t *row = src + (size_t)y * sstride;
            for (int x = 0; x < w; x++)
                out[x] = (float)row[x];
            continue;
        }
        /* vertical taps: input rows y*scale - half ... y*scale - half + taps - 1 */
        const int r0 = y * scale - half;
        for (int k = 0; k < taps; k++) {
            int r = r0 + k;
            r = r < 0 ? 0 : (r >= in_h ? in_h - 1 : r);
            const uint8_t *row = src + (size_t)r * sstride;
            const float wk = tap[k];
            if (k == 0)
                for (int x = 0; x < in_w; x++)
                    mid[x] = wk * (float)row[x];
            else
                for (int x = 0; x < in_w; x++)
                    mid[x] += wk * (float)row[x];
        }
        for (int k = 1; k <= scale; k++) {
            mid[-k] = mid[0];
            mid[in_w - 1 + k] = mid[in_w - 1];
        }
        /* horizontal taps (a constant count for the usual half size: unrolled) */
        if (scale == 2)
            KERNEL(tent_row)(mid, 2, 4, tap, out, w);
        else
            KERNEL(tent_row)(mid, scale, taps, tap, out, w);
    }
}

/* 1 where any of a block's `scale` clipping flags is set (clipped). */
KERNEL_TARGET
static inline void KERNEL(any_of_block)(const uint8_t *restrict flags, int scale, float *restrict out, int w)
{
    for (int x = 0; x < w; x++) {
        int any = 0;
        for (int k = 0; k < scale; k++)
            any |= flags[x * scale + k];
        out[x] = (float)any;
    }
}

/* Clipped pixels (at the sensor's limits: overexposed highlights, crushed
 * blacks) per working pixel: 1 if any input pixel of its block is clipped. */
KERNEL_TARGET
static void KERNEL(clipped)(const uint8_t *restrict src, int sstride, int scale, float *restrict clip, int s, int w,
                            int h, uint8_t *restrict flags)
{
    const int n = w * scale;
    for (int y = 0; y < h; y++) {
        const uint8_t *row = src + (size_t)y * scale * sstride;
        for (int x = 0; x < n; x++)
            flags[x] = (uint8_t)((row[x] <= CLIP_LO) | (row[x] >= CLIP_HI));
        for (int k = 1; k < scale; k++) {
            const uint8_t *r = row + (size_t)k * sstride;
            for (int x = 0; x < n; x++)
                flags[x] |= (uint8_t)((r[x] <= CLIP_LO) | (r[x] >= CLIP_HI));
        }
        float *out = clip + (size_t)y * s;
        if (scale == 2)
            KERNEL(any_of_block)(flags, 2, out, w);
        else
            KERNEL(any_of_block)(flags, scale, out, w);
    }
}

/* The clipping of the next pyramid level: any of the 2x2 below. */
KERNEL_TARGET
static void KERNEL(clip_half)(const float *restrict src, int sstride, float *restrict dst, int dstride, int w, int h)
{
    for (int y = 0; y < h; y++) {
        const float *a = src + (size_t)(2 * y) * sstride, *b = a + sstride;
        float *out = dst + (size_t)y * dstride;
        for (int x = 0; x < w; x++) {
            float m0 = a[2 * x] > a[2 * x + 1] ? a[2 * x] : a[2 * x + 1];
            float m1 = b[2 * x] > b[2 * x + 1] ? b[2 * x] : b[2 * x + 1];
            out[x] = m0 > m1 ? m0 : m1;
        }
    }
}

/* 2x2 average: the next pyramid level. */
KERNEL_TARGET
static void KERNEL(half)(const float *restrict src, int sstride, float *restrict dst, int dstride, int w, int h)
{
    for (int y = 0; y < h; y++) {
        const float *a = src + (size_t)(2 * y) * sstride, *b = a + sstride;
        float *out = dst + (size_t)y * dstride;
        for (int x = 0; x < w; x++)
            out[x] = 0.25f * ((a[2 * x] + a[2 * x + 1]) + (b[2 * x] + b[2 * x + 1]));
    }
}

/* Sum over the (2r+1)^2 window around every pixel, borders replicated.
 * row holds w + 2r + 8 floats. */
KERNEL_TARGET
static void KERNEL(box_sum)(const float *restrict src, int sstride, float *restrict dst, int dstride, int w, int h,
                            int r, float *restrict row)
{
    for (int y = 0; y < h; y++) {
        float *restrict mid = row + r;
        int y0 = y - r < 0 ? 0 : y - r;
        const float *s0 = src + (size_t)y0 * sstride;
        for (int x = 0; x < w; x++)
            mid[x] = s0[x];
        for (int k = -r + 1; k <= r; k++) {
            int yy = y + k;
            yy = yy < 0 ? 0 : (yy >= h ? h - 1 : yy);
            const float *s = src + (size_t)yy * sstride;
            for (int x = 0; x < w; x++)
                mid[x] += s[x];
        }
        for (int k = 0; k < r; k++) {
            row[k] = mid[0];
            mid[w + k] = mid[w - 1];
        }
        float *restrict out = dst + (size_t)y * dstride;
        for (int x = 0; x < w; x++)
            out[x] = row[x];
        for (int k = 1; k <= 2 * r; k++)
            for (int x = 0; x < w; x++)
                out[x] += row[x + k];
    }
}

/* The LK window: a box of radius r applied twice (a triangle of radius 2r),
 * whose spectrum is non-negative: with a plain box, the dense update
 * (each pixel corrected by a window average of its neighbours' errors)
 * amplifies the frequencies where the box's response is negative. src is
 * overwritten. */
KERNEL_TARGET
static void KERNEL(window_sum)(float *restrict src, float *restrict dst, int s, int w, int h, int r,
                               float *restrict row)
{
    KERNEL(box_sum)(src, s, dst, s, w, h, r, row);
    KERNEL(box_sum)(dst, s, src, s, w, h, r, row);
    for (int y = 0; y < h; y++)
        memcpy(dst + (size_t)y * s, src + (size_t)y * s, (size_t)w * sizeof(float));
}

/* Local contrast normalisation of one level into the padded image j. */
KERNEL_TARGET
static void KERNEL(normalise)(const camsep_flow *f, const flow_level *L, float *restrict j)
{
    const int w = L->w, h = L->h, s = L->s, r = f->cfg.lcn_radius;
    float *restrict sq = f->t[0], *restrict m1 = f->t[1], *restrict m2 = f->t[2];
    for (int y = 0; y < h; y++) {
        const float *in = L->raw + (size_t)y * s;
        float *o = sq + (size_t)y * s;
        for (int x = 0; x < w; x++)
            o[x] = in[x] * in[x];
    }
    KERNEL(box_sum)(L->raw, s, m1, s, w, h, r, f->row);
    KERNEL(box_sum)(sq, s, m2, s, w, h, r, f->row);
    const float inv_n = 1.0f / (float)((2 * r + 1) * (2 * r + 1));
    double total = 0.0;
    for (int y = 0; y < h; y++) {
        float *a = m1 + (size_t)y * s, *b = m2 + (size_t)y * s;
        vec8 acc = {0};
        int x = 0;
        for (; x + 8 <= w; x += 8) {
            vec8 mean, var, zero = {0};
            LOAD8(mean, a + x);
            LOAD8(var, b + x);
            mean *= inv_n;
            var = var * inv_n - mean * mean;
            VMAX_INPLACE(var, zero);
            memcpy(a + x, &mean, sizeof mean);
            memcpy(b + x, &var, sizeof var);
            acc += var;
        }
        float tail = 0.0f;
        for (; x < w; x++) {
            float mean = a[x] * inv_n, var = b[x] * inv_n - mean * mean;
            var = var < 0.0f ? 0.0f : var;
            a[x] = mean;
            b[x] = var;
            tail += var;
        }
        total += (double)(HSUM8(acc) + tail);
    }
    const float mean_var = (float)(total / ((double)w * h));
    const float eps2 = f->cfg.lcn_relative * f->cfg.lcn_relative * mean_var +
                       f->cfg.lcn_absolute * f->cfg.lcn_absolute;
    /* normalise, with a [1 2 1] / 4 smoothing across then down: the flow's
     * central differences and bilinear samples are then accurate */
    float *restrict nrm = f->t[0];
    for (int y = 0; y < h; y++) {
        const float *in = L->raw + (size_t)y * s, *a = m1 + (size_t)y * s, *b = m2 + (size_t)y * s;
        float *o = m2 + (size_t)y * s;
        for (int x = 0; x < w; x++)
            o[x] = (in[x] - a[x]) / sqrtf(b[x] + eps2);
        float *row = f->row + 1;
        for (int x = 0; x < w; x++)
            row[x] = o[x];
        row[-1] = row[0];
        row[w] = row[w - 1];
        float *t = nrm + (size_t)y * s;
        for (int x = 0; x < w; x++)
            t[x] = 0.25f * (row[x - 1] + row[x + 1]) + 0.5f * row[x];
    }
    for (int y = 0; y < h; y++) {
        const float *c = nrm + (size_t)y * s, *up = y > 0 ? c - s : c, *dn = y < h - 1 ? c + s : c;
        float *o = j + (size_t)y * L->js;
        for (int x = 0; x < w; x++)
            o[x] = 0.25f * (up[x] + dn[x]) + 0.5f * c[x];
    }
    /* replicate the borders into the padding */
    for (int y = 0; y < h; y++) {
        float *o = j + (size_t)y * L->js;
        for (int k = 1; k <= FLOW_PAD; k++) {
            o[-k] = o[0];
            o[w - 1 + k] = o[w - 1];
        }
    }
    const size_t rowlen = (size_t)(w + 2 * FLOW_PAD) * sizeof(float);
    for (int k = 1; k <= FLOW_PAD; k++) {
        memcpy(j - (size_t)k * L->js - FLOW_PAD, j - FLOW_PAD, rowlen);
        memcpy(j + (size_t)(h - 1 + k) * L->js - FLOW_PAD, j + (size_t)(h - 1) * L->js - FLOW_PAD, rowlen);
    }
}

/* Validity of one level: 0 within reach of a clipped pixel, where the
 * normalisation window (and its smoothing) sees values that do not follow
 * the light; such pixels bring no evidence to the flow. */
KERNEL_TARGET
static void KERNEL(validity)(const camsep_flow *f, const flow_level *L, float *restrict valid)
{
    const int w = L->w, h = L->h, s = L->s;
    float *restrict near = f->t[0];
    KERNEL(box_sum)(L->clip, s, near, s, w, h, 1, f->row);
    for (int y = 0; y < h; y++) {
        const float *a = near + (size_t)y * s;
        float *o = valid + (size_t)y * s;
        for (int x = 0; x < w; x++)
            o[x] = a[x] < 0.5f ? 1.0f : 0.0f;
    }
}

/* Template data of a frame for the next one: gradients and, for LK, the
 * inverse of the regularised structure tensor summed over the window. */
KERNEL_TARGET
static void KERNEL(prepare_template)(const camsep_flow *f, flow_level *L, const float *restrict j)
{
    const int w = L->w, h = L->h, s = L->s, js = L->js;
    for (int y = 0; y < h; y++) {
        const float *c = j + (size_t)y * js, *up = c - js, *dn = c + js;
        float *gx = L->ix + (size_t)y * s, *gy = L->iy + (size_t)y * s;
        for (int x = 0; x < w; x++) {
            gx[x] = 0.5f * (c[x + 1] - c[x - 1]);
            gy[x] = 0.5f * (dn[x] - up[x]);
        }
    }
    if (f->cfg.method != CAMSEP_FLOW_LK)
        return;
    float *restrict xx = f->t[0], *restrict xy = f->t[1], *restrict yy = f->t[2];
    for (int y = 0; y < h; y++) {
        const float *gx = L->ix + (size_t)y * s, *gy = L->iy + (size_t)y * s;
        float *a = xx + (size_t)y * s, *b = xy + (size_t)y * s, *c = yy + (size_t)y * s;
        for (int x = 0; x < w; x++) {
            a[x] = gx[x] * gx[x];
            b[x] = gx[x] * gy[x];
            c[x] = gy[x] * gy[x];
        }
    }
    const int r = f->cfg.window_radius;
    KERNEL(window_sum)(xx, L->g11, s, w, h, r, f->row);
    KERNEL(window_sum)(xy, L->g12, s, w, h, r, f->row);
    KERNEL(window_sum)(yy, L->g22, s, w, h, r, f->row);
    const float lambda = f->lambda;
    for (int y = 0; y < h; y++) {
        float *a = L->g11 + (size_t)y * s, *b = L->g12 + (size_t)y * s, *c = L->g22 + (size_t)y * s;
        for (int x = 0; x < w; x++) {
            float p = a[x] + lambda, q = b[x], t = c[x] + lambda;
            float inv = 1.0f / (p * t - q * q);
            a[x] = t * inv;
            b[x] = -q * inv;
            c[x] = p * inv;
        }
    }
}

/* Bilinear sample of a padded image at (x, y), clamped to the padding. */
KERNEL_TARGET
static inline float KERNEL(sample)(const float *j, int js, int w, int h, float x, float y)
{
    const float lo = (float)(1 - FLOW_PAD);
    const float hx = (float)(w + FLOW_PAD - 2), hy = (float)(h + FLOW_PAD - 2);
    x = CLAMPF(x, lo, hx);
    y = CLAMPF(y, lo, hy);
    int ix = (int)(x + FLOW_PAD) - FLOW_PAD, iy = (int)(y + FLOW_PAD) - FLOW_PAD;
    float fx = x - (float)ix, fy = y - (float)iy;
    const float *p = j + (ptrdiff_t)iy * js + ix;
    float top = p[0] + fx * (p[1] - p[0]);
    float bot = p[js] + fx * (p[js + 1] - p[js]);
    return top + fy * (bot - top);
}

/* Dense Lucas-Kanade at one level: u, v hold the starting flow (level pixels)
 * and receive the result. Each window pixel x' is warped by its own flow
 * u(x'), and its residual is carried to the window centre's flow u(x) to
 * first order: J1(x' + u(x)) ~ J1(x' + u(x')) + g(x').(u(x) - u(x')), with g
 * the template gradient. The update is then a closed form,
 *   u(x) <- (G + lambda)^-1 [ sum_w g (g.u(x') - It(x')) + lambda u(x) ],
 * a gradient-weighted average over the window: errors the window cannot see
 * (fine checkerboards) are averaged away instead of accumulating, and pixels
 * without texture keep the coarser level's estimate. va, vb: validity of the
 * template and of the current frame. */
KERNEL_TARGET
static void KERNEL(lk_level)(const camsep_flow *f, flow_level *L, const float *restrict j0, const float *restrict j1,
                             const float *restrict va, const float *restrict vb, int iterations)
{
    const int w = L->w, h = L->h, s = L->s, js = L->js, r = f->cfg.window_radius;
    float *restrict px = f->t[0], *restrict py = f->t[1], *restrict bx = f->t[2], *restrict by = f->t[3];
    const float lambda = f->lambda;
    for (int it = 0; it < iterations; it++) {
        for (int y = 0; y < h; y++) {
            const float *u = L->u + (size_t)y * s, *v = L->v + (size_t)y * s;
            const float *gx = L->ix + (size_t)y * s, *gy = L->iy + (size_t)y * s;
            const float *t = j0 + (size_t)y * js, *ok0 = va + (size_t)y * s, *ok1 = vb + (size_t)y * s;
            float *a = px + (size_t)y * s, *b = py + (size_t)y * s;
            for (int x = 0; x < w; x++) {
                /* an invalid pixel brings no residual: it only carries its own flow */
                float d = (KERNEL(sample)(j1, js, w, h, (float)x + u[x], (float)y + v[x]) - t[x]) * (ok0[x] * ok1[x]);
                float e = gx[x] * u[x] + gy[x] * v[x] - d;
                a[x] = gx[x] * e;
                b[x] = gy[x] * e;
            }
        }
        KERNEL(window_sum)(px, bx, s, w, h, r, f->row);
        KERNEL(window_sum)(py, by, s, w, h, r, f->row);
        for (int y = 0; y < h; y++) {
            float *u = L->u + (size_t)y * s, *v = L->v + (size_t)y * s;
            const float *a = L->g11 + (size_t)y * s, *b = L->g12 + (size_t)y * s, *c = L->g22 + (size_t)y * s;
            const float *p = bx + (size_t)y * s, *q = by + (size_t)y * s;
            for (int x = 0; x < w; x++) {
                float P = p[x] + lambda * u[x], Q = q[x] + lambda * v[x];
                u[x] = a[x] * P + b[x] * Q;
                v[x] = b[x] * P + c[x] * Q;
            }
        }
    }
}

/* DIS-style inverse search at one level: 8x8 patches every stride pixels,
 * Gauss-Newton on the zero-mean template gradients, then a dense field from
 * the overlapping patches weighted by their photometric error per pixel. */
KERNEL_TARGET
static void KERNEL(dis_level)(const camsep_flow *f, flow_level *L, const float *restrict j0, const float *restrict j1,
                              const float *restrict va, const float *restrict vb, int iterations, int stride)
{
    const int w = L->w, h = L->h, s = L->s, js = L->js;
    float *restrict su = f->t[0], *restrict sv = f->t[1], *restrict sw = f->t[2], *restrict both = f->t[3];
    for (int y = 0; y < h; y++) {
        memset(su + (size_t)y * s, 0, (size_t)w * sizeof(float));
        memset(sv + (size_t)y * s, 0, (size_t)w * sizeof(float));
        memset(sw + (size_t)y * s, 0, (size_t)w * sizeof(float));
        /* valid in both frames, once per pixel rather than per overlapping patch */
        const float *a = va + (size_t)y * s, *b = vb + (size_t)y * s;
        float *o = both + (size_t)y * s;
        for (int x = 0; x < w; x++)
            o[x] = a[x] * b[x];
    }
    const float lambda = f->cfg.regularisation * (float)(DIS_P * DIS_P);
    const float lo = (float)(1 - FLOW_PAD), hix = (float)(w + FLOW_PAD - DIS_P - 2),
                hiy = (float)(h + FLOW_PAD - DIS_P - 2);
    const int lastx = w - DIS_P, lasty = h - DIS_P;
    for (int y0 = 0;; y0 += stride) {
        if (y0 > lasty)
            y0 = lasty;
        for (int x0 = 0;; x0 += stride) {
            if (x0 > lastx)
                x0 = lastx;
            /* start from the dense field at the patch centre */
            const size_t ci = (size_t)(y0 + DIS_P / 2) * s + (size_t)(x0 + DIS_P / 2);
            float pu = L->u[ci], pv = L->v[ci];
            vec8 gx[DIS_P], gy[DIS_P], tp[DIS_P], ok[DIS_P];
            vec8 mx = {0}, my = {0};
            for (int k = 0; k < DIS_P; k++) {
                LOAD8(gx[k], L->ix + (size_t)(y0 + k) * s + x0);
                LOAD8(gy[k], L->iy + (size_t)(y0 + k) * s + x0);
                LOAD8(tp[k], j0 + (size_t)(y0 + k) * js + x0);
                LOAD8(ok[k], both + (size_t)(y0 + k) * s + x0);
                mx += gx[k];
                my += gy[k];
            }
            const float mgx = HSUM8(mx) / (float)(DIS_P * DIS_P), mgy = HSUM8(my) / (float)(DIS_P * DIS_P);
            vec8 hxx = {0}, hxy = {0}, hyy = {0};
            for (int k = 0; k < DIS_P; k++) {
                gx[k] -= mgx;
                gy[k] -= mgy;
                hxx += gx[k] * gx[k];
                hxy += gx[k] * gy[k];
                hyy += gy[k] * gy[k];
            }
            float a = HSUM8(hxx) + lambda, b = HSUM8(hxy), c = HSUM8(hyy) + lambda;
            float inv = 1.0f / (a * c - b * b);
            const float i11 = c * inv, i12 = -b * inv, i22 = a * inv;
            for (int it = 0; it < iterations; it++) {
                float sx = (float)x0 + pu, sy = (float)y0 + pv;
                sx = CLAMPF(sx, lo, hix);
                sy = CLAMPF(sy, lo, hiy);
                int ix = (int)(sx + FLOW_PAD) - FLOW_PAD, iy = (int)(sy + FLOW_PAD) - FLOW_PAD;
                float fx = sx - (float)ix, fy = sy - (float)iy;
                const float w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
                const float *p = j1 + (ptrdiff_t)iy * js + ix;
                vec8 bxv = {0}, byv = {0};
                vec8 top0, top1, bot0, bot1;
                LOAD8(top0, p);
                LOAD8(top1, p + 1);
                for (int k = 0; k < DIS_P; k++) {
                    const float *q = p + (ptrdiff_t)(k + 1) * js;
                    LOAD8(bot0, q);
                    LOAD8(bot1, q + 1);
                    vec8 d = (w00 * top0 + w01 * top1 + w10 * bot0 + w11 * bot1 - tp[k]) * ok[k];
                    bxv += gx[k] * d;
                    byv += gy[k] * d;
                    top0 = bot0;
                    top1 = bot1;
                }
                float bxs = HSUM8(bxv), bys = HSUM8(byv);
                float du = i11 * bxs + i12 * bys, dv = i12 * bxs + i22 * bys;
                pu -= du;
                pv -= dv;
                if (du * du + dv * dv < 1e-4f)
                    break;
            }
            /* densification: per pixel weight 1 / max(tau, |error|) */
            {
                float sx = (float)x0 + pu, sy = (float)y0 + pv;
                sx = CLAMPF(sx, lo, hix);
                sy = CLAMPF(sy, lo, hiy);
                pu = sx - (float)x0;
                pv = sy - (float)y0;
                int ix = (int)(sx + FLOW_PAD) - FLOW_PAD, iy = (int)(sy + FLOW_PAD) - FLOW_PAD;
                float fx = sx - (float)ix, fy = sy - (float)iy;
                const float w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
                const float *p = j1 + (ptrdiff_t)iy * js + ix;
                for (int k = 0; k < DIS_P; k++) {
                    const float *q = p + (ptrdiff_t)k * js;
                    vec8 a00, a01, a10, a11, tau = {0}, tu, tv, tw;
                    tau += DIS_TAU;
                    LOAD8(a00, q);
                    LOAD8(a01, q + 1);
                    LOAD8(a10, q + js);
                    LOAD8(a11, q + js + 1);
                    vec8 val = w00 * a00 + w01 * a01 + w10 * a10 + w11 * a11;
                    vec8 e = (val - tp[k]) * ok[k];
                    VABS_INPLACE(e);
                    VMAX_INPLACE(e, tau);
                    vec8 wt = 1.0f / e;
                    float *au = su + (size_t)(y0 + k) * s + x0, *av = sv + (size_t)(y0 + k) * s + x0,
                          *aw = sw + (size_t)(y0 + k) * s + x0;
                    LOAD8(tu, au);
                    LOAD8(tv, av);
                    LOAD8(tw, aw);
                    tu += wt * pu;
                    tv += wt * pv;
                    tw += wt;
                    memcpy(au, &tu, sizeof tu);
                    memcpy(av, &tv, sizeof tv);
                    memcpy(aw, &tw, sizeof tw);
                }
            }
            if (x0 == lastx)
                break;
        }
        if (y0 == lasty)
            break;
    }
    for (int y = 0; y < h; y++) {
        float *u = L->u + (size_t)y * s, *v = L->v + (size_t)y * s;
        const float *a = su + (size_t)y * s, *b = sv + (size_t)y * s, *c = sw + (size_t)y * s;
        for (int x = 0; x < w; x++) {
            u[x] = a[x] / c[x];
            v[x] = b[x] / c[x];
        }
    }
}

/* Twice the bilinear value between rows r0 and r1 (weight fy on r1) and
 * columns i0 and i1 (weight fx on i1): upsample's one sum. */
KERNEL_TARGET
static inline float KERNEL(doubled_lerp)(const float *r0, const float *r1, int i0, int i1, float fx, float fy)
{
    const float a = r0[i0] + fx * (r0[i1] - r0[i0]), b = r1[i0] + fx * (r1[i1] - r1[i0]);
    return 2.0f * (a + fy * (b - a));
}

/* Flow of a coarser level (wc x hc) to the next finer one, doubled. */
KERNEL_TARGET
static void KERNEL(upsample)(const flow_level *C, flow_level *F)
{
    const int w = F->w, h = F->h, wc = C->w, hc = C->h;
    for (int y = 0; y < h; y++) {
        float cy = 0.5f * (float)y - 0.25f;
        cy = CLAMPF(cy, 0.0f, (float)(hc - 1));
        int iy = (int)cy;
        if (iy > hc - 2)
            iy = hc - 2 < 0 ? 0 : hc - 2;
        float fy = cy - (float)iy;
        const int iy1 = hc > 1 ? iy + 1 : iy;
        const float *u0 = C->u + (size_t)iy * C->s, *u1 = C->u + (size_t)iy1 * C->s;
        const float *v0 = C->v + (size_t)iy * C->s, *v1 = C->v + (size_t)iy1 * C->s;
        float *uo = F->u + (size_t)y * F->s, *vo = F->v + (size_t)y * F->s;
        /* away from the borders pixel 2k takes 3/4 of coarse k - 1 and 1/4 of k,
         * pixel 2k + 1 the reverse with k + 1 (the clamped position below is
         * then exact): the same sums without the clamps, in a loop that
         * vectorises; the borders (pixels 0, 1 and from 2 inner + 2) clamped */
        const int inner = wc - 2 < (w - 2) / 2 ? wc - 2 : (w - 2) / 2;
        for (int k = 1; k <= inner; k++) {
            uo[2 * k] = KERNEL(doubled_lerp)(u0, u1, k - 1, k, 0.75f, fy);
            vo[2 * k] = KERNEL(doubled_lerp)(v0, v1, k - 1, k, 0.75f, fy);
            uo[2 * k + 1] = KERNEL(doubled_lerp)(u0, u1, k, k + 1, 0.25f, fy);
            vo[2 * k + 1] = KERNEL(doubled_lerp)(v0, v1, k, k + 1, 0.25f, fy);
        }
        for (int x = 0; x < w; x = x == 1 && inner >= 1 ? 2 * inner + 2 : x + 1) {
            float cx = 0.5f * (float)x - 0.25f;
            cx = CLAMPF(cx, 0.0f, (float)(wc - 1));
            int ix = (int)cx;
            if (ix > wc - 2)
                ix = wc - 2 < 0 ? 0 : wc - 2;
            const float fx = cx - (float)ix;
            const int ix1 = wc > 1 ? ix + 1 : ix;
            uo[x] = KERNEL(doubled_lerp)(u0, u1, ix, ix1, fx, fy);
            vo[x] = KERNEL(doubled_lerp)(v0, v1, ix, ix1, fx, fy);
        }
    }
}

/* One frame: pyramid, normalisation, flow against the previous frame, and
 * the template data for the next one. */
KERNEL_TARGET
static int KERNEL(run)(camsep_flow *f, const uint8_t *luma, int stride)
{
    flow_level *L = f->lev;
    const int n = f->nlev, cur = f->cur, prev = cur ^ 1;
    KERNEL(downscale)(luma, stride, f->in_w, f->in_h, f->scale, L[0].raw, L[0].s, L[0].w, L[0].h, f->vrow, f->tap);
    KERNEL(clipped)(luma, stride, f->scale, L[0].clip, L[0].s, L[0].w, L[0].h, f->flags);
    for (int l = 1; l < n; l++) {
        KERNEL(half)(L[l - 1].raw, L[l - 1].s, L[l].raw, L[l].s, L[l].w, L[l].h);
        KERNEL(clip_half)(L[l - 1].clip, L[l - 1].s, L[l].clip, L[l].s, L[l].w, L[l].h);
    }
    for (int l = 0; l < n; l++) {
        KERNEL(normalise)(f, &L[l], L[l].j[cur]);
        KERNEL(validity)(f, &L[l], L[l].valid[cur]);
    }
    int computed = 0;
    if (f->have_prev) {
        for (int l = n - 1; l >= 0; l--) {
            if (l == n - 1) {
                for (int y = 0; y < L[l].h; y++) {
                    memset(L[l].u + (size_t)y * L[l].s, 0, (size_t)L[l].w * sizeof(float));
                    memset(L[l].v + (size_t)y * L[l].s, 0, (size_t)L[l].w * sizeof(float));
                }
            } else {
                KERNEL(upsample)(&L[l + 1], &L[l]);
            }
            if (f->cfg.method == CAMSEP_FLOW_LK)
                KERNEL(lk_level)(f, &L[l], L[l].j[prev], L[l].j[cur], L[l].valid[prev], L[l].valid[cur],
                                 f->iterations);
            else
                KERNEL(dis_level)(f, &L[l], L[l].j[prev], L[l].j[cur], L[l].valid[prev], L[l].valid[cur],
                                  f->iterations,
                                  l == 0 && f->scale > 1 ? f->cfg.patch_stride_reduced : f->cfg.patch_stride);
        }
        /* reliability: texture of the template (its gradients are still the
         * previous frame's here) and no clipping near the pixel in either frame */
        {
            const int w = L[0].w, h = L[0].h, s = L[0].s, r = f->cfg.window_radius;
            float *restrict g2 = f->t[0], *restrict sum = f->t[1];
            for (int y = 0; y < h; y++) {
                const float *gx = L[0].ix + (size_t)y * s, *gy = L[0].iy + (size_t)y * s;
                float *o = g2 + (size_t)y * s;
                for (int x = 0; x < w; x++)
                    o[x] = gx[x] * gx[x] + gy[x] * gy[x];
            }
            KERNEL(box_sum)(g2, s, sum, s, w, h, r, f->row);
            const float thr = f->cfg.texture_threshold * (float)((2 * r + 1) * (2 * r + 1));
            for (int y = 0; y < h; y++) {
                const float *a = sum + (size_t)y * s, *v0 = L[0].valid[prev] + (size_t)y * s,
                            *v1 = L[0].valid[cur] + (size_t)y * s;
                float *o = f->weight + (size_t)y * s;
                for (int x = 0; x < w; x++)
                    o[x] = (a[x] >= thr ? 1.0f : 0.0f) * v0[x] * v1[x];
            }
        }
        const float sc = (float)f->scale;
        for (int y = 0; y < L[0].h; y++) {
            const float *u = L[0].u + (size_t)y * L[0].s, *v = L[0].v + (size_t)y * L[0].s;
            float *ou = f->out_u + (size_t)y * L[0].s, *ov = f->out_v + (size_t)y * L[0].s;
            for (int x = 0; x < L[0].w; x++) {
                ou[x] = u[x] * sc;
                ov[x] = v[x] * sc;
            }
        }
        computed = 1;
    } else {
        memset(f->out_u, 0, (size_t)L[0].s * L[0].h * sizeof(float));
        memset(f->out_v, 0, (size_t)L[0].s * L[0].h * sizeof(float));
        memset(f->weight, 0, (size_t)L[0].s * L[0].h * sizeof(float));
    }
    for (int l = 0; l < n; l++)
        KERNEL(prepare_template)(f, &L[l], L[l].j[cur]);
    f->cur = prev;
    f->have_prev = 1;
    return computed;
}
