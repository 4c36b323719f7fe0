/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The capture loop (capture_runner.h). One thread owns the frame source and
 * the analysis; the control thread talks to it through two lock-free
 * hand-overs:
 *   - boxes, control -> capture: a triple buffer. Each side owns one slot, the
 *     third sits in the middle; publishing and taking are one atomic exchange
 *     each, so neither side ever waits for the other.
 *   - status, capture -> control: a sequence lock over atomic words (as in
 *     shm_ring.c). The capture thread never waits; a reader retries the rare
 *     copy that overlaps a write.
 *   - looking for players: the box finder and its proposal belong to one
 *     side at a time, as one phase word changed by compare-and-swap. The
 *     control side makes the finder (it allocates) and posts it; the capture
 *     side takes it, counts frames into it and hands it back with the
 *     proposal. While the capture side holds it, the control side can turn
 *     the phase into "start over" or "cancel"; the capture side's hand-back
 *     then fails and it obeys instead, so a request made as a search ends is
 *     never lost, and neither side waits.
 * The source is read with a timeout of READ_TIMEOUT_MS so that a stop request
 * is seen promptly whatever the source does.
 */
#define _POSIX_C_SOURCE 200809L
#include "capture_runner.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "box_finder.h"
#include "capture_clock.h"
#include "v4l2_source.h"
#include "video_priors.h"
#include "y4m_source.h"

#define READ_TIMEOUT_MS 100
#define LOST_CALL_INTERVAL_NS 100000000LL /* sink calls while lost: 10 Hz */
#define STALL_MIN_NS 500000000LL          /* a live source silent this long is lost ... */
#define STALL_PERIODS 3                   /* ... or this many frame periods, if longer */
#define RATE_WINDOW_NS 1000000000LL       /* fps and analysis times are measured over this */
#define GLOBAL_SMOOTH_S 1.0               /* the global motion's magnitude is averaged over this */
#define PATH_LEN 4096

typedef struct box_set {
    int n;
    camsep_box box[CAMSEP_CAPTURE_MAX_BOXES];
} box_set;

#define MAILBOX_FRESH 4u /* in `middle`: the slot there holds boxes the capture side has not taken */

typedef struct box_mailbox {
    box_set slot[3];
    atomic_uint middle;  /* slot index | MAILBOX_FRESH */
    unsigned back;       /* the control side's slot */
    unsigned front;      /* the capture side's slot */
} box_mailbox;

#define STATUS_WORDS ((sizeof(camsep_capture_status) + 7) / 8)

typedef union status_image {
    camsep_capture_status st;
    uint64_t word[STATUS_WORDS];
} status_image;

typedef enum source_kind { SOURCE_CAMERA, SOURCE_Y4M_FILE, SOURCE_Y4M_STREAM } source_kind;

/* Who holds the finder: the control side (CONTROL), or the capture side,
 * which takes a POSTED one, counts in CAPTURE, begins again on RESTART and
 * gives it back on CANCEL (the control side's two requests). */
enum { FIND_CONTROL = 0, FIND_POSTED, FIND_CAPTURE, FIND_RESTART, FIND_CANCEL };

struct camsep_capture_runner {
    camsep_capture_source_spec spec;
    char path[PATH_LEN];
    source_kind kind;
    int can_loop;
    camsep_capture_sink sink;
    camsep_frame_source *src;
    camsep_video_priors *vp; /* NULL while the frame size does not fit the boxes */
    pthread_t thread;
    atomic_int stop;

    box_mailbox mailbox;
    box_set boxes; /* capture thread: the boxes in use */
    _Atomic int frame_width, frame_height; /* for set_boxes on the control thread */
    _Atomic int n_boxes;   /* the boxes last given (start, set_boxes): find_players' limit */
    _Atomic float knee;    /* set_knee; the capture thread applies it */
    float knee_applied;    /* capture thread: the knee r->vp uses */

    /* looking for players */
    camsep_box_finder *finder;      /* made by the control side */
    camsep_capture_proposal proposal; /* written by whoever holds the finder */
    atomic_int find_phase;
    atomic_int thread_done;         /* the capture thread has ended: nobody takes a request */
    _Atomic int find_players;
    _Atomic float find_seconds;
    _Atomic float find_progress;    /* capture side, while it holds the finder */
    long find_counted, find_wanted; /* capture side */

    atomic_uint_fast64_t status_seq; /* odd while the capture thread writes the status */
    _Atomic uint64_t status_word[STATUS_WORDS];

    /* capture thread only */
    status_image status;
    int64_t start_ns;
    int64_t file_offset_ns; /* unpaced files: added to media time (grows at each loop) */
    int64_t last_media_ns;
    int64_t last_frame_ns;  /* monotonic time the last frame was read */
    int64_t last_capture_ns;
    int64_t global_ns;      /* capture time of the last global motion estimate */
    int64_t next_lost_call_ns;
    int64_t stall_ns;
    int64_t frozen_since_ns; /* the first of the latest run of repeated pictures, 0: none */
    uint64_t next_sequence;
    int64_t window_start_ns;
    uint64_t window_frames;
    double window_analysis_sum, window_analysis_max;
    uint64_t window_analysed;
};

/* ---- boxes ---- */

static int boxes_valid(const camsep_box *boxes, int n, int width, int height)
{
    if (!boxes || n < 1 || n > CAMSEP_CAPTURE_MAX_BOXES)
        return 0;
    for (int j = 0; j < n; j++) {
        const camsep_box *b = &boxes[j];
        if (!(isfinite(b->x) && isfinite(b->y) && isfinite(b->w) && isfinite(b->h) && b->w > 0.0f && b->h > 0.0f))
            return 0;
        if (width > 0 && height > 0 &&
            (b->x + b->w <= 0.0f || b->y + b->h <= 0.0f || b->x >= (float)width || b->y >= (float)height))
            return 0;
    }
    return 1;
}

static void mailbox_init(box_mailbox *m)
{
    memset(m->slot, 0, sizeof m->slot);
    m->front = 0;
    atomic_init(&m->middle, 1u);
    m->back = 2;
}

/* Control side. */
static void mailbox_post(box_mailbox *m, const camsep_box *boxes, int n)
{
    box_set *s = &m->slot[m->back];
    s->n = n;
    memcpy(s->box, boxes, (size_t)n * sizeof *boxes);
    unsigned old = atomic_exchange_explicit(&m->middle, m->back | MAILBOX_FRESH, memory_order_acq_rel);
    m->back = old & 3u;
}

/* Capture side: the newest posted boxes, or NULL when nothing new came. */
static const box_set *mailbox_take(box_mailbox *m)
{
    if (!(atomic_load_explicit(&m->middle, memory_order_relaxed) & MAILBOX_FRESH))
        return NULL;
    unsigned old = atomic_exchange_explicit(&m->middle, m->front, memory_order_acq_rel);
    m->front = old & 3u;
    return &m->slot[m->front];
}

/* ---- status ---- */

static void status_publish(camsep_capture_runner *r)
{
    uint64_t s = atomic_load_explicit(&r->status_seq, memory_order_relaxed);
    atomic_store_explicit(&r->status_seq, s + 1, memory_order_relaxed);
    for (size_t i = 0; i < STATUS_WORDS; i++)
        atomic_store_explicit(&r->status_word[i], r->status.word[i], memory_order_release);
    atomic_store_explicit(&r->status_seq, s + 2, memory_order_release);
}

void camsep_capture_runner_get_status(camsep_capture_runner *r, camsep_capture_status *st)
{
    status_image copy;
    for (unsigned attempt = 0;; attempt++) {
        uint64_t s0 = atomic_load_explicit(&r->status_seq, memory_order_acquire);
        if (!(s0 & 1)) {
            for (size_t i = 0; i < STATUS_WORDS; i++)
                copy.word[i] = atomic_load_explicit(&r->status_word[i], memory_order_acquire);
            if (atomic_load_explicit(&r->status_seq, memory_order_relaxed) == s0)
                break;
        }
        if (attempt % 16 == 15)
            sched_yield(); /* the capture thread was preempted inside a write */
    }
    *st = copy.st;
}

static void set_error(camsep_capture_runner *r, const char *msg)
{
    char *e = r->status.st.last_error;
    size_t n = strlen(msg);
    if (n >= sizeof r->status.st.last_error)
        n = sizeof r->status.st.last_error - 1;
    memcpy(e, msg, n);
    e[n] = '\0';
}

/* ---- the source ---- */

static camsep_frame_source *open_source(camsep_capture_runner *r, char *err, size_t errlen)
{
    const camsep_capture_source_spec *sp = &r->spec;
    if (r->kind == SOURCE_CAMERA) {
        camsep_v4l2_request req;
        memset(&req, 0, sizeof req);
        req.width = sp->width;
        req.height = sp->height;
        req.fps = sp->fps;
        req.controls = sp->camera_controls;
        req.n_controls = sp->n_camera_controls;
        return camsep_v4l2_open(r->path, &req, NULL, err, errlen);
    }
    return camsep_y4m_open(r->path, sp->pace, err, errlen);
}

/* Decides what kind of source the spec names; fills r->path. */
static int classify_source(camsep_capture_runner *r, char *err, size_t errlen)
{
    const char *s = r->spec.source;
    if (!s || !*s) {
        snprintf(err, errlen, "no video source given");
        return -1;
    }
    if (!strcmp(s, "auto")) {
        if (camsep_v4l2_first_device(NULL, NULL, r->path, sizeof r->path)) {
            snprintf(err, errlen, "auto: no video capture device found under /dev");
            return -1;
        }
        r->kind = SOURCE_CAMERA;
        return 0;
    }
    if (strlen(s) >= sizeof r->path) {
        snprintf(err, errlen, "source path too long");
        return -1;
    }
    snprintf(r->path, sizeof r->path, "%s", s);
    struct stat st;
    if (strcmp(s, "-") != 0 && stat(s, &st) == 0) {
        if (S_ISCHR(st.st_mode)) {
            r->kind = SOURCE_CAMERA;
            return 0;
        }
        r->kind = S_ISREG(st.st_mode) ? SOURCE_Y4M_FILE : SOURCE_Y4M_STREAM;
        return 0;
    }
    r->kind = SOURCE_Y4M_STREAM; /* "-", or a missing path that the open reports */
    return 0;
}

static int64_t frame_period_ns(const camsep_frame_source *s)
{
    return s->frame_rate > 0.0 ? (int64_t)llround(1e9 / s->frame_rate) : 33333333;
}

static void note_source(camsep_capture_runner *r)
{
    camsep_capture_status *st = &r->status.st;
    st->width = r->src->width;
    st->height = r->src->height;
    snprintf(st->description, sizeof st->description, "%s", r->src->description);
    atomic_store_explicit(&r->frame_width, r->src->width, memory_order_relaxed);
    atomic_store_explicit(&r->frame_height, r->src->height, memory_order_relaxed);
    int64_t stall = STALL_PERIODS * frame_period_ns(r->src);
    r->stall_ns = stall > STALL_MIN_NS ? stall : STALL_MIN_NS;
}

/* Live sources can go quiet: cameras, pipes, and files paced to real time. */
static int source_is_live(const camsep_capture_runner *r)
{
    return r->kind != SOURCE_Y4M_FILE || r->spec.pace;
}

/* Waits until t (CLOCK_MONOTONIC) in short steps; 0, or -1 if stop came first. */
static int wait_until(camsep_capture_runner *r, int64_t t)
{
    for (;;) {
        if (atomic_load_explicit(&r->stop, memory_order_relaxed))
            return -1;
        int64_t now = camsep_monotonic_ns(), step = (int64_t)READ_TIMEOUT_MS * 1000000;
        if (now >= t)
            return 0;
        camsep_sleep_until_ns(t - now > step ? now + step : t);
    }
}

/* A looping file reached its end: open it again, media time carrying on. */
static int restart_file(camsep_capture_runner *r)
{
    char err[256];
    int64_t period = frame_period_ns(r->src);
    int w = r->src->width, h = r->src->height;
    camsep_frame_source_close(r->src);
    r->src = open_source(r, err, sizeof err);
    if (!r->src) {
        set_error(r, err);
        return -1;
    }
    if (r->src->width != w || r->src->height != h) {
        snprintf(err, sizeof err, "%.160s: the frame size changed from %dx%d to %dx%d while looping", r->path, w, h,
                 r->src->width, r->src->height);
        set_error(r, err);
        return -1;
    }
    note_source(r);
    if (r->spec.pace) {
        if (wait_until(r, r->last_capture_ns + period))
            return 0; /* stopping anyway */
    } else {
        r->file_offset_ns += r->last_media_ns + period;
    }
    r->next_sequence = 0;
    if (r->vp)
        camsep_video_priors_reset(r->vp); /* the cut back to the start is not motion */
    return 0;
}

/* ---- per frame ---- */

static void call_lost_sink(camsep_capture_runner *r, int64_t now)
{
    camsep_prior p;
    memset(&p, 0, sizeof p);
    p.n_sources = r->boxes.n;
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++)
        p.activity[j] = NAN;
    r->sink.prior(r->sink.user, &p, now, 0);
}

static void forget_global(camsep_capture_status *st)
{
    st->global_u = st->global_v = st->global_magnitude = NAN;
}

/* After an analysed frame: its global motion into the status. */
static void note_global(camsep_capture_runner *r, int64_t capture_ns)
{
    camsep_capture_status *st = &r->status.st;
    float u, v;
    if (!camsep_video_priors_global(r->vp, &u, &v))
        return;
    const float m = hypotf(u, v);
    if (isnan(st->global_magnitude)) {
        st->global_magnitude = m;
    } else {
        double dt = (double)(capture_ns - r->global_ns) * 1e-9;
        dt = dt > 0.0 ? dt : 0.0;
        st->global_magnitude += (float)(1.0 - exp(-dt / GLOBAL_SMOOTH_S)) * (m - st->global_magnitude);
    }
    st->global_u = u;
    st->global_v = v;
    r->global_ns = capture_ns;
}

static void become_lost(camsep_capture_runner *r, int64_t now, const char *why)
{
    camsep_capture_status *st = &r->status.st;
    if (why)
        set_error(r, why);
    if (st->state == CAMSEP_CAPTURE_LOST)
        return;
    st->state = CAMSEP_CAPTURE_LOST;
    st->fps = 0.0;
    forget_global(st);
    r->next_lost_call_ns = now;
    if (r->vp)
        camsep_video_priors_reset(r->vp);
}

/* A knee changed by set_knee, or a rebuilt analysis: the knee into it. */
static void apply_knee(camsep_capture_runner *r)
{
    const float k = atomic_load_explicit(&r->knee, memory_order_relaxed);
    if (r->vp && k != r->knee_applied && camsep_video_priors_set_knee(r->vp, k) == 0)
        r->knee_applied = k;
}

/* The analysis for the source's current frame size (a camera may come back
 * from a reopen with another size). 0, or -1 when the boxes do not fit. */
static int fit_analysis(camsep_capture_runner *r, int width, int height)
{
    if (r->vp && r->status.st.width == width && r->status.st.height == height)
        return 0;
    char err[256];
    camsep_video_priors_free(r->vp);
    r->vp = camsep_video_priors_create(width, height, r->src->frame_rate, r->boxes.box, r->boxes.n, err,
                                       sizeof err);
    r->knee_applied = (float)CAMSEP_MOTION_KNEE_DEFAULT; /* what a new analysis starts with */
    apply_knee(r);
    note_source(r);
    r->status.st.width = width;
    r->status.st.height = height;
    atomic_store_explicit(&r->frame_width, width, memory_order_relaxed);
    atomic_store_explicit(&r->frame_height, height, memory_order_relaxed);
    if (!r->vp) {
        char msg[300];
        snprintf(msg, sizeof msg, "frames are now %dx%d: %s", width, height, err);
        set_error(r, msg);
        return -1;
    }
    return 0;
}

static void update_rates(camsep_capture_runner *r, int64_t now)
{
    camsep_capture_status *st = &r->status.st;
    int64_t span = now - r->window_start_ns;
    /* a first figure after a quarter of the window, then one per window */
    int first = st->fps == 0.0 && r->window_frames >= 2 && span >= RATE_WINDOW_NS / 4;
    if (span < RATE_WINDOW_NS && !first)
        return;
    st->fps = (double)r->window_frames * 1e9 / (double)span;
    if (r->window_analysed) {
        st->analysis_ms_mean = r->window_analysis_sum / (double)r->window_analysed;
        st->analysis_ms_max = r->window_analysis_max;
    }
    r->window_start_ns = now;
    r->window_frames = 0;
    r->window_analysed = 0;
    r->window_analysis_sum = r->window_analysis_max = 0.0;
}

/* ---- looking for players (capture side) ---- */

static void find_begin(camsep_capture_runner *r)
{
    const double rate = r->src->frame_rate > 0.0 ? r->src->frame_rate : 30.0;
    const double seconds = atomic_load_explicit(&r->find_seconds, memory_order_relaxed);
    r->find_wanted = (long)ceil(seconds * rate);
    r->find_counted = 0;
    camsep_box_finder_reset(r->finder);
    atomic_store_explicit(&r->find_progress, 0.0f, memory_order_relaxed);
}

static int find_poll(camsep_capture_runner *r);

/* The proposal is written: the finder goes back, unless the control side
 * asked to start over or to cancel meanwhile (then that is done). */
static void find_hand_back(camsep_capture_runner *r)
{
    int expected = FIND_CAPTURE;
    if (!atomic_compare_exchange_strong_explicit(&r->find_phase, &expected, FIND_CONTROL, memory_order_acq_rel,
                                                 memory_order_acquire))
        find_poll(r);
}

/* Proposes from what was counted and hands the finder back. */
static void find_finish(camsep_capture_runner *r, const char *why_short)
{
    camsep_capture_proposal *p = &r->proposal;
    memset(p, 0, sizeof *p);
    p->players = atomic_load_explicit(&r->find_players, memory_order_relaxed);
    camsep_box_finder_size(r->finder, &p->width, &p->height);
    const double rate = r->src->frame_rate > 0.0 ? r->src->frame_rate : 30.0;
    p->seconds = (double)r->find_counted / rate;
    p->progress = 1.0f;
    camsep_box boxes[CAMSEP_BOX_FINDER_MAX];
    float confidence[CAMSEP_BOX_FINDER_MAX];
    const int max = p->players > 0 ? p->players : CAMSEP_CAPTURE_MAX_BOXES;
    camsep_box_finder_set_split(r->finder, p->players > 0); /* a count given is the engineer's */
    const int n = camsep_box_finder_propose(r->finder, max, boxes, confidence);
    if (n > 0) {
        p->state = CAMSEP_FIND_READY;
        p->n = n;
        memcpy(p->box, boxes, (size_t)n * sizeof *boxes);
        memcpy(p->confidence, confidence, (size_t)n * sizeof *confidence);
        if (p->players > 0 && n < p->players)
            snprintf(p->message, sizeof p->message,
                     "%d of %d players found in %.1f s%s: one who did not move, or neighbours whose motion "
                     "touches",
                     n, p->players, p->seconds, why_short);
        else
            snprintf(p->message, sizeof p->message, "%d player%s found in %.1f s%s", n, n == 1 ? "" : "s",
                     p->seconds, why_short);
    } else {
        p->state = CAMSEP_FIND_NOTHING;
        snprintf(p->message, sizeof p->message, "nothing moved against the camera in %.1f s%s", p->seconds,
                 why_short);
    }
    find_hand_back(r);
}

static void find_fail(camsep_capture_runner *r, camsep_capture_find_state state, const char *msg)
{
    camsep_capture_proposal *p = &r->proposal;
    memset(p, 0, sizeof *p);
    p->state = state;
    p->players = atomic_load_explicit(&r->find_players, memory_order_relaxed);
    snprintf(p->message, sizeof p->message, "%s", msg);
    find_hand_back(r);
}

/* Before each frame: take a posted finder, begin again when asked, give it
 * back when cancelled. 1 when this side holds the finder afterwards. */
static int find_poll(camsep_capture_runner *r)
{
    for (;;) {
        int phase = atomic_load_explicit(&r->find_phase, memory_order_acquire);
        switch (phase) {
        case FIND_CAPTURE: return 1;
        case FIND_POSTED:
        case FIND_RESTART:
            if (atomic_compare_exchange_strong_explicit(&r->find_phase, &phase, FIND_CAPTURE, memory_order_acq_rel,
                                                        memory_order_acquire)) {
                find_begin(r);
                return 1;
            }
            break; /* the control side changed it meanwhile: look again */
        case FIND_CANCEL:
            memset(&r->proposal, 0, sizeof r->proposal);
            snprintf(r->proposal.message, sizeof r->proposal.message, "cancelled");
            if (atomic_compare_exchange_strong_explicit(&r->find_phase, &phase, FIND_CONTROL, memory_order_acq_rel,
                                                        memory_order_acquire))
                return 0;
            break;
        default: return 0; /* FIND_CONTROL */
        }
    }
}

/* After an analysed frame, its flow into the finder; a repeated picture
 * counts as a frame in which nothing moved (its flow is the previous
 * frame's, not to be added again). */
static void find_frame(camsep_capture_runner *r, int repeated)
{
    if (!find_poll(r))
        return;
    const int got = repeated ? 1 : camsep_box_finder_add(r->finder, camsep_video_priors_flow(r->vp));
    if (got < 0) {
        int w, h;
        camsep_box_finder_size(r->finder, &w, &h);
        char msg[160];
        snprintf(msg, sizeof msg, "the frame size changed from %dx%d while looking; ask again", w, h);
        find_fail(r, CAMSEP_FIND_FAILED, msg);
        return;
    }
    r->find_counted += got;
    atomic_store_explicit(&r->find_progress,
                          r->find_wanted > 0 ? fminf(1.0f, (float)r->find_counted / (float)r->find_wanted) : 1.0f,
                          memory_order_relaxed);
    if (r->find_counted >= r->find_wanted)
        find_finish(r, "");
}

/* The video ended (or the thread stops) while looking: what was seen. */
static void find_at_end(camsep_capture_runner *r, const char *why_short)
{
    if (!find_poll(r))
        return;
    if (r->find_counted > 0)
        find_finish(r, why_short);
    else
        find_fail(r, CAMSEP_FIND_FAILED, "the video ended before a frame was analysed");
}

static void handle_frame(camsep_capture_runner *r, const camsep_frame *f, int64_t now)
{
    camsep_capture_status *st = &r->status.st;
    st->frames++;
    r->window_frames++;
    if (r->kind == SOURCE_CAMERA) {
        camsep_v4l2_stats vs;
        if (camsep_v4l2_get_stats(r->src, &vs) == 0) {
            st->dropped = vs.dropped + vs.corrupt; /* a corrupt frame is a dropped frame */
            st->faults = vs.faults;
        }
    } else if (f->sequence > r->next_sequence) {
        st->dropped += f->sequence - r->next_sequence;
    }
    r->next_sequence = f->sequence + 1;

    int64_t capture_ns = f->timestamp_ns;
    if (r->kind != SOURCE_CAMERA && !r->spec.pace) {
        r->last_media_ns = f->timestamp_ns;
        capture_ns = r->start_ns + r->file_offset_ns + f->timestamp_ns;
    }
    if (st->state == CAMSEP_CAPTURE_LOST && r->vp)
        camsep_video_priors_reset(r->vp); /* no flow across the gap */
    r->last_frame_ns = now;
    r->last_capture_ns = capture_ns;

    if (fit_analysis(r, f->width, f->height) == 0) {
        camsep_frame g = *f;
        g.timestamp_ns = capture_ns;
        camsep_prior p;
        int64_t t0 = camsep_monotonic_ns();
        int got = camsep_video_priors_frame(r->vp, &g, &p);
        double ms = (double)(camsep_monotonic_ns() - t0) * 1e-6;
        if (camsep_video_priors_repeats(r->vp) == 0)
            r->frozen_since_ns = 0;
        else if (r->frozen_since_ns == 0)
            r->frozen_since_ns = now;
        if (source_is_live(r) && r->frozen_since_ns != 0 && now - r->frozen_since_ns >= r->stall_ns) {
            char msg[96];
            snprintf(msg, sizeof msg, "the same picture for %.1f s (camera frozen, or a black picture)",
                     (double)(now - r->frozen_since_ns) * 1e-9);
            become_lost(r, now, msg);
        } else {
            st->state = CAMSEP_CAPTURE_RUNNING;
        }
        r->window_analysis_sum += ms;
        r->window_analysed++;
        if (ms > r->window_analysis_max)
            r->window_analysis_max = ms;
        if (got == 1) {
            note_global(r, capture_ns);
            p.time = 0;
            r->sink.prior(r->sink.user, &p, capture_ns, 1);
            st->priors++;
        }
        if (got >= 0)
            find_frame(r, camsep_video_priors_repeats(r->vp) > 0);
    } else {
        become_lost(r, now, NULL); /* frames come, but the boxes do not fit them */
    }
    if (r->sink.frame)
        r->sink.frame(r->sink.user, f);
}

static void apply_boxes(camsep_capture_runner *r)
{
    const box_set *b = mailbox_take(&r->mailbox);
    if (!b)
        return;
    r->boxes = *b;
    if (r->vp && camsep_video_priors_set_boxes(r->vp, r->boxes.box, r->boxes.n) != 0) {
        camsep_video_priors_free(r->vp); /* rebuilt at the next frame, or reported there */
        r->vp = NULL;
    }
}

static void *capture_thread(void *arg)
{
    camsep_capture_runner *r = arg;
    camsep_capture_status *st = &r->status.st;
    char err[256];
    while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
        apply_boxes(r);
        apply_knee(r);
        camsep_frame f;
        err[0] = '\0';
        camsep_source_status s = camsep_frame_source_read(r->src, &f, READ_TIMEOUT_MS, err, sizeof err);
        int64_t now = camsep_monotonic_ns();
        if (s == CAMSEP_SOURCE_OK) {
            handle_frame(r, &f, now);
        } else if (s == CAMSEP_SOURCE_ERROR && r->kind == SOURCE_CAMERA) {
            camsep_v4l2_stats vs;
            if (camsep_v4l2_get_stats(r->src, &vs) == 0)
                st->faults = vs.faults;
            become_lost(r, now, err[0] ? err : "camera fault");
        } else if (s == CAMSEP_SOURCE_ERROR) {
            set_error(r, err[0] ? err : "read error");
            st->state = CAMSEP_CAPTURE_FAILED;
            break;
        } else if (s == CAMSEP_SOURCE_END) {
            if (!r->can_loop) {
                st->state = CAMSEP_CAPTURE_ENDED;
                find_at_end(r, " (the video ended)");
                break;
            }
            if (restart_file(r)) {
                st->state = CAMSEP_CAPTURE_FAILED;
                break;
            }
        } else if (source_is_live(r) && st->state == CAMSEP_CAPTURE_RUNNING && now - r->last_frame_ns > r->stall_ns) {
            char msg[96];
            snprintf(msg, sizeof msg, "no frame for %.1f s", (double)(now - r->last_frame_ns) * 1e-9);
            become_lost(r, now, msg);
        }
        if (st->state == CAMSEP_CAPTURE_LOST && now >= r->next_lost_call_ns) {
            call_lost_sink(r, now);
            r->next_lost_call_ns = now + LOST_CALL_INTERVAL_NS;
        }
        update_rates(r, now);
        status_publish(r);
    }
    st->fps = 0.0;
    find_at_end(r, " (the capture stopped)");
    atomic_store_explicit(&r->thread_done, 1, memory_order_release);
    status_publish(r);
    return NULL;
}

/* ---- set-up ---- */

camsep_capture_runner *camsep_capture_runner_start(const camsep_capture_source_spec *spec, const camsep_box *boxes,
                                                   int n_boxes, const camsep_capture_sink *sink, char *err,
                                                   size_t errlen)
{
    if (!spec || !sink || !sink->prior) {
        snprintf(err, errlen, "no source or no sink");
        return NULL;
    }
    if (!boxes_valid(boxes, n_boxes, 0, 0)) {
        snprintf(err, errlen, "%d player boxes: 1 to %d boxes with a positive width and height are needed", n_boxes,
                 CAMSEP_CAPTURE_MAX_BOXES);
        return NULL;
    }
    camsep_capture_runner *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    r->spec = *spec;
    r->sink = *sink;
    if (classify_source(r, err, errlen)) {
        free(r);
        return NULL;
    }
    r->spec.source = r->path;
    r->can_loop = spec->loop && r->kind == SOURCE_Y4M_FILE;
    r->src = open_source(r, err, errlen);
    if (!r->src) {
        free(r);
        return NULL;
    }
    r->vp = camsep_video_priors_create(r->src->width, r->src->height, r->src->frame_rate, boxes, n_boxes, err,
                                       errlen);
    if (!r->vp) {
        camsep_frame_source_close(r->src);
        free(r);
        return NULL;
    }
    r->boxes.n = n_boxes;
    memcpy(r->boxes.box, boxes, (size_t)n_boxes * sizeof *boxes);
    mailbox_init(&r->mailbox);
    note_source(r);
    r->status.st.state = CAMSEP_CAPTURE_RUNNING;
    forget_global(&r->status.st);
    atomic_init(&r->stop, 0);
    atomic_init(&r->knee, (float)CAMSEP_MOTION_KNEE_DEFAULT);
    r->knee_applied = (float)CAMSEP_MOTION_KNEE_DEFAULT;
    atomic_init(&r->status_seq, 0);
    for (size_t i = 0; i < STATUS_WORDS; i++)
        atomic_init(&r->status_word[i], r->status.word[i]);
    atomic_init(&r->find_phase, FIND_CONTROL);
    atomic_init(&r->n_boxes, n_boxes);
    atomic_init(&r->thread_done, 0);
    atomic_init(&r->find_players, 0);
    atomic_init(&r->find_seconds, 0.0f);
    atomic_init(&r->find_progress, 0.0f);
    r->proposal.state = CAMSEP_FIND_IDLE;
    r->start_ns = camsep_monotonic_ns();
    r->last_frame_ns = r->window_start_ns = r->start_ns;
    int e = pthread_create(&r->thread, NULL, capture_thread, r);
    if (e) {
        snprintf(err, errlen, "cannot start the capture thread: %s", strerror(e));
        camsep_video_priors_free(r->vp);
        camsep_frame_source_close(r->src);
        free(r);
        return NULL;
    }
    return r;
}

int camsep_capture_runner_set_boxes(camsep_capture_runner *r, const camsep_box *boxes, int n_boxes)
{
    if (!r)
        return -1;
    int w = atomic_load_explicit(&r->frame_width, memory_order_relaxed);
    int h = atomic_load_explicit(&r->frame_height, memory_order_relaxed);
    if (!boxes_valid(boxes, n_boxes, w, h))
        return -1;
    mailbox_post(&r->mailbox, boxes, n_boxes);
    atomic_store_explicit(&r->n_boxes, n_boxes, memory_order_relaxed);
    return 0;
}

int camsep_capture_runner_set_knee(camsep_capture_runner *r, float knee)
{
    if (!r || !(knee >= (float)CAMSEP_MOTION_KNEE_MIN && knee <= (float)CAMSEP_MOTION_KNEE_MAX))
        return -1;
    atomic_store_explicit(&r->knee, knee, memory_order_relaxed);
    return 0;
}

int camsep_capture_runner_find_players(camsep_capture_runner *r, int players, double seconds, char *err,
                                       size_t errlen)
{
    if (!r || players < 0 || players > CAMSEP_CAPTURE_MAX_BOXES || !(seconds >= 0.5 && seconds <= 120.0)) {
        snprintf(err, errlen, "looking for players: 0 (not known) to %d players over 0.5 to 120 s",
                 CAMSEP_CAPTURE_MAX_BOXES);
        return -1;
    }
    const int n_boxes = atomic_load_explicit(&r->n_boxes, memory_order_relaxed);
    if (players > n_boxes) { /* more boxes than players could never be applied */
        snprintf(err, errlen, "looking for %d players: there are %d", players, n_boxes);
        return -1;
    }
    if (atomic_load_explicit(&r->thread_done, memory_order_acquire)) {
        snprintf(err, errlen, "looking for players: the video has ended");
        return -1;
    }
    atomic_store_explicit(&r->find_players, players, memory_order_relaxed);
    atomic_store_explicit(&r->find_seconds, (float)seconds, memory_order_relaxed);
    for (;;) { /* the capture side holds it: start over (it reads the request when it begins) */
        int phase = atomic_load_explicit(&r->find_phase, memory_order_acquire);
        if (phase == FIND_CONTROL)
            break;
        atomic_store_explicit(&r->find_progress, 0.0f, memory_order_relaxed);
        if (atomic_compare_exchange_strong_explicit(&r->find_phase, &phase, FIND_RESTART, memory_order_acq_rel,
                                                    memory_order_acquire))
            return 0;
    }
    const int w = atomic_load_explicit(&r->frame_width, memory_order_relaxed);
    const int h = atomic_load_explicit(&r->frame_height, memory_order_relaxed);
    int fw = 0, fh = 0;
    if (r->finder)
        camsep_box_finder_size(r->finder, &fw, &fh);
    if (!r->finder || fw != w || fh != h) {
        camsep_box_finder_free(r->finder);
        camsep_box_finder_config cfg;
        camsep_box_finder_config_default(&cfg);
        if (cfg.columns > w)
            cfg.columns = w;
        r->finder = camsep_box_finder_create(w, h, &cfg);
        if (!r->finder) {
            snprintf(err, errlen, "looking for players: cannot analyse %dx%d pictures (or out of memory)", w, h);
            return -1;
        }
    }
    memset(&r->proposal, 0, sizeof r->proposal);
    r->proposal.state = CAMSEP_FIND_LOOKING;
    atomic_store_explicit(&r->find_progress, 0.0f, memory_order_relaxed);
    atomic_store_explicit(&r->find_phase, FIND_POSTED, memory_order_release);
    return 0;
}

void camsep_capture_runner_cancel_find(camsep_capture_runner *r)
{
    if (!r)
        return;
    for (;;) {
        int phase = atomic_load_explicit(&r->find_phase, memory_order_acquire);
        if (phase == FIND_CANCEL)
            return;
        /* not taken yet: take it back; held by the capture side: ask it */
        const int to = phase == FIND_POSTED ? FIND_CONTROL : FIND_CANCEL;
        if (phase != FIND_CONTROL &&
            !atomic_compare_exchange_strong_explicit(&r->find_phase, &phase, to, memory_order_acq_rel,
                                                     memory_order_acquire))
            continue;
        if (phase == FIND_CONTROL || to == FIND_CONTROL) { /* a proposal is dropped */
            memset(&r->proposal, 0, sizeof r->proposal);
            snprintf(r->proposal.message, sizeof r->proposal.message, "cancelled");
        }
        return;
    }
}

void camsep_capture_runner_get_proposal(camsep_capture_runner *r, camsep_capture_proposal *out)
{
    memset(out, 0, sizeof *out);
    if (!r)
        return;
    const int phase = atomic_load_explicit(&r->find_phase, memory_order_acquire);
    if (phase == FIND_CONTROL) {
        *out = r->proposal;
        return;
    }
    if (atomic_load_explicit(&r->thread_done, memory_order_acquire)) { /* posted as it ended */
        out->state = CAMSEP_FIND_FAILED;
        snprintf(out->message, sizeof out->message, "the video has ended");
        return;
    }
    out->state = phase == FIND_CANCEL ? CAMSEP_FIND_IDLE : CAMSEP_FIND_LOOKING;
    out->progress = atomic_load_explicit(&r->find_progress, memory_order_relaxed);
    out->players = atomic_load_explicit(&r->find_players, memory_order_relaxed);
    snprintf(out->message, sizeof out->message, "looking for players: %.0f %%", 100.0 * out->progress);
}

int camsep_capture_proposal_boxes(const camsep_capture_proposal *p, int n_players, int force, int width, int height,
                                  camsep_box *boxes, char *err, size_t errlen)
{
    static const char *const state[] = {"nobody was looked for", "still looking", "", "nothing moved",
                                        "the search failed"};
    if (p->state != CAMSEP_FIND_READY) {
        snprintf(err, errlen, "no players found to use: %s",
                 (int)p->state >= 0 && (int)p->state < 5 ? state[p->state] : "unknown state");
        return -1;
    }
    if (p->width != width || p->height != height) {
        snprintf(err, errlen, "the players were found in %dx%d pictures, the camera's are now %dx%d; look again",
                 p->width, p->height, width, height);
        return -1;
    }
    if (p->n > n_players || (p->n < n_players && !force)) {
        snprintf(err, errlen, "%d boxes found for %d players%s", p->n, n_players,
                 p->n < n_players ? " (\"force\" gives them to the first players)" : "");
        return -1;
    }
    for (int j = 0; j < p->n; j++)
        boxes[j] = p->box[j];
    return 0;
}

void camsep_capture_runner_stop(camsep_capture_runner *r)
{
    if (!r)
        return;
    atomic_store_explicit(&r->stop, 1, memory_order_relaxed);
    pthread_join(r->thread, NULL);
    camsep_box_finder_free(r->finder);
    camsep_video_priors_free(r->vp);
    camsep_frame_source_close(r->src);
    free(r);
}
