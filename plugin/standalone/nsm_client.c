/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A minimal NSM client over liblo (see nsm_client.h). */
#include "nsm_client.h"

#include <lo/lo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* liblo packs arguments without padding to 8 bytes: read them through
 * char pointers and memcpy, never as members of the lo_arg union. */
static const char *arg_s(lo_arg *a) { return (const char *)a; }
static int arg_i(lo_arg *a)
{
    int32_t v;
    memcpy(&v, a, sizeof v);
    return v;
}

struct nsm_client {
    lo_server server;
    lo_address manager;
    nsm_callbacks cb;
    int open, dirty;
    int gui_sent;      /* -1 none yet, else the state last sent */
    char manager_name[128];
};

static void send_reply(nsm_client *c, const char *path, int code, const char *msg)
{
    if (code == 0)
        lo_send_from(c->manager, c->server, LO_TT_IMMEDIATE, "/reply", "ss", path, msg);
    else
        lo_send_from(c->manager, c->server, LO_TT_IMMEDIATE, "/error", "sis", path, code, msg);
}

static int on_open(const char *path, const char *types, lo_arg **argv, int argc, lo_message m, void *user)
{
    (void)path, (void)types, (void)argc, (void)m;
    nsm_client *c = user;
    char msg[1024] = "";
    int code = c->cb.open(c->cb.user, arg_s(argv[0]), arg_s(argv[1]), arg_s(argv[2]), msg, sizeof msg);
    if (code == 0) {
        c->open = 1;
        c->dirty = 0;
    }
    send_reply(c, "/nsm/client/open", code, msg[0] ? msg : (code ? "failed" : "opened"));
    return 0;
}

static int on_save(const char *path, const char *types, lo_arg **argv, int argc, lo_message m, void *user)
{
    (void)path, (void)types, (void)argv, (void)argc, (void)m;
    nsm_client *c = user;
    char msg[1024] = "";
    int code = c->open ? c->cb.save(c->cb.user, msg, sizeof msg) : NSM_ERR_NO_SESSION_OPEN;
    if (code == 0)
        c->dirty = 0;
    send_reply(c, "/nsm/client/save", code, msg[0] ? msg : (code ? "not saved" : "saved"));
    return 0;
}

static int on_gui(const char *path, const char *types, lo_arg **argv, int argc, lo_message m, void *user)
{
    (void)types, (void)argv, (void)argc, (void)m;
    nsm_client *c = user;
    const int shown = c->cb.show_gui(c->cb.user, !strcmp(path, "/nsm/client/show_optional_gui"));
    c->gui_sent = -1; /* always answer a request */
    nsm_client_gui_shown(c, shown);
    return 0;
}

static int on_reply(const char *path, const char *types, lo_arg **argv, int argc, lo_message m, void *user)
{
    (void)path, (void)m;
    nsm_client *c = user;
    if (argc >= 3 && types[0] == 's' && !strcmp(arg_s(argv[0]), "/nsm/server/announce") && types[2] == 's') {
        snprintf(c->manager_name, sizeof c->manager_name, "%s", arg_s(argv[2]));
        fprintf(stderr, "camsep: session manager %s: %s\n", c->manager_name, types[1] == 's' ? arg_s(argv[1]) : "");
    }
    return 0;
}

static int on_error(const char *path, const char *types, lo_arg **argv, int argc, lo_message m, void *user)
{
    (void)path, (void)m, (void)user;
    if (argc >= 3 && types[0] == 's' && types[1] == 'i' && types[2] == 's')
        fprintf(stderr, "camsep: session manager refused %s (%d): %s\n", arg_s(argv[0]), arg_i(argv[1]), arg_s(argv[2]));
    return 0;
}

static int on_ignore(const char *path, const char *types, lo_arg **argv, int argc, lo_message m, void *user)
{
    (void)path, (void)types, (void)argv, (void)argc, (void)m, (void)user;
    return 0;
}

static void lo_error(int num, const char *msg, const char *where)
{
    fprintf(stderr, "camsep: OSC error %d: %s%s%s\n", num, msg ? msg : "", where ? " at " : "", where ? where : "");
}

nsm_client *nsm_client_new(const char *url, const char *app_name, const char *executable,
                           const nsm_callbacks *cb, char *err, size_t errlen)
{
    nsm_client *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->cb = *cb;
    c->manager = lo_address_new_from_url(url);
    if (!c->manager) {
        snprintf(err, errlen, "NSM_URL '%s' is not an OSC URL", url);
        free(c);
        return NULL;
    }
    c->server = lo_server_new_with_proto(NULL, lo_address_get_protocol(c->manager), lo_error);
    if (!c->server) {
        snprintf(err, errlen, "cannot open an OSC port for the session manager");
        lo_address_free(c->manager);
        free(c);
        return NULL;
    }
    lo_server_add_method(c->server, "/nsm/client/open", "sss", on_open, c);
    lo_server_add_method(c->server, "/nsm/client/save", "", on_save, c);
    if (cb->show_gui) {
        lo_server_add_method(c->server, "/nsm/client/show_optional_gui", "", on_gui, c);
        lo_server_add_method(c->server, "/nsm/client/hide_optional_gui", "", on_gui, c);
    }
    c->gui_sent = -1;
    lo_server_add_method(c->server, "/reply", NULL, on_reply, c);
    lo_server_add_method(c->server, "/error", NULL, on_error, c);
    lo_server_add_method(c->server, NULL, NULL, on_ignore, c); /* session_is_loaded and anything else */
    if (lo_send_from(c->manager, c->server, LO_TT_IMMEDIATE, "/nsm/server/announce", "sssiii", app_name,
                     cb->show_gui ? ":dirty:optional-gui:" : ":dirty:", executable, 1, 2, (int)getpid()) < 0) {
        snprintf(err, errlen, "cannot reach the session manager at %s: %s", url,
                 lo_address_errstr(c->manager));
        nsm_client_free(c);
        return NULL;
    }
    return c;
}

int nsm_client_poll(nsm_client *c, int timeout_ms)
{
    int handled = 0;
    while (lo_server_recv_noblock(c->server, handled ? 0 : timeout_ms) > 0)
        handled++;
    return handled;
}

int nsm_client_is_open(const nsm_client *c) { return c->open; }
const char *nsm_client_manager(const nsm_client *c) { return c->manager_name; }

void nsm_client_set_dirty(nsm_client *c, int dirty)
{
    if (!c->open || dirty == c->dirty)
        return;
    c->dirty = dirty;
    lo_send_from(c->manager, c->server, LO_TT_IMMEDIATE, dirty ? "/nsm/client/is_dirty" : "/nsm/client/is_clean",
                 "");
}

void nsm_client_gui_shown(nsm_client *c, int shown)
{
    if (!c->cb.show_gui || c->gui_sent == (shown != 0))
        return;
    c->gui_sent = shown != 0;
    lo_send_from(c->manager, c->server, LO_TT_IMMEDIATE,
                 shown ? "/nsm/client/gui_is_shown" : "/nsm/client/gui_is_hidden", "");
}

void nsm_client_free(nsm_client *c)
{
    if (!c)
        return;
    if (c->server)
        lo_server_free(c->server);
    if (c->manager)
        lo_address_free(c->manager);
    free(c);
}
