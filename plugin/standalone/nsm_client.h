/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A minimal client of the NSM (New/Non Session Manager) API over liblo:
 * announce to $NSM_URL, then answer /nsm/client/open and /nsm/client/save by
 * calling the host back, and report dirty/clean (capability ":dirty:"). With
 * a show_gui callback it also announces ":optional-gui:": the session manager
 * shows and hides the window (/nsm/client/show_optional_gui,
 * /nsm/client/hide_optional_gui) and is told where it stands
 * (/nsm/client/gui_is_shown, /nsm/client/gui_is_hidden). NSM ends a client
 * with SIGTERM, which the host handles like any other.
 *
 * Threading: everything runs on the thread that calls nsm_client_poll (the
 * host's main thread); the callbacks run inside it.
 */
#ifndef CAMSEP_NSM_CLIENT_H
#define CAMSEP_NSM_CLIENT_H

#include <stddef.h>

/* NSM error codes (API 1.x). */
enum {
    NSM_ERR_GENERAL = -1,
    NSM_ERR_INCOMPATIBLE_API = -2,
    NSM_ERR_BLACKLISTED = -3,
    NSM_ERR_LAUNCH_FAILED = -4,
    NSM_ERR_NO_SUCH_FILE = -5,
    NSM_ERR_NO_SESSION_OPEN = -6,
    NSM_ERR_UNSAVED_CHANGES = -7,
    NSM_ERR_NOT_NOW = -8,
    NSM_ERR_BAD_PROJECT = -9,
    NSM_ERR_CREATE_FAILED = -10,
};

typedef struct nsm_callbacks {
    /* path: a prefix the client owns (it appends its own extension);
     * client_id: the unique name to use (e.g. as the JACK client name).
     * Returns 0 (msg: what was done) or an NSM_ERR_* code (msg: why). */
    int (*open)(void *user, const char *path, const char *display_name, const char *client_id, char *msg,
                size_t size);
    int (*save)(void *user, char *msg, size_t size);
    void *user;
    /* Optional (NULL: no ":optional-gui:"): show (1) or hide (0) the window;
     * returns 1 if it is shown afterwards, else 0. */
    int (*show_gui)(void *user, int show);
} nsm_callbacks;

typedef struct nsm_client nsm_client;

/* Announces to url (the value of NSM_URL). NULL with the reason in err. */
nsm_client *nsm_client_new(const char *url, const char *app_name, const char *executable,
                           const nsm_callbacks *cb, char *err, size_t errlen);
/* Handles the messages that arrive within timeout_ms. Returns the number handled. */
int nsm_client_poll(nsm_client *c, int timeout_ms);
/* 1 once /nsm/client/open was answered successfully. */
int nsm_client_is_open(const nsm_client *c);
/* The session manager's name once it has answered the announce ("" before). */
const char *nsm_client_manager(const nsm_client *c);
/* Tells the session manager the client has (or no longer has) unsaved changes. */
void nsm_client_set_dirty(nsm_client *c, int dirty);
/* Tells the session manager whether the window is shown (sent only when it
 * differs from what was last sent; needs show_gui). */
void nsm_client_gui_shown(nsm_client *c, int shown);
void nsm_client_free(nsm_client *c);

#endif
