/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "ui_box_mirror.h"
#include "capture_clock.h"

#include <stdio.h>
#include <string.h>

#define MESSAGE_NS 4000000000LL /* how long a message stays on the status line */

int ui_box_mirror_init(ui_box_mirror *m)
{
    memset(m, 0, sizeof *m);
    return pthread_mutex_init(&m->lock, NULL) ? -1 : 0;
}

void ui_box_mirror_destroy(ui_box_mirror *m)
{
    pthread_mutex_destroy(&m->lock);
}

void ui_box_mirror_show(ui_box_mirror *m, camsep_ui *ui, const camsep_box *boxes, int n, int force)
{
    camsep_box all[CAMSEP_UI_MAX_PLAYERS];
    memset(all, 0, sizeof all);
    n = n < 0 ? 0 : n > CAMSEP_UI_MAX_PLAYERS ? CAMSEP_UI_MAX_PLAYERS : n;
    memcpy(all, boxes, sizeof(camsep_box) * (size_t)n);
    pthread_mutex_lock(&m->lock);
    if (force || !m->have_shown || memcmp(all, m->shown, sizeof all) != 0) {
        memcpy(m->shown, all, sizeof all);
        m->have_shown = 1;
        camsep_ui_set_boxes(ui, all, n);
    }
    pthread_mutex_unlock(&m->lock);
}

void ui_box_mirror_say(ui_box_mirror *m, const char *program, const char *text)
{
    pthread_mutex_lock(&m->lock);
    snprintf(m->message, sizeof m->message, "%s", text);
    m->message_until = camsep_monotonic_ns() + MESSAGE_NS;
    pthread_mutex_unlock(&m->lock);
    printf("%s: ui: %s\n", program, text);
    fflush(stdout);
}

void ui_box_mirror_status(ui_box_mirror *m, const char *line, char *out, size_t outlen)
{
    const int64_t now = camsep_monotonic_ns();
    pthread_mutex_lock(&m->lock);
    if (now < m->message_until)
        snprintf(out, outlen, "%s | %s", m->message, line);
    else
        snprintf(out, outlen, "%s", line);
    pthread_mutex_unlock(&m->lock);
}

void ui_box_mirror_describe(const char *name, int player, const camsep_box *box, const char *err, char *out,
                            size_t outlen)
{
    if (!box)
        snprintf(out, outlen, "%s keeps its box: every player needs one (move or resize it instead)", name);
    else if (err)
        snprintf(out, outlen, "box for %s refused: %s", name, err);
    else
        snprintf(out, outlen, "box %d (%s) = %.0f,%.0f,%.0f,%.0f", player + 1, name, (double)box->x,
                 (double)box->y, (double)box->w, (double)box->h);
}
