/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep.lv2: LV2 glue around the camsep engine. One binary, four plugins
 * (2, 3, 4 and 6 players); see plugin/README.md for the design.
 *
 * Threading classes (LV2): instantiate/activate/deactivate/cleanup are
 * Instantiation; connect_port and run are Audio. run() does no allocation,
 * lock, logging or system call (CLOCK_MONOTONIC through the vDSO only): the
 * worker (camsep_lv2_worker.c) loads and frees everything.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lv2/core/lv2_util.h"
#include "lv2/atom/atom.h"
#include "lv2/log/log.h"
#include "lv2/patch/patch.h"
#include "lv2/state/state.h"

#include "camsep_lv2.h"

static void map_uris(camsep_lv2 *self)
{
    LV2_URID_Map *m = self->map;
    camsep_lv2_uris *u = &self->uris;
    u->atom_Path = m->map(m->handle, LV2_ATOM__Path);
    u->atom_String = m->map(m->handle, LV2_ATOM__String);
    u->atom_URID = m->map(m->handle, LV2_ATOM__URID);
    u->atom_Object = m->map(m->handle, LV2_ATOM__Object);
    u->atom_Sequence = m->map(m->handle, LV2_ATOM__Sequence);
    u->atom_eventTransfer = m->map(m->handle, LV2_ATOM__eventTransfer);
    u->patch_Set = m->map(m->handle, LV2_PATCH__Set);
    u->patch_Get = m->map(m->handle, LV2_PATCH__Get);
    u->patch_property = m->map(m->handle, LV2_PATCH__property);
    u->patch_value = m->map(m->handle, LV2_PATCH__value);
    u->patch_subject = m->map(m->handle, LV2_PATCH__subject);
    for (int j = 0; j < CAMSEP_LV2_MAX_PLAYERS; j++) {
        char uri[128];
        snprintf(uri, sizeof uri, "%s%d", CAMSEP_LV2__dictionary, j + 1);
        u->dictionary[j] = m->map(m->handle, uri);
    }
    u->shm_name = m->map(m->handle, CAMSEP_LV2__shm_name);
    u->atom_Int = m->map(m->handle, LV2_ATOM__Int);
    u->atom_Float = m->map(m->handle, LV2_ATOM__Float);
    u->soundcheck = m->map(m->handle, CAMSEP_LV2__soundcheck);
    u->soundcheck_state = m->map(m->handle, CAMSEP_LV2__soundcheck_state);
    u->soundcheck_progress = m->map(m->handle, CAMSEP_LV2__soundcheck_progress);
    u->soundcheck_message = m->map(m->handle, CAMSEP_LV2__soundcheck_message);
    u->soundcheck_notice = m->map(m->handle, CAMSEP_LV2__soundcheck_notice);
}

/* The window scale: 1 at 44.1/48 kHz, 2 at 88.2/96, 4 at 176.4/192, so that
 * the 2048-sample window and each mode's latency keep their length in time. */
static int rate_scale(double rate)
{
    int s = 1;
    while (rate >= 72000.0 * s && s < 8)
        s *= 2;
    return s;
}

static void cleanup(LV2_Handle instance);

static LV2_Handle instantiate(const LV2_Descriptor *descriptor, double rate, const char *bundle_path,
                              const LV2_Feature *const *features)
{
    const camsep_lv2_variant *variant = camsep_lv2_variant_by_uri(descriptor->URI);
    if (!variant || !bundle_path)
        return NULL;
    camsep_lv2 *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->variant = variant;
    self->players = variant->players;
    self->rate = rate;
    self->map = (LV2_URID_Map *)lv2_features_data(features, LV2_URID__map);
    self->schedule = (LV2_Worker_Schedule *)lv2_features_data(features, LV2_WORKER__schedule);
    lv2_log_logger_init(&self->logger, self->map, (LV2_Log_Log *)lv2_features_data(features, LV2_LOG__log));
    if (self->map) {
        self->has_map = 1;
        map_uris(self);
        lv2_atom_forge_init(&self->forge, self->map);
    }
    self->bundle_path = strdup(bundle_path);
    self->sc = camsep_lv2_sc_create(rate, self->players, lv2_features_data(features, LV2_STATE__makePath),
                                    lv2_features_data(features, LV2_STATE__freePath));

    char err[512];
    if (!self->bundle_path || !self->sc) {
        cleanup(self);
        return NULL;
    }
    camsep_lv2_sc_status_get(self->sc, &self->sc_status);
    const int scale = rate_scale(rate);
    for (int m = 0; m < CAMSEP_LATENCY_MODE_COUNT; m++) {
        camsep_config cfg;
        camsep_config_default(&cfg, rate);
        camsep_config_set_window(&cfg, CAMSEP_DEFAULT_FFT * scale, camsep_lv2_mode_latency(m) * scale, 0);
        cfg.max_sources = self->players + 1;
        cfg.max_atoms = CAMSEP_LV2_ATOMS_PER_STEM * (self->players + 1);
        cfg.motion_channels = 1;
        if (!(self->engines[m] = camsep_engine_create(&cfg, err, sizeof err))) {
            lv2_log_error(&self->logger, "camsep.lv2: %s\n", err);
            cleanup(self);
            return NULL;
        }
    }
    self->mode = self->requested_mode = CAMSEP_LATENCY_MODE_1024;
    self->engine = self->engines[self->mode];
    /* The dry path of the output stage holds the longest latency (mode 1024). */
    self->latency = (uint32_t)camsep_engine_latency(self->engine);
    if (camsep_stem_output_init(&self->output, self->players + 1, self->latency, rate)) {
        cleanup(self);
        return NULL;
    }
    camsep_lv2_set_info info;
    if (camsep_lv2_worker_init(self, &info)) {
        lv2_log_error(&self->logger, "camsep.lv2: cannot load the bundled dictionaries from %s\n", bundle_path);
        cleanup(self);
        return NULL;
    }
    camsep_engine_post_dictset(self->engine, info.set);
    self->current = info;
    for (int j = 0; j < self->players; j++)
        self->requested_instrument[j] = variant->instrument[j];
    snprintf(self->rt_shm_name, sizeof self->rt_shm_name, "%s", CAMSEP_LV2_DEFAULT_SHM_NAME);
    self->reader = camsep_shm_reader_open(self->rt_shm_name, err, sizeof err);
    camsep_prior_clock_init(&self->clock, rate);
    self->params_dirty = 1;
    for (int j = 0; j < CAMSEP_LV2_MAX_PLAYERS; j++)
        self->prior_shown[j] = 1.0f;
    return self;
}

static void connect_port(LV2_Handle instance, uint32_t port, void *data)
{
    camsep_lv2 *self = instance;
    const int P = self->players;
    switch (port) {
    case CAMSEP_PORT_INPUT: self->in = data; return;
    case CAMSEP_PORT_CONTROL: self->control = data; return;
    case CAMSEP_PORT_NOTIFY: self->notify = data; return;
    case CAMSEP_PORT_ENABLED: self->enabled = data; return;
    case CAMSEP_PORT_STRENGTH: self->strength = data; return;
    case CAMSEP_PORT_MASK_POWER: self->mask_power = data; return;
    case CAMSEP_PORT_CAMERA_LATENCY: self->camera_latency = data; return;
    case CAMSEP_PORT_LATENCY:
        self->latency_port = data;
        if (data) /* hosts may read it before the first run() */
            *self->latency_port = (float)self->latency;
        return;
    case CAMSEP_PORT_CAMERA_STATUS: self->camera_status = data; return;
    default: break;
    }
    if (port == camsep_lv2_latency_mode_port_index(P)) {
        self->latency_mode = data;
        return;
    }
    if (port >= camsep_lv2_port_count(P))
        return;
    const uint32_t rel = port - CAMSEP_PORT_FIRST_PLAYER;
    const int j = (int)(rel / CAMSEP_PP_COUNT);
    if (j < P) {
        switch ((camsep_lv2_player_port)(rel % CAMSEP_PP_COUNT)) {
        case CAMSEP_PP_OUT: self->out[j] = data; return;
        case CAMSEP_PP_INSTRUMENT: self->instrument[j] = data; return;
        case CAMSEP_PP_GAIN: self->gain[j] = data; return;
        case CAMSEP_PP_MUTE: self->mute[j] = data; return;
        case CAMSEP_PP_LEVEL: self->level[j] = data; return;
        case CAMSEP_PP_MOTION: self->motion[j] = data; return;
        case CAMSEP_PP_ACTIVE: self->active_port[j] = data; return;
        case CAMSEP_PP_COUNT: return;
        }
    }
    switch ((camsep_lv2_other_port)(rel - (uint32_t)P * CAMSEP_PP_COUNT)) {
    case CAMSEP_OP_OUT: self->out[P] = data; return;
    case CAMSEP_OP_GAIN: self->gain[P] = data; return;
    case CAMSEP_OP_MUTE: self->mute[P] = data; return;
    case CAMSEP_OP_LEVEL: self->level[P] = data; return;
    case CAMSEP_OP_COUNT: return;
    }
}

static int is_enabled(const camsep_lv2 *self)
{
    return !self->enabled || *self->enabled > 0.5f;
}

static void activate(LV2_Handle instance)
{
    camsep_lv2 *self = instance;
    camsep_engine_reset(self->engine);
    if (camsep_lv2_sc_armed(self->sc)) /* the clock restarts: a recording cannot go on */
        camsep_lv2_sc_engine_changed(self->sc);
    camsep_stem_output_set_bypass(&self->output, !is_enabled(self));
    camsep_stem_output_reset(&self->output);
}

static float clampf(float x, float lo, float hi, float fallback)
{
    if (!(x == x))
        return fallback;
    return x < lo ? lo : x > hi ? hi : x;
}

/* Control changes that go through the engine's parameter ring. */
static void update_params(camsep_lv2 *self)
{
    const int P = self->players;
    float now[sizeof self->last_controls / sizeof(float)];
    int k = 0;
    now[k++] = self->strength ? *self->strength : 0.3f;
    now[k++] = self->mask_power ? *self->mask_power : 2.0f;
    for (int j = 0; j <= P; j++) {
        now[k++] = self->gain[j] ? *self->gain[j] : 0.0f;
        now[k++] = self->mute[j] ? *self->mute[j] : 0.0f;
    }
    if (!self->params_dirty && !memcmp(now, self->last_controls, sizeof(float) * (size_t)k))
        return;
    camsep_params p;
    camsep_params_default(&p);
    p.activity_strength = clampf(now[0], 0.0f, CAMSEP_LV2_STRENGTH_MAX, p.activity_strength);
    p.mask_power = clampf(now[1], CAMSEP_LV2_MASK_POWER_MIN, CAMSEP_LV2_MASK_POWER_MAX, p.mask_power);
    for (int j = 0; j <= P; j++) {
        const int s = j < P ? self->current.stem_of_player[j] : self->current.other_stem;
        if (s < 0 || s >= CAMSEP_MAX_SOURCES)
            continue;
        camsep_stem_output_set_gain_db(&self->output, j,
                                       clampf(now[2 + 2 * j], CAMSEP_LV2_GAIN_MIN_DB, CAMSEP_LV2_GAIN_MAX_DB, 0.0f));
        camsep_stem_output_set_mute(&self->output, j, now[3 + 2 * j] > 0.5f);
        p.gain[s] = camsep_stem_output_gain(&self->output, j);
    }
    if (camsep_engine_post_params(self->engine, &p) == 0) {
        memcpy(self->last_controls, now, sizeof(float) * (size_t)k);
        self->params_dirty = 0;
    }
}

/* Instrument controls: one request with the whole line-up when any changed. */
static void check_instruments(camsep_lv2 *self)
{
    camsep_lv2_msg_instruments msg;
    memset(&msg, 0, sizeof msg);
    msg.type = CAMSEP_MSG_SET_INSTRUMENTS;
    int changed = 0;
    for (int j = 0; j < self->players; j++) {
        int v = self->requested_instrument[j];
        if (self->instrument[j]) {
            const float x = clampf(*self->instrument[j], 0.0f, (float)(CAMSEP_INSTR_COUNT - 1), (float)v);
            v = (int)lrintf(x);
        }
        msg.instrument[j] = v;
        changed |= v != self->requested_instrument[j];
    }
    if (changed && camsep_lv2_dispatch(self, &msg, sizeof msg) == 0)
        for (int j = 0; j < self->players; j++)
            self->requested_instrument[j] = msg.instrument[j];
}

/* The latency mode control: the worker builds a set for the other engine,
 * and exchange_sets() switches to that engine when the set arrives. */
static void check_latency_mode(camsep_lv2 *self)
{
    if (!self->latency_mode)
        return;
    const float x = clampf(*self->latency_mode, 0.0f, (float)(CAMSEP_LATENCY_MODE_COUNT - 1),
                           (float)self->requested_mode);
    const int mode = (int)lrintf(x);
    if (mode == self->requested_mode)
        return;
    camsep_lv2_msg_ptr msg = {CAMSEP_MSG_SET_MODE, mode, NULL};
    if (camsep_lv2_dispatch(self, &msg, sizeof msg) == 0)
        self->requested_mode = mode;
}

/* Hands retired sets and readers to the worker for freeing. */
static void flush_garbage(camsep_lv2 *self)
{
    while (self->n_garbage_sets > 0) {
        camsep_lv2_msg_ptr msg = {CAMSEP_MSG_FREE_SET, 0, self->garbage_sets[self->n_garbage_sets - 1]};
        if (camsep_lv2_dispatch(self, &msg, sizeof msg))
            break;
        self->n_garbage_sets--;
    }
    while (self->n_garbage_readers > 0) {
        camsep_lv2_msg_ptr msg = {CAMSEP_MSG_FREE_READER, 0, self->garbage_readers[self->n_garbage_readers - 1]};
        if (camsep_lv2_dispatch(self, &msg, sizeof msg))
            break;
        self->n_garbage_readers--;
    }
}

/* Takes the retired set back and posts the incoming one. The engine installs
 * a posted set at the start of the next process() when its retired slot is
 * empty, which it is (collected just before): so a set is never left pending
 * and post never frees anything here. Needs frames to process this run. */
static void exchange_sets(camsep_lv2 *self)
{
    camsep_dictset *old = camsep_engine_collect_retired(self->engine);
    if (old) {
        if (self->n_garbage_sets < CAMSEP_LV2_GARBAGE)
            self->garbage_sets[self->n_garbage_sets++] = old;
        /* else: leaked rather than freed on the audio thread (cannot happen:
         * one set a run at most, and the worker frees them in order) */
    }
    if (!self->incoming.set || self->n_garbage_sets >= CAMSEP_LV2_GARBAGE)
        return;
    const int mode = self->incoming.mode;
    if (mode != self->mode && mode >= 0 && mode < CAMSEP_LATENCY_MODE_COUNT) {
        /* The set was built for the other engine: switch to it, from silence
         * (the new window's history is empty), with the dry path and the
         * latency port following. Its previous set comes back as retired. */
        self->mode = mode;
        self->engine = self->engines[mode];
        camsep_lv2_sc_engine_changed(self->sc); /* a running sound check's frames no longer fit */
        camsep_engine_reset(self->engine);
        self->latency = (uint32_t)camsep_engine_latency(self->engine);
        camsep_stem_output_set_latency(&self->output, self->latency);
        if (self->latency_port)
            *self->latency_port = (float)self->latency;
        self->params_dirty = 1;
    }
    if (camsep_engine_post_dictset(self->engine, self->incoming.set) == 0) {
        self->current = self->incoming;
        self->params_dirty = 1;
    } else if (self->n_garbage_sets < CAMSEP_LV2_GARBAGE) {
        self->garbage_sets[self->n_garbage_sets++] = self->incoming.set;
    }
    self->incoming.set = NULL;
}

static void process_chunk(camsep_lv2 *self, uint32_t pos, uint32_t n)
{
    const int P = self->players;
    memcpy(self->scratch_in, self->in + pos, sizeof(float) * n); /* in may alias an output */
    float *outs[CAMSEP_MAX_SOURCES] = {0};
    float *port_out[CAMSEP_LV2_MAX_PLAYERS + 1] = {0};
    for (int j = 0; j <= P; j++) {
        port_out[j] = self->out[j] ? self->out[j] + pos : NULL;
        const int s = j < P ? self->current.stem_of_player[j] : self->current.other_stem;
        if (s >= 0 && s < CAMSEP_MAX_SOURCES)
            outs[s] = port_out[j];
        else if (port_out[j])
            memset(port_out[j], 0, sizeof(float) * n);
    }
    camsep_lv2_sc_tap_audio(self->sc, self->scratch_in, n, camsep_engine_time(self->engine));
    camsep_engine_process(self->engine, self->scratch_in, outs, n);
    camsep_stem_output_process(&self->output, self->scratch_in, port_out, n);
}

static void update_meters(camsep_lv2 *self)
{
    const int P = self->players;
    camsep_frame_report rep;
    while (camsep_engine_read_report(self->engine, &rep) == 0)
        for (int j = 0; j < P; j++) {
            const int s = self->current.stem_of_player[j];
            self->prior_shown[j] = s >= 0 && s < rep.n_sources ? rep.prior[s] : 1.0f;
        }
    for (int j = 0; j <= P; j++) {
        if (!self->level[j])
            continue;
        const float peak = camsep_stem_output_level(&self->output, j);
        const float db = peak > 0.0f ? 20.0f * log10f(peak) : CAMSEP_LV2_METER_FLOOR_DB;
        *self->level[j] = db < CAMSEP_LV2_METER_FLOOR_DB ? CAMSEP_LV2_METER_FLOOR_DB : db;
    }
    for (int j = 0; j < P; j++) {
        if (self->motion[j])
            *self->motion[j] = self->prior_shown[j];
        if (self->active_port[j])
            *self->active_port[j] = (float)self->current.active[j];
    }
    if (self->camera_status)
        *self->camera_status = (float)self->camera_state;
}

CAMSEP_RT static void run(LV2_Handle instance, uint32_t n_samples)
{
    camsep_lv2 *self = instance;
    if (self->latency_port)
        *self->latency_port = (float)self->latency;
    camsep_lv2_patch_begin(self);
    camsep_lv2_patch_read(self);
    check_instruments(self);
    check_latency_mode(self);
    if (n_samples > 0)
        exchange_sets(self);
    update_params(self);
    flush_garbage(self);
    camsep_lv2_camera_run(self, n_samples);
    camsep_lv2_sc_run(self, n_samples);

    camsep_stem_output_set_bypass(&self->output, !is_enabled(self));
    for (uint32_t pos = 0; pos < n_samples && self->in; pos += CAMSEP_LV2_CHUNK) {
        const uint32_t n = n_samples - pos < CAMSEP_LV2_CHUNK ? n_samples - pos : CAMSEP_LV2_CHUNK;
        process_chunk(self, pos, n);
    }
    update_meters(self);
    camsep_lv2_patch_end(self);
}

static void deactivate(LV2_Handle instance)
{
    (void)instance;
}

static void cleanup(LV2_Handle instance)
{
    camsep_lv2 *self = instance;
    if (!self)
        return;
    camsep_lv2_sc_free(self->sc); /* joins its thread first */
    camsep_dictset_free(self->incoming.set);
    for (int i = 0; i < self->n_garbage_sets; i++)
        camsep_dictset_free(self->garbage_sets[i]);
    for (int i = 0; i < self->n_garbage_readers; i++)
        camsep_shm_reader_close(self->garbage_readers[i]);
    camsep_shm_reader_close(self->reader);
    for (int m = 0; m < CAMSEP_LATENCY_MODE_COUNT; m++)
        camsep_engine_free(self->engines[m]); /* frees the active, pending and retired sets */
    camsep_lv2_worker_free(self);
    camsep_stem_output_free(&self->output);
    free(self->bundle_path);
    free(self);
}

static const void *extension_data(const char *uri)
{
    static const LV2_Worker_Interface worker = {camsep_lv2_work, camsep_lv2_work_response, NULL};
    if (!strcmp(uri, LV2_WORKER__interface))
        return &worker;
    if (!strcmp(uri, LV2_STATE__interface))
        return camsep_lv2_state_interface();
    return NULL;
}

#define DESCRIPTOR(suffix)                                                                                     \
    {                                                                                                          \
        CAMSEP_LV2_PLUGIN_URI_PREFIX suffix, instantiate, connect_port, activate, run, deactivate, cleanup,     \
            extension_data                                                                                     \
    }

static const LV2_Descriptor descriptors[] = {DESCRIPTOR("2p"), DESCRIPTOR("3p"), DESCRIPTOR("4p"), DESCRIPTOR("6p")};

LV2_SYMBOL_EXPORT const LV2_Descriptor *lv2_descriptor(uint32_t index)
{
    return index < sizeof descriptors / sizeof descriptors[0] ? &descriptors[index] : NULL;
}
