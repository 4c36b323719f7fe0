/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for the Y4M frame source (stream header, FRAME lines,
 * planes, truncation).
 *
 * Each input is read to its end twice from memory: in one piece, and handed
 * over a few bytes at a time as a pipe would. Both must give the same frames
 * and the same final status and message (the reader resumes exactly where a
 * short read left it). Frames must match the source's size and come in
 * sequence with increasing timestamps; messages are one line naming the
 * input. Build with -DCAMSEP_FUZZ=ON and clang; see capture/y4m.cmake.
 */
#include "y4m_source.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct run_result {
    int opened;
    int width, height;
    uint64_t frames;
    uint64_t digest; /* over every delivered frame's pixels and timestamp */
    camsep_source_status last;
    char err[512];
} run_result;

static void check_message(const char *err)
{
    if (err[0] == 0 || strchr(err, '\n') || strncmp(err, "fuzz: ", 6) != 0)
        abort();
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x100000001b3ull;
}

static void run(const uint8_t *data, size_t size, size_t max_read, run_result *r)
{
    memset(r, 0, sizeof *r);
    r->digest = 0xcbf29ce484222325ull;
    camsep_frame_source *src = camsep_y4m_open_memory(data, size, max_read, "fuzz", 0, r->err, sizeof r->err);
    if (!src) {
        check_message(r->err);
        return;
    }
    r->opened = 1;
    r->width = src->width;
    r->height = src->height;
    if (src->width < 1 || src->width > CAMSEP_Y4M_MAX_DIM || src->height < 1 || src->height > CAMSEP_Y4M_MAX_DIM ||
        !(src->frame_rate > 0.0) || memchr(src->description, 0, sizeof src->description) == NULL)
        abort();
    int64_t last_ts = -1;
    for (;;) {
        camsep_frame f;
        camsep_source_status st = camsep_frame_source_read(src, &f, 0, r->err, sizeof r->err);
        r->last = st;
        if (st != CAMSEP_SOURCE_OK) {
            if (st == CAMSEP_SOURCE_ERROR)
                check_message(r->err);
            else if (st != CAMSEP_SOURCE_END)
                abort(); /* memory never times out */
            /* final */
            camsep_frame g;
            char again[512];
            if (camsep_frame_source_read(src, &g, 0, again, sizeof again) != st ||
                (st == CAMSEP_SOURCE_ERROR && strcmp(again, r->err) != 0))
                abort();
            break;
        }
        if (f.width != src->width || f.height != src->height || f.stride < f.width || !f.luma ||
            f.sequence != r->frames || f.timestamp_ns <= last_ts)
            abort();
        last_ts = f.timestamp_ns;
        for (int y = 0; y < f.height; y++) {
            const uint8_t *row = f.luma + (size_t)y * (size_t)f.stride;
            for (int x = 0; x < f.width; x++)
                r->digest = mix(r->digest, row[x]);
        }
        r->digest = mix(r->digest, (uint64_t)f.timestamp_ns);
        r->frames++;
    }
    camsep_frame_source_close(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static run_result a, b;
    run(data, size, 0, &a);
    size_t piece = 1;
    for (size_t i = 0; i < size && i < 64; i++)
        piece += data[i];
    piece = 1 + piece % 11;
    run(data, size, piece, &b);
    if (a.opened != b.opened || a.width != b.width || a.height != b.height || a.frames != b.frames ||
        a.digest != b.digest || a.last != b.last || strcmp(a.err, b.err) != 0)
        abort();
    return 0;
}
