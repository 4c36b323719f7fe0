/* SPDX-License-Identifier: GPL-3.0-or-later */
/* camsep-portaudio: the engine on a PortAudio device (machines without JACK).
 *
 * One input channel of the input device is separated; the stems go to the
 * output device's channels in order (players, then other). When the device
 * has fewer output channels than stems, the last stems are not played (a
 * warning names them); their faders still exist for the session file.
 * Threading: the main thread sets up and runs the control loop (host_run.c);
 * PortAudio's callback thread calls stream_cb. */
#include <portaudio.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_run.h"
#include "v4l2_source.h"

#define PA_MAX_BLOCK 8192

typedef struct pa_host {
    PaStream *stream;
    int pa_ready;
    host_session *session;
    int n_stems, n_out, in_channel; /* in_channel: 0-based */
    double rate;
    float zeros[PA_MAX_BLOCK];      /* input when the device gives none */
    atomic_uint_fast64_t xruns;
    atomic_int active, finished;
} pa_host;

/* Callback thread: no I/O, locks or allocation. */
CAMSEP_RT static int stream_cb(const void *input, void *output, unsigned long frames, const PaStreamCallbackTimeInfo *ti,
                     PaStreamCallbackFlags flags, void *arg)
{
    pa_host *h = arg;
    const int64_t now = host_now_ns();
    if (flags & (paInputOverflow | paOutputUnderflow | paInputUnderflow | paOutputOverflow))
        atomic_fetch_add_explicit(&h->xruns, 1, memory_order_relaxed);
    const float *const *ins = input;
    float *const *outs_dev = output;
    /* When the block's first sample was sampled, on the stream's clock,
     * carried over to CLOCK_MONOTONIC through "now". */
    double age = ti ? ti->currentTime - ti->inputBufferAdcTime : 0.0;
    if (!(age > 0.0 && age < 1.0))
        age = (double)frames / h->rate;
    const int64_t anchor = now - (int64_t)(age * 1e9);
    for (unsigned long done = 0; done < frames;) {
        const unsigned long n = frames - done < PA_MAX_BLOCK ? frames - done : PA_MAX_BLOCK;
        const float *in = ins ? ins[h->in_channel] + done : h->zeros;
        float *outs[CAMSEP_MAX_SOURCES] = {0};
        for (int j = 0; j < h->n_out; j++)
            outs[j] = outs_dev[j] + done;
        host_session_process(h->session, in, outs, (uint32_t)n,
                             done ? 0 : anchor); /* one anchor a callback */
        done += n;
    }
    return paContinue;
}

static void finished_cb(void *arg)
{
    pa_host *h = arg;
    atomic_store(&h->finished, 1);
}

/* A device by index or by a part of its name; -1 if none. */
static PaDeviceIndex find_device(const char *spec, int want_input)
{
    char *end;
    long idx = strtol(spec, &end, 10);
    const int n = Pa_GetDeviceCount();
    if (*spec && !*end)
        return idx >= 0 && idx < n ? (PaDeviceIndex)idx : -1;
    for (int pass = 0; pass < 2; pass++)
        for (PaDeviceIndex i = 0; i < n; i++) {
            const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
            if (!d)
                continue;
            int match = pass == 0 ? !strcmp(d->name, spec) : strstr(d->name, spec) != NULL;
            int chans = want_input ? d->maxInputChannels : d->maxOutputChannels;
            if (match && chans > 0)
                return i;
        }
    return -1;
}

static int pa_query(void *self, const char *what, const host_config *cfg)
{
    (void)self;
    if (strcmp(what, "list-devices")) {
        fprintf(stderr, "camsep-portaudio: unknown query %s\n", what);
        return 1;
    }
    PaError e = Pa_Initialize();
    if (e != paNoError) {
        fprintf(stderr, "camsep-portaudio: PortAudio: %s\n", Pa_GetErrorText(e));
        return 1;
    }
    printf("index  in  out  rate     host API  name\n");
    for (PaDeviceIndex i = 0; i < Pa_GetDeviceCount(); i++) {
        const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
        const PaHostApiInfo *api = d ? Pa_GetHostApiInfo(d->hostApi) : NULL;
        if (!d)
            continue;
        printf("%5d %3d %4d  %-8.0f %-9s %s%s%s\n", (int)i, d->maxInputChannels, d->maxOutputChannels,
               d->defaultSampleRate, api ? api->name : "?", d->name,
               i == Pa_GetDefaultInputDevice() ? " (default input)" : "",
               i == Pa_GetDefaultOutputDevice() ? " (default output)" : "");
    }
    Pa_Terminate();
    printf("\ncameras (--video):\n");
    return camsep_v4l2_list_cameras(NULL, NULL, cfg->video[0] ? cfg->video : NULL, stdout) ? 1 : 0;
}

static void pa_stop(void *self)
{
    pa_host *h = self;
    if (h->stream) {
        if (atomic_load(&h->active))
            Pa_StopStream(h->stream);
        Pa_CloseStream(h->stream);
        h->stream = NULL;
    }
    atomic_store(&h->active, 0);
    host_session_free(h->session);
    h->session = NULL;
    if (h->pa_ready)
        Pa_Terminate();
    h->pa_ready = 0;
}

static int pa_fail(char *err, size_t errlen, const char *what, PaError e)
{
    snprintf(err, errlen, "%s: %s", what, Pa_GetErrorText(e));
    return -1;
}

static int pa_start(void *self, const host_config *cfg, const char *client_name, char *err, size_t errlen)
{
    (void)client_name;
    pa_host *h = self;
    PaError e = Pa_Initialize();
    if (e != paNoError)
        return pa_fail(err, errlen, "PortAudio", e);
    h->pa_ready = 1;
    PaDeviceIndex out_dev = cfg->device[0] ? find_device(cfg->device, 0) : Pa_GetDefaultOutputDevice();
    if (out_dev < 0) {
        snprintf(err, errlen, "no output device '%s' (see --list-devices)", cfg->device[0] ? cfg->device : "default");
        return -1;
    }
    const char *in_spec = cfg->input_device[0] ? cfg->input_device : cfg->device;
    PaDeviceIndex in_dev = in_spec[0] ? find_device(in_spec, 1) : Pa_GetDefaultInputDevice();
    if (in_dev < 0) {
        snprintf(err, errlen, "no input device '%s' (see --list-devices)", in_spec[0] ? in_spec : "default");
        return -1;
    }
    const PaDeviceInfo *di = Pa_GetDeviceInfo(in_dev), *dout = Pa_GetDeviceInfo(out_dev);
    h->rate = cfg->rate > 0 ? cfg->rate : 48000.0;
    const unsigned long period = cfg->period > 0 ? (unsigned long)cfg->period : 256;
    if (cfg->input_channel > di->maxInputChannels) {
        snprintf(err, errlen, "input channel %d: %s has %d input channels", cfg->input_channel, di->name,
                 di->maxInputChannels);
        return -1;
    }
    h->in_channel = cfg->input_channel - 1;
    h->session = host_session_create(cfg, h->rate, err, errlen);
    if (!h->session)
        return -1;
    h->n_stems = host_session_stems(h->session);
    h->n_out = h->n_stems < dout->maxOutputChannels ? h->n_stems : dout->maxOutputChannels;
    if (h->n_out < 1) {
        snprintf(err, errlen, "%s has no output channels", dout->name);
        return -1;
    }
    for (int j = h->n_out; j < h->n_stems; j++)
        fprintf(stderr, "camsep-portaudio: %s has %d output channels: stem %s is not played\n", dout->name,
                dout->maxOutputChannels, host_session_stem_name(h->session, j));

    PaStreamParameters ip = {in_dev, cfg->input_channel, paFloat32 | paNonInterleaved,
                             di->defaultLowInputLatency, NULL};
    PaStreamParameters op = {out_dev, h->n_out, paFloat32 | paNonInterleaved, dout->defaultLowOutputLatency, NULL};
    e = Pa_IsFormatSupported(&ip, &op, h->rate);
    if (e != paFormatIsSupported) {
        snprintf(err, errlen, "%s -> %s: %d in / %d out channels at %g Hz: %s", di->name, dout->name,
                 cfg->input_channel, h->n_out, h->rate, Pa_GetErrorText(e));
        return -1;
    }
    e = Pa_OpenStream(&h->stream, &ip, &op, h->rate, period, paNoFlag, stream_cb, h);
    if (e != paNoError)
        return pa_fail(err, errlen, "cannot open the audio stream", e);
    Pa_SetStreamFinishedCallback(h->stream, finished_cb);
    if (host_session_start_camera(h->session, err, errlen))
        return -1;
    e = Pa_StartStream(h->stream);
    if (e != paNoError)
        return pa_fail(err, errlen, "cannot start the audio stream", e);
    atomic_store(&h->active, 1);
    const PaStreamInfo *si = Pa_GetStreamInfo(h->stream);
    fprintf(stderr, "camsep-portaudio: %s -> %s (%d of %d stems) at %g Hz, period %lu, device latency %.1f ms in "
                    "/ %.1f ms out, engine latency %d samples\n",
            di->name, dout->name, h->n_out, h->n_stems, si ? si->sampleRate : h->rate, period,
            si ? si->inputLatency * 1e3 : 0.0, si ? si->outputLatency * 1e3 : 0.0, host_session_latency(h->session));
    return 0;
}

static host_session *pa_session(void *self)
{
    pa_host *h = self;
    return atomic_load(&h->active) ? h->session : NULL;
}

static uint64_t pa_xruns(void *self)
{
    pa_host *h = self;
    return atomic_load(&h->xruns);
}

static int pa_failed(void *self, char *why, size_t size)
{
    pa_host *h = self;
    if (atomic_load(&h->finished) || (h->stream && Pa_IsStreamActive(h->stream) != 1)) {
        snprintf(why, size, "the audio stream stopped (device gone?)");
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static pa_host h;
    host_backend b = {
        .program = "camsep-portaudio",
        .host = HOST_PORTAUDIO,
        .text =
            {
                .purpose = "separate a live mix into one output channel per player through PortAudio",
                .synopsis = "--player NAME[=INSTRUMENT] [--box X,Y,W,H] ... [options]\n--config FILE [options]\n"
                            "--list-devices",
                .description =
                    "Separates one input channel of an audio device into one output channel per player (then "
                    "'other'), live, through PortAudio (ALSA, PulseAudio or PipeWire, for machines without "
                    "JACK). When the output device has fewer channels than stems, the last stems are not played "
                    "and a warning names them. Every output lags the input by --latency plus the device's "
                    "latency. With --video, the camera's motion in each player's box guides the separation.\n\n"
                    "SIGINT and SIGTERM end it cleanly. Runs as an NSM client when NSM_URL is set.",
                .notes = host_config_file_notes,
                .environment =
                    (const cli_item[]){
                        {"CAMSEP_DICT_DIR", HOST_DICT_DIR_HELP},
                        {"NSM_URL", "the session manager to announce to (camsep-portaudio is then an NSM client)"},
                        {NULL, NULL},
                    },
                .files = host_files,
                .examples = "The audio devices and the cameras, then a quartet on a USB interface at 48 kHz:\n\n"
                            "  camsep-portaudio --list-devices\n"
                            "  camsep-portaudio --device \"USB Audio\" --rate 48000 --period 256 \\\n"
                            "                   --config quartet.conf",
                .see_also = "camsep-jack(1), camsep-capture(1), camsep-train(1), camsep-osc-doc(1)",
            },
        .query = pa_query,
        .start = pa_start,
        .stop = pa_stop,
        .session = pa_session,
        .xruns = pa_xruns,
        .failed = pa_failed,
        .self = &h,
    };
    return host_main(&b, argc, argv);
}
