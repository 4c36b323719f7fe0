/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep.lv2's sound check through the minimal host (plugin/lv2/
 * camsep_lv2_minihost.h, with state:makePath): two synthetic players (a low
 * harmonic voice and a high hollow one), commands as patch:Set of
 * urn:camsep:lv2:soundcheck, the worker run between periods.
 *   - refused commands (stop/cancel when idle, start without a camera, a
 *     bad player, a second start while recording) are said on
 *     soundcheck_notice, and nothing starts;
 *   - cancel: nothing changes; seconds=S stops by itself;
 *   - too little "alone" material: an error naming the player, in the
 *     status and the host's log, no file written, nothing changes;
 *   - "alone 1", "alone 2", "stop": both dictionaries learned, written under
 *     makePath, put in use (dict_N = file, patch:Set of the dictionary
 *     parameters), each player's tone then goes to its own output, and the
 *     state refers to the files (save, restore into a new instance);
 *   - with the camera: the priors of a shared-memory ring (each player alone,
 *     then both) decide who plays;
 *   - run() and work_response() never allocate (counted, plain build).
 * Usage: test_lv2_soundcheck BUNDLE_DIR
 */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lv2/atom/forge.h"
#include "lv2/atom/util.h"
#include "lv2/patch/patch.h"

#include "alloc_counter.h"
#include "camsep_lv2_catalog.h"
#include "camsep_lv2_minihost.h"
#include "camsep_lv2_ports.h"
#include "check.h"
#include "dictionary.h"
#include "shm_ring.h"

#define BLOCK 512
#define PLAYERS 2
#define RATE 24000.0 /* half the work of 48 kHz (the sanitized build runs the camera part in real time) */
#define OPTIONS " atoms=8 iterations=40"

typedef struct rig {
    minihost h;
    float control[64];
    float audio_in[BLOCK];
    float audio_out[PLAYERS + 1][BLOCK];
    union {
        LV2_Atom_Sequence seq;
        uint8_t bytes[8192];
    } atom_in, atom_out;
    LV2_Atom_Forge forge;
    /* the last values notified */
    char state[64], message[512], notice[512], dict[PLAYERS][1024];
    float progress;
} rig;

static long rt_allocations, baseline;
static double t_audio; /* seconds of synthetic audio made */

static uint32_t pport(int j, camsep_lv2_player_port w)
{
    return camsep_lv2_player_port_index(j, w);
}

static void rig_open(rig *r, const char *bundle, const char *scratch)
{
    char err[512], uri[128];
    memset(r, 0, sizeof *r);
    const camsep_lv2_variant *v = camsep_lv2_variant_find(PLAYERS);
    CHECK(v);
    snprintf(uri, sizeof uri, "%s%s", CAMSEP_LV2_PLUGIN_URI_PREFIX, v->suffix);
    CHECK_MSG(minihost_open_scratch(&r->h, bundle, uri, RATE, 1, scratch, err, sizeof err) == 0, "%s", err);
    snprintf(r->h.state_dir, sizeof r->h.state_dir, "%s", scratch);
    const uint32_t n = camsep_lv2_port_count(PLAYERS);
    CHECK(n <= 64);
    for (uint32_t i = 0; i < n; i++) {
        camsep_lv2_port_desc d;
        CHECK(camsep_lv2_port_describe(PLAYERS, v->instrument, i, &d) == 0);
        void *buf = &r->control[i];
        r->control[i] = d.deflt;
        if (d.kind == CAMSEP_KIND_AUDIO)
            buf = d.direction == CAMSEP_LV2_DIR_IN ? r->audio_in : r->audio_out[d.player >= 0 ? d.player : PLAYERS];
        else if (d.kind == CAMSEP_KIND_ATOM)
            buf = d.direction == CAMSEP_LV2_DIR_IN ? (void *)&r->atom_in : (void *)&r->atom_out;
        r->h.desc->connect_port(r->h.handle, i, buf);
    }
    lv2_atom_forge_init(&r->forge, &r->h.map);
    r->atom_in.seq.atom.type = minihost_map(&r->h, LV2_ATOM__Sequence);
    r->atom_in.seq.atom.size = sizeof(LV2_Atom_Sequence_Body);
    r->h.desc->activate(r->h.handle);
}

static void send_set(rig *r, const char *key, const char *value)
{
    LV2_Atom_Forge *f = &r->forge;
    lv2_atom_forge_set_buffer(f, r->atom_in.bytes, sizeof r->atom_in);
    LV2_Atom_Forge_Frame seq, obj;
    lv2_atom_forge_sequence_head(f, &seq, 0);
    lv2_atom_forge_frame_time(f, 0);
    lv2_atom_forge_object(f, &obj, 0, minihost_map(&r->h, LV2_PATCH__Set));
    lv2_atom_forge_key(f, minihost_map(&r->h, LV2_PATCH__property));
    lv2_atom_forge_urid(f, minihost_map(&r->h, key));
    lv2_atom_forge_key(f, minihost_map(&r->h, LV2_PATCH__value));
    lv2_atom_forge_string(f, value, (uint32_t)strlen(value));
    lv2_atom_forge_pop(f, &obj);
    lv2_atom_forge_pop(f, &seq);
}

static void copy_text(char *dst, size_t size, const LV2_Atom *v)
{
    snprintf(dst, size, "%.*s", (int)strnlen((const char *)LV2_ATOM_BODY_CONST(v), v->size),
             (const char *)LV2_ATOM_BODY_CONST(v));
}

/* Keeps what the last run notified. */
static void read_notifications(rig *r)
{
    minihost *h = &r->h;
    const LV2_URID set = minihost_map(h, LV2_PATCH__Set), prop = minihost_map(h, LV2_PATCH__property),
                   val = minihost_map(h, LV2_PATCH__value);
    if (r->atom_out.seq.atom.type != minihost_map(h, LV2_ATOM__Sequence))
        return;
    LV2_ATOM_SEQUENCE_FOREACH (&r->atom_out.seq, ev) {
        const LV2_Atom_Object *o = (const LV2_Atom_Object *)&ev->body;
        if (o->body.otype != set)
            continue;
        const LV2_Atom_URID *p = NULL;
        const LV2_Atom *v = NULL;
        lv2_atom_object_get(o, prop, (const LV2_Atom **)&p, val, &v, 0);
        if (!p || !v)
            continue;
        const char *key = h->uris[p->body - 1];
        if (!strcmp(key, CAMSEP_LV2__soundcheck_state))
            copy_text(r->state, sizeof r->state, v);
        else if (!strcmp(key, CAMSEP_LV2__soundcheck_message))
            copy_text(r->message, sizeof r->message, v);
        else if (!strcmp(key, CAMSEP_LV2__soundcheck_notice))
            copy_text(r->notice, sizeof r->notice, v);
        else if (!strcmp(key, CAMSEP_LV2__soundcheck_progress))
            r->progress = ((const LV2_Atom_Float *)v)->body;
        for (int j = 0; j < PLAYERS; j++) {
            char k[128];
            snprintf(k, sizeof k, "%s%d", CAMSEP_LV2__dictionary, j + 1);
            if (!strcmp(key, k))
                copy_text(r->dict[j], sizeof r->dict[j], v);
        }
    }
}

/* Player 1: a low voice with all harmonics; player 2: a high one with odd
 * harmonics only; each changes note every half second. */
static float player_sample(int player, double t)
{
    static const double low[] = {196.0, 220.0, 247.0}, high[] = {784.0, 880.0, 988.0};
    const int note = (int)(t * 2.0) % 3;
    double x = 0.0;
    if (player == 0)
        for (int k = 1; k <= 6; k++)
            x += 0.25 / k * sin(2 * M_PI * low[note] * k * t);
    else
        for (int k = 1; k <= 5; k += 2)
            x += 0.25 / k * sin(2 * M_PI * high[note] * k * t);
    return (float)x;
}

/* One period: `who` (bit j: player j plays) into the input, run() (counted),
 * the worker, the responses (counted). */
static void period(rig *r, unsigned who)
{
    for (int i = 0; i < BLOCK; i++, t_audio += 1.0 / RATE) {
        float x = 0.0f;
        for (int j = 0; j < PLAYERS; j++)
            if (who & (1u << j))
                x += player_sample(j, t_audio);
        r->audio_in[i] = x;
    }
    r->atom_out.seq.atom.type = 0;
    r->atom_out.seq.atom.size = sizeof r->atom_out - sizeof(LV2_Atom);
    /* this thread only: the sound check's own thread allocates while it learns */
    alloc_counter_arm_this_thread();
    r->h.desc->run(r->h.handle, BLOCK);
    alloc_counter_disarm_this_thread();
    r->atom_in.seq.atom.size = sizeof(LV2_Atom_Sequence_Body);
    read_notifications(r);
    minihost_do_work(&r->h);
    alloc_counter_arm_this_thread();
    minihost_deliver(&r->h);
    alloc_counter_disarm_this_thread();
    rt_allocations = ALLOCATIONS() - baseline;
}

/* s seconds of `who`, pausing now and then so that the sound check's thread
 * (which drains its ring every 20 ms) keeps up with faster than real time. */
static void play(rig *r, unsigned who, double s)
{
    const int n = (int)(s * RATE / BLOCK);
    for (int i = 0; i < n; i++) {
        period(r, who);
        if (i % 16 == 15)
            usleep(25000);
    }
}

static void command(rig *r, const char *text)
{
    send_set(r, CAMSEP_LV2__soundcheck, text);
    for (int i = 0; i < 3; i++)
        period(r, 0);
}

/* Runs (silence) until the sound check is in `state`; fails after a minute. */
static void wait_for(rig *r, const char *state)
{
    for (int i = 0; i < 6000 && strcmp(r->state, state); i++) {
        period(r, 0);
        usleep(10000);
    }
    CHECK_MSG(!strcmp(r->state, state), "sound check %s (%s), expected %s", r->state, r->message, state);
}

static float active(rig *r, int j)
{
    return r->control[pport(j, CAMSEP_PP_ACTIVE)];
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void test_refusals(rig *r)
{
    static const struct {
        const char *command, *why;
    } cases[] = {
        {"stop", "no sound check is recording"},
        {"cancel", "no sound check is running"},
        {"start", "no live camera"},
        {"alone 3", "from 1 to 2"},
        {"alone 1 atoms=0", "out of range"},
        {"dance", "unknown command"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        r->notice[0] = '\0';
        command(r, cases[i].command);
        CHECK_MSG(strstr(r->notice, cases[i].why), "\"%s\": notice \"%s\"", cases[i].command, r->notice);
        CHECK_MSG(strcmp(r->state, "recording"), "\"%s\" started a sound check", cases[i].command);
    }
    CHECK(rt_allocations == 0);
    printf("refused with a reason: stop/cancel when idle, start without a camera, bad player/option/command\n");
}

static void test_cancel(rig *r, const float *before)
{
    command(r, "alone 1" OPTIONS);
    CHECK_MSG(!strcmp(r->state, "recording"), "state %s (%s)", r->state, r->message);
    play(r, 1, 1.0);
    CHECK_MSG(strstr(r->message, "player 1 alone"), "message %s", r->message);
    CHECK_MSG(r->progress > 0.0f, "progress %g while recording", (double)r->progress);
    command(r, "start");
    CHECK_MSG(strstr(r->notice, "already recording"), "second start: notice %s", r->notice);
    command(r, "cancel");
    wait_for(r, "cancelled");
    for (int j = 0; j < PLAYERS; j++)
        CHECK(active(r, j) == before[j]);
    CHECK(rt_allocations == 0);
    printf("cancel: %s\n", r->message);
}

static void test_timed(rig *r, const float *before)
{
    command(r, "alone 1" OPTIONS " seconds=1");
    play(r, 1, 1.5);
    wait_for(r, "error"); /* stopped by itself after 1 s: too short to learn from */
    CHECK_MSG(strstr(r->message, "too little material for player 1"), "message %s", r->message);
    for (int j = 0; j < PLAYERS; j++)
        CHECK(active(r, j) == before[j]);
    printf("seconds=1: stopped by itself, then \"%.40s...\"\n", r->message);
}

static void test_too_little(rig *r, const char *scratch, const float *before)
{
    char path[1200];
    command(r, "alone 1" OPTIONS);
    play(r, 1, 4.5);
    command(r, "alone 2");
    CHECK_MSG(strstr(r->message, "player 2 alone"), "message %s", r->message);
    play(r, 2, 1.0);
    r->h.last_error[0] = '\0';
    fprintf(stderr, "(an error about too little material for player 2 is expected next)\n");
    command(r, "stop");
    wait_for(r, "error");
    CHECK_MSG(strstr(r->message, "too little material for player 2"), "message %s", r->message);
    CHECK_MSG(strstr(r->h.last_error, "too little material for player 2"), "host log: %s", r->h.last_error);
    for (int j = 0; j < PLAYERS; j++)
        CHECK(active(r, j) == before[j]);
    snprintf(path, sizeof path, "%s/soundcheck/player1.dict", scratch);
    CHECK_MSG(!file_exists(path), "%s written by a failed sound check", path);
    CHECK(rt_allocations == 0);
    printf("too little material: \"%s\"\n", r->message);
}

/* Mean frequency of a dictionary's atoms, weighted by their magnitudes. */
static double centroid_hz(const camsep_dictionary *d)
{
    double num = 0.0, den = 0.0;
    for (int a = 0; a < d->n_atoms; a++)
        for (int f = 0; f < d->n_bins; f++) {
            const double w = d->atoms[(size_t)a * d->n_bins + f];
            num += w * f * d->sample_rate / d->fft_size;
            den += w;
        }
    return den > 0.0 ? num / den : 0.0;
}

/* Energy of each player's output over the last half second of `who`. */
static void output_energy(rig *r, unsigned who, double *e)
{
    play(r, who, 1.0);
    e[0] = e[1] = 0.0;
    for (int i = 0; i < (int)(0.5 * RATE / BLOCK); i++) {
        period(r, who);
        for (int j = 0; j < PLAYERS; j++)
            for (int k = 0; k < BLOCK; k++)
                e[j] += (double)r->audio_out[j][k] * r->audio_out[j][k];
    }
}

static void check_learned(rig *r, const char *scratch, double *centroid)
{
    char err[512];
    for (int j = 0; j < PLAYERS; j++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/soundcheck/player%d.dict", scratch, j + 1);
        CHECK_MSG(active(r, j) == -1.0f, "player %d uses %g, not the learned file", j + 1, (double)active(r, j));
        CHECK_MSG(!strcmp(r->dict[j], path), "dictionary%d notified as \"%s\"", j + 1, r->dict[j]);
        camsep_dictionary *d = camsep_dictionary_load(path, err, sizeof err);
        CHECK_MSG(d, "%s", err);
        CHECK(d->n_atoms == 8 && d->fft_size == 2048 && d->sample_rate == RATE);
        centroid[j] = centroid_hz(d);
        camsep_dictionary_free(d);
    }
    CHECK_MSG(centroid[0] < 0.7 * centroid[1], "centroids %.0f Hz and %.0f Hz", centroid[0], centroid[1]);
}

static void test_learn(rig *r, const char *scratch)
{
    command(r, "alone 1" OPTIONS);
    play(r, 1, 5.0);
    command(r, "alone 2");
    play(r, 2, 5.0);
    command(r, "stop");
    wait_for(r, "done");
    CHECK_MSG(strstr(r->message, "learned player 1") && strstr(r->message, "player 2"), "message %s", r->message);
    double centroid[PLAYERS], e1[PLAYERS], e2[PLAYERS];
    check_learned(r, scratch, centroid);
    output_energy(r, 1, e1);
    output_energy(r, 2, e2);
    CHECK_MSG(e1[0] > 4.0 * e1[1] && e2[1] > 4.0 * e2[0], "player 1 alone: %g / %g; player 2 alone: %g / %g", e1[0],
              e1[1], e2[0], e2[1]);
    CHECK(rt_allocations == 0);
    printf("learned without a camera: %s; centroids %.0f / %.0f Hz; each player alone goes to its output "
           "(%.0fx, %.0fx)\n",
           r->message, centroid[0], centroid[1], e1[0] / e1[1], e2[1] / e2[0]);
}

static void test_state(rig *r, const char *bundle, const char *scratch)
{
    minihost_store saved = {0}, again = {0};
    CHECK(minihost_save(&r->h, &saved) == 0);
    for (int j = 0; j < PLAYERS; j++) {
        char key[128], want[64];
        snprintf(key, sizeof key, "%s%d", CAMSEP_LV2__dictionary, j + 1);
        snprintf(want, sizeof want, "soundcheck/player%d.dict", j + 1);
        const minihost_prop *p = minihost_store_get(&saved, minihost_map(&r->h, key));
        CHECK_MSG(p && !strcmp(p->value, want), "dictionary%d saved as %s", j + 1, p ? (char *)p->value : "-");
    }
    rig b;
    rig_open(&b, bundle, scratch);
    CHECK(minihost_restore(&b.h, &saved) == 0);
    for (int i = 0; i < 5; i++)
        period(&b, 0);
    for (int j = 0; j < PLAYERS; j++)
        CHECK_MSG(active(&b, j) == -1.0f, "restored player %d uses %g", j + 1, (double)active(&b, j));
    CHECK(minihost_save(&b.h, &again) == 0);
    CHECK(again.n == saved.n);
    minihost_store_clear(&saved);
    minihost_store_clear(&again);
    minihost_close(&b.h);
    CHECK(rt_allocations == 0);
    printf("state: the learned files are saved (relative, through mapPath) and restored into a new instance\n");
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Audio and camera in real time: `who` plays for s seconds, the ring says so. */
static void live(rig *r, camsep_shm_writer *w, unsigned who, double s)
{
    const int n = (int)(s * RATE / BLOCK);
    const int64_t start = now_ns(), period_ns = (int64_t)(1e9 * BLOCK / RATE);
    for (int i = 0; i < n; i++) {
        if (i % 4 == 0) {
            camsep_shm_record rec;
            memset(&rec, 0, sizeof rec);
            rec.timestamp_ns = now_ns();
            rec.n_players = PLAYERS;
            rec.status = CAMSEP_SHM_CAMERA_OK;
            for (int j = 0; j < PLAYERS; j++)
                rec.activity[j] = who & (1u << j) ? 1.0f : 0.0f;
            camsep_shm_writer_publish(w, &rec);
        }
        period(r, who);
        const int64_t ahead = start + (int64_t)(i + 1) * period_ns - now_ns();
        if (ahead > 0)
            usleep((useconds_t)(ahead / 1000));
    }
}

static void test_camera(rig *r, const char *scratch, const char *shm)
{
    char err[256];
    camsep_shm_writer *w = camsep_shm_writer_create(shm, PLAYERS, 1, err, sizeof err);
    if (!w) {
        printf("camera: skipped (%s)\n", err);
        return;
    }
    send_set(r, CAMSEP_LV2__shm_name, shm);
    live(r, w, 0, 1.5); /* the worker finds the ring */
    CHECK_MSG(r->control[CAMSEP_PORT_CAMERA_STATUS] == CAMSEP_CAMERA_LIVE, "camera status %g",
              (double)r->control[CAMSEP_PORT_CAMERA_STATUS]);
    send_set(r, CAMSEP_LV2__soundcheck, "start" OPTIONS);
    live(r, w, 1, 4.5);
    CHECK_MSG(!strcmp(r->state, "recording") && strstr(r->message, "each player alone"), "%s: %s", r->state,
              r->message);
    live(r, w, 2, 4.5);
    live(r, w, 3, 2.0);
    command(r, "stop");
    camsep_shm_writer_close(w);
    wait_for(r, "done");
    CHECK_MSG(strstr(r->message, "learned player 1") && strstr(r->message, "together") &&
                  strstr(r->message, "semitones"),
              "message %s", r->message);
    double centroid[PLAYERS];
    check_learned(r, scratch, centroid);
    CHECK(rt_allocations == 0);
    printf("learned with the camera: %s\n", r->message);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_lv2_soundcheck BUNDLE\n");
        return 2;
    }
    const char *bundle = argv[1];
#ifndef CAMSEP_SANITIZED
    ARM();
    void *volatile probe = malloc(16);
    free(probe);
    DISARM();
    CHECK(ALLOCATIONS() > 0);
#endif
    baseline = ALLOCATIONS();
    char scratch[] = "/tmp/camsep-lv2-soundcheck-XXXXXX", shm[64], cmd[256];
    CHECK(mkdtemp(scratch));
    snprintf(shm, sizeof shm, "/camsep-lv2-sc-test-%d", (int)getpid());

    rig *r = calloc(1, sizeof *r);
    CHECK(r);
    rig_open(r, bundle, scratch);
    send_set(r, CAMSEP_LV2__shm_name, shm); /* no ring there yet: no camera */
    for (int i = 0; i < 4; i++)
        period(r, 0);
    float before[PLAYERS];
    for (int j = 0; j < PLAYERS; j++)
        before[j] = active(r, j);
    CHECK(before[0] > 0.0f && before[1] > 0.0f);

    test_refusals(r);
    test_cancel(r, before);
    test_timed(r, before);
    test_too_little(r, scratch, before);
    test_learn(r, scratch);
    test_state(r, bundle, scratch);
    test_camera(r, scratch, shm);
    minihost_close(&r->h);
    free(r);

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    CHECK(system(cmd) == 0);
    printf("test_lv2_soundcheck: ok\n");
    return 0;
}
