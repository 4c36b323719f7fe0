/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Spectral dictionaries: one per player or instrument.
 *
 * A dictionary holds K non-negative spectral atoms on the linear frequency
 * axis of an STFT of size fft_size at sample_rate (bin f is at
 * f * sample_rate / fft_size Hz, n_bins = fft_size / 2 + 1), learned from the
 * spectra of one analysis window: the engine's dual square-root Hann window
 * that falls over its last window_fall samples (engine/stft.h). Each atom is
 * normalised to unit L1 norm, so that W^T 1 = 1 in the KL updates.
 *
 * The file format (".dict", little-endian, versioned, CRC-checked) is
 * documented in docs/dictionary-format.md. Loading validates everything and
 * never trusts a size field: errors name the file and the problem.
 *
 * Threading: none of these functions is real-time safe (they allocate and do
 * I/O); call them from set-up or worker threads.
 */
#ifndef CAMSEP_DICTIONARY_H
#define CAMSEP_DICTIONARY_H

#include <stddef.h>

#define CAMSEP_DICT_NAME_LEN 64
#define CAMSEP_DICT_MAX_ATOMS 1024
#define CAMSEP_DICT_MIN_FFT 16
#define CAMSEP_DICT_MAX_FFT 65536
#define CAMSEP_DICT_FORMAT_VERSION 2 /* written for the window pair; version 1 is read too */

/* The analysis window the atoms were learned with. */
enum camsep_dict_window {
    CAMSEP_DICT_WINDOW_HANN = 1,            /* periodic Hann (format 1, camsep before the window pair) */
    CAMSEP_DICT_WINDOW_SQRT_HANN_PAIR = 2   /* the engine's dual window, see engine/stft.h */
};

typedef struct camsep_dictionary {
    char name[CAMSEP_DICT_NAME_LEN]; /* instrument or player, UTF-8, NUL-terminated */
    double sample_rate;              /* Hz */
    int fft_size;                    /* even, CAMSEP_DICT_MIN_FFT..CAMSEP_DICT_MAX_FFT */
    int hop;                         /* hop the atoms were trained with (informative) */
    int n_bins;                      /* fft_size / 2 + 1 */
    int n_atoms;                     /* 1..CAMSEP_DICT_MAX_ATOMS */
    float beta;                      /* beta-divergence used in training (1 = KL) */
    int window;                      /* enum camsep_dict_window */
    int window_fall;                 /* the pair's fall M, 1..fft_size/2 (0 for Hann);
                                        the latency it was made for is 2 M */
    float *atoms;                    /* n_atoms * n_bins, atom-major: atoms[k * n_bins + f] */
} camsep_dictionary;

/* A zeroed dictionary with the given shape, or NULL (and a message in err).
 * Its window is the symmetric pair (fall = fft_size / 2); set window_fall
 * for another latency. */
camsep_dictionary *camsep_dictionary_new(int n_atoms, double sample_rate, int fft_size,
                                         const char *name, char *err, size_t errlen);
void camsep_dictionary_free(camsep_dictionary *d);
camsep_dictionary *camsep_dictionary_copy(const camsep_dictionary *d);

/* Scale each atom to unit L1 norm. An all-zero atom becomes flat (1/n_bins). */
void camsep_dictionary_normalise(camsep_dictionary *d);
/* Atoms ordered by spectral centroid, low first: a stable order makes
 * dictionaries and plots easy to read. 0, or -1 when out of memory. */
int camsep_dictionary_sort_atoms(camsep_dictionary *d);

/* 0 on success; -1 with a one-line reason in err ("PATH: problem"). */
int camsep_dictionary_save(const camsep_dictionary *d, const char *path, char *err, size_t errlen);
camsep_dictionary *camsep_dictionary_load(const char *path, char *err, size_t errlen);
/* Saves dicts[k] as paths[k] (k < n), all or nothing: each is written as
 * tmp[k] and loaded back (a file that does not load back is an error); only
 * when all of them load are they renamed into place. back: NULL, or n slots
 * for the dictionaries as loaded back (the caller's to free; all NULL on
 * error). On error the temporary files are removed and err says why (when a
 * rename fails after others succeeded: how many files were replaced).
 * 0, or -1. */
int camsep_dictionary_save_all(int n, camsep_dictionary *const *dicts, const char *const *tmp,
                               const char *const *paths, camsep_dictionary **back, char *err, size_t errlen);
/* Creates dir and its missing parents (mode 0777 less the umask), as a
 * place for dictionary files. 0, or -1 with errno set. */
int camsep_make_dirs(const char *dir);
/* Parse a whole file image already in memory; label names it in messages. */
camsep_dictionary *camsep_dictionary_parse(const void *data, size_t size, const char *label,
                                           char *err, size_t errlen);

/* A new dictionary on the frequency axis of (sample_rate, fft_size): atoms are
 * treated as spectral densities, integrated over each target bin's band
 * (so coarser axes average, finer axes interpolate), zero above the source
 * Nyquist, then re-normalised. The window's fall scales with the FFT size.
 * Returns a plain copy when the axes match. */
camsep_dictionary *camsep_dictionary_resample(const camsep_dictionary *d, double sample_rate,
                                              int fft_size, char *err, size_t errlen);

/* 0 if d was learned with the window (fft_size, fall) up to a change of
 * sample rate or a scaling of the whole window (which resampling converts,
 * see docs/dictionary-format.md); else -1 with the reason and the remedy in
 * err. */
int camsep_dictionary_check_window(const camsep_dictionary *d, int fft_size, int fall, char *err,
                                   size_t errlen);

#endif
