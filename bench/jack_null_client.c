/* SPDX-License-Identifier: GPL-3.0-or-later */
/* jack_null_client: the baseline of the xrun benchmark. A JACK client with
 * camsep-jack's ports (one input, N outputs) whose process callback only
 * copies the input to the first output and clears the others, so the xruns
 * it sees are the machine's and the server's, not any DSP's.
 *
 *   jack_null_client [-s SERVER] [-n NAME] [--outputs N]
 *
 * Runs until SIGTERM/SIGINT, then prints "jack_null_client: cycles=C xruns=X".
 * Exit status 0 on success. */
#include <jack/jack.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_OUTPUTS 16

static jack_port_t *g_in, *g_out[MAX_OUTPUTS];
static int g_nout = 5;
static atomic_ulong g_cycles, g_xruns;
static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static int process(jack_nframes_t n, void *arg)
{
    (void)arg;
    const float *in = jack_port_get_buffer(g_in, n);
    for (int k = 0; k < g_nout; k++) {
        float *o = jack_port_get_buffer(g_out[k], n);
        if (k == 0)
            memcpy(o, in, sizeof(float) * n);
        else
            memset(o, 0, sizeof(float) * n);
    }
    atomic_fetch_add_explicit(&g_cycles, 1, memory_order_relaxed);
    return 0;
}

static int on_xrun(void *arg)
{
    (void)arg;
    atomic_fetch_add_explicit(&g_xruns, 1, memory_order_relaxed);
    return 0;
}

int main(int argc, char **argv)
{
    const char *server = NULL, *name = "null";
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            fprintf(stderr, "jack_null_client: missing value for %s\n", argv[i]);
            return 2;
        }
        if (!strcmp(argv[i], "-s"))
            server = v;
        else if (!strcmp(argv[i], "-n"))
            name = v;
        else if (!strcmp(argv[i], "--outputs"))
            g_nout = atoi(v);
        else {
            fprintf(stderr, "jack_null_client: unknown argument %s\n", argv[i]);
            return 2;
        }
        i++;
    }
    if (g_nout < 1 || g_nout > MAX_OUTPUTS) {
        fprintf(stderr, "jack_null_client: --outputs must be 1..%d\n", MAX_OUTPUTS);
        return 2;
    }
    jack_status_t st;
    jack_client_t *c = server ? jack_client_open(name, JackNoStartServer | JackServerName, &st, server)
                              : jack_client_open(name, JackNoStartServer, &st);
    if (!c) {
        fprintf(stderr, "jack_null_client: cannot open a JACK client (status 0x%x)\n", (unsigned)st);
        return 1;
    }
    g_in = jack_port_register(c, "in", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    for (int k = 0; k < g_nout && g_in; k++) {
        char port[16];
        snprintf(port, sizeof port, "out%d", k + 1);
        g_out[k] = jack_port_register(c, port, JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
        if (!g_out[k])
            g_in = NULL;
    }
    if (!g_in) {
        fprintf(stderr, "jack_null_client: cannot register the ports\n");
        jack_client_close(c);
        return 1;
    }
    jack_set_process_callback(c, process, NULL);
    jack_set_xrun_callback(c, on_xrun, NULL);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    if (jack_activate(c)) {
        fprintf(stderr, "jack_null_client: cannot activate\n");
        jack_client_close(c);
        return 1;
    }
    while (!g_stop) {
        struct timespec ts = {0, 50000000};
        nanosleep(&ts, NULL);
    }
    jack_deactivate(c);
    jack_client_close(c);
    printf("jack_null_client: cycles=%lu xruns=%lu\n", atomic_load(&g_cycles), atomic_load(&g_xruns));
    return 0;
}
