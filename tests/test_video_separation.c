/* SPDX-License-Identifier: GPL-3.0-or-later */
/* End to end: a camera decides which of two players of the SAME instrument is
 * playing. Rendered stage frames go through the capture code (optical flow,
 * motion energy, playing likelihood) into the engine's priors; the separation
 * must beat audio alone clearly. Audio alone cannot tell the two apart. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scene.h"
#include "test_support.h"
#include "video_priors.h"

#define RATE 16000.0
#define FPS 25.0
#define SECONDS 6.0

static int first_part(double t) { return t < 3.8; }
static int second_part(double t) { return t > 2.2; }

static void separate(camsep_dictionary **d, const float *mix, size_t n, const float *const *truth, double *sdr,
                     const camsep_prior *priors, int n_priors)
{
    camsep_params p;
    camsep_params_default(&p);
    camsep_engine *e = make_engine(RATE, 1024, 256, d, 2, &p);
    for (int k = 0; k < n_priors; k++)
        CHECK(camsep_engine_push_prior(e, &priors[k]) == 0);
    float **out = run_engine(e, mix, n, 256, 2);
    const size_t lat = (size_t)camsep_engine_latency(e);
    for (int j = 0; j < 2; j++)
        sdr[j] = sdr_db(truth[j], out[j] + lat, n, 0);
    free_stems(out, 2);
    camsep_engine_free(e);
}

int main(void)
{
    const size_t n = (size_t)(SECONDS * RATE);
    float *a = alloc_signal(n), *b = alloc_signal(n), *mix = alloc_signal(n);
    synth_melody(a, n, RATE, TIMBRE_BRIGHT, 50, 74, 0.2, 61, NULL);
    camsep_dictionary *shared = train_dictionary(a, n, RATE, 1024, 16, "violin");
    camsep_dictionary *d[2] = {shared, shared};
    memset(a, 0, n * sizeof(float));
    synth_melody(a, n, RATE, TIMBRE_BRIGHT, 50, 74, 0.3, 62, first_part);
    synth_melody(b, n, RATE, TIMBRE_BRIGHT, 50, 74, 0.25, 63, second_part);
    for (size_t i = 0; i < n; i++)
        mix[i] = a[i] + b[i];
    const float *truth[2] = {a, b};

    /* The stage: both players sway and gesture during their rests, the camera
     * shakes a little and the light flickers, as on a real stage. */
    const int frames = (int)(SECONDS * FPS), W = 320, H = 240;
    float *act = alloc_signal(2 * (size_t)frames);
    for (int k = 0; k < frames; k++) {
        act[k] = first_part(k / FPS) ? 1.0f : 0.0f;
        act[frames + k] = second_part(k / FPS) ? 1.0f : 0.0f;
    }
    scene_config sc;
    scene_config_default(&sc, W, H, 2);
    sc.fps = FPS;
    sc.frames = frames;
    sc.player[0].activity = act;
    sc.player[1].activity = act + frames;
    sc.sway_px = 1.5f;
    sc.sway_hz = 0.3f;
    sc.gesture_px = 4.0f;
    sc.gesture_s = 1.5f;
    sc.shake_px = 1.0f;
    sc.flicker = 0.05f;
    sc.noise = 1.0f;
    scene *s = scene_create(&sc);
    CHECK(s);
    camsep_box boxes[2];
    for (int j = 0; j < 2; j++)
        boxes[j] = (camsep_box){sc.player[j].x, sc.player[j].y, sc.player[j].w, sc.player[j].h};
    char err[256];
    camsep_video_priors *vp = camsep_video_priors_create(W, H, FPS, boxes, 2, err, sizeof err);
    CHECK_MSG(vp, "%s", err);
    uint8_t *luma = malloc((size_t)W * H);
    CHECK(luma);
    camsep_prior *priors = calloc((size_t)frames, sizeof *priors);
    CHECK(priors);
    int n_priors = 0;
    double agree = 0.0;
    for (int k = 0; k < frames; k++) {
        scene_render(s, k, luma, W);
        camsep_frame f = {W, H, W, luma, (int64_t)(k * 1e9 / FPS), (uint64_t)k};
        if (camsep_video_priors_frame(vp, &f, &priors[n_priors]) == 1) {
            priors[n_priors].time = (int64_t)llround(k / FPS * RATE);
            for (int j = 0; j < 2; j++)
                agree += fabs(priors[n_priors].activity[j] - act[j * frames + k]);
            if (getenv("CAMSEP_TEST_DUMP"))
                printf("%d %.2f %.2f | %.0f %.0f\n", k, priors[n_priors].activity[0], priors[n_priors].activity[1],
                       act[k], act[frames + k]);
            n_priors++;
        }
    }
    CHECK(n_priors == frames - 1);
    printf("camera priors: mean |p - true activity| = %.3f over %d frames\n", agree / (2.0 * n_priors), n_priors);

    camsep_prior *oracle = calloc((size_t)frames, sizeof *oracle);
    CHECK(oracle);
    for (int k = 0; k < frames; k++) {
        oracle[k] = (camsep_prior){.time = (int64_t)llround(k / FPS * RATE), .n_sources = 2};
        oracle[k].activity[0] = act[k];
        oracle[k].activity[1] = act[frames + k];
    }
    double blind[2], camera[2], truth_prior[2];
    separate(d, mix, n, truth, blind, NULL, 0);
    separate(d, mix, n, truth, camera, priors, n_priors);
    separate(d, mix, n, truth, truth_prior, oracle, frames);
    printf("same instrument: audio only %.2f / %.2f dB, camera priors %.2f / %.2f dB, true activity %.2f / %.2f dB\n",
           blind[0], blind[1], camera[0], camera[1], truth_prior[0], truth_prior[1]);
    CHECK(camera[0] > blind[0] + 1.5 && camera[1] > blind[1] + 1.5);

    free(oracle);
    free(priors);
    free(luma);
    free(act);
    camsep_video_priors_free(vp);
    scene_free(s);
    camsep_dictionary_free(shared);
    free(a); free(b); free(mix);
    return 0;
}
