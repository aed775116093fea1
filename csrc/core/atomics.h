/* atomics.h (internal): C11 atomic ints, or their stand-in under MSVC. */
#ifndef FASTINIT_ATOMICS_H
#define FASTINIT_ATOMICS_H

#if defined(_MSC_VER) && !defined(__clang__)
/* MSVC's C11 atomics are still experimental; aligned int loads and stores
 * are atomic on the platforms MSVC targets. */
typedef volatile int atomic_int;
#define atomic_load(p) (*(p))
#define atomic_store(p, v) (*(p) = (v))
#include <intrin.h>
/* 1 and *p = desired when *p was expected, else 0 */
#define fi_atomic_cas_int(p, expected, desired)                                                \
    (_InterlockedCompareExchange((volatile long *)(p), (desired), (expected)) == (expected))
#else
#include <stdatomic.h>
static inline int fi_atomic_cas_int(atomic_int *p, int expected, int desired) {
    return atomic_compare_exchange_strong(p, &expected, desired);
}
#endif

#endif
