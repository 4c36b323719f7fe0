/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The capture loop on a thread of its own: a frame source (V4L2 camera, Y4M
 * file or pipe) -> optical flow and motion energy per player box -> one prior
 * per analysed frame, handed to a sink with the frame's capture time.
 *
 * camsep-capture runs it with sinks that publish to the shared-memory ring and
 * to OSC; camsep-jack and camsep-portaudio run it in-process with a sink that
 * maps the capture time to the engine's sample clock (prior_clock.h) and
 * pushes into the engine's prior ring.
 *
 * Threading: start/stop are set-up calls (they open devices, spawn and join
 * the thread). set_boxes, set_knee and get_status may be called from any one control
 * thread at a time; neither blocks the capture thread. The sink's callbacks run
 * on the capture thread.
 */
#ifndef CAMSEP_CAPTURE_RUNNER_H
#define CAMSEP_CAPTURE_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "camsep_engine.h"
#include "frame_source.h"
#include "motion_energy.h"
#include "v4l2_controls.h"

#define CAMSEP_CAPTURE_MAX_BOXES CAMSEP_MAX_SOURCES

/* Where frames come from. */
typedef struct camsep_capture_source_spec {
    const char *source;  /* "/dev/videoN" (or any character device): V4L2 camera;
                            "auto": the first camera found; "-": Y4M on stdin;
                            anything else: a Y4M file or FIFO */
    int width, height;   /* camera: wanted size (0: about 640x480; v4l2_source.h) */
    double fps;          /* camera: wanted rate (0: about 30, at least 25 fps; v4l2_source.h) */
    const char *camera_controls[CAMSEP_V4L2_MAX_CONTROLS]; /* camera: "NAME=VALUE", set at every open */
    int n_camera_controls;
    int pace;            /* Y4M: 1 = deliver at the file's frame rate (live use),
                            0 = as fast as the loop runs (offline, tests) */
    int loop;            /* Y4M file: start again at its end (rehearsal, demo) */
} camsep_capture_source_spec;

typedef enum camsep_capture_state {
    CAMSEP_CAPTURE_RUNNING = 0,  /* frames arrive */
    CAMSEP_CAPTURE_LOST = 1,     /* camera gone or stalled; reopening with backoff */
    CAMSEP_CAPTURE_ENDED = 2,    /* the file or pipe ended (not looping) */
    CAMSEP_CAPTURE_FAILED = 3,   /* an error that cannot heal (bad file data) */
} camsep_capture_state;

typedef struct camsep_capture_status {
    camsep_capture_state state;
    uint64_t frames;          /* frames read */
    uint64_t priors;          /* priors handed to the sink with camera_ok = 1 */
    uint64_t dropped;         /* frames lost by the source (sequence gaps; cameras: and corrupt
                                 frames, e.g. MJPEG that does not decode) */
    uint64_t faults;          /* camera faults seen */
    int width, height;
    double fps;               /* measured over the last second or so */
    double analysis_ms_mean;  /* flow + motion energy per frame */
    double analysis_ms_max;
    /* The camera's own motion (shake, pans, a stand vibrating with the PA),
     * which the analysis subtracts before it measures the players: the
     * global translation of the latest analysed frame from the one before,
     * in input pixels per frame (+u right, +v down), and its magnitude
     * averaged over about 1 s (of capture time). NaN before the first
     * analysed frame and while the camera is lost; after the end of a file,
     * its last frame's. */
    float global_u, global_v;
    float global_magnitude;
    char description[128];    /* the source's, e.g. "/dev/video0 640x480 YUYV 30 fps" */
    char last_error[256];     /* the last fault's message ("" if none) */
} camsep_capture_status;

typedef struct camsep_capture_sink {
    /* Capture thread. One call per analysed frame with camera_ok = 1: p holds
     * activity (and motion) per box in box order, p->time is unset, capture_ns
     * is the frame's CLOCK_MONOTONIC capture time (file sources: the time the
     * runner started plus the frame's time in the file). While the camera is
     * lost the runner calls it about 10 times a second with camera_ok = 0 and
     * neutral activities (NaN), so that sinks can keep heartbeats going. A
     * live source (camera, pipe, paced file) silent for max(0.5 s, 3 frame
     * periods) counts as lost. The first frame after a gap, a reopen or a
     * loop restart gives no prior (a cut is not motion). */
    void (*prior)(void *user, const camsep_prior *p, int64_t capture_ns, int camera_ok);
    /* Capture thread, optional (NULL): every frame read, for a preview. The
     * pixels are valid during the call only. */
    void (*frame)(void *user, const camsep_frame *f);
    void *user;
} camsep_capture_sink;

typedef struct camsep_capture_runner camsep_capture_runner;

/* Set-up: opens the source (so that a wrong path or a malformed file is
 * reported here, with its reason in err), prepares the analysis for n_boxes
 * boxes (1..CAMSEP_CAPTURE_MAX_BOXES, frame pixels) and starts the thread.
 * NULL on error. */
camsep_capture_runner *camsep_capture_runner_start(const camsep_capture_source_spec *spec, const camsep_box *boxes,
                                                   int n_boxes, const camsep_capture_sink *sink, char *err,
                                                   size_t errlen);
/* Control: new boxes, applied by the capture thread at its next frame (a box
 * that keeps its index keeps its statistics). Returns 0, or -1 if they are
 * invalid for the frame size (nothing changes). */
int camsep_capture_runner_set_boxes(camsep_capture_runner *r, const camsep_box *boxes, int n_boxes);
/* Control: the motion knee (motion_energy.h; default 0.5), from the next
 * frame on. 0, or -1 if outside CAMSEP_MOTION_KNEE_MIN..MAX (nothing changes). */
int camsep_capture_runner_set_knee(camsep_capture_runner *r, float knee);
/* Control: a consistent copy of the status. */
void camsep_capture_runner_get_status(camsep_capture_runner *r, camsep_capture_status *st);
/* Players found in the picture (box_finder.h): boxes proposed from where the
 * picture moves against the camera over the next seconds, for the engineer to
 * accept. Nothing is applied by the runner. */
typedef enum camsep_capture_find_state {
    CAMSEP_FIND_IDLE = 0,    /* never asked, or cancelled */
    CAMSEP_FIND_LOOKING = 1, /* counting frames (progress) */
    CAMSEP_FIND_READY = 2,   /* n >= 1 boxes proposed */
    CAMSEP_FIND_NOTHING = 3, /* nothing moved against the camera: no box */
    CAMSEP_FIND_FAILED = 4,  /* the frame size changed while looking */
} camsep_capture_find_state;

typedef struct camsep_capture_proposal {
    camsep_capture_find_state state;
    float progress; /* 0..1: frames counted of those asked for (1 when done) */
    int players;    /* asked for (0: not said; at most CAMSEP_CAPTURE_MAX_BOXES boxes then) */
    int n;          /* boxes proposed (READY) */
    camsep_box box[CAMSEP_CAPTURE_MAX_BOXES];   /* frame pixels, left to right */
    float confidence[CAMSEP_CAPTURE_MAX_BOXES]; /* each box's share of the motion */
    int width, height;                          /* the frame size they are in */
    double seconds;                             /* of video looked at */
    char message[160]; /* one line for a status: what was found, or why not */
} camsep_capture_proposal;

/* Control: look for `players` players (1 to the number of boxes, or 0 when
 * not known) over the next `seconds` (0.5..120) of analysed frames.
 * Asked again while looking, it starts over. 0, or -1 with the reason in
 * err (bad arguments, no frame size yet, out of memory). If the video ends
 * first, what was seen is proposed. */
int camsep_capture_runner_find_players(camsep_capture_runner *r, int players, double seconds, char *err,
                                       size_t errlen);
/* Control: stop looking (the state becomes IDLE; a proposal is dropped). */
void camsep_capture_runner_cancel_find(camsep_capture_runner *r);
/* Control: the state of the search and, when READY, the proposal. */
void camsep_capture_runner_get_proposal(camsep_capture_runner *r, camsep_capture_proposal *out);
/* Any thread, pure: the proposal as the boxes of n_players players, left to
 * right to players 1, 2, ... in `boxes` (in: the boxes in use; out: the new
 * ones). Refused (-1, reason in err, boxes unchanged) unless it is READY and
 * found exactly n_players, or `force` is set: then the found boxes go to the
 * first players and the others keep theirs. The proposal's frame size must
 * be the current one (width x height). */
int camsep_capture_proposal_boxes(const camsep_capture_proposal *p, int n_players, int force, int width, int height,
                                  camsep_box *boxes, char *err, size_t errlen);
/* Set-up: stops the thread, closes the source, frees. NULL is ignored. */
void camsep_capture_runner_stop(camsep_capture_runner *r);

#endif
