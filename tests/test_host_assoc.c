/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The standalones' box association (plugin/standalone/host_assoc.h): the
 * capture thread's motion and the engine's prior-free activations in, a
 * proposal out, the boxes it asks for, its refusals; no allocation on the
 * feeding path. And the engine's report field it reads (activation_audio):
 * the activations without priors, from the trust's shadow solve.
 */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "alloc_counter.h"
#include "host_assoc.h"
#include "test_support.h"

#define RATE 48000.0
#define FPS 30.0
#define HOP 512

/* Player k's loudness at t: each plays its own phrases (on for a while, off
 * for a while, at its own period), so that who moves says who sounds. */
static float loudness(int k, double t)
{
    static const double period[4] = {2.3, 3.1, 1.7, 2.9};
    const double ph = fmod(t + 0.37 * k, period[k]) / period[k];
    return ph < 0.5 ? (float)(0.2 + 0.8 * sin(6.283185307179586 * ph) * sin(6.283185307179586 * ph)) : 0.0f;
}

/* Before `until`, something passes in front of box 0 (the first): the box
 * moves with box 1's player, and with mark_held the capture says so
 * (camsep_prior.held). */
typedef struct cover {
    double until;
    int mark_held;
} cover;

/* seconds of a stage where player stem_of_box[i] sits in box i, from time t0 on. */
static void feed_covered(host_assoc *h, int n, const int *stem_of_box, double t0, double seconds, cover c,
                         long *allocs)
{
    double next_frame = t0;
    for (double t = t0; t < t0 + seconds; t += HOP / RATE) {
        camsep_frame_report r;
        memset(&r, 0, sizeof r);
        r.time = (int64_t)(t * RATE);
        r.n_sources = n + 1; /* and an "other" stem */
        for (int k = 0; k < n; k++)
            r.activation_audio[k] = r.activation[k] = loudness(k, t);
        r.activation_audio[n] = r.activation[n] = 0.1f;
        if (t >= next_frame) {
            camsep_prior p;
            memset(&p, 0, sizeof p);
            p.time = (int64_t)(t * RATE);
            for (int i = 0; i < n; i++) {
                const int shown = i == 0 && t < c.until ? stem_of_box[1] : stem_of_box[i];
                p.motion[i][0] = loudness(shown, t) > 0.0f ? 0.3f + loudness(shown, t) : 0.02f;
            }
            if (t < c.until && c.mark_held)
                p.held = 1u;
            ARM();
            host_assoc_push_motion(h, &p); /* the capture thread's side */
            DISARM();
            next_frame += 1.0 / FPS;
        }
        ARM();
        host_assoc_add_report(h, &r); /* the reports' reader */
        DISARM();
    }
    *allocs = ALLOCATIONS();
}

static void feed(host_assoc *h, int n, const int *stem_of_box, double t0, double seconds, long *allocs)
{
    feed_covered(h, n, stem_of_box, t0, seconds, (cover){0.0, 0}, allocs);
}

static void test_proposal_and_plan(void)
{
    host_assoc h;
    CHECK(host_assoc_init(&h, 3, NULL, RATE) == 0);
    host_assoc_view v;
    host_assoc_view_now(&h, 1, &v);
    CHECK(v.state == HOST_ASSOC_WAITING);
    host_assoc_view_now(&h, 0, &v);
    CHECK_MSG(v.state == HOST_ASSOC_OFF && strstr(v.reason, "box"), "off: %s", v.reason);

    /* box 1 shows player 2, box 2 player 3, box 3 player 1 */
    const int shuffled[3] = {1, 2, 0};
    long allocs = 0;
    feed(&h, 3, shuffled, 10.0, 2.0, &allocs);
    ARM();
    host_assoc_view_now(&h, 1, &v);
    DISARM();
    char state[160];
    host_assoc_format_state(&v, state, sizeof state);
    CHECK_MSG(v.state == HOST_ASSOC_LOW && strstr(state, "low confidence"), "2 s: %s", state);
    camsep_box boxes[3] = {{10, 10, 50, 80}, {100, 10, 50, 80}, {200, 10, 50, 80}}, wanted[3];
    char err[256];
    if (v.stem_of_box[0] != 0 || v.stem_of_box[1] != 1) {
        CHECK(host_assoc_plan(&v, 0, boxes, wanted, err, sizeof err) == -1);
        CHECK_MSG(strstr(err, "refused: low confidence") && strstr(err, "force"), "%s", err);
        CHECK(host_assoc_plan(&v, 1, boxes, wanted, err, sizeof err) == 0); /* forced: allowed */
    }

    feed(&h, 3, shuffled, 12.0, 28.0, &allocs);
    ARM();
    host_assoc_view_now(&h, 1, &v);
    DISARM();
    allocs = ALLOCATIONS();
    host_assoc_format_state(&v, state, sizeof state);
    char pairing[32];
    host_assoc_format_pairing(&v, pairing, sizeof pairing);
    printf("  30 s: %s, pairing %s, confidence %.1f, evidence %.1f s\n", state, pairing, (double)v.confidence,
           (double)v.evidence_s);
    CHECK_MSG(v.state == HOST_ASSOC_PROPOSED, "30 s: %s", state);
    CHECK(!strcmp(pairing, "2,3,1"));
    CHECK(v.confidence >= 3.0f && v.evidence_s >= 4.0f);
    CHECK_MSG(allocs == 0, "%ld allocator calls while feeding and computing", allocs);

    /* player stem_of_box[i] gets box i */
    CHECK(host_assoc_plan(&v, 0, boxes, wanted, err, sizeof err) == 0);
    CHECK(wanted[1].x == 10 && wanted[2].x == 100 && wanted[0].x == 200);

    /* applied: everything gathered is forgotten; then the order is right */
    host_assoc_mark_applied(&h);
    host_assoc_view_now(&h, 1, &v);
    CHECK(v.state == HOST_ASSOC_APPLIED);
    CHECK(host_assoc_plan(&v, 1, boxes, wanted, err, sizeof err) == -1 && strstr(err, "no proposal"));
    const int in_order[3] = {0, 1, 2};
    feed(&h, 3, in_order, 40.0, 30.0, &allocs);
    host_assoc_view_now(&h, 1, &v);
    host_assoc_format_state(&v, state, sizeof state);
    CHECK_MSG(v.state == HOST_ASSOC_IN_ORDER, "after apply: %s", state);
    CHECK(host_assoc_plan(&v, 1, boxes, wanted, err, sizeof err) == -1 && strstr(err, "already"));

    /* a box changed: back to waiting */
    host_assoc_invalidate(&h);
    host_assoc_view_now(&h, 1, &v);
    CHECK(v.state == HOST_ASSOC_WAITING);
    host_assoc_destroy(&h);

    /* one player: nothing to pair */
    CHECK(host_assoc_init(&h, 1, NULL, RATE) == 0);
    host_assoc_view_now(&h, 1, &v);
    CHECK(v.state == HOST_ASSOC_OFF);
    host_assoc_destroy(&h);
}

/* Motion and sound that have nothing to do with each other: never confident. */
static void test_unrelated(void)
{
    host_assoc h;
    CHECK(host_assoc_init(&h, 2, NULL, RATE) == 0);
    double next = 0.0;
    uint64_t seed = 12345;
    for (double t = 0.0; t < 30.0; t += HOP / RATE) {
        camsep_frame_report r;
        memset(&r, 0, sizeof r);
        r.time = (int64_t)(t * RATE);
        r.n_sources = 2;
        r.activation_audio[0] = loudness(0, t);
        r.activation_audio[1] = loudness(1, t);
        if (t >= next) {
            camsep_prior p;
            memset(&p, 0, sizeof p);
            p.time = r.time;
            for (int i = 0; i < 2; i++) {
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                p.motion[i][0] = (float)(seed >> 40) / (float)(1 << 24);
            }
            host_assoc_push_motion(&h, &p);
            next += 1.0 / FPS;
        }
        host_assoc_add_report(&h, &r);
    }
    host_assoc_view v;
    host_assoc_view_now(&h, 1, &v);
    char state[160];
    host_assoc_format_state(&v, state, sizeof state);
    printf("  unrelated motion: %s (confidence %.1f)\n", state, (double)v.confidence);
    CHECK(v.state == HOST_ASSOC_LOW || v.state == HOST_ASSOC_IN_ORDER);
    if (v.state == HOST_ASSOC_LOW) {
        camsep_box boxes[2] = {{0, 0, 10, 10}, {20, 0, 10, 10}}, wanted[2];
        char err[256];
        CHECK(host_assoc_plan(&v, 0, boxes, wanted, err, sizeof err) == -1);
    }
    host_assoc_destroy(&h);
}

/* The capture thread pushes while the owner drains: nothing torn, nothing lost but when full. */
typedef struct pusher {
    host_assoc *h;
    int n;
} pusher;

static void *push_thread(void *arg)
{
    pusher *p = arg;
    for (int k = 0; k < p->n; k++) {
        camsep_prior q;
        memset(&q, 0, sizeof q);
        q.time = (int64_t)k * 1600;
        q.motion[0][0] = q.motion[1][0] = (float)k;
        host_assoc_push_motion(p->h, &q);
    }
    return NULL;
}

static void test_threads(void)
{
    host_assoc h;
    CHECK(host_assoc_init(&h, 2, NULL, RATE) == 0);
    pusher p = {&h, 20000};
    pthread_t th;
    CHECK(pthread_create(&th, NULL, push_thread, &p) == 0);
    camsep_frame_report r;
    memset(&r, 0, sizeof r);
    r.n_sources = 2;
    for (int k = 0; k < 20000; k++) {
        r.time = (int64_t)k * 512;
        host_assoc_add_report(&h, &r);
    }
    pthread_join(th, NULL);
    host_assoc_view v;
    host_assoc_view_now(&h, 1, &v);
    CHECK(v.state != HOST_ASSOC_OFF);
    host_assoc_destroy(&h);
}

/* The engine's prior-free activations: equal to the activations without a
 * camera; the shadow solve's with one (trust on); NaN when priors shape the
 * frame and trust is off. Their misfit comes with them (finite exactly when
 * they are), and says how badly the dictionaries explain the mix: with one
 * player's dictionary missing (mode 3) it is several times larger. */
static void test_engine_field(void)
{
    const int fft = 1024, hop = 256;
    const size_t n = (size_t)(RATE * 1.5);
    float *a = alloc_signal(n), *b = alloc_signal(n), *mix = alloc_signal(n);
    synth_melody(a, n, RATE, TIMBRE_BRIGHT, 60, 72, 0.25, 1, NULL);
    synth_melody(b, n, RATE, TIMBRE_DARK, 40, 52, 0.3, 2, NULL);
    for (size_t i = 0; i < n; i++)
        mix[i] = a[i] + b[i];
    camsep_dictionary *d[2] = {train_dictionary(a, n, RATE, fft, 8, "a"), train_dictionary(b, n, RATE, fft, 8, "b")};
    double mean_misfit[4] = {0};
    for (int mode = 0; mode < 4; mode++) { /* 0 no camera, 1 camera + trust, 2 camera, trust off,
                                              3 no camera, player 2's dictionary left out */
        camsep_params params;
        camsep_params_default(&params);
        params.activity_strength = 1.0f;
        if (mode == 2)
            params.trust_memory_s = 0.0f;
        camsep_engine *e = make_engine(RATE, fft, hop, d, mode == 3 ? 1 : 2, &params);
        for (int k = 0; (mode == 1 || mode == 2) && k < 60; k++) {
            camsep_prior p;
            memset(&p, 0, sizeof p);
            p.time = (int64_t)(k * RATE / 40.0);
            p.n_sources = 2;
            p.activity[0] = 1.0f;
            p.activity[1] = 0.0f; /* says player 2 is silent: it is not */
            CHECK(camsep_engine_push_prior(e, &p) == 0);
        }
        float *stems[CAMSEP_MAX_SOURCES] = {0};
        for (int j = 0; j < 2; j++)
            stems[j] = alloc_signal(256);
        int reports = 0, equal = 0, nan = 0, differ = 0, misfits = 0, misfit_mismatch = 0;
        for (size_t pos = 0; pos + 256 <= n; pos += 256) {
            camsep_engine_process(e, mix + pos, stems, 256);
            camsep_frame_report r;
            while (camsep_engine_read_report(e, &r) == 0) {
                reports++;
                if (isfinite(r.audio_misfit) != isfinite(r.activation_audio[0]) ||
                    (isfinite(r.audio_misfit) && !(r.audio_misfit >= 0.0f)))
                    misfit_mismatch++;
                if (isfinite(r.audio_misfit)) {
                    mean_misfit[mode] += r.audio_misfit;
                    misfits++;
                }
                if (mode == 3)
                    continue;
                if (isnan(r.activation_audio[0]) && isnan(r.activation_audio[1]))
                    nan++;
                else if (r.activation_audio[1] == r.activation[1] && r.activation_audio[0] == r.activation[0])
                    equal++;
                else if (r.activation_audio[1] > r.activation[1])
                    differ++; /* the prior held player 2 down; the shadow solve does not */
            }
        }
        mean_misfit[mode] /= misfits > 0 ? misfits : 1;
        printf("  engine mode %d: %d reports, %d equal, %d shadow above, %d NaN; misfit %.4f in %d\n", mode, reports,
               equal, differ, nan, mean_misfit[mode], misfits);
        CHECK(reports > 100 && misfit_mismatch == 0);
        if (mode == 3)
            CHECK(misfits > reports / 2 && mean_misfit[3] > 3.0 * mean_misfit[0]);
        else if (mode == 0)
            CHECK(equal == reports);
        else if (mode == 1)
            CHECK(differ > reports / 4 && nan == 0);
        else
            CHECK(nan > reports / 2);
        for (int j = 0; j < 2; j++)
            free(stems[j]);
        camsep_engine_free(e);
    }
    camsep_dictionary_free(d[0]);
    camsep_dictionary_free(d[1]);
    free(a);
    free(b);
    free(mix);
}

/* A box the camera cannot see (an occluder, a player out of frame) says
 * nothing of its player: its frames are left out of the comparison. Here
 * something crosses the first box for two thirds of the time and moves with
 * the second box's player; told so (held), the association proposes the
 * right pairing, and not told, it is much less sure. */
static void test_held_box(void)
{
    const int shuffled[3] = {1, 2, 0};
    float confidence[2];
    for (int mark = 0; mark < 2; mark++) {
        host_assoc h;
        CHECK(host_assoc_init(&h, 3, NULL, RATE) == 0);
        long allocs = 0;
        feed_covered(&h, 3, shuffled, 10.0, 30.0, (cover){30.0, mark}, &allocs);
        CHECK_MSG(allocs == 0, "%ld allocator calls", allocs);
        host_assoc_view v;
        host_assoc_view_now(&h, 1, &v);
        char state[160], pairing[32];
        host_assoc_format_state(&v, state, sizeof state);
        host_assoc_format_pairing(&v, pairing, sizeof pairing);
        printf("  box 1 covered for 20 of 30 s, %s: %s, pairing %s, confidence %.1f\n",
               mark ? "held" : "not held", state, pairing, (double)v.confidence);
        confidence[mark] = v.confidence;
        if (mark) {
            CHECK_MSG(v.state == HOST_ASSOC_PROPOSED && !strcmp(pairing, "2,3,1"), "held: %s %s", state, pairing);
        }
        host_assoc_destroy(&h);
    }
    CHECK_MSG(confidence[1] > 1.3f * confidence[0], "held %.2f, not held %.2f", (double)confidence[1],
              (double)confidence[0]);
}

int main(void)
{
    test_proposal_and_plan();
    test_unrelated();
    test_held_box();
    test_threads();
    test_engine_field();
    printf("host_assoc: ok\n");
    return 0;
}
