/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Dense optical flow on a contrast-normalised luma pyramid; see optical_flow.h. */
#include "optical_flow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FLOW_MAX_LEVELS 6
#define FLOW_PAD 16       /* replicated border around every normalised image */
#define FLOW_MIN_SIZE 8   /* smallest level side */
#define FLOW_MAX_WINDOW 8 /* largest box radius (LK window, normalisation) */
#define DIS_P 8           /* DIS patch side: one 8-float vector per patch row */
#define DIS_TAU 0.25f     /* densification: errors below this count alike */
#define FLOW_SCRATCH 4
#define CLIP_LO 3         /* input values at or beyond these are clipped by the sensor */
#define CLIP_HI 250

typedef float vec8 __attribute__((vector_size(32)));
typedef int32_t vec8i __attribute__((vector_size(32)));

typedef struct flow_level {
    int w, h;
    int s;               /* floats between rows of the plain buffers */
    int js;              /* floats between rows of the padded images */
    float *raw;          /* the level before normalisation */
    float *j[2];         /* normalised, padded (pointers to pixel 0,0): current and previous frame */
    float *ix, *iy;      /* gradients of the template (previous) frame */
    float *g11, *g12, *g22; /* LK: inverse regularised structure tensor of the template */
    float *u, *v;        /* flow at this level, level pixels per frame */
    float *clip;         /* 1 where the picture is clipped (sensor limits), else 0 */
    float *valid[2];     /* 0 near clipped pixels (their normalised values change with the
                            light), else 1: per frame like j[] */
} flow_level;

struct camsep_flow {
    camsep_flow_config cfg;
    int in_w, in_h, scale, nlev, iterations;
    float lambda;        /* LK: Tikhonov term over the whole window */
    flow_level lev[FLOW_MAX_LEVELS];
    int cur;             /* index of j[] that receives the next frame */
    int have_prev;
    int valid;           /* the last compute() produced a flow */
    float *out_u, *out_v; /* level 0 flow in input pixels */
    float *weight;       /* level 0: 1 where the flow is reliable, else 0 */
    float *t[FLOW_SCRATCH]; /* scratch planes, level 0 size */
    float *row;          /* box filter row */
    float *vrow;         /* downscale: one filtered input row */
    uint8_t *flags;      /* clipping flags of one input row */
    float tap[32];       /* downscale: tent weights, 2 x scale */
    void *block;
    size_t bytes;
};

#define KERNEL(name) name##_baseline
#define KERNEL_TARGET
#include "optical_flow_body.h"
#undef KERNEL
#undef KERNEL_TARGET

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CAMSEP_FLOW_AVX2 1
#define KERNEL(name) name##_avx2
#define KERNEL_TARGET __attribute__((target("avx2,fma")))
#include "optical_flow_body.h"
#undef KERNEL
#undef KERNEL_TARGET

static int force_baseline;

static int use_avx2(void)
{
    static int cached = -1; /* a benign race: every thread computes the same value */
    if (force_baseline)
        return 0;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return cached;
}
#endif

void camsep_flow_force_baseline(int on)
{
#ifdef CAMSEP_FLOW_AVX2
    force_baseline = on != 0;
#else
    (void)on;
#endif
}

const char *camsep_flow_variant(void)
{
#ifdef CAMSEP_FLOW_AVX2
    if (use_avx2())
        return "avx2+fma";
#endif
    return "baseline";
}

void camsep_flow_config_default(camsep_flow_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->method = CAMSEP_FLOW_DIS;
    cfg->scale = 0;
    /* The split of same-instrument players follows each bow arm's speed,
     * which a picture 160 pixels wide blurs: pictures are analysed 160 to
     * 320 wide (640x480 at half size, 1280x720 at a quarter; bench/VIDEO.md). */
    cfg->full_width = 320;
    cfg->auto_width = 160;
    cfg->levels = 3;
    cfg->iterations = 0;
    cfg->window_radius = 2;
    cfg->patch_stride = 4;
    /* a reduced picture's finest patches 6 apart: the cost of a 640x480
     * frame at half size within the capture's 3 ms (bench/VIDEO.md) */
    cfg->patch_stride_reduced = 6;
    cfg->lcn_radius = 4;
    cfg->lcn_relative = 0.25f;
    cfg->lcn_absolute = 1.5f;
    cfg->regularisation = 0.02f;
    cfg->texture_threshold = 0.02f;
}

static int round8(int n)
{
    return (n + 7) / 8 * 8;
}

#define FLOW_ALIGN 64

static size_t aligned_bytes(size_t nfloats)
{
    return (nfloats * sizeof(float) + FLOW_ALIGN - 1) / FLOW_ALIGN * FLOW_ALIGN;
}

/* The next buffer of nfloats from a block being carved up. */
static float *take(char **p, size_t nfloats)
{
    float *r = (float *)*p;
    *p += aligned_bytes(nfloats);
    return r;
}

static int valid_config(const camsep_flow_config *c)
{
    if (c->method != CAMSEP_FLOW_LK && c->method != CAMSEP_FLOW_DIS)
        return 0;
    if (c->scale != 0 && c->scale != 1 && c->scale != 2 && c->scale != 4 && c->scale != 8 && c->scale != 16)
        return 0;
    if (c->scale == 0 && (c->auto_width < FLOW_MIN_SIZE || c->auto_width > 100000 || c->full_width < 0 ||
                          c->full_width > 100000))
        return 0;
    if (c->levels < 1 || c->levels > FLOW_MAX_LEVELS || c->iterations < 0 || c->iterations > 100)
        return 0;
    if (c->window_radius < 1 || c->window_radius > 6 || c->lcn_radius < 1 || c->lcn_radius > FLOW_MAX_WINDOW)
        return 0;
    if (c->patch_stride < 2 || c->patch_stride > DIS_P || c->patch_stride_reduced < 2 ||
        c->patch_stride_reduced > DIS_P)
        return 0;
    if (!(c->lcn_relative >= 0.0f && c->lcn_relative <= 10.0f) ||
        !(c->lcn_absolute > 0.0f && c->lcn_absolute <= 255.0f))
        return 0;
    if (!(c->regularisation > 0.0f && c->regularisation <= 100.0f))
        return 0;
    if (!(c->texture_threshold >= 0.0f && c->texture_threshold <= 100.0f))
        return 0;
    return 1;
}

camsep_flow *camsep_flow_create(int width, int height, const camsep_flow_config *cfg)
{
    camsep_flow_config c;
    if (cfg)
        c = *cfg;
    else
        camsep_flow_config_default(&c);
    if (!valid_config(&c) || width < 16 || height < 16 || width > 16384 || height > 16384)
        return NULL;
    int scale = c.scale;
    if (scale == 0) {
        scale = 1;
        while (width / scale > c.full_width && scale < 16 && width / (scale * 2) >= c.auto_width &&
               height / (scale * 2) >= FLOW_MIN_SIZE)
            scale *= 2;
    }
    if (width / scale < FLOW_MIN_SIZE || height / scale < FLOW_MIN_SIZE)
        return NULL;

    camsep_flow *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->cfg = c;
    f->in_w = width;
    f->in_h = height;
    f->scale = scale;
    f->iterations = c.iterations ? c.iterations : (c.method == CAMSEP_FLOW_LK ? 3 : 12);
    {
        const float side = (float)((2 * c.window_radius + 1) * (2 * c.window_radius + 1));
        f->lambda = c.regularisation * side * side; /* the window's weights sum to side^2 */
    }
    int w = width / scale, h = height / scale, n = 0;
    while (n < c.levels && w >= FLOW_MIN_SIZE && h >= FLOW_MIN_SIZE) {
        f->lev[n].w = w;
        f->lev[n].h = h;
        f->lev[n].s = round8(w) + 8; /* +8: 8-wide loads past the last pixel stay inside */
        f->lev[n].js = round8(w + 2 * FLOW_PAD);
        n++;
        w /= 2;
        h /= 2;
    }
    f->nlev = n;

    /* One block for everything, each buffer 64-byte aligned. */
    size_t total = 0;
    const size_t align = FLOW_ALIGN;
#define RESERVE(nfloats) (total += aligned_bytes(nfloats))
    for (int l = 0; l < n; l++) {
        flow_level *L = &f->lev[l];
        size_t plane = (size_t)L->s * (L->h + 1);
        size_t padded = (size_t)L->js * (L->h + 2 * FLOW_PAD + 1);
        RESERVE(plane);          /* raw */
        RESERVE(padded);         /* j0 */
        RESERVE(padded);         /* j1 */
        for (int k = 0; k < 10; k++)
            RESERVE(plane);      /* ix iy g11 g12 g22 u v clip valid[2] */
    }
    const size_t plane0 = (size_t)f->lev[0].s * (f->lev[0].h + 1);
    RESERVE(plane0);
    RESERVE(plane0);
    RESERVE(plane0);             /* out_u, out_v, weight */
    for (int k = 0; k < FLOW_SCRATCH; k++)
        RESERVE(plane0);
    RESERVE(f->lev[0].s + 2 * FLOW_MAX_WINDOW + 16); /* row */
    RESERVE((size_t)width + 2 * 16 + 16); /* vrow */
    RESERVE((size_t)width / 4 + 16);      /* flags (bytes) */
#undef RESERVE
    void *block = aligned_alloc(align, total);
    if (!block) {
        free(f);
        return NULL;
    }
    memset(block, 0, total);
    f->block = block;
    f->bytes = total + sizeof *f;
    char *p = block;
    for (int l = 0; l < n; l++) {
        flow_level *L = &f->lev[l];
        size_t plane = (size_t)L->s * (L->h + 1);
        size_t padded = (size_t)L->js * (L->h + 2 * FLOW_PAD + 1);
        L->raw = take(&p, plane);
        for (int k = 0; k < 2; k++)
            L->j[k] = take(&p, padded) + (size_t)FLOW_PAD * L->js + FLOW_PAD;
        L->ix = take(&p, plane);
        L->iy = take(&p, plane);
        L->g11 = take(&p, plane);
        L->g12 = take(&p, plane);
        L->g22 = take(&p, plane);
        L->u = take(&p, plane);
        L->v = take(&p, plane);
        L->clip = take(&p, plane);
        L->valid[0] = take(&p, plane);
        L->valid[1] = take(&p, plane);
    }
    f->out_u = take(&p, plane0);
    f->out_v = take(&p, plane0);
    f->weight = take(&p, plane0);
    for (int k = 0; k < FLOW_SCRATCH; k++)
        f->t[k] = take(&p, plane0);
    f->row = take(&p, (size_t)f->lev[0].s + 2 * FLOW_MAX_WINDOW + 16);
    f->vrow = take(&p, (size_t)width + 2 * 16 + 16);
    f->flags = (uint8_t *)take(&p, (size_t)width / 4 + 16);
    {
        /* tent weights over 2 x scale taps centred on the block, normalised per axis */
        const float sc = (float)scale, centre = 0.5f * (2.0f * sc - 1.0f);
        float sum = 0.0f;
        for (int k = 0; k < 2 * scale; k++) {
            f->tap[k] = 1.0f - fabsf((float)k - centre) / sc;
            sum += f->tap[k];
        }
        for (int k = 0; k < 2 * scale; k++)
            f->tap[k] /= sum;
    }
    return f;
}

void camsep_flow_free(camsep_flow *f)
{
    if (!f)
        return;
    free(f->block);
    free(f);
}

size_t camsep_flow_allocated_bytes(const camsep_flow *f)
{
    return f ? f->bytes : 0;
}

int camsep_flow_compute(camsep_flow *f, const uint8_t *luma, int stride)
{
    if (!f || !luma || stride < f->in_w)
        return -1;
    int rc;
#ifdef CAMSEP_FLOW_AVX2
    if (use_avx2())
        rc = run_avx2(f, luma, stride);
    else
#endif
        rc = run_baseline(f, luma, stride);
    f->valid = rc;
    return rc;
}

void camsep_flow_reset(camsep_flow *f)
{
    if (f) {
        f->have_prev = 0;
        f->valid = 0;
    }
}

int camsep_flow_valid(const camsep_flow *f) { return f->valid; }
const float *camsep_flow_u(const camsep_flow *f) { return f->out_u; }
const float *camsep_flow_weight(const camsep_flow *f) { return f->weight; }
const float *camsep_flow_v(const camsep_flow *f) { return f->out_v; }
int camsep_flow_stride(const camsep_flow *f) { return f->lev[0].s; }
int camsep_flow_width(const camsep_flow *f) { return f->lev[0].w; }
int camsep_flow_height(const camsep_flow *f) { return f->lev[0].h; }
int camsep_flow_scale(const camsep_flow *f) { return f->scale; }
int camsep_flow_levels(const camsep_flow *f) { return f->nlev; }
int camsep_flow_input_width(const camsep_flow *f) { return f->in_w; }
int camsep_flow_input_height(const camsep_flow *f) { return f->in_h; }
const camsep_flow_config *camsep_flow_get_config(const camsep_flow *f) { return &f->cfg; }
