/* SPDX-License-Identifier: GPL-3.0-or-later */
/* jack_feeder: a JACK test client. Plays a mono WAV into a port and records
 * other ports from the same cycle on, then writes what it recorded; can
 * print the latency ranges of ports.
 *
 *   jack_feeder [-s SERVER] [-i MIX.wav -t DEST_PORT] [-r SRC_PORT ...] [-o PREFIX]
 *               [--extra SECONDS] [--latency PORT ...]
 *
 * Recordings are PREFIX1.wav, PREFIX2.wav ... in -r order, as long as the mix
 * plus --extra seconds (default 0.5). --latency prints, per port,
 * "PORT capture MIN MAX playback MIN MAX". With --loop 1 the mix plays over
 * and over, nothing is recorded, and SIGTERM/SIGINT end it (load tests).
 * Exit status 0 on success. */
#include <signal.h>
#include <jack/jack.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio_file.h"

#define MAX_REC 8

static jack_client_t *g_client;
static jack_port_t *g_out, *g_rec[MAX_REC];
static int g_nrec;
static audio_buffer g_mix;
static float *g_buf[MAX_REC];
static size_t g_len, g_pos;
static atomic_int g_state; /* 0 idle, 1 running, 2 done */
static int g_loop;
static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static int process(jack_nframes_t n, void *arg)
{
    (void)arg;
    float *o = g_out ? jack_port_get_buffer(g_out, n) : NULL;
    if (o)
        memset(o, 0, sizeof(float) * n);
    if (atomic_load(&g_state) != 1)
        return 0;
    if (g_loop) {
        for (jack_nframes_t i = 0; i < n && o && g_mix.frames; i++) {
            o[i] = g_mix.samples[g_pos];
            g_pos = g_pos + 1 < g_mix.frames ? g_pos + 1 : 0;
        }
        return 0;
    }
    for (jack_nframes_t i = 0; i < n && g_pos + i < g_len; i++) {
        if (o && g_pos + i < g_mix.frames)
            o[i] = g_mix.samples[g_pos + i];
        for (int k = 0; k < g_nrec; k++)
            g_buf[k][g_pos + i] = ((const float *)jack_port_get_buffer(g_rec[k], n))[i];
    }
    g_pos += n;
    if (g_pos >= g_len)
        atomic_store(&g_state, 2);
    return 0;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static int fail(const char *msg, const char *arg)
{
    fprintf(stderr, "jack_feeder: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
    if (g_client)
        jack_client_close(g_client);
    return 1;
}

/* Waits up to 10 s for a port to exist. */
static jack_port_t *wait_port(const char *name)
{
    for (int i = 0; i < 200; i++) {
        jack_port_t *p = jack_port_by_name(g_client, name);
        if (p)
            return p;
        sleep_ms(50);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    const char *server = NULL, *mix = NULL, *dest = NULL, *prefix = "rec";
    const char *rec[MAX_REC], *lat[MAX_REC];
    int nlat = 0;
    double extra = 0.5;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return fail("missing value for", a);
        if (!strcmp(a, "-s"))
            server = v;
        else if (!strcmp(a, "-i"))
            mix = v;
        else if (!strcmp(a, "-t"))
            dest = v;
        else if (!strcmp(a, "-r") && g_nrec < MAX_REC)
            rec[g_nrec++] = v;
        else if (!strcmp(a, "-o"))
            prefix = v;
        else if (!strcmp(a, "--extra"))
            extra = atof(v);
        else if (!strcmp(a, "--loop"))
            g_loop = atoi(v);
        else if (!strcmp(a, "--latency") && nlat < MAX_REC)
            lat[nlat++] = v;
        else
            return fail("unknown argument", a);
        i++;
    }
    jack_status_t st;
    g_client = server ? jack_client_open("feeder", JackNoStartServer | JackServerName, &st, server)
                      : jack_client_open("feeder", JackNoStartServer, &st);
    if (!g_client)
        return fail("cannot open a JACK client", server);
    for (int k = 0; k < nlat; k++) {
        jack_port_t *p = wait_port(lat[k]);
        if (!p)
            return fail("no port", lat[k]);
        jack_latency_range_t c, pl;
        jack_port_get_latency_range(p, JackCaptureLatency, &c);
        jack_port_get_latency_range(p, JackPlaybackLatency, &pl);
        printf("%s capture %u %u playback %u %u\n", lat[k], c.min, c.max, pl.min, pl.max);
    }
    if (!mix && !g_nrec) {
        jack_client_close(g_client);
        return 0;
    }
    const double rate = jack_get_sample_rate(g_client);
    if (mix) {
        char err[512];
        if (audio_read_mono(mix, &g_mix, err, sizeof err))
            return fail(err, NULL);
        if (g_mix.sample_rate != rate)
            return fail("the mix's sample rate differs from the server's:", mix);
        g_out = jack_port_register(g_client, "out", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    }
    g_len = g_mix.frames + (size_t)(extra * rate);
    for (int k = 0; k < g_nrec; k++) {
        char name[16];
        snprintf(name, sizeof name, "rec%d", k + 1);
        g_rec[k] = jack_port_register(g_client, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
        g_buf[k] = calloc(g_len + 1, sizeof(float));
        if (!g_rec[k] || !g_buf[k])
            return fail("cannot register a port", NULL);
    }
    jack_set_process_callback(g_client, process, NULL);
    if (jack_activate(g_client))
        return fail("cannot activate", NULL);
    if (mix) {
        if (!wait_port(dest) || jack_connect(g_client, jack_port_name(g_out), dest))
            return fail("cannot connect to", dest);
    }
    for (int k = 0; k < g_nrec; k++)
        if (!wait_port(rec[k]) || jack_connect(g_client, rec[k], jack_port_name(g_rec[k])))
            return fail("cannot connect from", rec[k]);
    sleep_ms(200); /* let the graph settle */
    atomic_store(&g_state, 1);
    if (g_loop) {
        signal(SIGTERM, on_signal);
        signal(SIGINT, on_signal);
        while (!g_stop)
            sleep_ms(50);
        jack_deactivate(g_client);
        jack_client_close(g_client);
        audio_buffer_free(&g_mix);
        return 0;
    }
    const double seconds = (double)g_len / rate;
    for (int waited = 0; atomic_load(&g_state) != 2; waited += 20) {
        if (waited > (int)(seconds * 1000) * 3 + 10000)
            return fail("timed out: is the server running?", NULL);
        sleep_ms(20);
    }
    jack_deactivate(g_client);
    for (int k = 0; k < g_nrec; k++) {
        char path[1024], err[512];
        snprintf(path, sizeof path, "%s%d.wav", prefix, k + 1);
        if (audio_write_mono(path, g_buf[k], g_len, rate, err, sizeof err))
            return fail(err, NULL);
        free(g_buf[k]);
    }
    jack_client_close(g_client);
    audio_buffer_free(&g_mix);
    printf("jack_feeder: played %zu frames, recorded %d ports\n", g_mix.frames, g_nrec);
    return 0;
}
