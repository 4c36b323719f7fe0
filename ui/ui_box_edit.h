/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The player boxes as the window shows and edits them: hit-testing and the
 * mouse/keyboard state machine (draw a new box, move, resize by an edge or a
 * corner, assign to a player, delete, cycle the selection).
 *
 * The host owns the boxes. An edit never changes them here: it produces
 * actions (a player's new box, or its removal) that the window hands to the
 * host, which applies them through its command path and sets the boxes back
 * (ui_box_edit_set_host). Until it does, an action is shown as a proposal,
 * for at most UI_PROPOSAL_TIMEOUT_S; then the host's boxes win again, so the
 * window never shows for long what the engine does not use.
 *
 * Everything is in frame pixels; the caller converts pointer positions and
 * passes its grab tolerance in frame pixels too. Time (`now`) is in seconds
 * on any monotonic clock. Pure state: no X, no cairo; one thread (the UI's).
 */
#ifndef CAMSEP_UI_BOX_EDIT_H
#define CAMSEP_UI_BOX_EDIT_H

#include "camsep_video_types.h"

#define UI_MAX_PLAYERS 8
#define UI_PENDING (-2)  /* target/selection: the drawn box not yet assigned to a player */
#define UI_NONE (-1)
#define UI_PROPOSAL_TIMEOUT_S 1.0

enum {
    UI_EDGE_LEFT = 1,
    UI_EDGE_RIGHT = 2,
    UI_EDGE_TOP = 4,
    UI_EDGE_BOTTOM = 8,
    UI_HIT_INSIDE = 16,
};

typedef enum ui_drag_mode {
    UI_DRAG_NONE = 0,
    UI_DRAG_NEW,    /* rubber band from an empty point of the image */
    UI_DRAG_MOVE,   /* the whole box */
    UI_DRAG_RESIZE, /* the edges in drag_edges */
} ui_drag_mode;

typedef struct ui_box_action {
    int player;
    int removed;    /* 1: the player's box is to be removed (box unused) */
    camsep_box box; /* frame pixels, inside the frame, at least min_size */
} ui_box_action;

typedef struct ui_box_actions {
    int n;
    ui_box_action a[2]; /* an assignment can move a box from one player to another */
} ui_box_actions;

typedef struct ui_box_edit {
    int n_players;
    float frame_w, frame_h; /* 0 while unknown: nothing can be edited */
    float min_size;         /* smallest box side, frame pixels */

    camsep_box host[UI_MAX_PLAYERS]; /* what the host says */
    int host_has[UI_MAX_PLAYERS];
    camsep_box prop[UI_MAX_PLAYERS]; /* what was proposed to it, shown meanwhile */
    int prop_state[UI_MAX_PLAYERS];  /* 0 none, 1 a box, 2 a removal */
    double prop_time[UI_MAX_PLAYERS];

    camsep_box pending; /* a drawn box waiting for its player */
    int has_pending;
    int selected;       /* a player, UI_PENDING or UI_NONE */

    ui_drag_mode drag;
    int drag_target;    /* player or UI_PENDING (UI_DRAG_NEW: UI_PENDING) */
    int drag_edges;
    float press_x, press_y;
    camsep_box drag_start, drag_box;
    int drag_moved;     /* the pointer left the click tolerance */
    float drag_tol;
} ui_box_edit;

void ui_box_edit_init(ui_box_edit *e, int n_players);
/* A new frame size; boxes outside it are clipped when drawn by the host's
 * next update, drags in progress are cancelled. */
void ui_box_edit_set_frame_size(ui_box_edit *e, int w, int h);
/* The host's boxes (n <= n_players; a box with w or h <= 0 means none). A
 * proposal that the host now shows (equal within half a pixel) is settled. */
void ui_box_edit_set_host(ui_box_edit *e, const camsep_box *boxes, int n, double now);
/* Drops proposals older than UI_PROPOSAL_TIMEOUT_S. Returns 1 if any went. */
int ui_box_edit_expire(ui_box_edit *e, double now);

/* The box shown for a player (proposal, else the host's): 1 and *out, or 0. */
int ui_box_edit_shown(const ui_box_edit *e, int player, camsep_box *out);
/* The box to draw for a target (player or UI_PENDING), with a drag applied. */
int ui_box_edit_display(const ui_box_edit *e, int target, camsep_box *out);

/* The box under a point: its target (selected first, then the pending box,
 * then players from the last) and *edges (UI_EDGE_* bits, or UI_HIT_INSIDE);
 * UI_NONE if none. tol: grab distance from an edge, frame pixels. */
int ui_box_edit_hit(const ui_box_edit *e, float fx, float fy, float tol, int *edges);

/* Mouse, in frame pixels. press selects what is under the point and starts a
 * drag (a new box on an empty point inside the frame; nothing outside it);
 * motion returns 1 if what is shown changed; release ends the drag and fills
 * *out with the actions for the host (n = 0 if none). */
void ui_box_edit_press(ui_box_edit *e, float fx, float fy, float tol);
int ui_box_edit_motion(ui_box_edit *e, float fx, float fy);
void ui_box_edit_release(ui_box_edit *e, float fx, float fy, double now, ui_box_actions *out);

/* Keyboard. assign: the selected box (or the pending one) becomes player's;
 * delete: the selected box goes; cycle: the next (dir > 0) or previous box;
 * cancel: a drag is undone, else the selection is cleared. */
void ui_box_edit_assign(ui_box_edit *e, int player, double now, ui_box_actions *out);
void ui_box_edit_delete(ui_box_edit *e, double now, ui_box_actions *out);
void ui_box_edit_cycle(ui_box_edit *e, int dir);
void ui_box_edit_cancel(ui_box_edit *e);

/* A box in 0..1 of the frame. */
camsep_box ui_box_normalised(const camsep_box *b, float frame_w, float frame_h);

#endif
