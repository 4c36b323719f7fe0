/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cameras' listings: --list-devices and one camera's details (see v4l2_source.h). */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* realpath */
#include "v4l2_source.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mjpeg_decoder.h"
#include "v4l2_internal.h"

/* ---- listing ---------------------------------------------------------------------------------- */

/* What camsep would choose without a request, as "MJPG 1280x720 30 fps (analysed at 640x360)". */
static void print_choice(const camsep_v4l2_device *d, int fd, const char *prefix, FILE *out)
{
    camsep_v4l2_request def;
    memset(&def, 0, sizeof def);
    char why[320];
    choice c;
    if (cam_negotiate(d, fd, &def, &c, why, sizeof why) != 0) {
        fprintf(out, "%snot usable: %s\n", prefix, why);
        return;
    }
    char name[12], rate[32] = "", reduced[48] = "";
    cam_fourcc_name(c.fmt->fourcc, name);
    if (c.fps > 0) {
        char r[16];
        cam_format_rate(c.fps, r, sizeof r);
        snprintf(rate, sizeof rate, " %s fps", r);
    }
    if (c.fmt->kind == CONV_MJPEG) {
        int k = camsep_mjpeg_eighths((int)c.width, DEFAULT_MJPEG_WIDTH);
        if (k < 8)
            snprintf(reduced, sizeof reduced, " (analysed at %dx%d)", camsep_mjpeg_scaled((int)c.width, k),
                     camsep_mjpeg_scaled((int)c.height, k));
    }
    fprintf(out, "%s%s %ux%u%s%s%s%s\n", prefix, name, c.width, c.height, rate, reduced,
            c.emulated ? " (libv4l2 conversion)" : "", c.rate_ok ? "" : " (below 25 fps: a slow camera)");
}

/* The frame rates of one size, as ": 30, 15 fps" (empty when the driver does not list them). */
static void rates_text(const camsep_v4l2_device *d, int fd, uint32_t fourcc, uint32_t w, uint32_t h, char *line,
                       size_t n)
{
    line[0] = '\0';
    for (uint32_t i = 0; i < MAX_ENUM; i++) {
        struct v4l2_frmivalenum fi;
        if (cam_enum_interval(d, fd, fourcc, w, h, i, &fi) < 0)
            break;
        char r[16], r2[16];
        if (fi.type == V4L2_FRMIVAL_TYPE_DISCRETE) {
            if (!fi.discrete.numerator)
                continue;
            cam_format_rate((double)fi.discrete.denominator / fi.discrete.numerator, r, sizeof r);
            cam_append(line, n, line[0] ? ", " : ": ");
            cam_append(line, n, r);
        } else {
            if (!fi.stepwise.min.numerator || !fi.stepwise.max.numerator)
                break;
            cam_format_rate((double)fi.stepwise.max.denominator / fi.stepwise.max.numerator, r, sizeof r);
            cam_format_rate((double)fi.stepwise.min.denominator / fi.stepwise.min.numerator, r2, sizeof r2);
            snprintf(line, n, ": %s to %s (%s)", r, r2,
                     fi.type == V4L2_FRMIVAL_TYPE_CONTINUOUS ? "continuous" : "stepwise");
            break;
        }
    }
    if (line[0])
        cam_append(line, n, " fps");
}

static void list_sizes(const camsep_v4l2_device *d, int fd, uint32_t fourcc, FILE *out)
{
    char rates[256];
    for (uint32_t i = 0; i < MAX_ENUM; i++) {
        struct v4l2_frmsizeenum fs;
        if (cam_enum_size(d, fd, fourcc, i, &fs) < 0) {
            if (i == 0)
                fprintf(out, "    (frame sizes not listed by the driver)\n");
            return;
        }
        if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
            rates_text(d, fd, fourcc, fs.discrete.width, fs.discrete.height, rates, sizeof rates);
            fprintf(out, "    %ux%u%s\n", fs.discrete.width, fs.discrete.height, rates);
        } else {
            const struct v4l2_frmsize_stepwise *sw = &fs.stepwise;
            if (fs.type == V4L2_FRMSIZE_TYPE_CONTINUOUS)
                fprintf(out, "    %ux%u to %ux%u (continuous)\n", sw->min_width, sw->min_height, sw->max_width,
                        sw->max_height);
            else
                fprintf(out, "    %ux%u to %ux%u, step %ux%u\n", sw->min_width, sw->min_height, sw->max_width,
                        sw->max_height, sw->step_width, sw->step_height);
            rates_text(d, fd, fourcc, sw->min_width, sw->min_height, rates, sizeof rates);
            if (rates[0])
                fprintf(out, "    at %ux%u%s\n", sw->min_width, sw->min_height, rates);
            rates_text(d, fd, fourcc, sw->max_width, sw->max_height, rates, sizeof rates);
            if (rates[0])
                fprintf(out, "    at %ux%u%s\n", sw->max_width, sw->max_height, rates);
            return;
        }
    }
}

int camsep_v4l2_list(const camsep_v4l2_device *dev, const char *path, FILE *out)
{
    const camsep_v4l2_device *d = dev ? dev : camsep_v4l2_system_device();
    char why[320];
    int fd = cam_open_fd(d, path, why, sizeof why);
    if (fd < 0) {
        fprintf(out, "%s: %s\n", path, why);
        return -1;
    }
    struct v4l2_capability cap;
    memset(&cap, 0, sizeof cap);
    if (cam_xioctl(d, fd, VIDIOC_QUERYCAP, &cap) < 0) {
        char ebuf[96];
        fprintf(out, "%s: not a V4L2 device (VIDIOC_QUERYCAP: %s)\n", path, cam_errno_text(errno, ebuf, sizeof ebuf));
        d->close(d->ctx, fd);
        return -1;
    }
    uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    fprintf(out, "%s: %.32s (driver %.16s, bus %.32s)\n", path, (const char *)cap.card, (const char *)cap.driver,
            (const char *)cap.bus_info);
    fprintf(out, "  capabilities:%s%s%s%s%s\n", (caps & V4L2_CAP_VIDEO_CAPTURE) ? " video-capture" : "",
            (caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE) ? " video-capture-mplane" : "",
            (caps & V4L2_CAP_META_CAPTURE) ? " metadata-capture" : "",
            (caps & V4L2_CAP_STREAMING) ? " streaming" : "", (caps & V4L2_CAP_READWRITE) ? " read/write" : "");
    if (cam_check_caps(d, fd, &cap, why, sizeof why) != 0) {
        fprintf(out, "  not usable: %s\n", why);
        d->close(d->ctx, fd);
        return 0;
    }
    for (uint32_t i = 0; i < MAX_ENUM; i++) {
        struct v4l2_fmtdesc f;
        if (cam_enum_format(d, fd, i, &f) < 0)
            break;
        char name[12];
        cam_fourcc_name(f.pixelformat, name);
        fprintf(out, "  %-4s %.32s%s%s%s\n", name, (const char *)f.description,
                (f.flags & V4L2_FMT_FLAG_COMPRESSED) ? " [compressed]" : "",
                (f.flags & V4L2_FMT_FLAG_EMULATED) ? " [libv4l2 conversion]" : "",
                cam_find_format(f.pixelformat) ? "" : " [not usable by camsep]");
        list_sizes(d, fd, f.pixelformat, out);
    }
    print_choice(d, fd, "  default choice: ", out);
    fprintf(out, "  controls (--camera-control NAME=VALUE):\n");
    camsep_v4l2_print_controls(d, fd, "    ", out);
    d->close(d->ctx, fd);
    return 0;
}

/* Video node numbers under dir, sorted; returns how many (at most cap). */
static int scan_nodes(const char *dir, int *nums, int cap)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL && n < cap) {
        const char *name = de->d_name;
        if (strncmp(name, "video", 5) != 0 || name[5] < '0' || name[5] > '9')
            continue;
        char *end;
        long v = strtol(name + 5, &end, 10);
        if (*end || v < 0 || v > 99999)
            continue;
        int i = n++;
        while (i > 0 && nums[i - 1] > v) {
            nums[i] = nums[i - 1];
            i--;
        }
        nums[i] = (int)v;
    }
    closedir(dp);
    return n;
}

/* The links in dir/v4l/by-id and dir/v4l/by-path that resolve to node, each printed as "  name". */
static void print_stable_names(const char *dir, const char *node, FILE *out)
{
    char real_node[PATH_MAX];
    if (!realpath(node, real_node))
        return;
    const char *subdirs[] = {"v4l/by-id", "v4l/by-path"};
    for (int k = 0; k < 2; k++) {
        char sub[PATH_CAP];
        snprintf(sub, sizeof sub, "%s/%s", dir, subdirs[k]);
        DIR *dp = opendir(sub);
        if (!dp)
            continue;
        struct dirent *de;
        while ((de = readdir(dp)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            char link[PATH_CAP + 256], real_link[PATH_MAX];
            snprintf(link, sizeof link, "%s/%s", sub, de->d_name);
            if (realpath(link, real_link) && !strcmp(real_link, real_node))
                fprintf(out, "  %s\n", link);
        }
        closedir(dp);
    }
}

/* The highest rate of one format and size (0: not listed). */
static double top_rate(const camsep_v4l2_device *d, int fd, uint32_t fourcc, uint32_t w, uint32_t h)
{
    double best = 0;
    for (uint32_t i = 0; i < MAX_ENUM; i++) {
        struct v4l2_frmivalenum fi;
        if (cam_enum_interval(d, fd, fourcc, w, h, i, &fi) < 0)
            break;
        const struct v4l2_fract *iv = fi.type == V4L2_FRMIVAL_TYPE_DISCRETE ? &fi.discrete : &fi.stepwise.min;
        if (iv->numerator && iv->denominator && (double)iv->denominator / iv->numerator > best)
            best = (double)iv->denominator / iv->numerator;
        if (fi.type != V4L2_FRMIVAL_TYPE_DISCRETE)
            break;
    }
    return best;
}

/* One line per format: each size with its best rate. */
static void print_format_summary(const camsep_v4l2_device *d, int fd, FILE *out)
{
    for (uint32_t i = 0; i < MAX_ENUM; i++) {
        struct v4l2_fmtdesc f;
        if (cam_enum_format(d, fd, i, &f) < 0)
            break;
        char name[12], line[400] = "";
        cam_fourcc_name(f.pixelformat, name);
        for (uint32_t k = 0; k < MAX_ENUM; k++) {
            struct v4l2_frmsizeenum fs;
            if (cam_enum_size(d, fd, f.pixelformat, k, &fs) < 0)
                break;
            uint32_t w = fs.type == V4L2_FRMSIZE_TYPE_DISCRETE ? fs.discrete.width : fs.stepwise.max_width;
            uint32_t h = fs.type == V4L2_FRMSIZE_TYPE_DISCRETE ? fs.discrete.height : fs.stepwise.max_height;
            char item[64], r[16];
            double fps = top_rate(d, fd, f.pixelformat, w, h);
            cam_format_rate(fps, r, sizeof r);
            snprintf(item, sizeof item, "%s%s%ux%u%s%s%s", line[0] ? ", " : "",
                     fs.type == V4L2_FRMSIZE_TYPE_DISCRETE ? "" : "up to ", w, h, fps > 0 ? " " : "",
                     fps > 0 ? r : "", fps > 0 ? " fps" : "");
            cam_append(line, sizeof line, item);
            if (fs.type != V4L2_FRMSIZE_TYPE_DISCRETE)
                break;
        }
        fprintf(out, "    %-4s%s%s %s\n", name, (f.flags & V4L2_FMT_FLAG_EMULATED) ? " (libv4l2)" : "",
                cam_find_format(f.pixelformat) ? ":" : " (not usable):", line[0] ? line : "sizes not listed");
    }
}

int camsep_v4l2_list_devices(const camsep_v4l2_device *dev, const char *dir, FILE *out)
{
    const camsep_v4l2_device *d = dev ? dev : camsep_v4l2_system_device();
    if (!dir)
        dir = "/dev";
    int nums[256];
    int n = scan_nodes(dir, nums, 256);
    if (n < 0) {
        char ebuf[96];
        fprintf(out, "cannot read %s: %s\n", dir, cam_errno_text(errno, ebuf, sizeof ebuf));
        return -1;
    }
    int found = 0, closed = 0;
    for (int i = 0; i < n; i++) {
        char node[PATH_CAP], why[320];
        snprintf(node, sizeof node, "%s/video%d", dir, nums[i]);
        int fd = cam_open_fd(d, node, why, sizeof why);
        if (fd < 0) {
            if (errno != ENOENT) {
                fprintf(out, "%s: %s\n", node, why);
                print_stable_names(dir, node, out);
                closed++;
            }
            continue;
        }
        struct v4l2_capability cap;
        if (cam_check_caps(d, fd, &cap, why, sizeof why) == 0) {
            found++;
            fprintf(out, "%s: %.32s (driver %.16s, bus %.32s)\n", node, (const char *)cap.card,
                    (const char *)cap.driver, (const char *)cap.bus_info);
            print_stable_names(dir, node, out);
            print_format_summary(d, fd, out);
            print_choice(d, fd, "    camsep would use: ", out);
        }
        d->close(d->ctx, fd);
    }
    if (!found)
        fprintf(out, "no video capture devices%s under %s%s\n", closed ? " that can be opened" : "", dir,
                closed ? " (see above: is the user in the 'video' group? `sudo usermod -aG video $USER`, then "
                         "log in again)"
                       : "");
    if (found)
        fprintf(out, "(give a camera by its %s/v4l/by-id path: it survives a replug; --list-devices --source PATH "
                     "lists a camera's sizes, rates and controls)\n",
                dir);
    return found;
}

int camsep_v4l2_list_cameras(const camsep_v4l2_device *dev, const char *dir, const char *source, FILE *out)
{
    int n = camsep_v4l2_list_devices(dev, dir, out);
    struct stat st;
    if (source && strcmp(source, "auto") && stat(source, &st) == 0 && S_ISCHR(st.st_mode)) {
        fprintf(out, "\n");
        if (camsep_v4l2_list(dev, source, out))
            return -1;
    }
    return n < 0 ? -1 : 0;
}

/* The first video capture node under dir. */
static int first_device(const camsep_v4l2_device *dev, const char *dir, char *path, size_t pathlen)
{
    const camsep_v4l2_device *d = dev ? dev : camsep_v4l2_system_device();
    if (!dir)
        dir = "/dev";
    int nums[256];
    int n = scan_nodes(dir, nums, 256);
    for (int i = 0; i < n; i++) {
        char node[PATH_CAP], why[320];
        snprintf(node, sizeof node, "%s/video%d", dir, nums[i]);
        int fd = cam_open_fd(d, node, why, sizeof why);
        if (fd < 0)
            continue;
        struct v4l2_capability cap;
        int ok = cam_check_caps(d, fd, &cap, why, sizeof why) == 0;
        d->close(d->ctx, fd);
        if (ok) {
            snprintf(path, pathlen, "%s", node);
            return 0;
        }
    }
    return -1;
}

int camsep_v4l2_first_device(const camsep_v4l2_device *dev, const char *dir, char *path, size_t pathlen)
{
    if (!path || pathlen == 0)
        return -1;
    return first_device(dev, dir, path, pathlen);
}
