/* SPDX-License-Identifier: GPL-3.0-or-later */
/* camsep-jack: the engine as a JACK client, with the camera in-process.
 *
 * Ports: "in" (the mix), one output per player named after it, and "other",
 * with JACK metadata (pretty names, a port group, an order).
 * Threading: the main thread sets up and runs the control loop (host_run.c);
 * JACK's process thread calls process_cb; JACK's notification thread calls the
 * latency, xrun, buffer-size, sample-rate and shutdown callbacks. A new graph
 * rate is rebuilt by the control loop (host_live.h); the outputs are silent
 * meanwhile. */
#include <errno.h>
#include <jack/jack.h>
#include <jack/metadata.h>
#include <jack/uuid.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_live.h"
#include "host_run.h"
#include "v4l2_source.h"

typedef struct jack_host {
    jack_client_t *client;
    jack_port_t *in;
    jack_port_t *out[CAMSEP_MAX_SOURCES];
    host_session *session;            /* control side; the audio thread's is in live */
    host_live live;                   /* the session the process callback runs, its rate */
    const host_config *rebuild_cfg;   /* during jack_rebuild */
    int n_stems, latency;
    atomic_uint_fast64_t xruns;
    atomic_int dead;                  /* the server shut us down */
    char why[256];                    /* written once before dead is set */
    atomic_int active;
    atomic_uint capture_latency;      /* the input's capture latency (max), frames */
} jack_host;

/* ---- JACK callbacks ---- */

/* Process thread: no I/O, locks or allocation. */
CAMSEP_RT static int process_cb(jack_nframes_t n, void *arg)
{
    jack_host *h = arg;
    const int64_t now = host_now_ns();
    const float *in = jack_port_get_buffer(h->in, n);
    float *outs[CAMSEP_MAX_SOURCES];
    for (int j = 0; j < h->n_stems; j++)
        outs[j] = jack_port_get_buffer(h->out[j], n);
    host_session *s = host_live_enter(&h->live);
    if (!s) { /* a new sample rate: silence until the control loop has rebuilt the session */
        for (int j = 0; j < h->n_stems; j++)
            memset(outs[j], 0, sizeof(float) * n);
        host_live_leave(&h->live);
        return 0;
    }
    /* The block's first sample entered the machine one capture latency ago
     * (JACK's capture latency includes the period); a period when unknown. */
    const unsigned lat = atomic_load_explicit(&h->capture_latency, memory_order_relaxed);
    const jack_nframes_t cap = lat ? lat : n;
    const int64_t anchor = now - (int64_t)((double)cap * 1e9 / host_live_rate(&h->live));
    host_session_process(s, in, outs, n, anchor);
    host_live_leave(&h->live);
    return 0;
}

/* Every output lags the input by the engine's latency. */
static void latency_cb(jack_latency_callback_mode_t mode, void *arg)
{
    jack_host *h = arg;
    jack_latency_range_t r;
    if (mode == JackCaptureLatency) {
        jack_port_get_latency_range(h->in, mode, &r);
        atomic_store_explicit(&h->capture_latency, r.max, memory_order_relaxed);
        r.min += (jack_nframes_t)h->latency;
        r.max += (jack_nframes_t)h->latency;
        for (int j = 0; j < h->n_stems; j++)
            jack_port_set_latency_range(h->out[j], mode, &r);
    } else {
        jack_latency_range_t out = {0, 0};
        for (int j = 0; j < h->n_stems; j++) {
            jack_port_get_latency_range(h->out[j], mode, &r);
            if (j == 0 || r.min < out.min)
                out.min = r.min;
            if (r.max > out.max)
                out.max = r.max;
        }
        out.min += (jack_nframes_t)h->latency;
        out.max += (jack_nframes_t)h->latency;
        jack_port_set_latency_range(h->in, mode, &out);
    }
}

static int xrun_cb(void *arg)
{
    jack_host *h = arg;
    atomic_fetch_add_explicit(&h->xruns, 1, memory_order_relaxed);
    return 0;
}

/* The engine takes any block size: nothing to do. */
static int buffer_size_cb(jack_nframes_t n, void *arg)
{
    (void)n, (void)arg;
    return 0;
}

/* Any thread (PipeWire may call it from the process thread): one atomic store. */
static int sample_rate_cb(jack_nframes_t rate, void *arg)
{
    jack_host *h = arg;
    host_live_rate_changed(&h->live, rate);
    return 0;
}

static void shutdown_cb(jack_status_t code, const char *reason, void *arg)
{
    (void)code;
    jack_host *h = arg;
    snprintf(h->why, sizeof h->why, "the JACK server shut camsep down: %s", reason ? reason : "no reason given");
    atomic_store(&h->dead, 1);
}

/* ---- backend ---- */

static void remove_metadata(jack_host *h)
{
    if (h->in)
        jack_remove_properties(h->client, jack_port_uuid(h->in));
    for (int j = 0; j < h->n_stems; j++)
        if (h->out[j])
            jack_remove_properties(h->client, jack_port_uuid(h->out[j]));
}

static void jack_stop(void *self)
{
    jack_host *h = self;
    if (h->client) {
        const int alive = !atomic_load(&h->dead);
        if (atomic_load(&h->active) && alive)
            jack_deactivate(h->client);
        atomic_store(&h->active, 0);
        if (alive)
            remove_metadata(h);
        jack_client_close(h->client);
        h->client = NULL;
    }
    host_live_take(&h->live);
    host_session_free(h->session);
    h->session = NULL;
}

/* Pretty names (the players' display names), one port group per direction
 * and the ports' order, for patchbays that show them (Carla, qpwgraph,
 * Ardour). A server without metadata just refuses: not an error. */
static void set_metadata(jack_host *h, const host_config *cfg)
{
    static const char *const integer = "http://www.w3.org/2001/XMLSchema#integer";
    char order[16], pretty[HOST_NAME_LEN + 32];
    jack_uuid_t u = jack_port_uuid(h->in);
    jack_set_property(h->client, u, JACK_METADATA_PRETTY_NAME, "mix in", "text/plain");
    jack_set_property(h->client, u, JACK_METADATA_PORT_GROUP, "mix", "text/plain");
    jack_set_property(h->client, u, JACK_METADATA_ORDER, "0", integer);
    for (int j = 0; j < h->n_stems; j++) {
        u = jack_port_uuid(h->out[j]);
        if (j < cfg->n_players)
            snprintf(pretty, sizeof pretty, "%s", cfg->players[j].label[0] ? cfg->players[j].label
                                                                           : cfg->players[j].name);
        else
            snprintf(pretty, sizeof pretty, "other (no player)");
        snprintf(order, sizeof order, "%d", j + 1);
        jack_set_property(h->client, u, JACK_METADATA_PRETTY_NAME, pretty, "text/plain");
        jack_set_property(h->client, u, JACK_METADATA_PORT_GROUP, "stems", "text/plain");
        jack_set_property(h->client, u, JACK_METADATA_ORDER, order, integer);
    }
}

/* The input is connected only to what the configuration names: connect
 * in=PORT, or the first output port (in the server's order) whose full name
 * matches input-match. Under PipeWire every device, a webcam's microphone
 * too, is a "physical" port, so no port is ever picked by a guess. */
static void connect_input(jack_host *h, const host_config *cfg)
{
    const char *me_in = jack_port_name(h->in);
    for (int i = 0; i < cfg->n_connect; i++)
        if (!strcmp(cfg->connect[i].from, "in"))
            return; /* connected below, and printed */
    if (cfg->no_connect)
        return;
    const char **ports = jack_get_ports(h->client, NULL, JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput);
    const size_t mine = strlen(jack_get_client_name(h->client));
    if (!cfg->input_match[0]) {
        char list[512] = "";
        size_t used = 0;
        for (int i = 0; ports && ports[i]; i++) {
            jack_port_t *p = jack_port_by_name(h->client, ports[i]);
            if (p && (jack_port_flags(p) & JackPortIsPhysical) && used < sizeof list)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", ports[i]);
        }
        fprintf(stderr, "camsep-jack: input not connected: name its source with --connect in=PORT or "
                        "--input-match REGEX (capture ports here: %s)\n", used ? list : "none");
        jack_free(ports);
        return;
    }
    regex_t re;
    if (regcomp(&re, cfg->input_match, REG_EXTENDED | REG_NOSUB)) { /* checked when read */
        jack_free(ports);
        return;
    }
    const char *found = NULL;
    int rc;
    for (int i = 0; ports && ports[i] && !found; i++)
        if (!(strncmp(ports[i], jack_get_client_name(h->client), mine) == 0 && ports[i][mine] == ':') &&
            regexec(&re, ports[i], 0, NULL, 0) == 0)
            found = ports[i];
    regfree(&re);
    if (!found)
        fprintf(stderr, "camsep-jack: no output port matches input-match '%s'; input not connected\n",
                cfg->input_match);
    else if ((rc = jack_connect(h->client, found, me_in)) && rc != EEXIST)
        fprintf(stderr, "camsep-jack: cannot connect %s to %s\n", found, me_in);
    else
        fprintf(stderr, "camsep-jack: input from %s (input-match '%s')\n", found, cfg->input_match);
    jack_free(ports);
}

static int connect_ports(jack_host *h, const host_config *cfg, char *err, size_t errlen)
{
    const char *me_in = jack_port_name(h->in);
    connect_input(h, cfg);
    for (int i = 0; i < cfg->n_connect; i++) {
        const host_connect *k = &cfg->connect[i];
        int rc;
        if (!strcmp(k->from, "in")) {
            rc = jack_connect(h->client, k->port, me_in);
        } else {
            int j = host_config_stem_index(cfg, k->from);
            rc = jack_connect(h->client, jack_port_name(h->out[j]), k->port);
        }
        if (rc && rc != EEXIST) {
            snprintf(err, errlen, "connect %s=%s: no such port, or the connection is refused", k->from, k->port);
            return -1;
        }
        fprintf(stderr, "camsep-jack: connected %s=%s\n", k->from, k->port);
    }
    return 0;
}

static int jack_start(void *self, const host_config *cfg, const char *client_name, char *err, size_t errlen)
{
    jack_host *h = self;
    jack_status_t status = 0;
    const char *name = client_name ? client_name : cfg->jack_name;
    jack_options_t opts = JackNoStartServer | (cfg->jack_server[0] ? JackServerName : 0);
    h->client = cfg->jack_server[0] ? jack_client_open(name, opts, &status, cfg->jack_server)
                                    : jack_client_open(name, opts, &status);
    if (!h->client) {
        snprintf(err, errlen, "cannot connect to the JACK server%s%s (status 0x%x%s)",
                 cfg->jack_server[0] ? " " : "", cfg->jack_server, (unsigned)status,
                 (status & JackServerFailed) ? ": is it running? camsep-jack does not start one" : "");
        return -1;
    }
    if (status & JackNameNotUnique)
        fprintf(stderr, "camsep-jack: client name taken; running as %s\n", jack_get_client_name(h->client));
    const jack_nframes_t rate = jack_get_sample_rate(h->client);
    host_live_init(&h->live, rate);
    h->session = host_session_create(cfg, (double)rate, err, errlen);
    if (!h->session)
        return -1;
    h->n_stems = host_session_stems(h->session);
    h->latency = host_session_latency(h->session);
    h->in = jack_port_register(h->client, "in", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    for (int j = 0; j < h->n_stems && h->in; j++) {
        h->out[j] = jack_port_register(h->client, host_session_stem_name(h->session, j), JACK_DEFAULT_AUDIO_TYPE,
                                       JackPortIsOutput, 0);
        if (!h->out[j]) {
            snprintf(err, errlen, "cannot register port %s", host_session_stem_name(h->session, j));
            return -1;
        }
    }
    if (!h->in) {
        snprintf(err, errlen, "cannot register the input port");
        return -1;
    }
    jack_set_process_callback(h->client, process_cb, h);
    jack_set_latency_callback(h->client, latency_cb, h);
    jack_set_xrun_callback(h->client, xrun_cb, h);
    jack_set_buffer_size_callback(h->client, buffer_size_cb, h);
    jack_set_sample_rate_callback(h->client, sample_rate_cb, h);
    jack_on_info_shutdown(h->client, shutdown_cb, h);
    if (host_session_start_camera(h->session, err, errlen))
        return -1;
    host_live_put(&h->live, h->session, rate);
    set_metadata(h, cfg);
    if (jack_activate(h->client)) {
        snprintf(err, errlen, "cannot activate the JACK client");
        return -1;
    }
    atomic_store(&h->active, 1);
    fprintf(stderr, "camsep-jack: %s at %u Hz, block %u, latency %d samples\n", jack_get_client_name(h->client),
            (unsigned)rate, (unsigned)jack_get_buffer_size(h->client), h->latency);
    return connect_ports(h, cfg, err, errlen);
}

static host_session *jack_session(void *self)
{
    jack_host *h = self;
    return atomic_load(&h->active) ? h->session : NULL;
}

static uint64_t jack_xruns(void *self)
{
    jack_host *h = self;
    return atomic_load(&h->xruns);
}

static int jack_failed(void *self, char *why, size_t size)
{
    jack_host *h = self;
    if (atomic_load(&h->dead)) {
        snprintf(why, size, "%s", h->why);
        return 1;
    }
    return 0;
}

/* ---- a new graph rate (control loop; the process callback is silent) ---- */

static void *make_session(void *user, unsigned rate, char *err, size_t errlen)
{
    jack_host *h = user;
    host_session *s = host_session_create(h->rebuild_cfg, (double)rate, err, errlen);
    if (s && host_session_start_camera(s, err, errlen)) {
        host_session_free(s);
        s = NULL;
    }
    return s;
}

static void drop_session(void *user, void *old)
{
    (void)user;
    host_session_free(old);
}

static int jack_rebuild_due(void *self)
{
    jack_host *h = self;
    return atomic_load(&h->active) && host_live_pending(&h->live) != 0;
}

static int jack_rebuild(void *self, const host_config *cfg, char *msg, size_t size)
{
    jack_host *h = self;
    unsigned was = 0, now = 0;
    char err[768];
    const int64_t t0 = host_now_ns();
    h->rebuild_cfg = cfg;
    h->session = NULL; /* freed by the rebuild */
    const int rc = host_live_rebuild(&h->live, make_session, drop_session, h, &was, &now, err, sizeof err);
    h->rebuild_cfg = NULL;
    if (rc < 0) {
        snprintf(msg, size, "the JACK sample rate changed from %u to %u Hz and the engine cannot run at it: %s", was,
                 now, err);
        return -1;
    }
    h->session = host_live_peek(&h->live);
    snprintf(msg, size, "the JACK sample rate changed from %u to %u Hz: engine rebuilt in %.0f ms (silent meanwhile)",
             was, now, (double)(host_now_ns() - t0) * 1e-6);
    return 1;
}

static int jack_query(void *self, const char *what, const host_config *cfg)
{
    (void)self;
    if (!strcmp(what, "list-devices")) /* the cameras (JACK's ports: jack_lsp) */
        return camsep_v4l2_list_cameras(NULL, NULL, cfg->video[0] ? cfg->video : NULL, stdout) ? 1 : 0;
    fprintf(stderr, "camsep-jack: unknown query %s\n", what);
    return 1;
}

int main(int argc, char **argv)
{
    static jack_host h;
    host_backend b = {
        .program = "camsep-jack",
        .host = HOST_JACK,
        .text =
            {
                .purpose = "separate a live mix into one JACK port per player, guided by a camera",
                .synopsis = "--player NAME[=INSTRUMENT] [--box X,Y,W,H] ... [options]\n--config FILE [options]\n"
                            "--list-devices",
                .description =
                    "Separates the mix on port 'in' into one output port per player (and 'other'), live. Every "
                    "output lags the input by --latency (reported to JACK as latency, so latency-compensating "
                    "clients line the stems up). With --video, the camera's motion in each player's box guides "
                    "the separation.\n\n"
                    "The input is connected only to what is named: --connect in=PORT, or the first output port "
                    "matching --input-match REGEX; never a guess, because under PipeWire a webcam's microphone is "
                    "a capture port too. Outputs are only connected by --connect. A new JACK sample rate rebuilds "
                    "the engine (silent meanwhile). camsep-jack never starts a JACK server. SIGINT and SIGTERM end "
                    "it cleanly; if the server goes away it exits 1 with the server's reason.\n\n"
                    "Runs as an NSM client when NSM_URL is set. OSC control (--osc-port) and the window (--ui) "
                    "edit the same settings.",
                .notes = host_config_file_notes,
                .environment =
                    (const cli_item[]){
                        {"CAMSEP_DICT_DIR", HOST_DICT_DIR_HELP},
                        {"NSM_URL", "the session manager to announce to (camsep-jack is then an NSM client)"},
                        {"JACK_DEFAULT_SERVER", "the JACK server, unless --server is given"},
                        {NULL, NULL},
                    },
                .files = host_files,
                .examples = "Two players, an 'other' stem, a camera, the violin to the first playback port:\n\n"
                            "  camsep-jack --player violin --box 40,60,200,300 \\\n"
                            "              --player cello --box 300,60,200,300 --other \\\n"
                            "              --video /dev/video0 --camera-latency 0.04 \\\n"
                            "              --input-match '^system:capture_1$' --connect violin=system:playback_1\n\n"
                            "A quartet from a config file on the server 'live', with OSC control and the window:\n\n"
                            "  camsep-jack --config quartet.conf --server live --osc-port 7711 --ui\n\n"
                            "A config file:\n\n"
                            "  video = /dev/video0\n"
                            "  other = true\n"
                            "  [player violin]\n"
                            "  instrument = violin\n"
                            "  box = 40,60,200,300",
                .see_also = "camsep-portaudio(1), camsep-capture(1), camsep-train(1), camsep-osc-doc(1), jackd(1)",
            },
        .query = jack_query,
        .start = jack_start,
        .stop = jack_stop,
        .session = jack_session,
        .xruns = jack_xruns,
        .failed = jack_failed,
        .rebuild_due = jack_rebuild_due,
        .rebuild = jack_rebuild,
        .self = &h,
    };
    return host_main(&b, argc, argv);
}
