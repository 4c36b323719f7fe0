/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Spectral dictionaries: creation, the ".dict" file format, resampling.
 * The format is specified in docs/dictionary-format.md; keep the two in step.
 */
#define _POSIX_C_SOURCE 200809L /* fileno, fsync */

#include "dictionary.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(sizeof(float) == 4, "the format stores IEEE-754 binary32");
_Static_assert(sizeof(double) == 8, "the format stores IEEE-754 binary64");

/* ---- file layout (versions 1 and 2), all integers little-endian ---- */

static const unsigned char DICT_MAGIC[8] = {'C', 'A', 'M', 'S', 'D', 'I', 'C', 'T'};

enum {
    OFF_MAGIC = 0,
    OFF_VERSION = 8,
    OFF_HEADER_SIZE = 12,
    OFF_SAMPLE_RATE = 16,
    OFF_FFT_SIZE = 24,
    OFF_HOP = 28,
    OFF_N_BINS = 32,
    OFF_N_ATOMS = 36,
    OFF_BETA = 40,
    OFF_WINDOW = 44,
    OFF_NAME = 48,
    HEADER_SIZE_V1 = OFF_NAME + CAMSEP_DICT_NAME_LEN, /* 112 */
    OFF_WINDOW_FALL = HEADER_SIZE_V1,                 /* version 2 only */
    HEADER_SIZE_V2 = OFF_WINDOW_FALL + 4,             /* 116 */
    HEADER_SIZE = HEADER_SIZE_V2,                     /* the larger, for size caps */
    CRC_SIZE = 4
};

#define MIN_SAMPLE_RATE 1000.0
#define MAX_SAMPLE_RATE 768000.0
#define MAX_BINS (CAMSEP_DICT_MAX_FFT / 2 + 1)
/* The largest file any valid dictionary can be: the cap for reading. */
#define MAX_FILE_SIZE \
    ((size_t)HEADER_SIZE + (size_t)CAMSEP_DICT_MAX_ATOMS * MAX_BINS * 4u + CRC_SIZE)

/* ---- errors ---- */

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void set_error(char *err, size_t errlen, const char *label, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    int n = snprintf(err, errlen, "%s: ", label ? label : "dictionary");
    if (n < 0 || (size_t)n >= errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

/* ---- little-endian encoding ---- */

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static float get_f32(const unsigned char *p)
{
    uint32_t bits = get_u32(p);
    float v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

static double get_f64(const unsigned char *p)
{
    uint64_t bits = get_u64(p);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v & 0xffu);
    p[1] = (unsigned char)(v >> 8 & 0xffu);
    p[2] = (unsigned char)(v >> 16 & 0xffu);
    p[3] = (unsigned char)(v >> 24 & 0xffu);
}

static void put_u64(unsigned char *p, uint64_t v)
{
    put_u32(p, (uint32_t)(v & 0xffffffffu));
    put_u32(p + 4, (uint32_t)(v >> 32));
}

static void put_f32(unsigned char *p, float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    put_u32(p, bits);
}

static void put_f64(unsigned char *p, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    put_u64(p, bits);
}

/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zlib's crc32(). */
static uint32_t crc32_ieee(const unsigned char *data, size_t size)
{
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int bit = 0; bit < 8; bit++)
            c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < size; i++)
        crc = table[(crc ^ data[i]) & 0xffu] ^ (crc >> 8);
    return crc ^ 0xffffffffu;
}

/* ---- validation shared by new, parse, save and resample ---- */

static int check_axis(double sample_rate, long long fft_size, const char *label, char *err, size_t errlen)
{
    if (!isfinite(sample_rate) || sample_rate < MIN_SAMPLE_RATE || sample_rate > MAX_SAMPLE_RATE) {
        set_error(err, errlen, label, "sample rate %g Hz is outside %g..%g", sample_rate,
                  MIN_SAMPLE_RATE, MAX_SAMPLE_RATE);
        return -1;
    }
    if (fft_size < CAMSEP_DICT_MIN_FFT || fft_size > CAMSEP_DICT_MAX_FFT || fft_size % 2 != 0) {
        set_error(err, errlen, label, "fft size %lld is not an even number in %d..%d", fft_size,
                  CAMSEP_DICT_MIN_FFT, CAMSEP_DICT_MAX_FFT);
        return -1;
    }
    return 0;
}

static int check_n_atoms(long long n_atoms, const char *label, char *err, size_t errlen)
{
    if (n_atoms < 1 || n_atoms > CAMSEP_DICT_MAX_ATOMS) {
        set_error(err, errlen, label, "atom count %lld is outside 1..%d", n_atoms, CAMSEP_DICT_MAX_ATOMS);
        return -1;
    }
    return 0;
}

/* Well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF)
 * without control characters, so that a name can go into a one-line message. */
static int name_is_printable_utf8(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c < 0x20 || c == 0x7f)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        /* Lead byte: continuation count, payload bits, smallest code point. */
        size_t extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
        unsigned cp = c & (0x3fu >> extra);
        unsigned min = extra == 1 ? 0x80u : extra == 2 ? 0x800u : 0x10000u;
        if (c < 0xc2 || c > 0xf4)
            return 0;
        if (len - i <= extra)
            return 0;
        for (size_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xc0u) != 0x80u)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3fu);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp <= 0x9f)
            return 0; /* overlong, too large, surrogate, or a C1 control */
        i += extra + 1;
    }
    return 1;
}

/* The name field: NUL-terminated, zero-padded, printable UTF-8. */
static int check_name_field(const char name[CAMSEP_DICT_NAME_LEN], const char *label, char *err,
                            size_t errlen)
{
    const unsigned char *s = (const unsigned char *)name;
    const unsigned char *nul = memchr(s, 0, CAMSEP_DICT_NAME_LEN);
    if (!nul) {
        set_error(err, errlen, label, "name is not NUL-terminated within %d bytes", CAMSEP_DICT_NAME_LEN);
        return -1;
    }
    size_t len = (size_t)(nul - s);
    for (size_t i = len; i < CAMSEP_DICT_NAME_LEN; i++) {
        if (s[i] != 0) {
            set_error(err, errlen, label, "name padding after the NUL is not zero");
            return -1;
        }
    }
    if (!name_is_printable_utf8(s, len)) {
        set_error(err, errlen, label, "name is not printable UTF-8");
        return -1;
    }
    return 0;
}

/* Shape and scalar fields of a dictionary, before anything is indexed. */
static int check_fields(double sample_rate, long long fft_size, long long hop, long long n_bins,
                        long long n_atoms, double beta, const char *label, char *err, size_t errlen)
{
    if (check_axis(sample_rate, fft_size, label, err, errlen) != 0)
        return -1;
    if (n_bins != fft_size / 2 + 1) {
        set_error(err, errlen, label, "bin count %lld does not match fft size %lld (expected %lld)", n_bins,
                  fft_size, fft_size / 2 + 1);
        return -1;
    }
    if (check_n_atoms(n_atoms, label, err, errlen) != 0)
        return -1;
    if (hop < 1 || hop > fft_size) {
        set_error(err, errlen, label, "hop %lld is outside 1..%lld (the fft size)", hop, fft_size);
        return -1;
    }
    if (!isfinite(beta) || beta < 0.0 || beta > 2.0) {
        set_error(err, errlen, label, "beta %g is outside 0..2", beta);
        return -1;
    }
    return 0;
}

/* The window kind and its fall: 1..fft_size/2 for the pair, 0 for Hann. */
static int check_window_fall(long long window, long long fall, long long fft_size, const char *label,
                             char *err, size_t errlen)
{
    if (window == CAMSEP_DICT_WINDOW_HANN) {
        if (fall != 0) {
            set_error(err, errlen, label, "window fall %lld given for the Hann window (must be 0)", fall);
            return -1;
        }
        return 0;
    }
    if (window != CAMSEP_DICT_WINDOW_SQRT_HANN_PAIR) {
        set_error(err, errlen, label, "unknown window kind %lld", window);
        return -1;
    }
    if (fall < 1 || fall > fft_size / 2) {
        set_error(err, errlen, label, "window fall %lld is outside 1..%lld (half the fft size)", fall,
                  fft_size / 2);
        return -1;
    }
    return 0;
}

/* Every value finite and >= 0, and no atom all zero. */
static int check_atoms(const float *atoms, int n_atoms, int n_bins, const char *label, char *err,
                       size_t errlen)
{
    for (int k = 0; k < n_atoms; k++) {
        const float *atom = atoms + (size_t)k * (size_t)n_bins;
        int any_positive = 0;
        for (int f = 0; f < n_bins; f++) {
            float v = atom[f];
            if (!isfinite(v) || v < 0.0f) {
                set_error(err, errlen, label, "atom %d bin %d has invalid value %g (must be finite and >= 0)",
                          k, f, (double)v);
                return -1;
            }
            any_positive |= v > 0.0f;
        }
        if (!any_positive) {
            set_error(err, errlen, label, "atom %d is all zero", k);
            return -1;
        }
    }
    return 0;
}

static int check_dictionary(const camsep_dictionary *d, const char *label, char *err, size_t errlen)
{
    if (!d || !d->atoms) {
        set_error(err, errlen, label, "no dictionary");
        return -1;
    }
    if (check_fields(d->sample_rate, d->fft_size, d->hop, d->n_bins, d->n_atoms, d->beta, label, err,
                     errlen) != 0)
        return -1;
    if (check_window_fall(d->window, d->window_fall, d->fft_size, label, err, errlen) != 0)
        return -1;
    if (check_name_field(d->name, label, err, errlen) != 0)
        return -1;
    return check_atoms(d->atoms, d->n_atoms, d->n_bins, label, err, errlen);
}

/* ---- life cycle ---- */

/* Copies name into dst, cut at a UTF-8 character boundary if it is too long. */
static void copy_name(char dst[CAMSEP_DICT_NAME_LEN], const char *name)
{
    memset(dst, 0, CAMSEP_DICT_NAME_LEN);
    if (!name)
        return;
    size_t len = strlen(name);
    if (len > CAMSEP_DICT_NAME_LEN - 1) {
        len = CAMSEP_DICT_NAME_LEN - 1;
        while (len > 0 && ((unsigned char)name[len] & 0xc0u) == 0x80u)
            len--;
    }
    memcpy(dst, name, len);
}

static camsep_dictionary *allocate_dictionary(int n_atoms, int n_bins)
{
    camsep_dictionary *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->atoms = calloc((size_t)n_atoms * (size_t)n_bins, sizeof *d->atoms);
    if (!d->atoms) {
        free(d);
        return NULL;
    }
    d->n_atoms = n_atoms;
    d->n_bins = n_bins;
    return d;
}

camsep_dictionary *camsep_dictionary_new(int n_atoms, double sample_rate, int fft_size,
                                         const char *name, char *err, size_t errlen)
{
    const char *label = "new dictionary";
    if (check_axis(sample_rate, fft_size, label, err, errlen) != 0 ||
        check_n_atoms(n_atoms, label, err, errlen) != 0)
        return NULL;
    camsep_dictionary *d = allocate_dictionary(n_atoms, fft_size / 2 + 1);
    if (!d) {
        set_error(err, errlen, label, "out of memory");
        return NULL;
    }
    copy_name(d->name, name);
    if (check_name_field(d->name, label, err, errlen) != 0) {
        camsep_dictionary_free(d);
        return NULL;
    }
    d->sample_rate = sample_rate;
    d->fft_size = fft_size;
    d->hop = fft_size / 4;
    d->beta = 1.0f;
    d->window = CAMSEP_DICT_WINDOW_SQRT_HANN_PAIR;
    d->window_fall = fft_size / 2;
    return d;
}

void camsep_dictionary_free(camsep_dictionary *d)
{
    if (!d)
        return;
    free(d->atoms);
    free(d);
}

camsep_dictionary *camsep_dictionary_copy(const camsep_dictionary *d)
{
    if (!d || !d->atoms || d->n_atoms < 1 || d->n_bins < 1)
        return NULL;
    camsep_dictionary *c = allocate_dictionary(d->n_atoms, d->n_bins);
    if (!c)
        return NULL;
    float *atoms = c->atoms;
    *c = *d;
    c->atoms = atoms;
    memcpy(c->atoms, d->atoms, (size_t)d->n_atoms * (size_t)d->n_bins * sizeof *d->atoms);
    return c;
}

static void normalise_atom(float *atom, int n_bins)
{
    double sum = 0.0;
    for (int f = 0; f < n_bins; f++)
        sum += atom[f];
    if (sum > 0.0) {
        for (int f = 0; f < n_bins; f++)
            atom[f] = (float)(atom[f] / sum);
    } else {
        for (int f = 0; f < n_bins; f++)
            atom[f] = 1.0f / (float)n_bins;
    }
}

void camsep_dictionary_normalise(camsep_dictionary *d)
{
    if (!d || !d->atoms)
        return;
    for (int k = 0; k < d->n_atoms; k++)
        normalise_atom(d->atoms + (size_t)k * (size_t)d->n_bins, d->n_bins);
}

int camsep_dictionary_sort_atoms(camsep_dictionary *d)
{
    const int F = d->n_bins;
    double *centroid = malloc(sizeof(double) * (size_t)d->n_atoms);
    float *tmp = malloc(sizeof(float) * (size_t)F);
    if (!centroid || !tmp) {
        free(centroid);
        free(tmp);
        return -1;
    }
    for (int k = 0; k < d->n_atoms; k++) {
        double c = 0.0, s = 0.0;
        for (int f = 0; f < F; f++) {
            c += (double)f * d->atoms[(size_t)k * F + f];
            s += d->atoms[(size_t)k * F + f];
        }
        centroid[k] = s > 0.0 ? c / s : 0.0;
    }
    for (int i = 1; i < d->n_atoms; i++)
        for (int k = i; k > 0 && centroid[k - 1] > centroid[k]; k--) {
            double c = centroid[k];
            centroid[k] = centroid[k - 1];
            centroid[k - 1] = c;
            memcpy(tmp, d->atoms + (size_t)k * F, sizeof(float) * F);
            memcpy(d->atoms + (size_t)k * F, d->atoms + (size_t)(k - 1) * F, sizeof(float) * F);
            memcpy(d->atoms + (size_t)(k - 1) * F, tmp, sizeof(float) * F);
        }
    free(centroid);
    free(tmp);
    return 0;
}

/* ---- parsing ---- */

camsep_dictionary *camsep_dictionary_parse(const void *data, size_t size, const char *label,
                                           char *err, size_t errlen)
{
    const unsigned char *p = data;
    if (!label)
        label = "<memory>";
    if (!p && size > 0) {
        set_error(err, errlen, label, "no data");
        return NULL;
    }
    if (size == 0) {
        set_error(err, errlen, label, "empty file");
        return NULL;
    }
    size_t magic_bytes = size < sizeof DICT_MAGIC ? size : sizeof DICT_MAGIC;
    if (memcmp(p, DICT_MAGIC, magic_bytes) != 0) {
        set_error(err, errlen, label, "not a camsep dictionary (no \"CAMSDICT\" magic)");
        return NULL;
    }
    if (size < OFF_HEADER_SIZE) {
        set_error(err, errlen, label, "truncated (%zu bytes, the header needs %d)", size, HEADER_SIZE_V1);
        return NULL;
    }
    uint32_t version = get_u32(p + OFF_VERSION);
    if (version != 1 && version != 2) {
        set_error(err, errlen, label, "unsupported version %lu (this build reads 1 and 2)",
                  (unsigned long)version);
        return NULL;
    }
    const size_t header = version == 1 ? HEADER_SIZE_V1 : HEADER_SIZE_V2;
    if (size < header) {
        set_error(err, errlen, label, "truncated (%zu bytes, the header needs %zu)", size, header);
        return NULL;
    }
    uint32_t header_size = get_u32(p + OFF_HEADER_SIZE);
    if (header_size != header) {
        set_error(err, errlen, label, "header size %lu is wrong (version %lu has %zu)",
                  (unsigned long)header_size, (unsigned long)version, header);
        return NULL;
    }

    /* Every field is range-checked (as a 64-bit value, so nothing wraps)
     * before it becomes an int or a size. */
    double sample_rate = get_f64(p + OFF_SAMPLE_RATE);
    uint32_t fft_size = get_u32(p + OFF_FFT_SIZE);
    uint32_t hop = get_u32(p + OFF_HOP);
    uint32_t n_bins = get_u32(p + OFF_N_BINS);
    uint32_t n_atoms = get_u32(p + OFF_N_ATOMS);
    float beta = get_f32(p + OFF_BETA);
    uint32_t window = get_u32(p + OFF_WINDOW);
    uint32_t fall = version == 1 ? 0 : get_u32(p + OFF_WINDOW_FALL);
    if (check_fields(sample_rate, fft_size, hop, n_bins, n_atoms, beta, label, err, errlen) != 0)
        return NULL;
    if (version == 1 && window != CAMSEP_DICT_WINDOW_HANN) {
        set_error(err, errlen, label, "unsupported window kind %lu (version 1 has only 1, periodic Hann)",
                  (unsigned long)window);
        return NULL;
    }
    if (version == 2 && window != CAMSEP_DICT_WINDOW_SQRT_HANN_PAIR) {
        set_error(err, errlen, label,
                  "unsupported window kind %lu (version 2 has only 2, the square-root Hann pair)",
                  (unsigned long)window);
        return NULL;
    }
    if (check_window_fall(window, fall, fft_size, label, err, errlen) != 0)
        return NULL;
    if (check_name_field((const char *)p + OFF_NAME, label, err, errlen) != 0)
        return NULL;

    size_t n_values = (size_t)n_atoms * n_bins;
    size_t expected = header + n_values * 4 + CRC_SIZE;
    if (size < expected) {
        set_error(err, errlen, label, "truncated (%zu bytes, expected %zu for %lu atoms of %lu bins)",
                  size, expected, (unsigned long)n_atoms, (unsigned long)n_bins);
        return NULL;
    }
    if (size > expected) {
        size_t extra = size - expected;
        set_error(err, errlen, label, "trailing data (%zu extra byte%s after the CRC at byte %zu)", extra,
                  extra == 1 ? "" : "s", expected);
        return NULL;
    }
    uint32_t stored_crc = get_u32(p + expected - CRC_SIZE);
    uint32_t actual_crc = crc32_ieee(p, expected - CRC_SIZE);
    if (stored_crc != actual_crc) {
        set_error(err, errlen, label, "corrupted (CRC-32 is %08lx, stored %08lx)",
                  (unsigned long)actual_crc, (unsigned long)stored_crc);
        return NULL;
    }

    camsep_dictionary *d = allocate_dictionary((int)n_atoms, (int)n_bins);
    if (!d) {
        set_error(err, errlen, label, "out of memory");
        return NULL;
    }
    memcpy(d->name, p + OFF_NAME, CAMSEP_DICT_NAME_LEN);
    d->sample_rate = sample_rate;
    d->fft_size = (int)fft_size;
    d->hop = (int)hop;
    d->beta = beta;
    d->window = (int)window;
    d->window_fall = (int)fall;
    for (size_t i = 0; i < n_values; i++)
        d->atoms[i] = get_f32(p + header + 4 * i);
    if (check_atoms(d->atoms, d->n_atoms, d->n_bins, label, err, errlen) != 0) {
        camsep_dictionary_free(d);
        return NULL;
    }
    return d;
}

/* ---- files ---- */

/* The whole file into a malloc'ed buffer, reading at most cap + 1 bytes so
 * that an oversized file is detected without reading (or allocating) it all. */
static unsigned char *read_file_capped(FILE *f, size_t cap, size_t *size_out, int *too_large)
{
    size_t capacity = 1 << 16, size = 0;
    unsigned char *buf = malloc(capacity);
    *too_large = 0;
    if (!buf)
        return NULL;
    for (;;) {
        if (size == capacity) {
            if (size > cap) {
                *too_large = 1;
                break;
            }
            size_t grown = capacity * 2 > cap + 1 ? cap + 1 : capacity * 2;
            unsigned char *bigger = realloc(buf, grown);
            if (!bigger) {
                free(buf);
                return NULL;
            }
            buf = bigger;
            capacity = grown;
        }
        size_t got = fread(buf + size, 1, capacity - size, f);
        size += got;
        if (got == 0)
            break;
    }
    *size_out = size;
    return buf;
}

camsep_dictionary *camsep_dictionary_load(const char *path, char *err, size_t errlen)
{
    if (!path) {
        set_error(err, errlen, "dictionary", "no path");
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_error(err, errlen, path, "cannot open: %s", strerror(errno));
        return NULL;
    }
    size_t size = 0;
    int too_large = 0;
    errno = 0;
    unsigned char *buf = read_file_capped(f, MAX_FILE_SIZE, &size, &too_large);
    int read_errno = errno;
    int read_failed = ferror(f);
    fclose(f);
    if (!buf) {
        set_error(err, errlen, path, "out of memory reading the file");
        return NULL;
    }
    camsep_dictionary *d = NULL;
    if (read_failed)
        set_error(err, errlen, path, "read error: %s", strerror(read_errno ? read_errno : EIO));
    else if (too_large)
        set_error(err, errlen, path, "too large (more than %zu bytes, the largest valid dictionary)",
                  (size_t)MAX_FILE_SIZE);
    else
        d = camsep_dictionary_parse(buf, size, path, err, errlen);
    free(buf);
    return d;
}

/* The file image of a valid dictionary (header, atoms, CRC). */
static unsigned char *serialise(const camsep_dictionary *d, size_t *size_out)
{
    /* Hann dictionaries keep format 1, so that old files round-trip bit for bit. */
    const int version = d->window == CAMSEP_DICT_WINDOW_HANN ? 1 : 2;
    const size_t header = version == 1 ? HEADER_SIZE_V1 : HEADER_SIZE_V2;
    size_t n_values = (size_t)d->n_atoms * (size_t)d->n_bins;
    size_t size = header + n_values * 4 + CRC_SIZE;
    unsigned char *p = calloc(1, size);
    if (!p)
        return NULL;
    memcpy(p + OFF_MAGIC, DICT_MAGIC, sizeof DICT_MAGIC);
    put_u32(p + OFF_VERSION, (uint32_t)version);
    put_u32(p + OFF_HEADER_SIZE, (uint32_t)header);
    put_f64(p + OFF_SAMPLE_RATE, d->sample_rate);
    put_u32(p + OFF_FFT_SIZE, (uint32_t)d->fft_size);
    put_u32(p + OFF_HOP, (uint32_t)d->hop);
    put_u32(p + OFF_N_BINS, (uint32_t)d->n_bins);
    put_u32(p + OFF_N_ATOMS, (uint32_t)d->n_atoms);
    put_f32(p + OFF_BETA, d->beta);
    put_u32(p + OFF_WINDOW, (uint32_t)d->window);
    memcpy(p + OFF_NAME, d->name, CAMSEP_DICT_NAME_LEN);
    if (version == 2)
        put_u32(p + OFF_WINDOW_FALL, (uint32_t)d->window_fall);
    for (size_t i = 0; i < n_values; i++)
        put_f32(p + header + 4 * i, d->atoms[i]);
    put_u32(p + size - CRC_SIZE, crc32_ieee(p, size - CRC_SIZE));
    *size_out = size;
    return p;
}

/* Writes and syncs the whole image to path; -1 with errno set on failure. */
static int write_file_synced(const char *path, const unsigned char *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(data, 1, size, f) == size && fflush(f) == 0 && fsync(fileno(f)) == 0;
    int saved_errno = errno;
    if (fclose(f) != 0 && ok) {
        ok = 0;
        saved_errno = errno;
    }
    errno = saved_errno;
    return ok ? 0 : -1;
}

int camsep_dictionary_save(const camsep_dictionary *d, const char *path, char *err, size_t errlen)
{
    if (!path) {
        set_error(err, errlen, "dictionary", "no path");
        return -1;
    }
    if (check_dictionary(d, path, err, errlen) != 0)
        return -1;
    size_t size = 0;
    unsigned char *image = serialise(d, &size);
    size_t path_len = strlen(path);
    char *tmp_path = malloc(path_len + 5);
    if (!image || !tmp_path) {
        free(image);
        free(tmp_path);
        set_error(err, errlen, path, "out of memory");
        return -1;
    }
    memcpy(tmp_path, path, path_len);
    memcpy(tmp_path + path_len, ".tmp", 5);

    int rc = 0;
    if (write_file_synced(tmp_path, image, size) != 0) {
        set_error(err, errlen, path, "cannot write %s: %s", tmp_path, strerror(errno));
        remove(tmp_path);
        rc = -1;
    } else if (rename(tmp_path, path) != 0) {
        set_error(err, errlen, path, "cannot rename %s into place: %s", tmp_path, strerror(errno));
        remove(tmp_path);
        rc = -1;
    }
    free(image);
    free(tmp_path);
    return rc;
}

int camsep_dictionary_save_all(int n, camsep_dictionary *const *dicts, const char *const *tmp,
                               const char *const *paths, camsep_dictionary **back, char *err, size_t errlen)
{
    for (int k = 0; k < n && back; k++)
        back[k] = NULL;
    for (int k = 0; k < n; k++) {
        camsep_dictionary *loaded = NULL;
        if (camsep_dictionary_save(dicts[k], tmp[k], err, errlen) ||
            !(loaded = camsep_dictionary_load(tmp[k], err, errlen))) {
            for (int i = 0; i <= k; i++)
                unlink(tmp[i]);
            for (int i = 0; i < k && back; i++) {
                camsep_dictionary_free(back[i]);
                back[i] = NULL;
            }
            return -1;
        }
        if (back)
            back[k] = loaded;
        else
            camsep_dictionary_free(loaded);
    }
    for (int k = 0; k < n; k++)
        if (rename(tmp[k], paths[k])) {
            snprintf(err, errlen, "cannot rename %.300s to %.300s: %s", tmp[k], paths[k], strerror(errno));
            if (k) /* the ones before are in place */
                snprintf(err + strlen(err), errlen - strlen(err), " (%d of %d files were replaced)", k, n);
            for (int i = k; i < n; i++)
                unlink(tmp[i]);
            for (int i = 0; i < n && back; i++) {
                camsep_dictionary_free(back[i]);
                back[i] = NULL;
            }
            return -1;
        }
    return 0;
}

int camsep_make_dirs(const char *dir)
{
    char p[4096];
    if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            if (mkdir(p, 0777) && errno != EEXIST)
                return -1;
            *s = '/';
        }
    return mkdir(p, 0777) && errno != EEXIST ? -1 : 0;
}

/* ---- resampling ---- */

/*
 * An axis's bin f stands for the band [(f - 1/2) df, (f + 1/2) df] clipped
 * to [0, Nyquist], so DC and Nyquist bins have half-width bands. Bin values
 * are read as a density (value / df per Hz): a flat spectrum stays flat.
 */
typedef struct spectral_axis {
    double df;      /* bin spacing, Hz */
    double nyquist; /* Hz */
    int n_bins;
} spectral_axis;

static spectral_axis make_axis(double sample_rate, int fft_size)
{
    spectral_axis a = {sample_rate / fft_size, sample_rate / 2.0, fft_size / 2 + 1};
    return a;
}

static double band_low(const spectral_axis *a, int f)
{
    return f == 0 ? 0.0 : (f - 0.5) * a->df;
}

static double band_high(const spectral_axis *a, int f)
{
    return f == a->n_bins - 1 ? a->nyquist : (f + 0.5) * a->df;
}

/* One atom from axis src to axis dst: each target bin is df_dst times the
 * mean source density over its band, by exact overlap of the piecewise-
 * constant bands (two pointers, no cumulative sums, so no cancellation).
 * The source is zero above its Nyquist. */
static void resample_atom(const float *src, const spectral_axis *sa, float *dst, const spectral_axis *da)
{
    int s = 0;
    for (int g = 0; g < da->n_bins; g++) {
        double lo = band_low(da, g), hi = band_high(da, g);
        while (s < sa->n_bins && band_high(sa, s) <= lo)
            s++;
        double mass = 0.0; /* source value x overlap, in units of source bins */
        for (int i = s; i < sa->n_bins && band_low(sa, i) < hi; i++) {
            double overlap = fmin(hi, band_high(sa, i)) - fmax(lo, band_low(sa, i));
            if (overlap > 0.0)
                mass += src[i] * overlap;
        }
        dst[g] = (float)(mass / sa->df * (da->df / (hi - lo)));
    }
}

camsep_dictionary *camsep_dictionary_resample(const camsep_dictionary *d, double sample_rate,
                                              int fft_size, char *err, size_t errlen)
{
    char label[CAMSEP_DICT_NAME_LEN + 16] = "dictionary";
    if (d && d->name[0] && memchr(d->name, 0, CAMSEP_DICT_NAME_LEN))
        snprintf(label, sizeof label, "dictionary \"%s\"", d->name);
    if (check_dictionary(d, label, err, errlen) != 0)
        return NULL;
    if (check_axis(sample_rate, fft_size, label, err, errlen) != 0)
        return NULL;
    if (sample_rate == d->sample_rate && fft_size == d->fft_size) {
        camsep_dictionary *same = camsep_dictionary_copy(d);
        if (!same)
            set_error(err, errlen, label, "out of memory");
        return same;
    }
    spectral_axis sa = make_axis(d->sample_rate, d->fft_size);
    spectral_axis da = make_axis(sample_rate, fft_size);
    camsep_dictionary *r = allocate_dictionary(d->n_atoms, da.n_bins);
    if (!r) {
        set_error(err, errlen, label, "out of memory");
        return NULL;
    }
    memcpy(r->name, d->name, CAMSEP_DICT_NAME_LEN);
    r->sample_rate = sample_rate;
    r->fft_size = fft_size;
    r->beta = d->beta;
    long long hop = ((long long)d->hop * fft_size + d->fft_size / 2) / d->fft_size;
    r->hop = hop < 1 ? 1 : (int)hop;
    r->window = d->window;
    if (d->window_fall) {
        long long fall = ((long long)d->window_fall * fft_size + d->fft_size / 2) / d->fft_size;
        r->window_fall = fall < 1 ? 1 : fall > fft_size / 2 ? fft_size / 2 : (int)fall;
    }

    for (int k = 0; k < d->n_atoms; k++) {
        float *out = r->atoms + (size_t)k * (size_t)da.n_bins;
        resample_atom(d->atoms + (size_t)k * (size_t)sa.n_bins, &sa, out, &da);
        int any_positive = 0;
        for (int g = 0; g < da.n_bins; g++)
            any_positive |= out[g] > 0.0f;
        if (!any_positive) {
            set_error(err, errlen, label,
                      "atom %d has no energy below %g Hz, the Nyquist frequency of %g Hz", k, da.nyquist,
                      sample_rate);
            camsep_dictionary_free(r);
            return NULL;
        }
        normalise_atom(out, da.n_bins);
    }
    return r;
}

int camsep_dictionary_check_window(const camsep_dictionary *d, int fft_size, int fall, char *err,
                                   size_t errlen)
{
    char label[CAMSEP_DICT_NAME_LEN + 16];
    snprintf(label, sizeof label, "dictionary \"%s\"", d->name);
    if (d->window == CAMSEP_DICT_WINDOW_HANN) {
        set_error(err, errlen, label,
                  "was learned with the periodic Hann window (format 1), but the engine analyses with the "
                  "square-root Hann pair: learn it again with camsep-train --fft %d --latency %d",
                  fft_size, 2 * fall);
        return -1;
    }
    /* The same window in time up to scale: fall / fft_size is the same ratio. */
    if ((long long)d->window_fall * fft_size != (long long)fall * d->fft_size) {
        set_error(err, errlen, label,
                  "was learned for window %d with latency %d; this engine runs window %d with latency %d: "
                  "learn it for this latency (camsep-train --fft %d --latency %d)",
                  d->fft_size, 2 * d->window_fall, fft_size, 2 * fall, fft_size, 2 * fall);
        return -1;
    }
    return 0;
}
