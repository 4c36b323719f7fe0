/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The camera preview segment (see shm_preview.h).
 *
 * Layout, version 1 (native byte order; a foreign-endian magic does not match):
 *   preview_header (static fields, then atomics), then the payload: the
 *   image's metadata (preview_meta) and its pixels, both as 64-bit atomic
 *   words. Seqlock: the writer stores seq odd (relaxed), the words (release),
 *   seq even (release); a reader loads seq (acquire), the words (acquire) and
 *   seq again, and keeps the copy only if both were the same even value.
 */
#define _POSIX_C_SOURCE 200809L
#include "shm_preview.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture_clock.h"
#include "shm_ring.h" /* camsep_shm_name_valid, CAMSEP_SHM_NAME_MAX */

#define PREVIEW_MAGIC 0x56505343u /* "CSPV" */
#define PREVIEW_VERSION 1u
#define STATE_STARTING 0u
#define STATE_LIVE 1u
#define STATE_CLOSED 2u
#define PIXEL_WORDS ((CAMSEP_PREVIEW_MAX_W * CAMSEP_PREVIEW_MAX_H + 7) / 8)

/* What precedes the pixels in camsep_preview_image. */
typedef struct preview_meta {
    int32_t width, height, src_width, src_height;
    int64_t timestamp_ns;
    uint64_t frame;
    int32_t n_boxes, reserved;
    camsep_box box[CAMSEP_PREVIEW_MAX_BOXES];
} preview_meta;
#define META_WORDS ((sizeof(preview_meta) + 7) / 8)

typedef struct preview_header {
    _Atomic uint32_t magic; /* last at creation */
    uint32_t version, max_w, max_h, max_boxes, meta_words;
    uint64_t total_size;
    _Atomic uint32_t state;
    _Atomic int32_t writer_pid;
    _Atomic int64_t heartbeat_ns;
    _Atomic uint64_t seq;
    _Atomic uint64_t meta[META_WORDS];
    _Atomic uint64_t pixels[PIXEL_WORDS];
} preview_header;

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "lock-free 64-bit atomics needed");
_Static_assert(CAMSEP_PREVIEW_MAX_W * CAMSEP_PREVIEW_MAX_H % 8 == 0, "whole pixel words");
_Static_assert(offsetof(camsep_preview_image, luma) == sizeof(preview_meta), "meta mirrors the image header");

struct camsep_preview_writer {
    preview_header *hdr;
    dev_t dev;
    ino_t ino;
    char name[CAMSEP_SHM_NAME_MAX];
    int64_t min_interval_ns, last_ns;
    uint64_t frames;
    int n_boxes;
    camsep_box boxes[CAMSEP_PREVIEW_MAX_BOXES]; /* frame pixels */
    uint64_t pixels[PIXEL_WORDS];               /* the downscaled image, before it is published */
};

struct camsep_preview_reader {
    const preview_header *hdr;
    dev_t dev;
    ino_t ino;
    int64_t timeout_ns;
    uint64_t last_frame; /* the last image returned (0: none) */
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

int camsep_preview_name(const char *ring_name, char *out, size_t outlen, char *err, size_t errlen)
{
    if (camsep_shm_name_valid(ring_name, err, errlen))
        return -1;
    const size_t need = strlen(ring_name) + sizeof CAMSEP_PREVIEW_SUFFIX;
    if (need > CAMSEP_SHM_NAME_MAX || need > outlen) {
        set_err(err, errlen, "shared-memory name \"%.40s\" is too long for its preview", ring_name);
        return -1;
    }
    snprintf(out, outlen, "%s%s", ring_name, CAMSEP_PREVIEW_SUFFIX);
    return 0;
}

static int layout_matches(const preview_header *h)
{
    return h->version == PREVIEW_VERSION && h->max_w == CAMSEP_PREVIEW_MAX_W && h->max_h == CAMSEP_PREVIEW_MAX_H &&
           h->max_boxes == CAMSEP_PREVIEW_MAX_BOXES && h->meta_words == META_WORDS &&
           h->total_size == sizeof(preview_header);
}

/* ---------------------------------------------------------------- writer */

static void init_segment(preview_header *h)
{
    memset(h, 0, sizeof *h);
    h->version = PREVIEW_VERSION;
    h->max_w = CAMSEP_PREVIEW_MAX_W;
    h->max_h = CAMSEP_PREVIEW_MAX_H;
    h->max_boxes = CAMSEP_PREVIEW_MAX_BOXES;
    h->meta_words = META_WORDS;
    h->total_size = sizeof *h;
    atomic_store_explicit(&h->magic, PREVIEW_MAGIC, memory_order_release);
}

static int writer_alive(const preview_header *h)
{
    if (atomic_load_explicit(&h->state, memory_order_acquire) != STATE_LIVE)
        return 0;
    const int32_t pid = atomic_load_explicit(&h->writer_pid, memory_order_relaxed);
    if (pid <= 0 || pid == (int32_t)getpid())
        return 0;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

camsep_preview_writer *camsep_preview_writer_create(const char *ring_name, double max_rate_hz, char *err,
                                                    size_t errlen)
{
    camsep_preview_writer *w = calloc(1, sizeof *w);
    if (!w) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    if (camsep_preview_name(ring_name, w->name, sizeof w->name, err, errlen)) {
        free(w);
        return NULL;
    }
    w->min_interval_ns = max_rate_hz > 0.0 ? (int64_t)(1e9 / max_rate_hz) : 0;
    w->last_ns = INT64_MIN;
    for (int attempt = 0; attempt < 2; attempt++) {
        const int fd = shm_open(w->name, O_RDWR | O_CREAT, 0644);
        if (fd < 0) {
            set_err(err, errlen, "%s: shm_open: %s", w->name, strerror(errno));
            break;
        }
        struct stat st;
        if (fstat(fd, &st) != 0) {
            set_err(err, errlen, "%s: fstat: %s", w->name, strerror(errno));
            close(fd);
            break;
        }
        const int fresh = st.st_size == 0;
        if (!fresh && (size_t)st.st_size != sizeof(preview_header)) {
            close(fd); /* an older layout, or something else: replace it */
            shm_unlink(w->name);
            continue;
        }
        if (fresh && ftruncate(fd, (off_t)sizeof(preview_header)) != 0) {
            set_err(err, errlen, "%s: ftruncate: %s", w->name, strerror(errno));
            close(fd);
            break;
        }
        void *m = mmap(NULL, sizeof(preview_header), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        close(fd);
        if (m == MAP_FAILED) {
            set_err(err, errlen, "%s: mmap: %s", w->name, strerror(errno));
            break;
        }
        preview_header *h = m;
        const uint32_t magic = atomic_load_explicit(&h->magic, memory_order_acquire);
        if (!fresh && magic == PREVIEW_MAGIC && layout_matches(h) && writer_alive(h)) {
            set_err(err, errlen, "%s: another camsep-capture (pid %d) publishes a preview there", w->name,
                    (int)atomic_load(&h->writer_pid));
            munmap(m, sizeof(preview_header));
            break;
        }
        if (fresh || magic != PREVIEW_MAGIC || !layout_matches(h))
            init_segment(h); /* new, or not ours: start clean */
        /* A dead writer's segment is taken over in place: mapped readers
         * follow. Frame numbers carry on from the dead writer's, so that a
         * reader never mistakes a new image for the one it read last. */
        if (!fresh && magic == PREVIEW_MAGIC && layout_matches(h)) {
            uint64_t words[META_WORDS];
            for (size_t i = 0; i < META_WORDS; i++)
                words[i] = atomic_load_explicit(&h->meta[i], memory_order_acquire);
            preview_meta last;
            memcpy(&last, words, sizeof last);
            w->frames = last.frame;
        }
        atomic_store_explicit(&h->writer_pid, (int32_t)getpid(), memory_order_relaxed);
        atomic_store_explicit(&h->heartbeat_ns, camsep_monotonic_ns(), memory_order_release);
        atomic_store_explicit(&h->state, STATE_LIVE, memory_order_release);
        w->hdr = h;
        w->dev = st.st_dev;
        w->ino = st.st_ino;
        return w;
    }
    free(w);
    return NULL;
}

void camsep_preview_writer_set_boxes(camsep_preview_writer *w, const camsep_box *boxes, int n)
{
    if (!w)
        return;
    n = n < 0 ? 0 : n > CAMSEP_PREVIEW_MAX_BOXES ? CAMSEP_PREVIEW_MAX_BOXES : n;
    if (n && boxes)
        memcpy(w->boxes, boxes, sizeof(camsep_box) * (size_t)n);
    w->n_boxes = boxes ? n : 0;
}

/* Area-average downscale by an integer factor into dst (tw x th, packed). */
static void downscale(uint8_t *dst, int tw, int th, int f, const uint8_t *src, int stride)
{
    const unsigned area = (unsigned)(f * f);
    for (int y = 0; y < th; y++)
        for (int x = 0; x < tw; x++) {
            unsigned sum = 0;
            for (int dy = 0; dy < f; dy++) {
                const uint8_t *row = src + (size_t)(y * f + dy) * (size_t)stride + (size_t)(x * f);
                for (int dx = 0; dx < f; dx++)
                    sum += row[dx];
            }
            dst[(size_t)y * (size_t)tw + (size_t)x] = (uint8_t)((sum + area / 2) / area);
        }
}

int camsep_preview_writer_publish(camsep_preview_writer *w, const uint8_t *luma, int width, int height, int stride,
                                  int64_t timestamp_ns)
{
    if (!w)
        return 0;
    if (!luma || width <= 0 || height <= 0 || stride < width)
        return -1;
    const int64_t now = camsep_monotonic_ns();
    if (w->min_interval_ns && w->last_ns != INT64_MIN && now - w->last_ns < w->min_interval_ns)
        return 0;
    w->last_ns = now;
    int f = 1;
    while ((width + f - 1) / f > CAMSEP_PREVIEW_MAX_W || (height + f - 1) / f > CAMSEP_PREVIEW_MAX_H)
        f++;
    const int tw = width / f > 0 ? width / f : 1, th = height / f > 0 ? height / f : 1;
    memset(w->pixels, 0, sizeof w->pixels);
    downscale((uint8_t *)w->pixels, tw, th, f, luma, stride);

    preview_meta meta;
    memset(&meta, 0, sizeof meta);
    meta.width = tw;
    meta.height = th;
    meta.src_width = width;
    meta.src_height = height;
    meta.timestamp_ns = timestamp_ns;
    meta.frame = ++w->frames;
    meta.n_boxes = w->n_boxes;
    for (int j = 0; j < w->n_boxes; j++) {
        const camsep_box *b = &w->boxes[j];
        meta.box[j] = (camsep_box){b->x / (float)width, b->y / (float)height, b->w / (float)width,
                                   b->h / (float)height};
    }
    uint64_t words[META_WORDS] = {0};
    memcpy(words, &meta, sizeof meta);

    preview_header *h = w->hdr;
    const size_t npix = ((size_t)tw * (size_t)th + 7) / 8;
    /* Odd means "being written". It is already odd when a writer died inside
     * an image and this one took the segment over: it stays so until ours is
     * complete. */
    const uint64_t s = atomic_load_explicit(&h->seq, memory_order_relaxed) | 1u;
    atomic_store_explicit(&h->seq, s, memory_order_relaxed);
    for (size_t i = 0; i < META_WORDS; i++)
        atomic_store_explicit(&h->meta[i], words[i], memory_order_release);
    for (size_t i = 0; i < npix; i++)
        atomic_store_explicit(&h->pixels[i], w->pixels[i], memory_order_release);
    atomic_store_explicit(&h->seq, s + 1, memory_order_release);
    atomic_store_explicit(&h->heartbeat_ns, now, memory_order_release);
    return 1;
}

void camsep_preview_writer_close(camsep_preview_writer *w)
{
    if (!w)
        return;
    atomic_store_explicit(&w->hdr->state, STATE_CLOSED, memory_order_release);
    /* unlink only our own segment (a newer writer may have replaced it) */
    const int fd = shm_open(w->name, O_RDONLY, 0);
    if (fd >= 0) {
        struct stat st;
        if (fstat(fd, &st) == 0 && st.st_dev == w->dev && st.st_ino == w->ino)
            shm_unlink(w->name);
        close(fd);
    }
    munmap(w->hdr, sizeof(preview_header));
    free(w);
}

/* ---------------------------------------------------------------- reader */

int camsep_preview_reader_try_open(const char *ring_name, const camsep_preview_reader *current,
                                   camsep_preview_reader **out, char *err, size_t errlen)
{
    *out = NULL;
    char name[CAMSEP_SHM_NAME_MAX];
    if (camsep_preview_name(ring_name, name, sizeof name, err, errlen))
        return -1;
    const int fd = shm_open(name, O_RDONLY, 0);
    if (fd < 0) {
        set_err(err, errlen, "%s: %s", name, strerror(errno));
        return 0;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || (current && current->dev == st.st_dev && current->ino == st.st_ino)) {
        close(fd);
        set_err(err, errlen, "%s: nothing new", name);
        return 0;
    }
    if ((size_t)st.st_size != sizeof(preview_header)) {
        close(fd);
        set_err(err, errlen, "%s: not a camsep preview segment of this version (%lld bytes)", name,
                (long long)st.st_size);
        return st.st_size == 0 ? 0 : -1; /* 0 bytes: a writer is creating it */
    }
    void *m = mmap(NULL, sizeof(preview_header), PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        set_err(err, errlen, "%s: mmap: %s", name, strerror(errno));
        return -1;
    }
    const preview_header *h = m;
    const uint32_t magic = atomic_load_explicit(&((preview_header *)m)->magic, memory_order_acquire);
    if (magic != PREVIEW_MAGIC || !layout_matches(h)) {
        munmap(m, sizeof(preview_header));
        set_err(err, errlen, "%s: %s", name, magic ? "not a camsep preview segment" : "not initialised yet");
        return magic ? -1 : 0;
    }
    camsep_preview_reader *r = calloc(1, sizeof *r);
    if (!r) {
        munmap(m, sizeof(preview_header));
        set_err(err, errlen, "out of memory");
        return -1;
    }
    r->hdr = h;
    r->dev = st.st_dev;
    r->ino = st.st_ino;
    r->timeout_ns = CAMSEP_PREVIEW_DEFAULT_TIMEOUT_NS;
    *out = r;
    return 1;
}

camsep_preview_reader *camsep_preview_reader_open(const char *ring_name, char *err, size_t errlen)
{
    camsep_preview_reader *r = NULL;
    camsep_preview_reader_try_open(ring_name, NULL, &r, err, errlen);
    return r;
}

void camsep_preview_reader_set_timeout(camsep_preview_reader *r, int64_t timeout_ns)
{
    if (r && timeout_ns > 0)
        r->timeout_ns = timeout_ns;
}

static void pause_briefly(void)
{
    struct timespec ts = {0, 100000};
    nanosleep(&ts, NULL);
}

camsep_preview_result camsep_preview_reader_read(camsep_preview_reader *r, camsep_preview_image *out)
{
    if (!r)
        return CAMSEP_PREVIEW_STALE;
    preview_header *h = (preview_header *)r->hdr; /* atomics are loaded only; the map is read-only */
    for (int attempt = 0; attempt < 1000; attempt++) {
        if (atomic_load_explicit(&h->state, memory_order_acquire) != STATE_LIVE)
            return CAMSEP_PREVIEW_STALE;
        const int64_t hb = atomic_load_explicit(&h->heartbeat_ns, memory_order_acquire);
        if (camsep_monotonic_ns() - hb > r->timeout_ns)
            return CAMSEP_PREVIEW_STALE;
        const uint64_t s0 = atomic_load_explicit(&h->seq, memory_order_acquire);
        if (s0 == 0)
            return CAMSEP_PREVIEW_SAME; /* live, nothing published yet */
        if (s0 & 1u) {
            pause_briefly();
            continue;
        }
        uint64_t words[META_WORDS];
        for (size_t i = 0; i < META_WORDS; i++)
            words[i] = atomic_load_explicit(&h->meta[i], memory_order_acquire);
        preview_meta meta;
        memcpy(&meta, words, sizeof meta);
        if (meta.frame == r->last_frame && atomic_load_explicit(&h->seq, memory_order_relaxed) == s0)
            return CAMSEP_PREVIEW_SAME;
        if (meta.width <= 0 || meta.height <= 0 || meta.width > CAMSEP_PREVIEW_MAX_W ||
            meta.height > CAMSEP_PREVIEW_MAX_H || meta.n_boxes < 0 || meta.n_boxes > CAMSEP_PREVIEW_MAX_BOXES) {
            if (atomic_load_explicit(&h->seq, memory_order_relaxed) != s0)
                continue;
            return CAMSEP_PREVIEW_STALE; /* a writer that writes nonsense */
        }
        const size_t npix = ((size_t)meta.width * (size_t)meta.height + 7) / 8;
        for (size_t i = 0; i < npix; i++) {
            const uint64_t v = atomic_load_explicit(&h->pixels[i], memory_order_acquire);
            memcpy(out->luma + 8 * i, &v, 8); /* npix * 8 <= sizeof out->luma: 320 x 240 is a multiple of 8 */
        }
        if (atomic_load_explicit(&h->seq, memory_order_relaxed) != s0) {
            pause_briefly(); /* the writer was inside: torn, read again */
            continue;
        }
        memcpy(out, &meta, sizeof meta);
        r->last_frame = meta.frame;
        return CAMSEP_PREVIEW_NEW;
    }
    return CAMSEP_PREVIEW_SAME; /* the writer kept us out: try at the next call */
}

void camsep_preview_reader_close(camsep_preview_reader *r)
{
    if (!r)
        return;
    munmap((void *)r->hdr, sizeof(preview_header));
    free(r);
}
