/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test helpers for the X tests: a private Xvfb server, child processes with
 * their output on pipes, reading lines with a timeout, a generated Y4M video. */
#ifndef CAMSEP_UI_TEST_XVFB_H
#define CAMSEP_UI_TEST_XVFB_H

#include <stddef.h>
#include <sys/types.h>

typedef struct xvfb {
    pid_t pid;
    char name[32]; /* ":N" */
} xvfb;

/* Starts Xvfb on a free display (-displayfd). 0, 77 if Xvfb is not installed, -1 on failure. */
int xvfb_start(xvfb *x, int width, int height);
void xvfb_stop(xvfb *x);

typedef struct child {
    pid_t pid;
    int out, err; /* its stdout and stderr (read ends), non-blocking */
    char outbuf[8192];
    size_t outlen;
    char errbuf[16384];
    size_t errlen;
} child;

/* Runs argv with DISPLAY=display. 0 or -1. */
int child_start(child *c, char *const argv[], const char *display);
/* The next line of its stdout (without '\n') within timeout_ms: 1, 0 on
 * timeout or end of output. Its stderr is collected meanwhile. */
int child_read_line(child *c, char *line, size_t len, int timeout_ms);
/* Waits for it to exit within timeout_ms (then kills it): its exit status,
 * or 128 + signal, or -1 if it had to be killed. Closes the pipes. */
int child_wait(child *c, int timeout_ms);

/* A w x h Y4M video (mono), `frames` frames at `fps`: the frame's pattern
 * (pattern(x, y, k)) for each pixel. 0 or -1. */
int write_y4m(const char *path, int w, int h, int frames, int fps, int (*pattern)(int x, int y, int k));

double monotonic_s(void);
void sleep_ms(int ms);

#endif
