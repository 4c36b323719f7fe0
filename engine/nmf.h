/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Supervised NMF with fixed dictionaries: the per-frame online solver used by
 * the engine (real-time safe, works in caller-provided buffers) and the
 * offline batch routines used by training, tools and tests (allocate).
 */
#ifndef CAMSEP_NMF_H
#define CAMSEP_NMF_H

#include <stddef.h>
#include <stdint.h>

#include "dictset.h"

/* Penalties for one frame; all strengths may be zero. Arrays are per atom. */
typedef struct nmf_frame_terms {
    const float *l1;          /* activity prior: added to the denominator (or NULL) */
    const float *smooth_prev; /* h_{n-1} for temporal smoothness (or NULL) */
    float smooth_weight;      /* 2 * s / frame scale, as a per-atom coefficient */
    const float *reg_num;     /* regression prior: added to the numerator (or NULL) */
    const float *reg_gram;    /* regression prior: block-diagonal G = A A^T, source j's
                                 K_j x K_j block at offset sum_{i<j} K_i^2 */
    float reg_weight;         /* den += reg_weight * G h */
} nmf_frame_terms;

/* Work buffers for one frame, each at least bins_padded (y, ratio, ypow) or
 * atoms_padded (num, den) floats, 64-byte aligned. */
typedef struct nmf_work {
    float *y, *ratio, *ypow, *num, *den;
} nmf_work;

/* Runs `iterations` multiplicative updates of h (atoms_padded, warm-started by
 * the caller) for the band magnitudes vb (bands_padded, zero-padded; see
 * nmf_bands_sum). */
void nmf_solve_frame(const camsep_dictset *ds, const float *v, float *h, int iterations, float beta,
                      const nmf_frame_terms *terms, nmf_work *work);

/* Each source's model W_j h_j (n_sources rows of bins_padded) and their sum
 * plus eps, y = W h + eps: the masks' and the objective's inputs in one pass. */
void nmf_model_by_source(const camsep_dictset *ds, const float *h, float *by_source, float *y);

/* How badly the set explains the band magnitudes vb with the activations h:
 * the KL divergence of vb from the model W h on the bands, per unit of
 * magnitude (scale-free; 0 for an exact fit; NaN for a silent frame). Uses
 * work->y. */
float nmf_band_misfit(const camsep_dictset *ds, const float *vb, const float *h, nmf_work *work);

/* beta-divergence D(v | y) summed over n values. */
double nmf_beta_divergence(const float *v, const float *y, int n, float beta);

/* Offline: activations of every frame of V (frames x bins, frame-major, full
 * resolution; summed into the set's bands here) for a
 * fixed set, all frames updated together (the batch solution the online solver
 * should reach). H is frames x n_atoms. 0, or -1 when out of memory. */
int nmf_batch_activations(const camsep_dictset *ds, const float *V, size_t frames, int iterations,
                          float beta, float *H);

/* Offline: learn K atoms from V (frames x bins) by multiplicative
 * beta-NMF updates of W and H from a seeded random start; W is K x bins,
 * atom-major, each atom of unit L1 norm. progress(ctx, done, total) is called
 * once per iteration (may be NULL). 0, or -1 when out of memory. */
int nmf_train(const float *V, size_t frames, int bins, int atoms, int iterations, float beta,
              uint64_t seed, float *W, void (*progress)(void *ctx, int done, int total), void *ctx);

/* Offline: refines W (atoms x bins, atom-major, unit L1 norm; in and out)
 * on V, from the activations H0 (frames x atoms). Activations that start at
 * 0 stay 0 (multiplicative updates), which is how a caller restricts a frame
 * to some atoms. h_iterations updates of H alone first (W fixed), then
 * `iterations` of both. step (may be NULL) is called after every iteration
 * with (done, h_iterations + iterations); nonzero stops, W left unchanged.
 * H (frames x atoms, may be NULL) gets the final activations. M (frames x
 * bins, may be NULL: all 1) weighs each value's share of the divergence;
 * 0 leaves a value out of the fit (missing data).
 * 0, 1 when stopped, or -1 when out of memory. */
int nmf_refine(const float *V, const float *M, size_t frames, int bins, int atoms, int h_iterations, int iterations,
               float beta, float *W, const float *H0, float *H, int (*step)(void *ctx, int done, int total), void *ctx);

#endif
