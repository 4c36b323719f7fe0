/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for the dictionary parser.
 *
 * Each input is parsed twice: as it is, and with its last four bytes replaced
 * by the CRC-32 of the rest, so that the fuzzer also reaches the checks
 * behind the CRC. A parsed dictionary must be self-consistent and must
 * resample. Build with -DCAMSEP_FUZZ=ON and clang; see docs/dictionary-format.md.
 */
#include "dictionary.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t fuzz_crc32(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void check_message(const char *err)
{
    if (err[0] == 0 || strchr(err, '\n') || strncmp(err, "fuzz: ", 6) != 0)
        abort();
}

static void check_dictionary(const camsep_dictionary *d)
{
    if (d->n_bins != d->fft_size / 2 + 1 || d->n_atoms < 1 || d->n_atoms > CAMSEP_DICT_MAX_ATOMS ||
        d->name[CAMSEP_DICT_NAME_LEN - 1] != 0 || d->hop < 1 || d->hop > d->fft_size)
        abort();
    for (int k = 0; k < d->n_atoms; k++) {
        float sum = 0.0f;
        for (int f = 0; f < d->n_bins; f++) {
            float v = d->atoms[k * d->n_bins + f];
            if (!isfinite(v) || v < 0.0f)
                abort();
            sum += v;
        }
        if (!(sum > 0.0f))
            abort();
    }
    char err[256];
    camsep_dictionary *r = camsep_dictionary_resample(d, 44100.0, 256, err, sizeof err);
    if (r) {
        for (int k = 0; k < r->n_atoms; k++) {
            double sum = 0.0;
            for (int f = 0; f < r->n_bins; f++)
                sum += r->atoms[k * r->n_bins + f];
            if (fabs(sum - 1.0) > 1e-3)
                abort();
        }
        camsep_dictionary_free(r);
    } else if (err[0] == 0) {
        abort();
    }
}

static void parse_one(const uint8_t *data, size_t size)
{
    char err[512] = "";
    camsep_dictionary *d = camsep_dictionary_parse(data, size, "fuzz", err, sizeof err);
    if (d) {
        check_dictionary(d);
        camsep_dictionary_free(d);
    } else {
        check_message(err);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse_one(data, size);
    if (size >= 4) {
        uint8_t *fixed = malloc(size);
        if (!fixed)
            return 0;
        memcpy(fixed, data, size);
        uint32_t crc = fuzz_crc32(fixed, size - 4);
        for (int i = 0; i < 4; i++)
            fixed[size - 4 + i] = (uint8_t)(crc >> (8 * i));
        parse_one(fixed, size);
        free(fixed);
    }
    return 0;
}
