/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-capture-delay: runs camsep-capture on a generated stage video, paced
 * at its frame rate, and reads its shared-memory ring from this process:
 *   - delay from a frame's capture timestamp to its prior being readable here
 *     (mean, p99, max), to compare with one frame period + the flow time;
 *   - camsep-capture's peak resident memory (getrusage of the child).
 * With a paced Y4M file the capture timestamp is the moment the frame leaves
 * the source, so the delay is analysis + publication + this reader's polling
 * (every 100 us); a camera adds its own exposure and transfer before that.
 *
 * usage: camsep-capture-delay [--seconds S] [--fps F] [--size WxH ...]
 *        (default: 8 s at 30 fps, 640x480 and 1280x720)
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture_clock.h"
#include "scene.h"
#include "shm_ring.h"

#ifndef CAMSEP_CAPTURE_EXE
#define CAMSEP_CAPTURE_EXE "camsep-capture"
#endif

#define VIDEO_FRAMES 60 /* looped */

typedef struct size_case {
    int w, h;
} size_case;

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int render(const char *path, int w, int h, double fps, char boxes[][64])
{
    float *act = malloc(2 * VIDEO_FRAMES * sizeof *act);
    uint8_t *luma = malloc((size_t)w * h);
    if (!act || !luma)
        return -1;
    for (int k = 0; k < VIDEO_FRAMES; k++) {
        act[k] = k < VIDEO_FRAMES / 2 ? 1.0f : 0.2f;
        act[VIDEO_FRAMES + k] = k < VIDEO_FRAMES / 2 ? 0.3f : 1.0f;
    }
    scene_config sc;
    scene_config_default(&sc, w, h, 2);
    sc.fps = fps;
    sc.frames = VIDEO_FRAMES;
    sc.player[0].activity = act;
    sc.player[1].activity = act + VIDEO_FRAMES;
    sc.sway_px = 1.0f;
    sc.noise = 1.0f;
    scene *s = scene_create(&sc);
    scene_y4m *y = s ? scene_y4m_open(path, w, h, fps, 1) : NULL;
    int rc = y ? 0 : -1;
    for (int k = 0; y && k < VIDEO_FRAMES && rc == 0; k++) {
        scene_render(s, k, luma, w);
        rc = scene_y4m_write(y, luma, w);
    }
    if (y && scene_y4m_close(y))
        rc = -1;
    for (int j = 0; j < 2; j++)
        snprintf(boxes[j], 64, "%.0f,%.0f,%.0f,%.0f", sc.player[j].x, sc.player[j].y, sc.player[j].w,
                 sc.player[j].h);
    scene_free(s);
    free(luma);
    free(act);
    return rc;
}

static int run_case(const char *dir, size_case sz, double fps, double seconds)
{
    char video[600], name[64], dur[32], boxes[2][64];
    snprintf(video, sizeof video, "%s/stage-%dx%d.y4m", dir, sz.w, sz.h);
    snprintf(name, sizeof name, "/camsep-delay-%d", (int)getpid());
    if (render(video, sz.w, sz.h, fps, boxes)) {
        fprintf(stderr, "camsep-capture-delay: cannot write %s\n", video);
        return -1;
    }
    snprintf(dur, sizeof dur, "%g", seconds + 1.0);
    pid_t pid = fork();
    if (pid == 0) {
        execl(CAMSEP_CAPTURE_EXE, CAMSEP_CAPTURE_EXE, "--source", video, "--loop", "--pace", "--box", boxes[0],
              "--box", boxes[1], "--shm", name, "--duration", dur, "--quiet", (char *)NULL);
        perror(CAMSEP_CAPTURE_EXE);
        _exit(127);
    }
    if (pid < 0)
        return -1;

    char err[256];
    camsep_shm_reader *r = NULL;
    int64_t t0 = camsep_monotonic_ns();
    while (!r && camsep_monotonic_ns() - t0 < 5000000000LL) {
        if (camsep_shm_reader_try_open(name, NULL, &r, err, sizeof err) < 0)
            break;
        if (!r)
            camsep_sleep_until_ns(camsep_monotonic_ns() + 2000000);
    }
    size_t cap = (size_t)(seconds * fps * 2) + 64, n = 0;
    int64_t *delay = malloc(cap * sizeof *delay);
    if (r && delay) {
        int64_t start = camsep_monotonic_ns(), warm = start + 500000000; /* skip the normaliser's start */
        while (camsep_monotonic_ns() - start < (int64_t)(seconds * 1e9)) {
            int64_t now = camsep_monotonic_ns();
            camsep_shm_record rec;
            while (camsep_shm_reader_poll(r, now, &rec) == CAMSEP_SHM_RECORD)
                if (rec.status == CAMSEP_SHM_CAMERA_OK && now > warm && n < cap)
                    delay[n++] = now - rec.timestamp_ns;
            camsep_sleep_until_ns(now + 100000);
        }
    }
    camsep_shm_reader_close(r);
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    kill(pid, SIGTERM);
    wait4(pid, &status, 0, &ru);
    unlink(video);
    if (!n) {
        fprintf(stderr, "camsep-capture-delay: no records at %dx%d (%s)\n", sz.w, sz.h, r ? "" : err);
        free(delay);
        return -1;
    }
    qsort(delay, n, sizeof *delay, cmp_i64);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (double)delay[i];
    size_t p99 = (size_t)((double)(n - 1) * 0.99);
    printf("%4dx%-4d  %5.1f fps  %6zu priors  delay mean %6.2f ms  p99 %6.2f ms  max %6.2f ms  "
           "(frame period %.1f ms)  peak RSS %6.1f MiB  exit %d\n",
           sz.w, sz.h, fps, n, sum / (double)n * 1e-6, (double)delay[p99] * 1e-6, (double)delay[n - 1] * 1e-6,
           1e3 / fps, (double)ru.ru_maxrss / 1024.0, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    free(delay);
    return 0;
}

int main(int argc, char **argv)
{
    double seconds = 8.0, fps = 30.0;
    size_case cases[8];
    int n_cases = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
            seconds = atof(argv[++i]);
        } else if (!strcmp(argv[i], "--fps") && i + 1 < argc) {
            fps = atof(argv[++i]);
        } else if (!strcmp(argv[i], "--size") && i + 1 < argc && n_cases < 8) {
            if (sscanf(argv[++i], "%dx%d", &cases[n_cases].w, &cases[n_cases].h) != 2) {
                fprintf(stderr, "camsep-capture-delay: --size WxH\n");
                return 1;
            }
            n_cases++;
        } else {
            fprintf(stderr, "usage: camsep-capture-delay [--seconds S] [--fps F] [--size WxH ...]\n");
            return 1;
        }
    }
    if (!(seconds > 0.5) || !(fps > 0)) {
        fprintf(stderr, "camsep-capture-delay: --seconds > 0.5 and --fps > 0\n");
        return 1;
    }
    if (!n_cases) {
        cases[n_cases++] = (size_case){640, 480};
        cases[n_cases++] = (size_case){1280, 720};
    }
    const char *tmp = getenv("TMPDIR");
    char dir[400];
    snprintf(dir, sizeof dir, "%s/camsep-delay-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    printf("camsep-capture (%s) paced Y4M, 2 players, read from another process\n", CAMSEP_CAPTURE_EXE);
    int rc = 0;
    for (int i = 0; i < n_cases; i++)
        rc |= run_case(dir, cases[i], fps, seconds);
    rmdir(dir);
    return rc ? 1 : 0;
}
