/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Synthetic stage scenes; see scene.h. */
#include "scene.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

struct scene_texture {
    int w, h;
    float *px;
};

typedef struct player_state {
    scene_texture *body, *arm;
    float *pos;     /* arm position along its stroke, per frame */
    float *travel;  /* distance travelled since the previous frame */
    float *gx, *gy; /* gesture offset of the arm, per frame */
    float phase_x, phase_y;
} player_state;

struct scene {
    scene_config cfg;
    int margin;
    scene_texture *background, *occluder;
    player_state pl[SCENE_MAX_PLAYERS];
    float *canvas;
    float *bg;      /* the background at offset (bg_x, bg_y), kept while the camera is still */
    float bg_x, bg_y;
    int bg_valid;
    float *zoomed;  /* the canvas after the zoom (NULL without one) */
    float *colgain;
};

/* ---- deterministic randomness: an integer hash (murmur-style finaliser) ---- */

static uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x85ebca6bu;
    x ^= x >> 13;
    x *= 0xc2b2ae35u;
    x ^= x >> 16;
    return x;
}

static uint32_t hash3(uint32_t seed, uint32_t a, uint32_t b)
{
    return mix32(seed ^ mix32(a * 0x9e3779b9u ^ mix32(b + 0x632be5abu)));
}

/* uniform in [0, 1) */
static double unif(uint32_t seed, uint32_t a, uint32_t b)
{
    return (double)(hash3(seed, a, b) >> 8) * (1.0 / 16777216.0);
}

/* ---- textures ---- */

static float lattice(uint32_t seed, int i, int j)
{
    return (float)(hash3(seed, (uint32_t)i, (uint32_t)j) >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

static float smooth01(float t)
{
    return t * t * (3.0f - 2.0f * t);
}

scene_texture *scene_texture_create(int w, int h, uint32_t seed, float detail)
{
    if (w < 1 || h < 1 || !(detail >= 2.0f))
        return NULL;
    scene_texture *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->w = w;
    t->h = h;
    t->px = calloc((size_t)w * h, sizeof(float));
    if (!t->px) {
        free(t);
        return NULL;
    }
    /* value noise, five octaves from `detail` to 16 x detail pixels */
    for (int o = 0; o < 5; o++) {
        const float cell = detail * (float)(1 << o);
        const float amp = powf((float)(1 << o), 0.6f);
        const uint32_t os = mix32(seed + 7919u * (uint32_t)(o + 1));
        for (int y = 0; y < h; y++) {
            float gy = (float)y / cell;
            int iy = (int)floorf(gy);
            float ty = smooth01(gy - (float)iy);
            float *row = t->px + (size_t)y * w;
            int last = -1; /* the lattice cell whose corners a-d hold (x >= 0: ix >= 0) */
            float a = 0, b = 0, c = 0, d = 0;
            for (int x = 0; x < w; x++) {
                float gx = (float)x / cell;
                int ix = (int)floorf(gx);
                float tx = smooth01(gx - (float)ix);
                if (ix != last) {
                    last = ix;
                    a = lattice(os, ix, iy);
                    b = lattice(os, ix + 1, iy);
                    c = lattice(os, ix, iy + 1);
                    d = lattice(os, ix + 1, iy + 1);
                }
                float top = a + tx * (b - a), bot = c + tx * (d - c);
                row[x] += amp * (top + ty * (bot - top));
            }
        }
    }
    double sum = 0, sum2 = 0;
    const size_t n = (size_t)w * h;
    for (size_t i = 0; i < n; i++) {
        sum += t->px[i];
        sum2 += (double)t->px[i] * t->px[i];
    }
    double mean = sum / (double)n, sd = sqrt(fmax(sum2 / (double)n - mean * mean, 1e-12));
    for (size_t i = 0; i < n; i++) {
        float v = 128.0f + 45.0f * (float)((t->px[i] - mean) / sd);
        t->px[i] = v < 4.0f ? 4.0f : (v > 251.0f ? 251.0f : v);
    }
    return t;
}

void scene_texture_free(scene_texture *t)
{
    if (!t)
        return;
    free(t->px);
    free(t);
}

static float tex_sample(const scene_texture *t, float x, float y)
{
    const float hx = (float)(t->w - 1), hy = (float)(t->h - 1);
    x = x > 0.0f ? (x < hx ? x : hx) : 0.0f;
    y = y > 0.0f ? (y < hy ? y : hy) : 0.0f;
    int ix = (int)x, iy = (int)y;
    if (ix > t->w - 2)
        ix = t->w > 1 ? t->w - 2 : 0;
    if (iy > t->h - 2)
        iy = t->h > 1 ? t->h - 2 : 0;
    float fx = x - (float)ix, fy = y - (float)iy;
    const float *p = t->px + (size_t)iy * t->w + ix;
    const int dx = t->w > 1 ? 1 : 0, dy = t->h > 1 ? t->w : 0;
    float top = p[0] + fx * (p[dx] - p[0]), bot = p[dy] + fx * (p[dy + dx] - p[dy]);
    return top + fy * (bot - top);
}

static uint8_t to_u8(float v)
{
    v = v < 0.0f ? 0.0f : (v > 255.0f ? 255.0f : v);
    return (uint8_t)(v + 0.5f);
}

void scene_texture_render(const scene_texture *t, float dx, float dy, float gain, float offset, uint8_t *out,
                          int w, int h, int stride)
{
    const float ox = 0.5f * (float)(t->w - w), oy = 0.5f * (float)(t->h - h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            out[(size_t)y * stride + x] = to_u8(gain * tex_sample(t, (float)x - dx + ox, (float)y - dy + oy) + offset);
}

/* ---- scenes ---- */

void scene_config_default(scene_config *cfg, int width, int height, int n_players)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->width = width;
    cfg->height = height;
    cfg->fps = 30.0;
    cfg->seed = 1;
    if (n_players > SCENE_MAX_PLAYERS)
        n_players = SCENE_MAX_PLAYERS;
    cfg->n_players = n_players;
    const float slot = (float)width / (float)(n_players > 0 ? n_players : 1);
    for (int j = 0; j < n_players; j++) {
        scene_player *p = &cfg->player[j];
        p->w = 0.8f * slot;
        p->h = 0.7f * (float)height;
        p->x = ((float)j + 0.1f) * slot;
        p->y = 0.2f * (float)height;
        p->stroke = 0.35f * p->w;
        p->speed = 0.008f * (float)width;
        p->vertical = j % 3 == 2;
    }
    cfg->sway_hz = 0.3f;
    cfg->gesture_s = 1.0f;
    cfg->fade_period_s = 6.0f;
    cfg->occluder_y = 0.3f * (float)height;
    cfg->occluder_w = 0.15f * (float)width;
    cfg->occluder_h = 0.6f * (float)height;
}

static float activity_at(const scene_config *c, int j, int frame)
{
    const float *a = c->player[j].activity;
    if (!a || c->frames <= 0)
        return 0.0f;
    if (frame >= c->frames)
        frame = c->frames - 1;
    if (frame < 0)
        frame = 0;
    float v = a[frame];
    return v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;
}

/* body and arm geometry inside the box */
static void body_rect(const scene_player *p, float r[4])
{
    r[0] = p->x + 0.3f * p->w;
    r[1] = p->y + 0.1f * p->h;
    r[2] = 0.4f * p->w;
    r[3] = 0.85f * p->h;
}

static void arm_size(const scene_player *p, float *aw, float *ah)
{
    if (!p->vertical) {
        *aw = 0.55f * p->w;
        *ah = fmaxf(4.0f, 0.1f * p->h);
    } else {
        *aw = fmaxf(4.0f, 0.14f * p->w);
        *ah = 0.4f * p->h;
    }
}

scene *scene_create(const scene_config *cfg)
{
    if (!cfg || cfg->width < 16 || cfg->height < 16 || cfg->n_players < 0 || cfg->n_players > SCENE_MAX_PLAYERS ||
        !(cfg->fps > 0) || cfg->frames < 0 || !(cfg->jitter_px >= 0 && cfg->jitter_px <= 100) ||
        !(cfg->spot >= 0 && cfg->spot <= 0.3f) || !(cfg->zoom >= 0 && cfg->zoom <= 1) ||
        !(cfg->zoom_period_s >= 0))
        return NULL;
    scene *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->cfg = *cfg;
    const int W = cfg->width, H = cfg->height, F = cfg->frames > 0 ? cfg->frames : 1;
    const float detail = fmaxf(2.0f, (float)W / 160.0f);
    s->margin = (int)ceilf(2.0f * cfg->shake_px + cfg->jitter_px) + 4;
    s->background = scene_texture_create(W + 2 * s->margin, H + 2 * s->margin, cfg->seed * 31u + 1u, detail);
    s->occluder = scene_texture_create((int)cfg->occluder_w + 4, (int)cfg->occluder_h + 4, cfg->seed * 31u + 2u,
                                       detail);
    s->canvas = malloc((size_t)W * H * sizeof(float));
    s->bg = malloc((size_t)W * H * sizeof(float));
    s->colgain = malloc((size_t)W * sizeof(float));
    if (cfg->zoom > 0 && cfg->zoom_period_s > 0)
        s->zoomed = malloc((size_t)W * H * sizeof(float));
    int ok = s->background && s->occluder && s->canvas && s->bg && s->colgain &&
             (s->zoomed || !(cfg->zoom > 0 && cfg->zoom_period_s > 0));
    for (int j = 0; ok && j < cfg->n_players; j++) {
        const scene_player *p = &cfg->player[j];
        player_state *ps = &s->pl[j];
        float br[4], aw, ah;
        body_rect(p, br);
        arm_size(p, &aw, &ah);
        ps->body = scene_texture_create((int)br[2] + 4, (int)br[3] + 4, cfg->seed * 31u + 10u + (uint32_t)j, detail);
        ps->arm = scene_texture_create((int)aw + 4, (int)ah + 4, cfg->seed * 31u + 20u + (uint32_t)j,
                                       fmaxf(2.0f, 0.5f * detail));
        ps->pos = calloc((size_t)F, sizeof(float));
        ps->travel = calloc((size_t)F, sizeof(float));
        ps->gx = calloc((size_t)F, sizeof(float));
        ps->gy = calloc((size_t)F, sizeof(float));
        if (!ps->body || !ps->arm || !ps->pos || !ps->travel || !ps->gx || !ps->gy) {
            ok = 0;
            break;
        }
        /* bodies a little darker than the background, arms brighter, with more contrast */
        for (size_t i = 0; i < (size_t)ps->body->w * ps->body->h; i++)
            ps->body->px[i] = 0.8f * ps->body->px[i];
        for (size_t i = 0; i < (size_t)ps->arm->w * ps->arm->h; i++)
            ps->arm->px[i] = fminf(255.0f, fmaxf(0.0f, 135.0f + 1.1f * (ps->arm->px[i] - 128.0f)));
        ps->phase_x = (float)(2.0 * PI * unif(cfg->seed, 100u + (uint32_t)j, 1u));
        ps->phase_y = (float)(2.0 * PI * unif(cfg->seed, 100u + (uint32_t)j, 2u));
        /* the arm: a triangle wave whose speed follows the activity */
        const float half = 0.5f * p->stroke;
        float pos = half > 0 ? (float)((2.0 * unif(cfg->seed, 200u + (uint32_t)j, 0u) - 1.0) * half) : 0.0f;
        float dir = unif(cfg->seed, 200u + (uint32_t)j, 1u) < 0.5 ? -1.0f : 1.0f;
        ps->pos[0] = pos;
        for (int f = 1; f < F; f++) {
            float step = p->speed * activity_at(cfg, j, f);
            ps->travel[f] = step;
            pos += dir * step;
            for (int guard = 0; guard < 8 && half > 0 && (pos > half || pos < -half); guard++) {
                if (pos > half) {
                    pos = 2 * half - pos;
                    dir = -1.0f;
                } else {
                    pos = -2 * half - pos;
                    dir = 1.0f;
                }
            }
            ps->pos[f] = pos;
        }
        /* gestures during rests: the arm lifts and comes back */
        if (cfg->gesture_px > 0 && cfg->gesture_s > 0) {
            const int dur = (int)lround(cfg->gesture_s * cfg->fps);
            const double prob = 1.0 / (2.5 * cfg->fps);
            for (int f = 0; f < F;) {
                if (activity_at(cfg, j, f) < 0.02f && unif(cfg->seed, 300u + (uint32_t)j, (uint32_t)f) < prob &&
                    dur > 1) {
                    for (int k = 0; k < dur && f + k < F; k++) {
                        double ph = (double)k / (double)dur;
                        double b = sin(PI * ph);
                        ps->gy[f + k] = (float)(-cfg->gesture_px * b * b);
                        ps->gx[f + k] = (float)(0.3 * cfg->gesture_px * sin(2.0 * PI * ph));
                    }
                    f += dur;
                } else {
                    f++;
                }
            }
        }
    }
    if (!ok) {
        scene_free(s);
        return NULL;
    }
    return s;
}

void scene_free(scene *s)
{
    if (!s)
        return;
    scene_texture_free(s->background);
    scene_texture_free(s->occluder);
    for (int j = 0; j < SCENE_MAX_PLAYERS; j++) {
        scene_texture_free(s->pl[j].body);
        scene_texture_free(s->pl[j].arm);
        free(s->pl[j].pos);
        free(s->pl[j].travel);
        free(s->pl[j].gx);
        free(s->pl[j].gy);
    }
    free(s->canvas);
    free(s->bg);
    free(s->zoomed);
    free(s->colgain);
    free(s);
}

const scene_config *scene_get_config(const scene *s)
{
    return &s->cfg;
}

void scene_shake(const scene *s, int frame, float *dx, float *dy)
{
    const scene_config *c = &s->cfg;
    *dx = *dy = 0;
    if (c->shake_px > 0) {
        double t = frame / c->fps;
        double jx = 2.0 * unif(c->seed, 400u, (uint32_t)frame) - 1.0,
               jy = 2.0 * unif(c->seed, 401u, (uint32_t)frame) - 1.0;
        *dx = (float)(c->shake_px * (0.6 * sin(2.0 * PI * 2.3 * t) + 0.4 * jx));
        *dy = (float)(c->shake_px * (0.6 * sin(2.0 * PI * 1.7 * t + 1.0) + 0.4 * jy));
    }
    if (c->jitter_px > 0) {
        *dx += (float)(c->jitter_px * (2.0 * unif(c->seed, 402u, (uint32_t)frame) - 1.0));
        *dy += (float)(c->jitter_px * (2.0 * unif(c->seed, 403u, (uint32_t)frame) - 1.0));
    }
}

float scene_zoom(const scene *s, int frame)
{
    const scene_config *c = &s->cfg;
    if (!(c->zoom > 0 && c->zoom_period_s > 0))
        return 1.0f;
    return (float)(1.0 + c->zoom * (0.5 - 0.5 * cos(2.0 * PI * (frame / c->fps) / c->zoom_period_s)));
}

float scene_arm_speed(const scene *s, int player, int frame)
{
    if (player < 0 || player >= s->cfg.n_players || frame <= 0)
        return 0.0f;
    const int F = s->cfg.frames > 0 ? s->cfg.frames : 1;
    if (frame >= F)
        return 0.0f;
    return s->pl[player].travel[frame];
}

/* Anti-aliased rectangle [rx, rx+rw) x [ry, ry+rh) painted with texture t
 * (texture coordinates relative to the rectangle's corner). */
static void paint(float *canvas, int W, int H, const scene_texture *t, float rx, float ry, float rw, float rh)
{
    int x0 = (int)floorf(rx), x1 = (int)ceilf(rx + rw), y0 = (int)floorf(ry), y1 = (int)ceilf(ry + rh);
    if (x0 < 0)
        x0 = 0;
    if (y0 < 0)
        y0 = 0;
    if (x1 > W)
        x1 = W;
    if (y1 > H)
        y1 = H;
    for (int y = y0; y < y1; y++) {
        float cy = fminf((float)(y + 1), ry + rh) - fmaxf((float)y, ry);
        if (cy <= 0)
            continue;
        cy = fminf(cy, 1.0f);
        float *row = canvas + (size_t)y * W;
        for (int x = x0; x < x1; x++) {
            float cx = fminf((float)(x + 1), rx + rw) - fmaxf((float)x, rx);
            if (cx <= 0)
                continue;
            float a = fminf(cx, 1.0f) * cy;
            float v = tex_sample(t, (float)x + 0.5f - rx + 1.0f, (float)y + 0.5f - ry + 1.0f);
            row[x] += a * (v - row[x]);
        }
    }
}

/* Output pixel i of n, zoomed by z about the centre, reads between source
 * pixels *i0 and *i1 (clamped to the frame) at the returned fraction. */
static float zoom_tap(int i, int n, float z, int *i0, int *i1)
{
    const float c = 0.5f * (float)n, f = c + ((float)i + 0.5f - c) / z - 0.5f;
    const int lo = (int)floorf(f);
    *i0 = lo < 0 ? 0 : (lo > n - 1 ? n - 1 : lo);
    *i1 = lo + 1 < 0 ? 0 : (lo + 1 > n - 1 ? n - 1 : lo + 1);
    return f - (float)lo;
}

void scene_render(scene *s, int frame, uint8_t *luma, int stride)
{
    const scene_config *c = &s->cfg;
    const int W = c->width, H = c->height;
    const double t = frame / c->fps;
    const int F = c->frames > 0 ? c->frames : 1;
    const int fa = frame < 0 ? 0 : (frame >= F ? F - 1 : frame);
    float sx, sy;
    scene_shake(s, frame, &sx, &sy);
    /* background: one sub-pixel offset for the whole frame (interpolated
     * again only when the camera has moved) */
    if (!s->bg_valid || sx != s->bg_x || sy != s->bg_y) {
        const float bx = 0.5f - sx + (float)s->margin, by = 0.5f - sy + (float)s->margin;
        const int ix = (int)floorf(bx), iy = (int)floorf(by);
        const float fx = bx - (float)ix, fy = by - (float)iy;
        const scene_texture *bg = s->background;
        for (int y = 0; y < H; y++) {
            int r0 = y + iy, r1 = r0 + 1;
            r0 = r0 < 0 ? 0 : (r0 > bg->h - 1 ? bg->h - 1 : r0);
            r1 = r1 < 0 ? 0 : (r1 > bg->h - 1 ? bg->h - 1 : r1);
            const float *a = bg->px + (size_t)r0 * bg->w, *b = bg->px + (size_t)r1 * bg->w;
            float *row = s->bg + (size_t)y * W;
            for (int x = 0; x < W; x++) {
                int c0 = x + ix, c1 = c0 + 1;
                c0 = c0 < 0 ? 0 : (c0 > bg->w - 1 ? bg->w - 1 : c0);
                c1 = c1 < 0 ? 0 : (c1 > bg->w - 1 ? bg->w - 1 : c1);
                float top = a[c0] + fx * (a[c1] - a[c0]), bot = b[c0] + fx * (b[c1] - b[c0]);
                row[x] = top + fy * (bot - top);
            }
        }
        s->bg_x = sx;
        s->bg_y = sy;
        s->bg_valid = 1;
    }
    memcpy(s->canvas, s->bg, (size_t)W * H * sizeof(float));
    /* players: body, then the arm on top */
    for (int j = 0; j < c->n_players; j++) {
        const scene_player *p = &c->player[j];
        const player_state *ps = &s->pl[j];
        float swx = (float)(c->sway_px * sin(2.0 * PI * c->sway_hz * t + ps->phase_x));
        float swy = (float)(0.3 * c->sway_px * sin(2.0 * PI * 0.7 * c->sway_hz * t + ps->phase_y));
        float br[4], aw, ah;
        body_rect(p, br);
        paint(s->canvas, W, H, ps->body, br[0] + swx + sx, br[1] + swy + sy, br[2], br[3]);
        arm_size(p, &aw, &ah);
        float cx = p->x + 0.5f * p->w + swx + sx + ps->gx[fa];
        float cy = p->y + 0.55f * p->h + swy + sy + ps->gy[fa];
        if (!p->vertical)
            cx += ps->pos[fa];
        else
            cy += ps->pos[fa];
        paint(s->canvas, W, H, ps->arm, cx - 0.5f * aw, cy - 0.5f * ah, aw, ah);
    }
    /* the occluder crosses from left to right */
    if (c->occluder_frames > 0 && frame >= c->occluder_start && frame < c->occluder_start + c->occluder_frames) {
        float k = (float)(frame - c->occluder_start) / (float)c->occluder_frames;
        float ox = -c->occluder_w + k * ((float)W + c->occluder_w);
        paint(s->canvas, W, H, s->occluder, ox + sx, c->occluder_y + sy, c->occluder_w, c->occluder_h);
    }
    /* the camera zooms about the centre: bilinear resampling of the stage */
    const float *stage = s->canvas;
    if (s->zoomed) {
        const float z = scene_zoom(s, frame);
        for (int y = 0; y < H; y++) {
            int y0, y1;
            const float ay = zoom_tap(y, H, z, &y0, &y1);
            const float *r0 = s->canvas + (size_t)y0 * W, *r1 = s->canvas + (size_t)y1 * W;
            for (int x = 0; x < W; x++) {
                int x0, x1;
                const float ax = zoom_tap(x, W, z, &x0, &x1);
                const float top = r0[x0] + ax * (r0[x1] - r0[x0]), bot = r1[x0] + ax * (r1[x1] - r1[x0]);
                s->zoomed[(size_t)y * W + x] = top + ay * (bot - top);
            }
        }
        stage = s->zoomed;
    }
    /* light: fades, flicker, offset, a moving wash; then sensor noise */
    double gain = 1.0;
    if (c->fade_depth > 0 && c->fade_period_s > 0)
        gain *= 1.0 - c->fade_depth * (0.5 - 0.5 * cos(2.0 * PI * t / c->fade_period_s));
    if (c->flicker > 0)
        gain *= 1.0 + c->flicker * (2.0 * unif(c->seed, 500u, (uint32_t)frame) - 1.0);
    const float off = c->offset > 0 ? (float)(c->offset * (2.0 * unif(c->seed, 501u, (uint32_t)frame) - 1.0)) : 0.0f;
    const uint32_t nseed = mix32(c->seed ^ 0xabcdef01u) ^ mix32((uint32_t)frame * 2654435761u);
    float *colgain = s->colgain; /* the light's gain per column (the wash varies along x) */
    for (int x = 0; x < W; x++)
        colgain[x] = (float)gain *
                     (c->wash > 0 ? 1.0f + c->wash * (float)sin(2.0 * PI * ((double)x / (0.8 * W) + 0.15 * t)) : 1.0f);
    /* a spotlight on the first player: a soft-edged disc over its box */
    float spot_gain = 1.0f, spot_cx = 0, spot_cy = 0, spot_r = 1;
    if (c->spot > 0 && c->n_players > 0) {
        const scene_player *p = &c->player[0];
        spot_gain = (float)((1.0 + c->spot * (2.0 * unif(c->seed, 502u, (uint32_t)frame) - 1.0)) *
                            (1.0 - 3.0 * c->spot * (0.5 - 0.5 * cos(2.0 * PI * t / 4.0))));
        spot_cx = p->x + 0.5f * p->w + sx;
        spot_cy = p->y + 0.5f * p->h + sy;
        spot_r = 0.6f * fmaxf(p->w, p->h);
    }
    const float noise = c->noise; /* locals: the byte stores below may alias c */
    for (int y = 0; y < H; y++) {
        const float *row = stage + (size_t)y * W;
        uint8_t *out = luma + (size_t)y * stride;
        for (int x = 0; x < W; x++) {
            float v = colgain[x] * row[x] + off;
            if (spot_gain != 1.0f) {
                float dx = ((float)x - spot_cx) / spot_r, dy = ((float)y - spot_cy) / spot_r;
                float d2 = dx * dx + dy * dy;
                if (d2 < 1.0f) {
                    float e = 1.0f - d2;
                    v *= 1.0f + (spot_gain - 1.0f) * e * e;
                }
            }
            if (noise > 0) {
                uint32_t hsh = mix32(nseed ^ ((uint32_t)y * 0x9e3779b9u + (uint32_t)x));
                /* sum of four uniform bytes: close to Gaussian, unit variance after scaling */
                float u = (float)((hsh & 255u) + ((hsh >> 8) & 255u) + ((hsh >> 16) & 255u) + (hsh >> 24));
                v += noise * (u - 510.0f) * (1.0f / 147.8f);
            }
            out[x] = to_u8(v);
        }
    }
}

/* ---- activity scripts ---- */

void scene_activity_script(float *out, int frames, double fps, uint32_t seed)
{
    int f = 0, seg = 0;
    int playing = unif(seed, 600u, 0u) < 0.5;
    while (f < frames) {
        double u = unif(seed, 601u, (uint32_t)seg);
        int len = (int)lround((playing ? 2.0 + 3.0 * u : 1.0 + 2.0 * u) * fps);
        if (len < 1)
            len = 1;
        double base = 0.25 + 0.75 * unif(seed, 602u, (uint32_t)seg);
        double period = 1.5 + unif(seed, 603u, (uint32_t)seg);
        double phase = 2.0 * PI * unif(seed, 604u, (uint32_t)seg);
        int ramp = (int)lround(0.1 * fps);
        for (int k = 0; k < len && f < frames; k++, f++) {
            if (!playing) {
                out[f] = 0.0f;
                continue;
            }
            double level = base + 0.25 * sin(2.0 * PI * (k / fps) / period + phase);
            level = level < 0.25 ? 0.25 : (level > 1.0 ? 1.0 : level);
            double env = 1.0;
            if (ramp > 0 && k < ramp)
                env = (double)(k + 1) / (ramp + 1);
            if (ramp > 0 && len - 1 - k < ramp)
                env = fmin(env, (double)(len - k) / (ramp + 1));
            out[f] = (float)(level * env);
        }
        playing = !playing;
        seg++;
    }
}

/* ---- Y4M ---- */

struct scene_y4m {
    FILE *fp;
    int w, h, c420;
    uint8_t *chroma;
};

static long gcd(long a, long b)
{
    while (b) {
        long r = a % b;
        a = b;
        b = r;
    }
    return a > 0 ? a : 1;
}

scene_y4m *scene_y4m_open(const char *path, int w, int h, double fps, int chroma420)
{
    if (w < 1 || h < 1 || !(fps > 0))
        return NULL;
    scene_y4m *y = calloc(1, sizeof *y);
    if (!y)
        return NULL;
    y->fp = fopen(path, "wb");
    y->w = w;
    y->h = h;
    y->c420 = chroma420;
    if (chroma420) {
        size_t n = (size_t)((w + 1) / 2) * ((h + 1) / 2);
        y->chroma = malloc(n);
        if (y->chroma)
            memset(y->chroma, 128, n);
    }
    if (!y->fp || (chroma420 && !y->chroma)) {
        if (y->fp)
            fclose(y->fp);
        free(y->chroma);
        free(y);
        return NULL;
    }
    long num = lround(fps * 1000.0), den = 1000, g = gcd(num, den);
    num /= g;
    den /= g;
    fprintf(y->fp, "YUV4MPEG2 W%d H%d F%ld:%ld Ip A1:1 %s\n", w, h, num, den, chroma420 ? "C420jpeg" : "Cmono");
    return y;
}

int scene_y4m_write(scene_y4m *y, const uint8_t *luma, int stride)
{
    if (fputs("FRAME\n", y->fp) < 0)
        return -1;
    for (int r = 0; r < y->h; r++)
        if (fwrite(luma + (size_t)r * stride, 1, (size_t)y->w, y->fp) != (size_t)y->w)
            return -1;
    if (y->c420) {
        size_t n = (size_t)((y->w + 1) / 2) * ((y->h + 1) / 2);
        if (fwrite(y->chroma, 1, n, y->fp) != n || fwrite(y->chroma, 1, n, y->fp) != n)
            return -1;
    }
    return 0;
}

int scene_y4m_close(scene_y4m *y)
{
    if (!y)
        return 0;
    int rc = fclose(y->fp) == 0 ? 0 : -1;
    free(y->chroma);
    free(y);
    return rc;
}
