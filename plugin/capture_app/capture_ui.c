/* camsep-capture's window (see capture_ui.h). */
#define _POSIX_C_SOURCE 200809L
#include "capture_ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if CAMSEP_CAPTURE_HAVE_UI
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>

#include "camsep_ui.h"
#include "ui_box_mirror.h"
#include "ui_font_cache.h"
#include "capture_clock.h"

#define REFRESH_NS 200000000LL  /* meters and status, 5 times a second */
#define NAME_LEN 64

struct capture_ui {
    camsep_ui *ui;
    capture_ui_host host;
    int n;
    char names[CAMSEP_UI_MAX_PLAYERS][NAME_LEN];
    atomic_int closed, lost;
    /* host callbacks, ended by capture_ui_stop */
    pthread_mutex_t cb_lock;
    int detached;
    int64_t next_refresh; /* main loop */
    ui_box_mirror mirror; /* the boxes it shows, the status message (UI thread and main loop) */
};

/* The host's boxes into the window if they differ from what it shows (or
 * always with force: that ends an edit shown as proposed). */
static void sync_boxes(capture_ui *u, int force)
{
    camsep_box boxes[CAMSEP_UI_MAX_PLAYERS];
    memset(boxes, 0, sizeof boxes);
    u->host.get_boxes(u->host.user, boxes, u->n);
    ui_box_mirror_show(&u->mirror, u->ui, boxes, u->n, force);
}

/* Under cb_lock: names changed by OSC into the window. */
static void sync_names(capture_ui *u)
{
    if (!u->host.get_name)
        return;
    for (int j = 0; j < u->n; j++) {
        char name[NAME_LEN];
        u->host.get_name(u->host.user, j, name, sizeof name);
        if (strcmp(name, u->names[j])) {
            memcpy(u->names[j], name, sizeof name);
            camsep_ui_set_player_label(u->ui, j, name, NULL);
        }
    }
}

/* ---- callbacks (the library's UI thread) ---- */

static void on_box(void *user, int player, const camsep_box *box, const camsep_box *normalised)
{
    (void)normalised;
    capture_ui *u = user;
    char text[512];
    if (player < 0 || player >= u->n)
        return;
    pthread_mutex_lock(&u->cb_lock);
    if (u->detached) {
        pthread_mutex_unlock(&u->cb_lock);
        return; /* camsep-capture is stopping */
    }
    /* The capture runner analyses one box per player: a removal is refused. */
    char err[256] = "";
    const int refused = box && u->host.set_box(u->host.user, player, box, err, sizeof err);
    ui_box_mirror_describe(u->names[player], player, box, refused ? err : NULL, text, sizeof text);
    ui_box_mirror_say(&u->mirror, "camsep-capture", text);
    sync_boxes(u, 1);
    pthread_mutex_unlock(&u->cb_lock);
}

static void on_close(void *user)
{
    capture_ui *u = user;
    atomic_store(&u->closed, 1);
}

static void on_lost(void *user, const char *message)
{
    capture_ui *u = user;
    atomic_store(&u->lost, 1);
    fprintf(stderr, "camsep-capture: the window is gone (%s); running on without it\n", message);
}

/* ---- the API ---- */

capture_ui *capture_ui_open(const char *title, const char *const *names, int n, const capture_ui_host *host,
                            char *err, size_t errlen)
{
    if (n < 1 || n > CAMSEP_UI_MAX_PLAYERS || !host || !host->set_box || !host->get_boxes) {
        snprintf(err, errlen, "the window shows 1 to %d players", CAMSEP_UI_MAX_PLAYERS);
        return NULL;
    }
    capture_ui *u = calloc(1, sizeof *u);
    if (!u) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    u->host = *host;
    u->n = n;
    ui_box_mirror_init(&u->mirror);
    pthread_mutex_init(&u->cb_lock, NULL);
    camsep_ui_config uc;
    camsep_ui_config_default(&uc);
    uc.title = title;
    uc.n_players = n;
    for (int j = 0; j < n; j++) {
        snprintf(u->names[j], sizeof u->names[j], "%s", names[j]);
        uc.player_name[j] = u->names[j];
    }
    uc.callbacks = (camsep_ui_callbacks){on_box, on_close, on_lost, u};
    u->ui = camsep_ui_open(&uc, err, errlen);
    if (!u->ui) {
        pthread_mutex_destroy(&u->cb_lock);
        ui_box_mirror_destroy(&u->mirror);
        free(u);
        return NULL;
    }
    sync_boxes(u, 1);
    if (camsep_ui_start(u->ui, err, errlen)) {
        camsep_ui_close(u->ui);
        pthread_mutex_destroy(&u->cb_lock);
        ui_box_mirror_destroy(&u->mirror);
        free(u);
        return NULL;
    }
    return u;
}

void capture_ui_push_frame(capture_ui *u, const camsep_frame *f)
{
    if (u && !atomic_load_explicit(&u->lost, memory_order_relaxed))
        camsep_ui_push_frame(u->ui, f);
}

int capture_ui_update(capture_ui *u, const capture_ui_info *info)
{
    if (!u)
        return 0;
    const int closed = atomic_load(&u->closed);
    if (atomic_load(&u->lost))
        return closed;
    const int64_t now = camsep_monotonic_ns();
    if (now < u->next_refresh)
        return closed;
    u->next_refresh = now + REFRESH_NS;

    camsep_ui_set_meters(u->ui, info->motion, NULL, u->n);
    char line[256], text[800];
    int k = snprintf(line, sizeof line, "camera %s %.1f fps | analysis %.2f ms", info->camera, info->fps,
                     info->analysis_ms);
    if (info->records >= 0 && k > 0 && (size_t)k < sizeof line)
        snprintf(line + k, sizeof line - (size_t)k, " | published %lld", info->records);
    ui_box_mirror_status(&u->mirror, line, text, sizeof text);
    camsep_ui_set_status(u->ui, text);

    pthread_mutex_lock(&u->cb_lock); /* the host's state stays valid until capture_ui_stop */
    if (!u->detached) {
        sync_boxes(u, 0); /* boxes changed by OSC or SIGHUP */
        sync_names(u);
    }
    pthread_mutex_unlock(&u->cb_lock);
    return closed;
}

void capture_ui_stop(capture_ui *u)
{
    if (!u)
        return;
    pthread_mutex_lock(&u->cb_lock); /* waits for a callback in progress */
    u->detached = 1;
    pthread_mutex_unlock(&u->cb_lock);
}

void capture_ui_close(capture_ui *u)
{
    if (!u)
        return;
    capture_ui_stop(u);
    camsep_ui_close(u->ui); /* joins the UI thread (which closed Xlib itself if the display was lost) */
    pthread_mutex_destroy(&u->cb_lock);
    ui_box_mirror_destroy(&u->mirror);
    free(u);
    ui_release_font_caches(); /* the program's end: clean LeakSanitizer runs */
}

#else /* a build without the window (no libx11) */

capture_ui *capture_ui_open(const char *title, const char *const *names, int n, const capture_ui_host *host,
                            char *err, size_t errlen)
{
    (void)title;
    (void)names;
    (void)n;
    (void)host;
    snprintf(err, errlen, "this build has no window (it needs libx11 >= 1.7 and cairo)");
    return NULL;
}

void capture_ui_push_frame(capture_ui *u, const camsep_frame *f)
{
    (void)u;
    (void)f;
}

int capture_ui_update(capture_ui *u, const capture_ui_info *info)
{
    (void)u;
    (void)info;
    return 0;
}

void capture_ui_stop(capture_ui *u) { (void)u; }
void capture_ui_close(capture_ui *u) { (void)u; }

#endif
