/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep.lv2 through a minimal host (plugin/lv2/camsep_lv2_minihost.h):
 * latency reported before and at 0-frame runs; run() never allocates, with
 * blocks of 1, 64 and 1000 frames, while dictionary sets and parameters are
 * taken over; instrument controls and dictionary file parameters reach the
 * engine through the worker; bypass cross-fades with the latency-compensated
 * dry signal (the outputs always sum to the delayed input); state round trip
 * (paths through mapPath, the ring name); camera priors from a shared-memory
 * ring; and the worker-less path lv2apply uses.
 * Usage: test_lv2_plugin BUNDLE_DIR DICTIONARY_DIR
 */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#include "output_stage_expect.h"
#include "shm_ring.h"

#define MAX_BLOCK 1024
#define PLAYERS 4
#define RATE 48000.0

typedef struct rig {
    minihost h;
    float control[64];
    float audio_in[MAX_BLOCK];
    float audio_out[PLAYERS + 1][MAX_BLOCK];
    union {
        LV2_Atom_Sequence seq;
        uint8_t bytes[8192];
    } atom_in, atom_out;
    LV2_Atom_Forge forge;
    int players;
} rig;

static uint32_t pport(int j, camsep_lv2_player_port w)
{
    return camsep_lv2_player_port_index(j, w);
}

static void rig_open(rig *r, const char *bundle, int players, int with_worker)
{
    char err[512], uri[128];
    memset(r, 0, sizeof *r);
    r->players = players;
    const camsep_lv2_variant *v = camsep_lv2_variant_find(players);
    CHECK(v);
    snprintf(uri, sizeof uri, "%s%s", CAMSEP_LV2_PLUGIN_URI_PREFIX, v->suffix);
    CHECK_MSG(minihost_open(&r->h, bundle, uri, RATE, with_worker, err, sizeof err) == 0, "%s", err);
    const uint32_t n = camsep_lv2_port_count(players);
    CHECK(n <= 64);
    for (uint32_t i = 0; i < n; i++) {
        camsep_lv2_port_desc d;
        CHECK(camsep_lv2_port_describe(players, v->instrument, i, &d) == 0);
        void *buf = &r->control[i];
        r->control[i] = d.deflt;
        if (d.kind == CAMSEP_KIND_AUDIO)
            buf = d.direction == CAMSEP_LV2_DIR_IN ? r->audio_in : r->audio_out[d.player >= 0 ? d.player : players];
        else if (d.kind == CAMSEP_KIND_ATOM)
            buf = d.direction == CAMSEP_LV2_DIR_IN ? (void *)&r->atom_in : (void *)&r->atom_out;
        r->h.desc->connect_port(r->h.handle, i, buf);
    }
    lv2_atom_forge_init(&r->forge, &r->h.map);
    /* An empty input sequence; room for the output one. */
    r->atom_in.seq.atom.type = minihost_map(&r->h, LV2_ATOM__Sequence);
    r->atom_in.seq.atom.size = sizeof(LV2_Atom_Sequence_Body);
}

static void prepare_atoms(rig *r)
{
    r->atom_out.seq.atom.type = 0;
    r->atom_out.seq.atom.size = sizeof r->atom_out - sizeof(LV2_Atom);
}

static void clear_input(rig *r)
{
    r->atom_in.seq.atom.size = sizeof(LV2_Atom_Sequence_Body);
}

/* Puts a patch:Set of key to a path or string value on the control input. */
static void send_set(rig *r, const char *key, const char *value, int is_path)
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
    if (is_path)
        lv2_atom_forge_path(f, value, (uint32_t)strlen(value));
    else
        lv2_atom_forge_string(f, value, (uint32_t)strlen(value));
    lv2_atom_forge_pop(f, &obj);
    lv2_atom_forge_pop(f, &seq);
}

/* Whether the last run's notify output holds a patch:Set of key = value. */
static int notified(rig *r, const char *key, const char *value)
{
    const LV2_URID set = minihost_map(&r->h, LV2_PATCH__Set), prop = minihost_map(&r->h, LV2_PATCH__property),
                   val = minihost_map(&r->h, LV2_PATCH__value), k = minihost_map(&r->h, key);
    if (r->atom_out.seq.atom.type != minihost_map(&r->h, LV2_ATOM__Sequence))
        return 0;
    LV2_ATOM_SEQUENCE_FOREACH (&r->atom_out.seq, ev) {
        const LV2_Atom_Object *o = (const LV2_Atom_Object *)&ev->body;
        if (o->body.otype != set)
            continue;
        const LV2_Atom_URID *p = NULL;
        const LV2_Atom *v = NULL;
        lv2_atom_object_get(o, prop, (const LV2_Atom **)&p, val, &v, 0);
        if (p && v && p->body == k && !strcmp((const char *)LV2_ATOM_BODY_CONST(v), value))
            return 1;
    }
    return 0;
}

static double phase;
static void fill_input(rig *r, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++, phase += 1.0) {
        const double t = phase / RATE;
        r->audio_in[i] = (float)(0.3 * sin(2 * M_PI * 440 * t) + 0.15 * sin(2 * M_PI * 196 * t) +
                                 0.1 * sin(2 * M_PI * 1320 * t));
    }
}

static long rt_allocations, baseline;
/* One period as a host runs it: run(), then the worker, then the responses;
 * allocator calls are counted in run() and work_response() only. */
static void period(rig *r, uint32_t n)
{
    fill_input(r, n);
    prepare_atoms(r);
    ARM();
    r->h.desc->run(r->h.handle, n);
    DISARM();
    clear_input(r);
    minihost_do_work(&r->h);
    ARM();
    minihost_deliver(&r->h);
    DISARM();
    rt_allocations = ALLOCATIONS() - baseline;
}

static float ctl(rig *r, uint32_t port)
{
    return r->control[port];
}

static void test_latency_and_blocks(rig *r)
{
    CHECK_MSG(ctl(r, CAMSEP_PORT_LATENCY) == 1024.0f, "latency %g before run", (double)ctl(r, CAMSEP_PORT_LATENCY));
    r->control[CAMSEP_PORT_LATENCY] = -1;
    period(r, 0);
    CHECK(ctl(r, CAMSEP_PORT_LATENCY) == 1024.0f);
    const uint32_t sizes[] = {1, 64, 1000, 0, 7, 256, 1000, 64, 1};
    for (int rep = 0; rep < 40; rep++)
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
            period(r, sizes[i]);
    CHECK_MSG(rt_allocations == 0, "%ld allocator calls in run()/work_response()", rt_allocations);
    CHECK(ctl(r, pport(0, CAMSEP_PP_ACTIVE)) == CAMSEP_INSTR_VIOLIN);
    /* The meters move: the loudest output is well above the floor (which
     * stem a test tone goes to is the separation's business). */
    float loudest = CAMSEP_LV2_METER_FLOOR_DB;
    for (int j = 0; j <= r->players; j++) {
        const float db = ctl(r, j < r->players ? pport(j, CAMSEP_PP_LEVEL)
                                               : camsep_lv2_other_port_index(r->players, CAMSEP_OP_LEVEL));
        CHECK(db >= CAMSEP_LV2_METER_FLOOR_DB && db <= 20.0f);
        loudest = db > loudest ? db : loudest;
    }
    CHECK_MSG(loudest > -30.0f, "loudest output at %g dB", (double)loudest);
    CHECK(ctl(r, CAMSEP_PORT_LATENCY) == 1024.0f);
    printf("latency 1024 (also at 0 frames); blocks 1/64/1000/0/7/256: no allocation in run()\n");
}

static void test_instrument_change(rig *r)
{
    r->control[pport(0, CAMSEP_PP_INSTRUMENT)] = CAMSEP_INSTR_VIOLA;
    r->control[pport(3, CAMSEP_PP_INSTRUMENT)] = CAMSEP_INSTR_NONE;
    r->control[pport(1, CAMSEP_PP_GAIN)] = -6.0f;
    for (int i = 0; i < 20; i++)
        period(r, 64);
    CHECK(rt_allocations == 0);
    CHECK(ctl(r, pport(0, CAMSEP_PP_ACTIVE)) == CAMSEP_INSTR_VIOLA);
    CHECK(ctl(r, pport(3, CAMSEP_PP_ACTIVE)) == CAMSEP_INSTR_NONE);
    for (int i = 0; i < 8; i++) /* an unused slot's output is silent */
        CHECK(r->audio_out[3][i] == 0.0f);
    r->control[pport(3, CAMSEP_PP_INSTRUMENT)] = CAMSEP_INSTR_CELLO;
    for (int i = 0; i < 20; i++)
        period(r, 64);
    CHECK(ctl(r, pport(3, CAMSEP_PP_ACTIVE)) == CAMSEP_INSTR_CELLO);
    CHECK(rt_allocations == 0);
    printf("instrument controls: loaded by the worker, taken over without allocation in run()\n");
}

static void test_file_param(rig *r, const char *file)
{
    char key[128];
    snprintf(key, sizeof key, "%s2", CAMSEP_LV2__dictionary);
    send_set(r, key, file, 1);
    int seen = 0;
    for (int i = 0; i < 10; i++) {
        period(r, 64);
        seen |= notified(r, key, file);
    }
    CHECK(ctl(r, pport(1, CAMSEP_PP_ACTIVE)) == -1.0f);
    CHECK_MSG(seen, "no patch:Set notification of the new file");
    CHECK(rt_allocations == 0);
    /* A missing file: the parameter is kept (saved) but the instrument stays in use. */
    char bad[128];
    snprintf(bad, sizeof bad, "%s1", CAMSEP_LV2__dictionary);
    fprintf(stderr, "(an error about a missing dictionary is expected next)\n");
    send_set(r, bad, "/nonexistent/none.dict", 1);
    for (int i = 0; i < 10; i++)
        period(r, 64);
    CHECK(ctl(r, pport(0, CAMSEP_PP_ACTIVE)) == CAMSEP_INSTR_VIOLA);
    send_set(r, bad, "", 1); /* back to the instrument */
    for (int i = 0; i < 10; i++)
        period(r, 64);
    CHECK(ctl(r, pport(0, CAMSEP_PP_ACTIVE)) == CAMSEP_INSTR_VIOLA);
    r->control[pport(1, CAMSEP_PP_GAIN)] = 0.0f;
    printf("dictionary file parameter: worker load, notification, bad path falls back to the instrument\n");
}

static void test_bypass(rig *r)
{
    /* Whatever the bypass state, the outputs sum to the input delayed by the latency. */
    static float history[1 << 16];
    size_t pos = 0;
    double worst = 0, worst_step = 0;
    float last_sum = 0;
    const int P = r->players;
    for (int i = 0; i < 600; i++) { /* 600 x 64 = 0.8 s */
        if (i == 100)
            r->control[CAMSEP_PORT_ENABLED] = 0.0f;
        if (i == 300)
            r->control[CAMSEP_PORT_ENABLED] = 1.0f;
        const double ph = phase;
        period(r, 64);
        phase = ph;
        fill_input(r, 64);
        for (int k = 0; k < 64; k++, pos++) {
            history[pos] = r->audio_in[k];
            float sum = 0;
            for (int j = 0; j <= P; j++)
                sum += r->audio_out[j][k];
            const float want = pos >= 1024 ? history[pos - 1024] : 0.0f;
            if (i >= 40 && fabs(sum - want) > worst)
                worst = fabs(sum - want);
            if (i >= 40 && fabs(sum - last_sum) > worst_step)
                worst_step = fabs(sum - last_sum);
            last_sum = sum;
        }
        if (i == 250) { /* fully bypassed: the delayed input split evenly over the outputs */
            float *outs[PLAYERS + 1];
            for (int j = 0; j <= P; j++)
                outs[j] = r->audio_out[j];
            expect_bypassed("lv2 run()", outs, P + 1, &history[pos - 64 - 1024], 64);
        }
    }
    CHECK(rt_allocations == 0);
    CHECK_MSG(worst < 2e-3, "outputs stray from the delayed input by %g", worst);
    CHECK_MSG(worst_step < 0.1, "a step of %g in the summed output", worst_step);
    printf("bypass: cross-fade, outputs sum to the delayed input within %.2g, largest step %.3g\n", worst,
           worst_step);
}

/* The latency mode control: the worker builds the 10.7 ms mode's set (from
 * the bundle's latency-512 dictionaries), run() switches engines without
 * allocating, the latency port follows, and the outputs then sum to the input
 * delayed by the new latency; and back. */
static void expect_latency_mode(rig *r, int mode, float want_latency)
{
    static float history[1 << 16];
    const uint32_t port = camsep_lv2_latency_mode_port_index(r->players);
    r->control[port] = (float)mode;
    size_t pos = 0;
    double worst = 0;
    int switched_at = -1;
    for (int i = 0; i < 200; i++) {
        const double ph = phase;
        period(r, 64);
        CHECK_MSG(rt_allocations == 0, "%ld allocator calls in run() around a latency change", rt_allocations);
        if (switched_at < 0 && ctl(r, CAMSEP_PORT_LATENCY) == want_latency)
            switched_at = i;
        phase = ph;
        fill_input(r, 64);
        for (int k = 0; k < 64; k++, pos++) {
            history[pos] = r->audio_in[k];
            if (switched_at < 0 || i < switched_at + 40)
                continue; /* the new engine starts from silence: wait out its window */
            float sum = 0;
            for (int j = 0; j <= r->players; j++)
                sum += r->audio_out[j][k];
            worst = fmax(worst, fabs(sum - history[pos - (size_t)want_latency]));
        }
    }
    CHECK_MSG(switched_at >= 0 && switched_at <= 2, "mode %d: latency port %g, want %g (switched at %d)", mode,
              (double)ctl(r, CAMSEP_PORT_LATENCY), (double)want_latency, switched_at);
    CHECK_MSG(worst < 2e-3, "mode %d: outputs stray from the input delayed by %g by %g", mode,
              (double)want_latency, worst);
    printf("latency mode %d: latency port %g after %d periods, outputs sum to the delayed input within %.2g\n",
           mode, (double)want_latency, switched_at, worst);
}

static void test_latency_mode(rig *r, const char *file)
{
    /* Player 2 plays a dictionary file learned for latency 1024: the 10.7 ms
     * mode cannot use it, so the plugin stays where it is (and says so). */
    const uint32_t port = camsep_lv2_latency_mode_port_index(r->players);
    const float instrument = ctl(r, pport(0, CAMSEP_PP_ACTIVE));
    fprintf(stderr, "(an error about a dictionary learned for another latency is expected next)\n");
    r->control[port] = CAMSEP_LATENCY_MODE_512;
    for (int i = 0; i < 20; i++)
        period(r, 64);
    CHECK_MSG(ctl(r, CAMSEP_PORT_LATENCY) == 1024.0f, "latency %g with a file for latency 1024",
              (double)ctl(r, CAMSEP_PORT_LATENCY));
    CHECK(ctl(r, pport(1, CAMSEP_PP_ACTIVE)) == -1.0f);
    r->control[port] = CAMSEP_LATENCY_MODE_1024;
    period(r, 64);
    /* Back to the bundled instrument: now both modes work, and keep the line-up. */
    char key[128];
    snprintf(key, sizeof key, "%s2", CAMSEP_LV2__dictionary);
    send_set(r, key, "", 1);
    for (int i = 0; i < 10; i++)
        period(r, 64);
    expect_latency_mode(r, CAMSEP_LATENCY_MODE_512, 512.0f);
    CHECK(ctl(r, pport(0, CAMSEP_PP_ACTIVE)) == instrument);
    expect_latency_mode(r, CAMSEP_LATENCY_MODE_1024, 1024.0f);
    CHECK(ctl(r, pport(0, CAMSEP_PP_ACTIVE)) == instrument);
    send_set(r, key, file, 1); /* the file again, for the state test */
    for (int i = 0; i < 10; i++)
        period(r, 64);
    CHECK(ctl(r, pport(1, CAMSEP_PP_ACTIVE)) == -1.0f);
}

/* After the input stops (and the engine's tail has passed), the level
 * ports fall at the output stage's release rate. */
static void test_meter_release(rig *r)
{
    for (int i = 0; i < 50; i++)
        period(r, 64);
    memset(r->audio_in, 0, sizeof r->audio_in);
    for (int i = 0; i < 100; i++) /* 6400 samples: past the latency and the window */
        r->h.desc->run(r->h.handle, 64);
    float before[PLAYERS + 1];
    for (int j = 0; j <= r->players; j++)
        before[j] = ctl(r, j < r->players ? pport(j, CAMSEP_PP_LEVEL) : camsep_lv2_other_port_index(r->players, CAMSEP_OP_LEVEL));
    for (int i = 0; i < 375; i++) /* 0.5 s */
        r->h.desc->run(r->h.handle, 64);
    int checked = 0;
    for (int j = 0; j <= r->players; j++) {
        const float after =
            ctl(r, j < r->players ? pport(j, CAMSEP_PP_LEVEL) : camsep_lv2_other_port_index(r->players, CAMSEP_OP_LEVEL));
        if (before[j] < -70.0f)
            continue; /* a silent stem, or one near the -90 dB floor */
        expect_meter_release("lv2 level port", before[j], after, 0.5);
        checked++;
    }
    CHECK_MSG(checked >= 2, "only %d meters to check", checked);
    printf("meters: %d level ports fall at 20 dB/s after the input stops\n", checked);
}

static void compare_stores(rig *r, const minihost_store *a, const minihost_store *b)
{
    CHECK_MSG(a->n == b->n, "%d vs %d properties", a->n, b->n);
    for (int i = 0; i < a->n; i++) {
        const minihost_prop *p = &a->props[i], *q = minihost_store_get(b, p->key);
        CHECK_MSG(q && q->type == p->type && q->size == p->size && !memcmp(p->value, q->value, p->size),
                  "property %s differs", r->h.uris[p->key - 1]);
    }
}

static void test_state(rig *r, const char *bundle, const char *file, const char *shm)
{
    char key[128];
    send_set(r, CAMSEP_LV2__shm_name, shm, 0);
    for (int i = 0; i < 5; i++)
        period(r, 64);
    minihost_store saved = {0}, again = {0};
    CHECK(minihost_save(&r->h, &saved) == 0);
    snprintf(key, sizeof key, "%s2", CAMSEP_LV2__dictionary);
    const minihost_prop *p = minihost_store_get(&saved, minihost_map(&r->h, key));
    CHECK_MSG(p && !strcmp(p->value, strrchr(file, '/') + 1), "dictionary2 saved as %s", p ? (char *)p->value : "-");
    snprintf(key, sizeof key, "%s1", CAMSEP_LV2__dictionary);
    p = minihost_store_get(&saved, minihost_map(&r->h, key));
    CHECK(!p); /* cleared above: not saved */
    p = minihost_store_get(&saved, minihost_map(&r->h, CAMSEP_LV2__shm_name));
    CHECK(p && !strcmp(p->value, shm));

    rig b;
    rig_open(&b, bundle, r->players, 1);
    strcpy(b.h.state_dir, r->h.state_dir);
    b.h.desc->activate(b.h.handle);
    /* URIDs differ between hosts' maps only by order; this host maps the same way. */
    CHECK(minihost_restore(&b.h, &saved) == 0);
    for (int i = 0; i < 5; i++)
        period(&b, 64);
    CHECK(ctl(&b, pport(1, CAMSEP_PP_ACTIVE)) == -1.0f);
    CHECK(minihost_save(&b.h, &again) == 0);
    compare_stores(r, &saved, &again);
    CHECK(rt_allocations == 0);
    minihost_store_clear(&saved);
    minihost_store_clear(&again);
    minihost_close(&b.h);
    printf("state: dictionary path (relative through mapPath) and ring name survive save/restore/save\n");
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void test_camera(rig *r, const char *shm)
{
    char err[256];
    CHECK(ctl(r, CAMSEP_PORT_CAMERA_STATUS) == CAMSEP_CAMERA_NO_RING);
    camsep_shm_writer *w = camsep_shm_writer_create(shm, PLAYERS, 1, err, sizeof err);
    if (!w) {
        printf("camera: skipped (%s)\n", err);
        return;
    }
    /* Run about 1.5 s of audio at about real time so the ring stays fresh. */
    for (int i = 0; i < 1200; i++) {
        camsep_shm_record rec;
        memset(&rec, 0, sizeof rec);
        rec.timestamp_ns = now_ns();
        rec.n_players = PLAYERS;
        rec.status = CAMSEP_SHM_CAMERA_OK;
        for (int j = 0; j < PLAYERS; j++)
            rec.activity[j] = j == 2 ? 0.1f : 1.0f;
        if (i % 4 == 0)
            camsep_shm_writer_publish(w, &rec);
        period(r, 64);
        usleep(1000);
    }
    const float status = ctl(r, CAMSEP_PORT_CAMERA_STATUS), m3 = ctl(r, pport(2, CAMSEP_PP_MOTION)),
                m1 = ctl(r, pport(0, CAMSEP_PP_MOTION));
    camsep_shm_writer_close(w);
    CHECK_MSG(status == CAMSEP_CAMERA_LIVE, "camera status %g", (double)status);
    CHECK_MSG(m3 < 0.5f && m1 > 0.9f, "motion priors %g %g", (double)m1, (double)m3);
    printf("camera: ring found by the worker's retry, status live, priors %.2f (still) / %.2f (playing)\n",
           (double)m3, (double)m1);
}

static void test_no_worker(const char *bundle)
{
    rig r;
    rig_open(&r, bundle, 2, 0);
    r.h.desc->activate(r.h.handle);
    r.control[pport(0, CAMSEP_PP_INSTRUMENT)] = CAMSEP_INSTR_FLUTE;
    fill_input(&r, 1);
    prepare_atoms(&r);
    r.h.desc->run(r.h.handle, 1);
    CHECK(ctl(&r, pport(0, CAMSEP_PP_ACTIVE)) == CAMSEP_INSTR_FLUTE);
    minihost_close(&r.h);
    printf("without a host worker (lv2apply): the line-up is loaded before the first sample\n");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_lv2_plugin BUNDLE DICTDIR\n");
        return 2;
    }
    const char *bundle = argv[1];
#ifndef CAMSEP_SANITIZED
    /* The counter sees allocations, including those of a dlopened plugin. */
    ARM();
    void *volatile probe = malloc(16);
    free(probe);
    DISARM();
    CHECK(ALLOCATIONS() > 0);
#endif
    baseline = ALLOCATIONS();
    char dir[] = "/tmp/camsep-lv2-test-XXXXXX", file[256], shm[64], cmd[1024];
    CHECK(mkdtemp(dir));
    snprintf(file, sizeof file, "%s/soundcheck-cello.dict", dir);
    snprintf(cmd, sizeof cmd, "cp '%s/cello.dict' '%s'", argv[2], file);
    CHECK(system(cmd) == 0);
    snprintf(shm, sizeof shm, "/camsep-lv2-test-%d", (int)getpid());

    rig r;
    rig_open(&r, bundle, PLAYERS, 1);
    snprintf(r.h.state_dir, sizeof r.h.state_dir, "%s", dir);
    r.h.desc->activate(r.h.handle);
    test_latency_and_blocks(&r);
    test_instrument_change(&r);
    test_file_param(&r, file);
    test_bypass(&r);
    test_latency_mode(&r, file);
    test_meter_release(&r);
    test_state(&r, bundle, file, shm);
    test_camera(&r, shm);
    minihost_close(&r.h);
    test_no_worker(bundle);

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    printf("test_lv2_plugin: ok\n");
    return 0;
}
