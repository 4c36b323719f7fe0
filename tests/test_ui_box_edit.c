/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Box editing without X: hit-testing, the drag state machine (draw, move,
 * resize, clamp to the frame, minimum size), assign, delete, cycle, cancel,
 * and proposals settling against the host's boxes. */
#include <math.h>

#include "check.h"
#include "ui_box_edit.h"

#define NEAR(a, b) (fabsf((float)(a) - (float)(b)) < 1e-3f)
#define BOX_IS(bx, X, Y, W, H) (NEAR((bx).x, X) && NEAR((bx).y, Y) && NEAR((bx).w, W) && NEAR((bx).h, H))

static void setup(ui_box_edit *e)
{
    ui_box_edit_init(e, 3);
    ui_box_edit_set_frame_size(e, 320, 240); /* min size: max(4, 0.02 * 240) = 4.8 */
    const camsep_box host[3] = {{10, 10, 50, 40}, {0, 0, 0, 0}, {200, 100, 60, 60}};
    ui_box_edit_set_host(e, host, 3, 0.0);
}

/* press, move in a few steps, release */
static void drag(ui_box_edit *e, float x0, float y0, float x1, float y1, double now, ui_box_actions *out)
{
    ui_box_edit_press(e, x0, y0, 3.0f);
    for (int k = 1; k <= 4; k++)
        ui_box_edit_motion(e, x0 + (x1 - x0) * k / 4.0f, y0 + (y1 - y0) * k / 4.0f);
    ui_box_edit_release(e, x1, y1, now, out);
}

static void test_hit(void)
{
    ui_box_edit e;
    setup(&e);
    int edges;
    CHECK(ui_box_edit_hit(&e, 35, 30, 3, &edges) == 0 && edges == UI_HIT_INSIDE);
    CHECK(ui_box_edit_hit(&e, 10.5f, 30, 3, &edges) == 0 && edges == UI_EDGE_LEFT);
    CHECK(ui_box_edit_hit(&e, 8, 30, 3, &edges) == 0 && edges == UI_EDGE_LEFT); /* just outside */
    CHECK(ui_box_edit_hit(&e, 59, 30, 3, &edges) == 0 && edges == UI_EDGE_RIGHT);
    CHECK(ui_box_edit_hit(&e, 35, 49, 3, &edges) == 0 && edges == UI_EDGE_BOTTOM);
    CHECK(ui_box_edit_hit(&e, 11, 11, 3, &edges) == 0 && edges == (UI_EDGE_LEFT | UI_EDGE_TOP));
    CHECK(ui_box_edit_hit(&e, 259, 159, 3, &edges) == 2 && edges == (UI_EDGE_RIGHT | UI_EDGE_BOTTOM));
    CHECK(ui_box_edit_hit(&e, 100, 100, 3, &edges) == UI_NONE && edges == 0);
    CHECK(ui_box_edit_hit(&e, 5, 30, 3, &edges) == UI_NONE); /* beyond the tolerance */
    /* a small box: its middle still moves it */
    const camsep_box small[3] = {{100, 100, 6, 6}, {0, 0, 0, 0}, {0, 0, 0, 0}};
    ui_box_edit_set_host(&e, small, 3, 0.0);
    CHECK(ui_box_edit_hit(&e, 103, 103, 3, &edges) == 0 && edges == UI_HIT_INSIDE);
}

static void test_new_box_and_assign(void)
{
    ui_box_edit e;
    setup(&e);
    ui_box_actions a;
    drag(&e, 150, 50, 190, 90, 1.0, &a);
    CHECK(a.n == 0); /* a new box waits for its player */
    CHECK(e.has_pending && e.selected == UI_PENDING);
    CHECK(BOX_IS(e.pending, 150, 50, 40, 40));
    /* drawn backwards: the same box */
    drag(&e, 250, 200, 210, 160, 1.0, &a);
    CHECK(BOX_IS(e.pending, 210, 160, 40, 40));
    /* beyond the frame: clamped */
    drag(&e, 300, 200, 400, 300, 1.0, &a);
    CHECK(BOX_IS(e.pending, 300, 200, 20, 40));

    ui_box_edit_assign(&e, 1, 2.0, &a); /* key "2" */
    CHECK(a.n == 1 && a.a[0].player == 1 && !a.a[0].removed && BOX_IS(a.a[0].box, 300, 200, 20, 40));
    CHECK(!e.has_pending && e.selected == 1);
    camsep_box b;
    CHECK(ui_box_edit_shown(&e, 1, &b) && BOX_IS(b, 300, 200, 20, 40)); /* proposed */
    /* the host confirms it: settled */
    const camsep_box host[3] = {{10, 10, 50, 40}, {300, 200, 20, 40}, {200, 100, 60, 60}};
    ui_box_edit_set_host(&e, host, 3, 2.1);
    CHECK(e.prop_state[1] == 0);
    CHECK(!ui_box_edit_expire(&e, 10.0));
    CHECK(ui_box_edit_shown(&e, 1, &b) && BOX_IS(b, 300, 200, 20, 40));
}

static void test_minimum_and_click(void)
{
    ui_box_edit e;
    setup(&e);
    ui_box_actions a;
    /* a click on an empty point: no box, nothing selected */
    e.selected = 0;
    ui_box_edit_press(&e, 150, 150, 3.0f);
    ui_box_edit_release(&e, 151, 150, 1.0, &a);
    CHECK(a.n == 0 && !e.has_pending && e.selected == UI_NONE);
    /* a thin drag grows to the minimum size */
    drag(&e, 150, 150, 170, 151, 1.0, &a);
    CHECK(e.has_pending && NEAR(e.pending.w, 20) && NEAR(e.pending.h, e.min_size));
    CHECK(e.min_size > 4.7f && e.min_size < 4.9f);
    /* a press outside the picture starts nothing */
    ui_box_edit_press(&e, -5, 10, 3.0f);
    CHECK(e.drag == UI_DRAG_NONE);
    /* no frame yet: nothing at all */
    ui_box_edit f;
    ui_box_edit_init(&f, 2);
    ui_box_edit_press(&f, 10, 10, 3.0f);
    CHECK(f.drag == UI_DRAG_NONE);
}

static void test_move(void)
{
    ui_box_edit e;
    setup(&e);
    ui_box_actions a;
    drag(&e, 30, 30, 50, 35, 1.0, &a);
    CHECK(a.n == 1 && a.a[0].player == 0 && BOX_IS(a.a[0].box, 30, 15, 50, 40));
    CHECK(e.selected == 0);
    camsep_box b;
    CHECK(ui_box_edit_shown(&e, 0, &b) && BOX_IS(b, 30, 15, 50, 40));
    /* not confirmed: after the timeout the host's box is shown again */
    CHECK(!ui_box_edit_expire(&e, 1.5));
    CHECK(ui_box_edit_expire(&e, 2.5));
    CHECK(ui_box_edit_shown(&e, 0, &b) && BOX_IS(b, 10, 10, 50, 40));
    /* clamped to the frame on every side */
    drag(&e, 30, 30, -200, -200, 3.0, &a);
    CHECK(a.n == 1 && BOX_IS(a.a[0].box, 0, 0, 50, 40));
    ui_box_edit_expire(&e, 10.0);
    drag(&e, 30, 30, 900, 900, 11.0, &a);
    CHECK(a.n == 1 && BOX_IS(a.a[0].box, 270, 200, 50, 40));
    /* a click inside selects and changes nothing */
    ui_box_edit_expire(&e, 20.0);
    e.selected = UI_NONE;
    drag(&e, 230, 130, 230.5f, 130, 21.0, &a);
    CHECK(a.n == 0 && e.selected == 2);
}

static void test_resize(void)
{
    ui_box_edit e;
    setup(&e);
    ui_box_actions a;
    /* right edge (x = 60) by +30 */
    drag(&e, 60, 30, 90, 30, 1.0, &a);
    CHECK(a.n == 1 && BOX_IS(a.a[0].box, 10, 10, 80, 40));
    ui_box_edit_expire(&e, 5.0);
    /* left edge past the right one: stops min_size short of it */
    drag(&e, 10, 30, 200, 30, 6.0, &a);
    CHECK(a.n == 1 && NEAR(a.a[0].box.x, 60 - e.min_size) && NEAR(a.a[0].box.w, e.min_size));
    ui_box_edit_expire(&e, 10.0);
    /* the bottom-right corner of player 3 beyond the frame: clamped */
    drag(&e, 260, 160, 500, 500, 11.0, &a);
    CHECK(a.n == 1 && a.a[0].player == 2 && BOX_IS(a.a[0].box, 200, 100, 120, 140));
    ui_box_edit_expire(&e, 20.0);
    /* the top edge above the frame */
    drag(&e, 230, 100, 230, -50, 21.0, &a);
    CHECK(a.n == 1 && BOX_IS(a.a[0].box, 200, 0, 60, 160));
    /* the pending box resizes locally, without actions */
    ui_box_edit_expire(&e, 30.0);
    drag(&e, 100, 150, 140, 190, 31.0, &a);
    CHECK(e.has_pending);
    drag(&e, 140, 170, 160, 170, 31.0, &a); /* its right edge */
    CHECK(a.n == 0 && BOX_IS(e.pending, 100, 150, 60, 40));
}

static void test_reassign_delete_cycle_cancel(void)
{
    ui_box_edit e;
    setup(&e);
    ui_box_actions a;
    /* player 1's box given to player 2 (who had none) */
    e.selected = 0;
    ui_box_edit_assign(&e, 1, 1.0, &a);
    CHECK(a.n == 2);
    CHECK(a.a[0].player == 1 && !a.a[0].removed && BOX_IS(a.a[0].box, 10, 10, 50, 40));
    CHECK(a.a[1].player == 0 && a.a[1].removed);
    camsep_box b;
    CHECK(!ui_box_edit_shown(&e, 0, &b) && ui_box_edit_shown(&e, 1, &b));
    CHECK(e.selected == 1);
    /* the host applies it */
    const camsep_box host[3] = {{0, 0, 0, 0}, {10, 10, 50, 40}, {200, 100, 60, 60}};
    ui_box_edit_set_host(&e, host, 3, 1.1);
    CHECK(e.prop_state[0] == 0 && e.prop_state[1] == 0);
    /* assigning to itself does nothing; a player out of range neither */
    ui_box_edit_assign(&e, 1, 2.0, &a);
    CHECK(a.n == 0);
    ui_box_edit_assign(&e, 7, 2.0, &a);
    CHECK(a.n == 0);
    /* delete */
    ui_box_edit_delete(&e, 3.0, &a);
    CHECK(a.n == 1 && a.a[0].player == 1 && a.a[0].removed && e.selected == UI_NONE);
    CHECK(!ui_box_edit_shown(&e, 1, &b));
    ui_box_edit_delete(&e, 3.0, &a); /* nothing selected */
    CHECK(a.n == 0);
    /* cycle over players 2 and 3's boxes (2's removal is proposed) and a pending box */
    ui_box_edit_expire(&e, 10.0); /* 2's removal not confirmed: its box is back */
    drag(&e, 100, 150, 140, 190, 11.0, &a);
    e.selected = UI_NONE;
    ui_box_edit_cycle(&e, 1);
    CHECK(e.selected == 1);
    ui_box_edit_cycle(&e, 1);
    CHECK(e.selected == 2);
    ui_box_edit_cycle(&e, 1);
    CHECK(e.selected == UI_PENDING);
    ui_box_edit_cycle(&e, 1);
    CHECK(e.selected == 1);
    ui_box_edit_cycle(&e, -1);
    CHECK(e.selected == UI_PENDING);
    /* delete the pending box: local only */
    ui_box_edit_delete(&e, 12.0, &a);
    CHECK(a.n == 0 && !e.has_pending);
    /* Escape during a drag puts the box back; then clears the selection */
    ui_box_edit_press(&e, 230, 130, 3.0f);
    ui_box_edit_motion(&e, 100, 50);
    CHECK(ui_box_edit_display(&e, 2, &b) && !BOX_IS(b, 200, 100, 60, 60));
    ui_box_edit_cancel(&e);
    CHECK(ui_box_edit_display(&e, 2, &b) && BOX_IS(b, 200, 100, 60, 60));
    ui_box_edit_release(&e, 100, 50, 13.0, &a);
    CHECK(a.n == 0 && e.selected == 2);
    ui_box_edit_cancel(&e);
    CHECK(e.selected == UI_NONE);
}

static void test_host_and_frame(void)
{
    ui_box_edit e;
    setup(&e);
    camsep_box b;
    /* fewer boxes than players: the rest have none */
    const camsep_box one = {5, 5, 20, 20};
    ui_box_edit_set_host(&e, &one, 1, 0.0);
    CHECK(ui_box_edit_shown(&e, 0, &b) && !ui_box_edit_shown(&e, 2, &b));
    /* a removal proposal settles when the host has no box */
    ui_box_actions a;
    e.selected = 0;
    ui_box_edit_delete(&e, 1.0, &a);
    CHECK(e.prop_state[0] == 2);
    ui_box_edit_set_host(&e, NULL, 0, 1.1);
    CHECK(e.prop_state[0] == 0);
    /* a new frame size drops the pending box and a drag */
    drag(&e, 100, 150, 140, 190, 2.0, &a);
    ui_box_edit_press(&e, 120, 170, 3.0f);
    ui_box_edit_set_frame_size(&e, 640, 480);
    CHECK(!e.has_pending && e.drag == UI_DRAG_NONE && e.selected == UI_NONE);
    const camsep_box n = ui_box_normalised(&(camsep_box){160, 120, 320, 240}, 640, 480);
    CHECK(BOX_IS(n, 0.25f, 0.25f, 0.5f, 0.5f));
}

int main(void)
{
    test_hit();
    test_new_box_and_assign();
    test_minimum_and_click();
    test_move();
    test_resize();
    test_reassign_delete_cycle_cancel();
    test_host_and_frame();
    return 0;
}
