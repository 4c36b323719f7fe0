/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Y4M (YUV4MPEG2) frame source. See y4m_source.h for the accepted format and
 * the behaviour of reads.
 *
 * The reader is a resumable state machine over one input buffer, so that a
 * pipe read that times out in the middle of a frame (CAMSEP_SOURCE_AGAIN)
 * continues where it stopped on the next call:
 *   LINE   collecting a FRAME line (at most CAMSEP_Y4M_MAX_LINE bytes)
 *   LUMA   copying the Y plane into the frame buffer
 *   SKIP   discarding the chroma (and alpha) planes
 *   READY  a whole frame is in the frame buffer, waiting for its time (pacing)
 *   END, ERROR: final.
 * The stream header is read with the same line reader at open.
 */
#define _POSIX_C_SOURCE 200809L

#include "y4m_source.h"

#include "capture_clock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define Y4M_MAGIC "YUV4MPEG2"
#define Y4M_MAGIC_LEN 9
#define Y4M_RBUF_SIZE 65536
#define Y4M_NAME_LEN 256
#define Y4M_MSG_LEN 512
#define Y4M_NS_PER_S 1000000000ull
#define Y4M_MIN_PERIOD_NS 1000.0                /* 1 MHz frame rate */
#define Y4M_MAX_PERIOD_NS 3600.0 * 1000000000.0 /* one frame an hour */

typedef enum y4m_state { ST_LINE, ST_LUMA, ST_SKIP, ST_READY, ST_END, ST_ERROR } y4m_state;

/* Results of the input layer. */
enum { IO_OK = 0, IO_EOF, IO_AGAIN, IO_ERR };

/* Chroma layouts: how many chroma/alpha samples follow the luma plane. */
typedef enum y4m_layout { LAYOUT_MONO, LAYOUT_420, LAYOUT_411, LAYOUT_422, LAYOUT_444, LAYOUT_444ALPHA } y4m_layout;

typedef struct y4m_source {
    camsep_frame_source base; /* first: the source header */

    /* Input: a file descriptor, or memory. */
    int fd;
    int own_fd;
    int pollable; /* pipes, FIFOs, sockets, terminals: honour read timeouts */
    const unsigned char *mem;
    size_t mem_size, mem_pos, max_read;

    /* The input buffer: rbuf[rpos..rlen) is read but not consumed yet. */
    size_t rpos, rlen;
    uint64_t offset; /* stream offset of the next byte to consume */

    /* Format. */
    char colour[16];
    int depth;                /* bits per sample: 8, or 9..16 stored as 16-bit LE */
    size_t luma_bytes;        /* bytes of the Y plane on the wire */
    uint64_t skip_bytes;      /* bytes of the other planes */
    uint64_t rate_num, rate_den;
    uint64_t period_q, period_r; /* 1e9 * den = q * num + r */

    /* Frame reader. */
    y4m_state state;
    size_t line_len;
    uint64_t part_pos;    /* bytes done of the current plane part */
    uint64_t frame_start; /* stream offset of the current frame's FRAME line */
    uint64_t index;       /* frames delivered so far */
    uint8_t *frame;       /* luma_bytes */

    /* Pacing. */
    int pace;
    int anchored;
    int64_t anchor_ns;
    uint64_t anchor_index;

    char name[Y4M_NAME_LEN];
    char msg[Y4M_MSG_LEN];
    char line[CAMSEP_Y4M_MAX_LINE + 1];
    unsigned char rbuf[Y4M_RBUF_SIZE];
} y4m_source;

/* ---- messages ---- */

static void copy_message(char *err, size_t errlen, const char *msg)
{
    if (err && errlen > 0)
        snprintf(err, errlen, "%s", msg);
}

/* A printable, one-line copy of untrusted bytes: control and non-ASCII bytes
 * become '?'; long input keeps its head and ends with "...". */
static void printable(char *dst, size_t dstlen, const char *src, size_t n)
{
    size_t max = dstlen - 1, o = 0;
    int cut = n > max;
    if (cut)
        n = max > 3 ? max - 3 : 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (cut)
        for (int i = 0; i < 3 && o < max; i++)
            dst[o++] = '.';
    dst[o] = 0;
}

/* A name for messages: printable, and long paths keep their tail. */
static void set_name(y4m_source *s, const char *name)
{
    size_t n = strlen(name);
    if (n < sizeof s->name) {
        printable(s->name, sizeof s->name, name, n);
        return;
    }
    size_t keep = sizeof s->name - 4;
    memcpy(s->name, "...", 3);
    printable(s->name + 3, sizeof s->name - 3, name + n - keep, keep);
}

/* Records a fault: "NAME: problem (byte offset N)"; the source stays in ERROR. */
__attribute__((format(printf, 3, 4))) static void fail(y4m_source *s, uint64_t offset, const char *fmt, ...)
{
    char what[200]; /* with the name and the offset, fits in msg */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(s->msg, sizeof s->msg, "%s: %s (byte offset %llu)", s->name, what, (unsigned long long)offset);
    s->state = ST_ERROR;
}

/* ---- input ---- */

static int64_t deadline_after(int timeout_ms)
{
    if (timeout_ms < 0)
        return INT64_MAX;
    return camsep_monotonic_ns() + (int64_t)timeout_ms * 1000000;
}

/* Reads up to n bytes into dst: IO_OK with *got > 0, IO_EOF, IO_AGAIN (a pipe
 * had nothing before the deadline) or IO_ERR (message recorded). */
static int input_read(y4m_source *s, unsigned char *dst, size_t n, int64_t deadline, size_t *got)
{
    *got = 0;
    if (s->mem) {
        size_t left = s->mem_size - s->mem_pos;
        if (left == 0)
            return IO_EOF;
        if (n > left)
            n = left;
        if (s->max_read > 0 && n > s->max_read)
            n = s->max_read;
        memcpy(dst, s->mem + s->mem_pos, n);
        s->mem_pos += n;
        *got = n;
        return IO_OK;
    }
    if (n > SSIZE_MAX)
        n = SSIZE_MAX;
    for (;;) {
        if (s->pollable) {
            int ms = -1;
            if (deadline != INT64_MAX) {
                int64_t left = deadline - camsep_monotonic_ns();
                if (left <= 0)
                    ms = 0; /* still take what is already there */
                else if (left / 1000000 >= INT_MAX)
                    ms = INT_MAX;
                else
                    ms = (int)((left + 999999) / 1000000);
            }
            struct pollfd p = {.fd = s->fd, .events = POLLIN};
            int r = poll(&p, 1, ms);
            if (r < 0) {
                if (errno == EINTR)
                    continue;
                fail(s, s->offset, "poll failed: %s", strerror(errno));
                return IO_ERR;
            }
            if (r == 0)
                return IO_AGAIN;
        }
        ssize_t k = read(s->fd, dst, n);
        if (k > 0) {
            *got = (size_t)k;
            return IO_OK;
        }
        if (k == 0)
            return IO_EOF;
        if (errno == EINTR)
            continue;
        if ((errno == EAGAIN || errno == EWOULDBLOCK) && s->pollable)
            continue; /* a non-blocking descriptor: wait in poll() */
        fail(s, s->offset, "read failed: %s", strerror(errno));
        return IO_ERR;
    }
}

/* Refills the (empty) input buffer. */
static int fill(y4m_source *s, int64_t deadline)
{
    size_t got;
    s->rpos = s->rlen = 0;
    int r = input_read(s, s->rbuf, sizeof s->rbuf, deadline, &got);
    if (r == IO_OK)
        s->rlen = got;
    return r;
}

static void consume(y4m_source *s, size_t n)
{
    s->rpos += n;
    s->offset += n;
}

/* Where the bytes of a line so far stop matching the given prefix followed by
 * a space or the end of the line: the index of the first wrong byte, or
 * (size_t)-1 while they still match. With complete, a line that ends inside
 * the prefix is wrong at its end. */
static size_t prefix_mismatch(const char *line, size_t len, const char *prefix, size_t plen, int complete)
{
    for (size_t i = 0; i < len && i < plen; i++)
        if (line[i] != prefix[i])
            return i;
    if (len > plen && line[plen] != ' ')
        return plen;
    if (complete && len < plen)
        return len;
    return (size_t)-1;
}

/* ---- lines ---- */

enum { LINE_OK = 0, LINE_EOF, LINE_AGAIN, LINE_ERR, LINE_LONG, LINE_BAD_PREFIX };

/* Collects one line (without its '\n') into s->line, resumably. The prefix
 * ("FRAME" or the magic) is checked as soon as its bytes are in. */
static int read_line(y4m_source *s, int64_t deadline, const char *prefix, size_t plen)
{
    for (;;) {
        if (s->rpos == s->rlen) {
            int r = fill(s, deadline);
            if (r == IO_EOF)
                return LINE_EOF;
            if (r == IO_AGAIN)
                return LINE_AGAIN;
            if (r != IO_OK)
                return LINE_ERR;
        }
        size_t room = CAMSEP_Y4M_MAX_LINE - 1 - s->line_len; /* content bytes still allowed */
        size_t avail = s->rlen - s->rpos;
        size_t look = avail < room + 1 ? avail : room + 1;
        const unsigned char *p = s->rbuf + s->rpos;
        const unsigned char *nl = memchr(p, '\n', look);
        size_t take = nl ? (size_t)(nl - p) : (look > room ? room : look);
        memcpy(s->line + s->line_len, p, take);
        s->line_len += take;
        s->line[s->line_len] = 0;
        size_t bad = prefix_mismatch(s->line, s->line_len, prefix, plen, nl != NULL);
        if (bad != (size_t)-1) {
            /* keep the line up to its first wrong byte, whatever the reads
             * were: messages do not depend on how the input was split */
            s->line_len = bad < s->line_len ? bad + 1 : s->line_len;
            s->line[s->line_len] = 0;
            return LINE_BAD_PREFIX;
        }
        consume(s, take);
        if (nl) {
            consume(s, 1);
            return LINE_OK;
        }
        if (look > room)
            return LINE_LONG;
    }
}

/* ---- stream header ---- */

static int parse_u64(const char *p, size_t n, uint64_t max, uint64_t *out)
{
    if (n == 0)
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (max - d) / 10)
            return -1; /* too large */
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}

/* Parses the value of C; 0 if unknown. */
static int parse_colour(const char *v, size_t n, y4m_layout *layout, int *depth)
{
    static const struct {
        const char *name;
        y4m_layout layout;
    } plain[] = {
        {"420jpeg", LAYOUT_420}, {"420paldv", LAYOUT_420}, {"420mpeg2", LAYOUT_420},
        {"420", LAYOUT_420},     {"411", LAYOUT_411},      {"422", LAYOUT_422},
        {"444", LAYOUT_444},     {"444alpha", LAYOUT_444ALPHA}, {"mono", LAYOUT_MONO},
    };
    static const struct {
        const char *prefix;
        y4m_layout layout;
    } deep[] = {{"420p", LAYOUT_420}, {"422p", LAYOUT_422}, {"444p", LAYOUT_444}, {"mono", LAYOUT_MONO}};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (strlen(plain[i].name) == n && memcmp(plain[i].name, v, n) == 0) {
            *layout = plain[i].layout;
            *depth = 8;
            return 1;
        }
    for (size_t i = 0; i < sizeof deep / sizeof deep[0]; i++) {
        size_t pl = strlen(deep[i].prefix);
        uint64_t d;
        if (n > pl && memcmp(deep[i].prefix, v, pl) == 0 && v[pl] != '0' &&
            parse_u64(v + pl, n - pl, 99, &d) == 1 && d >= 9 && d <= 16) {
            *layout = deep[i].layout;
            *depth = (int)d;
            return 1;
        }
    }
    return 0;
}

static int parse_header(y4m_source *s)
{
    const char *line = s->line;
    size_t len = s->line_len;
    uint64_t w = 0, h = 0, num = 0, den = 0;
    int have_w = 0, have_h = 0, have_f = 0, have_i = 0, have_c = 0;
    y4m_layout layout = LAYOUT_420;
    int depth = 8;
    char cname[16] = "420jpeg";
    char tok[48];

    size_t i = Y4M_MAGIC_LEN;
    while (i < len) {
        if (line[i] == ' ') {
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && line[i] != ' ')
            i++;
        const char *t = line + start, *v = t + 1;
        size_t tn = i - start, vn = tn - 1;
        printable(tok, sizeof tok, t, tn);
        int *seen = NULL;
        switch (t[0]) {
        case 'W': seen = &have_w; break;
        case 'H': seen = &have_h; break;
        case 'F': seen = &have_f; break;
        case 'I': seen = &have_i; break;
        case 'C': seen = &have_c; break;
        case 'A':
        case 'X': continue; /* aspect and extensions: ignored */
        default: fail(s, start, "unknown tag \"%s\" in stream header", tok); return -1;
        }
        if (*seen) {
            fail(s, start, "repeated tag \"%s\" in stream header", tok);
            return -1;
        }
        *seen = 1;
        if (t[0] == 'W' || t[0] == 'H') {
            uint64_t d = 0;
            int r = parse_u64(v, vn, UINT64_MAX, &d);
            if (r == 0) {
                fail(s, start, "bad %s \"%s\": expected a number", t[0] == 'W' ? "width" : "height", tok);
                return -1;
            }
            if (r < 0 || d < 1 || d > CAMSEP_Y4M_MAX_DIM) {
                fail(s, start, "%s \"%s\" out of range 1..%d", t[0] == 'W' ? "width" : "height", tok,
                     CAMSEP_Y4M_MAX_DIM);
                return -1;
            }
            *(t[0] == 'W' ? &w : &h) = d;
        } else if (t[0] == 'F') {
            const char *colon = memchr(v, ':', vn);
            int rn = colon ? parse_u64(v, (size_t)(colon - v), UINT32_MAX, &num) : 0;
            int rd = colon ? parse_u64(colon + 1, vn - (size_t)(colon + 1 - v), UINT32_MAX, &den) : 0;
            if (rn == 0 || rd == 0) {
                fail(s, start, "bad frame rate \"%s\": expected F<num>:<den>", tok);
                return -1;
            }
            if (rn < 0 || rd < 0) {
                fail(s, start, "frame rate \"%s\" out of range", tok);
                return -1;
            }
            if (num == 0 || den == 0) {
                fail(s, start, "frame rate \"%s\" is not positive", tok);
                return -1;
            }
            double period = (double)den * 1e9 / (double)num;
            if (period < Y4M_MIN_PERIOD_NS || period > Y4M_MAX_PERIOD_NS) {
                fail(s, start, "frame rate \"%s\" out of range (1 frame per hour to 1000000 fps)", tok);
                return -1;
            }
        } else if (t[0] == 'I') {
            if (vn != 1 || !strchr("p?tbm", v[0])) {
                fail(s, start, "bad interlacing \"%s\": expected Ip, I?, It, Ib or Im", tok);
                return -1;
            }
        } else { /* C */
            if (!parse_colour(v, vn, &layout, &depth)) {
                fail(s, start, "unsupported colour space \"%s\"", tok);
                return -1;
            }
            memcpy(cname, v, vn); /* at most "444alpha" or "mono16" */
            cname[vn] = 0;
        }
    }
    if (!have_w || !have_h || !have_f) {
        fail(s, len, "stream header has no %s", !have_w ? "width (W)" : !have_h ? "height (H)" : "frame rate (F)");
        return -1;
    }

    uint64_t luma = w * h, cw2 = (w + 1) / 2, ch2 = (h + 1) / 2, cw4 = (w + 3) / 4, other = 0;
    switch (layout) {
    case LAYOUT_MONO: other = 0; break;
    case LAYOUT_420: other = 2 * cw2 * ch2; break;
    case LAYOUT_411: other = 2 * cw4 * h; break;
    case LAYOUT_422: other = 2 * cw2 * h; break;
    case LAYOUT_444: other = 2 * luma; break;
    case LAYOUT_444ALPHA: other = 3 * luma; break;
    }
    uint64_t bps = depth > 8 ? 2 : 1;
    s->base.width = (int)w;
    s->base.height = (int)h;
    s->base.frame_rate = (double)num / (double)den;
    s->depth = depth;
    s->luma_bytes = (size_t)(luma * bps);
    s->skip_bytes = other * bps;
    s->rate_num = num;
    s->rate_den = den;
    s->period_q = den * Y4M_NS_PER_S / num;
    s->period_r = den * Y4M_NS_PER_S % num;
    snprintf(s->colour, sizeof s->colour, "%s", cname);
    return 0;
}

/* ---- time ---- */

/* Media time of frame k in ns: round(k * 1e9 * den / num), exactly; saturates. */
static int64_t media_time_ns(const y4m_source *s, uint64_t k)
{
    uint64_t num = s->rate_num;
    uint64_t a = k / num, b = k % num; /* k = a num + b */
    /* k (q num + r) / num = k q + a r + b r / num */
    if (s->period_q != 0 && k > (uint64_t)INT64_MAX / s->period_q)
        return INT64_MAX;
    uint64_t t = k * s->period_q;
    if (s->period_r != 0 && a > ((uint64_t)INT64_MAX - t) / s->period_r)
        return INT64_MAX;
    t += a * s->period_r;
    uint64_t frac = (b * s->period_r + num / 2) / num; /* b, r < num < 2^32 */
    if (frac > (uint64_t)INT64_MAX - t)
        return INT64_MAX;
    return (int64_t)(t + frac);
}

/* ---- frames ---- */

static void to_8bit(y4m_source *s)
{
    size_t n = s->luma_bytes / 2;
    int shift = s->depth - 8;
    uint8_t *f = s->frame;
    for (size_t i = 0; i < n; i++) { /* in place: f[i] is written after f[2i], f[2i+1] are read */
        unsigned v = ((unsigned)f[2 * i] | (unsigned)f[2 * i + 1] << 8) >> shift;
        f[i] = (uint8_t)(v > 255 ? 255 : v);
    }
}

static void fail_truncated(y4m_source *s, const char *where)
{
    fail(s, s->offset, "truncated frame %llu: the stream ends %s", (unsigned long long)s->index, where);
}

/* Advances the state machine until a frame is READY; returns OK, or the
 * status to report (AGAIN, END, ERROR). */
static camsep_source_status fetch_frame(y4m_source *s, int64_t deadline)
{
    while (s->state != ST_READY) {
        switch (s->state) {
        case ST_LINE: {
            if (s->line_len == 0)
                s->frame_start = s->offset;
            int r = read_line(s, deadline, "FRAME", 5);
            if (r == LINE_AGAIN)
                return CAMSEP_SOURCE_AGAIN;
            if (r == LINE_ERR)
                return CAMSEP_SOURCE_ERROR;
            if (r == LINE_EOF) {
                if (s->line_len == 0) {
                    s->state = ST_END;
                    return CAMSEP_SOURCE_END;
                }
                fail_truncated(s, "in its FRAME line");
                return CAMSEP_SOURCE_ERROR;
            }
            if (r == LINE_BAD_PREFIX) {
                char tok[32];
                printable(tok, sizeof tok, s->line, s->line_len);
                fail(s, s->frame_start, "frame %llu: expected \"FRAME\", found \"%s\"", (unsigned long long)s->index,
                     tok);
                return CAMSEP_SOURCE_ERROR;
            }
            if (r == LINE_LONG) {
                fail(s, s->frame_start, "frame %llu: FRAME line longer than %d bytes", (unsigned long long)s->index,
                     CAMSEP_Y4M_MAX_LINE);
                return CAMSEP_SOURCE_ERROR;
            }
            s->line_len = 0;
            s->part_pos = 0;
            s->state = ST_LUMA;
            break;
        }
        case ST_LUMA: {
            size_t want = s->luma_bytes - (size_t)s->part_pos;
            if (want == 0) {
                s->part_pos = 0;
                s->state = ST_SKIP;
                break;
            }
            if (s->rpos < s->rlen) {
                size_t n = s->rlen - s->rpos;
                if (n > want)
                    n = want;
                memcpy(s->frame + s->part_pos, s->rbuf + s->rpos, n);
                consume(s, n);
                s->part_pos += n;
                break;
            }
            size_t got = 0;
            int r;
            if (want >= sizeof s->rbuf) { /* straight into the frame */
                r = input_read(s, s->frame + s->part_pos, want, deadline, &got);
                if (r == IO_OK) {
                    s->part_pos += got;
                    s->offset += got;
                }
            } else {
                r = fill(s, deadline);
            }
            if (r == IO_AGAIN)
                return CAMSEP_SOURCE_AGAIN;
            if (r == IO_ERR)
                return CAMSEP_SOURCE_ERROR;
            if (r == IO_EOF) {
                fail_truncated(s, "in its luma plane");
                return CAMSEP_SOURCE_ERROR;
            }
            break;
        }
        case ST_SKIP: {
            uint64_t want = s->skip_bytes - s->part_pos;
            if (want == 0) {
                if (s->depth > 8)
                    to_8bit(s);
                s->state = ST_READY;
                break;
            }
            if (s->rpos < s->rlen) {
                size_t n = s->rlen - s->rpos;
                if (n > want)
                    n = (size_t)want;
                consume(s, n);
                s->part_pos += n;
                break;
            }
            int r = fill(s, deadline);
            if (r == IO_AGAIN)
                return CAMSEP_SOURCE_AGAIN;
            if (r == IO_ERR)
                return CAMSEP_SOURCE_ERROR;
            if (r == IO_EOF) {
                fail_truncated(s, "in its chroma planes");
                return CAMSEP_SOURCE_ERROR;
            }
            break;
        }
        case ST_READY:
        case ST_END:
        case ST_ERROR:
            return CAMSEP_SOURCE_ERROR; /* not reached */
        }
    }
    return CAMSEP_SOURCE_OK;
}

static camsep_source_status y4m_read(camsep_frame_source *base, camsep_frame *out, int timeout_ms, char *err,
                                     size_t errlen)
{
    y4m_source *s = (y4m_source *)base;
    if (s->state == ST_END)
        return CAMSEP_SOURCE_END;
    if (s->state == ST_ERROR) {
        copy_message(err, errlen, s->msg);
        return CAMSEP_SOURCE_ERROR;
    }
    int64_t deadline = (s->pollable || s->pace) ? deadline_after(timeout_ms) : INT64_MAX;
    camsep_source_status st = fetch_frame(s, deadline);
    if (st == CAMSEP_SOURCE_ERROR)
        copy_message(err, errlen, s->msg);
    if (st != CAMSEP_SOURCE_OK)
        return st;

    int64_t stamp;
    if (s->pace) {
        int64_t now = camsep_monotonic_ns();
        if (!s->anchored) {
            s->anchored = 1;
            s->anchor_ns = now;
            s->anchor_index = s->index;
        }
        int64_t rel = media_time_ns(s, s->index - s->anchor_index);
        int64_t due = rel > INT64_MAX - s->anchor_ns ? INT64_MAX : s->anchor_ns + rel;
        if (now < due) {
            if (deadline < due) {
                camsep_sleep_until_ns(deadline);
                return CAMSEP_SOURCE_AGAIN; /* the frame stays READY */
            }
            camsep_sleep_until_ns(due);
            now = camsep_monotonic_ns();
        } else if (now - due > media_time_ns(s, 1)) {
            s->anchor_ns = now; /* fell behind (a slow pipe): restart the schedule here */
            s->anchor_index = s->index;
        }
        stamp = now;
    } else {
        stamp = media_time_ns(s, s->index);
    }

    out->width = s->base.width;
    out->height = s->base.height;
    out->stride = s->base.width;
    out->luma = s->frame;
    out->timestamp_ns = stamp;
    out->sequence = s->index;
    s->index++;
    s->state = ST_LINE;
    return CAMSEP_SOURCE_OK;
}

static void y4m_close(camsep_frame_source *base)
{
    y4m_source *s = (y4m_source *)base;
    if (s->own_fd && s->fd >= 0)
        close(s->fd);
    free(s->frame);
    free(s);
}

static const camsep_frame_source_ops y4m_ops = {.read = y4m_read, .close = y4m_close};

/* ---- opening ---- */

static void describe(y4m_source *s)
{
    char tail[64];
    int tn = snprintf(tail, sizeof tail, " %dx%d %s %.6g fps", s->base.width, s->base.height, s->colour,
                      s->base.frame_rate);
    size_t tlen = tn > 0 && (size_t)tn < sizeof tail ? (size_t)tn : strlen(tail);
    char *d = s->base.description;
    size_t room = sizeof s->base.description - 1 - tlen, n = strlen(s->name), o = 0;
    if (n <= room) {
        memcpy(d, s->name, n);
        o = n;
    } else { /* keep the tail of a long name */
        memcpy(d, "...", 3);
        memcpy(d + 3, s->name + n - (room - 3), room - 3);
        o = room;
    }
    memcpy(d + o, tail, tlen + 1);
}

/* Reads and parses the stream header, allocates the frame buffer. */
static camsep_frame_source *finish_open(y4m_source *s, int pace_realtime, char *err, size_t errlen)
{
    s->base.ops = &y4m_ops;
    s->pace = pace_realtime != 0;
    s->line_len = 0;
    int r = read_line(s, INT64_MAX, Y4M_MAGIC, Y4M_MAGIC_LEN);
    if (r == LINE_EOF) {
        if (s->line_len == 0)
            fail(s, s->offset, "empty stream: no YUV4MPEG2 header");
        else
            fail(s, s->offset, "truncated stream header");
    } else if (r == LINE_BAD_PREFIX) {
        fail(s, 0, "not a Y4M stream (it does not start with \"YUV4MPEG2 \")");
    } else if (r == LINE_LONG) {
        fail(s, 0, "stream header longer than %d bytes", CAMSEP_Y4M_MAX_LINE);
    } else if (r == LINE_OK) {
        if (parse_header(s) == 0) {
            s->frame = malloc(s->luma_bytes);
            if (!s->frame)
                fail(s, s->offset, "out of memory for a %dx%d frame", s->base.width, s->base.height);
        }
    }
    /* LINE_AGAIN cannot happen (no deadline); LINE_ERR has its message. */
    if (s->state == ST_ERROR || r != LINE_OK) {
        if (s->state != ST_ERROR)
            fail(s, s->offset, "cannot read the stream header");
        copy_message(err, errlen, s->msg);
        y4m_close(&s->base);
        return NULL;
    }
    s->line_len = 0;
    s->state = ST_LINE;
    describe(s);
    return &s->base;
}

static y4m_source *new_source(const char *name, char *err, size_t errlen)
{
    y4m_source *s = calloc(1, sizeof *s);
    if (!s) {
        char n[Y4M_NAME_LEN];
        printable(n, sizeof n, name, strlen(name));
        if (err && errlen > 0)
            snprintf(err, errlen, "%s: out of memory", n);
        return NULL;
    }
    s->fd = -1;
    set_name(s, name);
    return s;
}

camsep_frame_source *camsep_y4m_open_fd(int fd, int take_fd, const char *name, int pace_realtime, char *err,
                                        size_t errlen)
{
    if (!name)
        name = "y4m";
    y4m_source *s = new_source(name, err, errlen);
    if (!s) {
        if (take_fd && fd >= 0)
            close(fd);
        return NULL;
    }
    s->fd = fd;
    s->own_fd = take_fd;
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(s->msg, sizeof s->msg, "%s: bad file descriptor", s->name);
        copy_message(err, errlen, s->msg);
        y4m_close(&s->base);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(s->msg, sizeof s->msg, "%s: is a directory", s->name);
        copy_message(err, errlen, s->msg);
        y4m_close(&s->base);
        return NULL;
    }
    s->pollable = !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode);
    return finish_open(s, pace_realtime, err, errlen);
}

camsep_frame_source *camsep_y4m_open(const char *path_or_dash, int pace_realtime, char *err, size_t errlen)
{
    if (!path_or_dash) {
        copy_message(err, errlen, "y4m: no path");
        return NULL;
    }
    if (strcmp(path_or_dash, "-") == 0)
        return camsep_y4m_open_fd(STDIN_FILENO, 0, "stdin", pace_realtime, err, errlen);
    int fd;
    do
        fd = open(path_or_dash, O_RDONLY | O_CLOEXEC); /* a FIFO: waits for its writer */
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        int e = errno;
        char n[Y4M_NAME_LEN];
        printable(n, sizeof n, path_or_dash, strlen(path_or_dash));
        if (err && errlen > 0)
            snprintf(err, errlen, "%s: cannot open: %s", n, strerror(e));
        return NULL;
    }
    return camsep_y4m_open_fd(fd, 1, path_or_dash, pace_realtime, err, errlen);
}

camsep_frame_source *camsep_y4m_open_memory(const void *data, size_t size, size_t max_read, const char *name,
                                            int pace_realtime, char *err, size_t errlen)
{
    if (!name)
        name = "memory";
    y4m_source *s = new_source(name, err, errlen);
    if (!s)
        return NULL;
    static const unsigned char nothing[1];
    s->mem = data ? data : nothing;
    s->mem_size = data ? size : 0;
    s->max_read = max_read;
    return finish_open(s, pace_realtime, err, errlen);
}
