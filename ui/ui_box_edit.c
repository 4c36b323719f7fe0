/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ui_box_edit.h"

#include <math.h>
#include <string.h>

static float clampf(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }

static int valid_player(const ui_box_edit *e, int j) { return j >= 0 && j < e->n_players; }

/* A box made legal: at least min_size (when the frame allows it), inside the frame. */
static camsep_box fit_box(const ui_box_edit *e, camsep_box b)
{
    const float mw = fminf(e->min_size, e->frame_w), mh = fminf(e->min_size, e->frame_h);
    b.w = clampf(b.w, mw, e->frame_w);
    b.h = clampf(b.h, mh, e->frame_h);
    b.x = clampf(b.x, 0.0f, e->frame_w - b.w);
    b.y = clampf(b.y, 0.0f, e->frame_h - b.h);
    return b;
}

static int box_equal(const camsep_box *a, const camsep_box *b)
{
    return fabsf(a->x - b->x) <= 0.5f && fabsf(a->y - b->y) <= 0.5f && fabsf(a->w - b->w) <= 0.5f &&
           fabsf(a->h - b->h) <= 0.5f;
}

void ui_box_edit_init(ui_box_edit *e, int n_players)
{
    memset(e, 0, sizeof *e);
    e->n_players = n_players < 0 ? 0 : n_players > UI_MAX_PLAYERS ? UI_MAX_PLAYERS : n_players;
    e->min_size = 8.0f;
    e->selected = UI_NONE;
    e->drag_target = UI_NONE;
}

void ui_box_edit_set_frame_size(ui_box_edit *e, int w, int h)
{
    if ((float)w == e->frame_w && (float)h == e->frame_h)
        return;
    e->frame_w = w > 0 ? (float)w : 0.0f;
    e->frame_h = h > 0 ? (float)h : 0.0f;
    e->drag = UI_DRAG_NONE;
    e->has_pending = 0; /* drawn on another picture */
    if (e->selected == UI_PENDING)
        e->selected = UI_NONE;
    /* about 2 % of the smaller side, at least 4 pixels */
    const float side = fminf(e->frame_w, e->frame_h);
    e->min_size = fmaxf(4.0f, 0.02f * side);
}

void ui_box_edit_set_host(ui_box_edit *e, const camsep_box *boxes, int n, double now)
{
    (void)now;
    for (int j = 0; j < e->n_players; j++) {
        e->host_has[j] = j < n && boxes && boxes[j].w > 0.0f && boxes[j].h > 0.0f;
        if (e->host_has[j])
            e->host[j] = boxes[j];
        if (e->prop_state[j] == 1 && e->host_has[j] && box_equal(&e->prop[j], &e->host[j]))
            e->prop_state[j] = 0;
        else if (e->prop_state[j] == 2 && !e->host_has[j])
            e->prop_state[j] = 0;
    }
}

int ui_box_edit_expire(ui_box_edit *e, double now)
{
    int any = 0;
    for (int j = 0; j < e->n_players; j++)
        if (e->prop_state[j] && now - e->prop_time[j] > UI_PROPOSAL_TIMEOUT_S) {
            e->prop_state[j] = 0;
            any = 1;
        }
    return any;
}

int ui_box_edit_shown(const ui_box_edit *e, int player, camsep_box *out)
{
    if (!valid_player(e, player))
        return 0;
    if (e->prop_state[player] == 1) {
        *out = e->prop[player];
        return 1;
    }
    if (e->prop_state[player] == 2 || !e->host_has[player])
        return 0;
    *out = e->host[player];
    return 1;
}

int ui_box_edit_display(const ui_box_edit *e, int target, camsep_box *out)
{
    if (e->drag != UI_DRAG_NONE && e->drag_target == target) {
        *out = e->drag_box;
        return 1;
    }
    if (target == UI_PENDING) {
        if (!e->has_pending)
            return 0;
        *out = e->pending;
        return 1;
    }
    return ui_box_edit_shown(e, target, out);
}

static int hit_box(const camsep_box *b, float fx, float fy, float tol)
{
    if (fx < b->x - tol || fx > b->x + b->w + tol || fy < b->y - tol || fy > b->y + b->h + tol)
        return 0;
    /* on the inner side an edge reaches at most a quarter into the box, so
     * that even a small box can be moved */
    const float tx = fminf(tol, 0.25f * b->w), ty = fminf(tol, 0.25f * b->h);
    int edges = 0;
    if (fx < b->x + tx)
        edges |= UI_EDGE_LEFT;
    else if (fx > b->x + b->w - tx)
        edges |= UI_EDGE_RIGHT;
    if (fy < b->y + ty)
        edges |= UI_EDGE_TOP;
    else if (fy > b->y + b->h - ty)
        edges |= UI_EDGE_BOTTOM;
    return edges ? edges : UI_HIT_INSIDE;
}

int ui_box_edit_hit(const ui_box_edit *e, float fx, float fy, float tol, int *edges)
{
    int order[UI_MAX_PLAYERS + 2], n = 0;
    if (e->selected != UI_NONE)
        order[n++] = e->selected;
    if (e->selected != UI_PENDING)
        order[n++] = UI_PENDING;
    for (int j = e->n_players - 1; j >= 0; j--)
        if (j != e->selected)
            order[n++] = j;
    for (int k = 0; k < n; k++) {
        camsep_box b;
        if (!ui_box_edit_display(e, order[k], &b))
            continue;
        const int h = hit_box(&b, fx, fy, tol);
        if (h) {
            if (edges)
                *edges = h;
            return order[k];
        }
    }
    if (edges)
        *edges = 0;
    return UI_NONE;
}

void ui_box_edit_press(ui_box_edit *e, float fx, float fy, float tol)
{
    if (e->frame_w <= 0.0f || e->drag != UI_DRAG_NONE)
        return;
    int edges;
    const int target = ui_box_edit_hit(e, fx, fy, tol, &edges);
    e->press_x = fx;
    e->press_y = fy;
    e->drag_moved = 0;
    e->drag_tol = tol > 0.0f ? tol : 1.0f;
    if (target != UI_NONE) {
        e->selected = target;
        ui_box_edit_display(e, target, &e->drag_start);
        e->drag_box = e->drag_start;
        e->drag_target = target;
        e->drag_edges = edges;
        e->drag = edges == UI_HIT_INSIDE ? UI_DRAG_MOVE : UI_DRAG_RESIZE;
        return;
    }
    e->selected = UI_NONE;
    if (fx < 0.0f || fy < 0.0f || fx >= e->frame_w || fy >= e->frame_h)
        return; /* not on the picture */
    e->drag = UI_DRAG_NEW;
    e->drag_target = UI_PENDING;
    e->drag_edges = 0;
    e->drag_start = e->drag_box = (camsep_box){fx, fy, 0.0f, 0.0f};
}

int ui_box_edit_motion(ui_box_edit *e, float fx, float fy)
{
    if (e->drag == UI_DRAG_NONE)
        return 0;
    const float dx = fx - e->press_x, dy = fy - e->press_y;
    if (fabsf(dx) > e->drag_tol || fabsf(dy) > e->drag_tol)
        e->drag_moved = 1;
    const camsep_box s = e->drag_start;
    const float mw = fminf(e->min_size, e->frame_w), mh = fminf(e->min_size, e->frame_h);
    camsep_box b = s;
    switch (e->drag) {
    case UI_DRAG_NEW: {
        const float x0 = clampf(e->press_x, 0.0f, e->frame_w), y0 = clampf(e->press_y, 0.0f, e->frame_h);
        const float x1 = clampf(fx, 0.0f, e->frame_w), y1 = clampf(fy, 0.0f, e->frame_h);
        b = (camsep_box){fminf(x0, x1), fminf(y0, y1), fabsf(x1 - x0), fabsf(y1 - y0)};
        break;
    }
    case UI_DRAG_MOVE:
        b.x = clampf(s.x + dx, 0.0f, fmaxf(e->frame_w - s.w, 0.0f));
        b.y = clampf(s.y + dy, 0.0f, fmaxf(e->frame_h - s.h, 0.0f));
        break;
    case UI_DRAG_RESIZE: {
        float x0 = s.x, x1 = s.x + s.w, y0 = s.y, y1 = s.y + s.h;
        /* a moving edge stops at the frame and min_size short of the other */
        if (e->drag_edges & UI_EDGE_LEFT)
            x0 = clampf(s.x + dx, 0.0f, fmaxf(x1 - mw, 0.0f));
        if (e->drag_edges & UI_EDGE_RIGHT)
            x1 = clampf(s.x + s.w + dx, fminf(x0 + mw, e->frame_w), e->frame_w);
        if (e->drag_edges & UI_EDGE_TOP)
            y0 = clampf(s.y + dy, 0.0f, fmaxf(y1 - mh, 0.0f));
        if (e->drag_edges & UI_EDGE_BOTTOM)
            y1 = clampf(s.y + s.h + dy, fminf(y0 + mh, e->frame_h), e->frame_h);
        b = (camsep_box){x0, y0, x1 - x0, y1 - y0};
        break;
    }
    case UI_DRAG_NONE:
        break;
    }
    e->drag_box = b;
    return 1;
}

static void propose(ui_box_edit *e, ui_box_actions *out, int player, const camsep_box *b, double now)
{
    ui_box_action *a = &out->a[out->n++];
    a->player = player;
    a->removed = b == NULL;
    a->box = b ? *b : (camsep_box){0.0f, 0.0f, 0.0f, 0.0f};
    e->prop_state[player] = b ? 1 : 2;
    if (b)
        e->prop[player] = *b;
    e->prop_time[player] = now;
}

void ui_box_edit_release(ui_box_edit *e, float fx, float fy, double now, ui_box_actions *out)
{
    out->n = 0;
    if (e->drag == UI_DRAG_NONE)
        return;
    ui_box_edit_motion(e, fx, fy);
    const ui_drag_mode mode = e->drag;
    const int target = e->drag_target;
    e->drag = UI_DRAG_NONE;
    if (!e->drag_moved)
        return; /* a click: selection only */
    camsep_box b = e->drag_box;
    if (mode == UI_DRAG_NEW) {
        /* a small box grows from the point where the drag started */
        if (b.w < e->min_size && b.x + b.w >= e->press_x)
            b.w = e->min_size;
        if (b.h < e->min_size && b.y + b.h >= e->press_y)
            b.h = e->min_size;
        e->pending = fit_box(e, b);
        e->has_pending = 1;
        e->selected = UI_PENDING;
        return;
    }
    b = fit_box(e, b);
    if (target == UI_PENDING) {
        e->pending = b;
        return;
    }
    if (valid_player(e, target) && !box_equal(&b, &e->drag_start))
        propose(e, out, target, &b, now);
}

void ui_box_edit_assign(ui_box_edit *e, int player, double now, ui_box_actions *out)
{
    out->n = 0;
    if (!valid_player(e, player) || e->drag != UI_DRAG_NONE || e->frame_w <= 0.0f)
        return;
    camsep_box b;
    if (e->selected == UI_PENDING && e->has_pending) {
        b = fit_box(e, e->pending);
        e->has_pending = 0;
        propose(e, out, player, &b, now);
        e->selected = player;
    } else if (valid_player(e, e->selected) && e->selected != player && ui_box_edit_shown(e, e->selected, &b)) {
        const int from = e->selected;
        b = fit_box(e, b);
        propose(e, out, player, &b, now);
        propose(e, out, from, NULL, now);
        e->selected = player;
    }
}

void ui_box_edit_delete(ui_box_edit *e, double now, ui_box_actions *out)
{
    out->n = 0;
    if (e->drag != UI_DRAG_NONE)
        return;
    camsep_box b;
    if (e->selected == UI_PENDING) {
        e->has_pending = 0;
        e->selected = UI_NONE;
    } else if (valid_player(e, e->selected) && ui_box_edit_shown(e, e->selected, &b)) {
        propose(e, out, e->selected, NULL, now);
        e->selected = UI_NONE;
    }
}

void ui_box_edit_cycle(ui_box_edit *e, int dir)
{
    if (e->drag != UI_DRAG_NONE)
        return;
    int list[UI_MAX_PLAYERS + 1], n = 0, cur = -1;
    camsep_box b;
    for (int j = 0; j < e->n_players; j++)
        if (ui_box_edit_shown(e, j, &b))
            list[n++] = j;
    if (e->has_pending)
        list[n++] = UI_PENDING;
    if (n == 0) {
        e->selected = UI_NONE;
        return;
    }
    for (int k = 0; k < n; k++)
        if (list[k] == e->selected)
            cur = k;
    if (cur < 0)
        e->selected = dir >= 0 ? list[0] : list[n - 1];
    else
        e->selected = list[((cur + (dir >= 0 ? 1 : -1)) % n + n) % n];
}

void ui_box_edit_cancel(ui_box_edit *e)
{
    if (e->drag != UI_DRAG_NONE)
        e->drag = UI_DRAG_NONE;
    else
        e->selected = UI_NONE;
}

camsep_box ui_box_normalised(const camsep_box *b, float frame_w, float frame_h)
{
    if (frame_w <= 0.0f || frame_h <= 0.0f)
        return (camsep_box){0.0f, 0.0f, 0.0f, 0.0f};
    return (camsep_box){b->x / frame_w, b->y / frame_h, b->w / frame_w, b->h / frame_h};
}
