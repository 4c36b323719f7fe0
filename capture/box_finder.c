/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "box_finder.h"

#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "select_kth.h"

/* Nothing is proposed unless the busiest cells move at least this much, in
 * input pixels per frame at 480 lines: a still stage with sensor noise of
 * 4 grey levels and a camera jittering by 2 pixels reaches 0.4, players
 * bowing 2.5 (camsep-scene, 320x240, scaled). */
#define MIN_MOTION 0.6f
/* A player's box spans the cells around its busiest ones that move at all:
 * above this share of the busiest cells' level (and twice the median cell). */
#define LOW_SHARE 0.02f
/* ... and is at least this many times as tall as it is wide, about the
 * moving part's middle. A box around a bow arm alone is wrong for the
 * capture: what moves is then most of the box, and is taken for the body's
 * sway (motion_energy.h, step 3). On Bach10's calm stages such strips cost
 * same-instrument duos up to 10 dB (bench/VIDEO.md). */
#define MIN_ASPECT 1.3f
/* ... and at most this many times as tall as wide (a strummed or plucked
 * instrument moves in a column), as far as the middle of the gap to a
 * neighbour allows. */
#define MAX_ASPECT 2.0f

/* Each cell's motion per frame is counted in a histogram of log2 bins,
 * HIST_PER_OCTAVE to an octave from HIST_LOWEST input pixels per frame up;
 * bin 0 is everything below. A cell's level is the value its motion reaches
 * in LEVEL_SHARE of the frames: a player who plays a third of a sound check
 * is busy there, and something crossing the stage, over a cell for a few
 * frames, or a single bump of the camera is not. */
#define HIST_BINS 40
#define HIST_PER_OCTAVE 2
#define HIST_LOWEST (1.0f / 256.0f)
#define LEVEL_SHARE 0.25

static int hist_bin(float v)
{
    if (!(v > HIST_LOWEST))
        return 0;
    const int b = 1 + (int)(HIST_PER_OCTAVE * log2f(v / HIST_LOWEST));
    return b < HIST_BINS ? b : HIST_BINS - 1;
}

static float cell_level(const uint32_t *hist)
{
    uint64_t total = 0;
    for (int b = 0; b < HIST_BINS; b++)
        total += hist[b];
    if (total == 0)
        return 0.0f;
    const double want = LEVEL_SHARE * (double)total;
    uint64_t above = 0;
    for (int b = HIST_BINS - 1; b > 0; b--) {
        above += hist[b];
        if ((double)above >= want)
            return HIST_LOWEST * exp2f((float)(b - 1) / HIST_PER_OCTAVE);
    }
    return 0.0f;
}

struct camsep_box_finder {
    camsep_box_finder_config cfg;
    int input_w, input_h, cols, rows;
    long frames;
    uint32_t *hist;     /* cols x rows x HIST_BINS: each frame's cell mean, log-binned */
    float *scratch;     /* working pixels: medians */
    float *cell_sum;    /* cols x rows, this frame */
    int *cell_count;
    /* proposal */
    float *mean;        /* cols x rows */
    unsigned char *busy, *closed, *tmp;
    int *label, *stack;
    /* per label (cells + CAMSEP_BOX_FINDER_MAX: splits add labels) */
    int *label_cells, *label_x0;
    double *label_motion;
    int *column_busy; /* columns */
};

void camsep_box_finder_config_default(camsep_box_finder_config *cfg)
{
    *cfg = (camsep_box_finder_config){.columns = 48, .noise_gate = 2.0f, .threshold = 0.2f, .min_cells = 3, .split_to_count = 0};
}

camsep_box_finder *camsep_box_finder_create(int input_width, int input_height, const camsep_box_finder_config *cfg)
{
    camsep_box_finder_config def;
    camsep_box_finder_config_default(&def);
    if (!cfg)
        cfg = &def;
    if (input_width < 8 || input_height < 8 || cfg->columns < 4 || cfg->columns > input_width ||
        !(cfg->noise_gate >= 0.0f) || !(cfg->threshold > 0.0f && cfg->threshold < 1.0f) || cfg->min_cells < 1)
        return NULL;
    camsep_box_finder *bf = calloc(1, sizeof *bf);
    if (!bf)
        return NULL;
    bf->cfg = *cfg;
    bf->input_w = input_width;
    bf->input_h = input_height;
    bf->cols = cfg->columns;
    bf->rows = (int)lround((double)cfg->columns * input_height / input_width);
    if (bf->rows < 2)
        bf->rows = 2;
    const size_t cells = (size_t)bf->cols * bf->rows;
    bf->hist = calloc(cells * HIST_BINS, sizeof *bf->hist);
    bf->scratch = malloc(sizeof(float) * (size_t)input_width * input_height);
    bf->cell_sum = malloc(sizeof(float) * cells);
    bf->cell_count = malloc(sizeof(int) * cells);
    bf->mean = malloc(sizeof(float) * cells);
    bf->busy = malloc(cells);
    bf->closed = malloc(cells);
    bf->tmp = malloc(cells);
    bf->label = malloc(sizeof(int) * cells);
    bf->stack = malloc(sizeof(int) * cells);
    bf->label_cells = malloc(sizeof(int) * (cells + CAMSEP_BOX_FINDER_MAX));
    bf->label_x0 = malloc(sizeof(int) * (cells + CAMSEP_BOX_FINDER_MAX));
    bf->label_motion = malloc(sizeof(double) * (cells + CAMSEP_BOX_FINDER_MAX));
    bf->column_busy = malloc(sizeof(int) * (size_t)bf->cols);
    if (!bf->hist || !bf->scratch || !bf->cell_sum || !bf->cell_count || !bf->mean || !bf->busy || !bf->closed ||
        !bf->tmp || !bf->label || !bf->stack || !bf->label_cells || !bf->label_x0 || !bf->label_motion ||
        !bf->column_busy) {
        camsep_box_finder_free(bf);
        return NULL;
    }
    return bf;
}

void camsep_box_finder_free(camsep_box_finder *bf)
{
    if (!bf)
        return;
    free(bf->hist);
    free(bf->scratch);
    free(bf->cell_sum);
    free(bf->cell_count);
    free(bf->mean);
    free(bf->busy);
    free(bf->closed);
    free(bf->tmp);
    free(bf->label);
    free(bf->stack);
    free(bf->label_cells);
    free(bf->label_x0);
    free(bf->label_motion);
    free(bf->column_busy);
    free(bf);
}

void camsep_box_finder_set_split(camsep_box_finder *bf, int split_to_count)
{
    bf->cfg.split_to_count = split_to_count != 0;
}

void camsep_box_finder_reset(camsep_box_finder *bf)
{
    memset(bf->hist, 0, sizeof *bf->hist * (size_t)bf->cols * bf->rows * HIST_BINS);
    bf->frames = 0;
}

void camsep_box_finder_size(const camsep_box_finder *bf, int *input_width, int *input_height)
{
    *input_width = bf->input_w;
    *input_height = bf->input_h;
}

static float median_of(float *x, size_t n)
{
    return camsep_select_kth(x, (int)n, (int)(n / 2));
}

/* The values of plane at the reliable working pixels, into out; how many. */
static size_t reliable(const float *plane, const float *wt, int W, int H, int stride, float *out)
{
    size_t n = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            if (wt[(size_t)y * stride + x] > 0.0f)
                out[n++] = plane[(size_t)y * stride + x];
    return n;
}

int camsep_box_finder_add(camsep_box_finder *bf, const camsep_flow *flow)
{
    if (camsep_flow_input_width(flow) != bf->input_w || camsep_flow_input_height(flow) != bf->input_h)
        return -1;
    if (!camsep_flow_valid(flow))
        return 0;
    const float *u = camsep_flow_u(flow), *v = camsep_flow_v(flow), *wt = camsep_flow_weight(flow);
    const int W = camsep_flow_width(flow), H = camsep_flow_height(flow), stride = camsep_flow_stride(flow);
    const float scale = (float)camsep_flow_scale(flow);
    size_t n = reliable(u, wt, W, H, stride, bf->scratch);
    if (n < 16)
        return 0;
    const float mu = median_of(bf->scratch, n);
    const float mv = median_of(bf->scratch, reliable(v, wt, W, H, stride, bf->scratch));
    n = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const size_t i = (size_t)y * stride + x;
            if (wt[i] > 0.0f)
                bf->scratch[n++] = hypotf(u[i] - mu, v[i] - mv);
        }
    const float gate = bf->cfg.noise_gate * median_of(bf->scratch, n);
    const size_t cells = (size_t)bf->cols * bf->rows;
    memset(bf->cell_sum, 0, sizeof(float) * cells);
    memset(bf->cell_count, 0, sizeof(int) * cells);
    for (int y = 0; y < H; y++) {
        const int row = (int)((long)y * bf->rows / H);
        for (int x = 0; x < W; x++) {
            const size_t i = (size_t)y * stride + x;
            if (!(wt[i] > 0.0f))
                continue;
            const size_t c = (size_t)row * bf->cols + (size_t)((long)x * bf->cols / W);
            const float r = hypotf(u[i] - mu, v[i] - mv) - gate;
            bf->cell_sum[c] += r > 0.0f ? r * scale : 0.0f;
            bf->cell_count[c]++;
        }
    }
    for (size_t c = 0; c < cells; c++)
        if (bf->cell_count[c] > 0)
            bf->hist[c * HIST_BINS + hist_bin(bf->cell_sum[c] / (float)bf->cell_count[c])]++;
    bf->frames++;
    return 1;
}

/* Closing by one cell: dilate, then erode. */
static void close_cells(const unsigned char *in, unsigned char *tmp, unsigned char *out, int cols, int rows)
{
    for (int y = 0; y < rows; y++)
        for (int x = 0; x < cols; x++) {
            unsigned char any = 0;
            for (int dy = -1; dy <= 1 && !any; dy++)
                for (int dx = -1; dx <= 1 && !any; dx++) {
                    const int yy = y + dy, xx = x + dx;
                    any = yy >= 0 && yy < rows && xx >= 0 && xx < cols && in[yy * cols + xx];
                }
            tmp[y * cols + x] = any;
        }
    for (int y = 0; y < rows; y++)
        for (int x = 0; x < cols; x++) {
            unsigned char all = 1;
            for (int dy = -1; dy <= 1 && all; dy++)
                for (int dx = -1; dx <= 1 && all; dx++) {
                    const int yy = y + dy, xx = x + dx;
                    if (yy >= 0 && yy < rows && xx >= 0 && xx < cols)
                        all = tmp[yy * cols + xx];
                }
            out[y * cols + x] = all || in[y * cols + x];
        }
}

/* Cell c's neighbours left, right, above and below that are in the grid. */
static int neighbours(int c, int cols, int rows, int next[4])
{
    const int x = c % cols, y = c / cols;
    int n = 0;
    if (x > 0)
        next[n++] = c - 1;
    if (x + 1 < cols)
        next[n++] = c + 1;
    if (y > 0)
        next[n++] = c - cols;
    if (y + 1 < rows)
        next[n++] = c + cols;
    return n;
}

typedef struct group {
    int id, x0, cells; /* its label, leftmost column, busy cells */
    double motion;
} group;

static int by_motion(const void *a, const void *b)
{
    const double d = ((const group *)b)->motion - ((const group *)a)->motion;
    return (d > 0) - (d < 0);
}

static int by_left(const void *a, const void *b)
{
    return ((const group *)a)->x0 - ((const group *)b)->x0;
}

/* Each label's busy cells, their motion and its leftmost column. */
static void count_labels(camsep_box_finder *bf, int n_labels)
{
    for (int l = 0; l < n_labels; l++) {
        bf->label_cells[l] = 0;
        bf->label_x0[l] = bf->cols;
        bf->label_motion[l] = 0.0;
    }
    const size_t cells = (size_t)bf->cols * bf->rows;
    for (size_t c = 0; c < cells; c++) {
        const int l = bf->label[c], x = (int)(c % (size_t)bf->cols);
        if (l < 0)
            continue;
        bf->label_x0[l] = x < bf->label_x0[l] ? x : bf->label_x0[l];
        if (bf->busy[c]) {
            bf->label_cells[l]++;
            bf->label_motion[l] += bf->mean[c];
        }
    }
}

static int players_found(const camsep_box_finder *bf, int n_labels)
{
    int n = 0;
    for (int l = 0; l < n_labels; l++)
        n += bf->label_cells[l] >= bf->cfg.min_cells;
    return n;
}

/* Fewer groups than the players the engineer counted: the closing may have
 * joined two neighbours across a still column (their arms come within two
 * cells of each other on a wide picture). The group whose busy cells fall
 * into two column ranges with a column of no busy cell between them, each
 * range a player's worth (min_cells), and most evenly, is split there: the
 * right range becomes label n_labels, the joining cells none. 0 when no
 * group can be split. */
static int split_joined(camsep_box_finder *bf, int n_labels)
{
    const int cols = bf->cols, rows = bf->rows;
    int best_label = -1, best_gap0 = 0, best_gap1 = 0, best_smaller = 0;
    for (int l = 0; l < n_labels; l++) {
        if (bf->label_cells[l] < 2 * bf->cfg.min_cells)
            continue;
        for (int x = 0; x < cols; x++)
            bf->column_busy[x] = 0;
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < cols; x++)
                bf->column_busy[x] += bf->label[y * cols + x] == l && bf->busy[y * cols + x];
        int left = 0;
        for (int x = 0; x < cols;) {
            if (bf->column_busy[x] > 0) {
                left += bf->column_busy[x++];
                continue;
            }
            int end = x;
            while (end < cols && bf->column_busy[end] == 0)
                end++;
            const int right = bf->label_cells[l] - left;
            const int smaller = left < right ? left : right;
            if (left > 0 && right > 0 && smaller >= bf->cfg.min_cells && smaller > best_smaller) {
                best_label = l;
                best_gap0 = x;
                best_gap1 = end;
                best_smaller = smaller;
            }
            x = end;
        }
    }
    if (best_label < 0)
        return 0;
    const size_t cells = (size_t)cols * rows;
    for (size_t c = 0; c < cells; c++) {
        const int x = (int)(c % (size_t)cols);
        if (bf->label[c] != best_label || x < best_gap0)
            continue;
        bf->label[c] = x < best_gap1 ? -1 : n_labels;
    }
    return 1;
}

int camsep_box_finder_propose(camsep_box_finder *bf, int max_boxes, camsep_box *boxes, float *confidence)
{
    if (max_boxes < 1 || bf->frames < 1)
        return 0;
    if (max_boxes > CAMSEP_BOX_FINDER_MAX)
        max_boxes = CAMSEP_BOX_FINDER_MAX;
    const int cols = bf->cols, rows = bf->rows;
    const size_t cells = (size_t)cols * rows;
    for (size_t c = 0; c < cells; c++)
        bf->mean[c] = bf->scratch[c] = cell_level(bf->hist + c * HIST_BINS);
    const float median = median_of(bf->scratch, cells);
    const size_t top = cells / 50 > 0 ? cells / 50 : 1;
    double top_sum = 0.0;
    camsep_select_kth(bf->scratch, (int)cells, (int)(cells - top));
    for (size_t c = cells - top; c < cells; c++)
        top_sum += bf->scratch[c];
    const float busiest = (float)(top_sum / (double)top);
    if (!(busiest >= MIN_MOTION * (float)bf->input_h / 480.0f))
        return 0;
    const float threshold = fmaxf(bf->cfg.threshold * busiest, 4.0f * median);
    for (size_t c = 0; c < cells; c++)
        bf->busy[c] = bf->mean[c] > threshold;
    close_cells(bf->busy, bf->tmp, bf->closed, cols, rows);
    for (size_t c = 0; c < cells; c++)
        bf->label[c] = -1;
    int n_labels = 0;
    for (size_t start = 0; start < cells; start++) {
        if (!bf->closed[start] || bf->label[start] >= 0)
            continue;
        int sp = 0;
        bf->stack[sp++] = (int)start;
        bf->label[start] = n_labels;
        while (sp > 0) {
            const int c = bf->stack[--sp];
            int next[4];
            const int count = neighbours(c, cols, rows, next);
            for (int k = 0; k < count; k++) {
                const int cc = next[k];
                if (bf->closed[cc] && bf->label[cc] < 0) {
                    bf->label[cc] = n_labels;
                    bf->stack[sp++] = cc;
                }
            }
        }
        n_labels++;
    }
    count_labels(bf, n_labels);
    if (bf->cfg.split_to_count)
        while (n_labels < (int)cells + CAMSEP_BOX_FINDER_MAX && players_found(bf, n_labels) < max_boxes &&
               split_joined(bf, n_labels)) {
            n_labels++;
            count_labels(bf, n_labels);
        }
    group found[CAMSEP_BOX_FINDER_MAX * 4];
    int n = 0;
    for (int l = 0; l < n_labels; l++) {
        const group g = {l, bf->label_x0[l], bf->label_cells[l], bf->label_motion[l]};
        if (g.cells < bf->cfg.min_cells)
            continue;
        if (n < (int)(sizeof found / sizeof found[0])) {
            found[n++] = g;
            continue;
        }
        int least = 0; /* full: the busier group stays */
        for (int i = 1; i < n; i++)
            if (found[i].motion < found[least].motion)
                least = i;
        if (g.motion > found[least].motion)
            found[least] = g;
    }
    qsort(found, (size_t)n, sizeof *found, by_motion);
    if (n > max_boxes)
        n = max_boxes;
    qsort(found, (size_t)n, sizeof *found, by_left);
    double total = 0.0;
    for (int i = 0; i < n; i++)
        total += found[i].motion;
    /* What moves most is the bow arm or the hands; the box is the player:
     * each group grows over the cells that move at all (the body's sway,
     * the head), breadth first from every group at once so that a cell goes
     * to the nearest player. */
    for (size_t c = 0; c < cells; c++) {
        int k = -1;
        for (int i = 0; i < n && bf->label[c] >= 0; i++)
            if (found[i].id == bf->label[c])
                k = i;
        bf->label[c] = k;
    }
    const float low = fmaxf(LOW_SHARE * busiest, 2.0f * median);
    size_t head = 0, tail = 0;
    for (size_t c = 0; c < cells; c++)
        if (bf->label[c] >= 0)
            bf->stack[tail++] = (int)c;
    while (head < tail) {
        const int c = bf->stack[head++];
        int next[4];
        const int count = neighbours(c, cols, rows, next);
        for (int k = 0; k < count; k++) {
            const int cc = next[k];
            if (bf->label[cc] < 0 && bf->mean[cc] > low) {
                bf->label[cc] = bf->label[c];
                bf->stack[tail++] = cc;
            }
        }
    }
    int bx0[CAMSEP_BOX_FINDER_MAX], by0[CAMSEP_BOX_FINDER_MAX], bx1[CAMSEP_BOX_FINDER_MAX],
        by1[CAMSEP_BOX_FINDER_MAX];
    for (int i = 0; i < n; i++)
        bx0[i] = cols, by0[i] = rows, bx1[i] = by1[i] = -1;
    for (size_t c = 0; c < cells; c++) {
        const int i = bf->label[c], x = (int)(c % (size_t)cols), y = (int)(c / (size_t)cols);
        if (i < 0)
            continue;
        bx0[i] = x < bx0[i] ? x : bx0[i];
        by0[i] = y < by0[i] ? y : by0[i];
        bx1[i] = x > bx1[i] ? x : bx1[i];
        by1[i] = y > by1[i] ? y : by1[i];
    }
    const float cw = (float)bf->input_w / cols, ch = (float)bf->input_h / rows;
    for (int i = 0; i < n; i++) {
        float left = bx0[i] * cw, right = (bx1[i] + 1) * cw;
        float top_edge = by0[i] * ch, bottom = (by1[i] + 1) * ch;
        const float tall = MIN_ASPECT * (right - left), wide = (bottom - top_edge) / MAX_ASPECT;
        if (bottom - top_edge < tall) {
            const float centre = 0.5f * (top_edge + bottom);
            top_edge = centre - 0.5f * tall;
            bottom = centre + 0.5f * tall;
        } else if (right - left < wide) {
            const float centre = 0.5f * (left + right);
            left = centre - 0.5f * wide;
            right = centre + 0.5f * wide;
            /* not past the middle of the gap to a neighbour */
            if (i > 0)
                left = fmaxf(left, 0.5f * ((bx1[i - 1] + 1) * cw + bx0[i] * cw));
            if (i + 1 < n)
                right = fminf(right, 0.5f * ((bx1[i] + 1) * cw + bx0[i + 1] * cw));
        }
        left = fmaxf(0.0f, left);
        right = fminf((float)bf->input_w, right);
        top_edge = fmaxf(0.0f, top_edge);
        bottom = fminf((float)bf->input_h, bottom);
        boxes[i] = (camsep_box){left, top_edge, right - left, bottom - top_edge};
        if (confidence)
            confidence[i] = total > 0.0 ? (float)(found[i].motion / total) : 0.0f;
    }
    /* Neighbours do not share picture: grown over a swaying body or widened
     * to their shape, two boxes can overlap, and a box over part of its
     * neighbour takes that neighbour's arm for its own player's motion. The
     * overlap is cut at its middle. */
    for (int i = 0; i + 1 < n; i++) {
        camsep_box *a = &boxes[i], *b = &boxes[i + 1];
        const float overlap_x = a->x + a->w - b->x;
        const int overlap_y = a->y < b->y + b->h && b->y < a->y + a->h;
        if (overlap_x <= 0.0f || !overlap_y)
            continue;
        const float cut = b->x + 0.5f * overlap_x;
        if (cut - a->x < 1.0f || b->x + b->w - cut < 1.0f)
            continue; /* one inside the other: left as found */
        a->w = cut - a->x;
        b->w = b->x + b->w - cut;
        b->x = cut;
    }
    return n;
}
