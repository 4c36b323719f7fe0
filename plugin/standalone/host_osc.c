/* SPDX-License-Identifier: GPL-3.0-or-later */
/* OSC control of the standalone hosts (see host_osc.h). */
#include "host_osc.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_found.h"
#include "host_preset.h"
#include "host_remote.h"
#include "osc_control.h"

struct host_osc {
    camsep_osc *osc;
    pthread_mutex_t lock;             /* session pointer vs the callbacks */
    host_session *session;
    uint64_t (*xruns)(void *);
    void *xruns_self;
    char preset_dir[HOST_PATH_LEN];
    int preset_index;                 /* last stored or recalled, 0 = none */
    char preset_name[CAMSEP_OSC_NAME_MAX];
    int host;
    host_remote *remote;              /* priors from the network, while a session is attached */
    char program[64];
};

static const char *const camera_names[] = {"running", "lost", "ended", "failed"};
static const char no_own_camera[] = "no camera of this program's own (--video)";

static int refuse(host_osc *h, const char *reason)
{
    camsep_osc_refuse(h->osc, reason);
    return -1;
}

/* Normalised box -> frame pixels, with the camera's frame size. */
static int box_to_pixels(host_session *s, const camsep_osc_box *b, camsep_box *px, char *why, size_t size)
{
    int state, w, hgt;
    double fps;
    if (host_session_camera(s, &state, &fps, &w, &hgt) != 0) {
        snprintf(why, size, "no camera (start with --video) to place boxes in");
        return -1;
    }
    if (w <= 0 || hgt <= 0) {
        snprintf(why, size, "no camera frame yet: its size is not known");
        return -1;
    }
    px->x = b->x * (float)w;
    px->y = b->y * (float)hgt;
    px->w = b->w * (float)w;
    px->h = b->h * (float)hgt;
    return 0;
}

static int preset_command(host_osc *h, host_session *s, const camsep_osc_command *c, char *why, size_t size)
{
    int index = 0;
    char name[CAMSEP_OSC_NAME_MAX];
    if (c->kind == CAMSEP_OSC_CMD_PRESET_STORE) {
        host_config cfg;
        host_session_get_config(s, &cfg);
        if (host_preset_store(h->preset_dir, c->index, c->index ? NULL : c->text, &cfg, &index, name, sizeof name,
                              why, size))
            return -1;
    } else {
        static host_config p; /* large; the OSC thread is the only caller */
        if (host_preset_load(h->preset_dir, c->index, c->index ? NULL : c->text, h->host, &p, &index, name,
                             sizeof name, why, size))
            return -1;
        if (host_session_apply_preset(s, &p, why, size))
            return -1;
    }
    h->preset_index = index;
    snprintf(h->preset_name, sizeof h->preset_name, "%s", name);
    return 0;
}

/* OSC server thread. */
static int submit(const camsep_osc_command *c, void *user)
{
    host_osc *h = user;
    char why[512] = "";
    int rc = 0;
    pthread_mutex_lock(&h->lock);
    host_session *s = h->session;
    if (!s) {
        pthread_mutex_unlock(&h->lock);
        return refuse(h, "no session open yet");
    }
    host_command hc = {.stem = c->player};
    switch (c->kind) {
    case CAMSEP_OSC_CMD_PLAYER_GAIN:
        hc.type = HOST_CMD_GAIN;
        /* -60 dB is OSC's floor: silence (the host's -120). */
        hc.value = c->value <= CAMSEP_OSC_GAIN_MIN_DB ? -120.0f : c->value;
        break;
    case CAMSEP_OSC_CMD_PLAYER_MUTE: hc.type = HOST_CMD_MUTE, hc.on = c->flag; break;
    case CAMSEP_OSC_CMD_PLAYER_SOLO: hc.type = HOST_CMD_SOLO, hc.on = c->flag; break;
    case CAMSEP_OSC_CMD_BYPASS: hc.type = HOST_CMD_BYPASS, hc.on = c->flag; break;
    case CAMSEP_OSC_CMD_PRIOR_STRENGTH: hc.type = HOST_CMD_PRIOR_STRENGTH, hc.value = c->value; break;
    case CAMSEP_OSC_CMD_MASK_POWER: hc.type = HOST_CMD_MASK_POWER, hc.value = c->value; break;
    case CAMSEP_OSC_CMD_CAMERA_LATENCY: hc.type = HOST_CMD_CAMERA_LATENCY, hc.value = c->value; break;
    case CAMSEP_OSC_CMD_MOTION_KNEE: hc.type = HOST_CMD_MOTION_KNEE, hc.value = c->value; break;
    case CAMSEP_OSC_CMD_PLAYER_BOX:
        hc.type = HOST_CMD_BOX;
        rc = box_to_pixels(s, &c->box, &hc.box, why, sizeof why);
        break;
    case CAMSEP_OSC_CMD_PLAYER_INSTRUMENT:
        rc = host_session_set_dictionary(s, c->player, c->text, NULL, why, sizeof why);
        hc.type = 0;
        break;
    case CAMSEP_OSC_CMD_PLAYER_DICTIONARY:
        rc = host_session_set_dictionary(s, c->player, NULL, c->text, why, sizeof why);
        hc.type = 0;
        break;
    case CAMSEP_OSC_CMD_PLAYER_NAME:
        rc = host_session_set_label(s, c->player, c->text, why, sizeof why);
        hc.type = 0;
        break;
    case CAMSEP_OSC_CMD_PRESET_STORE:
    case CAMSEP_OSC_CMD_PRESET_RECALL:
        rc = preset_command(h, s, c, why, sizeof why);
        hc.type = 0;
        break;
    case CAMSEP_OSC_CMD_SOUNDCHECK_START:
        rc = host_session_soundcheck_start(s, c->index - 1, 0.0, why, sizeof why);
        hc.type = 0;
        break;
    case CAMSEP_OSC_CMD_SOUNDCHECK_STOP:
        rc = host_session_soundcheck_stop(s, why, sizeof why);
        hc.type = 0;
        break;
    case CAMSEP_OSC_CMD_SOUNDCHECK_CANCEL:
        rc = host_session_soundcheck_cancel(s, why, sizeof why);
        hc.type = 0;
        break;
    case CAMSEP_OSC_CMD_ASSOCIATE_APPLY:
        rc = host_session_associate_apply(s, c->flag, why, sizeof why);
        hc.type = 0;
        break;
    case CAMSEP_OSC_CMD_PLAYERS_FIND:
        rc = host_session_find_players(s, c->index ? c->index : host_session_players(s), (double)c->value, why,
                                       sizeof why);
        hc.type = 0;
        break;
    case CAMSEP_OSC_CMD_PLAYERS_FIND_CANCEL:
        rc = host_session_find_cancel(s, why, sizeof why);
        hc.type = 0;
        break;
    case CAMSEP_OSC_CMD_PLAYERS_FOUND_APPLY:
        rc = host_session_found_apply(s, c->flag, why, sizeof why);
        hc.type = 0;
        break;
    default: rc = -1, snprintf(why, sizeof why, "not supported by this host"); break;
    }
    if (!rc && hc.type)
        rc = host_session_command(s, &hc, why, sizeof why);
    pthread_mutex_unlock(&h->lock);
    return rc ? refuse(h, why) : 0;
}

static float to_db(float lin) { return lin > 0.0f ? 20.0f * log10f(lin) : -INFINITY; }

/* Feedback follows a recording in tenths of a second and learning in
 * hundredths: the state poll then sends a few messages a second, not 30. */
static float quantise(double x, double step) { return (float)(floor(x / step) * step); }
/* A threshold is never shown below itself (1.9f is 1.8999999...). */
static float quantise_up(double x, double step) { return (float)(ceil(x / step - 1e-4) * step); }

static void soundcheck_state(host_session *s, camsep_osc_state *st)
{
    static host_sc_status sc; /* large; only the OSC thread gets here */
    host_session_soundcheck_status(s, &sc);
    snprintf(st->soundcheck_state, sizeof st->soundcheck_state, "%s", host_sc_state_name(sc.state));
    st->soundcheck_seconds = quantise(sc.seconds, 0.1);
    st->soundcheck_progress = quantise(sc.progress, 0.01);
    st->soundcheck_player = sc.player < 0 ? 0 : sc.player + 1;
    snprintf(st->soundcheck_message, sizeof st->soundcheck_message, "%.*s", (int)sizeof st->soundcheck_message - 1,
             sc.message);
    for (int j = 0; j < st->n_players && j < sc.n_players; j++) {
        st->players[j].soundcheck_alone_s = quantise(sc.alone_s[j], 0.1);
        st->players[j].soundcheck_together_s = quantise(sc.together_s[j], 0.1);
    }
}

/* The proposal of which box is which player; the confidence (rounded down)
 * and the confidence needed (rounded up) in tenths, the evidence in whole
 * seconds, so that a poll sees few changes. */
static void association_state(host_session *s, camsep_osc_state *st)
{
    host_assoc_view v;
    host_session_association(s, &v);
    host_assoc_format_pairing(&v, st->associate_pairing, sizeof st->associate_pairing);
    host_assoc_format_state(&v, st->associate_state, sizeof st->associate_state);
    st->associate_confidence = isfinite(v.confidence) ? quantise(v.confidence, 0.1) : 0.0f;
    st->associate_evidence_s = quantise(v.evidence_s, 1.0);
    st->associate_needed = isfinite(v.needed) ? quantise_up(v.needed, 0.1) : 0.0f;
}

/* The search for the players in the own camera's picture and its boxes,
 * normalised to the frame they were found in; the progress in hundredths. */
static void found_state(host_session *s, camsep_osc_state *st)
{
    camsep_capture_proposal p;
    if (host_session_found_players(s, &p) != 0) {
        snprintf(st->found_state, sizeof st->found_state, "idle");
        snprintf(st->found_message, sizeof st->found_message, "%s", no_own_camera);
        return;
    }
    app_found_osc_state(&p, st);
}

/* OSC server thread: never waits for the audio thread. */
static void get_state(camsep_osc_state *st, void *user)
{
    host_osc *h = user;
    pthread_mutex_lock(&h->lock);
    host_session *s = h->session;
    st->preset_index = h->preset_index;
    snprintf(st->preset_name, sizeof st->preset_name, "%s", h->preset_name);
    snprintf(st->camera_state, sizeof st->camera_state, "%s", s ? "off" : "stopped");
    snprintf(st->found_state, sizeof st->found_state, "idle");
    st->camera_offset_s = st->camera_offset_corr = NAN; /* not measured (no session yet) */
    if (!s) {
        pthread_mutex_unlock(&h->lock);
        return;
    }
    static host_config cfg; /* large; only the OSC thread gets here */
    host_session_get_config(s, &cfg);
    host_meters m;
    host_session_meters(s, &m);
    int cam_state, fw, fh;
    double fps;
    const int has_camera = host_session_camera(s, &cam_state, &fps, &fw, &fh) == 0;
    if (has_camera) {
        snprintf(st->camera_state, sizeof st->camera_state, "%s",
                 cam_state >= 0 && cam_state < 4 ? camera_names[cam_state] : "unknown");
        st->camera_fps = (float)fps;
    }
    float magnitude;
    host_session_camera_motion(s, &st->camera_motion_u, &st->camera_motion_v, &magnitude); /* NaN: unknown */
    if (fw <= 0 || fh <= 0) {
        fw = cfg.camera_width;
        fh = cfg.camera_height;
    }
    st->n_players = cfg.n_players < CAMSEP_OSC_MAX_PLAYERS ? cfg.n_players : CAMSEP_OSC_MAX_PLAYERS;
    for (int j = 0; j < st->n_players; j++) {
        const host_player *p = &cfg.players[j];
        camsep_osc_player_state *o = &st->players[j];
        snprintf(o->name, sizeof o->name, "%s", p->label[0] ? p->label : p->name);
        if (!p->dictionary[0])
            snprintf(o->instrument, sizeof o->instrument, "%s", p->instrument[0] ? p->instrument : p->name);
        /* OSC carries paths of up to 255 bytes; a longer one (set from the
         * config file) is shown cut, never wrong: it ends in "...". */
        if (strlen(p->dictionary) < sizeof o->dictionary)
            memcpy(o->dictionary, p->dictionary, strlen(p->dictionary) + 1);
        else
            snprintf(o->dictionary, sizeof o->dictionary, "%.251s...", p->dictionary);
        o->gain_db = fminf(CAMSEP_OSC_GAIN_MAX_DB, fmaxf(CAMSEP_OSC_GAIN_MIN_DB, p->gain_db));
        o->mute = p->mute;
        o->solo = p->solo;
        if (p->has_box && fw > 0 && fh > 0) {
            o->box.x = p->box.x / (float)fw;
            o->box.y = p->box.y / (float)fh;
            o->box.w = p->box.w / (float)fw;
            o->box.h = p->box.h / (float)fh;
        }
        o->level_db = to_db(m.level[j]);
        o->motion = fminf(1.0f, fmaxf(0.0f, m.motion[j]));
        o->activation = m.activation[j];
        o->trust = m.trust[j];
        o->agreement = m.agreement[j];
        o->split = m.split[j];
        o->share = m.share[j];
        o->gate = m.gate[j];
        o->hidden = (int)((m.held >> j) & 1u);
    }
    st->camera_offset_s = m.camera_offset; /* NaN: not measured yet */
    st->camera_offset_corr = m.camera_offset_corr;
    st->bypass = cfg.bypass;
    st->prior_strength = cfg.params.activity_strength;
    st->mask_power = cfg.params.mask_power;
    st->camera_latency_s = (float)cfg.camera_latency;
    st->motion_knee = (float)cfg.motion_knee;
    st->xruns = h->xruns ? h->xruns(h->xruns_self) : 0;
    st->dsp_load = m.dsp_load;
    st->latency_samples = host_session_latency(s);
    st->latency_s = (float)(st->latency_samples / host_session_rate(s));
    if (h->remote) {
        host_remote_state(h->remote, st->remote_state, sizeof st->remote_state);
        host_remote_status rs;
        host_session_get_remote_status(s, &rs);
        const uint64_t r[5] = {(uint64_t)rs.senders, rs.received, rs.gaps, rs.late + rs.duplicates, rs.refused};
        memcpy(st->remote, r, sizeof r);
    }
    soundcheck_state(s, st);
    association_state(s, st);
    found_state(s, st);
    pthread_mutex_unlock(&h->lock);
}

/* OSC server thread: PREFIX/priors and PREFIX/players from camsep-capture --osc. */
static int stream(const camsep_osc_stream_msg *m, char *why, size_t whylen, void *user)
{
    host_osc *h = user;
    pthread_mutex_lock(&h->lock);
    int rc = -1;
    if (h->remote)
        rc = host_remote_message(h->remote, m, why, whylen);
    else
        snprintf(why, whylen, "no session open yet");
    pthread_mutex_unlock(&h->lock);
    return rc;
}

void host_osc_tick(host_osc *h, int64_t now_ns)
{
    pthread_mutex_lock(&h->lock);
    if (h->remote)
        host_remote_tick(h->remote, now_ns);
    pthread_mutex_unlock(&h->lock);
}

host_osc *host_osc_create(const host_config *cfg, const char *program, char *err, size_t errlen)
{
    host_osc *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&h->lock, NULL);
    h->host = cfg->host;
    camsep_osc_config oc;
    camsep_osc_config_default(&oc);
    oc.port = cfg->osc_port;
    if (cfg->osc_prefix[0])
        oc.prefix = cfg->osc_prefix;
    oc.enable_tcp = !cfg->osc_no_tcp;
    oc.program = program;
    snprintf(h->program, sizeof h->program, "%s", program ? program : "camsep");
    camsep_osc_host cb = {submit, get_state, h, stream};
    char why[256];
    h->osc = camsep_osc_create(&oc, &cb, why, sizeof why);
    if (!h->osc) {
        snprintf(err, errlen, "OSC port %s: %s", cfg->osc_port, why);
        host_osc_free(h);
        return NULL;
    }
    for (int i = 0; i < cfg->n_osc_feedback; i++)
        if (camsep_osc_add_target(h->osc, cfg->osc_feedback[i], 1, 10.0f)) {
            snprintf(err, errlen, "--osc-feedback %s: not a usable osc.udp://HOST:PORT/ target", cfg->osc_feedback[i]);
            host_osc_free(h);
            return NULL;
        }
    if (camsep_osc_start(h->osc)) {
        snprintf(err, errlen, "OSC: cannot start the server thread");
        host_osc_free(h);
        return NULL;
    }
    return h;
}

void host_osc_attach(host_osc *h, host_session *s, uint64_t (*xruns)(void *), void *xruns_self,
                     const char *preset_dir)
{
    pthread_mutex_lock(&h->lock);
    h->session = s;
    host_remote_free(h->remote);
    h->remote = s ? host_remote_create(s, h->program) : NULL;
    h->xruns = xruns;
    h->xruns_self = xruns_self;
    snprintf(h->preset_dir, sizeof h->preset_dir, "%s", preset_dir ? preset_dir : "");
    pthread_mutex_unlock(&h->lock);
    camsep_osc_notify(h->osc);
}

void host_osc_detach(host_osc *h)
{
    pthread_mutex_lock(&h->lock);
    h->session = NULL;
    host_remote_free(h->remote);
    h->remote = NULL;
    pthread_mutex_unlock(&h->lock);
    camsep_osc_notify(h->osc);
}

void host_osc_notify(host_osc *h) { camsep_osc_notify(h->osc); }

int host_osc_port(const host_osc *h) { return camsep_osc_port(h->osc); }

void host_osc_free(host_osc *h)
{
    if (!h)
        return;
    camsep_osc_free(h->osc);
    host_remote_free(h->remote);
    pthread_mutex_destroy(&h->lock);
    free(h);
}
