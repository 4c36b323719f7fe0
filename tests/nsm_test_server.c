/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nsm_test_server: the server side of the NSM API, just enough to test a
 * client: starts COMMAND with NSM_URL set, answers its announce, sends
 * /nsm/client/open PREFIX, runs CHECK (a shell command) once the open was
 * answered, sends /nsm/client/save, then ends the client with SIGTERM and
 * checks that it exits with status 0.
 *
 * With --gui shown|hidden (after CHECK): the client must announce
 * ":optional-gui:" and say whether its window is shown after the open; the
 * server sends /nsm/client/show_optional_gui and expects gui_is_shown (or
 * gui_is_hidden, where no window can open), runs --gui-check while it is
 * shown, then sends hide_optional_gui and expects gui_is_hidden; twice.
 *
 *   nsm_test_server [-x CHECK] [--expect-open-error] [--gui shown|hidden [--gui-check CMD]]
 *                   PREFIX CLIENT_ID -- COMMAND [ARGS...]
 *
 * Prints each step; exit status 0 when every step went as expected. */
#include <lo/lo.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
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

static lo_address g_client;
static lo_server g_server;
static char g_last_reply[256], g_last_error[256];
static int g_announced, g_error_code;
static char g_caps[128];
static int g_gui = -1, g_gui_messages; /* the client's last gui_is_shown (1) / gui_is_hidden (0) */

static int on_announce(const char *path, const char *types, lo_arg **argv, int argc, lo_message m, void *user)
{
    (void)path, (void)argc, (void)user;
    if (strcmp(types, "sssiii")) {
        printf("nsm_test_server: announce with types %s\n", types);
        return 0;
    }
    printf("nsm_test_server: announce from %s (capabilities '%s', executable %s, API %d.%d)\n", arg_s(argv[0]),
           arg_s(argv[1]), arg_s(argv[2]), arg_i(argv[3]), arg_i(argv[4]));
    snprintf(g_caps, sizeof g_caps, "%s", arg_s(argv[1]));
    if (arg_i(argv[3]) != 1)
        return 0;
    lo_address src = lo_message_get_source(m);
    g_client = lo_address_new_with_proto(lo_address_get_protocol(src), lo_address_get_hostname(src),
                                         lo_address_get_port(src));
    lo_send(g_client, "/reply", "ssss", "/nsm/server/announce", "welcome", "nsm_test_server", ":server-control:");
    g_announced = 1;
    return 0;
}

static int on_reply(const char *path, const char *types, lo_arg **argv, int argc, lo_message m, void *user)
{
    (void)path, (void)m, (void)user;
    if (argc >= 1 && types[0] == 's') {
        snprintf(g_last_reply, sizeof g_last_reply, "%s", arg_s(argv[0]));
        printf("nsm_test_server: /reply %s %s\n", arg_s(argv[0]), argc > 1 && types[1] == 's' ? arg_s(argv[1]) : "");
    }
    return 0;
}

static int on_error(const char *path, const char *types, lo_arg **argv, int argc, lo_message m, void *user)
{
    (void)path, (void)m, (void)user;
    if (argc >= 3 && !strcmp(types, "sis")) {
        snprintf(g_last_error, sizeof g_last_error, "%s", arg_s(argv[0]));
        g_error_code = arg_i(argv[1]);
        printf("nsm_test_server: /error %s %d %s\n", arg_s(argv[0]), arg_i(argv[1]), arg_s(argv[2]));
    }
    return 0;
}

static int on_other(const char *path, const char *types, lo_arg **argv, int argc, lo_message m, void *user)
{
    (void)types, (void)argv, (void)argc, (void)m, (void)user;
    printf("nsm_test_server: %s\n", path);
    if (!strcmp(path, "/nsm/client/gui_is_shown") || !strcmp(path, "/nsm/client/gui_is_hidden")) {
        g_gui = !strcmp(path, "/nsm/client/gui_is_shown");
        g_gui_messages++;
    }
    return 0;
}

/* Serves until cond() or timeout; 0 if cond became true. */
static int serve_until(lo_server s, int (*cond)(void), int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 50) {
        lo_server_recv_noblock(s, 50);
        if (cond())
            return 0;
    }
    return -1;
}

static const char *g_want;
static int g_gui_seen;
static int got_announce(void) { return g_announced; }
static int got_gui(void) { return g_gui_messages > g_gui_seen; }
static int got_reply(void) { return !strcmp(g_last_reply, g_want) || !strcmp(g_last_error, g_want); }

static void nap(void)
{
    struct timespec ts = {0, 50000000};
    nanosleep(&ts, NULL);
}

static int finish_child(pid_t child, int ok);

/* Ends the client, frees the OSC objects. */
static int finish(pid_t child, int ok)
{
    int rc = finish_child(child, ok);
    if (g_client)
        lo_address_free(g_client);
    if (g_server)
        lo_server_free(g_server);
    g_client = NULL;
    g_server = NULL;
    return rc;
}

static int finish_child(pid_t child, int ok)
{
    if (child > 0) {
        kill(child, SIGTERM);
        int st = 0;
        for (int i = 0; i < 200 && waitpid(child, &st, WNOHANG) == 0; i++)
            nap();
        if (waitpid(child, &st, WNOHANG) == 0 && kill(child, 0) == 0) {
            printf("nsm_test_server: the client ignored SIGTERM\n");
            kill(child, SIGKILL);
            waitpid(child, &st, 0);
            return 1;
        }
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            printf("nsm_test_server: the client ended with status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
            return 1;
        }
        printf("nsm_test_server: the client exited cleanly on SIGTERM\n");
    }
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *check = NULL, *gui = NULL, *gui_check = NULL;
    int expect_open_error = 0, i = 1;
    for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "-x") && i + 1 < argc)
            check = argv[++i];
        else if (!strcmp(argv[i], "--expect-open-error"))
            expect_open_error = 1;
        else if (!strcmp(argv[i], "--gui") && i + 1 < argc)
            gui = argv[++i];
        else if (!strcmp(argv[i], "--gui-check") && i + 1 < argc)
            gui_check = argv[++i];
    }
    if (argc - i < 4 || strcmp(argv[i + 2], "--")) {
        fprintf(stderr, "usage: nsm_test_server [-x CHECK] [--expect-open-error] PREFIX CLIENT_ID -- COMMAND...\n");
        return 2;
    }
    const char *prefix = argv[i], *client_id = argv[i + 1];
    char **cmd = &argv[i + 3];
    lo_server s = g_server = lo_server_new(NULL, NULL);
    if (!s)
        return 2;
    lo_server_add_method(s, "/nsm/server/announce", NULL, on_announce, NULL);
    lo_server_add_method(s, "/reply", NULL, on_reply, NULL);
    lo_server_add_method(s, "/error", NULL, on_error, NULL);
    lo_server_add_method(s, NULL, NULL, on_other, NULL);
    char *url = lo_server_get_url(s);
    printf("nsm_test_server: listening at %s\n", url);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        setenv("NSM_URL", url, 1);
        execvp(cmd[0], cmd);
        perror(cmd[0]);
        _exit(127);
    }
    free(url);
    if (serve_until(s, got_announce, 10000)) {
        printf("nsm_test_server: no announce\n");
        return finish(child, 0);
    }
    lo_send_from(g_client, s, LO_TT_IMMEDIATE, "/nsm/client/open", "sss", prefix, "camsep", client_id);
    g_want = "/nsm/client/open";
    if (serve_until(s, got_reply, 20000)) {
        printf("nsm_test_server: no answer to open\n");
        return finish(child, 0);
    }
    if (expect_open_error) {
        int ok = !strcmp(g_last_error, "/nsm/client/open") && g_error_code < 0;
        printf("nsm_test_server: open refused as expected: %s\n", ok ? "yes" : "no");
        return finish(child, ok);
    }
    if (strcmp(g_last_reply, "/nsm/client/open")) {
        printf("nsm_test_server: open failed\n");
        return finish(child, 0);
    }
    if (check) {
        int rc = system(check);
        printf("nsm_test_server: check '%s': %d\n", check, rc);
        if (rc != 0)
            return finish(child, 0);
    }
    if (gui) {
        const int want = !strcmp(gui, "shown");
        if (!strstr(g_caps, ":optional-gui:")) {
            printf("nsm_test_server: no :optional-gui: in '%s'\n", g_caps);
            return finish(child, 0);
        }
        if (serve_until(s, got_gui, 5000)) { /* the state after the open */
            printf("nsm_test_server: the client did not say whether its window is shown\n");
            return finish(child, 0);
        }
        for (int round = 1; round <= 2; round++) { /* shown, hidden, and again */
        g_gui_seen = g_gui_messages;
        lo_send_from(g_client, s, LO_TT_IMMEDIATE, "/nsm/client/show_optional_gui", "");
        if (serve_until(s, got_gui, 10000) || g_gui != want) {
            printf("nsm_test_server: show_optional_gui: the window is %s, expected %s\n",
                   g_gui == 1 ? "shown" : g_gui == 0 ? "hidden" : "not reported", gui);
            return finish(child, 0);
        }
        printf("nsm_test_server: show_optional_gui -> %s (round %d)\n", gui, round);
        if (gui_check) {
            int rc = system(gui_check);
            printf("nsm_test_server: gui check '%s': %d\n", gui_check, rc);
            if (rc != 0)
                return finish(child, 0);
        }
        g_gui_seen = g_gui_messages;
        lo_send_from(g_client, s, LO_TT_IMMEDIATE, "/nsm/client/hide_optional_gui", "");
        if (serve_until(s, got_gui, 10000) || g_gui != 0) {
            printf("nsm_test_server: hide_optional_gui: no gui_is_hidden\n");
            return finish(child, 0);
        }
        printf("nsm_test_server: hide_optional_gui -> hidden (round %d)\n", round);
        }
    }
    g_last_reply[0] = 0;
    lo_send_from(g_client, s, LO_TT_IMMEDIATE, "/nsm/client/save", "");
    g_want = "/nsm/client/save";
    if (serve_until(s, got_reply, 10000) || strcmp(g_last_reply, "/nsm/client/save")) {
        printf("nsm_test_server: save failed\n");
        return finish(child, 0);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s.conf", prefix);
    int ok = access(path, R_OK) == 0;
    printf("nsm_test_server: %s %s\n", path, ok ? "written" : "missing");
    return finish(child, ok);
}
