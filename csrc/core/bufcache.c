/* The cache of bufcache.h. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* MADV_HUGEPAGE */
#endif
#include "core/bufcache.h"

#include <stdint.h>
#include <string.h>

#include "core/atomics.h"
#include "core/fastinit.h"

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

typedef struct {
    char *base; /* header address; NULL: empty slot */
    size_t bytes;
    unsigned long long age;
} fi_slot;

static fi_slot fi_slots[FI_BUFCACHE_SLOTS];
static fi_bufcache_stats fi_stats = {(size_t)256 << 20, 0, 0, 0, 0};
static unsigned long long fi_clock;
static atomic_int fi_lock_word;

static void fi_lock(void) {
    while (!fi_atomic_cas_int(&fi_lock_word, 0, 1))
        ;
}
static void fi_unlock(void) { atomic_store(&fi_lock_word, 0); }

void fi_bufcache_fork_prepare(void) { fi_lock(); }
void fi_bufcache_fork_parent(void) { fi_unlock(); }
void fi_bufcache_fork_child(void) { atomic_store(&fi_lock_word, 0); }

static size_t fi_block_bytes(const char *base) {
    size_t n;
    memcpy(&n, base, sizeof n);
    return n;
}

/* Large blocks ask for transparent huge pages, as NumPy's own allocator
 * does: a 2 MiB fault instead of 512 small ones. */
static void fi_advise_huge(char *base, size_t total) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        return;
    uintptr_t lo = ((uintptr_t)base + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
    uintptr_t hi = ((uintptr_t)base + total) & ~((uintptr_t)page - 1);
    if (hi > lo)
        madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* advice only: errors are harmless */
#else
    (void)base;
    (void)total;
#endif
}

/* Takes the oldest block out of the table (lock held; one must be there). */
static char *fi_evict_oldest(void) {
    int oldest = -1;
    for (int s = 0; s < FI_BUFCACHE_SLOTS; s++)
        if (fi_slots[s].base && (oldest < 0 || fi_slots[s].age < fi_slots[oldest].age))
            oldest = s;
    char *base = fi_slots[oldest].base;
    fi_stats.bytes -= fi_slots[oldest].bytes;
    fi_stats.blocks--;
    fi_slots[oldest].base = NULL;
    return base;
}

void *fi_bufcache_alloc(size_t bytes) {
    if (bytes > SIZE_MAX - FI_BUFCACHE_HEADER)
        return NULL;
    char *base = NULL;
    if (bytes >= FI_BUFCACHE_MIN_BYTES) {
        int best = -1;
        fi_lock();
        for (int s = 0; s < FI_BUFCACHE_SLOTS; s++)
            if (fi_slots[s].base && fi_slots[s].bytes == bytes &&
                (best < 0 || fi_slots[s].age > fi_slots[best].age))
                best = s;
        if (best >= 0) {
            base = fi_slots[best].base;
            fi_slots[best].base = NULL;
            fi_stats.bytes -= bytes;
            fi_stats.blocks--;
            fi_stats.hits++;
        } else {
            fi_stats.misses++;
        }
        fi_unlock();
        if (base)
            return base + FI_BUFCACHE_HEADER;
    }
    base = (char *)fi_aligned_alloc(bytes + FI_BUFCACHE_HEADER);
    if (!base)
        return NULL;
    memcpy(base, &bytes, sizeof bytes);
    if (bytes >= FI_BUFCACHE_MIN_BYTES)
        fi_advise_huge(base, bytes + FI_BUFCACHE_HEADER);
    return base + FI_BUFCACHE_HEADER;
}

void *fi_bufcache_calloc(size_t nelem, size_t elsize) {
    if (elsize && nelem > SIZE_MAX / elsize)
        return NULL;
    size_t bytes = nelem * elsize;
    void *p = fi_bufcache_alloc(bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

void *fi_bufcache_realloc(void *p, size_t bytes) {
    if (!p)
        return fi_bufcache_alloc(bytes);
    size_t old = fi_block_bytes((char *)p - FI_BUFCACHE_HEADER);
    void *q = fi_bufcache_alloc(bytes);
    if (!q)
        return NULL;
    memcpy(q, p, old < bytes ? old : bytes);
    fi_bufcache_free(p);
    return q;
}

void fi_bufcache_free(void *p) {
    if (!p)
        return;
    char *base = (char *)p - FI_BUFCACHE_HEADER;
    size_t bytes = fi_block_bytes(base);
    char *evicted[FI_BUFCACHE_SLOTS + 1];
    int nev = 0;
    fi_lock();
    if (bytes >= FI_BUFCACHE_MIN_BYTES && bytes <= fi_stats.limit) {
        /* make room: oldest blocks out until the bytes and a slot fit */
        for (;;) {
            int empty = -1;
            for (int s = 0; s < FI_BUFCACHE_SLOTS; s++)
                if (!fi_slots[s].base)
                    empty = s;
            if (empty >= 0 && fi_stats.bytes + bytes <= fi_stats.limit) {
                fi_slots[empty].base = base;
                fi_slots[empty].bytes = bytes;
                fi_slots[empty].age = ++fi_clock;
                fi_stats.bytes += bytes;
                fi_stats.blocks++;
                base = NULL;
                break;
            }
            evicted[nev++] = fi_evict_oldest(); /* a block is there: the bytes did not fit */
        }
    }
    fi_unlock();
    for (int i = 0; i < nev; i++)
        fi_aligned_free(evicted[i]);
    if (base)
        fi_aligned_free(base);
}

size_t fi_bufcache_set_limit(size_t limit) {
    char *evicted[FI_BUFCACHE_SLOTS];
    int nev = 0;
    fi_lock();
    size_t old = fi_stats.limit;
    fi_stats.limit = limit;
    while (fi_stats.bytes > limit) /* oldest out until the rest fits */
        evicted[nev++] = fi_evict_oldest();
    fi_unlock();
    for (int i = 0; i < nev; i++)
        fi_aligned_free(evicted[i]);
    return old;
}

void fi_bufcache_get_stats(fi_bufcache_stats *s) {
    fi_lock();
    *s = fi_stats;
    fi_unlock();
}
