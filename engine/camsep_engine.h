/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep engine: real-time separation of one audio signal into one stem per
 * player by online NMF with fixed dictionaries, optionally guided by
 * per-player priors (from a camera), with soft masks and STFT overlap-add.
 *
 * The engine knows nothing of hosts, devices or threads. It is driven by up to
 * three threads, each function documented with the one it belongs to:
 *   - set-up   : create/free, dictionary-set preparation (allocates; not RT)
 *   - control  : one thread that posts parameters and dictionary sets
 *   - producer : one thread that pushes priors (e.g. a camera capture thread)
 *   - audio    : the real-time thread calling camsep_engine_process()
 *   - reader   : one thread that drains per-frame reports (meters, plots)
 * Control, producer and reader may be the same thread; any of them may also be
 * the audio thread itself (as in an LV2 run() callback). Hand-over between
 * threads is lock-free; process() never allocates, locks, logs or does I/O.
 */
#ifndef CAMSEP_ENGINE_H
#define CAMSEP_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "dictionary.h"

#define CAMSEP_MAX_SOURCES 8         /* stems, players plus the optional "other" */
#define CAMSEP_MAX_MOTION_CHANNELS 8 /* motion features per source (regression prior) */
#define CAMSEP_DEFAULT_FFT 2048      /* analysis window K, samples */
#define CAMSEP_DEFAULT_LATENCY 1024  /* L, samples: 21.3 ms at 48 kHz */
#define CAMSEP_DEFAULT_SMOOTHNESS 0.015f /* temporal smoothness s (docs/engine.md, "Defaults") */
#define CAMSEP_DEFAULT_NMF_BAND_WIDTH 0.015f /* bands of a quarter-semitone above bin 133 (3.1 kHz at K 2048, 48 kHz) */

/* Fixed for the life of an engine instance. */
typedef struct camsep_config {
    double sample_rate;      /* Hz */
    int fft_size;            /* K: analysis window and FFT size, even, 64..16384 (default 2048) */
    int latency;             /* L: input-to-stem delay in samples, even, 2R..K; the analysis
                                window falls over its last L/2 samples (default 1024; 0 = K,
                                the symmetric window) */
    int hop;                 /* R: 1..L/2 (default L/2 = 512) */
    float nmf_band_width;    /* the activations are solved on bands at least this share of
                                their frequency wide (0..0.5; 0 = every bin, full cost;
                                default CAMSEP_DEFAULT_NMF_BAND_WIDTH) */
    int max_sources;         /* stems the instance can output: 1..CAMSEP_MAX_SOURCES */
    int max_atoms;           /* total atoms over all dictionaries of any set it will run */
    int motion_channels;     /* motion features per source: 0..CAMSEP_MAX_MOTION_CHANNELS */
    int prior_ring_capacity; /* prior entries the ring holds (default 256) */
    int report_ring_capacity;/* frame reports the ring holds (default 1024) */
} camsep_config;

/* May change while running (posted by the control thread). */
typedef struct camsep_params {
    int iterations;              /* multiplicative updates per frame, 1..200 */
    float warm_start;            /* 0..1: share of the previous frame's activations in the
                                    starting point (the rest is flat); few updates from a
                                    mostly flat start regularise, see docs/engine.md */
    float beta;                  /* beta-divergence, 0..2 (default 1 = KL) */
    float mask_power;            /* soft-mask exponent p, 0.5..4 (default 2) */
    float activity_strength;     /* gamma: L1 weight gamma * (1 - p_j) on source j */
    float regression_strength;   /* lambda: cross-modal regression weight */
    float regression_sparsity;   /* mu: L1 weight on the regression matrix A */
    float regression_memory_s;   /* forgetting time constant of A's statistics, seconds */
    float smoothness;            /* temporal smoothness weight on h_n - h_{n-1} */
    float prior_timeout_s;       /* priors older than this are ignored (camera lost) */
    float trust_memory_s;        /* activity priors are weighted by how well they have followed
                                    each source's sound over about this many seconds
                                    (prior_trust.h; default 4); 0 = believe them fully */
    float split_strength;        /* 0..1: how far players with the same dictionary (whom the
                                    audio cannot tell apart) have their activations split by
                                    their motion, where it follows their sound (group_split.h;
                                    default 1; needs the trust on); 0 = off */
    float rest_gate;             /* 0..1: how deep a player the camera sees resting is gated, its
                                    share of the sound going to the others, while the camera
                                    is measured in time with the audio (rest_gate.h; default 1;
                                    needs the trust on); 0 = off */
    float share_strength;        /* 0..1: how far the masks weigh each player towards the share of
                                    the sound the camera's graded motion predicts, where that
                                    motion has followed the sound (level_share.h; default 1:
                                    all the way; needs the trust on); 0 = off */
    float gain_smoothing_s;      /* time constant of gain changes, seconds */
    float gain[CAMSEP_MAX_SOURCES]; /* linear output gain per stem (0 mutes) */
} camsep_params;

/* One timestamped prior, from the camera (or a file, or OSC). */
typedef struct camsep_prior {
    int64_t time;            /* engine input clock, in samples: 0 = first sample processed */
    int n_sources;           /* entries used below */
    uint32_t held;           /* bit j set: the camera cannot see player j now (something passes
                                in front, too dark): activity[j] and motion[j] are the last it
                                saw, not an observation. 0 (every player seen) when unsure. */
    float activity[CAMSEP_MAX_SOURCES]; /* playing likelihood in [0,1]; NaN = unknown */
    float motion[CAMSEP_MAX_SOURCES][CAMSEP_MAX_MOTION_CHANNELS]; /* >= 0, regression prior */
} camsep_prior;
_Static_assert(CAMSEP_MAX_SOURCES <= 32, "camsep_prior.held has a bit per source");

/* What one analysis frame did: meters for hosts, data for plots. */
typedef struct camsep_frame_report {
    int64_t frame;           /* frame index since start/reset */
    int64_t time;            /* centre of the frame, input clock samples */
    int n_sources;
    float input_level;       /* RMS of the frame's magnitude spectrum, linear */
    float activation[CAMSEP_MAX_SOURCES]; /* sum of the source's activations */
    float mask_energy[CAMSEP_MAX_SOURCES];/* share of the frame's energy given to the stem */
    float activation_audio[CAMSEP_MAX_SOURCES]; /* the activation sum without any prior: from the
                                             trust's shadow solve when it ran, else .activation
                                             when no prior shaped the frame; NaN when priors
                                             shaped it and no shadow solve ran (trust off) */
    float audio_misfit;      /* how badly the dictionaries explain the frame without any prior:
                                the KL divergence of that fit per unit of magnitude, on the
                                solver's bands (nmf_band_misfit); from the same solve as
                                .activation_audio, NaN when it has none or the frame is silent */
    float prior[CAMSEP_MAX_SOURCES];      /* activity prior used (1 = neutral) */
    float trust[CAMSEP_MAX_SOURCES];      /* weight the prior was given, 0..1 (1 with trust off) */
    float agreement[CAMSEP_MAX_SOURCES];  /* 1 - the prior's recent miss rate against the sound
                                             (prior_trust.h); NaN = no evidence yet */
    float split[CAMSEP_MAX_SOURCES];      /* weight of the motion split within the source's group
                                             of same-dictionary players, 0..1 (group_split.h;
                                             0 without such a twin) */
    float gate[CAMSEP_MAX_SOURCES];       /* the rest gate's gain on the source's share, 1 = open
                                             (rest_gate.h) */
    float share[CAMSEP_MAX_SOURCES];      /* how far the source's share of the sound was moved towards
                                             what its graded motion predicts, 0..1 (the exponent
                                             kappa; level_share.h; 0 = left to the audio) */
    uint32_t held;           /* bit j: the camera cannot see player j now (its prior is held,
                                camsep_prior.held): no rest gate, a held rest weighs little */
    float camera_offset;     /* the camera's measured offset against the audio, seconds (> 0:
                                later than its latency setting says); NaN: not measured yet */
    float camera_offset_corr;/* how clearly: the correlation at that offset, NaN: not yet */
    float objective;         /* beta-divergence of the fit after the last iteration */
} camsep_frame_report;

/* Counters readable from any thread (relaxed, for status displays). */
typedef struct camsep_stats {
    uint64_t frames;
    uint64_t nonfinite_samples;  /* NaN/Inf input samples replaced by zero */
    uint64_t priors_used;
    uint64_t priors_late;        /* arrived after their time had passed */
    uint64_t priors_dropped;     /* ring full on push */
    uint64_t reports_dropped;    /* report ring full */
    uint64_t dictsets_installed;
    uint64_t params_installed;
} camsep_stats;

typedef struct camsep_engine camsep_engine;
typedef struct camsep_dictset camsep_dictset;

/* set-up */
void camsep_config_default(camsep_config *cfg, double sample_rate);
void camsep_params_default(camsep_params *p);
/* Checks a configuration; 0, or -1 with the reason in err. */
int camsep_config_validate(const camsep_config *cfg, char *err, size_t errlen);
int camsep_params_validate(const camsep_params *p, char *err, size_t errlen);

/* set-up: allocates everything the instance will ever use. */
camsep_engine *camsep_engine_create(const camsep_config *cfg, char *err, size_t errlen);
void camsep_engine_free(camsep_engine *e);
const camsep_config *camsep_engine_config(const camsep_engine *e);
/* Sets the window from what a user gave, 0 meaning not given: the FFT size
 * defaults to CAMSEP_DEFAULT_FFT, the latency to the smaller of
 * CAMSEP_DEFAULT_LATENCY and the FFT size, the hop to half the latency (the
 * window's fall M: the synthesis windows overlap by half). camsep_config_validate()
 * then says whether they fit together. */
void camsep_config_set_window(camsep_config *cfg, int fft_size, int latency, int hop);
/* The latency a configuration gives (its latency field, or K when 0). */
int camsep_config_latency(const camsep_config *cfg);
/* Delay, in samples, from input to every stem; fixed for the configuration. */
int camsep_engine_latency(const camsep_engine *e);
/* Bytes the instance allocated (engine, rings, FFT buffers; not dictionary sets). */
size_t camsep_engine_allocated_bytes(const camsep_engine *e);

/* set-up (any non-RT thread): a dictionary set prepared for engine e. players
 * are the stems in order; other (may be NULL) adds a last "other" stem that
 * absorbs what no player explains. Each dictionary is resampled to the
 * engine's axis. NULL with the reason in err if it does not fit the engine. */
camsep_dictset *camsep_dictset_create(const camsep_engine *e, const camsep_dictionary *const *players,
                                      int n_players, const camsep_dictionary *other,
                                      char *err, size_t errlen);
void camsep_dictset_free(camsep_dictset *s);
int camsep_dictset_sources(const camsep_dictset *s); /* stems, players + other */
size_t camsep_dictset_bytes(const camsep_dictset *s);

/* control: hand a set over to the audio thread (installed at its next frame;
 * the engine then owns it). Returns 0, or -1 if a previous post is still
 * pending and could not be replaced (the caller keeps s). */
int camsep_engine_post_dictset(camsep_engine *e, camsep_dictset *s);
/* control: a set the audio thread has retired (or NULL); the caller frees it. */
camsep_dictset *camsep_engine_collect_retired(camsep_engine *e);
/* control: new parameters, applied at the audio thread's next process() call.
 * Returns 0, or -1 if they are invalid (nothing changes). */
int camsep_engine_post_params(camsep_engine *e, const camsep_params *p);

/* producer: a prior for the audio thread. Returns -1 if the ring is full. */
int camsep_engine_push_prior(camsep_engine *e, const camsep_prior *p);

/* audio: separate nframes samples (any count, including 0 and 1). out holds
 * max_sources channel pointers (a NULL pointer skips that stem); stems past the
 * active set are written as silence. in and out may not overlap. */
void camsep_engine_process(camsep_engine *e, const float *in, float *const *out, uint32_t nframes);
/* audio: forget the signal history (OLA, activations, priors) but keep the
 * configuration, parameters and dictionaries; the clock restarts at 0. */
void camsep_engine_reset(camsep_engine *e);
/* audio (or after process() returns, same thread): the activations of the
 * latest frame, for tests and tools; NULL before any dictionary is installed. */
const float *camsep_engine_activations(const camsep_engine *e, int *n_atoms);
/* audio: frames analysed so far. */
int64_t camsep_engine_frames(const camsep_engine *e);
/* audio: the input-clock sample count. */
int64_t camsep_engine_time(const camsep_engine *e);
/* audio: stems of the installed set (0 before any). */
int camsep_engine_sources(const camsep_engine *e);

/* reader: the oldest unread frame report; 0 if one was copied, -1 if none. */
int camsep_engine_read_report(camsep_engine *e, camsep_frame_report *r);
/* any thread */
void camsep_engine_get_stats(const camsep_engine *e, camsep_stats *s);

#endif
