/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "soundcheck.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nmf.h"
#include "spectral_shift.h"

/* Iterations that find the together frames' activations over the
 * alone-trained atoms, and that settle a player's activations on its atoms
 * before the retraining moves them. */
enum { EXPLAIN_ITERATIONS = 50, SETTLE_ITERATIONS = 20 };
#define SHARE_CONFIDENT 0.8f
/* How much better one player's other transposition must explain the
 * together frames to be taken: on Bach10 the moves that matter gain 4-5 %,
 * the noise between near-equal settings is about 0.1 %. */
#define AUTO_MOVE_GAIN 0.01

void camsep_soundcheck_defaults(camsep_soundcheck_params *p)
{
    *p = (camsep_soundcheck_params){.atoms = 32,
                                    .iterations = 200,
                                    .joint_iterations = 0,
                                    .transpose = CAMSEP_SOUNDCHECK_TRANSPOSE_AUTO,
                                    .beta = 1.0f,
                                    .seed = 1,
                                    .playing = 0.5f,
                                    .resting = 0.3f,
                                    .hold_s = 0.5,
                                    .min_alone_s = 3.0,
                                    .silence_db = 60.0};
}

static int params_valid(const camsep_soundcheck_params *p)
{
    return p && p->atoms >= 1 && p->atoms <= CAMSEP_DICT_MAX_ATOMS && p->iterations >= 1 &&
           p->joint_iterations >= 0 && p->transpose >= CAMSEP_SOUNDCHECK_TRANSPOSE_AUTO &&
           p->transpose <= CAMSEP_SOUNDCHECK_MAX_TRANSPOSE &&
           p->beta >= 0.0f && p->beta <= 2.0f && p->resting >= 0.0f &&
           p->playing > p->resting && p->playing <= 1.0f && p->hold_s >= 0.0 && p->min_alone_s >= 0.0 &&
           p->silence_db > 0.0;
}

static double frame_energy(const float *v, int bins)
{
    double e = 0.0;
    for (int f = 0; f < bins; f++)
        e += (double)v[f] * v[f];
    return e;
}

int camsep_soundcheck_classify(const float *V, const float *activity, size_t frames, int bins, int players,
                               double frame_s, const camsep_soundcheck_params *p, uint32_t *cls,
                               camsep_soundcheck_material *material)
{
    if (!V || !activity || !cls || !material || bins < 1 || players < 1 ||
        players > CAMSEP_SOUNDCHECK_MAX_PLAYERS || !(frame_s > 0.0) || !params_valid(p))
        return -1;
    double *energy = malloc(sizeof(double) * (frames ? frames : 1));
    double *sums = malloc(sizeof(double) * (frames + 1) * (size_t)players * 2);
    if (!energy || !sums) {
        free(energy);
        free(sums);
        return -1;
    }
    double loudest = 0.0;
    for (size_t n = 0; n < frames; n++) {
        energy[n] = frame_energy(V + n * (size_t)bins, bins);
        loudest = energy[n] > loudest ? energy[n] : loudest;
    }
    const double floor = loudest * pow(10.0, -p->silence_db / 10.0);
    const size_t hold = (size_t)lround(p->hold_s / frame_s);
    for (int j = 0; j < players; j++)
        material[j] = (camsep_soundcheck_material){0};
    /* Per player, running sums of the activity and of its unknown frames. */
    for (size_t n = 0; n <= frames; n++)
        for (int j = 0; j < players; j++) {
            double *sum = &sums[(n * (size_t)players + j) * 2];
            if (n == 0) {
                sum[0] = sum[1] = 0.0;
                continue;
            }
            const float a = activity[(n - 1) * (size_t)players + j];
            sum[0] = sum[-2 * players] + (isnan(a) ? 0.0 : a);
            sum[1] = sum[-2 * players + 1] + (isnan(a) ? 1.0 : 0.0);
        }
    for (size_t n = 0; n < frames; n++) {
        uint32_t playing = 0;
        int ambiguous = !(energy[n] > floor);
        const size_t lo = n > hold ? n - hold : 0, hi = n + hold < frames ? n + hold + 1 : frames;
        for (int j = 0; j < players && !ambiguous; j++) {
            /* The mean motion around the frame: a stroke is not a note, and
             * an idle gesture is brief where playing is sustained. */
            const double *a = &sums[(lo * (size_t)players + j) * 2], *b = &sums[(hi * (size_t)players + j) * 2];
            if (b[1] - a[1] > 0.0) {
                ambiguous = 1;
                break;
            }
            const double mean = (b[0] - a[0]) / (double)(hi - lo);
            if (mean >= p->playing)
                playing |= 1u << j;
            else if (mean > p->resting)
                ambiguous = 1;
        }
        cls[n] = ambiguous ? CAMSEP_SC_SKIP : playing;
        const int count = __builtin_popcount(cls[n]);
        for (int j = 0; j < players; j++)
            if (cls[n] & (1u << j)) {
                if (count == 1)
                    material[j].alone_s += frame_s;
                else
                    material[j].together_s += frame_s;
            }
    }
    free(energy);
    free(sums);
    return 0;
}

static float uniform01(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((*state >> 40) * (1.0 / 16777216.0));
}

/* Progress over all phases, and the caller's cancel flag. */
typedef struct learn_progress {
    void (*progress)(void *ctx, int done, int total);
    void *ctx;
    const atomic_int *cancel;
    int offset, total;
} learn_progress;

static int learn_step(void *ctx, int done, int total)
{
    (void)total;
    learn_progress *lp = ctx;
    if (lp->progress)
        lp->progress(lp->ctx, lp->offset + done, lp->total);
    return lp->cancel && atomic_load(lp->cancel);
}

static double mean_of(const float *V, size_t frames, int bins)
{
    double sum = 0.0;
    for (size_t i = 0; i < frames * (size_t)bins; i++)
        sum += V[i];
    return frames ? sum / ((double)frames * bins) : 0.0;
}

static void random_atoms(float *W, int K, int bins, uint64_t *rng)
{
    for (int k = 0; k < K; k++) {
        double sum = 0.0;
        for (int f = 0; f < bins; f++)
            sum += W[(size_t)k * bins + f] = 0.1f + uniform01(rng);
        for (int f = 0; f < bins; f++)
            W[(size_t)k * bins + f] /= (float)sum;
    }
}

/* Trains one player's W (K x bins; in: its start) on the frames Vp. 0, 1
 * cancelled, -1 no memory. */
static int train_player(const float *Vp, const float *Mp, size_t count, int bins, int K, int settle, int iterations,
                        float beta, uint64_t *rng, float *W, learn_progress *lp)
{
    float *H0 = malloc(sizeof(float) * count * (size_t)K);
    if (!H0)
        return -1;
    const double mean = mean_of(Vp, count, bins);
    for (size_t i = 0; i < count * (size_t)K; i++)
        H0[i] = (float)(mean * bins / K * (0.5 + uniform01(rng)));
    int r = nmf_refine(Vp, Mp, count, bins, K, settle, iterations, beta, W, H0, NULL, learn_step, lp);
    free(H0);
    return r;
}

/* The frames of class `want` (one player alone), copied into V_out (count
 * frames of room); returns how many. */
static size_t gather_alone(const float *V, const uint32_t *cls, size_t frames, int bins, uint32_t want,
                           float *V_out)
{
    size_t m = 0;
    for (size_t n = 0; n < frames; n++)
        if (cls[n] == want)
            memcpy(V_out + m++ * (size_t)bins, V + n * (size_t)bins, sizeof(float) * (size_t)bins);
    return m;
}

/* A together frame's bin counts for a player only where the player's part
 * of the model clearly dominates it; elsewhere it is left out of the fit
 * (missing data), not taught as the player's sound. */
static float share_weight(float mask)
{
    return mask >= SHARE_CONFIDENT ? 1.0f : 0.0f;
}

/* A player's alone frames, and the same moved up to `steps` semitones down
 * and up: the atoms then reach the neighbouring notes that the sound check
 * did not play. */
static size_t gather_transposed(const float *V, const uint32_t *cls, size_t frames, int bins, uint32_t want,
                                int steps, float *V_out)
{
    return camsep_spectra_augment(V_out, gather_alone(V, cls, frames, bins, want, V_out), bins, steps);
}

static int several(uint32_t c)
{
    return c != CAMSEP_SC_SKIP && (c & (c - 1)) != 0;
}

static size_t count_together(const uint32_t *cls, size_t frames)
{
    size_t n = 0;
    for (size_t i = 0; i < frames; i++)
        n += several(cls[i]);
    return n;
}

/* The frames where several play, and their activations over the alone-trained
 * atoms of the players who play in each (the others held at 0): Vt (count x
 * bins) and H (count x players K), allocated here. 0, 1 cancelled, -1 no memory. */
static int explain_together(const float *V, const uint32_t *cls, size_t frames, int bins, int players,
                            const camsep_soundcheck_params *p, const float *W, uint64_t *rng, float **Vt_out,
                            float **H_out, size_t *count_out, learn_progress *lp)
{
    const int K = p->atoms, atoms = players * K;
    const size_t count = count_together(cls, frames);
    float *Vt = malloc(sizeof(float) * (count ? count : 1) * (size_t)bins);
    float *H0 = calloc((count ? count : 1) * (size_t)atoms, sizeof(float));
    float *H = malloc(sizeof(float) * (count ? count : 1) * (size_t)atoms);
    float *Wfixed = malloc(sizeof(float) * (size_t)atoms * (size_t)bins);
    int r = -1;
    if (!Vt || !H0 || !H || !Wfixed)
        goto out;
    memcpy(Wfixed, W, sizeof(float) * (size_t)atoms * (size_t)bins);
    size_t m = 0;
    for (size_t n = 0; n < frames; n++) {
        if (!several(cls[n]))
            continue;
        const float *v = V + n * (size_t)bins;
        memcpy(Vt + m * (size_t)bins, v, sizeof(float) * (size_t)bins);
        double level = 0.0;
        for (int f = 0; f < bins; f++)
            level += v[f];
        const int active = __builtin_popcount(cls[n]);
        for (int j = 0; j < players; j++)
            if (cls[n] & (1u << j))
                for (int k = 0; k < K; k++)
                    H0[m * (size_t)atoms + (size_t)j * K + k] =
                        (float)(level / (active * K) * (0.5 + uniform01(rng)) + 1e-9);
        m++;
    }
    r = count ? nmf_refine(Vt, NULL, count, bins, atoms, EXPLAIN_ITERATIONS, 0, p->beta, Wfixed, H0, H, learn_step, lp)
              : 0;
out:
    free(H0);
    free(Wfixed);
    if (r) {
        free(Vt);
        free(H);
        return r;
    }
    *Vt_out = Vt;
    *H_out = H;
    *count_out = count;
    return 0;
}

/* Player j's share of each together frame it plays in: the frame times the
 * player's part of the model (a Wiener mask). Appended to V_out; returns how many. */
static size_t together_shares(const float *Vt, const float *H, size_t count, int bins, int players, int K,
                              const float *W, int j, const uint32_t *cls_together, float *model, float *V_out,
                              float *M_out)
{
    const int atoms = players * K;
    size_t m = 0;
    for (size_t n = 0; n < count; n++) {
        if (!(cls_together[n] & (1u << j)))
            continue;
        float *total = model, *own = model + bins;
        for (int f = 0; f < bins; f++)
            total[f] = own[f] = 0.0f;
        for (int i = 0; i < players; i++) {
            if (!(cls_together[n] & (1u << i)))
                continue;
            for (int k = 0; k < K; k++) {
                const float h = H[n * (size_t)atoms + (size_t)i * K + k];
                const float *w = W + ((size_t)i * K + k) * bins;
                if (h > 0.0f)
                    for (int f = 0; f < bins; f++)
                        total[f] += h * w[f];
            }
        }
        for (int k = 0; k < K; k++) {
            const float h = H[n * (size_t)atoms + (size_t)j * K + k];
            const float *w = W + ((size_t)j * K + k) * bins;
            if (h > 0.0f)
                for (int f = 0; f < bins; f++)
                    own[f] += h * w[f];
        }
        float *out = V_out + m * (size_t)bins, *weight = M_out + m * (size_t)bins;
        m++;
        const float *v = Vt + n * (size_t)bins;
        for (int f = 0; f < bins; f++) {
            const float mask = own[f] / (total[f] + 1e-12f);
            out[f] = v[f] * mask;
            weight[f] = share_weight(mask);
        }
    }
    return m;
}

/* Every player's atoms (W: players x K) from its alone frames moved up to
 * steps[j] semitones (Vp: room for them). The random start is the seed's,
 * whatever was trained before, so a setting learns the same atoms whether
 * it was given or chosen. 0, 1 cancelled, -1 no memory. */
static int learn_alone(const float *V, const uint32_t *cls, size_t frames, int bins, int players,
                       const camsep_soundcheck_params *p, const int *steps, float *Vp, float *W, uint64_t *rng,
                       learn_progress *lp)
{
    const size_t per_player = (size_t)p->atoms * bins;
    *rng = p->seed;
    for (int j = 0; j < players; j++) {
        size_t m = gather_transposed(V, cls, frames, bins, 1u << j, steps[j], Vp);
        random_atoms(W + j * per_player, p->atoms, bins, rng);
        int r = train_player(Vp, NULL, m, bins, p->atoms, 0, p->iterations, p->beta, rng, W + j * per_player, lp);
        if (r)
            return r;
        lp->offset += p->iterations;
    }
    return 0;
}

/* How well the atoms W explain the together frames, each frame by the atoms
 * of the players who play in it: the divergence per unit of magnitude
 * (lower is better). Every call starts from the same activations. 0, 1
 * cancelled, -1 no memory. */
static int together_fit(const float *V, const uint32_t *cls, size_t frames, int bins, int players,
                        const camsep_soundcheck_params *p, const float *W, double *fit, learn_progress *lp)
{
    uint64_t rng = p->seed ^ 0x9e3779b97f4a7c15ULL;
    float *Vt = NULL, *H = NULL, *y = malloc(sizeof(float) * (size_t)bins);
    size_t count = 0;
    int r = y ? explain_together(V, cls, frames, bins, players, p, W, &rng, &Vt, &H, &count, lp) : -1;
    if (r == 0) {
        const int atoms = players * p->atoms;
        double divergence = 0.0, mass = 0.0;
        for (size_t n = 0; n < count; n++) {
            const float *v = Vt + n * (size_t)bins, *h = H + n * (size_t)atoms;
            memset(y, 0, sizeof(float) * (size_t)bins);
            for (int a = 0; a < atoms; a++)
                if (h[a] > 0.0f)
                    for (int f = 0; f < bins; f++)
                        y[f] += h[a] * W[(size_t)a * bins + f];
            divergence += nmf_beta_divergence(v, y, bins, p->beta);
            for (int f = 0; f < bins; f++)
                mass += v[f];
        }
        *fit = mass > 0.0 ? divergence / mass : 0.0;
        lp->offset += EXPLAIN_ITERATIONS;
    }
    free(Vt);
    free(H);
    free(y);
    return r;
}

/* Player j's atoms from candidate choice[j] of Wc (candidates x players x K). */
static void assemble(const float *Wc, int players, size_t per_player, const int *choice, float *W)
{
    for (int j = 0; j < players; j++)
        memcpy(W + j * per_player, Wc + ((size_t)choice[j] * players + j) * per_player,
               sizeof(float) * per_player);
}

/* Automatic transposition: every player learned at each candidate, then the
 * candidate whose atoms best explain the together frames taken for all,
 * then each player moved to another candidate where that explains them
 * clearly better still. A together part holding notes a player never
 * played alone asks for wider atoms; one that repeats the alone parts asks
 * for sharp ones (bench/SOUNDCHECK.md). steps (out): each player's choice. */
static int choose_transposition(const float *V, const uint32_t *cls, size_t frames, int bins, int players,
                                const camsep_soundcheck_params *p, float *Vp, float *W, int *steps, uint64_t *rng,
                                learn_progress *lp)
{
    const size_t per_player = (size_t)p->atoms * bins;
    float *Wc = malloc(sizeof(float) * CAMSEP_SOUNDCHECK_AUTO_CANDIDATES * (size_t)players * per_player);
    int choice[CAMSEP_SOUNDCHECK_MAX_PLAYERS], r = -1;
    uint64_t after_first = 0;
    if (!Wc)
        return -1;
    for (int c = 0; c < CAMSEP_SOUNDCHECK_AUTO_CANDIDATES; c++) {
        for (int j = 0; j < players; j++)
            choice[j] = CAMSEP_SOUNDCHECK_AUTO_FIRST + c;
        if ((r = learn_alone(V, cls, frames, bins, players, p, choice, Vp, Wc + (size_t)c * players * per_player,
                             rng, lp)))
            goto out;
        if (c == 0)
            after_first = *rng;
    }
    double best = INFINITY;
    int uniform = 0;
    for (int c = 0; c < CAMSEP_SOUNDCHECK_AUTO_CANDIDATES; c++) {
        double fit;
        if ((r = together_fit(V, cls, frames, bins, players, p, Wc + (size_t)c * players * per_player, &fit, lp)))
            goto out;
        if (fit < best)
            best = fit, uniform = c;
    }
    for (int j = 0; j < players; j++)
        choice[j] = uniform;
    for (int j = 0; j < players && players > 1; j++)
        for (int c = 0; c < CAMSEP_SOUNDCHECK_AUTO_CANDIDATES; c++) {
            if (c == uniform)
                continue;
            const int kept = choice[j];
            double fit;
            choice[j] = c;
            assemble(Wc, players, per_player, choice, W);
            if ((r = together_fit(V, cls, frames, bins, players, p, W, &fit, lp)))
                goto out;
            if (fit < best * (1.0 - AUTO_MOVE_GAIN))
                best = fit;
            else
                choice[j] = kept;
        }
    assemble(Wc, players, per_player, choice, W);
    for (int j = 0; j < players; j++)
        steps[j] = CAMSEP_SOUNDCHECK_AUTO_FIRST + choice[j];
    *rng = after_first;
out:
    free(Wc);
    return r;
}

/* Whether the transposition is chosen by the together frames: asked for, and
 * enough of them to judge by. */
static int choosing(const camsep_soundcheck_params *p, const uint32_t *cls, size_t frames, double frame_s)
{
    if (p->transpose != CAMSEP_SOUNDCHECK_TRANSPOSE_AUTO)
        return 0;
    const size_t together = count_together(cls, frames);
    return (double)together * frame_s >= CAMSEP_SOUNDCHECK_AUTO_MIN_TOGETHER_S && together > (size_t)p->atoms;
}

/* Iterations the learning will run, for the progress. */
static int learn_total(const camsep_soundcheck_params *p, int players, int choose)
{
    int total = players * p->iterations;
    if (choose) {
        const int C = CAMSEP_SOUNDCHECK_AUTO_CANDIDATES;
        total = C * total + (C + (players > 1 ? players * (C - 1) : 0)) * EXPLAIN_ITERATIONS;
    }
    if (p->joint_iterations > 0)
        total += EXPLAIN_ITERATIONS + players * (SETTLE_ITERATIONS + p->joint_iterations);
    return total;
}

/* Each player from its alone frames; then, with joint iterations, again from
 * its alone frames plus its shares of the together frames, split by the
 * alone-trained atoms. choose: the transposition is chosen (choosing()),
 * else it is the given one (AUTO_FIRST for an automatic one with too few
 * together frames). W: players x K atoms; steps (out): each player's
 * transposition. 0, 1 cancelled, -1 no memory. */
static int learn_all(const float *V, const uint32_t *cls, size_t frames, int bins, int players, int choose,
                     const camsep_soundcheck_params *p, float *W, int *steps, learn_progress *lp)
{
    const int K = p->atoms;
    const size_t per_player = (size_t)K * bins;
    const int given = p->transpose == CAMSEP_SOUNDCHECK_TRANSPOSE_AUTO ? CAMSEP_SOUNDCHECK_AUTO_FIRST : p->transpose;
    const int widest = choose ? CAMSEP_SOUNDCHECK_AUTO_FIRST + CAMSEP_SOUNDCHECK_AUTO_CANDIDATES - 1 : given;
    uint64_t rng = p->seed;
    /* room for the largest player's alone frames, transposed, plus the together frames */
    size_t most_alone = 0;
    const size_t together = count_together(cls, frames);
    for (int j = 0; j < players; j++) {
        size_t m = 0;
        for (size_t n = 0; n < frames; n++)
            m += cls[n] == 1u << j;
        most_alone = m > most_alone ? m : most_alone;
    }
    const size_t room = most_alone * (size_t)(1 + 2 * widest) + (p->joint_iterations ? together : 0);
    float *Vp = malloc(sizeof(float) * (room ? room : 1) * (size_t)bins);
    float *Mp = p->joint_iterations ? malloc(sizeof(float) * (room ? room : 1) * (size_t)bins) : NULL;
    float *model = malloc(sizeof(float) * 2 * (size_t)bins);
    float *Walone = malloc(sizeof(float) * (size_t)players * per_player);
    uint32_t *cls_together = malloc(sizeof(uint32_t) * (frames ? frames : 1));
    float *Vt = NULL, *H = NULL;
    int r = -1;
    if (!Vp || (p->joint_iterations && !Mp) || !model || !Walone || !cls_together)
        goto out;
    if (choose) {
        if ((r = choose_transposition(V, cls, frames, bins, players, p, Vp, W, steps, &rng, lp)))
            goto out;
    } else {
        for (int j = 0; j < players; j++)
            steps[j] = given;
        if ((r = learn_alone(V, cls, frames, bins, players, p, steps, Vp, W, &rng, lp)))
            goto out;
    }
    if (p->joint_iterations == 0)
        goto out;
    size_t count = 0;
    for (size_t n = 0; n < frames; n++)
        if (several(cls[n]))
            cls_together[count++] = cls[n];
    if ((r = explain_together(V, cls, frames, bins, players, p, W, &rng, &Vt, &H, &count, lp)))
        goto out;
    lp->offset += EXPLAIN_ITERATIONS;
    memcpy(Walone, W, sizeof(float) * (size_t)players * per_player);
    for (int j = 0; j < players; j++) {
        size_t m = gather_transposed(V, cls, frames, bins, 1u << j, steps[j], Vp);
        for (size_t i = 0; i < m * (size_t)bins; i++)
            Mp[i] = 1.0f;
        m += together_shares(Vt, H, count, bins, players, K, Walone, j, cls_together, model, Vp + m * bins,
                             Mp + m * bins);
        if ((r = train_player(Vp, Mp, m, bins, K, SETTLE_ITERATIONS, p->joint_iterations, p->beta, &rng,
                              W + j * per_player, lp)))
            goto out;
        lp->offset += SETTLE_ITERATIONS + p->joint_iterations;
    }
out:
    free(Vp);
    free(Mp);
    free(model);
    free(Walone);
    free(cls_together);
    free(Vt);
    free(H);
    return r;
}

__attribute__((format(printf, 4, 5))) static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

int camsep_soundcheck_learn(const float *V, const float *activity, size_t frames, int bins, int players,
                            double frame_s, const camsep_soundcheck_params *p, camsep_dictionary **dicts,
                            camsep_soundcheck_material *material, void (*progress)(void *ctx, int done, int total),
                            void *ctx, const atomic_int *cancel, int *bad_player, char *err, size_t errlen)
{
    if (bad_player)
        *bad_player = -1;
    if (!V || !activity || !dicts || players < 1 || players > CAMSEP_SOUNDCHECK_MAX_PLAYERS || bins < 1 ||
        !(frame_s > 0.0) || !params_valid(p))
        return fail(err, errlen, CAMSEP_SOUNDCHECK_INVALID, "sound check: invalid arguments");
    for (int j = 0; j < players; j++)
        if (!dicts[j] || dicts[j]->n_atoms != p->atoms || dicts[j]->n_bins != bins)
            return fail(err, errlen, CAMSEP_SOUNDCHECK_INVALID,
                        "sound check: player %d's dictionary does not have %d atoms of %d bins", j + 1, p->atoms,
                        bins);
    camsep_soundcheck_material local[CAMSEP_SOUNDCHECK_MAX_PLAYERS];
    if (!material)
        material = local;
    camsep_dictionary *learned[CAMSEP_SOUNDCHECK_MAX_PLAYERS] = {0};
    uint32_t *cls = malloc(sizeof(uint32_t) * (frames ? frames : 1));
    float *W = malloc(sizeof(float) * (size_t)players * (size_t)p->atoms * (size_t)bins);
    int rc = CAMSEP_SOUNDCHECK_NO_MEMORY;
    if (!cls || !W || camsep_soundcheck_classify(V, activity, frames, bins, players, frame_s, p, cls, material)) {
        fail(err, errlen, rc, "sound check: out of memory");
        goto out;
    }
    const double need = fmax(p->min_alone_s, (p->atoms + 1) * frame_s);
    for (int j = 0; j < players; j++)
        if (material[j].alone_s < need) {
            if (bad_player)
                *bad_player = j;
            rc = fail(err, errlen, CAMSEP_SOUNDCHECK_TOO_LITTLE,
                      "player %d: only %.1f s played alone (%.1f s with others); need at least %.1f s alone", j + 1,
                      material[j].alone_s, material[j].together_s, need);
            goto out;
        }
    const int choose = choosing(p, cls, frames, frame_s);
    learn_progress lp = {progress, ctx, cancel, 0, learn_total(p, players, choose)};
    int steps[CAMSEP_SOUNDCHECK_MAX_PLAYERS];
    int r = learn_all(V, cls, frames, bins, players, choose, p, W, steps, &lp);
    if (r) {
        rc = r < 0 ? CAMSEP_SOUNDCHECK_NO_MEMORY : CAMSEP_SOUNDCHECK_CANCELLED;
        fail(err, errlen, rc, r < 0 ? "sound check: out of memory" : "sound check: cancelled");
        goto out;
    }
    /* Into copies first: on failure the caller's dictionaries stay as they were. */
    for (int j = 0; j < players; j++) {
        learned[j] = camsep_dictionary_copy(dicts[j]);
        if (!learned[j]) {
            fail(err, errlen, rc, "sound check: out of memory");
            goto out;
        }
        memcpy(learned[j]->atoms, W + (size_t)j * p->atoms * bins, sizeof(float) * (size_t)p->atoms * bins);
        camsep_dictionary_normalise(learned[j]);
        learned[j]->beta = p->beta;
        if (camsep_dictionary_sort_atoms(learned[j])) {
            fail(err, errlen, rc, "sound check: out of memory");
            goto out;
        }
    }
    for (int j = 0; j < players; j++) {
        float *atoms = dicts[j]->atoms;
        dicts[j]->atoms = learned[j]->atoms;
        dicts[j]->beta = p->beta;
        learned[j]->atoms = atoms;
    }
    for (int j = 0; j < players; j++) {
        material[j].transpose = steps[j];
        material[j].chosen = choose;
    }
    rc = CAMSEP_SOUNDCHECK_OK;
out:
    for (int j = 0; j < players; j++)
        camsep_dictionary_free(learned[j]);
    free(cls);
    free(W);
    return rc;
}
