/* bufcache.h: a small cache of large freed arrays' memory, reused by the
 * next allocation of the same size.
 *
 * Why: a fresh large array costs the kernel a page fault and a zeroed page
 * per 4 KiB (or 2 MiB) on its first write.  Here that is 6-9 ms per 64 MiB,
 * more than filling it with random numbers (4 ms on two cores), so code
 * that creates and drops weights of one shape in a loop (initializer
 * comparisons, restarts, benchmarks) spends most of its time in the
 * kernel.  Blocks of at least FI_BUFCACHE_MIN_BYTES that are freed go to a
 * few slots, up to a byte limit, oldest evicted first; a request of exactly
 * a cached size takes the newest such block back, pages already mapped.
 *
 * Every block carries a FI_BUFCACHE_HEADER-byte header holding its size, so
 * resize (which NumPy's realloc gives no old size for) works on any block.
 * Thread-safe (a spin lock around the slot table only); plain C, no Python:
 * fastinit/_runtime.pyx wraps it as a NumPy memory handler. */
#ifndef FASTINIT_BUFCACHE_H
#define FASTINIT_BUFCACHE_H

#include <stddef.h>

#define FI_BUFCACHE_HEADER 64
#define FI_BUFCACHE_MIN_BYTES ((size_t)4 << 20)
#define FI_BUFCACHE_SLOTS 8

typedef struct {
    size_t limit;           /* most bytes kept */
    size_t bytes;           /* bytes kept now */
    int blocks;             /* blocks kept now */
    unsigned long long hits, misses; /* cacheable requests served from / past it */
} fi_bufcache_stats;

/* 64-byte aligned memory of `bytes` (any size), NULL when out of memory. */
void *fi_bufcache_alloc(size_t bytes);
/* The same, zeroed; NULL also when nelem * elsize overflows. */
void *fi_bufcache_calloc(size_t nelem, size_t elsize);
/* A block of `bytes` holding the first min(old, new) bytes of p, which is
 * released; NULL (p untouched) when out of memory.  p may be NULL. */
void *fi_bufcache_realloc(void *p, size_t bytes);
/* Releases p (NULL: nothing), into the cache when it is large enough and fits. */
void fi_bufcache_free(void *p);
/* Sets the byte limit (0 disables, emptying the cache); returns the old one. */
size_t fi_bufcache_set_limit(size_t limit);
void fi_bufcache_get_stats(fi_bufcache_stats *s);
/* Fork handlers (pool.c registers them): prepare takes the slot table's
 * lock so that no thread holds it mid-update at the fork; parent releases
 * it; child re-initialises it (the thread that held it was not copied). */
void fi_bufcache_fork_prepare(void);
void fi_bufcache_fork_parent(void);
void fi_bufcache_fork_child(void);

#endif
