/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "alloc_counter.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>

static atomic_int armed;
static atomic_long calls;
static _Thread_local int armed_here;

void alloc_counter_arm(void)
{
    atomic_store(&armed, 1);
}

void alloc_counter_disarm(void)
{
    atomic_store(&armed, 0);
}

void alloc_counter_arm_this_thread(void)
{
    armed_here = 1;
}

void alloc_counter_disarm_this_thread(void)
{
    armed_here = 0;
}

long alloc_counter_calls(void)
{
    return atomic_load(&calls);
}

#ifndef CAMSEP_SANITIZED
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

static void note(void)
{
    if (atomic_load(&armed) || armed_here)
        atomic_fetch_add(&calls, 1);
}

void *malloc(size_t n) { note(); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { note(); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { note(); return __libc_realloc(p, n); }
void free(void *p) { if (p) note(); __libc_free(p); }
void *aligned_alloc(size_t al, size_t n) { note(); return __libc_memalign(al, n); }
void *memalign(size_t al, size_t n);
void *memalign(size_t al, size_t n) { note(); return __libc_memalign(al, n); }
int posix_memalign(void **out, size_t al, size_t n)
{
    note();
    *out = __libc_memalign(al, n);
    return *out ? 0 : 12;
}
#endif
