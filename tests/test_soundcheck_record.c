/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A live sound check's recording (engine/soundcheck_record.h), as every host
 * keeps it: gaps become silence, old chunks are ignored, the cap holds; the
 * frames' activity (camera samples interpolated, unknown where the camera
 * stalled; announced players, by the recording's thread or carried by the
 * chunks, with the changes left out; columns for chosen players); the live
 * material count. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "soundcheck_record.h"

#define RATE 48000.0
#define FALL 512
#define HOP 512

static camsep_sc_chunk chunk(int64_t time, uint32_t n, float v)
{
    camsep_sc_chunk c;
    c.time = time;
    c.n = n;
    c.player = -1;
    for (uint32_t i = 0; i < n; i++)
        c.x[i] = v;
    return c;
}

static void test_record(void)
{
    camsep_sc_record r;
    CHECK(camsep_sc_record_init(&r, 1000, 16) == 0);
    camsep_sc_chunk c = chunk(500, 256, 1.0f);
    CHECK(camsep_sc_record_add_chunk(&r, &c) == 0 && r.t0 == 500 && r.n == 256);
    c = chunk(500 + 512, 256, 2.0f); /* one chunk lost: silence in between */
    CHECK(camsep_sc_record_add_chunk(&r, &c) == 0 && r.n == 768 && r.gaps == 256);
    CHECK(r.x[255] == 1.0f && r.x[256] == 0.0f && r.x[511] == 0.0f && r.x[512] == 2.0f);
    c = chunk(500 + 256, 256, 9.0f); /* older than what is kept: ignored */
    CHECK(camsep_sc_record_add_chunk(&r, &c) == 0 && r.x[300] == 0.0f && r.n == 768);
    c = chunk(500 + 768, 256, 3.0f); /* reaches the cap */
    CHECK(camsep_sc_record_add_chunk(&r, &c) == 1 && r.n == 1000 && r.x[999] == 3.0f);
    c = chunk(500 + 1024, 256, 4.0f);
    CHECK(camsep_sc_record_add_chunk(&r, &c) == 1 && r.n == 1000);
    camsep_sc_record_free(&r);
    printf("  record: gaps are silence, old chunks ignored, the cap holds\n");
}

static void test_frame_activity(void)
{
    camsep_sc_record r;
    CHECK(camsep_sc_record_init(&r, (size_t)(20 * RATE), 16) == 0); /* the activity grows past 16 */
    const int64_t t0 = 100000;
    camsep_sc_chunk c = chunk(t0, 256, 0.1f);
    for (int64_t s = 0; s < (int64_t)(6 * RATE); s += 256) {
        c.time = t0 + s;
        CHECK(camsep_sc_record_add_chunk(&r, &c) == 0);
    }
    /* camera at 25 fps: player 1 plays for 2 s, then player 2 (linear ramp in
     * between), nothing from 4 s to 5 s (stalled) */
    for (int k = 0; k < 6 * 25; k++) {
        const double ts = k / 25.0;
        if (ts >= 4.0 && ts < 5.0)
            continue;
        camsep_sc_activity a = {.time = t0 + (int64_t)(ts * RATE), .n = 2};
        a.activity[0] = ts < 2.0 ? 1.0f : 0.0f;
        a.activity[1] = ts < 2.0 ? 0.0f : 1.0f;
        CHECK(camsep_sc_record_add_activity(&r, &a) == 0);
    }
    size_t frames = r.n / HOP;
    float *act = malloc(sizeof(float) * frames * 2);
    camsep_sc_record_frame_activity(&r, frames, HOP, HOP - FALL, NULL, 2, (int64_t)(0.5 * RATE), (int64_t)(0.25 * RATE),
                                    act);
    for (size_t k = 0; k < frames; k++) {
        const double ts = ((double)(k + 1) * HOP - FALL) / RATE; /* the frame's time */
        const float a0 = act[2 * k], a1 = act[2 * k + 1];
        if (ts > 0.0 && ts < 1.95) {
            CHECK_MSG(a0 == 1.0f && a1 == 0.0f, "frame %zu (%.3f s): %g %g", k, ts, (double)a0, (double)a1);
        } else if (ts > 2.0 && ts < 3.95) {
            CHECK_MSG(a0 == 0.0f && a1 == 1.0f, "frame %zu (%.3f s): %g %g", k, ts, (double)a0, (double)a1);
        } else if (ts > 1.96 && ts < 2.0) {
            CHECK(a0 > 0.0f && a0 < 1.0f && fabsf(a0 + a1 - 1.0f) < 1e-5f); /* interpolated */
        } else if (ts > 4.3 && ts < 4.7) {
            CHECK_MSG(isnan(a0) && isnan(a1), "frame %zu (%.3f s) in the stall: %g", k, ts, (double)a0);
        } else if (ts < 0.0) {
            CHECK(isnan(a0)); /* before the first camera sample */
        }
    }
    double alone[2], together[2];
    camsep_sc_record_material(&r, RATE, 2, 0.35f, 0.15f, alone, together);
    CHECK_MSG(fabs(alone[0] - 2.0) < 0.1 && alone[1] > 2.8 && together[0] == 0.0 && together[1] == 0.0,
              "material %g %g %g %g", alone[0], alone[1], together[0], together[1]);

    /* announced: player 2 from 3 s on; the change itself is left out */
    camsep_sc_record a;
    CHECK(camsep_sc_record_init(&a, (size_t)(20 * RATE), 16) == 0);
    for (int64_t s = 0; s < (int64_t)(6 * RATE); s += 256) {
        CHECK(camsep_sc_record_label(&a, s < (int64_t)(3 * RATE) ? 0 : 1) == 0);
        c.time = s;
        CHECK(camsep_sc_record_add_chunk(&a, &c) == 0);
    }
    CHECK(a.n_labels == 2 && a.labels[1].from == (size_t)(3 * RATE) / 256 * 256 + 256 * ((size_t)(3 * RATE) % 256 != 0));
    frames = a.n / HOP;
    camsep_sc_record_frame_activity(&a, frames, HOP, HOP - FALL, NULL, 2, 0, (int64_t)(0.25 * RATE), act);
    for (size_t k = 0; k < frames; k++) {
        const double ts = ((double)(k + 1) * HOP - FALL) / RATE;
        const float a0 = act[2 * k], a1 = act[2 * k + 1];
        if (ts > 0.0 && ts < 2.7)
            CHECK(a0 == 1.0f && a1 == 0.0f);
        else if (ts > 2.8 && ts < 3.2)
            CHECK(isnan(a0) && isnan(a1));
        else if (ts > 3.3)
            CHECK(a0 == 0.0f && a1 == 1.0f);
    }
    camsep_sc_record_material(&a, RATE, 2, 0.35f, 0.15f, alone, together);
    CHECK(fabs(alone[0] - 3.0) < 0.01 && fabs(alone[1] - 3.0) < 0.01);
    free(act);
    camsep_sc_record_free(&a);
    camsep_sc_record_free(&r);
    printf("  frames' activity: camera interpolated, stalls unknown; announcements, changes left out\n");
}

/* camsep.lv2's way: each chunk carries the player announced when the audio
 * thread took it; the columns are the players asked for. */
static void test_carried(void)
{
    camsep_sc_record r;
    CHECK(camsep_sc_record_init(&r, (size_t)(20 * RATE), 0) == 0);
    camsep_sc_chunk c = chunk(0, 256, 0.1f);
    for (int64_t s = 0; s < (int64_t)(6 * RATE); s += 256) {
        c.time = 7000 + s;
        c.player = s < (int64_t)(3 * RATE) ? 2 : 0;
        if (s == 256 * 40) /* one chunk lost: silence, the label at the next chunk */
            continue;
        CHECK(camsep_sc_record_add_chunk(&r, &c) == 0);
    }
    CHECK(r.t0 == 7000 && r.gaps == 256 && r.n_labels == 2 && r.labels[0].from == 0 && r.labels[0].player == 2);
    CHECK(r.labels[1].from == (size_t)(3 * RATE) / 256 * 256 + 256 * ((size_t)(3 * RATE) % 256 != 0) &&
          r.labels[1].player == 0);
    c.n = 0; /* nothing in it: ignored */
    CHECK(camsep_sc_record_add_chunk(&r, &c) == 0 && r.n == (size_t)(6 * RATE));
    const size_t frames = r.n / HOP;
    const int players[3] = {0, 2, 1};
    float *act = malloc(sizeof(float) * frames * 3);
    CHECK(act);
    camsep_sc_record_frame_activity(&r, frames, HOP, HOP - 1 - FALL, players, 3, 0, (int64_t)(0.25 * RATE), act);
    for (size_t k = 0; k < frames; k++) {
        const double ts = ((double)(k + 1) * HOP - 1 - FALL) / RATE;
        const float *a = act + 3 * k;
        if (ts < 0.0)
            CHECK(isnan(a[0]) && isnan(a[1]) && isnan(a[2])); /* before the first announcement */
        else if (ts < 2.7)
            CHECK(a[0] == 0.0f && a[1] == 1.0f && a[2] == 0.0f);
        else if (ts > 2.8 && ts < 3.2)
            CHECK(isnan(a[0]) && isnan(a[1]) && isnan(a[2]));
        else if (ts > 3.3)
            CHECK(a[0] == 1.0f && a[1] == 0.0f && a[2] == 0.0f);
    }
    double alone[3], together[3];
    camsep_sc_record_material(&r, RATE, 3, 0.35f, 0.15f, alone, together);
    CHECK(fabs(alone[0] - 3.0) < 0.01 && fabs(alone[2] - 3.0) < 0.01 && alone[1] == 0.0);

    /* the camera with chosen columns: a player the camera did not give is unknown */
    camsep_sc_record_free(&r);
    CHECK(camsep_sc_record_init(&r, (size_t)(20 * RATE), 0) == 0);
    c.n = 256;
    c.player = -1;
    for (int64_t s = 0; s < (int64_t)(2 * RATE); s += 256) {
        c.time = s;
        CHECK(camsep_sc_record_add_chunk(&r, &c) == 0);
    }
    CHECK(r.n_labels == 0);
    for (int k = 0; k <= 4 * 25; k++) { /* more than init made room for (64): it grows */
        camsep_sc_activity s = {.time = (int64_t)(k / 25.0 * RATE), .n = 2, .activity = {0.25f, 0.75f, 1.0f}};
        CHECK(camsep_sc_record_add_activity(&r, &s) == 0);
    }
    camsep_sc_record_frame_activity(&r, 10, HOP, HOP - 1 - FALL, players, 3, (int64_t)(0.5 * RATE), 0, act);
    for (size_t k = 1; k < 10; k++)
        CHECK(act[3 * k] == 0.25f && isnan(act[3 * k + 1]) && act[3 * k + 2] == 0.75f);
    free(act);
    camsep_sc_record_free(&r);
    printf("  carried announcements (the first new sample of a chunk), chosen columns, unknown players\n");
}

int main(void)
{
    printf("soundcheck_record:\n");
    test_record();
    test_frame_activity();
    test_carried();
    printf("soundcheck_record: all tests passed\n");
    return 0;
}
