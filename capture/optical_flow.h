/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Dense optical flow between consecutive luma frames, for motion energy.
 *
 * The input frame is filtered (a tent two blocks wide, against aliasing) down
 * to a working resolution (1/scale of the input per axis), a pyramid of
 * further 2x reductions is built, and each
 * level is locally contrast-normalised: J = (L - mean) / sqrt(var + eps^2)
 * over a small window, so that global and slowly varying gain and offset
 * changes (stage lighting: flicker, fades, washes) leave J, and hence the
 * flow, unchanged. Pixels near clipped input (at the sensor's limits) bring
 * no evidence, since their normalised values do change with the light. The
 * flow is then estimated coarse to fine, by one of:
 *   - CAMSEP_FLOW_DIS (default): inverse search on a grid of overlapping 8x8
 *     patches (Gauss-Newton on zero-mean template gradients, one 8-float
 *     vector per patch row) and densification by a photometric-error
 *     weighted average of the overlapping patches (after Kroeger et al.'s
 *     DIS, without the variational refinement);
 *   - CAMSEP_FLOW_LK: dense Lucas-Kanade with a triangular window around
 *     every pixel, inverse-compositional (template gradients and the inverse
 *     structure tensor are computed once per frame and reused by the next).
 * DIS is the default by measurement (bench/flow_bench.c, 640x480 on one
 * core): 0.7 ms against 1.0 ms per frame with box energies, lower endpoint
 * error on translations, less spurious energy under shake, flicker and
 * fades, and per-box energies as close to OpenCV Farneback's (r 0.98 / 0.97).
 *
 * The flow is from the previous frame to the current one: the content at
 * working pixel (x, y) of the previous frame is at (x + u/scale, y + v/scale)
 * in the current one; u and v are in input pixels per frame. Working pixel
 * (x, y) covers input pixels [x*scale, (x+1)*scale) x [y*scale, (y+1)*scale).
 *
 * Threading: one capture thread owns a camsep_flow. create/free allocate;
 * compute() and the accessors never allocate, lock or do I/O.
 */
#ifndef CAMSEP_OPTICAL_FLOW_H
#define CAMSEP_OPTICAL_FLOW_H

#include <stddef.h>
#include <stdint.h>

typedef enum camsep_flow_method {
    CAMSEP_FLOW_LK = 0,  /* dense pyramidal Lucas-Kanade */
    CAMSEP_FLOW_DIS = 1, /* patch inverse search with densification (default) */
} camsep_flow_method;

typedef struct camsep_flow_config {
    camsep_flow_method method;
    int scale;          /* input pixels per working pixel: 1, 2, 4, 8 or 16; 0 = auto */
    int full_width;     /* scale 0: a frame is halved until it is at most this wide (320)... */
    int auto_width;     /* ...but not below this width (160) */
    int levels;         /* pyramid levels including the working one, 1..6 (3); fewer if the
                           coarsest would be smaller than 8 pixels */
    int iterations;     /* per level: DIS Gauss-Newton steps per patch (12), or LK updates (3);
                           0 = the method's default */
    int window_radius;  /* LK window: a box of radius r applied twice (a triangle of radius
                           2r) at every level, 1..6 (2); also the reliability window */
    int patch_stride;   /* DIS: 8x8 patches every patch_stride pixels, 2..8 (4)... */
    int patch_stride_reduced; /* ...or every this many at the finest level of a reduced frame
                                 (scale > 1), 2..8 (6); its coarser levels keep patch_stride,
                                 which large motions need */
    int lcn_radius;     /* contrast normalisation window (2r+1)^2, 1..8 (4) */
    float lcn_relative; /* eps relative to the frame's mean local contrast (0.25) */
    float lcn_absolute; /* eps floor in grey levels (1.5): darker detail is treated as noise */
    float regularisation; /* Tikhonov term per LK window or DIS patch pixel, normalised units (0.02) */
    float texture_threshold; /* reliable flow needs this mean squared gradient of the normalised
                                picture around the pixel (0.02); see camsep_flow_weight() */
} camsep_flow_config;

typedef struct camsep_flow camsep_flow;

/* set-up */
void camsep_flow_config_default(camsep_flow_config *cfg);
/* set-up: everything compute() will use is allocated here. cfg may be NULL
 * (defaults). NULL if the size or the configuration is invalid (frames must
 * be at least 16x16 and reduce to at least 8x8 working pixels). */
camsep_flow *camsep_flow_create(int width, int height, const camsep_flow_config *cfg);
void camsep_flow_free(camsep_flow *f);
size_t camsep_flow_allocated_bytes(const camsep_flow *f);

/* capture thread: the flow from the previous frame to this one (width x
 * height 8-bit luma as given to create, rows stride bytes apart). Returns 1
 * when a flow was computed, 0 for the first frame after create/reset (the
 * flow is then zero), -1 on invalid arguments (nothing changes). */
int camsep_flow_compute(camsep_flow *f, const uint8_t *luma, int stride);
/* capture thread: forget the previous frame (e.g. after a camera gap). */
void camsep_flow_reset(camsep_flow *f);

/* 1 if the last compute() produced a flow (0 after create/reset and for the
 * first frame after them). */
int camsep_flow_valid(const camsep_flow *f);

/* Flow field at the working resolution, input pixels per frame; row y of u is
 * u + y * camsep_flow_stride(f). Valid until the next compute(). */
const float *camsep_flow_u(const camsep_flow *f);
const float *camsep_flow_v(const camsep_flow *f);
/* Reliability of the flow per working pixel, same layout: 1 where the
 * previous frame has texture around the pixel and neither frame is clipped
 * near it (at the sensor's limits, where the light changes what is seen);
 * 0 elsewhere: flat or clipped areas, whose flow is only carried over from
 * their surroundings and coarser levels. */
const float *camsep_flow_weight(const camsep_flow *f);
int camsep_flow_stride(const camsep_flow *f);     /* floats between rows */
int camsep_flow_width(const camsep_flow *f);      /* working resolution */
int camsep_flow_height(const camsep_flow *f);
int camsep_flow_scale(const camsep_flow *f);      /* input pixels per working pixel */
int camsep_flow_levels(const camsep_flow *f);     /* pyramid levels in use */
int camsep_flow_input_width(const camsep_flow *f);
int camsep_flow_input_height(const camsep_flow *f);
const camsep_flow_config *camsep_flow_get_config(const camsep_flow *f);
/* Which instruction-set variant runs ("avx2+fma" or "baseline"). */
const char *camsep_flow_variant(void);
/* Tests and benchmarks: 1 forces the baseline variant, 0 restores the
 * automatic choice. Set-up only (not while another thread computes). */
void camsep_flow_force_baseline(int on);

#endif
