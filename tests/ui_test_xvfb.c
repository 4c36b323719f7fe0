/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "ui_test_xvfb.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int in_path(const char *prog)
{
    const char *path = getenv("PATH");
    char dir[4096];
    while (path && *path) {
        const char *end = strchr(path, ':');
        const size_t n = end ? (size_t)(end - path) : strlen(path);
        snprintf(dir, sizeof dir, "%.*s/%s", (int)n, path, prog);
        if (access(dir, X_OK) == 0)
            return 1;
        path = end ? end + 1 : NULL;
    }
    return 0;
}

int xvfb_start(xvfb *x, int width, int height)
{
    memset(x, 0, sizeof *x);
    if (!in_path("Xvfb"))
        return 77;
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    const pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(fds[0]);
        const int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        char fd[16], screen[64];
        snprintf(fd, sizeof fd, "%d", fds[1]);
        snprintf(screen, sizeof screen, "%dx%dx24", width, height);
        execlp("Xvfb", "Xvfb", "-displayfd", fd, "-screen", "0", screen, "-nolisten", "tcp", "-noreset",
               (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    x->pid = pid;
    char buf[32];
    size_t len = 0;
    const double until = monotonic_s() + 15.0;
    while (len < sizeof buf - 1 && monotonic_s() < until) {
        struct pollfd p = {fds[0], POLLIN, 0};
        if (poll(&p, 1, 200) <= 0)
            continue;
        const ssize_t r = read(fds[0], buf + len, sizeof buf - 1 - len);
        if (r <= 0)
            break;
        len += (size_t)r;
        if (memchr(buf, '\n', len))
            break;
    }
    close(fds[0]);
    buf[len] = '\0';
    if (!memchr(buf, '\n', len)) {
        xvfb_stop(x);
        return -1;
    }
    snprintf(x->name, sizeof x->name, ":%d", atoi(buf));
    return 0;
}

void xvfb_stop(xvfb *x)
{
    if (x->pid > 0) {
        kill(x->pid, SIGTERM);
        waitpid(x->pid, NULL, 0);
        x->pid = 0;
    }
}

int child_start(child *c, char *const argv[], const char *display)
{
    memset(c, 0, sizeof *c);
    int out[2], err[2];
    if (pipe(out) != 0 || pipe(err) != 0)
        return -1;
    const pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]), close(out[1]), close(err[0]), close(err[1]);
        setenv("DISPLAY", display, 1);
        execv(argv[0], argv);
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    c->pid = pid;
    c->out = out[0];
    c->err = err[0];
    fcntl(c->out, F_SETFL, O_NONBLOCK);
    fcntl(c->err, F_SETFL, O_NONBLOCK);
    return 0;
}

static void drain(int fd, char *buf, size_t *len, size_t cap)
{
    if (fd < 0)
        return;
    for (;;) {
        char tmp[1024];
        const ssize_t r = read(fd, tmp, sizeof tmp);
        if (r <= 0)
            return;
        size_t n = (size_t)r;
        if (n > cap - 1 - *len)
            n = cap - 1 - *len;
        memcpy(buf + *len, tmp, n);
        *len += n;
        buf[*len] = '\0';
    }
}

int child_read_line(child *c, char *line, size_t len, int timeout_ms)
{
    const double until = monotonic_s() + timeout_ms / 1000.0;
    for (;;) {
        drain(c->out, c->outbuf, &c->outlen, sizeof c->outbuf);
        drain(c->err, c->errbuf, &c->errlen, sizeof c->errbuf);
        char *nl = memchr(c->outbuf, '\n', c->outlen);
        if (nl) {
            const size_t n = (size_t)(nl - c->outbuf);
            snprintf(line, len, "%.*s", (int)n, c->outbuf);
            memmove(c->outbuf, nl + 1, c->outlen - n - 1);
            c->outlen -= n + 1;
            c->outbuf[c->outlen] = '\0';
            return 1;
        }
        const double left = until - monotonic_s();
        if (left <= 0.0)
            return 0;
        struct pollfd p[2] = {{c->out, POLLIN, 0}, {c->err, POLLIN, 0}};
        poll(p, 2, left > 0.1 ? 100 : (int)(left * 1000.0) + 1);
    }
}

int child_wait(child *c, int timeout_ms)
{
    const double until = monotonic_s() + timeout_ms / 1000.0;
    int status = 0, result = -1;
    for (;;) {
        drain(c->out, c->outbuf, &c->outlen, sizeof c->outbuf);
        drain(c->err, c->errbuf, &c->errlen, sizeof c->errbuf);
        const pid_t r = waitpid(c->pid, &status, WNOHANG);
        if (r == c->pid) {
            result = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        if (monotonic_s() > until) {
            kill(c->pid, SIGKILL);
            waitpid(c->pid, &status, 0);
            break;
        }
        sleep_ms(20);
    }
    drain(c->out, c->outbuf, &c->outlen, sizeof c->outbuf);
    drain(c->err, c->errbuf, &c->errlen, sizeof c->errbuf);
    close(c->out);
    close(c->err);
    c->out = c->err = -1;
    return result;
}

int write_y4m(const char *path, int w, int h, int frames, int fps, int (*pattern)(int x, int y, int k))
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fprintf(f, "YUV4MPEG2 W%d H%d F%d:1 Ip A1:1 Cmono\n", w, h, fps);
    unsigned char *row = malloc((size_t)w);
    const int ok = row != NULL;
    for (int k = 0; k < frames && ok; k++) {
        fputs("FRAME\n", f);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++)
                row[x] = (unsigned char)pattern(x, y, k);
            fwrite(row, 1, (size_t)w, f);
        }
    }
    free(row);
    return fclose(f) == 0 && ok ? 0 : -1;
}
