/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Dictionaries learned from a sound check (engine/soundcheck.h): frames are
 * classified by who plays; each player's dictionary explains that player's
 * unseen notes better than the other's; the together part is used; too
 * little alone material, a cancel or bad arguments leave the caller's
 * dictionaries as they were; the same seed gives the same atoms. And the
 * weighted fit under it (nmf_refine): a value of weight 0 does not count. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nmf.h"
#include "soundcheck.h"
#include "spectral_shift.h"
#include "test_support.h"

#define BINS 129
#define ATOMS 6
#define FRAME_S 0.01

/* A note of player j at pitch bin f0: harmonics with the player's own
 * envelope (player 0 bright and all harmonics, player 1 dark and odd ones). */
static void note(int player, int f0, float level, float *v)
{
    for (int h = 1; h * f0 < BINS; h++) {
        if (player == 1 && h % 2 == 0)
            continue;
        float amp = player == 0 ? 1.0f / h : 1.0f / (h * h);
        v[h * f0] += level * amp;
        if (h * f0 + 1 < BINS)
            v[h * f0 + 1] += 0.3f * level * amp;
    }
}

/* Frames of a sound check: player 0 alone, player 1 alone, both; each plays
 * the pitches of its list in turn (one pitch per 10 frames). */
typedef struct stage {
    size_t frames;
    float *V, *activity;
} stage;

static const int PITCH0[] = {5, 6, 7, 9, 10};
static const int PITCH1[] = {4, 5, 7, 8};

static void add_player(stage *s, size_t n, int j, size_t k)
{
    const int *pitches = j == 0 ? PITCH0 : PITCH1;
    const int count = j == 0 ? 5 : 4;
    note(j, pitches[(k / 10) % (size_t)count], 1.0f + 0.3f * (float)((k / 10) % 3), s->V + n * BINS);
    s->activity[n * 2 + j] = 0.9f;
}

static stage make_stage(size_t alone0, size_t alone1, size_t together)
{
    stage s = {.frames = alone0 + alone1 + together};
    s.V = calloc(s.frames * BINS, sizeof(float));
    s.activity = calloc(s.frames * 2, sizeof(float));
    CHECK(s.V && s.activity);
    for (size_t n = 0; n < s.frames; n++) {
        if (n < alone0) {
            add_player(&s, n, 0, n);
            s.activity[n * 2 + 1] = 0.1f; /* an idle gesture now and then */
        } else if (n < alone0 + alone1) {
            add_player(&s, n, 1, n);
            s.activity[n * 2 + 0] = (n / 37) % 2 ? 0.05f : 0.2f;
        } else {
            add_player(&s, n, 0, n);
            add_player(&s, n, 1, n + 5);
        }
        for (int f = 0; f < BINS; f++)
            s.V[n * BINS + f] += 1e-3f; /* room noise */
    }
    return s;
}

static void free_stage(stage *s)
{
    free(s->V);
    free(s->activity);
}

static camsep_soundcheck_params params(void)
{
    camsep_soundcheck_params p;
    camsep_soundcheck_defaults(&p);
    p.atoms = ATOMS;
    p.iterations = 80;
    p.joint_iterations = 30;
    p.min_alone_s = 1.0;
    p.hold_s = 0.05;
    return p;
}

static void make_dicts(camsep_dictionary **d, int n)
{
    char err[256];
    for (int j = 0; j < n; j++) {
        d[j] = camsep_dictionary_new(ATOMS, 16000.0, 2 * (BINS - 1), j ? "b" : "a", err, sizeof err);
        CHECK_MSG(d[j], "%s", err);
        for (int i = 0; i < ATOMS * BINS; i++)
            d[j]->atoms[i] = 1.0f / BINS;
    }
}

/* KL of the best fit of frame v by dictionary d alone (activations by batch NMF). */
static double fit_error(const camsep_dictionary *d, const float *v)
{
    float W[ATOMS * BINS], H[ATOMS], y[BINS];
    memcpy(W, d->atoms, sizeof W);
    float H0[ATOMS];
    for (int k = 0; k < ATOMS; k++)
        H0[k] = 1.0f;
    float Wcopy[ATOMS * BINS];
    memcpy(Wcopy, W, sizeof W);
    CHECK(nmf_refine(v, NULL, 1, BINS, ATOMS, 200, 0, 1.0f, Wcopy, H0, H, NULL, NULL) == 0);
    CHECK(memcmp(Wcopy, W, sizeof W) == 0); /* H-only iterations leave W alone */
    for (int f = 0; f < BINS; f++) {
        y[f] = 1e-9f;
        for (int k = 0; k < ATOMS; k++)
            y[f] += W[k * BINS + f] * H[k];
    }
    double e = 0.0, total = 0.0;
    for (int f = 0; f < BINS; f++) {
        e += v[f] * log((v[f] + 1e-9) / y[f]) - v[f] + y[f];
        total += v[f];
    }
    return e / total;
}

static void classify(void)
{
    stage s = make_stage(200, 150, 120);
    camsep_soundcheck_params p = params();
    uint32_t *cls = malloc(sizeof(uint32_t) * s.frames);
    camsep_soundcheck_material m[2];
    CHECK(camsep_soundcheck_classify(s.V, s.activity, s.frames, BINS, 2, FRAME_S, &p, cls, m) == 0);
    CHECK(cls[10] == 1u && cls[210] == 2u && cls[400] == 3u);
    /* the frames around a change are ambiguous (mean over +-hold): a little less than the parts */
    CHECK_MSG(fabs(m[0].alone_s - 2.0) < 0.1 && fabs(m[1].alone_s - 1.5) < 0.1, "%g %g", m[0].alone_s,
              m[1].alone_s);
    CHECK(fabs(m[0].together_s - 1.2) < 0.1 && fabs(m[1].together_s - 1.2) < 0.1);
    /* silence and an unknown camera are skipped */
    memset(s.V + 20 * BINS, 0, sizeof(float) * BINS);
    s.activity[30 * 2 + 1] = NAN;
    CHECK(camsep_soundcheck_classify(s.V, s.activity, s.frames, BINS, 2, FRAME_S, &p, cls, m) == 0);
    CHECK(cls[20] == CAMSEP_SC_SKIP && cls[30] == CAMSEP_SC_SKIP && cls[40] == 1u);
    /* a player half-way between resting and playing makes the frame ambiguous */
    for (size_t n = 100; n < 150; n++)
        s.activity[n * 2 + 1] = 0.4f;
    CHECK(camsep_soundcheck_classify(s.V, s.activity, s.frames, BINS, 2, FRAME_S, &p, cls, m) == 0);
    CHECK(cls[125] == CAMSEP_SC_SKIP);
    free(cls);
    free_stage(&s);
}

static void learns_each_player(void)
{
    stage s = make_stage(200, 150, 120);
    camsep_soundcheck_params p = params();
    camsep_dictionary *d[2];
    make_dicts(d, 2);
    camsep_soundcheck_material m[2];
    int bad = 7;
    char err[256] = "";
    int rc = camsep_soundcheck_learn(s.V, s.activity, s.frames, BINS, 2, FRAME_S, &p, d, m, NULL, NULL, NULL, &bad,
                                     err, sizeof err);
    CHECK_MSG(rc == CAMSEP_SOUNDCHECK_OK, "%d %s", rc, err);
    CHECK(bad == -1);
    /* a pitch both play, at a level not in the sound check: the player's own
     * dictionary explains its timbre best */
    for (int j = 0; j < 2; j++)
        for (int f0 = 5; f0 <= 7; f0 += 2) {
            float v[BINS] = {0};
            note(j, f0, 1.7f, v);
            double own = fit_error(d[j], v), other = fit_error(d[1 - j], v);
            CHECK_MSG(own < 0.5 * other, "player %d pitch %d: own %g other %g", j, f0, own, other);
        }
    for (int j = 0; j < 2; j++) {
        double sum = 0.0, centroid_prev = -1.0;
        for (int k = 0; k < ATOMS; k++) {
            double c = 0.0, t = 0.0;
            for (int f = 0; f < BINS; f++) {
                c += f * (double)d[j]->atoms[k * BINS + f];
                t += d[j]->atoms[k * BINS + f];
            }
            sum += t;
            CHECK(c / t >= centroid_prev); /* sorted, low first */
            centroid_prev = c / t;
        }
        CHECK(fabs(sum - ATOMS) < 1e-3);
    }
    /* deterministic */
    camsep_dictionary *again[2];
    make_dicts(again, 2);
    CHECK(camsep_soundcheck_learn(s.V, s.activity, s.frames, BINS, 2, FRAME_S, &p, again, NULL, NULL, NULL, NULL,
                                  NULL, err, sizeof err) == 0);
    for (int j = 0; j < 2; j++) {
        CHECK(memcmp(again[j]->atoms, d[j]->atoms, sizeof(float) * ATOMS * BINS) == 0);
        camsep_dictionary_free(again[j]);
        camsep_dictionary_free(d[j]);
    }
    free_stage(&s);
}

/* A player who never plays alone is learned from the together part only if
 * asked for nothing alone: with the default rule it is an error that names
 * it and changes nothing. */
static void too_little_alone(void)
{
    stage s = make_stage(200, 40, 120);
    camsep_soundcheck_params p = params();
    camsep_dictionary *d[2];
    make_dicts(d, 2);
    int bad = -1;
    char err[256] = "";
    int rc = camsep_soundcheck_learn(s.V, s.activity, s.frames, BINS, 2, FRAME_S, &p, d, NULL, NULL, NULL, NULL, &bad,
                                     err, sizeof err);
    CHECK(rc == CAMSEP_SOUNDCHECK_TOO_LITTLE && bad == 1);
    CHECK_MSG(strstr(err, "player 2") && strstr(err, "alone"), "%s", err);
    for (int j = 0; j < 2; j++)
        for (int i = 0; i < ATOMS * BINS; i++)
            CHECK(d[j]->atoms[i] == 1.0f / BINS);
    /* bad arguments */
    p.playing = 0.2f; /* below resting */
    CHECK(camsep_soundcheck_learn(s.V, s.activity, s.frames, BINS, 2, FRAME_S, &p, d, NULL, NULL, NULL, NULL, NULL,
                                  err, sizeof err) == CAMSEP_SOUNDCHECK_INVALID);
    p = params();
    CHECK(camsep_soundcheck_learn(s.V, s.activity, s.frames, BINS - 1, 2, FRAME_S, &p, d, NULL, NULL, NULL, NULL,
                                  NULL, err, sizeof err) == CAMSEP_SOUNDCHECK_INVALID);
    camsep_dictionary_free(d[0]);
    camsep_dictionary_free(d[1]);
    free_stage(&s);
}

typedef struct cancel_after {
    atomic_int *flag;
    int at, last, total;
} cancel_after;

static void progress(void *ctx, int done, int total)
{
    cancel_after *c = ctx;
    CHECK(done > c->last && done <= total);
    c->last = done;
    c->total = total;
    if (done == c->at)
        atomic_store(c->flag, 1);
}

static void cancel_and_progress(void)
{
    stage s = make_stage(200, 150, 120);
    camsep_soundcheck_params p = params();
    camsep_dictionary *d[2];
    make_dicts(d, 2);
    atomic_int flag = 0;
    cancel_after c = {&flag, -1, 0, 0};
    char err[256];
    CHECK(camsep_soundcheck_learn(s.V, s.activity, s.frames, BINS, 2, FRAME_S, &p, d, NULL, progress, &c, &flag,
                                  NULL, err, sizeof err) == 0);
    CHECK(c.last == c.total && c.total > 2 * p.iterations); /* the together part ran */
    for (int j = 0; j < 2; j++)
        for (int i = 0; i < ATOMS * BINS; i++)
            d[j]->atoms[i] = 1.0f / BINS;
    c = (cancel_after){&flag, p.iterations + 5, 0, 0};
    CHECK(camsep_soundcheck_learn(s.V, s.activity, s.frames, BINS, 2, FRAME_S, &p, d, NULL, progress, &c, &flag,
                                  NULL, err, sizeof err) == CAMSEP_SOUNDCHECK_CANCELLED);
    CHECK(c.last == p.iterations + 5);
    for (int j = 0; j < 2; j++) {
        for (int i = 0; i < ATOMS * BINS; i++)
            CHECK(d[j]->atoms[i] == 1.0f / BINS);
        camsep_dictionary_free(d[j]);
    }
    free_stage(&s);
}

/* Weighted fit: corrupting values that carry weight 0 changes nothing. */
static void weights_leave_values_out(void)
{
    enum { F = 40, N = 60, K = 3 };
    float V[N * F], Vbad[N * F], M[N * F], W0[K * F], H0[N * K];
    uint64_t seed = 5;
    for (int i = 0; i < K * F; i++)
        W0[i] = 0.1f + (float)((seed = seed * 6364136223846793005ULL + 1) >> 41) / 8388608.0f;
    for (int i = 0; i < N * K; i++)
        H0[i] = 1.0f;
    for (int n = 0; n < N; n++)
        for (int f = 0; f < F; f++) {
            V[n * F + f] = (float)(1.0 + sin(0.3 * f + 0.1 * n) * sin(0.05 * n * (1 + f % 3)));
            M[n * F + f] = (n + f) % 5 ? 1.0f : 0.0f;
            Vbad[n * F + f] = M[n * F + f] ? V[n * F + f] : 1000.0f;
        }
    float Wa[K * F], Wb[K * F], Wc[K * F];
    memcpy(Wa, W0, sizeof W0);
    memcpy(Wb, W0, sizeof W0);
    memcpy(Wc, W0, sizeof W0);
    CHECK(nmf_refine(V, M, N, F, K, 5, 40, 1.0f, Wa, H0, NULL, NULL, NULL) == 0);
    CHECK(nmf_refine(Vbad, M, N, F, K, 5, 40, 1.0f, Wb, H0, NULL, NULL, NULL) == 0);
    CHECK(nmf_refine(Vbad, NULL, N, F, K, 5, 40, 1.0f, Wc, H0, NULL, NULL, NULL) == 0);
    double same = 0.0, differs = 0.0;
    for (int i = 0; i < K * F; i++) {
        same = fmax(same, fabs(Wa[i] - Wb[i]));
        differs = fmax(differs, fabs(Wa[i] - Wc[i]));
    }
    CHECK_MSG(same < 1e-5 && differs > 1e-2, "same %g differs %g", same, differs);
}

/* A partial moves by the pitch ratio, its peak level kept (values are
 * resampled along frequency); augmenting appends the
 * frames a semitone down and up after the originals, which stay as they were. */
static void transposition(void)
{
    float V[3 * BINS], out[BINS];
    memset(V, 0, sizeof V);
    V[40] = 1.0f;
    camsep_spectra_transpose(V, 1, BINS, 12.0, out); /* an octave up */
    CHECK_MSG(fabsf(out[80] - 1.0f) < 1e-6f && fabsf(out[79] - 0.5f) < 1e-6f && fabsf(out[81] - 0.5f) < 1e-6f &&
                  out[78] == 0.0f && out[82] == 0.0f,
              "%g %g %g", out[79], out[80], out[81]);
    camsep_spectra_transpose(V, 1, BINS, -12.0, out);
    CHECK_MSG(fabsf(out[20] - 1.0f) < 1e-6f, "%g", out[20]);
    CHECK(camsep_spectra_augment(V, 1, BINS, 1) == 3);
    CHECK(V[40] == 1.0f);
    const double down = 40.0 / pow(2.0, 1.0 / 12.0), up = 40.0 * pow(2.0, 1.0 / 12.0);
    double c_down = 0.0, c_up = 0.0, s_down = 0.0, s_up = 0.0;
    for (int f = 0; f < BINS; f++) {
        c_down += f * V[BINS + f], s_down += V[BINS + f];
        c_up += f * V[2 * BINS + f], s_up += V[2 * BINS + f];
    }
    CHECK_MSG(fabs(c_down / s_down - down) < 0.6 && fabs(c_up / s_up - up) < 0.6, "centroids %g %g, want %g %g",
              c_down / s_down, c_up / s_up, down, up);
}

/* The alone frames moved up to `transpose` semitones: a note two semitones
 * above the highest one player 0 played alone is explained by its own
 * dictionary learned with transpose 2 much better than with transpose 0;
 * a transposition beyond the limit is refused. */
static void transpose_reaches_neighbours(void)
{
    stage s = make_stage(200, 150, 120);
    camsep_soundcheck_params p = params();
    p.joint_iterations = 0;
    float top[BINS] = {0}, above[BINS];
    note(0, 10, 1.0f, top);
    camsep_spectra_transpose(top, 1, BINS, 2.0, above);
    double err_by[2];
    char err[256] = "";
    for (int t = 0; t < 2; t++) {
        camsep_dictionary *d[2];
        make_dicts(d, 2);
        p.transpose = t ? 2 : 0;
        CHECK_MSG(camsep_soundcheck_learn(s.V, s.activity, s.frames, BINS, 2, FRAME_S, &p, d, NULL, NULL, NULL,
                                          NULL, NULL, err, sizeof err) == CAMSEP_SOUNDCHECK_OK,
                  "%s", err);
        err_by[t] = fit_error(d[0], above);
        camsep_dictionary_free(d[0]);
        camsep_dictionary_free(d[1]);
    }
    CHECK_MSG(err_by[1] < 0.5 * err_by[0], "two semitones up: KL %g with transpose 2, %g without", err_by[1],
              err_by[0]);
    camsep_dictionary *d[2];
    make_dicts(d, 2);
    p.transpose = CAMSEP_SOUNDCHECK_MAX_TRANSPOSE + 1;
    CHECK(camsep_soundcheck_learn(s.V, s.activity, s.frames, BINS, 2, FRAME_S, &p, d, NULL, NULL, NULL, NULL, NULL,
                                  err, sizeof err) == CAMSEP_SOUNDCHECK_INVALID);
    camsep_dictionary_free(d[0]);
    camsep_dictionary_free(d[1]);
    free_stage(&s);
}

/* A sound check's dictionaries learned with the transposition given; the
 * progress (may be NULL) must reach its total. */
static void learn_at(const stage *s, int transpose, camsep_dictionary **d, camsep_soundcheck_material *m,
                     cancel_after *c)
{
    camsep_soundcheck_params p = params();
    p.joint_iterations = 0;
    p.transpose = transpose;
    char err[256] = "";
    make_dicts(d, 2);
    CHECK_MSG(camsep_soundcheck_learn(s->V, s->activity, s->frames, BINS, 2, FRAME_S, &p, d, m, c ? progress : NULL,
                                      c, NULL, NULL, err, sizeof err) == CAMSEP_SOUNDCHECK_OK,
              "%s", err);
    CHECK(!c || (c->last == c->total && c->total > 0));
}

static int same_atoms(const camsep_dictionary *a, const camsep_dictionary *b)
{
    return memcmp(a->atoms, b->atoms, sizeof(float) * ATOMS * BINS) == 0;
}

/* The automatic transposition, per player, by the together frames: when
 * they repeat what was played alone, the sharp atoms (1) explain them best;
 * when player 0 plays two semitones above anything it played alone, its
 * wider atoms (2) do, and player 1 keeps 1. The atoms are exactly those the
 * chosen setting learns when given; with under 2 s of together frames it
 * is 1. Choosing trains every player at both settings. */
static void auto_transpose_follows_the_together_part(void)
{
    stage repeat = make_stage(200, 150, 250), higher = make_stage(200, 150, 250), few = make_stage(200, 150, 150);
    for (size_t n = 350; n < higher.frames; n++) {
        float top[BINS] = {0}, moved[BINS];
        note(0, 10, 1.0f, top);
        camsep_spectra_transpose(top, 1, BINS, 2.0, moved);
        float *v = higher.V + n * BINS;
        memset(v, 0, sizeof(float) * BINS);
        for (int f = 0; f < BINS; f++)
            v[f] = moved[f] + 1e-3f;
        add_player(&higher, n, 1, n + 5);
    }
    camsep_dictionary *chosen[2], *one[2], *two[2];
    camsep_soundcheck_material m[2], m_fixed[2];
    learn_at(&repeat, CAMSEP_SOUNDCHECK_TRANSPOSE_AUTO, chosen, m, NULL);
    learn_at(&repeat, 1, one, m_fixed, NULL);
    CHECK_MSG(m[0].transpose == 1 && m[1].transpose == 1, "repeated part: chose %d, %d", m[0].transpose,
              m[1].transpose);
    CHECK(m[0].chosen && m[1].chosen);
    CHECK(m_fixed[0].transpose == 1 && m_fixed[1].transpose == 1 && !m_fixed[0].chosen);
    CHECK(same_atoms(chosen[0], one[0]) && same_atoms(chosen[1], one[1]));
    for (int j = 0; j < 2; j++) {
        camsep_dictionary_free(chosen[j]);
        camsep_dictionary_free(one[j]);
    }
    atomic_int never = 0;
    cancel_after c = {&never, -1, 0, 0}, c_one = c;
    learn_at(&higher, CAMSEP_SOUNDCHECK_TRANSPOSE_AUTO, chosen, m, &c);
    learn_at(&higher, 1, one, NULL, &c_one);
    CHECK_MSG(c.total > 2 * c_one.total, "progress: %d iterations choosing, %d at 1", c.total, c_one.total);
    learn_at(&higher, 2, two, NULL, NULL);
    CHECK_MSG(m[0].transpose == 2 && m[1].transpose == 1, "higher part: chose %d, %d", m[0].transpose,
              m[1].transpose);
    CHECK(same_atoms(chosen[0], two[0]) && same_atoms(chosen[1], one[1]));
    for (int j = 0; j < 2; j++) {
        camsep_dictionary_free(chosen[j]);
        camsep_dictionary_free(one[j]);
        camsep_dictionary_free(two[j]);
    }
    learn_at(&few, CAMSEP_SOUNDCHECK_TRANSPOSE_AUTO, chosen, m, NULL);
    learn_at(&few, 1, one, NULL, NULL);
    CHECK(m[0].transpose == 1 && m[1].transpose == 1 && !m[0].chosen && !m[1].chosen);
    CHECK(same_atoms(chosen[0], one[0]) && same_atoms(chosen[1], one[1]));
    for (int j = 0; j < 2; j++) {
        camsep_dictionary_free(chosen[j]);
        camsep_dictionary_free(one[j]);
    }
    free_stage(&repeat);
    free_stage(&higher);
    free_stage(&few);
}

int main(void)
{
    transposition();
    classify();
    learns_each_player();
    too_little_alone();
    transpose_reaches_neighbours();
    auto_transpose_follows_the_together_part();
    cancel_and_progress();
    weights_leave_values_out();
    printf("test_soundcheck: ok\n");
    return 0;
}
