/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Configuration of the standalone hosts: one option table for the command
 * line and the config file (see host_config.h). */
#include "host_config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "port_regex.h"
#include "soundcheck.h"
#include "video_priors.h"

/* ---- the C locale for numbers, whatever LC_NUMERIC the process has ---- */

static locale_t c_locale(void)
{
    static locale_t loc;
    if (!loc)
        loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    return loc;
}

typedef struct locale_guard {
    locale_t old;
} locale_guard;

static locale_guard locale_enter(void)
{
    locale_guard g = {(locale_t)0};
    if (c_locale())
        g.old = uselocale(c_locale());
    return g;
}

static void locale_leave(locale_guard g)
{
    if (g.old)
        uselocale(g.old);
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int copy_str(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

/* ---- value parsers: 0, or -1 with a reason (without the key) ---- */

static int parse_int(const char *v, long lo, long hi, int *out, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi)
        return fail(err, errlen, "'%s' is not a whole number within %ld..%ld", v, lo, hi);
    *out = (int)x;
    return 0;
}

static int parse_double(const char *v, double lo, double hi, double *out, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v || *end || !isfinite(x) || x < lo || x > hi)
        return fail(err, errlen, "'%s' is not a number within %g..%g", v, lo, hi);
    *out = x;
    return 0;
}

static int parse_float(const char *v, double lo, double hi, float *out, char *err, size_t errlen)
{
    double x;
    if (parse_double(v, lo, hi, &x, err, errlen))
        return -1;
    *out = (float)x;
    return 0;
}

static int parse_bool(const char *v, int *out, char *err, size_t errlen)
{
    static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (!strcmp(v, yes[i]))
            return *out = 1, 0;
        if (!strcmp(v, no[i]))
            return *out = 0, 0;
    }
    return fail(err, errlen, "'%s' is not true or false", v);
}

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= HOST_NAME_LEN)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '-' || *s == '.'))
            return 0;
    return 1;
}

/* A value names a dictionary file (not a bundled instrument) when it has a
 * slash or the .dict extension. */
static int is_path(const char *v)
{
    size_t n = strlen(v);
    return strchr(v, '/') || (n > 5 && !strcmp(v + n - 5, ".dict"));
}

/* ---- the option table ---- */

typedef enum { SCOPE_GLOBAL, SCOPE_PLAYER, SCOPE_CLI } opt_scope;

typedef struct parse_ctx {
    host_config *c;
    host_player *player; /* the current player (file section, or the last --player) */
    int from_file;
} parse_ctx;

typedef int (*opt_setter)(parse_ctx *x, const char *v, char *err, size_t errlen);

typedef struct opt {
    const char *name;
    char short_name;
    opt_scope scope;
    int hosts;
    int flag;          /* on the command line: takes no value (sets true) */
    int repeat;        /* may be given more than once in one file section */
    const char *arg;   /* for the usage text */
    const char *help;
    opt_setter set;    /* NULL: --config, or a query the program answers and exits (--osc-doc) */
} opt;

#define SETTER(fn) static int fn(parse_ctx *x, const char *v, char *err, size_t errlen)

SETTER(set_fft) { return parse_int(v, 64, 16384, &x->c->fft, err, errlen); }
SETTER(set_latency) { return parse_int(v, 2, 16384, &x->c->latency, err, errlen); }
SETTER(set_hop) { return parse_int(v, 0, 8192, &x->c->hop, err, errlen); }
SETTER(set_iterations) { return parse_int(v, 1, 200, &x->c->params.iterations, err, errlen); }
SETTER(set_warm) { return parse_float(v, 0, 1, &x->c->params.warm_start, err, errlen); }
SETTER(set_mask_power) { return parse_float(v, 0.5, 4, &x->c->params.mask_power, err, errlen); }
SETTER(set_prior_strength) { return parse_float(v, 0, 1000, &x->c->params.activity_strength, err, errlen); }
SETTER(set_regression) { return parse_float(v, 0, 1000, &x->c->params.regression_strength, err, errlen); }
SETTER(set_smoothness) { return parse_float(v, 0, 1000, &x->c->params.smoothness, err, errlen); }
SETTER(set_prior_timeout) { return parse_float(v, 0.01, 60, &x->c->params.prior_timeout_s, err, errlen); }
SETTER(set_trust_memory) { return parse_float(v, 0, 600, &x->c->params.trust_memory_s, err, errlen); }
SETTER(set_split_strength) { return parse_float(v, 0, 1, &x->c->params.split_strength, err, errlen); }
SETTER(set_rest_gate) { return parse_float(v, 0, 1, &x->c->params.rest_gate, err, errlen); }
SETTER(set_share_strength)
{
    return parse_float(v, 0, 1, &x->c->params.share_strength, err, errlen);
}
SETTER(set_gain_smoothing) { return parse_float(v, 0, 1, &x->c->params.gain_smoothing_s, err, errlen); }
SETTER(set_bypass) { return parse_bool(v, &x->c->bypass, err, errlen); }
SETTER(set_other) { return parse_bool(v, &x->c->other, err, errlen); }
SETTER(set_other_gain) { return parse_float(v, -120, 24, &x->c->other_gain_db, err, errlen); }
SETTER(set_other_mute) { return parse_bool(v, &x->c->other_mute, err, errlen); }
SETTER(set_loop) { return parse_bool(v, &x->c->loop, err, errlen); }
SETTER(set_camera_fps) { return parse_double(v, 0, 1000, &x->c->camera_fps, err, errlen); }
SETTER(set_camera_latency) { return parse_double(v, -10, 10, &x->c->camera_latency, err, errlen); }
SETTER(set_motion_knee)
{
    return parse_double(v, CAMSEP_MOTION_KNEE_MIN, CAMSEP_MOTION_KNEE_MAX, &x->c->motion_knee, err, errlen);
}
SETTER(set_status) { return parse_double(v, 0, 3600, &x->c->status_interval, err, errlen); }
SETTER(set_ui) { return parse_bool(v, &x->c->ui, err, errlen); } /* host_ui.h */
SETTER(set_no_connect) { return parse_bool(v, &x->c->no_connect, err, errlen); }
SETTER(set_input_channel) { return parse_int(v, 1, 256, &x->c->input_channel, err, errlen); }
SETTER(set_rate) { return parse_double(v, 0, 768000, &x->c->rate, err, errlen); }
SETTER(set_period) { return parse_int(v, 0, 16384, &x->c->period, err, errlen); }

/* Where a '#' would start a comment in a configuration file: the value's
 * start, or after white space. There a file writes it "\#". */
static int comment_position(const char *s, size_t i)
{
    return i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t';
}

/* Every text setting must come back the same from the file it is saved in
 * (a session's configuration): white space at either end would be trimmed,
 * a line break would end the line, and a "\#" where a '#' starts a comment
 * would be read as the '#' alone. */
static int set_string(char *dst, size_t size, const char *v, char *err, size_t errlen)
{
    const size_t n = strlen(v);
    if (n && (v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t'))
        return fail(err, errlen, "'%.40s' begins or ends with white space", v);
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)v[i] < 0x20 && v[i] != '\t')
            return fail(err, errlen, "'%.40s' holds a control character (a line break?)", v);
        if (v[i] == '\\' && v[i + 1] == '#' && comment_position(v, i))
            return fail(err, errlen, "'%.40s': a configuration file reads \\# there as #; write # instead", v);
    }
    if (copy_str(dst, size, v))
        return fail(err, errlen, "'%.40s...' is too long (at most %zu bytes)", v, size - 1);
    return 0;
}

/* A dictionary path from a file is relative to the file's directory. */
static int set_path(parse_ctx *x, char *dst, const char *v, char *err, size_t errlen)
{
    if (!*v)
        return fail(err, errlen, "empty path");
    if (x->from_file && v[0] != '/' && x->c->base_dir[0]) {
        char joined[HOST_PATH_LEN * 2];
        snprintf(joined, sizeof joined, "%s/%s", x->c->base_dir, v);
        return set_string(dst, HOST_PATH_LEN, joined, err, errlen);
    }
    return set_string(dst, HOST_PATH_LEN, v, err, errlen);
}

SETTER(set_other_dict) { return set_path(x, x->c->other_dictionary, v, err, errlen); }
SETTER(set_video) { return set_string(x->c->video, sizeof x->c->video, v, err, errlen); }
SETTER(set_name) { return valid_name(v) ? set_string(x->c->jack_name, sizeof x->c->jack_name, v, err, errlen)
                                        : fail(err, errlen, "'%s' is not a name of [A-Za-z0-9_.-]", v); }
SETTER(set_input_match) /* host_config.h: a POSIX extended regex */
{
    const char *why = port_regex_problem(v);
    if (why)
        return fail(err, errlen, "'%s' %s", v, why);
    return set_string(x->c->input_match, sizeof x->c->input_match, v, err, errlen);
}
SETTER(set_server) { return set_string(x->c->jack_server, sizeof x->c->jack_server, v, err, errlen); }
SETTER(set_device) { return set_string(x->c->device, sizeof x->c->device, v, err, errlen); }
SETTER(set_input_device) { return set_string(x->c->input_device, sizeof x->c->input_device, v, err, errlen); }

SETTER(set_camera_size)
{
    int w, h;
    char tail;
    if (!strcmp(v, "0") || !strcmp(v, "auto"))
        return x->c->camera_width = x->c->camera_height = 0, 0;
    if (sscanf(v, "%dx%d%c", &w, &h, &tail) != 2 || w < 16 || h < 16 || w > 8192 || h > 8192)
        return fail(err, errlen, "'%s' is not WxH within 16..8192 (or auto)", v);
    x->c->camera_width = w;
    x->c->camera_height = h;
    return 0;
}

SETTER(set_connect)
{
    const char *eq = strchr(v, '=');
    if (!eq || eq == v || !eq[1])
        return fail(err, errlen, "'%s' is not STEM=PORT (STEM: in, a player or other)", v);
    host_config *c = x->c;
    if (c->n_connect == HOST_MAX_CONNECT)
        return fail(err, errlen, "at most %d connections", HOST_MAX_CONNECT);
    host_connect *k = &c->connect[c->n_connect];
    size_t n = (size_t)(eq - v);
    if (n >= sizeof k->from)
        return fail(err, errlen, "'%s': stem name too long", v);
    memcpy(k->from, v, n);
    k->from[n] = 0;
    if (set_string(k->port, sizeof k->port, eq + 1, err, errlen))
        return -1;
    c->n_connect++;
    return 0;
}

/* Player keys. */
SETTER(set_instrument)
{
    if (!valid_name(v))
        return fail(err, errlen, "'%s' is not an instrument name (see the bundled dictionaries)", v);
    x->player->dictionary[0] = 0;
    return set_string(x->player->instrument, sizeof x->player->instrument, v, err, errlen);
}

SETTER(set_dictionary)
{
    x->player->instrument[0] = 0;
    return set_path(x, x->player->dictionary, v, err, errlen);
}

SETTER(set_box)
{
    if (camsep_box_parse(v, &x->player->box) || x->player->box.x < 0 || x->player->box.y < 0)
        return fail(err, errlen, "'%s' is not X,Y,W,H (pixels, non-negative, positive size, at most %.0f)", v,
                    CAMSEP_BOX_MAX_PIXELS);
    x->player->has_box = 1;
    return 0;
}

SETTER(set_gain) { return parse_float(v, -120, 24, &x->player->gain_db, err, errlen); }

/* A display name: 1..63 bytes, no control characters, no leading or
 * trailing space, no " #" (OSC /player/N/name). */
int host_label_valid(const char *v)
{
    size_t n = strlen(v);
    if (n == 0 || n >= HOST_LABEL_LEN || v[0] == ' ' || v[n - 1] == ' ' || strstr(v, " #") || v[0] == '#')
        return 0; /* it must survive a config file round trip (trimmed, comments) */
    for (; *v; v++)
        if ((unsigned char)*v < 0x20 || *v == 0x7f)
            return 0;
    return 1;
}

SETTER(set_label)
{
    if (!host_label_valid(v))
        return fail(err, errlen, "'%s' is not a display name (1..%d bytes, no control characters)", v,
                    HOST_LABEL_LEN - 1);
    return set_string(x->player->label, sizeof x->player->label, v, err, errlen);
}

SETTER(set_osc_port)
{
    int port;
    if (!strcmp(v, "off") || !strcmp(v, "none"))
        return x->c->osc_port[0] = 0, 0;
    if (parse_int(v, 0, 65535, &port, err, errlen))
        return fail(err, errlen, "'%s' is not a port 0..65535 (0: any free port) or off", v);
    snprintf(x->c->osc_port, sizeof x->c->osc_port, "%d", port);
    return 0;
}

SETTER(set_osc_prefix)
{
    if (v[0] != '/' || strlen(v) >= sizeof x->c->osc_prefix || v[strlen(v) - 1] == '/')
        return fail(err, errlen, "'%s' is not an address prefix such as /camsep", v);
    return set_string(x->c->osc_prefix, sizeof x->c->osc_prefix, v, err, errlen);
}

SETTER(set_osc_no_tcp) { return parse_bool(v, &x->c->osc_no_tcp, err, errlen); }

SETTER(set_osc_feedback)
{
    host_config *c = x->c;
    if (strncmp(v, "osc.udp://", 10))
        return fail(err, errlen, "'%s' is not an osc.udp://HOST:PORT/ URL", v);
    for (int i = 0; i < c->n_osc_feedback; i++)
        if (!strcmp(c->osc_feedback[i], v))
            return 0;
    if (c->n_osc_feedback == HOST_MAX_OSC_FEEDBACK)
        return fail(err, errlen, "at most %d feedback targets", HOST_MAX_OSC_FEEDBACK);
    if (set_string(c->osc_feedback[c->n_osc_feedback], sizeof c->osc_feedback[0], v, err, errlen))
        return -1;
    c->n_osc_feedback++;
    return 0;
}

SETTER(set_camera_control)
{
    host_config *c = x->c;
    if (camsep_v4l2_control_check(v, err, errlen))
        return -1;
    if (c->n_camera_controls == CAMSEP_V4L2_MAX_CONTROLS)
        return fail(err, errlen, "at most %d camera controls", CAMSEP_V4L2_MAX_CONTROLS);
    return set_string(c->camera_control[c->n_camera_controls++], sizeof c->camera_control[0], v, err, errlen);
}

SETTER(set_preset_dir) { return set_path(x, x->c->preset_dir, v, err, errlen); }
SETTER(set_soundcheck) { return parse_double(v, 0, HOST_SC_MAX_SECONDS, &x->c->soundcheck_s, err, errlen); }
SETTER(set_soundcheck_dir) { return set_path(x, x->c->soundcheck_dir, v, err, errlen); }
SETTER(set_soundcheck_atoms) { return parse_int(v, 1, 64, &x->c->soundcheck_atoms, err, errlen); }
SETTER(set_soundcheck_iterations) { return parse_int(v, 1, 5000, &x->c->soundcheck_iterations, err, errlen); }
SETTER(set_soundcheck_transpose)
{
    if (strcmp(v, "auto") == 0) {
        x->c->soundcheck_transpose = CAMSEP_SOUNDCHECK_TRANSPOSE_AUTO;
        return 0;
    }
    return parse_int(v, 0, CAMSEP_SOUNDCHECK_MAX_TRANSPOSE, &x->c->soundcheck_transpose, err, errlen);
}
SETTER(set_mute) { return parse_bool(v, &x->player->mute, err, errlen); }
SETTER(set_solo) { return parse_bool(v, &x->player->solo, err, errlen); }

static int add_player(host_config *c, const char *name, char *err, size_t errlen)
{
    if (!valid_name(name))
        return fail(err, errlen, "player name '%s' must be 1..%d characters of [A-Za-z0-9_.-]", name,
                    HOST_NAME_LEN - 1);
    if (!strcmp(name, "in") || !strcmp(name, "other"))
        return fail(err, errlen, "player name '%s' is reserved", name);
    for (int i = 0; i < c->n_players; i++)
        if (!strcmp(c->players[i].name, name))
            return fail(err, errlen, "player '%s' is given twice", name);
    if (c->n_players == HOST_MAX_PLAYERS)
        return fail(err, errlen, "at most %d players", HOST_MAX_PLAYERS);
    host_player *p = &c->players[c->n_players++];
    memset(p, 0, sizeof *p);
    copy_str(p->name, sizeof p->name, name);
    return 0;
}

/* --player NAME[=INSTRUMENT|DICT.dict] */
SETTER(set_player)
{
    char name[HOST_NAME_LEN];
    const char *eq = strchr(v, '=');
    size_t n = eq ? (size_t)(eq - v) : strlen(v);
    if (n >= sizeof name)
        return fail(err, errlen, "player name in '%s' is too long", v);
    memcpy(name, v, n);
    name[n] = 0;
    if (add_player(x->c, name, err, errlen))
        return -1;
    x->player = &x->c->players[x->c->n_players - 1];
    if (eq)
        return is_path(eq + 1) ? set_dictionary(x, eq + 1, err, errlen) : set_instrument(x, eq + 1, err, errlen);
    return 0;
}

static const opt OPTIONS[] = {
    {"config", 'c', SCOPE_CLI, HOST_ANY, 0, 0, "FILE", "read settings from FILE first (see below)", NULL},
    {"player", 'p', SCOPE_CLI, HOST_ANY, 0, 0, "NAME[=INSTR]",
     "add a player; INSTR is a bundled instrument (default: NAME) or a .dict file", set_player},
    {"instrument", 0, SCOPE_PLAYER, HOST_ANY, 0, 0, "NAME", "the last player's bundled dictionary", set_instrument},
    {"dictionary", 0, SCOPE_PLAYER, HOST_ANY, 0, 0, "FILE", "the last player's dictionary file", set_dictionary},
    {"box", 0, SCOPE_PLAYER, HOST_ANY, 0, 0, "X,Y,W,H", "the last player's box in video pixels", set_box},
    {"gain", 0, SCOPE_PLAYER, HOST_ANY, 0, 0, "DB", "the last player's output gain (default 0)", set_gain},
    {"mute", 0, SCOPE_PLAYER, HOST_ANY, 1, 0, NULL, "mute the last player", set_mute},
    {"label", 0, SCOPE_PLAYER, HOST_ANY, 0, 0, "TEXT", "the last player's display name (OSC /player/N/name)",
     set_label},
    {"solo", 0, SCOPE_PLAYER, HOST_ANY, 1, 0, NULL, "solo the last player", set_solo},
    {"other", 0, SCOPE_GLOBAL, HOST_ANY, 1, 0, NULL, "add an 'other' stem for what no player explains", set_other},
    {"other-dictionary", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "FILE", "its dictionary (default: bundled other)",
     set_other_dict},
    {"other-gain", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "DB", "its gain (default 0)", set_other_gain},
    {"other-mute", 0, SCOPE_GLOBAL, HOST_ANY, 1, 0, NULL, "mute it", set_other_mute},
    {"fft", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "K", "analysis window and FFT size (default 2048)", set_fft},
    {"latency", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "L",
     "stem delay in samples, even, up to K (default 1024; 512 is 10.7 ms at 48 kHz)", set_latency},
    {"hop", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "R", "hop (default L/2)", set_hop},
    {"iterations", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "I", "NMF updates per frame (default 10)", set_iterations},
    {"warm-start", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "W", "previous frame's share in the start (0.1)", set_warm},
    {"mask-power", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "P", "soft-mask exponent (default 2)", set_mask_power},
    {"prior-strength", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "G", "camera activity prior weight (default 0.3)",
     set_prior_strength},
    {"regression-strength", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "L", "cross-modal regression weight (default 0)",
     set_regression},
    {"smoothness", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "S", "temporal smoothness weight (default 0.015)", set_smoothness},
    {"prior-timeout", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "S", "camera priors older than S are ignored (0.5)",
     set_prior_timeout},
    {"trust-memory", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "S",
     "weigh each player's camera prior by how well it followed their sound over about S s (default 4; "
     "0 = believe the camera fully)",
     set_trust_memory},
    {"split-strength", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "W",
     "split players who share one dictionary by their motion, where it follows their sound, 0..1 (default 1; "
     "0 = off)",
     set_split_strength},
    {"rest-gate", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "D",
     "gate the stem of a player the camera sees resting, while the camera is measured in time with the sound, "
     "0..1 (default 1; 0 = off)",
     set_rest_gate},
    {"share-strength", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "K",
     "weigh each player in the masks towards the share of the sound their graded motion predicts, where it "
     "has followed their sound, 0..1 (default 1: all the way; 0 = off)",
     set_share_strength},
    {"gain-smoothing", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "S", "gain change time constant (default 0.01)",
     set_gain_smoothing},
    {"bypass", 0, SCOPE_GLOBAL, HOST_ANY, 1, 0, NULL, "start bypassed (the delayed mix, split evenly)", set_bypass},
    {"video", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "SRC", "camera: auto, /dev/videoN, FILE.y4m or - (stdin)", set_video},
    {"camera-size", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "WxH", "wanted camera size (default: about 640x480 at >= 25 fps)",
     set_camera_size},
    {"camera-fps", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "F", "wanted camera rate (default: 30, or the nearest >= 25)",
     set_camera_fps},
    {"camera-control", 0, SCOPE_GLOBAL, HOST_ANY, 0, 1, "NAME=VALUE",
     "camera control set at every open, e.g. exposure_auto=1 (repeat; capture/README.md)", set_camera_control},
    {"list-devices", 0, SCOPE_CLI, HOST_ANY, 1, 0, NULL,
     "list the cameras (by-id paths, formats, best rates; camsep-portaudio: the audio devices first) and exit", NULL},
    {"loop", 0, SCOPE_GLOBAL, HOST_ANY, 1, 0, NULL, "loop a Y4M file (rehearsal)", set_loop},
    {"camera-latency", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "S", "the camera shows events S s late (default 0)",
     set_camera_latency},
    {"motion-knee", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "K",
     "share of a player's usual motion read as fully playing (0.1..2, default 0.5; 1 grades the prior "
     "by motion: calm stages)",
     set_motion_knee},
    {"status-interval", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "S", "status line every S s (default 1, 0 = none)",
     set_status},
    {"ui", 0, SCOPE_GLOBAL, HOST_ANY, 1, 0, NULL, "open the window: camera, boxes, meters (host_ui.h)", set_ui},
    {"osc-port", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "PORT",
     "OSC control on UDP and TCP PORT (default off; 7711 is usual; 0 = any free port)", set_osc_port},
    {"osc-prefix", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "PREFIX", "OSC address prefix (default /camsep)", set_osc_prefix},
    {"osc-feedback", 0, SCOPE_GLOBAL, HOST_ANY, 0, 1, "URL",
     "permanent OSC feedback target osc.udp://HOST:PORT/ (state and 10 Hz meters; repeat)", set_osc_feedback},
    {"osc-no-tcp", 0, SCOPE_GLOBAL, HOST_ANY, 1, 0, NULL, "OSC over UDP only", set_osc_no_tcp},
    {"osc-doc", 0, SCOPE_CLI, HOST_ANY, 1, 0, NULL, "print the OSC address space and exit", NULL},
    {"preset-dir", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "DIR",
     "OSC presets directory (default: SESSION.presets / CONFIG.presets)", set_preset_dir},
    {"soundcheck", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "S",
     "a sound check of S seconds at start (the camera says who plays; max 120)", set_soundcheck},
    {"soundcheck-dir", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "DIR",
     "sound-check dictionaries (default: next to the session / config file)", set_soundcheck_dir},
    {"soundcheck-atoms", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "K", "atoms a sound check learns a player (default 32)",
     set_soundcheck_atoms},
    {"soundcheck-iterations", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "N", "sound-check training iterations (default 200)",
     set_soundcheck_iterations},
    {"soundcheck-transpose", 0, SCOPE_GLOBAL, HOST_ANY, 0, 0, "S|auto",
     "each player's alone part is also learned moved 1..S semitones down and up (default auto: 1 or 2 per "
     "player, whichever explains the together part better)",
     set_soundcheck_transpose},
    {"name", 'n', SCOPE_GLOBAL, HOST_JACK, 0, 0, "NAME", "JACK client name (default camsep)", set_name},
    {"server", 's', SCOPE_GLOBAL, HOST_JACK, 0, 0, "NAME", "JACK server name (default: $JACK_DEFAULT_SERVER)",
     set_server},
    {"no-connect", 0, SCOPE_GLOBAL, HOST_JACK, 1, 0, NULL, "connect the input to nothing (not even input-match)",
     set_no_connect},
    {"input-match", 0, SCOPE_GLOBAL, HOST_JACK, 0, 0, "REGEX",
     "connect the input to the first output port whose full name matches (extended regex)", set_input_match},
    {"connect", 0, SCOPE_GLOBAL, HOST_JACK, 0, 1, "STEM=PORT", "connect in, a player or other to PORT (repeat)",
     set_connect},
    {"device", 'd', SCOPE_GLOBAL, HOST_PORTAUDIO, 0, 0, "NAME|INDEX", "audio device (default: the default)",
     set_device},
    {"input-device", 0, SCOPE_GLOBAL, HOST_PORTAUDIO, 0, 0, "NAME|INDEX", "input device (default: --device)",
     set_input_device},
    {"input-channel", 0, SCOPE_GLOBAL, HOST_PORTAUDIO, 0, 0, "C", "input channel to separate (default 1)",
     set_input_channel},
    {"rate", 'r', SCOPE_GLOBAL, HOST_PORTAUDIO, 0, 0, "HZ", "sample rate (default 48000)", set_rate},
    {"period", 0, SCOPE_GLOBAL, HOST_PORTAUDIO, 0, 0, "FRAMES", "frames per callback (default 256)", set_period},
};
#define N_OPTIONS (int)(sizeof OPTIONS / sizeof OPTIONS[0])

/* --help and the man page: a heading before the option it names. */
static const struct {
    const char *first, *title;
} SECTIONS[] = {
    {"config", "Settings and players"}, {"other", "The other stem"},  {"fft", "Engine"},
    {"video", "Camera"},                {"status-interval", "Running"}, {"osc-port", "OSC control"},
    {"soundcheck", "Sound check"},      {"name", "JACK (camsep-jack)"}, {"device", "Audio device (camsep-portaudio)"},
};

static const opt *find_opt(const char *name)
{
    for (int i = 0; i < N_OPTIONS; i++)
        if (!strcmp(OPTIONS[i].name, name))
            return &OPTIONS[i];
    return NULL;
}

void host_config_default(host_config *c, int host)
{
    memset(c, 0, sizeof *c);
    c->host = host;
    c->fft = CAMSEP_DEFAULT_FFT;
    camsep_params_default(&c->params);
    c->status_interval = 1.0;
    c->motion_knee = CAMSEP_MOTION_KNEE_DEFAULT;
    c->input_channel = 1;
    c->soundcheck_transpose = -1;
    copy_str(c->jack_name, sizeof c->jack_name, "camsep");
}

/* ---- config file ---- */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

/* '#' starts a comment at the start of a line or after white space ("\#"
 * there is a '#': unescape_value()). */
static void strip_comment(char *s)
{
    for (size_t i = 0; s[i]; i++)
        if (s[i] == '#' && comment_position(s, i)) {
            s[i] = 0;
            return;
        }
}

/* "\#" where a '#' would start a comment is a '#' (written so by host_config_format). */
static void unescape_value(char *v)
{
    char *w = v;
    for (size_t i = 0; v[i]; i++)
        if (!(v[i] == '\\' && v[i + 1] == '#' && comment_position(v, i)))
            *w++ = v[i];
    *w = 0;
}

int host_config_parse(host_config *c, const char *text, const char *label, char *err, size_t errlen)
{
    locale_guard lg = locale_enter();
    parse_ctx x = {c, NULL, 1};
    unsigned char seen[N_OPTIONS]; /* options given in the current section */
    memset(seen, 0, sizeof seen);
    int lineno = 0, rc = 0;
    const char *p = text;
    char line[4096], why[512];
    while (*p && !rc) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        if (n >= sizeof line) {
            rc = fail(err, errlen, "%s:%d: line too long", label, lineno);
            break;
        }
        memcpy(line, p, n);
        line[n] = 0;
        p += n + (nl ? 1 : 0);
        strip_comment(line);
        char *s = trim(line);
        if (!*s)
            continue;
        if (*s == '[') {
            char *close = strchr(s, ']');
            if (!close || *trim(close + 1)) {
                rc = fail(err, errlen, "%s:%d: malformed section header (want [player NAME])", label, lineno);
                break;
            }
            *close = 0;
            char *body = trim(s + 1);
            if (strncmp(body, "player", 6) || (body[6] != ' ' && body[6] != '\t')) {
                rc = fail(err, errlen, "%s:%d: unknown section '[%s]' (want [player NAME])", label, lineno, body);
                break;
            }
            if (add_player(c, trim(body + 6), why, sizeof why)) {
                rc = fail(err, errlen, "%s:%d: %s", label, lineno, why);
                break;
            }
            x.player = &c->players[c->n_players - 1];
            memset(seen, 0, sizeof seen);
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            rc = fail(err, errlen, "%s:%d: expected 'key = value' or '[player NAME]'", label, lineno);
            break;
        }
        *eq = 0;
        char *key = trim(s), *value = trim(eq + 1);
        unescape_value(value);
        const opt *o = find_opt(key);
        if (!o || o->scope == SCOPE_CLI) {
            rc = fail(err, errlen, "%s:%d: unknown key '%s'", label, lineno, key);
            break;
        }
        if (o->scope == SCOPE_PLAYER && !x.player) {
            rc = fail(err, errlen, "%s:%d: '%s' belongs in a [player NAME] section", label, lineno, key);
            break;
        }
        if (o->scope == SCOPE_GLOBAL && x.player) {
            rc = fail(err, errlen, "%s:%d: '%s' is a global setting: put it before the first [player]", label,
                      lineno, key);
            break;
        }
        if (seen[o - OPTIONS] && !o->repeat) {
            rc = fail(err, errlen, "%s:%d: '%s' is given twice", label, lineno, key);
            break;
        }
        seen[o - OPTIONS] = 1;
        if (!*value) {
            rc = fail(err, errlen, "%s:%d: '%s' has no value", label, lineno, key);
            break;
        }
        if (o->set(&x, value, why, sizeof why))
            rc = fail(err, errlen, "%s:%d: %s: %s", label, lineno, key, why);
    }
    locale_leave(lg);
    return rc;
}

int host_config_load(host_config *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, errlen, "%s: %s", path, strerror(errno));
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 4096) {
            if (cap > (1u << 20)) {
                fclose(f);
                free(text);
                return fail(err, errlen, "%s: larger than 1 MiB, not a config file", path);
            }
            char *t = realloc(text, cap + 8192);
            if (!t) {
                fclose(f);
                free(text);
                return fail(err, errlen, "%s: out of memory", path);
            }
            text = t;
            cap += 8192;
        }
        size_t n = fread(text + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(text);
        return fail(err, errlen, "%s: read error", path);
    }
    text[len] = 0;
    if (memchr(text, 0, len)) {
        free(text);
        return fail(err, errlen, "%s: binary data, not a config file", path);
    }
    /* Relative dictionary paths in the file resolve against its directory. */
    char saved_base[HOST_PATH_LEN];
    memcpy(saved_base, c->base_dir, sizeof saved_base);
    const char *slash = strrchr(path, '/');
    if (slash) {
        size_t n = (size_t)(slash - path);
        if (n == 0)
            n = 1;
        if (n < sizeof c->base_dir) {
            memcpy(c->base_dir, path, n);
            c->base_dir[n] = 0;
        }
    } else {
        c->base_dir[0] = 0;
    }
    int rc = host_config_parse(c, text, path, err, errlen);
    memcpy(c->base_dir, saved_base, sizeof saved_base);
    free(text);
    return rc;
}

/* ---- command line ---- */

size_t host_config_cli_options(int host, cli_option *out, size_t max)
{
    size_t n = 0;
    for (int i = 0; i < N_OPTIONS && n < max; i++) {
        const opt *o = &OPTIONS[i];
        for (size_t k = 0; k < sizeof SECTIONS / sizeof SECTIONS[0] && n < max; k++)
            if (!strcmp(SECTIONS[k].first, o->name))
                out[n++] = (cli_option)CLI_SECTION(SECTIONS[k].title);
        if (n == max)
            break;
        /* Every program knows the other's options, to say whose they are. */
        out[n++] = (cli_option){o->name, o->short_name, o->flag ? NULL : o->arg, o->help, CLI_ID_BASE + i,
                                (o->flag ? CLI_OPTIONAL_VALUE : 0u) | (o->hosts & host ? 0u : CLI_HIDDEN)};
    }
    return n;
}

int host_config_args(host_config *c, int argc, char **argv, const char **query, char *err, size_t errlen)
{
    *query = NULL;
    cli_option table[2 * N_OPTIONS];
    const cli_program program = {.name = "camsep", .options = table,
                                 .n_options = host_config_cli_options(c->host, table, 2 * N_OPTIONS)};
    const int config_id = CLI_ID_BASE + (int)(find_opt("config") - OPTIONS);
    cli_parser cp;
    const char *v;
    int id, first;
    /* --config first, wherever it is; --help, --version and --help-man before anything. */
    cli_begin(&cp, &program, argc, argv);
    while ((id = cli_next_quiet(&cp, &v, &first, NULL, 0)) != CLI_DONE) {
        if (id == 'h' || id == CLI_ID_VERSION || id == CLI_ID_HELP_MAN) {
            cli_end(&cp);
            *query = id == 'h' ? "help" : id == CLI_ID_VERSION ? "version" : "help-man";
            return 1;
        }
        if (id == config_id) {
            if (host_config_load(c, v, err, errlen)) {
                cli_end(&cp);
                return -1;
            }
            snprintf(c->config_path, sizeof c->config_path, "%s", v);
        }
    }
    cli_end(&cp);
    locale_guard lg = locale_enter();
    parse_ctx x = {c, NULL, 0};
    int rc = 0;
    char why[512];
    cli_begin(&cp, &program, argc, argv);
    while (!rc && (id = cli_next_quiet(&cp, &v, &first, why, sizeof why)) != CLI_DONE) {
        if (id < CLI_ID_BASE || id >= CLI_ID_BASE + N_OPTIONS) {
            rc = fail(err, errlen, "%s", why); /* the parser's one-line problem */
            break;
        }
        const opt *o = &OPTIONS[id - CLI_ID_BASE];
        if (!(o->hosts & c->host)) {
            rc = fail(err, errlen, "--%s is an option of camsep-%s", o->name,
                      o->hosts == HOST_JACK ? "jack" : "portaudio");
            break;
        }
        if (id == config_id)
            continue; /* read above */
        if (!o->set) {
            *query = o->name;
            continue;
        }
        if (o->flag && !v)
            v = "true";
        if (o->scope == SCOPE_PLAYER && !x.player) {
            rc = fail(err, errlen, "--%s applies to the last --player: give --player NAME first", o->name);
            break;
        }
        if (o->set(&x, v, why, sizeof why))
            rc = fail(err, errlen, "--%s: %s", o->name, why);
    }
    if (!rc && id == CLI_DONE && first < argc)
        rc = fail(err, errlen, "unexpected argument %s", argv[first]);
    cli_end(&cp);
    locale_leave(lg);
    if (rc)
        return -1;
    return *query ? 1 : 0;
}

void host_config_engine_window(const host_config *c, camsep_config *cfg)
{
    camsep_config_default(cfg, 48000.0);
    camsep_config_set_window(cfg, c->fft, c->latency, c->hop);
}

int host_config_validate(const host_config *c, char *err, size_t errlen)
{
    if (c->n_players < 1)
        return fail(err, errlen, "no players: give --player NAME[=INSTRUMENT] (or [player NAME] in a config file)");
    char why[256];
    camsep_config window;
    host_config_engine_window(c, &window);
    if (camsep_config_validate(&window, why, sizeof why))
        return fail(err, errlen, "fft %d, latency %d, hop %d: %s", window.fft_size, window.latency, window.hop,
                    why);
    if (camsep_params_validate(&c->params, why, sizeof why))
        return fail(err, errlen, "engine settings: %s", why);
    if (c->video[0]) {
        for (int i = 0; i < c->n_players; i++)
            if (!c->players[i].has_box)
                return fail(err, errlen, "video: player '%s' has no box (give --box X,Y,W,H after its --player)",
                            c->players[i].name);
    }
    for (int i = 0; i < c->n_connect; i++)
        if (strcmp(c->connect[i].from, "in") && host_config_stem_index(c, c->connect[i].from) < 0)
            return fail(err, errlen, "connect: '%s' is not in, a player or other", c->connect[i].from);
    if (c->rate && (c->rate < 8000 || c->rate > 768000))
        return fail(err, errlen, "rate: %g Hz is outside 8000..768000", c->rate);
    if (c->soundcheck_s > 0 && !c->video[0])
        return fail(err, errlen, "soundcheck: the camera says who plays, and there is no video; without a camera "
                                 "announce each player over OSC (/soundcheck/start N)");
    return 0;
}

int host_config_stem_index(const host_config *c, const char *name)
{
    for (int i = 0; i < c->n_players; i++)
        if (!strcmp(c->players[i].name, name))
            return i;
    if (c->other && !strcmp(name, "other"))
        return c->n_players;
    return -1;
}

/* ---- writing ---- */

typedef struct out_buf {
    char *buf;
    size_t size, len;
} out_buf;

static void out(out_buf *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *dst = o->len < o->size ? o->buf + o->len : NULL;
    int n = vsnprintf(dst, dst ? o->size - o->len : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
}

static const char *tf(int v) { return v ? "true" : "false"; }

/* "KEY = VALUE\n", a '#' that would start a comment written "\#". */
static void out_value(out_buf *o, const char *key, const char *value)
{
    out(o, "%s = ", key);
    size_t from = 0;
    for (size_t i = 0; value[i]; i++)
        if (value[i] == '#' && comment_position(value, i)) {
            out(o, "%.*s\\", (int)(i - from), value + from);
            from = i;
        }
    out(o, "%s\n", value + from);
}

/* The same into dst (cap bytes, NUL-terminated); returns the length it needs. */
static size_t format_value(char *dst, size_t cap, const char *key, const char *value)
{
    out_buf o = {dst, cap, 0};
    if (cap)
        dst[0] = 0;
    out_value(&o, key, value);
    return o.len;
}

size_t host_config_format(const host_config *c, char *buf, size_t size)
{
    locale_guard lg = locale_enter();
    out_buf o = {buf, size, 0};
    if (size)
        buf[0] = 0;
    const camsep_params *p = &c->params;
    out(&o, "# camsep standalone configuration (camsep-jack, camsep-portaudio)\n");
    camsep_config window;
    host_config_engine_window(c, &window);
    out(&o, "fft = %d\nlatency = %d\nhop = %d\n", window.fft_size, window.latency, window.hop);
    out(&o, "iterations = %d\nwarm-start = %.9g\nmask-power = %.9g\nprior-strength = %.9g\n", p->iterations,
        (double)p->warm_start, (double)p->mask_power, (double)p->activity_strength);
    out(&o,
        "regression-strength = %.9g\nsmoothness = %.9g\nprior-timeout = %.9g\ntrust-memory = %.9g\n"
        "split-strength = %.9g\nrest-gate = %.9g\nshare-strength = %.9g\ngain-smoothing = %.9g\n",
        (double)p->regression_strength, (double)p->smoothness, (double)p->prior_timeout_s, (double)p->trust_memory_s,
        (double)p->split_strength, (double)p->rest_gate, (double)p->share_strength, (double)p->gain_smoothing_s);
    out(&o, "bypass = %s\nother = %s\n", tf(c->bypass), tf(c->other));
    if (c->other_dictionary[0])
        out_value(&o, "other-dictionary", c->other_dictionary);
    out(&o, "other-gain = %.9g\nother-mute = %s\n", (double)c->other_gain_db, tf(c->other_mute));
    if (c->video[0])
        out_value(&o, "video", c->video);
    if (c->camera_width)
        out(&o, "camera-size = %dx%d\n", c->camera_width, c->camera_height);
    if (c->camera_fps > 0)
        out(&o, "camera-fps = %.9g\n", c->camera_fps);
    for (int i = 0; i < c->n_camera_controls; i++)
        out_value(&o, "camera-control", c->camera_control[i]);
    out(&o, "loop = %s\ncamera-latency = %.9g\nmotion-knee = %.9g\nstatus-interval = %.9g\n", tf(c->loop),
        c->camera_latency, c->motion_knee, c->status_interval);
    if (c->ui)
        out(&o, "ui = true\n");
    if (c->osc_port[0])
        out_value(&o, "osc-port", c->osc_port);
    if (c->osc_prefix[0])
        out_value(&o, "osc-prefix", c->osc_prefix);
    if (c->osc_no_tcp)
        out(&o, "osc-no-tcp = true\n");
    for (int i = 0; i < c->n_osc_feedback; i++)
        out_value(&o, "osc-feedback", c->osc_feedback[i]);
    if (c->preset_dir[0])
        out_value(&o, "preset-dir", c->preset_dir);
    if (c->soundcheck_dir[0])
        out_value(&o, "soundcheck-dir", c->soundcheck_dir);
    if (c->soundcheck_atoms)
        out(&o, "soundcheck-atoms = %d\n", c->soundcheck_atoms);
    if (c->soundcheck_iterations)
        out(&o, "soundcheck-iterations = %d\n", c->soundcheck_iterations);
    if (c->soundcheck_transpose >= 0)
        out(&o, "soundcheck-transpose = %d\n", c->soundcheck_transpose);
    out(&o, "# camsep-jack\nname = %s\n", c->jack_name);
    if (c->jack_server[0])
        out_value(&o, "server", c->jack_server);
    out(&o, "no-connect = %s\n", tf(c->no_connect));
    if (c->input_match[0])
        out_value(&o, "input-match", c->input_match);
    for (int i = 0; i < c->n_connect; i++) {
        char pair[sizeof c->connect[i].from + sizeof c->connect[i].port + 1];
        snprintf(pair, sizeof pair, "%s=%s", c->connect[i].from, c->connect[i].port);
        out_value(&o, "connect", pair);
    }
    out(&o, "# camsep-portaudio\n");
    if (c->device[0])
        out_value(&o, "device", c->device);
    if (c->input_device[0])
        out_value(&o, "input-device", c->input_device);
    out(&o, "input-channel = %d\n", c->input_channel);
    if (c->rate > 0)
        out(&o, "rate = %.9g\n", c->rate);
    if (c->period > 0)
        out(&o, "period = %d\n", c->period);
    for (int i = 0; i < c->n_players; i++) {
        const host_player *pl = &c->players[i];
        out(&o, "\n[player %s]\n", pl->name);
        if (pl->dictionary[0])
            out_value(&o, "dictionary", pl->dictionary);
        else
            out_value(&o, "instrument", pl->instrument[0] ? pl->instrument : pl->name);
        if (pl->has_box)
            out(&o, "box = %.9g,%.9g,%.9g,%.9g\n", (double)pl->box.x, (double)pl->box.y, (double)pl->box.w,
                (double)pl->box.h);
        out(&o, "gain = %.9g\nmute = %s\nsolo = %s\n", (double)pl->gain_db, tf(pl->mute), tf(pl->solo));
        if (pl->label[0])
            out_value(&o, "label", pl->label);
    }
    locale_leave(lg);
    return o.len;
}

/* text (n bytes) as path, atomically (temp + fsync + rename). 0 or -1. */
static int write_atomically(const char *path, const char *text, size_t n, char *err, size_t errlen)
{
    char tmp[HOST_PATH_LEN + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return fail(err, errlen, "%s: %s", tmp, strerror(errno));
    int bad = fwrite(text, 1, n, f) != n;
    bad |= fflush(f) != 0;
    bad |= fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path)) {
        int e = errno;
        unlink(tmp);
        return fail(err, errlen, "%s: %s", path, bad ? "write failed" : strerror(e));
    }
    return 0;
}

int host_config_save(const host_config *c, const char *path, char *err, size_t errlen)
{
    size_t n = host_config_format(c, NULL, 0);
    char *text = malloc(n + 1);
    if (!text)
        return fail(err, errlen, "%s: out of memory", path);
    host_config_format(c, text, n + 1);
    int rc = write_atomically(path, text, n, err, errlen);
    free(text);
    return rc;
}

/* The player of a "[player NAME]" line (cut to size), else "". */
static void section_player(const char *raw, char *name, size_t size)
{
    char line[512];
    snprintf(line, sizeof line, "%s", raw);
    strip_comment(line);
    char *s = trim(line), *close = strchr(s, ']');
    name[0] = 0;
    if (*s != '[' || !close)
        return;
    *close = 0;
    char *body = trim(s + 1);
    if (!strncmp(body, "player", 6) && (body[6] == ' ' || body[6] == '\t'))
        snprintf(name, size, "%s", trim(body + 6));
}

/* 1 if the line sets a player's dictionary or instrument. */
static int sets_dictionary(const char *raw)
{
    char line[512];
    snprintf(line, sizeof line, "%s", raw);
    strip_comment(line);
    char *eq = strchr(line, '=');
    if (!eq)
        return 0;
    *eq = 0;
    const char *key = trim(line);
    return !strcmp(key, "dictionary") || !strcmp(key, "instrument");
}

int host_config_set_dictionaries(const char *path, int n, const char *const *players, const char *const *files,
                                 int *missing, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, errlen, "%s: %s", path, strerror(errno));
    char *in = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            char *g = realloc(in, cap = cap ? 2 * cap : 8192);
            if (!g) {
                free(in);
                fclose(f);
                return fail(err, errlen, "%s: out of memory", path);
            }
            in = g;
        }
        size_t k = fread(in + len, 1, 4096, f);
        len += k;
        if (k < 4096)
            break;
    }
    fclose(f);
    in[len] = 0;
    size_t out_cap = len + 2 + (size_t)n * (2 * HOST_PATH_LEN + 32); /* a path with every '#' escaped */
    char *out = malloc(out_cap);
    if (!out) {
        free(in);
        return fail(err, errlen, "%s: out of memory", path);
    }
    size_t o = 0;
    int current = -1, written[HOST_MAX_PLAYERS] = {0};
#define FLUSH_SECTION()                                                                                      \
    do {                                                                                                     \
        if (current >= 0 && !written[current])                                                               \
            o += format_value(out + o, out_cap - o, "dictionary", files[current]);                             \
        if (current >= 0)                                                                                    \
            written[current] = 1;                                                                            \
    } while (0)
    for (char *p = in; *p;) {
        char *nl = strchr(p, '\n');
        size_t k = nl ? (size_t)(nl - p) + 1 : strlen(p);
        char raw[512], name[HOST_NAME_LEN];
        snprintf(raw, sizeof raw, "%.*s", (int)(k < sizeof raw ? k : sizeof raw - 1), p);
        section_player(raw, name, sizeof name);
        if (name[0]) {
            FLUSH_SECTION();
            current = -1;
            for (int i = 0; i < n && name[0]; i++)
                if (!strcmp(players[i], name))
                    current = i;
        }
        if (current >= 0 && sets_dictionary(raw)) {
            if (!written[current])
                o += format_value(out + o, out_cap - o, "dictionary", files[current]);
            written[current] = 1;
        } else {
            if (o + k + 1 > out_cap)
                break; /* cannot happen: out_cap holds the input and every new line */
            memcpy(out + o, p, k);
            o += k;
            if (!nl && current >= 0 && !written[current])
                out[o++] = '\n';
        }
        p += k;
    }
    FLUSH_SECTION();
#undef FLUSH_SECTION
    *missing = 0;
    for (int i = 0; i < n; i++)
        *missing += !written[i];
    int rc = write_atomically(path, out, o, err, errlen);
    free(out);
    free(in);
    return rc;
}

const char host_config_file_notes[] =
    "Config file: 'key = value' lines with the long option names (--fft 2048 is fft = 2048), then one "
    "[player NAME] section per player with instrument, dictionary, box, gain, mute, solo and label. --config is "
    "read first; the rest of the command line applies on top. Player options apply to the last --player. A "
    "switch such as --mute also takes a value: --mute=false (true, yes, on, 1; false, no, off, 0).";

const cli_item host_files[] = {
    {CAMSEP_DICT_INSTALL_DIR "/", "the bundled instrument dictionaries (--player NAME=INSTRUMENT)"},
    {"~/.config/camsep/presets/", "OSC presets without a config file or session (XDG_CONFIG_HOME; --preset-dir)"},
    {"~/.config/camsep/soundcheck/", "sound-check dictionaries without a config file or session (--soundcheck-dir)"},
    {NULL, NULL},
};
