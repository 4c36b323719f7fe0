/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Camera controls by name (see v4l2_controls.h). */
#define _POSIX_C_SOURCE 200809L
#include "v4l2_controls.h"

#include <ctype.h>
#include <errno.h>
#include <linux/videodev2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONTROLS_SEEN 512 /* bound on the enumeration, against looping drivers */

static int xioctl(const camsep_v4l2_device *d, int fd, unsigned long request, void *arg)
{
    int r;
    do {
        r = d->ioctl(d->ctx, fd, request, arg);
    } while (r == -1 && errno == EINTR);
    return r;
}

/* v4l2-ctl's spelling of a driver's name: lower case, other characters one '_'. */
static void var_name(const char *name, char *out, size_t n)
{
    size_t k = 0;
    int sep = 0;
    for (const char *p = name; *p && k + 1 < n; p++) {
        if (isalnum((unsigned char)*p)) {
            if (sep && k > 0 && k + 2 < n)
                out[k++] = '_';
            out[k++] = (char)tolower((unsigned char)*p);
            sep = 0;
        } else {
            sep = 1;
        }
    }
    out[k] = '\0';
}

/* Equal ignoring case and everything that is not a letter or digit. */
static int same_name(const char *a, const char *b, size_t blen)
{
    size_t j = 0;
    for (;;) {
        while (*a && !isalnum((unsigned char)*a))
            a++;
        while (j < blen && b[j] && !isalnum((unsigned char)b[j]))
            j++;
        int ea = !*a, eb = j >= blen || !b[j];
        if (ea || eb)
            return ea && eb;
        if (tolower((unsigned char)*a) != tolower((unsigned char)b[j]))
            return 0;
        a++;
        j++;
    }
}

static const struct {
    const char *name;
    uint32_t id;
} aliases[] = {
    {"exposure_auto", V4L2_CID_EXPOSURE_AUTO},
    {"auto_exposure", V4L2_CID_EXPOSURE_AUTO},
    {"exposure_absolute", V4L2_CID_EXPOSURE_ABSOLUTE},
    {"exposure_time_absolute", V4L2_CID_EXPOSURE_ABSOLUTE},
    {"exposure_dynamic_framerate", V4L2_CID_EXPOSURE_AUTO_PRIORITY},
    {"exposure_auto_priority", V4L2_CID_EXPOSURE_AUTO_PRIORITY},
    {"power_line_frequency", V4L2_CID_POWER_LINE_FREQUENCY},
    {"white_balance_temperature_auto", V4L2_CID_AUTO_WHITE_BALANCE},
    {"white_balance_automatic", V4L2_CID_AUTO_WHITE_BALANCE},
    {"gain", V4L2_CID_GAIN},
};

int camsep_v4l2_control_check(const char *spec, char *err, size_t errlen)
{
    const char *eq = spec ? strchr(spec, '=') : NULL;
    if (!eq || eq == spec || !eq[1]) {
        snprintf(err, errlen, "camera control '%s': expected NAME=VALUE (e.g. exposure_auto=1)", spec ? spec : "");
        return -1;
    }
    if (strlen(spec) >= CAMSEP_V4L2_CONTROL_LEN) {
        snprintf(err, errlen, "camera control '%.40s...': too long", spec);
        return -1;
    }
    return 0;
}

static int parse_number(const char *s, size_t n, long long *v)
{
    char buf[40];
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    long long x = strtoll(buf, &end, 0);
    if (errno || *end || end == buf)
        return -1;
    *v = x;
    return 0;
}

/* Finds the control named (or numbered) by name[0..n). 0, or -1 with qc->id = 0. */
static int find_control(const camsep_v4l2_device *d, int fd, const char *name, size_t n, struct v4l2_queryctrl *qc)
{
    long long id;
    uint32_t want = 0;
    if (parse_number(name, n, &id) == 0 && id > 0 && id <= 0xffffffffLL)
        want = (uint32_t)id;
    for (size_t i = 0; !want && i < sizeof aliases / sizeof aliases[0]; i++)
        if (same_name(aliases[i].name, name, n))
            want = aliases[i].id;
    if (want) {
        memset(qc, 0, sizeof *qc);
        qc->id = want;
        if (xioctl(d, fd, VIDIOC_QUERYCTRL, qc) == 0 && !(qc->flags & V4L2_CTRL_FLAG_DISABLED))
            return 0;
    }
    uint32_t next = V4L2_CTRL_FLAG_NEXT_CTRL;
    for (int i = 0; i < MAX_CONTROLS_SEEN; i++) {
        memset(qc, 0, sizeof *qc);
        qc->id = next;
        if (xioctl(d, fd, VIDIOC_QUERYCTRL, qc) < 0)
            break;
        next = qc->id | V4L2_CTRL_FLAG_NEXT_CTRL;
        if ((qc->flags & V4L2_CTRL_FLAG_DISABLED) || qc->type == V4L2_CTRL_TYPE_CTRL_CLASS)
            continue;
        char var[64];
        var_name((const char *)qc->name, var, sizeof var);
        if (same_name(var, name, n))
            return 0;
    }
    qc->id = 0;
    return -1;
}

/* The names of the device's settable controls, for an error message. */
static void control_names(const camsep_v4l2_device *d, int fd, char *out, size_t n)
{
    out[0] = '\0';
    uint32_t next = V4L2_CTRL_FLAG_NEXT_CTRL;
    size_t len = 0;
    for (int i = 0; i < MAX_CONTROLS_SEEN; i++) {
        struct v4l2_queryctrl qc;
        memset(&qc, 0, sizeof qc);
        qc.id = next;
        if (xioctl(d, fd, VIDIOC_QUERYCTRL, &qc) < 0)
            break;
        next = qc.id | V4L2_CTRL_FLAG_NEXT_CTRL;
        if ((qc.flags & (V4L2_CTRL_FLAG_DISABLED | V4L2_CTRL_FLAG_READ_ONLY)) ||
            qc.type == V4L2_CTRL_TYPE_CTRL_CLASS)
            continue;
        char var[64];
        var_name((const char *)qc.name, var, sizeof var);
        int w = snprintf(out + len, n - len, "%s%s", len ? ", " : "", var);
        if (w < 0 || (size_t)w >= n - len) {
            out[len] = '\0';
            break;
        }
        len += (size_t)w;
    }
    if (!out[0])
        snprintf(out, n, "none");
}

/* A menu item's index by its name; -1 if none has it. */
static int menu_index(const camsep_v4l2_device *d, int fd, const struct v4l2_queryctrl *qc, const char *text)
{
    for (int i = qc->minimum; i <= qc->maximum && i - qc->minimum < 64; i++) {
        struct v4l2_querymenu m;
        memset(&m, 0, sizeof m);
        m.id = qc->id;
        m.index = (uint32_t)i;
        if (xioctl(d, fd, VIDIOC_QUERYMENU, &m) == 0 && same_name(text, (const char *)m.name, sizeof m.name))
            return i;
    }
    return -1;
}

static int apply_one(const camsep_v4l2_device *d, int fd, const char *spec, char *err, size_t errlen)
{
    if (camsep_v4l2_control_check(spec, err, errlen) != 0)
        return -1;
    const char *eq = strchr(spec, '=');
    size_t nlen = (size_t)(eq - spec);
    const char *text = eq + 1;
    struct v4l2_queryctrl qc;
    if (find_control(d, fd, spec, nlen, &qc) != 0) {
        char names[400];
        control_names(d, fd, names, sizeof names);
        snprintf(err, errlen, "camera control '%.*s': the camera has no such control (it has: %s)", (int)nlen, spec,
                 names);
        return -1;
    }
    char var[64];
    var_name((const char *)qc.name, var, sizeof var);
    if (qc.flags & V4L2_CTRL_FLAG_READ_ONLY) {
        snprintf(err, errlen, "camera control %s: read-only", var);
        return -1;
    }
    if (qc.type != V4L2_CTRL_TYPE_INTEGER && qc.type != V4L2_CTRL_TYPE_BOOLEAN && qc.type != V4L2_CTRL_TYPE_MENU &&
        qc.type != V4L2_CTRL_TYPE_INTEGER_MENU && qc.type != V4L2_CTRL_TYPE_BUTTON) {
        snprintf(err, errlen, "camera control %s: its type (%u) cannot be set from the command line", var,
                 (unsigned)qc.type);
        return -1;
    }
    long long v;
    if (parse_number(text, strlen(text), &v) != 0) {
        int m = -1;
        if (qc.type == V4L2_CTRL_TYPE_MENU)
            m = menu_index(d, fd, &qc, text);
        else if (qc.type == V4L2_CTRL_TYPE_BOOLEAN)
            m = same_name("true", text, 8) || same_name("on", text, 8)     ? 1
                : same_name("false", text, 8) || same_name("off", text, 8) ? 0
                                                                            : -1;
        if (m < 0) {
            snprintf(err, errlen, "camera control %s: '%s' is not a number%s", var, text,
                     qc.type == V4L2_CTRL_TYPE_MENU ? " nor one of its menu items" : "");
            return -1;
        }
        v = m;
    }
    if (v < qc.minimum || v > qc.maximum) {
        snprintf(err, errlen, "camera control %s=%lld: out of range %d..%d", var, v, qc.minimum, qc.maximum);
        return -1;
    }
    if (qc.type == V4L2_CTRL_TYPE_MENU || qc.type == V4L2_CTRL_TYPE_INTEGER_MENU) {
        struct v4l2_querymenu m;
        memset(&m, 0, sizeof m);
        m.id = qc.id;
        m.index = (uint32_t)v;
        if (xioctl(d, fd, VIDIOC_QUERYMENU, &m) < 0) {
            snprintf(err, errlen, "camera control %s=%lld: not one of its menu items", var, v);
            return -1;
        }
    }
    struct v4l2_control c = {.id = qc.id, .value = (int32_t)v};
    if (xioctl(d, fd, VIDIOC_S_CTRL, &c) < 0) {
        int e = errno;
        const char *hint = "";
        if (e == EACCES || e == EBUSY || e == EIO)
            hint = qc.id == V4L2_CID_EXPOSURE_ABSOLUTE
                       ? " (set exposure_auto=1, manual, before it)"
                       : (qc.flags & V4L2_CTRL_FLAG_INACTIVE) ? " (inactive: an automatic mode governs it)" : "";
        snprintf(err, errlen, "camera control %s=%lld: the driver refused it: %s%s", var, v, strerror(e), hint);
        return -1;
    }
    return 0;
}

int camsep_v4l2_apply_controls(const camsep_v4l2_device *d, int fd, const char (*specs)[CAMSEP_V4L2_CONTROL_LEN],
                               int n, char *err, size_t errlen)
{
    for (int i = 0; i < n; i++)
        if (apply_one(d, fd, specs[i], err, errlen) != 0)
            return -1;
    return 0;
}

void camsep_v4l2_print_controls(const camsep_v4l2_device *d, int fd, const char *indent, FILE *out)
{
    uint32_t next = V4L2_CTRL_FLAG_NEXT_CTRL;
    for (int i = 0; i < MAX_CONTROLS_SEEN; i++) {
        struct v4l2_queryctrl qc;
        memset(&qc, 0, sizeof qc);
        qc.id = next;
        if (xioctl(d, fd, VIDIOC_QUERYCTRL, &qc) < 0)
            break;
        next = qc.id | V4L2_CTRL_FLAG_NEXT_CTRL;
        if ((qc.flags & V4L2_CTRL_FLAG_DISABLED) || qc.type == V4L2_CTRL_TYPE_CTRL_CLASS)
            continue;
        char var[64];
        var_name((const char *)qc.name, var, sizeof var);
        struct v4l2_control c = {.id = qc.id};
        int have = xioctl(d, fd, VIDIOC_G_CTRL, &c) == 0;
        fprintf(out, "%s%s (0x%08x) %d..%d", indent, var, qc.id, qc.minimum, qc.maximum);
        if (have)
            fprintf(out, " = %d", c.value);
        if (qc.type == V4L2_CTRL_TYPE_MENU) {
            fputs(" [", out);
            int first = 1;
            for (int k = qc.minimum; k <= qc.maximum && k - qc.minimum < 64; k++) {
                struct v4l2_querymenu m;
                memset(&m, 0, sizeof m);
                m.id = qc.id;
                m.index = (uint32_t)k;
                if (xioctl(d, fd, VIDIOC_QUERYMENU, &m) == 0) {
                    char mv[40];
                    var_name((const char *)m.name, mv, sizeof mv);
                    fprintf(out, "%s%d %s", first ? "" : ", ", k, mv);
                    first = 0;
                }
            }
            fputs("]", out);
        }
        fprintf(out, "%s%s\n", (qc.flags & V4L2_CTRL_FLAG_READ_ONLY) ? " read-only" : "",
                (qc.flags & V4L2_CTRL_FLAG_INACTIVE) ? " inactive" : "");
    }
}
