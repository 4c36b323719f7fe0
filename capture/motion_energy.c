/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Motion energy per box and the playing-likelihood normaliser; see motion_energy.h. */
#include "motion_energy.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "select_kth.h"

#define HIST_PER_OCTAVE 8
#define HIST_LO (-12)            /* log2 of the smallest energy told apart, px per frame */
#define HIST_HI 10               /* ... and of the largest */
#define HIST_BINS ((HIST_HI - HIST_LO) * HIST_PER_OCTAVE)
#define GLOBAL_SAMPLES 8192      /* flow vectors sampled for the global median */
#define SEEN_SHARE 0.1           /* a box or cell needs this share of reliable pixels */
#define OCCLUDER_SPEED 0.0025f   /* fast: this share of the frame height per frame (1.2 px at 480) */
#define OUTLIER_RATIO 1.5f       /* energy this many times the reference is extraordinary ... */
#define OUTLIER_SHARE 0.3f       /* ... enough for an occluder with this share of occlusion_share */
/* an occlusion outlasts its coverage by this many frame intervals: the flow
 * of the frame after it has gone still shows its trailing edge */
#define OCCLUSION_HANG_FRAMES 1.5f
#define NOISE_S 1.0f             /* smoothing of the still picture's energy, s */
#define NOISE_FLOOR 2.0f         /* the floor never exceeds this many times that energy */
/* A passer-by covers a box for a second or two; a box "occluded" for most of
 * the time is covered by its own player (drawn tight around the bow arm, the
 * box is mostly arm, and "occluded" whenever they play): it is let go, its
 * statistics learn that motion for OCCLUSION_GRACE_S without an occlusion
 * test, and from then on only motion well above what the player has shown
 * counts as occlusion in it. The share is forgotten over OCCLUSION_SHARE_S:
 * an occluder crossing a box for 2 s takes it to 0.33. */
#define OCCLUSION_SHARE_S 5.0f
#define OCCLUSION_OWN 0.5f
#define OCCLUSION_GRACE_S 1.0f
#define OCCLUSION_REWIND_S 0.2f /* on detection, a box's outputs and statistics go back this far ... */
#define PAST_FRAMES 16           /* ... as far as this many updates reach (0.2 s up to 80 fps) */
#define BODY_SAMPLES 4096        /* moving flow vectors sampled per box for its body motion */
/* The graded motion (channel 0 of the outputs): motion against the body, */
#define GRADED_BODY_GATES 4.0f   /* whose flow lies within this many noise gates of its median, */
#define GRADED_STILL_GATES 2.0f  /* of pixels that move more than this many gates */

/* One channel's normaliser. */
typedef struct tracker {
    float hist[HIST_BINS]; /* forgetting histogram of log2 energy */
    float total;           /* its mass: 1 - a^frames */
    float held;            /* the reference, held through rests */
    float floor, ref;      /* current noise floor and reference */
    float value;           /* smoothed normalised energy */
} tracker;

typedef struct box_state {
    camsep_box box;
    int x0, x1, y0, y1;    /* working-resolution rectangle of the latest update */
    float bu, bv;          /* the body's own motion (sway) removed in the latest update */
    float gbu, gbv;        /* ... and as the graded motion takes it (a looser test) */
    tracker tr[CAMSEP_MOTION_CHANNELS];
    float energy[CAMSEP_MOTION_CHANNELS];
    int seen[CAMSEP_MOTION_CHANNELS];  /* enough reliable flow in the latest frame */
    float graded_energy;   /* raw graded motion; channel[0] is its normalised value */
    tracker graded;
    float coverage;        /* share of the box's reliable pixels moving fast */
    int occluded;          /* something large crosses the box: outputs and statistics held */
    float hang;            /* seconds the occlusion is kept after the coverage falls */
    float occluded_share;  /* share of the recent time taken as occluded (OCCLUSION_SHARE_S) */
    int own_cover;         /* occluded for more than OCCLUSION_OWN of it: what covers the box is
                              its player (a box drawn tight around a bow arm); coverage alone
                              no longer counts as occlusion */
    float grace;           /* seconds left without any occlusion test, while the statistics
                              learn that motion */
    float channel[CAMSEP_MOTION_CHANNELS];
    float p;               /* smoothed likelihood */
    struct {
        tracker tr[CAMSEP_MOTION_CHANNELS], graded;
        float channel[CAMSEP_MOTION_CHANNELS];
        float p, dt;
    } past[PAST_FRAMES];   /* the state before each recent update, the newest at past_i - 1 */
    int past_n, past_i;
} box_state;

struct camsep_motion {
    camsep_motion_config cfg;
    int width, height;
    float min_range;
    float fast;            /* pixels per frame that count as fast for the coverage */
    int n;
    box_state b[CAMSEP_MOTION_MAX_BOXES];
    int have_ts;
    int64_t last_ts;
    float typical_dt;      /* running estimate of the frame interval, s */
    float gu, gv;          /* global motion of the latest frame at the frame's centre ... */
    float gs, gr;          /* ... and its zoom and rotation: at working pixel (x, y), dx = x - cx,
                              dy = y - cy, the camera moves content by
                              (gu + gs dx - gr dy, gv + gr dx + gs dy) input pixels */
    float cx, cy;          /* the working frame's centre */
    float gate;            /* residual magnitude below which flow counts as noise */
    float noise_now;       /* this frame's gated energy of the still part of the picture */
    float noise_level;     /* ... smoothed over NOISE_S; +inf until measured */
    float *su, *sv, *tu;   /* GLOBAL_SAMPLES each */
    float *sx, *sy;        /* the samples' working-pixel offsets from the centre */
    float *bu_s, *bv_s;    /* BODY_SAMPLES each */
    float *row;            /* one row's magnitudes, weights, graded motion and moving weights
                              (4 x width floats) */
};

void camsep_motion_config_default(camsep_motion_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->frame_rate = 30.0f;
    cfg->attack_s = 0.03f;
    cfg->release_s = 0.3f;
    cfg->memory_s = 20.0f;
    cfg->hold_s = 60.0f;
    cfg->floor_quantile = 0.05f;
    cfg->reference_quantile = 0.95f;
    cfg->min_range = 0.0f;
    cfg->min_ratio = 3.0f;
    cfg->knee = (float)CAMSEP_MOTION_KNEE_DEFAULT;
    cfg->global_motion = CAMSEP_GLOBAL_SIMILARITY;
    cfg->noise_gate = 2.0f;
    cfg->occlusion_share = 0.35f;
    cfg->body_share = 0.15f;
}

static int valid_config(const camsep_motion_config *c)
{
    return c->frame_rate > 0.1f && c->frame_rate <= 1000.0f && c->attack_s >= 0.0f && c->attack_s <= 10.0f &&
           c->release_s >= 0.0f && c->release_s <= 60.0f && c->memory_s >= 0.5f && c->memory_s <= 3600.0f &&
           c->hold_s >= 0.0f && c->hold_s <= 36000.0f && c->floor_quantile >= 0.0f &&
           c->floor_quantile < c->reference_quantile && c->reference_quantile <= 1.0f && c->min_range >= 0.0f &&
           c->min_range <= 1000.0f && c->min_ratio >= 1.0f && c->min_ratio <= 1000.0f && c->knee > 0.0f &&
           c->knee <= 10.0f &&
           c->noise_gate >= 0.0f && c->noise_gate <= 100.0f && c->occlusion_share > 0.0f &&
           c->body_share >= 0.0f && c->body_share <= 1.0f &&
           c->occlusion_share <= 1.0f &&
           (c->global_motion == CAMSEP_GLOBAL_NONE || c->global_motion == CAMSEP_GLOBAL_MEDIAN ||
            c->global_motion == CAMSEP_GLOBAL_SIMILARITY);
}

static void reset_box_state(box_state *b)
{
    camsep_box keep = b->box;
    memset(b, 0, sizeof *b);
    b->box = keep;
}

camsep_motion *camsep_motion_create(int width, int height, const camsep_motion_config *cfg)
{
    camsep_motion_config c;
    if (cfg)
        c = *cfg;
    else
        camsep_motion_config_default(&c);
    if (!valid_config(&c) || width < 1 || height < 1 || width > 16384 || height > 16384)
        return NULL;
    camsep_motion *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->cfg = c;
    m->width = width;
    m->height = height;
    m->min_range = c.min_range > 0.0f ? c.min_range : 0.3f * (float)height / 480.0f;
    m->fast = OCCLUDER_SPEED * (float)height;
    m->bu_s = malloc(BODY_SAMPLES * sizeof(float));
    m->bv_s = malloc(BODY_SAMPLES * sizeof(float));
    m->sx = malloc(GLOBAL_SAMPLES * sizeof(float));
    m->sy = malloc(GLOBAL_SAMPLES * sizeof(float));
    m->su = malloc(GLOBAL_SAMPLES * sizeof(float));
    m->sv = malloc(GLOBAL_SAMPLES * sizeof(float));
    m->tu = malloc(GLOBAL_SAMPLES * sizeof(float));
    m->row = malloc((size_t)(4 * width + 8) * sizeof(float));
    if (!m->su || !m->sv || !m->tu || !m->row || !m->bu_s || !m->bv_s || !m->sx || !m->sy) {
        camsep_motion_free(m);
        return NULL;
    }
    camsep_motion_reset(m);
    return m;
}

void camsep_motion_free(camsep_motion *m)
{
    if (!m)
        return;
    free(m->su);
    free(m->sx);
    free(m->sy);
    free(m->bu_s);
    free(m->bv_s);
    free(m->sv);
    free(m->tu);
    free(m->row);
    free(m);
}

int camsep_motion_set_knee(camsep_motion *m, float knee)
{
    if (!m || !(knee > 0.0f && knee <= 10.0f))
        return -1;
    m->cfg.knee = knee;
    return 0;
}

/* A box nudged or resized a little (its old and new areas share at least
 * half of their union) still shows what it showed; its statistics stay.
 * Moved elsewhere, they describe someone else's motion, or none: a box
 * dragged from a still spot onto a player would take their motion, far above
 * that spot's reference, for an occluder crossing, and hold the spot's "at
 * rest" for as long as they play. Grown or shrunk a lot, its energy (a mean
 * over the box) is on another scale: a box grown from a bow arm to the whole
 * player read 0.6 while they played, for as long as the held reference lasts. */
static int same_place(const camsep_box *a, const camsep_box *b)
{
    const float iw = fminf(a->x + a->w, b->x + b->w) - fmaxf(a->x, b->x),
                ih = fminf(a->y + a->h, b->y + b->h) - fmaxf(a->y, b->y);
    const float shared = iw > 0.0f && ih > 0.0f ? iw * ih : 0.0f;
    return shared >= 0.5f * (a->w * a->h + b->w * b->h - shared);
}

int camsep_motion_set_boxes(camsep_motion *m, const camsep_box *boxes, int n)
{
    if (!m || n < 0 || n > CAMSEP_MOTION_MAX_BOXES || (n > 0 && !boxes))
        return -1;
    for (int j = 0; j < n; j++)
        if (!(boxes[j].w > 0.0f && boxes[j].h > 0.0f && isfinite(boxes[j].x) && isfinite(boxes[j].y) &&
              isfinite(boxes[j].w) && isfinite(boxes[j].h)))
            return -1;
    for (int j = 0; j < n; j++) {
        camsep_box b = boxes[j];
        float x1 = fminf(b.x + b.w, (float)m->width), y1 = fminf(b.y + b.h, (float)m->height);
        b.x = fmaxf(b.x, 0.0f);
        b.y = fmaxf(b.y, 0.0f);
        b.w = x1 - b.x;
        b.h = y1 - b.y;
        if (!(b.w > 0.0f && b.h > 0.0f)) /* entirely outside: keep a sliver at the nearest edge */
            b = (camsep_box){fminf(b.x, (float)m->width - 1), fminf(b.y, (float)m->height - 1), 1, 1};
        if (j < m->n && !same_place(&m->b[j].box, &b))
            reset_box_state(&m->b[j]);
        m->b[j].box = b;
    }
    for (int j = n; j < m->n; j++)
        reset_box_state(&m->b[j]);
    m->n = n;
    return 0;
}

int camsep_motion_boxes(const camsep_motion *m)
{
    return m->n;
}

void camsep_motion_reset_box(camsep_motion *m, int box)
{
    if (m && box >= 0 && box < CAMSEP_MOTION_MAX_BOXES)
        reset_box_state(&m->b[box]);
}

void camsep_motion_reset(camsep_motion *m)
{
    if (!m)
        return;
    for (int j = 0; j < CAMSEP_MOTION_MAX_BOXES; j++)
        reset_box_state(&m->b[j]);
    m->have_ts = 0;
    m->last_ts = 0;
    m->typical_dt = 1.0f / m->cfg.frame_rate;
    m->gu = m->gv = m->gs = m->gr = 0.0f;
    m->gate = 0.0f;
    m->noise_now = 0.0f;
    m->noise_level = INFINITY;
}

/* ---- the normaliser ---- */

static float quantile(const tracker *t, float q)
{
    const float target = q * t->total;
    float cum = 0.0f;
    int k = 0;
    for (; k < HIST_BINS - 1; k++) {
        if (cum + t->hist[k] >= target && t->hist[k] > 0.0f)
            break;
        cum += t->hist[k];
    }
    float frac = t->hist[k] > 0.0f ? (target - cum) / t->hist[k] : 0.5f;
    frac = frac < 0.0f ? 0.0f : (frac > 1.0f ? 1.0f : frac);
    float pos = (float)k - 0.5f + frac;
    return exp2f((float)HIST_LO + pos / (float)HIST_PER_OCTAVE);
}

/* Feeds energy e (held by dt seconds) and returns the normalised energy. */
static float track(const camsep_motion *m, tracker *t, float e, float dt)
{
    const camsep_motion_config *c = &m->cfg;
    if (!(e >= 0.0f)) /* NaN or negative: treat as no motion */
        e = 0.0f;
    const float a = expf(-dt / c->memory_s);
    for (int k = 0; k < HIST_BINS; k++) {
        float h = t->hist[k] * a;
        t->hist[k] = h > 1e-20f ? h : 0.0f; /* no denormals from bins long forgotten */
    }
    t->total = t->total * a + (1.0f - a);
    float pos = (log2f(fmaxf(e, 1e-30f)) - (float)HIST_LO) * (float)HIST_PER_OCTAVE;
    pos = pos < 0.0f ? 0.0f : (pos > (float)(HIST_BINS - 1) ? (float)(HIST_BINS - 1) : pos);
    int k = (int)pos;
    if (k > HIST_BINS - 2)
        k = HIST_BINS - 2;
    const float frac = pos - (float)k;
    t->hist[k] += (1.0f - a) * (1.0f - frac);
    t->hist[k + 1] += (1.0f - a) * frac;

    /* the floor: a low quantile of the box's own energy, but never above what
     * the still part of the picture shows: a player who never rests (a
     * chorale) must not have the playing level taken for the floor */
    const float fl = fminf(quantile(t, c->floor_quantile), NOISE_FLOOR * m->noise_level),
                rq = quantile(t, c->reference_quantile);
    if (t->total >= 0.5f) /* statistics mature: hold the reference through rests */
        t->held = fmaxf(rq, t->held * expf(-dt / fmaxf(c->hold_s, 1e-3f)));
    else
        t->held = rq;
    float ref = fmaxf(t->held, fmaxf(fl * c->min_ratio, fl + m->min_range));
    t->floor = fl;
    t->ref = ref;
    return fmaxf(e - fl, 0.0f) / (ref - fl);
}

static float smooth_toward(float y, float x, float dt, float attack, float release)
{
    float tau = x > y ? attack : release;
    float k = tau > 0.0f ? 1.0f - expf(-dt / tau) : 1.0f;
    return y + k * (x - y);
}

static void normalise_box(const camsep_motion *m, box_state *b, float dt)
{
    const camsep_motion_config *c = &m->cfg;
    for (int ch = 0; ch < CAMSEP_MOTION_CHANNELS; ch++) {
        if (!b->seen[ch]) /* nothing to go by: outputs and statistics held */
            continue;
        float x = track(m, &b->tr[ch], b->energy[ch], dt);
        if (ch == 0) {
            float z = x / c->knee;
            z = z > 1.0f ? 1.0f : z;
            float p = z * z * (3.0f - 2.0f * z);
            b->p = smooth_toward(b->p, p, dt, c->attack_s, c->release_s);
            /* the output's channel 0 is the graded motion: p's slow release
             * bridges bow changes, the graded motion follows the sound */
            x = track(m, &b->graded, b->graded_energy, dt);
            x = x > 2.0f ? 2.0f : x;
            b->channel[0] = smooth_toward(b->channel[0], x, dt, c->attack_s, fminf(c->release_s, CAMSEP_MOTION_GRADED_RELEASE_S));
            continue;
        }
        x = x > 2.0f ? 2.0f : x;
        b->channel[ch] = smooth_toward(b->channel[ch], x, dt, c->attack_s, c->release_s);
    }
}

/* Seconds since the previous update; also the running frame interval. */
static float interval(camsep_motion *m, int64_t ts)
{
    float dt;
    if (!m->have_ts || ts <= m->last_ts)
        dt = m->typical_dt;
    else
        dt = (float)((double)(ts - m->last_ts) * 1e-9);
    dt = dt < 1e-4f ? 1e-4f : (dt > 5.0f ? 5.0f : dt);
    if (m->have_ts && dt > 0.5f * m->typical_dt && dt < 1.5f * m->typical_dt)
        m->typical_dt += 0.05f * (dt - m->typical_dt);
    m->have_ts = 1;
    m->last_ts = ts;
    return dt;
}

int camsep_motion_update_energies(camsep_motion *m, const float (*energy)[CAMSEP_MOTION_CHANNELS], int n,
                                  int64_t timestamp_ns)
{
    if (!m || n < 0 || n > m->n || (n > 0 && !energy))
        return -1;
    const float dt = interval(m, timestamp_ns);
    for (int j = 0; j < n; j++) {
        for (int c = 0; c < CAMSEP_MOTION_CHANNELS; c++) {
            m->b[j].energy[c] = energy[j][c];
            m->b[j].seen[c] = 1;
        }
        m->b[j].graded_energy = energy[j][0];
        normalise_box(m, &m->b[j], dt);
    }
    return 1;
}

/* ---- energies from the flow ---- */

static int inside_any(const camsep_motion *m, int x, int y)
{
    for (int j = 0; j < m->n; j++) {
        const box_state *b = &m->b[j];
        if (x >= b->x0 && x < b->x1 && y >= b->y0 && y < b->y1)
            return 1;
    }
    return 0;
}

/* Solves the 4x4 system a x = b in place (Gaussian elimination, partial
 * pivoting). 0, or -1 when it is singular. */
static int solve4(double a[4][4], double b[4], double x[4])
{
    for (int c = 0; c < 4; c++) {
        int p = c;
        for (int r = c + 1; r < 4; r++)
            if (fabs(a[r][c]) > fabs(a[p][c]))
                p = r;
        if (!(fabs(a[p][c]) > 1e-12))
            return -1;
        for (int k = 0; k < 4; k++) {
            double t = a[c][k];
            a[c][k] = a[p][k];
            a[p][k] = t;
        }
        double t = b[c];
        b[c] = b[p];
        b[p] = t;
        for (int r = c + 1; r < 4; r++) {
            const double f = a[r][c] / a[c][c];
            for (int k = c; k < 4; k++)
                a[r][k] -= f * a[c][k];
            b[r] -= f * b[c];
        }
    }
    for (int r = 3; r >= 0; r--) {
        double s = b[r];
        for (int k = r + 1; k < 4; k++)
            s -= a[r][k] * x[k];
        x[r] = s / a[r][r];
    }
    return 0;
}

/* A zoom and a rotation on top of the translation (gu, gv), fitted to the n
 * samples by iteratively reweighted least squares (Huber weights at 1.5 x
 * the median residual): a slow zoom or a tilting camera moves the picture's
 * edges more than its centre, which no single translation removes. The
 * samples must cover some of the frame's width and height; otherwise (or if
 * the fit fails) the translation stays alone. */
static void fit_similarity(camsep_motion *m, int n)
{
    double spread = 0.0;
    for (int i = 0; i < n; i++)
        spread += (double)m->sx[i] * m->sx[i] + (double)m->sy[i] * m->sy[i];
    if (n < 32 || !(spread / n > 16.0)) /* samples within 4 working pixels of one spot */
        return;
    double p[4] = {m->gu, m->gv, 0.0, 0.0};
    for (int it = 0; it < 4; it++) {
        for (int i = 0; i < n; i++) {
            const double du = m->su[i] - (p[0] + p[2] * m->sx[i] - p[3] * m->sy[i]),
                         dv = m->sv[i] - (p[1] + p[3] * m->sx[i] + p[2] * m->sy[i]);
            m->tu[i] = (float)sqrt(du * du + dv * dv);
        }
        /* the median residual of the first BODY_SAMPLES samples (a subsample is
         * enough), selected in the body buffer, free until body_motion() */
        const int nm = n < BODY_SAMPLES ? n : BODY_SAMPLES;
        memcpy(m->bu_s, m->tu, (size_t)nm * sizeof(float));
        const float k = 1.5f * fmaxf(camsep_select_kth(m->bu_s, nm, nm / 2), 1e-3f);
        double a[4][4] = {{0}}, b[4] = {0};
        for (int i = 0; i < n; i++) {
            const double w = m->tu[i] > k ? k / m->tu[i] : 1.0, x = m->sx[i], y = m->sy[i];
            /* rows (1, 0, x, -y) -> u and (0, 1, y, x) -> v */
            a[0][0] += w;
            a[0][2] += w * x;
            a[0][3] -= w * y;
            a[1][1] += w;
            a[1][2] += w * y;
            a[1][3] += w * x;
            a[2][2] += w * (x * x + y * y);
            a[3][3] += w * (x * x + y * y);
            b[0] += w * m->su[i];
            b[1] += w * m->sv[i];
            b[2] += w * (x * m->su[i] + y * m->sv[i]);
            b[3] += w * (-y * m->su[i] + x * m->sv[i]);
        }
        a[2][0] = a[0][2];
        a[3][0] = a[0][3];
        a[2][1] = a[1][2];
        a[3][1] = a[1][3];
        double q[4];
        if (solve4(a, b, q) || !isfinite(q[0]) || !isfinite(q[1]) || !isfinite(q[2]) || !isfinite(q[3]))
            return;
        memcpy(p, q, sizeof p);
    }
    m->gu = (float)p[0];
    m->gv = (float)p[1];
    m->gs = (float)p[2];
    m->gr = (float)p[3];
}

/* The camera's motion at working pixel (x, y). */
/* The camera's motion (gu, gv) + zoom gs and rotation gr at (dx, dy) from the centre. */
static inline void similarity_at(float gu, float gv, float gs, float gr, float dx, float dy, float *u, float *v)
{
    *u = gu + gs * dx - gr * dy;
    *v = gv + gr * dx + gs * dy;
}

static inline void camera_at(const camsep_motion *m, int x, int y, float *u, float *v)
{
    similarity_at(m->gu, m->gv, m->gs, m->gr, (float)x - m->cx, (float)y - m->cy, u, v);
}

/* The global motion (median of u and v outside the boxes) and the noise
 * gate: noise_gate x the median magnitude of what remains there. The
 * flow's own error (sensor noise, interpolation under shake, light changes)
 * shows as small residuals everywhere; the gate measures it on the part of
 * the picture that should be still, frame by frame. */
static void global_motion(camsep_motion *m, const float *u, const float *v, const float *wt, int s, int w, int h)
{
    m->gu = m->gv = m->gs = m->gr = 0.0f;
    m->gate = 0.0f;
    m->cx = 0.5f * (float)(w - 1);
    m->cy = 0.5f * (float)(h - 1);
    const int compensate = m->cfg.global_motion != CAMSEP_GLOBAL_NONE;
    int step = 1;
    while ((w / step) * (h / step) > GLOBAL_SAMPLES)
        step++;
    const int off = step / 2;
    /* reliable flow outside the boxes; failing that (the boxes cover nearly
     * everything, or it is all flat or clipped), reliable flow anywhere, and
     * failing that any flow */
    int n = 0, lattice = 0;
    for (int pass = 0; pass < 3; pass++) {
        n = 0;
        lattice = 0;
        for (int y = off; y < h; y += step)
            for (int x = off; x < w; x += step) {
                const size_t i = (size_t)y * s + x;
                lattice++;
                if (n < GLOBAL_SAMPLES && (pass == 2 || wt[i] > 0.5f) && (pass > 0 || !inside_any(m, x, y))) {
                    m->su[n] = u[i];
                    m->sv[n] = v[i];
                    m->sx[n] = (float)x - 0.5f * (float)(w - 1);
                    m->sy[n] = (float)y - 0.5f * (float)(h - 1);
                    n++;
                }
            }
        if (n >= 32 && n >= lattice / 20)
            break;
    }
    if (n == 0)
        return;
    /* select on a copy: the samples are needed again for the residuals */
    float gu = 0.0f, gv = 0.0f;
    if (compensate) {
        memcpy(m->tu, m->su, (size_t)n * sizeof(float));
        gu = camsep_select_kth(m->tu, n, n / 2);
        memcpy(m->tu, m->sv, (size_t)n * sizeof(float));
        gv = camsep_select_kth(m->tu, n, n / 2);
        if (!isfinite(gu) || !isfinite(gv))
            gu = gv = 0.0f;
    }
    m->gu = gu;
    m->gv = gv;
    if (compensate && m->cfg.global_motion == CAMSEP_GLOBAL_SIMILARITY)
        fit_similarity(m, n);
    for (int i = 0; i < n; i++) {
        float cu, cv;
        similarity_at(m->gu, m->gv, m->gs, m->gr, m->sx[i], m->sy[i], &cu, &cv);
        const float du = m->su[i] - cu, dv = m->sv[i] - cv;
        m->tu[i] = sqrtf(du * du + dv * dv);
    }
    if (m->cfg.noise_gate > 0.0f) {
        /* the residuals again for the still energy below: select on the copy in su */
        memcpy(m->su, m->tu, (size_t)n * sizeof(float));
        float g = m->cfg.noise_gate * camsep_select_kth(m->su, n, n / 2);
        m->gate = isfinite(g) ? g : 0.0f;
    }
    /* the energy a still box would show: the mean gated residual, each sample
     * capped at the gate (or the median residual) so that a few movers in the
     * background (audience, crew) do not count for much */
    {
        float cap = m->gate;
        if (!(cap > 0.0f)) {
            memcpy(m->su, m->tu, (size_t)n * sizeof(float));
            cap = camsep_select_kth(m->su, n, n / 2);
        }
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            float r = m->tu[i] - m->gate;
            r = r > 0.0f ? r : 0.0f;
            sum += r < cap ? r : cap;
        }
        m->noise_now = isfinite(sum) ? (float)(sum / n) : 0.0f;
    }
}

/* Working-resolution pixels whose centres lie in [a, a + len) input pixels. */
static void span(float a, float len, int scale, int n, int *i0, int *i1)
{
    const float s = (float)scale;
    int lo = (int)ceilf(a / s - 0.5f), hi = (int)floorf((a + len) / s - 0.5f) + 1;
    lo = lo < 0 ? 0 : lo;
    hi = hi > n ? n : hi;
    if (hi <= lo) {
        int c = (int)floorf((a + 0.5f * len) / s);
        c = c < 0 ? 0 : (c > n - 1 ? n - 1 : c);
        lo = c;
        hi = c + 1;
    }
    *i0 = lo;
    *i1 = hi;
}

/* The player's body motion (sway, shifting weight): the median of the flow
 * that moves in the box (residual beyond the gate after the global motion),
 * taken as the body's when at least body_share of the box's reliable pixels
 * move with it (within half its speed, or the gate). A bow arm or a hand
 * covers less than that, so their motion is never taken for the body's.
 * The graded motion's body (gbu, gbv) is the same median under a looser
 * tolerance, GRADED_BODY_GATES. */
static void body_motion(camsep_motion *m, box_state *b, const float *u, const float *v, const float *wt, int s)
{
    b->bu = b->bv = b->gbu = b->gbv = 0.0f;
    const float share = m->cfg.body_share;
    if (!(share > 0.0f))
        return;
    const float gate = fmaxf(m->gate, 0.05f * m->min_range);
    const int area = (b->x1 - b->x0) * (b->y1 - b->y0);
    int step = 1;
    while (area / (step * step) > BODY_SAMPLES)
        step++;
    int n = 0;
    double reliable = 0.0;
    for (int y = b->y0; y < b->y1; y += step) {
        const float *ur = u + (size_t)y * s, *vr = v + (size_t)y * s, *wr = wt + (size_t)y * s;
        for (int x = b->x0; x < b->x1; x += step) {
            if (!(wr[x] > 0.5f))
                continue;
            reliable += 1.0;
            float cu, cv;
            camera_at(m, x, y, &cu, &cv);
            const float du = ur[x] - cu, dv = vr[x] - cv;
            if (du * du + dv * dv > gate * gate && n < BODY_SAMPLES) {
                m->bu_s[n] = du;
                m->bv_s[n] = dv;
                n++;
            }
        }
    }
    if (n < 8 || (double)n < share * reliable)
        return;
    memcpy(m->tu, m->bu_s, (size_t)(n < GLOBAL_SAMPLES ? n : GLOBAL_SAMPLES) * sizeof(float));
    const int nn = n < GLOBAL_SAMPLES ? n : GLOBAL_SAMPLES;
    const float mu = camsep_select_kth(m->tu, nn, nn / 2);
    memcpy(m->tu, m->bv_s, (size_t)nn * sizeof(float));
    const float mv = camsep_select_kth(m->tu, nn, nn / 2);
    if (!isfinite(mu) || !isfinite(mv))
        return;
    /* the box energy's test, and the graded motion's looser one */
    const float speed2 = 0.25f * (mu * mu + mv * mv), loose = GRADED_BODY_GATES * gate;
    const float tol2 = fmaxf(speed2, gate * gate), loose2 = fmaxf(speed2, loose * loose);
    int with = 0, with_loose = 0;
    for (int i = 0; i < nn; i++) {
        const float du = m->bu_s[i] - mu, dv = m->bv_s[i] - mv, d2 = du * du + dv * dv;
        with += d2 <= tol2;
        with_loose += d2 <= loose2;
    }
    if ((double)with >= share * reliable) {
        b->bu = mu;
        b->bv = mv;
    }
    if ((double)with_loose >= share * reliable) {
        b->gbu = mu;
        b->gbv = mv;
    }
}

typedef struct row_constants {
    float gu, gv, gs, gr, cx, cy; /* the camera's motion (camera_at()) */
    float bu, bv, gbu, gbv;       /* the body's motion, for the energy and the graded motion */
    float gate, still2, fast;
} row_constants;

/* box_energy's per-pixel part for pixels x0 ... x0 + n - 1 of row y (the
 * flow's ur, vr and weights wr start at x0): the energy, the weight, the
 * graded motion and the weight of what moves fast. A loop that vectorises;
 * the caller sums in order. */
static void box_row(const row_constants *k, const float *restrict ur, const float *restrict vr,
                    const float *restrict wr, int x0, int y, int n, float *restrict row, float *restrict rw,
                    float *restrict rg, float *restrict rm)
{
    const float gu0 = k->gu, gv0 = k->gv, gs = k->gs, gr = k->gr, cx = k->cx, dy = (float)y - k->cy, bu = k->bu,
                bv = k->bv, gbu = k->gbu, gbv = k->gbv, gate = k->gate, still2 = k->still2, fast = k->fast;
    for (int i = 0; i < n; i++) {
        float cu, cv;
        similarity_at(gu0, gv0, gs, gr, (float)(x0 + i) - cx, dy, &cu, &cv);
        const float du = ur[i] - cu, dv = vr[i] - cv;
        /* the occluder test sees all motion; the energy only what moves
         * with neither the still background nor the body */
        const float d2 = du * du + dv * dv, eu = du - bu, ev = dv - bv, e2 = eu * eu + ev * ev;
        const float r = sqrtf(d2) - gate, q = sqrtf(d2 < e2 ? d2 : e2) - gate;
        row[i] = (q > 0.0f ? q : 0.0f) * wr[i];
        rw[i] = wr[i];
        /* graded: what moves at all moves against the body (an arm
         * carried by a swaying body moves with the bow alone) */
        const float gu = du - gbu, gv = dv - gbv, g = sqrtf(gu * gu + gv * gv) - gate,
                    gw = (g > 0.0f ? g : 0.0f) * wr[i];
        rg[i] = d2 > still2 ? gw : 0.0f;
        rm[i] = r > fast ? wr[i] : 0.0f;
    }
}

/* The box's channel energies: mean gated residual magnitude over the
 * reliable pixels of the box and of its cells. A channel with too few
 * reliable pixels (flat, dark or clipped) is marked unseen. */
static void box_energy(camsep_motion *m, box_state *b, const float *u, const float *v, const float *wt, int s,
                       float ratio)
{
    const int xm = (b->x0 + b->x1) / 2, ym = (b->y0 + b->y1) / 2;
    const float gate = m->gate, still2 = GRADED_STILL_GATES * GRADED_STILL_GATES * gate * gate;
    double sum[4] = {0, 0, 0, 0}, cnt[4] = {0, 0, 0, 0}, moving = 0, graded = 0;
    const row_constants k = {m->gu, m->gv, m->gs, m->gr, m->cx, m->cy, b->bu, b->bv, b->gbu, b->gbv, m->gate,
                             still2, m->fast};
    float *row = m->row, *rw = row + m->width, *rg = rw + m->width, *rm = rg + m->width;
    for (int y = b->y0; y < b->y1; y++) {
        const float *ur = u + (size_t)y * s, *vr = v + (size_t)y * s, *wr = wt + (size_t)y * s;
        /* per pixel (a loop that vectorises), then summed in order */
        box_row(&k, ur + b->x0, vr + b->x0, wr + b->x0, b->x0, y, b->x1 - b->x0, row + b->x0, rw + b->x0,
                rg + b->x0, rm + b->x0);
        for (int x = b->x0; x < b->x1; x++) {
            graded += rg[x];
            moving += rm[x];
        }
        float left = 0.0f, right = 0.0f, wl = 0.0f, wrs = 0.0f;
        for (int x = b->x0; x < xm; x++) {
            left += row[x];
            wl += rw[x];
        }
        for (int x = xm; x < b->x1; x++) {
            right += row[x];
            wrs += rw[x];
        }
        const int bottom = y >= ym ? 2 : 0;
        sum[bottom] += left;
        sum[bottom + 1] += right;
        cnt[bottom] += wl;
        cnt[bottom + 1] += wrs;
    }
    const int cw[2] = {xm - b->x0, b->x1 - xm}, ch[2] = {ym - b->y0, b->y1 - ym};
    const double total = sum[0] + sum[1] + sum[2] + sum[3], tc = cnt[0] + cnt[1] + cnt[2] + cnt[3];
    const int area = (b->x1 - b->x0) * (b->y1 - b->y0);
    b->seen[0] = tc >= 1.0 && tc >= SEEN_SHARE * area;
    b->coverage = tc > 0 ? (float)(moving / tc) : 0.0f;
    if (b->seen[0]) {
        b->energy[0] = ratio * (float)(total / tc);
        b->graded_energy = ratio * (float)(graded / tc);
    }
    for (int c = 0; c < 4; c++) {
        const int a = cw[c & 1] * ch[c >> 1];
        if (a == 0) { /* a box one pixel wide or high: the empty cell follows the box */
            b->seen[1 + c] = b->seen[0];
            b->energy[1 + c] = b->energy[0];
            continue;
        }
        b->seen[1 + c] = cnt[c] >= 1.0 && cnt[c] >= SEEN_SHARE * a;
        if (b->seen[1 + c])
            b->energy[1 + c] = ratio * (float)(sum[c] / cnt[c]);
    }
}

/* Something large crossing the box (a person walking past, a camera
 * operator): a large share of the box moving fast, or a fair share with an
 * energy well above anything the player has shown (1.5 x: at 2 x, a picture
 * analysed 320 pixels wide let the occluder's first frame through as the
 * player's motion, tests/test_motion.c). Musicians' sound-producing motion
 * covers a small part of their box. Returns 1 while occluded. */
static int occlusion(const camsep_motion *m, box_state *b, float dt)
{
    const float share = m->cfg.occlusion_share;
    if (!(share < 1.0f) || !b->seen[0] || b->grace > 0.0f) {
        b->grace = b->grace > 0.0f ? b->grace - dt : 0.0f;
        b->occluded = 0;
        return 0;
    }
    const int extraordinary = b->tr[0].total > 0.0f && b->energy[0] > OUTLIER_RATIO * b->tr[0].ref;
    if ((b->coverage > share && !b->own_cover) || (b->coverage > OUTLIER_SHARE * share && extraordinary)) {
        b->occluded = 1;
        b->hang = OCCLUSION_HANG_FRAMES * m->typical_dt;
    } else if (b->occluded) {
        if (b->coverage <= 0.5f * share)
            b->hang -= dt;
        if (b->hang <= 0.0f)
            b->occluded = 0;
    }
    b->occluded_share += (1.0f - expf(-dt / OCCLUSION_SHARE_S)) * ((float)b->occluded - b->occluded_share);
    if (b->occluded && b->occluded_share > OCCLUSION_OWN) {
        b->occluded = 0;
        b->own_cover = 1;
        b->occluded_share = 0.0f;
        b->grace = OCCLUSION_GRACE_S;
    }
    return b->occluded;
}

/* The box's state before this update, for rewind_box. */
static void remember(box_state *b, float dt)
{
    memcpy(b->past[b->past_i].tr, b->tr, sizeof b->tr);
    b->past[b->past_i].graded = b->graded;
    memcpy(b->past[b->past_i].channel, b->channel, sizeof b->channel);
    b->past[b->past_i].p = b->p;
    b->past[b->past_i].dt = dt;
    b->past_i = (b->past_i + 1) % PAST_FRAMES;
    b->past_n += b->past_n < PAST_FRAMES;
}

/* An occluder is recognised only once it covers enough of the box, and the
 * frames while it came in were taken for the player's motion: held, their
 * spike would read as the player playing hard for the whole crossing (and
 * shut the split of same-instrument players, whose correlation it wrecks).
 * So the box goes back to its state OCCLUSION_REWIND_S before. */
static void rewind_box(box_state *b)
{
    float back = 0.0f;
    int k = 0, i = b->past_i;
    while (k < b->past_n && back < OCCLUSION_REWIND_S) {
        i = (i + PAST_FRAMES - 1) % PAST_FRAMES;
        back += b->past[i].dt;
        k++;
    }
    if (k == 0)
        return;
    memcpy(b->tr, b->past[i].tr, sizeof b->tr);
    b->graded = b->past[i].graded;
    memcpy(b->channel, b->past[i].channel, sizeof b->channel);
    b->p = b->past[i].p;
    b->past_n = 0;
}

int camsep_motion_update(camsep_motion *m, const camsep_flow *flow, int64_t timestamp_ns)
{
    if (!m || !flow || camsep_flow_input_width(flow) != m->width || camsep_flow_input_height(flow) != m->height)
        return -1;
    if (!camsep_flow_valid(flow)) {
        m->have_ts = 1; /* the next interval starts here */
        m->last_ts = timestamp_ns;
        return 0;
    }
    const int w = camsep_flow_width(flow), h = camsep_flow_height(flow), s = camsep_flow_stride(flow),
              scale = camsep_flow_scale(flow);
    const float *u = camsep_flow_u(flow), *v = camsep_flow_v(flow), *wt = camsep_flow_weight(flow);
    for (int j = 0; j < m->n; j++) {
        box_state *b = &m->b[j];
        span(b->box.x, b->box.w, scale, w, &b->x0, &b->x1);
        span(b->box.y, b->box.h, scale, h, &b->y0, &b->y1);
    }
    const float dt = interval(m, timestamp_ns);
    float ratio = m->typical_dt / dt;
    ratio = ratio < 0.25f ? 0.25f : (ratio > 4.0f ? 4.0f : ratio);
    global_motion(m, u, v, wt, s, w, h);
    {
        const float now = ratio * m->noise_now;
        if (isinf(m->noise_level))
            m->noise_level = now;
        else
            m->noise_level += (1.0f - expf(-dt / NOISE_S)) * (now - m->noise_level);
    }
    for (int j = 0; j < m->n; j++) {
        box_state *b = &m->b[j];
        body_motion(m, b, u, v, wt, s);
        box_energy(m, b, u, v, wt, s, ratio);
        const int was_occluded = b->occluded;
        if (occlusion(m, b, dt)) {
            if (!was_occluded)
                rewind_box(b);
            continue; /* held */
        }
        remember(b, dt);
        normalise_box(m, b, dt);
    }
    return 1;
}

/* ---- outputs ---- */

float camsep_motion_activity(const camsep_motion *m, int box)
{
    return m->b[box].p;
}

const float *camsep_motion_channels(const camsep_motion *m, int box)
{
    return m->b[box].channel;
}

const float *camsep_motion_energy(const camsep_motion *m, int box)
{
    return m->b[box].energy;
}

float camsep_motion_floor(const camsep_motion *m, int box, int channel)
{
    return m->b[box].tr[channel].floor;
}

float camsep_motion_reference(const camsep_motion *m, int box, int channel)
{
    return m->b[box].tr[channel].ref;
}

void camsep_motion_global(const camsep_motion *m, float *u, float *v)
{
    *u = m->gu;
    *v = m->gv;
}

float camsep_motion_coverage(const camsep_motion *m, int box)
{
    return m->b[box].coverage;
}

float camsep_motion_noise(const camsep_motion *m)
{
    return m->noise_level;
}

int camsep_motion_occluded(const camsep_motion *m, int box)
{
    return m->b[box].occluded;
}

float camsep_motion_gate(const camsep_motion *m)
{
    return m->gate;
}

void camsep_motion_fill_prior(const camsep_motion *m, camsep_prior *p)
{
    p->n_sources = m->n;
    p->held = 0;
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++) {
        for (int c = 0; c < CAMSEP_MAX_MOTION_CHANNELS; c++)
            p->motion[j][c] = 0.0f;
        if (j < m->n) {
            p->activity[j] = m->b[j].p;
            if (m->b[j].occluded || !m->b[j].seen[0])
                p->held |= 1u << j;
            for (int c = 0; c < CAMSEP_MOTION_CHANNELS; c++)
                p->motion[j][c] = m->b[j].channel[c];
        } else {
            p->activity[j] = NAN;
        }
    }
}
