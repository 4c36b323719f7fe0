/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Dictionary tests: the file format (round trip, a golden image built here
 * from docs/dictionary-format.md, truncation, corruption, hostile headers),
 * the life-cycle functions and resampling.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, fork, setrlimit */

#include "camsep_engine.h"
#include "dictionary.h"

#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

/* A check that also shows the last error message. */
#define CHECK_ERR(cond, err)                                                                         \
    do {                                                                                             \
        if (!(cond)) {                                                                               \
            fprintf(stderr, "%s:%d: check failed: %s (err: \"%s\")\n", __FILE__, __LINE__, #cond, err); \
            exit(1);                                                                                 \
        }                                                                                            \
    } while (0)

enum { HEADER = 116, HEADER_V1 = 112, OFF_VERSION = 8, OFF_HEADER_SIZE = 12, OFF_SR = 16, OFF_FFT = 24,
       OFF_HOP = 28, OFF_BINS = 32, OFF_ATOMS = 36, OFF_BETA = 40, OFF_WINDOW = 44, OFF_NAME = 48,
       OFF_FALL = 112 };

static char temp_dir[256];

/* ---- helpers (independent of the implementation under test) ---- */

/* Bitwise CRC-32 (IEEE), deliberately not table-driven like the engine's. */
static uint32_t test_crc32(const unsigned char *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void store_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void store_f32(unsigned char *p, float v)
{
    uint32_t bits;
    memcpy(&bits, &v, 4);
    store_u32(p, bits);
}

static void store_f64(unsigned char *p, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, 8);
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(bits >> (8 * i));
}

/* After editing an image, make its trailing CRC right again. */
static void fix_crc(unsigned char *image, size_t size)
{
    store_u32(image + size - 4, test_crc32(image, size - 4));
}

static void path_in_temp(char *out, size_t n, const char *file)
{
    snprintf(out, n, "%s/%s", temp_dir, file);
}

static void write_bytes(const char *path, const unsigned char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    CHECK(fwrite(p, 1, n, f) == n);
    CHECK(fclose(f) == 0);
}

static unsigned char *read_bytes(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    CHECK(fseek(f, 0, SEEK_END) == 0);
    long len = ftell(f);
    CHECK(len >= 0);
    rewind(f);
    unsigned char *p = malloc((size_t)len + 1);
    CHECK(p != NULL);
    CHECK(fread(p, 1, (size_t)len, f) == (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return p;
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static uint32_t rng_state = 12345u;
static float random_unit(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return (float)((rng_state >> 8) + 1) / 16777217.0f; /* in (0, 1] */
}

static camsep_dictionary *make_random(int n_atoms, double sr, int fft, const char *name)
{
    char err[256];
    camsep_dictionary *d = camsep_dictionary_new(n_atoms, sr, fft, name, err, sizeof err);
    CHECK_ERR(d != NULL, err);
    for (int i = 0; i < n_atoms * d->n_bins; i++)
        d->atoms[i] = random_unit();
    camsep_dictionary_normalise(d);
    return d;
}

/* One atom holding a single peak at bin `peak`, every other bin zero. */
static camsep_dictionary *make_peak(double sr, int fft, int peak)
{
    char err[256];
    camsep_dictionary *d = camsep_dictionary_new(1, sr, fft, "peak", err, sizeof err);
    CHECK_ERR(d != NULL, err);
    d->atoms[peak] = 1.0f;
    return d;
}

static double atom_l1(const camsep_dictionary *d, int k)
{
    double s = 0.0;
    for (int f = 0; f < d->n_bins; f++)
        s += d->atoms[k * d->n_bins + f];
    return s;
}

/* Serialised image of d, via save + read back. */
static unsigned char *image_of(const camsep_dictionary *d, size_t *n)
{
    char path[512], err[256];
    path_in_temp(path, sizeof path, "image.dict");
    CHECK_ERR(camsep_dictionary_save(d, path, err, sizeof err) == 0, err);
    unsigned char *p = read_bytes(path, n);
    remove(path);
    return p;
}

/* parse must fail with a one-line "label: ..." message containing needle. */
static void expect_parse_error_at(const unsigned char *p, size_t n, const char *needle, int line)
{
    char err[512] = "";
    camsep_dictionary *d = camsep_dictionary_parse(p, n, "hostile.dict", err, sizeof err);
    int ok = d == NULL && strncmp(err, "hostile.dict: ", 14) == 0 && strchr(err, '\n') == NULL &&
             (!needle || strstr(err, needle) != NULL);
    if (!ok) {
        fprintf(stderr, "%s:%d: expected rejection containing \"%s\", got %s (err: \"%s\")\n", __FILE__,
                line, needle ? needle : "", d ? "a dictionary" : "NULL", err);
        exit(1);
    }
}
#define expect_parse_error(p, n, needle) expect_parse_error_at(p, n, needle, __LINE__)

/* ---- format ---- */

static void test_crc_reference(void)
{
    CHECK(test_crc32((const unsigned char *)"123456789", 9) == 0xCBF43926u);
}

/* A file image of 2 atoms at N = 16 built byte by byte from the documented
 * layout: version 2 (fall > 0, window kind 2) or version 1 (fall 0, Hann). */
static unsigned char *documented_image(const camsep_dictionary *d, double rate, float beta, const char *name,
                                       uint32_t fall, size_t *size)
{
    const int version = fall ? 2 : 1, header = fall ? HEADER : HEADER_V1;
    *size = (size_t)header + 2 * 9 * 4 + 4;
    unsigned char *p = calloc(1, *size);
    CHECK(p != NULL);
    memcpy(p, "CAMSDICT", 8);
    store_u32(p + OFF_VERSION, (uint32_t)version);
    store_u32(p + OFF_HEADER_SIZE, (uint32_t)header);
    store_f64(p + OFF_SR, rate);
    store_u32(p + OFF_FFT, 16);
    store_u32(p + OFF_HOP, 4);
    store_u32(p + OFF_BINS, 9);
    store_u32(p + OFF_ATOMS, 2);
    store_f32(p + OFF_BETA, beta);
    store_u32(p + OFF_WINDOW, (uint32_t)version);
    memcpy(p + OFF_NAME, name, strlen(name));
    if (fall)
        store_u32(p + OFF_FALL, fall);
    for (int i = 0; i < 18; i++)
        store_f32(p + header + 4 * i, d->atoms[i]);
    fix_crc(p, *size);
    return p;
}

/* The image is built here byte by byte from the documented layout. */
static void test_golden_image(void)
{
    camsep_dictionary *d = make_random(2, 44100.0, 16, "cello");
    d->hop = 4;
    d->beta = 0.5f;
    d->window_fall = 3;
    size_t n = 0;
    unsigned char *got = image_of(d, &n);

    size_t expected_size;
    unsigned char *want = documented_image(d, 44100.0, 0.5f, "cello", 3, &expected_size);

    CHECK(n == expected_size);
    CHECK(memcmp(got, want, n) == 0);
    /* Known bytes of the header, spelled out. */
    CHECK(got[8] == 2 && got[9] == 0 && got[12] == 116 && got[24] == 16 && got[32] == 9 && got[36] == 2 &&
          got[44] == 2 && got[112] == 3);
    camsep_dictionary *back = camsep_dictionary_parse(got, n, "golden", NULL, 0);
    CHECK(back && back->window == CAMSEP_DICT_WINDOW_SQRT_HANN_PAIR && back->window_fall == 3);
    camsep_dictionary_free(back);
    free(want);
    free(got);
    camsep_dictionary_free(d);
}

/* A format-1 file (periodic Hann, 112-byte header) still parses and is
 * written back as format 1, byte for byte. */
static void test_version1_image(void)
{
    camsep_dictionary *d = make_random(2, 48000.0, 16, "viola");
    d->hop = 4;
    size_t expected_size;
    unsigned char *v1 = documented_image(d, 48000.0, 1.0f, "viola", 0, &expected_size);
    char err[256] = "";
    camsep_dictionary *r = camsep_dictionary_parse(v1, expected_size, "v1", err, sizeof err);
    CHECK_ERR(r != NULL, err);
    CHECK(r->window == CAMSEP_DICT_WINDOW_HANN && r->window_fall == 0);
    size_t n = 0;
    unsigned char *again = image_of(r, &n);
    CHECK(n == expected_size && memcmp(again, v1, n) == 0);
    /* A version-1 header that names the pair, or a version-2 one that names Hann, is refused. */
    store_u32(v1 + OFF_WINDOW, 2);
    fix_crc(v1, expected_size);
    expect_parse_error(v1, expected_size, "window kind 2");
    free(again);
    free(v1);
    camsep_dictionary_free(r);
    camsep_dictionary_free(d);
}

static void test_round_trip(void)
{
    char path[512], tmp[600], err[256];
    path_in_temp(path, sizeof path, "round.dict");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    camsep_dictionary *d = make_random(7, 48000.0, 1024, "Violin \xc3\xa9t\xc3\xa9");
    d->hop = 256;
    d->beta = 1.25f;
    d->atoms[3] = 0.0f; /* zeros and subnormals survive too */
    d->atoms[4] = 1e-42f;
    CHECK_ERR(camsep_dictionary_save(d, path, err, sizeof err) == 0, err);
    CHECK(!file_exists(tmp));

    camsep_dictionary *r = camsep_dictionary_load(path, err, sizeof err);
    CHECK_ERR(r != NULL, err);
    CHECK(strcmp(r->name, d->name) == 0);
    CHECK(r->sample_rate == 48000.0);
    CHECK(r->fft_size == 1024 && r->n_bins == 513 && r->n_atoms == 7 && r->hop == 256);
    CHECK(r->beta == 1.25f);
    CHECK(memcmp(r->atoms, d->atoms, sizeof(float) * 7 * 513) == 0);

    size_t n = 0;
    unsigned char *bytes = read_bytes(path, &n);
    CHECK(n == (size_t)HEADER + 7 * 513 * 4 + 4);
    free(bytes);

    /* Saving over an existing file replaces it. */
    r->atoms[0] *= 2.0f;
    CHECK_ERR(camsep_dictionary_save(r, path, err, sizeof err) == 0, err);
    camsep_dictionary *again = camsep_dictionary_load(path, err, sizeof err);
    CHECK_ERR(again != NULL, err);
    CHECK(memcmp(again->atoms, r->atoms, sizeof(float) * 7 * 513) == 0);
    remove(path);
    camsep_dictionary_free(again);
    camsep_dictionary_free(r);
    camsep_dictionary_free(d);
}

static void test_truncation(void)
{
    camsep_dictionary *d = make_random(2, 48000.0, 16, "tiny");
    size_t n = 0;
    unsigned char *image = image_of(d, &n);
    char path[512], err[512];
    path_in_temp(path, sizeof path, "truncated.dict");
    for (size_t len = 0; len < n; len++) {
        write_bytes(path, image, len);
        err[0] = 0;
        camsep_dictionary *r = camsep_dictionary_load(path, err, sizeof err);
        CHECK_ERR(r == NULL, err);
        CHECK_ERR(strncmp(err, path, strlen(path)) == 0 && strstr(err, ": ") != NULL, err);
        CHECK_ERR(strchr(err, '\n') == NULL, err);
        CHECK_ERR(strstr(err, len == 0 ? "empty" : "truncated") != NULL, err);
        expect_parse_error(image, len, NULL);
    }
    write_bytes(path, image, n);
    camsep_dictionary *whole = camsep_dictionary_load(path, err, sizeof err);
    CHECK_ERR(whole != NULL, err);
    remove(path);
    camsep_dictionary_free(whole);
    free(image);
    camsep_dictionary_free(d);
}

static void test_single_byte_corruption(void)
{
    camsep_dictionary *d = make_random(2, 48000.0, 16, "tiny");
    size_t n = 0;
    unsigned char *image = image_of(d, &n);
    static const unsigned char flips[] = {0x01, 0x10, 0x80, 0xff, 0x5a};
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < sizeof flips; j++) {
            image[i] ^= flips[j];
            expect_parse_error(image, n, NULL);
            image[i] ^= flips[j];
        }
    }
    /* Corruption in the atoms or the CRC itself is reported as such. */
    image[HEADER + 5] ^= 0x01;
    expect_parse_error(image, n, "corrupted");
    image[HEADER + 5] ^= 0x01;
    image[n - 1] ^= 0x40;
    expect_parse_error(image, n, "corrupted");
    image[n - 1] ^= 0x40;

    char path[512], err[512];
    path_in_temp(path, sizeof path, "corrupt.dict");
    image[OFF_NAME + 1] ^= 0x02;
    write_bytes(path, image, n);
    CHECK(camsep_dictionary_load(path, err, sizeof err) == NULL);
    CHECK_ERR(strncmp(err, path, strlen(path)) == 0 && strstr(err, "corrupted"), err);
    remove(path);
    free(image);
    camsep_dictionary_free(d);
}

static void test_magic_and_version(void)
{
    camsep_dictionary *d = make_random(1, 48000.0, 16, "v");
    size_t n = 0;
    unsigned char *image = image_of(d, &n);

    image[0] = 'X';
    fix_crc(image, n);
    expect_parse_error(image, n, "magic");
    image[0] = 'C';

    store_u32(image + OFF_VERSION, 3);
    fix_crc(image, n);
    expect_parse_error(image, n, "unsupported version 3 (this build reads 1 and 2)");
    store_u32(image + OFF_VERSION, 4000000000u);
    expect_parse_error(image, 16, "unsupported version 4000000000");
    store_u32(image + OFF_VERSION, 0);
    fix_crc(image, n);
    expect_parse_error(image, n, "unsupported version 0");
    store_u32(image + OFF_VERSION, 2);

    store_u32(image + OFF_HEADER_SIZE, 112);
    fix_crc(image, n);
    expect_parse_error(image, n, "header size 112 is wrong (version 2 has 116)");
    free(image);
    camsep_dictionary_free(d);
}

/* Edits one header field, recomputes the CRC and expects rejection. */
static void expect_hostile_u32_at(const unsigned char *good, size_t n, int offset, uint32_t v,
                                  const char *needle, int line)
{
    unsigned char *p = malloc(n);
    CHECK(p != NULL);
    memcpy(p, good, n);
    store_u32(p + offset, v);
    fix_crc(p, n);
    expect_parse_error_at(p, n, needle, line);
    free(p);
}
#define expect_hostile_u32(good, n, off, v, needle) expect_hostile_u32_at(good, n, off, v, needle, __LINE__)

static void expect_hostile_float_at(const unsigned char *good, size_t n, int offset, int is_double,
                                    double v, const char *needle, int line)
{
    unsigned char *p = malloc(n);
    CHECK(p != NULL);
    memcpy(p, good, n);
    if (is_double)
        store_f64(p + offset, v);
    else
        store_f32(p + offset, (float)v);
    fix_crc(p, n);
    expect_parse_error_at(p, n, needle, line);
    free(p);
}
#define expect_hostile_f64(good, n, off, v, needle) expect_hostile_float_at(good, n, off, 1, v, needle, __LINE__)
#define expect_hostile_f32(good, n, off, v, needle) expect_hostile_float_at(good, n, off, 0, v, needle, __LINE__)

static void test_hostile_headers(void)
{
    camsep_dictionary *d = make_random(2, 48000.0, 16, "tiny");
    size_t n = 0;
    unsigned char *g = image_of(d, &n);

    expect_hostile_u32(g, n, OFF_ATOMS, 0xffffffffu, "atom count 4294967295");
    expect_hostile_u32(g, n, OFF_ATOMS, 0x40000001u, "atom count");
    expect_hostile_u32(g, n, OFF_ATOMS, 0, "atom count 0");
    expect_hostile_u32(g, n, OFF_ATOMS, CAMSEP_DICT_MAX_ATOMS + 1, "atom count");
    expect_hostile_u32(g, n, OFF_ATOMS, CAMSEP_DICT_MAX_ATOMS, "truncated");
    expect_hostile_u32(g, n, OFF_ATOMS, 3, "truncated");
    expect_hostile_u32(g, n, OFF_ATOMS, 1, "trailing");
    expect_hostile_u32(g, n, OFF_FFT, 0xfffffffeu, "fft size 4294967294");
    expect_hostile_u32(g, n, OFF_FFT, 0x80000000u, "fft size");
    expect_hostile_u32(g, n, OFF_FFT, 17, "fft size 17");
    expect_hostile_u32(g, n, OFF_FFT, 8, "fft size 8");
    expect_hostile_u32(g, n, OFF_FFT, CAMSEP_DICT_MAX_FFT + 2, "fft size");
    expect_hostile_u32(g, n, OFF_FFT, 18, "bin count 9 does not match fft size 18");
    expect_hostile_u32(g, n, OFF_BINS, 10, "bin count 10");
    expect_hostile_u32(g, n, OFF_BINS, 0xffffffffu, "bin count 4294967295");
    expect_hostile_u32(g, n, OFF_HOP, 0, "hop 0");
    expect_hostile_u32(g, n, OFF_HOP, 17, "hop 17");
    expect_hostile_u32(g, n, OFF_HOP, 0xffffffffu, "hop 4294967295");
    expect_hostile_u32(g, n, OFF_WINDOW, 0, "window kind 0");
    expect_hostile_u32(g, n, OFF_WINDOW, 1, "window kind 1");
    expect_hostile_u32(g, n, OFF_WINDOW, 3, "window kind 3");
    expect_hostile_u32(g, n, OFF_FALL, 0, "window fall 0");
    expect_hostile_u32(g, n, OFF_FALL, 9, "window fall 9 is outside 1..8");
    expect_hostile_u32(g, n, OFF_FALL, 0xffffffffu, "window fall 4294967295");

    /* A header claiming the largest dictionary, consistently: the file is
     * too short for it, which must be found before anything is allocated. */
    unsigned char *big = malloc(n);
    CHECK(big != NULL);
    memcpy(big, g, n);
    store_u32(big + OFF_FFT, CAMSEP_DICT_MAX_FFT);
    store_u32(big + OFF_BINS, CAMSEP_DICT_MAX_FFT / 2 + 1);
    store_u32(big + OFF_ATOMS, CAMSEP_DICT_MAX_ATOMS);
    fix_crc(big, n);
    expect_parse_error(big, n, "truncated");
    free(big);

    expect_hostile_f64(g, n, OFF_SR, NAN, "sample rate");
    expect_hostile_f64(g, n, OFF_SR, INFINITY, "sample rate");
    expect_hostile_f64(g, n, OFF_SR, -48000.0, "sample rate");
    expect_hostile_f64(g, n, OFF_SR, 0.0, "sample rate");
    expect_hostile_f64(g, n, OFF_SR, 999.0, "sample rate 999");
    expect_hostile_f64(g, n, OFF_SR, 768001.0, "sample rate 768001");
    expect_hostile_f32(g, n, OFF_BETA, NAN, "beta");
    expect_hostile_f32(g, n, OFF_BETA, -0.5, "beta -0.5");
    expect_hostile_f32(g, n, OFF_BETA, 2.5, "beta 2.5");
    expect_hostile_f32(g, n, OFF_BETA, INFINITY, "beta");

    /* Atom values: NaN, infinite, negative; an all-zero atom. */
    expect_hostile_f32(g, n, HEADER + 4 * 3, NAN, "atom 0 bin 3");
    expect_hostile_f32(g, n, HEADER + 4 * 12, INFINITY, "atom 1 bin 3");
    expect_hostile_f32(g, n, HEADER + 4 * 17, -1e-30, "atom 1 bin 8");
    unsigned char *zero = malloc(n);
    CHECK(zero != NULL);
    memcpy(zero, g, n);
    memset(zero + HEADER + 9 * 4, 0, 9 * 4);
    fix_crc(zero, n);
    expect_parse_error(zero, n, "atom 1 is all zero");
    free(zero);

    /* The name: NUL-terminated, zero-padded, printable UTF-8. */
    unsigned char *named = malloc(n);
    CHECK(named != NULL);
    memcpy(named, g, n);
    memset(named + OFF_NAME, 'a', CAMSEP_DICT_NAME_LEN);
    fix_crc(named, n);
    expect_parse_error(named, n, "NUL-terminated");
    memcpy(named, g, n);
    named[OFF_NAME + CAMSEP_DICT_NAME_LEN - 1] = 'x';
    fix_crc(named, n);
    expect_parse_error(named, n, "padding");
    memcpy(named, g, n);
    memcpy(named + OFF_NAME, "a\nb", 3);
    fix_crc(named, n);
    expect_parse_error(named, n, "printable");
    memcpy(named, g, n);
    memcpy(named + OFF_NAME, "\xc3\x28", 2);
    fix_crc(named, n);
    expect_parse_error(named, n, "UTF-8");
    memcpy(named, g, n);
    memcpy(named + OFF_NAME, "\xc0\xaf", 2); /* overlong '/' */
    fix_crc(named, n);
    expect_parse_error(named, n, "UTF-8");
    memcpy(named, g, n);
    memcpy(named + OFF_NAME, "\xed\xa0\x80", 3); /* surrogate */
    fix_crc(named, n);
    expect_parse_error(named, n, "UTF-8");
    memcpy(named, g, n);
    memcpy(named + OFF_NAME, "\xf0\x9f\x8e\xbb", 4); /* U+1F3BB, fine */
    fix_crc(named, n);
    camsep_dictionary *violin = camsep_dictionary_parse(named, n, "ok", NULL, 0);
    CHECK(violin != NULL && strcmp(violin->name, "\xf0\x9f\x8e\xbb") == 0);
    camsep_dictionary_free(violin);
    free(named);

    /* err may be NULL or tiny. */
    CHECK(camsep_dictionary_parse(g, 3, "x", NULL, 0) == NULL);
    char small[6];
    CHECK(camsep_dictionary_parse(g, 3, "a-long-label", small, sizeof small) == NULL);
    CHECK(strlen(small) == 5);
    CHECK(camsep_dictionary_parse(NULL, 0, NULL, small, sizeof small) == NULL);
    free(g);
    camsep_dictionary_free(d);
}

/* In a child whose data segment is capped well below the largest valid
 * dictionary, a header claiming that size must be rejected cleanly, which
 * shows nothing is allocated from header fields. Skipped under ASan, whose
 * shadow memory does not fit such a limit. */
#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif
static void test_no_allocation_from_header(void)
{
#ifdef HAVE_ASAN
    fprintf(stderr, "test_no_allocation_from_header: skipped under AddressSanitizer\n");
#else
    camsep_dictionary *d = make_random(2, 48000.0, 16, "tiny");
    size_t n = 0;
    unsigned char *image = image_of(d, &n);
    store_u32(image + OFF_FFT, CAMSEP_DICT_MAX_FFT);
    store_u32(image + OFF_BINS, CAMSEP_DICT_MAX_FFT / 2 + 1);
    store_u32(image + OFF_ATOMS, CAMSEP_DICT_MAX_ATOMS);
    fix_crc(image, n);
    char path[512];
    path_in_temp(path, sizeof path, "claims-huge.dict");
    write_bytes(path, image, n);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct rlimit lim = {32u << 20, 32u << 20};
        struct rlimit cur;
        getrlimit(RLIMIT_DATA, &cur);
        if (cur.rlim_max != RLIM_INFINITY && cur.rlim_max < lim.rlim_max)
            lim.rlim_cur = lim.rlim_max = cur.rlim_max;
        if (setrlimit(RLIMIT_DATA, &lim) != 0)
            _exit(3);
        /* Sanity: the cap does stop an allocation of the claimed size. */
        void *volatile probe = malloc((size_t)CAMSEP_DICT_MAX_ATOMS * (CAMSEP_DICT_MAX_FFT / 2 + 1) * 4);
        if (probe) {
            free(probe);
            _exit(4);
        }
        char err[512];
        camsep_dictionary *r = camsep_dictionary_load(path, err, sizeof err);
        _exit(r == NULL && strstr(err, "truncated") != NULL ? 0 : 5);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 4)
        fprintf(stderr, "test_no_allocation_from_header: RLIMIT_DATA not enforced here, skipped\n");
    else
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    remove(path);
    free(image);
    camsep_dictionary_free(d);
#endif
}

static void test_trailing_and_oversized(void)
{
    camsep_dictionary *d = make_random(2, 48000.0, 16, "tiny");
    size_t n = 0;
    unsigned char *image = image_of(d, &n);
    unsigned char *longer = calloc(1, n + 1000);
    CHECK(longer != NULL);
    memcpy(longer, image, n);
    expect_parse_error(longer, n + 1, "trailing data (1 extra byte after");
    expect_parse_error(longer, n + 1000, "trailing data (1000 extra bytes after");
    /* Even a CRC over the extra bytes does not make them acceptable. */
    fix_crc(longer, n + 8);
    expect_parse_error(longer, n + 8, "trailing");

    char path[512], err[512];
    path_in_temp(path, sizeof path, "trailing.dict");
    write_bytes(path, longer, n + 3);
    CHECK(camsep_dictionary_load(path, err, sizeof err) == NULL);
    CHECK_ERR(strncmp(err, path, strlen(path)) == 0 && strstr(err, "3 extra bytes"), err);

    /* A sparse file larger than any valid dictionary: read up to the cap only. */
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    CHECK(fwrite(image, 1, n, f) == n);
    CHECK(fseek(f, 200L << 20, SEEK_SET) == 0);
    CHECK(fputc(0, f) == 0);
    CHECK(fclose(f) == 0);
    CHECK(camsep_dictionary_load(path, err, sizeof err) == NULL);
    CHECK_ERR(strstr(err, "too large") != NULL, err);
    remove(path);

    path_in_temp(path, sizeof path, "missing.dict");
    CHECK(camsep_dictionary_load(path, err, sizeof err) == NULL);
    CHECK_ERR(strncmp(err, path, strlen(path)) == 0 && strstr(err, "cannot open"), err);
    CHECK(camsep_dictionary_load(temp_dir, err, sizeof err) == NULL); /* a directory */
    CHECK_ERR(strncmp(err, temp_dir, strlen(temp_dir)) == 0, err);
    free(longer);
    free(image);
    camsep_dictionary_free(d);
}

/* ---- life cycle ---- */

static void test_new_copy_normalise(void)
{
    char err[256];
    camsep_dictionary *d = camsep_dictionary_new(3, 44100.0, 2048, "horn", err, sizeof err);
    CHECK_ERR(d != NULL, err);
    CHECK(d->n_atoms == 3 && d->n_bins == 1025 && d->fft_size == 2048 && d->hop == 512);
    CHECK(d->beta == 1.0f && d->sample_rate == 44100.0 && strcmp(d->name, "horn") == 0);
    for (int i = 0; i < 3 * 1025; i++)
        CHECK(d->atoms[i] == 0.0f);

    d->atoms[5] = 3.0f;
    d->atoms[1025 + 7] = 0.25f;
    d->atoms[1025 + 8] = 0.75f;
    camsep_dictionary_normalise(d);
    CHECK(d->atoms[5] == 1.0f && d->atoms[4] == 0.0f);
    CHECK(d->atoms[1025 + 7] == 0.25f && d->atoms[1025 + 8] == 0.75f);
    for (int f = 0; f < 1025; f++)
        CHECK(d->atoms[2 * 1025 + f] == 1.0f / 1025.0f); /* all-zero atom becomes flat */
    for (int k = 0; k < 3; k++)
        CHECK(fabs(atom_l1(d, k) - 1.0) < 1e-5);

    camsep_dictionary *c = camsep_dictionary_copy(d);
    CHECK(c != NULL && c->atoms != d->atoms);
    CHECK(memcmp(c->atoms, d->atoms, sizeof(float) * 3 * 1025) == 0);
    CHECK(strcmp(c->name, "horn") == 0 && c->n_bins == 1025 && c->hop == 512);
    c->atoms[0] = 9.0f;
    CHECK(d->atoms[0] == 0.0f);
    camsep_dictionary_free(c);
    camsep_dictionary_free(d);
    camsep_dictionary_free(NULL);
    CHECK(camsep_dictionary_copy(NULL) == NULL);

    CHECK(camsep_dictionary_new(0, 48000.0, 1024, "x", err, sizeof err) == NULL);
    CHECK_ERR(strstr(err, "atom count 0"), err);
    CHECK(camsep_dictionary_new(CAMSEP_DICT_MAX_ATOMS + 1, 48000.0, 1024, "x", err, sizeof err) == NULL);
    CHECK(camsep_dictionary_new(4, 48000.0, 1023, "x", err, sizeof err) == NULL);
    CHECK_ERR(strstr(err, "fft size 1023"), err);
    CHECK(camsep_dictionary_new(4, 48000.0, CAMSEP_DICT_MAX_FFT * 2, "x", err, sizeof err) == NULL);
    CHECK(camsep_dictionary_new(4, 999.0, 1024, "x", err, sizeof err) == NULL);
    CHECK(camsep_dictionary_new(4, NAN, 1024, "x", err, sizeof err) == NULL);
    CHECK(camsep_dictionary_new(4, 48000.0, 1024, "bad\xff", err, sizeof err) == NULL);
    CHECK_ERR(strstr(err, "UTF-8"), err);
    CHECK(camsep_dictionary_new(4, 48000.0, 1024, "tab\there", NULL, 0) == NULL);

    /* Long names are cut to 63 bytes at a character boundary. */
    char long_name[80];
    memset(long_name, 'a', 62);
    strcpy(long_name + 62, "\xc3\xa9xyz"); /* 'é' would straddle byte 63 */
    d = camsep_dictionary_new(1, 48000.0, 64, long_name, err, sizeof err);
    CHECK_ERR(d != NULL, err);
    CHECK(strlen(d->name) == 62);
    camsep_dictionary_free(d);
    d = camsep_dictionary_new(1, 48000.0, 64, NULL, err, sizeof err);
    CHECK_ERR(d != NULL && d->name[0] == 0, err);
    camsep_dictionary_free(d);
}

static void test_save_errors(void)
{
    char path[512], tmp[600], err[512];
    path_in_temp(path, sizeof path, "invalid.dict");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);

    camsep_dictionary *d = camsep_dictionary_new(2, 48000.0, 64, "zeros", err, sizeof err);
    CHECK_ERR(d != NULL, err);
    CHECK(camsep_dictionary_save(d, path, err, sizeof err) == -1);
    CHECK_ERR(strncmp(err, path, strlen(path)) == 0 && strstr(err, "atom 0 is all zero"), err);
    CHECK(!file_exists(path) && !file_exists(tmp));

    camsep_dictionary_normalise(d);
    d->atoms[3] = NAN;
    CHECK(camsep_dictionary_save(d, path, err, sizeof err) == -1);
    CHECK_ERR(strstr(err, "atom 0 bin 3"), err);
    d->atoms[3] = 0.0f;
    d->hop = 0;
    CHECK(camsep_dictionary_save(d, path, err, sizeof err) == -1);
    d->hop = 16;
    d->n_bins = 32;
    CHECK(camsep_dictionary_save(d, path, err, sizeof err) == -1);
    CHECK_ERR(strstr(err, "bin count 32"), err);
    d->n_bins = 33;
    CHECK(!file_exists(path) && !file_exists(tmp));

    char nowhere[600];
    snprintf(nowhere, sizeof nowhere, "%s/no/such/dir/x.dict", temp_dir);
    CHECK(camsep_dictionary_save(d, nowhere, err, sizeof err) == -1);
    CHECK_ERR(strncmp(err, nowhere, strlen(nowhere)) == 0 && strstr(err, "cannot write"), err);
    CHECK(camsep_dictionary_save(NULL, path, err, sizeof err) == -1);
    CHECK(camsep_dictionary_save(d, NULL, err, sizeof err) == -1);
    CHECK(camsep_dictionary_load(NULL, err, sizeof err) == NULL);

    CHECK_ERR(camsep_dictionary_save(d, path, NULL, 0) == 0, "");
    remove(path);
    camsep_dictionary_free(d);
}

/* ---- resampling ---- */

static int argmax(const float *v, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

static double centroid_hz(const camsep_dictionary *d, int k)
{
    double df = d->sample_rate / d->fft_size, num = 0.0, den = 0.0;
    for (int f = 0; f < d->n_bins; f++) {
        num += f * df * d->atoms[k * d->n_bins + f];
        den += d->atoms[k * d->n_bins + f];
    }
    return num / den;
}

static camsep_dictionary *resample_ok(const camsep_dictionary *d, double sr, int fft)
{
    char err[256];
    camsep_dictionary *r = camsep_dictionary_resample(d, sr, fft, err, sizeof err);
    CHECK_ERR(r != NULL, err);
    CHECK(r->sample_rate == sr && r->fft_size == fft && r->n_bins == fft / 2 + 1);
    CHECK(r->n_atoms == d->n_atoms && r->beta == d->beta && strcmp(r->name, d->name) == 0);
    for (int k = 0; k < r->n_atoms; k++)
        CHECK(fabs(atom_l1(r, k) - 1.0) < 1e-5);
    for (int i = 0; i < r->n_atoms * r->n_bins; i++)
        CHECK(isfinite(r->atoms[i]) && r->atoms[i] >= 0.0f);
    return r;
}

static void test_resample_identity(void)
{
    camsep_dictionary *d = make_random(5, 48000.0, 1024, "same");
    d->atoms[0] = 7.0f; /* identity is a plain copy: not even renormalised */
    char err[256];
    camsep_dictionary *r = camsep_dictionary_resample(d, 48000.0, 1024, err, sizeof err);
    CHECK_ERR(r != NULL, err);
    CHECK(r->atoms != d->atoms && r->hop == d->hop);
    CHECK(memcmp(r->atoms, d->atoms, sizeof(float) * 5 * 513) == 0);
    camsep_dictionary_free(r);
    camsep_dictionary_free(d);
}

/* A dictionary is used only with the window it was learned with, up to a
 * change of sample rate or a scaling of the whole window; the engine says why
 * and what to do otherwise. */
static void test_window_compatibility(void)
{
    camsep_dictionary *d = make_random(3, 48000.0, 2048, "horn");
    d->window_fall = 512; /* made for latency 1024 */
    char err[512] = "";
    CHECK_ERR(camsep_dictionary_check_window(d, 2048, 512, err, sizeof err) == 0, err);
    CHECK_ERR(camsep_dictionary_check_window(d, 1024, 256, err, sizeof err) == 0, err); /* scaled */
    CHECK(camsep_dictionary_check_window(d, 2048, 256, err, sizeof err) == -1);
    CHECK_ERR(strstr(err, "horn") && strstr(err, "latency 1024") && strstr(err, "latency 512") &&
                  strstr(err, "camsep-train --fft 2048 --latency 512"), err);
    CHECK(camsep_dictionary_check_window(d, 2048, 1024, err, sizeof err) == -1);

    /* Resampling scales the fall with the FFT size, so the window stays the same shape. */
    camsep_dictionary *r = camsep_dictionary_resample(d, 48000.0, 1024, err, sizeof err);
    CHECK_ERR(r != NULL, err);
    CHECK(r->window == CAMSEP_DICT_WINDOW_SQRT_HANN_PAIR && r->window_fall == 256);
    camsep_dictionary_free(r);
    r = camsep_dictionary_resample(d, 44100.0, 2048, err, sizeof err);
    CHECK_ERR(r != NULL, err);
    CHECK(r->window_fall == 512);
    camsep_dictionary_free(r);

    d->window = CAMSEP_DICT_WINDOW_HANN;
    d->window_fall = 0;
    CHECK(camsep_dictionary_check_window(d, 2048, 512, err, sizeof err) == -1);
    CHECK_ERR(strstr(err, "periodic Hann") && strstr(err, "--latency 1024"), err);

    /* Through the engine: a set is refused with that reason, nothing is installed. */
    camsep_config cfg;
    camsep_config_default(&cfg, 48000.0);
    cfg.fft_size = 2048;
    cfg.latency = 512;
    cfg.hop = 128;
    camsep_engine *e = camsep_engine_create(&cfg, err, sizeof err);
    CHECK_ERR(e != NULL, err);
    d->window = CAMSEP_DICT_WINDOW_SQRT_HANN_PAIR;
    d->window_fall = 512;
    const camsep_dictionary *players[1] = {d};
    CHECK(camsep_dictset_create(e, players, 1, NULL, err, sizeof err) == NULL);
    CHECK_ERR(strstr(err, "--latency 512"), err);
    d->window_fall = 256;
    camsep_dictset *set = camsep_dictset_create(e, players, 1, NULL, err, sizeof err);
    CHECK_ERR(set != NULL, err);
    camsep_dictset_free(set);
    camsep_engine_free(e);
    camsep_dictionary_free(d);
}

/* A one-bin peak at src_bin must land within one target bin of its
 * frequency, with its centroid within half a target bin. */
static void check_peak_moves(double sr_from, int fft_from, int src_bin, double sr_to, int fft_to)
{
    camsep_dictionary *d = make_peak(sr_from, fft_from, src_bin);
    camsep_dictionary *r = resample_ok(d, sr_to, fft_to);
    double f0 = src_bin * sr_from / fft_from, df_to = sr_to / fft_to;
    int peak = argmax(r->atoms, r->n_bins);
    if (fabs(peak * df_to - f0) > df_to || fabs(centroid_hz(r, 0) - f0) > 0.5 * df_to) {
        fprintf(stderr, "peak %g Hz (%g/%d -> %g/%d) landed at bin %d = %g Hz, centroid %g Hz\n", f0,
                sr_from, fft_from, sr_to, fft_to, peak, peak * df_to, centroid_hz(r, 0));
        CHECK(0);
    }
    camsep_dictionary_free(r);
    camsep_dictionary_free(d);
}

static void test_resample_peaks(void)
{
    static const int bins[] = {1, 7, 100, 333, 467}; /* 467 at 48k: just below 22050 Hz */
    for (size_t i = 0; i < sizeof bins / sizeof bins[0]; i++) {
        check_peak_moves(48000.0, 1024, bins[i], 48000.0, 2048);
        check_peak_moves(48000.0, 1024, bins[i], 44100.0, 1024);
        check_peak_moves(48000.0, 1024, bins[i], 44100.0, 2048);
        check_peak_moves(44100.0, 1024, bins[i], 48000.0, 1024);
        check_peak_moves(48000.0, 1024, bins[i], 48000.0, 512);
        check_peak_moves(48000.0, 1024, bins[i], 96000.0, 4096);
    }
    /* Same rate, double size: the peak splits 1/4, 1/2, 1/4. */
    camsep_dictionary *d = make_peak(48000.0, 1024, 100);
    camsep_dictionary *r = resample_ok(d, 48000.0, 2048);
    CHECK(fabs(r->atoms[200] - 0.5) < 1e-6);
    CHECK(fabs(r->atoms[199] - 0.25) < 1e-6 && fabs(r->atoms[201] - 0.25) < 1e-6);
    CHECK(r->atoms[198] == 0.0f && r->atoms[202] == 0.0f);
    CHECK(r->hop == 2 * d->hop);
    camsep_dictionary_free(r);
    /* Half size: the peak's bin is averaged with its neighbours' halves. */
    r = resample_ok(d, 48000.0, 512);
    CHECK(fabs(r->atoms[50] - 1.0) < 1e-6);
    CHECK(r->hop == d->hop / 2);
    camsep_dictionary_free(r);
    camsep_dictionary_free(d);
}

static void test_resample_flat_stays_flat(void)
{
    char err[256];
    camsep_dictionary *d = camsep_dictionary_new(1, 48000.0, 1024, "flat", err, sizeof err);
    CHECK_ERR(d != NULL, err);
    camsep_dictionary_normalise(d); /* all-zero atom -> flat */
    static const struct { double sr; int fft; } to[] = {
        {48000.0, 2048}, {48000.0, 512}, {44100.0, 1024}, {32000.0, 4096}, {16000.0, 64}};
    for (size_t i = 0; i < sizeof to / sizeof to[0]; i++) {
        camsep_dictionary *r = resample_ok(d, to[i].sr, to[i].fft);
        for (int f = 0; f < r->n_bins; f++)
            CHECK(fabs((double)r->atoms[f] * r->n_bins - 1.0) < 1e-4);
        camsep_dictionary_free(r);
    }
    camsep_dictionary_free(d);
}

static void test_resample_nothing_above_source_nyquist(void)
{
    camsep_dictionary *d = make_random(3, 22050.0, 512, "low");
    static const struct { double sr; int fft; } to[] = {{48000.0, 1024}, {44100.0, 1024}, {96000.0, 512}};
    for (size_t i = 0; i < sizeof to / sizeof to[0]; i++) {
        camsep_dictionary *r = resample_ok(d, to[i].sr, to[i].fft);
        double df = to[i].sr / to[i].fft;
        for (int k = 0; k < r->n_atoms; k++) {
            for (int f = 0; f < r->n_bins; f++) {
                if ((f - 0.5) * df >= 11025.0)
                    CHECK(r->atoms[k * r->n_bins + f] == 0.0f);
                else if ((f + 0.5) * df <= 11025.0)
                    CHECK(r->atoms[k * r->n_bins + f] > 0.0f);
            }
        }
        camsep_dictionary_free(r);
    }
    camsep_dictionary_free(d);
}

static void test_resample_errors(void)
{
    char err[256];
    /* Everything above the new Nyquist: nothing left of the atom. */
    camsep_dictionary *d = make_peak(48000.0, 1024, 400); /* 18750 Hz */
    CHECK(camsep_dictionary_resample(d, 16000.0, 1024, err, sizeof err) == NULL);
    CHECK_ERR(strstr(err, "dictionary \"peak\": atom 0 has no energy below 8000 Hz"), err);
    CHECK(camsep_dictionary_resample(d, 48000.0, 1001, err, sizeof err) == NULL);
    CHECK_ERR(strstr(err, "fft size 1001"), err);
    CHECK(camsep_dictionary_resample(d, 500.0, 1024, err, sizeof err) == NULL);
    CHECK_ERR(strstr(err, "sample rate 500"), err);
    CHECK(camsep_dictionary_resample(NULL, 48000.0, 1024, err, sizeof err) == NULL);
    d->atoms[3] = -1.0f;
    CHECK(camsep_dictionary_resample(d, 48000.0, 2048, err, sizeof err) == NULL);
    CHECK_ERR(strstr(err, "atom 0 bin 3"), err);
    camsep_dictionary_free(d);

    /* The hop scales with the size and stays at least 1. */
    d = make_peak(48000.0, 2048, 10);
    d->hop = 1;
    camsep_dictionary *r = resample_ok(d, 48000.0, 16);
    CHECK(r->hop == 1);
    camsep_dictionary_free(r);
    d->hop = 2048;
    r = resample_ok(d, 44100.0, 1024);
    CHECK(r->hop == 1024);
    camsep_dictionary_free(r);
    camsep_dictionary_free(d);
}

static void test_resample_large(void)
{
    /* The largest shape resamples in one pass (linear in the bin counts). */
    camsep_dictionary *d = make_random(4, 192000.0, CAMSEP_DICT_MAX_FFT, "big");
    camsep_dictionary *r = resample_ok(d, 44100.0, 16);
    camsep_dictionary *back = resample_ok(r, 192000.0, CAMSEP_DICT_MAX_FFT);
    camsep_dictionary_free(back);
    camsep_dictionary_free(r);
    camsep_dictionary_free(d);
}

/* At exit, also after a failed check: empty and remove the temp dir. */
static void remove_temp_dir(void)
{
    DIR *dir = opendir(temp_dir);
    if (!dir)
        return;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", temp_dir, e->d_name);
            remove(path);
        }
    }
    closedir(dir);
    rmdir(temp_dir);
}

/* Small valid dictionaries, as a starting corpus for fuzz_dictionary. */
static int write_seeds(const char *dir)
{
    static const struct { int atoms; double sr; int fft; const char *name; } seeds[] = {
        {1, 48000.0, 16, "a"}, {2, 44100.0, 32, "cello"}, {3, 8000.0, 64, ""}, {1, 96000.0, 256, "\xc3\xa9"}};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        char path[1024], err[256];
        snprintf(path, sizeof path, "%s/seed-%zu.dict", dir, i);
        camsep_dictionary *d = make_random(seeds[i].atoms, seeds[i].sr, seeds[i].fft, seeds[i].name);
        int rc = camsep_dictionary_save(d, path, err, sizeof err);
        camsep_dictionary_free(d);
        if (rc != 0) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0)
        return write_seeds(argv[2]);
    snprintf(temp_dir, sizeof temp_dir, "/tmp/camsep-test-dictionary-XXXXXX");
    CHECK(mkdtemp(temp_dir) != NULL);
    atexit(remove_temp_dir);

    test_crc_reference();
    test_golden_image();
    test_round_trip();
    test_truncation();
    test_single_byte_corruption();
    test_magic_and_version();
    test_version1_image();
    test_hostile_headers();
    test_no_allocation_from_header();
    test_trailing_and_oversized();
    test_new_copy_normalise();
    test_save_errors();
    test_resample_identity();
    test_resample_peaks();
    test_resample_flat_stays_flat();
    test_resample_nothing_above_source_nyquist();
    test_resample_errors();
    test_resample_large();
    test_window_compatibility();

    CHECK(rmdir(temp_dir) == 0); /* every test removed its files */
    printf("dictionary: all tests passed\n");
    return 0;
}
