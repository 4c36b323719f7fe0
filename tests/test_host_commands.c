/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The standalone hosts' command queue and audio side: FIFO order, a full
 * queue refuses, several producers at once lose nothing and keep each one's
 * order; through a session, the meters carry the engine's prior trust,
 * gain/mute/solo reach the stems, bypass fades to the latency-compensated mix
 * and back without a click, and the audio side never allocates. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_counter.h"
#include "check.h"
#include "output_stage_expect.h"
#include "host_commands.h"
#include "host_session.h"

#define PRODUCERS 4
#define PER_PRODUCER 20000

static host_cmdq g_q;

static void *producer(void *arg)
{
    int id = (int)(long)arg;
    for (int i = 0; i < PER_PRODUCER;) {
        host_command c = {.type = HOST_CMD_GAIN, .stem = id, .value = (float)i};
        if (host_cmdq_push(&g_q, &c) == 0)
            i++;
    }
    return NULL;
}

static void queue_tests(void)
{
    host_cmdq_init(&g_q);
    host_command c;
    CHECK(host_cmdq_pop(&g_q, &c) == 0);
    for (int i = 0; i < HOST_CMDQ_CAPACITY; i++) {
        host_command in = {.type = HOST_CMD_MUTE, .stem = i, .on = i & 1};
        CHECK(host_cmdq_push(&g_q, &in) == 0);
    }
    host_command extra = {.type = HOST_CMD_BYPASS};
    CHECK(host_cmdq_push(&g_q, &extra) == -1);
    CHECK(atomic_load(&g_q.dropped) == 1);
    for (int i = 0; i < HOST_CMDQ_CAPACITY; i++) {
        CHECK(host_cmdq_pop(&g_q, &c) == 1);
        CHECK(c.type == HOST_CMD_MUTE && c.stem == i && c.on == (i & 1));
    }
    CHECK(host_cmdq_pop(&g_q, &c) == 0);

    /* Several producers against one consumer (run under TSan in CI). */
    host_cmdq_init(&g_q);
    pthread_t t[PRODUCERS];
    for (long p = 0; p < PRODUCERS; p++)
        CHECK(pthread_create(&t[p], NULL, producer, (void *)p) == 0);
    int next[PRODUCERS] = {0}, total = 0;
    while (total < PRODUCERS * PER_PRODUCER) {
        if (!host_cmdq_pop(&g_q, &c))
            continue;
        CHECK(c.stem >= 0 && c.stem < PRODUCERS);
        CHECK_MSG(c.value == (float)next[c.stem], "producer %d: got %g, want %d", c.stem, (double)c.value,
                  next[c.stem]);
        next[c.stem]++;
        total++;
    }
    for (int p = 0; p < PRODUCERS; p++)
        pthread_join(t[p], NULL);
    CHECK(host_cmdq_pop(&g_q, &c) == 0);
}

#define BLOCK 256
#define RATE 48000.0

static double rms(const float *x, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += (double)x[i] * x[i];
    return sqrt(s / n);
}

/* Runs `blocks` blocks of a tone mixture; returns the last block's stems. */
static void run(host_session *s, long *clock, int blocks, float out[][BLOCK], float *in_last)
{
    float in[BLOCK];
    float *outs[CAMSEP_MAX_SOURCES];
    for (int j = 0; j < host_session_stems(s); j++)
        outs[j] = out[j];
    for (int b = 0; b < blocks; b++) {
        for (int i = 0; i < BLOCK; i++, (*clock)++) {
            double t = (double)*clock / RATE;
            in[i] = (float)(0.3 * sin(2 * 3.14159265358979 * 440 * t) + 0.3 * sin(2 * 3.14159265358979 * 110 * t));
        }
        if (in_last)
            memcpy(in_last, in, sizeof in);
        host_session_process(s, in, outs, BLOCK, 0);
    }
}

/* After the input stops and the engine's tail has passed, the meters fall
 * at the output stage's release rate. */
static void meter_release(host_session *s)
{
    float silence[BLOCK] = {0}, out[3][BLOCK];
    float *outs[3] = {out[0], out[1], out[2]};
    for (int b = 0; b < 25; b++) /* 6400 samples: past the latency and the window */
        host_session_process(s, silence, outs, BLOCK, 0);
    host_meters before, after;
    host_session_meters(s, &before);
    for (int b = 0; b < 94; b++) /* 24064 samples */
        host_session_process(s, silence, outs, BLOCK, 0);
    host_session_meters(s, &after);
    int checked = 0;
    for (int j = 0; j < before.n_stems; j++)
        if (before.level[j] > 1e-4f) {
            expect_meter_release("standalone meters", 20 * log10(before.level[j]), 20 * log10(after.level[j]),
                                 94.0 * BLOCK / RATE);
            checked++;
        }
    CHECK_MSG(checked >= 2, "only %d meters to check", checked);
}

/* The meters carry the engine's trust in each player's camera prior: the
 * last report's, 1 and NaN before any; the split by motion and the share
 * moved towards the graded motion, 0 before any and without a camera; the
 * rest gate, open (1) before any report and without a camera,
 * and the camera's offset, NaN (not measured) then. */
static void trust_meters(void)
{
    host_config cfg;
    host_config_default(&cfg, HOST_JACK);
    char err[1024];
    CHECK(host_config_parse(&cfg, "other = true\n[player violin]\n[player cello]\n", "t", err, sizeof err) == 0);
    host_session *s = host_session_create(&cfg, RATE, err, sizeof err);
    CHECK_MSG(s, "%s", err);
    /* Before any frame: the prior fully believed, its agreement unknown; no camera, no camera motion. */
    host_meters m;
    host_session_meters(s, &m);
    CHECK(m.frames == 0 && m.n_stems == 3);
    for (int j = 0; j < 3; j++)
        CHECK_MSG(m.trust[j] == 1.0f && isnan(m.agreement[j]) && m.split[j] == 0.0f && m.share[j] == 0.0f &&
                      m.gate[j] == 1.0f,
                  "stem %d before any report: trust %g, agreement %g, split %g, share %g, gate %g", j,
                  (double)m.trust[j], (double)m.agreement[j], (double)m.split[j], (double)m.share[j],
                  (double)m.gate[j]);
    CHECK_MSG(isnan(m.camera_offset) && isnan(m.camera_offset_corr), "camera offset before any report: %g %g",
              (double)m.camera_offset, (double)m.camera_offset_corr);
    float mu, mv, mm;
    CHECK(host_session_camera_motion(s, &mu, &mv, &mm) == -1 && isnan(mu) && isnan(mv) && isnan(mm));
    /* Trust on (prior strength 0.3) but no camera: a prior that has shown nothing is not
     * believed, and there is nothing to correlate. */
    float out[3][BLOCK];
    long clock = 0;
    run(s, &clock, 40, out, NULL);
    host_session_meters(s, &m);
    CHECK(m.frames > 0);
    for (int j = 0; j < 2; j++)
        CHECK_MSG(m.trust[j] >= 0.0f && m.trust[j] < 0.5f && isnan(m.agreement[j]) && m.split[j] == 0.0f &&
                      m.share[j] == 0.0f && m.gate[j] == 1.0f,
                  "player %d without a camera: trust %g, agreement %g, split %g, share %g, gate %g", j,
                  (double)m.trust[j], (double)m.agreement[j], (double)m.split[j], (double)m.share[j],
                  (double)m.gate[j]);
    CHECK_MSG(isnan(m.camera_offset) && isnan(m.camera_offset_corr), "camera offset without a camera: %g %g",
              (double)m.camera_offset, (double)m.camera_offset_corr);
    /* Prior strength 0: trust is off, every prior weighs 1 (from the engine's next frames). */
    host_command c = {.type = HOST_CMD_PRIOR_STRENGTH, .stem = -1, .value = 0.0f};
    CHECK(host_session_command(s, &c, err, sizeof err) == 0);
    run(s, &clock, 20, out, NULL);
    host_session_meters(s, &m);
    for (int j = 0; j < 3; j++)
        CHECK_MSG(m.trust[j] == 1.0f, "stem %d with trust off: %g", j, (double)m.trust[j]);
    c.value = 0.3f;
    CHECK(host_session_command(s, &c, err, sizeof err) == 0);
    run(s, &clock, 20, out, NULL);
    host_session_meters(s, &m);
    CHECK_MSG(m.trust[0] < 0.5f && m.trust[1] < 0.5f, "trust on again: %g %g", (double)m.trust[0],
              (double)m.trust[1]);
    host_session_free(s);
}

static void session_tests(void)
{
    host_config cfg;
    host_config_default(&cfg, HOST_JACK);
    char err[1024];
    const char *text = "fft = 2048\nother = true\n[player violin]\n[player cello]\n";
    CHECK_MSG(host_config_parse(&cfg, text, "t", err, sizeof err) == 0, "%s", err);
    host_session *s = host_session_create(&cfg, RATE, err, sizeof err);
    CHECK_MSG(s, "%s", err);
    CHECK(host_session_stems(s) == 3 && !strcmp(host_session_stem_name(s, 2), "other"));
    CHECK(host_session_latency(s) == 1024);
    float out[3][BLOCK];
    long clock = 0;
    run(s, &clock, 40, out, NULL);
    double level = rms(out[0], BLOCK) + rms(out[1], BLOCK) + rms(out[2], BLOCK);
    CHECK(level > 0.01);
    const double cello_before = rms(out[1], BLOCK); /* what the separation gives the cello */
    CHECK(cello_before > 1e-5);

    /* Mute the violin: its stem goes to silence (after the gain smoothing). */
    host_command c = {.type = HOST_CMD_MUTE, .stem = 0, .on = 1};
    CHECK(host_session_command(s, &c, err, sizeof err) == 0);
    ALLOCATIONS();
    ARM();
    run(s, &clock, 60, out, NULL);
    DISARM();
    CHECK_MSG(ALLOCATIONS() == 0, "the audio side allocated %ld times", ALLOCATIONS());
    CHECK(rms(out[0], BLOCK) < 1e-6);
    c.on = 0;
    CHECK(host_session_command(s, &c, err, sizeof err) == 0);
    /* Solo the cello: the others go silent. */
    c = (host_command){.type = HOST_CMD_SOLO, .stem = 1, .on = 1};
    CHECK(host_session_command(s, &c, err, sizeof err) == 0);
    run(s, &clock, 60, out, NULL);
    CHECK_MSG(rms(out[0], BLOCK) < 1e-6 && rms(out[2], BLOCK) < 1e-6 && rms(out[1], BLOCK) > 0.5 * cello_before,
              "%g %g %g (cello before the solo %g)", rms(out[0], BLOCK), rms(out[1], BLOCK), rms(out[2], BLOCK),
              cello_before);
    c.on = 0;
    CHECK(host_session_command(s, &c, err, sizeof err) == 0);
    /* Bad commands are refused on the control side. */
    c = (host_command){.type = HOST_CMD_GAIN, .stem = 5, .value = 0};
    CHECK(host_session_command(s, &c, err, sizeof err) == -1);
    c = (host_command){.type = HOST_CMD_GAIN, .stem = 0, .value = NAN};
    CHECK(host_session_command(s, &c, err, sizeof err) == -1);
    c = (host_command){.type = HOST_CMD_BOX, .stem = 0, .box = {0, 0, 10, 10}};
    CHECK(host_session_command(s, &c, err, sizeof err) == 0); /* no camera: recorded only */
    c = (host_command){.type = HOST_CMD_GAIN, .stem = 2, .value = -6};
    CHECK(host_session_command(s, &c, err, sizeof err) == 0);
    host_config now;
    host_session_get_config(s, &now);
    CHECK(now.other_gain_db == -6.0f && now.players[0].has_box && !now.players[0].mute);
    CHECK(host_session_take_dirty(s) == 1 && host_session_take_dirty(s) == 0);
    c = (host_command){.type = HOST_CMD_GAIN, .stem = 2, .value = 0};
    CHECK(host_session_command(s, &c, err, sizeof err) == 0);

    /* Bypass: after the fade every stem is the input delayed by the latency,
     * divided by the stem count; the fade has no step. */
    c = (host_command){.type = HOST_CMD_BYPASS, .on = 1};
    CHECK(host_session_command(s, &c, err, sizeof err) == 0);
    const int latency = host_session_latency(s);
    float hist[8192], in_last[BLOCK];
    int hist_len = 0;
    double max_step = 0;
    float prev = 0;
    for (int b = 0; b < 24; b++) {
        run(s, &clock, 1, out, in_last);
        memmove(hist, hist + (hist_len + BLOCK > 8192 ? BLOCK : 0),
                sizeof(float) * (size_t)(hist_len + BLOCK > 8192 ? hist_len - BLOCK : hist_len));
        if (hist_len + BLOCK > 8192)
            hist_len -= BLOCK;
        memcpy(hist + hist_len, in_last, sizeof in_last);
        hist_len += BLOCK;
        for (int i = 0; i < BLOCK; i++) {
            float sum = out[0][i] + out[1][i] + out[2][i];
            if (b || i)
                max_step = fmax(max_step, fabs((double)sum - prev));
            prev = sum;
        }
    }
    /* The summed output is the delayed input throughout, so it never jumps
     * more than the signal itself does (two tones at 0.3: < 0.03 a sample). */
    CHECK_MSG(max_step < 0.03, "bypass fade step %g", max_step);
    float *outs[3] = {out[0], out[1], out[2]};
    expect_bypassed("standalone session", outs, 3, &hist[hist_len - BLOCK - latency], BLOCK);
    host_status st;
    host_session_status(s, &st);
    CHECK(st.bypassed == 1 && st.frames == (uint64_t)clock && st.dsp_mean > 0);
    c.on = 0;
    CHECK(host_session_command(s, &c, err, sizeof err) == 0);
    run(s, &clock, 8, out, NULL);
    host_session_status(s, &st);
    CHECK(st.bypassed == 0);
    char line[512];
    host_status_format(&st, 1.5, line, sizeof line);
    CHECK_MSG(strstr(line, "t=1.5s") && strstr(line, "priors_used=0") && strstr(line, "camera=none"), "%s", line);
    meter_release(s);
    host_session_free(s);

    /* The configured state holds from the first sample: a muted player is
     * silent and a bypassed session is the delayed mix from the start. */
    host_config_default(&cfg, HOST_JACK);
    CHECK(host_config_parse(&cfg, "[player violin]\nmute = true\n[player cello]\ngain = -6\n", "t", err,
                            sizeof err) == 0);
    s = host_session_create(&cfg, RATE, err, sizeof err);
    CHECK_MSG(s, "%s", err);
    clock = 0;
    float peak0 = 0;
    for (int b = 0; b < 16; b++) {
        run(s, &clock, 1, out, NULL);
        for (int i = 0; i < BLOCK; i++)
            peak0 = fmaxf(peak0, fabsf(out[0][i]));
    }
    CHECK_MSG(peak0 == 0.0f, "a muted player leaked %g at start", (double)peak0);
    CHECK(rms(out[1], BLOCK) > 1e-3);
    host_session_get_config(s, &now);
    CHECK(now.players[0].mute && now.players[1].gain_db == -6.0f && host_session_take_dirty(s) == 0);
    host_session_free(s);
    host_config_default(&cfg, HOST_JACK);
    CHECK(host_config_parse(&cfg, "bypass = true\n[player violin]\n[player cello]\n", "t", err, sizeof err) == 0);
    s = host_session_create(&cfg, RATE, err, sizeof err);
    CHECK_MSG(s, "%s", err);
    clock = 0;
    run(s, &clock, 8, out, in_last);
    for (int i = 0; i < BLOCK; i++) {
        double t = (double)(clock - BLOCK + i - latency) / RATE;
        float want = (float)(0.3 * sin(2 * 3.14159265358979 * 440 * t) + 0.3 * sin(2 * 3.14159265358979 * 110 * t)) / 2;
        CHECK_MSG(fabsf(out[0][i] - want) < 1e-5f, "bypassed at start: %g vs %g", (double)out[0][i], (double)want);
    }
    host_session_free(s);

    /* A configuration that cannot run is refused with the reason. */
    host_config_default(&cfg, HOST_JACK);
    CHECK(host_config_parse(&cfg, "[player x]\ninstrument = theremin\n", "t", err, sizeof err) == 0);
    CHECK(!host_session_create(&cfg, RATE, err, sizeof err) && strstr(err, "theremin"));
}

int main(void)
{
    queue_tests();
    trust_meters();
    session_tests();
    printf("test_host_commands: ok\n");
    return 0;
}
