/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How far a source's activity prior is believed (engine/prior_trust.h):
 * nothing before any evidence, full trust for a prior that follows the
 * sound, none for one that moves while the source is silent or rests while
 * it sounds, a group's shared trust, and the per-frame veto of a prior that
 * silences what the audio clearly hears. */
#include <math.h>
#include <stdio.h>

#include "prior_trust.h"
#include "test_support.h"

#define FPS 100.0

/* frames of one source: the sound is on/off with period 2 s; the prior says
 * p_on while it sounds and p_off while it does not */
static void feed(prior_trust *t, int frames, float p_on, float p_off, int start)
{
    for (int k = 0; k < frames; k++) {
        int on = ((start + k) / 100) % 2 == 0;
        float p[CAMSEP_MAX_SOURCES] = {on ? p_on : p_off}, audio[CAMSEP_MAX_SOURCES] = {on ? 1.0f : 1e-3f};
        bool present[CAMSEP_MAX_SOURCES] = {true};
        prior_trust_update(t, p, present, audio);
    }
}

static void single_source(void)
{
    prior_trust t;
    prior_trust_init(&t, FPS, 4.0f);
    prior_trust_reset(&t, NULL, 1);
    CHECK(t.trust[0] == 0.0f && t.weight[0] == 0.0f); /* cold start: neutral */
    CHECK(isnan(t.agreement[0]));

    /* a prior that follows the sound: trust grows with evidence, up to 1 */
    feed(&t, 20, 1.0f, 0.0f, 0);
    const float early = t.trust[0];
    CHECK(early > 0.0f && early < 0.5f);
    feed(&t, 600, 1.0f, 0.0f, 20);
    CHECK(t.trust[0] > 0.99f);
    CHECK(t.agreement[0] > 0.99f);

    /* motion while the source is silent (sway, gestures): trust falls to 0 within the memory */
    feed(&t, 800, 1.0f, 1.0f, 620);
    CHECK(t.trust[0] < 0.05f);
    /* and comes back once the prior follows the sound again */
    feed(&t, 1600, 1.0f, 0.0f, 1420);
    CHECK(t.trust[0] > 0.95f);

    /* a prior that says "resting" while the source sounds: distrusted */
    feed(&t, 800, 0.0f, 0.0f, 3020);
    CHECK(t.trust[0] < 0.05f);

    /* frames without a prior teach nothing */
    prior_trust_reset(&t, NULL, 1);
    float p[CAMSEP_MAX_SOURCES] = {0}, audio[CAMSEP_MAX_SOURCES] = {1.0f};
    bool present[CAMSEP_MAX_SOURCES] = {false};
    for (int k = 0; k < 300; k++)
        prior_trust_update(&t, p, present, audio);
    CHECK(t.trust[0] == 0.0f && isnan(t.agreement[0]));
}

/* The weight vetoes, frame by frame, a prior that silences a clearly audible source. */
static void veto(void)
{
    prior_trust t;
    prior_trust_init(&t, FPS, 4.0f);
    prior_trust_reset(&t, NULL, 1);
    feed(&t, 1000, 1.0f, 0.0f, 0);
    CHECK(t.weight[0] > 0.99f);
    float p[CAMSEP_MAX_SOURCES] = {0.0f}, audio[CAMSEP_MAX_SOURCES] = {1.0f};
    bool present[CAMSEP_MAX_SOURCES] = {true};
    prior_trust_update(&t, p, present, audio); /* at its peak level, the prior says silent */
    CHECK(t.audible[0] > 0.99f);
    CHECK(t.weight[0] < 0.01f);
    audio[0] = 1e-3f; /* 60 dB down: the prior may say silent */
    prior_trust_update(&t, p, present, audio);
    CHECK(t.audible[0] == 0.0f && t.weight[0] > 0.9f);
}

/* Two players of one instrument (the same atoms): the audio hears only their
 * sum, so the group's loudest prior is what is checked, and both share it. */
static void group(void)
{
    prior_trust t;
    prior_trust_init(&t, FPS, 4.0f);
    const int same_as[3] = {0, 0, 2};
    prior_trust_reset(&t, same_as, 3);
    for (int k = 0; k < 1000; k++) {
        const int first = (k / 100) % 2 == 0; /* players 0 and 1 take turns; the group always sounds */
        float p[CAMSEP_MAX_SOURCES] = {first ? 1.0f : 0.0f, first ? 0.0f : 1.0f, 1.0f};
        float audio[CAMSEP_MAX_SOURCES] = {0.5f, 0.5f, 1.0f};
        bool present[CAMSEP_MAX_SOURCES] = {true, true, true};
        prior_trust_update(&t, p, present, audio);
    }
    /* each alone is often "resting" while its dictionary's sound is loud, yet the group agrees */
    CHECK(t.trust[0] > 0.99f && t.trust[1] == t.trust[0] && t.trust[2] > 0.99f);
    /* both say "resting" while the group sounds: the group loses trust, the other source keeps it */
    for (int k = 0; k < 800; k++) {
        float p[CAMSEP_MAX_SOURCES] = {0.0f, 0.0f, 1.0f};
        float audio[CAMSEP_MAX_SOURCES] = {0.5f, 0.5f, 1.0f};
        bool present[CAMSEP_MAX_SOURCES] = {true, true, true};
        prior_trust_update(&t, p, present, audio);
    }
    CHECK(t.trust[0] < 0.05f && t.trust[1] < 0.05f && t.trust[2] > 0.99f);
}

int main(void)
{
    single_source();
    veto();
    group();
    printf("prior_trust: evidence, veto and groups ok\n");
    return 0;
}
