/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Synthetic stage scenes for the camera tests: deterministic 8-bit luma
 * frames of players whose sound-producing motion follows a scripted activity,
 * plus the motion that is not sound (sway, gestures during rests, camera
 * shake, lighting flicker, fades and washes, sensor noise, an occluder).
 *
 * Each player has a box (the box a user would draw); inside it a textured
 * body and a textured "arm" bar that strokes back and forth (bowing along x,
 * or strumming along y) at a speed of speed * activity[frame] pixels per
 * frame, reversing at the ends of its stroke. Rendering of a frame depends
 * only on the configuration and the frame index (any order, any number of
 * times). Not real-time code: create allocates, render does not.
 */
#ifndef CAMSEP_TEST_SCENE_H
#define CAMSEP_TEST_SCENE_H

#include <stdint.h>
#include <stdio.h>

#define SCENE_MAX_PLAYERS 8

typedef struct scene_player {
    float x, y, w, h;      /* the player's box, frame pixels */
    float stroke;          /* arm travel, pixels */
    float speed;           /* arm speed at activity 1, pixels per frame */
    int vertical;          /* 0: strokes along x (bowing); 1: along y (strumming) */
    const float *activity; /* per frame in [0,1] (frames entries; NULL = always 0) */
} scene_player;

typedef struct scene_config {
    int width, height;
    double fps;
    int frames;            /* length of the activity curves; later frames hold the last value */
    uint32_t seed;
    int n_players;
    scene_player player[SCENE_MAX_PLAYERS];
    float sway_px, sway_hz;      /* body sway (players' own phase), amplitude in pixels */
    float gesture_px, gesture_s; /* during rests the arm is raised by gesture_px now and then */
    float shake_px;        /* camera shake: whole-frame translation amplitude, pixels */
    float jitter_px;       /* camera jitter: a new random translation in [-j, j] every frame
                              (a stand vibrating with the PA, a hand-held phone), pixels */
    float zoom;            /* a slow zoom about the frame's centre: the scale goes from 1 to
                              1 + zoom and back ... */
    float zoom_period_s;   /* ... over this period (0 = no zoom) */
    float flicker;         /* relative light gain jitter per frame (0.1 = +-10 %) */
    float fade_depth;      /* 0..1: slow fades of the light down to 1 - depth ... */
    float fade_period_s;   /* ... and back, over this period */
    float wash;            /* relative amplitude of a slowly moving light gradient */
    float offset;          /* brightness offset jitter per frame, grey levels */
    float spot;            /* one light on the first player flickers by +-spot per frame and
                              fades to 1 - 3 spot and back every 4 s (0 = off) */
    float noise;           /* sensor noise standard deviation, grey levels */
    int occluder_start;    /* an object crosses the frame in front of everyone: */
    int occluder_frames;   /*   first frame and duration (0 frames = no occluder) */
    float occluder_y, occluder_w, occluder_h;
} scene_config;

typedef struct scene scene;

/* Players laid out side by side over the frame, speeds scaled to its width,
 * no disturbances (sway, shake, lights, noise all 0). */
void scene_config_default(scene_config *cfg, int width, int height, int n_players);
scene *scene_create(const scene_config *cfg); /* NULL on invalid configuration */
void scene_free(scene *s);
const scene_config *scene_get_config(const scene *s);

/* Renders frame `frame` (0-based) into luma (width x height, rows stride bytes). */
void scene_render(scene *s, int frame, uint8_t *luma, int stride);
/* Ground truth: the distance the player's arm travelled from frame-1 to frame
 * (pixels), the sound-producing speed; 0 at frame 0. */
float scene_arm_speed(const scene *s, int player, int frame);
/* The camera's own motion in a frame (shake and jitter): the whole picture is
 * translated by (dx, dy). */
void scene_shake(const scene *s, int frame, float *dx, float *dy);
/* The zoom of a frame: content at distance d from the centre is shown at d x scale. */
float scene_zoom(const scene *s, int frame);

/* A scripted activity curve: phrases of 2-5 s at a slowly varying level in
 * [0.25, 1] separated by rests of 1-3 s, with short ramps. Deterministic. */
void scene_activity_script(float *out, int frames, double fps, uint32_t seed);

/* A stand-alone multi-octave texture for flow accuracy tests. */
typedef struct scene_texture scene_texture;
/* w x h texture; finest features about `detail` pixels (>= 2). */
scene_texture *scene_texture_create(int w, int h, uint32_t seed, float detail);
void scene_texture_free(scene_texture *t);
/* out(x, y) = gain * T(x - dx + ox, y - dy + oy) + offset, i.e. the texture
 * translated by (dx, dy): the flow between two renders is the difference of
 * their (dx, dy). (ox, oy) = centre the w x h window in the texture. */
void scene_texture_render(const scene_texture *t, float dx, float dy, float gain, float offset, uint8_t *out,
                          int w, int h, int stride);

/* Y4M writer: mono ("Cmono") or 4:2:0 with neutral chroma. */
typedef struct scene_y4m scene_y4m;
scene_y4m *scene_y4m_open(const char *path, int w, int h, double fps, int chroma420);
int scene_y4m_write(scene_y4m *y, const uint8_t *luma, int stride); /* 0 or -1 */
int scene_y4m_close(scene_y4m *y);                                   /* 0 or -1 */

#endif
