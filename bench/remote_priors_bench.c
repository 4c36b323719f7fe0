/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-remote-bench: separation with a camera on another machine, offline
 * and repeatable. A stage video's priors (the capture code, as
 * camsep-process --video computes them) reach the engine as they would live,
 * on a simulated clock where each audio block is processed when its last
 * sample is in:
 *   --mode local   a camera in the host: a prior goes in capture-delay after
 *                  its frame (the camera's own path in camsep-jack);
 *   --mode remote  camsep-capture --osc on another machine: each prior is an
 *                  OSC message (liblo, the format of docs/capture-osc.md:
 *                  activities, held mask, motion block) sent
 *                  capture-delay after its frame, through a seeded channel
 *                  that loses, delays (net-delay + 0..jitter), duplicates and
 *                  holds back (reorder) messages; at its arrival it is decoded
 *                  (camsep_osc_decode_stream), placed by the receiver
 *                  (osc_prior_rx: age, jitter, sequence, silence; a tick every
 *                  50 ms) and mapped onto the engine clock by the prior clock,
 *                  the receiving code of camsep-jack and camsep-portaudio.
 * Writes OUT/stemN.wav aligned with the mix, and one line of figures.
 */
#include <lo/lo.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audio_file.h"
#include "camera_priors.h"
#include "camsep_engine.h"
#include "cli.h"
#include "motion_energy.h"
#include "osc_control.h"
#include "osc_prior_rx.h"
#include "prior_clock.h"
#include "video_priors.h"
#include "y4m_source.h"

#define PROG "camsep-remote-bench"
#define MAX_DICTS 8
#define NTP_EPOCH_OFFSET_S 3900000000.0 /* the sender's wall clock (NTP seconds) at audio time 0 */
#define RX_OFFSET_NS 1000000000000LL    /* the receiver's CLOCK_MONOTONIC at audio time 0 */
#define TICK_S 0.05                     /* the host's control loop */

typedef struct options {
    const char *input, *video, *output;
    const char *dicts[MAX_DICTS];
    camsep_box boxes[MAX_DICTS];
    int n_dicts, n_boxes, remote, block, fft, latency, hop;
    double loss, jitter, dup, reorder, capture_delay, net_delay;
    unsigned seed;
} options;

typedef struct packet {
    double arrival; /* seconds, audio clock */
    double event;   /* the prior's true time */
    size_t size;
    unsigned char data[512];
} packet;

static uint64_t rng_state;
static double uniform(void) /* [0, 1) */
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) * (1.0 / 9007199254740992.0);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: %s -i MIX.wav -d A.dict [-d B.dict ...] --video STAGE.y4m --box X,Y,W,H [...] -o DIR\n"
            "       [--mode local|remote] [--loss P] [--jitter S] [--dup P] [--reorder P] [--seed N]\n"
            "       [--capture-delay S] [--net-delay S] [--block N] [--fft K] [--latency L] [--hop R]\n",
            PROG);
    exit(2);
}

static void parse(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->block = 256;
    o->fft = 2048;
    o->latency = 1024;
    o->hop = 512;
    o->capture_delay = 0.005;
    o->net_delay = 0.0005;
    o->seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help"))
            usage();
        const char *v = cli_value(PROG, argc, argv, &i);
        if (!strcmp(a, "-i"))
            o->input = v;
        else if (!strcmp(a, "-o"))
            o->output = v;
        else if (!strcmp(a, "--video"))
            o->video = v;
        else if (!strcmp(a, "-d") && o->n_dicts < MAX_DICTS)
            o->dicts[o->n_dicts++] = v;
        else if (!strcmp(a, "--box") && o->n_boxes < MAX_DICTS) {
            if (camsep_box_parse(v, &o->boxes[o->n_boxes++]))
                cli_fail(PROG, "--box: '%s' is not X,Y,W,H", v);
        } else if (!strcmp(a, "--mode")) {
            if (strcmp(v, "local") && strcmp(v, "remote"))
                cli_fail(PROG, "--mode: local or remote");
            o->remote = !strcmp(v, "remote");
        } else if (!strcmp(a, "--loss"))
            o->loss = cli_float(PROG, a, v, 0.0, 1.0);
        else if (!strcmp(a, "--jitter"))
            o->jitter = cli_float(PROG, a, v, 0.0, 10.0);
        else if (!strcmp(a, "--dup"))
            o->dup = cli_float(PROG, a, v, 0.0, 1.0);
        else if (!strcmp(a, "--reorder"))
            o->reorder = cli_float(PROG, a, v, 0.0, 1.0);
        else if (!strcmp(a, "--seed"))
            o->seed = (unsigned)cli_int(PROG, a, v, 0, 1000000000);
        else if (!strcmp(a, "--capture-delay"))
            o->capture_delay = cli_float(PROG, a, v, 0.0, 1.0);
        else if (!strcmp(a, "--net-delay"))
            o->net_delay = cli_float(PROG, a, v, 0.0, 1.0);
        else if (!strcmp(a, "--block"))
            o->block = cli_int(PROG, a, v, 1, 65536);
        else if (!strcmp(a, "--fft"))
            o->fft = cli_int(PROG, a, v, 64, 16384);
        else if (!strcmp(a, "--latency"))
            o->latency = cli_int(PROG, a, v, 0, 16384);
        else if (!strcmp(a, "--hop"))
            o->hop = cli_int(PROG, a, v, 1, 8192);
        else
            cli_fail(PROG, "unknown option %s (--help)", a);
    }
    if (!o->input || !o->video || !o->output || !o->n_dicts || o->n_boxes != o->n_dicts)
        cli_fail(PROG, "-i, -o, --video, and one --box per -d are required (--help)");
}

/* The motion channels camsep-capture --osc sends for n players (capture_osc.c:
 * the capture's, or fewer so that a message has at most 40 arguments). */
static int channels_sent(int n)
{
    const int fit = (40 - 6) / n - 1;
    return fit < CAMSEP_MOTION_CHANNELS ? fit : CAMSEP_MOTION_CHANNELS;
}

/* The message camsep-capture --osc sends for prior p (capture_osc.c's fields). */
static size_t encode(const camsep_prior *p, int n, double event_s, double age_s, uint32_t seq, unsigned char *buf,
                     size_t cap)
{
    lo_message m = lo_message_new();
    const double wall = NTP_EPOCH_OFFSET_S + event_s;
    lo_timetag tt = {(uint32_t)floor(wall), (uint32_t)((wall - floor(wall)) * 4294967296.0)};
    lo_message_add_timetag(m, tt);
    lo_message_add_float(m, (float)age_s);
    lo_message_add_int32(m, (int32_t)(seq & 0x7fffffffu));
    lo_message_add_int32(m, 1);
    for (int j = 0; j < n; j++)
        lo_message_add_float(m, p->activity[j]);
    lo_message_add_int32(m, (int32_t)(p->held & ((1u << n) - 1u)));
    const int channels = channels_sent(n);
    lo_message_add_int32(m, channels);
    for (int j = 0; j < n; j++)
        for (int c = 0; c < channels; c++)
            lo_message_add_float(m, p->motion[j][c]);
    size_t size = cap;
    if (!lo_message_serialise(m, "/camsep/priors", buf, &size) || size > cap)
        cli_fail(PROG, "cannot encode a message");
    lo_message_free(m);
    return size;
}

/* A prior the receiver handed on, for the engine (its time still on the receiver's clock). */
static void from_rx(const camsep_prior_rx_out *out, camsep_prior *q)
{
    q->n_sources = out->n_players;
    q->held = out->held;
    memcpy(q->activity, out->activity, sizeof out->activity);
    for (int j = 0; j < out->n_players; j++)
        for (int c = 0; c < out->motion_channels; c++)
            q->motion[j][c] = out->motion[j][c];
}

static int by_arrival(const void *a, const void *b)
{
    const packet *x = a, *y = b;
    return x->arrival < y->arrival ? -1 : x->arrival > y->arrival;
}

int main(int argc, char **argv)
{
    options o;
    parse(argc, argv, &o);
    char err[512];
    audio_buffer mix;
    if (audio_read_mono(o.input, &mix, err, sizeof err))
        cli_fail(PROG, "%s", err);
    const double rate = mix.sample_rate;

    camsep_dictionary *players[MAX_DICTS] = {0};
    int atoms = 0;
    for (int j = 0; j < o.n_dicts; j++) {
        if (!(players[j] = camsep_dictionary_load(o.dicts[j], err, sizeof err)))
            cli_fail(PROG, "%s", err);
        atoms += players[j]->n_atoms;
    }
    camsep_config cfg;
    camsep_config_default(&cfg, rate);
    camsep_config_set_window(&cfg, o.fft, o.latency, o.hop);
    cfg.max_sources = o.n_dicts;
    cfg.max_atoms = atoms;
    camsep_engine *e = camsep_engine_create(&cfg, err, sizeof err);
    if (!e)
        cli_fail(PROG, "%s", err);
    camsep_dictset *set =
        camsep_dictset_create(e, (const camsep_dictionary *const *)players, o.n_dicts, NULL, err, sizeof err);
    camsep_params params;
    camsep_params_default(&params);
    if (!set || camsep_engine_post_dictset(e, set) || camsep_engine_post_params(e, &params))
        cli_fail(PROG, "engine set-up: %s", err);

    /* The camera's priors, as the capture code gives them (frame times, audio clock). */
    camsep_frame_source *src = camsep_y4m_open(o.video, 0, err, sizeof err);
    if (!src)
        cli_fail(PROG, "%s", err);
    camsep_video_priors *vp =
        camsep_video_priors_create(src->width, src->height, src->frame_rate, o.boxes, o.n_boxes, err, sizeof err);
    camera_priors cp;
    if (!vp || camera_priors_read(src, vp, rate, 0.0, &cp, err, sizeof err))
        cli_fail(PROG, "%s: %s", o.video, err);

    /* What reaches the host, and when. */
    packet *pk = calloc(2 * cp.n + 1, sizeof *pk);
    size_t n_pk = 0, lost = 0, dups = 0, held = 0;
    rng_state = 0x9e3779b97f4a7c15ULL ^ o.seed;
    for (size_t k = 0; k < cp.n; k++) {
        const double event = (double)cp.items[k].time / rate, sent = event + o.capture_delay;
        if (!o.remote) {
            pk[n_pk].arrival = sent;
            pk[n_pk++].event = event;
            continue;
        }
        if (uniform() < o.loss) {
            lost++;
            continue;
        }
        const int copies = uniform() < o.dup ? 2 : 1;
        dups += (size_t)copies - 1;
        const double hold = uniform() < o.reorder ? 0.04 + 0.04 * uniform() : 0.0;
        held += hold > 0.0;
        for (int c = 0; c < copies; c++) {
            packet *p = &pk[n_pk++];
            p->arrival = sent + o.net_delay + hold + o.jitter * uniform();
            p->event = event;
            p->size = encode(&cp.items[k], o.n_dicts, event, o.capture_delay, (uint32_t)k, p->data, sizeof p->data);
        }
    }
    if (o.remote) /* a local camera's priors arrive in their order */
        qsort(pk, n_pk, sizeof *pk, by_arrival);

    camsep_prior_clock clock;
    camsep_prior_clock_init(&clock, rate);
    camsep_prior_rx rx;
    camsep_prior_rx_init(&rx, o.n_dicts, 0);
    double next_tick = TICK_S, err_sum = 0.0, err_max = 0.0;
    size_t next_pk = 0, local_k = 0, placed = 0, push_fail = 0;

    const size_t latency = (size_t)camsep_engine_latency(e), total = mix.frames + latency;
    float *stems[MAX_DICTS] = {0}, *in = calloc((size_t)o.block, sizeof(float));
    for (int j = 0; j < o.n_dicts; j++)
        stems[j] = calloc(total + 1, sizeof(float));
    for (size_t pos = 0; pos < total; pos += (size_t)o.block) {
        const size_t n = total - pos < (size_t)o.block ? total - pos : (size_t)o.block;
        const double now = (double)(pos + n) / rate; /* the block is processed when its last sample is in */
        camsep_prior_clock_anchor(&clock, camsep_engine_time(e), RX_OFFSET_NS + (int64_t)llround(pos * 1e9 / rate));
        for (;;) {
            const int tick_first = next_tick <= now && (next_pk >= n_pk || next_tick <= pk[next_pk].arrival);
            if (!tick_first && (next_pk >= n_pk || pk[next_pk].arrival > now))
                break;
            camsep_prior q;
            memset(&q, 0, sizeof q);
            int have = 0;
            double event = NAN;
            if (tick_first) {
                camsep_prior_rx_out out;
                if (o.remote && camsep_prior_rx_tick(&rx, RX_OFFSET_NS + (int64_t)llround(next_tick * 1e9), &out)) {
                    from_rx(&out, &q);
                    have = camsep_prior_clock_map(&clock, out.time_ns, 0.0, &q.time) == 0;
                }
                next_tick += TICK_S;
            } else if (!o.remote) {
                q = cp.items[local_k++];
                event = pk[next_pk++].event;
                have = 1;
            } else {
                const packet *p = &pk[next_pk++];
                char path[64], why[256];
                camsep_prior_rx_arg args[CAMSEP_OSC_STREAM_MAX_ARGS];
                int nargs = 0;
                camsep_prior_rx_out out;
                if (camsep_osc_decode_stream(p->data, p->size, path, sizeof path, args, &nargs) ||
                    strcmp(path, "/camsep/priors") || nargs > CAMSEP_OSC_STREAM_MAX_ARGS)
                    cli_fail(PROG, "a message did not decode");
                const int64_t receipt = RX_OFFSET_NS + (int64_t)llround(p->arrival * 1e9);
                const int rc =
                    camsep_prior_rx_message(&rx, "udp:10.0.0.1:40000", args, nargs, receipt, &out, why, sizeof why);
                if (rc < 0)
                    cli_fail(PROG, "the receiver refused a message: %s", why);
                if (rc == 1) {
                    from_rx(&out, &q);
                    have = camsep_prior_clock_map(&clock, out.time_ns, 0.0, &q.time) == 0;
                    event = p->event;
                }
            }
            if (!have)
                continue;
            if (isfinite(event)) {
                const double e_ms = fabs((double)q.time / rate - event) * 1e3;
                err_sum += e_ms;
                err_max = fmax(err_max, e_ms);
                placed++;
            }
            push_fail += camsep_engine_push_prior(e, &q) != 0;
        }
        for (size_t i = 0; i < n; i++)
            in[i] = pos + i < mix.frames ? mix.samples[pos + i] : 0.0f;
        float *outs[CAMSEP_MAX_SOURCES] = {0};
        for (int j = 0; j < o.n_dicts; j++)
            outs[j] = stems[j] + pos;
        camsep_engine_process(e, in, outs, (uint32_t)n);
        camsep_frame_report r;
        while (camsep_engine_read_report(e, &r) == 0) {
        }
    }
    mkdir(o.output, 0777);
    for (int j = 0; j < o.n_dicts; j++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/stem%d.wav", o.output, j + 1);
        if (audio_write_mono(path, stems[j] + latency, mix.frames, rate, err, sizeof err))
            cli_fail(PROG, "%s", err);
        free(stems[j]);
    }
    camsep_stats st;
    camsep_engine_get_stats(e, &st);
    printf("%s: mode=%s priors=%zu sent=%zu lost=%zu dup=%zu held=%zu rx_used=%llu rx_gaps=%llu rx_late=%llu "
           "rx_dups=%llu placement_ms_mean=%.3f placement_ms_max=%.3f engine_used=%llu engine_late=%llu "
           "push_fail=%zu\n",
           PROG, o.remote ? "remote" : "local", cp.n, o.remote ? cp.n - lost : cp.n, lost, dups, held,
           (unsigned long long)rx.stats.received, (unsigned long long)rx.stats.gaps, (unsigned long long)rx.stats.late,
           (unsigned long long)rx.stats.duplicates, placed ? err_sum / (double)placed : 0.0, err_max,
           (unsigned long long)st.priors_used, (unsigned long long)st.priors_late, push_fail);
    free(in);
    free(pk);
    camera_priors_free(&cp);
    camsep_video_priors_free(vp);
    camsep_frame_source_close(src);
    for (int j = 0; j < o.n_dicts; j++)
        camsep_dictionary_free(players[j]);
    camsep_engine_free(e);
    audio_buffer_free(&mix);
    return 0;
}
