/* atomics.h (internal): C11 atomic ints, or their stand-in under MSVC. */
#ifndef FASTINIT_ATOMICS_H
#define FASTINIT_ATOMICS_H

#if defined(_MSC_VER) && !defined(__clang__)
/* MSVC's C11 atomics are still experimental; aligned int loads and stores
 * are atomic on the platforms MSVC targets. */
typedef volatile int atomic_int;
#define atomic_load(p) (*(p))
#define atomic_store(p, v) (*(p) = (v))
#else
#include <stdatomic.h>
#endif

#endif
