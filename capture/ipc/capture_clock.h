/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Clocks of the capture side. */
#ifndef CAMSEP_CAPTURE_CLOCK_H
#define CAMSEP_CAPTURE_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds: the clock of V4L2 buffer timestamps. */
int64_t camsep_monotonic_ns(void);
/* Sleeps until the given CLOCK_MONOTONIC time (returns at once if past). */
void camsep_sleep_until_ns(int64_t t);

#endif
