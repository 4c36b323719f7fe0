/*
 * The host core shared by camsep-jack and camsep-portaudio: from a checked
 * configuration to a running engine with its dictionaries, the command queue,
 * the audio-side block function, the in-process camera (capture runner ->
 * prior clock -> engine prior ring) and the status line.
 *
 * Threading:
 *   - create / start_camera / free: set-up (main thread).
 *   - process: the audio thread.
 *   - command, get_config, status: control threads (main, NSM, a future OSC
 *     server); they serialise on a mutex the audio thread never takes.
 *   - the camera sink runs on the capture thread.
 */
#ifndef CAMSEP_HOST_SESSION_H
#define CAMSEP_HOST_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "host_commands.h"
#include "host_config.h"

typedef struct host_session host_session;

/* Set-up: loads the dictionaries, creates the engine at sample_rate, posts
 * the dictionary set and the parameters. NULL with a one-line reason. */
host_session *host_session_create(const host_config *cfg, double sample_rate, char *err, size_t errlen);
/* Set-up: opens the camera (if the configuration has one) and starts the
 * capture thread. 0, or -1 with the reason. */
int host_session_start_camera(host_session *s, char *err, size_t errlen);
/* Set-up: stops the camera, frees everything. NULL is ignored. */
void host_session_free(host_session *s);

int host_session_latency(const host_session *s);     /* samples */
int host_session_stems(const host_session *s);       /* players + other */
const char *host_session_stem_name(const host_session *s, int stem);
double host_session_rate(const host_session *s);

/* Audio thread: one block (see host_dsp_process). */
void host_session_process(host_session *s, const float *in, float *const *outs, uint32_t nframes,
                          int64_t anchor_ns);

/* Control: applies a command (records it in the configuration that
 * get_config returns, then pushes audio commands into the queue or applies
 * box / camera-latency changes itself). 0, or -1 with the reason. */
int host_session_command(host_session *s, const host_command *c, char *err, size_t errlen);
/* Control: the configuration as it stands now (for saving). */
void host_session_get_config(host_session *s, host_config *out);
/* Control: 1 if a command changed the configuration since the last call. */
int host_session_take_dirty(host_session *s);

typedef struct host_status {
    uint64_t frames;          /* samples processed */
    uint64_t xruns;           /* from the host */
    double dsp_mean, dsp_peak;/* share of real time spent in process, since the last status */
    int camera;               /* 0 none, else 1 + camsep_capture_state */
    double camera_fps;
    uint64_t camera_frames, priors_pushed, priors_unmapped;
    uint64_t priors_used, priors_late, priors_dropped, nonfinite;
    int bypassed;
} host_status;

/* Control: counters now (and the DSP load since the previous call). */
void host_session_status(host_session *s, host_status *st);
/* "t=12.0s dsp 12%/30% xruns 0 camera running 30.0fps priors 345 used/0 late nonfinite 0" */
void host_status_format(const host_status *st, double seconds, char *buf, size_t size);

#endif
