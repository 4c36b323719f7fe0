/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Counting allocator calls in tests: every allocator entry point (malloc,
 * calloc, realloc, free, aligned_alloc, memalign, posix_memalign) is
 * interposed by alloc_counter.c and counted while armed, so a test can prove
 * that a real-time path neither allocates nor frees. Sanitizers own the
 * allocator, so in sanitized builds (CAMSEP_SANITIZED) nothing is
 * interposed and ALLOCATIONS() stays 0: the check runs in the plain build.
 */
#ifndef CAMSEP_ALLOC_COUNTER_H
#define CAMSEP_ALLOC_COUNTER_H

void alloc_counter_arm(void);
void alloc_counter_disarm(void);
long alloc_counter_calls(void); /* allocator calls made while armed, since start */
/* Counting only the calling thread's calls: for a real-time path tested
 * while other threads of the same program may allocate (a worker learning). */
void alloc_counter_arm_this_thread(void);
void alloc_counter_disarm_this_thread(void);

#define ARM() alloc_counter_arm()
#define DISARM() alloc_counter_disarm()
#define ALLOCATIONS() alloc_counter_calls()

#endif
