/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Prior alignment: interpolation between timestamps, neutral before the first
 * prior and after the camera goes quiet, NaN as "unknown", late arrivals,
 * held values (the camera cannot see a player). */
#include <math.h>

#include "priors.h"
#include "test_support.h"

static void push(spsc_ring *r, int64_t t, float a0, float a1)
{
    camsep_prior p = {.time = t, .n_sources = 2};
    p.activity[0] = a0;
    p.activity[1] = a1;
    p.motion[0][0] = a0 * 2.0f;
    p.motion[1][0] = a1 * 2.0f;
    CHECK(spsc_ring_push(r, &p));
}

static int near(float a, float b)
{
    return fabsf(a - b) < 1e-6f;
}

int main(void)
{
    spsc_ring r;
    CHECK(spsc_ring_init(&r, 16, sizeof(camsep_prior)) == 0);
    prior_tracker t;
    prior_tracker_reset(&t);
    prior_values v;

    prior_tracker_at(&t, &r, 0, 1000, 2, 1, &v);
    CHECK(v.activity[0] == 1.0f && v.activity[1] == 1.0f && !v.motion_valid); /* nothing yet: neutral */

    push(&r, 100, 0.0f, 1.0f);
    push(&r, 300, 1.0f, 0.0f);
    prior_tracker_at(&t, &r, 50, 1000, 2, 1, &v); /* before the first prior */
    CHECK(v.activity[0] == 1.0f);
    prior_tracker_at(&t, &r, 150, 1000, 2, 1, &v); /* a quarter of the way */
    CHECK(near(v.activity[0], 0.25f) && near(v.activity[1], 0.75f));
    CHECK(v.motion_valid && near(v.motion[0][0], 0.5f));
    prior_tracker_at(&t, &r, 300, 1000, 2, 1, &v);
    CHECK(near(v.activity[0], 1.0f) && near(v.activity[1], 0.0f));
    prior_tracker_at(&t, &r, 1200, 1000, 2, 1, &v); /* held within the timeout */
    CHECK(near(v.activity[1], 0.0f));
    prior_tracker_at(&t, &r, 1301, 1000, 2, 1, &v); /* camera silent too long */
    CHECK(v.activity[1] == 1.0f && !v.motion_valid);

    push(&r, 1400, NAN, 5.0f); /* unknown, and out of range (clamped) */
    prior_tracker_at(&t, &r, 1450, 1000, 2, 1, &v);
    CHECK(v.activity[0] == 1.0f && v.activity[1] == 1.0f);
    push(&r, 1460, 0.2f, 0.2f);
    push(&r, 1000, 0.3f, 0.3f); /* stale: its time has passed */
    prior_tracker_at(&t, &r, 1500, 1000, 2, 1, &v);
    CHECK(t.late == 1);
    CHECK(t.used == 5);

    /* held (the camera cannot see the player): on either side of the frame */
    camsep_prior h = {.time = 1600, .n_sources = 2, .held = 1u << 1};
    h.activity[0] = h.activity[1] = 0.4f;
    CHECK(spsc_ring_push(&r, &h));
    h.time = 1700;
    h.held = 0;
    CHECK(spsc_ring_push(&r, &h));
    prior_tracker_at(&t, &r, 1550, 1000, 2, 1, &v); /* between a seen prior and a held one */
    CHECK(!v.held[0] && v.held[1] && v.present[1]);
    prior_tracker_at(&t, &r, 1650, 1000, 2, 1, &v); /* between the held one and a seen one */
    CHECK(!v.held[0] && v.held[1]);
    prior_tracker_at(&t, &r, 1700, 1000, 2, 1, &v);
    CHECK(!v.held[0] && !v.held[1]);
    prior_tracker_at(&t, &r, 3000, 1000, 2, 1, &v); /* neutral: nothing held */
    CHECK(!v.present[1] && !v.held[1]);
    spsc_ring_destroy(&r);
    printf("priors: alignment ok\n");
    return 0;
}
