/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * CAMSEP_RT marks a function that runs on the audio thread: no allocation,
 * lock, logging, I/O or blocking system call. Where the compiler knows
 * clang's `nonblocking` function effect (clang >= 20) the marker becomes
 * that attribute, so the compiler can check what the comments promise;
 * elsewhere it expands to nothing. Place it before the declaration.
 */
#ifndef CAMSEP_RT_H
#define CAMSEP_RT_H

#if defined(__has_attribute)
#if __has_attribute(nonblocking)
#define CAMSEP_RT __attribute__((nonblocking))
#endif
#endif
#ifndef CAMSEP_RT
#define CAMSEP_RT
#endif

#endif
