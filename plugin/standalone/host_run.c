/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The program around a host backend (see host_run.h). */
#include "host_run.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "host_osc.h"
#include "host_preset.h"
#include "host_soundcheck_files.h"
#include "host_ui.h"
#include "nsm_client.h"
#include "osc_control.h"

static volatile sig_atomic_t g_quit;

static void on_signal(int sig)
{
    (void)sig;
    g_quit = 1;
}

int host_quit_requested(void) { return g_quit != 0; }

int64_t host_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* --help (or the man page): the backend's text around the option table. */
static void usage(const host_backend *b, FILE *f, int man)
{
    static cli_option table[256];
    cli_program p = b->text;
    p.name = b->program;
    p.options = table;
    p.n_options = host_config_cli_options(b->host, table, CLI_COUNT(table));
    if (man)
        cli_print_man(f, &p);
    else
        cli_print_help(f, &p);
}

/* ---- NSM ---- */

typedef struct nsm_glue {
    const host_backend *b;
    host_config cli;          /* the command line: the template of a new session */
    char path[HOST_PATH_LEN]; /* PATH.conf */
    char client_id[HOST_NAME_LEN]; /* the window's title */
    host_ui *ui;              /* the window (--ui, or shown by the session manager) */
    int gui_wanted;           /* NSM asked to show it before the session ran */
    nsm_client *nsm;
} nsm_glue;

static void open_window(nsm_glue *g, host_session *s, const char *jack_name)
{
    char err[512];
    const char *name = g->b->host == HOST_JACK ? (g->client_id[0] ? g->client_id : jack_name) : NULL;
    if (!(g->ui = host_ui_open(s, g->b->program, name, err, sizeof err)))
        fprintf(stderr, "%s: --ui: %s; running without the window\n", g->b->program, err);
}

/* After the session was freed (host_ui_stop before that). */
static void close_window(nsm_glue *g)
{
    host_ui_stop(g->ui);
    host_ui_close(g->ui);
    g->ui = NULL;
}

/* NSM :optional-gui: the session manager shows or hides the window. */
static int nsm_show_gui(void *user, int show)
{
    nsm_glue *g = user;
    host_session *s = g->b->session(g->b->self);
    if (!show) {
        g->gui_wanted = 0;
        host_ui_hide(g->ui); /* the session runs on: hidden, not freed */
        return 0;
    }
    if (!s) {
        g->gui_wanted = 1; /* opened with the session */
        return 0;
    }
    char err[512];
    if (g->ui && host_ui_show(g->ui, err, sizeof err))
        fprintf(stderr, "%s: the window: %s\n", g->b->program, err);
    if (!g->ui) {
        static host_config now; /* large; the main thread is the only caller */
        host_session_get_config(s, &now);
        open_window(g, s, now.jack_name);
    }
    return host_ui_shown(g->ui);
}

static int nsm_open(void *user, const char *path, const char *display_name, const char *client_id, char *msg,
                    size_t size)
{
    (void)display_name;
    nsm_glue *g = user;
    char err[1024];
    if (g->b->session(g->b->self)) {
        snprintf(msg, size, "already open (no :switch: capability)");
        return NSM_ERR_NOT_NOW;
    }
    if (snprintf(g->path, sizeof g->path, "%s.conf", path) >= (int)sizeof g->path) {
        snprintf(msg, size, "session path too long");
        return NSM_ERR_CREATE_FAILED;
    }
    host_config cfg;
    struct stat st;
    if (!stat(g->path, &st)) {
        host_config_default(&cfg, g->b->host);
        if (host_config_load(&cfg, g->path, err, sizeof err)) {
            snprintf(msg, size, "%s", err);
            return NSM_ERR_BAD_PROJECT;
        }
    } else {
        /* A new session starts from the command line and is written at once,
         * so that the engineer has a file to edit. */
        cfg = g->cli;
        if (host_config_save(&cfg, g->path, err, sizeof err)) {
            snprintf(msg, size, "%s", err);
            return NSM_ERR_CREATE_FAILED;
        }
    }
    if (host_config_validate(&cfg, err, sizeof err)) {
        snprintf(msg, size, "%s: %s", g->path, err);
        fprintf(stderr, "%s: %s\n", g->b->program, msg);
        return NSM_ERR_BAD_PROJECT;
    }
    if (g->b->start(g->b->self, &cfg, client_id, err, sizeof err)) {
        g->b->stop(g->b->self);
        snprintf(msg, size, "%s", err);
        fprintf(stderr, "%s: %s\n", g->b->program, err);
        return NSM_ERR_LAUNCH_FAILED;
    }
    snprintf(g->client_id, sizeof g->client_id, "%s", client_id);
    fprintf(stderr, "%s: session %s opened as %s\n", g->b->program, g->path, client_id);
    snprintf(msg, size, "opened %s", g->path);
    return 0;
}

static int nsm_save(void *user, char *msg, size_t size)
{
    nsm_glue *g = user;
    host_session *s = g->b->session(g->b->self);
    if (!s) {
        snprintf(msg, size, "nothing open");
        return NSM_ERR_NO_SESSION_OPEN;
    }
    host_config cfg;
    host_session_get_config(s, &cfg);
    char err[1024];
    if (host_config_save(&cfg, g->path, err, sizeof err)) {
        snprintf(msg, size, "%s", err);
        return NSM_ERR_GENERAL;
    }
    snprintf(msg, size, "saved %s", g->path);
    return 0;
}

/* ---- OSC ---- */

static host_osc *start_osc(const host_backend *b, const host_config *cfg)
{
    char err[512];
    host_osc *o = host_osc_create(cfg, b->program, err, sizeof err);
    if (!o) {
        fprintf(stderr, "%s: %s\n", b->program, err);
        return NULL;
    }
    printf("%s: OSC control on port %d (UDP%s), prefix %s\n", b->program, host_osc_port(o),
           cfg->osc_no_tcp ? "" : " and TCP", cfg->osc_prefix[0] ? cfg->osc_prefix : "/camsep");
    fflush(stdout);
    return o;
}

/* ---- the control loop ---- */

/* After a sound check without NSM: the --config file names the new
 * dictionaries, so that the next start uses them (NSM saves them itself). */
static void remember_dictionaries(const host_backend *b, host_session *s, unsigned learned)
{
    static host_config cfg; /* large; the control loop is the only caller */
    host_session_get_config(s, &cfg);
    if (!cfg.config_path[0])
        return;
    const char *players[HOST_MAX_PLAYERS], *files[HOST_MAX_PLAYERS];
    int n = 0, missing = 0;
    for (int j = 0; j < cfg.n_players; j++)
        if (learned & (1u << j)) {
            players[n] = cfg.players[j].name;
            files[n++] = cfg.players[j].dictionary;
        }
    char err[1024];
    if (host_config_set_dictionaries(cfg.config_path, n, players, files, &missing, err, sizeof err))
        fprintf(stderr, "%s: sound check: could not update the config file: %s\n", b->program, err);
    else
        printf("%s: sound check: %s now names the new dictionaries%s\n", b->program, cfg.config_path,
               missing ? " (players given on the command line are not in it)" : "");
}

/* One line on stdout when the sound check's state changes (the OSC status
 * and the window say the same). */
static void report_soundcheck(const host_backend *b, host_session *s, int nsm, unsigned *serial)
{
    static host_sc_status st; /* large; the control loop is the only caller */
    host_session_soundcheck_status(s, &st);
    if (st.serial == *serial)
        return;
    *serial = st.serial;
    if (st.state == HOST_SC_RECORDING && st.player >= 0)
        printf("%s: sound check: recording, player %d plays alone\n", b->program, st.player + 1);
    else if (st.state == HOST_SC_RECORDING)
        printf("%s: sound check: recording, the camera says who plays\n", b->program);
    else if (st.state == HOST_SC_LEARNING)
        printf("%s: sound check: learning from %.1f s\n", b->program, st.seconds);
    else
        printf("%s: sound check: %s: %s\n", b->program, host_sc_state_name(st.state), st.message);
    if (st.state == HOST_SC_DONE && !nsm)
        remember_dictionaries(b, s, st.learned);
    fflush(stdout);
}

/* The box association, fed each turn; one line on stdout when a confident
 * proposal to exchange boxes appears, and when one was applied. */
static void report_association(const host_backend *b, host_session *s, int *last)
{
    host_assoc_view v; /* drains the engine's reports into it, with or without a window or OSC */
    host_session_association(s, &v);
    const int was = *last;
    *last = (int)v.state;
    if ((int)v.state == was)
        return;
    char pairing[64];
    host_assoc_format_pairing(&v, pairing, sizeof pairing);
    if (v.state == HOST_ASSOC_PROPOSED)
        printf("%s: players: the boxes show players %s (confidence %.1f, %.0f s of evidence); "
               "OSC .../associate/apply or the window's key a applies it\n",
               b->program, pairing, (double)v.confidence, (double)v.evidence_s);
    else if (v.state == HOST_ASSOC_APPLIED)
        printf("%s: players: the boxes were exchanged as proposed\n", b->program);
    else
        return;
    fflush(stdout);
}

static void print_status(const host_backend *b, host_session *s, int64_t t0, const char *prefix)
{
    host_status st;
    host_session_status(s, &st);
    st.xruns = b->xruns(b->self);
    char line[512];
    host_status_format(&st, (double)(host_now_ns() - t0) * 1e-9, line, sizeof line);
    printf("%s: %s%s\n", b->program, prefix, line);
    fflush(stdout);
}

int host_main(const host_backend *b, int argc, char **argv)
{
    static nsm_glue g; /* large; static keeps it off the stack */
    char err[1024];
    const char *query = NULL;
    host_config_default(&g.cli, b->host);
    int r = host_config_args(&g.cli, argc, argv, &query, err, sizeof err);
    if (r < 0) {
        fprintf(stderr, "%s: %s (see --help)\n", b->program, err);
        return CLI_EXIT_USAGE;
    }
    if (query && (!strcmp(query, "help") || !strcmp(query, "help-man"))) {
        usage(b, stdout, !strcmp(query, "help-man"));
        return 0;
    }
    if (query && !strcmp(query, "version")) {
        printf("%s %s\n", b->program, cli_version());
        return 0;
    }
    if (query && !strcmp(query, "osc-doc")) {
        camsep_osc_print_doc_prefix(stdout, 0, g.cli.osc_prefix[0] ? g.cli.osc_prefix : NULL);
        return 0;
    }
    if (query)
        return b->query(b->self, query, &g.cli);

    install_signals();
    g.b = b;
    host_osc *osc = NULL;
    if (g.cli.osc_port[0] && !(osc = start_osc(b, &g.cli)))
        return 1;
    nsm_client *nsm = NULL;
    const char *url = getenv("NSM_URL");
    if (url && *url) {
        nsm_callbacks cb = {nsm_open, nsm_save, &g, nsm_show_gui};
        const char *exe = strrchr(argv[0], '/');
        nsm = g.nsm = nsm_client_new(url, "camsep", exe ? exe + 1 : argv[0], &cb, err, sizeof err);
        if (!nsm) {
            fprintf(stderr, "%s: %s\n", b->program, err);
            return 1;
        }
        fprintf(stderr, "%s: waiting for the session manager at %s\n", b->program, url);
        while (!g_quit && !nsm_client_is_open(nsm))
            nsm_client_poll(nsm, 100);
    } else {
        if (host_config_validate(&g.cli, err, sizeof err)) {
            fprintf(stderr, "%s: %s\n", b->program, err);
            host_osc_free(osc);
            return CLI_EXIT_USAGE;
        }
        if (b->start(b->self, &g.cli, NULL, err, sizeof err)) {
            fprintf(stderr, "%s: %s\n", b->program, err);
            b->stop(b->self);
            host_osc_free(osc);
            return 1;
        }
    }

    int status = 0, announced = 0, rebuilt = 0;
    unsigned soundcheck_serial = 0;
    int association_state = -1;
    int64_t t0 = host_now_ns(), next_status = t0;
    double interval = g.cli.status_interval;
    while (!g_quit) {
        host_session *s = b->session(b->self);
        if (s && !announced) {
            /* The session's own settings (NSM may have loaded a file). */
            static host_config now;
            host_session_get_config(s, &now);
            interval = now.status_interval;
            announced = 1;
            if (!osc && now.osc_port[0])
                osc = start_osc(b, &now); /* the session file asks for OSC */
            /* NSM: presets in PATH.presets, sound-check dictionaries in
             * PATH.soundcheck, next to PATH.conf */
            char dir[HOST_PATH_LEN], session_path[HOST_PATH_LEN] = "";
            if (nsm)
                snprintf(session_path, sizeof session_path, "%.*s", (int)strlen(g.path) - 5, g.path);
            if (osc) {
                host_preset_dir(&now, nsm ? session_path : NULL, dir, sizeof dir);
                host_osc_attach(osc, s, b->xruns, b->self, dir);
            }
            host_sc_dir(&now, nsm ? session_path : NULL, dir, sizeof dir);
            host_session_set_soundcheck_dir(s, dir);
            if (now.soundcheck_s > 0 && !rebuilt) {
                if (host_session_soundcheck_start(s, -1, now.soundcheck_s, err, sizeof err))
                    fprintf(stderr, "%s: soundcheck: %s\n", b->program, err);
                else
                    printf("%s: sound check of %g s at start\n", b->program, now.soundcheck_s);
            }
            if (!rebuilt)
                t0 = host_now_ns();
            next_status = host_now_ns() + (int64_t)(interval * 1e9);
            printf("%s: running, %d stems, latency %d samples (%.1f ms)\n", b->program, host_session_stems(s),
                   host_session_latency(s), 1000.0 * host_session_latency(s) / host_session_rate(s));
            fflush(stdout);
            if (rebuilt ? g.gui_wanted : (now.ui || g.gui_wanted))
                open_window(&g, s, now.jack_name);
            if (nsm)
                nsm_client_gui_shown(nsm, host_ui_shown(g.ui));
        }
        if (nsm)
            nsm_client_poll(nsm, 50);
        else {
            struct timespec ts = {0, 50 * 1000000};
            nanosleep(&ts, NULL);
        }
        if (!s)
            continue;
        if (b->failed(b->self, err, sizeof err)) {
            fprintf(stderr, "%s: %s\n", b->program, err);
            status = 1;
            break;
        }
        if (b->rebuild_due && b->rebuild_due(b->self)) {
            /* A new sample rate: a new session from this one's settings. The
             * window and OSC let go of the old one first. */
            static host_config now;
            host_session_get_config(s, &now);
            if (osc)
                host_osc_detach(osc);
            const int had_window = host_ui_shown(g.ui);
            host_ui_stop(g.ui);
            const int rc = b->rebuild(b->self, &now, err, sizeof err);
            close_window(&g);
            g.gui_wanted = had_window;
            fprintf(stderr, "%s: %s\n", b->program, err);
            if (rc < 0) {
                status = 1;
                break;
            }
            announced = 0;
            rebuilt = 1;
            association_state = -1;
            continue;
        }
        if (host_ui_update(g.ui, b->xruns(b->self))) {
            if (!nsm) {
                fprintf(stderr, "%s: the window was closed\n", b->program);
                break; /* like SIGTERM */
            }
            /* Under NSM the window is optional: closing it hides it. */
            host_ui_hide(g.ui);
            nsm_client_gui_shown(nsm, 0);
        }
        if (osc)
            host_osc_tick(osc, host_now_ns());
        report_soundcheck(b, s, nsm != NULL, &soundcheck_serial);
        report_association(b, s, &association_state);
        if (nsm && host_session_take_dirty(s))
            nsm_client_set_dirty(nsm, 1);
        const int64_t now = host_now_ns();
        if (interval > 0 && now >= next_status) {
            print_status(b, s, t0, "");
            next_status += (int64_t)(interval * 1e9);
            if (next_status < now)
                next_status = now + (int64_t)(interval * 1e9);
        }
    }
    host_session *s = b->session(b->self);
    if (s)
        print_status(b, s, t0, "stopped: ");
    if (osc)
        host_osc_detach(osc);
    host_ui_stop(g.ui); /* no window callback into the session from here on */
    b->stop(b->self);
    host_ui_close(g.ui);
    g.ui = NULL;
    host_osc_free(osc);
    nsm_client_free(nsm);
    return status;
}
