/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Y4M frame source tests: colour spaces and sizes (luma checked byte for
 * byte), FRAME parameters and line bounds, media timestamps, pipes, FIFOs and
 * stdin (partial frames across timeouts), real-time pacing, truncation at
 * every length, hostile headers and frames, and no allocation per frame.
 *
 * The streams are built here, independently of the parser. With
 * --write-seeds DIR, writes a few streams as a fuzzing corpus and exits.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, fork, mkfifo, clock_gettime */

#include "y4m_source.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define TEST_SANITIZER_MALLOC 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TEST_SANITIZER_MALLOC 1
#endif

#ifdef TEST_SANITIZER_MALLOC
/* From <sanitizer/allocator_interface.h>, which gcc does not always install. */
int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void *, size_t),
                                              void (*free_hook)(const volatile void *));
#endif

/* A check that also shows the last error message. */
#define CHECK_ERR(cond, err)                                                                            \
    do {                                                                                                \
        if (!(cond)) {                                                                                  \
            fprintf(stderr, "%s:%d: check failed: %s (err: \"%s\")\n", __FILE__, __LINE__, #cond, err); \
            exit(1);                                                                                    \
        }                                                                                               \
    } while (0)

static char temp_dir[256];

/* ---- counting allocations (independent of the code under test) ---- */

static volatile long alloc_calls;

#ifdef TEST_SANITIZER_MALLOC
static void count_malloc(const volatile void *p, size_t n)
{
    (void)p;
    (void)n;
    alloc_calls++;
}
static void count_free(const volatile void *p)
{
    (void)p;
}
static void install_alloc_counter(void)
{
    __sanitizer_install_malloc_and_free_hooks(count_malloc, count_free);
}
#else
/* glibc: the executable's malloc interposes on everyone's. */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
void *malloc(size_t n)
{
    alloc_calls++;
    return __libc_malloc(n);
}
void *calloc(size_t n, size_t m)
{
    alloc_calls++;
    return __libc_calloc(n, m);
}
void *realloc(void *p, size_t n)
{
    alloc_calls++;
    return __libc_realloc(p, n);
}
static void install_alloc_counter(void)
{
}
#endif

/* ---- helpers ---- */

typedef struct bytes {
    unsigned char *p;
    size_t n, cap;
} bytes;

static void put(bytes *b, const void *data, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n)
            cap *= 2;
        b->p = realloc(b->p, cap);
        CHECK(b->p != NULL);
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void puts_(bytes *b, const char *s)
{
    put(b, s, strlen(s));
}

static void put_byte(bytes *b, unsigned char c, size_t count)
{
    for (size_t i = 0; i < count; i++)
        put(b, &c, 1);
}

static void bytes_free(bytes *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* The luma value of pixel (x, y) in frame k. */
static uint8_t pix(int x, int y, int k)
{
    return (uint8_t)(x * 7 + y * 13 + k * 31 + 5);
}

/* Samples in the planes after luma, from the Y4M colour-space definitions. */
static size_t other_samples(const char *colour, int w, int h)
{
    size_t cw2 = (size_t)(w + 1) / 2, ch2 = (size_t)(h + 1) / 2, cw4 = (size_t)(w + 3) / 4, n = (size_t)w * h;
    if (!colour || strncmp(colour, "420", 3) == 0)
        return 2 * cw2 * ch2;
    if (strcmp(colour, "411") == 0)
        return 2 * cw4 * (size_t)h;
    if (strncmp(colour, "422", 3) == 0)
        return 2 * cw2 * (size_t)h;
    if (strcmp(colour, "444alpha") == 0)
        return 3 * n;
    if (strncmp(colour, "444", 3) == 0)
        return 2 * n;
    CHECK(strncmp(colour, "mono", 4) == 0);
    return 0;
}

static int colour_depth(const char *colour)
{
    if (!colour)
        return 8;
    const char *p = strchr(colour, 'p');
    if (p && p[1] >= '0' && p[1] <= '9')
        return atoi(p + 1);
    if (strncmp(colour, "mono", 4) == 0 && colour[4])
        return atoi(colour + 4);
    return 8;
}

/* Bytes of one frame after its FRAME line. */
static size_t picture_bytes(const char *colour, int w, int h)
{
    size_t bps = colour_depth(colour) > 8 ? 2 : 1;
    return ((size_t)w * h + other_samples(colour, w, h)) * bps;
}

/* One frame's planes: luma from pix(), chroma a constant that pix() avoids
 * nowhere in particular but that must never show up in the luma. */
static void put_picture(bytes *b, const char *colour, int w, int h, int k)
{
    int depth = colour_depth(colour);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            if (depth == 8) {
                put_byte(b, pix(x, y, k), 1);
            } else {
                /* the 8-bit value in the top bits, junk in the low ones */
                unsigned v = (unsigned)pix(x, y, k) << (depth - 8) | ((unsigned)(x + y) & ((1u << (depth - 8)) - 1));
                unsigned char le[2] = {(unsigned char)(v & 0xff), (unsigned char)(v >> 8)};
                put(b, le, 2);
            }
        }
    size_t other = other_samples(colour, w, h) * (depth > 8 ? 2 : 1);
    for (size_t i = 0; i < other; i++)
        put_byte(b, (unsigned char)(0x80 + 3 * (i % 41)), 1);
}

/* A stream: header with the given tags, then frames "FRAME<params>\n" + planes. */
static void make_stream(bytes *b, int w, int h, const char *rate, const char *colour, const char *extra_tags,
                        const char *frame_params, int frames)
{
    char head[512];
    snprintf(head, sizeof head, "YUV4MPEG2 W%d H%d F%s%s%s%s\n", w, h, rate, colour ? " C" : "", colour ? colour : "",
             extra_tags ? extra_tags : "");
    puts_(b, head);
    for (int k = 0; k < frames; k++) {
        puts_(b, "FRAME");
        puts_(b, frame_params ? frame_params : "");
        puts_(b, "\n");
        put_picture(b, colour, w, h, k);
    }
}

static void path_in_temp(char *path, size_t n, const char *name)
{
    snprintf(path, n, "%s/%s", temp_dir, name);
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    CHECK(n == 0 || fwrite(data, 1, n, f) == n);
    CHECK(fclose(f) == 0);
}

/* One line, starting with "NAME: ". */
static void check_message(const char *err, const char *name)
{
    CHECK_ERR(err[0] != 0, err);
    CHECK_ERR(strchr(err, '\n') == NULL, err);
    size_t n = strlen(name);
    CHECK_ERR(strncmp(err, name, n) == 0 && err[n] == ':' && err[n + 1] == ' ', err);
}

static void check_offset(const char *err, unsigned long long offset)
{
    char want[64];
    snprintf(want, sizeof want, "(byte offset %llu)", offset);
    CHECK_ERR(strstr(err, want) != NULL, err);
}

/* Checks frame k of a stream made by make_stream. */
static void check_frame(const camsep_frame *f, int w, int h, int k)
{
    CHECK(f->width == w && f->height == h && f->stride >= w && f->luma != NULL);
    CHECK(f->sequence == (uint64_t)k);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (f->luma[(size_t)y * f->stride + x] != pix(x, y, k)) {
                fprintf(stderr, "frame %d %dx%d: luma (%d,%d) = %d, want %d\n", k, w, h, x, y,
                        f->luma[(size_t)y * f->stride + x], pix(x, y, k));
                exit(1);
            }
}

/* Reads all frames of a make_stream stream and the END after them. */
static void read_all(camsep_frame_source *src, int w, int h, int frames, int64_t period_num_ns,
                     int64_t period_den)
{
    char err[512] = "";
    camsep_frame f;
    for (int k = 0; k < frames; k++) {
        memset(&f, 0, sizeof f);
        camsep_source_status st = camsep_frame_source_read(src, &f, 1000, err, sizeof err);
        CHECK_ERR(st == CAMSEP_SOURCE_OK, err);
        check_frame(&f, w, h, k);
        int64_t want = ((int64_t)k * period_num_ns + period_den / 2) / period_den;
        CHECK(f.timestamp_ns == want);
    }
    CHECK(camsep_frame_source_read(src, &f, 1000, err, sizeof err) == CAMSEP_SOURCE_END);
    CHECK(camsep_frame_source_read(src, &f, 1000, err, sizeof err) == CAMSEP_SOURCE_END); /* final */
}

/* ---- tests ---- */

static void test_colour_spaces_and_sizes(void)
{
    static const char *colours[] = {NULL,     "420jpeg", "420paldv", "420mpeg2", "420",    "411",    "422",
                                    "444",    "444alpha", "mono",    "420p10",   "422p12", "444p16", "mono16",
                                    "420p9",  "mono9"};
    static const int sizes[][2] = {{1, 1}, {2, 2}, {3, 5}, {17, 9}, {64, 48}, {321, 241}};
    char path[512], err[512];
    path_in_temp(path, sizeof path, "colours.y4m");
    for (size_t c = 0; c < sizeof colours / sizeof colours[0]; c++)
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
            int w = sizes[z][0], h = sizes[z][1], frames = 3;
            bytes b = {0};
            make_stream(&b, w, h, "25:1", colours[c], NULL, NULL, frames);
            size_t head = strlen("YUV4MPEG2 W H F25:1\n") + (colours[c] ? 2 + strlen(colours[c]) : 0) +
                          (size_t)snprintf(NULL, 0, "%d%d", w, h);
            CHECK(b.n == head + (size_t)frames * (6 + picture_bytes(colours[c], w, h)));
            write_file(path, b.p, b.n);

            camsep_frame_source *src = camsep_y4m_open(path, 0, err, sizeof err);
            CHECK_ERR(src != NULL, err);
            CHECK(src->width == w && src->height == h && src->frame_rate == 25.0);
            CHECK(strstr(src->description, "colours.y4m") != NULL);
            char dims[64];
            snprintf(dims, sizeof dims, " %dx%d %s 25 fps", w, h, colours[c] ? colours[c] : "420jpeg");
            CHECK_ERR(strstr(src->description, dims) != NULL, src->description);
            read_all(src, w, h, frames, 40000000, 1);
            camsep_frame_source_close(src);

            /* the same from memory, handed over in odd pieces */
            src = camsep_y4m_open_memory(b.p, b.n, 7, "mem", 0, err, sizeof err);
            CHECK_ERR(src != NULL, err);
            read_all(src, w, h, frames, 40000000, 1);
            camsep_frame_source_close(src);
            bytes_free(&b);
        }
    CHECK(unlink(path) == 0);
}

static void test_timestamps_and_description(void)
{
    char err[512];
    bytes b = {0};
    make_stream(&b, 4, 2, "30000:1001", "mono", " Ib A1:1 XYSCSS=MONO", NULL, 40);
    camsep_frame_source *src = camsep_y4m_open_memory(b.p, b.n, 0, "ntsc", 0, err, sizeof err);
    CHECK_ERR(src != NULL, err);
    CHECK(src->frame_rate > 29.97 && src->frame_rate < 29.971);
    CHECK_ERR(strcmp(src->description, "ntsc 4x2 mono 29.97 fps") == 0, src->description);
    read_all(src, 4, 2, 40, 1001000000000LL, 30000);
    camsep_frame_source_close(src);
    bytes_free(&b);

    /* one frame a second, and 1000 fps */
    make_stream(&b, 2, 2, "1:1", NULL, NULL, NULL, 3);
    src = camsep_y4m_open_memory(b.p, b.n, 0, "slow", 0, err, sizeof err);
    CHECK_ERR(src != NULL, err);
    read_all(src, 2, 2, 3, 1000000000, 1);
    camsep_frame_source_close(src);
    bytes_free(&b);
    make_stream(&b, 2, 2, "1000:1", NULL, NULL, NULL, 3);
    src = camsep_y4m_open_memory(b.p, b.n, 0, "fast", 0, err, sizeof err);
    CHECK_ERR(src != NULL, err);
    read_all(src, 2, 2, 3, 1000000, 1);
    camsep_frame_source_close(src);
    bytes_free(&b);

    /* a long path: the description keeps the tail and the format */
    char name[400];
    memset(name, 'd', sizeof name - 1);
    name[sizeof name - 1] = 0;
    memcpy(name + sizeof name - 8, "end.y4m", 7);
    make_stream(&b, 2, 2, "25:1", NULL, NULL, NULL, 1);
    src = camsep_y4m_open_memory(b.p, b.n, 0, name, 0, err, sizeof err);
    CHECK_ERR(src != NULL, err);
    CHECK(strlen(src->description) < sizeof src->description);
    CHECK_ERR(strstr(src->description, "end.y4m 2x2 420jpeg 25 fps") != NULL, src->description);
    camsep_frame_source_close(src);
    bytes_free(&b);
}

static void test_header_tags_and_frame_params(void)
{
    char err[512];
    camsep_frame f;
    /* every tag, repeated X, runs of spaces, every interlacing mode */
    static const char *modes[] = {"p", "?", "t", "b", "m"};
    for (int i = 0; i < 5; i++) {
        bytes b = {0};
        char tags[128];
        snprintf(tags, sizeof tags, "  I%s A128:117 XYSCSS=420JPEG  XCOLORRANGE=FULL X ", modes[i]);
        make_stream(&b, 6, 4, "25:1", "420mpeg2", tags, " Ip XA=1 Xfoo=bar", 3);
        camsep_frame_source *src = camsep_y4m_open_memory(b.p, b.n, 0, "tags", 0, err, sizeof err);
        CHECK_ERR(src != NULL, err);
        read_all(src, 6, 4, 3, 40000000, 1);
        camsep_frame_source_close(src);
        bytes_free(&b);
    }

    /* W/H/F in any order; "FRAME " with an empty parameter list */
    {
        bytes b = {0};
        puts_(&b, "YUV4MPEG2 F25:1 Cmono H2 W3\nFRAME \n");
        put_picture(&b, "mono", 3, 2, 0);
        camsep_frame_source *src = camsep_y4m_open_memory(b.p, b.n, 0, "order", 0, err, sizeof err);
        CHECK_ERR(src != NULL, err);
        read_all(src, 3, 2, 1, 40000000, 1);
        camsep_frame_source_close(src);
        bytes_free(&b);
    }

    /* line bounds: a line of CAMSEP_Y4M_MAX_LINE bytes ('\n' included) is fine, one more is not */
    for (int extra = 0; extra <= 1; extra++) {
        bytes b = {0};
        puts_(&b, "YUV4MPEG2 W2 H2 F25:1 Cmono X");
        put_byte(&b, 'x', CAMSEP_Y4M_MAX_LINE - 1 - b.n + (size_t)extra);
        size_t head = b.n + 1;
        puts_(&b, "\n");
        CHECK(head == CAMSEP_Y4M_MAX_LINE + (size_t)extra);
        put_picture(&b, "mono", 2, 2, 0); /* no FRAME: must not matter when the header fails */
        camsep_frame_source *src = camsep_y4m_open_memory(b.p, b.n, 3, "long", 0, err, sizeof err);
        if (extra) {
            CHECK(src == NULL);
            check_message(err, "long");
            CHECK_ERR(strstr(err, "longer than 1024 bytes") != NULL, err);
            check_offset(err, 0);
        } else {
            CHECK_ERR(src != NULL, err);
            CHECK_ERR(camsep_frame_source_read(src, &f, 0, err, sizeof err) == CAMSEP_SOURCE_ERROR, err);
            check_offset(err, head); /* the picture where a FRAME line should be */
            CHECK_ERR(strstr(err, "frame 0: expected \"FRAME\"") != NULL, err);
            camsep_frame_source_close(src);
        }
        bytes_free(&b);
    }
    for (int extra = 0; extra <= 1; extra++) {
        bytes b = {0};
        make_stream(&b, 2, 2, "25:1", "mono", NULL, NULL, 1);
        size_t head = b.n;
        puts_(&b, "FRAME X");
        put_byte(&b, 'p', CAMSEP_Y4M_MAX_LINE - 1 - 7 + (size_t)extra);
        puts_(&b, "\n");
        put_picture(&b, "mono", 2, 2, 1);
        camsep_frame_source *src = camsep_y4m_open_memory(b.p, b.n, 0, "fl", 0, err, sizeof err);
        CHECK_ERR(src != NULL, err);
        CHECK(camsep_frame_source_read(src, &f, 0, err, sizeof err) == CAMSEP_SOURCE_OK);
        camsep_source_status st = camsep_frame_source_read(src, &f, 0, err, sizeof err);
        if (extra) {
            CHECK(st == CAMSEP_SOURCE_ERROR);
            check_message(err, "fl");
            CHECK_ERR(strstr(err, "frame 1: FRAME line longer than 1024 bytes") != NULL, err);
            check_offset(err, head);
        } else {
            CHECK_ERR(st == CAMSEP_SOURCE_OK, err);
            check_frame(&f, 2, 2, 1);
            CHECK(camsep_frame_source_read(src, &f, 0, err, sizeof err) == CAMSEP_SOURCE_END);
        }
        camsep_frame_source_close(src);
        bytes_free(&b);
    }
}

/* The small stream of the truncation test and its frame boundaries. */
static void test_truncation_at_every_length(void)
{
    bytes b = {0};
    make_stream(&b, 5, 3, "25:1", "420jpeg", " It", " Ixx", 3);
    size_t head = strlen("YUV4MPEG2 W5 H3 F25:1 C420jpeg It\n");
    size_t frame = strlen("FRAME Ixx\n") + picture_bytes("420jpeg", 5, 3);
    CHECK(b.n == head + 3 * frame);
    char path[512], err[512];
    path_in_temp(path, sizeof path, "cut.y4m");

    for (size_t n = 0; n <= b.n; n++)
        for (int mode = 0; mode < 3; mode++) {
            camsep_frame_source *src;
            const char *name = mode == 2 ? path : "cut";
            err[0] = 0;
            if (mode == 2) {
                write_file(path, b.p, n);
                src = camsep_y4m_open(path, 0, err, sizeof err);
            } else {
                src = camsep_y4m_open_memory(b.p, n, mode == 0 ? 0 : 1, name, 0, err, sizeof err);
            }
            if (n < head) {
                CHECK(src == NULL);
                check_message(err, name);
                check_offset(err, n);
                CHECK_ERR(strstr(err, n == 0 ? "empty stream" : "truncated stream header") != NULL, err);
                continue;
            }
            CHECK_ERR(src != NULL, err);
            size_t whole = (n - head) / frame, rest = (n - head) % frame;
            camsep_frame f;
            for (size_t k = 0; k < whole; k++) {
                CHECK_ERR(camsep_frame_source_read(src, &f, 0, err, sizeof err) == CAMSEP_SOURCE_OK, err);
                check_frame(&f, 5, 3, (int)k);
            }
            camsep_source_status st = camsep_frame_source_read(src, &f, 0, err, sizeof err);
            if (rest == 0) {
                CHECK(st == CAMSEP_SOURCE_END);
            } else {
                CHECK(st == CAMSEP_SOURCE_ERROR);
                check_message(err, name);
                check_offset(err, n);
                char want[64];
                snprintf(want, sizeof want, "truncated frame %zu: ", whole);
                CHECK_ERR(strstr(err, want) != NULL, err);
                const char *where = rest < 10 ? "FRAME line" : rest < 10 + 15 ? "luma plane" : "chroma planes";
                CHECK_ERR(strstr(err, where) != NULL, err);
                /* final: the same again */
                char again[512];
                CHECK(camsep_frame_source_read(src, &f, 0, again, sizeof again) == CAMSEP_SOURCE_ERROR);
                CHECK(strcmp(again, err) == 0);
            }
            camsep_frame_source_close(src);
        }
    CHECK(unlink(path) == 0);
    bytes_free(&b);
}

typedef struct hostile_case {
    const char *data;
    size_t len; /* 0: strlen */
    const char *message;
    long offset; /* -1: not checked */
} hostile_case;

static void test_hostile_headers(void)
{
    static const hostile_case cases[] = {
        {"", 0, "empty stream", 0},
        {"\n", 0, "not a Y4M stream", 0},
        {"YUV4MPEG3 W4 H4 F25:1\n", 0, "not a Y4M stream", 0},
        {"yuv4mpeg2 W4 H4 F25:1\n", 0, "not a Y4M stream", 0},
        {"YUV4MPEG2W4 H4 F25:1\n", 0, "not a Y4M stream", 0},
        {"\x1a\x45\xdf\xa3 matroska", 14, "not a Y4M stream", 0},
        {"YUV4MPEG2\n", 0, "no width (W)", 9},
        {"YUV4MPEG2 H4 F25:1\n", 0, "no width (W)", 18},
        {"YUV4MPEG2 W4 F25:1\n", 0, "no height (H)", 18},
        {"YUV4MPEG2 W4 H4\n", 0, "no frame rate (F)", 15},
        {"YUV4MPEG2 W4 H4 F25:1", 0, "truncated stream header", 21},
        {"YUV4MPEG2 W0 H4 F25:1\n", 0, "width \"W0\" out of range 1..8192", 10},
        {"YUV4MPEG2 W8193 H4 F25:1\n", 0, "width \"W8193\" out of range", 10},
        {"YUV4MPEG2 W4 H8193 F25:1\n", 0, "height \"H8193\" out of range", 13},
        {"YUV4MPEG2 W4 H0 F25:1\n", 0, "height \"H0\" out of range", 13},
        {"YUV4MPEG2 W99999999999999999999999 H4 F25:1\n", 0, "out of range", 10},
        {"YUV4MPEG2 W4294967297 H4 F25:1\n", 0, "out of range", 10},
        {"YUV4MPEG2 W-4 H4 F25:1\n", 0, "bad width \"W-4\"", 10},
        {"YUV4MPEG2 W+4 H4 F25:1\n", 0, "bad width", 10},
        {"YUV4MPEG2 W4x H4 F25:1\n", 0, "bad width", 10},
        {"YUV4MPEG2 W H4 F25:1\n", 0, "bad width", 10},
        {"YUV4MPEG2 W4 H4 F0:1\n", 0, "frame rate \"F0:1\" is not positive", 16},
        {"YUV4MPEG2 W4 H4 F25:0\n", 0, "is not positive", 16},
        {"YUV4MPEG2 W4 H4 F0:0\n", 0, "is not positive", 16},
        {"YUV4MPEG2 W4 H4 F25\n", 0, "bad frame rate \"F25\"", 16},
        {"YUV4MPEG2 W4 H4 F:1\n", 0, "bad frame rate", 16},
        {"YUV4MPEG2 W4 H4 F25:\n", 0, "bad frame rate", 16},
        {"YUV4MPEG2 W4 H4 F25:1:1\n", 0, "bad frame rate", 16},
        {"YUV4MPEG2 W4 H4 F-25:1\n", 0, "bad frame rate", 16},
        {"YUV4MPEG2 W4 H4 F25.0:1\n", 0, "bad frame rate", 16},
        {"YUV4MPEG2 W4 H4 F4294967296:1\n", 0, "out of range", 16},
        {"YUV4MPEG2 W4 H4 F1:3601\n", 0, "out of range", 16},
        {"YUV4MPEG2 W4 H4 F2000000:1\n", 0, "out of range", 16},
        {"YUV4MPEG2 W4 H4 F25:1 Ix\n", 0, "bad interlacing \"Ix\"", 22},
        {"YUV4MPEG2 W4 H4 F25:1 I\n", 0, "bad interlacing", 22},
        {"YUV4MPEG2 W4 H4 F25:1 Ipp\n", 0, "bad interlacing", 22},
        {"YUV4MPEG2 W4 H4 F25:1 C420p10x\n", 0, "unsupported colour space \"C420p10x\"", 22},
        {"YUV4MPEG2 W4 H4 F25:1 C420p8\n", 0, "unsupported colour space", 22},
        {"YUV4MPEG2 W4 H4 F25:1 C420p17\n", 0, "unsupported colour space", 22},
        {"YUV4MPEG2 W4 H4 F25:1 C420p010\n", 0, "unsupported colour space", 22},
        {"YUV4MPEG2 W4 H4 F25:1 Cmono8\n", 0, "unsupported colour space", 22},
        {"YUV4MPEG2 W4 H4 F25:1 C411p10\n", 0, "unsupported colour space", 22},
        {"YUV4MPEG2 W4 H4 F25:1 Cyuyv\n", 0, "unsupported colour space", 22},
        {"YUV4MPEG2 W4 H4 F25:1 C\n", 0, "unsupported colour space", 22},
        {"YUV4MPEG2 W4 H4 F25:1 C420jpeg\r\n", 0, "unsupported colour space \"C420jpeg?\"", 22},
        {"YUV4MPEG2 W4 H4 F25:1 Z9\n", 0, "unknown tag \"Z9\"", 22},
        {"YUV4MPEG2 W4 H4 F25:1 w4\n", 0, "unknown tag", 22},
        {"YUV4MPEG2 W4 H4\0 F25:1\n", 23, "bad height \"H4?\"", 13},
        {"YUV4MPEG2 W4 H4 \0 F25:1\n", 24, "unknown tag \"?\"", 16},
        {"YUV4MPEG2 W4\tH4 F25:1\n", 0, "bad width \"W4?H4\"", 10},
        {"YUV4MPEG2 W4 H4 F25:1 W4\n", 0, "repeated tag \"W4\"", 22},
        {"YUV4MPEG2 W4 H4 F25:1 F25:1\n", 0, "repeated tag", 22},
        {"YUV4MPEG2 W4 H4 F25:1 Cmono C420\n", 0, "repeated tag", 28},
        {"YUV4MPEG2 W4 H4 F25:1 Ip It\n", 0, "repeated tag", 25},
    };
    char err[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const hostile_case *c = &cases[i];
        size_t len = c->len ? c->len : strlen(c->data);
        for (size_t max_read = 0; max_read <= 2; max_read++) {
            memset(err, 'z', sizeof err);
            err[sizeof err - 1] = 0;
            camsep_frame_source *src = camsep_y4m_open_memory(c->data, len, max_read, "hostile", 0, err, sizeof err);
            if (src) {
                fprintf(stderr, "hostile case %zu opened: %s\n", i, c->data);
                exit(1);
            }
            check_message(err, "hostile");
            if (!strstr(err, c->message)) {
                fprintf(stderr, "hostile case %zu: got \"%s\", want \"%s\"\n", i, err, c->message);
                exit(1);
            }
            if (c->offset >= 0)
                check_offset(err, (unsigned long long)c->offset);
        }
    }

    /* a header that never ends: stops at the line bound, not at the end */
    {
        bytes b = {0};
        puts_(&b, "YUV4MPEG2 W4 H4 F25:1 X");
        put_byte(&b, 'a', 1 << 20);
        camsep_frame_source *src = camsep_y4m_open_memory(b.p, b.n, 0, "endless", 0, err, sizeof err);
        CHECK(src == NULL);
        check_message(err, "endless");
        CHECK_ERR(strstr(err, "stream header longer than 1024 bytes") != NULL, err);
        bytes_free(&b);
    }

    /* the largest frame opens (one 64 MiB buffer) and an empty stream ends */
    {
        const char *h = "YUV4MPEG2 W8192 H8192 F25:1 Cmono\n";
        camsep_frame_source *src = camsep_y4m_open_memory(h, strlen(h), 0, "big", 0, err, sizeof err);
        CHECK_ERR(src != NULL, err);
        camsep_frame f;
        CHECK(camsep_frame_source_read(src, &f, 0, err, sizeof err) == CAMSEP_SOURCE_END);
        camsep_frame_source_close(src);
    }

    /* no error buffer at all */
    CHECK(camsep_y4m_open_memory("nope", 4, 0, "x", 0, NULL, 0) == NULL);
    CHECK(camsep_y4m_open_memory("nope", 4, 0, "x", 0, err, 1) == NULL && err[0] == 0);
    CHECK(camsep_y4m_open_memory(NULL, 0, 0, NULL, 0, err, sizeof err) == NULL);
    check_message(err, "memory");

    /* a name with control characters stays one line */
    CHECK(camsep_y4m_open_memory("nope", 4, 0, "evil\nname", 0, err, sizeof err) == NULL);
    check_message(err, "evil?name");

    /* files that are not there, or not files */
    char path[512];
    path_in_temp(path, sizeof path, "missing.y4m");
    CHECK(camsep_y4m_open(path, 0, err, sizeof err) == NULL);
    check_message(err, path);
    CHECK_ERR(strstr(err, "cannot open") != NULL, err);
    CHECK(camsep_y4m_open(temp_dir, 0, err, sizeof err) == NULL);
    check_message(err, temp_dir);
    CHECK(camsep_y4m_open_fd(-1, 0, "nofd", 0, err, sizeof err) == NULL);
    check_message(err, "nofd");
}

static void test_hostile_frames(void)
{
    static const struct {
        const char *frame_line; /* replaces the second frame's FRAME line */
        const char *message;
    } cases[] = {
        {"FRAMX\n", "frame 1: expected \"FRAME\", found \"FRAMX\""},
        {"FRAMEX\n", "expected \"FRAME\", found \"FRAMEX\""},
        {"frame\n", "expected \"FRAME\""},
        {"\n", "expected \"FRAME\", found \"\""},
        {" FRAME\n", "expected \"FRAME\""},
        {"FRAME\t\n", "expected \"FRAME\", found \"FRAME?\""},
        {"YUV4MPEG2 W2 H2 F25:1\n", "expected \"FRAME\", found \"Y\""},
    };
    char err[512];
    camsep_frame f;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bytes b = {0};
        make_stream(&b, 3, 3, "25:1", "422", NULL, NULL, 1);
        size_t at = b.n;
        puts_(&b, cases[i].frame_line);
        put_picture(&b, "422", 3, 3, 1);
        for (size_t max_read = 0; max_read <= 1; max_read++) {
            camsep_frame_source *src = camsep_y4m_open_memory(b.p, b.n, max_read, "hf", 0, err, sizeof err);
            CHECK_ERR(src != NULL, err);
            CHECK_ERR(camsep_frame_source_read(src, &f, 0, err, sizeof err) == CAMSEP_SOURCE_OK, err);
            check_frame(&f, 3, 3, 0);
            CHECK(camsep_frame_source_read(src, &f, 0, err, sizeof err) == CAMSEP_SOURCE_ERROR);
            check_message(err, "hf");
            CHECK_ERR(strstr(err, cases[i].message) != NULL, err);
            check_offset(err, at);
            camsep_frame_source_close(src);
        }
        bytes_free(&b);
    }

    /* an endless FRAME line */
    bytes b = {0};
    make_stream(&b, 2, 2, "25:1", "mono", NULL, NULL, 0);
    size_t at = b.n;
    puts_(&b, "FRAME ");
    put_byte(&b, 'I', 100000);
    camsep_frame_source *src = camsep_y4m_open_memory(b.p, b.n, 0, "hf", 0, err, sizeof err);
    CHECK_ERR(src != NULL, err);
    CHECK(camsep_frame_source_read(src, &f, 0, err, sizeof err) == CAMSEP_SOURCE_ERROR);
    CHECK_ERR(strstr(err, "frame 0: FRAME line longer than 1024 bytes") != NULL, err);
    check_offset(err, at);
    camsep_frame_source_close(src);
    bytes_free(&b);
}

static void test_regular_file_ignores_timeout(void)
{
    char path[512], err[512];
    path_in_temp(path, sizeof path, "file.y4m");
    bytes b = {0};
    make_stream(&b, 320, 240, "25:1", "420", NULL, NULL, 4);
    write_file(path, b.p, b.n);
    camsep_frame_source *src = camsep_y4m_open(path, 0, err, sizeof err);
    CHECK_ERR(src != NULL, err);
    camsep_frame f;
    for (int k = 0; k < 4; k++) {
        CHECK_ERR(camsep_frame_source_read(src, &f, 0, err, sizeof err) == CAMSEP_SOURCE_OK, err);
        check_frame(&f, 320, 240, k);
    }
    CHECK(camsep_frame_source_read(src, &f, 0, err, sizeof err) == CAMSEP_SOURCE_END);
    camsep_frame_source_close(src);

    /* stdin redirected from a regular file */
    int saved = dup(STDIN_FILENO);
    CHECK(saved >= 0);
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0 && dup2(fd, STDIN_FILENO) == STDIN_FILENO);
    close(fd);
    src = camsep_y4m_open("-", 0, err, sizeof err);
    CHECK_ERR(src != NULL, err);
    CHECK(strncmp(src->description, "stdin 320x240 420 25 fps", 24) == 0);
    CHECK_ERR(camsep_frame_source_read(src, &f, 0, err, sizeof err) == CAMSEP_SOURCE_OK, err);
    check_frame(&f, 320, 240, 0);
    camsep_frame_source_close(src);
    CHECK(fcntl(STDIN_FILENO, F_GETFD) >= 0); /* "-" leaves stdin open */
    CHECK(dup2(saved, STDIN_FILENO) == STDIN_FILENO);
    close(saved);

    CHECK(unlink(path) == 0);
    bytes_free(&b);
}

/* ---- pipes ---- */

static void write_all(int fd, const void *data, size_t n)
{
    const unsigned char *p = data;
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            _exit(3);
        p += k;
        n -= (size_t)k;
    }
}

static void wait_child(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        CHECK(errno == EINTR);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_pipe_partial_frames_and_timeouts(void)
{
    bytes b = {0};
    make_stream(&b, 320, 240, "25:1", "420jpeg", NULL, " Ip", 3);
    size_t head = strlen("YUV4MPEG2 W320 H240 F25:1 C420jpeg\n");
    size_t frame = strlen("FRAME Ip\n") + picture_bytes("420jpeg", 320, 240);
    size_t cut = head + frame + frame / 2; /* half of frame 1 */
    int data[2], ctl[2];
    CHECK(pipe(data) == 0 && pipe(ctl) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(data[0]);
        close(ctl[1]);
        write_all(data[1], b.p, cut);
        char c;
        if (read(ctl[0], &c, 1) != 1)
            _exit(2);
        write_all(data[1], b.p + cut, b.n - cut);
        _exit(0);
    }
    close(data[1]);
    close(ctl[0]);

    char err[512];
    camsep_frame f;
    camsep_frame_source *src = camsep_y4m_open_fd(data[0], 1, "pipe", 0, err, sizeof err);
    CHECK_ERR(src != NULL, err);
    CHECK_ERR(camsep_frame_source_read(src, &f, 5000, err, sizeof err) == CAMSEP_SOURCE_OK, err);
    check_frame(&f, 320, 240, 0);
    CHECK(f.timestamp_ns == 0);

    int64_t t0 = now_ns();
    CHECK(camsep_frame_source_read(src, &f, 50, err, sizeof err) == CAMSEP_SOURCE_AGAIN);
    int64_t dt = now_ns() - t0;
    CHECK(dt >= 45000000 && dt < 2000000000);
    t0 = now_ns();
    CHECK(camsep_frame_source_read(src, &f, 0, err, sizeof err) == CAMSEP_SOURCE_AGAIN);
    CHECK(now_ns() - t0 < 1000000000); /* a read that blocked would wait for the writer for good */

    CHECK(write(ctl[1], "g", 1) == 1);
    CHECK_ERR(camsep_frame_source_read(src, &f, 5000, err, sizeof err) == CAMSEP_SOURCE_OK, err);
    check_frame(&f, 320, 240, 1); /* resumed across the timeouts */
    CHECK(f.timestamp_ns == 40000000);
    CHECK_ERR(camsep_frame_source_read(src, &f, 5000, err, sizeof err) == CAMSEP_SOURCE_OK, err);
    check_frame(&f, 320, 240, 2);
    CHECK(camsep_frame_source_read(src, &f, 5000, err, sizeof err) == CAMSEP_SOURCE_END);
    camsep_frame_source_close(src);
    close(ctl[1]);
    wait_child(pid);
    bytes_free(&b);
}

/* A writer that trickles a stream in small pieces (exercising every resume
 * point), optionally stopping early, into fd; returns its pid. */
static pid_t trickle(int fd, const bytes *b, size_t stop_at, size_t piece)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        for (size_t i = 0; i < stop_at; i += piece) {
            size_t n = stop_at - i < piece ? stop_at - i : piece;
            write_all(fd, b->p + i, n);
            if (i % (piece * 64) == 0)
                sleep_ms(1);
        }
        _exit(0);
    }
    return pid;
}

static void test_stdin_fifo_and_truncated_pipe(void)
{
    char err[512];
    camsep_frame f;
    bytes b = {0};
    make_stream(&b, 7, 5, "50:1", "444", " Ip", " Ip Xpts=1", 4);

    /* "-" on a pipe, written a few bytes at a time, read with short timeouts */
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t pid = trickle(p[1], &b, b.n, 3);
    close(p[1]);
    int saved = dup(STDIN_FILENO);
    CHECK(saved >= 0 && dup2(p[0], STDIN_FILENO) == STDIN_FILENO);
    close(p[0]);
    camsep_frame_source *src = camsep_y4m_open("-", 0, err, sizeof err);
    CHECK_ERR(src != NULL, err);
    int k = 0, agains = 0;
    for (;;) {
        camsep_source_status st = camsep_frame_source_read(src, &f, 1, err, sizeof err);
        if (st == CAMSEP_SOURCE_AGAIN) {
            agains++;
            CHECK(agains < 100000);
            continue;
        }
        if (st == CAMSEP_SOURCE_END)
            break;
        CHECK_ERR(st == CAMSEP_SOURCE_OK, err);
        check_frame(&f, 7, 5, k);
        CHECK(f.timestamp_ns == (int64_t)k * 20000000);
        k++;
    }
    CHECK(k == 4);
    camsep_frame_source_close(src);
    CHECK(dup2(saved, STDIN_FILENO) == STDIN_FILENO);
    close(saved);
    wait_child(pid);

    /* a named FIFO; the writer quits in the middle of frame 2 */
    char fifo[512];
    path_in_temp(fifo, sizeof fifo, "fifo.y4m");
    CHECK(mkfifo(fifo, 0600) == 0);
    size_t head = strlen("YUV4MPEG2 W7 H5 F50:1 C444 Ip\n");
    size_t frame = strlen("FRAME Ip Xpts=1\n") + picture_bytes("444", 7, 5);
    size_t stop = head + 2 * frame + 20;
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int fd = open(fifo, O_WRONLY);
        if (fd < 0)
            _exit(2);
        write_all(fd, b.p, stop);
        _exit(0);
    }
    src = camsep_y4m_open(fifo, 0, err, sizeof err);
    CHECK_ERR(src != NULL, err);
    for (k = 0; k < 2; k++) {
        CHECK_ERR(camsep_frame_source_read(src, &f, 5000, err, sizeof err) == CAMSEP_SOURCE_OK, err);
        check_frame(&f, 7, 5, k);
    }
    CHECK(camsep_frame_source_read(src, &f, 5000, err, sizeof err) == CAMSEP_SOURCE_ERROR);
    check_message(err, fifo);
    CHECK_ERR(strstr(err, "truncated frame 2: the stream ends in its luma plane") != NULL, err);
    check_offset(err, stop);
    camsep_frame_source_close(src);
    wait_child(pid);

    /* a writer that says nothing at all */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int fd = open(fifo, O_WRONLY);
        _exit(fd < 0 ? 2 : 0);
    }
    CHECK(camsep_y4m_open(fifo, 0, err, sizeof err) == NULL);
    check_message(err, fifo);
    CHECK_ERR(strstr(err, "empty stream") != NULL, err);
    wait_child(pid);

    /* a writer that sends the header and then waits: reads time out */
    int ctl[2];
    CHECK(pipe(p) == 0 && pipe(ctl) == 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        close(ctl[1]);
        write_all(p[1], b.p, head);
        char c;
        if (read(ctl[0], &c, 1) < 0)
            _exit(2);
        _exit(0);
    }
    close(p[1]);
    close(ctl[0]);
    src = camsep_y4m_open_fd(p[0], 1, "quiet", 0, err, sizeof err);
    CHECK_ERR(src != NULL, err);
    int64_t t0 = now_ns();
    CHECK(camsep_frame_source_read(src, &f, 0, err, sizeof err) == CAMSEP_SOURCE_AGAIN);
    CHECK(camsep_frame_source_read(src, &f, 30, err, sizeof err) == CAMSEP_SOURCE_AGAIN);
    int64_t dt = now_ns() - t0;
    CHECK(dt >= 25000000 && dt < 2000000000);
    close(ctl[1]); /* the writer quits: a clean end at a frame boundary */
    CHECK(camsep_frame_source_read(src, &f, 5000, err, sizeof err) == CAMSEP_SOURCE_END);
    camsep_frame_source_close(src);
    wait_child(pid);

    CHECK(unlink(fifo) == 0);
    bytes_free(&b);
}

/* ---- pacing ---- */

static void test_pacing(void)
{
    char err[512];
    camsep_frame f;
    bytes b = {0};
    make_stream(&b, 4, 4, "50:1", "mono", NULL, NULL, 5);
    camsep_frame_source *src = camsep_y4m_open_memory(b.p, b.n, 0, "paced", 1, err, sizeof err);
    CHECK_ERR(src != NULL, err);
    int64_t ts[5];
    for (int k = 0; k < 5; k++) {
        int64_t before = now_ns();
        CHECK_ERR(camsep_frame_source_read(src, &f, -1, err, sizeof err) == CAMSEP_SOURCE_OK, err);
        int64_t after = now_ns();
        check_frame(&f, 4, 4, k);
        ts[k] = f.timestamp_ns;
        CHECK(ts[k] >= before && ts[k] <= after); /* CLOCK_MONOTONIC at delivery */
        /* Never early against the schedule (frame k at k x 20 ms). A frame that came
         * late but within one interval keeps the schedule's phase, so the next one may
         * follow it closely: the gap between two frames says nothing on a loaded machine. */
        int64_t since_first = ts[k] - ts[0];
        if (since_first < (int64_t)k * 20000000 - 1000000 || since_first > (int64_t)k * 20000000 + 1000000000) {
            fprintf(stderr, "paced frame %d came %.3f ms after frame 0 (due at %d ms)\n", k, since_first / 1e6,
                    k * 20);
            exit(1);
        }
    }
    CHECK(camsep_frame_source_read(src, &f, -1, err, sizeof err) == CAMSEP_SOURCE_END);
    camsep_frame_source_close(src);
    bytes_free(&b);

    /* a timeout shorter than the wait for the next frame: AGAIN, and the frame keeps its time */
    make_stream(&b, 4, 4, "4:1", "mono", NULL, NULL, 2);
    src = camsep_y4m_open_memory(b.p, b.n, 0, "slow", 1, err, sizeof err);
    CHECK_ERR(src != NULL, err);
    CHECK_ERR(camsep_frame_source_read(src, &f, 1000, err, sizeof err) == CAMSEP_SOURCE_OK, err);
    int64_t first = f.timestamp_ns;
    int64_t t0 = now_ns();
    CHECK(camsep_frame_source_read(src, &f, 50, err, sizeof err) == CAMSEP_SOURCE_AGAIN);
    int64_t dt = now_ns() - t0;
    CHECK(dt >= 49000000 && dt < 240000000);
    t0 = now_ns();
    CHECK(camsep_frame_source_read(src, &f, 0, err, sizeof err) == CAMSEP_SOURCE_AGAIN);
    CHECK(now_ns() - t0 < 100000000); /* a read that slept until the frame was due: some 200 ms */
    CHECK_ERR(camsep_frame_source_read(src, &f, -1, err, sizeof err) == CAMSEP_SOURCE_OK, err);
    check_frame(&f, 4, 4, 1);
    CHECK(f.timestamp_ns - first >= 250000000 && f.timestamp_ns - first < 1000000000);
    camsep_frame_source_close(src);
    bytes_free(&b);

    /* falling behind re-anchors instead of bursting: after a 100 ms stall at
     * 100 fps, the next frames are still about 10 ms apart */
    make_stream(&b, 2, 2, "100:1", "mono", NULL, NULL, 4);
    src = camsep_y4m_open_memory(b.p, b.n, 0, "stall", 1, err, sizeof err);
    CHECK_ERR(src != NULL, err);
    CHECK(camsep_frame_source_read(src, &f, -1, err, sizeof err) == CAMSEP_SOURCE_OK);
    sleep_ms(100);
    CHECK(camsep_frame_source_read(src, &f, -1, err, sizeof err) == CAMSEP_SOURCE_OK);
    int64_t late = f.timestamp_ns;
    CHECK(camsep_frame_source_read(src, &f, -1, err, sizeof err) == CAMSEP_SOURCE_OK);
    CHECK(f.timestamp_ns - late >= 9000000);
    camsep_frame_source_close(src);
    bytes_free(&b);
}

/* ---- no allocation per frame ---- */

static void test_no_allocation_per_frame(void)
{
    char path[512], err[512];
    path_in_temp(path, sizeof path, "many.y4m");
    bytes b = {0};
    int frames = 200;
    make_stream(&b, 64, 48, "25:1", "420jpeg", NULL, " Ip", frames);
    write_file(path, b.p, b.n);
    for (int mode = 0; mode < 2; mode++) {
        camsep_frame_source *src = mode ? camsep_y4m_open_memory(b.p, b.n, 100, "m", 0, err, sizeof err)
                                        : camsep_y4m_open(path, 0, err, sizeof err);
        CHECK_ERR(src != NULL, err);
        camsep_frame f;
        const uint8_t *first = NULL;
        int bad = 0, wrong_buffer = 0;
        long before = alloc_calls;
        for (int k = 0; k < frames; k++) {
            if (camsep_frame_source_read(src, &f, 0, err, sizeof err) != CAMSEP_SOURCE_OK || f.sequence != (uint64_t)k ||
                f.luma[0] != pix(0, 0, k) || f.luma[64 * 48 - 1] != pix(63, 47, k))
                bad++;
            if (!first)
                first = f.luma;
            if (f.luma != first)
                wrong_buffer++;
        }
        bad += camsep_frame_source_read(src, &f, 0, err, sizeof err) != CAMSEP_SOURCE_END;
        long calls = alloc_calls - before;
        CHECK(bad == 0);
        CHECK(wrong_buffer == 0); /* one frame buffer */
        if (calls != 0) {
            fprintf(stderr, "%ld allocations while reading %d frames\n", calls, frames);
            exit(1);
        }
        camsep_frame_source_close(src);
    }
    /* the counter counts: an open allocates */
    long before = alloc_calls;
    camsep_frame_source *src = camsep_y4m_open(path, 0, err, sizeof err);
    CHECK_ERR(src != NULL, err);
    CHECK(alloc_calls > before);
    camsep_frame_source_close(src);
    CHECK(unlink(path) == 0);
    bytes_free(&b);
}

/* ---- seeds for the fuzzer ---- */

static int write_seeds(const char *dir)
{
    static const struct {
        const char *name, *colour, *tags, *params;
        int w, h, frames;
    } seeds[] = {
        {"mono.y4m", "mono", NULL, NULL, 3, 2, 2},
        {"420.y4m", "420jpeg", " Ip A1:1 XYSCSS=420JPEG", " Ip", 5, 3, 2},
        {"422.y4m", "422", " It", NULL, 4, 4, 1},
        {"444alpha.y4m", "444alpha", NULL, " Xa=b", 2, 3, 2},
        {"411.y4m", "411", NULL, NULL, 5, 2, 2},
        {"420p10.y4m", "420p10", NULL, NULL, 3, 3, 2},
        {"mono16.y4m", "mono16", " Ib", NULL, 2, 2, 2},
        {"default.y4m", NULL, " I? A0:0", NULL, 2, 2, 1},
    };
    char path[1024];
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        bytes b = {0};
        make_stream(&b, seeds[i].w, seeds[i].h, "30000:1001", seeds[i].colour, seeds[i].tags, seeds[i].params,
                    seeds[i].frames);
        snprintf(path, sizeof path, "%s/%s", dir, seeds[i].name);
        write_file(path, b.p, b.n);
        bytes_free(&b);
    }
    return 0;
}

static void remove_temp_dir(void)
{
    if (temp_dir[0])
        rmdir(temp_dir);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0)
        return write_seeds(argv[2]);
    signal(SIGPIPE, SIG_IGN);
    install_alloc_counter();
    snprintf(temp_dir, sizeof temp_dir, "/tmp/camsep-test-y4m-XXXXXX");
    CHECK(mkdtemp(temp_dir) != NULL);
    atexit(remove_temp_dir);

    test_colour_spaces_and_sizes();
    test_timestamps_and_description();
    test_header_tags_and_frame_params();
    test_truncation_at_every_length();
    test_hostile_headers();
    test_hostile_frames();
    test_regular_file_ignores_timeout();
    test_pipe_partial_frames_and_timeouts();
    test_stdin_fifo_and_truncated_pipe();
    test_pacing();
    test_no_allocation_per_frame();

    CHECK(rmdir(temp_dir) == 0); /* every test removed its files */
    temp_dir[0] = 0;
    printf("y4m: all tests passed\n");
    return 0;
}
